// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libFuzzer harness over the device-state stream decoder and the
 * compatibility descriptor (the kernel's own sources, built in user space
 * with ASan and UBSan).
 *
 * Input: any bytes. They are decoded as a stream; a stream that decodes
 * must re-encode to the same bytes' state (decode(encode(st)) == st) and its
 * descriptor must compare compatible with itself (refused naming the
 * feature when the VF uses a virtchnl feature no stream carries). The same bytes are also
 * parsed as a descriptor text and, if valid, printed and parsed again to
 * the same descriptor. And they go through the ice translation
 * (kernel/ice_mig_xlate.c): as Rx and Tx queue context images (unpacking
 * never fails, pack(unpack(b)) gives back exactly the bits of b that belong
 * to a field; a context the model accepts comes back through the state
 * unchanged but for the host-local fields), as ice's VF info (accepted
 * values give a valid state and come back unchanged) and as MAC and VLAN
 * filter lists (accepted lists give a valid state).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/include/icemig_compat.h"
#include "../../kernel/include/icemig_stream.h"
#include "../../kernel/ice_mig_xlate.h"

static void check_stream(const uint8_t *data, size_t size)
{
	static uint8_t out[ICEMIG_STREAM_MAX_LEN];
	struct icemig_vf_state st, st2;
	struct icemig_stream_err err;
	struct icemig_compat c;
	uint32_t total, flags, used;

	if (size > ICEMIG_STREAM_MAX_LEN + 16)
		return;
	if (!icemig_stream_frame(data, (uint32_t)size, &total, &flags, &err) &&
	    (total < 24 || total > ICEMIG_STREAM_MAX_LEN))
		abort();
	if (icemig_stream_decode(data, (uint32_t)size, &st, &err)) {
		if (!err.what)
			abort(); /* every rejection names its rule */
		return;
	}
	/* A decoded state is valid, encodes, and decodes to itself. */
	if (icemig_state_check(&st, NULL))
		abort();
	if (icemig_stream_encode(&st, flags, out, sizeof(out), &used))
		abort();
	if (icemig_stream_decode(out, used, &st2, NULL) || memcmp(&st, &st2, sizeof(st)))
		abort();
	icemig_compat_init(&c, "fuzz", 0x8086, 0x1889);
	icemig_compat_set_used(&c, &st);
	c.rss_lut_size = st.has_rss ? st.rss_lut_len : c.rss_lut_size;
	/*
	 * Compatible with itself, unless the VF uses a virtchnl feature no
	 * stream carries: then refused, naming it.
	 */
	if ((st.vc_caps & ~ICEMIG_VC_CAPS_CARRIED) || (st.opcodes & ~ICEMIG_VC_OPS_CARRIED)) {
		struct icemig_compat_err cerr = { 0 };

		if (!icemig_compat_check(&c, &c, &cerr) || !cerr.field ||
		    strncmp(cerr.field, "vc_", 3))
			abort();
	} else if (icemig_compat_check(&c, &c, NULL)) {
		abort();
	}
}

static void check_compat_text(const uint8_t *data, size_t size)
{
	char text[ICEMIG_COMPAT_TEXT_MAX];
	struct icemig_compat a, b;
	const char *bad;
	int n;

	if (size > ICEMIG_COMPAT_TEXT_MAX)
		return;
	if (icemig_compat_parse((const char *)data, (uint32_t)size, &a, &bad))
		return;
	n = icemig_compat_format(&a, text, sizeof(text));
	if (n < 0 || icemig_compat_parse(text, (uint32_t)n, &b, &bad) || memcmp(&a, &b, sizeof(a)))
		abort();
	(void)icemig_compat_check(&a, &b, NULL);
}

/* A state around one queue pair, for icemig_state_check() of queue 0. */
static void one_qp(struct icemig_vf_state *st)
{
	memset(st, 0, sizeof(*st));
	st->num_qps = 1;
	st->has_rxq_ctx = 1;
	st->has_txq_ctx = 1;
}

static void check_rx_image(const uint8_t *img, uint8_t b1, uint8_t b2)
{
	uint8_t mask[ICEMIG_XLATE_RXQ_CTX_LEN], out[ICEMIG_XLATE_RXQ_CTX_LEN];
	struct icemig_xlate_rlan_ctx ctx, local, back;
	struct icemig_vf_state st;
	uint8_t rxdid, prio;
	unsigned int i;

	icemig_xlate_rxq_ctx_unpack(img, &ctx);
	if (icemig_xlate_rxq_ctx_pack(&ctx, out, NULL))
		abort();
	icemig_xlate_rxq_ctx_mask(mask);
	for (i = 0; i < sizeof(out); i++)
		if (out[i] != (img[i] & mask[i]))
			abort();
	one_qp(&st);
	if (icemig_xlate_rxq_to_state(&ctx, b1 & 0x7f, b2 & 0xf, ctx.head, b2 >> 7, &st.rxq[0],
				      &st.rxctx[0], NULL))
		return;
	if (icemig_state_check(&st, NULL))
		abort();
	if (!st.rxq[0].ring_len)
		return;
	memset(&local, 0, sizeof(local));
	local.cpuid = ctx.cpuid;
	if (icemig_xlate_rxq_from_state(&st.rxq[0], &st.rxctx[0], &local, &back, &rxdid, &prio,
					NULL) ||
	    memcmp(&back, &ctx, sizeof(ctx)) || rxdid != (b1 & 0x7f) || prio != (b2 & 0xf))
		abort();
}

static void check_tx_image(const uint8_t *img, uint16_t head)
{
	uint8_t mask[ICEMIG_XLATE_TXQ_CTX_LEN], out[ICEMIG_XLATE_TXQ_CTX_LEN];
	struct icemig_xlate_tlan_ctx ctx, back;
	struct icemig_vf_state st;
	unsigned int i;

	icemig_xlate_txq_ctx_unpack(img, &ctx);
	if (icemig_xlate_txq_ctx_pack(&ctx, out, NULL))
		abort();
	icemig_xlate_txq_ctx_mask(mask);
	for (i = 0; i < sizeof(out); i++)
		if (out[i] != (img[i] & mask[i]))
			abort();
	one_qp(&st);
	if (icemig_xlate_txq_to_state(&ctx, head, 0, true, &st.txq[0], &st.txctx[0], NULL))
		return;
	if (icemig_state_check(&st, NULL))
		abort();
	if (!st.txq[0].ring_len)
		return;
	/* The host fields come from the local template: the source's here. */
	if (icemig_xlate_txq_from_state(&st.txq[0], &st.txctx[0], &ctx, &back, NULL) ||
	    memcmp(&back, &ctx, sizeof(ctx)) || st.txq[0].head != head)
		abort();
}

static void check_xlate(const uint8_t *data, size_t size)
{
	uint8_t img[64] = { 0 };
	struct icemig_xlate_vf_info vi, back;
	struct icemig_vf_state st;
	uint16_t vids[600];
	size_t n;

	memcpy(img, data, size < sizeof(img) ? size : sizeof(img));
	check_rx_image(img, img[32], img[33]);
	check_tx_image(img + 34, (uint16_t)(img[56] | img[57] << 8));

	/* VF info: accepted values make a valid state and come back as given. */
	memset(&vi, 0, sizeof(vi));
	memcpy(&vi, data, size < sizeof(vi) ? size : sizeof(vi));
	memset(&st, 0, sizeof(st));
	if (!icemig_xlate_vf_to_state(&vi, &st, NULL)) {
		if (icemig_state_check(&st, NULL))
			abort();
		icemig_xlate_vf_from_state(&st, &back);
		/* field by field: the input's padding bytes are not values */
#define SAME(f) (back.f == vi.f)
		if (memcmp(back.mac, vi.mac, 6) || !SAME(pf_set_mac) || !SAME(trusted) ||
		    !SAME(spoofchk) || !SAME(link_forced) || (vi.link_forced && !SAME(link_up)) ||
		    !SAME(port_vlan_prio) || !SAME(port_vlan_vid) || !SAME(port_vlan_tpid) ||
		    !SAME(min_tx_rate) || !SAME(max_tx_rate) || !SAME(vf_ver_major) ||
		    !SAME(vf_ver_minor) || !SAME(driver_caps) || !SAME(vf_cap_flags) ||
		    !SAME(num_qps) || !SAME(num_msix) || !SAME(uc_promisc) || !SAME(mc_promisc) ||
		    !SAME(opcodes))
			abort();
#undef SAME
	}

	/* Filter lists: an accepted list makes a valid state. */
	memset(&st, 0, sizeof(st));
	st.num_qps = 1;
	if (size >= 6 && !(data[0] & 1))
		memcpy(st.mac, data, 6);
	if (!icemig_xlate_macs_to_state(data, (unsigned int)(size / 6), &st, NULL) &&
	    icemig_state_check(&st, NULL))
		abort();
	n = size / 2 < 600 ? size / 2 : 600;
	memcpy(vids, data, n * 2);
	memset(st.macs, 0, sizeof(st.macs));
	st.num_macs = 0;
	if (!icemig_xlate_vlans_to_state(vids, (unsigned int)n, &st, NULL) &&
	    icemig_state_check(&st, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_stream(data, size);
	check_compat_text(data, size);
	check_xlate(data, size);
	return 0;
}
