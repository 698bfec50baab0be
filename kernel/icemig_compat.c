// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * icemig compatibility descriptor: build, compare, print, parse.
 * One source for the kernel (ice_vfio_pci's sysfs attribute, the provider's
 * load-time check) and user space (icemig, the hook, the fuzzers).
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#else
#include "include/icemig_user.h"
#endif

#include "include/icemig_compat.h"
#include "include/icemig_stream.h"

static void copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= ICEMIG_COMPAT_NAME_LEN)
		n = ICEMIG_COMPAT_NAME_LEN - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/**
 * icemig_compat_init() - descriptor of a VF with the protocol's full capacity
 * @c: descriptor to fill
 * @provider: provider name (truncated to 31 bytes)
 * @vendor: VF PCI vendor ID
 * @device: VF PCI device ID
 *
 * Capacities start at the stream format's maxima (ICEMIG_MAX_*); a provider
 * lowers them to what its PF offers the VF. "used" fields start at zero.
 */
void icemig_compat_init(struct icemig_compat *c, const char *provider,
			__u16 vendor, __u16 device)
{
	memset(c, 0, sizeof(*c));
	copy_name(c->format, ICEMIG_COMPAT_FORMAT);
	copy_name(c->provider, provider);
	c->stream_major = ICEMIG_STREAM_VERSION_MAJOR;
	c->stream_minor = ICEMIG_STREAM_VERSION_MINOR;
	c->records = ((1u << (ICEMIG_TLV_MAX_KNOWN + 1)) - 1) & ~1u;
	c->vendor = vendor;
	c->device = device;
	c->max_qps = ICEMIG_MAX_QP;
	c->max_msix = ICEMIG_MAX_MSIX;
	c->max_mac_filters = ICEMIG_MAX_MAC_FILTERS;
	c->max_vlan_filters = ICEMIG_MAX_VLAN_FILTERS;
	c->rss_lut_size = ICEMIG_RSS_LUT_MAX;
	c->rss_key_len = ICEMIG_RSS_KEY_LEN;
	c->has_features = 1;
	c->vc_caps = ICEMIG_VC_CAPS_CARRIED;
	c->vc_opcodes = ICEMIG_VC_OPS_CARRIED;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_init, ICEMIG);

/* "vc_caps.<name>": VIRTCHNL_VF_OFFLOAD_* of Linux 6.12 virtchnl.h. */
static const char *const cap_names[32] = {
	"vc_caps.L2", "vc_caps.RDMA", "vc_caps.bit2", "vc_caps.RSS_AQ",
	"vc_caps.RSS_REG", "vc_caps.WB_ON_ITR", "vc_caps.REQ_QUEUES",
	"vc_caps.ADV_LINK_SPEED", "vc_caps.bit8", "vc_caps.bit9", "vc_caps.CRC",
	"vc_caps.TC_U32", "vc_caps.bit12", "vc_caps.bit13", "vc_caps.bit14",
	"vc_caps.VLAN_V2", "vc_caps.VLAN", "vc_caps.RX_POLLING",
	"vc_caps.RSS_PCTYPE_V2", "vc_caps.RSS_PF", "vc_caps.ENCAP",
	"vc_caps.ENCAP_CSUM", "vc_caps.RX_ENCAP_CSUM", "vc_caps.ADQ", "vc_caps.bit24",
	"vc_caps.USO", "vc_caps.RX_FLEX_DESC", "vc_caps.ADV_RSS_PF", "vc_caps.FDIR_PF",
	"vc_caps.bit29", "vc_caps.bit30", "vc_caps.bit31",
};

/* "vc_opcode.<name>": enum virtchnl_ops of Linux 6.12 virtchnl.h. */
static const char *const opcode_names[64] = {
	[1] = "vc_opcode.VERSION", [2] = "vc_opcode.RESET_VF",
	[3] = "vc_opcode.GET_VF_RESOURCES", [4] = "vc_opcode.CONFIG_TX_QUEUE",
	[5] = "vc_opcode.CONFIG_RX_QUEUE", [6] = "vc_opcode.CONFIG_VSI_QUEUES",
	[7] = "vc_opcode.CONFIG_IRQ_MAP", [8] = "vc_opcode.ENABLE_QUEUES",
	[9] = "vc_opcode.DISABLE_QUEUES", [10] = "vc_opcode.ADD_ETH_ADDR",
	[11] = "vc_opcode.DEL_ETH_ADDR", [12] = "vc_opcode.ADD_VLAN",
	[13] = "vc_opcode.DEL_VLAN", [14] = "vc_opcode.CONFIG_PROMISCUOUS_MODE",
	[15] = "vc_opcode.GET_STATS", [17] = "vc_opcode.EVENT",
	[18] = "vc_opcode.CONFIG_RSS_HFUNC", [20] = "vc_opcode.RDMA",
	[21] = "vc_opcode.CONFIG_RDMA_IRQ_MAP", [22] = "vc_opcode.RELEASE_RDMA_IRQ_MAP",
	[23] = "vc_opcode.CONFIG_RSS_KEY", [24] = "vc_opcode.CONFIG_RSS_LUT",
	[25] = "vc_opcode.GET_RSS_HENA_CAPS", [26] = "vc_opcode.SET_RSS_HENA",
	[27] = "vc_opcode.ENABLE_VLAN_STRIPPING", [28] = "vc_opcode.DISABLE_VLAN_STRIPPING",
	[29] = "vc_opcode.REQUEST_QUEUES", [30] = "vc_opcode.ENABLE_CHANNELS",
	[31] = "vc_opcode.DISABLE_CHANNELS", [32] = "vc_opcode.ADD_CLOUD_FILTER",
	[33] = "vc_opcode.DEL_CLOUD_FILTER", [44] = "vc_opcode.GET_SUPPORTED_RXDIDS",
	[45] = "vc_opcode.ADD_RSS_CFG", [46] = "vc_opcode.DEL_RSS_CFG",
	[47] = "vc_opcode.ADD_FDIR_FILTER", [48] = "vc_opcode.DEL_FDIR_FILTER",
	[51] = "vc_opcode.GET_OFFLOAD_VLAN_V2_CAPS", [52] = "vc_opcode.ADD_VLAN_V2",
	[53] = "vc_opcode.DEL_VLAN_V2", [54] = "vc_opcode.ENABLE_VLAN_STRIPPING_V2",
	[55] = "vc_opcode.DISABLE_VLAN_STRIPPING_V2",
	[56] = "vc_opcode.ENABLE_VLAN_INSERTION_V2",
	[57] = "vc_opcode.DISABLE_VLAN_INSERTION_V2",
};

/**
 * icemig_vc_cap_name() - name of a virtchnl capability bit
 * @bit: bit number, 0..31 (VIRTCHNL_VF_OFFLOAD_*)
 *
 * Return: a static "vc_caps.<NAME>" string (Linux 6.12 virtchnl.h names),
 * "vc_caps.bitN" for bits 6.12 does not define, "vc_caps.?" above 31.
 */
const char *icemig_vc_cap_name(unsigned int bit)
{
	return bit < 32 ? cap_names[bit] : "vc_caps.?";
}
EXPORT_SYMBOL_NS_GPL(icemig_vc_cap_name, ICEMIG);

/**
 * icemig_vc_opcode_name() - name of a virtchnl opcode
 * @op: opcode (enum virtchnl_ops)
 *
 * Return: a static "vc_opcode.<NAME>" string, "vc_opcode.other" for
 * opcodes Linux 6.12 does not define.
 */
const char *icemig_vc_opcode_name(unsigned int op)
{
	return op < 64 && opcode_names[op] ? opcode_names[op] : "vc_opcode.other";
}
EXPORT_SYMBOL_NS_GPL(icemig_vc_opcode_name, ICEMIG);

static unsigned int low_bit64(__u64 v)
{
	unsigned int i = 0;

	while (!(v & 1)) {
		v >>= 1;
		i++;
	}
	return i;
}

/**
 * icemig_compat_set_used() - fill the "used" fields from a VF state
 * @c: descriptor
 * @st: the VF's current (or incoming) state
 *
 * used_records holds the mandatory record types a stream of @st carries:
 * the ones a destination must understand (the 1.1 and 1.2 records too, so
 * that a destination whose records= lacks them refuses before any guest
 * memory moves).
 */
void icemig_compat_set_used(struct icemig_compat *c, const struct icemig_vf_state *st)
{
	__u32 r = (1u << ICEMIG_TLV_VF_INFO) | (1u << ICEMIG_TLV_TXQ) | (1u << ICEMIG_TLV_RXQ);

	if (st->num_msix_maps)
		r |= 1u << ICEMIG_TLV_MSIX;
	if (st->has_rss)
		r |= 1u << ICEMIG_TLV_RSS;
	if (st->num_macs)
		r |= 1u << ICEMIG_TLV_MAC_FILTERS;
	if (st->num_vlans)
		r |= 1u << ICEMIG_TLV_VLAN_FILTERS;
	if (st->has_mbx)
		r |= 1u << ICEMIG_TLV_MBX;
	if (st->has_vf_ext)
		r |= 1u << ICEMIG_TLV_VF_EXT;
	if (st->has_vlan_v2)
		r |= 1u << ICEMIG_TLV_VLAN_V2;
	if (st->has_rxq_ctx)
		r |= 1u << ICEMIG_TLV_RXQ_CTX;
	if (st->has_txq_ctx)
		r |= 1u << ICEMIG_TLV_TXQ_CTX;
	if (st->has_irq)
		r |= 1u << ICEMIG_TLV_IRQ;
	if (st->has_mbx_ring)
		r |= 1u << ICEMIG_TLV_MBX_RING;
	c->used_records = r;
	c->used_qps = st->num_qps;
	c->used_msix = st->num_msix;
	c->used_mac_filters = st->num_macs;
	c->used_vlan_filters = st->num_vlans;
	c->used_rss_lut = st->has_rss ? st->rss_lut_len : 0;
	c->has_admin = 1;
	c->admin_trust = st->trust;
	c->admin_spoofchk = st->spoofchk;
	c->admin_link_state = st->link_state;
	c->admin_port_vlan = st->port_vlan;
	c->has_features = 1;
	c->used_vc_caps = st->vc_caps;
	c->used_vc_opcodes = st->opcodes;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_set_used, ICEMIG);

static int differ(struct icemig_compat_err *err, const char *field, __u64 src, __u64 dst)
{
	if (err) {
		err->field = field;
		err->src = src;
		err->dst = dst;
	}
	return -EINVAL;
}

/**
 * icemig_compat_check() - can a VF described by @src move onto @dst?
 * @src: descriptor of the source VF (its "used" fields matter)
 * @dst: descriptor of the candidate destination VF (its capacities matter)
 * @err: optional, set to the first field that decides against, with both
 *	values
 *
 * Rules, in order: same stream format and major version (Contract 1: a
 * major change is incompatible, a minor one is not); every record type the
 * source's state needs is understood by the destination; every virtchnl
 * capability the source VF negotiated and every opcode it is allowed is
 * one the destination carries (vc_caps, vc_opcodes; the error names the
 * lowest feature missing, "vc_caps.FDIR_PF"; a destination without these
 * keys counts as ICEMIG_VC_CAPS_CARRIED / ICEMIG_VC_OPS_CARRIED, a source
 * without them is not checked); same VF
 * vendor:device; the source uses no more queue pairs, MSI-X vectors, MAC
 * or VLAN filters than the destination offers; the same RSS LUT size and
 * key length (the guest driver negotiated them, virtchnl
 * VIRTCHNL_OP_GET_VF_RESOURCES).
 *
 * Return: 0 if compatible, -EINVAL otherwise.
 */
int icemig_compat_check(const struct icemig_compat *src, const struct icemig_compat *dst,
			struct icemig_compat_err *err)
{
	if (strncmp(src->format, dst->format, ICEMIG_COMPAT_NAME_LEN))
		return differ(err, "format", 0, 0);
	if (src->stream_major != dst->stream_major)
		return differ(err, "stream_major", src->stream_major, dst->stream_major);
	if (src->used_records & ~dst->records)
		return differ(err, "records", src->used_records, dst->records);
	if (src->has_features) {
		const __u32 caps = dst->has_features ? dst->vc_caps : ICEMIG_VC_CAPS_CARRIED;
		const __u64 ops = dst->has_features ? dst->vc_opcodes : ICEMIG_VC_OPS_CARRIED;

		if (src->used_vc_caps & ~caps)
			return differ(err, icemig_vc_cap_name(low_bit64(src->used_vc_caps & ~caps)),
				      src->used_vc_caps, caps);
		if (src->used_vc_opcodes & ~ops)
			return differ(err,
				      icemig_vc_opcode_name(low_bit64(src->used_vc_opcodes & ~ops)),
				      src->used_vc_opcodes, ops);
	}
	if (src->vendor != dst->vendor || src->device != dst->device)
		return differ(err, "device", ((__u32)src->vendor << 16) | src->device,
			      ((__u32)dst->vendor << 16) | dst->device);
	if (src->used_qps > dst->max_qps)
		return differ(err, "max_qps", src->used_qps, dst->max_qps);
	if (src->used_msix > dst->max_msix)
		return differ(err, "max_msix", src->used_msix, dst->max_msix);
	if (src->used_mac_filters > dst->max_mac_filters)
		return differ(err, "max_mac_filters", src->used_mac_filters,
			      dst->max_mac_filters);
	if (src->used_vlan_filters > dst->max_vlan_filters)
		return differ(err, "max_vlan_filters", src->used_vlan_filters,
			      dst->max_vlan_filters);
	if (src->rss_lut_size != dst->rss_lut_size)
		return differ(err, "rss_lut_size", src->rss_lut_size, dst->rss_lut_size);
	if (src->used_rss_lut > dst->rss_lut_size)
		return differ(err, "rss_lut_size", src->used_rss_lut, dst->rss_lut_size);
	if (src->rss_key_len != dst->rss_key_len)
		return differ(err, "rss_key_len", src->rss_key_len, dst->rss_key_len);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_check, ICEMIG);

/**
 * icemig_compat_check_state() - can a VF described by @dst take state @st?
 * @dst: descriptor of the VF that would load the state
 * @st: the incoming state (a decoded stream)
 * @err: optional, as for icemig_compat_check()
 *
 * The state stands for the source: what it uses is compared with what @dst
 * offers by icemig_compat_check(), with @dst's identity (a stream carries no
 * device IDs), and with the RSS LUT size the source negotiated taken from the
 * LUT it programmed (a VF programs exactly the LUT size it was offered).
 *
 * Return: 0 if compatible, -EINVAL otherwise.
 */
int icemig_compat_check_state(const struct icemig_compat *dst, const struct icemig_vf_state *st,
			      struct icemig_compat_err *err)
{
	struct icemig_compat src = *dst;

	icemig_compat_set_used(&src, st);
	if (st->has_rss)
		src.rss_lut_size = st->rss_lut_len;
	return icemig_compat_check(&src, dst, err);
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_check_state, ICEMIG);

/**
 * icemig_compat_admin_diff() - the PF-admin settings a migration replaces
 * @src: descriptor of the source VF
 * @dst: descriptor of the destination VF
 * @diff: out, up to @max entries: field name ("admin_port_vlan", ...), the
 *	source's value (what the destination VF will have) and the
 *	destination's value now
 * @max: entries at @diff
 *
 * The source's admin wins (icemig_compat.h): this only reports.
 *
 * Return: the number of settings that differ (may exceed @max); 0 when
 * either descriptor has no admin keys.
 */
int icemig_compat_admin_diff(const struct icemig_compat *src, const struct icemig_compat *dst,
			     struct icemig_compat_err *diff, int max)
{
	const struct {
		const char *field;
		__u32 s, d;
	} f[] = {
		{ "admin_trust", src->admin_trust, dst->admin_trust },
		{ "admin_spoofchk", src->admin_spoofchk, dst->admin_spoofchk },
		{ "admin_link_state", src->admin_link_state, dst->admin_link_state },
		{ "admin_port_vlan", src->admin_port_vlan, dst->admin_port_vlan },
	};
	int i, n = 0;

	if (!src->has_admin || !dst->has_admin)
		return 0;
	for (i = 0; i < (int)ARRAY_SIZE(f); i++) {
		if (f[i].s == f[i].d)
			continue;
		if (n < max)
			diff[n] = (struct icemig_compat_err){ f[i].field, f[i].s, f[i].d };
		n++;
	}
	return n;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_admin_diff, ICEMIG);

/**
 * icemig_compat_format() - text form (see icemig_compat.h)
 * @c: descriptor
 * @buf: output
 * @size: bytes at @buf; ICEMIG_COMPAT_TEXT_MAX always suffices
 *
 * Return: bytes written excluding the NUL, or -ENOSPC.
 */
int icemig_compat_format(const struct icemig_compat *c, char *buf, __u32 size)
{
	int n = snprintf(buf, size,
			 "format=%s\nstream_major=%u\nstream_minor=%u\nrecords=0x%x\n"
			 "device=%04x:%04x\nprovider=%s\nmax_qps=%u\nmax_msix=%u\n"
			 "max_mac_filters=%u\nmax_vlan_filters=%u\nrss_lut_size=%u\n"
			 "rss_key_len=%u\nused_records=0x%x\nused_qps=%u\nused_msix=%u\n"
			 "used_mac_filters=%u\nused_vlan_filters=%u\nused_rss_lut=%u\n",
			 c->format, c->stream_major, c->stream_minor, c->records, c->vendor,
			 c->device, c->provider, c->max_qps, c->max_msix, c->max_mac_filters,
			 c->max_vlan_filters, c->rss_lut_size, c->rss_key_len,
			 c->used_records, c->used_qps, c->used_msix, c->used_mac_filters,
			 c->used_vlan_filters, c->used_rss_lut);

	if (n < 0 || (__u32)n >= size)
		return -ENOSPC;
	if (c->has_admin) {
		int m = snprintf(buf + n, size - n,
				 "admin_trust=%u\nadmin_spoofchk=%u\nadmin_link_state=%u\n"
				 "admin_port_vlan=%u\n", c->admin_trust, c->admin_spoofchk,
				 c->admin_link_state, c->admin_port_vlan);

		if (m < 0 || (__u32)m >= size - n)
			return -ENOSPC;
		n += m;
	}
	if (c->has_features) {
		int m = snprintf(buf + n, size - n,
				 "vc_caps=0x%x\nvc_opcodes=0x%llx\nused_vc_caps=0x%x\n"
				 "used_vc_opcodes=0x%llx\n", c->vc_caps,
				 (unsigned long long)c->vc_opcodes, c->used_vc_caps,
				 (unsigned long long)c->used_vc_opcodes);

		if (m < 0 || (__u32)m >= size - n)
			return -ENOSPC;
		n += m;
	}
	return n;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_format, ICEMIG);

/* Strict unsigned number: decimal, or hex with 0x; at most @max. */
static int parse_num(const char *s, __u32 len, __u64 max, __u64 *out)
{
	unsigned int base = 10, i = 0;
	__u64 v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		char ch = s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -EINVAL;
		if (v > (max - d) / base)	/* v * base + d > max, without overflow */
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_name(const char *s, __u32 len, char *out)
{
	__u32 i;

	if (!len || len >= ICEMIG_COMPAT_NAME_LEN)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return -EINVAL;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

enum { K_U16, K_U32, K_NAME, K_DEVICE, K_U8, K_U64 };

/* Key groups: every required key must appear; an optional group all or none. */
enum { G_REQUIRED, G_ADMIN, G_FEATURES, G_NUM };

struct compat_key {
	const char *name;
	int kind;
	size_t off;
	int group;
};

#define KEY(n, k) { #n, k, offsetof(struct icemig_compat, n), G_REQUIRED }
#define OPT(n, k, g) { #n, k, offsetof(struct icemig_compat, n), g }
static const struct compat_key compat_keys[] = {
	KEY(format, K_NAME),
	KEY(stream_major, K_U16),
	KEY(stream_minor, K_U16),
	KEY(records, K_U32),
	{ "device", K_DEVICE, 0, G_REQUIRED },
	KEY(provider, K_NAME),
	KEY(max_qps, K_U16),
	KEY(max_msix, K_U16),
	KEY(max_mac_filters, K_U16),
	KEY(max_vlan_filters, K_U16),
	KEY(rss_lut_size, K_U16),
	KEY(rss_key_len, K_U16),
	KEY(used_records, K_U32),
	KEY(used_qps, K_U16),
	KEY(used_msix, K_U16),
	KEY(used_mac_filters, K_U16),
	KEY(used_vlan_filters, K_U16),
	KEY(used_rss_lut, K_U16),
	/* optional: all or none (has_admin) */
	OPT(admin_trust, K_U8, G_ADMIN),
	OPT(admin_spoofchk, K_U8, G_ADMIN),
	OPT(admin_link_state, K_U8, G_ADMIN),
	OPT(admin_port_vlan, K_U16, G_ADMIN),
	/* optional: all or none (has_features) */
	OPT(vc_caps, K_U32, G_FEATURES),
	OPT(vc_opcodes, K_U64, G_FEATURES),
	OPT(used_vc_caps, K_U32, G_FEATURES),
	OPT(used_vc_opcodes, K_U64, G_FEATURES),
};

#define NKEYS ARRAY_SIZE(compat_keys)
static_assert(ARRAY_SIZE(compat_keys) <= 32, "seen is a 32-bit mask");

static int parse_value(const struct compat_key *k, const char *v, __u32 vlen,
		       struct icemig_compat *c)
{
	__u8 *base = (__u8 *)c;
	__u64 x, y;

	switch (k->kind) {
	case K_U64:
		if (parse_num(v, vlen, ~0ull, &x))
			return -EINVAL;
		memcpy(base + k->off, &x, sizeof(x));
		return 0;
	case K_U8:
		if (parse_num(v, vlen, 0xff, &x))
			return -EINVAL;
		*(base + k->off) = (__u8)x;
		return 0;
	case K_U16:
		if (parse_num(v, vlen, 0xffff, &x))
			return -EINVAL;
		*(__u16 *)(base + k->off) = (__u16)x;
		return 0;
	case K_U32:
		if (parse_num(v, vlen, 0xffffffffu, &x))
			return -EINVAL;
		*(__u32 *)(base + k->off) = (__u32)x;
		return 0;
	case K_NAME:
		return parse_name(v, vlen, (char *)(base + k->off));
	case K_DEVICE: {
		/* "vvvv:dddd", four hex digits each */
		char h[6] = { '0', 'x' };

		if (vlen != 9 || v[4] != ':')
			return -EINVAL;
		memcpy(h + 2, v, 4);
		if (parse_num(h, 6, 0xffff, &x))
			return -EINVAL;
		memcpy(h + 2, v + 5, 4);
		if (parse_num(h, 6, 0xffff, &y))
			return -EINVAL;
		c->vendor = (__u16)x;
		c->device = (__u16)y;
		return 0;
	}
	}
	return -EINVAL;
}

/**
 * icemig_compat_parse() - read the text form
 * @text: "key=value" lines (not necessarily NUL-terminated)
 * @len: bytes at @text, at most ICEMIG_COMPAT_TEXT_MAX
 * @c: out
 * @bad_key: optional, set to the key (static string) that is missing or
 *	malformed, or "line" for a line without '='
 *
 * Every key of icemig_compat.h must appear exactly once with a well-formed
 * value, but two optional groups, each all present or all absent: the
 * admin_* keys (has_admin) and the vc_* keys (has_features); unknown keys
 * are ignored (newer writers may add some).
 *
 * Return: 0 or -EINVAL.
 */
int icemig_compat_parse(const char *text, __u32 len, struct icemig_compat *c,
			const char **bad_key)
{
	__u32 seen = 0, pos = 0, i;
	const char *bad = "line";

	memset(c, 0, sizeof(*c));
	if (len > ICEMIG_COMPAT_TEXT_MAX)
		goto out;
	while (pos < len) {
		__u32 end = pos, eq, klen;

		while (end < len && text[end] != '\n')
			end++;
		if (end == pos) {
			pos++;
			continue;
		}
		for (eq = pos; eq < end && text[eq] != '='; eq++)
			;
		bad = "line";
		if (eq == end)
			goto out;
		klen = eq - pos;
		for (i = 0; i < NKEYS; i++) {
			const struct compat_key *k = &compat_keys[i];

			if (strlen(k->name) != klen || memcmp(k->name, text + pos, klen))
				continue;
			bad = k->name;
			if (seen & (1u << i))
				goto out;
			if (parse_value(k, text + eq + 1, end - eq - 1, c))
				goto out;
			seen |= 1u << i;
			break;
		}
		pos = end + 1;
	}
	{
		bool group_seen[G_NUM] = { true };

		for (i = 0; i < NKEYS; i++)
			if (seen & (1u << i))
				group_seen[compat_keys[i].group] = true;
		for (i = 0; i < NKEYS; i++) {
			if (!(seen & (1u << i)) && group_seen[compat_keys[i].group]) {
				bad = compat_keys[i].name;
				goto out;
			}
		}
		c->has_admin = group_seen[G_ADMIN];
		c->has_features = group_seen[G_FEATURES];
	}
	return 0;
out:
	if (bad_key)
		*bad_key = bad;
	return -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(icemig_compat_parse, ICEMIG);

