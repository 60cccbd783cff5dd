/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health of a "cryptodev" queue pair: error statuses beyond fail_threshold
 * or an operation older than timeout_ms mark it down; what it held is failed
 * over (re-run in software when the input is intact, else -EIO, decided in
 * one place: qat_pmd_fail_request); a known-answer probe every probe_ms
 * brings it back. Per queue pair, on its own lcore.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

static const uint8_t qat_pmd_probe_ct[QAT_PMD_PROBE_LEN] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
	0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
};
static const uint8_t qat_pmd_probe_tag[16] = {
	0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
	0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
};

/* The probe session: AES-128-GCM with a zero key (GCM spec test case 2) when
 * the device has it, else the NULL cipher (the status alone then). */
int
qat_pmd_probe_session(struct qat_pmd_dev *d)
{
	static const uint8_t zero_key[16];
	struct rte_cryptodev_sym_capability_idx idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AEAD, .algo.aead = RTE_CRYPTO_AEAD_AES_GCM,
	};
	const struct rte_cryptodev_symmetric_capability *cap;
	struct rte_crypto_sym_xform x;

	memset(&x, 0, sizeof(x));
	cap = rte_cryptodev_sym_capability_get(d->cdev_id, &idx);
	if (cap != NULL && rte_cryptodev_sym_capability_check_aead(cap, 16, 16, 0, 12) == 0) {
		x.type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x.aead.op = RTE_CRYPTO_AEAD_OP_ENCRYPT;
		x.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		x.aead.key.data = zero_key;
		x.aead.key.length = 16;
		x.aead.iv.offset = QAT_PMD_IV_OFF;
		x.aead.iv.length = 12;
		x.aead.digest_length = 16;
		d->probe_gcm = true;
	} else {
		x.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		x.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
		x.cipher.algo = RTE_CRYPTO_CIPHER_NULL;
		x.cipher.iv.offset = QAT_PMD_IV_OFF;
	}
	d->probe_sess = rte_cryptodev_sym_session_create(d->cdev_id, &x, d->sess_pool);
	if (d->probe_sess == NULL) {
		fprintf(stderr, "cryptodev: %s: no probe session (neither AES-GCM nor NULL): "
			"a queue pair marked down will stay down\n", d->cdev_name);
		return -ENOTSUP;
	}
	return 0;
}

/* Whether the device cannot have damaged the request's input. */
static inline bool
qat_pmd_input_intact(const struct ce_pmd_request *req)
{
	const struct qat_pmd_sess *s = req->sess->priv;

	/* Asymmetric: the device worked on our copy in the slot's buffer. */
	return s->hash || s->asym != NULL || (req->dst != req->src && !qat_pmd_overlap(req));
}

/*
 * A request the device failed (an error status, or in flight when the queue
 * pair went down): it re-runs in software, once, when the device cannot have
 * damaged its input (out of place, or a hash) and the session has a software
 * side; else it completes with -EIO.
 */
void
qat_pmd_fail_request(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason)
{
	const struct qat_pmd_sess *s = req->active->priv;

	if (s->sw != NULL && qat_pmd_input_intact(req)) {
		qat_pmd_sw_taken(q, req, reason);
		return;
	}
	if (reason == CE_QAT_FB_FAILOVER)
		QAT_STAT_ADD(q, failover_eio, 1);
	qat_pmd_complete(q, req, -EIO);
}

/*
 * The device failed: every operation in flight is abandoned (a completion that
 * still comes is dropped) and its request failed over (qat_pmd_fail_request).
 * New requests go to software until a probe passes.
 */
static void
qat_pmd_go_down(struct qat_pmd_qp *q, uint64_t now)
{
	q->down = true;
	q->err_run = 0;
	q->next_probe = now + q->probe_cyc;
	QAT_STAT_ADD(q, down_events, 1);
	for (uint32_t i = 0; i < q->nslots_all && q->nb_busy != 0; i++) {
		struct qat_pmd_slot *slot = &q->slots[i];
		struct ce_pmd_request *req;

		if (slot->state != QAT_SLOT_BUSY)
			continue;
		slot->state = QAT_SLOT_ABANDONED;
		q->nb_busy--;
		q->nb_abandoned++;
		req = slot->req;
		slot->req = NULL;
		qat_pmd_fail_request(q, req, CE_QAT_FB_FAILOVER);
	}
}

/* A completion with an error status (not a tag mismatch): count it towards
 * fail_threshold, then fail the request over. */
void
qat_pmd_dev_error(struct qat_pmd_qp *q, struct ce_pmd_request *req, uint64_t *now)
{
	QAT_STAT_ADD(q, dev_errors, 1);
	if (++q->err_run > q->d->fail_threshold && !q->down) {
		if (*now == 0)
			*now = rte_rdtsc();
		qat_pmd_go_down(q, *now);
	}
	qat_pmd_fail_request(q, req, CE_QAT_FB_DEV_ERROR);
}

static void
qat_pmd_probe_send(struct qat_pmd_qp *q, uint64_t now)
{
	struct rte_crypto_op *op = q->probe_op;
	struct qat_pmd_op_priv *p = rte_crypto_op_ctod_offset(op, struct qat_pmd_op_priv *,
							      QAT_PMD_PRIV_OFF);
	uint8_t *buf = q->probe_buf;

	q->next_probe = now + q->probe_cyc;
	if (q->d->probe_sess == NULL)
		return;
	memset(buf, 0, 64);
	memset(p->iv, 0, sizeof(p->iv));
	op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	rte_crypto_op_attach_sym_session(op, q->d->probe_sess);
	qat_pmd_mbuf_point(q->probe_mb, buf, q->probe_iova, QAT_PMD_PROBE_LEN);
	op->sym->m_src = q->probe_mb;
	op->sym->m_dst = NULL;
	if (q->d->probe_gcm) {
		op->sym->aead.data.offset = 0;
		op->sym->aead.data.length = QAT_PMD_PROBE_LEN;
		op->sym->aead.digest.data = buf + 32;
		op->sym->aead.digest.phys_addr = q->probe_iova + 32;
		op->sym->aead.aad.data = p->aad;
		op->sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, QAT_PMD_AAD_OFF);
	} else {
		op->sym->cipher.data.offset = 0;
		op->sym->cipher.data.length = QAT_PMD_PROBE_LEN;
	}
	if (qat_pmd_enqueue(q, &op, 1) == 1) {
		q->probe_pending = true;
		QAT_STAT_ADD(q, probes, 1);
	}
}

void
qat_pmd_probe_done(struct qat_pmd_qp *q, const struct rte_crypto_op *op, uint64_t now)
{
	bool ok = op->status == RTE_CRYPTO_OP_STATUS_SUCCESS;

	q->probe_pending = false;
	if (ok && q->d->probe_gcm)
		ok = memcmp(q->probe_buf, qat_pmd_probe_ct, QAT_PMD_PROBE_LEN) == 0 &&
		     memcmp(q->probe_buf + 32, qat_pmd_probe_tag, 16) == 0;
	if (!ok || !q->down) {
		q->next_probe = now + q->probe_cyc;
		return;
	}
	q->down = false;
	q->err_run = 0;
	QAT_STAT_ADD(q, up_events, 1);
}

/* An operation older than timeout_ms: the device stopped completing. */
static void
qat_pmd_check_timeouts(struct qat_pmd_qp *q, uint64_t now)
{
	q->next_check = now + q->check_cyc;
	for (uint32_t i = 0; i < q->nslots_all; i++) {
		const struct qat_pmd_slot *slot = &q->slots[i];

		if (slot->state == QAT_SLOT_BUSY && now - slot->t_submit > q->timeout_cyc) {
			qat_pmd_go_down(q, now);
			return;
		}
	}
}

/* From poll, when the queue pair holds operations or is down: timeouts and probes. */
void
qat_pmd_health_check(struct qat_pmd_qp *q, uint64_t now)
{
	if (q->nb_busy != 0 && now >= q->next_check)
		qat_pmd_check_timeouts(q, now);
	if (q->down && !q->probe_pending && now >= q->next_probe)
		qat_pmd_probe_send(q, now);
}
