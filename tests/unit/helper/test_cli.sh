#!/bin/sh
# CLI test of the icemig binary and the libvirt hook script, against a
# static fake sysfs tree (no writes are simulated here; the unit tests cover
# the write paths). Checks exit codes, stdout/stderr split and output.
#
# Usage: ICEMIG=path/to/icemig HOOK=path/to/libvirt-hooks/icemig sh test_cli.sh
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
ICEMIG=${ICEMIG:?set ICEMIG to the icemig binary}
HOOK=${HOOK:?set HOOK to libvirt-hooks/icemig}
GOLDEN=$HERE/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/icemig-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
export ICEMIG_SYSFS_ROOT="$T/sys" ICEMIG_RUNDIR="$T/run" ICEMIG_LIBVIRT_STATEDIR="$T/libvirt-qemu"
# an empty configuration, never the machine's /etc/icemig/icemig.conf
: >"$T/empty.conf"
export ICEMIG_CONF="$T/empty.conf"
n=0

fail() {
	echo "FAIL: $*" >&2
	[ -f "$T/err" ] && sed 's/^/  stderr: /' "$T/err" >&2
	exit 1
}
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
# expect RC CMD...: run CMD (stdout to $T/out, stderr to $T/err), check its exit code
expect() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want: $*"
}

# ---- the fake tree -----------------------------------------------------------
D=$ICEMIG_SYSFS_ROOT/bus/pci/devices
mkdir -p "$D" "$ICEMIG_SYSFS_ROOT/bus/pci/drivers/ice" "$ICEMIG_SYSFS_ROOT/bus/pci/drivers/ice_vfio_pci" \
	"$ICEMIG_SYSFS_ROOT/class/net/eth0" "$ICEMIG_SYSFS_ROOT/kernel/iommu_groups/11" \
	"$ICEMIG_SYSFS_ROOT/kernel/iommu_groups/12"
mkdir "$D/0000:01:00.0" "$D/0000:01:10.0" "$D/0000:01:10.1" "$D/0000:00:1f.0"
echo 4 >"$D/0000:01:00.0/sriov_totalvfs"
echo 2 >"$D/0000:01:00.0/sriov_numvfs"
ln -s ../../drivers/ice "$D/0000:01:00.0/driver"
ln -s ../0000:01:10.0 "$D/0000:01:00.0/virtfn0"
ln -s ../0000:01:10.1 "$D/0000:01:00.0/virtfn1"
for k in 0 1; do
	vf=0000:01:10.$k
	ln -s ../0000:01:00.0 "$D/$vf/physfn"
	ln -s ../../drivers/ice_vfio_pci "$D/$vf/driver"
	ln -s "../../../../kernel/iommu_groups/1$((k + 1))" "$D/$vf/iommu_group"
	echo '(null)' >"$D/$vf/driver_override"
done
ln -s ../../../bus/pci/devices/0000:01:00.0 "$ICEMIG_SYSFS_ROOT/class/net/eth0/device"
PROVIDERS=$ICEMIG_SYSFS_ROOT/bus/pci/drivers/ice_vfio_pci/providers
echo '0000:01:00.0 ice_mig_sim' >"$PROVIDERS"
# VF 0 shows a descriptor (16 queue pairs, using 2); VF 1 none
cp "$GOLDEN/descriptor-16qp.txt" "$D/0000:01:10.0/icemig_compat"

# ---- help and usage errors -----------------------------------------------------
for c in "--help" "vf --help" "vf create --help" "vf destroy --help" "vf bind --help" \
	"vf unbind --help" "vf set --help" "vf list --help" "compat --help" "compat show --help" \
	"compat check --help" "migrate --help" "state --help" "state decode --help" \
	"provision --help" "config --help" "config show --help" "hook --help"; do
	# shellcheck disable=SC2086
	expect 0 "$ICEMIG" $c
	grep -q '^Usage: icemig' "$T/out" || fail "no usage text for: $c"
done
ok "--help for every command"

expect 2 "$ICEMIG"
expect 2 "$ICEMIG" frobnicate
grep -q "unknown command 'frobnicate'" "$T/err" || fail "unknown command message"
expect 2 "$ICEMIG" vf create 0000:01:00.0
expect 2 "$ICEMIG" vf create 0000:01:00.0 many
expect 2 "$ICEMIG" vf bind
expect 2 "$ICEMIG" vf bind ../../../etc/passwd
grep -q "'../../../etc/passwd': not a PCI address DDDD:BB:DD.F" "$T/err" || fail "bad BDF message"
expect 2 "$ICEMIG" vf bind 0000:01:10.0 --driver ../x
expect 2 "$ICEMIG" vf list extra
expect 2 "$ICEMIG" hook only two
expect 2 "$ICEMIG" vf unbind 0000:01:10.0 nonsense
expect 2 "$ICEMIG" vf destroy
expect 2 "$ICEMIG" vf set 0000:01:10.0
grep -q "nothing to set" "$T/err" || fail "vf set without settings"
expect 2 "$ICEMIG" vf set 0000:01:10.0 --mac 01:00:5e:00:00:01
expect 2 "$ICEMIG" vf set 0000:01:10.0 --vlan 5000
expect 2 "$ICEMIG" vf set 0000:01:10.0 --trust maybe
expect 2 "$ICEMIG" compat show 1:2:3
expect 2 "$ICEMIG" compat check only-one
expect 2 "$ICEMIG" migrate vm
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --timeout soon
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --bogus
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --accept-downtime
grep -q "accept-downtime needs --max-downtime" "$T/err" || fail "--accept-downtime alone: $(cat "$T/err")"
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --assume-bandwidth 0
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --fixed-cost -1
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --parallel-connections 256
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --compression lz4
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --compression zstd
grep -q "compression zstd needs --parallel-connections" "$T/err" || fail "zstd alone: $(cat "$T/err")"
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --compression xbzrle --parallel-connections 2
expect 2 "$ICEMIG" migrate vm qemu+tcp://h2/system --xbzrle-cache 64
expect 2 "$ICEMIG" state decode
expect 2 "$ICEMIG" provision extra
ok "usage errors exit 2"

# ---- vf create (no write needed: already 2) / errors ---------------------------
expect 0 "$ICEMIG" vf create eth0 2
printf '0000:01:10.0\n0000:01:10.1\n' | cmp -s - "$T/out" || fail "vf create output: $(cat "$T/out")"
grep -q 'already has 2 VFs; nothing written' "$T/err" || fail "vf create note"
expect 1 "$ICEMIG" vf create 0000:01:00.0 3
grep -q '^icemig: 0000:01:00.0: already has 2 VFs; .*--force' "$T/err" || fail "needs --force"
expect 1 "$ICEMIG" vf create 0000:01:00.0 5 --force
grep -q 'sriov_totalvfs is 4' "$T/err" || fail "totalvfs limit"
expect 1 "$ICEMIG" vf create 0000:00:1f.0 1
grep -q '0000:00:1f.0: not an SR-IOV physical function' "$T/err" || fail "not SR-IOV"
ok "vf create"

# ---- vf bind: idempotent on already-bound VFs ----------------------------------
expect 0 "$ICEMIG" vf bind 0000:01:10.0 0000:01:10.1
printf '0000:01:10.0: already bound to ice_vfio_pci\n0000:01:10.1: already bound to ice_vfio_pci\n' |
	cmp -s - "$T/out" || fail "vf bind output: $(cat "$T/out")"
expect 1 "$ICEMIG" vf bind 0000:01:00.0
grep -q '^icemig: 0000:01:00.0: not a VF' "$T/err" || fail "PF refused"
expect 1 "$ICEMIG" vf bind 0000:01:10.0 --driver nosuchdrv
grep -q 'driver nosuchdrv is not loaded' "$T/err" || fail "driver not loaded"
ok "vf bind"

# ---- vf list -------------------------------------------------------------------
expect 0 "$ICEMIG" vf list
cat >"$T/want" <<'EOT'
PF           PROVIDER    INDEX VF           DRIVER       IOMMU_GROUP DOMAIN MIGRATION STREAM
0000:01:00.0 ice_mig_sim 0     0000:01:10.0 ice_vfio_pci 11          -      yes       1.0
0000:01:00.0 ice_mig_sim 1     0000:01:10.1 ice_vfio_pci 12          -      no        -
EOT
cmp -s "$T/want" "$T/out" || fail "vf list: $(cat "$T/out")"
expect 0 "$ICEMIG" vf list --json
python3 - "$T/out" <<'EOT' || fail "vf list --json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ice_vfio_pci_loaded"] is True
assert [r["vf"] for r in d["vfs"]] == ["0000:01:10.0", "0000:01:10.1"]
assert d["vfs"][0]["provider"] == "ice_mig_sim" and d["vfs"][0]["domain"] is None
assert d["vfs"][0]["migration"] == "yes" and d["vfs"][0]["stream"] == "1.0"
assert d["vfs"][1]["migration"] == "no" and d["vfs"][1]["stream"] is None
assert d["vfs"][1]["iommu_group"] == 12 and d["vfs"][1]["index"] == 1
EOT
ok "vf list text and JSON"

# ---- JSON: compact by default, indented with --pretty (iproute2's -j / -p) ------
for c in "vf list" "compat show 0000:01:10.0" "config show" "state decode $GOLDEN/state-sample.bin"; do
	# shellcheck disable=SC2086
	expect 0 "$ICEMIG" $c --json
	[ "$(wc -l <"$T/out")" = 1 ] || fail "$c --json: not one compact line: $(head -c 200 "$T/out")"
	cp "$T/out" "$T/compact.json"
	# shellcheck disable=SC2086
	expect 0 "$ICEMIG" $c --json --pretty
	[ "$(wc -l <"$T/out")" -gt 1 ] || fail "$c --json --pretty: not indented"
	python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a == b' \
		"$T/compact.json" "$T/out" || fail "$c: --pretty changes the document"
	# shellcheck disable=SC2086
	expect 0 "$ICEMIG" $c -j -p
done
expect 0 "$ICEMIG" vf list -jp
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" || fail "vf list -jp"
# vf list: the text table and the JSON document come from one model: same
# rows, same cells ("-" in text is null in JSON), keys are the headers
expect 0 "$ICEMIG" vf list
cp "$T/out" "$T/list.txt"
expect 0 "$ICEMIG" vf list --json
python3 - "$T/list.txt" "$T/out" <<'EOP' || fail "vf list: text and JSON disagree"
import json, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()]
head, body = rows[0], rows[1:]
doc = json.load(open(sys.argv[2]))["vfs"]
assert len(doc) == len(body), (len(doc), len(body))
for cells, obj in zip(body, doc):
    assert list(obj) == [h.lower() for h in head], (list(obj), head)
    for h, c in zip(head, cells):
        v = obj[h.lower()]
        assert (c == "-" and v is None) or c == str(v), (h, c, v)
EOP
ok "JSON compact by default, --pretty; vf list text and JSON agree"

# ---- the command table: icemig help --json -------------------------------------
expect 0 "$ICEMIG" help --json
python3 - "$T/out" <<'EOP' || fail "icemig help --json: $(head -c 300 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
cmds = {c["path"]: c for c in d["commands"]}
c = cmds["vf create"]
assert [a["name"] for a in c["arguments"]] == ["PF", "N"], c
names = [o["name"] for o in c["options"]]
assert names[:3] == ["--force", "--no-autoprobe", "--autoprobe"] and "--json" in names, names
assert c["usage"].startswith("vf create PF N [--force] [--no-autoprobe|--autoprobe]"), c["usage"]
assert cmds["hook"]["options"] == [] or all(o["name"] == "--help" for o in cmds["hook"]["options"])
EOP
expect 0 "$ICEMIG" help vf create
grep -q '^Usage: icemig vf create PF N' "$T/out" || fail "icemig help vf create"
expect 2 "$ICEMIG" vf create 0000:01:00.0 2 --autoprobe --no-autoprobe
grep -q "at most one of --no-autoprobe and --autoprobe" "$T/err" || fail "exclusive options: $(cat "$T/err")"
expect 2 "$ICEMIG" vf bind 0000:01:10.0 --driver a --driver b
grep -q -- "--driver given twice" "$T/err" || fail "option twice: $(cat "$T/err")"
ok "icemig help; options from the table"

# ---- compat show / check -------------------------------------------------------
expect 0 "$ICEMIG" compat show 0000:01:10.0
cmp -s "$GOLDEN/descriptor-16qp.txt" "$T/out" || fail "compat show: $(cat "$T/out")"
expect 0 "$ICEMIG" compat show --json 0000:01:10.0
python3 - "$T/out" <<'EOT' || fail "compat show --json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["vf"] == "0000:01:10.0"
assert d["descriptor"]["max_qps"] == 16 and d["descriptor"]["used_qps"] == 2
assert d["descriptor"]["device"] == "8086:1889" and d["descriptor"]["records"] == "0x3fe"
EOT
expect 1 "$ICEMIG" compat show 0000:01:10.1
grep -q "^icemig: 0000:01:10.1: no compatibility descriptor: its PF has no migration provider" "$T/err" ||
	fail "compat show without descriptor"
# the VF's own descriptor against itself: compatible
expect 0 "$ICEMIG" compat check "$GOLDEN/descriptor-16qp.txt" 0000:01:10.0
grep -q '^compatible: 0000:01:10.0' "$T/out" || fail "compat check output"
expect 0 "$ICEMIG" compat check 0000:01:10.0 0000:01:10.0
# a source that uses 32 queue pairs: incompatible, exit 1, the field named
sed 's/^used_qps=.*/used_qps=32/' "$GOLDEN/descriptor-16qp.txt" >"$T/big.desc"
expect 1 "$ICEMIG" compat check "$T/big.desc" 0000:01:10.0
grep -q '^incompatible: 0000:01:10.0: max_qps: the source VF uses 32, this VF offers at most 16$' "$T/out" ||
	fail "compat check incompatible: $(cat "$T/out")"
ICEMIG_IN=$T/big.desc
expect 1 sh -c "\"$ICEMIG\" compat check --json - 0000:01:10.0 <\"$ICEMIG_IN\""
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["compatible"] is False and d["field"] == "max_qps", d' "$T/out" ||
	fail "compat check --json: $(cat "$T/out")"
# a source VF that negotiated FDIR (VIRTCHNL_VF_OFFLOAD_FDIR_PF, bit 28),
# which no stream carries: incompatible, the feature named
{ cat "$GOLDEN/descriptor-16qp.txt"
  printf 'vc_caps=0x67d84f9\nvc_opcodes=0x3f810003f86fffe\nused_vc_caps=0x10000001\nused_vc_opcodes=0x8\n'
} >"$T/fdir.desc"
expect 1 "$ICEMIG" compat check "$T/fdir.desc" 0000:01:10.0
grep -q '^incompatible: 0000:01:10.0: vc_caps.FDIR_PF: the source VF uses this virtchnl feature' "$T/out" ||
	fail "compat check FDIR: $(cat "$T/out")"
# cannot check: exit 3
printf 'format=icemig-stream\n' >"$T/short.desc"
expect 3 "$ICEMIG" compat check "$T/short.desc" 0000:01:10.0
grep -q "short.desc: invalid descriptor: key 'stream_major' missing" "$T/err" || fail "bad descriptor message"
expect 3 "$ICEMIG" compat check "$T/none.desc" 0000:01:10.0
expect 3 "$ICEMIG" compat check "$GOLDEN/descriptor-16qp.txt" 0000:01:10.1
# the result cannot be written: exit 4, never 1 (incompatible) nor 0 (issue 11 item 7)
if [ -w /dev/full ]; then
	expect 4 sh -c "\"$ICEMIG\" compat check \"$GOLDEN/descriptor-16qp.txt\" 0000:01:10.0 >/dev/full"
	grep -q "writing the output failed" "$T/err" || fail "compat check >/dev/full: $(cat "$T/err")"
	expect 4 sh -c "\"$ICEMIG\" compat check \"$T/big.desc\" 0000:01:10.0 >/dev/full"
fi
ok "compat show and check"

# ---- state decode ----------------------------------------------------------------
expect 0 "$ICEMIG" state decode "$GOLDEN/state-sample.bin"
cmp -s "$GOLDEN/state-sample.txt" "$T/out" || fail "state decode differs from golden: $(diff "$GOLDEN/state-sample.txt" "$T/out")"
expect 0 "$ICEMIG" state decode --json "$GOLDEN/state-sample.bin"
python3 - "$T/out" <<'EOT' || fail "state decode --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert [s["flags"] for s in d["streams"]] == [["precopy"], []]
assert [r["type"] for r in d["streams"][1]["records"]] == ["VF_INFO", "TXQ", "RXQ", "STATS", "MSIX", "RSS", "MAC_FILTERS", "VLAN_FILTERS", "MBX", "VF_EXT", "VLAN_V2", "RXQ_CTX", "TXQ_CTX", "IRQ", "MBX_RING"]
assert d["streams"][1]["records"][3]["value"]["rx_packets"] == 1000000000
assert d["streams"][1]["records"][13]["value"]["vectors"][2]["interval_2us"] == 20
assert d["streams"][1]["records"][14]["value"]["arq_base"] == "0x7f002040"
EOT
head -c 700 "$GOLDEN/state-sample.bin" >"$T/cut.bin"
expect 1 "$ICEMIG" state decode "$T/cut.bin"
grep -q "cut.bin: stream #2 at byte 592: hdr.total_len 632 runs past the end of the file" "$T/err" ||
	fail "truncated stream message: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "state decode printed something for a bad file"
ok "state decode"

# ---- config ------------------------------------------------------------------------
ICEMIG_CONF=$HERE/../../../helper/icemig.conf expect 0 "$ICEMIG" config show --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["present"] and d["on_release"] == "keep" and d["pfs"] == [], d' "$T/out" ||
	fail "config show: $(cat "$T/out")"
# the sample's commented-out example, uncommented, is valid too
sed -e 's/^# \(\[pf .*\]\)$/\1/' -e 's/^# \(vfs\|trust\|spoofchk\) = /\1 = /' \
	"$HERE/../../../helper/icemig.conf" >"$T/example.conf"
ICEMIG_CONF=$T/example.conf expect 0 "$ICEMIG" config show --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["pfs"]; assert [x["name"] for x in p] == ["0000:3b:00.0", "ens2f0"] and p[0]["vfs"] == 4 and p[0]["trust"] is False and p[0]["spoofchk"] is True, d' "$T/out" ||
	fail "config show of the example: $(cat "$T/out")"
# provision with the sample (no PF): nothing to do
ICEMIG_CONF=$HERE/../../../helper/icemig.conf expect 0 "$ICEMIG" provision
grep -q "no \[pf NAME\] section: nothing to provision" "$T/out" || fail "provision without PFs"
printf '[pf 0000:01:00.0]\nvfs = 2\nmtu = 9000\n' >"$T/bad.conf"
ICEMIG_CONF=$T/bad.conf expect 1 "$ICEMIG" config show
grep -q "bad.conf: line 3: unknown key 'mtu' in \[pf 0000:01:00.0\]" "$T/err" || fail "config error message"
ICEMIG_CONF=$T/bad.conf expect 1 "$ICEMIG" provision
ICEMIG_CONF=$T/none.conf expect 1 "$ICEMIG" config show
# provision --wait: a configured PF that never appears fails, naming it
printf '[pf 0000:7f:00.0]\nvfs = 2\n' >"$T/wait.conf"
ICEMIG_CONF=$T/wait.conf expect 1 "$ICEMIG" provision --wait 1
grep -q "0000:7f:00.0: no such PCI device" "$T/err" || fail "provision --wait: $(cat "$T/err")"
grep -q "after waiting 1 s" "$T/err" || fail "provision --wait does not say it waited: $(cat "$T/err")"
expect 2 "$ICEMIG" provision --wait forever
ok "config show"

# ---- migrate, through libvirt's test driver (no daemon) -------------------------------
# Its domain "test" has no host device: the preflight passes, the test driver
# then refuses to migrate, and the domain stays where it is.
expect 1 "$ICEMIG" migrate --connect test:///default test qemu+tcp://h2.invalid/system --no-progress
grep -q "^icemig: domain 'test': migration to qemu+tcp://h2.invalid/system failed: " "$T/err" ||
	fail "migrate failure message: $(cat "$T/err")"
# no VF: QEMU's dirty tracking applies; the prediction comes first, on stdout
[ "$(cat "$T/out")" = "predicted stop-copy: tracked: QEMU honours downtime-limit" ] ||
	fail "migrate prediction line: $(cat "$T/out")"
expect 1 "$ICEMIG" migrate --connect test:///default nosuch qemu+tcp://h2.invalid/system
grep -q "^icemig: domain 'nosuch': " "$T/err" || fail "migrate unknown domain"
ok "migrate: libvirt errors reported"

# ---- the hook, through the libvirt hook script ---------------------------------
# other ops: exit 0, print nothing, whatever is on stdin
echo 'not xml at all' >"$T/junk"
for op in "start begin" "started begin" "stopped end" "migrate end" "restore begin" "prepare end"; do
	# shellcheck disable=SC2086
	ICEMIG=$ICEMIG expect 0 "$HOOK" icemig-vf $op - <"$T/junk"
	[ ! -s "$T/out" ] || fail "hook $op printed something"
done
ok "hook: other ops exit 0 silently"

ICEMIG=$ICEMIG expect 0 "$HOOK" icemig-vf migrate begin - <"$GOLDEN/migrate-begin.in.xml"
cmp -s "$GOLDEN/migrate-begin.out.xml" "$T/out" || fail "hook migrate begin output differs from golden"
# pending until the domain's prepare begin confirms them
[ "$(cat "$ICEMIG_RUNDIR/reserved/0000:01:10.0")" = "icemig-vf
pending" ] || fail "reservation of 0000:01:10.0"
[ "$(cat "$ICEMIG_RUNDIR/reserved/0000:01:10.1")" = "icemig-vf
pending" ] || fail "reservation of 0000:01:10.1"
expect 0 "$ICEMIG" vf list
grep -Eq '0000:01:10.0 +ice_vfio_pci +11 +icemig-vf +yes' "$T/out" || fail "vf list shows reservation"
ok "hook: migrate begin rewrites and reserves"

# every VF is now taken: a second domain fails, stdout empty, no new reservation
ICEMIG=$ICEMIG expect 1 "$HOOK" other-vm migrate begin - <"$GOLDEN/migrate-begin.in.xml"
[ ! -s "$T/out" ] || fail "failed migrate begin printed XML"
grep -q "^icemig hook: migrate begin for domain 'other-vm': hostdev with source address 0000:3b:02.0: no local VF for it: all 2 VFs" "$T/err" ||
	fail "no-VF message"
[ "$(find "$ICEMIG_RUNDIR/reserved" -type f | wc -l)" = 2 ] || fail "reservations changed"
ok "hook: no free VF fails cleanly"

ICEMIG=$ICEMIG expect 0 "$HOOK" icemig-vf release end - </dev/null
[ -z "$(ls "$ICEMIG_RUNDIR/reserved")" ] || fail "release end left reservations"
ok "hook: release end frees the domain's VFs"

# prepare begin: VF 1 is already on ice_vfio_pci: it is reserved, nothing rebound
sed 's/bus=.0x3b. slot=.0x02. function=.0x0./bus="0x01" slot="0x10" function="0x1"/' \
	"$GOLDEN/migrate-begin-hostdev.in.xml" >"$T/prepare.xml"
ICEMIG=$ICEMIG expect 0 "$HOOK" vm-local prepare begin - <"$T/prepare.xml"
[ ! -s "$T/out" ] || fail "prepare begin printed something"
[ "$(cat "$ICEMIG_RUNDIR/reserved/0000:01:10.1")" = vm-local ] || fail "prepare begin reservation"
ICEMIG=$ICEMIG expect 1 "$HOOK" other prepare begin - <"$T/prepare.xml"
grep -q "VF 0000:01:10.1 is in use by domain 'vm-local' (reserved for it)" "$T/err" || fail "prepare begin conflict"
ICEMIG=$ICEMIG expect 0 "$HOOK" vm-local release end - </dev/null
[ -z "$(ls "$ICEMIG_RUNDIR/reserved")" ] || fail "release end after prepare"
ok "hook: prepare begin reserves, release end frees"

rm "$PROVIDERS"
ICEMIG=$ICEMIG expect 1 "$HOOK" icemig-vf migrate begin - <"$GOLDEN/migrate-begin.in.xml"
grep -q 'no PF has a migration provider' "$T/err" || fail "no provider message"
[ ! -s "$T/out" ] || fail "printed XML without a provider"
[ -z "$(ls "$ICEMIG_RUNDIR/reserved")" ] || fail "reservation left without a provider"
echo '0000:01:00.0 ice_mig_sim' >"$PROVIDERS"
ok "hook: no provider fails cleanly"

# the script finds ../helper/icemig through its real path when installed as a symlink
if [ -x "$(dirname "$HOOK")/../helper/icemig" ]; then
	mkdir -p "$T/etc/qemu.d"
	ln -s "$(cd "$(dirname "$HOOK")" && pwd -P)/icemig" "$T/etc/qemu.d/icemig"
	(unset ICEMIG; expect 0 env -u ICEMIG PATH=/usr/bin:/bin "$T/etc/qemu.d/icemig" icemig-vf migrate begin - \
		<"$GOLDEN/migrate-begin.in.xml") || exit 1
	cmp -s "$GOLDEN/migrate-begin.out.xml" "$T/out" || fail "symlinked hook output"
	ICEMIG=$ICEMIG expect 0 "$HOOK" icemig-vf release end -
	ok "hook script: binary found through readlink -f"
fi

# ---- the hook script runs no binary a user could have written (issue 11 item 6) --
# The hook symlinked into a checkout: its ../helper/icemig is a fallback. It
# must run only when it and its directory are owned by root and not writable
# by group or others; libvirtd runs hooks as root.
if [ "$(id -u)" = 0 ]; then
	U=$T/checkout
	mkdir -p "$U/libvirt-hooks" "$U/helper" "$T/qemu.d2"
	cp "$HOOK" "$U/libvirt-hooks/icemig"
	printf '#!/bin/sh\ntouch "%s"\n' "$T/user-binary-ran" >"$U/helper/icemig"
	chmod 0755 "$U/helper/icemig" "$U/helper"
	ln -s "$U/libvirt-hooks/icemig" "$T/qemu.d2/icemig"
	hook_env() { env -u ICEMIG PATH=/usr/bin:/bin "$T/qemu.d2/icemig" "$@"; }
	for how in "chown nobody $U/helper/icemig" "chmod 0775 $U/helper/icemig" \
		"chmod 0757 $U/helper/icemig" "chown nobody $U/helper" "chmod 0777 $U/helper"; do
		chown root "$U/helper" "$U/helper/icemig"
		chmod 0755 "$U/helper" "$U/helper/icemig"
		$how
		rm -f "$T/user-binary-ran"
		expect 0 hook_env vm prepare begin - </dev/null
		[ ! -e "$T/user-binary-ran" ] || fail "hook ran $U/helper/icemig after: $how"
		expect 1 hook_env vm migrate begin - <"$GOLDEN/migrate-begin.in.xml"
		[ ! -e "$T/user-binary-ran" ] || fail "hook ran $U/helper/icemig after: $how"
		grep -q "refusing $U/helper/icemig: .*not owned by root or writable by group or others" "$T/err" ||
			fail "no refusal message after $how: $(cat "$T/err")"
	done
	# owned by root, 0755 in a 0755 directory: it runs
	chown root "$U/helper" "$U/helper/icemig"
	chmod 0755 "$U/helper" "$U/helper/icemig"
	expect 0 hook_env vm prepare begin - </dev/null
	[ -e "$T/user-binary-ran" ] || fail "hook did not run a root-owned $U/helper/icemig"
	ok "hook script: a fallback binary runs only if root-owned and not group/other-writable"
else
	echo "skip - hook script ownership checks need root"
fi

# no binary at all: migrate begin fails, other ops pass
ICEMIG=$T/none expect 1 "$HOOK" icemig-vf migrate begin - <"$GOLDEN/migrate-begin.in.xml"
grep -q 'icemig binary not found' "$T/err" || fail "missing binary message"
ICEMIG=$T/none expect 0 "$HOOK" icemig-vf prepare begin - </dev/null
ok "hook script: missing binary"

# ---- sources and shipped files (issue 11 item 7) --------------------------------
SRC=$HERE/../../..
# icemig-provision.service does not use the deprecated systemd-udev-settle
! grep -v '^#' "$SRC/helper/icemig-provision.service.in" | grep -n 'udev-settle' ||
	fail "icemig-provision.service.in uses systemd-udev-settle (deprecated)"
grep -q '^ExecStart=@SBINDIR@/icemig provision --wait ' "$SRC/helper/icemig-provision.service.in" ||
	fail "icemig-provision.service.in: provision does not wait for its PFs"
# the driver's name comes from one constant (provider.h ICEMIG_VARIANT_DRIVER)
python3 - "$SRC/helper" <<'EOP' || fail "the driver name is written out in the sources"
import glob, re, sys
bad = []
for f in sorted(glob.glob(sys.argv[1] + "/*.[ch]")):
    for n, line in enumerate(open(f), 1):
        code = line.split("//")[0]
        if code.lstrip().startswith(("*", "/*")):
            continue
        for lit in re.findall(r'"(?:[^"\\]|\\.)*"', code):
            if re.search(r"ice_vfio_pci(?!_loaded)", lit) and "#define ICEMIG_VARIANT_DRIVER" not in line:
                bad.append("%s:%d: %s" % (f.split("/")[-1], n, line.strip()))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOP
ok "provision unit without udev-settle; one constant for the driver name"

echo "test_cli.sh: $n checks passed"
