# Shared by every bats suite (host and VM tier).  Each test works in network
# namespaces it creates and deletes; nothing touches the host's own.
# shellcheck shell=bash

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNNELCTL=${TUNNELCTL:-$REPO/build/tunnelctl}
LIBPROBE=${LIBPROBE:-$REPO/build/libprobe}
# A sanitizer report must fail the test even where a failure exit is expected.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

# Namespaces made by this test, deleted by teardown_namespaces.
TEST_NAMESPACES=()

# new_ns VAR: make a fresh namespace with lo up; its name goes into VAR.
new_ns() {
	local name="tct${BATS_SUITE_TEST_NUMBER:-0}-$$-${#TEST_NAMESPACES[@]}"
	ip netns add "$name"
	# No duplicate address detection: IPv6 link-local addresses and their
	# routes appear at once, not a second later in the middle of a test.
	ip netns exec "$name" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	ip -n "$name" link set lo up
	TEST_NAMESPACES+=("$name")
	printf -v "$1" '%s' "$name"
}

teardown_namespaces() {
	local ns
	for ns in "${TEST_NAMESPACES[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	TEST_NAMESPACES=()
}

# Fail the test on any sanitizer report in the last run's output.
refute_sanitizer_report() {
	if [[ "$output" == *"Sanitizer"* || "$output" == *"runtime error:"* ]]; then
		echo "sanitizer report:" >&2
		echo "$output" >&2
		return 1
	fi
	if [[ "$status" -eq 98 || "$status" -eq 99 ]]; then
		echo "sanitizer exit status $status" >&2
		return 1
	fi
}

# tctl ARGS: run tunnelctl under bats' run, then check for sanitizer reports.
tctl() {
	run "$TUNNELCTL" "$@"
	refute_sanitizer_report
}

# tc_json ARGS: like tctl but with stderr kept apart, so $output is the JSON.
tc_json() {
	run --separate-stderr "$TUNNELCTL" "$@"
	output="$output$stderr" refute_sanitizer_report
}

probe() {
	run "$LIBPROBE" "$@"
	refute_sanitizer_report
}

# Everything tunnelctl could change in a namespace, for before/after checks.
kernel_state() {
	local ns=$1
	ip -n "$ns" -d link show
	ip -n "$ns" -d -4 route show table all
	ip -n "$ns" -d -6 route show table all
	ip -n "$ns" nexthop show 2>/dev/null || true
}

# expect_refused NS STATUS PATTERN -- ARGS: tunnelctl ARGS fails with exit
# STATUS (1 or 2; "nonzero" for either), prints PATTERN, and changes nothing.
expect_refused() {
	local ns=$1 want=$2 pattern=$3 before after
	shift 4
	before=$(kernel_state "$ns")
	run "$TUNNELCTL" -n "$ns" "$@"
	refute_sanitizer_report
	after=$(kernel_state "$ns")
	if [[ "$want" == nonzero ]]; then
		[[ "$status" -ne 0 ]] || { echo "expected failure, got 0: $output"; return 1; }
	else
		[[ "$status" -eq "$want" ]] || { echo "expected exit $want, got $status: $output"; return 1; }
	fi
	[[ "$output" == *"$pattern"* ]] || { echo "expected \"$pattern\" in: $output"; return 1; }
	[[ "$before" == "$after" ]] || { diff <(echo "$before") <(echo "$after"); return 1; }
}

# The prefixes of a namespace's routes of protocol PROTO, sorted, comma-separated
# (ip's text form: iproute2 6.1 JSON has two "dst" keys for encap routes).
route_prefixes() {
	ip -n "$1" route show proto "$2" table all | awk '{print $1}' | sort | paste -sd, -
}

# A namespace with a veth pair up, the host tier's stand-in for a tunnel device.
ns_with_veth() {
	local i
	new_ns "$1"
	ip -n "${!1}" link add v0 type veth peer name v1
	ip -n "${!1}" link set v0 up
	ip -n "${!1}" link set v1 up
	# The carrier comes up a moment later (the kernel's link watch): wait
	# for it, so a before/after comparison of the links cannot catch it.
	for ((i = 0; i < 100; i++)); do
		[[ $(ip -n "${!1}" -o link show up | grep -c 'state UP') -eq 2 ]] && return 0
		sleep 0.02
	done
}

# ipmon_start NS: `ip monitor route nexthop` of NS into $BATS_TEST_TMPDIR/ipmon.
# ip monitor says nothing when it is ready, so a marker route added and
# seen proves it listens; ipmon_stop waits for a second marker, so every
# event in between was printed.  Output: the events between the markers.
ipmon_start() {
	local i
	IPMON_NS=$1
	IPMON_FILE=$BATS_TEST_TMPDIR/ipmon
	ip -n "$1" monitor route nexthop >"$IPMON_FILE" 3>&- &
	IPMON_PID=$!
	for ((i = 0; i < 100; i++)); do
		ip -n "$1" route replace 203.0.113.1/32 dev lo proto 250 2>/dev/null
		grep -q '203.0.113.1 ' "$IPMON_FILE" && break
		sleep 0.05
	done
	ip -n "$1" route del 203.0.113.1/32 dev lo proto 250
	grep -q '203.0.113.1 ' "$IPMON_FILE"
}

ipmon_stop() {
	local i
	ip -n "$IPMON_NS" route replace 203.0.113.2/32 dev lo proto 250
	for ((i = 0; i < 100; i++)); do
		grep -q '203.0.113.2 ' "$IPMON_FILE" && break
		sleep 0.05
	done
	ip -n "$IPMON_NS" route del 203.0.113.2/32 dev lo proto 250
	kill "$IPMON_PID" 2>/dev/null || true
	wait "$IPMON_PID" 2>/dev/null || true
	sed -n '/203\.0\.113\.1 /,/203\.0\.113\.2 /p' "$IPMON_FILE" | grep -v '203\.0\.113\.[12] ' || true
}

# ipmon_events: ipmon_stop's lines as "nexthop new|del" and "route new|del
# PREFIX" (routes of protocol 157 only: the kernel's own come and go).
ipmon_events() {
	ipmon_stop | awk '
		/^Deleted id / { print "nexthop del"; next }
		/^id /         { print "nexthop new"; next }
		!/proto 157/   { next }
		/^Deleted /    { print "route del " $2; next }
		               { print "route new " $1 }'
}

# complete WORDS...: run the bash completion as if WORDS were typed, the last
# one being completed; COMPREPLY ends up in $output, one per line.
complete_words() {
	# shellcheck source=/dev/null
	source "$REPO/completions/tunnelctl.bash"
	COMP_WORDS=("$TUNNELCTL" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_tunnelctl
	output=$(printf '%s\n' "${COMPREPLY[@]}")
	mapfile -t lines <<<"$output"
}

# complete_zsh WORDS...: the same through the zsh completion (completions/
# _tunnelctl) in a real zsh; the candidates end up in $output, one per line.
complete_zsh() {
	run zsh -f "$REPO/tests/lib/zsh_complete.zsh" "$REPO/completions" "$TUNNELCTL" "$@"
	[[ $status -eq 0 ]] || { echo "zsh completion failed ($status): $output"; return 1; }
}
