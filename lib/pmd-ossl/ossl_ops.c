/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "openssl" operations: one request computed on the device's thread (never
 * a worker lcore). Lengths are checked against the key here, before the
 * library sees them: a wrong one is -EINVAL, a signature or padding that
 * does not verify -EBADMSG. OpenSSL allocates inside these calls; that is
 * the device thread's business, not the data path's.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "ossl_priv.h"

/* RSA without padding takes exactly k bytes: a shorter integer is padded
 * on the left (the kernel's rsa takes src_len <= k the same way). */
static int
ossl_rsa_raw(struct ossl_sess *s, struct ce_pmd_request *req)
{
	uint8_t in[OSSL_PUB_MAX];
	size_t out_len = s->key_bytes;
	int ok;

	if (req->len == 0 || req->len > s->key_bytes)
		return -EINVAL;
	memset(in, 0, s->key_bytes - req->len);
	memcpy(in + s->key_bytes - req->len, req->src, req->len);
	ok = req->op == CE_OP_ENCRYPT ?
	     EVP_PKEY_encrypt(s->ctx, req->dst, &out_len, in, s->key_bytes) :
	     EVP_PKEY_decrypt(s->ctx, req->dst, &out_len, in, s->key_bytes);
	memset(in, 0, sizeof(in));
	if (ok != 1)
		return -EINVAL;	/* the integer is not below the modulus */
	/* OpenSSL writes k bytes, left-padded. */
	req->out_len = (uint32_t)out_len;
	return 0;
}

static int
ossl_rsa_crypt(struct ossl_sess *s, struct ce_pmd_request *req)
{
	size_t out_len = s->key_bytes;
	uint32_t pad = s->kind == OSSL_RSA_OAEP ? 66 : 11;	/* 2 * 32 + 2; 11 */

	if (req->op == CE_OP_ENCRYPT) {
		if (req->len > s->key_bytes - pad)
			return -EINVAL;
		if (EVP_PKEY_encrypt(s->ctx, req->dst, &out_len, req->src, req->len) != 1)
			return -EIO;
	} else {
		if (req->len != s->key_bytes)
			return -EINVAL;
		if (EVP_PKEY_decrypt(s->ctx, req->dst, &out_len, req->src, req->len) != 1)
			return -EBADMSG;	/* padding or decoding error */
	}
	req->out_len = (uint32_t)out_len;
	return 0;
}

static int
ossl_rsa_sig(struct ossl_sess *s, struct ce_pmd_request *req)
{
	size_t sig_len = s->key_bytes;
	int ok;

	if (req->len != 32)	/* a SHA-256 digest */
		return -EINVAL;
	if (req->op == CE_OP_SIGN) {
		if (EVP_PKEY_sign(s->ctx, req->dst, &sig_len, req->src, req->len) != 1)
			return -EIO;
		req->out_len = (uint32_t)sig_len;
		return 0;
	}
	if (req->aad_len != s->key_bytes)
		return -EINVAL;
	ok = EVP_PKEY_verify(s->ctx, req->aad, req->aad_len, req->src, req->len);
	req->out_len = 0;
	/* 0: does not verify; < 0: malformed (e.g. an integer above n). */
	return ok == 1 ? 0 : -EBADMSG;
}

/*
 * ECDSA-Sig-Value (X9.62: SEQUENCE { INTEGER r, INTEGER s }) to and from
 * raw r || s here, without OpenSSL's ECDSA_SIG and bignums: no allocation,
 * 1 us of a 30 us P-256 sign saved. DER lengths in the short form or 0x81.
 */

/* The DER INTEGER of the n-byte big-endian unsigned v: minimal, with a
 * 0x00 before a high bit. @return its bytes. */
static size_t
ossl_der_put_uint(uint8_t *out, const uint8_t *v, uint32_t n)
{
	uint32_t skip = 0, pad;

	while (skip + 1 < n && v[skip] == 0)
		skip++;
	pad = v[skip] >> 7;
	out[0] = 0x02;
	out[1] = (uint8_t)(n - skip + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v + skip, n - skip);
	return 2 + pad + n - skip;
}

/* r || s (n bytes each) to DER in out (room for 2 * n + 9 bytes). */
static size_t
ossl_der_from_raw(uint8_t *out, const uint8_t *rs, uint32_t n)
{
	uint8_t body[2 * (3 + 66)];
	size_t len = ossl_der_put_uint(body, rs, n);
	size_t hdr;

	len += ossl_der_put_uint(body + len, rs + n, n);
	out[0] = 0x30;
	if (len < 0x80) {
		out[1] = (uint8_t)len;
		hdr = 2;
	} else {
		out[1] = 0x81;
		out[2] = (uint8_t)len;
		hdr = 3;
	}
	memcpy(out + hdr, body, len);
	return hdr + len;
}

/* The DER INTEGER at *p (before end) into n bytes, right-aligned. */
static int
ossl_der_take_uint(const uint8_t **p, const uint8_t *end, uint8_t *out, uint32_t n)
{
	const uint8_t *q = *p;
	uint32_t len;

	if (end - q < 2 || q[0] != 0x02 || q[1] >= 0x80 || end - q - 2 < q[1])
		return -EIO;
	len = q[1];
	q += 2;
	while (len > 0 && *q == 0) {
		q++;
		len--;
	}
	if (len > n)
		return -EIO;
	memset(out, 0, n - len);
	memcpy(out + n - len, q, len);
	*p = q + len;
	return 0;
}

/* OpenSSL's DER signature to r || s (n bytes each). */
static int
ossl_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *rs, uint32_t n)
{
	const uint8_t *p = der + 2, *end = der + der_len;
	size_t len;

	if (der_len < 2 || der[0] != 0x30)
		return -EIO;
	len = der[1];
	if (len == 0x81 && der_len >= 3) {
		len = der[2];
		p++;
	} else if (len >= 0x80) {
		return -EIO;
	}
	if ((size_t)(end - p) != len)
		return -EIO;
	if (ossl_der_take_uint(&p, end, rs, n) < 0 || ossl_der_take_uint(&p, end, rs + n, n) < 0)
		return -EIO;
	return p == end ? 0 : -EIO;
}

/* ECDSA with raw r || s (IEEE P1363) outside, DER (X9.62) inside OpenSSL. */
static int
ossl_ecdsa(struct ossl_sess *s, struct ce_pmd_request *req)
{
	const uint32_t n = s->key_bytes;
	uint8_t der[2 * (3 + 66) + 3];
	size_t der_len = sizeof(der);

	if (req->len == 0 || req->len > 64)
		return -EINVAL;
	if (req->op == CE_OP_SIGN) {
		if (EVP_PKEY_sign(s->ctx, der, &der_len, req->src, req->len) != 1 ||
		    ossl_der_to_raw(der, der_len, req->dst, n) < 0)
			return -EIO;
		req->out_len = 2 * n;
		return 0;
	}
	if (req->aad_len != 2 * n)
		return -EINVAL;
	req->out_len = 0;
	der_len = ossl_der_from_raw(der, req->aad, n);
	/* r or s zero or not below the order: OpenSSL says 0 or -1, both invalid. */
	return EVP_PKEY_verify(s->ctx, der, der_len, req->src, req->len) == 1 ? 0 : -EBADMSG;
}

/* An FFDHE peer's public value as an EVP_PKEY of the session's group. */
static EVP_PKEY *
ossl_dh_peer_key(struct ossl_sess *s, const uint8_t *in, uint32_t len)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *fctx = NULL;
	EVP_PKEY *peer = NULL;
	BIGNUM *y = NULL;

	bld = OSSL_PARAM_BLD_new();
	y = BN_bin2bn(in, (int)len, NULL);
	if (bld != NULL && y != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, s->group, 0) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		params = OSSL_PARAM_BLD_to_param(bld);
	fctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (params != NULL && fctx != NULL && EVP_PKEY_fromdata_init(fctx) == 1 &&
	    EVP_PKEY_fromdata(fctx, &peer, EVP_PKEY_PUBLIC_KEY, params) != 1)
		peer = NULL;
	EVP_PKEY_CTX_free(fctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	return peer;
}

/*
 * ECDH and X25519: the peer's value into the session's peer key, on the
 * derive ctx. The import refuses an EC point whose coordinates are not
 * below p or that is not on the curve; P-256 and P-384 have cofactor 1, so
 * every point that passes is in the prime-order group, and x || y cannot
 * encode the point at infinity: OpenSSL's full public check (a scalar
 * multiplication by the order, as long as the derive itself) would find
 * nothing more. X25519's check looks at the length only; small-order
 * points give the all-zero secret that the derive refuses. After a refused
 * import the peer key holds garbage: nothing is derived from it, the next
 * request replaces it.
 */
static int
ossl_set_peer_value(struct ossl_sess *s, const uint8_t *in, uint32_t len)
{
	uint8_t point[1 + 2 * 66];
	const uint8_t *enc = in;
	size_t enc_len = len;

	if (s->kind == OSSL_ECDH) {
		point[0] = 0x04;	/* SEC1 uncompressed: the kernel's x || y behind it */
		memcpy(point + 1, in, len);
		enc = point;
		enc_len = (size_t)len + 1;
	}
	if (EVP_PKEY_set1_encoded_public_key(s->peer, enc, enc_len) != 1)
		return -EINVAL;	/* not a point of the curve */
	return EVP_PKEY_derive_set_peer_ex(s->ctx, s->peer, 0) == 1 ? 0 : -EINVAL;
}

static int
ossl_kpp(struct ossl_sess *s, struct ce_pmd_request *req)
{
	const uint32_t want = s->kind == OSSL_ECDH ? 2 * s->key_bytes : s->key_bytes;
	size_t out_len = s->key_bytes;
	EVP_PKEY *dh_peer = NULL;
	int ret;

	if (req->op == CE_OP_KPP_PUBKEY) {
		memcpy(req->dst, s->pub, s->pub_len);
		req->out_len = s->pub_len;
		return 0;
	}
	if (req->len != want)
		return -EINVAL;
	if (s->kind == OSSL_FFDHE) {
		/* validate_peer = 1: 1 < y < p - 1 and y in the prime-order
		 * subgroup, before any secret is computed. */
		dh_peer = ossl_dh_peer_key(s, req->src, req->len);
		ret = dh_peer != NULL && EVP_PKEY_derive_set_peer_ex(s->ctx, dh_peer, 1) == 1 ?
		      0 : -EINVAL;
	} else {
		ret = ossl_set_peer_value(s, req->src, req->len);
	}
	/* X25519: OpenSSL refuses an all-zero result (a small-order point),
	 * as RFC 7748 section 6.1 allows and the kernel does. */
	if (ret == 0 &&
	    (EVP_PKEY_derive(s->ctx, req->dst, &out_len) != 1 || out_len != s->key_bytes))
		ret = -EINVAL;
	if (ret == 0)
		req->out_len = (uint32_t)out_len;
	EVP_PKEY_free(dh_peer);
	return ret;
}

int
ossl_op_run(struct ce_pmd_request *req)
{
	struct ossl_sess *s = req->active->priv;
	int ret;

	req->out_len = 0;
	switch (s->kind) {
	case OSSL_RSA_RAW:
		ret = ossl_rsa_raw(s, req);
		break;
	case OSSL_RSA_PKCS1:
	case OSSL_RSA_OAEP:
		ret = req->op == CE_OP_SIGN || req->op == CE_OP_SIG_VERIFY ?
		      ossl_rsa_sig(s, req) : ossl_rsa_crypt(s, req);
		break;
	case OSSL_RSA_PSS:
		ret = ossl_rsa_sig(s, req);
		break;
	case OSSL_ECDSA:
		ret = ossl_ecdsa(s, req);
		break;
	default:
		ret = ossl_kpp(s, req);
		break;
	}
	/* The thread's error queue would grow with every refused input. */
	ERR_clear_error();
	return ret;
}
