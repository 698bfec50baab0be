# shellcheck shell=bash
# The pattern guest's helpers of make bench (bench.sh, bench-options.sh):
# sourced after lib.sh and fault-lib.sh; RAW names the raw figures file.

# ram_vm HOST NAME MIB [VF]: define and start the pattern guest with MIB of
# RAM (and the VF), then wait for its "RAM filled" marker
ram_vm() {
	local tmpl=vm-novf.xml.in
	[ -n "${4:-}" ] && tmpl=vm.xml.in
	frx "$1" "vm_xml \$RIG_PROJECT/tests/rig/$tmpl $2 ${4:-} |
		sed -e 's|<memory unit=.MiB.>64</memory>|<memory unit=\"MiB\">$3</memory>|' \
		    -e 's|<currentMemory unit=.MiB.>64</currentMemory>|<currentMemory unit=\"MiB\">$3</currentMemory>|' \
		    -e 's|</type>|</type><kernel>'\$RIG_PROJECT'/build/pattern.elf</kernel>|' >/tmp/$2.xml &&
		grep -q '<memory unit=\"MiB\">$3<' /tmp/$2.xml &&
		virsh define /tmp/$2.xml >/dev/null && virsh start $2 >/dev/null" ||
		fail "$2 ($3 MiB) did not start on $1"
	local t
	for ((t = 0; t < 600; t += 2)); do
		frx "$1" "virsh qemu-monitor-command $2 --hmp 'xp /1wx 0x500'" | grep -q 0x600df00d && return 0
		sleep 2
	done
	fail "$2 ($3 MiB) did not fill its RAM within 600 s"
}

# ram_mig FROM TO DOMAIN KIND MIB [OPTION...]: icemig migrate --json, one ram row
ram_mig() {
	local sum
	sum=$(frx "$1" "\"\$ICEMIG\" migrate --json ${*:6} $3 qemu+tcp://icemig-$2/system") ||
		fail "icemig migrate $3 ($5 MiB) $1 -> $2 failed"
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["migrated"], d
p = d.get("prediction") or {}
q = d.get("precopy_prediction") or {}
v = lambda x: "-" if x is None else x
print("ram\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s" % (sys.argv[2], sys.argv[3], v(d["downtime_ms"]),
      v(d["total_time_ms"]), v(d["data_bytes"]), v(p.get("stop_copy_ms")), v(q.get("stop_copy_ms")),
      v(p.get("bandwidth_source"))))' "$sum" "$4" "$5" >>"$RAW"
	echo "  $3 $5 MiB $1 -> $2: $(tail -n 1 "$RAW" | cut -f2- | tr '\t' ' ')" >&2
}

