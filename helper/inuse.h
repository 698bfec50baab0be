/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: who uses a VF. The one answer every command and the hook
 * ask before they write anything about a VF (bind, unbind, removing VFs,
 * giving one to a domain):
 *
 *   1. a running domain that has it: libvirt's status file of every running
 *      domain, $ICEMIG_LIBVIRT_STATEDIR/<name>.xml (default /run/libvirt/qemu;
 *      <domstatus><domain>...), lists its PCI host devices: <hostdev
 *      type='pci'>, <interface type='hostdev'>, and the VF libvirt picked for
 *      an <interface type='network'> from a hostdev pool (its <actual
 *      type='hostdev'>). libvirt itself refuses such a VF to another domain
 *      ("in use by driver QEMU, domain A"); a hook runs before that check, so
 *      icemig must refuse first. A VF given to a domain without icemig (plain
 *      vfio-pci, hot-plugged, or before icemig was installed) is found here.
 *   2. an icemig reservation (reserve.h) that is not stale.
 *
 * The domain on whose behalf a caller acts (@self, e.g. the domain whose
 * prepare begin hook runs) is never a conflict with itself.
 */
#ifndef ICEMIG_INUSE_H
#define ICEMIG_INUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bdf.h"
#include "reserve.h"
#include "util.h"

/* The PCI host devices of the running domains, from libvirt's status files. */
struct icemig_users {
	struct icemig_bdf *bdf;
	char (*domain)[ICEMIG_DOMAIN_MAX];
	size_t n;
};

/**
 * icemig_users_load() - read every status file of the status directory.
 * Best effort: a missing or unreadable directory, or a file that does not
 * parse, contributes nothing. Free with icemig_users_free().
 */
void icemig_users_load(struct icemig_users *u);

void icemig_users_free(struct icemig_users *u);

/**
 * icemig_users_find() - the running domain that has @vf, other than @self
 * (NULL: any), or NULL.
 */
const char *icemig_users_find(const struct icemig_users *u, const struct icemig_bdf *vf,
			      const char *self);

enum icemig_use_kind {
	ICEMIG_USE_NONE,
	ICEMIG_USE_RUNNING, /* a host device of a running domain */
	ICEMIG_USE_RESERVED, /* an icemig reservation (held) */
	ICEMIG_USE_PENDING, /* a reservation for an incoming migration */
};

struct icemig_use {
	enum icemig_use_kind kind;
	char domain[ICEMIG_DOMAIN_MAX]; /* "?" for a reservation whose name is unreadable */
};

/**
 * icemig_vf_user() - who uses @vf apart from @self.
 * @u:    the running domains (icemig_users_load()); NULL: loaded here
 * @self: the domain the caller acts for, or NULL
 * @use:  the answer; kind ICEMIG_USE_NONE when nobody else uses it (a
 *	stale reservation, reserve.h, counts as nobody)
 * Return: 0, or -errno when the reservation cannot be read.
 */
int icemig_vf_user(const struct icemig_users *u, const struct icemig_bdf *vf, const char *self,
		   struct icemig_use *use, struct icemig_err *err);

/**
 * icemig_vf_check_free() - 0 when nobody but @self uses @vf, else -EBUSY
 * "VF <BDF> is in use by domain '<name>' (<how>)", how being "a host device
 * of the running domain (libvirt status file <path>)", "reserved for it"
 * or "reserved for its incoming migration".
 */
int icemig_vf_check_free(const struct icemig_users *u, const struct icemig_bdf *vf,
			 const char *self, struct icemig_err *err);

#endif /* ICEMIG_INUSE_H */
