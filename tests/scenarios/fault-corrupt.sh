#!/usr/bin/env bash
# Fault scenario: a corrupted device-state stream. The simulated provider on
# h1 is armed (`corrupt_save` in the VF's debugfs fault file) to flip one
# bit of the next final stream it saves; the PRE_COPY previews stay intact,
# so the corruption is only seen at the switchover. h2's ice_vfio_pci must
# reject the stream on RESUMING -> STOP (checksum), loading nothing, and
# the source must resume: the migration fails, the VM runs on h1 with its
# VF configuration unchanged and counters only gone forward, h2 has no
# domain and no reservation, and logged the rejection (no WARN). The fault
# fires once: the next migration carries the state to h2.
#
# Usage: RIG_RUN=DIR fault-corrupt.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-fcorrupt
fault_init fault-corrupt "$VM"

step "2 VFs per host on ice_vfio_pci; $VM on h1's VF 1"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $VM \$(vf_bdf 1) && vf_set \$(vf_bdf 1) \"\$(big_state 0e)\""
fault_snap "$VM"
counts2=$(fault_counts h2)
saves0=$(frx h1 "vf_num \$(vf_bdf 1) saved saves")

step "arm corrupt_save on h1's VF; migrate h1 -> h2"
frx h1 "echo corrupt_save >\$(vf_dbg \$(vf_bdf 1))/fault && grep -qx corrupt_save \$(vf_dbg \$(vf_bdf 1))/fault"
frx h1 "mig_start $VM h2"
fault_mig_failed "$VM" h1 'load of migration failed|Invalid argument'
fault_check "$VM@h1"
[ -z "$(probe_section h2 "dom $VM" | sed -n 's/^state //p')" ] || fail "h2 still has a domain $VM"
[ "$(fault_counts h2)" = "$counts2" ] || fail "h2 loaded VF state from the corrupted stream"
saves1=$(frx h1 "vf_num \$(vf_bdf 1) saved saves")
[ "$saves1" -gt "$saves0" ] || fail "h1's VF never saved its final state"
frx h1 "grep -qx none \$(vf_dbg \$(vf_bdf 1))/fault" || fail "the fault is still armed"
rej=$(frx h2 "dmesg | grep -E 'ice_vfio_pci .*device state rejected' | tail -n 1")
grep -q 'checksum' <<<"$rej" || fail "h2 did not log the rejection of the stream's checksum: '$rej'"
note "h2: $rej"

step "the fault fired once: the next migration h1 -> h2 carries the state"
frx h1 "virsh migrate --live $VM qemu+tcp://icemig-h2/system"
fault_check "$VM@h2"
echo "fault-corrupt: a corrupted final stream was rejected by h2 ($rej);" \
	"$VM resumed on h1 with its VF state; the next migration succeeded" |
	tee "$RIG_RUN/report-fault-corrupt.txt"
