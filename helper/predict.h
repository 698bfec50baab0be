/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the stop-copy (downtime) prediction of `icemig migrate`.
 *
 * The model. A VM holding a VF on this project's hosts has no dirty-page
 * tracking for the VF's DMA: the IOMMU is driven through VFIO type1, which
 * has no dirty tracking, and the E810 VF has no device dirty tracking
 * (/work/shared/ARCHITECTURE.md, "Facts about QEMU 10 + type1"). QEMU then
 * treats every DMA-mapped page as dirty at the final sync, so at the
 * switch-over, with the VM stopped, it sends all of guest RAM again; zero
 * pages go as a header only. QEMU's downtime-limit is therefore not
 * honoured, and the stop-copy time is predicted as
 *
 *   stop_copy_ms = fixed_ms + ceil(ram_bytes * (1 - zero_share) * 1000 / bps)
 *
 *   fixed_ms    device state and switch-over overhead, ms: a constant, given
 *               or the default ICEMIG_PREDICT_FIXED_MS
 *   ram_bytes   guest RAM, bytes (virDomainGetInfo maxMem; the RAM blocks
 *               QEMU walks at the final pass)
 *   zero_share  zero pages / (zero + normal pages) from QEMU's counters as
 *               libvirt reports them (VIR_DOMAIN_JOB_MEMORY_CONSTANT and
 *               VIR_DOMAIN_JOB_MEMORY_NORMAL) of the domain's previous
 *               migration or of this migration's pre-copy; 0 when unknown
 *               (then said: "assumed")
 *   bps         bandwidth, bytes/s: VIR_DOMAIN_JOB_MEMORY_BPS measured by the
 *               previous migration or this one's pre-copy, else the value
 *               given, else the default ICEMIG_PREDICT_BPS (said which)
 *
 * The time is rounded up to a whole millisecond: a bound errs long. With
 * dirty tracking for all of the VM's memory (a VM without a VF here; an
 * iommufd host with IOMMU dirty tracking), QEMU's own dirty-rate model
 * applies and honours downtime-limit: the prediction is then "tracked" and
 * carries no figure.
 *
 * Defaults, from the rig (issue 12's table, a test setup, not E810
 * figures): 135 ms is the downtime of the 64 MiB VM without a VF; with a
 * VF the downtime grows about 1.9 ms per MiB of guest RAM, i.e. about
 * 512 MiB/s. Those idle guests held mostly zero pages, so on the rig the
 * per-MiB cost is not only bandwidth: a measured zero share there lowers
 * the prediction below what was measured; the bench (make bench) gives the
 * prediction error.
 */
#ifndef ICEMIG_PREDICT_H
#define ICEMIG_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICEMIG_PREDICT_FIXED_MS 135ULL
#define ICEMIG_PREDICT_BPS (512ULL << 20)

/* Where an input of the prediction comes from. */
enum icemig_predict_src {
	ICEMIG_PREDICT_DEFAULT, /* built in (zero share: assumed 0) */
	ICEMIG_PREDICT_CONFIGURED, /* given on the command line */
	ICEMIG_PREDICT_PREVIOUS, /* the domain's previous migration (completed job statistics) */
	ICEMIG_PREDICT_PRECOPY, /* this migration's pre-copy (job statistics while it runs) */
};

struct icemig_predict_in {
	bool tracked; /* dirty tracking covers all of the VM's memory */
	uint64_t ram_bytes; /* guest RAM, bytes */
	uint64_t zero_pages; /* QEMU's constant (zero) pages sent */
	uint64_t normal_pages; /* QEMU's normal pages sent; both 0: share unknown */
	enum icemig_predict_src zero_src; /* DEFAULT when unknown */
	uint64_t bps; /* bandwidth, bytes/s; 0 is taken as 1 */
	enum icemig_predict_src bw_src;
	uint64_t fixed_ms; /* device state + switch-over overhead, ms */
	enum icemig_predict_src fixed_src;
};

struct icemig_prediction {
	struct icemig_predict_in in;
	bool tracked; /* no figure: QEMU honours downtime-limit */
	uint64_t send_bytes; /* RAM bytes sent with the VM stopped, bytes */
	uint64_t stop_copy_ms; /* predicted stop-copy time, ms (0 when tracked) */
	unsigned int zero_pct; /* zero share, whole percent (rounded to nearest) */
};

/**
 * icemig_predict() - compute the prediction from @in (pure arithmetic).
 * @in:  the inputs; a zero share is used only when zero_pages + normal_pages
 *       is nonzero, else 0 (and zero_src reads "assumed")
 * @out: the prediction; a figure that would exceed UINT64_MAX ms saturates
 */
void icemig_predict(const struct icemig_predict_in *in, struct icemig_prediction *out);

/* What the bound says (icemig_predict_check()). */
enum icemig_predict_verdict {
	ICEMIG_PREDICT_GO, /* no limit, tracked, or within the limit */
	ICEMIG_PREDICT_OVER_ACCEPTED, /* over the limit; the user accepted it: warn, go on */
	ICEMIG_PREDICT_REFUSE, /* over the limit: do not migrate */
};

/**
 * icemig_predict_check() - the bound of --max-downtime.
 * @p:           the prediction
 * @has_max:     whether --max-downtime was given
 * @max_ms:      its value, ms; a prediction equal to it fits
 * @accept:      --accept-downtime: an overrun only warns
 * Return: the verdict; a tracked prediction always goes (QEMU keeps the limit).
 */
enum icemig_predict_verdict icemig_predict_check(const struct icemig_prediction *p, bool has_max,
						 uint64_t max_ms, bool accept);

/**
 * icemig_predict_line() - the one-line text of @p without a trailing
 * newline, e.g. "predicted stop-copy: 260 ms (64 MiB RAM, 0 % zero pages
 * assumed, 512 MiB/s default, 135 ms fixed default)" or "predicted
 * stop-copy: tracked: QEMU honours downtime-limit".
 */
void icemig_predict_line(const struct icemig_prediction *p, char *buf, size_t size);

/** icemig_predict_src_name() - "default", "configured", "previous migration" or "pre-copy". */
const char *icemig_predict_src_name(enum icemig_predict_src s);

/**
 * icemig_predict_error_pct() - the prediction error in whole percent,
 * 100 * (predicted - actual) / actual rounded half away from zero
 * (positive: the prediction was too long).
 * Return: false when there is no figure (@actual_ms is 0).
 */
bool icemig_predict_error_pct(uint64_t predicted_ms, uint64_t actual_ms, long long *pct);

#endif /* ICEMIG_PREDICT_H */
