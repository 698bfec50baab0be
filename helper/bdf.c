// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: PCI addresses. See bdf.h. */
#include "bdf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Parse exactly @n hex digits at @s. */
static int hexn(const char *s, int n, unsigned int *out)
{
	unsigned int v = 0;
	int i, d;

	for (i = 0; i < n; i++) {
		d = icemig_digit_value(s[i]);
		if (d < 0)
			return -EINVAL;
		v = v * 16 + (unsigned int)d;
	}
	*out = v;
	return 0;
}

int icemig_bdf_parse(const char *s, struct icemig_bdf *out)
{
	unsigned int dom, bus, dev, fn;

	if (!s || strnlen(s, ICEMIG_BDF_LEN) != ICEMIG_BDF_LEN - 1)
		return -EINVAL;
	if (s[4] != ':' || s[7] != ':' || s[10] != '.')
		return -EINVAL;
	if (hexn(s, 4, &dom) || hexn(s + 5, 2, &bus) || hexn(s + 8, 2, &dev))
		return -EINVAL;
	if (s[11] < '0' || s[11] > '7')
		return -EINVAL;
	fn = (unsigned int)(s[11] - '0');
	if (dev > 0x1f)
		return -EINVAL;
	out->domain = (uint16_t)dom;
	out->bus = (uint8_t)bus;
	out->dev = (uint8_t)dev;
	out->func = (uint8_t)fn;
	return 0;
}

char *icemig_bdf_format(const struct icemig_bdf *bdf, char buf[ICEMIG_BDF_LEN])
{
	snprintf(buf, ICEMIG_BDF_LEN, "%04x:%02x:%02x.%u", bdf->domain, bdf->bus, bdf->dev,
		 bdf->func & 7u);
	return buf;
}

static int part(const char *s, unsigned long max, unsigned long *v, const char **why,
		const char *missing, const char *bad, const char *range)
{
	int r;

	if (!s) {
		*why = missing;
		return -EINVAL;
	}
	r = icemig_parse_ulong(s, 0, max, v);
	if (r == -ERANGE)
		*why = range;
	else if (r)
		*why = bad;
	return r ? -EINVAL : 0;
}

int icemig_bdf_from_libvirt(const char *domain, const char *bus, const char *slot,
			    const char *function, struct icemig_bdf *out, const char **why)
{
	unsigned long d, b, s, f;
	const char *dummy;

	if (!why)
		why = &dummy;
	if (part(domain, 0xffff, &d, why, "domain attribute missing", "domain is not a number",
		 "domain out of range 0..0xffff") ||
	    part(bus, 0xff, &b, why, "bus attribute missing", "bus is not a number",
		 "bus out of range 0..0xff") ||
	    part(slot, 0x1f, &s, why, "slot attribute missing", "slot is not a number",
		 "slot out of range 0..0x1f") ||
	    part(function, 7, &f, why, "function attribute missing", "function is not a number",
		 "function out of range 0..7"))
		return -EINVAL;
	out->domain = (uint16_t)d;
	out->bus = (uint8_t)b;
	out->dev = (uint8_t)s;
	out->func = (uint8_t)f;
	return 0;
}

int icemig_bdf_cmp(const struct icemig_bdf *a, const struct icemig_bdf *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}
