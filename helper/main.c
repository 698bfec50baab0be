// SPDX-License-Identifier: GPL-2.0-only
/*
 * icemig: command layer. Parses arguments, calls the library and prints.
 * A kmod-like command table: "icemig <command> [<subcommand>] [args]".
 * Every command builds its result as one JSON document (out.h); --json
 * prints it, the text form is rendered from it.
 *
 * Exit status: 0 success, 1 the operation failed (one line on stderr,
 * "icemig: <object>: <cause>"), 2 usage error; `compat check` also 1 for
 * "incompatible" and 3 for "could not check". See icemig(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bdf.h"
#include "conf.h"
#include "desc.h"
#include "hook.h"
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

#define EXIT_USAGE 2
#define EXIT_INCOMPATIBLE 1
#define EXIT_CANNOT_CHECK 3

#ifndef ICEMIG_VERSION
#define ICEMIG_VERSION "0.2"
#endif

struct command {
	const char *name;
	int (*run)(const struct command *cmd, const char *path, int argc, char **argv);
	const char *usage; /* arguments after the command path */
	const char *help; /* description printed by --help */
	const struct command *sub;
};

static const char *prog = "icemig";

static int fail(const struct icemig_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg[0] ? err->msg : "failed");
	return EXIT_FAILURE;
}

static int usage_error(const char *path, const struct command *cmd, const char *fmt, ...)
	ICEMIG_PRINTF(3, 4);

static int usage_error(const char *path, const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s %s\nTry '%s --help'.\n", path, cmd->usage, path);
	return EXIT_USAGE;
}

static void print_help(const char *path, const struct command *cmd)
{
	printf("Usage: %s %s\n\n%s", path, cmd->usage, cmd->help);
}

/* Print @doc (consumed) and turn a write failure into exit 1. */
static int emit(struct json_object *doc, bool json, icemig_text_fn text)
{
	struct icemig_err err = { 0 };
	int r;

	if (!doc) {
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	r = icemig_out_print(doc, json, text, stdout);
	json_object_put(doc);
	if (r) {
		icemig_err_set(&err, EIO, "writing the output failed");
		return fail(&err);
	}
	return EXIT_SUCCESS;
}

/*
 * Option parsing shared by the commands: @spec lists the long options
 * (--help and --json are always there when @json_ok); returns the option
 * character, -1 at the end, or EXIT_USAGE + 1000 after printing the error.
 */
#define OPT_DONE (-1)
#define OPT_HELP 'h'
#define OPT_JSON 'j'

struct opts {
	const struct command *cmd;
	const char *path;
	struct option lo[16];
	char so[48];
};

static void opts_init(struct opts *o, const struct command *cmd, const char *path, bool json_ok,
		      const struct option *extra)
{
	size_t n = 0, s = 0;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->path = path;
	o->lo[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	o->so[s++] = 'h';
	if (json_ok) {
		o->lo[n++] = (struct option){ "json", no_argument, NULL, OPT_JSON };
		o->so[s++] = 'j';
	}
	for (; extra && extra->name && n < 15; extra++) {
		o->lo[n++] = *extra;
		if (s + 3 < sizeof(o->so)) {
			o->so[s++] = (char)extra->val;
			if (extra->has_arg == required_argument)
				o->so[s++] = ':';
		}
	}
	optind = 0;
	opterr = 0;
}

static int opts_next(struct opts *o, int argc, char **argv)
{
	int c = getopt_long(argc, argv, o->so, o->lo, NULL);

	if (c == '?' || c == ':') {
		if (optopt)
			usage_error(o->path, o->cmd, "invalid option '-%c' or missing argument",
				    optopt);
		else
			usage_error(o->path, o->cmd, "invalid option '%.64s'",
				    argv[optind - 1] ? argv[optind - 1] : "?");
		return EXIT_USAGE + 1000;
	}
	if (c == OPT_HELP) {
		print_help(o->path, o->cmd);
		return EXIT_SUCCESS + 1000;
	}
	return c;
}

/* Parse every argument from @first on as a BDF; usage error on a bad one. */
static int parse_bdfs(const struct command *cmd, const char *path, int argc, char **argv, int first,
		      struct icemig_bdf **out, size_t *n)
{
	size_t i, cnt = (size_t)(argc - first);
	struct icemig_bdf *v = calloc(cnt ? cnt : 1, sizeof(*v));

	if (!v) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_FAILURE;
	}
	for (i = 0; i < cnt; i++) {
		if (icemig_bdf_parse(argv[first + (int)i], &v[i])) {
			free(v);
			return usage_error(
				path, cmd,
				"'%.64s': not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)",
				argv[first + (int)i]);
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

static int cmd_vf_create(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-autoprobe", no_argument, NULL, 'n' },
		{ "autoprobe", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	enum icemig_autoprobe ap = ICEMIG_AUTOPROBE_KEEP;
	struct icemig_err err = { 0 };
	struct icemig_bdf pf, *vfs = NULL;
	struct json_object *doc;
	char name[ICEMIG_BDF_LEN];
	bool force = false, json = false, changed;
	unsigned long n;
	size_t nvfs;
	struct opts o;
	int c;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == 'f')
			force = true;
		else if (c == 'n')
			ap = ICEMIG_AUTOPROBE_OFF;
		else if (c == 'a')
			ap = ICEMIG_AUTOPROBE_ON;
		else if (c == OPT_JSON)
			json = true;
	}
	if (argc - optind != 2)
		return usage_error(path, cmd, "expected PF and N");
	if (icemig_parse_ulong(argv[optind + 1], 10, 65535, &n))
		return usage_error(path, cmd, "N: '%.32s' is not a number of VFs",
				   argv[optind + 1]);
	if (icemig_pf_resolve(argv[optind], &pf, &err))
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
	return emit(doc, json, text_vf_create);
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

static int cmd_vf_destroy(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_err err = { 0 };
	struct json_object *doc;
	char name[ICEMIG_BDF_LEN];
	bool force = false, json = false;
	unsigned long removed;
	struct icemig_bdf pf;
	struct opts o;
	int c;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == 'f')
			force = true;
		else if (c == OPT_JSON)
			json = true;
	}
	if (argc - optind != 1)
		return usage_error(path, cmd, "expected PF");
	if (icemig_pf_resolve(argv[optind], &pf, &err))
		return fail(&err);
	if (icemig_vf_destroy(&pf, force, &removed, &err))
		return fail(&err);
	doc = json_object_new_object();
	icemig_json_str(doc, "pf", icemig_bdf_format(&pf, name));
	icemig_json_int(doc, "removed", (long long)removed);
	return emit(doc, json, text_vf_destroy);
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

static int cmd_vf_bind(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *driver = ICEMIG_VARIANT_DRIVER;
	struct icemig_err err = { 0 };
	enum icemig_bind_status *st;
	struct json_object *doc, *a, *e;
	struct icemig_bdf *bdfs = NULL;
	char name[ICEMIG_BDF_LEN];
	bool json = false;
	struct opts o;
	size_t n, i;
	int c, r;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == 'd')
			driver = optarg;
		else if (c == OPT_JSON)
			json = true;
	}
	if (optind >= argc)
		return usage_error(path, cmd, "expected at least one BDF");
	if (!icemig_driver_name_valid(driver))
		return usage_error(path, cmd, "--driver: '%.64s' is not a valid driver name",
				   driver);
	r = parse_bdfs(cmd, path, argc, argv, optind, &bdfs, &n);
	if (r >= 0)
		return r;
	st = calloc(n, sizeof(*st));
	if (!st) {
		free(bdfs);
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	r = icemig_vf_bind(bdfs, n, driver, st, &err);
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
	return emit(doc, json, text_devices);
}

static int cmd_vf_unbind(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "restore", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_err err = { 0 };
	enum icemig_unbind_status *st;
	char(*now)[ICEMIG_DRIVER_MAX];
	struct json_object *doc, *a, *e;
	struct icemig_bdf *bdfs = NULL;
	char name[ICEMIG_BDF_LEN];
	bool json = false, restore = false;
	struct opts o;
	size_t n, i;
	int c, r;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == 'r')
			restore = true;
		else if (c == OPT_JSON)
			json = true;
	}
	if (optind >= argc)
		return usage_error(path, cmd, "expected at least one BDF");
	r = parse_bdfs(cmd, path, argc, argv, optind, &bdfs, &n);
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
	r = icemig_vf_unbind(bdfs, n, restore, st, now, &err);
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
	return emit(doc, json, text_devices);
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

static int cmd_vf_set(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "mac", required_argument, NULL, 'm' },
		{ "vlan", required_argument, NULL, 'v' },
		{ "trust", required_argument, NULL, 't' },
		{ "spoofchk", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_vf_settings set = { .trust = -1, .spoofchk = -1 };
	struct icemig_err err = { 0 };
	struct icemig_vf_ref ref;
	struct json_object *doc;
	struct icemig_bdf vf;
	char name[ICEMIG_BDF_LEN], vlanbuf[32], *colon;
	const char *mac = NULL;
	unsigned long v;
	bool json = false;
	struct opts o;
	int c;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case 'm':
			mac = optarg;
			if (icemig_parse_mac(optarg, set.mac))
				return usage_error(
					path, cmd,
					"--mac: '%.32s' is not a unicast MAC address xx:xx:xx:xx:xx:xx",
					optarg);
			set.has_mac = true;
			break;
		case 'v':
			icemig_strlcpy(vlanbuf, optarg, sizeof(vlanbuf));
			colon = strchr(vlanbuf, ':');
			if (colon)
				*colon++ = '\0';
			if (icemig_parse_ulong(vlanbuf, 10, 4095, &v))
				return usage_error(path, cmd,
						   "--vlan: '%.32s': expected ID[:QOS], ID 0..4095",
						   optarg);
			set.vlan = (unsigned int)v;
			if (colon && icemig_parse_ulong(colon, 10, 7, &v))
				return usage_error(path, cmd, "--vlan: '%.32s': QOS must be 0..7",
						   optarg);
			set.qos = colon ? (unsigned int)v : 0;
			set.has_vlan = true;
			break;
		case 't':
			if (parse_onoff(optarg, &set.trust))
				return usage_error(path, cmd, "--trust: expected on or off");
			break;
		case 's':
			if (parse_onoff(optarg, &set.spoofchk))
				return usage_error(path, cmd, "--spoofchk: expected on or off");
			break;
		}
	}
	if (argc - optind != 1)
		return usage_error(path, cmd, "expected one BDF");
	if (icemig_bdf_parse(argv[optind], &vf))
		return usage_error(path, cmd,
				   "'%.64s': not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)",
				   argv[optind]);
	if (!set.has_mac && !set.has_vlan && set.trust < 0 && set.spoofchk < 0)
		return usage_error(path, cmd,
				   "nothing to set: give --mac, --vlan, --trust or --spoofchk");
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
	return emit(doc, json, text_vf_set);
}

/* ---- vf list ------------------------------------------------------------------ */

static int cmd_vf_list(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };
	struct icemig_vf_table t;
	bool json = false;
	struct opts o;
	int c, r;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (optind != argc)
		return usage_error(path, cmd, "unexpected argument '%.64s'", argv[optind]);
	if (icemig_vf_collect(&t, &err))
		return fail(&err);
	r = icemig_vf_render(&t, json, stdout);
	icemig_vf_table_free(&t);
	if (r) {
		icemig_err_set(&err, -r, "writing the list failed");
		return fail(&err);
	}
	return EXIT_SUCCESS;
}

/* ---- compat show / check --------------------------------------------------------- */

static void text_compat_show(struct json_object *doc, FILE *out)
{
	fputs(jstr(doc, "text"), out);
}

static int cmd_compat_show(const struct command *cmd, const char *path, int argc, char **argv)
{
	char text[ICEMIG_COMPAT_TEXT_MAX], name[ICEMIG_BDF_LEN];
	struct icemig_err err = { 0 };
	struct icemig_compat desc;
	struct json_object *doc;
	struct icemig_bdf vf;
	bool json = false;
	struct opts o;
	size_t l;
	int c;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (argc - optind != 1)
		return usage_error(path, cmd, "expected one BDF");
	if (icemig_bdf_parse(argv[optind], &vf))
		return usage_error(path, cmd,
				   "'%.64s': not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)",
				   argv[optind]);
	if (icemig_desc_read(&vf, &desc, text, sizeof(text) - 1, &err))
		return fail(&err);
	l = strlen(text);
	if (l && text[l - 1] != '\n')
		memcpy(text + l, "\n", 2);
	doc = json_object_new_object();
	icemig_json_str(doc, "vf", icemig_bdf_format(&vf, name));
	json_object_object_add(doc, "descriptor", icemig_desc_json(&desc));
	if (!json)
		icemig_json_str(doc, "text", text);
	return emit(doc, json, text_compat_show);
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

static int cmd_compat_check(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_compat src, dst;
	struct icemig_err err = { 0 };
	struct json_object *doc;
	const char *field = NULL;
	char why[512], name[ICEMIG_BDF_LEN];
	struct icemig_bdf vf;
	bool json = false, ok;
	struct opts o;
	int c, rc;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (argc - optind != 2)
		return usage_error(path, cmd, "expected DESCRIPTOR and BDF");
	if (icemig_bdf_parse(argv[optind + 1], &vf))
		return usage_error(path, cmd,
				   "'%.64s': not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)",
				   argv[optind + 1]);
	if (read_source_desc(argv[optind], &src, &err) ||
	    icemig_desc_read(&vf, &dst, NULL, 0, &err)) {
		fail(&err);
		return EXIT_CANNOT_CHECK;
	}
	ok = icemig_desc_check(&src, &dst, &field, why, sizeof(why));
	doc = json_object_new_object();
	icemig_json_str(doc, "source", argv[optind]);
	icemig_json_str(doc, "vf", icemig_bdf_format(&vf, name));
	icemig_json_bool(doc, "compatible", ok);
	icemig_json_str(doc, "field", ok ? NULL : field);
	icemig_json_str(doc, "reason", ok ? NULL : why);
	rc = emit(doc, json, text_compat_check);
	return rc ? rc : (ok ? EXIT_SUCCESS : EXIT_INCOMPATIBLE);
}

/* ---- migrate ------------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	icemig_migrate_interrupt();
}

static void text_bytes(FILE *out, const char *label, struct json_object *doc, const char *key)
{
	long long v = jint(doc, key);

	if (v < 0)
		fprintf(out, "  %-18s -\n", label);
	else if (v >= 1024 * 1024)
		fprintf(out, "  %-18s %.1f MiB (%lld bytes)\n", label, (double)v / 1048576.0, v);
	else
		fprintf(out, "  %-18s %lld bytes\n", label, v);
}

static void text_ms(FILE *out, const char *label, struct json_object *doc, const char *key)
{
	long long v = jint(doc, key);

	if (v < 0)
		fprintf(out, "  %-18s -\n", label);
	else
		fprintf(out, "  %-18s %lld ms\n", label, v);
}

static void text_migrate(struct json_object *doc, FILE *out)
{
	fprintf(out, "migrated %s to %s\n", jstr(doc, "domain"), jstr(doc, "destination"));
	fprintf(out, "  %-18s %lld\n", "VFs:", jint(doc, "vfs"));
	text_ms(out, "total time:", doc, "total_time_ms");
	text_ms(out, "downtime:", doc, "downtime_ms");
	text_bytes(out, "data transferred:", doc, "data_bytes");
	text_bytes(out, "device state:", doc, "device_state_bytes");
	text_ms(out, "wall time:", doc, "wall_time_ms");
	fprintf(out, "  %-18s %s\n",
		"statistics from:", jstr(doc, "stats_from") ? jstr(doc, "stats_from") : "-");
}

static int cmd_migrate(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "max-downtime", required_argument, NULL, 'd' },
		{ "connect", required_argument, NULL, 'c' },
		{ "no-progress", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_mig_opts mo = { 0 };
	struct icemig_mig_result res;
	struct icemig_err err = { 0 };
	const char *uri = NULL;
	struct sigaction sa;
	virConnectPtr conn;
	bool json = false, progress = true;
	unsigned long v;
	struct opts o;
	int c, r;

	opts_init(&o, cmd, path, true, extra);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case 't':
			if (icemig_parse_ulong(optarg, 10, 7UL * 24 * 3600, &v) || !v)
				return usage_error(
					path, cmd,
					"--timeout: '%.32s' is not a number of seconds (1..604800)",
					optarg);
			mo.timeout_s = v;
			break;
		case 'd':
			if (icemig_parse_ulong(optarg, 10, 3600UL * 1000, &v) || !v)
				return usage_error(
					path, cmd,
					"--max-downtime: '%.32s' is not a number of milliseconds (1..3600000)",
					optarg);
			mo.has_max_downtime = true;
			mo.max_downtime_ms = v;
			break;
		case 'c':
			uri = optarg;
			break;
		case 'n':
			progress = false;
			break;
		}
	}
	if (argc - optind != 2)
		return usage_error(path, cmd, "expected DOMAIN and DEST-URI");
	mo.dest_uri = argv[optind + 1];
	mo.progress = (progress && !json && isatty(STDERR_FILENO)) ? stderr : NULL;
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
	r = icemig_migrate_run(conn, argv[optind], &mo, &res, &err);
	icemig_lv.virConnectClose(conn);
	if (r)
		return fail(&err);
	return emit(icemig_migrate_json(argv[optind], mo.dest_uri, &res), json, text_migrate);
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

static int cmd_state_decode(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };
	struct json_object *doc;
	char *buf = NULL;
	bool json = false;
	size_t len = 0;
	struct opts o;
	int c, fd, r;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (argc - optind != 1)
		return usage_error(path, cmd, "expected FILE");
	fd = strcmp(argv[optind], "-") ? open(argv[optind], O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		icemig_err_set(&err, errno, "%s: cannot open: %s", argv[optind], strerror(errno));
		return fail(&err);
	}
	r = icemig_read_fd_capped(fd, ICEMIG_STATE_FILE_MAX, argv[optind], &buf, &len, &err);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!r)
		r = icemig_state_decode(buf, len, argv[optind], &doc, &err);
	free(buf);
	if (r)
		return fail(&err);
	return emit(doc, json, text_state);
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

static int cmd_provision(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };
	struct json_object *doc = NULL;
	struct icemig_conf conf;
	bool json = false;
	struct opts o;
	int c, r;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (optind != argc)
		return usage_error(path, cmd, "unexpected argument '%.64s'", argv[optind]);
	if (icemig_conf_load(&conf, &err)) {
		icemig_conf_free(&conf);
		return fail(&err);
	}
	r = icemig_provision(&conf, &doc, &err);
	icemig_conf_free(&conf);
	if (r) {
		json_object_put(doc);
		return fail(&err);
	}
	return emit(doc, json, text_provision);
}

static void tri(struct json_object *o, const char *k, enum icemig_tristate t)
{
	json_object_object_add(o, k, t == ICEMIG_UNSET ? NULL : json_object_new_boolean(t));
}

static int cmd_config_show(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };
	struct json_object *doc, *pfs, *p;
	struct icemig_conf conf;
	bool json = false;
	struct opts o;
	size_t i;
	int c;

	opts_init(&o, cmd, path, true, NULL);
	while ((c = opts_next(&o, argc, argv)) != OPT_DONE) {
		if (c >= 1000)
			return c - 1000;
		if (c == OPT_JSON)
			json = true;
	}
	if (optind != argc)
		return usage_error(path, cmd, "unexpected argument '%.64s'", argv[optind]);
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
	return emit(doc, json, NULL);
}

/* ---- hook ----------------------------------------------------------------------- */

static int cmd_hook(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };

	/* No option parsing: a domain name may start with '-'. */
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		print_help(path, cmd);
		return EXIT_SUCCESS;
	}
	if (argc != 5)
		return usage_error(path, cmd, "expected 4 arguments, got %d", argc - 1);
	prog = "icemig hook";
	if (icemig_hook_run(argv[1], argv[2], argv[3], argv[4], STDIN_FILENO, stdout, &err))
		return fail(&err);
	return EXIT_SUCCESS;
}

/* ---- tables and dispatch ---------------------------------------------------------- */

static int cmd_group(const struct command *cmd, const char *path, int argc, char **argv);

static const struct command vf_commands[] = {
	{ "create", cmd_vf_create, "PF N [--force] [--no-autoprobe|--autoprobe] [--json]",
	  "Make the SR-IOV PF have N VFs by writing N to its sriov_numvfs, and print the\n"
	  "VF addresses (from the PF's virtfn0..virtfnN-1 links), one per line.\n"
	  "\n"
	  "  PF              the PF as a PCI address DDDD:BB:DD.F, or a network interface name\n"
	  "  N               1..sriov_totalvfs\n"
	  "  --force         if the PF already has a different nonzero number of VFs, write 0\n"
	  "                  first (removes the existing VFs); without it that case fails\n"
	  "  --no-autoprobe  write 0 to the PF's sriov_drivers_autoprobe while creating, so\n"
	  "                  no driver (iavf) binds the new VFs; the old value is put back\n"
	  "  --autoprobe     the same with 1\n"
	  "  --json          print {\"pf\", \"numvfs\", \"changed\", \"autoprobe\", \"vfs\": [...]}\n"
	  "\n"
	  "If the PF already has N VFs nothing is written.\n",
	  NULL },
	{ "destroy", cmd_vf_destroy, "PF [--force] [--json]",
	  "Remove every VF of the PF (write 0 to sriov_numvfs).\n"
	  "\n"
	  "  --force   also when a VF is reserved for a domain (in use, or being migrated\n"
	  "            in); those reservations are removed\n"
	  "  --json    print {\"pf\", \"removed\"}\n",
	  NULL },
	{ "bind", cmd_vf_bind, "BDF... [--driver NAME] [--json]",
	  "Bind each VF to driver NAME (default ice_vfio_pci) with libvirt's sequence:\n"
	  "write NAME to driver_override, unbind from the current driver, write the BDF\n"
	  "to /sys/bus/pci/drivers_probe, check the driver link names NAME.\n"
	  "\n"
	  "  BDF            VF address DDDD:BB:DD.F (validated before any sysfs access);\n"
	  "                 a device that is not a VF is refused\n"
	  "  --driver NAME  target driver; must be loaded\n"
	  "  --json         print {\"operation\", \"driver\", \"devices\": [{\"vf\", \"status\"}]}\n"
	  "\n"
	  "A device already bound to NAME is left alone (idempotent). The driver each VF\n"
	  "had is remembered under the run directory for 'vf unbind --restore'. If any\n"
	  "step fails, every device touched is put back on its previous driver and the\n"
	  "command exits 1 naming the device and the cause.\n",
	  NULL },
	{ "unbind", cmd_vf_unbind, "BDF... [--restore] [--json]",
	  "Take each VF off its driver and clear its driver_override, leaving it unbound;\n"
	  "with --restore, put it back on the driver (and driver_override) it had before\n"
	  "icemig bound it (remembered under the run directory; without a memory, the\n"
	  "kernel probes its native driver).\n"
	  "\n"
	  "  --restore   back to the previous driver instead of unbound\n"
	  "  --json      print {\"operation\", \"restore\", \"devices\": [{\"vf\", \"status\", \"driver\"}]}\n"
	  "\n"
	  "Idempotent; on failure every device touched is returned to where it was.\n",
	  NULL },
	{ "set", cmd_vf_set,
	  "BDF [--mac MAC] [--vlan ID[:QOS]] [--trust on|off] [--spoofchk on|off] [--json]",
	  "Set a VF's administrative settings through its PF's rtnetlink interface\n"
	  "(as 'ip link set PF vf N ...' does; IFLA_VFINFO_LIST in one RTM_NEWLINK).\n"
	  "\n"
	  "  --mac MAC        the VF's MAC address, unicast xx:xx:xx:xx:xx:xx\n"
	  "  --vlan ID[:QOS]  port VLAN 0..4095 (0 removes it), priority 0..7\n"
	  "  --trust on|off   trusted VF (may change its MAC, promiscuous mode)\n"
	  "  --spoofchk on|off  source MAC/VLAN anti-spoofing\n"
	  "  --json           print {\"vf\", \"pf\", \"ifname\", \"index\", \"mac\", \"vlan\", \"qos\",\n"
	  "                   \"trust\", \"spoofchk\"} (null: not changed)\n",
	  NULL },
	{ "list", cmd_vf_list, "[--json]",
	  "List every SR-IOV PF (sriov_totalvfs > 0) and its VFs: PF address, the PF's\n"
	  "migration provider, VF index and address, bound driver, IOMMU group, the domain\n"
	  "using the VF (its reservation, else a running libvirt domain that has it as a\n"
	  "host device), whether it can migrate (yes; needs-bind: its PF has a provider\n"
	  "but it is not on ice_vfio_pci; no) and the device-state stream version of its\n"
	  "descriptor. Absent values are '-' in text and null in JSON.\n"
	  "\n"
	  "  --json   print {\"ice_vfio_pci_loaded\": bool, \"vfs\": [ {\"pf\", \"provider\", \"index\",\n"
	  "           \"vf\", \"driver\", \"iommu_group\", \"domain\", \"migration\", \"stream\"}, ... ]}\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command compat_commands[] = {
	{ "show", cmd_compat_show, "BDF [--json]",
	  "Print the compatibility descriptor of a VF bound to ice_vfio_pci\n"
	  "(/sys/bus/pci/devices/BDF/icemig_compat): stream format and versions, record\n"
	  "types, device, provider, capacity limits and what the VF uses now. The text\n"
	  "form is the attribute itself and can be given to 'compat check' on another host.\n"
	  "\n"
	  "  --json   print {\"vf\", \"descriptor\": {key: value, ...}}\n",
	  NULL },
	{ "check", cmd_compat_check, "DESCRIPTOR BDF [--json]",
	  "Decide whether the VF at BDF can take the state of the VF that DESCRIPTOR\n"
	  "describes, with the same compare function the destination hook and the kernel\n"
	  "use.\n"
	  "\n"
	  "  DESCRIPTOR   a file with descriptor text ('icemig compat show' output), '-'\n"
	  "               for stdin, or the BDF of a local VF\n"
	  "  --json       print {\"source\", \"vf\", \"compatible\", \"field\", \"reason\"}\n"
	  "\n"
	  "Exit status: 0 compatible, 1 incompatible (the output names the field that\n"
	  "differs and both values), 2 usage error, 3 a descriptor could not be read.\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command state_commands[] = {
	{ "decode", cmd_state_decode, "FILE [--json]",
	  "Validate and print a saved device-state stream file (the VFIO migration data\n"
	  "of one VF: an optional PRE_COPY preview, then the final stream; '-' reads\n"
	  "stdin). Every stream is checked whole by the kernel's decoder first; then its\n"
	  "header and every record are printed in stream order with their values.\n"
	  "\n"
	  "  --json   print {\"file\", \"bytes\", \"streams\": [{\"offset\", \"version\", \"flags\",\n"
	  "           \"total_len\", \"checksum\", \"records\": [{\"offset\", \"type\", \"type_id\",\n"
	  "           \"mandatory\", \"len\", \"value\"}]}]}\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command config_commands[] = {
	{ "show", cmd_config_show, "[--json]",
	  "Parse the configuration file ($ICEMIG_CONF, default /etc/icemig/icemig.conf)\n"
	  "and print the settings in force, defaults included. Exit 1 naming the line\n"
	  "of the first error.\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command top_commands[] = {
	{ "vf", cmd_group, "COMMAND [ARGS]",
	  "VF provisioning commands:\n"
	  "  create PF N [--force] [--no-autoprobe]  set the number of VFs of a PF\n"
	  "  destroy PF [--force]                    remove the VFs of a PF\n"
	  "  bind BDF... [--driver NAME]             bind VFs to a driver (default ice_vfio_pci)\n"
	  "  unbind BDF... [--restore]               unbind VFs, or restore their previous driver\n"
	  "  set BDF [--mac] [--vlan] [--trust] [--spoofchk]  VF settings through the PF\n"
	  "  list [--json]                           list SR-IOV PFs and VFs\n",
	  vf_commands },
	{ "compat", cmd_group, "COMMAND [ARGS]",
	  "Compatibility descriptors:\n"
	  "  show BDF                 print a VF's descriptor\n"
	  "  check DESCRIPTOR BDF     can the VF at BDF take that state? (exit 0/1)\n",
	  compat_commands },
	{ "migrate", cmd_migrate,
	  "DOMAIN DEST-URI [--timeout S] [--max-downtime MS] [--connect URI] [--no-progress] [--json]",
	  "Live-migrate a running domain holding ice_vfio_pci VFs to DEST-URI (the\n"
	  "destination libvirtd, e.g. qemu+tcp://host/system), through the libvirt API:\n"
	  "\n"
	  "  1. preflight: every PCI host device must be a VF bound to ice_vfio_pci with a\n"
	  "     readable descriptor and declared with model='ice_vfio_pci'; otherwise the\n"
	  "     command refuses, naming each device and why, and changes nothing;\n"
	  "  2. the VFs' descriptors go into the live XML's <metadata> (icemig namespace\n"
	  "     https://icemig.invalid/xmlns/1), for the destination's hook to check;\n"
	  "  3. virDomainMigrateToURI3 with VIR_MIGRATE_LIVE|VIR_MIGRATE_PEER2PEER, with\n"
	  "     a progress bar on a terminal (percent, remaining, rate);\n"
	  "  4. a summary: total time, downtime, bytes, device-state bytes.\n"
	  "\n"
	  "  --timeout S        abort the migration after S seconds (the domain keeps\n"
	  "                     running here), exit 1\n"
	  "  --max-downtime MS  maximum tolerable downtime (virDomainMigrateSetMaxDowntime)\n"
	  "  --connect URI      the source libvirt (default: libvirt's default URI)\n"
	  "  --no-progress      no progress bar\n"
	  "  --json             print {\"domain\", \"destination\", \"migrated\", \"vfs\",\n"
	  "                     \"wall_time_ms\", \"stats_from\", \"total_time_ms\", \"downtime_ms\",\n"
	  "                     \"data_bytes\", \"device_state_bytes\", \"memory_rate_bytes_per_s\"}\n"
	  "\n"
	  "SIGINT or SIGTERM abort the migration job.\n",
	  NULL },
	{ "state", cmd_group, "COMMAND [ARGS]",
	  "Device-state streams:\n"
	  "  decode FILE [--json]     validate and pretty-print a saved stream\n",
	  state_commands },
	{ "provision", cmd_provision, "[--json]",
	  "Create and bind the VFs of every [pf NAME] section of the configuration file\n"
	  "($ICEMIG_CONF, default /etc/icemig/icemig.conf): 'vfs' VFs (without autoprobe\n"
	  "unless autoprobe = yes), all bound to 'driver' (default ice_vfio_pci), then\n"
	  "trust/spoofchk when set. Idempotent. Run at boot by icemig-provision.service.\n"
	  "\n"
	  "  --json   print {\"config\", \"pfs\": [{\"name\", \"pf\", \"vfs\", \"created\", \"driver\",\n"
	  "           \"bound\", \"already_bound\", \"trust\", \"spoofchk\"}]}\n",
	  NULL },
	{ "config", cmd_group, "COMMAND [ARGS]",
	  "Configuration file:\n"
	  "  show [--json]            parse it and print the settings in force\n",
	  config_commands },
	{ "hook", cmd_hook, "DOMAIN OP SUBOP EXTRA",
	  "libvirt qemu hook entry point (https://libvirt.org/hooks.html); the domain XML\n"
	  "is on stdin. Installed as /etc/libvirt/hooks/qemu.d/icemig (libvirt-hooks/icemig).\n"
	  "\n"
	  "  prepare begin  the VFs the domain names (model='ice_vfio_pci') exist (created\n"
	  "                 from the configuration on demand), are reserved for it and bound\n"
	  "                 to ice_vfio_pci. Failure: exit 1, libvirt does not start it.\n"
	  "  migrate begin  (destination) for each <hostdev type='pci'> or\n"
	  "                 <interface type='hostdev'> with model='ice_vfio_pci': pick a free\n"
	  "                 local VF that can take the source VF's state (descriptor from\n"
	  "                 the icemig metadata), reserve it, rewrite <source><address>,\n"
	  "                 print the whole XML. No such device: print nothing. No suitable\n"
	  "                 or compatible VF: exit 1, the message names the device and\n"
	  "                 the descriptor field; nothing printed, nothing reserved, so\n"
	  "                 libvirt aborts before any memory moves. Input capped at 4 MiB.\n"
	  "  release end    remove the domain's reservations, then apply on_release\n"
	  "                 (keep, restore, rebind) from the configuration.\n"
	  "  anything else  exit 0 at once; stdin is not read.\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command root_command = {
	"icemig",
	cmd_group,
	"COMMAND [ARGS]",
	"Live migration of VMs with Intel E810 SR-IOV VFs: provisioning, compatibility,\n"
	"managed migration and the libvirt hook.\n"
	"\n"
	"Commands:\n"
	"  vf create PF N [--force] [--no-autoprobe]  set the number of VFs of a PF\n"
	"  vf destroy PF [--force]       remove the VFs of a PF\n"
	"  vf bind BDF... [--driver D]   bind VFs to D (default ice_vfio_pci), rolling back on failure\n"
	"  vf unbind BDF... [--restore]  unbind VFs, or put them back on their previous driver\n"
	"  vf set BDF [--mac M] [--vlan V] [--trust on|off] [--spoofchk on|off]\n"
	"  vf list [--json]              list SR-IOV PFs, VFs, drivers, users, migration support\n"
	"  compat show BDF               print a VF's compatibility descriptor\n"
	"  compat check DESCRIPTOR BDF   can that VF take the described state?\n"
	"  migrate DOMAIN DEST-URI       managed live migration through libvirt\n"
	"  state decode FILE             pretty-print a saved device-state stream\n"
	"  provision                     create and bind the configured VFs (boot)\n"
	"  config show                   print the configuration in force\n"
	"  hook DOMAIN OP SUBOP EXTRA    libvirt qemu hook entry point\n"
	"\n"
	"'icemig COMMAND --help' describes a command; most take --json. See icemig(8).\n"
	"\n"
	"Environment:\n"
	"  ICEMIG_CONF        configuration file (default /etc/icemig/icemig.conf)\n"
	"  ICEMIG_SYSFS_ROOT  sysfs root (default /sys)\n"
	"  ICEMIG_RUNDIR      run directory: VF reservations, remembered drivers\n"
	"                     (default /run/icemig)\n"
	"  ICEMIG_LIBVIRT_STATEDIR  libvirt's qemu status directory (default /run/libvirt/qemu)\n"
	"  ICEMIG_STALE_SECONDS  age after which a reservation of a domain that is not\n"
	"                     running here is reclaimed (default 600)\n"
	"  ICEMIG_PENDING_SECONDS  the same for a reservation made by migrate begin\n"
	"                     that no prepare begin confirmed (default 30)\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n",
	top_commands,
};

static int cmd_group(const struct command *cmd, const char *path, int argc, char **argv)
{
	const struct command *c;
	char subpath[128];

	if (argc < 2)
		return usage_error(path, cmd, "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_help(path, cmd);
		return EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "--version") && cmd == &root_command) {
		printf("icemig %s\n", ICEMIG_VERSION);
		return EXIT_SUCCESS;
	}
	for (c = cmd->sub; c && c->name; c++) {
		if (strcmp(c->name, argv[1]))
			continue;
		if ((size_t)snprintf(subpath, sizeof(subpath), "%s %s", path, c->name) >=
		    sizeof(subpath))
			return EXIT_USAGE;
		return c->run(c, subpath, argc - 1, argv + 1);
	}
	return usage_error(path, cmd, "unknown command '%.64s'", argv[1]);
}

int main(int argc, char **argv)
{
	int r;

	r = cmd_group(&root_command, "icemig", argc, argv);
	xmlCleanupParser();
	return r;
}
