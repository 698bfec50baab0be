#!/usr/bin/env bash
# Build the patched ice driver and the icemig glue module (ice_mig_glue)
# against an installed kernel's headers, then check the result.
#
#   kernel/ice/build.sh                 newest kernel with headers (as kernel/Makefile)
#   KVER=6.12.95+deb12-amd64 kernel/ice/build.sh
#   kernel/ice/build.sh --src DIR       ice sources from the Linux tree DIR
#                                        (default: scripts/kernel-src, the
#                                        linux-source of the installed 6.12)
#   kernel/ice/build.sh --no-glue       the patched ice.ko only
#   kernel/ice/build.sh --glue-dir DIR  build the glue in DIR, a copy of
#                                        kernel/ (default: kernel/ itself;
#                                        also ICEMIG_GLUE_DIR)
#   kernel/ice/build.sh --out DIR       copy ice.ko and ice_mig_glue.ko to DIR
#                                        (the DKMS build, dkms-build.sh)
#   KVER=... KDIR=... kernel/ice/build.sh --build-only [--glue-dir DIR]
#                                        steps 1 and 5 only, for a kernel
#                                        tree that is not the distribution's
#                                        (the debug rig kernel, check-debug):
#                                        see "--build-only" below
#
# Steps (each failing step stops the build, exit status 1):
#  0. checkpatch.pl --strict of the source tree on the series;
#  1. copy drivers/net/ethernet/intel/ice and include/linux/net/intel of the
#     source tree to ${ICEMIG_CACHE:-/var/cache/icemig}/ice-build/<KVER>/work
#     (outside the clone) and apply kernel/ice/[0-9]*.patch in order;
#  2. after each patch, the objects it touches compile (W=1, no warning);
#     build ice.ko there with W=1 against /lib/modules/<KVER>/build; the
#     W=1 warnings must not outnumber those of the unpatched driver (built
#     once per kernel version and cached in .../stock), and modpost must
#     not warn;
#  3. symbol CRCs: every symbol the shipped ice exports (Module.symvers of
#     the headers, used by irdma) keeps its CRC;
#  4. field check: kernel/ice/check-fields.py against the shipped ice.ko;
#     context check: kernel/ice/check-ctx.py (ice_set_ctx/ice_get_ctx round
#     trips of the patched source, and ice_mig_xlate's tables against ice's);
#  5. the glue: make -C kernel ICEMIG_ICE_GLUE=m with ice's Module.symvers
#     (ICEMIG_GLUE_DIR=dir: build it in another copy of kernel/); W=1, no
#     warning.
# Output: the modules' paths, one "ice-build: <check>: <result>" line per
# check, the build logs in the cache directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src="" glue=1 out="" build_only=0
gdir=${ICEMIG_GLUE_DIR:-$top/kernel}
while [ $# -gt 0 ]; do
	case "$1" in
	--src) src=$2; shift 2 ;;
	--no-glue) glue=0; shift ;;
	--glue-dir) gdir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--build-only) build_only=1; shift ;;
	*) echo "ice-build: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

KVER=${KVER:-$(make -s -C "$top/kernel" print-kver)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
[ -d "$KDIR" ] || { echo "ice-build: no kernel build tree at $KDIR" >&2; exit 1; }
[ -n "$src" ] || src=$("$top/scripts/kernel-src")
[ -d "$src/drivers/net/ethernet/intel/ice" ] ||
	{ echo "ice-build: no ice sources in $src" >&2; exit 1; }
JOBS=${JOBS:-2}
cache=${ICEMIG_CACHE:-/var/cache/icemig}/ice-build/$KVER
rel=drivers/net/ethernet/intel/ice

# Copy the ice sources of $src into $1 laid out as a kernel tree (the
# tracepoint header is found through ../../drivers/... from include/trace).
stage() {
	rm -rf "$1"
	mkdir -p "$1/drivers/net/ethernet/intel" "$1/include/linux/net/intel" "$1/include/trace"
	cp -a "$src/$rel" "$1/drivers/net/ethernet/intel/"
	cp -a "$src/include/linux/net/intel/." "$1/include/linux/net/intel/"
}

# Build the ice in tree $1, log in $1/build.log; prints the W=1 warning count.
build_ice() {
	local ok=0
	make -C "$KDIR" M="$1/$rel" W=1 KCFLAGS="-I$1/include -I$1/include/trace" \
		-j"$JOBS" modules >"$1/build.log" 2>&1 || ok=$?
	if [ $ok -ne 0 ]; then
		grep -E 'error|Error' "$1/build.log" | head -n 40 >&2
		echo "ice-build: build failed, log: $1/build.log" >&2
		return 1
	fi
	grep -c 'warning:' "$1/build.log" || true
}

# apply_series DIR: the series in order onto the staged sources in DIR;
# prints the number of patches applied, exits 1 on one that does not apply.
apply_series() {
	local p n=0
	for p in "$here"/[0-9]*.patch; do
		[ -e "$p" ] || continue
		if ! patch -d "$1" -p1 -s --no-backup-if-mismatch <"$p"; then
			echo "ice-build: $(basename "$p") does not apply to $src" >&2
			exit 1
		fi
		n=$((n + 1))
	done
	echo "$n"
}

# check_modpost DIR: exit 1 when the build log in DIR has modpost warnings.
check_modpost() {
	if grep -q 'WARNING: modpost' "$1/build.log"; then
		grep 'WARNING: modpost' "$1/build.log" >&2
		echo "ice-build: FAIL: modpost warnings" >&2
		exit 1
	fi
}

# build_glue: ice_mig_glue in $gdir against the patched ice in $work, W=1;
# exit 1 on a failed build or any warning.
build_glue() {
	if [ ! -e "$gdir/ice_mig_xlate.h" ]; then
		echo "ice-build: FAIL: $gdir has no ice_mig_xlate.h (the glue needs the ice translation)" >&2
		exit 1
	fi
	make -C "$gdir" KDIR="$KDIR" W=1 ICEMIG_ICE_GLUE=m \
		ICEMIG_ICE_INCLUDE="$work/include" \
		KBUILD_EXTRA_SYMBOLS="$work/$rel/Module.symvers" modules >"$cache/glue.log" 2>&1 ||
		{ cat "$cache/glue.log" >&2; echo "ice-build: glue build failed" >&2; exit 1; }
	if grep -E 'warning:|WARNING:' "$cache/glue.log" >&2; then
		echo "ice-build: FAIL: warnings building the glue" >&2
		exit 1
	fi
	echo "ice-build: $gdir/ice_mig_glue.ko (W=1 warnings: 0)"
}

# ---- --build-only: the patched ice and the glue for a kernel tree that is
# not the distribution's (scripts/check-debug: the debug rig kernel, KDIR =
# its O= build tree, KVER = its release). Steps 1 and 5 only, both W=1:
# apply the series to a copy of the sources and build ice.ko, fail on
# modpost warnings (the W=1 warnings are counted, not compared: there is no
# stock baseline for that tree), then build the glue in --glue-dir, where
# any warning fails. Not done: checkpatch and the per-patch builds (make ice
# does them; they do not depend on the kernel tree), the symbol CRC check
# and the field check (they compare with the distribution's ice and its BTF,
# which such a tree does not have), check-ctx.py (kernel-independent, make
# ice runs it). ice.ko is kept in ${ICEMIG_CACHE}/ice-build/<KVER>/work and
# reused while its key (the series, the ice sources' tree, the kernel tree's
# release, .config and Module.symvers) is unchanged; the glue is built
# every time. Output: "ice-build: <path>" of ice.ko and ice_mig_glue.ko.
if [ $build_only -eq 1 ]; then
	mkdir -p "$cache"
	exec 8>"$cache/.lock"
	flock 8
	work=$cache/work
	key=$( { echo "build-only 1"; echo "src $src"; cat "$here"/[0-9]*.patch;
		cat "$KDIR/include/config/kernel.release" "$KDIR/.config" "$KDIR/Module.symvers"; } |
		sha256sum | cut -c1-16)
	if [ -e "$work/$rel/ice.ko" ] && [ "$(cat "$work/.build-key" 2>/dev/null)" = "$key" ]; then
		echo "ice-build: reusing $work/$rel/ice.ko (key $key)"
	else
		t=$(date +%s)
		stage "$work"
		n=$(apply_series "$work")
		warn=$(build_ice "$work")
		check_modpost "$work"
		echo "$key" >"$work/.build-key"
		echo "ice-build: $n patches applied, ice.ko built for $KVER in $(( $(date +%s) - t )) s (W=1 warnings: $warn, not compared; modpost warnings: 0)"
	fi
	echo "ice-build: $work/$rel/ice.ko"
	if [ $glue -eq 1 ]; then
		build_glue
	fi
	exit 0
fi
# ---- end of --build-only

mkdir -p "$cache"
# One build at a time per kernel version: two checkouts building at once
# (a CI clone beside a working tree) would restage each other's trees.
exec 8>"$cache/.lock"
flock 8
if [ ! -e "$cache/stock/.warnings" ]; then
	echo "ice-build: building the unpatched ice once for the warning baseline"
	stage "$cache/stock"
	build_ice "$cache/stock" >"$cache/stock/.warnings.tmp"
	mv "$cache/stock/.warnings.tmp" "$cache/stock/.warnings"
fi
base_warn=$(cat "$cache/stock/.warnings")

work=$cache/work
stage "$work"
n=$(apply_series "$work")
echo "ice-build: applied $n patches to a copy of $src/$rel in $work"

# Kernel style of the series (checkpatch.pl of the same Linux tree). The
# new files sit under the existing Intel Ethernet MAINTAINERS entry, so
# "does MAINTAINERS need updating?" (FILE_PATH_CHANGES) is not asked.
if [ -e "$src/scripts/checkpatch.pl" ]; then
	cp_out=$(cd "$src" && perl scripts/checkpatch.pl --strict --terse \
		--ignore FILE_PATH_CHANGES "$here"/[0-9]*.patch 2>&1) || {
		printf '%s\n' "$cp_out" >&2
		echo "ice-build: FAIL: checkpatch --strict" >&2
		exit 1
	}
	echo "ice-build: checkpatch --strict: $n patches clean"
else
	echo "ice-build: checkpatch: skipped ($src has no scripts/checkpatch.pl)"
fi

# Each patch builds: after patch k, the objects of the .c files patch k
# touches (and ice_main.o, which includes most headers) compile with W=1
# and no warning. The whole module is built once, after the last patch.
each=$cache/each
stage "$each"
k=0
for p in "$here"/[0-9]*.patch; do
	[ -e "$p" ] || continue
	k=$((k + 1))
	patch -d "$each" -p1 -s --no-backup-if-mismatch <"$p"
	objs=$(sed -n 's|^+++ b/drivers/net/ethernet/intel/ice/\(.*\)\.c$|\1.o|p' "$p" | sort -u)
	objs="$objs ice_main.o"
	# shellcheck disable=SC2086 # $objs: one word per object
	if ! make -C "$KDIR" M="$each/$rel" W=1 KCFLAGS="-I$each/include -I$each/include/trace" \
		-j"$JOBS" $objs >"$each/build-$k.log" 2>&1; then
		grep -E 'error' "$each/build-$k.log" | head -n 20 >&2
		echo "ice-build: FAIL: $(basename "$p") alone does not build" >&2
		exit 1
	fi
	if grep -q 'warning:' "$each/build-$k.log"; then
		grep 'warning:' "$each/build-$k.log" >&2
		echo "ice-build: FAIL: $(basename "$p") alone adds W=1 warnings" >&2
		exit 1
	fi
done
echo "ice-build: each patch: the objects it touches build with W=1, no warning ($k patches)"

warn=$(build_ice "$work")
echo "ice-build: W=1 warnings: $warn (unpatched: $base_warn)"
if [ "$warn" -gt "$base_warn" ]; then
	grep 'warning:' "$work/build.log" >&2
	echo "ice-build: FAIL: the series adds W=1 warnings" >&2
	exit 1
fi
check_modpost "$work"
echo "ice-build: modpost warnings: 0"

# Symbol CRCs of the shipped ice (irdma links against them).
shipped=$(awk -F'\t' '$3 == "drivers/net/ethernet/intel/ice/ice" {print $2, $1}' "$KDIR/Module.symvers" | sort)
built=$(awk -F'\t' '{print $2, $1}' "$work/$rel/Module.symvers" | sort)
nship=$(printf '%s\n' "$shipped" | grep -c . || true)
changed=$(join -a1 <(printf '%s\n' "$shipped") <(printf '%s\n' "$built") |
	awk 'NF != 3 || $2 != $3 {print $1}')
if [ "$nship" -eq 0 ]; then
	echo "ice-build: FAIL: $KDIR/Module.symvers lists no ice symbol" >&2
	exit 1
fi
if [ -n "$changed" ]; then
	echo "ice-build: FAIL: symbol CRCs changed or missing: $changed" >&2
	exit 1
fi
echo "ice-build: symbol CRCs: $nship of $nship unchanged"

"$here/check-fields.py" --kver "$KVER" --src "$src"

# The context packing code of the patched ice, in user space: round trips,
# and agreement with the translation's own tables when the glue has it.
xl=()
[ $glue -eq 0 ] || [ ! -e "$gdir/ice_mig_xlate.h" ] || xl=(--xlate "$gdir")
"$here/check-ctx.py" "$work/$rel" "${xl[@]}"
# The opcode allowlist a VF gets from ice_mig_vf_load, against the one the
# source's VF had (the patched allowlist code and restore, in user space).
"$here/check-allowlist.py" "$work/$rel" --src "$src"

echo "ice-build: $work/$rel/ice.ko"
if [ $glue -eq 1 ]; then
	build_glue
fi
if [ -n "$out" ]; then
	mkdir -p "$out"
	cp "$work/$rel/ice.ko" "$out/"
	[ $glue -eq 0 ] || cp "$gdir/ice_mig_glue.ko" "$out/"
	echo "ice-build: modules copied to $out"
fi
