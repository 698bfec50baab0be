#!/usr/bin/env bash
# Hardware scenario: the same as vf-migrate.sh through `icemig migrate`
# (descriptors in the domain metadata, the destination hook checking them),
# with its JSON summary (time, downtime, device-state bytes) printed.
# Environment: tests/hw/lib.sh. Exit 77 without an E810 or configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hw_require

virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || virsh start "$ICEMIG_HW_DOMAIN" >/dev/null
step "icemig migrate to the destination, under traffic"
traffic_start
"$ICEMIG" migrate "$ICEMIG_HW_DOMAIN" "$ICEMIG_HW_DEST_URI" --json --no-progress ||
	fail "icemig migrate failed"
traffic_report "icemig-migrate: out"

step "icemig migrate back"
traffic_start
"$ICEMIG" migrate "$ICEMIG_HW_DOMAIN" qemu:///system --connect "$ICEMIG_HW_DEST_URI" --json --no-progress ||
	fail "icemig migrate back failed"
traffic_report "icemig-migrate: back"
echo "icemig-migrate: E810 hardware: passed"
