/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * icemig device-state stream: the wire format of an E800-series VF's
 * migration state as its PF sees it (ARCHITECTURE.md, Contract 1).
 *
 * This one header is shared by the kernel (ice_mig_sim, later the ice PF
 * provider) and by user space (icemig, the unit tests, the fuzzers). It uses
 * only fixed-width types from <linux/types.h>, which exists in both worlds,
 * and no pointers in any wire structure.
 *
 * Layout of a stream (all integers little-endian):
 *
 *   struct icemig_stream_hdr          24 bytes
 *   record 0: struct icemig_tlv       8 bytes
 *             value                   tlv.len bytes
 *             padding                 to ICEMIG_STREAM_ALIGN (zero bytes)
 *   record 1 ...
 *
 * hdr.total_len is the length of the whole stream in bytes, header
 * included, and is at most ICEMIG_STREAM_MAX_LEN. hdr.checksum is the
 * CRC-32 (IEEE 802.3, as zlib's crc32() and the kernel's
 * crc32_le(~0, ...) ^ ~0) of the bytes that follow the header.
 *
 * Compatibility: a reader accepts streams whose major version equals its
 * own and any minor version. It skips records it does not know unless
 * they carry ICEMIG_TLV_F_MANDATORY, in which case it rejects the stream.
 *
 * Versions. 1.0: VF_INFO .. MBX. 1.1 adds four records, each mandatory
 * when present and absent when the state has nothing for it: VF_EXT,
 * VLAN_V2, RXQ_CTX, TXQ_CTX (docs/design.md, "Stream"). A 1.1 reader
 * reads every 1.0 stream (a missing 1.1 record means what 1.0 meant: the
 * provider's defaults); a 1.0 reader refuses a 1.1 stream that carries a
 * 1.1 record (unknown mandatory record), and the compatibility descriptor
 * (records=) says so before any guest memory moves.
 *
 * 1.2 adds two records on the same terms, IRQ (the interrupt registers of
 * every vector: GLINT_DYN_CTL and GLINT_ITR on an E810) and MBX_RING (the
 * mailbox rings' guest addresses and enable bits), and one TXQ_CTX flag,
 * TAIL_UNKNOWN. A missing 1.2 record means what 1.1 meant: the
 * destination's interrupt and mailbox registers stay as they are.
 */
#ifndef ICEMIG_STREAM_H
#define ICEMIG_STREAM_H

#include <linux/types.h>

#define ICEMIG_STREAM_MAGIC		0x474d4349u /* "ICMG" read as LE u32 */
#define ICEMIG_STREAM_VERSION_MAJOR	1
#define ICEMIG_STREAM_VERSION_MINOR	2
#define ICEMIG_STREAM_ALIGN		8
/* Cap on a whole stream, bytes. A 16 queue-pair VF needs far less. */
#define ICEMIG_STREAM_MAX_LEN		(64u * 1024u)

/* Capacity of the state model (E810 VF limits, virtchnl "large VF" off). */
#define ICEMIG_MAX_QP			16
#define ICEMIG_RING_LEN_MIN		64
#define ICEMIG_RING_LEN_MAX		8160
#define ICEMIG_RING_LEN_ALIGN		32
#define ICEMIG_MAX_MSIX			65	/* 64 queue vectors + mailbox */
#define ICEMIG_RSS_KEY_LEN		52
#define ICEMIG_RSS_LUT_MAX		64
#define ICEMIG_MAX_MAC_FILTERS		64
#define ICEMIG_MAX_VLAN_FILTERS		512
#define ICEMIG_MBX_LEN_MAX		1024
#define ICEMIG_ITR_NONE			3
/* Hardware field limits of the 1.1 records (E810 queue contexts). */
#define ICEMIG_RXDID_MAX		63	/* QRXFLXP_CNTXT.RXDID_IDX, 6 bits */
#define ICEMIG_RX_MAX_FRAME_MAX		16383	/* Rx context rxmax, 14 bits, bytes */
#define ICEMIG_RX_HBUF_UNIT		64	/* Rx context hbuf unit, bytes */
#define ICEMIG_RX_HBUF_MAX		(31 * ICEMIG_RX_HBUF_UNIT) /* 5 bits */
/* 1.2: interrupt throttling intervals (GLINT_ITR / GLINT_DYN_CTL INTERVAL,
 * 12 bits, in units of ICEMIG_ITR_GRAN_US microseconds).
 */
#define ICEMIG_ITR_INTERVAL_MAX		4095
#define ICEMIG_ITR_GRAN_US		2
/* 1.2: mailbox ring base addresses are aligned to this many bytes. */
#define ICEMIG_MBX_RING_ALIGN		64

/*
 * What the stream carries (1.1), as virtchnl bits of Linux 6.12
 * (include/linux/avf/virtchnl.h). A VF that negotiated a capability
 * outside ICEMIG_VC_CAPS_CARRIED (VIRTCHNL_VF_OFFLOAD_*), or that the PF
 * allows an opcode outside ICEMIG_VC_OPS_CARRIED (bit N: VIRTCHNL_OP_ N),
 * holds state no stream has a record for: it cannot migrate, and the
 * compatibility check refuses it naming the feature (icemig_compat.h).
 *
 * Carried capabilities: L2, RSS_AQ, RSS_REG, WB_ON_ITR, REQ_QUEUES,
 * ADV_LINK_SPEED, CRC, VLAN_V2, VLAN, RSS_PCTYPE_V2, RSS_PF, ENCAP,
 * ENCAP_CSUM, RX_ENCAP_CSUM, USO, RX_FLEX_DESC. Not carried: RDMA, TC_U32,
 * RX_POLLING, ADQ, ADV_RSS_PF, FDIR_PF and every bit 6.12 does not define.
 * Carried opcodes: VERSION .. GET_STATS (1-15), EVENT, CONFIG_RSS_HFUNC,
 * CONFIG_RSS_KEY .. REQUEST_QUEUES (23-29), GET_SUPPORTED_RXDIDS, the VLAN
 * v2 opcodes (51-57). Not carried: the RDMA (20-22), channel and cloud
 * filter (30-33), advanced RSS (45, 46) and FDIR (47, 48) opcodes.
 */
#define ICEMIG_VC_CAPS_CARRIED		0x067d84f9u
#define ICEMIG_VC_OPS_CARRIED		0x03f810003f86fffeull

/**
 * struct icemig_stream_hdr - stream header, 24 bytes
 * @magic: ICEMIG_STREAM_MAGIC
 * @version_major: incompatible format changes
 * @version_minor: compatible additions (new optional records)
 * @flags: ICEMIG_STREAM_F_*; other bits zero
 * @total_len: bytes in the stream, this header included
 * @checksum: CRC-32 of the total_len - 24 bytes after the header
 * @reserved: zero
 */
struct icemig_stream_hdr {
	__le32 magic;
	__le16 version_major;
	__le16 version_minor;
	__le32 flags;
	__le32 total_len;
	__le32 checksum;
	__le32 reserved;
};

/*
 * A PRE_COPY preview: the configuration of a still-running VF (no STATS).
 * The destination validates it and checks compatibility as soon as it has
 * arrived, and never applies it; the final stream (flag clear) follows.
 */
#define ICEMIG_STREAM_F_PRECOPY		0x0001u
#define ICEMIG_STREAM_F_ALL		ICEMIG_STREAM_F_PRECOPY

/* Record carries state the reader must understand to restore the VF. */
#define ICEMIG_TLV_F_MANDATORY		0x0001u

/**
 * struct icemig_tlv - record header, 8 bytes, followed by @len value bytes
 * and zero padding up to ICEMIG_STREAM_ALIGN.
 * @type: enum icemig_tlv_type
 * @flags: ICEMIG_TLV_F_*
 * @len: value length in bytes, header and padding excluded
 */
struct icemig_tlv {
	__le16 type;
	__le16 flags;
	__le32 len;
};

/**
 * enum icemig_tlv_type - record types
 * @ICEMIG_TLV_VF_INFO: struct icemig_wire_vf_info, exactly one, mandatory
 * @ICEMIG_TLV_TXQ: array of struct icemig_wire_queue, one per Tx queue
 *	of the VF (count = len / entry size), at most one record, mandatory
 * @ICEMIG_TLV_RXQ: the same for Rx queues
 * @ICEMIG_TLV_STATS: struct icemig_wire_stats, at most one, optional
 * @ICEMIG_TLV_MSIX: array of struct icemig_wire_msix, the interrupt map
 *	(virtchnl CONFIG_IRQ_MAP), at most one, mandatory; absent: no map
 * @ICEMIG_TLV_RSS: struct icemig_wire_rss followed by lut_len LUT bytes,
 *	at most one, mandatory; absent: RSS not configured
 * @ICEMIG_TLV_MAC_FILTERS: array of struct icemig_wire_mac, at most one,
 *	mandatory; absent: no filter
 * @ICEMIG_TLV_VLAN_FILTERS: array of __le16 VLAN IDs, strictly increasing,
 *	at most one, mandatory; absent: no filter
 * @ICEMIG_TLV_MBX: struct icemig_wire_mbx, the PF<->VF mailbox queues, at
 *	most one, mandatory; absent: mailbox not set up
 * @ICEMIG_TLV_VF_EXT: (1.1) struct icemig_wire_vf_ext, the rest of the VF
 *	info: pf_set_mac, port VLAN TPID and priority, promiscuous modes, Tx
 *	rates, driver caps, allowed opcodes, configuration-change counter; at
 *	most one, mandatory; absent: all zero (a 1.0 stream)
 * @ICEMIG_TLV_VLAN_V2: (1.1) struct icemig_wire_vlan_v2, the VLAN v2
 *	capabilities the VF was given and its strip/insert/filter settings;
 *	at most one, mandatory; absent: VLAN v2 not negotiated
 * @ICEMIG_TLV_RXQ_CTX: (1.1) array of struct icemig_wire_rxq_ctx, the Rx
 *	queue context fields RXQ does not carry, one entry per Rx queue
 *	(queues 0 .. num_qps - 1, each once); at most one, mandatory; absent:
 *	not carried (the provider's defaults, as with a 1.0 stream)
 * @ICEMIG_TLV_TXQ_CTX: (1.1) array of struct icemig_wire_txq_ctx, the same
 *	for the Tx queue contexts
 * @ICEMIG_TLV_IRQ: (1.2) array of struct icemig_wire_irq, the interrupt
 *	registers of each vector the VF has (vectors 0 .. num_msix - 1, each
 *	once; 0 is the mailbox vector); at most one, mandatory; absent: not
 *	carried (the destination's registers stay as they are)
 * @ICEMIG_TLV_MBX_RING: (1.2) struct icemig_wire_mbx_ring, the mailbox
 *	rings' guest addresses and enable bits; only with MBX; at most one,
 *	mandatory; absent: not carried (the destination's stay as they are)
 */
enum icemig_tlv_type {
	ICEMIG_TLV_VF_INFO = 1,
	ICEMIG_TLV_TXQ = 2,
	ICEMIG_TLV_RXQ = 3,
	ICEMIG_TLV_STATS = 4,
	ICEMIG_TLV_MSIX = 5,
	ICEMIG_TLV_RSS = 6,
	ICEMIG_TLV_MAC_FILTERS = 7,
	ICEMIG_TLV_VLAN_FILTERS = 8,
	ICEMIG_TLV_MBX = 9,
	ICEMIG_TLV_VF_EXT = 10,
	ICEMIG_TLV_VLAN_V2 = 11,
	ICEMIG_TLV_RXQ_CTX = 12,
	ICEMIG_TLV_TXQ_CTX = 13,
	ICEMIG_TLV_IRQ = 14,
	ICEMIG_TLV_MBX_RING = 15,
	ICEMIG_TLV_MAX_KNOWN = ICEMIG_TLV_MBX_RING,
};

/* virtchnl link state forced by the PF admin (ip link set vf state). */
enum icemig_link_state {
	ICEMIG_LINK_AUTO = 0,
	ICEMIG_LINK_ENABLE = 1,
	ICEMIG_LINK_DISABLE = 2,
};

/**
 * struct icemig_wire_vf_info - VF identity and negotiated settings, 32 bytes
 * @mac: VF MAC address set by the PF admin or the VF
 * @trust: 0 or 1
 * @spoofchk: 0 or 1
 * @link_state: enum icemig_link_state
 * @pad0: zero
 * @port_vlan: port VLAN ID, 0..4095 (0: none)
 * @num_qps: queue pairs in use, 1..ICEMIG_MAX_QP
 * @num_msix: MSI-X vectors in use (including the mailbox vector)
 * @vc_api_major: negotiated virtchnl API version
 * @vc_api_minor: negotiated virtchnl API version
 * @vc_caps: negotiated VIRTCHNL_VF_OFFLOAD_* capability bits
 * @reserved: zero
 */
struct icemig_wire_vf_info {
	__u8 mac[6];
	__u8 trust;
	__u8 spoofchk;
	__u8 link_state;
	__u8 pad0;
	__le16 port_vlan;
	__le16 num_qps;
	__le16 num_msix;
	__le16 vc_api_major;
	__le16 vc_api_minor;
	__le32 vc_caps;
	__le32 reserved[2];
};

/**
 * struct icemig_wire_queue - one Tx or Rx queue context, 24 bytes
 * @base: ring base, guest DMA address (bytes, 128-byte aligned)
 * @qid: queue index within the VF, < num_qps, unique per direction
 * @ring_len: descriptors, ICEMIG_RING_LEN_MIN..MAX, multiple of 32
 * @head: next descriptor the device processes, < ring_len
 * @tail: last descriptor the driver posted, < ring_len
 * @buf_len: Rx buffer size in bytes (Rx only, 0 for Tx)
 * @flags: ICEMIG_QUEUE_F_*
 */
struct icemig_wire_queue {
	__le64 base;
	__le16 qid;
	__le16 ring_len;
	__le16 head;
	__le16 tail;
	__le16 buf_len;
	__le16 flags;
	__le32 reserved;
};

#define ICEMIG_QUEUE_F_ENABLED		0x0001u
#define ICEMIG_QUEUE_F_ALL		ICEMIG_QUEUE_F_ENABLED

/**
 * struct icemig_wire_stats - VF counters kept by the PF, 32 bytes
 */
struct icemig_wire_stats {
	__le64 rx_packets;
	__le64 rx_bytes;
	__le64 tx_packets;
	__le64 tx_bytes;
};

/**
 * struct icemig_wire_msix - one interrupt vector's queue map, 8 bytes
 * @vector: MSI-X vector index, < num_msix, unique
 * @rxq_map: bit i: Rx queue i raises this vector (i < num_qps)
 * @txq_map: bit i: Tx queue i raises this vector (i < num_qps)
 * @rx_itr: Rx ITR index, 0..2 or ICEMIG_ITR_NONE
 * @tx_itr: Tx ITR index, 0..2 or ICEMIG_ITR_NONE
 */
struct icemig_wire_msix {
	__le16 vector;
	__le16 rxq_map;
	__le16 txq_map;
	__u8 rx_itr;
	__u8 tx_itr;
};

/**
 * struct icemig_wire_rss - RSS configuration, 72 bytes + LUT
 * @hena: enabled hash types (virtchnl VIRTCHNL_OP_SET_RSS_HENA bits)
 * @key_len: ICEMIG_RSS_KEY_LEN
 * @lut_len: LUT entries (bytes) that follow @key, 1..ICEMIG_RSS_LUT_MAX;
 *	each entry is a queue index < num_qps
 * @reserved: zero
 * @key: hash key
 * @pad: zero
 */
struct icemig_wire_rss {
	__le64 hena;
	__le16 key_len;
	__le16 lut_len;
	__le32 reserved;
	__u8 key[ICEMIG_RSS_KEY_LEN];
	__u8 pad[4];
};

/**
 * struct icemig_wire_mac - one MAC filter, 8 bytes
 * @addr: unicast or multicast address, not all-zero, unique
 * @flags: ICEMIG_MAC_F_*
 */
struct icemig_wire_mac {
	__u8 addr[6];
	__le16 flags;
};

#define ICEMIG_MAC_F_PRIMARY		0x0001u
#define ICEMIG_MAC_F_ALL		ICEMIG_MAC_F_PRIMARY

/**
 * struct icemig_wire_mbx - PF<->VF mailbox queue positions, 16 bytes
 * @last_opcode: last virtchnl opcode the PF handled for the VF
 * @asq_len: send queue length (descriptors, 1..ICEMIG_MBX_LEN_MAX)
 * @asq_head: < asq_len
 * @asq_tail: < asq_len
 * @arq_len: receive queue length (1..ICEMIG_MBX_LEN_MAX)
 * @arq_head: < arq_len
 * @arq_tail: < arq_len
 */
struct icemig_wire_mbx {
	__le32 last_opcode;
	__le16 asq_len;
	__le16 asq_head;
	__le16 asq_tail;
	__le16 arq_len;
	__le16 arq_head;
	__le16 arq_tail;
};

/**
 * struct icemig_wire_vf_ext - VF info added in 1.1, 40 bytes
 * @opcodes: virtchnl opcodes the PF allows the VF now, bit N = opcode N
 *	(ice's opcodes_allowlist; VIRTCHNL_OP_MAX is 58 in Linux 6.12)
 * @config_gen: the source's configuration-change counter (PRE_COPY)
 * @driver_caps: VIRTCHNL_VF_OFFLOAD_* bits the VF driver asked for in
 *	VIRTCHNL_OP_GET_VF_RESOURCES (VF_INFO's vc_caps: what it was given)
 * @min_tx_rate: minimum Tx rate, Mbps (0: none)
 * @max_tx_rate: maximum Tx rate, Mbps (0: none), >= @min_tx_rate if set
 * @port_vlan_tpid: port VLAN TPID, 0x8100 or 0x88a8; 0 when there is no
 *	port VLAN (VF_INFO's port_vlan and @port_vlan_prio both 0)
 * @port_vlan_prio: port VLAN priority (PCP), 0..7
 * @flags: ICEMIG_VF_EXT_F_*
 * @rss_hfunc: RSS hash function (virtchnl VIRTCHNL_OP_CONFIG_RSS_HFUNC,
 *	enum virtchnl_rss_algorithm, 0..3); 0 when RSS is not configured
 * @reserved: zero
 */
struct icemig_wire_vf_ext {
	__le64 opcodes;
	__le64 config_gen;
	__le32 driver_caps;
	__le32 min_tx_rate;
	__le32 max_tx_rate;
	__le16 port_vlan_tpid;
	__u8 port_vlan_prio;
	__u8 flags;
	__u8 rss_hfunc;
	__u8 reserved[7];
};

/* MAC set by the PF admin (the VF may not change it). */
#define ICEMIG_VF_EXT_F_PF_SET_MAC	0x01u
/* Unicast / multicast promiscuous mode on; only for a trusted VF. */
#define ICEMIG_VF_EXT_F_UC_PROMISC	0x02u
#define ICEMIG_VF_EXT_F_MC_PROMISC	0x04u
#define ICEMIG_VF_EXT_F_ALL		0x07u

/**
 * struct icemig_wire_vlan_v2 - VLAN v2 offloads, 40 bytes
 * @filtering_outer: virtchnl_vlan_caps filtering support offered, outer
 *	(VIRTCHNL_VLAN_* bits; 0: unsupported)
 * @filtering_inner: the same, inner
 * @stripping_outer: stripping support offered, outer
 * @stripping_inner: stripping support offered, inner
 * @insertion_outer: insertion support offered, outer
 * @insertion_inner: insertion support offered, inner
 * @max_filters: VLAN filters offered
 * @strip_outer_tpid: outer stripping on with this TPID (0: off)
 * @strip_inner_tpid: inner stripping on with this TPID (0: off)
 * @insert_outer_tpid: outer insertion on with this TPID (0: off)
 * @insert_inner_tpid: inner insertion on with this TPID (0: off)
 * @flags: ICEMIG_VLAN_V2_F_*
 * @ethertype_match: virtchnl_vlan_offload_caps.ethertype_match offered
 * @reserved: zero
 *
 * A TPID is 0x8100, 0x88a8 or 0x9100; a setting is on only where the
 * matching capability is non-zero.
 */
struct icemig_wire_vlan_v2 {
	__le32 filtering_outer;
	__le32 filtering_inner;
	__le32 stripping_outer;
	__le32 stripping_inner;
	__le32 insertion_outer;
	__le32 insertion_inner;
	__le16 max_filters;
	__le16 strip_outer_tpid;
	__le16 strip_inner_tpid;
	__le16 insert_outer_tpid;
	__le16 insert_inner_tpid;
	__u8 flags;
	__u8 ethertype_match;
	__le32 reserved;
};

#define ICEMIG_VLAN_V2_F_FILTER_OUTER	0x01u	/* outer filtering on */
#define ICEMIG_VLAN_V2_F_FILTER_INNER	0x02u	/* inner filtering on */
#define ICEMIG_VLAN_V2_F_ALL		0x03u

/**
 * struct icemig_wire_rxq_ctx - Rx queue details, 16 bytes
 * @qid: queue index within the VF, < num_qps, unique
 * @max_frame: largest frame the queue accepts, bytes (context rxmax,
 *	<= ICEMIG_RX_MAX_FRAME_MAX)
 * @hbuf_len: header buffer, bytes (context hbuf x 64, <= 1984)
 * @rxdid: Rx descriptor format (QRXFLXP_CNTXT RXDID_IDX, <= 63)
 * @rxdid_prio: QRXFLXP_CNTXT RXDID_PRIO, 0..7
 * @dtype: descriptor type / header split mode (context dtype, 0..3)
 * @hsplit_0: header split types 0 (context hsplit_0, 0..15)
 * @hsplit_1: header split types 1 (context hsplit_1, 0..3)
 * @lrxqthresh: low Rx queue threshold (context lrxqthresh, 0..7)
 * @flags: ICEMIG_RXQ_CTX_F_*
 * @reserved: zero
 *
 * Base, ring length, data buffer size and head travel in RXQ. The
 * context's cpuid (a TPH steering hint of the host) is not carried.
 */
struct icemig_wire_rxq_ctx {
	__le16 qid;
	__le16 max_frame;
	__le16 hbuf_len;
	__u8 rxdid;
	__u8 rxdid_prio;
	__u8 dtype;
	__u8 hsplit_0;
	__u8 hsplit_1;
	__u8 lrxqthresh;
	__le16 flags;
	__le16 reserved;
};

#define ICEMIG_RXQ_CTX_F_DSIZE_32	0x0001u	/* 32-byte descriptors (dsize) */
#define ICEMIG_RXQ_CTX_F_CRCSTRIP	0x0002u	/* strip the Ethernet CRC */
#define ICEMIG_RXQ_CTX_F_L2TSEL		0x0004u	/* l2tsel: tag in L2TAG2 */
#define ICEMIG_RXQ_CTX_F_SHOWIV		0x0008u	/* showiv */
#define ICEMIG_RXQ_CTX_F_PREFENA	0x0010u	/* descriptor prefetch */
#define ICEMIG_RXQ_CTX_F_TPH_RDESC	0x0020u	/* tphrdesc_ena */
#define ICEMIG_RXQ_CTX_F_TPH_WDESC	0x0040u	/* tphwdesc_ena */
#define ICEMIG_RXQ_CTX_F_TPH_DATA	0x0080u	/* tphdata_ena */
#define ICEMIG_RXQ_CTX_F_TPH_HEAD	0x0100u	/* tphhead_ena */
#define ICEMIG_RXQ_CTX_F_ALL		0x01ffu

/**
 * struct icemig_wire_txq_ctx - Tx queue details, 8 bytes
 * @qid: queue index within the VF, < num_qps, unique
 * @flags: ICEMIG_TXQ_CTX_F_*
 * @cache_prof_idx: context cache_prof_idx, 0..3
 * @reserved: zero
 *
 * Base, ring length and the head (QTX_COMM_HEAD, read before the ring
 * stopped) travel in TXQ. The context fields that name host resources
 * (port, PF, VF and VSI numbers, queue numbers, congestion domain,
 * profiles, cpuid, internal state) are not carried: the destination's PF
 * sets its own.
 */
struct icemig_wire_txq_ctx {
	__le16 qid;
	__le16 flags;
	__u8 cache_prof_idx;
	__u8 reserved[3];
};

#define ICEMIG_TXQ_CTX_F_TSYN_ENA	0x0001u	/* Tx timestamps */
#define ICEMIG_TXQ_CTX_F_ALT_VLAN	0x0002u	/* alternate VLAN (L2TAG2) */
#define ICEMIG_TXQ_CTX_F_WB_MODE	0x0004u	/* descriptor write-back mode */
#define ICEMIG_TXQ_CTX_F_TPHRD_DESC	0x0008u
#define ICEMIG_TXQ_CTX_F_TPHRD		0x0010u
#define ICEMIG_TXQ_CTX_F_TPHWR_DESC	0x0020u
#define ICEMIG_TXQ_CTX_F_ITR_NOTIF	0x0040u	/* itr_notification_mode */
#define ICEMIG_TXQ_CTX_F_TSO_ENA	0x0080u
#define ICEMIG_TXQ_CTX_F_LEGACY_INT	0x0100u
#define ICEMIG_TXQ_CTX_F_DROP_ENA	0x0200u
/*
 * (1.2) The provider could not read the queue's tail: on an E810 the Tx
 * doorbell (QTX_COMM_DBELL) is write-only. TXQ's tail then equals its
 * head, and any descriptor the VF driver posted past the head when the
 * queue stopped goes out at its next doorbell write, which carries its own
 * tail. A destination writes no Tx doorbell for such a queue.
 */
#define ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN	0x0400u
#define ICEMIG_TXQ_CTX_F_ALL		0x07ffu

/**
 * struct icemig_wire_irq - one vector's interrupt registers (1.2), 16 bytes
 * @vector: MSI-X vector index, < num_msix (0: the mailbox vector)
 * @flags: ICEMIG_IRQ_F_*
 * @itr_idx: the ITR index the vector's dynamic control selects (GLINT_DYN_CTL
 *	ITR_INDX), 0..2 or ICEMIG_ITR_NONE
 * @sw_itr_idx: the software-interrupt ITR index (SW_ITR_INDX), 0..3
 * @reserved0: zero
 * @interval: GLINT_DYN_CTL INTERVAL, 0..ICEMIG_ITR_INTERVAL_MAX, in units of
 *	ICEMIG_ITR_GRAN_US microseconds
 * @itr: the throttling interval of ITR index 0..2 (GLINT_ITR),
 *	0..ICEMIG_ITR_INTERVAL_MAX, in units of ICEMIG_ITR_GRAN_US microseconds
 * @reserved: zero
 *
 * The write-only triggers (CLEARPBA, SWINT_TRIG, INTENA_MSK) are not
 * carried: a destination writes none of them.
 */
struct icemig_wire_irq {
	__le16 vector;
	__u8 flags;
	__u8 itr_idx;
	__u8 sw_itr_idx;
	__u8 reserved0;
	__le16 interval;
	__le16 itr[3];
	__le16 reserved;
};

#define ICEMIG_IRQ_F_INTENA		0x01u	/* interrupt enabled */
#define ICEMIG_IRQ_F_WB_ON_ITR		0x02u	/* write back on ITR expiry */
#define ICEMIG_IRQ_F_SW_ITR_ENA		0x04u	/* SW_ITR_INDX_ENA */
#define ICEMIG_IRQ_F_ALL		0x07u

/**
 * struct icemig_wire_mbx_ring - the mailbox rings (1.2), 24 bytes
 * @asq_base: send queue (VF to PF) ring, guest DMA address in bytes,
 *	ICEMIG_MBX_RING_ALIGN-aligned (VF_MBX_ATQBAL/ATQBAH on an E810);
 *	non-zero when ICEMIG_MBX_RING_F_ASQ_ENA is set
 * @arq_base: receive queue (PF to VF) ring, the same (ARQBAL/ARQBAH)
 * @flags: ICEMIG_MBX_RING_F_*
 * @reserved: zero
 *
 * Lengths, heads and tails travel in MBX.
 */
struct icemig_wire_mbx_ring {
	__le64 asq_base;
	__le64 arq_base;
	__le16 flags;
	__le16 reserved[3];
};

#define ICEMIG_MBX_RING_F_ASQ_ENA	0x0001u	/* ATQLEN.ATQENABLE */
#define ICEMIG_MBX_RING_F_ARQ_ENA	0x0002u	/* ARQLEN.ARQENABLE */
#define ICEMIG_MBX_RING_F_ALL		0x0003u

/* ---- native (in-memory) state: what a provider saves and loads ---- */

/* Rx queue details (1.1), CPU order; fields as struct icemig_wire_rxq_ctx. */
struct icemig_rxq_ctx {
	__u16 max_frame;
	__u16 hbuf_len;
	__u8 rxdid;
	__u8 rxdid_prio;
	__u8 dtype;
	__u8 hsplit_0;
	__u8 hsplit_1;
	__u8 lrxqthresh;
	__u16 flags;
};

/* Tx queue details (1.1), CPU order; fields as struct icemig_wire_txq_ctx. */
struct icemig_txq_ctx {
	__u16 flags;
	__u8 cache_prof_idx;
};

/* Interrupt registers (1.2), CPU order; fields as struct icemig_wire_irq. */
struct icemig_irq {
	__u8 flags;
	__u8 itr_idx;
	__u8 sw_itr_idx;
	__u16 interval;
	__u16 itr[3];
};

/* Mailbox rings (1.2), CPU order; fields as struct icemig_wire_mbx_ring. */
struct icemig_mbx_ring {
	__u64 asq_base;
	__u64 arq_base;
	__u16 flags;
};

/* VLAN v2 (1.1), CPU order; fields as struct icemig_wire_vlan_v2. */
struct icemig_vlan_v2 {
	__u32 filtering_outer, filtering_inner;
	__u32 stripping_outer, stripping_inner;
	__u32 insertion_outer, insertion_inner;
	__u16 max_filters;
	__u16 strip_outer_tpid, strip_inner_tpid;
	__u16 insert_outer_tpid, insert_inner_tpid;
	__u8 flags;
	__u8 ethertype_match;
};

struct icemig_msix_map {
	__u16 vector;
	__u16 rxq_map;
	__u16 txq_map;
	__u8 rx_itr;
	__u8 tx_itr;
};

struct icemig_mac_filter {
	__u8 addr[6];
	__u16 flags;
};

struct icemig_mbx {
	__u32 last_opcode;
	__u16 asq_len, asq_head, asq_tail;
	__u16 arq_len, arq_head, arq_tail;
};

/**
 * struct icemig_queue - a queue context in CPU byte order
 */
struct icemig_queue {
	__u64 base;
	__u16 ring_len;
	__u16 head;
	__u16 tail;
	__u16 buf_len;
	__u16 flags;
};

/**
 * struct icemig_vf_state - the VF state a stream carries, CPU byte order.
 * Queue @txq[i] / @rxq[i] is the context of queue i, for i < @num_qps.
 * Array members are meaningful up to their count (@num_msix_maps,
 * @rss_lut_len, @num_macs, @num_vlans); the rest is zero.
 * The 1.1 members (after @mbx) are meaningful when their has_ flag is
 * set (@has_vf_ext: @pf_set_mac .. @rss_hfunc; @has_vlan_v2; @has_rxq_ctx:
 * @rxctx[i < num_qps]; @has_txq_ctx: @txctx[i < num_qps]) and zero
 * otherwise. So are the 1.2 members (@has_irq: @irq[i] is vector i's, for
 * i < num_msix; @has_mbx_ring: @mbx_ring, only with @has_mbx).
 */
struct icemig_vf_state {
	__u8 mac[6];
	__u8 trust;
	__u8 spoofchk;
	__u8 link_state;
	__u16 port_vlan;
	__u16 num_qps;
	__u16 num_msix;
	__u16 vc_api_major;
	__u16 vc_api_minor;
	__u32 vc_caps;
	struct icemig_queue txq[ICEMIG_MAX_QP];
	struct icemig_queue rxq[ICEMIG_MAX_QP];
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u8 has_stats;
	__u8 has_rss;
	__u8 has_mbx;
	__u16 num_msix_maps;
	struct icemig_msix_map msix[ICEMIG_MAX_MSIX];
	__u64 rss_hena;
	__u16 rss_lut_len;
	__u8 rss_key[ICEMIG_RSS_KEY_LEN];
	__u8 rss_lut[ICEMIG_RSS_LUT_MAX];
	__u16 num_macs;
	struct icemig_mac_filter macs[ICEMIG_MAX_MAC_FILTERS];
	__u16 num_vlans;
	__u16 vlans[ICEMIG_MAX_VLAN_FILTERS];
	struct icemig_mbx mbx;
	/* 1.1 */
	__u8 has_vf_ext;
	__u8 has_vlan_v2;
	__u8 has_rxq_ctx;
	__u8 has_txq_ctx;
	__u8 pf_set_mac;
	__u8 promisc;			/* ICEMIG_VF_EXT_F_{UC,MC}_PROMISC */
	__u8 port_vlan_prio;
	__u16 port_vlan_tpid;
	__u32 driver_caps;
	__u32 min_tx_rate;
	__u32 max_tx_rate;
	__u64 opcodes;
	__u64 config_gen;
	__u8 rss_hfunc;
	struct icemig_vlan_v2 vlan_v2;
	struct icemig_rxq_ctx rxctx[ICEMIG_MAX_QP];
	struct icemig_txq_ctx txctx[ICEMIG_MAX_QP];
	/* 1.2 */
	__u8 has_irq;
	__u8 has_mbx_ring;
	struct icemig_irq irq[ICEMIG_MAX_MSIX];
	struct icemig_mbx_ring mbx_ring;
};

/**
 * struct icemig_stream_err - where a stream was found invalid
 * @what: static string naming the field or rule, e.g. "hdr.magic"
 * @offset: byte offset in the stream of the offending item
 */
struct icemig_stream_err {
	const char *what;
	__u32 offset;
};

/*
 * Codec. Pure functions: no allocation, no locking, no global state; safe on
 * any buffer. All lengths are bytes.
 */
__u32 icemig_crc32(const void *buf, __u32 len);
int icemig_stream_size(const struct icemig_vf_state *st, __u32 flags,
		       __u32 *size);
int icemig_stream_encode(const struct icemig_vf_state *st, __u32 flags,
			 void *buf, __u32 size, __u32 *used);
int icemig_stream_frame(const void *buf, __u32 len, __u32 *total,
			__u32 *flags, struct icemig_stream_err *err);
int icemig_stream_decode(const void *buf, __u32 len,
			 struct icemig_vf_state *st,
			 struct icemig_stream_err *err);
int icemig_state_check(const struct icemig_vf_state *st,
		       struct icemig_stream_err *err);
const char *icemig_tlv_type_name(__u16 type);

#endif /* ICEMIG_STREAM_H */
