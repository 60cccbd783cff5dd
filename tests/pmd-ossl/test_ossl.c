/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "openssl" backend: every asymmetric known answer, a differential test
 * against OpenSSL used directly (fresh keys each run: RSA 2048/3072/4096,
 * P-256, P-384, X25519, FFDHE), the refusals (malformed keys with their
 * reason, wrong lengths, invalid signatures, points off the curve, small
 * X25519 points, y = p - 1), private keys in the secure heap and wiped, and
 * the asynchronous contract (depth, -ENOSPC, cancel, batch).
 */
#define CE_TEST_WANT_EAL
#include <dirent.h>
#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <rte_malloc.h>

#include "asym_oracle.h"
#include "ce_pmd.h"
#include "reg_util.h"
#include "testvec_priv.h"

static struct ce_pmd_dev *dev;
static uint8_t *buf_in, *buf_out, *buf_sig;

/* ---- helpers -------------------------------------------------------------- */

static struct ce_pmd_session *
sess_try(const char *alg, const uint8_t *key, size_t key_len, uint8_t op, const char **why)
{
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = (uint16_t)key_len, .op = op,
	};

	*why = NULL;
	return ce_pmd_session_create(dev, &p, why);
}

static struct ce_pmd_session *
sess_new(const char *alg, const uint8_t *key, size_t key_len, uint8_t op)
{
	const char *why;
	struct ce_pmd_session *s = sess_try(alg, key, key_len, op, &why);

	if (s == NULL)
		REG_FAIL("%s op %u: %s (%s)", alg, op, strerror(errno), why ? why : "?");
	return s;
}

/* One request, synchronously; input, output and signature in rte memory. */
static int
run(struct ce_pmd_session *s, const uint8_t *in, uint32_t in_len, const uint8_t *sig,
    uint32_t sig_len, uint32_t *out_len)
{
	struct ce_pmd_request req = { .sess = s, .op = s->op, .len = in_len };
	int ret;

	if (in_len)
		memcpy(buf_in, in, in_len);
	if (sig_len)
		memcpy(buf_sig, sig, sig_len);
	memset(buf_out, 0xa5, 1024);
	req.src = in_len ? buf_in : NULL;
	req.dst = s->op == CE_OP_SIG_VERIFY ? NULL : buf_out;
	req.aad = sig_len ? buf_sig : NULL;
	req.aad_len = (uint16_t)sig_len;
	req.out_len = 0xdeadbeef;
	ret = ce_pmd_run_sync(dev->qps[0], &req);
	if (out_len != NULL)
		*out_len = req.out_len;
	return ret;
}

/* ---- known answers ------------------------------------------------------ */

static void
test_known_answers(void)
{
	static struct ce_asym_tv_data d;
	unsigned int nb = 0;

	for (const struct ce_asym_testvec *tv = ce_asym_testvec_next(NULL); tv != NULL;
	     tv = ce_asym_testvec_next(tv), nb++) {
		struct ce_pmd_session *s, *inv;
		uint32_t out_len;
		int ret;

		CHECK_EQ(ce_asym_testvec_decode(tv, &d), 0);
		s = sess_new(tv->alg, d.key, d.key_len, tv->op);
		ret = run(s, d.input, d.input_len, d.sig, d.sig_len, &out_len);
		if (ret != tv->status)
			REG_FAIL("%s \"%s\": status %d, want %d", tv->alg, tv->desc, ret, tv->status);
		if (ret == 0 && d.has_output &&
		    (out_len != d.output_len || memcmp(buf_out, d.output, d.output_len) != 0))
			REG_FAIL("%s \"%s\": wrong output (%u bytes, want %u)", tv->alg, tv->desc,
				 out_len, d.output_len);
		if (ret == 0 && !d.has_output && (tv->op == CE_OP_SIGN || tv->op == CE_OP_ENCRYPT)) {
			/* Randomised: the inverse op with the same key gives it back. */
			uint8_t out[CE_TV_ASYM_DATA_MAX];

			CHECK(out_len <= s->out_max);
			memcpy(out, buf_out, out_len);
			inv = sess_new(tv->alg, d.key, d.key_len,
				       tv->op == CE_OP_SIGN ? CE_OP_SIG_VERIFY : CE_OP_DECRYPT);
			if (tv->op == CE_OP_SIGN) {
				CHECK_EQ(run(inv, d.input, d.input_len, out, out_len, NULL), 0);
				out[out_len / 2] ^= 1;
				CHECK_EQ(run(inv, d.input, d.input_len, out, out_len, NULL), -EBADMSG);
			} else {
				CHECK_EQ(run(inv, out, out_len, NULL, 0, &out_len), 0);
				CHECK_EQ(out_len, d.input_len);
				CHECK_MEM(buf_out, d.input, d.input_len);
			}
			ce_pmd_session_destroy(inv);
		}
		ce_pmd_session_destroy(s);
	}
	fprintf(stderr, "  %u known answers\n", nb);
	CHECK(nb >= 50);
}

/* ---- differential against OpenSSL -------------------------------------------- */

static void
ossl_sign_ref(EVP_PKEY *pk, int pad, const uint8_t *dig, uint8_t *sig, size_t *sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);

	CHECK(c != NULL && EVP_PKEY_sign_init(c) == 1);
	if (pad != 0) {
		CHECK(EVP_PKEY_CTX_set_rsa_padding(c, pad) == 1);
		CHECK(EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1);
		if (pad == RSA_PKCS1_PSS_PADDING)
			CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 20) == 1);	/* not ours: 32 */
	}
	CHECK(EVP_PKEY_sign(c, sig, sig_len, dig, 32) == 1);
	EVP_PKEY_CTX_free(c);
}

static int
ossl_verify_ref(EVP_PKEY *pk, int pad, const uint8_t *dig, const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	int ok;

	CHECK(c != NULL && EVP_PKEY_verify_init(c) == 1);
	if (pad != 0) {
		CHECK(EVP_PKEY_CTX_set_rsa_padding(c, pad) == 1);
		CHECK(EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1);
		if (pad == RSA_PKCS1_PSS_PADDING)
			CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) == 1);	/* ours exactly */
	}
	ok = EVP_PKEY_verify(c, sig, sig_len, dig, 32);
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return ok;
}

static void
diff_rsa(const char *bits)
{
	static uint8_t key[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX];
	EVP_PKEY *pk = oracle_keygen(bits);
	size_t kl = oracle_der_private(pk, key), pl = oracle_der_public(pk, pub), ref_len;
	uint32_t k = (uint32_t)EVP_PKEY_get_size(pk), out_len;
	uint8_t dig[64], ref[512], sig[512], msg[512];
	struct ce_pmd_session *sign, *verify, *pss_sign, *pss_verify, *enc, *dec, *oenc, *odec;
	EVP_PKEY_CTX *c;

	reg_rand_bytes(dig, sizeof(dig));
	sign = sess_new("pkcs1pad(rsa,sha256)", key, kl, CE_OP_SIGN);
	verify = sess_new("pkcs1pad(rsa,sha256)", pub, pl, CE_OP_SIG_VERIFY);
	CHECK_EQ(sign->out_max, k);
	/* PKCS#1 v1.5 signatures are deterministic: byte for byte OpenSSL's. */
	ref_len = sizeof(ref);
	ossl_sign_ref(pk, RSA_PKCS1_PADDING, dig, ref, &ref_len);
	CHECK_EQ(run(sign, dig, 32, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, k);
	CHECK_MEM(buf_out, ref, k);
	CHECK_EQ(run(verify, dig, 32, ref, k, NULL), 0);
	ref[7] ^= 0x80;
	CHECK_EQ(run(verify, dig, 32, ref, k, NULL), -EBADMSG);
	CHECK_EQ(run(verify, dig, 31, ref, k, NULL), -EINVAL);	/* not a SHA-256 digest */
	CHECK_EQ(run(verify, dig, 32, ref, k - 1, NULL), -EINVAL);	/* short signature */
	CHECK_EQ(run(sign, dig, 33, NULL, 0, NULL), -EINVAL);

	/* PSS: ours verified by OpenSSL (salt 32), OpenSSL's (salt 20) by ours. */
	pss_sign = sess_new("psspad(rsa,sha256)", key, kl, CE_OP_SIGN);
	pss_verify = sess_new("psspad(rsa,sha256)", pub, pl, CE_OP_SIG_VERIFY);
	CHECK_EQ(run(pss_sign, dig, 32, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, k);
	memcpy(sig, buf_out, k);
	CHECK_EQ(ossl_verify_ref(pk, RSA_PKCS1_PSS_PADDING, dig, sig, k), 1);
	ref_len = sizeof(ref);
	ossl_sign_ref(pk, RSA_PKCS1_PSS_PADDING, dig, ref, &ref_len);
	CHECK_EQ(run(pss_verify, dig, 32, ref, k, NULL), 0);
	dig[0] ^= 1;
	CHECK_EQ(run(pss_verify, dig, 32, ref, k, NULL), -EBADMSG);
	dig[0] ^= 1;

	/* PKCS#1 v1.5 and OAEP encryption, both ways. */
	enc = sess_new("pkcs1pad(rsa,sha256)", pub, pl, CE_OP_ENCRYPT);
	dec = sess_new("pkcs1pad(rsa,sha256)", key, kl, CE_OP_DECRYPT);
	oenc = sess_new("oaep(rsa,sha256)", pub, pl, CE_OP_ENCRYPT);
	odec = sess_new("oaep(rsa,sha256)", key, kl, CE_OP_DECRYPT);
	reg_rand_bytes(msg, 48);
	for (int oaep = 0; oaep < 2; oaep++) {
		size_t n = k;
		uint8_t plain[512];

		CHECK_EQ(run(oaep ? oenc : enc, msg, 48, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, k);
		c = oracle_rsa_ctx(pk, EVP_PKEY_decrypt_init,
				   oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING);
		CHECK(EVP_PKEY_decrypt(c, plain, &n, buf_out, k) == 1);
		CHECK_EQ(n, 48);
		CHECK_MEM(plain, msg, 48);
		EVP_PKEY_CTX_free(c);
		/* And OpenSSL's ciphertext through ours. */
		c = oracle_rsa_ctx(pk, EVP_PKEY_encrypt_init,
				   oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING);
		n = k;
		CHECK(EVP_PKEY_encrypt(c, sig, &n, msg, 48) == 1);
		EVP_PKEY_CTX_free(c);
		CHECK_EQ(run(oaep ? odec : dec, sig, k, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, 48);
		CHECK_MEM(buf_out, msg, 48);
		/* A ciphertext that decrypts to no valid padding. */
		sig[k / 2] ^= 0x40;
		CHECK_EQ(run(oaep ? odec : dec, sig, k, NULL, 0, NULL), -EBADMSG);
		/* Too long a message, a short ciphertext. */
		CHECK_EQ(run(oaep ? oenc : enc, msg, k - (oaep ? 65 : 10), NULL, 0, NULL), -EINVAL);
		CHECK_EQ(run(oaep ? odec : dec, sig, k - 1, NULL, 0, NULL), -EINVAL);
	}
	ce_pmd_session_destroy(sign);
	ce_pmd_session_destroy(verify);
	ce_pmd_session_destroy(pss_sign);
	ce_pmd_session_destroy(pss_verify);
	ce_pmd_session_destroy(enc);
	ce_pmd_session_destroy(dec);
	ce_pmd_session_destroy(oenc);
	ce_pmd_session_destroy(odec);
	EVP_PKEY_free(pk);
}

static void
diff_ecdsa(const char *curve, const char *alg, uint32_t n)
{
	static uint8_t key[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX];
	EVP_PKEY *pk = oracle_keygen(curve);
	size_t kl = oracle_der_private(pk, key), pl = oracle_der_public(pk, pub);
	struct ce_pmd_session *sign = sess_new(alg, key, kl, CE_OP_SIGN);
	struct ce_pmd_session *verify = sess_new(alg, pub, pl, CE_OP_SIG_VERIFY);
	uint8_t dig[64], raw[132];
	uint32_t out_len;

	CHECK_EQ(sign->out_max, 2 * n);
	for (int i = 0; i < 20; i++) {
		uint32_t dlen = i % 2 ? 32 : 48;	/* SHA-256, SHA-384 sizes */

		reg_rand_bytes(dig, sizeof(dig));
		CHECK_EQ(run(sign, dig, dlen, NULL, 0, &out_len), 0);
		CHECK_EQ(out_len, 2 * n);
		CHECK_EQ(oracle_ecdsa_verify(pk, dig, dlen, buf_out, n), 1);
		/* OpenSSL's signature, as r || s, through ours. */
		oracle_ecdsa_sign(pk, dig, dlen, n, raw);
		CHECK_EQ(run(verify, dig, dlen, raw, 2 * n, NULL), 0);
		raw[n + 3] ^= 4;
		CHECK_EQ(run(verify, dig, dlen, raw, 2 * n, NULL), -EBADMSG);
	}
	/* r or s with a leading zero byte (shorter DER INTEGERs, 1 in 128
	 * signatures): ours as OpenSSL reads it, OpenSSL's through ours. */
	{
		int ours = 0, theirs = 0;

		for (int i = 0; i < 5000 && (ours == 0 || theirs == 0); i++) {
			reg_rand_bytes(dig, 32);
			if (ours == 0) {
				CHECK_EQ(run(sign, dig, 32, NULL, 0, &out_len), 0);
				if (buf_out[0] == 0 || buf_out[n] == 0) {
					CHECK_EQ(oracle_ecdsa_verify(pk, dig, 32, buf_out, n), 1);
					ours = i + 1;
				}
			}
			if (theirs == 0) {
				oracle_ecdsa_sign(pk, dig, 32, n, raw);
				if (raw[0] == 0 || raw[n] == 0) {
					CHECK_EQ(run(verify, dig, 32, raw, 2 * n, NULL), 0);
					theirs = i + 1;
				}
			}
		}
		CHECK(ours != 0 && theirs != 0);
	}
	/* r = 0, s = 0, r = s = all ones (above the order): invalid, not errors. */
	memset(raw, 0, 2 * n);
	CHECK_EQ(run(verify, dig, 32, raw, 2 * n, NULL), -EBADMSG);
	memset(raw, 0xff, 2 * n);
	CHECK_EQ(run(verify, dig, 32, raw, 2 * n, NULL), -EBADMSG);
	/* Lengths: a signature not 2n, an empty or too long digest. */
	CHECK_EQ(run(verify, dig, 32, raw, 2 * n - 1, NULL), -EINVAL);
	CHECK_EQ(run(sign, dig, 0, NULL, 0, NULL), -EINVAL);
	ce_pmd_session_destroy(sign);
	ce_pmd_session_destroy(verify);
	EVP_PKEY_free(pk);
}

/* A fresh peer of kind: session sec's secret with its public value (left in
 * pub) is OpenSSL's. @return the value's length. */
static uint32_t
kpp_fresh_peer(struct ce_pmd_session *sec, EVP_PKEY *mine, const char *kind, uint32_t n,
	       uint8_t *pub)
{
	EVP_PKEY *peer = oracle_keygen(kind);
	uint8_t ref[512];
	size_t rl = oracle_derive(mine, peer, ref, sizeof(ref), strncmp(kind, "ffdhe", 5) == 0);
	uint32_t plen = oracle_peer_value(peer, kind, n, pub), out_len;

	CHECK_EQ(run(sec, pub, plen, NULL, 0, &out_len), 0);
	CHECK_EQ(out_len, n);
	CHECK_EQ(rl, n);
	CHECK_MEM(buf_out, ref, n);
	EVP_PKEY_free(peer);
	return plen;
}

static void
diff_kpp(const char *kind, const char *alg, uint32_t n)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	EVP_PKEY *mine = oracle_keygen(kind);
	size_t kl = oracle_der_private(mine, key);
	struct ce_pmd_session *pubs = sess_new(alg, key, kl, CE_OP_KPP_PUBKEY);
	struct ce_pmd_session *sec = sess_new(alg, key, kl, CE_OP_KPP_SECRET);
	const bool ec = strncmp(kind, "P-", 2) == 0, dh = strncmp(kind, "ffdhe", 5) == 0;
	uint8_t pub[1024];
	uint32_t plen, out_len;

	CHECK_EQ(pubs->out_max, ec ? 2 * n : n);
	CHECK_EQ(run(pubs, NULL, 0, NULL, 0, &out_len), 0);
	plen = oracle_peer_value(mine, kind, n, pub);
	CHECK_EQ(out_len, plen);
	CHECK_MEM(buf_out, pub, plen);
	for (int i = 0; i < (dh ? 2 : 10); i++)
		plen = kpp_fresh_peer(sec, mine, kind, n, pub);
	/* Wrong lengths. */
	CHECK_EQ(run(sec, pub, plen - 1, NULL, 0, NULL), -EINVAL);
	if (ec) {
		/* Not on the curve: y + 1. */
		pub[2 * n - 1] ^= 1;
		CHECK_EQ(run(sec, pub, plen, NULL, 0, NULL), -EINVAL);
		/* The point at infinity has no x || y; all zeros is not on the curve. */
		memset(pub, 0, plen);
		CHECK_EQ(run(sec, pub, plen, NULL, 0, NULL), -EINVAL);
		/* A coordinate not below p: x = p (the point x = 0's alias). */
		{
			BIGNUM *p = NULL;

			CHECK(EVP_PKEY_get_bn_param(mine, OSSL_PKEY_PARAM_EC_P, &p) == 1);
			CHECK(BN_bn2binpad(p, pub, (int)n) == (int)n);
			CHECK_EQ(run(sec, pub, plen, NULL, 0, NULL), -EINVAL);
			BN_free(p);
		}
	} else if (dh) {
		BIGNUM *p = NULL;

		/* y = 0, 1, p - 1, p: refused (RFC 7919 section 5.1's range). */
		memset(pub, 0, n);
		CHECK_EQ(run(sec, pub, n, NULL, 0, NULL), -EINVAL);
		pub[n - 1] = 1;
		CHECK_EQ(run(sec, pub, n, NULL, 0, NULL), -EINVAL);
		CHECK(EVP_PKEY_get_bn_param(mine, OSSL_PKEY_PARAM_FFC_P, &p) == 1);
		CHECK(BN_bn2binpad(p, pub, (int)n) == (int)n);
		CHECK_EQ(run(sec, pub, n, NULL, 0, NULL), -EINVAL);
		CHECK(BN_sub_word(p, 1) == 1 && BN_bn2binpad(p, pub, (int)n) == (int)n);
		CHECK_EQ(run(sec, pub, n, NULL, 0, NULL), -EINVAL);
		BN_free(p);
	} else {
		/* Small-order points: u = 0, u = 1 and the order-8 point of RFC 7748's
		 * errata list give the all-zero secret: refused. */
		static const char *small[] = {
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0100000000000000000000000000000000000000000000000000000000000000",
			"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		};
		for (unsigned int i = 0; i < RTE_DIM(small); i++) {
			size_t len;

			CHECK_EQ(ce_testvec_parse(small[i], pub, sizeof(pub), &len), 0);
			CHECK_EQ(run(sec, pub, 32, NULL, 0, NULL), -EINVAL);
		}
	}
	/* The session reuses its peer key: a refused value leaves nothing
	 * behind, the next peer's secret is right. */
	plen = kpp_fresh_peer(sec, mine, kind, n, pub);
	ce_pmd_session_destroy(pubs);
	ce_pmd_session_destroy(sec);
	EVP_PKEY_free(mine);
}

static void
test_differential(void)
{
	diff_rsa("RSA2048");
	diff_rsa("RSA3072");
	diff_rsa("RSA4096");
	diff_ecdsa("P-256", "ecdsa-nist-p256", 32);
	diff_ecdsa("P-384", "ecdsa-nist-p384", 48);
	diff_kpp("P-256", "ecdh-nist-p256", 32);
	diff_kpp("P-384", "ecdh-nist-p384", 48);
	diff_kpp("X25519", "curve25519", 32);
	diff_kpp("ffdhe2048", "ffdhe2048(dh)", 256);
	diff_kpp("ffdhe3072", "ffdhe3072(dh)", 384);
}

/* ---- keys: refusals and where they live ---------------------------------- */

static void
expect_refused(const char *alg, const uint8_t *key, size_t kl, uint8_t op, int err,
	       const char *why_has)
{
	const char *why;

	CHECK(sess_try(alg, key, kl, op, &why) == NULL);
	if (errno != err || why == NULL || strstr(why, why_has) == NULL)
		REG_FAIL("%s op %u: errno %d (want %d), reason '%s' (want '%s')", alg, op, errno,
			 err, why ? why : "(none)", why_has);
}

static void
test_key_refusals(void)
{
	static uint8_t key[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX], other[CE_ASYM_KEY_MAX];
	EVP_PKEY *p256 = oracle_keygen("P-256"), *p384 = oracle_keygen("P-384"), *rsa = oracle_keygen("RSA2048");
	EVP_PKEY *rsa1024 = oracle_keygen("RSA1024"), *dh3072 = oracle_keygen("ffdhe3072");
	size_t kl = oracle_der_private(p256, key), pl = oracle_der_public(p256, pub), ol;

	expect_refused("ecdsa-nist-p256", (const uint8_t *)"garbage", 7, CE_OP_SIGN, EINVAL,
		       "malformed key");
	expect_refused("ecdsa-nist-p256", key, kl - 1, CE_OP_SIGN, EINVAL, "malformed key");
	memcpy(other, key, kl);
	other[kl] = 0;
	expect_refused("ecdsa-nist-p256", other, kl + 1, CE_OP_SIGN, EINVAL, "malformed key");
	expect_refused("ecdsa-nist-p256", pub, pl, CE_OP_SIGN, ENOKEY, "private key");
	expect_refused("ecdh-nist-p256", pub, pl, CE_OP_KPP_SECRET, ENOKEY, "private key");
	ol = oracle_der_private(p384, other);
	expect_refused("ecdsa-nist-p256", other, ol, CE_OP_SIGN, EINVAL, "curve");
	ol = oracle_der_private(rsa, other);
	expect_refused("ecdsa-nist-p256", other, ol, CE_OP_SIGN, EINVAL, "key type");
	expect_refused("curve25519", other, ol, CE_OP_KPP_SECRET, EINVAL, "key type");
	ol = oracle_der_private(rsa1024, other);
	expect_refused("pkcs1pad(rsa,sha256)", other, ol, CE_OP_SIGN, EINVAL, "key size");
	ol = oracle_der_private(dh3072, other);
	expect_refused("ffdhe2048(dh)", other, ol, CE_OP_KPP_SECRET, EINVAL, "group");
	/* Through the core: the type's ops and sizes. */
	expect_refused("ecdsa-nist-p256", key, kl, CE_OP_ENCRYPT, EINVAL, "op");
	expect_refused("rsa", other, 0, CE_OP_ENCRYPT, EINVAL, "key length");
	/* An EC public key whose point is not on the curve. */
	pl = oracle_der_public(p256, pub);
	pub[pl - 1] ^= 1;
	expect_refused("ecdsa-nist-p256", pub, pl, CE_OP_SIG_VERIFY, EINVAL, "malformed key");
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(dh3072);
}

static void
test_secure_heap(void)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	const char *kinds[] = { "RSA2048", "P-256", "X25519", "ffdhe2048" };
	const char *algs[] = { "pkcs1pad(rsa,sha256)", "ecdsa-nist-p256", "curve25519",
			       "ffdhe2048(dh)" };
	const uint8_t ops[] = { CE_OP_SIGN, CE_OP_SIGN, CE_OP_KPP_SECRET, CE_OP_KPP_SECRET };

	CHECK(CRYPTO_secure_malloc_initialized());
	for (unsigned int i = 0; i < RTE_DIM(kinds); i++) {
		EVP_PKEY *pk = oracle_keygen(kinds[i]);
		size_t kl = oracle_der_private(pk, key);
		size_t before = CRYPTO_secure_used();
		struct ce_pmd_session *s = sess_new(algs[i], key, kl, ops[i]);

		/* The session's private numbers went to the secure heap... */
		CHECK(CRYPTO_secure_used() > before);
		ce_pmd_session_destroy(s);
		/* ...and back (OpenSSL wipes secure blocks as it frees them). */
		CHECK_EQ(CRYPTO_secure_used(), before);
		EVP_PKEY_free(pk);
	}
}

/* ---- the asynchronous contract ---------------------------------------------- */

static unsigned int nb_final;
static int final_status[64];

static void
count_final(void *ctx, struct ce_pmd_request *req, int status)
{
	(void)ctx;
	final_status[req->cookie] = status;
	nb_final++;
}

static void
test_async(void)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	static struct ce_pmd_request reqs[64];
	struct ce_pmd_request *batch[64];
	struct ce_pmd_qp *qp = dev->qps[0];
	EVP_PKEY *pk = oracle_keygen("RSA2048");
	size_t kl = oracle_der_private(pk, key);
	struct ce_pmd_session *s = sess_new("pkcs1pad(rsa,sha256)", key, kl, CE_OP_SIGN);
	uint8_t *outs = rte_zmalloc(NULL, 64 * 256, 64);
	unsigned int i, done = 0, ok = 0;
	uint16_t taken;

	CHECK(outs != NULL);
	qp->finalize = count_final;
	qp->finalize_ctx = NULL;
	for (i = 0; i < 64; i++) {
		reqs[i] = (struct ce_pmd_request){ .sess = s, .active = s, .op = CE_OP_SIGN,
						   .src = buf_in, .len = 32,
						   .dst = outs + 256 * i, .cookie = i };
		batch[i] = &reqs[i];
	}
	/* Depth 8 (the device's argument): the ninth is refused, not taken. */
	for (i = 0; i < 8; i++)
		CHECK_EQ(dev->drv->fast->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	CHECK_EQ(dev->drv->fast->do_one_request(qp, &reqs[8]), -ENOSPC);
	/* A request that does not fit its session (no output buffer) is not
	 * taken either. */
	reqs[9].dst = NULL;
	CHECK_EQ(dev->drv->fast->do_one_request(qp, &reqs[9]), -EINVAL);
	/* Cancel: every one finalized exactly once, done (0) or cancelled. */
	nb_final = 0;
	CHECK_EQ(dev->drv->fast->cancel(qp, -ESHUTDOWN), 8);
	CHECK_EQ(nb_final, 8);
	for (i = 0; i < 8; i++) {
		CHECK(final_status[i] == 0 || final_status[i] == -ESHUTDOWN);
		ok += final_status[i] == 0;
	}
	fprintf(stderr, "  cancel: %u of 8 had finished\n", ok);
	/* A batch: a prefix of depth taken, the bad one finalized -EINVAL. */
	nb_final = 0;
	taken = dev->drv->fast->do_batch_requests(qp, &batch[8], 10);
	CHECK_EQ(taken, 8);
	while (done < 8)
		done += dev->drv->fast->poll(qp, 64);
	CHECK_EQ(nb_final, 8);
	CHECK_EQ(final_status[9], -EINVAL);
	for (i = 8; i < 16; i++)
		if (i != 9)
			CHECK_EQ(final_status[i], 0);
	/* Deterministic signatures: all the same. */
	for (i = 11; i < 16; i++)
		CHECK_MEM(outs + 256 * i, outs + 256 * 10, 256);
	CHECK_EQ(dev->drv->fast->poll(qp, 64), 0);
	ce_pmd_session_destroy(s);
	rte_free(outs);
	EVP_PKEY_free(pk);
}

/* The CPUs a thread of this process named @p comm may run on ("" if none). */
static void
thread_cpus(const char *comm, char *out, size_t len)
{
	char path[300], line[256], name[64];
	struct dirent *de;
	DIR *dir = opendir("/proc/self/task");

	CHECK(dir != NULL);
	out[0] = '\0';
	while ((de = readdir(dir)) != NULL) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		name[0] = '\0';
		if (fgets(name, sizeof(name), f) == NULL)
			name[0] = '\0';
		fclose(f);
		name[strcspn(name, "\n")] = '\0';
		if (strcmp(name, comm) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		f = fopen(path, "r");
		CHECK(f != NULL);
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
				snprintf(out, len, "%s", line + 18 + strspn(line + 18, " \t"));
		fclose(f);
	}
	closedir(dir);
	out[strcspn(out, "\n")] = '\0';
}

/* Device argument cpu=N: the thread on that CPU alone; out of range refused. */
static void
test_thread_cpu(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0, .args = "cpu=0" };
	struct ce_pmd_dev *d;
	char cpus[128];

	/* EAL's lcore is CPU 0: the control threads (and an unpinned device
	 * thread) get the others where there are others. */
	d = ce_pmd_dev_create("openssl", "pin0", &cfg);
	CHECK(d != NULL);
	thread_cpus("ossl-pin0", cpus, sizeof(cpus));
	fprintf(stderr, "cpu=0: the device thread may run on CPUs \"%s\"\n", cpus);
	CHECK_EQ(strcmp(cpus, "0"), 0);
	ce_pmd_dev_destroy(d);
	cfg.args = "cpu=100000";
	CHECK(ce_pmd_dev_create("openssl", "pin1", &cfg) == NULL);
	cfg.args = "cpu=";
	CHECK(ce_pmd_dev_create("openssl", "pin2", &cfg) == NULL);
}

int
main(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0, .args = "depth=8" };

	reg_rng_init(42);
	ce_test_eal_init("test_ossl", "0");
	dev = ce_pmd_dev_create("openssl", "ossl0", &cfg);
	CHECK(dev != NULL);
	buf_in = rte_zmalloc(NULL, 1024, 64);
	buf_out = rte_zmalloc(NULL, 1024, 64);
	buf_sig = rte_zmalloc(NULL, 1024, 64);
	CHECK(buf_in && buf_out && buf_sig);

	RUN(test_known_answers);
	RUN(test_differential);
	RUN(test_key_refusals);
	RUN(test_secure_heap);
	RUN(test_async);
	RUN(test_thread_cpu);

	rte_free(buf_in);
	rte_free(buf_out);
	rte_free(buf_sig);
	ce_pmd_dev_destroy(dev);
	rte_eal_cleanup();
	return 0;
}
