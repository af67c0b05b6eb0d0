#!/usr/bin/env bats
# Unit tests of the route checks and the encap encoder/decoder (no kernel):
# the device kinds the host kernel cannot create are stood in by libprobe's
# fake device list.

load ../lib/common

DEVS="gre01:gre,ipip01:ipip,ip6gre01:ip6gre,ip6tnl01:ip6tnl,v0:veth,old:gre:classic"

check() {
	probe check "$DEVS" -- "$@"
}

@test "gre: an id sends the key by default; nokey opts out; key without id is kept" {
	check 10.0.0.0/8 id 100 dst 192.0.2.1 dev gre01
	assert_success
	run jq -c '[.encap.id, .encap.key]' <<<"$output"
	assert_output '[100,true]'
	check 10.0.0.0/8 id 100 nokey dst 192.0.2.1 dev gre01
	run jq -c '[.encap.id, .encap.key]' <<<"$output"
	assert_output '[100,false]'
	check 10.0.0.0/8 dst 192.0.2.1 dev gre01
	run jq -c '.encap.key' <<<"$output"
	assert_output 'false'
	check 10.0.0.0/8 dst 192.0.2.1 key csum seq dev gre01
	run jq -c '[.encap.key, .encap.csum, .encap.seq]' <<<"$output"
	assert_output '[true,true,true]'
}

@test "ip6gre behaves as gre; ip6tnl as ipip" {
	check 10.0.0.0/8 id 7 dst 2001:db8::1 dev ip6gre01
	run jq -c '[.encap.encap_type, .encap.key]' <<<"$output"
	assert_output '["ip6",true]'
	check 10.0.0.0/8 id 7 dst 2001:db8::1 dev ip6tnl01
	assert_failure 2
	assert_output --partial "device ip6tnl01 (ip6tnl) cannot carry a tunnel id"
}

@test "gre: the id must fit the 32-bit GRE key" {
	check 10.0.0.0/8 id 4294967295 dst 192.0.2.1 dev gre01
	assert_success
	check 10.0.0.0/8 id 4294967296 dst 192.0.2.1 dev gre01
	assert_failure 2
	assert_output --partial "id 4294967296 is out of range for device gre01 (gre): the GRE key is 32 bits"
}

@test "ipip: an id is refused with the reason; id 0 is what it carries anyway" {
	check 10.0.0.0/8 id 5 dst 192.0.2.1 dev ipip01
	assert_failure 2
	assert_output --partial "id 5: device ipip01 (ipip) cannot carry a tunnel id; IPIP has no key field"
	check 10.0.0.0/8 id 0 dst 192.0.2.1 dev ipip01
	assert_success
	check 10.0.0.0/8 dst 192.0.2.1 csum dev ipip01
	assert_failure 2
	assert_output --partial '"csum": device ipip01 (ipip) has no GRE header'
	check 10.0.0.0/8 dst 192.0.2.1 key dev ipip01
	assert_output --partial '"key": device ipip01 (ipip) has no GRE header'
}

@test "families: underlay must match the device, overlay must be one it carries" {
	check 10.0.0.0/8 dst 2001:db8::1 dev gre01
	assert_failure 2
	assert_output --partial "dst 2001:db8::1 is an IPv6 address, but device gre01 (gre) sends over IPv4"
	check 10.0.0.0/8 dst 192.0.2.1 dev ip6gre01
	assert_output --partial "dst 192.0.2.1 is an IPv4 address, but device ip6gre01 (ip6gre) sends over IPv6"
	check 2001:db8:1::/64 dst 192.0.2.1 dev ipip01
	assert_output --partial "prefix 2001:db8:1::/64 is IPv6, but device ipip01 (ipip) carries only IPv4"
	check 2001:db8:1::/64 id 9 dst 192.0.2.1 dev gre01
	assert_success
	check 2001:db8:1::/64 dst 2001:db8::1 dev ip6tnl01
	assert_success
}

@test "devices: missing ones and classic (non-external) tunnels are refused" {
	check 10.0.0.0/8 dst 192.0.2.1 dev nosuch
	assert_failure 2
	assert_output --partial 'device "nosuch" does not exist'
	check 10.0.0.0/8 dst 192.0.2.1 dev old
	assert_output --partial "device old is a classic (point-to-point) gre device, not an external one"
}

@test "other device kinds (veth, vxlan) are left to the kernel: no defaults added" {
	check 10.0.0.0/8 id 100 dst 192.0.2.1 dev v0
	assert_success
	run jq -c '[.encap.id, .encap.key, .protocol]' <<<"$output"
	assert_output '[100,false,"tunnelctl"]'
}

@test "encap attributes round-trip through the encoder and the decoder" {
	probe roundtrip 10.0.0.0/8 id 18446744073709551615 dst 192.0.2.1 src 198.51.100.2 ttl 64 tos 0xb8 key csum seq dev g
	assert_success
	assert_output '{"encap_type":"ip","id":18446744073709551615,"src":"198.51.100.2","dst":"192.0.2.1","ttl":64,"tos":184,"key":true,"csum":true,"seq":true}'
	probe roundtrip 2001:db8::/64 id 1 dst 2001:db8::2 src 2001:db8::3 ttl 3 tos 4 dev g
	assert_output '{"encap_type":"ip6","id":1,"src":"2001:db8::3","dst":"2001:db8::2","hoplimit":3,"tc":4,"key":false,"csum":false,"seq":false}'
}
