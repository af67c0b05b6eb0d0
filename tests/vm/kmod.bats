#!/usr/bin/env bats
# The flowtun module (kmod/, built by `make kmod` for this kernel) driven
# by tunnelctl: devices, the peer table, per-peer counters, the allowlist,
# interop with the in-tree ipip device, and the module's own smoke test
# (kmod/tests/smoke.sh: the wire format, ECN, PMTU, hostile packets,
# rmmod under traffic).  The GRE version-0 slot is one per kernel: ip_gre
# is unloaded first, and reloaded by the tests that follow as they need it.

load ../lib/common

KO=$REPO/kmod/flowtun.ko

setup_file() {
	# Earlier suites leave ip_gre loaded; its namespaces (and devices) are gone.
	modprobe -r ip_gre 2>/dev/null || true
	modprobe -a gre tunnel4 tunnel6
}

setup() {
	lsmod | grep -q '^flowtun ' || insmod "$KO"
	new_ns A
	new_ns B
	ip link add va netns "$A" type veth peer name vb netns "$B"
	ip -n "$A" addr add 192.168.90.1/24 dev va
	ip -n "$B" addr add 192.168.90.2/24 dev vb
	ip -n "$A" link set va up
	ip -n "$B" link set vb up
	ip -n "$A" addr add 10.40.1.1/32 dev lo
	ip -n "$B" addr add 10.40.2.1/32 dev lo
}

teardown() {
	teardown_namespaces
}

# peer_json NS DEV REMOTE FIELD: one counter of one peer, from tunnelctl.
peer_counter() {
	"$TUNNELCTL" -n "$1" -j peer show "$3" dev "$2" | jq -r ".[0].stats.$4"
}

@test "gre: two flowtun devices, routes by tunnelctl, ping both ways; per-peer counters exact" {
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode gre datapath kmod
		assert_success
	done
	tctl -n "$A" -j dev show ft0
	run jq -c '.[0] | [.linkinfo.info_kind, .linkinfo.info_data.mode, .linkinfo.info_data.policy]' <<<"$output"
	assert_output '["flowtun","gre","open"]'
	tctl -n "$A" route add 10.40.2.0/24 id 100 dst 192.168.90.2 ttl 33 dev ft0
	assert_success
	tctl -n "$B" route add 10.40.1.0/24 id 200 dst 192.168.90.1 ttl 44 dev ft0
	assert_success
	tctl -n "$A" peer add ft0 192.168.90.2 id 100
	assert_success
	tctl -n "$B" peer add ft0 192.168.90.1 id 200
	assert_success
	run ip netns exec "$A" ping -q -c 7 -i 0.2 -W 2 -I 10.40.1.1 10.40.2.1
	assert_success
	# 7 requests out of A and 7 replies in: counted on the peer, exactly.
	run peer_counter "$A" ft0 192.168.90.2 tx_packets
	assert_output 7
	run peer_counter "$A" ft0 192.168.90.2 rx_packets
	assert_output 7
	run peer_counter "$B" ft0 192.168.90.1 rx_packets
	assert_output 7
	run peer_counter "$B" ft0 192.168.90.1 rx_bytes
	assert_output $((7 * 84))
	tctl -n "$A" -j stats dev ft0
	# (The device's own IPv6 chatter, sent without tunnel metadata, is
	# dropped and counted as no_metadata: not asserted here.)
	run jq -c '.devices[0] | [.ifname, .mode, .peer_count, .stats.drops.loop]' <<<"$output"
	assert_output '["ft0","gre",1,0]'
}

@test "ipip: flowtun against the in-tree external ipip device" {
	tctl -n "$A" dev add ft0 mode ipip datapath kmod
	assert_success
	ip -n "$B" link add ipip1 type ipip external
	ip -n "$B" link set ipip1 up
	tctl -n "$A" route add 10.40.2.0/24 dst 192.168.90.2 dev ft0
	assert_success
	ip -n "$B" route add 10.40.1.0/24 encap ip dst 192.168.90.1 dev ipip1
	run ip netns exec "$A" ping -q -c 3 -i 0.2 -W 2 -I 10.40.1.1 10.40.2.1
	assert_success
	run ip netns exec "$B" ping -q -c 3 -i 0.2 -W 2 -I 10.40.2.1 10.40.1.1
	assert_success
}

@test "allowlist: a remote not in the table is dropped and counted, every packet; listed, it passes" {
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode gre datapath kmod
		assert_success
	done
	tctl -n "$A" route add 10.40.2.0/24 id 100 dst 192.168.90.2 dev ft0
	tctl -n "$B" route add 10.40.1.0/24 id 200 dst 192.168.90.1 dev ft0
	tctl -n "$B" dev set ft0 policy allowlist
	assert_success
	run ip netns exec "$A" ping -q -c 5 -i 0.2 -W 1 -I 10.40.1.1 10.40.2.1
	assert_failure
	tctl -n "$B" -j stats dev ft0
	run jq -c '.devices[0] | [.policy, .stats.drops.not_allowed, .stats.rx_packets]' <<<"$output"
	assert_output '["allowlist",5,0]'
	tctl -n "$B" peer add ft0 192.168.90.1 id 200
	assert_success
	run ip netns exec "$A" ping -q -c 3 -i 0.2 -W 2 -I 10.40.1.1 10.40.2.1
	assert_success
	run peer_counter "$B" ft0 192.168.90.1 rx_packets
	assert_output 3
}

@test "a peer list's gre device is not taken for a flowtun device of that name" {
	tctl -n "$A" dev add tun0 mode gre datapath kmod
	assert_success
	cat >"$BATS_TEST_TMPDIR/list.json" <<-EOF
	{"version": 1, "devices": [{"name": "tun0", "mode": "gre"}],
	 "defaults": {"device": "tun0"},
	 "peers": [{"name": "a", "underlay": "192.168.90.1", "id": 1, "prefixes": ["10.40.1.0/24"]},
	           {"name": "b", "underlay": "192.168.90.2", "id": 2, "prefixes": ["10.40.2.0/24"]}]}
	EOF
	expect_refused "$A" 1 "devices[0]: tun0 exists as a flowtun (kmod datapath) device, not the in-tree external gre device the list declares" -- apply "$BATS_TEST_TMPDIR/list.json"
}

@test "the module's smoke test: wire format, ECN, PMTU, hostile packets, rmmod under traffic" {
	lsmod | grep -q '^flowtun ' && rmmod flowtun
	run env RMMOD_ROUNDS=20 "$REPO/kmod/tests/smoke.sh"
	echo "$output" | grep -v '^ok' >&2 || true
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
}
