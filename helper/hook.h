/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the libvirt qemu hook (https://libvirt.org/hooks.html).
 *
 * libvirt runs "/etc/libvirt/hooks/qemu.d/<script> <domain> <op> <subop>
 * <extra>" with the domain XML on stdin; the script here execs
 * "icemig hook <domain> <op> <subop> <extra>". Handled ops:
 *   migrate begin  (destination host, before QEMU starts) a filter: what the
 *                  hook prints on stdout replaces the incoming domain XML,
 *                  an empty stdout keeps it, a non-zero exit aborts the
 *                  migration and libvirt logs stderr.
 *   release end    (both hosts, domain gone) drop the domain's reservations.
 * Every other op: exit 0 at once, stdin not read, nothing printed (libvirt
 * ignores an early close of stdin, src/util/vircommand.c).
 * A hook must not call the libvirt API (it would deadlock the daemon); this
 * code only reads sysfs and files under the run directory.
 *
 * Which devices migrate begin rewrites: every
 *   <hostdev mode='subsystem' type='pci'>   (mode absent counts as subsystem)
 *   <interface type='hostdev'>
 * under /domain/devices whose <driver> child has model='ice_vfio_pci'. Their
 * <source><address domain= bus= slot= function=/> (the VF on the source host)
 * is replaced with a free local VF whose PF has a migration provider (see
 * provider.h) and that is bound to ice_vfio_pci or to no driver (a VF on
 * another driver, e.g. iavf, is in use by the host and never taken). Other
 * hostdevs are left as they are: the variant driver is what makes a VF
 * migratable, so a plain vfio-pci hostdev blocks the migration in QEMU anyway.
 */
#ifndef ICEMIG_HOOK_H
#define ICEMIG_HOOK_H

#include <stddef.h>
#include <stdio.h>

#include "bdf.h"
#include "util.h"

/* Largest domain XML accepted on stdin. */
#define ICEMIG_HOOK_XML_MAX (4u * 1024u * 1024u)

struct icemig_hook_result {
	char *xml; /* rewritten XML to print; NULL when nothing to rewrite */
	size_t len; /* bytes in xml */
	size_t nhostdevs; /* ice_vfio_pci hostdevs found and rewritten */
	struct icemig_bdf *assigned; /* local VF of each rewritten hostdev, in document order */
	struct icemig_bdf *created; /* reservations made by this call */
	size_t ncreated;
};

/**
 * icemig_hook_migrate_begin() - pick, reserve and substitute local VFs.
 * @domain: libvirt domain name (argument 1 of the hook)
 * @xml:    domain XML, @len bytes (at most ICEMIG_HOOK_XML_MAX)
 * @res:    result; free with icemig_hook_result_free() in every case
 *
 * The XML is parsed with libxml2 with no network access, no entity
 * substitution, and any DOCTYPE refused (so no internal or external entity
 * can be declared). A VF already reserved for @domain may be reused (a retried
 * migration); any other reserved VF is not free. Reservations are taken under
 * the pool lock, and on any failure every reservation this call made is
 * removed again.
 *
 * Return: 0; -EFBIG for an oversized input; -EINVAL for malformed or refused
 * XML or an invalid source address; -ENOSPC when no suitable VF is free
 * (message names the hostdev's source address and why); other -errno.
 */
int icemig_hook_migrate_begin(const char *domain, const char *xml, size_t len,
			      struct icemig_hook_result *res, struct icemig_err *err);

/** icemig_hook_undo() - remove the reservations @res->created (e.g. output failed). */
int icemig_hook_undo(const struct icemig_hook_result *res, struct icemig_err *err);

void icemig_hook_result_free(struct icemig_hook_result *res);

/**
 * icemig_hook_release() - remove every reservation held by @domain.
 * @count: number removed (may be NULL)
 */
int icemig_hook_release(const char *domain, unsigned int *count, struct icemig_err *err);

/**
 * icemig_hook_run() - one hook invocation.
 * @domain, @op, @subop, @extra: the four hook arguments
 * @in_fd: where the domain XML comes from (stdin); read only for migrate begin
 * @out:   where the rewritten XML goes (stdout); written only by migrate begin
 *
 * Return: 0 (also for every op that is not handled), or -errno with @err set.
 */
int icemig_hook_run(const char *domain, const char *op, const char *subop, const char *extra,
		    int in_fd, FILE *out, struct icemig_err *err);

#endif /* ICEMIG_HOOK_H */
