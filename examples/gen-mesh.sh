#!/bin/bash
# gen-mesh.sh: write a synthetic peer list (format version 1) to stdout.
#
#   examples/gen-mesh.sh N [-k PREFIXES_PER_PEER] [-d DEVICE] [-m MODE] [--unmanaged]
#
# Peer i (0 <= i < N) is named "p<i>", has id i+1, the (i+1)-th address after
# 100.64.0.0 as its underlay, and K prefixes: prefix j is the (i*K+j)-th /28
# inside 10.0.0.0/8.  Every value is a function of (i, j) alone, so one awk
# pass prints the list without building anything in memory; 10.0.0.0/8 holds
# 2^20 /28s, hence N*K <= 1048576.
#
# Exit status: 0 success, 2 usage error (nothing is printed then).
set -euo pipefail

prog=${0##*/}
max_prefixes=1048576

usage() {
	echo "usage: $prog N [-k PREFIXES_PER_PEER] [-d DEVICE] [-m MODE] [--unmanaged]" >&2
	exit 2
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

# A decimal count, small enough that bash arithmetic cannot overflow.
is_count() {
	[[ $1 =~ ^[0-9]{1,9}$ ]]
}

n='' k=1 dev=gre01 mode=gre unmanaged=0
while (($#)); do
	case $1 in
	-k|-d|-m)
		(($# >= 2)) || die "$1 needs a value"
		case $1 in
		-k) k=$2 ;;
		-d) dev=$2 ;;
		-m) mode=$2 ;;
		esac
		shift 2
		;;
	--unmanaged) unmanaged=1; shift ;;
	-h|--help) usage ;;
	--) shift; (($# <= 1)) || usage; (($# == 0)) || { [[ -z $n ]] || usage; n=$1; }; break ;;
	-*) die "unknown option \"$1\"" ;;
	*) [[ -z $n ]] || usage; n=$1; shift ;;
	esac
done

[[ -n $n ]] || usage
if ! is_count "$n" || ((10#$n < 1)); then die "N must be a positive integer, not \"$n\""; fi
if ! is_count "$k" || ((10#$k < 1)); then die "-k must be a positive integer, not \"$k\""; fi
n=$((10#$n)) k=$((10#$k))
((n * k <= max_prefixes)) ||
	die "$n peers x $k prefixes = $((n * k)) /28s, but 10.0.0.0/8 holds only $max_prefixes"
# The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
[[ ${#dev} -ge 1 && ${#dev} -le 15 && $dev != . && $dev != .. &&
	$dev != *[/:[:space:]]* ]] || die "invalid device name \"$dev\""
[[ $mode != *[[:cntrl:]]* ]] || die "invalid mode \"$mode\""

# Device and mode are the only strings from the user: quote them for JSON here
# (awk's gsub() disagrees between implementations about backslashes) and pass
# them through the environment (awk -v would interpret escapes in them).
jstr() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}
export GM_DEV GM_MODE
GM_DEV=$(jstr "$dev") GM_MODE=$(jstr "$mode")

exec awk -v n="$n" -v k="$k" -v unmanaged="$unmanaged" '
BEGIN {
	d = ENVIRON["GM_DEV"]
	if (unmanaged)
		devobj = "{ \"name\": " d ", \"unmanaged\": true }"
	else
		devobj = "{ \"name\": " d ", \"mode\": " ENVIRON["GM_MODE"] " }"
	printf "{\n  \"version\": 1,\n  \"devices\": [ %s ],\n", devobj
	printf "  \"defaults\": { \"device\": %s, \"ttl\": 64 },\n  \"peers\": [\n", d

	for (i = 0; i < n; i++) {
		a = i + 1	# offset of the underlay from 100.64.0.0
		printf "    { \"name\": \"p%d\", \"underlay\": \"100.%d.%d.%d\", \"id\": %d, \"prefixes\": [ ", \
			i, 64 + int(a / 65536), int(a / 256) % 256, a % 256, a
		# Printed piece by piece: concatenating K strings is quadratic in awk.
		for (j = 0; j < k; j++) {
			x = (i * k + j) * 16	# offset of the /28 from 10.0.0.0
			printf "%s\"10.%d.%d.%d/28\"", (j ? ", " : ""), \
				int(x / 65536), int(x / 256) % 256, x % 256
		}
		printf " ] }%s\n", (i < n - 1 ? "," : "")
	}
	printf "  ]\n}\n"
}'
