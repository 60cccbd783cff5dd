/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session keys of the asymmetric entries: DER (PKCS#8 PrivateKeyInfo, or
 * SubjectPublicKeyInfo for a public key) read by OpenSSL's decoders, taken
 * apart into the big-endian components cryptodev's xforms want: RSA n, e, d
 * and the CRT quintuple p, q, dP, dQ, qInv; an RFC 7919 group's p, g and
 * the private exponent x. Control path. The caller wipes the components
 * (qat_asym_key_wipe) once the device sessions hold them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* RSA_set0_key: the padding helpers take an RSA */

#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "qat_priv.h"

/* The key in der, private (PKCS#8 or a traditional encoding OpenSSL reads)
 * or public (SubjectPublicKeyInfo), using every byte. */
static EVP_PKEY *
qat_asym_der_decode(const uint8_t *der, uint16_t len, bool *priv)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &p, len);

	if (pkey != NULL && p == der + len) {
		*priv = true;
		return pkey;
	}
	EVP_PKEY_free(pkey);
	p = der;
	pkey = d2i_PUBKEY(NULL, &p, len);
	if (pkey != NULL && p == der + len) {
		*priv = false;
		return pkey;
	}
	EVP_PKEY_free(pkey);
	return NULL;
}

/* A private key whose parts agree (n = p q, e d = 1, the CRT values: no
 * primality test, so it stays cheap), or a public key OpenSSL accepts. */
static bool
qat_asym_consistent(EVP_PKEY *pkey, bool priv)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok;

	if (c == NULL)
		return false;
	ok = priv ? EVP_PKEY_pairwise_check(c) : EVP_PKEY_public_check(c);
	EVP_PKEY_CTX_free(c);
	return ok == 1;
}

/* One component, left-padded to len bytes. @return 0, or -EINVAL when it is
 * missing or longer. */
static int
qat_asym_bn_get(const EVP_PKEY *pkey, const char *name, uint8_t *out, int len)
{
	BIGNUM *bn = NULL;
	int ret = -EINVAL;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) == 1 && bn != NULL &&
	    BN_bn2binpad(bn, out, len) == len)
		ret = 0;
	BN_clear_free(bn);
	return ret;
}

/* Bytes of a component with its leading zeros dropped (cryptodev takes
 * exponents as short as they are). */
static uint16_t
qat_asym_strip(uint8_t *v, uint16_t len)
{
	uint16_t z = 0;

	while (z + 1 < len && v[z] == 0)
		z++;
	memmove(v, v + z, len - z);
	return len - z;
}

int
qat_asym_key_rsa(const uint8_t *der, uint16_t len, struct qat_asym_key *k, const char **why)
{
	BIGNUM *n = NULL, *e = NULL, *third = NULL;
	EVP_PKEY *pkey;
	RSA *rsa = NULL;
	int bits, ret = -EINVAL;

	memset(k, 0, sizeof(*k));
	pkey = qat_asym_der_decode(der, len, &k->priv);
	if (pkey == NULL) {
		*why = "malformed key: not DER PKCS#8 or SubjectPublicKeyInfo";
		return -EINVAL;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		*why = "key type: not an RSA key";
		goto out;
	}
	if (!qat_asym_consistent(pkey, k->priv)) {
		*why = "malformed key: RSA parts disagree (n, p q, e d or the CRT values)";
		goto out;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < QAT_ASYM_RSA_MIN_BITS || bits > QAT_ASYM_RSA_MAX_BITS) {
		*why = "key size: RSA modulus outside 2048..4096 bits";
		goto out;
	}
	k->mod_bits = (uint16_t)bits;
	k->mod_len = (uint16_t)((bits + 7) / 8);
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_FACTOR3, &third) == 1) {
		*why = "key type: multi-prime RSA is not supported";
		goto out;
	}
	if (qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_N, k->n, k->mod_len) < 0 ||
	    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_E, k->e, k->mod_len) < 0) {
		*why = "malformed key: RSA n or e unreadable";
		goto out;
	}
	k->e_len = qat_asym_strip(k->e, k->mod_len);
	if (k->priv) {
		k->half = (uint16_t)((k->mod_len + 1) / 2);
		if (qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_D, k->d, k->mod_len) < 0) {
			*why = "malformed key: RSA private exponent unreadable";
			goto out;
		}
		k->d_len = k->mod_len;
		/* CRT: a key without it (or with components longer than half the
		 * modulus) runs with d alone. */
		if (qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, k->p, k->half) < 0 ||
		    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, k->q, k->half) < 0 ||
		    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1, k->dp, k->half) < 0 ||
		    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2, k->dq, k->half) < 0 ||
		    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k->qinv, k->half) < 0)
			k->half = 0;
	}
	/* The padding helpers want an RSA: the public half only. */
	n = BN_bin2bn(k->n, k->mod_len, NULL);
	e = BN_bin2bn(k->e, k->e_len, NULL);
	rsa = RSA_new();
	if (n == NULL || e == NULL || rsa == NULL || RSA_set0_key(rsa, n, e, NULL) != 1) {
		*why = "out of memory";
		ret = -ENOMEM;
		goto out;
	}
	n = e = NULL;
	k->rsa = rsa;
	rsa = NULL;
	ret = 0;
out:
	RSA_free(rsa);
	BN_free(n);
	BN_free(e);
	BN_free(third);
	EVP_PKEY_free(pkey);
	if (ret < 0)
		qat_asym_key_wipe(k);
	return ret;
}

int
qat_asym_key_dh(const uint8_t *der, uint16_t len, const struct qat_asym_desc *desc,
		struct qat_asym_key *k, const char **why)
{
	char group[32];
	EVP_PKEY *pkey;
	int ret = -EINVAL;

	memset(k, 0, sizeof(*k));
	pkey = qat_asym_der_decode(der, len, &k->priv);
	if (pkey == NULL) {
		*why = "malformed key: not DER PKCS#8";
		return -EINVAL;
	}
	if (!EVP_PKEY_is_a(pkey, "DH") || !k->priv) {
		*why = "key type: not a DH private key";
		goto out;
	}
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
					   sizeof(group), NULL) != 1 ||
	    strcmp(group, desc->group) != 0) {
		*why = "group: a DH key of another group than the algorithm's";
		goto out;
	}
	k->mod_bits = desc->group_bits;
	k->mod_len = desc->group_bits / 8;
	if (qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_FFC_P, k->n, k->mod_len) < 0 ||
	    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_FFC_G, k->g, k->mod_len) < 0 ||
	    qat_asym_bn_get(pkey, OSSL_PKEY_PARAM_PRIV_KEY, k->x, k->mod_len) < 0) {
		*why = "malformed key: DH p, g or private key unreadable";
		goto out;
	}
	k->d_len = qat_asym_strip(k->x, k->mod_len);
	ret = 0;
out:
	EVP_PKEY_free(pkey);
	if (ret < 0)
		qat_asym_key_wipe(k);
	return ret;
}

void
qat_asym_key_wipe(struct qat_asym_key *k)
{
	void *rsa = k->rsa;

	OPENSSL_cleanse(k, sizeof(*k));
	k->rsa = rsa;
}
