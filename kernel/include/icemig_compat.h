/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * icemig compatibility descriptor (ARCHITECTURE.md, Contract 3).
 *
 * A descriptor says what a VF's migration stack can take (stream format and
 * version range, record types, device identity, capacity limits) and what
 * the VF currently uses. It is exposed read-only in sysfs, per VF bound to
 * ice_vfio_pci, as text:
 *
 *   /sys/bus/pci/devices/<VF BDF>/icemig_compat
 *
 *   format=icemig-stream          stream format name
 *   stream_major=1                major version (must be equal)
 *   stream_minor=2                highest minor version written/understood
 *   records=0xfffe                bit N set: record type N understood
 *   device=8086:10ca              VF vendor:device ID
 *   provider=ice_mig_sim          PF-side provider (informational)
 *   max_qps=16                    capacity limits of this VF
 *   max_msix=65
 *   max_mac_filters=64
 *   max_vlan_filters=512
 *   rss_lut_size=64               RSS LUT entries the VF is offered
 *   rss_key_len=52                RSS key bytes the VF is offered
 *   used_records=0xfffe           record types the VF's state needs now
 *   used_qps=4                    what the VF uses now
 *   used_msix=5
 *   used_mac_filters=2
 *   used_vlan_filters=0
 *   used_rss_lut=64
 *   admin_trust=0                 the VF's PF-admin settings now (optional
 *   admin_spoofchk=1              keys: all four or none): trusted,
 *   admin_link_state=0            spoof checking, forced link state
 *   admin_port_vlan=0             (enum icemig_link_state), port VLAN ID
 *   vc_caps=0x67d84f9             virtchnl features (optional keys, all four
 *   vc_opcodes=0x3f810003f86fffe  or none; stream 1.1): capabilities
 *   used_vc_caps=0x40884e1        (VIRTCHNL_VF_OFFLOAD_*) and opcodes (bit
 *   used_vc_opcodes=0x3f86fffe    N: VIRTCHNL_OP_ N) this VF can carry
 *                                 across a migration, and those the VF has
 *                                 negotiated / is allowed now
 *
 * Features a stream does not carry block a migration: a source VF that
 * negotiated a capability or is allowed an opcode the destination's
 * vc_caps / vc_opcodes lack is refused naming the feature
 * ("vc_caps.FDIR_PF", "vc_opcode.ADD_FDIR_FILTER"). A provider never
 * offers more than ICEMIG_VC_CAPS_CARRIED / ICEMIG_VC_OPS_CARRIED, the
 * stream format's own lists (icemig_stream.h); a descriptor without the
 * keys (a 1.0 writer) counts as offering those lists.
 *
 * PF-admin settings travel with the VM: the stream carries the source VF's
 * MAC, trust, spoof checking, link state and port VLAN, and the destination
 * VF takes them when the state is loaded (the guest keeps the network
 * identity and privileges it had; libvirt's <interface type='hostdev'>
 * applies the same <mac>/<vlan> on both hosts anyway). So the source's
 * admin wins; they never make two VFs incompatible, and
 * icemig_compat_admin_diff() lists what a destination VF's admin settings
 * will be replaced with, for the hook and `icemig compat check` to say.
 *
 * One compare function (icemig_compat_check()) decides whether a VF whose
 * descriptor is @src can migrate onto a VF whose descriptor is @dst, in the
 * destination hook, in `icemig compat check`, and in the kernel when a
 * stream is loaded; this file and icemig_compat.c are built for both.
 */
#ifndef ICEMIG_COMPAT_H
#define ICEMIG_COMPAT_H

#include <linux/types.h>

struct icemig_vf_state;

#define ICEMIG_COMPAT_FORMAT		"icemig-stream"
#define ICEMIG_COMPAT_NAME_LEN		32
/* Upper bound of the text form, bytes, NUL included (fits a sysfs page). */
#define ICEMIG_COMPAT_TEXT_MAX		1024

struct icemig_compat {
	char format[ICEMIG_COMPAT_NAME_LEN];
	__u16 stream_major;
	__u16 stream_minor;
	__u32 records;
	__u16 vendor;
	__u16 device;
	char provider[ICEMIG_COMPAT_NAME_LEN];
	__u16 max_qps;
	__u16 max_msix;
	__u16 max_mac_filters;
	__u16 max_vlan_filters;
	__u16 rss_lut_size;
	__u16 rss_key_len;
	__u32 used_records;
	__u16 used_qps;
	__u16 used_msix;
	__u16 used_mac_filters;
	__u16 used_vlan_filters;
	__u16 used_rss_lut;
	__u8 has_admin;
	__u8 admin_trust;
	__u8 admin_spoofchk;
	__u8 admin_link_state;
	__u16 admin_port_vlan;
	__u8 has_features;
	__u32 vc_caps;
	__u64 vc_opcodes;
	__u32 used_vc_caps;
	__u64 used_vc_opcodes;
};

/**
 * struct icemig_compat_err - why two descriptors are incompatible
 * @field: the descriptor key that decides, e.g. "max_qps"
 * @src: the source's value for it (the "used_" value for capacities)
 * @dst: the destination's value
 */
struct icemig_compat_err {
	const char *field;
	__u64 src;
	__u64 dst;
};

void icemig_compat_init(struct icemig_compat *c, const char *provider,
			__u16 vendor, __u16 device);
void icemig_compat_set_used(struct icemig_compat *c,
			    const struct icemig_vf_state *st);
int icemig_compat_check(const struct icemig_compat *src,
			const struct icemig_compat *dst,
			struct icemig_compat_err *err);
int icemig_compat_check_state(const struct icemig_compat *dst,
			      const struct icemig_vf_state *st,
			      struct icemig_compat_err *err);
int icemig_compat_admin_diff(const struct icemig_compat *src,
			     const struct icemig_compat *dst,
			     struct icemig_compat_err *diff, int max);
int icemig_compat_format(const struct icemig_compat *c, char *buf, __u32 size);
const char *icemig_vc_cap_name(unsigned int bit);
const char *icemig_vc_opcode_name(unsigned int op);
int icemig_compat_parse(const char *text, __u32 len, struct icemig_compat *c,
			const char **bad_key);

#endif /* ICEMIG_COMPAT_H */
