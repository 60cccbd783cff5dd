/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cryptodev" backend's tracepoint (DPDK rte_trace; registered in
 * qat_trace.c): cryptoeng.cryptodev.fallback, fast path, one event per
 * request the backend runs in software instead of on its device: device,
 * cookie, and why (enum ce_pmd_qat_fb_reason and its name, as in the
 * xstats "fb_<name>"). The fallback belongs to the backend, so its trace
 * does too; the engine only sees one backend.
 */
#ifndef QAT_TRACE_H
#define QAT_TRACE_H

#if defined(CE_TRACE_FP_ON) && !defined(RTE_ENABLE_TRACE_FP)
#error "lib/ce_trace_fp.h was forced in before rte_config.h: fast-path points would vanish"
#endif

#include <rte_trace_point.h>

#include "ce_pmd_qat.h"
#include "ce_trace.h"

/* The name is looked up only when the event is recorded (and, harmlessly,
 * at registration, where reason is garbage: the lookup is bounded). */
RTE_TRACE_POINT_FP(
	qat_pmd_trace_fallback,
	RTE_TRACE_POINT_ARGS(uint16_t dev, uint64_t cookie, uint8_t reason),
	const char *why = ce_pmd_qat_fb_reason_name(reason);

	rte_trace_point_emit_u16(dev);
	rte_trace_point_emit_u64(cookie);
	rte_trace_point_emit_u8(reason);
	rte_trace_point_emit_string(why);
)

CE_TRACE_FP_RECORD(qat_pmd_trace_fallback, (uint16_t dev, uint64_t cookie, uint8_t reason),
		   dev, cookie, reason)

#endif /* QAT_TRACE_H */
