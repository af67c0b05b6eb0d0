#!/usr/bin/env bats
# A mesh on the flowtun datapath, configured only from a peer list:
# `tunnelctl apply` and tunnelctld create the flowtun devices and fill
# their peer tables with the list's other peers, so the mesh is closed to
# strangers by default (policy allowlist); IPv6 prefixes ride over the
# IPIP-mode device as 6in4.  Needs the module (make kmod), which holds the
# GRE version-0 slot: ip_gre is unloaded first.

load ../lib/common
load ../lib/mesh
load ../lib/ctrl
load ../lib/kmod

setup_file() {
	kmod_setup_file
}

teardown_file() {
	rmmod flowtun 2>/dev/null || true
}

setup() {
	kmod_load
	mesh_hosts 1 2 3 9
	LIST=$BATS_TEST_TMPDIR/mesh.json
}

teardown() {
	ctrld_stop KILL || true
	teardown_namespaces
}

# kmod_list I...: hosts I... on flowtun devices: GRE (ft0) for all but the
# last, which is reached over IPIP (ft1), its IPv6 prefix as 6in4.
kmod_list() {
	local last=${*: -1}
	mesh_list gre "$@" | jq --arg last "h$last" '
		.devices = [ { "name": "ft0", "mode": "gre", "datapath": "kmod" },
			     { "name": "ft1", "mode": "ipip", "datapath": "kmod" } ]
		| .defaults.device = "ft0"
		| (.peers[] | select(.name == $last)) |= (.device = "ft1" | .key = false)'
}

# table NS DEV: the device's peer table as "remote=id" words, sorted.
table() {
	"$TUNNELCTL" -n "$1" -j peer show dev "$2" |
		jq -r '[.[] | "\(.remote)=\(.id)"] | sort | join(" ")'
}

drops() { # NS DEV REASON
	"$TUNNELCTL" -n "$1" -j stats dev "$2" | jq -r ".devices[0].stats.drops.$3"
}

@test "apply builds a closed flowtun mesh: devices, peer tables from the list, pings (IPv4, IPv6, 6in4)" {
	kmod_list 1 2 3 >"$LIST"
	run mesh_apply "$LIST" 1 2 3
	assert_success
	tctl -n "${H[1]}" -j dev show ft0
	run jq -c '.[0].linkinfo | [.info_kind, .info_data.mode, .info_data.policy]' <<<"$output"
	assert_output '["flowtun","gre","allowlist"]'
	run table "${H[1]}" ft0
	assert_output "192.168.60.2=1002 192.168.60.3=1003"
	run table "${H[1]}" ft1
	assert_output "192.168.60.2=1002 192.168.60.3=1003"
	run table "${H[3]}" ft0
	assert_output "192.168.60.1=1001 192.168.60.2=1002"
	run mesh_pings 4 1 2 3
	assert_output ""
	# h3's IPv6 prefix is reached over the IPIP-mode device: 6in4.
	run mesh_pings 6 1 2 3
	assert_output ""
	run ip -n "${H[1]}" -6 route show fd20:3::/64
	assert_output --partial "dev ft1"
	# So does 'route add': IPv6 over a flowtun ipip device is 6in4.
	tctl -n "${H[1]}" route add fd20:77::/64 dst 192.168.60.3 dev ft1
	assert_success
	# A re-apply changes nothing.
	run "$TUNNELCTL" -n "${H[2]}" diff "$LIST"
	assert_success
	assert_output "no changes"
}

@test "a stranger's packets are dropped and counted; listed peers get through" {
	kmod_list 1 2 3 >"$LIST"
	mesh_apply "$LIST" 1 2 3
	# h9 is not in the list: it tunnels to h1 with a flowtun device of its own.
	tctl -n "${H[9]}" dev add ft0 mode gre datapath kmod
	assert_success
	tctl -n "${H[9]}" route add 10.20.1.0/24 id 1001 dst 192.168.60.1 dev ft0
	assert_success
	before=$(drops "${H[1]}" ft0 not_allowed)
	run ip netns exec "${H[9]}" ping -q -c 5 -i 0.2 -W 1 -I 10.20.9.1 10.20.1.1
	assert_failure
	after=$(drops "${H[1]}" ft0 not_allowed)
	[ $((after - before)) -eq 5 ]
	# The same packets from a listed peer are answered.
	run ip netns exec "${H[2]}" ping -q -c 2 -W 2 -I 10.20.2.1 10.20.1.1
	assert_success
	[ "$(drops "${H[1]}" ft0 not_allowed)" -eq "$after" ]
}

@test "list edits: a peer removed leaves every table, an id changed is replaced, the policy follows" {
	kmod_list 1 2 3 >"$LIST"
	mesh_apply "$LIST" 1 2 3
	kmod_list 1 3 | jq '(.peers[] | select(.name == "h3")).id = 3333
		| .devices[0].policy = "open"' >"$LIST"
	run "$TUNNELCTL" -n "${H[1]}" diff "$LIST"
	assert_failure 1
	assert_line "~ dev ft0 mode gre datapath kmod local any policy open: policy"
	assert_line "- peer 192.168.60.2 id 1002 dev ft0"
	assert_line "~ peer 192.168.60.3 id 3333 dev ft0 (h3): id was 1003"
	assert_line "- peer 192.168.60.2 id 1002 dev ft1"
	run "$TUNNELCTL" -n "${H[1]}" apply "$LIST"
	assert_success
	run table "${H[1]}" ft0
	assert_output "192.168.60.3=3333"
	run table "${H[1]}" ft1
	assert_output "192.168.60.3=3333"
	tctl -n "${H[1]}" -j dev show ft0
	run jq -r '.[0].linkinfo.info_data.policy' <<<"$output"
	assert_output "open"
	# --no-prune keeps what the list no longer names.
	"$TUNNELCTL" -n "${H[1]}" peer add ft0 192.168.60.77 id 77
	run "$TUNNELCTL" -n "${H[1]}" apply "$LIST" --no-prune
	assert_success
	run table "${H[1]}" ft0
	assert_output "192.168.60.3=3333 192.168.60.77=77"
	run "$TUNNELCTL" -n "${H[1]}" -j diff "$LIST"
	run jq -c '[.peers[] | [.action, .remote]]' <<<"$output"
	assert_output '[["delete","192.168.60.77"]]'
}

@test "a device in the way, or one of the wrong local address, fails before anything is written" {
	kmod_list 1 2 3 | jq '.devices[0].local = "192.168.60.1"' >"$LIST"
	tctl -n "${H[1]}" dev add ft0 mode gre datapath kmod
	assert_success
	before=$(kernel_state "${H[1]}")
	run "$TUNNELCTL" -n "${H[1]}" apply "$LIST"
	assert_failure 1
	assert_output --partial "devices[0]: ft0 exists as a flowtun gre device with local any, not the flowtun gre device with local 192.168.60.1 the list declares"
	[ "$(kernel_state "${H[1]}")" == "$before" ]
	run table "${H[1]}" ft0
	assert_output ""
}

@test "tunnelctld keeps the peer tables equal to the list: filled at start, repaired on resync" {
	kmod_list 1 2 3 >"$LIST"
	ctrld_start "${H[1]}" --peers "$LIST" --resync 1 --no-firewall
	run table "${H[1]}" ft0
	assert_output "192.168.60.2=1002 192.168.60.3=1003"
	# 2 devices, 4 table entries, 2 nexthops, 4 routes.
	run grep -c 'reconcile (.*): 12 changes' "$CTRLD_LOG"
	assert_output 1
	"$TUNNELCTL" -n "${H[1]}" peer del ft0 192.168.60.2
	"$TUNNELCTL" -n "${H[1]}" peer add ft1 192.168.60.99 id 99
	wait_until 10 bash -c "[[ \"\$($(declare -f table); TUNNELCTL=$TUNNELCTL table ${H[1]} ft0)\" == '192.168.60.2=1002 192.168.60.3=1003' ]]"
	wait_until 10 bash -c "[[ \"\$($(declare -f table); TUNNELCTL=$TUNNELCTL table ${H[1]} ft1)\" == '192.168.60.2=1002 192.168.60.3=1003' ]]"
	run grep -E 'add table entry 192\.168\.60\.2 of ft0 \(peer h2\): missing' "$CTRLD_LOG"
	assert_success
	run grep -E 'delete table entry 192\.168\.60\.99 of ft1 \(peer -\): not wanted' "$CTRLD_LOG"
	assert_success
	mesh_apply "$LIST" 2 3
	run mesh_pings 4 1 2 3
	assert_output ""
	ctrld_stop
}

@test "graph --live: a peer table's missing, wrong and stale entries" {
	kmod_list 1 2 3 >"$LIST"
	"$TUNNELCTL" -n "${H[1]}" apply "$LIST"
	tctl -n "${H[1]}" graph "$LIST" --live
	assert_success
	assert_output --partial 'kernel: 2 right, 0 wrong, 0 missing, 0 stale'
	"$TUNNELCTL" -n "${H[1]}" peer del ft0 192.168.60.2
	"$TUNNELCTL" -n "${H[1]}" peer replace ft1 192.168.60.3 id 9
	"$TUNNELCTL" -n "${H[1]}" peer add ft0 192.168.60.77 id 77
	tctl -n "${H[1]}" graph "$LIST" --live
	assert_success
	assert_output --partial 'kernel: 0 right, 1 wrong, 1 missing, 1 stale'
	assert_output --partial "missing from ft0's peer table"
	assert_output --partial "ft1's peer table: id 9 -> 1003"
	assert_output --partial 'label="id 77\nft0 gre\nstale:\npeer-table entry of ft0"'
	dot -Tsvg <<<"$output" >/dev/null
}
