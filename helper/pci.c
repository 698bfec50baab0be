// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: PCI device queries and driver-binding primitives. See pci.h. */
#include "pci.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <sys/utsname.h>

#include "sysfs.h"

bool icemig_driver_name_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strnlen(name, ICEMIG_DRIVER_MAX);
	if (len == 0 || len >= ICEMIG_DRIVER_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

bool icemig_ifname_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strnlen(name, 16);
	if (len == 0 || len >= 16 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

int icemig_pci_path(char *buf, size_t size, const struct icemig_bdf *bdf, const char *attr,
		    struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];

	icemig_bdf_format(bdf, name);
	if (attr)
		return icemig_sysfs_path(buf, size, err, "bus/pci/devices/%s/%s", name, attr);
	return icemig_sysfs_path(buf, size, err, "bus/pci/devices/%s", name);
}

int icemig_pci_check_exists(const struct icemig_bdf *bdf, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, NULL, err);
	if (r)
		return r;
	if (!icemig_sysfs_exists(path))
		return icemig_err_set(err, ENODEV, "%s: no such PCI device (%s does not exist)",
				      icemig_bdf_format(bdf, name), path);
	return 0;
}

int icemig_pci_get_driver(const struct icemig_bdf *bdf, char *name, size_t size,
			  struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, "driver", err);
	if (r)
		return r;
	r = icemig_sysfs_link_name(path, name, size, err);
	if (r == -ENOENT) {
		name[0] = '\0';
		return 0;
	}
	return r;
}

int icemig_pci_get_override(const struct icemig_bdf *bdf, char *buf, size_t size,
			    struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, "driver_override", err);
	if (r)
		return r;
	r = icemig_sysfs_read(path, buf, size, err);
	if (r < 0)
		return r;
	if (!strcmp(buf, "(null)"))
		buf[0] = '\0';
	return 0;
}

int icemig_pci_set_override(const struct icemig_bdf *bdf, const char *driver,
			    struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, "driver_override", err);
	if (r)
		return r;
	return icemig_sysfs_write(path, (driver && *driver) ? driver : "\n", err);
}

static int driver_attr_write(const struct icemig_bdf *bdf, const char *driver, const char *attr,
			     struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	if (!icemig_driver_name_valid(driver))
		return icemig_err_set(err, EINVAL, "'%s': invalid driver name", driver);
	r = icemig_sysfs_path(path, sizeof(path), err, "bus/pci/drivers/%s/%s", driver, attr);
	if (r)
		return r;
	return icemig_sysfs_write(path, icemig_bdf_format(bdf, name), err);
}

int icemig_pci_unbind(const struct icemig_bdf *bdf, const char *driver, struct icemig_err *err)
{
	return driver_attr_write(bdf, driver, "unbind", err);
}

int icemig_pci_bind(const struct icemig_bdf *bdf, const char *driver, struct icemig_err *err)
{
	return driver_attr_write(bdf, driver, "bind", err);
}

int icemig_pci_drivers_probe(const struct icemig_bdf *bdf, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	r = icemig_sysfs_path(path, sizeof(path), err, "bus/pci/drivers_probe");
	if (r)
		return r;
	return icemig_sysfs_write(path, icemig_bdf_format(bdf, name), err);
}

bool icemig_pci_driver_loaded(const char *driver)
{
	char path[ICEMIG_PATH_MAX];

	if (!icemig_driver_name_valid(driver))
		return false;
	if (icemig_sysfs_path(path, sizeof(path), NULL, "bus/pci/drivers/%s", driver))
		return false;
	return icemig_sysfs_exists(path);
}

int icemig_pci_iommu_group(const struct icemig_bdf *bdf, unsigned long *group,
			   struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[64];
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, "iommu_group", err);
	if (r)
		return r;
	r = icemig_sysfs_link_name(path, name, sizeof(name), err);
	if (r)
		return r;
	if (icemig_parse_ulong(name, 10, 0xffffffffUL, group))
		return icemig_err_set(err, EINVAL, "%s: link target '%s' is not a group number",
				      path, name);
	return 0;
}

int icemig_pci_sriov(const struct icemig_bdf *bdf, unsigned long *total, unsigned long *num,
		     struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	unsigned long v;
	int r;

	r = icemig_pci_path(path, sizeof(path), bdf, "sriov_totalvfs", err);
	if (r)
		return r;
	r = icemig_sysfs_read_uint(path, &v, err);
	if (r)
		return r;
	if (total)
		*total = v;
	if (!num)
		return 0;
	r = icemig_pci_path(path, sizeof(path), bdf, "sriov_numvfs", err);
	if (r)
		return r;
	return icemig_sysfs_read_uint(path, num, err);
}

int icemig_pci_set_numvfs(const struct icemig_bdf *pf, unsigned long n, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], val[32];
	int r;

	r = icemig_pci_path(path, sizeof(path), pf, "sriov_numvfs", err);
	if (r)
		return r;
	snprintf(val, sizeof(val), "%lu", n);
	return icemig_sysfs_write(path, val, err);
}

static int link_bdf(const char *path, struct icemig_bdf *out, struct icemig_err *err)
{
	char name[256];
	int r;

	r = icemig_sysfs_link_name(path, name, sizeof(name), err);
	if (r)
		return r;
	if (icemig_bdf_parse(name, out))
		return icemig_err_set(err, EINVAL, "%s: link target '%s' is not a PCI address",
				      path, name);
	return 0;
}

int icemig_pci_virtfn(const struct icemig_bdf *pf, unsigned long index, struct icemig_bdf *vf,
		      struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], attr[32];
	int r;

	snprintf(attr, sizeof(attr), "virtfn%lu", index);
	r = icemig_pci_path(path, sizeof(path), pf, attr, err);
	if (r)
		return r;
	return link_bdf(path, vf, err);
}

int icemig_pci_physfn(const struct icemig_bdf *vf, struct icemig_bdf *pf, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r;

	r = icemig_pci_path(path, sizeof(path), vf, "physfn", err);
	if (r)
		return r;
	return link_bdf(path, pf, err);
}

int icemig_netdev_pci(const char *ifname, struct icemig_bdf *out, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	struct icemig_err e2;
	int r;

	if (!icemig_ifname_valid(ifname))
		return icemig_err_set(
			err, EINVAL,
			"'%s': neither a PCI address DDDD:BB:DD.F nor a valid network interface name",
			ifname);
	r = icemig_sysfs_path(path, sizeof(path), err, "class/net/%s/device", ifname);
	if (r)
		return r;
	r = link_bdf(path, out, &e2);
	if (r == -ENOENT)
		return icemig_err_set(err, ENODEV,
				      "%s: no such network interface with a device (%s)", ifname,
				      path);
	if (r)
		return icemig_err_set(err, ENODEV, "%s: not a PCI network interface (%s)", ifname,
				      e2.msg);
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return icemig_bdf_cmp(a, b);
}

int icemig_pci_list(struct icemig_bdf **out, size_t *n, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	struct icemig_bdf *v = NULL, *nv;
	size_t cnt = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int r;

	r = icemig_sysfs_path(path, sizeof(path), err, "bus/pci/devices");
	if (r)
		return r;
	d = opendir(path);
	if (!d)
		return icemig_err_set(err, errno, "%s: cannot list: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		struct icemig_bdf b;

		if (icemig_bdf_parse(de->d_name, &b))
			continue;
		if (cnt == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			nv = realloc(v, alloc * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return icemig_err_set(err, ENOMEM, "%s: out of memory", path);
			}
			v = nv;
		}
		v[cnt++] = b;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_bdf);
	*out = v;
	*n = cnt;
	return 0;
}

const char *icemig_modules_alias_path(void)
{
	static char path[512];
	const char *e = getenv("ICEMIG_MODULES_ALIAS");
	struct utsname u;

	if (e && *e)
		return e;
	if (uname(&u))
		return "/lib/modules/modules.alias";
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	return path;
}

int icemig_pci_vfio_variant(const struct icemig_bdf *bdf, char *module, size_t size)
{
	static const char prefix[] = "alias vfio_pci:";
	char path[ICEMIG_PATH_MAX], modalias[256], pattern[300], *line = NULL, *sp;
	size_t cap = 0, stars, best_stars = (size_t)-1, i;
	bool found = false;
	FILE *f;

	if (icemig_pci_path(path, sizeof(path), bdf, "modalias", NULL) ||
	    icemig_sysfs_read(path, modalias, sizeof(modalias), NULL) < 0)
		return -ENOENT;
	f = fopen(icemig_modules_alias_path(), "re");
	if (!f)
		return -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, prefix, sizeof(prefix) - 1))
			continue;
		sp = strchr(line + sizeof(prefix) - 1, ' ');
		if (!sp)
			continue;
		*sp++ = '\0';
		icemig_chomp(sp);
		/* the alias "vfio_pci:v...d..." stands for the modalias "pci:v...d..." */
		if (!icemig_driver_name_valid(sp) ||
		    (size_t)snprintf(pattern, sizeof(pattern), "pci:%s",
				     line + sizeof(prefix) - 1) >= sizeof(pattern) ||
		    fnmatch(pattern, modalias, 0))
			continue;
		for (i = 0, stars = 0; pattern[i]; i++)
			stars += pattern[i] == '*';
		if (stars < best_stars) {
			best_stars = stars;
			found = icemig_strlcpy(module, sp, size) < size;
		}
	}
	free(line);
	fclose(f);
	return found ? 0 : -ENOENT;
}
