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
				 e     ? ICEMIG_TXQ_CTX_F_ALL :
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),		cmocka_unit_test(test_known_positions),
		cmocka_unit_test(test_each_field_max),	cmocka_unit_test(test_random_roundtrip),
		cmocka_unit_test(test_image_roundtrip), cmocka_unit_test(test_rxq_state_roundtrip),
		cmocka_unit_test(test_rxq_refused),	cmocka_unit_test(test_txq_state_roundtrip),
		cmocka_unit_test(test_txq_refused),	cmocka_unit_test(test_vf_info),
		cmocka_unit_test(test_filters),		cmocka_unit_test(test_rss_hfunc),
	};

	return cmocka_run_group_tests_name("ice_mig_xlate", tests, NULL, NULL);
}
