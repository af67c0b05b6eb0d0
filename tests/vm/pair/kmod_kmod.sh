# Phase kmod_kmod of tests/vm/pair/run.sh: the flowtun module on both
# guests, set up by tunnelctl, first in GRE mode, then in IPIP mode (IPv4
# in IPv4 and 6in4).  For each mode:
#
#   a pings b 4 times over IPv4 and 4 times over IPv6 inside, then b pings
#   a 3 and 3 times: each side's peer counters are exact (packets and
#   inner bytes: 84 per IPv4 ping, 104 per IPv6 one), and a capture on a
#   holds exactly those 28 tunnel packets, with each side's ttl (and GRE
#   key) on the wire;
#   a fetches 4 MB from b and b 4 MB from a (one over IPv4 inside, the
#   other over IPv6), sha256 checked by the receiver, whose capture shows
#   every inner TCP checksum correct (offload is off on eth0).
#
# In GRE mode b's routes ask for GRE checksums, which a verifies: none of
# the transfer's packets may be dropped as gre_csum.
# shellcheck shell=bash

# The parameters of MODE for ROLE: DEV, NET (the overlay's first two
# octets; the IPv6 prefix is fdNN), the ttl and GRE key of a and of b, the
# peer ids, the capture filter, and b's extra route flags.
kk_params() {
	case $1 in
	gre)
		DEV=ft0 NET=50 TTL_A=33 TTL_B=44 KEY_A=100 KEY_B=200
		PEER_ID_A=100 PEER_ID_B=200 FILTER='ip proto 47' EXTRA_B=csum
		;;
	ipip)
		DEV=ft1 NET=51 TTL_A=35 TTL_B=45 KEY_A="" KEY_B=""
		PEER_ID_A=300 PEER_ID_B=400 FILTER='ip proto 4 or ip proto 41' EXTRA_B=""
		;;
	esac
	if [[ $ROLE == a ]]; then
		SELF=1 OTHER=2 REMOTE=$UNDERLAY_B TTL=$TTL_A KEY=$KEY_A PEER_ID=$PEER_ID_A EXTRA=""
	else
		SELF=2 OTHER=1 REMOTE=$UNDERLAY_A TTL=$TTL_B KEY=$KEY_B PEER_ID=$PEER_ID_B EXTRA=$EXTRA_B
	fi
}

kk_setup() {
	local mode=$1 id=()
	modprobe -a gre tunnel4 tunnel6 || return 1
	lsmod | grep -q '^flowtun ' || insmod "$KO" || return 1
	[[ -n $KEY ]] && id=(id "$KEY")
	# mtu 1400: room for GRE with key and checksum (the default, 1472, has
	# room for a key only): no outer fragment hides an inner TCP checksum
	# from the capture.
	# shellcheck disable=SC2086 # EXTRA: zero or more words
	"$TUNNELCTL" dev add "$DEV" mode "$mode" datapath kmod mtu 1400 &&
		"$TUNNELCTL" route add "10.$NET.$OTHER.0/24" "${id[@]}" dst "$REMOTE" ttl "$TTL" $EXTRA dev "$DEV" &&
		"$TUNNELCTL" peer add "$DEV" "$REMOTE" id "$PEER_ID" || return 1
	if [[ $mode == ipip ]]; then
		# tunnelctl refuses IPv6 prefixes on ipip devices (flowtun's
		# carry 6in4): ip does it
		ip route add "fd$NET:$OTHER::/64" encap ip dst "$REMOTE" ttl "$TTL" dev "$DEV"
	else
		# shellcheck disable=SC2086
		"$TUNNELCTL" route add "fd$NET:$OTHER::/64" "${id[@]}" dst "$REMOTE" ttl "$TTL" $EXTRA dev "$DEV"
	fi
}

# kk_ping N: N IPv4 and N IPv6 pings to the other side's overlay.
kk_ping() {
	ping -q -c "$1" -i 0.3 -W 2 -I "10.$NET.$SELF.1" "10.$NET.$OTHER.1" &&
		ping -6 -q -c "$1" -i 0.3 -W 2 -I "fd$NET:$SELF::1" "fd$NET:$OTHER::1"
}

# kk_counters PACKETS BYTES: the peer's four counters, each side's own.
kk_counters() {
	local field
	for field in rx_packets tx_packets; do
		check_eq "$ROLE: $MODE: peer $REMOTE $field" "$1" "$(peer_stat "$DEV" "$REMOTE" "$field")"
	done
	for field in rx_bytes tx_bytes; do
		check_eq "$ROLE: $MODE: peer $REMOTE $field" "$2" "$(peer_stat "$DEV" "$REMOTE" "$field")"
	done
}

# kk_wire LINES: what a's capture holds after both have pinged.
kk_wire() {
	local lines=$1 u1='192\.168\.100\.1' u2='192\.168\.100\.2'
	check_eq "a: $MODE: tunnel packets on the wire (4+4+3+3 pings, both ways)" 28 "$(wc -l <"$lines")"
	if [[ $MODE == gre ]]; then
		check "a: $MODE: a's packets: ttl 33, key 0x64, IPv4 inside" in_capture "$lines" \
			"ttl 33, .*proto GRE \(47\).*$u1 > $u2: GREv0, Flags \[key present\], key=0x64, .*10\.50\.1\.1 > 10\.50\.2\.1: ICMP echo request"
		check "a: $MODE: a's packets: ttl 33, key 0x64, IPv6 inside" in_capture "$lines" \
			"ttl 33, .*proto GRE \(47\).*$u1 > $u2: GREv0, Flags \[key present\], key=0x64, .*fd50:1::1 > fd50:2::1: .*echo request"
		check "a: $MODE: b's packets: ttl 44, checksum and key 0xc8, IPv4 inside" in_capture "$lines" \
			"ttl 44, .*proto GRE \(47\).*$u2 > $u1: GREv0, Flags \[checksum present, key present\], sum 0x[0-9a-f]+, off 0x0, key=0xc8, .*10\.50\.2\.1 > 10\.50\.1\.1: ICMP echo request"
		check "a: $MODE: b's packets: ttl 44, checksum and key 0xc8, IPv6 inside" in_capture "$lines" \
			"ttl 44, .*proto GRE \(47\).*$u2 > $u1: GREv0, Flags \[checksum present, key present\], sum 0x[0-9a-f]+, off 0x0, key=0xc8, .*fd50:2::1 > fd50:1::1: .*echo request"
		check_eq "a: $MODE: every packet of b's carries the key 0xc8, every one of a's 0x64" 28 \
			"$(grep -c -E "($u2 > $u1: GREv0.*key=0xc8|$u1 > $u2: GREv0.*key=0x64)" "$lines")"
	else
		check "a: $MODE: a's packets: ttl 35, IPIP" in_capture "$lines" \
			"ttl 35, .*proto IPIP \(4\).*$u1 > $u2: .*10\.51\.1\.1 > 10\.51\.2\.1: ICMP echo request"
		check "a: $MODE: a's packets: ttl 35, 6in4" in_capture "$lines" \
			"ttl 35, .*proto IPv6 \(41\).*$u1 > $u2: .*fd51:1::1 > fd51:2::1: .*echo request"
		check "a: $MODE: b's packets: ttl 45, IPIP" in_capture "$lines" \
			"ttl 45, .*proto IPIP \(4\).*$u2 > $u1: .*10\.51\.2\.1 > 10\.51\.1\.1: ICMP echo request"
		check "a: $MODE: b's packets: ttl 45, 6in4" in_capture "$lines" \
			"ttl 45, .*proto IPv6 \(41\).*$u2 > $u1: .*fd51:2::1 > fd51:1::1: .*echo request"
	fi
}

# kk_transfers: a fetches from b, then b from a; over GRE IPv4 then IPv6
# inside, over IPIP IPv6 (6in4) then IPv4.
kk_transfers() {
	local v4=(10."$NET".1.1 http://10."$NET".2.1:8080/payload)
	local v6=(fd"$NET":2::1 "http://[fd$NET:1::1]:8080/payload")
	if [[ $MODE == gre ]]; then
		transfer "kk-$MODE-a" a "${v4[@]}" "$MODE, IPv4 inside" "$FILTER"
		transfer "kk-$MODE-b" b "${v6[@]}" "$MODE, IPv6 inside" "$FILTER"
	else
		v4=(10."$NET".2.1 http://10."$NET".1.1:8080/payload)
		v6=(fd"$NET":1::1 "http://[fd$NET:2::1]:8080/payload")
		transfer "kk-$MODE-a" a "${v6[@]}" "$MODE, 6in4" "$FILTER"
		transfer "kk-$MODE-b" b "${v4[@]}" "$MODE, IPv4 inside" "$FILTER"
	fi
}

# kk_after_tcp: both transfers went through the peer; nothing was dropped
# as malformed (GRE checksums verified, for a).
kk_after_tcp() {
	local reason
	check "$ROLE: $MODE: the peer's counters saw 4 MB in and out" \
		test "$(peer_stat "$DEV" "$REMOTE" rx_bytes)" -gt 4000000 -a \
		"$(peer_stat "$DEV" "$REMOTE" tx_bytes)" -gt 4000000
	for reason in gre_csum truncated bad_inner unknown_proto; do
		check_eq "$ROLE: $MODE: drops $reason" 0 "$(drop_stat "$DEV" "$reason")"
	done
}

# kk_serve_and_fetch SIDE: serve this guest's files while both fetch each
# other's, check what came over TCP, then delete the device.
kk_serve_and_fetch() {
	local httpd
	busybox httpd -f -p 8080 -h "$WORK" &
	httpd=$!
	meet "kk-$MODE-served" || return 1
	kk_transfers
	kill "$httpd" 2>/dev/null
	wait "$httpd" 2>/dev/null
	kk_after_tcp
	check "$1: $MODE: device deleted" "$TUNNELCTL" dev del "$DEV"
}

kk_a() {
	MODE=$1
	kk_params "$MODE"
	check "a: $MODE: flowtun device, routes and peer by tunnelctl" kk_setup "$MODE"
	meet "kk-$MODE-up" || return 1
	capture_start "$WORK/cap" "$FILTER"
	check "a: $MODE: 4 IPv4 and 4 IPv6 pings to b" kk_ping 4
	meet "kk-$MODE-a-pinged" || return 1
	meet "kk-$MODE-b-pinged" || return 1
	capture_stop "$WORK/cap" >"$WORK/cap.lines"
	kk_wire "$WORK/cap.lines"
	kk_counters 14 $((7 * 84 + 7 * 104))
	kk_serve_and_fetch a
}

kk_b() {
	MODE=$1
	kk_params "$MODE"
	check "b: $MODE: flowtun device, routes and peer by tunnelctl" kk_setup "$MODE"
	meet "kk-$MODE-up" || return 1
	meet "kk-$MODE-a-pinged" || return 1
	kk_counters 8 $((4 * 84 + 4 * 104))
	check "b: $MODE: 3 IPv4 and 3 IPv6 pings to a" kk_ping 3
	meet "kk-$MODE-b-pinged" || return 1
	kk_serve_and_fetch b
}

phase_a() {
	kk_a gre && kk_a ipip
}

phase_b() {
	kk_b gre && kk_b ipip
}
