#!/usr/bin/env bash
# Scenario: the icemig hook never takes a VF that another domain holds
# (issue 11, item 1), with real domains in the rig.
#
#   1. h1: domain A runs with VF 0 on plain vfio-pci (a managed hostdev
#      without model=; libvirt bound it, icemig holds no reservation).
#      Domain B's XML names the same VF with model='ice_vfio_pci'. Its
#      `virsh start` must fail at once with "VF <BDF> is in use by domain
#      'A'", write nothing to sysfs (the VF stays on vfio-pci with its
#      driver_override) and leave A running. (Before the fix the prepare
#      begin hook wrote vfio-pci/unbind: B's start hung in the unbind while
#      vfio asked A's QEMU to give the device back.)
#   2. h2: domain C runs with VF 0 on ice_vfio_pci but without an icemig
#      reservation (as if hot-plugged, or assigned before icemig was
#      installed). A domain D migrated from h1 must get VF 1, never C's VF 0,
#      and C keeps running.
#
# Usage: RIG_RUN=DIR hook-inuse.sh      (the rig in DIR must be up)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

A=icemig-inuse-a
B=icemig-inuse-b
C=icemig-inuse-c
D=icemig-inuse-d
REPORT=${RIG_RUN}/report-hook-inuse.txt

cleanup() {
	local h d
	for h in h1 h2; do
		for d in $B $D $A $C; do
			rx "$h" "virsh destroy $d >/dev/null 2>&1; virsh undefine $d >/dev/null 2>&1; true" || true
		done
		rx "$h" 'rm -f /run/icemig/reserved/* /etc/icemig/icemig.conf; true' || true
	done
}
trap cleanup EXIT
cleanup

# vm_def HOST NAME BDF [plain]: define the rig's VM with that VF; "plain"
# drops model='ice_vfio_pci' (libvirt then binds stock vfio-pci) and the
# QEMU migration properties (enable-migration=on makes QEMU refuse a VF
# without migration support)
vm_def() {
	local filter=cat
	[ "${4:-}" = plain ] &&
		filter="sed -e \"s/ model='ice_vfio_pci'//\" -e '/^ *<qemu:override>\$/,/^ *<\/qemu:override>\$/d'"
	rx "$1" "vm_xml \$RIG_PROJECT/tests/rig/vm.xml.in $2 $3 | $filter >/tmp/$2.xml &&
		virsh define /tmp/$2.xml >/dev/null"
}

step "2 new VFs per host, not bound (no autoprobe; earlier scenarios leave theirs bound)"
for h in h1 h2; do
	rx "$h" '"$ICEMIG" vf destroy "$RIG_PF" --force >/dev/null &&
		"$ICEMIG" vf create "$RIG_PF" 2 --no-autoprobe >/dev/null'
done
vf0=$(rx h1 'vf_bdf 0')
rx h1 "[ ! -e /sys/bus/pci/devices/$vf0/driver ]" || fail "h1: $vf0 is bound to a driver"

step "h1: start $A with VF $vf0 on plain vfio-pci (no model=)"
vm_def h1 $A "$vf0" plain
rx h1 "virsh start $A >/dev/null"
drv=$(rx h1 "basename \$(readlink /sys/bus/pci/devices/$vf0/driver)")
[ "$drv" = vfio-pci ] || fail "h1: $A's VF $vf0 is on '$drv', expected vfio-pci"
ovr0=$(rx h1 "cat /sys/bus/pci/devices/$vf0/driver_override")
rx h1 "[ ! -e /run/icemig/reserved/$vf0 ]" || fail "h1: icemig reserved $vf0 for $A"

step "h1: start $B naming the same VF with model='ice_vfio_pci': refused at once"
vm_def h1 $B "$vf0"
t0=$(date +%s%N)
set +e
out=$(rx h1 "timeout 90 virsh start $B 2>&1")
rc=$?
set -e
t1=$(date +%s%N)
[ "$rc" != 124 ] || fail "h1: virsh start $B still blocked after 90 s (the hook rebinding $A's VF?)"
[ "$rc" != 0 ] || fail "h1: $B started with $A's VF $vf0"
grep -q "VF $vf0 is in use by domain '$A'" <<<"$out" ||
	fail "h1: virsh start $B failed without naming $A: $out"
rx h1 "virsh domstate $A" | grep -q running || fail "h1: $A is not running any more"
rx h1 "virsh domstate $B" | grep -q 'shut off' || fail "h1: $B is not shut off"
drv=$(rx h1 "basename \$(readlink /sys/bus/pci/devices/$vf0/driver)")
[ "$drv" = vfio-pci ] || fail "h1: $A's VF $vf0 is now on '$drv'"
[ "$(rx h1 "cat /sys/bus/pci/devices/$vf0/driver_override")" = "$ovr0" ] ||
	fail "h1: driver_override of $vf0 changed"
rx h1 "[ ! -e /run/icemig/reserved/$vf0 ]" || fail "h1: $vf0 reserved after the refusal"
refused_ms=$(((t1 - t0) / 1000000))
msg=$(grep -o "VF $vf0 is in use by domain '$A'[^\"]*" <<<"$out" | head -n 1)

step "h2: $C runs with VF 0 on ice_vfio_pci, its icemig reservation removed"
rx h2 '"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" >/dev/null'
dvf0=$(rx h2 'vf_bdf 0')
dvf1=$(rx h2 'vf_bdf 1')
vm_def h2 $C "$dvf0"
rx h2 "virsh start $C >/dev/null && rm -f /run/icemig/reserved/$dvf0"
rx h2 "\"\$ICEMIG\" vf list" | grep -Eq "$dvf0 .* $C " || fail "h2: vf list does not show $C on $dvf0"

step "h1 -> h2: migrate $D; h2's hook must give it $dvf1, not $C's $dvf0"
svf1=$(rx h1 'vf_bdf 1')
rx h1 "\"\$ICEMIG\" vf bind $svf1 >/dev/null"
vm_def h1 $D "$svf1"
rx h1 "virsh start $D >/dev/null"
rx h1 "virsh migrate --live $D qemu+tcp://icemig-h2/system" || fail "migration of $D to h2 failed"
got=$(rx h2 "virsh dumpxml $D" | python3 -c '
import sys, xml.etree.ElementTree as ET
a = ET.fromstring(sys.stdin.read()).find("./devices/hostdev/source/address")
print("%04x:%02x:%02x.%x" % tuple(int(a.get(k), 16) for k in ("domain", "bus", "slot", "function")))')
[ "$got" = "$dvf1" ] || fail "h2: $D got $got, expected $dvf1 ($C holds $dvf0)"
rx h2 "virsh domstate $C" | grep -q running || fail "h2: $C is not running any more"

{
	echo "hook-inuse (emulated rig): a VF another domain holds is never taken"
	echo "  h1: $B (model='ice_vfio_pci', VF $vf0) refused in $refused_ms ms:"
	echo "      $msg"
	echo "      $A kept running, $vf0 stayed on vfio-pci, nothing reserved"
	echo "  h2: $D migrated in got $dvf1; $C kept $dvf0 (no reservation, running)"
} | tee "$REPORT"
