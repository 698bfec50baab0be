#!/usr/bin/env bash
# Scenario: ice_vfio_pci under the faults a VFIO review found (issue
# "provider interface v2 and the defects a VFIO review found"), on h2, with
# the simulated provider (ice_mig_sim, a test device):
#   1. save sized against a VF whose filters change: 10,000 RUNNING ->
#      PRE_COPY -> read -> RUNNING cycles while another thread flips 512
#      VLAN filters on and off: no cycle fails (vfio_mig_test --race-size);
#   2. 60 malformed streams: their kernel log lines are rate-limited
#      (vfio_mig_test --log-flood);
#   3. the provider going away at module init: ice_mig_sim loaded with a
#      good PF and a bogus BDF (its init fails after registering the good
#      PF) while a VF binds to ice_vfio_pci in a loop: no use of the freed
#      provider (a KASAN or lockdep kernel reports any);
#   4. the provider going away under an open VF: the PF's driver unbound
#      while the VF is in PRE_COPY with its save file open: the file is
#      disabled, the state is ERROR, the unbind finishes once the VF is
#      closed (vfio_mig_test --pf-unbind); then the PF is bound again and
#      the provider comes back;
#   5. read() of the save file into an mmap of the VF's BAR0 racing
#      VFIO_DEVICE_RESET for 60 s: no deadlock (vfio_mig_test
#      --reset-race). Run last: a deadlock leaves a task stuck for good.
# After each step the kernel log must hold no WARN, BUG, Oops, KASAN or
# lockdep report.
#
# Usage: RIG_RUN=DIR driver-faults.sh      (the rig in DIR must be up)
#   DRIVER_FAULTS_STEPS="1 2 3 4 5" (default: all) selects steps.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

STEPS=" ${DRIVER_FAULTS_STEPS:-1 2 3 4 5} "
# the test program's path inside the hosts (expanded there)
T='$RIG_PROJECT/tests/uapi/vfio_mig_test'

# kernel_clean SINCE-LINE WHAT: no kernel report since that dmesg line
kernel_clean() {
	local bad
	bad=$(rx h2 "dmesg | tail -n +$(($1 + 1)) | grep -E 'WARNING:|BUG:|Oops|KASAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU|INFO: task .* blocked|general protection' || true")
	[ -z "$bad" ] || fail "kernel reported during $2:
$bad"
}

# provision N: N VFs on h2's PF, all bound to ice_vfio_pci
provision() {
	rx h2 "\"\$ICEMIG\" vf create \"\$RIG_PF\" $1 --force >/dev/null &&
		\"\$ICEMIG\" vf bind \$(for i in \$(seq 0 $(($1 - 1))); do vf_bdf \$i; done) --driver ice_vfio_pci >/dev/null"
}

mark=$(rx h2 'dmesg | wc -l')
provision 2

if [[ $STEPS == *" 1 "* ]]; then
	step "1: 10000 PRE_COPY cycles while 512 VLAN filters flip"
	rx h2 "\"$T\" --race-size 10000 \"\$(vf_bdf 0)\" \"\$(vf_dbg \"\$(vf_bdf 0)\")\"" ||
		fail "a PRE_COPY cycle failed while the VF's filters changed"
	kernel_clean "$mark" "step 1"
fi

if [[ $STEPS == *" 2 "* ]]; then
	step "2: 60 malformed streams, rate-limited kernel log"
	rx h2 "\"$T\" --log-flood 60 \"\$(vf_bdf 1)\"" || fail "the kernel log was flooded"
	kernel_clean "$mark" "step 2"
fi

if [[ $STEPS == *" 3 "* ]]; then
	step "3: ice_mig_sim's init fails after registering a PF while a VF binds in a loop"
	# Start from VFs without a driver; the loop binds and unbinds VF 0.
	rx h2 'set -e
		vf=$(vf_bdf 0)
		for v in $(vf_bdf 0) $(vf_bdf 1); do echo "$v" >/sys/bus/pci/drivers/ice_vfio_pci/unbind; done
		rmmod ice_mig_sim
		( for i in $(seq 1 400); do
			echo "$vf" >/sys/bus/pci/drivers/ice_vfio_pci/bind 2>/dev/null || true
			cat "/sys/bus/pci/devices/$vf/icemig_compat" >/dev/null 2>&1 || true
			echo "$vf" >/sys/bus/pci/drivers/ice_vfio_pci/unbind 2>/dev/null || true
			[ -e /tmp/bindloop.stop ] && break
		  done ) &
		loop=$!
		fails=0
		for i in $(seq 1 10); do
			if modprobe ice_mig_sim "pfs=$RIG_PF,0000:ff:1f.7" attach_delay_ms=300 2>/dev/null; then
				echo "modprobe with a bogus PF succeeded" >&2; exit 1
			fi
			fails=$((fails + 1))
		done
		touch /tmp/bindloop.stop
		wait "$loop"
		rm -f /tmp/bindloop.stop
		echo "$fails failed module inits (as they must) while the VF bound and unbound"
		modprobe ice_mig_sim "pfs=$RIG_PF"
		"$ICEMIG" vf bind $(vf_bdf 0) $(vf_bdf 1) --driver ice_vfio_pci >/dev/null' ||
		fail "module-init race"
	kernel_clean "$mark" "step 3"
fi

if [[ $STEPS == *" 4 "* ]]; then
	step "4: the PF's driver unbound under a VF in PRE_COPY"
	rx h2 "\"$T\" --pf-unbind \"\$(vf_bdf 0)\" \"\$(vf_dbg \"\$(vf_bdf 0)\")\" \"\$RIG_PF\"" ||
		fail "the provider's departure was not handled"
	rx h2 'echo "$RIG_PF" >/sys/bus/pci/drivers/igb/bind &&
		grep -q "^$RIG_PF ice_mig_sim$" /sys/bus/pci/drivers/ice_vfio_pci/providers' ||
		fail "the provider did not come back with the PF's driver"
	provision 2
	kernel_clean "$mark" "step 4"
fi

if [[ $STEPS == *" 5 "* ]]; then
	step "5: read() into a BAR0 mapping against VFIO_DEVICE_RESET, 60 s"
	rx h2 "\"$T\" --reset-race 60 \"\$(vf_bdf 0)\"" || fail "read and reset deadlocked"
	kernel_clean "$mark" "step 5"
fi

rx h2 '"$ICEMIG" vf destroy "$RIG_PF" --force >/dev/null' || true
