#!/bin/bash
# make bench, the controller's part: how fast tunnelctld repairs, whether a
# kill -9 in the middle of an apply ever leaves a duplicate, a leak or a
# gap, whether a clean restart writes anything, and its memory.
#
#   bench/ctrl.sh repair [veth|gre]   repair latency, CTRL_TRIALS (100) each:
#        route del; device down+up; with gre (a managed device, so the VM
#        tier): device del.  Times are from the kernel's event of the
#        damage to its event of the restoring route (ip -ts monitor).
#   bench/ctrl.sh kill                CTRL_KILLS (20) kill -9 at random moments
#        of an apply of CTRL_KILL_N (50000) peers, each restart checked;
#        then a clean restart's route messages, counted.
#   bench/ctrl.sh rss                 RSS holding CTRL_RSS_N (100000) routes.
#
# Results are printed and appended to build/bench/ctrl.md.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
TUNNELCTLD=${TUNNELCTLD:-$REPO/build/tunnelctld}
TUNNELCTL=${TUNNELCTL:-$REPO/build/tunnelctl}
GEN=$REPO/examples/gen-mesh.sh
OUT=${CTRL_OUT:-$REPO/build/bench}
NS=tctlctrl$$
TRIALS=${CTRL_TRIALS:-100}
KILLS=${CTRL_KILLS:-20}
KILL_N=${CTRL_KILL_N:-50000}
RSS_N=${CTRL_RSS_N:-100000}
DPID=""
MONPID=""

mkdir -p "$OUT"
cleanup() {
	[[ -z $MONPID ]] || kill "$MONPID" 2>/dev/null || true
	[[ -z $DPID ]] || kill -9 "$DPID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

say() {
	echo "$*"
	echo "$*" >>"$OUT/ctrl.md"
}

fresh_ns() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link set v0 up
	ip -n "$NS" link set v1 up
}

# start_daemon LIST ARGS...: tunnelctld in $NS, back once it has reconciled.
start_daemon() {
	local list=$1 i
	shift
	"$TUNNELCTLD" --foreground -n "$NS" --socket "$OUT/ctrl.sock" --peers "$list" \
		--no-firewall "$@" >>"$OUT/ctrld.log" 2>&1 &
	DPID=$!
	for ((i = 0; i < 1200; i++)); do
		if "$TUNNELCTL" -j ctrl status socket "$OUT/ctrl.sock" 2>/dev/null |
			jq -e '.last_reconcile != null' >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
	done
	echo "bench: tunnelctld did not come up" >&2
	tail "$OUT/ctrld.log" >&2
	return 1
}

stop_daemon() {
	kill "${1:-TERM}" "$DPID" 2>/dev/null || true
	wait "$DPID" 2>/dev/null || true
	DPID=""
}

# stats FILE: median and max of the numbers in FILE (ms).
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (!NR) { print "no samples"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "n=%d median %.1f ms, max %.1f ms\n", NR, m, v[NR] }'
}

# The seconds of an `ip -ts` line.
ts_awk='function ts(s) { split(substr(s, 13, 15), t, ":"); return t[1] * 3600 + t[2] * 60 + t[3] }'

# route_trials N: delete an owned route N times; time until it is back.
route_trials() {
	local n=$1 i
	for ((i = 0; i < n; i++)); do
		ip -n "$NS" route del 10.9.0.0/24 proto 157
		wait_route
	done
}

wait_route() {
	local j
	for ((j = 0; j < 400; j++)); do
		ip -n "$NS" route show 10.9.0.0/24 proto 157 | grep -q nhid && return 0
		sleep 0.01
	done
	echo "bench: 10.9.0.0/24 was not restored" >&2
	return 1
}

repair() {
	local kind=${1:-veth} list=$OUT/ctrl-repair.json dev=v0
	fresh_ns
	if [[ $kind == gre ]]; then
		dev=tun0
		printf '{"version": 1, "devices": [{"name": "tun0", "mode": "gre"}],\n'
	else
		printf '{"version": 1, "devices": [{"name": "v0", "unmanaged": true}],\n'
	fi >"$list"
	cat >>"$list" <<-EOF
	 "defaults": {"device": "$dev", "ttl": 64},
	 "peers": [
	  {"name": "self", "underlay": "192.0.2.1", "id": 1, "prefixes": ["10.8.0.0/24"]},
	  {"name": "far", "underlay": "192.0.2.2", "id": 2, "prefixes": ["10.9.0.0/24"]}]}
	EOF
	start_daemon "$list" --self self
	ip -n "$NS" -ts monitor route link >"$OUT/ctrl-mon" &
	MONPID=$!
	sleep 0.5
	route_trials "$TRIALS"
	for ((i = 0; i < TRIALS; i++)); do
		ip -n "$NS" link set "$dev" down
		ip -n "$NS" link set "$dev" up
		wait_route
	done
	if [[ $kind == gre ]]; then
		for ((i = 0; i < TRIALS; i++)); do
			ip -n "$NS" link del tun0
			wait_route
		done
	fi
	sleep 0.5
	kill "$MONPID"
	wait "$MONPID" 2>/dev/null || true
	MONPID=""
	# Damage: a deleted 10.9.0.0/24 of ours, or the device going down or
	# away (its first event); repair: the next new 10.9.0.0/24 of ours.  The
	# trials ran in order, TRIALS of each kind.
	awk "$ts_awk"'
		/^\[/ && / Deleted 10\.9\.0\.0\/24 .*proto 157/ && !t0 { t0 = ts($0); next }
		/^\[[^]]*\] (Deleted )?[0-9]+: '"$dev"'[:@]/ && $0 !~ /[<,]UP[,>]/ && !t0 { t0 = ts($0); next }
		/^\[/ && /\] 10\.9\.0\.0\/24 .*proto 157/ && t0 { print (ts($0) - t0) * 1000; t0 = 0 }
	' "$OUT/ctrl-mon" >"$OUT/ctrl-lat"
	sed -n "1,${TRIALS}p" "$OUT/ctrl-lat" >"$OUT/ctrl-lat-route"
	sed -n "$((TRIALS + 1)),$((2 * TRIALS))p" "$OUT/ctrl-lat" >"$OUT/ctrl-lat-down"
	sed -n "$((2 * TRIALS + 1)),$((3 * TRIALS))p" "$OUT/ctrl-lat" >"$OUT/ctrl-lat-del"
	say "repair latency ($kind, $(uname -r)):"
	say "  ip route del:            $(stats "$OUT/ctrl-lat-route")"
	say "  ip link set $dev down; up: $(stats "$OUT/ctrl-lat-down")"
	[[ $kind != gre ]] || say "  ip link del $dev:        $(stats "$OUT/ctrl-lat-del")"
	stop_daemon
}

# check_exact LIST: the namespace holds exactly the list's routes for self p0.
check_exact() {
	local want=$1 have dups
	have=$(ip -n "$NS" route show table all proto 157 | wc -l)
	dups=$(ip -n "$NS" route show table all proto 157 | awk '{ print $1 }' | sort | uniq -d | wc -l)
	echo "routes $have of $want, duplicates $dups, nexthops $(ip -n "$NS" nexthop show proto 157 | wc -l)"
	[[ $have -eq $want && $dups -eq 0 ]]
}

now() {
	date +%s.%N
}

kill_trials() {
	local list=$OUT/ctrl-kill.json want ok=0 t plan t0 ready at
	# Each trial starts in a fresh namespace, and each ends with
	# --flush-on-exit: a namespace deleted with its nexthops still in use
	# costs the kernel a walk of the FIB per nexthop.
	"$GEN" "$KILL_N" -d v0 --unmanaged >"$list"
	want=$((KILL_N - 1))
	fresh_ns
	# How long a start takes (reading the list, then the apply), to kill
	# at random moments inside it.
	t0=$(now)
	start_daemon "$list" --self p0 --flush-on-exit
	ready=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
	stop_daemon
	say "tunnelctld start to ready over $want routes from empty: $ready s"
	for ((t = 1; t <= KILLS; t++)); do
		fresh_ns
		at=$(awk -v s="$RANDOM" -v r="$ready" 'BEGIN { srand(s); printf "%.3f", rand() * r }')
		"$TUNNELCTLD" --foreground -n "$NS" --socket "$OUT/ctrl.sock" --peers "$list" \
			--self p0 --no-firewall >>"$OUT/ctrld.log" 2>&1 &
		DPID=$!
		sleep "$at"
		kill -9 "$DPID"
		wait "$DPID" 2>/dev/null || true
		DPID=""
		plan="killed at $at s with $(ip -n "$NS" nexthop show proto 157 | wc -l) nexthops, $(ip -n "$NS" route show table all proto 157 | wc -l) routes"
		start_daemon "$list" --self p0 --flush-on-exit
		if check_exact "$want" >"$OUT/ctrl-check"; then
			ok=$((ok + 1))
		fi
		echo "  trial $t: $plan; after restart: $(cat "$OUT/ctrl-check")"
		stop_daemon
	done
	say "kill -9 during a start over $want routes: $ok of $KILLS restarts converged exactly (0 duplicate, 0 leaked, 0 missing)"
	# A clean restart over a matching kernel: route and nexthop messages, counted.
	fresh_ns
	start_daemon "$list" --self p0
	stop_daemon
	ip -n "$NS" monitor route nexthop >"$OUT/ctrl-mon" &
	MONPID=$!
	sleep 0.3
	start_daemon "$list" --self p0 --flush-on-exit
	sleep 0.5
	kill "$MONPID"
	wait "$MONPID" 2>/dev/null || true
	MONPID=""
	# (the kernel's own routes, such as a link-local address's, are not counted)
	say "clean restart over $want matching routes: $(grep -c 'proto 157\|^id \|^Deleted id ' "$OUT/ctrl-mon" || true) route/nexthop messages of tunnelctl's"
	stop_daemon
}

rss() {
	local list=$OUT/ctrl-rss.json
	"$GEN" "$RSS_N" -d v0 --unmanaged >"$list"
	fresh_ns
	start_daemon "$list" --self p0
	say "tunnelctld holding $((RSS_N - 1)) routes: RSS $(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$DPID/status"), peak $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$DPID/status")"
	kill -USR1 "$DPID"
	sleep 3
	say "  after a full resync: RSS $(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$DPID/status"), peak $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$DPID/status")"
	stop_daemon
}

case ${1:-} in
repair) repair "${2:-veth}" ;;
kill) kill_trials ;;
rss) rss ;;
*) echo "usage: $0 repair [veth|gre] | kill | rss" >&2; exit 2 ;;
esac
