/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path of the "ipsecmb" backend: request checks, the job API (a
 * session's template for requests that take one job, one builder for each
 * kind of request that does not), the multi-buffer manager's lifecycle
 * (held requests, flush; see sw_ipsecmb.c) and the fast ops. Runs on the
 * queue pair's lcore only.
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

/*
 * ce_pmd_request_check() from the session's private copy of the limits (the
 * block size as a mask), then the checks only this backend knows.
 */
static inline int
ipsecmb_req_check(const struct ce_pmd_request *req, const struct ipsecmb_sess *s)
{
	if (req->op != s->op || req->len > s->max_len || req->aad_len > s->aad_max ||
	    (req->len & s->blk_mask) != 0)
		return -EINVAL;
	if (!ce_pmd_request_bufs_ok(req, s->iv_len, s->digest_len))
		return -EINVAL;
	switch (s->kind) {
	case IPSECMB_RFC4106:
	case IPSECMB_CHACHA_ESP:
		/* The ESP header: SPI + sequence number, + high half with ESN. */
		if (req->aad_len != 8 && req->aad_len != 12)
			return -EINVAL;
		break;
	case IPSECMB_AUTHENC_ESN:
		if (req->aad_len < IPSECMB_AUTHENC_ESN_AAD_MIN)
			return -EINVAL;
		break;
	default:
		break;
	}
	return 0;
}

/* Every field this backend relies on set to nothing (jobs are recycled). */
void
ipsecmb_job_defaults(IMB_JOB *job)
{
	job->cipher_mode = IMB_CIPHER_NULL;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = 0;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = 0;
	job->iv = NULL;
	job->iv_len_in_bytes = 0;
	job->auth_tag_output = NULL;
	job->auth_tag_output_len_in_bytes = 0;
	job->key_len_in_bytes = 0;
	job->enc_keys = NULL;
	job->dec_keys = NULL;
}

static inline IMB_JOB *
ipsecmb_job_new(IMB_MGR *m, struct ce_pmd_request *req)
{
	IMB_JOB *job = IMB_GET_NEXT_JOB(m);

	ipsecmb_job_defaults(job);
	job->user_data = req;
	return job;
}

void
ipsecmb_job_aes(IMB_JOB *job, const struct ipsecmb_sess *s, IMB_CIPHER_MODE mode, bool enc)
{
	job->cipher_mode = mode;
	job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->key_len_in_bytes = s->aes_klen;
	job->enc_keys = s->keys->aes_hmac.enc;
	job->dec_keys = s->keys->aes_hmac.dec;
	job->iv_len_in_bytes = 16;
}

void
ipsecmb_job_hmac(IMB_JOB *job, const struct ipsecmb_sess *s, uint8_t *tag, uint16_t tag_len)
{
	job->hash_alg = ipsecmb_hashes[s->hash].hmac;
	job->u.HMAC._hashed_auth_key_xor_ipad = s->keys->aes_hmac.ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = s->keys->aes_hmac.opad;
	job->auth_tag_output = tag;
	job->auth_tag_output_len_in_bytes = tag_len;
}

/*
 * Where a MAC job writes: straight to req->digest when the MAC is produced
 * (not checked) at a length ipsec-mb writes natively (the full digest or the
 * IPsec truncation: SHA1 12, SHA256 16, SHA384 24, SHA512 32); else the
 * full digest to scratch, copied or compared in ipsecmb_finish().
 */
static inline uint8_t *
ipsecmb_mac_out(const struct ipsecmb_sess *s, struct ce_pmd_request *req, uint8_t *scratch,
		uint16_t *len)
{
	const struct ipsecmb_hash_desc *hd = &ipsecmb_hashes[s->hash];

	if ((req->op == CE_OP_ENCRYPT || req->op == CE_OP_DIGEST) &&
	    (s->digest_len == hd->digest || s->digest_len == hd->trunc)) {
		*len = s->digest_len;
		return req->digest;
	}
	*len = hd->digest;
	return scratch;
}

/*
 * Where authenc's MAC input is. One chained job hashes one buffer, aad ||
 * data (the ESP layout): decrypt hashes the input before deciphering it,
 * encrypt hashes the output after. So one job does when the AAD lies right
 * before the data the MAC covers (or there is none): the input (decrypt, or
 * encrypt in place) or the output (encrypt out of place). Any other layout
 * is copied to the bounce buffer.
 */
enum ipsecmb_authenc_layout {
	IPSECMB_AUTHENC_IN_SRC, /* aad || src, hashed from job->src */
	IPSECMB_AUTHENC_IN_DST, /* aad || dst, encrypt out of place */
	IPSECMB_AUTHENC_BOUNCE,
};

static inline bool
ipsecmb_aad_before(const struct ce_pmd_request *req, const uint8_t *buf)
{
	return req->aad_len == 0 || req->aad + req->aad_len == buf;
}

static inline enum ipsecmb_authenc_layout
ipsecmb_authenc_layout(const struct ipsecmb_sess *s, const struct ce_pmd_request *req)
{
	bool enc_oop = s->op == CE_OP_ENCRYPT && req->dst != req->src;

	if (!enc_oop && ipsecmb_aad_before(req, req->src))
		return IPSECMB_AUTHENC_IN_SRC;
	if (enc_oop && ipsecmb_aad_before(req, req->dst))
		return IPSECMB_AUTHENC_IN_DST;
	return IPSECMB_AUTHENC_BOUNCE;
}

/*
 * A request that takes exactly one job from the session's template and
 * needs no flush: ipsecmb_fill() builds its job. (Checked requests only.)
 */
static inline bool
ipsecmb_simple(const struct ipsecmb_sess *s, const struct ce_pmd_request *req)
{
	switch (s->kind) {
	case IPSECMB_CBC:
	case IPSECMB_HMAC:
		return req->len != 0;
	case IPSECMB_SHA:
		return true;
	case IPSECMB_AUTHENC:
		return req->len != 0 && ipsecmb_authenc_layout(s, req) != IPSECMB_AUTHENC_BOUNCE;
	default:
		return false;
	}
}

/* The job of a request ipsecmb_simple() accepted; sc is its scratch. */
static inline void
ipsecmb_fill(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req,
	     IMB_JOB *job, struct ipsecmb_scratch *sc)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);
	uint8_t *tag = s->mac_direct ? req->digest : sc->tag;

	rp->status = 0;
	rp->parts = 1;
	rp->bounce = 0;
	rp->tag = tag;
	memcpy(job, &s->tmpl, sizeof(*job));
	job->user_data = req;
	switch (s->kind) {
	case IPSECMB_CBC:
		job->src = req->src;
		job->dst = req->dst;
		job->msg_len_to_cipher_in_bytes = req->len;
		job->iv = req->iv;
		break;
	case IPSECMB_SHA:
	case IPSECMB_HMAC:
		job->src = req->len ? req->src : q->dummy;
		job->msg_len_to_hash_in_bytes = req->len;
		job->auth_tag_output = tag;
		break;
	default: /* IPSECMB_AUTHENC */
		job->auth_tag_output = tag;
		job->msg_len_to_hash_in_bytes = (uint32_t)req->aad_len + req->len;
		job->iv = req->iv;
		job->msg_len_to_cipher_in_bytes = req->len;
		job->dst = req->dst;
		if (ipsecmb_authenc_layout(s, req) == IPSECMB_AUTHENC_IN_SRC) {
			job->src = req->aad_len ? req->aad : req->src;
			job->cipher_start_src_offset_in_bytes = req->aad_len;
			break;
		}
		/* IN_DST: the hash starts at src + its offset, so the offset is
		 * dst's distance from src, modulo 2^64 (as DPDK's aesni_mb PMD). */
		job->src = req->src;
		job->hash_start_src_offset_in_bytes =
			(uint64_t)((uintptr_t)(req->aad_len ? req->aad : req->dst) -
				   (uintptr_t)req->src);
		break;
	}
}

static void ipsecmb_job_done(struct ipsecmb_qp *q, IMB_JOB *job);
static void ipsecmb_finish(struct ipsecmb_qp *q, struct ce_pmd_request *req);

/* Hand over what the manager returned, then whatever else it finished. */
static inline void
ipsecmb_reap(struct ipsecmb_qp *q, IMB_JOB *job)
{
	while (job != NULL) {
		ipsecmb_job_done(q, job);
		job = IMB_GET_COMPLETED_JOB(q->mgr);
	}
}

/*
 * Unchecked submit, as DPDK's aesni_mb PMD does: every job field comes from a
 * session checked at creation and a request checked by ipsecmb_req_check()
 * (and the lengths ipsec-mb refuses, 0-byte CBC and HMAC, never reach it);
 * the library's own check is a sizeable part of a small job (figure in
 * bench/results/2026-12-01/code-comment-figures.md).
 */
static inline void
ipsecmb_submit(struct ipsecmb_qp *q)
{
	ipsecmb_reap(q, IMB_SUBMIT_JOB_NOCHECK(q->mgr));
}

/* Everything in the manager comes back (with part-empty lanes). */
static inline void
ipsecmb_flush(struct ipsecmb_qp *q)
{
	IMB_JOB *job;

	while ((job = IMB_FLUSH_JOB(q->mgr)) != NULL)
		ipsecmb_reap(q, job);
}

/*
 * The scratch of a request about to enter the manager; it counts as held
 * from here until ipsecmb_job_done() sees its last job.
 */
static inline struct ipsecmb_scratch *
ipsecmb_hold(struct ipsecmb_qp *q)
{
	/* The oldest held request still owns the entry we would take. */
	if (unlikely(q->held == IPSECMB_SCRATCH))
		ipsecmb_flush(q);
	q->held++;
	return &q->sc[q->sc_seq++ & (IPSECMB_SCRATCH - 1)];
}

/* A request that needs no job: finished now, from a fixed MAC. */
static inline void
ipsecmb_finish_empty(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
		     struct ce_pmd_request *req)
{
	ipsecmb_rp(req)->tag = s->keys->aes_hmac.empty_mac;
	ipsecmb_finish(q, req);
}

/* ctr(aes): ipsec-mb carries only through the low 32 bits of the counter,
 * the kernel through all 128: a request that wraps is split in two jobs. */
static void
ipsecmb_start_ctr(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req)
{
	uint32_t low = rte_be_to_cpu_32(*(const unaligned_uint32_t *)(req->iv + 12));
	uint64_t before = ((uint64_t)1 << 32) - low; /* blocks before the wrap */
	uint64_t nblk = ((uint64_t)req->len + 15) / 16;
	uint32_t first = req->len;
	struct ipsecmb_scratch *sc = ipsecmb_hold(q);
	IMB_JOB *job;

	if (nblk > before) {
		uint8_t *iv2 = sc->iv;
		int i;

		first = (uint32_t)(before * 16);
		memcpy(iv2, req->iv, 12);
		memset(iv2 + 12, 0, 4);
		for (i = 11; i >= 0 && ++iv2[i] == 0; i--)
			;
		ipsecmb_rp(req)->parts = 2;
	}
	job = ipsecmb_job_new(q->mgr, req);
	ipsecmb_job_aes(job, s, IMB_CIPHER_CNTR, true);
	job->src = req->src;
	job->dst = req->dst;
	job->msg_len_to_cipher_in_bytes = first;
	job->iv = req->iv;
	ipsecmb_submit(q);
	if (first != req->len) {
		job = ipsecmb_job_new(q->mgr, req);
		ipsecmb_job_aes(job, s, IMB_CIPHER_CNTR, true);
		job->src = req->src + first;
		job->dst = req->dst + first;
		job->msg_len_to_cipher_in_bytes = req->len - first;
		job->iv = sc->iv;
		ipsecmb_submit(q);
	}
}

/*
 * authenc that the template cannot take (ipsecmb_simple()): no data at all
 * (the MAC of nothing), AAD alone (ipsec-mb refuses an empty CBC), or a
 * layout one job cannot hash (ipsecmb_authenc_layout()): then aad || data
 * is laid out in the bounce buffer, run there in place and copied out once
 * the MAC is known.
 */
static void
ipsecmb_start_authenc(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
		      struct ce_pmd_request *req)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);
	const uint8_t *aad = req->aad_len ? req->aad : q->dummy;
	uint32_t hlen = (uint32_t)req->aad_len + req->len;
	struct ipsecmb_scratch *sc;
	uint16_t tag_len;
	uint8_t *tag;
	IMB_JOB *job;

	if (hlen == 0) {
		ipsecmb_finish_empty(q, s, req);
		return;
	}
	sc = ipsecmb_hold(q);
	rp->tag = tag = ipsecmb_mac_out(s, req, sc->tag, &tag_len);
	job = ipsecmb_job_new(q->mgr, req);
	ipsecmb_job_hmac(job, s, tag, tag_len);
	job->msg_len_to_hash_in_bytes = hlen;
	if (req->len == 0) {
		job->src = aad;
		ipsecmb_submit(q);
		return;
	}
	ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, req->op == CE_OP_ENCRYPT);
	job->iv = req->iv;
	job->msg_len_to_cipher_in_bytes = req->len;
	job->cipher_start_src_offset_in_bytes = req->aad_len;
	memcpy(q->bounce, aad, req->aad_len);
	memcpy(q->bounce + req->aad_len, req->src, req->len);
	rp->bounce = 1;
	job->src = q->bounce;
	job->dst = q->bounce + req->aad_len;
	ipsecmb_submit(q);
	/* The bounce buffer is single: finish this request now. */
	ipsecmb_flush(q);
}

/*
 * authencesn (the kernel's crypto/authencesn.c, as net/ipv4/esp4.c calls it):
 * the AAD is SPI || seq_hi || seq_lo || IV, and the MAC covers
 * SPI || seq_lo || IV || ciphertext || seq_hi: the high half of the sequence
 * number is authenticated but not sent, so it moves behind the ciphertext.
 * That is never one contiguous buffer of the caller's, so the MAC input is
 * always laid out in the bounce buffer:
 *   aad[0..4) || aad[8..aad_len) || data || aad[4..8)
 * with the data (ciphered in place there) at aad_len - 4, and the hash over
 * all aad_len + len bytes. The caller's buffers are only read, and dst is
 * written once the MAC is known (ipsecmb_finish()).
 */
static void
ipsecmb_start_authenc_esn(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
			  struct ce_pmd_request *req)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);
	uint32_t data_off = (uint32_t)req->aad_len - 4;
	struct ipsecmb_scratch *sc = ipsecmb_hold(q);
	uint16_t tag_len;
	uint8_t *tag;
	IMB_JOB *job;

	memcpy(q->bounce, req->aad, 4);
	memcpy(q->bounce + 4, req->aad + 8, req->aad_len - 8);
	if (req->len != 0)
		memcpy(q->bounce + data_off, req->src, req->len);
	memcpy(q->bounce + data_off + req->len, req->aad + 4, 4);
	rp->bounce = 1;
	rp->tag = tag = ipsecmb_mac_out(s, req, sc->tag, &tag_len);
	job = ipsecmb_job_new(q->mgr, req);
	ipsecmb_job_hmac(job, s, tag, tag_len);
	job->src = q->bounce;
	job->msg_len_to_hash_in_bytes = (uint32_t)req->aad_len + req->len;
	/* No data: the MAC alone (ipsec-mb refuses an empty CBC). */
	if (req->len != 0) {
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, req->op == CE_OP_ENCRYPT);
		job->iv = req->iv;
		job->msg_len_to_cipher_in_bytes = req->len;
		job->cipher_start_src_offset_in_bytes = data_off;
		job->dst = q->bounce + data_off;
	}
	ipsecmb_submit(q);
	/* The bounce buffer is single: finish this request now. */
	ipsecmb_flush(q);
}

/* Where a request's data lies in the bounce buffer. */
static inline uint32_t
ipsecmb_bounce_data_off(const struct ipsecmb_sess *s, const struct ce_pmd_request *req)
{
	return s->kind == IPSECMB_AUTHENC_ESN ? (uint32_t)req->aad_len - 4 : req->aad_len;
}

/* ChaCha20-Poly1305 through the job API (see sw_ipsecmb.c for when). */
static void
ipsecmb_start_chacha(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
		     struct ce_pmd_request *req)
{
	bool enc = req->op == CE_OP_ENCRYPT;
	struct ipsecmb_scratch *sc = ipsecmb_hold(q);
	const uint8_t *iv = req->iv;
	uint8_t *tag;
	IMB_JOB *job;

	if (s->kind == IPSECMB_CHACHA_ESP) {
		memcpy(sc->iv, s->keys->salt, 4);
		memcpy(sc->iv + 4, req->iv, 8);
		iv = sc->iv;
	}
	/* The tag is 16 bytes, what the job writes: straight out on encrypt. */
	ipsecmb_rp(req)->tag = tag = enc ? req->digest : sc->tag;
	job = ipsecmb_job_new(q->mgr, req);
	job->cipher_mode = IMB_CIPHER_CHACHA20_POLY1305;
	job->hash_alg = IMB_AUTH_CHACHA20_POLY1305;
	job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->enc_keys = s->keys->chacha;
	job->dec_keys = s->keys->chacha;
	job->key_len_in_bytes = 32;
	job->src = req->src;
	job->dst = req->dst;
	job->msg_len_to_cipher_in_bytes = req->len;
	job->msg_len_to_hash_in_bytes = req->len;
	job->iv = iv;
	job->iv_len_in_bytes = 12;
	job->u.CHACHA20_POLY1305.aad = req->aad_len ? req->aad : q->dummy;
	job->u.CHACHA20_POLY1305.aad_len_in_bytes = req->aad_len;
	job->auth_tag_output = tag;
	job->auth_tag_output_len_in_bytes = 16;
	ipsecmb_submit(q);
}

/*
 * The job API part of a request; finished in ipsecmb_job_done(). A request
 * the session's template takes is filled from it; the others go to their
 * kind's builder. CBC and CTR without data never get here (ipsecmb_dispatch),
 * nor SHA (always the template); HMAC without data is the precomputed MAC.
 */
static void
ipsecmb_start_job(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
		  struct ce_pmd_request *req)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);

	if (ipsecmb_simple(s, req)) {
		ipsecmb_fill(q, s, req, IMB_GET_NEXT_JOB(q->mgr), ipsecmb_hold(q));
		ipsecmb_submit(q);
		return;
	}
	rp->status = 0;
	rp->parts = 1;
	rp->bounce = 0;
	switch (s->kind) {
	case IPSECMB_CTR:
		ipsecmb_start_ctr(q, s, req);
		break;
	case IPSECMB_HMAC:
		ipsecmb_finish_empty(q, s, req);
		break;
	case IPSECMB_AUTHENC:
		ipsecmb_start_authenc(q, s, req);
		break;
	case IPSECMB_AUTHENC_ESN:
		ipsecmb_start_authenc_esn(q, s, req);
		break;
	case IPSECMB_CHACHA:
	case IPSECMB_CHACHA_ESP:
		ipsecmb_start_chacha(q, s, req);
		break;
	default:
		break;
	}
}

/* The last job of a request is back: digest, tag check, copy-out. */
static void
ipsecmb_finish(struct ipsecmb_qp *q, struct ce_pmd_request *req)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);
	const struct ipsecmb_sess *s = req->active->priv;
	int status = rp->status;

	switch (s->kind) {
	case IPSECMB_SHA:
	case IPSECMB_HMAC:
		if (status != 0)
			break;
		if (req->op == CE_OP_DIGEST) {
			if (rp->tag != req->digest)
				memcpy(req->digest, rp->tag, s->digest_len);
		} else if (sodium_memcmp(rp->tag, req->digest, s->digest_len) != 0)
			status = -EBADMSG;
		break;
	case IPSECMB_AUTHENC:
	case IPSECMB_AUTHENC_ESN:
		if (req->op == CE_OP_ENCRYPT) {
			if (status == 0) {
				if (rp->tag != req->digest)
					memcpy(req->digest, rp->tag, s->digest_len);
				if (rp->bounce && req->len != 0)
					memcpy(req->dst, q->bounce + ipsecmb_bounce_data_off(s, req),
					       req->len);
			}
		} else if (status == 0) {
			/* The output range is zeros after a failure, whatever the path. */
			status = ipsecmb_tag_check(rp->tag, req->digest, s->digest_len,
						   req->dst, req->len);
			if (status == 0 && rp->bounce && req->len != 0)
				memcpy(req->dst, q->bounce + ipsecmb_bounce_data_off(s, req),
				       req->len);
		} else if (req->len != 0) {
			sodium_memzero(req->dst, req->len);
		}
		if (rp->bounce)
			sodium_memzero(q->bounce, (size_t)req->aad_len + req->len);
		break;
	case IPSECMB_CHACHA:
	case IPSECMB_CHACHA_ESP:
		/* Encrypt wrote its tag to req->digest. */
		if (req->op == CE_OP_ENCRYPT)
			break;
		if (status == 0)
			status = ipsecmb_tag_check(rp->tag, req->digest, s->digest_len,
						   req->dst, req->len);
		else if (req->len != 0)
			sodium_memzero(req->dst, req->len);
		break;
	default:
		break;
	}
	sw_done_ring_push(&q->done, req, status);
}

static void
ipsecmb_job_done(struct ipsecmb_qp *q, IMB_JOB *job)
{
	struct ce_pmd_request *req = job->user_data;
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);

	if (job->status != IMB_STATUS_COMPLETED && rp->status == 0)
		rp->status = job->status == IMB_STATUS_INVALID_ARGS ? -EINVAL : -EIO;
	if (--rp->parts == 0) {
		q->held--;
		ipsecmb_finish(q, req);
	}
}

/*
 * Run one request: direct-API ones finish here; job-API ones stay in the
 * manager until later submissions or a flush push them out. Returns 0, or
 * -EINVAL (not started).
 */
static inline void
ipsecmb_dispatch(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req)
{
	switch (s->kind) {
	case IPSECMB_GCM:
	case IPSECMB_RFC4106:
		sw_done_ring_push(&q->done, req, ipsecmb_gcm(q, s, req));
		break;
	case IPSECMB_CHACHA:
	case IPSECMB_CHACHA_ESP:
		/* See the top comment for why whole KiB go the direct way. */
		if (req->len != 0 && (req->len & 1023) != 0) {
			ipsecmb_start_job(q, s, req);
			break;
		}
		sw_done_ring_push(&q->done, req, ipsecmb_chacha(q, s, req));
		break;
	case IPSECMB_CBC:
	case IPSECMB_CTR:
		if (req->len == 0) {
			/* Empty input succeeds, as in the kernel (ipsec-mb refuses it). */
			sw_done_ring_push(&q->done, req, 0);
			break;
		}
		/* fall through */
	default:
		ipsecmb_start_job(q, s, req);
		break;
	}
}

static inline int
ipsecmb_run(struct ipsecmb_qp *q, struct ce_pmd_request *req)
{
	const struct ipsecmb_sess *s = req->active->priv;

	if (unlikely(ipsecmb_req_check(req, s) < 0))
		return -EINVAL;
	ipsecmb_dispatch(q, s, req);
	return 0;
}

/*
 * Submit the first n jobs of a burst (taken with IMB_GET_NEXT_BURST, filled
 * in order) and hand over what the manager finished: the burst returns at
 * most n, IMB_GET_COMPLETED_JOB the rest.
 */
static inline void
ipsecmb_burst_submit(struct ipsecmb_qp *q, IMB_JOB **jobs, uint32_t n)
{
	uint32_t done;

	if (n == 0)
		return;
	done = IMB_SUBMIT_BURST_NOCHECK(q->mgr, n, jobs);
	for (uint32_t i = 0; i < done; i++)
		ipsecmb_job_done(q, jobs[i]);
	ipsecmb_reap(q, IMB_GET_COMPLETED_JOB(q->mgr));
}

int
ipsecmb_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct ipsecmb_qp *q = qp->priv;
	int ret;

	/* A CTR split takes two jobs but one completion entry. */
	if (unlikely(ipsecmb_cq_free(q) == 0)) {
		/* The caller waits for completions now: let held ones out. */
		ipsecmb_flush(q);
		return -ENOSPC;
	}
	ret = ipsecmb_run(q, req);
	if (unlikely(ret < 0))
		return ret;
	q->fed = true;
	return -EINPROGRESS;
}

uint16_t
ipsecmb_do_batch_requests(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb)
{
	struct ipsecmb_qp *q = qp->priv;
	uint32_t room = ipsecmb_cq_free(q);
	IMB_JOB *jobs[IPSECMB_MAX_BATCH];
	uint32_t nj = 0, got = 0;
	uint16_t n = nb;

	if (n > room)
		n = (uint16_t)room;
	if (n > IPSECMB_MAX_BATCH)
		n = IPSECMB_MAX_BATCH;
	/* The burst below takes scratch without ipsecmb_hold()'s check. */
	if (unlikely(q->held + n > IPSECMB_SCRATCH))
		ipsecmb_flush(q);
	for (uint16_t i = 0; i < n; i++) {
		struct ce_pmd_request *req = reqs[i];
		const struct ipsecmb_sess *s = req->active->priv;

		if (unlikely(ipsecmb_req_check(req, s) < 0)) {
			ipsecmb_burst_submit(q, jobs, nj);
			nj = got = 0;
			sw_done_ring_push(&q->done, req, -EINVAL);
			continue;
		}
		if (!ipsecmb_simple(s, req)) {
			ipsecmb_burst_submit(q, jobs, nj);
			nj = got = 0;
			ipsecmb_dispatch(q, s, req);
			continue;
		}
		if (nj == got) {
			ipsecmb_burst_submit(q, jobs, nj);
			nj = 0;
			got = IMB_GET_NEXT_BURST(q->mgr, (uint32_t)(n - i), jobs);
			if (unlikely(got == 0)) {
				/* The manager's queue is full (cannot be, held is bounded). */
				ipsecmb_flush(q);
				got = IMB_GET_NEXT_BURST(q->mgr, (uint32_t)(n - i), jobs);
			}
		}
		q->held++;
		ipsecmb_fill(q, s, req, jobs[nj++], &q->sc[q->sc_seq++ & (IPSECMB_SCRATCH - 1)]);
	}
	ipsecmb_burst_submit(q, jobs, nj);
	q->fed = true;
	/* Full: the caller waits for completions now, let held ones out. */
	if (unlikely(n < nb))
		ipsecmb_flush(q);
	return n;
}

uint16_t
ipsecmb_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct ipsecmb_qp *q = qp->priv;

	/* No input since the last poll: nothing will fill the lanes, so the
	 * held requests would wait forever. */
	if (q->held != 0 && !q->fed)
		ipsecmb_flush(q);
	q->fed = false;
	return sw_done_ring_complete(qp, &q->done, max);
}

/* Everything held can be computed now: finalize it with its real status. */
uint16_t
ipsecmb_cancel(struct ce_pmd_qp *qp, int status)
{
	struct ipsecmb_qp *q = qp->priv;

	RTE_SET_USED(status);
	ipsecmb_flush(q);
	return ipsecmb_poll(qp, UINT16_MAX);
}
