#!/usr/bin/env bash
# Fault scenario: an FLR of the source VF while it is in PRE_COPY. The
# migration h1 -> h2 is held in its memory pre-copy (1 MiB/s, 1 ms downtime
# limit, a ~2 KiB VF state) with h1's QEMU holding the VF's save file; then
# `echo 1 > /sys/bus/pci/devices/<VF>/reset` in h1. ice_vfio_pci's
# reset_done puts the device back in RUNNING and disables the save file,
# so QEMU's next read fails (ENODEV) and the migration fails. The VM runs
# on h1, the VF RUNNING with its configuration unchanged except what an
# FLR does to it (the provider disables every queue: the guest driver sets
# them up again), counters only gone forward, no final save; h2 has no
# domain, loaded nothing, holds no reservation. Then the VM migrates to h2
# normally, carrying the post-FLR state.
#
# Usage: RIG_RUN=DIR fault-flr.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-fflr
fault_init fault-flr "$VM"
# what an FLR does to the VF state: each queue's ENABLED flag (the last
# field of txqN/rxqN) cleared
FLR_SED='s/^(cfg [0-9]+ [tr]xq[0-9]+=.*):1$/\1:0/'

step "2 VFs per host on ice_vfio_pci; $VM on h1's VF 0 with a 16-queue-pair state"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $VM \$(vf_bdf 0) && vf_set \$(vf_bdf 0) \"\$(big_state 1f)\""
fault_snap "$VM"
counts2=$(fault_counts h2)
saves0=$(frx h1 "vf_num \$(vf_bdf 0) saved saves")

step "migrate h1 -> h2, held in pre-copy (h1's QEMU reading the VF's PRE_COPY data)"
frx h1 "hold_precopy $VM && mig_start $VM h2 && wait_precopy $VM"
[ "$(frx h1 "mig_files $VM")" = save ] || fail "h1's QEMU holds no save data file: not PRE_COPY"

step "FLR of h1's VF through sysfs"
frx h1 "echo 1 >/sys/bus/pci/devices/\$(vf_bdf 0)/reset"
fault_mig_failed "$VM" h1 'No such device'
FAULT_SED=$FLR_SED fault_check "$VM@h1"
[ -z "$(probe_section h2 "dom $VM" | sed -n 's/^state //p')" ] || fail "h2 still has a domain $VM"
[ "$(fault_counts h2)" = "$counts2" ] || fail "h2's VFs were saved or loaded"
[ "$(frx h1 "vf_num \$(vf_bdf 0) saved saves")" = "$saves0" ] || fail "the VF saved a final state"
frx h1 "[ -z \"\$(mig_files $VM)\" ]" || fail "h1's QEMU still holds a migration data file"

step "then a normal migration h1 -> h2 carries the post-FLR state"
frx h1 "mig_defaults $VM && virsh migrate --live $VM qemu+tcp://icemig-h2/system"
FAULT_SED=$FLR_SED fault_check "$VM@h2"
echo "fault-flr: an FLR in PRE_COPY failed the migration (ENODEV on the save file);" \
	"$VM kept running on h1 with its VF state (queues disabled by the FLR), h2 clean;" \
	"the next migration carried that state" | tee "$RIG_RUN/report-fault-flr.txt"
