/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: which PFs have a PF-side migration provider.
 *
 * Source: the ice_vfio_pci driver attribute
 *   <sysfs root>/bus/pci/drivers/ice_vfio_pci/providers
 * one line per PF with a registered provider: "<PF BDF> <provider name>\n",
 * e.g. "0000:01:00.0 ice_mig_sim". No lines: no provider. When the file is
 * absent (ice_vfio_pci not loaded), no PF has a provider.
 */
#ifndef ICEMIG_PROVIDER_H
#define ICEMIG_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "bdf.h"
#include "util.h"

#define ICEMIG_VARIANT_DRIVER "ice_vfio_pci"
#define ICEMIG_PROVIDER_NAME_MAX 64

struct icemig_provider {
	struct icemig_bdf pf;
	char name[ICEMIG_PROVIDER_NAME_MAX];
};

struct icemig_providers {
	bool present; /* the providers file exists */
	char path[4096];
	struct icemig_provider *v;
	size_t n;
};

/**
 * icemig_providers_load() - read the providers file into @p.
 * Return: 0 (also when the file is absent: @p->present false, @p->n 0), or
 * -EINVAL with "<path>: line N: ..." for a malformed line, -errno on read failure.
 * Free with icemig_providers_free() in every case.
 */
int icemig_providers_load(struct icemig_providers *p, struct icemig_err *err);

/** icemig_providers_find() - provider name of @pf, or NULL if it has none. */
const char *icemig_providers_find(const struct icemig_providers *p, const struct icemig_bdf *pf);

void icemig_providers_free(struct icemig_providers *p);

#endif /* ICEMIG_PROVIDER_H */
