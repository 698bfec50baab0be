// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: the libvirt C API, loaded on demand. See lvapi.h. */
#include "lvapi.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct icemig_lv icemig_lv;

static int state; /* 0 not tried, 1 loaded, <0 -errno */
static char failure[512];

int icemig_libvirt_load(struct icemig_err *err)
{
	void *h, *sym;

	if (state == 0) {
		h = dlopen(ICEMIG_LIBVIRT_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			snprintf(failure, sizeof(failure), "%s: %s", ICEMIG_LIBVIRT_SONAME,
				 dlerror());
			state = -ENOENT;
		}
#define ICEMIG_LV_RESOLVE(f)                                                               \
	if (state == 0) {                                                                  \
		sym = dlsym(h, #f);                                                        \
		if (!sym) {                                                                \
			snprintf(failure, sizeof(failure), "%s: no %s (libvirt too old?)", \
				 ICEMIG_LIBVIRT_SONAME, #f);                               \
			state = -ENOSYS;                                                   \
		}                                                                          \
		memcpy(&icemig_lv.f, &sym, sizeof(sym));                                   \
	}
		ICEMIG_LV_FUNCS(ICEMIG_LV_RESOLVE)
#undef ICEMIG_LV_RESOLVE
		if (state == 0)
			state = 1;
	}
	if (state < 0)
		return icemig_err_set(err, -state, "%s", failure);
	return 0;
}
