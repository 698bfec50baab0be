/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * ice_mig_xlate: translation between the ice driver's view of a VF and the
 * icemig device-state model (struct icemig_vf_state, icemig_stream.h).
 *
 * Plain C for the kernel (the ice glue module, ice_mig_sim) and user space
 * (unit tests, fuzzer): fixed-width types only, no pointers into ice's own
 * structures, no allocation, no locking. The glue copies ice's structures
 * field by field into the mirrors below (same names as in Linux 6.12), or
 * hands raw register images to the pack/unpack functions.
 *
 * Queue contexts. The bit layouts are those of Linux 6.12's
 * drivers/net/ethernet/intel/ice/ice_common.c (ice_rlan_ctx_info,
 * ice_tlan_ctx_info: width and LSB of each field of struct ice_rlan_ctx and
 * struct ice_tlan_ctx, ice_lan_tx_rx.h), which follow the E810 datasheet's
 * Rx and Tx queue context tables; this file has its own tables. Images are
 * little-endian byte arrays, bit N of the context is bit N % 8 of byte N / 8:
 *   - Rx: 32 bytes, the eight QRX_CONTEXT(0..7, q) dwords in order
 *     (ICE_RXQ_CTX_SZ);
 *   - Tx: 22 bytes, the admin-queue image (struct ice_aqc_add_txqs_perq
 *     txq_ctx[22]); fields end at bit 170. The internal queue state that
 *     follows in the full context (int_q_state, 122 bits at 171) is never
 *     carried or written.
 * Unlike ice_set_ctx(), pack refuses a value wider than its field instead
 * of truncating it.
 *
 * What travels. Rx: everything but cpuid (a TPH steering hint of the
 * host). Tx: base, qlen and the behaviour bits (struct icemig_txq_ctx);
 * the fields naming host resources (port_num, cgd_num, pf_num, vmvf_num,
 * vmvf_type, src_vsi, internal_usage_flag, cpuid, cmpq_id, qnum_in_func,
 * adjust_prof_id, quanta_prof_idx, tso_qnum, pkt_shaper_prof_idx) are the
 * destination PF's own: *_from_state() takes them from a template the
 * destination built for its VF (ice_setup_tx_ctx() does it for ice).
 *
 * Errors: functions returning int return 0, -EINVAL (a value the model or
 * the field cannot hold; @err, when given, names it as the stream codec
 * does) or -ENOSPC (more filters than the stream carries).
 */
#ifndef ICE_MIG_XLATE_H
#define ICE_MIG_XLATE_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stdbool.h>
#endif

#include "include/icemig_stream.h"

#define ICEMIG_XLATE_RXQ_CTX_LEN	32	/* bytes, QRX_CONTEXT(0..7) */
#define ICEMIG_XLATE_TXQ_CTX_LEN	22	/* bytes, admin-queue Tx context */
#define ICEMIG_XLATE_BASE_SHIFT		7	/* ring base unit: 128 bytes */
#define ICEMIG_XLATE_DBUF_SHIFT		7	/* Rx data buffer unit: 128 bytes */
#define ICEMIG_XLATE_HBUF_SHIFT		6	/* Rx header buffer unit: 64 bytes */

/*
 * struct icemig_xlate_rlan_ctx - Linux 6.12 struct ice_rlan_ctx, member for
 * member (ice_lan_tx_rx.h documents them), hardware
 * units: @base in 128-byte units, @qlen in descriptors, @dbuf in 128-byte
 * units, @hbuf in 64-byte units, @rxmax in bytes; the rest as the context.
 */
struct icemig_xlate_rlan_ctx {
	__u16 head;
	__u16 cpuid;
	__u64 base;
	__u16 qlen;
	__u16 dbuf;
	__u16 hbuf;
	__u8 dtype;
	__u8 dsize;
	__u8 crcstrip;
	__u8 l2tsel;
	__u8 hsplit_0;
	__u8 hsplit_1;
	__u8 showiv;
	__u32 rxmax;
	__u8 tphrdesc_ena;
	__u8 tphwdesc_ena;
	__u8 tphdata_ena;
	__u8 tphhead_ena;
	__u16 lrxqthresh;
	__u8 prefena;
};

/*
 * struct icemig_xlate_tlan_ctx - Linux 6.12 struct ice_tlan_ctx member for
 * member, without int_q_state; @base in 128-byte units, @qlen in
 * descriptors.
 */
struct icemig_xlate_tlan_ctx {
	__u64 base;
	__u8 port_num;
	__u16 cgd_num;
	__u8 pf_num;
	__u16 vmvf_num;
	__u8 vmvf_type;
	__u16 src_vsi;
	__u8 tsyn_ena;
	__u8 internal_usage_flag;
	__u8 alt_vlan;
	__u16 cpuid;
	__u8 wb_mode;
	__u8 tphrd_desc;
	__u8 tphrd;
	__u8 tphwr_desc;
	__u16 cmpq_id;
	__u16 qnum_in_func;
	__u8 itr_notification_mode;
	__u8 adjust_prof_id;
	__u32 qlen;
	__u8 quanta_prof_idx;
	__u8 tso_ena;
	__u16 tso_qnum;
	__u8 legacy_int;
	__u8 drop_ena;
	__u8 cache_prof_idx;
	__u8 pkt_shaper_prof_idx;
};

/**
 * struct icemig_xlate_field - one context field
 * @name: field name, as in struct ice_rlan_ctx / ice_tlan_ctx
 * @lsb: first bit in the image
 * @width: bits
 * @offset: offsetof() the member in the mirror structure
 * @size: sizeof() the member: 1, 2, 4 or 8
 */
struct icemig_xlate_field {
	const char *name;
	__u16 lsb;
	__u8 width;
	__u8 offset;
	__u8 size;
};

/**
 * struct icemig_xlate_vf_info - the VF info ice keeps in struct ice_vf
 * (Linux 6.12 ice_vf_lib.h), flattened
 * @mac: the VF's MAC (hw_lan_addr)
 * @pf_set_mac: MAC set by the PF admin
 * @trusted: trust on
 * @spoofchk: spoof checking on
 * @link_forced: link state forced by the admin
 * @link_up: forced state (meaningful with @link_forced)
 * @port_vlan_prio: port VLAN priority (port_vlan_info.prio), 0..7
 * @port_vlan_vid: port VLAN ID (port_vlan_info.vid), 0..4095
 * @port_vlan_tpid: port VLAN TPID (port_vlan_info.tpid); 0 without port VLAN
 * @min_tx_rate: Mbps
 * @max_tx_rate: Mbps
 * @vf_ver_major: negotiated virtchnl version (vf_ver.major)
 * @vf_ver_minor: negotiated virtchnl version (vf_ver.minor)
 * @driver_caps: what the VF driver asked for
 * @vf_cap_flags: what VIRTCHNL_OP_GET_VF_RESOURCES gave it
 * @num_qps: queue pairs the VF uses (1..ICEMIG_MAX_QP)
 * @num_msix: MSI-X vectors of the VF, mailbox included
 * @uc_promisc: ICE_VF_STATE_UC_PROMISC set
 * @mc_promisc: ICE_VF_STATE_MC_PROMISC set
 * @opcodes: opcodes_allowlist, bits 0..63 (VIRTCHNL_OP_MAX is 58 in 6.12)
 */
struct icemig_xlate_vf_info {
	__u8 mac[6];
	__u8 pf_set_mac;
	__u8 trusted;
	__u8 spoofchk;
	__u8 link_forced;
	__u8 link_up;
	__u8 port_vlan_prio;
	__u16 port_vlan_vid;
	__u16 port_vlan_tpid;
	__u32 min_tx_rate;
	__u32 max_tx_rate;
	__u32 vf_ver_major;
	__u32 vf_ver_minor;
	__u32 driver_caps;
	__u32 vf_cap_flags;
	__u16 num_qps;
	__u16 num_msix;
	__u8 uc_promisc;
	__u8 mc_promisc;
	__u64 opcodes;
};

/* Context tables and images */
const struct icemig_xlate_field *icemig_xlate_rxq_fields(unsigned int *n);
const struct icemig_xlate_field *icemig_xlate_txq_fields(unsigned int *n);
int icemig_xlate_rxq_ctx_pack(const struct icemig_xlate_rlan_ctx *ctx,
			      __u8 buf[ICEMIG_XLATE_RXQ_CTX_LEN],
			      struct icemig_stream_err *err);
void icemig_xlate_rxq_ctx_unpack(const __u8 buf[ICEMIG_XLATE_RXQ_CTX_LEN],
				 struct icemig_xlate_rlan_ctx *ctx);
void icemig_xlate_rxq_ctx_mask(__u8 mask[ICEMIG_XLATE_RXQ_CTX_LEN]);
int icemig_xlate_txq_ctx_pack(const struct icemig_xlate_tlan_ctx *ctx,
			      __u8 buf[ICEMIG_XLATE_TXQ_CTX_LEN],
			      struct icemig_stream_err *err);
void icemig_xlate_txq_ctx_unpack(const __u8 buf[ICEMIG_XLATE_TXQ_CTX_LEN],
				 struct icemig_xlate_tlan_ctx *ctx);
void icemig_xlate_txq_ctx_mask(__u8 mask[ICEMIG_XLATE_TXQ_CTX_LEN]);

/* Queue contexts <-> state */
int icemig_xlate_rxq_to_state(const struct icemig_xlate_rlan_ctx *ctx, __u8 rxdid,
			      __u8 rxdid_prio, __u16 tail, bool enabled,
			      struct icemig_queue *q, struct icemig_rxq_ctx *x,
			      struct icemig_stream_err *err);
int icemig_xlate_rxq_from_state(const struct icemig_queue *q,
				const struct icemig_rxq_ctx *x,
				const struct icemig_xlate_rlan_ctx *local,
				struct icemig_xlate_rlan_ctx *ctx, __u8 *rxdid,
				__u8 *rxdid_prio, struct icemig_stream_err *err);
int icemig_xlate_txq_to_state(const struct icemig_xlate_tlan_ctx *ctx, __u16 head,
			      __u16 tail, bool enabled, struct icemig_queue *q,
			      struct icemig_txq_ctx *x, struct icemig_stream_err *err);
int icemig_xlate_txq_from_state(const struct icemig_queue *q,
				const struct icemig_txq_ctx *x,
				const struct icemig_xlate_tlan_ctx *local,
				struct icemig_xlate_tlan_ctx *ctx,
				struct icemig_stream_err *err);

/* VF info and filter lists <-> state */
int icemig_xlate_vf_to_state(const struct icemig_xlate_vf_info *vi,
			     struct icemig_vf_state *st, struct icemig_stream_err *err);
void icemig_xlate_vf_from_state(const struct icemig_vf_state *st,
				struct icemig_xlate_vf_info *vi);
int icemig_xlate_macs_to_state(const __u8 *addrs, unsigned int n,
			       struct icemig_vf_state *st, struct icemig_stream_err *err);
int icemig_xlate_vlans_to_state(const __u16 *vids, unsigned int n,
				struct icemig_vf_state *st, struct icemig_stream_err *err);

/* RSS hash function: ice's VSI value <-> virtchnl's (the stream's) */
int icemig_xlate_rss_hfunc_from_ice(__u8 ice_hfunc);
__u8 icemig_xlate_rss_hfunc_to_ice(__u8 alg);

/*
 * Interrupt registers (stream 1.2, ICEMIG_TLV_IRQ). Bit positions of
 * GLINT_DYN_CTL and GLINT_ITR as Linux 6.12 ice_hw_autogen.h defines them
 * (GLINT_DYN_CTL_*_M / _S), field names of the E810 datasheet. Bits not
 * listed are reserved.
 */
#define ICEMIG_XLATE_DYN_CTL_INTENA		0x00000001u	/* bit 0 */
#define ICEMIG_XLATE_DYN_CTL_CLEARPBA		0x00000002u	/* bit 1, write-only */
#define ICEMIG_XLATE_DYN_CTL_SWINT_TRIG		0x00000004u	/* bit 2, write-only */
#define ICEMIG_XLATE_DYN_CTL_ITR_INDX_S		3		/* bits 4:3 */
#define ICEMIG_XLATE_DYN_CTL_ITR_INDX_M		0x00000018u
#define ICEMIG_XLATE_DYN_CTL_INTERVAL_S		5		/* bits 16:5 */
#define ICEMIG_XLATE_DYN_CTL_INTERVAL_M		0x0001ffe0u
#define ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_ENA	0x01000000u	/* bit 24 */
#define ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_S	25		/* bits 26:25 */
#define ICEMIG_XLATE_DYN_CTL_SW_ITR_INDX_M	0x06000000u
#define ICEMIG_XLATE_DYN_CTL_WB_ON_ITR		0x40000000u	/* bit 30 */
#define ICEMIG_XLATE_DYN_CTL_INTENA_MSK		0x80000000u	/* bit 31, write-only */
/* The triggers: a write acts on them, a read tells nothing. */
#define ICEMIG_XLATE_DYN_CTL_WO			(ICEMIG_XLATE_DYN_CTL_CLEARPBA | \
						 ICEMIG_XLATE_DYN_CTL_SWINT_TRIG | \
						 ICEMIG_XLATE_DYN_CTL_INTENA_MSK)
#define ICEMIG_XLATE_ITR_INTERVAL_M		0x00000fffu	/* GLINT_ITR bits 11:0 */

/*
 * Mailbox registers (stream 1.2, ICEMIG_TLV_MBX_RING with ICEMIG_TLV_MBX).
 * Linux 6.12 ice_hw_autogen.h names only the VF_MBX_ATQLEN / ARQLEN
 * addresses; the fields are those of the PF's own mailbox registers there
 * (PF_MBX_ATQLEN_ATQLEN_M, PF_MBX_ATQH_ATQH_M, ..._ATQENABLE_M) and of the
 * VF's view in iavf_register.h (IAVF_VF_ATQLEN1_*: VFE 28, OVFL 29, CRIT
 * 30, ENABLE 31), which is the same register. xBAL bits 5:0 hold no
 * address: ring bases are ICEMIG_MBX_RING_ALIGN (64) byte aligned.
 */
#define ICEMIG_XLATE_MBX_LEN_M			0x000003ffu	/* xQLEN bits 9:0 */
#define ICEMIG_XLATE_MBX_LEN_ERR		0x70000000u	/* VFE, OVFL, CRIT */
#define ICEMIG_XLATE_MBX_LEN_ENABLE		0x80000000u	/* bit 31 */
#define ICEMIG_XLATE_MBX_PTR_M			0x000003ffu	/* xQH, xQT bits 9:0 */
#define ICEMIG_XLATE_MBX_BAL_M			0xffffffc0u	/* xQBAL bits 31:6 */

/**
 * struct icemig_xlate_mbx_regs - a VF's mailbox registers as its PF reads
 * them (VF_MBX_*(vf_id)); Linux 6.12-patched struct ice_mig_mbx member for
 * member. ATQ is the VF's send queue (the stream's asq), ARQ its receive
 * queue (arq).
 * @atq_bal: VF_MBX_ATQBAL, send ring base, bits 31:0
 * @atq_bah: VF_MBX_ATQBAH, send ring base, bits 63:32
 * @atq_len: VF_MBX_ATQLEN: length in descriptors, error bits, enable
 * @atq_head: VF_MBX_ATQH
 * @atq_tail: VF_MBX_ATQT
 * @arq_bal: VF_MBX_ARQBAL
 * @arq_bah: VF_MBX_ARQBAH
 * @arq_len: VF_MBX_ARQLEN
 * @arq_head: VF_MBX_ARQH
 * @arq_tail: VF_MBX_ARQT
 */
struct icemig_xlate_mbx_regs {
	__u32 atq_bal, atq_bah, atq_len, atq_head, atq_tail;
	__u32 arq_bal, arq_bah, arq_len, arq_head, arq_tail;
};

/* Interrupt and mailbox registers <-> state (1.2) */
int icemig_xlate_irq_to_state(__u32 dyn_ctl, const __u32 itr[3], struct icemig_irq *out,
			      struct icemig_stream_err *err);
int icemig_xlate_irq_from_state(const struct icemig_irq *in, __u32 *dyn_ctl, __u32 itr[3],
				struct icemig_stream_err *err);
int icemig_xlate_mbx_to_state(const struct icemig_xlate_mbx_regs *r, struct icemig_mbx *pos,
			      struct icemig_mbx_ring *ring, struct icemig_stream_err *err);
int icemig_xlate_mbx_from_state(const struct icemig_mbx *pos,
				const struct icemig_mbx_ring *ring,
				struct icemig_xlate_mbx_regs *r, struct icemig_stream_err *err);

#endif /* ICE_MIG_XLATE_H */
