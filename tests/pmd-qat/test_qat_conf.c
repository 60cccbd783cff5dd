/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance of the "cryptodev" backend over a software cryptodev
 * (crypto_aesni_mb by default; argv[1] names another):
 * - known answers: the registry's self-tests (every vector of every
 *   algorithm, in and out of place, flipped tags) must all pass on it;
 * - differential: random keys, IVs, AAD, lengths (up to 65536: two chained
 *   segments) and placements against the "ipsecmb" backend, encrypt and
 *   decrypt (or digest and verify), flipped tags giving -EBADMSG and zeros.
 *   For crypto_aesni_mb every algorithm must have run on the device, so a
 *   backend that quietly sent everything to software would fail.
 * CE_TEST_SEED=<n> replays a run; CE_TEST_VECTORS=<n> per algorithm (120).
 */
#include "qat_test.h"

#include <time.h>

#include <rte_malloc.h>

#include "ce_registry.h"

enum kind { K_AEAD, K_CIPHER, K_HASH, K_AUTHENC };

struct talg {
	const char *name;
	enum kind kind;
	uint8_t klens[3];  /* choices; 0 ends */
	uint16_t iv, dlen, block;
	uint16_t aad_min, aad_max, aad_step;
	uint16_t hmac_block; /* HMAC and authenc: random HMAC key length 1..2 x block
			      * (longer than the block: hashed before the device
			      * gets it); authenc: klens are the AES key's */
};

static const struct talg algs[] = {
	{ "gcm(aes)", K_AEAD, { 16, 24, 32 }, 12, 16, 1, 0, 64, 1, 0 },
	{ "rfc4106(gcm(aes))", K_AEAD, { 20, 28, 36 }, 8, 16, 1, 8, 12, 4, 0 },
	{ "cbc(aes)", K_CIPHER, { 16, 24, 32 }, 16, 0, 16, 0, 0, 0, 0 },
	{ "ctr(aes)", K_CIPHER, { 16, 24, 32 }, 16, 0, 1, 0, 0, 0, 0 },
	{ "sha1", K_HASH, { 0 }, 0, 20, 1, 0, 0, 0, 0 },
	{ "sha256", K_HASH, { 0 }, 0, 32, 1, 0, 0, 0, 0 },
	{ "sha384", K_HASH, { 0 }, 0, 48, 1, 0, 0, 0, 0 },
	{ "sha512", K_HASH, { 0 }, 0, 64, 1, 0, 0, 0, 0 },
	{ "hmac(sha1)", K_HASH, { 0 }, 0, 20, 1, 0, 0, 0, 64 },
	{ "hmac(sha256)", K_HASH, { 0 }, 0, 32, 1, 0, 0, 0, 64 },
	{ "hmac(sha384)", K_HASH, { 0 }, 0, 48, 1, 0, 0, 0, 128 },
	{ "hmac(sha512)", K_HASH, { 0 }, 0, 64, 1, 0, 0, 0, 128 },
	{ "authenc(hmac(sha1),cbc(aes))", K_AUTHENC, { 16, 24, 32 }, 16, 20, 16, 8, 24, 4, 64 },
	{ "authenc(hmac(sha256),cbc(aes))", K_AUTHENC, { 16, 24, 32 }, 16, 32, 16, 8, 24, 4, 64 },
	{ "authenc(hmac(sha512),cbc(aes))", K_AUTHENC, { 16, 24, 32 }, 16, 64, 16, 8, 24, 4, 128 },
	{ "rfc7539(chacha20,poly1305)", K_AEAD, { 32 }, 12, 16, 1, 0, 64, 1, 0 },
	{ "rfc7539esp(chacha20,poly1305)", K_AEAD, { 36 }, 8, 16, 1, 8, 12, 4, 0 },
};

#define MAX_LEN 65536
#define PRE 64 /* room for the AAD right before the data (authenc in place) */
#define GROUP 10 /* vectors per session pair */

static struct ce_pmd_dev *qdev, *ref;
static uint8_t *ba, *bb, *pt, *ct, *aadb, *iv, *tag, *tag2;

static struct ce_pmd_session *
sess(struct ce_pmd_dev *d, const struct talg *a, const uint8_t *key, uint16_t klen,
     uint16_t dlen, uint16_t aad, uint8_t op)
{
	struct ce_pmd_session_params p = {
		.alg = a->name, .key = key, .key_len = klen, .iv_len = a->iv,
		.digest_len = dlen, .aad_len = aad, .op = op,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(d, &p, &why);

	if (s == NULL) {
		fprintf(stderr, "%s on %s: %s (%s)\n", a->name, d->name, strerror(errno),
			why ? why : "?");
		exit(1);
	}
	return s;
}

static int
run(struct ce_pmd_dev *d, struct ce_pmd_session *s, uint8_t op, uint8_t *src, uint8_t *dst,
    uint32_t len, uint8_t *aad, uint16_t aad_len, uint8_t *digest)
{
	struct ce_pmd_request req;

	memset(&req, 0, sizeof(req));
	req.sess = s;
	req.op = op;
	req.src = src;
	req.dst = dst;
	req.len = len;
	req.iv = s->iv_len ? iv : NULL;
	req.aad = aad_len ? aad : NULL;
	req.aad_len = aad_len;
	req.digest = s->digest_len ? digest : NULL;
	return ce_pmd_run_sync(d->qps[0], &req);
}

static uint32_t
rand_len(const struct talg *a)
{
	uint32_t r = (uint32_t)qat_rand(), len;

	if (r % 16 == 0)
		len = (uint32_t)(qat_rand() % (MAX_LEN - 1)) + 1;
	else if (r % 16 == 1)
		/* Two chained segments. Only AEAD: the ipsecmb oracle does
		 * nothing for a 65536-byte cbc(aes) (returns 0, output untouched). */
		len = a->kind == K_AEAD ? MAX_LEN : MAX_LEN - 1;
	else
		len = (uint32_t)(qat_rand() % 2048) + 1;
	len -= len % a->block;
	return len == 0 ? a->block : len;
}

static uint64_t
enq_ops(void)
{
	struct ce_pmd_qat_stats st;

	CHECK_EQ(ce_pmd_qat_stats_get(qdev, &st), 0);
	return st.enq_ops;
}

/* One vector: reference on ipsecmb, then ours; returns whether the device ran it. */
static bool
vector(const struct talg *a, struct ce_pmd_session *re, struct ce_pmd_session *qe,
       struct ce_pmd_session *qd, uint16_t dlen, uint16_t aad_len)
{
	uint32_t len = rand_len(a);
	bool inplace = qat_rand() & 1, flip = qat_rand() % 8 == 0;
	uint64_t before = enq_ops();
	uint8_t *src, *dst, *aad = aadb;
	int ret;

	qat_fill(pt, len);
	qat_fill(iv, 16);
	qat_fill(aadb, aad_len);
	if (a->kind == K_HASH) {
		CHECK_EQ(run(ref, re, CE_OP_DIGEST, pt, pt, len, NULL, 0, tag), 0);
		memcpy(ba + PRE, pt, len);
		memset(tag2, 0xa5, 64);
		CHECK_EQ(run(qdev, qe, CE_OP_DIGEST, ba + PRE, ba + PRE, len, NULL, 0, tag2), 0);
		CHECK_MEM(tag2, tag, dlen);
		if (flip)
			tag[qat_rand() % dlen] ^= 0x10;
		ret = run(qdev, qd, CE_OP_VERIFY, ba + PRE, ba + PRE, len, NULL, 0, tag);
		CHECK_EQ(ret, flip ? -EBADMSG : 0);
		return enq_ops() != before;
	}
	/* Reference ciphertext and tag. */
	CHECK_EQ(run(ref, re, CE_OP_ENCRYPT, pt, ct, len, aadb, aad_len, tag), 0);
	/* Ours: in place (authenc: AAD right in front, the ESP layout) or not. */
	src = ba + PRE;
	dst = inplace ? src : bb + PRE;
	if (a->kind == K_AUTHENC && inplace && (qat_rand() % 4) != 0) {
		aad = src - aad_len;
		memcpy(aad, aadb, aad_len);
	}
	memcpy(src, pt, len);
	memset(tag2, 0xa5, 64);
	CHECK_EQ(run(qdev, qe, CE_OP_ENCRYPT, src, dst, len, aad, aad_len, tag2), 0);
	CHECK_MEM(dst, ct, len);
	if (dlen != 0)
		CHECK_MEM(tag2, tag, dlen);
	/* Decrypt the reference back. */
	if (a->kind == K_AUTHENC && aad != aadb)
		memcpy(aad, aadb, aad_len);
	memcpy(src, ct, len);
	if (flip && dlen != 0)
		tag[qat_rand() % dlen] ^= 0x01;
	ret = run(qdev, qd, CE_OP_DECRYPT, src, dst, len, aad, aad_len, tag);
	if (flip && dlen != 0) {
		CHECK_EQ(ret, -EBADMSG);
		for (uint32_t i = 0; i < len; i++)
			CHECK_EQ(dst[i], 0);
	} else {
		CHECK_EQ(ret, 0);
		CHECK_MEM(dst, pt, len);
	}
	return enq_ops() != before;
}

static bool null_on_device;
static bool asym_on_device;

static void
test_known_answers(void)
{
	uint64_t before = enq_ops();
	int failed = ce_registry_add_dev(qdev);
	unsigned int n = 0, allowed = 0;

	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e)) {
		if (e->dev != qdev)
			continue;
		if (e->selftest == CE_SELFTEST_FAILED) {
			fprintf(stderr, "  %s: %s\n", e->alg->driver_name, e->selftest_why);
			/* The static caps are a superset (ce_pmd.h has no per-device
			 * table): the null algorithms have no software fallback, so a
			 * device without them fails their self-test, and the registry
			 * then never chooses them — as intended. */
			CHECK((strstr(e->alg->name, "null") != NULL && !null_on_device) ||
			      /* Nor has a device without asymmetric xforms (only
			       * crypto_openssl has them) its asymmetric algorithms:
			       * their known answers (lib/pmd/testvec_asym.c) fail. */
			      (ce_pmd_alg_type_is_asym(e->alg->type) && !asym_on_device));
			allowed++;
		}
		n += e->selftest == CE_SELFTEST_PASSED;
	}
	CHECK_EQ(failed, (int)allowed);
	fprintf(stderr, "  %u implementations passed, %" PRIu64 " ops on the device\n", n,
		enq_ops() - before);
	CHECK(n >= 17 || (null_on_device && n >= 2));
	CHECK(enq_ops() > before);
	ce_registry_remove_dev(qdev);
}

static void
test_differential(bool all_on_device)
{
	const char *env = getenv("CE_TEST_VECTORS");
	unsigned int per_alg = env ? (unsigned int)atoi(env) : 120, total = 0;

	for (size_t ai = 0; ai < RTE_DIM(algs); ai++) {
		const struct talg *a = &algs[ai];
		unsigned int on_dev = 0;

		for (unsigned int g = 0; g < per_alg; g += GROUP) {
			uint8_t key[CE_KEY_MAX];
			unsigned int nk = 0;
			uint16_t klen, dlen = a->dlen, aad = 0;
			bool hash = a->kind == K_HASH;

			while (nk < 3 && a->klens[nk] != 0)
				nk++;
			klen = nk ? a->klens[qat_rand() % nk] : 0;
			if (a->aad_max)
				aad = (uint16_t)(a->aad_min + (qat_rand() % ((a->aad_max - a->aad_min) /
						 a->aad_step + 1)) * a->aad_step);
			if (a->kind == K_AUTHENC) {
				/* The kernel's blob: an HMAC key of any length, the AES key. */
				uint8_t raw[CE_KEY_MAX];
				uint16_t ak = (uint16_t)(qat_rand() % (2u * a->hmac_block)) + 1;
				int n;

				qat_fill(raw, (uint16_t)(ak + klen));
				n = ce_authenc_key_build(key, sizeof(key), raw, ak, raw + ak, klen);
				CHECK(n > 0);
				klen = (uint16_t)n;
			} else {
				if (a->hmac_block)
					klen = (uint16_t)(qat_rand() % (2u * a->hmac_block)) + 1;
				qat_fill(key, klen);
			}
			struct ce_pmd_session *re = sess(ref, a, key, klen, dlen, aad,
						     hash ? CE_OP_DIGEST : CE_OP_ENCRYPT);
			struct ce_pmd_session *qe = sess(qdev, a, key, klen, dlen, aad,
						     hash ? CE_OP_DIGEST : CE_OP_ENCRYPT);
			struct ce_pmd_session *qd = sess(qdev, a, key, klen, dlen, aad,
						     hash ? CE_OP_VERIFY : CE_OP_DECRYPT);
			for (unsigned int v = 0; v < GROUP; v++, total++)
				on_dev += vector(a, re, qe, qd, dlen, aad);
			ce_pmd_session_destroy(re);
			ce_pmd_session_destroy(qe);
			ce_pmd_session_destroy(qd);
		}
		fprintf(stderr, "  %-32s %u/%u on the device\n", a->name, on_dev, per_alg);
		if (all_on_device)
			CHECK(on_dev > 0);
	}
	fprintf(stderr, "  %u differential vectors\n", total);
	CHECK(total >= 1000 || per_alg < 60);
}

int
main(int argc, char **argv)
{
	const char *vdev = argc > 1 ? argv[1] : "crypto_aesni_mb";
	char args[128];

	qat_test_eal_init("test_qat_conf");
	qat_seed("test_qat_conf");
	snprintf(args, sizeof(args), "dev=%s,qp_depth=64", vdev);
	qdev = qat_test_dev("cryptodev", "qat0", args);
	ref = qat_test_dev("ipsecmb", "ref", NULL);
	ba = rte_malloc(NULL, PRE + MAX_LEN + 64, 64);
	bb = rte_malloc(NULL, PRE + MAX_LEN + 64, 64);
	pt = rte_malloc(NULL, MAX_LEN + 64, 64);
	ct = rte_malloc(NULL, MAX_LEN + 64, 64);
	aadb = rte_malloc(NULL, 256, 64);
	iv = rte_malloc(NULL, 64, 64);
	tag = rte_malloc(NULL, 64, 64);
	tag2 = rte_malloc(NULL, 64, 64);
	CHECK(ba && bb && pt && ct && aadb && iv && tag && tag2);

	null_on_device = strcmp(vdev, "crypto_openssl") != 0;
	asym_on_device = strcmp(vdev, "crypto_openssl") == 0;
	RUN(test_known_answers);
	/* crypto_null has nothing in common with ipsecmb: known answers only. */
	if (strcmp(vdev, "crypto_null") != 0) {
		fprintf(stderr, "-- test_differential (%s)\n", vdev);
		test_differential(strcmp(vdev, "crypto_aesni_mb") == 0);
	}

	ce_pmd_dev_destroy(qdev);
	ce_pmd_dev_destroy(ref);
	rte_eal_cleanup();
	return 0;
}
