// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: command output. See out.h. */
#include "out.h"

#include <errno.h>
#include <string.h>

void icemig_json_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void icemig_json_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void icemig_json_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

const char *icemig_text_value(struct json_object *v)
{
	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "yes" : "no";
	return json_object_get_string(v);
}

static bool scalar(struct json_object *v)
{
	return !v || (!json_object_is_type(v, json_type_object) &&
		      !json_object_is_type(v, json_type_array));
}

static void render(struct json_object *v, FILE *out, int indent);

static bool flat_object(struct json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_object))
		return false;
	json_object_object_foreach(o, key, val)
	{
		(void)key;
		if (!scalar(val))
			return false;
	}
	return true;
}

static void render_array(struct json_object *a, FILE *out, int indent)
{
	size_t i, n = json_object_array_length(a);
	bool all_scalar = true;

	for (i = 0; i < n; i++)
		all_scalar = all_scalar && scalar(json_object_array_get_idx(a, i));
	if (all_scalar) {
		for (i = 0; i < n; i++)
			fprintf(out, "%s%s", i ? ", " : "",
				icemig_text_value(json_object_array_get_idx(a, i)));
		fputc('\n', out);
		return;
	}
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		const char *sep = " ";

		fprintf(out, "%*s-", indent, "");
		if (scalar(e)) {
			fprintf(out, " %s\n", icemig_text_value(e));
			continue;
		}
		if (flat_object(e)) {
			/* a flat object on one line: "- key=value key=value" */
			json_object_object_foreach(e, key, val)
			{
				fprintf(out, "%s%s=%s", sep, key, icemig_text_value(val));
				sep = " ";
			}
			fputc('\n', out);
			continue;
		}
		fputc('\n', out);
		render(e, out, indent + 2);
	}
}

static void render(struct json_object *v, FILE *out, int indent)
{
	if (json_object_is_type(v, json_type_array)) {
		fprintf(out, "%*s", indent, "");
		render_array(v, out, indent);
		return;
	}
	json_object_object_foreach(v, key, val)
	{
		fprintf(out, "%*s%s:", indent, "", key);
		if (scalar(val)) {
			fprintf(out, " %s\n", icemig_text_value(val));
		} else if (json_object_is_type(val, json_type_array)) {
			if (json_object_array_length(val) == 0) {
				fputs(" -\n", out);
				continue;
			}
			if (scalar(json_object_array_get_idx(val, 0)))
				fputc(' ', out);
			render_array(val, out, indent + 2);
		} else {
			fputc('\n', out);
			render(val, out, indent + 2);
		}
	}
}

void icemig_text_render(struct json_object *doc, FILE *out, int indent)
{
	if (scalar(doc))
		fprintf(out, "%*s%s\n", indent, "", icemig_text_value(doc));
	else
		render(doc, out, indent);
}

void icemig_text_generic(struct json_object *doc, FILE *out)
{
	icemig_text_render(doc, out, 0);
}

int icemig_out_print(struct json_object *doc, bool json, bool pretty, icemig_text_fn text,
		     FILE *out)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	if (pretty)
		flags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	if (json)
		fprintf(out, "%s\n", json_object_to_json_string_ext(doc, flags));
	else if (text)
		text(doc, out);
	else
		icemig_text_generic(doc, out);
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return 0;
}
