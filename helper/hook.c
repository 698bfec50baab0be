// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the libvirt qemu hook. See hook.h. */
#include "hook.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "desc.h"
#include "inuse.h"
#include "pci.h"
#include "provider.h"
#include "reserve.h"
#include "sysfs.h"
#include "vf.h"

/*
 * The configuration is read only once the domain turns out to have a VF of
 * icemig's: a broken configuration file must not stop domains the hook has
 * nothing to do with.
 */
struct conf_ref {
	const struct icemig_conf *given; /* the caller's, or NULL */
	bool from_file; /* NULL given: read icemig_conf_path() (else: defaults) */
	bool ready;
	struct icemig_conf own;
};

static void conf_ref_init(struct conf_ref *c, const struct icemig_conf *given, bool from_file)
{
	memset(c, 0, sizeof(*c));
	c->given = given;
	c->from_file = from_file;
}

static int conf_get(struct conf_ref *c, const struct icemig_conf **out, struct icemig_err *err)
{
	int r;

	if (c->given) {
		*out = c->given;
	} else {
		if (!c->ready) {
			if (c->from_file) {
				r = icemig_conf_load(&c->own, err);
				if (r)
					return r;
			} else {
				icemig_conf_defaults(&c->own);
			}
			c->ready = true;
		}
		*out = &c->own;
	}
	icemig_pool_set_lapses((*out)->pending_seconds, (*out)->stale_seconds);
	return 0;
}

static void conf_ref_free(struct conf_ref *c)
{
	icemig_conf_free(&c->own);
}

static int parse_input(const char *domain, const char *xml, size_t len, xmlDocPtr *doc,
		       struct icemig_hostdev **hd, size_t *nhd, struct icemig_err *err)
{
	int r;

	*doc = NULL;
	*hd = NULL;
	*nhd = 0;
	if (!icemig_domain_name_valid(domain))
		return icemig_err_set(
			err, EINVAL,
			"invalid domain name (empty, too long or with control characters)");
	r = icemig_xml_parse(xml, len, "domain XML", "domain", doc, err);
	if (r)
		return r;
	r = icemig_xml_hostdevs(xmlDocGetRootElement(*doc), ICEMIG_HOSTDEVS_ICE_OR_NO_MODEL, hd,
				nhd, err);
	if (r) {
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	return r;
}

/* ---- choosing local VFs ---------------------------------------------------- */

struct candidate {
	struct icemig_bdf vf;
	bool mine; /* already reserved for this domain */
	bool used; /* given to a hostdev of this XML */
	bool bound; /* bound to ice_vfio_pci */
	int desc_state; /* 0 not read, 1 read, -1 none */
	struct icemig_compat desc;
};

struct pool_scan {
	struct candidate *c;
	size_t n;
	size_t provider_pfs; /* PFs with a provider (in the configured pool) that exist here */
	size_t vfs; /* VFs of those PFs */
	size_t other_domain; /* reserved by another domain */
	size_t running; /* a host device of a running domain (inuse.h) */
	size_t other_driver; /* bound to a driver other than ice_vfio_pci */
	size_t reclaimed; /* stale reservations of other domains removed */
	size_t outside_pool; /* PFs with a provider, but not in the configured pool */
};

static int scan_add(struct pool_scan *s, const struct icemig_bdf *vf, bool mine, bool bound,
		    struct icemig_err *err)
{
	struct candidate *nv = realloc(s->c, (s->n + 1) * sizeof(*s->c));

	if (!nv)
		return icemig_err_set(err, ENOMEM, "out of memory");
	s->c = nv;
	memset(&s->c[s->n], 0, sizeof(s->c[s->n]));
	s->c[s->n].vf = *vf;
	s->c[s->n].mine = mine;
	s->c[s->n].bound = bound;
	s->n++;
	return 0;
}

static int cmp_provider(const void *a, const void *b)
{
	return icemig_bdf_cmp(&((const struct icemig_provider *)a)->pf,
			      &((const struct icemig_provider *)b)->pf);
}

/* Candidates in a stable order: PFs by address, VFs by index. Lock held. */
static int scan_pool(struct icemig_pool *pool, struct icemig_providers *prov,
		     const struct icemig_conf *conf, const struct icemig_users *users,
		     const char *domain, struct pool_scan *s, struct icemig_err *err)
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
		if (conf->npfs && !icemig_conf_find_pf(conf, &prov->v[i].pf)) {
			s->outside_pool++;
			continue;
		}
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
			/* a running domain has it (with or without a reservation) */
			if (icemig_users_find(users, &vf, domain)) {
				s->running++;
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
				r = icemig_pool_reclaim(pool, &vf, owner, domain, err);
				if (r)
					return r;
				s->reclaimed++;
				r = -ENOENT;
			}
			r = scan_add(s, &vf, r == 0, drv[0] != '\0', err);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Why the candidates were refused for one hostdev with a source descriptor. */
struct refusals {
	size_t incompatible;
	size_t no_desc; /* not bound to ice_vfio_pci, or no readable descriptor */
	char first[512]; /* "<VF>: <field>: <why>" of the first incompatible VF */
	const char *field;
};

/*
 * @need_bound: only a VF on ice_vfio_pci (a hostdev without model=: libvirt
 * would bind an unbound one to stock vfio-pci).
 */
static bool fits(struct candidate *c, const struct icemig_compat *src, bool need_bound,
		 struct refusals *why)
{
	char name[ICEMIG_BDF_LEN], msg[400];
	const char *field = NULL;

	if (!src && (!need_bound || c->bound))
		return true;
	if (!c->bound) {
		why->no_desc++;
		return false;
	}
	if (c->desc_state == 0)
		c->desc_state = icemig_desc_read(&c->vf, &c->desc, NULL, 0, NULL) ? -1 : 1;
	if (c->desc_state < 0) {
		why->no_desc++;
		return false;
	}
	if (icemig_desc_check(src, &c->desc, &field, msg, sizeof(msg)))
		return true;
	if (!why->incompatible++) {
		snprintf(why->first, sizeof(why->first), "%s: %s", icemig_bdf_format(&c->vf, name),
			 msg);
		why->field = field;
	}
	return false;
}

static struct candidate *pick(struct pool_scan *s, const struct icemig_compat *src, bool need_bound,
			      struct refusals *why)
{
	size_t i;

	memset(why, 0, sizeof(*why));
	for (i = 0; i < s->n; i++)
		if (s->c[i].mine && !s->c[i].used && fits(&s->c[i], src, need_bound, why))
			return &s->c[i];
	for (i = 0; i < s->n; i++)
		if (!s->c[i].mine && !s->c[i].used && fits(&s->c[i], src, need_bound, why))
			return &s->c[i];
	return NULL;
}

static int no_vf_error(const struct icemig_hostdev *h, const struct icemig_providers *prov,
		       const struct pool_scan *s, const struct refusals *why, size_t taken_here,
		       struct icemig_err *err)
{
	if (why->incompatible)
		return icemig_err_set(
			err, EXDEV,
			"%s: no local VF can take its state: %s (%zu free VF(s) incompatible, %zu without a descriptor)",
			h->desc, why->first, why->incompatible, why->no_desc);
	if (!prov->present)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: no PF has a migration provider (%s is absent: %s not loaded)",
			h->desc, prov->path, ICEMIG_VARIANT_DRIVER);
	if (s->provider_pfs == 0 && s->outside_pool)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: none of the [pf] sections of the configuration names a PF with a migration provider (%zu PF(s) have one)",
			h->desc, s->outside_pool);
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
	if (why->no_desc)
		return icemig_err_set(
			err, ENOSPC,
			"%s: no local VF for it: %zu free VF(s) are not bound to %s, so their descriptors cannot be checked against the source's (icemig vf bind); %zu reserved by other domains, %zu bound to another driver",
			h->desc, why->no_desc, ICEMIG_VARIANT_DRIVER, s->other_domain,
			s->other_driver);
	return icemig_err_set(
		err, ENOSPC,
		"%s: no local VF for it: all %zu VFs of the %zu PF(s) with a migration provider are taken (%zu in use by running domains, %zu reserved by other domains, %zu bound to a driver other than %s, %zu given to earlier hostdevs of this domain)",
		h->desc, s->vfs, s->provider_pfs, s->running, s->other_domain, s->other_driver,
		ICEMIG_VARIANT_DRIVER, taken_here);
}

static void undo_created(struct icemig_pool *pool, struct icemig_hook_result *res)
{
	size_t i;

	for (i = 0; i < res->ncreated; i++)
		icemig_pool_release(pool, &res->created[i], NULL);
	res->ncreated = 0;
}

static const struct icemig_compat *meta_find(const struct icemig_meta_vf *m, size_t n,
					     const struct icemig_bdf *src)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!icemig_bdf_cmp(&m[i].src, src))
			return &m[i].desc;
	return NULL;
}

/*
 * Whether the VF at @vf here is on ice_vfio_pci, or will be: libvirt >= 10.0
 * binds a managed hostdev without model= to the VFIO variant driver of
 * modules.alias (pci.h icemig_pci_vfio_variant()).
 */
static bool variant_vf(const struct icemig_bdf *vf)
{
	char drv[ICEMIG_DRIVER_MAX], mod[ICEMIG_DRIVER_MAX];
	struct icemig_bdf pf;

	if (icemig_pci_check_exists(vf, NULL) || icemig_pci_physfn(vf, &pf, NULL))
		return false;
	if (!icemig_pci_get_driver(vf, drv, sizeof(drv), NULL) &&
	    !strcmp(drv, ICEMIG_VARIANT_DRIVER))
		return true;
	return !icemig_pci_vfio_variant(vf, mod, sizeof(mod)) &&
	       !strcmp(mod, ICEMIG_VARIANT_DRIVER);
}

/*
 * Keep the host devices that are icemig's (hook.h): model='ice_vfio_pci',
 * or no model= and one of: the icemig metadata describes it (@meta), its VF
 * here is reserved for @domain (by migrate begin), its VF here is or will be
 * on ice_vfio_pci.
 */
static void keep_ours(struct icemig_hostdev *hd, size_t *n, const char *domain,
		      const struct icemig_meta_vf *meta, size_t nmeta)
{
	char owner[ICEMIG_DOMAIN_MAX];
	size_t i, k = 0;

	for (i = 0; i < *n; i++) {
		if (!hd[i].ice && !meta_find(meta, nmeta, &hd[i].src) &&
		    (icemig_pool_owner(&hd[i].src, owner, sizeof(owner), NULL) ||
		     strcmp(owner, domain)) &&
		    !variant_vf(&hd[i].src))
			continue;
		hd[k++] = hd[i];
	}
	*n = k;
}

static int migrate_begin(const char *domain, const char *xml, size_t len, struct conf_ref *cref,
			 struct icemig_hook_result *res, struct icemig_err *err)
{
	struct icemig_providers prov = { 0 };
	struct icemig_pool pool = { .lockfd = -1 };
	struct icemig_users users = { 0 };
	struct pool_scan scan = { 0 };
	struct icemig_hostdev *hd = NULL;
	struct icemig_meta_vf *meta = NULL;
	const struct icemig_conf *conf = NULL;
	struct refusals why;
	xmlDocPtr doc = NULL;
	size_t nhd = 0, nmeta = 0, i;
	int r;

	memset(res, 0, sizeof(*res));
	r = parse_input(domain, xml, len, &doc, &hd, &nhd, err);
	if (r)
		goto out;
	r = icemig_xml_meta_read(xmlDocGetRootElement(doc), &meta, &nmeta, err);
	if (r)
		goto out;
	keep_ours(hd, &nhd, domain, meta, nmeta);
	/* the descriptors are for this hop only (domxml.h): never passed on */
	if (icemig_xml_meta_remove(xmlDocGetRootElement(doc)) && nhd == 0) {
		r = icemig_xml_serialize(doc, &res->xml, &res->len, err);
		goto out;
	}
	if (nhd == 0)
		goto out;
	r = conf_get(cref, &conf, err);
	if (r)
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
	icemig_users_load(&users);
	r = scan_pool(&pool, &prov, conf, &users, domain, &scan, err);
	if (r)
		goto out;
	for (i = 0; i < nhd; i++) {
		const struct icemig_compat *src = meta_find(meta, nmeta, &hd[i].src);
		struct candidate *c = pick(&scan, src, !hd[i].ice, &why);
		bool created;

		if (!c) {
			r = no_vf_error(&hd[i], &prov, &scan, &why, i, err);
			goto out;
		}
		c->used = true;
		if (src)
			res->nchecked++;
		/* pending until this domain's prepare begin confirms it */
		r = icemig_pool_reserve_pending(&pool, &c->vf, domain, &created, err);
		if (r) {
			icemig_err_prefix(err, "%s", hd[i].desc);
			goto out;
		}
		if (created)
			res->created[res->ncreated++] = c->vf;
		res->assigned[i] = c->vf;
		r = icemig_xml_set_address(hd[i].addr, &c->vf, err);
		if (r)
			goto out;
	}
	r = icemig_xml_serialize(doc, &res->xml, &res->len, err);
	if (r)
		goto out;
	res->nhostdevs = nhd;
out:
	if (r && pool.lockfd >= 0)
		undo_created(&pool, res);
	icemig_pool_unlock(&pool);
	icemig_users_free(&users);
	icemig_providers_free(&prov);
	free(scan.c);
	free(meta);
	free(hd);
	xmlFreeDoc(doc);
	return r;
}

int icemig_hook_migrate_begin(const char *domain, const char *xml, size_t len,
			      const struct icemig_conf *conf, struct icemig_hook_result *res,
			      struct icemig_err *err)
{
	struct conf_ref cref;
	int r;

	conf_ref_init(&cref, conf, false);
	r = migrate_begin(domain, xml, len, &cref, res, err);
	conf_ref_free(&cref);
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

/* ---- prepare begin --------------------------------------------------------- */

/* Create the configured VFs of every configured PF that has none yet. */
static int provision_missing(const struct icemig_conf *conf, struct icemig_err *err)
{
	struct icemig_bdf pf, *vfs = NULL;
	unsigned long num;
	size_t i, nvfs;
	int r;

	for (i = 0; i < conf->npfs; i++) {
		const struct icemig_conf_pf *c = &conf->pfs[i];

		r = icemig_pf_resolve(c->name, &pf, err);
		if (!r)
			r = icemig_pci_sriov(&pf, NULL, &num, err);
		if (r) {
			icemig_err_prefix(err, "%s: [pf %s]", conf->path, c->name);
			return r;
		}
		if (num != 0)
			continue;
		r = icemig_vf_create(&pf, c->vfs, false,
				     icemig_conf_pf_autoprobe(conf, c) ? ICEMIG_AUTOPROBE_ON :
									 ICEMIG_AUTOPROBE_OFF,
				     &vfs, &nvfs, NULL, err);
		free(vfs);
		vfs = NULL;
		if (r)
			return r;
	}
	return 0;
}

/*
 * Prefix @err with the description of host device @h ("hostdev with source
 * address 0000:01:10.1: ...") without saying the address twice: a message
 * that starts with "<address>: " loses that part; one that starts with "VF
 * <address>" already names the VF and is kept as it is.
 */
static void dev_err(const struct icemig_hostdev *h, struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];
	size_t l;

	if (!err)
		return;
	icemig_bdf_format(&h->src, name);
	l = strlen(name);
	if (!strncmp(err->msg, "VF ", 3) && !strncmp(err->msg + 3, name, l) &&
	    (err->msg[3 + l] == ' ' || err->msg[3 + l] == ':'))
		return;
	if (!strncmp(err->msg, name, l) && err->msg[l] == ':' && err->msg[l + 1] == ' ')
		memmove(err->msg, err->msg + l + 2, strlen(err->msg + l + 2) + 1);
	icemig_err_prefix(err, "%s", h->desc);
}

/* The host device whose VF an error message ("<address>: ...") is about. */
static const struct icemig_hostdev *dev_of_err(const struct icemig_hostdev *hd, size_t n,
					       const char *msg)
{
	char first[ICEMIG_BDF_LEN];
	struct icemig_bdf b;
	size_t i;

	if (!strncmp(msg, "VF ", 3))
		msg += 3;
	if (strlen(msg) < ICEMIG_BDF_LEN - 1)
		return NULL;
	memcpy(first, msg, ICEMIG_BDF_LEN - 1);
	first[ICEMIG_BDF_LEN - 1] = '\0';
	if (icemig_bdf_parse(first, &b))
		return NULL;
	for (i = 0; i < n; i++)
		if (!icemig_bdf_cmp(&hd[i].src, &b))
			return &hd[i];
	return NULL;
}

/*
 * The reservation migrate begin made for @domain on @vf lapsed and another
 * domain took the VF: say so instead of a bare conflict.
 */
static void lapse_note(const struct icemig_bdf *vf, const char *domain, struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN], by[ICEMIG_DOMAIN_MAX];
	unsigned long after;

	if (icemig_pool_lapsed(vf, domain, &after, by, sizeof(by)))
		return;
	icemig_err_set(
		err, EBUSY,
		"VF %s: the reservation migrate begin made for this domain lapsed: its prepare begin did not come within %lu s (pending_seconds in %s), and domain '%s' took the VF",
		icemig_bdf_format(vf, name), after, icemig_conf_path(), by);
}

static int prepare_begin(const char *domain, const char *xml, size_t len, struct conf_ref *cref,
			 unsigned int *nbound, struct icemig_err *err)
{
	struct icemig_pool pool = { .lockfd = -1 };
	struct icemig_users users = { 0 };
	const struct icemig_conf *conf = NULL;
	struct icemig_bdf *created = NULL, *tobind = NULL, pf;
	struct icemig_hostdev *hd = NULL;
	char owner[ICEMIG_DOMAIN_MAX], drv[ICEMIG_DRIVER_MAX];
	const struct icemig_hostdev *h;
	size_t nhd = 0, ncreated = 0, nbind = 0, i;
	bool provisioned = false, made;
	xmlDocPtr doc = NULL;
	int r;

	if (nbound)
		*nbound = 0;
	r = parse_input(domain, xml, len, &doc, &hd, &nhd, err);
	if (r)
		goto out;
	keep_ours(hd, &nhd, domain, NULL, 0);
	if (nhd == 0)
		goto out;
	r = conf_get(cref, &conf, err);
	if (r)
		goto out;
	created = calloc(nhd, sizeof(*created));
	tobind = calloc(nhd, sizeof(*tobind));
	if (!created || !tobind) {
		r = icemig_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/*
	 * Everything below under the pool lock, from provisioning to binding:
	 * no other hook or icemig command changes these PFs and VFs meanwhile
	 * (sriov_drivers_autoprobe is set and put back around a creation).
	 */
	r = icemig_pool_lock(&pool, err);
	if (r)
		goto out;
	/* 1. every VF exists, provisioning the configured PFs on demand */
	for (i = 0; i < nhd; i++) {
		if (icemig_pci_check_exists(&hd[i].src, NULL) && !provisioned) {
			provisioned = true;
			r = provision_missing(conf, err);
			if (r) {
				icemig_err_prefix(err, "%s: provisioning VFs", hd[i].desc);
				goto out;
			}
		}
		r = icemig_pci_check_exists(&hd[i].src, err);
		if (r) {
			dev_err(&hd[i], err);
			if (conf->npfs == 0)
				icemig_err_append(err, " (no [pf] section in %s to create it from)",
						  conf->path);
			goto out;
		}
		r = icemig_pci_physfn(&hd[i].src, &pf, err);
		if (r == -ENOENT)
			r = icemig_err_set(err, EINVAL, "not a VF (no physfn link)");
		if (r) {
			dev_err(&hd[i], err);
			goto out;
		}
	}
	/* 2. used by no other domain, and reserved for this one */
	icemig_users_load(&users);
	for (i = 0; i < nhd; i++) {
		r = icemig_vf_check_free(&users, &hd[i].src, domain, err);
		if (r == -EBUSY)
			lapse_note(&hd[i].src, domain, err);
		if (r) {
			dev_err(&hd[i], err);
			goto out;
		}
	}
	for (i = 0; i < nhd; i++) {
		r = icemig_pool_owner(&hd[i].src, owner, sizeof(owner), NULL);
		if (r == 0 && strcmp(owner, domain) &&
		    icemig_pool_stale(&hd[i].src, owner, time(NULL)))
			icemig_pool_reclaim(&pool, &hd[i].src, owner, domain, NULL);
		r = icemig_pool_reserve(&pool, &hd[i].src, domain, &made, err);
		if (r) {
			dev_err(&hd[i], err);
			goto out;
		}
		icemig_pool_lapsed_forget(&hd[i].src);
		if (made)
			created[ncreated++] = hd[i].src;
	}
	/* 3. bound to the variant driver (libvirt's sequence, with rollback) */
	for (i = 0; i < nhd; i++) {
		r = icemig_pci_get_driver(&hd[i].src, drv, sizeof(drv), err);
		if (r) {
			dev_err(&hd[i], err);
			goto out;
		}
		if (strcmp(drv, ICEMIG_VARIANT_DRIVER))
			tobind[nbind++] = hd[i].src;
	}
	if (nbind) {
		r = icemig_vf_bind(tobind, nbind, ICEMIG_VARIANT_DRIVER, domain, NULL, err);
		if (r) {
			/* the message starts with the VF that failed: name its device */
			h = dev_of_err(hd, nhd, err->msg);
			if (h)
				dev_err(h, err);
			goto out;
		}
	}
	if (nbound)
		*nbound = (unsigned int)nbind;
out:
	if (r && ncreated && pool.lockfd >= 0)
		for (i = 0; i < ncreated; i++)
			icemig_pool_release(&pool, &created[i], NULL);
	icemig_pool_unlock(&pool);
	icemig_users_free(&users);
	free(created);
	free(tobind);
	free(hd);
	xmlFreeDoc(doc);
	return r;
}

int icemig_hook_prepare_begin(const char *domain, const char *xml, size_t len,
			      const struct icemig_conf *conf, unsigned int *nbound,
			      struct icemig_err *err)
{
	struct conf_ref cref;
	int r;

	conf_ref_init(&cref, conf, false);
	r = prepare_begin(domain, xml, len, &cref, nbound, err);
	conf_ref_free(&cref);
	return r;
}

/* ---- release end ------------------------------------------------------------ */

static int release_action(const char *domain, const struct icemig_conf *conf,
			  const struct icemig_bdf *vfs, size_t n, struct icemig_err *err)
{
	const struct icemig_conf_pf *cpf;
	struct icemig_bdf pf;
	struct icemig_err e2;
	size_t i;
	int r = 0, r2;

	if (conf->on_release == ICEMIG_RELEASE_KEEP)
		return 0;
	for (i = 0; i < n; i++) {
		if (icemig_pci_check_exists(&vfs[i], NULL))
			continue; /* VFs removed meanwhile: nothing to do */
		icemig_err_clear(&e2);
		if (conf->on_release == ICEMIG_RELEASE_RESTORE) {
			r2 = icemig_vf_unbind(&vfs[i], 1, true, domain, NULL, NULL, &e2);
		} else {
			cpf = icemig_pci_physfn(&vfs[i], &pf, NULL) ?
				      NULL :
				      icemig_conf_find_pf(conf, &pf);
			r2 = icemig_vf_bind(&vfs[i], 1, icemig_conf_pf_driver(conf, cpf), domain,
					    NULL, &e2);
		}
		if (r2 && !r) {
			r = icemig_err_set(err, -r2, "on_release = %s: %s",
					   icemig_on_release_name(conf->on_release), e2.msg);
		} else if (r2) {
			icemig_err_append(err, "; %s", e2.msg);
		}
	}
	return r;
}

static int release(const char *domain, struct conf_ref *cref, unsigned int *count,
		   struct icemig_err *err)
{
	const struct icemig_conf *conf = NULL;
	struct icemig_pool pool;
	struct icemig_bdf *vfs = NULL;
	unsigned int n = 0;
	int r;

	if (count)
		*count = 0;
	if (!icemig_domain_name_valid(domain))
		return icemig_err_set(
			err, EINVAL,
			"invalid domain name (empty, too long or with control characters)");
	/* one lock hold: no other domain reserves these VFs while they move */
	r = icemig_pool_lock(&pool, err);
	if (r)
		return r;
	r = icemig_pool_release_domain(&pool, domain, &n, &vfs, err);
	if (count)
		*count = n;
	/* the configuration only matters when the domain held VFs */
	if (!r && n)
		r = conf_get(cref, &conf, err);
	if (!r && n)
		r = release_action(domain, conf, vfs, n, err);
	icemig_pool_unlock(&pool);
	free(vfs);
	return r;
}

int icemig_hook_release(const char *domain, const struct icemig_conf *conf, unsigned int *count,
			struct icemig_err *err)
{
	struct icemig_conf keep;
	struct conf_ref cref;
	int r;

	if (!conf) {
		icemig_conf_defaults(&keep);
		keep.on_release = ICEMIG_RELEASE_KEEP;
		conf = &keep;
	}
	conf_ref_init(&cref, conf, false);
	r = release(domain, &cref, count, err);
	conf_ref_free(&cref);
	return r;
}

/* ---- dispatch ------------------------------------------------------------------ */

static int read_stdin(int in_fd, char **xml, size_t *len, struct icemig_err *err)
{
	return icemig_read_fd_capped(in_fd, ICEMIG_HOOK_XML_MAX, "domain XML on stdin", xml, len,
				     err);
}

int icemig_hook_run(const char *domain, const char *op, const char *subop, const char *extra,
		    int in_fd, FILE *out, struct icemig_err *err)
{
	struct icemig_hook_result res = { 0 };
	struct conf_ref cref;
	struct icemig_err e2;
	char *xml = NULL;
	size_t len = 0;
	int r;

	(void)extra;
	conf_ref_init(&cref, NULL, true);
	if (!strcmp(op, "release") && !strcmp(subop, "end")) {
		/* the reservations go first, whatever the configuration says */
		r = release(domain, &cref, NULL, err);
		conf_ref_free(&cref);
		if (r)
			icemig_err_prefix(err, "release end for domain '%s'", domain);
		return r;
	}
	if (!strcmp(op, "prepare") && !strcmp(subop, "begin")) {
		r = read_stdin(in_fd, &xml, &len, err);
		if (!r)
			r = prepare_begin(domain, xml, len, &cref, NULL, err);
		free(xml);
		conf_ref_free(&cref);
		if (r)
			icemig_err_prefix(err, "prepare begin for domain '%s'", domain);
		return r;
	}
	if (strcmp(op, "migrate") || strcmp(subop, "begin"))
		return 0;

	r = read_stdin(in_fd, &xml, &len, err);
	if (!r)
		r = migrate_begin(domain, xml, len, &cref, &res, err);
	free(xml);
	conf_ref_free(&cref);
	if (r) {
		icemig_hook_result_free(&res);
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
