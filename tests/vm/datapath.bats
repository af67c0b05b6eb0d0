#!/usr/bin/env bats
# Packets across the overlay between namespaces configured by tunnelctl,
# through the in-tree external gre, ipip, ip6gre and ip6tnl devices, with
# the outer headers checked on the wire.

load ../lib/common
load ../lib/topo

teardown() {
	teardown_namespaces
}

@test "gre: ping across; the GRE key is the route's id, outer ttl and tos as asked" {
	two_hosts
	tunnel_pair gre gre01
	tctl -n "$A" route add 10.0.2.0/24 id 100 dst 192.168.1.2 ttl 10 tos 0x10 dev gre01
	assert_success
	tctl -n "$B" route add 10.0.1.0/24 id 200 dst 192.168.1.1 ttl 20 tos 0x28 dev gre01
	assert_success
	capture_start "$B" ub "ip proto 47"
	run ping_ok "$A" 10.0.2.1
	assert_success
	run capture_stop
	assert_line --regexp 'tos 0x10, ttl 10, .*proto GRE \(47\).*192\.168\.1\.1 > 192\.168\.1\.2: GREv0, Flags \[key present\], key=0x64'
	assert_line --regexp 'tos 0x28, ttl 20, .*proto GRE \(47\).*192\.168\.1\.2 > 192\.168\.1\.1: GREv0, Flags \[key present\], key=0xc8'
}

@test "gre: nokey sends GRE without a key" {
	two_hosts
	tunnel_pair gre gre01
	tctl -n "$A" route add 10.0.2.0/24 id 100 nokey dst 192.168.1.2 dev gre01
	tctl -n "$B" route add 10.0.1.0/24 dst 192.168.1.1 dev gre01
	capture_start "$B" ub "ip proto 47"
	run ping_ok "$A" 10.0.2.1
	assert_success
	run capture_stop
	assert_line --regexp '192\.168\.1\.1 > 192\.168\.1\.2: GREv0, Flags \[none\]'
	refute_output --partial "key="
}

@test "ipip: ping across an external ipip device" {
	two_hosts
	tunnel_pair ipip ipip01
	tctl -n "$A" route add 10.0.2.0/24 dst 192.168.1.2 ttl 33 dev ipip01
	assert_success
	tctl -n "$B" route add 10.0.1.0/24 dst 192.168.1.1 dev ipip01
	capture_start "$B" ub "ip proto 4"
	run ping_ok "$A" 10.0.2.1
	assert_success
	run capture_stop
	assert_line --regexp 'ttl 33, .*proto IPIP \(4\).*192\.168\.1\.1 > 192\.168\.1\.2: .*10\.0\.1\.1 > 10\.0\.2\.1: ICMP echo request'
}

@test "gre: an IPv6 overlay prefix over the IPv4 underlay" {
	two_hosts
	tctl -n "$A" dev add gre01 mode gre
	tctl -n "$B" dev add gre01 mode gre
	ip -n "$A" addr add fd01::1/128 dev gre01 nodad
	ip -n "$B" addr add fd02::1/128 dev gre01 nodad
	tctl -n "$A" route add fd02::/64 id 7 dst 192.168.1.2 dev gre01
	assert_success
	tctl -n "$B" route add fd01::/64 id 7 dst 192.168.1.1 dev gre01
	assert_success
	capture_start "$B" ub "ip proto 47"
	run ping_ok "$A" -6 fd02::1
	assert_success
	run capture_stop
	assert_line --regexp 'GREv0, Flags \[key present\], key=0x7, .*IP6 .*fd01::1 > fd02::1: .*ICMP6, echo request'
}

@test "ip6gre: an IPv6 underlay, hop limit and key as asked" {
	two_hosts
	tunnel_pair ip6gre g6
	tctl -n "$A" route add 10.0.2.0/24 id 9 dst fd00::2 ttl 17 dev g6
	assert_success
	tctl -n "$B" route add 10.0.1.0/24 encap ip6 id 9 dst fd00::1 dev g6
	capture_start "$B" ub "ip6 proto 47"
	run ping_ok "$A" 10.0.2.1
	assert_success
	run capture_stop
	assert_line --regexp 'hlim 17, .*fd00::1 > fd00::2: GREv0, Flags \[key present\], key=0x9'
}

@test "ip6tnl: IPv4 and IPv6 overlays over an IPv6 underlay" {
	two_hosts
	tunnel_pair ip6tnl t6
	ip -n "$A" addr add fd01::1/128 dev t6 nodad
	ip -n "$B" addr add fd02::1/128 dev t6 nodad
	tctl -n "$A" route add 10.0.2.0/24 dst fd00::2 dev t6
	tctl -n "$B" route add 10.0.1.0/24 dst fd00::1 dev t6
	tctl -n "$A" route add fd02::/64 dst fd00::2 dev t6
	tctl -n "$B" route add fd01::/64 dst fd00::1 dev t6
	run ping_ok "$A" 10.0.2.1
	assert_success
	run ping_ok "$A" -6 fd02::1
	assert_success
}
