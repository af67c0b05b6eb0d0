#!/bin/bash
# make bench, the datapath's part: packets per second through the flowtun
# module's device against the in-tree external (collect_md) device on the
# same topology, in one boot of the VM tier's kernel:
#
#   tests/vm/vm-run.sh --timeout 1200 -- bench/datapath.sh   (make bench-datapath)
#
# Each configuration is a pair of network namespaces joined by a veth
# (192.168.8N.1 and .2). The sender's namespace has the tunnel device and an
# encap route to the receiver's inner address (ip route ... encap ip id 100
# dst 192.168.8N.2 [key] dev tun); the receiver's namespace decapsulates
# with its own device of the same kind. build/bench/udpblast sends 64-byte
# UDP datagrams with sendmmsg for DP_SECONDS (pinned to CPU 0; the veth and
# the receive path run there too, in softirq) and counts the datagrams its
# sink receives (pinned to CPU 1): pps = datagrams received / seconds.
#
#   IPIP  in-tree `ipip external`, flowtun "plain" (policy open, no peers)
#         and flowtun "all on" (DP_PEERS peers in the table on both sides,
#         the real one among them, so per-peer counters count; receive
#         policy allowlist on both): three namespace pairs side by side,
#         rounds interleaved, the order reversed every other repetition.
#         (flowtun's tunnel4 handler comes first and passes on what is not
#         for one of its devices: the in-tree rounds pay that lookup.)
#   GRE   ip_gre and flowtun cannot both hold the GRE version-0 slot: the
#         rounds alternate A B A B, in-tree then flowtun, with the modules
#         swapped between rounds (rmmod flowtun; modprobe ip_gre / rmmod
#         ip_gre; insmod flowtun.ko) and the devices made again; a flowtun
#         round measures plain and all on. Routes set the GRE key.
#
# Every round checks that the packets went through the intended device:
# the sender's and receiver's tunnel device counters moved by at least the
# count, and with all on the peers' counters on both sides moved with the
# devices' and the allowlist dropped nothing. A configuration that delivers
# nothing, or does not check out, stops the benchmark with a non-zero exit:
# a broken tunnel must not look like a slow one.
#
#   DP_REPS=5      rounds per configuration; the median is reported
#   DP_SECONDS=4   length of a round
#   DP_PEERS=64    peers in each table with all on
#   DP_ONLY=       "ipip" or "gre" to run one half
#
# Prints a table of median pps and the ratios against in-tree, and the
# verdict on the target: flowtun with all on at least 0.95x in-tree.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
KO=$REPO/kmod/flowtun.ko
FTCTL=$REPO/kmod/tools/ftctl
BLAST=$REPO/build/bench/udpblast
OUT=${DP_OUT:-/tmp/dpbench}
REPS=${DP_REPS:-5}
SECONDS_PER_ROUND=${DP_SECONDS:-4}
PEERS=${DP_PEERS:-64}
ONLY=${DP_ONLY:-}
TARGET=0.95
PORT=5001

declare -A PPS	# [config] -> samples (pps), in round order
declare -A IDX=([ii]=1 [ip]=2 [if]=3 [gi]=4 [gp]=5 [gf]=6)

die() {
	echo "datapath: FAILED: $*" >&2
	exit 1
}

cleanup() {
	local p
	for p in "${!IDX[@]}"; do
		ip netns del "dp$p-a" 2>/dev/null || true
		ip netns del "dp$p-b" 2>/dev/null || true
	done
}

preflight() {
	if [[ ${TUNNELCTL_IN_VM:-} != 1 ]]; then
		echo "datapath: runs in the VM (modules, gre, ipip):" >&2
		echo "  tests/vm/vm-run.sh --timeout 1200 -- bench/datapath.sh   (make bench-datapath)" >&2
		exit 2
	fi
	[[ -x $BLAST ]] || die "$BLAST missing: make build/bench/udpblast"
	[[ -e $KO && -x $FTCTL ]] || die "$KO or $FTCTL missing: make kmod"
	[[ $REPS =~ ^[1-9][0-9]*$ && $SECONDS_PER_ROUND =~ ^[1-9][0-9]*$ &&
		$PEERS =~ ^[1-9][0-9]*$ ]] || die "DP_REPS, DP_SECONDS and DP_PEERS are positive integers"
	mkdir -p "$OUT"
}

# pair P: namespaces dpP-a and dpP-b, a veth between them, the inner
# addresses 10.8N.1.1 (a) and 10.8N.2.1 (b) on their loopbacks.
pair() {
	local p=$1 n=${IDX[$1]} a=dp$1-a b=dp$1-b ns
	ip netns add "$a"
	ip netns add "$b"
	ip link add va netns "$a" type veth peer name vb netns "$b"
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	ip -n "$a" addr add "192.168.8$n.1/24" dev va
	ip -n "$b" addr add "192.168.8$n.2/24" dev vb
	ip -n "$a" addr add "10.8$n.1.1/32" dev lo
	ip -n "$b" addr add "10.8$n.2.1/32" dev lo
	ip -n "$a" link set va up
	ip -n "$b" link set vb up
	for _ in $(seq 50); do
		ip -n "$a" link show va | grep -q LOWER_UP && return 0
		sleep 0.1
	done
	die "pair $p: the veth has no carrier"
}

# The encap route of pair P's sender through its device "tun".
route() {
	local p=$1 kind=$2 n=${IDX[$1]} key=""
	[[ $kind == gre ]] && key=key
	ip -n "dp$p-a" route add "10.8$n.2.0/24" encap ip id 100 dst "192.168.8$n.2" \
		ttl 64 $key dev tun src "10.8$n.1.1"
}

# In-tree external devices "tun" of KIND (ipip, gre) on both sides of P.
intree_devices() {
	local p=$1 kind=$2 ns
	for ns in "dp$p-a" "dp$p-b"; do
		ip -n "$ns" link add tun type "$kind" external
		ip -n "$ns" link set tun up
	done
	route "$p" "$kind"
}

# flowtun devices "tun" of MODE on both sides of P; with "all", PEERS peers
# in each table (the other side's address among them) and policy allowlist.
flowtun_devices() {
	local p=$1 mode=$2 all=${3:-} n=${IDX[$1]} side ns other i
	for side in a b; do
		ns=dp$p-$side
		ip netns exec "$ns" "$FTCTL" link add tun mode "$mode" >/dev/null
		ip -n "$ns" link set tun addrgenmode none
		ip -n "$ns" link set tun up
		[[ $all == all ]] || continue
		[[ $side == a ]] && other=192.168.8$n.2 || other=192.168.8$n.1
		ip netns exec "$ns" "$FTCTL" peer add tun "$other" id 100 >/dev/null
		for ((i = 1; i < PEERS; i++)); do
			ip netns exec "$ns" "$FTCTL" peer add tun \
				"172.16.$((i / 250)).$((i % 250 + 1))" id $((1000 + i)) >/dev/null
		done
		ip netns exec "$ns" "$FTCTL" link set tun policy allowlist >/dev/null
	done
	route "$p" "$mode"
}

devstat() { # NS COUNTER
	ip netns exec "$1" cat "/sys/class/net/tun/statistics/$2"
}

# The value of KEY in ftctl's "key value ..." line.
ftfield() { # NS KEY ftctl-args...
	local ns=$1 key=$2
	shift 2
	ip netns exec "$ns" "$FTCTL" "$@" |
		awk -v k="$key" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

udp_rcvbuf_errors() { # NS
	ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# counters P: the numbers a round checks, as "name=value" words.
counters() {
	local p=$1 n=${IDX[$1]} a=dp$1-a b=dp$1-b
	echo "tx=$(devstat "$a" tx_packets) rx=$(devstat "$b" rx_packets)" \
		"rcvbuf=$(udp_rcvbuf_errors "$b")"
	if [[ $p == ?f ]]; then
		echo "ptx=$(ftfield "$a" tx_packets peer get tun "192.168.8$n.2")" \
			"prx=$(ftfield "$b" rx_packets peer get tun "192.168.8$n.1")" \
			"notallowed=$(ftfield "$b" drop_not_allowed dev get tun)"
	fi
	if [[ $p == ?p ]]; then
		echo "peers=$(ftfield "$a" peers dev get tun)$(ftfield "$b" peers dev get tun)"
	fi
}

# get NAME WORDS...: the value of NAME=... among WORDS.
get() {
	local name=$1 w
	shift
	for w in "$@"; do
		[[ $w == "$name="* ]] && { echo "${w#*=}"; return; }
	done
	echo 0
}

# measure CONFIG P: one round through pair P; records pps under CONFIG.
measure() {
	local cfg=$1 p=$2 n=${IDX[$2]} a=dp$2-a b=dp$2-b rpid got sent secs pps
	local -a c0 c1
	read -ra c0 <<<"$(counters "$p" | tr '\n' ' ')"
	ip netns exec "$b" "$BLAST" recv "$PORT" -c 1 >"$OUT/recv" &
	rpid=$!
	for _ in $(seq 100); do
		grep -q ready "$OUT/recv" 2>/dev/null && break
		sleep 0.05
	done
	grep -q ready "$OUT/recv" || die "$cfg: the sink did not start"
	ip netns exec "$a" "$BLAST" send "10.8$n.2.1" "$PORT" "$SECONDS_PER_ROUND" -c 0 \
		>"$OUT/send" || die "$cfg: the sender failed"
	sleep 0.3
	kill -TERM "$rpid"
	wait "$rpid" || die "$cfg: the sink failed"
	read -ra c1 <<<"$(counters "$p" | tr '\n' ' ')"

	got=$(awk '/^received/ { print $2 }' "$OUT/recv")
	sent=$(awk '/^sent/ { print $2 }' "$OUT/send")
	secs=$(awk '/^sent/ { print $6 }' "$OUT/send")
	verify "$cfg" "$p" "$got" c0 c1
	pps=$(awk -v g="$got" -v s="$secs" 'BEGIN { printf "%.0f", g / s }')
	PPS[$cfg]+="$pps "
	printf 'datapath: %-12s %9s pps  (sent %s, received %s, dev tx +%s rx +%s, rcvbuf drops +%s)\n' \
		"$cfg" "$pps" "$sent" "$got" \
		"$(($(get tx "${c1[@]}") - $(get tx "${c0[@]}")))" \
		"$(($(get rx "${c1[@]}") - $(get rx "${c0[@]}")))" \
		"$(($(get rcvbuf "${c1[@]}") - $(get rcvbuf "${c0[@]}")))" >&2
}

# verify CONFIG P RECEIVED BEFORE AFTER: the packets went the intended way.
verify() {
	local cfg=$1 p=$2 got=$3 dtx drx
	local -n before=$4 after=$5
	((got > 0)) || die "$cfg: no packet arrived (a broken tunnel, not a slow one)"
	dtx=$(($(get tx "${after[@]}") - $(get tx "${before[@]}")))
	drx=$(($(get rx "${after[@]}") - $(get rx "${before[@]}")))
	((dtx >= got)) || die "$cfg: the sender's tunnel device sent $dtx packets, fewer than the $got received"
	((drx >= got)) || die "$cfg: the receiver's tunnel device received $drx packets, fewer than the $got delivered"
	case $p in
	?f)
		local ptx prx
		ptx=$(($(get ptx "${after[@]}") - $(get ptx "${before[@]}")))
		prx=$(($(get prx "${after[@]}") - $(get prx "${before[@]}")))
		((ptx == dtx)) || die "$cfg: the sender's peer counted $ptx packets, its device $dtx"
		((prx == drx)) || die "$cfg: the receiver's peer counted $prx packets, its device $drx"
		(($(get notallowed "${after[@]}") == 0)) || die "$cfg: the allowlist dropped packets"
		;;
	?p)
		[[ $(get peers "${after[@]}") == 00 ]] || die "$cfg: the peer tables are not empty"
		;;
	esac
}

# The sender's packets must be on the right device kind: in-tree pairs have
# no flowtun device, flowtun pairs no in-tree one.
check_kinds() { # P KIND
	local p=$1 kind=$2 ns got
	for ns in "dp$p-a" "dp$p-b"; do
		got=$(ip -n "$ns" -j -d link show tun | jq -r '.[0].linkinfo.info_kind')
		[[ $got == "$kind" ]] || die "pair $p: device tun in $ns is '$got', not $kind"
	done
}

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
}

# Per-round ratios of CONFIG against REF (the same repetition).
paired() { # CONFIG REF
	local -a x y
	local i
	read -ra x <<<"${PPS[$1]}"
	read -ra y <<<"${PPS[$2]}"
	for i in "${!x[@]}"; do
		ratio "${x[$i]}" "${y[$i]}"
		echo
	done | median "$(cat)"
}

run_ipip() {
	local rep order c
	pair ii && pair ip && pair if
	intree_devices ii ipip
	flowtun_devices ip ipip
	flowtun_devices if ipip all
	check_kinds ii ipip
	check_kinds ip flowtun
	check_kinds if flowtun
	for ((rep = 1; rep <= REPS; rep++)); do
		echo "datapath: IPIP round $rep of $REPS" >&2
		order="ii ip if"
		((rep % 2)) || order="if ip ii"
		for c in $order; do
			measure "ipip-$c" "$c"
		done
	done
}

gre_intree_round() {
	lsmod | grep -q '^flowtun ' && rmmod flowtun
	modprobe ip_gre
	intree_devices gi gre
	check_kinds gi gre
	measure gre-gi gi
	rmmod ip_gre
}

gre_flowtun_round() {
	local rep=$1 c order
	lsmod | grep -q '^ip_gre ' && rmmod ip_gre
	lsmod | grep -q '^flowtun ' || insmod "$KO"
	flowtun_devices gp gre
	flowtun_devices gf gre all
	check_kinds gp flowtun
	check_kinds gf flowtun
	order="gp gf"
	((rep % 2)) || order="gf gp"
	for c in $order; do
		measure "gre-$c" "$c"
	done
	rmmod flowtun
}

run_gre() {
	local rep
	pair gi && pair gp && pair gf
	for ((rep = 1; rep <= REPS; rep++)); do
		echo "datapath: GRE round $rep of $REPS (ip_gre, then flowtun)" >&2
		gre_intree_round
		gre_flowtun_round "$rep"
	done
}

row() { # TUNNEL DEVICE CONFIG REF
	local m r="" pr=""
	m=$(median "${PPS[$3]}")
	if [[ -n $4 ]]; then
		r="$(ratio "$m" "$(median "${PPS[$4]}")")x"
		pr="$(paired "$3" "$4")x"
	fi
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$m" \
		"$(tr ' ' '\n' <<<"${PPS[$3]}" | grep . | sort -g | sed -n '1p;$p' | paste -sd- | sed 's/-/ .. /')" \
		"$r" "$pr"
}

verdict() { # TUNNEL CONFIG REF
	local r
	r=$(ratio "$(median "${PPS[$2]}")" "$(median "${PPS[$3]}")")
	if awk -v r="$r" -v t="$TARGET" 'BEGIN { exit !(r >= t) }'; then
		echo "$1: flowtun, all on, ${r}x in-tree: meets the target (>= ${TARGET}x)"
	else
		echo "$1: flowtun, all on, ${r}x in-tree: BELOW the target (>= ${TARGET}x)"
	fi
}

report() {
	local all="all on ($PEERS peers each side, allowlist)"
	echo
	echo "Datapath: 64-byte UDP through an encap route, pps received, median of $REPS rounds of ${SECONDS_PER_ROUND} s; kernel $(uname -r), $(nproc) vCPUs"
	echo
	echo "| tunnel | device | pps (median) | min .. max | against in-tree (medians) | (median of paired rounds) |"
	echo "|---|---|---|---|---|---|"
	if [[ -n ${PPS[ipip-ii]:-} ]]; then
		row IPIP "in-tree ipip external" ipip-ii ""
		row IPIP "flowtun, plain (open, no peers)" ipip-ip ipip-ii
		row IPIP "flowtun, $all" ipip-if ipip-ii
	fi
	if [[ -n ${PPS[gre-gi]:-} ]]; then
		row GRE "in-tree gre external" gre-gi ""
		row GRE "flowtun, plain (open, no peers)" gre-gp gre-gi
		row GRE "flowtun, $all" gre-gf gre-gi
	fi
	echo
	[[ -z ${PPS[ipip-ii]:-} ]] || verdict IPIP ipip-if ipip-ii
	[[ -z ${PPS[gre-gi]:-} ]] || verdict GRE gre-gf gre-gi
}

main() {
	local start=$SECONDS
	preflight
	trap cleanup EXIT
	modprobe -a gre tunnel4 ipip
	lsmod | grep -q '^flowtun ' || insmod "$KO"
	[[ $ONLY == gre ]] || run_ipip
	[[ $ONLY == ipip ]] || run_gre
	report
	echo "datapath: $((SECONDS - start)) s"
}

main "$@"
