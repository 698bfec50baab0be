#!/usr/bin/env python3
"""Round-trip check of the queue context packing code of the patched ice.

Usage: check-ctx.py ICE_DIR [--xlate KERNEL_DIR] [--iterations N]

ICE_DIR is the patched drivers/net/ethernet/intel/ice of a make ice build.
The script takes, from that very source, the pack functions ice already
had (ice_pack_ctx_*, ice_set_ctx), the unpack functions the series adds
(ice_unpack_ctx_field, ice_get_ctx), the field tables (ice_rlan_ctx_info,
ice_tlan_ctx_info) and the context structures (ice_lan_tx_rx.h), compiles
them in user space with a few stand-ins for kernel helpers, and checks with
N random contexts (default 20000, fixed seed) for Rx and for Tx:
  * unpack(pack(ctx)) == ctx, for every value that fits its field's width;
  * pack(unpack(bytes)) == bytes & mask, for random bytes (mask: the bits
    the table covers);
  * with --xlate (a kernel/ directory holding ice_mig_xlate.[ch]): the
    translation's own tables agree with ice's: every context packed by ice
    unpacks with icemig_xlate_{rx,tx}q_ctx_unpack() to the same fields, and
    icemig_xlate_*_ctx_pack() of it gives the same bytes.
Output: one line "ice-build: context round trip: ..." (exit 0), or the
first mismatch (exit 1); exit 2 when the sources cannot be found or built.
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
#include <errno.h>
#include <endian.h>
#include <linux/types.h>
typedef __u8 u8; typedef __u16 u16; typedef __u32 u32; typedef __u64 u64;
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)
#define BITS_PER_BYTE 8
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define GENMASK(h, l) ((~0U << (l)) & (~0U >> (31 - (h))))
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define sizeof_field(t, m) sizeof(((t *)0)->m)
static inline u64 get_unaligned_le64(const void *p) { u64 v; memcpy(&v, p, 8); return le64toh(v); }
#define put_unaligned(val, ptr) do { __typeof__(*(ptr)) v__ = (val); memcpy((ptr), &v__, sizeof(v__)); } while (0)
struct ice_hw { int unused; };
#define ice_debug(hw, type, fmt, ...) do { (void)(hw); } while (0)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ice_dir')
    ap.add_argument('--xlate')
    ap.add_argument('--iterations', type=int, default=20000)
    a = ap.parse_args()
    try:
        common = open(os.path.join(a.ice_dir, 'ice_common.c')).read()
        lantx = open(os.path.join(a.ice_dir, 'ice_lan_tx_rx.h')).read()
        parts = [SHIM]
        parts.append(grab_block(lantx, r'^struct ice_rlan_ctx \{', '\n};\n'))
        parts.append(grab_block(lantx, r'^struct ice_ctx_ele \{', '\n};\n'))
        parts.append(grab_block(lantx, r'^#define ICE_CTX_STORE\(', '}\n'))
        parts.append(grab_block(lantx, r'^struct ice_tlan_ctx \{', '\n};\n'))
        parts.append(re.search(r'^#define ICE_RXQ_CTX_SIZE_DWORDS.*$', lantx, re.M).group(0))
        parts.append(re.search(r'^#define ICE_RXQ_CTX_SZ.*$', lantx, re.M).group(0))
        parts.append(re.search(r'^#define ICE_TXQ_CTX_SZ.*$', lantx, re.M).group(0))
        parts.append(grab_block(common, r'^static const struct ice_ctx_ele ice_rlan_ctx_info\[\] = \{', '\n};\n'))
        parts.append(grab_block(common, r'^const struct ice_ctx_ele ice_tlan_ctx_info\[\] = \{', '\n};\n'))
        for name in ('ice_pack_ctx_byte', 'ice_pack_ctx_word', 'ice_pack_ctx_dword',
                     'ice_pack_ctx_qword'):
            parts.append(grab_function(common, r'^static void %s\(' % name))
        parts.append(grab_function(common, r'^int ice_set_ctx\('))
        parts.append(grab_function(common, r'^static int ice_unpack_ctx_field\('))
        parts.append(grab_function(common, r'^int ice_get_ctx\('))
    except (OSError, LookupError, AttributeError) as e:
        print('ice-build: context round trip: cannot find %s in %s' % (e, a.ice_dir), file=sys.stderr)
        return 2
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check-ctx-main.c')) as f:
        main_c = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(tmp, 'ice_ctx_gen.c')
        with open(gen, 'w') as f:
            f.write('\n'.join(parts))
            f.write('\n')
            if a.xlate:
                f.write('#define HAVE_XLATE 1\n#include "ice_mig_xlate.h"\n')
            f.write(main_c)
        exe = os.path.join(tmp, 'check-ctx')
        cmd = ['cc', '-O1', '-Wall', '-Wno-unused-function', '-o', exe, gen]
        if a.xlate:
            cmd[1:1] = ['-I', a.xlate, '-I', os.path.join(a.xlate, 'include')]
            cmd.append(os.path.join(a.xlate, 'ice_mig_xlate.c'))
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            print(r.stderr, file=sys.stderr)
            print('ice-build: context round trip: cannot compile', file=sys.stderr)
            return 2
        r = subprocess.run([exe, str(a.iterations)])
        return r.returncode


if __name__ == '__main__':
    sys.exit(main())
