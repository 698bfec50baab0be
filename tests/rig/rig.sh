#!/bin/bash
# icemig rig: two emulated hosts, linked only to each other, that run the real
# stack (Debian 6.12 kernel with vfio, libvirt, QEMU, the project's modules,
# helper and hook). Only the E810 PF is replaced by QEMU's igb SR-IOV PF.
#
#   rig.sh up     RUNDIR               boot h1 and h2, wait until both are ready
#   rig.sh exec   RUNDIR h1|h2 'cmd'   run a shell command as root in a host;
#                                      its stdout/stderr/exit status are ours
#   rig.sh down   RUNDIR               power both hosts off, clean up RUNDIR
#   rig.sh status RUNDIR               show what runs
#
# Typical use in a test:
#   run=$(mktemp -d); trap 'tests/rig/rig.sh down "$run"' EXIT
#   tests/rig/rig.sh up "$run"
#   tests/rig/rig.sh exec "$run" h1 'virsh list --all'
#
# Environment knobs (all optional):
#   RIG_KERNEL        kernel image   (default: newest /boot/vmlinuz-6.12*);
#                     its name must be vmlinuz-<kernel release>
#   RIG_MODULES_DIR   that kernel's module directory (default:
#                     /lib/modules/<release>); the hosts see it there
#   RIG_KO_DIR        where the project's ice_vfio_pci.ko and ice_mig_sim.ko
#                     are (default: <project>/kernel); other *.ko there (KUnit
#                     test modules) are installed in the hosts too
#   RIG_APPEND        more kernel command line (e.g. kasan_multi_shot)
#   RIG_CACHE         build cache    (default: <project>/build/rig-cache)
#   RIG_MEM, RIG_SMP  per host       (default: 2048 MiB, 2 vCPUs)
#   RIG_TCG_THREAD    single (default: a host's vCPUs in one TCG thread)
#                     or multi
#   RIG_BOOT_TIMEOUT  seconds for up (default: 300)
#   RIG_LOAD_MODULES  auto: load kernel/*.ko when built; 0: never (stock
#                     drivers only); 1: require them (up fails otherwise)
#   RIG_HOOK          auto: install libvirt-hooks/icemig when present; 0: not
#   RIG_NUMVFS        VFs to create on each PF at boot (default: 0)
#   RIG_EXEC_TIMEOUT  seconds before exec cancels the command (default: none;
#                     exit status 124 on timeout)
#   RIG_KEEP_ON_FAIL  1: a failed up leaves the hosts running for debugging
#
# Layout of RUNDIR (see README.md): link.sock (the h1<->h2 wire), and per
# host hN/{qemu.pid,qmp.sock,console.log,qemu.log,share/}; share/ is /rig in
# the host (host.env, ready, exec/, modules/, caps/).
set -euo pipefail

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$RIG_DIR/../.." && pwd -P)
CACHE=${RIG_CACHE:-$PROJECT/build/rig-cache}
MEM=${RIG_MEM:-2048}
SMP=${RIG_SMP:-2}
BOOT_TIMEOUT=${RIG_BOOT_TIMEOUT:-300}
HOSTS=(h1 h2)

die() { echo "rig.sh: $*" >&2; exit 1; }
note() { echo "rig.sh: $*" >&2; }

# Per-host constants. The UUID is the SMBIOS system UUID and libvirt's
# host_uuid (libvirt refuses to migrate between hosts with the same UUID).
host_hostname() { echo "icemig-$1"; }
host_ip() { case $1 in h1) echo 192.0.2.1 ;; h2) echo 192.0.2.2 ;; esac; }
host_peer() { case $1 in h1) echo h2 ;; h2) echo h1 ;; esac; }
host_mac() { case $1 in h1) echo 52:54:00:c0:02:01 ;; h2) echo 52:54:00:c0:02:02 ;; esac; }
host_pfmac() { case $1 in h1) echo 52:54:00:e8:10:01 ;; h2) echo 52:54:00:e8:10:02 ;; esac; }
host_uuid() { case $1 in h1) echo 1ce0319a-7c1e-4a11-9d01-000000000001 ;;
                          h2) echo 1ce0319a-7c1e-4a11-9d01-000000000002 ;; esac; }
check_host() { case ${1:-} in h1|h2) ;; *) die "host must be h1 or h2, not '${1:-}'" ;; esac; }

# ---------------------------------------------------------------- kernel
kernel_image() {
	local k=${RIG_KERNEL:-}
	if [ -z "$k" ]; then
		# shellcheck disable=SC2012 # plain names: vmlinuz-<version>
		k=$(ls -1 /boot/vmlinuz-6.12* 2>/dev/null | sort -V | tail -n1 || true)
	fi
	if [ -z "$k" ] || [ ! -r "$k" ]; then
		die "no readable 6.12 kernel in /boot (run scripts/install-deps, or set RIG_KERNEL)"
	fi
	echo "$k"
}
kernel_version() { basename "$1" | sed 's/^vmlinuz-//'; }

# Keep the cache small: only the newest few entries of a kind.
prune_cache() { # prune_cache GLOB-PREFIX (e.g. "initramfs-")
	local old
	# shellcheck disable=SC2012 # names are ours: <prefix><hex hash>
	old=$(ls -1dt "$CACHE/$1"* 2>/dev/null | tail -n +4) || true
	[ -z "$old" ] || echo "$old" | xargs rm -rf
}

# The kernel's module directory on this machine (RIG_MODULES_DIR).
modules_dir() { echo "${RIG_MODULES_DIR:-/lib/modules/$1}"; }

# builtin KVER NAME: module NAME is built into the kernel (modules.builtin)
builtin() {
	local f
	f=$(modules_dir "$1")/modules.builtin
	[ -r "$f" ] && grep -qE "(^|/)$2\.ko\$" "$f"
}

# ---------------------------------------------------------------- initramfs
# A busybox initramfs with the 9p and overlay modules (those not built into
# the kernel), cached by content.
initramfs() { # initramfs KVER -> prints the path of the cached image
	local kver=$1 mdir m f key out tmp bb
	mdir=$(modules_dir "$1")
	# busybox-static installs /bin/busybox; the initramfs has no libc.
	bb=/bin/busybox
	[ -x "$bb" ] || die "$bb not found (package busybox-static)"
	local all=(netfs 9pnet 9pnet_virtio 9p overlay) mods=() paths=()
	for m in "${all[@]}"; do
		builtin "$kver" "$m" && continue
		f=$(find "$mdir/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" 2>/dev/null | head -n1)
		[ -n "$f" ] || die "module $m not found under $mdir (nor built in)"
		mods+=("$m")
		paths+=("$f")
	done
	key=$( { echo "$kver ${mods[*]}"; sha256sum "$bb" "${paths[@]}" "$RIG_DIR/initramfs-init.sh"; } |
		sha256sum | cut -c1-16)
	out=$CACHE/initramfs-$key.cpio.gz
	if [ ! -s "$out" ]; then
		mkdir -p "$CACHE"
		tmp=$(mktemp -d "$CACHE/initramfs.XXXXXX")
		mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/dev" "$tmp/proc" "$tmp/sys"
		cp "$bb" "$tmp/bin/busybox"
		for m in $("$bb" --list); do
			[ "$m" = busybox ] || ln -s busybox "$tmp/bin/$m"
		done
		for i in "${!mods[@]}"; do
			f=${paths[$i]}
			case $f in
			*.xz) xz -dc "$f" ;;
			*.zst) zstd -dc "$f" ;;
			*.gz) gzip -dc "$f" ;;
			*) cat "$f" ;;
			esac >"$tmp/modules/${mods[$i]}.ko"
		done
		install -m 0755 "$RIG_DIR/initramfs-init.sh" "$tmp/init"
		# The kernel's built-in rootfs has /dev/console already; add it
		# anyway when we may (root), it does no harm.
		mknod -m 600 "$tmp/dev/console" c 5 1 2>/dev/null || true
		(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
			gzip -1 >"$out.tmp"
		mv -f "$out.tmp" "$out"
		rm -rf "$tmp"
		prune_cache initramfs-
	fi
	echo "$out"
}

# ---------------------------------------------------------------- modules
# The project's modules, with depmod indexes for the host kernel's tree, so
# that "modprobe ice_vfio_pci" works inside the hosts. depmod over the whole
# tree takes seconds natively and minutes under TCG, so it runs here, on a
# symlink farm of /lib/modules/KVER plus extra/, cached by content. Prints
# the directory to copy into /rig/modules, or nothing when not built.
project_modules() { # project_modules KVER
	local kver=$1 kos=() f vm key dir tmp mdir kodir=${RIG_KO_DIR:-$PROJECT/kernel}
	mdir=$(modules_dir "$kver")
	[ "${RIG_LOAD_MODULES:-auto}" = 0 ] && return 0
	for f in ice_vfio_pci.ko ice_mig_sim.ko; do
		local p
		p=$(find "$kodir" -maxdepth 3 -name "$f" -type f 2>/dev/null | head -n1)
		[ -n "$p" ] && kos+=("$p")
	done
	if [ ${#kos[@]} -eq 0 ]; then
		[ "${RIG_LOAD_MODULES:-auto}" = 1 ] &&
			die "RIG_LOAD_MODULES=1 but $kodir/ice_vfio_pci.ko and ice_mig_sim.ko are not built"
		return 0
	fi
	# Other modules built there (e.g. KUnit test modules, built where the
	# kernel has KUnit) go along, for modprobe in the hosts.
	for f in "$kodir"/*.ko; do
		case ${f##*/} in ice_vfio_pci.ko | ice_mig_sim.ko) ;; *) [ -f "$f" ] && kos+=("$f") ;; esac
	done
	for f in "${kos[@]}"; do
		vm=$(modinfo -F vermagic "$f" 2>/dev/null | awk '{print $1}')
		if [ "$vm" != "$kver" ]; then
			[ "${RIG_LOAD_MODULES:-auto}" = 1 ] && die "$f is built for '$vm', not $kver"
			note "WARNING: $f is built for '$vm', not $kver: not loading the project's modules"
			return 0
		fi
	done
	key=$( { echo "$kver $mdir"; sha256sum "${kos[@]}"; stat -c '%n %s %Y' "$mdir/modules.order" "$mdir/modules.builtin" 2>/dev/null; } |
		sha256sum | cut -c1-16)
	dir=$CACHE/modules-$key
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE"
		tmp=$(mktemp -d "$CACHE/modules.XXXXXX")
		local tree=$tmp/root/lib/modules/$kver
		mkdir -p "$tree/extra"
		[ ! -d "$mdir/kernel" ] || cp -rs "$mdir/kernel" "$tree/kernel"
		for f in "$mdir"/modules.{order,builtin,builtin.modinfo}; do
			[ -e "$f" ] && ln -s "$f" "$tree/"
		done
		cp "${kos[@]}" "$tree/extra/"
		depmod -b "$tmp/root" "$kver"
		mkdir -p "$tmp/out/extra"
		cp "${kos[@]}" "$tmp/out/extra/"
		find "$tree" -maxdepth 1 -type f -name 'modules.*' -exec cp {} "$tmp/out/" \;
		mv "$tmp/out" "$dir"
		rm -rf "$tmp"
		prune_cache modules-
	fi
	echo "$dir"
}

# ---------------------------------------------------------------- processes
pid_of() { # pid_of RUNDIR HOST -> the QEMU PID if it runs and is ours
	local pidfile=$1/$2/qemu.pid pid
	[ -r "$pidfile" ] || return 1
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	# Ours: a live QEMU whose command line names this very pid file.
	[ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$pidfile" || return 1
	echo "$pid"
}

start_host() { # start_host RUNDIR HOST KERNEL INITRD
	local run=$1 h=$2 kernel=$3 initrd=$4 d=$1/$2 netdev
	if [ "$h" = h1 ]; then
		netdev="stream,id=link,server=on,addr.type=unix,addr.path=$run/link.sock"
	else
		netdev="stream,id=link,server=off,addr.type=unix,addr.path=$run/link.sock,reconnect-ms=500"
	fi
	# -nodefaults: no default NIC (so no user-mode networking), no VGA, no
	# monitor; the console is a log file. intel-iommu comes first; with
	# intremap it needs the split irqchip, caching-mode lets vfio work.
	# The igb PF sits behind its own PCIe root port; it has no backend
	# (its VFs are what matters, not its wire).
	# TCG runs each host's vCPUs in one thread (thread=single): with one
	# thread per vCPU, a host once stopped for good with a timer interrupt
	# left in service on a halted vCPU (local APIC ISR 236, EOI lost) and
	# answered nothing more. Two hosts on a 2-core machine fill it with
	# one thread each anyway. RIG_TCG_THREAD=multi restores the default.
	setsid qemu-system-x86_64 \
		-name "icemig-rig-$h" \
		-accel "tcg,thread=${RIG_TCG_THREAD:-single}" -cpu "${RIG_CPU:-qemu64}" -smp "$SMP" -m "$MEM" \
		-machine q35,kernel-irqchip=split \
		-device intel-iommu,intremap=on,caching-mode=on \
		-nodefaults -display none -no-reboot \
		-smbios "type=1,uuid=$(host_uuid "$h")" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 intel_iommu=on no_timer_check panic=1 loglevel=${RIG_LOGLEVEL:-4} icemig_rig=$h${RIG_APPEND:+ $RIG_APPEND}" \
		-serial "file:$d/console.log" \
		-qmp "unix:$d/qmp.sock,server=on,wait=off" \
		-pidfile "$d/qemu.pid" \
		-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap,id=fsroot" \
		-virtfs "local,path=$PROJECT,mount_tag=project,security_model=none,readonly=on,multidevs=remap,id=fsproject" \
		-virtfs "local,path=$d/share,mount_tag=rig,security_model=none,multidevs=remap,id=fsrig" \
		-netdev "$netdev" \
		-device "virtio-net-pci,netdev=link,mac=$(host_mac "$h")" \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=0x10 \
		-device "igb,bus=rp1,mac=$(host_pfmac "$h")" \
		</dev/null >>"$d/qemu.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	# (fds 3-9 closed: a caller's pipe, e.g. bats' fd 3, must not be held
	# open by a QEMU that outlives this script.)
}

wait_pidfile() { # wait_pidfile RUNDIR HOST: until QEMU wrote its pid file
	local i
	for i in $(seq 1 100); do
		pid_of "$1" "$2" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- up
cmd_up() {
	local run=$1 kernel kver initrd mods h d t0 now
	t0=$(date +%s.%N)
	mkdir -p "$run"
	run=$(cd "$run" && pwd -P)
	case $run in *[[:space:]]*) die "RUNDIR must not contain spaces: $run" ;; esac
	case $PROJECT in *[[:space:]]*) die "the project path must not contain spaces: $PROJECT" ;; esac
	[ ${#run} -le 90 ] || die "RUNDIR path too long for unix sockets (max 90 chars): $run"
	for h in "${HOSTS[@]}"; do
		pid_of "$run" "$h" >/dev/null && die "$h already runs in $run (rig.sh down $run first)"
	done
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (scripts/install-deps)"
	# Interrupted while booting: stop what was started.
	trap 'up_failed "$run" "" "interrupted"' INT TERM HUP

	kernel=$(kernel_image)
	kver=$(kernel_version "$kernel")
	[ -d "$(modules_dir "$kver")" ] || die "$(modules_dir "$kver") missing for $kernel"
	initrd=$(initramfs "$kver")
	mods=$(project_modules "$kver")

	rm -f "$run/link.sock"
	for h in "${HOSTS[@]}"; do
		d=$run/$h
		rm -rf "$d"
		mkdir -p "$d/share/exec"
		local p
		p=$(host_peer "$h")
		cat >"$d/share/host.env" <<-EOF
			RIG_HOST=$h
			RIG_HOSTNAME=$(host_hostname "$h")
			RIG_IP=$(host_ip "$h")
			RIG_PREFIX=24
			RIG_PEER_IP=$(host_ip "$p")
			RIG_PEER_HOSTNAME=$(host_hostname "$p")
			RIG_LINK_MAC=$(host_mac "$h")
			RIG_UUID=$(host_uuid "$h")
			RIG_PROJECT=$PROJECT
			RIG_LOAD_MODULES=${RIG_LOAD_MODULES:-auto}
			RIG_HOOK=${RIG_HOOK:-auto}
			RIG_NUMVFS=${RIG_NUMVFS:-0}
			RIG_TRACE=${RIG_TRACE:-0}
			RIG_MODULES_DIR=$(modules_dir "$kver")
		EOF
		[ -n "$mods" ] && cp -r "$mods" "$d/share/modules"
		if ls "$CACHE"/libvirt-caps/*.xml >/dev/null 2>&1; then
			mkdir -p "$d/share/caps"
			cp "$CACHE"/libvirt-caps/*.xml "$d/share/caps/"
		fi
	done
	echo "$kernel" >"$run/kernel"

	# h1 listens on the link socket, h2 connects to it: start h1 first.
	for h in "${HOSTS[@]}"; do
		start_host "$run" "$h" "$kernel" "$initrd"
		if ! wait_pidfile "$run" "$h"; then
			up_failed "$run" "$h" "QEMU for $h did not start (see $run/$h/qemu.log)"
		fi
	done
	note "booting h1 and h2 (kernel $kver${mods:+, project modules}); consoles: $run/h1/console.log $run/h2/console.log"

	local deadline=$(( $(date +%s) + BOOT_TIMEOUT )) pending r
	while :; do
		pending=0
		for h in "${HOSTS[@]}"; do
			pid_of "$run" "$h" >/dev/null ||
				up_failed "$run" "$h" "$h: QEMU exited during boot"
			r=$(cat "$run/$h/share/ready" 2>/dev/null || true)
			case $r in
			OK*) ;;
			FAIL*) up_failed "$run" "$h" "$h: $r" ;;
			*) pending=1 ;;
			esac
		done
		[ $pending = 0 ] && break
		[ "$(date +%s)" -lt "$deadline" ] ||
			up_failed "$run" "" "hosts not ready after ${BOOT_TIMEOUT}s"
		sleep 0.5
	done

	# Prove the exec path, the link and libvirt over TCP, from both sides:
	# each host's libvirt answers the other's (what migration needs).
	local peer
	for h in "${HOSTS[@]}"; do
		peer=$(host_hostname "$(host_peer "$h")")
		RIG_EXEC_TIMEOUT=60 cmd_exec "$run" "$h" \
			"busybox ping -c1 -W5 $peer >/dev/null && virsh -q -c qemu+tcp://$peer/system version >/dev/null" ||
			up_failed "$run" "$h" "$h cannot reach libvirtd on $peer over the link (or exec is broken)"
	done

	# Keep libvirt's QEMU capabilities for the next boot (see host-init.sh).
	if ls "$run/h1/share/caps.new/"*.xml >/dev/null 2>&1; then
		local c
		c=$(mktemp -d "$CACHE/libvirt-caps.XXXXXX")
		cp "$run/h1/share/caps.new/"*.xml "$c/"
		rm -rf "$CACHE/libvirt-caps"
		mv -T "$c" "$CACHE/libvirt-caps" 2>/dev/null || rm -rf "$c"
	fi
	trap - INT TERM HUP

	now=$(date +%s.%N)
	for h in "${HOSTS[@]}"; do
		note "$h: $(cat "$run/$h/share/ready")"
	done
	note "rig up in $(awk -v a="$t0" -v b="$now" 'BEGIN{printf "%.1f", b-a}') s: $run"
}

up_failed() { # up_failed RUNDIR HOST|"" MESSAGE
	local run=$1 h=$2 msg=$3 x
	echo "rig.sh up: FAILED: $msg" >&2
	for x in ${h:-${HOSTS[*]}}; do
		if [ -s "$run/$x/qemu.log" ]; then
			echo "---- $run/$x/qemu.log (last lines)" >&2
			tail -n 20 "$run/$x/qemu.log" >&2
		fi
		echo "---- $run/$x/console.log (last lines)" >&2
		tail -n 40 "$run/$x/console.log" >&2 2>/dev/null || true
	done
	echo "---- console logs: $run/h1/console.log $run/h2/console.log" >&2
	if [ "${RIG_KEEP_ON_FAIL:-0}" = 1 ]; then
		echo "rig.sh up: RIG_KEEP_ON_FAIL=1: hosts left running; rig.sh down $run when done" >&2
	else
		cmd_down "$run" >&2 || true
	fi
	exit 1
}

# ---------------------------------------------------------------- exec
cmd_exec() { # cmd_exec RUNDIR HOST COMMAND
	local run=$1 h=$2 cmd=$3 q id pid waiter t1 t2 rc
	check_host "$h"
	run=$(cd "$run" 2>/dev/null && pwd -P) || die "no rig in ${1}"
	q=$run/$h/share/exec
	pid=$(pid_of "$run" "$h") || die "$h is not running in $run"
	[ -d "$q" ] || die "$h has no exec queue ($q)"
	grep -q '^OK' "$run/$h/share/ready" 2>/dev/null ||
		note "warning: $h is not ready ($(cat "$run/$h/share/ready" 2>/dev/null || echo booting))"

	id=$(date +%s%N)-$$-$RANDOM
	: >"$q/$id.out"
	: >"$q/$id.err"
	printf '%s\n' "$cmd" >"$q/$id.cmd.tmp"
	mv "$q/$id.cmd.tmp" "$q/$id.cmd"

	# The waiter ends when the command's rc file appears (or the host died,
	# or the timeout passed and the cancelled command still did not end).
	(
		trap '' INT
		limit=${RIG_EXEC_TIMEOUT:-0}
		deadline=$(( ${EPOCHREALTIME//[!0-9]/} / 1000 + limit * 1000 ))
		cancelled=0
		while [ ! -e "$q/$id.rc" ]; do
			[ -e "/proc/$pid" ] || exit 0
			if [ "$limit" -gt 0 ]; then
				now=$(( ${EPOCHREALTIME//[!0-9]/} / 1000 ))
				if [ $cancelled = 0 ] && [ "$now" -ge "$deadline" ]; then
					echo "rig.sh exec: $h: timeout after ${limit}s, cancelling" >&2
					: >"$q/$id.timeout"
					: >"$q/$id.cancel"
					cancelled=1
				elif [ $cancelled = 1 ] && [ "$now" -ge $((deadline + 15000)) ]; then
					exit 0 # the host does not answer; give up
				fi
			fi
			sleep 0.1
		done
	) &
	waiter=$!
	trap ': >"$q/$id.cancel"' INT TERM HUP

	tail -q -n +1 -s 0.1 -f --pid="$waiter" "$q/$id.out" &
	t1=$!
	tail -q -n +1 -s 0.1 -f --pid="$waiter" "$q/$id.err" >&2 &
	t2=$!
	while kill -0 "$waiter" 2>/dev/null; do wait "$waiter" || true; done
	wait "$t1" "$t2" || true
	trap - INT TERM HUP

	if [ -e "$q/$id.timeout" ]; then
		rc=124
	elif [ -e "$q/$id.rc" ]; then
		rc=$(cat "$q/$id.rc")
	elif ! pid_of "$run" "$h" >/dev/null; then
		echo "rig.sh exec: $h went away while running the command (console: $run/$h/console.log)" >&2
		rc=255
	else
		rc=255
	fi
	rm -f "$q/$id".*
	return "$rc"
}

# ---------------------------------------------------------------- down
cmd_down() { # cmd_down RUNDIR: idempotent, safe after a failed or partial up
	local run=$1 h pid i left
	[ -d "$run" ] || return 0
	run=$(cd "$run" && pwd -P)
	# Ask each ready host to power off (busybox init stops everything and
	# powers off; QEMU runs with -no-reboot, so it exits). A host that never
	# got ready has no agent to ask: it is stopped by PID below at once.
	local asked=()
	for h in "${HOSTS[@]}"; do
		if pid_of "$run" "$h" >/dev/null && grep -q '^OK' "$run/$h/share/ready" 2>/dev/null; then
			echo 'busybox poweroff' >"$run/$h/share/exec/poweroff.cmd.tmp"
			mv "$run/$h/share/exec/poweroff.cmd.tmp" "$run/$h/share/exec/poweroff.cmd"
			asked+=("$h")
		fi
	done
	for i in $(seq 1 150); do
		left=0
		for h in "${asked[@]}"; do pid_of "$run" "$h" >/dev/null && left=1; done
		[ $left = 0 ] && break
		sleep 0.1
	done
	# Then by PID (only the QEMUs this rig started, see pid_of).
	for h in "${HOSTS[@]}"; do
		if pid=$(pid_of "$run" "$h"); then
			note "$h: stopping QEMU pid $pid"
			kill -TERM "$pid" 2>/dev/null || true
			for i in $(seq 1 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
			if [ -e "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
		fi
	done
	# Remove everything but the logs.
	rm -f "$run/link.sock" "$run/kernel"
	for h in "${HOSTS[@]}"; do
		rm -rf "$run/$h/share" "$run/$h/qmp.sock" "$run/$h/qemu.pid"
	done
	return 0
}

cmd_status() {
	local run=$1 h pid
	run=$(cd "$run" 2>/dev/null && pwd -P) || die "no rig in $1"
	for h in "${HOSTS[@]}"; do
		if pid=$(pid_of "$run" "$h"); then
			echo "$h: running (QEMU pid $pid) $(cat "$run/$h/share/ready" 2>/dev/null || echo booting)"
		else
			echo "$h: not running"
		fi
	done
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p' >&2
	exit 2
}

[ $# -ge 2 ] || usage
action=$1
shift
case $action in
up) [ $# -eq 1 ] || usage; cmd_up "$1" ;;
exec) [ $# -eq 3 ] || usage; rc=0; cmd_exec "$1" "$2" "$3" || rc=$?; exit "$rc" ;;
down) [ $# -eq 1 ] || usage; cmd_down "$1" ;;
status) [ $# -eq 1 ] || usage; cmd_status "$1" ;;
*) usage ;;
esac
