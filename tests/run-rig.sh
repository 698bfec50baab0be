#!/usr/bin/env bash
# Boot the emulated rig once, run rig scenarios in it, tear it down.
#
# Usage: tests/run-rig.sh SCENARIO...   (names under tests/scenarios/, no .sh)
#   RIG_RUN=DIR   use DIR for the rig (default: a new temporary directory)
#   RIG_REUSE=1   DIR holds a rig that is already up: do not boot or stop it
#   SCENARIO_TIMEOUT=S  seconds before a scenario is stopped and failed
#                 (default 900)
#
# Prints one line per scenario and a closing "N passed, N failed" line;
# exits non-zero if any scenario failed or the rig did not boot.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
RIG=$TOP/tests/rig/rig.sh
[ $# -gt 0 ] || { echo "usage: $0 SCENARIO..." >&2; exit 2; }

export RIG_RUN=${RIG_RUN:-$(mktemp -d /tmp/icemig-rig.XXXXXX)}
if [ "${RIG_REUSE:-0}" != 1 ]; then
	trap '"$RIG" down "$RIG_RUN" || true' EXIT
	start=$(date +%s)
	# Two software-emulated hosts on a loaded 2-core machine: one failed
	# boot (a QEMU exiting early) gets a second chance, logged.
	if ! "$RIG" up "$RIG_RUN"; then
		echo "rig: first boot failed; tearing down and booting again" >&2
		"$RIG" down "$RIG_RUN" || true
		"$RIG" up "$RIG_RUN"
	fi
	echo "rig: up in $(( $(date +%s) - start )) s ($RIG_RUN)"
fi

pass=0 failn=0
for s in "$@"; do
	start=$(date +%s)
	if timeout --kill-after=30 "${SCENARIO_TIMEOUT:-900}" "$TOP/tests/scenarios/$s.sh"; then
		echo "PASS: $s ($(( $(date +%s) - start )) s)"
		pass=$((pass + 1))
	else
		echo "FAIL: $s ($(( $(date +%s) - start )) s)"
		failn=$((failn + 1))
		for h in h1 h2; do
			echo "--- $h: dmesg tail" >&2
			"$RIG" exec "$RIG_RUN" "$h" 'dmesg | tail -n 30' >&2 || true
		done
	fi
done
echo "scenarios: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
