/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: PCI device queries and driver-binding primitives on sysfs.
 *
 * Layout used (Documentation/ABI/testing/sysfs-bus-pci, sysfs-class-net),
 * all relative to the sysfs root (see sysfs.h):
 *   bus/pci/devices/<BDF>/                 one entry per device (a symlink in
 *                                          real sysfs, a directory is fine too)
 *     driver            -> .../bus/pci/drivers/<name>   absent when unbound
 *     driver_override   "(null)" when unset, else a driver name
 *     iommu_group       -> .../kernel/iommu_groups/<N>
 *     sriov_totalvfs    decimal, PFs only
 *     sriov_numvfs      decimal, PFs only; writable
 *     virtfn<K>         -> ../<VF BDF>, K = 0..sriov_numvfs-1, PFs only
 *     physfn            -> ../<PF BDF>, VFs only
 *   bus/pci/drivers/<name>/{bind,unbind}   write a BDF
 *   bus/pci/drivers_probe                  write a BDF
 *   class/net/<ifname>/device -> .../<BDF>
 * Names read from links are parsed as BDFs before use.
 */
#ifndef ICEMIG_PCI_H
#define ICEMIG_PCI_H

#include <stdbool.h>
#include <stddef.h>

#include "bdf.h"
#include "util.h"

/* Longest driver name accepted (struct device_driver names are short). */
#define ICEMIG_DRIVER_MAX 64

/**
 * icemig_driver_name_valid() - whether @name may be used as a PCI driver name
 * in a path and in driver_override: 1..63 characters of [A-Za-z0-9_.-], not
 * starting with '.' or '-'.
 */
bool icemig_driver_name_valid(const char *name);

/**
 * icemig_ifname_valid() - whether @name is a valid network interface name, as
 * the kernel's dev_valid_name() (net/core/dev.c) accepts it: 1..15 bytes, not
 * "." or "..", no '/', ':' or white space (control characters also refused).
 */
bool icemig_ifname_valid(const char *name);

/**
 * icemig_pci_path() - "<root>/bus/pci/devices/<BDF>[/<attr>]" into @buf.
 * @attr: attribute or link name, NULL for the device directory
 * Return: 0 or -ENAMETOOLONG/-EINVAL (see icemig_sysfs_path()).
 */
int icemig_pci_path(char *buf, size_t size, const struct icemig_bdf *bdf, const char *attr,
		    struct icemig_err *err);

/** icemig_pci_check_exists() - 0, or -ENODEV "<BDF>: no such PCI device (...)". */
int icemig_pci_check_exists(const struct icemig_bdf *bdf, struct icemig_err *err);

/**
 * icemig_pci_get_driver() - name of the driver bound to @bdf.
 * @name: receives the driver name, or "" when the device is not bound
 * Return: 0 or -errno.
 */
int icemig_pci_get_driver(const struct icemig_bdf *bdf, char *name, size_t size,
			  struct icemig_err *err);

/**
 * icemig_pci_get_override() - current driver_override of @bdf.
 * @buf: receives the driver name, "" when unset (the kernel shows "(null)")
 * Return: 0, -ENOENT when the kernel has no driver_override (before 3.16), -errno.
 */
int icemig_pci_get_override(const struct icemig_bdf *bdf, char *buf, size_t size,
			    struct icemig_err *err);

/**
 * icemig_pci_set_override() - write driver_override; @driver NULL or "" clears
 * it (a lone "\n" is written, which the kernel takes as "unset").
 */
int icemig_pci_set_override(const struct icemig_bdf *bdf, const char *driver,
			    struct icemig_err *err);

/** icemig_pci_unbind() - write the BDF to bus/pci/drivers/<@driver>/unbind. */
int icemig_pci_unbind(const struct icemig_bdf *bdf, const char *driver, struct icemig_err *err);

/** icemig_pci_bind() - write the BDF to bus/pci/drivers/<@driver>/bind. */
int icemig_pci_bind(const struct icemig_bdf *bdf, const char *driver, struct icemig_err *err);

/** icemig_pci_drivers_probe() - write the BDF to bus/pci/drivers_probe. */
int icemig_pci_drivers_probe(const struct icemig_bdf *bdf, struct icemig_err *err);

/** icemig_pci_driver_loaded() - whether bus/pci/drivers/<@driver> exists. */
bool icemig_pci_driver_loaded(const char *driver);

/**
 * icemig_pci_iommu_group() - IOMMU group number of @bdf.
 * Return: 0 and *@group, -ENOENT when the device has no IOMMU group, -errno.
 */
int icemig_pci_iommu_group(const struct icemig_bdf *bdf, unsigned long *group,
			   struct icemig_err *err);

/**
 * icemig_pci_sriov() - SR-IOV counts of a PF.
 * @total: sriov_totalvfs; @num: sriov_numvfs (either may be NULL)
 * Return: 0, -ENOENT when @bdf has no SR-IOV capability (no sriov_totalvfs), -errno.
 */
int icemig_pci_sriov(const struct icemig_bdf *bdf, unsigned long *total, unsigned long *num,
		     struct icemig_err *err);

/** icemig_pci_set_numvfs() - write @n to sriov_numvfs of @pf. */
int icemig_pci_set_numvfs(const struct icemig_bdf *pf, unsigned long n, struct icemig_err *err);

/**
 * icemig_pci_virtfn() - address of VF number @index of @pf (link virtfn<index>).
 * Return: 0, -ENOENT when there is no such VF, -EINVAL if the link does not name a BDF.
 */
int icemig_pci_virtfn(const struct icemig_bdf *pf, unsigned long index, struct icemig_bdf *vf,
		      struct icemig_err *err);

/**
 * icemig_pci_physfn() - PF of VF @vf (link physfn).
 * Return: 0, -ENOENT when @vf is not a VF, -EINVAL if the link does not name a BDF.
 */
int icemig_pci_physfn(const struct icemig_bdf *vf, struct icemig_bdf *pf, struct icemig_err *err);

/**
 * icemig_netdev_pci() - PCI address behind network interface @ifname
 * (class/net/<ifname>/device).
 * Return: 0, -EINVAL for an invalid name, -ENODEV when there is no such
 * interface or it is not a PCI device.
 */
int icemig_netdev_pci(const char *ifname, struct icemig_bdf *out, struct icemig_err *err);

/**
 * icemig_modules_alias_path() - $ICEMIG_MODULES_ALIAS, else
 * /lib/modules/<uname -r>/modules.alias (written by depmod).
 */
const char *icemig_modules_alias_path(void);

/**
 * icemig_pci_vfio_variant() - the VFIO driver libvirt (>= 10.0) binds @bdf to
 * for a managed hostdev without <driver model=>: among the "alias
 * vfio_pci:<pattern> <module>" lines of modules.alias (a VFIO variant
 * driver's PCI_DRIVER_OVERRIDE_DEVICE_VFIO ID table entries), the one whose
 * pattern matches the device's modalias attribute ("pci:v00008086d00001889
 * sv...") most specifically (fewest '*'); the first of equals wins.
 * @module: receives its module name, e.g. "ice_vfio_pci"
 * Return: 0; -ENOENT when no such alias matches (libvirt then uses
 * vfio-pci), or when the device or the file has none.
 */
int icemig_pci_vfio_variant(const struct icemig_bdf *bdf, char *module, size_t size);

/**
 * icemig_pci_list() - all devices under bus/pci/devices, sorted by address.
 * @out: malloc'ed array (caller frees), @n: its length. Entries whose name is
 * not a BDF are skipped.
 * Return: 0 or -errno.
 */
int icemig_pci_list(struct icemig_bdf **out, size_t *n, struct icemig_err *err);

#endif /* ICEMIG_PCI_H */
