// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the stop-copy prediction of `icemig migrate` (predict.h):
 * the arithmetic with its units (bytes, bytes/s, ms), the zero-page share,
 * the source of each input in the printed line, rounding, the bound of
 * --max-downtime with and without --accept-downtime, and the error in %.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "predict.h"

#define MiB (1ULL << 20)

static struct icemig_prediction predict(uint64_t ram, uint64_t zero, uint64_t normal, uint64_t bps,
					uint64_t fixed)
{
	struct icemig_predict_in in = {
		.ram_bytes = ram,
		.zero_pages = zero,
		.normal_pages = normal,
		.zero_src = ICEMIG_PREDICT_PREVIOUS,
		.bps = bps,
		.bw_src = ICEMIG_PREDICT_CONFIGURED,
		.fixed_ms = fixed,
		.fixed_src = ICEMIG_PREDICT_CONFIGURED,
	};
	struct icemig_prediction p;

	icemig_predict(&in, &p);
	return p;
}

/* 64 MiB at 80 MiB/s is 800 ms; plus 12 ms fixed; no zero share known: all of it */
static void test_units(void **state)
{
	struct icemig_prediction p = predict(64 * MiB, 0, 0, 80 * MiB, 12);
	char line[256];

	(void)state;
	assert_false(p.tracked);
	assert_int_equal(p.send_bytes, 64 * MiB);
	assert_int_equal(p.stop_copy_ms, 812);
	assert_int_equal(p.zero_pct, 0);
	/* an unknown share is 0 and says "assumed", whatever source was claimed */
	assert_int_equal(p.in.zero_src, ICEMIG_PREDICT_DEFAULT);
	icemig_predict_line(&p, line, sizeof(line));
	assert_string_equal(
		line,
		"predicted stop-copy: 812 ms (64 MiB RAM, 0 % zero pages assumed, 80 MiB/s configured, +12 ms fixed configured)");

	/* the defaults reproduce the rig's 64 and 512 MiB figures with a VF (260, 1118 ms) */
	p = predict(64 * MiB, 0, 0, ICEMIG_PREDICT_BPS, ICEMIG_PREDICT_FIXED_MS);
	assert_int_equal(p.stop_copy_ms, 135 + 125);
	p = predict(512 * MiB, 0, 0, ICEMIG_PREDICT_BPS, ICEMIG_PREDICT_FIXED_MS);
	assert_int_equal(p.stop_copy_ms, 135 + 1000);
}

/* only non-zero pages cost bandwidth: 3 zero pages in 4 leave a quarter of RAM */
static void test_zero_share(void **state)
{
	struct icemig_prediction p = predict(64 * MiB, 3000, 1000, 16 * MiB, 0);
	char line[256];

	(void)state;
	assert_int_equal(p.zero_pct, 75);
	assert_int_equal(p.send_bytes, 16 * MiB);
	assert_int_equal(p.stop_copy_ms, 1000);
	icemig_predict_line(&p, line, sizeof(line));
	assert_string_equal(
		line,
		"predicted stop-copy: 1000 ms (64 MiB RAM, 75 % zero pages from the previous migration, 16 MiB/s configured, +0 ms fixed configured)");

	/* all zero: the fixed cost alone */
	p = predict(64 * MiB, 5, 0, 16 * MiB, 40);
	assert_int_equal(p.zero_pct, 100);
	assert_int_equal(p.send_bytes, 0);
	assert_int_equal(p.stop_copy_ms, 40);
	/* none zero, but known: the whole RAM, and the share says where it came from */
	p = predict(64 * MiB, 0, 7, 16 * MiB, 40);
	assert_int_equal(p.in.zero_src, ICEMIG_PREDICT_PREVIOUS);
	assert_int_equal(p.stop_copy_ms, 4040);
}

static void test_rounding(void **state)
{
	struct icemig_prediction p;

	(void)state;
	/* ms round up: 1001 bytes at 1,000,000 B/s is 1.001 ms -> 2 ms */
	p = predict(1001, 0, 0, 1000000, 0);
	assert_int_equal(p.stop_copy_ms, 2);
	p = predict(1000, 0, 0, 1000000, 0);
	assert_int_equal(p.stop_copy_ms, 1);
	p = predict(0, 0, 0, 1000000, 7);
	assert_int_equal(p.stop_copy_ms, 7);
	/* the share's percent rounds to nearest, half up: 1/3, 2/3, 1/200 */
	assert_int_equal(predict(MiB, 1, 2, MiB, 0).zero_pct, 33);
	assert_int_equal(predict(MiB, 2, 1, MiB, 0).zero_pct, 67);
	assert_int_equal(predict(MiB, 1, 199, MiB, 0).zero_pct, 1);
	/* bytes to send round to nearest: 10 bytes, 2 of 3 pages non-zero -> 7 */
	assert_int_equal(predict(10, 1, 2, MiB, 0).send_bytes, 7);
	/* no bandwidth is taken as 1 byte/s, never a division by zero */
	assert_int_equal(predict(3, 0, 0, 0, 0).stop_copy_ms, 3000);
	/* an absurd input saturates instead of wrapping */
	assert_int_equal(predict(UINT64_MAX, 0, 0, 1, UINT64_MAX).stop_copy_ms, UINT64_MAX);
}

static void test_sources_in_line(void **state)
{
	struct icemig_predict_in in = {
		.ram_bytes = 1536 * MiB,
		.zero_pages = 1,
		.normal_pages = 1,
		.zero_src = ICEMIG_PREDICT_PRECOPY,
		.bps = 19 * MiB / 2,
		.bw_src = ICEMIG_PREDICT_PRECOPY,
		.fixed_ms = ICEMIG_PREDICT_FIXED_MS,
		.fixed_src = ICEMIG_PREDICT_DEFAULT,
	};
	struct icemig_prediction p;
	char line[256];

	(void)state;
	icemig_predict(&in, &p);
	icemig_predict_line(&p, line, sizeof(line));
	/* 768 MiB at 9.5 MiB/s = 80842.1 ms -> 80843, + 135 */
	assert_string_equal(
		line,
		"predicted stop-copy: 80978 ms (1.5 GiB RAM, 50 % zero pages measured in pre-copy, 9.5 MiB/s measured in pre-copy, +135 ms fixed default)");
	in.bw_src = ICEMIG_PREDICT_PREVIOUS;
	in.bps = ICEMIG_PREDICT_BPS;
	in.fixed_src = ICEMIG_PREDICT_DEFAULT;
	icemig_predict(&in, &p);
	icemig_predict_line(&p, line, sizeof(line));
	assert_non_null(strstr(line, ", 512 MiB/s measured by the previous migration, "));
	assert_string_equal(icemig_predict_src_name(ICEMIG_PREDICT_DEFAULT), "default");
	assert_string_equal(icemig_predict_src_name(ICEMIG_PREDICT_PREVIOUS), "previous migration");
	assert_string_equal(icemig_predict_src_name(ICEMIG_PREDICT_PRECOPY), "pre-copy");
}

static void test_tracked(void **state)
{
	struct icemig_predict_in in = { .tracked = true, .ram_bytes = 16384 * MiB, .bps = 1 };
	struct icemig_prediction p;
	char line[256];

	(void)state;
	icemig_predict(&in, &p);
	assert_true(p.tracked);
	assert_int_equal(p.stop_copy_ms, 0);
	icemig_predict_line(&p, line, sizeof(line));
	assert_string_equal(line, "predicted stop-copy: tracked: QEMU honours downtime-limit");
	/* QEMU keeps the limit itself: never refused */
	assert_int_equal(icemig_predict_check(&p, true, 1, false), ICEMIG_PREDICT_GO);
}

static void test_bound(void **state)
{
	struct icemig_prediction p = predict(64 * MiB, 0, 0, 80 * MiB, 12); /* 812 ms */

	(void)state;
	assert_int_equal(icemig_predict_check(&p, false, 0, false), ICEMIG_PREDICT_GO);
	assert_int_equal(icemig_predict_check(&p, true, 813, false), ICEMIG_PREDICT_GO);
	assert_int_equal(icemig_predict_check(&p, true, 812, false), ICEMIG_PREDICT_GO);
	assert_int_equal(icemig_predict_check(&p, true, 811, false), ICEMIG_PREDICT_REFUSE);
	assert_int_equal(icemig_predict_check(&p, true, 811, true), ICEMIG_PREDICT_OVER_ACCEPTED);
	assert_int_equal(icemig_predict_check(&p, true, 900, true), ICEMIG_PREDICT_GO);
}

static void test_error_pct(void **state)
{
	long long e = 12345;

	(void)state;
	assert_true(icemig_predict_error_pct(260, 250, &e));
	assert_int_equal(e, 4);
	assert_true(icemig_predict_error_pct(200, 250, &e));
	assert_int_equal(e, -20);
	assert_true(icemig_predict_error_pct(250, 250, &e));
	assert_int_equal(e, 0);
	assert_true(icemig_predict_error_pct(1, 3, &e)); /* -66.7 */
	assert_int_equal(e, -67);
	assert_true(icemig_predict_error_pct(1, 8, &e)); /* -87.5: half away from zero */
	assert_int_equal(e, -88);
	assert_true(icemig_predict_error_pct(3, 8, &e)); /* -62.5 */
	assert_int_equal(e, -63);
	assert_true(icemig_predict_error_pct(5, 2, &e));
	assert_int_equal(e, 150);
	assert_true(icemig_predict_error_pct(1135, 1118, &e)); /* +1.52 */
	assert_int_equal(e, 2);
	e = 12345;
	assert_false(icemig_predict_error_pct(100, 0, &e));
	assert_int_equal(e, 12345);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),	  cmocka_unit_test(test_zero_share),
		cmocka_unit_test(test_rounding),  cmocka_unit_test(test_sources_in_line),
		cmocka_unit_test(test_tracked),	  cmocka_unit_test(test_bound),
		cmocka_unit_test(test_error_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
