#!/bin/bash
# icemig rig self-test: proves the emulated rig works with STOCK drivers, and
# prints the figures quoted in tests/rig/README.md.
#
#   tests/rig/selftest.sh            boot a rig in a temporary RUNDIR, test,
#                                    tear it down
#   tests/rig/selftest.sh RUNDIR     use the rig already up in RUNDIR (left up;
#                                    its h1 gets 2 VFs if it has none)
#
# When it boots its own rig it defaults to RIG_LOAD_MODULES=0 RIG_HOOK=0 (no
# project modules, no hook: only what Debian ships), so that it tests the rig
# and nothing else; set them in the environment to test with them.
#
# Checks:
#   1. h1: 2 VFs on the igb PF, each alone in its own IOMMU group.
#   2. A 64 MiB nested VM without a VF (vm-novf.xml.in) starts on h1 and
#      "virsh migrate --live" moves it to h2; time and downtime are printed.
#   3. A nested VM with a VF on stock vfio-pci (vm.xml.in with
#      <driver name='vfio'/>) starts on h1, and its migration is refused by
#      QEMU's blocker ("VFIO migration is not supported in kernel").

# The commands in single quotes are expanded in the host, not here.
# shellcheck disable=SC2016
set -euo pipefail

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG=$RIG_DIR/rig.sh
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ms() { echo $(( ${EPOCHREALTIME//[!0-9]/} / 1000 )); }

if [ $# -ge 1 ]; then
	RUN=$1
else
	RUN=$(mktemp -d /tmp/icemig-rig.XXXXXX)
	trap '"$RIG" down "$RUN"; rm -rf "$RUN"' EXIT
	t=$(ms)
	RIG_LOAD_MODULES=${RIG_LOAD_MODULES:-0} RIG_HOOK=${RIG_HOOK:-0} "$RIG" up "$RUN"
	echo "FIGURE: rig up (both hosts ready): $(( $(ms) - t )) ms"
fi
x() { "$RIG" exec "$RUN" "$@"; }

# ---------------------------------------------------------------- 1. VFs
echo "== 1. VFs and IOMMU groups on h1"
x h1 '[ "$(cat /sys/bus/pci/devices/$RIG_PF/sriov_numvfs)" -ge 2 ] ||
	echo 2 >/sys/bus/pci/devices/$RIG_PF/sriov_numvfs'
groups=$(x h1 'for v in /sys/bus/pci/devices/$RIG_PF/virtfn*; do
	d=$(readlink -f $v)
	echo "${d##*/} $(cat $d/vendor):$(cat $d/device) group=$(basename $(readlink $d/iommu_group)) members=$(ls $d/iommu_group/devices | wc -l)"
done')
echo "PF: $(x h1 'echo $RIG_PF $(basename $(readlink /sys/bus/pci/devices/$RIG_PF/iommu_group))' | sed 's/ / group=/')"
echo "$groups"
if [ "$(echo "$groups" | awk '{print $3}' | sort -u | wc -l)" -eq "$(echo "$groups" | wc -l)" ] &&
	! echo "$groups" | grep -qv 'members=1$'; then
	pass "each VF has its own IOMMU group"
else
	fail "VFs share IOMMU groups"
fi
vf=$(echo "$groups" | head -n1 | awk '{print $1}')      # e.g. 0000:01:10.0
bus=0x${vf:5:2} slot=0x${vf:8:2} func=0x${vf:11:1}

# ---------------------------------------------------------------- 2. no VF
# Three live migrations, h1 -> h2 -> h1 -> h2, with the definition moving
# along (--persistent --undefinesource). Figures: wall time of "virsh migrate"
# on the source, and "Time elapsed" / "Total downtime" of
# "virsh domjobinfo --completed" on the destination.
echo "== 2. live migration of a 64 MiB VM without a VF: h1 -> h2 -> h1 -> h2"
x h1 'sed s/@NAME@/rig-novf/ $RIG_PROJECT/tests/rig/vm-novf.xml.in >/tmp/rig-novf.xml &&
	virsh -q define /tmp/rig-novf.xml >/dev/null'
t=$(ms)
x h1 'virsh -q start rig-novf >/dev/null'
echo "FIGURE: start of the VM without a VF: $(( $(ms) - t )) ms"
sleep 2
walls=() downs=() src=h1 dst=h2 ok=1
for round in 1 2 3; do
	out=$(x "$src" "s=\$(date +%s%N)
		virsh migrate --live --verbose --persistent --undefinesource rig-novf qemu+tcp://icemig-$dst/system 2>&1
		echo \"rc=\$? wall_ms=\$(( (\$(date +%s%N) - s) / 1000000 ))\"") || true
	job=$(x "$dst" 'virsh domstate rig-novf; virsh domjobinfo --completed rig-novf') || true
	wall=$(echo "$out" | sed -n 's/.*rc=0 wall_ms=\([0-9]*\).*/\1/p')
	elapsed=$(echo "$job" | awk '$1 == "Time" && $2 == "elapsed:" {print $3}')
	down=$(echo "$job" | awk '$1 == "Total" && $2 == "downtime:" {print $3}')
	if [ -n "$wall" ] && echo "$job" | grep -q '^running'; then
		echo "migration $round $src -> $dst: virsh migrate ${wall} ms, time elapsed ${elapsed} ms, downtime ${down} ms"
		walls+=("$wall")
		downs+=("$down")
	else
		echo "migration $round $src -> $dst failed: $out $job"
		ok=0
		break
	fi
	tmp=$src src=$dst dst=$tmp
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
if [ $ok = 1 ]; then
	pass "VM without a VF migrated live 3 times between h1 and h2"
	echo "FIGURE: virsh migrate --live wall time: median $(median "${walls[@]}") ms (${walls[*]})"
	echo "FIGURE: downtime: median $(median "${downs[@]}") ms (${downs[*]})"
else
	fail "live migration of the VM without a VF"
fi
for h in h1 h2; do
	x "$h" 'virsh -q destroy rig-novf >/dev/null 2>&1; virsh -q undefine rig-novf >/dev/null 2>&1; true'
done

# ---------------------------------------------------------------- 3. stock VF
echo "== 3. VM with VF $vf on stock vfio-pci: starts, migration refused"
x h1 "sed -e s/@NAME@/rig-vf/ -e s/@BUS@/$bus/ -e s/@SLOT@/$slot/ -e s/@FUNC@/$func/ \
	-e \"s/ model='ice_vfio_pci'//\" \$RIG_PROJECT/tests/rig/vm.xml.in >/tmp/rig-vf.xml &&
	grep -q \"<driver name='vfio'/>\" /tmp/rig-vf.xml && virsh -q define /tmp/rig-vf.xml >/dev/null"
t=$(ms)
if x h1 'virsh -q start rig-vf >/dev/null'; then
	echo "FIGURE: start of the VM with a stock vfio-pci VF: $(( $(ms) - t )) ms"
	drv=$(x h1 "basename \$(readlink /sys/bus/pci/devices/$vf/driver)")
	if [ "$drv" = vfio-pci ]; then
		pass "VF $vf bound to vfio-pci by libvirt"
	else
		fail "VF $vf bound to '$drv', not vfio-pci"
	fi
	out=$(x h1 'virsh migrate --live --verbose rig-vf qemu+tcp://icemig-h2/system 2>&1; echo "rc=$?"') || true
	echo "$out" | grep -v '^$'
	if echo "$out" | grep -q 'VFIO migration is not supported in kernel' &&
		! echo "$out" | grep -q 'rc=0' &&
		x h1 'virsh domstate rig-vf' | grep -q running; then
		pass "migration refused by QEMU's VFIO blocker; the VM still runs on h1"
	else
		fail "migration of the stock VF VM was not refused as expected"
	fi
	x h1 'virsh -q destroy rig-vf >/dev/null'
	drv=$(x h1 "basename \$(readlink /sys/bus/pci/devices/$vf/driver 2>/dev/null) 2>/dev/null || echo none")
	echo "VF $vf driver after destroy (managed='yes' re-attach): $drv"
else
	fail "VM with a stock vfio-pci VF did not start"
fi
x h1 'virsh -q undefine rig-vf >/dev/null 2>&1; true'

echo "== $( [ $fails = 0 ] && echo "rig self-test passed" || echo "rig self-test: $fails check(s) FAILED")"
[ $fails = 0 ]
