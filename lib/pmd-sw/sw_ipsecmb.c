/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "ipsecmb": the intel-ipsec-mb software backend.
 *
 * do_one_request / do_batch_requests run direct-API requests at once and
 * submit job-API ones to the queue pair's multi-buffer manager; finished
 * requests go to the queue pair's completion ring, and poll() finalizes
 * them, so the engine accounts for it like any other device.
 *
 * Interfaces used, fastest first for each algorithm:
 * - GCM: ipsec-mb's direct API, one call per request (34.6 MOps at 64 B
 *   against 20.6 through the job API, NOTES.md).
 * - CBC, CTR, SHA, HMAC, authenc: the multi-buffer job API. A request that
 *   takes one job (CBC, SHA, HMAC, authenc without the bounce buffer) copies
 *   its session's job template; do_batch_requests takes such jobs with
 *   IMB_GET_NEXT_BURST and submits runs of them with IMB_SUBMIT_BURST_NOCHECK
 *   (authenc(hmac(sha1),cbc(aes)) at 64 B: 282-288 -> 256-262 TSC cycles per
 *   request through engine-bench, of which the check's division ~5).
 * - ChaCha20-Poly1305: the job API (430 TSC cycles at 64 B against 630 for
 *   init/update/finalize, and faster at most sizes), except for a whole
 *   number of KiB, where 1.3's direct update is ~6% faster (1087 against
 *   1156 cycles at 1 KiB), and empty data.
 *
 * Jobs are not flushed per call: a flush runs the SHA lanes (16 on AVX-512)
 * part empty, which cost 35% at 64 B. They stay in the manager across calls
 * and come back as later submissions fill the lanes. The manager is flushed
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
 *   Tags 4, 8, 12..16: a ce_range cannot say that, so the caps entry says
 *   4..16 and session_create refuses 5, 6, 7, 9, 10, 11 with -EINVAL.
 * - rfc4106(gcm(aes)) and rfc7539esp(chacha20,poly1305): the AAD is the ESP
 *   header only (8 bytes, 12 with ESN), the 8-byte IV is separate; other AAD
 *   lengths fail the request with -EINVAL.
 * - rfc7539esp: tag 16 only (the kernel's chachapoly_setauthsize also takes
 *   only 16).
 * - authenc(hmac(shaN),cbc(aes)): key = auth key || AES key, the auth key
 *   being exactly the hash's digest size (SHA1 20, SHA256 32, SHA512 64), so
 *   the AES key size follows from the total (no rtattr encoding). AAD 0..512.
 *   The ICV may be truncated to 4..digest size bytes.
 * - hmac(shaN): any key length 0..128 (longer than a block: hashed first);
 *   the MAC may be truncated to 4..digest size bytes.
 * - Data: at most 65536 bytes per request (65535 for the job-API algorithms:
 *   CBC, CTR, hashes, HMAC, authenc).
 */
#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <sodium.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_malloc.h>

#include "ce_pmd.h"
#include "sw_ipsecmb.h"

#include "sw_keymem.h"

#define IPSECMB_PRIORITY 300
#define IPSECMB_MAX_BATCH 64
#define IPSECMB_SCRATCH 128  /* power of two: most requests held in the manager */
#define IPSECMB_CQ_SIZE 1024 /* power of two, > IPSECMB_SCRATCH + IPSECMB_MAX_BATCH */
/* The direct-API algorithms (GCM, ChaCha20-Poly1305) take any length; the
 * multi-buffer job managers keep lane lengths in 16 bits, so a 65536-byte
 * CBC job silently does nothing: job-API algorithms stop at 65535. */
#define IPSECMB_MAX_DATA 65536
#define IPSECMB_MAX_JOB_DATA 65535
#define IPSECMB_AUTHENC_AAD_MAX 512
#define IPSECMB_DIGEST_MAX 64

enum ipsecmb_kind {
	IPSECMB_GCM = 1,
	IPSECMB_RFC4106,
	IPSECMB_CBC,
	IPSECMB_CTR,
	IPSECMB_SHA,
	IPSECMB_HMAC,
	IPSECMB_AUTHENC,
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

static const struct ipsecmb_hash_desc ipsecmb_hashes[] = {
	[IPSECMB_SHA1] = { IMB_AUTH_SHA_1, IMB_AUTH_HMAC_SHA_1, 64, 20, 12 },
	[IPSECMB_SHA256] = { IMB_AUTH_SHA_256, IMB_AUTH_HMAC_SHA_256, 64, 32, 16 },
	[IPSECMB_SHA384] = { IMB_AUTH_SHA_384, IMB_AUTH_HMAC_SHA_384, 128, 48, 24 },
	[IPSECMB_SHA512] = { IMB_AUTH_SHA_512, IMB_AUTH_HMAC_SHA_512, 128, 64, 32 },
};

/* What each caps entry is, in the same order as ipsecmb_caps[]. */
struct ipsecmb_alg_desc {
	uint8_t kind;
	uint8_t hash;
};

#define RANGE(a, b, s) { .min = (a), .max = (b), .step = (s) }
#define ONE(a) { .min = (a), .max = (a), .step = 0 }
#define NONE ONE(0)

#define CIPHER_CAPS(n, d, bs) { \
	.name = n, .driver_name = d, .type = CE_ALG_CIPHER, \
	.priority = IPSECMB_PRIORITY, .key_size = RANGE(16, 32, 8), \
	.iv_size = ONE(16), .digest_size = NONE, .aad_size = NONE, \
	.block_size = bs, .max_data_len = IPSECMB_MAX_JOB_DATA }
#define SHA_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_HASH, \
	.priority = IPSECMB_PRIORITY, .key_size = NONE, .iv_size = NONE, \
	.digest_size = ONE(dl), .aad_size = NONE, .block_size = 1, \
	.max_data_len = IPSECMB_MAX_JOB_DATA }
#define HMAC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_HASH, \
	.priority = IPSECMB_PRIORITY, .key_size = RANGE(0, CE_KEY_MAX, 1), \
	.iv_size = NONE, .digest_size = RANGE(4, dl, 1), .aad_size = NONE, \
	.block_size = 1, .max_data_len = IPSECMB_MAX_JOB_DATA }
#define AUTHENC_CAPS(n, d, ak, dl) { \
	.name = n, .driver_name = d, .type = CE_ALG_AEAD, \
	.priority = IPSECMB_PRIORITY, .key_size = RANGE((ak) + 16, (ak) + 32, 8), \
	.iv_size = ONE(16), .digest_size = RANGE(4, dl, 1), \
	.aad_size = RANGE(0, IPSECMB_AUTHENC_AAD_MAX, 1), .block_size = 16, \
	.max_data_len = IPSECMB_MAX_JOB_DATA }

static const struct ce_alg_caps ipsecmb_caps[] = {
	{ .name = "gcm(aes)", .driver_name = "gcm-aes-ipsecmb", .type = CE_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = RANGE(16, 32, 8),
	  .iv_size = RANGE(1, 128, 1), .digest_size = RANGE(4, 16, 1),
	  .aad_size = RANGE(0, UINT16_MAX, 1), .block_size = 1,
	  .max_data_len = IPSECMB_MAX_DATA },
	{ .name = "rfc4106(gcm(aes))", .driver_name = "rfc4106-gcm-aes-ipsecmb",
	  .type = CE_ALG_AEAD, .priority = IPSECMB_PRIORITY,
	  .key_size = RANGE(20, 36, 8), .iv_size = ONE(8),
	  .digest_size = RANGE(8, 16, 4), .aad_size = RANGE(8, 12, 4),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
	CIPHER_CAPS("cbc(aes)", "cbc-aes-ipsecmb", 16),
	CIPHER_CAPS("ctr(aes)", "ctr-aes-ipsecmb", 1),
	SHA_CAPS("sha1", "sha1-ipsecmb", 20),
	SHA_CAPS("sha256", "sha256-ipsecmb", 32),
	SHA_CAPS("sha384", "sha384-ipsecmb", 48),
	SHA_CAPS("sha512", "sha512-ipsecmb", 64),
	HMAC_CAPS("hmac(sha1)", "hmac-sha1-ipsecmb", 20),
	HMAC_CAPS("hmac(sha256)", "hmac-sha256-ipsecmb", 32),
	HMAC_CAPS("hmac(sha384)", "hmac-sha384-ipsecmb", 48),
	HMAC_CAPS("hmac(sha512)", "hmac-sha512-ipsecmb", 64),
	AUTHENC_CAPS("authenc(hmac(sha1),cbc(aes))",
		     "authenc-hmac-sha1-cbc-aes-ipsecmb", 20, 20),
	AUTHENC_CAPS("authenc(hmac(sha256),cbc(aes))",
		     "authenc-hmac-sha256-cbc-aes-ipsecmb", 32, 32),
	AUTHENC_CAPS("authenc(hmac(sha512),cbc(aes))",
		     "authenc-hmac-sha512-cbc-aes-ipsecmb", 64, 64),
	{ .name = "rfc7539(chacha20,poly1305)",
	  .driver_name = "rfc7539-chacha20-poly1305-ipsecmb", .type = CE_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = ONE(32), .iv_size = ONE(12),
	  .digest_size = ONE(16), .aad_size = RANGE(0, UINT16_MAX, 1),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
	{ .name = "rfc7539esp(chacha20,poly1305)",
	  .driver_name = "rfc7539esp-chacha20-poly1305-ipsecmb", .type = CE_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = ONE(36), .iv_size = ONE(8),
	  .digest_size = ONE(16), .aad_size = RANGE(8, 12, 4),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
};

static const struct ipsecmb_alg_desc ipsecmb_descs[] = {
	{ IPSECMB_GCM, 0 },
	{ IPSECMB_RFC4106, 0 },
	{ IPSECMB_CBC, 0 },
	{ IPSECMB_CTR, 0 },
	{ IPSECMB_SHA, IPSECMB_SHA1 },
	{ IPSECMB_SHA, IPSECMB_SHA256 },
	{ IPSECMB_SHA, IPSECMB_SHA384 },
	{ IPSECMB_SHA, IPSECMB_SHA512 },
	{ IPSECMB_HMAC, IPSECMB_SHA1 },
	{ IPSECMB_HMAC, IPSECMB_SHA256 },
	{ IPSECMB_HMAC, IPSECMB_SHA384 },
	{ IPSECMB_HMAC, IPSECMB_SHA512 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA1 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA256 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA512 },
	{ IPSECMB_CHACHA, 0 },
	{ IPSECMB_CHACHA_ESP, 0 },
};

_Static_assert(RTE_DIM(ipsecmb_caps) == RTE_DIM(ipsecmb_descs),
	       "one descriptor per caps entry");

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

/* Per-request scratch in ce_request.pmd_priv while the backend holds it. */
struct ipsecmb_req_priv {
	int32_t status;  /* first error of a request split into parts */
	uint16_t parts;  /* jobs still out for it */
	uint16_t bounce; /* ran on the queue pair's bounce buffer */
	const uint8_t *tag; /* MAC or tag: to copy, to compare, or req->digest */
};

_Static_assert(sizeof(struct ipsecmb_req_priv) <= sizeof(((struct ce_request *)0)->pmd_priv),
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

_Static_assert(IPSECMB_CQ_SIZE >= IPSECMB_SCRATCH + IPSECMB_MAX_BATCH,
	       "the completion ring takes every held request and a batch");

struct ipsecmb_cq_ent {
	struct ce_request *req;
	int status;
};

struct ipsecmb_qp {
	IMB_MGR *mgr;
	struct ipsecmb_ctx *ctx;          /* ce_keymem */
	uint8_t *bounce;                  /* aad || data for non-contiguous authenc */
	struct ipsecmb_gcm_fns gcm[3];    /* by AES key size: 128, 192, 256 */
	uint32_t cq_head;                 /* producer: do_*, poll's flush */
	uint32_t cq_tail;                 /* consumer: poll */
	uint32_t sc_seq;                  /* scratch taken, free running */
	uint32_t held;                    /* requests in the manager */
	bool fed;                         /* took requests since the last poll */
	alignas(16) uint8_t dummy[64];    /* non-NULL pointer for empty buffers */
	alignas(64) struct ipsecmb_scratch sc[IPSECMB_SCRATCH];
	struct ipsecmb_cq_ent cq[IPSECMB_CQ_SIZE];
};

struct ipsecmb_dev {
	IMB_MGR *mgr; /* control path: key expansion and HMAC precomputes */
	IMB_ARCH arch;
};

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

static inline struct ipsecmb_req_priv *
ipsecmb_rp(struct ce_request *req)
{
	return (struct ipsecmb_req_priv *)req->pmd_priv;
}

/* Room for new requests: held ones will need their completion entry too. */
static inline uint32_t
ipsecmb_cq_free(const struct ipsecmb_qp *q)
{
	return IPSECMB_CQ_SIZE - (q->cq_head - q->cq_tail) - q->held;
}

/* Space was checked before the request was taken. */
static inline void
ipsecmb_cq_push(struct ipsecmb_qp *q, struct ce_request *req, int status)
{
	struct ipsecmb_cq_ent *e = &q->cq[q->cq_head & (IPSECMB_CQ_SIZE - 1)];

	e->req = req;
	e->status = status;
	q->cq_head++;
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
	q->cq_head = q->cq_tail = 0;
	q->sc_seq = q->held = 0;
	q->fed = false;
	return 0;

err:
	ipsecmb_qp_release(qp);
	return -ENOMEM;
}

static void
ipsecmb_aes_keyexp(IMB_MGR *m, const uint8_t *key, unsigned int len, void *enc, void *dec)
{
	switch (len) {
	case 16:
		IMB_AES_KEYEXP_128(m, key, enc, dec);
		break;
	case 24:
		IMB_AES_KEYEXP_192(m, key, enc, dec);
		break;
	default:
		IMB_AES_KEYEXP_256(m, key, enc, dec);
		break;
	}
}

static void
ipsecmb_hash_full(IMB_MGR *m, unsigned int h, const uint8_t *in, size_t len, uint8_t *out)
{
	switch (h) {
	case IPSECMB_SHA1:
		IMB_SHA1(m, in, len, out);
		break;
	case IPSECMB_SHA256:
		IMB_SHA256(m, in, len, out);
		break;
	case IPSECMB_SHA384:
		IMB_SHA384(m, in, len, out);
		break;
	default:
		IMB_SHA512(m, in, len, out);
		break;
	}
}

static void
ipsecmb_hash_block(IMB_MGR *m, unsigned int h, const uint8_t *in, uint8_t *state)
{
	switch (h) {
	case IPSECMB_SHA1:
		IMB_SHA1_ONE_BLOCK(m, in, state);
		break;
	case IPSECMB_SHA256:
		IMB_SHA256_ONE_BLOCK(m, in, state);
		break;
	case IPSECMB_SHA384:
		IMB_SHA384_ONE_BLOCK(m, in, state);
		break;
	default:
		IMB_SHA512_ONE_BLOCK(m, in, state);
		break;
	}
}

/* RFC 2104: a key longer than the block is hashed first; then the inner and
 * outer states after one block of key ^ ipad / key ^ opad. */
static void
ipsecmb_hmac_precompute(IMB_MGR *m, unsigned int h, const uint8_t *key, size_t key_len,
			uint8_t *ipad, uint8_t *opad, uint8_t *empty_mac)
{
	const struct ipsecmb_hash_desc *hd = &ipsecmb_hashes[h];
	alignas(16) uint8_t k[128];
	alignas(16) uint8_t blk[128 + IPSECMB_DIGEST_MAX];

	memset(k, 0, sizeof(k));
	if (key_len > hd->block) {
		ipsecmb_hash_full(m, h, key, key_len, k);
	} else if (key_len != 0) {
		memcpy(k, key, key_len);
	}
	for (unsigned int i = 0; i < hd->block; i++)
		blk[i] = k[i] ^ 0x36;
	ipsecmb_hash_block(m, h, blk, ipad);
	/* H(K ^ opad || H(K ^ ipad)): the MAC of nothing. */
	ipsecmb_hash_full(m, h, blk, hd->block, blk + hd->block);
	for (unsigned int i = 0; i < hd->block; i++)
		blk[i] = k[i] ^ 0x5c;
	ipsecmb_hash_block(m, h, blk, opad);
	ipsecmb_hash_full(m, h, blk, (size_t)hd->block + hd->digest, empty_mac);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(blk, sizeof(blk));
}

static void
ipsecmb_gcm_pre(IMB_MGR *m, const uint8_t *key, unsigned int len, struct gcm_key_data *kd)
{
	switch (len) {
	case 16:
		IMB_AES128_GCM_PRE(m, key, kd);
		break;
	case 24:
		IMB_AES192_GCM_PRE(m, key, kd);
		break;
	default:
		IMB_AES256_GCM_PRE(m, key, kd);
		break;
	}
}

static void ipsecmb_tmpl_init(struct ipsecmb_sess *s);

static int
ipsecmb_session_create(struct ce_pmd_dev *dev, struct ce_session *sess,
		       const struct ce_pmd_session_params *params)
{
	const struct ipsecmb_dev *d = dev->priv;
	struct ipsecmb_sess *s = sess->priv;
	const struct ipsecmb_alg_desc *ad;
	struct ipsecmb_keys *k;
	size_t idx = (size_t)(sess->alg - ipsecmb_caps);
	unsigned int hk;

	if (idx >= RTE_DIM(ipsecmb_caps))
		return -EINVAL;
	ad = &ipsecmb_descs[idx];
	memset(s, 0, sizeof(*s));
	s->kind = ad->kind;
	s->hash = ad->hash;
	s->op = params->op;
	s->iv_len = params->iv_len;
	s->digest_len = params->digest_len;
	s->max_len = sess->alg->max_data_len;
	s->aad_max = params->aad_len;
	/* Every block size in ipsecmb_caps[] is a power of two. */
	if (sess->alg->block_size == 0 ||
	    (sess->alg->block_size & (sess->alg->block_size - 1)) != 0 ||
	    sess->alg->block_size > UINT16_MAX)
		return -EINVAL;
	s->blk_mask = (uint16_t)(sess->alg->block_size - 1);

	/* The kernel's GCM tag sizes: 4, 8, 12..16 (crypto_gcm_setauthsize). */
	if (ad->kind == IPSECMB_GCM && params->digest_len < 12 &&
	    params->digest_len != 4 && params->digest_len != 8)
		return -EINVAL;

	k = ce_keymem_alloc(sizeof(*k));
	if (k == NULL)
		return -ENOMEM;

	switch (ad->kind) {
	case IPSECMB_GCM:
		s->aes_klen = (uint8_t)params->key_len;
		ipsecmb_gcm_pre(d->mgr, params->key, s->aes_klen, &k->gcm);
		break;
	case IPSECMB_RFC4106:
		s->aes_klen = (uint8_t)(params->key_len - 4);
		ipsecmb_gcm_pre(d->mgr, params->key, s->aes_klen, &k->gcm);
		memcpy(k->salt, params->key + s->aes_klen, 4);
		break;
	case IPSECMB_CBC:
	case IPSECMB_CTR:
		s->aes_klen = (uint8_t)params->key_len;
		ipsecmb_aes_keyexp(d->mgr, params->key, s->aes_klen, k->aes_hmac.enc,
				   k->aes_hmac.dec);
		break;
	case IPSECMB_SHA:
		break;
	case IPSECMB_HMAC:
		ipsecmb_hmac_precompute(d->mgr, s->hash, params->key, params->key_len,
					k->aes_hmac.ipad, k->aes_hmac.opad,
					k->aes_hmac.empty_mac);
		break;
	case IPSECMB_AUTHENC:
		/* key = auth key (digest size) || AES key: see the top comment. */
		hk = ipsecmb_hashes[s->hash].digest;
		s->aes_klen = (uint8_t)(params->key_len - hk);
		ipsecmb_hmac_precompute(d->mgr, s->hash, params->key, hk,
					k->aes_hmac.ipad, k->aes_hmac.opad,
					k->aes_hmac.empty_mac);
		ipsecmb_aes_keyexp(d->mgr, params->key + hk, s->aes_klen, k->aes_hmac.enc,
				   k->aes_hmac.dec);
		break;
	case IPSECMB_CHACHA:
		memcpy(k->chacha, params->key, 32);
		break;
	case IPSECMB_CHACHA_ESP:
		memcpy(k->chacha, params->key, 32);
		memcpy(k->salt, params->key + 32, 4);
		break;
	default:
		ce_keymem_free(k, sizeof(*k));
		return -EINVAL;
	}
	s->keys = k;
	ipsecmb_tmpl_init(s);
	return 0;
}

static void
ipsecmb_session_destroy(struct ce_pmd_dev *dev, struct ce_session *sess)
{
	struct ipsecmb_sess *s = sess->priv;

	RTE_SET_USED(dev);
	if (s->keys != NULL)
		ce_keymem_free(s->keys, sizeof(*s->keys));
	sodium_memzero(s, sizeof(*s));
}

/* ---- fast path ---- */

/*
 * ce_request_check() from the session's private copy of the limits (the
 * block size as a mask), then the checks only this backend knows.
 */
static inline int
ipsecmb_req_check(const struct ce_request *req, const struct ipsecmb_sess *s)
{
	if (req->op != s->op || req->len > s->max_len || req->aad_len > s->aad_max ||
	    (req->len & s->blk_mask) != 0)
		return -EINVAL;
	if ((req->len != 0 && (req->src == NULL || req->dst == NULL)) ||
	    (s->iv_len != 0 && req->iv == NULL) ||
	    (req->aad_len != 0 && req->aad == NULL) ||
	    (s->digest_len != 0 && req->digest == NULL))
		return -EINVAL;
	switch (s->kind) {
	case IPSECMB_RFC4106:
	case IPSECMB_CHACHA_ESP:
		/* The ESP header: SPI + sequence number, + high half with ESN. */
		if (req->aad_len != 8 && req->aad_len != 12)
			return -EINVAL;
		break;
	default:
		break;
	}
	return 0;
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

static int
ipsecmb_gcm(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_request *req)
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

static int
ipsecmb_chacha(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_request *req)
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

/* Every field this backend relies on set to nothing (jobs are recycled). */
static inline void
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
ipsecmb_job_new(IMB_MGR *m, struct ce_request *req)
{
	IMB_JOB *job = IMB_GET_NEXT_JOB(m);

	ipsecmb_job_defaults(job);
	job->user_data = req;
	return job;
}

static inline void
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

static inline void
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
ipsecmb_mac_out(const struct ipsecmb_sess *s, struct ce_request *req, uint8_t *scratch,
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
 * The session's job template (see struct ipsecmb_sess): CBC, SHA, HMAC and
 * authenc, whose requests take one job with these fields whatever the
 * request (ipsecmb_simple() says which requests).
 */
static void
ipsecmb_tmpl_init(struct ipsecmb_sess *s)
{
	IMB_JOB *job = &s->tmpl;
	bool enc = s->op == CE_OP_ENCRYPT;
	const struct ipsecmb_hash_desc *hd = &ipsecmb_hashes[s->hash];
	uint16_t tag_len = hd->digest;

	memset(job, 0, sizeof(*job));
	ipsecmb_job_defaults(job);
	s->mac_direct = false;
	s->has_tmpl = false;
	if (s->kind == IPSECMB_SHA || s->kind == IPSECMB_HMAC || s->kind == IPSECMB_AUTHENC) {
		/* ipsecmb_mac_out(): the MAC goes straight to req->digest. */
		if ((s->op == CE_OP_ENCRYPT || s->op == CE_OP_DIGEST) &&
		    (s->digest_len == hd->digest || s->digest_len == hd->trunc)) {
			s->mac_direct = true;
			tag_len = s->digest_len;
		}
	}
	switch (s->kind) {
	case IPSECMB_CBC:
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, enc);
		break;
	case IPSECMB_SHA:
		job->hash_alg = hd->plain;
		job->auth_tag_output_len_in_bytes = tag_len;
		break;
	case IPSECMB_HMAC:
		ipsecmb_job_hmac(job, s, NULL, tag_len);
		break;
	case IPSECMB_AUTHENC:
		ipsecmb_job_hmac(job, s, NULL, tag_len);
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, enc);
		break;
	default:
		return;
	}
	s->has_tmpl = true;
}

/*
 * A request that takes exactly one job from the session's template and
 * needs no flush: ipsecmb_fill() builds its job. (Checked requests only.)
 */
static inline bool
ipsecmb_simple(const struct ipsecmb_sess *s, const struct ce_request *req)
{
	switch (s->kind) {
	case IPSECMB_CBC:
	case IPSECMB_HMAC:
		return req->len != 0;
	case IPSECMB_SHA:
		return true;
	case IPSECMB_AUTHENC:
		if (req->len == 0)
			return false;
		/* Not the bounce buffer: see ipsecmb_start_job(). */
		if (req->aad_len == 0 || req->aad + req->aad_len == req->src)
			return s->op != CE_OP_ENCRYPT || req->dst == req->src ||
			       req->aad_len == 0;
		return s->op == CE_OP_ENCRYPT && req->aad + req->aad_len == req->dst;
	default:
		return false;
	}
}

/* The job of a request ipsecmb_simple() accepted; sc is its scratch. */
static inline void
ipsecmb_fill(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_request *req,
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
		/* One chained job hashes one buffer: aad || data, the ESP layout.
		 * Decrypt hashes the input before deciphering it. */
		if ((req->aad_len == 0 || req->aad + req->aad_len == req->src) &&
		    (s->op != CE_OP_ENCRYPT || req->dst == req->src)) {
			job->src = req->aad_len ? req->aad : req->src;
			job->cipher_start_src_offset_in_bytes = req->aad_len;
			break;
		}
		/* Encrypt hashes the output: out of place, that is aad || dst. The
		 * hash starts at src + its offset, so the offset is dst's distance
		 * from src, modulo 2^64 (what DPDK's aesni_mb PMD does too). */
		job->src = req->src;
		job->hash_start_src_offset_in_bytes =
			(uint64_t)((uintptr_t)(req->aad_len ? req->aad : req->dst) -
				   (uintptr_t)req->src);
		break;
	}
}

static void ipsecmb_job_done(struct ipsecmb_qp *q, IMB_JOB *job);
static void ipsecmb_finish(struct ipsecmb_qp *q, struct ce_request *req);

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
 * the check cost 50 of 274 cycles per CBC+HMAC-SHA1 job at 64 B.
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
		     struct ce_request *req)
{
	ipsecmb_rp(req)->tag = s->keys->aes_hmac.empty_mac;
	ipsecmb_finish(q, req);
}

/* The job API part of a request; finished in ipsecmb_job_done(). */
static void
ipsecmb_start_job(struct ipsecmb_qp *q, const struct ipsecmb_sess *s,
		  struct ce_request *req)
{
	struct ipsecmb_req_priv *rp = ipsecmb_rp(req);
	bool enc = req->op == CE_OP_ENCRYPT;
	const uint8_t *src = req->len ? req->src : q->dummy;
	struct ipsecmb_scratch *sc;
	IMB_MGR *m = q->mgr;
	uint16_t tag_len;
	uint8_t *tag;
	IMB_JOB *job;

	if (ipsecmb_simple(s, req)) {
		sc = ipsecmb_hold(q);
		ipsecmb_fill(q, s, req, IMB_GET_NEXT_JOB(m), sc);
		ipsecmb_submit(q);
		return;
	}
	rp->status = 0;
	rp->parts = 1;
	rp->bounce = 0;

	switch (s->kind) {
	case IPSECMB_CTR: {
		/* ipsec-mb carries only through the low 32 bits of the counter;
		 * the kernel through all 128: split at the wrap. */
		uint32_t low = rte_be_to_cpu_32(*(const unaligned_uint32_t *)(req->iv + 12));
		uint64_t before = ((uint64_t)1 << 32) - low; /* blocks before the wrap */
		uint64_t nblk = ((uint64_t)req->len + 15) / 16;
		uint32_t first = req->len;

		sc = ipsecmb_hold(q);
		if (nblk > before) {
			uint8_t *iv2 = sc->iv;
			int i;

			first = (uint32_t)(before * 16);
			memcpy(iv2, req->iv, 12);
			memset(iv2 + 12, 0, 4);
			for (i = 11; i >= 0 && ++iv2[i] == 0; i--)
				;
			rp->parts = 2;
		}
		job = ipsecmb_job_new(m, req);
		ipsecmb_job_aes(job, s, IMB_CIPHER_CNTR, true);
		job->src = req->src;
		job->dst = req->dst;
		job->msg_len_to_cipher_in_bytes = first;
		job->iv = req->iv;
		ipsecmb_submit(q);
		if (first != req->len) {
			job = ipsecmb_job_new(m, req);
			ipsecmb_job_aes(job, s, IMB_CIPHER_CNTR, true);
			job->src = req->src + first;
			job->dst = req->dst + first;
			job->msg_len_to_cipher_in_bytes = req->len - first;
			job->iv = sc->iv;
			ipsecmb_submit(q);
		}
		break;
	}
	case IPSECMB_HMAC:
		if (req->len == 0) {
			ipsecmb_finish_empty(q, s, req);
			break;
		}
		sc = ipsecmb_hold(q);
		rp->tag = tag = ipsecmb_mac_out(s, req, sc->tag, &tag_len);
		job = ipsecmb_job_new(m, req);
		ipsecmb_job_hmac(job, s, tag, tag_len);
		job->src = src;
		job->msg_len_to_hash_in_bytes = req->len;
		ipsecmb_submit(q);
		break;
	case IPSECMB_AUTHENC: {
		const uint8_t *aad = req->aad_len ? req->aad : q->dummy;
		uint32_t hlen = (uint32_t)req->aad_len + req->len;
		bool contiguous = req->aad_len == 0 || req->aad + req->aad_len == req->src;

		if (hlen == 0) {
			ipsecmb_finish_empty(q, s, req);
			break;
		}
		sc = ipsecmb_hold(q);
		rp->tag = tag = ipsecmb_mac_out(s, req, sc->tag, &tag_len);
		job = ipsecmb_job_new(m, req);
		ipsecmb_job_hmac(job, s, tag, tag_len);
		job->msg_len_to_hash_in_bytes = hlen;
		if (req->len == 0) {
			/* ipsec-mb refuses an empty CBC: MAC the AAD alone. */
			job->src = aad;
			ipsecmb_submit(q);
			break;
		}
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, enc);
		job->iv = req->iv;
		job->msg_len_to_cipher_in_bytes = req->len;
		job->cipher_start_src_offset_in_bytes = req->aad_len;
		/* One chained job hashes one buffer: aad || data, the ESP layout.
		 * Decrypt hashes the input before deciphering it. */
		if (contiguous && (!enc || req->dst == req->src)) {
			job->src = req->aad_len ? req->aad : req->src;
			job->dst = req->dst;
			ipsecmb_submit(q);
			break;
		}
		/* Encrypt hashes the output: out of place, that is aad || dst. The
		 * hash starts at src + its offset, so the offset is dst's distance
		 * from src, modulo 2^64 (what DPDK's aesni_mb PMD does too). */
		if (enc && (req->aad_len == 0 || req->aad + req->aad_len == req->dst)) {
			const uint8_t *hstart = req->aad_len ? req->aad : req->dst;

			job->src = req->src;
			job->dst = req->dst;
			job->cipher_start_src_offset_in_bytes = 0;
			job->hash_start_src_offset_in_bytes =
				(uint64_t)((uintptr_t)hstart - (uintptr_t)req->src);
			ipsecmb_submit(q);
			break;
		}
		/* Otherwise lay aad || data out in the bounce buffer, run there in
		 * place and copy the result out once the MAC is known. */
		memcpy(q->bounce, aad, req->aad_len);
		memcpy(q->bounce + req->aad_len, req->src, req->len);
		rp->bounce = 1;
		job->src = q->bounce;
		job->dst = q->bounce + req->aad_len;
		ipsecmb_submit(q);
		/* The bounce buffer is single: finish this request now. */
		ipsecmb_flush(q);
		break;
	}
	case IPSECMB_CHACHA:
	case IPSECMB_CHACHA_ESP: {
		const uint8_t *iv = req->iv;

		sc = ipsecmb_hold(q);
		if (s->kind == IPSECMB_CHACHA_ESP) {
			memcpy(sc->iv, s->keys->salt, 4);
			memcpy(sc->iv + 4, req->iv, 8);
			iv = sc->iv;
		}
		/* The tag is 16 bytes, what the job writes: straight out on encrypt. */
		rp->tag = tag = enc ? req->digest : sc->tag;
		job = ipsecmb_job_new(m, req);
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
		break;
	}
	default:
		break;
	}
}

/* The last job of a request is back: digest, tag check, copy-out. */
static void
ipsecmb_finish(struct ipsecmb_qp *q, struct ce_request *req)
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
		if (req->op == CE_OP_ENCRYPT) {
			if (status == 0) {
				if (rp->tag != req->digest)
					memcpy(req->digest, rp->tag, s->digest_len);
				if (rp->bounce)
					memcpy(req->dst, q->bounce + req->aad_len, req->len);
			}
		} else if (status == 0) {
			/* The output range is zeros after a failure, whatever the path. */
			status = ipsecmb_tag_check(rp->tag, req->digest, s->digest_len,
						   req->dst, req->len);
			if (status == 0 && rp->bounce)
				memcpy(req->dst, q->bounce + req->aad_len, req->len);
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
	ipsecmb_cq_push(q, req, status);
}

static void
ipsecmb_job_done(struct ipsecmb_qp *q, IMB_JOB *job)
{
	struct ce_request *req = job->user_data;
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
ipsecmb_dispatch(struct ipsecmb_qp *q, const struct ipsecmb_sess *s, struct ce_request *req)
{
	switch (s->kind) {
	case IPSECMB_GCM:
	case IPSECMB_RFC4106:
		ipsecmb_cq_push(q, req, ipsecmb_gcm(q, s, req));
		break;
	case IPSECMB_CHACHA:
	case IPSECMB_CHACHA_ESP:
		/* See the top comment for why whole KiB go the direct way. */
		if (req->len != 0 && (req->len & 1023) != 0) {
			ipsecmb_start_job(q, s, req);
			break;
		}
		ipsecmb_cq_push(q, req, ipsecmb_chacha(q, s, req));
		break;
	case IPSECMB_CBC:
	case IPSECMB_CTR:
		if (req->len == 0) {
			/* Empty input succeeds, as in the kernel (ipsec-mb refuses it). */
			ipsecmb_cq_push(q, req, 0);
			break;
		}
		/* fall through */
	default:
		ipsecmb_start_job(q, s, req);
		break;
	}
}

static inline int
ipsecmb_run(struct ipsecmb_qp *q, struct ce_request *req)
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

static int
ipsecmb_do_one_request(struct ce_pmd_qp *qp, struct ce_request *req)
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

static uint16_t
ipsecmb_do_batch_requests(struct ce_pmd_qp *qp, struct ce_request **reqs, uint16_t nb)
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
		struct ce_request *req = reqs[i];
		const struct ipsecmb_sess *s = req->active->priv;

		if (unlikely(ipsecmb_req_check(req, s) < 0)) {
			ipsecmb_burst_submit(q, jobs, nj);
			nj = got = 0;
			ipsecmb_cq_push(q, req, -EINVAL);
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

static uint16_t
ipsecmb_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct ipsecmb_qp *q = qp->priv;
	uint16_t n = 0;

	/* No input since the last poll: nothing will fill the lanes, so the
	 * held requests would wait forever. */
	if (q->held != 0 && !q->fed)
		ipsecmb_flush(q);
	q->fed = false;
	while (n < max && q->cq_tail != q->cq_head) {
		struct ipsecmb_cq_ent e = q->cq[q->cq_tail & (IPSECMB_CQ_SIZE - 1)];

		/* Pop first: finalize may submit to this queue pair again. */
		q->cq_tail++;
		ce_pmd_complete(qp, e.req, e.status);
		n++;
	}
	return n;
}

/* Everything held can be computed now: finalize it with its real status. */
static uint16_t
ipsecmb_cancel(struct ce_pmd_qp *qp, int status)
{
	struct ipsecmb_qp *q = qp->priv;

	RTE_SET_USED(status);
	ipsecmb_flush(q);
	return ipsecmb_poll(qp, UINT16_MAX);
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
	.nb_caps = RTE_DIM(ipsecmb_caps),
	.max_batch = IPSECMB_MAX_BATCH,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = sizeof(struct ipsecmb_dev),
	.qp_priv_size = sizeof(struct ipsecmb_qp),
	.sess_priv_size = sizeof(struct ipsecmb_sess),
};

CE_PMD_REGISTER(ipsecmb_driver);
