# A mesh of hosts for the VM tier: namespaces H[1..N] on one bridge (in
# namespace $SW), host i at 192.168.60.i/24 and fd00:60::i/64 on eth0, with
# its overlay addresses 10.20.i.1 and fd20:i::1 on lo.
# shellcheck shell=bash

declare -a H

mesh_switch() {
	new_ns SW
	ip -n "$SW" link add br0 type bridge
	ip -n "$SW" link set br0 up
}

# mesh_host I: add host I to the bridge.
mesh_host() {
	local i=$1 ns
	new_ns ns
	H[i]=$ns
	ip link add eth0 netns "$ns" type veth peer name "port$i" netns "$SW"
	ip -n "$SW" link set "port$i" master br0 up
	ip -n "$ns" addr add "192.168.60.$i/24" dev eth0
	ip -n "$ns" addr add "fd00:60::$i/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "10.20.$i.1/32" dev lo
	ip -n "$ns" addr add "fd20:$i::1/128" dev lo nodad
}

# mesh_hosts I...: the bridge and hosts I... on it.
mesh_hosts() {
	local i
	mesh_switch
	for i in "$@"; do
		mesh_host "$i"
	done
}

# mesh_list MODE I...: the peer list of hosts I... over a MODE device (gre
# peers get an id; ipip ones cannot carry one and carry IPv4 only).
mesh_list() {
	local mode=$1 i sep=""
	shift
	printf '{ "version": 1,\n  "devices": [ { "name": "tun0", "mode": "%s" } ],\n' "$mode"
	printf '  "defaults": { "device": "tun0", "ttl": 64 },\n  "peers": [\n'
	for i in "$@"; do
		if [[ $mode == gre ]]; then
			printf '%s    { "name": "h%s", "underlay": "192.168.60.%s", "id": %s, "prefixes": [ "10.20.%s.0/24", "fd20:%s::/64" ] }' \
				"$sep" "$i" "$i" "$((1000 + i))" "$i" "$i"
		else
			printf '%s    { "name": "h%s", "underlay": "192.168.60.%s", "prefixes": [ "10.20.%s.0/24" ] }' \
				"$sep" "$i" "$i" "$i"
		fi
		sep=$',\n'
	done
	printf '\n  ]\n}\n'
}

# mesh_apply FILE I...: apply FILE on hosts I... (each finds itself by address).
mesh_apply() {
	local file=$1 i
	shift
	for i in "$@"; do
		"$TUNNELCTL" -n "${H[i]}" apply "$file" || return 1
	done
}

# mesh_pings FAMILY I...: every host pings every other's overlay address,
# from its own; prints the pairs that failed.
mesh_pings() {
	local fam=$1 i j dst src
	shift
	for i in "$@"; do
		for j in "$@"; do
			((i == j)) && continue
			if [[ $fam == 6 ]]; then
				dst=fd20:$j::1 src=fd20:$i::1
			else
				dst=10.20.$j.1 src=10.20.$i.1
			fi
			ip netns exec "${H[i]}" ping -$fam -q -c 1 -W 2 -I "$src" "$dst" >/dev/null ||
				echo "h$i -> h$j failed"
		done
	done
}
