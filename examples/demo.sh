#!/bin/bash
# The tunnelctl demo: three hosts (network namespaces) on one underlay
# bridge, each with an external gre device made by tunnelctl and encap
# routes to the other two; pings across the overlay; what tunnelctl shows.
#
# On a kernel with gre it runs here; otherwise (as on the build machines,
# whose kernel has no gre or modules) it boots the installed Debian kernel
# in qemu and runs itself there.
#
#   examples/demo.sh          run here or in the VM, whichever works
#   examples/demo.sh --here   run here, fail if the kernel has no gre
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
TUNNELCTL=${TUNNELCTL:-$REPO/build/tunnelctl}
HOSTS=(h1 h2 h3)
PREFIX=tctldemo

say() { printf '\n== %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }
tunnelctl() { "$TUNNELCTL" "$@"; }

kernel_has_gre() {
	local ns="$PREFIX-probe" ok=1
	ip netns add "$ns" 2>/dev/null || return 1
	ip -n "$ns" link add probe0 type gre external 2>/dev/null && ok=0
	ip netns del "$ns"
	return $ok
}

cleanup() {
	local h
	for h in "${HOSTS[@]}" sw; do
		ip netns del "$PREFIX-$h" 2>/dev/null || true
	done
}

build_underlay() {
	local i h
	say "underlay: a bridge in $PREFIX-sw, host hN at 192.168.50.N"
	ip netns add "$PREFIX-sw"
	ip -n "$PREFIX-sw" link add br0 type bridge
	ip -n "$PREFIX-sw" link set br0 up
	for i in 1 2 3; do
		h=$PREFIX-h$i
		ip netns add "$h"
		ip -n "$h" link set lo up
		ip link add eth0 netns "$h" type veth peer name "port$i" netns "$PREFIX-sw"
		ip -n "$PREFIX-sw" link set "port$i" master br0 up
		ip -n "$h" addr add "192.168.50.$i/24" dev eth0
		ip -n "$h" link set eth0 up
	done
}

configure_host() {
	local i=$1 j h=$PREFIX-h$1
	say "host h$i: an external gre device and routes to the others"
	run tunnelctl -n "$h" dev add gre01 mode gre
	# The host's overlay address; its peers route 10.10.$i.0/24 to it.
	ip -n "$h" addr add "10.10.$i.1/32" dev gre01
	for j in 1 2 3; do
		((j == i)) && continue
		run tunnelctl -n "$h" route add "10.10.$j.0/24" id "$((100 + j))" \
			dst "192.168.50.$j" ttl 64 dev gre01
	done
}

ping_matrix() {
	local i j failed=0
	say "pings across the overlay (each host to each other host's 10.10.N.1)"
	for i in 1 2 3; do
		for j in 1 2 3; do
			((i == j)) && continue
			if ip netns exec "$PREFIX-h$i" ping -q -c 2 -i 0.2 -W 2 "10.10.$j.1" >/dev/null; then
				printf '  h%s -> h%s  ok\n' "$i" "$j"
			else
				printf '  h%s -> h%s  FAILED\n' "$i" "$j"
				failed=1
			fi
		done
	done
	return $failed
}

demo_here() {
	local ret=0
	trap cleanup EXIT
	cleanup
	build_underlay
	for i in 1 2 3; do
		configure_host "$i"
	done
	ping_matrix || ret=1
	say "what tunnelctl reports on h1"
	run tunnelctl -n "$PREFIX-h1" route show
	run tunnelctl -n "$PREFIX-h1" -j -p dev show
	say "what ip reports for the same routes on h1"
	run ip -n "$PREFIX-h1" -d route show proto 157
	if ((ret)); then
		say "demo FAILED: some pings were not answered"
	else
		say "demo done: every host reached every other through one gre device each"
	fi
	return $ret
}

main() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "demo: needs root (it creates network namespaces)" >&2
		exit 1
	fi
	if [[ ${1:-} == --here ]] || kernel_has_gre; then
		echo "demo: this kernel ($(uname -r)) has gre: running here"
		demo_here
		return
	fi
	echo "demo: this kernel ($(uname -r)) has no gre support;"
	echo "demo: running in a qemu VM with the installed Debian kernel instead"
	"$REPO/scripts/ensure-deps.sh" vm
	"$REPO/tests/vm/vm-run.sh" --timeout 600 -- env TUNNELCTL="$TUNNELCTL" \
		"$REPO/examples/demo.sh" --here
}

main "$@"
