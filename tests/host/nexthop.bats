#!/usr/bin/env bats
# Nexthop objects carrying an encap, and routes by nhid, on the running
# kernel through a veth.

load ../lib/common

setup() {
	ns_with_veth NS
}

teardown() {
	teardown_namespaces
}

@test "nexthop add: ip reads back the id, encap, device and protocol" {
	tctl -n "$NS" nexthop add 10 id 100 dst 192.0.2.1 src 198.51.100.1 ttl 9 tos 8 key csum dev v0
	assert_success
	assert_output ""
	run ip -n "$NS" -d nexthop show id 10
	assert_output --regexp '^id 10 +encap ip id 100 src 198\.51\.100\.1 dst 192\.0\.2\.1 ttl 9 tos 8 key csum dev v0 .*proto 157'
}

@test "family inet6 serves IPv6 and IPv4 routes; inet only IPv4" {
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" nexthop add 11 id 2 dst 192.0.2.2 dev v0 family inet6
	tctl -n "$NS" route add 10.1.0.0/16 nhid 10
	assert_success
	tctl -n "$NS" route add 10.2.0.0/16 nhid 11
	assert_success
	tctl -n "$NS" route add 2001:db8:2::/64 nhid 11
	assert_success
	expect_refused "$NS" 2 "prefix 2001:db8:1::/64 is IPv6, but nexthop 10 is an IPv4 nexthop" -- \
		route add 2001:db8:1::/64 nhid 10
	tc_json -n "$NS" -j route show all
	run jq -c '[.[] | [.dst, .nhid, .encap.id, .dev, .owned]]' <<<"$output"
	assert_output '[["10.1.0.0/16",10,1,"v0",true],["10.2.0.0/16",11,2,"v0",true],["2001:db8:2::/64",11,2,"v0",true]]'
}

@test "nexthop replace: its routes follow at once" {
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 nhid 10
	tctl -n "$NS" nexthop replace 10 id 7 dst 192.0.2.7 ttl 3 dev v0
	assert_success
	tc_json -n "$NS" -j route show
	run jq -c '.[0] | [.nhid, .encap.id, .encap.dst, .encap.ttl]' <<<"$output"
	assert_output '[10,7,"192.0.2.7",3]'
	expect_refused "$NS" 1 "nexthop 10 already exists; use 'tunnelctl nexthop replace'" -- \
		nexthop add 10 id 8 dst 192.0.2.8 dev v0
}

@test "nexthop show: text with ROUTES and OWNED, JSON with its keys" {
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 nhid 10
	"$TUNNELCTL" -n "$NS" route add 10.2.0.0/16 nhid 10
	ip -n "$NS" nexthop add id 20 encap ip id 2 dst 192.0.2.2 dev v0 proto static
	ip -n "$NS" nexthop add id 30 dev v0
	tctl -n "$NS" nexthop show
	assert_success
	assert_line --index 0 --regexp '^NHID +FAMILY +DEV +ID +DST +SRC +TTL +TOS +FLAGS +ROUTES +PROTO +OWNED$'
	assert_line --regexp '^10 +inet +v0 +1 +192\.0\.2\.1 +- +inherit +0 +- +2 +tunnelctl +yes$'
	assert_line --regexp '^20 +inet +v0 +2 +192\.0\.2\.2 .* 0 +static +no$'
	refute_line --regexp '^30 '
	tc_json -n "$NS" -j nexthop show
	run jq -e 'all(.[]; (keys == ["dev","encap","family","id","owned","protocol","routes"])
		and (.id|type=="number") and (.family|IN("inet","inet6"))
		and (.encap.encap_type|IN("ip","ip6")) and (.routes|type=="number")
		and (.owned|type=="boolean"))' <<<"$output"
	assert_success
	tc_json -n "$NS" -j nexthop show dev v0 id 2
	run jq -c '[.[].id]' <<<"$output"
	assert_output '[20]'
}

@test "nexthop del: only tunnelctl's, and only once no route uses it" {
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 nhid 10
	ip -n "$NS" route add 10.3.0.0/16 nhid 10 proto static
	ip -n "$NS" nexthop add id 20 encap ip id 2 dst 192.0.2.2 dev v0 proto static
	expect_refused "$NS" 1 "nexthop 10 is used by 2 routes, among them" -- nexthop del 10
	expect_refused "$NS" 1 "nexthop 20 belongs to protocol static, not tunnelctl" -- nexthop del 20
	expect_refused "$NS" 1 "nexthop 20 exists and belongs to protocol static" -- \
		nexthop replace 20 id 3 dst 192.0.2.3 dev v0
	expect_refused "$NS" 1 "no nexthop 99" -- nexthop del 99
	"$TUNNELCTL" -n "$NS" route del 10.1.0.0/16
	ip -n "$NS" route del 10.3.0.0/16 proto static
	tctl -n "$NS" nexthop del 10
	assert_success
	run ip -n "$NS" nexthop show id 10
	assert_failure
}

@test "bad nexthop input changes nothing" {
	"$TUNNELCTL" -n "$NS" nexthop add 10 id 1 dst 192.0.2.1 dev v0
	expect_refused "$NS" 2 'NHID "0": nexthop ids start at 1' -- nexthop add 0 dst 192.0.2.1 dev v0
	expect_refused "$NS" 2 'NHID "4294967296" is out of range' -- nexthop add 4294967296 dst 192.0.2.1 dev v0
	expect_refused "$NS" 2 'missing "dst ADDR"' -- nexthop add 11 dev v0
	expect_refused "$NS" 2 'family "inet7" is not valid' -- nexthop add 11 dst 192.0.2.1 dev v0 family inet7
	expect_refused "$NS" 1 'device "nosuch" does not exist' -- nexthop add 11 dst 192.0.2.1 dev nosuch
	expect_refused "$NS" 1 "nexthop 99 does not exist" -- route add 10.9.0.0/16 nhid 99
	expect_refused "$NS" 2 '"nhid" and "dst" cannot be used together' -- route add 10.9.0.0/16 nhid 10 dst 192.0.2.1
	expect_refused "$NS" 2 'nhid "0": nexthop ids start at 1' -- route add 10.9.0.0/16 nhid 0
}
