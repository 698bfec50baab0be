/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: PCI addresses.
 *
 * Text form ("BDF") is the one the kernel uses for PCI device names in sysfs
 * (pci_name(), %04x:%02x:%02x.%d; see Documentation/ABI/testing/sysfs-bus-pci
 * and /sys/bus/pci/devices/): exactly "DDDD:BB:DD.F" with
 *   DDDD  PCI segment (domain), 4 hex digits
 *   BB    bus, 2 hex digits
 *   DD    device (slot), 2 hex digits, 0x00..0x1f
 *   F     function, 1 digit, 0..7
 * Upper- and lower-case hex are accepted on input; output is always lower
 * case, as sysfs spells it. Every sysfs path that contains a device name is
 * built from a parsed struct icemig_bdf, never from user text, so a string
 * like "../../x" can never reach the file system.
 */
#ifndef ICEMIG_BDF_H
#define ICEMIG_BDF_H

#include <stdint.h>

/* "DDDD:BB:DD.F" plus NUL */
#define ICEMIG_BDF_LEN 13

struct icemig_bdf {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t func; /* 0..7 */
};

/**
 * icemig_bdf_parse() - parse the strict text form "DDDD:BB:DD.F".
 * @s:   NUL-terminated input
 * @out: parsed address on success (untouched on failure)
 *
 * Return: 0, or -EINVAL if @s is not exactly 12 characters of that form or the
 * device/function is out of range.
 */
int icemig_bdf_parse(const char *s, struct icemig_bdf *out);

/**
 * icemig_bdf_format() - canonical text form (lower-case hex) into @buf.
 * Return: @buf.
 */
char *icemig_bdf_format(const struct icemig_bdf *bdf, char buf[ICEMIG_BDF_LEN]);

/**
 * icemig_bdf_from_libvirt() - address from libvirt <address> attribute values.
 * @domain, @bus, @slot, @function: attribute text, e.g. "0x0000" "0x01" "0x10" "0x0";
 *	numbers follow libvirt's virXMLPropUInt base-0 rules ("0x" hex, leading 0
 *	octal, else decimal); NULL means the attribute is missing.
 * @out: parsed address
 * @why: on failure, a static string naming what is wrong (e.g. "slot out of range 0..0x1f")
 *
 * Ranges: domain 0..0xffff, bus 0..0xff, slot 0..0x1f, function 0..7.
 * Return: 0 or -EINVAL.
 */
int icemig_bdf_from_libvirt(const char *domain, const char *bus, const char *slot,
			    const char *function, struct icemig_bdf *out, const char **why);

/** icemig_bdf_cmp() - total order (domain, bus, dev, func); <0, 0, >0 like strcmp. */
int icemig_bdf_cmp(const struct icemig_bdf *a, const struct icemig_bdf *b);

#endif /* ICEMIG_BDF_H */
