/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: `icemig state decode`, a debugging view of saved
 * device-state streams (ARCHITECTURE.md Contract 1; wire format in
 * kernel/include/icemig_stream.h).
 *
 * A file may hold several streams back to back, as the VFIO migration data
 * of one VF does (an optional PRE_COPY preview, ICEMIG_STREAM_F_PRECOPY,
 * then the final stream). Each is cut with icemig_stream_frame(), validated
 * and decoded as a whole with icemig_stream_decode() (the decoder the kernel
 * uses), and only then printed: the header and every record in stream
 * order, with the record's values taken from the decoded state.
 */
#ifndef ICEMIG_STATEDEC_H
#define ICEMIG_STATEDEC_H

#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

/* Largest file `state decode` reads: a preview plus a final stream. */
#define ICEMIG_STATE_FILE_MAX (2u * 64u * 1024u)

/**
 * icemig_state_decode() - decode every stream in @buf into a JSON document.
 * @buf, @len: file content, at most ICEMIG_STATE_FILE_MAX bytes
 * @what:      file name for messages
 * @doc:       new document: {"file": @what, "bytes": @len, "streams": [{
 *	"offset", "version": "1.0", "flags": [...], "total_len", "checksum":
 *	"0x...", "records": [{"offset", "type", "type_id", "mandatory", "len",
 *	"value": {...} or "skipped": true}, ...]}, ...]}
 *	(offsets and lengths in bytes)
 *
 * Return: 0; -EINVAL "<what>: stream #N at byte B: <rule> at byte O" (the
 * rule is the decoder's name for it, e.g. hdr.checksum), also for an empty
 * file or trailing bytes; -EFBIG for a file over the cap; -ENOMEM.
 */
int icemig_state_decode(const void *buf, size_t len, const char *what, struct json_object **doc,
			struct icemig_err *err);

#endif /* ICEMIG_STATEDEC_H */
