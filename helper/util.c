// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: error reporting and small utilities. See util.h. */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int icemig_err_set(struct icemig_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

void icemig_err_prefix(struct icemig_err *err, const char *fmt, ...)
{
	char prefix[512];
	char old[ICEMIG_ERR_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	icemig_strlcpy(old, err->msg, sizeof(old));
	/* Truncation of an overlong message is acceptable. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
		err->msg[0] = '\0';
}

void icemig_err_append(struct icemig_err *err, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!err)
		return;
	used = strlen(err->msg);
	if (used + 1 >= sizeof(err->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg + used, sizeof(err->msg) - used, fmt, ap);
	va_end(ap);
}

void icemig_err_clear(struct icemig_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int icemig_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int icemig_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = s;
	int b = base;

	if (!s || !*s)
		return -EINVAL;
	if (base == 0) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			b = 16;
			p += 2;
		} else if (p[0] == '0' && p[1]) {
			b = 8;
			p++;
		} else {
			b = 10;
		}
	} else if (base != 10 && base != 16) {
		return -EINVAL;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		int d = icemig_digit_value(*p);

		if (d < 0 || d >= b)
			return -EINVAL;
		/* v * b + d > max, without overflow (v <= max holds throughout) */
		if ((unsigned long)d > max || v > (max - (unsigned long)d) / (unsigned long)b) {
			while (*++p)
				if (icemig_digit_value(*p) < 0 || icemig_digit_value(*p) >= b)
					return -EINVAL;
			return -ERANGE;
		}
		v = v * (unsigned long)b + (unsigned long)d;
	}
	*out = v;
	return 0;
}

int icemig_read_fd_capped(int fd, size_t cap, const char *what, char **out, size_t *len,
			  struct icemig_err *err)
{
	size_t size = 0, alloc = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;

	for (;;) {
		if (alloc - size < 2) {
			size_t want = alloc ? alloc * 2 : 65536;

			if (want > cap + 2)
				want = cap + 2;
			if (want <= alloc)
				want = alloc + 2;
			nbuf = realloc(buf, want);
			if (!nbuf) {
				free(buf);
				return icemig_err_set(err, ENOMEM, "%s: out of memory", what);
			}
			buf = nbuf;
			alloc = want;
		}
		n = read(fd, buf + size, alloc - size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = errno;
			free(buf);
			return icemig_err_set(err, (int)n, "%s: read failed: %s", what,
					      strerror((int)n));
		}
		if (n == 0)
			break;
		size += (size_t)n;
		if (size > cap) {
			free(buf);
			return icemig_err_set(err, EFBIG, "%s: larger than the limit of %zu bytes",
					      what, cap);
		}
	}
	buf[size] = '\0';
	*out = buf;
	*len = size;
	return 0;
}

int icemig_mkdir_p(const char *path, mode_t mode, struct icemig_err *err)
{
	char tmp[4096];
	size_t len;
	char *p;

	len = icemig_strlcpy(tmp, path, sizeof(tmp));
	if (len >= sizeof(tmp) || len == 0)
		return icemig_err_set(err, ENAMETOOLONG, "%s: path empty or too long", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return icemig_err_set(err, errno, "%s: cannot create directory: %s", tmp,
					      strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return icemig_err_set(err, errno, "%s: cannot create directory: %s", tmp,
				      strerror(errno));
	return 0;
}

size_t icemig_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *icemig_chomp(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}
