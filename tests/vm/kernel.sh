# shellcheck shell=bash
# Which installed Debian kernel the VM boots. Sourced by vm-run.sh and
# mkinitramfs.sh so both always agree on the version.
#
# The version is discovered, never hard-coded: a Debian point release or an
# `apt-get upgrade` installs a new linux-image-<ver> and the harness must
# follow it without an edit.

# vm_kernel_version: print the newest <ver> that has both /lib/modules/<ver>
# (we load its 9p/virtio modules and the guest's modprobe reads it) and
# /boot/vmlinuz-<ver> (what qemu boots). Fails when there is none.
vm_kernel_version() {
	local dir ver found=()
	for dir in /lib/modules/*/; do
		ver=$(basename "$dir")
		[[ -r /boot/vmlinuz-$ver && -d /lib/modules/$ver/kernel ]] && found+=("$ver")
	done
	if ((${#found[@]} == 0)); then
		echo "vm: no kernel with both /boot/vmlinuz-<ver> and /lib/modules/<ver>;" \
			"install linux-image-amd64" >&2
		return 1
	fi
	printf '%s\n' "${found[@]}" | sort -V | tail -n 1
}
