// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: libvirt domain XML. See domxml.h. */
#include "domxml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlversion.h>

#include "desc.h"
#include "provider.h"

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

int icemig_xml_parse(const char *xml, size_t len, const char *what, const char *root_name,
		     xmlDocPtr *out, struct icemig_err *err)
{
	struct parse_guard guard = { false };
	xmlParserCtxtPtr ctxt;
	const xmlError *e;
	char msg[256];
	xmlDocPtr doc;
	xmlNodePtr root;
	int r = 0;

	*out = NULL;
	if (len > ICEMIG_XML_MAX || len > INT_MAX)
		return icemig_err_set(err, EFBIG, "%s: %zu bytes, larger than the limit of %u",
				      what, len, ICEMIG_XML_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return icemig_err_set(err, ENOMEM, "%s: cannot create parser", what);
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
			"%s: line %d: has a DOCTYPE; refused (entity declarations are not accepted, and libvirt never sends one)",
			what, ctxt->input ? ctxt->input->line : 0);
		goto out;
	}
	if (!doc || !ctxt->wellFormed) {
		e = xmlCtxtGetLastError(ctxt);
		if (e && e->message) {
			icemig_strlcpy(msg, e->message, sizeof(msg));
			r = icemig_err_set(err, EINVAL, "%s: line %d: %s", what, e->line,
					   icemig_chomp(msg));
		} else {
			r = icemig_err_set(err, EINVAL, "%s: not well-formed", what);
		}
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		r = icemig_err_set(err, EINVAL, "%s: has a DOCTYPE; refused", what);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, BAD_CAST root_name) || root->ns) {
		r = icemig_err_set(err, EINVAL, "%s: root element is <%.64s>, expected <%s>", what,
				   root ? (const char *)root->name : "(none)", root_name);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

/* ---- host devices ---------------------------------------------------------- */

xmlNodePtr icemig_xml_child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && !xmlStrcmp(c->name, BAD_CAST name))
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

/* 1: a PCI host device (*iface set), 0: another element. */
static int is_pci_hostdev(xmlNodePtr n, bool *iface)
{
	if (n->type != XML_ELEMENT_NODE || n->ns)
		return 0;
	if (!xmlStrcmp(n->name, BAD_CAST "hostdev")) {
		*iface = false;
		return attr_is(n, "mode", "subsystem", true) && attr_is(n, "type", "pci", false);
	}
	if (!xmlStrcmp(n->name, BAD_CAST "interface")) {
		*iface = true;
		return attr_is(n, "type", "hostdev", false);
	}
	return 0;
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

static int hostdev_parse(xmlNodePtr n, bool iface, size_t idx, struct icemig_hostdev *h,
			 struct icemig_err *err)
{
	const char *kind = iface ? "interface" : "hostdev";
	char sd[32], sb[32], ss[32], sf[32], name[ICEMIG_BDF_LEN];
	xmlChar *d, *b, *s, *f, *a;
	const char *why = NULL;
	xmlNodePtr src, drv, alias;
	int r;

	memset(h, 0, sizeof(*h));
	h->node = n;
	h->is_interface = iface;
	drv = icemig_xml_child(n, "driver");
	h->ice = drv && attr_is(drv, "model", ICEMIG_VARIANT_DRIVER, false);
	if (!drv) {
		h->no_model = true;
	} else {
		xmlChar *m = xmlGetNoNsProp(drv, BAD_CAST "model");

		h->no_model = !m && attr_is(drv, "name", "vfio", true);
		xmlFree(m);
	}
	h->managed = attr_is(n, "managed", "yes", false);
	alias = icemig_xml_child(n, "alias");
	a = alias ? xmlGetNoNsProp(alias, BAD_CAST "name") : NULL;
	if (a)
		icemig_strlcpy(h->alias, (const char *)a, sizeof(h->alias));
	xmlFree(a);
	src = icemig_xml_child(n, "source");
	h->addr = src ? icemig_xml_child(src, "address") : NULL;
	if (!h->addr)
		return icemig_err_set(err, EINVAL, "%s #%zu%s: no <source><address>", kind, idx + 1,
				      h->ice ? " with model='" ICEMIG_VARIANT_DRIVER "'" : "");
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

int icemig_xml_hostdevs(xmlNodePtr domain, enum icemig_hostdevs_which which,
			struct icemig_hostdev **out, size_t *n, struct icemig_err *err)
{
	bool only_ice = which != ICEMIG_HOSTDEVS_ALL;
	bool no_model = which == ICEMIG_HOSTDEVS_ICE_OR_NO_MODEL;
	struct icemig_hostdev *v = NULL, *nv, h;
	xmlNodePtr devices, c;
	size_t cnt = 0, idx = 0;
	bool iface;
	int r;

	*out = NULL;
	*n = 0;
	devices = icemig_xml_child(domain, "devices");
	for (c = devices ? devices->children : NULL; c; c = c->next) {
		if (!is_pci_hostdev(c, &iface))
			continue;
		r = hostdev_parse(c, iface, idx++, &h, err);
		if (r && (!only_ice || h.ice)) {
			free(v);
			return r;
		}
		if (r || (only_ice && !h.ice && !(no_model && h.no_model)))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return icemig_err_set(err, ENOMEM, "out of memory");
		}
		v = nv;
		v[cnt++] = h;
	}
	*out = v;
	*n = cnt;
	return 0;
}

void icemig_xml_domain_name(xmlNodePtr domain, char *buf, size_t size)
{
	xmlNodePtr n = icemig_xml_child(domain, "name");
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;

	icemig_strlcpy(buf, t ? (const char *)t : "", size);
	xmlFree(t);
}

/* ---- icemig metadata --------------------------------------------------------- */

static bool is_ns_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !xmlStrcmp(n->ns->href, BAD_CAST ICEMIG_XMLNS) && !xmlStrcmp(n->name, BAD_CAST name);
}

int icemig_xml_meta_read(xmlNodePtr domain, struct icemig_meta_vf **out, size_t *n,
			 struct icemig_err *err)
{
	struct icemig_meta_vf *v = NULL, *nv;
	xmlNodePtr meta, vfs = NULL, c;
	char what[96], name[ICEMIG_BDF_LEN];
	size_t cnt = 0, idx = 0, i;
	xmlChar *src, *text;
	int r = 0;

	*out = NULL;
	*n = 0;
	meta = icemig_xml_child(domain, "metadata");
	for (c = meta ? meta->children : NULL; c; c = c->next)
		if (is_ns_elem(c, "vfs")) {
			vfs = c;
			break;
		}
	for (c = vfs ? vfs->children : NULL; c; c = c->next) {
		if (!is_ns_elem(c, "vf"))
			continue;
		idx++;
		if (cnt >= ICEMIG_META_MAX) {
			r = icemig_err_set(err, EINVAL,
					   "icemig metadata: more than %u <vf> entries",
					   ICEMIG_META_MAX);
			break;
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			r = icemig_err_set(err, ENOMEM, "out of memory");
			break;
		}
		v = nv;
		src = xmlGetNoNsProp(c, BAD_CAST "source");
		if (!src || icemig_bdf_parse((const char *)src, &v[cnt].src)) {
			r = icemig_err_set(
				err, EINVAL,
				"icemig metadata: <vf> #%zu: source %s%.16s%s is not a PCI address DDDD:BB:DD.F",
				idx, src ? "'" : "", src ? (const char *)src : "(missing)",
				src ? "'" : "");
			xmlFree(src);
			break;
		}
		xmlFree(src);
		for (i = 0; i < cnt; i++)
			if (!icemig_bdf_cmp(&v[i].src, &v[cnt].src))
				break;
		if (i < cnt) {
			r = icemig_err_set(err, EINVAL,
					   "icemig metadata: <vf> #%zu: source %s twice", idx,
					   icemig_bdf_format(&v[cnt].src, name));
			break;
		}
		snprintf(what, sizeof(what), "icemig metadata: <vf source='%s'>",
			 icemig_bdf_format(&v[cnt].src, name));
		text = xmlNodeGetContent(c);
		r = icemig_desc_parse(text ? (const char *)text : "",
				      text ? strlen((const char *)text) : 0, what, &v[cnt].desc,
				      err);
		xmlFree(text);
		if (r)
			break;
		cnt++;
	}
	if (r) {
		free(v);
		return r;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* Unlink and free @n with the indentation before it (a blank text node). */
static void remove_node(xmlNodePtr n)
{
	xmlNodePtr prev = n->prev;

	if (prev && prev->type == XML_TEXT_NODE && xmlIsBlankNode(prev)) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

int icemig_xml_meta_remove(xmlNodePtr domain)
{
	xmlNodePtr meta = icemig_xml_child(domain, "metadata"), c, next;
	int removed = 0;

	if (!meta)
		return 0;
	for (c = meta->children; c; c = next) {
		next = c->next;
		if (is_ns_elem(c, "vfs")) {
			remove_node(c);
			removed++;
		}
	}
	for (c = meta->children; c && c->type != XML_ELEMENT_NODE; c = c->next)
		;
	if (removed && !c) /* nothing else in it: no empty <metadata/> either */
		remove_node(meta);
	return removed;
}

int icemig_xml_meta_build(const struct icemig_bdf *srcs, const char *const *texts, size_t n,
			  char **out, struct icemig_err *err)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root, vf;
	char name[ICEMIG_BDF_LEN];
	xmlBufferPtr buf = NULL;
	size_t i;
	int r = -ENOMEM;

	*out = NULL;
	if (!doc)
		goto out;
	root = xmlNewDocNode(doc, NULL, BAD_CAST "vfs", NULL);
	if (!root)
		goto out;
	xmlDocSetRootElement(doc, root);
	for (i = 0; i < n; i++) {
		/* xmlNewTextChild escapes the text */
		vf = xmlNewTextChild(root, NULL, BAD_CAST "vf", BAD_CAST texts[i]);
		if (!vf ||
		    !xmlSetProp(vf, BAD_CAST "source", BAD_CAST icemig_bdf_format(&srcs[i], name)))
			goto out;
	}
	buf = xmlBufferCreate();
	if (!buf || xmlNodeDump(buf, doc, root, 0, 0) < 0)
		goto out;
	*out = strdup((const char *)xmlBufferContent(buf));
	if (*out)
		r = 0;
out:
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	if (r)
		return icemig_err_set(err, ENOMEM, "icemig metadata: out of memory");
	return 0;
}

/* ---- rewriting ------------------------------------------------------------- */

static int set_hex_attr(xmlNodePtr n, const char *attr, const char *fmt, unsigned int v,
			struct icemig_err *err)
{
	char buf[16];

	snprintf(buf, sizeof(buf), fmt, v);
	if (!xmlSetProp(n, BAD_CAST attr, BAD_CAST buf))
		return icemig_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int icemig_xml_set_address(xmlNodePtr addr, const struct icemig_bdf *vf, struct icemig_err *err)
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

int icemig_xml_serialize(xmlDocPtr doc, char **out, size_t *len, struct icemig_err *err)
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
