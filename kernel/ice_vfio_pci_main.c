// SPDX-License-Identifier: GPL-2.0
/*
 * ice_vfio_pci: VFIO PCI variant driver for Intel E800-series (E810) SR-IOV
 * Virtual Functions with live migration (VFIO migration uAPI v2,
 * include/uapi/linux/vfio.h, "VFIO_DEVICE_FEATURE_MIGRATION").
 *
 * The VF's state lives in its PF. A PF-side provider (icemig_provider.h)
 * suspends, serializes and loads it; this driver runs the migration state
 * machine and moves the provider's stream through the data files. A VF
 * whose PF has no provider is driven exactly like vfio-pci and advertises
 * no migration capability, so QEMU reports a migration blocker.
 *
 * Locking: @state_mutex serializes the state machine, the provider handle
 * and the data-file pointers. Each data file has its own @lock, taken under
 * @state_mutex when the driver disables the file and alone by read()/write(),
 * so user copies never run under @state_mutex. A reset reported by the PCI
 * core (reset_done) may arrive while @state_mutex is held further up the
 * same call chain; it is then deferred to the holder's unlock, as in the
 * mlx5 and hisi_acc drivers.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "include/icemig_compat.h"
#include "include/icemig_provider.h"
#include "include/icemig_stream.h"

#define PCI_DEVICE_ID_INTEL_E810_VF	0x1889

/**
 * struct ice_vfio_migf - one migration data file
 * @filp: the anon-inode file handed to user space
 * @ivdev: the device; its memory stays valid while the file exists
 * @lock: protects everything below. Taken after @ivdev->state_mutex when
 *	both are needed; user copies run under @lock alone.
 * @disabled: set when the driver is done with the file (arc left, reset,
 *	close); I/O then fails with -ENODEV
 * @error: resume only: a stream was rejected; further writes fail
 * @final: save only: the STOP_COPY stream is in the buffer; after it,
 *	read() returns 0 (end of stream) rather than -ENOMSG
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
	u8 *buf;
	size_t size;
	size_t head;
	size_t len;
	u64 consumed;
	u64 initial_len;
	u64 gen;
};

struct ice_vfio_pci_device {
	struct vfio_pci_core_device core_device;
	/* Set at init, constant afterwards; NULL: no migration. */
	const struct icemig_provider *prov;
	unsigned int vf_id;

	struct mutex state_mutex;	/* see the file comment */
	enum vfio_device_mig_state mig_state;
	void *prov_vf;			/* provider handle while open */
	struct ice_vfio_migf *saving_migf;
	struct ice_vfio_migf *resuming_migf;

	spinlock_t reset_lock;		/* protects @deferred_reset */
	bool deferred_reset;
};

/* ---- provider registry ---- */

struct ice_vfio_provider_entry {
	struct list_head list;
	struct pci_dev *pf;
	const struct icemig_provider *prov;
};

static LIST_HEAD(providers);
static DEFINE_MUTEX(providers_lock);

/**
 * ice_vfio_pci_register_provider() - attach a migration provider to a PF
 * @pf: the SR-IOV PF whose VFs @prov can migrate
 * @prov: provider, must stay valid until unregistered
 *
 * VFs of @pf probed by ice_vfio_pci after this call advertise migration;
 * VFs already bound keep the capability they were created with.
 *
 * Return: 0; -EINVAL if @pf is not an SR-IOV PF or @prov lacks an op;
 * -EEXIST if @pf already has a provider; -ENOMEM.
 */
int ice_vfio_pci_register_provider(struct pci_dev *pf,
				   const struct icemig_provider *prov)
{
	const struct icemig_provider_ops *ops = prov ? prov->ops : NULL;
	struct ice_vfio_provider_entry *e;
	int ret = 0;

	if (!pf || !pf->is_physfn || !ops || !ops->open || !ops->close ||
	    !ops->suspend || !ops->resume || !ops->save_size || !ops->save ||
	    !ops->load || !ops->reset || !ops->describe || !ops->config_gen)
		return -EINVAL;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pf = pci_dev_get(pf);
	e->prov = prov;

	mutex_lock(&providers_lock);
	{
		struct ice_vfio_provider_entry *it;

		list_for_each_entry(it, &providers, list) {
			if (it->pf == pf) {
				ret = -EEXIST;
				break;
			}
		}
	}
	if (!ret)
		list_add_tail(&e->list, &providers);
	mutex_unlock(&providers_lock);

	if (ret) {
		pci_dev_put(e->pf);
		kfree(e);
		return ret;
	}
	pci_info(pf, "migration provider %s registered\n", prov->name);
	return 0;
}
EXPORT_SYMBOL_GPL(ice_vfio_pci_register_provider);

/**
 * ice_vfio_pci_unregister_provider() - detach the provider of a PF
 * @pf: PF given to ice_vfio_pci_register_provider()
 *
 * VF devices created while the provider was registered hold a reference on
 * its module, so the provider's code stays loaded until they are gone.
 */
void ice_vfio_pci_unregister_provider(struct pci_dev *pf)
{
	struct ice_vfio_provider_entry *e, *tmp;

	mutex_lock(&providers_lock);
	list_for_each_entry_safe(e, tmp, &providers, list) {
		if (e->pf != pf)
			continue;
		list_del(&e->list);
		pci_info(pf, "migration provider %s unregistered\n", e->prov->name);
		pci_dev_put(e->pf);
		kfree(e);
	}
	mutex_unlock(&providers_lock);
}
EXPORT_SYMBOL_GPL(ice_vfio_pci_unregister_provider);

/* Find and pin the provider of @pf; NULL if there is none. */
static const struct icemig_provider *ice_vfio_get_provider(struct pci_dev *pf)
{
	const struct icemig_provider *prov = NULL;
	struct ice_vfio_provider_entry *e;

	mutex_lock(&providers_lock);
	list_for_each_entry(e, &providers, list) {
		if (e->pf == pf && try_module_get(e->prov->owner)) {
			prov = e->prov;
			break;
		}
	}
	mutex_unlock(&providers_lock);
	return prov;
}

/* /sys/bus/pci/drivers/ice_vfio_pci/providers: "<PF BDF> <name>\n" lines */
static ssize_t providers_show(struct device_driver *drv, char *buf)
{
	struct ice_vfio_provider_entry *e;
	int len = 0;

	mutex_lock(&providers_lock);
	list_for_each_entry(e, &providers, list)
		len += sysfs_emit_at(buf, len, "%s %s\n", pci_name(e->pf),
				     e->prov->name);
	mutex_unlock(&providers_lock);
	return len;
}
static DRIVER_ATTR_RO(providers);

static struct attribute *ice_vfio_pci_drv_attrs[] = {
	&driver_attr_providers.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ice_vfio_pci_drv);

/* ---- data files ---- */

static struct ice_vfio_pci_device *to_ivdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct ice_vfio_pci_device, core_device.vdev);
}

static bool ice_vfio_is_precopy(enum vfio_device_mig_state s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

static void ice_vfio_state_mutex_unlock(struct ice_vfio_pci_device *ivdev);

/*
 * Decode a whole stream and check that this VF can take the state it
 * carries (Contract 3: the same compare as the destination hook). Logs the
 * rule or the field that fails. Nothing is applied.
 */
static int ice_vfio_check_stream(struct ice_vfio_pci_device *ivdev, const u8 *buf,
				 u32 len, const char *what)
{
	struct pci_dev *pdev = ivdev->core_device.pdev;
	struct icemig_stream_err serr = {};
	struct icemig_compat_err cerr = {};
	struct icemig_compat dst;
	struct icemig_vf_state *st;
	int ret;

	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = icemig_stream_decode(buf, len, st, &serr);
	if (ret) {
		pci_err(pdev, "%s rejected: %s at byte %u\n", what, serr.what, serr.offset);
		goto out;
	}
	icemig_compat_init(&dst, ivdev->prov->name, pdev->vendor, pdev->device);
	ret = ivdev->prov->ops->describe(pdev, &dst);
	if (ret)
		goto out;
	ret = icemig_compat_check_state(&dst, st, &cerr);
	if (ret)
		pci_err(pdev, "%s incompatible: %s: source needs %llu, this VF offers %llu\n",
			what, cerr.field, cerr.src, cerr.dst);
out:
	kvfree(st);
	return ret;
}

static int ice_vfio_migf_release(struct inode *inode, struct file *filp)
{
	struct ice_vfio_migf *migf = filp->private_data;

	put_device(&migf->ivdev->core_device.vdev.device);
	mutex_destroy(&migf->lock);
	kvfree(migf->buf);
	kfree(migf);
	return 0;
}

/*
 * Append a stream made now to a save file. Caller holds state_mutex and
 * migf->lock. A file holds at most one unread preview plus the final
 * stream, so 2 * ICEMIG_STREAM_MAX_LEN bytes always suffice.
 */
static int ice_vfio_migf_append(struct ice_vfio_pci_device *ivdev,
				struct ice_vfio_migf *migf, u32 flags)
{
	const struct icemig_provider_ops *ops = ivdev->prov->ops;
	ssize_t size, n;
	u64 gen;

	size = ops->save_size(ivdev->prov_vf, flags);
	if (size < 0)
		return size;
	if (!size || size > ICEMIG_STREAM_MAX_LEN)
		return -EIO;
	if (migf->head) {
		memmove(migf->buf, migf->buf + migf->head, migf->len);
		migf->head = 0;
	}
	if (size > migf->size - migf->len)
		return -ENOSPC;
	/* Sampled first: a change during the save shows as dirty later. */
	gen = ops->config_gen(ivdev->prov_vf);
	n = ops->save(ivdev->prov_vf, flags, migf->buf + migf->len, size);
	if (n < 0)
		return n;
	if (n > size)
		return -EIO;
	migf->len += n;
	if (flags & ICEMIG_STREAM_F_PRECOPY) {
		migf->gen = gen;
		if (!migf->consumed && !migf->initial_len)
			migf->initial_len = n;
	} else {
		migf->final = true;
	}
	return 0;
}

/* PRE_COPY: bytes of a new preview if the configuration changed, else 0. */
static ssize_t ice_vfio_precopy_pending(struct ice_vfio_pci_device *ivdev,
					struct ice_vfio_migf *migf)
{
	const struct icemig_provider_ops *ops = ivdev->prov->ops;

	if (!ice_vfio_is_precopy(ivdev->mig_state) || migf->final ||
	    ops->config_gen(ivdev->prov_vf) == migf->gen)
		return 0;
	return ops->save_size(ivdev->prov_vf, ICEMIG_STREAM_F_PRECOPY);
}

static ssize_t ice_vfio_save_read(struct file *filp, char __user *buf,
				  size_t len, loff_t *pos)
{
	struct ice_vfio_migf *migf = filp->private_data;
	struct ice_vfio_pci_device *ivdev = migf->ivdev;
	ssize_t ret = 0;

	if (pos)
		return -ESPIPE;

	/* At a temporary end of a PRE_COPY stream, produce a new preview. */
	mutex_lock(&ivdev->state_mutex);
	mutex_lock(&migf->lock);
	if (!migf->disabled && !migf->len && ice_vfio_precopy_pending(ivdev, migf) > 0)
		ret = ice_vfio_migf_append(ivdev, migf, ICEMIG_STREAM_F_PRECOPY);
	mutex_unlock(&migf->lock);
	ice_vfio_state_mutex_unlock(ivdev);
	if (ret)
		return ret;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out;
	}
	if (!migf->len) {
		/* uAPI: ENOMSG at a temporary end (PRE_COPY), 0 at the end. */
		ret = migf->final ? 0 : -ENOMSG;
		goto out;
	}
	len = min(len, migf->len);
	if (copy_to_user(buf, migf->buf + migf->head, len)) {
		ret = -EFAULT;
		goto out;
	}
	migf->head += len;
	migf->len -= len;
	migf->consumed += len;
	ret = len;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

/* VFIO_MIG_GET_PRECOPY_INFO (include/uapi/linux/vfio.h) */
static long ice_vfio_save_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	const unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct ice_vfio_migf *migf = filp->private_data;
	struct ice_vfio_pci_device *ivdev = migf->ivdev;
	struct vfio_precopy_info info;
	ssize_t pending = 0;
	long ret = 0;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	mutex_lock(&ivdev->state_mutex);
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
	} else if (!ice_vfio_is_precopy(ivdev->mig_state)) {
		ret = -EINVAL;
	} else {
		u64 initial = migf->consumed < migf->initial_len ?
			      migf->initial_len - migf->consumed : 0;

		initial = min_t(u64, initial, migf->len);
		pending = ice_vfio_precopy_pending(ivdev, migf);
		if (pending < 0) {
			ret = pending;
		} else {
			info.flags = 0;
			info.initial_bytes = initial;
			info.dirty_bytes = migf->len - initial + pending;
		}
	}
	mutex_unlock(&migf->lock);
	ice_vfio_state_mutex_unlock(ivdev);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * Check the PRE_COPY previews at the front of a resume buffer as soon as
 * each is complete, so an incompatible source is refused before the
 * switchover; stop at the final stream. Caller holds state_mutex and
 * migf->lock.
 */
static int ice_vfio_resume_previews(struct ice_vfio_pci_device *ivdev,
				    struct ice_vfio_migf *migf)
{
	struct pci_dev *pdev = ivdev->core_device.pdev;
	struct icemig_stream_err err = {};
	u32 total, flags;
	int ret;

	while (migf->len) {
		ret = icemig_stream_frame(migf->buf + migf->head, migf->len, &total, &flags,
					  &err);
		if (ret == -EAGAIN)
			return 0;
		if (ret) {
			pci_err(pdev, "device state rejected: %s at byte %zu\n", err.what,
				migf->head + err.offset);
			return ret;
		}
		if (!(flags & ICEMIG_STREAM_F_PRECOPY) || total > migf->len)
			return 0;
		ret = ice_vfio_check_stream(ivdev, migf->buf + migf->head, total,
					    "device state preview");
		if (ret)
			return ret;
		migf->head += total;
		migf->len -= total;
	}
	return 0;
}

/*
 * Check the final stream as soon as it is complete, as the previews: QEMU
 * fails the incoming migration on a write error, and the source then
 * resumes. A bad stream seen only at RESUMING -> STOP, which QEMU runs when
 * it starts the guest, cannot fail the migration any more: QEMU resets the
 * device and the guest runs on without its VF state. Nothing is applied
 * here; RESUMING -> STOP checks the stream again and loads it. Caller holds
 * state_mutex and migf->lock, and ice_vfio_resume_previews() has consumed
 * the previews.
 */
static int ice_vfio_resume_final(struct ice_vfio_pci_device *ivdev,
				 struct ice_vfio_migf *migf)
{
	struct pci_dev *pdev = ivdev->core_device.pdev;
	struct icemig_stream_err err = {};
	u32 total, flags;
	int ret;

	if (!migf->len)
		return 0;
	ret = icemig_stream_frame(migf->buf + migf->head, migf->len, &total, &flags, &err);
	if (ret == -EAGAIN)
		return 0;
	if (ret)
		return ret;
	if ((flags & ICEMIG_STREAM_F_PRECOPY) || total > migf->len)
		return 0;
	if (total < migf->len) {
		pci_err(pdev, "device state rejected: %zu trailing bytes after the final stream\n",
			migf->len - total);
		return -EINVAL;
	}
	return ice_vfio_check_stream(ivdev, migf->buf + migf->head, total, "device state");
}

static ssize_t ice_vfio_resume_write(struct file *filp, const char __user *buf,
				     size_t len, loff_t *pos)
{
	struct ice_vfio_migf *migf = filp->private_data;
	struct ice_vfio_pci_device *ivdev = migf->ivdev;
	ssize_t ret;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out;
	}
	if (migf->error) {
		ret = -EINVAL;
		goto out;
	}
	if (migf->head) {
		memmove(migf->buf, migf->buf + migf->head, migf->len);
		migf->head = 0;
	}
	/* A stream is at most ICEMIG_STREAM_MAX_LEN bytes (Contract 1). */
	if (len > migf->size - migf->len) {
		ret = -EFBIG;
		goto out;
	}
	if (copy_from_user(migf->buf + migf->len, buf, len)) {
		ret = -EFAULT;
		goto out;
	}
	migf->len += len;
	mutex_unlock(&migf->lock);

	mutex_lock(&ivdev->state_mutex);
	mutex_lock(&migf->lock);
	ret = migf->disabled ? -ENODEV : ice_vfio_resume_previews(ivdev, migf);
	if (!ret)
		ret = ice_vfio_resume_final(ivdev, migf);
	if (ret && ret != -ENODEV)
		migf->error = true;
	mutex_unlock(&migf->lock);
	ice_vfio_state_mutex_unlock(ivdev);
	return ret ? ret : len;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

static const struct file_operations ice_vfio_save_fops = {
	.owner = THIS_MODULE,
	.read = ice_vfio_save_read,
	.unlocked_ioctl = ice_vfio_save_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = ice_vfio_migf_release,
};

static const struct file_operations ice_vfio_resume_fops = {
	.owner = THIS_MODULE,
	.write = ice_vfio_resume_write,
	.release = ice_vfio_migf_release,
};

static struct ice_vfio_migf *ice_vfio_migf_create(struct ice_vfio_pci_device *ivdev,
						  const struct file_operations *fops,
						  int flags, size_t size)
{
	struct ice_vfio_migf *migf;
	struct file *filp;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!migf->buf) {
		kfree(migf);
		return ERR_PTR(-ENOMEM);
	}
	migf->size = size;
	migf->ivdev = ivdev;
	mutex_init(&migf->lock);

	filp = anon_inode_getfile("ice_vfio_mig", fops, migf, flags);
	if (IS_ERR(filp)) {
		mutex_destroy(&migf->lock);
		kvfree(migf->buf);
		kfree(migf);
		return ERR_CAST(filp);
	}
	/* Keeps @ivdev's memory (and its state_mutex) until release. */
	get_device(&ivdev->core_device.vdev.device);
	/* No positional I/O on a migration stream. */
	stream_open(filp->f_inode, filp);
	migf->filp = filp;
	/* One reference for user space (the fd), one kept by the driver. */
	get_file(filp);
	return migf;
}

static void ice_vfio_migf_disable(struct ice_vfio_migf *migf)
{
	mutex_lock(&migf->lock);
	migf->disabled = true;
	migf->head = 0;
	migf->len = 0;
	mutex_unlock(&migf->lock);
	fput(migf->filp);
}

static void ice_vfio_disable_fds(struct ice_vfio_pci_device *ivdev)
{
	lockdep_assert_held(&ivdev->state_mutex);

	if (ivdev->saving_migf) {
		ice_vfio_migf_disable(ivdev->saving_migf);
		ivdev->saving_migf = NULL;
	}
	if (ivdev->resuming_migf) {
		ice_vfio_migf_disable(ivdev->resuming_migf);
		ivdev->resuming_migf = NULL;
	}
}

/* ---- state machine ---- */

static void ice_vfio_reset_locked(struct ice_vfio_pci_device *ivdev)
{
	ice_vfio_disable_fds(ivdev);
	ivdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	if (ivdev->prov_vf)
		ivdev->prov->ops->reset(ivdev->prov_vf);
}

/* Release @state_mutex, first running a reset that arrived meanwhile. */
static void ice_vfio_state_mutex_unlock(struct ice_vfio_pci_device *ivdev)
{
again:
	spin_lock(&ivdev->reset_lock);
	if (ivdev->deferred_reset) {
		ivdev->deferred_reset = false;
		spin_unlock(&ivdev->reset_lock);
		ice_vfio_reset_locked(ivdev);
		goto again;
	}
	mutex_unlock(&ivdev->state_mutex);
	spin_unlock(&ivdev->reset_lock);
}

/* A new save file holding a first stream (a PRE_COPY preview or final). */
static struct file *ice_vfio_save_begin(struct ice_vfio_pci_device *ivdev, u32 flags)
{
	struct ice_vfio_migf *migf;
	int ret;

	migf = ice_vfio_migf_create(ivdev, &ice_vfio_save_fops, O_RDONLY,
				    2 * ICEMIG_STREAM_MAX_LEN);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	/* Not yet visible to user space, the lock only documents intent. */
	mutex_lock(&migf->lock);
	ret = ice_vfio_migf_append(ivdev, migf, flags);
	mutex_unlock(&migf->lock);
	if (ret) {
		fput(migf->filp);
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	ivdev->saving_migf = migf;
	return migf->filp;
}

/* PRE_COPY_P2P -> STOP_COPY: the final stream follows on the same file. */
static int ice_vfio_save_final(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *migf = ivdev->saving_migf;
	int ret;

	mutex_lock(&migf->lock);
	ret = migf->disabled ? -ENODEV : ice_vfio_migf_append(ivdev, migf, 0);
	mutex_unlock(&migf->lock);
	return ret;
}

static int ice_vfio_resume_end(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *migf = ivdev->resuming_migf;
	struct pci_dev *pdev = ivdev->core_device.pdev;
	struct icemig_stream_err err = {};
	u32 total = 0, flags = 0;
	int ret;

	mutex_lock(&migf->lock);
	ret = migf->error ? -EINVAL : ice_vfio_resume_previews(ivdev, migf);
	if (ret)
		goto out;
	ret = icemig_stream_frame(migf->buf + migf->head, migf->len, &total, &flags, &err);
	if (ret || (flags & ICEMIG_STREAM_F_PRECOPY) || total != migf->len) {
		pci_err(pdev, "device state rejected: %s (%zu bytes received after the previews)\n",
			ret == -EAGAIN || !migf->len ? "no final stream" :
			ret ? err.what : total > migf->len ? "truncated" : "trailing bytes",
			migf->len);
		ret = -EINVAL;
		goto out;
	}
	ret = ice_vfio_check_stream(ivdev, migf->buf + migf->head, total, "device state");
	if (!ret)
		ret = ivdev->prov->ops->load(ivdev->prov_vf, migf->buf + migf->head, total);
out:
	mutex_unlock(&migf->lock);
	return ret;
}

/* Execute one arc of the FSM. Returns a data file, NULL or an ERR_PTR(). */
static struct file *ice_vfio_step(struct ice_vfio_pci_device *ivdev,
				  enum vfio_device_mig_state new)
{
	const struct icemig_provider_ops *ops = ivdev->prov->ops;
	enum vfio_device_mig_state cur = ivdev->mig_state;
	struct ice_vfio_migf *migf;
	int ret;

	/* Leaving or entering RUNNING: stop or restart the VF. */
	if ((cur == VFIO_DEVICE_STATE_RUNNING && new == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY && new == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {
		ret = ops->suspend(ivdev->prov_vf);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if ((cur == VFIO_DEVICE_STATE_RUNNING_P2P && new == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && new == VFIO_DEVICE_STATE_PRE_COPY)) {
		ret = ops->resume(ivdev->prov_vf);
		return ret ? ERR_PTR(ret) : NULL;
	}
	/* The VF is already frozen in RUNNING_P2P; STOP adds nothing. */
	if ((cur == VFIO_DEVICE_STATE_RUNNING_P2P && new == VFIO_DEVICE_STATE_STOP) ||
	    (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RUNNING_P2P))
		return NULL;
	if ((cur == VFIO_DEVICE_STATE_RUNNING && new == VFIO_DEVICE_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P && new == VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return ice_vfio_save_begin(ivdev, ICEMIG_STREAM_F_PRECOPY);
	if ((cur == VFIO_DEVICE_STATE_PRE_COPY && new == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && new == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP_COPY && new == VFIO_DEVICE_STATE_STOP)) {
		ice_vfio_disable_fds(ivdev);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && new == VFIO_DEVICE_STATE_STOP_COPY) {
		ret = ice_vfio_save_final(ivdev);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_STOP_COPY)
		return ice_vfio_save_begin(ivdev, 0);
	if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RESUMING) {
		migf = ice_vfio_migf_create(ivdev, &ice_vfio_resume_fops, O_WRONLY,
					    ICEMIG_STREAM_MAX_LEN);
		if (IS_ERR(migf))
			return ERR_CAST(migf);
		ivdev->resuming_migf = migf;
		return migf->filp;
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING && new == VFIO_DEVICE_STATE_STOP) {
		ret = ice_vfio_resume_end(ivdev);
		ice_vfio_disable_fds(ivdev);
		return ret ? ERR_PTR(ret) : NULL;
	}

	/* vfio_mig_get_next_state() only yields the arcs above. */
	WARN_ON_ONCE(1);
	return ERR_PTR(-EINVAL);
}

static struct file *ice_vfio_set_device_state(struct vfio_device *vdev,
					      enum vfio_device_mig_state new_state)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&ivdev->state_mutex);
	while (new_state != ivdev->mig_state) {
		/* Only a reset leaves ERROR (uAPI, VFIO_DEVICE_STATE_ERROR). */
		if (ivdev->mig_state == VFIO_DEVICE_STATE_ERROR) {
			res = ERR_PTR(-EINVAL);
			break;
		}
		/*
		 * uAPI: STOP_COPY -> PRE_COPY and STOP_COPY -> PRE_COPY_P2P are
		 * blocked. Refuse them here, state unchanged: the core's arc
		 * table maps them to ERROR, which vfio_mig_get_next_state() in
		 * 6.12 does not stop walking on (a soft lockup).
		 */
		if (ivdev->mig_state == VFIO_DEVICE_STATE_STOP_COPY &&
		    ice_vfio_is_precopy(new_state)) {
			res = ERR_PTR(-EINVAL);
			break;
		}
		ret = vfio_mig_get_next_state(vdev, ivdev->mig_state, new_state, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = ice_vfio_step(ivdev, next);
		if (IS_ERR(res)) {
			pci_err(ivdev->core_device.pdev, "migration arc %u -> %u failed: %ld\n",
				ivdev->mig_state, next, PTR_ERR(res));
			ice_vfio_disable_fds(ivdev);
			ivdev->mig_state = VFIO_DEVICE_STATE_ERROR;
			break;
		}
		ivdev->mig_state = next;
		/* Only the final arc may hand out a data file. */
		if (WARN_ON(res && new_state != ivdev->mig_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	ice_vfio_state_mutex_unlock(ivdev);
	return res;
}

static int ice_vfio_get_device_state(struct vfio_device *vdev,
				     enum vfio_device_mig_state *curr_state)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(vdev);

	mutex_lock(&ivdev->state_mutex);
	*curr_state = ivdev->mig_state;
	ice_vfio_state_mutex_unlock(ivdev);
	return 0;
}

/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the final stream's real length. */
static int ice_vfio_get_data_size(struct vfio_device *vdev,
				  unsigned long *stop_copy_length)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(vdev);
	ssize_t size = -ENODEV;

	mutex_lock(&ivdev->state_mutex);
	if (ivdev->prov_vf)
		size = ivdev->prov->ops->save_size(ivdev->prov_vf, 0);
	ice_vfio_state_mutex_unlock(ivdev);
	if (size < 0)
		return size;
	*stop_copy_length = size;
	return 0;
}

static const struct vfio_migration_ops ice_vfio_pci_mig_ops = {
	.migration_set_state = ice_vfio_set_device_state,
	.migration_get_state = ice_vfio_get_device_state,
	.migration_get_data_size = ice_vfio_get_data_size,
};

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
	spin_lock_init(&ivdev->reset_lock);

	if (!pdev->is_virtfn)
		return 0;
	vf_id = pci_iov_vf_id(pdev);
	if (vf_id < 0)
		return 0;
	ivdev->prov = ice_vfio_get_provider(pci_physfn(pdev));
	if (!ivdev->prov) {
		pci_info(pdev, "PF %s has no migration provider, migration disabled\n",
			 pci_name(pci_physfn(pdev)));
		return 0;
	}
	ivdev->vf_id = vf_id;
	core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
				     VFIO_MIGRATION_PRE_COPY;
	core_vdev->mig_ops = &ice_vfio_pci_mig_ops;
	pci_info(pdev, "VF %d of PF %s, migration provider %s\n", vf_id,
		 pci_name(pci_physfn(pdev)), ivdev->prov->name);
	return 0;
}

static void ice_vfio_pci_release_dev(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);

	if (ivdev->prov)
		module_put(ivdev->prov->owner);
	mutex_destroy(&ivdev->state_mutex);
	vfio_pci_core_release_dev(core_vdev);
}

static int ice_vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);
	struct vfio_pci_core_device *vdev = &ivdev->core_device;
	void *h;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	if (ivdev->prov) {
		h = ivdev->prov->ops->open(vdev->pdev);
		if (IS_ERR(h)) {
			vfio_pci_core_disable(vdev);
			return PTR_ERR(h);
		}
		mutex_lock(&ivdev->state_mutex);
		ivdev->prov_vf = h;
		ivdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
		ice_vfio_state_mutex_unlock(ivdev);
	}

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static void ice_vfio_pci_close_device(struct vfio_device *core_vdev)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(core_vdev);

	if (ivdev->prov) {
		mutex_lock(&ivdev->state_mutex);
		ice_vfio_disable_fds(ivdev);
		ivdev->prov->ops->close(ivdev->prov_vf);
		ivdev->prov_vf = NULL;
		ice_vfio_state_mutex_unlock(ivdev);
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
 * FLR or VFIO_DEVICE_RESET: the device is RUNNING again and open data files
 * are disabled (uAPI, VFIO_DEVICE_RESET and migration). The PCI core may
 * call this while this driver holds state_mutex in the same call chain, so
 * only try the lock and otherwise leave the work to the holder.
 */
static void ice_vfio_pci_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct ice_vfio_pci_device *ivdev;

	if (!vdev)
		return;
	ivdev = container_of(vdev, struct ice_vfio_pci_device, core_device);
	if (!ivdev->prov)
		return;

	spin_lock(&ivdev->reset_lock);
	ivdev->deferred_reset = true;
	if (!mutex_trylock(&ivdev->state_mutex)) {
		spin_unlock(&ivdev->reset_lock);
		return;
	}
	spin_unlock(&ivdev->reset_lock);
	ice_vfio_state_mutex_unlock(ivdev);
}

static const struct pci_error_handlers ice_vfio_pci_err_handlers = {
	.reset_done = ice_vfio_pci_reset_done,
	.error_detected = vfio_pci_core_aer_err_detected,
};

/*
 * /sys/bus/pci/devices/<VF>/icemig_compat: the VF's compatibility
 * descriptor (Contract 3, format in icemig_compat.h). Present only on VFs
 * whose PF has a migration provider.
 */
static ssize_t icemig_compat_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);
	struct ice_vfio_pci_device *ivdev =
		container_of(vdev, struct ice_vfio_pci_device, core_device);
	struct pci_dev *pdev = vdev->pdev;
	struct icemig_compat c;
	int ret;

	icemig_compat_init(&c, ivdev->prov->name, pdev->vendor, pdev->device);
	ret = ivdev->prov->ops->describe(pdev, &c);
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
	struct ice_vfio_pci_device *ivdev;

	if (!vdev)
		return 0;
	ivdev = container_of(vdev, struct ice_vfio_pci_device, core_device);
	return ivdev->prov ? a->mode : 0;
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
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_E810_VF) },
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
