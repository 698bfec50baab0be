/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the libvirt qemu hook (https://libvirt.org/hooks.html,
 * libvirt src/qemu/qemu_process.c and qemu_migration.c for when each op runs).
 *
 * libvirt runs "/etc/libvirt/hooks/qemu.d/<script> <domain> <op> <subop>
 * <extra>" with the domain XML on stdin; the script here execs
 * "icemig hook <domain> <op> <subop> <extra>". A hook must not call the
 * libvirt API (it would deadlock the daemon): this code reads and writes
 * sysfs, the run directory (reserve.h) and the configuration file (conf.h).
 * Handled ops:
 *
 *   prepare begin  (before a domain starts, also on the destination of an
 *                  incoming migration, after migrate begin) make sure every
 *                  VF the domain names exists and is bound: a missing VF is
 *                  provisioned on demand (the configured PFs that have no VFs
 *                  get theirs, conf.h), each VF is reserved for the domain
 *                  (so that migrate begin never hands it to another one) and
 *                  bound to the driver its <driver model=> names. Failure:
 *                  non-zero exit, libvirt does not start the domain.
 *   migrate begin  (destination, before QEMU starts) a filter: what the
 *                  hook prints on stdout replaces the incoming domain XML,
 *                  an empty stdout keeps it, a non-zero exit aborts the
 *                  migration (before any guest memory moves) and libvirt
 *                  logs stderr. Each VF host device gets a local VF:
 *                  compatible with the source VF's descriptor from the
 *                  icemig metadata (domxml.h) by icemig_compat_check(),
 *                  reserved, and written into <source><address>.
 *   release end    (both hosts, the domain is gone) drop the domain's
 *                  reservations; then, as on_release says (conf.h), leave
 *                  the VFs, restore their previous driver, or bind them to
 *                  the pool driver again.
 * Every other op: exit 0 at once, stdin not read, nothing printed (libvirt
 * ignores an early close of stdin, src/util/vircommand.c).
 *
 * Which devices: every <hostdev mode='subsystem' type='pci'> (mode absent
 * counts as subsystem) and <interface type='hostdev'> under /domain/devices
 * whose <driver> has model='ice_vfio_pci', and those without model= (a VFIO
 * hostdev: libvirt >= 10.0 binds it to the variant driver of modules.alias
 * by itself, so a user's XML needs no model=) that are icemig's: the icemig
 * metadata describes it (migrate begin), its VF here is reserved for the
 * domain, or its VF here is bound to ice_vfio_pci or will be
 * (icemig_pci_vfio_variant()). The variant driver is what makes a VF
 * migratable, so a hostdev on stock vfio-pci blocks the migration in QEMU
 * anyway and is left alone, as is one whose model= names another driver.
 * <interface type='network'> (a hostdev network pool) is left to libvirt,
 * which picks a VF from the pool itself. A hostdev without model= only gets
 * a VF already on ice_vfio_pci in migrate begin.
 *
 * Which local VFs (migrate begin): VFs of the PFs that have a migration
 * provider (provider.h) and, when the configuration has [pf] sections, are
 * among them; bound to ice_vfio_pci or to no driver (a VF on another
 * driver, e.g. iavf, is in use by the host); not reserved by another domain
 * (stale reservations are reclaimed, reserve.h). A VF reserved for this
 * same domain is taken first (a retried migration). With a source
 * descriptor, only VFs bound to ice_vfio_pci qualify (an unbound VF shows no
 * descriptor to check). Order: PFs by address, VFs by index.
 */
#ifndef ICEMIG_HOOK_H
#define ICEMIG_HOOK_H

#include <stddef.h>
#include <stdio.h>

#include "bdf.h"
#include "conf.h"
#include "domxml.h"
#include "util.h"

/* Largest domain XML accepted on stdin. */
#define ICEMIG_HOOK_XML_MAX ICEMIG_XML_MAX

struct icemig_hook_result {
	char *xml; /* rewritten XML to print; NULL when nothing to rewrite */
	size_t len; /* bytes in xml */
	size_t nhostdevs; /* ice_vfio_pci hostdevs found and rewritten */
	size_t nchecked; /* of those, checked against a source descriptor */
	struct icemig_bdf *assigned; /* local VF of each rewritten hostdev, in document order */
	struct icemig_bdf *created; /* reservations made by this call */
	size_t ncreated;
};

/**
 * icemig_hook_migrate_begin() - pick, check, reserve and substitute local VFs.
 * @domain: libvirt domain name (argument 1 of the hook)
 * @xml:    domain XML, @len bytes (at most ICEMIG_HOOK_XML_MAX)
 * @conf:   configuration (the pool); NULL: built-in defaults
 * @res:    result; free with icemig_hook_result_free() in every case
 *
 * The XML is parsed by icemig_xml_parse() (no network, no entities, no
 * DOCTYPE). Reservations are taken under the pool lock, and on any failure
 * every reservation this call made is removed again.
 *
 * Return: 0; -EFBIG for an oversized input; -EINVAL for malformed or refused
 * XML, invalid icemig metadata or an invalid source address; -ENOSPC when
 * no suitable VF is free; -EXDEV when free VFs exist but none can take the
 * source VF's state (the message names the deciding descriptor field and
 * both values); other -errno. Messages start with the hostdev's description.
 */
int icemig_hook_migrate_begin(const char *domain, const char *xml, size_t len,
			      const struct icemig_conf *conf, struct icemig_hook_result *res,
			      struct icemig_err *err);

/** icemig_hook_undo() - remove the reservations @res->created (e.g. output failed). */
int icemig_hook_undo(const struct icemig_hook_result *res, struct icemig_err *err);

void icemig_hook_result_free(struct icemig_hook_result *res);

/**
 * icemig_hook_prepare_begin() - make the domain's VFs exist, reserved and bound.
 * @domain, @xml, @len: as for icemig_hook_migrate_begin()
 * @conf:   configuration (which PFs to provision on demand); NULL: defaults
 * @nbound: number of VFs this call bound (may be NULL)
 *
 * Return: 0 (also when the domain has no ice_vfio_pci VF); -ENODEV when a
 * VF does not exist even after provisioning; -EINVAL for bad XML or a
 * device that is not a VF; -EBUSY when a VF is reserved by another domain;
 * the errors of icemig_vf_create()/icemig_vf_bind(). On failure the
 * reservations this call made are removed (VFs it created stay).
 */
int icemig_hook_prepare_begin(const char *domain, const char *xml, size_t len,
			      const struct icemig_conf *conf, unsigned int *nbound,
			      struct icemig_err *err);

/**
 * icemig_hook_release() - remove every reservation held by @domain, then
 * apply @conf->on_release to those VFs (NULL @conf: keep).
 * @count: number of reservations removed (may be NULL)
 * Return: 0 or -errno; the reservations are removed even when the
 * on_release action fails.
 */
int icemig_hook_release(const char *domain, const struct icemig_conf *conf, unsigned int *count,
			struct icemig_err *err);

/**
 * icemig_hook_run() - one hook invocation.
 * @domain, @op, @subop, @extra: the four hook arguments
 * @in_fd: where the domain XML comes from (stdin); read only for prepare
 *	begin and migrate begin
 * @out:   where the rewritten XML goes (stdout); written only by migrate begin
 *
 * The configuration (icemig_conf_load()) is read only once the domain has a
 * VF of icemig's (release end: once the domain held reservations), so a
 * broken file never stops other domains.
 * Return: 0 (also for every op that is not handled), or -errno with @err set.
 */
int icemig_hook_run(const char *domain, const char *op, const char *subop, const char *extra,
		    int in_fd, FILE *out, struct icemig_err *err);

#endif /* ICEMIG_HOOK_H */
