#!/usr/bin/env bash
# Build the VM's initramfs: busybox-static, the modules needed to mount the
# host root over virtio-9p, and tests/vm/init.sh as /init.
#
#   tests/vm/mkinitramfs.sh KERNEL_VERSION OUTPUT.cpio.gz
#
# Called by vm-run.sh when its cached copy is stale; usable on its own.
# Needs no root: the archive holds no device nodes (init mounts devtmpfs).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT="" # the tree being archived (temporary)
OUT=""  # the archive being written

# Load order matters (insmod does not resolve dependencies): virtio core and
# the PCI transport, then the 9p network layer and its virtio transport, then
# the netfs/fscache helpers the 9p filesystem links against, then 9p itself.
MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	9pnet 9pnet_virtio netfs fscache 9p)

usage() {
	echo "usage: $0 KERNEL_VERSION OUTPUT.cpio.gz" >&2
	exit 2
}

# busybox-static is required: the initramfs has no libc.
find_busybox() {
	local bb
	for bb in /bin/busybox /usr/bin/busybox; do
		if [[ -x $bb ]] && ! ldd "$bb" >/dev/null 2>&1; then
			echo "$bb"
			return
		fi
	done
	echo "mkinitramfs: no static busybox; apt-get install busybox-static" >&2
	return 1
}

# Copy each module into $root/lib/modules and list it in $root/etc/modules in
# load order. A module that does not exist as a file is built into this
# kernel (or gone): skip it. .ko.xz/.ko.zst are decompressed, because
# busybox insmod may not understand compressed modules.
add_modules() {
	local ver=$1 root=$2 name file
	local kdir=/lib/modules/$ver/kernel
	mkdir -p "$root/lib/modules" "$root/etc"
	: >"$root/etc/modules"
	for name in "${MODULES[@]}"; do
		file=$(find "$kdir" -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" | head -n 1)
		if [[ -z $file ]]; then
			echo "mkinitramfs: $name: no module file, assuming built in" >&2
			continue
		fi
		case $file in
		*.xz) xz -dc "$file" >"$root/lib/modules/$name.ko" ;;
		*.zst) zstd -dcq "$file" >"$root/lib/modules/$name.ko" ;;
		*) cp "$file" "$root/lib/modules/$name.ko" ;;
		esac
		echo "$name.ko" >>"$root/etc/modules"
	done
}

# Build in a temporary directory, then rename: a concurrent vm-run.sh never
# boots a half-written archive.
main() {
	(($# == 2)) || usage
	local ver=$1
	OUT=$2
	[[ -d /lib/modules/$ver/kernel ]] || {
		echo "mkinitramfs: no /lib/modules/$ver" >&2
		exit 1
	}
	ROOT=$(mktemp -d)
	trap 'rm -rf "$ROOT" "$OUT.tmp.$$"' EXIT

	mkdir -p "$ROOT"/{bin,dev,proc,sys,host,out,repo}
	cp "$(find_busybox)" "$ROOT/bin/busybox"
	install -m 0755 "$HERE/init.sh" "$ROOT/init"
	add_modules "$ver" "$ROOT"

	mkdir -p "$(dirname "$OUT")"
	(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --quiet) |
		gzip -6 >"$OUT.tmp.$$"
	mv -f "$OUT.tmp.$$" "$OUT"
}

main "$@"
