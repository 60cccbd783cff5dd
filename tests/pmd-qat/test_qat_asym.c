/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The asymmetric side of the "cryptodev" backend over DPDK's crypto_openssl
 * vdev, differential against OpenSSL's EVP (the oracle, fresh keys each
 * run): RSA (raw, PKCS#1 v1.5 sign/verify/encrypt/decrypt, PSS, OAEP) with
 * CRT keys of 2048 and 4096 bits, ffdhe2048; invalid signatures and
 * ciphertexts (-EBADMSG), peers' keys out of range (-EINVAL), bad keys
 * refused at session creation, batches, the device's counters, and a
 * failing device completing every request (-EIO without a software side).
 * First it prints what the vdev's asymmetric capabilities say (README.md).
 */
#include "qat_test.h"
#include "asym_oracle.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <rte_cryptodev.h>
#include <rte_cycles.h>

#include "qat_priv.h"

#define MODMAX 512

static struct ce_pmd_dev *dev;      /* crypto_openssl, no software side */
static struct ce_pmd_qp *qp;

static void
print_asym_caps(uint8_t id)
{
	struct rte_cryptodev_info info;

	rte_cryptodev_info_get(id, &info);
	fprintf(stderr, "%s asymmetric capabilities:\n", info.driver_name);
	for (const struct rte_cryptodev_capabilities *c = info.capabilities;
	     c->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; c++) {
		const struct rte_cryptodev_asymmetric_xform_capability *x = &c->asym.xform_capa;

		if (c->op != RTE_CRYPTO_OP_TYPE_ASYMMETRIC)
			continue;
		fprintf(stderr, "  %-7s op_types 0x%x modlen %u..%u step %u\n",
			rte_crypto_asym_xform_strings[x->xform_type], x->op_types, x->modlen.min,
			x->modlen.max, x->modlen.increment);
	}
}

/* ------------------------------------------------------------ helpers */

static struct ce_pmd_session *
sess_make(const char *alg, uint8_t op, const uint8_t *key, size_t key_len)
{
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = (uint16_t)key_len, .op = op,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &p, &why);

	if (s == NULL)
		fprintf(stderr, "session %s op %u: %s (%s)\n", alg, op, strerror(errno),
			why ? why : "");
	return s;
}

/* Run one request synchronously. */
static int
run(struct ce_pmd_session *s, const uint8_t *src, uint32_t len, uint8_t *dst,
    const uint8_t *sig, uint16_t sig_len, uint32_t *out_len)
{
	struct ce_pmd_request req = {
		.sess = s, .src = (uint8_t *)src, .dst = dst, .len = len, .op = s->op,
		.aad = (uint8_t *)sig, .aad_len = sig_len,
	};
	int ret = ce_pmd_run_sync(qp, &req);

	if (out_len != NULL)
		*out_len = req.out_len;
	return ret;
}

static int
ossl_verify(EVP_PKEY *k, int pad, int saltlen, const uint8_t *dgst, const uint8_t *sig,
	    size_t sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	int r;

	CHECK(c != NULL && EVP_PKEY_verify_init(c) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_padding(c, pad) == 1);
	CHECK(EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1);
	if (pad == RSA_PKCS1_PSS_PADDING)
		CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, saltlen) == 1);
	r = EVP_PKEY_verify(c, sig, sig_len, dgst, 32);
	EVP_PKEY_CTX_free(c);
	return r;
}

static void
stats(struct ce_pmd_qat_stats *st)
{
	CHECK_EQ(ce_pmd_qat_stats_get(dev, st), 0);
}

/*
 * Encryption with padding pad both ways: enc's ciphertext decrypted by
 * OpenSSL, OpenSSL's (left in ct) decrypted by dec, each giving msg back.
 */
static void
rsa_crypt_both_ways(struct ce_pmd_session *enc, struct ce_pmd_session *dec, EVP_PKEY *k, int pad,
		    const uint8_t *msg, uint32_t mlen, uint8_t *ct)
{
	uint32_t k_len = (uint32_t)EVP_PKEY_get_size(k), out_len;
	uint8_t pt[MODMAX];

	CHECK_EQ(run(enc, msg, mlen, ct, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, k_len);
	CHECK_EQ(oracle_rsa(k, CE_OP_DECRYPT, pad, ct, k_len, pt), mlen);
	CHECK_MEM(pt, msg, mlen);
	oracle_rsa(k, CE_OP_ENCRYPT, pad, msg, mlen, ct);
	CHECK_EQ(run(dec, ct, k_len, pt, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, mlen);
	CHECK_MEM(pt, msg, mlen);
}

/* ------------------------------------------------------------ RSA */

static void
rsa_case(unsigned int bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);
	uint8_t priv[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX];
	uint8_t dgst[32], sig[MODMAX], mine[MODMAX], msg[MODMAX], ct[MODMAX], pt[MODMAX];
	uint32_t k_len = bits / 8, out_len;
	struct ce_pmd_qat_stats st0, st1;
	size_t priv_len, pub_len;
	size_t n;

	CHECK(k != NULL);
	priv_len = oracle_der_private(k, priv);
	pub_len = oracle_der_public(k, pub);
	stats(&st0);
	fprintf(stderr, "rsa %u\n", bits);

	struct ce_pmd_session *sign = sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, priv, priv_len);
	struct ce_pmd_session *verify = sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIG_VERIFY, pub,
						   pub_len);
	struct ce_pmd_session *enc = sess_make("pkcs1pad(rsa,sha256)", CE_OP_ENCRYPT, pub, pub_len);
	struct ce_pmd_session *dec = sess_make("pkcs1pad(rsa,sha256)", CE_OP_DECRYPT, priv, priv_len);
	struct ce_pmd_session *pss_s = sess_make("psspad(rsa,sha256)", CE_OP_SIGN, priv, priv_len);
	struct ce_pmd_session *pss_v = sess_make("psspad(rsa,sha256)", CE_OP_SIG_VERIFY, pub, pub_len);
	struct ce_pmd_session *oaep_e = sess_make("oaep(rsa,sha256)", CE_OP_ENCRYPT, pub, pub_len);
	struct ce_pmd_session *oaep_d = sess_make("oaep(rsa,sha256)", CE_OP_DECRYPT, priv, priv_len);
	struct ce_pmd_session *raw_e = sess_make("rsa", CE_OP_ENCRYPT, pub, pub_len);
	struct ce_pmd_session *raw_d = sess_make("rsa", CE_OP_DECRYPT, priv, priv_len);

	struct ce_pmd_session *sig_s = sess_make("pkcs1(rsa,sha256)", CE_OP_SIGN, priv, priv_len);

	CHECK(sign && verify && enc && dec && pss_s && pss_v && oaep_e && oaep_d && raw_e && raw_d &&
	      sig_s);
	/* pkcs1(rsa,sha256), the sig type's name, signs and verifies only. */
	CHECK(sess_make("pkcs1(rsa,sha256)", CE_OP_ENCRYPT, pub, pub_len) == NULL);
	CHECK_EQ(errno, EINVAL);
	/* A public key for the private-key operation. */
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_DECRYPT, pub, pub_len) == NULL);
	CHECK_EQ(errno, ENOKEY);
	CHECK_EQ(sign->out_max, k_len);
	CHECK_EQ(ce_pmd_qat_session_on_device(sign), 1);
	CHECK(((struct qat_pmd_sess *)sign->priv)->asym->dev_priv_ok);
	CHECK(((struct qat_pmd_sess *)verify->priv)->asym->dev_pub_ok);

	for (int round = 0; round < 3; round++) {
		/* PKCS#1 v1.5 signatures are deterministic: byte for byte. */
		qat_fill(dgst, sizeof(dgst));
		CHECK_EQ(run(sign, dgst, 32, mine, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, k_len);
		n = oracle_rsa(k, CE_OP_SIGN, RSA_PKCS1_PADDING, dgst, 32, sig);
		CHECK_EQ(n, k_len);
		CHECK_MEM(mine, sig, k_len);
		CHECK_EQ(run(sig_s, dgst, 32, mine, NULL, 0, &out_len), 0);
		CHECK_MEM(mine, sig, k_len);

		CHECK_EQ(run(verify, dgst, 32, NULL, sig, (uint16_t)k_len, NULL), 0);
		sig[qat_rand() % k_len] ^= (uint8_t)(1u << (qat_rand() % 8));
		CHECK_EQ(run(verify, dgst, 32, NULL, sig, (uint16_t)k_len, NULL), -EBADMSG);
		CHECK_EQ(run(verify, dgst, 32, NULL, mine, (uint16_t)(k_len - 1), NULL), -EINVAL);
		memset(sig, 0xff, k_len); /* above n */
		CHECK_EQ(run(verify, dgst, 32, NULL, sig, (uint16_t)k_len, NULL), -EBADMSG);
		dgst[3] ^= 1;
		CHECK_EQ(run(verify, dgst, 32, NULL, mine, (uint16_t)k_len, NULL), -EBADMSG);

		/* PSS: randomised; each side verifies the other's. */
		CHECK_EQ(run(pss_s, dgst, 32, mine, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, k_len);
		CHECK_EQ(ossl_verify(k, RSA_PKCS1_PSS_PADDING, 32, dgst, mine, k_len), 1);
		CHECK_EQ(run(pss_v, dgst, 32, NULL, mine, (uint16_t)k_len, NULL), 0);
		{
			EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
			size_t sl = MODMAX;

			/* OpenSSL's default salt (the longest): we take any. */
			CHECK(c && EVP_PKEY_sign_init(c) == 1 &&
			      EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1 &&
			      EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1 &&
			      EVP_PKEY_sign(c, sig, &sl, dgst, 32) == 1);
			EVP_PKEY_CTX_free(c);
		}
		CHECK_EQ(run(pss_v, dgst, 32, NULL, sig, (uint16_t)k_len, NULL), 0);
		sig[k_len / 2] ^= 0x10;
		CHECK_EQ(run(pss_v, dgst, 32, NULL, sig, (uint16_t)k_len, NULL), -EBADMSG);
		CHECK_EQ(ossl_verify(k, RSA_PKCS1_PSS_PADDING, -2, dgst, sig, k_len), 0);

		/* PKCS#1 v1.5 and OAEP encryption, both ways. */
		uint32_t mlen = 1 + (uint32_t)(qat_rand() % (k_len - 66));

		qat_fill(msg, mlen);
		rsa_crypt_both_ways(enc, dec, k, RSA_PKCS1_PADDING, msg, mlen, ct);
		ct[1] ^= 0x40; /* breaks the 00 02 header: a decryption error */
		CHECK_EQ(run(dec, ct, k_len, pt, NULL, 0, NULL), -EBADMSG);

		rsa_crypt_both_ways(oaep_e, oaep_d, k, RSA_PKCS1_OAEP_PADDING, msg, mlen, ct);
		ct[k_len - 1] ^= 1;
		CHECK_EQ(run(oaep_d, ct, k_len, pt, NULL, 0, NULL), -EBADMSG);
		memset(ct, 0xff, k_len);
		CHECK_EQ(run(oaep_d, ct, k_len, pt, NULL, 0, NULL), -EBADMSG);

		/* Raw: m^e and back, against OpenSSL's RSA_NO_PADDING. */
		qat_fill(msg, k_len);
		msg[0] = 0; /* below n */
		CHECK_EQ(run(raw_e, msg, k_len, ct, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, k_len);
		n = oracle_rsa(k, CE_OP_ENCRYPT, RSA_NO_PADDING, msg, k_len, pt);
		CHECK_MEM(ct, pt, k_len);
		CHECK_EQ(run(raw_d, ct, k_len, pt, NULL, 0, &out_len), 0);
		CHECK_MEM(pt, msg, k_len);
		memset(msg, 0xff, k_len);
		CHECK_EQ(run(raw_e, msg, k_len, ct, NULL, 0, NULL), -EINVAL);
	}
	/* Malformed requests: the digest's length, a message too long for the
	 * padding, a ciphertext of the wrong length. */
	CHECK_EQ(run(sign, dgst, 31, mine, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(run(enc, msg, k_len - 10, ct, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(run(dec, ct, k_len - 1, pt, NULL, 0, NULL), -EINVAL);

	stats(&st1);
	/* Everything valid ran on the device, nothing in software. */
	/* 17 per round reach the device; the rest are decided before it. */
	CHECK_EQ(st1.asym_enq - st0.asym_enq, 3 * 17);
	for (unsigned int r = 0; r < CE_QAT_FB_MAX; r++)
		CHECK_EQ(st1.fb[r], st0.fb[r]);
	CHECK_EQ(st1.dev_errors, st0.dev_errors);

	ce_pmd_session_destroy(sign);
	ce_pmd_session_destroy(verify);
	ce_pmd_session_destroy(enc);
	ce_pmd_session_destroy(dec);
	ce_pmd_session_destroy(pss_s);
	ce_pmd_session_destroy(pss_v);
	ce_pmd_session_destroy(oaep_e);
	ce_pmd_session_destroy(oaep_d);
	ce_pmd_session_destroy(raw_e);
	ce_pmd_session_destroy(raw_d);
	ce_pmd_session_destroy(sig_s);
	EVP_PKEY_free(k);
}

static void
test_rsa_2048(void)
{
	rsa_case(2048);
}

static void
test_rsa_4096(void)
{
	rsa_case(4096);
}

/* ------------------------------------------------------------ ffdhe */

static void
test_ffdhe2048(void)
{
	EVP_PKEY *a = oracle_keygen("ffdhe2048"), *b = oracle_keygen("ffdhe2048");
	uint8_t der[CE_ASYM_KEY_MAX], pub_a[256], pub_b[256], mine[256], want[256], y[256];
	BIGNUM *bn = NULL, *p = NULL;
	EVP_PKEY_CTX *c;
	uint32_t out_len;
	size_t n = sizeof(want);
	size_t der_len = oracle_der_private(a, der);

	struct ce_pmd_session *pk = sess_make("ffdhe2048(dh)", CE_OP_KPP_PUBKEY, der, der_len);
	struct ce_pmd_session *ss = sess_make("ffdhe2048(dh)", CE_OP_KPP_SECRET, der, der_len);

	CHECK(pk != NULL && ss != NULL);
	CHECK(((struct qat_pmd_sess *)pk->priv)->asym->dev_priv_ok);
	CHECK(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_PUB_KEY, &bn) == 1);
	CHECK_EQ(BN_bn2binpad(bn, pub_a, 256), 256);
	BN_free(bn);
	bn = NULL;
	CHECK(EVP_PKEY_get_bn_param(b, OSSL_PKEY_PARAM_PUB_KEY, &bn) == 1);
	CHECK_EQ(BN_bn2binpad(bn, pub_b, 256), 256);
	BN_free(bn);

	CHECK_EQ(run(pk, NULL, 0, mine, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, 256);
	CHECK_MEM(mine, pub_a, 256);

	c = EVP_PKEY_CTX_new(a, NULL);
	CHECK(c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_CTX_set_dh_pad(c, 1) == 1 &&
	      EVP_PKEY_derive_set_peer(c, b) == 1 && EVP_PKEY_derive(c, want, &n) == 1);
	EVP_PKEY_CTX_free(c);
	CHECK_EQ(n, 256);
	CHECK_EQ(run(ss, pub_b, 256, mine, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, 256);
	CHECK_MEM(mine, want, 256);

	/* Peers' keys outside 1 < y < p - 1, or outside the prime-order
	 * subgroup, are refused before the device. */
	CHECK(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_FFC_P, &p) == 1);
	memset(y, 0, sizeof(y));
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), -EINVAL);
	y[255] = 1;
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(run(ss, y, 1, mine, NULL, 0, NULL), -EINVAL); /* not 256 bytes */
	BN_bn2binpad(p, y, 256);
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), -EINVAL);
	y[255] ^= 1; /* p - 1 */
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), -EINVAL);
	y[255] ^= 3; /* p - 2 = -2: in range, order 2q (2 is a residue, -1 is not) */
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), -EINVAL);
	memset(y, 0, sizeof(y));
	y[255] = 2; /* the generator: the secret is the public key */
	CHECK_EQ(run(ss, y, 256, mine, NULL, 0, NULL), 0);
	CHECK_MEM(mine, pub_a, 256);
	BN_free(p);

	/* A key of another group. */
	EVP_PKEY *other = oracle_keygen("ffdhe3072");

	der_len = oracle_der_private(other, der);
	CHECK(sess_make("ffdhe2048(dh)", CE_OP_KPP_SECRET, der, der_len) == NULL);
	CHECK_EQ(errno, EINVAL);
	EVP_PKEY_free(other);
	ce_pmd_session_destroy(pk);
	ce_pmd_session_destroy(ss);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/* ------------------------------------------------------------ refusals */

static void
test_bad_keys(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048), *ec = EVP_EC_gen("P-256");
	uint8_t der[CE_ASYM_KEY_MAX];
	size_t n;

	CHECK(k != NULL && ec != NULL);
	n = oracle_der_private(k, der);
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n - 1) == NULL); /* cut */
	CHECK_EQ(errno, EINVAL);
	der[n / 2] ^= 0x01; /* DER still, a key no more (a bit of n, d or a prime) */
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n) == NULL);
	CHECK_EQ(errno, EINVAL);
	der[n / 2] ^= 0x01;
	der[1] ^= 0xff; /* not DER */
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n) == NULL);
	CHECK_EQ(errno, EINVAL);
	n = oracle_der_public(k, der);
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n) == NULL); /* public */
	CHECK_EQ(errno, ENOKEY);
	CHECK(sess_make("psspad(rsa,sha256)", CE_OP_ENCRYPT, der, n) == NULL); /* PSS signs only */
	n = oracle_der_private(ec, der);
	CHECK(sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n) == NULL); /* not RSA */
	CHECK_EQ(errno, EINVAL);
	EVP_PKEY_free(k);
	EVP_PKEY_free(ec);
	k = EVP_RSA_gen(768);
	CHECK(k != NULL);
	n = oracle_der_private(k, der);
	CHECK(sess_make("rsa", CE_OP_DECRYPT, der, n) == NULL); /* under 1024 bits */
	CHECK_EQ(errno, EINVAL);
	EVP_PKEY_free(k);
}

/* ------------------------------------------------------------ batches */

static unsigned int batch_done;
static int batch_status[64];

static void
batch_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	RTE_SET_USED(ctx);
	batch_status[req->cookie] = status;
	batch_done++;
}

/* Drive n requests through do_batch_requests and poll, as an engine does. */
static void
batch_run(struct ce_pmd_request *reqs, unsigned int n)
{
	const struct ce_pmd_fast_ops *fast = dev->drv->fast;
	struct ce_pmd_request *ptr[64];
	unsigned int at = 0;
	uint64_t spins = 0;

	qp->finalize = batch_finalize;
	batch_done = 0;
	for (unsigned int i = 0; i < n; i++) {
		reqs[i].active = reqs[i].sess;
		reqs[i].cookie = i;
		ptr[i] = &reqs[i];
		batch_status[i] = 1;
	}
	while (batch_done < n) {
		if (at < n)
			at += fast->do_batch_requests(qp, ptr + at, (uint16_t)(n - at));
		fast->poll(qp, 64);
		CHECK(++spins < 100000000ull);
	}
	CHECK_EQ(batch_done, n);
}

static void
test_batch_and_device_errors(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	uint8_t der[CE_ASYM_KEY_MAX], dgst[40][32], out[40][256], sig[256];
	struct ce_pmd_request reqs[40];
	struct ce_pmd_qat_stats st0, st1;
	size_t n = oracle_der_private(k, der);
	struct ce_pmd_session *sign = sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n);

	CHECK(sign != NULL);
	memset(reqs, 0, sizeof(reqs));
	for (unsigned int i = 0; i < 40; i++) {
		qat_fill(dgst[i], 32);
		reqs[i].sess = sign;
		reqs[i].op = CE_OP_SIGN;
		reqs[i].src = dgst[i];
		reqs[i].len = i == 7 ? 31 : 32; /* one malformed: -EINVAL, in order */
		reqs[i].dst = out[i];
	}
	batch_run(reqs, 40);
	for (unsigned int i = 0; i < 40; i++) {
		if (i == 7) {
			CHECK_EQ(batch_status[i], -EINVAL);
			continue;
		}
		CHECK_EQ(batch_status[i], 0);
		CHECK_EQ(oracle_rsa(k, CE_OP_SIGN, RSA_PKCS1_PADDING, dgst[i], 32, sig), 256);
		CHECK_MEM(out[i], sig, 256);
	}

	/* A failing device, no software side: each request completes, -EIO. */
	stats(&st0);
	CHECK_EQ(ce_pmd_qat_fault_set(dev, CE_QAT_FAULT_ERROR, 0), 0);
	batch_run(reqs, 20);
	for (unsigned int i = 0; i < 20; i++)
		CHECK_EQ(batch_status[i], i == 7 ? -EINVAL : -EIO);
	CHECK_EQ(ce_pmd_qat_fault_set(dev, CE_QAT_FAULT_NONE, 0), 0);
	stats(&st1);
	/* Past fail_threshold (8) errors the queue pair went down and failed
	 * over what it still held: each of the 19 counted once, either way. */
	CHECK_EQ(st1.dev_errors - st0.dev_errors, 9);
	CHECK_EQ(st1.failover_eio - st0.failover_eio, 10);
	CHECK_EQ(st1.down_events - st0.down_events, 1);
	/* The probe brings it back (polled, as an engine polls). */
	for (uint64_t t0 = rte_get_timer_cycles(); st1.qps_down != 0; stats(&st1)) {
		dev->drv->fast->poll(qp, 64);
		CHECK(rte_get_timer_cycles() - t0 < 60 * rte_get_timer_hz());
	}
	batch_run(reqs, 3);
	CHECK_EQ(batch_status[0], 0);
	ce_pmd_session_destroy(sign);
	EVP_PKEY_free(k);
}

/* AES-128-GCM by OpenSSL: the symmetric requests' oracle. */
static void
gcm_ref(const uint8_t *key, const uint8_t *iv, const uint8_t *pt, int len, uint8_t *ct,
	uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	CHECK(c && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv) == 1 &&
	      EVP_EncryptUpdate(c, ct, &n, pt, len) == 1 && EVP_EncryptFinal_ex(c, ct + n, &n) == 1 &&
	      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
	EVP_CIPHER_CTX_free(c);
}

/* Symmetric and asymmetric requests in one batch, on one cryptodev queue
 * pair: each completes once, with its own right answer. */
static void
test_mixed_batch(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	uint8_t der[CE_ASYM_KEY_MAX], gkey[16], iv[24][12], pt[24][64], out[24][256], tag[24][16];
	uint8_t want[256], wtag[16];
	struct ce_pmd_request reqs[24];
	struct ce_pmd_session_params gp = {
		.alg = "gcm(aes)", .key = gkey, .key_len = 16, .iv_len = 12, .digest_len = 16,
		.op = CE_OP_ENCRYPT,
	};
	struct ce_pmd_session *gcm, *sign;
	size_t n = oracle_der_private(k, der);

	qat_fill(gkey, 16);
	gcm = ce_pmd_session_create(dev, &gp, NULL);
	sign = sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n);
	CHECK(gcm != NULL && sign != NULL && ce_pmd_qat_session_on_device(gcm) == 1);
	memset(reqs, 0, sizeof(reqs));
	for (unsigned int i = 0; i < 24; i++) {
		qat_fill(pt[i], 64);
		qat_fill(iv[i], 12);
		reqs[i].sess = i % 3 == 1 ? sign : gcm;
		reqs[i].op = reqs[i].sess->op;
		reqs[i].src = pt[i];
		reqs[i].len = i % 3 == 1 ? 32 : 64;
		reqs[i].dst = out[i];
		reqs[i].iv = iv[i];
		reqs[i].digest = tag[i];
	}
	batch_run(reqs, 24);
	for (unsigned int i = 0; i < 24; i++) {
		CHECK_EQ(batch_status[i], 0);
		if (i % 3 == 1) {
			CHECK_EQ(oracle_rsa(k, CE_OP_SIGN, RSA_PKCS1_PADDING, pt[i], 32, want), 256);
			CHECK_MEM(out[i], want, 256);
		} else {
			gcm_ref(gkey, iv[i], pt[i], 64, want, wtag);
			CHECK_MEM(out[i], want, 64);
			CHECK_MEM(tag[i], wtag, 16);
		}
	}
	ce_pmd_session_destroy(gcm);
	ce_pmd_session_destroy(sign);
	EVP_PKEY_free(k);
}

/* A device without asymmetric crypto and no software side: refused. */
static void
test_no_asym_device(void)
{
	struct ce_pmd_dev *mb = qat_test_dev(CE_PMD_CRYPTODEV_DRIVER, "mb",
					     "dev=crypto_aesni_mb,asym_sw=none");
	EVP_PKEY *k = EVP_RSA_gen(2048);
	uint8_t der[CE_ASYM_KEY_MAX];
	struct ce_pmd_session_params p = {
		.alg = "pkcs1pad(rsa,sha256)", .key = der, .op = CE_OP_SIGN,
	};

	p.key_len = (uint16_t)oracle_der_private(k, der);
	CHECK(ce_pmd_session_create(mb, &p, NULL) == NULL);
	CHECK_EQ(errno, ENOTSUP);
	EVP_PKEY_free(k);
	ce_pmd_dev_destroy(mb);
}

/*
 * QAT's shape: symmetric and asymmetric services are two cryptodevs
 * (<bdf>_qat_sym, <bdf>_qat_asym). Here crypto_aesni_mb (no asymmetric
 * crypto) with asym_dev= a crypto_openssl vdev of its own.
 */
static void
test_split_asym_device(void)
{
	struct ce_pmd_dev *main_dev = dev;
	struct ce_pmd_qp *main_qp = qp;
	EVP_PKEY *k = EVP_RSA_gen(2048);
	uint8_t der[CE_ASYM_KEY_MAX], dgst[32], mine[256], sig[256];
	struct ce_pmd_qat_stats st;
	uint32_t out_len;
	size_t n;

	dev = qat_test_dev(CE_PMD_CRYPTODEV_DRIVER, "split",
			   "dev=crypto_aesni_mb,asym_dev=crypto_openssl_asym,sw=none,asym_sw=none");
	qp = dev->qps[0];
	CHECK(k != NULL);
	n = oracle_der_private(k, der);
	struct ce_pmd_session *sign = sess_make("pkcs1pad(rsa,sha256)", CE_OP_SIGN, der, n);

	CHECK(sign != NULL && ce_pmd_qat_session_on_device(sign) == 1);
	for (int i = 0; i < 4; i++) {
		qat_fill(dgst, 32);
		CHECK_EQ(run(sign, dgst, 32, mine, NULL, 0, &out_len), 0);
		CHECK_EQ(oracle_rsa(k, CE_OP_SIGN, RSA_PKCS1_PADDING, dgst, 32, sig), 256);
		CHECK_MEM(mine, sig, 256);
	}
	stats(&st);
	CHECK_EQ(st.asym_enq, 4);
	/* The same device name twice is refused. */
	CHECK(ce_pmd_dev_create(CE_PMD_CRYPTODEV_DRIVER, "twice",
				&(struct ce_pmd_dev_config){ .nb_qps = 1, .args =
				"dev=crypto_null,asym_dev=crypto_openssl_asym" }) == NULL);
	ce_pmd_session_destroy(sign);
	ce_pmd_dev_destroy(dev);
	EVP_PKEY_free(k);
	dev = main_dev;
	qp = main_qp;
}

int
main(void)
{
	qat_seed("test_qat_asym");
	qat_test_eal_init("test_qat_asym");
	dev = qat_test_dev(CE_PMD_CRYPTODEV_DRIVER, "asym",
			   "dev=crypto_openssl,sw=none,asym_sw=none,fault_inject=1");
	qp = dev->qps[0];
	print_asym_caps((uint8_t)ce_pmd_qat_cryptodev_id(dev));
	RUN(test_bad_keys);
	RUN(test_rsa_2048);
	RUN(test_ffdhe2048);
	RUN(test_batch_and_device_errors);
	RUN(test_mixed_batch);
	RUN(test_no_asym_device);
	RUN(test_split_asym_device);
	RUN(test_rsa_4096);
	ce_pmd_dev_destroy(dev);
	fprintf(stderr, "test_qat_asym: ok\n");
	return 0;
}
