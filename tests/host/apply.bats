#!/usr/bin/env bats
# apply / diff / validate on the running kernel, through an unmanaged veth
# (this kernel has no gre; tests/vm/apply_mesh.bats runs meshes over gre
# and ipip).  Each peer becomes one nexthop object and one route by nhid
# per prefix; re-applies change exactly what changed in the file.

load ../lib/common

setup() {
	ns_with_veth NS
	LIST=$BATS_TEST_TMPDIR/mesh.json
	cp "$REPO/examples/mesh-veth.json" "$LIST"
}

teardown() {
	teardown_namespaces
}

# edit JQ-FILTER: change the peer list in place.
edit() {
	jq "$1" "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
}

owned_routes() {
	route_prefixes "$NS" 157
}

owned_nexthops() {
	ip -n "$NS" nexthop show proto 157 | wc -l
}

@test "validate: a good list" {
	tctl validate "$LIST"
	assert_success
	assert_output "$LIST: valid: 3 peers, 1 device"
	tc_json -j validate "$LIST"
	run jq -c '[.valid, .peers, .devices, (.errors | length)]' <<<"$output"
	assert_output '[true,3,1,0]'
}

@test "apply: one nexthop per other peer, one route by nhid per prefix; own prefixes not routed" {
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	assert_output --regexp '^applied in [0-9.]+ s: 2 nexthops, 3 routes added$'
	run owned_routes
	assert_output "10.10.2.0/24,10.10.3.0/24,fd10:2::/64"
	run owned_nexthops
	assert_output "2"
	# Each route points at its peer's nexthop, which carries the peer's encap.
	tc_json -n "$NS" -j route show all
	run jq -c '[.[] | [.dst, .encap.id, .encap.dst, .encap.ttl, (.nhid > 0)]]' <<<"$output"
	assert_output '[["10.10.2.0/24",102,"192.168.50.2",64,true],["10.10.3.0/24",103,"192.168.50.3",10,true],["fd10:2::/64",102,"192.168.50.2",64,true]]'
	# Peer b has an IPv6 prefix: its nexthop is an IPv6 one, serving both.
	tc_json -n "$NS" -j nexthop show
	run jq -c '[.[] | [.encap.id, .family, .routes]] | sort' <<<"$output"
	assert_output '[[102,"inet6",2],[103,"inet",1]]'
}

@test "apply twice: the second writes nothing and says so" {
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	ipmon_start "$NS"
	tctl -n "$NS" apply "$LIST" --self a
	run ipmon_events
	assert_output ""
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	assert_output "no changes: the kernel already matches $LIST"
}

@test "re-apply after edits changes exactly the objects that changed" {
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	# Add a peer, remove one, change one's id and another's ttl.
	edit '.peers += [{"name": "d", "underlay": "192.168.50.4", "id": 104, "prefixes": ["10.10.4.0/24"]}]
	      | .peers |= map(select(.name != "c"))
	      | (.peers[] | select(.name == "b")).id = 202
	      | .defaults.ttl = 32'
	tctl -n "$NS" diff "$LIST" --self a
	assert_failure 1
	assert_line --regexp '^\+ nexthop [0-9]+ peer d encap ip id 104 dst 192\.168\.50\.4 ttl 32 dev v0$'
	assert_line --regexp '^~ nexthop [0-9]+ peer b: id 102 -> 202, ttl 64 -> 32$'
	assert_line --regexp '^- nexthop [0-9]+ encap ip id 103 dst 192\.168\.50\.3 ttl 10 dev v0$'
	assert_line --regexp '^\+ route 10\.10\.4\.0/24 nhid [0-9]+ peer d$'
	assert_line --regexp '^- route 10\.10\.3\.0/24 nhid [0-9]+$'
	assert_line "1 nexthop, 1 route to add; 1 nexthop to replace; 1 nexthop, 1 route to delete"
	ipmon_start "$NS"
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	ipmon_events >"$BATS_TEST_TMPDIR/seen"
	# One nexthop added, one replaced, one deleted; d's route added, c's
	# deleted.  b's routes follow its replaced nexthop without a write of
	# ours (the kernel announces them again); a's and nobody else's move.
	run grep -c '^nexthop new' "$BATS_TEST_TMPDIR/seen"
	assert_output "2"
	run grep -c '^nexthop del' "$BATS_TEST_TMPDIR/seen"
	assert_output "1"
	run bash -c "grep '^route ' '$BATS_TEST_TMPDIR/seen' | sort | paste -sd, -"
	assert_output "route del 10.10.3.0/24,route new 10.10.2.0/24,route new 10.10.4.0/24,route new fd10:2::/64"
	run owned_routes
	assert_output "10.10.2.0/24,10.10.4.0/24,fd10:2::/64"
	tc_json -n "$NS" -j route show all
	run jq -c '[.[] | [.dst, .encap.id, .encap.ttl]]' <<<"$output"
	assert_output '[["10.10.2.0/24",202,32],["10.10.4.0/24",104,32],["fd10:2::/64",202,32]]'
	tctl -n "$NS" diff "$LIST" --self a
	assert_success
	assert_output "no changes"
}

@test "self is found by a local address; none, or two, is an error that says so" {
	ip -n "$NS" addr add 192.168.50.2/32 dev v1
	tctl -n "$NS" apply "$LIST"
	assert_success
	run owned_routes
	assert_output "10.10.1.0/24,10.10.3.0/24"
	ip -n "$NS" addr del 192.168.50.2/32 dev v1
	expect_refused "$NS" 2 "no peer's underlay is an address of this node; say which peer it is with --self NAME" -- apply "$LIST"
	ip -n "$NS" addr add 192.168.50.1/32 dev v1
	ip -n "$NS" addr add 192.168.50.3/32 dev v1
	expect_refused "$NS" 2 "this node has the underlay addresses of peers a and c; say which it is with --self NAME" -- apply "$LIST"
	expect_refused "$NS" 2 "--self z: no peer of that name in the list" -- apply "$LIST" --self z
}

@test "--dry-run prints the plan and changes nothing; diff exits like diff(1)" {
	expect_refused "$NS" 0 "2 nexthops, 3 routes to add" -- apply "$LIST" --self a --dry-run
	tctl -n "$NS" diff "$LIST" --self a
	assert_failure 1
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	tctl -n "$NS" diff "$LIST" --self a
	assert_success
	tctl -n "$NS" diff "$REPO/tests/data/peers-invalid/06-version-2.json" --self a
	assert_failure 2
}

@test "diff -j: the plan as JSON" {
	tc_json -n "$NS" -j diff "$LIST" --self a
	assert_failure 1
	plan=$output
	run jq -c '[.self, .summary.nexthops.add, .summary.routes.add, ([.routes[].action] | unique), ([.nexthops[].peer] | sort)]' <<<"$plan"
	assert_output '["a",2,3,["add"],["b","c"]]'
	run jq -e '.routes | all(.route.nhid > 0 and .route.owned and (.peer | type == "string"))' <<<"$plan"
	assert_success
}

@test "apply -j: what was done" {
	tc_json -n "$NS" -j apply "$LIST" --self a
	assert_success
	run jq -c '[.self, .done, (.failed | length), (.conflicts | length), .planned.routes.add]' <<<"$output"
	assert_output '["a",5,0,0,3]'
	[ -z "$stderr" ]
}

@test "routes of other protocols survive apply, re-apply, prune and peer removal" {
	# Same prefix and metric (blocks ours), same prefix other metric, overlapping, other table.
	ip -n "$NS" route add 10.10.2.0/24 dev v0 proto static
	ip -n "$NS" route add 10.10.3.0/24 dev v0 metric 50 proto static
	ip -n "$NS" route add 10.10.3.128/25 encap ip id 9 dst 1.1.1.1 dev v0 proto bird
	ip -n "$NS" route add 10.10.2.0/24 dev v0 table 77 proto static
	foreign() { ip -n "$NS" -d route show table all | grep -v "proto 157" | grep -v "proto kernel" | sort; }
	before=$(foreign)
	tctl -n "$NS" apply "$LIST" --self a
	assert_failure 1
	assert_output --partial "! conflict: route 10.10.2.0/24 nhid"
	assert_output --partial "protocol static has this route: left alone, not added"
	assert_output --partial "! conflict: route 10.10.3.0/24 nhid"
	[ "$(foreign)" = "$before" ]
	run owned_routes
	assert_output "10.10.3.0/24,fd10:2::/64"
	tctl -n "$NS" apply "$LIST" --self a --prune
	[ "$(foreign)" = "$before" ]
	edit '.peers |= map(select(.name != "c"))'
	tctl -n "$NS" apply "$LIST" --self a --prune
	[ "$(foreign)" = "$before" ]
	run owned_routes
	assert_output "fd10:2::/64"
}

@test "deletes stay on the list's devices unless --prune; --no-prune deletes nothing" {
	ip -n "$NS" link add v2 type veth peer name v3
	ip -n "$NS" link set v2 up
	"$TUNNELCTL" -n "$NS" route add 10.99.0.0/16 id 9 dst 192.0.2.9 dev v2
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	edit '.peers |= map(select(.name != "c"))'
	tctl -n "$NS" apply "$LIST" --self a --no-prune
	run owned_routes
	assert_output "10.10.2.0/24,10.10.3.0/24,10.99.0.0/16,fd10:2::/64"
	tctl -n "$NS" apply "$LIST" --self a
	run owned_routes
	assert_output "10.10.2.0/24,10.99.0.0/16,fd10:2::/64"
	tctl -n "$NS" apply "$LIST" --self a --prune
	run owned_routes
	assert_output "10.10.2.0/24,fd10:2::/64"
}

@test "routes made by 'route add' become routes by nexthop" {
	"$TUNNELCTL" -n "$NS" route add 10.10.2.0/24 id 102 dst 192.168.50.2 ttl 64 dev v0
	tctl -n "$NS" diff "$LIST" --self a
	assert_line --regexp '^~ route 10\.10\.2\.0/24 nhid [0-9]+ peer b: inline encap -> nexthop$'
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	tc_json -n "$NS" -j route show
	run jq -c '[.[] | select(.dst == "10.10.2.0/24") | (.nhid > 0)]' <<<"$output"
	assert_output '[true]'
}

@test "a failure in the middle is reported per object, and the next apply converges" {
	# c's nexthop cannot be made while IPv6 is off on its device (an IPv6 nexthop).
	edit '(.peers[] | select(.name == "c")).prefixes += ["fd10:3::/64"]'
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.v0.disable_ipv6=1
	tctl -n "$NS" apply "$LIST" --self a
	assert_failure 1
	assert_output --regexp 'nexthop [0-9]+ \(peer [bc]\): IPv6 is disabled on nexthop device'
	assert_output --partial "not added: its nexthop"
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.v0.disable_ipv6=0
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	run owned_routes
	assert_output "10.10.2.0/24,10.10.3.0/24,fd10:2::/64,fd10:3::/64"
	tctl -n "$NS" diff "$LIST" --self a
	assert_success
}

@test "the device vanishes between plan and apply: failures per object, then convergence" {
	ip -n "$NS" link add v9 type veth peer name v8
	ip -n "$NS" link set v9 up
	ip -n "$NS" link set v8 up
	edit '.devices += [{"name": "v9", "unmanaged": true}] | (.peers[] | select(.name == "c")).device = "v9"'
	probe apply-hook "$NS" "$LIST" a -- ip -n "$NS" link del v9
	assert_success
	assert_line --regexp '^failed nexthop [0-9]+ \(peer c\): '
	assert_line --regexp '^failed route 10\.10\.3\.0/24 .*'
	assert_line "done 3 failed 2"
	ip -n "$NS" link add v9 type veth peer name v8
	ip -n "$NS" link set v9 up
	ip -n "$NS" link set v8 up
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	tctl -n "$NS" diff "$LIST" --self a
	assert_success
}

@test "an unmanaged device that does not exist stops apply before any write" {
	edit '.devices[0].name = "nosuch" | .defaults.device = "nosuch"'
	expect_refused "$NS" 1 "devices[0]: unmanaged device nosuch does not exist" -- apply "$LIST" --self a
}

@test "a flowtun device in the list: valid; without the module, apply and diff stop before any write" {
	edit '.devices += [ { "name": "ft1", "mode": "ipip", "datapath": "kmod", "local": "192.168.50.1" } ]
		| (.peers[] | select(.name == "c")) |= (.device = "ft1" | .prefixes += ["fd10:3::/64"] | .id = 7)'
	tctl validate "$LIST"
	assert_success
	assert_output "$LIST: valid: 3 peers, 2 devices"
	[[ -d /sys/module/flowtun ]] && skip "the flowtun module is loaded here"
	expect_refused "$NS" 1 "devices[1]: cannot create flowtun ipip device ft1: the flowtun module is not loaded" -- apply "$LIST" --self a
	expect_refused "$NS" 2 "devices[1]: cannot create flowtun ipip device ft1: the flowtun module is not loaded" -- diff "$LIST" --self a
}

@test "progress goes to a terminal only" {
	run bash -c "'$TUNNELCTL' -n '$NS' apply '$LIST' --self a 2>&1 >/dev/null"
	assert_output ""
	"$TUNNELCTL" -n "$NS" route flush
	ip -n "$NS" nexthop flush
	run script -qec "'$TUNNELCTL' -n '$NS' apply '$LIST' --self a" /dev/null
	assert_output --regexp 'applying: 5/5 \([0-9]+/s\)'
}

@test "--inline: routes carry the encap themselves, and switching back and forth converges" {
	tctl -n "$NS" apply "$LIST" --self a --inline
	assert_success
	run owned_nexthops
	assert_output "0"
	tc_json -n "$NS" -j route show all
	run jq -c '[.[] | [.dst, .encap.id, .encap.ttl, has("nhid")]]' <<<"$output"
	assert_output '[["10.10.2.0/24",102,64,false],["10.10.3.0/24",103,10,false],["fd10:2::/64",102,64,false]]'
	tctl -n "$NS" diff "$LIST" --self a --inline
	assert_success
	# An encap change on an inline route is a route replace naming the field.
	edit '(.peers[] | select(.name == "c")).ttl = 20'
	tctl -n "$NS" diff "$LIST" --self a --inline
	assert_line --regexp '^~ route 10\.10\.3\.0/24 dev v0 peer c: ttl$'
	# Back to nexthop objects: every route is replaced, the nexthops appear.
	tctl -n "$NS" diff "$LIST" --self a
	assert_line --regexp '^~ route 10\.10\.2\.0/24 nhid [0-9]+ peer b: inline encap -> nexthop$'
	tctl -n "$NS" apply "$LIST" --self a
	assert_success
	run owned_nexthops
	assert_output "2"
	tctl -n "$NS" diff "$LIST" --self a --inline
	assert_line --regexp '^~ route 10\.10\.2\.0/24 dev v0 peer b: nexthop -> inline encap$'
	assert_line --regexp '^- nexthop [0-9]+ encap ip id 102 dst 192\.168\.50\.2 ttl 64 dev v0$'
	tctl -n "$NS" apply "$LIST" --self a --inline
	assert_success
	run owned_nexthops
	assert_output "0"
	tctl -n "$NS" diff "$LIST" --self a --inline
	assert_success
}

@test "--inline on a large list warns about the quadratic cost" {
	"$REPO/examples/gen-mesh.sh" 2500 -d v0 --unmanaged >"$BATS_TEST_TMPDIR/big.json"
	tctl -n "$NS" diff "$BATS_TEST_TMPDIR/big.json" --self p0 --inline
	assert_line --partial "warning: 2499 routes with inline encap"
	tctl -n "$NS" diff "$BATS_TEST_TMPDIR/big.json" --self p0
	refute_line --partial "warning"
}
