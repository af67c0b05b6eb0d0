# Helpers of the two-guest tier, sourced by tests/vm/pair/run.sh (and so by
# every phase it runs).  Guest a is 192.168.100.1 on eth0, guest b is
# 192.168.100.2; each prints "ok"/"not ok" lines prefixed with its role.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the phases use what is defined here

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TUNNELCTL=${TUNNELCTL:-$REPO/build/tunnelctl}
KO=$REPO/kmod/flowtun.ko
ROLE=${TUNNELCTL_VM_ROLE:?run under vm-run.sh --pair}
WORK=$(mktemp -d /tmp/pair.XXXXXX)
UNDERLAY_A=192.168.100.1
UNDERLAY_B=192.168.100.2
if [[ $ROLE == a ]]; then
	UNDERLAY_SELF=$UNDERLAY_A UNDERLAY_OTHER=$UNDERLAY_B
else
	UNDERLAY_SELF=$UNDERLAY_B UNDERLAY_OTHER=$UNDERLAY_A
fi
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "$ROLE: ok - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "$ROLE: not ok - $*"
}

# check DESCRIPTION COMMAND...: one line from the command's status; its
# output is shown when it fails.
check() {
	local desc=$1
	shift
	if "$@" >"$WORK/log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$WORK/log"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [[ $2 == "$3" ]]; then
		ok "$1 ($3)"
	else
		not_ok "$1: expected $2, got $3"
	fi
}

# The same 4 MB on both sides, without sharing anything.
make_payload() {
	{ seq 1 600000 || true; } | head -c 4000000 >"$1"
}

# until_ok SECONDS CMD...: retry CMD once a second.
until_ok() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# meet NAME: neither guest goes on before both have reached NAME.  b listens
# on its underlay (TCP 9999), a connects (retrying until b listens) and sends
# NAME, which b checks: guests that lost step fail here, not later.
meet() {
	local name=$1 got i
	if [[ $ROLE == a ]]; then
		for ((i = 0; i < 600; i++)); do
			echo "$name" | busybox nc "$UNDERLAY_B" 9999 2>/dev/null && return 0
			sleep 0.2
		done
		not_ok "meet $name: b never listened"
		return 1
	fi
	got=$(timeout 180 busybox nc -l -p 9999)
	[[ $got == "$name" ]] && return 0
	not_ok "meet $name: a said '$got'"
	return 1
}

# capture_start FILE FILTER [COUNT]: tcpdump -v on eth0 until capture_stop,
# or until COUNT packets.
capture_start() {
	timeout 300 tcpdump -l -nn -v -i eth0 ${3:+-c "$3"} "$2" >"$1" 2>/dev/null &
	CAPTURE_PID=$!
	sleep 1.5
}

# capture_stop FILE: prints the capture one packet a line.
capture_stop() {
	sleep 0.5
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	awk '/^[^ \t]/ { if (l != "") print l; l = $0; next } { l = l " " $0 } END { if (l != "") print l }' "$1"
}

# in_capture FILE REGEX: a packet line of the capture matches.
in_capture() {
	grep -q -E "$2" "$1" && return 0
	echo "no line matches: $2"
	head -n 20 "$1"
	return 1
}

# fetch URL FILE FROM: download URL (4 MB) from the overlay address FROM
# and compare it with FILE by sha256.
fetch() {
	local got want
	got=$(timeout 120 wget -q --bind-address="$3" -O - "$1" | sha256sum | cut -d' ' -f1)
	want=$(sha256sum <"$2" | cut -d' ' -f1)
	echo "sha256 $got, expected $want"
	[[ $got == "$want" ]]
}

# checksums_real FILE: the inner TCP segments of a capture (one packet a
# line) were checked by tcpdump and all were correct, at least 20 of them.
# Captured where they are sent: after segmentation and checksumming, as on
# the wire (a receiver's capture shows what GRO merged, whose checksum
# field is the first segment's).
checksums_real() {
	local correct
	correct=$(grep -c 'cksum 0x[0-9a-f]* (correct)' "$1")
	echo "$correct inner TCP segments with a correct checksum"
	! grep -m 3 'incorrect' "$1" && ((correct >= 20))
}

# transfer TAG FETCHER FROM URL DESC FILTER: guest FETCHER downloads URL
# (the payload, served by the other guest) from its overlay address FROM
# and checks its sha256, while the other captures what it sends (FILTER,
# from its underlay address) and checks every inner TCP checksum.
transfer() {
	local tag=$1 fetcher=$2 from=$3 url=$4 desc=$5 filter=$6
	if [[ $ROLE == "$fetcher" ]]; then
		meet "$tag-capturing" || return 1
		check "$ROLE: $desc: 4 MB over TCP from $url, sha256 intact" fetch "$url" "$WORK/payload" "$from"
		meet "$tag-fetched"
	else
		capture_start "$WORK/tcp" "($filter) and src $UNDERLAY_SELF" 200
		meet "$tag-capturing" || return 1
		meet "$tag-fetched" || return 1
		capture_stop "$WORK/tcp" >"$WORK/tcp.lines"
		check "$ROLE: $desc: what it sent over TCP had correct inner checksums on the wire" \
			checksums_real "$WORK/tcp.lines"
	fi
}

# peer_stat DEV REMOTE FIELD: one counter of one peer, from tunnelctl.
peer_stat() {
	"$TUNNELCTL" -j peer show "$2" dev "$1" | jq -r ".[0].stats.$3"
}

# drop_stat DEV REASON: one drop counter of a flowtun device.
drop_stat() {
	"$TUNNELCTL" -j stats dev "$1" | jq -r ".devices[0].stats.drops.$2"
}
