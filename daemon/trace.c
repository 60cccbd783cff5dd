/* SPDX-License-Identifier: BSD-3-Clause */
/* Registration of cryptoengd's tracepoints (trace.h): names and fields. */
#include <rte_trace_point_register.h>

#include "trace.h"

RTE_TRACE_POINT_REGISTER(d_trace_take, cryptoeng.worker.take)
RTE_TRACE_POINT_REGISTER(d_trace_dispatch, cryptoeng.worker.dispatch)
RTE_TRACE_POINT_REGISTER(d_trace_complete, cryptoeng.worker.complete)
RTE_TRACE_POINT_REGISTER(d_trace_client_connect, cryptoeng.cp.client_connect)
RTE_TRACE_POINT_REGISTER(d_trace_client_close, cryptoeng.cp.client_close)
RTE_TRACE_POINT_REGISTER(d_trace_session_create, cryptoeng.cp.session_create)
RTE_TRACE_POINT_REGISTER(d_trace_session_destroy, cryptoeng.cp.session_destroy)
RTE_TRACE_POINT_REGISTER(d_trace_qp_create, cryptoeng.cp.qp_create)
RTE_TRACE_POINT_REGISTER(d_trace_qp_destroy, cryptoeng.cp.qp_destroy)
