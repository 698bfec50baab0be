// SPDX-License-Identifier: GPL-2.0
/*
 * ice_mig_sim: a software PF-side migration provider for ice_vfio_pci.
 *
 * THIS IS A TEST DEVICE. It models the state an E810 PF keeps for each of its
 * VFs (VF info, queue contexts, statistics) in memory, for PFs that are not
 * E810s (the emulated rig uses QEMU's igb). Nothing it reports is an E810
 * measurement.
 *
 * Load with the PFs to attach to:
 *	modprobe ice_mig_sim pfs=0000:01:00.0[,DDDD:BB:DD.F...]
 *
 * Queue contexts are held as an E810 PF holds them: each configured queue's
 * Rx context as the 32-byte QRX_CONTEXT image (plus the RXDID register
 * fields) and its Tx context as the 22-byte admin-queue image, built and
 * read back with ice_mig_xlate (the code the ice glue uses). A state is
 * programmed into them when written or loaded (refused if a context cannot
 * hold it) and read back from them at every save (a difference fails the
 * save with -EIO and is logged). The Tx host fields (PF, VF, VSI, queue
 * numbers) are this PF's own, as on a real destination.
 *
 * While a VF is RUNNING its statistics advance by one packet per
 * millisecond in each direction (64-byte packets); they freeze when the VF
 * leaves RUNNING and continue from the same value when it runs again, here
 * or, after a migration, on the destination.
 *
 * debugfs, per PF: /sys/kernel/debug/ice_mig_sim/<PF BDF>/
 *   caps    capacity this PF offers each VF, "key=value" lines, writable
 *	     (to emulate a smaller destination): max_qps, max_msix,
 *	     max_mac_filters, max_vlan_filters, rss_lut_size.
 * per VF: /sys/kernel/debug/ice_mig_sim/<PF BDF>/vf<N>/
 *   state   read: "key=value" lines; write: "key=value" tokens separated by
 *	     blanks or newlines, applied all-or-nothing after validation
 *	     (stream rules and this PF's caps). Reading gives text that writes
 *	     back the same state. Keys: mac, trust, spoofchk, link_state,
 *	     port_vlan, num_qps, num_msix, vc_api (MAJOR.MINOR), vc_caps,
 *	     txq<i> and rxq<i> (base:ring_len:head:tail:flags, Rx adds :buf_len
 *	     before :flags), msix<i> (vector:rxq_map:txq_map:rx_itr:tx_itr,
 *	     with num_msix_maps), rss (off, or hena:lut where lut is hex bytes),
 *	     rss_key (104 hex digits), mac_filters (none, or addr/flags,...),
 *	     vlan_filters (none, or IDs and ranges: 10,20-29), mbx (none, or
 *	     opcode:asq_len:asq_head:asq_tail:arq_len:arq_head:arq_tail),
 *	     stream 1.1 records: vf_ext (0 or 1; with 1: pf_set_mac, promisc
 *	     (bit 1 unicast, bit 2 multicast), port_vlan_prio, port_vlan_tpid,
 *	     driver_caps, min_tx_rate, max_tx_rate (Mbps), opcodes, rss_hfunc),
 *	     vlan_v2 (none, or filtering_outer:filtering_inner:stripping_outer:
 *	     stripping_inner:insertion_outer:insertion_inner:max_filters:
 *	     strip_outer_tpid:strip_inner_tpid:insert_outer_tpid:
 *	     insert_inner_tpid:flags:ethertype_match), rxq_ctx and txq_ctx (0
 *	     or 1), rxctx<i> (max_frame:hbuf_len:rxdid:rxdid_prio:dtype:
 *	     hsplit_0:hsplit_1:lrxqthresh:flags), txctx<i>
 *	     (flags:cache_prof_idx; never TAIL_UNKNOWN: this PF knows its Tx
 *	     tails), stream 1.2 records: irq (0 or 1; 0 emulates a provider
 *	     that does not carry the interrupt registers), irq<i> (vector i's
 *	     flags:itr_idx:sw_itr_idx:interval:itr0:itr1:itr2, intervals in
 *	     2 us units), mbx_ring (none, or asq_base:arq_base:flags); entries
 *	     of queues at or above num_qps and of vectors at or above num_msix
 *	     are dropped; as the admin commands do, a port VLAN without a TPID
 *	     gets 0x8100, no port VLAN has none, an untrusted VF has no
 *	     promiscuous mode, rss=off clears rss_hfunc; mbx=none drops the
 *	     mailbox rings, a mailbox set up (mbx=...) on a VF without one gets
 *	     them at their reset values (zero, disabled). rx_packets,
 *	     rx_bytes, tx_packets, tx_bytes. Read-only: running.
 *	     The token "defaults" first resets everything but the counters to
 *	     a fresh VF's state, so a test need not know what came before.
 *   fault   arm test faults, blank-separated tokens; read shows what is
 *	     armed. Each fault fires once, on the next call it names:
 *	     corrupt_save (flip one payload byte of the next final stream: its
 *	     checksum then fails on the destination), fail_save (the next
 *	     save, preview or final, fails with -ENOMEM, nothing written),
 *	     fail_suspend (-EIO, the VF keeps running), fail_resume (-EIO),
 *	     fail_load (the next load_validate refuses with -EINVAL, nothing
 *	     changed), fail_apply (the next load_apply stops with -EIO after
 *	     the VF info: the VF is half loaded). delay_save=US makes every
 *	     save sleep US microseconds (0..1000000) before it reads the state
 *	     (widens races in tests); "none" disarms everything.
 *   counters  provider calls so far: "opens=N closes=N suspends=N
 *	     captures=N resumes=N saves=N loads=N resets=N pf_resets=N"
 *	     (failed calls included; captures: suspends asked to capture the
 *	     volatile state; loads: load_validate calls)
 *   pf_reset  write anything: the PF resets the VF on its own (queues
 *	     disabled, the VF running again) and tells ice_vfio_pci, which
 *	     fails a migration in progress
 *
 * The interrupt registers of each vector and the mailbox rings (stream 1.2)
 * are held as plain values in the VF state (no register images): a fresh
 * VF has them for each of its vectors, and for its mailbox rings whenever
 * the mailbox is set up; saves carry them (IRQ, MBX_RING) unless the state
 * written turned them off (irq=0, mbx_ring=none). A load without them keeps
 * this VF's (sim_load_state()).
 *
 * The provider belongs to the PF's driver, as an E810 VF's state belongs
 * to ice: when a listed PF's driver unbinds, the provider is unregistered
 * (ice_vfio_pci revokes its open VFs) and the VF states are dropped; when a
 * driver binds to the PF again, the provider comes back with fresh VF
 * states. attach_delay_ms=N (test knob) waits N ms after attaching each PF
 * at module init.
 *   saved   the last save: "saves=N bytes=B rx_packets=.. rx_bytes=..
 *	     tx_packets=.. tx_bytes=.." (N saves so far, B stream bytes, and
 *	     the statistics the stream carried)
 *   loaded  the same for the last successful load ("loads=N bytes=B ...")
 */
#include <linux/debugfs.h>
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "include/icemig_compat.h"
#include "include/icemig_provider.h"
#include "include/icemig_stream.h"
#include "ice_mig_xlate.h"

MODULE_IMPORT_NS(ICEMIG);

static char *pfs;
module_param(pfs, charp, 0444);
MODULE_PARM_DESC(pfs, "Comma-separated BDFs (DDDD:BB:DD.F) of the SR-IOV PFs to provide for");

static unsigned int attach_delay_ms;
module_param(attach_delay_ms, uint, 0444);
MODULE_PARM_DESC(attach_delay_ms,
		 "Test knob: milliseconds to wait after attaching each PF during module init");

/* Test faults armed through debugfs "fault"; each fires once. */
#define SIM_FAULT_CORRUPT_SAVE	BIT(0)
#define SIM_FAULT_FAIL_SAVE	BIT(1)
#define SIM_FAULT_FAIL_SUSPEND	BIT(2)
#define SIM_FAULT_FAIL_RESUME	BIT(3)
#define SIM_FAULT_FAIL_LOAD	BIT(4)
#define SIM_FAULT_FAIL_APPLY	BIT(5)

static const char * const sim_fault_names[] = {
	"corrupt_save", "fail_save", "fail_suspend", "fail_resume", "fail_load", "fail_apply",
};

struct sim_counters {
	u32 opens, closes, suspends, captures, resumes, saves, loads, resets, pf_resets;
};

struct sim_snapshot {
	u32 count;
	u32 bytes;			/* stream length */
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
};

struct sim_vf {
	struct sim_pf *pf;
	unsigned int id;
	struct mutex lock;		/* protects everything below */
	struct icemig_vf_state st;
	bool open;
	bool running;
	u64 run_since_ns;		/* stats are current as of this time */
	struct sim_snapshot saved, loaded;
	u32 faults;			/* SIM_FAULT_* armed */
	u32 delay_save_us;
	struct sim_counters calls;
	bool captured;			/* suspended with capture */
	u64 gen;			/* configuration generation */
	struct sim_hw *hw;		/* the queue context registers */
	struct icemig_vf_state *load;	/* scratch: the state a load gives */
};

/* The queue context registers of one VF (images as ice_mig_xlate.h). */
struct sim_hw {
	u8 rx[ICEMIG_MAX_QP][ICEMIG_XLATE_RXQ_CTX_LEN];
	u8 rxdid[ICEMIG_MAX_QP];
	u8 rxdid_prio[ICEMIG_MAX_QP];
	u8 tx[ICEMIG_MAX_QP][ICEMIG_XLATE_TXQ_CTX_LEN];
};

struct sim_caps {
	u16 max_qps, max_msix, max_mac_filters, max_vlan_filters, rss_lut_size;
};

struct sim_pf {
	struct list_head list;
	struct pci_dev *pdev;
	unsigned int num_vfs;
	struct sim_vf *vfs;
	struct dentry *dir;
	bool registered;
	struct mutex caps_lock;		/* protects @caps */
	struct sim_caps caps;
};

/* Consume fault @f if armed. Caller holds vf->lock. */
static bool sim_fault(struct sim_vf *vf, u32 f)
{
	if (!(vf->faults & f))
		return false;
	vf->faults &= ~f;
	pci_info(vf->pf->pdev, "VF %u: test fault %s injected\n", vf->id,
		 sim_fault_names[__ffs(f)]);
	return true;
}

/* The PFs served; @sim_lock protects the list (not the PFs' contents). */
static LIST_HEAD(sim_pfs);
static DEFINE_MUTEX(sim_lock);
static const char sim_provider_name[] = KBUILD_MODNAME;
static struct dentry *sim_debugfs_root;

/* Bring the statistics up to now. Caller holds vf->lock. */
static void sim_vf_sync(struct sim_vf *vf)
{
	u64 now, ms;

	if (!vf->running)
		return;
	now = ktime_get_ns();
	ms = div_u64(now - vf->run_since_ns, NSEC_PER_MSEC);
	vf->st.rx_packets += ms;
	vf->st.tx_packets += ms;
	vf->st.rx_bytes += ms * 64;
	vf->st.tx_bytes += ms * 64;
	vf->run_since_ns += ms * NSEC_PER_MSEC;
}

static void sim_vf_set_running(struct sim_vf *vf, bool running)
{
	sim_vf_sync(vf);
	vf->running = running;
	vf->run_since_ns = ktime_get_ns();
}

static void sim_snapshot(struct sim_snapshot *s, const struct icemig_vf_state *st,
			 u32 bytes)
{
	s->count++;
	s->bytes = bytes;
	s->rx_packets = st->rx_packets;
	s->rx_bytes = st->rx_bytes;
	s->tx_packets = st->tx_packets;
	s->tx_bytes = st->tx_bytes;
}

/* ---- queue context registers (through ice_mig_xlate) ---- */

/*
 * What this PF sets up itself for queue @q of VF @vf: the Rx cpuid, the Tx
 * host fields, and the details a stream without RXQ_CTX/TXQ_CTX (1.0)
 * leaves to the destination (the values Linux 6.12 ice_setup_rx_ctx() and
 * ice_setup_tx_ctx() choose; the sim's, not measured on an E810).
 */
static void sim_hw_local(struct sim_vf *vf, unsigned int q, struct icemig_xlate_rlan_ctx *rx,
			 struct icemig_xlate_tlan_ctx *tx)
{
	unsigned int abs_q = vf->id * ICEMIG_MAX_QP + q;

	memset(rx, 0, sizeof(*rx));
	rx->cpuid = vf->id & 0xff;
	rx->dsize = 1;
	rx->crcstrip = 1;
	rx->rxmax = 1522;
	rx->tphrdesc_ena = 1;
	rx->tphwdesc_ena = 1;
	rx->lrxqthresh = 1;
	rx->prefena = 1;
	memset(tx, 0, sizeof(*tx));
	tx->pf_num = PCI_FUNC(vf->pf->pdev->devfn);
	tx->vmvf_num = vf->id & 0x3ff;
	tx->src_vsi = (vf->id + 3) & 0x3ff;
	tx->qnum_in_func = abs_q & 0x3fff;
	tx->tso_qnum = abs_q & 0x7ff;
	tx->tso_ena = 1;
	tx->legacy_int = 1;
}

/*
 * Program the queue contexts of @st into @hw, as ice does when the VF
 * configures its queues (or a load replays them). Returns 0, or -EINVAL
 * (logged) when a context cannot hold the state.
 */
static int sim_hw_program(struct sim_vf *vf, const struct icemig_vf_state *st,
			  struct sim_hw *hw)
{
	struct icemig_xlate_rlan_ctx rx, rx_local;
	struct icemig_xlate_tlan_ctx tx, tx_local;
	struct icemig_stream_err err = {};
	unsigned int i;

	memset(hw, 0, sizeof(*hw));
	for (i = 0; i < st->num_qps && i < ICEMIG_MAX_QP; i++) {
		sim_hw_local(vf, i, &rx_local, &tx_local);
		if (st->rxq[i].ring_len &&
		    (icemig_xlate_rxq_from_state(&st->rxq[i],
						 st->has_rxq_ctx ? &st->rxctx[i] : NULL,
						 &rx_local, &rx, &hw->rxdid[i],
						 &hw->rxdid_prio[i], &err) ||
		     icemig_xlate_rxq_ctx_pack(&rx, hw->rx[i], &err)))
			goto bad;
		if (st->txq[i].ring_len &&
		    (icemig_xlate_txq_from_state(&st->txq[i],
						 st->has_txq_ctx ? &st->txctx[i] : NULL,
						 &tx_local, &tx, &err) ||
		     icemig_xlate_txq_ctx_pack(&tx, hw->tx[i], &err)))
			goto bad;
	}
	return 0;
bad:
	pci_err(vf->pf->pdev, "VF %u: queue %u: the queue context cannot hold %s\n", vf->id, i,
		err.what ? err.what : "the state");
	return -EINVAL;
}

static bool sim_queue_eq(const struct icemig_queue *a, const struct icemig_queue *b)
{
	return a->base == b->base && a->ring_len == b->ring_len && a->head == b->head &&
	       a->tail == b->tail && a->buf_len == b->buf_len && a->flags == b->flags;
}

/*
 * Read the queue contexts back from the registers, as ice reads them at
 * save, and compare with @st. Tail, head of Tx (QTX_COMM_HEAD) and the
 * enable bits are not in the images and come from @st. Returns 0, or -EIO
 * (logged) when what comes back differs: the translation lost something.
 */
static int sim_hw_readback(struct sim_vf *vf, const struct icemig_vf_state *st)
{
	struct icemig_stream_err err = {};
	struct icemig_xlate_rlan_ctx rx;
	struct icemig_xlate_tlan_ctx tx;
	struct icemig_rxq_ctx rxc;
	struct icemig_txq_ctx txc;
	struct icemig_queue q;
	unsigned int i;

	for (i = 0; i < st->num_qps && i < ICEMIG_MAX_QP; i++) {
		if (st->rxq[i].ring_len) {
			icemig_xlate_rxq_ctx_unpack(vf->hw->rx[i], &rx);
			if (icemig_xlate_rxq_to_state(&rx, vf->hw->rxdid[i],
						      vf->hw->rxdid_prio[i], st->rxq[i].tail,
						      st->rxq[i].flags & ICEMIG_QUEUE_F_ENABLED,
						      &q, &rxc, &err) ||
			    !sim_queue_eq(&q, &st->rxq[i]) ||
			    (st->has_rxq_ctx && memcmp(&rxc, &st->rxctx[i], sizeof(rxc))))
				goto bad;
		}
		if (st->txq[i].ring_len) {
			icemig_xlate_txq_ctx_unpack(vf->hw->tx[i], &tx);
			if (icemig_xlate_txq_to_state(&tx, st->txq[i].head, st->txq[i].tail,
						      st->txq[i].flags & ICEMIG_QUEUE_F_ENABLED,
						      &q, &txc, &err) ||
			    !sim_queue_eq(&q, &st->txq[i]) ||
			    (st->has_txq_ctx &&
			     (txc.flags != st->txctx[i].flags ||
			      txc.cache_prof_idx != st->txctx[i].cache_prof_idx)))
				goto bad;
		}
	}
	return 0;
bad:
	pci_err(vf->pf->pdev, "VF %u: queue %u: context read back differs from the state (%s)\n",
		vf->id, i, err.what ? err.what : "values");
	return -EIO;
}

/* ---- capacity and compatibility ---- */

/* The VF state of VF @vf, or NULL if its PF is not ours. Caller holds sim_lock. */
static struct sim_vf *sim_find_vf(struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);
	struct sim_pf *spf;
	int id = pci_iov_vf_id(vf);

	lockdep_assert_held(&sim_lock);
	if (!vf->is_virtfn || id < 0)
		return NULL;
	list_for_each_entry(spf, &sim_pfs, list)
		if (spf->pdev == pf)
			return (unsigned int)id < spf->num_vfs ? &spf->vfs[id] : NULL;
	return NULL;
}

static void sim_describe_locked(struct sim_vf *vf, const struct icemig_vf_state *st,
				struct icemig_compat *c)
{
	struct sim_caps caps;

	mutex_lock(&vf->pf->caps_lock);
	caps = vf->pf->caps;
	mutex_unlock(&vf->pf->caps_lock);
	c->max_qps = min(c->max_qps, caps.max_qps);
	c->max_msix = min(c->max_msix, caps.max_msix);
	c->max_mac_filters = min(c->max_mac_filters, caps.max_mac_filters);
	c->max_vlan_filters = min(c->max_vlan_filters, caps.max_vlan_filters);
	c->rss_lut_size = caps.rss_lut_size;
	icemig_compat_set_used(c, st);
}

/*
 * Can this VF take @st? The same compare function as the destination hook
 * and icemig compat check (Contract 3): the state's needs against this VF's
 * descriptor. Caller holds vf->lock.
 */
static int sim_check_fits(struct sim_vf *vf, const struct icemig_vf_state *st,
			  const char *what)
{
	struct icemig_compat_err err = {};
	struct pci_dev *pdev = vf->pf->pdev;
	struct icemig_compat dst;

	icemig_compat_init(&dst, sim_provider_name, 0, 0);
	sim_describe_locked(vf, &vf->st, &dst);
	if (!icemig_compat_check_state(&dst, st, &err))
		return 0;
	pci_err(pdev, "VF %u: %s: incompatible %s: needs %llu, this VF offers %llu\n",
		vf->id, what, err.field, err.src, err.dst);
	return -EINVAL;
}

static int sim_describe(struct pci_dev *pdev, struct icemig_compat *c)
{
	struct sim_vf *vf;
	int ret = -ENODEV;

	mutex_lock(&sim_lock);
	vf = sim_find_vf(pdev);
	if (vf) {
		mutex_lock(&vf->lock);
		sim_describe_locked(vf, &vf->st, c);
		mutex_unlock(&vf->lock);
		ret = 0;
	}
	mutex_unlock(&sim_lock);
	return ret;
}

/* ---- provider ops ---- */

static void *sim_open(struct pci_dev *pdev)
{
	struct sim_vf *vf;
	void *h;

	mutex_lock(&sim_lock);
	vf = sim_find_vf(pdev);
	if (!vf) {
		h = ERR_PTR(-ENODEV);
		goto out;
	}
	mutex_lock(&vf->lock);
	if (vf->open) {
		h = ERR_PTR(-EBUSY);
	} else {
		vf->open = true;
		vf->calls.opens++;
		sim_vf_set_running(vf, true);
		h = vf;
	}
	mutex_unlock(&vf->lock);
out:
	mutex_unlock(&sim_lock);
	return h;
}

static void sim_close(void *h)
{
	struct sim_vf *vf = h;

	mutex_lock(&vf->lock);
	vf->calls.closes++;
	sim_vf_set_running(vf, false);
	vf->open = false;
	mutex_unlock(&vf->lock);
}

/*
 * Stop the VF. With @capture its volatile state is kept for save (here:
 * the statistics are brought up to date and frozen; an E810 provider reads
 * the Tx queue heads before stopping the rings); the "captures" counter
 * shows how often that was asked.
 */
static int sim_suspend(void *h, bool capture)
{
	struct sim_vf *vf = h;
	int ret = 0;

	mutex_lock(&vf->lock);
	vf->calls.suspends++;
	if (sim_fault(vf, SIM_FAULT_FAIL_SUSPEND)) {
		ret = -EIO;
	} else {
		sim_vf_set_running(vf, false);
		vf->captured = capture;
		if (capture)
			vf->calls.captures++;
	}
	mutex_unlock(&vf->lock);
	return ret;
}

static int sim_resume(void *h)
{
	struct sim_vf *vf = h;
	int ret = 0;

	mutex_lock(&vf->lock);
	vf->calls.resumes++;
	if (sim_fault(vf, SIM_FAULT_FAIL_RESUME))
		ret = -EIO;
	else
		sim_vf_set_running(vf, true);
	mutex_unlock(&vf->lock);
	return ret;
}

static ssize_t sim_save_size(void *h, u32 flags)
{
	struct sim_vf *vf = h;
	u32 size;
	int ret;

	mutex_lock(&vf->lock);
	ret = icemig_stream_size(&vf->st, flags, &size);
	mutex_unlock(&vf->lock);
	return ret ? ret : size;
}

static u64 sim_config_gen(void *h)
{
	struct sim_vf *vf = h;
	u64 gen;

	mutex_lock(&vf->lock);
	gen = vf->gen;
	mutex_unlock(&vf->lock);
	return gen;
}

static ssize_t sim_save(void *h, u32 flags, void *buf, size_t size)
{
	struct sim_vf *vf = h;
	u32 delay_us, used;
	int ret;

	mutex_lock(&vf->lock);
	delay_us = vf->delay_save_us;
	mutex_unlock(&vf->lock);
	if (delay_us)
		fsleep(delay_us);
	mutex_lock(&vf->lock);
	vf->calls.saves++;
	if (sim_fault(vf, SIM_FAULT_FAIL_SAVE)) {
		mutex_unlock(&vf->lock);
		return -ENOMEM;
	}
	sim_vf_sync(vf);
	ret = sim_hw_readback(vf, &vf->st);
	if (ret) {
		mutex_unlock(&vf->lock);
		return ret;
	}
	if (vf->st.has_vf_ext)
		vf->st.config_gen = vf->gen;
	ret = icemig_stream_encode(&vf->st, flags, buf, min_t(size_t, size, U32_MAX), &used);
	if (ret || (flags & ICEMIG_STREAM_F_PRECOPY)) {
		/* Previews are neither recorded nor corrupted. */
		mutex_unlock(&vf->lock);
		return ret ? ret : used;
	}
	sim_snapshot(&vf->saved, &vf->st, used);
	/* Test fault: one flipped bit in the last payload byte. */
	if (sim_fault(vf, SIM_FAULT_CORRUPT_SAVE))
		((u8 *)buf)[used - 1] ^= 0x01;
	mutex_unlock(&vf->lock);
	return ret ? ret : used;
}

/*
 * The state VF @vf takes from a loaded @st, into @out (stream 1.2): a
 * stream without IRQ or MBX_RING leaves this VF's registers as they are
 * (vectors it did not have start at zero; the mailbox rings are kept only
 * while the stream has MBX, the record's condition). A Tx queue whose tail
 * the source could not read (TXQ_CTX TAIL_UNKNOWN, its tail then equal to
 * its head) gets that tail here; this PF knows its tails, so the flag is
 * not kept. Caller holds vf->lock.
 */
static void sim_load_state(const struct sim_vf *vf, const struct icemig_vf_state *st,
			   struct icemig_vf_state *out)
{
	const struct icemig_vf_state *cur = &vf->st;
	unsigned int i;

	*out = *st;
	for (i = 0; i < ICEMIG_MAX_QP; i++)
		out->txctx[i].flags &= ~ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN;
	if (!st->has_irq && cur->has_irq && st->num_msix) {
		out->has_irq = 1;
		for (i = 0; i < st->num_msix && i < cur->num_msix && i < ICEMIG_MAX_MSIX; i++)
			out->irq[i] = cur->irq[i];
	}
	if (!st->has_mbx_ring && st->has_mbx && cur->has_mbx_ring) {
		out->has_mbx_ring = 1;
		out->mbx_ring = cur->mbx_ring;
	}
}

/*
 * Can this suspended VF take @st? Everything sim_load_apply() needs is
 * checked here, on the state the VF would take (sim_load_state()); nothing
 * changes.
 */
static int sim_load_validate(void *h, const struct icemig_vf_state *st)
{
	struct sim_vf *vf = h;
	struct icemig_stream_err err = {};
	int ret = 0;

	mutex_lock(&vf->lock);
	vf->calls.loads++;
	if (sim_fault(vf, SIM_FAULT_FAIL_LOAD))
		ret = -EINVAL;
	else if (icemig_state_check(st, &err))
		ret = -EINVAL;
	else
		ret = sim_check_fits(vf, st, "load");
	if (!ret) {
		sim_load_state(vf, st, vf->load);
		if (icemig_state_check(vf->load, &err))
			ret = -EINVAL;
	}
	if (!ret) {
		struct sim_hw *hw = kzalloc(sizeof(*hw), GFP_KERNEL);

		ret = hw ? sim_hw_program(vf, vf->load, hw) : -ENOMEM;
		kfree(hw);
	}
	mutex_unlock(&vf->lock);
	if (ret && err.what)
		pci_err(vf->pf->pdev, "VF %u: refusing device state: %s\n", vf->id, err.what);
	return ret;
}

/*
 * Apply @st in the documented replay order (icemig_provider.h). The test
 * fault fail_apply stops after the VF info, as a real PF could fail part
 * way, and leaves the VF half loaded.
 */
static int sim_load_apply(void *h, const struct icemig_vf_state *st)
{
	struct sim_vf *vf = h;
	u32 size = 0;

	mutex_lock(&vf->lock);
	vf->gen++;
	if (sim_fault(vf, SIM_FAULT_FAIL_APPLY)) {
		memcpy(vf->st.mac, st->mac, sizeof(vf->st.mac));
		vf->st.trust = st->trust;
		vf->st.spoofchk = st->spoofchk;
		vf->st.link_state = st->link_state;
		vf->st.port_vlan = st->port_vlan;
		mutex_unlock(&vf->lock);
		return -EIO;
	}
	/* Validated by sim_load_validate(): programming cannot fail here. */
	sim_load_state(vf, st, vf->load);
	if (sim_hw_program(vf, vf->load, vf->hw)) {
		mutex_unlock(&vf->lock);
		return -EIO;
	}
	vf->st = *vf->load;
	/* The counter keeps growing across a migration. */
	vf->gen = max(vf->gen, st->config_gen) + 1;
	vf->st.config_gen = 0;
	vf->run_since_ns = ktime_get_ns();
	/* The bytes of the stream loaded (not of what this VF kept besides). */
	icemig_stream_size(st, 0, &size);
	sim_snapshot(&vf->loaded, &vf->st, size);
	mutex_unlock(&vf->lock);
	return 0;
}

/* The VF's queues were reset: disabled; statistics stay. Caller holds vf->lock. */
static void sim_vf_reset_queues(struct sim_vf *vf)
{
	unsigned int i;

	for (i = 0; i < ICEMIG_MAX_QP; i++) {
		vf->st.txq[i].flags &= ~ICEMIG_QUEUE_F_ENABLED;
		vf->st.rxq[i].flags &= ~ICEMIG_QUEUE_F_ENABLED;
	}
	vf->gen++;
	vf->captured = false;
	sim_vf_set_running(vf, true);
}

static void sim_reset(void *h)
{
	struct sim_vf *vf = h;

	mutex_lock(&vf->lock);
	vf->calls.resets++;
	sim_vf_reset_queues(vf);
	mutex_unlock(&vf->lock);
}

static const struct icemig_provider_ops sim_ops = {
	.describe = sim_describe,
	.open = sim_open,
	.close = sim_close,
	.suspend = sim_suspend,
	.resume = sim_resume,
	.save_size = sim_save_size,
	.save = sim_save,
	.config_gen = sim_config_gen,
	.load_validate = sim_load_validate,
	.load_apply = sim_load_apply,
	.reset = sim_reset,
};

static const struct icemig_provider sim_provider = {
	.api_version = ICEMIG_PROVIDER_API_VERSION,
	.name = sim_provider_name,
	.owner = THIS_MODULE,
	.ops = &sim_ops,
};

/* ---- debugfs ---- */

#define SIM_TEXT_MAX 16384

struct sim_buf {
	char *p;
	int len;
};

static __printf(2, 3) void sim_printf(struct sim_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	b->len += vscnprintf(b->p + b->len, SIM_TEXT_MAX - b->len, fmt, ap);
	va_end(ap);
}

/* The stream 1.1 members (config_gen is a counter, not shown). */
static void sim_print_v11(struct sim_buf *b, const struct icemig_vf_state *st)
{
	const struct icemig_vlan_v2 *v = &st->vlan_v2;
	unsigned int i;

	sim_printf(b, "vf_ext=%u\n", st->has_vf_ext);
	if (st->has_vf_ext)
		sim_printf(b, "pf_set_mac=%u\npromisc=%u\nport_vlan_prio=%u\nport_vlan_tpid=0x%x\n"
			   "driver_caps=0x%08x\nmin_tx_rate=%u\nmax_tx_rate=%u\nopcodes=0x%llx\n"
			   "rss_hfunc=%u\n", st->pf_set_mac, st->promisc, st->port_vlan_prio,
			   st->port_vlan_tpid, st->driver_caps, st->min_tx_rate, st->max_tx_rate,
			   st->opcodes, st->rss_hfunc);
	if (st->has_vlan_v2)
		sim_printf(b,
			   "vlan_v2=0x%x:0x%x:0x%x:0x%x:0x%x:0x%x:%u:0x%x:0x%x:0x%x:0x%x:%u:%u\n",
			   v->filtering_outer, v->filtering_inner, v->stripping_outer,
			   v->stripping_inner, v->insertion_outer, v->insertion_inner,
			   v->max_filters, v->strip_outer_tpid, v->strip_inner_tpid,
			   v->insert_outer_tpid, v->insert_inner_tpid, v->flags,
			   v->ethertype_match);
	else
		sim_printf(b, "vlan_v2=none\n");
	sim_printf(b, "rxq_ctx=%u\ntxq_ctx=%u\n", st->has_rxq_ctx, st->has_txq_ctx);
	for (i = 0; st->has_rxq_ctx && i < st->num_qps; i++) {
		const struct icemig_rxq_ctx *r = &st->rxctx[i];

		sim_printf(b, "rxctx%u=%u:%u:%u:%u:%u:%u:%u:%u:0x%x\n", i, r->max_frame,
			   r->hbuf_len, r->rxdid, r->rxdid_prio, r->dtype, r->hsplit_0,
			   r->hsplit_1, r->lrxqthresh, r->flags);
	}
	for (i = 0; st->has_txq_ctx && i < st->num_qps; i++)
		sim_printf(b, "txctx%u=0x%x:%u\n", i, st->txctx[i].flags,
			   st->txctx[i].cache_prof_idx);
}

/* The stream 1.2 members: interrupt registers, mailbox rings. */
static void sim_print_v12(struct sim_buf *b, const struct icemig_vf_state *st)
{
	unsigned int i;

	sim_printf(b, "irq=%u\n", st->has_irq);
	for (i = 0; st->has_irq && i < st->num_msix && i < ICEMIG_MAX_MSIX; i++) {
		const struct icemig_irq *q = &st->irq[i];

		sim_printf(b, "irq%u=0x%x:%u:%u:%u:%u:%u:%u\n", i, q->flags, q->itr_idx,
			   q->sw_itr_idx, q->interval, q->itr[0], q->itr[1], q->itr[2]);
	}
	if (st->has_mbx_ring)
		sim_printf(b, "mbx_ring=0x%llx:0x%llx:0x%x\n", st->mbx_ring.asq_base,
			   st->mbx_ring.arq_base, st->mbx_ring.flags);
	else
		sim_printf(b, "mbx_ring=none\n");
}

static void sim_print_state(struct sim_buf *b, const struct icemig_vf_state *st)
{
	unsigned int i, j;

	sim_printf(b, "mac=%pM\ntrust=%u\nspoofchk=%u\nlink_state=%u\nport_vlan=%u\n"
		   "num_qps=%u\nnum_msix=%u\nvc_api=%u.%u\nvc_caps=0x%08x\n",
		   st->mac, st->trust, st->spoofchk, st->link_state, st->port_vlan,
		   st->num_qps, st->num_msix, st->vc_api_major, st->vc_api_minor,
		   st->vc_caps);
	for (i = 0; i < st->num_qps; i++) {
		const struct icemig_queue *q = &st->txq[i];

		sim_printf(b, "txq%u=0x%llx:%u:%u:%u:%u\n", i, q->base, q->ring_len,
			   q->head, q->tail, q->flags);
	}
	for (i = 0; i < st->num_qps; i++) {
		const struct icemig_queue *q = &st->rxq[i];

		sim_printf(b, "rxq%u=0x%llx:%u:%u:%u:%u:%u\n", i, q->base, q->ring_len,
			   q->head, q->tail, q->buf_len, q->flags);
	}
	sim_printf(b, "num_msix_maps=%u\n", st->num_msix_maps);
	for (i = 0; i < st->num_msix_maps; i++) {
		const struct icemig_msix_map *m = &st->msix[i];

		sim_printf(b, "msix%u=%u:0x%x:0x%x:%u:%u\n", i, m->vector, m->rxq_map,
			   m->txq_map, m->rx_itr, m->tx_itr);
	}
	if (st->has_rss) {
		sim_printf(b, "rss=0x%llx:%*phN\n", st->rss_hena, st->rss_lut_len, st->rss_lut);
		sim_printf(b, "rss_key=%*phN\n", ICEMIG_RSS_KEY_LEN, st->rss_key);
	} else {
		sim_printf(b, "rss=off\n");
	}
	sim_printf(b, "mac_filters=");
	for (i = 0; i < st->num_macs; i++)
		sim_printf(b, "%s%pM/%u", i ? "," : "", st->macs[i].addr, st->macs[i].flags);
	sim_printf(b, "%s\nvlan_filters=", st->num_macs ? "" : "none");
	for (i = 0; i < st->num_vlans; i = j) {
		/* Print runs as ranges: 1-256 rather than 256 IDs. */
		for (j = i + 1; j < st->num_vlans && st->vlans[j] == st->vlans[j - 1] + 1; j++)
			;
		if (j - i > 1)
			sim_printf(b, "%s%u-%u", i ? "," : "", st->vlans[i], st->vlans[j - 1]);
		else
			sim_printf(b, "%s%u", i ? "," : "", st->vlans[i]);
	}
	sim_printf(b, "%s\n", st->num_vlans ? "" : "none");
	if (st->has_mbx)
		sim_printf(b, "mbx=%u:%u:%u:%u:%u:%u:%u\n", st->mbx.last_opcode,
			   st->mbx.asq_len, st->mbx.asq_head, st->mbx.asq_tail,
			   st->mbx.arq_len, st->mbx.arq_head, st->mbx.arq_tail);
	else
		sim_printf(b, "mbx=none\n");
	sim_print_v11(b, st);
	sim_print_v12(b, st);
	sim_printf(b, "rx_packets=%llu\nrx_bytes=%llu\ntx_packets=%llu\ntx_bytes=%llu\n",
		   st->rx_packets, st->rx_bytes, st->tx_packets, st->tx_bytes);
}

static ssize_t sim_state_read(struct file *f, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	struct sim_buf b = {};
	ssize_t ret;

	b.p = kvmalloc(SIM_TEXT_MAX, GFP_KERNEL);
	if (!b.p)
		return -ENOMEM;
	mutex_lock(&vf->lock);
	sim_vf_sync(vf);
	sim_print_state(&b, &vf->st);
	sim_printf(&b, "running=%u\n", vf->running);
	mutex_unlock(&vf->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, b.p, b.len);
	kvfree(b.p);
	return ret;
}

/* Parse up to @n unsigned numbers separated by ':' into @v; all of @n. */
/* The most numbers one state token carries (rxq_ctx<i>) */
#define SIM_MAX_NUMS	9

static int sim_parse_nums(char *val, u64 *v, unsigned int n, u64 max)
{
	unsigned int i;
	char *tok;

	for (i = 0; i < n; i++) {
		tok = strsep(&val, ":");
		if (!tok || kstrtou64(tok, 0, &v[i]) || v[i] > max)
			return -EINVAL;
	}
	return val ? -EINVAL : 0;
}

/* sim_parse_nums() into an array, @n checked against its size at build time */
#define sim_parse_x(val, arr, n, max) \
	(BUILD_BUG_ON_ZERO((n) > ARRAY_SIZE(arr)) + \
	 sim_parse_nums(val, arr, n, max))

static int sim_parse_queue(char *val, struct icemig_queue *q, bool rx)
{
	u64 v[6];
	char *base = strsep(&val, ":");

	if (!base || !val || kstrtou64(base, 0, &v[0]))
		return -EINVAL;
	if (sim_parse_nums(val, v + 1, rx ? 5 : 4, U16_MAX))
		return -EINVAL;
	q->base = v[0];
	q->ring_len = v[1];
	q->head = v[2];
	q->tail = v[3];
	q->buf_len = rx ? v[4] : 0;
	q->flags = rx ? v[5] : v[4];
	return 0;
}

static int sim_parse_hex(const char *hex, u8 *out, unsigned int max, unsigned int *n)
{
	size_t len = strlen(hex);

	if (!len || len % 2 || len / 2 > max || hex2bin(out, hex, len / 2))
		return -EINVAL;
	*n = len / 2;
	return 0;
}

static int sim_parse_macs(char *val, struct icemig_vf_state *st)
{
	char *tok, *fl;
	u16 n = 0;

	if (!strcmp(val, "none")) {
		st->num_macs = 0;
		memset(st->macs, 0, sizeof(st->macs));
		return 0;
	}
	while ((tok = strsep(&val, ","))) {
		unsigned int flags = 0;

		if (n >= ICEMIG_MAX_MAC_FILTERS)
			return -EINVAL;
		fl = strchr(tok, '/');
		if (fl) {
			*fl++ = '\0';
			if (kstrtouint(fl, 0, &flags) || flags > U16_MAX)
				return -EINVAL;
		}
		if (!mac_pton(tok, st->macs[n].addr))
			return -EINVAL;
		st->macs[n++].flags = flags;
	}
	st->num_macs = n;
	memset(&st->macs[n], 0, sizeof(st->macs) - n * sizeof(st->macs[0]));
	return 0;
}

static int sim_parse_vlans(char *val, struct icemig_vf_state *st)
{
	unsigned int lo, hi, v;
	char *tok, *dash;
	u16 n = 0;

	if (strcmp(val, "none")) {
		while ((tok = strsep(&val, ","))) {
			dash = strchr(tok, '-');
			if (dash)
				*dash++ = '\0';
			if (kstrtouint(tok, 10, &lo) || (dash && kstrtouint(dash, 10, &hi)))
				return -EINVAL;
			if (!dash)
				hi = lo;
			if (hi < lo || hi > 4095 || hi - lo >= ICEMIG_MAX_VLAN_FILTERS - n)
				return -EINVAL;
			for (v = lo; v <= hi; v++)
				st->vlans[n++] = v;
		}
	}
	st->num_vlans = n;
	memset(&st->vlans[n], 0, sizeof(st->vlans) - n * sizeof(st->vlans[0]));
	return 0;
}

static void sim_state_defaults(struct sim_vf *vf, struct icemig_vf_state *st);
static void sim_vf_reset_queues(struct sim_vf *vf);

/* vf_ext=0 drops the whole record (config_gen too), vf_ext=1 keeps it. */
static void sim_set_vf_ext(struct icemig_vf_state *st, bool on)
{
	st->has_vf_ext = on;
	if (on)
		return;
	st->pf_set_mac = 0;
	st->promisc = 0;
	st->port_vlan_prio = 0;
	st->port_vlan_tpid = 0;
	st->driver_caps = 0;
	st->min_tx_rate = 0;
	st->max_tx_rate = 0;
	st->opcodes = 0;
	st->config_gen = 0;
	st->rss_hfunc = 0;
}

static int sim_apply_token(struct icemig_vf_state *st, char *tok)
{
	char *val = strchr(tok, '=');
	unsigned int u, v, n;
	u64 x[SIM_MAX_NUMS];

	if (!val)
		return -EINVAL;
	*val++ = '\0';

	if (!strcmp(tok, "mac"))
		return mac_pton(val, st->mac) ? 0 : -EINVAL;
	if ((!strncmp(tok, "txq", 3) || !strncmp(tok, "rxq", 3)) && isdigit(tok[3])) {
		bool rx = tok[0] == 'r';

		if (kstrtouint(tok + 3, 10, &u) || u >= ICEMIG_MAX_QP)
			return -EINVAL;
		return sim_parse_queue(val, rx ? &st->rxq[u] : &st->txq[u], rx);
	}
	if (!strncmp(tok, "msix", 4) && tok[4] >= '0' && tok[4] <= '9') {
		if (kstrtouint(tok + 4, 10, &u) || u >= ICEMIG_MAX_MSIX ||
		    sim_parse_x(val, x, 5, U16_MAX) || x[3] > U8_MAX || x[4] > U8_MAX)
			return -EINVAL;
		st->msix[u] = (struct icemig_msix_map){ .vector = x[0], .rxq_map = x[1],
							.txq_map = x[2], .rx_itr = x[3],
							.tx_itr = x[4] };
		return 0;
	}
	if (!strcmp(tok, "rss")) {
		char *lut;

		if (!strcmp(val, "off")) {
			st->has_rss = 0;
			st->rss_hfunc = 0;
			st->rss_hena = 0;
			st->rss_lut_len = 0;
			memset(st->rss_lut, 0, sizeof(st->rss_lut));
			return 0;
		}
		lut = strchr(val, ':');
		if (!lut)
			return -EINVAL;
		*lut++ = '\0';
		memset(st->rss_lut, 0, sizeof(st->rss_lut));
		if (kstrtou64(val, 0, &st->rss_hena) ||
		    sim_parse_hex(lut, st->rss_lut, ICEMIG_RSS_LUT_MAX, &n))
			return -EINVAL;
		st->rss_lut_len = n;
		st->has_rss = 1;
		return 0;
	}
	if (!strcmp(tok, "rss_key"))
		return sim_parse_hex(val, st->rss_key, ICEMIG_RSS_KEY_LEN, &n) ||
		       n != ICEMIG_RSS_KEY_LEN ? -EINVAL : 0;
	if (!strcmp(tok, "mac_filters"))
		return sim_parse_macs(val, st);
	if (!strcmp(tok, "vlan_filters"))
		return sim_parse_vlans(val, st);
	if (!strcmp(tok, "mbx")) {
		if (!strcmp(val, "none")) {
			st->has_mbx = 0;
			memset(&st->mbx, 0, sizeof(st->mbx));
			/* No mailbox, no rings. */
			st->has_mbx_ring = 0;
			memset(&st->mbx_ring, 0, sizeof(st->mbx_ring));
			return 0;
		}
		if (sim_parse_x(val, x, 7, U32_MAX) || x[1] > U16_MAX || x[2] > U16_MAX ||
		    x[3] > U16_MAX || x[4] > U16_MAX || x[5] > U16_MAX || x[6] > U16_MAX)
			return -EINVAL;
		/* A mailbox set up now has ring registers, at their reset values. */
		if (!st->has_mbx) {
			st->has_mbx_ring = 1;
			memset(&st->mbx_ring, 0, sizeof(st->mbx_ring));
		}
		st->mbx = (struct icemig_mbx){ .last_opcode = x[0], .asq_len = x[1],
					       .asq_head = x[2], .asq_tail = x[3],
					       .arq_len = x[4], .arq_head = x[5],
					       .arq_tail = x[6] };
		st->has_mbx = 1;
		return 0;
	}
	if (!strncmp(tok, "irq", 3) && isdigit(tok[3])) {
		if (kstrtouint(tok + 3, 10, &u) || u >= ICEMIG_MAX_MSIX ||
		    sim_parse_x(val, x, 7, U16_MAX) || x[0] > U8_MAX || x[1] > U8_MAX ||
		    x[2] > U8_MAX)
			return -EINVAL;
		st->irq[u] = (struct icemig_irq){ .flags = x[0], .itr_idx = x[1],
						  .sw_itr_idx = x[2], .interval = x[3],
						  .itr = { x[4], x[5], x[6] } };
		return 0;
	}
	if (!strcmp(tok, "mbx_ring")) {
		if (!strcmp(val, "none")) {
			st->has_mbx_ring = 0;
			memset(&st->mbx_ring, 0, sizeof(st->mbx_ring));
			return 0;
		}
		if (sim_parse_x(val, x, 3, U64_MAX) || x[2] > U16_MAX)
			return -EINVAL;
		st->mbx_ring = (struct icemig_mbx_ring){ .asq_base = x[0], .arq_base = x[1],
							 .flags = x[2] };
		st->has_mbx_ring = 1;
		return 0;
	}
	if (!strncmp(tok, "rxctx", 5) || !strncmp(tok, "txctx", 5)) {
		if (kstrtouint(tok + 5, 10, &u) || u >= ICEMIG_MAX_QP)
			return -EINVAL;
		if (tok[0] == 'r') {
			if (sim_parse_x(val, x, 9, U16_MAX) || x[2] > U8_MAX || x[3] > U8_MAX ||
			    x[4] > U8_MAX || x[5] > U8_MAX || x[6] > U8_MAX || x[7] > U8_MAX)
				return -EINVAL;
			st->rxctx[u] = (struct icemig_rxq_ctx){
				.max_frame = x[0], .hbuf_len = x[1], .rxdid = x[2],
				.rxdid_prio = x[3], .dtype = x[4], .hsplit_0 = x[5],
				.hsplit_1 = x[6], .lrxqthresh = x[7], .flags = x[8] };
			return 0;
		}
		if (sim_parse_x(val, x, 2, U16_MAX) || x[1] > U8_MAX)
			return -EINVAL;
		st->txctx[u] = (struct icemig_txq_ctx){ .flags = x[0], .cache_prof_idx = x[1] };
		return 0;
	}
	if (!strcmp(tok, "vlan_v2")) {
		struct icemig_vlan_v2 *v = &st->vlan_v2;
		u64 y[13];

		if (!strcmp(val, "none")) {
			st->has_vlan_v2 = 0;
			memset(v, 0, sizeof(*v));
			return 0;
		}
		if (sim_parse_nums(val, y, 13, U32_MAX))
			return -EINVAL;
		for (n = 6; n < 13; n++)
			if (y[n] > (n < 11 ? U16_MAX : U8_MAX))
				return -EINVAL;
		*v = (struct icemig_vlan_v2){
			.filtering_outer = y[0], .filtering_inner = y[1], .stripping_outer = y[2],
			.stripping_inner = y[3], .insertion_outer = y[4], .insertion_inner = y[5],
			.max_filters = y[6], .strip_outer_tpid = y[7], .strip_inner_tpid = y[8],
			.insert_outer_tpid = y[9], .insert_inner_tpid = y[10], .flags = y[11],
			.ethertype_match = y[12] };
		st->has_vlan_v2 = 1;
		return 0;
	}
	if (!strcmp(tok, "opcodes"))
		return kstrtou64(val, 0, &st->opcodes);
	if (!strcmp(tok, "vc_api")) {
		if (sscanf(val, "%u.%u", &u, &v) != 2 || u > U16_MAX || v > U16_MAX)
			return -EINVAL;
		st->vc_api_major = u;
		st->vc_api_minor = v;
		return 0;
	}
	if (!strcmp(tok, "rx_packets"))
		return kstrtou64(val, 0, &st->rx_packets);
	if (!strcmp(tok, "rx_bytes"))
		return kstrtou64(val, 0, &st->rx_bytes);
	if (!strcmp(tok, "tx_packets"))
		return kstrtou64(val, 0, &st->tx_packets);
	if (!strcmp(tok, "tx_bytes"))
		return kstrtou64(val, 0, &st->tx_bytes);
	if (kstrtou64(val, 0, &x[0]))
		return -EINVAL;
	if (!strcmp(tok, "rxq_ctx") || !strcmp(tok, "txq_ctx")) {
		bool rx = tok[0] == 'r';

		if (x[0] > 1)
			return -EINVAL;
		if (rx)
			st->has_rxq_ctx = x[0];
		else
			st->has_txq_ctx = x[0];
		if (!x[0] && rx)
			memset(st->rxctx, 0, sizeof(st->rxctx));
		else if (!x[0])
			memset(st->txctx, 0, sizeof(st->txctx));
		return 0;
	}
	if (!strcmp(tok, "irq")) {
		if (x[0] > 1)
			return -EINVAL;
		st->has_irq = x[0];
		if (!x[0])
			memset(st->irq, 0, sizeof(st->irq));
		return 0;
	}
	if (!strcmp(tok, "vc_caps") && x[0] <= U32_MAX)
		st->vc_caps = x[0];
	else if (!strcmp(tok, "trust") && x[0] <= 1)
		st->trust = x[0];
	else if (!strcmp(tok, "spoofchk") && x[0] <= 1)
		st->spoofchk = x[0];
	else if (!strcmp(tok, "link_state") && x[0] <= ICEMIG_LINK_DISABLE)
		st->link_state = x[0];
	else if (!strcmp(tok, "port_vlan") && x[0] <= 4095)
		st->port_vlan = x[0];
	else if (!strcmp(tok, "num_qps") && x[0] <= ICEMIG_MAX_QP)
		st->num_qps = x[0];
	else if (!strcmp(tok, "num_msix") && x[0] <= U16_MAX)
		st->num_msix = x[0];
	else if (!strcmp(tok, "num_msix_maps") && x[0] <= ICEMIG_MAX_MSIX)
		st->num_msix_maps = x[0];
	else if (!strcmp(tok, "vf_ext") && x[0] <= 1)
		sim_set_vf_ext(st, x[0]);
	else if (!strcmp(tok, "pf_set_mac") && x[0] <= U8_MAX)
		st->pf_set_mac = x[0];
	else if (!strcmp(tok, "promisc") && x[0] <= U8_MAX)
		st->promisc = x[0];
	else if (!strcmp(tok, "port_vlan_prio") && x[0] <= U8_MAX)
		st->port_vlan_prio = x[0];
	else if (!strcmp(tok, "port_vlan_tpid") && x[0] <= U16_MAX)
		st->port_vlan_tpid = x[0];
	else if (!strcmp(tok, "driver_caps") && x[0] <= U32_MAX)
		st->driver_caps = x[0];
	else if (!strcmp(tok, "min_tx_rate") && x[0] <= U32_MAX)
		st->min_tx_rate = x[0];
	else if (!strcmp(tok, "max_tx_rate") && x[0] <= U32_MAX)
		st->max_tx_rate = x[0];
	else if (!strcmp(tok, "rss_hfunc") && x[0] <= U8_MAX)
		st->rss_hfunc = x[0];
	else if (!strcmp(tok, "running"))
		return 0;	/* read-only; accepted so that read output writes back */
	else
		return -EINVAL;
	return 0;
}

static ssize_t sim_state_write(struct file *f, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	struct icemig_stream_err err = {};
	struct icemig_vf_state *st;
	struct sim_hw *hw = NULL;
	char *text, *p, *tok;
	unsigned int i;
	int ret = 0;

	if (count >= SIM_TEXT_MAX)
		return -EFBIG;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	st = kvmalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		kfree(text);
		return -ENOMEM;
	}

	mutex_lock(&vf->lock);
	sim_vf_sync(vf);
	*st = vf->st;
	p = text;
	while ((tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		/* "defaults": start from a fresh VF's state (counters kept). */
		if (!strcmp(tok, "defaults")) {
			u64 rxp = st->rx_packets, rxb = st->rx_bytes;
			u64 txp = st->tx_packets, txb = st->tx_bytes;

			sim_state_defaults(vf, st);
			st->rx_packets = rxp;
			st->rx_bytes = rxb;
			st->tx_packets = txp;
			st->tx_bytes = txb;
			continue;
		}
		ret = sim_apply_token(st, tok);
		if (ret) {
			pci_warn(vf->pf->pdev, "VF %u: debugfs: bad token '%s'\n", vf->id, tok);
			break;
		}
	}
	if (!ret) {
		/*
		 * As the PF admin commands do: a port VLAN set without a
		 * protocol is 802.1Q (ip link set ... vlan N), no port VLAN has
		 * no TPID, and a VF that loses trust loses its promiscuous modes
		 * (ice_set_vf_trust()).
		 */
		if (st->has_vf_ext && (st->port_vlan || st->port_vlan_prio)) {
			if (!st->port_vlan_tpid)
				st->port_vlan_tpid = 0x8100;
		} else {
			st->port_vlan_tpid = 0;
		}
		if (!st->trust)
			st->promisc = 0;
		/* Entries past a count are not state: keep them zero. */
		for (i = st->num_msix_maps; i < ICEMIG_MAX_MSIX; i++)
			memset(&st->msix[i], 0, sizeof(st->msix[i]));
		for (i = st->num_qps; i < ICEMIG_MAX_QP; i++) {
			memset(&st->rxctx[i], 0, sizeof(st->rxctx[i]));
			memset(&st->txctx[i], 0, sizeof(st->txctx[i]));
		}
		for (i = st->num_msix; i < ICEMIG_MAX_MSIX; i++)
			memset(&st->irq[i], 0, sizeof(st->irq[i]));
		/* This PF reads its Tx tails: it never leaves one unknown. */
		for (i = 0; i < ICEMIG_MAX_QP; i++)
			if (st->txctx[i].flags & ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN)
				err.what = "txq_ctx.tail_unknown";
		ret = err.what ? -EINVAL : icemig_state_check(st, &err);
		if (ret)
			pci_warn(vf->pf->pdev, "VF %u: debugfs: state rejected: %s\n",
				 vf->id, err.what);
	}
	if (!ret)
		ret = sim_check_fits(vf, st, "debugfs");
	if (!ret) {
		hw = kzalloc(sizeof(*hw), GFP_KERNEL);
		ret = hw ? sim_hw_program(vf, st, hw) : -ENOMEM;
	}
	if (!ret) {
		swap(vf->hw, hw);
		vf->st = *st;
		vf->gen++;
		vf->run_since_ns = ktime_get_ns();
	}
	mutex_unlock(&vf->lock);
	if (!ret)
		ice_vfio_pci_report_vf_event(vf->pf->pdev, vf->id, ICEMIG_VF_EVENT_CONFIG);
	kfree(hw);
	kvfree(st);
	kfree(text);
	return ret ? ret : count;
}

/*
 * "pf_reset": the PF resets the VF on its own, as ice does on a VF reset
 * request or a PF reset: queues disabled, the VF running again, and
 * ice_vfio_pci told (ICEMIG_VF_EVENT_RESET), which fails a migration in
 * progress.
 */
static ssize_t sim_pf_reset_write(struct file *f, const char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	bool open;

	mutex_lock(&vf->lock);
	vf->calls.pf_resets++;
	open = vf->open;
	sim_vf_reset_queues(vf);
	if (!open)
		sim_vf_set_running(vf, false);
	mutex_unlock(&vf->lock);
	pci_info(vf->pf->pdev, "VF %u: reset by the PF (test)\n", vf->id);
	ice_vfio_pci_report_vf_event(vf->pf->pdev, vf->id, ICEMIG_VF_EVENT_RESET);
	return count;
}

static const struct file_operations sim_pf_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_pf_reset_write,
	.llseek = default_llseek,
};

static const struct file_operations sim_state_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_state_read,
	.write = sim_state_write,
	.llseek = default_llseek,
};

static ssize_t sim_snap_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos, bool loaded)
{
	struct sim_vf *vf = f->private_data;
	struct sim_snapshot s;
	char buf[192];
	int len;

	mutex_lock(&vf->lock);
	s = loaded ? vf->loaded : vf->saved;
	mutex_unlock(&vf->lock);
	len = scnprintf(buf, sizeof(buf),
			"%s=%u bytes=%u rx_packets=%llu rx_bytes=%llu tx_packets=%llu tx_bytes=%llu\n",
			loaded ? "loads" : "saves", s.count, s.bytes, s.rx_packets, s.rx_bytes,
			s.tx_packets, s.tx_bytes);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t sim_saved_read(struct file *f, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	return sim_snap_read(f, ubuf, count, ppos, false);
}

static ssize_t sim_loaded_read(struct file *f, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	return sim_snap_read(f, ubuf, count, ppos, true);
}

static const struct file_operations sim_saved_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_saved_read,
	.llseek = default_llseek,
};

static const struct file_operations sim_loaded_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_loaded_read,
	.llseek = default_llseek,
};

static ssize_t sim_fault_read(struct file *f, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	char buf[160];
	unsigned int i;
	int len = 0;

	mutex_lock(&vf->lock);
	for (i = 0; i < ARRAY_SIZE(sim_fault_names); i++)
		if (vf->faults & BIT(i))
			len += scnprintf(buf + len, sizeof(buf) - len, "%s ", sim_fault_names[i]);
	if (vf->delay_save_us)
		len += scnprintf(buf + len, sizeof(buf) - len, "delay_save=%u ",
				 vf->delay_save_us);
	mutex_unlock(&vf->lock);
	if (!len)
		len = scnprintf(buf, sizeof(buf), "none ");
	buf[len - 1] = '\n';
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t sim_fault_write(struct file *f, const char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	u32 faults, delay_us;
	char *text, *p, *tok;
	unsigned int i;
	int ret = 0;

	if (count >= 256)
		return -EINVAL;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	mutex_lock(&vf->lock);
	faults = vf->faults;
	delay_us = vf->delay_save_us;
	p = text;
	while (!ret && (tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		if (!strcmp(tok, "none")) {
			faults = 0;
			delay_us = 0;
			continue;
		}
		if (!strncmp(tok, "delay_save=", 11)) {
			if (kstrtou32(tok + 11, 0, &delay_us) || delay_us > USEC_PER_SEC)
				ret = -EINVAL;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(sim_fault_names); i++)
			if (!strcmp(tok, sim_fault_names[i]))
				break;
		if (i == ARRAY_SIZE(sim_fault_names))
			ret = -EINVAL;
		else
			faults |= BIT(i);
	}
	if (!ret) {
		vf->faults = faults;
		vf->delay_save_us = delay_us;
	}
	mutex_unlock(&vf->lock);
	kfree(text);
	return ret ? ret : count;
}

static ssize_t sim_counters_read(struct file *f, char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	struct sim_counters c;
	char buf[160];
	int len;

	mutex_lock(&vf->lock);
	c = vf->calls;
	mutex_unlock(&vf->lock);
	len = scnprintf(buf, sizeof(buf),
			"opens=%u closes=%u suspends=%u captures=%u resumes=%u saves=%u loads=%u resets=%u pf_resets=%u\n",
			c.opens, c.closes, c.suspends, c.captures, c.resumes, c.saves, c.loads,
			c.resets, c.pf_resets);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations sim_counters_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_counters_read,
	.llseek = default_llseek,
};

static const struct file_operations sim_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_fault_read,
	.write = sim_fault_write,
	.llseek = default_llseek,
};

static ssize_t sim_caps_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	struct sim_pf *spf = f->private_data;
	struct sim_caps c;
	char buf[160];
	int len;

	mutex_lock(&spf->caps_lock);
	c = spf->caps;
	mutex_unlock(&spf->caps_lock);
	len = scnprintf(buf, sizeof(buf),
			"max_qps=%u\nmax_msix=%u\nmax_mac_filters=%u\nmax_vlan_filters=%u\nrss_lut_size=%u\n",
			c.max_qps, c.max_msix, c.max_mac_filters, c.max_vlan_filters,
			c.rss_lut_size);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t sim_caps_write(struct file *f, const char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct sim_pf *spf = f->private_data;
	char *text, *p, *tok, *val;
	struct sim_caps c;
	unsigned int v;
	int ret = 0;

	if (count >= 1024)
		return -EFBIG;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	mutex_lock(&spf->caps_lock);
	c = spf->caps;
	p = text;
	while (!ret && (tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val || kstrtouint(val + 1, 0, &v)) {
			ret = -EINVAL;
			break;
		}
		*val = '\0';
		if (!strcmp(tok, "max_qps") && v >= 1 && v <= ICEMIG_MAX_QP)
			c.max_qps = v;
		else if (!strcmp(tok, "max_msix") && v <= ICEMIG_MAX_MSIX)
			c.max_msix = v;
		else if (!strcmp(tok, "max_mac_filters") && v <= ICEMIG_MAX_MAC_FILTERS)
			c.max_mac_filters = v;
		else if (!strcmp(tok, "max_vlan_filters") && v <= ICEMIG_MAX_VLAN_FILTERS)
			c.max_vlan_filters = v;
		else if (!strcmp(tok, "rss_lut_size") && v >= 1 && v <= ICEMIG_RSS_LUT_MAX)
			c.rss_lut_size = v;
		else
			ret = -EINVAL;
	}
	if (!ret)
		spf->caps = c;
	mutex_unlock(&spf->caps_lock);
	kfree(text);
	return ret ? ret : count;
}

static const struct file_operations sim_caps_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_caps_read,
	.write = sim_caps_write,
	.llseek = default_llseek,
};

/* ---- attach / detach ---- */

/* A fresh VF: locally administered MAC, one unconfigured queue pair. */
static void sim_state_defaults(struct sim_vf *vf, struct icemig_vf_state *st)
{
	memset(st, 0, sizeof(*st));
	st->mac[0] = 0x02;
	st->mac[3] = vf->pf->pdev->bus->number;
	st->mac[4] = vf->pf->pdev->devfn;
	st->mac[5] = vf->id;
	st->spoofchk = 1;
	st->num_qps = 1;
	st->num_msix = 2;
	st->vc_api_major = 1;
	st->vc_api_minor = 1;
	st->has_stats = 1;
	/*
	 * The 1.1 records, so that every migration in the rig carries them:
	 * the opcodes ice allows before VIRTCHNL_OP_GET_VF_RESOURCES
	 * (VERSION, RESET_VF, GET_VF_RESOURCES), VLAN v2 offered for inner
	 * 802.1Q tags with stripping on, and queue 0's details as ice sets
	 * them up (32-byte legacy descriptors, CRC stripped, TSO and legacy
	 * interrupts on Tx). Modelled values, not read from an E810.
	 */
	st->has_vf_ext = 1;
	st->opcodes = 0xe;
	st->has_vlan_v2 = 1;
	st->vlan_v2 = (struct icemig_vlan_v2){
		.filtering_inner = 0x1, .stripping_inner = 0x1, .insertion_inner = 0x1,
		.max_filters = 8, .strip_inner_tpid = 0x8100,
		.flags = ICEMIG_VLAN_V2_F_FILTER_INNER, .ethertype_match = 1 };
	st->has_rxq_ctx = 1;
	st->rxctx[0] = (struct icemig_rxq_ctx){
		.max_frame = 1522, .rxdid = 1, .lrxqthresh = 1,
		.flags = ICEMIG_RXQ_CTX_F_DSIZE_32 | ICEMIG_RXQ_CTX_F_CRCSTRIP |
			 ICEMIG_RXQ_CTX_F_PREFENA | ICEMIG_RXQ_CTX_F_TPH_RDESC |
			 ICEMIG_RXQ_CTX_F_TPH_WDESC };
	st->has_txq_ctx = 1;
	st->txctx[0].flags = ICEMIG_TXQ_CTX_F_TSO_ENA | ICEMIG_TXQ_CTX_F_LEGACY_INT;
	/*
	 * 1.2: the interrupt registers of both vectors, at zero (modelled
	 * reset values); no mailbox set up, so no mailbox rings.
	 */
	st->has_irq = 1;
}

static int sim_vf_init(struct sim_pf *spf, struct sim_vf *vf, unsigned int id)
{
	vf->pf = spf;
	vf->id = id;
	mutex_init(&vf->lock);
	sim_state_defaults(vf, &vf->st);
	vf->hw = kzalloc(sizeof(*vf->hw), GFP_KERNEL);
	vf->load = kzalloc(sizeof(*vf->load), GFP_KERNEL);
	if (!vf->hw || !vf->load)
		return -ENOMEM;
	/* A fresh VF's queue is unconfigured: nothing to program, cannot fail. */
	return sim_hw_program(vf, &vf->st, vf->hw);
}

static void sim_pf_free(struct sim_pf *spf)
{
	unsigned int i;

	if (spf->registered)
		ice_vfio_pci_unregister_provider(spf->pdev);
	debugfs_remove_recursive(spf->dir);
	for (i = 0; spf->vfs && i < spf->num_vfs; i++) {
		mutex_destroy(&spf->vfs[i].lock);
		kfree(spf->vfs[i].hw);
		kfree(spf->vfs[i].load);
	}
	kfree(spf->vfs);
	pci_dev_put(spf->pdev);
	kfree(spf);
}

static int sim_pf_attach(const char *bdf)
{
	unsigned int dom, bus, dev, fn, i;
	struct pci_dev *pdev;
	struct sim_pf *spf;
	char name[16];
	int total, ret;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4 ||
	    dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7) {
		pr_err("ice_mig_sim: '%s': not a PCI address (DDDD:BB:DD.F)\n", bdf);
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(dev, fn));
	if (!pdev) {
		pr_err("ice_mig_sim: %s: no such PCI device\n", bdf);
		return -ENODEV;
	}
	total = pci_sriov_get_totalvfs(pdev);
	if (!pdev->is_physfn || total <= 0) {
		pci_err(pdev, "ice_mig_sim: not an SR-IOV PF\n");
		pci_dev_put(pdev);
		return -EINVAL;
	}

	spf = kzalloc(sizeof(*spf), GFP_KERNEL);
	if (!spf) {
		pci_dev_put(pdev);
		return -ENOMEM;
	}
	spf->pdev = pdev;
	spf->num_vfs = total;
	spf->vfs = kcalloc(total, sizeof(*spf->vfs), GFP_KERNEL);
	if (!spf->vfs) {
		spf->num_vfs = 0;
		sim_pf_free(spf);
		return -ENOMEM;
	}
	mutex_init(&spf->caps_lock);
	spf->caps = (struct sim_caps){
		.max_qps = ICEMIG_MAX_QP,
		.max_msix = ICEMIG_MAX_MSIX,
		.max_mac_filters = ICEMIG_MAX_MAC_FILTERS,
		.max_vlan_filters = ICEMIG_MAX_VLAN_FILTERS,
		.rss_lut_size = ICEMIG_RSS_LUT_MAX,
	};
	spf->dir = debugfs_create_dir(pci_name(pdev), sim_debugfs_root);
	debugfs_create_file("caps", 0600, spf->dir, spf, &sim_caps_fops);
	for (i = 0; i < spf->num_vfs; i++) {
		struct dentry *d;

		if (sim_vf_init(spf, &spf->vfs[i], i)) {
			sim_pf_free(spf);
			return -ENOMEM;
		}
		snprintf(name, sizeof(name), "vf%u", i);
		d = debugfs_create_dir(name, spf->dir);
		debugfs_create_file("state", 0600, d, &spf->vfs[i], &sim_state_fops);
		debugfs_create_file("saved", 0400, d, &spf->vfs[i], &sim_saved_fops);
		debugfs_create_file("loaded", 0400, d, &spf->vfs[i], &sim_loaded_fops);
		debugfs_create_file("fault", 0600, d, &spf->vfs[i], &sim_fault_fops);
		debugfs_create_file("counters", 0400, d, &spf->vfs[i], &sim_counters_fops);
		debugfs_create_file("pf_reset", 0200, d, &spf->vfs[i], &sim_pf_reset_fops);
	}
	mutex_lock(&sim_lock);
	list_add_tail(&spf->list, &sim_pfs);
	mutex_unlock(&sim_lock);

	ret = ice_vfio_pci_register_provider(pdev, &sim_provider);
	if (ret) {
		pci_err(pdev, "ice_mig_sim: cannot register provider: %d\n", ret);
		mutex_lock(&sim_lock);
		list_del(&spf->list);
		mutex_unlock(&sim_lock);
		sim_pf_free(spf);
		return ret;
	}
	spf->registered = true;
	pci_info(pdev, "ice_mig_sim: simulated migration provider for %d VFs (test device)\n",
		 total);
	return 0;
}

/*
 * Detach the PF @pdev, or every PF when @pdev is NULL: unregister (which
 * revokes the VFs using this provider), then free. The list is left under
 * sim_lock, the rest outside it: unregistering waits for the VFs' state
 * mutexes, whose holders may call sim_describe(), which takes sim_lock.
 */
static void sim_detach(struct pci_dev *pdev)
{
	struct sim_pf *spf, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&sim_lock);
	list_for_each_entry_safe(spf, tmp, &sim_pfs, list)
		if (!pdev || spf->pdev == pdev)
			list_move_tail(&spf->list, &gone);
	mutex_unlock(&sim_lock);
	list_for_each_entry_safe(spf, tmp, &gone, list) {
		list_del(&spf->list);
		if (pdev)
			pci_info(pdev, "ice_mig_sim: PF driver unbinding, provider detached\n");
		sim_pf_free(spf);
	}
}

static void sim_detach_all(void)
{
	sim_detach(NULL);
}

static bool sim_pf_listed(struct pci_dev *pdev)
{
	const char *p = pfs, *name = pci_name(pdev);
	size_t n = strlen(name);

	while (p && *p) {
		p = skip_spaces(p);
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0' || isspace(p[n])))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static bool sim_pf_attached(struct pci_dev *pdev)
{
	struct sim_pf *spf;
	bool found = false;

	mutex_lock(&sim_lock);
	list_for_each_entry(spf, &sim_pfs, list)
		found |= spf->pdev == pdev;
	mutex_unlock(&sim_lock);
	return found;
}

/*
 * The simulated VF state belongs to the PF's driver, as an E810 VF's state
 * belongs to ice: when a listed PF's driver unbinds, the provider goes away
 * with it (its VFs in use are revoked), and it comes back, with fresh VF
 * states, when a driver binds to the PF again.
 */
static int sim_pci_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	if (!pdev->is_physfn || !sim_pf_listed(pdev))
		return NOTIFY_DONE;
	if (action == BUS_NOTIFY_UNBIND_DRIVER)
		sim_detach(pdev);
	else if (action == BUS_NOTIFY_BOUND_DRIVER && !sim_pf_attached(pdev))
		sim_pf_attach(pci_name(pdev));
	return NOTIFY_DONE;
}

static struct notifier_block sim_pci_nb = {
	.notifier_call = sim_pci_notify,
};

static int __init ice_mig_sim_init(void)
{
	char *list, *p, *bdf;
	int ret = 0;

	if (!pfs || !*pfs) {
		pr_err("ice_mig_sim: no PF given; load with pfs=DDDD:BB:DD.F[,...]\n");
		return -EINVAL;
	}
	list = kstrdup(pfs, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	sim_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	p = list;
	while ((bdf = strsep(&p, ","))) {
		if (!*bdf)
			continue;
		ret = sim_pf_attach(strim(bdf));
		if (ret)
			break;
		if (attach_delay_ms)
			msleep(attach_delay_ms);
	}
	kfree(list);
	if (!ret)
		ret = bus_register_notifier(&pci_bus_type, &sim_pci_nb);
	if (ret) {
		sim_detach_all();
		debugfs_remove_recursive(sim_debugfs_root);
	}
	return ret;
}

static void __exit ice_mig_sim_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &sim_pci_nb);
	sim_detach_all();
	debugfs_remove_recursive(sim_debugfs_root);
}

module_init(ice_mig_sim_init);
module_exit(ice_mig_sim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("icemig simulated PF migration provider (test device, not E810 hardware)");
