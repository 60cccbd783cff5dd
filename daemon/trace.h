/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengd's tracepoints (DPDK rte_trace; registered in trace.c),
 * recorded with EAL's --trace=cryptoeng.* (README, "Tracing").
 *
 * Data path, fast path (RTE_TRACE_POINT_FP, compiled in by
 * lib/ce_trace_fp.h), on the worker's lcore:
 * - cryptoeng.worker.take: a descriptor copied out of a client's SQ
 *   (client, queue pair, cookie, op, len);
 * - cryptoeng.worker.dispatch: a run of requests handed straight to a
 *   synchronous backend (the direct path; the engine's own hand-over is
 *   cryptoeng.engine.dispatch): device, offered, taken;
 * - cryptoeng.worker.complete: a completion published to the client (every
 *   CQE: served, refused at intake, shut down, and the in-band notices
 *   whose cookies are CE_CQE_COOKIE_*), with its status.
 * The worker calls them with CE_TRACE_FP (ce_trace.h): the check inline,
 * the record out of line.
 * Control path (RTE_TRACE_POINT), on the control thread: clients,
 * sessions and queue pairs made and gone.
 */
#ifndef D_TRACE_H
#define D_TRACE_H

#if defined(CE_TRACE_FP_ON) && !defined(RTE_ENABLE_TRACE_FP)
#error "lib/ce_trace_fp.h was forced in before rte_config.h: fast-path points would vanish"
#endif

#include <rte_trace_point.h>

#include "ce_trace.h"
#include "cryptoengd.h"

RTE_TRACE_POINT_FP(
	d_trace_take,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t qp, uint64_t cookie, uint8_t op,
			     uint32_t len),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(qp);
	rte_trace_point_emit_u64(cookie);
	rte_trace_point_emit_u8(op);
	rte_trace_point_emit_u32(len);
)

RTE_TRACE_POINT_FP(
	d_trace_dispatch,
	RTE_TRACE_POINT_ARGS(uint16_t dev, uint16_t offered, uint16_t taken),
	rte_trace_point_emit_u16(dev);
	rte_trace_point_emit_u16(offered);
	rte_trace_point_emit_u16(taken);
)

RTE_TRACE_POINT_FP(
	d_trace_complete,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t qp, uint64_t cookie, int32_t status,
			     uint32_t out_len),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(qp);
	rte_trace_point_emit_u64(cookie);
	rte_trace_point_emit_i32(status);
	rte_trace_point_emit_u32(out_len);
)

/*
 * The recorders take the worker's own structures, so the fields are loaded
 * only when events are recorded, and the per-request points are checked
 * once per burst: take for the descriptors one SQ read gave, complete for
 * the CQEs one publish makes visible to the client (every CQE is published
 * there, in order). Off, a burst costs one load and branch for each.
 */
static __rte_unused __rte_noinline __rte_cold void
d_trace_take_record(const struct d_qp *qp, const union ce_sq_slot *slots, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ce_desc_esp *e = slots[i].pair.d;

		if (!(slots[i].desc.flags & CE_DESC_F_ESP)) {
			d_trace_take(qp->c->id, qp->id, slots[i].desc.cookie, slots[i].desc.op,
				     slots[i].desc.len);
			continue;
		}
		/* A pair of compact descriptors: the second half may be empty. */
		for (unsigned int k = 0; k < 2 && (k == 0 || e[k].op != 0); k++)
			d_trace_take(qp->c->id, qp->id, e[k].cookie, e[k].op, e[k].len);
	}
}

static __rte_unused __rte_noinline __rte_cold void
d_trace_dispatch_record(const struct ce_pmd_qp *pq, unsigned int offered, unsigned int taken)
{
	d_trace_dispatch(pq->dev->id, (uint16_t)offered, (uint16_t)taken);
}

static __rte_unused __rte_noinline __rte_cold void
d_trace_complete_record(const struct d_qp *qp)
{
	for (uint32_t i = 0; i < qp->cq_pending; i++)
		d_trace_complete(qp->c->id, qp->id, qp->cqe_stage[i].cookie, qp->cqe_stage[i].status,
				 qp->cqe_stage[i].out_len);
}

RTE_TRACE_POINT(
	d_trace_client_connect,
	RTE_TRACE_POINT_ARGS(uint32_t client, int32_t pid, uint32_t uid, const char *name),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_i32(pid);
	rte_trace_point_emit_u32(uid);
	rte_trace_point_emit_string(name);
)

RTE_TRACE_POINT(
	d_trace_client_close,
	RTE_TRACE_POINT_ARGS(uint32_t client, int32_t pid),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_i32(pid);
)

RTE_TRACE_POINT(
	d_trace_session_create,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t session, const char *alg,
			     const char *driver),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(session);
	rte_trace_point_emit_string(alg);
	rte_trace_point_emit_string(driver);
)

RTE_TRACE_POINT(
	d_trace_session_destroy,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t session),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(session);
)

RTE_TRACE_POINT(
	d_trace_qp_create,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t qp, uint32_t lcore, uint32_t credits),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(qp);
	rte_trace_point_emit_u32(lcore);
	rte_trace_point_emit_u32(credits);
)

RTE_TRACE_POINT(
	d_trace_qp_destroy,
	RTE_TRACE_POINT_ARGS(uint32_t client, uint32_t qp, uint64_t requests),
	rte_trace_point_emit_u32(client);
	rte_trace_point_emit_u32(qp);
	rte_trace_point_emit_u64(requests);
)

#endif /* D_TRACE_H */
