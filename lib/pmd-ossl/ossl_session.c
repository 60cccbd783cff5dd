/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "openssl" sessions: parse the DER key, check it against the algorithm,
 * keep it (its private numbers in OpenSSL's secure heap), and set up the
 * one EVP_PKEY_CTX the session's op runs on. Control thread only.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/dh.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ossl_priv.h"

#define OSSL_WHY(params, s) do { if ((params)->why != NULL) *(params)->why = (s); } while (0)

/* Ops that need the private key. */
static bool
ossl_op_needs_private(uint8_t op)
{
	return op == CE_OP_SIGN || op == CE_OP_DECRYPT || op == CE_OP_KPP_PUBKEY ||
	       op == CE_OP_KPP_SECRET;
}

/*
 * DER to a key: a private key first (PKCS#8, or what d2i_AutoPrivateKey also
 * reads), then a SubjectPublicKeyInfo. Every byte must belong to the key.
 * A private key must land in the secure heap: if it did not (the heap is
 * full and OpenSSL fell back to its ordinary heap), it is refused.
 */
static int
ossl_key_parse(const struct ce_pmd_session_params *params, EVP_PKEY **out, bool *is_private)
{
	const unsigned char *p = params->key;
	size_t secure_before = CRYPTO_secure_used();
	EVP_PKEY *pk;

	pk = d2i_AutoPrivateKey(NULL, &p, params->key_len);
	if (pk != NULL && p == params->key + params->key_len) {
		if (CRYPTO_secure_used() == secure_before) {
			EVP_PKEY_free(pk);
			ERR_clear_error();
			OSSL_WHY(params, "secure heap full: no room for another private key "
				 "(device argument secure_heap)");
			return -ENOMEM;
		}
		*out = pk;
		*is_private = true;
		ERR_clear_error();
		return 0;
	}
	EVP_PKEY_free(pk);
	p = params->key;
	pk = d2i_PUBKEY(NULL, &p, params->key_len);
	ERR_clear_error();
	if (pk != NULL && p == params->key + params->key_len) {
		*out = pk;
		*is_private = false;
		return 0;
	}
	EVP_PKEY_free(pk);
	OSSL_WHY(params, "malformed key: not a DER PKCS#8 PrivateKeyInfo or "
		 "SubjectPublicKeyInfo (or bytes after it)");
	return -EINVAL;
}

/* The key fits the algorithm: type, group, size in bits; a public EC or DH
 * key is a valid point / element, an EC private key matches its public one. */
static int
ossl_key_check(const struct ce_pmd_alg_caps *alg, const struct ossl_alg *oa, EVP_PKEY *pk,
	       bool is_private, const struct ce_pmd_session_params *params)
{
	char group[64];
	size_t glen = 0;
	int ok = 1;

	if (EVP_PKEY_get_base_id(pk) != oa->pkey_type) {
		switch (oa->pkey_type) {
		case EVP_PKEY_RSA:
			OSSL_WHY(params, "key type: the algorithm needs an RSA key");
			break;
		case EVP_PKEY_EC:
			OSSL_WHY(params, "key type: the algorithm needs an EC key");
			break;
		case EVP_PKEY_X25519:
			OSSL_WHY(params, "key type: the algorithm needs an X25519 key");
			break;
		default:
			OSSL_WHY(params, "key type: the algorithm needs a DH key");
			break;
		}
		return -EINVAL;
	}
	if (oa->group != NULL) {
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), &glen) != 1 ||
		    strcmp(group, oa->group) != 0) {
			ERR_clear_error();
			OSSL_WHY(params, oa->kind == OSSL_FFDHE ?
				 "group: the key's p and g are not the algorithm's RFC 7919 group" :
				 "curve: the key is on another curve than the algorithm's");
			return -EINVAL;
		}
	}
	if (!ce_pmd_range_ok(&alg->key_size, (uint32_t)EVP_PKEY_get_bits(pk))) {
		OSSL_WHY(params, oa->kind <= OSSL_RSA_OAEP ?
			 "key size: RSA keys of 2048, 3072 or 4096 bits only" :
			 "key size: not the algorithm's");
		return -EINVAL;
	}
	if (oa->kind == OSSL_ECDSA || oa->kind == OSSL_ECDH || oa->kind == OSSL_FFDHE) {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);

		if (c == NULL)
			return -ENOMEM;
		/* A public key must be a point of the curve or an element of the
		 * group; an EC private key's public point (carried in the DER)
		 * must be its own: one scalar multiplication, cheap next to
		 * signing with halves that disagree. A DH private key carries no
		 * public value: OpenSSL computes it. */
		if (!is_private)
			ok = EVP_PKEY_public_check(c);
		else if (oa->kind != OSSL_FFDHE)
			ok = EVP_PKEY_pairwise_check(c);
		EVP_PKEY_CTX_free(c);
		ERR_clear_error();
		if (ok != 1) {
			OSSL_WHY(params, is_private ? "malformed key: the public point does not "
				 "match the private key" :
				 "malformed key: the public key is not a valid point or element");
			return -EINVAL;
		}
	}
	return 0;
}

/* Big-endian, left-padded to n bytes. */
static int
ossl_bn_param(EVP_PKEY *pk, const char *name, uint8_t *out, uint32_t n)
{
	BIGNUM *bn = NULL;
	int ret = -EIO;

	if (EVP_PKEY_get_bn_param(pk, name, &bn) == 1 && BN_bn2binpad(bn, out, (int)n) == (int)n)
		ret = 0;
	BN_free(bn);
	return ret;
}

/* KPP_PUBKEY's answer, made once: x || y (EC), u (X25519), g^x mod p (DH). */
static int
ossl_pub_compute(struct ossl_sess *s)
{
	size_t len = sizeof(s->pub);

	switch (s->kind) {
	case OSSL_ECDH:
		if (ossl_bn_param(s->pkey, OSSL_PKEY_PARAM_EC_PUB_X, s->pub, s->key_bytes) < 0 ||
		    ossl_bn_param(s->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, s->pub + s->key_bytes,
				  s->key_bytes) < 0)
			return -EIO;
		s->pub_len = 2 * s->key_bytes;
		return 0;
	case OSSL_X25519:
		if (EVP_PKEY_get_raw_public_key(s->pkey, s->pub, &len) != 1 || len != 32)
			return -EIO;
		s->pub_len = 32;
		return 0;
	case OSSL_FFDHE:
		if (ossl_bn_param(s->pkey, OSSL_PKEY_PARAM_PUB_KEY, s->pub, s->key_bytes) < 0)
			return -EIO;
		s->pub_len = s->key_bytes;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * KPP_SECRET over ECDH or X25519: the peer key the requests refill, made
 * public-only from the session's own public value (a copy of the private
 * key would carry its scalar along).
 */
static int
ossl_peer_template(struct ossl_sess *s)
{
	uint8_t point[1 + 2 * 66];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *fctx;
	int ok;

	if (s->kind == OSSL_X25519) {
		s->peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, s->pub, s->pub_len);
		return s->peer != NULL ? 0 : -ENOMEM;
	}
	point[0] = 0x04;
	memcpy(point + 1, s->pub, s->pub_len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)s->group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point,
						      (size_t)s->pub_len + 1);
	params[2] = OSSL_PARAM_construct_end();
	fctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (fctx == NULL)
		return -ENOMEM;
	ok = EVP_PKEY_fromdata_init(fctx) == 1 &&
	     EVP_PKEY_fromdata(fctx, &s->peer, EVP_PKEY_PUBLIC_KEY, params) == 1;
	EVP_PKEY_CTX_free(fctx);
	return ok ? 0 : -EIO;
}

/* The RSA padding and digests of the session's kind on an initialised ctx. */
static int
ossl_rsa_ctx_setup(EVP_PKEY_CTX *ctx, enum ossl_kind kind, uint8_t op)
{
	const bool sig = op == CE_OP_SIGN || op == CE_OP_SIG_VERIFY;

	switch (kind) {
	case OSSL_RSA_RAW:
		return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) > 0 ? 0 : -EIO;
	case OSSL_RSA_PKCS1:
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
			return -EIO;
		return !sig || EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0 ? 0 : -EIO;
	case OSSL_RSA_PSS:
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0)
			return -EIO;
		/* Sign with a salt as long as the digest (TLS 1.3, RFC 8446
		 * 4.2.3); verify whatever salt the signature carries. */
		return EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, op == CE_OP_SIGN ? 32 :
							RSA_PSS_SALTLEN_AUTO) > 0 ? 0 : -EIO;
	case OSSL_RSA_OAEP:
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0)
			return -EIO;
		return 0;
	default:
		return -EINVAL;
	}
}

static int
ossl_ctx_setup(struct ossl_sess *s, uint8_t op)
{
	int ret;

	if (op == CE_OP_KPP_PUBKEY)
		return 0;	/* answered from s->pub */
	s->ctx = EVP_PKEY_CTX_new_from_pkey(NULL, s->pkey, NULL);
	if (s->ctx == NULL)
		return -ENOMEM;
	switch (op) {
	case CE_OP_SIGN:
		ret = EVP_PKEY_sign_init(s->ctx);
		break;
	case CE_OP_SIG_VERIFY:
		ret = EVP_PKEY_verify_init(s->ctx);
		break;
	case CE_OP_ENCRYPT:
		ret = EVP_PKEY_encrypt_init(s->ctx);
		break;
	case CE_OP_DECRYPT:
		ret = EVP_PKEY_decrypt_init(s->ctx);
		break;
	case CE_OP_KPP_SECRET:
		ret = EVP_PKEY_derive_init(s->ctx);
		/* The secret as long as the prime, leading zeros kept (the
		 * kernel's dh and RFC 7919 section 4 do the same). */
		if (ret > 0 && s->kind == OSSL_FFDHE)
			ret = EVP_PKEY_CTX_set_dh_pad(s->ctx, 1);
		break;
	default:
		return -EINVAL;
	}
	if (ret <= 0)
		return -EIO;
	if (s->kind <= OSSL_RSA_OAEP)
		return ossl_rsa_ctx_setup(s->ctx, s->kind, op);
	return 0;
}

/* Which ops each kind has (the caps type alone allows more for akcipher). */
static bool
ossl_kind_has_op(enum ossl_kind kind, uint8_t op)
{
	switch (kind) {
	case OSSL_RSA_RAW:
	case OSSL_RSA_OAEP:
		return op == CE_OP_ENCRYPT || op == CE_OP_DECRYPT;
	case OSSL_RSA_PKCS1:
		return op == CE_OP_ENCRYPT || op == CE_OP_DECRYPT || op == CE_OP_SIGN ||
		       op == CE_OP_SIG_VERIFY;
	case OSSL_RSA_PSS:
	case OSSL_ECDSA:
		return op == CE_OP_SIGN || op == CE_OP_SIG_VERIFY;
	default:
		return op == CE_OP_KPP_PUBKEY || op == CE_OP_KPP_SECRET;
	}
}

int
ossl_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
		    const struct ce_pmd_session_params *params)
{
	const struct ossl_alg *oa = ossl_alg_of(sess->alg);
	struct ossl_sess *s = sess->priv;
	bool is_private = false;
	EVP_PKEY *pk = NULL;
	int ret;

	(void)dev;
	/* The type's ops are checked already (pkcs1(rsa,sha256), a sig, has
	 * no encrypt); within akcipher, rsa and oaep do not sign. */
	if (!ossl_kind_has_op(oa->kind, params->op)) {
		OSSL_WHY(params, "op: the algorithm has no such operation");
		return -EINVAL;
	}
	ret = ossl_key_parse(params, &pk, &is_private);
	if (ret < 0)
		return ret;
	ret = ossl_key_check(sess->alg, oa, pk, is_private, params);
	if (ret < 0)
		goto free_key;
	if (!is_private && ossl_op_needs_private(params->op)) {
		OSSL_WHY(params, "the op needs the private key; this key is public");
		ret = -ENOKEY;
		goto free_key;
	}
	s->kind = oa->kind;
	s->pkey = pk;
	s->group = oa->group;
	switch (oa->kind) {
	case OSSL_ECDSA:
	case OSSL_ECDH:
		s->key_bytes = ((uint32_t)EVP_PKEY_get_bits(pk) + 7) / 8;
		sess->out_max = 2 * s->key_bytes;
		break;
	case OSSL_X25519:
		s->key_bytes = 32;
		sess->out_max = 32;
		break;
	default:	/* RSA: modulus bytes; DH: prime bytes */
		s->key_bytes = (uint32_t)EVP_PKEY_get_size(pk);
		sess->out_max = s->key_bytes;
		break;
	}
	if (params->op == CE_OP_KPP_PUBKEY ||
	    (params->op == CE_OP_KPP_SECRET && oa->kind != OSSL_FFDHE)) {
		ret = ossl_pub_compute(s);
		if (ret < 0) {
			OSSL_WHY(params, "the key's public value could not be computed");
			goto clear;
		}
	}
	if (params->op == CE_OP_KPP_SECRET && oa->kind != OSSL_FFDHE) {
		ret = ossl_peer_template(s);
		if (ret < 0) {
			OSSL_WHY(params, "OpenSSL could not make the peer's key");
			goto clear;
		}
	}
	ret = ossl_ctx_setup(s, params->op);
	if (ret < 0) {
		OSSL_WHY(params, "OpenSSL could not set the operation up");
		goto clear;
	}
	ERR_clear_error();
	return 0;

clear:
	EVP_PKEY_CTX_free(s->ctx);
	EVP_PKEY_free(s->peer);
	memset(s, 0, sizeof(*s));
	sess->out_max = 0;
free_key:
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return ret;
}

void
ossl_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	struct ossl_sess *s = sess->priv;

	(void)dev;
	/* EVP_PKEY_free clears the private numbers (BN_clear_free) and gives
	 * their secure-heap blocks back wiped. */
	EVP_PKEY_CTX_free(s->ctx);
	EVP_PKEY_free(s->peer);
	EVP_PKEY_free(s->pkey);
	memset(s, 0, sizeof(*s));
}
