# icemig top-level Makefile.
#
#   make          build the kernel modules and the icemig helper
#   make demo     boot the emulated two-host rig and live-migrate a VM holding
#                 a VF, verifying the VF state on the destination (report)
#   make check    unit tests, then the rig scenarios (boots the rig once)
#   make unit     unit tests only (no rig)
#
# Every target that needs packages first runs scripts/install-deps, which
# does nothing when everything is installed.

SCENARIOS ?= uapi vf-migrate

all: deps kernel helper uapi-test

deps:
	@scripts/install-deps

kernel: deps
	$(MAKE) -C kernel W=1

helper: deps
	$(MAKE) -C helper

uapi-test: deps
	$(MAKE) -C tests/uapi

unit: deps helper
	$(MAKE) -C tests/unit check
	$(MAKE) -C helper check

check: all unit
	tests/run-rig.sh $(SCENARIOS)

demo: all
	tests/run-rig.sh vf-migrate

clean:
	$(MAKE) -C kernel clean
	$(MAKE) -C helper clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/uapi clean

.PHONY: all deps kernel helper uapi-test unit check demo clean
