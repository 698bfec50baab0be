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

/**
 * icemig_vf_create() - make @pf have exactly @n VFs (sriov_numvfs = @n).
 * @pf:    PF address (see icemig_pf_resolve())
 * @n:     number of VFs wanted, 1..sriov_totalvfs
 * @force: if the PF already has a different nonzero number of VFs, write 0
 *	first (the kernel refuses to change a nonzero count directly,
 *	Documentation/PCI/pci-iov-howto.rst); without @force that case fails
 * @vfs:   malloc'ed array of the @n VF addresses in VF index order (virtfn0..),
 *	caller frees; @nvfs its length
 * @changed: whether sriov_numvfs was written (false if it already was @n); may be NULL
 *
 * Return: 0; -EINVAL if @n is 0; -ERANGE if @n > sriov_totalvfs; -EBUSY if the
 * PF has other VFs and @force is false; -errno from the kernel's refusal of
 * the write; -EIO if the VFs did not appear.
 */
int icemig_vf_create(const struct icemig_bdf *pf, unsigned long n, bool force,
		     struct icemig_bdf **vfs, size_t *nvfs, bool *changed, struct icemig_err *err);

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
 * @status:   array of @n entries, filled on success (may be NULL)
 *
 * Nothing is touched unless every device exists, is a VF (has a physfn
 * link: a PF is never rebound), has driver_override, and @driver is loaded. A device already bound to @driver is left alone. When a
 * step fails for any device, every device touched so far (the failing one
 * included) is put back: driver_override restored, unbound from whatever it
 * is bound to now, and re-probed (then, if needed, bound with the old
 * driver's bind) so that it is on its previous driver again.
 *
 * Return: 0, or -errno with a message "<BDF>: <cause>" followed by what the
 * rollback did ("; restored ..." / "; ROLLBACK FAILED ...").
 */
int icemig_vf_bind(const struct icemig_bdf *bdfs, size_t n, const char *driver,
		   enum icemig_bind_status *status, struct icemig_err *err);

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
	bool reserved;
	char reserved_by[ICEMIG_DOMAIN_MAX];
};

struct icemig_vf_table {
	bool providers_present; /* providers file exists (ice_vfio_pci loaded) */
	struct icemig_vf_row *rows;
	size_t n;
};

/**
 * icemig_vf_collect() - rows for every PF with sriov_totalvfs > 0 (sorted by
 * address) and each of its VFs (by index). Free with icemig_vf_table_free().
 * Return: 0 or -errno.
 */
int icemig_vf_collect(struct icemig_vf_table *t, struct icemig_err *err);

void icemig_vf_table_free(struct icemig_vf_table *t);

/**
 * icemig_vf_render() - print @t to @out, as aligned text columns with a
 * header (@json false; absent values shown as "-") or as a JSON document
 * (@json true): {"ice_vfio_pci_loaded": bool, "vfs": [{"pf": "0000:01:00.0",
 * "provider": str|null, "index": int|null, "vf": str|null, "driver":
 * str|null, "iommu_group": int|null, "reserved_by": str|null}, ...]}.
 * Both forms come from the same column table.
 * Return: 0, or -EIO if writing failed.
 */
int icemig_vf_render(const struct icemig_vf_table *t, bool json, FILE *out);

#endif /* ICEMIG_VF_H */
