#!/usr/bin/env bats
# Meshes configured only by `tunnelctl apply` of one peer list on every
# node: the device, the nexthops and the routes; then edits of the list,
# re-applied, change only what changed (counted with ip monitor).

load ../lib/common
load ../lib/mesh

setup() {
	mesh_hosts 1 2 3 4
	LIST=$BATS_TEST_TMPDIR/mesh.json
}

teardown() {
	teardown_namespaces
}

@test "gre mesh of three: apply on each node, every ping across (IPv4 and IPv6 overlays)" {
	mesh_list gre 1 2 3 >"$LIST"
	run mesh_apply "$LIST" 1 2 3
	assert_success
	run ip -n "${H[1]}" -d -j link show tun0
	run jq -c '.[0] | [.linkinfo.info_kind, .linkinfo.info_data.external]' <<<"$output"
	assert_output '["gre",true]'
	run mesh_pings 4 1 2 3
	assert_output ""
	run mesh_pings 6 1 2 3
	assert_output ""
	# IPv4 prefixes ride on the peers' IPv6 nexthops (both families share one).
	tctl -n "${H[1]}" -j nexthop show
	run jq -c '[.[] | [.family, .routes]] | unique' <<<"$output"
	assert_output '[["inet6",2]]'
}

@test "gre mesh: add a fourth node, remove one, change an id and a ttl: only those objects change" {
	mesh_list gre 1 2 3 >"$LIST"
	mesh_apply "$LIST" 1 2 3
	# h4 joins, h3 leaves, h2's id and everyone's ttl change.
	mesh_list gre 1 2 4 | jq '(.peers[] | select(.name == "h2")).id = 2222 | .defaults.ttl = 30' >"$LIST"
	ipmon_start "${H[1]}"
	run mesh_apply "$LIST" 1 2 4
	assert_success
	ipmon_events >"$BATS_TEST_TMPDIR/seen"
	# On h1: nexthops: h4 added, h2 replaced, h3 deleted; routes: h4's two
	# added, h3's two deleted; h2's routes follow its nexthop (announced again).
	run grep -c '^nexthop new' "$BATS_TEST_TMPDIR/seen"
	assert_output "2"
	run grep -c '^nexthop del' "$BATS_TEST_TMPDIR/seen"
	assert_output "1"
	run bash -c "grep '^route ' '$BATS_TEST_TMPDIR/seen' | sort | paste -sd, -"
	assert_output "route del 10.20.3.0/24,route del fd20:3::/64,route new 10.20.2.0/24,route new 10.20.4.0/24,route new fd20:2::/64,route new fd20:4::/64"
	run mesh_pings 4 1 2 4
	assert_output ""
	# h3 is gone from every node.
	for i in 1 2 4; do
		run ip -n "${H[i]}" route show 10.20.3.0/24
		assert_output ""
	done
	# A no-op re-apply: nothing of ours moves.
	ipmon_start "${H[2]}"
	run mesh_apply "$LIST" 1 2 4
	assert_success
	run ipmon_events
	assert_output ""
}

@test "the wire carries each peer's id as the GRE key and the list's ttl" {
	mesh_list gre 1 2 >"$LIST"
	mesh_apply "$LIST" 1 2
	load ../lib/topo
	capture_start "${H[2]}" eth0 "ip proto 47"
	run ip netns exec "${H[1]}" ping -q -c 1 -W 2 -I 10.20.1.1 10.20.2.1
	assert_success
	run capture_stop
	assert_line --regexp 'ttl 64, .*192\.168\.60\.1 > 192\.168\.60\.2: GREv0, Flags \[key present\], key=0x3ea'
	assert_line --regexp 'ttl 64, .*192\.168\.60\.2 > 192\.168\.60\.1: GREv0, Flags \[key present\], key=0x3e9'
}

@test "ipip mesh of three: apply on each node, every ping across" {
	mesh_list ipip 1 2 3 >"$LIST"
	run mesh_apply "$LIST" 1 2 3
	assert_success
	run mesh_pings 4 1 2 3
	assert_output ""
	mesh_list ipip 1 2 >"$LIST"
	run mesh_apply "$LIST" 1 2
	assert_success
	run route_prefixes "${H[1]}" 157
	assert_output "10.20.2.0/24"
}

@test "the device named in the list is created once; a classic one in its way is refused" {
	mesh_list gre 1 2 >"$LIST"
	ip -n "${H[3]}" link add tun0 type gre remote 192.168.60.1 local 192.168.60.3
	jq '.peers += [{"name": "h3", "underlay": "192.168.60.3", "id": 1003, "prefixes": ["10.20.3.0/24"]}]' \
		"$LIST" >"$LIST.3"
	expect_refused "${H[3]}" 1 "devices[0]: tun0 exists as a classic gre device, not the external gre device the list declares" -- apply "$LIST.3"
	mesh_apply "$LIST" 1
	tctl -n "${H[1]}" apply "$LIST"
	assert_output "no changes: the kernel already matches $LIST"
}
