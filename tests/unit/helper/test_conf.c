// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the configuration file (conf.h) and the sample shipped in
 * helper/icemig.conf.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "fakesys.h"

static int parse(const char *text, struct icemig_conf *c, struct icemig_err *err)
{
	return icemig_conf_parse(c, text, strlen(text), "icemig.conf", err);
}

static void test_defaults(void **state)
{
	struct icemig_err err = { 0 };
	struct icemig_conf c;

	(void)state;
	assert_int_equal(parse("", &c, &err), 0);
	assert_string_equal(c.driver, "ice_vfio_pci");
	assert_false(c.autoprobe);
	assert_false(c.force);
	assert_int_equal(c.on_release, ICEMIG_RELEASE_KEEP);
	assert_int_equal(c.pending_seconds, 300);
	assert_int_equal(c.stale_seconds, 600);
	assert_int_equal(c.npfs, 0);
	icemig_conf_free(&c);
}

static void test_full(void **state)
{
	static const char text[] = "# icemig\n"
				   "; also a comment\n"
				   "driver = vfio-pci\n"
				   "\n"
				   "[global]\n"
				   "  on_release=rebind  \n"
				   "autoprobe = yes\n"
				   "force = on\n"
				   "pending_seconds = 900\n"
				   "stale_seconds=1200\n"
				   "[pf 0000:3b:00.0]\n"
				   "vfs = 8\n"
				   "driver = ice_vfio_pci\n"
				   "trust = on\n"
				   "spoofchk = off\n"
				   "autoprobe = no\r\n"
				   "[pf ens1f1]\n"
				   "vfs = 4\n";
	struct icemig_err err = { 0 };
	struct icemig_conf c;

	(void)state;
	if (parse(text, &c, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(c.driver, "vfio-pci");
	assert_true(c.autoprobe);
	assert_true(c.force);
	assert_int_equal(c.on_release, ICEMIG_RELEASE_REBIND);
	assert_int_equal(c.pending_seconds, 900);
	assert_int_equal(c.stale_seconds, 1200);
	assert_int_equal(c.npfs, 2);
	assert_string_equal(c.pfs[0].name, "0000:3b:00.0");
	assert_int_equal(c.pfs[0].vfs, 8);
	assert_string_equal(icemig_conf_pf_driver(&c, &c.pfs[0]), "ice_vfio_pci");
	assert_int_equal(c.pfs[0].trust, ICEMIG_ON);
	assert_int_equal(c.pfs[0].spoofchk, ICEMIG_OFF);
	assert_false(icemig_conf_pf_autoprobe(&c, &c.pfs[0]));
	assert_string_equal(c.pfs[1].name, "ens1f1");
	assert_string_equal(icemig_conf_pf_driver(&c, &c.pfs[1]), "vfio-pci");
	assert_true(icemig_conf_pf_autoprobe(&c, &c.pfs[1]));
	assert_int_equal(c.pfs[1].trust, ICEMIG_UNSET);
	icemig_conf_free(&c);
}

static void expect_error(const char *text, int code, const char *msg)
{
	struct icemig_err err = { 0 };
	struct icemig_conf c;
	int r = parse(text, &c, &err);

	icemig_conf_free(&c);
	if (r != code)
		fail_msg("expected %d, got %d (%s) for:\n%s", code, r, err.msg, text);
	if (!strstr(err.msg, msg))
		fail_msg("message lacks '%s': %s", msg, err.msg);
}

static void test_errors(void **state)
{
	char big[ICEMIG_CONF_MAX + 2];

	(void)state;
	expect_error("vfz = 3\n", -EINVAL, "icemig.conf: line 1: unknown key 'vfz' in [global]");
	expect_error("\n[pf 0000:3b:00.0]\nvfs = 2\nmtu = 9000\n", -EINVAL,
		     "line 4: unknown key 'mtu' in [pf 0000:3b:00.0]");
	expect_error("[pf 0000:3b:00.0]\nvfs = 0\n", -EINVAL,
		     "line 2: vfs = '0': expected a number of VFs");
	expect_error("[pf 0000:3b:00.0]\nvfs = many\n", -EINVAL, "vfs = 'many'");
	expect_error("[pf 0000:3b:00.0]\n", -EINVAL, "line 1: [pf 0000:3b:00.0] has no 'vfs = N'");
	expect_error("[pf a/b]\nvfs=1\n", -EINVAL,
		     "line 1: [pf a/b]: not a PCI address DDDD:BB:DD.F or an interface name");
	expect_error("[pf eth0]\nvfs=1\n[pf eth0]\nvfs=2\n", -EINVAL,
		     "line 3: [pf eth0] appears twice");
	expect_error("[pool x]\n", -EINVAL, "line 1: unknown section [pool x]");
	expect_error("[global\n", -EINVAL, "line 1: section header without ']'");
	expect_error("just words\n", -EINVAL, "line 1: expected 'key = value'");
	expect_error("= x\n", -EINVAL, "line 1: '=' without a key");
	expect_error("on_release = maybe\n", -EINVAL, "expected keep, restore or rebind");
	expect_error("autoprobe = perhaps\n", -EINVAL, "autoprobe = 'perhaps': expected yes or no");
	expect_error("driver = ../../x\n", -EINVAL, "driver = '../../x': not a valid driver name");
	expect_error("pending_seconds = 0\n", -EINVAL, "pending_seconds = '0': expected seconds");
	expect_error("stale_seconds = 86401\n", -EINVAL, "stale_seconds = '86401'");
	expect_error("[pf eth0]\nvfs=1\npending_seconds = 9\n", -EINVAL,
		     "unknown key 'pending_seconds' in [pf eth0]");
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, -EFBIG, "larger than the limit of 65536 bytes");
	{
		struct icemig_err err = { 0 };
		struct icemig_conf c;

		assert_int_equal(icemig_conf_parse(&c, "a\0b", 3, "x.conf", &err), -EINVAL);
		assert_non_null(strstr(err.msg, "x.conf: contains a NUL byte"));
		icemig_conf_free(&c);
	}
}

static void test_load(void **state)
{
	struct icemig_err err = { 0 };
	struct icemig_conf c;
	char path[] = "/tmp/icemig-conf.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "on_release = restore\n", 21), 21);
	close(fd);
	setenv("ICEMIG_CONF", path, 1);
	assert_int_equal(icemig_conf_load(&c, &err), 0);
	assert_true(c.present);
	assert_int_equal(c.on_release, ICEMIG_RELEASE_RESTORE);
	icemig_conf_free(&c);
	/* a file named by ICEMIG_CONF must exist */
	unlink(path);
	assert_int_equal(icemig_conf_load(&c, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "(ICEMIG_CONF): no such file"));
	icemig_conf_free(&c);
	unsetenv("ICEMIG_CONF");
	assert_string_equal(icemig_conf_path(), "/etc/icemig/icemig.conf");
}

/* The sample configuration installed by make install parses, and its commented-out example too. */
static void test_sample(void **state)
{
	const char *dir = getenv("ICEMIG_SAMPLE_CONF");
	struct icemig_err err = { 0 };
	struct icemig_conf c;

	(void)state;
	if (!dir)
		skip();
	setenv("ICEMIG_CONF", dir, 1);
	if (icemig_conf_load(&c, &err))
		fail_msg("%s", err.msg);
	assert_true(c.present);
	/* as shipped it configures no PF (the pool would then be empty) */
	assert_int_equal(c.npfs, 0);
	/*
	 * Issue 11 item 7: every setting it shows is the built-in default, so
	 * that the file and an absent file mean the same thing
	 */
	{
		struct icemig_conf d;

		icemig_conf_defaults(&d);
		assert_string_equal(c.driver, d.driver);
		assert_int_equal(c.autoprobe, d.autoprobe);
		assert_int_equal(c.force, d.force);
		if (c.on_release != d.on_release)
			fail_msg("%s: on_release = %s, the built-in default is %s", dir,
				 icemig_on_release_name(c.on_release),
				 icemig_on_release_name(d.on_release));
		assert_int_equal(c.pending_seconds, d.pending_seconds);
		assert_int_equal(c.stale_seconds, d.stale_seconds);
	}
	icemig_conf_free(&c);
	unsetenv("ICEMIG_CONF");
}

static void test_find_pf(void **state)
{
	static const char text[] = "[pf eth0]\nvfs=1\n[pf 0000:02:00.0]\nvfs=1\n";
	struct icemig_err err = { 0 };
	struct icemig_bdf a, b, c3;
	struct icemig_conf c;
	struct fakesys fs;

	(void)state;
	fakesys_setup(&fs);
	fakesys_add_pf(&fs, "0000:01:00.0", 4, "ice", NULL);
	fakesys_add_netdev(&fs, "eth0", "0000:01:00.0");
	assert_int_equal(parse(text, &c, &err), 0);
	icemig_bdf_parse("0000:01:00.0", &a);
	icemig_bdf_parse("0000:02:00.0", &b);
	icemig_bdf_parse("0000:03:00.0", &c3);
	assert_ptr_equal(icemig_conf_find_pf(&c, &a), &c.pfs[0]); /* through eth0 */
	assert_ptr_equal(icemig_conf_find_pf(&c, &b), &c.pfs[1]);
	assert_null(icemig_conf_find_pf(&c, &c3));
	icemig_conf_free(&c);
	fakesys_teardown(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),	 cmocka_unit_test(test_load),
		cmocka_unit_test(test_sample),	 cmocka_unit_test(test_find_pf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
