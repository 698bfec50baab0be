// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the VF reservation pool. See reserve.h. */
#include "reserve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pci.h"
#include "sysfs.h"

const char *icemig_rundir(void)
{
	const char *r = getenv("ICEMIG_RUNDIR");

	return (r && *r) ? r : "/run/icemig";
}

const char *icemig_libvirt_statedir(void)
{
	const char *r = getenv("ICEMIG_LIBVIRT_STATEDIR");

	return (r && *r) ? r : "/run/libvirt/qemu";
}

bool icemig_domain_name_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strnlen(name, ICEMIG_DOMAIN_MAX);
	if (len == 0 || len >= ICEMIG_DOMAIN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static int rundir_path(char *buf, size_t size, struct icemig_err *err, const char *fmt,
		       const char *arg)
{
	const char *rd = icemig_rundir();
	int n;

	if (rd[0] != '/')
		return icemig_err_set(err, EINVAL, "ICEMIG_RUNDIR '%s': not an absolute path", rd);
	n = snprintf(buf, size, "%s/", rd);
	if (n < 0 || (size_t)n >= size)
		return icemig_err_set(err, ENAMETOOLONG, "%s: run directory path too long", rd);
	if ((size_t)snprintf(buf + n, size - (size_t)n, fmt, arg) >= size - (size_t)n)
		return icemig_err_set(err, ENAMETOOLONG, "%s: run directory path too long", rd);
	return 0;
}

/*
 * The lock is taken once per process: a nested icemig_pool_lock() (the hook
 * holds it and calls icemig_vf_bind(), which takes it too) only counts,
 * since flock(2) on a second descriptor of the file would wait for the
 * first one forever. A child process after fork() starts afresh.
 */
static struct {
	int fd;
	unsigned int depth;
	pid_t pid;
} held = { -1, 0, 0 };

int icemig_pool_lock(struct icemig_pool *p, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX];
	int r, fd;

	p->lockfd = -1;
	if (held.depth && held.pid == getpid()) {
		held.depth++;
		p->lockfd = held.fd;
		icemig_strlcpy(p->rundir, icemig_rundir(), sizeof(p->rundir));
		return 0;
	}
	if (held.depth) { /* inherited across fork(): not ours */
		close(held.fd);
		held.depth = 0;
		held.fd = -1;
	}
	r = rundir_path(path, sizeof(path), err, "%s", "reserved");
	if (r)
		return r;
	r = icemig_mkdir_p(path, 0755, err);
	if (r)
		return r;
	icemig_strlcpy(p->rundir, icemig_rundir(), sizeof(p->rundir));
	r = rundir_path(path, sizeof(path), err, "%s", "lock");
	if (r)
		return r;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return icemig_err_set(err, errno, "%s: cannot open lock file: %s", path,
				      strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		r = errno;
		close(fd);
		return icemig_err_set(err, r, "%s: cannot lock: %s", path, strerror(r));
	}
	held.fd = fd;
	held.depth = 1;
	held.pid = getpid();
	p->lockfd = fd;
	return 0;
}

void icemig_pool_unlock(struct icemig_pool *p)
{
	if (p->lockfd < 0)
		return;
	p->lockfd = -1;
	if (!held.depth || held.pid != getpid() || --held.depth)
		return;
	flock(held.fd, LOCK_UN);
	close(held.fd);
	held.fd = -1;
}

/* Read a reservation: its domain (first line) and whether it is pending. */
static int pool_read(const struct icemig_bdf *vf, char *owner, size_t size, bool *pending,
		     struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	char buf[ICEMIG_DOMAIN_MAX + sizeof(ICEMIG_PENDING_MARK) + 2], *nl;
	bool pend = false;
	int r;

	r = rundir_path(path, sizeof(path), err, "reserved/%s", icemig_bdf_format(vf, name));
	if (r)
		return r;
	r = icemig_sysfs_read(path, buf, sizeof(buf), err);
	if (r == -EFBIG) {
		buf[0] = '\0'; /* reserved, by a name we do not understand */
		r = 0;
	}
	if (r < 0)
		return r;
	nl = strchr(buf, '\n');
	if (nl) {
		*nl = '\0';
		pend = !strcmp(nl + 1, ICEMIG_PENDING_MARK);
	}
	if (!icemig_domain_name_valid(buf))
		buf[0] = '\0';
	if (owner)
		icemig_strlcpy(owner, buf, size);
	if (pending)
		*pending = pend;
	return 0;
}

int icemig_pool_owner(const struct icemig_bdf *vf, char *owner, size_t size, struct icemig_err *err)
{
	return pool_read(vf, owner, size, NULL, err);
}

bool icemig_pool_pending(const struct icemig_bdf *vf)
{
	bool pending = false;

	return pool_read(vf, NULL, 0, &pending, NULL) == 0 && pending;
}

/* Write the reservation file of @vf atomically: "<domain>\n[pending\n]". */
static int pool_write(const struct icemig_bdf *vf, const char *domain, bool pending,
		      struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], tmp[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	char text[ICEMIG_DOMAIN_MAX + sizeof(ICEMIG_PENDING_MARK) + 2];
	size_t len;
	ssize_t n;
	int r, fd, e;

	icemig_bdf_format(vf, name);
	r = rundir_path(path, sizeof(path), err, "reserved/%s", name);
	if (r)
		return r;
	r = rundir_path(tmp, sizeof(tmp), err, "reserved/.%s.tmp", name);
	if (r)
		return r;
	len = (size_t)snprintf(text, sizeof(text), "%s\n%s", domain,
			       pending ? ICEMIG_PENDING_MARK "\n" : "");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return icemig_err_set(err, errno, "%s: cannot create: %s", tmp, strerror(errno));
	n = write(fd, text, len);
	e = n < 0 ? errno : (n != (ssize_t)len ? EIO : 0);
	if (close(fd) < 0 && !e)
		e = errno;
	if (e) {
		unlink(tmp);
		return icemig_err_set(err, e, "%s: cannot write: %s", tmp, strerror(e));
	}
	if (rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		return icemig_err_set(err, e, "%s: cannot rename to %s: %s", tmp, path,
				      strerror(e));
	}
	return 0;
}

static int pool_reserve(struct icemig_pool *p, const struct icemig_bdf *vf, const char *domain,
			bool pending, bool *created, struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN], owner[ICEMIG_DOMAIN_MAX];
	bool was_pending = false;
	int r;

	if (created)
		*created = false;
	if (p->lockfd < 0)
		return icemig_err_set(err, EINVAL, "reservation pool used without its lock");
	if (!icemig_domain_name_valid(domain))
		return icemig_err_set(err, EINVAL, "invalid domain name");
	icemig_bdf_format(vf, name);
	r = pool_read(vf, owner, sizeof(owner), &was_pending, err);
	if (r == 0) {
		if (strcmp(owner, domain))
			return icemig_err_set(err, EBUSY, "%s: already reserved for domain '%s'",
					      name, owner[0] ? owner : "?");
		/*
		 * ours already: rewritten, so that its age starts again (a domain
		 * that claims its VF is alive); a held reservation confirms a
		 * pending one, a pending one never downgrades a held one
		 */
		return pool_write(vf, domain, was_pending && pending, err);
	}
	if (r != -ENOENT)
		return r;
	r = pool_write(vf, domain, pending, err);
	if (r)
		return r;
	if (created)
		*created = true;
	return 0;
}

int icemig_pool_reserve(struct icemig_pool *p, const struct icemig_bdf *vf, const char *domain,
			bool *created, struct icemig_err *err)
{
	return pool_reserve(p, vf, domain, false, created, err);
}

int icemig_pool_reserve_pending(struct icemig_pool *p, const struct icemig_bdf *vf,
				const char *domain, bool *created, struct icemig_err *err)
{
	return pool_reserve(p, vf, domain, true, created, err);
}

int icemig_pool_release(struct icemig_pool *p, const struct icemig_bdf *vf, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	if (p->lockfd < 0)
		return icemig_err_set(err, EINVAL, "reservation pool used without its lock");
	r = rundir_path(path, sizeof(path), err, "reserved/%s", icemig_bdf_format(vf, name));
	if (r)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return icemig_err_set(err, errno, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

int icemig_pool_release_domain(struct icemig_pool *p, const char *domain, unsigned int *count,
			       struct icemig_bdf **released, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], owner[ICEMIG_DOMAIN_MAX];
	struct icemig_bdf *v = NULL, *nv;
	unsigned int removed = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (count)
		*count = 0;
	if (released)
		*released = NULL;
	if (p->lockfd < 0)
		return icemig_err_set(err, EINVAL, "reservation pool used without its lock");
	r = rundir_path(path, sizeof(path), err, "%s", "reserved");
	if (r)
		return r;
	d = opendir(path);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return icemig_err_set(err, errno, "%s: cannot list: %s", path, strerror(errno));
	}
	while ((de = readdir(d))) {
		struct icemig_bdf vf;

		if (icemig_bdf_parse(de->d_name, &vf))
			continue;
		if (icemig_pool_owner(&vf, owner, sizeof(owner), NULL))
			continue;
		if (strcmp(owner, domain))
			continue;
		r = icemig_pool_release(p, &vf, err);
		if (r)
			break;
		if (released) {
			nv = realloc(v, (removed + 1) * sizeof(*v));
			if (!nv) {
				r = icemig_err_set(err, ENOMEM, "out of memory");
				break;
			}
			v = nv;
			v[removed] = vf;
		}
		removed++;
	}
	closedir(d);
	if (count)
		*count = removed;
	if (released)
		*released = v;
	else
		free(v);
	return r;
}

static unsigned long lapse_pending = ICEMIG_PENDING_SECONDS_DEFAULT;
static unsigned long lapse_stale = ICEMIG_STALE_SECONDS_DEFAULT;

void icemig_pool_set_lapses(unsigned long pending_s, unsigned long stale_s)
{
	if (pending_s)
		lapse_pending = pending_s;
	if (stale_s)
		lapse_stale = stale_s;
}

/* Seconds from the environment variable @var, or @def when unset or invalid. */
static unsigned long env_seconds(const char *var, unsigned long def)
{
	const char *v = getenv(var);
	unsigned long s;

	if (v && *v && !icemig_parse_ulong(v, 10, 365UL * 24 * 3600, &s))
		return s;
	return def;
}

unsigned long icemig_pool_pending_lapse(void)
{
	return env_seconds("ICEMIG_PENDING_SECONDS", lapse_pending);
}

unsigned long icemig_pool_stale_lapse(void)
{
	return env_seconds("ICEMIG_STALE_SECONDS", lapse_stale);
}

int icemig_pool_reclaim(struct icemig_pool *p, const struct icemig_bdf *vf, const char *owner,
			const char *by, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], tmp[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN], text[2200];
	FILE *f;
	int r;

	if (p->lockfd < 0)
		return icemig_err_set(err, EINVAL, "reservation pool used without its lock");
	icemig_bdf_format(vf, name);
	if (owner[0] && icemig_pool_pending(vf) && icemig_domain_name_valid(by) &&
	    !rundir_path(path, sizeof(path), NULL, "%s", "lapsed") &&
	    !icemig_mkdir_p(path, 0755, NULL) &&
	    !rundir_path(path, sizeof(path), NULL, "lapsed/%s", name) &&
	    !rundir_path(tmp, sizeof(tmp), NULL, "lapsed/.%s.tmp", name)) {
		/* best effort: the note only improves a later message */
		snprintf(text, sizeof(text), "%s\n%lu\n%s\n", owner, icemig_pool_pending_lapse(),
			 by);
		f = fopen(tmp, "we");
		if (f && fputs(text, f) != EOF && fclose(f) == 0) {
			if (rename(tmp, path))
				unlink(tmp);
		} else {
			if (f)
				fclose(f);
			unlink(tmp);
		}
	}
	r = icemig_pool_release(p, vf, err);
	return r;
}

int icemig_pool_lapsed(const struct icemig_bdf *vf, const char *domain, unsigned long *after,
		       char *by, size_t size)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN], buf[2200], *l2, *l3, *e;
	int r;

	if (rundir_path(path, sizeof(path), NULL, "lapsed/%s", icemig_bdf_format(vf, name)))
		return -ENOENT;
	r = icemig_sysfs_read(path, buf, sizeof(buf), NULL);
	if (r < 0)
		return -ENOENT;
	l2 = strchr(buf, '\n');
	if (!l2)
		return -ENOENT;
	*l2++ = '\0';
	l3 = strchr(l2, '\n');
	if (!l3 || strcmp(buf, domain))
		return -ENOENT;
	*l3++ = '\0';
	e = strchr(l3, '\n');
	if (e)
		*e = '\0';
	if (icemig_parse_ulong(l2, 10, ICEMIG_LAPSE_MAX * 365, after))
		return -ENOENT;
	icemig_strlcpy(by, icemig_domain_name_valid(l3) ? l3 : "?", size);
	return 0;
}

void icemig_pool_lapsed_forget(const struct icemig_bdf *vf)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];

	if (!rundir_path(path, sizeof(path), NULL, "lapsed/%s", icemig_bdf_format(vf, name)))
		unlink(path);
}

bool icemig_pool_stale(const struct icemig_bdf *vf, const char *owner, time_t now)
{
	const char *sd = icemig_libvirt_statedir();
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	unsigned long grace;
	struct stat st;
	int n;

	grace = icemig_pool_pending(vf) ? icemig_pool_pending_lapse() : icemig_pool_stale_lapse();
	if (rundir_path(path, sizeof(path), NULL, "reserved/%s", icemig_bdf_format(vf, name)))
		return false;
	if (stat(path, &st) || st.st_mtime > now || (unsigned long)(now - st.st_mtime) < grace)
		return false;
	/* libvirt refuses '/' in domain names; anything path-like is left alone */
	if (owner[0] && (strchr(owner, '/') || !strcmp(owner, ".") || !strcmp(owner, "..")))
		return false;
	if (owner[0]) {
		n = snprintf(path, sizeof(path), "%s/%s.xml", sd, owner);
		if (n < 0 || (size_t)n >= sizeof(path))
			return false;
		if (stat(path, &st) == 0 || errno != ENOENT)
			return false;
	}
	return true;
}

/* ---- remembered drivers --------------------------------------------------- */

int icemig_memo_save(const struct icemig_bdf *vf, const char *driver, const char *override,
		     bool replace, bool *created, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], tmp[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN], text[256];
	struct stat st;
	int r, fd, e, len;
	ssize_t n;

	if (created)
		*created = false;
	icemig_bdf_format(vf, name);
	if ((driver[0] && !icemig_driver_name_valid(driver)) ||
	    (override[0] && !icemig_driver_name_valid(override)))
		return icemig_err_set(err, EINVAL, "%s: invalid driver name to remember", name);
	r = rundir_path(path, sizeof(path), err, "%s", "drivers");
	if (r)
		return r;
	r = icemig_mkdir_p(path, 0755, err);
	if (r)
		return r;
	r = rundir_path(path, sizeof(path), err, "drivers/%s", name);
	if (!r)
		r = rundir_path(tmp, sizeof(tmp), err, "drivers/.%s.tmp", name);
	if (r)
		return r;
	if (!replace && lstat(path, &st) == 0)
		return 0;
	len = snprintf(text, sizeof(text), "driver=%s\noverride=%s\n", driver, override);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return icemig_err_set(err, errno, "%s: cannot create: %s", tmp, strerror(errno));
	n = write(fd, text, (size_t)len);
	e = n < 0 ? errno : (n != len ? EIO : 0);
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		return icemig_err_set(err, e, "%s: cannot write: %s", path, strerror(e));
	}
	if (created)
		*created = true;
	return 0;
}

int icemig_memo_load(const struct icemig_bdf *vf, char *driver, char *override,
		     struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN], buf[256], *nl, *v;
	int r;

	r = rundir_path(path, sizeof(path), err, "drivers/%s", icemig_bdf_format(vf, name));
	if (r)
		return r;
	r = icemig_sysfs_read(path, buf, sizeof(buf), err);
	if (r < 0)
		return r;
	driver[0] = override[0] = '\0';
	nl = strchr(buf, '\n');
	if (!nl || strncmp(buf, "driver=", 7) || strncmp(nl + 1, "override=", 9))
		return icemig_err_set(err, EINVAL,
				      "%s: damaged (expected driver=, override= lines)", path);
	*nl = '\0';
	v = buf + 7;
	if (*v && !icemig_driver_name_valid(v))
		return icemig_err_set(err, EINVAL, "%s: invalid driver name", path);
	icemig_strlcpy(driver, v, ICEMIG_DRIVER_MAX);
	v = nl + 1 + 9;
	if (*v && !icemig_driver_name_valid(v))
		return icemig_err_set(err, EINVAL, "%s: invalid driver_override name", path);
	icemig_strlcpy(override, v, ICEMIG_DRIVER_MAX);
	return 0;
}

int icemig_memo_forget(const struct icemig_bdf *vf, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	int r;

	r = rundir_path(path, sizeof(path), err, "drivers/%s", icemig_bdf_format(vf, name));
	if (r)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return icemig_err_set(err, errno, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}
