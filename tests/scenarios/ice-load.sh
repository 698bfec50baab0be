#!/usr/bin/env bash
# Scenario: the patched ice driver and the icemig glue (make ice) load and
# unload cleanly in a rig host, next to ice_vfio_pci and ice_mig_sim. The
# rig has no E800-series device, so nothing probes: this proves the modules
# link (symbol versions, namespaces, module dependencies) and that their
# init and exit paths are clean, not that a VF migrates.
#
# h2 loads ice's dependencies as modprobe would for the stock ice, then the
# patched ice.ko (from the ice build cache, which the rig host sees through
# its read-only view of the build machine's root) and ice_mig_glue.ko;
# checks that ice cannot be removed while the glue uses it; unloads both;
# and requires a dmesg free of kernel reports and of module loader errors.
#
# Usage: RIG_RUN=DIR ice-load.sh      (the rig in DIR must be up)
#   ICE_KO=path   the patched ice.ko (default: the make ice build of the
#                 rig kernel's version in ${ICEMIG_CACHE:-/var/cache/icemig})
#   ICE_GLUE_KO=path  ice_mig_glue.ko (default: kernel/ice_mig_glue.ko); it
#                 must come from the same build as the ice_vfio_pci the rig
#                 loads (RIG_KO_DIR)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"

kver=$(rx h2 'uname -r')
ice_ko=${ICE_KO:-${ICEMIG_CACHE:-/var/cache/icemig}/ice-build/$kver/work/drivers/net/ethernet/intel/ice/ice.ko}
glue_ko=${ICE_GLUE_KO:-$PROJECT/kernel/ice_mig_glue.ko}
[ -f "$ice_ko" ] || fail "no patched ice.ko at $ice_ko (run make ice first)"
[ -f "$glue_ko" ] || fail "no $glue_ko (run make ice first)"
vm=$(modinfo -F vermagic "$ice_ko" | awk '{print $1}')
[ "$vm" = "$kver" ] || fail "$ice_ko is built for $vm, the rig runs $kver"

step "h2: no E800-series device, ice not loaded"
# The PCI IDs ice binds (its module aliases) against h2's devices
ids=$(modinfo -F alias "$ice_ko" | sed -n 's/^pci:v00008086d0000\([0-9A-F]\{4\}\).*/\1/p' | tr 'A-F' 'a-f' | sort -u)
[ -n "$ids" ] || fail "no PCI IDs in $ice_ko's aliases"
dev=$(rx h2 "lspci -n | awk '{print \$3}'" | sed -n 's/^8086://p' | grep -xF "$ids" || true)
[ -z "$dev" ] || fail "h2 has a device ice binds (8086:$dev): this scenario assumes none"
rx h2 'if lsmod | grep -q "^ice "; then rmmod ice; fi'
rx h2 'lsmod | grep -q "^ice_vfio_pci "' || fail "ice_vfio_pci is not loaded on h2"
mark=$(rx h2 'dmesg | wc -l')

step "h2: load ice's dependencies, the patched ice and ice_mig_glue"
rx h2 "modprobe --show-depends ice | grep -v '/ice\\.ko' | while read -r cmd path args; do
		[ \"\$cmd\" = insmod ] || continue
		m=\$(basename \"\$path\"); m=\${m%%.ko*}
		lsmod | grep -q \"^\${m//-/_} \" || modprobe \"\$m\" || exit 1
	done" || fail "ice's dependencies did not load"
rx h2 "insmod '$ice_ko'" || fail "the patched ice.ko did not load"
rx h2 "insmod '$glue_ko'" || fail "ice_mig_glue.ko did not load"
rx h2 'lsmod | grep -E "^(ice|ice_mig_glue|ice_vfio_pci|ice_mig_sim) "'
rx h2 'lsmod | awk "\$1 == \"ice\" {print \$4}" | grep -qw ice_mig_glue' ||
	fail "ice_mig_glue does not use ice (lsmod shows no dependency)"
rx h2 'lsmod | awk "\$1 == \"ice_vfio_pci\" {print \$4}" | grep -qw ice_mig_glue' ||
	fail "ice_mig_glue does not use ice_vfio_pci"

step "h2: ice cannot go while the glue uses it"
if rx h2 'rmmod ice 2>/dev/null'; then
	fail "rmmod ice succeeded with ice_mig_glue loaded"
fi

step "h2: unload ice_mig_glue, then ice"
rx h2 'rmmod ice_mig_glue && rmmod ice' || fail "unloading failed"
rx h2 '! lsmod | grep -qE "^(ice|ice_mig_glue) "' || fail "a module is still loaded"
rx h2 'lsmod | grep -q "^ice_vfio_pci "' || fail "ice_vfio_pci went away"

step "h2: load and unload once more (init after exit)"
rx h2 "insmod '$ice_ko' && insmod '$glue_ko' && rmmod ice_mig_glue && rmmod ice" ||
	fail "the second load/unload failed"

step "dmesg after the run"
out=$(rx h2 "dmesg | tail -n +$((mark + 1))")
printf '%s\n' "$out" | grep -E '(^|\] )(ice|ice_mig_glue):' | head -n 20 >&2 || true
bad=$(printf '%s\n' "$out" | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|possible circular locking|possible recursive locking|Unknown symbol|disagrees about version|unknown parameter|Invalid module format|INFO: task .* blocked' || true)
[ -z "$bad" ] || fail "kernel reported while loading or unloading:
$bad"
echo "ice-load: patched ice.ko and ice_mig_glue loaded and unloaded twice on h2, dmesg clean (no E800 device: nothing probed)"
