#!/usr/bin/env python3
"""The virtchnl opcode allowlist a loaded VF gets, against the source's.

Usage: check-allowlist.py ICE_DIR --src LINUX_DIR

ICE_DIR is the patched drivers/net/ethernet/intel/ice of a make ice build;
LINUX_DIR the Linux tree it came from (include/linux/avf/virtchnl.h: the
opcode and capability numbers). The script takes, from the patched source:
  * ice_virtchnl_allowlist.c whole (the opcode lists per capability and
    ice_vc_set_{default,caps,working}_allowlist);
  * from ice_migration.c: ice_mig_restore_allowlist(), which ice_mig_vf_load
    calls after setting vf->driver_caps from the state (checked in the text
    of ice_mig_vf_load), and, when the series has them, the PF opcode and
    capability mask of migration (struct ice_mig_pf_entry,
    ice_mig_pf_set_vc_mask, ice_mig_vc_caps_mask, ice_mig_vc_mask_allowlist);
  * from ice_virtchnl.c: the ice_vc_set_*_allowlist() calls of
    ice_vc_get_vf_res_msg, in their order (extracted, not mirrored), and
    whether it masks the granted capabilities with ice_mig_vc_caps_mask;
  * from ice_vf_lib.c: that ice_reset_vf sets vf->driver_caps to 0 and calls
    ice_vc_set_default_allowlist (checked; the reset is then mirrored by
    exactly those two statements);
and ICEMIG_VC_CAPS_CARRIED / ICEMIG_VC_OPS_CARRIED of
kernel/include/icemig_stream.h (what the glue gives ice_mig_pf_set_vc_mask).
It compiles them in user space with stand-ins for the kernel's bit and list
helpers and compares, for each capability set (an iavf's grant, L2 only,
every single bit 0..31; with the glue's mask: the same, masked, and every
single carried bit), with no PF mask and with the glue's mask on both PFs:
  source:      reset, then VIRTCHNL_OP_GET_VF_RESOURCES (driver_caps = the
               grant, then the extracted calls), or reset only when the VF
               had not negotiated (ICE_VF_STATE_ACTIVE clear);
  destination: reset, or a VF that had negotiated every capability and was
               not reset (a state loaded back onto a used VF), then
               ice_mig_vf_load's part: driver_caps = the source's, then
               ice_mig_restore_allowlist(vf, active);
the two opcode bitmaps must be equal.
Output: one line "ice-build: allowlist after load: ... agree" (exit 0), or
each differing case with its first differing opcode, number and name
(exit 1); exit 2 when the sources cannot be found or built.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SHIM = r'''
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdbool.h>
#include <errno.h>
typedef uint8_t u8; typedef uint16_t u16; typedef uint32_t u32; typedef uint64_t u64;
#define BIT(n) (1UL << (n))
#define U32_MAX 0xffffffffU
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))
static inline void set_bit(unsigned int nr, unsigned long *a) { a[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG); }
static inline void __set_bit(unsigned int nr, unsigned long *a) { set_bit(nr, a); }
static inline bool test_bit(unsigned int nr, const unsigned long *a) { return (a[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1; }
static inline void bitmap_zero(unsigned long *a, unsigned int n) { memset(a, 0, BITS_TO_LONGS(n) * sizeof(long)); }
static inline void bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b, unsigned int n)
{ unsigned int i; for (i = 0; i < BITS_TO_LONGS(n); i++) d[i] = a[i] & b[i]; }
static inline void bitmap_from_arr64(unsigned long *d, const u64 *s, unsigned int n)
{ unsigned int i; bitmap_zero(d, n); for (i = 0; i < n; i++) if ((s[i / 64] >> (i % 64)) & 1) set_bit(i, d); }
static inline unsigned int find_next_bit(const unsigned long *a, unsigned int size, unsigned int from)
{ while (from < size && !test_bit(from, a)) from++; return from; }
#define for_each_set_bit(b, a, size) \
	for ((b) = find_next_bit((a), (size), 0); (b) < (size); (b) = find_next_bit((a), (size), (b) + 1))
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD(name) struct list_head name = { &(name), &(name) }
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{ n->prev = h->prev; n->next = h; h->prev->next = n; h->prev = n; }
#define list_for_each_entry(pos, head, member) \
	for (pos = container_of((head)->next, __typeof__(*pos), member); &pos->member != (head); \
	     pos = container_of(pos->member.next, __typeof__(*pos), member))
struct mutex { int unused; };
#define DEFINE_MUTEX(name) struct mutex name = { 0 }
#define mutex_lock(m) ((void)(m))
#define mutex_unlock(m) ((void)(m))
#define lockdep_assert_held(m) ((void)(m))
'''

STANDINS = r'''
struct pci_dev { int unused; };
struct ice_pf { struct pci_dev *pdev; };
struct ice_vf {
	struct ice_pf *pf;
	u32 driver_caps;
	DECLARE_BITMAP(vf_states, ICE_VF_STATES_NBITS);
	DECLARE_BITMAP(opcodes_allowlist, VIRTCHNL_OP_MAX);
};
'''


def grab_function(src, signature_re):
    m = re.search(signature_re, src, re.M)
    if not m:
        raise LookupError(signature_re)
    end = src.index('\n}\n', m.start()) + 3
    return src[m.start():end]


def grab_block(src, start_re, end_text):
    m = re.search(start_re, src, re.M)
    if not m:
        raise LookupError(start_re)
    end = src.index(end_text, m.start()) + len(end_text)
    return src[m.start():end]


def grab_line(src, line_re):
    m = re.search(line_re, src, re.M)
    if not m:
        raise LookupError(line_re)
    return m.group(0)


def hweight_macro():
    # A constant expression, as the kernel's HWEIGHT (array designators use it)
    terms = ' + '.join('!!((w) & (1ULL << %d))' % i for i in range(64))
    return '#define HWEIGHT(w) (%s)' % terms


def read(d, name):
    with open(os.path.join(d, name)) as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ice_dir')
    ap.add_argument('--src', required=True)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        vchnl = read(os.path.join(a.src, 'include/linux/avf'), 'virtchnl.h')
        allow = read(a.ice_dir, 'ice_virtchnl_allowlist.c')
        mig = read(a.ice_dir, 'ice_migration.c')
        vc = read(a.ice_dir, 'ice_virtchnl.c')
        vflib = read(a.ice_dir, 'ice_vf_lib.c')
        vflib_h = read(a.ice_dir, 'ice_vf_lib.h')
        stream = read(os.path.join(here, '..', 'include'), 'icemig_stream.h')

        parts = [SHIM, hweight_macro()]
        enum = grab_block(vchnl, r'^enum virtchnl_ops \{', '\n};\n')
        parts.append(enum)
        caps = re.findall(r'^#define\s+(VIRTCHNL_VF_(?:OFFLOAD|CAP)_\w+)\s+(\S.*)$', vchnl, re.M)
        if not caps:
            raise LookupError('VIRTCHNL_VF_OFFLOAD_* in virtchnl.h')
        parts += ['#define %s %s' % c for c in caps]
        parts.append(grab_block(vflib_h, r'^enum ice_vf_states \{', '\n};\n'))
        parts.append(STANDINS)
        parts.append(grab_line(stream, r'^#define ICEMIG_VC_CAPS_CARRIED\s.*$'))
        parts.append(grab_line(stream, r'^#define ICEMIG_VC_OPS_CARRIED\s.*$'))

        # opcode names for the report
        names = {}
        for name, num in re.findall(r'^\s*VIRTCHNL_OP_(\w+) = (\d+)', enum, re.M):
            names.setdefault(int(num), name)
        parts.append('static const char *const op_names[VIRTCHNL_OP_MAX] = {\n%s\n};' %
                     '\n'.join('\t[%d] = "%s",' % (n, s) for n, s in sorted(names.items())))

        # the migration mask of ice, when the series has it
        have_mask = 'ice_mig_pf_set_vc_mask' in mig
        if have_mask:
            parts.append(grab_block(mig, r'^struct ice_mig_pf_entry \{', '\n};\n'))
            parts.append(grab_line(mig, r'^static DEFINE_MUTEX\(ice_mig_pfs_lock\);$'))
            parts.append(grab_line(mig, r'^static LIST_HEAD\(ice_mig_pfs\);$'))
            parts.append(grab_function(mig, r'^static struct ice_mig_pf_entry \*ice_mig_find_entry\('))
            parts.append(grab_function(mig, r'^int ice_mig_pf_set_vc_mask\('))
            parts.append(grab_function(mig, r'^void ice_mig_pf_clear_vc_mask\('))
            parts.append(grab_function(mig, r'^u32 ice_mig_vc_caps_mask\('))
            parts.append(grab_function(mig, r'^void ice_mig_vc_mask_allowlist\('))
            parts.append('#define HAVE_VC_MASK 1')

        # ice_virtchnl_allowlist.c whole, less its includes
        parts.append(re.sub(r'^#include .*$', '', allow, flags=re.M))

        # the restore, and that ice_mig_vf_load is what uses it
        parts.append(grab_function(mig, r'^static void ice_mig_restore_allowlist\('))
        load = grab_function(mig, r'^int ice_mig_vf_load\(')
        caps_at = load.find('vf->driver_caps = info->driver_caps;')
        m = re.search(r'ice_mig_restore_allowlist\(vf,[^;]*active\);', load)
        if caps_at < 0 or not m or m.start() < caps_at:
            raise LookupError('ice_mig_vf_load: driver_caps from the state, then '
                              'ice_mig_restore_allowlist(vf, ...active)')

        # the source's reset (ice_reset_vf; checked, then mirrored)
        reset = grab_function(vflib, r'^int ice_reset_vf\(')
        for stmt in ('vf->driver_caps = 0;', 'ice_vc_set_default_allowlist(vf);'):
            if stmt not in reset:
                raise LookupError('ice_reset_vf: ' + stmt)
        parts.append('static void src_reset(struct ice_vf *vf)\n{\n'
                     '\tvf->driver_caps = 0;\n\tice_vc_set_default_allowlist(vf);\n}')

        # the source's VIRTCHNL_OP_GET_VF_RESOURCES (calls extracted in order)
        res = grab_function(vc, r'^static int ice_vc_get_vf_res_msg\(')
        calls = re.findall(r'\b(ice_vc_set_\w+_allowlist)\(vf\);', res)
        if not calls:
            raise LookupError('ice_vc_get_vf_res_msg: ice_vc_set_*_allowlist(vf)')
        masks = 'ice_mig_vc_caps_mask(vf->pf)' in res
        body = ['\tvf->driver_caps = grant;']
        if masks:
            body.insert(0, '\tgrant &= ice_mig_vc_caps_mask(vf->pf);')
        body += ['\t%s(vf);' % c for c in calls]
        parts.append('static void src_get_vf_res(struct ice_vf *vf, u32 grant)\n{\n%s\n}' %
                     '\n'.join(body))
        parts.append('static const char src_order[] = "%s";' %
                     ', '.join(c[len('ice_vc_set_'):-len('_allowlist')] for c in calls))
    except (OSError, LookupError, ValueError) as e:
        print('ice-build: allowlist after load: cannot find %s in %s' % (e, a.ice_dir),
              file=sys.stderr)
        return 2
    with open(os.path.join(here, 'check-allowlist-main.c')) as f:
        main_c = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(tmp, 'ice_allowlist_gen.c')
        with open(gen, 'w') as f:
            f.write('\n'.join(parts))
            f.write('\n')
            f.write(main_c)
        exe = os.path.join(tmp, 'check-allowlist')
        r = subprocess.run(['cc', '-O1', '-Wall', '-Wno-unused-function', '-o', exe, gen],
                           capture_output=True, text=True)
        if r.returncode:
            print(r.stderr, file=sys.stderr)
            print('ice-build: allowlist after load: cannot compile', file=sys.stderr)
            return 2
        r = subprocess.run([exe])
        return r.returncode


if __name__ == '__main__':
    sys.exit(main())
