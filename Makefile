# icemig top-level Makefile.
#
#   make          build the kernel modules and the icemig helper
#   make demo     boot the emulated two-host rig and live-migrate a VM holding
#                 a VF, verifying the VF state on the destination (report)
#   make check    unit tests, the E810 provider build and its checks
#                 (scripts/ice-check), the hardware kit (SKIPs without E810),
#                 then the rig scenarios and the fault, load and
#                 soak scenarios (docs/reliability.md), all in one rig boot
#   make check-faults  the fault, load and soak scenarios alone, in the rig
#   make check-debug  build (once; cached in /var/cache/icemig) a lockdep +
#                 KASAN rig kernel, boot the rig on it and run DEBUG_SCENARIOS;
#                 any kernel report (lockdep, KASAN, WARN, BUG, ...) fails it.
#                 One scenario: make check-debug DEBUG_SCENARIOS=uapi
#   make soak     the soak alone, longer: SOAK_MIGRATIONS (default 200)
#   make unit     unit tests only (no rig)
#   make fuzz     fuzz the stream decoder for FUZZ_SECONDS (default 60)
#   make bench    benchmarks: one table (migration with and without a VF,
#                 kernel save/load, hook, VF provisioning) and bench/results/*.json
#   make install  icemig, the libvirt hook, man page, sample configuration and
#                 icemig-provision.service (PREFIX, DESTDIR), then the modules
#                 through DKMS (run only when dkms is installed and DESTDIR is empty)
#   make ice      the patched ice driver and ice_mig_glue (kernel/ice/build.sh,
#                 docs/e810.md): applies kernel/ice/*.patch to the target
#                 kernel's ice sources in ${ICEMIG_CACHE:-/var/cache/icemig}/
#                 ice-build/, builds and checks (checkpatch, W=1, modpost,
#                 symbol CRCs, structure fields); not part of make check
#   make install-ice  the icemig-ice DKMS package: patched ice + ice_mig_glue
#                 into updates/dkms/ for KVER (default: the running kernel),
#                 then update-initramfs (docs/e810.md)
#
# Every target that needs packages first runs scripts/install-deps, which
# does nothing when everything is installed.

SCENARIOS ?= uapi driver-faults vf-migrate icemig-migrate hook-interface hook-inuse incompatible-dest \
	save-restore managedsave paused-migrate ice-load
FAULT_SCENARIOS ?= fault-cancel fault-destkill fault-hook fault-corrupt fault-flr \
	fault-4vf fault-crossing soak
# The debug rig run: the uAPI test, the patched ice's load and unload, and
# the fault scenarios (not the soak).
DEBUG_SCENARIOS ?= uapi driver-faults ice-load $(filter-out soak,$(FAULT_SCENARIOS))
# What .ci/run runs on the debug rig when its kernel is cached: the whole
# DEBUG_SCENARIOS take about an hour there (README), too long for CI.
DEBUG_CI_SCENARIOS ?= uapi driver-faults ice-load

all: deps kernel helper uapi-test

deps:
	@scripts/install-deps

kernel: deps
	$(MAKE) -C kernel W=1

helper: deps
	$(MAKE) -C helper

uapi-test: deps
	$(MAKE) -C tests/uapi
	$(MAKE) -C tests/fuzz seeds

# libFuzzer over the stream decoder and the descriptor: FUZZ_SECONDS=N
fuzz: deps
	$(MAKE) -C tests/fuzz run

fuzz-check: deps
	$(MAKE) -C tests/fuzz check FUZZ_SECONDS=60

unit: deps helper
	$(MAKE) -C tests/unit check
	$(MAKE) -C helper check

check: all unit fuzz-check
	scripts/ice-check
	tests/hw/run.sh
	tests/run-rig.sh $(SCENARIOS) $(FAULT_SCENARIOS)

# Fault, load and soak scenarios (docs/reliability.md) alone, in one booted
# rig; CHECK_FIRST names scenarios to run before them in the same rig.
check-faults: all
	tests/run-rig.sh $(CHECK_FIRST) $(FAULT_SCENARIOS)

# The rig on the debug kernel (scripts/check-debug): not part of make check.
# DEBUG_CACHED_ONLY=1: skip (one line saying why) when the debug kernel is
# not built yet instead of building it (.ci/run).
check-debug: deps helper uapi-test
	scripts/check-debug $(if $(filter 1,$(DEBUG_CACHED_ONLY)),--cached-only) $(DEBUG_SCENARIOS)

# The soak of make check (20 migrations) made longer; not part of make check.
SOAK_MIGRATIONS ?= 200
soak: all
	SOAK_MIGRATIONS=$(SOAK_MIGRATIONS) SCENARIO_TIMEOUT=$$(( $(SOAK_MIGRATIONS) * 30 + 300 )) \
		tests/run-rig.sh soak

demo: all
	tests/run-rig.sh vf-migrate

# Figures of one run as one table, and as JSON in bench/results/ (not part
# of make check). The hook figures are taken before the rig boots. The RAM
# series makes the bench longer than a scenario's 900 s default bound.
BENCH_TIMEOUT ?= 5400
bench: all build/pattern.elf
	@mkdir -p build
	$(MAKE) -s -C helper bench >build/bench-helper.txt
	BENCH_HELPER=$(CURDIR)/build/bench-helper.txt SCENARIO_TIMEOUT=$(BENCH_TIMEOUT) \
		tests/run-rig.sh bench

# What shortens the final pass (multifd, compression): not part of make bench
bench-options: all build/pattern.elf
	SCENARIO_TIMEOUT=$(BENCH_TIMEOUT) tests/run-rig.sh bench-options

# The bench's guest for the RAM series: a multiboot kernel filling its RAM
# with a non-zero pattern (tests/rig/guest/pattern.S).
build/pattern.elf: tests/rig/guest/pattern.S
	@mkdir -p build
	$(CC) -m32 -ffreestanding -nostdlib -static -Wl,-Ttext=0x100000 \
		-Wl,--build-id=none -o $@ $<

ice: deps
	kernel/ice/build.sh

install-ice:
	kernel/ice/dkms-install.sh

install: helper
	$(MAKE) -C helper install
	$(MAKE) -C helper install-dkms

clean:
	$(MAKE) -C kernel clean
	$(MAKE) -C helper clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/uapi clean
	$(MAKE) -C tests/fuzz clean

.PHONY: all deps kernel helper uapi-test fuzz fuzz-check unit check check-faults check-debug soak demo bench bench-options clean install ice install-ice
