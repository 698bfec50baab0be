#!/usr/bin/env bash
# Fault scenario: a live migration of a VM holding a VF, h1 -> h2, cancelled
# with `virsh domjobabort` in each of its three phases. Each phase is
# reached deterministically and checked before the abort:
#   setup          a test hook on h2 holds the migrate begin hook (after
#                  icemig's hook reserved h2's VF): libvirt is preparing the
#                  destination, QEMU's migration has not started; checked
#                  afterwards: QEMU on h1 never began a migration
#   pre-copy       1 MiB/s and a 1 ms downtime limit, which the VF's ~2 KiB
#                  of stop-copy data cannot meet, so the memory pre-copy
#                  never converges; checked: QEMU status "active", VFIO
#                  bytes sent, the VM running, h1's QEMU holding the VF's
#                  save file (PRE_COPY), no final save yet
#   stop-and-copy  from that pre-copy, h1's link limited to 1 Mbit/s, then
#                  the downtime limit raised: QEMU stops the VM and the VF
#                  saves its final state, and sending the rest takes
#                  seconds; checked: VM paused (migrating), the VF's save
#                  count went up (STOP_COPY reached), no load on h2
# After each abort: the migration failed as cancelled, the VM runs on h1
# with its VF configuration unchanged and counters only gone forward, h2
# has no domain, loaded no VF state and holds no reservation, the kernel
# logs are clean. Finally the VM migrates to h2 normally, state intact.
#
# Usage: RIG_RUN=DIR fault-cancel.sh      (the rig in DIR must be up)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-fcancel
fault_init fault-cancel "$VM"

step "2 VFs per host on ice_vfio_pci; $VM on h1's VF 1 with a 16-queue-pair state"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $VM \$(vf_bdf 1) && vf_set \$(vf_bdf 1) \"\$(big_state 0c)\""
fault_snap "$VM"
counts2=$(fault_counts h2)
saves() { frx h1 "vf_num \$(vf_bdf 1) saved saves"; }

# after_abort PHASE [PATTERN]: the checks after each cancelled attempt
after_abort() {
	fault_mig_failed "$VM" h1 "${2:-operation aborted|canceled by client}"
	fault_check "$VM@h1"
	[ -z "$(probe_section h2 "dom $VM" | sed -n 's/^state //p')" ] ||
		fail "h2 has a domain $VM after the $1 abort"
	[ "$(fault_counts h2)" = "$counts2" ] || fail "h2's VFs were saved or loaded during the $1 attempt"
	note "$1: cancelled; $VM runs on h1, VF state intact, h2 clean"
}

step "cancel during setup (h2's migrate begin held by a test hook)"
s0=$(saves)
frx h2 hook_delay_install
frx h1 "mig_start $VM h2"
for _ in $(seq 1 300); do
	[ -e "$RIG_RUN/h2/share/icemig-test-delay-started" ] && break
	sleep 0.2
done
[ -e "$RIG_RUN/h2/share/icemig-test-delay-started" ] || fail "h2's migrate begin hook never ran"
frx h2 'res_list' | grep -q " $VM\( pending\)\?$" || note "h2: icemig's hook has not reserved a VF yet"
frx h1 "virsh domjobabort $VM"
frx h2 hook_delay_release
after_abort setup
# (removed only now: libvirt on h2 may still be running the next hooks,
# and a hook file vanishing under it is a failure of its own)
frx h2 "rm -f ${TEST_HOOK_PREFIX}*"
st=$(frx h1 "mig_status $VM")
[ "${st%% *}" = none ] || fail "setup abort: QEMU on h1 had begun the migration ($st)"
[ "$(saves)" = "$s0" ] || fail "setup abort: the VF was saved"

step "cancel during the memory pre-copy (VF in PRE_COPY)"
frx h1 "hold_precopy $VM && mig_start $VM h2 && wait_precopy $VM"
files=$(frx h1 "mig_files $VM")
[ "$files" = save ] || fail "pre-copy: h1's QEMU holds '$files', expected the VF's save file"
[ "$(saves)" = "$s0" ] || fail "pre-copy: the final save happened before the abort"
frx h2 "[ \"\$(mig_files $VM)\" = resume ]" || fail "pre-copy: h2's VF is not RESUMING"
frx h1 "virsh domjobabort $VM"
# The abort shuts the channel down; when QEMU's migration thread or the
# destination (which reads a cut stream) sees that first, QEMU reports a
# channel error instead of "cancelled": both are this abort, and the
# checks below are on the outcome.
after_abort pre-copy 'operation aborted|canceled by client|Channel error'
[ "$(saves)" = "$s0" ] || fail "pre-copy abort: the VF was saved"

step "cancel during stop-and-copy (VM stopped, VF state saved, link at 1 Mbit/s)"
frx h1 "hold_precopy $VM && mig_start $VM h2 && wait_precopy $VM >/dev/null && netem_slow &&
	release_precopy $VM"
hit=$(frx h1 "for i in \$(seq 1 150); do
		st=\$(virsh domstate --reason $VM)
		if [ \"\$st\" = 'paused (migrating)' ] && [ \"\$(vf_num \$(vf_bdf 1) saved saves)\" != $s0 ]; then
			virsh domjobabort $VM >/dev/null && echo \"\$st\"; break
		fi
		[ -s /tmp/mig-$VM.rc ] && break
		sleep 0.2
	done; netem_off")
[ "$hit" = 'paused (migrating)' ] || fail "stop-and-copy: not reached ($(frx h1 "cat /tmp/mig-$VM.out"))"
# Likewise here (the abort cuts the stream while it completes).
after_abort stop-and-copy 'operation aborted|canceled by client|Channel error'
[ "$(saves)" -gt "$s0" ] || fail "stop-and-copy: no final save"

step "then a normal migration h1 -> h2 carries the state"
s1=$(saves)
frx h1 "mig_defaults $VM && virsh migrate --live $VM qemu+tcp://icemig-h2/system"
fault_check "$VM@h2"
dst=$(frx h2 "dom_vfs $VM")
loaded=$(frx h2 "vf_num $dst loaded rx_packets")
saved=$(frx h1 "vf_num \$(vf_bdf 1) saved rx_packets")
[ "$(saves)" -gt "$s1" ] || fail "h1's VF saved nothing"
[ "$loaded" = "$saved" ] || fail "h2 loaded rx_packets $loaded, h1 saved $saved"
echo "fault-cancel: setup, pre-copy and stop-and-copy aborts each left $VM running on h1" \
	"with its VF state; h2 clean each time; then migrated (rx_packets $saved carried)" |
	tee "$RIG_RUN/report-fault-cancel.txt"
