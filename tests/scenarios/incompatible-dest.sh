#!/usr/bin/env bash
# Scenario: a destination whose VFs cannot take the source VF's state is
# refused before any guest memory moves. h2's simulated PF offers one queue
# pair per VF (ice_mig_sim caps max_qps=1); the VM's VF on h1 uses two. The
# compatibility descriptors say so: `icemig compat check` across the hosts
# exits 1 naming max_qps, `icemig migrate` fails with the migrate begin
# hook's message naming max_qps (and leaves no metadata behind), and plain
# `virsh migrate --live` with the descriptor in the metadata (set with
# `virsh metadata`) fails the same way. Afterwards: the VM still
# runs on h1 with its VF RUNNING and never saved (no state stream was made,
# so no memory phase began), h2 has no such domain, loaded no VF state and
# holds no reservation.
#
# Usage: RIG_RUN=DIR incompatible-dest.sh      (the rig in DIR must be up)
#
# The VF state and capacities are the simulated provider's (ice_mig_sim, a
# test device), not E810 figures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

VM=icemig-incompat
REPORT=${RIG_RUN}/report-incompatible-dest.txt
CAPS='$SIM_DBG/$RIG_PF/caps'

cleanup() {
	local h
	for h in h1 h2; do
		rx "$h" "virsh destroy $VM >/dev/null 2>&1; virsh undefine $VM >/dev/null 2>&1;
			echo max_qps=16 > $CAPS; rm -f /etc/icemig/icemig.conf; true" || true
	done
}
trap cleanup EXIT
cleanup

CONF='mkdir -p /etc/icemig && printf "on_release = rebind\n[pf %s]\nvfs = 2\n" "$RIG_PF" >/etc/icemig/icemig.conf'
step "provision 2 VFs per host; h2's PF offers 1 queue pair per VF (max_qps=1)"
for h in h1 h2; do
	rx "$h" "$CONF"' &&
		"$ICEMIG" vf create "$RIG_PF" 2 --force --no-autoprobe >/dev/null &&
		"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" >/dev/null'
done
rx h2 "echo max_qps=1 > $CAPS && grep -qx max_qps=1 $CAPS" || fail "h2: cannot set max_qps=1 in $CAPS"
rx h2 '"$ICEMIG" compat show "$(vf_bdf 0)"' | grep -qx 'max_qps=1' ||
	fail "h2: the descriptor of VF 0 does not show max_qps=1"

src_vf=$(rx h1 'vf_bdf 1')
src_dbg=$(rx h1 "vf_dbg $src_vf")
step "start $VM on h1 with VF $src_vf and give the VF two queue pairs"
rx h1 "vm_xml \$RIG_PROJECT/tests/rig/vm.xml.in $VM $src_vf > /tmp/$VM.xml &&
	virsh define /tmp/$VM.xml >/dev/null && virsh start $VM"
rx h1 "echo 'num_qps=2 num_msix=3 txq0=0x12340000:512:7:42:1 txq1=0x12350000:512:3:9:1
rxq0=0x56780000:1024:9:1000:2048:1 rxq1=0x56790000:1024:5:800:2048:1' > $src_dbg/state"
saves0=$(rx h1 "cat $src_dbg/saved" | tr ' ' '\n' | sed -n 's/^saves=//p')

step "icemig compat check of h1's descriptor against h2's VF: exit 1, naming max_qps"
desc=$(rx h1 "\"\$ICEMIG\" compat show $src_vf")
set +e
out=$(rx h2 "cat >/tmp/src.desc <<'EOT'
$desc
EOT
\"\$ICEMIG\" compat check /tmp/src.desc \"\$(vf_bdf 0)\"")
rc=$?
set -e
echo "$out" >&2
[ "$rc" = 1 ] || fail "compat check exited $rc, expected 1 (incompatible)"
grep -q 'max_qps: the source VF uses 2, this VF offers at most 1' <<<"$out" ||
	fail "compat check does not name max_qps: $out"

# refused LEGNAME CMD: CMD on h1 must fail, naming max_qps, with the VM intact
refused() {
	local what=$1 cmd=$2 out rc
	step "$what h1 -> h2: refused"
	set +e
	out=$(rx h1 "$cmd" 2>&1)
	rc=$?
	set -e
	echo "$out" >&2
	[ "$rc" != 0 ] || fail "$what succeeded onto VFs with max_qps=1"
	grep -q "max_qps" <<<"$out" || fail "$what: the error does not name max_qps: $out"
	grep -q "no local VF can take its state" <<<"$out" ||
		fail "$what: the error is not the hook's compatibility refusal: $out"
	rx h1 "virsh domstate $VM" | grep -q '^running' || fail "$VM is not running on h1 after $what"
	rx h2 "virsh dominfo $VM >/dev/null 2>&1" && fail "h2 has a domain $VM after $what"
	[ -z "$(rx h2 'ls /run/icemig/reserved 2>/dev/null')" ] ||
		fail "h2 holds reservations after $what: $(rx h2 'ls /run/icemig/reserved')"
	echo "$out" | tail -n 1
}
msg1=$(refused "icemig migrate" "\"\$ICEMIG\" migrate --no-progress $VM qemu+tcp://icemig-h2/system")
# icemig migrate removed its metadata again (the VM stays here, and a later
# plain virsh migrate must not carry a descriptor read now); for the plain
# virsh migrate the descriptor goes into the metadata by hand, as in
# hook-interface
if rx h1 "virsh dumpxml $VM" | grep -q "icemig:vf source="; then
	fail "icemig migrate left its metadata in $VM's live XML after the refusal"
fi
rx h1 "virsh metadata $VM --live --uri https://icemig.invalid/xmlns/1 --key icemig \
	--set \"<vfs><vf source='$src_vf'>\$(\"\$ICEMIG\" compat show $src_vf)</vf></vfs>\" >/dev/null"
rx h1 "virsh dumpxml $VM" | grep -q "icemig:vf source=\"$src_vf\"" ||
	fail "the icemig metadata is not in $VM's live XML"
msg2=$(refused "virsh migrate --live" "virsh migrate --live $VM qemu+tcp://icemig-h2/system")

step "no memory phase began: h1's VF never saved its state, h2 loaded none"
saves1=$(rx h1 "cat $src_dbg/saved" | tr ' ' '\n' | sed -n 's/^saves=//p')
[ "$saves0" = "$saves1" ] || fail "h1's VF state was saved during a refused migration ($saves0 -> $saves1)"
grep -q '^running=1$' <(rx h1 "cat $src_dbg/state") || fail "h1's VF is not RUNNING"
for k in 0 1; do
	loads=$(rx h2 "cat \$(vf_dbg \$(vf_bdf $k))/loaded" | tr ' ' '\n' | sed -n 's/^loads=//p')
	[ "${loads:-0}" = 0 ] || note "h2 VF $k has loads=$loads from an earlier scenario"
done
[ -z "$(rx h1 "virsh domjobinfo --completed --keep-completed $VM 2>/dev/null | grep -E '^(Memory processed|Data processed):' | grep -v ' 0\.000 B'")" ] ||
	note "libvirt reports processed data for the refused job"

{
	echo "incompatible destination (emulated rig; ice_mig_sim capacities, not E810 figures)"
	echo "  h1 VF $src_vf uses 2 queue pairs; h2's VFs offer 1 (max_qps=1)"
	echo "  icemig compat check: exit 1, max_qps named"
	echo "  icemig migrate: refused: $msg1"
	echo "  virsh migrate --live: refused: $msg2"
	echo "  VM kept running on h1; its VF state was never saved (saves=$saves1); nothing reserved on h2"
} | tee "$REPORT"
