#!/usr/bin/env bash
# Scenario: `virsh save` + `virsh restore` of a VM holding a VF (issue 12).
# The save must end within SAVE_LIMIT_S with a file bounded by the guest RAM,
# and the restore must carry the VF state: configuration equal, counters
# continuing from where the save stopped them. The same VM without a VF is
# saved and restored too, for the time comparison in the report.
#
# Usage: RIG_RUN=DIR save-restore.sh      (the rig in DIR must be up)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/save-lib.sh"

SV_VM=icemig-save
VM0=icemig-save-novf
FILE=/var/tmp/$SV_VM.save
trap 'sv_cleanup $SV_VM $VM0' EXIT
sv_cleanup $SV_VM $VM0

step "provision VFs on h1; start $SV_VM with VF 1 and a distinctive VF state"
sv_provision h1
sv_start h1 $SV_VM 1

step "virsh save $SV_VM $FILE (bounded by ${SAVE_LIMIT_S} s)"
sv_timed h1 "virsh save $SV_VM $FILE >/dev/null" "virsh save of $SV_VM"
save_ms=$SV_MS
sv_file_bounded h1 $FILE "virsh save"
save_bytes=$SV_BYTES
rx h1 "virsh domstate $SV_VM" | grep -q 'shut off' || fail "$SV_VM is not shut off after its save"

step "virsh restore $FILE"
sv_timed h1 "virsh restore $FILE >/dev/null" "virsh restore of $SV_VM"
restore_ms=$SV_MS
rx h1 "virsh domstate $SV_VM" | grep -q running || fail "$SV_VM is not running after its restore"
sv_check_loaded h1 $SV_VM "save + restore"

step "the same VM without a VF: save and restore"
rx h1 "vm_xml \$RIG_PROJECT/tests/rig/vm-novf.xml.in $VM0 > /tmp/$VM0.xml &&
	virsh define /tmp/$VM0.xml >/dev/null && virsh start $VM0 >/dev/null"
sleep 1
sv_timed h1 "virsh save $VM0 /var/tmp/$VM0.save >/dev/null" "virsh save of $VM0"
save0_ms=$SV_MS
sv_file_bounded h1 /var/tmp/$VM0.save "virsh save (no VF)"
save0_bytes=$SV_BYTES
sv_timed h1 "virsh restore /var/tmp/$VM0.save >/dev/null" "virsh restore of $VM0"
restore0_ms=$SV_MS

{
	echo "virsh save + restore on the emulated rig (64 MiB guest; VF state from"
	echo "ice_mig_sim, a test device: not E810 figures)"
	printf '  %-28s %12s %12s\n' "" "with VF" "without VF"
	printf '  %-28s %12s %12s\n' "virsh save wall time (ms)" "$save_ms" "$save0_ms"
	printf '  %-28s %12s %12s\n' "save file (bytes)" "$save_bytes" "$save0_bytes"
	printf '  %-28s %12s %12s\n' "virsh restore wall (ms)" "$restore_ms" "$restore0_ms"
	echo "  VF $SV_VF: configuration equal after restore (VF $SV_LOADED_VF);"
	echo "  rx_packets continued from $SV_LOADED_RX"
} | tee "$RIG_RUN/report-save-restore.txt"
