// SPDX-License-Identifier: GPL-2.0
/*
 * ice_mig_glue: the icemig migration provider for E800-series PFs driven by
 * the patched ice driver (the series in kernel/ice/).
 *
 * ice exports a small typed migration API (<linux/net/intel/ice_migration.h>,
 * namespace ICE_MIGRATION); this module adapts it to ice_vfio_pci's provider
 * interface v2 (include/icemig_provider.h), translating between ice's state
 * (struct ice_mig_vf_state: packed queue contexts, register values, filter
 * lists) and the icemig stream model (struct icemig_vf_state) with
 * ice_mig_xlate. ice never links against VFIO: loading ice alone pulls in
 * nothing of icemig.
 *
 * ice tells this module about PFs through a notifier: each probed PF is
 * registered as a provider (and unregistered before ice removes it); VF
 * resets decided by the PF and VF configuration changes are forwarded to
 * ice_vfio_pci as events.
 *
 * Locking: glue_lock protects the PF and VF lists; a VF's gv->lock its
 * translation buffers (ops of one VF are serialized by ice_vfio_pci, but
 * @describe may run concurrently with them). ice takes the VF's own lock
 * inside every API call.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/etherdevice.h>
#include <linux/avf/virtchnl.h>
#include <linux/net/intel/ice_migration.h>

#include "include/icemig_provider.h"
#include "include/icemig_stream.h"
#include "include/icemig_compat.h"
#include "ice_mig_xlate.h"

MODULE_IMPORT_NS(ICEMIG);
MODULE_IMPORT_NS(ICE_MIGRATION);

static const char glue_name[] = "ice_mig_glue";

/* QRXFLXP_CNTXT RXDID priority ice programs for VF queues (ice_virtchnl.c) */
#define GLUE_RXDID_PRIO		3

struct glue_pf {
	struct list_head list;
	struct pci_dev *pdev;
};

struct glue_vf {
	struct list_head list;
	struct pci_dev *pdev;
	struct ice_mig_vf *mvf;
	struct mutex lock;		/* the buffers below */
	struct ice_mig_vf_state ist;	/* ice's view */
	struct ice_mig_vf_state local;	/* this VF now (templates) */
	struct icemig_vf_state st;	/* the stream's view */
};

static DEFINE_MUTEX(glue_lock);
static LIST_HEAD(glue_pfs);
static LIST_HEAD(glue_vfs);

static int glue_err(struct glue_vf *gv, const char *what, int err,
		    const struct icemig_stream_err *e)
{
	pci_err(gv->pdev, "%s: %s (%d)\n", what, e && e->what ? e->what : "", err);
	return err;
}

/* ---- ice -> stream ---- */

static void glue_vlan_v2_to_state(const struct ice_mig_vf_info *in,
				  struct icemig_vf_state *st)
{
	struct virtchnl_vlan_caps caps;
	struct icemig_vlan_v2 *v = &st->vlan_v2;

	BUILD_BUG_ON(sizeof(caps) != sizeof(in->vlan_v2_caps));
	if (!(in->driver_caps & VIRTCHNL_VF_OFFLOAD_VLAN_V2))
		return;
	memcpy(&caps, in->vlan_v2_caps, sizeof(caps));
	st->has_vlan_v2 = 1;
	v->filtering_outer = caps.filtering.filtering_support.outer;
	v->filtering_inner = caps.filtering.filtering_support.inner;
	v->stripping_outer = caps.offloads.stripping_support.outer;
	v->stripping_inner = caps.offloads.stripping_support.inner;
	v->insertion_outer = caps.offloads.insertion_support.outer;
	v->insertion_inner = caps.offloads.insertion_support.inner;
	v->max_filters = caps.filtering.max_filters;
	v->ethertype_match = caps.offloads.ethertype_match;
	if (in->vlan_strip & ICE_MIG_VLAN_STRIP_INNER)
		v->strip_inner_tpid = ETH_P_8021Q;
	if (in->vlan_strip & ICE_MIG_VLAN_STRIP_OUTER)
		v->strip_outer_tpid = ETH_P_8021Q;
}

/* The interrupt map (virtchnl CONFIG_IRQ_MAP) from the queues' vectors */
static void glue_msix_to_state(const struct ice_mig_vf_state *in,
			       struct icemig_vf_state *st)
{
	u16 q, v, n = 0;

	for (v = 1; v < in->info.num_msix && v < ICEMIG_MAX_MSIX; v++) {
		struct icemig_msix_map m = { .vector = v,
					     .rx_itr = ICEMIG_ITR_NONE,
					     .tx_itr = ICEMIG_ITR_NONE };

		for (q = 0; q < in->info.num_qps; q++) {
			if ((in->rxq[q].flags & ICE_MIG_Q_IRQ) &&
			    in->rxq[q].vector == v) {
				m.rxq_map |= BIT(q);
				m.rx_itr = in->rxq[q].itr_idx;
			}
			if ((in->txq[q].flags & ICE_MIG_Q_IRQ) &&
			    in->txq[q].vector == v) {
				m.txq_map |= BIT(q);
				m.tx_itr = in->txq[q].itr_idx;
			}
		}
		if (m.rxq_map || m.txq_map)
			st->msix[n++] = m;
	}
	st->num_msix_maps = n;
}

/* GLINT_DYN_CTL and GLINT_ITR of every vector of the VF (stream 1.2 IRQ) */
static int glue_irq_to_state(struct glue_vf *gv,
			     const struct ice_mig_vf_state *in,
			     struct icemig_vf_state *st)
{
	struct icemig_stream_err e = {};
	int err;
	u16 i;

	BUILD_BUG_ON(ICEMIG_MAX_MSIX > ICE_MIG_MAX_VECTORS);
	if (in->num_vectors != in->info.num_msix) {
		pci_err(gv->pdev, "interrupt registers: %u vectors read, the VF has %u\n",
			in->num_vectors, in->info.num_msix);
		return -EINVAL;
	}
	/* num_msix <= ICEMIG_MAX_MSIX: icemig_xlate_vf_to_state() checked */
	for (i = 0; i < in->num_vectors; i++) {
		err = icemig_xlate_irq_to_state(in->vec[i].dyn_ctl,
						in->vec[i].itr, &st->irq[i], &e);
		if (err) {
			pci_err(gv->pdev, "interrupt registers of vector %u: %s (%d)\n",
				i, e.what, err);
			return err;
		}
	}
	st->has_irq = in->num_vectors != 0;
	return 0;
}

/* The mailbox's positions (MBX) and rings (MBX_RING) */
static int glue_mbx_to_state(struct glue_vf *gv, const struct ice_mig_mbx *m,
			     struct icemig_vf_state *st)
{
	const struct icemig_xlate_mbx_regs r = {
		.atq_bal = m->atq_bal, .atq_bah = m->atq_bah,
		.atq_len = m->atq_len, .atq_head = m->atq_head,
		.atq_tail = m->atq_tail,
		.arq_bal = m->arq_bal, .arq_bah = m->arq_bah,
		.arq_len = m->arq_len, .arq_head = m->arq_head,
		.arq_tail = m->arq_tail,
	};
	struct icemig_stream_err e = {};
	int err;

	if ((r.atq_len | r.arq_len) & ICEMIG_XLATE_MBX_LEN_ERR)
		pci_info_ratelimited(gv->pdev,
				     "mailbox error bits not carried: ATQLEN %#x ARQLEN %#x\n",
				     r.atq_len, r.arq_len);
	err = icemig_xlate_mbx_to_state(&r, &st->mbx, &st->mbx_ring, &e);
	if (err)
		return glue_err(gv, "mailbox", err, &e);
	/* A VF whose mailbox was never set up has no length */
	if (st->mbx.asq_len) {
		st->has_mbx = 1;
		st->has_mbx_ring = 1;
	}
	return 0;
}

static int glue_to_state(struct glue_vf *gv, const struct ice_mig_vf_state *in,
			 struct icemig_vf_state *st, u64 config_gen)
{
	const struct ice_mig_vf_info *info = &in->info;
	struct icemig_xlate_vf_info vi = {};
	struct icemig_stream_err e = {};
	u16 vids[ICE_MIG_MAX_VLANS];
	unsigned int nv = 0;
	int err;
	u16 q;

	memset(st, 0, sizeof(*st));
	ether_addr_copy(vi.mac, info->mac);
	vi.pf_set_mac = info->pf_set_mac;
	vi.trusted = info->trusted;
	vi.spoofchk = info->spoofchk;
	vi.link_forced = info->link_forced;
	vi.link_up = info->link_up;
	vi.port_vlan_prio = info->port_vlan_prio;
	vi.port_vlan_vid = info->port_vlan_id;
	vi.port_vlan_tpid = info->port_vlan_tpid;
	vi.min_tx_rate = info->min_tx_rate;
	vi.max_tx_rate = info->max_tx_rate;
	vi.vf_ver_major = info->vc_major;
	vi.vf_ver_minor = info->vc_minor;
	vi.driver_caps = info->driver_caps;
	/* ice keeps what the VF driver asked for; it was given no more */
	vi.vf_cap_flags = info->driver_caps;
	vi.num_qps = info->num_qps;
	vi.num_msix = info->num_msix;
	vi.uc_promisc = !!(info->promisc & ICE_MIG_PROMISC_UC);
	vi.mc_promisc = !!(info->promisc & ICE_MIG_PROMISC_MC);
	vi.opcodes = info->opcodes;
	err = icemig_xlate_vf_to_state(&vi, st, &e);
	if (err)
		return glue_err(gv, "VF info", err, &e);
	st->config_gen = config_gen;
	glue_vlan_v2_to_state(info, st);

	for (q = 0; q < info->num_qps; q++) {
		struct icemig_xlate_rlan_ctx rx;
		struct icemig_xlate_tlan_ctx tx;

		icemig_xlate_rxq_ctx_unpack(in->rxq[q].ctx, &rx);
		err = icemig_xlate_rxq_to_state(&rx, in->rxq[q].rxdid,
						GLUE_RXDID_PRIO, in->rxq[q].tail,
						in->rxq[q].flags & ICE_MIG_Q_ENABLED,
						&st->rxq[q], &st->rxctx[q], &e);
		if (err)
			return glue_err(gv, "Rx queue", err, &e);
		icemig_xlate_txq_ctx_unpack(in->txq[q].ctx, &tx);
		err = icemig_xlate_txq_to_state(&tx, in->txq[q].head,
						in->txq[q].head,
						in->txq[q].flags & ICE_MIG_Q_ENABLED,
						&st->txq[q], &st->txctx[q], &e);
		if (err)
			return glue_err(gv, "Tx queue", err, &e);
		/*
		 * The Tx doorbell (QTX_COMM_DBELL) is write-only: the tail
		 * the VF driver last wrote cannot be read back, so the
		 * stream carries the head in its place and says so. Any
		 * descriptor posted past the head when the queue stopped is
		 * not sent by the destination until the VF driver writes
		 * the doorbell again (each write carries the whole tail).
		 */
		st->txctx[q].flags |= ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN;
	}
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
	glue_msix_to_state(in, st);
	err = glue_irq_to_state(gv, in, st);
	if (err)
		return err;

	if (in->has_rss) {
		st->has_rss = 1;
		st->rss_hena = in->rss.hena;
		st->rss_lut_len = min_t(u16, in->rss.lut_size, ICEMIG_RSS_LUT_MAX);
		memcpy(st->rss_key, in->rss.key, ICEMIG_RSS_KEY_LEN);
		memcpy(st->rss_lut, in->rss.lut, st->rss_lut_len);
		err = icemig_xlate_rss_hfunc_from_ice(in->rss.hfunc);
		if (err < 0)
			return glue_err(gv, "RSS hash function", err, NULL);
		st->rss_hfunc = err;
	}

	err = icemig_xlate_macs_to_state(&in->macs[0][0], in->num_macs, st, &e);
	if (err)
		return glue_err(gv, "MAC filters", err, &e);
	for (q = 0; q < in->num_vlans && q < ICE_MIG_MAX_VLANS; q++)
		vids[nv++] = in->vlans[q].vid;
	err = icemig_xlate_vlans_to_state(vids, nv, st, &e);
	if (err)
		return glue_err(gv, "VLAN filters", err, &e);

	if (in->has_mbx) {
		err = glue_mbx_to_state(gv, &in->mbx, st);
		if (err)
			return err;
	}

	st->has_stats = 1;
	st->rx_packets = in->stats.rx_packets;
	st->rx_bytes = in->stats.rx_bytes;
	st->tx_packets = in->stats.tx_packets;
	st->tx_bytes = in->stats.tx_bytes;
	return 0;
}

/* ---- stream -> ice ---- */

static int glue_from_state(struct glue_vf *gv, const struct icemig_vf_state *st,
			   const struct ice_mig_vf_state *local,
			   struct ice_mig_vf_state *out)
{
	struct ice_mig_vf_info *info = &out->info;
	struct icemig_xlate_vf_info vi = {};
	struct icemig_stream_err e = {};
	int err;
	u16 i, q;

	memset(out, 0, sizeof(*out));
	icemig_xlate_vf_from_state(st, &vi);
	ether_addr_copy(info->mac, vi.mac);
	ether_addr_copy(info->dev_lan_addr, vi.mac);
	info->pf_set_mac = vi.pf_set_mac;
	info->trusted = vi.trusted;
	info->spoofchk = vi.spoofchk;
	info->link_forced = vi.link_forced;
	info->link_up = vi.link_up;
	info->port_vlan_prio = vi.port_vlan_prio;
	info->port_vlan_id = vi.port_vlan_vid;
	info->port_vlan_tpid = vi.port_vlan_tpid;
	info->min_tx_rate = vi.min_tx_rate;
	info->max_tx_rate = vi.max_tx_rate;
	info->vc_major = vi.vf_ver_major;
	info->vc_minor = vi.vf_ver_minor;
	info->driver_caps = vi.driver_caps;
	info->opcodes = vi.opcodes;
	info->promisc = (vi.uc_promisc ? ICE_MIG_PROMISC_UC : 0) |
			(vi.mc_promisc ? ICE_MIG_PROMISC_MC : 0);
	info->active = st->vc_api_major != 0;
	info->num_qps = vi.num_qps;
	info->num_msix = vi.num_msix;
	info->num_mac = local->info.num_mac;
	if (st->has_vlan_v2) {
		struct virtchnl_vlan_caps caps = {};

		caps.filtering.filtering_support.outer = st->vlan_v2.filtering_outer;
		caps.filtering.filtering_support.inner = st->vlan_v2.filtering_inner;
		caps.offloads.stripping_support.outer = st->vlan_v2.stripping_outer;
		caps.offloads.stripping_support.inner = st->vlan_v2.stripping_inner;
		caps.offloads.insertion_support.outer = st->vlan_v2.insertion_outer;
		caps.offloads.insertion_support.inner = st->vlan_v2.insertion_inner;
		caps.filtering.max_filters = st->vlan_v2.max_filters;
		caps.offloads.ethertype_match = st->vlan_v2.ethertype_match;
		memcpy(info->vlan_v2_caps, &caps, sizeof(caps));
		if (st->vlan_v2.strip_inner_tpid)
			info->vlan_strip |= ICE_MIG_VLAN_STRIP_INNER;
		if (st->vlan_v2.strip_outer_tpid)
			info->vlan_strip |= ICE_MIG_VLAN_STRIP_OUTER;
	} else {
		/* virtchnl v1 VFs strip inner VLANs by default */
		info->vlan_strip = local->info.vlan_strip;
	}

	for (q = 0; q < st->num_qps && q < ICE_MIG_MAX_QP; q++) {
		struct icemig_xlate_rlan_ctx rl, rx;
		struct icemig_xlate_tlan_ctx tl, tx;
		u8 rxdid, prio;

		if (st->rxq[q].flags & ICEMIG_QUEUE_F_ENABLED) {
			icemig_xlate_rxq_ctx_unpack(local->rxq[q].ctx, &rl);
			err = icemig_xlate_rxq_from_state(&st->rxq[q], st->has_rxq_ctx ?
							  &st->rxctx[q] : NULL,
							  &rl, &rx, &rxdid, &prio, &e);
			if (!err)
				err = icemig_xlate_rxq_ctx_pack(&rx, out->rxq[q].ctx, &e);
			if (err)
				return glue_err(gv, "Rx queue", err, &e);
			out->rxq[q].rxdid = rxdid;
			out->rxq[q].tail = st->rxq[q].tail;
			out->rxq[q].flags |= ICE_MIG_Q_ENABLED;
		}
		if (st->txq[q].flags & ICEMIG_QUEUE_F_ENABLED) {
			icemig_xlate_txq_ctx_unpack(local->txq[q].ctx, &tl);
			err = icemig_xlate_txq_from_state(&st->txq[q], st->has_txq_ctx ?
							  &st->txctx[q] : NULL,
							  &tl, &tx, &e);
			if (!err)
				err = icemig_xlate_txq_ctx_pack(&tx, out->txq[q].ctx, &e);
			if (err)
				return glue_err(gv, "Tx queue", err, &e);
			out->txq[q].head = st->txq[q].head;
			out->txq[q].flags |= ICE_MIG_Q_ENABLED;
		}
	}
	for (i = 0; i < st->num_msix_maps; i++) {
		const struct icemig_msix_map *m = &st->msix[i];

		for (q = 0; q < st->num_qps && q < ICE_MIG_MAX_QP; q++) {
			if (m->rxq_map & BIT(q)) {
				out->rxq[q].vector = m->vector;
				out->rxq[q].itr_idx = m->rx_itr;
				out->rxq[q].flags |= ICE_MIG_Q_IRQ;
			}
			if (m->txq_map & BIT(q)) {
				out->txq[q].vector = m->vector;
				out->txq[q].itr_idx = m->tx_itr;
				out->txq[q].flags |= ICE_MIG_Q_IRQ;
			}
		}
	}
	/* Without IRQ (a stream before 1.2) the interrupt registers stay as
	 * the destination has them: num_vectors 0.
	 */
	if (st->has_irq) {
		for (i = 0; i < st->num_msix && i < ICE_MIG_MAX_VECTORS; i++) {
			err = icemig_xlate_irq_from_state(&st->irq[i],
							  &out->vec[i].dyn_ctl,
							  out->vec[i].itr, &e);
			if (err) {
				pci_err(gv->pdev, "interrupt registers of vector %u: %s (%d)\n",
					i, e.what, err);
				return err;
			}
		}
		out->num_vectors = i;
	}

	if (st->has_rss) {
		out->has_rss = 1;
		out->rss.hena = st->rss_hena;
		out->rss.hfunc = st->has_vf_ext ?
				 icemig_xlate_rss_hfunc_to_ice(st->rss_hfunc) :
				 local->rss.hfunc;
		out->rss.lut_size = st->rss_lut_len;
		memcpy(out->rss.key, st->rss_key, ICE_MIG_RSS_KEY_SZ);
		memcpy(out->rss.lut, st->rss_lut, st->rss_lut_len);
	}
	for (i = 0; i < st->num_macs && i < ICE_MIG_MAX_MACS; i++)
		ether_addr_copy(out->macs[i], st->macs[i].addr);
	out->num_macs = i;
	for (i = 0; i < st->num_vlans && i < ICE_MIG_MAX_VLANS; i++) {
		out->vlans[i].vid = st->vlans[i];
		out->vlans[i].tpid = ETH_P_8021Q;
	}
	out->num_vlans = i;
	/* Without MBX_RING (a stream before 1.2) the positions alone cannot
	 * be written: the mailbox stays as the destination has it (has_mbx 0).
	 */
	if (st->has_mbx && st->has_mbx_ring) {
		struct icemig_xlate_mbx_regs r;

		err = icemig_xlate_mbx_from_state(&st->mbx, &st->mbx_ring, &r, &e);
		if (err)
			return glue_err(gv, "mailbox", err, &e);
		out->mbx.atq_bal = r.atq_bal;
		out->mbx.atq_bah = r.atq_bah;
		out->mbx.atq_len = r.atq_len;
		out->mbx.atq_head = r.atq_head;
		out->mbx.atq_tail = r.atq_tail;
		out->mbx.arq_bal = r.arq_bal;
		out->mbx.arq_bah = r.arq_bah;
		out->mbx.arq_len = r.arq_len;
		out->mbx.arq_head = r.arq_head;
		out->mbx.arq_tail = r.arq_tail;
		out->has_mbx = 1;
	}
	return 0;
}

/* ---- provider ops ---- */

static void *glue_open(struct pci_dev *vf)
{
	struct ice_mig_vf *mvf = ice_mig_vf_get(vf);
	struct glue_vf *gv;

	if (IS_ERR(mvf))
		return mvf;
	gv = kvzalloc(sizeof(*gv), GFP_KERNEL);
	if (!gv) {
		ice_mig_vf_put(mvf);
		return ERR_PTR(-ENOMEM);
	}
	gv->pdev = vf;
	gv->mvf = mvf;
	mutex_init(&gv->lock);
	mutex_lock(&glue_lock);
	list_add(&gv->list, &glue_vfs);
	mutex_unlock(&glue_lock);
	return gv;
}

static void glue_close(void *h)
{
	struct glue_vf *gv = h;

	mutex_lock(&glue_lock);
	list_del(&gv->list);
	mutex_unlock(&glue_lock);
	ice_mig_vf_put(gv->mvf);
	mutex_destroy(&gv->lock);
	kvfree(gv);
}

static int glue_suspend(void *h, bool capture)
{
	struct glue_vf *gv = h;

	return ice_mig_vf_suspend(gv->mvf, capture);
}

static int glue_resume(void *h)
{
	struct glue_vf *gv = h;

	return ice_mig_vf_resume(gv->mvf);
}

/* Read the VF into gv->st. Caller holds gv->lock. */
static int glue_fill(struct glue_vf *gv)
{
	u64 gen = ice_mig_vf_config_gen(gv->mvf);
	int err;

	err = ice_mig_vf_save(gv->mvf, &gv->ist);
	if (err)
		return err;
	return glue_to_state(gv, &gv->ist, &gv->st, gen);
}

static ssize_t glue_save_size(void *h, u32 flags)
{
	struct glue_vf *gv = h;
	u32 size = 0;
	int err;

	mutex_lock(&gv->lock);
	err = glue_fill(gv);
	if (!err)
		err = icemig_stream_size(&gv->st, flags, &size);
	mutex_unlock(&gv->lock);
	return err ? err : size;
}

static ssize_t glue_save(void *h, u32 flags, void *buf, size_t room)
{
	struct glue_vf *gv = h;
	u32 used = 0;
	int err;

	mutex_lock(&gv->lock);
	err = glue_fill(gv);
	if (!err)
		err = icemig_stream_encode(&gv->st, flags, buf,
					   min_t(size_t, room, U32_MAX), &used);
	mutex_unlock(&gv->lock);
	return err ? err : used;
}

static u64 glue_config_gen(void *h)
{
	struct glue_vf *gv = h;

	return ice_mig_vf_config_gen(gv->mvf);
}

/* Translate @st for this VF into gv->ist. Caller holds gv->lock. */
static int glue_prepare(struct glue_vf *gv, const struct icemig_vf_state *st)
{
	int err = ice_mig_vf_save(gv->mvf, &gv->local);

	if (err)
		return err;
	return glue_from_state(gv, st, &gv->local, &gv->ist);
}

static int glue_load_validate(void *h, const struct icemig_vf_state *st)
{
	struct glue_vf *gv = h;
	int err;

	mutex_lock(&gv->lock);
	err = glue_prepare(gv, st);
	if (!err)
		err = ice_mig_vf_check(gv->mvf, &gv->ist);
	mutex_unlock(&gv->lock);
	return err;
}

static int glue_load_apply(void *h, const struct icemig_vf_state *st)
{
	struct glue_vf *gv = h;
	int err;

	mutex_lock(&gv->lock);
	err = glue_prepare(gv, st);
	if (!err)
		err = ice_mig_vf_load(gv->mvf, &gv->ist);
	mutex_unlock(&gv->lock);
	return err;
}

static void glue_reset(void *h)
{
	struct glue_vf *gv = h;

	ice_mig_vf_reset_done(gv->mvf);
}

static int glue_describe(struct pci_dev *vf, struct icemig_compat *c)
{
	struct ice_mig_pf_caps caps;
	struct glue_vf *gv;
	int err;

	err = ice_mig_get_pf_caps(pci_physfn(vf), &caps);
	if (err)
		return err;
	c->max_qps = min_t(u16, c->max_qps, caps.max_qps);
	c->max_msix = min_t(u16, c->max_msix, caps.max_msix);
	c->max_mac_filters = min_t(u16, c->max_mac_filters, ICE_MIG_MAX_MACS);
	c->max_vlan_filters = min_t(u16, c->max_vlan_filters, ICE_MIG_MAX_VLANS);
	c->rss_lut_size = min_t(u16, c->rss_lut_size, ICE_MIG_RSS_LUT_MAX);
	c->rss_key_len = min_t(u16, c->rss_key_len, ICE_MIG_RSS_KEY_SZ);

	/* What the VF uses: only known for a VF open under ice_vfio_pci */
	mutex_lock(&glue_lock);
	list_for_each_entry(gv, &glue_vfs, list) {
		if (gv->pdev != vf)
			continue;
		mutex_lock(&gv->lock);
		if (!glue_fill(gv))
			icemig_compat_set_used(c, &gv->st);
		mutex_unlock(&gv->lock);
		break;
	}
	mutex_unlock(&glue_lock);
	return 0;
}

static const struct icemig_provider_ops glue_ops = {
	.open = glue_open,
	.close = glue_close,
	.suspend = glue_suspend,
	.resume = glue_resume,
	.save_size = glue_save_size,
	.save = glue_save,
	.config_gen = glue_config_gen,
	.load_validate = glue_load_validate,
	.load_apply = glue_load_apply,
	.reset = glue_reset,
	.describe = glue_describe,
};

static const struct icemig_provider glue_provider = {
	.api_version = ICEMIG_PROVIDER_API_VERSION,
	.name = glue_name,
	.owner = THIS_MODULE,
	.ops = &glue_ops,
};

/* ---- PFs ---- */

/* From ice's PF notifier (ice calls it without the lock its API takes) */
static void glue_pf_add(struct pci_dev *pdev)
{
	struct ice_mig_pf_caps caps;
	struct glue_pf *gp;
	int err;

	gp = kzalloc(sizeof(*gp), GFP_KERNEL);
	if (!gp)
		return;
	gp->pdev = pdev;
	/*
	 * While the glue serves the PF, its VFs negotiate only the virtchnl
	 * capabilities and opcodes the stream carries (docs/design.md,
	 * "Features migration does not carry"); set before the PF can
	 * migrate VFs, removed after it no longer can.
	 */
	err = ice_mig_pf_set_vc_mask(pdev, ICEMIG_VC_CAPS_CARRIED,
				     ICEMIG_VC_OPS_CARRIED);
	if (err) {
		pci_warn(pdev, "%s: cannot limit the VFs' virtchnl features to what migration carries: %d\n",
			 glue_name, err);
		kfree(gp);
		return;
	}
	err = ice_vfio_pci_register_provider(pdev, &glue_provider);
	if (err) {
		pci_warn(pdev, "%s: cannot register as migration provider: %d\n",
			 glue_name, err);
		ice_mig_pf_clear_vc_mask(pdev);
		kfree(gp);
		return;
	}
	mutex_lock(&glue_lock);
	list_add(&gp->list, &glue_pfs);
	mutex_unlock(&glue_lock);
	if (!ice_mig_get_pf_caps(pdev, &caps))
		pci_info(pdev, "%s: per VF: %u queue pairs, %u MSI-X vectors; %u VF vectors left; RXDIDs %#llx; %s VLAN mode\n",
			 glue_name, caps.max_qps, caps.max_msix,
			 caps.total_vf_msix, caps.rxdids,
			 caps.dvm ? "double" : "single");
}

static void glue_pf_remove(struct pci_dev *pdev)
{
	struct glue_pf *gp, *found = NULL;

	mutex_lock(&glue_lock);
	list_for_each_entry(gp, &glue_pfs, list) {
		if (gp->pdev == pdev) {
			list_del(&gp->list);
			found = gp;
			break;
		}
	}
	mutex_unlock(&glue_lock);
	if (!found)
		return;
	/* Closes every open VF of the PF (glue_close takes glue_lock) */
	ice_vfio_pci_unregister_provider(pdev);
	/* The PF's VFs negotiate every feature of ice again */
	ice_mig_pf_clear_vc_mask(pdev);
	kfree(found);
}

static int glue_event(struct notifier_block *nb, unsigned long ev, void *data)
{
	struct ice_mig_event_info *info = data;

	switch (ev) {
	case ICE_MIG_EVENT_PF_ADD:
		glue_pf_add(info->pf);
		break;
	case ICE_MIG_EVENT_PF_REMOVE:
		glue_pf_remove(info->pf);
		break;
	case ICE_MIG_EVENT_VF_RESET:
		ice_vfio_pci_report_vf_event(info->pf, info->vf_id,
					     ICEMIG_VF_EVENT_RESET);
		break;
	case ICE_MIG_EVENT_VF_CONFIG:
		ice_vfio_pci_report_vf_event(info->pf, info->vf_id,
					     ICEMIG_VF_EVENT_CONFIG);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block glue_nb = {
	.notifier_call = glue_event,
};

static int __init ice_mig_glue_init(void)
{
	return ice_mig_register_notifier(&glue_nb);
}

static void __exit ice_mig_glue_exit(void)
{
	struct glue_pf *gp;

	ice_mig_unregister_notifier(&glue_nb);
	for (;;) {
		mutex_lock(&glue_lock);
		gp = list_first_entry_or_null(&glue_pfs, struct glue_pf, list);
		mutex_unlock(&glue_lock);
		if (!gp)
			break;
		glue_pf_remove(gp->pdev);
	}
}

module_init(ice_mig_glue_init);
module_exit(ice_mig_glue_exit);

MODULE_DESCRIPTION("icemig migration provider for VFs of ice (E800-series) PFs");
MODULE_LICENSE("GPL");
