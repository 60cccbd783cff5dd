/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiles the fast-path tracepoints (RTE_TRACE_POINT_FP) in: ours
 * (cryptoeng.worker.*, cryptoeng.engine.*, cryptoeng.cryptodev.*) and
 * DPDK's inline ones in the same files (lib.mempool.*, lib.cryptodev.*).
 *
 * Debian's DPDK is built without enable_trace_fp: its rte_build_config.h
 * says `#undef RTE_ENABLE_TRACE_FP`, and pkg-config forces that header in
 * first (`-include rte_config.h`), so a -DRTE_ENABLE_TRACE_FP on the
 * command line is undone before any source line. Meson passes this file as
 * a second `-include` (the target's c_args come after its dependencies'
 * flags), so the definition lands after DPDK's #undef and before every
 * #include. Disabled points cost a load and a branch each (measured:
 * bench/results/2026-12-02/trace-cost.md); `-Dtrace_fp=false` removes
 * them at compile time, as DPDK's own build does.
 */
#ifndef CE_TRACE_FP_H
#define CE_TRACE_FP_H

#ifndef RTE_ENABLE_TRACE_FP
#define RTE_ENABLE_TRACE_FP 1
#endif
/* Tracepoints emit only under the experimental API (rte_trace_point.h). */
#ifndef ALLOW_EXPERIMENTAL_API
#define ALLOW_EXPERIMENTAL_API 1
#endif
/* The trace headers check this: forced in after rte_config.h, as it must be. */
#define CE_TRACE_FP_ON 1

#endif /* CE_TRACE_FP_H */
