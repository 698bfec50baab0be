// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the device-state stream codec (kernel/icemig_stream.c),
 * built in user space from the same source the kernel modules use.
 *
 * Each malformed-stream case starts from a valid stream, breaks exactly one
 * rule and, where the rule is not the checksum itself, recomputes the
 * checksum, so the test proves the decoder enforces that rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <endian.h>
#include <cmocka.h>

#include "../../kernel/include/icemig_stream.h"

#define HDR 24u

static void sample_state(struct icemig_vf_state *st, unsigned int nqp)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	memcpy(st->mac, "\x52\x54\x00\xab\xcd\xef", 6);
	st->trust = 1;
	st->spoofchk = 1;
	st->link_state = ICEMIG_LINK_ENABLE;
	st->port_vlan = 100;
	st->num_qps = nqp;
	st->num_msix = nqp + 1;
	st->vc_api_major = 1;
	st->vc_api_minor = 1;
	st->vc_caps = 0x00b0f0a1;
	for (i = 0; i < nqp; i++) {
		st->txq[i] = (struct icemig_queue){ .base = 0x100000 + i * 0x1000,
						    .ring_len = 512, .head = i, .tail = 17,
						    .flags = ICEMIG_QUEUE_F_ENABLED };
		st->rxq[i] = (struct icemig_queue){ .base = 0x200000 + i * 0x1000,
						    .ring_len = 1024, .head = 3, .tail = 1023,
						    .buf_len = 2048,
						    .flags = ICEMIG_QUEUE_F_ENABLED };
	}
	for (i = 0; i <= nqp; i++) {
		st->msix[i].vector = i;
		st->msix[i].rxq_map = i ? 1u << (i - 1) : 0;
		st->msix[i].txq_map = i ? 1u << (i - 1) : 0;
		st->msix[i].rx_itr = 0;
		st->msix[i].tx_itr = i ? 1 : ICEMIG_ITR_NONE;
	}
	st->num_msix_maps = nqp + 1;
	st->has_rss = 1;
	st->rss_hena = 0x3fff;
	st->rss_lut_len = ICEMIG_RSS_LUT_MAX;
	for (i = 0; i < ICEMIG_RSS_KEY_LEN; i++)
		st->rss_key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < ICEMIG_RSS_LUT_MAX; i++)
		st->rss_lut[i] = i % nqp;
	memcpy(st->macs[0].addr, st->mac, 6);
	st->macs[0].flags = ICEMIG_MAC_F_PRIMARY;
	memcpy(st->macs[1].addr, "\x01\x00\x5e\x00\x00\x01", 6);
	st->num_macs = 2;
	st->has_mbx = 1;
	st->mbx = (struct icemig_mbx){ .last_opcode = 6, .asq_len = 64, .asq_head = 5,
				       .asq_tail = 5, .arq_len = 64, .arq_head = 9, .arq_tail = 8 };
	st->rx_packets = 123456789;
	st->rx_bytes = 987654321;
	st->tx_packets = 42;
	st->tx_bytes = 4200;
	st->has_stats = 1;
	/* 1.1 records */
	st->has_vf_ext = 1;
	st->pf_set_mac = 1;
	st->promisc = ICEMIG_VF_EXT_F_UC_PROMISC | ICEMIG_VF_EXT_F_MC_PROMISC;
	st->port_vlan_prio = 5;
	st->port_vlan_tpid = 0x88a8;
	st->driver_caps = 0x00b0f0a1 | (1u << 28);
	st->min_tx_rate = 100;
	st->max_tx_rate = 25000;
	st->opcodes = 0x03f800000ffffffeull;
	st->config_gen = 0x1122334455667788ull;
	st->rss_hfunc = 2;
	st->has_vlan_v2 = 1;
	st->vlan_v2 = (struct icemig_vlan_v2){ .filtering_outer = 0x3, .filtering_inner = 0x1,
					       .stripping_outer = 0x103, .stripping_inner = 0x101,
					       .insertion_outer = 0x103, .insertion_inner = 0x101,
					       .max_filters = 8, .strip_outer_tpid = 0x88a8,
					       .insert_inner_tpid = 0x8100,
					       .flags = ICEMIG_VLAN_V2_F_FILTER_OUTER,
					       .ethertype_match = 1 };
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
	for (i = 0; i < nqp; i++) {
		st->rxctx[i] = (struct icemig_rxq_ctx){ .max_frame = 9728 + i, .hbuf_len = 64 * (i % 32),
							.rxdid = 22, .rxdid_prio = 3, .dtype = i % 4,
							.hsplit_0 = i % 16, .hsplit_1 = i % 4,
							.lrxqthresh = 1,
							.flags = ICEMIG_RXQ_CTX_F_DSIZE_32 |
								 ICEMIG_RXQ_CTX_F_CRCSTRIP |
								 ICEMIG_RXQ_CTX_F_PREFENA };
		st->txctx[i] = (struct icemig_txq_ctx){ .flags = ICEMIG_TXQ_CTX_F_TSO_ENA |
								 ICEMIG_TXQ_CTX_F_LEGACY_INT,
							.cache_prof_idx = i % 4 };
	}
	/* 1.2 records: every vector's registers, distinct per vector. */
	st->has_irq = 1;
	for (i = 0; i < st->num_msix; i++)
		st->irq[i] = (struct icemig_irq){ .flags = i ? ICEMIG_IRQ_F_INTENA |
							       ICEMIG_IRQ_F_WB_ON_ITR :
							       ICEMIG_IRQ_F_INTENA,
						  .itr_idx = i ? i % 3 : ICEMIG_ITR_NONE,
						  .sw_itr_idx = i % 4,
						  .interval = 25 * i,
						  .itr = { 25 + i, 122 + i, ICEMIG_ITR_INTERVAL_MAX } };
	st->has_mbx_ring = 1;
	st->mbx_ring = (struct icemig_mbx_ring){ .asq_base = 0x12345000ull,
						 .arq_base = 0xfedcba9876543200ull,
						 .flags = ICEMIG_MBX_RING_F_ASQ_ENA |
							  ICEMIG_MBX_RING_F_ARQ_ENA };
}

/* Drop the 1.2 members (what a 1.1 writer's state holds). */
static void drop_v12(struct icemig_vf_state *st)
{
	st->has_irq = st->has_mbx_ring = 0;
	memset(st->irq, 0, sizeof(st->irq));
	memset(&st->mbx_ring, 0, sizeof(st->mbx_ring));
}

/* Encode a sample state into a fresh buffer with @extra spare bytes. */
static uint8_t *make_stream(unsigned int nqp, uint32_t extra, uint32_t *len)
{
	struct icemig_vf_state st;
	uint32_t size;
	uint8_t *buf;

	sample_state(&st, nqp);
	assert_int_equal(icemig_stream_size(&st, 0, &size), 0);
	buf = calloc(1, size + extra);
	assert_non_null(buf);
	assert_int_equal(icemig_stream_encode(&st, 0, buf, size, len), 0);
	assert_int_equal(*len, size);
	return buf;
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, 2);
}

static void fix_crc(uint8_t *buf, uint32_t len)
{
	put32(buf + 16, icemig_crc32(buf + HDR, len - HDR));
}

/* Decode must fail with -EINVAL naming @what. */
static void expect_reject(const uint8_t *buf, uint32_t len, const char *what)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_vf_state st;

	assert_int_equal(icemig_stream_decode(buf, len, &st, &err), -EINVAL);
	assert_non_null(err.what);
	assert_string_equal(err.what, what);
}

static void test_roundtrip(void **state)
{
	static const unsigned int nqps[] = { 1, 4, 16 };
	struct icemig_vf_state in, out;
	struct icemig_stream_err err = { 0 };
	uint8_t buf[ICEMIG_STREAM_MAX_LEN];
	uint32_t len;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(nqps) / sizeof(nqps[0]); i++) {
		sample_state(&in, nqps[i]);
		assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
		assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
		assert_memory_equal(&in, &out, sizeof(in));
	}
	/*
	 * Contract 1 size target: 16 queue pairs, no VLAN filter, within 2 KiB,
	 * with every 1.1 and 1.2 record present (2032 bytes: 1720 without the
	 * 1.2 records, 1232 without the 1.1 ones). IRQ: 8 + 17 x 16 bytes,
	 * MBX_RING: 8 + 24.
	 */
	assert_true(in.has_vf_ext && in.has_vlan_v2 && in.has_rxq_ctx && in.has_txq_ctx);
	assert_true(in.has_irq && in.has_mbx_ring && in.num_msix == 17);
	assert_int_equal(len, 2032);
	assert_true(len <= 2048);

	/* The largest state: every VLAN filter and MAC filter. */
	for (i = 0; i < ICEMIG_MAX_VLAN_FILTERS; i++)
		in.vlans[i] = i + 1;
	in.num_vlans = ICEMIG_MAX_VLAN_FILTERS;
	for (i = 2; i < ICEMIG_MAX_MAC_FILTERS; i++) {
		memcpy(in.macs[i].addr, "\x02\x00\x00\x00\x00", 5);
		in.macs[i].addr[5] = i;
	}
	in.num_macs = ICEMIG_MAX_MAC_FILTERS;
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

static void test_encode_small_buffer(void **state)
{
	struct icemig_vf_state st;
	uint8_t buf[64];
	uint32_t len;

	(void)state;
	sample_state(&st, 1);
	assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), -ENOSPC);
}

static void test_encode_refuses_invalid_state(void **state)
{
	struct icemig_vf_state st;
	uint8_t buf[4096];
	uint32_t len;

	(void)state;
	sample_state(&st, 1);
	st.txq[0].head = st.txq[0].ring_len; /* head outside the ring */
	assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), -EINVAL);
}

static void test_truncated(void **state)
{
	uint32_t len, cut;
	uint8_t *buf = make_stream(2, 0, &len);

	(void)state;
	/* Every proper prefix is refused. */
	for (cut = 0; cut < len; cut++) {
		struct icemig_vf_state st;

		assert_int_equal(icemig_stream_decode(buf, cut, &st, NULL), -EINVAL);
	}
	expect_reject(buf, HDR - 1, "hdr.truncated");
	expect_reject(buf, len - 8, "hdr.total_len");
	free(buf);
}

static void test_padded(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 8, &len);

	(void)state;
	/* Trailing bytes beyond total_len are refused. */
	expect_reject(buf, len + 8, "hdr.total_len");
	free(buf);
}

static void test_bad_magic(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	buf[0] ^= 0xff;
	expect_reject(buf, len, "hdr.magic");
	free(buf);
}

static void test_bad_version(void **state)
{
	struct icemig_vf_state st;
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	put16(buf + 4, ICEMIG_STREAM_VERSION_MAJOR + 1);
	expect_reject(buf, len, "hdr.version_major");
	/* A newer minor version is compatible. */
	put16(buf + 4, ICEMIG_STREAM_VERSION_MAJOR);
	put16(buf + 6, ICEMIG_STREAM_VERSION_MINOR + 7);
	assert_int_equal(icemig_stream_decode(buf, len, &st, NULL), 0);
	free(buf);
}

static void test_bad_checksum(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	buf[len - 1] ^= 0x01;
	expect_reject(buf, len, "hdr.checksum");
	free(buf);
}

static void test_length_overflow(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	/* First record's length near 2^32: must not wrap any bound. */
	put32(buf + HDR + 4, 0xfffffff9u);
	fix_crc(buf, len);
	expect_reject(buf, len, "tlv.len");
	/* Header's total beyond the cap. */
	put32(buf + HDR + 4, sizeof(struct icemig_wire_vf_info));
	put32(buf + 12, 0xffffffffu);
	fix_crc(buf, len);
	expect_reject(buf, len, "hdr.total_len");
	free(buf);
}

static void test_oversized(void **state)
{
	uint8_t *buf = calloc(1, ICEMIG_STREAM_MAX_LEN + 1);

	(void)state;
	assert_non_null(buf);
	expect_reject(buf, ICEMIG_STREAM_MAX_LEN + 1, "hdr.total_len.max");
	free(buf);
}

/* Append a record to a valid stream in @buf (room for 64 more bytes). */
static uint32_t append_record(uint8_t *buf, uint32_t len, uint16_t type, uint16_t flags,
			      uint32_t vlen)
{
	uint32_t padded = (vlen + 7) & ~7u;

	put16(buf + len, type);
	put16(buf + len + 2, flags);
	put32(buf + len + 4, vlen);
	memset(buf + len + 8, 0xa5, vlen);
	memset(buf + len + 8 + vlen, 0, padded - vlen);
	len += 8 + padded;
	put32(buf + 12, len);
	fix_crc(buf, len);
	return len;
}

static void test_unknown_mandatory(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 64, &len);

	(void)state;
	len = append_record(buf, len, 0x7f00, ICEMIG_TLV_F_MANDATORY, 13);
	expect_reject(buf, len, "tlv.type.unknown_mandatory");
	free(buf);
}

static void test_unknown_optional(void **state)
{
	struct icemig_vf_state ref, st;
	uint32_t len;
	uint8_t *buf = make_stream(1, 64, &len);

	(void)state;
	len = append_record(buf, len, 0x7f00, 0, 13);
	assert_int_equal(icemig_stream_decode(buf, len, &st, NULL), 0);
	sample_state(&ref, 1);
	assert_memory_equal(&ref, &st, sizeof(st));
	free(buf);
}

static void test_nonzero_padding(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 64, &len);
	uint32_t rec = len;

	(void)state;
	len = append_record(buf, len, 0x7f00, 0, 13);
	buf[rec + 8 + 13] = 1; /* a padding byte */
	fix_crc(buf, len);
	expect_reject(buf, len, "tlv.padding");
	free(buf);
}

static void test_duplicate_record(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 64, &len);

	(void)state;
	/* A second STATS record (32 bytes) after the first. */
	len = append_record(buf, len, ICEMIG_TLV_STATS, 0, 32);
	expect_reject(buf, len, "tlv.duplicate");
	free(buf);
}

static void test_missing_mandatory(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	/* Turn VF_INFO into an unknown optional record of the same size. */
	put16(buf + HDR, 0x7f01);
	put16(buf + HDR + 2, 0);
	fix_crc(buf, len);
	expect_reject(buf, len, "vf_info.missing");
	free(buf);
}

static void test_bad_index_and_count(void **state)
{
	/* TXQ record starts after the header and VF_INFO (8 + 32). */
	const uint32_t txq = HDR + 8 + 32;
	uint32_t len;
	uint8_t *buf = make_stream(2, 0, &len);

	(void)state;
	put16(buf + txq + 8 + 24 + 8, 16); /* second queue's qid */
	fix_crc(buf, len);
	expect_reject(buf, len, "txq.qid");

	put16(buf + txq + 8 + 24 + 8, 0); /* both queues claim qid 0 */
	fix_crc(buf, len);
	expect_reject(buf, len, "txq.qid");

	put16(buf + txq + 8 + 24 + 8, 1);
	put16(buf + HDR + 8 + 12, 3); /* num_qps 3, only 2 queues present */
	fix_crc(buf, len);
	expect_reject(buf, len, "txq.count");

	put16(buf + HDR + 8 + 12, 0); /* num_qps 0 */
	fix_crc(buf, len);
	expect_reject(buf, len, "vf_info.num_qps");
	free(buf);
}

static void test_bad_queue_context(void **state)
{
	const uint32_t txq = HDR + 8 + 32;
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	put16(buf + txq + 8 + 12, 512); /* head == ring_len */
	fix_crc(buf, len);
	expect_reject(buf, len, "txq.context");
	free(buf);
}

static void test_bad_record_length(void **state)
{
	uint32_t len;
	uint8_t *buf = make_stream(1, 0, &len);

	(void)state;
	/* VF_INFO claims 24 bytes: consistent framing, wrong size. */
	put32(buf + HDR + 4, 24);
	memmove(buf + HDR + 8 + 24, buf + HDR + 8 + 32, len - (HDR + 8 + 32));
	len -= 8;
	put32(buf + 12, len);
	fix_crc(buf, len);
	expect_reject(buf, len, "vf_info.len");
	free(buf);
}

/* Offset of the first record of @type in a stream, or 0. */
static uint32_t find_record(const uint8_t *buf, uint32_t len, uint16_t type)
{
	uint32_t off = HDR;

	while (off + 8 <= len) {
		uint16_t t;
		uint32_t l;

		memcpy(&t, buf + off, 2);
		memcpy(&l, buf + off + 4, 4);
		if (le16toh(t) == type)
			return off;
		off += 8 + ((le32toh(l) + 7) & ~7u);
	}
	return 0;
}

/* Break one field of a record, fix the checksum, expect @what. */
static void break_field(unsigned int nqp, uint16_t type, uint32_t at, uint16_t val,
			const char *what)
{
	uint32_t len, off;
	uint8_t *buf = make_stream(nqp, 0, &len);

	off = find_record(buf, len, type);
	assert_int_not_equal(off, 0);
	put16(buf + off + 8 + at, val);
	fix_crc(buf, len);
	expect_reject(buf, len, what);
	free(buf);
}

static void test_bad_extra_records(void **state)
{
	(void)state;
	/* MSI-X: vector beyond num_msix, queue bit beyond num_qps, ITR. */
	break_field(2, ICEMIG_TLV_MSIX, 0, 9, "msix.vector");
	break_field(2, ICEMIG_TLV_MSIX, 8, 0, "msix.vector"); /* duplicate 0 */
	break_field(2, ICEMIG_TLV_MSIX, 2, 0x4, "msix.queue_map");
	break_field(2, ICEMIG_TLV_MSIX, 6, 0x0404, "msix.itr");
	/* RSS: key length, LUT length beyond the record, LUT entry. */
	break_field(2, ICEMIG_TLV_RSS, 8, 40, "rss.key_len");
	break_field(2, ICEMIG_TLV_RSS, 10, 65, "rss.lut_len");
	break_field(2, ICEMIG_TLV_RSS, 72, 0x0202, "rss.lut");
	/* MAC filters: unknown flag; all-zero and duplicate below. */
	break_field(1, ICEMIG_TLV_MAC_FILTERS, 6, 0x8000, "mac_filters.flags");
	{
		uint32_t len, off;
		uint8_t *buf = make_stream(1, 0, &len);

		off = find_record(buf, len, ICEMIG_TLV_MAC_FILTERS);
		assert_int_not_equal(off, 0);
		memcpy(buf + off + 8 + 8, buf + off + 8, 6); /* second = first */
		fix_crc(buf, len);
		expect_reject(buf, len, "mac_filters.duplicate");
		memset(buf + off + 8 + 8, 0, 6);
		fix_crc(buf, len);
		expect_reject(buf, len, "mac_filters.addr");
		free(buf);
	}
	/* Mailbox: head outside the queue, zero length. */
	break_field(1, ICEMIG_TLV_MBX, 6, 64, "mbx.asq");
	break_field(1, ICEMIG_TLV_MBX, 10, 0, "mbx.arq");
}

static void test_bad_vlans(void **state)
{
	struct icemig_vf_state st;
	uint8_t buf[8192];
	uint32_t len, off;

	(void)state;
	sample_state(&st, 1);
	st.vlans[0] = 10;
	st.vlans[1] = 20;
	st.num_vlans = 2;
	assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &len), 0);
	off = find_record(buf, len, ICEMIG_TLV_VLAN_FILTERS);
	assert_int_not_equal(off, 0);
	put16(buf + off + 8 + 2, 10); /* not increasing: duplicate */
	fix_crc(buf, len);
	expect_reject(buf, len, "vlan_filters.order");
	put16(buf + off + 8 + 2, 4096); /* out of range */
	fix_crc(buf, len);
	expect_reject(buf, len, "vlan_filters.vid");
	/* Odd length: framing consistent, not a whole number of IDs. */
	put32(buf + off + 4, 3);
	put16(buf + off + 8 + 2, 20);
	buf[off + 8 + 3] = 0;
	fix_crc(buf, len);
	expect_reject(buf, len, "vlan_filters.len");
}

static void test_precopy_and_frame(void **state)
{
	struct icemig_vf_state in, out;
	uint8_t buf[8192];
	uint32_t len, full, total = 0, flags = 0;

	(void)state;
	sample_state(&in, 4);
	assert_int_equal(icemig_stream_size(&in, 0, &full), 0);
	assert_int_equal(icemig_stream_encode(&in, ICEMIG_STREAM_F_PRECOPY, buf,
					      sizeof(buf), &len), 0);
	/* A preview leaves the statistics out: one 32-byte record less. */
	assert_int_equal(len, full - 40);
	assert_int_equal(icemig_stream_frame(buf, 24, &total, &flags, NULL), 0);
	assert_int_equal(total, len);
	assert_int_equal(flags, ICEMIG_STREAM_F_PRECOPY);
	assert_int_equal(icemig_stream_frame(buf, 23, &total, &flags, NULL), -EAGAIN);
	assert_int_equal(icemig_stream_decode(buf, len, &out, NULL), 0);
	in.has_stats = 0;
	in.rx_packets = in.rx_bytes = in.tx_packets = in.tx_bytes = 0;
	assert_memory_equal(&in, &out, sizeof(in));
	/* A preview with statistics is refused. */
	{
		uint8_t full_buf[8192];
		uint32_t flen;

		sample_state(&in, 4);
		assert_int_equal(icemig_stream_encode(&in, 0, full_buf, sizeof(full_buf), &flen), 0);
		put32(full_buf + 8, ICEMIG_STREAM_F_PRECOPY);
		fix_crc(full_buf, flen);
		expect_reject(full_buf, flen, "stats.precopy");
	}
	/* Unknown header flags are refused by both. */
	put32(buf + 8, 0x2);
	assert_int_equal(icemig_stream_frame(buf, len, &total, &flags, NULL), -EINVAL);
	expect_reject(buf, len, "hdr.flags");
	assert_int_equal(icemig_stream_encode(&in, 0x2, buf, sizeof(buf), &len), -EINVAL);
}

/*
 * stream-v1.0.bin: bytes the 1.0 encoder wrote (the helper's golden sample
 * before 1.1: a preview and a final stream). Both still decode, to states
 * without any 1.1 member.
 */
static void test_v10_file_readable(void **state)
{
	static const uint8_t zero[sizeof(struct icemig_rxq_ctx) * ICEMIG_MAX_QP];
	uint8_t buf[4096];
	struct icemig_vf_state st;
	struct icemig_stream_err err = { 0 };
	uint32_t off = 0, total, flags;
	unsigned int n = 0;
	size_t len;
	FILE *f;

	(void)state;
	f = fopen(TEST_DATA_DIR "/stream-v1.0.bin", "rb");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(len, 728);
	while (off < len) {
		assert_int_equal(icemig_stream_frame(buf + off, len - off, &total, &flags, &err), 0);
		assert_int_equal(buf[off + 6], 0);	/* minor 0 */
		assert_int_equal(icemig_stream_decode(buf + off, total, &st, &err), 0);
		assert_false(st.has_vf_ext || st.has_vlan_v2 || st.has_rxq_ctx || st.has_txq_ctx);
		assert_false(st.has_irq || st.has_mbx_ring);
		assert_memory_equal(st.rxctx, zero, sizeof(st.rxctx));
		assert_int_equal(st.num_qps, 2);
		off += total;
		n++;
	}
	assert_int_equal(n, 2);
}

/* A 1.0 stream (no 1.1 record, minor 0) still decodes, to has_* == 0. */
static void test_v10_stream_readable(void **state)
{
	struct icemig_vf_state in, out;
	uint8_t buf[8192];
	uint32_t len;
	unsigned int i;

	(void)state;
	sample_state(&in, 4);
	in.has_vf_ext = in.has_vlan_v2 = in.has_rxq_ctx = in.has_txq_ctx = 0;
	drop_v12(&in);
	in.pf_set_mac = in.promisc = in.port_vlan_prio = 0;
	in.port_vlan_tpid = 0;
	in.driver_caps = in.min_tx_rate = in.max_tx_rate = 0;
	in.opcodes = in.config_gen = 0;
	in.rss_hfunc = 0;
	memset(&in.vlan_v2, 0, sizeof(in.vlan_v2));
	memset(in.rxctx, 0, sizeof(in.rxctx));
	memset(in.txctx, 0, sizeof(in.txctx));
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	/* Exactly the 1.0 record types, in the 1.0 order. */
	for (i = ICEMIG_TLV_VF_EXT; i <= ICEMIG_TLV_MAX_KNOWN; i++)
		assert_int_equal(find_record(buf, len, i), 0);
	put16(buf + 6, 0);
	fix_crc(buf, len);
	assert_int_equal(icemig_stream_decode(buf, len, &out, NULL), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	/* 1.1 members without their record are refused by the state check. */
	in.port_vlan_tpid = 0x8100;
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), -EINVAL);
}

static void test_bad_v11_records(void **state)
{
	(void)state;
	/* VF_EXT: unknown flag, TPID, TPID without port VLAN, priority, rates. */
	break_field(1, ICEMIG_TLV_VF_EXT, 30, 0x8005, "vf_ext.flags");
	break_field(1, ICEMIG_TLV_VF_EXT, 28, 0x9100, "vf_ext.port_vlan_tpid");
	break_field(1, ICEMIG_TLV_VF_EXT, 30, 0x0708, "vf_ext.port_vlan_prio");
	break_field(1, ICEMIG_TLV_VF_EXT, 20, 30000, "vf_ext.tx_rate");
	break_field(1, ICEMIG_TLV_VF_EXT, 32, 4, "vf_ext.rss_hfunc");
	break_field(1, ICEMIG_TLV_VF_EXT, 38, 1, "vf_ext.reserved");
	/* Promiscuous modes on an untrusted VF (VF_INFO trust 0, spoofchk 1). */
	break_field(1, ICEMIG_TLV_VF_INFO, 6, 0x0100, "vf_ext.promisc_untrusted");
	/* VLAN_V2: TPID, stripping without the capability, reserved. */
	break_field(1, ICEMIG_TLV_VLAN_V2, 26, 0x0800, "vlan_v2.tpid");
	break_field(1, ICEMIG_TLV_VLAN_V2, 8, 0, "vlan_v2.stripping");
	break_field(1, ICEMIG_TLV_VLAN_V2, 0, 0, "vlan_v2.filtering");
	break_field(1, ICEMIG_TLV_VLAN_V2, 34, 0x0104, "vlan_v2.flags");
	break_field(1, ICEMIG_TLV_VLAN_V2, 36, 1, "vlan_v2.reserved");
	/* RXQ_CTX: every field beyond its context width, qid, count. */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 6, 0x0340, "rxq_ctx.field");	/* rxdid 64 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 6, 0x0816, "rxq_ctx.field");	/* prio 8 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 2, 16384, "rxq_ctx.field");
	break_field(1, ICEMIG_TLV_RXQ_CTX, 4, 65, "rxq_ctx.field");
	break_field(1, ICEMIG_TLV_RXQ_CTX, 4, 2048, "rxq_ctx.field");
	break_field(1, ICEMIG_TLV_RXQ_CTX, 8, 0x0004, "rxq_ctx.field");	/* dtype 4 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 8, 0x1000, "rxq_ctx.field");	/* hsplit_0 16 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 10, 0x0004, "rxq_ctx.field");	/* hsplit_1 4 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 10, 0x0800, "rxq_ctx.field");	/* lrxqthresh 8 */
	break_field(1, ICEMIG_TLV_RXQ_CTX, 12, 0x0200, "rxq_ctx.field");
	break_field(1, ICEMIG_TLV_RXQ_CTX, 14, 1, "rxq_ctx.reserved");
	break_field(2, ICEMIG_TLV_RXQ_CTX, 16, 0, "rxq_ctx.qid");	/* qid 0 twice */
	break_field(2, ICEMIG_TLV_RXQ_CTX, 16, 16, "rxq_ctx.qid");
	break_field(2, ICEMIG_TLV_RXQ_CTX, 16, 5, "rxq_ctx.count");	/* 0 and 5 */
	/* TXQ_CTX (0x0400 is TAIL_UNKNOWN since 1.2: test_tail_unknown) */
	break_field(1, ICEMIG_TLV_TXQ_CTX, 2, 0x0800, "txq_ctx.field");
	break_field(1, ICEMIG_TLV_TXQ_CTX, 4, 4, "txq_ctx.field");
	break_field(1, ICEMIG_TLV_TXQ_CTX, 6, 1, "txq_ctx.reserved");
	break_field(2, ICEMIG_TLV_TXQ_CTX, 8, 7, "txq_ctx.count");
}

/* Queue details past num_qps, or without their record, are refused. */
static void test_v11_state_rules(void **state)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_vf_state st;

	(void)state;
	sample_state(&st, 2);
	assert_int_equal(icemig_state_check(&st, &err), 0);
	st.rxctx[2].rxdid = 1;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "rxq_ctx.qid");
	sample_state(&st, 2);
	st.has_txq_ctx = 0;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "txq_ctx.qid");
	sample_state(&st, 2);
	st.has_vlan_v2 = 0;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "vlan_v2.missing");
	sample_state(&st, 2);
	st.has_vf_ext = 2;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "state.has");
	/* A hash function without RSS. */
	sample_state(&st, 2);
	st.has_rss = 0;
	st.rss_hena = 0;
	st.rss_lut_len = 0;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.rss_hfunc");
	/* Port VLAN priority alone (VID 0) is a port VLAN: it needs a TPID. */
	sample_state(&st, 2);
	st.port_vlan = 0;
	assert_int_equal(icemig_state_check(&st, &err), 0);
	st.port_vlan_prio = 0;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "vf_ext.port_vlan_tpid");
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* Break a record's length field (value bytes kept), expect @what. */
static void break_len(unsigned int nqp, uint16_t type, uint32_t vlen, const char *what)
{
	uint32_t len, off;
	uint8_t *buf = make_stream(nqp, 0, &len);

	off = find_record(buf, len, type);
	assert_int_not_equal(off, 0);
	put32(buf + off + 4, vlen);
	fix_crc(buf, len);
	expect_reject(buf, len, what);
	free(buf);
}

/* The 1.2 records: present, mandatory, sized by num_msix; values round trip. */
static void test_v12_records(void **state)
{
	struct icemig_vf_state in, out;
	struct icemig_stream_err err = { 0 };
	uint8_t buf[8192];
	uint32_t len, off, v;
	uint16_t f;

	(void)state;
	sample_state(&in, 4);
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(le16toh(*(uint16_t *)(buf + 6)), 2);	/* minor 2 */
	off = find_record(buf, len, ICEMIG_TLV_IRQ);
	assert_int_not_equal(off, 0);
	memcpy(&f, buf + off + 2, 2);
	memcpy(&v, buf + off + 4, 4);
	assert_int_equal(le16toh(f), ICEMIG_TLV_F_MANDATORY);
	assert_int_equal(le32toh(v), 5 * sizeof(struct icemig_wire_irq));
	/* Entry 3: vector 3, flags, itr_idx 0, sw_itr_idx 3, interval 75. */
	assert_int_equal(buf[off + 8 + 3 * 16], 3);
	assert_int_equal(buf[off + 8 + 3 * 16 + 2], ICEMIG_IRQ_F_INTENA | ICEMIG_IRQ_F_WB_ON_ITR);
	assert_int_equal(buf[off + 8 + 3 * 16 + 4], 3);
	assert_int_equal(buf[off + 8 + 3 * 16 + 6], 75);
	off = find_record(buf, len, ICEMIG_TLV_MBX_RING);
	assert_int_not_equal(off, 0);
	memcpy(&f, buf + off + 2, 2);
	memcpy(&v, buf + off + 4, 4);
	assert_int_equal(le16toh(f), ICEMIG_TLV_F_MANDATORY);
	assert_int_equal(le32toh(v), 24);
	assert_int_equal(buf[off + 8 + 15], 0xfe);	/* arq_base, little-endian */
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_string_equal(icemig_tlv_type_name(ICEMIG_TLV_IRQ), "IRQ");
	assert_string_equal(icemig_tlv_type_name(ICEMIG_TLV_MBX_RING), "MBX_RING");
	assert_string_equal(icemig_tlv_type_name(16), "UNKNOWN");

	/* IRQ alone (no mailbox: no MBX_RING either), then MBX_RING alone. */
	in.has_mbx = in.has_mbx_ring = 0;
	memset(&in.mbx, 0, sizeof(in.mbx));
	memset(&in.mbx_ring, 0, sizeof(in.mbx_ring));
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(find_record(buf, len, ICEMIG_TLV_MBX_RING), 0);
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	sample_state(&in, 4);
	in.has_irq = 0;
	memset(in.irq, 0, sizeof(in.irq));
	in.mbx_ring.flags = ICEMIG_MBX_RING_F_ARQ_ENA;
	in.mbx_ring.asq_base = 0;	/* a disabled ring may have no base */
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(find_record(buf, len, ICEMIG_TLV_IRQ), 0);
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	/* The largest vector count: 65 entries. */
	sample_state(&in, 16);
	in.num_msix = ICEMIG_MAX_MSIX;
	for (v = 17; v < ICEMIG_MAX_MSIX; v++)
		in.irq[v] = (struct icemig_irq){ .itr_idx = ICEMIG_ITR_NONE, .itr = { v } };
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

/*
 * A 1.1 stream (minor 1, every 1.1 record, no 1.2 record) still decodes,
 * to has_irq == has_mbx_ring == 0 and the rest as written.
 */
static void test_v11_stream_readable(void **state)
{
	struct icemig_vf_state in, out;
	struct icemig_stream_err err = { 0 };
	uint8_t buf[8192];
	uint32_t len;

	(void)state;
	sample_state(&in, 4);
	drop_v12(&in);
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(find_record(buf, len, ICEMIG_TLV_IRQ), 0);
	assert_int_equal(find_record(buf, len, ICEMIG_TLV_MBX_RING), 0);
	assert_int_not_equal(find_record(buf, len, ICEMIG_TLV_TXQ_CTX), 0);
	put16(buf + 6, 1);
	fix_crc(buf, len);
	memset(&out, 0xff, sizeof(out));
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_int_equal(out.has_irq, 0);
	assert_int_equal(out.has_mbx_ring, 0);
	assert_true(out.has_mbx && out.has_txq_ctx);
	assert_memory_equal(&in, &out, sizeof(in));
	/* 1.2 members without their record are refused by the state check. */
	in.irq[0].interval = 1;
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), -EINVAL);
	assert_int_equal(icemig_state_check(&in, &err), -EINVAL);
	assert_string_equal(err.what, "irq.missing");
	in.irq[0].interval = 0;
	in.mbx_ring.flags = ICEMIG_MBX_RING_F_ASQ_ENA;
	assert_int_equal(icemig_state_check(&in, &err), -EINVAL);
	assert_string_equal(err.what, "mbx_ring.missing");
}

/* Each rule of the 1.2 records, broken in an otherwise valid stream. */
static void test_bad_v12_records(void **state)
{
	(void)state;
	/*
	 * IRQ, nqp 1 (num_msix 2). Entry: vector @0, flags @2, itr_idx @3,
	 * sw_itr_idx @4, reserved0 @5, interval @6, itr[] @8, reserved @14.
	 */
	break_field(1, ICEMIG_TLV_IRQ, 2, 0x0308, "irq.flags");
	break_field(1, ICEMIG_TLV_IRQ, 2, 0x0401, "irq.itr_idx");	/* 4 */
	break_field(1, ICEMIG_TLV_IRQ, 4, 0x0004, "irq.sw_itr_idx");
	break_field(1, ICEMIG_TLV_IRQ, 4, 0x0100, "irq.reserved");
	break_field(1, ICEMIG_TLV_IRQ, 14, 1, "irq.reserved");
	break_field(1, ICEMIG_TLV_IRQ, 6, ICEMIG_ITR_INTERVAL_MAX + 1, "irq.interval");
	break_field(1, ICEMIG_TLV_IRQ, 8, ICEMIG_ITR_INTERVAL_MAX + 1, "irq.interval");
	break_field(1, ICEMIG_TLV_IRQ, 10, 0x8000, "irq.interval");
	break_field(1, ICEMIG_TLV_IRQ, 12, 0xffff, "irq.interval");
	break_field(1, ICEMIG_TLV_IRQ, 16, 0, "irq.vector");	/* vector 0 twice */
	break_field(1, ICEMIG_TLV_IRQ, 16, ICEMIG_MAX_MSIX, "irq.vector");
	break_field(1, ICEMIG_TLV_IRQ, 16, 2, "irq.vector");	/* >= num_msix */
	break_field(1, ICEMIG_TLV_VF_INFO, 14, 3, "irq.count");	/* vector 2 missing */
	break_field(1, ICEMIG_TLV_VF_INFO, 14, 1, "irq.vector");	/* vector 1 extra */
	break_len(1, ICEMIG_TLV_IRQ, 24, "irq.len");
	break_len(1, ICEMIG_TLV_IRQ, 0, "irq.count");
	/* MBX_RING: asq_base @0, arq_base @8, flags @16, reserved @18. */
	break_field(1, ICEMIG_TLV_MBX_RING, 16, 0x0004, "mbx_ring.flags");
	break_field(1, ICEMIG_TLV_MBX_RING, 0, 0x5020, "mbx_ring.align");
	break_field(1, ICEMIG_TLV_MBX_RING, 8, 0x3201, "mbx_ring.align");
	break_field(1, ICEMIG_TLV_MBX_RING, 18, 1, "mbx_ring.reserved");
	break_field(1, ICEMIG_TLV_MBX_RING, 22, 0x100, "mbx_ring.reserved");
	break_len(1, ICEMIG_TLV_MBX_RING, 16, "mbx_ring.len");
	{
		uint32_t len, off;
		uint8_t *buf = make_stream(1, 64, &len);

		/* Enabled ring without a base. */
		off = find_record(buf, len, ICEMIG_TLV_MBX_RING);
		assert_int_not_equal(off, 0);
		put64(buf + off + 8 + 8, 0);	/* arq_base */
		fix_crc(buf, len);
		expect_reject(buf, len, "mbx_ring.base");
		/* ...which is fine once the ring is disabled. */
		put16(buf + off + 8 + 16, ICEMIG_MBX_RING_F_ASQ_ENA);
		fix_crc(buf, len);
		assert_int_equal(icemig_stream_decode(buf, len, &(struct icemig_vf_state){ 0 },
						      NULL), 0);
		put64(buf + off + 8, 0);	/* asq_base, ASQ enabled */
		fix_crc(buf, len);
		expect_reject(buf, len, "mbx_ring.base");
		/* A second MBX_RING record. */
		len = append_record(buf, len, ICEMIG_TLV_MBX_RING, ICEMIG_TLV_F_MANDATORY, 24);
		expect_reject(buf, len, "tlv.duplicate");
		free(buf);

		/* MBX_RING without MBX: MBX turned into an unknown optional record. */
		buf = make_stream(1, 0, &len);
		off = find_record(buf, len, ICEMIG_TLV_MBX);
		assert_int_not_equal(off, 0);
		put16(buf + off, 0x7f02);
		put16(buf + off + 2, 0);
		fix_crc(buf, len);
		expect_reject(buf, len, "mbx_ring.no_mbx");
		free(buf);
	}
}

/*
 * TXQ_CTX's TAIL_UNKNOWN (1.2): accepted only where TXQ's tail equals its
 * head, and it round trips.
 */
static void test_tail_unknown(void **state)
{
	/* TXQ record after the header and VF_INFO; entry: head @12, tail @14. */
	const uint32_t txq = HDR + 8 + 32;
	struct icemig_vf_state in, out;
	struct icemig_stream_err err = { 0 };
	uint8_t buf[8192];
	uint32_t len;

	(void)state;
	sample_state(&in, 2);
	in.txctx[1].flags |= ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN;
	/* Queue 1: head 1, tail 17. */
	assert_int_equal(icemig_state_check(&in, &err), -EINVAL);
	assert_string_equal(err.what, "txq_ctx.tail_unknown");
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), -EINVAL);
	in.txq[1].tail = in.txq[1].head;
	assert_int_equal(icemig_stream_encode(&in, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(icemig_stream_decode(buf, len, &out, &err), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_true(out.txctx[1].flags & ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN);
	/* The other queue's tail is not bound by it. */
	assert_int_not_equal(out.txq[0].tail, out.txq[0].head);
	/* Queue 1's tail moved off its head in the stream. */
	put16(buf + txq + 8 + 24 + 14, 5);
	fix_crc(buf, len);
	expect_reject(buf, len, "txq_ctx.tail_unknown");
}

/* State-level rules of the 1.2 members (what icemig_state_check() sees). */
static void test_v12_state_rules(void **state)
{
	struct icemig_stream_err err = { 0 };
	struct icemig_vf_state st;

	(void)state;
	sample_state(&st, 2);
	assert_int_equal(icemig_state_check(&st, &err), 0);
	st.has_irq = 2;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "state.has");
	sample_state(&st, 2);
	st.has_mbx_ring = 2;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "state.has");
	/* An entry past num_msix. */
	sample_state(&st, 2);
	st.irq[3].sw_itr_idx = 1;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "irq.vector");
	/* IRQ with no vector at all: the record would be empty. */
	sample_state(&st, 2);
	memset(st.irq, 0, sizeof(st.irq));
	st.num_msix = 0;
	st.num_msix_maps = 0;
	memset(st.msix, 0, sizeof(st.msix));
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "irq.count");
	st.has_irq = 0;
	assert_int_equal(icemig_state_check(&st, &err), 0);
	/* MBX_RING needs MBX. */
	sample_state(&st, 2);
	st.has_mbx = 0;
	memset(&st.mbx, 0, sizeof(st.mbx));
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "mbx_ring.no_mbx");
	/* Every ITR index value the hardware field can hold but 3 is out. */
	sample_state(&st, 2);
	st.irq[1].itr_idx = ICEMIG_ITR_NONE;
	st.irq[1].sw_itr_idx = 3;
	st.irq[1].flags = ICEMIG_IRQ_F_ALL;
	st.irq[1].interval = ICEMIG_ITR_INTERVAL_MAX;
	assert_int_equal(icemig_state_check(&st, &err), 0);
	st.mbx_ring.asq_base = ICEMIG_MBX_RING_ALIGN;
	assert_int_equal(icemig_state_check(&st, &err), 0);
	st.mbx_ring.asq_base = ICEMIG_MBX_RING_ALIGN / 2;
	assert_int_equal(icemig_state_check(&st, &err), -EINVAL);
	assert_string_equal(err.what, "mbx_ring.align");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_encode_small_buffer),
		cmocka_unit_test(test_encode_refuses_invalid_state),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_padded),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_length_overflow),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_unknown_mandatory),
		cmocka_unit_test(test_unknown_optional),
		cmocka_unit_test(test_nonzero_padding),
		cmocka_unit_test(test_duplicate_record),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_bad_index_and_count),
		cmocka_unit_test(test_bad_queue_context),
		cmocka_unit_test(test_bad_record_length),
		cmocka_unit_test(test_bad_extra_records),
		cmocka_unit_test(test_bad_vlans),
		cmocka_unit_test(test_precopy_and_frame),
		cmocka_unit_test(test_v10_stream_readable),
		cmocka_unit_test(test_v10_file_readable),
		cmocka_unit_test(test_bad_v11_records),
		cmocka_unit_test(test_v11_state_rules),
		cmocka_unit_test(test_v12_records),
		cmocka_unit_test(test_v11_stream_readable),
		cmocka_unit_test(test_bad_v12_records),
		cmocka_unit_test(test_tail_unknown),
		cmocka_unit_test(test_v12_state_rules),
	};

	return cmocka_run_group_tests_name("stream codec", tests, NULL, NULL);
}
