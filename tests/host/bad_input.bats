#!/usr/bin/env bats
# Bad input: every case exits non-zero with a message naming the offending
# item, and the namespace's links, routes and nexthops are identical before
# and after (expect_refused compares them).  Cases that need gre/ipip
# devices are in tests/vm/bad_input_tunnels.bats.

load ../lib/common

setup() {
	ns_with_veth NS
	# State worth protecting: an owned route, a foreign one, a second table.
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 1 dst 192.0.2.1 dev v0
	"$TUNNELCTL" -n "$NS" route add 10.1.0.0/16 id 2 dst 192.0.2.2 dev v0 metric 10
	ip -n "$NS" route add 10.9.0.0/24 encap ip id 9 dst 192.0.2.9 dev v0 proto static
	"$TUNNELCTL" -n "$NS" route add 10.2.0.0/16 id 3 dst 192.0.2.3 dev v0 table 42
}

teardown() {
	teardown_namespaces
}

bad() {
	expect_refused "$NS" "$@"
}

R="route add 10.5.0.0/16"

@test "01 malformed prefix" { bad 2 'prefix "10.5/16" is not a valid IP prefix' -- route add 10.5/16 dst 192.0.2.5 dev v0; }
@test "02 prefix with host bits" { bad 2 '"10.5.0.1/16" has host bits set (did you mean 10.5.0.0/16?)' -- route add 10.5.0.1/16 dst 192.0.2.5 dev v0; }
@test "03 prefix length too long" { bad 2 '"10.5.0.0/33": prefix length must be 0 to 32' -- route add 10.5.0.0/33 dst 192.0.2.5 dev v0; }
@test "04 malformed dst" { bad 2 'dst "192.0.2.300" is not a valid IP address' -- $R dst 192.0.2.300 dev v0; }
@test "05 missing dst" { bad 2 'missing "dst ADDR"' -- $R id 5 dev v0; }
@test "06 id out of range" { bad 2 'id "18446744073709551616" is out of range' -- $R id 18446744073709551616 dst 192.0.2.5 dev v0; }
@test "07 id not a number" { bad 2 'id "five" is not a number' -- $R id five dst 192.0.2.5 dev v0; }
@test "08 ttl 256" { bad 2 'ttl "256" is out of range (0-255)' -- $R dst 192.0.2.5 ttl 256 dev v0; }
@test "09 negative ttl" { bad 2 'ttl "-1" is not a number' -- $R dst 192.0.2.5 ttl -1 dev v0; }
@test "10 tos 256" { bad 2 'tos "256" is out of range (0-255)' -- $R dst 192.0.2.5 tos 256 dev v0; }
@test "11 unknown keyword" { bad 2 'unknown keyword "dts" (did you mean "dst"?)' -- $R dts 192.0.2.5 dev v0; }
@test "12 repeated keyword" { bad 2 'keyword "id" given twice' -- $R id 5 id 6 dst 192.0.2.5 dev v0; }
@test "13 key with nokey" { bad 2 '"key" and "nokey" cannot be used together' -- $R id 5 key nokey dst 192.0.2.5 dev v0; }
@test "14 missing dev" { bad 2 'missing "dev NAME"' -- $R dst 192.0.2.5; }
@test "15 dev without a value" { bad 2 '"dev" needs a value (NAME)' -- $R dst 192.0.2.5 dev; }
@test "16 unknown encap type" { bad 2 'encap "mpls" is not valid; expected one of: ip, ip6' -- $R encap mpls dst 192.0.2.5 dev v0; }
@test "17 encap ip6 with an IPv4 dst" { bad 2 'dst "192.0.2.5" is not an IPv6 address' -- $R encap ip6 dst 192.0.2.5 dev v0; }
@test "18 src of the other family" { bad 2 'src "2001:db8::1" is not an IPv4 address' -- $R dst 192.0.2.5 src 2001:db8::1 dev v0; }
@test "19 metric out of range" { bad 2 'metric "4294967296" is out of range' -- $R dst 192.0.2.5 dev v0 metric 4294967296; }
@test "20 unknown table name" { bad 2 'table "nosuchtable" is neither a number nor a name' -- $R dst 192.0.2.5 dev v0 table nosuchtable; }
@test "21 table 0" { bad 2 'table "0": table 0 is not a routing table' -- $R dst 192.0.2.5 dev v0 table 0; }
@test "22 device name too long" { bad 2 'dev "averyveryverylongname" must be 1 to 15 characters' -- $R dst 192.0.2.5 dev averyveryverylongname; }
@test "23 empty prefix" { bad 2 'empty PREFIX' -- route add "" dst 192.0.2.5 dev v0; }
@test "24 a second prefix" { bad 2 'unknown keyword "10.6.0.0/16"' -- $R 10.6.0.0/16 dst 192.0.2.5 dev v0; }
@test "25 nonexistent device" { bad 1 'device "nosuch" does not exist' -- $R dst 192.0.2.5 dev nosuch; }
@test "26 add over an owned route" { bad 1 "route 10.1.0.0/16 (table main, metric 0) already exists; use 'tunnelctl route replace'" -- route add 10.1.0.0/16 dst 192.0.2.5 dev v0; }
@test "27 replace a route of another protocol" { bad 1 'route 10.9.0.0/24 (table main, metric 0) exists and belongs to protocol static' -- route replace 10.9.0.0/24 dst 192.0.2.5 dev v0; }
@test "28 add over a route of another protocol" { bad 1 'belongs to protocol static, not tunnelctl' -- route add 10.9.0.0/24 dst 192.0.2.5 dev v0; }
@test "29 delete a route of another protocol" { bad 1 'route 10.9.0.0/24 (table main, metric 0) belongs to protocol static, not tunnelctl' -- route del 10.9.0.0/24; }
@test "30 delete a route that does not exist" { bad 1 'no route 10.8.0.0/16 in table main' -- route del 10.8.0.0/16; }
@test "31 delete an ambiguous route" { bad 2 "route 10.1.0.0/16: 2 of tunnelctl's routes match in table main" -- route del 10.1.0.0/16; }
@test "32 delete through a nonexistent device" { bad 1 'device "nosuch" does not exist' -- route del 10.1.0.0/16 dev nosuch; }
@test "33 the kernel refuses: IPv6 disabled on the device" {
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.v0.disable_ipv6=1
	bad 1 'route 2001:db8::/64 (table main, metric 1024): IPv6 is disabled on nexthop device (Permission denied)' -- route add 2001:db8::/64 dst 192.0.2.5 dev v0
}
@test "34 dev add without mode" { bad 2 'missing "mode MODE"' -- dev add gre01; }
@test "35 dev add with an unknown mode" { bad 2 'mode "gretap" is not valid; expected one of: gre, ipip, ip6gre, ip6tnl' -- dev add gre01 mode gretap; }
@test "36 dev add over an existing name" { bad 1 'device v0 already exists (veth device)' -- dev add v0 mode gre; }
@test "37 dev add with a tiny MTU" { bad 2 'mtu "10" is below the minimum of 68' -- dev add gre01 mode gre mtu 10; }
@test "38 dev add with a nonexistent link" { bad 1 'link device "nosuch" does not exist' -- dev add gre01 mode gre link nosuch; }
@test "39 dev add gre where the kernel has no gre" {
	if ip -n "$NS" link add probe0 type gre external 2>/dev/null; then
		skip "this kernel has gre: the VM tier covers the module message"
	fi
	bad 1 'the kernel has no gre support: module ip_gre is not loaded' -- dev add gre01 mode gre
}
@test "40 dev add ipip where the kernel has no ipip" {
	if ip -n "$NS" link add probe0 type ipip external 2>/dev/null; then
		skip "this kernel has ipip: the VM tier covers the module message"
	fi
	bad 1 'module ipip is not loaded' -- dev add ipip01 mode ipip
}
@test "41 dev del of a non-tunnel device" { bad 1 'device v0 is a veth device, not a tunnel device' -- dev del v0; }
@test "42 dev del of a nonexistent device" { bad 1 'device "nosuch" does not exist' -- dev del nosuch; }
@test "43 dev set of a non-tunnel device" { bad 1 'device v1 is a veth device, not a tunnel device' -- dev set v1 mtu 1400; }
@test "44 dev set up and down" { bad 2 '"up" and "down" cannot be used together' -- dev set v0 up down; }
@test "45 dev set with nothing to change" { bad 2 'nothing to change for v0' -- dev set v0; }
@test "46 dev name with a slash" { bad 2 "device name \"a/b\" may not contain '/'" -- dev add a/b mode gre; }
@test "47 unknown object" { bad 2 'unknown object "rout" (did you mean "route"?)' -- rout show; }
@test "48 unknown command" { bad 2 'unknown route command "remove"' -- route remove 10.1.0.0/16; }
@test "49 route show with a bad id" { bad 2 'id "x" is not a number' -- route show id x; }
@test "50 route flush of an unknown table" { bad 2 'table "nosuch" is neither a number nor a name' -- route flush table nosuch; }
@test "51 route del with a malformed prefix" { bad 2 'prefix "10.1.0.0/40": prefix length must be 0 to 32' -- route del 10.1.0.0/40; }
@test "52 --proto out of range" { bad 2 '--proto "300": must be a route protocol number from 5 to 255' -- --proto 300 route flush; }
@test "53 unknown global option" { bad 2 'Usage: tunnelctl' -- --frobnicate route show; }
@test "55 IPv6 metric 0 is 1024: replace cannot take over another protocol's route" {
	ip -n "$NS" -6 route add 2001:db8:5::/64 encap ip6 dst 2001:db8::5 dev v0 proto static
	bad 1 "route 2001:db8:5::/64 (table main, metric 1024) exists and belongs to protocol static" -- route replace 2001:db8:5::/64 dst 2001:db8::9 dev v0 metric 0
}
@test "54 no CAP_NET_ADMIN" {
	# A fresh namespace of its own, so even a failed privilege drop writes nowhere real.
	run unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$TUNNELCTL" route add 10.5.0.0/16 dst 192.0.2.5 dev lo
	refute_sanitizer_report
	assert_failure 1
	assert_output --partial "Operation not permitted (CAP_NET_ADMIN is needed)"
}
