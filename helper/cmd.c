// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: declarative command tables. See cmd.h. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long values: the table's options are OPT_BASE + their index. */
#define OPT_BASE 1000
#define HELP_COL_MAX 24

static size_t nopts(const struct icemig_cmd *cmd)
{
	size_t n = 0;

	while (cmd->opts && cmd->opts[n].name)
		n++;
	return n;
}

static size_t nargs(const struct icemig_cmd *cmd)
{
	size_t n = 0;

	while (cmd->args && cmd->args[n].name)
		n++;
	return n;
}

/* A name that is not in the table is a programming error, as in virsh. */
static size_t opt_index(const struct icemig_cmd *cmd, const char *name)
{
	size_t i, n = nopts(cmd);

	for (i = 0; i < n; i++)
		if (!strcmp(cmd->opts[i].name, name))
			return i;
	fprintf(stderr, "icemig: internal error: command '%s' has no option --%s\n", cmd->name,
		name);
	abort();
}

bool icemig_call_flag(const struct icemig_call *c, const char *name)
{
	return c->val[opt_index(c->cmd, name)] != NULL;
}

const char *icemig_call_str(const struct icemig_call *c, const char *name)
{
	return c->val[opt_index(c->cmd, name)];
}

/* ---- text ------------------------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t size, len;
	bool over;
};

static void sb_add(struct sbuf *s, const char *fmt, ...) ICEMIG_PRINTF(2, 3);

static void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= s->size - s->len) {
		s->over = true;
		s->buf[s->len] = '\0';
		return;
	}
	s->len += (size_t)n;
}

/* "--name" or "--name ARG" */
static void sb_opt(struct sbuf *s, const struct icemig_opt *o)
{
	sb_add(s, "--%s", o->name);
	if (o->arg)
		sb_add(s, " %s", o->arg);
}

int icemig_cmd_usage(const struct icemig_cmd *cmd, char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0, false };
	size_t i, j, n = nopts(cmd), na = nargs(cmd);
	const char *sep = "";

	if (!size)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (cmd->sub) {
		sb_add(&s, "COMMAND [ARGS]");
		return s.over ? -ENAMETOOLONG : (int)s.len;
	}
	for (i = 0; i < na; i++) {
		const struct icemig_arg *a = &cmd->args[i];

		sb_add(&s, "%s%s%s%s%s", sep, a->flags & ICEMIG_ARG_OPTIONAL ? "[" : "", a->name,
		       a->flags & ICEMIG_ARG_MULTI ? "..." : "",
		       a->flags & ICEMIG_ARG_OPTIONAL ? "]" : "");
		sep = " ";
	}
	for (i = 0; i < n; i++) {
		const struct icemig_opt *o = &cmd->opts[i];

		if (o->group) {
			for (j = 0; j < i && cmd->opts[j].group != o->group; j++)
				;
			if (j < i)
				continue; /* shown with the first of its group */
		}
		sb_add(&s, "%s[", sep);
		sb_opt(&s, o);
		for (j = i + 1; o->group && j < n; j++) {
			if (cmd->opts[j].group != o->group)
				continue;
			sb_add(&s, "|");
			sb_opt(&s, &cmd->opts[j]);
		}
		sb_add(&s, "]");
		sep = " ";
	}
	if (cmd->flags & ICEMIG_CMD_JSON)
		sb_add(&s, "%s[--json [--pretty]]", sep);
	return s.over ? -ENAMETOOLONG : (int)s.len;
}

/* Print @text (lines separated by '\n') in a column starting at @col. */
static void print_col(FILE *out, int used, int col, const char *text)
{
	const char *p = text, *nl;

	if (used >= col - 1) {
		fputc('\n', out);
		used = 0;
	}
	for (;;) {
		nl = strchr(p, '\n');
		fprintf(out, "%*s%.*s\n", col - used, "", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl || !nl[1])
			break;
		p = nl + 1;
		used = 0;
	}
}

static void list_commands(FILE *out, const char *prefix, const struct icemig_cmd *group)
{
	const struct icemig_cmd *c;
	char usage[512], pfx[128];

	for (c = group->sub; c && c->name; c++) {
		if (c->sub) {
			snprintf(pfx, sizeof(pfx), "%s%s ", prefix, c->name);
			list_commands(out, pfx, c);
			continue;
		}
		if (icemig_cmd_usage(c, usage, sizeof(usage)) < 0)
			usage[0] = '\0';
		fprintf(out, "  %s%s%s%s\n", prefix, c->name, usage[0] ? " " : "", usage);
		if (c->summary)
			fprintf(out, "      %s\n", c->summary);
	}
}

static int label(char *buf, size_t size, const char *shortname, const struct icemig_opt *o)
{
	struct sbuf s = { buf, size, 0, false };

	sb_add(&s, "  %s%s", shortname ? shortname : "", shortname ? ", " : "");
	sb_opt(&s, o);
	return (int)s.len;
}

void icemig_cmd_help(FILE *out, const char *path, const struct icemig_cmd *cmd)
{
	static const struct icemig_opt json = { "json", NULL, NULL, 0 };
	static const struct icemig_opt pretty = { "pretty", NULL, NULL, 0 };
	static const struct icemig_opt help = { "help", NULL, NULL, 0 };
	size_t i, n = nopts(cmd), na = nargs(cmd);
	char usage[512], lab[128], jhelp[1024];
	int col = 0, l;

	if (icemig_cmd_usage(cmd, usage, sizeof(usage)) < 0)
		usage[0] = '\0';
	fprintf(out, "Usage: %s%s%s\n", path, usage[0] ? " " : "", usage);
	if (cmd->description)
		fprintf(out, "\n%s", cmd->description);
	if (cmd->sub) {
		fprintf(out, "\nCommands:\n");
		list_commands(out, "", cmd);
	}
	/* one column for the help of arguments and options */
	for (i = 0; i < na; i++)
		if ((l = (int)strlen(cmd->args[i].name) + 4) > col)
			col = l;
	for (i = 0; i < n; i++)
		if ((l = label(lab, sizeof(lab), NULL, &cmd->opts[i]) + 2) > col)
			col = l;
	if (col < 16)
		col = 16;
	if (col > HELP_COL_MAX)
		col = HELP_COL_MAX;
	if (na && cmd->args[0].help) {
		fprintf(out, "\nArguments:\n");
		for (i = 0; i < na; i++) {
			fprintf(out, "  %s", cmd->args[i].name);
			print_col(out, (int)strlen(cmd->args[i].name) + 2, col,
				  cmd->args[i].help ? cmd->args[i].help : "");
		}
	}
	if (cmd->sub && !n && !(cmd->flags & ICEMIG_CMD_JSON))
		goto notes;
	fprintf(out, "\nOptions:\n");
	for (i = 0; i < n; i++) {
		l = label(lab, sizeof(lab), NULL, &cmd->opts[i]);
		fputs(lab, out);
		print_col(out, l, col, cmd->opts[i].help ? cmd->opts[i].help : "");
	}
	if (cmd->flags & ICEMIG_CMD_JSON) {
		snprintf(jhelp, sizeof(jhelp), "print the result as one line of JSON%s%s",
			 cmd->json ? ":\n" : "", cmd->json ? cmd->json : "");
		l = label(lab, sizeof(lab), "-j", &json);
		fputs(lab, out);
		print_col(out, l, col, jhelp);
		l = label(lab, sizeof(lab), "-p", &pretty);
		fputs(lab, out);
		print_col(out, l, col, "the same JSON, indented (implies --json)");
	}
	l = label(lab, sizeof(lab), "-h", &help);
	fputs(lab, out);
	print_col(out, l, col, "print this help and exit");
notes:
	if (cmd->notes)
		fprintf(out, "\n%s", cmd->notes);
}

/* ---- parsing and dispatch -------------------------------------------------------- */

int icemig_call_usage(const struct icemig_call *c, const char *fmt, ...)
{
	char usage[512];
	va_list ap;

	fprintf(stderr, "%s: ", c->root ? c->root->name : "icemig");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (icemig_cmd_usage(c->cmd, usage, sizeof(usage)) < 0)
		usage[0] = '\0';
	fprintf(stderr, "\nUsage: %s%s%s\nTry '%s --help'.\n", c->path, usage[0] ? " " : "", usage,
		c->path);
	return ICEMIG_EXIT_USAGE;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* Check the number of positional arguments against the table. */
static int check_args(struct icemig_call *c)
{
	size_t i, na = nargs(c->cmd), min = 0;
	bool multi = false;
	char want[256] = "";
	struct sbuf s = { want, sizeof(want), 0, false };

	for (i = 0; i < na; i++) {
		if (!(c->cmd->args[i].flags & ICEMIG_ARG_OPTIONAL))
			min++;
		multi = multi || (c->cmd->args[i].flags & ICEMIG_ARG_MULTI);
		sb_add(&s, "%s%s%s", i ? " " : "", c->cmd->args[i].name,
		       c->cmd->args[i].flags & ICEMIG_ARG_MULTI ? "..." : "");
	}
	if ((size_t)c->argc < min)
		return icemig_call_usage(c, "expected %s", want);
	if (!multi && (size_t)c->argc > na)
		return icemig_call_usage(c, "unexpected argument '%.64s'", c->argv[na]);
	return -1;
}

static int run_leaf(const struct icemig_cmd *root, const struct icemig_cmd *cmd, const char *path,
		    int argc, char **argv)
{
	struct option lo[ICEMIG_CMD_OPTS_MAX + 4];
	struct icemig_call c;
	size_t i, j, n = nopts(cmd), k = 0;
	const char *so;
	int o, r;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.root = root;
	icemig_strlcpy(c.path, path, sizeof(c.path));
	if (n > ICEMIG_CMD_OPTS_MAX) {
		fprintf(stderr, "%s: internal error: too many options\n", path);
		return ICEMIG_EXIT_FAIL;
	}
	if (cmd->flags & ICEMIG_CMD_RAW) {
		/* no option parsing: a domain name may start with '-' */
		if (argc == 2 && is_help(argv[1])) {
			icemig_cmd_help(stdout, path, cmd);
			return ICEMIG_EXIT_OK;
		}
		c.argc = argc - 1;
		c.argv = argv + 1;
		r = check_args(&c);
		return r >= 0 ? r : cmd->run(&c);
	}
	for (i = 0; i < n; i++)
		lo[k++] = (struct option){ cmd->opts[i].name,
					   cmd->opts[i].arg ? required_argument : no_argument, NULL,
					   OPT_BASE + (int)i };
	lo[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	if (cmd->flags & ICEMIG_CMD_JSON) {
		lo[k++] = (struct option){ "json", no_argument, NULL, 'j' };
		lo[k++] = (struct option){ "pretty", no_argument, NULL, 'p' };
	}
	lo[k] = (struct option){ NULL, 0, NULL, 0 };
	so = (cmd->flags & ICEMIG_CMD_JSON) ? ":hjp" : ":h";
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (o == 'h') {
			icemig_cmd_help(stdout, path, cmd);
			return ICEMIG_EXIT_OK;
		} else if (o == 'j') {
			c.json = true;
		} else if (o == 'p') {
			c.json = c.pretty = true;
		} else if (o >= OPT_BASE && o < OPT_BASE + (int)n) {
			i = (size_t)(o - OPT_BASE);
			if (c.val[i])
				return icemig_call_usage(&c, "--%s given twice", cmd->opts[i].name);
			c.val[i] = optarg ? optarg : "";
		} else if (o == ':') {
			if (optopt >= OPT_BASE && optopt < OPT_BASE + (int)n)
				return icemig_call_usage(&c, "--%s needs a value (%s)",
							 cmd->opts[optopt - OPT_BASE].name,
							 cmd->opts[optopt - OPT_BASE].arg);
			return icemig_call_usage(&c, "option '%.64s' needs a value",
						 argv[optind - 1]);
		} else if (optopt && optopt < OPT_BASE) {
			return icemig_call_usage(&c, "invalid option '-%c'", optopt);
		} else {
			return icemig_call_usage(&c, "unknown option '%.64s'",
						 optind > 0 && argv[optind - 1] ? argv[optind - 1] :
										  "?");
		}
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; c.val[i] && j < n; j++)
			if (cmd->opts[i].group && cmd->opts[j].group == cmd->opts[i].group &&
			    c.val[j])
				return icemig_call_usage(&c, "at most one of --%s and --%s",
							 cmd->opts[i].name, cmd->opts[j].name);
	c.argc = argc - optind;
	c.argv = argv + optind;
	r = check_args(&c);
	return r >= 0 ? r : cmd->run(&c);
}

static int dispatch(const struct icemig_cmd *root, const struct icemig_cmd *cmd, const char *path,
		    const char *version, int argc, char **argv)
{
	struct icemig_call c = { .cmd = cmd, .root = root };
	const struct icemig_cmd *s;
	char sub[128];

	if (!cmd->sub)
		return run_leaf(root, cmd, path, argc, argv);
	icemig_strlcpy(c.path, path, sizeof(c.path));
	if (argc < 2)
		return icemig_call_usage(&c, "missing command");
	if (cmd == root && version && !strcmp(argv[1], "--version")) {
		printf("%s %s\n", root->name, version);
		return ICEMIG_EXIT_OK;
	}
	for (s = cmd->sub; s->name; s++) {
		if (strcmp(s->name, argv[1]))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s %s", path, s->name) >= sizeof(sub))
			return ICEMIG_EXIT_USAGE;
		return dispatch(root, s, sub, version, argc - 1, argv + 1);
	}
	/* "icemig vf help" too, unless the group has a command of that name */
	if (is_help(argv[1]) || !strcmp(argv[1], "help")) {
		icemig_cmd_help(stdout, path, cmd);
		return ICEMIG_EXIT_OK;
	}
	return icemig_call_usage(&c, "unknown command '%.64s'", argv[1]);
}

int icemig_cmd_main(const struct icemig_cmd *root, const char *version, int argc, char **argv)
{
	return dispatch(root, root, root->name, version, argc, argv);
}

const struct icemig_cmd *icemig_cmd_find(const struct icemig_cmd *root, char **words, int n)
{
	const struct icemig_cmd *c = root, *s;
	int i;

	for (i = 0; i < n; i++) {
		for (s = c->sub; s && s->name && strcmp(s->name, words[i]); s++)
			;
		if (!s || !s->name)
			return NULL;
		c = s;
	}
	return c;
}

/* ---- the tables as JSON ------------------------------------------------------------ */

static struct json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *opt_json(const struct icemig_cmd *cmd, size_t i, const char *name,
				    const char *shortname, const char *arg, const char *help)
{
	struct json_object *o = json_object_new_object(), *ex = json_object_new_array();
	char buf[80];
	size_t j, n = nopts(cmd);

	snprintf(buf, sizeof(buf), "--%s", name);
	json_object_object_add(o, "name", json_object_new_string(buf));
	json_object_object_add(o, "short", jstr_or_null(shortname));
	json_object_object_add(o, "argument", jstr_or_null(arg));
	json_object_object_add(o, "help", jstr_or_null(help));
	for (j = 0; i < n && j < n; j++) {
		if (j == i || !cmd->opts[i].group || cmd->opts[j].group != cmd->opts[i].group)
			continue;
		snprintf(buf, sizeof(buf), "--%s", cmd->opts[j].name);
		json_object_array_add(ex, json_object_new_string(buf));
	}
	json_object_object_add(o, "excludes", ex);
	return o;
}

static void cmds_json(struct json_object *arr, const char *prefix, const struct icemig_cmd *group)
{
	const struct icemig_cmd *c;
	struct json_object *o, *a, *opts;
	char path[128], usage[512], full[700];
	size_t i;

	for (c = group->sub; c && c->name; c++) {
		snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? " " : "", c->name);
		if (c->sub) {
			cmds_json(arr, path, c);
			continue;
		}
		if (icemig_cmd_usage(c, usage, sizeof(usage)) < 0)
			usage[0] = '\0';
		snprintf(full, sizeof(full), "%s%s%s", path, usage[0] ? " " : "", usage);
		o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(path));
		json_object_object_add(o, "summary", jstr_or_null(c->summary));
		json_object_object_add(o, "usage", json_object_new_string(full));
		a = json_object_new_array();
		for (i = 0; i < nargs(c); i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "name", json_object_new_string(c->args[i].name));
			json_object_object_add(
				e, "optional",
				json_object_new_boolean(c->args[i].flags & ICEMIG_ARG_OPTIONAL));
			json_object_object_add(
				e, "multiple",
				json_object_new_boolean(c->args[i].flags & ICEMIG_ARG_MULTI));
			json_object_object_add(e, "help", jstr_or_null(c->args[i].help));
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "arguments", a);
		opts = json_object_new_array();
		for (i = 0; !(c->flags & ICEMIG_CMD_RAW) && i < nopts(c); i++)
			json_object_array_add(opts, opt_json(c, i, c->opts[i].name, NULL,
							     c->opts[i].arg, c->opts[i].help));
		if (c->flags & ICEMIG_CMD_JSON) {
			json_object_array_add(opts,
					      opt_json(c, (size_t)-1, "json", "-j", NULL,
						       "print the result as one line of JSON"));
			json_object_array_add(opts,
					      opt_json(c, (size_t)-1, "pretty", "-p", NULL,
						       "the same JSON, indented (implies --json)"));
		}
		json_object_object_add(o, "options", opts);
		json_object_object_add(o, "json",
				       json_object_new_boolean(c->flags & ICEMIG_CMD_JSON));
		json_object_array_add(arr, o);
	}
}

struct json_object *icemig_cmd_json(const struct icemig_cmd *root)
{
	struct json_object *doc = json_object_new_object(), *arr = json_object_new_array();

	json_object_object_add(doc, "program", json_object_new_string(root->name));
	cmds_json(arr, "", root);
	json_object_object_add(doc, "commands", arr);
	return doc;
}
