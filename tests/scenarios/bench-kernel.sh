#!/usr/bin/env bash
# Benchmark: ice_vfio_pci save and load latency through the VFIO uAPI, per
# VF, for 1/4/16 queue pairs and 0/16/256 VLAN filters (median and p99 over
# BENCH_CYCLES cycles, default 1000), with the stream size. Runs on h2.
# The VF state comes from ice_mig_sim (a test device) and the hosts are
# emulated (TCG): these are rig figures, not E810 figures.
#
# Usage: RIG_RUN=DIR bench-kernel.sh      (the rig in DIR must be up)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

rx h2 '"$ICEMIG" vf create "$RIG_PF" 2 --force >/dev/null &&
	"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" --driver ice_vfio_pci >/dev/null'
rx h2 "\"\$RIG_PROJECT/tests/uapi/vfio_mig_test\" --bench ${BENCH_CYCLES:-1000} \
	\"\$(vf_bdf 0)\" \"\$(vf_bdf 1)\" \"\$(vf_dbg \"\$(vf_bdf 0)\")\"" |
	tee "$RIG_RUN/bench-kernel.txt"
