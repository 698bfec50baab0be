# shellcheck shell=bash
# Functions for scenario scripts run OUTSIDE the rig. RIG_RUN names the
# directory of a rig that tests/rig/rig.sh up has booted.
SCEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$SCEN_DIR/../.." && pwd -P)
RIG=$PROJECT/tests/rig/rig.sh
: "${RIG_RUN:?RIG_RUN must name a running rig (tests/rig/rig.sh up DIR)}"

step() { echo "--- $*" >&2; }
note() { echo "note: $*" >&2; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# rx HOST 'commands': run in rig host HOST (h1|h2) with host-lib.sh loaded;
# stdout, stderr and exit status are the commands'.
rx() {
	local h=$1
	shift
	"$RIG" exec "$RIG_RUN" "$h" ". '$SCEN_DIR/host-lib.sh'; $*"
}
