#!/usr/bin/env bats
# tunnelctld on the running kernel, through an unmanaged veth (meshes over
# gre and ipip are in tests/vm/ctrl_mesh.bats): start, restart, drift
# repair, reloads, lost events, a competing writer, and foreign routes.

load ../lib/common
load ../lib/ctrl

ALL="10.10.2.0/24,10.10.3.0/24,fd10:2::/64"

setup() {
	ns_with_veth NS
	LIST=$BATS_TEST_TMPDIR/mesh.json
	cp "$REPO/examples/mesh-veth.json" "$LIST"
	# Routes of others, seeded before: they must come through everything
	# unchanged.  (On v1: the drift test sets v0 down, and the kernel flushes
	# every route on a device that goes down.)
	ip -n "$NS" route add 10.10.2.0/25 dev v1 proto static
	ip -n "$NS" route add 10.10.2.0/24 dev v1 table 100 proto static
	ip -n "$NS" route add 10.10.3.0/24 dev v1 metric 50 proto boot
	ip -n "$NS" route add 172.16.0.0/16 dev v1 proto 158
	FOREIGN_BEFORE=$(foreign_routes)
}

teardown() {
	ctrld_stop KILL || true
	teardown_namespaces
}

foreign_routes() {
	ip -n "$NS" -d route show table all | grep -v 'proto 157' | grep -v 'proto kernel' | sort
}

assert_foreign_unchanged() {
	local now
	now=$(foreign_routes)
	[[ "$now" == "$FOREIGN_BEFORE" ]] || { diff <(echo "$FOREIGN_BEFORE") <(echo "$now"); return 1; }
}

edit() {
	jq "$1" "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
}

@test "start applies the list; a restart over a matching kernel writes nothing; SIGTERM leaves the routes" {
	ctrld_start "$NS" --peers "$LIST" --self a
	run route_prefixes "$NS" 157
	assert_output "$ALL"
	run ctrld_json '[.self, .desired.routes, .actual.routes, .actual.nexthops, .last_reconcile.reason, .last_reconcile.added]'
	assert_output '["a",3,3,2,"start",5]'
	ctrld_stop
	run route_prefixes "$NS" 157
	assert_output "$ALL"
	grep -q 'routes and nexthops stay in place' "$CTRLD_LOG"

	ipmon_start "$NS"
	ctrld_start "$NS" --peers "$LIST" --self a
	run ipmon_events
	assert_output ""
	run ctrld_json '[.last_reconcile.added, .last_reconcile.replaced, .last_reconcile.deleted]'
	assert_output '[0,0,0]'
	ctrld_stop
	assert_foreign_unchanged
}

@test "--flush-on-exit removes what it owns, and nothing else" {
	ctrld_start "$NS" --peers "$LIST" --self a --flush-on-exit
	run route_prefixes "$NS" 157
	assert_output "$ALL"
	ctrld_stop
	run route_prefixes "$NS" 157
	assert_output ""
	run ip -n "$NS" nexthop show proto 157
	assert_output ""
	run ip netns exec "$NS" nft list tables
	refute_output --partial tunnelctl
	assert_foreign_unchanged
}

@test "drift: a deleted route, a deleted nexthop, a device down and up are repaired" {
	ctrld_start "$NS" --peers "$LIST" --self a
	ip -n "$NS" route del 10.10.2.0/24 proto 157
	wait_until 5 routes_are "$NS" "$ALL"
	ip -n "$NS" route del fd10:2::/64 proto 157
	wait_until 5 routes_are "$NS" "$ALL"
	# Deleting a nexthop takes its routes with it, without route events.
	# (iproute2 6.1's JSON has two "id" keys here: read the text.)
	id=$(ip -n "$NS" nexthop show proto 157 | awk 'NR == 1 { print $2 }')
	ip -n "$NS" nexthop del id "$id"
	wait_until 5 routes_are "$NS" "$ALL"
	run ip -n "$NS" nexthop show id "$id"
	assert_success
	# A device down loses its IPv4 routes without a single route event.
	ip -n "$NS" link set v0 down
	ip -n "$NS" link set v0 up
	wait_until 5 routes_are "$NS" "$ALL"
	# Changed behind our back: put back as the list says.
	ip -n "$NS" route replace 10.10.3.0/24 encap ip id 999 dst 192.168.50.99 dev v0 proto 157
	wait_until 5 bash -c "ip -n $NS route show 10.10.3.0/24 proto 157 | grep -q nhid"
	run ctrld_json '.counters.repairs >= 5'
	assert_output true
	grep -q 'add route 10.10.2.0/24 table 254 metric 0 (peer b): missing' "$CTRLD_LOG"
	grep -q 'replace route 10.10.3.0/24 table 254 metric 0 (peer c): inline differs' "$CTRLD_LOG"
	ctrld_stop
	assert_foreign_unchanged
}

@test "the file is watched: edits, rename-over and SIGHUP apply; a bad list is rejected whole" {
	ctrld_start "$NS" --peers "$LIST" --self a
	# An editor's rename-and-replace.
	edit '.peers += [{"name": "d", "underlay": "192.168.50.4", "id": 104, "prefixes": ["10.10.4.0/24"]}]'
	wait_until 5 routes_are "$NS" "10.10.2.0/24,10.10.3.0/24,10.10.4.0/24,fd10:2::/64"
	# Written in place.
	jq 'del(.peers[] | select(.name == "c"))' "$LIST" >"$BATS_TEST_TMPDIR/x"
	cat "$BATS_TEST_TMPDIR/x" >"$LIST"
	wait_until 5 routes_are "$NS" "10.10.2.0/24,10.10.4.0/24,fd10:2::/64"
	good=$(route_prefixes "$NS" 157)
	hash=$(ctrld_json '.peers.hash')

	# A bad list: nothing changes, status says what and where.
	before=$(kernel_state "$NS")
	edit '.peers[1].underlay = "192.168.50.300" | .peers += [{"name": "e", "underlay": "192.168.50.5", "prefixes": ["10.10.5.0/24"]}]'
	wait_until 5 bash -c "$TUNNELCTL -j ctrl status socket $CTRLD_SOCK | jq -e '.peers_error != null'"
	run ctrld_json '[.peers_error.problems[0].path, .peers.hash == '"$hash"', .counters.rejected_reloads]'
	assert_output '["peers[1].underlay",true,1]'
	[[ "$(kernel_state "$NS")" == "$before" ]]
	grep -q 'rejected: invalid peer list; the running list stays' "$CTRLD_LOG"
	# Still repairing by the running list meanwhile.
	ip -n "$NS" route del 10.10.4.0/24 proto 157
	wait_until 5 routes_are "$NS" "$good"

	# Fixed: applied.  And SIGHUP re-reads it.
	edit '.peers[1].underlay = "192.168.50.30"'
	wait_until 5 routes_are "$NS" "10.10.2.0/24,10.10.4.0/24,10.10.5.0/24,fd10:2::/64"
	run ctrld_json '.peers_error'
	assert_output null
	kill -STOP "$CTRLD_PID"
	edit '.peers[2].prefixes += ["10.10.6.0/24"]'
	sleep 0.3
	kill -CONT "$CTRLD_PID"
	kill -HUP "$CTRLD_PID"
	wait_until 5 routes_are "$NS" "10.10.2.0/24,10.10.4.0/24,10.10.5.0/24,10.10.6.0/24,fd10:2::/64"
	ctrld_stop
	assert_foreign_unchanged
}

@test "ctrl reload answers applied, unchanged or rejected with the problems" {
	ctrld_start "$NS" --peers "$LIST" --self a
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_success
	run jq -c '.result' <<<"$output"
	assert_output '"unchanged"'
	# Stop the watcher from seeing it first: the answer must be the daemon's verdict.
	kill -STOP "$CTRLD_PID"
	edit '.peers[2].underlay = "not-an-address"'
	kill -CONT "$CTRLD_PID"
	tctl ctrl reload socket "$CTRLD_SOCK"
	[[ $status -eq 2 ]]
	assert_output --partial 'peers[2].underlay'
	edit '.peers[2].underlay = "192.168.50.3" | .peers[2].id = 203'
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_success
	run jq -c '.result' <<<"$output"
	assert_output --regexp '"(applied|unchanged)"'
	run ip -n "$NS" route show 10.10.3.0/24 proto 157
	assert_output --partial 'id 203 '
	ctrld_stop
}

@test "lost events: a small receive buffer overruns under a burst; a re-read converges" {
	ctrld_start "$NS" --peers "$LIST" --self a --rcvbuf 4096
	# 10,000 route changes from another writer, with two of ours deleted in the middle.
	{
		for ((i = 0; i < 5000; i++)); do
			echo "route add 10.$((100 + i / 250)).$((i % 250)).0/24 dev v0 table 200 proto 158"
		done
		echo "route del 10.10.2.0/24 proto 157"
		echo "route del 10.10.3.0/24 proto 157"
		for ((i = 0; i < 5000; i++)); do
			echo "route del 10.$((100 + i / 250)).$((i % 250)).0/24 dev v0 table 200 proto 158"
		done
	} >"$BATS_TEST_TMPDIR/burst"
	# Stopped while the burst comes, the daemon reads nothing: its 4 KiB
	# buffer overruns for certain, whatever the machine's speed.
	kill -STOP "$CTRLD_PID"
	ip -n "$NS" -batch "$BATS_TEST_TMPDIR/burst"
	kill -CONT "$CTRLD_PID"
	wait_until 10 routes_are "$NS" "$ALL"
	run ctrld_json '.counters.overruns > 0'
	assert_output true
	grep -q 'event socket overrun' "$CTRLD_LOG"
	# Exactly the list: nothing missing, nothing stale, nothing twice.
	run ip -n "$NS" route show table all proto 157
	assert_equal "$(echo "$output" | wc -l)" 3
	run ip -n "$NS" nexthop show proto 157
	assert_equal "$(echo "$output" | wc -l)" 2
	ctrld_stop
	assert_foreign_unchanged
}

@test "a competing writer: repairs back off, and status names the contended route" {
	ctrld_start "$NS" --peers "$LIST" --self a
	for ((i = 0; i < 60; i++)); do
		ip -n "$NS" route replace 10.10.2.0/24 encap ip id $((500 + i)) dst 192.168.50.9 dev v0 proto 157
		sleep 0.05
	done
	# 3 s of a rival every 50 ms: 2 free repairs, then 0.1, 0.2, 0.4, 0.8, 1.6 s apart.
	repairs=$(grep -c 'replace route 10.10.2.0/24' "$CTRLD_LOG")
	echo "repairs: $repairs"
	((repairs >= 3 && repairs <= 9))
	run ctrld_json '[.conflicts[] | select(.kind == "contended") | .object]'
	assert_output '["route 10.10.2.0/24 table 254 metric 0"]'
	# The rival gone, the route is put back when its backoff runs out.
	wait_until 10 bash -c "ip -n $NS route show 10.10.2.0/24 proto 157 | grep -q nhid"
	ctrld_stop
}

@test "a foreign route where the list wants one is a conflict, never touched" {
	ip -n "$NS" route add 10.10.3.0/24 dev v0 proto static
	FOREIGN_BEFORE=$(foreign_routes)
	ctrld_start "$NS" --peers "$LIST" --self a
	run ctrld_json '[.conflicts[] | select(.kind == "foreign") | select(.message | test("holds its place")) | .object]'
	assert_output '["route 10.10.3.0/24 table 254 metric 0"]'
	run route_prefixes "$NS" 157
	assert_output "10.10.2.0/24,fd10:2::/64"
	# Its owner removes it: ours takes the place.
	ip -n "$NS" route del 10.10.3.0/24 dev v0 proto static
	FOREIGN_BEFORE=$(foreign_routes)
	wait_until 5 routes_are "$NS" "$ALL"
	ctrld_stop
	assert_foreign_unchanged
}

@test "status, plan and metrics; one controller per namespace; the socket is 0600" {
	ctrld_start "$NS" --peers "$LIST" --self a --metrics "$BATS_TEST_TMPDIR/tunnelctld.prom"
	run stat -c %a "$CTRLD_SOCK"
	assert_output 600
	run ctrld_json '[.version, .netns, .peers.peers, .peers.version, (.peers.hash | length), .firewall.addresses, .counters.reconciles]'
	assert_output '["'"$(sed -n 's/^VERSION := //p' "$REPO/Makefile")"'","'"$NS"'",3,1,16,3,1]'
	ip -n "$NS" route del 10.10.2.0/24 proto 157
	wait_until 5 routes_are "$NS" "$ALL"
	tc_json -j ctrl plan socket "$CTRLD_SOCK"
	assert_success
	run jq -c '.summary // . | tostring | length > 0' <<<"$output"
	assert_output true
	grep -qx 'tunnelctld_kernel_routes 3' "$BATS_TEST_TMPDIR/tunnelctld.prom"
	grep -qx 'tunnelctld_peer_list_valid 1' "$BATS_TEST_TMPDIR/tunnelctld.prom"
	grep -q '^tunnelctld_repairs_total [1-9]' "$BATS_TEST_TMPDIR/tunnelctld.prom"
	# A second controller for the same namespace is refused.
	run "$TUNNELCTLD" --foreground -n "$NS" --socket "$CTRLD_SOCK" --peers "$LIST" --self a
	assert_failure
	assert_output --partial 'another tunnelctld answers there'
	ctrld_stop
	[[ ! -e "$CTRLD_SOCK" ]]
}

@test "--check validates like bgpd -n; bad options and lists exit 2 and change nothing" {
	run "$TUNNELCTLD" --check --peers "$LIST"
	assert_success
	assert_output --regexp "^$LIST: valid: version 1, 3 peers, hash [0-9a-f]{16}$"
	run "$TUNNELCTLD" --check --peers "$LIST" --self zz
	[[ $status -eq 2 ]]
	assert_output --partial '--self zz'
	edit '.peers[0].prefixes = ["10.10.1.0/33"]'
	run "$TUNNELCTLD" --check --peers "$LIST"
	[[ $status -eq 2 ]]
	assert_output --partial 'peers[0].prefixes[0]'
	before=$(kernel_state "$NS")
	run "$TUNNELCTLD" --foreground -n "$NS" --socket "$BATS_TEST_TMPDIR/s" --peers "$LIST" --self a
	[[ $status -eq 2 ]]
	assert_output --partial 'peers[0].prefixes[0]'
	[[ "$(kernel_state "$NS")" == "$before" ]]
	run "$TUNNELCTLD" --resync 0 --peers "$LIST"
	[[ $status -eq 2 ]]
	assert_output --partial 'resync'
	run "$TUNNELCTLD" --bogus
	[[ $status -eq 2 ]]
	assert_output --partial "unknown option '--bogus'"
	echo 'peers /nonexistent' >"$BATS_TEST_TMPDIR/c.conf"
	echo 'colour blue' >>"$BATS_TEST_TMPDIR/c.conf"
	run "$TUNNELCTLD" --check --config "$BATS_TEST_TMPDIR/c.conf"
	[[ $status -eq 2 ]]
	assert_output --partial "c.conf:2: unknown setting 'colour'"
}

@test "without --foreground it detaches once ready, and reports a failure by its exit code" {
	# Its stderr goes to a file: the detached daemon keeps it open.
	run bash -c "'$TUNNELCTLD' -n '$NS' --socket '$BATS_TEST_TMPDIR/d.sock' --peers '$LIST' --self a 2>'$BATS_TEST_TMPDIR/d.log'"
	assert_success
	run route_prefixes "$NS" 157
	assert_output "$ALL"
	CTRLD_SOCK=$BATS_TEST_TMPDIR/d.sock
	CTRLD_PID=$(ctrld_json .pid)
	CTRLD_LOG=/dev/null
	kill -0 "$CTRLD_PID"
	kill "$CTRLD_PID"
	wait_until 5 bash -c "! kill -0 $CTRLD_PID"
	CTRLD_PID=
	run bash -c "'$TUNNELCTLD' -n '$NS' --socket '$BATS_TEST_TMPDIR/d.sock' --peers '$LIST' --self nobody 2>'$BATS_TEST_TMPDIR/d.log'"
	[[ $status -eq 2 ]]
	grep -q -- '--self nobody' "$BATS_TEST_TMPDIR/d.log"
}

@test "a persistent failure backs off instead of spinning; SIGUSR1 and the periodic resync re-read" {
	ctrld_start "$NS" --peers "$LIST" --self a --resync 1
	wait_until 5 bash -c "$TUNNELCTL -j ctrl status socket $CTRLD_SOCK | jq -e '.counters.resyncs >= 2'"
	# The device the list names goes: every reconcile fails, 0.1 s, 0.2 s, ... apart.
	ip -n "$NS" link del v0
	before=$(ctrld_json .counters.reconciles)
	sleep 3
	run ctrld_json "[.counters.reconciles - $before, .backoff.seconds >= 0.8, .last_reconcile.failed]"
	echo "$output"
	run jq -e '.[0] <= 8 and .[1] and .[2] == 1' <<<"$output"
	assert_success
	grep -q 'retrying in 1.6 s: devices\[0\]: unmanaged device v0 does not exist' "$CTRLD_LOG"
	# Back: the next try succeeds, and the backoff is over.
	ip -n "$NS" link add v0 type veth peer name v2
	ip -n "$NS" link set v0 up
	ip -n "$NS" link set v2 up
	wait_until 10 routes_are "$NS" "$ALL"
	run ctrld_json '.backoff'
	assert_output null
	before=$(ctrld_json .counters.resyncs)
	kill -USR1 "$CTRLD_PID"
	wait_until 5 bash -c "$TUNNELCTL -j ctrl status socket $CTRLD_SOCK | jq -e '.counters.resyncs > $before'"
	grep -q 'SIGUSR1: full resync' "$CTRLD_LOG"
	ctrld_stop
}

@test "sd_notify: READY=1 once the first reconcile is done, with a STATUS line" {
	"$LIBPROBE" notify-listen "$BATS_TEST_TMPDIR/notify" 20 >"$BATS_TEST_TMPDIR/notified" &
	listener=$!
	wait_until 5 grep -q listening "$BATS_TEST_TMPDIR/notified"
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/notify ctrld_start "$NS" --peers "$LIST" --self a
	wait "$listener"
	run cat "$BATS_TEST_TMPDIR/notified"
	assert_line "READY=1"
	assert_line --regexp '^STATUS=3 routes kept, list [0-9a-f]{16}$'
	assert_line "MAINPID=$CTRLD_PID"
	# By then the routes are in.
	run route_prefixes "$NS" 157
	assert_output "$ALL"
	ctrld_stop
}

@test "the config file: key value lines, # comments; the command line wins" {
	cat >"$BATS_TEST_TMPDIR/tunnelctld.conf" <<-CONF
	# the mesh of the veth tests
	peers $LIST
	self b            # overridden below
	resync = 30
	firewall no
	metrics $BATS_TEST_TMPDIR/m.prom
	CONF
	ctrld_start "$NS" --config "$BATS_TEST_TMPDIR/tunnelctld.conf" --self a
	run ctrld_json '[.self, .firewall, (.next_resync - .last_reconcile.at | . > 29 and . < 31)]'
	assert_output '["a",null,true]'
	[ -f "$BATS_TEST_TMPDIR/m.prom" ]
	run ip netns exec "$NS" nft list tables
	refute_output --partial tunnelctl
	ctrld_stop
	echo 'resync soon' >>"$BATS_TEST_TMPDIR/tunnelctld.conf"
	run "$TUNNELCTLD" --check --config "$BATS_TEST_TMPDIR/tunnelctld.conf"
	[[ $status -eq 2 ]]
	assert_output --partial "tunnelctld.conf:7: resync 'soon': seconds from 1 to 86400 expected"
}
