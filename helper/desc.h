/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: compatibility descriptors (ARCHITECTURE.md, Contract 3) on
 * the user-space side.
 *
 * The format, the parser and the compare function are kernel/icemig_compat.c
 * and kernel/include/icemig_compat.h, compiled into this program unchanged:
 * `icemig compat check`, the migrate begin hook and the kernel's load-time
 * check decide with the same code. This module adds what user space needs
 * around it: reading the sysfs attribute
 *   <sysfs root>/bus/pci/devices/<VF>/icemig_compat
 * (present while the VF is bound to ice_vfio_pci and its PF has a
 * migration provider), tolerant reading of descriptor text that travelled
 * through XML (indentation, CR), messages naming the deciding field, and
 * the text/JSON rendering of `icemig compat show`.
 */
#ifndef ICEMIG_DESC_H
#define ICEMIG_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "icemig_compat.h"

#include "bdf.h"
#include "util.h"

/**
 * icemig_desc_parse() - descriptor from text.
 * @text, @len: "key=value" lines (icemig_compat.h). Leading and trailing
 *	blanks and CRs of each line are dropped first, so text indented by an
 *	XML serialiser parses too; at most ICEMIG_COMPAT_TEXT_MAX bytes after that.
 * @what: name of the source for messages, e.g. "0000:01:10.0: icemig_compat"
 * @c:    parsed descriptor
 *
 * Return: 0, or -EINVAL "<what>: invalid descriptor: key '<key>' missing or
 * malformed", -EFBIG when too long.
 */
int icemig_desc_parse(const char *text, size_t len, const char *what, struct icemig_compat *c,
		      struct icemig_err *err);

/**
 * icemig_desc_read() - the descriptor a VF shows in sysfs.
 * @vf:   the VF
 * @c:    parsed descriptor (may be NULL)
 * @text: the attribute's text, NUL-terminated (may be NULL); @size bytes,
 *	ICEMIG_COMPAT_TEXT_MAX suffices
 *
 * Return: 0; -ENOENT "<VF>: no icemig_compat attribute (bound to <driver>,
 * not ice_vfio_pci / its PF has no migration provider)"; -ENODEV when the
 * device does not exist; -EINVAL for an unparsable descriptor; -errno.
 */
int icemig_desc_read(const struct icemig_bdf *vf, struct icemig_compat *c, char *text, size_t size,
		     struct icemig_err *err);

/**
 * icemig_desc_check() - icemig_compat_check(@src, @dst) with a message.
 * @src: descriptor of the source VF; @dst: of the candidate destination VF
 * @field: set to the deciding field (static string) when incompatible (may be NULL)
 * @why, @size: "<field>: <explanation with both values>" when incompatible,
 *	e.g. "max_qps: the source VF uses 2 queue pairs, this VF offers at most 1"
 *
 * Return: true when compatible.
 */
bool icemig_desc_check(const struct icemig_compat *src, const struct icemig_compat *dst,
		       const char **field, char *why, size_t size);

/**
 * icemig_desc_json() - the descriptor as a JSON object: every key of the
 * text form, numbers as numbers, "records"/"used_records" as "0x..." strings,
 * "device" as "vvvv:dddd". Return: new object, NULL on allocation failure.
 */
struct json_object *icemig_desc_json(const struct icemig_compat *c);

#endif /* ICEMIG_DESC_H */
