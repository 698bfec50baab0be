// SPDX-License-Identifier: GPL-2.0
/*
 * ice_vfio_pci: VFIO PCI variant driver for Intel E800-series (E810) SR-IOV
 * Virtual Functions with live migration (VFIO migration uAPI v2,
 * include/uapi/linux/vfio.h, "VFIO_DEVICE_FEATURE_MIGRATION").
 *
 * The VF's state lives in its PF. A PF-side provider (icemig_provider.h)
 * suspends, serializes and loads it; this driver runs the migration state
 * machine (ice_vfio_pci_fsm.c) and moves the provider's stream through the
 * data files (ice_vfio_pci_migf.c). A VF whose PF has no provider when it
 * is bound is driven exactly like vfio-pci and advertises no migration
 * capability, so QEMU reports a migration blocker. Locking: ice_vfio_pci.h.
 *
 * This file: the PCI driver, the vfio_device ops, resets and the per-VF
 * sysfs attribute.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "ice_vfio_pci.h"
#include "include/icemig_compat.h"

/*
 * 8086:1889 is Intel's Adaptive Virtual Function (AVF, iavf) device ID. E810
 * VFs use it, and so do X710/XL710 VFs in AVF mode and other Intel NICs'
 * VFs: the ID alone says nothing about migration. A VF binds here by this
 * ID (libvirt picks the driver from modules.alias), but it advertises
 * migration only when its PF has a registered provider, which only the ice
 * PF driver's glue (or the ice_mig_sim test device) registers.
 */
#define PCI_DEVICE_ID_INTEL_ADAPTIVE_VF	0x1889

/* ---- vfio_device ops ---- */

static int ice_vfio_pci_init_dev(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);
	struct pci_dev *pdev = to_pci_dev(core_vdev->dev);
	int ret, vf_id;

	ret = vfio_pci_core_init_dev(core_vdev);
	if (ret)
		return ret;

	mutex_init(&ivdev->state_mutex);
	spin_lock_init(&ivdev->pending_lock);
	INIT_LIST_HEAD(&ivdev->prov_node);

	if (!pdev->is_virtfn)
		return 0;
	vf_id = pci_iov_vf_id(pdev);
	if (vf_id < 0)
		return 0;
	if (!ice_vfio_provider_present(pci_physfn(pdev))) {
		pci_info(pdev, "PF %s has no migration provider, migration disabled\n",
			 pci_name(pci_physfn(pdev)));
		return 0;
	}
	ivdev->migratable = true;
	ivdev->vf_id = vf_id;
	core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
				     VFIO_MIGRATION_PRE_COPY;
	core_vdev->mig_ops = &ice_vfio_pci_mig_ops;
	pci_info(pdev, "VF %d of PF %s, migration through its PF's provider\n", vf_id,
		 pci_name(pci_physfn(pdev)));
	return 0;
}

static void ice_vfio_pci_release_dev(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);

	mutex_destroy(&ivdev->state_mutex);
	vfio_pci_core_release_dev(core_vdev);
}

/*
 * Keep the MSI-X BAR of a migratable VF trapped, every other BAR mmap'd.
 *
 * QEMU maps the mmap'd parts of a VF's BARs into the VFIO container (for
 * peer-to-peer DMA) and, during a migration on a type1 IOMMU, asks the
 * container for their dirty bitmap at every sync. In the MSI-X BAR QEMU
 * splits the mapping around the MSI-X table and PBA at its own granularity,
 * so the piece beside the table is not a whole number of pages (measured on
 * the rig: iova 0xfea05000 size 0x3fd0) and VFIO_IOMMU_DIRTY_PAGES rejects it
 * with -EINVAL: the migration fails at its first sync. Users worked around it
 * with x-no-mmap=true, which traps every BAR, the Tx/Rx doorbells included.
 *
 * Only the MSI-X BAR is trapped here: region info stops offering
 * VFIO_REGION_INFO_FLAG_MMAP for it, so QEMU never maps it (the table and PBA
 * are emulated by QEMU anyway), and the BAR of the PBA if it is another one.
 * An E810 VF's doorbells (QTX_TAIL, QRX_TAIL)
 * are in BAR0 and its MSI-X table and PBA in BAR3, so the data path stays
 * mmap'd. A VF without migration is left as vfio-pci would leave it.
 */
static void ice_vfio_pci_trap_msix_bar(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u32 pba;

	if (!pdev->msix_cap || vdev->msix_bar >= PCI_STD_NUM_BARS)
		return;
	vdev->bar_mmap_supported[vdev->msix_bar] = false;
	/* QEMU splits around the PBA too; it may live in another BAR */
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	if ((pba & PCI_MSIX_PBA_BIR) < PCI_STD_NUM_BARS)
		vdev->bar_mmap_supported[pba & PCI_MSIX_PBA_BIR] = false;
}

/*
 * Attach to the PF's provider as it is now (it may have gone and come back
 * since the VF was bound) and open the VF there. Without a provider the
 * device still opens, as a plain VFIO device whose migration state is ERROR
 * (every arc fails with -ENODEV): the guest gets its VF, a migration fails
 * cleanly before the source stops.
 */
static int ice_vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);
	struct vfio_pci_core_device *vdev = &ivdev->core_device;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	if (ivdev->migratable) {
		ice_vfio_state_lock(ivdev);
		ivdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
		if (ice_vfio_provider_attach(ivdev)) {
			pci_warn(vdev->pdev, "PF %s has no migration provider now: migration unavailable\n",
				 pci_name(pci_physfn(vdev->pdev)));
			ivdev->mig_state = VFIO_DEVICE_STATE_ERROR;
		} else {
			void *h = ivdev->prov->ops->open(vdev->pdev);

			if (IS_ERR(h)) {
				ret = PTR_ERR(h);
				ice_vfio_provider_detach(ivdev);
			} else {
				ivdev->prov_vf = h;
			}
		}
		ice_vfio_state_unlock(ivdev);
		if (ret) {
			pci_err(vdev->pdev, "migration provider cannot open the VF: %d\n", ret);
			vfio_pci_core_disable(vdev);
			return ret;
		}
	}

	/* after finish_enable: it probes which BARs can be mmap'd */
	vfio_pci_core_finish_enable(vdev);
	if (ivdev->migratable)
		ice_vfio_pci_trap_msix_bar(vdev);
	return 0;
}

/*
 * Close in any state: the data files are disabled and the provider handle
 * closed; a suspended VF is not resumed (icemig_provider.h, @close): the
 * vfio core resets the function next.
 */
static void ice_vfio_pci_close_device(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);

	if (ivdev->migratable) {
		ice_vfio_state_lock(ivdev);
		ice_vfio_disable_fds(ivdev);
		if (ivdev->prov) {
			ivdev->prov->ops->close(ivdev->prov_vf);
			ice_vfio_provider_detach(ivdev);
		}
		ice_vfio_state_unlock(ivdev);
	}
	vfio_pci_core_close_device(core_vdev);
}

static const struct vfio_device_ops ice_vfio_pci_ops = {
	.name = "ice-vfio-pci",
	.init = ice_vfio_pci_init_dev,
	.release = ice_vfio_pci_release_dev,
	.open_device = ice_vfio_pci_open_device,
	.close_device = ice_vfio_pci_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
};

/* ---- PCI driver ---- */

static int ice_vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ice_vfio_pci_device *ivdev;
	int ret;

	ivdev = vfio_alloc_device(ice_vfio_pci_device, core_device.vdev,
				  &pdev->dev, &ice_vfio_pci_ops);
	if (IS_ERR(ivdev))
		return PTR_ERR(ivdev);

	dev_set_drvdata(&pdev->dev, &ivdev->core_device);
	ret = vfio_pci_core_register_device(&ivdev->core_device);
	if (ret)
		vfio_put_device(&ivdev->core_device.vdev);
	return ret;
}

static void ice_vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

/*
 * FLR or VFIO_DEVICE_RESET: the device is RUNNING again and its data files
 * are disabled (uAPI: VFIO_DEVICE_RESET ends a migration; the device goes
 * back to RUNNING).
 *
 * This runs with the device's memory_lock held for write (VFIO_DEVICE_RESET,
 * vfio_pci_ioctl_reset()) or under the PCI device lock (an FLR through
 * sysfs). Waiting here for state_mutex would order state_mutex after
 * memory_lock, and any holder of state_mutex that ever waited for
 * memory_lock - for instance by faulting on a user buffer mapped from this
 * device's BAR - would deadlock against the reset. So the reset is recorded
 * under a spinlock and done by whoever holds state_mutex (at once, if the
 * trylock below gets it); and what it does never waits for a data file's
 * lock, which is held across user copies: the files are disabled with a
 * flag (ice_vfio_migf_disable()).
 */
static void ice_vfio_pci_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct ice_vfio_pci_device *ivdev;

	if (!vdev)
		return;
	ivdev = container_of(vdev, struct ice_vfio_pci_device, core_device);
	if (!ivdev->migratable)
		return;
	ice_vfio_mark_pending(ivdev, ICE_VFIO_PENDING_RESET);
	if (mutex_trylock(&ivdev->state_mutex))
		ice_vfio_state_unlock(ivdev);
}

static const struct pci_error_handlers ice_vfio_pci_err_handlers = {
	.reset_done = ice_vfio_pci_reset_done,
	.error_detected = vfio_pci_core_aer_err_detected,
};

/*
 * /sys/bus/pci/devices/<VF>/icemig_compat: the VF's compatibility
 * descriptor (Contract 3, format in icemig_compat.h; ABI in
 * docs/ABI/testing/sysfs-bus-pci-drivers-ice_vfio_pci). Present on VFs that
 * advertise migration; -ENODEV while their PF has no provider.
 */
static ssize_t icemig_compat_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	struct icemig_compat c;
	int ret;

	ret = ice_vfio_provider_describe(to_pci_dev(dev), &c, NULL);
	if (ret)
		return ret;
	ret = icemig_compat_format(&c, buf, PAGE_SIZE);
	return ret < 0 ? -EIO : ret;
}
static DEVICE_ATTR_RO(icemig_compat);

static struct attribute *ice_vfio_pci_dev_attrs[] = {
	&dev_attr_icemig_compat.attr,
	NULL,
};

static umode_t ice_vfio_pci_dev_attr_visible(struct kobject *kobj, struct attribute *a, int n)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(kobj_to_dev(kobj));

	if (!vdev)
		return 0;
	return container_of(vdev, struct ice_vfio_pci_device, core_device)->migratable ?
	       a->mode : 0;
}

static const struct attribute_group ice_vfio_pci_dev_group = {
	.attrs = ice_vfio_pci_dev_attrs,
	.is_visible = ice_vfio_pci_dev_attr_visible,
};

static const struct attribute_group *ice_vfio_pci_dev_groups[] = {
	&ice_vfio_pci_dev_group,
	NULL,
};

static const struct pci_device_id ice_vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_ADAPTIVE_VF) },
	{}
};
MODULE_DEVICE_TABLE(pci, ice_vfio_pci_table);

static struct pci_driver ice_vfio_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = ice_vfio_pci_table,
	.probe = ice_vfio_pci_probe,
	.remove = ice_vfio_pci_remove,
	.err_handler = &ice_vfio_pci_err_handlers,
	.groups = ice_vfio_pci_drv_groups,
	.dev_groups = ice_vfio_pci_dev_groups,
	.driver_managed_dma = true,
};

module_pci_driver(ice_vfio_pci_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI variant driver with live migration for Intel E800-series VFs");
