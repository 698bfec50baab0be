#!/usr/bin/env bash
# make install-ice: install the icemig-ice DKMS package (docs/e810.md).
# Copies kernel/ (the series, the glue, the translation, the variant
# driver's sources the glue links against) to /usr/src/icemig-ice-VERSION,
# then, when dkms is installed and DESTDIR is empty, dkms add/build/install
# for KVER (default: the running kernel) and update-initramfs for it.
# Exit status: that of the first failing step.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$here/dkms.conf")
dst=${DESTDIR:-}/usr/src/icemig-ice-$ver
kver=${KVER:-$(uname -r)}

rm -rf "$dst"
install -d "$dst/include" "$dst/ice"
install -m 0644 "$top"/kernel/Kbuild "$top"/kernel/Makefile "$dst/"
for f in "$top"/kernel/*.c "$top"/kernel/*.h; do
	case $f in *.mod.c) continue ;; esac
	install -m 0644 "$f" "$dst/"
done
install -m 0644 "$top"/kernel/include/*.h "$dst/include/"
install -m 0644 "$here"/dkms.conf "$dst/dkms.conf"
install -m 0644 "$here"/[0-9]*.patch "$here"/fields.txt "$here"/check-ctx-main.c \
	"$here"/check-allowlist-main.c "$dst/ice/"
install -m 0755 "$here"/build.sh "$here"/check-fields.py "$here"/check-ctx.py \
	"$here"/check-allowlist.py \
	"$here"/dkms-build.sh "$dst/ice/"

if [ -n "${DESTDIR:-}" ]; then
	echo "install-ice: DESTDIR set: sources in $dst, dkms not run"
	exit 0
fi
if ! command -v dkms >/dev/null 2>&1; then
	echo "install-ice: dkms not installed: sources in $dst, modules not built"
	exit 0
fi
if dkms status -m icemig-ice -v "$ver" | grep -q .; then
	dkms remove -m icemig-ice -v "$ver" --all
fi
dkms add -m icemig-ice -v "$ver"
dkms build -m icemig-ice -v "$ver" -k "$kver"
dkms install -m icemig-ice -v "$ver" -k "$kver"
if command -v update-initramfs >/dev/null 2>&1; then
	update-initramfs -u -k "$kver"
fi
echo "install-ice: patched ice and ice_mig_glue installed for $kver; reboot (Secure Boot: docs/e810.md, section 3)"
