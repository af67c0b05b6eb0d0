#!/bin/busybox sh
# shellcheck shell=dash
# /init of the VM's initramfs (copied in by mkinitramfs.sh; runs as PID 1
# under busybox ash, NOT on the host).
#
# It mounts the host's root filesystem (9p share "root", read-only) on /host,
# gives it fresh /dev /proc /sys and writable tmpfs scratch dirs, chroots into
# it and runs the one command vm-run.sh asked for, then powers the VM off.
#
# Contract with vm-run.sh, through the writable 9p share "out" (the host's
# per-run directory):
#   in:  out/repo    the repo root (absolute host path, one line)
#        out/cmd.sh  bash script that cd's to the repo and execs the command
#   out: out/status  the command's exit status, written after it ends
# A guest of a pair (tunnelctl_vm.role=a or b on the kernel command line)
# gets TUNNELCTL_VM_ROLE and its eth0 up, wired to the other guest's.
# The command's stdout+stderr go to the second serial port (/dev/ttyS1),
# which the host streams from a file; the kernel console stays on ttyS0.
# As a fallback the status is also printed on the console, tagged with the
# nonce vm-run.sh put on the kernel command line (tunnelctl_vm.nonce=).

/bin/busybox --install -s /bin
export PATH=/bin

# The kernel could not open /dev/console (the cpio has no device nodes, so
# building it needs no root); get a console from devtmpfs first.
/bin/busybox mount -t devtmpfs dev /dev
exec </dev/null >/dev/console 2>&1

NONCE=none
ROLE=""
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# A status that is never written leaves vm-run.sh to report "no status" (125)
# with the console log, which is what it should do for any failure here.
die() {
	echo "vm-init: $*"
	halt_vm
}

halt_vm() {
	sync
	poweroff -f
	sleep 1000000 # poweroff -f does not return; never let PID 1 exit (panic)
}

read_nonce() {
	local cmdline word
	read -r cmdline </proc/cmdline
	for word in $cmdline; do
		case $word in
		tunnelctl_vm.nonce=*) NONCE=${word#*=} ;;
		tunnelctl_vm.role=*) ROLE=${word#*=} ;;
		esac
	done
}

# insmod, in dependency order, the modules mkinitramfs.sh listed in
# /etc/modules (virtio PCI transport + 9p). A module that is already loaded
# or built in is not an error worth stopping for: the mount below tells.
load_modules() {
	local mod
	while read -r mod; do
		insmod "/lib/modules/$mod" || echo "vm-init: insmod $mod failed"
	done </etc/modules
}

# msize: 9p's default 8 KiB messages make every read a round trip; 512 KB
# ones are much faster. cache=loose on the read-only root lets the guest
# cache host files (the host does not change them during a run); the out
# share keeps the default (no cache) so what we write reaches the host at once.
mount_shares() {
	mkdir -p /host /out /repo
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro root /host ||
		die "cannot mount the host root (9p tag root)"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /out ||
		die "cannot mount the run directory (9p tag out)"
	read -r REPO </out/repo || die "no out/repo"
	[ -d "/host$REPO" ] || die "repo $REPO not visible in the guest"
	# Hold on to the repo before tmpfs mounts below could hide it (a clone
	# under /tmp, say); it is put back on top of them in place_repo.
	mount -o bind "/host$REPO" /repo || die "cannot bind $REPO"
}

# The API filesystems of the chroot, fresh ones, not the host's (which the
# 9p share shows as plain, useless directories).
mount_system() {
	mount -t proc proc /host/proc || die "mount proc"
	mount -t sysfs sys /host/sys || die "mount sysfs"
	mount -t devtmpfs dev /host/dev || die "mount devtmpfs"
	mkdir -p /host/dev/pts /host/dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /host/dev/pts
	ln -sf pts/ptmx /host/dev/ptmx
	mount -t tmpfs -o mode=1777 shm /host/dev/shm
	# udev is what usually makes these; bash's <(...) and tools want them.
	ln -sf /proc/self/fd /host/dev/fd
	ln -sf /proc/self/fd/0 /host/dev/stdin
	ln -sf /proc/self/fd/1 /host/dev/stdout
	ln -sf /proc/self/fd/2 /host/dev/stderr
}

# Writable scratch space: the host root is read-only. /run is a mount of its
# own so `ip netns add` can make its /run/netns bind mounts shared; /var/run
# is a symlink to /run on Debian. /root is HOME, fresh so tools that write
# dotfiles work and the host's don't leak in.
mount_scratch() {
	mount -t tmpfs -o mode=1777 tmp /host/tmp || die "mount /tmp"
	mount -t tmpfs -o mode=1777 vartmp /host/var/tmp || die "mount /var/tmp"
	mount -t tmpfs -o mode=0755 run /host/run || die "mount /run"
	mount -t tmpfs -o mode=0700 root /host/root || die "mount /root"
	mkdir -p /host/run/netns /host/run/lock /host/run/tunnelctl-vm
}

# Put the repo back at its own path, above any tmpfs that may now cover it.
place_repo() {
	mkdir -p "/host$REPO" 2>/dev/null # exists unless a tmpfs now covers it
	mount -o move /repo "/host$REPO" || die "cannot place $REPO"
}

# Kernel module auto-loading (e.g. `ip link add type gre` asking for
# rtnl-link-gre) runs /proc/sys/kernel/modprobe in PID 1's root, which is
# this initramfs, not the host: point it at a helper that runs the host's
# modprobe inside the chroot.
enable_module_autoload() {
	printf '#!/bin/sh\nexec chroot /host /sbin/modprobe "$@"\n' >/bin/modprobe-host
	chmod 755 /bin/modprobe-host
	echo /bin/modprobe-host >/proc/sys/kernel/modprobe
}

# A guest of a pair (vm-run.sh --pair) has a virtio NIC to the other one:
# no udev here to load its driver, so load it, and bring eth0 up.
setup_pair_nic() {
	[ -n "$ROLE" ] || return 0
	chroot /host /sbin/modprobe virtio_net || die "cannot load virtio_net"
	ip link set eth0 up || die "no eth0 in a guest of a pair"
}

# Raw mode: no \n -> \r\n translation, so the host gets the bytes as written.
setup_output_port() {
	stty -F /dev/ttyS1 115200 raw -echo || die "no second serial port"
}

# Runs the command with a clean, explicit environment; stdin is /dev/null.
# Output goes straight to the serial port: no pipe, so it is not buffered
# here and the host sees it as it is written.
run_command() {
	cp /out/cmd.sh /host/run/tunnelctl-vm/cmd.sh || die "no out/cmd.sh"
	chroot /host /usr/bin/env -i \
		PATH="$GUEST_PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
		TERM=dumb TUNNELCTL_IN_VM=1 TUNNELCTL_VM_ROLE="$ROLE" \
		/bin/bash /run/tunnelctl-vm/cmd.sh </dev/null >/dev/ttyS1 2>&1
}

# stty with a setting calls tcsetattr(TCSADRAIN): it returns only once the
# serial port has sent everything, so no output is lost to the power-off.
report_status() {
	local rc=$1
	stty -F /dev/ttyS1 raw
	echo "$rc" >/out/status.tmp && mv /out/status.tmp /out/status
	sync
	# Leading newline: never share a line with anything before it.
	printf '\nTUNNELCTL_VM_STATUS nonce=%s rc=%s\n' "$NONCE" "$rc"
}

main() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	read_nonce
	load_modules
	mount_shares
	mount_system
	mount_scratch
	place_repo
	enable_module_autoload
	ip link set lo up
	setup_pair_nic
	hostname "tunnelctl-vm${ROLE:+-$ROLE}"
	setup_output_port
	echo "vm-init: $(uname -r) up; running the command from $REPO"
	run_command
	report_status $?
	halt_vm
}

main
