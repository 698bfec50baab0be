// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * icemig device-state stream codec, shared by kernel and user space.
 *
 * The decoder is the trust boundary of the resume path: the bytes come from
 * whoever opened the VFIO device. Every length, count and index is checked
 * before use, all arithmetic on lengths is bounded by ICEMIG_STREAM_MAX_LEN
 * (so it cannot overflow a u32), values are copied out with memcpy() (no
 * unaligned or out-of-bounds access), and the decoded state is validated as
 * a whole before the caller may apply it.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/crc32.h>
#include <linux/module.h>
#include <linux/build_bug.h>
#include <linux/etherdevice.h>
#include <asm/byteorder.h>
#else
#include <zlib.h>
#include "include/icemig_user.h"
#endif

#include "include/icemig_stream.h"

static_assert(sizeof(struct icemig_stream_hdr) == 24, "hdr is 24 bytes");
static_assert(sizeof(struct icemig_tlv) == 8, "tlv is 8 bytes");
static_assert(sizeof(struct icemig_wire_vf_info) == 32, "vf_info is 32 bytes");
static_assert(sizeof(struct icemig_wire_queue) == 24, "queue is 24 bytes");
static_assert(sizeof(struct icemig_wire_stats) == 32, "stats is 32 bytes");
static_assert(sizeof(struct icemig_wire_msix) == 8, "msix is 8 bytes");
static_assert(sizeof(struct icemig_wire_rss) == 72, "rss is 72 bytes");
static_assert(sizeof(struct icemig_wire_mac) == 8, "mac is 8 bytes");
static_assert(sizeof(struct icemig_wire_mbx) == 16, "mbx is 16 bytes");

#define HDR_LEN ((__u32)sizeof(struct icemig_stream_hdr))
#define TLV_LEN ((__u32)sizeof(struct icemig_tlv))
#define ALIGN_UP(x) (((x) + ICEMIG_STREAM_ALIGN - 1) & ~(__u32)(ICEMIG_STREAM_ALIGN - 1))

/**
 * icemig_crc32() - CRC-32 (IEEE 802.3) of a buffer
 * @buf: bytes
 * @len: length in bytes
 *
 * Return: the same value as zlib's crc32(0, buf, len).
 */
__u32 icemig_crc32(const void *buf, __u32 len)
{
#ifdef __KERNEL__
	return crc32_le(~0u, buf, len) ^ ~0u;
#else
	return (__u32)crc32(0L, buf, len);
#endif
}
EXPORT_SYMBOL_NS_GPL(icemig_crc32, ICEMIG);

static int fail(struct icemig_stream_err *err, const char *what, __u32 off)
{
	if (err) {
		err->what = what;
		err->offset = off;
	}
	return -EINVAL;
}

static const char *const tlv_names[] = {
	[ICEMIG_TLV_VF_INFO] = "VF_INFO",
	[ICEMIG_TLV_TXQ] = "TXQ",
	[ICEMIG_TLV_RXQ] = "RXQ",
	[ICEMIG_TLV_STATS] = "STATS",
	[ICEMIG_TLV_MSIX] = "MSIX",
	[ICEMIG_TLV_RSS] = "RSS",
	[ICEMIG_TLV_MAC_FILTERS] = "MAC_FILTERS",
	[ICEMIG_TLV_VLAN_FILTERS] = "VLAN_FILTERS",
	[ICEMIG_TLV_MBX] = "MBX",
};

/**
 * icemig_tlv_type_name() - printable name of a record type
 * @type: enum icemig_tlv_type value
 *
 * Return: a static string, "UNKNOWN" for types this codec does not know.
 */
const char *icemig_tlv_type_name(__u16 type)
{
	if (type < ARRAY_SIZE(tlv_names) && tlv_names[type])
		return tlv_names[type];
	return "UNKNOWN";
}
EXPORT_SYMBOL_NS_GPL(icemig_tlv_type_name, ICEMIG);

static int check_queue(const struct icemig_queue *q, const char *dir,
		       struct icemig_stream_err *err)
{
	if (q->flags & ~ICEMIG_QUEUE_F_ALL)
		return fail(err, dir, 0);
	if (!q->ring_len) {
		/* An unconfigured queue carries nothing. */
		if (q->flags || q->base || q->head || q->tail || q->buf_len)
			return fail(err, dir, 0);
		return 0;
	}
	if (q->ring_len < ICEMIG_RING_LEN_MIN || q->ring_len > ICEMIG_RING_LEN_MAX ||
	    q->ring_len % ICEMIG_RING_LEN_ALIGN)
		return fail(err, dir, 0);
	if (q->head >= q->ring_len || q->tail >= q->ring_len)
		return fail(err, dir, 0);
	if (q->base & 127)
		return fail(err, dir, 0);
	return 0;
}

static int check_extra(const struct icemig_vf_state *st,
		       struct icemig_stream_err *err)
{
	const __u32 qmask = (1u << st->num_qps) - 1;
	__u8 vec_seen[(ICEMIG_MAX_MSIX + 7) / 8] = { 0 };
	unsigned int i, j;

	if (st->num_msix_maps > st->num_msix)
		return fail(err, "msix.count", 0);
	for (i = 0; i < st->num_msix_maps; i++) {
		const struct icemig_msix_map *m = &st->msix[i];

		if (m->vector >= st->num_msix ||
		    (vec_seen[m->vector / 8] & (1u << (m->vector % 8))))
			return fail(err, "msix.vector", 0);
		vec_seen[m->vector / 8] |= 1u << (m->vector % 8);
		if ((m->rxq_map & ~qmask) || (m->txq_map & ~qmask))
			return fail(err, "msix.queue_map", 0);
		if (m->rx_itr > ICEMIG_ITR_NONE || m->tx_itr > ICEMIG_ITR_NONE)
			return fail(err, "msix.itr", 0);
	}
	if (st->has_rss) {
		if (st->rss_lut_len < 1 || st->rss_lut_len > ICEMIG_RSS_LUT_MAX)
			return fail(err, "rss.lut_len", 0);
		for (i = 0; i < st->rss_lut_len; i++)
			if (st->rss_lut[i] >= st->num_qps)
				return fail(err, "rss.lut", 0);
	} else if (st->rss_lut_len || st->rss_hena) {
		return fail(err, "rss.lut_len", 0);
	}
	if (st->num_macs > ICEMIG_MAX_MAC_FILTERS)
		return fail(err, "mac_filters.count", 0);
	for (i = 0; i < st->num_macs; i++) {
		static const __u8 zero[6];

		if (!memcmp(st->macs[i].addr, zero, 6))
			return fail(err, "mac_filters.addr", 0);
		if (st->macs[i].flags & ~ICEMIG_MAC_F_ALL)
			return fail(err, "mac_filters.flags", 0);
		for (j = 0; j < i; j++)
			if (!memcmp(st->macs[i].addr, st->macs[j].addr, 6))
				return fail(err, "mac_filters.duplicate", 0);
	}
	if (st->num_vlans > ICEMIG_MAX_VLAN_FILTERS)
		return fail(err, "vlan_filters.count", 0);
	for (i = 0; i < st->num_vlans; i++) {
		if (st->vlans[i] < 1 || st->vlans[i] > 4095)
			return fail(err, "vlan_filters.vid", 0);
		if (i && st->vlans[i] <= st->vlans[i - 1])
			return fail(err, "vlan_filters.order", 0);
	}
	if (st->has_mbx) {
		const struct icemig_mbx *m = &st->mbx;

		if (!m->asq_len || m->asq_len > ICEMIG_MBX_LEN_MAX ||
		    m->asq_head >= m->asq_len || m->asq_tail >= m->asq_len)
			return fail(err, "mbx.asq", 0);
		if (!m->arq_len || m->arq_len > ICEMIG_MBX_LEN_MAX ||
		    m->arq_head >= m->arq_len || m->arq_tail >= m->arq_len)
			return fail(err, "mbx.arq", 0);
	}
	return 0;
}

/**
 * icemig_state_check() - validate a native VF state as a whole
 * @st: state to check
 * @err: optional, set to the offending field on failure (offset 0)
 *
 * Rules: 1 <= num_qps <= ICEMIG_MAX_QP; num_msix <= 65 (E810 VF maximum);
 * trust and spoofchk are 0 or 1; link_state is an enum icemig_link_state;
 * port_vlan <= 4095; the MAC is unicast; a configured queue (ring_len != 0)
 * has a ring length of 64..8160 descriptors in steps of 32, head and tail
 * inside the ring and a 128-byte aligned base (E810 datasheet, queue
 * context); queues at or above num_qps are unconfigured. Interrupt map:
 * at most num_msix entries, unique vectors below num_msix, queue bits below
 * num_qps, ITR index 0..3. RSS: 1..64 LUT entries, each a queue below
 * num_qps. MAC filters: at most 64, non-zero, unique. VLAN filters: at most
 * 512, IDs 1..4095 strictly increasing. Mailbox: queue lengths 1..1024 with
 * head and tail inside.
 *
 * Return: 0 or -EINVAL.
 */
int icemig_state_check(const struct icemig_vf_state *st,
		       struct icemig_stream_err *err)
{
	unsigned int i;

	if (st->num_qps < 1 || st->num_qps > ICEMIG_MAX_QP)
		return fail(err, "vf_info.num_qps", 0);
	if (st->num_msix > 65)
		return fail(err, "vf_info.num_msix", 0);
	if (st->trust > 1)
		return fail(err, "vf_info.trust", 0);
	if (st->spoofchk > 1)
		return fail(err, "vf_info.spoofchk", 0);
	if (st->link_state > ICEMIG_LINK_DISABLE)
		return fail(err, "vf_info.link_state", 0);
	if (st->port_vlan > 4095)
		return fail(err, "vf_info.port_vlan", 0);
	if (is_multicast_ether_addr(st->mac))
		return fail(err, "vf_info.mac", 0);
	for (i = 0; i < ICEMIG_MAX_QP; i++) {
		static const struct icemig_queue zero;

		if (i >= st->num_qps) {
			if (memcmp(&st->txq[i], &zero, sizeof(zero)))
				return fail(err, "txq.qid", 0);
			if (memcmp(&st->rxq[i], &zero, sizeof(zero)))
				return fail(err, "rxq.qid", 0);
			continue;
		}
		if (check_queue(&st->txq[i], "txq.context", err))
			return -EINVAL;
		if (st->txq[i].buf_len)
			return fail(err, "txq.buf_len", 0);
		if (check_queue(&st->rxq[i], "rxq.context", err))
			return -EINVAL;
	}
	return check_extra(st, err);
}
EXPORT_SYMBOL_NS_GPL(icemig_state_check, ICEMIG);

/**
 * icemig_stream_size() - bytes icemig_stream_encode() would produce
 * @st: state (num_qps must be in range, array counts within their
 *	maxima; the result is meaningful for states icemig_state_check()
 *	accepts)
 * @flags: ICEMIG_STREAM_F_* the stream will carry
 * @size: out, stream length in bytes
 *
 * Return: 0, or -EINVAL if @st->num_qps is out of range.
 */
int icemig_stream_size(const struct icemig_vf_state *st, __u32 flags, __u32 *size)
{
	const bool stats = st->has_stats && !(flags & ICEMIG_STREAM_F_PRECOPY);
	__u32 q;

	if (st->num_qps < 1 || st->num_qps > ICEMIG_MAX_QP ||
	    st->num_msix_maps > ICEMIG_MAX_MSIX || st->rss_lut_len > ICEMIG_RSS_LUT_MAX ||
	    st->num_macs > ICEMIG_MAX_MAC_FILTERS || st->num_vlans > ICEMIG_MAX_VLAN_FILTERS)
		return -EINVAL;
	q = st->num_qps * (__u32)sizeof(struct icemig_wire_queue);
	*size = HDR_LEN + TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_vf_info)) +
		2 * (TLV_LEN + ALIGN_UP(q));
	if (stats)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_stats));
	if (st->num_msix_maps)
		*size += TLV_LEN + ALIGN_UP(st->num_msix_maps *
					    (__u32)sizeof(struct icemig_wire_msix));
	if (st->has_rss)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_rss) +
					    st->rss_lut_len);
	if (st->num_macs)
		*size += TLV_LEN + ALIGN_UP(st->num_macs * (__u32)sizeof(struct icemig_wire_mac));
	if (st->num_vlans)
		*size += TLV_LEN + ALIGN_UP(st->num_vlans * 2u);
	if (st->has_mbx)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_mbx));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(icemig_stream_size, ICEMIG);

static __u8 *put_tlv(__u8 *p, __u16 type, __u16 flags, const void *val, __u32 len)
{
	struct icemig_tlv t = {
		.type = cpu_to_le16(type),
		.flags = cpu_to_le16(flags),
		.len = cpu_to_le32(len),
	};
	__u32 padded = ALIGN_UP(len);

	memcpy(p, &t, TLV_LEN);
	p += TLV_LEN;
	if (val)
		memcpy(p, val, len);
	memset(p + len, 0, padded - len);
	return p + padded;
}

static __u8 *put_queues(__u8 *p, __u16 type, const struct icemig_queue *qs,
			__u16 n)
{
	__u8 *val;
	__u16 i;

	p = put_tlv(p, type, ICEMIG_TLV_F_MANDATORY, NULL,
		    n * (__u32)sizeof(struct icemig_wire_queue));
	/* put_tlv() reserved and zero-padded the value; fill it in place. */
	val = p - ALIGN_UP(n * (__u32)sizeof(struct icemig_wire_queue));
	for (i = 0; i < n; i++) {
		struct icemig_wire_queue w = {
			.base = cpu_to_le64(qs[i].base),
			.qid = cpu_to_le16(i),
			.ring_len = cpu_to_le16(qs[i].ring_len),
			.head = cpu_to_le16(qs[i].head),
			.tail = cpu_to_le16(qs[i].tail),
			.buf_len = cpu_to_le16(qs[i].buf_len),
			.flags = cpu_to_le16(qs[i].flags),
		};

		memcpy(val + i * sizeof(w), &w, sizeof(w));
	}
	return p;
}

/* Reserve a mandatory record of @len bytes; returns its value area. */
static __u8 *put_array(__u8 **p, __u16 type, __u32 len)
{
	*p = put_tlv(*p, type, ICEMIG_TLV_F_MANDATORY, NULL, len);
	return *p - ALIGN_UP(len);
}

static __u8 *put_extra(__u8 *p, const struct icemig_vf_state *st)
{
	unsigned int i;
	__u8 *val;

	if (st->num_msix_maps) {
		val = put_array(&p, ICEMIG_TLV_MSIX,
				st->num_msix_maps * (__u32)sizeof(struct icemig_wire_msix));
		for (i = 0; i < st->num_msix_maps; i++) {
			struct icemig_wire_msix w = {
				.vector = cpu_to_le16(st->msix[i].vector),
				.rxq_map = cpu_to_le16(st->msix[i].rxq_map),
				.txq_map = cpu_to_le16(st->msix[i].txq_map),
				.rx_itr = st->msix[i].rx_itr,
				.tx_itr = st->msix[i].tx_itr,
			};

			memcpy(val + i * sizeof(w), &w, sizeof(w));
		}
	}
	if (st->has_rss) {
		struct icemig_wire_rss w = {
			.hena = cpu_to_le64(st->rss_hena),
			.key_len = cpu_to_le16(ICEMIG_RSS_KEY_LEN),
			.lut_len = cpu_to_le16(st->rss_lut_len),
		};

		memcpy(w.key, st->rss_key, ICEMIG_RSS_KEY_LEN);
		val = put_array(&p, ICEMIG_TLV_RSS, sizeof(w) + st->rss_lut_len);
		memcpy(val, &w, sizeof(w));
		memcpy(val + sizeof(w), st->rss_lut, st->rss_lut_len);
	}
	if (st->num_macs) {
		val = put_array(&p, ICEMIG_TLV_MAC_FILTERS,
				st->num_macs * (__u32)sizeof(struct icemig_wire_mac));
		for (i = 0; i < st->num_macs; i++) {
			struct icemig_wire_mac w = {
				.flags = cpu_to_le16(st->macs[i].flags),
			};

			memcpy(w.addr, st->macs[i].addr, 6);
			memcpy(val + i * sizeof(w), &w, sizeof(w));
		}
	}
	if (st->num_vlans) {
		val = put_array(&p, ICEMIG_TLV_VLAN_FILTERS, st->num_vlans * 2u);
		for (i = 0; i < st->num_vlans; i++) {
			__le16 v = cpu_to_le16(st->vlans[i]);

			memcpy(val + 2 * i, &v, 2);
		}
	}
	if (st->has_mbx) {
		struct icemig_wire_mbx w = {
			.last_opcode = cpu_to_le32(st->mbx.last_opcode),
			.asq_len = cpu_to_le16(st->mbx.asq_len),
			.asq_head = cpu_to_le16(st->mbx.asq_head),
			.asq_tail = cpu_to_le16(st->mbx.asq_tail),
			.arq_len = cpu_to_le16(st->mbx.arq_len),
			.arq_head = cpu_to_le16(st->mbx.arq_head),
			.arq_tail = cpu_to_le16(st->mbx.arq_tail),
		};

		p = put_tlv(p, ICEMIG_TLV_MBX, ICEMIG_TLV_F_MANDATORY, &w, sizeof(w));
	}
	return p;
}

/**
 * icemig_stream_encode() - serialize a VF state
 * @st: state, valid per icemig_state_check()
 * @flags: ICEMIG_STREAM_F_*; a PRECOPY stream leaves out the statistics
 * @buf: output buffer
 * @size: size of @buf in bytes
 * @used: out, bytes written (== icemig_stream_size())
 *
 * Return: 0; -EINVAL if @st or @flags is invalid (nothing is emitted that
 * the decoder would refuse); -ENOSPC if @size is too small.
 */
int icemig_stream_encode(const struct icemig_vf_state *st, __u32 flags, void *buf,
			 __u32 size, __u32 *used)
{
	struct icemig_stream_hdr hdr = {
		.magic = cpu_to_le32(ICEMIG_STREAM_MAGIC),
		.version_major = cpu_to_le16(ICEMIG_STREAM_VERSION_MAJOR),
		.version_minor = cpu_to_le16(ICEMIG_STREAM_VERSION_MINOR),
		.flags = cpu_to_le32(flags),
	};
	struct icemig_wire_vf_info vi = {
		.trust = st->trust,
		.spoofchk = st->spoofchk,
		.link_state = st->link_state,
		.port_vlan = cpu_to_le16(st->port_vlan),
		.num_qps = cpu_to_le16(st->num_qps),
		.num_msix = cpu_to_le16(st->num_msix),
		.vc_api_major = cpu_to_le16(st->vc_api_major),
		.vc_api_minor = cpu_to_le16(st->vc_api_minor),
		.vc_caps = cpu_to_le32(st->vc_caps),
	};
	__u8 *p = buf;
	__u32 total;

	if ((flags & ~ICEMIG_STREAM_F_ALL) || icemig_state_check(st, NULL) ||
	    icemig_stream_size(st, flags, &total))
		return -EINVAL;
	if (total > size || total > ICEMIG_STREAM_MAX_LEN)
		return -ENOSPC;

	memcpy(vi.mac, st->mac, sizeof(vi.mac));
	p += HDR_LEN;
	p = put_tlv(p, ICEMIG_TLV_VF_INFO, ICEMIG_TLV_F_MANDATORY, &vi, sizeof(vi));
	p = put_queues(p, ICEMIG_TLV_TXQ, st->txq, st->num_qps);
	p = put_queues(p, ICEMIG_TLV_RXQ, st->rxq, st->num_qps);
	if (st->has_stats && !(flags & ICEMIG_STREAM_F_PRECOPY)) {
		struct icemig_wire_stats ws = {
			.rx_packets = cpu_to_le64(st->rx_packets),
			.rx_bytes = cpu_to_le64(st->rx_bytes),
			.tx_packets = cpu_to_le64(st->tx_packets),
			.tx_bytes = cpu_to_le64(st->tx_bytes),
		};

		p = put_tlv(p, ICEMIG_TLV_STATS, 0, &ws, sizeof(ws));
	}
	p = put_extra(p, st);

	hdr.total_len = cpu_to_le32(total);
	hdr.checksum = cpu_to_le32(icemig_crc32((__u8 *)buf + HDR_LEN, total - HDR_LEN));
	memcpy(buf, &hdr, HDR_LEN);
	*used = total;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(icemig_stream_encode, ICEMIG);

static int get_queues(const __u8 *val, __u32 len, __u32 off, __u16 type,
		      struct icemig_vf_state *st, __u32 *mask,
		      struct icemig_stream_err *err)
{
	const bool tx = type == ICEMIG_TLV_TXQ;
	struct icemig_queue *qs = tx ? st->txq : st->rxq;
	__u32 seen = 0, n, i;

	if (len % sizeof(struct icemig_wire_queue))
		return fail(err, tx ? "txq.len" : "rxq.len", off);
	n = len / sizeof(struct icemig_wire_queue);
	if (n < 1 || n > ICEMIG_MAX_QP)
		return fail(err, tx ? "txq.count" : "rxq.count", off);
	for (i = 0; i < n; i++) {
		struct icemig_wire_queue w;
		__u16 qid;

		memcpy(&w, val + i * sizeof(w), sizeof(w));
		qid = le16_to_cpu(w.qid);
		if (qid >= ICEMIG_MAX_QP || (seen & (1u << qid)))
			return fail(err, tx ? "txq.qid" : "rxq.qid",
				    off + TLV_LEN + i * (__u32)sizeof(w));
		if (w.reserved)
			return fail(err, tx ? "txq.reserved" : "rxq.reserved",
				    off + TLV_LEN + i * (__u32)sizeof(w));
		seen |= 1u << qid;
		qs[qid].base = le64_to_cpu(w.base);
		qs[qid].ring_len = le16_to_cpu(w.ring_len);
		qs[qid].head = le16_to_cpu(w.head);
		qs[qid].tail = le16_to_cpu(w.tail);
		qs[qid].buf_len = le16_to_cpu(w.buf_len);
		qs[qid].flags = le16_to_cpu(w.flags);
	}
	*mask = seen;
	return 0;
}

/* Parse one of the variable-content records; ranges are checked later. */
static int get_extra(const __u8 *val, __u32 len, __u32 off, __u16 type,
		     struct icemig_vf_state *st, struct icemig_stream_err *err)
{
	__u32 i, n;

	switch (type) {
	case ICEMIG_TLV_MSIX:
		if (len % sizeof(struct icemig_wire_msix))
			return fail(err, "msix.len", off);
		n = len / sizeof(struct icemig_wire_msix);
		if (n < 1 || n > ICEMIG_MAX_MSIX)
			return fail(err, "msix.count", off);
		for (i = 0; i < n; i++) {
			struct icemig_wire_msix w;

			memcpy(&w, val + i * sizeof(w), sizeof(w));
			st->msix[i].vector = le16_to_cpu(w.vector);
			st->msix[i].rxq_map = le16_to_cpu(w.rxq_map);
			st->msix[i].txq_map = le16_to_cpu(w.txq_map);
			st->msix[i].rx_itr = w.rx_itr;
			st->msix[i].tx_itr = w.tx_itr;
		}
		st->num_msix_maps = n;
		return 0;
	case ICEMIG_TLV_RSS: {
		struct icemig_wire_rss w;

		if (len < sizeof(w))
			return fail(err, "rss.len", off);
		memcpy(&w, val, sizeof(w));
		n = le16_to_cpu(w.lut_len);
		if (le16_to_cpu(w.key_len) != ICEMIG_RSS_KEY_LEN)
			return fail(err, "rss.key_len", off);
		if (n < 1 || n > ICEMIG_RSS_LUT_MAX || len != sizeof(w) + n)
			return fail(err, "rss.lut_len", off);
		if (w.reserved || w.pad[0] || w.pad[1] || w.pad[2] || w.pad[3])
			return fail(err, "rss.reserved", off);
		st->has_rss = 1;
		st->rss_hena = le64_to_cpu(w.hena);
		st->rss_lut_len = n;
		memcpy(st->rss_key, w.key, ICEMIG_RSS_KEY_LEN);
		memcpy(st->rss_lut, val + sizeof(w), n);
		return 0;
	}
	case ICEMIG_TLV_MAC_FILTERS:
		if (len % sizeof(struct icemig_wire_mac))
			return fail(err, "mac_filters.len", off);
		n = len / sizeof(struct icemig_wire_mac);
		if (n < 1 || n > ICEMIG_MAX_MAC_FILTERS)
			return fail(err, "mac_filters.count", off);
		for (i = 0; i < n; i++) {
			struct icemig_wire_mac w;

			memcpy(&w, val + i * sizeof(w), sizeof(w));
			memcpy(st->macs[i].addr, w.addr, 6);
			st->macs[i].flags = le16_to_cpu(w.flags);
		}
		st->num_macs = n;
		return 0;
	case ICEMIG_TLV_VLAN_FILTERS:
		if (len % 2)
			return fail(err, "vlan_filters.len", off);
		n = len / 2;
		if (n < 1 || n > ICEMIG_MAX_VLAN_FILTERS)
			return fail(err, "vlan_filters.count", off);
		for (i = 0; i < n; i++) {
			__le16 v;

			memcpy(&v, val + 2 * i, 2);
			st->vlans[i] = le16_to_cpu(v);
		}
		st->num_vlans = n;
		return 0;
	case ICEMIG_TLV_MBX: {
		struct icemig_wire_mbx w;

		if (len != sizeof(w))
			return fail(err, "mbx.len", off);
		memcpy(&w, val, sizeof(w));
		st->has_mbx = 1;
		st->mbx.last_opcode = le32_to_cpu(w.last_opcode);
		st->mbx.asq_len = le16_to_cpu(w.asq_len);
		st->mbx.asq_head = le16_to_cpu(w.asq_head);
		st->mbx.asq_tail = le16_to_cpu(w.asq_tail);
		st->mbx.arq_len = le16_to_cpu(w.arq_len);
		st->mbx.arq_head = le16_to_cpu(w.arq_head);
		st->mbx.arq_tail = le16_to_cpu(w.arq_tail);
		return 0;
	}
	}
	return fail(err, "tlv.type", off);
}

/**
 * icemig_stream_frame() - check a stream header and get its length
 * @buf: the first bytes of a stream (any alignment)
 * @len: bytes available at @buf (may be less than the stream)
 * @total: out, the stream's total length in bytes (header included)
 * @flags: out, its ICEMIG_STREAM_F_* flags
 * @err: optional, set to the offending header field
 *
 * Lets a receiver cut a byte sequence holding several streams into
 * streams before decoding each with icemig_stream_decode().
 *
 * Return: 0; -EAGAIN if @len is shorter than a header; -EINVAL for a bad
 * magic, major version, flags, reserved field or total length.
 */
int icemig_stream_frame(const void *buf, __u32 len, __u32 *total, __u32 *flags,
			struct icemig_stream_err *err)
{
	struct icemig_stream_hdr hdr;
	__u32 t;

	if (len < HDR_LEN)
		return -EAGAIN;
	memcpy(&hdr, buf, HDR_LEN);
	if (le32_to_cpu(hdr.magic) != ICEMIG_STREAM_MAGIC)
		return fail(err, "hdr.magic", 0);
	if (le16_to_cpu(hdr.version_major) != ICEMIG_STREAM_VERSION_MAJOR)
		return fail(err, "hdr.version_major", 4);
	if (le32_to_cpu(hdr.flags) & ~ICEMIG_STREAM_F_ALL)
		return fail(err, "hdr.flags", 8);
	if (hdr.reserved)
		return fail(err, "hdr.reserved", 20);
	t = le32_to_cpu(hdr.total_len);
	if (t < HDR_LEN || t > ICEMIG_STREAM_MAX_LEN)
		return fail(err, "hdr.total_len", 12);
	*total = t;
	*flags = le32_to_cpu(hdr.flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(icemig_stream_frame, ICEMIG);

/**
 * icemig_stream_decode() - validate and parse a stream
 * @buf: stream bytes (any alignment)
 * @len: bytes in @buf; must equal the header's total_len exactly
 * @st: out, the decoded state; unspecified on error, so decode into a
 *	scratch state and apply it only on success
 * @err: optional, set to the field or rule that failed and its byte offset
 *
 * The whole stream is checked before this returns 0: header (magic, major
 * version, flags, total length, checksum), every record's header, length and
 * padding, duplicate and missing mandatory records, queue counts and
 * indexes, and then the state as a whole (icemig_state_check()). Unknown
 * optional records are skipped; unknown mandatory records are refused.
 *
 * Return: 0 or -EINVAL.
 */
int icemig_stream_decode(const void *buf, __u32 len, struct icemig_vf_state *st,
			 struct icemig_stream_err *err)
{
	const __u8 *b = buf;
	struct icemig_stream_hdr hdr;
	__u32 total, off, seen = 0, txmask = 0, rxmask = 0, sflags;
	int ret;

	memset(st, 0, sizeof(*st));
	if (len < HDR_LEN)
		return fail(err, "hdr.truncated", 0);
	if (len > ICEMIG_STREAM_MAX_LEN)
		return fail(err, "hdr.total_len.max", 0);
	ret = icemig_stream_frame(b, len, &total, &sflags, err);
	if (ret)
		return ret;
	if (total != len)
		return fail(err, "hdr.total_len", 12);
	memcpy(&hdr, b, HDR_LEN);
	if (le32_to_cpu(hdr.checksum) != icemig_crc32(b + HDR_LEN, total - HDR_LEN))
		return fail(err, "hdr.checksum", 16);

	for (off = HDR_LEN; off < total;) {
		struct icemig_tlv t;
		__u32 vlen, padded, i;
		__u16 type, flags;
		const __u8 *val;

		/* total <= MAX_LEN, so none of these sums can wrap. */
		if (total - off < TLV_LEN)
			return fail(err, "tlv.truncated", off);
		memcpy(&t, b + off, TLV_LEN);
		type = le16_to_cpu(t.type);
		flags = le16_to_cpu(t.flags);
		vlen = le32_to_cpu(t.len);
		if (flags & ~ICEMIG_TLV_F_MANDATORY)
			return fail(err, "tlv.flags", off);
		if (!type)	/* reserved: zero bytes are never a record */
			return fail(err, "tlv.type.zero", off);
		if (vlen > total - off - TLV_LEN)
			return fail(err, "tlv.len", off);
		padded = ALIGN_UP(vlen);
		if (padded > total - off - TLV_LEN)
			return fail(err, "tlv.padding", off);
		val = b + off + TLV_LEN;
		for (i = vlen; i < padded; i++)
			if (val[i])
				return fail(err, "tlv.padding", off);

		if (type >= 1 && type <= ICEMIG_TLV_MAX_KNOWN) {
			if (seen & (1u << type))
				return fail(err, "tlv.duplicate", off);
			seen |= 1u << type;
		}
		switch (type) {
		case ICEMIG_TLV_VF_INFO: {
			struct icemig_wire_vf_info vi;

			if (vlen != sizeof(vi))
				return fail(err, "vf_info.len", off);
			memcpy(&vi, val, sizeof(vi));
			if (vi.pad0 || vi.reserved[0] || vi.reserved[1])
				return fail(err, "vf_info.reserved", off);
			memcpy(st->mac, vi.mac, sizeof(st->mac));
			st->trust = vi.trust;
			st->spoofchk = vi.spoofchk;
			st->link_state = vi.link_state;
			st->port_vlan = le16_to_cpu(vi.port_vlan);
			st->num_qps = le16_to_cpu(vi.num_qps);
			st->num_msix = le16_to_cpu(vi.num_msix);
			st->vc_api_major = le16_to_cpu(vi.vc_api_major);
			st->vc_api_minor = le16_to_cpu(vi.vc_api_minor);
			st->vc_caps = le32_to_cpu(vi.vc_caps);
			break;
		}
		case ICEMIG_TLV_TXQ:
			ret = get_queues(val, vlen, off, type, st, &txmask, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_RXQ:
			ret = get_queues(val, vlen, off, type, st, &rxmask, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_STATS: {
			struct icemig_wire_stats ws;

			if (vlen != sizeof(ws))
				return fail(err, "stats.len", off);
			/* Previews carry no statistics (they still change). */
			if (sflags & ICEMIG_STREAM_F_PRECOPY)
				return fail(err, "stats.precopy", off);
			memcpy(&ws, val, sizeof(ws));
			st->rx_packets = le64_to_cpu(ws.rx_packets);
			st->rx_bytes = le64_to_cpu(ws.rx_bytes);
			st->tx_packets = le64_to_cpu(ws.tx_packets);
			st->tx_bytes = le64_to_cpu(ws.tx_bytes);
			st->has_stats = 1;
			break;
		}
		case ICEMIG_TLV_MSIX:
		case ICEMIG_TLV_RSS:
		case ICEMIG_TLV_MAC_FILTERS:
		case ICEMIG_TLV_VLAN_FILTERS:
		case ICEMIG_TLV_MBX:
			ret = get_extra(val, vlen, off, type, st, err);
			if (ret)
				return ret;
			break;
		default:
			if (flags & ICEMIG_TLV_F_MANDATORY)
				return fail(err, "tlv.type.unknown_mandatory", off);
			break;
		}
		off += TLV_LEN + padded;
	}

	if (!(seen & (1u << ICEMIG_TLV_VF_INFO)))
		return fail(err, "vf_info.missing", total);
	if (!(seen & (1u << ICEMIG_TLV_TXQ)))
		return fail(err, "txq.missing", total);
	if (!(seen & (1u << ICEMIG_TLV_RXQ)))
		return fail(err, "rxq.missing", total);
	if (st->num_qps < 1 || st->num_qps > ICEMIG_MAX_QP)
		return fail(err, "vf_info.num_qps", HDR_LEN);
	/* Exactly queues 0 .. num_qps - 1, each once, in each direction. */
	if (txmask != (1u << st->num_qps) - 1)
		return fail(err, "txq.count", total);
	if (rxmask != (1u << st->num_qps) - 1)
		return fail(err, "rxq.count", total);
	return icemig_state_check(st, err);
}
EXPORT_SYMBOL_NS_GPL(icemig_stream_decode, ICEMIG);

