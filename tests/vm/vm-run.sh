#!/usr/bin/env bash
# Run one command inside a throw-away VM that boots the installed Debian
# kernel, so tests can use kernel features the host kernel lacks (gre, ipip).
#
#   tests/vm/vm-run.sh [--timeout SECONDS] [--mem MB] [--pair] -- COMMAND [ARGS...]
#
# --pair boots two guests, a and b, each running COMMAND with
# TUNNELCTL_VM_ROLE=a or b, their eth0 joined by a qemu socket network on
# 127.0.0.1 (for what needs two kernels, such as two owners of the one GRE
# slot). Their output is streamed with "a| " and "b| " in front; the status
# is a's, or b's when a's is 0.
#
# The guest sees the host's root filesystem read-only (9p), with fresh
# /tmp /var/tmp /run /root tmpfs, and runs COMMAND as root in the repo root
# with TUNNELCTL_IN_VM=1, stdin /dev/null and a clean environment (pass
# variables with `env VAR=value COMMAND`). COMMAND's stdout+stderr are
# streamed to our stdout as it runs; we exit with its status, or
#   124  the guest did not finish within --timeout (default 900 s)
#   125  the guest ended without reporting a status (panic, init failure)
#   2    bad usage, or a host tool is missing
# On a nonzero result the whole guest console and its path
# (build/vm/console.log) are printed on stderr.
#
# How the status comes back: the guest writes it to a file on a second,
# writable 9p share (this run's directory); that cannot be confused with
# anything the kernel or the command prints. If the file is missing we fall
# back to a "TUNNELCTL_VM_STATUS nonce=<random> rc=N" line that init prints
# on the console; the nonce is fresh per run, passed on the kernel command
# line, so neither an old log nor the command's own output can fake it.
#
# Why a second serial port for the output: the kernel console (ttyS0) also
# carries firmware text (whose last line has no newline) and printk; the
# command alone writes to ttyS1, which qemu appends to a file that we
# follow. So the output is exact bytes, live, with no marker to parse.
#
# Works without a terminal or stdin (CI): qemu gets </dev/null, no display,
# no monitor; everything goes to files.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VM_DIR=$REPO/build/vm
# shellcheck source=tests/vm/kernel.sh
source "$HERE/kernel.sh"

TIMEOUT=900
MEM=1024
SMP=2 # this machine has two cores; TCG runs one thread per vCPU

PAIR=0
ROLES=("")    # the guests: "" alone, or a and b with --pair
RUNS=()       # each guest's scratch directory under build/vm
QEMU_PIDS=()  # each guest's `timeout` wrapping qemu
TAIL_PIDS=()  # the followers copying the output to stdout

usage() {
	echo "usage: $0 [--timeout SECONDS] [--mem MB] [--pair] -- COMMAND [ARGS...]" >&2
	exit 2
}

# Debian packages: qemu-system-x86, linux-image-amd64, busybox-static, cpio.
require_tools() {
	local tool
	for tool in qemu-system-x86_64 cpio gzip timeout tail; do
		command -v "$tool" >/dev/null || {
			echo "vm-run: $tool not found (apt-get install qemu-system-x86 cpio)" >&2
			exit 2
		}
	done
}

require_number() {
	[[ $2 =~ ^[1-9][0-9]*$ ]] || {
		echo "vm-run: $1 wants a positive integer, got '$2'" >&2
		exit 2
	}
}

# Sets TIMEOUT, MEM and CMD (the command and its arguments).
parse_args() {
	while (($#)); do
		case $1 in
		--timeout) (($# >= 2)) || usage; require_number "$1" "$2"; TIMEOUT=$2; shift 2 ;;
		--mem) (($# >= 2)) || usage; require_number "$1" "$2"; MEM=$2; shift 2 ;;
		--pair) PAIR=1; ROLES=(a b); shift ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	(($#)) || usage
	CMD=("$@")
}

# Print the path of an initramfs for kernel $1, building it when there is
# none for this kernel build and these harness scripts: the key hashes
# both, so any change to either rebuilds and stale ones are removed.
initramfs_for() {
	local ver=$1 key path
	key=$({
		echo "$ver"
		stat -c '%s %Y' "/boot/vmlinuz-$ver"
		cat "$HERE"/*.sh
	} | sha256sum | cut -c1-16)
	path=$VM_DIR/initramfs-$ver-$key.cpio.gz
	if [[ ! -s $path ]]; then
		echo "vm-run: building initramfs for $ver" >&2
		mkdir -p "$VM_DIR"
		find "$VM_DIR" -maxdepth 1 -name 'initramfs-*.cpio.gz' -delete
		"$HERE/mkinitramfs.sh" "$ver" "$path" >&2
	fi
	echo "$path"
}

# A guest's run directory: share/ is its writable "out" share (the repo
# path and command script in, the status out); the logs stay beside it,
# out of the guest's reach.  Prints its path.
prepare_run_dir() {
	local run
	mkdir -p "$VM_DIR"
	run=$(mktemp -d "$VM_DIR/run.XXXXXX")
	mkdir "$run/share"
	printf '%s\n' "$REPO" >"$run/share/repo"
	{
		printf 'cd -- %q || exit 125\n' "$REPO"
		printf 'exec'
		printf ' %q' "${CMD[@]}"
		printf '\n'
	} >"$run/share/cmd.sh"
	: >"$run/output.log"
	: >"$run/console.log"
	echo "$run"
}

# qemu option values are comma-separated: a literal comma is doubled.
qemu_escape() {
	printf '%s' "${1//,/,,}"
}

# Two free UDP ports on 127.0.0.1, for a pair's socket network.
pair_ports() {
	local p
	p=$((20000 + RANDOM % 20000))
	echo "$p $((p + 1))"
}

# The NIC of guest ROLE of a pair: qemu's UDP socket netdev, each guest
# sending to the other's port.
nic_args() {
	local role=$1 pa=$2 pb=$3
	[[ -n $role ]] || return 0
	if [[ $role == a ]]; then
		echo "-netdev socket,id=n0,udp=127.0.0.1:$pb,localaddr=127.0.0.1:$pa" \
			"-device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0a"
	else
		echo "-netdev socket,id=n0,udp=127.0.0.1:$pa,localaddr=127.0.0.1:$pb" \
			"-device virtio-net-pci,netdev=n0,mac=52:54:00:00:00:0b"
	fi
}

# Boot one guest in the background under `timeout` (which answers 124 when
# it fires and forwards our SIGTERM to qemu); its pid goes into QEMU_PIDS.
# TCG, not KVM: guests hang under this machine's /dev/kvm. panic=-1 plus
# -no-reboot make a panicking guest end qemu at once instead of hanging
# until the timeout.
start_qemu() {
	local ver=$1 initrd=$2 nonce=$3 run=$4 role=$5 nic=$6
	# shellcheck disable=SC2086 # nic is a list of options
	timeout --kill-after=10 "$TIMEOUT" \
		qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -monitor none -no-reboot \
		-accel tcg,thread=multi -cpu max -smp "$SMP" -m "$MEM" \
		-kernel "/boot/vmlinuz-$ver" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 tunnelctl_vm.nonce=$nonce${role:+ tunnelctl_vm.role=$role}" \
		-chardev "file,id=console,path=$(qemu_escape "$run/console.log")" \
		-serial chardev:console \
		-chardev "file,id=output,path=$(qemu_escape "$run/output.log")" \
		-serial chardev:output \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=root \
		-fsdev "local,id=out,path=$(qemu_escape "$run/share"),security_model=none" \
		-device virtio-9p-pci,fsdev=out,mount_tag=out \
		$nic \
		</dev/null >"$run/qemu.log" 2>&1 &
	QEMU_PIDS+=($!)
}

# Copy a guest's output to our stdout as it arrives (with "ROLE| " in front
# for a pair); tail ends by itself (within 0.2 s, its -s poll) once qemu is
# gone and everything has been copied.
start_streaming() {
	local run=$1 role=$2 pid=$3
	if [[ -z $role ]]; then
		tail -c +1 -f -s 0.2 --pid="$pid" "$run/output.log" &
	else
		tail -c +1 -f -s 0.2 --pid="$pid" "$run/output.log" | sed -u "s/^/$role| /" &
	fi
	TAIL_PIDS+=($!)
}

# Keep the logs of the last run where people look for them (console-b.log
# and so on for the second guest of a pair), and drop the rest.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local i run sfx
	for i in "${!TAIL_PIDS[@]}"; do
		kill "${TAIL_PIDS[i]}" 2>/dev/null
	done
	for i in "${!RUNS[@]}"; do
		run=${RUNS[i]}
		[[ -n $run && -d $run ]] || continue
		sfx=""
		[[ ${ROLES[i]} == b ]] && sfx=-b
		mv -f "$run/console.log" "$VM_DIR/console$sfx.log" 2>/dev/null
		mv -f "$run/output.log" "$VM_DIR/output$sfx.log" 2>/dev/null
		rm -f "$VM_DIR/qemu$sfx.log"
		[[ -s $run/qemu.log ]] && mv -f "$run/qemu.log" "$VM_DIR/qemu$sfx.log"
		rm -rf "$run"
	done
	return 0
}

# Ctrl-C / SIGTERM / SIGHUP: take qemu down with us. (Ctrl-C does not
# reach qemu itself: `timeout` runs it in a process group of its own.)
# shellcheck disable=SC2317 # called from the INT/TERM/HUP traps
on_signal() {
	local sig=$1 pid
	trap - INT TERM HUP
	for pid in "${QEMU_PIDS[@]}"; do
		[[ -n $pid ]] || continue
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	echo "vm-run: interrupted (SIG$sig); guest console: $VM_DIR/console.log" >&2
	exit $((128 + $(kill -l "$sig")))
}

dump_console() {
	local run=$1 role=$2
	echo "---- guest ${role:+$role }console ($VM_DIR/console${role:+-$role}.log) ----" >&2
	tr -d '\r' <"$run/console.log" >&2
	if [[ -s $run/qemu.log ]]; then
		echo "---- qemu ($VM_DIR/qemu.log) ----" >&2
		cat "$run/qemu.log" >&2
	fi
	echo "---- end of guest console ----" >&2
}

# Print the command's status: from the share, else from the console marker;
# print nothing if the guest reported none.
guest_status() {
	local run=$1 nonce=$2 rc
	if [[ -f $run/share/status ]]; then
		rc=$(<"$run/share/status")
	else
		rc=$(grep -ao "TUNNELCTL_VM_STATUS nonce=$nonce rc=[0-9]*" "$run/console.log" |
			tail -n 1 | sed 's/.*rc=//') || true
	fi
	[[ $rc =~ ^[0-9]+$ ]] && echo "$rc"
	return 0
}

# The outcome of guest I: prints its status (124, 125 or the command's).
outcome() {
	local i=$1 qemu_rc=$2 nonce=$3 run=${RUNS[$1]} role=${ROLES[$1]} rc
	# 124: timeout fired; 137: it had to SIGKILL qemu after that.
	if ((qemu_rc == 124 || qemu_rc == 137)); then
		dump_console "$run" "$role"
		echo "vm-run: guest ${role:+$role }did not finish within ${TIMEOUT}s" >&2
		echo 124
		return
	fi
	rc=$(guest_status "$run" "$nonce")
	if [[ -z $rc ]]; then
		dump_console "$run" "$role"
		echo "vm-run: guest ${role:+$role }ended without a status (qemu exit $qemu_rc)" >&2
		echo 125
		return
	fi
	if ((rc != 0)); then
		# The kernel's side of a failure (warnings, oopses) is on the console.
		dump_console "$run" "$role"
		echo "vm-run: command ${role:+in guest $role }exited $rc" >&2
	fi
	echo "$rc"
}

main() {
	parse_args "$@"
	require_tools
	local ver initrd nonce i ports pa pb rc final=0
	local -a qemu_rcs=()
	ver=$(vm_kernel_version)
	initrd=$(initramfs_for "$ver")
	nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	read -r pa pb <<<"$(pair_ports)"

	trap cleanup EXIT
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP
	for i in "${!ROLES[@]}"; do
		RUNS+=("$(prepare_run_dir)")
		start_qemu "$ver" "$initrd" "$nonce" "${RUNS[i]}" "${ROLES[i]}" \
			"$(nic_args "${ROLES[i]}" "$pa" "$pb")"
		start_streaming "${RUNS[i]}" "${ROLES[i]}" "${QEMU_PIDS[i]}"
	done
	for i in "${!ROLES[@]}"; do
		qemu_rcs[i]=0
		wait "${QEMU_PIDS[i]}" || qemu_rcs[i]=$?
		QEMU_PIDS[i]=""
	done
	for i in "${!TAIL_PIDS[@]}"; do
		wait "${TAIL_PIDS[i]}" || true
	done
	TAIL_PIDS=()
	for i in "${!ROLES[@]}"; do
		rc=$(outcome "$i" "${qemu_rcs[i]}" "$nonce")
		((final != 0)) || final=$rc
	done
	((final == 0)) || echo "vm-run: guest console: $VM_DIR/console.log" >&2
	exit "$final"
}

main "$@"
