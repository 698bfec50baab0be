// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of check-ctx.py, compiled after the ice code it extracts from
 * the patched driver (ice_set_ctx(), ice_get_ctx(), the field tables and
 * structures). Not a kernel file: user space only.
 */

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int fits(const struct ice_ctx_ele *e)
{
	return e->width <= e->size_of * BITS_PER_BYTE;
}

static u64 wmask(const struct ice_ctx_ele *e)
{
	return e->width >= 64 ? ~0ULL : (1ULL << e->width) - 1;
}

static u64 fget(const u8 *s, const struct ice_ctx_ele *e)
{
	u64 v = 0;

	memcpy(&v, s + e->offset, e->size_of); /* little-endian host */
	return v;
}

static void fset(u8 *s, const struct ice_ctx_ele *e, u64 v)
{
	memcpy(s + e->offset, &v, e->size_of);
}

#define BUF 64

static int roundtrip(const char *name, const struct ice_ctx_ele *tab,
		     size_t ssize, size_t bsize, int iters)
{
	u8 ctx[BUF], back[BUF], buf[BUF], buf2[BUF], mask[BUF], raw[BUF];
	const struct ice_ctx_ele *e;
	size_t b;
	int i;

	memset(ctx, 0, sizeof(ctx));
	for (e = tab; e->width; e++)
		if (fits(e))
			fset(ctx, e, wmask(e));
	memset(mask, 0, sizeof(mask));
	ice_set_ctx(NULL, ctx, mask, tab);
	for (b = bsize; b < BUF; b++)
		if (mask[b]) {
			printf("%s: a field lies beyond byte %zu\n", name, bsize);
			return 1;
		}

	for (i = 0; i < iters; i++) {
		memset(ctx, 0, sizeof(ctx));
		for (e = tab; e->width; e++)
			if (fits(e))
				fset(ctx, e, rnd() & wmask(e));
		memset(buf, 0, sizeof(buf));
		if (ice_set_ctx(NULL, ctx, buf, tab))
			return printf("%s: ice_set_ctx failed\n", name), 1;
		memset(back, 0, sizeof(back));
		if (ice_get_ctx(buf, back, tab))
			return printf("%s: ice_get_ctx failed\n", name), 1;
		for (e = tab; e->width; e++) {
			if (!fits(e))
				continue;
			if (fget(ctx, e) != fget(back, e)) {
				printf("%s: field at offset %u (lsb %u, width %u): packed %#llx, unpacked %#llx\n",
				       name, e->offset, e->lsb, e->width,
				       (unsigned long long)fget(ctx, e),
				       (unsigned long long)fget(back, e));
				return 1;
			}
		}

		for (b = 0; b < bsize; b++)
			raw[b] = (u8)rnd();
		memset(raw + bsize, 0, BUF - bsize);
		memset(back, 0, sizeof(back));
		ice_get_ctx(raw, back, tab);
		memset(buf2, 0, sizeof(buf2));
		ice_set_ctx(NULL, back, buf2, tab);
		for (b = 0; b < BUF; b++) {
			if (buf2[b] != (raw[b] & mask[b])) {
				printf("%s: byte %zu: %#x after unpack and pack, %#x masked\n",
				       name, b, buf2[b], raw[b] & mask[b]);
				return 1;
			}
		}
	}
	(void)ssize;
	return 0;
}

#ifdef HAVE_XLATE
#define RX_FIELDS(X) X(head) X(cpuid) X(base) X(qlen) X(dbuf) X(hbuf) X(dtype) \
	X(dsize) X(crcstrip) X(l2tsel) X(hsplit_0) X(hsplit_1) X(showiv) X(rxmax) \
	X(tphrdesc_ena) X(tphwdesc_ena) X(tphdata_ena) X(tphhead_ena) X(lrxqthresh) \
	X(prefena)
#define TX_FIELDS(X) X(base) X(port_num) X(cgd_num) X(pf_num) X(vmvf_num) \
	X(vmvf_type) X(src_vsi) X(tsyn_ena) X(internal_usage_flag) X(alt_vlan) \
	X(cpuid) X(wb_mode) X(tphrd_desc) X(tphrd) X(tphwr_desc) X(cmpq_id) \
	X(qnum_in_func) X(itr_notification_mode) X(adjust_prof_id) X(qlen) \
	X(quanta_prof_idx) X(tso_ena) X(tso_qnum) X(legacy_int) X(drop_ena) \
	X(cache_prof_idx) X(pkt_shaper_prof_idx)

#define CMP(f) if ((u64)ic.f != (u64)xc.f) { \
	printf("%s: field %s: ice %#llx, translation %#llx\n", what, #f, \
	       (unsigned long long)ic.f, (unsigned long long)xc.f); return 1; }

static void fill(u8 *ctx, const struct ice_ctx_ele *tab)
{
	const struct ice_ctx_ele *e;

	for (e = tab; e->width; e++)
		if (fits(e))
			fset(ctx, e, rnd() & wmask(e));
}

static int cross(int iters)
{
	struct icemig_stream_err err;
	u8 buf[BUF], xbuf[BUF];
	int i;

	for (i = 0; i < iters; i++) {
		const char *what = "Rx (ice vs ice_mig_xlate)";
		struct ice_rlan_ctx ic;
		struct icemig_xlate_rlan_ctx xc;

		memset(&ic, 0, sizeof(ic));
		fill((u8 *)&ic, ice_rlan_ctx_info);
		memset(buf, 0, sizeof(buf));
		ice_set_ctx(NULL, (u8 *)&ic, buf, ice_rlan_ctx_info);
		icemig_xlate_rxq_ctx_unpack(buf, &xc);
		RX_FIELDS(CMP)
		memset(xbuf, 0, sizeof(xbuf));
		if (icemig_xlate_rxq_ctx_pack(&xc, xbuf, &err) ||
		    memcmp(buf, xbuf, ICEMIG_XLATE_RXQ_CTX_LEN))
			return printf("%s: packed bytes differ\n", what), 1;
	}
	for (i = 0; i < iters; i++) {
		const char *what = "Tx (ice vs ice_mig_xlate)";
		struct ice_tlan_ctx ic;
		struct icemig_xlate_tlan_ctx xc;

		memset(&ic, 0, sizeof(ic));
		fill((u8 *)&ic, ice_tlan_ctx_info);
		memset(buf, 0, sizeof(buf));
		ice_set_ctx(NULL, (u8 *)&ic, buf, ice_tlan_ctx_info);
		icemig_xlate_txq_ctx_unpack(buf, &xc);
		TX_FIELDS(CMP)
		memset(xbuf, 0, sizeof(xbuf));
		if (icemig_xlate_txq_ctx_pack(&xc, xbuf, &err) ||
		    memcmp(buf, xbuf, ICEMIG_XLATE_TXQ_CTX_LEN))
			return printf("%s: packed bytes differ\n", what), 1;
	}
	return 0;
}
#endif

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 20000;
	const char *x = "";

	if (roundtrip("Rx", ice_rlan_ctx_info, sizeof(struct ice_rlan_ctx),
		      ICE_RXQ_CTX_SZ, iters) ||
	    roundtrip("Tx", ice_tlan_ctx_info, sizeof(struct ice_tlan_ctx),
		      ICE_TXQ_CTX_SZ, iters))
		return 1;
#ifdef HAVE_XLATE
	if (cross(iters))
		return 1;
	x = "; ice_mig_xlate's tables agree with ice's (pack and unpack)";
#endif
	printf("ice-build: context round trip: %d random Rx and Tx contexts and byte strings through ice_set_ctx/ice_get_ctx%s\n",
	       iters, x);
	return 0;
}
