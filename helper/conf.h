/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the configuration file.
 *
 * Path: $ICEMIG_CONF, else /etc/icemig/icemig.conf. The default file may be
 * absent (then every setting has its default and no PF is configured); a
 * file named by ICEMIG_CONF must exist.
 *
 * Syntax (documented for users in icemig(8) and helper/icemig.conf):
 *   - UTF-8 text, at most ICEMIG_CONF_MAX bytes, lines end with '\n';
 *   - blank lines and lines whose first non-blank character is '#' or ';'
 *     are ignored;
 *   - "[global]" starts the global section (also in force before any
 *     section header); "[pf NAME]" starts the section of one PF, NAME being
 *     a PCI address DDDD:BB:DD.F or a network interface name;
 *   - "key = value" (blanks around '=' and at both ends are ignored; no
 *     quoting; a value runs to the end of the line).
 * Keys of [global]:
 *   driver      driver the configured VFs are bound to (default ice_vfio_pci)
 *   autoprobe   yes|no: let the kernel probe new VFs with their native
 *               driver when provisioning creates them (default no: they
 *               stay unbound until bound to `driver`, never iavf first)
 *   on_release  keep|restore|rebind: what `release end` does with each VF
 *               the domain held (default keep): keep = leave it as libvirt
 *               left it; restore = back to the driver it had before icemig
 *               bound it (remembered in the run directory); rebind = bind it
 *               to its PF's `driver` again, ready for the next migration
 *   force       yes|no: `provision` may change a PF that has a different,
 *               nonzero number of VFs (writes 0 first; default no)
 *   pending_seconds  how long a reservation made by the migrate begin hook
 *               waits for the domain's prepare begin before another domain
 *               may take the VF (1..86400; default 300; reserve.h)
 *   stale_seconds    the same for a held reservation of a domain libvirt
 *               does not run here (1..86400; default 600)
 * Keys of [pf NAME]:
 *   vfs         number of VFs to create, 1..sriov_totalvfs (required)
 *   driver, autoprobe   override the global values for this PF
 *   trust, spoofchk     on|off: set on every VF of the PF by `provision`
 *                       (rtnetlink IFLA_VF_TRUST / IFLA_VF_SPOOFCHK)
 * Booleans accept yes/no, on/off, true/false, 1/0.
 *
 * The [pf] sections are also the pool: when there is at least one, the
 * migrate begin hook takes VFs only from those PFs; without any, from every
 * PF that has a migration provider.
 */
#ifndef ICEMIG_CONF_H
#define ICEMIG_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "bdf.h"
#include "pci.h"
#include "util.h"

#define ICEMIG_CONF_DEFAULT "/etc/icemig/icemig.conf"
/* Largest configuration file accepted, bytes. */
#define ICEMIG_CONF_MAX (64u * 1024u)
/* Most [pf] sections accepted. */
#define ICEMIG_CONF_PFS_MAX 256

enum icemig_on_release {
	ICEMIG_RELEASE_KEEP,
	ICEMIG_RELEASE_RESTORE,
	ICEMIG_RELEASE_REBIND,
};

/* A boolean that may be left unset (then the global or built-in default holds). */
enum icemig_tristate {
	ICEMIG_UNSET = -1,
	ICEMIG_OFF = 0,
	ICEMIG_ON = 1,
};

struct icemig_conf_pf {
	char name[64]; /* as written after "pf": BDF or interface name */
	unsigned int line; /* line of the section header, for messages */
	unsigned long vfs;
	char driver[ICEMIG_DRIVER_MAX]; /* "" = the global driver */
	enum icemig_tristate autoprobe;
	enum icemig_tristate trust;
	enum icemig_tristate spoofchk;
};

struct icemig_conf {
	char path[4096];
	bool present; /* the file existed */
	char driver[ICEMIG_DRIVER_MAX];
	bool autoprobe;
	bool force;
	enum icemig_on_release on_release;
	unsigned long pending_seconds;
	unsigned long stale_seconds;
	struct icemig_conf_pf *pfs;
	size_t npfs;
};

/** icemig_conf_path() - $ICEMIG_CONF or ICEMIG_CONF_DEFAULT. */
const char *icemig_conf_path(void);

/** icemig_conf_defaults() - @c with every built-in default and no PF (no allocation). */
void icemig_conf_defaults(struct icemig_conf *c);

/**
 * icemig_conf_parse() - parse configuration text.
 * @c:    filled with defaults first, then the file's settings
 * @text: file content, @len bytes (NUL bytes are refused)
 * @path: file name used in messages
 *
 * Return: 0, or -EINVAL with "<path>: line N: <cause>" (unknown section or
 * key, bad value, duplicate PF, missing vfs, too many sections), -EFBIG when
 * @len > ICEMIG_CONF_MAX, -ENOMEM. Free @c with icemig_conf_free() in every case.
 */
int icemig_conf_parse(struct icemig_conf *c, const char *text, size_t len, const char *path,
		      struct icemig_err *err);

/**
 * icemig_conf_load() - read and parse icemig_conf_path().
 * Return: 0 (also when the default file is absent), -ENOENT when a file
 * named by ICEMIG_CONF is absent, the errors of icemig_conf_parse(), -errno
 * of open(2)/read(2).
 */
int icemig_conf_load(struct icemig_conf *c, struct icemig_err *err);

void icemig_conf_free(struct icemig_conf *c);

/** icemig_conf_pf_driver() - the driver for the VFs of @pf: its own, else the global one. */
const char *icemig_conf_pf_driver(const struct icemig_conf *c, const struct icemig_conf_pf *pf);

/** icemig_conf_pf_autoprobe() - the autoprobe setting for @pf. */
bool icemig_conf_pf_autoprobe(const struct icemig_conf *c, const struct icemig_conf_pf *pf);

/**
 * icemig_conf_find_pf() - the [pf] section naming the PF at @bdf (by address,
 * or by an interface name that resolves to it), or NULL.
 */
const struct icemig_conf_pf *icemig_conf_find_pf(const struct icemig_conf *c,
						 const struct icemig_bdf *bdf);

/** icemig_on_release_name() - "keep", "restore" or "rebind". */
const char *icemig_on_release_name(enum icemig_on_release r);

#endif /* ICEMIG_CONF_H */
