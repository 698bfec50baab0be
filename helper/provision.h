/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: `icemig provision`, what icemig-provision.service runs at
 * boot: for every [pf NAME] section of the configuration (conf.h), in file
 * order, create `vfs` VFs (icemig_vf_create(), sriov_drivers_autoprobe off
 * unless autoprobe = yes, an existing different count changed only with
 * force = yes), bind every VF to the PF's `driver` (icemig_vf_bind(), with
 * rollback) and apply trust/spoofchk when set (vfset.h). Idempotent: a PF
 * already in that state is not written to. No [pf] section: nothing to do
 * (success; the shipped sample configures no PF).
 */
#ifndef ICEMIG_PROVISION_H
#define ICEMIG_PROVISION_H

#include <json-c/json.h>

#include "conf.h"
#include "util.h"

/**
 * icemig_provision() - provision every configured PF.
 * @conf:   the configuration
 * @wait_s: seconds to wait for a configured PF that is not there yet (its
 *	driver has not probed it, its interface is not named yet; 0: none):
 *	at boot this replaces waiting for all of udev (systemd-udev-settle is
 *	deprecated) with waiting for exactly the PFs named
 * @report: new document {"config": path, "pfs": [{"name", "pf", "vfs": [BDF...],
 *	"created": bool, "driver", "bound": N, "already_bound": N,
 *	"trust": bool|null, "spoofchk": bool|null}]}, also on failure (the PFs
 *	done so far); may be NULL
 *
 * Stops at the first PF that fails. Return: 0, or the -errno of the step
 * that failed, with "[pf NAME]: <cause>".
 */
int icemig_provision(const struct icemig_conf *conf, unsigned long wait_s,
		     struct json_object **report, struct icemig_err *err);

#endif /* ICEMIG_PROVISION_H */
