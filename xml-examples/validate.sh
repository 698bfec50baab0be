#!/bin/sh
# Validate XML files against libvirt's RelaxNG schemas with virt-xml-validate
# (package libvirt-clients), which picks the schema from the root element
# (<domain>, <network>, ...).
#
# A <driver iommufd='yes'/> (libvirt >= 12.1, domain-vf-iommufd.xml) is
# checked as it is when the installed schema knows the attribute; an older
# schema (libvirt 11.3's has none) would reject it, so the file is then
# validated with that attribute removed, and a line says so.
#
# Usage: xml-examples/validate.sh [FILE...]
#   default: every xml-examples/*.xml
# Exit status: 0 all valid, 1 any invalid, 2 virt-xml-validate missing.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
command -v virt-xml-validate >/dev/null 2>&1 || {
	echo "validate.sh: virt-xml-validate not found (package libvirt-clients)" >&2
	exit 2
}
[ $# -gt 0 ] || set -- "$here"/*.xml
# the schemas virt-xml-validate reads (libvirt's pkgdatadir)
schemas=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
rc=0 n=0
for f in "$@"; do
	n=$((n + 1))
	g=$f
	if grep -q "iommufd=" "$f" && ! grep -qs "iommufd" "$schemas/domaincommon.rng"; then
		g=$tmp/$(basename "$f")
		sed "s/ iommufd=['\"][a-z]*['\"]//" "$f" >"$g"
		echo "validate.sh: $(basename "$f"): validated without iommufd=" \
			"(not in the installed libvirt schema)"
	fi
	if ! out=$(virt-xml-validate "$g" 2>&1); then
		echo "INVALID: $f" >&2
		echo "$out" | sed 's/^/  /' >&2
		rc=1
	fi
done
[ $rc = 0 ] && echo "validate.sh: $n file(s) valid"
exit $rc
