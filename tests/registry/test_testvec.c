/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every known-answer vector recomputed with OpenSSL (and libsodium's
 * HChaCha20 for XChaCha), so that a typing error in a vector fails here and
 * not in a backend's self-test; and every algorithm name any linked backend
 * offers has at least one vector.
 */
#include <errno.h>

#include <openssl/hmac.h>
#include <sodium.h>

#include "ce_pmd.h"
#include "reg_util.h"
#include "testvec_priv.h"

static void
fail(const struct ce_testvec *tv, const char *what)
{
	fprintf(stderr, "vector %s / %s: %s\n", tv->alg, tv->desc, what);
	exit(1);
}

static const EVP_CIPHER *
aes(const char *mode, size_t key_len)
{
	char name[32];

	snprintf(name, sizeof(name), "aes-%zu-%s", key_len * 8, mode);
	return EVP_get_cipherbyname(name);
}

/* Unauthenticated cipher, one shot, no padding. */
static void
ossl_cipher(const struct ce_testvec *tv, const EVP_CIPHER *c, const uint8_t *key,
	    const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, m = 0;

	if (c == NULL || ctx == NULL ||
	    !EVP_EncryptInit_ex(ctx, c, NULL, key, iv) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    (len != 0 && !EVP_EncryptUpdate(ctx, out, &n, in, (int)len)) ||
	    !EVP_EncryptFinal_ex(ctx, out + n, &m) || (size_t)(n + m) != len)
		fail(tv, "OpenSSL cipher failed");
	EVP_CIPHER_CTX_free(ctx);
}

static const EVP_MD *
md_of(const char *alg)
{
	if (strstr(alg, "sha1"))
		return EVP_sha1();
	if (strstr(alg, "sha256"))
		return EVP_sha256();
	if (strstr(alg, "sha384"))
		return EVP_sha384();
	if (strstr(alg, "sha512"))
		return EVP_sha512();
	return NULL;
}

static void
check_aead(const struct ce_testvec *tv, const struct ce_tv_data *d, const EVP_CIPHER *c,
	   const uint8_t *key, const uint8_t *nonce, size_t nonce_len)
{
	uint8_t out[CE_TV_DATA_MAX + 16], tag[16];

	if (reg_ossl_aead(c, true, key, nonce, nonce_len, d->aad, d->aad_len, d->ptext,
			  d->len, out, tag, d->digest_len) != 0)
		fail(tv, "OpenSSL refused");
	if (memcmp(out, d->ctext, d->len) != 0)
		fail(tv, "ciphertext differs from OpenSSL");
	if (memcmp(tag, d->digest, d->digest_len) != 0)
		fail(tv, "tag differs from OpenSSL");
}

static void
check_one(const struct ce_testvec *tv)
{
	const char *a = tv->alg;
	struct ce_tv_data d;
	uint8_t out[CE_TV_DATA_MAX + 16], md[EVP_MAX_MD_SIZE], nonce[12] = { 0 };
	unsigned int md_len = 0;

	if (ce_testvec_decode(tv, &d) < 0)
		fail(tv, "does not decode");
	if (strcmp(a, "gcm(aes)") == 0) {
		check_aead(tv, &d, aes("gcm", d.key_len), d.key, d.iv, d.iv_len);
	} else if (strcmp(a, "rfc4106(gcm(aes))") == 0) {
		uint8_t n[12];

		/* key || 4-byte salt; nonce = salt || 8-byte IV */
		CHECK_EQ(d.iv_len, 8);
		memcpy(n, d.key + d.key_len - 4, 4);
		memcpy(n + 4, d.iv, 8);
		check_aead(tv, &d, aes("gcm", d.key_len - 4u), d.key, n, 12);
	} else if (strcmp(a, "cbc(aes)") == 0 || strcmp(a, "ctr(aes)") == 0) {
		ossl_cipher(tv, aes(a[0] == 'c' && a[1] == 'b' ? "cbc" : "ctr", d.key_len),
			    d.key, d.iv, d.ptext, d.len, out);
		if (memcmp(out, d.ctext, d.len) != 0)
			fail(tv, "ciphertext differs from OpenSSL");
	} else if (strncmp(a, "sha", 3) == 0) {
		if (!EVP_Digest(d.ptext, d.len, md, &md_len, md_of(a), NULL))
			fail(tv, "OpenSSL digest failed");
		if (md_len != d.digest_len || memcmp(md, d.digest, md_len) != 0)
			fail(tv, "digest differs from OpenSSL");
	} else if (strncmp(a, "hmac(", 5) == 0) {
		if (HMAC(md_of(a), d.key, d.key_len, d.ptext, d.len, md, &md_len) == NULL)
			fail(tv, "OpenSSL HMAC failed");
		if (md_len != d.digest_len || memcmp(md, d.digest, md_len) != 0)
			fail(tv, "MAC differs from OpenSSL");
	} else if (strncmp(a, "authenc(", 8) == 0 || strncmp(a, "authencesn(", 11) == 0) {
		const EVP_MD *h = md_of(a);
		uint8_t mac_in[CE_TV_AAD_MAX + CE_TV_DATA_MAX];
		uint16_t rta_len, rta_type;
		size_t ek, ak;

		/* The kernel's blob, read here on its own: rtattr {8, 1} in host
		 * order, big-endian enckeylen, HMAC key, AES key. */
		CHECK(d.key_len >= 8);
		memcpy(&rta_len, d.key, 2);
		memcpy(&rta_type, d.key + 2, 2);
		CHECK_EQ(rta_len, 8);
		CHECK_EQ(rta_type, 1);
		ek = (size_t)d.key[4] << 24 | (size_t)d.key[5] << 16 | (size_t)d.key[6] << 8 | d.key[7];
		CHECK(ek == 16 || ek == 24 || ek == 32);
		CHECK(d.key_len >= 8 + ek);
		ak = d.key_len - 8 - ek;
		ossl_cipher(tv, aes("cbc", ek), d.key + 8 + ak, d.iv, d.ptext, d.len, out);
		if (memcmp(out, d.ctext, d.len) != 0)
			fail(tv, "ciphertext differs from OpenSSL");
		if (a[7] == 'e') {
			/* authencesn: SPI || rest of the AAD || ciphertext || seq_hi */
			CHECK(d.aad_len >= 8);
			memcpy(mac_in, d.aad, 4);
			memcpy(mac_in + 4, d.aad + 8, d.aad_len - 8u);
			memcpy(mac_in + d.aad_len - 4, out, d.len);
			memcpy(mac_in + d.aad_len - 4 + d.len, d.aad + 4, 4);
		} else {
			/* encrypt-then-MAC over aad || ciphertext, truncated to the ICV */
			memcpy(mac_in, d.aad, d.aad_len);
			memcpy(mac_in + d.aad_len, out, d.len);
		}
		if (HMAC(h, d.key + 8, (int)ak, mac_in, d.aad_len + d.len, md, &md_len) == NULL)
			fail(tv, "OpenSSL HMAC failed");
		if (d.digest_len > md_len || memcmp(md, d.digest, d.digest_len) != 0)
			fail(tv, "ICV differs from OpenSSL");
	} else if (strcmp(a, "rfc7539(chacha20,poly1305)") == 0) {
		check_aead(tv, &d, EVP_chacha20_poly1305(), d.key, d.iv, d.iv_len);
	} else if (strcmp(a, "rfc7539esp(chacha20,poly1305)") == 0) {
		CHECK_EQ(d.key_len, 36);
		CHECK_EQ(d.iv_len, 8);
		memcpy(nonce, d.key + 32, 4);
		memcpy(nonce + 4, d.iv, 8);
		check_aead(tv, &d, EVP_chacha20_poly1305(), d.key, nonce, 12);
	} else if (strcmp(a, "xchacha20poly1305") == 0) {
		uint8_t subkey[32];

		CHECK_EQ(d.iv_len, 24);
		crypto_core_hchacha20(subkey, d.iv, d.key, NULL);
		memcpy(nonce + 4, d.iv + 16, 8);
		check_aead(tv, &d, EVP_chacha20_poly1305(), subkey, nonce, 12);
	} else if (strcmp(a, "ecb(cipher_null)") == 0 || strcmp(a, "cipher_null") == 0) {
		if (d.key_len != 0 || d.iv_len != 0 || memcmp(d.ptext, d.ctext, d.len) != 0)
			fail(tv, "a null cipher's output is its input");
	} else if (strcmp(a, "digest_null") == 0) {
		if (d.digest_len != 0)
			fail(tv, "digest_null's digest is empty");
	} else {
		fail(tv, "no OpenSSL check for this algorithm: add one");
	}
}

static void
test_vectors_match_openssl(void)
{
	int n = 0;

	for (const struct ce_testvec *tv = ce_testvec_next(NULL); tv != NULL;
	     tv = ce_testvec_next(tv), n++)
		check_one(tv);
	fprintf(stderr, "%d vectors agree with OpenSSL\n", n);
	CHECK(n >= 40);
}

/* The checker itself: a vector with one wrong byte must be caught. */
static void
test_checker_catches_typo(void)
{
	static const struct ce_testvec bad = {
		"sha256", "typo", NULL, NULL, NULL, "'abc'", NULL,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae",
	};
	struct ce_tv_data d;
	uint8_t md[32];
	unsigned int md_len;

	CHECK_EQ(ce_testvec_decode(&bad, &d), 0);
	CHECK(EVP_Digest(d.ptext, d.len, md, &md_len, EVP_sha256(), NULL));
	CHECK(memcmp(md, d.digest, 32) != 0);
}

static void
test_decode_syntax(void)
{
	static const struct ce_testvec tv = {
		"x", "syntax", "aa*3 01", "'ab'27'c'", NULL, NULL, NULL, NULL,
	};
	static const struct ce_testvec bad = { "x", "bad", "0", NULL, NULL, NULL, NULL, NULL };
	static const struct ce_testvec mism = { "x", "mism", NULL, NULL, NULL, "00", "", NULL };
	struct ce_tv_data d;

	CHECK_EQ(ce_testvec_decode(&tv, &d), 0);
	CHECK_EQ(d.key_len, 4);
	CHECK_MEM(d.key, "\xaa\xaa\xaa\x01", 4);
	CHECK_EQ(d.iv_len, 4);
	CHECK_MEM(d.iv, "ab'c", 4);
	CHECK_EQ(ce_testvec_decode(&bad, &d), -EINVAL);
	CHECK_EQ(ce_testvec_decode(&mism, &d), -EINVAL);
}

/* Every algorithm name of every linked backend has a vector. */
static void
test_every_alg_has_vectors(void)
{
	int nb_drv = 0;

	for (const struct ce_pmd_driver *drv = ce_pmd_driver_next(NULL); drv != NULL;
	     drv = ce_pmd_driver_next(drv), nb_drv++) {
		for (uint16_t i = 0; i < drv->nb_caps; i++) {
			if (!ce_testvec_has(drv->caps[i].name)) {
				fprintf(stderr, "driver %s: no vector for %s\n", drv->name,
					drv->caps[i].name);
				exit(1);
			}
		}
	}
	CHECK(nb_drv >= 1);
	CHECK(ce_pmd_driver_find("sodium") != NULL);
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	RUN(test_decode_syntax);
	RUN(test_checker_catches_typo);
	RUN(test_vectors_match_openssl);
	RUN(test_every_alg_has_vectors);
	return 0;
}
