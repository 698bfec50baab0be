/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: VF administrative settings (MAC, port VLAN, trust, spoof
 * check) through the PF's rtnetlink interface, with libnl-route-3.
 *
 * This is what `ip link set <PF> vf <N> mac|vlan|trust|spoofchk` does
 * (rtnetlink(7); include/uapi/linux/if_link.h IFLA_VFINFO_LIST /
 * IFLA_VF_INFO / IFLA_VF_MAC, IFLA_VF_VLAN_LIST, IFLA_VF_TRUST,
 * IFLA_VF_SPOOFCHK): one RTM_NEWLINK request for the PF's interface
 * (libnl falls back to RTM_SETLINK) carrying the VF's index and the
 * settings; the PF driver (ice: ice_set_vf_mac() etc.) applies them.
 *
 * The PF interface and the VF index come from sysfs: the VF's physfn link,
 * the PF's net/<ifname> directory and class/net/<ifname>/ifindex, and the
 * PF's virtfn<K> link that names the VF.
 */
#ifndef ICEMIG_VFSET_H
#define ICEMIG_VFSET_H

#include <stdbool.h>
#include <stdint.h>

#include "bdf.h"
#include "util.h"

struct nl_msg;

/* Where a VF is configured: its PF's interface and its VF index there. */
struct icemig_vf_ref {
	struct icemig_bdf vf;
	struct icemig_bdf pf;
	char ifname[16];
	int ifindex;
	unsigned long index;
};

/* Settings to apply; what is not "has"/set is left as it is. */
struct icemig_vf_settings {
	bool has_mac;
	uint8_t mac[6];
	bool has_vlan;
	unsigned int vlan; /* 0..4095; 0 removes the port VLAN */
	unsigned int qos; /* 0..7 */
	int trust; /* -1 unchanged, 0 off, 1 on */
	int spoofchk; /* -1 unchanged, 0 off, 1 on */
};

/**
 * icemig_parse_mac() - "xx:xx:xx:xx:xx:xx" (hex, either case) into @mac.
 * A multicast address (bit 0 of the first byte) is refused, as the kernel's
 * is_valid_ether_addr() refuses it; all-zero is accepted (the ice driver
 * takes it as "let the VF choose"). Return: 0 or -EINVAL.
 */
int icemig_parse_mac(const char *s, uint8_t mac[6]);

/**
 * icemig_vf_ref() - find the PF interface and VF index of @vf.
 * Return: 0; -ENODEV for a missing device; -EINVAL if @vf is not a VF;
 * -ENOENT "<PF>: no network interface" when the PF driver has no netdev.
 */
int icemig_vf_ref(const struct icemig_bdf *vf, struct icemig_vf_ref *ref, struct icemig_err *err);

/**
 * icemig_vf_settings_msg() - the rtnetlink request for @s (without sending
 * it; exposed so that tests can check the attributes).
 * @msg: new message (nlmsg_free() it)
 * Return: 0, -EINVAL when @s sets nothing or a value is out of range, -ENOMEM.
 */
int icemig_vf_settings_msg(const struct icemig_vf_ref *ref, const struct icemig_vf_settings *s,
			   struct nl_msg **msg, struct icemig_err *err);

/**
 * icemig_vf_set() - apply @s to @vf.
 * Return: 0, the errors of icemig_vf_ref()/icemig_vf_settings_msg(), or the
 * kernel's refusal as -errno ("<VF>: <PF ifname> vf <K>: <libnl message>"),
 * e.g. -EOPNOTSUPP when the PF driver lacks the operation, -EPERM.
 */
int icemig_vf_set(const struct icemig_bdf *vf, const struct icemig_vf_settings *s,
		  struct icemig_err *err);

#endif /* ICEMIG_VFSET_H */
