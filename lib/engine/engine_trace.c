/* SPDX-License-Identifier: BSD-3-Clause */
/* Registration of the engine's tracepoints (ce_engine_trace.h): names and fields. */
#include <rte_trace_point_register.h>

#include "ce_engine_trace.h"

RTE_TRACE_POINT_REGISTER(ce_engine_trace_start, cryptoeng.engine.start)
RTE_TRACE_POINT_REGISTER(ce_engine_trace_stop, cryptoeng.engine.stop)
RTE_TRACE_POINT_REGISTER(ce_engine_trace_dispatch, cryptoeng.engine.dispatch)
RTE_TRACE_POINT_REGISTER(ce_engine_trace_retry, cryptoeng.engine.retry)
RTE_TRACE_POINT_REGISTER(ce_engine_trace_refused, cryptoeng.engine.refused)
RTE_TRACE_POINT_REGISTER(ce_engine_trace_backlogged, cryptoeng.engine.backlogged)
