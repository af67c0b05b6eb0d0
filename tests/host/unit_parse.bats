#!/usr/bin/env bats
# Unit tests of lib/ parsers and the grammar, through libprobe (no kernel).

load ../lib/common

@test "prefixes: canonical forms are accepted and printed back" {
	probe prefix 10.1.2.0/24
	assert_success
	assert_output "10.1.2.0/24"
	probe prefix 2001:db8::/32
	assert_output "2001:db8::/32"
	probe prefix 192.0.2.7
	assert_output "192.0.2.7/32"
	probe prefix 0.0.0.0/0
	assert_output "0.0.0.0/0"
	probe prefix 2001:DB8:0:0::/64
	assert_output "2001:db8::/64"
}

@test "prefixes: host bits, bad lengths and garbage are refused with the item named" {
	probe prefix 10.1.2.3/24
	assert_failure 2
	assert_output --partial '"10.1.2.3/24" has host bits set (did you mean 10.1.2.0/24?)'
	probe prefix 10.0.0.0/33
	assert_failure 2
	assert_output --partial "prefix length must be 0 to 32"
	probe prefix 2001:db8::/129
	assert_output --partial "prefix length must be 0 to 128"
	probe prefix 10.0.0.0/
	assert_failure 2
	probe prefix 10.0.0.0/-1
	assert_failure 2
	probe prefix 10.0.0/8
	assert_output --partial '"10.0.0/8" is not a valid IP prefix'
	probe prefix /8
	assert_failure 2
	probe prefix "10.0.0.0/8 "
	assert_failure 2
}

@test "addresses: IPv4 and IPv6, nothing else" {
	probe addr 192.168.1.129
	assert_output "192.168.1.129"
	probe addr 2001:db8::1
	assert_output "2001:db8::1"
	probe addr 256.1.1.1
	assert_failure 2
	assert_output --partial '"256.1.1.1" is not a valid IP address'
	probe addr host.example
	assert_failure 2
}

@test "numbers: decimal and hex within range; no signs, blanks or octal" {
	probe number 255 255
	assert_output "255"
	probe number 0x10 255
	assert_output "16"
	probe number 18446744073709551615 18446744073709551615
	assert_output "18446744073709551615"
	probe number 256 255
	assert_failure 2
	assert_output --partial '"256" is out of range (0-255)'
	probe number -1 255
	assert_output --partial "is not a number"
	probe number " 5" 255
	assert_failure 2
	probe number 010 255
	assert_failure 2
	probe number 18446744073709551616 18446744073709551615
	assert_output --partial "out of range"
}

@test "route add: arguments become the model, with defaults filled" {
	probe parse route add 10.1.2.0/24 id 100 dst 192.168.1.129 ttl 10 dev gre01
	assert_success
	run jq -c '[.dst, .encap.id, .encap.dst, .encap.ttl, .dev, .table, .metric, .protocol]' <<<"$output"
	assert_output '["10.1.2.0/24",100,"192.168.1.129",10,"gre01","main",0,"tunnelctl"]'
}

@test "route add: ttl and tos inherit map to the kernel's 0 and 1" {
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 ttl inherit tos inherit dev g
	run jq -c '[.encap.ttl, .encap.tos]' <<<"$output"
	assert_output '[0,1]'
}

@test "route add: encap ip6 takes an IPv6 dst; encap is inferred from dst" {
	probe parse route add 10.0.0.0/8 encap ip6 dst 2001:db8::1 dev g
	run jq -r '.encap.encap_type' <<<"$output"
	assert_output "ip6"
	probe parse route add 10.0.0.0/8 dst 2001:db8::1 dev g
	run jq -r '.encap.encap_type' <<<"$output"
	assert_output "ip6"
	probe parse route add 10.0.0.0/8 encap ip6 dst 1.2.3.4 dev g
	assert_failure 2
	assert_output --partial 'dst "1.2.3.4" is not an IPv6 address'
}

@test "route add: src must be of the dst's family" {
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 src 2001:db8::1 dev g
	assert_failure 2
	assert_output --partial 'src "2001:db8::1" is not an IPv4 address'
}

@test "route add: IPv6 routes default to metric 1024, and 0 means 1024, as in the kernel" {
	probe parse route add 2001:db8::/64 dst 1.2.3.4 dev g
	run jq '.metric' <<<"$output"
	assert_output "1024"
	probe parse route add 2001:db8::/64 dst 1.2.3.4 dev g metric 0
	run jq '.metric' <<<"$output"
	assert_output "1024"
	probe parse route del 2001:db8::/64 metric 0
	run jq '.metric' <<<"$output"
	assert_output "1024"
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g metric 0
	run jq '.metric' <<<"$output"
	assert_output "0"
}

@test "route add: tos inherit exists only for an IPv4 underlay" {
	probe parse route add 10.0.0.0/8 dst 2001:db8::1 tos inherit dev g
	assert_failure 2
	assert_output --partial "tos inherit: an IPv6 underlay (encap ip6) takes the traffic class as given"
	probe parse route add 10.0.0.0/8 dst 2001:db8::1 ttl inherit tos 0 dev g
	assert_success
}

@test "route add: table names and numbers" {
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g table 100
	run jq -r '.table' <<<"$output"
	assert_output "100"
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g table local
	run jq -r '.table' <<<"$output"
	assert_output "local"
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g table nosuchtable
	assert_failure 2
	assert_output --partial 'table "nosuchtable" is neither a number nor a name'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g table 0
	assert_failure 2
}

@test "grammar: unknown, repeated, conflicting, missing and valueless words" {
	probe parse route add 10.0.0.0/8 dts 1.2.3.4 dev g
	assert_failure 2
	assert_output 'unknown keyword "dts" (did you mean "dst"?)'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dst 1.2.3.5 dev g
	assert_output 'keyword "dst" given twice'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 key nokey dev g
	assert_output '"key" and "nokey" cannot be used together'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4
	assert_output 'missing "dev NAME"'
	probe parse route add 10.0.0.0/8 dev g
	assert_output 'missing "dst ADDR"'
	probe parse route add dst 1.2.3.4 dev g
	assert_output 'missing PREFIX'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev
	assert_output '"dev" needs a value (NAME)'
	probe parse route add 10.0.0.0/8 dst 1.2.3.4 dev g frobnicate
	assert_output --partial 'unknown keyword "frobnicate"; valid here: encap id src'
	probe parse route add 10.0.0.0/8 encap ipx dst 1.2.3.4 dev g
	assert_output --partial 'encap "ipx" is not valid (did you mean "ip"?)'
}

@test "route del/show/flush: filters" {
	probe parse route del 10.0.0.0/8 dev g metric 5
	assert_output '{"dst":"10.0.0.0/8","dev":"g","table":254,"metric":5}'
	probe parse route show all
	assert_output '{"table":"all"}'
	probe parse route show table all
	assert_output '{"table":"all"}'
	probe parse route show id 7 table 10
	assert_output '{"table":10,"id":7}'
	probe parse route show all table 10
	assert_failure 2
	assert_output --partial '"all" and "table 10" cannot be used together'
	probe parse route flush dev g
	assert_output '{"dev":"g","table":254}'
}

@test "dev add/set: names, modes and MTUs are checked" {
	probe parse dev add gre01 mode gre mtu 1400 link eth0
	assert_output '{"name":"gre01","kind":"gre","mtu":1400,"link":"eth0","up":true}'
	probe parse dev add gre01 mode gre down
	assert_output '{"name":"gre01","kind":"gre","up":false}'
	probe parse dev add gre01 mode vxlan
	assert_failure 2
	assert_output --partial 'mode "vxlan" is not valid; expected one of: gre, ipip, ip6gre, ip6tnl'
	probe parse dev add averyveryverylongname mode gre
	assert_output --partial "must be 1 to 15 characters"
	probe parse dev add "gre/1" mode gre
	assert_output --partial "may not contain '/'"
	probe parse dev add "gre%d" mode gre
	assert_output --partial "may not contain '%'"
	probe parse dev add gre01 mode gre mtu 67
	assert_output --partial 'mtu "67" is below the minimum of 68'
	probe parse dev add gre01 mode gre mtu 65536
	assert_output --partial "out of range"
	probe parse dev set gre01
	assert_output --partial "nothing to change for gre01"
	probe parse dev set gre01 up down
	assert_output '"up" and "down" cannot be used together'
	probe parse dev set gre01 mtu 1300 down
	assert_output '{"name":"gre01","kind":"","mtu":1300,"up":false}'
}

@test "usage lines are generated from the grammar" {
	probe usage route add
	assert_output "route add PREFIX [encap {ip|ip6}] [id ID] dst ADDR [src ADDR] [ttl TTL] [tos TOS] [key|nokey] [csum] [seq] dev NAME [table TABLE] [metric N]"
	probe usage dev set
	assert_output "dev set NAME [up|down] [mtu N]"
}

@test "did you mean: close words only" {
	probe closest dts dst src dev
	assert_output "dst"
	probe closest zzzzzz dst src dev
	[ "$output" = "-" ]
	probe closest d dst dev
	[ "$output" = "-" ]
}

@test "completion: the grammar says what comes next" {
	probe next route add 10.0.0.0/8 dev
	assert_output "value:device"
	probe next route add 10.0.0.0/8 encap
	assert_output "value:choice"
	probe next route add 10.0.0.0/8 key dst 1.2.3.4
	refute_line "key"
	refute_line "nokey"
	refute_line "dst"
	assert_line "src"
	assert_line "csum"
	probe next dev del
	assert_output "value:tundev"
	probe next route del
	assert_output "value:route"
}

@test "line splitting (shell and batch): quotes, escapes, comments" {
	probe split "  route add  10.0.0.0/8   dev v0  "
	assert_output '["route","add","10.0.0.0/8","dev","v0"]'
	probe split "a 'b c' \"d\\\"e \\\$x\" f\\ g '' \"it's\" 'say \"hi\"'"
	assert_output '["a","b c","d\"e $x","f g","","it'"'"'s","say \"hi\""]'
	probe split "route show # all of them"
	assert_output '["route","show"]'
	probe split "a#b '#c' #d"
	assert_output '["a#b","#c"]'
	probe split "# only a comment"
	assert_output '[]'
	probe split "'open"
	assert_failure 2
	assert_output "unterminated ' quote"
	probe split 'say "open'
	assert_failure 2
	assert_output 'unterminated " quote'
	probe split 'trailing \'
	assert_failure 2
	assert_output "the line ends in a backslash"
}
