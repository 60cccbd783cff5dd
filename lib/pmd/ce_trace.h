/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The project's way of calling a fast-path tracepoint (DPDK rte_trace),
 * shared by the tiers' trace headers (lib/engine/ce_engine_trace.h,
 * lib/pmd-qat/qat_trace.h, daemon/trace.h).
 *
 * A point is defined with RTE_TRACE_POINT_FP(tp, ...) and given an
 * out-of-line recorder with CE_TRACE_FP_RECORD(tp, (args), names...); the
 * data path calls CE_TRACE_FP(tp, names...): the enable check inline, the
 * record in a cold function. DPDK's point inlines the record as well, and
 * its call to the trace buffer allocator made worker_post_cqe save six
 * registers and load the event's fields before the check: 17 instructions
 * per completion while tracing was off (callgrind,
 * bench/results/2026-12-02/trace-cost.md). Without RTE_ENABLE_TRACE_FP
 * (-Dtrace_fp=false) CE_TRACE_FP compiles to nothing.
 */
#ifndef CE_TRACE_H
#define CE_TRACE_H

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_trace_point.h>

#if defined(RTE_ENABLE_TRACE_FP) && defined(ALLOW_EXPERIMENTAL_API)
/* The flag bit RTE_TRACE_POINT_FP's own header tests (rte_trace_point.h). */
#define CE_TRACE_FP(tp, ...) do { \
	if (unlikely(__atomic_load_n(&__##tp, __ATOMIC_RELAXED) & __RTE_TRACE_FIELD_ENABLE_MASK)) \
		tp##_record(__VA_ARGS__); \
} while (0)
#else
#define CE_TRACE_FP(tp, ...) do { \
	if (0) \
		tp##_record(__VA_ARGS__); \
} while (0)
#endif

/* tp##_record(args): the point tp, out of line and cold. */
#define CE_TRACE_FP_RECORD(tp, args, ...) \
static __rte_unused __rte_noinline __rte_cold void \
tp##_record args \
{ \
	tp(__VA_ARGS__); \
}

#endif /* CE_TRACE_H */
