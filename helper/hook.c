// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the libvirt qemu hook. See hook.h. */
#include "hook.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "pci.h"
#include "provider.h"
#include "reserve.h"
#include "sysfs.h"

/* ---- safe parsing -------------------------------------------------------- */

struct parse_guard {
	bool doctype;
};

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_guard *g = ctxt->_private;

	(void)name;
	(void)eid;
	(void)sid;
	g->doctype = true;
	xmlStopParser(ctxt);
}

static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pid,
			  const xmlChar *sid, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pid;
	(void)sid;
	(void)content;
	refuse_doctype(ctx, NULL, NULL, NULL);
}

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
static void silent_error(void *ctx, const xmlError *e)
#else
static void silent_error(void *ctx, xmlErrorPtr e)
#endif
{
	(void)ctx;
	(void)e;
}

/*
 * Parse untrusted domain XML. Options: XML_PARSE_NONET (no network), no
 * XML_PARSE_NOENT (entities never substituted), no XML_PARSE_DTDLOAD, no
 * XML_PARSE_HUGE (libxml2's size limits stay on). A DOCTYPE stops the parser
 * at once, before any entity declaration is read: libvirt never sends one.
 */
static int parse_domain_xml(const char *xml, size_t len, xmlDocPtr *out, struct icemig_err *err)
{
	struct parse_guard guard = { false };
	xmlParserCtxtPtr ctxt;
	const xmlError *e;
	char msg[256];
	xmlDocPtr doc;
	xmlNodePtr root;
	int r = 0;

	*out = NULL;
	if (len > ICEMIG_HOOK_XML_MAX || len > INT_MAX)
		return icemig_err_set(err, EFBIG,
				      "domain XML: %zu bytes, larger than the limit of %u", len,
				      ICEMIG_HOOK_XML_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return icemig_err_set(err, ENOMEM, "domain XML: cannot create parser");
	ctxt->_private = &guard;
	ctxt->sax->internalSubset = refuse_doctype;
	ctxt->sax->externalSubset = refuse_doctype;
	ctxt->sax->entityDecl = refuse_entity;
	ctxt->sax->serror = silent_error;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (guard.doctype) {
		r = icemig_err_set(
			err, EINVAL,
			"domain XML: line %d: has a DOCTYPE; refused (entity declarations are not accepted, and libvirt never sends one)",
			ctxt->input ? ctxt->input->line : 0);
		goto out;
	}
	if (!doc || !ctxt->wellFormed) {
		e = xmlCtxtGetLastError(ctxt);
		if (e && e->message) {
			icemig_strlcpy(msg, e->message, sizeof(msg));
			r = icemig_err_set(err, EINVAL, "domain XML: line %d: %s", e->line,
					   icemig_chomp(msg));
		} else {
			r = icemig_err_set(err, EINVAL, "domain XML: not well-formed");
		}
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		r = icemig_err_set(err, EINVAL, "domain XML: has a DOCTYPE; refused");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, BAD_CAST "domain") || root->ns) {
		r = icemig_err_set(err, EINVAL,
				   "domain XML: root element is <%s>, expected <domain>",
				   root ? (const char *)root->name : "(none)");
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

/* ---- finding the hostdevs ------------------------------------------------ */

struct hostdev {
	xmlNodePtr node;
	xmlNodePtr addr; /* <source><address> */
	struct icemig_bdf src;
	char desc[160]; /* "hostdev 0000:3b:02.0" for messages */
};

static xmlNodePtr child_element(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;

	for (c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST name))
			return c;
	return NULL;
}

static bool attr_is(xmlNodePtr n, const char *attr, const char *value, bool absent_ok)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST attr);
	bool r = v ? !xmlStrcmp(v, BAD_CAST value) : absent_ok;

	xmlFree(v);
	return r;
}

static bool is_ice_vfio_hostdev(xmlNodePtr n)
{
	xmlNodePtr drv;

	if (n->type != XML_ELEMENT_NODE)
		return false;
	if (!xmlStrcmp(n->name, BAD_CAST "hostdev")) {
		if (!attr_is(n, "mode", "subsystem", true) || !attr_is(n, "type", "pci", false))
			return false;
	} else if (!xmlStrcmp(n->name, BAD_CAST "interface")) {
		if (!attr_is(n, "type", "hostdev", false))
			return false;
	} else {
		return false;
	}
	drv = child_element(n, "driver");
	return drv && attr_is(drv, "model", ICEMIG_VARIANT_DRIVER, false);
}

/* Show an attribute for a message: at most 16 printable characters. */
static void attr_show(xmlNodePtr n, const char *attr, char *buf, size_t size)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST attr);
	size_t i;

	if (!v) {
		icemig_strlcpy(buf, "(missing)", size);
		return;
	}
	snprintf(buf, size, "'%.16s'", (const char *)v);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
	xmlFree(v);
}

static int hostdev_parse(xmlNodePtr n, size_t idx, struct hostdev *h, struct icemig_err *err)
{
	xmlChar *d, *b, *s, *f;
	const char *kind = (const char *)n->name;
	char sd[32], sb[32], ss[32], sf[32], name[ICEMIG_BDF_LEN];
	const char *why = NULL;
	xmlNodePtr src;
	int r;

	h->node = n;
	src = child_element(n, "source");
	h->addr = src ? child_element(src, "address") : NULL;
	if (!h->addr)
		return icemig_err_set(err, EINVAL, "%s #%zu with model='%s': no <source><address>",
				      kind, idx + 1, ICEMIG_VARIANT_DRIVER);
	d = xmlGetNoNsProp(h->addr, BAD_CAST "domain");
	b = xmlGetNoNsProp(h->addr, BAD_CAST "bus");
	s = xmlGetNoNsProp(h->addr, BAD_CAST "slot");
	f = xmlGetNoNsProp(h->addr, BAD_CAST "function");
	r = icemig_bdf_from_libvirt((const char *)d, (const char *)b, (const char *)s,
				    (const char *)f, &h->src, &why);
	xmlFree(d);
	xmlFree(b);
	xmlFree(s);
	xmlFree(f);
	if (r) {
		attr_show(h->addr, "domain", sd, sizeof(sd));
		attr_show(h->addr, "bus", sb, sizeof(sb));
		attr_show(h->addr, "slot", ss, sizeof(ss));
		attr_show(h->addr, "function", sf, sizeof(sf));
		return icemig_err_set(
			err, EINVAL,
			"%s #%zu with source address domain=%s bus=%s slot=%s function=%s: invalid PCI address: %s",
			kind, idx + 1, sd, sb, ss, sf, why);
	}
	snprintf(h->desc, sizeof(h->desc), "%s with source address %s", kind,
		 icemig_bdf_format(&h->src, name));
	return 0;
}

static int find_hostdevs(xmlDocPtr doc, struct hostdev **out, size_t *n, struct icemig_err *err)
{
	xmlNodePtr devices, c;
	struct hostdev *v = NULL, *nv;
	size_t cnt = 0;
	int r;

	*out = NULL;
	*n = 0;
	devices = child_element(xmlDocGetRootElement(doc), "devices");
	if (!devices)
		return 0;
	for (c = devices->children; c; c = c->next) {
		if (!is_ice_vfio_hostdev(c))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return icemig_err_set(err, ENOMEM, "out of memory");
		}
		v = nv;
		memset(&v[cnt], 0, sizeof(v[cnt]));
		r = hostdev_parse(c, cnt, &v[cnt], err);
		if (r) {
			free(v);
			return r;
		}
		cnt++;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- choosing local VFs ---------------------------------------------------- */

struct candidate {
	struct icemig_bdf vf;
	bool mine; /* already reserved for this domain */
	bool used; /* given to a hostdev of this XML */
};

struct pool_scan {
	struct candidate *c;
	size_t n;
	size_t provider_pfs; /* PFs listed in the providers file that exist here */
	size_t vfs; /* VFs of those PFs */
	size_t other_domain; /* reserved by another domain */
	size_t other_driver; /* bound to a driver other than ice_vfio_pci */
	size_t reclaimed; /* stale reservations of other domains removed */
};

static int scan_add(struct pool_scan *s, const struct icemig_bdf *vf, bool mine,
		    struct icemig_err *err)
{
	struct candidate *nv = realloc(s->c, (s->n + 1) * sizeof(*s->c));

	if (!nv)
		return icemig_err_set(err, ENOMEM, "out of memory");
	s->c = nv;
	s->c[s->n].vf = *vf;
	s->c[s->n].mine = mine;
	s->c[s->n].used = false;
	s->n++;
	return 0;
}

static int cmp_provider(const void *a, const void *b)
{
	return icemig_bdf_cmp(&((const struct icemig_provider *)a)->pf,
			      &((const struct icemig_provider *)b)->pf);
}

/* Candidates in a stable order: PFs by address, VFs by index. Lock held. */
static int scan_pool(struct icemig_pool *pool, struct icemig_providers *prov, const char *domain,
		     struct pool_scan *s, struct icemig_err *err)
{
	time_t now = time(NULL);
	char drv[ICEMIG_DRIVER_MAX], owner[ICEMIG_DOMAIN_MAX];
	unsigned long total, num, k;
	struct icemig_bdf vf;
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	if (prov->n)
		qsort(prov->v, prov->n, sizeof(*prov->v), cmp_provider);
	for (i = 0; i < prov->n; i++) {
		if (i && !icemig_bdf_cmp(&prov->v[i].pf, &prov->v[i - 1].pf))
			continue;
		if (icemig_pci_sriov(&prov->v[i].pf, &total, &num, NULL))
			continue;
		s->provider_pfs++;
		for (k = 0; k < num; k++) {
			if (icemig_pci_virtfn(&prov->v[i].pf, k, &vf, NULL))
				continue;
			s->vfs++;
			r = icemig_pci_get_driver(&vf, drv, sizeof(drv), err);
			if (r)
				return r;
			if (drv[0] && strcmp(drv, ICEMIG_VARIANT_DRIVER)) {
				s->other_driver++;
				continue;
			}
			r = icemig_pool_owner(&vf, owner, sizeof(owner), err);
			if (r && r != -ENOENT)
				return r;
			if (r == 0 && strcmp(owner, domain)) {
				if (!icemig_pool_stale(&vf, owner, now)) {
					s->other_domain++;
					continue;
				}
				/* reclaim: nobody will ever release it */
				r = icemig_pool_release(pool, &vf, err);
				if (r)
					return r;
				s->reclaimed++;
				r = -ENOENT;
			}
			r = scan_add(s, &vf, r == 0, err);
			if (r)
				return r;
		}
	}
	return 0;
}

static struct candidate *pick(struct pool_scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->c[i].mine && !s->c[i].used)
			return &s->c[i];
	for (i = 0; i < s->n; i++)
		if (!s->c[i].used)
			return &s->c[i];
	return NULL;
}

static int no_vf_error(const struct hostdev *h, const struct icemig_providers *prov,
		       const struct pool_scan *s, size_t taken_here, struct icemig_err *err)
{
	if (!prov->present)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: no PF has a migration provider (%s is absent: %s not loaded)",
			h->desc, prov->path, ICEMIG_VARIANT_DRIVER);
	if (s->provider_pfs == 0)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: no PF on this host has a migration provider (%s lists none)",
			h->desc, prov->path);
	if (s->vfs == 0)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: the %zu PF(s) with a migration provider have no VFs (icemig vf create)",
			h->desc, s->provider_pfs);
	return icemig_err_set(
		err, ENOSPC,
		"%s: no local VF for it: all %zu VFs of the %zu PF(s) with a migration provider are taken (%zu reserved by other domains, %zu bound to a driver other than %s, %zu given to earlier hostdevs of this domain)",
		h->desc, s->vfs, s->provider_pfs, s->other_domain, s->other_driver,
		ICEMIG_VARIANT_DRIVER, taken_here);
}

static int set_hex_attr(xmlNodePtr n, const char *attr, const char *fmt, unsigned int v,
			struct icemig_err *err)
{
	char buf[16];

	snprintf(buf, sizeof(buf), fmt, v);
	if (!xmlSetProp(n, BAD_CAST attr, BAD_CAST buf))
		return icemig_err_set(err, ENOMEM, "out of memory");
	return 0;
}

/* libvirt's own format: domain='0x0000' bus='0x01' slot='0x10' function='0x0'. */
static int rewrite_address(xmlNodePtr addr, const struct icemig_bdf *vf, struct icemig_err *err)
{
	int r;

	r = set_hex_attr(addr, "domain", "0x%04x", vf->domain, err);
	if (!r)
		r = set_hex_attr(addr, "bus", "0x%02x", vf->bus, err);
	if (!r)
		r = set_hex_attr(addr, "slot", "0x%02x", vf->dev, err);
	if (!r)
		r = set_hex_attr(addr, "function", "0x%x", vf->func, err);
	return r;
}

/* Serialise without an XML declaration, keeping the document otherwise as parsed. */
static int serialize(xmlDocPtr doc, char **out, size_t *len, struct icemig_err *err)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save;
	long r;

	if (!buf)
		return icemig_err_set(err, ENOMEM, "out of memory");
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
	if (!save) {
		xmlBufferFree(buf);
		return icemig_err_set(err, ENOMEM, "domain XML: cannot create serialiser");
	}
	r = xmlSaveDoc(save, doc);
	if (xmlSaveClose(save) < 0 || r < 0) {
		xmlBufferFree(buf);
		return icemig_err_set(err, EIO, "domain XML: cannot serialise");
	}
	*len = (size_t)xmlBufferLength(buf);
	*out = malloc(*len + 1);
	if (!*out) {
		xmlBufferFree(buf);
		return icemig_err_set(err, ENOMEM, "out of memory");
	}
	memcpy(*out, xmlBufferContent(buf), *len);
	(*out)[*len] = '\0';
	xmlBufferFree(buf);
	return 0;
}

static void undo_created(struct icemig_pool *pool, struct icemig_hook_result *res)
{
	size_t i;

	for (i = 0; i < res->ncreated; i++)
		icemig_pool_release(pool, &res->created[i], NULL);
	res->ncreated = 0;
}

int icemig_hook_migrate_begin(const char *domain, const char *xml, size_t len,
			      struct icemig_hook_result *res, struct icemig_err *err)
{
	struct icemig_providers prov = { 0 };
	struct icemig_pool pool = { .lockfd = -1 };
	struct pool_scan scan = { 0 };
	struct hostdev *hd = NULL;
	xmlDocPtr doc = NULL;
	size_t nhd = 0, i;
	int r;

	memset(res, 0, sizeof(*res));
	if (!icemig_domain_name_valid(domain))
		return icemig_err_set(
			err, EINVAL,
			"invalid domain name (empty, too long or with control characters)");
	r = parse_domain_xml(xml, len, &doc, err);
	if (r)
		return r;
	r = find_hostdevs(doc, &hd, &nhd, err);
	if (r || nhd == 0)
		goto out;
	res->assigned = calloc(nhd, sizeof(*res->assigned));
	res->created = calloc(nhd, sizeof(*res->created));
	if (!res->assigned || !res->created) {
		r = icemig_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	r = icemig_pool_lock(&pool, err);
	if (r)
		goto out;
	r = icemig_providers_load(&prov, err);
	if (r)
		goto out;
	r = scan_pool(&pool, &prov, domain, &scan, err);
	if (r)
		goto out;
	for (i = 0; i < nhd; i++) {
		struct candidate *c = pick(&scan);
		bool created;

		if (!c) {
			r = no_vf_error(&hd[i], &prov, &scan, i, err);
			goto out;
		}
		c->used = true;
		r = icemig_pool_reserve(&pool, &c->vf, domain, &created, err);
		if (r) {
			icemig_err_prefix(err, "%s", hd[i].desc);
			goto out;
		}
		if (created)
			res->created[res->ncreated++] = c->vf;
		res->assigned[i] = c->vf;
		r = rewrite_address(hd[i].addr, &c->vf, err);
		if (r)
			goto out;
	}
	r = serialize(doc, &res->xml, &res->len, err);
	if (r)
		goto out;
	res->nhostdevs = nhd;
out:
	if (r && pool.lockfd >= 0)
		undo_created(&pool, res);
	icemig_pool_unlock(&pool);
	icemig_providers_free(&prov);
	free(scan.c);
	free(hd);
	xmlFreeDoc(doc);
	return r;
}

int icemig_hook_undo(const struct icemig_hook_result *res, struct icemig_err *err)
{
	struct icemig_pool pool;
	size_t i;
	int r;

	if (!res->ncreated)
		return 0;
	r = icemig_pool_lock(&pool, err);
	if (r)
		return r;
	for (i = 0; i < res->ncreated && !r; i++)
		r = icemig_pool_release(&pool, &res->created[i], err);
	icemig_pool_unlock(&pool);
	return r;
}

void icemig_hook_result_free(struct icemig_hook_result *res)
{
	free(res->xml);
	free(res->assigned);
	free(res->created);
	memset(res, 0, sizeof(*res));
}

int icemig_hook_release(const char *domain, unsigned int *count, struct icemig_err *err)
{
	struct icemig_pool pool;
	int r;

	if (!icemig_domain_name_valid(domain))
		return icemig_err_set(
			err, EINVAL,
			"invalid domain name (empty, too long or with control characters)");
	r = icemig_pool_lock(&pool, err);
	if (r)
		return r;
	r = icemig_pool_release_domain(&pool, domain, count, err);
	icemig_pool_unlock(&pool);
	return r;
}

int icemig_hook_run(const char *domain, const char *op, const char *subop, const char *extra,
		    int in_fd, FILE *out, struct icemig_err *err)
{
	struct icemig_hook_result res;
	struct icemig_err e2;
	char *xml = NULL;
	size_t len = 0;
	int r;

	(void)extra;
	if (!strcmp(op, "release") && !strcmp(subop, "end"))
		return icemig_hook_release(domain, NULL, err);
	if (strcmp(op, "migrate") || strcmp(subop, "begin"))
		return 0;

	r = icemig_read_fd_capped(in_fd, ICEMIG_HOOK_XML_MAX, "domain XML on stdin", &xml, &len,
				  err);
	if (r)
		return r;
	r = icemig_hook_migrate_begin(domain, xml, len, &res, err);
	free(xml);
	if (r) {
		icemig_err_prefix(err, "migrate begin for domain '%s'", domain);
		return r;
	}
	if (res.xml && (fwrite(res.xml, 1, res.len, out) != res.len || fflush(out) == EOF)) {
		r = icemig_err_set(
			err, EIO, "migrate begin for domain '%s': writing the XML to stdout failed",
			domain);
		if (icemig_hook_undo(&res, &e2))
			icemig_err_append(err, "; removing its reservations failed too: %s",
					  e2.msg);
	}
	icemig_hook_result_free(&res);
	return r;
}
