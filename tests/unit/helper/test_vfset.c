// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: `icemig vf set` (vfset.h): MAC parsing, finding the PF
 * interface and VF index in sysfs, and the rtnetlink request libnl builds
 * (parsed back attribute by attribute, as the kernel's do_setlink() reads
 * IFLA_VFINFO_LIST, include/uapi/linux/if_link.h). No request is sent.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "fakesys.h"
#include "pci.h"
#include "vfset.h"

#define PF "0000:01:00.0"
#define VF2 "0000:01:10.2"

static int setup(void **state)
{
	struct fakesys *fs = calloc(1, sizeof(*fs));
	struct icemig_err err;
	struct icemig_bdf pf;

	if (!fs)
		return -1;
	fakesys_setup(fs);
	fakesys_add_pf(fs, PF, 8, "ice", NULL);
	fakesys_add_netdev(fs, "ens1f0", PF);
	if (icemig_bdf_parse(PF, &pf) || icemig_pci_set_numvfs(&pf, 4, &err))
		return -1;
	*state = fs;
	return 0;
}

static int teardown(void **state)
{
	struct fakesys *fs = *state;

	fakesys_teardown(fs);
	free(fs);
	return 0;
}

static void test_parse_mac(void **state)
{
	uint8_t m[6];

	(void)state;
	assert_int_equal(icemig_parse_mac("52:54:00:AB:cd:ef", m), 0);
	assert_int_equal(m[0], 0x52);
	assert_int_equal(m[3], 0xab);
	assert_int_equal(m[5], 0xef);
	assert_int_equal(icemig_parse_mac("00:00:00:00:00:00", m), 0);
	assert_int_equal(icemig_parse_mac("01:00:5e:00:00:01", m), -EINVAL); /* multicast */
	assert_int_equal(icemig_parse_mac("52:54:00:ab:cd", m), -EINVAL);
	assert_int_equal(icemig_parse_mac("52-54-00-ab-cd-ef", m), -EINVAL);
	assert_int_equal(icemig_parse_mac("52:54:00:ab:cd:eg", m), -EINVAL);
	assert_int_equal(icemig_parse_mac("52:54:00:ab:cd:ef:", m), -EINVAL);
}

static void test_vf_ref(void **state)
{
	struct fakesys *fs = *state;
	struct icemig_err err = { 0 };
	struct icemig_vf_ref ref;
	struct icemig_bdf vf, pf;

	assert_int_equal(icemig_bdf_parse(VF2, &vf), 0);
	if (icemig_vf_ref(&vf, &ref, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(ref.ifname, "ens1f0");
	assert_int_equal(ref.index, 2);
	assert_int_equal(ref.ifindex, 2);
	/* a PF is not a VF */
	assert_int_equal(icemig_bdf_parse(PF, &pf), 0);
	assert_int_equal(icemig_vf_ref(&pf, &ref, &err), -EINVAL);
	assert_non_null(strstr(err.msg, PF ": not a VF"));
	/* a PF without a netdev (its driver not bound) */
	fakesys_add_pf(fs, "0000:02:00.0", 8, NULL, NULL);
	assert_int_equal(icemig_bdf_parse("0000:02:00.0", &pf), 0);
	assert_int_equal(icemig_pci_set_numvfs(&pf, 1, &err), 0);
	assert_int_equal(icemig_bdf_parse("0000:02:10.0", &vf), 0);
	assert_int_equal(icemig_vf_ref(&vf, &ref, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "0000:02:00.0: the PF has no network interface"));
}

/* The IFLA_VF_INFO nest of the request, checked attribute by attribute. */
static struct nlattr *vf_info(struct nl_msg *msg, struct nlattr **vf)
{
	struct nlattr *tb[IFLA_MAX + 1], *list[2];
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(h);

	assert_true(h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_SETLINK);
	assert_int_equal(ifi->ifi_index, 2);
	assert_int_equal(nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL), 0);
	assert_non_null(tb[IFLA_VFINFO_LIST]);
	assert_int_equal(nla_parse_nested(list, 1, tb[IFLA_VFINFO_LIST], NULL), 0);
	assert_non_null(list[IFLA_VF_INFO]);
	assert_int_equal(nla_parse_nested(vf, IFLA_VF_MAX, list[IFLA_VF_INFO], NULL), 0);
	return list[IFLA_VF_INFO];
}

static void test_request(void **state)
{
	struct icemig_vf_settings s = { .trust = 1, .spoofchk = 0 };
	struct icemig_err err = { 0 };
	struct nlattr *vf[IFLA_VF_MAX + 1];
	struct icemig_vf_ref ref;
	struct icemig_bdf b;
	struct nl_msg *msg;
	struct ifla_vf_mac *mac;
	struct ifla_vf_trust *trust;
	struct ifla_vf_spoofchk *spoof;

	(void)state;
	assert_int_equal(icemig_bdf_parse(VF2, &b), 0);
	assert_int_equal(icemig_vf_ref(&b, &ref, &err), 0);
	assert_int_equal(icemig_parse_mac("52:54:00:ab:cd:ef", s.mac), 0);
	s.has_mac = true;
	if (icemig_vf_settings_msg(&ref, &s, &msg, &err))
		fail_msg("%s", err.msg);
	vf_info(msg, vf);
	assert_non_null(vf[IFLA_VF_MAC]);
	mac = nla_data(vf[IFLA_VF_MAC]);
	assert_int_equal(mac->vf, 2);
	assert_memory_equal(mac->mac, s.mac, 6);
	assert_non_null(vf[IFLA_VF_TRUST]);
	trust = nla_data(vf[IFLA_VF_TRUST]);
	assert_int_equal(trust->vf, 2);
	assert_int_equal(trust->setting, 1);
	assert_non_null(vf[IFLA_VF_SPOOFCHK]);
	spoof = nla_data(vf[IFLA_VF_SPOOFCHK]);
	assert_int_equal(spoof->setting, 0);
	/* what was not asked for is not sent */
	assert_null(vf[IFLA_VF_VLAN_LIST]);
	assert_null(vf[IFLA_VF_VLAN]);
	nlmsg_free(msg);
}

static void test_request_vlan(void **state)
{
	struct icemig_vf_settings s = { .trust = -1, .spoofchk = -1 };
	struct icemig_err err = { 0 };
	struct nlattr *vf[IFLA_VF_MAX + 1], *vl[2];
	struct icemig_vf_ref ref;
	struct ifla_vf_vlan_info *vi;
	struct icemig_bdf b;
	struct nl_msg *msg;

	(void)state;
	assert_int_equal(icemig_bdf_parse(VF2, &b), 0);
	assert_int_equal(icemig_vf_ref(&b, &ref, &err), 0);
	s.has_vlan = true;
	s.vlan = 100;
	s.qos = 3;
	if (icemig_vf_settings_msg(&ref, &s, &msg, &err))
		fail_msg("%s", err.msg);
	vf_info(msg, vf);
	assert_null(vf[IFLA_VF_MAC]);
	assert_null(vf[IFLA_VF_TRUST]);
	/*
	 * One 802.1Q VLAN: libnl sends the classic IFLA_VF_VLAN (struct
	 * ifla_vf_vlan), which the kernel maps to ndo_set_vf_vlan(..., ETH_P_8021Q);
	 * IFLA_VF_VLAN_LIST would be used for another protocol.
	 */
	if (vf[IFLA_VF_VLAN]) {
		struct ifla_vf_vlan *v = nla_data(vf[IFLA_VF_VLAN]);

		assert_int_equal(v->vf, 2);
		assert_int_equal(v->vlan, 100);
		assert_int_equal(v->qos, 3);
	} else {
		assert_non_null(vf[IFLA_VF_VLAN_LIST]);
		assert_int_equal(nla_parse_nested(vl, 1, vf[IFLA_VF_VLAN_LIST], NULL), 0);
		assert_non_null(vl[IFLA_VF_VLAN_INFO]);
		vi = nla_data(vl[IFLA_VF_VLAN_INFO]);
		assert_int_equal(vi->vf, 2);
		assert_int_equal(vi->vlan, 100);
		assert_int_equal(vi->qos, 3);
		assert_int_equal(vi->vlan_proto, htons(ETH_P_8021Q));
	}
	nlmsg_free(msg);

	/* nothing to set, or out of range: refused before any request */
	s.has_vlan = false;
	assert_int_equal(icemig_vf_settings_msg(&ref, &s, &msg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, VF2 ": no setting given"));
	s.has_vlan = true;
	s.vlan = 4096;
	assert_int_equal(icemig_vf_settings_msg(&ref, &s, &msg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "VLAN must be 0..4095"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test_setup_teardown(test_vf_ref, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_vlan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
