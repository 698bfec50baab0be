// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: VF provisioning. See vf.h. */
#include "vf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

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

int icemig_vf_create(const struct icemig_bdf *pf, unsigned long n, bool force,
		     struct icemig_bdf **vfs, size_t *nvfs, bool *changed, struct icemig_err *err)
{
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
		if (cur != 0) {
			if (!force)
				return icemig_err_set(
					err, EBUSY,
					"%s: already has %lu VFs; changing to %lu means writing 0 first, which removes the existing VFs; use --force to do that",
					name, cur, n);
			r = icemig_pci_set_numvfs(pf, 0, err);
			if (r) {
				icemig_err_prefix(err, "%s: removing the existing %lu VFs", name,
						  cur);
				return r;
			}
		}
		r = icemig_pci_set_numvfs(pf, n, err);
		if (changed)
			*changed = true;
		if (r) {
			icemig_err_prefix(err, "%s: creating %lu VFs", name, n);
			return r;
		}
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

/* ---- bind with rollback ------------------------------------------------- */

struct bind_state {
	struct icemig_bdf bdf;
	char name[ICEMIG_BDF_LEN];
	char old_driver[ICEMIG_DRIVER_MAX]; /* "" unbound */
	char old_override[ICEMIG_DRIVER_MAX]; /* "" unset */
	bool touched;
};

static int bind_preflight(struct bind_state *s, const char *driver, struct icemig_err *err)
{
	char ovr[ICEMIG_ATTR_MAX];
	struct icemig_bdf pf;
	int r;

	icemig_bdf_format(&s->bdf, s->name);
	r = icemig_pci_check_exists(&s->bdf, err);
	if (r)
		return r;
	/* Only VFs: rebinding a PF would take the host's NIC away. */
	r = icemig_pci_physfn(&s->bdf, &pf, err);
	if (r == -ENOENT)
		return icemig_err_set(err, EINVAL,
				      "%s: not a VF (no physfn link); only VFs are rebound",
				      s->name);
	if (r) {
		icemig_err_prefix(err, "%s", s->name);
		return r;
	}
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

static void bind_rollback(struct bind_state *st, size_t n, struct icemig_err *err)
{
	struct icemig_err e2;
	size_t i;

	for (i = n; i-- > 0;) {
		if (!st[i].touched)
			continue;
		icemig_err_clear(&e2);
		if (bind_restore(&st[i], &e2))
			icemig_err_append(err, "; ROLLBACK FAILED for %s (previous driver %s): %s",
					  st[i].name,
					  st[i].old_driver[0] ? st[i].old_driver : "none", e2.msg);
		else
			icemig_err_append(err, "; restored %s to %s", st[i].name,
					  st[i].old_driver[0] ? st[i].old_driver : "no driver");
	}
}

int icemig_vf_bind(const struct icemig_bdf *bdfs, size_t n, const char *driver,
		   enum icemig_bind_status *status, struct icemig_err *err)
{
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
	for (i = 0; i < n; i++) {
		char now[ICEMIG_DRIVER_MAX];

		/* Read again: a device listed twice is bound by its first occurrence. */
		r = icemig_pci_get_driver(&st[i].bdf, now, sizeof(now), err);
		if (r) {
			icemig_err_prefix(err, "%s", st[i].name);
			bind_rollback(st, i, err);
			goto out;
		}
		if (!strcmp(now, driver)) {
			if (status)
				status[i] = ICEMIG_BIND_ALREADY;
			continue;
		}
		r = bind_one(&st[i], driver, err);
		if (r) {
			bind_rollback(st, i + 1, err);
			goto out;
		}
		if (status)
			status[i] = ICEMIG_BIND_DONE;
	}
out:
	free(st);
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
		      const struct icemig_bdf *pf, unsigned long num, struct icemig_err *err)
{
	struct icemig_vf_row *row;
	const char *pname;
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
		r = icemig_pool_owner(&row->vf, row->reserved_by, sizeof(row->reserved_by), NULL);
		row->reserved = (r == 0);
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
	unsigned long total, num;
	size_t ndev = 0, i;
	int r;

	memset(t, 0, sizeof(*t));
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
		r = collect_pf(t, &prov, &devs[i], num, err);
		if (r)
			goto out;
	}
	r = 0;
out:
	free(devs);
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

static bool col_reserved(const struct icemig_vf_row *r, char *buf, size_t size)
{
	if (!r->has_vf || !r->reserved)
		return false;
	icemig_strlcpy(buf, r->reserved_by[0] ? r->reserved_by : "?", size);
	return true;
}

static const struct column columns[] = {
	{ "PF", "pf", false, col_pf },
	{ "PROVIDER", "provider", false, col_provider },
	{ "INDEX", "index", true, col_index },
	{ "VF", "vf", false, col_vf },
	{ "DRIVER", "driver", false, col_driver },
	{ "IOMMU_GROUP", "iommu_group", true, col_group },
	{ "RESERVED_BY", "reserved_by", false, col_reserved },
};

#define NCOLS (sizeof(columns) / sizeof(columns[0]))
#define CELL_MAX ICEMIG_DOMAIN_MAX

static void print_cell(FILE *out, size_t c, size_t width, const char *text)
{
	if (c + 1 < NCOLS)
		fprintf(out, "%-*s  ", (int)width, text);
	else
		fprintf(out, "%s\n", text);
}

static int render_text(const struct icemig_vf_table *t, FILE *out)
{
	size_t width[NCOLS], i, c;
	char cell[CELL_MAX];

	for (c = 0; c < NCOLS; c++)
		width[c] = strlen(columns[c].header);
	for (i = 0; i < t->n; i++)
		for (c = 0; c < NCOLS; c++) {
			size_t l =
				columns[c].get(&t->rows[i], cell, sizeof(cell)) ? strlen(cell) : 1;

			if (l > width[c])
				width[c] = l;
		}
	for (c = 0; c < NCOLS; c++)
		print_cell(out, c, width[c], columns[c].header);
	for (i = 0; i < t->n; i++)
		for (c = 0; c < NCOLS; c++)
			print_cell(out, c, width[c],
				   columns[c].get(&t->rows[i], cell, sizeof(cell)) ? cell : "-");
	return 0;
}

static int render_json(const struct icemig_vf_table *t, FILE *out)
{
	struct json_object *root, *arr, *obj, *val;
	char cell[CELL_MAX];
	size_t i, c;
	int r = 0;

	root = json_object_new_object();
	arr = json_object_new_array();
	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return -ENOMEM;
	}
	json_object_object_add(root, "ice_vfio_pci_loaded",
			       json_object_new_boolean(t->providers_present));
	json_object_object_add(root, "vfs", arr);
	for (i = 0; i < t->n; i++) {
		obj = json_object_new_object();
		if (!obj) {
			r = -ENOMEM;
			goto out;
		}
		json_object_array_add(arr, obj);
		for (c = 0; c < NCOLS; c++) {
			val = NULL;
			if (columns[c].get(&t->rows[i], cell, sizeof(cell)))
				val = columns[c].numeric ?
					      json_object_new_int64(strtoll(cell, NULL, 10)) :
					      json_object_new_string(cell);
			json_object_object_add(obj, columns[c].key, val);
		}
	}
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(root);
	return r;
}

int icemig_vf_render(const struct icemig_vf_table *t, bool json, FILE *out)
{
	int r = json ? render_json(t, out) : render_text(t, out);

	if (r)
		return r;
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return 0;
}
