// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: sysfs access. See sysfs.h. */
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct icemig_sysfs_backend plain_backend = {
	.write = icemig_sysfs_plain_write,
	.opaque = NULL,
};

static const struct icemig_sysfs_backend *backend = &plain_backend;

void icemig_sysfs_set_backend(const struct icemig_sysfs_backend *b)
{
	backend = b ? b : &plain_backend;
}

const char *icemig_sysfs_root(void)
{
	const char *r = getenv("ICEMIG_SYSFS_ROOT");

	return (r && *r) ? r : "/sys";
}

int icemig_sysfs_path(char *buf, size_t size, struct icemig_err *err, const char *fmt, ...)
{
	const char *root = icemig_sysfs_root();
	size_t rl = strlen(root);
	va_list ap;
	int n;

	if (root[0] != '/')
		return icemig_err_set(err, EINVAL, "ICEMIG_SYSFS_ROOT '%s': not an absolute path",
				      root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl + 2 > size)
		return icemig_err_set(err, ENAMETOOLONG, "%s: sysfs root path too long", root);
	memcpy(buf, root, rl);
	buf[rl] = '/';
	va_start(ap, fmt);
	n = vsnprintf(buf + rl + 1, size - rl - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - rl - 1)
		return icemig_err_set(err, ENAMETOOLONG, "%s/...: sysfs path too long", root);
	return 0;
}

int icemig_sysfs_read(const char *path, char *buf, size_t size, struct icemig_err *err)
{
	size_t len = 0;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return icemig_err_set(err, errno, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		if (len + 1 >= size) {
			char c;

			/* Full buffer: refuse only if there is more to come. */
			n = read(fd, &c, 1);
			if (n == 0)
				break;
			close(fd);
			return icemig_err_set(err, EFBIG, "%s: value longer than %zu bytes", path,
					      size - 1);
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			return icemig_err_set(err, e, "%s: cannot read: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	icemig_chomp(buf);
	return (int)strlen(buf);
}

int icemig_sysfs_read_uint(const char *path, unsigned long *out, struct icemig_err *err)
{
	char buf[64];
	int r;

	r = icemig_sysfs_read(path, buf, sizeof(buf), err);
	if (r < 0)
		return r;
	if (icemig_parse_ulong(buf, 10, (unsigned long)-1, out))
		return icemig_err_set(err, EINVAL, "%s: '%s' is not a decimal number", path, buf);
	return 0;
}

int icemig_sysfs_plain_write(void *opaque, const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd, e;

	(void)opaque;
	/* Like libvirt's virFileWriteStr(): O_TRUNC, but never create the attribute. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, data, len);
	} while (n < 0 && errno == EINTR);
	e = n < 0 ? errno : ((size_t)n != len ? EIO : 0);
	if (close(fd) < 0 && !e)
		e = errno;
	return -e;
}

int icemig_sysfs_write(const char *path, const char *value, struct icemig_err *err)
{
	int r = backend->write(backend->opaque, path, value, strlen(value));

	if (r < 0)
		return icemig_err_set(err, -r, "write '%s' to %s: %s", value, path, strerror(-r));
	return 0;
}

int icemig_sysfs_link_name(const char *path, char *buf, size_t size, struct icemig_err *err)
{
	char target[ICEMIG_PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return icemig_err_set(err, errno, "%s: cannot read link: %s", path,
				      strerror(errno));
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base)
		return icemig_err_set(err, EINVAL, "%s: link target '%s' has no name", path,
				      target);
	if (icemig_strlcpy(buf, base, size) >= size)
		return icemig_err_set(err, ENAMETOOLONG, "%s: link target name too long", path);
	return 0;
}

bool icemig_sysfs_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}
