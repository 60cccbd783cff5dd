/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software path of the "cryptodev" backend (the kernel's NEED_FALLBACK,
 * per request): a request the device cannot run goes to the session's
 * software session on our private software device, which runs it on the
 * queue pair paired with ours and finalizes through qat_pmd_sw_finalize,
 * so the engine sees one backend. This is the reroute of ce_pmd.h's backend
 * contract: req->active points at the software session while it runs there.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"
#include "qat_trace.h"

/* Software path: the software session runs it on our software queue pair,
 * whose completions qat_pmd_sw_finalize forwards to ours. */
int
qat_pmd_sw_start(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason)
{
	const struct qat_pmd_sess *s = req->active->priv;
	struct ce_pmd_qp *swqp = likely(s->asym == NULL) ? q->swqp : q->aswqp;
	int ret;

	if (unlikely(s->sw == NULL || swqp == NULL)) {
		/* ecb(cipher_null) has no software backend: it is a copy
		 * (crypto_null cannot work out of place). */
		if (s->desc->kind == QAT_PMD_CIPHER && s->desc->cipher == RTE_CRYPTO_CIPHER_NULL) {
			if (req->dst != req->src && req->len != 0)
				memmove(req->dst, req->src, req->len);
			QAT_STAT_ADD(q, fb[reason], 1);
			CE_TRACE_FP(qat_pmd_trace_fallback, q->qp->dev->id, req->cookie, (uint8_t)reason);
			qat_pmd_complete(q, req, 0);
			return -EINPROGRESS;
		}
		return -ENOTSUP;
	}
	ret = ce_pmd_forward(q->qp, swqp, s->sw, req);
	if (unlikely(ret != -EINPROGRESS))
		return ret;
	QAT_STAT_ADD(q, fb[reason], 1);
	CE_TRACE_FP(qat_pmd_trace_fallback, q->qp->dev->id, req->cookie, (uint8_t)reason);
	return ret;
}

void
qat_pmd_sw_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	ce_pmd_forward_complete(ctx, req, status);
}

/* A request we took but cannot start in software now (software queue full):
 * kept and started from poll. Bounded: see defer_cap. */
static void
qat_pmd_defer(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason)
{
	q->defer[q->nb_defer].req = req;
	q->defer[q->nb_defer].reason = (uint8_t)reason;
	q->nb_defer++;
}

/* Start a taken request in software; a refusal is deferred, an error completes it. */
void
qat_pmd_sw_taken(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason)
{
	int ret = qat_pmd_sw_start(q, req, reason);

	if (likely(ret == -EINPROGRESS))
		return;
	if (ret == -ENOSPC)
		qat_pmd_defer(q, req, reason);
	else
		qat_pmd_complete(q, req, ret);
}

/* @return true when nothing is left deferred. */
bool
qat_pmd_defer_flush(struct qat_pmd_qp *q)
{
	uint32_t i = 0;

	while (i < q->nb_defer) {
		struct ce_pmd_request *req = q->defer[i].req;
		int ret = qat_pmd_sw_start(q, req, q->defer[i].reason);

		if (ret == -ENOSPC)
			break;
		if (ret != -EINPROGRESS)
			qat_pmd_complete(q, req, ret);
		i++;
	}
	if (i != 0) {
		memmove(q->defer, q->defer + i, (q->nb_defer - i) * sizeof(q->defer[0]));
		q->nb_defer -= i;
	}
	return q->nb_defer == 0;
}
