#!/usr/bin/env bash
# Fault scenario: the destination QEMU is killed (SIGKILL, inside h2) while
# its VF is RESUMING. The migration h1 -> h2 is held in its memory pre-copy
# (1 MiB/s, 1 ms downtime limit, a ~2 KiB VF state), where h2's QEMU holds
# the VF's resume data file (write-only: the device is in RESUMING, taking
# the source's PRE_COPY previews). After the kill: the migration fails, the
# VM runs on h1 with its VF configuration unchanged and counters only gone
# forward, h2 has no domain, loaded no VF state, released the reservation
# its hook made, and its VF is usable again: the VM then migrates to h2 onto
# that same VF with its state.
#
# Usage: RIG_RUN=DIR fault-destkill.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-fdkill
fault_init fault-destkill "$VM"

step "2 VFs per host on ice_vfio_pci; $VM on h1's VF 0 with a 16-queue-pair state"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $VM \$(vf_bdf 0) && vf_set \$(vf_bdf 0) \"\$(big_state 0d)\""
fault_snap "$VM"
counts2=$(fault_counts h2)

step "migrate h1 -> h2, held in pre-copy; h2's VF RESUMING"
frx h1 "hold_precopy $VM && mig_start $VM h2 && wait_precopy $VM"
# No virsh query on h2 here: libvirt's incoming migration job holds the
# domain. The reservation names h2's VF.
dvf=$(frx h2 "res_list" | awk -v d="$VM" '$2 == d { print $1 }')
[ -n "$dvf" ] || fail "h2: no VF reserved for $VM"
pid=$(frx h2 "qemu_pid $VM")
[ "$(frx h2 "mig_files $VM")" = resume ] ||
	fail "h2's QEMU (pid $pid) holds no resume data file for $dvf: not RESUMING"

step "kill -9 h2's QEMU (pid $pid)"
frx h2 "kill -9 $pid"
fault_mig_failed "$VM" h1
fault_check "$VM@h1"
[ -z "$(probe_section h2 "dom $VM" | sed -n 's/^state //p')" ] || fail "h2 still has a domain $VM"
[ "$(fault_counts h2)" = "$counts2" ] || fail "h2's VFs were saved or loaded"

step "the same VM migrates to h2 afterwards, onto the VF whose QEMU was killed"
frx h1 "mig_defaults $VM && virsh migrate --live $VM qemu+tcp://icemig-h2/system"
fault_check "$VM@h2"
dvf2=$(frx h2 "dom_vfs $VM")
[ "$dvf2" = "$dvf" ] || note "h2 gave $VM $dvf2 this time ($dvf before)"
echo "fault-destkill: h2's QEMU killed with its VF ($dvf) RESUMING: $VM kept running on h1" \
	"with its VF state, h2 released everything; the next migration to h2 carried the state" |
	tee "$RIG_RUN/report-fault-destkill.txt"
