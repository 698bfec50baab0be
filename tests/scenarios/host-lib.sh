# shellcheck shell=bash
# Functions for commands run INSIDE a rig host (sourced by the scenario
# scripts through tests/rig/rig.sh exec). Needs /run/rig/env from the rig.
. /run/rig/env
ICEMIG=$RIG_PROJECT/helper/icemig
SIM_DBG=/sys/kernel/debug/ice_mig_sim

# vf_bdf N: BDF (DDDD:BB:DD.F) of VF N of the rig's PF
vf_bdf() {
	basename "$(readlink -f "/sys/bus/pci/devices/$RIG_PF/virtfn$1")"
}

# vf_dbg BDF: the simulated provider's debugfs directory of that VF
vf_dbg() {
	local vf=$1 pf l
	pf=$(basename "$(readlink -f "/sys/bus/pci/devices/$vf/physfn")")
	for l in /sys/bus/pci/devices/"$pf"/virtfn*; do
		if [ "$(basename "$(readlink -f "$l")")" = "$vf" ]; then
			echo "$SIM_DBG/$pf/vf${l##*virtfn}"
			return 0
		fi
	done
	echo "vf_dbg: $vf: not a VF of an SR-IOV PF" >&2
	return 1
}

# hostdev_bdf DOMAIN: BDF of the first PCI hostdev source of a running domain
hostdev_bdf() {
	local xml a v=()
	xml=$(virsh dumpxml "$1") || return 1
	for a in domain bus slot function; do
		v+=("$(xmllint --xpath "string((//hostdev[@type='pci'])[1]/source/address/@$a)" - <<<"$xml")")
	done
	[ -n "${v[0]}" ] || { echo "hostdev_bdf: $1: no PCI hostdev" >&2; return 1; }
	printf '%04x:%02x:%02x.%x\n' "${v[0]}" "${v[1]}" "${v[2]}" "${v[3]}"
}

# vm_xml TEMPLATE NAME [VF-BDF]: instantiate a domain XML template
vm_xml() {
	local tmpl=$1 name=$2 bdf=${3:-0000:00:00.0} dom bus slot fn
	IFS=':.' read -r dom bus slot fn <<<"$bdf"
	sed -e "s/@NAME@/$name/g" -e "s/@DOMAIN@/0x$dom/g" -e "s/@BUS@/0x$bus/g" \
		-e "s/@SLOT@/0x$slot/g" -e "s/@FUNC@/0x$fn/g" "$tmpl"
}

# jobinfo_ms DOMAIN FIELD: a completed-job figure in ms ("Time elapsed",
# "Total downtime"), or "-" if libvirt did not report it. Run it on the
# destination: the source's completed stats leave with a transient domain.
# --keep-completed: a plain read would consume them.
jobinfo_ms() {
	virsh domjobinfo --completed --keep-completed "$1" 2>/dev/null |
		awk -F: -v f="$2" '$1 == f { gsub(/[^0-9]/, "", $2); print $2; found=1 } END { if (!found) print "-" }'
}
