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
static_assert(sizeof(struct icemig_wire_vf_ext) == 40, "vf_ext is 40 bytes");
static_assert(sizeof(struct icemig_wire_vlan_v2) == 40, "vlan_v2 is 40 bytes");
static_assert(sizeof(struct icemig_wire_rxq_ctx) == 16, "rxq_ctx is 16 bytes");
static_assert(sizeof(struct icemig_wire_txq_ctx) == 8, "txq_ctx is 8 bytes");
static_assert(sizeof(struct icemig_wire_irq) == 16, "irq is 16 bytes");
static_assert(sizeof(struct icemig_wire_mbx_ring) == 24, "mbx_ring is 24 bytes");

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
	[ICEMIG_TLV_VF_EXT] = "VF_EXT",
	[ICEMIG_TLV_VLAN_V2] = "VLAN_V2",
	[ICEMIG_TLV_RXQ_CTX] = "RXQ_CTX",
	[ICEMIG_TLV_TXQ_CTX] = "TXQ_CTX",
	[ICEMIG_TLV_IRQ] = "IRQ",
	[ICEMIG_TLV_MBX_RING] = "MBX_RING",
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

static bool mem_zero(const void *p, size_t n)
{
	const __u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool tpid_ok(__u16 tpid)
{
	return !tpid || tpid == 0x8100 || tpid == 0x88a8 || tpid == 0x9100;
}

static int check_vlan_v2(const struct icemig_vlan_v2 *v, struct icemig_stream_err *err)
{
	if (!tpid_ok(v->strip_outer_tpid) || !tpid_ok(v->strip_inner_tpid) ||
	    !tpid_ok(v->insert_outer_tpid) || !tpid_ok(v->insert_inner_tpid))
		return fail(err, "vlan_v2.tpid", 0);
	if ((v->strip_outer_tpid && !v->stripping_outer) ||
	    (v->strip_inner_tpid && !v->stripping_inner))
		return fail(err, "vlan_v2.stripping", 0);
	if ((v->insert_outer_tpid && !v->insertion_outer) ||
	    (v->insert_inner_tpid && !v->insertion_inner))
		return fail(err, "vlan_v2.insertion", 0);
	if (v->flags & ~ICEMIG_VLAN_V2_F_ALL)
		return fail(err, "vlan_v2.flags", 0);
	if (((v->flags & ICEMIG_VLAN_V2_F_FILTER_OUTER) && !v->filtering_outer) ||
	    ((v->flags & ICEMIG_VLAN_V2_F_FILTER_INNER) && !v->filtering_inner))
		return fail(err, "vlan_v2.filtering", 0);
	return 0;
}

/* The 1.1 members: zero unless their has_ flag is set, then in range. */
static int check_v11(const struct icemig_vf_state *st, struct icemig_stream_err *err)
{
	unsigned int i;

	if (st->has_vf_ext > 1 || st->has_vlan_v2 > 1 || st->has_rxq_ctx > 1 ||
	    st->has_txq_ctx > 1)
		return fail(err, "state.has", 0);
	if (!st->has_vf_ext) {
		if (st->pf_set_mac || st->promisc || st->port_vlan_prio || st->port_vlan_tpid ||
		    st->driver_caps || st->min_tx_rate || st->max_tx_rate || st->opcodes ||
		    st->config_gen || st->rss_hfunc)
			return fail(err, "vf_ext.missing", 0);
	} else {
		if (st->pf_set_mac > 1)
			return fail(err, "vf_ext.pf_set_mac", 0);
		if (st->promisc & ~(ICEMIG_VF_EXT_F_UC_PROMISC | ICEMIG_VF_EXT_F_MC_PROMISC))
			return fail(err, "vf_ext.flags", 0);
		/* ice_vc_cfg_promiscuous_mode_msg(): promiscuous needs trust. */
		if (st->promisc && !st->trust)
			return fail(err, "vf_ext.promisc_untrusted", 0);
		if (st->port_vlan_prio > 7)
			return fail(err, "vf_ext.port_vlan_prio", 0);
		if (st->port_vlan_tpid != 0 && st->port_vlan_tpid != 0x8100 &&
		    st->port_vlan_tpid != 0x88a8)
			return fail(err, "vf_ext.port_vlan_tpid", 0);
		if (!st->port_vlan_tpid != !(st->port_vlan || st->port_vlan_prio))
			return fail(err, "vf_ext.port_vlan_tpid", 0);
		if (st->max_tx_rate && st->min_tx_rate > st->max_tx_rate)
			return fail(err, "vf_ext.tx_rate", 0);
		/* enum virtchnl_rss_algorithm; only with RSS configured */
		if (st->rss_hfunc > 3 || (st->rss_hfunc && !st->has_rss))
			return fail(err, "vf_ext.rss_hfunc", 0);
	}
	if (!st->has_vlan_v2) {
		if (!mem_zero(&st->vlan_v2, sizeof(st->vlan_v2)))
			return fail(err, "vlan_v2.missing", 0);
	} else if (check_vlan_v2(&st->vlan_v2, err)) {
		return -EINVAL;
	}
	for (i = 0; i < ICEMIG_MAX_QP; i++) {
		const struct icemig_rxq_ctx *r = &st->rxctx[i];
		const struct icemig_txq_ctx *t = &st->txctx[i];

		if (i >= st->num_qps || !st->has_rxq_ctx) {
			if (!mem_zero(r, sizeof(*r)))
				return fail(err, "rxq_ctx.qid", 0);
		} else if (r->rxdid > ICEMIG_RXDID_MAX || r->rxdid_prio > 7 ||
			   r->max_frame > ICEMIG_RX_MAX_FRAME_MAX ||
			   r->hbuf_len > ICEMIG_RX_HBUF_MAX ||
			   r->hbuf_len % ICEMIG_RX_HBUF_UNIT || r->dtype > 3 || r->hsplit_0 > 15 ||
			   r->hsplit_1 > 3 || r->lrxqthresh > 7 ||
			   (r->flags & ~ICEMIG_RXQ_CTX_F_ALL)) {
			return fail(err, "rxq_ctx.field", 0);
		}
		if (i >= st->num_qps || !st->has_txq_ctx) {
			if (!mem_zero(t, sizeof(*t)))
				return fail(err, "txq_ctx.qid", 0);
		} else if ((t->flags & ~ICEMIG_TXQ_CTX_F_ALL) || t->cache_prof_idx > 3) {
			return fail(err, "txq_ctx.field", 0);
		} else if ((t->flags & ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN) &&
			   st->txq[i].tail != st->txq[i].head) {
			/* The provider could not read the tail: TXQ says head. */
			return fail(err, "txq_ctx.tail_unknown", 0);
		}
	}
	return 0;
}

/* The 1.2 members: zero unless their has_ flag is set, then in range. */
static int check_v12(const struct icemig_vf_state *st, struct icemig_stream_err *err)
{
	const struct icemig_mbx_ring *r = &st->mbx_ring;
	unsigned int i;

	if (st->has_irq > 1 || st->has_mbx_ring > 1)
		return fail(err, "state.has", 0);
	/* The record holds one entry per vector: no vector, no record. */
	if (st->has_irq && !st->num_msix)
		return fail(err, "irq.count", 0);
	if (!st->has_irq && !mem_zero(st->irq, sizeof(st->irq)))
		return fail(err, "irq.missing", 0);
	for (i = 0; i < ICEMIG_MAX_MSIX; i++) {
		const struct icemig_irq *q = &st->irq[i];

		if (i >= st->num_msix) {
			if (!mem_zero(q, sizeof(*q)))
				return fail(err, "irq.vector", 0);
			continue;
		}
		if (q->flags & ~ICEMIG_IRQ_F_ALL)
			return fail(err, "irq.flags", 0);
		if (q->itr_idx > ICEMIG_ITR_NONE)
			return fail(err, "irq.itr_idx", 0);
		if (q->sw_itr_idx > 3)
			return fail(err, "irq.sw_itr_idx", 0);
		if (q->interval > ICEMIG_ITR_INTERVAL_MAX ||
		    q->itr[0] > ICEMIG_ITR_INTERVAL_MAX || q->itr[1] > ICEMIG_ITR_INTERVAL_MAX ||
		    q->itr[2] > ICEMIG_ITR_INTERVAL_MAX)
			return fail(err, "irq.interval", 0);
	}
	if (!st->has_mbx_ring) {
		if (!mem_zero(r, sizeof(*r)))
			return fail(err, "mbx_ring.missing", 0);
		return 0;
	}
	if (!st->has_mbx)
		return fail(err, "mbx_ring.no_mbx", 0);
	if (r->flags & ~ICEMIG_MBX_RING_F_ALL)
		return fail(err, "mbx_ring.flags", 0);
	if ((r->asq_base | r->arq_base) & (ICEMIG_MBX_RING_ALIGN - 1))
		return fail(err, "mbx_ring.align", 0);
	if (((r->flags & ICEMIG_MBX_RING_F_ASQ_ENA) && !r->asq_base) ||
	    ((r->flags & ICEMIG_MBX_RING_F_ARQ_ENA) && !r->arq_base))
		return fail(err, "mbx_ring.base", 0);
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
 * head and tail inside. 1.1 members: zero unless their has_ flag is set;
 * VF_EXT: pf_set_mac 0 or 1, promiscuous modes only for a trusted VF
 * (ice_vc_cfg_promiscuous_mode_msg()), port VLAN priority 0..7 and TPID
 * 0x8100 or 0x88a8 exactly when a port VLAN is set, min Tx rate <= max Tx
 * rate when a max is set, RSS hash function 0..3 and 0 without RSS;
 * VLAN_V2: TPIDs 0x8100/0x88a8/0x9100, a setting on only where its
 * capability is offered; RXQ_CTX/TXQ_CTX entries only for queues below
 * num_qps, each field within its context width (E810 datasheet, Rx/Tx
 * queue context; Linux 6.12 ice_common.c field tables), and a Tx queue
 * whose TXQ_CTX has TAIL_UNKNOWN has its tail equal to its head. 1.2
 * members: zero unless their has_ flag is set; IRQ: num_msix >= 1 and
 * entries only for vectors below num_msix, flags within ICEMIG_IRQ_F_ALL,
 * ITR index 0..2 or ICEMIG_ITR_NONE, software ITR index 0..3, intervals
 * at most ICEMIG_ITR_INTERVAL_MAX (12-bit GLINT_ITR / GLINT_DYN_CTL
 * INTERVAL fields); MBX_RING: only with MBX, flags within
 * ICEMIG_MBX_RING_F_ALL, bases ICEMIG_MBX_RING_ALIGN-aligned and non-zero
 * when their ring is enabled (icemig_stream.h).
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
	if (check_extra(st, err) || check_v11(st, err))
		return -EINVAL;
	return check_v12(st, err);
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
	    (st->has_irq && st->num_msix > ICEMIG_MAX_MSIX) ||
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
	if (st->has_vf_ext)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_vf_ext));
	if (st->has_vlan_v2)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_vlan_v2));
	if (st->has_rxq_ctx)
		*size += TLV_LEN +
			 ALIGN_UP(st->num_qps * (__u32)sizeof(struct icemig_wire_rxq_ctx));
	if (st->has_txq_ctx)
		*size += TLV_LEN +
			 ALIGN_UP(st->num_qps * (__u32)sizeof(struct icemig_wire_txq_ctx));
	if (st->has_irq)
		*size += TLV_LEN + ALIGN_UP(st->num_msix * (__u32)sizeof(struct icemig_wire_irq));
	if (st->has_mbx_ring)
		*size += TLV_LEN + ALIGN_UP((__u32)sizeof(struct icemig_wire_mbx_ring));
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

static __u8 *put_v11(__u8 *p, const struct icemig_vf_state *st)
{
	unsigned int i;
	__u8 *val;

	if (st->has_vf_ext) {
		struct icemig_wire_vf_ext w = {
			.opcodes = cpu_to_le64(st->opcodes),
			.config_gen = cpu_to_le64(st->config_gen),
			.driver_caps = cpu_to_le32(st->driver_caps),
			.min_tx_rate = cpu_to_le32(st->min_tx_rate),
			.max_tx_rate = cpu_to_le32(st->max_tx_rate),
			.port_vlan_tpid = cpu_to_le16(st->port_vlan_tpid),
			.port_vlan_prio = st->port_vlan_prio,
			.flags = (st->pf_set_mac ? ICEMIG_VF_EXT_F_PF_SET_MAC : 0) | st->promisc,
			.rss_hfunc = st->rss_hfunc,
		};

		p = put_tlv(p, ICEMIG_TLV_VF_EXT, ICEMIG_TLV_F_MANDATORY, &w, sizeof(w));
	}
	if (st->has_vlan_v2) {
		const struct icemig_vlan_v2 *v = &st->vlan_v2;
		struct icemig_wire_vlan_v2 w = {
			.filtering_outer = cpu_to_le32(v->filtering_outer),
			.filtering_inner = cpu_to_le32(v->filtering_inner),
			.stripping_outer = cpu_to_le32(v->stripping_outer),
			.stripping_inner = cpu_to_le32(v->stripping_inner),
			.insertion_outer = cpu_to_le32(v->insertion_outer),
			.insertion_inner = cpu_to_le32(v->insertion_inner),
			.max_filters = cpu_to_le16(v->max_filters),
			.strip_outer_tpid = cpu_to_le16(v->strip_outer_tpid),
			.strip_inner_tpid = cpu_to_le16(v->strip_inner_tpid),
			.insert_outer_tpid = cpu_to_le16(v->insert_outer_tpid),
			.insert_inner_tpid = cpu_to_le16(v->insert_inner_tpid),
			.flags = v->flags,
			.ethertype_match = v->ethertype_match,
		};

		p = put_tlv(p, ICEMIG_TLV_VLAN_V2, ICEMIG_TLV_F_MANDATORY, &w, sizeof(w));
	}
	if (st->has_rxq_ctx) {
		val = put_array(&p, ICEMIG_TLV_RXQ_CTX,
				st->num_qps * (__u32)sizeof(struct icemig_wire_rxq_ctx));
		for (i = 0; i < st->num_qps; i++) {
			const struct icemig_rxq_ctx *r = &st->rxctx[i];
			struct icemig_wire_rxq_ctx w = {
				.qid = cpu_to_le16(i),
				.max_frame = cpu_to_le16(r->max_frame),
				.hbuf_len = cpu_to_le16(r->hbuf_len),
				.rxdid = r->rxdid,
				.rxdid_prio = r->rxdid_prio,
				.dtype = r->dtype,
				.hsplit_0 = r->hsplit_0,
				.hsplit_1 = r->hsplit_1,
				.lrxqthresh = r->lrxqthresh,
				.flags = cpu_to_le16(r->flags),
			};

			memcpy(val + i * sizeof(w), &w, sizeof(w));
		}
	}
	if (st->has_txq_ctx) {
		val = put_array(&p, ICEMIG_TLV_TXQ_CTX,
				st->num_qps * (__u32)sizeof(struct icemig_wire_txq_ctx));
		for (i = 0; i < st->num_qps; i++) {
			struct icemig_wire_txq_ctx w = {
				.qid = cpu_to_le16(i),
				.flags = cpu_to_le16(st->txctx[i].flags),
				.cache_prof_idx = st->txctx[i].cache_prof_idx,
			};

			memcpy(val + i * sizeof(w), &w, sizeof(w));
		}
	}
	return p;
}

static __u8 *put_v12(__u8 *p, const struct icemig_vf_state *st)
{
	unsigned int i;
	__u8 *val;

	if (st->has_irq) {
		val = put_array(&p, ICEMIG_TLV_IRQ,
				st->num_msix * (__u32)sizeof(struct icemig_wire_irq));
		for (i = 0; i < st->num_msix; i++) {
			const struct icemig_irq *q = &st->irq[i];
			struct icemig_wire_irq w = {
				.vector = cpu_to_le16(i),
				.flags = q->flags,
				.itr_idx = q->itr_idx,
				.sw_itr_idx = q->sw_itr_idx,
				.interval = cpu_to_le16(q->interval),
				.itr = { cpu_to_le16(q->itr[0]), cpu_to_le16(q->itr[1]),
					 cpu_to_le16(q->itr[2]) },
			};

			memcpy(val + i * sizeof(w), &w, sizeof(w));
		}
	}
	if (st->has_mbx_ring) {
		struct icemig_wire_mbx_ring w = {
			.asq_base = cpu_to_le64(st->mbx_ring.asq_base),
			.arq_base = cpu_to_le64(st->mbx_ring.arq_base),
			.flags = cpu_to_le16(st->mbx_ring.flags),
		};

		p = put_tlv(p, ICEMIG_TLV_MBX_RING, ICEMIG_TLV_F_MANDATORY, &w, sizeof(w));
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
	p = put_v11(p, st);
	p = put_v12(p, st);

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

/* Parse RXQ_CTX or TXQ_CTX; @mask gets the queue indexes seen. */
static int get_qctx(const __u8 *val, __u32 len, __u32 off, __u16 type,
		    struct icemig_vf_state *st, __u32 *mask, struct icemig_stream_err *err)
{
	const bool rx = type == ICEMIG_TLV_RXQ_CTX;
	const __u32 esz = rx ? (__u32)sizeof(struct icemig_wire_rxq_ctx) :
			       (__u32)sizeof(struct icemig_wire_txq_ctx);
	__u32 seen = 0, n, i;

	if (len % esz)
		return fail(err, rx ? "rxq_ctx.len" : "txq_ctx.len", off);
	n = len / esz;
	if (n < 1 || n > ICEMIG_MAX_QP)
		return fail(err, rx ? "rxq_ctx.count" : "txq_ctx.count", off);
	for (i = 0; i < n; i++) {
		const __u32 eoff = off + TLV_LEN + i * esz;
		__le16 lq;
		__u16 qid;

		memcpy(&lq, val + i * esz, sizeof(lq));
		qid = le16_to_cpu(lq);
		if (qid >= ICEMIG_MAX_QP || (seen & (1u << qid)))
			return fail(err, rx ? "rxq_ctx.qid" : "txq_ctx.qid", eoff);
		seen |= 1u << qid;
		if (rx) {
			struct icemig_wire_rxq_ctx w;
			struct icemig_rxq_ctx *r = &st->rxctx[qid];

			memcpy(&w, val + i * esz, sizeof(w));
			if (w.reserved)
				return fail(err, "rxq_ctx.reserved", eoff);
			r->max_frame = le16_to_cpu(w.max_frame);
			r->hbuf_len = le16_to_cpu(w.hbuf_len);
			r->rxdid = w.rxdid;
			r->rxdid_prio = w.rxdid_prio;
			r->dtype = w.dtype;
			r->hsplit_0 = w.hsplit_0;
			r->hsplit_1 = w.hsplit_1;
			r->lrxqthresh = w.lrxqthresh;
			r->flags = le16_to_cpu(w.flags);
		} else {
			struct icemig_wire_txq_ctx w;

			memcpy(&w, val + i * esz, sizeof(w));
			if (w.reserved[0] || w.reserved[1] || w.reserved[2])
				return fail(err, "txq_ctx.reserved", eoff);
			st->txctx[qid].flags = le16_to_cpu(w.flags);
			st->txctx[qid].cache_prof_idx = w.cache_prof_idx;
		}
	}
	if (rx)
		st->has_rxq_ctx = 1;
	else
		st->has_txq_ctx = 1;
	*mask = seen;
	return 0;
}

static int get_vf_ext(const __u8 *val, __u32 len, __u32 off, struct icemig_vf_state *st,
		      struct icemig_stream_err *err)
{
	struct icemig_wire_vf_ext w;

	if (len != sizeof(w))
		return fail(err, "vf_ext.len", off);
	memcpy(&w, val, sizeof(w));
	if (w.flags & ~ICEMIG_VF_EXT_F_ALL)
		return fail(err, "vf_ext.flags", off);
	if (!mem_zero(w.reserved, sizeof(w.reserved)))
		return fail(err, "vf_ext.reserved", off);
	st->has_vf_ext = 1;
	st->opcodes = le64_to_cpu(w.opcodes);
	st->config_gen = le64_to_cpu(w.config_gen);
	st->driver_caps = le32_to_cpu(w.driver_caps);
	st->min_tx_rate = le32_to_cpu(w.min_tx_rate);
	st->max_tx_rate = le32_to_cpu(w.max_tx_rate);
	st->port_vlan_tpid = le16_to_cpu(w.port_vlan_tpid);
	st->port_vlan_prio = w.port_vlan_prio;
	st->pf_set_mac = !!(w.flags & ICEMIG_VF_EXT_F_PF_SET_MAC);
	st->promisc = w.flags & (ICEMIG_VF_EXT_F_UC_PROMISC | ICEMIG_VF_EXT_F_MC_PROMISC);
	st->rss_hfunc = w.rss_hfunc;
	return 0;
}

static int get_vlan_v2(const __u8 *val, __u32 len, __u32 off, struct icemig_vf_state *st,
		       struct icemig_stream_err *err)
{
	struct icemig_vlan_v2 *v = &st->vlan_v2;
	struct icemig_wire_vlan_v2 w;

	if (len != sizeof(w))
		return fail(err, "vlan_v2.len", off);
	memcpy(&w, val, sizeof(w));
	if (w.reserved)
		return fail(err, "vlan_v2.reserved", off);
	st->has_vlan_v2 = 1;
	v->filtering_outer = le32_to_cpu(w.filtering_outer);
	v->filtering_inner = le32_to_cpu(w.filtering_inner);
	v->stripping_outer = le32_to_cpu(w.stripping_outer);
	v->stripping_inner = le32_to_cpu(w.stripping_inner);
	v->insertion_outer = le32_to_cpu(w.insertion_outer);
	v->insertion_inner = le32_to_cpu(w.insertion_inner);
	v->max_filters = le16_to_cpu(w.max_filters);
	v->strip_outer_tpid = le16_to_cpu(w.strip_outer_tpid);
	v->strip_inner_tpid = le16_to_cpu(w.strip_inner_tpid);
	v->insert_outer_tpid = le16_to_cpu(w.insert_outer_tpid);
	v->insert_inner_tpid = le16_to_cpu(w.insert_inner_tpid);
	v->flags = w.flags;
	v->ethertype_match = w.ethertype_match;
	return 0;
}

/* Parse IRQ (vector indexes checked here, ranges later); @mask: vectors seen. */
static int get_irq(const __u8 *val, __u32 len, __u32 off, struct icemig_vf_state *st,
		   __u8 *mask, struct icemig_stream_err *err)
{
	const __u32 esz = sizeof(struct icemig_wire_irq);
	__u32 n, i;

	if (len % esz)
		return fail(err, "irq.len", off);
	n = len / esz;
	if (n < 1 || n > ICEMIG_MAX_MSIX)
		return fail(err, "irq.count", off);
	for (i = 0; i < n; i++) {
		const __u32 eoff = off + TLV_LEN + i * esz;
		struct icemig_wire_irq w;
		struct icemig_irq *q;
		__u16 v;

		memcpy(&w, val + i * esz, sizeof(w));
		v = le16_to_cpu(w.vector);
		if (v >= ICEMIG_MAX_MSIX || (mask[v / 8] & (1u << (v % 8))))
			return fail(err, "irq.vector", eoff);
		mask[v / 8] |= 1u << (v % 8);
		if (w.reserved0 || w.reserved)
			return fail(err, "irq.reserved", eoff);
		q = &st->irq[v];
		q->flags = w.flags;
		q->itr_idx = w.itr_idx;
		q->sw_itr_idx = w.sw_itr_idx;
		q->interval = le16_to_cpu(w.interval);
		q->itr[0] = le16_to_cpu(w.itr[0]);
		q->itr[1] = le16_to_cpu(w.itr[1]);
		q->itr[2] = le16_to_cpu(w.itr[2]);
	}
	st->has_irq = 1;
	return 0;
}

static int get_mbx_ring(const __u8 *val, __u32 len, __u32 off, struct icemig_vf_state *st,
			struct icemig_stream_err *err)
{
	struct icemig_wire_mbx_ring w;

	if (len != sizeof(w))
		return fail(err, "mbx_ring.len", off);
	memcpy(&w, val, sizeof(w));
	if (!mem_zero(w.reserved, sizeof(w.reserved)))
		return fail(err, "mbx_ring.reserved", off);
	st->has_mbx_ring = 1;
	st->mbx_ring.asq_base = le64_to_cpu(w.asq_base);
	st->mbx_ring.arq_base = le64_to_cpu(w.arq_base);
	st->mbx_ring.flags = le16_to_cpu(w.flags);
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
	__u32 rxcmask = 0, txcmask = 0;
	__u8 irqmask[(ICEMIG_MAX_MSIX + 7) / 8] = { 0 };
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
		case ICEMIG_TLV_VF_EXT:
			ret = get_vf_ext(val, vlen, off, st, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_VLAN_V2:
			ret = get_vlan_v2(val, vlen, off, st, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_RXQ_CTX:
			ret = get_qctx(val, vlen, off, type, st, &rxcmask, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_TXQ_CTX:
			ret = get_qctx(val, vlen, off, type, st, &txcmask, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_IRQ:
			ret = get_irq(val, vlen, off, st, irqmask, err);
			if (ret)
				return ret;
			break;
		case ICEMIG_TLV_MBX_RING:
			ret = get_mbx_ring(val, vlen, off, st, err);
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
	if (st->has_rxq_ctx && rxcmask != (1u << st->num_qps) - 1)
		return fail(err, "rxq_ctx.count", total);
	if (st->has_txq_ctx && txcmask != (1u << st->num_qps) - 1)
		return fail(err, "txq_ctx.count", total);
	/* IRQ: exactly vectors 0 .. num_msix - 1, each once. */
	if (st->has_irq) {
		__u32 i;

		if (st->num_msix > ICEMIG_MAX_MSIX)
			return fail(err, "vf_info.num_msix", HDR_LEN);
		for (i = st->num_msix; i < ICEMIG_MAX_MSIX; i++)
			if (irqmask[i / 8] & (1u << (i % 8)))
				return fail(err, "irq.vector", total);
		for (i = 0; i < st->num_msix; i++)
			if (!(irqmask[i / 8] & (1u << (i % 8))))
				return fail(err, "irq.count", total);
	}
	return icemig_state_check(st, err);
}
EXPORT_SYMBOL_NS_GPL(icemig_stream_decode, ICEMIG);

