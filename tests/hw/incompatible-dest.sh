#!/usr/bin/env bash
# Hardware scenario: a destination VF that cannot take the source VF's
# state is refused before any memory moves. The destination PF's VFs are
# recreated with one MSI-X vector fewer than the source VF uses (sriov_vf_
# msix_count), the migration must fail naming the descriptor field, and the
# VM must keep running on this host with its network. The destination's
# VFs are restored afterwards.
# Environment: tests/hw/lib.sh. Exit 77 without an E810 or configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hw_require

vf=$(domain_vf local) || fail "$ICEMIG_HW_DOMAIN has no PCI hostdev"
used=$(sed -n 's/^used_msix=//p' "/sys/bus/pci/devices/$vf/icemig_compat")
if [ -z "$used" ] || [ "$used" -le 2 ]; then
	skip "the source VF uses ${used:-?} MSI-X vectors: cannot offer fewer"
fi
dpf=$(hx dest "basename \$(readlink -f /sys/class/net/$ICEMIG_HW_DST_PF/device)")
n=$(hx dest "cat /sys/bus/pci/devices/$dpf/sriov_numvfs")
restore() { hx dest "echo 0 >/sys/bus/pci/devices/$dpf/sriov_numvfs; echo $n >/sys/bus/pci/devices/$dpf/sriov_numvfs" || true; }
trap restore EXIT

step "destination VFs with $((used - 1)) MSI-X vectors"
hx dest "set -e; d=/sys/bus/pci/devices/$dpf
	echo 0 >\$d/sriov_numvfs; echo 0 >\$d/sriov_drivers_autoprobe; echo $n >\$d/sriov_numvfs
	for v in \$d/virtfn*; do echo $((used - 1)) >\$v/sriov_vf_msix_count; done
	echo 1 >\$d/sriov_drivers_autoprobe" || fail "cannot set the destination VFs' MSI-X count"

step "the migration must be refused"
traffic_start
if out=$("$ICEMIG" migrate "$ICEMIG_HW_DOMAIN" "$ICEMIG_HW_DEST_URI" --no-progress 2>&1); then
	fail "the migration to an incompatible VF succeeded"
fi
printf '%s\n' "$out" | grep -q msix || fail "the refusal does not name max_msix: $out"
virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || fail "the VM does not run here any more"
traffic_report "incompatible-dest"
echo "incompatible-dest: E810 hardware: passed"
