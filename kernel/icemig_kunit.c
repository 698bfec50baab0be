// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the stream codec and the compatibility descriptor as the
 * kernel builds them (the same sources tests/unit/ builds in user space):
 * byte order, the CRC, the decoder's rules and the descriptor's text form
 * must behave identically in both. Loaded by the rig's uapi scenario when
 * the kernel has KUnit (Debian's 6.12 and the debug rig kernel do); results
 * in the kernel log ("ok 1 - icemig_stream") and in
 * /sys/kernel/debug/kunit/icemig_*\/results.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/unaligned.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "include/icemig_compat.h"
#include "include/icemig_stream.h"

MODULE_IMPORT_NS(ICEMIG);

#define HDR_LEN	sizeof(struct icemig_stream_hdr)

static void sample_state(struct icemig_vf_state *st, unsigned int nqp)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	memcpy(st->mac, "\x52\x54\x00\xab\xcd\xef", 6);
	st->trust = 1;
	st->spoofchk = 1;
	st->port_vlan = 100;
	st->num_qps = nqp;
	st->num_msix = nqp + 1;
	st->vc_api_major = 1;
	st->vc_api_minor = 1;
	st->vc_caps = 0x040884e1;
	for (i = 0; i < nqp; i++) {
		st->txq[i] = (struct icemig_queue){ .base = 0x100000 + i * 0x1000,
						    .ring_len = 512, .head = i, .tail = 17,
						    .flags = ICEMIG_QUEUE_F_ENABLED };
		st->rxq[i] = (struct icemig_queue){ .base = 0x200000 + i * 0x1000,
						    .ring_len = 1024, .head = 3, .tail = 1023,
						    .buf_len = 2048,
						    .flags = ICEMIG_QUEUE_F_ENABLED };
	}
	st->num_vlans = 3;
	st->vlans[0] = 10;
	st->vlans[1] = 20;
	st->vlans[2] = 4095;
	st->has_stats = 1;
	st->rx_packets = 0x0102030405060708ull;
	st->tx_bytes = 42;
	/* Stream 1.2: every vector's registers and the mailbox rings. */
	st->has_mbx = 1;
	st->mbx = (struct icemig_mbx){ .asq_len = 64, .arq_len = 64, .arq_tail = 63 };
	st->has_mbx_ring = 1;
	st->mbx_ring = (struct icemig_mbx_ring){ .asq_base = 0x0102030405060700ull,
						 .arq_base = 0x1000,
						 .flags = ICEMIG_MBX_RING_F_ASQ_ENA |
							  ICEMIG_MBX_RING_F_ARQ_ENA };
	st->has_irq = 1;
	for (i = 0; i < st->num_msix; i++)
		st->irq[i] = (struct icemig_irq){ .flags = ICEMIG_IRQ_F_INTENA,
						  .itr_idx = i % 3, .interval = 0x0abc,
						  .itr = { 1, 0x0def, ICEMIG_ITR_INTERVAL_MAX } };
}

struct stream_ctx {
	struct icemig_vf_state *in, *out;
	u8 *buf;
};

static int stream_init(struct kunit *test)
{
	struct stream_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->in = kunit_kzalloc(test, sizeof(*c->in), GFP_KERNEL);
	c->out = kunit_kzalloc(test, sizeof(*c->out), GFP_KERNEL);
	c->buf = kunit_kzalloc(test, ICEMIG_STREAM_MAX_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->in);
	KUNIT_ASSERT_NOT_NULL(test, c->out);
	KUNIT_ASSERT_NOT_NULL(test, c->buf);
	test->priv = c;
	return 0;
}

/* Encode, decode, compare: the state survives byte for byte. */
static void stream_roundtrip(struct kunit *test)
{
	struct stream_ctx *c = test->priv;
	struct icemig_stream_err err = {};
	u32 size = 0, used = 0;

	sample_state(c->in, 4);
	KUNIT_ASSERT_EQ(test, icemig_stream_size(c->in, 0, &size), 0);
	KUNIT_ASSERT_EQ(test, icemig_stream_encode(c->in, 0, c->buf, ICEMIG_STREAM_MAX_LEN,
						   &used), 0);
	KUNIT_EXPECT_EQ(test, size, used);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(c->buf), ICEMIG_STREAM_MAGIC);
	KUNIT_ASSERT_EQ(test, icemig_stream_decode(c->buf, used, c->out, &err), 0);
	KUNIT_EXPECT_EQ(test, memcmp(c->in, c->out, sizeof(*c->in)), 0);
}

/* The checksum covers the payload; a flipped bit names it. */
static void stream_checksum(struct kunit *test)
{
	struct stream_ctx *c = test->priv;
	struct icemig_stream_err err = {};
	u32 used = 0;

	sample_state(c->in, 1);
	KUNIT_ASSERT_EQ(test, icemig_stream_encode(c->in, 0, c->buf, ICEMIG_STREAM_MAX_LEN,
						   &used), 0);
	c->buf[used - 1] ^= 1;
	KUNIT_EXPECT_EQ(test, icemig_stream_decode(c->buf, used, c->out, &err), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, err.what);
	KUNIT_EXPECT_STREQ(test, err.what, "hdr.checksum");
}

/* A truncated stream is refused; so is one whose length field lies. */
static void stream_truncated(struct kunit *test)
{
	struct stream_ctx *c = test->priv;
	struct icemig_stream_err err = {};
	u32 used = 0, total, flags;

	sample_state(c->in, 2);
	KUNIT_ASSERT_EQ(test, icemig_stream_encode(c->in, 0, c->buf, ICEMIG_STREAM_MAX_LEN,
						   &used), 0);
	KUNIT_EXPECT_EQ(test, icemig_stream_decode(c->buf, used - 8, c->out, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, icemig_stream_frame(c->buf, HDR_LEN - 1, &total, &flags, &err),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, icemig_stream_frame(c->buf, used, &total, &flags, &err), 0);
	KUNIT_EXPECT_EQ(test, total, used);
}

/* A PRE_COPY preview carries no statistics. */
static void stream_preview(struct kunit *test)
{
	struct stream_ctx *c = test->priv;
	struct icemig_stream_err err = {};
	u32 used = 0;

	sample_state(c->in, 1);
	KUNIT_ASSERT_EQ(test, icemig_stream_encode(c->in, ICEMIG_STREAM_F_PRECOPY, c->buf,
						   ICEMIG_STREAM_MAX_LEN, &used), 0);
	KUNIT_ASSERT_EQ(test, icemig_stream_decode(c->buf, used, c->out, &err), 0);
	KUNIT_EXPECT_EQ(test, c->out->has_stats, 0);
	KUNIT_EXPECT_EQ(test, c->out->rx_packets, 0ull);
	KUNIT_EXPECT_EQ(test, c->out->port_vlan, 100);
}

static struct kunit_case stream_cases[] = {
	KUNIT_CASE(stream_roundtrip),
	KUNIT_CASE(stream_checksum),
	KUNIT_CASE(stream_truncated),
	KUNIT_CASE(stream_preview),
	{}
};

static struct kunit_suite stream_suite = {
	.name = "icemig_stream",
	.init = stream_init,
	.test_cases = stream_cases,
};

/* Text form round trip, a capacity rule naming its field, admin notes. */
static void compat_rules(struct kunit *test)
{
	struct icemig_compat *a, *b;
	struct icemig_compat_err err = {}, diff[4];
	struct icemig_vf_state *st;
	const char *bad = NULL;
	char *text;
	int n;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	text = kunit_kzalloc(test, ICEMIG_COMPAT_TEXT_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	sample_state(st, 8);
	icemig_compat_init(a, "kunit", 0x8086, 0x1889);
	icemig_compat_set_used(a, st);
	n = icemig_compat_format(a, text, ICEMIG_COMPAT_TEXT_MAX);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_ASSERT_EQ(test, icemig_compat_parse(text, n, b, &bad), 0);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);

	b->max_qps = 4;
	KUNIT_EXPECT_EQ(test, icemig_compat_check(a, b, &err), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, err.field);
	KUNIT_EXPECT_STREQ(test, err.field, "max_qps");
	KUNIT_EXPECT_EQ(test, err.src, 8ull);
	KUNIT_EXPECT_EQ(test, err.dst, 4ull);

	b->max_qps = 16;
	b->admin_port_vlan = 0;
	KUNIT_EXPECT_EQ(test, icemig_compat_check(a, b, NULL), 0);
	KUNIT_ASSERT_EQ(test, icemig_compat_admin_diff(a, b, diff, 4), 1);
	KUNIT_EXPECT_STREQ(test, diff[0].field, "admin_port_vlan");
	KUNIT_EXPECT_EQ(test, diff[0].src, 100ull);
}

static struct kunit_case compat_cases[] = {
	KUNIT_CASE(compat_rules),
	{}
};

static struct kunit_suite compat_suite = {
	.name = "icemig_compat",
	.test_cases = compat_cases,
};

kunit_test_suites(&stream_suite, &compat_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of icemig's stream codec and compatibility descriptor");
