#!/usr/bin/env bats
# Meshes kept by tunnelctld: five nodes on one bridge, each running the
# controller with the same peer list (gre, then ipip).  Nodes join and
# leave by editing the file; the tunnel device itself is repaired when
# deleted or set down; and GRE/IPIP from a source the list does not name
# reaches no node's overlay.

load ../lib/common
load ../lib/mesh
load ../lib/ctrl

declare -a PID SOCK

setup() {
	mesh_hosts 1 2 3 4 5 6
	LIST=$BATS_TEST_TMPDIR/mesh.json
}

teardown() {
	local i
	for i in "${!PID[@]}"; do
		kill -9 "${PID[i]}" 2>/dev/null || true
	done
	teardown_namespaces
}

# node_start I: tunnelctld on host I, finding itself in $LIST by its address.
node_start() {
	local i=$1
	CTRLD_SOCK=$BATS_TEST_TMPDIR/ctl$i.sock CTRLD_LOG=$BATS_TEST_TMPDIR/ctrld$i.log \
		ctrld_start "${H[i]}" --peers "$LIST" || return 1
	PID[i]=$CTRLD_PID
	SOCK[i]=$BATS_TEST_TMPDIR/ctl$i.sock
}

# node_stop I: SIGTERM; it must exit 0 with no sanitizer report.
node_stop() {
	local i=$1
	CTRLD_PID=${PID[i]} CTRLD_LOG=$BATS_TEST_TMPDIR/ctrld$i.log ctrld_stop
	unset "PID[$i]"
}

# has_routes I PREFIXES: host I's owned routes are exactly PREFIXES.
has_routes() {
	[[ "$(route_prefixes "${H[$1]}" 157)" == "$2" ]]
}

# want_routes MODE I J...: what host I should have in a MODE mesh of J... (itself excluded).
want_routes() {
	local mode=$1 self=$2 j out=()
	shift 2
	for j in "$@"; do
		((j == self)) && continue
		out+=("10.20.$j.0/24")
		[[ $mode == gre ]] && out+=("fd20:$j::/64")
	done
	printf '%s\n' "${out[@]}" | sort | paste -sd, -
}

# converged MODE NODES...: every node of NODES has exactly its routes.
converged() {
	local mode=$1 i
	shift
	for i in "$@"; do
		has_routes "$i" "$(want_routes "$mode" "$i" "$@")" || return 1
	done
}

mesh_of() {
	local mode=$1 i
	shift
	mesh_list "$mode" "$@" >"$LIST"
	for i in "$@"; do
		node_start "$i"
	done
	wait_until 20 converged "$mode" "$@"
}

foreign_routes() {
	ip -n "${H[1]}" -d route show table all | grep -v 'proto 157\|proto kernel' | sort
}

@test "gre: five controllers, one list, every ping; a sixth joins by the file, one leaves" {
	# Others' routes on h1, on the same prefixes and not: untouched throughout.
	ip -n "${H[1]}" route add 10.20.3.0/24 dev eth0 table 100 proto static
	ip -n "${H[1]}" route add 10.20.5.0/24 dev eth0 metric 500 proto boot
	ip -n "${H[1]}" route add 172.16.0.0/16 via 192.168.60.2 proto 158
	foreign=$(foreign_routes)
	mesh_of gre 1 2 3 4 5
	run mesh_pings 4 1 2 3 4 5
	assert_output ""
	run mesh_pings 6 1 2 3 4 5
	assert_output ""
	# The file grows by h6 (written elsewhere, renamed over): all converge.
	mesh_list gre 1 2 3 4 5 6 >"$LIST.new"
	mv "$LIST.new" "$LIST"
	node_start 6
	wait_until 20 converged gre 1 2 3 4 5 6
	run mesh_pings 4 1 2 3 4 5 6
	assert_output ""
	# h3 leaves the file: its routes are gone from every node.
	node_stop 3
	mesh_list gre 1 2 4 5 6 >"$LIST.new"
	mv "$LIST.new" "$LIST"
	wait_until 20 converged gre 1 2 4 5 6
	for i in 1 2 4 5 6; do
		run ip -n "${H[i]}" route show table all 10.20.3.0/24 proto 157
		assert_output ""
	done
	run mesh_pings 4 1 2 4 5 6
	assert_output ""
	for i in 1 2 4 5 6; do
		node_stop "$i"
	done
	[[ "$(foreign_routes)" == "$foreign" ]]
}

@test "ipip: five controllers, every ping; one leaves" {
	mesh_of ipip 1 2 3 4 5
	run mesh_pings 4 1 2 3 4 5
	assert_output ""
	mesh_list ipip 1 2 3 4 >"$LIST.new"
	mv "$LIST.new" "$LIST"
	wait_until 20 converged ipip 1 2 3 4
	run mesh_pings 4 1 2 3 4
	assert_output ""
	for i in 1 2 3 4 5; do
		node_stop "$i"
	done
}

@test "the tunnel device deleted, or set down and up: the controller puts it all back" {
	mesh_of gre 1 2
	ip -n "${H[1]}" link del tun0
	wait_until 10 converged gre 1 2
	run ip -n "${H[1]}" -d -j link show tun0
	run jq -c '.[0] | [.linkinfo.info_kind, .linkinfo.info_data.external, (.flags | index("UP") != null)]' <<<"$output"
	assert_output '["gre",true,true]'
	run mesh_pings 4 1 2
	assert_output ""
	ip -n "${H[2]}" link set tun0 down
	ip -n "${H[2]}" link set tun0 up
	wait_until 10 converged gre 1 2
	ip -n "${H[2]}" link set tun0 down
	wait_until 10 converged gre 1 2
	run ip -n "${H[2]}" -j link show tun0
	run jq -r '.[0].flags | index("UP") != null' <<<"$output"
	assert_output true
	run mesh_pings 4 1 2
	assert_output ""
	node_stop 1
	node_stop 2
}

# spoof_setup MODE: host 6 (192.168.60.6, not in the list) sends its overlay
# traffic to h1 through an external MODE device, as if it were a peer.
spoof_setup() {
	local mode=$1
	ip -n "${H[6]}" link add tun0 type "$mode" external
	ip -n "${H[6]}" link set tun0 up
	if [[ $mode == gre ]]; then
		ip -n "${H[6]}" route add 10.20.1.0/24 encap ip id 1006 dst 192.168.60.1 ttl 64 key dev tun0
	else
		ip -n "${H[6]}" route add 10.20.1.0/24 encap ip dst 192.168.60.1 ttl 64 dev tun0
	fi
}

rx_packets() {
	ip -n "${H[1]}" -s -j link show tun0 | jq '.[0].stats64.rx.packets'
}

@test "spoofing: GRE and IPIP from a source not in the list reach no overlay; from a listed peer they do" {
	for mode in gre ipip; do
		mesh_of "$mode" 1 2
		spoof_setup "$mode"
		dropped=$(ctrld_json_of 1 .firewall.dropped_packets)
		rx=$(rx_packets)
		run ip netns exec "${H[6]}" ping -q -c 5 -i 0.2 -W 1 -I 10.20.6.1 10.20.1.1
		assert_failure
		run ctrld_json_of 1 ".firewall.dropped_packets - $dropped"
		assert_output 5
		run rx_packets
		assert_output "$rx"
		# h6 joins the list: the same packets are now delivered (and answered).
		mesh_list "$mode" 1 2 6 >"$LIST.new"
		mv "$LIST.new" "$LIST"
		wait_until 10 has_routes 1 "$(want_routes "$mode" 1 1 2 6)"
		wait_until 10 bash -c "$TUNNELCTL -j ctrl status socket ${SOCK[1]} | jq -e '.firewall.addresses == 3'"
		dropped=$(ctrld_json_of 1 .firewall.dropped_packets)
		run ip netns exec "${H[6]}" ping -q -c 3 -i 0.2 -W 2 -I 10.20.6.1 10.20.1.1
		assert_success
		run ctrld_json_of 1 ".firewall.dropped_packets - $dropped"
		assert_output 0
		node_stop 1
		node_stop 2
		for i in 1 2 6; do
			ip -n "${H[i]}" link del tun0
		done
		ip -n "${H[1]}" route flush proto 157
	done
}

ctrld_json_of() {
	"$TUNNELCTL" -j ctrl status socket "${SOCK[$1]}" | jq -c "$2"
}
