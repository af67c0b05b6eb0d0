#!/usr/bin/env bash
# Smoke test of the flowtun module, run as root inside the VM:
#
#   make -C kmod KDIR=/lib/modules/<guest kernel>/build
#   tests/vm/vm-run.sh --timeout 900 -- kmod/tests/smoke.sh
#
# Two namespaces joined by a veth (192.168.70.1 and .2):
#   GRE   flowtun (A, wildcard) <-> flowtun (B, bound to 192.168.70.2),
#         IPv4 and IPv6 inside; the outer header on the wire; per-peer
#         counters equal to the packets sent;
#   IPIP  flowtun (A) <-> in-tree ipip external (B);
#   6in4  flowtun (A) <-> in-tree point-to-point sit (B);
#   the receive allowlist, strict netlink, the GRE slot shared with ip_gre;
#   malformed and hostile packets from a raw socket (ftinject), each
#   counted under its reason; RFC 6040's ECN tables row by row (the
#   encapsulation on the wire, the decapsulation as delivered);
#   rmmod while devices are up and pings flood, 5 times; no oops, no warning.
#
# Prints one "ok"/"not ok" line per check and "N passed, N failed" last;
# exits non-zero when any check failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KMOD=$(cd "$HERE/.." && pwd)
KO=$KMOD/flowtun.ko
FTCTL=$KMOD/tools/ftctl
FTINJECT=$KMOD/tools/ftinject
A=ftsmokeA
B=ftsmokeB
OUT=$(mktemp -d /tmp/ftsmoke.XXXXXX)
RMMOD_ROUNDS=${RMMOD_ROUNDS:-5}

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok $((passed + failed)) - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok $((passed + failed)) - $*"
}

# check DESCRIPTION COMMAND...: one test line from a command's status.
check() {
	local desc=$1
	shift
	if "$@" >"$OUT/check.log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$OUT/check.log"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [[ $2 == "$3" ]]; then
		ok "$1 ($3)"
	else
		not_ok "$1: expected $2, got $3"
	fi
}

fatal() {
	echo "Bail out! $*"
	finish
}

finish() {
	cleanup
	echo "$passed passed, $failed failed"
	((failed == 0)) && [[ ${1:-} != bail ]]
	exit $?
}

cleanup() {
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$OUT"
}

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

# The value of counter KEY in a "key value ..." line from ftctl.
field() {
	local key=$1
	awk -v k="$key" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

peer_counter() { # NS DEV REMOTE KEY
	ip netns exec "$1" "$FTCTL" peer get "$2" "$3" | field "$4"
}

dev_counter() { # NS DEV KEY
	ip netns exec "$1" "$FTCTL" dev get "$2" | field "$3"
}

ping_ok() { # NS [ping args...]
	local ns=$1
	shift
	ip netns exec "$ns" ping -q -c 3 -i 0.2 -W 2 "$@"
}

load_module() {
	modprobe -a gre tunnel4 ipip sit || return 1
	insmod "$KO"
}

namespaces() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip link add va netns "$A" type veth peer name vb netns "$B" || return 1
	inA ip addr add 192.168.70.1/24 dev va
	inB ip addr add 192.168.70.2/24 dev vb
	for ns in "$A" "$B"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	inA ip link set va up
	inB ip link set vb up
	inA ip addr add 10.30.1.1/32 dev lo
	inB ip addr add 10.30.2.1/32 dev lo
	inA ip addr add 10.30.3.1/32 dev lo
	inB ip addr add 10.30.4.1/32 dev lo
	inB ip addr add 10.30.5.1/32 dev lo
	inB ip addr add 10.30.6.1/32 dev lo
	inB ip addr add 10.30.7.1/32 dev lo
	# the RFC 6040 encapsulation table: routes with tos inherit and 0x20
	inB ip addr add 10.30.8.1/32 dev lo
	inB ip addr add 10.30.10.1/32 dev lo
	inB ip addr add 10.30.11.1/32 dev lo
	inB ip addr add 10.30.12.1/32 dev lo
	# a local address of B that no flowtun device is bound to
	inB ip addr add 192.168.70.3/24 dev vb
	inA ip -6 addr add fd00:30:1::1/128 dev lo nodad
	inB ip -6 addr add fd00:30:2::1/128 dev lo nodad
	inA ip -6 addr add fd00:30:3::1/128 dev lo nodad
	inB ip -6 addr add fd00:30:4::1/128 dev lo nodad
	# the in-tree devices of B, which outlive the module
	inB ip link add ipip1 type ipip external || return 1
	inB ip link set ipip1 up
	inB ip link add sit1 type sit local 192.168.70.2 remote 192.168.70.1 ttl 64 || return 1
	inB ip link set sit1 up
	inB ip route add 10.30.3.0/24 encap ip dst 192.168.70.1 dev ipip1 src 10.30.4.1
	inB ip -6 route add fd00:30:3::/64 dev sit1 src fd00:30:4::1
	# let the veth come up (the carrier) before the first packets
	for _ in $(seq 50); do
		inA ip link show va | grep -q LOWER_UP && break
		sleep 0.1
	done
}

# The flowtun devices and their routes (again after each module reload).
flowtun_devices() {
	inA "$FTCTL" link add ft0 mode gre || return 1
	inB "$FTCTL" link add ft0 mode gre local 192.168.70.2 || return 1
	inA "$FTCTL" link add ft1 mode ipip || return 1
	for ns in "$A" "$B"; do
		ip -n "$ns" link set ft0 addrgenmode none
		ip -n "$ns" link set ft0 up
	done
	inA ip link set ft1 addrgenmode none
	inA ip link set ft1 up
	inA ip route add 10.30.2.0/24 encap ip id 100 dst 192.168.70.2 ttl 33 key dev ft0 src 10.30.1.1 || return 1
	inB ip route add 10.30.1.0/24 encap ip id 200 dst 192.168.70.1 ttl 44 key dev ft0 src 10.30.2.1 || return 1
	inA ip -6 route add fd00:30:2::/64 encap ip id 100 dst 192.168.70.2 key dev ft0 src fd00:30:1::1 || return 1
	inB ip -6 route add fd00:30:1::/64 encap ip id 200 dst 192.168.70.1 key dev ft0 src fd00:30:2::1 || return 1
	inA ip route add 10.30.5.0/24 encap ip id 5 dst 192.168.70.2 key csum seq dev ft0 src 10.30.1.1 || return 1
	inA ip route add 10.30.6.0/24 encap ip id 6 dst 192.168.70.2 tos 0x10 key dev ft0 src 10.30.1.1 || return 1
	inA ip route add 10.30.4.0/24 encap ip dst 192.168.70.2 ttl 55 dev ft1 src 10.30.3.1 || return 1
	inA ip -6 route add fd00:30:4::/64 encap ip dst 192.168.70.2 dev ft1 src fd00:30:3::1 || return 1
	# tos 1 inherits the inner tos; 0x20 is fixed (its ECN bits from inside)
	inA ip route add 10.30.8.0/24 encap ip id 8 dst 192.168.70.2 tos 1 key dev ft0 src 10.30.1.1 || return 1
	inA ip route add 10.30.10.0/24 encap ip id 10 dst 192.168.70.2 tos 0x20 key dev ft0 src 10.30.1.1 || return 1
	inA ip route add 10.30.11.0/24 encap ip dst 192.168.70.2 tos 1 dev ft1 src 10.30.3.1 || return 1
	inA ip route add 10.30.12.0/24 encap ip dst 192.168.70.2 tos 0x20 dev ft1 src 10.30.3.1 || return 1
	inA "$FTCTL" peer add ft0 192.168.70.2 id 100 || return 1
	inB "$FTCTL" peer add ft0 192.168.70.1 id 200 || return 1
	inA "$FTCTL" peer add ft1 192.168.70.2 id 300 || return 1
}

# tcpdump's verbose output, one packet a line.
# The timeout only bounds a capture that is never stopped: a loaded machine
# takes minutes over an ECN table, and must not lose its last rows.
capture_start() { # NS FILE FILTER [COUNT], on CAPTURE_IF (default vb)
	ip netns exec "$1" timeout 900 tcpdump -l -nn -v -i "${CAPTURE_IF:-vb}" -c "${4:-200}" "$3" \
		>"$2" 2>"$2.err" &
	CAPTURE_PID=$!
	sleep 1.5
}

capture_stop() { # FILE
	sleep 0.5
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	awk '/^[^ \t]/ { if (l != "") print l; l = $0; next } { l = l " " $0 } END { if (l != "") print l }' "$1"
}

# fails_with PATTERN COMMAND...: the command fails, saying PATTERN.
fails_with() {
	local pattern=$1
	shift
	if "$@" 2>"$OUT/err.txt"; then
		echo "succeeded, but should have failed"
		return 1
	fi
	cat "$OUT/err.txt"
	grep -q -E "$pattern" "$OUT/err.txt"
}

# in_capture FILE REGEX: a packet line of the capture matches.
in_capture() {
	grep -q -E "$2" "$1" && return 0
	echo "no line matches: $2"
	cat "$1"
	return 1
}

dmesg_new() {
	dmesg | tail -n +"$((DMESG_BASE + 1))"
}

# ---- preconditions ----

if [[ ${TUNNELCTL_IN_VM:-} != 1 ]]; then
	echo "smoke.sh: run it in the VM: tests/vm/vm-run.sh -- kmod/tests/smoke.sh" >&2
	exit 2
fi
[[ -r $KO && -x $FTCTL ]] || {
	echo "smoke.sh: build first: make -C kmod KDIR=/lib/modules/$(uname -r)/build" >&2
	exit 2
}
trap 'finish bail' INT TERM
DMESG_BASE=$(dmesg | wc -l)

echo "# kernel $(uname -r), module $(modinfo -F vermagic "$KO")"
check "insmod flowtun.ko" load_module || fatal "cannot load the module"
check "namespaces and veth" namespaces || fatal "no namespaces"
check "flowtun devices, routes, peers" flowtun_devices || fatal "no devices"

# ---- control plane ----

check "iproute2 creates a flowtun device without attributes (GRE, wildcard)" \
	bash -c "ip netns add ftsmokeC && ip -n ftsmokeC link add ftx type flowtun && \
		ip netns exec ftsmokeC $FTCTL dev get ftx | grep -q 'mode gre local 0.0.0.0 policy open'; \
		rc=\$?; ip netns del ftsmokeC; exit \$rc"
check "a second wildcard GRE device in one namespace is refused" \
	fails_with "File exists: .*wildcard local address exists" inA "$FTCTL" link add ft9 mode gre
check "a GRE device bound to another local address is accepted" \
	bash -c "ip netns exec $A $FTCTL link add ft9 mode gre local 192.168.70.1 && ip -n $A link del ft9"
check "an unknown flag bit is refused" \
	fails_with "Invalid argument" inA "$FTCTL" peer add ft0 192.168.70.9 flags 2
check "a reply-only attribute in a request is refused" \
	fails_with "Invalid argument" inA "$FTCTL" peer get ft0 192.168.70.9 id 1
check "a peer dump of a device that is not flowtun is refused" \
	fails_with "not a flowtun device" inA "$FTCTL" peer dump va
check "an unknown peer is not found" \
	fails_with "No such file or directory: .*no such peer" inA "$FTCTL" peer get ft0 192.168.70.9
check "a duplicate peer is refused" \
	fails_with "File exists: .*peer already exists" inA "$FTCTL" peer add ft0 192.168.70.2 id 7
check "replace updates a peer's id" \
	bash -c "ip netns exec $A $FTCTL peer add ft0 192.168.70.2 id 101 replace && \
		ip netns exec $A $FTCTL peer get ft0 192.168.70.2 | grep -q 'id 101 ' && \
		ip netns exec $A $FTCTL peer add ft0 192.168.70.2 id 100 replace"
check "a multicast local address is refused" \
	fails_with "Invalid argument: .*unicast" inA "$FTCTL" link add ft9 mode ipip local 224.0.0.1
check "an unknown mode is refused" \
	fails_with "Numerical result out of range|Invalid argument" inA "$FTCTL" link add ft9 mode 3
check "peer dump resumes over many peers" \
	bash -c "for i in \$(seq 1 250); do echo \$i; done | while read -r i; do \
		ip netns exec $A $FTCTL peer add ft1 10.99.\$((i / 200)).\$((i % 200 + 1)) id \$i || exit 1; done && \
		test \"\$(ip netns exec $A $FTCTL peer dump ft1 | wc -l)\" = 251 && \
		ip netns exec $A $FTCTL dev get ft1 | grep -q ' peers 251 '"

# ---- GRE, flowtun on both sides ----

capture_start "$B" "$OUT/gre.txt" "ip proto 47"
check "gre: ping A -> B" ping_ok "$A" -I 10.30.1.1 10.30.2.1
check "gre: ping B -> A" ping_ok "$B" -I 10.30.2.1 10.30.1.1
capture_stop "$OUT/gre.txt" >"$OUT/gre.lines"
check "gre: A's packets carry key 0x64 and ttl 33" \
	in_capture "$OUT/gre.lines" 'ttl 33, .*proto GRE \(47\).*192\.168\.70\.1 > 192\.168\.70\.2: GREv0, Flags \[key present\], key=0x64'
check "gre: B's packets carry key 0xc8 and ttl 44" \
	in_capture "$OUT/gre.lines" 'ttl 44, .*proto GRE \(47\).*192\.168\.70\.2 > 192\.168\.70\.1: GREv0, Flags \[key present\], key=0xc8'
check_eq "gre: GRE packets on the wire" 12 "$(grep -c 'GREv0' "$OUT/gre.lines")"
check_eq "gre: A's peer tx_packets" 6 "$(peer_counter "$A" ft0 192.168.70.2 tx_packets)"
check_eq "gre: A's peer rx_packets" 6 "$(peer_counter "$A" ft0 192.168.70.2 rx_packets)"
check_eq "gre: B's peer tx_packets" 6 "$(peer_counter "$B" ft0 192.168.70.1 tx_packets)"
check_eq "gre: B's peer rx_packets" 6 "$(peer_counter "$B" ft0 192.168.70.1 rx_packets)"
check_eq "gre: A's peer rx_bytes (6 x 84)" 504 "$(peer_counter "$A" ft0 192.168.70.2 rx_bytes)"
check "gre: IPv6 inside, ping A -> B" ping_ok "$A" -6 -I fd00:30:1::1 fd00:30:2::1
check_eq "gre: A's peer tx_packets after IPv6" 9 "$(peer_counter "$A" ft0 192.168.70.2 tx_packets)"

# With checksum offload on the veth, nothing would ever compute the GRE
# checksum (the receiver takes CHECKSUM_PARTIAL as valid): turn it off so
# that the checksum on the wire is real and the receiver verifies it.
csum_real=0
if command -v ethtool >/dev/null && inA ethtool -K va tx off >/dev/null 2>&1; then
	csum_real=1
fi
capture_start "$B" "$OUT/gre2.txt" "ip proto 47 and src 192.168.70.1"
gre_csum_before=$(dev_counter "$B" ft0 drop_gre_csum)
check "gre: checksum and sequence number, ping A -> B" ping_ok "$A" -I 10.30.1.1 10.30.5.1
check "gre: ECN, ping A -> B with inner ECT(1)" ping_ok "$A" -Q 0x01 -I 10.30.1.1 10.30.6.1
check "gre: ECN, ping A -> B with inner CE" ping_ok "$A" -Q 0x03 -I 10.30.1.1 10.30.6.1
capture_stop "$OUT/gre2.txt" >"$OUT/gre2.lines"
check "gre: checksum, key and sequence number present when asked" \
	in_capture "$OUT/gre2.lines" 'GREv0, Flags \[checksum present, key present, sequence# present\], sum 0x[0-9a-f]+, off 0x0, key=0x5, seq 2,'
if ((csum_real)); then
	check "gre: the checksum on the wire is computed (tx offload off)" \
		in_capture "$OUT/gre2.lines" 'sum 0x[1-9a-f][0-9a-f]*, off 0x0, key=0x5'
	check_eq "gre: the receiver verified every checksum" 0 \
		"$(($(dev_counter "$B" ft0 drop_gre_csum) - gre_csum_before))"
else
	ok "# SKIP gre: checksum on the wire (no ethtool to turn offload off)"
fi
inA ethtool -K va tx on >/dev/null 2>&1
check "gre: RFC 6040 encapsulation, ECT(1) inside: outer tos 0x11" \
	in_capture "$OUT/gre2.lines" 'tos 0x11,ECT\(1\), ttl 64, .*proto GRE .*key=0x6,.*IP \(tos 0x1,ECT\(1\).*10\.30\.1\.1 > 10\.30\.6\.1: ICMP echo request'
check "gre: RFC 6040 encapsulation, CE inside: outer CE, tos 0x13" \
	in_capture "$OUT/gre2.lines" 'tos 0x13,CE, ttl 64, .*proto GRE .*key=0x6,.*IP \(tos 0x3,CE.*10\.30\.1\.1 > 10\.30\.6\.1: ICMP echo request'

# ---- ECN: RFC 6040 section 4.1, encapsulation (normal mode: copy) ----

# MODE INNER_TOS DST OUTER_TOS: an echo request with INNER_TOS to DST leaves
# with OUTER_TOS on the wire. DSCP 0x40 inside; the routes to 10.30.8 and
# .11 inherit it (tos 1), those to 10.30.10 and .12 set 0x20.
ECN_ENCAP_TABLE='
gre  0x40 10.30.8.1  0x40
gre  0x41 10.30.8.1  0x41
gre  0x42 10.30.8.1  0x42
gre  0x43 10.30.8.1  0x43
gre  0x40 10.30.10.1 0x20
gre  0x41 10.30.10.1 0x21
gre  0x42 10.30.10.1 0x22
gre  0x43 10.30.10.1 0x23
ipip 0x40 10.30.11.1 0x40
ipip 0x41 10.30.11.1 0x41
ipip 0x42 10.30.11.1 0x42
ipip 0x43 10.30.11.1 0x43
ipip 0x40 10.30.12.1 0x20
ipip 0x41 10.30.12.1 0x21
ipip 0x42 10.30.12.1 0x22
ipip 0x43 10.30.12.1 0x23
'
capture_start "$B" "$OUT/ecn-encap.txt" "src 192.168.70.1 and (ip proto 47 or ip proto 4)"
while read -r mode itos dst otos; do
	[[ -n $mode ]] || continue
	src=10.30.1.1
	[[ $mode == ipip ]] && src=10.30.3.1
	inA ping -q -c 1 -W 1 -Q "$itos" -I "$src" "$dst" >/dev/null 2>&1
done <<<"$ECN_ENCAP_TABLE"
capture_stop "$OUT/ecn-encap.txt" >"$OUT/ecn-encap.lines"
while read -r mode itos dst otos; do
	[[ -n $mode ]] || continue
	proto=GRE
	[[ $mode == ipip ]] && proto=IPIP
	check "ecn encap $mode: inner tos $itos to ${dst%.1}: outer tos $otos" \
		in_capture "$OUT/ecn-encap.lines" "IP \\(tos ${otos}[,)].*proto $proto .*IP \\(tos ${itos}[,)].* > ${dst//./\\.}: ICMP echo request"
done <<<"$ECN_ENCAP_TABLE"

# ---- IPIP, flowtun <-> in-tree ipip external ----

ipip_rx=$(peer_counter "$A" ft1 192.168.70.2 rx_packets)
capture_start "$B" "$OUT/ipip.txt" "ip proto 4"
check "ipip: ping A (flowtun) -> B (ipip external)" ping_ok "$A" -I 10.30.3.1 10.30.4.1
check "ipip: ping B (ipip external) -> A (flowtun)" ping_ok "$B" -I 10.30.4.1 10.30.3.1
capture_stop "$OUT/ipip.txt" >"$OUT/ipip.lines"
check "ipip: A's packets are protocol 4 with ttl 55" \
	in_capture "$OUT/ipip.lines" 'ttl 55, .*proto IPIP \(4\).*192\.168\.70\.1 > 192\.168\.70\.2: .*10\.30\.3\.1 > 10\.30\.4\.1'
check_eq "ipip: A's peer rx_packets, the 6 answers" 6 \
	"$(($(peer_counter "$A" ft1 192.168.70.2 rx_packets) - ipip_rx))"

# ---- 6in4, flowtun <-> in-tree sit ----

capture_start "$B" "$OUT/sit.txt" "ip proto 41"
check "6in4: ping A (flowtun) -> B (sit)" ping_ok "$A" -6 -I fd00:30:3::1 fd00:30:4::1
check "6in4: ping B (sit) -> A (flowtun)" ping_ok "$B" -6 -I fd00:30:4::1 fd00:30:3::1
capture_stop "$OUT/sit.txt" >"$OUT/sit.lines"
check "6in4: A's packets are protocol 41" \
	in_capture "$OUT/sit.lines" 'proto IPv6 \(41\).*192\.168\.70\.1 > 192\.168\.70\.2: .*fd00:30:3::1 > fd00:30:4::1'

# ---- TCP: segmentation offload and checksums through the tunnels ----

# fetch NS URL SUM: NS downloads URL, whose sha256 must be SUM.
fetch() {
	local got
	got=$(ip netns exec "$1" timeout 60 wget -q -O - "$2" | sha256sum | cut -d' ' -f1)
	echo "sha256 $got"
	[[ $got == "$3" ]]
}

mkdir -p "$OUT/www"
head -c 4000000 /dev/urandom >"$OUT/www/blob"
blob_sum=$(sha256sum "$OUT/www/blob" | cut -d' ' -f1)
ip netns exec "$B" busybox httpd -f -p 10.30.2.1:8080 -h "$OUT/www" &
ip netns exec "$A" busybox httpd -f -p 10.30.3.1:8080 -h "$OUT/www" &
sleep 1
check "tcp: 4 MB from B to A over GRE (flowtun both ends), checksum intact" \
	fetch "$A" http://10.30.2.1:8080/blob "$blob_sum"
check "tcp: 4 MB from A to B over IPIP (flowtun -> ipip external), intact" \
	fetch "$B" http://10.30.3.1:8080/blob "$blob_sum"
jobs -p | xargs -r kill 2>/dev/null
wait 2>/dev/null

# ---- the receive allowlist ----

inB "$FTCTL" peer del ft0 192.168.70.1
inB "$FTCTL" link set ft0 policy allowlist
before=$(dev_counter "$B" ft0 drop_not_allowed)
check "allowlist: an unlisted remote gets no answer" \
	bash -c "! ip netns exec $A ping -q -c 5 -i 0.2 -W 1 -I 10.30.1.1 10.30.2.1"
after=$(dev_counter "$B" ft0 drop_not_allowed)
check_eq "allowlist: every packet from it dropped and counted" 5 "$((after - before))"
inB "$FTCTL" peer add ft0 192.168.70.1 id 200
check "allowlist: once listed, it is answered" ping_ok "$A" -I 10.30.1.1 10.30.2.1
inB "$FTCTL" link set ft0 policy open

# ---- malformed and hostile packets, injected with a raw socket ----

# inject NS SRC DST KIND COUNT DEVNS DEV COUNTER DELTA: COUNT packets of KIND
# sent from NS change DEVNS's DEV's COUNTER by DELTA.
inject() {
	local ns=$1 src=$2 dst=$3 kind=$4 count=$5 devns=$6 dev=$7 counter=$8
	local delta=$9 before after
	before=$(dev_counter "$devns" "$dev" "$counter")
	ip netns exec "$ns" "$FTINJECT" "$kind" "$src" "$dst" "$count" || return 1
	sleep 0.3
	after=$(dev_counter "$devns" "$dev" "$counter")
	echo "$counter: $before -> $after"
	((after - before == delta))
}

# inject_rx NS SRC DST KIND COUNT DEVNS DEV: COUNT packets of KIND are
# received, as DEVNS's DEV's peer SRC counts them.
inject_rx() {
	local ns=$1 src=$2 dst=$3 kind=$4 count=$5 devns=$6 dev=$7 before after
	before=$(peer_counter "$devns" "$dev" "$src" rx_packets)
	ip netns exec "$ns" "$FTINJECT" "$kind" "$src" "$dst" "$count" || return 1
	sleep 0.3
	after=$(peer_counter "$devns" "$dev" "$src" rx_packets)
	echo "rx_packets: $before -> $after"
	((after - before == count))
}

check "inject gre-truncated: counted as truncated" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-truncated 5 "$B" ft0 drop_truncated 5
check "inject gre-routing: counted as gre_routing" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-routing 5 "$B" ft0 drop_gre_routing 5
check "inject gre-csum-bad: counted as gre_csum" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-csum-bad 5 "$B" ft0 drop_gre_csum 5
check "inject gre-csum-ok: accepted (peer rx)" \
	inject_rx "$A" 192.168.70.1 192.168.70.2 gre-csum-ok 5 "$B" ft0
check "inject gre-proto (TEB): counted as unknown_proto" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-proto 5 "$B" ft0 drop_unknown_proto 5
check "inject gre-inner-version: counted as bad_inner" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-inner-version 5 "$B" ft0 drop_bad_inner 5
check "inject gre-inner-short: counted as truncated" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-inner-short 5 "$B" ft0 drop_truncated 5
check "inject gre-ecn-ce over not-ECT: counted as ecn (RFC 6040)" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-ecn-ce 5 "$B" ft0 drop_ecn 5
check "inject gre-ecn-ect over not-ECT: accepted, not dropped" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-ecn-ect 5 "$B" ft0 drop_ecn 0
check "inject gre-version 1: the demultiplexer's PPTP slot, not flowtun's" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-version 5 "$B" ft0 drop_gre_version 0
check "inject ipip-inner-version: counted as bad_inner" \
	inject "$B" 192.168.70.2 192.168.70.1 ipip-inner-version 5 "$A" ft1 drop_bad_inner 5
check "inject ipip-inner-short: tunnel4 drops it before flowtun" \
	inject "$B" 192.168.70.2 192.168.70.1 ipip-inner-short 5 "$A" ft1 drop_truncated 0
# GRE, A -> B (flowtun bound to 192.168.70.2)
ingre() { inject "$A" 192.168.70.1 192.168.70.2 "$1" 5 "$B" ft0 "drop_$2" "${3:-5}"; }
check "inject gre-key-short: the GRE demultiplexer drops it (under 12 bytes), not flowtun" \
	ingre gre-key-short truncated 0
check "inject gre-no-payload (C|K|S, right checksum): counted as truncated" ingre gre-no-payload truncated
check "inject gre-strict-route (RFC 1701): counted as gre_flags (RFC 2784)" ingre gre-strict-route gre_flags
check "inject gre-recursion 7 (RFC 1701): counted as gre_flags (RFC 2784)" ingre gre-recursion gre_flags
check "inject gre-recursion-low 3: ignored as RFC 2784 says, accepted" \
	inject_rx "$A" 192.168.70.1 192.168.70.2 gre-recursion-low 5 "$B" ft0
check "inject gre-rfc1701-flag (bit 8): ignored as RFC 2784 says, accepted" \
	inject_rx "$A" 192.168.70.1 192.168.70.2 gre-rfc1701-flag 5 "$B" ft0
check "inject gre-csum-bad-inner (right checksum): counted as bad_inner" ingre gre-csum-bad-inner bad_inner
check "inject gre-keepalive (protocol 0): counted as unknown_proto" ingre gre-keepalive unknown_proto
check "inject gre-wccp (protocol 0x883e): counted as unknown_proto" ingre gre-wccp unknown_proto
check "inject gre-inner-ihl (IHL 4): counted as bad_inner" ingre gre-inner-ihl bad_inner
check "inject gre-inner-totlen (1500 in 28 bytes): counted as truncated" ingre gre-inner-totlen truncated
check "inject gre-inner-totlen-small (12, under IHL): counted as bad_inner" ingre gre-inner-totlen-small bad_inner
check "inject gre-ipv6-ok: accepted (peer rx)" \
	inject_rx "$A" 192.168.70.1 192.168.70.2 gre-ipv6-ok 5 "$B" ft0
check "inject gre-ipv6-ipv4 (IPv4 under protocol IPv6): counted as bad_inner" ingre gre-ipv6-ipv4 bad_inner
check "inject gre-ipv6-short (20 bytes): counted as truncated" ingre gre-ipv6-short truncated
check "inject gre-ipv6-plen (payload length 1000): counted as truncated" ingre gre-ipv6-plen truncated
# IPIP and 6in4, B -> A (flowtun ft1, wildcard)
inipip() { inject "$B" 192.168.70.2 192.168.70.1 "$1" 5 "$A" ft1 "drop_$2" "${3:-5}"; }
check "inject ipip-inner-ihl (IHL 4): counted as bad_inner" inipip ipip-inner-ihl bad_inner
check "inject ipip-inner-totlen (1500 in 28 bytes): counted as truncated" inipip ipip-inner-totlen truncated
check "inject ipip-ecn-ce over not-ECT: counted as ecn (RFC 6040)" inipip ipip-ecn-ce ecn
check "inject 6in4-ok: accepted (peer rx)" \
	inject_rx "$B" 192.168.70.2 192.168.70.1 6in4-ok 5 "$A" ft1
check "inject 6in4-inner-version (IPv4 under protocol 41): counted as bad_inner" inipip 6in4-inner-version bad_inner
check "inject 6in4-inner-short (20 bytes): tunnel4 drops it before flowtun" inipip 6in4-inner-short truncated 0
check "inject 6in4-inner-plen (payload length 1000): counted as truncated" inipip 6in4-inner-plen truncated
check "inject 6in4-ecn-ce over not-ECT: counted as ecn (RFC 6040)" inipip 6in4-ecn-ce ecn

# GRE to 192.168.70.3, a local address of B that no device is bound to (B's
# only GRE device is bound to .2): ICMP port unreachable as ip_gre answers,
# nothing for flowtun to count it on; B's device sees nothing of it.
inject_nodev() {
	local before after
	before=$(inB "$FTCTL" dev get ft0)
	inA "$FTINJECT" gre-ok 192.168.70.1 192.168.70.3 5 || return 1
	sleep 0.3
	after=$(inB "$FTCTL" dev get ft0)
	echo "$before"
	echo "$after"
	[[ $before == "$after" ]]
}
check "inject gre-ok to a local address no device is bound to: not counted, device untouched" \
	inject_nodev

# Bursts: every packet counted, none lost on the way (the backlog raised
# so that the veth does not drop any while the softirq catches up).
backlog=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=10000
check "burst: 2000 gre-csum-bad, exactly 2000 counted as gre_csum" \
	inject "$A" 192.168.70.1 192.168.70.2 gre-csum-bad 2000 "$B" ft0 drop_gre_csum 2000
check "burst: 2000 gre-ok, exactly 2000 received" \
	inject_rx "$A" 192.168.70.1 192.168.70.2 gre-ok 2000 "$B" ft0
sysctl -qw net.core.netdev_max_backlog="$backlog"
check "inject ipip-ok from a stranger: accepted with policy open" \
	inject "$B" 192.168.70.66 192.168.70.1 ipip-ok 5 "$A" ft1 drop_not_allowed 0
inA "$FTCTL" link set ft1 policy allowlist
check "inject ipip-ok from a stranger: allowlist drops all" \
	inject "$B" 192.168.70.66 192.168.70.1 ipip-ok 5 "$A" ft1 drop_not_allowed 5
check "inject 6in4-ok from a stranger: allowlist drops all" \
	inject "$B" 192.168.70.66 192.168.70.1 6in4-ok 5 "$A" ft1 drop_not_allowed 5
check "inject ipip-inner-ihl from a stranger: allowlist first, nothing parsed" \
	inject "$B" 192.168.70.66 192.168.70.1 ipip-inner-ihl 3 "$A" ft1 drop_not_allowed 3
inA "$FTCTL" link set ft1 policy open
inB "$FTCTL" link set ft0 policy allowlist
check "inject gre-ok from a stranger: allowlist drops all" \
	inject "$A" 192.168.70.77 192.168.70.2 gre-ok 7 "$B" ft0 drop_not_allowed 7
check "inject gre-routing from a stranger: allowlist first, nothing parsed" \
	inject "$A" 192.168.70.77 192.168.70.2 gre-routing 3 "$B" ft0 drop_not_allowed 3
inB "$FTCTL" link set ft0 policy open
check "ping across after the injections" ping_ok "$A" -I 10.30.1.1 10.30.2.1

# ---- ECN: RFC 6040 section 4.2, decapsulation, the whole table ----

# OUTER INNER RESULT: a packet with these ECN fields leaves the tunnel with
# RESULT, or is dropped (and counted as ecn).
ECN_DECAP_TABLE='
not-ect not-ect not-ect
not-ect ect1    ect1
not-ect ect0    ect0
not-ect ce      ce
ect1    not-ect not-ect
ect1    ect1    ect1
ect1    ect0    ect1
ect1    ce      ce
ect0    not-ect not-ect
ect0    ect1    ect1
ect0    ect0    ect0
ect0    ce      ce
ce      not-ect drop
ce      ect1    ce
ce      ect0    ce
ce      ce      ce
'
declare -A ecn_code=([not-ect]=0 [ect1]=1 [ect0]=2 [ce]=3)

# ecn_decap_table MODE KIND NS SRC DST DEVNS DEV SEQ0 CAPTURE: inject every
# row (2 packets, echo sequence SEQ0 + row), record each drop_ecn delta.
ecn_decap_inject() {
	local mode=$1 kind=$2 ns=$3 src=$4 dst=$5 devns=$6 dev=$7 seq=$8
	local outer inner result before after
	while read -r outer inner result; do
		[[ -n $outer ]] || continue
		seq=$((seq + 1))
		before=$(dev_counter "$devns" "$dev" drop_ecn)
		ip netns exec "$ns" "$FTINJECT" -e "$outer,$inner" -q "$seq" \
			"$kind" "$src" "$dst" 2
		sleep 0.1
		after=$(dev_counter "$devns" "$dev" drop_ecn)
		ecn_delta[$mode.$seq]=$((after - before))
	done <<<"$ECN_DECAP_TABLE"
}

# The ECN field of the packet with echo sequence SEQ in capture FILE, or
# "none".
delivered_ecn() { # FILE SEQ
	local line
	line=$(grep -E "seq $2(,| |\$)" "$1" | head -n 1)
	if [[ -z $line ]]; then
		echo none
	elif [[ $line =~ \(tos\ 0x([0-9a-f]+)[,\)] || $line =~ class\ 0x([0-9a-f]+) ]]; then
		echo $((0x${BASH_REMATCH[1]} & 3))
	else
		echo 0
	fi
}

ecn_decap_check() { # MODE FILE SEQ0
	local mode=$1 file=$2 seq=$3 outer inner result got want
	while read -r outer inner result; do
		[[ -n $outer ]] || continue
		seq=$((seq + 1))
		got=$(delivered_ecn "$file" "$seq")
		if [[ $result == drop ]]; then
			check_eq "ecn decap $mode: outer $outer, inner $inner: dropped, counted as ecn" \
				"2 none" "${ecn_delta[$mode.$seq]} $got"
		else
			want=${ecn_code[$result]}
			check_eq "ecn decap $mode: outer $outer, inner $inner: delivered $result" \
				"0 $want" "${ecn_delta[$mode.$seq]} $got"
		fi
	done <<<"$ECN_DECAP_TABLE"
}

declare -A ecn_delta=()
CAPTURE_IF=ft0 capture_start "$B" "$OUT/ecn-gre.txt" "icmp and icmp[icmptype] == icmp-echo"
ecn_decap_inject gre gre-ok "$A" 192.168.70.1 192.168.70.2 "$B" ft0 100
capture_stop "$OUT/ecn-gre.txt" >"$OUT/ecn-gre.lines"
CAPTURE_IF=ft1 capture_start "$A" "$OUT/ecn-ipip.txt" \
	"(icmp and icmp[icmptype] == icmp-echo) or (icmp6 and ip6[40] == 128)"
ecn_decap_inject ipip ipip-ok "$B" 192.168.70.2 192.168.70.1 "$A" ft1 200
ecn_decap_inject 6in4 6in4-ok "$B" 192.168.70.2 192.168.70.1 "$A" ft1 300
capture_stop "$OUT/ecn-ipip.txt" >"$OUT/ecn-ipip.lines"
ecn_decap_check gre "$OUT/ecn-gre.lines" 100
ecn_decap_check ipip "$OUT/ecn-ipip.lines" 200
ecn_decap_check 6in4 "$OUT/ecn-ipip.lines" 300

# ---- path MTU: DF on the outer header (flag 0x100), iproute2 6.1 cannot ask ----

inA ip link set va mtu 1400
inB ip link set vb mtu 1400
check "pmtu: a route with key and don't-fragment (ftctl)" \
	inA "$FTCTL" route add 10.30.7.0/24 dev ft0 dst 192.168.70.2 id 7 flags 0x104 src 10.30.1.1
before=$(dev_counter "$A" ft0 drop_pmtu)
inA ping -c 1 -W 2 -M do -s 1400 -I 10.30.1.1 10.30.7.1 >"$OUT/pmtu.txt" 2>&1
after=$(dev_counter "$A" ft0 drop_pmtu)
check "pmtu: an oversized DF packet gets frag-needed with mtu 1400 - 20 - 8" \
	grep -E 'mtu ?= ?1372' "$OUT/pmtu.txt"
check_eq "pmtu: and is counted" 1 "$((after - before))"
check "pmtu: the inner route learned mtu 1372" \
	bash -c "ip -n $A route get 10.30.7.1 from 10.30.1.1 | tee /dev/stderr | grep -q 'mtu 1372'"
check "pmtu: the sender's next packets fit (1344 + 28 = 1372, DF)" \
	ping_ok "$A" -M do -s 1344 -I 10.30.1.1 10.30.7.1
capture_start "$B" "$OUT/df.txt" "ip proto 47 and src 192.168.70.1"
ping_ok "$A" -I 10.30.1.1 10.30.7.1 >/dev/null
capture_stop "$OUT/df.txt" >"$OUT/df.lines"
check "pmtu: the outer header has DF when the metadata asks" \
	in_capture "$OUT/df.lines" 'flags \[DF\], proto GRE \(47\).*key=0x7,'
check "pmtu: and not otherwise" \
	bash -c "! grep -q 'flags \[DF\], proto GRE' $OUT/gre.lines"
inA ip link set va mtu 1500
inB ip link set vb mtu 1500

# ---- no metadata ----

before=$(dev_counter "$A" ft0 drop_no_metadata)
inA ip route add 10.30.9.0/24 dev ft0
inA ping -q -c 2 -W 1 10.30.9.1 >/dev/null 2>&1
after=$(dev_counter "$A" ft0 drop_no_metadata)
check_eq "a packet without tunnel metadata is dropped and counted" 2 "$((after - before))"

# ---- rmmod while devices are up and packets flow ----

for round in $(seq "$RMMOD_ROUNDS"); do
	ip netns exec "$A" ping -q -i 0.01 -I 10.30.1.1 10.30.2.1 >/dev/null 2>&1 &
	ip netns exec "$B" ping -q -i 0.01 -I 10.30.2.1 10.30.1.1 >/dev/null 2>&1 &
	ip netns exec "$A" ping -q -i 0.01 -I 10.30.3.1 10.30.4.1 >/dev/null 2>&1 &
	ip netns exec "$B" ping -q -i 0.01 -6 -I fd00:30:4::1 fd00:30:3::1 >/dev/null 2>&1 &
	sleep 2
	rx=$(peer_counter "$A" ft0 192.168.70.2 rx_packets)
	check "rmmod round $round: rmmod under traffic (A got $rx from B)" rmmod flowtun
	check "rmmod round $round: no flowtun device left" \
		bash -c "! ip -n $A link show ft0 && ! ip -n $B link show ft0 && ! ip -n $A link show ft1"
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	check "rmmod round $round: insmod again" insmod "$KO"
	check "rmmod round $round: devices again" flowtun_devices
done
check "traffic after the last reload" ping_ok "$A" -I 10.30.1.1 10.30.2.1

# ---- the GRE slot, shared with ip_gre ----

check "ip_gre cannot load while flowtun holds GRE" bash -c "! modprobe ip_gre"
inA ip link del ft0
inB ip link del ft0
check "ip_gre loads once no GRE-mode flowtun device is left" modprobe ip_gre
check "creating a GRE-mode device then fails, naming ip_gre" \
	fails_with "Device or resource busy: .*ip_gre" inA "$FTCTL" link add ft0 mode gre
sed 's/^/# /' "$OUT/err.txt"
check "IPIP mode still works beside ip_gre" ping_ok "$A" -I 10.30.3.1 10.30.4.1
check "rmmod ip_gre" rmmod ip_gre
check "rmmod flowtun" rmmod flowtun

# ---- the kernel log ----

dmesg_new >"$OUT/dmesg.txt"
if grep -i -E 'bug|oops|warn|to become free' "$OUT/dmesg.txt" >"$OUT/bad.txt"; then
	not_ok "no bug, oops, warning or leaked device in dmesg"
	sed 's/^/#   /' "$OUT/bad.txt"
else
	ok "no bug, oops, warning or leaked device in dmesg ($(wc -l <"$OUT/dmesg.txt") new lines)"
fi
echo "# dmesg, last lines:"
tail -n 15 "$OUT/dmesg.txt" | sed 's/^/#   /'

finish
