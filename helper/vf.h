/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: VF provisioning: create VFs on a PF, bind VFs to a driver
 * with rollback, and list PFs/VFs. Pure logic on top of pci.h/sysfs.h; the
 * command layer (main.c) only parses arguments and prints.
 */
#ifndef ICEMIG_VF_H
#define ICEMIG_VF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bdf.h"
#include "pci.h"
#include "provider.h"
#include "reserve.h"
#include "util.h"

/**
 * icemig_pf_resolve() - find an SR-IOV PF from user text.
 * @arg: a BDF "DDDD:BB:DD.F", or a network interface name (resolved through
 *	class/net/<name>/device)
 * @pf:  the PF's address
 *
 * Return: 0; -EINVAL for text that is neither; -ENODEV for a missing device
 * or interface; -EOPNOTSUPP if the device has no SR-IOV capability
 * (no sriov_totalvfs, or it is 0).
 */
int icemig_pf_resolve(const char *arg, struct icemig_bdf *pf, struct icemig_err *err);

/* sriov_drivers_autoprobe while VFs are created: leave as it is, off, on. */
enum icemig_autoprobe {
	ICEMIG_AUTOPROBE_KEEP = -1,
	ICEMIG_AUTOPROBE_OFF = 0,
	ICEMIG_AUTOPROBE_ON = 1,
};

/**
 * icemig_vf_create() - make @pf have exactly @n VFs (sriov_numvfs = @n).
 * @pf:    PF address (see icemig_pf_resolve())
 * @n:     number of VFs wanted, 1..sriov_totalvfs
 * @force: if the PF already has a different nonzero number of VFs, write 0
 *	first (the kernel refuses to change a nonzero count directly,
 *	Documentation/PCI/pci-iov-howto.rst); without @force that case fails
 * @autoprobe: ICEMIG_AUTOPROBE_OFF writes 0 to the PF's
 *	sriov_drivers_autoprobe before creating the VFs, so that no driver
 *	(iavf) probes them when they appear (Documentation/ABI/testing/
 *	sysfs-bus-pci); ON writes 1; the previous value is put back afterwards
 *	(the setting only matters at VF creation). KEEP leaves it alone.
 * @vfs:   malloc'ed array of the @n VF addresses in VF index order (virtfn0..),
 *	caller frees; @nvfs its length
 * @changed: whether sriov_numvfs was written (false if it already was @n); may be NULL
 *
 * The change is made under the pool lock (reserve.h). With @force, existing
 * VFs are removed only when none is in use (inuse.h).
 * Return: 0; -EINVAL if @n is 0; -ERANGE if @n > sriov_totalvfs; -EBUSY if the
 * PF has other VFs and @force is false, or one of them is in use; -EOPNOTSUPP if @autoprobe is asked
 * for and the PF has no sriov_drivers_autoprobe; -errno from the kernel's
 * refusal of a write; -EIO if the VFs did not appear.
 */
int icemig_vf_create(const struct icemig_bdf *pf, unsigned long n, bool force,
		     enum icemig_autoprobe autoprobe, struct icemig_bdf **vfs, size_t *nvfs,
		     bool *changed, struct icemig_err *err);

/**
 * icemig_vf_destroy() - remove every VF of @pf (sriov_numvfs = 0).
 * @force:   also when a VF is in use (inuse.h: reserved, or a running
 *	domain has it); its reservations are removed
 * @removed: number of VFs the PF had (may be NULL)
 *
 * Remembered drivers (reserve.h) of the removed VFs are forgotten.
 * Return: 0 (also when the PF has no VFs: nothing written); -EBUSY
 * "<PF>: not removing its N VFs: VF <BDF> is in use by domain 'D' (...)"
 * without @force; -errno from the kernel.
 */
int icemig_vf_destroy(const struct icemig_bdf *pf, bool force, unsigned long *removed,
		      struct icemig_err *err);

enum icemig_bind_status {
	ICEMIG_BIND_DONE, /* rebound to the driver */
	ICEMIG_BIND_ALREADY, /* was already bound to it; left alone */
};

/**
 * icemig_vf_bind() - bind devices to @driver the way libvirt does
 * (src/util/virpci.c virPCIDeviceBindToStub): for each device write @driver
 * to driver_override, unbind it from its current driver (driver/unbind),
 * write its BDF to bus/pci/drivers_probe, then check that its driver link
 * names @driver.
 * @bdfs, @n: devices, in the order they are handled
 * @driver:   driver name (icemig_driver_name_valid()), e.g. "ice_vfio_pci"
 * @owner:    the domain on whose behalf the VFs are bound (the prepare begin
 *	hook), whose own use is no conflict; NULL (the command line): any user is
 * @status:   array of @n entries, filled on success (may be NULL)
 *
 * Nothing is touched unless every device exists, is a VF (has a physfn
 * link: a PF is never rebound), has driver_override, @driver is loaded,
 * and no device that would be rebound is used by a domain other than
 * @owner (inuse.h: a running domain has it, or it is reserved): -EBUSY
 * "VF <BDF> is in use by domain 'A' (...)". The pool lock (reserve.h) is
 * held from that check to the end.
 * A device already bound to @driver is left alone. For every device that
 * is rebound, the driver and driver_override it had are remembered in the
 * run directory (icemig_memo_save(), the oldest memory is kept) for
 * icemig_vf_unbind(restore), before the first sysfs write: a process killed
 * at any step leaves a state that icemig_vf_unbind(restore) repairs. A
 * memory this call made is removed again when the call fails and every
 * device was put back. When a
 * step fails for any device, every device touched so far (the failing one
 * included) is put back: driver_override restored, unbound from whatever it
 * is bound to now, and re-probed (then, if needed, bound with the old
 * driver's bind) so that it is on its previous driver again.
 *
 * Return: 0, or -errno with a message "<BDF>: <cause>" followed by what the
 * rollback did ("; restored ..." / "; ROLLBACK FAILED ...").
 */
int icemig_vf_bind(const struct icemig_bdf *bdfs, size_t n, const char *driver, const char *owner,
		   enum icemig_bind_status *status, struct icemig_err *err);

enum icemig_unbind_status {
	ICEMIG_UNBIND_DONE, /* unbound, or put back on its previous driver */
	ICEMIG_UNBIND_ALREADY, /* already in that state; nothing written */
};

/**
 * icemig_vf_unbind() - take VFs off their driver, or put them back.
 * @bdfs, @n: VFs, in the order they are handled
 * @restore:  false: unbind each from its driver and clear driver_override,
 *	leaving it unbound; true: put each back on the driver (and
 *	driver_override) it had before icemig bound it, as remembered in the run
 *	directory; without a memory, clear driver_override and let the kernel
 *	probe its native driver (drivers_probe). A memory is removed once restored.
 * @owner:    as for icemig_vf_bind()
 * @status:   array of @n entries, filled on success (may be NULL)
 * @now:      array of @n driver names after the call ("" unbound; may be NULL)
 *
 * Same preflight as icemig_vf_bind() (exists, is a VF, has driver_override,
 * not used by a domain other than @owner unless already where it should go).
 * On failure every device touched is returned to the state it had before
 * the call (driver and driver_override). Idempotent.
 * Return: 0, or -errno with "<BDF>: <cause>" and the rollback report.
 */
int icemig_vf_unbind(const struct icemig_bdf *bdfs, size_t n, bool restore, const char *owner,
		     enum icemig_unbind_status *status, char (*now)[ICEMIG_DRIVER_MAX],
		     struct icemig_err *err);

/* What a VF can do for a migration, as "vf list" reports it. */
enum icemig_migration {
	ICEMIG_MIG_NO, /* its PF has no migration provider */
	ICEMIG_MIG_NEEDS_BIND, /* provider, but the VF is not bound to ice_vfio_pci */
	ICEMIG_MIG_YES, /* bound to ice_vfio_pci, descriptor readable */
};

/* One row of "vf list": one VF, or one SR-IOV PF without VFs (has_vf false). */
struct icemig_vf_row {
	struct icemig_bdf pf;
	char provider[ICEMIG_PROVIDER_NAME_MAX]; /* "" when the PF has no provider */
	bool has_vf;
	unsigned long index; /* VF index K of virtfnK */
	struct icemig_bdf vf;
	char driver[ICEMIG_DRIVER_MAX]; /* "" when unbound */
	bool has_group;
	unsigned long iommu_group;
	char domain[ICEMIG_DOMAIN_MAX]; /* domain using it, "" none */
	enum icemig_migration migration;
	bool has_stream;
	unsigned int stream_major, stream_minor; /* from its descriptor */
};

struct icemig_vf_table {
	bool providers_present; /* providers file exists (ice_vfio_pci loaded) */
	struct icemig_vf_row *rows;
	size_t n;
};

/**
 * icemig_vf_collect() - rows for every PF with sriov_totalvfs > 0 (sorted by
 * address) and each of its VFs (by index). The domain using a VF is the one
 * holding its reservation (reserve.h), else the running libvirt domain whose
 * status XML ($ICEMIG_LIBVIRT_STATEDIR/<name>.xml) has it as a PCI host
 * device. Free with icemig_vf_table_free().
 * Return: 0 or -errno.
 */
int icemig_vf_collect(struct icemig_vf_table *t, struct icemig_err *err);

void icemig_vf_table_free(struct icemig_vf_table *t);

/**
 * icemig_vf_render() - print @t to @out: a text table through libsmartcols,
 * one line per row with a header, absent values shown as "-" (@json
 * false), or a JSON document (@json true; one line, indented when @pretty):
 * {"ice_vfio_pci_loaded": bool, "vfs": [{"pf": "0000:01:00.0", "provider":
 * str|null, "index": int|null, "vf": str|null, "driver": str|null,
 * "iommu_group": int|null, "domain": str|null, "migration":
 * "yes"|"needs-bind"|"no"|null, "stream": "MAJOR.MINOR"|null}, ...]}.
 * Both forms come from the same libsmartcols table (keys are its headers in
 * lower case).
 * Return: 0, -ENOMEM, or -EIO if writing failed.
 */
int icemig_vf_render(const struct icemig_vf_table *t, bool json, bool pretty, FILE *out);

#endif /* ICEMIG_VF_H */
