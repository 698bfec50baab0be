#!/usr/bin/env bash
# Scenario: `virsh migrate --live` of a PAUSED VM holding a VF, h1 -> h2
# (issue 12). It must end within SAVE_LIMIT_S, leave the VM paused on h2
# with the VF state loaded, and `virsh resume` there must run it (VF
# RUNNING, configuration equal, counters continuing).
#
# Usage: RIG_RUN=DIR paused-migrate.sh      (the rig in DIR must be up)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/save-lib.sh"

SV_VM=icemig-paused
trap 'sv_cleanup $SV_VM' EXIT
sv_cleanup $SV_VM

step "provision VFs on h1 and h2; start $SV_VM on h1 with VF 1; pause it"
sv_provision h1 h2
sv_start h1 $SV_VM 1
rx h1 "virsh suspend $SV_VM >/dev/null"
rx h1 "virsh domstate $SV_VM" | grep -q paused || fail "$SV_VM is not paused"

step "virsh migrate --live of the paused $SV_VM h1 -> h2 (bounded by ${SAVE_LIMIT_S} s)"
sv_timed h1 "virsh migrate --live $SV_VM qemu+tcp://icemig-h2/system" "migration of the paused $SV_VM"
mig_ms=$SV_MS
rx h2 "virsh domstate $SV_VM" | grep -q paused || fail "$SV_VM is not paused on h2"
rx h1 "virsh domstate $SV_VM 2>/dev/null" | grep -qE 'running|paused' && fail "$SV_VM is still active on h1"

step "virsh resume $SV_VM on h2"
rx h2 "virsh resume $SV_VM >/dev/null"
sv_check_loaded h2 $SV_VM "paused migration + resume"

{
	echo "virsh migrate --live of a paused VM on the emulated rig (64 MiB guest; VF"
	echo "state from ice_mig_sim, a test device: not E810 figures)"
	echo "  migration ${mig_ms} ms; VF h1 $SV_VF -> h2 $SV_LOADED_VF; configuration equal;"
	echo "  rx_packets continued from $SV_LOADED_RX after resume"
} | tee "$RIG_RUN/report-paused-migrate.txt"
