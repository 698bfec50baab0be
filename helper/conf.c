// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the configuration file. See conf.h. */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provider.h"
#include "reserve.h"

const char *icemig_conf_path(void)
{
	const char *p = getenv("ICEMIG_CONF");

	return (p && *p) ? p : ICEMIG_CONF_DEFAULT;
}

void icemig_conf_defaults(struct icemig_conf *c)
{
	memset(c, 0, sizeof(*c));
	icemig_strlcpy(c->driver, ICEMIG_VARIANT_DRIVER, sizeof(c->driver));
	c->autoprobe = false;
	c->force = false;
	c->on_release = ICEMIG_RELEASE_KEEP;
	c->pending_seconds = ICEMIG_PENDING_SECONDS_DEFAULT;
	c->stale_seconds = ICEMIG_STALE_SECONDS_DEFAULT;
}

void icemig_conf_free(struct icemig_conf *c)
{
	free(c->pfs);
	c->pfs = NULL;
	c->npfs = 0;
}

const char *icemig_on_release_name(enum icemig_on_release r)
{
	switch (r) {
	case ICEMIG_RELEASE_RESTORE:
		return "restore";
	case ICEMIG_RELEASE_REBIND:
		return "rebind";
	case ICEMIG_RELEASE_KEEP:
		break;
	}
	return "keep";
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

struct parser {
	struct icemig_conf *c;
	const char *path;
	unsigned int line;
	struct icemig_conf_pf *pf; /* current section, NULL: [global] */
	struct icemig_err *err;
};

static int bad(struct parser *p, const char *fmt, const char *a, const char *b)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, a, b);
	return icemig_err_set(p->err, EINVAL, "%s: line %u: %s", p->path, p->line, msg);
}

static int section(struct parser *p, char *hdr)
{
	struct icemig_conf *c = p->c;
	struct icemig_conf_pf *nv, *pf;
	struct icemig_bdf b;
	char *name;
	size_t i;

	if (!strcmp(hdr, "global")) {
		p->pf = NULL;
		return 0;
	}
	if (strncmp(hdr, "pf", 2) || (hdr[2] != ' ' && hdr[2] != '\t'))
		return bad(p, "unknown section [%.64s]; expected [global] or [pf NAME]", hdr, "");
	name = trim(hdr + 3);
	if (icemig_bdf_parse(name, &b) && !icemig_ifname_valid(name))
		return bad(p, "[pf %.64s]: not a PCI address DDDD:BB:DD.F or an interface name",
			   name, "");
	for (i = 0; i < c->npfs; i++)
		if (!strcmp(c->pfs[i].name, name))
			return bad(p, "[pf %s] appears twice", name, "");
	if (c->npfs >= ICEMIG_CONF_PFS_MAX)
		return bad(p, "more than %s [pf] sections", "256", "");
	nv = realloc(c->pfs, (c->npfs + 1) * sizeof(*nv));
	if (!nv)
		return icemig_err_set(p->err, ENOMEM, "%s: out of memory", p->path);
	c->pfs = nv;
	pf = &nv[c->npfs++];
	memset(pf, 0, sizeof(*pf));
	icemig_strlcpy(pf->name, name, sizeof(pf->name));
	pf->line = p->line;
	pf->autoprobe = ICEMIG_UNSET;
	pf->trust = ICEMIG_UNSET;
	pf->spoofchk = ICEMIG_UNSET;
	p->pf = pf;
	return 0;
}

static int tristate(struct parser *p, const char *key, const char *v, enum icemig_tristate *out)
{
	bool b;

	if (parse_bool(v, &b))
		return bad(p, "%s = '%.64s': expected yes or no (on/off, true/false, 1/0)", key, v);
	*out = b ? ICEMIG_ON : ICEMIG_OFF;
	return 0;
}

static int driver_value(struct parser *p, const char *v, char *out)
{
	if (!icemig_driver_name_valid(v))
		return bad(p, "driver = '%.64s': not a valid driver name", v, "");
	icemig_strlcpy(out, v, ICEMIG_DRIVER_MAX);
	return 0;
}

static int key_value(struct parser *p, char *key, char *v)
{
	struct icemig_conf *c = p->c;
	enum icemig_tristate t;
	unsigned long n;
	int r;

	if (!*key)
		return bad(p, "'=' without a key", "", "");
	if (!p->pf) {
		if (!strcmp(key, "driver"))
			return driver_value(p, v, c->driver);
		if (!strcmp(key, "autoprobe") || !strcmp(key, "force")) {
			r = tristate(p, key, v, &t);
			if (!r)
				*(key[0] == 'a' ? &c->autoprobe : &c->force) = (t == ICEMIG_ON);
			return r;
		}
		if (!strcmp(key, "on_release")) {
			if (!strcmp(v, "keep"))
				c->on_release = ICEMIG_RELEASE_KEEP;
			else if (!strcmp(v, "restore"))
				c->on_release = ICEMIG_RELEASE_RESTORE;
			else if (!strcmp(v, "rebind"))
				c->on_release = ICEMIG_RELEASE_REBIND;
			else
				return bad(p,
					   "on_release = '%.64s': expected keep, restore or rebind",
					   v, "");
			return 0;
		}
		if (!strcmp(key, "pending_seconds") || !strcmp(key, "stale_seconds")) {
			if (icemig_parse_ulong(v, 10, ICEMIG_LAPSE_MAX, &n) || n == 0)
				return bad(p, "%s = '%.64s': expected seconds, 1..86400", key, v);
			*(key[0] == 'p' ? &c->pending_seconds : &c->stale_seconds) = n;
			return 0;
		}
		return bad(p, "unknown key '%.64s' in [global]", key, "");
	}
	if (!strcmp(key, "vfs")) {
		if (icemig_parse_ulong(v, 10, 65535, &n) || n == 0)
			return bad(p, "vfs = '%.64s': expected a number of VFs, 1..65535", v, "");
		p->pf->vfs = n;
		return 0;
	}
	if (!strcmp(key, "driver"))
		return driver_value(p, v, p->pf->driver);
	if (!strcmp(key, "autoprobe"))
		return tristate(p, key, v, &p->pf->autoprobe);
	if (!strcmp(key, "trust"))
		return tristate(p, key, v, &p->pf->trust);
	if (!strcmp(key, "spoofchk"))
		return tristate(p, key, v, &p->pf->spoofchk);
	return bad(p, "unknown key '%.64s' in [pf %.64s]", key, p->pf->name);
}

static int check_pfs(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->c->npfs; i++) {
		if (p->c->pfs[i].vfs)
			continue;
		p->line = p->c->pfs[i].line;
		return bad(p, "[pf %s] has no 'vfs = N'", p->c->pfs[i].name, "");
	}
	return 0;
}

int icemig_conf_parse(struct icemig_conf *c, const char *text, size_t len, const char *path,
		      struct icemig_err *err)
{
	struct parser p = { .c = c, .path = path, .line = 0, .pf = NULL, .err = err };
	char *buf, *line, *next, *s, *eq;
	int r = 0;

	icemig_conf_defaults(c);
	icemig_strlcpy(c->path, path, sizeof(c->path));
	if (len > ICEMIG_CONF_MAX)
		return icemig_err_set(err, EFBIG, "%s: larger than the limit of %u bytes", path,
				      ICEMIG_CONF_MAX);
	if (memchr(text, '\0', len))
		return icemig_err_set(err, EINVAL, "%s: contains a NUL byte; not a text file",
				      path);
	buf = malloc(len + 1);
	if (!buf)
		return icemig_err_set(err, ENOMEM, "%s: out of memory", path);
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = buf; line && !r; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t l = strlen(s);

			if (s[l - 1] != ']') {
				r = bad(&p, "section header without ']'", "", "");
				break;
			}
			s[l - 1] = '\0';
			r = section(&p, trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			r = bad(&p, "expected 'key = value', '[section]' or a comment, not '%.64s'",
				s, "");
			break;
		}
		*eq = '\0';
		r = key_value(&p, trim(s), trim(eq + 1));
	}
	free(buf);
	if (!r)
		r = check_pfs(&p);
	return r;
}

int icemig_conf_load(struct icemig_conf *c, struct icemig_err *err)
{
	const char *path = icemig_conf_path();
	const char *env = getenv("ICEMIG_CONF");
	bool named = env && *env;
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	icemig_conf_defaults(c);
	icemig_strlcpy(c->path, path, sizeof(c->path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !named)
			return 0;
		if (errno == ENOENT)
			return icemig_err_set(err, ENOENT, "%s (ICEMIG_CONF): no such file", path);
		return icemig_err_set(err, errno, "%s: cannot open: %s", path, strerror(errno));
	}
	r = icemig_read_fd_capped(fd, ICEMIG_CONF_MAX, path, &text, &len, err);
	close(fd);
	if (r)
		return r;
	r = icemig_conf_parse(c, text, len, path, err);
	free(text);
	if (!r)
		c->present = true;
	return r;
}

const char *icemig_conf_pf_driver(const struct icemig_conf *c, const struct icemig_conf_pf *pf)
{
	return pf && pf->driver[0] ? pf->driver : c->driver;
}

bool icemig_conf_pf_autoprobe(const struct icemig_conf *c, const struct icemig_conf_pf *pf)
{
	if (pf && pf->autoprobe != ICEMIG_UNSET)
		return pf->autoprobe == ICEMIG_ON;
	return c->autoprobe;
}

const struct icemig_conf_pf *icemig_conf_find_pf(const struct icemig_conf *c,
						 const struct icemig_bdf *bdf)
{
	struct icemig_bdf b;
	size_t i;

	for (i = 0; i < c->npfs; i++) {
		if (icemig_bdf_parse(c->pfs[i].name, &b) &&
		    icemig_netdev_pci(c->pfs[i].name, &b, NULL))
			continue;
		if (!icemig_bdf_cmp(&b, bdf))
			return &c->pfs[i];
	}
	return NULL;
}
