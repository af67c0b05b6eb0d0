#!/usr/bin/env bats
# tunnelctl ctrl, the client of tunnelctld's control socket: the grammar
# (help, usage errors, completion), the errors when nothing listens, and,
# against a real tunnelctld in a namespace, each answer in words and as
# JSON, the timeout, and reload's verdicts.

load ../lib/common
load ../lib/ctrl

teardown() {
	ctrld_stop KILL || true
	teardown_namespaces
}

# The veth mesh's namespace and list.
mesh_ns() {
	ns_with_veth NS
	LIST=$BATS_TEST_TMPDIR/mesh.json
	cp "$REPO/examples/mesh-veth.json" "$LIST"
}

# A controller over it, as node a.
start_mesh() {
	[[ -n ${NS:-} ]] || mesh_ns
	ctrld_start "$NS" --peers "$LIST" --self a "$@"
}

@test "help: the ctrl commands and their keywords, from the grammar" {
	tctl help
	assert_success
	assert_line "ctrl: ask tunnelctld, the resident controller"
	assert_line "  tunnelctl ctrl status [socket PATH] [timeout SECONDS]"
	assert_line "  tunnelctl ctrl reload [socket PATH] [timeout SECONDS]"
	assert_line "  tunnelctl ctrl plan [socket PATH] [timeout SECONDS]"
	tctl help ctrl status
	assert_success
	assert_line --partial "socket PATH      the control socket (default /run/tunnelctl/tunnelctld.sock"
	assert_line --partial "timeout SECONDS  give up when the controller is silent this long"
	tctl ctrl help
	assert_success
	assert_line --partial "tunnelctl ctrl plan"
	tctl help ctrl nosuch
	assert_failure 2
}

@test "usage errors: exit 2 with the usage line" {
	tctl ctrl stauts
	assert_failure 2
	assert_output --partial 'unknown ctrl command "stauts" (did you mean "status"?)'
	tctl ctrl status sokcet /tmp/x.sock
	assert_failure 2
	assert_line 'tunnelctl: ctrl status: unknown keyword "sokcet" (did you mean "socket"?)'
	assert_line "Usage: tunnelctl ctrl status [socket PATH] [timeout SECONDS]"
	tctl ctrl reload socket
	assert_failure 2
	assert_output --partial '"socket" needs a value (PATH)'
	tctl ctrl plan socket a socket b
	assert_failure 2
	assert_output --partial 'keyword "socket" given twice'
	tctl ctrl status timeout 0
	assert_failure 2
	assert_output --partial 'timeout "0": must be 1 to 3600 seconds'
	tctl ctrl status timeout 3601
	assert_failure 2
	assert_output --partial 'timeout "3601": must be 1 to 3600 seconds'
	tctl ctrl status timeout soon
	assert_failure 2
	assert_output --partial 'timeout "soon" is not a number'
	tctl ctrl status socket "/tmp/$(printf 'x%.0s' {1..120})"
	assert_failure 2
	assert_output --partial "a unix socket's path is at most 107 bytes"
	tctl ctrl status extra
	assert_failure 2
	assert_output --partial 'unknown keyword "extra"; valid here: socket timeout'
	tctl -n ../etc ctrl status
	assert_failure 2
	assert_output 'tunnelctl: "../etc" is not a valid network namespace name'
}

@test "no controller: the error names the socket, exit 1" {
	tctl ctrl status socket "$BATS_TEST_TMPDIR/none.sock"
	assert_failure 1
	assert_output "tunnelctl: cannot connect to tunnelctld at $BATS_TEST_TMPDIR/none.sock: No such file or directory (is tunnelctld running?)"
	# With -n, the namespace's socket, and the hint names it; "ctrl" alone is status.
	tctl -n "tctnone$$" ctrl
	assert_failure 1
	assert_output "tunnelctl: cannot connect to tunnelctld at /run/tunnelctl/tunnelctld.tctnone$$.sock: No such file or directory (is tunnelctld -n tctnone$$ running?)"
	# A file that is no listening socket (one left by a dead controller, say).
	touch "$BATS_TEST_TMPDIR/stale.sock"
	for verb in status reload plan; do
		tctl -j ctrl "$verb" socket "$BATS_TEST_TMPDIR/stale.sock"
		assert_failure 1
		assert_output "tunnelctl: cannot connect to tunnelctld at $BATS_TEST_TMPDIR/stale.sock: Connection refused (is tunnelctld running?)"
	done
}

@test "no controller: the default socket is /run/tunnelctl/tunnelctld.sock" {
	[[ ! -e /run/tunnelctl/tunnelctld.sock ]] || skip "a tunnelctld runs on this host"
	tctl ctrl status
	assert_failure 1
	assert_output --partial "cannot connect to tunnelctld at /run/tunnelctl/tunnelctld.sock: "
}

@test "completion: the verbs, then the keywords, then file names for socket" {
	tctl __complete ""
	assert_line "ctrl"
	tctl __complete ctrl ""
	assert_output "$(printf 'status\nreload\nplan')"
	tctl __complete ctrl re
	assert_output "reload"
	tctl __complete help ctrl ""
	assert_output "$(printf 'status\nreload\nplan')"
	tctl __complete ctrl status ""
	assert_output "$(printf 'socket\ntimeout')"
	tctl __complete ctrl plan timeout 5 ""
	assert_output "socket"
	complete_words ct
	assert_output "ctrl"
	complete_words -n x ctrl p
	assert_output "plan"
	touch "$BATS_TEST_TMPDIR/ctl-one.sock"
	complete_words ctrl status socket "$BATS_TEST_TMPDIR/ctl-o"
	assert_output "$BATS_TEST_TMPDIR/ctl-one.sock"
}

@test "status: the controller in words" {
	start_mesh
	tctl ctrl status socket "$CTRLD_SOCK"
	assert_success
	assert_line --index 0 --regexp "^controller: running, pid $CTRLD_PID, netns $NS, up [0-9]+ s, version [0-9.]+$"
	assert_line --index 1 --regexp "^  peer list: $LIST \(version 1, hash [0-9a-f]{16}, 3 peers, loaded [0-9]+ s ago\), self a$"
	assert_line --index 2 "  desired: 0 devices, 2 nexthops, 3 routes"
	assert_line --index 3 "  kernel: 2 nexthops, 3 routes"
	assert_line --index 4 --regexp '^  last reconcile: [0-9]+ s ago \(start\), [0-9.]+ ms: 5 added, 0 replaced, 0 deleted, 0 failed$'
	assert_line --index 5 "  counters: 1 reconcile, 0 repairs, 0 resyncs, 0 overruns, 0 errors, 0 reloads (0 rejected), 0 events"
	assert_line --index 6 "  firewall: inet tunnelctl, 3 addresses, 0 packets dropped"
	[ "${#lines[@]}" -eq 7 ]
}

@test "status: a rejected list, a failed reconcile with its backoff, a conflict, no firewall" {
	mesh_ns
	ip -n "$NS" route add 10.10.3.0/24 dev v1 proto static
	start_mesh --no-firewall
	jq '.peers[1].underlay = "192.0.2.300"' "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
	wait_until 5 bash -c "$TUNNELCTL -j ctrl status socket $CTRLD_SOCK | jq -e '.peers_error != null'"
	# The device goes: every write fails, and the controller backs off.
	ip -n "$NS" link del v0
	wait_until 5 bash -c "$TUNNELCTL -j ctrl status socket $CTRLD_SOCK | jq -e '.backoff != null'"
	tctl ctrl status socket "$CTRLD_SOCK"
	assert_success
	assert_line --regexp "^  peer list error: $LIST, [0-9]+ s ago: invalid peer list; the list above stays in use$"
	assert_line --regexp "^    $LIST:[0-9]+: peers\[1\]\.underlay: underlay \"192\.0\.2\.300\" is not a valid IP address$"
	assert_line --regexp '^  last reconcile: .*, 1 failed$'
	assert_line --regexp '^    plan: .*v0'
	assert_line --regexp '^  backoff: [0-9.]+ m?s, next try in [0-9.]+ m?s: devices\[0\]: unmanaged device v0 does not exist$'
	assert_line "  firewall: off"
	assert_line --regexp '^  conflict: route 10\.10\.3\.0/24 table 254 metric 0 \(foreign\): a route of protocol static'
}

@test "status -j: the controller's JSON, one line; indented with -p" {
	start_mesh
	tc_json -j ctrl status socket "$CTRLD_SOCK"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run jq -c 'keys' <<<"$output"
	assert_output '["actual","backoff","conflicts","counters","desired","firewall","last_reconcile","netns","next_resync","peers","peers_error","pid","self","started","version"]'
	tc_json -j -p ctrl status socket "$CTRLD_SOCK"
	assert_success
	[ "${#lines[@]}" -gt 20 ]
	run jq -e '.counters.reconciles == 1' <<<"$output"
	assert_success
}

@test "a controller that does not answer: the timeout, exit 1" {
	start_mesh
	kill -STOP "$CTRLD_PID"
	SECONDS=0
	tctl ctrl status socket "$CTRLD_SOCK" timeout 1
	kill -CONT "$CTRLD_PID"
	assert_failure 1
	assert_output "tunnelctl: tunnelctld at $CTRLD_SOCK did not answer within 1 s"
	[ "$SECONDS" -le 3 ]
	# Stopped for less than the timeout: waited for.
	kill -STOP "$CTRLD_PID"
	(sleep 0.5; kill -CONT "$CTRLD_PID") &
	tctl ctrl status socket "$CTRLD_SOCK" timeout 3
	assert_success
	assert_line --index 0 --partial "controller: running, pid $CTRLD_PID"
}

@test "reload: applied and unchanged exit 0; rejected exits 2 with FILE:LINE: PATH: message" {
	start_mesh
	tctl ctrl reload socket "$CTRLD_SOCK"
	assert_success
	assert_output --regexp '^unchanged: peer list [0-9a-f]{16} is in use already$'
	# Keep the file watcher from reloading first: the client must see the verdict.
	kill -STOP "$CTRLD_PID"
	jq '.peers[2].ttl = 20' "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
	kill -CONT "$CTRLD_PID"
	tctl ctrl reload socket "$CTRLD_SOCK"
	assert_success
	assert_output --regexp '^(applied|unchanged): peer list [0-9a-f]{16}'
	run ip -n "$NS" route show 10.10.3.0/24 proto 157
	assert_output --partial ' ttl 20 '
	kill -STOP "$CTRLD_PID"
	jq '.peers[2].underlay = "192.0.2.300"' "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
	kill -CONT "$CTRLD_PID"
	tctl ctrl reload socket "$CTRLD_SOCK"
	assert_failure 2
	assert_line --regexp "^tunnelctl: $LIST:[0-9]+: peers\[2\]\.underlay: underlay \"192\.0\.2\.300\" is not a valid IP address$"
	assert_line "tunnelctl: tunnelctld rejected $LIST (invalid peer list); the running list stays"
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_failure 2
	run jq -r '.result' <<<"$output"
	assert_output "rejected"
}

@test "plan: what the controller would do now, in diff's words and as diff -j" {
	mesh_ns
	start_mesh
	tctl ctrl plan socket "$CTRLD_SOCK"
	assert_success
	assert_output "no changes"
	ctrld_stop
	# A foreign route where the list wants one: a conflict, in both.
	ip -n "$NS" route del 10.10.3.0/24 proto 157
	ip -n "$NS" route add 10.10.3.0/24 dev v1 proto static
	start_mesh
	run --separate-stderr "$TUNNELCTL" -n "$NS" diff "$LIST" --self a
	want=$output
	[[ $want == *"conflict: route 10.10.3.0/24"* ]]
	tctl ctrl plan socket "$CTRLD_SOCK"
	assert_success
	assert_output "$want"
	run --separate-stderr "$TUNNELCTL" -n "$NS" -j diff "$LIST" --self a
	want=$output
	tc_json -j ctrl plan socket "$CTRLD_SOCK"
	assert_success
	run jq -e --argjson want "$want" '. == $want' <<<"$output"
	assert_success
}
