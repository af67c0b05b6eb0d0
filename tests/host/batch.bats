#!/usr/bin/env bats
# Batch mode: tunnelctl -b FILE (and -b - for stdin), one command a line.

load ../lib/common

teardown() {
	teardown_namespaces
}

# batch_file NAME: the lines of stdin into $BATS_TEST_TMPDIR/NAME.
batch_file() {
	cat >"$BATS_TEST_TMPDIR/$1"
}

# gen_adds FIRST COUNT: route adds of COUNT /24s from 10.100.0.0 + FIRST.
gen_adds() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		echo "route add 10.$((100 + i / 256)).$((i % 256)).0/24 id 7 dst 192.0.2.9 dev v0"
	done
}

count_routes() {
	ip -n "$1" route show proto 157 | wc -l
}

@test "comments, blank lines and quoted words; every line runs" {
	ns_with_veth NS
	batch_file b <<-'EOF'
	# routes for the lab

	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0   # the first
	   route add "10.1.1.0/24" id '2' dst 192.0.2.1 dev v0
	route show
	EOF
	cd "$BATS_TEST_TMPDIR"
	tctl -n "$NS" -b b
	assert_success
	assert_line --partial "10.1.0.0/24"
	assert_line --partial "10.1.1.0/24"
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24,10.1.1.0/24"
}

@test "stops at the first failing line with FILE:LINE; what came before is written, nothing after" {
	ns_with_veth NS
	{
		gen_adds 0 50
		echo "route add 10.9.0.0/24 id 1 dts 192.0.2.1 dev v0"
		gen_adds 50 50
	} | batch_file bad
	cd "$BATS_TEST_TMPDIR"
	tctl -n "$NS" -b bad
	assert_failure 2
	assert_line --index 0 'tunnelctl: bad:51: route add: unknown keyword "dts" (did you mean "dst"?)'
	assert_line --partial "Usage: tunnelctl route add PREFIX"
	# Lines 1-50 were queued, and are sent before the batch stops.
	[ "$(count_routes "$NS")" -eq 50 ]
	run ip -n "$NS" route show 10.100.49.0/24
	assert_output --partial "10.100.49.0/24"
	run ip -n "$NS" route show 10.100.50.0/24
	assert_output ""
}

@test "a failure of the state stops with exit 1 and names its line" {
	ns_with_veth NS
	batch_file b <<-'EOF'
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route add 10.1.1.0/24 id 1 dst 192.0.2.1 dev nosuch
	route add 10.1.2.0/24 id 1 dst 192.0.2.1 dev v0
	EOF
	tctl -n "$NS" -b "$BATS_TEST_TMPDIR/b"
	assert_failure 1
	assert_output "tunnelctl: $BATS_TEST_TMPDIR/b:2: device \"nosuch\" does not exist"
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24"
}

@test "--force goes on, reports every failing line, exits non-zero" {
	ns_with_veth NS
	batch_file b <<-'EOF'
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route add 10.1.1.0/24 id 1 dst 192.0.2.1 dev nosuch
	route add 10.1.2.0/24 id 1 dst 192.0.2.1 dev v0
	route del 10.1.9.0/24
	route add 10.1.3.0/24 id 1 dst 192.0.2.1 dev v0
	EOF
	cd "$BATS_TEST_TMPDIR"
	tctl -n "$NS" -b b --force
	assert_failure 1
	assert_line --index 0 --partial "tunnelctl: b:2: route 10.1.0.0/24 (table main, metric 0) already exists"
	assert_line --index 1 'tunnelctl: b:3: device "nosuch" does not exist'
	assert_line --index 2 'tunnelctl: b:5: no route 10.1.9.0/24 in table main'
	[ "${#lines[@]}" -eq 3 ]
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24,10.1.2.0/24,10.1.3.0/24"
	# A usage error anywhere makes the status 2.
	printf 'route show\nroute frob\nroute show\n' | batch_file u
	tctl -n "$NS" -b u --force
	assert_failure 2
	assert_line --partial 'tunnelctl: u:2: unknown route command "frob"'
}

@test "-b - reads stdin; messages name it -" {
	ns_with_veth NS
	run "$TUNNELCTL" -n "$NS" -b - <<-'EOF'
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route add 10.1.1.0/24 id 1 'dst 192.0.2.1 dev v0
	EOF
	refute_sanitizer_report
	assert_failure 2
	assert_output "tunnelctl: -:2: unterminated ' quote"
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24"
}

@test "-j applies to every line: one JSON document per show" {
	ns_with_veth NS
	batch_file b <<-'EOF'
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route show
	nexthop add 7 id 7 dst 192.0.2.7 dev v0
	nexthop show
	route add 10.1.1.0/24 nhid 7
	route show
	EOF
	tc_json -n "$NS" -j -b "$BATS_TEST_TMPDIR/b"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	run jq -e 'length == 1 and .[0].dst == "10.1.0.0/24"' <<<"${lines[0]}"
	assert_success
	run jq -e 'length == 1 and .[0].id == 7' <<<"${lines[1]}"
	assert_success
	run jq -e 'length == 2 and .[1].nhid == 7' <<<"${lines[2]}"
	assert_success
}

@test "writes that depend on queued ones see them: add then del, nexthop then its routes, routes then their nexthop" {
	ns_with_veth NS
	batch_file b <<-'EOF'
	nexthop add 7 id 7 dst 192.0.2.7 dev v0
	route add 10.1.0.0/24 nhid 7
	route add 10.1.1.0/24 nhid 7
	route replace 10.1.1.0/24 id 9 dst 192.0.2.9 dev v0
	route add 10.1.2.0/24 id 1 dst 192.0.2.1 dev v0
	route del 10.1.2.0/24
	route del 10.1.0.0/24
	nexthop del 7
	EOF
	tctl -n "$NS" -b "$BATS_TEST_TMPDIR/b"
	assert_success
	assert_output ""
	run route_prefixes "$NS" 157
	assert_output "10.1.1.0/24"
	run ip -n "$NS" nexthop show
	assert_output ""
	run ip -n "$NS" route show 10.1.1.0/24
	assert_output --partial "id 9"
}

@test "a few thousand route adds land exactly, in a handful of sendmsg calls" {
	command -v strace >/dev/null || skip "strace is not installed"
	ns_with_veth NS
	gen_adds 0 3000 | batch_file big
	# LeakSanitizer cannot run under ptrace; the other suites check leaks.
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" run strace -f -qq -c -e trace=sendmsg \
		-o "$BATS_TEST_TMPDIR/strace" "$TUNNELCTL" -n "$NS" -b "$BATS_TEST_TMPDIR/big"
	assert_success
	[ "$(count_routes "$NS")" -eq 3000 ]
	run ip -n "$NS" route show 10.111.183.0/24
	assert_output --partial "encap ip id 7"
	# One request a line would be 3,000 calls; batched, the writes and the
	# one read of the state before them take a few dozen at most.
	calls=$(awk '$NF == "sendmsg" { print $4 }' "$BATS_TEST_TMPDIR/strace")
	echo "sendmsg calls: $calls"
	[ "$calls" -ge 1 ] && [ "$calls" -le 40 ]
}

@test "a kernel refusal inside a queued run names its line; the run's other lines stay" {
	ns_with_veth NS
	# The kernel refuses an IPv6 route over a device that is down; the
	# check before the write does not look at that, so the kernel decides.
	ip -n "$NS" link add v2 type veth peer name v3
	batch_file b <<-'EOF'
	route add 10.1.0.0/24 id 1 dst 192.0.2.1 dev v0
	route add 2001:db8::/64 encap ip dst 192.0.2.1 dev v2
	route add 10.1.1.0/24 id 1 dst 192.0.2.1 dev v0
	route show
	EOF
	tctl -n "$NS" -b "$BATS_TEST_TMPDIR/b"
	assert_failure 1
	assert_output --regexp "^tunnelctl: .*/b:2: route 2001:db8::/64 \(table main, metric 1024\): .*\(Network is down\)$"
	# The lines of the same run went out with it and stay; the batch
	# stops after the run, so the show never ran.
	run route_prefixes "$NS" 157
	assert_output "10.1.0.0/24,10.1.1.0/24"
}

@test "batch usage errors: -b takes no command, --force needs -b, a missing file" {
	tctl -b /dev/null route show
	assert_failure 2
	assert_output --partial "-b FILE takes no command after it"
	tctl --force route show
	assert_failure 2
	tctl -b "$BATS_TEST_TMPDIR/nosuch"
	assert_failure 2
	assert_output --partial "nosuch: No such file or directory"
	tctl -b /dev/null
	assert_success
}
