# tunnelctld under test: start it in a namespace, ask it for its status,
# wait for what it should do, stop it and check how it ended.
# shellcheck shell=bash

TUNNELCTLD=${TUNNELCTLD:-$REPO/build/tunnelctld}

# ctrld_start NS ARGS...: tunnelctld in NS, in the foreground, its log in
# $CTRLD_LOG, its socket $CTRLD_SOCK; returns once it has reconciled once.
ctrld_start() {
	local ns=$1 i
	shift
	CTRLD_NS=$ns
	CTRLD_SOCK=${CTRLD_SOCK:-$BATS_TEST_TMPDIR/ctrld.sock}
	CTRLD_LOG=${CTRLD_LOG:-$BATS_TEST_TMPDIR/ctrld.log}
	"$TUNNELCTLD" --foreground -n "$ns" --socket "$CTRLD_SOCK" "$@" >>"$CTRLD_LOG" 2>&1 3>&- &
	CTRLD_PID=$!
	for ((i = 0; i < 200; i++)); do
		if ctrld_json '.last_reconcile != null' 2>/dev/null | grep -qx true; then
			return 0
		fi
		kill -0 "$CTRLD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "tunnelctld did not come up:" >&2
	cat "$CTRLD_LOG" >&2
	return 1
}

# ctrld_json [JQ-FILTER]: the status (or a part of it) as compact JSON.
ctrld_json() {
	"$TUNNELCTL" -j ctrl status socket "$CTRLD_SOCK" | jq -c "${1:-.}"
}

# ctrld_stop [SIGNAL]: stop it; fails if it did not exit 0 or a sanitizer spoke.
ctrld_stop() {
	local rc=0
	[[ -n "${CTRLD_PID:-}" ]] || return 0
	kill "-${1:-TERM}" "$CTRLD_PID" 2>/dev/null || true
	wait "$CTRLD_PID" || rc=$?
	CTRLD_PID=
	if grep -q 'Sanitizer\|runtime error:' "$CTRLD_LOG"; then
		cat "$CTRLD_LOG" >&2
		return 1
	fi
	[[ "${1:-TERM}" == KILL ]] || [[ $rc -eq 0 ]] || {
		echo "tunnelctld exited $rc" >&2
		cat "$CTRLD_LOG" >&2
		return 1
	}
}

# wait_until SECONDS CMD...: poll CMD until it succeeds, or fail after SECONDS.
wait_until() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "timed out after ${limit}s waiting for: $*" >&2
	return 1
}

# routes_are NS LIST: the owned routes of NS are exactly LIST (route_prefixes form).
routes_are() {
	[[ "$(route_prefixes "$1" 157)" == "$2" ]]
}
