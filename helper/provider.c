// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: PF-side migration providers. See provider.h. */
#include "provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

#define PROVIDERS_FILE_MAX 65536

static bool provider_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len >= ICEMIG_PROVIDER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int parse_line(struct icemig_providers *p, char *line, unsigned int lineno,
		      struct icemig_err *err)
{
	struct icemig_provider *nv;
	char *save = NULL, *pf, *name, *extra;

	pf = strtok_r(line, " \t", &save);
	if (!pf)
		return 0; /* blank line */
	name = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!name || extra)
		return icemig_err_set(err, EINVAL, "%s: line %u: expected '<PF BDF> <provider>'",
				      p->path, lineno);
	nv = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	if (!nv)
		return icemig_err_set(err, ENOMEM, "%s: out of memory", p->path);
	p->v = nv;
	if (icemig_bdf_parse(pf, &nv[p->n].pf))
		return icemig_err_set(err, EINVAL, "%s: line %u: '%.32s' is not a PCI address",
				      p->path, lineno, pf);
	if (!provider_name_valid(name))
		return icemig_err_set(err, EINVAL, "%s: line %u: invalid provider name '%.64s'",
				      p->path, lineno, name);
	icemig_strlcpy(nv[p->n].name, name, sizeof(nv[p->n].name));
	p->n++;
	return 0;
}

int icemig_providers_load(struct icemig_providers *p, struct icemig_err *err)
{
	unsigned int lineno = 0;
	char *buf, *line, *next;
	int r;

	memset(p, 0, sizeof(*p));
	r = icemig_sysfs_path(p->path, sizeof(p->path), err, "bus/pci/drivers/%s/providers",
			      ICEMIG_VARIANT_DRIVER);
	if (r)
		return r;
	if (!icemig_sysfs_exists(p->path))
		return 0;
	buf = malloc(PROVIDERS_FILE_MAX);
	if (!buf)
		return icemig_err_set(err, ENOMEM, "%s: out of memory", p->path);
	r = icemig_sysfs_read(p->path, buf, PROVIDERS_FILE_MAX, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	p->present = true;
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = parse_line(p, line, ++lineno, err);
		if (r)
			break;
	}
	free(buf);
	return r < 0 ? r : 0;
}

const char *icemig_providers_find(const struct icemig_providers *p, const struct icemig_bdf *pf)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!icemig_bdf_cmp(&p->v[i].pf, pf))
			return p->v[i].name;
	return NULL;
}

void icemig_providers_free(struct icemig_providers *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
