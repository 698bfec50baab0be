// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of kernel/ice_mig_xlate.c (ice's queue contexts, VF info and
 * filter lists <-> struct icemig_vf_state), built in user space from the
 * source the kernel modules use.
 *
 * The expected bit positions below are written out by hand from the E810
 * Rx/Tx queue context layout as Linux 6.12 describes it (ice_common.c,
 * ice_rlan_ctx_info and ice_tlan_ctx_info), independently of the table in
 * ice_mig_xlate.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "../../kernel/ice_mig_xlate.h"

#define RXL ICEMIG_XLATE_RXQ_CTX_LEN
#define TXL ICEMIG_XLATE_TXQ_CTX_LEN

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t maxval(unsigned int width)
{
	return width >= 64 ? ~0ull : (1ull << width) - 1;
}

static void set_field(void *obj, const struct icemig_xlate_field *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)obj + f->offset;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (f->size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
	}
}

static bool bit(const uint8_t *b, unsigned int n)
{
	return b[n / 8] & (1u << (n % 8));
}

static unsigned int popcount(const uint8_t *b, unsigned int len)
{
	unsigned int i, n = 0;

	for (i = 0; i < len * 8; i++)
		n += bit(b, i);
	return n;
}

/* Pack and unpack through the generic interface of one table. */
struct kind {
	const char *name;
	const struct icemig_xlate_field *(*fields)(unsigned int *n);
	unsigned int len; /* image bytes */
	size_t objsz;
	int (*pack)(const void *obj, uint8_t *buf, struct icemig_stream_err *err);
	void (*unpack)(const uint8_t *buf, void *obj);
	void (*mask)(uint8_t *m);
};

static int rx_pack(const void *o, uint8_t *b, struct icemig_stream_err *e)
{
	return icemig_xlate_rxq_ctx_pack(o, b, e);
}

static void rx_unpack(const uint8_t *b, void *o)
{
	icemig_xlate_rxq_ctx_unpack(b, o);
}

static int tx_pack(const void *o, uint8_t *b, struct icemig_stream_err *e)
{
	return icemig_xlate_txq_ctx_pack(o, b, e);
}

static void tx_unpack(const uint8_t *b, void *o)
{
	icemig_xlate_txq_ctx_unpack(b, o);
}

static const struct kind kinds[] = {
	{ "rx", icemig_xlate_rxq_fields, RXL, sizeof(struct icemig_xlate_rlan_ctx), rx_pack,
	  rx_unpack, icemig_xlate_rxq_ctx_mask },
	{ "tx", icemig_xlate_txq_fields, TXL, sizeof(struct icemig_xlate_tlan_ctx), tx_pack,
	  tx_unpack, icemig_xlate_txq_ctx_mask },
};

/* Fields within the image and their storage, sorted, never overlapping. */
static void test_tables(void **state)
{
	unsigned int k, i, b;

	(void)state;
	for (k = 0; k < 2; k++) {
		const struct kind *kd = &kinds[k];
		uint8_t used[RXL] = { 0 }, m[RXL];
		unsigned int n, sum = 0;
		const struct icemig_xlate_field *f = kd->fields(&n);

		assert_int_equal(n, k ? 27 : 20);
		for (i = 0; i < n; i++) {
			assert_true(f[i].width >= 1);
			assert_true(f[i].width <= f[i].size * 8u);
			assert_true(f[i].offset + f[i].size <= kd->objsz);
			assert_true(f[i].lsb + f[i].width <= kd->len * 8u);
			if (i)
				assert_true(f[i].lsb >= f[i - 1].lsb + f[i - 1].width);
			for (b = f[i].lsb; b < f[i].lsb + f[i].width; b++) {
				assert_false(bit(used, b)); /* no overlap */
				used[b / 8] |= 1u << (b % 8);
			}
			sum += f[i].width;
		}
		kd->mask(m);
		assert_memory_equal(m, used, kd->len);
		assert_int_equal(popcount(m, kd->len), sum);
	}
}

/* A few positions of the 6.12 layout, written out independently. */
static void test_known_positions(void **state)
{
	struct icemig_xlate_rlan_ctx rx;
	struct icemig_xlate_tlan_ctx tx;
	uint8_t b[RXL];

	(void)state;
	memset(&rx, 0, sizeof(rx));
	rx.base = 1; /* bit 32 */
	rx.qlen = 1; /* bit 89 */
	rx.rxmax = 1; /* bit 174 */
	rx.prefena = 1; /* bit 201 */
	rx.head = 0x1fff; /* bits 0..12 */
	assert_int_equal(icemig_xlate_rxq_ctx_pack(&rx, b, NULL), 0);
	assert_int_equal(b[4], 0x01);
	assert_int_equal(b[11], 0x02);
	assert_int_equal(b[21], 0x40);
	assert_int_equal(b[25], 0x02);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0x1f);
	assert_int_equal(popcount(b, RXL), 4 + 13);

	memset(&tx, 0, sizeof(tx));
	tx.base = 1; /* bit 0 */
	tx.port_num = 1; /* bit 57 */
	tx.qlen = 1; /* bit 135 */
	tx.pkt_shaper_prof_idx = 4; /* bit 170, the last one */
	tx.itr_notification_mode = 1; /* bit 128 */
	assert_int_equal(icemig_xlate_txq_ctx_pack(&tx, b, NULL), 0);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[7], 0x02);
	assert_int_equal(b[16], 0x81);
	assert_int_equal(b[21], 0x04);
	assert_int_equal(popcount(b, TXL), 5);
}

/*
 * Each field alone at its maximum: exactly its bits are set, and it comes
 * back alone. One more than the maximum is refused naming the field, and
 * the image is left untouched.
 */
static void test_each_field_max(void **state)
{
	unsigned int k, i, b;

	(void)state;
	for (k = 0; k < 2; k++) {
		const struct kind *kd = &kinds[k];
		unsigned int n;
		const struct icemig_xlate_field *f = kd->fields(&n);

		for (i = 0; i < n; i++) {
			uint8_t obj[128], back[128], img[RXL], keep[RXL];
			struct icemig_stream_err err = { 0 };

			memset(obj, 0, sizeof(obj));
			set_field(obj, &f[i], maxval(f[i].width));
			assert_int_equal(kd->pack(obj, img, NULL), 0);
			assert_int_equal(popcount(img, kd->len), f[i].width);
			for (b = f[i].lsb; b < f[i].lsb + f[i].width; b++)
				assert_true(bit(img, b));
			memset(back, 0xee, sizeof(back));
			kd->unpack(img, back);
			assert_memory_equal(back, obj, kd->objsz);

			if (f[i].width == f[i].size * 8u)
				continue; /* nothing above the maximum */
			set_field(obj, &f[i], maxval(f[i].width) + 1);
			memset(img, 0x5a, sizeof(img));
			memcpy(keep, img, sizeof(img));
			assert_int_equal(kd->pack(obj, img, &err), -EINVAL);
			assert_string_equal(err.what, f[i].name);
			assert_memory_equal(img, keep, sizeof(img));
		}
	}
}

/* unpack(pack(x)) == x for random in-range values and for all-ones. */
static void test_random_roundtrip(void **state)
{
	unsigned int k, i, it;

	(void)state;
	for (k = 0; k < 2; k++) {
		const struct kind *kd = &kinds[k];
		unsigned int n;
		const struct icemig_xlate_field *f = kd->fields(&n);

		for (it = 0; it < 5000; it++) {
			uint8_t obj[128], back[128], img[RXL];

			memset(obj, 0, sizeof(obj));
			for (i = 0; i < n; i++)
				set_field(obj, &f[i],
					  it == 0 ? maxval(f[i].width) :
						    rnd() & maxval(f[i].width));
			assert_int_equal(kd->pack(obj, img, NULL), 0);
			kd->unpack(img, back);
			assert_memory_equal(back, obj, kd->objsz);
		}
	}
}

/* pack(unpack(b)) == b & mask for random images: undefined bits drop. */
static void test_image_roundtrip(void **state)
{
	unsigned int k, i, it;

	(void)state;
	for (k = 0; k < 2; k++) {
		const struct kind *kd = &kinds[k];

		for (it = 0; it < 5000; it++) {
			uint8_t img[RXL], m[RXL], out[RXL], obj[128];

			for (i = 0; i < kd->len; i++)
				img[i] = it == 0 ? 0xff : (uint8_t)rnd();
			kd->unpack(img, obj);
			assert_int_equal(kd->pack(obj, out, NULL), 0);
			kd->mask(m);
			for (i = 0; i < kd->len; i++)
				assert_int_equal(out[i], img[i] & m[i]);
		}
	}
}

/* A state holding 1 queue pair; the tests put queue 0 in. */
static void base_state(struct icemig_vf_state *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->mac, "\x02\x00\x00\x00\x00\x01", 6);
	st->num_qps = 1;
	st->num_msix = 2;
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
}

static void rx_example(struct icemig_xlate_rlan_ctx *c, bool edge)
{
	memset(c, 0, sizeof(*c));
	c->base = edge ? maxval(57) : 0x12345;
	c->qlen = edge ? ICEMIG_RING_LEN_MAX : 1024;
	c->head = edge ? ICEMIG_RING_LEN_MAX - 1 : 9;
	c->dbuf = edge ? 0x7f : 2048 >> 7;
	c->hbuf = edge ? 0x1f : 0;
	c->dtype = edge ? 3 : 0;
	c->dsize = 1;
	c->crcstrip = 1;
	c->l2tsel = edge;
	c->hsplit_0 = edge ? 15 : 0;
	c->hsplit_1 = edge ? 3 : 0;
	c->showiv = edge;
	c->rxmax = edge ? ICEMIG_RX_MAX_FRAME_MAX : 9728;
	c->tphrdesc_ena = 1;
	c->tphwdesc_ena = 1;
	c->tphdata_ena = edge;
	c->tphhead_ena = edge;
	c->lrxqthresh = edge ? 7 : 1;
	c->prefena = 1;
	c->cpuid = 0x21;
}

/*
 * Hardware image -> unpack -> state -> stream -> decode -> context ->
 * pack: the image comes back, but the cpuid, which is the destination's.
 */
static void test_rxq_state_roundtrip(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; e < 2; e++) {
		struct icemig_xlate_rlan_ctx c, u, local, back;
		struct icemig_stream_err err = { 0 };
		struct icemig_vf_state st, st2;
		uint8_t img[RXL], img2[RXL], buf[4096];
		uint8_t rxdid, prio;
		uint32_t len;

		rx_example(&c, e);
		assert_int_equal(icemig_xlate_rxq_ctx_pack(&c, img, NULL), 0);
		icemig_xlate_rxq_ctx_unpack(img, &u);
		base_state(&st);
		assert_int_equal(icemig_xlate_rxq_to_state(&u, e ? 63 : 22, e ? 7 : 3,
							   e ? ICEMIG_RING_LEN_MAX - 2 : 1000, true,
							   &st.rxq[0], &st.rxctx[0], &err),
				 0);
		st.txq[0] = (struct icemig_queue){ .base = 0x1000, .ring_len = 64 };
		assert_int_equal(icemig_state_check(&st, &err), 0);
		assert_int_equal(st.rxq[0].buf_len, e ? 16256 : 2048);
		assert_int_equal(st.rxctx[0].hbuf_len, e ? 1984 : 0);
		assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), 0);
		assert_int_equal(icemig_stream_decode(buf, len, &st2, &err), 0);

		memset(&local, 0, sizeof(local));
		local.cpuid = 0x42;
		assert_int_equal(icemig_xlate_rxq_from_state(&st2.rxq[0], &st2.rxctx[0], &local,
							     &back, &rxdid, &prio, &err),
				 0);
		assert_int_equal(rxdid, e ? 63 : 22);
		assert_int_equal(prio, e ? 7 : 3);
		assert_int_equal(back.cpuid, 0x42);
		back.cpuid = c.cpuid;
		assert_memory_equal(&back, &c, sizeof(c));
		assert_int_equal(icemig_xlate_rxq_ctx_pack(&back, img2, NULL), 0);
		assert_memory_equal(img2, img, RXL);
	}
}

static void test_rxq_refused(void **state)
{
	struct icemig_xlate_rlan_ctx c, local, out;
	struct icemig_stream_err err = { 0 };
	struct icemig_queue q;
	struct icemig_rxq_ctx x;
	uint8_t rxdid, prio;

	(void)state;
	/* Unconfigured: zero out, nothing else. */
	memset(&c, 0, sizeof(c));
	c.rxmax = 1500;
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, false, &q, &x, NULL), 0);
	assert_int_equal(q.ring_len, 0);
	assert_int_equal(x.max_frame, 0);
	/* Ring rules. */
	rx_example(&c, false);
	c.qlen = 1000;
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, true, &q, &x, &err), -EINVAL);
	assert_string_equal(err.what, "rxq.context");
	rx_example(&c, false);
	c.qlen = 32;
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, true, &q, &x, NULL), -EINVAL);
	rx_example(&c, false);
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 1024, true, &q, &x, NULL), -EINVAL);
	c.head = 1024;
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, true, &q, &x, NULL), -EINVAL);
	rx_example(&c, false);
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 64, 0, 0, true, &q, &x, &err), -EINVAL);
	assert_string_equal(err.what, "rxq_ctx.rxdid");
	/* A mirror filled by hand beyond a field's width. */
	c.dsize = 2;
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, true, &q, &x, &err), -EINVAL);
	assert_string_equal(err.what, "rxq_ctx.field");

	/* State values the context cannot hold. */
	rx_example(&c, false);
	assert_int_equal(icemig_xlate_rxq_to_state(&c, 2, 0, 0, true, &q, &x, NULL), 0);
	memset(&local, 0, sizeof(local));
	q.base |= 0x40;
	assert_int_equal(icemig_xlate_rxq_from_state(&q, &x, &local, &out, &rxdid, &prio, &err),
			 -EINVAL);
	assert_string_equal(err.what, "rxq.context");
	q.base &= ~0x7full;
	q.buf_len = 2000;
	assert_int_equal(icemig_xlate_rxq_from_state(&q, &x, &local, &out, &rxdid, &prio, &err),
			 -EINVAL);
	assert_string_equal(err.what, "rxq.buf_len");
	q.buf_len = 16384;
	assert_int_equal(icemig_xlate_rxq_from_state(&q, &x, &local, &out, &rxdid, &prio, NULL),
			 -EINVAL);
	q.buf_len = 2048;
	x.hbuf_len = 96;
	assert_int_equal(icemig_xlate_rxq_from_state(&q, &x, &local, &out, &rxdid, &prio, &err),
			 -EINVAL);
	assert_string_equal(err.what, "rxq_ctx.field");
	/* Without details (a 1.0 stream) they come from the local context. */
	local = c;
	local.rxmax = 1522;
	local.cpuid = 9;
	assert_int_equal(icemig_xlate_rxq_from_state(&q, NULL, &local, &out, &rxdid, &prio, NULL),
			 0);
	assert_int_equal(out.rxmax, 1522);
	assert_int_equal(out.cpuid, 9);
	assert_int_equal(out.qlen, 1024);
	assert_int_equal(rxdid, 0);
}

static void tx_example(struct icemig_xlate_tlan_ctx *c, bool edge)
{
	unsigned int n, i;
	const struct icemig_xlate_field *f = icemig_xlate_txq_fields(&n);

	memset(c, 0, sizeof(*c));
	/* Host fields: all ones (edge) or distinctive small values. */
	for (i = 0; i < n; i++)
		set_field(c, &f[i], edge ? maxval(f[i].width) : (i % 2));
	c->base = edge ? maxval(57) : 0x2468;
	c->qlen = edge ? ICEMIG_RING_LEN_MAX : 512;
}

static void test_txq_state_roundtrip(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; e < 2; e++) {
		struct icemig_xlate_tlan_ctx c, u, local, back;
		struct icemig_stream_err err = { 0 };
		struct icemig_vf_state st, st2;
		uint8_t img[TXL], img2[TXL], buf[4096];
		uint32_t len;

		tx_example(&c, e);
		assert_int_equal(icemig_xlate_txq_ctx_pack(&c, img, NULL), 0);
		icemig_xlate_txq_ctx_unpack(img, &u);
		base_state(&st);
		assert_int_equal(icemig_xlate_txq_to_state(&u, e ? ICEMIG_RING_LEN_MAX - 1 : 7, 42,
							   true, &st.txq[0], &st.txctx[0], &err),
				 0);
		st.rxq[0] = (struct icemig_queue){ .base = 0x1000, .ring_len = 64 };
		assert_int_equal(icemig_state_check(&st, &err), 0);
		assert_int_equal(st.txctx[0].flags,
				 /* every context bit; TAIL_UNKNOWN is the provider's */
				 e     ? ICEMIG_TXQ_CTX_F_ALL & ~ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN :
					 /* odd table indexes are 1 */
					 ICEMIG_TXQ_CTX_F_TSYN_ENA | ICEMIG_TXQ_CTX_F_ALT_VLAN |
						 ICEMIG_TXQ_CTX_F_WB_MODE | ICEMIG_TXQ_CTX_F_TPHRD |
						 ICEMIG_TXQ_CTX_F_ITR_NOTIF |
						 ICEMIG_TXQ_CTX_F_TSO_ENA |
						 ICEMIG_TXQ_CTX_F_LEGACY_INT);
		assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), 0);
		assert_int_equal(icemig_stream_decode(buf, len, &st2, &err), 0);
		assert_int_equal(st2.txq[0].head, e ? ICEMIG_RING_LEN_MAX - 1 : 7);

		/* The destination's own host fields: those of the source here. */
		local = c;
		local.tsyn_ena = !c.tsyn_ena; /* carried: comes from the state */
		local.cache_prof_idx = 0;
		local.base = 0;
		local.qlen = 0;
		assert_int_equal(icemig_xlate_txq_from_state(&st2.txq[0], &st2.txctx[0], &local,
							     &back, &err),
				 0);
		assert_memory_equal(&back, &c, sizeof(c));
		assert_int_equal(icemig_xlate_txq_ctx_pack(&back, img2, NULL), 0);
		assert_memory_equal(img2, img, TXL);

		/* Another host: host fields differ, carried ones do not. */
		memset(&local, 0, sizeof(local));
		local.src_vsi = 77;
		local.qnum_in_func = 300;
		assert_int_equal(icemig_xlate_txq_from_state(&st2.txq[0], &st2.txctx[0], &local,
							     &back, NULL),
				 0);
		assert_int_equal(back.src_vsi, 77);
		assert_int_equal(back.qnum_in_func, 300);
		assert_int_equal(back.port_num, 0);
		assert_int_equal(back.tso_ena, c.tso_ena);
		assert_int_equal(back.drop_ena, c.drop_ena);
		assert_int_equal(back.cache_prof_idx, c.cache_prof_idx);
		assert_int_equal(back.base, c.base);
	}
}

static void test_txq_refused(void **state)
{
	struct icemig_xlate_tlan_ctx c, local, out;
	struct icemig_stream_err err = { 0 };
	struct icemig_queue q;
	struct icemig_txq_ctx x;

	(void)state;
	tx_example(&c, false);
	assert_int_equal(icemig_xlate_txq_to_state(&c, 512, 0, true, &q, &x, &err), -EINVAL);
	assert_string_equal(err.what, "txq.context");
	c.tso_ena = 2;
	assert_int_equal(icemig_xlate_txq_to_state(&c, 5, 0, true, &q, &x, &err), -EINVAL);
	assert_string_equal(err.what, "txq_ctx.field");
	c.tso_ena = 1;
	c.qlen = 0;
	assert_int_equal(icemig_xlate_txq_to_state(&c, 5, 0, true, &q, &x, NULL), 0);
	assert_int_equal(q.ring_len, 0);
	assert_int_equal(x.flags, 0);
	tx_example(&c, false);
	assert_int_equal(icemig_xlate_txq_to_state(&c, 5, 6, false, &q, &x, NULL), 0);
	assert_int_equal(q.flags, 0);
	memset(&local, 0, sizeof(local));
	x.flags = 0x8000;
	assert_int_equal(icemig_xlate_txq_from_state(&q, &x, &local, &out, &err), -EINVAL);
	assert_string_equal(err.what, "txq_ctx.field");
	x.flags = 0;
	q.base = 0x10;
	assert_int_equal(icemig_xlate_txq_from_state(&q, &x, &local, &out, &err), -EINVAL);
	assert_string_equal(err.what, "txq.context");
}

static void vf_example(struct icemig_xlate_vf_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	memcpy(vi->mac, "\x52\x54\x00\x01\x02\x03", 6);
	vi->pf_set_mac = 1;
	vi->trusted = 1;
	vi->spoofchk = 1;
	vi->link_forced = 1;
	vi->link_up = 1;
	vi->port_vlan_vid = 4095;
	vi->port_vlan_prio = 7;
	vi->port_vlan_tpid = 0x88a8;
	vi->min_tx_rate = 10;
	vi->max_tx_rate = 100000;
	vi->vf_ver_major = 1;
	vi->vf_ver_minor = 1;
	vi->driver_caps = 0xffffffffu;
	vi->vf_cap_flags = 0x00b0f0a1;
	vi->num_qps = 16;
	vi->num_msix = 65;
	vi->uc_promisc = 1;
	vi->mc_promisc = 1;
	vi->opcodes = 0x03ffffffffffffffull;
}

static void test_vf_info(void **state)
{
	static const struct {
		uint8_t forced, up, link_state;
	} links[] = { { 0, 0, ICEMIG_LINK_AUTO },
		      { 1, 1, ICEMIG_LINK_ENABLE },
		      { 1, 0, ICEMIG_LINK_DISABLE } };
	struct icemig_xlate_vf_info vi, back;
	struct icemig_stream_err err = { 0 };
	struct icemig_vf_state st, st2;
	uint8_t buf[8192];
	unsigned int i;
	uint32_t len;

	(void)state;
	for (i = 0; i < 3; i++) {
		vf_example(&vi);
		vi.link_forced = links[i].forced;
		vi.link_up = links[i].up;
		memset(&st, 0, sizeof(st));
		assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), 0);
		assert_int_equal(st.link_state, links[i].link_state);
		assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), 0);
		assert_int_equal(icemig_stream_decode(buf, len, &st2, &err), 0);
		icemig_xlate_vf_from_state(&st2, &back);
		assert_memory_equal(&back, &vi, sizeof(vi));
	}
	/* Refusals, each naming its field. */
	vf_example(&vi);
	vi.mac[0] = 1;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_info.mac");
	vf_example(&vi);
	vi.num_qps = 17;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_info.num_qps");
	vf_example(&vi);
	vi.port_vlan_tpid = 0x9100;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.port_vlan_tpid");
	vi.port_vlan_vid = 0;
	vi.port_vlan_prio = 0;
	vi.port_vlan_tpid = 0x8100; /* TPID without a port VLAN */
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.port_vlan_tpid");
	vf_example(&vi);
	vi.trusted = 0;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.promisc_untrusted");
	vf_example(&vi);
	vi.min_tx_rate = vi.max_tx_rate + 1;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.tx_rate");
	vf_example(&vi);
	vi.vf_ver_minor = 0x10000;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_info.vc_api");
	vf_example(&vi);
	vi.link_up = 2;
	assert_int_equal(icemig_xlate_vf_to_state(&vi, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_info.flag");

	/* A 1.0 state: port VLAN with the 802.1Q TPID implied. */
	memset(&st, 0, sizeof(st));
	st.num_qps = 1;
	st.port_vlan = 10;
	icemig_xlate_vf_from_state(&st, &back);
	assert_int_equal(back.port_vlan_tpid, 0x8100);
	assert_int_equal(back.port_vlan_vid, 10);
}

static void test_filters(void **state)
{
	static const uint8_t macs[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, /* broadcast: skipped */
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 }, /* the VF's own: primary */
	};
	static const uint16_t vids[] = { 300, 0, 5, 300, 4095, 1, 5 };
	struct icemig_stream_err err = { 0 };
	struct icemig_vf_state st;
	uint8_t many[ICEMIG_MAX_MAC_FILTERS + 2][6];
	uint16_t ids[ICEMIG_MAX_VLAN_FILTERS + 1];
	unsigned int i;

	(void)state;
	memset(&st, 0, sizeof(st));
	memcpy(st.mac, macs[2], 6);
	st.num_qps = 1;
	assert_int_equal(icemig_xlate_macs_to_state(macs[0], 3, &st, &err), 0);
	assert_int_equal(st.num_macs, 2);
	assert_memory_equal(st.macs[0].addr, macs[1], 6);
	assert_int_equal(st.macs[0].flags, 0);
	assert_int_equal(st.macs[1].flags, ICEMIG_MAC_F_PRIMARY);
	assert_int_equal(icemig_xlate_vlans_to_state(vids, 7, &st, &err), 0);
	assert_int_equal(st.num_vlans, 4);
	assert_int_equal(st.vlans[0], 1);
	assert_int_equal(st.vlans[1], 5);
	assert_int_equal(st.vlans[2], 300);
	assert_int_equal(st.vlans[3], 4095);
	assert_int_equal(icemig_state_check(&st, &err), 0);

	/* A repeated MAC, a zero MAC, too many MACs. */
	memcpy(many[0], macs[1], 6);
	memcpy(many[1], macs[1], 6);
	assert_int_equal(icemig_xlate_macs_to_state(many[0], 2, &st, &err), -EINVAL);
	assert_string_equal(err.what, "mac_filters.duplicate");
	assert_int_equal(st.num_macs, 0);
	memset(many[1], 0, 6);
	assert_int_equal(icemig_xlate_macs_to_state(many[0], 2, &st, &err), -EINVAL);
	assert_string_equal(err.what, "mac_filters.addr");
	for (i = 0; i < ICEMIG_MAX_MAC_FILTERS + 2; i++) {
		memcpy(many[i], "\x02\x00\x00\x00\x00\x00", 6);
		many[i][4] = (uint8_t)(i >> 8);
		many[i][5] = (uint8_t)i;
	}
	memset(many[7], 0xff, 6); /* broadcast does not count */
	assert_int_equal(icemig_xlate_macs_to_state(many[0], ICEMIG_MAX_MAC_FILTERS + 1, &st, &err),
			 0);
	assert_int_equal(st.num_macs, ICEMIG_MAX_MAC_FILTERS);
	assert_int_equal(icemig_xlate_macs_to_state(many[0], ICEMIG_MAX_MAC_FILTERS + 2, &st, &err),
			 -ENOSPC);
	assert_string_equal(err.what, "mac_filters.count");
	assert_int_equal(st.num_macs, 0);

	/* VLAN ID above 4095; 512 distinct IDs fit, 513 do not. */
	ids[0] = 4096;
	assert_int_equal(icemig_xlate_vlans_to_state(ids, 1, &st, &err), -EINVAL);
	assert_string_equal(err.what, "vlan_filters.vid");
	for (i = 0; i <= ICEMIG_MAX_VLAN_FILTERS; i++)
		ids[i] = (uint16_t)(4000 - 7 * i); /* descending, distinct, > 0 */
	assert_int_equal(icemig_xlate_vlans_to_state(ids, ICEMIG_MAX_VLAN_FILTERS, &st, &err), 0);
	assert_int_equal(st.num_vlans, ICEMIG_MAX_VLAN_FILTERS);
	assert_int_equal(icemig_state_check(&st, &err), 0);
	assert_int_equal(icemig_xlate_vlans_to_state(ids, ICEMIG_MAX_VLAN_FILTERS + 1, &st, &err),
			 -ENOSPC);
	assert_int_equal(st.num_vlans, 0);
}

/* ice's VSI hash function <-> enum virtchnl_rss_algorithm. */
static void test_rss_hfunc(void **state)
{
	unsigned int h;

	(void)state;
	assert_int_equal(icemig_xlate_rss_hfunc_from_ice(0), 0); /* TPLZ */
	assert_int_equal(icemig_xlate_rss_hfunc_from_ice(1), 2); /* SYM_TPLZ */
	assert_int_equal(icemig_xlate_rss_hfunc_from_ice(2), 3); /* XOR */
	assert_int_equal(icemig_xlate_rss_hfunc_from_ice(3), -EINVAL); /* JHASH */
	assert_int_equal(icemig_xlate_rss_hfunc_to_ice(1), 0); /* R_ASYMMETRIC */
	for (h = 0; h < 3; h++)
		assert_int_equal(
			icemig_xlate_rss_hfunc_to_ice((uint8_t)icemig_xlate_rss_hfunc_from_ice(h)),
			h);
}

/*
 * Interrupt registers. Expected bit positions written out by hand from the
 * GLINT_DYN_CTL / GLINT_ITR layout of Linux 6.12 ice_hw_autogen.h
 * (INTENA 0, CLEARPBA 1, SWINT_TRIG 2, ITR_INDX 4:3, INTERVAL 16:5,
 * SW_ITR_INDX_ENA 24, SW_ITR_INDX 26:25, WB_ON_ITR 30, INTENA_MSK 31;
 * GLINT_ITR INTERVAL 11:0), not from ice_mig_xlate.h.
 */
#define DYN_WO 0x80000006u /* CLEARPBA, SWINT_TRIG, INTENA_MSK */
#define DYN_RSVD 0x38fe0000u /* bits 23:17, 29:27 */

static const uint32_t itr0[3] = { 0, 0, 0 };

/* Each field alone, at its largest value, lands on its own bits. */
static void test_irq_known_positions(void **state)
{
	static const struct {
		struct icemig_irq irq;
		uint32_t dyn_ctl;
	} one[] = {
		{ { .flags = ICEMIG_IRQ_F_INTENA }, 0x00000001u },
		{ { .itr_idx = 3 }, 0x00000018u },
		{ { .itr_idx = 1 }, 0x00000008u },
		{ { .interval = 4095 }, 0x0001ffe0u },
		{ { .interval = 1 }, 0x00000020u },
		{ { .flags = ICEMIG_IRQ_F_SW_ITR_ENA }, 0x01000000u },
		{ { .sw_itr_idx = 3 }, 0x06000000u },
		{ { .sw_itr_idx = 2 }, 0x04000000u },
		{ { .flags = ICEMIG_IRQ_F_WB_ON_ITR }, 0x40000000u },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		struct icemig_irq back;
		uint32_t dyn = 0xdeadbeef, itr[3];

		assert_int_equal(icemig_xlate_irq_from_state(&one[i].irq, &dyn, itr, NULL), 0);
		assert_int_equal(dyn, one[i].dyn_ctl);
		assert_int_equal(itr[0] | itr[1] | itr[2], 0);
		assert_int_equal(icemig_xlate_irq_to_state(one[i].dyn_ctl, itr0, &back, NULL), 0);
		assert_memory_equal(&back, &one[i].irq, sizeof(back));
	}
	/* GLINT_ITR(j): INTERVAL, 12 bits, into itr[j] and back */
	for (i = 0; i < 3; i++) {
		struct icemig_irq irq, back;
		uint32_t dyn, itr[3] = { 0, 0, 0 }, out[3];

		memset(&irq, 0, sizeof(irq));
		itr[i] = 0xfff;
		assert_int_equal(icemig_xlate_irq_to_state(0, itr, &back, NULL), 0);
		irq.itr[i] = ICEMIG_ITR_INTERVAL_MAX;
		assert_memory_equal(&back, &irq, sizeof(back));
		assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, out, NULL), 0);
		assert_memory_equal(out, itr, sizeof(out));
		assert_int_equal(dyn, 0);
	}
}

/* Every field at 0 and at its limit, together: state -> regs -> state. */
static void test_irq_limits(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; e < 2; e++) {
		struct icemig_irq irq, back;
		uint32_t dyn, itr[3];

		memset(&irq, 0, sizeof(irq));
		if (e) {
			irq.flags = ICEMIG_IRQ_F_ALL;
			irq.itr_idx = ICEMIG_ITR_NONE;
			irq.sw_itr_idx = 3;
			irq.interval = ICEMIG_ITR_INTERVAL_MAX;
			irq.itr[0] = irq.itr[1] = irq.itr[2] = ICEMIG_ITR_INTERVAL_MAX;
		}
		assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, NULL), 0);
		/* all readable fields of the register, no write-only bit */
		assert_int_equal(dyn, e ? 0x4701fff9u : 0);
		assert_int_equal(itr[0], e ? 0xfffu : 0);
		assert_int_equal(itr[2], e ? 0xfffu : 0);
		assert_int_equal(icemig_xlate_irq_to_state(dyn, itr, &back, NULL), 0);
		assert_memory_equal(&back, &irq, sizeof(back));
	}
}

/* A read's write-only bits change nothing; from_state never sets them. */
static void test_irq_write_only(void **state)
{
	static const uint32_t wo[] = { 0x2, 0x4, 0x80000000u, DYN_WO };
	struct icemig_irq a, b;
	unsigned int i;
	uint32_t dyn, itr[3];

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(icemig_xlate_irq_to_state(0x4701fff9u, itr0, &a, NULL), 0);
		assert_int_equal(icemig_xlate_irq_to_state(0x4701fff9u | wo[i], itr0, &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_int_equal(icemig_xlate_irq_to_state(wo[i], itr0, &b, NULL), 0);
		assert_int_equal(b.flags | b.itr_idx | b.sw_itr_idx | b.interval, 0);
	}
	assert_int_equal(icemig_xlate_irq_to_state(0xffffffffu & ~DYN_RSVD, itr0, &a, NULL), 0);
	assert_int_equal(icemig_xlate_irq_from_state(&a, &dyn, itr, NULL), 0);
	assert_int_equal(dyn, 0xffffffffu & ~DYN_RSVD & ~DYN_WO);
}

static void test_irq_refused(void **state)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_irq good = { .flags = 1, .itr_idx = 2, .interval = 50 }, irq, out;
	uint32_t itr[3], dyn, keep[3] = { 7, 8, 9 };
	unsigned int b, j;

	(void)state;
	for (b = 0; b < 32; b++) {
		int want = (DYN_RSVD >> b) & 1 ? -EINVAL : 0;

		memcpy(&out, &good, sizeof(out));
		err.what = NULL;
		assert_int_equal(icemig_xlate_irq_to_state(1u << b, itr0, &out, &err), want);
		if (want) {
			assert_string_equal(err.what, "irq.dyn_ctl");
			assert_memory_equal(&out, &good, sizeof(out));
		}
	}
	for (j = 0; j < 3; j++)
		for (b = 12; b < 32; b++) {
			memset(itr, 0, sizeof(itr));
			itr[j] = 1u << b;
			memcpy(&out, &good, sizeof(out));
			assert_int_equal(icemig_xlate_irq_to_state(0, itr, &out, &err), -EINVAL);
			assert_string_equal(err.what, "irq.itr");
			assert_memory_equal(&out, &good, sizeof(out));
		}

	for (b = 0; b < 8; b++) {
		irq = good;
		irq.flags = (uint8_t)(1u << b);
		dyn = 0x1234;
		memcpy(itr, keep, sizeof(itr));
		assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, &err),
				 (1u << b) & ICEMIG_IRQ_F_ALL ? 0 : -EINVAL);
		if ((1u << b) & ICEMIG_IRQ_F_ALL)
			continue;
		assert_string_equal(err.what, "irq.flags");
		assert_int_equal(dyn, 0x1234);
		assert_memory_equal(itr, keep, sizeof(itr));
	}
	irq = good;
	irq.itr_idx = 4;
	assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, &err), -EINVAL);
	assert_string_equal(err.what, "irq.itr_idx");
	irq = good;
	irq.sw_itr_idx = 4;
	assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, &err), -EINVAL);
	assert_string_equal(err.what, "irq.sw_itr_idx");
	irq = good;
	irq.interval = ICEMIG_ITR_INTERVAL_MAX + 1;
	assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, &err), -EINVAL);
	assert_string_equal(err.what, "irq.interval");
	for (j = 0; j < 3; j++) {
		irq = good;
		irq.itr[j] = ICEMIG_ITR_INTERVAL_MAX + 1;
		assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, &err), -EINVAL);
		assert_string_equal(err.what, "irq.itr");
	}
}

/* Random in-range states and register values round trip both ways. */
static void test_irq_random(void **state)
{
	unsigned int it, j;

	(void)state;
	for (it = 0; it < 5000; it++) {
		struct icemig_irq irq, back;
		uint32_t dyn, itr[3], r = (uint32_t)rnd(), ritr[3];

		irq.flags = (uint8_t)(rnd() & ICEMIG_IRQ_F_ALL);
		irq.itr_idx = (uint8_t)(rnd() & 3);
		irq.sw_itr_idx = (uint8_t)(rnd() & 3);
		irq.interval = (uint16_t)(rnd() % (ICEMIG_ITR_INTERVAL_MAX + 1));
		for (j = 0; j < 3; j++)
			irq.itr[j] = (uint16_t)(rnd() % (ICEMIG_ITR_INTERVAL_MAX + 1));
		assert_int_equal(icemig_xlate_irq_from_state(&irq, &dyn, itr, NULL), 0);
		assert_int_equal(dyn & (DYN_WO | DYN_RSVD), 0);
		assert_int_equal(icemig_xlate_irq_to_state(dyn, itr, &back, NULL), 0);
		assert_int_equal(back.flags, irq.flags);
		assert_int_equal(back.itr_idx, irq.itr_idx);
		assert_int_equal(back.sw_itr_idx, irq.sw_itr_idx);
		assert_int_equal(back.interval, irq.interval);
		assert_memory_equal(back.itr, irq.itr, sizeof(irq.itr));

		/* a read (reserved bits clear, triggers anything) */
		r &= ~DYN_RSVD;
		for (j = 0; j < 3; j++)
			ritr[j] = (uint32_t)rnd() & 0xfff;
		assert_int_equal(icemig_xlate_irq_to_state(r, ritr, &back, NULL), 0);
		assert_int_equal(icemig_xlate_irq_from_state(&back, &dyn, itr, NULL), 0);
		assert_int_equal(dyn, r & ~DYN_WO);
		assert_memory_equal(itr, ritr, sizeof(itr));
	}
}

/*
 * Mailbox registers, positions written out by hand from Linux 6.12
 * ice_hw_autogen.h (PF_MBX_ATQLEN_ATQLEN_M 9:0, ..._ATQENABLE_M 31,
 * PF_MBX_ATQH_ATQH_M 9:0) and iavf_register.h (VFE 28, OVFL 29, CRIT 30).
 */
#define MBX_LEN_RSVD 0x0ffffc00u /* xQLEN bits 27:10 */
#define MBX_LEN_ERR 0x70000000u

static void mbx_example(struct icemig_mbx *pos, struct icemig_mbx_ring *ring, bool edge)
{
	memset(pos, 0, sizeof(*pos));
	memset(ring, 0, sizeof(*ring));
	pos->asq_len = edge ? 1023 : 1;
	pos->asq_head = edge ? 1022 : 0;
	pos->asq_tail = edge ? 1022 : 0;
	pos->arq_len = edge ? 1023 : 1;
	pos->arq_head = edge ? 1022 : 0;
	pos->arq_tail = edge ? 1022 : 0;
	ring->asq_base = edge ? 0xffffffffffffffc0ull : 0x40;
	ring->arq_base = edge ? 0xffffffffffffffc0ull : 0x40;
	ring->flags = edge ? ICEMIG_MBX_RING_F_ALL : 0;
}

static void test_mbx_known_positions(void **state)
{
	struct icemig_mbx pos = { .last_opcode = 77 }, back = { .last_opcode = 12 };
	struct icemig_mbx_ring ring, rback;
	struct icemig_xlate_mbx_regs r;

	(void)state;
	memset(&ring, 0, sizeof(ring));
	pos.asq_len = 32;
	pos.asq_head = 3;
	pos.asq_tail = 4;
	pos.arq_len = 64;
	pos.arq_head = 5;
	pos.arq_tail = 63;
	ring.asq_base = 0x0000000123456780ull;
	ring.arq_base = 0x00000abc00001000ull;
	ring.flags = ICEMIG_MBX_RING_F_ARQ_ENA;
	assert_int_equal(icemig_xlate_mbx_from_state(&pos, &ring, &r, NULL), 0);
	assert_int_equal(r.atq_bal, 0x23456780u);
	assert_int_equal(r.atq_bah, 0x1u);
	assert_int_equal(r.atq_len, 32);
	assert_int_equal(r.atq_head, 3);
	assert_int_equal(r.atq_tail, 4);
	assert_int_equal(r.arq_bal, 0x00001000u);
	assert_int_equal(r.arq_bah, 0xabcu);
	assert_int_equal(r.arq_len, 0x80000040u);
	assert_int_equal(r.arq_head, 5);
	assert_int_equal(r.arq_tail, 63);
	assert_int_equal(icemig_xlate_mbx_to_state(&r, &back, &rback, NULL), 0);
	/* last_opcode is no register: to_state leaves it */
	assert_int_equal(back.last_opcode, 12);
	back.last_opcode = pos.last_opcode;
	assert_memory_equal(&back, &pos, sizeof(pos));
	assert_memory_equal(&rback, &ring, sizeof(ring));
	r.arq_len = 0x40;
	r.atq_len = 0x80000020u;
	assert_int_equal(icemig_xlate_mbx_to_state(&r, &back, &rback, NULL), 0);
	assert_int_equal(rback.flags, ICEMIG_MBX_RING_F_ASQ_ENA);
}

/* Both ends of every field; a state so built passes the MBX rules. */
static void test_mbx_limits(void **state)
{
	unsigned int e;

	(void)state;
	for (e = 0; e < 2; e++) {
		struct icemig_mbx pos, back = { 0 };
		struct icemig_mbx_ring ring, rback;
		struct icemig_xlate_mbx_regs r;
		struct icemig_stream_err err = { 0 };
		struct icemig_vf_state st;

		mbx_example(&pos, &ring, e);
		assert_int_equal(icemig_xlate_mbx_from_state(&pos, &ring, &r, NULL), 0);
		assert_int_equal(r.atq_len, e ? 0x800003ffu : 1);
		assert_int_equal(r.arq_bah, e ? 0xffffffffu : 0);
		assert_int_equal(r.arq_bal, e ? 0xffffffc0u : 0x40);
		assert_int_equal(icemig_xlate_mbx_to_state(&r, &back, &rback, NULL), 0);
		assert_memory_equal(&back, &pos, sizeof(pos));
		assert_memory_equal(&rback, &ring, sizeof(ring));

		base_state(&st);
		st.txq[0] = (struct icemig_queue){ .base = 0x1000, .ring_len = 64 };
		st.rxq[0] =
			(struct icemig_queue){ .base = 0x2000, .ring_len = 64, .buf_len = 2048 };
		st.has_mbx = 1;
		st.mbx = back;
		assert_int_equal(icemig_state_check(&st, &err), 0);
	}
}

/* A mailbox with a length 0 is not set up: nothing to carry. */
static void test_mbx_not_set_up(void **state)
{
	struct icemig_xlate_mbx_regs r;
	struct icemig_mbx pos;
	struct icemig_mbx_ring ring;
	unsigned int q;

	(void)state;
	for (q = 0; q < 3; q++) {
		memset(&r, 0, sizeof(r));
		r.atq_len = q == 0 ? 0 : 0x80000010u;
		r.arq_len = q == 1 ? 0 : 0x80000010u;
		if (q == 2)
			r.atq_len = r.arq_len = 0x80000000u; /* enabled, no length */
		r.atq_bal = r.arq_bal = 0x1000;
		r.atq_head = r.arq_tail = 5;
		memset(&pos, 0xa5, sizeof(pos));
		memset(&ring, 0xa5, sizeof(ring));
		assert_int_equal(icemig_xlate_mbx_to_state(&r, &pos, &ring, NULL), 0);
		assert_int_equal(pos.asq_len | pos.asq_head | pos.asq_tail, 0);
		assert_int_equal(pos.arq_len | pos.arq_head | pos.arq_tail, 0);
		assert_int_equal(ring.asq_base | ring.arq_base | ring.flags, 0);
	}
}

/* Error bits are events, not state: ignored, never produced. */
static void test_mbx_error_bits(void **state)
{
	struct icemig_mbx pos, a = { 0 }, b = { 0 }; /* to_state keeps last_opcode */
	struct icemig_mbx_ring ring, ra, rb;
	struct icemig_xlate_mbx_regs r, r2;
	unsigned int bit;

	(void)state;
	mbx_example(&pos, &ring, true);
	assert_int_equal(icemig_xlate_mbx_from_state(&pos, &ring, &r, NULL), 0);
	assert_int_equal(icemig_xlate_mbx_to_state(&r, &a, &ra, NULL), 0);
	for (bit = 28; bit < 31; bit++) {
		r2 = r;
		r2.atq_len |= 1u << bit;
		r2.arq_len |= 1u << bit;
		assert_int_equal(icemig_xlate_mbx_to_state(&r2, &b, &rb, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_memory_equal(&ra, &rb, sizeof(ra));
		assert_int_equal(icemig_xlate_mbx_from_state(&b, &rb, &r2, NULL), 0);
		assert_int_equal((r2.atq_len | r2.arq_len) & (MBX_LEN_ERR | MBX_LEN_RSVD), 0);
	}
}

static void expect_mbx_to_refused(const struct icemig_xlate_mbx_regs *r, const char *what)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_mbx pos, keep;
	struct icemig_mbx_ring ring, rkeep;

	memset(&pos, 0x5a, sizeof(pos));
	memset(&ring, 0x5a, sizeof(ring));
	memcpy(&keep, &pos, sizeof(keep));
	memcpy(&rkeep, &ring, sizeof(rkeep));
	assert_int_equal(icemig_xlate_mbx_to_state(r, &pos, &ring, &err), -EINVAL);
	assert_string_equal(err.what, what);
	assert_memory_equal(&pos, &keep, sizeof(pos));
	assert_memory_equal(&ring, &rkeep, sizeof(ring));
}

static void test_mbx_to_refused(void **state)
{
	struct icemig_xlate_mbx_regs good = {
		.atq_bal = 0x1000, .atq_len = 0x80000010u, .atq_head = 1, .atq_tail = 2,
		.arq_bal = 0x2000, .arq_len = 0x80000010u, .arq_head = 3, .arq_tail = 4,
	}, r;
	unsigned int b;

	(void)state;
	for (b = 0; b < 6; b++) {
		r = good;
		r.atq_bal |= 1u << b;
		expect_mbx_to_refused(&r, "mbx_ring.asq_base");
		r = good;
		r.arq_bal |= 1u << b;
		expect_mbx_to_refused(&r, "mbx_ring.arq_base");
	}
	for (b = 10; b < 28; b++) {
		r = good;
		r.atq_len |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.asq_len");
		r = good;
		r.arq_len |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.arq_len");
	}
	for (b = 10; b < 32; b++) {
		r = good;
		r.atq_head |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.asq_ptr");
		r = good;
		r.atq_tail |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.asq_ptr");
		r = good;
		r.arq_head |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.arq_ptr");
		r = good;
		r.arq_tail |= 1u << b;
		expect_mbx_to_refused(&r, "mbx.arq_ptr");
	}
	r = good;
	r.atq_head = 16;
	expect_mbx_to_refused(&r, "mbx.asq");
	r = good;
	r.atq_tail = 16;
	expect_mbx_to_refused(&r, "mbx.asq");
	r = good;
	r.arq_head = 16;
	expect_mbx_to_refused(&r, "mbx.arq");
	r = good;
	r.arq_tail = 16;
	expect_mbx_to_refused(&r, "mbx.arq");
	r = good;
	r.atq_bal = 0;
	expect_mbx_to_refused(&r, "mbx_ring.asq_base");
	r = good;
	r.arq_bal = 0;
	expect_mbx_to_refused(&r, "mbx_ring.arq_base");
	/* a disabled queue may have no base */
	r.arq_len = 0x10;
	{
		struct icemig_mbx pos;
		struct icemig_mbx_ring ring;

		assert_int_equal(icemig_xlate_mbx_to_state(&r, &pos, &ring, NULL), 0);
		assert_int_equal(ring.flags, ICEMIG_MBX_RING_F_ASQ_ENA);
	}
}

static void expect_mbx_from_refused(const struct icemig_mbx *pos,
				    const struct icemig_mbx_ring *ring, const char *what)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_xlate_mbx_regs r, keep;

	memset(&r, 0x5a, sizeof(r));
	memset(&keep, 0x5a, sizeof(keep));
	assert_int_equal(icemig_xlate_mbx_from_state(pos, ring, &r, &err), -EINVAL);
	assert_string_equal(err.what, what);
	assert_memory_equal(&r, &keep, sizeof(r));
}

static void test_mbx_from_refused(void **state)
{
	struct icemig_mbx gp, p;
	struct icemig_mbx_ring gr, g;
	unsigned int b;

	(void)state;
	mbx_example(&gp, &gr, true);
	p = gp;
	p.asq_len = 0;
	expect_mbx_from_refused(&p, &gr, "mbx.asq_len");
	p = gp;
	p.asq_len = ICEMIG_MBX_LEN_MAX; /* the stream allows it, LEN cannot hold it */
	expect_mbx_from_refused(&p, &gr, "mbx.asq_len");
	p = gp;
	p.arq_len = 0;
	expect_mbx_from_refused(&p, &gr, "mbx.arq_len");
	p = gp;
	p.arq_len = ICEMIG_MBX_LEN_MAX;
	expect_mbx_from_refused(&p, &gr, "mbx.arq_len");
	p = gp;
	p.asq_head = p.asq_len;
	expect_mbx_from_refused(&p, &gr, "mbx.asq");
	p = gp;
	p.asq_tail = p.asq_len;
	expect_mbx_from_refused(&p, &gr, "mbx.asq");
	p = gp;
	p.arq_head = p.arq_len;
	expect_mbx_from_refused(&p, &gr, "mbx.arq");
	p = gp;
	p.arq_tail = p.arq_len;
	expect_mbx_from_refused(&p, &gr, "mbx.arq");
	for (b = 0; b < 6; b++) {
		g = gr;
		g.asq_base = 0x1000 | (1ull << b);
		expect_mbx_from_refused(&gp, &g, "mbx_ring.asq_base");
		g = gr;
		g.arq_base = 0x1000 | (1ull << b);
		expect_mbx_from_refused(&gp, &g, "mbx_ring.arq_base");
	}
	g = gr;
	g.asq_base = 0;
	expect_mbx_from_refused(&gp, &g, "mbx_ring.asq_base");
	g = gr;
	g.arq_base = 0;
	expect_mbx_from_refused(&gp, &g, "mbx_ring.arq_base");
	for (b = 2; b < 16; b++) {
		g = gr;
		g.flags |= (uint16_t)(1u << b);
		expect_mbx_from_refused(&gp, &g, "mbx_ring.flags");
	}
}

/* Random valid mailboxes round trip both ways. */
static void test_mbx_random(void **state)
{
	unsigned int it;

	(void)state;
	for (it = 0; it < 5000; it++) {
		struct icemig_mbx pos = { 0 }, back = { 0 };
		struct icemig_mbx_ring ring, rback;
		struct icemig_xlate_mbx_regs r, r2;

		memset(&ring, 0, sizeof(ring));
		pos.asq_len = (uint16_t)(1 + rnd() % 1023);
		pos.asq_head = (uint16_t)(rnd() % pos.asq_len);
		pos.asq_tail = (uint16_t)(rnd() % pos.asq_len);
		pos.arq_len = (uint16_t)(1 + rnd() % 1023);
		pos.arq_head = (uint16_t)(rnd() % pos.arq_len);
		pos.arq_tail = (uint16_t)(rnd() % pos.arq_len);
		ring.flags = (uint16_t)(rnd() & ICEMIG_MBX_RING_F_ALL);
		ring.asq_base = rnd() & ~63ull;
		ring.arq_base = rnd() & ~63ull;
		if (!ring.asq_base)
			ring.flags &= (uint16_t)~ICEMIG_MBX_RING_F_ASQ_ENA;
		if (!ring.arq_base)
			ring.flags &= (uint16_t)~ICEMIG_MBX_RING_F_ARQ_ENA;
		assert_int_equal(icemig_xlate_mbx_from_state(&pos, &ring, &r, NULL), 0);
		assert_int_equal((r.atq_len | r.arq_len) & (MBX_LEN_ERR | MBX_LEN_RSVD), 0);
		assert_int_equal((r.atq_bal | r.arq_bal) & 63, 0);
		assert_int_equal(icemig_xlate_mbx_to_state(&r, &back, &rback, NULL), 0);
		assert_memory_equal(&back, &pos, sizeof(pos));
		assert_memory_equal(&rback, &ring, sizeof(ring));
		/* registers with random error bits come back without them */
		r2 = r;
		r2.atq_len |= (uint32_t)rnd() & MBX_LEN_ERR;
		r2.arq_len |= (uint32_t)rnd() & MBX_LEN_ERR;
		assert_int_equal(icemig_xlate_mbx_to_state(&r2, &back, &rback, NULL), 0);
		assert_int_equal(icemig_xlate_mbx_from_state(&back, &rback, &r2, NULL), 0);
		assert_memory_equal(&r2, &r, sizeof(r));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_known_positions),
		cmocka_unit_test(test_each_field_max),
		cmocka_unit_test(test_random_roundtrip),
		cmocka_unit_test(test_image_roundtrip),
		cmocka_unit_test(test_rxq_state_roundtrip),
		cmocka_unit_test(test_rxq_refused),
		cmocka_unit_test(test_txq_state_roundtrip),
		cmocka_unit_test(test_txq_refused),
		cmocka_unit_test(test_vf_info),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_rss_hfunc),
		cmocka_unit_test(test_irq_known_positions),
		cmocka_unit_test(test_irq_limits),
		cmocka_unit_test(test_irq_write_only),
		cmocka_unit_test(test_irq_refused),
		cmocka_unit_test(test_irq_random),
		cmocka_unit_test(test_mbx_known_positions),
		cmocka_unit_test(test_mbx_limits),
		cmocka_unit_test(test_mbx_not_set_up),
		cmocka_unit_test(test_mbx_error_bits),
		cmocka_unit_test(test_mbx_to_refused),
		cmocka_unit_test(test_mbx_from_refused),
		cmocka_unit_test(test_mbx_random),
	};

	return cmocka_run_group_tests_name("ice_mig_xlate", tests, NULL, NULL);
}
