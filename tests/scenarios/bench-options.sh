#!/usr/bin/env bash
# Benchmark (make bench-options): what shortens the final pass of a VM
# holding a VF on a host without dirty tracking (issue 12 item 4). The
# pattern guest (all RAM non-zero, BENCH_OPT_MIB, default 256 MiB) with its
# VF is migrated by `icemig migrate --json` with each set of options, once
# h1 -> h2 and once back (the two directions differ on the rig):
#   default                  one connection, no compression
#   parallel4                --parallel-connections 4 (QEMU's multifd)
#   parallel4-zstd           --parallel-connections 4 --compression zstd
# QEMU sends a zero page as a header whatever the options: the pattern
# guest has none, which is the worst case. Prints libvirt's downtime, total
# time and bytes per leg and the mean per option.
#
# Usage: RIG_RUN=DIR bench-options.sh      (the rig must be up)
# Emulated rig, VF state from ice_mig_sim (a test device): not E810 figures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

RVM=icemig-opt-vf
MIB=${BENCH_OPT_MIB:-256}
RAW=$RIG_RUN/bench-options-raw.txt
fault_init bench-options "$RVM"
: >"$RAW"
. "$HERE/bench-lib.sh"

step "pattern guest, $MIB MiB, with a VF"
fault_vfs h1 2
fault_vfs h2 2
ram_vm h1 $RVM "$MIB" "$(frx h1 'vf_bdf 0')"
for opt in default parallel4 parallel4-zstd; do
	case $opt in
	default) args=() ;;
	parallel4) args=(--parallel-connections 4) ;;
	parallel4-zstd) args=(--parallel-connections 4 --compression zstd) ;;
	esac
	step "$opt: h1 -> h2 and back"
	ram_mig h1 h2 $RVM "$opt" "$MIB" "${args[@]}"
	ram_mig h2 h1 $RVM "$opt" "$MIB" "${args[@]}"
done
python3 - "$RAW" "$MIB" <<'PY' | tee "$RIG_RUN/report-bench-options.txt"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.startswith("ram\t")]
print(f"Final pass options, {sys.argv[2]} MiB pattern guest with a VF (icemig migrate;")
print("emulated rig, ice_mig_sim test device: not E810 figures)")
print(f"  {'options':16} {'downtime ms (h1->h2, h2->h1)':>30} {'mean':>7} {'total ms mean':>14} {'bytes mean':>12}")
for opt in ("default", "parallel4", "parallel4-zstd"):
    r = [x for x in rows if x[1] == opt]
    d = [int(x[3]) for x in r]
    t = [int(x[4]) for x in r]
    b = [int(x[5]) for x in r]
    legs = ", ".join(str(v) for v in d)
    print(f"  {opt:16} {legs:>30} {sum(d)//len(d):>7} {sum(t)//len(t):>14} {sum(b)//len(b):>12}")
PY
