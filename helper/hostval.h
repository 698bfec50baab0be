/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: host validation (`icemig host-validate`), in the manner of
 * virt-host-validate: a list of checks, each PASS, WARN or FAIL with a
 * detail, and the downtime class this host can give a VM holding a VF.
 *
 * Checks, in order (the "check" names of the JSON document):
 *   ice_vfio_pci module    sysfs module/ice_vfio_pci (FAIL when absent)
 *   provider module        module/ice_mig_sim (a test device) or
 *                          module/ice_mig_glue (the E810 provider)
 *                          (FAIL when neither is loaded)
 *   provider for PF <BDF>  one per SR-IOV PF (sriov_totalvfs > 0), from
 *                          bus/pci/drivers/ice_vfio_pci/providers
 *                          (provider.h); a PF without a provider is a FAIL
 *                          when icemig.conf names it or it is on `ice`,
 *                          else a WARN (another NIC); no SR-IOV PF: FAIL
 *   IOMMU                  class/iommu/<unit> (dmar*: Intel VT-d, ivhd*:
 *                          AMD-Vi), kernel/iommu_groups/<N>/type (the
 *                          default domain type: identity, DMA, DMA-FQ,
 *                          ...) and the IOMMU parameters of the kernel
 *                          command line (/proc/cmdline); FAIL without units
 *                          and groups (VFIO cannot assign a device)
 *   iommufd                /dev/iommu (the iommufd character device) and
 *                          the vfio device cdev (/dev/vfio/devices, or
 *                          CONFIG_VFIO_DEVICE_CDEV in /boot/config-<release>);
 *                          WARN when missing
 *   IOMMU dirty tracking   every unit must support it; WARN otherwise.
 *                          VT-d: class/iommu/dmar*\/intel-iommu/ecap (hex)
 *                          with SMTS (bit 43, scalable mode), SSADS (bit 45,
 *                          second-stage accessed/dirty; "SLADS" in older VT-d
 *                          revisions) and SMPWC (bit 48), and scalable mode
 *                          not turned off (intel_iommu=sm_off) -- Linux
 *                          6.12's ssads_supported() in
 *                          drivers/iommu/intel/iommu.h (reference only).
 *                          AMD: class/iommu/ivhd*\/amd-iommu/features
 *                          ("<EFR>:<EFR2>", hex) with HDSup (EFR bit 52),
 *                          as amd_iommu_hd_support() in
 *                          drivers/iommu/amd/iommu.c.
 *   libvirt                the library version (virGetVersion) and, when a
 *                          read-only connection to the URI (--connect,
 *                          default qemu:///system) succeeds within 5 s,
 *                          the daemon's (virConnectGetLibVersion); FAIL
 *                          without libvirt, WARN below 10.0
 *   QEMU                   `$ICEMIG_QEMU --version` (default
 *                          qemu-system-x86_64), else the hypervisor version
 *                          of that connection (virConnectGetVersion); FAIL
 *                          when neither is known, WARN below 8.1
 *   libvirt hook           /etc/libvirt/hooks/qemu.d/icemig, a regular
 *                          executable file; FAIL otherwise
 *   DKMS                   `$ICEMIG_DKMS status icemig` (default dkms): PASS
 *                          when it lists icemig as installed for the running
 *                          kernel (/proc/sys/kernel/osrelease); WARN
 *                          otherwise, and when dkms is not installed
 *   downtime class         "tracked" (PASS) when iommufd, IOMMU dirty
 *                          tracking on every unit, QEMU >= 9.1 (iommufd
 *                          backend with dirty tracking) and libvirt >= 12.1
 *                          (hostdev <driver iommufd='yes'/>) are all there;
 *                          else "RAM-proportional" (WARN) with the reasons:
 *                          without IOMMU or device dirty tracking QEMU
 *                          counts all DMA-mapped guest RAM dirty at the
 *                          final sync, so the stop-copy phase sends it all.
 * The minimum versions: QEMU 8.1 made VFIO migration non-experimental
 * (enable-migration); libvirt 10.0 added <driver model=> for variant
 * drivers; QEMU 9.1 and libvirt 12.1 are the versions issue 12 gives for the
 * iommufd path.
 *
 * Paths: sysfs through icemig_sysfs_path() ($ICEMIG_SYSFS_ROOT); /proc,
 * /dev, /etc and /boot under $ICEMIG_HOST_ROOT (default: empty, the real
 * root). Programs: $ICEMIG_QEMU and $ICEMIG_DKMS (a name searched in PATH or
 * a path), each run with a 10 s limit and its output capped at 64 KiB.
 * Tests point all of these at a fake tree and fake programs.
 */
#ifndef ICEMIG_HOSTVAL_H
#define ICEMIG_HOSTVAL_H

#include <stdbool.h>

#include <json-c/json.h>

#include "util.h"

enum icemig_hv_result {
	ICEMIG_HV_PASS,
	ICEMIG_HV_WARN,
	ICEMIG_HV_FAIL,
};

/*
 * Versions as libvirt encodes them: major * 1000000 + minor * 1000 + micro;
 * 0 when unknown.
 */
struct icemig_hv_libvirt {
	unsigned long lib; /* virGetVersion(): the library icemig loads */
	unsigned long daemon; /* virConnectGetLibVersion(): the daemon's */
	unsigned long hypervisor; /* virConnectGetVersion(): QEMU, for qemu:// */
	bool loaded; /* libvirt.so.0 could be loaded */
	bool connected; /* the read-only connection succeeded */
	char error[256]; /* why not, when !loaded or !connected */
};

/*
 * How the checks learn libvirt's versions. The default (NULL) loads
 * libvirt.so.0 in a child process and connects read-only there, giving up
 * after 5 s (the child is killed), so a hung daemon cannot hang the command.
 * Unit tests install their own.
 */
typedef void (*icemig_hv_libvirt_fn)(const char *uri, struct icemig_hv_libvirt *out, void *opaque);

struct icemig_hostval_opts {
	const char *uri; /* libvirt URI to ask; NULL: "qemu:///system" */
	icemig_hv_libvirt_fn libvirt; /* NULL: the real one */
	void *opaque;
};

/** icemig_hv_result_name() - "PASS", "WARN" or "FAIL". */
const char *icemig_hv_result_name(enum icemig_hv_result r);

/**
 * icemig_hostval() - run every check.
 * @opts: NULL for the defaults
 *
 * Return: the result document (caller puts it), NULL only when out of memory:
 * {"checks": [{"check", "result": "PASS"|"WARN"|"FAIL", "detail"}, ...],
 *  "iommu": {"vendor": "intel"|"amd"|"other"|null, "units", "groups",
 *  "default_domain": "DMA-FQ"|...|null, "cmdline": [...], "iommufd": bool,
 *  "vfio_cdev": bool, "dirty_tracking": bool},
 *  "libvirt": {"library", "daemon", "hypervisor"} ("12.1.0" or null),
 *  "qemu": "10.0.2"|null, "downtime_class": "tracked"|"RAM-proportional",
 *  "downtime_reason": text|null, "pass", "warn", "fail" (counts)}
 */
struct json_object *icemig_hostval(const struct icemig_hostval_opts *opts);

/**
 * icemig_hv_parse_version() - "10.0.2" (trailing text ignored) as
 * major * 1000000 + minor * 1000 + micro (micro may be missing).
 * Return: 0, or -EINVAL when @s does not start with "N.N".
 */
int icemig_hv_parse_version(const char *s, unsigned long *out);

/**
 * icemig_hv_vtd_dirty() - whether a VT-d ecap value offers second-stage
 * dirty tracking to Linux (SMTS, SSADS and SMPWC set); @missing receives
 * the names of the missing bits ("SSADS", ...) or "".
 */
bool icemig_hv_vtd_dirty(unsigned long long ecap, char *missing, size_t size);

/** icemig_hv_amd_dirty() - whether an AMD IOMMU EFR value has HDSup (bit 52). */
bool icemig_hv_amd_dirty(unsigned long long efr);

#endif /* ICEMIG_HOSTVAL_H */
