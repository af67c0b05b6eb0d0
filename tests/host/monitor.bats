#!/usr/bin/env bats
# tunnelctl monitor: the events of encap routes and nexthops in a namespace,
# as they come, through a veth on the running kernel (the host has no gre:
# device events are the VM tier's).

load ../lib/common
load ../lib/json_schema

setup() {
	ns_with_veth NS
	MON_OUT=$BATS_TEST_TMPDIR/mon.out
	MON_ERR=$BATS_TEST_TMPDIR/mon.err
}

teardown() {
	# Not in the namespace (only its socket is): ended by its pid, stopped or not.
	if [[ -n ${MON_PID:-} ]]; then
		kill "$MON_PID" 2>/dev/null
		kill -CONT "$MON_PID" 2>/dev/null
	fi
	[[ -s ${MON_PIDFILE:-/nonexistent} ]] && kill "$(cat "$MON_PIDFILE")" 2>/dev/null
	teardown_namespaces
}

# A marker the stream shows: an encap route of protocol 250 through v0.
marker() { # add|del N
	ip -n "$NS" route "$1" "203.0.113.$2/32" encap ip id 9 dst 192.0.2.250 dev v0 proto 250
}

# wait_for PATTERN: until the stream has a line matching it (bounded).
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q -- "$1" "$MON_OUT" && return 0
		sleep 0.05
	done
	echo "the stream never showed $1:" >&2
	cat "$MON_OUT" "$MON_ERR" >&2
	return 1
}

# mon_start [OPTIONS]: monitor NS in the background; returns once it listens
# (a marker route added is seen; its deletion too, so it is out of the way).
mon_start() {
	local i
	"$TUNNELCTL" -n "$NS" "$@" monitor >"$MON_OUT" 2>"$MON_ERR" &
	MON_PID=$!
	for ((i = 0; i < 200; i++)); do
		marker replace 1
		grep -q '203.0.113.1/32' "$MON_OUT" && break
		sleep 0.05
	done
	marker del 1
	wait_for 'del.*203.0.113.1/32'
}

# mon_stop [SIGNAL]: a second marker seen proves every earlier event is out;
# then the signal (TERM), and MON_STATUS is the exit status.  MON_EVENTS:
# the lines between the markers.
mon_stop() {
	marker add 2
	wait_for '203.0.113.2/32'
	kill -"${1:-TERM}" "$MON_PID"
	MON_STATUS=0
	wait "$MON_PID" || MON_STATUS=$?
	MON_PID=
	MON_EVENTS=$(sed -n '/203\.0\.113\.1\/32/,/203\.0\.113\.2\/32/p' "$MON_OUT" |
		grep -v '203\.0\.113\.[12]/32' || true)
}

# The changes both tests make, with tunnelctl and with ip.
changes() {
	"$TUNNELCTL" -n "$NS" route add 10.1.2.0/24 id 100 dst 192.0.2.7 dev v0
	ip -n "$NS" route add 10.3.0.0/24 dev v0
	ip -n "$NS" route add 10.4.0.0/24 encap ip id 5 dst 192.0.2.9 ttl 9 key dev v0 proto static
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	ip -n "$NS" nexthop add id 20 dev v0
	ip -n "$NS" route add 10.6.0.0/16 nhid 20
	"$TUNNELCTL" -n "$NS" route add 10.5.0.0/16 nhid 10
	"$TUNNELCTL" -n "$NS" route del 10.5.0.0/16
	"$TUNNELCTL" -n "$NS" nexthop del 10
	"$TUNNELCTL" -n "$NS" route del 10.1.2.0/24
	ip -n "$NS" route del 10.3.0.0/24
}

@test "monitor -j: one JSON object per event, encap routes and nexthops only, owned or not" {
	mon_start -j
	changes
	mon_stop
	[ "$MON_STATUS" -eq 0 ]
	[ ! -s "$MON_ERR" ] || { cat "$MON_ERR"; return 1; }
	# Each line fits the schema tunnelctl(8) describes.
	while read -r line; do
		run assert_json_schema monitor "$line"
		assert_success
	done <<<"$MON_EVENTS"
	run jq -c '[.event, .object, (.route.dst // .nexthop.id), .owned]' <<<"$MON_EVENTS"
	assert_success
	assert_output - <<'EOF2'
["add","route","10.1.2.0/24",true]
["add","route","10.4.0.0/24",false]
["add","nexthop",10,true]
["add","route","10.5.0.0/16",true]
["del","route","10.5.0.0/16",true]
["del","nexthop",10,true]
["del","route","10.1.2.0/24",true]
EOF2
	# The objects are route show -j's and nexthop show -j's.
	run jq -c 'select(.object == "route" and .route.dst == "10.4.0.0/24") | .route |
		[.encap.id, .encap.dst, .encap.ttl, .encap.key, .dev, .protocol, .owned]' <<<"$MON_EVENTS"
	assert_output '[5,"192.0.2.9",9,true,"v0","static",false]'
	run jq -c 'select(.object == "route" and .route.dst == "10.5.0.0/16") | .route |
		[.nhid, .encap.id, .encap.dst, .dev]' <<<"$MON_EVENTS"
	assert_output - <<'EOF2'
[10,1,"192.0.2.1","v0"]
[10,1,"192.0.2.1","v0"]
EOF2
	run jq -c 'select(.object == "nexthop") | .nexthop | [.id, .family, .encap.id, .dev, .protocol, .owned]' <<<"$MON_EVENTS"
	assert_output - <<'EOF2'
[10,"inet",1,"v0","tunnelctl",true]
[10,"inet",1,"v0","tunnelctl",true]
EOF2
}

@test "monitor: one line per event, in words" {
	mon_start
	changes
	"$TUNNELCTL" -n "$NS" route add 2001:db8:1::/64 encap ip6 id 7 dst 2001:db8::7 dev v0
	mon_stop INT
	[ "$MON_STATUS" -eq 0 ]
	run cat <<<"$MON_EVENTS"
	assert_output - <<'EOF2'
route add 10.1.2.0/24 encap ip id 100 dst 192.0.2.7 dev v0 proto tunnelctl owned
route add 10.4.0.0/24 encap ip id 5 dst 192.0.2.9 ttl 9 key dev v0 proto static foreign
nexthop add 10 encap ip id 1 dst 192.0.2.1 dev v0 family inet proto tunnelctl owned
route add 10.5.0.0/16 nhid 10 encap ip id 1 dst 192.0.2.1 dev v0 proto tunnelctl owned
route del 10.5.0.0/16 nhid 10 encap ip id 1 dst 192.0.2.1 dev v0 proto tunnelctl owned
nexthop del 10 encap ip id 1 dst 192.0.2.1 dev v0 family inet proto tunnelctl owned
route del 10.1.2.0/24 encap ip id 100 dst 192.0.2.7 dev v0 proto tunnelctl owned
route add 2001:db8:1::/64 encap ip6 id 7 dst 2001:db8::7 dev v0 metric 1024 proto tunnelctl owned
EOF2
}

@test "monitor: SIGTERM ends it with status 0, nothing on stderr" {
	mon_start -j
	mon_stop TERM
	[ "$MON_STATUS" -eq 0 ]
	[ ! -s "$MON_ERR" ] || { cat "$MON_ERR"; return 1; }
}

@test "monitor: a reader that goes away ends it quietly" {
	local rc=$BATS_TEST_TMPDIR/rc i
	MON_PIDFILE=$BATS_TEST_TMPDIR/pid
	{ "$TUNNELCTL" -n "$NS" monitor 2>"$MON_ERR" & echo $! >"$MON_PIDFILE"; wait $!;
	  echo $? >"$rc"; } | head -n 1 >"$MON_OUT" &
	# head takes the first event and leaves; the next write finds no reader.
	# (A replace by the same route is no event: the id changes each time.)
	for ((i = 0; i < 200; i++)); do
		ip -n "$NS" route replace 203.0.113.1/32 encap ip id "$i" dst 192.0.2.250 dev v0 proto 250
		[[ -s $rc ]] && break
		sleep 0.05
	done
	run cat "$rc"
	assert_output 0
	[ ! -s "$MON_ERR" ] || { cat "$MON_ERR"; return 1; }
	run cat "$MON_OUT"
	assert_output --regexp '^route (add|change) 203\.0\.113\.1/32 encap ip id [0-9]+ dst 192\.0\.2\.250 dev v0 proto 250 foreign$'
}

@test "monitor: an overrun is reported as lost events, and the stream goes on" {
	mon_start -j
	kill -STOP "$MON_PID"
	# Far more than its receive buffer holds; the same encap keeps them cheap.
	for ((i = 0; i < 40000; i++)); do
		echo "route add 10.$((i / 250 + 50)).$((i % 250)).0/24 encap ip id 1 dst 192.0.2.1 dev v0"
	done | ip -n "$NS" -batch -
	kill -CONT "$MON_PID"
	wait_for '"event":"lost"'
	# The stream goes on after it (what the buffer held, then new events).
	run jq -r 'select(.event == "lost") | .message' <"$MON_OUT"
	assert_output --partial "events were lost"
	for ((i = 0; i < 600; i++)); do
		[[ $(sed -n '/"event":"lost"/,$p' "$MON_OUT" | grep -c '"event":"add"') -gt 0 ]] && break
		sleep 0.05
	done
	sed -n '/"event":"lost"/,$p' "$MON_OUT" | grep -q '"event":"add"'
	kill -TERM "$MON_PID"
	MON_STATUS=0
	wait "$MON_PID" || MON_STATUS=$?
	MON_PID=
	[ "$MON_STATUS" -eq 0 ]
}

@test "monitor -n of a missing namespace fails clearly" {
	tctl -n tct-no-such-ns monitor
	assert_failure 2
	assert_output --partial 'network namespace "tct-no-such-ns" not found'
}

@test "monitor is in help and completion" {
	tctl help
	assert_output --partial "tunnelctl monitor"
	complete_words mon
	assert_output "monitor"
}
