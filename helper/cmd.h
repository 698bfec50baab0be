/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: declarative command tables for the command line.
 *
 * Every command is one struct icemig_cmd: its name, a one-line summary, a
 * description, its positional arguments and its options (each with the
 * help text shown for it), and its handler; a group (vf, compat, ...) has
 * subcommands instead of a handler. The same table gives the option
 * parser, every help text (the command's own --help, the command lists of
 * its group and of `icemig --help`) and the machine-readable description
 * printed by `icemig help --json`, against which tests/unit/helper/
 * test_docs.sh checks the man page and helper/README.md. This follows
 * virsh's declarative option tables (vshCmdDef / vshCmdOptDef).
 *
 * Adding a command: one entry in the table of its group (main.c) and its
 * handler, int (*run)(struct icemig_call *c), which reads what was given
 * with icemig_call_flag() / icemig_call_str() and the positional arguments
 * in c->argv[0..c->argc-1]; the framework has already checked the number of
 * positional arguments, unknown and repeated options, missing option
 * values and mutually exclusive options (exit 2 with the usage line).
 *
 * Options every command has: -h/--help; with ICEMIG_CMD_JSON also
 * -j/--json (one JSON document, compact) and -p/--pretty (the same,
 * indented; implies --json), as iproute2's -j / -p.
 */
#ifndef ICEMIG_CMD_H
#define ICEMIG_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "util.h"

/* Exit status of every command (icemig(8), EXIT STATUS). */
#define ICEMIG_EXIT_OK 0
#define ICEMIG_EXIT_FAIL 1
#define ICEMIG_EXIT_USAGE 2

/* Most options one command may declare (its own, without -h/-j/-p). */
#define ICEMIG_CMD_OPTS_MAX 24

/* A positional argument. */
enum icemig_arg_flags {
	ICEMIG_ARG_OPTIONAL = 1, /* may be left out (only trailing ones) */
	ICEMIG_ARG_MULTI = 2, /* one or more (the last argument only) */
};

struct icemig_arg {
	const char *name; /* shown in the usage line, e.g. "PF", "BDF" */
	const char *help; /* one or more lines separated by '\n' */
	unsigned int flags; /* enum icemig_arg_flags */
};

/* An option, --NAME or --NAME VALUE. */
struct icemig_opt {
	const char *name; /* long name without the leading "--", e.g. "max-downtime" */
	const char *arg; /* placeholder of its value ("MS"); NULL: a flag without value */
	const char *help; /* one or more lines separated by '\n' */
	unsigned int group; /* nonzero: at most one option of the same group may be given */
};

enum icemig_cmd_flags {
	ICEMIG_CMD_JSON = 1, /* has --json and --pretty */
	ICEMIG_CMD_RAW = 2, /* arguments are not parsed (a lone --help excepted): the hook */
};

struct icemig_call;

struct icemig_cmd {
	const char *name;
	const char *summary; /* one line, in the command lists */
	const char *description; /* printed by --help after the usage line */
	const struct icemig_arg *args; /* terminated by a NULL name; may be NULL */
	const struct icemig_opt *opts; /* terminated by a NULL name; may be NULL */
	const char *json; /* shape of the --json document, e.g. "{\"pf\", \"vfs\": [...]}" */
	const char *notes; /* printed last by --help (exit status, environment, ...) */
	unsigned int flags; /* enum icemig_cmd_flags */
	int (*run)(struct icemig_call *c); /* returns the exit status; NULL for a group */
	const struct icemig_cmd *sub; /* a group's commands, terminated by a NULL name */
};

/* One invocation of a command, as its handler sees it. */
struct icemig_call {
	const struct icemig_cmd *cmd;
	const struct icemig_cmd *root;
	char path[128]; /* "icemig vf create" */
	int argc; /* positional arguments */
	char **argv;
	bool json; /* --json or --pretty given */
	bool pretty; /* --pretty given */
	const char *
		val[ICEMIG_CMD_OPTS_MAX]; /* per entry of cmd->opts: NULL absent, "" a flag given */
};

/** icemig_call_flag() - whether option --@name was given (@name must be in the table). */
bool icemig_call_flag(const struct icemig_call *c, const char *name);

/** icemig_call_str() - the value of option --@name, or NULL when it was not given. */
const char *icemig_call_str(const struct icemig_call *c, const char *name);

/**
 * icemig_call_usage() - report a usage error: "icemig: <message>", the usage
 * line and "Try '<path> --help'." on stderr.
 * Return: ICEMIG_EXIT_USAGE.
 */
int icemig_call_usage(const struct icemig_call *c, const char *fmt, ...) ICEMIG_PRINTF(2, 3);

/**
 * icemig_cmd_main() - parse @argv against the tables under @root and run the
 * command. "icemig", "icemig --help" and "icemig GROUP" print help;
 * "icemig --version" prints "@prog @version".
 * Return: the exit status (the handler's, or ICEMIG_EXIT_USAGE).
 */
int icemig_cmd_main(const struct icemig_cmd *root, const char *version, int argc, char **argv);

/**
 * icemig_cmd_find() - the command at @words (e.g. {"vf", "create"}) under @root.
 * Return: the command (a group when @words stop at one), or NULL.
 */
const struct icemig_cmd *icemig_cmd_find(const struct icemig_cmd *root, char **words, int n);

/**
 * icemig_cmd_usage() - the usage line of @cmd without the program and path:
 * "PF N [--force] [--no-autoprobe|--autoprobe] [--json [--pretty]]".
 * Return: the length, or -ENAMETOOLONG when @size is too small.
 */
int icemig_cmd_usage(const struct icemig_cmd *cmd, char *buf, size_t size);

/** icemig_cmd_help() - print the --help text of @cmd, whose full name is @path. */
void icemig_cmd_help(FILE *out, const char *path, const struct icemig_cmd *cmd);

/**
 * icemig_cmd_json() - every command under @root as a JSON document:
 * {"program": "icemig", "commands": [{"path": "vf create", "summary",
 * "usage": "vf create PF N ...", "arguments": [{"name", "optional": bool,
 * "multiple": bool, "help"}], "options": [{"name": "--force", "short":
 * "-j"|null, "argument": "NAME"|null, "help", "excludes": ["--x", ...]}],
 * "json": bool}, ...]} (--help left out of "options").
 */
struct json_object *icemig_cmd_json(const struct icemig_cmd *root);

#endif /* ICEMIG_CMD_H */
