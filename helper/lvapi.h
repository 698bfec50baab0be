/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * icemig helper: the libvirt C API, loaded on demand.
 *
 * libvirt.so.0 brings about 60 shared libraries whose initialisers cost
 * ~15 ms at every program start; the libvirt hook runs the program for
 * every domain event and never needs libvirt (a hook must not call it).
 * So icemig does not link libvirt: `icemig migrate` loads it with dlopen(3)
 * and calls it through this table. Each entry has the exact type of the
 * libvirt function it stands for (__typeof__ of the declaration in
 * <libvirt/libvirt.h>), so the compiler checks every call as if it were
 * linked.
 */
#ifndef ICEMIG_LVAPI_H
#define ICEMIG_LVAPI_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util.h"

#define ICEMIG_LIBVIRT_SONAME "libvirt.so.0"

#define ICEMIG_LV_FUNCS(X)                  \
	X(virConnectOpen)                   \
	X(virConnectOpenReadOnly)           \
	X(virConnectClose)                  \
	X(virConnectGetLibVersion)          \
	X(virConnectGetVersion)             \
	X(virGetVersion)                    \
	X(virDomainLookupByName)            \
	X(virDomainLookupByUUIDString)      \
	X(virDomainLookupByUUID)            \
	X(virDomainIsActive)                \
	X(virDomainGetInfo)                 \
	X(virDomainGetXMLDesc)              \
	X(virDomainGetUUID)                 \
	X(virDomainSetMetadata)             \
	X(virDomainMigrateSetMaxDowntime)   \
	X(virDomainMigrateGetMaxDowntime)   \
	X(virDomainMigrateToURI3)           \
	X(virDomainGetJobStats)             \
	X(virDomainAbortJob)                \
	X(virDomainFree)                    \
	X(virTypedParamsGetULLong)          \
	X(virTypedParamsGetInt)             \
	X(virTypedParamsAddInt)             \
	X(virTypedParamsAddULLong)          \
	X(virTypedParamsAddString)          \
	X(virTypedParamsFree)               \
	X(virGetLastErrorMessage)           \
	X(virSetErrorFunc)                  \
	X(virEventRegisterDefaultImpl)      \
	X(virEventRunDefaultImpl)           \
	X(virEventAddTimeout)               \
	X(virEventRemoveTimeout)            \
	X(virConnectDomainEventRegisterAny) \
	X(virConnectDomainEventDeregisterAny)

struct icemig_lv {
#define ICEMIG_LV_MEMBER(f) __typeof__(f) *f;
	ICEMIG_LV_FUNCS(ICEMIG_LV_MEMBER)
#undef ICEMIG_LV_MEMBER
};

/* Valid after a successful icemig_libvirt_load(). */
extern struct icemig_lv icemig_lv;

/**
 * icemig_libvirt_load() - dlopen libvirt.so.0 and resolve the table (once;
 * later calls return the first result).
 * Return: 0, or -ENOENT "libvirt.so.0: <dlerror>" (package libvirt0 missing)
 * or -ENOSYS naming a missing function (libvirt too old).
 */
int icemig_libvirt_load(struct icemig_err *err);

#endif /* ICEMIG_LVAPI_H */
