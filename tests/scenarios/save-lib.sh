# shellcheck shell=bash
# Shared by the save-restore, managedsave and paused-migrate scenarios: a VM
# holding a VF whose guest is stopped while QEMU writes its state (a save to
# a file, or the migration of a paused VM). Before issue 12 such a job never
# ended: every dirty sync of a stopped VM reports all guest RAM dirty
# (type1, no dirty tracking), so QEMU never met its 300 ms downtime limit.
# Each job here must end within SAVE_LIMIT_S seconds and, for a save, write a
# file no larger than the guest RAM plus SAVE_SLACK_MB.
#
# The VF state is ice_mig_sim's (a test device), not an E810's.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SAVE_LIMIT_S=${SAVE_LIMIT_S:-180}
SAVE_SLACK_MB=${SAVE_SLACK_MB:-16}
GUEST_MB=64

# A distinctive VF configuration and counters (as vf-migrate.sh).
SV_STATE='defaults mac=52:54:00:5a:7e:01 trust=1 spoofchk=0 port_vlan=200 link_state=1
num_msix=2 vc_api=1.1 vc_caps=0x040884e1
txq0=0x22340000:512:7:42:1 rxq0=0x66780000:1024:9:1000:2048:1
rx_packets=3000000000 rx_bytes=64000000000 tx_packets=4000000000 tx_bytes=128000000000'

# Configuration fields only: the statistics move while the VF runs.
sv_config_of() { grep -vE '^(rx_|tx_)(packets|bytes)=|^running=' || true; }
sv_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# sv_provision HOST...: 2 VFs on each host, bound to ice_vfio_pci
sv_provision() {
	local h
	for h in "$@"; do
		rx "$h" '"$ICEMIG" vf create "$RIG_PF" 2 --force >/dev/null &&
			"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" --driver ice_vfio_pci >/dev/null'
	done
}

# sv_start HOST VM VF-INDEX: define and start VM with that VF, write
# SV_STATE into it; sets SV_VF, SV_DBG, SV_CONFIG, SV_RX0
sv_start() {
	local h=$1 vm=$2 before
	SV_VF=$(rx "$h" "vf_bdf $3")
	SV_DBG=$(rx "$h" "vf_dbg $SV_VF")
	rx "$h" "vm_xml \$RIG_PROJECT/tests/rig/vm.xml.in $vm $SV_VF > /tmp/$vm.xml &&
		virsh define /tmp/$vm.xml >/dev/null && virsh start $vm >/dev/null" ||
		fail "$vm did not start on $h with VF $SV_VF"
	rx "$h" "echo '$SV_STATE' > $SV_DBG/state"
	sleep 1
	before=$(rx "$h" "cat $SV_DBG/state")
	grep -q '^running=1$' <<<"$before" || fail "VF $SV_VF is not RUNNING in $vm"
	SV_CONFIG=$(sv_config_of <<<"$before")
	SV_RX0=$(sed -n 's/^rx_packets=//p' <<<"$before")
}

# sv_check_loaded HOST VM WHAT: the VF of VM on HOST was loaded from the
# stream SV_DBG's VF saved; configuration equal, counters continue
sv_check_loaded() {
	local h=$1 vm=$2 what=$3 vf dbg saved loaded after cfg
	saved=$(rx h1 "cat $SV_DBG/saved")
	vf=$(rx "$h" "hostdev_bdf $vm")
	dbg=$(rx "$h" "vf_dbg $vf")
	loaded=$(rx "$h" "cat $dbg/loaded")
	after=$(rx "$h" "cat $dbg/state")
	[ "$(sv_field "$saved" saves)" -ge 1 ] || fail "$what: VF $SV_VF was never saved: $saved"
	[ "$(sv_field "$loaded" loads)" -ge 1 ] || fail "$what: VF $vf was never loaded: $loaded"
	cfg=$(sv_config_of <<<"$after")
	if [ "$cfg" != "$SV_CONFIG" ]; then
		diff <(echo "$SV_CONFIG") <(echo "$cfg") >&2 || true
		fail "$what: VF configuration of $vf differs from the one $SV_VF had"
	fi
	grep -q '^running=1$' <<<"$after" || fail "$what: VF $vf is not RUNNING"
	[ "$(sv_field "$saved" rx_packets)" -ge "$SV_RX0" ] ||
		fail "$what: saved rx_packets below the $SV_RX0 read before"
	[ "$(sv_field "$loaded" rx_packets)" = "$(sv_field "$saved" rx_packets)" ] ||
		fail "$what: loaded rx_packets $(sv_field "$loaded" rx_packets), saved $(sv_field "$saved" rx_packets)"
	[ "$(sed -n 's/^rx_packets=//p' <<<"$after")" -ge "$(sv_field "$loaded" rx_packets)" ] ||
		fail "$what: rx_packets went back after the load"
	SV_LOADED_VF=$vf SV_LOADED_RX=$(sv_field "$loaded" rx_packets)
}

# sv_timed HOST 'command' WHAT: run it with the SAVE_LIMIT_S bound; sets
# SV_MS; on expiry aborts the domain's job ($SV_VM) and fails
sv_timed() {
	local h=$1 cmd=$2 what=$3 t0 t1
	t0=$(date +%s%N)
	if ! rx "$h" "timeout $SAVE_LIMIT_S $cmd"; then
		rx "$h" "virsh domjobinfo $SV_VM 2>/dev/null | grep -E 'Iteration|Memory processed|Expected downtime' || true;
			virsh domjobabort $SV_VM >/dev/null 2>&1 || true" >&2 || true
		fail "$what did not end within $SAVE_LIMIT_S s (or failed)"
	fi
	t1=$(date +%s%N)
	SV_MS=$(( (t1 - t0) / 1000000 ))
}

# sv_file_bounded HOST FILE WHAT: the file is no larger than the guest RAM
# plus SAVE_SLACK_MB; sets SV_BYTES
sv_file_bounded() {
	SV_BYTES=$(rx "$1" "stat -c %s '$2'")
	[ "$SV_BYTES" -le $(( (GUEST_MB + SAVE_SLACK_MB) * 1048576 )) ] ||
		fail "$3: $2 holds $SV_BYTES bytes, more than the ${GUEST_MB} MiB guest RAM + ${SAVE_SLACK_MB} MiB"
}

# sv_cleanup VM...: destroy and undefine on both hosts (and managed saves)
sv_cleanup() {
	local h d
	for h in h1 h2; do
		for d in "$@"; do
			rx "$h" "virsh destroy $d >/dev/null 2>&1; virsh managedsave-remove $d >/dev/null 2>&1;
				virsh undefine $d >/dev/null 2>&1; rm -f /var/tmp/$d.save; true" || true
		done
	done
}
