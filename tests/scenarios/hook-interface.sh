#!/usr/bin/env bash
# Scenario: plain `virsh migrate --live` of a VM whose VF is an
# <interface type='hostdev'>, driven by the icemig hook on each host:
# prepare begin reserves the VF on h1, migrate begin on h2 checks the
# descriptor carried in the domain metadata (set with `virsh metadata`,
# not by icemig migrate), picks a local VF and rewrites the interface's
# source address; release end on h1 puts the VF back in the pool.
# Verifies: the VM runs on h2 on the VF the hook reserved, libvirt applied
# the interface's MAC to that VF through the PF, the VF state arrived, and
# h1's VF is unreserved and on ice_vfio_pci again.
#
# Usage: RIG_RUN=DIR hook-interface.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

VM=icemig-iface
MAC=52:54:00:6d:90:02
REPORT=${RIG_RUN}/report-hook-interface.txt

# hook_log HOST: what libvirtd logged about hooks (on failure)
hook_log() {
	rx "$1" "grep -i hook /var/log/libvirt/libvirtd.log | tail -n 5" >&2 || true
}

cleanup() {
	local h
	for h in h1 h2; do
		rx "$h" "virsh destroy $VM >/dev/null 2>&1; virsh undefine $VM >/dev/null 2>&1;
			rm -f /etc/icemig/icemig.conf; ip link set \"\$RIG_PF_NETDEV\" down 2>/dev/null; true" || true
	done
}
trap cleanup EXIT
cleanup

CONF='mkdir -p /etc/icemig && printf "on_release = rebind\n[pf %s]\nvfs = 2\n" "$RIG_PF" >/etc/icemig/icemig.conf'

# libvirt programs an <interface type='hostdev'>'s MAC through the PF's
# netdev, and refuses while that netdev is down.
step "provision 2 VFs per host (icemig vf create without autoprobe, vf bind); PF netdev up"
for h in h1 h2; do
	rx "$h" "$CONF"' && ip link set "$RIG_PF_NETDEV" up &&
		"$ICEMIG" vf create "$RIG_PF" 2 --force --no-autoprobe >/dev/null &&
		"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" >/dev/null'
done
src_vf=$(rx h1 'vf_bdf 1')
src_dbg=$(rx h1 "vf_dbg $src_vf")

step "icemig vf set on h1's VF 0 (rtnetlink through the PF), checked with ip link"
rx h1 '"$ICEMIG" vf set "$(vf_bdf 0)" --mac 52:54:00:aa:bb:01 --vlan 42 --trust on --spoofchk off'
line=$(rx h1 'ip link show "$RIG_PF_NETDEV"' | grep -E '^ +vf 0 ')
for want in 52:54:00:aa:bb:01 'vlan 42' 'spoof checking off' 'trust on'; do
	grep -q "$want" <<<"$line" || fail "h1: vf set: '$want' missing in: $line"
done
rx h1 '"$ICEMIG" vf set "$(vf_bdf 0)" --vlan 0 --trust off --spoofchk on >/dev/null'

# The rig's VM (tests/rig/vm.xml.in) with the VF as an interface instead of a
# hostdev: the same QEMU properties, tied to the interface's alias.
iface_xml() { # iface_xml VF-BDF: the domain XML, made here and sent to the host
	python3 - "$PROJECT/tests/rig/vm.xml.in" "$VM" "$MAC" "$1" <<'EOT'
import re, sys
tmpl, name, mac, bdf = sys.argv[1:]
d, b, rest = bdf.split(":")
s, f = rest.split(".")
iface = ("<interface type='hostdev' managed='yes'>\n"
         "      <mac address='%s'/>\n"
         "      <driver name='vfio' model='ice_vfio_pci'/>\n"
         "      <source>\n"
         "        <address type='pci' domain='0x%s' bus='0x%s' slot='0x%s' function='0x%s'/>\n"
         "      </source>\n"
         "      <alias name='ua-vf0'/>\n"
         "    </interface>") % (mac, d, b, s, f)
x = open(tmpl).read().replace("@NAME@", name)
x, n = re.subn(r"<hostdev .*?</hostdev>", iface, x, flags=re.S)
assert n == 1, "tests/rig/vm.xml.in: expected one <hostdev>"
sys.stdout.write(x)
EOT
}
step "start $VM on h1 with <interface type='hostdev'> on VF $src_vf"
xml=$(iface_xml "$src_vf")
rx h1 "cat >/tmp/$VM.xml <<'ICEMIG_EOF'
$xml
ICEMIG_EOF
virsh define /tmp/$VM.xml >/dev/null && virsh start $VM"
[ "$(rx h1 "cat /run/icemig/reserved/$src_vf")" = "$VM" ] ||
	fail "h1: prepare begin did not reserve $src_vf for $VM"
rx h1 "ip link show \$RIG_PF_NETDEV" | grep -qi "vf 1 .*$MAC" ||
	fail "h1: libvirt did not set MAC $MAC on VF 1 of the PF"

step "the VF's descriptor into the domain metadata with virsh (what icemig migrate does)"
STATE='num_qps=2 num_msix=3 txq0=0x12340000:512:7:42:1 txq1=0x12350000:512:3:9:1
rxq0=0x56780000:1024:9:1000:2048:1 rxq1=0x56790000:1024:5:800:2048:1 trust=1'
rx h1 "echo '$STATE' > $src_dbg/state"
rx h1 "virsh metadata $VM --live --uri https://icemig.invalid/xmlns/1 --key icemig \
	--set \"<vfs><vf source='$src_vf'>\$(\"\$ICEMIG\" compat show $src_vf)</vf></vfs>\" >/dev/null"
rx h1 "virsh dumpxml $VM" | grep -q "icemig:vf source=\"$src_vf\"" || fail "metadata not in the live XML"
config_of() { grep -vE '^(rx_|tx_)(packets|bytes)=|^running=|^mac=' || true; }
config0=$(rx h1 "cat $src_dbg/state" | config_of)

step "virsh migrate --live $VM h1 -> h2 (hook-driven)"
t0=$(date +%s%N)
rx h1 "virsh migrate --live $VM qemu+tcp://icemig-h2/system" || fail "virsh migrate of $VM failed"
t1=$(date +%s%N)
rx h2 "virsh domstate $VM" | grep -q running || fail "$VM is not running on h2"
rx h1 "virsh domstate $VM 2>/dev/null" | grep -q running && fail "$VM still running on h1"

xml2=$(rx h2 "virsh dumpxml $VM")
dst_vf=$(python3 - "$xml2" <<'EOT'
import sys, xml.etree.ElementTree as ET
d = ET.fromstring(sys.argv[1])
i = d.find("./devices/interface[@type='hostdev']")
a = i.find("./source/address")
print("%04x:%02x:%02x.%x" % tuple(int(a.get(k), 16) for k in ("domain", "bus", "slot", "function")))
EOT
)
[ -n "$dst_vf" ] || fail "h2: no <interface type='hostdev'> in $VM's XML"
[ "$(rx h2 "cat /run/icemig/reserved/$dst_vf")" = "$VM" ] || fail "h2: $dst_vf not reserved for $VM"
[ "$(rx h2 "basename \$(readlink /sys/bus/pci/devices/$dst_vf/driver)")" = ice_vfio_pci ] ||
	fail "h2: $dst_vf is not on ice_vfio_pci"
dst_idx=$(rx h2 "for l in /sys/bus/pci/devices/\$RIG_PF/virtfn*; do
	[ \"\$(basename \$(readlink -f \$l))\" = $dst_vf ] && echo \${l##*virtfn}; done; true")
[ -n "$dst_idx" ] || fail "h2: $dst_vf is not a VF of \$RIG_PF"
rx h2 "ip link show \$RIG_PF_NETDEV" | grep -qi "vf $dst_idx .*$MAC" ||
	fail "h2: libvirt did not set MAC $MAC on VF $dst_idx ($dst_vf)"
dst_dbg=$(rx h2 "vf_dbg $dst_vf")
config1=$(rx h2 "cat $dst_dbg/state" | config_of)
if [ "$config0" != "$config1" ]; then
	diff <(echo "$config0") <(echo "$config1") >&2 || true
	fail "VF configuration differs between h1 ($src_vf) and h2 ($dst_vf)"
fi

step "h1: the source VF is back in the pool"
row=$(rx h1 "\"\$ICEMIG\" vf list --json" |
	python3 -c 'import json,sys; v=[r for r in json.load(sys.stdin)["vfs"] if r["vf"]==sys.argv[1]][0]; print(v["domain"], v["driver"], v["migration"])' "$src_vf")
if [ "$row" != "None ice_vfio_pci yes" ]; then
	hook_log h1
	fail "h1: VF $src_vf not back in the pool (domain, driver, migration: $row)"
fi

total=$(rx h2 "jobinfo_ms $VM 'Time elapsed'")
down=$(rx h2 "jobinfo_ms $VM 'Total downtime'")
{
	echo "hook-driven virsh migrate --live, <interface type='hostdev'> (emulated rig;"
	echo "VF state from ice_mig_sim, a simulated provider: not E810 figures)"
	echo "  VF: h1 $src_vf -> h2 $dst_vf (VF $dst_idx), MAC $MAC set by libvirt on both"
	echo "  descriptor checked by the h2 hook from the metadata set with virsh metadata"
	echo "  wall $(( (t1 - t0) / 1000000 )) ms, libvirt time elapsed ${total} ms, downtime ${down} ms"
	echo "  h1's VF unreserved and on ice_vfio_pci again"
} | tee "$REPORT"
