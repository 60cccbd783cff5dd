/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "ipsecmb": the intel-ipsec-mb software backend.
 *
 * do_one_request / do_batch_requests run direct-API requests at once and
 * submit job-API ones to the queue pair's multi-buffer manager; finished
 * requests go to the queue pair's completion ring, and poll() finalizes
 * them, so the engine accounts for it like any other device.
 *
 * Interfaces used, fastest first for each algorithm (measured: the figures
 * and the commands that give them are in
 * bench/results/2026-12-01/code-comment-figures.md; they move from machine
 * to machine, the ranking has held):
 * - GCM: ipsec-mb's direct API, one call per request (ipsecmb_direct.c),
 *   well ahead of the job API.
 * - CBC, CTR, SHA, HMAC, authenc: the multi-buffer job API. A request that
 *   takes one job (CBC, SHA, HMAC, authenc without the bounce buffer) copies
 *   its session's job template; do_batch_requests takes such jobs with
 *   IMB_GET_NEXT_BURST and submits runs of them with IMB_SUBMIT_BURST_NOCHECK,
 *   which saves the per-job call and check.
 * - ChaCha20-Poly1305: the job API (faster than init/update/finalize at most
 *   sizes), except for a whole number of KiB, where 1.3's direct update is a
 *   little faster, and empty data.
 *
 * Jobs are not flushed per call: a flush runs the SHA lanes (16 on AVX-512)
 * part empty, a large cost at 64 B (same figures file). They stay in the
 * manager across calls and come back as later submissions fill the lanes. The manager is flushed
 * when input stops (a poll with no submission since the previous poll: the
 * engine polls, then pumps, every turn), when a call refuses requests for
 * lack of room (the caller is going to wait for completions), by cancel,
 * and for the single bounce buffer. So nothing is held for longer than two
 * polls without new input.
 *
 * Per-request scratch (full MAC, CTR second IV, ESP nonce) outlives the call
 * that submitted the request: it is a ring indexed by a free-running counter,
 * taken in submission order. The manager returns jobs in submission order,
 * so the requests it holds use the newest `held` entries; a request is not
 * started while IPSECMB_SCRATCH are held (the manager is flushed first).
 *
 * Sizes that are ours, not the kernel's:
 * - gcm(aes): IV 1..128 bytes (12 takes the one-shot path), AAD 0..65535.
 *   Tags 4, 8, 12..16: a ce_pmd_range cannot say that, so the caps entry says
 *   4..16 and session_create refuses 5, 6, 7, 9, 10, 11 with -EINVAL.
 * - rfc4106(gcm(aes)) and rfc7539esp(chacha20,poly1305): the AAD is the ESP
 *   header only (8 bytes, 12 with ESN), the 8-byte IV is separate; other AAD
 *   lengths fail the request with -EINVAL.
 * - rfc7539esp: tag 16 only (the kernel's chachapoly_setauthsize also takes
 *   only 16).
 * - authenc(hmac(shaN),cbc(aes)): the kernel's key blob (rtattr, enckeylen,
 *   HMAC key of any length, AES key: ce_pmd_authenc_key_parse). AAD 0..512.
 *   The ICV may be truncated to 4..digest size bytes.
 * - hmac(shaN): any key length 0..CE_KEY_MAX (longer than a block: hashed first);
 *   the MAC may be truncated to 4..digest size bytes.
 * - Data: at most 65536 bytes per request (65535 for the job-API algorithms:
 *   CBC, CTR, hashes, HMAC, authenc).
 */
#include <errno.h>
#include <stdio.h>

#include <intel-ipsec-mb.h>
#include <sodium.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "ce_pmd.h"
#include "ipsecmb_priv.h"
#include "sw_ipsecmb.h"
#include "sw_keymem.h"

static IMB_ARCH ipsecmb_arch_used = IMB_ARCH_NONE;

const char *
ce_ipsecmb_arch(void)
{
	switch (ipsecmb_arch_used) {
	case IMB_ARCH_AVX512:
		return "AVX512";
	case IMB_ARCH_AVX2:
		return "AVX2";
	case IMB_ARCH_AVX:
		return "AVX";
	case IMB_ARCH_SSE:
		return "SSE";
	case IMB_ARCH_NOAESNI:
		return "NOAESNI";
	default:
		return "none";
	}
}

/* ---- control path ---- */

static IMB_MGR *
ipsecmb_mgr_new(IMB_ARCH *arch)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, arch);
	if (imb_get_errno(mgr) != 0 || *arch == IMB_ARCH_NONE || *arch == IMB_ARCH_NOAESNI) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

static int
ipsecmb_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct ipsecmb_dev *d = dev->priv;

	if (cfg->args != NULL && cfg->args[0] != '\0') {
		fprintf(stderr, "ipsecmb: %s: takes no arguments\n", dev->name);
		return -EINVAL;
	}
	if (sodium_init() < 0)
		return -EIO;
	d->mgr = ipsecmb_mgr_new(&d->arch);
	if (d->mgr == NULL) {
		fprintf(stderr, "ipsecmb: %s: no usable intel-ipsec-mb code path (AES-NI needed)\n",
			dev->name);
		return -ENOTSUP;
	}
	ipsecmb_arch_used = d->arch;
	return 0;
}

static void
ipsecmb_dev_close(struct ce_pmd_dev *dev)
{
	struct ipsecmb_dev *d = dev->priv;

	free_mb_mgr(d->mgr);
	d->mgr = NULL;
}

static void
ipsecmb_qp_release(struct ce_pmd_qp *qp)
{
	struct ipsecmb_qp *q = qp->priv;

	if (q->mgr != NULL)
		free_mb_mgr(q->mgr);
	if (q->ctx != NULL)
		ce_keymem_free(q->ctx, sizeof(*q->ctx));
	if (q->bounce != NULL) {
		sodium_memzero(q->bounce, IPSECMB_AUTHENC_AAD_MAX + IPSECMB_MAX_DATA);
		rte_free(q->bounce);
	}
	sodium_memzero(q->sc, sizeof(q->sc));
	q->mgr = NULL;
	q->ctx = NULL;
	q->bounce = NULL;
}

static int
ipsecmb_qp_setup(struct ce_pmd_qp *qp)
{
	const struct ipsecmb_dev *d = qp->dev->priv;
	struct ipsecmb_qp *q = qp->priv;
	IMB_ARCH arch;
	IMB_MGR *m;

	q->mgr = ipsecmb_mgr_new(&arch);
	if (q->mgr == NULL)
		return -ENOMEM;
	/* gcm_key_data's layout depends on the code path: keep them all alike. */
	if (arch != d->arch)
		goto err;
	q->ctx = ce_keymem_alloc(sizeof(*q->ctx));
	if (q->ctx == NULL)
		goto err;
	q->bounce = rte_zmalloc_socket("ipsecmb_bounce",
				       IPSECMB_AUTHENC_AAD_MAX + IPSECMB_MAX_DATA,
				       RTE_CACHE_LINE_SIZE, qp->dev->socket_id);
	if (q->bounce == NULL)
		goto err;
	m = q->mgr;
	q->gcm[0] = (struct ipsecmb_gcm_fns){ m->gcm128_enc, m->gcm128_dec,
		m->gcm128_init_var_iv, m->gcm128_enc_update, m->gcm128_dec_update,
		m->gcm128_enc_finalize, m->gcm128_dec_finalize };
	q->gcm[1] = (struct ipsecmb_gcm_fns){ m->gcm192_enc, m->gcm192_dec,
		m->gcm192_init_var_iv, m->gcm192_enc_update, m->gcm192_dec_update,
		m->gcm192_enc_finalize, m->gcm192_dec_finalize };
	q->gcm[2] = (struct ipsecmb_gcm_fns){ m->gcm256_enc, m->gcm256_dec,
		m->gcm256_init_var_iv, m->gcm256_enc_update, m->gcm256_dec_update,
		m->gcm256_enc_finalize, m->gcm256_dec_finalize };
	sw_done_ring_init(&q->done);
	q->sc_seq = q->held = 0;
	q->fed = false;
	return 0;

err:
	ipsecmb_qp_release(qp);
	return -ENOMEM;
}

static const struct ce_pmd_ops ipsecmb_ops = {
	.dev_configure = ipsecmb_dev_configure,
	.dev_close = ipsecmb_dev_close,
	.qp_setup = ipsecmb_qp_setup,
	.qp_release = ipsecmb_qp_release,
	.session_create = ipsecmb_session_create,
	.session_destroy = ipsecmb_session_destroy,
};

static const struct ce_pmd_fast_ops ipsecmb_fast_ops = {
	.do_one_request = ipsecmb_do_one_request,
	.do_batch_requests = ipsecmb_do_batch_requests,
	.poll = ipsecmb_poll,
	.cancel = ipsecmb_cancel,
};

static struct ce_pmd_driver ipsecmb_driver = {
	.name = "ipsecmb",
	.ops = &ipsecmb_ops,
	.fast = &ipsecmb_fast_ops,
	.caps = ipsecmb_caps,
	.nb_caps = IPSECMB_NB_CAPS,
	.max_batch = IPSECMB_MAX_BATCH,
	.flags = CE_PMD_DRV_F_SYNC,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = sizeof(struct ipsecmb_dev),
	.qp_priv_size = sizeof(struct ipsecmb_qp),
	.sess_priv_size = sizeof(struct ipsecmb_sess),
};

CE_PMD_REGISTER(ipsecmb_driver);
