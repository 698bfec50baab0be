#!/usr/bin/env bash
# Scenario: the VFIO migration uAPI test program (tests/uapi/vfio_mig_test)
# against two VFs bound to ice_vfio_pci on h2, then the malformed-stream
# corpus (tests/fuzz/gen_corpus) written into RESUMING; dmesg must hold no
# WARN, BUG or lockdep report from the run. (Debian's kernel is built
# without lockdep, so only a kernel built with it can report one.)
#
# Usage: RIG_RUN=DIR uapi.sh      (the rig in DIR must be up)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

step "provision 2 VFs on h2 bound to ice_vfio_pci"
rx h2 '"$ICEMIG" vf create "$RIG_PF" 2 --force >/dev/null &&
	"$ICEMIG" vf bind "$(vf_bdf 0)" "$(vf_bdf 1)" --driver ice_vfio_pci >/dev/null'
mark=$(rx h2 'dmesg | wc -l')

step "vfio_mig_test on h2"
rx h2 '"$RIG_PROJECT/tests/uapi/vfio_mig_test" "$(vf_bdf 0)" "$(vf_bdf 1)" \
	"$(vf_dbg "$(vf_bdf 0)")" "$(vf_dbg "$(vf_bdf 1)")"' ||
	fail "vfio_mig_test reported failures"

step "malformed streams into RESUMING on h2"
rx h2 '"$RIG_PROJECT/tests/uapi/vfio_mig_test" --corpus "$RIG_PROJECT/tests/fuzz/seeds" \
	"$(vf_bdf 1)" "$(vf_dbg "$(vf_bdf 1)")"' ||
	fail "a malformed stream was not refused cleanly"

step "KUnit tests of the codec in the kernel (kernels with KUnit only)"
rx h2 'if ! modinfo icemig_kunit >/dev/null 2>&1; then
		echo "note: no icemig_kunit module for $(uname -r) (the kernel has no KUnit)"
	else
		modprobe -r icemig_kunit 2>/dev/null; mark=$(dmesg | wc -l)
		modprobe icemig_kunit || exit 1
		out=$(dmesg | tail -n +$((mark + 1)))
		echo "$out" | grep -E "# icemig_(stream|compat): pass" || exit 1
		! echo "$out" | grep -qE "not ok"
	fi' || fail "a KUnit test of the codec failed"

step "dmesg after the run"
bad=$(rx h2 "dmesg | tail -n +$((mark + 1)) | grep -E 'WARNING:|BUG:|Oops|possible circular locking|possible recursive locking|INFO: task .* blocked' || true")
[ -z "$bad" ] || fail "kernel reported during the uAPI test:
$bad"
