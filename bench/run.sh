#!/bin/bash
# make bench: tunnelctl apply against the floor the kernel allows (a minimal
# batched raw-netlink writer and dumper, bench/rawnl.c) and against
# `ip -batch` of the same nexthop and route set, measured side by side and
# interleaved in one run, each in a fresh network namespace on this kernel
# through an unmanaged veth.  Prints times, rates, ratios, objects written
# and peak RSS; writes build/bench/results.md and build/bench/time-vs-n.png.
#
#   BENCH_SIZES="10000 100000"   peer counts (one prefix each)
#   BENCH_K10="10000"            peer counts for the 10-prefixes-per-peer variant
#   BENCH_REPS=3                 repetitions; the median is reported
#   BENCH_PLOT="1000 3000 30000" more sizes, from empty only, for the plot
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
TUNNELCTL=$REPO/build/tunnelctl
RAWNL=$REPO/build/bench/rawnl
RUNSTAT=$REPO/build/bench/runstat
GEN=$REPO/examples/gen-mesh.sh
OUT=$REPO/build/bench
SIZES=${BENCH_SIZES:-"10000 100000"}
K10=${BENCH_K10:-"10000"}
REPS=${BENCH_REPS:-3}
PLOT=${BENCH_PLOT:-"1000 3000 30000"}
NS=tctlbench$$
OTHER=tctlbenchother$$

declare -A T RSS DONE	# [method,N,K] -> list of samples

cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$OTHER" 2>/dev/null || true
}
trap cleanup EXIT

fresh_ns() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link set v0 up
	ip -n "$NS" link set v1 up
}

# measure KEY CMD...: run CMD under runstat, record wall time and peak RSS.
measure() {
	local key=$1 line
	shift
	"$RUNSTAT" -o "$OUT/stat" -- "$@" >"$OUT/last.out" 2>"$OUT/last.err" || {
		echo "bench: failed: $*" >&2
		cat "$OUT/last.err" >&2
		exit 1
	}
	line=$(cat "$OUT/stat")
	T[$key]+="$(sed 's/.*wall=\([0-9.]*\).*/\1/' <<<"$line") "
	RSS[$key]+="$(sed 's/.*maxrss_kb=\([0-9]*\).*/\1/' <<<"$line") "
}

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Files of one size: the peer list, its 1% change, and the same objects
# for rawnl and ip -batch, derived from tunnelctl's own plan.
prepare() {
	local n=$1 k=$2 d c

	d=$OUT/n$n-k$k
	mkdir -p "$d"
	[[ -e $d/teardown.txt && -e $d/tctl-batch.txt ]] && return
	echo "bench: preparing $n peers x $k prefixes" >&2
	"$GEN" "$n" -k "$k" -d v0 --unmanaged >"$d/list.json"
	# The self node keeps its own entry; everything else goes on teardown.
	jq '.peers |= [.[0]]' "$d/list.json" >"$d/self-only.json"
	change_list "$d" "$n" "$k"
	fresh_ns
	"$TUNNELCTL" -n "$NS" -j diff "$d/list.json" --self p0 >"$d/plan.json" || true
	plan_to_raw <"$d/plan.json" >"$d/raw-add.txt"
	plan_to_ip <"$d/plan.json" >"$d/ip-add.txt"
	plan_to_batch <"$d/plan.json" >"$d/tctl-batch.txt"
	jq -r '.routes | reverse | .[] | "delrt \(.route.dst)"' "$d/plan.json" >"$d/raw-del.txt"
	jq -r '.nexthops[] | "delnh \(.nexthop.id)"' "$d/plan.json" >>"$d/raw-del.txt"
	[[ ${3:-} == plot-only ]] && { touch "$d/teardown.txt"; return; }
	# The writes a 1% change needs, for the floor: from the plan of the change.
	"$RAWNL" write "$NS" "$d/raw-add.txt" >/dev/null
	"$TUNNELCTL" -n "$NS" -j diff "$d/change.json" --self p0 >"$d/plan-change.json" || true
	plan_to_raw <"$d/plan-change.json" >"$d/raw-change.txt"
	c=$(jq '[.summary[] | objects | .add + .replace + .delete] | add' "$d/plan-change.json")
	echo "$c" >"$d/change-count"
	if [[ $k == 1 && $n -le 10000 ]]; then
		jq -r '.routes[] | .route as $r | "route add \($r.dst) encap ip id \($r.encap.id) dst \($r.encap.dst) ttl \($r.encap.ttl)\(if $r.encap.key then " key" else "" end) dev v0 proto 157"' \
			"$d/plan.json" >"$d/ip-inline.txt"
	fi
	touch "$d/teardown.txt"
}

# 1% of the peers change: a third leave, a third get a new id and ttl, a third join.
change_list() {
	local d=$1 n=$2 k=$3 c third

	c=$((n / 100))
	third=$((c / 3))
	jq --argjson t "$third" --argjson n "$n" --argjson k "$k" '
	  def addr($i): "100.127.\(($i / 256) | floor).\($i % 256)";
	  def pfx($i; $j): ((1048575 - ($i * $k + $j)) * 16) as $a
	    | "10.\(($a / 65536) | floor).\((($a % 65536) / 256) | floor).\($a % 256)/28";
	  .peers as $p
	  | .peers = ([$p[0]] + ($p[1 + $t : 1 + 2 * $t] | map(.id += 1000000 | .ttl = 30))
	              + $p[1 + 2 * $t :]
	              + [range(0; $t) as $i | {name: "q\($i)", underlay: addr($i + 1),
	                  id: (2000000 + $i), prefixes: [range(0; $k) as $j | pfx($i; $j)]}])
	' "$d/list.json" >"$d/change.json"
}

plan_to_raw() {
	jq -r '(.nexthops[] | select(.action != "delete") | .nexthop as $h
	        | "\(if .action == "replace" then "nhr" else "nh" end) \($h.id) \(if $h.family == "inet6" then 6 else 4 end) v0 \($h.encap.id) \($h.encap.dst) \($h.encap.ttl)\(if $h.encap.key then " key" else "" end)"),
	       (.routes[] | select(.action == "add") | "rt \(.route.dst) \(.route.nhid)"),
	       (.routes[] | select(.action == "delete") | "delrt \(.route.dst)"),
	       (.nexthops[] | select(.action == "delete") | "delnh \(.nexthop.id)")'
}

plan_to_ip() {
	jq -r '(.nexthops[] | .nexthop as $h
	        | "nexthop add id \($h.id) encap ip id \($h.encap.id) dst \($h.encap.dst) ttl \($h.encap.ttl)\(if $h.encap.key then " key" else "" end) dev v0 proto 157"),
	       (.routes[] | "route add \(.route.dst) nhid \(.route.nhid) proto 157")'
}

# The same nexthops and routes as tunnelctl -b lines: what an operator's
# script would write one command at a time.
plan_to_batch() {
	jq -r '(.nexthops[] | .nexthop as $h
	        | "nexthop add \($h.id) id \($h.encap.id) dst \($h.encap.dst) ttl \($h.encap.ttl)\(if $h.encap.key then " key" else "" end) dev v0 family \($h.family)"),
	       (.routes[] | "route add \(.route.dst) nhid \(.route.nhid)")'
}

# From empty only: more points for the plot.
run_plot_size() {
	local n=$1 d

	d=$OUT/n$n-k1
	fresh_ns
	measure "apply,$n,1" "$TUNNELCTL" -n "$NS" apply "$d/list.json" --self p0
	fresh_ns
	measure "ipbatch,$n,1" ip -n "$NS" -batch "$d/ip-add.txt"
	fresh_ns
	measure "raw,$n,1" "$RAWNL" write "$NS" "$d/raw-add.txt"
}

run_size() {
	local n=$1 k=$2 d key="$1,$2"

	d=$OUT/n$n-k$k

	# From empty: tunnelctl, ip -batch, the raw floor.
	fresh_ns
	measure "apply,$key" "$TUNNELCTL" -n "$NS" apply "$d/list.json" --self p0
	# A no-op re-apply, and one dump of the same routes by ip.
	measure "noop,$key" "$TUNNELCTL" -n "$NS" apply "$d/list.json" --self p0
	measure "ipshow,$key" ip -n "$NS" -j route show proto 157
	# 1%: exactly the changed objects.
	measure "change,$key" "$TUNNELCTL" -n "$NS" -j apply "$d/change.json" --self p0
	DONE[$key]=$(jq .done "$OUT/last.out")
	# Teardown: only self left in the list.
	measure "teardown,$key" "$TUNNELCTL" -n "$NS" apply "$d/self-only.json" --self p0
	fresh_ns
	if [[ $k == 1 ]]; then
		measure "ipbatch,$key" ip -n "$NS" -batch "$d/ip-add.txt"
		fresh_ns
		# tunnelctl -b: one command a line, each checked, sent batched.
		measure "tbatch,$key" "$TUNNELCTL" -n "$NS" -b "$d/tctl-batch.txt"
		[[ $(ip -n "$NS" route show proto 157 | wc -l) -eq $(((n - 1) * k)) ]] || {
			echo "bench: tunnelctl -b did not write every route" >&2
			exit 1
		}
		fresh_ns
	fi
	measure "raw,$key" "$RAWNL" write "$NS" "$d/raw-add.txt"
	# The floor of a 1% change: one dump, then only its writes.
	measure "rawdump,$key" "$RAWNL" dump "$NS"
	measure "rawchange,$key" "$RAWNL" write "$NS" "$d/raw-change.txt"
	fresh_ns
	"$RAWNL" write "$NS" "$d/raw-add.txt" >/dev/null
	measure "rawdel,$key" "$RAWNL" write "$NS" "$d/raw-del.txt"
	if [[ -s ${d}/ip-inline.txt ]]; then
		fresh_ns
		measure "inline,$key" ip -n "$NS" -batch "$d/ip-inline.txt"
	fi
}

# While tunnelctl applies the largest list, how long does an `ip route add`
# in another namespace take?  (Every namespace shares the RTNL lock.)
interference() {
	local n=$1 d pid i

	d=$OUT/n$n-k1
	fresh_ns
	ip netns del "$OTHER" 2>/dev/null || true
	ip netns add "$OTHER"
	ip -n "$OTHER" link set lo up
	"$TUNNELCTL" -n "$NS" apply "$d/list.json" --self p0 >/dev/null &
	pid=$!
	: >"$OUT/interference"
	for ((i = 0; i < 400 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0); i++)); do
		"$RUNSTAT" -o "$OUT/stat" -- ip -n "$OTHER" route add "10.99.$((i / 256)).$((i % 256))/32" dev lo
		sed 's/.*wall=\([0-9.]*\).*/\1/' "$OUT/stat" >>"$OUT/interference"
		sleep 0.02
	done
	wait "$pid"
	INTERF_N=$(wc -l <"$OUT/interference")
	INTERF_MAX=$(sort -g "$OUT/interference" | tail -1)
	INTERF_MED=$(median "$(cat "$OUT/interference")")
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

report() {
	local n k key objs t
	{
	echo "| peers x prefixes | measurement | time (s) | objects/s | ratio | peak RSS |"
	echo "|---|---|---|---|---|---|"
	for k in 1 10; do
		for n in $SIZES; do
			[[ $k == 10 && " $K10 " != *" $n "* ]] && continue
			key="$n,$k"
			[[ -n ${T[apply,$key]:-} ]] || continue
			objs=$(( (n - 1) * (k + 1) ))
			row "$n x $k" "tunnelctl apply, from empty" "apply,$key" "$objs" "raw,$key" "raw floor"
			row "$n x $k" "rawnl write (the floor)" "raw,$key" "$objs" "" ""
			[[ -n ${T[ipbatch,$key]:-} ]] &&
				row "$n x $k" "ip -batch, same objects" "ipbatch,$key" "$objs" "apply,$key" "tunnelctl"
			if [[ -n ${T[tbatch,$key]:-} ]]; then
				row "$n x $k" "tunnelctl -b, same objects, one command a line" "tbatch,$key" "$objs" "apply,$key" "tunnelctl apply"
				row "$n x $k" "ip -batch against tunnelctl -b" "ipbatch,$key" "$objs" "tbatch,$key" "tunnelctl -b"
			fi
			row "$n x $k" "tunnelctl apply, no-op" "noop,$key" 0 "ipshow,$key" "ip -j route show"
			row "$n x $k" "ip -j route show" "ipshow,$key" 0 "" ""
			t=$(awk -v a="$(median "${T[rawdump,$key]}")" -v b="$(median "${T[rawchange,$key]}")" 'BEGIN { print a + b }')
			T[rawsum,$key]="$t "
			row "$n x $k" "tunnelctl apply, 1% change (${DONE[$key]} writes)" "change,$key" "${DONE[$key]}" "rawsum,$key" "raw dump + writes"
			row "$n x $k" "tunnelctl apply, teardown" "teardown,$key" "$objs" "rawdel,$key" "raw floor"
			row "$n x $k" "rawnl delete (the floor)" "rawdel,$key" "$objs" "" ""
			[[ -n ${T[inline,$key]:-} ]] &&
				row "$n x $k" "ip -batch, inline encap routes" "inline,$key" "$((n - 1))" "apply,$key" "tunnelctl"
		done
	done
	} | tee "$OUT/results.md"
}

row() {
	local size=$1 what=$2 key=$3 objs=$4 ref=$5 refname=$6 t rss rate r=""
	t=$(median "${T[$key]}")
	rss=$(median "${RSS[$key]:-0}")
	rate=$(awk -v o="$objs" -v t="$t" 'BEGIN { if (o > 0 && t > 0) printf "%.0f", o / t; else print "-" }')
	[[ -n $ref ]] && r="$(ratio "$t" "$(median "${T[$ref]}")")x $refname"
	printf '| %s | %s | %.3f | %s | %s | %s MB |\n' "$size" "$what" "$t" "$rate" "$r" \
		"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
}

plot() {
	local n
	command -v gnuplot >/dev/null || return 0
	for n in $(tr ' ' '\n' <<<"$SIZES $PLOT" | sort -n | uniq); do
		printf '%s %s %s %s\n' "$n" "$(median "${T[apply,$n,1]}")" \
			"$(median "${T[ipbatch,$n,1]}")" "$(median "${T[raw,$n,1]}")"
	done >"$OUT/time-vs-n.dat"
	gnuplot <<EOF
set terminal pngcairo size 720,420
set output "$OUT/time-vs-n.png"
set title "Apply from empty: N peers, one nexthop and one route each"
set xlabel "peers"
set ylabel "seconds"
set logscale xy
set xrange [500:200000]
set key top left
set grid
plot "$OUT/time-vs-n.dat" using 1:3 with linespoints title "ip -batch (same objects)", \
     "$OUT/time-vs-n.dat" using 1:2 with linespoints title "tunnelctl apply", \
     "$OUT/time-vs-n.dat" using 1:4 with linespoints title "raw batched netlink (floor)"
EOF
}

main() {
	local n k largest
	mkdir -p "$OUT"
	for n in $SIZES; do prepare "$n" 1; done
	for n in $K10; do prepare "$n" 10; done
	for n in $PLOT; do prepare "$n" 1 plot-only; done
	for ((rep = 1; rep <= REPS; rep++)); do
		echo "bench: round $rep of $REPS" >&2
		for n in $SIZES; do run_size "$n" 1; done
		for n in $K10; do run_size "$n" 10; done
		for n in $PLOT; do run_plot_size "$n"; done
	done
	largest=$(tr ' ' '\n' <<<"$SIZES" | sort -n | tail -1)
	interference "$largest"
	report
	echo
	printf 'T(%s)/T(%s) for tunnelctl apply from empty: %s\n' "$largest" \
		"$(tr ' ' '\n' <<<"$SIZES" | sort -n | head -1)" \
		"$(ratio "$(median "${T[apply,$largest,1]}")" "$(median "${T[apply,$(tr ' ' '\n' <<<"$SIZES" | sort -n | head -1),1]}")")" |
		tee -a "$OUT/results.md"
	printf 'ip route add in another namespace during the %s-peer apply: median %.3f s, max %.3f s over %s tries\n' \
		"$largest" "$INTERF_MED" "$INTERF_MAX" "$INTERF_N" | tee -a "$OUT/results.md"
	plot
	echo "bench: results in $OUT/results.md${OUT:+, plot in $OUT/time-vs-n.png}"
}

main "$@"
