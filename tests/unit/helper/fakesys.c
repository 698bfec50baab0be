// SPDX-License-Identifier: GPL-2.0-only
/* Fake sysfs for the icemig helper's unit tests. See fakesys.h. */
#include "fakesys.h"

#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bdf.h"
#include "icemig_compat.h"
#include "sysfs.h"

static void die(const char *fmt, ...) ICEMIG_PRINTF(1, 2);

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fakesys: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static void pathf(char *buf, size_t size, const char *fmt, ...) ICEMIG_PRINTF(3, 4);

static void pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		die("path too long");
}

static void mkdirs(const char *path)
{
	struct icemig_err err;

	if (icemig_mkdir_p(path, 0755, &err))
		die("%s", err.msg);
}

static void put_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(content, f) == EOF || fclose(f))
		die("%s: cannot write: %s", path, strerror(errno));
}

static void put_link(const char *path, const char *target)
{
	unlink(path);
	if (symlink(target, path))
		die("%s: cannot link: %s", path, strerror(errno));
}

static bool get_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	icemig_chomp(buf);
	return true;
}

static bool get_link_name(const char *path, char *buf, size_t size)
{
	char t[512];
	ssize_t n = readlink(path, t, sizeof(t) - 1);
	const char *b;

	if (n < 0)
		return false;
	t[n] = '\0';
	b = strrchr(t, '/');
	icemig_strlcpy(buf, b ? b + 1 : t, size);
	return true;
}

static void rm_rf(const char *path)
{
	struct dirent *de;
	struct stat st;
	char p[1024];
	DIR *d;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			pathf(p, sizeof(p), "%s/%s", path, de->d_name);
			rm_rf(p);
		}
		closedir(d);
	}
	rmdir(path);
}

static void dev_path(struct fakesys *fs, char *buf, size_t size, const char *bdf, const char *attr)
{
	if (attr)
		pathf(buf, size, "%s/bus/pci/devices/%s/%s", fs->root, bdf, attr);
	else
		pathf(buf, size, "%s/bus/pci/devices/%s", fs->root, bdf);
}

/* ---- the simulated kernel ---------------------------------------------------- */

static void log_write(struct fakesys *fs, const char *rel, const char *value)
{
	char v[64];

	icemig_strlcpy(v, value, sizeof(v));
	icemig_chomp(v);
	if (fs->nlog < FAKESYS_LOG_MAX)
		snprintf(fs->log[fs->nlog++], sizeof(fs->log[0]), "%.100s=%.50s", rel, v);
}

static bool refused(struct fakesys *fs, const char *driver, const char *bdf)
{
	size_t i;

	for (i = 0; i < fs->nrefuse; i++)
		if (!strcmp(fs->refuse[i].driver, driver) &&
		    (!strcmp(fs->refuse[i].bdf, "*") || !strcmp(fs->refuse[i].bdf, bdf)))
			return true;
	return false;
}

static bool driver_exists(struct fakesys *fs, const char *driver)
{
	char p[1024];
	struct stat st;

	pathf(p, sizeof(p), "%s/bus/pci/drivers/%s", fs->root, driver);
	return stat(p, &st) == 0;
}

/*
 * The icemig_compat attribute of ice_vfio_pci: present while the device is
 * bound to ice_vfio_pci and a descriptor is set for it (.fake_compat of the
 * VF, else of its PF), absent otherwise.
 */
static void update_compat(struct fakesys *fs, const char *bdf, const char *driver)
{
	char p[1024], t[1024], pf[32];
	char *text = NULL;

	dev_path(fs, p, sizeof(p), bdf, "icemig_compat");
	unlink(p);
	if (!driver || strcmp(driver, "ice_vfio_pci"))
		return;
	dev_path(fs, t, sizeof(t), bdf, ".fake_compat");
	text = fakesys_slurp(t, NULL);
	if (!text) {
		dev_path(fs, t, sizeof(t), bdf, "physfn");
		if (!get_link_name(t, pf, sizeof(pf)))
			return;
		dev_path(fs, t, sizeof(t), pf, ".fake_compat");
		text = fakesys_slurp(t, NULL);
	}
	if (text)
		put_file(p, text);
	free(text);
}

static void link_driver(struct fakesys *fs, const char *bdf, const char *driver)
{
	char p[1024], t[256];

	dev_path(fs, p, sizeof(p), bdf, "driver");
	update_compat(fs, bdf, driver);
	if (!driver) {
		unlink(p);
		return;
	}
	pathf(t, sizeof(t), "../../drivers/%s", driver);
	put_link(p, t);
}

/* Probe @bdf with @driver, as really_probe() would. Returns true if bound. */
static bool try_probe(struct fakesys *fs, const char *bdf, const char *driver)
{
	if (!driver || !*driver || !driver_exists(fs, driver) || refused(fs, driver, bdf))
		return false;
	link_driver(fs, bdf, driver);
	return true;
}

/*
 * The address of VF @k as the SR-IOV capability defines it: routing ID of
 * the PF + First VF Offset + k * VF Stride (PCIe base spec 9.3.3.9/10).
 * Offset 0x80 and stride 1 put VF 0 of 0000:01:00.0 at 0000:01:10.0, as on
 * many NICs; VFs past the end of the bus continue on the next bus.
 */
static void vf_address(const char *pf, unsigned int k, char *out)
{
	struct icemig_bdf b;
	unsigned int rid;

	if (icemig_bdf_parse(pf, &b))
		die("bad PF %s", pf);
	rid = ((unsigned int)b.bus << 8 | (unsigned int)b.dev << 3 | b.func) + 0x80 + k;
	if (rid > 0xffff)
		die("VF %u of %s beyond bus 0xff", k, pf);
	b.bus = (uint8_t)(rid >> 8);
	b.dev = (uint8_t)((rid >> 3) & 0x1f);
	b.func = (uint8_t)(rid & 7);
	icemig_bdf_format(&b, out);
}

static void create_vf(struct fakesys *fs, const char *pf, unsigned int k, char *vf_out)
{
	char p[1024], t[256], vfdrv[64] = "", pfd[1024], ap[16] = "1";

	vf_address(pf, k, vf_out);
	dev_path(fs, p, sizeof(p), vf_out, NULL);
	mkdirs(p);
	dev_path(fs, p, sizeof(p), vf_out, "driver_override");
	put_file(p, "(null)\n");
	dev_path(fs, p, sizeof(p), vf_out, "physfn");
	pathf(t, sizeof(t), "../%s", pf);
	put_link(p, t);
	pathf(p, sizeof(p), "%s/kernel/iommu_groups/%u", fs->root, fs->next_group);
	mkdirs(p);
	dev_path(fs, p, sizeof(p), vf_out, "iommu_group");
	pathf(t, sizeof(t), "../../../../kernel/iommu_groups/%u", fs->next_group++);
	put_link(p, t);
	dev_path(fs, pfd, sizeof(pfd), pf, ".fake_vf_driver");
	get_file(pfd, vfdrv, sizeof(vfdrv));
	dev_path(fs, p, sizeof(p), vf_out, ".fake_native");
	put_file(p, vfdrv);
	pathf(p, sizeof(p), "%s/bus/pci/devices/%s/virtfn%u", fs->root, pf, k);
	pathf(t, sizeof(t), "../%s", vf_out);
	put_link(p, t);
	/* pci_iov_add_virtfn(): probed only when sriov_drivers_autoprobe is 1 */
	dev_path(fs, p, sizeof(p), pf, "sriov_drivers_autoprobe");
	get_file(p, ap, sizeof(ap));
	if (!strcmp(ap, "1"))
		try_probe(fs, vf_out, vfdrv);
}

static int k_numvfs(struct fakesys *fs, const char *pf, const char *value)
{
	char p[1024], buf[64], vf[16];
	unsigned long n, cur = 0, total = 0, k;

	if (icemig_parse_ulong(value, 10, 1UL << 16, &n))
		return -EINVAL;
	dev_path(fs, p, sizeof(p), pf, "sriov_numvfs");
	if (get_file(p, buf, sizeof(buf)))
		cur = strtoul(buf, NULL, 10);
	dev_path(fs, p, sizeof(p), pf, "sriov_totalvfs");
	if (get_file(p, buf, sizeof(buf)))
		total = strtoul(buf, NULL, 10);
	if (n == cur)
		return 0;
	if (n > total)
		return -ERANGE;
	if (cur && n)
		return -EBUSY;
	if (n == 0) {
		for (k = 0; k < cur; k++) {
			pathf(p, sizeof(p), "%s/bus/pci/devices/%s/virtfn%lu", fs->root, pf, k);
			if (get_link_name(p, vf, sizeof(vf))) {
				char d[1024];

				dev_path(fs, d, sizeof(d), vf, NULL);
				rm_rf(d);
			}
			unlink(p);
		}
	} else {
		for (k = 0; k < n; k++)
			create_vf(fs, pf, (unsigned int)k, vf);
	}
	dev_path(fs, p, sizeof(p), pf, "sriov_numvfs");
	snprintf(buf, sizeof(buf), "%lu\n", n);
	put_file(p, buf);
	return 0;
}

static bool dev_exists(struct fakesys *fs, const char *bdf)
{
	char p[1024];
	struct stat st;

	dev_path(fs, p, sizeof(p), bdf, NULL);
	return strlen(bdf) == 12 && stat(p, &st) == 0;
}

static int k_bind(struct fakesys *fs, const char *driver, const char *bdf)
{
	const char *ovr;

	if (!dev_exists(fs, bdf))
		return -ENODEV;
	if (fakesys_driver(fs, bdf)[0])
		return -EBUSY;
	ovr = fakesys_override(fs, bdf);
	if (ovr[0] && strcmp(ovr, driver))
		return -ENODEV;
	return try_probe(fs, bdf, driver) ? 0 : -ENODEV;
}

static int k_unbind(struct fakesys *fs, const char *driver, const char *bdf)
{
	if (!dev_exists(fs, bdf) || strcmp(fakesys_driver(fs, bdf), driver))
		return -ENODEV;
	link_driver(fs, bdf, NULL);
	return 0;
}

static int k_probe(struct fakesys *fs, const char *bdf)
{
	char p[1024], native[64] = "";
	const char *ovr;

	if (!dev_exists(fs, bdf))
		return -ENODEV;
	if (fakesys_driver(fs, bdf)[0])
		return 0;
	ovr = fakesys_override(fs, bdf);
	if (ovr[0]) {
		try_probe(fs, bdf, ovr);
		return 0;
	}
	dev_path(fs, p, sizeof(p), bdf, ".fake_native");
	get_file(p, native, sizeof(native));
	try_probe(fs, bdf, native);
	return 0;
}

/* Whether the pool lock is held (by this process or another): it cannot be taken now. */
static void check_locked(struct fakesys *fs, const char *rel, const char *value)
{
	char p[1024];
	int fd;

	pathf(p, sizeof(p), "%s/lock", fs->rundir);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return;
	}
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
	if (!fs->unlocked_writes++)
		snprintf(fs->unlocked_first, sizeof(fs->unlocked_first), "%.100s=%.50s", rel,
			 value);
}

static int kernel_write(struct fakesys *fs, const char *path, const char *rel, char *value);

static int fake_write(void *opaque, const char *path, const char *data, size_t len)
{
	struct fakesys *fs = opaque;
	size_t rl = strlen(fs->root);
	char rel[512], value[256];
	int r;

	if (strncmp(path, fs->root, rl) || path[rl] != '/')
		return icemig_sysfs_plain_write(NULL, path, data, len);
	icemig_strlcpy(rel, path + rl + 1, sizeof(rel));
	if (len >= sizeof(value))
		return -EINVAL;
	memcpy(value, data, len);
	value[len] = '\0';
	if (fs->kill_at >= 0 && (size_t)fs->kill_at == fs->nlog && !fs->kill_after)
		_exit(137);
	log_write(fs, rel, value);
	if (fs->check_lock)
		check_locked(fs, rel, value);
	r = kernel_write(fs, path, rel, value);
	if (fs->kill_at >= 0 && (size_t)fs->kill_at + 1 == fs->nlog && fs->kill_after)
		_exit(137);
	return r;
}

/* What the kernel does with a write of @value to <root>/@rel. */
static int kernel_write(struct fakesys *fs, const char *path, const char *rel, char *value)
{
	char a[64], b[64], c[64], buf[512];
	size_t i;

	for (i = 0; i < fs->nfail; i++)
		if (!strcmp(fs->fail[i].rel, rel) &&
		    (!fs->fail[i].value[0] || !strcmp(fs->fail[i].value, value)))
			return -fs->fail[i].err;
	/* Attributes must exist, as in sysfs. */
	if (access(path, F_OK))
		return -ENOENT;
	if (sscanf(rel, "bus/pci/devices/%63[^/]/%63s", a, b) == 2) {
		if (!strcmp(b, "sriov_numvfs"))
			return k_numvfs(fs, a, value);
		if (!strcmp(b, "sriov_drivers_autoprobe")) {
			unsigned long v;

			if (icemig_parse_ulong(icemig_chomp(value), 10, 1, &v))
				return -EINVAL;
			dev_path(fs, buf, sizeof(buf), a, "sriov_drivers_autoprobe");
			put_file(buf, v ? "1\n" : "0\n");
			return 0;
		}
		if (!strcmp(b, "driver_override")) {
			icemig_chomp(value);
			if (strlen(value) > 63)
				return -EINVAL;
			fakesys_put_override(fs, a, value[0] ? value : "(null)");
			return 0;
		}
		return -EACCES;
	}
	if (!strcmp(rel, "bus/pci/drivers_probe"))
		return k_probe(fs, value);
	if (sscanf(rel, "bus/pci/drivers/%63[^/]/%63s", a, c) == 2) {
		if (!strcmp(c, "bind"))
			return k_bind(fs, a, value);
		if (!strcmp(c, "unbind"))
			return k_unbind(fs, a, value);
	}
	return -EACCES;
}

/* ---- setup and helpers ------------------------------------------------------- */

static struct icemig_sysfs_backend backend;

void fakesys_setup(struct fakesys *fs)
{
	const char *tmp = getenv("TMPDIR");
	char p[1024];

	memset(fs, 0, sizeof(*fs));
	pathf(fs->base, sizeof(fs->base), "%s/icemig-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fs->base))
		die("mkdtemp: %s", strerror(errno));
	pathf(fs->root, sizeof(fs->root), "%s/sys", fs->base);
	pathf(fs->rundir, sizeof(fs->rundir), "%s/run", fs->base);
	pathf(fs->statedir, sizeof(fs->statedir), "%s/libvirt-qemu", fs->base);
	mkdirs(fs->statedir);
	pathf(p, sizeof(p), "%s/bus/pci/devices", fs->root);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/bus/pci/drivers", fs->root);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/bus/pci/drivers_probe", fs->root);
	put_file(p, "");
	pathf(p, sizeof(p), "%s/class/net", fs->root);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/kernel/iommu_groups", fs->root);
	mkdirs(p);
	fs->next_group = 10;
	fs->kill_at = -1;
	setenv("ICEMIG_SYSFS_ROOT", fs->root, 1);
	setenv("ICEMIG_RUNDIR", fs->rundir, 1);
	setenv("ICEMIG_LIBVIRT_STATEDIR", fs->statedir, 1);
	unsetenv("ICEMIG_STALE_SECONDS");
	unsetenv("ICEMIG_PENDING_SECONDS");
	/* no modules.alias: a test that needs one writes it */
	pathf(p, sizeof(p), "%s/no-modules.alias", fs->base);
	setenv("ICEMIG_MODULES_ALIAS", p, 1);
	/* an empty configuration, never the machine's /etc/icemig/icemig.conf */
	pathf(p, sizeof(p), "%s/icemig.conf", fs->base);
	put_file(p, "");
	setenv("ICEMIG_CONF", p, 1);
	backend.write = fake_write;
	backend.opaque = fs;
	icemig_sysfs_set_backend(&backend);
}

void fakesys_teardown(struct fakesys *fs)
{
	icemig_sysfs_set_backend(NULL);
	if (!getenv("ICEMIG_TEST_KEEP"))
		rm_rf(fs->base);
	unsetenv("ICEMIG_SYSFS_ROOT");
	unsetenv("ICEMIG_RUNDIR");
	unsetenv("ICEMIG_LIBVIRT_STATEDIR");
	unsetenv("ICEMIG_CONF");
	unsetenv("ICEMIG_MODULES_ALIAS");
}

void fakesys_add_driver(struct fakesys *fs, const char *driver)
{
	char p[1024];

	pathf(p, sizeof(p), "%s/bus/pci/drivers/%s", fs->root, driver);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/bus/pci/drivers/%s/bind", fs->root, driver);
	put_file(p, "");
	pathf(p, sizeof(p), "%s/bus/pci/drivers/%s/unbind", fs->root, driver);
	put_file(p, "");
}

void fakesys_add_dev(struct fakesys *fs, const char *bdf, const char *driver)
{
	char p[1024], t[256];

	dev_path(fs, p, sizeof(p), bdf, NULL);
	mkdirs(p);
	dev_path(fs, p, sizeof(p), bdf, "driver_override");
	put_file(p, "(null)\n");
	dev_path(fs, p, sizeof(p), bdf, ".fake_native");
	put_file(p, driver ? driver : "");
	pathf(p, sizeof(p), "%s/kernel/iommu_groups/%u", fs->root, fs->next_group);
	mkdirs(p);
	dev_path(fs, p, sizeof(p), bdf, "iommu_group");
	pathf(t, sizeof(t), "../../../../kernel/iommu_groups/%u", fs->next_group++);
	put_link(p, t);
	if (driver) {
		if (!driver_exists(fs, driver))
			fakesys_add_driver(fs, driver);
		link_driver(fs, bdf, driver);
	}
}

void fakesys_add_pf(struct fakesys *fs, const char *bdf, unsigned int total, const char *driver,
		    const char *vf_driver)
{
	char p[1024], v[32];

	fakesys_add_dev(fs, bdf, driver);
	dev_path(fs, p, sizeof(p), bdf, "sriov_totalvfs");
	snprintf(v, sizeof(v), "%u\n", total);
	put_file(p, v);
	dev_path(fs, p, sizeof(p), bdf, "sriov_numvfs");
	put_file(p, "0\n");
	dev_path(fs, p, sizeof(p), bdf, "sriov_drivers_autoprobe");
	put_file(p, "1\n");
	dev_path(fs, p, sizeof(p), bdf, ".fake_vf_driver");
	put_file(p, vf_driver ? vf_driver : "");
	if (vf_driver && !driver_exists(fs, vf_driver))
		fakesys_add_driver(fs, vf_driver);
}

void fakesys_add_netdev(struct fakesys *fs, const char *ifname, const char *bdf)
{
	char p[1024], t[256];

	pathf(p, sizeof(p), "%s/class/net/%s", fs->root, ifname);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/class/net/%s/device", fs->root, ifname);
	pathf(t, sizeof(t), "../../../bus/pci/devices/%s", bdf);
	put_link(p, t);
	pathf(p, sizeof(p), "%s/class/net/%s/ifindex", fs->root, ifname);
	pathf(t, sizeof(t), "%u\n", fs->next_ifindex++ + 2);
	put_file(p, t);
	dev_path(fs, p, sizeof(p), bdf, "net");
	mkdirs(p);
	pathf(p, sizeof(p), "%s/bus/pci/devices/%s/net/%s", fs->root, bdf, ifname);
	mkdirs(p);
}

void fakesys_set_compat(struct fakesys *fs, const char *bdf, const char *text)
{
	char p[1024], vf[32];
	unsigned int k;

	dev_path(fs, p, sizeof(p), bdf, ".fake_compat");
	if (text)
		put_file(p, text);
	else
		unlink(p);
	update_compat(fs, bdf, fakesys_driver(fs, bdf));
	/* a PF's descriptor shows on its VFs that have none of their own */
	for (k = 0;; k++) {
		pathf(p, sizeof(p), "%s/bus/pci/devices/%s/virtfn%u", fs->root, bdf, k);
		if (!get_link_name(p, vf, sizeof(vf)))
			break;
		update_compat(fs, vf, fakesys_driver(fs, vf));
	}
}

const char *fakesys_compat_text(const char *provider, unsigned int max_qps, unsigned int used_qps)
{
	static char buf[ICEMIG_COMPAT_TEXT_MAX];
	struct icemig_compat c;

	icemig_compat_init(&c, provider, 0x8086, 0x1889);
	c.max_qps = (__u16)max_qps;
	c.rss_lut_size = 64;
	c.used_records = 0x7e;
	c.used_qps = (__u16)used_qps;
	c.used_msix = (__u16)(used_qps + 1);
	c.used_mac_filters = 1;
	c.used_rss_lut = 64;
	if (icemig_compat_format(&c, buf, sizeof(buf)) < 0)
		die("icemig_compat_format");
	return buf;
}

void fakesys_set_modalias(struct fakesys *fs, const char *bdf, const char *modalias)
{
	char p[1024], v[256];

	dev_path(fs, p, sizeof(p), bdf, "modalias");
	pathf(v, sizeof(v), "%s\n", modalias);
	put_file(p, v);
}

void fakesys_set_modules_alias(struct fakesys *fs, const char *lines)
{
	char p[1024];

	pathf(p, sizeof(p), "%s/modules.alias", fs->base);
	put_file(p, lines);
	setenv("ICEMIG_MODULES_ALIAS", p, 1);
}

bool fakesys_exists(struct fakesys *fs, const char *rel)
{
	char p[1024];
	struct stat st;

	pathf(p, sizeof(p), "%s/%s", fs->root, rel);
	return lstat(p, &st) == 0;
}

const char *fakesys_read(struct fakesys *fs, const char *rel)
{
	static char buf[4096];
	char p[1024];

	pathf(p, sizeof(p), "%s/%s", fs->root, rel);
	if (!get_file(p, buf, sizeof(buf)))
		return NULL;
	return buf;
}

void fakesys_set_providers(struct fakesys *fs, const char *content)
{
	char p[1024];

	pathf(p, sizeof(p), "%s/bus/pci/drivers/ice_vfio_pci/providers", fs->root);
	if (!content) {
		unlink(p);
		return;
	}
	if (!driver_exists(fs, "ice_vfio_pci"))
		fakesys_add_driver(fs, "ice_vfio_pci");
	put_file(p, content);
}

void fakesys_refuse(struct fakesys *fs, const char *driver, const char *bdf)
{
	if (fs->nrefuse >= FAKESYS_RULES_MAX)
		die("too many refuse rules");
	icemig_strlcpy(fs->refuse[fs->nrefuse].driver, driver, sizeof(fs->refuse[0].driver));
	icemig_strlcpy(fs->refuse[fs->nrefuse].bdf, bdf, sizeof(fs->refuse[0].bdf));
	fs->nrefuse++;
}

void fakesys_fail_write(struct fakesys *fs, const char *rel, const char *value, int err)
{
	if (fs->nfail >= FAKESYS_RULES_MAX)
		die("too many fail rules");
	icemig_strlcpy(fs->fail[fs->nfail].rel, rel, sizeof(fs->fail[0].rel));
	icemig_strlcpy(fs->fail[fs->nfail].value, value, sizeof(fs->fail[0].value));
	fs->fail[fs->nfail].err = err;
	fs->nfail++;
}

const char *fakesys_driver(struct fakesys *fs, const char *bdf)
{
	static char buf[64];
	char p[1024];

	dev_path(fs, p, sizeof(p), bdf, "driver");
	if (!get_link_name(p, buf, sizeof(buf)))
		buf[0] = '\0';
	return buf;
}

const char *fakesys_override(struct fakesys *fs, const char *bdf)
{
	static char buf[128];
	char p[1024];

	dev_path(fs, p, sizeof(p), bdf, "driver_override");
	if (!get_file(p, buf, sizeof(buf)) || !strcmp(buf, "(null)"))
		buf[0] = '\0';
	return buf;
}

void fakesys_put_override(struct fakesys *fs, const char *bdf, const char *value)
{
	char p[1024], v[128];

	dev_path(fs, p, sizeof(p), bdf, "driver_override");
	pathf(v, sizeof(v), "%s\n", value && *value ? value : "(null)");
	put_file(p, v);
}

void fakesys_put_driver(struct fakesys *fs, const char *bdf, const char *driver)
{
	if (driver && !driver_exists(fs, driver))
		fakesys_add_driver(fs, driver);
	link_driver(fs, bdf, driver);
}

unsigned int fakesys_numvfs(struct fakesys *fs, const char *pf)
{
	char p[1024], buf[32];

	dev_path(fs, p, sizeof(p), pf, "sriov_numvfs");
	if (!get_file(p, buf, sizeof(buf)))
		return 0;
	return (unsigned int)strtoul(buf, NULL, 10);
}

const char *fakesys_vf(struct fakesys *fs, const char *pf, unsigned int k)
{
	static char buf[32];
	char p[1024];

	pathf(p, sizeof(p), "%s/bus/pci/devices/%s/virtfn%u", fs->root, pf, k);
	if (!get_link_name(p, buf, sizeof(buf)))
		buf[0] = '\0';
	return buf;
}

void fakesys_reserve(struct fakesys *fs, const char *bdf, const char *domain)
{
	char p[1024], v[256];

	pathf(p, sizeof(p), "%s/reserved", fs->rundir);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/reserved/%s", fs->rundir, bdf);
	pathf(v, sizeof(v), "%s\n", domain);
	put_file(p, v);
}

void fakesys_reserve_pending(struct fakesys *fs, const char *bdf, const char *domain)
{
	char p[1024], v[256];

	pathf(p, sizeof(p), "%s/reserved", fs->rundir);
	mkdirs(p);
	pathf(p, sizeof(p), "%s/reserved/%s", fs->rundir, bdf);
	pathf(v, sizeof(v), "%s\npending\n", domain);
	put_file(p, v);
}

const char *fakesys_reserved_by(struct fakesys *fs, const char *bdf)
{
	static char buf[256];
	char p[1024], *nl;

	pathf(p, sizeof(p), "%s/reserved/%s", fs->rundir, bdf);
	if (!get_file(p, buf, sizeof(buf)))
		return NULL;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf;
}

bool fakesys_reservation_pending(struct fakesys *fs, const char *bdf)
{
	char buf[256], p[1024], *nl;

	pathf(p, sizeof(p), "%s/reserved/%s", fs->rundir, bdf);
	if (!get_file(p, buf, sizeof(buf)))
		return false;
	nl = strchr(buf, '\n');
	return nl && !strcmp(nl + 1, "pending");
}

unsigned int fakesys_nreserved(struct fakesys *fs)
{
	unsigned int n = 0;
	struct dirent *de;
	char p[1024];
	DIR *d;

	pathf(p, sizeof(p), "%s/reserved", fs->rundir);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

void fakesys_clear_log(struct fakesys *fs)
{
	fs->nlog = 0;
}

const char *fakesys_log(struct fakesys *fs)
{
	static char buf[FAKESYS_LOG_MAX * 161 + 1];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < fs->nlog; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\n", fs->log[i]);
	return buf;
}

char *fakesys_slurp(const char *path, size_t *len)
{
	struct icemig_err err;
	char *buf = NULL;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (icemig_read_fd_capped(fd, 64u << 20, path, &buf, &n, &err))
		buf = NULL;
	close(fd);
	if (len)
		*len = n;
	return buf;
}

void fakesys_age_reservation(struct fakesys *fs, const char *bdf, unsigned int seconds)
{
	struct timeval tv[2];
	char p[1024];

	pathf(p, sizeof(p), "%s/reserved/%s", fs->rundir, bdf);
	tv[0].tv_sec = time(NULL) - (time_t)seconds;
	tv[0].tv_usec = 0;
	tv[1] = tv[0];
	if (utimes(p, tv))
		die("%s: utimes: %s", p, strerror(errno));
}

void fakesys_domain_running(struct fakesys *fs, const char *domain)
{
	char p[1024];

	pathf(p, sizeof(p), "%s/%s.xml", fs->statedir, domain);
	put_file(p, "<domstatus/>\n");
}

void fakesys_domain_status(struct fakesys *fs, const char *domain, const char *devices)
{
	char p[1024], *xml;

	pathf(p, sizeof(p), "%s/%s.xml", fs->statedir, domain);
	if (asprintf(&xml,
		     "<domstatus state='running' reason='booted' pid='1'>\n"
		     "  <domain type='kvm' id='1'>\n    <name>%s</name>\n"
		     "    <devices>%s</devices>\n  </domain>\n</domstatus>\n",
		     domain, devices) < 0)
		die("asprintf");
	put_file(p, xml);
	free(xml);
}
