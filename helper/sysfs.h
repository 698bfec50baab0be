/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: sysfs access.
 *
 * Every sysfs path is "<root>/<relative path>", where <root> is the value of
 * the environment variable ICEMIG_SYSFS_ROOT, or "/sys" when it is unset or
 * empty. Tests point ICEMIG_SYSFS_ROOT at a fake tree in a temporary
 * directory. The root must be an absolute path.
 *
 * Reads go straight to the file system. Writes go through a backend (struct
 * icemig_sysfs_backend): the default one is a plain open(2)/write(2) of the
 * whole value in one call, as sysfs attribute stores require; unit tests
 * install a backend that also simulates the kernel's reaction to the write
 * (creating virtfn links, moving the driver link, ...).
 */
#ifndef ICEMIG_SYSFS_H
#define ICEMIG_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Largest path built by this module. */
#define ICEMIG_PATH_MAX 4096
/* sysfs attributes are at most one page (Documentation/filesystems/sysfs.rst). */
#define ICEMIG_ATTR_MAX 4096

/** icemig_sysfs_root() - the sysfs root: $ICEMIG_SYSFS_ROOT or "/sys". */
const char *icemig_sysfs_root(void);

/**
 * icemig_sysfs_path() - build "<root>/<fmt...>" into @buf.
 * @buf, @size: destination
 * @err:        error destination
 * @fmt:        printf format of the path relative to the root, no leading '/'
 *
 * Return: 0, -EINVAL if the root is not absolute, -ENAMETOOLONG if it does not fit.
 */
int icemig_sysfs_path(char *buf, size_t size, struct icemig_err *err, const char *fmt, ...)
	ICEMIG_PRINTF(4, 5);

/**
 * icemig_sysfs_read() - read a text attribute, trailing newline/blanks removed.
 * @path:       absolute path (from icemig_sysfs_path())
 * @buf, @size: destination, NUL-terminated; values longer than @size - 1 are refused
 *
 * Return: length of the value, or -ENOENT if the attribute does not exist,
 * -EFBIG if it is too long, other -errno from open(2)/read(2).
 */
int icemig_sysfs_read(const char *path, char *buf, size_t size, struct icemig_err *err);

/**
 * icemig_sysfs_read_uint() - read an attribute holding one decimal number.
 * Return: 0 and *@out, -ENOENT if absent, -EINVAL if the content is not a number.
 */
int icemig_sysfs_read_uint(const char *path, unsigned long *out, struct icemig_err *err);

/**
 * icemig_sysfs_write() - store @value into the attribute at @path (via the backend).
 * Return: 0, or -errno of the failing open(2)/write(2); the kernel reports a
 * refused store as the write(2) error (e.g. -EBUSY, -ENODEV, -EINVAL).
 */
int icemig_sysfs_write(const char *path, const char *value, struct icemig_err *err);

/**
 * icemig_sysfs_link_name() - last path component of the target of symlink @path.
 * E.g. devices/0000:01:10.0/driver -> ../../../bus/pci/drivers/iavf gives "iavf".
 * Return: 0, -ENOENT if there is no such link, -EINVAL if @path is not a
 * symlink, -ENAMETOOLONG if the name does not fit in @size.
 */
int icemig_sysfs_link_name(const char *path, char *buf, size_t size, struct icemig_err *err);

/** icemig_sysfs_exists() - whether @path exists (following symlinks). */
bool icemig_sysfs_exists(const char *path);

/**
 * struct icemig_sysfs_backend - how attribute writes reach the kernel.
 * @write:  store @len bytes of @data into @path; return 0 or -errno
 * @opaque: passed back to @write
 */
struct icemig_sysfs_backend {
	int (*write)(void *opaque, const char *path, const char *data, size_t len);
	void *opaque;
};

/** icemig_sysfs_set_backend() - install @b (NULL: the default plain-write backend). */
void icemig_sysfs_set_backend(const struct icemig_sysfs_backend *b);

/** icemig_sysfs_plain_write() - the default backend's write, for test backends to reuse. */
int icemig_sysfs_plain_write(void *opaque, const char *path, const char *data, size_t len);

#endif /* ICEMIG_SYSFS_H */
