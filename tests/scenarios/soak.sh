#!/usr/bin/env bash
# Soak: SOAK_MIGRATIONS (default 20) live migrations in a row of one VM
# holding a VF with a ~2 KiB state, h1 -> h2 -> h1 ..., alternating plain
# `virsh migrate --live` and `icemig migrate`, the state verified after
# each one: the VM runs on the destination only; its VF configuration is
# the one it started with; the destination VF loaded exactly the
# rx_packets the source VF saved (the counter resumes where it stopped),
# and runs on from there; the reservations on both hosts are exactly the
# VM's VF where it runs; the kernel logs are clean. Prints the wall time of
# each migration and the median.
#
# Usage: RIG_RUN=DIR soak.sh      (the rig in DIR must be up)
#
# The VF state is the simulated provider's (ice_mig_sim, a test device):
# the times are the emulated rig's, not E810 figures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$HERE/lib.sh"
. "$HERE/fault-lib.sh"

VM=icemig-soak
N=${SOAK_MIGRATIONS:-20}
fault_init soak "$VM"

step "2 VFs per host on ice_vfio_pci; $VM on h1's VF 1 with a 16-queue-pair state"
fault_vfs h1 2
fault_vfs h2 2
frx h1 "vm_start $VM \$(vf_bdf 1) && vf_set \$(vf_bdf 1) \"\$(big_state 5a)\""
fault_snap "$VM"
src_vf=$(probe_section h1 "dom $VM" | awk '$1 == "vf" { print $3 }')

# counts_of HOST BDF: "saves loads saved_rx loaded_rx" of a VF (last probe)
counts_of() {
	probe_section "$1" counts | awk -v b="$2" '$1 == b { print $2, $3, $4, $5 }'
}

walls=()
from=h1 to=h2
for ((i = 1; i <= N; i++)); do
	if ((i % 2)); then
		cmd="virsh migrate --live $VM qemu+tcp://icemig-$to/system"
	else
		cmd="\"\$ICEMIG\" migrate --no-progress $VM qemu+tcp://icemig-$to/system"
	fi
	read -r saves0 _ _ _ <<<"$(counts_of "$from" "$src_vf")"
	t0=$(date +%s%N)
	# the migration and the source's probe in one exec
	PROBE[$from]=$(frx "$from" "$cmd >/dev/null && ALLOW_PENDING=0 probe $VM") ||
		fail "migration $i ($from -> $to) failed"
	walls+=($((($(date +%s%N) - t0) / 1000000)))
	PROBE[$to]=$(frx "$to" "ALLOW_PENDING=0 probe $VM") || fail "probe on $to failed"
	fault_hosts_ok
	fault_verify "$VM" "$to" >/dev/null
	dst_vf=$(probe_section "$to" "dom $VM" | awk '$1 == "vf" { print $3 }')
	read -r saves1 _ saved_rx _ <<<"$(counts_of "$from" "$src_vf")"
	read -r _ _ _ loaded_rx <<<"$(counts_of "$to" "$dst_vf")"
	[ "$saves1" -gt "$saves0" ] || fail "migration $i: $from's VF $src_vf saved nothing"
	[ "$loaded_rx" = "$saved_rx" ] ||
		fail "migration $i: $to's VF $dst_vf loaded rx_packets $loaded_rx, $from's saved $saved_rx"
	SNAP_RX[$VM]="0 $loaded_rx"
	echo "migration $i/$N $from -> $to: ${walls[-1]} ms; VF $src_vf -> $dst_vf; rx_packets $saved_rx carried" >&2
	src_vf=$dst_vf
	tmp=$from from=$to to=$tmp
done
med=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "soak: $N migrations of $VM (VF state ~2 KiB) h1 <-> h2, state verified after each;" \
	"wall time median $med ms (min $(printf '%s\n' "${walls[@]}" | sort -n | head -n 1)," \
	"max $(printf '%s\n' "${walls[@]}" | sort -n | tail -n 1))" | tee "$RIG_RUN/report-soak.txt"
