#!/usr/bin/env bats
# The flowtun module (kmod/, built by `make kmod` for this kernel) driven
# by tunnelctl: devices, the peer table, per-peer counters, the allowlist,
# interop with the in-tree ipip device, and the module's own smoke test
# (kmod/tests/smoke.sh: the wire format, ECN, PMTU, hostile packets,
# rmmod under traffic).  The GRE version-0 slot is one per kernel: ip_gre
# is unloaded first, and reloaded by the tests that follow as they need it.

load ../lib/common
load ../lib/kmod

setup_file() {
	kmod_setup_file
}

setup() {
	kmod_load
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

# icmp_echos NS: echo requests NS has received (its Icmp InEchos).
icmp_echos() {
	ip netns exec "$1" awk '/^Icmp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "InEchos") n = i } else print $n }' /proc/net/snmp
}

# steer_targets: two namespaces C1 and C2 behind B that both hold 10.40.9.1,
# which B reaches through C1 by table 101 only and through C2 by table 102
# only; B's main table says 10.40.9.0/24 is unreachable.  So which of them
# answers A's ping tells which table B routed it by.
steer_targets() {
	local i c
	ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	for i in 1 2; do
		new_ns "C$i"
		c=C$i
		c=${!c}
		ip link add "b$i" netns "$B" type veth peer name "c$i" netns "$c"
		ip -n "$B" addr add "10.41.$i.1/24" dev "b$i"
		ip -n "$c" addr add "10.41.$i.2/24" dev "c$i"
		ip -n "$c" addr add 10.40.9.1/32 dev lo
		ip -n "$B" link set "b$i" up
		ip -n "$c" link set "c$i" up
		ip -n "$c" route add default via "10.41.$i.1"
		ip -n "$B" route add 10.40.9.0/24 via "10.41.$i.2" dev "b$i" table "10$i"
	done
	ip -n "$B" route add unreachable 10.40.9.0/24
}

# steered_to WANT1 WANT2: A pings 10.40.9.1 three times, which succeeds, and
# C1 and C2 have then answered WANT1 and WANT2 echo requests in all.
steered_to() {
	run ip netns exec "$A" ping -q -c 3 -i 0.2 -W 2 -I 10.40.1.1 10.40.9.1
	assert_success
	run icmp_echos "$C1"
	assert_output "$1"
	run icmp_echos "$C2"
	assert_output "$2"
}

# not_steered ECHOS1 ECHOS2: A's pings meet B's main table (unreachable):
# no answer, and neither C1 nor C2 saw one more request.
not_steered() {
	run ip netns exec "$A" ping -q -c 3 -i 0.2 -W 1 -I 10.40.1.1 10.40.9.1
	assert_failure
	run icmp_echos "$C1"
	assert_output "$1"
	run icmp_echos "$C2"
	assert_output "$2"
}

@test "ip rule tun_id steers what a flowtun gre device receives, by GRE key; another key is not steered" {
	steer_targets
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode gre datapath kmod
		assert_success
	done
	tctl -n "$B" route add 10.40.1.0/24 id 200 dst 192.168.90.1 dev ft0
	assert_success
	ip -n "$B" rule add tun_id 257 lookup 101 pref 101
	ip -n "$B" rule add tun_id 258 lookup 102 pref 102
	tctl -n "$A" route add 10.40.9.0/24 id 257 dst 192.168.90.2 dev ft0
	assert_success
	steered_to 3 0
	tctl -n "$A" route replace 10.40.9.0/24 id 258 dst 192.168.90.2 dev ft0
	assert_success
	steered_to 3 3
	# key 259 has no rule; no key at all is tun_id 0, which no rule matches
	tctl -n "$A" route replace 10.40.9.0/24 id 259 dst 192.168.90.2 dev ft0
	assert_success
	not_steered 3 3
	tctl -n "$A" route replace 10.40.9.0/24 id 257 dst 192.168.90.2 nokey dev ft0
	assert_success
	not_steered 3 3
	# and the rule is what steers: gone, key 257 meets the main table
	ip -n "$B" rule del tun_id 257 lookup 101 pref 101
	tctl -n "$A" route replace 10.40.9.0/24 id 257 dst 192.168.90.2 dev ft0
	assert_success
	not_steered 3 3
}

# steer_targets6: steer_targets' IPv6 side: C1 and C2 both hold fd40:9::1,
# which B reaches by table 101 (C1) or 102 (C2) only; unreachable in main.
steer_targets6() {
	local i c
	ip netns exec "$B" sysctl -qw net.ipv6.conf.all.forwarding=1
	for i in 1 2; do
		c=C$i
		c=${!c}
		ip -n "$B" addr add "fd41:$i::1/64" dev "b$i" nodad
		ip -n "$c" addr add "fd41:$i::2/64" dev "c$i" nodad
		ip -n "$c" addr add fd40:9::1/128 dev lo nodad
		ip -n "$c" route add default via "fd41:$i::1"
		ip -n "$B" route add fd40:9::/64 via "fd41:$i::2" dev "b$i" table "10$i"
	done
	ip -n "$B" route add unreachable fd40:9::/64
}

# icmp6_echos NS: IPv6 echo requests NS has received.
icmp6_echos() {
	ip netns exec "$1" awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6
}

@test "ip -6 rule tun_id steers IPv6 inside GRE by key, too" {
	steer_targets
	steer_targets6
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode gre datapath kmod
		assert_success
	done
	ip -n "$A" addr add fd40:1::1/128 dev lo nodad
	tctl -n "$B" route add fd40:1::/64 id 200 dst 192.168.90.1 dev ft0
	assert_success
	ip -n "$B" -6 rule add tun_id 257 lookup 101 pref 101
	ip -n "$B" -6 rule add tun_id 258 lookup 102 pref 102
	for key in 257 258 259; do
		tctl -n "$A" route replace fd40:9::/64 id "$key" dst 192.168.90.2 dev ft0
		assert_success
		run ip netns exec "$A" ping -6 -q -c 3 -i 0.2 -W 2 -I fd40:1::1 fd40:9::1
		if ((key == 259)); then assert_failure; else assert_success; fi
	done
	run icmp6_echos "$C1"
	assert_output 3
	run icmp6_echos "$C2"
	assert_output 3
}

@test "ip rule tun_id tells two IPIP peers apart by their peer ids; a remote not in the table is not steered" {
	steer_targets
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode ipip datapath kmod
		assert_success
	done
	# A sends from three underlay addresses: .1 and .3 are B's peers, .4 is not
	ip -n "$A" addr add 192.168.90.3/24 dev va
	ip -n "$A" addr add 192.168.90.4/24 dev va
	tctl -n "$B" route add 10.40.1.0/24 dst 192.168.90.1 dev ft0
	assert_success
	tctl -n "$B" peer add ft0 192.168.90.1 id 301
	assert_success
	tctl -n "$B" peer add ft0 192.168.90.3 id 302
	assert_success
	ip -n "$B" rule add tun_id 301 lookup 101 pref 101
	ip -n "$B" rule add tun_id 302 lookup 102 pref 102
	tctl -n "$A" route add 10.40.9.0/24 dst 192.168.90.2 src 192.168.90.1 dev ft0
	assert_success
	steered_to 3 0
	tctl -n "$A" route replace 10.40.9.0/24 dst 192.168.90.2 src 192.168.90.3 dev ft0
	assert_success
	steered_to 3 3
	tctl -n "$A" route replace 10.40.9.0/24 dst 192.168.90.2 src 192.168.90.4 dev ft0
	assert_success
	not_steered 3 3
	# a peer's new id steers at once
	tctl -n "$B" peer replace ft0 192.168.90.1 id 302
	assert_success
	tctl -n "$A" route replace 10.40.9.0/24 dst 192.168.90.2 src 192.168.90.1 dev ft0
	assert_success
	steered_to 3 6
	run peer_counter "$B" ft0 192.168.90.1 rx_packets
	assert_output 6
	run peer_counter "$B" ft0 192.168.90.3 rx_packets
	assert_output 3
}

# serve NS ADDR: busybox httpd in NS on [ADDR]:8080 serving
# $BATS_TEST_TMPDIR/www, where blob is 4 MB of random bytes.
serve() {
	ip netns exec "$1" busybox httpd -f -p "[$2]:8080" -h "$BATS_TEST_TMPDIR/www" 3>&- &
}

make_blob() {
	mkdir -p "$BATS_TEST_TMPDIR/www"
	head -c 4000000 /dev/urandom >"$BATS_TEST_TMPDIR/www/blob"
	BLOB_SUM=$(sha256sum "$BATS_TEST_TMPDIR/www/blob" | cut -d' ' -f1)
}

# fetch_blob NS FROM URL: NS downloads URL from source address FROM; the
# sha256 of what arrived must be the blob's.
fetch_blob() {
	local got
	got=$(ip netns exec "$1" timeout 120 wget -q --bind-address="$2" -O - "$3" | sha256sum | cut -d' ' -f1)
	echo "fetched $3: sha256 $got, sent $BLOB_SUM"
	[[ $got == "$BLOB_SUM" ]]
}

# wire_start NS DEV FILTER: tcpdump -v of the first 60 packets into
# $BATS_TEST_TMPDIR/wire; wire_stop turns it into wire.lines, one packet a
# line, and prints that.
wire_start() {
	ip netns exec "$1" timeout 120 tcpdump -l -nn -v -i "$2" -c 60 "$3" \
		>"$BATS_TEST_TMPDIR/wire" 2>/dev/null 3>&- &
	WIRE_PID=$!
	sleep 1.5
}

wire_stop() {
	kill "$WIRE_PID" 2>/dev/null || true
	wait "$WIRE_PID" 2>/dev/null || true
	awk '/^[^ \t]/ { if (l != "") print l; l = $0; next } { l = l " " $0 } END { if (l != "") print l }' \
		"$BATS_TEST_TMPDIR/wire" | tee "$BATS_TEST_TMPDIR/wire.lines"
}

# tcp_checksums_real: the captured inner TCP segments (60, less the few
# without TCP) all had a correct checksum as tcpdump computes it: with
# checksum offload left on, they would be partial, not correct.
tcp_checksums_real() {
	local lines correct
	lines=$(wire_stop)
	correct=$(grep -c 'cksum 0x[0-9a-f]* (correct)' <<<"$lines")
	echo "$correct inner TCP segments with a correct checksum"
	if grep 'incorrect' <<<"$lines"; then
		return 1
	fi
	((correct >= 40))
}

@test "gre, IPv6 inside: 4 MB over TCP each way between flowtun devices, real checksums (offload off), sha256 at the receiver" {
	# mtu 1400: the default (1472) leaves room for a key, not for a
	# checksum too, and the outer fragments would hide the inner TCP
	# checksums from the capture
	for ns in "$A" "$B"; do
		tctl -n "$ns" dev add ft0 mode gre datapath kmod mtu 1400
		assert_success
	done
	ip -n "$A" addr add fd40:1::1/128 dev lo nodad
	ip -n "$B" addr add fd40:2::1/128 dev lo nodad
	# GRE checksums too: the receiver verifies them (drops counted as gre_csum)
	tctl -n "$A" route add fd40:2::/64 id 100 dst 192.168.90.2 ttl 33 csum dev ft0
	assert_success
	tctl -n "$B" route add fd40:1::/64 id 200 dst 192.168.90.1 ttl 44 csum dev ft0
	assert_success
	tctl -n "$A" peer add ft0 192.168.90.2 id 100
	tctl -n "$B" peer add ft0 192.168.90.1 id 200
	run ip netns exec "$A" ethtool -K va tx off
	assert_success
	run ip netns exec "$B" ethtool -K vb tx off
	assert_success
	make_blob
	serve "$A" fd40:1::1
	serve "$B" fd40:2::1
	sleep 0.5
	wire_start "$A" va 'ip proto 47 and src 192.168.90.2'
	run fetch_blob "$A" fd40:1::1 'http://[fd40:2::1]:8080/blob'
	assert_success
	run tcp_checksums_real
	assert_success
	run grep -c 'GREv0, Flags \[checksum present, key present\], sum 0x[0-9a-f]*, off 0x0, key=0xc8' "$BATS_TEST_TMPDIR/wire.lines"
	refute_output 0
	run fetch_blob "$B" fd40:2::1 'http://[fd40:1::1]:8080/blob'
	assert_success
	for ns in "$A" "$B"; do
		tctl -n "$ns" -j stats dev ft0
		run jq -c '.devices[0].stats.drops | [.gre_csum, .truncated, .bad_inner]' <<<"$output"
		assert_output '[0,0,0]'
	done
	# 4 MB in each way, however GRO and GSO grouped the packets
	run peer_counter "$A" ft0 192.168.90.2 rx_bytes
	[ "$output" -gt 4000000 ]
	run peer_counter "$B" ft0 192.168.90.1 rx_bytes
	[ "$output" -gt 4000000 ]
}

@test "6in4: 4 MB over TCP each way, flowtun ipip against an in-tree sit tunnel, real checksums, sha256 at the receiver" {
	modprobe sit
	tctl -n "$A" dev add ft0 mode ipip datapath kmod
	assert_success
	ip -n "$B" link add sit1 type sit local 192.168.90.2 remote 192.168.90.1 ttl 64
	ip -n "$B" link set sit1 up
	ip -n "$A" addr add fd40:1::1/128 dev lo nodad
	ip -n "$B" addr add fd40:2::1/128 dev lo nodad
	# (ip: tunnelctl refuses IPv6 prefixes on ipip devices, flowtun's too)
	ip -n "$A" route add fd40:2::/64 encap ip dst 192.168.90.2 ttl 55 dev ft0
	ip -n "$B" route add fd40:1::/64 dev sit1
	tctl -n "$A" peer add ft0 192.168.90.2 id 7
	assert_success
	run ip netns exec "$A" ethtool -K va tx off
	assert_success
	run ip netns exec "$B" ethtool -K vb tx off
	assert_success
	make_blob
	serve "$A" fd40:1::1
	serve "$B" fd40:2::1
	sleep 0.5
	wire_start "$B" vb 'ip proto 41 and src 192.168.90.1'
	run fetch_blob "$B" fd40:2::1 'http://[fd40:1::1]:8080/blob'
	assert_success
	run tcp_checksums_real
	assert_success
	run grep -c 'ttl 55, .*proto IPv6 (41).*192.168.90.1 > 192.168.90.2: .*fd40:1::1.8080 > fd40:2::1' "$BATS_TEST_TMPDIR/wire.lines"
	refute_output 0
	wire_start "$A" va 'ip proto 41 and src 192.168.90.2'
	run fetch_blob "$A" fd40:1::1 'http://[fd40:2::1]:8080/blob'
	assert_success
	run tcp_checksums_real
	assert_success
	run peer_counter "$A" ft0 192.168.90.2 rx_bytes
	[ "$output" -gt 4000000 ]
	run peer_counter "$A" ft0 192.168.90.2 tx_bytes
	[ "$output" -gt 4000000 ]
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
