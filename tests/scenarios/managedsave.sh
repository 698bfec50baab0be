#!/usr/bin/env bash
# Scenario: `virsh managedsave` + `virsh start` of a VM holding a VF (what
# libvirt-guests does at host shutdown and boot; issue 12). The managed save
# must end within SAVE_LIMIT_S with a bounded image, and the start must load
# the VF state from it (configuration equal, counters continuing).
#
# Usage: RIG_RUN=DIR managedsave.sh      (the rig in DIR must be up)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/save-lib.sh"

SV_VM=icemig-msave
IMAGE=/var/lib/libvirt/qemu/save/$SV_VM.save
trap 'sv_cleanup $SV_VM' EXIT
sv_cleanup $SV_VM

step "provision VFs on h1; start $SV_VM with VF 0 and a distinctive VF state"
sv_provision h1
sv_start h1 $SV_VM 0

step "virsh managedsave $SV_VM (bounded by ${SAVE_LIMIT_S} s)"
sv_timed h1 "virsh managedsave $SV_VM >/dev/null" "virsh managedsave of $SV_VM"
msave_ms=$SV_MS
sv_file_bounded h1 "$IMAGE" "virsh managedsave"
rx h1 "virsh dominfo $SV_VM" | grep -q 'Managed save: *yes' || fail "$SV_VM has no managed save image"

step "virsh start $SV_VM (from its managed save)"
sv_timed h1 "virsh start $SV_VM >/dev/null" "virsh start of $SV_VM from its managed save"
start_ms=$SV_MS
rx h1 "virsh domstate $SV_VM" | grep -q running || fail "$SV_VM is not running after its start"
rx h1 "virsh dominfo $SV_VM" | grep -q 'Managed save: *no' || fail "$SV_VM still has a managed save image after its start"
sv_check_loaded h1 $SV_VM "managedsave + start"

{
	echo "virsh managedsave + start on the emulated rig (64 MiB guest, VF state from"
	echo "ice_mig_sim, a test device: not E810 figures)"
	echo "  managedsave ${msave_ms} ms, image $SV_BYTES bytes; start ${start_ms} ms"
	echo "  VF $SV_VF: configuration equal after start (VF $SV_LOADED_VF); rx_packets continued from $SV_LOADED_RX"
} | tee "$RIG_RUN/report-managedsave.txt"
