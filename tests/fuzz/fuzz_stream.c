// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libFuzzer harness over the device-state stream decoder and the
 * compatibility descriptor (the kernel's own sources, built in user space
 * with ASan and UBSan).
 *
 * Input: any bytes. They are decoded as a stream; a stream that decodes
 * must re-encode to the same bytes' state (decode(encode(st)) == st) and its
 * descriptor must compare compatible with itself. The same bytes are also
 * parsed as a descriptor text and, if valid, printed and parsed again to
 * the same descriptor.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/include/icemig_compat.h"
#include "../../kernel/include/icemig_stream.h"

static void check_stream(const uint8_t *data, size_t size)
{
	static uint8_t out[ICEMIG_STREAM_MAX_LEN];
	struct icemig_vf_state st, st2;
	struct icemig_stream_err err;
	struct icemig_compat c;
	uint32_t total, flags, used;

	if (size > ICEMIG_STREAM_MAX_LEN + 16)
		return;
	if (!icemig_stream_frame(data, (uint32_t)size, &total, &flags, &err) &&
	    (total < 24 || total > ICEMIG_STREAM_MAX_LEN))
		abort();
	if (icemig_stream_decode(data, (uint32_t)size, &st, &err)) {
		if (!err.what)
			abort();	/* every rejection names its rule */
		return;
	}
	/* A decoded state is valid, encodes, and decodes to itself. */
	if (icemig_state_check(&st, NULL))
		abort();
	if (icemig_stream_encode(&st, flags, out, sizeof(out), &used))
		abort();
	if (icemig_stream_decode(out, used, &st2, NULL) || memcmp(&st, &st2, sizeof(st)))
		abort();
	icemig_compat_init(&c, "fuzz", 0x8086, 0x1889);
	icemig_compat_set_used(&c, &st);
	c.rss_lut_size = st.has_rss ? st.rss_lut_len : c.rss_lut_size;
	if (icemig_compat_check(&c, &c, NULL))
		abort();
}

static void check_compat_text(const uint8_t *data, size_t size)
{
	char text[ICEMIG_COMPAT_TEXT_MAX];
	struct icemig_compat a, b;
	const char *bad;
	int n;

	if (size > ICEMIG_COMPAT_TEXT_MAX)
		return;
	if (icemig_compat_parse((const char *)data, (uint32_t)size, &a, &bad))
		return;
	n = icemig_compat_format(&a, text, sizeof(text));
	if (n < 0 || icemig_compat_parse(text, (uint32_t)n, &b, &bad) ||
	    memcmp(&a, &b, sizeof(a)))
		abort();
	(void)icemig_compat_check(&a, &b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_stream(data, size);
	check_compat_text(data, size);
	return 0;
}
