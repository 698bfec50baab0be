// SPDX-License-Identifier: GPL-2.0
/* ice_mig_glue's own copy of the ice translation (ice_mig_sim links
 * ice_mig_xlate.o; one object may not belong to two modules).
 */
#include "ice_mig_xlate.c"
