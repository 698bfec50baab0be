/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: command output. Every command builds one json-c document
 * with its result; `--json` prints that document, and the text form is
 * rendered from the same document (a command may supply its own text
 * renderer for a terser form). So the two never disagree.
 */
#ifndef ICEMIG_OUT_H
#define ICEMIG_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

typedef void (*icemig_text_fn)(struct json_object *doc, FILE *out);

/**
 * icemig_out_print() - print @doc as JSON (@json true: one line, or indented
 * when @pretty; slashes not escaped; one trailing newline) or as text
 * (@text, or icemig_text_generic()).
 * Return: 0, or -EIO when writing failed.
 */
int icemig_out_print(struct json_object *doc, bool json, bool pretty, icemig_text_fn text,
		     FILE *out);

/**
 * icemig_text_generic() - indented "key: value" text of a JSON value:
 * objects one member per line (nested objects indented by two spaces),
 * arrays of scalars joined by ", ", arrays of objects one "- " item per
 * element ("- key=value ..." on one line when its members are scalars),
 * null as "-", booleans as yes/no.
 */
void icemig_text_generic(struct json_object *doc, FILE *out);

/** icemig_text_render() - icemig_text_generic() with every line indented by @indent spaces. */
void icemig_text_render(struct json_object *doc, FILE *out, int indent);

/** icemig_text_value() - a scalar JSON value as text ("-" for null). */
const char *icemig_text_value(struct json_object *v);

/* Small helpers for building documents; NULL @s gives JSON null. */
void icemig_json_str(struct json_object *o, const char *key, const char *s);
void icemig_json_int(struct json_object *o, const char *key, long long v);
void icemig_json_bool(struct json_object *o, const char *key, bool v);

#endif /* ICEMIG_OUT_H */
