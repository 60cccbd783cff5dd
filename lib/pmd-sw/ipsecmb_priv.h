/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/pmd-sw's "ipsecmb" backend: its state and what its files
 * share. Who does what:
 *   sw_ipsecmb.c        device and queue pairs, the ops tables, registration
 *   ipsecmb_caps.c      the algorithm table and what each entry is
 *   ipsecmb_session.c   keys (expanded, precomputed) and job templates
 *   ipsecmb_direct.c    the direct API: GCM, ChaCha20-Poly1305
 *   ipsecmb_datapath.c  the job API (one builder per job kind) and the fast ops
 */
#ifndef CE_IPSECMB_PRIV_H
#define CE_IPSECMB_PRIV_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>
#include <sodium.h>

#include "ce_pmd.h"
#include "sw_done_ring.h"

#define IPSECMB_PRIORITY 300
#define IPSECMB_MAX_BATCH 64
#define IPSECMB_SCRATCH 128  /* power of two: most requests held in the manager */
/* The direct-API algorithms (GCM, ChaCha20-Poly1305) take any length; the
 * multi-buffer job managers keep lane lengths in 16 bits, so a 65536-byte
 * CBC job silently does nothing: job-API algorithms stop at 65535. */
#define IPSECMB_MAX_DATA 65536
#define IPSECMB_MAX_JOB_DATA 65535
#define IPSECMB_AUTHENC_AAD_MAX 512
/* authencesn: SPI || seq_hi, then the rest of the AAD (see ipsecmb_datapath.c). */
#define IPSECMB_AUTHENC_ESN_AAD_MIN 8
#define IPSECMB_DIGEST_MAX 64

enum ipsecmb_kind {
	IPSECMB_GCM = 1,
	IPSECMB_RFC4106,
	IPSECMB_CBC,
	IPSECMB_CTR,
	IPSECMB_SHA,
	IPSECMB_HMAC,
	IPSECMB_AUTHENC,
	IPSECMB_AUTHENC_ESN,
	IPSECMB_CHACHA,
	IPSECMB_CHACHA_ESP,
};

enum ipsecmb_hash {
	IPSECMB_SHA1,
	IPSECMB_SHA256,
	IPSECMB_SHA384,
	IPSECMB_SHA512,
};

struct ipsecmb_hash_desc {
	IMB_HASH_ALG plain;
	IMB_HASH_ALG hmac;
	uint16_t block;
	uint16_t digest;
	uint16_t trunc; /* the IPsec truncation ipsec-mb writes natively */
};

/* By enum ipsecmb_hash. */
extern const struct ipsecmb_hash_desc ipsecmb_hashes[4];

/* What each caps entry is, in the same order as ipsecmb_caps[]. */
struct ipsecmb_alg_desc {
	uint8_t kind;
	uint8_t hash;
};

/* Entries of ipsecmb_caps[] and ipsecmb_descs[] (ipsecmb_caps.c checks it). */
#define IPSECMB_NB_CAPS 19

extern const struct ce_pmd_alg_caps ipsecmb_caps[IPSECMB_NB_CAPS];
extern const struct ipsecmb_alg_desc ipsecmb_descs[IPSECMB_NB_CAPS];

/*
 * Key material of a session, in locked memory (ce_keymem_alloc): the
 * expanded AES keys, the GCM hash keys, the HMAC inner/outer states, the
 * ChaCha20 key and the nonce salt.
 */
struct ipsecmb_keys {
	union {
		struct gcm_key_data gcm;
		struct {
			alignas(16) uint8_t enc[16 * 15];
			alignas(16) uint8_t dec[16 * 15];
			alignas(16) uint8_t ipad[IPSECMB_DIGEST_MAX];
			alignas(16) uint8_t opad[IPSECMB_DIGEST_MAX];
			/* HMAC of the empty message: ipsec-mb refuses to MAC 0 bytes. */
			uint8_t empty_mac[IPSECMB_DIGEST_MAX];
		} aes_hmac;
		alignas(16) uint8_t chacha[32];
	};
	uint8_t salt[4];
};

/*
 * Session private part: a pointer to the key block, small parameters, the
 * request limits ipsecmb_req_check() needs (no trip to the caps entry, no
 * division: block sizes are powers of two), and for the algorithms whose
 * requests mostly take one job, that job with every per-session field set
 * (as DPDK's aesni_mb PMD keeps one): a request copies it and sets its own
 * pointers and lengths.
 */
struct ipsecmb_sess {
	struct ipsecmb_keys *keys;
	uint8_t kind;
	uint8_t hash;
	uint8_t aes_klen;
	uint8_t op;
	uint16_t iv_len;
	uint16_t digest_len;
	uint32_t max_len;   /* alg->max_data_len */
	uint16_t blk_mask;  /* alg->block_size - 1 (0 for 1) */
	uint16_t aad_max;   /* sess->aad_len */
	bool mac_direct;    /* the MAC goes straight to req->digest */
	bool has_tmpl;
	IMB_JOB tmpl;
};

/* Per-request scratch in ce_pmd_request.pmd_priv while the backend holds it. */
struct ipsecmb_req_priv {
	int32_t status;  /* first error of a request split into parts */
	uint16_t parts;  /* jobs still out for it */
	uint16_t bounce; /* ran on the queue pair's bounce buffer */
	const uint8_t *tag; /* MAC or tag: to copy, to compare, or req->digest */
};

_Static_assert(sizeof(struct ipsecmb_req_priv) <= sizeof(((struct ce_pmd_request *)0)->pmd_priv),
	       "request scratch fits pmd_priv");

/* Per-request contexts of the direct API: they hold keystream, so locked. */
struct ipsecmb_ctx {
	struct gcm_context_data gcm;
	struct chacha20_poly1305_context_data cp;
	uint8_t nonce[16];
	uint8_t tag[16];  /* computed tag of a direct-API decrypt */
};

struct ipsecmb_gcm_fns {
	aes_gcm_enc_dec_t enc;
	aes_gcm_enc_dec_t dec;
	aes_gcm_init_var_iv_t init_var_iv;
	aes_gcm_enc_dec_update_t enc_update;
	aes_gcm_enc_dec_update_t dec_update;
	aes_gcm_enc_dec_finalize_t enc_finalize;
	aes_gcm_enc_dec_finalize_t dec_finalize;
};

/* Scratch of one request in the manager (see the top comment). */
struct ipsecmb_scratch {
	alignas(16) uint8_t tag[IPSECMB_DIGEST_MAX];
	alignas(16) uint8_t iv[16];   /* CTR after the wrap; ESP nonce */
};

_Static_assert(SW_DONE_RING_SIZE >= IPSECMB_SCRATCH + IPSECMB_MAX_BATCH,
	       "the completion ring takes every held request and a batch");

struct ipsecmb_qp {
	IMB_MGR *mgr;
	struct ipsecmb_ctx *ctx;          /* ce_keymem */
	uint8_t *bounce;                  /* authenc's MAC input when not contiguous */
	struct ipsecmb_gcm_fns gcm[3];    /* by AES key size: 128, 192, 256 */
	uint32_t sc_seq;                  /* scratch taken, free running */
	uint32_t held;                    /* requests in the manager */
	bool fed;                         /* took requests since the last poll */
	alignas(16) uint8_t dummy[64];    /* non-NULL pointer for empty buffers */
	alignas(64) struct ipsecmb_scratch sc[IPSECMB_SCRATCH];
	struct sw_done_ring done;         /* computed, for poll to finalize */
};

struct ipsecmb_dev {
	IMB_MGR *mgr; /* control path: key expansion and HMAC precomputes */
	IMB_ARCH arch;
};

static inline struct ipsecmb_req_priv *
ipsecmb_rp(struct ce_pmd_request *req)
{
	return (struct ipsecmb_req_priv *)req->pmd_priv;
}

/* Room for new requests: held ones will need their completion entry too. */
static inline uint32_t
ipsecmb_cq_free(const struct ipsecmb_qp *q)
{
	return sw_done_ring_room(&q->done) - q->held;
}

/* A decrypt whose tag did not match: nothing of the plaintext may stay. */
static inline int
ipsecmb_tag_check(const uint8_t *computed, const uint8_t *expected, uint16_t n,
		  uint8_t *dst, uint32_t len)
{
	if (sodium_memcmp(computed, expected, n) == 0)
		return 0;
	if (len != 0)
		sodium_memzero(dst, len);
	return -EBADMSG;
}

/* ipsecmb_session.c: control ops. */
int ipsecmb_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			   const struct ce_pmd_session_params *params);
void ipsecmb_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess);

/* ipsecmb_direct.c: run one request now. @return 0, or -EBADMSG (tag mismatch,
 * output wiped). */
int ipsecmb_gcm(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req);
int ipsecmb_chacha(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_pmd_request *req);

/* ipsecmb_datapath.c: fast ops; ipsecmb_job_defaults for the templates. */
void ipsecmb_job_defaults(IMB_JOB *job);
void ipsecmb_job_aes(IMB_JOB *job, const struct ipsecmb_sess *s, IMB_CIPHER_MODE mode, bool enc);
void ipsecmb_job_hmac(IMB_JOB *job, const struct ipsecmb_sess *s, uint8_t *tag,
		      uint16_t tag_len);
int ipsecmb_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req);
uint16_t ipsecmb_do_batch_requests(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb);
uint16_t ipsecmb_poll(struct ce_pmd_qp *qp, uint16_t max);
uint16_t ipsecmb_cancel(struct ce_pmd_qp *qp, int status);

#endif /* CE_IPSECMB_PRIV_H */
