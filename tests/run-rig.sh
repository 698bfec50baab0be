#!/usr/bin/env bash
# Boot the emulated rig once, run rig scenarios in it, tear it down.
#
# Usage: tests/run-rig.sh SCENARIO...   (names under tests/scenarios/, no .sh)
#   RIG_RUN=DIR   use DIR for the rig (default: a new temporary directory,
#                 removed when every scenario passed, kept with its logs
#                 otherwise)
#   RIG_REUSE=1   DIR holds a rig that is already up: do not boot or stop it
#   SCENARIO_TIMEOUT=S  seconds before a scenario is stopped and failed
#                 (default 900)
#   RIG_KERNEL_CHECK=1  after the boot and after each scenario, search what
#                 each host's kernel printed on its console since the last
#                 check for kernel reports (lockdep, KASAN, sleeping in
#                 atomic context, RCU misuse, WARNING, BUG, Oops, hung task,
#                 kmemleak): any report fails the scenario (or the boot) and
#                 is printed. Warnings reach the console only with
#                 RIG_LOGLEVEL=7 (make check-debug sets both).
#   RIG_KMEMLEAK=1  with RIG_KERNEL_CHECK=1 on a kernel booted with
#                 kmemleak=on: also scan for leaks after each scenario
#
# Prints one line per scenario and a closing "N passed, N failed" line;
# exits non-zero if any scenario failed or the rig did not boot.
# If a rig host's QEMU exits under a scenario, or the host stops answering
# (checked every 30 s), its qemu.log and console tails are printed and the
# rig is rebooted for the next scenarios; when the console shows no kernel
# failure (panic, BUG, Oops, WARNING, hung task) the scenario is run once
# more, on a "RIG:" line, and the closing line counts those reruns.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
RIG=$TOP/tests/rig/rig.sh
[ $# -gt 0 ] || { echo "usage: $0 SCENARIO..." >&2; exit 2; }

# boot_rig: boot the rig in RIG_RUN. Two software-emulated hosts on a
# loaded 2-core machine: one failed boot (a QEMU exiting early) gets a
# second chance, logged.
boot_rig() {
	local start
	start=$(date +%s)
	if ! "$RIG" up "$RIG_RUN"; then
		echo "rig: first boot failed; tearing down and booting again" >&2
		"$RIG" down "$RIG_RUN" || true
		"$RIG" up "$RIG_RUN"
	fi
	echo "rig: up in $(( $(date +%s) - start )) s ($RIG_RUN)"
}

# reboot_rig: a whole rig again after a host was lost
reboot_rig() {
	echo "rig: rebooting ($RIG_RUN)" >&2
	"$RIG" down "$RIG_RUN" || true
	boot_rig
	console_mark 0
}

# ---- kernel reports (RIG_KERNEL_CHECK=1)
# What the kernel prints when lockdep, KASAN, might_sleep, RCU-lockdep, WARN,
# BUG, an oops, the hung-task detector or kmemleak finds something, and a
# failed KUnit test (KTAP "not ok N name", e.g. a test module loaded by a
# scenario). One
# lockdep report turns lockdep off for the rest of the boot, so the first
# one is what matters.
KREPORT_RE='possible circular locking dependency|inconsistent lock state|possible recursive locking|suspicious RCU usage|possible irq lock inversion|bad unlock balance|held lock freed|BUG: KASAN|BUG: sleeping function called from invalid context|WARNING:|BUG:|Oops|general protection fault|Kernel panic|blocked for more than|UBSAN:|kmemleak: [0-9]+ new suspected memory leaks| not ok [0-9]+ '
declare -A con_off=()

# console_mark [0]: the next check starts at the consoles' current end (or,
# with 0, at their beginning: a fresh boot)
console_mark() {
	local h
	for h in h1 h2; do
		if [ "${1:-}" = 0 ]; then
			con_off[$h]=0
		else
			con_off[$h]=$(stat -c %s "$RIG_RUN/$h/console.log" 2>/dev/null || echo 0)
		fi
	done
}

# kernel_reports WHAT: print the kernel reports each host's console got
# since console_mark (each from its first line, up to its end marker or 150
# lines; at most 400 lines per host), then mark; with RIG_KMEMLEAK=1 a
# kmemleak scan of each answering host first. Exit status 1 when there was
# a report.
kernel_reports() {
	local what=$1 h new found=0
	[ "${RIG_KERNEL_CHECK:-0}" = 1 ] || return 0
	if [ "${RIG_KMEMLEAK:-0}" = 1 ]; then
		for h in h1 h2; do
			# The scan prints its own console line when it finds leaks.
			RIG_EXEC_TIMEOUT=300 "$RIG" exec "$RIG_RUN" "$h" \
				'echo scan >/sys/kernel/debug/kmemleak && cat /sys/kernel/debug/kmemleak | head -n 200 >&2; echo clear >/sys/kernel/debug/kmemleak' \
				>/dev/null 2>"$RIG_RUN/$h/kmemleak.last" || true
		done
	fi
	sleep 1 # the last console lines
	for h in h1 h2; do
		new=$(tail -c +$(( ${con_off[$h]:-0} + 1 )) "$RIG_RUN/$h/console.log" 2>/dev/null || true)
		# Kernel lines only (they carry the printk time stamp): host-init's
		# and the agent's output shares the console.
		grep -qE "^\[ *[0-9]+\.[0-9]+\].*($KREPORT_RE)" <<<"$new" || continue
		found=1
		echo "KERNEL REPORT: $h: after $what (console: $RIG_RUN/$h/console.log):"
		awk -v re="$KREPORT_RE" '
			n == 0 && $0 ~ ("^\\[ *[0-9]+\\.[0-9]+\\].*(" re ")") { n = 1 }
			n > 0 { print; n++
				if (n > 150 || /---\[ end trace|^\[ *[0-9.]+\] =+$|^=+$/ && n > 3) n = 0 }
		' <<<"$new" | head -n 400
		if [ -s "$RIG_RUN/$h/kmemleak.last" ]; then
			echo "--- $h: kmemleak"
			head -n 100 "$RIG_RUN/$h/kmemleak.last"
		fi
	done
	console_mark
	[ $found = 0 ]
}

own_run=0
if [ -z "${RIG_RUN:-}" ]; then
	RIG_RUN=$(mktemp -d /tmp/icemig-rig.XXXXXX)
	own_run=1
fi
export RIG_RUN

# at_exit: stop the rig we booted; remove our own RIG_RUN unless something
# failed (then its logs are kept and named)
at_exit() {
	local rc=$?
	[ "${RIG_REUSE:-0}" = 1 ] || "$RIG" down "$RIG_RUN" || true
	if [ "$own_run" = 1 ]; then
		if [ "$rc" = 0 ]; then
			rm -rf "$RIG_RUN"
		else
			echo "rig: logs kept in $RIG_RUN" >&2
		fi
	fi
}
trap at_exit EXIT
if [ "${RIG_REUSE:-0}" != 1 ]; then
	boot_rig
fi
console_mark "$([ "${RIG_REUSE:-0}" = 1 ] || echo 0)"
boot_failn=0
if ! kernel_reports "the rig's boot"; then
	echo "FAIL: boot (kernel reports)"
	boot_failn=1
fi

# gone_hosts: the rig hosts whose QEMU is no longer running
gone_hosts() {
	"$RIG" status "$RIG_RUN" 2>/dev/null | sed -n 's/^\(h[0-9]\): not running$/\1/p' | tr '\n' ' '
}

# host_tails HOST...: what a lost host's QEMU and kernel said last
host_tails() {
	local h
	for h in "$@"; do
		echo "--- $h: $RIG_RUN/$h/qemu.log tail" >&2
		tail -n 20 "$RIG_RUN/$h/qemu.log" >&2 2>/dev/null || true
		echo "--- $h: console tail" >&2
		tail -n 80 "$RIG_RUN/$h/console.log" >&2 2>/dev/null || true
	done
}

# host_answers HOST: the host's agent runs `true` within about 60 s
host_answers() {
	RIG_EXEC_TIMEOUT=45 timeout 90 "$RIG" exec "$RIG_RUN" "$1" true >/dev/null 2>&1
}

# run_scenario NAME: run it under SCENARIO_TIMEOUT; every 30 s check that
# both hosts still answer, and stop the scenario if one whose QEMU runs
# does not (its kernel no longer schedules: nothing would end the wait
# but the timeout). Sets rc (the scenario's exit status) and wedged (the
# hosts that stopped answering).
run_scenario() {
	local pid h n=0 gone
	wedged=
	timeout --kill-after=30 "${SCENARIO_TIMEOUT:-900}" "$TOP/tests/scenarios/$1.sh" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		[ $((n % 30)) = 0 ] || continue
		gone=$(gone_hosts)
		for h in h1 h2; do
			kill -0 "$pid" 2>/dev/null || break
			case " $gone " in *" $h "*) continue ;; esac
			host_answers "$h" || wedged+="$h "
		done
		if [ -n "$wedged" ] && kill -0 "$pid" 2>/dev/null; then
			echo "rig: host(s) ${wedged% } stopped answering during $1; stopping it" >&2
			kill -TERM "$pid" 2>/dev/null || true
			break
		fi
		wedged=
	done
	rc=0
	wait "$pid" || rc=$?
}

# kernel_died HOST...: a lost host's console shows its kernel failing
# (with panic=1 and -no-reboot, a panic ends the host's QEMU)
kernel_died() {
	local h
	for h in "$@"; do
		grep -qE 'Kernel panic|BUG:|Oops|general protection fault|WARNING: CPU|blocked for more than' \
			"$RIG_RUN/$h/console.log" 2>/dev/null && return 0
	done
	return 1
}

pass=0 failn=0 reruns=0
for s in "$@"; do
	tries=1
	while :; do
		start=$(date +%s)
		run_scenario "$s"
		took=$(( $(date +%s) - start ))
		if ! kernel_reports "$s" && [ "$rc" = 0 ]; then
			echo "$s: passed, but the kernel reported (above)" >&2
			rc=1
		fi
		gone=$(gone_hosts)
		lost="$gone$wedged"
		if [ -n "$lost" ]; then
			# A rig host's QEMU exited, or stopped answering, under the
			# scenario. If its kernel failed (kernel_died), that is a
			# failure like any other. If not,
			# the emulator failed (the rig, not icemig): the rig is
			# rebooted, the scenario run once more, and the closing
			# line counts it.
			[ -z "$gone" ] || echo "rig: host(s) ${gone% } went away during $s" >&2
			host_tails $lost
			if [ "${RIG_REUSE:-0}" != 1 ] && [ "$tries" = 1 ] && ! kernel_died $lost; then
				echo "RIG: $s: ${lost% } lost (QEMU exited or the host stopped answering), no kernel failure on its console; rebooting the rig and running $s again"
				reboot_rig
				tries=2 reruns=$((reruns + 1))
				continue
			fi
		fi
		break
	done
	if [ "$rc" = 0 ]; then
		echo "PASS: $s ($took s)"
		pass=$((pass + 1))
	else
		echo "FAIL: $s ($took s)"
		failn=$((failn + 1))
		for h in h1 h2; do
			case " $lost " in *" $h "*) continue ;; esac
			echo "--- $h: dmesg tail" >&2
			RIG_EXEC_TIMEOUT=60 "$RIG" exec "$RIG_RUN" "$h" 'dmesg | tail -n 30' >&2 || true
		done
		if [ -n "$lost" ] && [ "${RIG_REUSE:-0}" != 1 ]; then
			reboot_rig # the next scenarios get a whole rig
		fi
	fi
done
failn=$((failn + boot_failn))
echo "scenarios: $pass passed, $failn failed$([ "$reruns" -gt 0 ] && echo ", $reruns rerun after a rig host was lost")$([ "$boot_failn" = 1 ] && echo " (the boot counted as failed: kernel reports)")"
[ "$failn" -eq 0 ]
