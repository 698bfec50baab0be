#!/bin/busybox sh
# icemig rig: /init of the small busybox initramfs that boots each rig host.
#
# rig.sh copies this file into the initramfs as /init. It runs with only
# busybox and up to five decompressed modules (netfs 9pnet 9pnet_virtio 9p
# overlay; rig.sh leaves out those built into the kernel):
#   1. loads the 9p and overlay modules,
#   2. mounts the build machine's / read-only over virtio-9p (tag "root"),
#   3. puts a tmpfs overlay on top so the host can write anywhere,
#   4. mounts the per-host writable rig share (tag "rig") at /rig and the
#      project tree (tag "project") read-only at its own path,
#   5. writes /etc/inittab and switch_roots into busybox init, which runs
#      tests/rig/host-init.sh (sysinit) and then tests/rig/agent.sh (respawn).
# Any failure is reported on the console (and in /rig/ready when the share
# is mounted) and powers the host off, so a broken boot never hangs the rig:
# rig.sh up reports it with the console log.
set -eu

export PATH=/bin

fail() {
	echo "rig-initramfs: FATAL: $*" >/dev/console 2>&1 || echo "rig-initramfs: FATAL: $*"
	# Leave a trace in the rig share when it is mounted, for rig.sh up.
	if [ -d /newroot/rig ]; then
		echo "FAIL initramfs: $*" >/newroot/rig/ready 2>/dev/null || true
	fi
	sleep 5
	poweroff -f
}
trap 'fail "unexpected error"' EXIT

mkdir -p /proc /sys /dev /newroot /lower /upper
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for m in netfs 9pnet 9pnet_virtio 9p overlay; do
	[ -e "/modules/$m.ko" ] || continue # built in
	insmod "/modules/$m.ko" || fail "insmod $m"
done

# 9p options: 9p2000.L; a large msize for throughput. The system root is
# static while the rig runs, so it may be cached (cache=loose), which makes
# libvirtd and QEMU start much faster inside the host. multidevs=remap is set
# on the QEMU side, so inode numbers from different file systems of the build
# machine do not collide.
P9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$P9,ro,cache=loose" root /lower || fail "mount 9p root"
mount -t tmpfs -o mode=0755,size=75% upper /upper || fail "mount tmpfs upper"
mkdir -p /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work \
	overlay /newroot || fail "mount overlay"

# The writable per-host share: commands, results, host.env, ready flag.
mkdir -p /newroot/rig
mount -t 9p -o "$P9,cache=none" rig /newroot/rig || fail "mount 9p rig"
[ -r /newroot/rig/host.env ] || fail "/rig/host.env missing"
# shellcheck disable=SC1091
. /newroot/rig/host.env
[ -n "${RIG_PROJECT:-}" ] || fail "RIG_PROJECT not set in host.env"

# The project tree, read-only and uncached (a rebuilt file is seen at once),
# at the same absolute path as on the build machine.
mkdir -p "/newroot$RIG_PROJECT"
mount -t 9p -o "$P9,ro,cache=none" project "/newroot$RIG_PROJECT" ||
	fail "mount 9p project"
[ -r "/newroot$RIG_PROJECT/tests/rig/host-init.sh" ] ||
	fail "$RIG_PROJECT/tests/rig/host-init.sh not found"

# busybox init is PID 1 in the host: it reaps orphans (libvirtd -d, QEMU),
# respawns the exec agent, and powers off cleanly on "busybox poweroff".
cat >/newroot/etc/inittab <<EOF
::sysinit:/bin/bash $RIG_PROJECT/tests/rig/host-init.sh
::respawn:/bin/bash $RIG_PROJECT/tests/rig/agent.sh
EOF

mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys

trap - EXIT
exec switch_root /newroot /bin/busybox init
