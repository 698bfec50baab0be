/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The few kernel helpers icemig_stream.c and icemig_compat.c use, for their
 * user-space builds (icemig, unit tests, fuzzers). Never included by the
 * kernel build.
 */
#ifndef ICEMIG_USER_H
#define ICEMIG_USER_H

#ifdef __KERNEL__
#error "icemig_user.h is for user-space builds only"
#endif

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)
#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define is_multicast_ether_addr(a) ((a)[0] & 0x01)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Exports are a kernel notion: a no-op declaration here. */
#define EXPORT_SYMBOL_NS_GPL(sym, ns) static_assert(1, #sym " in " #ns)

#endif /* ICEMIG_USER_H */
