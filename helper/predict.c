// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the stop-copy prediction. See predict.h for the model. */
#include "predict.h"

#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static uint64_t sat64(u128 v)
{
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

void icemig_predict(const struct icemig_predict_in *in, struct icemig_prediction *out)
{
	u128 pages = (u128)in->zero_pages + in->normal_pages;
	u128 send, ms;
	uint64_t bps = in->bps ? in->bps : 1;

	memset(out, 0, sizeof(*out));
	out->in = *in;
	if (!pages)
		out->in.zero_src = ICEMIG_PREDICT_DEFAULT;
	if (pages)
		out->zero_pct = (unsigned int)((in->zero_pages * (u128)100 + pages / 2) / pages);
	if (in->tracked) {
		out->tracked = true;
		return;
	}
	/* the non-zero part of guest RAM, rounded to the nearest byte */
	send = pages ? ((u128)in->ram_bytes * in->normal_pages + pages / 2) / pages :
		       (u128)in->ram_bytes;
	out->send_bytes = sat64(send);
	/* whole milliseconds, rounded up */
	ms = (send * 1000 + bps - 1) / bps + in->fixed_ms;
	out->stop_copy_ms = sat64(ms);
}

enum icemig_predict_verdict icemig_predict_check(const struct icemig_prediction *p, bool has_max,
						 uint64_t max_ms, bool accept)
{
	if (!has_max || p->tracked || p->stop_copy_ms <= max_ms)
		return ICEMIG_PREDICT_GO;
	return accept ? ICEMIG_PREDICT_OVER_ACCEPTED : ICEMIG_PREDICT_REFUSE;
}

const char *icemig_predict_src_name(enum icemig_predict_src s)
{
	switch (s) {
	case ICEMIG_PREDICT_CONFIGURED:
		return "configured";
	case ICEMIG_PREDICT_PREVIOUS:
		return "previous migration";
	case ICEMIG_PREDICT_PRECOPY:
		return "pre-copy";
	case ICEMIG_PREDICT_DEFAULT:
	default:
		return "default";
	}
}

/* "64 MiB", "1.5 GiB", "0.5 MiB": binary units, at most one decimal */
static void size_text(uint64_t v, char *buf, size_t size)
{
	static const char *const unit[] = { "MiB", "GiB", "TiB" };
	double d = (double)v / 1048576.0;
	int u = 0;

	while (d >= 1024.0 && u < 2) {
		d /= 1024.0;
		u++;
	}
	if (d == (double)(uint64_t)d)
		snprintf(buf, size, "%llu %s", (unsigned long long)d, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", d, unit[u]);
}

/* "512 MiB/s", "9.5 MiB/s": whole MiB/s from 10 MiB/s on */
static void rate_text(uint64_t bps, char *buf, size_t size)
{
	double d = (double)bps / 1048576.0;

	snprintf(buf, size, d >= 10.0 ? "%.0f MiB/s" : "%.1f MiB/s", d);
}

static const char *zero_src_text(enum icemig_predict_src s)
{
	switch (s) {
	case ICEMIG_PREDICT_PREVIOUS:
		return "from the previous migration";
	case ICEMIG_PREDICT_PRECOPY:
		return "measured in pre-copy";
	case ICEMIG_PREDICT_CONFIGURED:
		return "configured";
	case ICEMIG_PREDICT_DEFAULT:
	default:
		return "assumed";
	}
}

static const char *bw_src_text(enum icemig_predict_src s)
{
	switch (s) {
	case ICEMIG_PREDICT_PREVIOUS:
		return "measured by the previous migration";
	case ICEMIG_PREDICT_PRECOPY:
		return "measured in pre-copy";
	default:
		return icemig_predict_src_name(s);
	}
}

void icemig_predict_line(const struct icemig_prediction *p, char *buf, size_t size)
{
	char ram[32], rate[32];

	if (p->tracked) {
		snprintf(buf, size, "predicted stop-copy: tracked: QEMU honours downtime-limit");
		return;
	}
	size_text(p->in.ram_bytes, ram, sizeof(ram));
	rate_text(p->in.bps, rate, sizeof(rate));
	snprintf(
		buf, size,
		"predicted stop-copy: %llu ms (%s RAM, %u %% zero pages %s, %s %s, +%llu ms fixed %s)",
		(unsigned long long)p->stop_copy_ms, ram, p->zero_pct,
		zero_src_text(p->in.zero_src), rate, bw_src_text(p->in.bw_src),
		(unsigned long long)p->in.fixed_ms, icemig_predict_src_name(p->in.fixed_src));
}

bool icemig_predict_error_pct(uint64_t predicted_ms, uint64_t actual_ms, long long *pct)
{
	s128 num, a = actual_ms;

	if (!actual_ms)
		return false;
	num = ((s128)predicted_ms - a) * 100;
	/* half away from zero */
	if (num >= 0)
		*pct = (long long)((num * 2 + a) / (a * 2));
	else
		*pct = -(long long)((-num * 2 + a) / (a * 2));
	return true;
}
