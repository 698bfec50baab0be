#!/usr/bin/env bash
# Benchmark (make bench): every figure of one run, printed as one table and
# written as JSON under bench/results/ by bench/render.py:
#   - the same VM (tests/rig/vm.xml.in, 64 MiB) migrated with `icemig
#     migrate` with its VF (a 16-queue-pair state, ~2 KiB) and without
#     (tests/rig/vm-novf.xml.in), BENCH_MIGRATIONS times each (default 5),
#     alternating h1 -> h2 and back: libvirt's total time and downtime, the
#     wall time, the VF/no-VF ratios of the medians, the device-state bytes
#     (libvirt's VFIO byte count, and the final stream the provider saved);
#   - ice_vfio_pci save and load latency through the VFIO uAPI
#     (tests/uapi/vfio_mig_test --bench, BENCH_CYCLES, default 1000);
#   - creating and binding 7 VFs inside h1: `icemig vf create` + `icemig vf
#     bind` beside a shell loop making the same sysfs writes,
#     BENCH_PROVISION times each (default 5);
#   - the hook latency beside a `true` hook: `make -C helper bench`, run on
#     the build machine before the rig booted, its output in BENCH_HELPER
#     (run now if unset);
#   - downtime against guest RAM (issue 12): a guest that fills its RAM with
#     a non-zero pattern (tests/rig/guest/pattern.S, build/pattern.elf) at
#     each of BENCH_RAM_MIB (default 64 256 512), migrated h1 -> h2 -> h1 by
#     `icemig migrate --json` with its VF (the limit its domain XML sets,
#     QEMU's maximum, as plain `virsh migrate` gets it), once more h1 -> h2
#     with QEMU's default 300 ms (--max-downtime 300 --accept-downtime), and
#     without a VF; libvirt's downtime beside icemig's prediction made
#     before the start (bandwidth and zero share of the previous migration
#     of the same domain: the h2 -> h1 leg) and its error; render.py fits
#     the ms-per-MiB slope.
#
# Usage: RIG_RUN=DIR [BENCH_HELPER=FILE] bench.sh      (the rig must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device) and
# the hosts are emulated (TCG): rig figures, never E810 figures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-bench-vf
VM0=icemig-bench-novf
NMIG=${BENCH_MIGRATIONS:-5}
NPROV=${BENCH_PROVISION:-5}
RAW=$RIG_RUN/bench-raw.txt
RVM=icemig-ram-vf
RVM0=icemig-ram-novf
fault_init bench "$VM" "$VM0" "$RVM" "$RVM0"
: >"$RAW"

{
	echo "meta date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "meta commit $(git -C "$PROJECT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
		git -C "$PROJECT" diff --quiet HEAD 2>/dev/null || echo -dirty)"
	echo "meta machine $(nproc) cores, $(uname -m), rig hosts under TCG"
	echo "meta kernel_cycles ${BENCH_CYCLES:-1000}"
} >>"$RAW"

. "$HERE/bench-lib.sh"

for mib in ${BENCH_RAM_MIB:-64 256 512}; do
	step "downtime against guest RAM: $mib MiB pattern guest, with VF (limit raised), with VF (300 ms limit), without VF"
	fault_vfs h1 2
	fault_vfs h2 2
	ram_vm h1 $RVM "$mib" "$(frx h1 'vf_bdf 0')"
	# h1 -> h2 warms the prediction up (the previous migration's figures)
	ram_mig h1 h2 $RVM vf-warm "$mib"
	ram_mig h2 h1 $RVM vf "$mib"
	# QEMU's default limit: a pre-copy pass before the stop
	ram_mig h1 h2 $RVM vf-limit300 "$mib" --max-downtime 300 --accept-downtime
	frx h2 "virsh destroy $RVM >/dev/null; virsh undefine $RVM >/dev/null 2>&1; true"
	frx h1 "virsh undefine $RVM >/dev/null 2>&1; true"
	ram_vm h1 $RVM0 "$mib"
	ram_mig h1 h2 $RVM0 novf-warm "$mib"
	ram_mig h2 h1 $RVM0 novf "$mib"
	frx h1 "virsh destroy $RVM0 >/dev/null; virsh undefine $RVM0 >/dev/null 2>&1; true"
	frx h2 "virsh undefine $RVM0 >/dev/null 2>&1; true"
done

step "hook latency (make -C helper bench on the build machine)"
if [ -n "${BENCH_HELPER:-}" ] && [ -s "$BENCH_HELPER" ]; then
	helper_out=$(cat "$BENCH_HELPER")
else
	note "BENCH_HELPER not given: running make -C helper bench now, beside the running rig"
	helper_out=$(make -s -C "$PROJECT/helper" bench)
fi
echo "$helper_out" >&2
# "what ... runs median p99" rows of its table
awk 'NF >= 4 && $(NF-2) ~ /^[0-9]+$/ && $(NF-1) ~ /^[0-9.]+$/ && $NF ~ /^[0-9.]+$/ {
	w = $1; for (i = 2; i <= NF - 3; i++) w = w " " $i; print "hook\t" w "\t" $(NF-2) "\t" $(NF-1) "\t" $NF }' \
	<<<"$helper_out" >>"$RAW"
grep -q '^hook	hook that is /bin/true' "$RAW" || fail "no hook figures in the helper bench output"

step "creating and binding 7 VFs in h1: icemig beside a shell loop ($NPROV runs each)"
# The shell loop makes the writes icemig makes (vf create --no-autoprobe, vf
# bind of unbound VFs): autoprobe off, sriov_numvfs, autoprobe back, then
# per VF driver_override and drivers_probe. Both find the new VFs' addresses
# the same way, with shell builtins only (a process costs ~20 ms here).
for ((i = 1; i <= NPROV; i++)); do
	frx h1 '
		pf=/sys/bus/pci/devices/$RIG_PF
		ap=$(cat $pf/sriov_drivers_autoprobe)
		"$ICEMIG" vf destroy "$RIG_PF" --force >/dev/null
		t0=$(date +%s%N)
		"$ICEMIG" vf create "$RIG_PF" 7 --no-autoprobe >/dev/null || exit 1
		vfs=()
		for d in /sys/bus/pci/devices/*; do
			[ -e "$d/physfn" ] && [ "$d/physfn" -ef "$pf" ] && vfs+=("${d##*/}")
		done
		"$ICEMIG" vf bind "${vfs[@]}" >/dev/null || exit 1
		t1=$(date +%s%N)
		[ "$(ls -d /sys/bus/pci/drivers/ice_vfio_pci/0000:* | wc -l)" = 7 ] || exit 1
		echo "prov	icemig	$(( (t1 - t0) / 1000 ))"
		"$ICEMIG" vf destroy "$RIG_PF" --force >/dev/null
		t0=$(date +%s%N)
		echo 0 >$pf/sriov_drivers_autoprobe
		echo 7 >$pf/sriov_numvfs
		echo "$ap" >$pf/sriov_drivers_autoprobe
		for d in /sys/bus/pci/devices/*; do
			[ -e "$d/physfn" ] && [ "$d/physfn" -ef "$pf" ] || continue
			echo ice_vfio_pci >"$d/driver_override"
			echo "${d##*/}" >/sys/bus/pci/drivers_probe
		done
		t1=$(date +%s%N)
		[ "$(ls -d /sys/bus/pci/drivers/ice_vfio_pci/0000:* | wc -l)" = 7 ] || exit 1
		echo "prov	shell	$(( (t1 - t0) / 1000 ))"' >>"$RAW" || fail "provisioning run $i failed"
done
frx h1 '"$ICEMIG" vf destroy "$RIG_PF" --force >/dev/null; for d in /sys/bus/pci/devices/*; do
	[ -e "$d/driver_override" ] && [ -e "$d/physfn" ] && echo >"$d/driver_override"; done; true'

step "ice_vfio_pci save/load latency through the uAPI (h2, ${BENCH_CYCLES:-1000} cycles)"
fault_vfs h1 2
fault_vfs h2 2
kout=$(frx h2 "\"\$RIG_PROJECT/tests/uapi/vfio_mig_test\" --bench ${BENCH_CYCLES:-1000} \
	\$(vf_bdf 0) \$(vf_bdf 1) \$(vf_dbg \$(vf_bdf 0))")
echo "$kout" >&2
awk 'NF == 7 && $1 ~ /^[0-9]+$/ { print "kernel\t" $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 }' \
	<<<"$kout" >>"$RAW"
[ "$(grep -c '^kernel' "$RAW")" = 9 ] || fail "the kernel bench did not print its 9 rows"

step "the same VM with and without a VF, icemig migrate x $NMIG each"
frx h1 "vm_xml \$RIG_PROJECT/tests/rig/vm.xml.in $VM \$(vf_bdf 0) >/tmp/$VM.xml &&
	virsh define /tmp/$VM.xml >/dev/null && virsh start $VM >/dev/null &&
	vf_set \$(vf_bdf 0) \"\$(big_state be)\" &&
	vm_xml \$RIG_PROJECT/tests/rig/vm-novf.xml.in $VM0 >/tmp/$VM0.xml &&
	virsh define /tmp/$VM0.xml >/dev/null && virsh start $VM0 >/dev/null"
for kind in vf novf; do
	d=$VM
	[ "$kind" = novf ] && d=$VM0
	from=h1 to=h2
	for ((i = 1; i <= NMIG; i++)); do
		final=0
		[ "$kind" = vf ] && src_vf=$(frx "$from" "dom_vfs $d")
		sum=$(frx "$from" "\"\$ICEMIG\" migrate --json $d qemu+tcp://icemig-$to/system") ||
			fail "icemig migrate $d $from -> $to failed"
		# the final stream the provider saved on the source
		[ "$kind" = vf ] && final=$(frx "$from" "vf_num $src_vf saved bytes")
		python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["migrated"], d
print("mig\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s" % (sys.argv[2], int(sys.argv[3]), d["total_time_ms"],
      d["downtime_ms"], d["wall_time_ms"], d["data_bytes"], d["device_state_bytes"], sys.argv[4]))' \
			"$sum" "$kind" "$i" "$final" >>"$RAW"
		echo "  $d $from -> $to: $(tail -n 1 "$RAW" | cut -f4- | tr '\t' ' ')" >&2
		tmp=$from from=$to to=$tmp
	done
done
# nothing leaked on the way: reservations and kernel logs of both hosts
fault_probe "$VM"
fault_hosts_ok

mkdir -p "$PROJECT/bench/results"
out=$PROJECT/bench/results/bench-$(date -u +%Y%m%dT%H%M%SZ).json
python3 "$PROJECT/bench/render.py" "$RAW" "$out" | tee "$RIG_RUN/report-bench.txt"
echo "bench: figures written to ${out#"$PROJECT"/}" >&2
