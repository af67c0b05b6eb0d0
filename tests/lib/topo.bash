# Topologies for the VM tier: hosts as namespaces joined by an underlay.
# shellcheck shell=bash

# two_hosts: namespaces $A and $B joined by a veth pair (ua in A, ub in B),
# underlay 192.168.1.1/24 - 192.168.1.2/24 and fd00::1/64 - fd00::2/64.
two_hosts() {
	new_ns A
	new_ns B
	ip link add ua netns "$A" type veth peer name ub netns "$B"
	ip -n "$A" addr add 192.168.1.1/24 dev ua
	ip -n "$B" addr add 192.168.1.2/24 dev ub
	ip -n "$A" addr add fd00::1/64 dev ua nodad
	ip -n "$B" addr add fd00::2/64 dev ub nodad
	ip -n "$A" link set ua up
	ip -n "$B" link set ub up
}

# tunnel_pair MODE DEV: on $A and $B, an external MODE device DEV made by
# tunnelctl, with the overlay addresses 10.0.1.1 (A) and 10.0.2.1 (B) on it.
tunnel_pair() {
	local mode=$1 dev=$2
	"$TUNNELCTL" -n "$A" dev add "$dev" mode "$mode"
	"$TUNNELCTL" -n "$B" dev add "$dev" mode "$mode"
	ip -n "$A" addr add 10.0.1.1/32 dev "$dev"
	ip -n "$B" addr add 10.0.2.1/32 dev "$dev"
}

# capture_start NS DEV FILTER: tcpdump into $BATS_TEST_TMPDIR/cap.pcap until
# capture_stop; returns once tcpdump is listening.
capture_start() {
	local ns=$1 dev=$2 filter=$3 i
	CAPTURE_FILE=$BATS_TEST_TMPDIR/cap.pcap
	ip netns exec "$ns" tcpdump -i "$dev" -nn -U --immediate-mode -w "$CAPTURE_FILE" \
		"$filter" 2>"$BATS_TEST_TMPDIR/tcpdump.err" &
	CAPTURE_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q "listening on" "$BATS_TEST_TMPDIR/tcpdump.err" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/tcpdump.err" >&2
	return 1
}

# capture_stop: end the capture and print it decoded (-v: ttl, tos, GRE key),
# one packet per line (tcpdump continues a packet on indented lines).
capture_stop() {
	sleep 0.3
	kill -INT "$CAPTURE_PID" 2>/dev/null || true
	wait "$CAPTURE_PID" 2>/dev/null || true
	tcpdump -r "$CAPTURE_FILE" -nn -v 2>/dev/null |
		awk '/^[0-9]/ { if (p) print p; p = $0; next } { sub(/^[ \t]+/, " "); p = p $0 }
		     END { if (p) print p }'
}

# ping_ok NS [ping args...] DEST: a few echo requests, all answered.
ping_ok() {
	local ns=$1
	shift
	ip netns exec "$ns" ping -q -c 3 -i 0.2 -W 2 "$@"
}
