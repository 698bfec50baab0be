// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Writes the seed corpus of the fuzzer and of the kernel's malformed-stream
 * test: valid streams of several shapes, a descriptor text, and one stream
 * per broken rule. Usage: gen_corpus DIR
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/include/icemig_compat.h"
#include "../../kernel/include/icemig_stream.h"

static const char *dir;

static void put(const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void state(struct icemig_vf_state *st, unsigned int nqp, unsigned int nvlan)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	memcpy(st->mac, "\x52\x54\x00\x12\x34\x56", 6);
	st->spoofchk = 1;
	st->num_qps = nqp;
	st->num_msix = nqp + 1;
	st->vc_api_major = 1;
	st->vc_api_minor = 1;
	for (i = 0; i < nqp; i++) {
		st->txq[i] = (struct icemig_queue){ .base = 0x10000 * (i + 1), .ring_len = 512,
						    .head = 1, .tail = 2, .flags = 1 };
		st->rxq[i] = (struct icemig_queue){ .base = 0x800000 + 0x10000 * i,
						    .ring_len = 512, .head = 3, .tail = 4,
						    .buf_len = 2048, .flags = 1 };
		st->msix[i] = (struct icemig_msix_map){ .vector = i + 1, .rxq_map = 1u << i,
							.txq_map = 1u << i, .tx_itr = 1 };
	}
	st->num_msix_maps = nqp;
	st->has_rss = 1;
	st->rss_lut_len = 64;
	for (i = 0; i < 64; i++)
		st->rss_lut[i] = i % nqp;
	memcpy(st->macs[0].addr, st->mac, 6);
	st->num_macs = 1;
	for (i = 0; i < nvlan; i++)
		st->vlans[i] = i + 1;
	st->num_vlans = nvlan;
	st->has_mbx = 1;
	st->mbx = (struct icemig_mbx){ .asq_len = 64, .arq_len = 64 };
	st->has_stats = 1;
	st->rx_packets = 1000;
}

static uint8_t buf[ICEMIG_STREAM_MAX_LEN + 64];

/* Every 1.1 record on top of state(). */
static void state_v11(struct icemig_vf_state *st, unsigned int nqp)
{
	unsigned int i;

	state(st, nqp, 4);
	st->trust = 1;
	st->vc_caps = 0x040884e1;	/* carried capabilities only */
	st->has_vf_ext = 1;
	st->pf_set_mac = 1;
	st->promisc = ICEMIG_VF_EXT_F_UC_PROMISC;
	st->port_vlan = 7;
	st->port_vlan_prio = 3;
	st->port_vlan_tpid = 0x8100;
	st->driver_caps = 0x040884e1;
	st->min_tx_rate = 10;
	st->max_tx_rate = 1000;
	st->opcodes = 0x3f86fffe;
	st->rss_hfunc = 1;
	st->has_vlan_v2 = 1;
	st->vlan_v2 = (struct icemig_vlan_v2){ .filtering_inner = 1, .stripping_inner = 1,
					       .insertion_inner = 1, .max_filters = 8,
					       .strip_inner_tpid = 0x8100,
					       .flags = ICEMIG_VLAN_V2_F_FILTER_INNER };
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
	for (i = 0; i < nqp; i++) {
		st->rxctx[i] = (struct icemig_rxq_ctx){ .max_frame = 1522, .rxdid = 1,
							.lrxqthresh = 1,
							.flags = ICEMIG_RXQ_CTX_F_CRCSTRIP };
		st->txctx[i].flags = ICEMIG_TXQ_CTX_F_TSO_ENA;
	}
}

static uint32_t enc_v11(unsigned int nqp)
{
	struct icemig_vf_state st;
	uint32_t len;

	state_v11(&st, nqp);
	if (icemig_stream_encode(&st, 0, buf, sizeof(buf), &len))
		exit(1);
	return len;
}

/*
 * Every 1.2 record on top of state_v11(): each vector's interrupt
 * registers, the mailbox rings, and one Tx queue whose tail the provider
 * could not read (TAIL_UNKNOWN: tail at head). @nmsix vectors.
 */
static uint32_t enc_v12(unsigned int nqp, unsigned int nmsix)
{
	struct icemig_vf_state st;
	unsigned int i;
	uint32_t len;

	state_v11(&st, nqp);
	st.num_msix = nmsix;
	st.has_irq = 1;
	for (i = 0; i < nmsix; i++)
		st.irq[i] = (struct icemig_irq){ .flags = ICEMIG_IRQ_F_INTENA,
						 .itr_idx = i ? i % 3 : ICEMIG_ITR_NONE,
						 .sw_itr_idx = i % 4, .interval = i,
						 .itr = { 25, 122, ICEMIG_ITR_INTERVAL_MAX } };
	st.has_mbx_ring = 1;
	st.mbx_ring = (struct icemig_mbx_ring){ .asq_base = 0x7f000040, .arq_base = 0x7f001000,
						.flags = ICEMIG_MBX_RING_F_ALL };
	st.txctx[0].flags |= ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN;
	st.txq[0].tail = st.txq[0].head;
	if (icemig_stream_encode(&st, 0, buf, sizeof(buf), &len))
		exit(1);
	return len;
}

/* Offset of the first record of @type in the stream in buf. */
static uint32_t rec(uint32_t len, uint16_t type)
{
	uint32_t off = 24;

	while (off + 8 <= len) {
		uint16_t t;
		uint32_t l;

		memcpy(&t, buf + off, 2);
		memcpy(&l, buf + off + 4, 4);
		if (le16toh(t) == type)
			return off;
		off += 8 + ((le32toh(l) + 7) & ~7u);
	}
	exit(1);
}

static uint32_t enc(unsigned int nqp, unsigned int nvlan, uint32_t flags)
{
	struct icemig_vf_state st;
	uint32_t len;

	state(&st, nqp, nvlan);
	if (icemig_stream_encode(&st, flags, buf, sizeof(buf), &len))
		exit(1);
	return len;
}

static void fix(uint32_t len)
{
	uint32_t crc = htole32(icemig_crc32(buf + 24, len - 24));

	memcpy(buf + 16, &crc, 4);
}

static void put16(uint32_t off, uint16_t v)
{
	v = htole16(v);
	memcpy(buf + off, &v, 2);
}

static void put32(uint32_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(buf + off, &v, 4);
}

int main(int argc, char **argv)
{
	struct icemig_compat c;
	char text[ICEMIG_COMPAT_TEXT_MAX];
	uint32_t len;
	int n;

	if (argc != 2)
		return 2;
	dir = argv[1];

	/* Valid. */
	len = enc(1, 0, 0);
	put("valid-1qp", buf, len);
	len = enc(4, 16, 0);
	put("valid-4qp-16vlan", buf, len);
	len = enc(16, 256, 0);
	put("valid-16qp-256vlan", buf, len);
	len = enc(4, 0, ICEMIG_STREAM_F_PRECOPY);
	put("valid-precopy", buf, len);
	icemig_compat_init(&c, "ice_mig_sim", 0x8086, 0x10ca);
	n = icemig_compat_format(&c, text, sizeof(text));
	put("descriptor.txt", text, n);

	/* Malformed: one rule each ("bad-" prefix: the kernel must refuse). */
	len = enc(2, 4, 0);
	put("bad-truncated", buf, len - 5);
	memset(buf + len, 0, 16);
	put32(12, len + 16);
	fix(len + 16);
	put("bad-padded", buf, len + 16);
	len = enc(2, 4, 0);
	put32(12, len + 8);
	fix(len);
	put("bad-oversized-total", buf, len);
	len = enc(2, 4, 0);
	buf[0] ^= 0xff;
	put("bad-magic", buf, len);
	len = enc(2, 4, 0);
	put16(4, 2);
	put("bad-version", buf, len);
	len = enc(2, 4, 0);
	buf[len - 1] ^= 1;
	put("bad-checksum", buf, len);
	len = enc(2, 4, 0);
	put32(24 + 4, 0xfffffff0u);
	fix(len);
	put("bad-tlv-length-overflow", buf, len);
	len = enc(2, 4, 0);
	put16(24 + 8 + 12, 17);		/* num_qps beyond the maximum */
	fix(len);
	put("bad-count-num_qps", buf, len);
	len = enc(2, 4, 0);
	put16(24 + 40 + 8 + 8, 9);	/* a Tx queue index out of range */
	fix(len);
	put("bad-index-qid", buf, len);
	len = enc(2, 4, 0);
	put16(24 + 40 + 8 + 24 + 8, 0);	/* second Tx queue also claims qid 0 */
	fix(len);
	put("bad-duplicate-qid", buf, len);
	len = enc(2, 4, 0);
	put16(24, 0x7e);		/* VF_INFO renamed: missing, unknown mandatory */
	fix(len);
	put("bad-missing-vf_info", buf, len);
	len = enc(2, 4, 0);
	memcpy(buf + len, buf + 24, 40);	/* a second VF_INFO */
	put32(12, len + 40);
	fix(len + 40);
	put("bad-duplicate-vf_info", buf, len + 40);
	len = enc(2, 4, 0);
	put16(24, 0x7f00);
	put16(24 + 2, 0);		/* VF_INFO as unknown optional: missing */
	fix(len);
	put("bad-unknown-optional-hides-vf_info", buf, len);

	/* Stream 1.1 records. */
	len = enc_v11(4);
	put("valid-v11-4qp", buf, len);
	len = enc_v11(4);
	buf[rec(len, ICEMIG_TLV_RXQ_CTX) + 8 + 6] = 64;	/* RXDID beyond 6 bits */
	fix(len);
	put("bad-v11-rxdid", buf, len);
	len = enc_v11(4);
	put16(rec(len, ICEMIG_TLV_TXQ_CTX) + 8 + 8, 0);	/* queue 0 twice */
	fix(len);
	put("bad-v11-txq_ctx-qid", buf, len);
	len = enc_v11(4);
	put16(rec(len, ICEMIG_TLV_VF_EXT) + 8 + 28, 0x9100);	/* port VLAN TPID */
	fix(len);
	put("bad-v11-port_vlan_tpid", buf, len);
	len = enc_v11(4);
	buf[rec(len, ICEMIG_TLV_VF_INFO) + 8 + 6] = 0;	/* untrusted, promiscuous */
	fix(len);
	put("bad-v11-promisc-untrusted", buf, len);
	len = enc_v11(4);
	put16(rec(len, ICEMIG_TLV_VLAN_V2) + 8 + 28, 0x88a8);	/* no inner strip cap */
	put32(rec(len, ICEMIG_TLV_VLAN_V2) + 8 + 12, 0);
	fix(len);
	put("bad-v11-vlan_v2-strip", buf, len);
	/* Decodes, but the source negotiated FDIR: the load-time check refuses. */
	len = enc_v11(4);
	put32(rec(len, ICEMIG_TLV_VF_INFO) + 8 + 20, 0x10000001);
	fix(len);
	put("bad-v11-fdir", buf, len);
	/* Decodes, but no queue context holds a 2000-byte Rx buffer. */
	len = enc_v11(4);
	put16(rec(len, ICEMIG_TLV_RXQ) + 8 + 16, 2000);
	fix(len);
	put("bad-v11-rx-buf_len", buf, len);

	/* Stream 1.2 records. */
	len = enc_v12(4, 5);
	put("valid-v12-4qp", buf, len);
	len = enc_v12(16, ICEMIG_MAX_MSIX);
	put("valid-v12-65msix", buf, len);
	len = enc_v12(4, 5);
	put16(rec(len, ICEMIG_TLV_IRQ) + 8 + 16, 0);	/* vector 0 twice */
	fix(len);
	put("bad-v12-irq-vector", buf, len);
	len = enc_v12(4, 5);
	put16(rec(len, ICEMIG_TLV_VF_INFO) + 8 + 14, 6);	/* vector 5 missing */
	fix(len);
	put("bad-v12-irq-count", buf, len);
	len = enc_v12(4, 5);
	put16(rec(len, ICEMIG_TLV_IRQ) + 8 + 6, ICEMIG_ITR_INTERVAL_MAX + 1);
	fix(len);
	put("bad-v12-irq-interval", buf, len);
	len = enc_v12(4, 5);
	buf[rec(len, ICEMIG_TLV_IRQ) + 8 + 3] = 4;	/* ITR index */
	fix(len);
	put("bad-v12-irq-itr_idx", buf, len);
	len = enc_v12(4, 5);
	buf[rec(len, ICEMIG_TLV_MBX_RING) + 8] = 0x48;	/* base not 64-byte aligned */
	fix(len);
	put("bad-v12-mbx_ring-align", buf, len);
	len = enc_v12(4, 5);
	put16(rec(len, ICEMIG_TLV_MBX), 0x7f02);	/* MBX as an optional unknown */
	put16(rec(len, 0x7f02) + 2, 0);
	fix(len);
	put("bad-v12-mbx_ring-without-mbx", buf, len);
	len = enc_v12(4, 5);
	put16(rec(len, ICEMIG_TLV_TXQ) + 8 + 14, 9);	/* queue 0's tail off its head */
	fix(len);
	put("bad-v12-tail_unknown", buf, len);
	return 0;
}
