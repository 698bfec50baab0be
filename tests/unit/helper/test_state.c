// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: `icemig state decode` (statedec.h) over streams made by the
 * kernel's own encoder (kernel/icemig_stream.c), and the sample stream file
 * used by test_cli.sh (golden/state-sample.bin).
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <zlib.h>

#include "icemig_stream.h"

#include "fakesys.h"
#include "statedec.h"

/* A VF with 2 queue pairs and every optional part of the state. */
static void sample_state(struct icemig_vf_state *st)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	unsigned int i;

	memset(st, 0, sizeof(*st));
	memcpy(st->mac, mac, 6);
	st->trust = 1;
	st->spoofchk = 0;
	st->link_state = ICEMIG_LINK_ENABLE;
	st->port_vlan = 100;
	st->num_qps = 2;
	st->num_msix = 3;
	st->vc_api_major = 1;
	st->vc_api_minor = 1;
	st->vc_caps = 0x00b0f0a1;
	for (i = 0; i < 2; i++) {
		st->txq[i] = (struct icemig_queue){ 0x12340000 + i * 0x10000, 512, 7, 42, 0, 1 };
		st->rxq[i] =
			(struct icemig_queue){ 0x56780000 + i * 0x10000, 1024, 9, 1000, 2048, 1 };
	}
	st->has_stats = 1;
	st->rx_packets = 1000000000;
	st->rx_bytes = 64000000000ULL;
	st->tx_packets = 2000000000;
	st->tx_bytes = 128000000000ULL;
	st->num_msix_maps = 2;
	st->msix[0] = (struct icemig_msix_map){ 1, 0x1, 0x1, 0, 0 };
	st->msix[1] = (struct icemig_msix_map){ 2, 0x2, 0x2, 1, 1 };
	st->has_rss = 1;
	st->rss_hena = 0x3ff;
	st->rss_lut_len = 4;
	for (i = 0; i < ICEMIG_RSS_KEY_LEN; i++)
		st->rss_key[i] = (uint8_t)i;
	for (i = 0; i < 4; i++)
		st->rss_lut[i] = (uint8_t)(i % 2);
	st->num_macs = 1;
	memcpy(st->macs[0].addr, mac, 6);
	st->macs[0].flags = ICEMIG_MAC_F_PRIMARY;
	st->num_vlans = 2;
	st->vlans[0] = 100;
	st->vlans[1] = 200;
	st->has_mbx = 1;
	st->mbx = (struct icemig_mbx){ 3, 64, 1, 2, 64, 3, 4 };
	/* stream 1.1 records */
	st->has_vf_ext = 1;
	st->pf_set_mac = 1;
	st->promisc = ICEMIG_VF_EXT_F_MC_PROMISC;
	st->port_vlan_tpid = 0x8100;
	st->driver_caps = 0x040884e1;
	st->max_tx_rate = 10000;
	st->opcodes = 0x3f86fffe;
	st->config_gen = 7;
	st->rss_hfunc = 1;
	st->has_vlan_v2 = 1;
	st->vlan_v2.filtering_inner = 0x1;
	st->vlan_v2.stripping_inner = 0x1;
	st->vlan_v2.insertion_inner = 0x1;
	st->vlan_v2.max_filters = 8;
	st->vlan_v2.strip_inner_tpid = 0x8100;
	st->vlan_v2.flags = ICEMIG_VLAN_V2_F_FILTER_INNER;
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
	for (i = 0; i < 2; i++) {
		st->rxctx[i].max_frame = 9728;
		st->rxctx[i].rxdid = 22;
		st->rxctx[i].lrxqthresh = 1;
		st->rxctx[i].flags = ICEMIG_RXQ_CTX_F_DSIZE_32 | ICEMIG_RXQ_CTX_F_CRCSTRIP;
		st->txctx[i].flags = ICEMIG_TXQ_CTX_F_TSO_ENA | ICEMIG_TXQ_CTX_F_LEGACY_INT;
	}
	/* stream 1.2 records; queue 1's tail unknown (at its head) */
	st->txctx[1].flags |= ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN;
	st->txq[1].tail = st->txq[1].head;
	st->has_irq = 1;
	for (i = 0; i < 3; i++)
		st->irq[i] = (struct icemig_irq){ .flags = ICEMIG_IRQ_F_INTENA,
						  .itr_idx = i ? i - 1 : ICEMIG_ITR_NONE,
						  .interval = 10 * i,
						  .itr = { 25, 61, 4095 } };
	st->irq[2].flags |= ICEMIG_IRQ_F_WB_ON_ITR | ICEMIG_IRQ_F_SW_ITR_ENA;
	st->irq[2].sw_itr_idx = 2;
	st->has_mbx_ring = 1;
	st->mbx_ring = (struct icemig_mbx_ring){ .asq_base = 0x7f001000,
						 .arq_base = 0x7f002040,
						 .flags = ICEMIG_MBX_RING_F_ASQ_ENA };
}

/* A preview (PRE_COPY) followed by the final stream, as one VF's save data. */
static uint8_t *sample_file(size_t *len)
{
	struct icemig_vf_state st;
	uint32_t a = 0, b = 0;
	uint8_t *buf = malloc(2 * ICEMIG_STREAM_MAX_LEN);

	assert_non_null(buf);
	sample_state(&st);
	assert_int_equal(
		icemig_stream_encode(&st, ICEMIG_STREAM_F_PRECOPY, buf, ICEMIG_STREAM_MAX_LEN, &a),
		0);
	assert_int_equal(icemig_stream_encode(&st, 0, buf + a, ICEMIG_STREAM_MAX_LEN, &b), 0);
	*len = a + b;
	return buf;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_string(v);
}

static struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_decode_every_record(void **state)
{
	static const char *const final_types[] = { "VF_INFO",	  "TXQ",	  "RXQ",
						   "STATS",	  "MSIX",	  "RSS",
						   "MAC_FILTERS", "VLAN_FILTERS", "MBX",
						   "VF_EXT",	  "VLAN_V2",	  "RXQ_CTX",
						   "TXQ_CTX",	  "IRQ",	  "MBX_RING" };
	struct icemig_err err = { 0 };
	struct json_object *doc, *streams, *s, *recs, *r, *v, *q;
	size_t len, i;
	uint8_t *buf = sample_file(&len);

	(void)state;
	if (icemig_state_decode(buf, len, "vf.state", &doc, &err))
		fail_msg("%s", err.msg);
	streams = jget(doc, "streams");
	assert_int_equal(json_object_array_length(streams), 2);
	/* the preview: no statistics */
	s = json_object_array_get_idx(streams, 0);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(jget(s, "flags"), 0)),
			    "precopy");
	recs = jget(s, "records");
	assert_int_equal(json_object_array_length(recs), 14);
	/* the final stream: every record, in stream order */
	s = json_object_array_get_idx(streams, 1);
	assert_string_equal(jstr(s, "version"), "1.2");
	assert_int_equal(json_object_array_length(jget(s, "flags")), 0);
	assert_int_equal(
		json_object_get_int64(jget(s, "offset")),
		json_object_get_int64(jget(json_object_array_get_idx(streams, 0), "total_len")));
	recs = jget(s, "records");
	assert_int_equal(json_object_array_length(recs), 15);
	for (i = 0; i < 15; i++) {
		r = json_object_array_get_idx(recs, i);
		assert_string_equal(jstr(r, "type"), final_types[i]);
		assert_non_null(jget(r, "value"));
	}
	v = jget(json_object_array_get_idx(recs, 0), "value");
	assert_string_equal(jstr(v, "mac"), "52:54:00:ab:cd:ef");
	assert_string_equal(jstr(v, "link_state"), "enable");
	assert_int_equal(json_object_get_int(jget(v, "port_vlan")), 100);
	assert_int_equal(json_object_get_int(jget(v, "num_qps")), 2);
	assert_string_equal(jstr(v, "virtchnl_api"), "1.1");
	assert_true(json_object_get_boolean(jget(json_object_array_get_idx(recs, 0), "mandatory")));
	q = json_object_array_get_idx(
		jget(jget(json_object_array_get_idx(recs, 2), "value"), "queues"), 1);
	assert_string_equal(jstr(q, "base"), "0x56790000");
	assert_int_equal(json_object_get_int(jget(q, "buf_len")), 2048);
	v = jget(json_object_array_get_idx(recs, 3), "value");
	assert_int_equal(json_object_get_int64(jget(v, "tx_bytes")), 128000000000LL);
	assert_false(
		json_object_get_boolean(jget(json_object_array_get_idx(recs, 3), "mandatory")));
	v = jget(json_object_array_get_idx(recs, 7), "value");
	assert_int_equal(json_object_get_int(json_object_array_get_idx(jget(v, "vlans"), 1)), 200);
	v = jget(json_object_array_get_idx(recs, 9), "value");
	assert_true(json_object_get_boolean(jget(v, "pf_set_mac")));
	assert_true(json_object_get_boolean(jget(v, "multicast_promisc")));
	assert_false(json_object_get_boolean(jget(v, "unicast_promisc")));
	assert_string_equal(jstr(v, "port_vlan_tpid"), "0x8100");
	assert_int_equal(json_object_get_int(jget(v, "max_tx_rate_mbps")), 10000);
	assert_int_equal(json_object_get_int(jget(v, "config_gen")), 7);
	v = jget(json_object_array_get_idx(recs, 10), "value");
	assert_string_equal(jstr(v, "strip_inner_tpid"), "0x8100");
	assert_true(json_object_get_boolean(jget(v, "filter_inner")));
	q = json_object_array_get_idx(
		jget(jget(json_object_array_get_idx(recs, 11), "value"), "queues"), 1);
	assert_int_equal(json_object_get_int(jget(q, "queue")), 1);
	assert_int_equal(json_object_get_int(jget(q, "max_frame")), 9728);
	assert_int_equal(json_object_get_int(jget(q, "rxdid")), 22);
	assert_true(json_object_get_boolean(jget(q, "crc_strip")));
	q = json_object_array_get_idx(
		jget(jget(json_object_array_get_idx(recs, 12), "value"), "queues"), 0);
	assert_true(json_object_get_boolean(jget(q, "tso")));
	assert_false(json_object_get_boolean(jget(q, "tail_unknown")));
	q = json_object_array_get_idx(
		jget(jget(json_object_array_get_idx(recs, 12), "value"), "queues"), 1);
	assert_true(json_object_get_boolean(jget(q, "tail_unknown")));
	/* IRQ: one entry per vector, in vector order */
	r = json_object_array_get_idx(recs, 13);
	assert_true(json_object_get_boolean(jget(r, "mandatory")));
	v = jget(jget(r, "value"), "vectors");
	assert_int_equal(json_object_array_length(v), 3);
	q = json_object_array_get_idx(v, 2);
	assert_int_equal(json_object_get_int(jget(q, "vector")), 2);
	assert_true(json_object_get_boolean(jget(q, "intena")));
	assert_true(json_object_get_boolean(jget(q, "wb_on_itr")));
	assert_true(json_object_get_boolean(jget(q, "sw_itr_ena")));
	assert_int_equal(json_object_get_int(jget(q, "itr_idx")), 1);
	assert_int_equal(json_object_get_int(jget(q, "sw_itr_idx")), 2);
	assert_int_equal(json_object_get_int(jget(q, "interval_2us")), 20);
	assert_int_equal(json_object_get_int(jget(q, "itr2_2us")), 4095);
	q = json_object_array_get_idx(v, 0);
	assert_int_equal(json_object_get_int(jget(q, "itr_idx")), ICEMIG_ITR_NONE);
	assert_false(json_object_get_boolean(jget(q, "wb_on_itr")));
	/* MBX_RING */
	v = jget(json_object_array_get_idx(recs, 14), "value");
	assert_string_equal(jstr(v, "asq_base"), "0x7f001000");
	assert_string_equal(jstr(v, "arq_base"), "0x7f002040");
	assert_true(json_object_get_boolean(jget(v, "asq_enabled")));
	assert_false(json_object_get_boolean(jget(v, "arq_enabled")));
	json_object_put(doc);
	free(buf);
}

static void expect_error(const uint8_t *buf, size_t len, const char *msg)
{
	struct icemig_err err = { 0 };
	struct json_object *doc = NULL;

	assert_int_equal(icemig_state_decode(buf, len, "vf.state", &doc, &err), -EINVAL);
	assert_null(doc);
	if (!strstr(err.msg, msg))
		fail_msg("message lacks '%s': %s", msg, err.msg);
}

static void test_decode_errors(void **state)
{
	size_t len, first;
	uint8_t *buf = sample_file(&len);
	struct icemig_stream_hdr hdr;

	(void)state;
	memcpy(&hdr, buf, sizeof(hdr));
	first = le32toh(hdr.total_len);
	expect_error(buf, 0, "vf.state: empty, no stream");
	/* a flipped payload byte in the second stream */
	buf[first + 40] ^= 0x01;
	expect_error(buf, len, "vf.state: stream #2 at byte");
	expect_error(buf, len, "invalid: hdr.checksum at byte");
	buf[first + 40] ^= 0x01;
	/* cut short */
	expect_error(buf, len - 8, "stream #2 at byte");
	expect_error(buf, len - 8, "runs past the end of the file");
	/* trailing bytes */
	expect_error(buf, first + 10, "10 trailing bytes, shorter than a stream header");
	/* not a stream */
	memset(buf, 'x', 64);
	expect_error(buf, 64, "stream #1 at byte 0: invalid: hdr.magic at byte 0");
	free(buf);
}

/* An optional record this decoder does not know is listed and skipped. */
static void test_unknown_optional_record(void **state)
{
	struct icemig_err err = { 0 };
	struct icemig_vf_state st;
	struct icemig_stream_hdr hdr;
	struct icemig_tlv t = { htole16(42), 0, htole32(3) };
	struct json_object *doc, *recs, *r;
	uint8_t buf[4096];
	uint32_t used;

	(void)state;
	sample_state(&st);
	assert_int_equal(icemig_stream_encode(&st, 0, buf, sizeof(buf), &used), 0);
	memcpy(buf + used, &t, sizeof(t));
	memset(buf + used + sizeof(t), 0, 8);
	memcpy(buf + used + sizeof(t), "abc", 3);
	used += sizeof(t) + 8;
	memcpy(&hdr, buf, sizeof(hdr));
	hdr.total_len = htole32(used);
	hdr.checksum = htole32((uint32_t)crc32(0L, buf + sizeof(hdr), used - sizeof(hdr)));
	memcpy(buf, &hdr, sizeof(hdr));
	if (icemig_state_decode(buf, used, "x", &doc, &err))
		fail_msg("%s", err.msg);
	recs = jget(json_object_array_get_idx(jget(doc, "streams"), 0), "records");
	r = json_object_array_get_idx(recs, json_object_array_length(recs) - 1);
	assert_string_equal(jstr(r, "type"), "UNKNOWN");
	assert_int_equal(json_object_get_int(jget(r, "type_id")), 42);
	assert_true(json_object_get_boolean(jget(r, "skipped")));
	json_object_put(doc);
}

/* golden/state-sample.bin is what the encoder makes of the sample state now. */
static void test_sample_file_current(void **state)
{
	const char *dir = getenv("ICEMIG_TEST_GOLDEN");
	char path[1024];
	size_t len, glen = 0;
	uint8_t *buf = sample_file(&len);
	char *g;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/state-sample.bin",
		 dir && *dir ? dir : "tests/unit/helper/golden");
	if (getenv("ICEMIG_TEST_UPDATE_GOLDEN")) {
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, len, f), len);
		fclose(f);
	}
	g = fakesys_slurp(path, &glen);
	if (!g)
		fail_msg("cannot read %s", path);
	assert_int_equal(glen, len);
	assert_memory_equal(g, buf, len);
	free(g);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_every_record),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_unknown_optional_record),
		cmocka_unit_test(test_sample_file_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
