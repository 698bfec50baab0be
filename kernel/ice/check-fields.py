#!/usr/bin/env python3
"""Check that every ice structure field the patch series uses exists in the
target kernel's shipped ice.ko, from its BTF (pahole).

Usage: check-fields.py [--kver KVER] [--list FILE] [--src LINUX] [PATCH...]

The fields come from two sources, merged:
  * kernel/ice/fields.txt: "struct field" lines (nested and non-pointer
    accesses the scan below cannot see), and "+struct field" lines for the
    fields the series adds itself, which must NOT exist in the shipped
    module (so that the list of additions stays true);
  * a scan of the lines the patches add: "<var>->field" for the variable
    names the series gives ice structures (vf, vsi, pf, hw, ring, ...).
The shipped module is /lib/modules/KVER/kernel/drivers/net/ethernet/intel/
ice/ice.ko[.xz|.zst]; its BTF is split BTF over the kernel image's, which
is taken from /boot/vmlinuz-KVER with extract-vmlinux of the Linux source
tree (scripts/kernel-src). Needs pahole (Debian package pahole).

Output: one line "ice-build: field check: ..." and, on failure, one line
per missing field. Exit status 0 when all are present, 1 otherwise, 2 when
the check cannot run (no pahole, no module, no BTF).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

# Variable names the series uses for ice structures -> candidate structs.
VARS = {
    'vf': ['ice_vf'],
    'vsi': ['ice_vsi'],
    'pf': ['ice_pf'],
    'hw': ['ice_hw'],
    'ring': ['ice_tx_ring', 'ice_rx_ring'],
    'es': ['ice_eth_stats'],
}
ACCESS = re.compile(r'\b(' + '|'.join(VARS) + r')->([A-Za-z_]\w*)')


def fail(msg, code=2):
    print('ice-build: field check: ' + msg, file=sys.stderr)
    sys.exit(code)


def decompress(path, out):
    if path.endswith('.xz'):
        cmd = ['xz', '-dc', path]
    elif path.endswith('.zst'):
        cmd = ['zstd', '-dc', path]
    else:
        shutil.copy(path, out)
        return
    with open(out, 'wb') as f:
        subprocess.run(cmd, stdout=f, check=True)


def members(pahole_out):
    """Names of the direct members of the struct in pahole's C output."""
    names = set()
    depth = 0
    for raw in pahole_out.splitlines():
        line = raw.split('/*')[0].strip()
        opens, closes = line.count('{'), line.count('}')
        if depth == 1 and line.endswith(';'):
            fp = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', line)
            if fp:
                names.add(fp.group(1))
            else:
                decl = line[:-1].split(':')[0].strip()     # bit fields
                m = re.search(r'(\w+)\s*(\[[^\]]*\])*$', decl)
                if m:
                    names.add(m.group(1))
        elif depth == 2 and closes and line.endswith(';'):
            m = re.search(r'}\s*(\w+)\s*(\[[^\]]*\])*;$', line)
            if m:
                names.add(m.group(1))
        depth += opens - closes
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kver', default=os.uname().release)
    ap.add_argument('--list', default=os.path.join(HERE, 'fields.txt'))
    ap.add_argument('--src', help='Linux source tree (for scripts/extract-vmlinux); '
                    'default: scripts/kernel-src')
    ap.add_argument('patches', nargs='*')
    a = ap.parse_args()
    patches = a.patches or sorted(glob.glob(os.path.join(HERE, '[0-9]*.patch')))

    if not shutil.which('pahole'):
        fail('pahole not found (install the pahole package)')
    mods = glob.glob('/lib/modules/%s/kernel/drivers/net/ethernet/intel/ice/ice.ko*' % a.kver)
    if not mods:
        fail('no shipped ice.ko for %s' % a.kver)
    vmlinuz = '/boot/vmlinuz-%s' % a.kver
    src = a.src or subprocess.run([os.path.join(TOP, 'scripts', 'kernel-src')],
                                  capture_output=True, text=True).stdout.strip()
    extract = os.path.join(src, 'scripts', 'extract-vmlinux')
    if not os.path.exists(vmlinuz) or not os.path.exists(extract):
        fail('need %s and %s' % (vmlinuz, extract))

    want = {}      # struct -> set of fields (alternatives: tuple of structs)
    added = set()  # (struct, field) the series adds
    with open(a.list) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if not line:
                continue
            s, fld = line.split()
            if s.startswith('+'):
                added.add((s[1:], fld))
            else:
                want.setdefault((s,), set()).add(fld)
    for p in patches:
        with open(p) as f:
            for line in f:
                if not line.startswith('+') or line.startswith('+++'):
                    continue
                for var, fld in ACCESS.findall(line):
                    want.setdefault(tuple(VARS[var]), set()).add(fld)

    with tempfile.TemporaryDirectory() as tmp:
        ko = os.path.join(tmp, 'ice.ko')
        decompress(mods[0], ko)
        vml = os.path.join(tmp, 'vmlinux')
        with open(vml, 'wb') as f:
            subprocess.run([extract, vmlinuz], stdout=f, check=True)
        cache = {}

        def fields_of(struct):
            if struct not in cache:
                r = subprocess.run(['pahole', '--btf_base', vml, '-C', struct, ko],
                                   capture_output=True, text=True)
                cache[struct] = members(r.stdout) if r.returncode == 0 else set()
            return cache[struct]

        if not fields_of('ice_vf'):
            fail('no BTF for struct ice_vf in %s' % mods[0])
        missing, n = [], 0
        for structs, flds in sorted(want.items()):
            for fld in sorted(flds):
                if any((s, fld) in added for s in structs):
                    continue
                n += 1
                if not any(fld in fields_of(s) for s in structs):
                    missing.append('%s.%s' % ('|'.join(structs), fld))
        new_present = ['%s.%s' % sf for sf in sorted(added) if sf[1] in fields_of(sf[0])]

    for m in missing:
        print('ice-build: field check: missing in the shipped ice.ko: ' + m, file=sys.stderr)
    for m in new_present:
        print('ice-build: field check: listed as added but already shipped: ' + m, file=sys.stderr)
    if missing or new_present:
        print('ice-build: field check: FAIL (%d of %d missing)' % (len(missing), n), file=sys.stderr)
        return 1
    print('ice-build: field check: %d fields of %d structs present in the shipped '
          'ice.ko BTF; %d added by the series absent from it' %
          (n, len(cache), len(added)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
