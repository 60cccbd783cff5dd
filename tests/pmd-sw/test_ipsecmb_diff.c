/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential test of the "ipsecmb" backend against OpenSSL's libcrypto:
 * random keys, IVs, AAD (0..64 bytes) and lengths (every length below 64,
 * then 0..~9000, block multiples only where the mode needs them), in place
 * and out of place (and, for authenc and authencesn, the ESP layout with the
 * AAD right before the data), in batches through do_batch_requests; each vector is
 * encrypted and compared, decrypted and compared, and one in eight also
 * checks that a flipped tag bit gives -EBADMSG and zeros.
 *
 * Usage: test_ipsecmb_diff [family...] where family is gcm, cipher, hash,
 * hmac, authenc, authencesn or chacha (default: all). CE_TEST_SEED=<n> replays a run;
 * CE_TEST_VECTORS=<n> changes the count per algorithm (default 10000).
 */
#define CE_TEST_WANT_EAL
#include "ce_test.h"

#include <errno.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rte_common.h>

#include "ce_pmd.h"

enum kind { K_GCM, K_4106, K_CBC, K_CTR, K_SHA, K_HMAC, K_AUTHENC, K_CP, K_CPESP, K_AUTHENC_ESN };

struct dalg {
	const char *family;
	const char *name;
	enum kind kind;
	const EVP_MD *(*md)(void);
};

static const struct dalg algs[] = {
	{ "gcm", "gcm(aes)", K_GCM, NULL },
	{ "gcm", "rfc4106(gcm(aes))", K_4106, NULL },
	{ "cipher", "cbc(aes)", K_CBC, NULL },
	{ "cipher", "ctr(aes)", K_CTR, NULL },
	{ "hash", "sha1", K_SHA, EVP_sha1 },
	{ "hash", "sha256", K_SHA, EVP_sha256 },
	{ "hash", "sha384", K_SHA, EVP_sha384 },
	{ "hash", "sha512", K_SHA, EVP_sha512 },
	{ "hmac", "hmac(sha1)", K_HMAC, EVP_sha1 },
	{ "hmac", "hmac(sha256)", K_HMAC, EVP_sha256 },
	{ "hmac", "hmac(sha384)", K_HMAC, EVP_sha384 },
	{ "hmac", "hmac(sha512)", K_HMAC, EVP_sha512 },
	{ "authenc", "authenc(hmac(sha1),cbc(aes))", K_AUTHENC, EVP_sha1 },
	{ "authenc", "authenc(hmac(sha256),cbc(aes))", K_AUTHENC, EVP_sha256 },
	{ "authenc", "authenc(hmac(sha512),cbc(aes))", K_AUTHENC, EVP_sha512 },
	{ "chacha", "rfc7539(chacha20,poly1305)", K_CP, NULL },
	{ "chacha", "rfc7539esp(chacha20,poly1305)", K_CPESP, NULL },
	/* Last, so that the families above keep their streams (replays). */
	{ "authencesn", "authencesn(hmac(sha1),cbc(aes))", K_AUTHENC_ESN, EVP_sha1 },
	{ "authencesn", "authencesn(hmac(sha256),cbc(aes))", K_AUTHENC_ESN, EVP_sha256 },
};

#define BATCH 16
#define MAX_LEN 9000
#define MAX_AAD 64
#define BUF_SIZE (MAX_AAD + MAX_LEN + 64)

struct vec {
	struct ce_pmd_session *enc, *dec;
	uint8_t key[CE_KEY_MAX], iv[64], aad[MAX_AAD];
	uint8_t pt[BUF_SIZE], ct[BUF_SIZE]; /* input and expected output */
	uint8_t a[BUF_SIZE], b[BUF_SIZE];   /* the backend's buffers */
	uint8_t tag[64], dig[64];
	uint32_t len;
	uint16_t klen, ivlen, dlen, aadlen;
	uint16_t aklen, eklen;               /* authenc: the keys in the blob */
	bool inplace, esp_layout, flip;
	struct ce_pmd_request req;
	int status;
};

static struct ce_pmd_dev *dev;
static struct ce_pmd_qp *qp;
static struct vec vecs[BATCH];
static uint64_t seed, rng_state;
static const struct dalg *cur;
static unsigned int cur_index;

static uint64_t
rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void
rnd_fill(uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t r = rnd();

		memcpy(p, &r, 8);
		p += 8;
		n -= 8;
	}
	if (n != 0) {
		uint64_t r = rnd();

		memcpy(p, &r, n);
	}
}

#define DCHECK(cond, v) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s failed: %s vector %u len %u aad %u iv %u " \
			"digest %u key %u %s%s; replay with CE_TEST_SEED=%" PRIu64 "\n", \
			__FILE__, __LINE__, #cond, cur->name, cur_index, (v)->len, \
			(v)->aadlen, (v)->ivlen, (v)->dlen, (v)->klen, \
			(v)->inplace ? "in place" : "out of place", \
			(v)->esp_layout ? " esp layout" : "", seed); \
		exit(1); \
	} \
} while (0)

static const EVP_CIPHER *
aes(enum kind k, unsigned int klen)
{
	switch (k) {
	case K_GCM:
		return klen == 16 ? EVP_aes_128_gcm() : klen == 24 ? EVP_aes_192_gcm() :
			EVP_aes_256_gcm();
	case K_CTR:
		return klen == 16 ? EVP_aes_128_ctr() : klen == 24 ? EVP_aes_192_ctr() :
			EVP_aes_256_ctr();
	default:
		return klen == 16 ? EVP_aes_128_cbc() : klen == 24 ? EVP_aes_192_cbc() :
			EVP_aes_256_cbc();
	}
}

/* OpenSSL: AEAD encrypt (GCM or ChaCha20-Poly1305), full 16-byte tag. */
static void
ossl_aead(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, int ivlen,
	  const uint8_t *aad, int aadlen, const uint8_t *in, int len, uint8_t *out,
	  uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl;

	CHECK(ctx != NULL);
	CHECK(EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, ivlen, NULL) == 1);
	CHECK(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) == 1);
	if (aadlen)
		CHECK(EVP_EncryptUpdate(ctx, NULL, &outl, aad, aadlen) == 1);
	if (len)
		CHECK(EVP_EncryptUpdate(ctx, out, &outl, in, len) == 1);
	CHECK(EVP_EncryptFinal_ex(ctx, out + len, &outl) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1);
	EVP_CIPHER_CTX_free(ctx);
}

static void
ossl_cipher(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, const uint8_t *in,
	    int len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl;

	CHECK(ctx != NULL);
	CHECK(EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1);
	CHECK(EVP_CIPHER_CTX_set_padding(ctx, 0) == 1);
	if (len)
		CHECK(EVP_EncryptUpdate(ctx, out, &outl, in, len) == 1);
	CHECK(EVP_EncryptFinal_ex(ctx, out + len, &outl) == 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* Pick sizes, fill the inputs, compute the expected outputs with OpenSSL. */
/* authenc: an HMAC key of the digest's size (ESP's) half the time, else of
 * any length the blob leaves room for (most longer than the hash's block,
 * hashed first); AES-128, -192 or -256. */
static void
authenc_sizes(struct vec *v, unsigned int mdlen)
{
	v->eklen = (uint16_t)(16 + 8 * rnd_below(3));
	v->aklen = rnd() & 1 ? (uint16_t)mdlen :
		   (uint16_t)rnd_below(CE_KEY_MAX - CE_AUTHENC_KEY_HDR_LEN - v->eklen + 1);
	v->klen = (uint16_t)(CE_AUTHENC_KEY_HDR_LEN + v->aklen + v->eklen);
}

static void
vec_make(struct vec *v, unsigned int index)
{
	static const uint16_t gcm_tags[] = { 4, 8, 12, 13, 14, 15, 16 };
	unsigned int mdlen = cur->md ? (unsigned int)EVP_MD_size(cur->md()) : 0;
	static uint8_t tmp[BUF_SIZE];
	uint8_t full[64];
	bool block = cur->kind == K_CBC || cur->kind == K_AUTHENC ||
		     cur->kind == K_AUTHENC_ESN;

	memset(&v->req, 0, sizeof(v->req));
	v->ivlen = v->dlen = v->aadlen = 0;
	v->inplace = rnd() & 1;
	v->esp_layout = false;
	v->flip = rnd_below(8) == 0;
	/* Every length below 64 first (twice: in place and out of place). */
	if (index < 128)
		v->len = index % 64;
	else if (rnd_below(4) == 0)
		v->len = rnd_below(257);
	else
		v->len = rnd_below(MAX_LEN + 1);
	if (block)
		v->len &= ~15u;

	switch (cur->kind) {
	case K_GCM:
		v->klen = (uint16_t)(16 + 8 * rnd_below(3));
		v->ivlen = rnd_below(4) ? 12 : (uint16_t)(1 + rnd_below(64));
		v->dlen = gcm_tags[rnd_below(RTE_DIM(gcm_tags))];
		v->aadlen = (uint16_t)rnd_below(MAX_AAD + 1);
		break;
	case K_4106:
		v->klen = (uint16_t)(20 + 8 * rnd_below(3));
		v->ivlen = 8;
		v->dlen = (uint16_t)(8 + 4 * rnd_below(3));
		v->aadlen = rnd() & 1 ? 8 : 12;
		break;
	case K_CBC:
	case K_CTR:
		v->klen = (uint16_t)(16 + 8 * rnd_below(3));
		v->ivlen = 16;
		break;
	case K_SHA:
		v->klen = 0;
		v->dlen = (uint16_t)mdlen;
		break;
	case K_HMAC:
		v->klen = (uint16_t)rnd_below(CE_KEY_MAX + 1);
		v->dlen = rnd() & 1 ? (uint16_t)mdlen : (uint16_t)(4 + rnd_below(mdlen - 3));
		break;
	case K_AUTHENC:
		authenc_sizes(v, mdlen);
		v->ivlen = 16;
		v->dlen = rnd() & 1 ? (uint16_t)mdlen : (uint16_t)(4 + rnd_below(mdlen - 3));
		v->aadlen = (uint16_t)rnd_below(MAX_AAD + 1);
		v->esp_layout = rnd() & 1;
		if (v->esp_layout)
			v->inplace = true;
		break;
	case K_AUTHENC_ESN:
		/* SPI || seq_hi || seq_lo || IV (28, esp4.c's) half the time. */
		authenc_sizes(v, mdlen);
		v->ivlen = 16;
		v->dlen = rnd() & 1 ? (uint16_t)mdlen : (uint16_t)(4 + rnd_below(mdlen - 3));
		v->aadlen = rnd() & 1 ? 28 : (uint16_t)(8 + rnd_below(MAX_AAD - 7));
		v->esp_layout = rnd() & 1;
		if (v->esp_layout)
			v->inplace = true;
		break;
	case K_CP:
		v->klen = 32;
		v->ivlen = 12;
		v->dlen = 16;
		v->aadlen = (uint16_t)rnd_below(MAX_AAD + 1);
		break;
	case K_CPESP:
		v->klen = 36;
		v->ivlen = 8;
		v->dlen = 16;
		v->aadlen = rnd() & 1 ? 8 : 12;
		break;
	}
	rnd_fill(v->key, v->klen);
	if (cur->kind == K_AUTHENC || cur->kind == K_AUTHENC_ESN) {
		uint8_t raw[CE_KEY_MAX];

		/* The kernel's blob around random keys. */
		rnd_fill(raw, v->aklen + v->eklen);
		CHECK(ce_authenc_key_build(v->key, sizeof(v->key), raw, v->aklen, raw + v->aklen,
					   v->eklen) == v->klen);
	}
	rnd_fill(v->iv, v->ivlen);
	rnd_fill(v->aad, v->aadlen);
	rnd_fill(v->pt, v->len);
	if (cur->kind == K_CTR && rnd_below(4) == 0) {
		/* Low 32 bits of the counter close to the wrap. */
		uint32_t left = rnd_below(600);

		v->iv[12] = v->iv[13] = v->iv[14] = 0xff;
		v->iv[15] = (uint8_t)(0xff - (left & 0xff));
		if (rnd_below(4) == 0)
			memset(v->iv, 0xff, 12); /* and the carry runs through all 128 */
	}

	switch (cur->kind) {
	case K_GCM:
	case K_4106: {
		uint8_t nonce[64];
		unsigned int ak = cur->kind == K_4106 ? v->klen - 4u : v->klen;
		int nl = v->ivlen;

		if (cur->kind == K_4106) {
			memcpy(nonce, v->key + ak, 4);
			memcpy(nonce + 4, v->iv, 8);
			nl = 12;
		} else {
			memcpy(nonce, v->iv, v->ivlen);
		}
		ossl_aead(aes(K_GCM, ak), v->key, nonce, nl, v->aad, v->aadlen, v->pt,
			  (int)v->len, v->ct, full);
		memcpy(v->tag, full, v->dlen);
		break;
	}
	case K_CP:
	case K_CPESP: {
		uint8_t nonce[12];

		if (cur->kind == K_CPESP) {
			memcpy(nonce, v->key + 32, 4);
			memcpy(nonce + 4, v->iv, 8);
		} else {
			memcpy(nonce, v->iv, 12);
		}
		ossl_aead(EVP_chacha20_poly1305(), v->key, nonce, 12, v->aad, v->aadlen, v->pt,
			  (int)v->len, v->ct, full);
		memcpy(v->tag, full, v->dlen);
		break;
	}
	case K_CBC:
	case K_CTR:
		ossl_cipher(aes(cur->kind, v->klen), v->key, v->iv, v->pt, (int)v->len, v->ct);
		break;
	case K_SHA:
		CHECK(EVP_Digest(v->pt, v->len, full, NULL, cur->md(), NULL) == 1);
		memcpy(v->tag, full, v->dlen);
		break;
	case K_HMAC:
		CHECK(HMAC(cur->md(), v->key, v->klen, v->pt, v->len, full, NULL) != NULL);
		memcpy(v->tag, full, v->dlen);
		break;
	case K_AUTHENC:
		ossl_cipher(aes(K_CBC, v->eklen), v->key + 8 + v->aklen, v->iv, v->pt,
			    (int)v->len, v->ct);
		memcpy(tmp, v->aad, v->aadlen);
		memcpy(tmp + v->aadlen, v->ct, v->len);
		CHECK(HMAC(cur->md(), v->key + 8, (int)v->aklen, tmp, v->aadlen + v->len, full,
			   NULL) != NULL);
		memcpy(v->tag, full, v->dlen);
		break;
	case K_AUTHENC_ESN:
		/* crypto/authencesn.c: SPI || aad[8..] || ciphertext || seq_hi. */
		ossl_cipher(aes(K_CBC, v->eklen), v->key + 8 + v->aklen, v->iv, v->pt,
			    (int)v->len, v->ct);
		memcpy(tmp, v->aad, 4);
		memcpy(tmp + 4, v->aad + 8, v->aadlen - 8u);
		memcpy(tmp + v->aadlen - 4, v->ct, v->len);
		memcpy(tmp + v->aadlen - 4 + v->len, v->aad + 4, 4);
		CHECK(HMAC(cur->md(), v->key + 8, (int)v->aklen, tmp, v->aadlen + v->len, full,
			   NULL) != NULL);
		memcpy(v->tag, full, v->dlen);
		break;
	}
}

static struct ce_pmd_session *
vec_session(struct vec *v, uint8_t op)
{
	struct ce_pmd_session_params p = {
		.alg = cur->name, .key = v->key, .key_len = v->klen, .iv_len = v->ivlen,
		.digest_len = v->dlen, .aad_len = v->aadlen, .op = op,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &p, &why);

	if (s == NULL)
		fprintf(stderr, "session: %s (%s)\n", strerror(errno), why ? why : "?");
	DCHECK(s != NULL, v);
	return s;
}

/* Lay the request out: input copied to a (or after the AAD in a for the ESP
 * layout), output in a (in place) or b. */
static void
vec_request(struct vec *v, struct ce_pmd_session *s, const uint8_t *in, const uint8_t *digest)
{
	struct ce_pmd_request *r = &v->req;
	uint8_t *src = v->a;

	memset(r, 0, sizeof(*r));
	if (v->esp_layout) {
		memcpy(v->a, v->aad, v->aadlen);
		src = v->a + v->aadlen;
		r->aad = v->a;
	} else {
		r->aad = v->aad;
	}
	memcpy(src, in, v->len);
	memset(v->b, 0xa5, v->len);
	memcpy(v->dig, digest, v->dlen);
	r->sess = s;
	r->active = s;
	r->src = src;
	r->dst = v->inplace ? src : v->b;
	r->iv = v->iv;
	r->digest = v->dig;
	r->len = v->len;
	r->aad_len = v->aadlen;
	r->op = s->op;
	v->status = 1;
}

static void
diff_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	unsigned int *n = ctx;
	struct vec *v = container_of(req, struct vec, req);

	CHECK_EQ(v->status, 1); /* exactly one completion */
	v->status = status;
	(*n)++;
}

/* Run the requests of the vectors flagged in want (all when NULL). */
static void
run_batch(unsigned int nvecs, const bool *want)
{
	struct ce_pmd_request *reqs[BATCH];
	unsigned int done = 0, taken = 0, nb = 0;

	for (unsigned int i = 0; i < nvecs; i++)
		if (want == NULL || want[i])
			reqs[nb++] = &vecs[i].req;
	qp->finalize = diff_finalize;
	qp->finalize_ctx = &done;
	while (taken < nb) {
		uint16_t n = qp->dev->drv->fast->do_batch_requests(qp, reqs + taken,
								    (uint16_t)(nb - taken));
		taken += n;
		qp->dev->drv->fast->poll(qp, BATCH);
	}
	while (done < nb)
		qp->dev->drv->fast->poll(qp, BATCH);
	qp->finalize = NULL;
}

static const uint8_t *
vec_out(const struct vec *v)
{
	return v->req.dst;
}

static void
diff_alg(const struct dalg *a, unsigned int nvec)
{
	bool hash = a->kind == K_SHA || a->kind == K_HMAC;
	bool aead = !hash && a->kind != K_CBC && a->kind != K_CTR;

	cur = a;
	for (unsigned int base = 0; base < nvec; base += BATCH) {
		unsigned int nb = RTE_MIN((unsigned int)BATCH, nvec - base);
		bool flip[BATCH];

		for (unsigned int i = 0; i < nb; i++) {
			struct vec *v = &vecs[i];

			cur_index = base + i;
			vec_make(v, base + i);
			v->enc = vec_session(v, hash ? CE_OP_DIGEST : CE_OP_ENCRYPT);
			v->dec = vec_session(v, hash ? CE_OP_VERIFY : CE_OP_DECRYPT);
			vec_request(v, v->enc, v->pt, v->tag);
			memset(v->dig, 0, sizeof(v->dig));
		}
		run_batch(nb, NULL);
		for (unsigned int i = 0; i < nb; i++) {
			struct vec *v = &vecs[i];

			cur_index = base + i;
			DCHECK(v->status == 0, v);
			if (!hash)
				DCHECK(memcmp(vec_out(v), v->ct, v->len) == 0, v);
			if (hash || aead)
				DCHECK(memcmp(v->dig, v->tag, v->dlen) == 0, v);
			/* Decrypt / verify what OpenSSL produced. */
			vec_request(v, v->dec, hash ? v->pt : v->ct, v->tag);
		}
		run_batch(nb, NULL);
		for (unsigned int i = 0; i < nb; i++) {
			struct vec *v = &vecs[i];

			cur_index = base + i;
			DCHECK(v->status == 0, v);
			if (!hash)
				DCHECK(memcmp(vec_out(v), v->pt, v->len) == 0, v);
			flip[i] = (hash || aead) && v->flip;
			if (!flip[i])
				continue;
			/* A flipped tag bit: -EBADMSG and, for AEAD, zeros out. */
			vec_request(v, v->dec, hash ? v->pt : v->ct, v->tag);
			v->dig[rnd_below(v->dlen)] ^= (uint8_t)(1u << rnd_below(8));
		}
		run_batch(nb, flip);
		for (unsigned int i = 0; i < nb; i++) {
			struct vec *v = &vecs[i];

			cur_index = base + i;
			if (flip[i]) {
				DCHECK(v->status == -EBADMSG, v);
				for (uint32_t j = 0; !hash && j < v->len; j++)
					DCHECK(vec_out(v)[j] == 0, v);
			}
			ce_pmd_session_destroy(v->enc);
			ce_pmd_session_destroy(v->dec);
		}
	}
}

int
main(int argc, char **argv)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0 };
	const char *e = getenv("CE_TEST_SEED");
	unsigned int nvec = 10000;

	seed = e != NULL ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	e = getenv("CE_TEST_VECTORS");
	if (e != NULL)
		nvec = (unsigned int)strtoul(e, NULL, 0);
	printf("seed %" PRIu64 ", %u vectors per algorithm\n", seed, nvec);
	fflush(stdout);

	ce_test_eal_init("test_ipsecmb_diff", "0");
	dev = ce_pmd_dev_create("ipsecmb", "ipsecmb-diff", &cfg);
	CHECK(dev != NULL);
	qp = dev->qps[0];

	for (size_t i = 0; i < RTE_DIM(algs); i++) {
		bool want = argc < 2;

		for (int j = 1; j < argc; j++)
			want |= strcmp(argv[j], algs[i].family) == 0;
		if (!want)
			continue;
		/* Each algorithm has its own stream, so a family replays alone. */
		rng_state = seed ^ (0x1000003dULL * (i + 1));
		fprintf(stderr, "-- %s\n", algs[i].name);
		diff_alg(&algs[i], nvec);
	}
	ce_pmd_dev_destroy(dev);
	printf("ok\n");
	return 0;
}
