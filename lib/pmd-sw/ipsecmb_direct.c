/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The direct API of intel-ipsec-mb: one call per request, finished before
 * the call returns (GCM always; ChaCha20-Poly1305 for empty data and whole
 * KiB, see sw_ipsecmb.c). The contexts hold keystream: they live in the
 * queue pair's locked memory.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <sodium.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "ce_pmd.h"
#include "ipsecmb_priv.h"

int
ipsecmb_gcm(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req)
{
	const struct ipsecmb_gcm_fns *f = &q->gcm[(s->aes_klen - 16) / 8];
	const struct gcm_key_data *kd = &s->keys->gcm;
	struct gcm_context_data *ctx = &q->ctx->gcm;
	const uint8_t *src = req->len ? req->src : q->dummy;
	uint8_t *dst = req->len ? req->dst : q->dummy;
	const uint8_t *aad = req->aad_len ? req->aad : q->dummy;
	const uint8_t *iv = req->iv;
	bool enc = req->op == CE_OP_ENCRYPT;
	uint8_t *tag = enc ? req->digest : q->ctx->tag;

	if (s->kind == IPSECMB_RFC4106) {
		memcpy(q->ctx->nonce, s->keys->salt, 4);
		memcpy(q->ctx->nonce + 4, req->iv, 8);
		iv = q->ctx->nonce;
	}
	if (s->kind == IPSECMB_RFC4106 || s->iv_len == 12) {
		(enc ? f->enc : f->dec)(kd, ctx, dst, src, req->len, iv, aad, req->aad_len,
					tag, s->digest_len);
	} else {
		f->init_var_iv(kd, ctx, iv, s->iv_len, aad, req->aad_len);
		if (req->len != 0)
			(enc ? f->enc_update : f->dec_update)(kd, ctx, dst, src, req->len);
		(enc ? f->enc_finalize : f->dec_finalize)(kd, ctx, tag, s->digest_len);
	}
	if (enc)
		return 0;
	return ipsecmb_tag_check(tag, req->digest, s->digest_len, req->dst, req->len);
}

int
ipsecmb_chacha(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req)
{
	IMB_MGR *m = q->mgr;
	struct chacha20_poly1305_context_data *ctx = &q->ctx->cp;
	const uint8_t *aad = req->aad_len ? req->aad : q->dummy;
	const uint8_t *iv = req->iv;
	uint8_t *tag = q->ctx->tag;

	if (s->kind == IPSECMB_CHACHA_ESP) {
		memcpy(q->ctx->nonce, s->keys->salt, 4);
		memcpy(q->ctx->nonce + 4, req->iv, 8);
		iv = q->ctx->nonce;
	}
	IMB_CHACHA20_POLY1305_INIT(m, s->keys->chacha, ctx, iv, aad, req->aad_len);
	if (req->op == CE_OP_ENCRYPT) {
		if (req->len != 0)
			IMB_CHACHA20_POLY1305_ENC_UPDATE(m, s->keys->chacha, ctx, req->dst,
							 req->src, req->len);
		IMB_CHACHA20_POLY1305_ENC_FINALIZE(m, ctx, tag, 16);
		memcpy(req->digest, tag, s->digest_len);
		return 0;
	}
	if (req->len != 0)
		IMB_CHACHA20_POLY1305_DEC_UPDATE(m, s->keys->chacha, ctx, req->dst, req->src,
						 req->len);
	IMB_CHACHA20_POLY1305_DEC_FINALIZE(m, ctx, tag, 16);
	return ipsecmb_tag_check(tag, req->digest, s->digest_len, req->dst, req->len);
}
