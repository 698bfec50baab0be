// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: compatibility descriptors. See desc.h. */
#include "desc.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "pci.h"
#include "provider.h"
#include "sysfs.h"

int icemig_desc_parse(const char *text, size_t len, const char *what, struct icemig_compat *c,
		      struct icemig_err *err)
{
	char buf[ICEMIG_COMPAT_TEXT_MAX + 1];
	const char *bad = "line";
	size_t i = 0, o = 0;

	/* Normalise: strip blanks/CR around each line, drop empty lines. */
	while (i < len) {
		size_t s = i, e;

		while (i < len && text[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		while (s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (s == e)
			continue;
		if (o + (e - s) + 1 > ICEMIG_COMPAT_TEXT_MAX)
			return icemig_err_set(err, EFBIG,
					      "%s: invalid descriptor: longer than %u bytes", what,
					      ICEMIG_COMPAT_TEXT_MAX);
		memcpy(buf + o, text + s, e - s);
		o += e - s;
		buf[o++] = '\n';
	}
	buf[o] = '\0';
	if (memchr(buf, '\0', o))
		return icemig_err_set(err, EINVAL, "%s: invalid descriptor: NUL byte", what);
	if (icemig_compat_parse(buf, (__u32)o, c, &bad)) {
		if (!strcmp(bad, "line"))
			return icemig_err_set(err, EINVAL,
					      "%s: invalid descriptor: a line without '='", what);
		return icemig_err_set(
			err, EINVAL,
			"%s: invalid descriptor: key '%s' missing, repeated or malformed", what,
			bad);
	}
	return 0;
}

int icemig_desc_read(const struct icemig_bdf *vf, struct icemig_compat *c, char *text, size_t size,
		     struct icemig_err *err)
{
	char path[ICEMIG_PATH_MAX], buf[ICEMIG_COMPAT_TEXT_MAX + 2], drv[ICEMIG_DRIVER_MAX];
	char name[ICEMIG_BDF_LEN], what[64];
	int r;

	icemig_bdf_format(vf, name);
	r = icemig_pci_check_exists(vf, err);
	if (r)
		return r;
	r = icemig_pci_path(path, sizeof(path), vf, "icemig_compat", err);
	if (r)
		return r;
	r = icemig_sysfs_read(path, buf, sizeof(buf), err);
	if (r == -ENOENT) {
		if (icemig_pci_get_driver(vf, drv, sizeof(drv), NULL))
			drv[0] = '\0';
		if (strcmp(drv, ICEMIG_VARIANT_DRIVER))
			return icemig_err_set(
				err, ENOENT,
				"%s: no compatibility descriptor: %s%s, not " ICEMIG_VARIANT_DRIVER
				" (icemig vf bind %s)",
				name, drv[0] ? "bound to " : "not bound to any driver",
				drv[0] ? drv : "", name);
		return icemig_err_set(
			err, ENOENT,
			"%s: no compatibility descriptor: its PF has no migration provider (no icemig_compat attribute)",
			name);
	}
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "%s: icemig_compat", name);
	if (c) {
		r = icemig_desc_parse(buf, (size_t)r, what, c, err);
		if (r)
			return r;
	}
	if (text && icemig_strlcpy(text, buf, size) >= size)
		return icemig_err_set(err, ENAMETOOLONG, "%s: descriptor text too long", what);
	return 0;
}

bool icemig_desc_check(const struct icemig_compat *src, const struct icemig_compat *dst,
		       const char **field, char *why, size_t size)
{
	struct icemig_compat_err e = { NULL, 0, 0 };
	const char *f;

	if (!icemig_compat_check(src, dst, &e))
		return true;
	f = e.field ? e.field : "?";
	if (field)
		*field = f;
	if (!why || !size)
		return false;
	if (!strcmp(f, "format"))
		snprintf(why, size, "format: the source writes '%s', this VF reads '%s'",
			 src->format, dst->format);
	else if (!strcmp(f, "stream_major"))
		snprintf(why, size,
			 "stream_major: the source writes stream version %" PRIu64
			 ".x, this VF reads %" PRIu64 ".x",
			 (uint64_t)e.src, (uint64_t)e.dst);
	else if (!strcmp(f, "records"))
		snprintf(why, size,
			 "records: the source state needs record types 0x%" PRIx64
			 ", this VF understands 0x%" PRIx64 " (missing 0x%" PRIx64 ")",
			 (uint64_t)e.src, (uint64_t)e.dst, (uint64_t)(e.src & ~e.dst));
	else if (!strcmp(f, "device"))
		snprintf(why, size, "device: the source VF is %04x:%04x, this VF is %04x:%04x",
			 (unsigned int)(e.src >> 16), (unsigned int)(e.src & 0xffff),
			 (unsigned int)(e.dst >> 16), (unsigned int)(e.dst & 0xffff));
	else if (!strncmp(f, "vc_caps.", 8) || !strncmp(f, "vc_opcode.", 10))
		snprintf(why, size,
			 "%s: the source VF uses this virtchnl feature, whose state this VF cannot "
			 "carry across a migration (source 0x%" PRIx64 ", this VF 0x%" PRIx64 ")",
			 f, (uint64_t)e.src, (uint64_t)e.dst);
	else if (!strncmp(f, "max_", 4))
		snprintf(why, size,
			 "%s: the source VF uses %" PRIu64 ", this VF offers at most %" PRIu64, f,
			 (uint64_t)e.src, (uint64_t)e.dst);
	else
		snprintf(why, size, "%s: the source VF has %" PRIu64 ", this VF has %" PRIu64, f,
			 (uint64_t)e.src, (uint64_t)e.dst);
	return false;
}

static void add_int(struct json_object *o, const char *k, unsigned long v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void add_hex(struct json_object *o, const char *k, unsigned long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%lx", v);
	json_object_object_add(o, k, json_object_new_string(buf));
}

struct json_object *icemig_desc_json(const struct icemig_compat *c)
{
	struct json_object *o = json_object_new_object();
	char dev[16];

	if (!o)
		return NULL;
	json_object_object_add(o, "format", json_object_new_string(c->format));
	add_int(o, "stream_major", c->stream_major);
	add_int(o, "stream_minor", c->stream_minor);
	add_hex(o, "records", c->records);
	snprintf(dev, sizeof(dev), "%04x:%04x", c->vendor, c->device);
	json_object_object_add(o, "device", json_object_new_string(dev));
	json_object_object_add(o, "provider", json_object_new_string(c->provider));
	add_int(o, "max_qps", c->max_qps);
	add_int(o, "max_msix", c->max_msix);
	add_int(o, "max_mac_filters", c->max_mac_filters);
	add_int(o, "max_vlan_filters", c->max_vlan_filters);
	add_int(o, "rss_lut_size", c->rss_lut_size);
	add_int(o, "rss_key_len", c->rss_key_len);
	add_hex(o, "used_records", c->used_records);
	add_int(o, "used_qps", c->used_qps);
	add_int(o, "used_msix", c->used_msix);
	add_int(o, "used_mac_filters", c->used_mac_filters);
	add_int(o, "used_vlan_filters", c->used_vlan_filters);
	add_int(o, "used_rss_lut", c->used_rss_lut);
	if (c->has_features) {
		add_hex(o, "vc_caps", c->vc_caps);
		add_hex(o, "vc_opcodes", c->vc_opcodes);
		add_hex(o, "used_vc_caps", c->used_vc_caps);
		add_hex(o, "used_vc_opcodes", c->used_vc_opcodes);
	}
	return o;
}
