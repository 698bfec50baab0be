// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: VF settings through rtnetlink. See vfset.h. */
#include "vfset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_ether.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <netlink/socket.h>

#include "pci.h"
#include "sysfs.h"

int icemig_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned long v;
	char part[3];
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		part[0] = s[i * 3];
		part[1] = s[i * 3 + 1];
		part[2] = '\0';
		if (icemig_parse_ulong(part, 16, 0xff, &v))
			return -EINVAL;
		mac[i] = (uint8_t)v;
	}
	if (mac[0] & 1)
		return -EINVAL;
	return 0;
}

static int pf_ifname(const struct icemig_bdf *pf, char *ifname, size_t size, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	struct dirent *de;
	DIR *d;
	int r;

	r = icemig_pci_path(path, sizeof(path), pf, "net", err);
	if (r)
		return r;
	d = opendir(path);
	if (!d)
		return icemig_err_set(
			err, ENOENT,
			"%s: the PF has no network interface (%s: %s); is its driver bound?",
			icemig_bdf_format(pf, name), path, strerror(errno));
	ifname[0] = '\0';
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !icemig_ifname_valid(de->d_name))
			continue;
		/* the first name in sort order, for a stable choice */
		if (!ifname[0] || strcmp(de->d_name, ifname) < 0)
			icemig_strlcpy(ifname, de->d_name, size);
	}
	closedir(d);
	if (!ifname[0])
		return icemig_err_set(err, ENOENT,
				      "%s: the PF has no network interface (%s is empty)",
				      icemig_bdf_format(pf, name), path);
	return 0;
}

int icemig_vf_ref(const struct icemig_bdf *vf, struct icemig_vf_ref *ref, struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], name[ICEMIG_BDF_LEN];
	unsigned long num, k, ifindex;
	struct icemig_bdf b;
	int r;

	memset(ref, 0, sizeof(*ref));
	ref->vf = *vf;
	icemig_bdf_format(vf, name);
	r = icemig_pci_check_exists(vf, err);
	if (r)
		return r;
	r = icemig_pci_physfn(vf, &ref->pf, err);
	if (r == -ENOENT)
		return icemig_err_set(err, EINVAL, "%s: not a VF (no physfn link)", name);
	if (r)
		return r;
	r = icemig_pci_sriov(&ref->pf, NULL, &num, err);
	if (r)
		return r;
	for (k = 0; k < num; k++) {
		if (icemig_pci_virtfn(&ref->pf, k, &b, NULL) == 0 && !icemig_bdf_cmp(&b, vf))
			break;
	}
	if (k == num)
		return icemig_err_set(err, ENODEV, "%s: not among the virtfn links of its PF",
				      name);
	ref->index = k;
	r = pf_ifname(&ref->pf, ref->ifname, sizeof(ref->ifname), err);
	if (r)
		return r;
	r = icemig_sysfs_path(path, sizeof(path), err, "class/net/%s/ifindex", ref->ifname);
	if (!r)
		r = icemig_sysfs_read_uint(path, &ifindex, err);
	if (r)
		return r;
	if (ifindex == 0 || ifindex > 0x7fffffff)
		return icemig_err_set(err, EINVAL, "%s: ifindex %lu out of range", path, ifindex);
	ref->ifindex = (int)ifindex;
	return 0;
}

/* Build the two link objects rtnl_link_change() compares. */
static int build_links(const struct icemig_vf_ref *ref, const struct icemig_vf_settings *s,
		       struct rtnl_link **orig, struct rtnl_link **changes, struct icemig_err *err)
{
	struct rtnl_link_vf *vf = NULL;
	struct nl_addr *addr = NULL;
	nl_vf_vlans_t *vlans = NULL;
	int r = -ENOMEM;

	*orig = rtnl_link_alloc();
	*changes = rtnl_link_alloc();
	vf = rtnl_link_vf_alloc();
	if (!*orig || !*changes || !vf)
		goto out;
	rtnl_link_set_ifindex(*orig, ref->ifindex);
	rtnl_link_set_ifindex(*changes, ref->ifindex);
	rtnl_link_vf_set_index(vf, (uint32_t)ref->index);
	if (s->has_mac) {
		addr = nl_addr_build(AF_LLC, s->mac, 6);
		if (!addr)
			goto out;
		rtnl_link_vf_set_addr(vf, addr);
	}
	if (s->has_vlan) {
		if (rtnl_link_vf_vlan_alloc(&vlans, 1) < 0)
			goto out;
		vlans->vlans[0].vf_vlan = s->vlan;
		vlans->vlans[0].vf_vlan_qos = s->qos;
		vlans->vlans[0].vf_vlan_proto = ETH_P_8021Q;
		rtnl_link_vf_set_vlans(vf, vlans);
	}
	if (s->trust >= 0)
		rtnl_link_vf_set_trust(vf, (uint32_t)s->trust);
	if (s->spoofchk >= 0)
		rtnl_link_vf_set_spoofchk(vf, (uint32_t)s->spoofchk);
	if (rtnl_link_vf_add(*changes, vf) < 0)
		goto out;
	r = 0;
out:
	if (vlans)
		rtnl_link_vf_vlan_put(vlans);
	if (addr)
		nl_addr_put(addr);
	if (vf)
		rtnl_link_vf_put(vf);
	if (r) {
		rtnl_link_put(*orig);
		rtnl_link_put(*changes);
		*orig = *changes = NULL;
		return icemig_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int check_settings(const struct icemig_vf_ref *ref, const struct icemig_vf_settings *s,
			  struct icemig_err *err)
{
	char name[ICEMIG_BDF_LEN];

	icemig_bdf_format(&ref->vf, name);
	if (!s->has_mac && !s->has_vlan && s->trust < 0 && s->spoofchk < 0)
		return icemig_err_set(err, EINVAL, "%s: no setting given", name);
	if (s->has_vlan && (s->vlan > 4095 || s->qos > 7))
		return icemig_err_set(err, EINVAL,
				      "%s: VLAN %u qos %u: VLAN must be 0..4095, qos 0..7", name,
				      s->vlan, s->qos);
	if (ref->index > 0xffffffffUL || ref->ifindex <= 0)
		return icemig_err_set(err, EINVAL, "%s: invalid PF interface or VF index", name);
	return 0;
}

int icemig_vf_settings_msg(const struct icemig_vf_ref *ref, const struct icemig_vf_settings *s,
			   struct nl_msg **msg, struct icemig_err *err)
{
	struct rtnl_link *orig, *changes;
	int r;

	*msg = NULL;
	r = check_settings(ref, s, err);
	if (r)
		return r;
	r = build_links(ref, s, &orig, &changes, err);
	if (r)
		return r;
	r = rtnl_link_build_change_request(orig, changes, 0, msg);
	rtnl_link_put(orig);
	rtnl_link_put(changes);
	if (r < 0)
		return icemig_err_set(err, ENOMEM, "building the rtnetlink request: %s",
				      nl_geterror(r));
	return 0;
}

/* libnl's error codes (netlink/errno.h) back to errno, for the exit message. */
static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_PERM:
		return EPERM;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_INVAL:
	case NLE_RANGE:
		return EINVAL;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return ENODEV;
	case NLE_BUSY:
		return EBUSY;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_AGAIN:
		return EAGAIN;
	default:
		return EIO;
	}
}

int icemig_vf_set(const struct icemig_bdf *vf, const struct icemig_vf_settings *s,
		  struct icemig_err *err)
{
	struct rtnl_link *orig = NULL, *changes = NULL;
	char name[ICEMIG_BDF_LEN];
	struct icemig_vf_ref ref;
	struct nl_sock *sock;
	int r;

	icemig_bdf_format(vf, name);
	r = icemig_vf_ref(vf, &ref, err);
	if (!r)
		r = check_settings(&ref, s, err);
	if (!r)
		r = build_links(&ref, s, &orig, &changes, err);
	if (r)
		return r;
	sock = nl_socket_alloc();
	if (!sock) {
		r = icemig_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	r = nl_connect(sock, NETLINK_ROUTE);
	if (r < 0) {
		r = icemig_err_set(err, nl_to_errno(r), "%s: rtnetlink socket: %s", name,
				   nl_geterror(r));
		goto out;
	}
	r = rtnl_link_change(sock, orig, changes, 0);
	if (r < 0)
		r = icemig_err_set(err, nl_to_errno(r), "%s: %s vf %lu: the kernel refused: %s",
				   name, ref.ifname, ref.index, nl_geterror(r));
	else
		r = 0;
out:
	if (sock)
		nl_socket_free(sock);
	rtnl_link_put(orig);
	rtnl_link_put(changes);
	return r;
}
