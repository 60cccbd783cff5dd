/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The engine's tracepoints (DPDK rte_trace), recorded with EAL's
 * `--trace=cryptoeng.engine.*` (or `cryptoeng.*`), read with babeltrace.
 * Fast path (RTE_TRACE_POINT_FP, compiled in by lib/ce_trace_fp.h):
 * - cryptoeng.engine.dispatch: a run of requests handed to a backend in one
 *   call (one doorbell): how many were offered, how many it took;
 * - cryptoeng.engine.retry: the backend refused (device full), the pump
 *   waits backoff_ns before it tries again;
 * - cryptoeng.engine.refused: a producer's requests the queue did not take
 *   (status -EBUSY: full, no MAY_BACKLOG; -ENOBUFS: backlog full too;
 *   -ESHUTDOWN: not running);
 * - cryptoeng.engine.backlogged: a MAY_BACKLOG request went to the backlog.
 * Control path (RTE_TRACE_POINT): cryptoeng.engine.start, .stop.
 * Registered in engine_trace.c. Fields are named after the arguments.
 * The data path calls the fast-path ones with CE_TRACE_FP (ce_trace.h).
 */
#ifndef CE_ENGINE_TRACE_H
#define CE_ENGINE_TRACE_H

#if defined(CE_TRACE_FP_ON) && !defined(RTE_ENABLE_TRACE_FP)
#error "lib/ce_trace_fp.h was forced in before rte_config.h: fast-path points would vanish"
#endif

#include <rte_trace_point.h>

#include "ce_trace.h"

#ifdef __cplusplus
extern "C" {
#endif

RTE_TRACE_POINT(
	ce_engine_trace_start,
	RTE_TRACE_POINT_ARGS(const char *name, uint32_t lcore, uint16_t nb_qps,
			     uint16_t batch_size, uint8_t retry_support),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u16(nb_qps);
	rte_trace_point_emit_u16(batch_size);
	rte_trace_point_emit_u8(retry_support);
)

RTE_TRACE_POINT(
	ce_engine_trace_stop,
	RTE_TRACE_POINT_ARGS(uint32_t lcore, int32_t result),
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_i32(result);
)

RTE_TRACE_POINT_FP(
	ce_engine_trace_dispatch,
	RTE_TRACE_POINT_ARGS(uint32_t lcore, uint16_t dev, uint16_t offered, uint16_t taken),
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u16(dev);
	rte_trace_point_emit_u16(offered);
	rte_trace_point_emit_u16(taken);
)

RTE_TRACE_POINT_FP(
	ce_engine_trace_retry,
	RTE_TRACE_POINT_ARGS(uint32_t lcore, uint16_t dev, uint64_t backoff_ns),
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u16(dev);
	rte_trace_point_emit_u64(backoff_ns);
)

RTE_TRACE_POINT_FP(
	ce_engine_trace_refused,
	RTE_TRACE_POINT_ARGS(uint32_t lcore, uint32_t nb, int32_t status),
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u32(nb);
	rte_trace_point_emit_i32(status);
)

RTE_TRACE_POINT_FP(
	ce_engine_trace_backlogged,
	RTE_TRACE_POINT_ARGS(uint32_t lcore, uint64_t cookie),
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u64(cookie);
)

CE_TRACE_FP_RECORD(ce_engine_trace_dispatch,
		   (uint32_t lcore, uint16_t dev, uint16_t offered, uint16_t taken),
		   lcore, dev, offered, taken)
CE_TRACE_FP_RECORD(ce_engine_trace_retry, (uint32_t lcore, uint16_t dev, uint64_t backoff_ns),
		   lcore, dev, backoff_ns)
CE_TRACE_FP_RECORD(ce_engine_trace_refused, (uint32_t lcore, uint32_t nb, int32_t status),
		   lcore, nb, status)
CE_TRACE_FP_RECORD(ce_engine_trace_backlogged, (uint32_t lcore, uint64_t cookie), lcore, cookie)

#ifdef __cplusplus
}
#endif

#endif /* CE_ENGINE_TRACE_H */
