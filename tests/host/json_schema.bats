#!/usr/bin/env bats
# Every -j output against its description: tests/data/json-schema/ (one
# file per output, see its README) says which keys, of which types, are
# required or optional, and tunnelctl(8)'s JSON OUTPUT says the same in
# words; both are checked, so a change of the schema is a deliberate one.
# dev show with tunnel devices, peer show and stats need gre or the
# flowtun module: tests/vm/json_schema.bats.

load ../lib/common
load ../lib/ctrl
load ../lib/json_schema

setup() {
	LIST=$BATS_TEST_TMPDIR/mesh.json
	cp "$REPO/examples/mesh-veth.json" "$LIST"
}

teardown() {
	ctrld_stop KILL 2>/dev/null || true
	teardown_namespaces
}

# The outputs (schema names); fragments start with "_".
outputs() {
	local f
	for f in "$SCHEMA_DIR"/*.schema; do
		f=${f##*/}
		[[ $f == _* ]] || echo "${f%.schema}"
	done
}

@test "json schema: every output's subsection is in the man page, every subsection has a schema" {
	sections=$(man_json_sections)
	for name in $(outputs); do
		want=$(schema_man "$name")
		[[ -n $want ]] || { echo "$name.schema has no @man line"; return 1; }
		grep -qxF -- "$want" <<<"$sections" || { echo "$name: no subsection \"$want\" in JSON OUTPUT"; return 1; }
		while read -r s; do
			grep -qxF -- "$s" <<<"$sections" || { echo "$name: no subsection \"$s\""; return 1; }
		done < <(schema_sections "$name")
	done
	while read -r s; do
		grep -qxF -- "@man $s" "$SCHEMA_DIR"/[!_]*.schema ||
			{ echo "JSON OUTPUT's \"$s\" has no schema in tests/data/json-schema"; return 1; }
	done <<<"$sections"
}

@test "json schema: the man page names every key of each schema, and no key the schema lacks" {
	words=$(man_json_words)
	for name in $(outputs); do
		documented=$(schema_sections "$name" | while read -r s; do
			awk -F'\t' -v s="$s" '$1 == s { print $2 }' <<<"$words"; done | sort -u)
		for key in $(schema_keys "$name"); do
			grep -qxF -- "$key" <<<"$documented" ||
				{ echo "$name: key \"$key\" is not in tunnelctl(8) ($(schema_sections "$name" | paste -sd, -))"; return 1; }
		done
		keys=$(schema_keys "$name"; schema_mentions "$name")
		for word in $(awk -F'\t' -v s="$(schema_man "$name")" '$1 == s { print $2 }' <<<"$words"); do
			grep -qxF -- "$word" <<<"$keys" ||
				{ echo "$name: tunnelctl(8) names \"$word\", which $name.schema lacks"; return 1; }
		done
	done
}

@test "json schema: the check finds an undocumented key, a wrong type, a missing key" {
	good='[{"dst":"10.1.0.0/16","encap":{"encap_type":"ip","id":1,"src":"0.0.0.0","dst":"192.0.2.1","ttl":0,"tos":0,"key":true,"csum":false,"seq":false},"dev":"g","table":"main","metric":0,"protocol":"tunnelctl","scope":"link","owned":true}]'
	run assert_json_schema route-show "$good"
	assert_success
	run assert_json_schema route-show "$(jq -c '.[0].colour = "blue"' <<<"$good")"
	assert_failure
	assert_output --partial '.[0].colour: not in the schema (.[].colour, string)'
	run assert_json_schema route-show "$(jq -c '.[0].encap.id = "1"' <<<"$good")"
	assert_failure
	assert_output --partial '.[0].encap.id: string, but the schema says number'
	run assert_json_schema route-show "$(jq -c 'del(.[0].owned)' <<<"$good")"
	assert_failure
	assert_output --partial '.[0]: lacks "owned"'
	run assert_json_schema route-show '{}'
	assert_failure
}

@test "json schema: route show, nexthop show, dev show" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 ttl 10 dev v0
	"$TUNNELCTL" -n "$NS" route add 2001:db8:1::/64 id 2 dst 2001:db8::9 dev v0
	"$TUNNELCTL" -n "$NS" nexthop add 77 id 3 dst 192.0.2.3 dev v0
	"$TUNNELCTL" -n "$NS" route add 10.3.0.0/16 nhid 77
	ip -n "$NS" route add 10.9.0.0/16 encap ip id 9 dst 192.0.2.9 dev v0 proto static
	tc_json -n "$NS" -j route show all
	assert_success
	[ "$(jq length <<<"$output")" -eq 4 ]
	assert_json_schema route-show
	# An IPv6 underlay has hoplimit and tc where IPv4 has ttl and tos.
	jq -e '[.[] | select(.encap.encap_type == "ip6" and (.encap | has("hoplimit") and has("tc")))] | length == 1' <<<"$output"
	tc_json -n "$NS" -j route show
	assert_json_schema route-show
	tc_json -n "$NS" -j nexthop show
	assert_success
	[ "$(jq length <<<"$output")" -eq 1 ]
	assert_json_schema nexthop-show
	# No tunnel devices on this kernel: an empty list, which fits too.
	tc_json -n "$NS" -j dev show
	assert_success
	assert_output "[]"
	assert_json_schema dev-show
}

@test "json schema: route flush: deleted and kept" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	ip -n "$NS" route add 10.9.0.0/16 encap ip id 9 dst 192.0.2.9 dev v0 proto static
	tc_json -n "$NS" -j route flush dev v0
	assert_success
	jq -e '(.deleted | length) == 1 and (.kept | length) == 1' <<<"$output"
	assert_json_schema route-flush
}

@test "json schema: validate, valid and not" {
	tc_json -j validate "$LIST"
	assert_success
	assert_json_schema validate
	jq -e '.valid and has("digest")' <<<"$output"
	for bad in "$REPO"/tests/data/peers-invalid/*.json; do
		tc_json -j validate "$bad"
		assert_failure 2
		assert_json_schema validate
		jq -e '(.valid | not) and (.errors | length) > 0' <<<"$output"
	done
}

@test "json schema: diff with every kind of change, and conflicts" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" apply "$LIST" --self a
	# A replace (ttl), a delete (an owned route the list does not name),
	# a conflict (another protocol's route on a peer's prefix), an add.
	nh=$("$TUNNELCTL" -n "$NS" -j nexthop show | jq '.[] | select(.encap.id == 103) | .id')
	ip -n "$NS" nexthop replace id "$nh" encap ip id 103 dst 192.168.50.3 ttl 5 dev v0 proto 157
	ip -n "$NS" route add 10.10.8.0/24 dev v0 proto 157
	ip -n "$NS" route del 10.10.2.0/24
	ip -n "$NS" route add 10.10.2.0/24 encap ip id 1 dst 192.0.2.1 dev v0 proto static
	ip -n "$NS" route del fd10:2::/64
	tc_json -n "$NS" -j diff "$LIST" --self a
	assert_failure 1
	assert_json_schema diff
	jq -e '[.nexthops[].action, .routes[].action] | index("replace") and index("delete") and index("add")' <<<"$output"
	jq -e '(.conflicts | length) == 1' <<<"$output"
	tc_json -n "$NS" -j apply "$LIST" --self a --dry-run
	assert_json_schema diff
}

@test "json schema: apply, with changes, with failures, and with none" {
	ns_with_veth NS
	tc_json -n "$NS" -j apply "$LIST" --self a
	assert_success
	assert_json_schema apply
	jq -e '.done == 5' <<<"$output"
	tc_json -n "$NS" -j apply "$LIST" --self a
	assert_success
	assert_json_schema apply
	jq -e '.done == 0' <<<"$output"
	# A device without carrier: the kernel refuses the nexthops.
	new_ns NS2
	ip -n "$NS2" link add v0 type veth peer name v1
	ip -n "$NS2" link set v0 up
	tc_json -n "$NS2" -j apply "$LIST" --self a
	assert_failure 1
	assert_json_schema apply
	jq -e '(.failed | length) > 0' <<<"$output"
}

@test "json schema: ctrl status, reload (unchanged, applied, rejected) and plan" {
	ns_with_veth NS
	ctrld_start "$NS" --peers "$LIST" --self a
	tc_json -j ctrl status socket "$CTRLD_SOCK"
	assert_success
	assert_json_schema ctrl-status
	tc_json -j ctrl plan socket "$CTRLD_SOCK"
	assert_success
	assert_json_schema ctrl-plan
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_json_schema ctrl-reload
	jq -e '.result == "unchanged"' <<<"$output"
	# The controller watches the list too: it may have read the edit first.
	jq '.defaults.ttl = 9' "$LIST" >"$LIST.new" && mv "$LIST.new" "$LIST"
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_json_schema ctrl-reload
	jq -e '.result == "applied" or .result == "unchanged"' <<<"$output"
	echo '{' >"$LIST"
	tc_json -j ctrl reload socket "$CTRLD_SOCK"
	assert_json_schema ctrl-reload
	jq -e '.result == "rejected" and (.problems | length) > 0' <<<"$output"
	# The status now has the list's problems.
	tc_json -j ctrl status socket "$CTRLD_SOCK"
	assert_json_schema ctrl-status
	jq -e '.peers_error.problems | length > 0' <<<"$output"
	ctrld_stop
}

@test "json schema: peer show and stats without the flowtun module print no JSON, an error and exit 1" {
	[[ ! -d /sys/module/flowtun ]] || skip "flowtun is loaded here: tests/vm/json_schema.bats covers it"
	ns_with_veth NS
	for cmd in "peer show" "stats"; do
		# shellcheck disable=SC2086
		tc_json -n "$NS" -j $cmd
		assert_failure 1
		assert_output ""
		[[ $stderr == *"the flowtun module is not loaded"* ]]
	done
}
