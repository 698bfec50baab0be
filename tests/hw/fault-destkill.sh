#!/usr/bin/env bash
# Hardware scenario: the destination QEMU is killed during the migration.
# The migration fails, the VM keeps running here with its VF and network,
# the destination VF is reset and free again.
# Environment: tests/hw/lib.sh. Exit 77 without an E810 or configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hw_require

virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || virsh start "$ICEMIG_HW_DOMAIN" >/dev/null
step "a slow migration; kill the destination QEMU once it runs"
traffic_start
virsh migrate-setspeed "$ICEMIG_HW_DOMAIN" 8
virsh migrate --live "$ICEMIG_HW_DOMAIN" "$ICEMIG_HW_DEST_URI" >/tmp/hw-destkill.log 2>&1 &
mig=$!
for _ in $(seq 1 300); do
	hx dest "pgrep -f 'qemu.*-name guest=$ICEMIG_HW_DOMAIN' >/dev/null" && break
	sleep 0.1
done
sleep 2
hx dest "pkill -9 -f 'qemu.*-name guest=$ICEMIG_HW_DOMAIN'" || fail "no destination QEMU to kill"
if wait "$mig"; then fail "the migration succeeded although the destination was killed"; fi
virsh migrate-setspeed "$ICEMIG_HW_DOMAIN" 0 || true
virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || fail "the VM is not running here"
traffic_report "fault-destkill"
hx dest "! virsh list --name | grep -qx '$ICEMIG_HW_DOMAIN'" || fail "a domain is left on the destination"
echo "fault-destkill: E810 hardware: passed"
