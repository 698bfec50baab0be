#!/usr/bin/env bash
# Self-test of the kernel-report check of tests/run-rig.sh, not a test of
# icemig: it writes a line shaped like a kernel WARNING into h1's kernel log
# (/dev/kmsg, so it carries the printk time stamp on the console) and ends
# with success. Run with RIG_KERNEL_CHECK=1 and RIG_LOGLEVEL=7, run-rig.sh
# must print the line under "KERNEL REPORT: h1" and count this scenario as
# FAILED; without the check it passes. It is in no scenario list.
#
# Usage: RIG_RUN=DIR kreport-selftest.sh      (the rig in DIR must be up)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

step "a fake kernel report on h1"
rx h1 'echo "<4>WARNING: CPU: 0 PID: $$ at icemig kreport-selftest (written to /dev/kmsg on purpose)" >/dev/kmsg'
