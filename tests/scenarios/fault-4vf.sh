#!/usr/bin/env bash
# Load scenario: a VM holding 4 VFs, each with a different state, migrated
# h1 -> h2 with `virsh migrate --live` and back with `icemig migrate`. The
# VM's hostdevs name h1's VFs out of order (3, 0, 2, 1), so the destination
# hook's rewrite and the state of each VF are checked hostdev by hostdev:
# after each leg the VM runs on one host, each of its 4 VFs carries the
# configuration its counterpart had, RUNNING, counters only gone forward;
# the reservations on both hosts are exactly the VM's 4 VFs where it runs;
# the kernel logs are clean.
#
# Usage: RIG_RUN=DIR fault-4vf.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-f4vf
fault_init fault-4vf "$VM"

step "4 VFs per host on ice_vfio_pci; $VM on h1's VFs 3, 0, 2, 1, four different states"
fault_vfs h1 4
fault_vfs h2 4
frx h1 "vm_start $VM \$(vf_bdf 3) \$(vf_bdf 0) \$(vf_bdf 2) \$(vf_bdf 1) &&
	vf_set \$(vf_bdf 3) \"\$(big_state 43)\" && vf_set \$(vf_bdf 0) \"\$(small_state 40)\" &&
	vf_set \$(vf_bdf 2) \"\$(small_state 42)\" && vf_set \$(vf_bdf 1) \"\$(small_state 41)\""
fault_snap "$VM"
[ "$(grep -c '^cfg [0-3] mac=' <<<"${SNAP_CFG[$VM]}")" = 4 ] || fail "$VM does not have 4 VFs"
[ "$(grep '^cfg [0-3] mac=' <<<"${SNAP_CFG[$VM]}" | sort -u -k3 | wc -l)" = 4 ] ||
	fail "the 4 VFs do not have 4 different MACs"

step "virsh migrate --live $VM h1 -> h2"
frx h1 "virsh migrate --live $VM qemu+tcp://icemig-h2/system"
fault_check "$VM@h2"
vfs2=$(frx h2 "dom_vfs $VM" | tr '\n' ' ')

step "icemig migrate $VM h2 -> h1"
sum=$(frx h2 "\"\$ICEMIG\" migrate --json $VM qemu+tcp://icemig-h1/system")
[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["vfs"])' <<<"$sum")" = 4 ] ||
	fail "icemig migrate summary: not 4 VFs: $sum"
fault_check "$VM@h1"
vfs1=$(frx h1 "dom_vfs $VM" | tr '\n' ' ')
echo "fault-4vf: $VM with 4 VFs h1 -> h2 ($vfs2) -> h1 ($vfs1): each VF's state carried," \
	"reservations exact on both hosts" | tee "$RIG_RUN/report-fault-4vf.txt"
