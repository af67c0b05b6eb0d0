#!/bin/bash
# make bench, the datapath's part: packets per second through the flowtun
# module's device against the in-tree external (collect_md) device on the
# same topology, in one boot of the VM tier's kernel:
#
#   tests/vm/vm-run.sh --timeout 1200 -- bench/datapath.sh   (make bench-datapath)
#
# Each configuration is a pair of network namespaces joined by a veth
# (192.168.8N.1 and .2). The sender's namespace has the tunnel device "tun"
# and an encap route to the receiver's inner address (ip route ... encap ip
# id 100 dst 192.168.8N.2 [key] dev tun); the receiver's namespace
# decapsulates with its own device of the same kind. build/bench/udpblast
# sends 64-byte UDP datagrams with sendmmsg, pinned to CPU 0 (the veth and
# the whole receive path run there too, in softirq), and counts what reaches
# the receiving socket (its sink, pinned to CPU 1, reads it; what it could
# not read in time counts too, from the namespace's UDP RcvbufErrors): pps =
# datagrams / seconds spent sending to that pair (after 200 ms of warm-up
# to each, not counted).
#
#   IPIP  in-tree `ipip external`, flowtun "plain" (policy open, no peers)
#         and flowtun "all on" (DP_PEERS peers in the table on both sides,
#         the other side among them, so per-peer counters count; receive
#         policy allowlist on both): three namespace pairs side by side; in
#         each round one sender takes turns of DP_SLICE_MS among them, so
#         the load of the machine falls on all three alike; the first in
#         turn rotates from round to round. (flowtun's tunnel4 handler comes
#         first and passes on what is not for one of its devices: the
#         in-tree pair pays that lookup.)
#   GRE   ip_gre and flowtun cannot both hold the GRE version-0 slot: rounds
#         alternate A B A B, in-tree then flowtun, with the modules swapped
#         between rounds (rmmod flowtun; modprobe ip_gre / rmmod ip_gre;
#         insmod flowtun.ko) and the devices made again; a flowtun round
#         measures plain and all on, in turns; one more in-tree round ends
#         the sequence, so that each flowtun round is compared with the
#         mean of the in-tree rounds on either side (drift cancels). Routes
#         set the GRE key. A module swap takes tens of seconds, in which the
#         machine's load changes, so every GRE round also takes turns with a
#         yardstick, plain UDP over a veth of its own (no tunnel, no module),
#         and the GRE ratios are of pps over the yardstick's in the same
#         round.
#
# Every round checks that the packets went through the intended devices:
# the sender's and the receiver's device counters moved by at least the
# count, and the devices are of the intended kind; before flowtun devices
# go, their peers (all on) counted exactly the packets the devices did and
# the allowlist dropped none, or (plain) the tables are empty. A
# configuration that delivers nothing, or does not check out, stops the
# benchmark with a non-zero exit: a broken tunnel must not look slow.
#
#   DP_REPS=7        rounds per configuration; medians are reported
#   DP_SECONDS=3     seconds of sending per configuration and round
#   DP_SLICE_MS=100  turn length when pairs share a round
#   DP_PEERS=16      peers in each table with all on
#   DP_ONLY=         "ipip" or "gre" to run one half
#
# Prints a table of median pps and the ratios against in-tree: of the
# medians, and the median of the rounds' own ratios (IPIP: the same round;
# GRE: over the yardstick, against the in-tree rounds either side). The
# verdict on the target, flowtun with all on at least 0.95x in-tree, is on
# the latter: the machine's load moves the absolute rates from one round to
# the next far more than that. A verdict below the target is reported, not
# an error: the exit status says whether every configuration worked.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KO=$REPO/kmod/flowtun.ko
FTCTL=$REPO/kmod/tools/ftctl
BLAST=$REPO/build/bench/udpblast
OUT=${DP_OUT:-/tmp/dpbench}
REPS=${DP_REPS:-7}
SECONDS_PER_ROUND=${DP_SECONDS:-3}
SLICE_MS=${DP_SLICE_MS:-100}
PEERS=${DP_PEERS:-16}
ONLY=${DP_ONLY:-}
TARGET=0.95
PORT=5001

declare -A PPS		# [config] -> samples (pps), in round order
declare -A VERDICT	# [tunnel] -> the all-on ratio the verdict is on
declare -A LAST_TX LAST_RX	# [pair] -> the devices' packet counters after the last round
RECV_PID=""
FIFO=""
declare -A IDX=([ii]=1 [ip]=2 [if]=3 [gi]=4 [gp]=5 [gf]=6 [gy]=7)
declare -A NORM	# [config] -> GRE samples over the yardstick's of the same round

die() {
	echo "datapath: FAILED: $*" >&2
	exit 1
}

cleanup() {
	local p
	[[ -z $RECV_PID ]] || kill "$RECV_PID" 2>/dev/null || true
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
	rm -f "$OUT/fifo"
	mkfifo "$OUT/fifo"
	exec {FIFO}<>"$OUT/fifo"
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
	local p=$1 mode=$2 all=${3:-} n=${IDX[$1]} side ns other
	for side in a b; do
		ns=dp$p-$side
		ip netns exec "$ns" "$FTCTL" link add tun mode "$mode" >/dev/null
		ip -n "$ns" link set tun addrgenmode none
		ip -n "$ns" link set tun up
		[[ $all == all ]] || continue
		[[ $side == a ]] && other=192.168.8$n.2 || other=192.168.8$n.1
		# one shell per side: a process start costs much in the VM
		# shellcheck disable=SC2016
		ip netns exec "$ns" bash -c '
			ftctl=$1 other=$2 peers=$3
			"$ftctl" peer add tun "$other" id 100 || exit 1
			for ((i = 1; i < peers; i++)); do
				"$ftctl" peer add tun "172.16.$((i / 250)).$((i % 250 + 1))" id $((1000 + i)) || exit 1
			done' - "$FTCTL" "$other" "$PEERS" >/dev/null
		ip netns exec "$ns" "$FTCTL" link set tun policy allowlist >/dev/null
	done
	route "$p" "$mode"
}

# The value of KEY in ftctl's "key value ..." line.
ftfield() { # NS KEY ftctl-args...
	local ns=$1 key=$2
	shift 2
	ip netns exec "$ns" "$FTCTL" "$@" |
		awk -v k="$key" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

# round CONFIG:PAIR...: one round, the pairs' senders taking turns of
# DP_SLICE_MS in one process (CPU 0), one sink for all (CPU 1); records
# each CONFIG's pps and checks its devices' counters.
round() {
	local -a cfgs pairs targets sinks sent_lines
	local -A got_pps
	local item p n i line got sent usec txb txa rxb rxa drops pps yard
	for item in "$@"; do
		cfgs+=("${item%%:*}")
		p=${item#*:}
		n=${IDX[$p]}
		pairs+=("$p")
		if [[ $p == gy ]]; then
			targets+=("dp$p-a,10.8$n.2.1,$PORT,va")
			sinks+=("dp$p-b,$PORT,vb")
		else
			targets+=("dp$p-a,10.8$n.2.1,$PORT,tun")
			sinks+=("dp$p-b,$PORT,tun")
		fi
	done
	"$BLAST" recv "${sinks[@]}" -c 1 >"$OUT/fifo" &
	RECV_PID=$!
	read -r -u "$FIFO" line || die "the sink did not start"
	[[ $line == ready ]] || die "the sink did not start: $line"
	"$BLAST" send "$SECONDS_PER_ROUND" "${targets[@]}" -c 0 -m "$SLICE_MS" \
		>"$OUT/send" || die "${cfgs[*]}: the sender failed"
	sleep 0.3
	kill -TERM "$RECV_PID"
	wait "$RECV_PID" || die "${cfgs[*]}: the sink failed"
	RECV_PID=""
	mapfile -t sent_lines <"$OUT/send"
	for i in "${!cfgs[@]}"; do
		read -r _ _ _ got _ rxb _ rxa _ drops <&"$FIFO"
		read -r _ _ _ sent _ _ _ usec _ txb _ txa <<<"${sent_lines[$i]}"
		p=${pairs[$i]}
		# what reached the socket: taken, or dropped for a full buffer
		# when the sink did not keep up (each pair has its namespace)
		got=$((got + drops))
		((got > 0)) || die "${cfgs[$i]}: no packet arrived (a broken tunnel, not a slow one)"
		((txa - txb >= got)) || die "${cfgs[$i]}: the sender's tunnel device sent $((txa - txb)) packets, fewer than the $got received"
		((rxa - rxb >= got)) || die "${cfgs[$i]}: the receiver's tunnel device received $((rxa - rxb)) packets, fewer than the $got delivered"
		LAST_TX[$p]=$txa
		LAST_RX[$p]=$rxa
		pps=$((got * 1000000 / usec))
		PPS[${cfgs[$i]}]+="$pps "
		got_pps[$p]=$pps
		printf 'datapath: %-8s %8s pps  (sent %s, reached the socket %s, device tx +%s rx +%s, of them socket buffer full %s)\n' \
			"${cfgs[$i]}" "$pps" "$sent" "$got" "$((txa - txb))" "$((rxa - rxb))" "$drops" >&2
	done
	yard=${got_pps[gy]:-}
	[[ -n $yard ]] || return 0
	for i in "${!cfgs[@]}"; do
		[[ ${pairs[$i]} == gy ]] ||
			NORM[${cfgs[$i]}]+="$(awk -v a="${got_pps[${pairs[$i]}]}" -v b="$yard" 'BEGIN { printf "%.6f", a / b }') "
	done
}

# Before pair P's flowtun devices go: with all on, the peers counted every
# packet their devices did and the allowlist dropped none; plain, no peer.
check_peers() { # P
	local p=$1 n=${IDX[$1]} ptx prx na
	if [[ $p == ?p ]]; then
		[[ $(ftfield "dp$p-a" peers dev get tun)$(ftfield "dp$p-b" peers dev get tun) == 00 ]] ||
			die "pair $p: the peer tables are not empty"
		return
	fi
	ptx=$(ftfield "dp$p-a" tx_packets peer get tun "192.168.8$n.2")
	prx=$(ftfield "dp$p-b" rx_packets peer get tun "192.168.8$n.1")
	na=$(ftfield "dp$p-b" drop_not_allowed dev get tun)
	[[ $ptx == "${LAST_TX[$p]}" ]] || die "pair $p: the sender's peer counted $ptx packets, its device ${LAST_TX[$p]}"
	[[ $prx == "${LAST_RX[$p]}" ]] || die "pair $p: the receiver's peer counted $prx packets, its device ${LAST_RX[$p]}"
	[[ $na == 0 ]] || die "pair $p: the allowlist dropped $na packets"
	echo "datapath: pair $p: peer counters tx $ptx rx $prx, equal to the devices'; allowlist drops 0" >&2
}

# The sender's packets must be on the right device kind: in-tree pairs have
# no flowtun device, flowtun pairs no in-tree one.
declare -A QDISC	# [kind] -> the devices' qdisc, for the report
check_kinds() { # P KIND
	local p=$1 kind=$2 ns got
	for ns in "dp$p-a" "dp$p-b"; do
		got=$(ip -n "$ns" link show type "$kind")
		[[ $got =~ ": tun"[@:].*" qdisc "([^ ]*) ]] ||
			die "pair $p: no device tun of kind $kind in $ns"
		QDISC[$kind]=${BASH_REMATCH[1]}
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
	local i ref
	if [[ -n ${NORM[$1]:-} ]]; then
		read -ra x <<<"${NORM[$1]}"
		read -ra y <<<"${NORM[$2]}"
	else
		read -ra x <<<"${PPS[$1]}"
		read -ra y <<<"${PPS[$2]}"
	fi
	for i in "${!x[@]}"; do
		ref=${y[$i]}
		# GRE: the flowtun round between two in-tree rounds, against both
		((${#y[@]} <= ${#x[@]})) ||
			ref=$(awk -v a="${y[$i]}" -v b="${y[$i + 1]}" 'BEGIN { print (a + b) / 2 }')
		ratio "${x[$i]}" "$ref"
		echo
	done | median "$(cat)"
}

run_ipip() {
	local rep
	local -a order=(ipip-ii:ii ipip-ip:ip ipip-if:if)
	pair ii && pair ip && pair if
	intree_devices ii ipip
	flowtun_devices ip ipip
	flowtun_devices if ipip all
	check_kinds ii ipip
	check_kinds ip flowtun
	check_kinds if flowtun
	for ((rep = 1; rep <= REPS; rep++)); do
		echo "datapath: IPIP round $rep of $REPS (at ${SECONDS} s)" >&2
		round "${order[@]}"
		order=("${order[@]:1}" "${order[0]}")
	done
	check_peers ip
	check_peers if
}

loaded() { # MODULE (no process: each costs much in the VM)
	local m
	while read -r m _; do
		[[ $m == "$1" ]] && return 0
	done </proc/modules
	return 1
}

gre_intree_round() {
	if loaded flowtun; then rmmod flowtun; fi
	modprobe ip_gre
	intree_devices gi gre
	check_kinds gi gre
	round gre-gi:gi gre-gy:gy
	rmmod ip_gre
}

gre_flowtun_round() {
	local rep=$1
	if loaded ip_gre; then rmmod ip_gre; fi
	if ! loaded flowtun; then insmod "$KO"; fi
	flowtun_devices gp gre
	flowtun_devices gf gre all
	check_kinds gp flowtun
	check_kinds gf flowtun
	if ((rep % 2)); then
		round gre-gp:gp gre-gf:gf gre-gy:gy
	else
		round gre-gf:gf gre-gy:gy gre-gp:gp
	fi
	check_peers gp
	check_peers gf
	rmmod flowtun
}

run_gre() {
	local rep
	pair gi && pair gp && pair gf && pair gy
	# the yardstick: plain UDP over the veth, no tunnel, no module
	ip -n dpgy-a route add 10.87.2.0/24 via 192.168.87.2 src 10.87.1.1
	for ((rep = 1; rep <= REPS; rep++)); do
		echo "datapath: GRE round $rep of $REPS, ip_gre then flowtun (at ${SECONDS} s)" >&2
		gre_intree_round
		gre_flowtun_round "$rep"
	done
	echo "datapath: GRE, ip_gre once more: every flowtun round between two (at ${SECONDS} s)" >&2
	gre_intree_round
}

row() { # TUNNEL DEVICE CONFIG REF
	local m r="" pr=""
	local -a v
	m=$(median "${PPS[$3]}")
	read -ra v <<<"$(tr ' ' '\n' <<<"${PPS[$3]}" | sort -g | tr '\n' ' ')"
	if [[ -n $4 ]]; then
		r="$(ratio "$m" "$(median "${PPS[$4]}")")x"
		pr="$(paired "$3" "$4")x"
		VERDICT[$1]=$pr
	fi
	printf '| %s | %s | %s | %s .. %s | %s | %s |\n' "$1" "$2" "$m" "${v[0]}" "${v[-1]}" "$r" "$pr"
}

verdict() { # TUNNEL
	local r=${VERDICT[$1]%x}
	if awk -v r="$r" -v t="$TARGET" 'BEGIN { exit !(r >= t) }'; then
		echo "$1: flowtun with all on is ${r}x in-tree (median of the rounds' ratios): meets the target (>= ${TARGET}x)"
	else
		echo "$1: flowtun with all on is ${r}x in-tree (median of the rounds' ratios): BELOW the target (>= ${TARGET}x)"
	fi
}

report() {
	local all="all on ($PEERS peers each side, allowlist)"
	echo
	echo "Datapath: 64-byte UDP through an encap route, pps reaching the receiving socket, median of $REPS rounds of ${SECONDS_PER_ROUND} s; kernel $(uname -r), $(nproc) vCPUs"
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
		row GRE "(yardstick: UDP over the veth, no tunnel)" gre-gy ""
	fi
	echo
	echo "Device qdiscs: $(for k in "${!QDISC[@]}"; do printf '%s %s, ' "$k" "${QDISC[$k]}"; done | sed 's/, $//')"
	[[ -z ${PPS[ipip-ii]:-} ]] || verdict IPIP
	[[ -z ${PPS[gre-gi]:-} ]] || verdict GRE
}

main() {
	local start=$SECONDS
	preflight
	trap cleanup EXIT
	modprobe -a gre tunnel4 ipip
	loaded flowtun || insmod "$KO"
	[[ $ONLY == gre ]] || run_ipip
	[[ $ONLY == ipip ]] || run_gre
	report
	echo "datapath: $((SECONDS - start)) s"
}

main "$@"
