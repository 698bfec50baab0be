#!/usr/bin/env bash
# Hardware scenario: live-migrate ICEMIG_HW_DOMAIN (a VM holding an E810 VF)
# to the destination and back with `virsh migrate --live`, with a ping
# every 2 ms and an iperf3 stream running in the guest through the VF. Per
# leg: the VM runs on the other host, the guest reaches the peer through
# the VF without being reset (its ping keeps answering), and the
# guest-visible interruption (longest gap between ping replies) is printed.
# Environment: tests/hw/lib.sh. Exit 77 without an E810 or configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hw_require

virsh domstate "$ICEMIG_HW_DOMAIN" | grep -q running || virsh start "$ICEMIG_HW_DOMAIN" >/dev/null
vf=$(domain_vf local) || fail "$ICEMIG_HW_DOMAIN has no PCI hostdev"
grep -q "provider=ice_mig_glue" "/sys/bus/pci/devices/$vf/icemig_compat" ||
	fail "VF $vf has no ice_mig_glue provider"

step "to the destination, under traffic"
traffic_start
t0=$(date +%s%N)
virsh migrate --live --persistent --undefinesource "$ICEMIG_HW_DOMAIN" "$ICEMIG_HW_DEST_URI" ||
	fail "migration to the destination failed"
echo "vf-migrate: out: migration took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
virsh -c "$ICEMIG_HW_DEST_URI" domstate "$ICEMIG_HW_DOMAIN" | grep -q running ||
	fail "the VM does not run on the destination"
traffic_report "vf-migrate: out"
gx "ping -c 3 -W 2 $ICEMIG_HW_PEER >/dev/null" || fail "the guest has no network on the destination"

step "back to this host, under traffic"
traffic_start
virsh -c "$ICEMIG_HW_DEST_URI" migrate --live --persistent --undefinesource \
	"$ICEMIG_HW_DOMAIN" qemu:///system || fail "migration back failed"
traffic_report "vf-migrate: back"
gx "ping -c 3 -W 2 $ICEMIG_HW_PEER >/dev/null" || fail "the guest has no network after coming back"
gx "dmesg | grep -iE 'iavf.*(reset|hang|timeout)' | tail -n 5" || true
echo "vf-migrate: E810 hardware: passed"
