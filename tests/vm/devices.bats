#!/usr/bin/env bats
# External tunnel devices made by tunnelctl, as the kernel and ip see them.

load ../lib/common

setup() {
	new_ns NS
}

teardown() {
	teardown_namespaces
}

ip_link() {
	ip -n "$NS" -d -j link show "$1"
}

@test "dev add: each mode makes an external device that ip reads as such, up" {
	for mode in gre ipip ip6gre ip6tnl; do
		tctl -n "$NS" dev add "t-$mode" mode "$mode"
		assert_success
		assert_output ""
		run ip_link "t-$mode"
		run jq -c '.[0] | [.linkinfo.info_kind, .linkinfo.info_data.external, (.flags | index("UP") != null)]' <<<"$output"
		assert_output "[\"$mode\",true,true]"
	done
}

@test "dev add: mtu, link and down are applied" {
	ip -n "$NS" link add u0 type dummy
	tctl -n "$NS" dev add gre01 mode gre mtu 1400 link u0 down
	assert_success
	run ip_link gre01
	run jq -c '.[0] | [.mtu, .link, (.flags | index("UP") != null), .linkinfo.info_data.external]' <<<"$output"
	assert_output '[1400,"u0",false,true]'
}

@test "dev add: an MTU above the maximum is clamped by the kernel, and tunnelctl says so" {
	tctl -n "$NS" dev add big mode gre mtu 65535
	assert_success
	assert_output --regexp "dev add big: the kernel set mtu [0-9]+, not 65535 \(the most a gre device allows\)"
	run ip_link big
	run jq '.[0].mtu < 65535' <<<"$output"
	assert_output "true"
}

@test "dev show: text and JSON, external devices only unless named" {
	tctl -n "$NS" dev add gre01 mode gre mtu 1400
	tctl -n "$NS" dev add ipip01 mode ipip down
	tctl -n "$NS" dev show
	assert_success
	assert_line --index 0 --regexp '^NAME +MODE +STATE +MTU +LINK +EXTERNAL$'
	assert_line --regexp '^gre01 +gre +up +1400 +- +yes$'
	assert_line --regexp '^ipip01 +ipip +down +[0-9]+ +- +yes$'
	# The fallback devices the modules create (gre0, tunl0) are not external.
	refute_line --partial "gre0 "
	refute_line --partial "tunl0"
	tc_json -n "$NS" -j dev show
	run jq -c '[.[] | [.ifname, .linkinfo.info_kind, .linkinfo.info_data.external, .mtu]]' <<<"$output"
	assert_output '[["gre01","gre",true,1400],["ipip01","ipip",true,1480]]'
	tc_json -n "$NS" -j dev show gre0
	run jq -c '[.[] | [.ifname, .linkinfo.info_data.external]]' <<<"$output"
	assert_output '[["gre0",false]]'
}

@test "dev show -j: the documented keys and types" {
	tctl -n "$NS" dev add gre01 mode gre
	tc_json -n "$NS" -j dev show
	run jq -e 'all(.[]; (.ifindex|type=="number") and (.ifname|type=="string")
		and (.flags|type=="array") and (.mtu|type=="number")
		and (.operstate|type=="string")
		and (.linkinfo.info_kind|type=="string")
		and (.linkinfo.info_data.external|type=="boolean"))' <<<"$output"
	assert_success
}

@test "dev set: up, down and mtu" {
	tctl -n "$NS" dev add gre01 mode gre
	tctl -n "$NS" dev set gre01 down mtu 1300
	assert_success
	run ip_link gre01
	run jq -c '.[0] | [.mtu, (.flags | index("UP") != null)]' <<<"$output"
	assert_output '[1300,false]'
	tctl -n "$NS" dev set gre01 up
	run ip_link gre01
	run jq -c '.[0] | (.flags | index("UP") != null)' <<<"$output"
	assert_output 'true'
}

@test "dev del: the device and its routes are gone" {
	tctl -n "$NS" dev add gre01 mode gre
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev gre01
	tctl -n "$NS" dev del gre01
	assert_success
	run ip -n "$NS" link show gre01
	assert_failure
	run ip -n "$NS" route show proto 157
	assert_output ""
}

@test "a second external device of a type is refused, naming the first" {
	tctl -n "$NS" dev add gre01 mode gre
	for mode in ipip ip6gre ip6tnl; do
		tctl -n "$NS" dev add "first-$mode" mode "$mode"
	done
	expect_refused "$NS" 1 "an external gre device already exists in this namespace: gre01" -- dev add gre02 mode gre
	expect_refused "$NS" 1 "an external ipip device already exists in this namespace: first-ipip" -- dev add ipip02 mode ipip
	expect_refused "$NS" 1 "an external ip6gre device already exists in this namespace: first-ip6gre" -- dev add x mode ip6gre
	expect_refused "$NS" 1 "an external ip6tnl device already exists in this namespace: first-ip6tnl" -- dev add y mode ip6tnl
}

@test "routes through gre carry the key by default; ip reads every field" {
	tctl -n "$NS" dev add gre01 mode gre
	tctl -n "$NS" route add 10.1.2.0/24 id 100 dst 192.168.1.129 ttl 10 dev gre01
	assert_success
	tctl -n "$NS" route add 10.1.3.0/24 id 101 nokey dst 192.168.1.130 src 192.0.2.1 tos 8 csum seq dev gre01 table 10 metric 3
	assert_success
	run ip -n "$NS" -d -j route show 10.1.2.0/24
	run jq -c '.[0] | [.encap, .id, .dst, .ttl, .key, .protocol, .dev]' <<<"$output"
	assert_output '["ip",100,"192.168.1.129",10,true,"157","gre01"]'
	run ip -n "$NS" -d -j route show 10.1.3.0/24 table all
	run jq -c '.[0] | [.id, .src, .dst, .tos, .key, .csum, .seq, .table, .metric]' <<<"$output"
	assert_output '[101,"192.0.2.1","192.168.1.130",8,null,true,true,"10",3]'
}

@test "routes made by ip on a gre device are read back by tunnelctl" {
	tctl -n "$NS" dev add gre01 mode gre
	ip -n "$NS" route add 10.7.0.0/16 encap ip id 70 dst 198.51.100.7 ttl 7 key dev gre01
	tc_json -n "$NS" -j route show dev gre01
	run jq -c '.[0] | [.dst, .encap.id, .encap.dst, .encap.ttl, .encap.key, .owned, .protocol]' <<<"$output"
	assert_output '["10.7.0.0/16",70,"198.51.100.7",7,true,false,"boot"]'
}
