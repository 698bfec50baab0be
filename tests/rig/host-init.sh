#!/bin/bash
# icemig rig: the init work of one emulated host (run by busybox init as
# "sysinit", see initramfs-init.sh). Root is an overlay: the build machine's
# / read-only over 9p, with a tmpfs on top.
#
# It mounts the pseudo file systems, names the host, brings up the link to
# the other host, loads vfio, igb and (when built) the project's modules,
# installs the libvirt hook, configures and starts virtlogd and libvirtd, and
# finally writes /rig/ready: "OK ..." or "FAIL <reason>". rig.sh up waits for
# that file. It always ends (exit 0) so that busybox init goes on to start
# the exec agent (tests/rig/agent.sh) even after a failure, for debugging.
#
# Inputs: /rig/host.env, written by rig.sh up (RIG_HOST, RIG_HOSTNAME,
# RIG_IP, RIG_PEER_IP, RIG_PEER_HOSTNAME, RIG_PREFIX, RIG_LINK_MAC, RIG_UUID,
# RIG_PROJECT, RIG_LOAD_MODULES, RIG_HOOK, RIG_NUMVFS, RIG_TRACE,
# RIG_MODULES_DIR), and /rig/modules/ (the
# project's .ko files plus depmod indexes made by rig.sh up), when present.
# Output for exec'd commands: /run/rig/env (RIG_* variables, PF BDF, ...).
set -eEuo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

T0=$(cut -d' ' -f1 /proc/uptime)
log() { echo "rig-host-init [$(cut -d' ' -f1 /proc/uptime)s]: $*"; }

ready() { # ready "OK ..." | "FAIL ..."; written atomically
	echo "$*" >/rig/ready.tmp && mv -f /rig/ready.tmp /rig/ready
}
# shellcheck disable=SC2154 # rc is set inside the trap
trap 'rc=$?; log "FAILED at line $LINENO: $BASH_COMMAND (rc $rc)";
      ready "FAIL host-init line $LINENO: $BASH_COMMAND (rc $rc)"; exit 0' ERR

# shellcheck disable=SC1091
. /rig/host.env
# RIG_TRACE=1 (rig.sh up's environment) traces every step with a timestamp.
if [ "${RIG_TRACE:-0}" = 1 ]; then PS4='+ ${EPOCHREALTIME} '; set -x; fi

# ---------------------------------------------------------------- mounts
# Every exec costs a good fraction of a second in a cold TCG host: prefer
# shell builtins during boot.
is_mounted() { # is_mounted DIR
	local _d m _r
	while read -r _d m _r; do [ "$m" = "$1" ] && return 0; done </proc/self/mounts
	return 1
}
mkdir -p /dev/pts /dev/shm
is_mounted /dev/pts || mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
is_mounted /dev/shm || mount -t tmpfs -o mode=1777 shm /dev/shm
is_mounted /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
is_mounted /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup || true
# Fresh, writable, host-private state. These hide the build machine's own
# /run, /tmp, logs and libvirt state seen through the root share.
TMPFS_DIRS=(/run /tmp /var/tmp /var/log /var/lib/libvirt /var/cache/libvirt)
# If the project lives under one of those (e.g. a CI clone under /tmp), the
# tmpfs would hide its mount (a 9p share cannot be mounted twice): move the
# mount aside and back.
aside=0
for d in "${TMPFS_DIRS[@]}"; do
	case $RIG_PROJECT/ in "$d"/*) aside=1 ;; esac
done
if [ $aside = 1 ]; then
	mkdir -p /.rig-project
	mount --move "$RIG_PROJECT" /.rig-project
fi
for d in "${TMPFS_DIRS[@]}"; do
	mkdir -p "$d"
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mkdir -p /run/lock /run/rig /var/log/libvirt/qemu /var/lib/libvirt/qemu \
	/var/lib/libvirt/images
if [ $aside = 1 ]; then
	mkdir -p "$RIG_PROJECT"
	mount --move /.rig-project "$RIG_PROJECT"
	rmdir /.rig-project
fi
log "mounts done"

# ---------------------------------------------------------------- identity
hostname "$RIG_HOSTNAME"
echo "$RIG_HOSTNAME" >/etc/hostname
cat >/etc/hosts <<EOF
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
$RIG_IP	$RIG_HOSTNAME
$RIG_PEER_IP	$RIG_PEER_HOSTNAME
EOF
# Distinct per host (the root share gives both the build machine's one).
echo "${RIG_UUID//-/}" >/etc/machine-id

# ---------------------------------------------------------------- modules
# A kernel whose module directory is not /lib/modules/<release> on the build
# machine (the debug rig kernel's lives in its build cache, RIG_MODULES_DIR):
# show it there, read-only, so that modprobe finds modules.builtin.
K=$(uname -r)
if [ -n "${RIG_MODULES_DIR:-}" ] && [ "$RIG_MODULES_DIR" != "/lib/modules/$K" ] &&
	[ ! -e "/lib/modules/$K" ]; then
	mkdir -p "/lib/modules/$K"
	mount --bind -o ro "$RIG_MODULES_DIR" "/lib/modules/$K"
	log "modules of $K: $RIG_MODULES_DIR"
fi

# ---------------------------------------------------------------- network
# No udev here: load the drivers we need ourselves.
modprobe virtio_net
ip link set lo up
link=""
for i in /sys/class/net/*; do
	if [ "$(cat "$i/address")" = "$RIG_LINK_MAC" ]; then link=${i##*/}; fi
done
[ -n "$link" ] || { log "no interface with MAC $RIG_LINK_MAC"; false; }
ip link set dev "$link" name rig0
ip addr add "$RIG_IP/$RIG_PREFIX" dev rig0
ip link set rig0 up
log "link rig0 ($RIG_LINK_MAC) is $RIG_IP/$RIG_PREFIX"

# ---------------------------------------------------------------- devices
modprobe vfio_pci
modprobe vfio_iommu_type1
modprobe igb

# The SR-IOV PF: QEMU's igb (82576, 8086:10c9). Its VFs are 8086:10ca.
pf=""
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x10c9 ]; then
		pf=${d##*/}
		break
	fi
done
[ -n "$pf" ] || { log "no igb PF found"; false; }
# shellcheck disable=SC2012 # interface names
pfnet=$(ls "/sys/bus/pci/devices/$pf/net" 2>/dev/null | head -n1 || true)
log "igb PF $pf (netdev ${pfnet:-none}), sriov_totalvfs $(cat "/sys/bus/pci/devices/$pf/sriov_totalvfs")"

# The project's modules, when rig.sh up found them built (it copies them with
# depmod indexes made against this kernel's tree into /rig/modules/).
modules=absent
if [ "${RIG_LOAD_MODULES:-auto}" = 0 ]; then
	modules=disabled
elif [ -d /rig/modules/extra ] && ls /rig/modules/extra/*.ko >/dev/null 2>&1; then
	# A read-only overlay: /rig/modules (extra/*.ko and the regenerated
	# modules.* indexes) over the kernel's own tree. Nothing is copied.
	mount -t overlay -o "lowerdir=/rig/modules:/lib/modules/$K" \
		rig-modules "/lib/modules/$K"
	modules=loaded
	if ! modprobe ice_vfio_pci; then
		modules="failed(ice_vfio_pci)"
	elif ! modprobe ice_mig_sim "pfs=$pf"; then
		modules="failed(ice_mig_sim)"
	fi
	log "project modules: $modules"
	if [ "$modules" != loaded ] && [ "${RIG_LOAD_MODULES:-auto}" = 1 ]; then
		log "RIG_LOAD_MODULES=1 and the project modules did not load"
		false
	fi
else
	log "project modules not built: running with stock drivers only"
fi

if [ "${RIG_NUMVFS:-0}" -gt 0 ]; then
	echo "$RIG_NUMVFS" >"/sys/bus/pci/devices/$pf/sriov_numvfs"
	log "created $RIG_NUMVFS VFs"
fi

# ---------------------------------------------------------------- libvirt
# The helper in PATH, as "make install" would put it (a symlink, so that a
# rebuild on the build machine is seen at once; dangling until it is built).
ln -sfn "$RIG_PROJECT/helper/icemig" /usr/local/sbin/icemig
# The libvirt hook, when the project has one (RIG_HOOK=0: never). It finds
# the helper in PATH. libvirtd scans the hooks when it starts.
hook=absent
if [ "${RIG_HOOK:-auto}" = 0 ]; then
	hook=disabled
elif [ -f "$RIG_PROJECT/libvirt-hooks/icemig" ]; then
	mkdir -p /etc/libvirt/hooks/qemu.d
	install -m 0755 "$RIG_PROJECT/libvirt-hooks/icemig" /etc/libvirt/hooks/qemu.d/icemig
	hook=installed
fi
log "libvirt hook: $hook"

# Environment for every command run through rig.sh exec (agent.sh sources it).
cat >/run/rig/env <<EOF
RIG_HOST=$RIG_HOST
RIG_HOSTNAME=$RIG_HOSTNAME
RIG_IP=$RIG_IP
RIG_PEER_IP=$RIG_PEER_IP
RIG_PEER_HOSTNAME=$RIG_PEER_HOSTNAME
RIG_PEER_URI=qemu+tcp://$RIG_PEER_HOSTNAME/system
RIG_PROJECT=$RIG_PROJECT
RIG_PF=$pf
RIG_PF_NETDEV=${pfnet:-}
RIG_MODULES=$modules
RIG_HOOK=$hook
LIBVIRT_DEFAULT_URI=qemu:///system
PATH=$PATH
HOME=/root
LANG=C.UTF-8
EOF

# No definitions inherited from the build machine: no autostarted network
# (it would want dnsmasq and a firewall), no domains.
rm -rf /etc/libvirt/qemu/networks/autostart /etc/libvirt/qemu/autostart \
	/etc/libvirt/storage/autostart
find /etc/libvirt/qemu -maxdepth 1 -name '*.xml' -delete

cat >>/etc/libvirt/libvirtd.conf <<EOF

# --- icemig rig (tests/rig/host-init.sh) ---
listen_tls = 0
listen_tcp = 1
listen_addr = "$RIG_IP"
auth_tcp = "none"
host_uuid = "$RIG_UUID"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
# Root, no LSM, no private mount namespace, no seccomp: this is a throw-away
# emulated host with no SELinux/AppArmor and a 9p/overlay root.
cat >>/etc/libvirt/qemu.conf <<EOF

# --- icemig rig (tests/rig/host-init.sh) ---
migration_host = "$RIG_IP"
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
seccomp_sandbox = 0
EOF

# A capabilities cache saved by an earlier boot of the same software (rig.sh
# up copies it in) spares libvirtd a QEMU probe of several seconds. libvirtd
# checks its validity itself and probes again when anything changed.
if [ -d /rig/caps ] && ls /rig/caps/*.xml >/dev/null 2>&1; then
	mkdir -p /var/cache/libvirt/qemu/capabilities
	cp /rig/caps/*.xml /var/cache/libvirt/qemu/capabilities/
fi

virtlogd -d
libvirtd -d --listen
# Answering means: the daemon runs and the QEMU driver has its capabilities.
for _ in $(seq 1 600); do
	if virsh -q -c qemu:///system version >/dev/null 2>&1; then break; fi
	sleep 0.5
done
virsh -q -c qemu:///system version >/dev/null
# Hand the capabilities back to rig.sh for the next boot.
mkdir -p /rig/caps.new
cp /var/cache/libvirt/qemu/capabilities/*.xml /rig/caps.new/ 2>/dev/null || true
log "libvirtd answers"

ready "OK $RIG_HOSTNAME $RIG_IP pf=$pf modules=$modules hook=$hook boot=${T0}s ready=$(cut -d' ' -f1 /proc/uptime)s"
log "ready"
exit 0
