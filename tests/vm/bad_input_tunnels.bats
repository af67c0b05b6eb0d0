#!/usr/bin/env bats
# Bad input that needs real gre/ipip devices; like tests/host/bad_input.bats,
# each case fails with the item named and changes nothing in the kernel.

load ../lib/common

setup() {
	new_ns NS
	"$TUNNELCTL" -n "$NS" dev add gre01 mode gre
	"$TUNNELCTL" -n "$NS" dev add ipip01 mode ipip
	"$TUNNELCTL" -n "$NS" dev add g6 mode ip6gre
	"$TUNNELCTL" -n "$NS" dev add t6 mode ip6tnl
	ip -n "$NS" link add classic type gre remote 192.0.2.50 local 192.0.2.51
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev gre01
}

teardown() {
	teardown_namespaces
}

bad() {
	expect_refused "$NS" "$@"
}

@test "an id on ipip" { bad 2 "id 5: device ipip01 (ipip) cannot carry a tunnel id; IPIP has no key field" -- route add 10.5.0.0/16 id 5 dst 192.0.2.5 dev ipip01; }
@test "an id on ip6tnl" { bad 2 "device t6 (ip6tnl) cannot carry a tunnel id" -- route add 10.5.0.0/16 id 5 dst 2001:db8::5 dev t6; }
@test "csum on ipip" { bad 2 '"csum": device ipip01 (ipip) has no GRE header' -- route add 10.5.0.0/16 dst 192.0.2.5 csum dev ipip01; }
@test "an IPv6 prefix on ipip" { bad 2 "prefix 2001:db8:5::/64 is IPv6, but device ipip01 (ipip) carries only IPv4" -- route add 2001:db8:5::/64 dst 192.0.2.5 dev ipip01; }
@test "an IPv6 underlay on gre" { bad 2 "dst 2001:db8::5 is an IPv6 address, but device gre01 (gre) sends over IPv4" -- route add 10.5.0.0/16 id 5 dst 2001:db8::5 dev gre01; }
@test "an IPv4 underlay on ip6gre" { bad 2 "dst 192.0.2.5 is an IPv4 address, but device g6 (ip6gre) sends over IPv6" -- route add 10.5.0.0/16 id 5 dst 192.0.2.5 dev g6; }
@test "an id beyond the 32-bit GRE key" { bad 2 "id 4294967296 is out of range for device gre01 (gre): the GRE key is 32 bits" -- route add 10.5.0.0/16 id 4294967296 dst 192.0.2.5 dev gre01; }
@test "a classic (non-external) gre device" { bad 1 "device classic is a classic (point-to-point) gre device, not an external one" -- route add 10.5.0.0/16 id 5 dst 192.0.2.5 dev classic; }
@test "a second external gre device" { bad 1 "an external gre device already exists in this namespace: gre01" -- dev add gre02 mode gre; }
@test "a second external ipip device" { bad 1 "an external ipip device already exists in this namespace: ipip01" -- dev add ipip02 mode ipip; }
@test "dev add over an existing tunnel name" { bad 1 "device gre01 already exists (gre device)" -- dev add gre01 mode ipip; }
@test "dev set mtu the kernel refuses" { bad 1 "changing device gre01 (mtu 65535): Invalid argument" -- dev set gre01 mtu 65535; }
@test "tos inherit over an IPv6 underlay" { bad 2 "tos inherit: an IPv6 underlay (encap ip6) takes the traffic class as given" -- route add 10.5.0.0/16 id 5 dst 2001:db8::5 tos inherit dev g6; }
