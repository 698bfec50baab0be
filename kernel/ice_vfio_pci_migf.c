// SPDX-License-Identifier: GPL-2.0
/*
 * ice_vfio_pci: the migration data files (VFIO migration uAPI v2,
 * include/uapi/linux/vfio.h: "the data_fd", VFIO_MIG_GET_PRECOPY_INFO).
 *
 * A save file carries, in PRE_COPY, previews of the VF's configuration
 * (streams with ICEMIG_STREAM_F_PRECOPY), then the final stream, then end
 * of stream. A resume file takes the same bytes; each preview and the final
 * stream are checked (decoded, compared with this VF's descriptor) as soon
 * as they are complete, so a bad or incompatible source fails write() and
 * QEMU fails the incoming migration while the source can still resume.
 *
 * Data files are stream files (stream_open()): pread, pwrite and lseek fail
 * with -ESPIPE. User copies run under the file's lock only; see
 * ice_vfio_pci.h for why nothing that runs under a reset waits for it.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "ice_vfio_pci.h"
#include "include/icemig_compat.h"
#include "include/icemig_stream.h"

/*
 * Decode a whole stream and check that this VF can take the state it
 * carries (Contract 3: the same compare as the destination hook). Logs the
 * rule or the field that fails, rate-limited: the bytes come from user
 * space. Nothing is applied. With @out, the decoded state is left there.
 * Caller holds state_mutex with a provider attached.
 */
int ice_vfio_check_stream(struct ice_vfio_pci_device *ivdev, const u8 *buf, u32 len,
			  const char *what, struct icemig_vf_state *out)
{
	struct pci_dev *pdev = ivdev_pdev(ivdev);
	struct icemig_stream_err serr = {};
	struct icemig_compat_err cerr = {};
	struct icemig_vf_state *st = out;
	struct icemig_compat dst;
	int ret;

	lockdep_assert_held(&ivdev->state_mutex);
	if (!st) {
		st = kvmalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			return -ENOMEM;
	}
	ret = icemig_stream_decode(buf, len, st, &serr);
	if (ret) {
		dev_err_ratelimited(&pdev->dev, "%s rejected: %s at byte %u\n", what, serr.what,
				    serr.offset);
		goto out;
	}
	icemig_compat_init(&dst, ivdev->prov->name, pdev->vendor, pdev->device);
	ret = ivdev->prov->ops->describe(pdev, &dst);
	if (ret)
		goto out;
	ret = icemig_compat_check_state(&dst, st, &cerr);
	if (ret)
		dev_err_ratelimited(&pdev->dev,
				    "%s rejected: incompatible %s: source needs %llu, this VF offers %llu\n",
				    what, cerr.field, cerr.src, cerr.dst);
out:
	if (!out)
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

void ice_vfio_migf_wake(struct ice_vfio_migf *migf)
{
	wake_up_interruptible_poll(&migf->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * The driver is done with @migf: I/O fails with -ENODEV from now on. Takes
 * no lock that a user copy may hold (a reset may be the caller), and drops
 * the driver's reference; the buffer goes when user space closes the fd.
 */
void ice_vfio_migf_disable(struct ice_vfio_migf *migf)
{
	WRITE_ONCE(migf->disabled, true);
	wake_up_interruptible_poll(&migf->wq, EPOLLHUP | EPOLLERR);
	fput(migf->filp);
}

/* Bytes of @migf not read yet. */
u64 ice_vfio_migf_unread(struct ice_vfio_migf *migf)
{
	u64 len;

	mutex_lock(&migf->lock);
	len = migf->len;
	mutex_unlock(&migf->lock);
	return len;
}

/*
 * Append a stream made now to a save file. Caller holds state_mutex and
 * migf->lock. A file holds at most one unread preview plus the final
 * stream, each at most ICEMIG_STREAM_MAX_LEN bytes, in a buffer of twice
 * that: the provider always gets ICEMIG_STREAM_MAX_LEN bytes of room, so a
 * VF whose configuration grew since save_size() was asked still fits.
 */
static int ice_vfio_migf_append(struct ice_vfio_pci_device *ivdev,
				struct ice_vfio_migf *migf, u32 flags)
{
	const struct icemig_provider_ops *ops = ivdev->prov->ops;
	size_t room;
	ssize_t n;
	u64 gen;

	if (migf->head) {
		memmove(migf->buf, migf->buf + migf->head, migf->len);
		migf->head = 0;
	}
	room = migf->size - migf->len;
	if (WARN_ON_ONCE(room < ICEMIG_STREAM_MAX_LEN))
		return -ENOSPC;
	/* Sampled first: a change during the save shows as dirty later. */
	gen = ops->config_gen(ivdev->prov_vf);
	n = ops->save(ivdev->prov_vf, flags, migf->buf + migf->len, room);
	if (n < 0)
		return n;
	if (!n || n > room)
		return -EIO;
	migf->len += n;
	if (flags & ICEMIG_STREAM_F_PRECOPY) {
		migf->gen = gen;
		if (!migf->consumed && !migf->initial_len)
			migf->initial_len = n;
	} else {
		migf->final = true;
	}
	ice_vfio_migf_wake(migf);
	return 0;
}

/*
 * PRE_COPY: the estimated bytes of a new preview if the configuration
 * changed since the last one, else 0. Caller holds state_mutex.
 */
static ssize_t ice_vfio_precopy_pending(struct ice_vfio_pci_device *ivdev,
					struct ice_vfio_migf *migf)
{
	const struct icemig_provider_ops *ops;

	if (!ivdev->prov || migf != ivdev->saving_migf ||
	    !ice_vfio_is_precopy(ivdev->mig_state) || migf->final)
		return 0;
	ops = ivdev->prov->ops;
	if (ops->config_gen(ivdev->prov_vf) == migf->gen)
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
	ice_vfio_state_lock(ivdev);
	mutex_lock(&migf->lock);
	if (!READ_ONCE(migf->disabled) && !migf->len &&
	    ice_vfio_precopy_pending(ivdev, migf) > 0)
		ret = ice_vfio_migf_append(ivdev, migf, ICEMIG_STREAM_F_PRECOPY);
	mutex_unlock(&migf->lock);
	ice_vfio_state_unlock(ivdev);
	if (ret)
		return ret;

	mutex_lock(&migf->lock);
	if (READ_ONCE(migf->disabled)) {
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

/*
 * poll(): readable when read() would not fail with -ENOMSG: unread bytes,
 * a new preview to make (the configuration changed), or the end of the
 * final stream; EPOLLHUP | EPOLLERR once disabled. Waiters wake when bytes
 * are appended, when the file is disabled and on the provider's
 * ICEMIG_VF_EVENT_CONFIG.
 */
static __poll_t ice_vfio_save_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct ice_vfio_migf *migf = filp->private_data;
	struct ice_vfio_pci_device *ivdev = migf->ivdev;
	__poll_t mask = 0;
	bool empty;

	poll_wait(filp, &migf->wq, wait);
	mutex_lock(&migf->lock);
	if (READ_ONCE(migf->disabled))
		mask = EPOLLHUP | EPOLLERR;
	else if (migf->len || migf->final)
		mask = EPOLLIN | EPOLLRDNORM;
	empty = !mask;
	mutex_unlock(&migf->lock);
	if (empty) {
		ice_vfio_state_lock(ivdev);
		if (ice_vfio_precopy_pending(ivdev, migf) > 0)
			mask = EPOLLIN | EPOLLRDNORM;
		ice_vfio_state_unlock(ivdev);
	}
	return mask;
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

	ice_vfio_state_lock(ivdev);
	mutex_lock(&migf->lock);
	if (READ_ONCE(migf->disabled)) {
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
	ice_vfio_state_unlock(ivdev);
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
	struct icemig_stream_err err = {};
	u32 total, flags;
	int ret;

	while (migf->len) {
		ret = icemig_stream_frame(migf->buf + migf->head, migf->len, &total, &flags,
					  &err);
		if (ret == -EAGAIN)
			return 0;
		if (ret) {
			dev_err_ratelimited(&ivdev_pdev(ivdev)->dev,
					    "device state rejected: %s at byte %zu\n", err.what,
					    migf->head + err.offset);
			return ret;
		}
		if (!(flags & ICEMIG_STREAM_F_PRECOPY) || total > migf->len)
			return 0;
		ret = ice_vfio_check_stream(ivdev, migf->buf + migf->head, total,
					    "device state preview", NULL);
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
		dev_err_ratelimited(&ivdev_pdev(ivdev)->dev,
				    "device state rejected: %zu trailing bytes after the final stream\n",
				    migf->len - total);
		return -EINVAL;
	}
	return ice_vfio_check_stream(ivdev, migf->buf + migf->head, total, "device state",
				     NULL);
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
	if (READ_ONCE(migf->disabled)) {
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

	ice_vfio_state_lock(ivdev);
	mutex_lock(&migf->lock);
	if (READ_ONCE(migf->disabled) || !ivdev->prov || migf != ivdev->resuming_migf)
		ret = -ENODEV;
	else
		ret = ice_vfio_resume_previews(ivdev, migf);
	if (!ret)
		ret = ice_vfio_resume_final(ivdev, migf);
	if (ret && ret != -ENODEV)
		migf->error = true;
	mutex_unlock(&migf->lock);
	ice_vfio_state_unlock(ivdev);
	return ret ? ret : len;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

static const struct file_operations ice_vfio_save_fops = {
	.owner = THIS_MODULE,
	.read = ice_vfio_save_read,
	.poll = ice_vfio_save_poll,
	.unlocked_ioctl = ice_vfio_save_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = ice_vfio_migf_release,
};

static const struct file_operations ice_vfio_resume_fops = {
	.owner = THIS_MODULE,
	.write = ice_vfio_resume_write,
	.release = ice_vfio_migf_release,
};

/* A new data file with one reference: the driver's. */
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
	init_waitqueue_head(&migf->wq);

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
	return migf;
}

static void ice_vfio_set_migf(struct ice_vfio_pci_device *ivdev,
			      struct ice_vfio_migf **slot, struct ice_vfio_migf *migf)
{
	lockdep_assert_held(&ivdev->state_mutex);
	spin_lock(&ivdev->pending_lock);
	*slot = migf;
	spin_unlock(&ivdev->pending_lock);
}

/*
 * RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P (@flags
 * ICEMIG_STREAM_F_PRECOPY: a preview) and STOP -> STOP_COPY (0: the final
 * stream): a new save file holding its first stream. On failure nothing
 * is left behind and the VF is as it was. Caller holds state_mutex.
 */
struct ice_vfio_migf *ice_vfio_save_file(struct ice_vfio_pci_device *ivdev, u32 flags)
{
	struct ice_vfio_migf *migf;
	int ret;

	migf = ice_vfio_migf_create(ivdev, &ice_vfio_save_fops, O_RDONLY,
				    2 * ICEMIG_STREAM_MAX_LEN);
	if (IS_ERR(migf))
		return migf;
	/* Not yet visible to user space, the lock only documents intent. */
	mutex_lock(&migf->lock);
	ret = ice_vfio_migf_append(ivdev, migf, flags);
	mutex_unlock(&migf->lock);
	if (ret) {
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	ice_vfio_set_migf(ivdev, &ivdev->saving_migf, migf);
	return migf;
}

/* PRE_COPY_P2P -> STOP_COPY: the final stream follows on the same file. */
int ice_vfio_save_final(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *migf = ivdev->saving_migf;
	int ret;

	if (!migf)
		return -ENODEV;
	mutex_lock(&migf->lock);
	ret = READ_ONCE(migf->disabled) ? -ENODEV : ice_vfio_migf_append(ivdev, migf, 0);
	mutex_unlock(&migf->lock);
	return ret;
}

/* STOP -> RESUMING: a new, empty resume file. Caller holds state_mutex. */
struct ice_vfio_migf *ice_vfio_resume_file(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *migf;

	migf = ice_vfio_migf_create(ivdev, &ice_vfio_resume_fops, O_WRONLY,
				    ICEMIG_STREAM_MAX_LEN);
	if (!IS_ERR(migf))
		ice_vfio_set_migf(ivdev, &ivdev->resuming_migf, migf);
	return migf;
}

/*
 * RESUMING -> STOP: the bytes written must end in exactly one final stream
 * (after any previews); it is decoded and checked again, the provider
 * validates it, then applies it. Returns 0; -EINVAL (or another -errno but
 * -EIO) when the stream was refused and the VF is untouched; -EIO when the
 * provider failed after changing the VF. Caller holds state_mutex.
 */
int ice_vfio_resume_load(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *migf = ivdev->resuming_migf;
	const struct icemig_provider_ops *ops = ivdev->prov->ops;
	struct pci_dev *pdev = ivdev_pdev(ivdev);
	struct icemig_stream_err err = {};
	struct icemig_vf_state *st;
	u32 total = 0, flags = 0;
	int ret;

	if (!migf)
		return -ENODEV;
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_lock(&migf->lock);
	ret = migf->error ? -EINVAL : ice_vfio_resume_previews(ivdev, migf);
	if (ret)
		goto out;
	ret = icemig_stream_frame(migf->buf + migf->head, migf->len, &total, &flags, &err);
	if (ret || (flags & ICEMIG_STREAM_F_PRECOPY) || total != migf->len) {
		dev_err_ratelimited(&pdev->dev,
				    "device state rejected: %s (%zu bytes received after the previews)\n",
				    ret == -EAGAIN || !migf->len ? "no final stream" :
				    ret ? err.what : total > migf->len ? "truncated" :
				    "trailing bytes", migf->len);
		ret = -EINVAL;
		goto out;
	}
	ret = ice_vfio_check_stream(ivdev, migf->buf + migf->head, total, "device state", st);
	if (ret)
		goto out;
	ret = ops->load_validate(ivdev->prov_vf, st);
	if (ret) {
		dev_err_ratelimited(&pdev->dev, "device state refused by the provider: %d\n", ret);
		ret = ret == -EIO ? -EINVAL : ret;
		goto out;
	}
	ret = ops->load_apply(ivdev->prov_vf, st);
	if (ret) {
		pci_err(pdev, "loading the device state failed part way: %d\n", ret);
		ret = -EIO;
	}
out:
	if (ret && ret != -EIO)
		migf->error = true;
	mutex_unlock(&migf->lock);
	kvfree(st);
	return ret;
}
