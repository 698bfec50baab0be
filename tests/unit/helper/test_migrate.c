// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: `icemig migrate` (migrate.h) through the real libvirt C API,
 * on libvirt's built-in test driver (test:///<node.xml>, no daemon), with
 * the VFs in the fake sysfs: the preflight and its refusals, the metadata
 * written with virDomainSetMetadata and read back from the domain XML, the
 * failure path (the test driver cannot migrate), progress and summary.
 */
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
#include <libxml/parser.h>

#include "desc.h"
#include "domxml.h"
#include "fakesys.h"
#include "lvapi.h"
#include "migrate.h"
#include "pci.h"

#define PF "0000:01:00.0"

#define HOSTDEV(fn, model)                                                                  \
	"<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'" model "/>" \
	"<source><address domain='0x0000' bus='0x01' slot='0x10' function='" fn "'/>"       \
	"</source></hostdev>"
#define IFACE(fn)                                                                    \
	"<interface type='hostdev' managed='yes'><mac address='52:54:00:ab:cd:ef'/>" \
	"<driver name='vfio' model='ice_vfio_pci'/><source><address type='pci' "     \
	"domain='0x0000' bus='0x01' slot='0x10' function='" fn "'/></source></interface>"
#define DOMAIN(name, uuid, devs)                                                      \
	"<domain type='test'><name>" name "</name><uuid>" uuid "</uuid>"              \
	"<memory>65536</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>" \
	"<devices>" devs "</devices></domain>"

static const char node_xml[] = "<node>" DOMAIN("vm1", "6b1f2c4e-2f55-4a8e-9d1c-3a7d1c2e9f10",
					       HOSTDEV("0x1", " model='ice_vfio_pci'") IFACE("0x2"))
	DOMAIN("vm-nomodel", "6b1f2c4e-2f55-4a8e-9d1c-3a7d1c2e9f11", HOSTDEV("0x0", ""))
		DOMAIN("vm-pf", "6b1f2c4e-2f55-4a8e-9d1c-3a7d1c2e9f12",
		       "<hostdev mode='subsystem' type='pci'><driver name='vfio' "
		       "model='ice_vfio_pci'/><source><address domain='0x0000' "
		       "bus='0x01' slot='0x00' function='0x0'/></source></hostdev>")
			DOMAIN("vm-plain", "6b1f2c4e-2f55-4a8e-9d1c-3a7d1c2e9f13", "") "</node>";

struct ctx {
	struct fakesys fs;
	virConnectPtr conn;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct icemig_err err;
	struct icemig_bdf pf;
	char path[600], uri[700];
	FILE *f;

	if (!c)
		return -1;
	fakesys_setup(&c->fs);
	fakesys_add_pf(&c->fs, PF, 8, "ice", "ice_vfio_pci");
	fakesys_set_providers(&c->fs, PF " ice_mig_sim\n");
	fakesys_set_compat(&c->fs, PF, fakesys_compat_text("ice_mig_sim", 16, 2));
	if (icemig_bdf_parse(PF, &pf) || icemig_pci_set_numvfs(&pf, 3, &err))
		return -1;
	snprintf(path, sizeof(path), "%s/node.xml", c->fs.base);
	f = fopen(path, "w");
	if (!f || fputs(node_xml, f) == EOF || fclose(f))
		return -1;
	if (icemig_libvirt_load(&err))
		return -1;
	icemig_libvirt_quiet();
	snprintf(uri, sizeof(uri), "test://%s", path);
	c->conn = virConnectOpen(uri);
	if (!c->conn) {
		fprintf(stderr, "virConnectOpen(%s): %s\n", uri, icemig_libvirt_error());
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	virConnectClose(c->conn);
	fakesys_teardown(&c->fs);
	free(c);
	return 0;
}

/* The icemig metadata entries of a domain's live XML. */
static size_t metadata_of(virConnectPtr conn, const char *name, struct icemig_meta_vf **meta)
{
	virDomainPtr d = virDomainLookupByName(conn, name);
	struct icemig_err err = { 0 };
	xmlDocPtr doc;
	size_t n = 0;
	char *xml;

	assert_non_null(d);
	xml = virDomainGetXMLDesc(d, 0);
	assert_non_null(xml);
	assert_int_equal(icemig_xml_parse(xml, strlen(xml), "xml", "domain", &doc, &err), 0);
	if (icemig_xml_meta_read(xmlDocGetRootElement(doc), meta, &n, &err))
		fail_msg("%s", err.msg);
	xmlFreeDoc(doc);
	free(xml);
	virDomainFree(d);
	return n;
}

static int run(struct ctx *c, const char *dom, struct icemig_mig_result *res,
	       struct icemig_err *err)
{
	struct icemig_mig_opts o = { .dest_uri = "test:///default" };

	return icemig_migrate_run(c->conn, dom, &o, res, err);
}

static void test_refusals(void **state)
{
	struct ctx *c = *state;
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };
	struct icemig_meta_vf *meta = NULL;

	/* one VF on stock vfio-pci, the other without a provider's descriptor */
	fakesys_put_driver(&c->fs, "0000:01:10.2", "vfio-pci");
	fakesys_set_compat(&c->fs, "0000:01:10.1", NULL);
	fakesys_set_compat(&c->fs, PF, NULL);
	assert_int_equal(run(c, "vm1", &res, &err), -EOPNOTSUPP);
	/* every refused device is named, with its reason (libvirt lists interfaces first) */
	assert_non_null(strstr(
		err.msg,
		"domain 'vm1' cannot migrate: interface with source address 0000:01:10.2: bound to vfio-pci, not ice_vfio_pci"));
	assert_non_null(strstr(
		err.msg,
		"; hostdev with source address 0000:01:10.1: not migration-capable: 0000:01:10.1: no compatibility descriptor: its PF has no migration provider"));
	/* refused before anything changed */
	assert_int_equal(metadata_of(c->conn, "vm1", &meta), 0);
	free(meta);

	assert_int_equal(run(c, "vm-pf", &res, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "0000:01:00.0: not an SR-IOV VF"));
	assert_int_equal(run(c, "no-such-vm", &res, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "domain 'no-such-vm': "));
}

/*
 * Issue 11 item 9: a VF hostdev without model= whose VF is bound to
 * ice_vfio_pci migrates (libvirt >= 10.0 picks the variant driver itself
 * from modules.alias): the preflight passes and its descriptor goes into
 * the metadata; the test driver then refuses the migration itself.
 */
static void test_no_model(void **state)
{
	struct ctx *c = *state;
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };

	assert_int_equal(run(c, "vm-nomodel", &res, &err), -EIO);
	if (!strstr(err.msg, "domain 'vm-nomodel': migration to test:///default failed: "))
		fail_msg("%s", err.msg);
	assert_int_equal(res.nvfs, 1);
	/* on stock vfio-pci it cannot migrate, named */
	fakesys_put_driver(&c->fs, "0000:01:10.0", "vfio-pci");
	assert_int_equal(run(c, "vm-nomodel", &res, &err), -EOPNOTSUPP);
	assert_non_null(strstr(
		err.msg,
		"hostdev with source address 0000:01:10.0: bound to vfio-pci, not ice_vfio_pci"));
}

static void test_not_running(void **state)
{
	struct ctx *c = *state;
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };
	virDomainPtr d = virDomainLookupByName(c->conn, "vm-plain");

	assert_non_null(d);
	assert_int_equal(virDomainDestroy(d), 0);
	virDomainFree(d);
	assert_int_equal(run(c, "vm-plain", &res, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "domain 'vm-plain': not running"));
}

static void test_metadata_then_migration(void **state)
{
	struct ctx *c = *state;
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };
	struct icemig_meta_vf *meta = NULL;
	struct icemig_compat sysfs;
	struct icemig_bdf vf;
	char name[ICEMIG_BDF_LEN];
	size_t n;

	/*
	 * The test driver cannot migrate: the call fails after the metadata was
	 * set, and removes it again (issue 11 item 3): the domain stays here,
	 * and a later plain virsh migrate must not carry a descriptor read now.
	 */
	assert_int_equal(run(c, "vm1", &res, &err), -EIO);
	assert_non_null(strstr(err.msg, "domain 'vm1': migration to test:///default failed: "));
	assert_false(res.ok);
	assert_int_equal(res.nvfs, 2);
	assert_int_equal(metadata_of(c->conn, "vm1", &meta), 0);
	free(meta);
	meta = NULL;

	/* what it sets: the same preflight and metadata, step by step */
	{
		virDomainPtr d = virDomainLookupByName(c->conn, "vm1");
		struct icemig_mig_plan plan;
		char *xml = virDomainGetXMLDesc(d, 0);

		assert_int_equal(icemig_migrate_preflight(xml, strlen(xml), &plan, &err), 0);
		assert_int_equal(icemig_migrate_set_metadata(d, &plan, &err), 0);
		icemig_mig_plan_free(&plan);
		free(xml);
		virDomainFree(d);
	}
	n = metadata_of(c->conn, "vm1", &meta);
	assert_int_equal(n, 2);
	/* libvirt lists interfaces before hostdevs */
	assert_string_equal(icemig_bdf_format(&meta[0].src, name), "0000:01:10.2");
	assert_string_equal(icemig_bdf_format(&meta[1].src, name), "0000:01:10.1");
	assert_int_equal(icemig_bdf_parse("0000:01:10.1", &vf), 0);
	assert_int_equal(icemig_desc_read(&vf, &sysfs, NULL, 0, &err), 0);
	assert_memory_equal(&meta[1].desc, &sysfs, sizeof(sysfs));
	assert_int_equal(meta[1].desc.used_qps, 2);
	free(meta);

	/* a domain without VFs: its icemig metadata (none) stays absent */
	assert_int_equal(run(c, "vm-plain", &res, &err), -EIO);
	assert_int_equal(res.nvfs, 0);
	assert_int_equal(metadata_of(c->conn, "vm-plain", &meta), 0);
	free(meta);
}

static void test_progress_and_summary(void **state)
{
	virTypedParameterPtr params = NULL;
	struct icemig_mig_result res = { 0 };
	struct json_object *doc, *v;
	struct icemig_mig_stats s;
	int n = 0, max = 0;
	char line[256];

	(void)state;
	assert_int_equal(
		virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_TIME_ELAPSED, 1500), 0);
	virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_DATA_TOTAL, 100ULL << 20);
	virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_DATA_REMAINING, 55ULL << 20);
	virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_DATA_PROCESSED, 45ULL << 20);
	virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_MEMORY_BPS, 110ULL << 20);
	virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_VFIO_DATA_TRANSFERRED, 728);
	icemig_mig_stats_from_params(VIR_DOMAIN_JOB_UNBOUNDED, params, n, &s);
	virTypedParamsFree(params, n);
	assert_true(s.has_total && s.has_remaining && s.has_bps && s.has_vfio);
	assert_false(s.has_downtime);
	icemig_progress_line(&s, 20, line, sizeof(line));
	assert_string_equal(
		line,
		"[=========>          ]  45%  remaining 55.0 MiB  rate 110.0 MiB/s  elapsed 1.5 s");
	icemig_progress_line(&s, 0, line, sizeof(line));
	assert_string_equal(line, "  45%  remaining 55.0 MiB  rate 110.0 MiB/s  elapsed 1.5 s");
	memset(&s, 0, sizeof(s));
	icemig_progress_line(&s, 4, line, sizeof(line));
	assert_string_equal(line, "[    ]   ?%  starting  elapsed 0.0 s");

	res.ok = true;
	res.nvfs = 1;
	res.wall_ms = 5100;
	res.stats_from = "destination";
	res.stats.has_elapsed = res.stats.has_downtime = res.stats.has_processed = true;
	res.stats.elapsed_ms = 4321;
	res.stats.downtime_ms = 180;
	res.stats.processed_bytes = 68368384;
	doc = icemig_migrate_json("vm1", "qemu+tcp://h2/system", &res);
	assert_true(json_object_object_get_ex(doc, "downtime_ms", &v));
	assert_int_equal(json_object_get_int(v), 180);
	assert_true(json_object_object_get_ex(doc, "data_bytes", &v));
	assert_int_equal(json_object_get_int64(v), 68368384);
	assert_true(json_object_object_get_ex(doc, "device_state_bytes", &v));
	assert_null(v); /* not reported: null, never a made-up 0 */
	assert_true(json_object_object_get_ex(doc, "migrated", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metadata_then_migration, setup, teardown),
		cmocka_unit_test(test_progress_and_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
