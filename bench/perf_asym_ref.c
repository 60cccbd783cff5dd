/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf's asymmetric modes at run time: the key (made here with
 * OpenSSL, handed to the daemon as PKCS#8 DER), PERF_VARIANTS inputs (digests,
 * signatures to verify, ciphertexts, peers' public keys), each slot's buffers
 * and descriptor, and the check of every result against OpenSSL
 * (--verify-all, --ptest verify): a signature must verify with OpenSSL, a
 * ciphertext must decrypt to the plaintext, a shared secret must equal
 * OpenSSL's derivation with the same keys, a public key the key's own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cryptoeng.h"
#include "perf.h"
#include "perf_run.h"

#define ASYM_BUF 512	/* the largest input, output or signature: RSA-4096 */

struct asym_variant {
	uint8_t in[ASYM_BUF];		/* what src holds */
	uint8_t sig[ASYM_BUF];		/* SIG_VERIFY: a valid signature over in */
	uint8_t expect[ASYM_BUF];	/* decrypt, derive, pubkey, raw RSA: the output */
	uint8_t plain[ASYM_BUF];	/* encrypt: what the ciphertext must decrypt to */
	uint32_t expect_len;
	uint32_t plain_len;
};

static EVP_PKEY *asym_key;
static uint8_t *asym_der;
static int asym_der_len;
static struct asym_variant asym_var[PERF_VARIANTS];

static int
asym_rsa_pad(void)
{
	if (strcmp(perf_p.alg, "rsa") == 0)
		return RSA_NO_PADDING;
	if (strncmp(perf_p.alg, "psspad", 6) == 0)
		return RSA_PKCS1_PSS_PADDING;
	if (strncmp(perf_p.alg, "oaep", 4) == 0)
		return RSA_PKCS1_OAEP_PADDING;
	return RSA_PKCS1_PADDING;
}

static int
asym_is_rsa(void)
{
	return perf_o.optype == PERF_RSA || perf_o.optype == PERF_MODEX;
}

/* A context for @p key set up as the daemon's algorithm does (padding, hashes). */
static EVP_PKEY_CTX *
asym_ctx(EVP_PKEY *key, int (*init)(EVP_PKEY_CTX *), int sign)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(key, NULL);
	int pad = asym_rsa_pad();

	if (c == NULL || init(c) != 1)
		goto fail;
	if (!asym_is_rsa())
		return c;
	if (EVP_PKEY_CTX_set_rsa_padding(c, pad) != 1)
		goto fail;
	if (sign && EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) != 1)
		goto fail;
	if (pad == RSA_PKCS1_PSS_PADDING &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(c, init == EVP_PKEY_sign_init ? 32 :
					     RSA_PSS_SALTLEN_AUTO) != 1)
		goto fail;
	if (pad == RSA_PKCS1_OAEP_PADDING &&
	    (EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) != 1 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) != 1))
		goto fail;
	return c;
fail:
	EVP_PKEY_CTX_free(c);
	return NULL;
}

/* OpenSSL's DER ECDSA-Sig-Value ↔ the daemon's r || s (each @p n bytes). */
static int
asym_sig_from_der(const uint8_t *der, size_t len, uint8_t *rs, uint32_t n)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	int ok;

	if (s == NULL)
		return -EINVAL;
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(s), rs, (int)n) == (int)n &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(s), rs + n, (int)n) == (int)n;
	ECDSA_SIG_free(s);
	return ok ? 0 : -EINVAL;
}

static int
asym_sig_to_der(const uint8_t *rs, uint32_t n, uint8_t **der)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)n, NULL), *ss = BN_bin2bn(rs + n, (int)n, NULL);
	int len = -1;

	if (s != NULL && r != NULL && ss != NULL && ECDSA_SIG_set0(s, r, ss) == 1) {
		r = ss = NULL;	/* owned by s now */
		*der = NULL;
		len = i2d_ECDSA_SIG(s, der);
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return len;
}

/* A public key in the daemon's format: EC x || y (no 04), X25519 u. */
static int
asym_pub_raw(EVP_PKEY *k, uint8_t *out, uint32_t room)
{
	uint8_t pt[1 + 2 * 66];
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n) != 1)
		return -EINVAL;
	if (EVP_PKEY_is_a(k, "EC")) {
		if (pt[0] != 0x04 || n - 1 > room)
			return -EINVAL;
		memcpy(out, pt + 1, n - 1);
		return (int)(n - 1);
	}
	if (n > room)
		return -EINVAL;
	memcpy(out, pt, n);
	return (int)n;
}

static EVP_PKEY *
asym_keygen(void)
{
	if (asym_is_rsa())
		return EVP_RSA_gen(perf_p.asym_bits);
	if (strcmp(perf_p.alg, "curve25519") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	return EVP_EC_gen(perf_p.asym_bits == 384 ? "P-384" : "P-256");
}

/* One variant's input and what the daemon must give back for it. */
static int
asym_variant_make(struct asym_variant *v)
{
	const struct perf_plan *p = &perf_p;
	uint8_t der[ASYM_BUF + 16];
	size_t len = sizeof(der);
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *peer = NULL;
	int ret = -EINVAL;

	RAND_bytes(v->in, (int)p->asym_in_len);
	switch (p->op) {
	case CE_OP_SIGN:
		return 0;	/* the check verifies with OpenSSL */
	case CE_OP_SIG_VERIFY:
		c = asym_ctx(asym_key, EVP_PKEY_sign_init, 1);
		if (c == NULL || EVP_PKEY_sign(c, der, &len, v->in, p->asym_in_len) != 1)
			break;
		if (asym_is_rsa()) {
			memcpy(v->sig, der, len);
			ret = len == p->asym_sig_len ? 0 : -EINVAL;
		} else {
			ret = asym_sig_from_der(der, len, v->sig, p->asym_sig_len / 2);
		}
		break;
	case CE_OP_ENCRYPT:
		if (asym_rsa_pad() == RSA_NO_PADDING) {
			/* Raw: a number below n (top byte 0); the result is deterministic. */
			v->in[0] = 0;
			c = asym_ctx(asym_key, EVP_PKEY_encrypt_init, 0);
			len = sizeof(v->expect);
			if (c != NULL && EVP_PKEY_encrypt(c, v->expect, &len, v->in,
							   p->asym_in_len) == 1) {
				v->expect_len = (uint32_t)len;
				ret = 0;
			}
			break;
		}
		memcpy(v->plain, v->in, p->asym_in_len);
		v->plain_len = p->asym_in_len;
		ret = 0;
		break;
	case CE_OP_DECRYPT:
		/* The plaintext (raw: modulus bytes below n), OpenSSL's ciphertext as input. */
		v->plain_len = asym_rsa_pad() == RSA_NO_PADDING ? p->asym_out_max : 48;
		RAND_bytes(v->plain, (int)v->plain_len);
		if (asym_rsa_pad() == RSA_NO_PADDING)
			v->plain[0] = 0;
		c = asym_ctx(asym_key, EVP_PKEY_encrypt_init, 0);
		len = sizeof(v->in);
		if (c == NULL || EVP_PKEY_encrypt(c, v->in, &len, v->plain, v->plain_len) != 1 ||
		    len != p->asym_in_len)
			break;
		memcpy(v->expect, v->plain, v->plain_len);
		v->expect_len = v->plain_len;
		ret = 0;
		break;
	case CE_OP_KPP_PUBKEY:
		ret = asym_pub_raw(asym_key, v->expect, sizeof(v->expect));
		if (ret > 0) {
			v->expect_len = (uint32_t)ret;
			ret = 0;
		}
		break;
	case CE_OP_KPP_SECRET:
		/* A peer of its own per variant: the secret OpenSSL derives with it. */
		peer = strcmp(p->alg, "curve25519") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "X25519") :
		       EVP_EC_gen(p->asym_bits == 384 ? "P-384" : "P-256");
		if (peer == NULL || asym_pub_raw(peer, v->in, sizeof(v->in)) != (int)p->asym_in_len)
			break;
		c = EVP_PKEY_CTX_new(asym_key, NULL);
		len = sizeof(v->expect);
		if (c == NULL || EVP_PKEY_derive_init(c) != 1 || EVP_PKEY_derive_set_peer(c, peer) != 1 ||
		    EVP_PKEY_derive(c, v->expect, &len) != 1)
			break;
		v->expect_len = (uint32_t)len;
		ret = 0;
		break;
	}
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(peer);
	return ret;
}

int
perf_asym_setup(void)
{
	PKCS8_PRIV_KEY_INFO *p8;
	uint32_t v;

	if (asym_key != NULL)
		return 0;
	asym_key = asym_keygen();
	if (asym_key == NULL) {
		fprintf(stderr, "cryptoeng-perf: OpenSSL could not make a key for %s\n", perf_p.alg);
		return -EINVAL;
	}
	p8 = EVP_PKEY2PKCS8(asym_key);
	asym_der_len = p8 != NULL ? i2d_PKCS8_PRIV_KEY_INFO(p8, &asym_der) : -1;
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (asym_der_len <= 0 || (uint32_t)asym_der_len > CE_ASYM_KEY_MAX) {
		fprintf(stderr, "cryptoeng-perf: %s: no PKCS#8 DER of the key\n", perf_p.alg);
		return -EINVAL;
	}
	for (v = 0; v < perf_nb_variants; v++)
		if (asym_variant_make(&asym_var[v]) < 0) {
			fprintf(stderr, "cryptoeng-perf: OpenSSL could not make the input of %s %s\n",
				perf_p.alg, perf_asym_op_str(perf_o.asym_op));
			return -EINVAL;
		}
	return 0;
}

void
perf_asym_free(void)
{
	if (asym_der != NULL)
		OPENSSL_clear_free(asym_der, (size_t)asym_der_len);
	asym_der = NULL;
	EVP_PKEY_free(asym_key);
	asym_key = NULL;
}

/*
 * The session of one queue pair. The driver: --driver or a driver name in
 * --devtype as given; a backend (openssl, cryptodev) is looked up among the
 * daemon's drivers of the algorithm. @return the handle, or -errno
 * (message printed).
 */
int64_t
perf_asym_session(struct ce_client *c)
{
	struct ce_asym_session_params sp = {
		.alg = perf_p.alg,
		.key = asym_der,
		.key_len = (uint32_t)asym_der_len,
		.ops = CE_OP_BIT(perf_p.op),
	};
	struct ce_asym_session_info info;
	char drivers[512];
	int64_t h;

	if (perf_p.driver[0] == '\0' && perf_p.backend != NULL) {
		char *tok, *save = NULL;

		perf_daemon_drivers(drivers, sizeof(drivers));
		for (tok = strtok_r(drivers, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			if (strstr(tok, perf_p.backend) != NULL)
				break;
		if (tok == NULL) {
			perf_daemon_drivers(drivers, sizeof(drivers));
			fprintf(stderr, "cryptoeng-perf: --devtype %s: no such device: the daemon has "
				"no '%s' implementation of %s; it offers: %s\n", perf_o.devtype,
				perf_p.backend, perf_p.alg, drivers[0] ? drivers : "nothing for it");
			return -ENOENT;
		}
		snprintf(perf_p.driver, sizeof(perf_p.driver), "%s", tok);
	}
	sp.driver = perf_p.driver[0] ? perf_p.driver : NULL;
	h = ce_asym_session_create(c, &sp, &info);
	if (h < 0) {
		fprintf(stderr, "cryptoeng-perf: session %s%s%s (%u-bit key, %s): %s: %s\n",
			perf_p.alg, sp.driver ? " driver " : "", sp.driver ? sp.driver : "",
			perf_p.asym_bits, perf_asym_op_str(perf_o.asym_op), strerror((int)-h),
			ce_client_last_error(c));
		return h;
	}
	if (info.out_max > perf_p.asym_out_max) {
		fprintf(stderr, "cryptoeng-perf: %s: the daemon's out_max %u is over the %u bytes "
			"planned\n", perf_p.alg, info.out_max, perf_p.asym_out_max);
		ce_session_destroy(c, (uint32_t)h);
		return -EPROTO;
	}
	return h;
}

void
perf_asym_fill(struct perf_slot *sl)
{
	const struct asym_variant *v = &asym_var[sl->variant];

	sl->len = perf_p.asym_in_len;
	memcpy(sl->src, v->in, perf_p.asym_in_len);
	if (perf_p.asym_sig_len)
		memcpy(sl->aad, v->sig, perf_p.asym_sig_len);
}

void
perf_asym_desc(struct ce_desc *d, const struct perf_slot *sl)
{
	d->src_off = perf_p.asym_in_len ? sl->src_off : 0;
	d->dst_off = perf_p.op == CE_OP_SIG_VERIFY ? 0 : sl->dst_off;
	d->len = perf_p.asym_in_len;
	d->aad_off = perf_p.asym_sig_len ? sl->aad_off : 0;
	d->aad_len = perf_p.asym_sig_len;
	d->iv_off = 0;
	d->digest_off = 0;
}

/* A signature from the daemon over @p v's digest, checked by OpenSSL. */
static int
asym_check_sig(const struct asym_variant *v, const uint8_t *sig, uint32_t len)
{
	EVP_PKEY_CTX *c = asym_ctx(asym_key, EVP_PKEY_verify_init, 1);
	uint8_t *der = NULL;
	int ok = 0, n;

	if (c == NULL)
		return -1;
	if (asym_is_rsa()) {
		ok = EVP_PKEY_verify(c, sig, len, v->in, perf_p.asym_in_len) == 1;
	} else if (len == perf_p.asym_out_max) {
		n = asym_sig_to_der(sig, len / 2, &der);
		ok = n > 0 && EVP_PKEY_verify(c, der, (size_t)n, v->in, perf_p.asym_in_len) == 1;
		OPENSSL_free(der);
	}
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

/* A ciphertext from the daemon: OpenSSL must decrypt it to @p v's plaintext. */
static int
asym_check_encrypt(const struct asym_variant *v, const uint8_t *ct, uint32_t len)
{
	EVP_PKEY_CTX *c = asym_ctx(asym_key, EVP_PKEY_decrypt_init, 0);
	uint8_t out[ASYM_BUF];
	size_t n = sizeof(out);
	int ok;

	ok = c != NULL && len == perf_p.asym_out_max &&
	     EVP_PKEY_decrypt(c, out, &n, ct, len) == 1 && n == v->plain_len &&
	     memcmp(out, v->plain, n) == 0;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

int
perf_asym_check(const struct perf_slot *sl, uint32_t out_len)
{
	const struct asym_variant *v = &asym_var[sl->variant];

	switch (perf_p.op) {
	case CE_OP_SIG_VERIFY:
		return 0;	/* status 0 said valid; anything else counted as failed */
	case CE_OP_SIGN:
		return asym_check_sig(v, sl->dst, out_len);
	case CE_OP_ENCRYPT:
		if (asym_rsa_pad() != RSA_NO_PADDING)
			return asym_check_encrypt(v, sl->dst, out_len);
		break;
	default:
		break;
	}
	return out_len == v->expect_len && memcmp(sl->dst, v->expect, out_len) == 0 ? 0 : -1;
}
