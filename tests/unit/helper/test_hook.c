// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the libvirt hook (migrate begin rewrite, reservations,
 * release end, untrusted input) against the fake sysfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakesys.h"
#include "hook.h"
#include "pci.h"

#define PF "0000:01:00.0"
#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.1"
#define VF2 "0000:01:10.2"
#define DOM "icemig-vf"

/* One ice_vfio_pci hostdev whose source address attributes are given. */
#define HOSTDEV(d, b, s, f)                                                                    \
	"<hostdev mode='subsystem' type='pci' managed='yes'>"                                  \
	"<driver name='vfio' model='ice_vfio_pci'/>"                                           \
	"<source><address domain='" d "' bus='" b "' slot='" s "' function='" f "'/></source>" \
	"</hostdev>"
#define DOMAIN_XML(devs) \
	"<domain type='kvm'><name>" DOM "</name><devices>" devs "</devices></domain>\n"

static const char one_hostdev[] = DOMAIN_XML(HOSTDEV("0x0000", "0x3b", "0x02", "0x0"));
static const char two_hostdevs[] = DOMAIN_XML(HOSTDEV("0x0000", "0x3b", "0x02", "0x0")
						      HOSTDEV("0x0000", "0x3b", "0x02", "0x1"));

static int setup(void **state)
{
	struct fakesys *fs = calloc(1, sizeof(*fs));
	struct icemig_err err;
	struct icemig_bdf pf;

	if (!fs)
		return -1;
	fakesys_setup(fs);
	/* 3 VFs, auto-probed to ice_vfio_pci, PF with a provider */
	fakesys_add_pf(fs, PF, 4, "ice", "ice_vfio_pci");
	fakesys_set_providers(fs, PF " ice_mig_sim\n");
	if (icemig_bdf_parse(PF, &pf) || icemig_pci_set_numvfs(&pf, 3, &err))
		return -1;
	*state = fs;
	return 0;
}

static int teardown(void **state)
{
	struct fakesys *fs = *state;

	fakesys_teardown(fs);
	free(fs);
	return 0;
}

static int begin(const char *xml, struct icemig_hook_result *res, struct icemig_err *err)
{
	return icemig_hook_migrate_begin(DOM, xml, strlen(xml), res, err);
}

static char *golden_path(const char *name)
{
	const char *dir = getenv("ICEMIG_TEST_GOLDEN");
	char *p;

	if (asprintf(&p, "%s/%s", dir && *dir ? dir : "tests/unit/helper/golden", name) < 0)
		fail_msg("asprintf");
	return p;
}

static char *golden(const char *name, size_t *len)
{
	char *p = golden_path(name), *s = fakesys_slurp(p, len);

	if (!s)
		fail_msg("cannot read golden file %s (set ICEMIG_TEST_GOLDEN)", p);
	free(p);
	return s;
}

/* Compare with a golden file; ICEMIG_TEST_UPDATE_GOLDEN=1 rewrites it instead. */
static void check_golden(const char *name, const char *got, size_t len)
{
	char *p = golden_path(name), *want;
	size_t wlen = 0;
	FILE *f;

	if (getenv("ICEMIG_TEST_UPDATE_GOLDEN")) {
		f = fopen(p, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, len, f), len);
		fclose(f);
		print_message("updated golden file %s\n", p);
	}
	want = fakesys_slurp(p, &wlen);
	if (!want)
		fail_msg("cannot read golden file %s", p);
	if (wlen != len || memcmp(want, got, len)) {
		f = fopen("/tmp/icemig-golden-actual.xml", "w");
		if (f) {
			fwrite(got, 1, len, f);
			fclose(f);
		}
		fail_msg("output differs from %s (actual output in /tmp/icemig-golden-actual.xml)",
			 p);
	}
	free(want);
	free(p);
}

/* ---- the rewrite ---------------------------------------------------------- */

static void test_golden(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	char name[ICEMIG_BDF_LEN];
	size_t len;
	char *in = golden("migrate-begin.in.xml", &len);
	int r;

	r = icemig_hook_migrate_begin(DOM, in, len, &res, &err);
	if (r)
		fail_msg("%s", err.msg);
	assert_int_equal(res.nhostdevs, 2);
	assert_non_null(res.xml);
	check_golden("migrate-begin.out.xml", res.xml, res.len);
	/* first free VFs in PF/VF-index order, reserved for the domain */
	assert_string_equal(icemig_bdf_format(&res.assigned[0], name), VF0);
	assert_string_equal(icemig_bdf_format(&res.assigned[1], name), VF1);
	assert_int_equal(res.ncreated, 2);
	assert_string_equal(fakesys_reserved_by(fs, VF0), DOM);
	assert_string_equal(fakesys_reserved_by(fs, VF1), DOM);
	assert_null(fakesys_reserved_by(fs, VF2));
	icemig_hook_result_free(&res);
	free(in);
}

/* The whole command path: stdin fd in, stdout FILE out. */
static void test_run_migrate_begin(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	char *in_path = golden_path("migrate-begin.in.xml");
	char *out = NULL, *want;
	size_t outlen = 0, wlen;
	FILE *f = open_memstream(&out, &outlen);
	int fd = open(in_path, O_RDONLY);
	int r;

	assert_true(fd >= 0);
	r = icemig_hook_run(DOM, "migrate", "begin", "-", fd, f, &err);
	fclose(f);
	close(fd);
	if (r)
		fail_msg("%s", err.msg);
	want = golden("migrate-begin.out.xml", &wlen);
	assert_int_equal(outlen, wlen);
	assert_memory_equal(out, want, wlen);
	assert_int_equal(fakesys_nreserved(fs), 2);
	free(want);
	free(out);
	free(in_path);
}

static void test_reuse_own_reservation(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	char name[ICEMIG_BDF_LEN];

	/* a retried migration: VF2 is already reserved for this domain */
	fakesys_reserve(fs, VF2, DOM);
	assert_int_equal(begin(two_hostdevs, &res, &err), 0);
	assert_string_equal(icemig_bdf_format(&res.assigned[0], name), VF2);
	assert_string_equal(icemig_bdf_format(&res.assigned[1], name), VF0);
	assert_int_equal(res.ncreated, 1);
	assert_non_null(
		strstr(res.xml,
		       "<address domain=\"0x0000\" bus=\"0x01\" slot=\"0x10\" function=\"0x2\"/>"));
	assert_non_null(
		strstr(res.xml,
		       "<address domain=\"0x0000\" bus=\"0x01\" slot=\"0x10\" function=\"0x0\"/>"));
	assert_null(strstr(res.xml, "bus=\"0x3b\""));
	icemig_hook_result_free(&res);
}

static void test_no_matching_hostdev(void **state)
{
	static const char xml[] =
		"<domain><name>" DOM "</name><devices>"
		"<hostdev mode='subsystem' type='pci'><driver name='vfio'/>"
		"<source><address domain='0x0000' bus='0x3b' slot='0x02' function='0x0'/></source>"
		"</hostdev></devices></domain>";
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	int fd;
	char path[600];

	assert_int_equal(begin(xml, &res, &err), 0);
	assert_null(res.xml); /* nothing printed: libvirt keeps its XML */
	assert_int_equal(res.nhostdevs, 0);
	icemig_hook_result_free(&res);

	snprintf(path, sizeof(path), "%s/plain.xml", fs->base);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(xml, f);
	fclose(f);
	fd = open(path, O_RDONLY);
	f = open_memstream(&out, &outlen);
	assert_int_equal(icemig_hook_run(DOM, "migrate", "begin", "-", fd, f, &err), 0);
	fclose(f);
	close(fd);
	assert_int_equal(outlen, 0);
	free(out);
	assert_int_equal(fakesys_nreserved(fs), 0);
}

/* ---- no suitable VF ------------------------------------------------------- */

static void expect_failure(struct fakesys *fs, const char *xml, int code, const char *msg1,
			   const char *msg2, unsigned int reservations_after)
{
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	int r;

	r = begin(xml, &res, &err);
	if (r != code)
		fail_msg("expected %d, got %d: %s", code, r, err.msg);
	if (msg1 && !strstr(err.msg, msg1))
		fail_msg("message lacks '%s': %s", msg1, err.msg);
	if (msg2 && !strstr(err.msg, msg2))
		fail_msg("message lacks '%s': %s", msg2, err.msg);
	assert_null(res.xml);
	icemig_hook_result_free(&res);
	assert_int_equal(fakesys_nreserved(fs), reservations_after);
}

static void test_no_provider_module(void **state)
{
	struct fakesys *fs = *state;

	fakesys_set_providers(fs, NULL);
	expect_failure(fs, one_hostdev, -ENOSPC, "hostdev with source address 0000:3b:02.0",
		       "no PF has a migration provider", 0);
	expect_failure(fs, one_hostdev, -ENOSPC, "providers is absent: ice_vfio_pci not loaded",
		       NULL, 0);
}

static void test_provider_elsewhere(void **state)
{
	struct fakesys *fs = *state;

	fakesys_set_providers(fs, "0000:81:00.0 ice_mig_sim\n");
	expect_failure(fs, one_hostdev, -ENOSPC, "0000:3b:02.0",
		       "no PF on this host has a migration provider", 0);
	fakesys_set_providers(fs, "");
	expect_failure(fs, one_hostdev, -ENOSPC, "0000:3b:02.0", "lists none", 0);
}

static void test_all_reserved(void **state)
{
	struct fakesys *fs = *state;

	fakesys_reserve(fs, VF0, "vm-a");
	fakesys_reserve(fs, VF1, "vm-b");
	fakesys_reserve(fs, VF2, "vm-c");
	expect_failure(
		fs, one_hostdev, -ENOSPC, "hostdev with source address 0000:3b:02.0",
		"all 3 VFs of the 1 PF(s) with a migration provider are taken (3 reserved by other domains",
		3);
	assert_string_equal(fakesys_reserved_by(fs, VF0), "vm-a");
}

static void test_partial_failure_leaves_nothing(void **state)
{
	struct fakesys *fs = *state;

	/* VF0: another domain's; VF1: in use by the host (iavf): only VF2 is free */
	fakesys_reserve(fs, VF0, "other");
	fakesys_put_driver(fs, VF1, "iavf");
	expect_failure(
		fs, two_hostdevs, -ENOSPC, "hostdev with source address 0000:3b:02.1",
		"1 reserved by other domains, 1 bound to a driver other than ice_vfio_pci, 1 given to earlier hostdevs",
		1);
	/* the reservation taken for the first hostdev was removed again */
	assert_null(fakesys_reserved_by(fs, VF2));
	assert_string_equal(fakesys_reserved_by(fs, VF0), "other");
}

static void test_unbound_vf_is_usable(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	char name[ICEMIG_BDF_LEN];

	fakesys_put_driver(fs, VF0, "iavf");
	fakesys_put_driver(fs, VF1, NULL); /* libvirt (managed='yes') binds it */
	assert_int_equal(begin(one_hostdev, &res, &err), 0);
	assert_string_equal(icemig_bdf_format(&res.assigned[0], name), VF1);
	icemig_hook_result_free(&res);
}

static void test_stale_reservations(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };
	char name[ICEMIG_BDF_LEN];

	fakesys_reserve(fs, VF0, "alive"); /* old, but its domain runs here */
	fakesys_age_reservation(fs, VF0, 3600);
	fakesys_domain_running(fs, "alive");
	fakesys_reserve(fs, VF1, "fresh"); /* no status file yet: within the grace period */
	fakesys_reserve(fs, VF2, "ghost"); /* old and its domain is gone */
	fakesys_age_reservation(fs, VF2, 3600);

	assert_int_equal(begin(one_hostdev, &res, &err), 0);
	assert_string_equal(icemig_bdf_format(&res.assigned[0], name), VF2);
	icemig_hook_result_free(&res);
	assert_string_equal(fakesys_reserved_by(fs, VF0), "alive");
	assert_string_equal(fakesys_reserved_by(fs, VF1), "fresh");
	assert_string_equal(fakesys_reserved_by(fs, VF2), DOM);

	/* the grace period is configurable; 0 would reclaim "fresh" too */
	assert_int_equal(icemig_hook_release(DOM, NULL, &err), 0);
	setenv("ICEMIG_STALE_SECONDS", "0", 1);
	assert_int_equal(begin(two_hostdevs, &res, &err), 0);
	icemig_hook_result_free(&res);
	assert_string_equal(fakesys_reserved_by(fs, VF0), "alive");
	assert_string_equal(fakesys_reserved_by(fs, VF1), DOM);
	assert_string_equal(fakesys_reserved_by(fs, VF2), DOM);
}

/* ---- untrusted input ------------------------------------------------------ */

static void test_malformed(void **state)
{
	struct fakesys *fs = *state;

	expect_failure(fs, "<domain><devices>" HOSTDEV("0x0000", "0x3b", "0x02", "0x0"), -EINVAL,
		       "domain XML: line 1:", NULL, 0);
	expect_failure(fs, "", -EINVAL, "domain XML", NULL, 0);
	expect_failure(fs, "<foo/>", -EINVAL, "root element is <foo>, expected <domain>", NULL, 0);
	expect_failure(fs, "<domain><name>&undeclared;</name></domain>", -EINVAL,
		       "domain XML: line 1:", NULL, 0);
}

static void test_billion_laughs(void **state)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE domain [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<domain><name>&lol9;</name><devices>" HOSTDEV("0x0000", "0x3b", "0x02",
							       "0x0") "</devices></domain>\n";
	struct fakesys *fs = *state;

	expect_failure(fs, xml, -EINVAL, "domain XML: line 2: has a DOCTYPE; refused", NULL, 0);
}

static void test_external_entity(void **state)
{
	static const char xml[] =
		"<!DOCTYPE domain [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
		"<domain><name>&xxe;</name><devices>" HOSTDEV("0x0000", "0x3b", "0x02",
							      "0x0") "</devices></domain>\n";
	static const char xml_dtd[] =
		"<!DOCTYPE domain SYSTEM \"http://example.invalid/domain.dtd\">\n"
		"<domain><devices>" HOSTDEV("0x0000", "0x3b", "0x02",
					    "0x0") "</devices></domain>\n";
	struct fakesys *fs = *state;

	expect_failure(fs, xml, -EINVAL, "has a DOCTYPE; refused", NULL, 0);
	expect_failure(fs, xml_dtd, -EINVAL, "has a DOCTYPE; refused", NULL, 0);
}

static void test_invalid_source_address(void **state)
{
	struct fakesys *fs = *state;

	expect_failure(
		fs, DOMAIN_XML(HOSTDEV("0x0000", "0x100", "0x02", "0x0")), -EINVAL,
		"hostdev #1 with source address domain='0x0000' bus='0x100' slot='0x02' function='0x0'",
		"invalid PCI address: bus out of range 0..0xff", 0);
	expect_failure(fs, DOMAIN_XML(HOSTDEV("0x0000", "0x3b", "../../../x", "0x0")), -EINVAL,
		       "slot='../../../x'", "slot is not a number", 0);
	expect_failure(fs,
		       DOMAIN_XML(HOSTDEV("0x0000", "0x3b", "0x02", "0x0")
					  HOSTDEV("0x0000", "0x3b", "0x02", "0x8")),
		       -EINVAL, "hostdev #2", "function out of range 0..7", 0);
	expect_failure(
		fs,
		DOMAIN_XML("<hostdev mode='subsystem' type='pci'><driver model='ice_vfio_pci'/>"
			   "</hostdev>"),
		-EINVAL, "hostdev #1 with model='ice_vfio_pci': no <source><address>", NULL, 0);
}

static void test_invalid_domain_name(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_hook_result res;
	struct icemig_err err = { 0 };

	assert_int_equal(icemig_hook_migrate_begin("bad\nname", one_hostdev, strlen(one_hostdev),
						   &res, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "invalid domain name"));
	icemig_hook_result_free(&res);
	assert_int_equal(fakesys_nreserved(fs), 0);
}

static void test_oversize(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	char path[600], *out = NULL;
	size_t outlen = 0, pad;
	FILE *f;
	int fd;

	/* exactly the limit: accepted (valid XML padded with a comment) */
	snprintf(path, sizeof(path), "%s/big.xml", fs->base);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(one_hostdev, f);
	pad = ICEMIG_HOOK_XML_MAX - strlen(one_hostdev) - 7;
	fputs("<!--", f);
	while (pad--)
		fputc('x', f);
	fputs("-->", f);
	fclose(f);
	fd = open(path, O_RDONLY);
	f = open_memstream(&out, &outlen);
	assert_int_equal(icemig_hook_run(DOM, "migrate", "begin", "-", fd, f, &err), 0);
	fclose(f);
	close(fd);
	assert_true(outlen > 0);
	free(out);
	out = NULL;
	assert_int_equal(icemig_hook_release(DOM, NULL, &err), 0);

	/* one byte more: refused before parsing, nothing printed, nothing reserved */
	f = fopen(path, "a");
	fputc('\n', f);
	fclose(f);
	fd = open(path, O_RDONLY);
	f = open_memstream(&out, &outlen);
	assert_int_equal(icemig_hook_run(DOM, "migrate", "begin", "-", fd, f, &err), -EFBIG);
	fclose(f);
	close(fd);
	assert_non_null(
		strstr(err.msg, "domain XML on stdin: larger than the limit of 4194304 bytes"));
	assert_int_equal(outlen, 0);
	free(out);
	assert_int_equal(fakesys_nreserved(fs), 0);
}

/* ---- other ops and release ------------------------------------------------ */

static void test_other_ops_ignore_stdin(void **state)
{
	static const char *const ops[][2] = {
		{ "prepare", "begin" }, { "start", "begin" },	  { "started", "begin" },
		{ "stopped", "end" },	{ "reconnect", "begin" }, { "attach", "begin" },
		{ "restore", "begin" }, { "migrate", "end" },	  { "release", "begin" },
	};
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	char path[600], *out = NULL;
	size_t outlen = 0, i;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/stdin.xml", fs->base);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(one_hostdev, f);
	fclose(f);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	f = open_memstream(&out, &outlen);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(icemig_hook_run(DOM, ops[i][0], ops[i][1], "-", fd, f, &err), 0);
		/* stdin not read at all */
		assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	}
	/* not even a valid fd is needed */
	assert_int_equal(icemig_hook_run("", "prepare", "begin", "-", -1, f, &err), 0);
	fclose(f);
	close(fd);
	assert_int_equal(outlen, 0);
	free(out);
	assert_int_equal(fakesys_nreserved(fs), 0);
}

static void test_release_end(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	fakesys_reserve(fs, VF0, "vm-a");
	fakesys_reserve(fs, VF1, "vm-b");
	fakesys_reserve(fs, VF2, "vm-a");
	/* release end does not read stdin either (fd -1) */
	assert_int_equal(icemig_hook_run("vm-a", "release", "end", "-", -1, stdout, &err), 0);
	assert_int_equal(fakesys_nreserved(fs), 1);
	assert_string_equal(fakesys_reserved_by(fs, VF1), "vm-b");
	/* again: nothing left to release, still fine */
	assert_int_equal(icemig_hook_run("vm-a", "release", "end", "-", -1, stdout, &err), 0);
	assert_int_equal(fakesys_nreserved(fs), 1);
	/* a name that is a prefix of another is not the other */
	assert_int_equal(icemig_hook_run("vm-", "release", "end", "-", -1, stdout, &err), 0);
	assert_int_equal(fakesys_nreserved(fs), 1);
}

/* Concurrent hooks (separate processes, as libvirt runs them) never share a VF. */
static void test_concurrent_reservations(void **state)
{
	enum { N = 6 };
	struct fakesys *fs = *state;
	int ok = 0, nospc = 0, i, status;
	pid_t pid[N];

	for (i = 0; i < N; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct icemig_hook_result res;
			struct icemig_err err = { 0 };
			char dom[32];
			int r;

			snprintf(dom, sizeof(dom), "vm-%d", i);
			r = icemig_hook_migrate_begin(dom, one_hostdev, strlen(one_hostdev), &res,
						      &err);
			_exit(r == 0 ? 0 : r == -ENOSPC ? 1 : 2);
		}
	}
	for (i = 0; i < N; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			ok++;
		else if (WEXITSTATUS(status) == 1)
			nospc++;
	}
	assert_int_equal(ok, 3);
	assert_int_equal(nospc, N - 3);
	assert_int_equal(fakesys_nreserved(fs), 3);
	assert_non_null(fakesys_reserved_by(fs, VF0));
	assert_non_null(fakesys_reserved_by(fs, VF1));
	assert_non_null(fakesys_reserved_by(fs, VF2));
	assert_string_not_equal(fakesys_reserved_by(fs, VF0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_migrate_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_own_reservation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_matching_hostdev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_provider_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_failure_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unbound_vf_is_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_reservations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_billion_laughs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_entity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_source_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_domain_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_ops_ignore_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reservations, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
