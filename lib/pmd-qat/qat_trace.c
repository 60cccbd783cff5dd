/* SPDX-License-Identifier: BSD-3-Clause */
/* Registration of the "cryptodev" backend's tracepoint (qat_trace.h). */
#include <rte_trace_point_register.h>

#include "qat_trace.h"

RTE_TRACE_POINT_REGISTER(qat_pmd_trace_fallback, cryptoeng.cryptodev.fallback)
