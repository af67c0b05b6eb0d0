#!/usr/bin/env bats
# lib/nl.c's batching on the real kernel: many requests per sendmsg in
# chunks, every ack matched to its request by sequence number, a failure
# reported for exactly the object that failed while the others take effect.

load ../lib/common

setup() {
	ns_with_veth NS
}

teardown() {
	teardown_namespaces
}

@test "a batch of 1000 route adds over several chunks: one bad request, reported as itself" {
	probe batch "$NS" v0 1000 700
	assert_success
	assert_line "failed route #700: No such device"
	assert_line "sent 1000 failed 1"
	run bash -c "ip -n '$NS' route show proto 157 | wc -l"
	assert_output "999"
	# The failed one is the one that is missing: 10.100.2.188 is #700.
	run ip -n "$NS" route show 10.100.2.188/32 proto 157
	assert_output ""
	run ip -n "$NS" -d -j route show 10.100.2.189/32
	run jq -r '.[0].id' <<<"$output"
	assert_output "701"
}

@test "a batch whose first and last requests fail" {
	probe batch "$NS" v0 300 0
	assert_line "failed route #0: No such device"
	assert_line "sent 300 failed 1"
	"$TUNNELCTL" -n "$NS" route flush
	probe batch "$NS" v0 300 299
	assert_line "failed route #299: No such device"
	assert_line "sent 300 failed 1"
	run bash -c "ip -n '$NS' route show proto 157 | wc -l"
	assert_output "299"
}

@test "route flush deletes many routes in one batch" {
	"$LIBPROBE" batch "$NS" v0 2000 99999 >/dev/null
	[ "$(ip -n "$NS" route show proto 157 | wc -l)" -eq 2000 ]
	tctl -n "$NS" route flush
	assert_success
	run ip -n "$NS" route show proto 157
	assert_output ""
}
