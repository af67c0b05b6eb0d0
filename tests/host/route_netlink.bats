#!/usr/bin/env bats
# Encap routes over real netlink on the running kernel, in namespaces made
# here, through a veth device (this kernel has no gre/ipip; the VM tier runs
# the same operations on gre and ipip devices).

load ../lib/common

setup() {
	ns_with_veth NS
}

teardown() {
	teardown_namespaces
}

# ip's view of one route (iproute2 6.1 prints the encap flat; the prefix
# filter on ip's side avoids its duplicate "dst" key).
ip_route() {
	ip -n "$NS" "$@" -d -j route show table all
}

@test "route add: ip reads back exactly the id, dst, src, ttl, tos, flags, table, metric, protocol" {
	tctl -n "$NS" route add 10.1.3.0/24 id 101 dst 192.168.1.130 src 10.0.0.1 ttl 10 \
		tos 0x10 key csum seq dev v0 table 100 metric 5
	assert_success
	assert_output ""
	run ip -n "$NS" -d -j route show 10.1.3.0/24 table all
	run jq -c '.[] | [.encap, .id, .src, .dst, .ttl, .tos, .key, .csum, .seq, .table, .metric, .protocol, .dev]' <<<"$output"
	assert_output '["ip",101,"10.0.0.1","192.168.1.130",10,16,true,true,true,"100",5,"157","v0"]'
}

@test "route add: IPv6 overlay over an IPv4 underlay, and an IPv6 underlay (hoplimit, tc)" {
	tctl -n "$NS" route add 2001:db8:1::/64 id 7 dst 192.0.2.7 ttl 3 dev v0
	assert_success
	run ip -n "$NS" -6 -d -j route show 2001:db8:1::/64
	run jq -c '.[] | [.encap, .id, .dst, .ttl, .metric, .protocol]' <<<"$output"
	assert_output '["ip",7,"192.0.2.7",3,1024,"157"]'
	tctl -n "$NS" route add 2001:db8:2::/64 encap ip6 id 8 dst 2001:db8::9 src 2001:db8::8 ttl 7 tos 4 dev v0
	assert_success
	run ip -n "$NS" -6 -d -j route show 2001:db8:2::/64
	run jq -c '.[] | [.encap, .id, .src, .dst, .hoplimit, .tc]' <<<"$output"
	assert_output '["ip6",8,"2001:db8::8","2001:db8::9",7,4]'
	tctl -n "$NS" route add 10.2.0.0/16 dst 2001:db8::10 dev v0
	assert_success
	run ip -n "$NS" -d -j route show 10.2.0.0/16
	run jq -r '.[0].encap' <<<"$output"
	assert_output "ip6"
}

@test "route show: routes made by ip are read field for field" {
	ip -n "$NS" route add 10.5.0.0/16 encap ip id 55 dst 198.51.100.5 src 10.0.0.2 ttl 20 tos 8 key csum dev v0 table 200 metric 9 proto static
	ip -n "$NS" -6 route add 2001:db8:5::/48 encap ip6 id 56 dst 2001:db8::5 hoplimit 4 tc 0x0c dev v0
	tc_json -n "$NS" -j route show all
	assert_success
	run jq -c '.[] | select(.dst == "10.5.0.0/16") | [.encap.encap_type, .encap.id, .encap.src, .encap.dst, .encap.ttl, .encap.tos, .encap.key, .encap.csum, .encap.seq, .dev, .table, .metric, .protocol, .owned]' <<<"$output"
	assert_output '["ip",55,"10.0.0.2","198.51.100.5",20,8,true,true,false,"v0","200",9,"static",false]'
	tc_json -n "$NS" -j route show
	run jq -c '.[] | select(.dst == "2001:db8:5::/48") | [.encap.encap_type, .encap.id, .encap.dst, .encap.hoplimit, .encap.tc, .metric, .protocol, .owned]' <<<"$output"
	assert_output '["ip6",56,"2001:db8::5",4,12,1024,"boot",false]'
}

@test "route show: text table with an OWNED column; filters by dev, id and table" {
	ip -n "$NS" link add v2 type veth peer name v3
	ip -n "$NS" link set v2 up
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tctl -n "$NS" route add 10.2.0.0/16 id 2 dst 192.0.2.2 dev v2
	tctl -n "$NS" route add 10.3.0.0/16 id 2 dst 192.0.2.3 dev v0 table 7
	ip -n "$NS" route add 10.4.0.0/16 encap ip id 4 dst 192.0.2.4 dev v0
	ip -n "$NS" route add 10.6.0.0/16 dev v0
	tctl -n "$NS" route show
	assert_success
	assert_line --index 0 --regexp '^PREFIX +DEV +ID +DST +SRC +TTL +TOS +FLAGS +TABLE +METRIC +NHID +PROTO +OWNED$'
	assert_line --regexp '^10\.1\.0\.0/16 +v0 +1 +192\.0\.2\.1 +- +inherit +0 +- +main +0 +- +tunnelctl +yes$'
	assert_line --regexp '^10\.4\.0\.0/16 +v0 +4 +192\.0\.2\.4 .* - +boot +no$'
	refute_line --partial "10.6.0.0/16"
	refute_line --partial "10.3.0.0/16"
	tc_json -n "$NS" -j route show dev v2
	run jq -r '[.[].dst] | join(",")' <<<"$output"
	assert_output "10.2.0.0/16"
	tc_json -n "$NS" -j route show id 2 all
	run jq -r '[.[].dst] | join(",")' <<<"$output"
	assert_output "10.3.0.0/16,10.2.0.0/16"
	tc_json -n "$NS" -j route show table 7
	run jq -r '[.[].dst] | join(",")' <<<"$output"
	assert_output "10.3.0.0/16"
}

@test "route replace: changes tunnelctl's own route in place" {
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tctl -n "$NS" route replace 10.1.0.0/16 id 9 dst 192.0.2.9 ttl 5 dev v0
	assert_success
	run ip -n "$NS" -d -j route show 10.1.0.0/16
	run jq -c '[.[] | [.id, .dst, .ttl]]' <<<"$output"
	assert_output '[[9,"192.0.2.9",5]]'
	tctl -n "$NS" route replace 10.7.0.0/16 id 3 dst 192.0.2.3 dev v0
	assert_success
	run ip -n "$NS" -d -j route show 10.7.0.0/16
	run jq -r '.[0].id' <<<"$output"
	assert_output "3"
}

@test "route add of an existing owned route says to use replace" {
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	expect_refused "$NS" 1 "already exists; use 'tunnelctl route replace'" -- \
		route add 10.1.0.0/16 id 2 dst 192.0.2.2 dev v0
}

@test "a route of another protocol on the same prefix survives replace, del and flush" {
	ip -n "$NS" route add 10.9.0.0/24 encap ip id 5 dst 1.1.1.1 dev v0 proto static
	before=$(ip -n "$NS" -d route show 10.9.0.0/24)
	expect_refused "$NS" 1 "route 10.9.0.0/24 (table main, metric 0) exists and belongs to protocol static" -- \
		route replace 10.9.0.0/24 id 6 dst 2.2.2.2 dev v0
	expect_refused "$NS" 1 "route 10.9.0.0/24 (table main, metric 0) belongs to protocol static, not tunnelctl" -- \
		route del 10.9.0.0/24
	tctl -n "$NS" route flush
	assert_success
	assert_output --partial "left 10.9.0.0/24 (table main, metric 0): it belongs to protocol static"
	[ "$(ip -n "$NS" -d route show 10.9.0.0/24)" = "$before" ]
}

@test "route del: deletes the owned route only; ambiguity and absence are errors" {
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tctl -n "$NS" route add 10.1.0.0/16 id 2 dst 192.0.2.2 dev v0 metric 10
	ip -n "$NS" route add 10.1.0.0/16 dev v0 metric 20 proto static
	expect_refused "$NS" 2 "2 of tunnelctl's routes match in table main" -- route del 10.1.0.0/16
	tctl -n "$NS" route del 10.1.0.0/16 metric 10
	assert_success
	run ip -n "$NS" -j route show 10.1.0.0/16
	run jq -c '[.[] | .metric // 0] | sort' <<<"$output"
	assert_output '[0,20]'
	tctl -n "$NS" route del 10.1.0.0/16
	assert_success
	run ip -n "$NS" -j route show 10.1.0.0/16 proto static
	run jq 'length' <<<"$output"
	assert_output "1"
	expect_refused "$NS" 1 "no route 10.8.0.0/16 in table main" -- route del 10.8.0.0/16
}

@test "route flush: only owned routes, filtered by dev and table; JSON summary" {
	ip -n "$NS" link add v2 type veth peer name v3
	ip -n "$NS" link set v2 up
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	tctl -n "$NS" route add 10.2.0.0/16 id 2 dst 192.0.2.2 dev v2
	tctl -n "$NS" route add 10.3.0.0/16 id 3 dst 192.0.2.3 dev v0 table 7
	ip -n "$NS" route add 10.4.0.0/16 encap ip id 4 dst 192.0.2.4 dev v0
	tc_json -n "$NS" -j route flush dev v0
	assert_success
	run jq -c '[[.deleted[].dst], [.kept[].dst], (.failed | length)]' <<<"$output"
	assert_output '[["10.1.0.0/16"],["10.4.0.0/16"],0]'
	run route_prefixes "$NS" 157
	assert_output "10.2.0.0/16,10.3.0.0/16"
	tctl -n "$NS" route flush table all
	assert_success
	run route_prefixes "$NS" 157
	assert_output ""
	run ip -n "$NS" -j route show 10.4.0.0/16
	run jq 'length' <<<"$output"
	assert_output "1"
}

@test "--proto: another protocol number marks (and limits) ownership" {
	tctl -n "$NS" --proto 200 route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	assert_success
	run ip -n "$NS" -j route show 10.1.0.0/16
	run jq -r '.[0].protocol' <<<"$output"
	assert_output "200"
	expect_refused "$NS" 1 "belongs to protocol 200, not tunnelctl" -- route del 10.1.0.0/16
	TUNNELCTL_PROTO=200 run "$TUNNELCTL" -n "$NS" route del 10.1.0.0/16
	assert_success
	tctl --proto 3 route show
	assert_failure 2
	assert_output --partial "must be a route protocol number from 5 to 255"
}

@test "-n: the namespace is used, and a missing one is named" {
	tctl -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	run ip -n "$NS" -j route show proto 157
	run jq length <<<"$output"
	assert_output "1"
	tctl -n nosuch-ns-here route show
	assert_failure 2
	assert_output --partial 'network namespace "nosuch-ns-here" not found'
}
