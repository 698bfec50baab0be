/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PF-side migration provider interface of ice_vfio_pci
 * (ARCHITECTURE.md, Contract 2).
 *
 * A provider is the code that can see and change a VF's state from its PF:
 * ice_mig_sim (a software test device) or, later, the ice PF driver. It
 * registers once per PF; ice_vfio_pci finds it from a VF with
 * pci_physfn(). ice_vfio_pci never links against the provider: the provider
 * links against ice_vfio_pci's two exported functions, and ice_vfio_pci
 * holds a reference on the provider's module for as long as a VF device it
 * created uses it.
 *
 * Calling context: every op may sleep. ice_vfio_pci serializes all calls
 * for one VF under its migration state mutex; ops for different VFs of a
 * PF may run concurrently.
 */
#ifndef ICEMIG_PROVIDER_H
#define ICEMIG_PROVIDER_H

#include <linux/types.h>

struct pci_dev;
struct module;
struct icemig_compat;

/**
 * struct icemig_provider_ops - what a provider does for one VF
 * @open: attach to VF @vf (its PF is pci_physfn(@vf), its index
 *	pci_iov_vf_id(@vf)) when its VFIO device is opened. Returns an opaque
 *	handle or an ERR_PTR(). After open the VF is RUNNING.
 * @close: detach; the handle is invalid afterwards.
 * @suspend: the VF leaves RUNNING: stop it so that its state no longer
 *	changes (RUNNING -> RUNNING_P2P). Returns 0 or -errno.
 * @resume: the VF enters RUNNING again (RUNNING_P2P -> RUNNING).
 * @save_size: bytes a @save with @flags made now would produce.
 * @save: serialize the VF's state as an icemig stream with header flags
 *	@flags into @buf (@size bytes). Without ICEMIG_STREAM_F_PRECOPY the VF
 *	is suspended and the stream is the final state; with it the VF may
 *	be running and the stream is a preview of its configuration. Returns
 *	the stream length or -errno (-ENOSPC if @size is too small).
 * @config_gen: a number that changes whenever the VF's configuration (any
 *	state but the statistics) changes; PRE_COPY reports a changed value
 *	as dirty and sends a new preview.
 * @load: apply the final stream in @buf (@len bytes) to the suspended VF.
 *	ice_vfio_pci has already decoded it and checked it against the VF's
 *	descriptor (icemig_compat_check()); the provider still validates what
 *	it applies and refuses with -EINVAL, VF unchanged, what it cannot.
 * @reset: the VF was reset (FLR or VFIO_DEVICE_RESET); it is RUNNING
 *	again with its queues disabled.
 * @describe: fill the compatibility descriptor of VF @vf (open or not):
 *	@c arrives initialised by icemig_compat_init() with the VF's IDs and
 *	the provider's name; lower the capacities to what the PF offers and
 *	set the "used" fields. Returns 0 or -errno.
 */
struct icemig_provider_ops {
	void *(*open)(struct pci_dev *vf);
	void (*close)(void *h);
	int (*suspend)(void *h);
	int (*resume)(void *h);
	ssize_t (*save_size)(void *h, u32 flags);
	ssize_t (*save)(void *h, u32 flags, void *buf, size_t size);
	u64 (*config_gen)(void *h);
	int (*load)(void *h, const void *buf, size_t len);
	void (*reset)(void *h);
	int (*describe)(struct pci_dev *vf, struct icemig_compat *c);
};

/**
 * struct icemig_provider - a provider registered for one PF
 * @name: short name shown in sysfs, e.g. "ice_mig_sim"
 * @owner: THIS_MODULE of the provider
 * @ops: operations
 */
struct icemig_provider {
	const char *name;
	struct module *owner;
	const struct icemig_provider_ops *ops;
};

int ice_vfio_pci_register_provider(struct pci_dev *pf,
				   const struct icemig_provider *prov);
void ice_vfio_pci_unregister_provider(struct pci_dev *pf);

#endif /* ICEMIG_PROVIDER_H */
