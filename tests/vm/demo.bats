#!/usr/bin/env bats
# The README's main job, `make demo`, runs examples/demo.sh: here it runs
# directly, since this kernel has gre.

load ../lib/common

@test "the demo: three hosts over one gre device each, every ping answered" {
	run "$REPO/examples/demo.sh" --here
	refute_sanitizer_report
	assert_success
	assert_line "  h1 -> h2  ok"
	assert_line "  h3 -> h2  ok"
	refute_line --partial "FAILED"
	assert_line --regexp '^10\.10\.2\.0/24 +gre01 +102 +192\.168\.50\.2 +- +64 +0 +key +main +0 +- +tunnelctl +yes$'
	assert_line --partial '"info_kind": "gre"'
	assert_line --partial "demo done"
	# It cleans up after itself.
	run ip netns list
	refute_output --partial "tctldemo"
}
