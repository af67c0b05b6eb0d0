#!/usr/bin/env bats
# doctor and monitor on a kernel with gre and ipip (the Debian kernel).

load ../lib/common

setup() {
	new_ns NS
}

teardown() {
	[[ -n ${MON_PID:-} ]] && kill "$MON_PID" 2>/dev/null
	teardown_namespaces
}

@test "doctor: a clean node with gre and ipip reports no error and exits 0" {
	ip -n "$NS" link add u0 type veth peer name u1
	ip -n "$NS" link set u0 up
	ip -n "$NS" link set u1 up
	ip -n "$NS" addr add 198.51.100.1/24 dev u0
	"$TUNNELCTL" -n "$NS" dev add gre01 mode gre mtu 1476
	"$TUNNELCTL" -n "$NS" dev add ipip01 mode ipip mtu 1480
	"$TUNNELCTL" -n "$NS" route add 10.9.0.0/24 id 7 dst 198.51.100.7 key dev gre01
	"$TUNNELCTL" -n "$NS" route add 10.8.0.0/24 dst 198.51.100.8 dev ipip01
	tc_json -n "$NS" -j doctor
	assert_success
	DOC=$output
	run jq -c '[.[] | select(.status == "error")]' <<<"$DOC"
	assert_output '[]'
	run jq -r '.[] | select(.check | IN("kernel.gre", "kernel.ipip")) | .status' <<<"$DOC"
	assert_output $'ok\nok'
	run jq -r '.[] | select(.check == "slots") | .message' <<<"$DOC"
	assert_line "gre: the one external device is gre01 (a second cannot be made: route through gre01)"
	assert_line "ipip: the one external device is ipip01 (a second cannot be made: route through ipip01)"
	run jq -r '.[] | select(.check == "mtu") | [.status, .message] | @tsv' <<<"$DOC"
	assert_line --regexp '^ok	gre01: mtu 1476 fits the underlay to 198\.51\.100\.7 \(via u0, mtu 1500\) with 24 bytes of GRE with key over IPv4$'
	assert_line --regexp '^ok	ipip01: mtu 1480 fits the underlay to 198\.51\.100\.8 \(via u0, mtu 1500\) with 20 bytes of IPIP$'
}

@test "doctor: a gre device whose MTU the underlay cannot carry, and a classic gre device, are warnings" {
	ip -n "$NS" link add u0 type dummy
	ip -n "$NS" link set u0 up mtu 1400
	"$TUNNELCTL" -n "$NS" dev add gre01 mode gre mtu 1476 link u0
	ip -n "$NS" link add classic type gre local 198.51.100.1 remote 198.51.100.2
	tctl -n "$NS" doctor
	assert_success
	assert_line --regexp '^warn +mtu +gre01: mtu 1476 is larger than its link device u0 \(mtu 1400\) leaves'
	assert_line --regexp 'fix: tunnelctl dev set gre01 mtu 1376$'
	assert_line --regexp '^warn +slots +gre: classic \(non-external\) device classic takes'
}

@test "monitor: tunnel device events, add, up/down, mtu, del; other devices are not shown" {
	local out=$BATS_TEST_TMPDIR/mon i
	"$TUNNELCTL" -n "$NS" monitor >"$out" 2>&1 &
	MON_PID=$!
	# Ready once a marker device's events show.
	for ((i = 0; i < 600; i++)); do
		"$TUNNELCTL" -n "$NS" dev add mark0 mode ipip 2>/dev/null
		grep -q 'dev add mark0' "$out" && break
		"$TUNNELCTL" -n "$NS" dev del mark0 2>/dev/null
		sleep 0.05
	done
	"$TUNNELCTL" -n "$NS" dev del mark0
	"$TUNNELCTL" -n "$NS" dev add begin0 mode ip6tnl
	ip -n "$NS" link add d0 type dummy
	"$TUNNELCTL" -n "$NS" dev add gre01 mode gre mtu 1400
	"$TUNNELCTL" -n "$NS" dev set gre01 mtu 1300
	"$TUNNELCTL" -n "$NS" dev set gre01 down
	"$TUNNELCTL" -n "$NS" dev del gre01
	"$TUNNELCTL" -n "$NS" dev add mark1 mode ip6gre
	for ((i = 0; i < 600; i++)); do
		grep -q 'dev add mark1' "$out" && break
		sleep 0.05
	done
	kill -TERM "$MON_PID"
	wait "$MON_PID"
	MON_PID=
	# The events from begin0's to mark1's; a dummy device is none.
	run sed -n '/dev add begin0/,/dev add mark1/p' "$out"
	assert_line --index 0 --regexp '^dev add begin0 ip6tnl external mtu [0-9]+ (up|down)$'
	run grep -v 'begin0\|mark1' <<<"$output"
	assert_output - <<'EOF2'
dev add gre01 gre external mtu 1400 up
dev gre01 mtu 1300
dev gre01 down
dev del gre01
EOF2
}
