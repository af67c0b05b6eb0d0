#!/usr/bin/env bats
# tunnelctl doctor on the host kernel (no gre, no ipip, no modules): what it
# finds in a namespace made to have each problem.

load ../lib/common
load ../lib/json_schema

setup() {
	ns_with_veth NS
}

teardown() {
	teardown_namespaces
}

# finding CHECK STATUS: the JSON finding of that check and status is there.
finding() {
	jq -e --arg c "$1" --arg s "$2" 'any(.[]; .check == $c and .status == $s)' <<<"$DOC" >/dev/null ||
		{ echo "no $2 finding of $1 in: $DOC"; return 1; }
}

@test "doctor -j: an array of {check, status, message, fix}; this kernel's missing gre and ipip are errors, exit 1" {
	tc_json -n "$NS" -j doctor
	assert_failure 1
	DOC=$output
	run assert_json_schema doctor "$DOC"
	assert_success
	run jq -e 'type == "array" and length > 0 and all(.[];
		(keys == ["check", "fix", "message", "status"]) and
		(.status | IN("ok", "warn", "error")) and (.message | type == "string") and
		(.fix | type == "string" or . == null) and
		(if .status == "ok" then .fix == null else .fix | type == "string" end))' <<<"$DOC"
	assert_success
	if [[ ! -e /proc/modules && ! -d /sys/module/ip_gre ]]; then
		finding kernel.gre error
		finding kernel.ipip error
		run jq -r '.[] | select(.check == "kernel.gre") | .message, .fix' <<<"$DOC"
		assert_output --partial "has no gre"
		assert_output --partial "CONFIG_NET_IPGRE"
	fi
	finding controller ok
	finding networkd ok
	finding routes ok
}

@test "doctor: strict rp_filter on a device with encap routes is a warning with the sysctl that fixes it" {
	ip netns exec "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=1
	"$TUNNELCTL" -n "$NS" route add 10.9.0.0/24 id 1 dst 192.0.2.7 dev v0
	tc_json -n "$NS" -j doctor
	DOC=$output
	finding rp_filter warn
	run jq -r '.[] | select(.check == "rp_filter" and .status == "warn") | .message, .fix' <<<"$DOC"
	assert_line --index 0 --partial "v0: strict reverse path filtering (rp_filter 1: all 1, v0 0)"
	assert_line --index 1 "ip netns exec $NS sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.v0.rp_filter=2"
	# Loose (2) is fine; and the host's own setting is not what is read.
	ip netns exec "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=2
	tc_json -n "$NS" -j doctor
	DOC=$output
	finding rp_filter ok
	run jq -e 'any(.[]; .check == "rp_filter" and .status == "warn")' <<<"$DOC"
	assert_failure
}

@test "doctor: a route of another protocol at an owned prefix is a warning" {
	"$TUNNELCTL" -n "$NS" route add 10.9.0.0/24 id 1 dst 192.0.2.7 dev v0
	ip -n "$NS" route add 10.9.0.0/24 dev v0 proto static metric 100
	ip -n "$NS" route add 10.8.0.0/24 dev v0 proto static
	tctl -n "$NS" doctor
	assert_line --regexp '^warn +routes +10\.9\.0\.0/24 table main: a route of protocol static \(metric 100, dev v0\) is where tunnelctl.s is \(metric 0\)'
	assert_line --regexp 'fix: the lower metric wins; if the other route is stale: ip route del 10\.9\.0\.0/24 table main proto static metric 100$'
	refute_output --partial "10.8.0.0/24"
}

@test "doctor: a tunnel MTU larger than its underlay leaves is a warning with the MTU that fits" {
	# v0 carries the encap routes; their outer destination is reached over
	# v1, whose MTU is small (a PPPoE or a nested-tunnel underlay).
	ip -n "$NS" link set v1 mtu 1400
	ip -n "$NS" addr add 198.51.100.1/24 dev v1
	"$TUNNELCTL" -n "$NS" route add 10.9.0.0/24 id 1 dst 198.51.100.7 dev v0
	tctl -n "$NS" doctor
	assert_line --regexp '^warn +mtu +v0: mtu 1500 is larger than the underlay to 198\.51\.100\.7 \(via v1, mtu 1400\) leaves after 24 bytes'
	assert_line --regexp 'fix: ip link set dev v0 mtu 1376$'
	ip -n "$NS" link set v0 mtu 1376
	tc_json -n "$NS" -j doctor
	DOC=$output
	finding mtu ok
	run jq -r '.[] | select(.check == "mtu") | .message' <<<"$DOC"
	assert_output --partial "v0: mtu 1376 fits the underlay to 198.51.100.7 (via v1, mtu 1400)"
}

@test "doctor: text lines with a status each, a fix under each problem, a summary; exit 1 only for errors" {
	tctl -n "$NS" doctor
	assert_line --regexp '^(ok|warn|error) +[a-z.0-9_]+ +.+'
	assert_line --regexp '^[0-9]+ ok, [0-9]+ warnings?, [0-9]+ errors?$'
	errors=$(grep -c '^error ' <<<"$output" || true)
	if ((errors)); then assert_failure 1; else assert_success; fi
}

@test "doctor -n of a missing namespace fails clearly; doctor is in help and completion" {
	tctl -n tct-no-such-ns doctor
	assert_failure 2
	assert_output --partial 'network namespace "tct-no-such-ns" not found'
	tctl help doctor
	assert_output --partial "tunnelctl doctor"
	complete_words doc
	assert_output "doctor"
}
