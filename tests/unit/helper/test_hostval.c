// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: icemig host-validate (hostval.h) on fake hosts: a fake sysfs
 * (fakesys.h) for modules, providers, IOMMU units and groups; files under
 * $ICEMIG_HOST_ROOT for /proc, /dev, /etc and /boot; shell scripts as QEMU
 * and dkms; a fake libvirt version probe. The register values are built
 * from the bits the checks document (VT-d ECAP SMTS 43, SSADS 45, SMPWC 48;
 * AMD EFR HDSup 52) on top of a VT-d ECAP without scalable mode (0xf050da).
 * When $ICEMIG names the icemig binary, the command's exit status and JSON
 * output are checked too.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "fakesys.h"
#include "hostval.h"

#define PF "0000:01:00.0"
#define PF2 "0000:02:00.0"
#define RELEASE "6.12.95+deb12-amd64"

#define BIT(n) (1ULL << (n))
#define VTD_LEGACY 0xf050daULL /* no scalable mode */
#define VTD_SSADS (VTD_LEGACY | BIT(43) | BIT(45) | BIT(48))
#define VTD_NO_SSADS (VTD_LEGACY | BIT(43) | BIT(48))
#define AMD_EFR_BASE (0x246577efa2254afaULL & ~BIT(52))
#define AMD_HDSUP (AMD_EFR_BASE | BIT(52))

struct fake_lv {
	bool loaded, connected;
	unsigned long lib, daemon, hv;
};

static struct fake_lv lv;
static char last_uri[256];

static void fake_libvirt(const char *uri, struct icemig_hv_libvirt *out, void *opaque)
{
	(void)opaque;
	snprintf(last_uri, sizeof(last_uri), "%s", uri);
	out->loaded = lv.loaded;
	out->connected = lv.connected;
	out->lib = lv.lib;
	out->daemon = lv.daemon;
	out->hypervisor = lv.hv;
	if (!lv.loaded)
		snprintf(out->error, sizeof(out->error), "libvirt.so.0: cannot open");
	else if (!lv.connected)
		snprintf(out->error, sizeof(out->error), "%s: no daemon", uri);
}

static const struct icemig_hostval_opts opts = { .uri = "test:///fake", .libvirt = fake_libvirt };

/* ---- files ----------------------------------------------------------------------- */

static void mkdirs(const char *path)
{
	char p[1024], *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* Write @content to <@dir>/<@rel>, creating the parents; @mode of the file. */
static void put(const char *dir, const char *rel, const char *content, mode_t mode)
{
	char p[1024], *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	slash = strrchr(p, '/');
	*slash = '\0';
	mkdirs(p);
	*slash = '/';
	f = fopen(p, "w");
	if (!f)
		fail_msg("%s: %s", p, strerror(errno));
	fputs(content, f);
	fclose(f);
	chmod(p, mode);
}

static void rm(const char *dir, const char *rel)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", dir, rel);
	if (system(cmd))
		fail_msg("%s failed", cmd);
}

static void set_qemu(struct fakesys *fs, const char *version_line)
{
	char text[256], p[600];

	snprintf(text, sizeof(text), "#!/bin/sh\necho '%s'\necho 'Copyright (c) fake'\n",
		 version_line);
	put(fs->base, "bin/qemu", text, 0755);
	snprintf(p, sizeof(p), "%s/bin/qemu", fs->base);
	setenv("ICEMIG_QEMU", p, 1);
}

static void set_dkms(struct fakesys *fs, const char *output)
{
	char text[512], p[600];

	snprintf(text, sizeof(text),
		 "#!/bin/sh\n[ \"$1 $2\" = 'status icemig' ] || exit 2\nprintf '%%s' '%s'\n",
		 output);
	put(fs->base, "bin/dkms", text, 0755);
	snprintf(p, sizeof(p), "%s/bin/dkms", fs->base);
	setenv("ICEMIG_DKMS", p, 1);
}

static void set_vtd(struct fakesys *fs, const char *unit, unsigned long long ecap)
{
	char rel[128], v[32];

	snprintf(rel, sizeof(rel), "class/iommu/%s/intel-iommu/ecap", unit);
	snprintf(v, sizeof(v), "%llx\n", ecap);
	put(fs->root, rel, v, 0444);
}

static void set_amd(struct fakesys *fs, const char *unit, unsigned long long efr)
{
	char rel[128], v[64];

	snprintf(rel, sizeof(rel), "class/iommu/%s/amd-iommu/features", unit);
	snprintf(v, sizeof(v), "%llx:%llx\n", efr, 0x2ULL);
	put(fs->root, rel, v, 0444);
}

static void set_groups(struct fakesys *fs, unsigned int n, const char *type)
{
	char rel[128];
	unsigned int i;

	rm(fs->root, "kernel/iommu_groups");
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%u/type", i);
		put(fs->root, rel, type, 0444);
	}
}

/*
 * A host where everything is in place: modules, a PF with the simulated
 * provider, one VT-d unit with SSADS, iommufd, the vfio cdev, the hook,
 * DKMS; QEMU 9.1.0 and libvirt 12.1.0.
 */
static int setup(void **state)
{
	struct fakesys *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return -1;
	fakesys_setup(fs);
	setenv("ICEMIG_HOST_ROOT", fs->base, 1);
	fakesys_add_pf(fs, PF, 4, "igb", "igbvf");
	fakesys_add_driver(fs, "ice_vfio_pci");
	fakesys_set_providers(fs, PF " ice_mig_sim\n");
	put(fs->root, "module/ice_vfio_pci/initstate", "live\n", 0444);
	put(fs->root, "module/ice_mig_sim/initstate", "live\n", 0444);
	set_vtd(fs, "dmar0", VTD_SSADS);
	set_groups(fs, 3, "DMA-FQ\n");
	put(fs->base, "proc/sys/kernel/osrelease", RELEASE "\n", 0444);
	put(fs->base, "proc/cmdline",
	    "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt\n", 0444);
	put(fs->base, "dev/iommu", "", 0666);
	put(fs->base, "dev/vfio/devices/vfio0", "", 0666);
	put(fs->base, "etc/libvirt/hooks/qemu.d/icemig", "#!/bin/sh\n", 0755);
	set_qemu(fs, "QEMU emulator version 9.1.0 (fake)");
	set_dkms(fs, "icemig/0.2, " RELEASE ", x86_64: installed\n");
	lv = (struct fake_lv){ true, true, 12001000, 12001000, 9001000 };
	*state = fs;
	return 0;
}

static int teardown(void **state)
{
	struct fakesys *fs = *state;

	fakesys_teardown(fs);
	unsetenv("ICEMIG_HOST_ROOT");
	unsetenv("ICEMIG_QEMU");
	unsetenv("ICEMIG_DKMS");
	free(fs);
	return 0;
}

/* ---- the document ------------------------------------------------------------------ */

static struct json_object *run(void)
{
	struct json_object *doc = icemig_hostval(&opts);

	assert_non_null(doc);
	return doc;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s' in %s", key, json_object_to_json_string(o));
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

/* The check named @name (exactly one); fails the test when absent. */
static struct json_object *check(struct json_object *doc, const char *name)
{
	struct json_object *a = get(doc, "checks"), *found = NULL;
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (strcmp(str(e, "check"), name))
			continue;
		if (found)
			fail_msg("check '%s' twice", name);
		found = e;
	}
	if (!found)
		fail_msg("no check '%s' in %s", name, json_object_to_json_string(doc));
	return found;
}

static bool has_check(struct json_object *doc, const char *name)
{
	struct json_object *a = get(doc, "checks");
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++)
		if (!strcmp(str(json_object_array_get_idx(a, i), "check"), name))
			return true;
	return false;
}

static void assert_check(struct json_object *doc, const char *name, const char *result,
			 const char *detail_part)
{
	struct json_object *c = check(doc, name);

	if (strcmp(str(c, "result"), result) ||
	    (detail_part && !strstr(str(c, "detail"), detail_part)))
		fail_msg("check '%s': want %s with '%s', got %s (%s)", name, result,
			 detail_part ? detail_part : "", str(c, "result"), str(c, "detail"));
}

static void assert_class(struct json_object *doc, const char *cls, const char *reason_part)
{
	const char *c = str(doc, "downtime_class"), *r = str(doc, "downtime_reason");

	if (strcmp(c, cls))
		fail_msg("downtime class %s (%s), want %s", c, r ? r : "-", cls);
	if (reason_part && (!r || !strstr(r, reason_part)))
		fail_msg("downtime reason '%s' lacks '%s'", r ? r : "(null)", reason_part);
	if (!reason_part)
		assert_null(r);
}

static long long num(struct json_object *doc, const char *key)
{
	return json_object_get_int64(get(doc, key));
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_vtd_ssads_tracked(void **state)
{
	struct json_object *doc, *io;

	(void)state;
	doc = run();
	assert_check(doc, "ice_vfio_pci module", "PASS", NULL);
	assert_check(doc, "provider module", "PASS", "test device");
	assert_check(doc, "provider for PF " PF, "PASS", "ice_mig_sim (a test device)");
	assert_check(doc, "IOMMU", "PASS", "Intel VT-d, 1 unit, 3 groups, default domain DMA-FQ");
	assert_check(doc, "IOMMU", "PASS", "intel_iommu=on iommu=pt");
	assert_check(doc, "iommufd", "PASS", NULL);
	assert_check(doc, "IOMMU dirty tracking", "PASS", "dmar0");
	assert_check(doc, "libvirt", "PASS", "library 12.1.0, daemon 12.1.0 (test:///fake)");
	assert_check(doc, "QEMU", "PASS", "9.1.0");
	assert_check(doc, "libvirt hook", "PASS", NULL);
	assert_check(doc, "DKMS", "PASS", RELEASE);
	assert_check(doc, "downtime class", "PASS", "tracked");
	assert_class(doc, "tracked", NULL);
	assert_int_equal(num(doc, "fail"), 0);
	assert_int_equal(num(doc, "warn"), 0);
	io = get(doc, "iommu");
	assert_string_equal(str(io, "vendor"), "intel");
	assert_true(json_object_get_boolean(get(io, "dirty_tracking")));
	assert_string_equal(last_uri, "test:///fake");
	json_object_put(doc);
}

static void test_vtd_without_ssads(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	set_vtd(fs, "dmar0", VTD_NO_SSADS);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "WARN", "dmar0: no SSADS");
	assert_class(doc, "RAM-proportional", "no IOMMU dirty tracking (dmar0: no SSADS)");
	assert_check(doc, "downtime class", "WARN", "RAM-proportional");
	assert_int_equal(num(doc, "fail"), 0);
	json_object_put(doc);

	/* no scalable mode at all: three bits missing */
	set_vtd(fs, "dmar0", VTD_LEGACY);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "WARN", "dmar0: no SMTS SSADS SMPWC");
	json_object_put(doc);

	/* every unit counts: one good, one without SSADS */
	set_vtd(fs, "dmar0", VTD_SSADS);
	set_vtd(fs, "dmar1", VTD_NO_SSADS);
	doc = run();
	assert_check(doc, "IOMMU", "PASS", "2 units");
	assert_check(doc, "IOMMU dirty tracking", "WARN", "dmar1: no SSADS");
	assert_class(doc, "RAM-proportional", "dmar1");
	json_object_put(doc);
}

static void test_vtd_scalable_mode_off(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	put(fs->base, "proc/cmdline", "root=/dev/sda1 intel_iommu=on,sm_off\n", 0444);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "WARN", "scalable mode off");
	assert_class(doc, "RAM-proportional", "sm_off");
	json_object_put(doc);

	/* a kernel built with scalable mode off by default, turned on by sm_on */
	put(fs->base, "boot/config-" RELEASE,
	    "CONFIG_IOMMUFD=y\n# CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON is not set\n", 0444);
	put(fs->base, "proc/cmdline", "root=/dev/sda1\n", 0444);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "WARN", "scalable mode off");
	json_object_put(doc);
	put(fs->base, "proc/cmdline", "root=/dev/sda1 intel_iommu=sm_on\n", 0444);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "PASS", NULL);
	json_object_put(doc);
}

static void test_amd_hdsup(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	rm(fs->root, "class/iommu");
	set_amd(fs, "ivhd0", AMD_HDSUP);
	set_amd(fs, "ivhd1", AMD_HDSUP);
	set_groups(fs, 2, "identity\n");
	doc = run();
	assert_check(doc, "IOMMU", "PASS", "AMD-Vi, 2 units, 2 groups, default domain identity");
	assert_check(doc, "IOMMU dirty tracking", "PASS", "ivhd0, ivhd1: host dirty (HDSup)");
	assert_class(doc, "tracked", NULL);
	assert_string_equal(str(get(doc, "iommu"), "vendor"), "amd");
	json_object_put(doc);

	set_amd(fs, "ivhd1", AMD_EFR_BASE);
	doc = run();
	assert_check(doc, "IOMMU dirty tracking", "WARN", "ivhd1: no HDSup");
	assert_class(doc, "RAM-proportional", "ivhd1: no HDSup");
	json_object_put(doc);
}

static void test_no_iommu(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc, *io;

	rm(fs->root, "class/iommu");
	rm(fs->root, "kernel/iommu_groups");
	rm(fs->base, "dev/iommu");
	rm(fs->base, "dev/vfio");
	put(fs->base, "boot/config-" RELEASE, "# CONFIG_IOMMUFD is not set\n", 0444);
	lv = (struct fake_lv){ true, true, 11003000, 11003000, 10000002 };
	set_qemu(fs, "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-1~bpo12+1)");
	doc = run();
	assert_check(doc, "IOMMU", "FAIL", "no IOMMU unit and no IOMMU group");
	assert_check(doc, "iommufd", "WARN", "built without CONFIG_IOMMUFD");
	assert_check(doc, "IOMMU dirty tracking", "WARN", "no IOMMU unit");
	assert_class(doc, "RAM-proportional", "no iommufd");
	assert_class(doc, "RAM-proportional", "libvirt 11.3.0 < 12.1");
	assert_check(doc, "QEMU", "PASS", "10.0.2");
	assert_true(num(doc, "fail") >= 1);
	io = get(doc, "iommu");
	assert_null(get(io, "vendor"));
	assert_int_equal(json_object_get_int64(get(io, "units")), 0);
	assert_false(json_object_get_boolean(get(io, "iommufd")));
	json_object_put(doc);
}

static void test_missing_modules(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	rm(fs->root, "module/ice_vfio_pci");
	doc = run();
	assert_check(doc, "ice_vfio_pci module", "FAIL", "modprobe ice_vfio_pci");
	assert_check(doc, "provider module", "PASS", "ice_mig_sim");
	assert_int_equal(num(doc, "fail"), 1);
	json_object_put(doc);

	rm(fs->root, "module/ice_mig_sim");
	doc = run();
	assert_check(doc, "provider module", "FAIL", "neither");
	json_object_put(doc);

	/* the E810 glue alone: no "test device" anywhere in that line */
	put(fs->root, "module/ice_mig_glue/initstate", "live\n", 0444);
	doc = run();
	assert_check(doc, "provider module", "PASS", "ice_mig_glue");
	assert_null(strstr(str(check(doc, "provider module"), "detail"), "test device"));
	json_object_put(doc);
}

static void test_providers_per_pf(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	fakesys_add_pf(fs, PF2, 8, "ice", "iavf");
	fakesys_add_pf(fs, "0000:03:00.0", 8, "mlx5_core", NULL);
	doc = run();
	assert_check(doc, "provider for PF " PF, "PASS", "ice_mig_sim");
	/* an E810 PF without a provider is icemig's: FAIL; another NIC: WARN */
	assert_check(doc, "provider for PF " PF2, "FAIL", "an E810 PF");
	assert_check(doc, "provider for PF 0000:03:00.0", "WARN", "mlx5_core");
	json_object_put(doc);

	/* no provider at all: the E810 PF's own FAIL says it, no summary line */
	fakesys_set_providers(fs, "");
	doc = run();
	assert_check(doc, "provider for PF " PF, "WARN", "igb");
	assert_check(doc, "provider for PF " PF2, "FAIL", "an E810 PF");
	assert_false(has_check(doc, "provider per PF"));
	json_object_put(doc);

	/* no provider at all, only other NICs: one summary FAIL */
	rm(fs->root, "bus/pci/devices/" PF2);
	rm(fs->root, "bus/pci/devices/" PF);
	doc = run();
	assert_check(doc, "provider for PF 0000:03:00.0", "WARN", NULL);
	assert_check(doc, "provider per PF", "FAIL", "none of 1 SR-IOV PFs");
	json_object_put(doc);

	rm(fs->root, "bus/pci/devices/0000:03:00.0");
	doc = run();
	assert_check(doc, "provider per PF", "FAIL", "no SR-IOV PF");
	json_object_put(doc);
}

static void test_hook(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;
	char p[600];

	snprintf(p, sizeof(p), "%s/etc/libvirt/hooks/qemu.d/icemig", fs->base);
	chmod(p, 0644);
	doc = run();
	assert_check(doc, "libvirt hook", "FAIL", "not an executable file");
	json_object_put(doc);

	rm(fs->base, "etc/libvirt/hooks/qemu.d/icemig");
	doc = run();
	assert_check(doc, "libvirt hook", "FAIL", "/etc/libvirt/hooks/qemu.d/icemig missing");
	assert_int_equal(num(doc, "fail"), 1);
	json_object_put(doc);
}

static void test_versions(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	set_qemu(fs, "QEMU emulator version 9.0.2 (fake)");
	doc = run();
	assert_check(doc, "QEMU", "PASS", "9.0.2");
	assert_class(doc, "RAM-proportional", "QEMU 9.0.2 < 9.1");
	json_object_put(doc);

	set_qemu(fs, "QEMU emulator version 8.0.0 (fake)");
	doc = run();
	assert_check(doc, "QEMU", "WARN", "below 8.1");
	json_object_put(doc);

	/* no QEMU program: libvirt's hypervisor version stands in */
	setenv("ICEMIG_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	doc = run();
	assert_check(doc, "QEMU", "PASS", "9.1.0 (libvirt's hypervisor version");
	assert_class(doc, "tracked", NULL);
	json_object_put(doc);
	lv.connected = false;
	doc = run();
	assert_check(doc, "QEMU", "FAIL", "not found");
	assert_check(doc, "libvirt", "WARN", "daemon not reached");
	json_object_put(doc);

	/* the daemon's version decides, not the library's */
	set_qemu(fs, "QEMU emulator version 9.2.0 (fake)");
	lv = (struct fake_lv){ true, true, 12001000, 11003000, 9002000 };
	doc = run();
	assert_class(doc, "RAM-proportional", "libvirt 11.3.0 < 12.1");
	json_object_put(doc);

	lv = (struct fake_lv){ false, false, 0, 0, 0 };
	doc = run();
	assert_check(doc, "libvirt", "FAIL", "not installed");
	assert_class(doc, "RAM-proportional", "libvirt unknown");
	json_object_put(doc);
}

static void test_dkms(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;

	set_dkms(fs, "icemig/0.2, 6.1.0-30-amd64, x86_64: installed\n"
		     "icemig/0.2, " RELEASE ", x86_64: built\n");
	doc = run();
	assert_check(doc, "DKMS", "WARN", "not installed for the running kernel " RELEASE);
	json_object_put(doc);

	set_dkms(fs, "");
	doc = run();
	assert_check(doc, "DKMS", "WARN", "icemig not in DKMS");
	json_object_put(doc);

	setenv("ICEMIG_DKMS", "/nonexistent/dkms", 1);
	doc = run();
	assert_check(doc, "DKMS", "WARN", "dkms not installed");
	assert_int_equal(num(doc, "fail"), 0);
	json_object_put(doc);
}

static void test_json_shape(void **state)
{
	static const char *const keys[] = { "checks", "downtime_class", "downtime_reason",
					    "iommu",  "libvirt",	"qemu",
					    "kernel", "pass",		"warn",
					    "fail" };
	static const char *const iommu_keys[] = { "vendor",	    "units",	     "groups",
						  "default_domain", "cmdline",	     "iommufd",
						  "vfio_cdev",	    "dirty_tracking" };
	struct fakesys *fs = *state;
	struct json_object *doc, *a, *io;
	long long tally[3] = { 0, 0, 0 };
	size_t i;

	rm(fs->base, "etc/libvirt/hooks/qemu.d/icemig"); /* one FAIL */
	set_vtd(fs, "dmar0", VTD_NO_SSADS); /* two WARN */
	doc = run();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		get(doc, keys[i]);
	a = get(doc, "checks");
	assert_true(json_object_is_type(a, json_type_array));
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		const char *r = str(e, "result");

		assert_int_equal(json_object_object_length(e), 3);
		assert_true(json_object_is_type(get(e, "check"), json_type_string));
		assert_true(json_object_is_type(get(e, "detail"), json_type_string));
		if (!strcmp(r, "PASS"))
			tally[0]++;
		else if (!strcmp(r, "WARN"))
			tally[1]++;
		else if (!strcmp(r, "FAIL"))
			tally[2]++;
		else
			fail_msg("result '%s'", r);
	}
	assert_int_equal(num(doc, "pass"), tally[0]);
	assert_int_equal(num(doc, "warn"), tally[1]);
	assert_int_equal(num(doc, "fail"), tally[2]);
	assert_int_equal(tally[1], 2);
	assert_int_equal(tally[2], 1);
	io = get(doc, "iommu");
	for (i = 0; i < sizeof(iommu_keys) / sizeof(iommu_keys[0]); i++)
		get(io, iommu_keys[i]);
	assert_int_equal(json_object_array_length(get(io, "cmdline")), 2);
	assert_string_equal(
		json_object_get_string(json_object_array_get_idx(get(io, "cmdline"), 0)),
		"intel_iommu=on");
	assert_string_equal(str(get(doc, "libvirt"), "library"), "12.1.0");
	assert_string_equal(str(doc, "qemu"), "9.1.0");
	assert_string_equal(str(doc, "kernel"), RELEASE);
	json_object_put(doc);
}

static void test_parsers(void **state)
{
	unsigned long v = 0;
	char miss[64];

	(void)state;
	assert_int_equal(icemig_hv_parse_version("10.0.2 (Debian)", &v), 0);
	assert_int_equal(v, 10000002);
	assert_int_equal(icemig_hv_parse_version("9.1", &v), 0);
	assert_int_equal(v, 9001000);
	assert_int_equal(icemig_hv_parse_version("x9.1", &v), -EINVAL);
	assert_int_equal(icemig_hv_parse_version("9.1000.0", &v), -EINVAL);
	assert_true(icemig_hv_vtd_dirty(VTD_SSADS, miss, sizeof(miss)));
	assert_string_equal(miss, "");
	assert_false(icemig_hv_vtd_dirty(VTD_SSADS & ~BIT(48), miss, sizeof(miss)));
	assert_string_equal(miss, "SMPWC");
	assert_false(icemig_hv_vtd_dirty(BIT(45), miss, sizeof(miss)));
	assert_string_equal(miss, "SMTS SMPWC");
	assert_true(icemig_hv_amd_dirty(BIT(52)));
	assert_false(icemig_hv_amd_dirty(~BIT(52)));
}

/* ---- the command ---------------------------------------------------------------------- */

/* Run "$ICEMIG host-validate ARGS" and return its exit status; stdout into @out. */
static int run_cmd(const char *args, char *out, size_t size)
{
	const char *bin = getenv("ICEMIG");
	char cmd[1024];
	size_t len = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' host-validate %s 2>/dev/null", bin, args);
	p = popen(cmd, "r");
	if (!p)
		fail_msg("popen: %s", strerror(errno));
	len = fread(out, 1, size - 1, p);
	out[len] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_command(void **state)
{
	struct fakesys *fs = *state;
	struct json_object *doc;
	char *out = malloc(65536);
	const char *nl;

	if (!getenv("ICEMIG")) {
		free(out);
		skip(); /* run from `make check`, which sets ICEMIG */
	}
	/* libvirt's test driver: a connection without a daemon, never a FAIL */
	assert_int_equal(run_cmd("--connect test:///default", out, 65536), 0);
	assert_non_null(strstr(out, "icemig: IOMMU dirty tracking"));
	assert_non_null(strstr(out, ": PASS (Intel VT-d, 1 unit"));
	for (nl = out; (nl = strchr(nl, '\n')); nl++)
		if (nl[1] && strncmp(nl + 1, "icemig: ", 8))
			fail_msg("a line not in 'icemig: <check> : RESULT (detail)' form: %s",
				 nl + 1);

	rm(fs->base, "etc/libvirt/hooks/qemu.d/icemig");
	assert_int_equal(run_cmd("--connect test:///default --json", out, 65536), 1);
	nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0'); /* compact: one line */
	doc = json_tokener_parse(out);
	assert_non_null(doc);
	assert_check(doc, "libvirt hook", "FAIL", NULL);
	json_object_put(doc);

	assert_int_equal(run_cmd("--connect test:///default --pretty", out, 65536), 1);
	assert_non_null(strstr(out, "\n  \"checks\": ["));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vtd_ssads_tracked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtd_without_ssads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtd_scalable_mode_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_amd_hdsup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_providers_per_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dkms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test_setup_teardown(test_command, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
