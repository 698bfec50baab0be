#!/usr/bin/env bash
# Fault scenario: the destination's migrate begin hook fails, and the
# destination has no VF that can take the VM's VF. h1 runs two VMs (A on VF
# 0 with a 16-queue-pair state, B on VF 1 with a small one); h2 has a single
# VF, so a VF leaked there would be seen at once:
#   1. icemig's own hook fails on h2 (its configuration file is broken):
#      A's migration is refused before anything happens on h2;
#   2. a hook that libvirt runs after icemig's fails (a test hook in
#      qemu.d; libvirt then aborts without any further hook call): icemig's
#      hook had already reserved h2's VF for A. That reservation is
#      *pending* (not confirmed by a prepare begin), and once its lease
#      (pending_seconds, set to 30 s in h2's icemig.conf here; 300 s by
#      default) is over the next migrate begin reclaims it: B then migrates
#      to h2 onto that VF;
#   3. no free VF on h2 (B holds the only one): A is refused, naming it;
#   4. no compatible VF on h2 (B gone, h2's PF offers 4 queue pairs per VF,
#      A's VF uses 16): `icemig migrate` of A is refused, naming max_qps.
# After each: the VMs run where expected with their VF state, the
# reservations on both hosts are exactly the running VMs' VFs (in 2, before
# the lease ends, plus A's pending one on h2), the kernel logs are clean.
#
# Usage: RIG_RUN=DIR fault-hook.sh      (the rig in DIR must be up)
#
# The VF state and capacities are the simulated provider's (ice_mig_sim, a
# test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

A=icemig-fhook-a
B=icemig-fhook-b
fault_init fault-hook "$A" "$B"

step "h1: 2 VFs, $A on VF 0 (16 queue pairs), $B on VF 1; h2: 1 VF"
fault_vfs h1 2
fault_vfs h2 1
frx h1 "vm_start $A \$(vf_bdf 0) && vf_set \$(vf_bdf 0) \"\$(big_state 0a)\" &&
	vm_start $B \$(vf_bdf 1) && vf_set \$(vf_bdf 1) \"\$(small_state 0b)\""
fault_snap "$A"
fault_snap "$B"
h2vf=$(frx h2 'vf_bdf 0')

# refused DOMAIN PATTERN CMD: CMD (on h1) fails with PATTERN in its message
refused() {
	local out rc
	set +e
	out=$(frx h1 "$3" 2>&1)
	rc=$?
	set -e
	echo "$out" >&2
	[ "$rc" != 0 ] || fail "the migration of $1 succeeded"
	grep -qE "$2" <<<"$out" || fail "the migration of $1 was refused, but not with '$2'"
}

step "1. icemig's hook fails on h2 (broken /etc/icemig/icemig.conf)"
frx h2 'mkdir -p /etc/icemig && echo "no_such_key = 1" >/etc/icemig/icemig.conf'
refused "$A" 'icemig hook: migrate begin .*icemig.conf' \
	"virsh migrate --live $A qemu+tcp://icemig-h2/system"
frx h2 'rm -f /etc/icemig/icemig.conf'
fault_check "$A@h1" "$B@h1"
[ -z "$(frx h2 res_list)" ] || fail "h2 holds reservations after its hook failed"

step "2. a hook after icemig's fails on h2 (pending_seconds = 30 in h2's icemig.conf)"
frx h2 'mkdir -p /etc/icemig && echo "pending_seconds = 30" >/etc/icemig/icemig.conf'
frx h2 "printf '#!/bin/sh\n[ \"\$2 \$3\" = \"migrate begin\" ] && { echo \"test hook refuses\" >&2; exit 1; }\nexit 0\n' \
	>${TEST_HOOK_PREFIX}zz-fail && chmod +x ${TEST_HOOK_PREFIX}zz-fail"
t0=$(date +%s)
refused "$A" 'test hook refuses' "virsh migrate --live $A qemu+tcp://icemig-h2/system"
frx h2 "rm -f ${TEST_HOOK_PREFIX}zz-fail"
[ "$(frx h2 res_list)" = "$h2vf $A pending" ] ||
	fail "h2: expected only a pending reservation of $h2vf for $A, got: $(frx h2 res_list)"
PROBE_PENDING_ON=h2 fault_check "$A@h1" "$B@h1"
PROBE_PENDING_ON=
left=$((31 - ($(date +%s) - t0)))
if [ "$left" -gt 0 ]; then
	step "wait ${left} s for the pending reservation's lease to end"
	sleep "$left"
fi
step "$B migrates to h2: the migrate begin hook reclaims the lapsed reservation"
frx h1 "virsh migrate --live $B qemu+tcp://icemig-h2/system"
fault_check "$A@h1" "$B@h2"
[ "$(frx h2 res_list)" = "$h2vf $B" ] || fail "h2: expected $h2vf held for $B, got: $(frx h2 res_list)"

step "3. no free VF on h2 ($B holds its only one)"
refused "$A" 'no local VF for it: all 1 VFs' "virsh migrate --live $A qemu+tcp://icemig-h2/system"
fault_check "$A@h1" "$B@h2"

step "4. no compatible VF on h2 ($B gone, max_qps=4 on h2's PF)"
frx h2 "virsh destroy $B >/dev/null && echo max_qps=4 >\$SIM_DBG/\$RIG_PF/caps"
refused "$A" 'max_qps: the source VF uses 16, this VF offers at most 4' \
	"\"\$ICEMIG\" migrate --no-progress $A qemu+tcp://icemig-h2/system"
fault_check "$A@h1"
[ -z "$(frx h2 res_list)" ] || fail "h2 holds reservations after refusing $A"

echo "fault-hook: h2's icemig hook failing, a later hook failing (pending reservation reclaimed" \
	"after its lease), no free VF and no compatible VF on h2: $A stayed on h1 with its VF state" \
	"each time, no VF leaked" | tee "$RIG_RUN/report-fault-hook.txt"
