#!/usr/bin/env bats
# The flowtun (datapath kmod) commands on the host tier: dev add ... datapath
# kmod, dev set ... policy, peer and stats.  This kernel has no flowtun
# module, so what is tested here is the grammar, the usage errors (exit 2),
# help and completion, and the "module is not loaded" error (exit 1); none of
# them changes anything.  The VM tier runs them against the module.

load ../lib/common

NOT_LOADED='the flowtun module is not loaded (make kmod; then modprobe flowtun once installed, or modprobe -a gre tunnel4 && insmod kmod/flowtun.ko)'

setup() {
	ns_with_veth NS
}

teardown() {
	teardown_namespaces
}

bad() {
	expect_refused "$NS" "$@"
}

# The "not loaded" cases need a kernel that has no flowtun and cannot load it.
need_no_module() {
	if [[ -d /sys/module/flowtun ]] ||
		{ command -v modinfo >/dev/null && modinfo flowtun >/dev/null 2>&1; }; then
		skip "this kernel has the flowtun module: the VM tier covers it"
	fi
}

@test "help: peer and stats are listed, generated from the grammar" {
	tctl help
	assert_success
	for cmd in "peer add DEV REMOTE [id ID]" "peer replace DEV REMOTE [id ID]" \
		"peer del DEV REMOTE" "peer show [REMOTE] [dev NAME]" \
		"stats [dev NAME] [peer ADDR]"; do
		assert_line "  tunnelctl $cmd"
	done
	tctl help peer add
	assert_success
	assert_line --partial "REMOTE           the peer's underlay (outer) IPv4 address"
	assert_line --partial "id ID            tunnel id"
	tctl help stats
	assert_success
	assert_line --partial "peer ADDR        only the peer with this remote address"
	tctl stats help
	assert_success
	assert_line "  tunnelctl stats [dev NAME] [peer ADDR]"
	tctl peer help
	assert_success
	assert_line --partial "tunnelctl peer del DEV REMOTE"
}

@test "help: dev add and dev set show the datapath kmod form" {
	tctl help dev add
	assert_success
	assert_line "  tunnelctl dev add NAME mode {gre|ipip|ip6gre|ip6tnl} [mtu N] [link DEV] [down]"
	assert_line "  tunnelctl dev add NAME mode {gre|ipip} datapath kmod [local ADDR] [policy {open|allowlist}] [mtu N] [link DEV] [down]"
	assert_line --partial "datapath TYPE    intree"
	assert_line --partial "local ADDR       kmod:"
	tctl help dev set
	assert_success
	assert_line "  tunnelctl dev set NAME [up|down] [mtu N]"
	assert_line "  tunnelctl dev set NAME policy {open|allowlist} [up|down] [mtu N]"
}

@test "peer: usage errors exit 2, with the usage line, and change nothing" {
	bad 2 'missing DEV' -- peer add
	bad 2 'missing REMOTE' -- peer add v0
	bad 2 'Usage: tunnelctl peer add DEV REMOTE [id ID]' -- peer add v0
	bad 2 'REMOTE "192.0.2" is not a valid IP address' -- peer add v0 192.0.2
	bad 2 'REMOTE "2001:db8::1" is not an IPv4 address' -- peer add v0 2001:db8::1
	bad 2 'REMOTE "224.0.0.5" is not a unicast IPv4 address' -- peer add v0 224.0.0.5
	bad 2 'REMOTE "0.0.0.0" is not a unicast IPv4 address' -- peer replace v0 0.0.0.0
	bad 2 'REMOTE "255.255.255.255" is not a unicast IPv4 address' -- peer del v0 255.255.255.255
	bad 2 'id "18446744073709551616" is out of range' -- peer add v0 192.0.2.7 id 18446744073709551616
	bad 2 'id "seven" is not a number' -- peer replace v0 192.0.2.7 id seven
	bad 2 'keyword "id" given twice' -- peer add v0 192.0.2.7 id 1 id 2
	bad 2 '"id" needs a value (ID)' -- peer add v0 192.0.2.7 id
	bad 2 'unknown keyword "idd" (did you mean "id"?)' -- peer add v0 192.0.2.7 idd 3
	bad 2 'unexpected word "192.0.2.8"' -- peer del v0 192.0.2.7 192.0.2.8
	bad 2 'DEV "a/b" may not contain' -- peer add a/b 192.0.2.7
	bad 2 'unknown keyword "id"; valid here: dev' -- peer show 192.0.2.7 id 5
	bad 2 'REMOTE "10.1.1" is not a valid IP address' -- peer show 10.1.1
	bad 2 'unexpected word "192.0.2.7"' -- peer show dev v0 192.0.2.7
	bad 2 'unknown peer command "remove"' -- peer remove v0 192.0.2.7
}

@test "stats: usage errors exit 2" {
	bad 2 'peer "2001:db8::1" is not an IPv4 address' -- stats peer 2001:db8::1
	bad 2 'peer "239.1.1.1" is not a unicast IPv4 address' -- stats peer 239.1.1.1
	bad 2 '"dev" needs a value (NAME)' -- stats dev
	bad 2 'unknown keyword "devv" (did you mean "dev"?)' -- stats devv v0
	bad 2 'Usage: tunnelctl stats [dev NAME] [peer ADDR]' -- stats v0
}

@test "dev add datapath kmod and dev set policy: usage errors exit 2" {
	bad 2 'datapath "kmd" is not valid (did you mean "kmod"?)' -- dev add ft0 mode gre datapath kmd
	bad 2 'mode ip6gre: datapath kmod (flowtun) has modes gre and ipip only' -- dev add ft0 mode ip6gre datapath kmod
	bad 2 'mode ip6tnl: datapath kmod (flowtun) has modes gre and ipip only' -- dev add ft0 mode ip6tnl datapath kmod
	bad 2 '"local" needs "datapath kmod"' -- dev add ft0 mode gre local 192.0.2.1
	bad 2 '"policy" needs "datapath kmod"' -- dev add ft0 mode ipip datapath intree policy allowlist
	bad 2 'local "2001:db8::1" is not an IPv4 address' -- dev add ft0 mode gre datapath kmod local 2001:db8::1
	bad 2 'local "224.1.1.1" must be a unicast IPv4 address' -- dev add ft0 mode gre datapath kmod local 224.1.1.1
	bad 2 'policy "closed" is not valid; expected one of: open, allowlist' -- dev add ft0 mode gre datapath kmod policy closed
	bad 2 'mtu "10" is below the minimum of 68' -- dev add ft0 mode gre datapath kmod mtu 10
	bad 2 'Usage: tunnelctl dev add NAME mode {gre|ipip|ip6gre|ip6tnl}' -- dev add ft0 mode gre datapath
	bad 2 'policy "alowlist" is not valid (did you mean "allowlist"?)' -- dev set v0 policy alowlist
	bad 2 'nothing to change for v0: give up, down, mtu N or policy POLICY' -- dev set v0
}

@test "dev set policy refuses a device that is not a flowtun device" {
	bad 1 'device v0 is a veth device, not a tunnel device' -- dev set v0 policy allowlist
	bad 1 'device "nosuch" does not exist' -- dev set nosuch policy open
}

@test "without the module: peer and stats fail with exit 1, naming the module, changing nothing" {
	need_no_module
	bad 1 "$NOT_LOADED" -- peer add v0 192.0.2.7
	bad 1 "$NOT_LOADED" -- peer add v0 192.0.2.7 id 0x10
	bad 1 "$NOT_LOADED" -- peer replace v0 192.0.2.7 id 18446744073709551615
	bad 1 "$NOT_LOADED" -- peer del v0 192.0.2.7
	bad 1 "$NOT_LOADED" -- peer show
	bad 1 "$NOT_LOADED" -- peer
	bad 1 "$NOT_LOADED" -- peer show 192.0.2.7 dev v0
	bad 1 "$NOT_LOADED" -- stats
	bad 1 "$NOT_LOADED" -- stats dev v0 peer 192.0.2.7
	bad 1 "$NOT_LOADED" -- -j stats
	# The message is the whole error line.
	tctl -n "$NS" stats
	assert_failure 1
	assert_output "tunnelctl: $NOT_LOADED"
}

@test "without the module: dev add datapath kmod fails with exit 1, naming the module, changing nothing" {
	need_no_module
	bad 1 "$NOT_LOADED" -- dev add ft0 mode gre datapath kmod
	bad 1 "$NOT_LOADED" -- dev add ft0 mode ipip datapath kmod local 192.0.2.1 policy allowlist mtu 1400 link v0 down
	tctl -n "$NS" dev add ft0 mode gre datapath kmod local 0.0.0.0 policy open
	assert_failure 1
	assert_output "tunnelctl: $NOT_LOADED"
	# Checked before the write, as for an in-tree device.
	bad 1 'device v0 already exists (veth device)' -- dev add v0 mode gre datapath kmod
	bad 1 'link device "nosuch" does not exist' -- dev add ft0 mode gre datapath kmod link nosuch
}

@test "a namespace that does not exist is a usage error for peer and stats too" {
	tctl -n nosuch-ns peer show
	assert_failure 2
	assert_output --partial 'network namespace "nosuch-ns" not found'
	tctl -n nosuch-ns stats
	assert_failure 2
}

@test "dev show is unchanged without flowtun devices: six columns, and [] in JSON" {
	tc_json -n "$NS" -j dev show
	assert_success
	assert_output "[]"
	tctl -n "$NS" dev show
	assert_success
	assert_output ""
}

@test "bash completion: peer, stats and the kmod keywords" {
	complete_words ""
	assert_line "peer"
	assert_line "stats"
	complete_words pe
	assert_output "peer"
	complete_words peer ""
	assert_line "add"
	assert_line "replace"
	assert_line "del"
	assert_line "show"
	complete_words peer add v0 192.0.2.7 ""
	assert_output "id"
	complete_words peer show ""
	assert_line "dev"
	complete_words stats ""
	assert_line "dev"
	assert_line "peer"
	complete_words stats dev x ""
	assert_output "peer"
	complete_words dev add ft0 mode gre d
	assert_line "datapath"
	assert_line "down"
	complete_words dev add ft0 mode gre datapath ""
	assert_line "intree"
	assert_line "kmod"
	complete_words dev add ft0 mode gre datapath kmod ""
	assert_line "local"
	assert_line "policy"
	complete_words dev add ft0 mode gre datapath kmod policy ""
	assert_line "open"
	assert_line "allowlist"
	complete_words dev set v0 ""
	assert_line "policy"
	complete_words help ""
	assert_line "peer"
	assert_line "stats"
	complete_words help peer ""
	assert_line "replace"
}

@test "bash completion: a peer's device is a tunnel device of the -n namespace" {
	complete_words -n "$NS" peer add ""
	refute_line "v0"
	refute_line "lo"
	complete_words -n "$NS" stats dev ""
	refute_line "v0"
}
