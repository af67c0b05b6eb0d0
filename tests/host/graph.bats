#!/usr/bin/env bats
# tunnelctl graph: the mesh of a peer list as DOT that Graphviz renders,
# with this node highlighted, its edges labelled with the id and device,
# and under --live coloured by what the kernel has (through a veth: this
# kernel has no gre).

load ../lib/common

setup() {
	LIST=$BATS_TEST_TMPDIR/mesh.json
	cp "$REPO/examples/mesh-veth.json" "$LIST"
}

teardown() {
	teardown_namespaces
}

# Graphviz accepts it, and draws as many nodes as the DOT declares.
assert_renders() {
	local svg
	svg=$(dot -Tsvg <<<"$1") || { echo "dot refused: $1"; return 1; }
	[[ $(grep -c 'class="node"' <<<"$svg") -eq $(grep -cE '^	[ps][0-9]+ \[' <<<"$1") ]]
}

# The DOT line of the edge FROM -> TO in the last graph (saved by draw).
edge() {
	grep -E "^	$1 -> $2 \[" <<<"$DOT"
}

# draw ARGS: tunnelctl ARGS, the DOT kept in $DOT for edge.
draw() {
	tc_json "$@"
	DOT=$output
}

@test "graph: one node per peer, this node highlighted, its edges labelled with id and device" {
	draw graph "$REPO/examples/mesh-gre.json" --self alpha
	assert_success
	assert_renders "$output"
	[ "$(grep -cE '^	p[0-9]+ \[' <<<"$output")" -eq 3 ]
	assert_line '	p0 [label="alpha\n192.168.50.1\nid 101\n10.10.1.0/24\nfd10:1::/64" style="rounded,filled,bold" fillcolor="#cfe2ff" penwidth=2];'
	[ "$(grep -c 'fillcolor' <<<"$output")" -eq 1 ]
	# This node's tunnels: the target's id, the device and mode, the ttl.
	run edge p0 p1
	assert_output --partial 'label="id 102\ngre01 gre ttl 64"'
	run edge p0 p2
	assert_output --partial 'label="id 103\ngre01 gre ttl 32"'
	# The other pair once, both ways, each end with the id arriving there.
	run edge p1 p2
	assert_output --partial 'headlabel="id 103" taillabel="id 102" dir=both label="gre01 gre"'
	run edge p2 p1
	assert_failure
	[ "$(grep -c -- ' -> ' <<<"$DOT")" -eq 3 ]
}

@test "graph: a peer without prefixes receives nothing: no edge into it" {
	jq '.peers[2].prefixes = []' "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
	draw graph "$LIST" --self a
	assert_success
	assert_renders "$output"
	run edge p0 p2
	assert_failure
	# b to c is one way now: into b only.
	run edge p2 p1
	assert_output --partial 'headlabel="id 102" label="v0"'
	refute_output --partial dir=both
}

@test "graph: this node found by its address, as apply finds it; none: a warning, no highlight" {
	ns_with_veth NS
	ip -n "$NS" addr add 192.168.50.2/24 dev v1
	draw -n "$NS" graph "$LIST"
	assert_success
	assert_line --partial '	p1 [label="b\n192.168.50.2'
	assert_line --regexp '^	p1 \[.*fillcolor'
	ip -n "$NS" addr del 192.168.50.2/24 dev v1
	tc_json -n "$NS" graph "$LIST"
	assert_success
	[ "$(grep -c fillcolor <<<"$output")" -eq 0 ]
	[ "$(grep -c -- ' -> ' <<<"$output")" -eq 3 ]
	[[ $stderr == *"no peer's underlay is an address of this node"*"no node highlighted"* ]]
	assert_renders "$output"
}

@test "graph: bad arguments are usage errors" {
	tctl graph "$LIST" --self nobody
	assert_failure 2
	assert_output --partial 'no peer of that name'
	tctl -j graph "$LIST" --self a
	assert_failure 2
	assert_output --partial '-j does not apply'
	tctl graph "$REPO/tests/data/peers-invalid/$(ls "$REPO/tests/data/peers-invalid" | head -1)"
	assert_failure 2
	tctl graph "$BATS_TEST_TMPDIR/none.json"
	assert_failure
}

@test "graph: above 16 peers only this node's edges, unless --full" {
	"$REPO/examples/gen-mesh.sh" 20 -d v0 --unmanaged >"$LIST"
	draw graph "$LIST" --self p3
	assert_success
	assert_renders "$output"
	[ "$(grep -c -- ' -> ' <<<"$output")" -eq 19 ]
	[ "$(grep -c -- '^	p3 -> ' <<<"$output")" -eq 19 ]
	assert_output --partial "over 16 peers: only this node's edges (--full draws all)"
	assert_output --partial 'layout=twopi;'
	draw graph "$LIST" --self p3 --full
	assert_success
	# 19 of this node's, and each pair of the 19 others once.
	[ "$(grep -c -- ' -> ' <<<"$output")" -eq $((19 + 19 * 18 / 2)) ]
	assert_renders "$output"
}

@test "graph --live: right, missing, wrong and stale edges in their colours" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	draw -n "$NS" graph "$LIST" --self a --live
	assert_success
	assert_renders "$output"
	assert_output --partial 'kernel: 2 right, 0 wrong, 0 missing, 0 stale'
	run edge p0 p1
	assert_output --partial 'color=black'
	# One route deleted, one nexthop changed behind tunnelctl's back, one
	# owned nexthop and route the list does not name.
	ip -n "$NS" route del 10.10.3.0/24
	nh=$("$TUNNELCTL" -n "$NS" -j nexthop show | jq '.[] | select(.encap.id == 102) | .id')
	ip -n "$NS" -6 nexthop replace id "$nh" encap ip id 202 dst 192.168.50.2 ttl 5 dev v0 proto 157
	ip -n "$NS" nexthop add id 77 encap ip id 9 dst 192.168.50.9 ttl 64 dev v0 proto 157
	ip -n "$NS" route add 10.10.9.0/24 nhid 77 proto 157
	draw -n "$NS" graph "$LIST" --self a --live
	assert_success
	assert_renders "$output"
	assert_output --partial 'kernel: 0 right, 1 wrong, 1 missing, 1 stale'
	run edge p0 p2
	assert_output --partial 'label="id 103\nv0 ttl 10\nmissing route 10.10.3.0/24"'
	assert_output --partial 'color=red fontcolor=red style=dashed'
	run edge p0 p1
	assert_output --partial 'id 202 -> 102, ttl 5 -> 64'
	assert_output --partial 'color=orange'
	run grep -F '	s0 [' <<<"$DOT"
	assert_output '	s0 [label="192.168.50.9\nnot in the list" style="rounded,dashed" color=gray fontcolor=gray40];'
	run edge p0 s0
	assert_output --partial 'label="id 9\nv0 ttl 64\nstale:\nnexthop 77\nroute 10.10.9.0/24"'
	assert_output --partial 'color=gray'
	# The graph reads; apply repairs; the graph is all right again.
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a --prune
	draw -n "$NS" graph "$LIST" --self a --live
	assert_output --partial 'kernel: 2 right, 0 wrong, 0 missing, 0 stale'
}

@test "graph --live needs to know this node, and changes nothing" {
	ns_with_veth NS
	run expect_refused "$NS" 2 "no peer's underlay" -- graph "$LIST" --live
	assert_success
	before=$(kernel_state "$NS")
	draw -n "$NS" graph "$LIST" --self a --live
	assert_success
	assert_output --partial 'kernel: 0 right, 0 wrong, 2 missing, 0 stale'
	[[ $before == "$(kernel_state "$NS")" ]]
}
