/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fake sysfs for the icemig helper's unit tests, in the manner of libvirt's
 * virpcimock: a real directory tree in a temporary directory (pointed to by
 * ICEMIG_SYSFS_ROOT) plus a sysfs write backend (sysfs.h) that reacts to
 * writes the way the kernel does:
 *   devices/<PF>/sriov_numvfs   creates/removes VF directories and virtfnK
 *                               links (-EBUSY for nonzero -> other nonzero,
 *                               -ERANGE above sriov_totalvfs); new VFs are
 *                               auto-probed to the PF's VF driver when
 *                               sriov_drivers_autoprobe is 1 (the default)
 *   devices/<PF>/sriov_drivers_autoprobe  0 or 1
 *   devices/<VF>/icemig_compat  appears while the VF is bound to
 *                               ice_vfio_pci, with the descriptor set by
 *                               fakesys_set_compat() (VF, else its PF)
 * VF K of a PF at routing ID R is at R + 0x80 + K (offset 0x80, stride 1):
 * VF 0..7 of 0000:01:00.0 are 0000:01:10.0..0000:01:10.7.
 *   devices/<D>/driver_override stores the name, "\n" clears it ("(null)")
 *   drivers/<X>/unbind          removes the driver link (-ENODEV if not on X)
 *   drivers/<X>/bind            binds (-EBUSY if bound, -ENODEV if the
 *                               override names another driver or X refuses)
 *   drivers_probe               binds to the override, else to the device's
 *                               native driver; a refusing driver leaves the
 *                               device unbound and the write still succeeds
 * Every write is logged ("<path below the root>=<value>") for assertions.
 * With check_lock set, every write also checks that the writer holds the
 * pool lock (<rundir>/lock, reserve.h): a flock(LOCK_EX|LOCK_NB) on a new
 * descriptor of it must fail; a write made without it is counted.
 * Test-only state lives in files named .fake_* that icemig never reads.
 */
#ifndef ICEMIG_FAKESYS_H
#define ICEMIG_FAKESYS_H

#include <stdbool.h>
#include <stddef.h>

#define FAKESYS_LOG_MAX 128
#define FAKESYS_RULES_MAX 16

struct fakesys {
	char base[256]; /* temporary directory */
	char root[512]; /* <base>/sys  (ICEMIG_SYSFS_ROOT) */
	char rundir[512]; /* <base>/run  (ICEMIG_RUNDIR) */
	char statedir[512]; /* <base>/libvirt-qemu (ICEMIG_LIBVIRT_STATEDIR) */
	unsigned int next_group;
	unsigned int next_ifindex;
	size_t nlog;
	char log[FAKESYS_LOG_MAX][160];
	size_t nrefuse;
	struct {
		char driver[64];
		char bdf[16]; /* "*" for every device */
	} refuse[FAKESYS_RULES_MAX];
	/*
	 * Crash simulation: the write number kill_at (0 = the first after
	 * fakesys_clear_log()) ends the process with _exit(137), as SIGKILL
	 * would, before it reaches the kernel, or right after it when kill_after
	 * is set. -1: never.
	 */
	int kill_at;
	bool kill_after;
	bool check_lock; /* record writes made without the pool lock (below) */
	unsigned int unlocked_writes;
	char unlocked_first[160]; /* "<path below the root>=<value>" of the first */
	size_t nfail;
	struct {
		char rel[160];
		char value[64]; /* "" matches any value */
		int err; /* positive errno returned */
	} fail[FAKESYS_RULES_MAX];
};

/*
 * Create the tree, set ICEMIG_SYSFS_ROOT, ICEMIG_RUNDIR,
 * ICEMIG_LIBVIRT_STATEDIR and ICEMIG_CONF (an empty file), install the backend.
 */
void fakesys_setup(struct fakesys *fs);
/* Remove the tree and restore the default backend. */
void fakesys_teardown(struct fakesys *fs);

void fakesys_add_driver(struct fakesys *fs, const char *driver);
/* A PCI device; @driver may be NULL (unbound); it is also its native driver. */
void fakesys_add_dev(struct fakesys *fs, const char *bdf, const char *driver);
/* An SR-IOV PF with @total VFs possible; VFs are auto-probed to @vf_driver (may be NULL). */
void fakesys_add_pf(struct fakesys *fs, const char *bdf, unsigned int total, const char *driver,
		    const char *vf_driver);
/* class/net/<ifname> (device link, ifindex) and devices/<bdf>/net/<ifname>. */
void fakesys_add_netdev(struct fakesys *fs, const char *ifname, const char *bdf);
/*
 * Descriptor text a device shows in icemig_compat while bound to
 * ice_vfio_pci; set on a PF it applies to every VF without its own; NULL
 * removes it.
 */
void fakesys_set_compat(struct fakesys *fs, const char *bdf, const char *text);
/*
 * A descriptor text (icemig_compat.h) for an E810 VF (8086:1889) of
 * @provider offering @max_qps queue pairs and using @used_qps; static buffer.
 */
const char *fakesys_compat_text(const char *provider, unsigned int max_qps, unsigned int used_qps);
/* The device's modalias attribute, e.g. "pci:v00008086d00001889sv...". */
void fakesys_set_modalias(struct fakesys *fs, const char *bdf, const char *modalias);
/*
 * A modules.alias file (<base>/modules.alias) with @lines, and
 * ICEMIG_MODULES_ALIAS pointing at it.
 */
void fakesys_set_modules_alias(struct fakesys *fs, const char *lines);
/* Whether <root>/@rel exists (lstat). */
bool fakesys_exists(struct fakesys *fs, const char *rel);
/* Content of <root>/@rel without the trailing newline, NULL if absent; static buffer. */
const char *fakesys_read(struct fakesys *fs, const char *rel);
/* Content of drivers/ice_vfio_pci/providers; NULL removes the file. */
void fakesys_set_providers(struct fakesys *fs, const char *content);

/* The driver @driver refuses to probe @bdf ("*": every device). */
void fakesys_refuse(struct fakesys *fs, const char *driver, const char *bdf);
/* Writes of @value ("" any) to <root>/@rel fail with -@err and change nothing. */
void fakesys_fail_write(struct fakesys *fs, const char *rel, const char *value, int err);

/* Current driver of @bdf ("" if unbound); static buffer. */
const char *fakesys_driver(struct fakesys *fs, const char *bdf);
/* Current driver_override file content without newline; static buffer. */
const char *fakesys_override(struct fakesys *fs, const char *bdf);
/* Write driver_override directly (no backend, no log). */
void fakesys_put_override(struct fakesys *fs, const char *bdf, const char *value);
/* Bind/unbind directly (no backend, no log); @driver NULL unbinds. */
void fakesys_put_driver(struct fakesys *fs, const char *bdf, const char *driver);
unsigned int fakesys_numvfs(struct fakesys *fs, const char *pf);
/* BDF of VF @k of @pf; static buffer. */
const char *fakesys_vf(struct fakesys *fs, const char *pf, unsigned int k);

/* Reservation helpers (files under <rundir>/reserved). */
void fakesys_reserve(struct fakesys *fs, const char *bdf, const char *domain);
/* A pending one, as the migrate begin hook makes them. */
void fakesys_reserve_pending(struct fakesys *fs, const char *bdf, const char *domain);
/* Owner of a reservation, NULL if none; static buffer. */
const char *fakesys_reserved_by(struct fakesys *fs, const char *bdf);
/* Whether the reservation of @bdf is pending (false if held or none). */
bool fakesys_reservation_pending(struct fakesys *fs, const char *bdf);
unsigned int fakesys_nreserved(struct fakesys *fs);
/* Make the reservation of @bdf @seconds old (mtime). */
void fakesys_age_reservation(struct fakesys *fs, const char *bdf, unsigned int seconds);
/* libvirt's status file of a running domain (<statedir>/<domain>.xml). */
void fakesys_domain_running(struct fakesys *fs, const char *domain);
/* The same, with a <domstatus> around a <domain> holding @devices (XML text). */
void fakesys_domain_status(struct fakesys *fs, const char *domain, const char *devices);

void fakesys_clear_log(struct fakesys *fs);
/* The write log joined with '\n' (each entry ends with '\n'); static buffer. */
const char *fakesys_log(struct fakesys *fs);

/* Read a whole file into a malloc'ed NUL-terminated string; NULL on error. */
char *fakesys_slurp(const char *path, size_t *len);

#endif /* ICEMIG_FAKESYS_H */
