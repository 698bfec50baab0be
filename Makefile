# icemig top-level Makefile.
#
#   make          build the kernel modules and the icemig helper
#   make demo     boot the emulated two-host rig and live-migrate a VM holding
#                 a VF, verifying the VF state on the destination (report)
#   make check    unit tests, then the rig scenarios (boots the rig once)
#   make unit     unit tests only (no rig)
#   make fuzz     fuzz the stream decoder for FUZZ_SECONDS (default 60)
#   make bench    benchmarks in the rig (kernel save/load, migration figures)
#   make install  icemig, the libvirt hook, man page, sample configuration and
#                 icemig-provision.service (PREFIX, DESTDIR), then the modules
#                 through DKMS (run only when dkms is installed and DESTDIR is empty)
#
# Every target that needs packages first runs scripts/install-deps, which
# does nothing when everything is installed.

SCENARIOS ?= uapi vf-migrate icemig-migrate hook-interface incompatible-dest

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
	tests/run-rig.sh $(SCENARIOS)

demo: all
	tests/run-rig.sh vf-migrate

# Figures, printed side by side in one run (not part of make check).
bench: all
	$(MAKE) -C helper bench
	tests/run-rig.sh bench-kernel vf-migrate

install: helper
	$(MAKE) -C helper install
	$(MAKE) -C helper install-dkms

clean:
	$(MAKE) -C kernel clean
	$(MAKE) -C helper clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/uapi clean
	$(MAKE) -C tests/fuzz clean

.PHONY: all deps kernel helper uapi-test fuzz fuzz-check unit check demo bench clean install
