/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path of the "cryptodev" backend: where each request runs (the
 * device, or software for a reason counted in the stats), building the
 * device's op over the client's buffers (zero copy), one enqueue burst per
 * batch, and reaping completions. Runs on the queue pair's lcore only: no
 * lock, no allocation, no syscall.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

/* Where a valid request runs: QAT_PMD_DEVICE or a fallback reason. */
static inline unsigned int
qat_pmd_classify(const struct qat_pmd_qp *q, const struct qat_pmd_sess *s,
		 const struct ce_pmd_request *req)
{
	const struct qat_pmd_alg_desc *desc = s->desc;
	bool oop = !s->hash && req->dst != req->src;
	uint32_t total = req->len;

	if (unlikely(s->cs == NULL))
		return CE_QAT_FB_SESSION;
	if (unlikely(q->down))
		return CE_QAT_FB_DOWN;
	if (unlikely(req->len == 0))
		return CE_QAT_FB_EMPTY;
	if (req->len < q->d->small)
		return CE_QAT_FB_SMALL;
	if (oop && (!q->d->oop_ok || qat_pmd_overlap(req)))
		return CE_QAT_FB_LAYOUT;
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		/* cryptodev fixes the AAD length per session. */
		if (req->aad_len != s->dev_aad)
			return CE_QAT_FB_AAD;
		if (oop && !q->d->oop_aead_ok)
			return CE_QAT_FB_LAYOUT;
		break;
	case QAT_PMD_CHAIN:
		/* The MAC covers aad || ciphertext: one buffer, in place. */
		if (req->aad_len != s->dev_aad)
			return CE_QAT_FB_AAD;
		if (oop || (req->aad_len != 0 && req->aad + req->aad_len != req->src))
			return CE_QAT_FB_LAYOUT;
		total += req->aad_len;
		break;
	case QAT_PMD_CIPHER:
		if (desc->ctr) {
			/* Devices (and ipsec-mb behind crypto_aesni_mb) count in the
			 * low 32 bits; the kernel carries through all 128. */
			uint32_t ctr = rte_be_to_cpu_32(*(const unaligned_uint32_t *)
							(req->iv + 12));
			uint64_t blocks = (req->len + 15u) / 16u;

			if ((uint64_t)ctr + blocks - 1 > UINT32_MAX)
				return CE_QAT_FB_CTR_WRAP;
		}
		break;
	default:
		break;
	}
	if (total > UINT16_MAX && (!(oop ? q->d->sgl_oop : q->d->sgl_in_place) ||
				   (desc->kind != QAT_PMD_AEAD && !q->d->sgl_non_aead)))
		return CE_QAT_FB_TOO_LONG;
	return QAT_PMD_DEVICE;
}

/* Chain mbufs over [addr, addr + len): one segment up to 65535 bytes, else
 * QAT_PMD_SEG_LEN pieces. @return false when a piece has no IOVA. */
static inline bool
qat_pmd_mbuf_chain(const struct qat_pmd_qp *q, struct rte_mbuf **mb, uint8_t *addr,
		   uint32_t len)
{
	uint32_t seg = len <= UINT16_MAX ? len : QAT_PMD_SEG_LEN;
	uint16_t n = 0;
	uint32_t off = 0;

	do {
		uint32_t l = RTE_MIN(seg, len - off);
		rte_iova_t iova = qat_pmd_iova(addr + off, l, q->va_mode);

		if (unlikely(iova == RTE_BAD_IOVA))
			return false;
		qat_pmd_mbuf_point(mb[n], addr + off, iova, (uint16_t)l);
		if (n != 0)
			mb[n - 1]->next = mb[n];
		n++;
		off += l;
	} while (off < len);
	mb[0]->nb_segs = n;
	mb[0]->pkt_len = len;
	return true;
}

/* Fill a slot's op for req. @return QAT_PMD_DEVICE, or CE_QAT_FB_IOVA. */
static inline unsigned int
qat_pmd_build(struct qat_pmd_qp *q, const struct qat_pmd_sess *s, struct ce_pmd_request *req,
	      struct qat_pmd_slot *slot)
{
	struct rte_crypto_op *op = slot->op;
	struct qat_pmd_op_priv *p = rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
							      QAT_PMD_PRIV_OFF);
	struct rte_crypto_sym_op *sym = op->sym;
	const struct qat_pmd_alg_desc *desc = s->desc;
	bool oop = !s->hash && req->dst != req->src;
	rte_iova_t dig = 0;

	op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	rte_crypto_op_attach_sym_session(op, s->cs);
	if (desc->kind == QAT_PMD_CHAIN) {
		if (!qat_pmd_mbuf_chain(q, slot->mb, req->src - req->aad_len,
					req->len + req->aad_len))
			return CE_QAT_FB_IOVA;
	} else if (!qat_pmd_mbuf_chain(q, slot->mb, req->src, req->len)) {
		return CE_QAT_FB_IOVA;
	}
	sym->m_src = slot->mb[0];
	sym->m_dst = NULL;
	if (oop) {
		if (!qat_pmd_mbuf_chain(q, slot->mb + QAT_PMD_SEGS, req->dst, req->len))
			return CE_QAT_FB_IOVA;
		sym->m_dst = slot->mb[QAT_PMD_SEGS];
	}
	if (req->sess->digest_len != 0) {
		dig = qat_pmd_iova(req->digest, req->sess->digest_len, q->va_mode);
		if (unlikely(dig == RTE_BAD_IOVA))
			return CE_QAT_FB_IOVA;
	}
	if (s->iv_copy != 0) {
		memcpy(p->iv, s->salt, desc->salt);
		memcpy(p->iv + desc->salt, req->iv, s->iv_copy);
	}
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		sym->aead.data.offset = 0;
		sym->aead.data.length = req->len;
		sym->aead.digest.data = req->digest;
		sym->aead.digest.phys_addr = dig;
		if (req->aad_len != 0) {
			/* Our copy: the device may read up to the next 16 multiple. */
			uint32_t padded = RTE_ALIGN_CEIL(req->aad_len, 16u);

			memcpy(p->aad, req->aad, req->aad_len);
			memset(p->aad + req->aad_len, 0, padded - req->aad_len);
		}
		sym->aead.aad.data = p->aad;
		sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, QAT_PMD_AAD_OFF);
		break;
	case QAT_PMD_CIPHER:
		sym->cipher.data.offset = 0;
		sym->cipher.data.length = req->len;
		/* Unused, but crypto_aesni_mb reads them for an out-of-place op
		 * (to copy the authenticated-only head): a stale value from this
		 * op's previous use made it copy garbage lengths. */
		sym->auth.data.offset = 0;
		sym->auth.data.length = 0;
		sym->auth.digest.data = NULL;
		sym->auth.digest.phys_addr = 0;
		break;
	case QAT_PMD_AUTH:
		sym->auth.data.offset = 0;
		sym->auth.data.length = req->len;
		sym->auth.digest.data = req->digest;
		sym->auth.digest.phys_addr = dig;
		break;
	case QAT_PMD_CHAIN:
		sym->cipher.data.offset = req->aad_len;
		sym->cipher.data.length = req->len;
		sym->auth.data.offset = 0;
		sym->auth.data.length = req->len + req->aad_len;
		sym->auth.digest.data = req->digest;
		sym->auth.digest.phys_addr = dig;
		break;
	default:
		break;
	}
	slot->req = req;
	return QAT_PMD_DEVICE;
}


static inline int
qat_pmd_check(const struct ce_pmd_request *req)
{
	const struct ce_pmd_session *sess = req->active;

	if (unlikely(sess == NULL || !qat_pmd_is_ours(sess->dev->drv)))
		return -EINVAL;
	if (((const struct qat_pmd_sess *)sess->priv)->asym != NULL)
		return qat_asym_check(req);
	return ce_pmd_request_check(req, sess);
}

uint16_t
qat_pmd_do_batch(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb)
{
	struct qat_pmd_qp *q = qp->priv;
	struct rte_crypto_op *ops[QAT_PMD_MAX_BATCH];
	uint16_t at[QAT_PMD_MAX_BATCH];
	uint8_t where[QAT_PMD_MAX_BATCH];
	uint32_t slot_of[QAT_PMD_MAX_BATCH];
	uint16_t i, nops = 0, lim, k, taken;
	uint32_t aslot[QAT_PMD_MAX_BATCH];
	uint64_t now;

	if (unlikely(q->nb_defer != 0 && !qat_pmd_defer_flush(q)))
		return 0;
	nb = RTE_MIN(nb, (uint16_t)QAT_PMD_MAX_BATCH);
	/* Pass 1: decide, and build the device's ops. */
	for (i = 0; i < nb; i++) {
		struct ce_pmd_request *req = reqs[i];
		const struct qat_pmd_sess *s;
		unsigned int w;
		uint32_t si;

		if (unlikely(qat_pmd_check(req) < 0)) {
			where[i] = UINT8_MAX;
			continue;
		}
		s = req->active->priv;
		if (s->asym != NULL) {
			/* One enqueue each in pass 2: the exponentiation costs far
			 * more than a doorbell. Its slot is taken here (a finalize
			 * in pass 2 may submit again). */
			w = qat_asym_classify(q, req);
			if (w == QAT_PMD_DEVICE) {
				if (q->nb_afree == 0)
					break;
				aslot[i] = q->afree[--q->nb_afree];
				w = QAT_ASYM_DEVICE;
			}
			where[i] = (uint8_t)w;
			continue;
		}
		w = qat_pmd_classify(q, s, req);
		if (w == QAT_PMD_DEVICE) {
			si = qat_pmd_slot_get(q);
			if (si == UINT32_MAX)
				break; /* the device's share is full: end the batch here */
			w = qat_pmd_build(q, s, req, &q->slots[si]);
			if (w == QAT_PMD_DEVICE) {
				ops[nops] = q->slots[si].op;
				slot_of[nops] = si;
				at[nops++] = i;
			} else {
				qat_pmd_slot_put(q, si);
			}
		}
		where[i] = (uint8_t)w;
	}
	lim = i;
	/* One doorbell for the whole batch. */
	k = nops != 0 ? qat_pmd_enqueue(q, ops, nops) : 0;
	taken = k == nops ? lim : at[k];
	if (unlikely(k < nops && qat_pmd_refused(q, k))) {
		/* Not full: the device rejected op k itself. That request goes to
		 * software; the batch ends after it. */
		where[at[k]] = CE_QAT_FB_DEV_ERROR;
		taken = at[k] + 1;
		QAT_STAT_ADD(q, dev_errors, 1);
	}
	now = rte_rdtsc();
	for (uint16_t j = 0; j < k; j++) {
		struct qat_pmd_slot *slot = &q->slots[slot_of[j]];

		slot->state = QAT_SLOT_BUSY;
		slot->t_submit = now;
	}
	q->nb_busy += k;
	for (uint16_t j = nops; j-- > k;)
		qat_pmd_slot_put(q, slot_of[j]);
	/* Asymmetric slots taken for requests past the taken prefix go back. */
	for (i = taken; i < lim; i++)
		if (where[i] == QAT_ASYM_DEVICE)
			qat_pmd_slot_put(q, aslot[i]);
	/* Pass 2: the rest of the taken prefix. */
	for (i = 0; i < taken; i++) {
		if (where[i] == QAT_PMD_DEVICE)
			continue;
		if (where[i] == UINT8_MAX)
			qat_pmd_complete(q, reqs[i], -EINVAL);
		else if (where[i] == QAT_ASYM_DEVICE)
			qat_asym_run(q, reqs[i], aslot[i]);
		else
			qat_pmd_sw_taken(q, reqs[i], where[i]);
	}
	return taken;
}

int
qat_pmd_do_one(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct qat_pmd_qp *q = qp->priv;
	const struct qat_pmd_sess *s;
	struct qat_pmd_slot *slot;
	unsigned int w;
	uint32_t si;
	int ret;

	ret = qat_pmd_check(req);
	if (unlikely(ret < 0))
		return ret;
	if (unlikely(q->nb_defer != 0 && !qat_pmd_defer_flush(q)))
		return -ENOSPC;
	s = req->active->priv;
	if (s->asym != NULL) {
		w = qat_asym_classify(q, req);
		if (w != QAT_PMD_DEVICE)
			return qat_pmd_sw_start(q, req, w);
		if (q->nb_afree == 0)
			return -ENOSPC;
		qat_asym_run(q, req, q->afree[--q->nb_afree]);
		return -EINPROGRESS;
	}
	w = qat_pmd_classify(q, s, req);
	if (w != QAT_PMD_DEVICE)
		return qat_pmd_sw_start(q, req, w);
	si = qat_pmd_slot_get(q);
	if (si == UINT32_MAX)
		return -ENOSPC;
	slot = &q->slots[si];
	w = qat_pmd_build(q, s, req, slot);
	if (unlikely(w != QAT_PMD_DEVICE)) {
		qat_pmd_slot_put(q, si);
		return qat_pmd_sw_start(q, req, w);
	}
	if (qat_pmd_enqueue(q, &slot->op, 1) == 0) {
		qat_pmd_slot_put(q, si);
		if (unlikely(qat_pmd_refused(q, 0))) {
			QAT_STAT_ADD(q, dev_errors, 1);
			return qat_pmd_sw_start(q, req, CE_QAT_FB_DEV_ERROR);
		}
		return -ENOSPC;
	}
	slot->state = QAT_SLOT_BUSY;
	slot->t_submit = rte_rdtsc();
	q->nb_busy++;
	return -EINPROGRESS;
}

static inline void
qat_pmd_finish(struct qat_pmd_qp *q, struct rte_crypto_op *op, uint64_t *now)
{
	bool asym = op->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC;
	uint32_t si = asym ? rte_crypto_op_ctod_offset(op, struct qat_asym_op_priv *,
						       QAT_ASYM_PRIV_OFF)->slot & ~QAT_ASYM_SLOT_BIT :
			     rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
						       QAT_PMD_PRIV_OFF)->slot;
	struct qat_pmd_slot *slot;
	struct ce_pmd_request *req;
	uint8_t state;
	int status;

	if (unlikely(si == QAT_PMD_PROBE_SLOT)) {
		if (*now == 0)
			*now = rte_rdtsc();
		qat_pmd_probe_done(q, op, *now);
		return;
	}
	slot = &q->slots[si];
	state = slot->state;
	req = slot->req;
	qat_pmd_slot_put(q, si);
	if (unlikely(state != QAT_SLOT_BUSY)) {
		/* Abandoned at a failover: its request already completed. */
		q->nb_abandoned--;
		QAT_STAT_ADD(q, late, 1);
		return;
	}
	q->nb_busy--;
	if (unlikely(asym)) {
		qat_asym_complete(q, req, op, now);
		return;
	}
	switch (op->status) {
	case RTE_CRYPTO_OP_STATUS_SUCCESS:
		q->err_run = 0;
		status = 0;
		break;
	case RTE_CRYPTO_OP_STATUS_AUTH_FAILED: {
		const struct qat_pmd_sess *s = req->active->priv;

		q->err_run = 0;
		QAT_STAT_ADD(q, auth_failed, 1);
		/* The device wrote the plaintext before the tag was known. */
		if (s->wipe && req->len != 0)
			memset(req->dst, 0, req->len);
		status = -EBADMSG;
		break;
	}
	default:
		qat_pmd_dev_error(q, req, now);
		return;
	}
	qat_pmd_complete(q, req, status);
}


uint16_t
qat_pmd_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct qat_pmd_qp *q = qp->priv;
	struct rte_crypto_op *ops[QAT_PMD_MAX_BATCH];
	uint64_t done = q->nb_completed, now = 0;
	uint16_t n, nd;

	if (unlikely(q->nb_defer != 0))
		qat_pmd_defer_flush(q);
	if (q->nb_busy != 0 || q->nb_abandoned != 0 || q->probe_pending || q->nb_stash != 0) {
		nd = qat_pmd_dequeue(q, ops, RTE_MIN(max, (uint16_t)QAT_PMD_MAX_BATCH));
		QAT_STAT_ADD(q, deq_ops, nd);
		for (uint16_t i = 0; i < nd; i++)
			qat_pmd_finish(q, ops[i], &now);
		/* Asymmetric slots out (busy or abandoned) on a cryptodev of their own. */
		if (unlikely(q->acdev_id != q->cdev_id && q->nb_afree != q->nb_aslots)) {
			nd = qat_pmd_dequeue_from(q, q->acdev_id, ops,
						  RTE_MIN(max, (uint16_t)QAT_PMD_MAX_BATCH));
			QAT_STAT_ADD(q, deq_ops, nd);
			for (uint16_t i = 0; i < nd; i++)
				qat_pmd_finish(q, ops[i], &now);
		}
	}
	if (q->nb_busy != 0 || q->down) {
		if (now == 0)
			now = rte_rdtsc();
		qat_pmd_health_check(q, now);
	}
	/* Finalized, not dequeued: late completions and probes are not requests,
	 * a request re-run in software is finalized by the software poll below. */
	n = (uint16_t)(q->nb_completed - done);
	if (q->swqp != NULL && n < max)
		n += q->swqp->dev->drv->fast->poll(q->swqp, max - n);
	if (q->aswqp != NULL && n < max)
		n += q->aswqp->dev->drv->fast->poll(q->aswqp, max - n);
	return n;
}

/* Engine stop past its deadline: give back everything with status. */
uint16_t
qat_pmd_cancel(struct ce_pmd_qp *qp, int status)
{
	struct qat_pmd_qp *q = qp->priv;
	uint16_t n = 0;

	for (uint32_t i = 0; i < q->nslots_all; i++) {
		struct qat_pmd_slot *slot = &q->slots[i];

		if (slot->state != QAT_SLOT_BUSY)
			continue;
		slot->state = QAT_SLOT_ABANDONED;
		q->nb_busy--;
		q->nb_abandoned++;
		qat_pmd_complete(q, slot->req, status);
		slot->req = NULL;
		n++;
	}
	for (uint32_t i = 0; i < q->nb_defer; i++, n++)
		qat_pmd_complete(q, q->defer[i].req, status);
	q->nb_defer = 0;
	if (q->swqp != NULL && q->swqp->dev->drv->fast->cancel != NULL)
		n += q->swqp->dev->drv->fast->cancel(q->swqp, status);
	if (q->aswqp != NULL && q->aswqp->dev->drv->fast->cancel != NULL)
		n += q->aswqp->dev->drv->fast->cancel(q->aswqp, status);
	return n;
}
