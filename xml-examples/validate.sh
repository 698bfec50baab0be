#!/bin/sh
# Validate XML files against libvirt's RelaxNG schemas with virt-xml-validate
# (package libvirt-clients), which picks the schema from the root element
# (<domain>, <network>, ...).
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
rc=0 n=0
for f in "$@"; do
	n=$((n + 1))
	if ! out=$(virt-xml-validate "$f" 2>&1); then
		echo "INVALID: $f" >&2
		echo "$out" | sed 's/^/  /' >&2
		rc=1
	fi
done
[ $rc = 0 ] && echo "validate.sh: $n file(s) valid"
exit $rc
