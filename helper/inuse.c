// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: who uses a VF. See inuse.h. */
#include "inuse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "domxml.h"
#include "sysfs.h"

static void users_add(struct icemig_users *u, const struct icemig_bdf *b, const char *name)
{
	void *nb, *nd;

	nb = realloc(u->bdf, (u->n + 1) * sizeof(*u->bdf));
	if (!nb)
		return;
	u->bdf = nb;
	nd = realloc(u->domain, (u->n + 1) * sizeof(*u->domain));
	if (!nd)
		return;
	u->domain = nd;
	u->bdf[u->n] = *b;
	icemig_strlcpy(u->domain[u->n], name, ICEMIG_DOMAIN_MAX);
	u->n++;
}

static xmlChar *prop(xmlNodePtr n, const char *name)
{
	return n ? xmlGetNoNsProp(n, BAD_CAST name) : NULL;
}

/* <interface type='network'><actual type='hostdev'><source><address .../> */
static void add_actual_hostdevs(struct icemig_users *u, xmlNodePtr dom, const char *name)
{
	xmlNodePtr devs = icemig_xml_child(dom, "devices"), c, act, addr;
	xmlChar *t, *d, *b, *s, *f;
	struct icemig_bdf bdf;
	const char *why;
	int r;

	for (c = devs ? devs->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "interface"))
			continue;
		act = icemig_xml_child(c, "actual");
		t = prop(act, "type");
		r = t && !xmlStrcmp(t, BAD_CAST "hostdev");
		xmlFree(t);
		if (!r)
			continue;
		addr = icemig_xml_child(icemig_xml_child(act, "source"), "address");
		if (!addr)
			continue;
		d = prop(addr, "domain");
		b = prop(addr, "bus");
		s = prop(addr, "slot");
		f = prop(addr, "function");
		r = icemig_bdf_from_libvirt((const char *)d, (const char *)b, (const char *)s,
					    (const char *)f, &bdf, &why);
		xmlFree(d);
		xmlFree(b);
		xmlFree(s);
		xmlFree(f);
		if (!r)
			users_add(u, &bdf, name);
	}
}

static void users_add_file(struct icemig_users *u, const char *path, const char *file_name)
{
	struct icemig_hostdev *hd = NULL;
	char name[ICEMIG_DOMAIN_MAX];
	char *xml = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr dom;
	size_t len = 0, nhd = 0, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	if (icemig_read_fd_capped(fd, ICEMIG_XML_MAX, path, &xml, &len, NULL)) {
		close(fd);
		return;
	}
	close(fd);
	if (icemig_xml_parse(xml, len, path, "domstatus", &doc, NULL))
		goto out;
	dom = icemig_xml_child(xmlDocGetRootElement(doc), "domain");
	if (!dom)
		goto out;
	icemig_xml_domain_name(dom, name, sizeof(name));
	if (!name[0]) /* the file is named after the domain */
		icemig_strlcpy(name, file_name, sizeof(name));
	if (!icemig_xml_hostdevs(dom, ICEMIG_HOSTDEVS_ALL, &hd, &nhd, NULL))
		for (i = 0; i < nhd; i++)
			users_add(u, &hd[i].src, name);
	add_actual_hostdevs(u, dom, name);
out:
	free(hd);
	xmlFreeDoc(doc);
	free(xml);
}

void icemig_users_load(struct icemig_users *u)
{
	const char *sd = icemig_libvirt_statedir();
	char path[ICEMIG_PATH_MAX], name[ICEMIG_DOMAIN_MAX];
	struct dirent *de;
	DIR *d = opendir(sd);
	size_t l;

	memset(u, 0, sizeof(*u));
	if (!d)
		return;
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".xml") ||
		    l - 4 >= sizeof(name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", sd, de->d_name) >= sizeof(path))
			continue;
		memcpy(name, de->d_name, l - 4);
		name[l - 4] = '\0';
		users_add_file(u, path, name);
	}
	closedir(d);
}

void icemig_users_free(struct icemig_users *u)
{
	free(u->bdf);
	free(u->domain);
	memset(u, 0, sizeof(*u));
}

const char *icemig_users_find(const struct icemig_users *u, const struct icemig_bdf *vf,
			      const char *self)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (!icemig_bdf_cmp(&u->bdf[i], vf) && (!self || strcmp(u->domain[i], self)))
			return u->domain[i];
	return NULL;
}

int icemig_vf_user(const struct icemig_users *u, const struct icemig_bdf *vf, const char *self,
		   struct icemig_use *use, struct icemig_err *err)
{
	struct icemig_users local;
	const char *who;
	char owner[ICEMIG_DOMAIN_MAX];
	int r;

	memset(use, 0, sizeof(*use));
	if (!u) {
		icemig_users_load(&local);
		who = icemig_users_find(&local, vf, self);
		if (who)
			icemig_strlcpy(use->domain, who, sizeof(use->domain));
		icemig_users_free(&local);
	} else {
		who = icemig_users_find(u, vf, self);
		if (who)
			icemig_strlcpy(use->domain, who, sizeof(use->domain));
	}
	if (who) {
		use->kind = ICEMIG_USE_RUNNING;
		return 0;
	}
	r = icemig_pool_owner(vf, owner, sizeof(owner), err);
	if (r == -ENOENT)
		return 0;
	if (r)
		return r;
	if ((self && !strcmp(owner, self)) || icemig_pool_stale(vf, owner, time(NULL)))
		return 0;
	use->kind = icemig_pool_pending(vf) ? ICEMIG_USE_PENDING : ICEMIG_USE_RESERVED;
	icemig_strlcpy(use->domain, owner[0] ? owner : "?", sizeof(use->domain));
	return 0;
}

int icemig_vf_check_free(const struct icemig_users *u, const struct icemig_bdf *vf,
			 const char *self, struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];
	struct icemig_use use;
	int r;

	r = icemig_vf_user(u, vf, self, &use, err);
	if (r)
		return r;
	icemig_bdf_format(vf, name);
	switch (use.kind) {
	case ICEMIG_USE_NONE:
		return 0;
	case ICEMIG_USE_RUNNING:
		return icemig_err_set(
			err, EBUSY,
			"VF %s is in use by domain '%s' (a host device of the running domain, libvirt status file %s/%s.xml)",
			name, use.domain, icemig_libvirt_statedir(), use.domain);
	case ICEMIG_USE_RESERVED:
		return icemig_err_set(err, EBUSY,
				      "VF %s is in use by domain '%s' (reserved for it)", name,
				      use.domain);
	case ICEMIG_USE_PENDING:
		break;
	}
	return icemig_err_set(
		err, EBUSY, "VF %s is in use by domain '%s' (reserved for its incoming migration)",
		name, use.domain);
}
