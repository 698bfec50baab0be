// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the compatibility descriptor (kernel/icemig_compat.c, the
 * same source the kernel builds): text round trip, strict parsing, and each
 * compatibility rule naming its field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "../../kernel/include/icemig_compat.h"
#include "../../kernel/include/icemig_stream.h"

static void base(struct icemig_compat *c)
{
	struct icemig_vf_state st = { .num_qps = 4, .num_msix = 5, .num_macs = 2,
				      .num_vlans = 16, .has_rss = 1, .rss_lut_len = 64,
				      .num_msix_maps = 5 };

	icemig_compat_init(c, "ice_mig_sim", 0x8086, 0x10ca);
	icemig_compat_set_used(c, &st);
}

static void test_roundtrip(void **state)
{
	struct icemig_compat a, b;
	char text[ICEMIG_COMPAT_TEXT_MAX];
	const char *bad = NULL;
	int n;

	(void)state;
	base(&a);
	n = icemig_compat_format(&a, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal(icemig_compat_parse(text, n, &b, &bad), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_non_null(strstr(text, "device=8086:10ca\n"));
	assert_non_null(strstr(text, "used_vlan_filters=16\n"));
	/* Unknown keys from a newer writer are ignored. */
	strcat(text, "future_key=1\n");
	assert_int_equal(icemig_compat_parse(text, strlen(text), &b, &bad), 0);
}

static void expect_parse_error(const char *text, const char *key)
{
	struct icemig_compat c;
	const char *bad = NULL;

	assert_int_equal(icemig_compat_parse(text, strlen(text), &c, &bad), -EINVAL);
	assert_non_null(bad);
	assert_string_equal(bad, key);
}

/* Replace the line of @key in a valid text with @line ("" drops it). */
static void mutate(const char *key, const char *line, char *out)
{
	struct icemig_compat c;
	char text[ICEMIG_COMPAT_TEXT_MAX], *p, *nl;
	size_t klen = strlen(key);

	base(&c);
	icemig_compat_format(&c, text, sizeof(text));
	out[0] = '\0';
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!strncmp(p, key, klen) && p[klen] == '=')
			strcat(out, line);
		else
			strncat(out, p, nl - p + 1);
	}
}

static void test_parse_errors(void **state)
{
	char text[ICEMIG_COMPAT_TEXT_MAX + 64];

	(void)state;
	mutate("max_qps", "", text);
	expect_parse_error(text, "max_qps");			/* missing */
	mutate("max_qps", "max_qps=70000\n", text);
	expect_parse_error(text, "max_qps");			/* > u16 */
	mutate("max_qps", "max_qps=-1\n", text);
	expect_parse_error(text, "max_qps");
	mutate("max_qps", "max_qps=\n", text);
	expect_parse_error(text, "max_qps");
	mutate("device", "device=8086-10ca\n", text);
	expect_parse_error(text, "device");
	mutate("provider", "provider=../../etc\n", text);
	expect_parse_error(text, "provider");
	mutate("records", "records=0x1\nrecords=0x2\n", text);
	expect_parse_error(text, "records");			/* duplicate */
	mutate("records", "garbage\n", text);
	expect_parse_error(text, "line");
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	expect_parse_error(text, "line");			/* oversized */
}

static void expect_incompatible(const struct icemig_compat *src,
				const struct icemig_compat *dst, const char *field)
{
	struct icemig_compat_err err = { 0 };

	assert_int_equal(icemig_compat_check(src, dst, &err), -EINVAL);
	assert_non_null(err.field);
	assert_string_equal(err.field, field);
}

static void test_rules(void **state)
{
	struct icemig_compat src, dst;

	(void)state;
	base(&src);
	base(&dst);
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);

	/* Exactly enough capacity is enough. */
	dst.max_qps = src.used_qps;
	dst.max_vlan_filters = src.used_vlan_filters;
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);

	dst.max_qps = src.used_qps - 1;
	expect_incompatible(&src, &dst, "max_qps");
	base(&dst);
	dst.max_msix = 4;
	expect_incompatible(&src, &dst, "max_msix");
	base(&dst);
	dst.max_mac_filters = 1;
	expect_incompatible(&src, &dst, "max_mac_filters");
	base(&dst);
	dst.max_vlan_filters = 15;
	expect_incompatible(&src, &dst, "max_vlan_filters");
	base(&dst);
	dst.rss_lut_size = 32;
	expect_incompatible(&src, &dst, "rss_lut_size");
	base(&dst);
	dst.rss_key_len = 40;
	expect_incompatible(&src, &dst, "rss_key_len");
	base(&dst);
	dst.stream_major = 2;
	expect_incompatible(&src, &dst, "stream_major");
	base(&dst);
	dst.stream_minor = 9;			/* minor versions are compatible */
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
	dst.records &= ~(1u << ICEMIG_TLV_VLAN_FILTERS);
	expect_incompatible(&src, &dst, "records");
	base(&dst);
	dst.device = 0x1889;
	expect_incompatible(&src, &dst, "device");
	base(&dst);
	strcpy(dst.format, "other");
	expect_incompatible(&src, &dst, "format");
	/* The provider name is informational only. */
	base(&dst);
	strcpy(dst.provider, "ice");
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
}

static void test_check_state(void **state)
{
	struct icemig_vf_state st = { .num_qps = 4, .num_msix = 5, .has_rss = 1,
				      .rss_lut_len = 64 };
	struct icemig_compat dst;
	struct icemig_compat_err err = { 0 };

	(void)state;
	icemig_compat_init(&dst, "ice_mig_sim", 0x8086, 0x10ca);
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), 0);
	dst.max_qps = 2;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), -EINVAL);
	assert_string_equal(err.field, "max_qps");
	assert_int_equal(err.src, 4);
	assert_int_equal(err.dst, 2);
	/* The LUT the source programmed tells the size it negotiated. */
	icemig_compat_init(&dst, "ice_mig_sim", 0x8086, 0x10ca);
	st.rss_lut_len = 32;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), -EINVAL);
	assert_string_equal(err.field, "rss_lut_size");
	st.has_rss = 0;
	st.rss_lut_len = 0;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), 0);
}

/*
 * used_records names every mandatory record a stream of the state carries,
 * the 1.1 and 1.2 ones included, and records= is every type this codec
 * knows: so a destination whose records= predates a record the source
 * needs (a 1.1 writer: 0x3ffe) refuses, naming "records".
 */
static void test_records(void **state)
{
	struct icemig_vf_state st = { .num_qps = 1, .num_msix = 2 };
	struct icemig_compat src, dst;
	struct icemig_compat_err err = { 0 };

	(void)state;
	icemig_compat_init(&dst, "ice_mig_sim", 0x8086, 0x10ca);
	assert_int_equal(dst.records, 0xfffe);
	assert_int_equal(dst.stream_minor, 2);
	icemig_compat_init(&src, "ice_mig_sim", 0x8086, 0x10ca);
	icemig_compat_set_used(&src, &st);
	assert_int_equal(src.used_records, 0x000e);	/* VF_INFO, TXQ, RXQ */
	st.has_vf_ext = st.has_vlan_v2 = st.has_rxq_ctx = st.has_txq_ctx = 1;
	icemig_compat_set_used(&src, &st);
	assert_int_equal(src.used_records, 0x3c0e);
	st.has_irq = 1;
	icemig_compat_set_used(&src, &st);
	assert_int_equal(src.used_records, 0x7c0e);
	st.has_mbx = st.has_mbx_ring = 1;
	icemig_compat_set_used(&src, &st);
	assert_int_equal(src.used_records, 0xfe0e);
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
	/* A 1.1 destination: knows types 1..13 only. */
	dst.records = 0x3ffe;
	dst.stream_minor = 1;
	assert_int_equal(icemig_compat_check(&src, &dst, &err), -EINVAL);
	assert_string_equal(err.field, "records");
	assert_int_equal(err.src, 0xfe0e);
	/* Without the 1.2 records the same source fits it. */
	st.has_irq = st.has_mbx_ring = 0;
	icemig_compat_set_used(&src, &st);
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
	/* A 1.0 destination (types 1..9) refuses a source with 1.1 records. */
	dst.records = 0x3fe;
	expect_incompatible(&src, &dst, "records");
	/* The kernel's load-time check sees the state's records as well. */
	st.has_irq = 1;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), -EINVAL);
	assert_string_equal(err.field, "records");
}

/*
 * PF-admin settings travel with the VM (icemig_compat.h): they never make
 * two VFs incompatible, icemig_compat_admin_diff() names what changes, and
 * their keys are optional but all-or-none.
 */
static void test_admin(void **state)
{
	struct icemig_compat src, dst, old;
	struct icemig_compat_err d[4];
	char text[ICEMIG_COMPAT_TEXT_MAX], cut[ICEMIG_COMPAT_TEXT_MAX];
	const char *bad = NULL;
	int n;

	(void)state;
	base(&src);
	base(&dst);
	assert_int_equal(src.has_admin, 1);
	src.admin_port_vlan = 42;
	src.admin_trust = 1;
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
	assert_int_equal(icemig_compat_admin_diff(&src, &dst, d, 4), 2);
	assert_string_equal(d[0].field, "admin_trust");
	assert_int_equal(d[0].src, 1);
	assert_int_equal(d[0].dst, 0);
	assert_string_equal(d[1].field, "admin_port_vlan");
	assert_int_equal(d[1].src, 42);
	assert_int_equal(icemig_compat_admin_diff(&src, &dst, d, 1), 2);

	/* A descriptor without admin keys (an older writer) parses... */
	n = icemig_compat_format(&src, text, sizeof(text));
	assert_true(n > 0);
	*strstr(text, "admin_trust=") = '\0';
	assert_int_equal(icemig_compat_parse(text, strlen(text), &old, &bad), 0);
	assert_int_equal(old.has_admin, 0);
	assert_int_equal(icemig_compat_admin_diff(&old, &dst, d, 4), 0);
	/* ...but one with only some of them does not. */
	icemig_compat_format(&src, text, sizeof(text));
	snprintf(cut, sizeof(cut), "%.*s", (int)(strstr(text, "admin_port_vlan=") - text), text);
	assert_int_equal(icemig_compat_parse(cut, strlen(cut), &old, &bad), -EINVAL);
	assert_string_equal(bad, "admin_port_vlan");
}

/*
 * Features the stream does not carry (issue 10 item 2): a source VF that
 * negotiated one, or is allowed one of its opcodes, is refused naming it.
 */
static void test_features(void **state)
{
	/* VIRTCHNL_VF_OFFLOAD_* and VIRTCHNL_OP_* of Linux 6.12 virtchnl.h */
	const uint32_t l2 = 1u << 0, crc = 1u << 10, vlan_v2 = 1u << 15, rss_pf = 1u << 19;
	const uint32_t adq = 1u << 23, adv_rss = 1u << 27, fdir = 1u << 28;
	struct icemig_vf_state st = { .num_qps = 4, .num_msix = 5 };
	struct icemig_compat src, dst, old;
	struct icemig_compat_err err = { 0 };
	char text[ICEMIG_COMPAT_TEXT_MAX], cut[ICEMIG_COMPAT_TEXT_MAX];
	const char *bad = NULL;

	(void)state;
	base(&src);
	base(&dst);
	src.used_vc_caps = l2 | crc | vlan_v2 | rss_pf | (1u << 26);
	src.used_vc_opcodes = ICEMIG_VC_OPS_CARRIED;
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);

	src.used_vc_caps |= fdir;
	expect_incompatible(&src, &dst, "vc_caps.FDIR_PF");
	src.used_vc_caps |= adv_rss;		/* the lowest missing is named */
	expect_incompatible(&src, &dst, "vc_caps.ADV_RSS_PF");
	src.used_vc_caps = l2 | adq;
	assert_int_equal(icemig_compat_check(&src, &dst, &err), -EINVAL);
	assert_string_equal(err.field, "vc_caps.ADQ");
	assert_int_equal(err.src, l2 | adq);
	assert_int_equal(err.dst, ICEMIG_VC_CAPS_CARRIED);
	src.used_vc_caps = l2 | (1u << 31);	/* a bit 6.12 does not define */
	expect_incompatible(&src, &dst, "vc_caps.bit31");

	src.used_vc_caps = l2;
	src.used_vc_opcodes = (1ull << 3) | (1ull << 47);
	expect_incompatible(&src, &dst, "vc_opcode.ADD_FDIR_FILTER");
	src.used_vc_opcodes = (1ull << 3) | (1ull << 33);
	expect_incompatible(&src, &dst, "vc_opcode.DEL_CLOUD_FILTER");
	src.used_vc_opcodes = 1ull << 63;
	expect_incompatible(&src, &dst, "vc_opcode.other");

	/* A destination whose PF does not offer CRC stripping control. */
	src.used_vc_opcodes = 0;
	src.used_vc_caps = l2 | crc;
	dst.vc_caps &= ~crc;
	expect_incompatible(&src, &dst, "vc_caps.CRC");

	/* No vc_* keys (a 1.0 writer): a source is not checked... */
	base(&dst);
	src.used_vc_caps = fdir;
	src.has_features = 0;
	assert_int_equal(icemig_compat_check(&src, &dst, NULL), 0);
	/* ...a destination counts as the stream format's carried lists. */
	src.has_features = 1;
	dst.has_features = 0;
	dst.vc_caps = ~0u;
	expect_incompatible(&src, &dst, "vc_caps.FDIR_PF");

	/* The kernel's load-time check sees the state's capabilities. */
	icemig_compat_init(&dst, "ice_mig_sim", 0x8086, 0x10ca);
	st.vc_caps = l2 | rss_pf;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), 0);
	st.vc_caps |= fdir;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), -EINVAL);
	assert_string_equal(err.field, "vc_caps.FDIR_PF");
	st.vc_caps = l2;
	st.has_vf_ext = 1;
	st.opcodes = 1ull << 45;
	assert_int_equal(icemig_compat_check_state(&dst, &st, &err), -EINVAL);
	assert_string_equal(err.field, "vc_opcode.ADD_RSS_CFG");

	/* Text: 64-bit opcodes round trip; the group is all or none. */
	base(&src);
	src.used_vc_opcodes = ~0ull;
	assert_true(icemig_compat_format(&src, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "used_vc_opcodes=0xffffffffffffffff\n"));
	assert_int_equal(icemig_compat_parse(text, strlen(text), &old, &bad), 0);
	assert_memory_equal(&src, &old, sizeof(src));
	snprintf(cut, sizeof(cut), "%.*s", (int)(strstr(text, "used_vc_caps=") - text), text);
	assert_int_equal(icemig_compat_parse(cut, strlen(cut), &old, &bad), -EINVAL);
	assert_string_equal(bad, "used_vc_caps");
	snprintf(cut, sizeof(cut), "%.*s", (int)(strstr(text, "vc_caps=") - text), text);
	assert_int_equal(icemig_compat_parse(cut, strlen(cut), &old, &bad), 0);
	assert_int_equal(old.has_features, 0);
	{
		char big[ICEMIG_COMPAT_TEXT_MAX];

		snprintf(big, sizeof(big), "%.*sused_vc_opcodes=0x10000000000000000\n",
			 (int)(strstr(text, "used_vc_opcodes=") - text), text);
		assert_int_equal(icemig_compat_parse(big, strlen(big), &old, &bad), -EINVAL);
		assert_string_equal(bad, "used_vc_opcodes");
	}
	assert_string_equal(icemig_vc_cap_name(32), "vc_caps.?");
	assert_string_equal(icemig_vc_opcode_name(16), "vc_opcode.other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_check_state),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_features),
	};

	return cmocka_run_group_tests_name("compat descriptor", tests, NULL, NULL);
}
