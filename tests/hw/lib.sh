# shellcheck shell=bash
# Functions of the hardware scenarios (tests/hw/README.md): two E800-series
# (E810) hosts, the patched ice and ice_mig_glue on both (docs/e810.md).
#
# Environment (all required; a scenario run without them, or on a host
# without an E800-series device, prints one "SKIP: <reason>" line and exits
# 77):
#   ICEMIG_HW_SRC_PF    source PF netdev on this host, e.g. enp175s0f0np0
#   ICEMIG_HW_DST_PF    destination PF netdev on the destination host
#   ICEMIG_HW_DEST      destination host for ssh, e.g. root@dest
#   ICEMIG_HW_DEST_URI  destination libvirt URI, e.g. qemu+ssh://root@dest/system
#   ICEMIG_HW_DOMAIN    a libvirt domain defined on this host whose VF
#                       hostdev is a VF of ICEMIG_HW_SRC_PF bound to
#                       ice_vfio_pci (xml-examples/domain-vf-hostdev.xml)
#   ICEMIG_HW_GUEST     ssh target of the guest, e.g. root@192.0.2.10, with
#                       ping and iperf3 installed
#   ICEMIG_HW_PEER      address the guest reaches through its VF, running
#                       `iperf3 -s`
# Optional: ICEMIG_HW_SECONDS (traffic duration around a migration,
# default 60), ICEMIG (the icemig program, default: icemig in PATH),
# ICEMIG_HW_KVER (whose ice module lists the device IDs; default: running).
: "${ICEMIG:=icemig}"
: "${ICEMIG_HW_SECONDS:=60}"

step() { echo "--- $*" >&2; }
note() { echo "note: $*" >&2; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# PCI device IDs (lower-case hex) the ice driver binds, from its aliases
ice_device_ids() {
	{ modinfo -k "${ICEMIG_HW_KVER:-$(uname -r)}" -F alias ice 2>/dev/null || true; } |
		sed -n 's/^pci:v00008086d0000\([0-9A-F]\{4\}\).*/\1/p' | tr 'A-F' 'a-f' | sort -u
}

# hw_require: skip unless this host has an E800 device and the environment
# names the two hosts' PFs, the destination, the domain, guest and peer.
hw_require() {
	local ids dev v
	ids=$(ice_device_ids)
	[ -n "$ids" ] || skip "no ice module on this host"
	dev=$(lspci -n 2>/dev/null | awk '{print $3}' | sed -n 's/^8086://p' | grep -xF "$ids" | head -n1 || true)
	[ -n "$dev" ] || skip "no E800-series (ice) device on this host"
	for v in ICEMIG_HW_SRC_PF ICEMIG_HW_DST_PF ICEMIG_HW_DEST ICEMIG_HW_DEST_URI \
		ICEMIG_HW_DOMAIN ICEMIG_HW_GUEST ICEMIG_HW_PEER; do
		[ -n "${!v:-}" ] || skip "$v not set (tests/hw/README.md)"
	done
	[ -e "/sys/class/net/$ICEMIG_HW_SRC_PF/device" ] ||
		fail "ICEMIG_HW_SRC_PF=$ICEMIG_HW_SRC_PF is not a netdev here"
	for h in local dest; do
		hx "$h" 'lsmod | grep -q "^ice_mig_glue " && lsmod | grep -q "^ice_vfio_pci "' ||
			fail "$h: ice_mig_glue or ice_vfio_pci not loaded (docs/e810.md)"
	done
}

# hx local|dest 'commands': run on this host or on the destination
hx() {
	if [ "$1" = local ]; then bash -c "$2"; else ssh -o BatchMode=yes "$ICEMIG_HW_DEST" "$2"; fi
}

# gx 'commands': run in the guest
gx() { ssh -o BatchMode=yes -o ConnectTimeout=10 "$ICEMIG_HW_GUEST" "$1"; }

pf_bdf() { basename "$(readlink -f "/sys/class/net/$1/device")"; }

# The VF (BDF) of the domain's first PCI hostdev, on the host running it
domain_vf() { # domain_vf local|dest
	local xml a d b s f
	if [ "$1" = dest ]; then
		xml=$(virsh -c "$ICEMIG_HW_DEST_URI" dumpxml "$ICEMIG_HW_DOMAIN")
	else
		xml=$(virsh dumpxml "$ICEMIG_HW_DOMAIN")
	fi
	a='//hostdev[@type="pci"][1]/source/address'
	d=$(xmllint --xpath "string($a/@domain)" - <<<"$xml")
	b=$(xmllint --xpath "string($a/@bus)" - <<<"$xml")
	s=$(xmllint --xpath "string($a/@slot)" - <<<"$xml")
	f=$(xmllint --xpath "string($a/@function)" - <<<"$xml")
	[ -n "$b" ] || return 1
	printf '%04x:%02x:%02x.%x\n' "$d" "$b" "$s" "$f"
}

# Traffic from the guest through its VF: a ping every 2 ms (timestamps)
# and an iperf3 TCP stream, both for ICEMIG_HW_SECONDS, in the background.
traffic_start() {
	gx "rm -f /tmp/hw-ping.txt /tmp/hw-iperf.json
		nohup ping -D -i 0.002 -w $ICEMIG_HW_SECONDS $ICEMIG_HW_PEER >/tmp/hw-ping.txt 2>&1 &
		nohup iperf3 -c $ICEMIG_HW_PEER -t $ICEMIG_HW_SECONDS -J >/tmp/hw-iperf.json 2>&1 &" ||
		fail "cannot start traffic in the guest"
	sleep 5
}

# traffic_report NAME: wait for the traffic to end; print the
# guest-visible interruption (the longest gap between ping replies, ms),
# lost pings, iperf3's mean rate; fail when the guest lost its network for
# good (no reply in the last 5 s of the ping).
traffic_report() {
	local out
	gx "while pgrep -x ping >/dev/null || pgrep -x iperf3 >/dev/null; do sleep 1; done"
	out=$(gx "awk -F'[][]' '/bytes from/ {t = \$2 + 0; if (p) { g = (t - p) * 1000; if (g > m) m = g }; p = t; last = t; n++}
		/packets transmitted/ {tx = \$0}
		END {printf \"gap_ms=%.1f replies=%d last=%.3f\\n%s\\n\", m, n, last, tx}' /tmp/hw-ping.txt;
		python3 -c 'import json,sys; d=json.load(open(\"/tmp/hw-iperf.json\")); print(\"iperf_mbps=%.0f\" % (d[\"end\"][\"sum_received\"][\"bits_per_second\"]/1e6))' 2>/dev/null || echo iperf_mbps=none")
	echo "$1: $out" | tr '\n' ' '
	echo
	printf '%s\n' "$out" | grep -q 'replies=[1-9]' || fail "$1: the guest got no ping reply at all"
}
