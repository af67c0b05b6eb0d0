#!/usr/bin/env bash
# The two-guest tier: several phases in one boot of the two guests, each
# phase a file of this directory defining phase_a and phase_b.  Run in both
# guests of
#
#   tests/vm/vm-run.sh --pair -- tests/vm/pair/run.sh [PHASE...]
#
# (make check-vm-pair), PHASE one of the files' names without .sh; all of
# them, in this order, by default:
#
#   gre_interop  flowtun GRE (a) against the in-tree `gre external` (b)
#   kmod_kmod    flowtun on both guests, GRE then IPIP (and 6in4)
#
# The underlay: a is 192.168.100.1 and b 192.168.100.2 on eth0, joined by
# the harness's socket network, with checksum offload off so that every
# checksum on the wire is computed.  The guests keep in step with `meet`.
# Prints "ok"/"not ok" lines and "N passed, N failed" last; exits non-zero
# when any check failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/pair/lib.sh
source "$HERE/lib.sh"

PHASES=("$@")
((${#PHASES[@]})) || PHASES=(gre_interop kmod_kmod)

underlay() {
	modprobe -r ip_gre 2>/dev/null
	modprobe -a gre tunnel4 tunnel6 || return 1
	ip addr add "$UNDERLAY_SELF/24" dev eth0 || return 1
	ethtool -K eth0 tx off
	ethtool -k eth0 | grep -x 'tx-checksumming: off' || return 1
	if [[ $ROLE == a ]]; then
		ip addr add 10.50.1.1/32 dev lo
		ip addr add fd50:1::1/128 dev lo nodad
		ip addr add 10.51.1.1/32 dev lo
		ip addr add fd51:1::1/128 dev lo nodad
	else
		ip addr add 10.50.2.1/32 dev lo
		ip addr add fd50:2::1/128 dev lo nodad
		ip addr add 10.51.2.1/32 dev lo
		ip addr add fd51:2::1/128 dev lo nodad
	fi
	make_payload "$WORK/payload"
}

check "$ROLE: underlay $UNDERLAY_SELF on eth0, tx checksum offload off" underlay
for phase in "${PHASES[@]}"; do
	echo "# $ROLE: phase $phase"
	# shellcheck source=/dev/null
	if ! source "$HERE/$phase.sh" || ! "phase_$ROLE"; then
		not_ok "$ROLE: phase $phase did not finish"
	fi
	unset -f phase_a phase_b
done
if dmesg | grep -E 'BUG:|Oops|WARNING:|Call Trace' >"$WORK/dmesg"; then
	not_ok "$ROLE: the kernel complained"
	sed 's/^/#   /' "$WORK/dmesg"
else
	ok "$ROLE: no bug, oops or warning in dmesg"
fi
echo "$ROLE: $passed passed, $failed failed"
rm -rf "$WORK"
((failed == 0))
