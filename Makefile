# tunnelctl: a control plane for Linux flow-based IP tunnels.
#
#   make            build tunnelctl (and libtunnelctl.a)
#   make check      install what the tests need, run every test (host and VM tier)
#   make demo       install what it needs, show three hosts talking over gre
#   make kmod       the flowtun module, for the kernel the VM tier boots (KDIR)
#   make bench      tunnelctl against the kernel's floor and ip -batch
#   make bench-datapath  pps through the flowtun module against in-tree (VM)
#   make docs       docs/mesh.svg, the README's picture, drawn by tunnelctl graph
#   make install    PREFIX, DESTDIR, SBINDIR, MANDIR, BASHCOMPDIR, ZSHCOMPDIR,
#                   SYSCONFDIR, SYSTEMDUNITDIR

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
SYSCONFDIR ?= /etc
RTPROTOSDIR ?= $(SYSCONFDIR)/iproute2/rt_protos.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

VERSION := 0.1.0
RTPROT := 157

CC ?= gcc
PKGS := libnl-3.0 libnl-route-3.0 libnl-genl-3.0 json-c readline
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
# The controller alone speaks nftables.
CTRL_PKGS := libnftables
CTRL_CFLAGS = $(shell pkg-config --cflags $(CTRL_PKGS))
CTRL_LIBS = $(shell pkg-config --libs $(CTRL_PKGS))

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -fstack-clash-protection
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS) $(CTRL_CFLAGS) \
	-DTUNNELCTL_VERSION='"$(VERSION)"' -MMD -MP
LDHARDEN := -pie -Wl,-z,relro,-z,now
SAN_CFLAGS = -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(PKG_CFLAGS) \
	-DTUNNELCTL_VERSION='"$(VERSION)"' -MMD -MP

FUZZ_CC := clang
FUZZ_CFLAGS = -std=gnu11 $(WARN) -g -O1 -fno-omit-frame-pointer $(PKG_CFLAGS) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := fuzz_args fuzz_nlmsg fuzz_peers
# A fixed seed and run count: the same inputs every time, never a flaky check.
FUZZ_RUNS ?= 300000

LIB_SRC := $(wildcard lib/*.c)
CLI_SRC := $(wildcard cli/*.c)
CTRL_SRC := $(wildcard ctrl/*.c)
PROBE_SRC := $(wildcard tests/tools/*.c)

B := build
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
CTRL_OBJ := $(CTRL_SRC:%.c=$(B)/%.o)
SAN_CTRL_OBJ := $(CTRL_SRC:%.c=$(B)/asan/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
SAN_CLI_OBJ := $(CLI_SRC:%.c=$(B)/asan/%.o)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(B)/fuzz/%.o)

# A bare `make` builds tunnelctl, whatever the included files define first.
.DEFAULT_GOAL := all

include bench/Makefile.inc

.PHONY: kmod kmod-checkpatch check-vm-pair all check check-deps check-host check-host-asan check-vm check-docs check-fuzz \
	demo docs install uninstall clean asan fuzz bench bench-datapath

all: $(B)/tunnelctl $(B)/tunnelctld $(B)/libprobe

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"
	@$(CC) $(SAN_CFLAGS) -c -o $@ $<

$(B)/libtunnelctl.a: $(LIB_OBJ)
	@ar rcs $@ $^

$(B)/asan/libtunnelctl.a: $(SAN_LIB_OBJ)
	@ar rcs $@ $^

$(B)/tunnelctl: $(CLI_OBJ) $(B)/libtunnelctl.a
	$(CC) $(LDHARDEN) -o $@ $(CLI_OBJ) $(B)/libtunnelctl.a $(PKG_LIBS) -pthread

$(B)/tunnelctld: $(CTRL_OBJ) $(B)/libtunnelctl.a
	$(CC) $(LDHARDEN) -o $@ $(CTRL_OBJ) $(B)/libtunnelctl.a $(PKG_LIBS) $(CTRL_LIBS)

$(B)/asan/tunnelctld: $(SAN_CTRL_OBJ) $(B)/asan/libtunnelctl.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS) $(CTRL_LIBS)

$(B)/libprobe: $(PROBE_SRC:%.c=$(B)/%.o) $(B)/libtunnelctl.a
	$(CC) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

$(B)/asan/tunnelctl: $(SAN_CLI_OBJ) $(B)/asan/libtunnelctl.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS) -pthread

$(B)/asan/libprobe: $(PROBE_SRC:%.c=$(B)/asan/%.o) $(B)/asan/libtunnelctl.a
	$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

asan: $(B)/asan/tunnelctl $(B)/asan/tunnelctld $(B)/asan/libprobe

$(B)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/%: $(B)/fuzz/tests/fuzz/%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS)

fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/%)

# ---- the kernel module ------------------------------------------------------

# Built for the kernel the VM tier boots (this machine's own may differ, and
# may load no modules); KDIR=... builds it for another.
VM_KVER = $(shell bash -c '. tests/vm/kernel.sh && vm_kernel_version' 2>/dev/null)
KDIR ?= /lib/modules/$(VM_KVER)/build

kmod:
	@scripts/ensure-deps.sh kmod vm
	@$(MAKE) --no-print-directory -C kmod KDIR=$(KDIR)

# The kernel's style check (scripts/checkpatch.pl of linux-source).
kmod-checkpatch:
	@$(MAKE) --no-print-directory -C kmod checkpatch

# ---- tests --------------------------------------------------------------

check-deps:
	@scripts/ensure-deps.sh build check vm kmod fuzz

# Every parser under libFuzzer from its committed seeds, a fixed number of runs.
check-fuzz: fuzz
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz/corpus/$$t && \
		echo "  FUZZ    $$t ($(FUZZ_RUNS) runs)" && \
		$(B)/fuzz/$$t -seed=1 -runs=$(FUZZ_RUNS) -max_len=4096 -print_final_stats=0 \
			$(B)/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>$(B)/fuzz/$$t.log || \
			{ tail -40 $(B)/fuzz/$$t.log; exit 1; }; \
	done

# Host tier: unit tests of lib/ and real netlink in namespaces on this kernel.
check-host: all
	bats --print-output-on-failure tests/host

# The same suites against the AddressSanitizer/UBSan build.
check-host-asan: asan
	TUNNELCTL=$(CURDIR)/$(B)/asan/tunnelctl TUNNELCTLD=$(CURDIR)/$(B)/asan/tunnelctld LIBPROBE=$(CURDIR)/$(B)/asan/libprobe \
		bats --print-output-on-failure tests/host

# VM tier: gre/ipip need the Debian kernel, booted once for every suite.
check-vm: all kmod
	tests/vm/vm-run.sh --timeout 1500 -- bats --print-output-on-failure tests/vm

# Two kernels side by side, for what one kernel cannot hold (flowtun and
# ip_gre each want the one GRE version-0 slot) and for the module on both
# ends of a real link: flowtun against in-tree gre, then flowtun against
# flowtun (GRE, IPIP), in one boot of the two guests.
check-vm-pair: all kmod
	tests/vm/vm-run.sh --pair --timeout 900 -- tests/vm/pair/run.sh

# The committed picture is what the current code draws (the DOT is
# deterministic; the SVG is compared where Graphviz is the version that made it).
DOCS_GRAPH = $(B)/tunnelctl graph examples/mesh-gre.json --self alpha

check-docs: $(B)/tunnelctl
	mandoc -Tlint -W warning man/*.[0-9]
	$(DOCS_GRAPH) | diff -u docs/mesh.dot - || \
		{ echo "docs/mesh.dot is out of date: run make docs" >&2; exit 1; }

# ---- docs ---------------------------------------------------------------

docs: $(B)/tunnelctl
	@scripts/ensure-deps.sh check
	@mkdir -p docs
	$(DOCS_GRAPH) > docs/mesh.dot
	dot -Tsvg docs/mesh.dot > docs/mesh.svg

check: check-deps
	$(MAKE) all asan
	$(MAKE) check-docs
	$(MAKE) check-host
	$(MAKE) check-host-asan
	$(MAKE) check-fuzz
	$(MAKE) check-vm
	$(MAKE) check-vm-pair

# ---- demo ---------------------------------------------------------------

demo:
	@scripts/ensure-deps.sh build demo
	@$(MAKE) --no-print-directory all
	@examples/demo.sh

# ---- bench ------------------------------------------------------------

# tunnelctl against raw batched netlink and ip -batch; minutes, not seconds.
bench: all kmod $(BENCH_TOOLS)
	@scripts/ensure-deps.sh build bench vm
	bench/run.sh
	bench/ctrl.sh repair veth
	bench/ctrl.sh kill
	bench/ctrl.sh rss
	tests/vm/vm-run.sh --timeout 1500 -- env CTRL_OUT=/tmp/bench bench/ctrl.sh repair gre
	tests/vm/vm-run.sh --timeout 1200 -- bench/datapath.sh

# The datapath alone: pps through flowtun against in-tree ipip/gre, one boot.
bench-datapath: kmod $(BENCH_TOOLS)
	@scripts/ensure-deps.sh bench vm
	tests/vm/vm-run.sh --timeout 1200 -- bench/datapath.sh

# ---- install ------------------------------------------------------------

install: $(B)/tunnelctl $(B)/tunnelctld
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(RTPROTOSDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(B)/tunnelctl $(DESTDIR)$(SBINDIR)/tunnelctl
	install -m 0755 $(B)/tunnelctld $(DESTDIR)$(SBINDIR)/tunnelctld
	install -m 0644 man/tunnelctl.8 $(DESTDIR)$(MANDIR)/man8/tunnelctl.8
	install -m 0644 man/tunnelctld.8 $(DESTDIR)$(MANDIR)/man8/tunnelctld.8
	sed 's|/usr/local/sbin|$(SBINDIR)|g' ctrl/tunnelctld.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/tunnelctld.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/tunnelctld.service
	install -m 0644 man/tunnelctl-peers.5 $(DESTDIR)$(MANDIR)/man5/tunnelctl-peers.5
	install -m 0644 completions/tunnelctl.bash $(DESTDIR)$(BASHCOMPDIR)/tunnelctl
	install -m 0644 completions/_tunnelctl $(DESTDIR)$(ZSHCOMPDIR)/_tunnelctl
	printf '# tunnelctl marks the routes it owns with this protocol\n%s\ttunnelctl\n' \
		$(RTPROT) > $(DESTDIR)$(RTPROTOSDIR)/tunnelctl.conf
	chmod 0644 $(DESTDIR)$(RTPROTOSDIR)/tunnelctl.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/tunnelctl $(DESTDIR)$(MANDIR)/man8/tunnelctl.8 \
		$(DESTDIR)$(SBINDIR)/tunnelctld $(DESTDIR)$(MANDIR)/man8/tunnelctld.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/tunnelctld.service \
		$(DESTDIR)$(MANDIR)/man5/tunnelctl-peers.5 \
		$(DESTDIR)$(BASHCOMPDIR)/tunnelctl $(DESTDIR)$(ZSHCOMPDIR)/_tunnelctl \
		$(DESTDIR)$(RTPROTOSDIR)/tunnelctl.conf

clean:
	rm -rf $(B)
	cd kmod && rm -rf *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order \
		tools/ftctl tools/ftinject

.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
