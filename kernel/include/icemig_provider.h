/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PF-side migration provider interface of ice_vfio_pci, version 2
 * (ARCHITECTURE.md, Contract 2; docs/design.md, "Provider interface").
 *
 * A provider is the code that can see and change a VF's state from its PF:
 * ice_mig_sim (a software test device) or the glue module that adapts the
 * patched ice driver's migration API. It registers once per PF;
 * ice_vfio_pci finds it from a VF with pci_physfn(). The dependency runs
 * one way: the provider links against ice_vfio_pci's exported symbols
 * (namespace ICEMIG), never the reverse, so ice_vfio_pci loads on a stock
 * kernel and drives VFs whose PF has no provider exactly as vfio-pci does.
 *
 * Calling context. Every op may sleep. ice_vfio_pci calls the ops of one VF
 * (all but @describe) only under that VF's migration state mutex, so they
 * never run concurrently for one VF; ops of different VFs of a PF may.
 * @describe may run concurrently with anything (sysfs reads).
 * ice_vfio_pci never holds a lock of its own that a provider could need
 * while calling an op other than that state mutex.
 *
 * Lifetime. ice_vfio_pci holds a reference on @owner from the moment a VF
 * device attaches to the provider (VF bound to ice_vfio_pci) until it
 * detaches (VF unbound) or the provider is revoked.
 * ice_vfio_pci_unregister_provider() revokes: for every VF of the PF that
 * uses the provider it disables the migration data files, closes the
 * provider handle, moves the VF to the ERROR migration state and drops the
 * reference; when it returns no op of that provider runs or will run for
 * that PF. A provider calls it when its PF goes away (PF driver unbind, PF
 * removal, module exit, a failed module init) before freeing the state its
 * ops use, from a context that may sleep and that holds none of the locks
 * its ops take.
 *
 * Migration states are those of the VFIO uAPI v2 (include/uapi/linux/
 * vfio.h, enum vfio_device_mig_state); "running" below means RUNNING,
 * PRE_COPY or a state the VF can only reach through them (the VF's queues
 * move), "suspended" means RUNNING_P2P, PRE_COPY_P2P, STOP, STOP_COPY or
 * RESUMING.
 */
#ifndef ICEMIG_PROVIDER_H
#define ICEMIG_PROVIDER_H

#include <linux/types.h>

struct pci_dev;
struct module;
struct icemig_compat;
struct icemig_vf_state;

/* struct icemig_provider.api_version: what this header describes. */
#define ICEMIG_PROVIDER_API_VERSION	2

/**
 * struct icemig_provider_ops - what a provider does for one VF
 * @open: attach to VF @vf (its PF is pci_physfn(@vf), its index
 *	pci_iov_vf_id(@vf)) when its VFIO device is opened. Returns an opaque
 *	handle or an ERR_PTR(). After open the VF is running.
 * @close: the VFIO device is closed, in any migration state; the handle is
 *	invalid afterwards. The vfio core resets the VF's PCI function right
 *	after (FLR), so a provider releases what it holds and changes nothing
 *	else: a suspended VF is NOT resumed (a close in STOP must not let the
 *	VF's queues run again before the reset), a running VF is left running.
 * @suspend: the VF leaves running for RUNNING_P2P or PRE_COPY_P2P: stop
 *	its Tx/Rx queues and its mailbox processing so that its state no
 *	longer changes. With @capture, state that stopping destroys (e.g. the
 *	hardware Tx queue heads) is read first and kept for @save; without,
 *	the driver knows the state will be replaced (the transition's target
 *	is RESUMING: a migration destination), and capturing may be skipped.
 *	Returns 0 or -errno; on error the driver moves to ERROR (the VF may
 *	be half stopped) and only a reset brings it back.
 * @resume: the VF enters running again (RUNNING_P2P -> RUNNING,
 *	PRE_COPY_P2P -> PRE_COPY, also after a cancelled migration): it must
 *	come fully back (queues, filters, interrupts, mailbox) with the state
 *	it had at @suspend, or the state @load_apply gave it. Returns 0 or
 *	-errno; on error the driver moves to ERROR.
 * @save_size: an estimate, in bytes, of what @save with @flags would
 *	produce now (reported to user space as the stop-copy size and in
 *	VFIO_MIG_GET_PRECOPY_INFO). The VF may run and change between
 *	@save_size and @save: the driver never relies on it for room.
 * @save: serialize the VF's state as an icemig stream (icemig_stream.h)
 *	with header flags @flags into @buf, which has @room bytes
 *	(at least ICEMIG_STREAM_MAX_LEN). Without ICEMIG_STREAM_F_PRECOPY
 *	the VF is suspended and the stream is its final state, including
 *	what @suspend captured; with it the VF may be running and the stream
 *	is a preview of its configuration. Returns the stream length or
 *	-errno; the VF is unchanged either way.
 * @config_gen: a number that changes whenever the VF's configuration (any
 *	state but the statistics) changes; in PRE_COPY a changed value makes
 *	the driver report and send a new preview.
 * @load_validate: can the suspended VF take @st (decoded by the driver
 *	from a final stream and already checked against the VF's descriptor
 *	with icemig_compat_check_state())? Check everything @load_apply
 *	needs, change nothing. Returns 0, or -EINVAL (naming the reason in
 *	the kernel log) or another -errno.
 * @load_apply: program @st into the suspended VF, in this order: VF info
 *	(MAC, admin settings, negotiated virtchnl version and capabilities,
 *	queue and vector counts), Rx then Tx queue contexts, interrupt map
 *	and ITRs, RSS, MAC and VLAN filters and promiscuous modes, mailbox,
 *	statistics; then whatever enables the queues, and last the Tx queue
 *	heads. The queues stay stopped until @resume. Called only after
 *	@load_validate accepted @st. Returns 0, or -errno when it failed after
 *	changing the VF: the driver then moves to ERROR and only a reset
 *	brings the VF back.
 * @reset: the VF's function was reset (FLR, VFIO_DEVICE_RESET) while
 *	open: it is running again in its post-reset state, anything captured
 *	by @suspend is dropped.
 * @describe: fill the compatibility descriptor of VF @vf (open or not):
 *	@c arrives initialised by icemig_compat_init() with the VF's IDs and
 *	the provider's name; lower the capacities to what the PF offers and
 *	set the "used" fields. Returns 0 or -errno.
 */
struct icemig_provider_ops {
	void *(*open)(struct pci_dev *vf);
	void (*close)(void *h);
	int (*suspend)(void *h, bool capture);
	int (*resume)(void *h);
	ssize_t (*save_size)(void *h, u32 flags);
	ssize_t (*save)(void *h, u32 flags, void *buf, size_t room);
	u64 (*config_gen)(void *h);
	int (*load_validate)(void *h, const struct icemig_vf_state *st);
	int (*load_apply)(void *h, const struct icemig_vf_state *st);
	void (*reset)(void *h);
	int (*describe)(struct pci_dev *vf, struct icemig_compat *c);
};

/**
 * struct icemig_provider - a provider registered for one PF
 * @api_version: ICEMIG_PROVIDER_API_VERSION the provider was built with
 * @name: short name shown in sysfs, e.g. "ice_mig_sim"
 * @owner: THIS_MODULE of the provider
 * @ops: operations, every one of them set
 */
struct icemig_provider {
	unsigned int api_version;
	const char *name;
	struct module *owner;
	const struct icemig_provider_ops *ops;
};

/**
 * enum icemig_vf_event - what a provider reports about a VF
 * @ICEMIG_VF_EVENT_RESET: the PF reset the VF on its own (a VF reset the
 *	PF decided, a PF reset, a VF reset requested by the VF's driver over
 *	the mailbox): the VF's state changed outside the migration. A
 *	migration in progress on that VF fails: its data files are disabled
 *	and, unless the VF was RUNNING with no migration data file open, its
 *	migration state becomes ERROR (no stale stream is sent, no VF is
 *	reported stopped while it runs).
 * @ICEMIG_VF_EVENT_CONFIG: the VF's configuration changed (@config_gen
 *	moved); wakes poll() waiters on a PRE_COPY save file. Optional: a
 *	provider that never reports it only makes such waiters wake later.
 */
enum icemig_vf_event {
	ICEMIG_VF_EVENT_RESET = 1,
	ICEMIG_VF_EVENT_CONFIG = 2,
};

int ice_vfio_pci_register_provider(struct pci_dev *pf,
				   const struct icemig_provider *prov);
void ice_vfio_pci_unregister_provider(struct pci_dev *pf);
void ice_vfio_pci_report_vf_event(struct pci_dev *pf, unsigned int vf_id,
				  enum icemig_vf_event ev);

#endif /* ICEMIG_PROVIDER_H */
