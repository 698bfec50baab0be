#!/usr/bin/env bash
# Hardware scenario: a migration cancelled while the VM is stopped and the
# VF's final state is being sent (the cancel path the patched ice restores:
# rings restarted at their positions, filters and promiscuous modes back,
# deferred mailbox messages answered). The link is throttled so that the
# stop-and-copy phase lasts; `virsh domjobabort` then cancels it. The VM
# must run here again with its network (no VF reset in the guest), and the
# guest-visible interruption is printed. Then a normal migration and back.
# Environment: tests/hw/lib.sh. Exit 77 without an E810 or configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hw_require

virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || virsh start "$ICEMIG_HW_DOMAIN" >/dev/null
step "a migration limited to 8 MiB/s, cancelled once the VM is paused"
traffic_start
virsh migrate-setspeed "$ICEMIG_HW_DOMAIN" 8
virsh migrate --live "$ICEMIG_HW_DOMAIN" "$ICEMIG_HW_DEST_URI" >/tmp/hw-cancel.log 2>&1 &
mig=$!
for _ in $(seq 1 600); do
	virsh domstate "$ICEMIG_HW_DOMAIN" 2>/dev/null | grep -q paused && break
	virsh migrate-setmaxdowntime "$ICEMIG_HW_DOMAIN" 60000 >/dev/null 2>&1 || true
	sleep 0.1
done
virsh domjobabort "$ICEMIG_HW_DOMAIN" || true
if wait "$mig"; then
	note "the migration finished before the cancel: no cancel tested"
	virsh -c "$ICEMIG_HW_DEST_URI" migrate --live --undefinesource --persistent "$ICEMIG_HW_DOMAIN" qemu:///system
	fail "could not cancel in stop-and-copy (link too fast?)"
fi
virsh migrate-setspeed "$ICEMIG_HW_DOMAIN" 0 || true
virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || fail "the VM is not running here after the cancel"
traffic_report "fault-cancel"
gx "ping -c 3 -W 2 $ICEMIG_HW_PEER >/dev/null" || fail "no network in the guest after the cancel"

step "then a normal migration and back"
"$(dirname "$0")/vf-migrate.sh"
