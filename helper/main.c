// SPDX-License-Identifier: GPL-2.0-only
/*
 * icemig: the command layer. Each command is one entry of a table below
 * (cmd.h: its arguments, options, help text) and a handler that calls the
 * library and prints. Every command builds its result as one JSON document
 * (out.h); --json prints it, the text form is rendered from it.
 *
 * Exit status: 0 success, 1 the operation failed (one line on stderr,
 * "icemig: <object>: <cause>"), 2 usage error; `compat check` also 1 for
 * "incompatible", 3 for "could not check" and 4 for "could not write the
 * result". See icemig(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bdf.h"
#include "cmd.h"
#include "conf.h"
#include "desc.h"
#include "hook.h"
#include "hostval.h"
#include "lvapi.h"
#include "migrate.h"
#include "out.h"
#include "pci.h"
#include "provider.h"
#include "provision.h"
#include "statedec.h"
#include "util.h"
#include "vf.h"
#include "vfset.h"

#define EXIT_INCOMPATIBLE 1
#define EXIT_CANNOT_CHECK 3
#define EXIT_NO_OUTPUT 4 /* compat check: the result could not be written */
#define EXIT_DOWNTIME 3 /* migrate: refused, predicted stop-copy over --max-downtime */

#ifndef ICEMIG_VERSION
#define ICEMIG_VERSION "0.2"
#endif

static const char *prog = "icemig";

static int fail(const struct icemig_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg[0] ? err->msg : "failed");
	return ICEMIG_EXIT_FAIL;
}

/* Print @doc (consumed) as --json/--pretty ask, and turn a write failure into exit 1. */
static int emit(const struct icemig_call *c, struct json_object *doc, icemig_text_fn text)
{
	struct icemig_err err = { 0 };
	int r;

	if (!doc) {
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	r = icemig_out_print(doc, c->json, c->pretty, text, stdout);
	json_object_put(doc);
	if (r) {
		icemig_err_set(&err, EIO, "writing the output failed");
		return fail(&err);
	}
	return ICEMIG_EXIT_OK;
}

static const char bdf_syntax[] = "not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)";

/* Parse every positional argument from @first on as a BDF; -1 or an exit status. */
static int parse_bdfs(const struct icemig_call *c, int first, struct icemig_bdf **out, size_t *n)
{
	size_t i, cnt = (size_t)(c->argc - first);
	struct icemig_bdf *v = calloc(cnt ? cnt : 1, sizeof(*v));

	if (!v) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return ICEMIG_EXIT_FAIL;
	}
	for (i = 0; i < cnt; i++) {
		if (icemig_bdf_parse(c->argv[first + (int)i], &v[i])) {
			free(v);
			return icemig_call_usage(c, "'%.64s': %s", c->argv[first + (int)i],
						 bdf_syntax);
		}
	}
	*out = v;
	*n = cnt;
	return -1;
}

static int parse_onoff(const char *s, int *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static struct json_object *bdf_array(const struct icemig_bdf *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	char name[ICEMIG_BDF_LEN];
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(icemig_bdf_format(&v[i], name)));
	return a;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static long long jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return -1;
	return json_object_get_int64(v);
}

/* ---- vf create ------------------------------------------------------------- */

static void text_vf_create(struct json_object *doc, FILE *out)
{
	struct json_object *a;
	size_t i;

	if (json_object_object_get_ex(doc, "vfs", &a))
		for (i = 0; i < json_object_array_length(a); i++)
			fprintf(out, "%s\n",
				json_object_get_string(json_object_array_get_idx(a, i)));
}

static int cmd_vf_create(struct icemig_call *c)
{
	enum icemig_autoprobe ap = ICEMIG_AUTOPROBE_KEEP;
	bool force = icemig_call_flag(c, "force"), changed;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf, *vfs = NULL;
	struct json_object *doc;
	char name[ICEMIG_BDF_LEN];
	unsigned long n;
	size_t nvfs;

	if (icemig_call_flag(c, "no-autoprobe"))
		ap = ICEMIG_AUTOPROBE_OFF;
	else if (icemig_call_flag(c, "autoprobe"))
		ap = ICEMIG_AUTOPROBE_ON;
	if (icemig_parse_ulong(c->argv[1], 10, 65535, &n))
		return icemig_call_usage(c, "N: '%.32s' is not a number of VFs", c->argv[1]);
	if (icemig_pf_resolve(c->argv[0], &pf, &err))
		return fail(&err);
	if (icemig_vf_create(&pf, n, force, ap, &vfs, &nvfs, &changed, &err))
		return fail(&err);
	if (!changed)
		fprintf(stderr, "%s: %s: already has %lu VFs; nothing written\n", prog,
			icemig_bdf_format(&pf, name), n);
	doc = json_object_new_object();
	icemig_json_str(doc, "pf", icemig_bdf_format(&pf, name));
	icemig_json_int(doc, "numvfs", (long long)n);
	icemig_json_bool(doc, "changed", changed);
	icemig_json_str(doc, "autoprobe",
			ap == ICEMIG_AUTOPROBE_KEEP ? "unchanged" :
			ap == ICEMIG_AUTOPROBE_OFF  ? "off" :
						      "on");
	json_object_object_add(doc, "vfs", bdf_array(vfs, nvfs));
	free(vfs);
	return emit(c, doc, text_vf_create);
}

/* ---- vf destroy --------------------------------------------------------------- */

static void text_vf_destroy(struct json_object *doc, FILE *out)
{
	long long n = jint(doc, "removed");

	if (n > 0)
		fprintf(out, "%s: removed %lld VFs\n", jstr(doc, "pf"), n);
	else
		fprintf(out, "%s: has no VFs; nothing written\n", jstr(doc, "pf"));
}

static int cmd_vf_destroy(struct icemig_call *c)
{
	struct icemig_err err = { 0 };
	struct json_object *doc;
	char name[ICEMIG_BDF_LEN];
	unsigned long removed;
	struct icemig_bdf pf;

	if (icemig_pf_resolve(c->argv[0], &pf, &err))
		return fail(&err);
	if (icemig_vf_destroy(&pf, icemig_call_flag(c, "force"), &removed, &err))
		return fail(&err);
	doc = json_object_new_object();
	icemig_json_str(doc, "pf", icemig_bdf_format(&pf, name));
	icemig_json_int(doc, "removed", (long long)removed);
	return emit(c, doc, text_vf_destroy);
}

/* ---- vf bind / unbind --------------------------------------------------------- */

static void text_devices(struct json_object *doc, FILE *out)
{
	struct json_object *a, *e;
	const char *drv = jstr(doc, "driver"), *st, *now;
	bool unbind = jstr(doc, "operation") && !strcmp(jstr(doc, "operation"), "unbind");
	size_t i;

	if (!json_object_object_get_ex(doc, "devices", &a))
		return;
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		st = jstr(e, "status");
		now = jstr(e, "driver");
		if (!unbind)
			fprintf(out, "%s: %s %s\n", jstr(e, "vf"),
				!strcmp(st, "already") ? "already bound to" : "bound to", drv);
		else if (now)
			fprintf(out, "%s: %s %s\n", jstr(e, "vf"),
				!strcmp(st, "already") ? "already on" : "restored to", now);
		else
			fprintf(out, "%s: %s\n", jstr(e, "vf"),
				!strcmp(st, "already") ? "already unbound" : "unbound");
	}
}

static int cmd_vf_bind(struct icemig_call *c)
{
	const char *driver = icemig_call_str(c, "driver");
	struct icemig_err err = { 0 };
	enum icemig_bind_status *st;
	struct json_object *doc, *a, *e;
	struct icemig_bdf *bdfs = NULL;
	char name[ICEMIG_BDF_LEN];
	size_t n, i;
	int r;

	if (!driver)
		driver = ICEMIG_VARIANT_DRIVER;
	if (!icemig_driver_name_valid(driver))
		return icemig_call_usage(c, "--driver: '%.64s' is not a valid driver name", driver);
	r = parse_bdfs(c, 0, &bdfs, &n);
	if (r >= 0)
		return r;
	st = calloc(n, sizeof(*st));
	if (!st) {
		free(bdfs);
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	r = icemig_vf_bind(bdfs, n, driver, NULL, st, &err);
	doc = r ? NULL : json_object_new_object();
	if (doc) {
		icemig_json_str(doc, "operation", "bind");
		icemig_json_str(doc, "driver", driver);
		a = json_object_new_array();
		for (i = 0; i < n; i++) {
			e = json_object_new_object();
			icemig_json_str(e, "vf", icemig_bdf_format(&bdfs[i], name));
			icemig_json_str(e, "status",
					st[i] == ICEMIG_BIND_ALREADY ? "already" : "bound");
			json_object_array_add(a, e);
		}
		json_object_object_add(doc, "devices", a);
	}
	free(bdfs);
	free(st);
	if (r)
		return fail(&err);
	return emit(c, doc, text_devices);
}

static int cmd_vf_unbind(struct icemig_call *c)
{
	bool restore = icemig_call_flag(c, "restore");
	struct icemig_err err = { 0 };
	enum icemig_unbind_status *st;
	char(*now)[ICEMIG_DRIVER_MAX];
	struct json_object *doc, *a, *e;
	struct icemig_bdf *bdfs = NULL;
	char name[ICEMIG_BDF_LEN];
	size_t n, i;
	int r;

	r = parse_bdfs(c, 0, &bdfs, &n);
	if (r >= 0)
		return r;
	st = calloc(n, sizeof(*st));
	now = calloc(n, sizeof(*now));
	if (!st || !now) {
		free(bdfs);
		free(st);
		free(now);
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	r = icemig_vf_unbind(bdfs, n, restore, NULL, st, now, &err);
	doc = r ? NULL : json_object_new_object();
	if (doc) {
		icemig_json_str(doc, "operation", "unbind");
		icemig_json_bool(doc, "restore", restore);
		a = json_object_new_array();
		for (i = 0; i < n; i++) {
			e = json_object_new_object();
			icemig_json_str(e, "vf", icemig_bdf_format(&bdfs[i], name));
			icemig_json_str(e, "status",
					st[i] == ICEMIG_UNBIND_ALREADY ? "already" : "done");
			icemig_json_str(e, "driver", now[i][0] ? now[i] : NULL);
			json_object_array_add(a, e);
		}
		json_object_object_add(doc, "devices", a);
	}
	free(bdfs);
	free(st);
	free(now);
	if (r)
		return fail(&err);
	return emit(c, doc, text_devices);
}

/* ---- vf set ------------------------------------------------------------------ */

static void text_vf_set(struct json_object *doc, FILE *out)
{
	struct json_object *v;

	fprintf(out, "%s: %s vf %lld:", jstr(doc, "vf"), jstr(doc, "ifname"), jint(doc, "index"));
	if (jstr(doc, "mac"))
		fprintf(out, " mac %s", jstr(doc, "mac"));
	if (jint(doc, "vlan") >= 0)
		fprintf(out, " vlan %lld qos %lld", jint(doc, "vlan"), jint(doc, "qos"));
	if (json_object_object_get_ex(doc, "trust", &v) && v)
		fprintf(out, " trust %s", json_object_get_boolean(v) ? "on" : "off");
	if (json_object_object_get_ex(doc, "spoofchk", &v) && v)
		fprintf(out, " spoofchk %s", json_object_get_boolean(v) ? "on" : "off");
	fputc('\n', out);
}

static int cmd_vf_set(struct icemig_call *c)
{
	struct icemig_vf_settings set = { .trust = -1, .spoofchk = -1 };
	const char *mac = icemig_call_str(c, "mac"), *vlan = icemig_call_str(c, "vlan");
	const char *trust = icemig_call_str(c, "trust"), *spoof = icemig_call_str(c, "spoofchk");
	struct icemig_err err = { 0 };
	struct icemig_vf_ref ref;
	struct json_object *doc;
	struct icemig_bdf vf;
	char name[ICEMIG_BDF_LEN], vlanbuf[32], *colon;
	unsigned long v;

	if (mac) {
		if (icemig_parse_mac(mac, set.mac))
			return icemig_call_usage(
				c, "--mac: '%.32s' is not a unicast MAC address xx:xx:xx:xx:xx:xx",
				mac);
		set.has_mac = true;
	}
	if (vlan) {
		icemig_strlcpy(vlanbuf, vlan, sizeof(vlanbuf));
		colon = strchr(vlanbuf, ':');
		if (colon)
			*colon++ = '\0';
		if (icemig_parse_ulong(vlanbuf, 10, 4095, &v))
			return icemig_call_usage(
				c, "--vlan: '%.32s': expected ID[:QOS], ID 0..4095", vlan);
		set.vlan = (unsigned int)v;
		if (colon && icemig_parse_ulong(colon, 10, 7, &v))
			return icemig_call_usage(c, "--vlan: '%.32s': QOS must be 0..7", vlan);
		set.qos = colon ? (unsigned int)v : 0;
		set.has_vlan = true;
	}
	if (trust && parse_onoff(trust, &set.trust))
		return icemig_call_usage(c, "--trust: expected on or off");
	if (spoof && parse_onoff(spoof, &set.spoofchk))
		return icemig_call_usage(c, "--spoofchk: expected on or off");
	if (icemig_bdf_parse(c->argv[0], &vf))
		return icemig_call_usage(c, "'%.64s': %s", c->argv[0], bdf_syntax);
	if (!set.has_mac && !set.has_vlan && set.trust < 0 && set.spoofchk < 0)
		return icemig_call_usage(
			c, "nothing to set: give --mac, --vlan, --trust or --spoofchk");
	if (icemig_vf_ref(&vf, &ref, &err) || icemig_vf_set(&vf, &set, &err))
		return fail(&err);
	doc = json_object_new_object();
	icemig_json_str(doc, "vf", icemig_bdf_format(&vf, name));
	icemig_json_str(doc, "pf", icemig_bdf_format(&ref.pf, name));
	icemig_json_str(doc, "ifname", ref.ifname);
	icemig_json_int(doc, "index", (long long)ref.index);
	icemig_json_str(doc, "mac", set.has_mac ? mac : NULL);
	json_object_object_add(doc, "vlan",
			       set.has_vlan ? json_object_new_int((int)set.vlan) : NULL);
	json_object_object_add(doc, "qos", set.has_vlan ? json_object_new_int((int)set.qos) : NULL);
	json_object_object_add(doc, "trust",
			       set.trust < 0 ? NULL : json_object_new_boolean(set.trust));
	json_object_object_add(doc, "spoofchk",
			       set.spoofchk < 0 ? NULL : json_object_new_boolean(set.spoofchk));
	return emit(c, doc, text_vf_set);
}

/* ---- vf list ------------------------------------------------------------------ */

static int cmd_vf_list(struct icemig_call *c)
{
	struct icemig_err err = { 0 };
	struct icemig_vf_table t;
	int r;

	if (icemig_vf_collect(&t, &err))
		return fail(&err);
	r = icemig_vf_render(&t, c->json, c->pretty, stdout);
	icemig_vf_table_free(&t);
	if (r) {
		icemig_err_set(&err, -r, "writing the list failed");
		return fail(&err);
	}
	return ICEMIG_EXIT_OK;
}

/* ---- compat show / check --------------------------------------------------------- */

static void text_compat_show(struct json_object *doc, FILE *out)
{
	fputs(jstr(doc, "text"), out);
}

static int cmd_compat_show(struct icemig_call *c)
{
	char text[ICEMIG_COMPAT_TEXT_MAX], name[ICEMIG_BDF_LEN];
	struct icemig_err err = { 0 };
	struct icemig_compat desc;
	struct json_object *doc;
	struct icemig_bdf vf;
	size_t l;

	if (icemig_bdf_parse(c->argv[0], &vf))
		return icemig_call_usage(c, "'%.64s': %s", c->argv[0], bdf_syntax);
	if (icemig_desc_read(&vf, &desc, text, sizeof(text) - 1, &err))
		return fail(&err);
	l = strlen(text);
	if (l && text[l - 1] != '\n')
		memcpy(text + l, "\n", 2);
	doc = json_object_new_object();
	icemig_json_str(doc, "vf", icemig_bdf_format(&vf, name));
	json_object_object_add(doc, "descriptor", icemig_desc_json(&desc));
	if (!c->json)
		icemig_json_str(doc, "text", text);
	return emit(c, doc, text_compat_show);
}

/* The source descriptor of compat check: a file, "-" (stdin), or a local VF. */
static int read_source_desc(const char *arg, struct icemig_compat *c, struct icemig_err *err)
{
	struct icemig_bdf b;
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if (!icemig_bdf_parse(arg, &b) && access(arg, F_OK))
		return icemig_desc_read(&b, c, NULL, 0, err);
	fd = strcmp(arg, "-") ? open(arg, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0)
		return icemig_err_set(err, errno, "%s: cannot open: %s", arg, strerror(errno));
	r = icemig_read_fd_capped(fd, 4 * ICEMIG_COMPAT_TEXT_MAX, arg, &text, &len, err);
	if (fd != STDIN_FILENO)
		close(fd);
	if (r)
		return r;
	r = icemig_desc_parse(text, len, strcmp(arg, "-") ? arg : "stdin", c, err);
	free(text);
	return r;
}

static void text_compat_check(struct json_object *doc, FILE *out)
{
	struct json_object *v;

	json_object_object_get_ex(doc, "compatible", &v);
	if (json_object_get_boolean(v))
		fprintf(out, "compatible: %s can take the state described by %s\n", jstr(doc, "vf"),
			jstr(doc, "source"));
	else
		fprintf(out, "incompatible: %s: %s\n", jstr(doc, "vf"), jstr(doc, "reason"));
}

static int cmd_compat_check(struct icemig_call *c)
{
	struct icemig_compat src, dst;
	struct icemig_err err = { 0 };
	struct json_object *doc;
	const char *field = NULL;
	char why[512], name[ICEMIG_BDF_LEN];
	struct icemig_bdf vf;
	bool ok;

	if (icemig_bdf_parse(c->argv[1], &vf))
		return icemig_call_usage(c, "'%.64s': %s", c->argv[1], bdf_syntax);
	if (read_source_desc(c->argv[0], &src, &err) ||
	    icemig_desc_read(&vf, &dst, NULL, 0, &err)) {
		fail(&err);
		return EXIT_CANNOT_CHECK;
	}
	ok = icemig_desc_check(&src, &dst, &field, why, sizeof(why));
	doc = json_object_new_object();
	icemig_json_str(doc, "source", c->argv[0]);
	icemig_json_str(doc, "vf", icemig_bdf_format(&vf, name));
	icemig_json_bool(doc, "compatible", ok);
	icemig_json_str(doc, "field", ok ? NULL : field);
	icemig_json_str(doc, "reason", ok ? NULL : why);
	/* distinct from "incompatible": a caller must not act on a result it never saw */
	if (emit(c, doc, text_compat_check))
		return EXIT_NO_OUTPUT;
	return ok ? ICEMIG_EXIT_OK : EXIT_INCOMPATIBLE;
}

/* ---- migrate ------------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	icemig_migrate_interrupt();
}

static int cmd_migrate(struct icemig_call *c)
{
	const char *timeout = icemig_call_str(c, "timeout");
	const char *downtime = icemig_call_str(c, "max-downtime");
	const char *uri = icemig_call_str(c, "connect");
	const char *bw = icemig_call_str(c, "assume-bandwidth");
	const char *fixed = icemig_call_str(c, "fixed-cost");
	const char *par = icemig_call_str(c, "parallel-connections");
	const char *comp = icemig_call_str(c, "compression");
	const char *cache = icemig_call_str(c, "xbzrle-cache");
	struct icemig_mig_opts mo = { 0 };
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };
	struct sigaction sa;
	virConnectPtr conn;
	unsigned long v;
	int r;

	if (timeout) {
		if (icemig_parse_ulong(timeout, 10, 7UL * 24 * 3600, &v) || !v)
			return icemig_call_usage(
				c, "--timeout: '%.32s' is not a number of seconds (1..604800)",
				timeout);
		mo.timeout_s = v;
	}
	if (downtime) {
		if (icemig_parse_ulong(downtime, 10, 3600UL * 1000, &v) || !v)
			return icemig_call_usage(
				c,
				"--max-downtime: '%.32s' is not a number of milliseconds (1..3600000)",
				downtime);
		mo.has_max_downtime = true;
		mo.max_downtime_ms = v;
	}
	mo.accept_downtime = icemig_call_flag(c, "accept-downtime");
	if (mo.accept_downtime && !downtime)
		return icemig_call_usage(c, "--accept-downtime needs --max-downtime");
	if (bw) {
		if (icemig_parse_ulong(bw, 10, 1024UL * 1024, &v) || !v)
			return icemig_call_usage(
				c,
				"--assume-bandwidth: '%.32s' is not a number of MiB/s (1..1048576)",
				bw);
		mo.assume_bps = (uint64_t)v << 20;
	}
	if (fixed) {
		if (icemig_parse_ulong(fixed, 10, 3600UL * 1000, &v))
			return icemig_call_usage(
				c,
				"--fixed-cost: '%.32s' is not a number of milliseconds (0..3600000)",
				fixed);
		mo.has_fixed_ms = true;
		mo.fixed_ms = v;
	}
	if (par) {
		/* QEMU's multifd-channels: 1..255 */
		if (icemig_parse_ulong(par, 10, 255, &v) || !v)
			return icemig_call_usage(
				c, "--parallel-connections: '%.32s' is not a number (1..255)", par);
		mo.parallel_connections = (unsigned int)v;
	}
	if (comp) {
		if (strcmp(comp, "xbzrle") && strcmp(comp, "zlib") && strcmp(comp, "zstd"))
			return icemig_call_usage(
				c, "--compression: '%.32s' is not one of xbzrle, zlib, zstd", comp);
		/* libvirt: parallel migration takes zlib or zstd only, and they need it */
		if (strcmp(comp, "xbzrle") ? !par : !!par)
			return icemig_call_usage(
				c, "--compression %s %s --parallel-connections", comp,
				strcmp(comp, "xbzrle") ? "needs" : "does not go with");
		mo.compression = comp;
	}
	if (cache) {
		if (!comp || strcmp(comp, "xbzrle"))
			return icemig_call_usage(c, "--xbzrle-cache needs --compression xbzrle");
		if (icemig_parse_ulong(cache, 10, 1024UL * 1024, &v) || !v)
			return icemig_call_usage(
				c, "--xbzrle-cache: '%.32s' is not a number of MiB (1..1048576)",
				cache);
		mo.xbzrle_cache_bytes = (uint64_t)v << 20;
	}
	mo.dest_uri = c->argv[1];
	mo.notes = c->json ? NULL : stdout;
	mo.warnings = stderr;
	mo.progress = (!icemig_call_flag(c, "no-progress") && !c->json && isatty(STDERR_FILENO)) ?
			      stderr :
			      NULL;
	if (icemig_libvirt_load(&err))
		return fail(&err);
	icemig_libvirt_quiet();
	/* before the connection opens, so that it delivers the job-completed event */
	if (icemig_libvirt_events_init(&err))
		return fail(&err);
	conn = icemig_lv.virConnectOpen(uri);
	if (!conn) {
		icemig_err_set(&err, EIO, "cannot connect to libvirt%s%s: %s", uri ? " at " : "",
			       uri ? uri : "", icemig_libvirt_error());
		return fail(&err);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = icemig_migrate_run(conn, c->argv[0], &mo, &res, &err);
	icemig_lv.virConnectClose(conn);
	if (r == -ERANGE) {
		fail(&err);
		return EXIT_DOWNTIME;
	}
	if (r)
		return fail(&err);
	return emit(c, icemig_migrate_json(c->argv[0], mo.dest_uri, &res), icemig_migrate_text);
}

/* ---- state decode --------------------------------------------------------------- */

static void text_state(struct json_object *doc, FILE *out)
{
	struct json_object *streams, *s, *recs, *r, *fl, *v;
	size_t i, j;

	json_object_object_get_ex(doc, "streams", &streams);
	for (i = 0; i < json_object_array_length(streams); i++) {
		s = json_object_array_get_idx(streams, i);
		json_object_object_get_ex(s, "flags", &fl);
		fprintf(out,
			"stream #%zu at byte %lld: version %s, flags %s, %lld bytes, checksum %s (ok)\n",
			i + 1, jint(s, "offset"), jstr(s, "version"),
			json_object_array_length(fl) ? "precopy" : "none", jint(s, "total_len"),
			jstr(s, "checksum"));
		json_object_object_get_ex(s, "records", &recs);
		for (j = 0; j < json_object_array_length(recs); j++) {
			bool mandatory, skipped;

			r = json_object_array_get_idx(recs, j);
			json_object_object_get_ex(r, "mandatory", &v);
			mandatory = json_object_get_boolean(v);
			skipped = json_object_object_get_ex(r, "skipped", &v);
			fprintf(out, "  record %s (type %lld, %s) at byte %lld, %lld bytes%s\n",
				jstr(r, "type"), jint(r, "type_id"),
				mandatory ? "mandatory" : "optional", jint(r, "offset"),
				jint(r, "len"),
				skipped ? ": unknown optional record, skipped" : "");
			if (json_object_object_get_ex(r, "value", &v) && v)
				icemig_text_render(v, out, 4);
		}
	}
}

static int cmd_state_decode(struct icemig_call *c)
{
	const char *file = c->argv[0];
	struct icemig_err err = { 0 };
	struct json_object *doc;
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		icemig_err_set(&err, errno, "%s: cannot open: %s", file, strerror(errno));
		return fail(&err);
	}
	r = icemig_read_fd_capped(fd, ICEMIG_STATE_FILE_MAX, file, &buf, &len, &err);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!r)
		r = icemig_state_decode(buf, len, file, &doc, &err);
	free(buf);
	if (r)
		return fail(&err);
	return emit(c, doc, text_state);
}

/* ---- provision / config ---------------------------------------------------------- */

static void text_provision(struct json_object *doc, FILE *out)
{
	struct json_object *pfs, *p, *a;
	size_t i;

	json_object_object_get_ex(doc, "pfs", &pfs);
	if (!json_object_array_length(pfs))
		fprintf(out, "%s: no [pf NAME] section: nothing to provision\n",
			jstr(doc, "config"));
	for (i = 0; i < json_object_array_length(pfs); i++) {
		p = json_object_array_get_idx(pfs, i);
		json_object_object_get_ex(p, "vfs", &a);
		fprintf(out, "%s (%s): %zu VFs%s, %lld bound to %s, %lld already\n",
			jstr(p, "name"), jstr(p, "pf"), a ? json_object_array_length(a) : 0,
			jint(p, "created") == 1 ? " created" : "", jint(p, "bound"),
			jstr(p, "driver"), jint(p, "already_bound"));
	}
}

static int cmd_provision(struct icemig_call *c)
{
	const char *wait = icemig_call_str(c, "wait");
	struct icemig_err err = { 0 };
	struct json_object *doc = NULL;
	struct icemig_conf conf;
	unsigned long wait_s = 0;
	int r;

	if (wait && icemig_parse_ulong(wait, 10, 3600, &wait_s))
		return icemig_call_usage(c, "--wait: '%.32s' is not a number of seconds (0..3600)",
					 wait);

	if (icemig_conf_load(&conf, &err)) {
		icemig_conf_free(&conf);
		return fail(&err);
	}
	r = icemig_provision(&conf, wait_s, &doc, &err);
	icemig_conf_free(&conf);
	if (r) {
		json_object_put(doc);
		return fail(&err);
	}
	return emit(c, doc, text_provision);
}

static void tri(struct json_object *o, const char *k, enum icemig_tristate t)
{
	json_object_object_add(o, k, t == ICEMIG_UNSET ? NULL : json_object_new_boolean(t));
}

static int cmd_config_show(struct icemig_call *c)
{
	struct icemig_err err = { 0 };
	struct json_object *doc, *pfs, *p;
	struct icemig_conf conf;
	size_t i;

	if (icemig_conf_load(&conf, &err)) {
		icemig_conf_free(&conf);
		return fail(&err);
	}
	doc = json_object_new_object();
	icemig_json_str(doc, "path", conf.path);
	icemig_json_bool(doc, "present", conf.present);
	icemig_json_str(doc, "driver", conf.driver);
	icemig_json_bool(doc, "autoprobe", conf.autoprobe);
	icemig_json_bool(doc, "force", conf.force);
	icemig_json_str(doc, "on_release", icemig_on_release_name(conf.on_release));
	icemig_json_int(doc, "pending_seconds", (long long)conf.pending_seconds);
	icemig_json_int(doc, "stale_seconds", (long long)conf.stale_seconds);
	pfs = json_object_new_array();
	for (i = 0; i < conf.npfs; i++) {
		p = json_object_new_object();
		icemig_json_str(p, "name", conf.pfs[i].name);
		icemig_json_int(p, "vfs", (long long)conf.pfs[i].vfs);
		icemig_json_str(p, "driver", icemig_conf_pf_driver(&conf, &conf.pfs[i]));
		icemig_json_bool(p, "autoprobe", icemig_conf_pf_autoprobe(&conf, &conf.pfs[i]));
		tri(p, "trust", conf.pfs[i].trust);
		tri(p, "spoofchk", conf.pfs[i].spoofchk);
		json_object_array_add(pfs, p);
	}
	json_object_object_add(doc, "pfs", pfs);
	icemig_conf_free(&conf);
	return emit(c, doc, NULL);
}

/* ---- hook ----------------------------------------------------------------------- */

static int cmd_hook(struct icemig_call *c)
{
	struct icemig_err err = { 0 };

	prog = "icemig hook";
	if (icemig_hook_run(c->argv[0], c->argv[1], c->argv[2], c->argv[3], STDIN_FILENO, stdout,
			    &err))
		return fail(&err);
	return ICEMIG_EXIT_OK;
}

/* ---- host-validate ------------------------------------------------------------------ */

static void text_host_validate(struct json_object *doc, FILE *out)
{
	struct json_object *a, *e;
	size_t i;

	if (!json_object_object_get_ex(doc, "checks", &a))
		return;
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		fprintf(out, "icemig: %-30s : %s (%s)\n", jstr(e, "check"), jstr(e, "result"),
			jstr(e, "detail"));
	}
}

static int cmd_host_validate(struct icemig_call *c)
{
	struct icemig_hostval_opts opts = { .uri = icemig_call_str(c, "connect") };
	struct json_object *doc = icemig_hostval(&opts);
	long long nfail = doc ? jint(doc, "fail") : 0;
	int r;

	r = emit(c, doc, text_host_validate);
	if (r == ICEMIG_EXIT_OK && nfail > 0)
		return ICEMIG_EXIT_FAIL;
	return r;
}

/* ---- help --------------------------------------------------------------------------- */

static int cmd_help(struct icemig_call *c)
{
	const struct icemig_cmd *t = icemig_cmd_find(c->root, c->argv, c->argc);
	char path[128] = "icemig";
	size_t used = strlen(path);
	int i;

	if (c->json)
		return emit(c, icemig_cmd_json(c->root), NULL);
	if (!t)
		return icemig_call_usage(c, "no command '%.64s'", c->argv[c->argc - 1]);
	for (i = 0; i < c->argc && used + strlen(c->argv[i]) + 2 < sizeof(path); i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used, " %s", c->argv[i]);
	icemig_cmd_help(stdout, path, t);
	return ICEMIG_EXIT_OK;
}

/* ---- the tables ------------------------------------------------------------------ */

/*
 * One entry per command (cmd.h). A new command: its arguments and options
 * below, one entry in the table of its group (or in top_commands), and its
 * handler above; help texts, the usage checks and `icemig help --json`
 * follow from the entry, and test_docs.sh then asks for its lines in
 * icemig.8 and helper/README.md.
 */

static const struct icemig_arg arg_pf[] = {
	{ "PF", "the PF: a PCI address DDDD:BB:DD.F, or a network interface name", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_arg arg_vfs[] = {
	{ "BDF", "VF address DDDD:BB:DD.F (checked before any sysfs access)", ICEMIG_ARG_MULTI },
	{ NULL, NULL, 0 },
};

static const struct icemig_arg arg_vf[] = {
	{ "BDF", "VF address DDDD:BB:DD.F", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_arg args_vf_create[] = {
	{ "PF", "the PF: a PCI address DDDD:BB:DD.F, or a network interface name", 0 },
	{ "N", "number of VFs, 1..sriov_totalvfs", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_opt opts_vf_create[] = {
	{ "force", NULL,
	  "if the PF already has a different nonzero number of VFs, write 0\n"
	  "first (removes the existing VFs); without it that case fails",
	  0 },
	{ "no-autoprobe", NULL,
	  "write 0 to the PF's sriov_drivers_autoprobe while creating, so no\n"
	  "driver (iavf) binds the new VFs; the old value is put back",
	  1 },
	{ "autoprobe", NULL, "the same with 1", 1 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_opt opts_vf_destroy[] = {
	{ "force", NULL,
	  "also when a VF is reserved for a domain (in use, or being migrated\n"
	  "in); those reservations are removed",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_opt opts_vf_bind[] = {
	{ "driver", "NAME", "target driver (default " ICEMIG_VARIANT_DRIVER "); must be loaded",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_opt opts_vf_unbind[] = {
	{ "restore", NULL, "back to the previous driver instead of unbound", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_opt opts_vf_set[] = {
	{ "mac", "MAC", "the VF's MAC address, unicast xx:xx:xx:xx:xx:xx", 0 },
	{ "vlan", "ID[:QOS]", "port VLAN 0..4095 (0 removes it), priority 0..7", 0 },
	{ "trust", "on|off", "trusted VF (may change its MAC, promiscuous mode)", 0 },
	{ "spoofchk", "on|off", "source MAC/VLAN anti-spoofing", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_cmd vf_commands[] = {
	{
		.name = "create",
		.summary = "set the number of VFs of a PF and print their addresses",
		.description =
			"Make the SR-IOV PF have N VFs by writing N to its sriov_numvfs, and print\n"
			"the VF addresses (from the PF's virtfn0..virtfnN-1 links), one per line.\n"
			"If the PF already has N VFs nothing is written.\n",
		.args = args_vf_create,
		.opts = opts_vf_create,
		.json = "{\"pf\", \"numvfs\", \"changed\", \"autoprobe\", \"vfs\": [...]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_create,
	},
	{
		.name = "destroy",
		.summary = "remove the VFs of a PF",
		.description = "Remove every VF of the PF (write 0 to sriov_numvfs).\n",
		.args = arg_pf,
		.opts = opts_vf_destroy,
		.json = "{\"pf\", \"removed\"}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_destroy,
	},
	{
		.name = "bind",
		.summary = "bind VFs to a driver (default " ICEMIG_VARIANT_DRIVER
			   "), rolling back on failure",
		.description =
			"Bind each VF to driver NAME with libvirt's sequence: write NAME to\n"
			"driver_override, unbind from the current driver, write the BDF to\n"
			"/sys/bus/pci/drivers_probe, check the driver link names NAME. A device\n"
			"that is not a VF is refused. A VF already bound to NAME is left alone\n"
			"(idempotent). The driver each VF had is remembered under the run directory\n"
			"for 'vf unbind --restore'. If any step fails, every device touched is put\n"
			"back on its previous driver and the command exits 1 naming the device and\n"
			"the cause.\n",
		.args = arg_vfs,
		.opts = opts_vf_bind,
		.json = "{\"operation\", \"driver\", \"devices\": [{\"vf\", \"status\"}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_bind,
	},
	{
		.name = "unbind",
		.summary = "unbind VFs, or put them back on their previous driver",
		.description =
			"Take each VF off its driver and clear its driver_override, leaving it\n"
			"unbound; with --restore, put it back on the driver (and driver_override)\n"
			"it had before icemig bound it (remembered under the run directory; without\n"
			"a memory, the kernel probes its native driver). Idempotent; on failure\n"
			"every device touched is returned to where it was.\n",
		.args = arg_vfs,
		.opts = opts_vf_unbind,
		.json = "{\"operation\", \"restore\", \"devices\": [{\"vf\", \"status\", \"driver\"}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_unbind,
	},
	{
		.name = "set",
		.summary = "set a VF's MAC, port VLAN, trust and spoof check through its PF",
		.description =
			"Set a VF's administrative settings through its PF's rtnetlink interface\n"
			"(as 'ip link set PF vf N ...' does; IFLA_VFINFO_LIST in one RTM_NEWLINK).\n",
		.args = arg_vf,
		.opts = opts_vf_set,
		.json = "{\"vf\", \"pf\", \"ifname\", \"index\", \"mac\", \"vlan\", \"qos\", \"trust\",\n"
			"\"spoofchk\"} (null: not changed)",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_set,
	},
	{
		.name = "list",
		.summary = "list SR-IOV PFs and VFs: drivers, users, migration support",
		.description =
			"List every SR-IOV PF (sriov_totalvfs > 0) and its VFs: PF address, the\n"
			"PF's migration provider, VF index and address, bound driver, IOMMU group,\n"
			"the domain using the VF (its reservation, else a running libvirt domain\n"
			"that has it as a host device), whether it can migrate (yes; needs-bind:\n"
			"its PF has a provider but it is not on " ICEMIG_VARIANT_DRIVER
			"; no) and the\n"
			"device-state stream version of its descriptor. Absent values are '-' in\n"
			"text and null in JSON.\n",
		.json = "{\"ice_vfio_pci_loaded\": bool, \"vfs\": [{\"pf\", \"provider\", \"index\",\n"
			"\"vf\", \"driver\", \"iommu_group\", \"domain\", \"migration\", \"stream\"}, ...]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_vf_list,
	},
	{ .name = NULL },
};

static const struct icemig_arg args_compat_check[] = {
	{ "DESCRIPTOR",
	  "a file with descriptor text ('icemig compat show' output), '-'\n"
	  "for stdin, or the BDF of a local VF",
	  0 },
	{ "BDF", "the VF that would take the state", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_cmd compat_commands[] = {
	{
		.name = "show",
		.summary = "print a VF's compatibility descriptor",
		.description =
			"Print the compatibility descriptor of a VF bound to " ICEMIG_VARIANT_DRIVER
			"\n"
			"(/sys/bus/pci/devices/BDF/icemig_compat): stream format and versions,\n"
			"record types, device, provider, capacity limits and what the VF uses now.\n"
			"The text form is the attribute itself and can be given to 'compat check'\n"
			"on another host.\n",
		.args = arg_vf,
		.json = "{\"vf\", \"descriptor\": {key: value, ...}}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_compat_show,
	},
	{
		.name = "check",
		.summary = "can the VF at BDF take the state DESCRIPTOR describes? (exit 0/1)",
		.description =
			"Decide whether the VF at BDF can take the state of the VF that DESCRIPTOR\n"
			"describes, with the same compare function the destination hook and the\n"
			"kernel use.\n",
		.args = args_compat_check,
		.json = "{\"source\", \"vf\", \"compatible\", \"field\", \"reason\"}",
		.notes = "Exit status: 0 compatible, 1 incompatible (the output names the field\n"
			 "that differs and both values), 2 usage error, 3 a descriptor could not\n"
			 "be read, 4 the result could not be written.\n",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_compat_check,
	},
	{ .name = NULL },
};

static const struct icemig_arg args_migrate[] = {
	{ "DOMAIN", "name or UUID of the running domain", 0 },
	{ "DEST-URI", "the destination libvirtd, e.g. qemu+tcp://host/system", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_opt opts_migrate[] = {
	{ "timeout", "S",
	  "abort the migration after S seconds (the domain keeps running\n"
	  "here), exit 1",
	  0 },
	{ "max-downtime", "MS",
	  "maximum tolerable downtime (virDomainMigrateSetMaxDowntime; set back\n"
	  "if the migration fails); refuse (exit 3, nothing changed) when the\n"
	  "predicted stop-copy exceeds it",
	  0 },
	{ "accept-downtime", NULL,
	  "migrate even when the predicted stop-copy exceeds --max-downtime\n"
	  "(a warning instead of the refusal)",
	  0 },
	{ "assume-bandwidth", "MIBPS",
	  "bandwidth in MiB/s the prediction assumes (default: the previous\n"
	  "migration's measured rate, else 512)",
	  0 },
	{ "fixed-cost", "MS",
	  "fixed part of the stop-copy in the prediction: device state and\n"
	  "switch-over (default 135)",
	  0 },
	{ "parallel-connections", "N",
	  "multifd: VIR_MIGRATE_PARALLEL with N connections (1..255; default:\n"
	  "one connection)",
	  0 },
	{ "compression", "METHOD",
	  "VIR_MIGRATE_COMPRESSED with METHOD: xbzrle, or zlib or zstd with\n"
	  "--parallel-connections (default: none)",
	  0 },
	{ "xbzrle-cache", "MIB", "xbzrle page cache size in MiB (default: QEMU's)", 0 },
	{ "connect", "URI", "the source libvirt (default: libvirt's default URI)", 0 },
	{ "no-progress", NULL, "no progress bar", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_arg arg_file[] = {
	{ "FILE", "the saved data of one VF; '-' reads stdin", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_cmd state_commands[] = {
	{
		.name = "decode",
		.summary = "validate and pretty-print a saved device-state stream",
		.description =
			"Validate and print a saved device-state stream file (the VFIO migration\n"
			"data of one VF: an optional PRE_COPY preview, then the final stream).\n"
			"Every stream is checked whole by the kernel's decoder first; then its\n"
			"header and every record are printed in stream order with their values.\n",
		.args = arg_file,
		.json = "{\"file\", \"bytes\", \"streams\": [{\"offset\", \"version\", \"flags\",\n"
			"\"total_len\", \"checksum\", \"records\": [{\"offset\", \"type\", \"type_id\",\n"
			"\"mandatory\", \"len\", \"value\"}]}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_state_decode,
	},
	{ .name = NULL },
};

static const struct icemig_cmd config_commands[] = {
	{
		.name = "show",
		.summary = "print the configuration in force",
		.description =
			"Parse the configuration file ($ICEMIG_CONF, default " ICEMIG_CONF_DEFAULT
			")\n"
			"and print the settings in force, defaults included. Exit 1 naming the\n"
			"line of the first error.\n",
		.json = "{\"path\", \"present\", \"driver\", \"autoprobe\", \"force\", \"on_release\",\n"
			"\"pending_seconds\", \"stale_seconds\", \"pfs\": [{\"name\", \"vfs\", \"driver\",\n"
			"\"autoprobe\", \"trust\", \"spoofchk\"}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_config_show,
	},
	{ .name = NULL },
};

static const struct icemig_opt opts_provision[] = {
	{ "wait", "S",
	  "wait up to S seconds for each configured PF to appear (its driver\n"
	  "probes it, its interface gets its name); at boot",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_opt opts_host_validate[] = {
	{ "connect", "URI",
	  "the libvirt daemon to ask for its versions (read-only, 5 s at\n"
	  "most; default qemu:///system)",
	  0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_arg args_hook[] = {
	{ "DOMAIN", "the domain's name", 0 },
	{ "OP", "libvirt's operation: prepare, migrate, release, ...", 0 },
	{ "SUBOP", "begin or end", 0 },
	{ "EXTRA", "libvirt's extra argument ('-')", 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_arg args_help[] = {
	{ "COMMAND", "a command, e.g. 'vf create'", ICEMIG_ARG_OPTIONAL | ICEMIG_ARG_MULTI },
	{ NULL, NULL, 0 },
};

static const struct icemig_cmd top_commands[] = {
	{
		.name = "vf",
		.summary = "VF provisioning",
		.description = "VF provisioning commands.\n",
		.sub = vf_commands,
	},
	{
		.name = "compat",
		.summary = "compatibility descriptors",
		.description = "Compatibility descriptors.\n",
		.sub = compat_commands,
	},
	{
		.name = "migrate",
		.summary = "managed live migration through libvirt",
		.description =
			"Live-migrate a running domain holding " ICEMIG_VARIANT_DRIVER
			" VFs to DEST-URI,\n"
			"through the libvirt API:\n"
			"\n"
			"  1. preflight: every PCI host device must be a VF bound to\n"
			"     " ICEMIG_VARIANT_DRIVER " with a readable descriptor, declared with\n"
			"     model='" ICEMIG_VARIANT_DRIVER "' or without model=; otherwise the\n"
			"     command refuses, naming each device and why, and changes nothing;\n"
			"  2. the stop-copy prediction, printed before the start: without dirty\n"
			"     tracking (a VF on a type1 IOMMU host) QEMU sends all guest RAM that\n"
			"     is not zero pages while the VM is stopped, so\n"
			"       stop-copy ms = fixed cost + RAM bytes x (1 - zero share) / bandwidth\n"
			"     (zero share and bandwidth from the previous migration's statistics,\n"
			"     else 0 and --assume-bandwidth or 512 MiB/s); over --max-downtime the\n"
			"     command refuses (exit 3) unless --accept-downtime;\n"
			"  3. the VFs' descriptors go into the live XML's <metadata> (icemig\n"
			"     namespace https://icemig.invalid/xmlns/1), for the destination's\n"
			"     hook to check;\n"
			"  4. virDomainMigrateToURI3 with VIR_MIGRATE_LIVE|VIR_MIGRATE_PEER2PEER,\n"
			"     with a progress bar on a terminal (percent, remaining, rate);\n"
			"  5. a summary: total time, downtime, predicted vs actual downtime and\n"
			"     the error in %, bytes, device-state bytes.\n"
			"\n"
			"SIGINT or SIGTERM abort the migration job.\n",
		.args = args_migrate,
		.opts = opts_migrate,
		.json = "{\"domain\", \"destination\", \"migrated\", \"vfs\", \"wall_time_ms\",\n"
			"\"stats_from\", \"total_time_ms\", \"downtime_ms\", \"data_bytes\",\n"
			"\"device_state_bytes\", \"memory_rate_bytes_per_s\", \"prediction\": {\"text\",\n"
			"\"tracked\", \"stop_copy_ms\", \"ram_bytes\", \"zero_pages_percent\",\n"
			"\"zero_source\", \"bandwidth_bytes_per_s\", \"bandwidth_source\", \"fixed_ms\",\n"
			"\"fixed_source\", \"max_downtime_ms\", \"over_limit\", \"accepted\"},\n"
			"\"prediction_error_percent\", \"precopy_prediction\": {...},\n"
			"\"precopy_prediction_error_percent\"}",
		.notes =
			"Exit status: 0 migrated, 1 failed (the domain keeps running here), 2 usage\n"
			"error, 3 refused: the predicted stop-copy exceeds --max-downtime (nothing\n"
			"changed).\n",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_migrate,
	},
	{
		.name = "state",
		.summary = "device-state streams",
		.description = "Device-state streams.\n",
		.sub = state_commands,
	},
	{
		.name = "provision",
		.summary = "create and bind the configured VFs (at boot)",
		.description =
			"Create and bind the VFs of every [pf NAME] section of the configuration\n"
			"file ($ICEMIG_CONF, default " ICEMIG_CONF_DEFAULT "): 'vfs' VFs (without\n"
			"autoprobe unless autoprobe = yes), all bound to 'driver' (default\n" ICEMIG_VARIANT_DRIVER
			"), then trust/spoofchk when set. Idempotent. Run at boot by\n"
			"icemig-provision.service.\n",
		.opts = opts_provision,
		.json = "{\"config\", \"pfs\": [{\"name\", \"pf\", \"vfs\", \"created\", \"driver\",\n"
			"\"bound\", \"already_bound\", \"trust\", \"spoofchk\"}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_provision,
	},
	{
		.name = "config",
		.summary = "the configuration file",
		.description = "Configuration file.\n",
		.sub = config_commands,
	},
	{
		.name = "host-validate",
		.summary = "check that this host can migrate VMs holding VFs, and how fast",
		.description =
			"Check this host, one line per check, in the manner of virt-host-validate:\n"
			"'icemig: <check> : PASS|WARN|FAIL (<detail>)'. The checks: " ICEMIG_VARIANT_DRIVER
			" and a\n"
			"provider module loaded (ice_mig_sim is a test device), a provider registered\n"
			"for each SR-IOV PF, the IOMMU and its mode (units, default domain type,\n"
			"kernel command line), iommufd (/dev/iommu, the vfio device cdev), IOMMU\n"
			"dirty tracking (VT-d ECAP SSADS, AMD EFR HDSup, on every unit), the libvirt\n"
			"and QEMU versions, the libvirt hook, the DKMS state, and the downtime class:\n"
			"'tracked' when iommufd, IOMMU dirty tracking, QEMU >= 9.1 and libvirt >= 12.1\n"
			"are all there, else 'RAM-proportional' (the stop-copy phase sends all\n"
			"DMA-mapped guest RAM) with the reasons. Nothing is changed.\n",
		.opts = opts_host_validate,
		.json = "{\"checks\": [{\"check\", \"result\", \"detail\"}], \"downtime_class\",\n"
			"\"downtime_reason\", \"iommu\": {\"vendor\", \"units\", \"groups\",\n"
			"\"default_domain\", \"cmdline\", \"iommufd\", \"vfio_cdev\", \"dirty_tracking\"},\n"
			"\"libvirt\": {\"library\", \"daemon\", \"hypervisor\"}, \"qemu\", \"kernel\",\n"
			"\"pass\", \"warn\", \"fail\"}",
		.notes =
			"Exit status: 0 every check PASS or WARN, 1 any FAIL (also when the output\n"
			"could not be written), 2 usage error.\n",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_host_validate,
	},
	{
		.name = "hook",
		.summary = "libvirt qemu hook entry point",
		.description =
			"libvirt qemu hook entry point (https://libvirt.org/hooks.html); the domain\n"
			"XML is on stdin. Installed as /etc/libvirt/hooks/qemu.d/icemig\n"
			"(libvirt-hooks/icemig).\n"
			"\n"
			"  Host devices: those with model='" ICEMIG_VARIANT_DRIVER
			"', and those without\n"
			"  model= that are icemig's (described by the icemig metadata, reserved for\n"
			"  the domain, or their VF is or will be on " ICEMIG_VARIANT_DRIVER ").\n"
			"\n"
			"  prepare begin  the VFs the domain names exist\n"
			"                 (created from the configuration on demand), are reserved\n"
			"                 for it and bound to " ICEMIG_VARIANT_DRIVER
			". Failure: exit 1,\n"
			"                 libvirt does not start it.\n"
			"  migrate begin  (destination) for each such <hostdev type='pci'> or\n"
			"                 <interface type='hostdev'>:\n"
			"                 pick a free local VF that can take the source VF's state\n"
			"                 (descriptor from the icemig metadata), reserve it, rewrite\n"
			"                 <source><address>, print the whole XML. No such device:\n"
			"                 print nothing. No suitable or compatible VF: exit 1, the\n"
			"                 message names the device and the descriptor field; nothing\n"
			"                 printed, nothing reserved, so libvirt aborts before any\n"
			"                 memory moves. Input capped at 4 MiB.\n"
			"  release end    remove the domain's reservations, then apply on_release\n"
			"                 (keep, restore, rebind) from the configuration.\n"
			"  anything else  exit 0 at once; stdin is not read.\n"
			"\n"
			"The arguments are taken as they are (a domain name may start with '-').\n",
		.args = args_hook,
		.flags = ICEMIG_CMD_RAW,
		.run = cmd_hook,
	},
	{
		.name = "help",
		.summary = "describe a command, or every command as JSON",
		.description =
			"Print the help of COMMAND (as 'icemig COMMAND --help' does), or of icemig.\n"
			"With --json, every command, its arguments and options as one document (the\n"
			"tables this program parses its command line with).\n",
		.args = args_help,
		.json = "{\"program\", \"commands\": [{\"path\", \"summary\", \"usage\", \"arguments\":\n"
			"[{\"name\", \"optional\", \"multiple\", \"help\"}], \"options\": [{\"name\",\n"
			"\"short\", \"argument\", \"help\", \"excludes\"}], \"json\"}]}",
		.flags = ICEMIG_CMD_JSON,
		.run = cmd_help,
	},
	{ .name = NULL },
};

static const struct icemig_cmd root_command = {
	.name = "icemig",
	.description =
		"Live migration of VMs with Intel E810 SR-IOV VFs: provisioning, compatibility,\n"
		"managed migration and the libvirt hook. 'icemig COMMAND --help' describes a\n"
		"command; most take --json. See icemig(8).\n",
	.notes = "Environment:\n"
		 "  ICEMIG_CONF        configuration file (default " ICEMIG_CONF_DEFAULT ")\n"
		 "  ICEMIG_SYSFS_ROOT  sysfs root (default /sys)\n"
		 "  ICEMIG_RUNDIR      run directory: VF reservations, remembered drivers\n"
		 "                     (default /run/icemig)\n"
		 "  ICEMIG_LIBVIRT_STATEDIR  libvirt's qemu status directory (default\n"
		 "                     /run/libvirt/qemu)\n"
		 "  ICEMIG_MODULES_ALIAS  modules.alias (default /lib/modules/$(uname -r)/...)\n"
		 "  ICEMIG_HOST_ROOT   host-validate: prefix of /proc, /dev, /etc, /boot\n"
		 "                     (default: none)\n"
		 "  ICEMIG_QEMU, ICEMIG_DKMS  host-validate: the QEMU and dkms programs\n"
		 "                     (default qemu-system-x86_64, dkms)\n"
		 "  ICEMIG_STALE_SECONDS  age after which a reservation of a domain that is not\n"
		 "                     running here is reclaimed (stale_seconds, default 600)\n"
		 "  ICEMIG_PENDING_SECONDS  the same for a reservation made by migrate begin\n"
		 "                     that no prepare begin confirmed (pending_seconds,\n"
		 "                     default 300)\n"
		 "\n"
		 "Exit status: 0 success, 1 failure, 2 usage error ('compat check --help' has\n"
		 "its own).\n",
	.sub = top_commands,
};

int main(int argc, char **argv)
{
	int r;

	r = icemig_cmd_main(&root_command, ICEMIG_VERSION, argc, argv);
	xmlCleanupParser();
	return r;
}
