#!/usr/bin/env bash
# The flowtun module against the in-tree GRE device, on the wire between two
# kernels: one GRE version-0 slot per kernel means flowtun (guest a) and
# ip_gre (guest b) cannot meet in one.  Run in both guests of
#
#   tests/vm/vm-run.sh --pair -- tests/vm/pair/gre_interop.sh
#
# a: flowtun in GRE mode on 192.168.100.1, overlay 10.50.1.1, set up by tunnelctl
# b: `ip link add gre1 type gre external` on 192.168.100.2, overlay 10.50.2.1
# Each pings the other's overlay (IPv4, then IPv6 inside); a fetches 4 MB from
# b's web server over the tunnel and checks its sha256; a capture on a shows
# the GRE keys both ways.  a tells b it is done over a TCP connection.
# Prints "ok"/"not ok" lines; exits non-zero when any check failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TUNNELCTL=${TUNNELCTL:-$REPO/build/tunnelctl}
ROLE=${TUNNELCTL_VM_ROLE:?run under vm-run.sh --pair}
WORK=$(mktemp -d /tmp/interop.XXXXXX)
failed=0

ok() { echo "$ROLE: ok - $*"; }
not_ok() { echo "$ROLE: not ok - $*"; failed=1; }
check() {
	local desc=$1
	shift
	if "$@" >"$WORK/log" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/#   /' "$WORK/log"; fi
}

# The same 4 MB on both sides, without sharing anything.
make_payload() {
	seq 1 600000 | head -c 4000000 >"$1"
}

# until_ok SECONDS CMD...: retry CMD once a second.
until_ok() {
	local n=$1
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

setup_a() {
	modprobe -r ip_gre 2>/dev/null || true
	modprobe -a gre tunnel4 tunnel6 || return 1
	insmod "$REPO/kmod/flowtun.ko" || return 1
	ip addr add 192.168.100.1/24 dev eth0
	ip addr add 10.50.1.1/32 dev lo
	ip addr add fd50:1::1/128 dev lo
	"$TUNNELCTL" dev add ft0 mode gre datapath kmod &&
		"$TUNNELCTL" route add 10.50.2.0/24 id 100 dst 192.168.100.2 ttl 33 dev ft0 &&
		"$TUNNELCTL" route add fd50:2::/64 id 100 dst 192.168.100.2 ttl 33 dev ft0 &&
		"$TUNNELCTL" peer add ft0 192.168.100.2 id 100
}

setup_b() {
	ip addr add 192.168.100.2/24 dev eth0
	ip addr add 10.50.2.1/32 dev lo
	ip addr add fd50:2::1/128 dev lo
	ip link add gre1 type gre external &&
		ip link set gre1 up &&
		ip route add 10.50.1.0/24 encap ip id 200 dst 192.168.100.1 ttl 44 key dev gre1 &&
		ip route add fd50:1::/64 encap ip id 200 dst 192.168.100.1 ttl 44 key dev gre1
}

run_a() {
	check "a: flowtun gre device, routes and peer by tunnelctl" setup_a
	tcpdump -n -v -i eth0 -c 4 'ip proto 47' >"$WORK/cap" 2>/dev/null &
	local cap=$!
	check "a: IPv4 ping to b's overlay over in-tree gre" until_ok 60 ping -c 1 -W 1 -I 10.50.1.1 10.50.2.1
	check "a: IPv6 inside GRE to b" ping -6 -c 3 -i 0.3 -W 2 -I fd50:1::1 fd50:2::1
	sleep 1
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	# tcpdump -v: the outer IP header on one line, GRE on the next.
	tr '\n' ' ' <"$WORK/cap" | sed 's/IP (/\nIP (/g' >"$WORK/cap1"
	check "a: on the wire, a's GRE key 0x64 with ttl 33" grep -q 'ttl 33,.*192.168.100.1 > 192.168.100.2: GREv0, Flags \[key present\], key=0x64' "$WORK/cap1"
	check "a: on the wire, b's GRE key 0xc8 with ttl 44" grep -q 'ttl 44,.*192.168.100.2 > 192.168.100.1: GREv0, Flags \[key present\], key=0xc8' "$WORK/cap1"
	make_payload "$WORK/want"
	check "a: 4 MB over TCP from b, sha256 intact" bash -c "
		wget -q -T 30 -O '$WORK/got' http://10.50.2.1:8080/payload &&
		[[ \$(sha256sum <'$WORK/got' | cut -d' ' -f1) == \$(sha256sum <'$WORK/want' | cut -d' ' -f1) ]]"
	"$TUNNELCTL" -j peer show 192.168.100.2 dev ft0 >"$WORK/peer"
	echo "a: peer 192.168.100.2: $(jq -c '.[0].stats | {rx_packets, rx_bytes, tx_packets, tx_bytes}' "$WORK/peer")"
	# 4 MB received: at least that many inner bytes, however GRO grouped them.
	check "a: the peer's counters saw the transfer" jq -e '.[0].stats.rx_bytes > 4000000 and .[0].stats.tx_packets > 10' "$WORK/peer"
	until_ok 10 bash -c 'echo done | busybox nc 192.168.100.2 9999'
}

run_b() {
	check "b: in-tree external gre device and routes" setup_b
	make_payload "$WORK/payload"
	busybox httpd -f -p 10.50.2.1:8080 -h "$WORK" &
	local httpd=$!
	check "b: IPv4 ping to a's overlay over flowtun" until_ok 60 ping -c 1 -W 1 -I 10.50.2.1 10.50.1.1
	# Serve until a says it is done (or give up after two minutes).
	timeout 120 busybox nc -l -p 9999 >/dev/null
	kill "$httpd" 2>/dev/null
}

"run_$ROLE"
dmesg | grep -E 'BUG:|Oops|WARNING:|Call Trace' && not_ok "$ROLE: the kernel complained"
rm -rf "$WORK"
exit "$failed"
