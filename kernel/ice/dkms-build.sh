#!/usr/bin/env bash
# DKMS build of the icemig-ice package (kernel/ice/dkms.conf): the patched
# ice.ko and ice_mig_glue.ko for one kernel, from that kernel's own ice
# sources, with every check of kernel/ice/build.sh.
#
# Usage (dkms runs it in the package's source tree, a copy of kernel/):
#   bash ice/dkms-build.sh KVER KDIR
# The sources come from /usr/src/linux-source-X.Y.tar.xz, which must be the
# linux-source-X.Y package of exactly the version of the kernel image that
# ships /boot/vmlinuz-KVER. Output: ice-out/ice.ko and ice-out/ice_mig_glue.ko;
# exit status 1 (nothing for dkms to install) when anything does not hold.
set -euo pipefail
kver=$1 kdir=$2
tree=$(pwd)
mm=$(printf '%s\n' "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
tarball=/usr/src/linux-source-$mm.tar.xz

img=$(dpkg-query -S "/boot/vmlinuz-$kver" 2>/dev/null | cut -d: -f1 || true)
[ -n "$img" ] || { echo "icemig-ice: no package ships /boot/vmlinuz-$kver" >&2; exit 1; }
iver=$(dpkg-query -W -f='${Version}' "$img")
sver=$(dpkg-query -W -f='${Version}' "linux-source-$mm" 2>/dev/null || true)
if [ "$sver" != "$iver" ] || [ ! -r "$tarball" ]; then
	echo "icemig-ice: needs linux-source-$mm=$iver (the sources of $img); installed: ${sver:-none}" >&2
	exit 1
fi

src=$tree/ice-src
rm -rf "$src" "$tree/ice-out"
mkdir -p "$src"
tar -C "$src" --strip-components=1 -xJf "$tarball" --wildcards \
	'*/drivers/net/ethernet/intel/ice' '*/include/linux/net/intel' '*/include/linux/avf' \
	'*/scripts/extract-vmlinux'
ICEMIG_CACHE=$tree/cache KVER=$kver KDIR=$kdir \
	bash "$tree/ice/build.sh" --src "$src" --glue-dir "$tree" --out "$tree/ice-out"
