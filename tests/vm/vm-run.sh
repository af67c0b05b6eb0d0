#!/usr/bin/env bash
# Run one command inside a throw-away VM that boots the installed Debian
# kernel, so tests can use kernel features the host kernel lacks (gre, ipip).
#
#   tests/vm/vm-run.sh [--timeout SECONDS] [--mem MB] -- COMMAND [ARGS...]
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

RUN=""        # this run's scratch directory under build/vm
QEMU_PID=""   # the `timeout` wrapping qemu
TAIL_PID=""   # the follower copying the output to stdout

usage() {
	echo "usage: $0 [--timeout SECONDS] [--mem MB] -- COMMAND [ARGS...]" >&2
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

# The run directory: share/ is the guest's writable "out" share (the repo
# path and command script in, the status out); the logs stay beside it,
# out of the guest's reach.
prepare_run_dir() {
	mkdir -p "$VM_DIR"
	RUN=$(mktemp -d "$VM_DIR/run.XXXXXX")
	mkdir "$RUN/share"
	printf '%s\n' "$REPO" >"$RUN/share/repo"
	{
		printf 'cd -- %q || exit 125\n' "$REPO"
		printf 'exec'
		printf ' %q' "${CMD[@]}"
		printf '\n'
	} >"$RUN/share/cmd.sh"
	: >"$RUN/output.log"
	: >"$RUN/console.log"
}

# qemu option values are comma-separated: a literal comma is doubled.
qemu_escape() {
	printf '%s' "${1//,/,,}"
}

# Boot in the background under `timeout` (which answers 124 when it fires
# and forwards our SIGTERM to qemu). TCG, not KVM: guests hang under this
# machine's /dev/kvm. panic=-1 plus -no-reboot make a panicking guest end
# qemu at once instead of hanging until the timeout.
start_qemu() {
	local ver=$1 initrd=$2 nonce=$3
	timeout --kill-after=10 "$TIMEOUT" \
		qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -monitor none -no-reboot \
		-accel tcg,thread=multi -cpu max -smp "$SMP" -m "$MEM" \
		-kernel "/boot/vmlinuz-$ver" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 tunnelctl_vm.nonce=$nonce" \
		-chardev "file,id=console,path=$(qemu_escape "$RUN/console.log")" \
		-serial chardev:console \
		-chardev "file,id=output,path=$(qemu_escape "$RUN/output.log")" \
		-serial chardev:output \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=root \
		-fsdev "local,id=out,path=$(qemu_escape "$RUN/share"),security_model=none" \
		-device virtio-9p-pci,fsdev=out,mount_tag=out \
		</dev/null >"$RUN/qemu.log" 2>&1 &
	QEMU_PID=$!
}

# Copy the command's output to our stdout as it arrives; tail ends by itself
# (within 0.2 s, its -s poll) once qemu is gone and everything has been copied.
start_streaming() {
	tail -c +1 -f -s 0.2 --pid="$QEMU_PID" "$RUN/output.log" &
	TAIL_PID=$!
}

# Keep the logs of the last run where people look for them, and drop the
# rest of the run directory.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	[[ -n $TAIL_PID ]] && kill "$TAIL_PID" 2>/dev/null
	[[ -n $RUN && -d $RUN ]] || return 0
	mv -f "$RUN/console.log" "$VM_DIR/console.log" 2>/dev/null
	mv -f "$RUN/output.log" "$VM_DIR/output.log" 2>/dev/null
	rm -f "$VM_DIR/qemu.log"
	[[ -s $RUN/qemu.log ]] && mv -f "$RUN/qemu.log" "$VM_DIR/qemu.log"
	rm -rf "$RUN"
	return 0
}

# Ctrl-C / SIGTERM / SIGHUP: take qemu down with us. (Ctrl-C does not
# reach qemu itself: `timeout` runs it in a process group of its own.)
# shellcheck disable=SC2317 # called from the INT/TERM/HUP traps
on_signal() {
	local sig=$1
	trap - INT TERM HUP
	if [[ -n $QEMU_PID ]]; then
		kill -TERM "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	echo "vm-run: interrupted (SIG$sig); guest console: $VM_DIR/console.log" >&2
	exit $((128 + $(kill -l "$sig")))
}

dump_console() {
	echo "---- guest console ($VM_DIR/console.log) ----" >&2
	tr -d '\r' <"$RUN/console.log" >&2
	if [[ -s $RUN/qemu.log ]]; then
		echo "---- qemu ($VM_DIR/qemu.log) ----" >&2
		cat "$RUN/qemu.log" >&2
	fi
	echo "---- end of guest console ----" >&2
}

# Print the command's status: from the share, else from the console marker;
# print nothing if the guest reported none.
guest_status() {
	local nonce=$1 rc
	if [[ -f $RUN/share/status ]]; then
		rc=$(<"$RUN/share/status")
	else
		rc=$(grep -ao "TUNNELCTL_VM_STATUS nonce=$nonce rc=[0-9]*" "$RUN/console.log" |
			tail -n 1 | sed 's/.*rc=//') || true
	fi
	[[ $rc =~ ^[0-9]+$ ]] && echo "$rc"
	return 0
}

main() {
	parse_args "$@"
	require_tools
	local ver initrd nonce qemu_rc=0 rc
	ver=$(vm_kernel_version)
	initrd=$(initramfs_for "$ver")
	nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

	trap cleanup EXIT
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP
	prepare_run_dir
	start_qemu "$ver" "$initrd" "$nonce"
	start_streaming
	wait "$QEMU_PID" || qemu_rc=$?
	QEMU_PID=""
	wait "$TAIL_PID" || true
	TAIL_PID=""

	# 124: timeout fired; 137: it had to SIGKILL qemu after that.
	if ((qemu_rc == 124 || qemu_rc == 137)); then
		dump_console
		echo "vm-run: guest did not finish within ${TIMEOUT}s; console: $VM_DIR/console.log" >&2
		exit 124
	fi
	rc=$(guest_status "$nonce")
	if [[ -z $rc ]]; then
		dump_console
		echo "vm-run: guest ended without a status (qemu exit $qemu_rc);" \
			"console: $VM_DIR/console.log" >&2
		exit 125
	fi
	if ((rc != 0)); then
		# The kernel's side of a failure (warnings, oopses) is on the console.
		dump_console
		echo "vm-run: command exited $rc; guest console: $VM_DIR/console.log" >&2
	fi
	exit "$rc"
}

main "$@"
