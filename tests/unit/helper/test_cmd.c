// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the declarative command tables (cmd.h): parsing against a
 * table, the checks the framework does before a handler runs, the usage
 * line, the help text and the JSON description, all from the same table.
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

#include "cmd.h"

/* what the last handler saw */
static struct {
	int calls;
	bool force, json, pretty, has_driver;
	char driver[32];
	int argc;
	char args[4][32];
} seen;

static void see_args(const struct icemig_call *c)
{
	int i;

	seen.calls++;
	seen.argc = c->argc;
	for (i = 0; i < c->argc && i < 4; i++)
		snprintf(seen.args[i], sizeof(seen.args[i]), "%s", c->argv[i]);
}

static int handler(struct icemig_call *c)
{
	const char *d = icemig_call_str(c, "driver");

	see_args(c);
	seen.force = icemig_call_flag(c, "force");
	seen.has_driver = d != NULL;
	snprintf(seen.driver, sizeof(seen.driver), "%s", d ? d : "");
	seen.json = c->json;
	seen.pretty = c->pretty;
	return 0;
}

static int raw_handler(struct icemig_call *c)
{
	see_args(c);
	return 7;
}

static const struct icemig_arg args[] = {
	{ "PF", "the PF", 0 },
	{ "BDF", "VFs", ICEMIG_ARG_MULTI },
	{ NULL, NULL, 0 },
};

static const struct icemig_opt opts[] = {
	{ "force", NULL, "do it anyway", 0 },
	{ "driver", "NAME", "a driver", 0 },
	{ "on", NULL, "switch on", 5 },
	{ "off", NULL, "switch off", 5 },
	{ NULL, NULL, NULL, 0 },
};

static const struct icemig_arg raw_args[] = {
	{ "A", NULL, 0 },
	{ "B", NULL, 0 },
	{ NULL, NULL, 0 },
};

static const struct icemig_cmd grp_cmds[] = {
	{ "do", "does it", "Does it.\n", args, opts, "{\"x\"}", "Notes.\n", ICEMIG_CMD_JSON,
	  handler, NULL },
	{ "raw", "raw arguments", NULL, raw_args, NULL, NULL, NULL, ICEMIG_CMD_RAW, raw_handler,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL },
};

static const struct icemig_cmd top[] = {
	{ "grp", "a group", "A group.\n", NULL, NULL, NULL, NULL, 0, NULL, grp_cmds },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL },
};

static const struct icemig_cmd root = { "prog", NULL, "Root.\n", NULL, NULL,
					NULL,	NULL, 0,	 NULL, top };

/* Run "prog" with @line split at spaces. */
static int run(const char *line)
{
	char buf[256], *argv[32], *tok, *save = NULL;
	int argc = 0;

	memset(&seen, 0, sizeof(seen));
	snprintf(buf, sizeof(buf), "prog %s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return icemig_cmd_main(&root, "1.0", argc, argv);
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(run("grp do 0000:01:00.0 0000:01:10.0 --force --driver vfio-pci -j"), 0);
	assert_int_equal(seen.calls, 1);
	assert_true(seen.force);
	assert_string_equal(seen.driver, "vfio-pci");
	assert_true(seen.json);
	assert_false(seen.pretty);
	assert_int_equal(seen.argc, 2);
	assert_string_equal(seen.args[0], "0000:01:00.0");
	assert_string_equal(seen.args[1], "0000:01:10.0");
	/* options before the arguments, --pretty implies --json */
	assert_int_equal(run("grp do --on -p pf a b c"), 0);
	assert_false(seen.force);
	assert_false(seen.has_driver);
	assert_true(seen.json && seen.pretty);
	assert_int_equal(seen.argc, 4);
	/* "--" ends the options */
	assert_int_equal(run("grp do -- pf --force"), 0);
	assert_false(seen.force);
	assert_string_equal(seen.args[1], "--force");
}

static void test_refusals(void **state)
{
	(void)state;
	/* each is a usage error (2) and the handler never runs */
	static const char *const bad[] = {
		"grp do pf", /* BDF... needs one */
		"grp do", /* nothing */
		"grp do pf vf --bogus", /* unknown option */
		"grp do pf vf -x", /* unknown short option */
		"grp do pf vf --driver", /* value missing */
		"grp do pf vf --force --force", /* twice */
		"grp do pf vf --on --off", /* one of a group */
		"grp nosuch", /* unknown command */
		"grp", /* a group needs a command */
		"grp raw a", /* raw: still counted */
		"grp raw a b c",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (run(bad[i]) != ICEMIG_EXIT_USAGE)
			fail_msg("'%s' is not a usage error", bad[i]);
		if (seen.calls)
			fail_msg("'%s' ran the handler", bad[i]);
	}
	/* --help runs no handler either, and succeeds */
	assert_int_equal(run("grp do --help"), 0);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(run("grp do pf --bogus --help"), ICEMIG_EXIT_USAGE);
}

static void test_raw(void **state)
{
	(void)state;
	/* no option parsing: a domain name may start with '-' */
	assert_int_equal(run("grp raw -a --b"), 7);
	assert_string_equal(seen.args[0], "-a");
	assert_string_equal(seen.args[1], "--b");
	assert_int_equal(run("grp raw --help"), 0);
	assert_int_equal(seen.calls, 0);
}

static void test_usage_and_help(void **state)
{
	char buf[256], *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_true(icemig_cmd_usage(&grp_cmds[0], buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
			    "PF BDF... [--force] [--driver NAME] [--on|--off] [--json [--pretty]]");
	assert_int_equal(icemig_cmd_usage(&grp_cmds[0], buf, 10), -ENAMETOOLONG);
	assert_true(icemig_cmd_usage(&top[0], buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "COMMAND [ARGS]");

	f = open_memstream(&text, &len);
	assert_non_null(f);
	icemig_cmd_help(f, "prog grp do", &grp_cmds[0]);
	fclose(f);
	assert_non_null(strstr(text, "Usage: prog grp do PF BDF... [--force]"));
	assert_non_null(strstr(text, "\nDoes it.\n"));
	assert_non_null(strstr(text, "  --driver NAME  a driver\n"));
	assert_non_null(strstr(text, "  -j, --json     print the result as one line of JSON:\n"));
	assert_non_null(strstr(text, "{\"x\"}"));
	assert_non_null(strstr(text, "\nNotes.\n"));
	free(text);

	/* the root lists every command with its full usage */
	text = NULL;
	f = open_memstream(&text, &len);
	icemig_cmd_help(f, "prog", &root);
	fclose(f);
	assert_non_null(strstr(
		text,
		"  grp do PF BDF... [--force] [--driver NAME] [--on|--off] [--json [--pretty]]\n      does it\n"));
	assert_non_null(strstr(text, "  grp raw A B\n"));
	free(text);
}

static void test_json(void **state)
{
	struct json_object *doc = icemig_cmd_json(&root), *cmds, *c, *o, *v;

	(void)state;
	assert_true(json_object_object_get_ex(doc, "commands", &cmds));
	assert_int_equal(json_object_array_length(cmds), 2);
	c = json_object_array_get_idx(cmds, 0);
	assert_true(json_object_object_get_ex(c, "path", &v));
	assert_string_equal(json_object_get_string(v), "grp do");
	assert_true(json_object_object_get_ex(c, "options", &o));
	/* the table's four, then --json and --pretty */
	assert_int_equal(json_object_array_length(o), 6);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(o, 2), "excludes", &v));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "--off");
	assert_true(json_object_object_get_ex(json_object_array_get_idx(o, 1), "argument", &v));
	assert_string_equal(json_object_get_string(v), "NAME");
	assert_true(json_object_object_get_ex(json_object_array_get_idx(o, 4), "short", &v));
	assert_string_equal(json_object_get_string(v), "-j");
	assert_true(json_object_object_get_ex(c, "arguments", &o));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(o, 1), "multiple", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_raw),   cmocka_unit_test(test_usage_and_help),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
