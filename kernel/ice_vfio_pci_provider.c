// SPDX-License-Identifier: GPL-2.0
/*
 * ice_vfio_pci: the registry of PF-side migration providers
 * (include/icemig_provider.h), their revocation, and the events they report.
 *
 * One entry per PF. A VF device attaches to its PF's entry when it is
 * opened (it joins the entry's list of open VFs and pins the provider's
 * module) and detaches when it is closed. Unregistering a provider revokes
 * every VF still attached: after ice_vfio_pci_unregister_provider() returns,
 * no op of that provider runs or will run for that PF.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "ice_vfio_pci.h"
#include "include/icemig_compat.h"

/**
 * struct ice_vfio_provider_entry - the provider registered for one PF
 * @list: in the registry
 * @pf: the PF (a reference is held)
 * @prov: the provider
 * @open_vfs: ice_vfio_pci_device.prov_node of the VFs attached to @prov
 */
struct ice_vfio_provider_entry {
	struct list_head list;
	struct pci_dev *pf;
	const struct icemig_provider *prov;
	struct list_head open_vfs;
};

/*
 * The registry and the entries' open_vfs lists change under both locks;
 * either lock keeps them stable. providers_spin is what a provider's event
 * takes, so that it never waits for a provider's @describe (run under
 * providers_lock), which may need the locks the provider holds.
 */
static LIST_HEAD(providers);
static DEFINE_MUTEX(providers_lock);	/* see ice_vfio_pci.h */
static DEFINE_SPINLOCK(providers_spin);	/* see above */

static struct ice_vfio_provider_entry *ice_vfio_find_entry(struct pci_dev *pf)
{
	struct ice_vfio_provider_entry *e;

	list_for_each_entry(e, &providers, list)
		if (e->pf == pf)
			return e;
	return NULL;
}

static bool ice_vfio_ops_complete(const struct icemig_provider *prov)
{
	const struct icemig_provider_ops *o = prov->ops;

	return o && o->open && o->close && o->suspend && o->resume && o->save_size &&
	       o->save && o->config_gen && o->load_validate && o->load_apply &&
	       o->reset && o->describe;
}

/**
 * ice_vfio_pci_register_provider() - attach a migration provider to a PF
 * @pf: the SR-IOV PF whose VFs @prov can migrate
 * @prov: the provider (struct icemig_provider), valid until unregistered
 *
 * VFs of @pf bound to ice_vfio_pci after this call advertise migration;
 * VFs bound before keep the capability they were bound with, but any VF of
 * @pf that advertises migration uses @prov from its next open.
 *
 * Context: process context; takes a mutex.
 * Return: 0; -EINVAL if @pf is not an SR-IOV PF, @prov was built for
 * another interface version (ICEMIG_PROVIDER_API_VERSION) or lacks an op;
 * -EEXIST if @pf already has a provider; -ENOMEM.
 */
int ice_vfio_pci_register_provider(struct pci_dev *pf,
				   const struct icemig_provider *prov)
{
	struct ice_vfio_provider_entry *e;
	int ret = 0;

	if (!pf || !pf->is_physfn || !prov || !prov->name ||
	    prov->api_version != ICEMIG_PROVIDER_API_VERSION || !ice_vfio_ops_complete(prov))
		return -EINVAL;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pf = pci_dev_get(pf);
	e->prov = prov;
	INIT_LIST_HEAD(&e->open_vfs);

	mutex_lock(&providers_lock);
	spin_lock(&providers_spin);
	if (ice_vfio_find_entry(pf))
		ret = -EEXIST;
	else
		list_add_tail(&e->list, &providers);
	spin_unlock(&providers_spin);
	mutex_unlock(&providers_lock);

	if (ret) {
		pci_dev_put(e->pf);
		kfree(e);
		return ret;
	}
	pci_info(pf, "migration provider %s registered\n", prov->name);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(ice_vfio_pci_register_provider, ICEMIG);

/**
 * ice_vfio_pci_unregister_provider() - detach the provider of a PF, revoking
 * its VFs
 * @pf: PF given to ice_vfio_pci_register_provider()
 *
 * Every VF of @pf that is open and attached to the provider is revoked: its
 * migration data files are disabled (I/O fails with -ENODEV), the provider's
 * @close op releases its handle, its migration state becomes ERROR (the
 * migration, if any, fails; the VF itself keeps working as a plain VFIO
 * device), and the reference on the provider's module is dropped. When this
 * returns, no op of the provider runs or will run for @pf, so the provider
 * may free what its ops use.
 *
 * Context: process context. Waits for the VFs' migration state mutexes, so
 * the caller must not hold a lock that a provider op takes.
 */
void ice_vfio_pci_unregister_provider(struct pci_dev *pf)
{
	struct ice_vfio_provider_entry *e;
	struct ice_vfio_pci_device *ivdev;
	unsigned int revoked = 0;

	mutex_lock(&providers_lock);
	spin_lock(&providers_spin);
	e = ice_vfio_find_entry(pf);
	if (e)
		list_del(&e->list);
	spin_unlock(&providers_spin);
	mutex_unlock(&providers_lock);
	if (!e)
		return;

	/*
	 * Nobody can attach to @e any more. Take its VFs one at a time; each
	 * is open (its close waits in ice_vfio_provider_detach() or is yet to
	 * come), so its memory is alive, and a reference keeps it so while
	 * this runs without providers_lock.
	 */
	for (;;) {
		mutex_lock(&providers_lock);
		spin_lock(&providers_spin);
		ivdev = list_first_entry_or_null(&e->open_vfs, struct ice_vfio_pci_device,
						 prov_node);
		if (ivdev) {
			list_del_init(&ivdev->prov_node);
			get_device(&ivdev->core_device.vdev.device);
		}
		spin_unlock(&providers_spin);
		mutex_unlock(&providers_lock);
		if (!ivdev)
			break;
		ice_vfio_state_lock(ivdev);
		if (ivdev->prov_entry == e) {
			ice_vfio_revoke_locked(ivdev);
			revoked++;
		}
		ice_vfio_state_unlock(ivdev);
		put_device(&ivdev->core_device.vdev.device);
	}
	pci_info(pf, "migration provider %s unregistered%s\n", e->prov->name,
		 revoked ? ", its open VFs revoked" : "");
	pci_dev_put(e->pf);
	kfree(e);
}
EXPORT_SYMBOL_NS_GPL(ice_vfio_pci_unregister_provider, ICEMIG);

/**
 * ice_vfio_pci_report_vf_event() - a provider reports what happened to a VF
 * @pf: the VF's PF, as registered
 * @vf_id: the VF's index on @pf (pci_iov_vf_id())
 * @ev: enum icemig_vf_event
 *
 * %ICEMIG_VF_EVENT_RESET: a migration in progress on the VF fails: its data
 * files are disabled at once (no stale stream is read or written after
 * this returns) and, unless the VF was RUNNING with no data file, its
 * migration state becomes ERROR before anything else observes it.
 * %ICEMIG_VF_EVENT_CONFIG: the VF's configuration changed; poll() waiters on
 * a PRE_COPY save file wake up. Events for VFs that are not open under
 * ice_vfio_pci are ignored.
 *
 * Context: process context; takes only spinlocks and never sleeps, so a
 * provider may call it with its own locks held, even from inside its ops.
 */
void ice_vfio_pci_report_vf_event(struct pci_dev *pf, unsigned int vf_id,
				  enum icemig_vf_event ev)
{
	struct ice_vfio_provider_entry *e;
	struct ice_vfio_pci_device *ivdev;

	spin_lock(&providers_spin);
	e = ice_vfio_find_entry(pf);
	if (!e)
		goto out;
	list_for_each_entry(ivdev, &e->open_vfs, prov_node) {
		if (ivdev->vf_id != vf_id)
			continue;
		if (ev == ICEMIG_VF_EVENT_RESET)
			ice_vfio_mark_pending(ivdev, ICE_VFIO_PENDING_VF_RESET);
		else if (ev == ICEMIG_VF_EVENT_CONFIG)
			ice_vfio_mark_pending(ivdev, 0);
		break;
	}
out:
	spin_unlock(&providers_spin);
}
EXPORT_SYMBOL_NS_GPL(ice_vfio_pci_report_vf_event, ICEMIG);

/* Does @pf have a provider now? (decides migration at bind time) */
bool ice_vfio_provider_present(struct pci_dev *pf)
{
	bool found;

	spin_lock(&providers_spin);
	found = ice_vfio_find_entry(pf);
	spin_unlock(&providers_spin);
	return found;
}

/*
 * At open: attach @ivdev to its PF's provider, pinning the provider's
 * module. Caller holds state_mutex. Returns 0 or -ENODEV (no provider now).
 */
int ice_vfio_provider_attach(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_provider_entry *e;
	int ret = -ENODEV;

	lockdep_assert_held(&ivdev->state_mutex);
	mutex_lock(&providers_lock);
	e = ice_vfio_find_entry(pci_physfn(ivdev_pdev(ivdev)));
	if (e && try_module_get(e->prov->owner)) {
		spin_lock(&providers_spin);
		list_add_tail(&ivdev->prov_node, &e->open_vfs);
		spin_unlock(&providers_spin);
		ivdev->prov = e->prov;
		ivdev->prov_entry = e;
		ret = 0;
	}
	mutex_unlock(&providers_lock);
	return ret;
}

/*
 * At close or revoke: leave the provider's list and unpin its module.
 * Caller holds state_mutex and has closed the provider handle.
 */
void ice_vfio_provider_detach(struct ice_vfio_pci_device *ivdev)
{
	const struct icemig_provider *prov = ivdev->prov;

	lockdep_assert_held(&ivdev->state_mutex);
	if (!prov)
		return;
	mutex_lock(&providers_lock);
	spin_lock(&providers_spin);
	list_del_init(&ivdev->prov_node);
	spin_unlock(&providers_spin);
	mutex_unlock(&providers_lock);
	ivdev->prov = NULL;
	ivdev->prov_entry = NULL;
	ivdev->prov_vf = NULL;
	module_put(prov->owner);
}

/*
 * Fill the compatibility descriptor of VF @vf through its PF's provider
 * (open or not). providers_lock is held across the provider's @describe, so
 * an unregistering provider waits for it. *@name is the provider's name
 * (static in the provider), valid only while the provider is registered.
 */
int ice_vfio_provider_describe(struct pci_dev *vf, struct icemig_compat *c,
			       const char **name)
{
	struct ice_vfio_provider_entry *e;
	int ret = -ENODEV;

	mutex_lock(&providers_lock);
	e = ice_vfio_find_entry(pci_physfn(vf));
	if (e) {
		icemig_compat_init(c, e->prov->name, vf->vendor, vf->device);
		ret = e->prov->ops->describe(vf, c);
		if (name)
			*name = e->prov->name;
	}
	mutex_unlock(&providers_lock);
	return ret;
}

/*
 * /sys/bus/pci/drivers/ice_vfio_pci/providers: "<PF BDF> <name>\n" lines
 * (docs/ABI/testing/sysfs-bus-pci-drivers-ice_vfio_pci)
 */
static ssize_t providers_show(struct device_driver *drv, char *buf)
{
	struct ice_vfio_provider_entry *e;
	int len = 0;

	mutex_lock(&providers_lock);
	list_for_each_entry(e, &providers, list)
		len += sysfs_emit_at(buf, len, "%s %s\n", pci_name(e->pf), e->prov->name);
	mutex_unlock(&providers_lock);
	return len;
}
static DRIVER_ATTR_RO(providers);

static struct attribute *ice_vfio_pci_drv_attrs[] = {
	&driver_attr_providers.attr,
	NULL,
};

static const struct attribute_group ice_vfio_pci_drv_group = {
	.attrs = ice_vfio_pci_drv_attrs,
};

const struct attribute_group *ice_vfio_pci_drv_groups[] = {
	&ice_vfio_pci_drv_group,
	NULL,
};
