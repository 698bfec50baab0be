// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: VF provisioning. See vf.h. */
#include "vf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libsmartcols.h>
#include <libxml/tree.h>

#include "desc.h"
#include "domxml.h"
#include "inuse.h"
#include "out.h"
#include "sysfs.h"

int icemig_pf_resolve(const char *arg, struct icemig_bdf *pf, struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];
	unsigned long total;
	int r;

	if (icemig_bdf_parse(arg, pf)) {
		r = icemig_netdev_pci(arg, pf, err);
		if (r)
			return r;
	}
	icemig_bdf_format(pf, name);
	r = icemig_pci_check_exists(pf, err);
	if (r)
		return r;
	r = icemig_pci_sriov(pf, &total, NULL, err);
	if (r == -ENOENT || (!r && total == 0))
		return icemig_err_set(
			err, EOPNOTSUPP,
			"%s: not an SR-IOV physical function (no sriov_totalvfs, or 0)", name);
	return r;
}

static int collect_vfs(const struct icemig_bdf *pf, unsigned long n, struct icemig_bdf **vfs,
		       struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];
	struct icemig_bdf *v;
	unsigned long i;
	int r;

	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return icemig_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		r = icemig_pci_virtfn(pf, i, &v[i], err);
		if (r) {
			free(v);
			if (r == -ENOENT)
				return icemig_err_set(err, EIO, "%s: VF %lu missing (no virtfn%lu)",
						      icemig_bdf_format(pf, name), i, i);
			return r;
		}
	}
	*vfs = v;
	return 0;
}

static int set_autoprobe(const struct icemig_bdf *pf, unsigned long v, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r;

	r = icemig_pci_path(path, sizeof(path), pf, "sriov_drivers_autoprobe", err);
	if (r)
		return r;
	return icemig_sysfs_write(path, v ? "1" : "0", err);
}

static int get_autoprobe(const struct icemig_bdf *pf, unsigned long *v, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	r = icemig_pci_path(path, sizeof(path), pf, "sriov_drivers_autoprobe", err);
	if (r)
		return r;
	r = icemig_sysfs_read_uint(path, v, err);
	if (r == -ENOENT)
		return icemig_err_set(
			err, EOPNOTSUPP,
			"%s: no sriov_drivers_autoprobe attribute (kernel before 4.12?)",
			icemig_bdf_format(pf, name));
	return r;
}

/* Write sriov_numvfs (0 first when needed), with autoprobe set for the creation. */
static int write_numvfs(const struct icemig_bdf *pf, const char *name, unsigned long cur,
			unsigned long n, bool force, enum icemig_autoprobe autoprobe,
			struct icemig_err *err)
{
	struct icemig_err e2;
	unsigned long old_ap = 1;
	bool ap_changed = false;
	int r;

	if (cur != 0) {
		if (!force)
			return icemig_err_set(
				err, EBUSY,
				"%s: already has %lu VFs; changing to %lu means writing 0 first, which removes the existing VFs; use --force to do that",
				name, cur, n);
	}
	if (autoprobe != ICEMIG_AUTOPROBE_KEEP) {
		r = get_autoprobe(pf, &old_ap, err);
		if (r)
			return r;
		if (old_ap != (unsigned long)autoprobe) {
			r = set_autoprobe(pf, (unsigned long)autoprobe, err);
			if (r) {
				icemig_err_prefix(err, "%s: setting sriov_drivers_autoprobe", name);
				return r;
			}
			ap_changed = true;
		}
	}
	if (cur != 0) {
		r = icemig_pci_set_numvfs(pf, 0, err);
		if (r) {
			icemig_err_prefix(err, "%s: removing the existing %lu VFs", name, cur);
			goto out;
		}
	}
	r = icemig_pci_set_numvfs(pf, n, err);
	if (r)
		icemig_err_prefix(err, "%s: creating %lu VFs", name, n);
out:
	if (ap_changed && set_autoprobe(pf, old_ap, &e2)) {
		if (r)
			icemig_err_append(err, "; restoring sriov_drivers_autoprobe failed too: %s",
					  e2.msg);
		else
			r = icemig_err_set(err, e2.code,
					   "%s: restoring sriov_drivers_autoprobe: %s", name,
					   e2.msg);
	}
	return r;
}

/* -EBUSY when a running domain or a reservation holds one of the @cur VFs of @pf. */
static int check_vfs_free(const struct icemig_bdf *pf, const char *name, unsigned long cur,
			  const char *hint, struct icemig_err *err)
{
	struct icemig_users users;
	struct icemig_bdf *vfs = NULL;
	unsigned long i;
	int r;

	r = collect_vfs(pf, cur, &vfs, err);
	if (r)
		return r;
	icemig_users_load(&users);
	for (i = 0; i < cur && !r; i++)
		r = icemig_vf_check_free(&users, &vfs[i], NULL, err);
	if (r == -EBUSY) {
		icemig_err_prefix(err, "%s: not removing its %lu VFs", name, cur);
		icemig_err_append(err, "%s", hint);
	}
	icemig_users_free(&users);
	free(vfs);
	return r;
}

int icemig_vf_create(const struct icemig_bdf *pf, unsigned long n, bool force,
		     enum icemig_autoprobe autoprobe, struct icemig_bdf **vfs, size_t *nvfs,
		     bool *changed, struct icemig_err *err)
{
	struct icemig_pool pool = { .lockfd = -1 };
	unsigned long total, cur;
	char name[ICEMIG_BDF_LEN];
	int r;

	icemig_bdf_format(pf, name);
	if (changed)
		*changed = false;
	r = icemig_pci_sriov(pf, &total, &cur, err);
	if (r == -ENOENT)
		return icemig_err_set(err, EOPNOTSUPP, "%s: not an SR-IOV physical function", name);
	if (r)
		return r;
	if (n == 0)
		return icemig_err_set(err, EINVAL, "%s: number of VFs must be 1..%lu, not 0", name,
				      total);
	if (n > total)
		return icemig_err_set(err, ERANGE,
				      "%s: %lu VFs requested, but sriov_totalvfs is %lu", name, n,
				      total);
	if (cur != n) {
		/* under the pool lock: no hook gives one of these VFs away meanwhile */
		r = icemig_pool_lock(&pool, err);
		if (r)
			return r;
		if (cur != 0 && force)
			r = check_vfs_free(
				pf, name, cur,
				" (--force writes 0 to sriov_numvfs first, which would remove it)",
				err);
		if (!r)
			r = write_numvfs(pf, name, cur, n, force, autoprobe, err);
		if (changed && (r == 0 || r != -EBUSY))
			*changed = true;
		icemig_pool_unlock(&pool);
		if (r)
			return r;
		r = icemig_pci_sriov(pf, NULL, &cur, err);
		if (r)
			return r;
		if (cur != n)
			return icemig_err_set(err, EIO,
					      "%s: sriov_numvfs reads %lu after writing %lu", name,
					      cur, n);
	}
	r = collect_vfs(pf, n, vfs, err);
	if (r)
		return r;
	*nvfs = n;
	return 0;
}

int icemig_vf_destroy(const struct icemig_bdf *pf, bool force, unsigned long *removed,
		      struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];
	struct icemig_pool pool = { .lockfd = -1 };
	struct icemig_bdf *vfs = NULL;
	unsigned long total, cur, i;
	int r;

	icemig_bdf_format(pf, name);
	if (removed)
		*removed = 0;
	r = icemig_pci_sriov(pf, &total, &cur, err);
	if (r == -ENOENT)
		return icemig_err_set(err, EOPNOTSUPP, "%s: not an SR-IOV physical function", name);
	if (r)
		return r;
	if (cur == 0)
		return 0;
	r = collect_vfs(pf, cur, &vfs, err);
	if (r)
		return r;
	/* Under the pool lock: no hook may reserve one of these VFs meanwhile. */
	r = icemig_pool_lock(&pool, err);
	if (r)
		goto out;
	if (!force) {
		r = check_vfs_free(pf, name, cur, "; vf destroy --force removes them anyway", err);
		if (r)
			goto out;
	}
	r = icemig_pci_set_numvfs(pf, 0, err);
	if (r) {
		icemig_err_prefix(err, "%s: removing %lu VFs", name, cur);
		goto out;
	}
	for (i = 0; i < cur; i++) {
		icemig_pool_release(&pool, &vfs[i], NULL);
		icemig_memo_forget(&vfs[i], NULL);
	}
	if (removed)
		*removed = cur;
out:
	icemig_pool_unlock(&pool);
	free(vfs);
	return r;
}

/* ---- bind with rollback ------------------------------------------------- */

struct bind_state {
	struct icemig_bdf bdf;
	char name[ICEMIG_BDF_LEN];
	char old_driver[ICEMIG_DRIVER_MAX]; /* "" unbound */
	char old_override[ICEMIG_DRIVER_MAX]; /* "" unset */
	bool touched;
	bool memo_made; /* this call wrote its memory of the previous driver */
};

/*
 * The device @s->bdf exists and is a VF; fills @s->name. Only VFs are
 * rebound: rebinding a PF would take the host's NIC away.
 * Return: 0, -ENODEV (no such device), -EINVAL (not a VF), or the sysfs
 * error, with @err naming the device.
 */
static int check_rebindable(struct bind_state *s, struct icemig_err *err)
{
	struct icemig_bdf pf;
	int r;

	icemig_bdf_format(&s->bdf, s->name);
	r = icemig_pci_check_exists(&s->bdf, err);
	if (r)
		return r;
	r = icemig_pci_physfn(&s->bdf, &pf, err);
	if (r == -ENOENT)
		return icemig_err_set(err, EINVAL,
				      "%s: not a VF (no physfn link); only VFs are rebound",
				      s->name);
	if (r)
		icemig_err_prefix(err, "%s", s->name);
	return r;
}

static int bind_preflight(struct bind_state *s, const char *driver, struct icemig_err *err)
{
	char ovr[ICEMIG_ATTR_MAX];
	int r;

	r = check_rebindable(s, err);
	if (r)
		return r;
	r = icemig_pci_get_driver(&s->bdf, s->old_driver, sizeof(s->old_driver), err);
	if (r) {
		icemig_err_prefix(err, "%s", s->name);
		return r;
	}
	if (!strcmp(s->old_driver, driver))
		return 0;
	r = icemig_pci_get_override(&s->bdf, ovr, sizeof(ovr), err);
	if (r == -ENOENT)
		return icemig_err_set(err, EOPNOTSUPP,
				      "%s: no driver_override attribute (kernel too old?)",
				      s->name);
	if (r) {
		icemig_err_prefix(err, "%s", s->name);
		return r;
	}
	if (ovr[0] && !icemig_driver_name_valid(ovr))
		return icemig_err_set(err, EINVAL, "%s: unexpected driver_override '%.64s'",
				      s->name, ovr);
	icemig_strlcpy(s->old_override, ovr, sizeof(s->old_override));
	return 0;
}

/* The bind sequence for one device. On failure @err holds "<BDF>: <cause>". */
static int bind_one(struct bind_state *s, const char *driver, struct icemig_err *err)
{
	char now[ICEMIG_DRIVER_MAX];
	int r;

	s->touched = true;
	r = icemig_pci_set_override(&s->bdf, driver, err);
	if (r) {
		icemig_err_prefix(err, "%s: setting driver_override", s->name);
		return r;
	}
	if (s->old_driver[0]) {
		r = icemig_pci_unbind(&s->bdf, s->old_driver, err);
		if (r) {
			icemig_err_prefix(err, "%s: unbinding from %s", s->name, s->old_driver);
			return r;
		}
	}
	r = icemig_pci_drivers_probe(&s->bdf, err);
	if (r) {
		icemig_err_prefix(err, "%s: probing for %s", s->name, driver);
		return r;
	}
	r = icemig_pci_get_driver(&s->bdf, now, sizeof(now), err);
	if (r) {
		icemig_err_prefix(err, "%s", s->name);
		return r;
	}
	if (!now[0])
		return icemig_err_set(
			err, ENODEV,
			"%s: not bound to any driver after drivers_probe, expected %s (the driver refused the device; see the kernel log)",
			s->name, driver);
	if (strcmp(now, driver))
		return icemig_err_set(err, EIO, "%s: bound to %s, expected %s", s->name, now,
				      driver);
	return 0;
}

/* Put one touched device back on its old driver. Returns 0 or -errno with @err set. */
static int bind_restore(struct bind_state *s, struct icemig_err *err)
{
	char now[ICEMIG_DRIVER_MAX];
	int r;

	r = icemig_pci_set_override(&s->bdf, s->old_override, err);
	if (r)
		return r;
	r = icemig_pci_get_driver(&s->bdf, now, sizeof(now), err);
	if (r)
		return r;
	if (!strcmp(now, s->old_driver))
		return 0;
	if (now[0]) {
		r = icemig_pci_unbind(&s->bdf, now, err);
		if (r)
			return r;
	}
	if (!s->old_driver[0])
		return 0;
	/*
	 * Normal driver selection first, as libvirt's reattach does; if that
	 * fails or picks another driver, bind the old driver explicitly.
	 */
	icemig_pci_drivers_probe(&s->bdf, NULL);
	r = icemig_pci_get_driver(&s->bdf, now, sizeof(now), err);
	if (r)
		return r;
	if (!strcmp(now, s->old_driver))
		return 0;
	if (now[0]) {
		r = icemig_pci_unbind(&s->bdf, now, err);
		if (r)
			return r;
	}
	r = icemig_pci_bind(&s->bdf, s->old_driver, err);
	if (r)
		return r;
	r = icemig_pci_get_driver(&s->bdf, now, sizeof(now), err);
	if (r)
		return r;
	if (strcmp(now, s->old_driver))
		return icemig_err_set(err, EIO, "bound to %s after bind", now[0] ? now : "nothing");
	return 0;
}

/* Put back every touched device; returns how many could not be put back. */
static size_t bind_rollback(struct bind_state *st, size_t n, struct icemig_err *err)
{
	struct icemig_err e2;
	size_t i, failed = 0;

	for (i = n; i-- > 0;) {
		if (!st[i].touched)
			continue;
		icemig_err_clear(&e2);
		if (bind_restore(&st[i], &e2)) {
			failed++;
			icemig_err_append(err, "; ROLLBACK FAILED for %s (previous driver %s): %s",
					  st[i].name,
					  st[i].old_driver[0] ? st[i].old_driver : "none", e2.msg);
		} else {
			icemig_err_append(err, "; restored %s to %s", st[i].name,
					  st[i].old_driver[0] ? st[i].old_driver : "no driver");
		}
	}
	return failed;
}

int icemig_vf_bind(const struct icemig_bdf *bdfs, size_t n, const char *driver, const char *owner,
		   enum icemig_bind_status *status, struct icemig_err *err)
{
	struct icemig_pool pool = { .lockfd = -1 };
	struct icemig_users users = { 0 };
	char path[ICEMIG_PATH_MAX];
	struct bind_state *st;
	size_t i;
	int r = 0;

	if (!icemig_driver_name_valid(driver))
		return icemig_err_set(err, EINVAL, "'%.64s': invalid driver name", driver);
	if (!icemig_pci_driver_loaded(driver)) {
		icemig_sysfs_path(path, sizeof(path), NULL, "bus/pci/drivers/%s", driver);
		return icemig_err_set(err, ENOENT, "driver %s is not loaded (no %s)", driver, path);
	}
	st = calloc(n ? n : 1, sizeof(*st));
	if (!st)
		return icemig_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		st[i].bdf = bdfs[i];
		r = bind_preflight(&st[i], driver, err);
		if (r)
			goto out;
	}
	/* Under the pool lock, nothing another domain uses is rebound (inuse.h). */
	r = icemig_pool_lock(&pool, err);
	if (r)
		goto out;
	icemig_users_load(&users);
	for (i = 0; i < n; i++) {
		if (strcmp(st[i].old_driver, driver)) {
			r = icemig_vf_check_free(&users, &st[i].bdf, owner, err);
			if (r)
				goto out;
		}
	}
	/*
	 * Remember where each device comes from before the first write (for
	 * unbind --restore): a process killed at any later step leaves a state
	 * that unbind --restore repairs. The oldest memory is kept.
	 */
	for (i = 0; i < n; i++) {
		if (!strcmp(st[i].old_driver, driver))
			continue;
		r = icemig_memo_save(&st[i].bdf, st[i].old_driver, st[i].old_override, false,
				     &st[i].memo_made, err);
		if (r) {
			icemig_err_prefix(err, "%s: before binding it to %s", st[i].name, driver);
			goto forget;
		}
	}
	for (i = 0; i < n; i++) {
		char now[ICEMIG_DRIVER_MAX];

		/* Read again: a device listed twice is bound by its first occurrence. */
		r = icemig_pci_get_driver(&st[i].bdf, now, sizeof(now), err);
		if (r) {
			icemig_err_prefix(err, "%s", st[i].name);
			if (bind_rollback(st, i, err))
				goto out;
			goto forget;
		}
		if (!strcmp(now, driver)) {
			if (status)
				status[i] = ICEMIG_BIND_ALREADY;
			continue;
		}
		r = bind_one(&st[i], driver, err);
		if (r) {
			/* a device not put back keeps its memory, for unbind --restore */
			if (bind_rollback(st, i + 1, err))
				goto out;
			goto forget;
		}
		if (status)
			status[i] = ICEMIG_BIND_DONE;
	}
	goto out;
forget:
	/* everything is where it was: no memory made by this call stays behind */
	for (i = 0; i < n; i++)
		if (st[i].memo_made)
			icemig_memo_forget(&st[i].bdf, NULL);
out:
	icemig_users_free(&users);
	icemig_pool_unlock(&pool);
	free(st);
	return r;
}

/* ---- unbind / restore ---------------------------------------------------- */

struct unbind_state {
	struct bind_state before; /* for the rollback */
	struct bind_state target; /* old_driver/old_override: where it goes */
	bool native; /* no memory: let the kernel choose */
	bool memo; /* a memory exists (forget it once restored) */
};

static int unbind_plan(struct unbind_state *u, bool restore, struct icemig_err *err)
{
	struct bind_state *b = &u->before;
	int r;

	r = check_rebindable(b, err);
	if (r)
		return r;
	r = icemig_pci_get_driver(&b->bdf, b->old_driver, sizeof(b->old_driver), err);
	if (!r)
		r = icemig_pci_get_override(&b->bdf, b->old_override, sizeof(b->old_override), err);
	if (r == -ENOENT)
		return icemig_err_set(err, EOPNOTSUPP,
				      "%s: no driver_override attribute (kernel too old?)",
				      b->name);
	if (r) {
		icemig_err_prefix(err, "%s", b->name);
		return r;
	}
	u->target.bdf = b->bdf;
	icemig_strlcpy(u->target.name, b->name, sizeof(u->target.name));
	if (!restore)
		return 0;
	r = icemig_memo_load(&b->bdf, u->target.old_driver, u->target.old_override, err);
	if (r == -ENOENT) {
		u->native = true;
		return 0;
	}
	if (r) {
		icemig_err_prefix(err, "%s", b->name);
		return r;
	}
	u->memo = true;
	return 0;
}

/* Whether the device already is where it should go. */
static bool unbind_done(const struct unbind_state *u)
{
	const struct bind_state *b = &u->before, *t = &u->target;

	if (u->native) /* on the kernel's choice: no override in force */
		return !b->old_override[0] && b->old_driver[0];
	return !strcmp(b->old_driver, t->old_driver) && !strcmp(b->old_override, t->old_override);
}

static int unbind_one(struct unbind_state *u, struct icemig_err *err)
{
	struct bind_state *b = &u->before;
	char now[ICEMIG_DRIVER_MAX];
	int r;

	b->touched = true;
	if (!u->native) {
		/* to the remembered (or, without restore, no) driver and override */
		r = bind_restore(&u->target, err);
	} else {
		/* no memory: no override, and the kernel's choice of driver */
		r = icemig_pci_set_override(&b->bdf, "", err);
		if (!r && b->old_driver[0])
			r = icemig_pci_unbind(&b->bdf, b->old_driver, err);
		if (!r)
			r = icemig_pci_drivers_probe(&b->bdf, err);
		if (!r)
			r = icemig_pci_get_driver(&b->bdf, now, sizeof(now), err);
	}
	if (r)
		icemig_err_prefix(err, "%s", b->name);
	return r;
}

int icemig_vf_unbind(const struct icemig_bdf *bdfs, size_t n, bool restore, const char *owner,
		     enum icemig_unbind_status *status, char (*now)[ICEMIG_DRIVER_MAX],
		     struct icemig_err *err)
{
	struct icemig_pool pool = { .lockfd = -1 };
	struct icemig_users users = { 0 };
	struct unbind_state *u;
	struct bind_state *before;
	size_t i, j;
	int r = 0;

	u = calloc(n ? n : 1, sizeof(*u));
	before = calloc(n ? n : 1, sizeof(*before));
	if (!u || !before) {
		free(u);
		free(before);
		return icemig_err_set(err, ENOMEM, "out of memory");
	}
	for (i = 0; i < n && !r; i++) {
		u[i].before.bdf = bdfs[i];
		r = unbind_plan(&u[i], restore, err);
	}
	if (r)
		goto out;
	/* Under the pool lock, nothing another domain uses is touched (inuse.h). */
	r = icemig_pool_lock(&pool, err);
	if (r)
		goto out;
	icemig_users_load(&users);
	for (i = 0; i < n; i++) {
		if (!unbind_done(&u[i])) {
			r = icemig_vf_check_free(&users, &bdfs[i], owner, err);
			if (r)
				goto out;
		}
	}
	for (i = 0; i < n; i++) {
		/* A device listed twice is handled by its first occurrence. */
		for (j = 0; j < i; j++)
			if (!icemig_bdf_cmp(&bdfs[i], &bdfs[j]))
				break;
		if (j < i || unbind_done(&u[i])) {
			if (status)
				status[i] = ICEMIG_UNBIND_ALREADY;
		} else {
			r = unbind_one(&u[i], err);
			if (r) {
				for (j = 0; j <= i; j++)
					before[j] = u[j].before;
				bind_rollback(before, i + 1, err);
				goto out;
			}
			if (status)
				status[i] = ICEMIG_UNBIND_DONE;
		}
		if (u[i].memo)
			icemig_memo_forget(&bdfs[i], NULL);
	}
	if (now)
		for (i = 0; i < n; i++)
			if (icemig_pci_get_driver(&bdfs[i], now[i], ICEMIG_DRIVER_MAX, NULL))
				now[i][0] = '\0';
out:
	icemig_users_free(&users);
	icemig_pool_unlock(&pool);
	free(u);
	free(before);
	return r;
}

/* ---- list ---------------------------------------------------------------- */

static int table_add(struct icemig_vf_table *t, const struct icemig_vf_row *row,
		     struct icemig_err *err)
{
	struct icemig_vf_row *nv = realloc(t->rows, (t->n + 1) * sizeof(*t->rows));

	if (!nv)
		return icemig_err_set(err, ENOMEM, "out of memory");
	t->rows = nv;
	t->rows[t->n++] = *row;
	return 0;
}

static int collect_pf(struct icemig_vf_table *t, const struct icemig_providers *prov,
		      const struct icemig_users *users, const struct icemig_bdf *pf,
		      unsigned long num, struct icemig_err *err)
{
	struct icemig_vf_row *row;
	struct icemig_compat desc;
	const char *pname, *user;
	unsigned long i;
	int r = 0;

	row = calloc(1, sizeof(*row));
	if (!row)
		return icemig_err_set(err, ENOMEM, "out of memory");
	row->pf = *pf;
	pname = icemig_providers_find(prov, pf);
	if (pname)
		icemig_strlcpy(row->provider, pname, sizeof(row->provider));
	if (num == 0) {
		r = table_add(t, row, err);
		free(row);
		return r;
	}
	for (i = 0; i < num; i++) {
		r = icemig_pci_virtfn(pf, i, &row->vf, err);
		if (r == -ENOENT)
			continue; /* VFs changing under us; list what is there */
		if (r)
			break;
		row->has_vf = true;
		row->index = i;
		r = icemig_pci_get_driver(&row->vf, row->driver, sizeof(row->driver), err);
		if (r)
			break;
		r = icemig_pci_iommu_group(&row->vf, &row->iommu_group, err);
		row->has_group = (r == 0);
		if (r && r != -ENOENT)
			break;
		if (icemig_pool_owner(&row->vf, row->domain, sizeof(row->domain), NULL) == 0) {
			if (!row->domain[0])
				icemig_strlcpy(row->domain, "?", sizeof(row->domain));
		} else {
			user = icemig_users_find(users, &row->vf, NULL);
			icemig_strlcpy(row->domain, user ? user : "", sizeof(row->domain));
		}
		row->has_stream = false;
		if (!pname) {
			row->migration = ICEMIG_MIG_NO;
		} else if (strcmp(row->driver, ICEMIG_VARIANT_DRIVER)) {
			row->migration = ICEMIG_MIG_NEEDS_BIND;
		} else if (icemig_desc_read(&row->vf, &desc, NULL, 0, NULL) == 0) {
			row->migration = ICEMIG_MIG_YES;
			row->has_stream = true;
			row->stream_major = desc.stream_major;
			row->stream_minor = desc.stream_minor;
		} else {
			row->migration = ICEMIG_MIG_NO;
		}
		r = table_add(t, row, err);
		if (r)
			break;
	}
	free(row);
	return r;
}

int icemig_vf_collect(struct icemig_vf_table *t, struct icemig_err *err)
{
	struct icemig_providers prov;
	struct icemig_bdf *devs = NULL;
	struct icemig_users users;
	unsigned long total, num;
	size_t ndev = 0, i;
	int r;

	memset(t, 0, sizeof(*t));
	icemig_users_load(&users);
	r = icemig_providers_load(&prov, err);
	if (r)
		goto out;
	t->providers_present = prov.present;
	r = icemig_pci_list(&devs, &ndev, err);
	if (r)
		goto out;
	for (i = 0; i < ndev; i++) {
		r = icemig_pci_sriov(&devs[i], &total, &num, NULL);
		if (r || total == 0)
			continue;
		r = collect_pf(t, &prov, &users, &devs[i], num, err);
		if (r)
			goto out;
	}
	r = 0;
out:
	free(devs);
	icemig_users_free(&users);
	icemig_providers_free(&prov);
	if (r)
		icemig_vf_table_free(t);
	return r;
}

void icemig_vf_table_free(struct icemig_vf_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

/*
 * Column table shared by the text and JSON renderers. get() writes the cell
 * text into buf and returns true, or returns false for "no value".
 */
struct column {
	const char *header;
	const char *key;
	bool numeric;
	bool (*get)(const struct icemig_vf_row *r, char *buf, size_t size);
};

static bool col_pf(const struct icemig_vf_row *r, char *buf, size_t size)
{
	(void)size;
	icemig_bdf_format(&r->pf, buf);
	return true;
}

static bool col_provider(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->provider[0] && icemig_strlcpy(buf, r->provider, size) < size;
}

static bool col_index(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->has_vf && snprintf(buf, size, "%lu", r->index) > 0;
}

static bool col_vf(const struct icemig_vf_row *r, char *buf, size_t size)
{
	(void)size;
	if (!r->has_vf)
		return false;
	icemig_bdf_format(&r->vf, buf);
	return true;
}

static bool col_driver(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->has_vf && r->driver[0] && icemig_strlcpy(buf, r->driver, size) < size;
}

static bool col_group(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->has_vf && r->has_group && snprintf(buf, size, "%lu", r->iommu_group) > 0;
}

static bool col_domain(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->has_vf && r->domain[0] && icemig_strlcpy(buf, r->domain, size) < size;
}

static bool col_migration(const struct icemig_vf_row *r, char *buf, size_t size)
{
	static const char *const names[] = {
		[ICEMIG_MIG_NO] = "no",
		[ICEMIG_MIG_NEEDS_BIND] = "needs-bind",
		[ICEMIG_MIG_YES] = "yes",
	};

	return r->has_vf && icemig_strlcpy(buf, names[r->migration], size) < size;
}

static bool col_stream(const struct icemig_vf_row *r, char *buf, size_t size)
{
	return r->has_vf && r->has_stream &&
	       snprintf(buf, size, "%u.%u", r->stream_major, r->stream_minor) > 0;
}

static const struct column columns[] = {
	{ "PF", "pf", false, col_pf },
	{ "PROVIDER", "provider", false, col_provider },
	{ "INDEX", "index", true, col_index },
	{ "VF", "vf", false, col_vf },
	{ "DRIVER", "driver", false, col_driver },
	{ "IOMMU_GROUP", "iommu_group", true, col_group },
	{ "DOMAIN", "domain", false, col_domain },
	{ "MIGRATION", "migration", false, col_migration },
	{ "STREAM", "stream", false, col_stream },
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))
#define CELL_MAX ICEMIG_DOMAIN_MAX

/*
 * The one model of the table, in libsmartcols (the library of lsblk and
 * findmnt): the text form, or its JSON form {"vfs": [{column: value}]}
 * with the keys the headers in lower case and the numeric columns as
 * numbers. A value that is absent is "-" in text and null in JSON.
 */
static struct libscols_table *build_table(const struct icemig_vf_table *t, bool json)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_column *cl;
	struct libscols_line *ln;
	char cell[CELL_MAX];
	size_t i, c;

	if (!tb)
		return NULL;
	if (json && (scols_table_enable_json(tb, 1) || scols_table_set_name(tb, "vfs")))
		goto fail;
	for (c = 0; c < NCOLS; c++) {
		cl = scols_table_new_column(tb, columns[c].header, 0, 0);
		if (!cl || scols_column_set_json_type(cl, columns[c].numeric ? SCOLS_JSON_NUMBER :
									       SCOLS_JSON_STRING))
			goto fail;
	}
	for (i = 0; i < t->n; i++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto fail;
		for (c = 0; c < NCOLS; c++) {
			bool has = columns[c].get(&t->rows[i], cell, sizeof(cell));

			if (scols_line_set_data(ln, c, has ? cell : (json ? NULL : "-")))
				goto fail;
		}
	}
	return tb;
fail:
	scols_unref_table(tb);
	return NULL;
}

static int render_json(const struct icemig_vf_table *t, struct libscols_table *tb, bool pretty,
		       FILE *out)
{
	struct json_object *doc = NULL, *root, *vfs;
	char *text = NULL;
	int r = -ENOMEM;

	if (scols_print_table_to_string(tb, &text) || !text)
		goto out;
	doc = json_tokener_parse(text);
	if (!doc || !json_object_object_get_ex(doc, "vfs", &vfs))
		goto out;
	root = json_object_new_object();
	if (!root)
		goto out;
	json_object_object_add(root, "ice_vfio_pci_loaded",
			       json_object_new_boolean(t->providers_present));
	json_object_object_add(root, "vfs", json_object_get(vfs));
	r = icemig_out_print(root, true, pretty, NULL, out);
	json_object_put(root);
out:
	json_object_put(doc);
	free(text);
	return r;
}

int icemig_vf_render(const struct icemig_vf_table *t, bool json, bool pretty, FILE *out)
{
	struct libscols_table *tb = build_table(t, json);
	int r;

	if (!tb)
		return -ENOMEM;
	if (json) {
		r = render_json(t, tb, pretty, out);
	} else {
		r = scols_table_set_stream(tb, out) || scols_print_table(tb) ? -EIO : 0;
		if (!r && (fflush(out) == EOF || ferror(out)))
			r = -EIO;
	}
	scols_unref_table(tb);
	return r;
}
