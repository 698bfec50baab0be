#!/usr/bin/env bash
# Run the hardware scenarios (tests/hw/README.md) on two E810 hosts.
# Usage: tests/hw/run.sh [SCENARIO...]   (default: all; names without .sh)
# Each scenario exits 0 (passed), 77 (skipped, one "SKIP: reason" line) or
# anything else (failed). When every scenario skips, prints one SKIP line
# and exits 0; otherwise prints "N passed, N failed, N skipped" and exits
# 1 if one failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd -P)
all=(vf-migrate icemig-migrate incompatible-dest fault-cancel fault-destkill)
[ $# -gt 0 ] && all=("$@")
pass=0 failn=0 skipn=0 reason=""
for s in "${all[@]}"; do
	out=$("$HERE/$s.sh" 2>&1)
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); printf '%s\n' "$out" | grep -E '^[a-z-]+: ' ; echo "PASS $s" ;;
	77) skipn=$((skipn + 1)); reason=$(printf '%s\n' "$out" | grep -m1 '^SKIP:' || echo "SKIP: $s") ;;
	*) failn=$((failn + 1)); printf '%s\n' "$out" | tail -n 30; echo "FAIL $s (exit $rc)" ;;
	esac
done
if [ $skipn -eq ${#all[@]} ]; then
	echo "$reason"
	exit 0
fi
echo "hw: $pass passed, $failn failed, $skipn skipped (E810 hardware)"
[ $failn -eq 0 ]
