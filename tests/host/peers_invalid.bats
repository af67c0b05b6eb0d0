#!/usr/bin/env bats
# Invalid peer lists (tests/data/peers-invalid, one problem each, with what
# tunnelctl must say in EXPECTED): each is refused with exit 2 and the JSON
# path (or line) named, by validate and by apply, and apply changes nothing.

load ../lib/common

DATA=$REPO/tests/data/peers-invalid

setup() {
	ns_with_veth NS
	"$TUNNELCTL" -n "$NS" apply "$REPO/examples/mesh-veth.json" --self a
	ip -n "$NS" route add 10.9.0.0/24 encap ip id 9 dst 192.0.2.9 dev v0 proto static
}

teardown() {
	teardown_namespaces
}

cases() {
	grep -v '^#' "$DATA/EXPECTED"
}

@test "there are at least 60 invalid lists, each with its expectation" {
	run bash -c "ls '$DATA'/*.json | wc -l"
	[ "$output" -ge 60 ]
	run bash -c "grep -vc '^#' '$DATA/EXPECTED'"
	[ "$output" -eq "$(ls "$DATA"/*.json | wc -l)" ]
}

@test "validate refuses each, naming the path or line, exit 2" {
	local bad=0
	while IFS=$'\t' read -r file want; do
		run "$TUNNELCTL" validate "$DATA/$file"
		refute_sanitizer_report
		if [[ $status -ne 2 || "$output" != *"$DATA/$file"*"$want"* ]]; then
			echo "$file: exit $status, wanted \"$want\" in: $output"
			bad=1
		fi
	done < <(cases)
	[ "$bad" -eq 0 ]
}

@test "apply refuses each with exit 2, and the kernel is identical before and after" {
	local bad=0 before after
	before=$(kernel_state "$NS")
	while IFS=$'\t' read -r file want; do
		run "$TUNNELCTL" -n "$NS" apply "$DATA/$file" --self a
		refute_sanitizer_report
		after=$(kernel_state "$NS")
		if [[ $status -ne 2 || "$output" != *"$want"* || "$before" != "$after" ]]; then
			echo "$file: exit $status, wanted \"$want\" in: $output"
			bad=1
		fi
	done < <(cases)
	[ "$bad" -eq 0 ]
}

@test "every problem of a list is reported at once" {
	jq '.version = 1 | .peers[0].underlay = "x" | .peers[1].ttl = 999 | .defaults.tll = 1
	    | .peers[2].prefixes = ["10.10.1.0/25"]' "$REPO/examples/mesh-veth.json" >"$BATS_TEST_TMPDIR/bad.json"
	tctl validate "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 2
	assert_line --partial 'defaults: unknown key "tll" (did you mean "ttl"?)'
	assert_line --partial 'peers[0].underlay: underlay "x" is not a valid IP address'
	assert_line --partial 'peers[1].ttl: 999 is out of range (0-255)'
	assert_line --partial 'peers[2].prefixes[0]: 10.10.1.0/25 overlaps 10.10.1.0/24'
	assert_line --partial "bad.json: 4 problems"
	tc_json -j validate "$BATS_TEST_TMPDIR/bad.json"
	run jq -c '[.valid, (.errors | length), (.errors | map(.path) | sort)]' <<<"$output"
	assert_output '[false,4,["defaults","peers[0].underlay","peers[1].ttl","peers[2].prefixes[0]"]]'
}

@test "a missing file, and a file from stdin" {
	tctl validate /nonexistent/list.json
	assert_failure 2
	assert_output --partial "/nonexistent/list.json: No such file or directory"
	run bash -c "'$TUNNELCTL' validate - < '$REPO/examples/mesh-veth.json'"
	assert_success
	assert_output "-: valid: 3 peers, 1 device"
}
