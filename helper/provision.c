// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: provision the configured VFs. See provision.h. */
#include "provision.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "out.h"
#include "vf.h"
#include "vfset.h"

static void tri_json(struct json_object *o, const char *k, enum icemig_tristate t)
{
	json_object_object_add(o, k, t == ICEMIG_UNSET ? NULL : json_object_new_boolean(t));
}

/*
 * The PF named @c->name, waiting up to @wait_s seconds for it to appear
 * (its driver probes it, its network interface is named) when it is not
 * there yet: at boot icemig-provision.service may run before that.
 */
static int resolve_waiting(const struct icemig_conf_pf *c, unsigned long wait_s,
			   struct icemig_bdf *pf, struct icemig_err *err)
{
	const struct timespec pause = { 0, 100 * 1000000L };
	struct timespec t0, now;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = icemig_pf_resolve(c->name, pf, err);
		if (r != -ENODEV || !wait_s)
			return r;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((unsigned long)(now.tv_sec - t0.tv_sec) >= wait_s) {
			icemig_err_append(err, " (after waiting %lu s for it)", wait_s);
			return r;
		}
		nanosleep(&pause, NULL);
	}
}

static int provision_pf(const struct icemig_conf *conf, const struct icemig_conf_pf *c,
			unsigned long wait_s, struct json_object *o, struct icemig_err *err)
{
	const char *driver = icemig_conf_pf_driver(conf, c);
	enum icemig_bind_status *st = NULL;
	struct icemig_vf_settings set = { .trust = -1, .spoofchk = -1 };
	struct icemig_bdf pf, *vfs = NULL;
	struct json_object *a;
	char name[ICEMIG_BDF_LEN];
	size_t nvfs = 0, i, done = 0;
	bool changed = false;
	int r;

	icemig_json_str(o, "name", c->name);
	r = resolve_waiting(c, wait_s, &pf, err);
	if (r)
		return r;
	icemig_json_str(o, "pf", icemig_bdf_format(&pf, name));
	r = icemig_vf_create(&pf, c->vfs, conf->force,
			     icemig_conf_pf_autoprobe(conf, c) ? ICEMIG_AUTOPROBE_ON :
								 ICEMIG_AUTOPROBE_OFF,
			     &vfs, &nvfs, &changed, err);
	if (r == -EBUSY)
		icemig_err_append(err, " (or force = yes in %s)", conf->path);
	if (r)
		return r;
	icemig_json_bool(o, "created", changed);
	a = json_object_new_array();
	for (i = 0; i < nvfs; i++)
		json_object_array_add(a, json_object_new_string(icemig_bdf_format(&vfs[i], name)));
	json_object_object_add(o, "vfs", a);
	icemig_json_str(o, "driver", driver);
	st = calloc(nvfs ? nvfs : 1, sizeof(*st));
	if (!st) {
		r = icemig_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	r = icemig_vf_bind(vfs, nvfs, driver, NULL, st, err);
	if (r)
		goto out;
	for (i = 0; i < nvfs; i++)
		done += st[i] == ICEMIG_BIND_DONE;
	icemig_json_int(o, "bound", (long long)done);
	icemig_json_int(o, "already_bound", (long long)(nvfs - done));
	tri_json(o, "trust", c->trust);
	tri_json(o, "spoofchk", c->spoofchk);
	set.trust = c->trust == ICEMIG_UNSET ? -1 : c->trust;
	set.spoofchk = c->spoofchk == ICEMIG_UNSET ? -1 : c->spoofchk;
	if (set.trust >= 0 || set.spoofchk >= 0)
		for (i = 0; i < nvfs && !r; i++)
			r = icemig_vf_set(&vfs[i], &set, err);
out:
	free(st);
	free(vfs);
	return r;
}

int icemig_provision(const struct icemig_conf *conf, unsigned long wait_s,
		     struct json_object **report, struct icemig_err *err)
{
	struct json_object *doc = json_object_new_object(), *pfs = json_object_new_array();
	size_t i;
	int r = 0;

	if (report)
		*report = NULL;
	if (!doc || !pfs) {
		json_object_put(doc);
		json_object_put(pfs);
		return icemig_err_set(err, ENOMEM, "out of memory");
	}
	icemig_json_str(doc, "config", conf->path);
	json_object_object_add(doc, "pfs", pfs);
	for (i = 0; i < conf->npfs && !r; i++) {
		struct json_object *o = json_object_new_object();

		json_object_array_add(pfs, o);
		r = provision_pf(conf, &conf->pfs[i], wait_s, o, err);
		if (r)
			icemig_err_prefix(err, "%s: [pf %s]", conf->path, conf->pfs[i].name);
	}
	if (report)
		*report = doc;
	else
		json_object_put(doc);
	return r;
}
