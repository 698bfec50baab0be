// SPDX-License-Identifier: GPL-2.0
/*
 * ice_vfio_pci: the migration state machine (VFIO migration uAPI v2,
 * include/uapi/linux/vfio.h, enum vfio_device_mig_state and
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE).
 *
 * Error handling follows the uAPI's rule that ERROR is for a device that
 * cannot get back to a valid state without a reset: a failed arc that left
 * the VF untouched (a save that failed, a stream refused before anything
 * was applied) returns its error and the device stays in the state it was
 * in; only a failed suspend or resume, a load that failed after changing
 * the VF, a VF reset by its PF during a migration and a revoked provider
 * lead to ERROR. A multi-arc transition that fails stops in the last state
 * it reached, as the uAPI allows.
 */
#include <linux/file.h>
#include <linux/pci.h>

#include "ice_vfio_pci.h"
#include "include/icemig_stream.h"

bool ice_vfio_is_precopy(enum vfio_device_mig_state s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/*
 * Record @work (ICE_VFIO_PENDING_*) for the next holder of state_mutex.
 * Work that ends a migration disables the data files at once, without
 * their locks; every call wakes poll() waiters. Never sleeps.
 */
void ice_vfio_mark_pending(struct ice_vfio_pci_device *ivdev, unsigned long work)
{
	spin_lock(&ivdev->pending_lock);
	ivdev->pending |= work;
	if (work) {
		if (ivdev->saving_migf)
			WRITE_ONCE(ivdev->saving_migf->disabled, true);
		if (ivdev->resuming_migf)
			WRITE_ONCE(ivdev->resuming_migf->disabled, true);
	}
	if (ivdev->saving_migf)
		ice_vfio_migf_wake(ivdev->saving_migf);
	spin_unlock(&ivdev->pending_lock);
}

/*
 * Disable and drop the data files of the current arc. Caller holds
 * state_mutex. The files' buffers live until user space closes them.
 */
void ice_vfio_disable_fds(struct ice_vfio_pci_device *ivdev)
{
	struct ice_vfio_migf *save, *resume;

	lockdep_assert_held(&ivdev->state_mutex);
	spin_lock(&ivdev->pending_lock);
	save = ivdev->saving_migf;
	resume = ivdev->resuming_migf;
	ivdev->saving_migf = NULL;
	ivdev->resuming_migf = NULL;
	spin_unlock(&ivdev->pending_lock);
	if (save)
		ice_vfio_migf_disable(save);
	if (resume)
		ice_vfio_migf_disable(resume);
}

/* The provider went away (ice_vfio_pci_unregister_provider()). */
void ice_vfio_revoke_locked(struct ice_vfio_pci_device *ivdev)
{
	lockdep_assert_held(&ivdev->state_mutex);
	ice_vfio_disable_fds(ivdev);
	if (ivdev->prov)
		ivdev->prov->ops->close(ivdev->prov_vf);
	ice_vfio_provider_detach(ivdev);
	ivdev->mig_state = VFIO_DEVICE_STATE_ERROR;
	pci_info(ivdev_pdev(ivdev), "migration provider revoked: migration state ERROR\n");
}

/* Run the work recorded by a reset or a provider event. */
static void ice_vfio_run_pending(struct ice_vfio_pci_device *ivdev, unsigned long work)
{
	struct pci_dev *pdev = ivdev_pdev(ivdev);

	if (work & ICE_VFIO_PENDING_VF_RESET) {
		ice_vfio_disable_fds(ivdev);
		if (ivdev->mig_state != VFIO_DEVICE_STATE_RUNNING &&
		    ivdev->mig_state != VFIO_DEVICE_STATE_ERROR) {
			pci_warn(pdev, "reset by its PF in migration state %u: migration state ERROR\n",
				 ivdev->mig_state);
			ivdev->mig_state = VFIO_DEVICE_STATE_ERROR;
		}
	}
	if (work & ICE_VFIO_PENDING_RESET) {
		/* uAPI: after a reset the device is RUNNING, data files gone. */
		ice_vfio_disable_fds(ivdev);
		if (ivdev->prov) {
			ivdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
			ivdev->prov->ops->reset(ivdev->prov_vf);
		}
	}
}

static unsigned long ice_vfio_take_pending(struct ice_vfio_pci_device *ivdev)
{
	unsigned long work;

	spin_lock(&ivdev->pending_lock);
	work = ivdev->pending;
	ivdev->pending = 0;
	spin_unlock(&ivdev->pending_lock);
	return work;
}

/*
 * Take state_mutex; what a reset or a provider event recorded meanwhile is
 * done first, so the holder never sees a stale state.
 */
void ice_vfio_state_lock(struct ice_vfio_pci_device *ivdev)
{
	unsigned long work;

	mutex_lock(&ivdev->state_mutex);
	work = ice_vfio_take_pending(ivdev);
	if (work)
		ice_vfio_run_pending(ivdev, work);
}

/*
 * Release state_mutex, first doing what was recorded meanwhile. The check
 * and the unlock happen under pending_lock, so that work recorded by a
 * reset whose trylock failed (ice_vfio_pci_reset_done()) is never left
 * behind.
 */
void ice_vfio_state_unlock(struct ice_vfio_pci_device *ivdev)
{
	unsigned long work;

	for (;;) {
		spin_lock(&ivdev->pending_lock);
		work = ivdev->pending;
		ivdev->pending = 0;
		if (!work) {
			mutex_unlock(&ivdev->state_mutex);
			spin_unlock(&ivdev->pending_lock);
			return;
		}
		spin_unlock(&ivdev->pending_lock);
		ice_vfio_run_pending(ivdev, work);
	}
}

/*
 * Execute one arc from the current state to @next, on the way to @target.
 * Returns a data file, NULL or an ERR_PTR(); *@fatal is set when the VF was
 * left in no valid state (the caller moves to ERROR).
 */
static struct file *ice_vfio_step(struct ice_vfio_pci_device *ivdev,
				  enum vfio_device_mig_state next,
				  enum vfio_device_mig_state target, bool *fatal)
{
	const struct icemig_provider_ops *ops = ivdev->prov->ops;
	enum vfio_device_mig_state cur = ivdev->mig_state;
	struct ice_vfio_migf *migf;
	int ret;

	/*
	 * Leaving running: stop the VF. The state is captured unless the
	 * transition ends in RESUMING, where it will be replaced (a migration
	 * destination); a suspend that failed left the VF in no known state.
	 */
	if ((cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY && next == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {
		ret = ops->suspend(ivdev->prov_vf, target != VFIO_DEVICE_STATE_RESUMING);
		*fatal = ret;
		return ret ? ERR_PTR(ret) : NULL;
	}
	if ((cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_PRE_COPY)) {
		ret = ops->resume(ivdev->prov_vf);
		*fatal = ret;
		return ret ? ERR_PTR(ret) : NULL;
	}
	/* The VF is already frozen in RUNNING_P2P; STOP adds nothing. */
	if ((cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_STOP) ||
	    (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RUNNING_P2P))
		return NULL;
	if ((cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_PRE_COPY) ||
	    (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_PRE_COPY_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_STOP_COPY)) {
		migf = ice_vfio_save_file(ivdev, next == VFIO_DEVICE_STATE_STOP_COPY ?
					  0 : ICEMIG_STREAM_F_PRECOPY);
		return IS_ERR(migf) ? ERR_CAST(migf) : migf->filp;
	}
	if ((cur == VFIO_DEVICE_STATE_PRE_COPY && next == VFIO_DEVICE_STATE_RUNNING) ||
	    (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    (cur == VFIO_DEVICE_STATE_STOP_COPY && next == VFIO_DEVICE_STATE_STOP)) {
		ice_vfio_disable_fds(ivdev);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_PRE_COPY_P2P && next == VFIO_DEVICE_STATE_STOP_COPY) {
		ret = ice_vfio_save_final(ivdev);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RESUMING) {
		migf = ice_vfio_resume_file(ivdev);
		return IS_ERR(migf) ? ERR_CAST(migf) : migf->filp;
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING && next == VFIO_DEVICE_STATE_STOP) {
		/* -EINVAL and friends: refused, VF untouched; -EIO: applied in part. */
		ret = ice_vfio_resume_load(ivdev);
		*fatal = ret == -EIO;
		if (!ret || *fatal)
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
	bool fatal;
	int ret;

	ice_vfio_state_lock(ivdev);
	while (new_state != ivdev->mig_state) {
		/* Only a reset leaves ERROR (uAPI, VFIO_DEVICE_STATE_ERROR). */
		if (ivdev->mig_state == VFIO_DEVICE_STATE_ERROR) {
			res = ERR_PTR(-EINVAL);
			break;
		}
		/* Closed, or the provider went away: nothing to migrate with. */
		if (!ivdev->prov) {
			res = ERR_PTR(-ENODEV);
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
		fatal = false;
		res = ice_vfio_step(ivdev, next, new_state, &fatal);
		if (IS_ERR(res)) {
			dev_err_ratelimited(&ivdev_pdev(ivdev)->dev,
					    "migration arc %u -> %u failed: %ld%s\n",
					    ivdev->mig_state, next, PTR_ERR(res),
					    fatal ? ", VF in no valid state: ERROR" : "");
			if (fatal) {
				ice_vfio_disable_fds(ivdev);
				ivdev->mig_state = VFIO_DEVICE_STATE_ERROR;
			}
			break;
		}
		ivdev->mig_state = next;
		/* Only the final arc may hand out a data file. */
		if (WARN_ON(res && new_state != ivdev->mig_state)) {
			ice_vfio_disable_fds(ivdev);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	/* The data file is user space's now: one reference, its fd. */
	if (!IS_ERR_OR_NULL(res))
		get_file(res);
	ice_vfio_state_unlock(ivdev);
	return res;
}

static int ice_vfio_get_device_state(struct vfio_device *vdev,
				     enum vfio_device_mig_state *curr_state)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(vdev);

	ice_vfio_state_lock(ivdev);
	*curr_state = ivdev->mig_state;
	ice_vfio_state_unlock(ivdev);
	return 0;
}

/*
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: bytes still to be read for a
 * migration from now on: the unread part of a PRE_COPY save file plus the
 * provider's estimate of the final stream.
 */
static int ice_vfio_get_data_size(struct vfio_device *vdev,
				  unsigned long *stop_copy_length)
{
	struct ice_vfio_pci_device *ivdev = to_ivdev(vdev);
	ssize_t size = -ENODEV;
	u64 unread = 0;

	ice_vfio_state_lock(ivdev);
	if (ivdev->prov) {
		size = ivdev->prov->ops->save_size(ivdev->prov_vf, 0);
		if (ivdev->saving_migf && ice_vfio_is_precopy(ivdev->mig_state))
			unread = ice_vfio_migf_unread(ivdev->saving_migf);
	}
	ice_vfio_state_unlock(ivdev);
	if (size < 0)
		return size;
	*stop_copy_length = size + unread;
	return 0;
}

const struct vfio_migration_ops ice_vfio_pci_mig_ops = {
	.migration_set_state = ice_vfio_set_device_state,
	.migration_get_state = ice_vfio_get_device_state,
	.migration_get_data_size = ice_vfio_get_data_size,
};
