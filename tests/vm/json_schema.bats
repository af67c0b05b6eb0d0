#!/usr/bin/env bats
# The -j outputs the host kernel cannot produce, against their schemas
# (tests/data/json-schema, as tests/host/json_schema.bats): dev show of
# in-tree external devices and of flowtun devices, peer show and stats.

load ../lib/common
load ../lib/json_schema

KO=$REPO/kmod/flowtun.ko

setup_file() {
	# The GRE version-0 slot is one per kernel: flowtun's GRE mode needs
	# ip_gre gone; gre and tunnel4 are what flowtun itself needs.
	modprobe -r ip_gre 2>/dev/null || true
	modprobe -a gre tunnel4 tunnel6
}

teardown_file() {
	rmmod flowtun 2>/dev/null || true
}

setup() {
	new_ns NS
}

teardown() {
	teardown_namespaces
}

@test "json schema: dev show of in-tree external devices, with and without link" {
	modprobe -a ipip ip6_tunnel ip6_gre 2>/dev/null || true
	ip -n "$NS" link add u0 type dummy
	tctl -n "$NS" dev add t-ipip mode ipip link u0
	assert_success
	tctl -n "$NS" dev add t-ip6tnl mode ip6tnl
	assert_success
	tc_json -n "$NS" -j dev show
	assert_success
	[ "$(jq length <<<"$output")" -ge 2 ]
	assert_json_schema dev-show
	jq -e '[.[] | select(.link == "u0")] | length == 1' <<<"$output"
}

@test "json schema: dev show, peer show and stats of flowtun devices" {
	lsmod | grep -q '^flowtun ' || insmod "$KO"
	ip -n "$NS" link add va type veth peer name vb
	ip -n "$NS" addr add 192.168.91.1/24 dev va
	ip -n "$NS" link set va up
	tctl -n "$NS" dev add ft0 mode gre datapath kmod local 192.168.91.1 policy allowlist
	assert_success
	tctl -n "$NS" peer add ft0 192.168.91.2 id 100
	assert_success
	tctl -n "$NS" peer add ft0 192.168.91.3 id 101
	assert_success
	tc_json -n "$NS" -j dev show
	assert_success
	assert_json_schema dev-show
	jq -e '.[0].linkinfo.info_data.policy == "allowlist"' <<<"$output"
	tc_json -n "$NS" -j peer show
	assert_success
	[ "$(jq length <<<"$output")" -eq 2 ]
	assert_json_schema peer-show
	tc_json -n "$NS" -j stats
	assert_success
	assert_json_schema stats
	jq -e '(.devices | length) == 1 and (.peers | length) == 2' <<<"$output"
	tc_json -n "$NS" -j stats peer 192.168.91.2
	assert_success
	assert_json_schema stats
	# A plan with every kind of device and peer-table change.
	cat >"$BATS_TEST_TMPDIR/list.json" <<-EOF
	{ "version": 1,
	  "devices": [ { "name": "ft0", "mode": "gre", "datapath": "kmod", "local": "192.168.91.1", "policy": "open" },
	               { "name": "ft1", "mode": "ipip", "datapath": "kmod", "mtu": 1400 } ],
	  "defaults": { "device": "ft0" },
	  "peers": [ { "name": "a", "underlay": "192.168.91.1", "id": 1, "prefixes": [ "10.50.1.0/24" ] },
	             { "name": "b", "underlay": "192.168.91.2", "id": 200, "prefixes": [ "10.50.2.0/24" ] },
	             { "name": "d", "underlay": "192.168.91.4", "id": 4, "prefixes": [ "10.50.4.0/24" ] } ] }
	EOF
	tc_json -n "$NS" -j diff "$BATS_TEST_TMPDIR/list.json" --self a
	assert_failure 1
	assert_json_schema diff
	jq -e '[.devices[].action] | index("add") and index("replace")' <<<"$output"
	jq -e '[.peers[].action] | index("add") and index("replace") and index("delete")' <<<"$output"
}
