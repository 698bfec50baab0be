#!/usr/bin/env bash
# Load scenario: two VMs migrating at the same time in opposite directions.
# A runs on h1, B on h2, each on its host's VF 0 with its own state; both
# hosts have 2 VFs, so each destination's hook must give the incoming VM the
# VF the outgoing one does not hold, while that host's release end frees the
# other. Round 1: `virsh migrate --live` A h1 -> h2 and B h2 -> h1 started
# together; round 2: back, with `icemig migrate`, again together. After
# each round: each VM runs on exactly one host (the other), its VF
# configuration unchanged, RUNNING, counters only gone forward; the
# reservations on each host are exactly its running VM's VF; the kernel logs
# are clean.
#
# Usage: RIG_RUN=DIR fault-crossing.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

A=icemig-fcross-a
B=icemig-fcross-b
fault_init fault-crossing "$A" "$B"

step "2 VFs per host on ice_vfio_pci; $A on h1's VF 0, $B on h2's VF 0"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $A \$(vf_bdf 0) && vf_set \$(vf_bdf 0) \"\$(big_state aa)\"" &
pa=$!
frx h2 "vm_start $B \$(vf_bdf 0) && vf_set \$(vf_bdf 0) \"\$(small_state bb)\""
wait "$pa" || fail "starting $A on h1 failed"
fault_snap "$A"
fault_snap "$B"

step "round 1: virsh migrate --live $A h1 -> h2 and $B h2 -> h1, together"
frx h1 "mig_start $A h2"
frx h2 "mig_start $B h1"
frx h1 "mig_wait $A" >/dev/null &
pa=$!
frx h2 "mig_wait $B" >/dev/null || fail "the migration of $B h2 -> h1 failed: $(frx h2 "cat /tmp/mig-$B.out")"
wait "$pa" || fail "the migration of $A h1 -> h2 failed: $(frx h1 "cat /tmp/mig-$A.out")"
fault_check "$A@h2" "$B@h1"

step "round 2: icemig migrate $A h2 -> h1 and $B h1 -> h2, together"
frx h2 "\"\$ICEMIG\" migrate --no-progress $A qemu+tcp://icemig-h1/system" >/dev/null &
pa=$!
frx h1 "\"\$ICEMIG\" migrate --no-progress $B qemu+tcp://icemig-h2/system" >/dev/null ||
	fail "icemig migrate $B h1 -> h2 failed"
wait "$pa" || fail "icemig migrate $A h2 -> h1 failed"
fault_check "$A@h1" "$B@h2"
echo "fault-crossing: $A and $B crossed h1 <-> h2 twice at the same time (virsh, then" \
	"icemig migrate): states carried, reservations exact on both hosts" |
	tee "$RIG_RUN/report-fault-crossing.txt"
