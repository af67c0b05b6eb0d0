#!/bin/bash
# Install the Debian packages a make target needs, and nothing that is
# already present.  Usage: scripts/ensure-deps.sh GROUP...
# Groups: build, check, vm, kmod, demo, fuzz, bench.  apt-get update runs at most once per
# invocation, and only when something is missing.
set -euo pipefail

declare -A GROUP=(
	[build]="gcc make pkg-config libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libjson-c-dev libreadline-dev libnftables-dev"
	[check]="bats bats-assert bats-support jq iproute2 iputils-ping tcpdump mandoc nftables tmux strace graphviz zsh"
	[vm]="qemu-system-x86 linux-image-amd64 busybox-static cpio gzip xz-utils kmod"
	[kmod]="linux-headers-amd64 make gcc ethtool wget"
	[demo]="iproute2 iputils-ping"
	[fuzz]="clang libclang-rt-14-dev"
	[bench]="jq iproute2 gnuplot-nox"
)
# qemu's recommends pull in a desktop stack; the VM needs none of it.
NO_RECOMMENDS="qemu-system-x86"

missing=()
for g in "$@"; do
	[[ -n "${GROUP[$g]:-}" ]] || { echo "ensure-deps: unknown group '$g'" >&2; exit 2; }
	for p in ${GROUP[$g]}; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("$p")
		fi
	done
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "ensure-deps: missing Debian packages: ${missing[*]}" >&2
	echo "ensure-deps: run as root, or install them with apt-get" >&2
	exit 1
fi
echo "ensure-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# One update per make run: skip it when the package lists are fresh.
if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -1) ]]; then
	apt-get update -q >&2
fi
plain=() norec=()
for p in "${missing[@]}"; do
	if [[ " $NO_RECOMMENDS " == *" $p "* ]]; then norec+=("$p"); else plain+=("$p"); fi
done
[[ ${#plain[@]} -eq 0 ]] || apt-get install -y -q "${plain[@]}" >&2
[[ ${#norec[@]} -eq 0 ]] || apt-get install -y -q --no-install-recommends "${norec[@]}" >&2
