# shellcheck shell=bash
# Functions for the fault, soak and bench scenarios, run INSIDE a rig host
# after host-lib.sh (fault-lib.sh's frx loads both).
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).

# Every process costs ~20 ms in a rig host (TCG): the functions below that
# run after each migration use shell builtins where they can.

# dom_vfs remembers each domain's VFs for the rest of the process (the
# probe of one moment); a script that migrates in between must not use it.
declare -A DOM_VFS_CACHE

# dom_vfs DOMAIN: the BDFs of the PCI hostdev sources of a running domain, in
# document order (the order the destination hook assigns them in)
dom_vfs() {
	local xml a re='domain="0x([0-9a-fA-F]+)" bus="0x([0-9a-fA-F]+)" slot="0x([0-9a-fA-F]+)" function="0x([0-9a-fA-F]+)"'
	if [ -n "${DOM_VFS_CACHE[$1]+set}" ]; then
		# shellcheck disable=SC2086 # a list of BDFs
		[ -z "${DOM_VFS_CACHE[$1]}" ] || printf '%s\n' ${DOM_VFS_CACHE[$1]}
		return 0
	fi
	xml=$(virsh dumpxml "$1" | xmllint --xpath "/domain/devices/hostdev[@type='pci']/source/address" - 2>/dev/null) || xml=
	DOM_VFS_CACHE[$1]=
	while [[ $xml =~ $re ]]; do
		a=$(printf '%04x:%02x:%02x.%x' "0x${BASH_REMATCH[1]}" "0x${BASH_REMATCH[2]}" \
			"0x${BASH_REMATCH[3]}" "0x${BASH_REMATCH[4]}")
		DOM_VFS_CACHE[$1]+="$a "
		echo "$a"
		xml=${xml#*"${BASH_REMATCH[0]}"}
	done
}

# vf_dbg BDF: as host-lib.sh's, without a process per VF
vf_dbg() {
	local vf=$1 pf l
	pf=$(readlink "/sys/bus/pci/devices/$vf/physfn") || {
		echo "vf_dbg: $vf: not a VF of an SR-IOV PF" >&2
		return 1
	}
	pf=${pf##*/}
	for l in /sys/bus/pci/devices/"$pf"/virtfn*; do
		if [ "$l" -ef "/sys/bus/pci/devices/$vf" ]; then
			echo "$SIM_DBG/$pf/vf${l##*virtfn}"
			return 0
		fi
	done
	echo "vf_dbg: $vf: not found among the VFs of $pf" >&2
	return 1
}

# dom_running DOMAIN: true if DOMAIN is running (not paused) on this host
dom_running() {
	[ "$(virsh domstate "$1" 2>/dev/null | head -n 1)" = running ]
}

# vm_xml_n NAME BDF...: the rig's VM (tests/rig/vm.xml.in) with one managed
# hostdev per BDF, each with the QEMU properties migration needs
vm_xml_n() {
	local name=$1 i=0 b dom bus slot fn
	shift
	cat <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <memory unit='MiB'>64</memory>
  <currentMemory unit='MiB'>64</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
EOF
	for b in "$@"; do
		IFS=':.' read -r dom bus slot fn <<<"$b"
		cat <<EOF
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' model='ice_vfio_pci'/>
      <source><address domain='0x$dom' bus='0x$bus' slot='0x$slot' function='0x$fn'/></source>
      <alias name='ua-vf$i'/>
    </hostdev>
EOF
		i=$((i + 1))
	done
	echo "    <memballoon model='none'/>"
	echo "  </devices>"
	echo "  <qemu:commandline>"
	echo "    <qemu:arg value='-global'/>"
	echo "    <qemu:arg value='migration.x-downtime-limit=2000000'/>"
	echo "  </qemu:commandline>"
	echo "  <qemu:override>"
	for ((i = 0; i < $#; i++)); do
		cat <<EOF
    <qemu:device alias='ua-vf$i'>
      <qemu:frontend>
        <qemu:property name='enable-migration' type='string' value='on'/>
        <qemu:property name='x-pre-copy-dirty-page-tracking' type='string' value='off'/>
      </qemu:frontend>
    </qemu:device>
EOF
	done
	echo "  </qemu:override>"
	echo "</domain>"
}

# vm_start NAME BDF...: define and start the VM (persistent, so that a
# failed or cancelled migration leaves it defined where it was)
vm_start() {
	local name=$1
	shift
	vm_xml_n "$name" "$@" >"/tmp/$name.xml" &&
		virsh define "/tmp/$name.xml" >/dev/null && virsh start "$name" >/dev/null
}

# big_state [MAC-LAST-BYTE]: a 16-queue-pair state with RSS, 256 VLAN
# filters, a MAC filter and mailbox state: a stream of about 2 KiB
big_state() {
	local i lut='' s m=${1:-01}
	for i in $(seq 0 63); do lut+=$(printf %02x $((i % 16))); done
	s="mac=52:54:00:fa:17:$m trust=1 spoofchk=0 port_vlan=300 link_state=1"
	s+=" vc_api=1.1 vc_caps=0x040884e1 num_qps=16 num_msix=17 num_msix_maps=17"
	s+=" rss=0x3fff:$lut mac_filters=52:54:00:12:34:$m/1 mbx=6:64:1:1:64:2:3 vlan_filters=1-256"
	for i in $(seq 0 15); do
		s+=" txq$i=0x$((1100000 + i * 1000)):512:$((i + 1)):$((i + 2)):1"
		s+=" rxq$i=0x$((2200000 + i * 1000)):1024:$((i + 3)):$((i + 4)):2048:1"
	done
	for i in $(seq 0 16); do s+=" msix$i=$i:0x0:0x0:0:1"; done
	echo "$s"
}

# small_state MAC-LAST-BYTE: one queue pair, distinctive values; every
# other field written too (a state write changes only the keys it names)
small_state() {
	local i s
	s="mac=52:54:00:5a:00:$1 trust=1 spoofchk=0 port_vlan=$((0x$1 + 100)) link_state=1"
	s+=" num_qps=1 num_msix=2 num_msix_maps=0 vc_api=1.1 vc_caps=0x040884e1 rss=off"
	s+=" mac_filters=none vlan_filters=none mbx=none"
	s+=" txq0=0x1234${1}000:512:7:42:1 rxq0=0x5678${1}000:1024:9:1000:2048:1"
	for i in $(seq 1 15); do s+=" txq$i=0:0:0:0:0 rxq$i=0:0:0:0:0:0"; done
	echo "$s rx_packets=1000000 rx_bytes=64000000 tx_packets=2000000 tx_bytes=128000000"
}

# vf_set BDF STATE: write a state through the simulated provider's debugfs
vf_set() {
	echo "$2" >"$(vf_dbg "$1")/state"
}

# vf_num BDF FILE KEY: a number from the VF's debugfs saved/loaded line
vf_num() {
	local line kv
	read -r line <"$(vf_dbg "$1")/$2" || return 1
	for kv in $line; do
		[ "${kv%%=*}" != "$3" ] || echo "${kv#*=}"
	done
}

# dom_report DOMAIN: how DOMAIN and its VFs are on this host, one fact a
# line: "state <virsh domstate>", then per VF (hostdev order) "vf I BDF
# running=R rx=N saves=S loads=L" and its configuration lines "cfg I LINE"
dom_report() {
	local d=$1 i=0 b dbg st line running rx cfg
	st=$(virsh domstate "$d" 2>/dev/null) || st=
	st=${st%%$'\n'*}
	echo "state $st"
	[ "$st" = running ] || return 0
	dom_vfs "$d" >/dev/null # fills the cache in this shell
	for b in $(dom_vfs "$d"); do
		dbg=$(vf_dbg "$b") || return 1
		cfg=
		while read -r line; do
			case $line in
			running=*) running=${line#running=} ;;
			rx_packets=*) rx=${line#rx_packets=} ;;
			rx_bytes=* | tx_packets=* | tx_bytes=*) ;;
			*) cfg+="cfg $i $line"$'\n' ;;
			esac
		done <"$dbg/state"
		echo "vf $i $b running=$running rx=$rx saves=$(vf_num "$b" saved saves)" \
			"loads=$(vf_num "$b" loaded loads)"
		printf '%s' "$cfg"
		i=$((i + 1))
	done
}

# res_list: this host's reservations, "BDF DOMAIN [pending]" lines, sorted
res_list() {
	local f d p
	for f in /run/icemig/reserved/*; do
		[ -e "$f" ] || continue
		{ read -r d; read -r p || true; } <"$f"
		echo "${f##*/} $d${p:+ $p}"
	done | sort
}

# res_check [ALLOW_PENDING]: the reservations on this host are exactly the
# VFs of the domains running (or paused) here, each once, held for its
# domain. A pending reservation (made by a migrate begin hook whose
# migration has not started a QEMU here) counts as a mismatch unless
# ALLOW_PENDING is 1. Also: no VF is in two domains.
res_check() {
	local allow=${1:-0} want got pend names d b
	names=$(virsh list --name)
	for d in $names; do dom_vfs "$d" >/dev/null; done # fills the cache here
	want=$(for d in $names; do
		for b in $(dom_vfs "$d"); do echo "$b $d"; done
	done | sort)
	if [ -n "$want" ] && [ "$(cut -d' ' -f1 <<<"$want" | sort | uniq -d)" ]; then
		echo "res_check: $RIG_HOST: a VF is in two domains: $want" >&2
		return 1
	fi
	got=$(res_list)
	pend=$(grep ' pending$' <<<"$got" | sed 's/ pending$//' || true)
	[ "$allow" = 1 ] && got=$(grep -v ' pending$' <<<"$got" || true)
	if [ "$want" != "$got" ]; then
		echo "res_check: $RIG_HOST: reservations do not match the running domains' VFs" >&2
		echo "  running domains' VFs: ${want:-none}" >&2
		echo "  reservations:         $(res_list | tr '\n' ';')" >&2
		return 1
	fi
	# icemig vf list shows the same owners (columns: PF PROVIDER INDEX VF
	# DRIVER IOMMU_GROUP DOMAIN MIGRATION STREAM)
	got=$("$ICEMIG" vf list | awk 'NR > 1 && $7 != "-" { print $4, $7 }' | sort) || return 1
	want=$(printf '%s\n%s\n' "$want" "$pend" | sed '/^$/d' | sort)
	if [ "$want" != "$got" ]; then
		echo "res_check: $RIG_HOST: icemig vf list shows owners ${got:-none}, expected ${want:-none}" >&2
		return 1
	fi
}

# kmsg_mark NAME: a line in the kernel log where a scenario begins
kmsg_mark() {
	echo "icemig-test: begin $1" >/dev/kmsg
}

# kmsg_check: no WARN, BUG, Oops, lockup, RCU stall or sanitizer report in
# the kernel log since the last kmsg_mark
kmsg_check() {
	local bad
	bad=$(dmesg | awk '/icemig-test: begin/ { n = NR; delete l } { l[NR] = $0 }
		END { for (i = n; i <= NR; i++) if (i in l) print l[i] }' |
		grep -E 'WARNING:|BUG:|Oops|cut here|Call Trace|soft lockup|hung_task|blocked for more than|detected stalls|general protection|UBSAN|KASAN|kernel BUG|list_del corruption' || true)
	if [ -n "$bad" ]; then
		echo "kmsg_check: $RIG_HOST: the kernel log reports:" >&2
		echo "$bad" >&2
		return 1
	fi
}

# mig_start DOMAIN DEST-HOST [virsh migrate options]: virsh migrate --live
# in the background, detached; mig_wait collects it
mig_start() {
	local d=$1 to=$2
	shift 2
	rm -f "/tmp/mig-$d.out" "/tmp/mig-$d.rc"
	setsid bash -c "virsh migrate --live $* $d qemu+tcp://icemig-$to/system \
		>/tmp/mig-$d.out 2>&1; echo \$? >/tmp/mig-$d.rc.tmp; mv /tmp/mig-$d.rc.tmp /tmp/mig-$d.rc" \
		</dev/null >/dev/null 2>&1 &
}

# mig_wait DOMAIN [TIMEOUT]: wait for mig_start's migration; prints its
# output; exit status: virsh's (124 on timeout)
mig_wait() {
	local d=$1 t=${2:-180} i
	for ((i = 0; i < t * 5; i++)); do
		if [ -s "/tmp/mig-$d.rc" ]; then
			cat "/tmp/mig-$d.out"
			return "$(cat "/tmp/mig-$d.rc")"
		fi
		sleep 0.2
	done
	echo "mig_wait: $d: migration still running after $t s" >&2
	return 124
}

# mig_status DOMAIN: QEMU's migration status on this (source) host and the
# VFIO bytes sent so far: "active 1696"
mig_status() {
	virsh qemu-monitor-command "$1" '{"execute":"query-migrate"}' 2>/dev/null |
		python3 -c 'import json,sys
d = json.load(sys.stdin)["return"]
print(d.get("status", "none"), d.get("vfio", {}).get("transferred", 0))'
}

# wait_precopy DOMAIN [TIMEOUT]: wait until the migration of DOMAIN is in
# its memory pre-copy with the VF's PRE_COPY data flowing: QEMU status
# "active", VFIO bytes sent, the VM still running
wait_precopy() {
	local d=$1 t=${2:-120} i s
	for ((i = 0; i < t; i++)); do
		s=$(mig_status "$d" || true)
		if [ "${s%% *}" = active ] && [ "${s##* }" -gt 0 ] && dom_running "$d"; then
			echo "$s"
			return 0
		fi
		[ -s "/tmp/mig-$d.rc" ] && break
		sleep 1
	done
	echo "wait_precopy: $d: no pre-copy phase seen (last: ${s:-none}); $(cat "/tmp/mig-$d.out" 2>/dev/null)" >&2
	return 1
}

# mig_param DOMAIN JSON: set QEMU migration parameters on DOMAIN's QEMU
# (QMP migrate-set-parameters), for the ones virsh does not offer
mig_param() {
	virsh qemu-monitor-command "$1" \
		"{\"execute\":\"migrate-set-parameters\",\"arguments\":$2}" >/dev/null
}

# hold_precopy DOMAIN: make the next migration of DOMAIN stay in pre-copy.
# QEMU switches over when the data still pending is below its threshold,
# bandwidth x downtime limit (migration_iteration_run). The bandwidth QEMU
# measures over a 100 ms window can jump well above the rate limit, and the
# VF's stop-copy data (big_state: ~2 KiB) was then once below it: the
# migration completed instead of holding. So the bandwidth used for that
# threshold is pinned: avail-switchover-bandwidth 1000 bytes/s with a 1 ms
# limit is a 1-byte threshold, which the pending VF data alone exceeds.
# The transfer itself is kept at 1 MiB/s.
hold_precopy() {
	virsh migrate-setspeed "$1" 1 && virsh migrate-setmaxdowntime "$1" 1 &&
		mig_param "$1" '{"avail-switchover-bandwidth":1000}'
}

# release_precopy DOMAIN: let a held migration switch over (30 s limit,
# threshold from the measured bandwidth again)
release_precopy() {
	mig_param "$1" '{"avail-switchover-bandwidth":0}' &&
		virsh migrate-setmaxdowntime "$1" 30000
}

# mig_defaults DOMAIN: libvirt's default speed (unlimited) and downtime
# limit, the measured bandwidth for the threshold
mig_defaults() {
	mig_param "$1" '{"avail-switchover-bandwidth":0}' &&
		virsh migrate-setspeed "$1" 8796093022207 && virsh migrate-setmaxdowntime "$1" 300
}

# netem_slow / netem_off: limit this host's rig link to 1 Mbit/s (the
# stop-and-copy phase then lasts seconds) / remove the limit
netem_slow() {
	modprobe sch_netem && tc qdisc replace dev rig0 root netem rate 1mbit
}
netem_off() {
	tc qdisc del dev rig0 root 2>/dev/null || true
}

# qemu_pid DOMAIN: the PID of DOMAIN's QEMU on this host
qemu_pid() {
	cat "/run/libvirt/qemu/$1.pid" 2>/dev/null
}

# mig_files DOMAIN: the migration data files DOMAIN's QEMU holds open on
# ice_vfio_pci devices: "save" (read-only: PRE_COPY or STOP_COPY) or
# "resume" (write-only: RESUMING), one a line
mig_files() {
	local pid fd
	pid=$(qemu_pid "$1") || return 0
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:ice_vfio_mig" ] || continue
		case $(($(awk '/^flags:/ { print $2 }' "/proc/$pid/fdinfo/${fd##*/}") & 3)) in
		0) echo save ;;
		1) echo resume ;;
		*) echo other ;;
		esac
	done
}

# hook_delay_install: a test hook that holds every migrate begin on this
# host until hook_delay_release (at most 60 s), showing it waits with
# /rig/icemig-test-delay-started; it prints nothing, so the XML passes
# unchanged to the next hook
hook_delay_install() {
	cat >/etc/libvirt/hooks/qemu.d/icemig-test-00-delay <<'EOT'
#!/bin/sh
if [ "$2 $3" = "migrate begin" ]; then
	touch /rig/icemig-test-delay-started
	i=0
	while [ ! -e /tmp/icemig-test-delay-release ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
fi
exit 0
EOT
	chmod +x /etc/libvirt/hooks/qemu.d/icemig-test-00-delay
	rm -f /tmp/icemig-test-delay-release /rig/icemig-test-delay-started
}
hook_delay_release() {
	touch /tmp/icemig-test-delay-release
}

# probe DOMAIN...: everything the fault checks need from this host, in one
# exec: "== dom D" sections (dom_report), "== counts" (every VF of the
# PF: BDF saves loads saved-rx_packets loaded-rx_packets), "== checks" (res_check with ALLOW_PENDING, then
# kmsg_check: "res ok" and "kmsg ok" lines, or their messages)
probe() {
	local d l b
	for d in "$@"; do
		echo "== dom $d"
		dom_report "$d"
	done
	echo "== counts"
	for l in /sys/bus/pci/devices/"$RIG_PF"/virtfn*; do
		b=$(readlink "$l")
		b=${b##*/}
		echo "$b $(vf_num "$b" saved saves) $(vf_num "$b" loaded loads)" \
			"$(vf_num "$b" saved rx_packets) $(vf_num "$b" loaded rx_packets)"
	done
	echo "== checks"
	res_check "${ALLOW_PENDING:-0}" 2>&1 && echo "res ok"
	kmsg_check 2>&1 && echo "kmsg ok"
	true
}

# vf_reset_all: every VF slot of the simulated PF back to the state
# ice_mig_sim gives a fresh VF (a state write changes only the keys it
# names, and scenarios that write a few keys expect that fresh state)
vf_reset_all() {
	local d n i s bus dev fn
	IFS=':.' read -r _ bus dev fn <<<"$RIG_PF"
	for d in "$SIM_DBG/$RIG_PF"/vf*; do
		n=${d##*/vf}
		s=$(printf 'mac=02:00:00:%s:%02x:%02x' "$bus" $(((0x$dev << 3) | 0x$fn)) "$n")
		s+=" trust=0 spoofchk=1 link_state=0 port_vlan=0 num_qps=1 num_msix=2"
		s+=" num_msix_maps=0 vc_api=1.1 vc_caps=0 rss=off rss_key=$(printf '%0104d' 0)"
		s+=" mac_filters=none vlan_filters=none mbx=none"
		s+=" irq=1 irq0=0:0:0:0:0:0:0 irq1=0:0:0:0:0:0:0"
		for ((i = 0; i < 16; i++)); do s+=" txq$i=0:0:0:0:0 rxq$i=0:0:0:0:0:0"; done
		echo "$s rx_packets=0 rx_bytes=0 tx_packets=0 tx_bytes=0" >"$d/state" || return 1
		echo none >"$d/fault"
	done
}
