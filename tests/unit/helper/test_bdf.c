// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: PCI address parsing, number parsing, name validation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bdf.h"
#include "pci.h"
#include "reserve.h"
#include "util.h"

static void test_bdf_good(void **state)
{
	struct icemig_bdf b;
	char buf[ICEMIG_BDF_LEN];

	(void)state;
	assert_int_equal(icemig_bdf_parse("0000:af:01.0", &b), 0);
	assert_int_equal(b.domain, 0);
	assert_int_equal(b.bus, 0xaf);
	assert_int_equal(b.dev, 1);
	assert_int_equal(b.func, 0);
	assert_string_equal(icemig_bdf_format(&b, buf), "0000:af:01.0");

	assert_int_equal(icemig_bdf_parse("ffff:ff:1f.7", &b), 0);
	assert_int_equal(b.domain, 0xffff);
	assert_int_equal(b.bus, 0xff);
	assert_int_equal(b.dev, 0x1f);
	assert_int_equal(b.func, 7);
	assert_string_equal(icemig_bdf_format(&b, buf), "ffff:ff:1f.7");

	/* upper case accepted, output canonical lower case (as sysfs names it) */
	assert_int_equal(icemig_bdf_parse("ABCD:EF:1A.3", &b), 0);
	assert_string_equal(icemig_bdf_format(&b, buf), "abcd:ef:1a.3");
}

static void test_bdf_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"0000:af:01", /* no function */
		"0000:af:01.", /* empty function */
		"0000:af:01.8", /* function > 7 */
		"0000:af:20.0", /* device > 0x1f */
		"000:af:01.0", /* short domain */
		"00000:af:01.0", /* overlong domain */
		"0000:af:01.00", /* overlong function */
		"0000:0af:01.0", /* overlong bus */
		"af:01.0", /* no domain */
		"0000:af:01.0\n", /* trailing newline */
		" 0000:af:01.0", /* leading space */
		"0000:af:01.0 ", /* trailing space */
		"0000-af:01.0", /* wrong separator */
		"0000:af.01:0", /* swapped separators */
		"0000:ag:01.0", /* not hex */
		"0000:af:0g.0", /* not hex */
		"+000:af:01.0", /* sign */
		"../../../../etc/x", /* path injection */
		"0000:af:01.0/../..", /* path injection after a valid prefix */
		"0000:af:01.0/driver", /* path injection after a valid prefix */
		"..",
		"/",
		"0000:af:01.0x",
		"0x00:af:01.0",
	};
	struct icemig_bdf b = { 0x1234, 0x56, 0x07, 0x1 };
	char big[5000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (icemig_bdf_parse(bad[i], &b) != -EINVAL)
			fail_msg("accepted bad BDF '%s'", bad[i]);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(icemig_bdf_parse(big, &b), -EINVAL);
	memcpy(big, "0000:af:01.0", 12);
	assert_int_equal(icemig_bdf_parse(big, &b), -EINVAL);
	assert_int_equal(icemig_bdf_parse(NULL, &b), -EINVAL);
	/* a failed parse leaves the output untouched */
	assert_int_equal(b.domain, 0x1234);
	assert_int_equal(b.bus, 0x56);
}

static void test_bdf_cmp(void **state)
{
	struct icemig_bdf a, b;

	(void)state;
	assert_int_equal(icemig_bdf_parse("0000:01:10.1", &a), 0);
	assert_int_equal(icemig_bdf_parse("0000:01:10.2", &b), 0);
	assert_true(icemig_bdf_cmp(&a, &b) < 0);
	assert_true(icemig_bdf_cmp(&b, &a) > 0);
	assert_int_equal(icemig_bdf_cmp(&a, &a), 0);
	assert_int_equal(icemig_bdf_parse("0001:00:00.0", &b), 0);
	assert_true(icemig_bdf_cmp(&a, &b) < 0);
}

static void test_bdf_libvirt(void **state)
{
	struct icemig_bdf b;
	const char *why = NULL;
	char buf[ICEMIG_BDF_LEN];

	(void)state;
	assert_int_equal(icemig_bdf_from_libvirt("0x0000", "0x3b", "0x02", "0x1", &b, &why), 0);
	assert_string_equal(icemig_bdf_format(&b, buf), "0000:3b:02.1");
	/* libvirt reads these with base 0: decimal and octal are legal too */
	assert_int_equal(icemig_bdf_from_libvirt("0", "59", "16", "7", &b, &why), 0);
	assert_string_equal(icemig_bdf_format(&b, buf), "0000:3b:10.7");
	assert_int_equal(icemig_bdf_from_libvirt("0", "010", "0", "0", &b, &why), 0);
	assert_int_equal(b.bus, 8);

	assert_int_equal(icemig_bdf_from_libvirt("0x0000", "0x100", "0x02", "0x1", &b, &why),
			 -EINVAL);
	assert_string_equal(why, "bus out of range 0..0xff");
	assert_int_equal(icemig_bdf_from_libvirt("0x0000", "0x01", "0x20", "0x1", &b, &why),
			 -EINVAL);
	assert_string_equal(why, "slot out of range 0..0x1f");
	assert_int_equal(icemig_bdf_from_libvirt("0x0000", "0x01", "0x02", "0x8", &b, &why),
			 -EINVAL);
	assert_string_equal(why, "function out of range 0..7");
	assert_int_equal(icemig_bdf_from_libvirt("0x10000", "0x01", "0x02", "0x1", &b, &why),
			 -EINVAL);
	assert_string_equal(why, "domain out of range 0..0xffff");
	assert_int_equal(icemig_bdf_from_libvirt(NULL, "0x01", "0x02", "0x1", &b, &why), -EINVAL);
	assert_string_equal(why, "domain attribute missing");
	assert_int_equal(icemig_bdf_from_libvirt("0x0", "0x01", "../x", "0x1", &b, &why), -EINVAL);
	assert_string_equal(why, "slot is not a number");
	assert_int_equal(icemig_bdf_from_libvirt("0x0", "-1", "0", "0", &b, &why), -EINVAL);
	assert_int_equal(icemig_bdf_from_libvirt("0x0", " 1", "0", "0", &b, &why), -EINVAL);
	assert_int_equal(icemig_bdf_from_libvirt("0x0", "1 ", "0", "0", &b, &why), -EINVAL);
	assert_int_equal(icemig_bdf_from_libvirt("0x", "1", "0", "0", &b, &why), -EINVAL);
	assert_int_equal(icemig_bdf_from_libvirt("", "1", "0", "0", &b, &why), -EINVAL);
	assert_int_equal(icemig_bdf_from_libvirt("0", "09", "0", "0", &b, &why), -EINVAL);
}

static void test_parse_ulong(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(icemig_parse_ulong("42", 10, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(icemig_parse_ulong("101", 10, 100, &v), -ERANGE);
	assert_int_equal(icemig_parse_ulong("100", 10, 100, &v), 0);
	assert_int_equal(icemig_parse_ulong("ff", 16, 0xff, &v), 0);
	assert_int_equal(v, 0xff);
	assert_int_equal(icemig_parse_ulong("0x10", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong("0x10", 0, 100, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(
		icemig_parse_ulong("99999999999999999999999999", 10, (unsigned long)-1, &v),
		-ERANGE);
	assert_int_equal(icemig_parse_ulong("99999999999999999999999999x", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong("", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong("-1", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong("+1", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong(" 1", 10, 100, &v), -EINVAL);
	assert_int_equal(icemig_parse_ulong("1\n", 10, 100, &v), -EINVAL);
}

static void test_names(void **state)
{
	char long_name[80];

	(void)state;
	assert_true(icemig_driver_name_valid("ice_vfio_pci"));
	assert_true(icemig_driver_name_valid("vfio-pci"));
	assert_true(icemig_driver_name_valid("iavf"));
	assert_false(icemig_driver_name_valid(""));
	assert_false(icemig_driver_name_valid(NULL));
	assert_false(icemig_driver_name_valid(".."));
	assert_false(icemig_driver_name_valid("../../x"));
	assert_false(icemig_driver_name_valid("a/b"));
	assert_false(icemig_driver_name_valid("a b"));
	assert_false(icemig_driver_name_valid("-rf"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(icemig_driver_name_valid(long_name));

	assert_true(icemig_ifname_valid("eth0"));
	assert_true(icemig_ifname_valid("enp175s0f0np0"));
	assert_false(icemig_ifname_valid(""));
	assert_false(icemig_ifname_valid("."));
	assert_false(icemig_ifname_valid(".."));
	assert_false(icemig_ifname_valid("../eth0"));
	assert_false(icemig_ifname_valid("eth0:1"));
	assert_false(icemig_ifname_valid("eth 0"));
	assert_false(icemig_ifname_valid("0123456789abcdef")); /* 16 > IFNAMSIZ - 1 */
	assert_true(icemig_ifname_valid("0123456789abcde"));

	assert_true(icemig_domain_name_valid("vm1"));
	assert_true(icemig_domain_name_valid("a domain with spaces/and slash"));
	assert_false(icemig_domain_name_valid(""));
	assert_false(icemig_domain_name_valid("two\nlines"));
	assert_false(icemig_domain_name_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bdf_good),    cmocka_unit_test(test_bdf_bad),
		cmocka_unit_test(test_bdf_cmp),	    cmocka_unit_test(test_bdf_libvirt),
		cmocka_unit_test(test_parse_ulong), cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
