/* SPDX-License-Identifier: BSD-3-Clause */
/* OpenSSL as the oracle of the asymmetric tests (asym_oracle.h). */
#include "asym_oracle.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ce_shm_abi.h"
#include "ce_test.h"

EVP_PKEY *
oracle_keygen(const char *what)
{
	EVP_PKEY *pk = NULL;

	if (strncmp(what, "RSA", 3) == 0) {
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)atoi(what + 3));
	} else if (strncmp(what, "P-", 2) == 0) {
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", what);
	} else if (strcmp(what, "X25519") == 0) {
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	} else {	/* a named FFDHE group */
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)what, 0),
			OSSL_PARAM_construct_end(),
		};

		CHECK(c != NULL && EVP_PKEY_keygen_init(c) == 1 &&
		      EVP_PKEY_CTX_set_params(c, params) == 1 && EVP_PKEY_generate(c, &pk) == 1);
		EVP_PKEY_CTX_free(c);
	}
	if (pk == NULL) {
		fprintf(stderr, "keygen %s failed\n", what);
		exit(1);
	}
	return pk;
}

size_t
oracle_der_private(EVP_PKEY *pk, uint8_t *out)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pk);
	unsigned char *q = out;
	int n;

	CHECK(p8 != NULL);
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &q);
	PKCS8_PRIV_KEY_INFO_free(p8);
	CHECK(n > 0 && n <= (int)CE_ASYM_KEY_MAX);
	return (size_t)n;
}

size_t
oracle_der_public(EVP_PKEY *pk, uint8_t *out)
{
	unsigned char *q = out;
	int n = i2d_PUBKEY(pk, &q);

	CHECK(n > 0 && n <= (int)CE_ASYM_KEY_MAX);
	return (size_t)n;
}

EVP_PKEY_CTX *
oracle_rsa_ctx(EVP_PKEY *pk, int (*init)(EVP_PKEY_CTX *), int pad)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);

	CHECK(c != NULL && init(c) == 1 && EVP_PKEY_CTX_set_rsa_padding(c, pad) == 1);
	if (pad == RSA_PKCS1_OAEP_PADDING) {
		CHECK(EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) == 1);
		CHECK(EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) == 1);
	} else if (pad != RSA_NO_PADDING &&
		   (init == EVP_PKEY_sign_init || init == EVP_PKEY_verify_init)) {
		CHECK(EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1);
	}
	return c;
}

size_t
oracle_rsa(EVP_PKEY *pk, uint8_t op, int pad, const uint8_t *in, size_t in_len, uint8_t *out)
{
	size_t out_len = (size_t)EVP_PKEY_get_size(pk);
	EVP_PKEY_CTX *c;
	int r;

	switch (op) {
	case CE_OP_SIGN:
		c = oracle_rsa_ctx(pk, EVP_PKEY_sign_init, pad);
		r = EVP_PKEY_sign(c, out, &out_len, in, in_len);
		break;
	case CE_OP_ENCRYPT:
		c = oracle_rsa_ctx(pk, EVP_PKEY_encrypt_init, pad);
		r = EVP_PKEY_encrypt(c, out, &out_len, in, in_len);
		break;
	default:
		CHECK(op == CE_OP_DECRYPT);
		c = oracle_rsa_ctx(pk, EVP_PKEY_decrypt_init, pad);
		r = EVP_PKEY_decrypt(c, out, &out_len, in, in_len);
		break;
	}
	EVP_PKEY_CTX_free(c);
	CHECK(r == 1);
	return out_len;
}

/* The BIGNUM parameter name of pk, n bytes big-endian, in out. */
static void
bn_param(EVP_PKEY *pk, const char *name, uint32_t n, uint8_t *out)
{
	BIGNUM *bn = NULL;

	CHECK(EVP_PKEY_get_bn_param(pk, name, &bn) == 1);
	CHECK(BN_bn2binpad(bn, out, (int)n) == (int)n);
	BN_free(bn);
}

uint32_t
oracle_peer_value(EVP_PKEY *peer, const char *kind, uint32_t n, uint8_t *out)
{
	size_t len = 32;

	if (strcmp(kind, "X25519") == 0) {
		CHECK(EVP_PKEY_get_raw_public_key(peer, out, &len) == 1);
		return 32;
	}
	if (strncmp(kind, "P-", 2) == 0) {
		bn_param(peer, OSSL_PKEY_PARAM_EC_PUB_X, n, out);
		bn_param(peer, OSSL_PKEY_PARAM_EC_PUB_Y, n, out + n);
		return 2 * n;
	}
	bn_param(peer, OSSL_PKEY_PARAM_PUB_KEY, n, out);
	return n;
}

size_t
oracle_derive(EVP_PKEY *mine, EVP_PKEY *peer, uint8_t *out, size_t max, bool dh_pad)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(mine, NULL);
	size_t n = max;

	CHECK(c != NULL && EVP_PKEY_derive_init(c) == 1);
	if (dh_pad)
		CHECK(EVP_PKEY_CTX_set_dh_pad(c, 1) == 1);
	CHECK(EVP_PKEY_derive_set_peer(c, peer) == 1);
	CHECK(EVP_PKEY_derive(c, out, &n) == 1);
	EVP_PKEY_CTX_free(c);
	return n;
}

int
oracle_ecdsa_verify(EVP_PKEY *pk, const uint8_t *dig, size_t dig_len, const uint8_t *raw,
		    uint32_t n)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	uint8_t der[160];
	unsigned char *q = der;
	int len, ok;

	CHECK(s != NULL && c != NULL && EVP_PKEY_verify_init(c) == 1);
	CHECK(ECDSA_SIG_set0(s, BN_bin2bn(raw, (int)n, NULL), BN_bin2bn(raw + n, (int)n, NULL)));
	CHECK(i2d_ECDSA_SIG(s, NULL) <= (int)sizeof(der));
	len = i2d_ECDSA_SIG(s, &q);
	CHECK(len > 0);
	ok = EVP_PKEY_verify(c, der, (size_t)len, dig, dig_len);
	EVP_PKEY_CTX_free(c);
	ECDSA_SIG_free(s);
	return ok;
}

void
oracle_ecdsa_sign(EVP_PKEY *pk, const uint8_t *dig, size_t dig_len, uint32_t n, uint8_t *raw)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	uint8_t der[160];
	size_t der_len = sizeof(der);
	const unsigned char *p = der;
	ECDSA_SIG *s;

	CHECK(c != NULL && EVP_PKEY_sign_init(c) == 1);
	CHECK(EVP_PKEY_sign(c, der, &der_len, dig, dig_len) == 1);
	EVP_PKEY_CTX_free(c);
	s = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	CHECK(s != NULL);
	CHECK(BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, (int)n) == (int)n);
	CHECK(BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + n, (int)n) == (int)n);
	ECDSA_SIG_free(s);
}
