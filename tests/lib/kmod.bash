# The flowtun module for VM-tier suites: built by `make kmod` for the guest
# kernel, loaded by each test when missing.  It holds the kernel's one GRE
# version-0 slot, so ip_gre (left loaded by earlier suites, whose
# namespaces and devices are gone) is unloaded first.
# shellcheck shell=bash

KO=$REPO/kmod/flowtun.ko

kmod_setup_file() {
	modprobe -r ip_gre 2>/dev/null || true
	modprobe -a gre tunnel4 tunnel6
}

kmod_load() {
	lsmod | grep -q '^flowtun ' || insmod "$KO"
}
