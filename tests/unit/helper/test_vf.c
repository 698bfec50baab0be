// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: vf create / bind / list against the fake sysfs (fakesys.h),
 * which reacts to writes like the kernel.
 */
#include <errno.h>
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
#include <json-c/json.h>

#include "fakesys.h"
#include "conf.h"
#include "provision.h"
#include "reserve.h"
#include "vf.h"

#define PF "0000:01:00.0"
#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.1"
#define VF2 "0000:01:10.2"

static int setup(void **state)
{
	struct fakesys *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return -1;
	fakesys_setup(fs);
	fakesys_add_pf(fs, PF, 4, "ice", "iavf");
	fakesys_add_driver(fs, "ice_vfio_pci");
	fakesys_add_netdev(fs, "eth0", PF);
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

static struct icemig_bdf bdf(const char *s)
{
	struct icemig_bdf b;

	if (icemig_bdf_parse(s, &b))
		fail_msg("bad test BDF %s", s);
	return b;
}

/* Create @n VFs on PF through the library; assert success. */
static void create(struct fakesys *fs, unsigned long n)
{
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	size_t nvfs = 0;
	bool changed;
	int r;

	r = icemig_vf_create(&pf, n, false, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err);
	if (r)
		fail_msg("create: %s", err.msg);
	assert_int_equal(nvfs, n);
	assert_int_equal(fakesys_numvfs(fs, PF), n);
	free(vfs);
}

/* ---- vf create ----------------------------------------------------------- */

static void test_create(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	char name[ICEMIG_BDF_LEN];
	size_t nvfs = 0;
	bool changed = false;

	assert_int_equal(
		icemig_vf_create(&pf, 2, false, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		0);
	assert_true(changed);
	assert_int_equal(nvfs, 2);
	assert_string_equal(icemig_bdf_format(&vfs[0], name), VF0);
	assert_string_equal(icemig_bdf_format(&vfs[1], name), VF1);
	free(vfs);
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" PF "/sriov_numvfs=2\n");
	assert_int_equal(fakesys_numvfs(fs, PF), 2);
	/* the new VFs were auto-probed by their native driver */
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");

	/* same count again: nothing written */
	fakesys_clear_log(fs);
	assert_int_equal(
		icemig_vf_create(&pf, 2, false, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		0);
	assert_false(changed);
	assert_int_equal(nvfs, 2);
	free(vfs);
	assert_string_equal(fakesys_log(fs), "");
}

static void test_create_needs_force(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	char name[ICEMIG_BDF_LEN];
	size_t nvfs = 0;
	bool changed;

	create(fs, 2);
	fakesys_clear_log(fs);
	assert_int_equal(
		icemig_vf_create(&pf, 3, false, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		-EBUSY);
	assert_non_null(strstr(err.msg, PF ": already has 2 VFs"));
	assert_non_null(strstr(err.msg, "--force"));
	assert_string_equal(fakesys_log(fs), ""); /* refused before any write */
	assert_int_equal(fakesys_numvfs(fs, PF), 2);

	assert_int_equal(
		icemig_vf_create(&pf, 3, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		0);
	assert_true(changed);
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" PF "/sriov_numvfs=0\n"
					     "bus/pci/devices/" PF "/sriov_numvfs=3\n");
	assert_int_equal(nvfs, 3);
	assert_string_equal(icemig_bdf_format(&vfs[2], name), VF2);
	free(vfs);
	assert_int_equal(fakesys_numvfs(fs, PF), 3);
}

static void test_create_limits(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	size_t nvfs;

	assert_int_equal(
		icemig_vf_create(&pf, 5, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, NULL, &err),
		-ERANGE);
	assert_non_null(strstr(err.msg, "sriov_totalvfs is 4"));
	assert_int_equal(
		icemig_vf_create(&pf, 0, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, NULL, &err),
		-EINVAL);
	assert_string_equal(fakesys_log(fs), "");

	/* the kernel refuses the write: its errno comes back with the path */
	fakesys_fail_write(fs, "bus/pci/devices/" PF "/sriov_numvfs", "", ENOMEM);
	assert_int_equal(
		icemig_vf_create(&pf, 2, false, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, NULL, &err),
		-ENOMEM);
	assert_non_null(strstr(err.msg, PF ": creating 2 VFs: write '2' to "));
	assert_non_null(strstr(err.msg, "sriov_numvfs: Cannot allocate memory"));
	assert_int_equal(fakesys_numvfs(fs, PF), 0);
}

static void test_pf_resolve(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf;
	char name[ICEMIG_BDF_LEN];

	assert_int_equal(icemig_pf_resolve("eth0", &pf, &err), 0);
	assert_string_equal(icemig_bdf_format(&pf, name), PF);
	assert_int_equal(icemig_pf_resolve("0000:01:00.0", &pf, &err), 0);

	assert_int_equal(icemig_pf_resolve("eth9", &pf, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "eth9: no such network interface"));
	assert_int_equal(icemig_pf_resolve("../../etc", &pf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "neither a PCI address"));
	assert_int_equal(icemig_pf_resolve("0000:02:00.0", &pf, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "0000:02:00.0: no such PCI device"));

	fakesys_add_dev(fs, "0000:00:1f.0", "lpc_ich");
	assert_int_equal(icemig_pf_resolve("0000:00:1f.0", &pf, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "0000:00:1f.0: not an SR-IOV physical function"));
}

/* ---- vf bind -------------------------------------------------------------- */

static int bind(const char *const *names, size_t n, const char *driver, enum icemig_bind_status *st,
		struct icemig_err *err)
{
	struct icemig_bdf b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = bdf(names[i]);
	return icemig_vf_bind(b, n, driver, NULL, st, err);
}

static void test_bind_sequence(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	enum icemig_bind_status st[2];
	int r;

	create(fs, 2);
	fakesys_clear_log(fs);
	r = bind(vfs, 2, "ice_vfio_pci", st, &err);
	if (r)
		fail_msg("%s", err.msg);
	assert_int_equal(st[0], ICEMIG_BIND_DONE);
	assert_int_equal(st[1], ICEMIG_BIND_DONE);
	/* libvirt's order: driver_override, unbind, drivers_probe */
	assert_string_equal(fakesys_log(fs),
			    "bus/pci/devices/" VF0 "/driver_override=ice_vfio_pci\n"
			    "bus/pci/drivers/iavf/unbind=" VF0 "\n"
			    "bus/pci/drivers_probe=" VF0 "\n"
			    "bus/pci/devices/" VF1 "/driver_override=ice_vfio_pci\n"
			    "bus/pci/drivers/iavf/unbind=" VF1 "\n"
			    "bus/pci/drivers_probe=" VF1 "\n");
	assert_string_equal(fakesys_driver(fs, VF0), "ice_vfio_pci");
	assert_string_equal(fakesys_driver(fs, VF1), "ice_vfio_pci");

	/* idempotent: already bound devices are left alone */
	fakesys_clear_log(fs);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", st, &err), 0);
	assert_int_equal(st[0], ICEMIG_BIND_ALREADY);
	assert_int_equal(st[1], ICEMIG_BIND_ALREADY);
	assert_string_equal(fakesys_log(fs), "");
}

static void test_bind_unbound_device(void **state)
{
	static const char *const vfs[] = { VF0 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 1);
	fakesys_put_driver(fs, VF0, NULL);
	fakesys_clear_log(fs);
	assert_int_equal(bind(vfs, 1, "ice_vfio_pci", NULL, &err), 0);
	/* nothing to unbind */
	assert_string_equal(fakesys_log(fs),
			    "bus/pci/devices/" VF0 "/driver_override=ice_vfio_pci\n"
			    "bus/pci/drivers_probe=" VF0 "\n");
	assert_string_equal(fakesys_driver(fs, VF0), "ice_vfio_pci");
}

static void test_bind_rollback_refused(void **state)
{
	static const char *const vfs[] = { VF0, VF1, VF2 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	int r;

	create(fs, 3);
	fakesys_refuse(fs, "ice_vfio_pci", VF2);
	r = bind(vfs, 3, "ice_vfio_pci", NULL, &err);
	assert_int_equal(r, -ENODEV);
	assert_non_null(
		strstr(err.msg,
		       VF2 ": not bound to any driver after drivers_probe, expected ice_vfio_pci"));
	assert_non_null(strstr(err.msg, "restored " VF0 " to iavf"));
	assert_null(strstr(err.msg, "ROLLBACK FAILED"));
	/* every device is back on its old driver with its old (empty) override */
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
	assert_string_equal(fakesys_driver(fs, VF1), "iavf");
	assert_string_equal(fakesys_driver(fs, VF2), "iavf");
	assert_string_equal(fakesys_override(fs, VF0), "");
	assert_string_equal(fakesys_override(fs, VF1), "");
	assert_string_equal(fakesys_override(fs, VF2), "");
	/* and no memory of a previous driver stays behind (written before the bind) */
	{
		char drv[ICEMIG_DRIVER_MAX], ovr[ICEMIG_DRIVER_MAX];
		struct icemig_bdf b = bdf(VF0);

		assert_int_equal(icemig_memo_load(&b, drv, ovr, &err), -ENOENT);
		b = bdf(VF2);
		assert_int_equal(icemig_memo_load(&b, drv, ovr, &err), -ENOENT);
	}
}

static void test_bind_rollback_unbind_fails(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 2);
	fakesys_fail_write(fs, "bus/pci/drivers/iavf/unbind", VF1, EBUSY);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, VF1 ": unbinding from iavf: write '" VF1 "' to "));
	assert_non_null(strstr(err.msg, "Device or resource busy"));
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
	assert_string_equal(fakesys_driver(fs, VF1), "iavf");
	assert_string_equal(fakesys_override(fs, VF0), "");
	assert_string_equal(fakesys_override(fs, VF1), "");
}

static void test_bind_rollback_restores_override(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 2);
	/* VF0 was deliberately on vfio-pci through driver_override */
	fakesys_add_driver(fs, "vfio-pci");
	fakesys_put_override(fs, VF0, "vfio-pci");
	fakesys_put_driver(fs, VF0, "vfio-pci");
	fakesys_refuse(fs, "ice_vfio_pci", VF1);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), -ENODEV);
	assert_string_equal(fakesys_driver(fs, VF0), "vfio-pci");
	assert_string_equal(fakesys_override(fs, VF0), "vfio-pci");
	assert_string_equal(fakesys_driver(fs, VF1), "iavf");
	assert_string_equal(fakesys_override(fs, VF1), "");
}

static void test_bind_rollback_probe_write_fails(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 2);
	fakesys_fail_write(fs, "bus/pci/drivers_probe", VF1, EINVAL);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, VF1 ": probing for ice_vfio_pci"));
	/* VF1 was left unbound by the failed step; the rollback must bind it again */
	assert_string_equal(fakesys_driver(fs, VF1), "iavf");
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
}

static void test_bind_preflight(void **state)
{
	static const char *const vfs[] = { VF0, "0000:01:1f.7" };
	static const char *const one[] = { VF0 };
	static const char *const pfs[] = { VF0, PF };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 1);
	fakesys_clear_log(fs);
	/* a missing device: nothing touched */
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "0000:01:1f.7: no such PCI device"));
	assert_string_equal(fakesys_log(fs), "");
	/* a PF is never rebound */
	assert_int_equal(bind(pfs, 2, "ice_vfio_pci", NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, PF ": not a VF (no physfn link)"));
	assert_string_equal(fakesys_log(fs), "");
	assert_string_equal(fakesys_driver(fs, PF), "ice");
	/* a driver that is not loaded: nothing touched */
	assert_int_equal(bind(one, 1, "nosuchdrv", NULL, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "driver nosuchdrv is not loaded"));
	/* a driver name that would escape the drivers directory */
	assert_int_equal(bind(one, 1, "../../../x", NULL, &err), -EINVAL);
	assert_string_equal(fakesys_log(fs), "");
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
}

/* ---- vf list ---------------------------------------------------------------- */

static char *render(const struct icemig_vf_table *t, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(icemig_vf_render(t, json, false, f), 0);
	fclose(f);
	return buf;
}

static void test_list(void **state)
{
	static const char *const vfs[] = { VF0 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_vf_table t;
	struct json_object *root, *arr, *row, *v;
	char *text;

	create(fs, 3);
	fakesys_set_compat(fs, PF, fakesys_compat_text("ice_mig_sim", 16, 4));
	assert_int_equal(bind(vfs, 1, "ice_vfio_pci", NULL, &err), 0);
	fakesys_put_driver(fs, VF1, NULL);
	fakesys_add_pf(fs, "0000:02:00.0", 8, "ice", "iavf"); /* SR-IOV, no VFs yet */
	fakesys_add_dev(fs, "0000:00:1f.0", "lpc_ich"); /* not SR-IOV: not listed */
	fakesys_set_providers(fs, PF " ice_mig_sim\n");
	fakesys_reserve(fs, VF0, "vm-one");
	/* VF2 is used by a running domain that holds no reservation */
	fakesys_domain_status(fs, "vm-two",
			      "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
			      "<address domain='0x0000' bus='0x01' slot='0x10' function='0x2'/>"
			      "</source></hostdev>");

	assert_int_equal(icemig_vf_collect(&t, &err), 0);
	assert_int_equal(t.n, 4);
	text = render(&t, false);
	assert_string_equal(
		text,
		"PF           PROVIDER    INDEX VF           DRIVER       IOMMU_GROUP DOMAIN MIGRATION  STREAM\n"
		"0000:01:00.0 ice_mig_sim 0     0000:01:10.0 ice_vfio_pci 11          vm-one yes        1.2\n"
		"0000:01:00.0 ice_mig_sim 1     0000:01:10.1 -            12          -      needs-bind -\n"
		"0000:01:00.0 ice_mig_sim 2     0000:01:10.2 iavf         13          vm-two needs-bind -\n"
		"0000:02:00.0 -           -     -            -            -           -      -          -\n");
	free(text);

	text = render(&t, true);
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "ice_vfio_pci_loaded", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(root, "vfs", &arr));
	assert_int_equal(json_object_array_length(arr), 4);
	row = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(row, "pf", &v));
	assert_string_equal(json_object_get_string(v), PF);
	assert_true(json_object_object_get_ex(row, "provider", &v));
	assert_string_equal(json_object_get_string(v), "ice_mig_sim");
	assert_true(json_object_object_get_ex(row, "index", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(row, "vf", &v));
	assert_string_equal(json_object_get_string(v), VF0);
	assert_true(json_object_object_get_ex(row, "iommu_group", &v));
	assert_int_equal(json_object_get_int(v), 11);
	assert_true(json_object_object_get_ex(row, "domain", &v));
	assert_string_equal(json_object_get_string(v), "vm-one");
	assert_true(json_object_object_get_ex(row, "migration", &v));
	assert_string_equal(json_object_get_string(v), "yes");
	assert_true(json_object_object_get_ex(row, "stream", &v));
	assert_string_equal(json_object_get_string(v), "1.2");
	row = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(row, "driver", &v));
	assert_null(v); /* unbound: JSON null, '-' in text */
	assert_true(json_object_object_get_ex(row, "stream", &v));
	assert_null(v);
	row = json_object_array_get_idx(arr, 2);
	assert_true(json_object_object_get_ex(row, "domain", &v));
	assert_string_equal(json_object_get_string(v), "vm-two");
	row = json_object_array_get_idx(arr, 3);
	assert_true(json_object_object_get_ex(row, "provider", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(row, "vf", &v));
	assert_null(v);
	json_object_put(root);
	free(text);
	icemig_vf_table_free(&t);

	/* no providers file (ice_vfio_pci not loaded): no PF has a provider */
	fakesys_set_providers(fs, NULL);
	assert_int_equal(icemig_vf_collect(&t, &err), 0);
	assert_false(t.providers_present);
	assert_string_equal(t.rows[0].provider, "");
	assert_int_equal(t.rows[0].migration, ICEMIG_MIG_NO);
	icemig_vf_table_free(&t);
}

static void test_list_bad_providers(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_vf_table t;

	fakesys_set_providers(fs, PF " ice_mig_sim\nnot-a-bdf x\n");
	assert_int_equal(icemig_vf_collect(&t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "providers: line 2: 'not-a-bdf' is not a PCI address"));
	fakesys_set_providers(fs, PF "\n");
	assert_int_equal(icemig_vf_collect(&t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 1: expected '<PF BDF> <provider>'"));
}

/* ---- autoprobe, destroy ------------------------------------------------------ */

static void test_create_no_autoprobe(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	size_t nvfs = 0;
	int r;

	r = icemig_vf_create(&pf, 2, false, ICEMIG_AUTOPROBE_OFF, &vfs, &nvfs, NULL, &err);
	if (r)
		fail_msg("%s", err.msg);
	free(vfs);
	/* autoprobe off around the creation, then back to what it was */
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" PF "/sriov_drivers_autoprobe=0\n"
					     "bus/pci/devices/" PF "/sriov_numvfs=2\n"
					     "bus/pci/devices/" PF "/sriov_drivers_autoprobe=1\n");
	/* so iavf never bound them */
	assert_string_equal(fakesys_driver(fs, VF0), "");
	assert_string_equal(fakesys_driver(fs, VF1), "");
	assert_string_equal(fakesys_read(fs, "bus/pci/devices/" PF "/sriov_drivers_autoprobe"),
			    "1");

	/* the default leaves the setting alone, and the kernel probes */
	fakesys_clear_log(fs);
	assert_int_equal(
		icemig_vf_create(&pf, 3, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, NULL, &err), 0);
	free(vfs);
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" PF "/sriov_numvfs=0\n"
					     "bus/pci/devices/" PF "/sriov_numvfs=3\n");
	assert_string_equal(fakesys_driver(fs, VF2), "iavf");
}

static void test_create_autoprobe_restored_on_failure(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	size_t nvfs = 0;

	fakesys_fail_write(fs, "bus/pci/devices/" PF "/sriov_numvfs", "2", ENOMEM);
	assert_int_equal(
		icemig_vf_create(&pf, 2, false, ICEMIG_AUTOPROBE_OFF, &vfs, &nvfs, NULL, &err),
		-ENOMEM);
	assert_non_null(strstr(err.msg, PF ": creating 2 VFs"));
	assert_string_equal(fakesys_read(fs, "bus/pci/devices/" PF "/sriov_drivers_autoprobe"),
			    "1");
	assert_int_equal(fakesys_numvfs(fs, PF), 0);
}

static void test_destroy(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF);
	unsigned long removed = 99;

	/* nothing there: nothing written */
	assert_int_equal(icemig_vf_destroy(&pf, false, &removed, &err), 0);
	assert_int_equal(removed, 0);
	assert_string_equal(fakesys_log(fs), "");

	create(fs, 3);
	fakesys_reserve(fs, VF1, "vm-busy");
	fakesys_clear_log(fs);
	assert_int_equal(icemig_vf_destroy(&pf, false, &removed, &err), -EBUSY);
	assert_non_null(strstr(err.msg, PF ": not removing its 3 VFs: VF " VF1
					   " is in use by domain 'vm-busy' (reserved for it)"));
	assert_non_null(strstr(err.msg, "--force"));
	assert_string_equal(fakesys_log(fs), "");
	assert_int_equal(fakesys_numvfs(fs, PF), 3);

	assert_int_equal(icemig_vf_destroy(&pf, true, &removed, &err), 0);
	assert_int_equal(removed, 3);
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" PF "/sriov_numvfs=0\n");
	assert_int_equal(fakesys_numvfs(fs, PF), 0);
	assert_false(fakesys_exists(fs, "bus/pci/devices/" VF0));
	assert_null(fakesys_reserved_by(fs, VF1));

	/* not a PF */
	fakesys_add_dev(fs, "0000:00:1f.0", "lpc_ich");
	pf = bdf("0000:00:1f.0");
	assert_int_equal(icemig_vf_destroy(&pf, false, &removed, &err), -EOPNOTSUPP);
}

/* ---- unbind, restore ------------------------------------------------------------ */

static int unbind(const char *const *names, size_t n, bool restore, enum icemig_unbind_status *st,
		  struct icemig_err *err)
{
	struct icemig_bdf b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = bdf(names[i]);
	return icemig_vf_unbind(b, n, restore, NULL, st, NULL, err);
}

/*
 * Issue 11 item 1: a VF that a running domain holds (libvirt's status file,
 * as a <hostdev> or as the actual device of an <interface type='network'>)
 * or that is reserved for a domain is never rebound, unbound, or removed by
 * vf create --force; nothing is written to sysfs.
 */
#define STATUS_HOSTDEV(fn)                                                            \
	"<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'/>"    \
	"<source><address domain='0x0000' bus='0x01' slot='0x10' function='" fn "'/>" \
	"</source></hostdev>"

static void test_in_use_refused(void **state)
{
	static const char *const vf0[] = { VF0 };
	static const char *const vf1[] = { VF1 };
	static const char *const vf01[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf = bdf(PF), *vfs = NULL;
	char path[700];
	size_t nvfs = 0;
	bool changed;

	create(fs, 2);
	/* domain vm-a runs with VF1 on plain vfio-pci; icemig never reserved it */
	fakesys_put_override(fs, VF1, "vfio-pci");
	fakesys_put_driver(fs, VF1, "vfio-pci");
	fakesys_domain_status(fs, "vm-a", STATUS_HOSTDEV("0x1"));
	fakesys_clear_log(fs);
	assert_int_equal(bind(vf01, 2, "ice_vfio_pci", NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "VF " VF1 " is in use by domain 'vm-a'"));
	assert_int_equal(unbind(vf1, 1, false, NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "VF " VF1 " is in use by domain 'vm-a'"));
	assert_int_equal(unbind(vf1, 1, true, NULL, &err), -EBUSY);
	assert_int_equal(
		icemig_vf_create(&pf, 3, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		-EBUSY);
	assert_non_null(strstr(err.msg, "VF " VF1 " is in use by domain 'vm-a'"));
	assert_string_equal(fakesys_log(fs), "");
	assert_int_equal(fakesys_numvfs(fs, PF), 2);
	assert_string_equal(fakesys_driver(fs, VF1), "vfio-pci");
	assert_string_equal(fakesys_override(fs, VF1), "vfio-pci");

	/* VF0: the actual device of a hostdev network interface of vm-b */
	fakesys_domain_status(
		fs, "vm-b",
		"<interface type='network'><source network='pool'/>"
		"<actual type='hostdev' managed='yes'><driver name='vfio'/><source>"
		"<address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/>"
		"</source></actual></interface>");
	assert_int_equal(bind(vf0, 1, "ice_vfio_pci", NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "VF " VF0 " is in use by domain 'vm-b'"));
	assert_string_equal(fakesys_log(fs), "");

	/* both domains gone; VF0 reserved (pending) for a domain migrating in */
	snprintf(path, sizeof(path), "%s/vm-a.xml", fs->statedir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/vm-b.xml", fs->statedir);
	assert_int_equal(unlink(path), 0);
	fakesys_reserve_pending(fs, VF0, "vm-in");
	assert_int_equal(bind(vf0, 1, "ice_vfio_pci", NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "VF " VF0 " is in use by domain 'vm-in'"));
	assert_int_equal(
		icemig_vf_create(&pf, 3, true, ICEMIG_AUTOPROBE_KEEP, &vfs, &nvfs, &changed, &err),
		-EBUSY);
	assert_string_equal(fakesys_log(fs), "");
	/* VF1 is free now */
	assert_int_equal(bind(vf1, 1, "ice_vfio_pci", NULL, &err), 0);
	assert_string_equal(fakesys_driver(fs, VF1), "ice_vfio_pci");
}

/*
 * Issue 11 item 5: bind is crash-safe. A process killed at any step of the
 * bind sequence (before or after each sysfs write) leaves a state that
 * `vf unbind --restore` fully repairs: the VF back on the driver and
 * driver_override it had. The VF starts where libvirt leaves a managed
 * hostdev, on vfio-pci with driver_override vfio-pci, which is not its
 * native driver (iavf), so only a remembered driver can bring it back.
 */
static void test_bind_killed_at_each_step(void **state)
{
	static const char *const vf0[] = { VF0 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	unsigned int step, writes = 0;
	int after, status;
	pid_t pid;

	create(fs, 1);
	fakesys_put_override(fs, VF0, "vfio-pci");
	fakesys_put_driver(fs, VF0, "vfio-pci");
	/* the number of writes of a whole bind, counted on a dry run */
	fakesys_clear_log(fs);
	assert_int_equal(bind(vf0, 1, "ice_vfio_pci", NULL, &err), 0);
	writes = (unsigned int)fs->nlog;
	assert_true(writes >= 3);
	assert_int_equal(unbind(vf0, 1, true, NULL, &err), 0);
	assert_string_equal(fakesys_driver(fs, VF0), "vfio-pci");

	for (step = 0; step < writes; step++) {
		for (after = 0; after < 2; after++) {
			fakesys_clear_log(fs);
			pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				fs->kill_at = (int)step;
				fs->kill_after = after;
				bind(vf0, 1, "ice_vfio_pci", NULL, &err);
				_exit(0); /* not reached: killed */
			}
			assert_int_equal(waitpid(pid, &status, 0), pid);
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 137);
			if (unbind(vf0, 1, true, NULL, &err))
				fail_msg("killed %s write %u: unbind --restore: %s",
					 after ? "after" : "before", step, err.msg);
			if (strcmp(fakesys_driver(fs, VF0), "vfio-pci") ||
			    strcmp(fakesys_override(fs, VF0), "vfio-pci"))
				fail_msg(
					"killed %s write %u: after unbind --restore the VF is on '%s' "
					"with driver_override '%s', expected vfio-pci / vfio-pci",
					after ? "after" : "before", step, fakesys_driver(fs, VF0),
					fakesys_override(fs, VF0));
		}
	}
}

static void test_bind_remembers_previous_driver(void **state)
{
	static const char *const vfs[] = { VF0 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	char drv[ICEMIG_DRIVER_MAX], ovr[ICEMIG_DRIVER_MAX];
	struct icemig_bdf b = bdf(VF0);

	create(fs, 1);
	assert_int_equal(icemig_memo_load(&b, drv, ovr, &err), -ENOENT);
	assert_int_equal(bind(vfs, 1, "ice_vfio_pci", NULL, &err), 0);
	assert_int_equal(icemig_memo_load(&b, drv, ovr, &err), 0);
	assert_string_equal(drv, "iavf");
	assert_string_equal(ovr, "");
	/* a second bind elsewhere keeps the oldest memory */
	fakesys_add_driver(fs, "vfio-pci");
	assert_int_equal(bind(vfs, 1, "vfio-pci", NULL, &err), 0);
	assert_int_equal(icemig_memo_load(&b, drv, ovr, &err), 0);
	assert_string_equal(drv, "iavf");
}

static void test_unbind(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	enum icemig_unbind_status st[2];
	int r;

	create(fs, 2);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), 0);
	fakesys_clear_log(fs);
	r = unbind(vfs, 2, false, st, &err);
	if (r)
		fail_msg("%s", err.msg);
	assert_int_equal(st[0], ICEMIG_UNBIND_DONE);
	assert_string_equal(fakesys_driver(fs, VF0), "");
	assert_string_equal(fakesys_driver(fs, VF1), "");
	assert_string_equal(fakesys_override(fs, VF0), "");
	assert_string_equal(fakesys_log(fs), "bus/pci/devices/" VF0 "/driver_override=\n"
					     "bus/pci/drivers/ice_vfio_pci/unbind=" VF0 "\n"
					     "bus/pci/devices/" VF1 "/driver_override=\n"
					     "bus/pci/drivers/ice_vfio_pci/unbind=" VF1 "\n");
	/* idempotent */
	fakesys_clear_log(fs);
	assert_int_equal(unbind(vfs, 2, false, st, &err), 0);
	assert_int_equal(st[0], ICEMIG_UNBIND_ALREADY);
	assert_int_equal(st[1], ICEMIG_UNBIND_ALREADY);
	assert_string_equal(fakesys_log(fs), "");
}

static void test_unbind_restore(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	enum icemig_unbind_status st[2];
	char now[2][ICEMIG_DRIVER_MAX];
	struct icemig_bdf b[2] = { bdf(VF0), bdf(VF1) };
	char drv[ICEMIG_DRIVER_MAX], ovr[ICEMIG_DRIVER_MAX];
	int r;

	create(fs, 2);
	/* VF1 had no driver before icemig bound it */
	fakesys_put_driver(fs, VF1, NULL);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), 0);
	r = icemig_vf_unbind(b, 2, true, NULL, st, now, &err);
	if (r)
		fail_msg("%s", err.msg);
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
	assert_string_equal(fakesys_override(fs, VF0), "");
	assert_string_equal(now[0], "iavf");
	assert_string_equal(fakesys_driver(fs, VF1), "");
	assert_string_equal(now[1], "");
	assert_int_equal(st[0], ICEMIG_UNBIND_DONE);
	/* the memories are gone once restored */
	assert_int_equal(icemig_memo_load(&b[0], drv, ovr, &err), -ENOENT);
	assert_int_equal(icemig_memo_load(&b[1], drv, ovr, &err), -ENOENT);
	/* again: without a memory, the kernel's choice; VF0 already has it */
	fakesys_clear_log(fs);
	assert_int_equal(icemig_vf_unbind(b, 1, true, NULL, st, now, &err), 0);
	assert_int_equal(st[0], ICEMIG_UNBIND_ALREADY);
	assert_string_equal(fakesys_log(fs), "");
}

static void test_unbind_restore_without_memory(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_bdf b = bdf(VF0);
	char now[1][ICEMIG_DRIVER_MAX];

	create(fs, 1);
	/* bound by something else through driver_override; icemig never saw it */
	fakesys_put_override(fs, VF0, "ice_vfio_pci");
	fakesys_put_driver(fs, VF0, "ice_vfio_pci");
	assert_int_equal(icemig_vf_unbind(&b, 1, true, NULL, NULL, now, &err), 0);
	assert_string_equal(fakesys_override(fs, VF0), "");
	assert_string_equal(fakesys_driver(fs, VF0), "iavf"); /* the native driver */
	assert_string_equal(now[0], "iavf");
}

static void test_unbind_rollback(void **state)
{
	static const char *const vfs[] = { VF0, VF1 };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 2);
	assert_int_equal(bind(vfs, 2, "ice_vfio_pci", NULL, &err), 0);
	fakesys_fail_write(fs, "bus/pci/drivers/ice_vfio_pci/unbind", VF1, EBUSY);
	assert_int_equal(unbind(vfs, 2, true, NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, VF1 ": "));
	assert_non_null(strstr(err.msg, "Device or resource busy"));
	assert_non_null(strstr(err.msg, "restored " VF0 " to ice_vfio_pci"));
	/* both are where they were before the command, memories kept */
	assert_string_equal(fakesys_driver(fs, VF0), "ice_vfio_pci");
	assert_string_equal(fakesys_override(fs, VF0), "ice_vfio_pci");
	assert_string_equal(fakesys_driver(fs, VF1), "ice_vfio_pci");
	assert_string_equal(fakesys_override(fs, VF1), "ice_vfio_pci");
}

static void test_unbind_preflight(void **state)
{
	static const char *const bad[] = { VF0, PF };
	static const char *const missing[] = { "0000:01:1f.7" };
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };

	create(fs, 1);
	fakesys_clear_log(fs);
	assert_int_equal(unbind(bad, 2, false, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, PF ": not a VF"));
	assert_int_equal(unbind(missing, 1, false, NULL, &err), -ENODEV);
	assert_string_equal(fakesys_log(fs), "");
	assert_string_equal(fakesys_driver(fs, VF0), "iavf");
}

/* ---- provision ------------------------------------------------------------------- */

static void test_provision(void **state)
{
	static const char text[] = "[pf eth0]\nvfs = 2\n";
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct json_object *doc = NULL, *pfs, *p, *v;
	struct icemig_conf conf;

	assert_int_equal(icemig_conf_parse(&conf, text, strlen(text), "t.conf", &err), 0);
	if (icemig_provision(&conf, 0, &doc, &err))
		fail_msg("%s", err.msg);
	/* created without autoprobe, then bound straight to ice_vfio_pci: iavf never saw them */
	assert_string_equal(fakesys_log(fs),
			    "bus/pci/devices/" PF "/sriov_drivers_autoprobe=0\n"
			    "bus/pci/devices/" PF "/sriov_numvfs=2\n"
			    "bus/pci/devices/" PF "/sriov_drivers_autoprobe=1\n"
			    "bus/pci/devices/" VF0 "/driver_override=ice_vfio_pci\n"
			    "bus/pci/drivers_probe=" VF0 "\n"
			    "bus/pci/devices/" VF1 "/driver_override=ice_vfio_pci\n"
			    "bus/pci/drivers_probe=" VF1 "\n");
	assert_string_equal(fakesys_driver(fs, VF1), "ice_vfio_pci");
	assert_true(json_object_object_get_ex(doc, "pfs", &pfs));
	p = json_object_array_get_idx(pfs, 0);
	assert_true(json_object_object_get_ex(p, "pf", &v));
	assert_string_equal(json_object_get_string(v), PF);
	assert_true(json_object_object_get_ex(p, "bound", &v));
	assert_int_equal(json_object_get_int(v), 2);
	json_object_put(doc);
	/* idempotent: a second run writes nothing */
	fakesys_clear_log(fs);
	assert_int_equal(icemig_provision(&conf, 0, NULL, &err), 0);
	assert_string_equal(fakesys_log(fs), "");
	icemig_conf_free(&conf);
	/* another count needs force = yes */
	assert_int_equal(icemig_conf_parse(&conf, "[pf eth0]\nvfs = 3\n", 18, "t.conf", &err), 0);
	assert_int_equal(icemig_provision(&conf, 0, NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "t.conf: [pf eth0]: " PF ": already has 2 VFs"));
	assert_non_null(strstr(err.msg, "or force = yes in t.conf"));
	assert_int_equal(fakesys_numvfs(fs, PF), 2);
	icemig_conf_free(&conf);
	/* a PF that is not there */
	assert_int_equal(icemig_conf_parse(&conf, "[pf eth7]\nvfs = 1\n", 18, "t.conf", &err), 0);
	assert_int_equal(icemig_provision(&conf, 0, NULL, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "t.conf: [pf eth7]: eth7: no such network interface"));
	icemig_conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_needs_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_unbound_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_rollback_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_rollback_unbind_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_rollback_restores_override, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bind_rollback_probe_write_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bind_preflight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_no_autoprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_autoprobe_restored_on_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_killed_at_each_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_remembers_previous_driver, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind_restore_without_memory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unbind_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind_preflight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_bad_providers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
