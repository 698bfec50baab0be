// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: managed live migration through libvirt. See migrate.h. */
#include "migrate.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "desc.h"
#include "domxml.h"
#include "lvapi.h"
#include "out.h"
#include "pci.h"
#include "provider.h"

static volatile sig_atomic_t interrupted;
static bool events_ready;

int icemig_libvirt_events_init(struct icemig_err *err)
{
	if (events_ready)
		return 0;
	if (icemig_lv.virEventRegisterDefaultImpl() < 0)
		return icemig_err_set(err, EIO, "libvirt event loop: %s", icemig_libvirt_error());
	events_ready = true;
	return 0;
}

void icemig_migrate_interrupt(void)
{
	interrupted = 1;
}

static void quiet_handler(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

void icemig_libvirt_quiet(void)
{
	icemig_lv.virSetErrorFunc(NULL, quiet_handler);
}

const char *icemig_libvirt_error(void)
{
	const char *m = icemig_lv.virGetLastErrorMessage();

	return m && *m ? m : "unknown libvirt error";
}

/* ---- preflight --------------------------------------------------------------- */

static void problem(char *buf, size_t size, const char *fmt, ...) ICEMIG_PRINTF(3, 4);

static void problem(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 3 >= size)
		return;
	if (used) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

void icemig_mig_plan_free(struct icemig_mig_plan *plan)
{
	free(plan->vfs);
	plan->vfs = NULL;
	plan->n = 0;
}

int icemig_migrate_preflight(const char *xml, size_t len, struct icemig_mig_plan *plan,
			     struct icemig_err *err)
{
	char drv[ICEMIG_DRIVER_MAX], problems[ICEMIG_ERR_MAX - 512] = "";
	struct icemig_hostdev *hd = NULL;
	struct icemig_err e2;
	struct icemig_bdf pf;
	xmlDocPtr doc = NULL;
	size_t nhd = 0, i;
	int r;

	memset(plan, 0, sizeof(*plan));
	r = icemig_xml_parse(xml, len, "domain XML", "domain", &doc, err);
	if (r)
		return r;
	icemig_xml_domain_name(xmlDocGetRootElement(doc), plan->domain, sizeof(plan->domain));
	r = icemig_xml_hostdevs(xmlDocGetRootElement(doc), ICEMIG_HOSTDEVS_ALL, &hd, &nhd, err);
	if (r)
		goto out;
	plan->vfs = calloc(nhd ? nhd : 1, sizeof(*plan->vfs));
	if (!plan->vfs) {
		r = icemig_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nhd; i++) {
		struct icemig_mig_vf *v = &plan->vfs[plan->n];

		v->src = hd[i].src;
		icemig_strlcpy(v->alias, hd[i].alias, sizeof(v->alias));
		if (icemig_pci_check_exists(&hd[i].src, &e2)) {
			problem(problems, sizeof(problems), "%s: no such device on this host",
				hd[i].desc);
			continue;
		}
		if (icemig_pci_physfn(&hd[i].src, &pf, NULL)) {
			problem(problems, sizeof(problems),
				"%s: not an SR-IOV VF (only VFs on %s can migrate)", hd[i].desc,
				ICEMIG_VARIANT_DRIVER);
			continue;
		}
		if (icemig_pci_get_driver(&hd[i].src, drv, sizeof(drv), NULL))
			drv[0] = '\0';
		if (strcmp(drv, ICEMIG_VARIANT_DRIVER)) {
			problem(problems, sizeof(problems),
				"%s: bound to %s, not %s (stock vfio-pci has no migration support)",
				hd[i].desc, drv[0] ? drv : "no driver", ICEMIG_VARIANT_DRIVER);
			continue;
		}
		/*
		 * Without model= libvirt (>= 10.0) picks the VFIO variant driver
		 * itself, and the destination hook takes the hostdev as icemig's
		 * from the metadata; another model= would bind another driver there.
		 */
		if (!hd[i].ice && !hd[i].no_model) {
			problem(problems, sizeof(problems),
				"%s: its <driver> names another driver than %s (the destination would bind its VF to that one)",
				hd[i].desc, ICEMIG_VARIANT_DRIVER);
			continue;
		}
		if (icemig_desc_read(&hd[i].src, NULL, v->text, sizeof(v->text), &e2)) {
			problem(problems, sizeof(problems), "%s: not migration-capable: %s",
				hd[i].desc, e2.msg);
			continue;
		}
		plan->n++;
	}
	if (problems[0])
		r = icemig_err_set(err, EOPNOTSUPP, "domain '%s' cannot migrate: %s", plan->domain,
				   problems);
out:
	if (r)
		icemig_mig_plan_free(plan);
	free(hd);
	xmlFreeDoc(doc);
	return r;
}

int icemig_migrate_set_metadata(virDomainPtr dom, const struct icemig_mig_plan *plan,
				struct icemig_err *err)
{
	struct icemig_bdf *srcs = NULL;
	const char **texts = NULL;
	char *xml = NULL;
	size_t i;
	int r = 0;

	if (plan->n) {
		srcs = calloc(plan->n, sizeof(*srcs));
		texts = calloc(plan->n, sizeof(*texts));
		if (!srcs || !texts) {
			r = icemig_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < plan->n; i++) {
			srcs[i] = plan->vfs[i].src;
			texts[i] = plan->vfs[i].text;
		}
		r = icemig_xml_meta_build(srcs, texts, plan->n, &xml, err);
		if (r)
			goto out;
	}
	if (icemig_lv.virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, xml,
					   ICEMIG_XMLNS_PREFIX, ICEMIG_XMLNS,
					   VIR_DOMAIN_AFFECT_LIVE) < 0)
		r = icemig_err_set(err, EIO, "domain '%s': setting the icemig metadata: %s",
				   plan->domain, icemig_libvirt_error());
out:
	free(xml);
	free(srcs);
	free(texts);
	return r;
}

/* ---- statistics and progress --------------------------------------------------- */

void icemig_mig_stats_from_params(int type, virTypedParameterPtr params, int n,
				  struct icemig_mig_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->has_elapsed =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_TIME_ELAPSED,
						  (unsigned long long *)&s->elapsed_ms) == 1;
	s->has_downtime =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DOWNTIME,
						  (unsigned long long *)&s->downtime_ms) == 1;
	s->has_total =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_TOTAL,
						  (unsigned long long *)&s->total_bytes) == 1;
	s->has_processed =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_PROCESSED,
						  (unsigned long long *)&s->processed_bytes) == 1;
	s->has_remaining =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_REMAINING,
						  (unsigned long long *)&s->remaining_bytes) == 1;
	s->has_bps = icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_BPS,
						       (unsigned long long *)&s->bps) == 1;
	s->has_vfio =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_VFIO_DATA_TRANSFERRED,
						  (unsigned long long *)&s->vfio_bytes) == 1;
	s->has_mem_total =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_TOTAL,
						  (unsigned long long *)&s->mem_total_bytes) == 1;
	s->has_pages =
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_CONSTANT,
						  (unsigned long long *)&s->constant_pages) == 1 &&
		icemig_lv.virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_NORMAL,
						  (unsigned long long *)&s->normal_pages) == 1;
	s->has_operation = icemig_lv.virTypedParamsGetInt(params, n, VIR_DOMAIN_JOB_OPERATION,
							  &s->operation) == 1;
}

/* ---- prediction ------------------------------------------------------------------ */

void icemig_migrate_predict_in(bool tracked, uint64_t ram_bytes,
			       const struct icemig_mig_stats *prev, const struct icemig_mig_opts *o,
			       struct icemig_predict_in *in)
{
	memset(in, 0, sizeof(*in));
	in->tracked = tracked;
	in->ram_bytes = ram_bytes;
	in->zero_src = ICEMIG_PREDICT_DEFAULT;
	if (prev && prev->has_pages && prev->constant_pages + prev->normal_pages) {
		in->zero_pages = prev->constant_pages;
		in->normal_pages = prev->normal_pages;
		in->zero_src = ICEMIG_PREDICT_PREVIOUS;
	}
	if (o->assume_bps) {
		in->bps = o->assume_bps;
		in->bw_src = ICEMIG_PREDICT_CONFIGURED;
	} else if (prev && prev->has_bps && prev->bps) {
		in->bps = prev->bps;
		in->bw_src = ICEMIG_PREDICT_PREVIOUS;
	} else {
		in->bps = ICEMIG_PREDICT_BPS;
		in->bw_src = ICEMIG_PREDICT_DEFAULT;
	}
	in->fixed_ms = o->has_fixed_ms ? o->fixed_ms : ICEMIG_PREDICT_FIXED_MS;
	in->fixed_src = o->has_fixed_ms ? ICEMIG_PREDICT_CONFIGURED : ICEMIG_PREDICT_DEFAULT;
}

bool icemig_migrate_precopy_in(const struct icemig_predict_in *before,
			       const struct icemig_mig_stats *s, struct icemig_predict_in *in)
{
	bool pages = s->has_pages && s->constant_pages + s->normal_pages;
	bool bw = s->has_bps && s->bps;

	if (!pages && !bw)
		return false;
	*in = *before;
	if (s->has_mem_total && s->mem_total_bytes)
		in->ram_bytes = s->mem_total_bytes;
	if (pages) {
		in->zero_pages = s->constant_pages;
		in->normal_pages = s->normal_pages;
		in->zero_src = ICEMIG_PREDICT_PRECOPY;
	}
	if (bw) {
		in->bps = s->bps;
		in->bw_src = ICEMIG_PREDICT_PRECOPY;
	}
	return true;
}

static void human_bytes(uint64_t v, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024.0 && u < 4) {
		d /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, size, "%.1f %s", d, unit[u]);
}

void icemig_progress_line(const struct icemig_mig_stats *s, int width, char *buf, size_t size)
{
	char rem[32] = "?", rate[32] = "?";
	size_t used = 0;
	int pct = -1, i, fill;

	if (s->has_total && s->total_bytes) {
		uint64_t left = s->has_remaining ? s->remaining_bytes : 0;
		uint64_t done = left > s->total_bytes ? 0 : s->total_bytes - left;

		pct = (int)(done * 100 / s->total_bytes);
	}
	if (width > 0 && size > (size_t)width + 3) {
		fill = pct < 0 ? 0 : pct * width / 100;
		buf[used++] = '[';
		for (i = 0; i < width; i++)
			buf[used++] =
				i < fill ? '=' : (i == fill && pct >= 0 && pct < 100 ? '>' : ' ');
		buf[used++] = ']';
	}
	if (s->has_remaining)
		human_bytes(s->remaining_bytes, rem, sizeof(rem));
	if (s->has_bps) {
		human_bytes(s->bps, rate, sizeof(rate) - 2);
		strcat(rate, "/s");
	}
	if (pct >= 0)
		snprintf(buf + used, size - used, " %3d%%  remaining %s  rate %s  elapsed %.1f s",
			 pct, rem, rate, s->has_elapsed ? (double)s->elapsed_ms / 1000.0 : 0.0);
	else
		snprintf(buf + used, size - used, "   ?%%  starting  elapsed %.1f s",
			 s->has_elapsed ? (double)s->elapsed_ms / 1000.0 : 0.0);
}

/* ---- the migration ----------------------------------------------------------------- */

struct mig_thread {
	virDomainPtr dom;
	const char *dest;
	virTypedParameterPtr params;
	int nparams;
	unsigned int flags;
	int rc;
	char msg[1024];
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *mig_main(void *arg)
{
	struct mig_thread *t = arg;
	int rc;

	rc = icemig_lv.virDomainMigrateToURI3(t->dom, t->dest, t->params, t->nparams, t->flags);
	pthread_mutex_lock(&t->lock);
	t->rc = rc;
	if (rc < 0)
		icemig_strlcpy(t->msg, icemig_libvirt_error(), sizeof(t->msg));
	t->done = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool job_stats(virDomainPtr dom, unsigned int flags, struct icemig_mig_stats *s)
{
	virTypedParameterPtr params = NULL;
	int n = 0, type = 0;

	if (icemig_lv.virDomainGetJobStats(dom, &type, &params, &n, flags) < 0)
		return false;
	icemig_mig_stats_from_params(type, params, n, s);
	icemig_lv.virTypedParamsFree(params, n);
	return true;
}

/* Completed statistics: from the source, else from the destination. */
static void completed_stats(virDomainPtr dom, const char *dest, struct icemig_mig_result *res)
{
	unsigned char uuid[VIR_UUID_BUFLEN];
	virConnectPtr dc;
	virDomainPtr dd;

	if (job_stats(dom, VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED,
		      &res->stats) &&
	    res->stats.type != VIR_DOMAIN_JOB_NONE && res->stats.has_elapsed) {
		res->have_stats = true;
		res->stats_from = "source";
		return;
	}
	if (icemig_lv.virDomainGetUUID(dom, uuid) < 0)
		return;
	dc = icemig_lv.virConnectOpen(dest);
	if (!dc)
		return;
	dd = icemig_lv.virDomainLookupByUUID(dc, uuid);
	if (dd) {
		if (job_stats(dd,
			      VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED,
			      &res->stats) &&
		    res->stats.type != VIR_DOMAIN_JOB_NONE) {
			res->have_stats = true;
			res->stats_from = "destination";
		}
		icemig_lv.virDomainFree(dd);
	}
	icemig_lv.virConnectClose(dc);
}

/* The job-completed event of the source, received by an event loop thread. */
struct job_event {
	pthread_mutex_t lock;
	bool got;
	struct icemig_mig_stats stats;
	volatile bool stop;
	int timer;
	int callback;
	pthread_t loop;
	bool running;
};

static void job_completed(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params, int n,
			  void *opaque)
{
	struct job_event *ev = opaque;
	struct icemig_mig_stats s;

	(void)conn;
	(void)dom;
	icemig_mig_stats_from_params(VIR_DOMAIN_JOB_COMPLETED, params, n, &s);
	pthread_mutex_lock(&ev->lock);
	ev->stats = s;
	ev->got = true;
	pthread_mutex_unlock(&ev->lock);
}

static void tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static void *event_loop(void *arg)
{
	struct job_event *ev = arg;

	while (!ev->stop)
		if (icemig_lv.virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

/* Best effort: without the event, the statistics are queried afterwards. */
static void events_start(virConnectPtr conn, virDomainPtr dom, struct job_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	pthread_mutex_init(&ev->lock, NULL);
	ev->timer = ev->callback = -1;
	if (!events_ready)
		return;
	/* the loop wakes at least every 100 ms to see ev->stop */
	ev->timer = icemig_lv.virEventAddTimeout(100, tick, NULL, NULL);
	ev->callback = icemig_lv.virConnectDomainEventRegisterAny(
		conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
		VIR_DOMAIN_EVENT_CALLBACK(job_completed), ev, NULL);
	if (ev->timer >= 0 && ev->callback >= 0)
		ev->running = pthread_create(&ev->loop, NULL, event_loop, ev) == 0;
}

/* Wait up to @ms for the event (it may trail the API call); true if it came. */
static bool events_wait(struct job_event *ev, unsigned int ms, struct icemig_mig_stats *s)
{
	struct timespec pause = { 0, 20 * 1000000L };
	unsigned int waited;
	bool got = false;

	for (waited = 0; ev->running; waited += 20) {
		pthread_mutex_lock(&ev->lock);
		got = ev->got;
		if (got)
			*s = ev->stats;
		pthread_mutex_unlock(&ev->lock);
		if (got || waited >= ms)
			break;
		nanosleep(&pause, NULL);
	}
	return got;
}

static void events_stop(virConnectPtr conn, struct job_event *ev)
{
	if (ev->callback >= 0)
		icemig_lv.virConnectDomainEventDeregisterAny(conn, ev->callback);
	if (ev->running) {
		ev->stop = true;
		pthread_join(ev->loop, NULL);
	}
	if (ev->timer >= 0)
		icemig_lv.virEventRemoveTimeout(ev->timer);
	pthread_mutex_destroy(&ev->lock);
}

static virDomainPtr lookup(virConnectPtr conn, const char *name)
{
	virDomainPtr d = icemig_lv.virDomainLookupByName(conn, name);

	if (!d)
		d = icemig_lv.virDomainLookupByUUIDString(conn, name);
	return d;
}

static int wait_migration(struct mig_thread *t, virDomainPtr dom, const struct icemig_mig_opts *o,
			  struct icemig_mig_result *res, uint64_t t0)
{
	struct icemig_mig_stats s;
	bool aborted = false;
	char line[256];
	int shown = 0;

	pthread_mutex_lock(&t->lock);
	while (!t->done) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->cond, &t->lock, &until);
		if (t->done)
			break;
		pthread_mutex_unlock(&t->lock);
		if (!aborted &&
		    (interrupted || (o->timeout_s && now_ms() - t0 >= o->timeout_s * 1000))) {
			res->interrupted = interrupted;
			res->timed_out = !interrupted;
			aborted = true;
			icemig_lv.virDomainAbortJob(dom);
		}
		if (job_stats(dom, 0, &s) && s.type != VIR_DOMAIN_JOB_NONE) {
			struct icemig_predict_in in;

			res->stats = s;
			if (res->has_prediction &&
			    icemig_migrate_precopy_in(&res->prediction.in, &s, &in)) {
				icemig_predict(&in, &res->precopy);
				res->has_precopy = true;
			}
			if (o->progress) {
				icemig_progress_line(&s, 30, line, sizeof(line));
				shown = fprintf(o->progress, "\r%s\033[K", line);
				fflush(o->progress);
			}
		}
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	if (shown > 0 && o->progress) {
		fputc('\n', o->progress);
		fflush(o->progress);
	}
	return 0;
}

/*
 * Step 2a: predict the stop-copy time and apply the bound of --max-downtime.
 * A domain without VFs keeps QEMU's dirty tracking ("tracked"); one with VFs
 * has none on type1 hosts (predict.h).
 */
static int predict_before(virDomainPtr dom, const char *domain, const struct icemig_mig_plan *plan,
			  const struct icemig_mig_opts *o, struct icemig_mig_result *res,
			  struct icemig_err *err)
{
	struct icemig_mig_stats prev;
	struct icemig_predict_in in;
	bool have_prev;
	virDomainInfo info;
	char line[512];

	if (icemig_lv.virDomainGetInfo(dom, &info) < 0)
		return icemig_err_set(err, EIO, "domain '%s': reading its memory size: %s", domain,
				      icemig_libvirt_error());
	/* kept for a later query; only a migration's counters describe what migrates */
	have_prev =
		job_stats(dom, VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED,
			  &prev) &&
		prev.type == VIR_DOMAIN_JOB_COMPLETED && prev.has_operation &&
		(prev.operation == VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN ||
		 prev.operation == VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
	icemig_migrate_predict_in(plan->n == 0, (uint64_t)info.maxMem * 1024,
				  have_prev ? &prev : NULL, o, &in);
	icemig_predict(&in, &res->prediction);
	res->has_prediction = true;
	res->has_max_downtime = o->has_max_downtime;
	res->max_downtime_ms = o->max_downtime_ms;
	res->verdict = icemig_predict_check(&res->prediction, o->has_max_downtime,
					    o->max_downtime_ms, o->accept_downtime);
	icemig_predict_line(&res->prediction, line, sizeof(line));
	if (o->notes) {
		fprintf(o->notes, "%s\n", line);
		fflush(o->notes);
	}
	if (res->verdict == ICEMIG_PREDICT_REFUSE)
		return icemig_err_set(
			err, ERANGE,
			"domain '%s': predicted stop-copy %llu ms exceeds --max-downtime %llu ms: without dirty tracking for its VFs, all guest RAM that is not zero pages is sent while the VM is stopped; not migrated (--accept-downtime migrates anyway)",
			domain, (unsigned long long)res->prediction.stop_copy_ms,
			o->max_downtime_ms);
	if (res->verdict == ICEMIG_PREDICT_OVER_ACCEPTED && o->warnings) {
		fprintf(o->warnings,
			"icemig: warning: domain '%s': predicted stop-copy %llu ms exceeds --max-downtime %llu ms; migrating anyway (--accept-downtime)\n",
			domain, (unsigned long long)res->prediction.stop_copy_ms,
			o->max_downtime_ms);
		fflush(o->warnings);
	}
	return 0;
}

/* Step 3's flags and parameters: multifd and compression only when asked. */
static int mig_params(const struct icemig_mig_opts *o, struct mig_thread *t, struct icemig_err *err)
{
	int max = 0;

	t->flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER;
	if (o->parallel_connections) {
		t->flags |= VIR_MIGRATE_PARALLEL;
		if (icemig_lv.virTypedParamsAddInt(&t->params, &t->nparams, &max,
						   VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
						   (int)o->parallel_connections) < 0)
			goto fail;
	}
	if (o->compression) {
		t->flags |= VIR_MIGRATE_COMPRESSED;
		if (icemig_lv.virTypedParamsAddString(&t->params, &t->nparams, &max,
						      VIR_MIGRATE_PARAM_COMPRESSION,
						      o->compression) < 0)
			goto fail;
	}
	if (o->xbzrle_cache_bytes &&
	    icemig_lv.virTypedParamsAddULLong(&t->params, &t->nparams, &max,
					      VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE,
					      o->xbzrle_cache_bytes) < 0)
		goto fail;
	return 0;
fail:
	return icemig_err_set(err, ENOMEM, "migration parameters: %s", icemig_libvirt_error());
}

int icemig_migrate_run(virConnectPtr conn, const char *domain, const struct icemig_mig_opts *o,
		       struct icemig_mig_result *res, struct icemig_err *err)
{
	struct mig_thread t = { .rc = -1 };
	struct icemig_mig_plan plan = { 0 };
	struct job_event ev;
	bool ev_started = false, meta_set = false, downtime_set = false;
	bool have_prev_downtime = false;
	unsigned long long prev_downtime = 0;
	sigset_t block, old;
	pthread_t th;
	virDomainPtr dom;
	uint64_t t0;
	char *xml = NULL;
	int r, active;

	memset(res, 0, sizeof(*res));
	interrupted = 0;
	dom = lookup(conn, domain);
	if (!dom)
		return icemig_err_set(err, ENOENT, "domain '%s': %s", domain,
				      icemig_libvirt_error());
	active = icemig_lv.virDomainIsActive(dom);
	if (active != 1) {
		r = icemig_err_set(err, EINVAL, "domain '%s': %s", domain,
				   active == 0 ?
					   "not running; only a running domain migrates live" :
					   icemig_libvirt_error());
		goto out;
	}
	xml = icemig_lv.virDomainGetXMLDesc(dom, 0);
	if (!xml) {
		r = icemig_err_set(err, EIO, "domain '%s': reading its XML: %s", domain,
				   icemig_libvirt_error());
		goto out;
	}
	r = icemig_migrate_preflight(xml, strlen(xml), &plan, err);
	if (r)
		goto out;
	res->nvfs = plan.n;
	r = predict_before(dom, domain, &plan, o, res, err);
	if (r)
		goto out;
	r = mig_params(o, &t, err);
	if (r)
		goto out;
	r = icemig_migrate_set_metadata(dom, &plan, err);
	if (r)
		goto out;
	meta_set = true;
	/* Step 3: --max-downtime for this migration only (migrate.h) */
	if (icemig_lv.virDomainMigrateGetMaxDowntime(dom, &prev_downtime, 0) == 0)
		have_prev_downtime = true;
	if (o->has_max_downtime) {
		unsigned long long want = o->max_downtime_ms;

		if (!have_prev_downtime || want != prev_downtime) {
			if (icemig_lv.virDomainMigrateSetMaxDowntime(dom, want, 0) < 0) {
				r = icemig_err_set(
					err, EIO,
					"domain '%s': setting the maximum downtime to %llu ms: %s",
					domain, want, icemig_libvirt_error());
				goto out;
			}
			downtime_set = true;
		}
	}
	events_start(conn, dom, &ev);
	ev_started = true;
	t.dom = dom;
	t.dest = o->dest_uri;
	pthread_mutex_init(&t.lock, NULL);
	pthread_cond_init(&t.cond, NULL);
	/* Signals go to this thread, which aborts the job; never to the migration's. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t0 = now_ms();
	r = pthread_create(&th, NULL, mig_main, &t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		r = icemig_err_set(err, r, "cannot start the migration thread: %s", strerror(r));
		goto destroy;
	}
	wait_migration(&t, dom, o, res, t0);
	pthread_join(th, NULL);
	res->wall_ms = now_ms() - t0;
	if (t.rc < 0) {
		if (res->timed_out)
			r = icemig_err_set(
				err, ETIMEDOUT,
				"domain '%s': migration to %s not finished after %lu s; aborted, the domain keeps running here (%s)",
				domain, o->dest_uri, o->timeout_s, t.msg);
		else if (res->interrupted)
			r = icemig_err_set(
				err, EINTR,
				"domain '%s': migration to %s interrupted; aborted, the domain keeps running here (%s)",
				domain, o->dest_uri, t.msg);
		else
			r = icemig_err_set(err, EIO, "domain '%s': migration to %s failed: %s",
					   domain, o->dest_uri, t.msg);
		goto destroy;
	}
	res->ok = true;
	{
		struct icemig_mig_stats last = res->stats;
		bool had_last = last.type != 0;

		if (events_wait(&ev, 3000, &res->stats)) {
			res->have_stats = true;
			res->stats_from = "source event";
		} else {
			completed_stats(dom, o->dest_uri, res);
		}
		if (!res->have_stats && had_last) {
			res->stats = last;
			res->stats_from = "last progress";
		}
	}
	r = 0;
destroy:
	pthread_cond_destroy(&t.cond);
	pthread_mutex_destroy(&t.lock);
out:
	if (ev_started)
		events_stop(conn, &ev);
	/*
	 * The domain stays here: its descriptors go again, so that a later plain
	 * virsh migrate never carries ones read now (domxml.h). Best effort: the
	 * destination checks what it receives in any case.
	 */
	if (r && meta_set) {
		struct icemig_mig_plan none = { .n = 0 };

		icemig_strlcpy(none.domain, plan.domain, sizeof(none.domain));
		icemig_migrate_set_metadata(dom, &none, NULL);
	}
	/* the domain stays here: its own limit again (a save must still end) */
	if (r && downtime_set && have_prev_downtime)
		icemig_lv.virDomainMigrateSetMaxDowntime(dom, prev_downtime, 0);
	icemig_mig_plan_free(&plan);
	if (t.params)
		icemig_lv.virTypedParamsFree(t.params, t.nparams);
	free(xml);
	icemig_lv.virDomainFree(dom);
	return r;
}

static void put_u64(struct json_object *o, const char *k, bool has, uint64_t v)
{
	json_object_object_add(o, k, has ? json_object_new_int64((int64_t)v) : NULL);
}

static struct json_object *prediction_json(const struct icemig_prediction *p,
					   const struct icemig_mig_result *res, bool before)
{
	struct json_object *o = json_object_new_object();
	const struct icemig_predict_in *in = &p->in;
	char line[512];

	icemig_predict_line(p, line, sizeof(line));
	icemig_json_str(o, "text", line);
	icemig_json_bool(o, "tracked", p->tracked);
	put_u64(o, "stop_copy_ms", !p->tracked, p->stop_copy_ms);
	put_u64(o, "ram_bytes", true, in->ram_bytes);
	icemig_json_int(o, "zero_pages_percent", p->zero_pct);
	icemig_json_str(o, "zero_source",
			in->zero_src == ICEMIG_PREDICT_DEFAULT ?
				"assumed" :
				icemig_predict_src_name(in->zero_src));
	put_u64(o, "bandwidth_bytes_per_s", true, in->bps);
	icemig_json_str(o, "bandwidth_source", icemig_predict_src_name(in->bw_src));
	put_u64(o, "fixed_ms", true, in->fixed_ms);
	icemig_json_str(o, "fixed_source", icemig_predict_src_name(in->fixed_src));
	put_u64(o, "max_downtime_ms", res->has_max_downtime, res->max_downtime_ms);
	icemig_json_bool(o, "over_limit",
			 icemig_predict_check(p, res->has_max_downtime, res->max_downtime_ms,
					      false) != ICEMIG_PREDICT_GO);
	icemig_json_bool(o, "accepted", before && res->verdict == ICEMIG_PREDICT_OVER_ACCEPTED);
	return o;
}

static void put_error(struct json_object *o, const char *key, const struct icemig_prediction *p,
		      const struct icemig_mig_stats *s)
{
	long long pct;

	if (p && !p->tracked && s->has_downtime &&
	    icemig_predict_error_pct(p->stop_copy_ms, s->downtime_ms, &pct))
		icemig_json_int(o, key, pct);
	else
		json_object_object_add(o, key, NULL);
}

struct json_object *icemig_migrate_json(const char *domain, const char *dest,
					const struct icemig_mig_result *res)
{
	const struct icemig_mig_stats *s = &res->stats;
	struct json_object *o = json_object_new_object();
	const struct icemig_prediction *before = res->has_prediction ? &res->prediction : NULL;
	const struct icemig_prediction *pre = res->has_precopy ? &res->precopy : NULL;

	icemig_json_str(o, "domain", domain);
	icemig_json_str(o, "destination", dest);
	icemig_json_bool(o, "migrated", res->ok);
	icemig_json_int(o, "vfs", (long long)res->nvfs);
	icemig_json_int(o, "wall_time_ms", (long long)res->wall_ms);
	icemig_json_str(o, "stats_from", res->stats_from);
	put_u64(o, "total_time_ms", s->has_elapsed, s->elapsed_ms);
	put_u64(o, "downtime_ms", s->has_downtime, s->downtime_ms);
	put_u64(o, "data_bytes", s->has_processed, s->processed_bytes);
	put_u64(o, "device_state_bytes", s->has_vfio, s->vfio_bytes);
	put_u64(o, "memory_rate_bytes_per_s", s->has_bps, s->bps);
	json_object_object_add(o, "prediction", before ? prediction_json(before, res, true) : NULL);
	put_error(o, "prediction_error_percent", before, s);
	json_object_object_add(o, "precopy_prediction",
			       pre ? prediction_json(pre, res, false) : NULL);
	put_error(o, "precopy_prediction_error_percent", pre, s);
	return o;
}

/* ---- text summary --------------------------------------------------------------- */

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* a string member, "-" when absent or null */
static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);
	const char *str = v ? json_object_get_string(v) : NULL;

	return str ? str : "-";
}

static long long jint(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return v ? json_object_get_int64(v) : -1;
}

static void text_bytes(FILE *out, const char *label, struct json_object *doc, const char *key)
{
	long long v = jint(doc, key);

	if (v < 0)
		fprintf(out, "  %-18s -\n", label);
	else if (v >= 1024 * 1024)
		fprintf(out, "  %-18s %.1f MiB (%lld bytes)\n", label, (double)v / 1048576.0, v);
	else
		fprintf(out, "  %-18s %lld bytes\n", label, v);
}

static void text_ms(FILE *out, const char *label, struct json_object *doc, const char *key)
{
	long long v = jint(doc, key);

	if (v < 0)
		fprintf(out, "  %-18s -\n", label);
	else
		fprintf(out, "  %-18s %lld ms\n", label, v);
}

/* "260 ms before the start, error +44 %" */
static void text_prediction(FILE *out, const char *label, struct json_object *doc, const char *key,
			    const char *errkey, bool precopy)
{
	struct json_object *p = jget(doc, key), *e = jget(doc, errkey);
	char err[32] = "-";

	if (!p) {
		fprintf(out, "  %-18s -\n", label);
		return;
	}
	if (jget(p, "tracked") && json_object_get_boolean(jget(p, "tracked"))) {
		fprintf(out, "  %-18s tracked: QEMU honours downtime-limit\n", label);
		return;
	}
	if (e)
		snprintf(err, sizeof(err), "%+lld %%", (long long)json_object_get_int64(e));
	if (precopy)
		fprintf(out, "  %-18s %lld ms (%.0f MiB/s %s, %lld %% zero pages %s), error %s\n",
			label, jint(p, "stop_copy_ms"),
			(double)jint(p, "bandwidth_bytes_per_s") / 1048576.0,
			jstr(p, "bandwidth_source"), jint(p, "zero_pages_percent"),
			jstr(p, "zero_source"), err);
	else
		fprintf(out, "  %-18s %lld ms before the start, error %s\n", label,
			jint(p, "stop_copy_ms"), err);
}

void icemig_migrate_text(struct json_object *doc, FILE *out)
{
	fprintf(out, "migrated %s to %s\n", jstr(doc, "domain"), jstr(doc, "destination"));
	fprintf(out, "  %-18s %lld\n", "VFs:", jint(doc, "vfs"));
	text_ms(out, "total time:", doc, "total_time_ms");
	text_ms(out, "downtime:", doc, "downtime_ms");
	text_prediction(out, "predicted:", doc, "prediction", "prediction_error_percent", false);
	if (jget(doc, "precopy_prediction"))
		text_prediction(out, "re-predicted:", doc, "precopy_prediction",
				"precopy_prediction_error_percent", true);
	text_bytes(out, "data transferred:", doc, "data_bytes");
	text_bytes(out, "device state:", doc, "device_state_bytes");
	text_ms(out, "wall time:", doc, "wall_time_ms");
	fprintf(out, "  %-18s %s\n", "statistics from:", jstr(doc, "stats_from"));
}
