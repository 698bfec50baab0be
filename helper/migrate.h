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
 *   3. virDomainMigrateSetMaxDowntime() when asked, then
 *      virDomainMigrateToURI3(VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER) to
 *      DEST-URI (the destination libvirtd's URI, e.g. qemu+tcp://host/system),
 *      in a thread; the caller's thread polls virDomainGetJobStats() for the
 *      progress, and aborts the job (virDomainAbortJob()) on the timeout or
 *      on SIGINT/SIGTERM; the domain then keeps running on the source.
 *   4. the summary comes from the completed job's statistics of the
 *      source: the VIR_DOMAIN_EVENT_ID_JOB_COMPLETED event (delivered even
 *      when a transient domain is gone from the source right after), else
 *      virDomainGetJobStats(VIR_DOMAIN_JOB_STATS_COMPLETED) of the source,
 *      else of the destination (whose statistics lack the VFIO byte count:
 *      device-state bytes are then null).
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
	uint64_t elapsed_ms; /* VIR_DOMAIN_JOB_TIME_ELAPSED */
	uint64_t downtime_ms; /* VIR_DOMAIN_JOB_DOWNTIME */
	uint64_t total_bytes; /* VIR_DOMAIN_JOB_DATA_TOTAL */
	uint64_t processed_bytes; /* VIR_DOMAIN_JOB_DATA_PROCESSED */
	uint64_t remaining_bytes; /* VIR_DOMAIN_JOB_DATA_REMAINING */
	uint64_t bps; /* VIR_DOMAIN_JOB_MEMORY_BPS, bytes/s */
	uint64_t vfio_bytes; /* VIR_DOMAIN_JOB_VFIO_DATA_TRANSFERRED */
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
};

/**
 * icemig_migrate_run() - steps 1 to 4 for @domain (name or UUID) on @conn.
 * Return: 0 when the domain runs on the destination; -ENOENT no such
 * domain; -EINVAL not running; the errors of icemig_migrate_preflight();
 * -ETIMEDOUT when the timeout aborted it; -EINTR when a signal did; -EIO
 * with libvirt's message when the migration failed. In every failure after
 * the preflight the domain keeps running on the source.
 */
int icemig_migrate_run(virConnectPtr conn, const char *domain, const struct icemig_mig_opts *o,
		       struct icemig_mig_result *res, struct icemig_err *err);

/** icemig_migrate_json() - the summary document of a finished migration. */
struct json_object *icemig_migrate_json(const char *domain, const char *dest,
					const struct icemig_mig_result *res);

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
