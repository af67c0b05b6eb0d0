# Phase gre_interop of tests/vm/pair/run.sh: the flowtun module against the
# in-tree GRE device, on the wire between two kernels (one GRE version-0
# slot per kernel means flowtun and ip_gre cannot meet in one).
#
# a: flowtun in GRE mode, overlay 10.50.1.1 and fd50:1::1, set up by tunnelctl
# b: `ip link add gre1 type gre external`, overlay 10.50.2.1 and fd50:2::1
# Each pings the other's overlay (IPv4, then IPv6 inside); a fetches 4 MB
# from b's web server over the tunnel, IPv4 then IPv6 inside, and checks its
# sha256, while b checks the inner TCP checksums of what it sends; a
# capture on a shows the GRE keys and ttls both ways.  At the end both
# delete their devices and b unloads ip_gre, for the phases that follow.
# shellcheck shell=bash

gre_interop_setup_a() {
	lsmod | grep -q '^flowtun ' || insmod "$KO" || return 1
	# mtu 1400 both ends: b's in-tree default (1476) leaves no room for
	# the key, so its full-size TCP segments would leave in outer
	# fragments, out of reach of the capture's checksum check
	"$TUNNELCTL" dev add ft0 mode gre datapath kmod mtu 1400 &&
		"$TUNNELCTL" route add 10.50.2.0/24 id 100 dst 192.168.100.2 ttl 33 dev ft0 &&
		"$TUNNELCTL" route add fd50:2::/64 id 100 dst 192.168.100.2 ttl 33 dev ft0 &&
		"$TUNNELCTL" peer add ft0 192.168.100.2 id 100
}

gre_interop_setup_b() {
	ip link add gre1 type gre external &&
		ip link set gre1 mtu 1400 up &&
		ip route add 10.50.1.0/24 encap ip id 200 dst 192.168.100.1 ttl 44 key dev gre1 &&
		ip route add fd50:1::/64 encap ip id 200 dst 192.168.100.1 ttl 44 key dev gre1
}

phase_a() {
	check "a: flowtun gre device, routes and peer by tunnelctl" gre_interop_setup_a
	meet gre-interop-up || return 1
	capture_start "$WORK/cap" 'ip proto 47'
	check "a: IPv4 ping to b's overlay over in-tree gre" until_ok 60 ping -c 1 -W 1 -I 10.50.1.1 10.50.2.1
	check "a: IPv6 inside GRE to b" ping -6 -c 3 -i 0.3 -W 2 -I fd50:1::1 fd50:2::1
	capture_stop "$WORK/cap" >"$WORK/cap1"
	check "a: on the wire, a's GRE key 0x64 with ttl 33" in_capture "$WORK/cap1" 'ttl 33,.*192\.168\.100\.1 > 192\.168\.100\.2: GREv0, Flags \[key present\], key=0x64'
	check "a: on the wire, b's GRE key 0xc8 with ttl 44" in_capture "$WORK/cap1" 'ttl 44,.*192\.168\.100\.2 > 192\.168\.100\.1: GREv0, Flags \[key present\], key=0xc8'
	meet gre-interop-served || return 1
	transfer gi-tcp4 a 10.50.1.1 http://10.50.2.1:8080/payload "IPv4 inside" 'ip proto 47'
	transfer gi-tcp6 a fd50:1::1 'http://[fd50:2::1]:8080/payload' "IPv6 inside" 'ip proto 47'
	"$TUNNELCTL" -j peer show 192.168.100.2 dev ft0 >"$WORK/peer"
	echo "# a: peer 192.168.100.2: $(jq -c '.[0].stats | {rx_packets, rx_bytes, tx_packets, tx_bytes}' "$WORK/peer")"
	# 8 MB received: at least that many inner bytes, however GRO grouped them.
	check "a: the peer's counters saw both transfers" jq -e '.[0].stats.rx_bytes > 8000000 and .[0].stats.tx_packets > 10' "$WORK/peer"
	meet gre-interop-done || return 1
	check "a: flowtun device deleted" "$TUNNELCTL" dev del ft0
}

phase_b() {
	check "b: in-tree external gre device and routes" gre_interop_setup_b
	meet gre-interop-up || return 1
	check "b: IPv4 ping to a's overlay over flowtun" until_ok 60 ping -c 1 -W 1 -I 10.50.2.1 10.50.1.1
	busybox httpd -f -p 8080 -h "$WORK" &
	local httpd=$!
	meet gre-interop-served || return 1
	transfer gi-tcp4 a 10.50.1.1 http://10.50.2.1:8080/payload "IPv4 inside" 'ip proto 47'
	transfer gi-tcp6 a fd50:1::1 'http://[fd50:2::1]:8080/payload' "IPv6 inside" 'ip proto 47'
	meet gre-interop-done
	kill "$httpd" 2>/dev/null
	wait "$httpd" 2>/dev/null
	# modprobe -r takes gre.ko too: the GRE demultiplexer flowtun needs
	check "b: in-tree gre device deleted, ip_gre unloaded" \
		bash -c 'ip link del gre1 && modprobe -r ip_gre && modprobe -a gre tunnel4 tunnel6'
}
