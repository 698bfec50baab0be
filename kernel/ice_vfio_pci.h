/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ice_vfio_pci internals, shared by its files:
 *   ice_vfio_pci_main.c      PCI driver, vfio_device ops, reset, sysfs
 *   ice_vfio_pci_provider.c  provider registry, revoke, provider events
 *   ice_vfio_pci_migf.c      migration data files (save and resume)
 *   ice_vfio_pci_fsm.c       migration state machine
 *
 * Locks, in the order they nest:
 *   state_mutex (per VF)      the migration state, the provider handle and
 *                             the data-file pointers; held across provider
 *                             ops, never across a user copy
 *   providers_lock (global)   the registry and each provider's list of
 *                             open VFs; held across the provider's
 *                             @describe
 *   migf->lock (per file)     a data file's buffer; held across user
 *                             copies, so nothing that can run under the
 *                             device's memory_lock (a reset) waits for it
 *   pending_lock (per VF)     spinlock: work recorded for the next holder
 *                             of state_mutex, and the data-file pointers
 *                             (also changed under state_mutex)
 * A reset (reset_done) and a provider's VF event run under locks of their
 * own (vdev->memory_lock, the PCI device lock, the provider's locks), so
 * they never sleep on state_mutex or on a data file's lock: they record
 * what happened under pending_lock, disable the data files with a flag,
 * and leave the rest to whoever holds state_mutex next.
 */
#ifndef ICE_VFIO_PCI_H
#define ICE_VFIO_PCI_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/wait.h>

#include "include/icemig_provider.h"

struct ice_vfio_pci_device;
struct ice_vfio_provider_entry;

/**
 * struct ice_vfio_migf - one migration data file
 * @filp: the anon-inode file handed to user space
 * @ivdev: the device; its memory stays valid while the file exists
 * @lock: protects the buffer and the positions below; user copies run
 *	under it alone
 * @disabled: the driver is done with the file (arc left, reset, close,
 *	revoke); I/O then fails with -ENODEV. Set with WRITE_ONCE() without
 *	@lock (see the locking notes above), read under it.
 * @error: resume only: a stream was rejected; further writes fail
 * @final: save only: the final (STOP_COPY) stream is in the buffer; after
 *	it, read() returns 0 (end of stream) rather than -ENOMSG
 * @wq: save only: poll() waiters
 * @buf: bytes not yet read (save) or not yet consumed (resume)
 * @size: bytes allocated at @buf
 * @head: offset in @buf of the first such byte
 * @len: number of such bytes
 * @consumed: save only: bytes read so far
 * @initial_len: save only: length of the first PRE_COPY preview (0 if the
 *	file was created in STOP_COPY)
 * @gen: save only: provider configuration generation of the last preview
 */
struct ice_vfio_migf {
	struct file *filp;
	struct ice_vfio_pci_device *ivdev;
	struct mutex lock;		/* see above */
	bool disabled;
	bool error;
	bool final;
	wait_queue_head_t wq;
	u8 *buf;
	size_t size;
	size_t head;
	size_t len;
	u64 consumed;
	u64 initial_len;
	u64 gen;
};

/* Work recorded in ice_vfio_pci_device.pending for the next lock holder. */
#define ICE_VFIO_PENDING_RESET		BIT(0)	/* the function was reset */
#define ICE_VFIO_PENDING_VF_RESET	BIT(1)	/* the PF reset the VF itself */

/**
 * struct ice_vfio_pci_device - a VF bound to ice_vfio_pci
 * @core_device: vfio_pci_core's device
 * @migratable: the VF's PF had a provider when the VF was bound: the device
 *	advertises migration for its lifetime (the vfio core treats the
 *	migration ops as fixed)
 * @vf_id: the VF's index on its PF
 * @state_mutex: see the locking notes above
 * @mig_state: the migration state (uAPI v2)
 * @prov: the provider while the device is open and attached to it, else
 *	NULL (never opened, closed, or revoked); under @state_mutex
 * @prov_vf: the provider's handle of the VF while @prov is set
 * @prov_entry: the registry entry @prov was found in, while @prov is set
 * @prov_node: in the provider entry's list of open VFs, under
 *	providers_lock; empty when not attached
 * @saving_migf: the save file of the current arc, or NULL
 * @resuming_migf: the resume file of the current arc, or NULL
 * @pending_lock: protects @pending and, with @state_mutex, the two
 *	data-file pointers
 * @pending: ICE_VFIO_PENDING_* work for the next holder of @state_mutex
 */
struct ice_vfio_pci_device {
	struct vfio_pci_core_device core_device;
	bool migratable;
	unsigned int vf_id;

	struct mutex state_mutex;	/* see the locking notes above */
	enum vfio_device_mig_state mig_state;
	const struct icemig_provider *prov;
	void *prov_vf;
	struct ice_vfio_provider_entry *prov_entry;
	struct list_head prov_node;
	struct ice_vfio_migf *saving_migf;
	struct ice_vfio_migf *resuming_migf;

	spinlock_t pending_lock;	/* see above */
	unsigned long pending;
};

static inline struct ice_vfio_pci_device *to_ivdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct ice_vfio_pci_device, core_device.vdev);
}

static inline struct pci_dev *ivdev_pdev(struct ice_vfio_pci_device *ivdev)
{
	return ivdev->core_device.pdev;
}

/* ice_vfio_pci_provider.c */
bool ice_vfio_provider_present(struct pci_dev *pf);
int ice_vfio_provider_attach(struct ice_vfio_pci_device *ivdev);
void ice_vfio_provider_detach(struct ice_vfio_pci_device *ivdev);
int ice_vfio_provider_describe(struct pci_dev *vf, struct icemig_compat *c,
			       const char **name);
extern const struct attribute_group *ice_vfio_pci_drv_groups[];

/* ice_vfio_pci_fsm.c */
void ice_vfio_state_lock(struct ice_vfio_pci_device *ivdev);
void ice_vfio_state_unlock(struct ice_vfio_pci_device *ivdev);
void ice_vfio_disable_fds(struct ice_vfio_pci_device *ivdev);
void ice_vfio_revoke_locked(struct ice_vfio_pci_device *ivdev);
void ice_vfio_mark_pending(struct ice_vfio_pci_device *ivdev, unsigned long work);
bool ice_vfio_is_precopy(enum vfio_device_mig_state s);
extern const struct vfio_migration_ops ice_vfio_pci_mig_ops;

/* ice_vfio_pci_migf.c */
struct ice_vfio_migf *ice_vfio_save_file(struct ice_vfio_pci_device *ivdev,
					 u32 flags);
int ice_vfio_save_final(struct ice_vfio_pci_device *ivdev);
struct ice_vfio_migf *ice_vfio_resume_file(struct ice_vfio_pci_device *ivdev);
int ice_vfio_resume_load(struct ice_vfio_pci_device *ivdev);
void ice_vfio_migf_disable(struct ice_vfio_migf *migf);
void ice_vfio_migf_wake(struct ice_vfio_migf *migf);
u64 ice_vfio_migf_unread(struct ice_vfio_migf *migf);
int ice_vfio_check_stream(struct ice_vfio_pci_device *ivdev, const u8 *buf,
			  u32 len, const char *what,
			  struct icemig_vf_state *out);

#endif /* ICE_VFIO_PCI_H */
