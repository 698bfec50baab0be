/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: `icemig migrate DOMAIN DEST-URI`, a managed live migration
 * through the libvirt C API (https://libvirt.org/html/libvirt-libvirt-domain.html).
 *
 *   1. preflight: every PCI host device of the running domain
 *      (<hostdev type='pci'>, <interface type='hostdev'>) must be a VF bound
 *      to ice_vfio_pci whose compatibility descriptor is readable (its PF has
 *      a migration provider), declared with <driver model='ice_vfio_pci'/>
 *      or without model= (libvirt >= 10.0 then picks the variant driver
 *      from modules.alias, and the destination hook knows the hostdev from
 *      the metadata); a model= naming another driver is refused. Anything
 *      else is refused, naming the device and the reason, before anything
 *      is changed.
 *   2. the descriptors go into the live domain XML's <metadata> (domxml.h)
 *      with virDomainSetMetadata(VIR_DOMAIN_METADATA_ELEMENT,
 *      VIR_DOMAIN_AFFECT_LIVE); the destination's migrate begin hook checks
 *      them against its VFs before any memory moves.
 *   2a. the stop-copy prediction (predict.h), before anything changes:
 *      guest RAM from virDomainGetInfo(), the zero-page share and bandwidth
 *      of the domain's previous migration when libvirt still holds its
 *      completed statistics (virDomainGetJobStats(VIR_DOMAIN_JOB_STATS_COMPLETED
 *      | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED), operation migration in or
 *      out), else the configured or default bandwidth and a zero share of 0.
 *      A domain holding a VF has no dirty tracking on type1 hosts (the
 *      RAM-proportional model); one without has QEMU's ("tracked"). The
 *      prediction line goes to opts->notes; over --max-downtime the run is
 *      refused (-ERANGE, nothing changed) unless accept_downtime, which
 *      only warns on opts->warnings.
 *   3. --max-downtime, when given, becomes the live migration's downtime
 *      limit (virDomainMigrateSetMaxDowntime()); the previous limit
 *      (virDomainMigrateGetMaxDowntime()) is set again when the migration
 *      fails and the domain stays here, so that a domain whose XML raises
 *      the limit for saves (docs/downtime.md) keeps it. Without the option
 *      the domain's own limit is used. Then
 *      virDomainMigrateToURI3(VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER, with
 *      VIR_MIGRATE_PARALLEL + VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS and
 *      VIR_MIGRATE_COMPRESSED + VIR_MIGRATE_PARAM_COMPRESSION[_XBZRLE_CACHE]
 *      when asked; both off by default) to DEST-URI (the destination
 *      libvirtd's URI, e.g. qemu+tcp://host/system), in a thread; the
 *      caller's thread polls virDomainGetJobStats() for the progress (and
 *      re-predicts from the pre-copy's measured bandwidth and zero share),
 *      and aborts the job (virDomainAbortJob()) on the timeout or on
 *      SIGINT/SIGTERM; the domain then keeps running on the source.
 *   4. the summary comes from the completed job's statistics of the
 *      source: the VIR_DOMAIN_EVENT_ID_JOB_COMPLETED event (delivered even
 *      when a transient domain is gone from the source right after), else
 *      virDomainGetJobStats(VIR_DOMAIN_JOB_STATS_COMPLETED) of the source,
 *      else of the destination (whose statistics lack the VFIO byte count:
 *      device-state bytes are then null); it sets the predictions beside
 *      the actual downtime (VIR_DOMAIN_JOB_DOWNTIME) with the error in %.
 *
 * libvirt is called through lvapi.h: call icemig_libvirt_load() first.
 */
#ifndef ICEMIG_MIGRATE_H
#define ICEMIG_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>
#include <libvirt/libvirt.h>

#include "icemig_compat.h"

#include "bdf.h"
#include "predict.h"
#include "util.h"

struct icemig_mig_vf {
	struct icemig_bdf src;
	char alias[64];
	char text[ICEMIG_COMPAT_TEXT_MAX]; /* descriptor text as sysfs shows it */
};

struct icemig_mig_plan {
	char domain[256];
	struct icemig_mig_vf *vfs;
	size_t n;
};

/**
 * icemig_migrate_preflight() - check a domain's host devices (step 1).
 * @xml, @len: the live domain XML (virDomainGetXMLDesc(dom, 0))
 * @plan:      the VFs and their descriptors; free with icemig_mig_plan_free()
 *
 * Return: 0; -EOPNOTSUPP "domain 'D' cannot migrate: <device>: <reason>[;
 * <device>: <reason>...]" listing every refused device; -EINVAL for XML
 * that does not parse; -ENOMEM.
 */
int icemig_migrate_preflight(const char *xml, size_t len, struct icemig_mig_plan *plan,
			     struct icemig_err *err);

void icemig_mig_plan_free(struct icemig_mig_plan *plan);

/**
 * icemig_migrate_set_metadata() - step 2: the plan's descriptors into the
 * live XML of @dom (an empty plan removes icemig's metadata).
 * Return: 0 or -EIO with libvirt's message.
 */
int icemig_migrate_set_metadata(virDomainPtr dom, const struct icemig_mig_plan *plan,
				struct icemig_err *err);

/* Job statistics (virDomainGetJobStats); a field is valid when its has_ bit is set. */
struct icemig_mig_stats {
	int type; /* virDomainJobType */
	bool has_elapsed, has_downtime, has_total, has_processed, has_remaining, has_bps, has_vfio;
	bool has_mem_total, has_pages, has_operation;
	uint64_t elapsed_ms; /* VIR_DOMAIN_JOB_TIME_ELAPSED */
	uint64_t downtime_ms; /* VIR_DOMAIN_JOB_DOWNTIME */
	uint64_t total_bytes; /* VIR_DOMAIN_JOB_DATA_TOTAL */
	uint64_t processed_bytes; /* VIR_DOMAIN_JOB_DATA_PROCESSED */
	uint64_t remaining_bytes; /* VIR_DOMAIN_JOB_DATA_REMAINING */
	uint64_t bps; /* VIR_DOMAIN_JOB_MEMORY_BPS, bytes/s */
	uint64_t vfio_bytes; /* VIR_DOMAIN_JOB_VFIO_DATA_TRANSFERRED */
	uint64_t mem_total_bytes; /* VIR_DOMAIN_JOB_MEMORY_TOTAL */
	uint64_t constant_pages; /* VIR_DOMAIN_JOB_MEMORY_CONSTANT (zero pages) */
	uint64_t normal_pages; /* VIR_DOMAIN_JOB_MEMORY_NORMAL; has_pages: both present */
	int operation; /* VIR_DOMAIN_JOB_OPERATION (virDomainJobOperation) */
};

/** icemig_mig_stats_from_params() - pick the fields above out of typed parameters. */
void icemig_mig_stats_from_params(int type, virTypedParameterPtr params, int n,
				  struct icemig_mig_stats *s);

/**
 * icemig_progress_line() - one progress line for a TTY, e.g.
 * "[=========>          ]  45%  remaining 35.2 MiB  rate 110.0 MiB/s  elapsed 1.2 s"
 * @width: bar width in characters (0: no bar)
 */
void icemig_progress_line(const struct icemig_mig_stats *s, int width, char *buf, size_t size);

struct icemig_mig_opts {
	const char *dest_uri;
	unsigned long timeout_s; /* 0: none */
	bool has_max_downtime;
	unsigned long long max_downtime_ms;
	bool accept_downtime; /* a predicted overrun of max_downtime_ms only warns */
	uint64_t assume_bps; /* bandwidth before any data moved, bytes/s; 0: default */
	bool has_fixed_ms;
	uint64_t fixed_ms; /* fixed stop-copy cost, ms (else ICEMIG_PREDICT_FIXED_MS) */
	unsigned int parallel_connections; /* 0: no multifd; else VIR_MIGRATE_PARALLEL */
	const char *compression; /* NULL: none; "xbzrle", "zlib" or "zstd" */
	uint64_t xbzrle_cache_bytes; /* 0: QEMU's default */
	FILE *notes; /* the prediction line before the start; NULL: not printed */
	FILE *warnings; /* "icemig: warning: ..." lines; NULL: not printed */
	FILE *progress; /* NULL: no progress display */
};

struct icemig_mig_result {
	bool ok;
	bool timed_out;
	bool interrupted;
	uint64_t wall_ms; /* measured by icemig around the migration call */
	bool have_stats; /* completed-job statistics found */
	const char *stats_from; /* "source event", "source", "destination" or "last progress" */
	struct icemig_mig_stats stats;
	size_t nvfs;
	bool has_prediction; /* made before the start (step 2a) */
	struct icemig_prediction prediction;
	enum icemig_predict_verdict verdict;
	bool has_max_downtime;
	uint64_t max_downtime_ms;
	bool has_precopy; /* re-predicted from the last progress statistics */
	struct icemig_prediction precopy;
};

/**
 * icemig_migrate_predict_in() - the inputs of the prediction before the start.
 * @tracked:   dirty tracking covers the VM (no VF)
 * @ram_bytes: guest RAM, bytes (virDomainGetInfo maxMem x 1024)
 * @prev:      completed statistics of the previous migration, or NULL; used
 *             when they carry page counts (zero share) and a bandwidth
 * @o:         assume_bps and fixed_ms (given: "configured")
 * Bandwidth: given > previous migration's > ICEMIG_PREDICT_BPS.
 */
void icemig_migrate_predict_in(bool tracked, uint64_t ram_bytes,
			       const struct icemig_mig_stats *prev, const struct icemig_mig_opts *o,
			       struct icemig_predict_in *in);

/**
 * icemig_migrate_precopy_in() - the inputs re-measured by this migration:
 * bandwidth and zero share of @s (progress statistics) where it has them,
 * guest RAM from its VIR_DOMAIN_JOB_MEMORY_TOTAL, the rest from @before.
 * Return: false when @s has neither a bandwidth nor page counts.
 */
bool icemig_migrate_precopy_in(const struct icemig_predict_in *before,
			       const struct icemig_mig_stats *s, struct icemig_predict_in *in);

/**
 * icemig_migrate_run() - steps 1 to 4 for @domain (name or UUID) on @conn.
 * Return: 0 when the domain runs on the destination; -ENOENT no such
 * domain; -EINVAL not running; the errors of icemig_migrate_preflight();
 * -ERANGE when the predicted stop-copy exceeds max_downtime_ms and
 * accept_downtime is not set (nothing changed, no migration started);
 * -ETIMEDOUT when the timeout aborted it; -EINTR when a signal did; -EIO
 * with libvirt's message when the migration failed. In every failure after
 * the preflight the domain keeps running on the source.
 */
int icemig_migrate_run(virConnectPtr conn, const char *domain, const struct icemig_mig_opts *o,
		       struct icemig_mig_result *res, struct icemig_err *err);

/**
 * icemig_migrate_json() - the summary document of a finished migration:
 * {"domain", "destination", "migrated", "vfs", "wall_time_ms", "stats_from",
 * "total_time_ms", "downtime_ms", "data_bytes", "device_state_bytes",
 * "memory_rate_bytes_per_s", "prediction": P|null, "prediction_error_percent",
 * "precopy_prediction": P|null, "precopy_prediction_error_percent"} with P
 * {"text", "tracked", "stop_copy_ms"|null, "ram_bytes", "zero_pages_percent",
 * "zero_source" (assumed, previous migration, pre-copy), "bandwidth_bytes_per_s",
 * "bandwidth_source" (default, configured, previous migration, pre-copy),
 * "fixed_ms", "fixed_source", "max_downtime_ms"|null, "over_limit", "accepted"};
 * an error is 100 * (predicted - actual downtime) / actual, whole percent,
 * null without both figures.
 */
struct json_object *icemig_migrate_json(const char *domain, const char *dest,
					const struct icemig_mig_result *res);

/** icemig_migrate_text() - the text summary of icemig_migrate_json()'s document. */
void icemig_migrate_text(struct json_object *doc, FILE *out);

/**
 * icemig_libvirt_events_init() - register libvirt's default event loop
 * (virEventRegisterDefaultImpl); call before opening the connection that
 * icemig_migrate_run() uses, so that it can receive the job-completed
 * event. Without it, the summary falls back to querying the statistics.
 * Return: 0 or -EIO.
 */
int icemig_libvirt_events_init(struct icemig_err *err);

/** icemig_migrate_interrupt() - ask a running icemig_migrate_run() to abort (async-signal-safe). */
void icemig_migrate_interrupt(void);

/** icemig_libvirt_quiet() - stop libvirt from printing its errors to stderr itself. */
void icemig_libvirt_quiet(void);

/** icemig_libvirt_error() - libvirt's last error message, or "unknown libvirt error". */
const char *icemig_libvirt_error(void);

#endif /* ICEMIG_MIGRATE_H */
