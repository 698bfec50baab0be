/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the VF reservation pool (destination side of a migration).
 *
 * Run directory: $ICEMIG_RUNDIR, or "/run/icemig" when unset or empty; it
 * must be an absolute path. Layout:
 *   <rundir>/lock              flock(2) LOCK_EX held while the pool is changed
 *   <rundir>/reserved/<BDF>    one file per reserved VF; content: the libvirt
 *                              domain name and "\n", then "pending\n" while
 *                              the reservation is pending (below)
 * A reservation file appears atomically (written under a temporary name,
 * then rename(2)). Readers that only look (vf list) need no lock.
 *
 *   <rundir>/drivers/<BDF>     the driver a VF had before icemig first bound
 *                              it elsewhere: "driver=<name>\noverride=<name>\n"
 *                              (empty name: none); written by every bind
 *                              (vf bind, provision, the prepare hook), read
 *                              by `vf unbind --restore` and release end with
 *                              on_release = restore, removed once restored
 *
 * A reservation made by the migrate begin hook is *pending* until the
 * prepare begin hook of the same domain confirms it (libvirt runs that one
 * when it starts the destination QEMU, after the migrate begin hooks, any
 * later qemu.d hooks, the pre-creation of disks for a copy-storage migration
 * and the wait for the domain's job). When the migration fails in between
 * (another hook in qemu.d fails after icemig's: libvirt runs every script,
 * then aborts, and calls no further hook), nobody releases it; so a pending
 * reservation lapses after the pending lapse: 300 s by default (long enough
 * for those slow steps), pending_seconds in the configuration (conf.h), or
 * $ICEMIG_PENDING_SECONDS. A reservation is refreshed (its file rewritten)
 * whenever its domain claims it again.
 *
 * Stale reservations (Contract 4: a hook that crashed, or a migration that
 * failed after the migrate begin hook but before QEMU started, so that no
 * "release end" ever comes) are reclaimed by the next migrate begin or
 * prepare begin that wants the VF: a reservation is stale when libvirt has
 * no status file for its domain, i.e. no $ICEMIG_LIBVIRT_STATEDIR/<domain>.xml
 * (default /run/libvirt/qemu, where the system qemu driver keeps the status
 * XML of every running domain), and its file is older than the pending
 * lapse if it is pending, the stale lapse (600 s, stale_seconds,
 * $ICEMIG_STALE_SECONDS) if it is held. A lapsed pending reservation that is
 * reclaimed leaves a note, <rundir>/lapsed/<BDF> ("<domain>\n<seconds>\n<new
 * domain>\n"), so that the domain's prepare begin, should it still come,
 * names the lapse instead of a bare conflict.
 */
#ifndef ICEMIG_RESERVE_H
#define ICEMIG_RESERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "bdf.h"
#include "util.h"

/* Longest domain name stored (libvirt names are far shorter in practice). */
#define ICEMIG_DOMAIN_MAX 1024

/* Second line of a pending reservation file. */
#define ICEMIG_PENDING_MARK "pending"
#define ICEMIG_PENDING_SECONDS_DEFAULT 300UL
#define ICEMIG_STALE_SECONDS_DEFAULT 600UL
/* Largest lapse accepted, seconds (one day). */
#define ICEMIG_LAPSE_MAX 86400UL

struct icemig_pool {
	int lockfd; /* -1 when not held */
	char rundir[2048];
};

/** icemig_rundir() - $ICEMIG_RUNDIR or "/run/icemig". */
const char *icemig_rundir(void);

/** icemig_libvirt_statedir() - $ICEMIG_LIBVIRT_STATEDIR or "/run/libvirt/qemu". */
const char *icemig_libvirt_statedir(void);

/**
 * icemig_domain_name_valid() - 1..1023 bytes, no control characters (so the
 * name fits on one line of a reservation file).
 */
bool icemig_domain_name_valid(const char *name);

/**
 * icemig_pool_lock() - create the run directory layout if needed and take the lock.
 * Blocks until the lock is free. Nested calls in one process only count
 * (each needs its icemig_pool_unlock()); the lock is dropped by the last.
 * Return: 0 or -errno (message names the path).
 */
int icemig_pool_lock(struct icemig_pool *p, struct icemig_err *err);

/** icemig_pool_unlock() - drop the lock (safe to call when not held). */
void icemig_pool_unlock(struct icemig_pool *p);

/**
 * icemig_pool_owner() - the domain holding a reservation on @vf.
 * @owner: receives the domain name ("" if the file is empty or unreadable text)
 * Return: 0 when reserved, -ENOENT when free, other -errno.
 */
int icemig_pool_owner(const struct icemig_bdf *vf, char *owner, size_t size,
		      struct icemig_err *err);

/**
 * icemig_pool_reserve() - reserve @vf for @domain; the lock must be held.
 * A pending reservation @domain holds is confirmed (made held); one it
 * holds already is refreshed (the file rewritten, so its age starts again).
 * @created: set to true if a new reservation was made, false if @domain
 *	already held it (may be NULL)
 * Return: 0, -EBUSY when another domain holds it, -errno.
 */
int icemig_pool_reserve(struct icemig_pool *p, const struct icemig_bdf *vf, const char *domain,
			bool *created, struct icemig_err *err);

/**
 * icemig_pool_reserve_pending() - the same, for the migrate begin hook: a new
 * reservation is pending (see above); one @domain already holds keeps its
 * state (pending or held) and is refreshed.
 */
int icemig_pool_reserve_pending(struct icemig_pool *p, const struct icemig_bdf *vf,
				const char *domain, bool *created, struct icemig_err *err);

/** icemig_pool_pending() - whether @vf's reservation is pending (false: held or none). */
bool icemig_pool_pending(const struct icemig_bdf *vf);

/** icemig_pool_release() - drop the reservation of @vf (no error if free); lock held. */
int icemig_pool_release(struct icemig_pool *p, const struct icemig_bdf *vf, struct icemig_err *err);

/**
 * icemig_pool_release_domain() - drop every reservation held by @domain; lock held.
 * @count: number of reservations removed (may be NULL)
 * @released: malloc'ed array of the VFs released (may be NULL; free() it);
 *	its length is *@count
 * Return: 0 or -errno. A missing run directory means nothing is reserved.
 */
int icemig_pool_release_domain(struct icemig_pool *p, const char *domain, unsigned int *count,
			       struct icemig_bdf **released, struct icemig_err *err);

/**
 * icemig_pool_stale() - whether the reservation of @vf held by @owner is stale
 * (see above). @now: current time (time(NULL)); a reservation that cannot be
 * examined is not stale.
 */
bool icemig_pool_stale(const struct icemig_bdf *vf, const char *owner, time_t now);

/**
 * icemig_pool_set_lapses() - the pending and stale lapses in seconds, from the
 * configuration (0: keep the default). $ICEMIG_PENDING_SECONDS and
 * $ICEMIG_STALE_SECONDS override them.
 */
void icemig_pool_set_lapses(unsigned long pending_s, unsigned long stale_s);

/** icemig_pool_pending_lapse() - the pending lapse in force, seconds. */
unsigned long icemig_pool_pending_lapse(void);

/** icemig_pool_stale_lapse() - the stale lapse in force, seconds. */
unsigned long icemig_pool_stale_lapse(void);

/**
 * icemig_pool_reclaim() - remove the stale reservation of @vf held by
 * @owner for domain @by; lock held. A pending one leaves a lapse note (above).
 * Return: 0 or -errno.
 */
int icemig_pool_reclaim(struct icemig_pool *p, const struct icemig_bdf *vf, const char *owner,
			const char *by, struct icemig_err *err);

/**
 * icemig_pool_lapsed() - whether a pending reservation of @vf for @domain
 * lapsed and was reclaimed: 0 with *@after (its lapse, seconds) and @by (the
 * domain that reclaimed it), -ENOENT otherwise.
 */
int icemig_pool_lapsed(const struct icemig_bdf *vf, const char *domain, unsigned long *after,
		       char *by, size_t size);

/** icemig_pool_lapsed_forget() - remove the lapse note of @vf (no error if none). */
void icemig_pool_lapsed_forget(const struct icemig_bdf *vf);

/**
 * icemig_memo_save() - remember the driver and driver_override @vf had.
 * @driver, @override: names, "" for none
 * @replace: overwrite an existing memory; false keeps the oldest one (the
 *	driver before the first of several binds)
 * @created: set to whether the file was written (may be NULL)
 * Return: 0 or -errno (message names the file). Atomic (temporary file +
 * rename), and written before a bind's first sysfs write (vf.h).
 */
int icemig_memo_save(const struct icemig_bdf *vf, const char *driver, const char *override,
		     bool replace, bool *created, struct icemig_err *err);

/**
 * icemig_memo_load() - the remembered driver and driver_override of @vf.
 * @driver, @override: ICEMIG_DRIVER_MAX bytes each, "" for none
 * Return: 0, -ENOENT when nothing is remembered, -EINVAL for a damaged file.
 */
int icemig_memo_load(const struct icemig_bdf *vf, char *driver, char *override,
		     struct icemig_err *err);

/** icemig_memo_forget() - remove the memory of @vf (no error if there is none). */
int icemig_memo_forget(const struct icemig_bdf *vf, struct icemig_err *err);

#endif /* ICEMIG_RESERVE_H */
