// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: state decode. See statedec.h. */
#include "statedec.h"

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icemig_stream.h"

#include "out.h"

static void put_hex(struct json_object *o, const char *k, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	icemig_json_str(o, k, buf);
}

static void put_mac(struct json_object *o, const char *k, const uint8_t *m)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	icemig_json_str(o, k, buf);
}

static struct json_object *queues(const struct icemig_queue *q, unsigned int n, bool rx)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object();

		icemig_json_int(e, "queue", i);
		put_hex(e, "base", q[i].base);
		icemig_json_int(e, "ring_len", q[i].ring_len);
		icemig_json_int(e, "head", q[i].head);
		icemig_json_int(e, "tail", q[i].tail);
		if (rx)
			icemig_json_int(e, "buf_len", q[i].buf_len);
		icemig_json_bool(e, "enabled", q[i].flags & ICEMIG_QUEUE_F_ENABLED);
		json_object_array_add(a, e);
	}
	return a;
}

static const char *link_state(unsigned int s)
{
	switch (s) {
	case ICEMIG_LINK_AUTO:
		return "auto";
	case ICEMIG_LINK_ENABLE:
		return "enable";
	case ICEMIG_LINK_DISABLE:
		return "disable";
	}
	return "?";
}

static void vf_ext_value(struct json_object *o, const struct icemig_vf_state *st)
{
	icemig_json_bool(o, "pf_set_mac", st->pf_set_mac);
	icemig_json_bool(o, "unicast_promisc", st->promisc & ICEMIG_VF_EXT_F_UC_PROMISC);
	icemig_json_bool(o, "multicast_promisc", st->promisc & ICEMIG_VF_EXT_F_MC_PROMISC);
	icemig_json_int(o, "port_vlan_prio", st->port_vlan_prio);
	put_hex(o, "port_vlan_tpid", st->port_vlan_tpid);
	put_hex(o, "driver_caps", st->driver_caps);
	icemig_json_int(o, "min_tx_rate_mbps", st->min_tx_rate);
	icemig_json_int(o, "max_tx_rate_mbps", st->max_tx_rate);
	put_hex(o, "opcodes", st->opcodes);
	icemig_json_int(o, "config_gen", (long long)st->config_gen);
	icemig_json_int(o, "rss_hfunc", st->rss_hfunc);
}

static void vlan_v2_value(struct json_object *o, const struct icemig_vlan_v2 *v)
{
	put_hex(o, "filtering_outer", v->filtering_outer);
	put_hex(o, "filtering_inner", v->filtering_inner);
	put_hex(o, "stripping_outer", v->stripping_outer);
	put_hex(o, "stripping_inner", v->stripping_inner);
	put_hex(o, "insertion_outer", v->insertion_outer);
	put_hex(o, "insertion_inner", v->insertion_inner);
	icemig_json_int(o, "max_filters", v->max_filters);
	put_hex(o, "strip_outer_tpid", v->strip_outer_tpid);
	put_hex(o, "strip_inner_tpid", v->strip_inner_tpid);
	put_hex(o, "insert_outer_tpid", v->insert_outer_tpid);
	put_hex(o, "insert_inner_tpid", v->insert_inner_tpid);
	icemig_json_bool(o, "filter_outer", v->flags & ICEMIG_VLAN_V2_F_FILTER_OUTER);
	icemig_json_bool(o, "filter_inner", v->flags & ICEMIG_VLAN_V2_F_FILTER_INNER);
	icemig_json_int(o, "ethertype_match", v->ethertype_match);
}

static struct json_object *rxq_ctx_value(const struct icemig_vf_state *st)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < st->num_qps; i++) {
		const struct icemig_rxq_ctx *r = &st->rxctx[i];
		struct json_object *e = json_object_new_object();

		icemig_json_int(e, "queue", i);
		icemig_json_int(e, "max_frame", r->max_frame);
		icemig_json_int(e, "hbuf_len", r->hbuf_len);
		icemig_json_int(e, "rxdid", r->rxdid);
		icemig_json_int(e, "rxdid_prio", r->rxdid_prio);
		icemig_json_int(e, "dtype", r->dtype);
		icemig_json_int(e, "hsplit_0", r->hsplit_0);
		icemig_json_int(e, "hsplit_1", r->hsplit_1);
		icemig_json_int(e, "lrxqthresh", r->lrxqthresh);
		put_hex(e, "flags", r->flags);
		icemig_json_bool(e, "crc_strip", r->flags & ICEMIG_RXQ_CTX_F_CRCSTRIP);
		json_object_array_add(a, e);
	}
	return a;
}

/*
 * IRQ (stream 1.2): each vector's interrupt registers. Intervals are the
 * registers' values, in units of ICEMIG_ITR_GRAN_US (2) microseconds.
 */
static struct json_object *irq_value(const struct icemig_vf_state *st)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < st->num_msix && i < ICEMIG_MAX_MSIX; i++) {
		const struct icemig_irq *q = &st->irq[i];
		struct json_object *e = json_object_new_object();

		icemig_json_int(e, "vector", i);
		put_hex(e, "flags", q->flags);
		icemig_json_bool(e, "intena", q->flags & ICEMIG_IRQ_F_INTENA);
		icemig_json_bool(e, "wb_on_itr", q->flags & ICEMIG_IRQ_F_WB_ON_ITR);
		icemig_json_bool(e, "sw_itr_ena", q->flags & ICEMIG_IRQ_F_SW_ITR_ENA);
		icemig_json_int(e, "itr_idx", q->itr_idx);
		icemig_json_int(e, "sw_itr_idx", q->sw_itr_idx);
		icemig_json_int(e, "interval_2us", q->interval);
		icemig_json_int(e, "itr0_2us", q->itr[0]);
		icemig_json_int(e, "itr1_2us", q->itr[1]);
		icemig_json_int(e, "itr2_2us", q->itr[2]);
		json_object_array_add(a, e);
	}
	return a;
}

/* The decoded values of one record type. */
static struct json_object *record_value(uint16_t type, const struct icemig_vf_state *st)
{
	struct json_object *o = json_object_new_object(), *a;
	char buf[2 * ICEMIG_RSS_KEY_LEN + 1], ver[16];
	unsigned int i;

	switch (type) {
	case ICEMIG_TLV_VF_INFO:
		put_mac(o, "mac", st->mac);
		icemig_json_bool(o, "trust", st->trust);
		icemig_json_bool(o, "spoofchk", st->spoofchk);
		icemig_json_str(o, "link_state", link_state(st->link_state));
		icemig_json_int(o, "port_vlan", st->port_vlan);
		icemig_json_int(o, "num_qps", st->num_qps);
		icemig_json_int(o, "num_msix", st->num_msix);
		snprintf(ver, sizeof(ver), "%u.%u", st->vc_api_major, st->vc_api_minor);
		icemig_json_str(o, "virtchnl_api", ver);
		put_hex(o, "vc_caps", st->vc_caps);
		break;
	case ICEMIG_TLV_TXQ:
		json_object_object_add(o, "queues", queues(st->txq, st->num_qps, false));
		break;
	case ICEMIG_TLV_RXQ:
		json_object_object_add(o, "queues", queues(st->rxq, st->num_qps, true));
		break;
	case ICEMIG_TLV_STATS:
		icemig_json_int(o, "rx_packets", (long long)st->rx_packets);
		icemig_json_int(o, "rx_bytes", (long long)st->rx_bytes);
		icemig_json_int(o, "tx_packets", (long long)st->tx_packets);
		icemig_json_int(o, "tx_bytes", (long long)st->tx_bytes);
		break;
	case ICEMIG_TLV_MSIX:
		a = json_object_new_array();
		for (i = 0; i < st->num_msix_maps; i++) {
			struct json_object *e = json_object_new_object();

			icemig_json_int(e, "vector", st->msix[i].vector);
			put_hex(e, "rxq_map", st->msix[i].rxq_map);
			put_hex(e, "txq_map", st->msix[i].txq_map);
			icemig_json_int(e, "rx_itr", st->msix[i].rx_itr);
			icemig_json_int(e, "tx_itr", st->msix[i].tx_itr);
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "vectors", a);
		break;
	case ICEMIG_TLV_RSS:
		put_hex(o, "hena", st->rss_hena);
		for (i = 0; i < ICEMIG_RSS_KEY_LEN; i++)
			snprintf(buf + 2 * i, 3, "%02x", st->rss_key[i]);
		icemig_json_str(o, "key", buf);
		a = json_object_new_array();
		for (i = 0; i < st->rss_lut_len; i++)
			json_object_array_add(a, json_object_new_int(st->rss_lut[i]));
		json_object_object_add(o, "lut", a);
		break;
	case ICEMIG_TLV_MAC_FILTERS:
		a = json_object_new_array();
		for (i = 0; i < st->num_macs; i++) {
			struct json_object *e = json_object_new_object();

			put_mac(e, "addr", st->macs[i].addr);
			icemig_json_bool(e, "primary", st->macs[i].flags & ICEMIG_MAC_F_PRIMARY);
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "filters", a);
		break;
	case ICEMIG_TLV_VLAN_FILTERS:
		a = json_object_new_array();
		for (i = 0; i < st->num_vlans; i++)
			json_object_array_add(a, json_object_new_int(st->vlans[i]));
		json_object_object_add(o, "vlans", a);
		break;
	case ICEMIG_TLV_VF_EXT:
		vf_ext_value(o, st);
		break;
	case ICEMIG_TLV_VLAN_V2:
		vlan_v2_value(o, &st->vlan_v2);
		break;
	case ICEMIG_TLV_RXQ_CTX:
		json_object_object_add(o, "queues", rxq_ctx_value(st));
		break;
	case ICEMIG_TLV_TXQ_CTX:
		a = json_object_new_array();
		for (i = 0; i < st->num_qps; i++) {
			struct json_object *e = json_object_new_object();

			icemig_json_int(e, "queue", i);
			put_hex(e, "flags", st->txctx[i].flags);
			icemig_json_bool(e, "tso", st->txctx[i].flags & ICEMIG_TXQ_CTX_F_TSO_ENA);
			icemig_json_bool(e, "tail_unknown",
					 st->txctx[i].flags & ICEMIG_TXQ_CTX_F_TAIL_UNKNOWN);
			icemig_json_int(e, "cache_prof_idx", st->txctx[i].cache_prof_idx);
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "queues", a);
		break;
	case ICEMIG_TLV_MBX:
		icemig_json_int(o, "last_opcode", st->mbx.last_opcode);
		icemig_json_int(o, "asq_len", st->mbx.asq_len);
		icemig_json_int(o, "asq_head", st->mbx.asq_head);
		icemig_json_int(o, "asq_tail", st->mbx.asq_tail);
		icemig_json_int(o, "arq_len", st->mbx.arq_len);
		icemig_json_int(o, "arq_head", st->mbx.arq_head);
		icemig_json_int(o, "arq_tail", st->mbx.arq_tail);
		break;
	case ICEMIG_TLV_IRQ:
		json_object_object_add(o, "vectors", irq_value(st));
		break;
	case ICEMIG_TLV_MBX_RING:
		put_hex(o, "asq_base", st->mbx_ring.asq_base);
		put_hex(o, "arq_base", st->mbx_ring.arq_base);
		icemig_json_bool(o, "asq_enabled", st->mbx_ring.flags & ICEMIG_MBX_RING_F_ASQ_ENA);
		icemig_json_bool(o, "arq_enabled", st->mbx_ring.flags & ICEMIG_MBX_RING_F_ARQ_ENA);
		break;
	}
	return o;
}

/* One stream of @len bytes at file offset @base; the decoder has accepted it. */
static struct json_object *stream_doc(const uint8_t *b, uint32_t len, size_t base,
				      const struct icemig_vf_state *st)
{
	struct json_object *s = json_object_new_object(), *recs = json_object_new_array(), *fl;
	struct icemig_stream_hdr hdr;
	char ver[16];
	uint32_t off;

	memcpy(&hdr, b, sizeof(hdr));
	icemig_json_int(s, "offset", (long long)base);
	snprintf(ver, sizeof(ver), "%u.%u", le16toh(hdr.version_major), le16toh(hdr.version_minor));
	icemig_json_str(s, "version", ver);
	fl = json_object_new_array();
	if (le32toh(hdr.flags) & ICEMIG_STREAM_F_PRECOPY)
		json_object_array_add(fl, json_object_new_string("precopy"));
	json_object_object_add(s, "flags", fl);
	icemig_json_int(s, "total_len", le32toh(hdr.total_len));
	put_hex(s, "checksum", le32toh(hdr.checksum));
	for (off = sizeof(hdr); off < len;) {
		struct json_object *r = json_object_new_object();
		struct icemig_tlv t;
		uint16_t type;
		uint32_t vlen;

		memcpy(&t, b + off, sizeof(t));
		type = le16toh(t.type);
		vlen = le32toh(t.len);
		icemig_json_int(r, "offset", (long long)(base + off));
		icemig_json_str(r, "type", icemig_tlv_type_name(type));
		icemig_json_int(r, "type_id", type);
		icemig_json_bool(r, "mandatory", le16toh(t.flags) & ICEMIG_TLV_F_MANDATORY);
		icemig_json_int(r, "len", vlen);
		if (type >= 1 && type <= ICEMIG_TLV_MAX_KNOWN)
			json_object_object_add(r, "value", record_value(type, st));
		else
			icemig_json_bool(r, "skipped", true);
		json_object_array_add(recs, r);
		off += (uint32_t)sizeof(t) +
		       ((vlen + ICEMIG_STREAM_ALIGN - 1) & ~(uint32_t)(ICEMIG_STREAM_ALIGN - 1));
	}
	json_object_object_add(s, "records", recs);
	return s;
}

int icemig_state_decode(const void *buf, size_t len, const char *what, struct json_object **doc,
			struct icemig_err *err)
{
	const uint8_t *b = buf;
	struct icemig_stream_err se = { NULL, 0 };
	struct json_object *d, *streams;
	struct icemig_vf_state *st;
	uint32_t total, flags;
	size_t off = 0, idx = 0;
	int r = 0;

	*doc = NULL;
	if (len > ICEMIG_STATE_FILE_MAX)
		return icemig_err_set(err, EFBIG, "%s: %zu bytes, larger than the limit of %u",
				      what, len, ICEMIG_STATE_FILE_MAX);
	if (len == 0)
		return icemig_err_set(err, EINVAL, "%s: empty, no stream", what);
	st = malloc(sizeof(*st));
	d = json_object_new_object();
	streams = json_object_new_array();
	if (!st || !d || !streams) {
		free(st);
		json_object_put(d);
		json_object_put(streams);
		return icemig_err_set(err, ENOMEM, "out of memory");
	}
	icemig_json_str(d, "file", what);
	icemig_json_int(d, "bytes", (long long)len);
	json_object_object_add(d, "streams", streams);
	while (off < len) {
		idx++;
		se.what = NULL;
		se.offset = 0;
		r = icemig_stream_frame(b + off, (uint32_t)(len - off), &total, &flags, &se);
		if (r == -EAGAIN) {
			r = icemig_err_set(
				err, EINVAL,
				"%s: stream #%zu at byte %zu: %zu trailing bytes, shorter than a stream header",
				what, idx, off, len - off);
			break;
		}
		if (!r && total > len - off) {
			r = icemig_err_set(
				err, EINVAL,
				"%s: stream #%zu at byte %zu: hdr.total_len %u runs past the end of the file (%zu bytes left)",
				what, idx, off, total, len - off);
			break;
		}
		if (!r)
			r = icemig_stream_decode(b + off, total, st, &se);
		if (r) {
			r = icemig_err_set(
				err, EINVAL, "%s: stream #%zu at byte %zu: invalid: %s at byte %zu",
				what, idx, off, se.what ? se.what : "?", off + se.offset);
			break;
		}
		json_object_array_add(streams, stream_doc(b + off, total, off, st));
		off += total;
	}
	free(st);
	if (r) {
		json_object_put(d);
		return r;
	}
	*doc = d;
	return 0;
}
