#!/usr/bin/env bash
# Scenario: `icemig migrate` of a VM holding a VF, h1 -> h2 and back to h1,
# through the libvirt API with the compatibility descriptors in the domain
# metadata and the hook on each destination checking them. Verifies after
# each leg: the VM runs on the destination on a VF the hook reserved for it,
# the VF configuration arrived unchanged, and the source VF is back in the
# pool (no reservation, bound to ice_vfio_pci again: on_release = rebind).
#
# Usage: RIG_RUN=DIR icemig-migrate.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device): the
# figures are the emulated rig's, not E810 figures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

VM=icemig-mig
REPORT=${RIG_RUN}/report-icemig-migrate.txt

# hook_log HOST: what libvirtd logged about hooks (on failure)
hook_log() {
	rx "$1" "grep -i hook /var/log/libvirt/libvirtd.log | tail -n 5" >&2 || true
}

cleanup() {
	local h
	for h in h1 h2; do
		rx "$h" "virsh destroy $VM >/dev/null 2>&1; virsh undefine $VM >/dev/null 2>&1;
			rm -f /etc/icemig/icemig.conf; true" || true
	done
}
trap cleanup EXIT
cleanup

# The configuration the hooks and `icemig provision` read: this host's PF is
# the pool, 2 VFs, trusted, no spoof check; release end binds a returned VF
# to ice_vfio_pci again.
CONF='mkdir -p /etc/icemig && printf "on_release = rebind\nforce = yes\n[pf %s]\nvfs = 2\ntrust = on\nspoofchk = off\n" "$RIG_PF" >/etc/icemig/icemig.conf'

step "icemig provision on each host: 2 VFs (no autoprobe), bound to ice_vfio_pci, trust on, spoofchk off"
for h in h1 h2; do
	rx "$h" "$CONF"' && "$ICEMIG" provision && "$ICEMIG" vf list'
	# the PF driver applied the settings (rtnetlink, as ip link shows them)
	vfs=$(rx "$h" 'ip link show "$RIG_PF_NETDEV"' | grep -E '^ +vf [01] ')
	[ "$(grep -c 'spoof checking off.*trust on' <<<"$vfs")" = 2 ] ||
		fail "$h: provision did not set trust on / spoofchk off on both VFs: $vfs"
	# idempotent: a second run binds nothing
	rx "$h" '"$ICEMIG" provision --json' | grep -q '"bound":0' || fail "$h: second provision rebound VFs"
done

# VF 1 on h1: the destination hook picks its first compatible free VF (VF 0),
# so a missing address rewrite cannot go unnoticed.
src_vf=$(rx h1 'vf_bdf 1')
src_dbg=$(rx h1 "vf_dbg $src_vf")

step "start $VM on h1 with VF $src_vf; the prepare begin hook reserves it"
rx h1 "vm_xml \$RIG_PROJECT/tests/rig/vm.xml.in $VM $src_vf > /tmp/$VM.xml &&
	virsh define /tmp/$VM.xml >/dev/null && virsh start $VM"
owner=$(rx h1 "cat /run/icemig/reserved/$src_vf" 2>/dev/null || true)
[ "$owner" = "$VM" ] || fail "h1: $src_vf not reserved for $VM by prepare begin (got '$owner')"

step "write a distinctive VF state on h1 (two queue pairs)"
STATE='mac=52:54:00:12:34:56 trust=1 spoofchk=0 port_vlan=200 link_state=1
num_qps=2 num_msix=3 vc_api=1.1 vc_caps=0x040884e1
txq0=0x12340000:512:7:42:1 txq1=0x12350000:512:3:9:1
rxq0=0x56780000:1024:9:1000:2048:1 rxq1=0x56790000:1024:5:800:2048:1'
rx h1 "echo '$STATE' > $src_dbg/state"
config_of() { grep -vE '^(rx_|tx_)(packets|bytes)=|^running=' || true; }
config0=$(rx h1 "cat $src_dbg/state" | config_of)

compat_json() { rx "$1" "\"\$ICEMIG\" compat show --json $2"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
[ "$(compat_json h1 "$src_vf" | field 'd["descriptor"]["used_qps"]')" = 2 ] ||
	fail "h1: descriptor of $src_vf does not show the 2 queue pairs in use"

# migrate_leg FROM TO: icemig migrate from host FROM to TO; prints the JSON summary
migrate_leg() {
	local from=$1 to=$2 out
	out=$(rx "$from" "\"\$ICEMIG\" migrate --json $VM qemu+tcp://icemig-$to/system") ||
		fail "icemig migrate $VM $from -> $to failed"
	echo "$out"
}

# check_leg FROM TO FROM_VF: the VM runs on TO, FROM_VF is back in FROM's pool;
# prints TO's VF
check_leg() {
	local from=$1 to=$2 from_vf=$3 vf row
	rx "$to" "virsh domstate $VM" | grep -q running || fail "$VM is not running on $to"
	rx "$from" "virsh domstate $VM 2>/dev/null" | grep -q running && fail "$VM still running on $from"
	vf=$(rx "$to" "hostdev_bdf $VM")
	[ "$(rx "$to" "cat /run/icemig/reserved/$vf")" = "$VM" ] ||
		fail "$to: $VM's VF $vf is not reserved for it"
	# the source VF: no reservation, on ice_vfio_pci, migratable (release end, rebind)
	row=$(rx "$from" "\"\$ICEMIG\" vf list --json" |
		python3 -c 'import json,sys; v=[r for r in json.load(sys.stdin)["vfs"] if r["vf"]==sys.argv[1]][0]; print(v["domain"], v["driver"], v["migration"])' "$from_vf")
	if [ "$row" != "None ice_vfio_pci yes" ]; then
		hook_log "$from"
		fail "$from: VF $from_vf is not back in the pool after the migration (domain, driver, migration: $row)"
	fi
	echo "$vf"
}

step "icemig migrate $VM h1 -> h2"
sum1=$(migrate_leg h1 h2)
echo "$sum1" >&2
[ "$(field 'd["migrated"]' <<<"$sum1")" = True ] || fail "summary does not say migrated"
[ "$(field 'd["vfs"]' <<<"$sum1")" = 1 ] || fail "summary: expected 1 VF"
dst_vf=$(check_leg h1 h2 "$src_vf")
dst_dbg=$(rx h2 "vf_dbg $dst_vf")
[ "$dst_vf" = "$(rx h2 'vf_bdf 0')" ] || note "h2 gave $VM $dst_vf, not its first VF"
config1=$(rx h2 "cat $dst_dbg/state" | config_of)
if [ "$config0" != "$config1" ]; then
	diff <(echo "$config0") <(echo "$config1") >&2 || true
	fail "VF configuration differs between h1 ($src_vf) and h2 ($dst_vf)"
fi
saved1=$(rx h1 "cat $src_dbg/saved")
loaded1=$(rx h2 "cat $dst_dbg/loaded")

step "icemig migrate $VM h2 -> h1"
sum2=$(migrate_leg h2 h1)
echo "$sum2" >&2
back_vf=$(check_leg h2 h1 "$dst_vf")
back_dbg=$(rx h1 "vf_dbg $back_vf")
config2=$(rx h1 "cat $back_dbg/state" | config_of)
if [ "$config0" != "$config2" ]; then
	diff <(echo "$config0") <(echo "$config2") >&2 || true
	fail "VF configuration differs after the round trip ($src_vf -> $dst_vf -> $back_vf)"
fi
grep -q '^running=1$' <(rx h1 "cat $back_dbg/state") || fail "h1: VF $back_vf is not RUNNING after the return"

num() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
{
	echo "icemig migrate on the emulated rig (TCG, QEMU igb PF; VF state from"
	echo "ice_mig_sim, a simulated provider: not E810 figures)"
	printf '  %-32s %12s %12s\n' "" "h1 -> h2" "h2 -> h1"
	for k in total_time_ms downtime_ms data_bytes device_state_bytes wall_time_ms; do
		printf '  %-32s %12s %12s\n' "$k" "$(field "d[\"$k\"]" <<<"$sum1")" "$(field "d[\"$k\"]" <<<"$sum2")"
	done
	echo "  VF: h1 $src_vf -> h2 $dst_vf -> h1 $back_vf; configuration identical after each leg"
	echo "  ice_mig_sim: h1 saved $(num "$saved1" bytes) bytes, h2 loaded $(num "$loaded1" bytes) bytes"
	echo "  after each leg the source VF was unreserved and on ice_vfio_pci again"
} | tee "$REPORT"
