/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: error reporting and small utilities shared by the library.
 *
 * Error convention used throughout helper/: a function returns 0 (or a
 * non-negative count) on success and a negative errno value on failure, and
 * fills a caller-provided struct icemig_err with a one-line message that
 * names the object and the cause, e.g.
 * "0000:af:01.0: bound to iavf, expected ice_vfio_pci".
 */
#ifndef ICEMIG_UTIL_H
#define ICEMIG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ICEMIG_ERR_MAX 4096

struct icemig_err {
	int code; /* positive errno of the failure, 0 if none */
	char msg[ICEMIG_ERR_MAX];
};

#define ICEMIG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/**
 * icemig_err_set() - record an error.
 * @err:  destination, may be NULL (then only the return value is produced)
 * @code: positive errno value describing the failure class
 * @fmt:  printf format of the message (no trailing newline)
 *
 * Return: -@code, so that callers can write "return icemig_err_set(...)".
 */
int icemig_err_set(struct icemig_err *err, int code, const char *fmt, ...) ICEMIG_PRINTF(3, 4);

/**
 * icemig_err_prefix() - prepend context ("<prefix>: <old message>") to @err.
 * @err: error to amend, may be NULL
 * @fmt: printf format of the prefix
 */
void icemig_err_prefix(struct icemig_err *err, const char *fmt, ...) ICEMIG_PRINTF(2, 3);

/**
 * icemig_err_append() - append text to the message of @err (for rollback notes).
 */
void icemig_err_append(struct icemig_err *err, const char *fmt, ...) ICEMIG_PRINTF(2, 3);

void icemig_err_clear(struct icemig_err *err);

/**
 * icemig_digit_value() - value of one hexadecimal digit.
 * @c: '0'-'9', 'a'-'f' or 'A'-'F'
 *
 * Return: 0..15, or -1 when @c is not a hexadecimal digit.
 */
int icemig_digit_value(char c);

/**
 * icemig_parse_ulong() - strict unsigned integer parser.
 * @s:    NUL-terminated text; no sign, no surrounding whitespace
 * @base: 10, 16, or 0 (C/libvirt rules: "0x" hex, leading "0" octal, else decimal)
 * @max:  largest accepted value
 * @out:  parsed value on success
 *
 * Return: 0, -EINVAL if @s is empty or not a number in @base, -ERANGE if > @max.
 */
int icemig_parse_ulong(const char *s, int base, unsigned long max, unsigned long *out);

/**
 * icemig_read_fd_capped() - read everything from @fd, refusing more than @cap bytes.
 * @fd:   file descriptor to read until EOF
 * @cap:  maximum accepted size in bytes
 * @what: name of the input for messages, e.g. "domain XML on stdin"
 * @out:  malloc'ed, NUL-terminated buffer on success (caller frees)
 * @len:  number of bytes read (excluding the NUL)
 *
 * Reads at most @cap + 1 bytes, so an oversized input costs bounded memory.
 * Return: 0, -EFBIG if the input exceeds @cap, -ENOMEM, or -errno of read(2).
 */
int icemig_read_fd_capped(int fd, size_t cap, const char *what, char **out, size_t *len,
			  struct icemig_err *err);

/**
 * icemig_mkdir_p() - create @path and missing parents with @mode (like mkdir -p).
 * Return: 0 or -errno; existing directories are fine.
 */
int icemig_mkdir_p(const char *path, mode_t mode, struct icemig_err *err);

/** icemig_strlcpy() - bounded copy; returns strlen(src) (>= size means truncated). */
size_t icemig_strlcpy(char *dst, const char *src, size_t size);

/** icemig_chomp() - strip trailing '\n' and spaces in place; returns @s. */
char *icemig_chomp(char *s);

#endif /* ICEMIG_UTIL_H */
