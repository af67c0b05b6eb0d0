#!/usr/bin/env bats
# The zsh completion (completions/_tunnelctl) in a real zsh: loaded by
# compinit from $fpath, run with the words typed so far, its compadd
# candidates checked.  It asks `tunnelctl __complete`, as bash's does.

load ../lib/common

teardown() {
	teardown_namespaces
}

@test "zsh completion: objects, global options, verbs of route" {
	complete_zsh ""
	assert_line "dev"
	assert_line "route"
	assert_line "nexthop"
	assert_line "apply"
	assert_line "graph"
	assert_line "help"
	complete_zsh ro
	assert_output "route"
	complete_zsh -
	assert_line "--json"
	assert_line "--netns"
	complete_zsh route ""
	assert_line "add"
	assert_line "del"
	assert_line "replace"
	assert_line "show"
	assert_line "flush"
	refute_line "route"
	complete_zsh -j route s
	assert_output "show"
}

@test "zsh completion: keywords after route add PREFIX, and their values" {
	complete_zsh route add 10.0.0.0/8 ""
	assert_line "id"
	assert_line "dst"
	assert_line "ttl"
	assert_line "dev"
	assert_line "key"
	assert_line "nhid"
	complete_zsh route add 10.0.0.0/8 key dst 192.0.2.1 ""
	refute_line "key"
	refute_line "nokey"
	refute_line "dst"
	assert_line "dev"
	complete_zsh route add 10.0.0.0/8 encap ""
	assert_output "$(printf 'ip\nip6')"
	complete_zsh dev add g0 mode ""
	assert_line "gre"
	assert_line "ip6tnl"
}

@test "zsh completion: device names, routes and namespaces from the kernel" {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	complete_zsh -n "$NS" route add 10.0.0.0/8 dst 192.0.2.1 dev ""
	assert_line "v0"
	assert_line "v1"
	assert_line "lo"
	complete_zsh -n "$NS" route add 10.0.0.0/8 dst 192.0.2.1 dev v
	refute_line "lo"
	assert_line "v0"
	assert_line "v1"
	complete_zsh -n "$NS" route del ""
	assert_output "10.1.0.0/16"
	complete_zsh -n ""
	assert_line "$NS"
}

@test "zsh completion: file names go to _files, options of apply and graph follow" {
	complete_zsh apply ""
	assert_output "__files__"
	complete_zsh graph "$REPO/examples/mesh-gre.json" --
	assert_line "--self"
	assert_line "--live"
	assert_line "--full"
	complete_zsh diff x.json --prune --
	refute_line "--prune"
	refute_line "--no-prune"
	assert_line "--self"
}
