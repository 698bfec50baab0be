// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of check-allowlist.py, compiled after the ice code it extracts
 * from the patched driver (ice_virtchnl_allowlist.c, ice_mig_restore_allowlist,
 * the migration mask of ice_migration.c) and the source model it generates
 * (src_reset, src_get_vf_res). Not a kernel file: user space only.
 */

/*
 * What ice 6.12 grants the request of an iavf of Linux 6.12
 * (iavf_send_vf_config_msg): VLAN_V2 rather than VLAN, TC_U32 with FDIR_PF;
 * RSS_AQ, RSS_REG and ADQ are not granted by ice.
 */
#define IAVF_GRANT                                                                           \
	(VIRTCHNL_VF_OFFLOAD_L2 | VIRTCHNL_VF_OFFLOAD_VLAN_V2 | VIRTCHNL_VF_OFFLOAD_RSS_PF | \
	 VIRTCHNL_VF_OFFLOAD_FDIR_PF | VIRTCHNL_VF_OFFLOAD_TC_U32 |                          \
	 VIRTCHNL_VF_OFFLOAD_RSS_PCTYPE_V2 | VIRTCHNL_VF_OFFLOAD_ENCAP |                     \
	 VIRTCHNL_VF_OFFLOAD_ENCAP_CSUM | VIRTCHNL_VF_OFFLOAD_WB_ON_ITR |                    \
	 VIRTCHNL_VF_OFFLOAD_REQ_QUEUES | VIRTCHNL_VF_OFFLOAD_CRC |                          \
	 VIRTCHNL_VF_CAP_ADV_LINK_SPEED | VIRTCHNL_VF_OFFLOAD_ADV_RSS_PF |                   \
	 VIRTCHNL_VF_OFFLOAD_USO)

static struct pci_dev src_pdev, dst_pdev;
static struct ice_pf src_pf = { .pdev = &src_pdev };
static struct ice_pf dst_pf = { .pdev = &dst_pdev };

static int ncases, nbad;
/* the first differing case of each kind is printed */
static int shown[2][2][2];

static const char *op_name(unsigned int op)
{
	return op < VIRTCHNL_OP_MAX && op_names[op] ? op_names[op] : "?";
}

/* One case: source and destination VF, the opcodes each allows */
static void one(const char *what, int masked, u32 caps, int active, int used)
{
	struct ice_vf src = { .pf = &src_pf }, dst = { .pf = &dst_pf };
	unsigned int op;

	ncases++;
	src_reset(&src);
	if (active)
		src_get_vf_res(&src, caps);

	if (used) {
		/* a VF that negotiated everything and was not reset since */
		src_reset(&dst);
		src_get_vf_res(&dst, U32_MAX);
	} else {
		src_reset(&dst);
	}
	/* ice_mig_vf_load: driver_caps from the state, then the restore */
	dst.driver_caps = src.driver_caps;
	ice_mig_restore_allowlist(&dst, active);

	for (op = 0; op < VIRTCHNL_OP_MAX; op++) {
		int s = test_bit(op, src.opcodes_allowlist);
		int d = test_bit(op, dst.opcodes_allowlist);

		if (s == d)
			continue;
		nbad++;
		if (!shown[masked][active][used]++)
			printf("allowlist after load: %s, %s, driver_caps 0x%08x, %s, destination %s: opcode %u (VIRTCHNL_OP_%s) %s on the source, %s after the load\n",
			       what, masked ? "glue's PF mask" : "no PF mask", src.driver_caps,
			       active ? "active" : "not active",
			       used ? "used, not reset" : "after reset", op, op_name(op),
			       s ? "allowed" : "refused", d ? "allowed" : "refused");
		return;
	}
}

static void sets(int masked, u32 bits)
{
	unsigned int b;
	int used, active;

	for (used = 0; used < 2; used++)
		for (active = 0; active < 2; active++) {
			one("iavf grant", masked, IAVF_GRANT, active, used);
			one("L2 only", masked, VIRTCHNL_VF_OFFLOAD_L2, active, used);
			for (b = 0; b < 32; b++)
				if (bits & (1U << b))
					one("single bit", masked, 1U << b, active, used);
		}
}

int main(void)
{
	const char *mask = "";

	sets(0, U32_MAX);
#ifdef HAVE_VC_MASK
	if (ice_mig_pf_set_vc_mask(&src_pdev, 0, 0) != -ENODEV)
		return printf("allowlist after load: no PF, yet a mask\n"), 1;
	{
		static struct ice_mig_pf_entry es = { .pf = &src_pf };
		static struct ice_mig_pf_entry ed = { .pf = &dst_pf };

		list_add_tail(&es.list, &ice_mig_pfs);
		list_add_tail(&ed.list, &ice_mig_pfs);
	}
	/* the PFs known, no mask: as without one */
	sets(0, ICEMIG_VC_CAPS_CARRIED);
	/* as ice_mig_glue sets it on both PFs */
	if (ice_mig_pf_set_vc_mask(&src_pdev, ICEMIG_VC_CAPS_CARRIED, ICEMIG_VC_OPS_CARRIED) ||
	    ice_mig_pf_set_vc_mask(&dst_pdev, ICEMIG_VC_CAPS_CARRIED, ICEMIG_VC_OPS_CARRIED))
		return printf("allowlist after load: cannot set the mask\n"), 1;
	sets(1, ICEMIG_VC_CAPS_CARRIED);
	mask = ", and with ice_mig_glue's PF mask";
#endif
	if (nbad) {
		printf("allowlist after load: %d of %d cases differ (source: reset, then %s)\n",
		       nbad, ncases, src_order);
		return 1;
	}
	printf("ice-build: allowlist after load: %d cases (capability sets, active or not, destination reset or used%s): the source's (reset, then %s) and the loaded VF's agree\n",
	       ncases, mask, src_order);
	return 0;
}
