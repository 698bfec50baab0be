/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: libvirt domain XML (https://libvirt.org/formatdomain.html):
 * safe parsing of untrusted input, the PCI host devices of a domain, and
 * icemig's <metadata> element.
 *
 * icemig metadata (set by `icemig migrate` with virDomainSetMetadata before
 * the migration, read by the destination's migrate begin hook):
 *
 *   <metadata>
 *     <icemig:vfs xmlns:icemig="https://icemig.invalid/xmlns/1">
 *       <icemig:vf source="0000:3b:02.0">format=icemig-stream
 *   stream_major=1
 *   ...
 *   used_rss_lut=64
 *   </icemig:vf>
 *     </icemig:vfs>
 *   </metadata>
 *
 * One <vf> per migratable VF host device; "source" is the VF's PCI address
 * on the source host (the <source><address> of its <hostdev> or
 * <interface type='hostdev'> in the XML the destination receives), the
 * content is the VF's compatibility descriptor text (icemig_compat.h) as
 * read from sysfs on the source just before the migration. The prefix is
 * free; elements are matched by namespace URI and local name.
 *
 * The metadata lives for one hop: the destination's migrate begin hook
 * removes it from the XML it prints (so the domain's live XML there has
 * none, and a later plain virsh migrate carries no descriptor of a VF of
 * the first host), and `icemig migrate` removes it again when the migration
 * fails and the domain stays on the source.
 */
#ifndef ICEMIG_DOMXML_H
#define ICEMIG_DOMXML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "icemig_compat.h"

#include "bdf.h"
#include "util.h"

#define ICEMIG_XMLNS "https://icemig.invalid/xmlns/1"
#define ICEMIG_XMLNS_PREFIX "icemig"
/* Largest XML document accepted from outside (hook stdin, status files). */
#define ICEMIG_XML_MAX (4u * 1024u * 1024u)
/* Most <vf> entries read from icemig metadata. */
#define ICEMIG_META_MAX 256

/**
 * icemig_xml_parse() - parse untrusted XML.
 * @xml, @len: the document (at most ICEMIG_XML_MAX bytes)
 * @what:      name for messages, e.g. "domain XML"
 * @root:      required name of the root element (no namespace)
 * @out:       the document (xmlFreeDoc() it)
 *
 * libxml2 options: XML_PARSE_NONET, no entity substitution, no DTD loading,
 * no XML_PARSE_HUGE; a DOCTYPE stops the parser at once, before any entity
 * declaration is read (libvirt never sends one).
 * Return: 0; -EFBIG when too large; -EINVAL "<what>: line N: <cause>".
 */
int icemig_xml_parse(const char *xml, size_t len, const char *what, const char *root,
		     xmlDocPtr *out, struct icemig_err *err);

/* One PCI host device of a domain. */
struct icemig_hostdev {
	xmlNodePtr node; /* <hostdev> or <interface> */
	xmlNodePtr addr; /* its <source><address> */
	bool is_interface; /* <interface type='hostdev'> */
	bool ice; /* <driver model='ice_vfio_pci'> */
	bool no_model; /* a VFIO hostdev without model= (<driver name='vfio'/> or no <driver>) */
	bool managed; /* managed='yes' */
	struct icemig_bdf src; /* source address */
	char alias[64]; /* <alias name=>, "" if none */
	char desc[96]; /* "hostdev with source address 0000:3b:02.0" (or "interface ...") */
};

/* Which host devices icemig_xml_hostdevs() lists. */
enum icemig_hostdevs_which {
	ICEMIG_HOSTDEVS_ALL, /* every one */
	ICEMIG_HOSTDEVS_ICE, /* model='ice_vfio_pci' */
	ICEMIG_HOSTDEVS_ICE_OR_NO_MODEL, /* the same, and VFIO ones without model= */
};

/**
 * icemig_xml_hostdevs() - the PCI host devices under @domain/devices, in
 * document order: <hostdev mode='subsystem' type='pci'> (mode absent counts
 * as subsystem) and <interface type='hostdev'>. <interface type='network'>
 * (a hostdev network pool) is not listed: libvirt picks its VF itself.
 * @domain:   the <domain> element
 * @which:    all of them, or only those that may be icemig's
 * @out, @n:  malloc'ed array (free() it), may be NULL when @n is 0
 *
 * Return: 0; -EINVAL "<kind> #<i> ...: no <source><address>" or "...:
 * invalid PCI address: <why>" (every address listed is validated as a BDF;
 * with ICEMIG_HOSTDEVS_ICE_OR_NO_MODEL a bad one without model= is only
 * left out, it is libvirt's to refuse); -ENOMEM.
 */
int icemig_xml_hostdevs(xmlNodePtr domain, enum icemig_hostdevs_which which,
			struct icemig_hostdev **out, size_t *n, struct icemig_err *err);

/** icemig_xml_domain_name() - text of <domain><name> into @buf ("" if absent). */
void icemig_xml_domain_name(xmlNodePtr domain, char *buf, size_t size);

/** icemig_xml_child() - first child element of @parent named @name, or NULL. */
xmlNodePtr icemig_xml_child(xmlNodePtr parent, const char *name);

struct icemig_meta_vf {
	struct icemig_bdf src;
	struct icemig_compat desc;
};

/**
 * icemig_xml_meta_read() - the descriptors of icemig's metadata element.
 * @domain: the <domain> element
 * @out, @n: malloc'ed array (free() it); @n is 0 when there is no icemig metadata
 *
 * Return: 0; -EINVAL "icemig metadata: <vf> #i: <cause>" for a missing or
 * invalid source address, a repeated address, an invalid descriptor, or
 * more than ICEMIG_META_MAX entries; -ENOMEM.
 */
int icemig_xml_meta_read(xmlNodePtr domain, struct icemig_meta_vf **out, size_t *n,
			 struct icemig_err *err);

/**
 * icemig_xml_meta_remove() - remove every icemig <vfs> element from the
 * <metadata> of @domain, and <metadata> itself when nothing else is left in it.
 * Return: the number of <vfs> elements removed.
 */
int icemig_xml_meta_remove(xmlNodePtr domain);

/**
 * icemig_xml_meta_build() - the <vfs> element for virDomainSetMetadata()
 * (VIR_DOMAIN_METADATA_ELEMENT, key ICEMIG_XMLNS_PREFIX, uri ICEMIG_XMLNS).
 * @srcs, @texts, @n: source address and descriptor text of each VF
 * @out: malloc'ed NUL-terminated XML text (free() it)
 * Return: 0 or -ENOMEM.
 */
int icemig_xml_meta_build(const struct icemig_bdf *srcs, const char *const *texts, size_t n,
			  char **out, struct icemig_err *err);

/**
 * icemig_xml_set_address() - write @vf into <address> @addr in libvirt's
 * own form: domain='0x0000' bus='0x01' slot='0x10' function='0x0'.
 * Return: 0 or -ENOMEM.
 */
int icemig_xml_set_address(xmlNodePtr addr, const struct icemig_bdf *vf, struct icemig_err *err);

/**
 * icemig_xml_serialize() - the document without an XML declaration.
 * @out: malloc'ed text (free() it), @len its length. Return: 0, -ENOMEM, -EIO.
 */
int icemig_xml_serialize(xmlDocPtr doc, char **out, size_t *len, struct icemig_err *err);

#endif /* ICEMIG_DOMXML_H */
