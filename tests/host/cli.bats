#!/usr/bin/env bats
# The command line itself: help, version, exit codes, output modes and the
# bash completion (driven through its function, with real kernel lookups).

load ../lib/common

teardown() {
	teardown_namespaces
}

@test "help lists every command of every object, generated from the grammar" {
	tctl help
	assert_success
	for cmd in "dev add" "dev del" "dev set" "dev show" "route add" "route replace" \
		"route del" "route show" "route flush"; do
		assert_line --partial "tunnelctl $cmd"
	done
	assert_line --partial "Exit status: 0 success, 1 failure, 2 usage error"
	tctl --help
	assert_success
	tctl help route add
	assert_success
	assert_line --partial "id ID            tunnel id (the GRE key)"
	tctl route help
	assert_success
	assert_line --partial "tunnelctl route flush [dev NAME] [table TABLE]"
	tctl help nosuch
	assert_failure 2
}

@test "--version" {
	tctl --version
	assert_success
	assert_output --regexp '^tunnelctl [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no arguments: usage on stderr, exit 2" {
	tctl
	assert_failure 2
	assert_output --partial "Usage: tunnelctl"
}

@test "an object alone means show" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tctl -n "$NS" route
	assert_success
	assert_line --partial "10.1.0.0/16"
	tctl -n "$NS" dev
	assert_success
	assert_output ""
}

@test "JSON: one line by default, indented with -p, empty lists are []" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tc_json -n "$NS" -j route show
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run jq -e 'type == "array" and length == 1' <<<"$output"
	assert_success
	tc_json -n "$NS" -j -p route show
	[ "${#lines[@]}" -gt 10 ]
	run jq -e '.[0].encap.id == 1' <<<"$output"
	assert_success
	tc_json -n "$NS" -j dev show
	assert_output "[]"
}

@test "JSON schema of route show: every key with its type" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" route add 2001:db8::/64 encap ip6 dst 2001:db8::1 dev v0
	tc_json -n "$NS" -j route show
	run jq -e '
	  all(.[]; (keys == ["dev","dst","encap","metric","owned","protocol","scope","table"])
	    and (.dst | type == "string" and test("/[0-9]+$"))
	    and (.dev | type == "string") and (.table | type == "string")
	    and (.metric | type == "number") and (.protocol | type == "string")
	    and (.scope | type == "string") and (.owned | type == "boolean")
	    and (.encap | (.encap_type | IN("ip","ip6")) and (.id | type == "number")
	         and (.src | type == "string") and (.dst | type == "string")
	         and (.key | type == "boolean") and (.csum | type == "boolean")
	         and (.seq | type == "boolean")
	         and (if .encap_type == "ip" then (.ttl|type=="number") and (.tos|type=="number")
	              else (.hoplimit|type=="number") and (.tc|type=="number") end)))' <<<"$output"
	assert_success
}

@test "writes print nothing on success" {
	ns_with_veth NS
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	assert_success
	assert_output ""
	tctl -n "$NS" route del 10.1.0.0/16
	assert_success
	assert_output ""
}

@test "bash completion: objects, commands, keywords" {
	complete_words ""
	assert_line "dev"
	assert_line "route"
	assert_line "help"
	complete_words ro
	assert_output "route"
	complete_words route ""
	assert_line "add"
	assert_line "flush"
	complete_words route add 10.0.0.0/8 k
	assert_output "key"
	complete_words route add 10.0.0.0/8 key dst 192.0.2.1 ""
	refute_line "key"
	refute_line "nokey"
	assert_line "dev"
	complete_words route add 10.0.0.0/8 encap ""
	assert_line "ip"
	assert_line "ip6"
	complete_words dev add g0 mode ""
	assert_line "ipip"
	assert_line "ip6tnl"
	complete_words -
	assert_line "--json"
	assert_line "--netns"
}

@test "bash completion: device names and prefixes come from the -n namespace" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	complete_words -n "$NS" route add 10.0.0.0/8 dst 192.0.2.1 dev ""
	assert_line "v0"
	assert_line "v1"
	assert_line "lo"
	complete_words -n "$NS" route add 10.0.0.0/8 dst 192.0.2.1 dev v
	refute_line "lo"
	complete_words -n "$NS" route del ""
	assert_output "10.1.0.0/16"
	complete_words -n ""
	assert_line "$NS"
}

@test "bash completion: nexthop, apply, diff and validate" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" nexthop add 77 id 1 dst 192.0.2.1 dev v0
	complete_words ""
	assert_line "nexthop"
	assert_line "apply"
	assert_line "diff"
	assert_line "validate"
	complete_words nexthop ""
	assert_line "add"
	assert_line "show"
	complete_words -n "$NS" nexthop del ""
	assert_output "77"
	complete_words -n "$NS" route add 10.0.0.0/8 nhid ""
	assert_output "77"
	complete_words apply "$REPO/examples/mesh-v"
	assert_output "$REPO/examples/mesh-veth.json"
	complete_words apply "$REPO/examples/mesh-veth.json" --
	assert_line "--self"
	assert_line "--dry-run"
	assert_line "--prune"
	assert_line "--inline"
	complete_words diff x.json --prune --
	refute_line "--prune"
	refute_line "--no-prune"
	assert_line "--self"
}

@test "__complete answers directly too" {
	tctl __complete route sh
	assert_output "show"
	tctl __complete help r
	assert_output "route"
}
