// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * ice_mig_xlate: ice's view of a VF <-> struct icemig_vf_state.
 * See ice_mig_xlate.h. Shared by kernel and user space builds.
 *
 * Everything read from an image or from ice is checked before it lands in
 * a state: a state these functions build passes icemig_state_check() for
 * the members they fill (the unit tests check that).
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include "include/icemig_user.h"
#endif

#include "ice_mig_xlate.h"

/* A table entry of member @m of the Rx / Tx mirror (a member name, no expression). */
#define RX(m, lsb, width) { #m, lsb, width, offsetof(struct icemig_xlate_rlan_ctx, m), \
			    sizeof(((struct icemig_xlate_rlan_ctx *)0)->m) }
#define TX(m, lsb, width) { #m, lsb, width, offsetof(struct icemig_xlate_tlan_ctx, m), \
			    sizeof(((struct icemig_xlate_tlan_ctx *)0)->m) }

/* Rx queue context, by bit position (Linux 6.12 ice_rlan_ctx_info). */
static const struct icemig_xlate_field rx_fields[] = {
	/*  field		first bit  bits */
	RX(head,		0,	13),
	RX(cpuid,		13,	8),
	RX(base,		32,	57),
	RX(qlen,		89,	13),
	RX(dbuf,		102,	7),
	RX(hbuf,		109,	5),
	RX(dtype,		114,	2),
	RX(dsize,		116,	1),
	RX(crcstrip,		117,	1),
	RX(l2tsel,		119,	1),
	RX(hsplit_0,		120,	4),
	RX(hsplit_1,		124,	2),
	RX(showiv,		127,	1),
	RX(rxmax,		174,	14),
	RX(tphrdesc_ena,	193,	1),
	RX(tphwdesc_ena,	194,	1),
	RX(tphdata_ena,		195,	1),
	RX(tphhead_ena,		196,	1),
	RX(lrxqthresh,		198,	3),
	RX(prefena,		201,	1),
};

/* Tx queue context, by bit position (Linux 6.12 ice_tlan_ctx_info). */
static const struct icemig_xlate_field tx_fields[] = {
	/*  field			first bit  bits */
	TX(base,			0,	57),
	TX(port_num,			57,	3),
	TX(cgd_num,			60,	5),
	TX(pf_num,			65,	3),
	TX(vmvf_num,			68,	10),
	TX(vmvf_type,			78,	2),
	TX(src_vsi,			80,	10),
	TX(tsyn_ena,			90,	1),
	TX(internal_usage_flag,		91,	1),
	TX(alt_vlan,			92,	1),
	TX(cpuid,			93,	8),
	TX(wb_mode,			101,	1),
	TX(tphrd_desc,			102,	1),
	TX(tphrd,			103,	1),
	TX(tphwr_desc,			104,	1),
	TX(cmpq_id,			105,	9),
	TX(qnum_in_func,		114,	14),
	TX(itr_notification_mode,	128,	1),
	TX(adjust_prof_id,		129,	6),
	TX(qlen,			135,	13),
	TX(quanta_prof_idx,		148,	4),
	TX(tso_ena,			152,	1),
	TX(tso_qnum,			153,	11),
	TX(legacy_int,			164,	1),
	TX(drop_ena,			165,	1),
	TX(cache_prof_idx,		166,	2),
	TX(pkt_shaper_prof_idx,		168,	3),
};

static int fail(struct icemig_stream_err *err, const char *what)
{
	if (err) {
		err->what = what;
		err->offset = 0;
	}
	return -EINVAL;
}

/**
 * icemig_xlate_rxq_fields() - the Rx queue context field table
 * @n: out, number of entries
 *
 * Return: the table (static, ordered by first bit).
 */
const struct icemig_xlate_field *icemig_xlate_rxq_fields(unsigned int *n)
{
	*n = ARRAY_SIZE(rx_fields);
	return rx_fields;
}

/**
 * icemig_xlate_txq_fields() - the Tx queue context field table
 * @n: out, number of entries
 *
 * Return: the table (static, ordered by first bit).
 */
const struct icemig_xlate_field *icemig_xlate_txq_fields(unsigned int *n)
{
	*n = ARRAY_SIZE(tx_fields);
	return tx_fields;
}

static __u64 get_member(const void *obj, const struct icemig_xlate_field *f)
{
	const __u8 *p = (const __u8 *)obj + f->offset;
	__u64 v64;
	__u32 v32;
	__u16 v16;

	switch (f->size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void set_member(void *obj, const struct icemig_xlate_field *f, __u64 v)
{
	__u8 *p = (__u8 *)obj + f->offset;
	__u32 v32 = (__u32)v;
	__u16 v16 = (__u16)v;

	switch (f->size) {
	case 1:
		*p = (__u8)v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* Bit by bit: the images are small and the layout then needs no care. */
static int pack(const struct icemig_xlate_field *tab, unsigned int n, const void *obj,
		__u8 *buf, unsigned int len, struct icemig_stream_err *err)
{
	unsigned int i, b;

	for (i = 0; i < n; i++) {
		__u64 v = get_member(obj, &tab[i]);

		if (tab[i].width < 64 && (v >> tab[i].width))
			return fail(err, tab[i].name);
	}
	memset(buf, 0, len);
	for (i = 0; i < n; i++) {
		__u64 v = get_member(obj, &tab[i]);

		for (b = 0; b < tab[i].width; b++) {
			unsigned int bit = tab[i].lsb + b;

			if ((v >> b) & 1)
				buf[bit / 8] |= (__u8)(1u << (bit % 8));
		}
	}
	return 0;
}

static void unpack(const struct icemig_xlate_field *tab, unsigned int n, const __u8 *buf,
		   void *obj)
{
	unsigned int i, b;

	for (i = 0; i < n; i++) {
		__u64 v = 0;

		for (b = 0; b < tab[i].width; b++) {
			unsigned int bit = tab[i].lsb + b;

			if (buf[bit / 8] & (1u << (bit % 8)))
				v |= 1ull << b;
		}
		set_member(obj, &tab[i], v);
	}
}

static void fill_mask(const struct icemig_xlate_field *tab, unsigned int n, __u8 *m,
		      unsigned int len)
{
	unsigned int i, b;

	memset(m, 0, len);
	for (i = 0; i < n; i++)
		for (b = 0; b < tab[i].width; b++)
			m[(tab[i].lsb + b) / 8] |= (__u8)(1u << ((tab[i].lsb + b) % 8));
}

/**
 * icemig_xlate_rxq_ctx_pack() - build a QRX_CONTEXT image
 * @ctx: context, hardware units
 * @buf: out, ICEMIG_XLATE_RXQ_CTX_LEN bytes; bits of no field are zero
 * @err: optional, names the field that does not fit
 *
 * Return: 0, or -EINVAL if a member is wider than its field (@buf is then
 * unchanged).
 */
int icemig_xlate_rxq_ctx_pack(const struct icemig_xlate_rlan_ctx *ctx,
			      __u8 buf[ICEMIG_XLATE_RXQ_CTX_LEN], struct icemig_stream_err *err)
{
	return pack(rx_fields, ARRAY_SIZE(rx_fields), ctx, buf, ICEMIG_XLATE_RXQ_CTX_LEN, err);
}

/**
 * icemig_xlate_rxq_ctx_unpack() - read a QRX_CONTEXT image
 * @buf: ICEMIG_XLATE_RXQ_CTX_LEN bytes, any content
 * @ctx: out, every member set from its field; bits of no field are ignored
 */
void icemig_xlate_rxq_ctx_unpack(const __u8 buf[ICEMIG_XLATE_RXQ_CTX_LEN],
				 struct icemig_xlate_rlan_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	unpack(rx_fields, ARRAY_SIZE(rx_fields), buf, ctx);
}

/**
 * icemig_xlate_rxq_ctx_mask() - the bits of an Rx image that belong to a field
 * @mask: out, ICEMIG_XLATE_RXQ_CTX_LEN bytes
 */
void icemig_xlate_rxq_ctx_mask(__u8 mask[ICEMIG_XLATE_RXQ_CTX_LEN])
{
	fill_mask(rx_fields, ARRAY_SIZE(rx_fields), mask, ICEMIG_XLATE_RXQ_CTX_LEN);
}

/**
 * icemig_xlate_txq_ctx_pack() - build a Tx queue context image
 * @ctx: context, hardware units
 * @buf: out, ICEMIG_XLATE_TXQ_CTX_LEN bytes; bits of no field are zero
 * @err: optional, names the field that does not fit
 *
 * Return: 0, or -EINVAL if a member is wider than its field (@buf is then
 * unchanged).
 */
int icemig_xlate_txq_ctx_pack(const struct icemig_xlate_tlan_ctx *ctx,
			      __u8 buf[ICEMIG_XLATE_TXQ_CTX_LEN], struct icemig_stream_err *err)
{
	return pack(tx_fields, ARRAY_SIZE(tx_fields), ctx, buf, ICEMIG_XLATE_TXQ_CTX_LEN, err);
}

/**
 * icemig_xlate_txq_ctx_unpack() - read a Tx queue context image
 * @buf: ICEMIG_XLATE_TXQ_CTX_LEN bytes, any content
 * @ctx: out, every member set from its field; bits of no field are ignored
 */
void icemig_xlate_txq_ctx_unpack(const __u8 buf[ICEMIG_XLATE_TXQ_CTX_LEN],
				 struct icemig_xlate_tlan_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	unpack(tx_fields, ARRAY_SIZE(tx_fields), buf, ctx);
}

/**
 * icemig_xlate_txq_ctx_mask() - the bits of a Tx image that belong to a field
 * @mask: out, ICEMIG_XLATE_TXQ_CTX_LEN bytes
 */
void icemig_xlate_txq_ctx_mask(__u8 mask[ICEMIG_XLATE_TXQ_CTX_LEN])
{
	fill_mask(tx_fields, ARRAY_SIZE(tx_fields), mask, ICEMIG_XLATE_TXQ_CTX_LEN);
}

/* The ring rules of icemig_state_check(), for a configured queue. */
static int ring_ok(__u64 base_units, __u32 qlen, __u16 head, __u16 tail)
{
	if (qlen < ICEMIG_RING_LEN_MIN || qlen > ICEMIG_RING_LEN_MAX ||
	    qlen % ICEMIG_RING_LEN_ALIGN)
		return 0;
	if (head >= qlen || tail >= qlen)
		return 0;
	/* base << 7 must not lose bits: 57-bit field, 64-bit address. */
	return !(base_units >> (64 - ICEMIG_XLATE_BASE_SHIFT));
}

/**
 * icemig_xlate_rxq_to_state() - an Rx queue as the stream models it
 * @ctx: the queue's context (unpacked QRX_CONTEXT)
 * @rxdid: QRXFLXP_CNTXT RXDID_IDX of the queue
 * @rxdid_prio: QRXFLXP_CNTXT RXDID_PRIO of the queue
 * @tail: the tail's value (the QRX_TAIL register's content, not its offset)
 * @enabled: the queue is enabled (QRX_CTRL QENA_STAT)
 * @q: out, base/ring_len/head/tail/buf_len/flags
 * @x: out, the 1.1 details (struct icemig_rxq_ctx)
 * @err: optional, names what does not fit
 *
 * A context with qlen 0 is an unconfigured queue: @q and @x are zeroed.
 * The head is the context's head field (Linux 6.12 ice_rlan_ctx.head).
 *
 * Return: 0, or -EINVAL if the context is outside the model (ring length
 * not 64..8160 in steps of 32, head or tail outside the ring, RXDID or
 * priority wider than their register fields).
 */
int icemig_xlate_rxq_to_state(const struct icemig_xlate_rlan_ctx *ctx, __u8 rxdid,
			      __u8 rxdid_prio, __u16 tail, bool enabled, struct icemig_queue *q,
			      struct icemig_rxq_ctx *x, struct icemig_stream_err *err)
{
	memset(q, 0, sizeof(*q));
	memset(x, 0, sizeof(*x));
	if (!ctx->qlen)
		return 0;
	if (!ring_ok(ctx->base, ctx->qlen, ctx->head, tail))
		return fail(err, "rxq.context");
	if (rxdid > ICEMIG_RXDID_MAX || rxdid_prio > 7)
		return fail(err, "rxq_ctx.rxdid");
	if (ctx->dbuf > 0x7f || ctx->hbuf > 0x1f || ctx->rxmax > ICEMIG_RX_MAX_FRAME_MAX ||
	    ctx->dtype > 3 || ctx->hsplit_0 > 15 || ctx->hsplit_1 > 3 || ctx->lrxqthresh > 7 ||
	    ctx->dsize > 1 || ctx->crcstrip > 1 || ctx->l2tsel > 1 || ctx->showiv > 1 ||
	    ctx->prefena > 1 || ctx->tphrdesc_ena > 1 || ctx->tphwdesc_ena > 1 ||
	    ctx->tphdata_ena > 1 || ctx->tphhead_ena > 1)
		return fail(err, "rxq_ctx.field");
	q->base = ctx->base << ICEMIG_XLATE_BASE_SHIFT;
	q->ring_len = ctx->qlen;
	q->head = ctx->head;
	q->tail = tail;
	q->buf_len = (__u16)(ctx->dbuf << ICEMIG_XLATE_DBUF_SHIFT);
	q->flags = enabled ? ICEMIG_QUEUE_F_ENABLED : 0;
	x->max_frame = (__u16)ctx->rxmax;
	x->hbuf_len = (__u16)(ctx->hbuf << ICEMIG_XLATE_HBUF_SHIFT);
	x->rxdid = rxdid;
	x->rxdid_prio = rxdid_prio;
	x->dtype = ctx->dtype;
	x->hsplit_0 = ctx->hsplit_0;
	x->hsplit_1 = ctx->hsplit_1;
	x->lrxqthresh = (__u8)ctx->lrxqthresh;
	x->flags = (ctx->dsize ? ICEMIG_RXQ_CTX_F_DSIZE_32 : 0) |
		   (ctx->crcstrip ? ICEMIG_RXQ_CTX_F_CRCSTRIP : 0) |
		   (ctx->l2tsel ? ICEMIG_RXQ_CTX_F_L2TSEL : 0) |
		   (ctx->showiv ? ICEMIG_RXQ_CTX_F_SHOWIV : 0) |
		   (ctx->prefena ? ICEMIG_RXQ_CTX_F_PREFENA : 0) |
		   (ctx->tphrdesc_ena ? ICEMIG_RXQ_CTX_F_TPH_RDESC : 0) |
		   (ctx->tphwdesc_ena ? ICEMIG_RXQ_CTX_F_TPH_WDESC : 0) |
		   (ctx->tphdata_ena ? ICEMIG_RXQ_CTX_F_TPH_DATA : 0) |
		   (ctx->tphhead_ena ? ICEMIG_RXQ_CTX_F_TPH_HEAD : 0);
	return 0;
}

/**
 * icemig_xlate_rxq_from_state() - the Rx context to program for a queue
 * @q: the queue (a configured one: ring_len != 0)
 * @x: its 1.1 details, or NULL when the stream has none (a 1.0 stream):
 *	the detail fields then come from @local
 * @local: the context the destination would set up itself for this queue
 *	(cpuid, and the details when @x is NULL)
 * @ctx: out, the context to write (QRX_CONTEXT, head included)
 * @rxdid: out, RXDID_IDX for QRXFLXP_CNTXT (@local has none: 0 without @x)
 * @rxdid_prio: out, RXDID_PRIO for QRXFLXP_CNTXT
 * @err: optional, names what does not fit
 *
 * Return: 0, or -EINVAL if @q or @x cannot be expressed in the context
 * (base not 128-byte aligned, buffer size not a multiple of 128 bytes or
 * beyond 16256, header buffer not a multiple of 64 or beyond 1984, ring
 * rules of icemig_state_check()).
 */
int icemig_xlate_rxq_from_state(const struct icemig_queue *q, const struct icemig_rxq_ctx *x,
				const struct icemig_xlate_rlan_ctx *local,
				struct icemig_xlate_rlan_ctx *ctx, __u8 *rxdid, __u8 *rxdid_prio,
				struct icemig_stream_err *err)
{
	if (q->base & ((1u << ICEMIG_XLATE_BASE_SHIFT) - 1) ||
	    !ring_ok(q->base >> ICEMIG_XLATE_BASE_SHIFT, q->ring_len, q->head, q->tail))
		return fail(err, "rxq.context");
	if (q->buf_len & ((1u << ICEMIG_XLATE_DBUF_SHIFT) - 1) ||
	    (q->buf_len >> ICEMIG_XLATE_DBUF_SHIFT) > 0x7f)
		return fail(err, "rxq.buf_len");
	if (x && (x->hbuf_len % ICEMIG_RX_HBUF_UNIT || x->hbuf_len > ICEMIG_RX_HBUF_MAX ||
		  x->max_frame > ICEMIG_RX_MAX_FRAME_MAX || x->rxdid > ICEMIG_RXDID_MAX ||
		  x->rxdid_prio > 7 || x->dtype > 3 || x->hsplit_0 > 15 || x->hsplit_1 > 3 ||
		  x->lrxqthresh > 7 || (x->flags & ~ICEMIG_RXQ_CTX_F_ALL)))
		return fail(err, "rxq_ctx.field");
	*ctx = *local;
	ctx->base = q->base >> ICEMIG_XLATE_BASE_SHIFT;
	ctx->qlen = q->ring_len;
	ctx->head = q->head;
	ctx->dbuf = q->buf_len >> ICEMIG_XLATE_DBUF_SHIFT;
	*rxdid = 0;
	*rxdid_prio = 0;
	if (!x)
		return 0;
	*rxdid = x->rxdid;
	*rxdid_prio = x->rxdid_prio;
	ctx->rxmax = x->max_frame;
	ctx->hbuf = x->hbuf_len >> ICEMIG_XLATE_HBUF_SHIFT;
	ctx->dtype = x->dtype;
	ctx->hsplit_0 = x->hsplit_0;
	ctx->hsplit_1 = x->hsplit_1;
	ctx->lrxqthresh = x->lrxqthresh;
	ctx->dsize = !!(x->flags & ICEMIG_RXQ_CTX_F_DSIZE_32);
	ctx->crcstrip = !!(x->flags & ICEMIG_RXQ_CTX_F_CRCSTRIP);
	ctx->l2tsel = !!(x->flags & ICEMIG_RXQ_CTX_F_L2TSEL);
	ctx->showiv = !!(x->flags & ICEMIG_RXQ_CTX_F_SHOWIV);
	ctx->prefena = !!(x->flags & ICEMIG_RXQ_CTX_F_PREFENA);
	ctx->tphrdesc_ena = !!(x->flags & ICEMIG_RXQ_CTX_F_TPH_RDESC);
	ctx->tphwdesc_ena = !!(x->flags & ICEMIG_RXQ_CTX_F_TPH_WDESC);
	ctx->tphdata_ena = !!(x->flags & ICEMIG_RXQ_CTX_F_TPH_DATA);
	ctx->tphhead_ena = !!(x->flags & ICEMIG_RXQ_CTX_F_TPH_HEAD);
	return 0;
}

/* Tx context bits carried as ICEMIG_TXQ_CTX_F_* flags. */
static const struct {
	__u8 offset;
	__u16 flag;
} tx_flag_map[] = {
	{ offsetof(struct icemig_xlate_tlan_ctx, tsyn_ena), ICEMIG_TXQ_CTX_F_TSYN_ENA },
	{ offsetof(struct icemig_xlate_tlan_ctx, alt_vlan), ICEMIG_TXQ_CTX_F_ALT_VLAN },
	{ offsetof(struct icemig_xlate_tlan_ctx, wb_mode), ICEMIG_TXQ_CTX_F_WB_MODE },
	{ offsetof(struct icemig_xlate_tlan_ctx, tphrd_desc), ICEMIG_TXQ_CTX_F_TPHRD_DESC },
	{ offsetof(struct icemig_xlate_tlan_ctx, tphrd), ICEMIG_TXQ_CTX_F_TPHRD },
	{ offsetof(struct icemig_xlate_tlan_ctx, tphwr_desc), ICEMIG_TXQ_CTX_F_TPHWR_DESC },
	{ offsetof(struct icemig_xlate_tlan_ctx, itr_notification_mode),
	  ICEMIG_TXQ_CTX_F_ITR_NOTIF },
	{ offsetof(struct icemig_xlate_tlan_ctx, tso_ena), ICEMIG_TXQ_CTX_F_TSO_ENA },
	{ offsetof(struct icemig_xlate_tlan_ctx, legacy_int), ICEMIG_TXQ_CTX_F_LEGACY_INT },
	{ offsetof(struct icemig_xlate_tlan_ctx, drop_ena), ICEMIG_TXQ_CTX_F_DROP_ENA },
};

/**
 * icemig_xlate_txq_to_state() - a Tx queue as the stream models it
 * @ctx: the queue's context (unpacked)
 * @head: the head (QTX_COMM_HEAD HEAD, read before the ring was stopped)
 * @tail: the tail's value (what the VF last wrote to its doorbell)
 * @enabled: the queue is enabled
 * @q: out, base/ring_len/head/tail/flags (buf_len 0)
 * @x: out, the carried context bits (struct icemig_txq_ctx)
 * @err: optional, names what does not fit
 *
 * A context with qlen 0 is an unconfigured queue: @q and @x are zeroed.
 *
 * Return: 0, or -EINVAL if the context is outside the model (ring rules
 * of icemig_state_check(), a one-bit field above 1, cache_prof_idx above 3).
 */
int icemig_xlate_txq_to_state(const struct icemig_xlate_tlan_ctx *ctx, __u16 head, __u16 tail,
			      bool enabled, struct icemig_queue *q, struct icemig_txq_ctx *x,
			      struct icemig_stream_err *err)
{
	unsigned int i;

	memset(q, 0, sizeof(*q));
	memset(x, 0, sizeof(*x));
	if (!ctx->qlen)
		return 0;
	if (ctx->qlen > 0xffff || !ring_ok(ctx->base, ctx->qlen, head, tail))
		return fail(err, "txq.context");
	if (ctx->cache_prof_idx > 3)
		return fail(err, "txq_ctx.field");
	for (i = 0; i < ARRAY_SIZE(tx_flag_map); i++) {
		__u8 v = *((const __u8 *)ctx + tx_flag_map[i].offset);

		if (v > 1)
			return fail(err, "txq_ctx.field");
		if (v)
			x->flags |= tx_flag_map[i].flag;
	}
	q->base = ctx->base << ICEMIG_XLATE_BASE_SHIFT;
	q->ring_len = (__u16)ctx->qlen;
	q->head = head;
	q->tail = tail;
	q->flags = enabled ? ICEMIG_QUEUE_F_ENABLED : 0;
	x->cache_prof_idx = ctx->cache_prof_idx;
	return 0;
}

/**
 * icemig_xlate_txq_from_state() - the Tx context to program for a queue
 * @q: the queue (a configured one: ring_len != 0)
 * @x: its carried bits, or NULL when the stream has none (1.0): they then
 *	come from @local
 * @local: the context the destination sets up itself for this queue; the
 *	host-resource fields (ice_mig_xlate.h) always come from it
 * @ctx: out, the context to write. The head is not part of it: restore
 *	@q->head separately.
 * @err: optional, names what does not fit
 *
 * Return: 0, or -EINVAL if @q or @x cannot be expressed in the context.
 */
int icemig_xlate_txq_from_state(const struct icemig_queue *q, const struct icemig_txq_ctx *x,
				const struct icemig_xlate_tlan_ctx *local,
				struct icemig_xlate_tlan_ctx *ctx, struct icemig_stream_err *err)
{
	unsigned int i;

	if (q->base & ((1u << ICEMIG_XLATE_BASE_SHIFT) - 1) ||
	    !ring_ok(q->base >> ICEMIG_XLATE_BASE_SHIFT, q->ring_len, q->head, q->tail))
		return fail(err, "txq.context");
	if (x && ((x->flags & ~ICEMIG_TXQ_CTX_F_ALL) || x->cache_prof_idx > 3))
		return fail(err, "txq_ctx.field");
	*ctx = *local;
	ctx->base = q->base >> ICEMIG_XLATE_BASE_SHIFT;
	ctx->qlen = q->ring_len;
	if (!x)
		return 0;
	for (i = 0; i < ARRAY_SIZE(tx_flag_map); i++)
		*((__u8 *)ctx + tx_flag_map[i].offset) = !!(x->flags & tx_flag_map[i].flag);
	ctx->cache_prof_idx = x->cache_prof_idx;
	return 0;
}

/**
 * icemig_xlate_vf_to_state() - fill the VF info of a state
 * @vi: what ice keeps for the VF
 * @st: out: mac, trust, spoofchk, link_state, port_vlan, num_qps,
 *	num_msix, vc_api_major/minor, vc_caps and the VF_EXT members
 *	(has_vf_ext set; config_gen is left as it was: the provider's counter)
 * @err: optional, names what does not fit
 *
 * Link: not forced is ICEMIG_LINK_AUTO, forced up ICEMIG_LINK_ENABLE,
 * forced down ICEMIG_LINK_DISABLE (ice_set_vf_link_state()).
 *
 * Return: 0, or -EINVAL when a value is outside the model (multicast MAC,
 * a flag above 1, queue pairs outside 1..16, more than 65 vectors, VLAN ID
 * above 4095, priority above 7, a TPID other than 0x8100/0x88a8 with a
 * port VLAN or one without, virtchnl version above 65535, min rate above
 * max rate, promiscuous mode on an untrusted VF). @st may then be partly
 * written.
 */
int icemig_xlate_vf_to_state(const struct icemig_xlate_vf_info *vi, struct icemig_vf_state *st,
			     struct icemig_stream_err *err)
{
	const bool pvlan = vi->port_vlan_vid || vi->port_vlan_prio;

	if (vi->mac[0] & 1)
		return fail(err, "vf_info.mac");
	if (vi->pf_set_mac > 1 || vi->trusted > 1 || vi->spoofchk > 1 || vi->link_forced > 1 ||
	    vi->link_up > 1 || vi->uc_promisc > 1 || vi->mc_promisc > 1)
		return fail(err, "vf_info.flag");
	if (vi->num_qps < 1 || vi->num_qps > ICEMIG_MAX_QP)
		return fail(err, "vf_info.num_qps");
	if (vi->num_msix > ICEMIG_MAX_MSIX)
		return fail(err, "vf_info.num_msix");
	if (vi->port_vlan_vid > 4095)
		return fail(err, "vf_info.port_vlan");
	if (vi->port_vlan_prio > 7)
		return fail(err, "vf_ext.port_vlan_prio");
	if (pvlan ? (vi->port_vlan_tpid != 0x8100 && vi->port_vlan_tpid != 0x88a8) :
		    vi->port_vlan_tpid != 0)
		return fail(err, "vf_ext.port_vlan_tpid");
	if (vi->vf_ver_major > 0xffff || vi->vf_ver_minor > 0xffff)
		return fail(err, "vf_info.vc_api");
	if (vi->max_tx_rate && vi->min_tx_rate > vi->max_tx_rate)
		return fail(err, "vf_ext.tx_rate");
	if ((vi->uc_promisc || vi->mc_promisc) && !vi->trusted)
		return fail(err, "vf_ext.promisc_untrusted");
	memcpy(st->mac, vi->mac, 6);
	st->trust = vi->trusted;
	st->spoofchk = vi->spoofchk;
	st->link_state = !vi->link_forced ? ICEMIG_LINK_AUTO :
			 vi->link_up ? ICEMIG_LINK_ENABLE : ICEMIG_LINK_DISABLE;
	st->port_vlan = vi->port_vlan_vid;
	st->num_qps = vi->num_qps;
	st->num_msix = vi->num_msix;
	st->vc_api_major = (__u16)vi->vf_ver_major;
	st->vc_api_minor = (__u16)vi->vf_ver_minor;
	st->vc_caps = vi->vf_cap_flags;
	st->has_vf_ext = 1;
	st->pf_set_mac = vi->pf_set_mac;
	st->promisc = (vi->uc_promisc ? ICEMIG_VF_EXT_F_UC_PROMISC : 0) |
		      (vi->mc_promisc ? ICEMIG_VF_EXT_F_MC_PROMISC : 0);
	st->port_vlan_prio = vi->port_vlan_prio;
	st->port_vlan_tpid = vi->port_vlan_tpid;
	st->driver_caps = vi->driver_caps;
	st->min_tx_rate = vi->min_tx_rate;
	st->max_tx_rate = vi->max_tx_rate;
	st->opcodes = vi->opcodes;
	return 0;
}

/**
 * icemig_xlate_vf_from_state() - the VF info to restore from a state
 * @st: a state icemig_state_check() accepted
 * @vi: out. From a 1.0 state (no VF_EXT) the 1.1 members are zero but the
 *	port VLAN TPID, which is 0x8100 when a port VLAN is set (1.0 carried
 *	VLAN IDs only, with the 802.1Q TPID implied).
 */
void icemig_xlate_vf_from_state(const struct icemig_vf_state *st,
				struct icemig_xlate_vf_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	memcpy(vi->mac, st->mac, 6);
	vi->trusted = st->trust;
	vi->spoofchk = st->spoofchk;
	vi->link_forced = st->link_state != ICEMIG_LINK_AUTO;
	vi->link_up = st->link_state == ICEMIG_LINK_ENABLE;
	vi->port_vlan_vid = st->port_vlan;
	vi->num_qps = st->num_qps;
	vi->num_msix = st->num_msix;
	vi->vf_ver_major = st->vc_api_major;
	vi->vf_ver_minor = st->vc_api_minor;
	vi->vf_cap_flags = st->vc_caps;
	vi->pf_set_mac = st->pf_set_mac;
	vi->uc_promisc = !!(st->promisc & ICEMIG_VF_EXT_F_UC_PROMISC);
	vi->mc_promisc = !!(st->promisc & ICEMIG_VF_EXT_F_MC_PROMISC);
	vi->port_vlan_prio = st->port_vlan_prio;
	vi->port_vlan_tpid = st->port_vlan_tpid;
	if (!st->has_vf_ext && st->port_vlan)
		vi->port_vlan_tpid = 0x8100;
	vi->driver_caps = st->driver_caps;
	vi->min_tx_rate = st->min_tx_rate;
	vi->max_tx_rate = st->max_tx_rate;
	vi->opcodes = st->opcodes;
}

/**
 * icemig_xlate_macs_to_state() - the VF's MAC filter list
 * @addrs: the MAC addresses of the VF VSI's filters, 6 bytes each, back to
 *	back, any order
 * @n: addresses at @addrs
 * @st: in: @st->mac (a filter equal to it is marked ICEMIG_MAC_F_PRIMARY);
 *	out: num_macs and macs[], in the order given
 * @err: optional, names what does not fit
 *
 * The broadcast filter is skipped: the PF adds it to every VF VSI itself
 * (ice_vf_rebuild_host_mac_cfg()).
 *
 * Return: 0; -EINVAL for an all-zero or a repeated address; -ENOSPC for
 * more than ICEMIG_MAX_MAC_FILTERS. On error @st's filters are left empty.
 */
int icemig_xlate_macs_to_state(const __u8 *addrs, unsigned int n,
			       struct icemig_vf_state *st, struct icemig_stream_err *err)
{
	static const __u8 zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int i, j, k = 0;

	st->num_macs = 0;
	memset(st->macs, 0, sizeof(st->macs));
	for (i = 0; i < n; i++) {
		const __u8 *a = addrs + 6 * i;

		if (!memcmp(a, bcast, 6))
			continue;
		if (!memcmp(a, zero, 6))
			goto bad_addr;
		for (j = 0; j < k; j++)
			if (!memcmp(st->macs[j].addr, a, 6))
				goto bad_dup;
		if (k == ICEMIG_MAX_MAC_FILTERS) {
			memset(st->macs, 0, sizeof(st->macs));
			fail(err, "mac_filters.count");
			return -ENOSPC;
		}
		memcpy(st->macs[k].addr, a, 6);
		st->macs[k].flags = memcmp(a, st->mac, 6) ? 0 : ICEMIG_MAC_F_PRIMARY;
		k++;
	}
	st->num_macs = k;
	return 0;
bad_dup:
	memset(st->macs, 0, sizeof(st->macs));
	return fail(err, "mac_filters.duplicate");
bad_addr:
	memset(st->macs, 0, sizeof(st->macs));
	return fail(err, "mac_filters.addr");
}

/**
 * icemig_xlate_vlans_to_state() - the VF's VLAN filter list
 * @vids: VLAN IDs of the VF VSI's VLAN filters, any order, repeats allowed
 *	(the same ID with two TPIDs in double VLAN mode is one entry here:
 *	the stream's filters are IDs; the TPIDs follow from VLAN_V2)
 * @n: entries at @vids
 * @st: out: num_vlans and vlans[], sorted, unique
 * @err: optional, names what does not fit
 *
 * VLAN 0 is skipped: the PF adds that filter to every VF VSI itself
 * (ice_vsi_add_vlan_zero()).
 *
 * Return: 0; -EINVAL for an ID above 4095; -ENOSPC for more than
 * ICEMIG_MAX_VLAN_FILTERS distinct IDs. On error @st's filters are empty.
 */
int icemig_xlate_vlans_to_state(const __u16 *vids, unsigned int n, struct icemig_vf_state *st,
				struct icemig_stream_err *err)
{
	unsigned int i, j, k = 0;

	st->num_vlans = 0;
	memset(st->vlans, 0, sizeof(st->vlans));
	for (i = 0; i < n; i++) {
		__u16 v = vids[i];

		if (v > 4095) {
			memset(st->vlans, 0, sizeof(st->vlans));
			return fail(err, "vlan_filters.vid");
		}
		if (!v)
			continue;
		/* insertion into the sorted prefix, dropping repeats */
		for (j = 0; j < k && st->vlans[j] < v; j++)
			;
		if (j < k && st->vlans[j] == v)
			continue;
		if (k == ICEMIG_MAX_VLAN_FILTERS) {
			memset(st->vlans, 0, sizeof(st->vlans));
			fail(err, "vlan_filters.count");
			return -ENOSPC;
		}
		memmove(&st->vlans[j + 1], &st->vlans[j], (k - j) * sizeof(st->vlans[0]));
		st->vlans[j] = v;
		k++;
	}
	st->num_vlans = k;
	return 0;
}

/* ICE_AQ_VSI_Q_OPT_RSS_HASH_* (Linux 6.12 ice_adminq_cmd.h) */
#define ICE_HASH_TPLZ		0
#define ICE_HASH_SYM_TPLZ	1
#define ICE_HASH_XOR		2
/* enum virtchnl_rss_algorithm (Linux 6.12 virtchnl.h) */
#define VC_RSS_TOEPLITZ_ASYM	0
#define VC_RSS_R_ASYM		1
#define VC_RSS_TOEPLITZ_SYM	2
#define VC_RSS_XOR_SYM		3

/**
 * icemig_xlate_rss_hfunc_from_ice() - the stream's hash function of a VSI
 * @ice_hfunc: the VF VSI's hash function (vsi->rss_hfunc,
 *	ICE_AQ_VSI_Q_OPT_RSS_HASH_*)
 *
 * Return: the enum virtchnl_rss_algorithm value for ICEMIG_VF_EXT's
 * rss_hfunc (Toeplitz 0, symmetric Toeplitz 2, XOR 3), or -EINVAL for a
 * function virtchnl cannot name (JHASH).
 */
int icemig_xlate_rss_hfunc_from_ice(__u8 ice_hfunc)
{
	switch (ice_hfunc) {
	case ICE_HASH_TPLZ:
		return VC_RSS_TOEPLITZ_ASYM;
	case ICE_HASH_SYM_TPLZ:
		return VC_RSS_TOEPLITZ_SYM;
	case ICE_HASH_XOR:
		return VC_RSS_XOR_SYM;
	}
	return -EINVAL;
}

/**
 * icemig_xlate_rss_hfunc_to_ice() - the VSI hash function to restore
 * @alg: the stream's rss_hfunc (enum virtchnl_rss_algorithm, 0..3)
 *
 * Return: ICE_AQ_VSI_Q_OPT_RSS_HASH_* value. As Linux 6.12
 * ice_vc_config_rss_hfunc() does, R_ASYMMETRIC (1) is Toeplitz; XOR (3) is
 * XOR, the inverse of icemig_xlate_rss_hfunc_from_ice().
 */
__u8 icemig_xlate_rss_hfunc_to_ice(__u8 alg)
{
	switch (alg) {
	case VC_RSS_TOEPLITZ_SYM:
		return ICE_HASH_SYM_TPLZ;
	case VC_RSS_XOR_SYM:
		return ICE_HASH_XOR;
	case VC_RSS_R_ASYM:
	default:
		return ICE_HASH_TPLZ;
	}
}

/* GLINT_DYN_CTL bits 23:17 and 29:27 */
#define DYN_CTL_RSVD	(~(ICEMIG_XLATE_DYN_CTL_INTENA | ICEMIG_XLATE_DYN_CTL_WO | \
			   ICEMIG_XLATE_DYN_CTL_ITR_INDX_M | ICEMIG_XLATE_DYN_CTL_INTERVAL_M | \
			   ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_ENA | \
			   ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_M | ICEMIG_XLATE_DYN_CTL_WB_ON_ITR))

/**
 * icemig_xlate_irq_to_state() - one vector's interrupt registers as the
 * stream models them
 * @dyn_ctl: the vector's GLINT_DYN_CTL as read
 * @itr: its GLINT_ITR(0..2) as read
 * @out: out: flags (INTENA, WB_ON_ITR, SW_ITR_INDX_ENA), itr_idx
 *	(ITR_INDX, 0..3, 3 being ICEMIG_ITR_NONE), sw_itr_idx (SW_ITR_INDX,
 *	0..3), interval (INTERVAL) and itr[] (GLINT_ITR INTERVAL); intervals in
 *	units of ICEMIG_ITR_GRAN_US (2) microseconds, as the registers count
 * @err: optional, names what does not fit
 *
 * The write-only bits of @dyn_ctl (CLEARPBA, SWINT_TRIG, INTENA_MSK) are
 * commands, not state: whatever a read returns for them is ignored.
 *
 * Return: 0, or -EINVAL when a reserved bit is set ("irq.dyn_ctl": bits
 * 23:17, 29:27; "irq.itr": GLINT_ITR bits 31:12); @out is then unchanged.
 */
int icemig_xlate_irq_to_state(__u32 dyn_ctl, const __u32 itr[3], struct icemig_irq *out,
			      struct icemig_stream_err *err)
{
	unsigned int i;

	if (dyn_ctl & DYN_CTL_RSVD)
		return fail(err, "irq.dyn_ctl");
	for (i = 0; i < 3; i++)
		if (itr[i] & ~ICEMIG_XLATE_ITR_INTERVAL_M)
			return fail(err, "irq.itr");
	memset(out, 0, sizeof(*out));
	if (dyn_ctl & ICEMIG_XLATE_DYN_CTL_INTENA)
		out->flags |= ICEMIG_IRQ_F_INTENA;
	if (dyn_ctl & ICEMIG_XLATE_DYN_CTL_WB_ON_ITR)
		out->flags |= ICEMIG_IRQ_F_WB_ON_ITR;
	if (dyn_ctl & ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_ENA)
		out->flags |= ICEMIG_IRQ_F_SW_ITR_ENA;
	out->itr_idx = (dyn_ctl & ICEMIG_XLATE_DYN_CTL_ITR_INDX_M) >>
		       ICEMIG_XLATE_DYN_CTL_ITR_INDX_S;
	out->sw_itr_idx = (dyn_ctl & ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_M) >>
			  ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_S;
	out->interval = (dyn_ctl & ICEMIG_XLATE_DYN_CTL_INTERVAL_M) >>
			ICEMIG_XLATE_DYN_CTL_INTERVAL_S;
	for (i = 0; i < 3; i++)
		out->itr[i] = itr[i];
	return 0;
}

/**
 * icemig_xlate_irq_from_state() - the interrupt registers to write for a
 * vector
 * @in: the vector's state (struct icemig_irq, units as in
 *	icemig_xlate_irq_to_state())
 * @dyn_ctl: out, GLINT_DYN_CTL; its write-only bits (CLEARPBA, SWINT_TRIG,
 *	INTENA_MSK) and reserved bits are zero
 * @itr: out, GLINT_ITR(0..2)
 * @err: optional, names what does not fit
 *
 * Return: 0, or -EINVAL when a field is outside its register field
 * ("irq.flags": a bit outside ICEMIG_IRQ_F_ALL; "irq.itr_idx",
 * "irq.sw_itr_idx": above 3; "irq.interval", "irq.itr": above
 * ICEMIG_ITR_INTERVAL_MAX); the outputs are then unchanged.
 */
int icemig_xlate_irq_from_state(const struct icemig_irq *in, __u32 *dyn_ctl, __u32 itr[3],
				struct icemig_stream_err *err)
{
	unsigned int i;
	__u32 v = 0;

	if (in->flags & ~ICEMIG_IRQ_F_ALL)
		return fail(err, "irq.flags");
	if (in->itr_idx > 3)
		return fail(err, "irq.itr_idx");
	if (in->sw_itr_idx > 3)
		return fail(err, "irq.sw_itr_idx");
	if (in->interval > ICEMIG_ITR_INTERVAL_MAX)
		return fail(err, "irq.interval");
	for (i = 0; i < 3; i++)
		if (in->itr[i] > ICEMIG_ITR_INTERVAL_MAX)
			return fail(err, "irq.itr");
	if (in->flags & ICEMIG_IRQ_F_INTENA)
		v |= ICEMIG_XLATE_DYN_CTL_INTENA;
	if (in->flags & ICEMIG_IRQ_F_WB_ON_ITR)
		v |= ICEMIG_XLATE_DYN_CTL_WB_ON_ITR;
	if (in->flags & ICEMIG_IRQ_F_SW_ITR_ENA)
		v |= ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_ENA;
	v |= (__u32)in->itr_idx << ICEMIG_XLATE_DYN_CTL_ITR_INDX_S;
	v |= (__u32)in->sw_itr_idx << ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_S;
	v |= (__u32)in->interval << ICEMIG_XLATE_DYN_CTL_INTERVAL_S;
	*dyn_ctl = v;
	for (i = 0; i < 3; i++)
		itr[i] = in->itr[i];
	return 0;
}

/* xQLEN bits 27:10 */
#define MBX_LEN_RSVD	(~(ICEMIG_XLATE_MBX_LEN_M | ICEMIG_XLATE_MBX_LEN_ERR | \
			   ICEMIG_XLATE_MBX_LEN_ENABLE))

/* One mailbox queue's registers: reserved bits clear? */
static int mbx_regs_ok(__u32 bal, __u32 len, __u32 head, __u32 tail, const char *rbase,
		       const char *rlen, const char *rptr, struct icemig_stream_err *err)
{
	if (bal & ~ICEMIG_XLATE_MBX_BAL_M)
		return fail(err, rbase);
	if (len & MBX_LEN_RSVD)
		return fail(err, rlen);
	if ((head | tail) & ~ICEMIG_XLATE_MBX_PTR_M)
		return fail(err, rptr);
	return 0;
}

/**
 * icemig_xlate_mbx_to_state() - a VF's mailbox as the stream models it
 * @r: the ten VF_MBX_* registers, as read
 * @pos: out: asq_len/head/tail (ATQLEN LEN, ATQH, ATQT) and arq_len/
 *	head/tail (ARQLEN LEN, ARQH, ARQT), in descriptors; last_opcode is
 *	not a register and is left as it was
 * @ring: out: asq_base (ATQBAH:ATQBAL) and arq_base (ARQBAH:ARQBAL), guest
 *	DMA addresses in bytes; flags ICEMIG_MBX_RING_F_ASQ_ENA (ATQLEN bit 31)
 *	and ICEMIG_MBX_RING_F_ARQ_ENA (ARQLEN bit 31)
 * @err: optional, names what does not fit
 *
 * A mailbox with either length 0 was never set up (or was shut down: the
 * VF driver clears the lengths) and the stream carries none: the lengths,
 * heads and tails in @pos and all of @ring are then zero, and the caller
 * leaves has_mbx and has_mbx_ring clear. The error bits of xQLEN (VFE,
 * OVFL, CRIT, bits 30:28) are events the VF driver reports and clears when
 * it next reads the register (Linux 6.12 iavf_adminq_task()); the stream
 * has no field for them and they are ignored here (the caller may log
 * them: ICEMIG_XLATE_MBX_LEN_ERR).
 *
 * Return: 0, or -EINVAL ("mbx_ring.asq_base", "mbx_ring.arq_base": address
 * bits in xQBAL 5:0, or an enabled queue without a base; "mbx.asq_len",
 * "mbx.arq_len": xQLEN bits 27:10 set; "mbx.asq_ptr", "mbx.arq_ptr": head
 * or tail bits 31:10 set; "mbx.asq", "mbx.arq": head or tail not below the
 * length). @pos and @ring are then unchanged.
 */
int icemig_xlate_mbx_to_state(const struct icemig_xlate_mbx_regs *r, struct icemig_mbx *pos,
			      struct icemig_mbx_ring *ring, struct icemig_stream_err *err)
{
	__u16 alen = r->atq_len & ICEMIG_XLATE_MBX_LEN_M;
	__u16 rlen = r->arq_len & ICEMIG_XLATE_MBX_LEN_M;
	__u64 abase = (__u64)r->atq_bah << 32 | r->atq_bal;
	__u64 rbase = (__u64)r->arq_bah << 32 | r->arq_bal;
	bool aena = r->atq_len & ICEMIG_XLATE_MBX_LEN_ENABLE;
	bool rena = r->arq_len & ICEMIG_XLATE_MBX_LEN_ENABLE;
	int ret;

	ret = mbx_regs_ok(r->atq_bal, r->atq_len, r->atq_head, r->atq_tail, "mbx_ring.asq_base",
			  "mbx.asq_len", "mbx.asq_ptr", err);
	if (!ret)
		ret = mbx_regs_ok(r->arq_bal, r->arq_len, r->arq_head, r->arq_tail,
				  "mbx_ring.arq_base", "mbx.arq_len", "mbx.arq_ptr", err);
	if (ret)
		return ret;
	if (!alen || !rlen) {
		pos->asq_len = 0;
		pos->asq_head = 0;
		pos->asq_tail = 0;
		pos->arq_len = 0;
		pos->arq_head = 0;
		pos->arq_tail = 0;
		memset(ring, 0, sizeof(*ring));
		return 0;
	}
	if (r->atq_head >= alen || r->atq_tail >= alen)
		return fail(err, "mbx.asq");
	if (r->arq_head >= rlen || r->arq_tail >= rlen)
		return fail(err, "mbx.arq");
	if (aena && !abase)
		return fail(err, "mbx_ring.asq_base");
	if (rena && !rbase)
		return fail(err, "mbx_ring.arq_base");
	pos->asq_len = alen;
	pos->asq_head = (__u16)r->atq_head;
	pos->asq_tail = (__u16)r->atq_tail;
	pos->arq_len = rlen;
	pos->arq_head = (__u16)r->arq_head;
	pos->arq_tail = (__u16)r->arq_tail;
	memset(ring, 0, sizeof(*ring));
	ring->asq_base = abase;
	ring->arq_base = rbase;
	ring->flags = (aena ? ICEMIG_MBX_RING_F_ASQ_ENA : 0) |
		      (rena ? ICEMIG_MBX_RING_F_ARQ_ENA : 0);
	return 0;
}

/* One mailbox queue of a state: does it fit its registers? */
static int mbx_queue_ok(__u16 len, __u16 head, __u16 tail, __u64 base, bool ena,
			const char *rlen, const char *rpos, const char *rbase,
			struct icemig_stream_err *err)
{
	if (!len || len > ICEMIG_XLATE_MBX_LEN_M)
		return fail(err, rlen);
	if (head >= len || tail >= len)
		return fail(err, rpos);
	if (base % ICEMIG_MBX_RING_ALIGN || (ena && !base))
		return fail(err, rbase);
	return 0;
}

/**
 * icemig_xlate_mbx_from_state() - the mailbox registers to write for a VF
 * @pos: the mailbox positions (the stream's MBX), lengths in descriptors
 * @ring: the ring addresses and enable bits (the stream's MBX_RING)
 * @r: out, the ten VF_MBX_* values: xQBAL/xQBAH the base's low/high 32
 *	bits, xQLEN the length with bit 31 set for an enabled queue (error
 *	bits clear), xQH/xQT the head and tail
 * @err: optional, names what does not fit
 *
 * Return: 0, or -EINVAL ("mbx.asq_len", "mbx.arq_len": length 0 or above
 * 1023, what the 10-bit LEN field holds, although the stream allows
 * ICEMIG_MBX_LEN_MAX (1024); "mbx.asq", "mbx.arq": head or tail not below
 * the length; "mbx_ring.asq_base", "mbx_ring.arq_base": base not
 * ICEMIG_MBX_RING_ALIGN aligned, or 0 for an enabled queue;
 * "mbx_ring.flags": a bit outside ICEMIG_MBX_RING_F_ALL). @r is then
 * unchanged.
 */
int icemig_xlate_mbx_from_state(const struct icemig_mbx *pos,
				const struct icemig_mbx_ring *ring,
				struct icemig_xlate_mbx_regs *r, struct icemig_stream_err *err)
{
	bool aena = ring->flags & ICEMIG_MBX_RING_F_ASQ_ENA;
	bool rena = ring->flags & ICEMIG_MBX_RING_F_ARQ_ENA;
	int ret;

	if (ring->flags & ~ICEMIG_MBX_RING_F_ALL)
		return fail(err, "mbx_ring.flags");
	ret = mbx_queue_ok(pos->asq_len, pos->asq_head, pos->asq_tail, ring->asq_base, aena,
			   "mbx.asq_len", "mbx.asq", "mbx_ring.asq_base", err);
	if (!ret)
		ret = mbx_queue_ok(pos->arq_len, pos->arq_head, pos->arq_tail, ring->arq_base,
				   rena, "mbx.arq_len", "mbx.arq", "mbx_ring.arq_base", err);
	if (ret)
		return ret;
	r->atq_bal = (__u32)ring->asq_base;
	r->atq_bah = (__u32)(ring->asq_base >> 32);
	r->atq_len = pos->asq_len | (aena ? ICEMIG_XLATE_MBX_LEN_ENABLE : 0);
	r->atq_head = pos->asq_head;
	r->atq_tail = pos->asq_tail;
	r->arq_bal = (__u32)ring->arq_base;
	r->arq_bah = (__u32)(ring->arq_base >> 32);
	r->arq_len = pos->arq_len | (rena ? ICEMIG_XLATE_MBX_LEN_ENABLE : 0);
	r->arq_head = pos->arq_head;
	r->arq_tail = pos->arq_tail;
	return 0;
}
