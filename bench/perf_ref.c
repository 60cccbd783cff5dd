/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The oracle of --verify-all: every algorithm cryptoeng-perf can ask for,
 * computed by OpenSSL's libcrypto, an implementation that shares no code with
 * the daemon's backends (ipsec-mb, libsodium, QAT).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "cryptoeng.h"
#include "perf.h"

static const EVP_MD *
ref_md(const char *name)
{
	if (strcmp(name, "sha1") == 0)
		return EVP_sha1();
	if (strcmp(name, "sha256") == 0)
		return EVP_sha256();
	if (strcmp(name, "sha384") == 0)
		return EVP_sha384();
	if (strcmp(name, "sha512") == 0)
		return EVP_sha512();
	return NULL;
}

static const EVP_CIPHER *
ref_aes(const char *mode, uint32_t key_len)
{
	if (strcmp(mode, "cbc(aes)") == 0)
		return key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc() :
		       key_len == 32 ? EVP_aes_256_cbc() : NULL;
	if (strcmp(mode, "ctr(aes)") == 0)
		return key_len == 16 ? EVP_aes_128_ctr() : key_len == 24 ? EVP_aes_192_ctr() :
		       key_len == 32 ? EVP_aes_256_ctr() : NULL;
	if (strcmp(mode, "ecb(aes)") == 0)
		return key_len == 16 ? EVP_aes_128_ecb() : key_len == 24 ? EVP_aes_192_ecb() :
		       key_len == 32 ? EVP_aes_256_ecb() : NULL;
	if (strcmp(mode, "gcm(aes)") == 0)
		return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() :
		       key_len == 32 ? EVP_aes_256_gcm() : NULL;
	if (strcmp(mode, "rfc7539(chacha20,poly1305)") == 0)
		return key_len == 32 ? EVP_chacha20_poly1305() : NULL;
	return NULL;
}

/* Plain cipher, no padding. */
static int
ref_cipher(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, int enc,
	   const uint8_t *in, uint8_t *out, uint32_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0, ok;

	if (ctx == NULL)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) && EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     (len == 0 || EVP_CipherUpdate(ctx, out, &l1, in, (int)len)) &&
	     EVP_CipherFinal_ex(ctx, out + l1, &l2);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EINVAL;
}

/* GCM and ChaCha20-Poly1305. */
static int
ref_aead(const EVP_CIPHER *c, const struct perf_plan *p, int enc, const uint8_t *iv,
	 const uint8_t *aad, const uint8_t *in, uint8_t *out, uint32_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l = 0, ok;

	if (ctx == NULL)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)p->iv_len, NULL) &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, p->key, iv, enc) &&
	     (p->aad_len == 0 || EVP_CipherUpdate(ctx, NULL, &l, aad, (int)p->aad_len)) &&
	     (len == 0 || EVP_CipherUpdate(ctx, out, &l, in, (int)len));
	if (ok && enc) {
		uint8_t full[16];

		ok = EVP_CipherFinal_ex(ctx, out + len, &l) &&
		     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, full);
		if (ok)
			memcpy(tag, full, p->digest_len);
	} else if (ok) {
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)p->digest_len, tag);
		if (ok && EVP_CipherFinal_ex(ctx, out + len, &l) <= 0) {
			EVP_CIPHER_CTX_free(ctx);
			return -EBADMSG;
		}
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EINVAL;
}

/* HMAC over aad || data, through EVP_MAC (HMAC_CTX is deprecated in OpenSSL 3). */
static int
ref_hmac(const EVP_MD *md, const uint8_t *key, uint32_t key_len, const uint8_t *aad,
	 uint32_t aad_len, const uint8_t *data, uint32_t len, uint8_t *out)
{
	static const uint8_t zero;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];
	size_t l = 0;
	int ok;

	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)EVP_MD_get0_name(md), 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = ctx != NULL && EVP_MAC_init(ctx, key_len ? key : &zero, key_len, params) &&
	     (aad_len == 0 || EVP_MAC_update(ctx, aad, aad_len)) &&
	     (len == 0 || EVP_MAC_update(ctx, data, len)) &&
	     EVP_MAC_final(ctx, out, &l, EVP_MAX_MD_SIZE);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EINVAL;
}

/* "hmac(sha1)" → EVP_sha1(); NULL if not an HMAC. */
static const EVP_MD *
ref_hmac_md(const char *name, size_t n)
{
	char inner[32];

	if (n < 7 || strncmp(name, "hmac(", 5) != 0 || name[n - 1] != ')' || n - 6 >= sizeof(inner))
		return NULL;
	memcpy(inner, name + 5, n - 6);
	inner[n - 6] = '\0';
	return ref_md(inner);
}

int
perf_ref_compute(const struct perf_plan *p, uint8_t op, const uint8_t *iv, const uint8_t *aad,
		 const uint8_t *in, uint8_t *out, uint32_t len, uint8_t *digest)
{
	int enc = (op == CE_OP_ENCRYPT || op == CE_OP_DIGEST);
	uint8_t mac[EVP_MAX_MD_SIZE];
	const EVP_CIPHER *c;
	const EVP_MD *md;
	int ret;

	if (strcmp(p->alg, "ecb(cipher_null)") == 0 || strcmp(p->alg, "cipher_null") == 0) {
		memmove(out, in, len);
		return 0;
	}
	if (strcmp(p->alg, "digest_null") == 0)
		return 0;
	if (strcmp(p->alg, "gcm(aes)") == 0 || strcmp(p->alg, "rfc7539(chacha20,poly1305)") == 0) {
		c = ref_aes(p->alg, p->key_len);
		return c ? ref_aead(c, p, enc, iv, aad, in, out, len, digest) : -ENOTSUP;
	}
	c = ref_aes(p->alg, p->key_len);
	if (c)
		return ref_cipher(c, p->key, iv, enc, in, out, len);
	md = ref_md(p->alg);
	if (md) {
		unsigned int l = 0;

		if (!EVP_Digest(in, len, mac, &l, md, NULL))
			return -EINVAL;
		goto digest_out;
	}
	md = ref_hmac_md(p->alg, strlen(p->alg));
	if (md) {
		ret = ref_hmac(md, p->key, p->key_len, NULL, 0, in, len, mac);
		if (ret < 0)
			return ret;
		goto digest_out;
	}
	if (strncmp(p->alg, "authenc(", 8) == 0) {
		/* authenc(hmac(H),cbc(aes)): encrypt-then-MAC over aad || ciphertext. */
		const char *comma = strchr(p->alg, ',');
		/* The plan's key is the kernel's blob: header, HMAC key, AES key. */
		uint32_t auth_key_len = p->auth_key_len;
		const uint8_t *akey = p->key + CE_AUTHENC_KEY_HDR_LEN;
		const uint8_t *ckey = akey + auth_key_len;

		if (comma == NULL)
			return -ENOTSUP;
		md = ref_hmac_md(p->alg + 8, (size_t)(comma - (p->alg + 8)));
		c = ref_aes("cbc(aes)", p->cipher_key_len);
		if (md == NULL || c == NULL || strcmp(comma + 1, "cbc(aes))") != 0)
			return -ENOTSUP;
		if (enc) {
			ret = ref_cipher(c, ckey, iv, 1, in, out, len);
			if (ret == 0)
				ret = ref_hmac(md, akey, auth_key_len, aad, p->aad_len, out, len, mac);
			if (ret == 0)
				memcpy(digest, mac, p->digest_len);
			return ret;
		}
		ret = ref_hmac(md, akey, auth_key_len, aad, p->aad_len, in, len, mac);
		if (ret < 0)
			return ret;
		if (CRYPTO_memcmp(mac, digest, p->digest_len) != 0)
			return -EBADMSG;
		return ref_cipher(c, ckey, iv, 0, in, out, len);
	}
	return -ENOTSUP;

digest_out:
	if (op == CE_OP_VERIFY)
		return CRYPTO_memcmp(mac, digest, p->digest_len) ? -EBADMSG : 0;
	memcpy(digest, mac, p->digest_len);
	return 0;
}
