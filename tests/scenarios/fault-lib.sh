# shellcheck shell=bash
# Functions for the fault, soak and bench scenarios, run OUTSIDE the rig
# (sourced after lib.sh). What every fault scenario checks after each
# attempt (fault_verify, fault_hosts_ok):
#   - the VM runs on exactly one host (and is not left paused on the other);
#   - there, each VF's configuration (the debugfs state without the
#     statistics) equals the one recorded before the attempt, the VF is
#     RUNNING and its rx_packets did not go back;
#   - on each host the icemig reservations are exactly the VFs of the
#     domains running there (none leaked, none reserved twice), and icemig
#     vf list agrees;
#   - the kernel log of each host has no WARN, BUG, Oops or lockup since the
#     scenario began.
#
# The VF state is the simulated provider's (ice_mig_sim, a test device).

# frx HOST 'commands': rx with fault-host-lib.sh loaded too
frx() {
	local h=$1
	shift
	rx "$h" ". '$SCEN_DIR/fault-host-lib.sh'; $*"
}

# Test hooks this file places in /etc/libvirt/hooks/qemu.d/ (libvirt lists
# that directory at every hook call, so no restart is needed).
TEST_HOOK_PREFIX=/etc/libvirt/hooks/qemu.d/icemig-test-

FAULT_DOMS=()
# full capacities of the simulated PF (ice_mig_sim's defaults)
FULL_CAPS='max_qps=16 max_msix=65 max_mac_filters=64 max_vlan_filters=512 rss_lut_size=64'

# fault_clean_hosts [MARK]: both hosts as a fresh rig has them, for this
# scenario and the next: the domains of FAULT_DOMS gone, no test hook, no
# link limit, no icemig configuration, no VF (so no reservation or driver
# memory either), full PF capacities, every simulated VF state fresh, no
# armed fault; MARK first in their kernel logs (kmsg_mark)
fault_clean_hosts() {
	local h
	for h in h1 h2; do
		frx "$h" "${1:+kmsg_mark $1;} for d in ${FAULT_DOMS[*]}; do
				virsh destroy \$d >/dev/null 2>&1; virsh undefine \$d >/dev/null 2>&1
			done
			rm -f ${TEST_HOOK_PREFIX}* /tmp/icemig-test-* /rig/icemig-test-* /tmp/mig-*
			netem_off; rm -f /etc/icemig/icemig.conf
			\"\$ICEMIG\" vf destroy \"\$RIG_PF\" --force >/dev/null
			rm -f /run/icemig/reserved/* /run/icemig/drivers/*
			echo '$FULL_CAPS' > \$SIM_DBG/\$RIG_PF/caps
			vf_reset_all" || true
	done
}

# fault_init NAME DOMAIN...: clean both hosts, mark the kernel logs, and
# clean again on exit (even on failure)
fault_init() {
	FAULT_NAME=$1
	shift
	FAULT_DOMS=("$@")
	trap fault_clean_hosts EXIT
	fault_clean_hosts "$FAULT_NAME"
}

# fault_vfs HOST N: N VFs on HOST (created afresh), all on ice_vfio_pci
fault_vfs() {
	frx "$1" "\"\$ICEMIG\" vf create \"\$RIG_PF\" $2 --force --no-autoprobe >/dev/null &&
		\"\$ICEMIG\" vf bind \$(for i in \$(seq 0 $(($2 - 1))); do vf_bdf \$i; done) >/dev/null"
}

declare -A SNAP_CFG SNAP_RX PROBE

# fault_probe DOMAIN...: read both hosts (one exec each; see probe in
# fault-host-lib.sh). PROBE_PENDING_ON names a host where pending
# reservations are expected.
fault_probe() {
	local h
	for h in h1 h2; do
		PROBE[$h]=$(frx "$h" "ALLOW_PENDING=$([ "${PROBE_PENDING_ON:-}" = "$h" ] && echo 1 || echo 0) probe $*") ||
			fail "probe on $h failed"
	done
}

# probe_section HOST NAME: a section of HOST's last probe ("dom D", "counts", "checks")
probe_section() {
	awk -v s="== $2" '/^== / { on = ($0 == s); next } on' <<<"${PROBE[$1]}"
}

# fault_where DOMAIN: the host DOMAIN runs on (last probe); fails unless
# exactly one, and unless the other host has it neither running nor paused
fault_where() {
	local d=$1 h st where='' n=0
	for h in h1 h2; do
		st=$(probe_section "$h" "dom $d" | sed -n 's/^state //p')
		case "$st" in
		running) where=$h n=$((n + 1)) ;;
		'' | 'shut off') ;;
		*) fail "$d is '$st' on $h" ;;
		esac
	done
	[ "$n" = 1 ] || fail "$d runs on $n hosts"
	echo "$where"
}

# fault_snap DOMAIN: probe, and record DOMAIN's VFs' configuration and
# counters where it runs
fault_snap() {
	local d=$1 h rep
	fault_probe "$d"
	h=$(fault_where "$d")
	rep=$(probe_section "$h" "dom $d")
	SNAP_CFG[$d]=$(grep '^cfg ' <<<"$rep" || true)
	SNAP_RX[$d]=$(sed -n -E 's/^vf ([0-9]+) .* rx=([0-9]+) .*/\1 \2/p' <<<"$rep")
	[ -n "${SNAP_CFG[$d]}" ] || fail "$d: no VF configuration recorded"
}

# fault_verify DOMAIN [EXPECT_HOST] [SED]: from the last probe: DOMAIN runs
# on exactly one host (EXPECT_HOST if given), and there its VFs'
# configuration equals the one fault_snap recorded (after the sed
# expression SED, for a fault that changes it by design), each VF RUNNING,
# rx_packets not gone back. Prints the host.
fault_verify() {
	local d=$1 want_host=${2:-} sedx=${3:-} h rep cfg want i rx0 rx
	h=$(fault_where "$d")
	[ -z "$want_host" ] || [ "$h" = "$want_host" ] || fail "$d runs on $h, expected $want_host"
	rep=$(probe_section "$h" "dom $d")
	cfg=$(grep '^cfg ' <<<"$rep" || true)
	want=${SNAP_CFG[$d]}
	[ -z "$sedx" ] || want=$(sed -E "$sedx" <<<"$want")
	if [ "$cfg" != "$want" ]; then
		diff <(echo "$want") <(echo "$cfg") >&2 || true
		fail "$d on $h: VF configuration differs from before the attempt (< before, > now)"
	fi
	[ "$(grep -c '^vf ' <<<"$rep")" = "$(wc -l <<<"${SNAP_RX[$d]}")" ] ||
		fail "$d on $h: VF count changed: $rep"
	if grep '^vf ' <<<"$rep" | grep -v ' running=1 ' >&2; then
		fail "$d on $h: a VF is not RUNNING"
	fi
	while read -r i rx0; do
		rx=$(sed -n -E "s/^vf $i .* rx=([0-9]+) .*/\1/p" <<<"$rep")
		[ "$rx" -ge "$rx0" ] || fail "$d on $h: VF $i rx_packets went back: $rx0 -> $rx"
	done <<<"${SNAP_RX[$d]}"
	echo "$h"
}

# fault_hosts_ok: from the last probe: on both hosts the reservations match
# the running domains (res_check) and the kernel log is clean (kmsg_check)
fault_hosts_ok() {
	local h c
	for h in h1 h2; do
		c=$(probe_section "$h" checks)
		if ! grep -qx 'res ok' <<<"$c" || ! grep -qx 'kmsg ok' <<<"$c"; then
			fail "$h: $c"
		fi
	done
}

# fault_check DOMAIN[@HOST]...: probe both hosts, fault_hosts_ok, and
# fault_verify each DOMAIN (on HOST if given; FAULT_SED as its SED)
fault_check() {
	local spec doms=()
	for spec; do doms+=("${spec%@*}"); done
	fault_probe "${doms[@]}"
	fault_hosts_ok
	for spec; do
		if [[ $spec == *@* ]]; then
			fault_verify "${spec%@*}" "${spec#*@}" "${FAULT_SED:-}" >/dev/null
		else
			fault_verify "$spec" "" "${FAULT_SED:-}" >/dev/null
		fi
	done
}

# fault_counts HOST: "BDF saves loads" of every VF of HOST (last probe)
fault_counts() {
	probe_section "$1" counts | cut -d' ' -f1-3
}

# fault_mig_failed DOMAIN SOURCE-HOST [PATTERN]: the migration mig_start
# began on SOURCE-HOST ended in failure (with PATTERN in virsh's message)
fault_mig_failed() {
	local out rc
	set +e
	out=$(frx "$2" "mig_wait $1" 2>&1)
	rc=$?
	set -e
	echo "$out" >&2
	[ "$rc" != 0 ] || fail "the migration of $1 succeeded"
	[ "$rc" != 124 ] || fail "the migration of $1 did not end"
	[ -z "${3:-}" ] || grep -qE "$3" <<<"$out" || fail "the migration of $1 failed, but not with '$3': $out"
}
