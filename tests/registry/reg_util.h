/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the registry tests: a seeded PRNG and OpenSSL oracles. */
#ifndef REG_UTIL_H
#define REG_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "ce_test.h"

static uint64_t reg_rng_state;
static uint64_t reg_seed;

/* CE_TEST_SEED overrides the default seed; every failure message prints it. */
static inline void
reg_rng_init(uint64_t dflt)
{
	const char *s = getenv("CE_TEST_SEED");

	reg_seed = s != NULL ? strtoull(s, NULL, 0) : dflt;
	reg_rng_state = reg_seed;
	fprintf(stderr, "seed %" PRIu64 " (set CE_TEST_SEED to repeat)\n", reg_seed);
}

/* splitmix64 */
static inline uint64_t
reg_rand(void)
{
	uint64_t z = (reg_rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline void
reg_rand_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)reg_rand();
}

#define REG_FAIL(...) do { \
	fprintf(stderr, __VA_ARGS__); \
	fprintf(stderr, " (seed %" PRIu64 ")\n", reg_seed); \
	exit(1); \
} while (0)

static inline bool
reg_all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * OpenSSL AEAD encrypt (enc) or decrypt (!enc, tag checked). out may equal in.
 * @return 0, or -1 when OpenSSL refuses or the tag does not match.
 */
static inline int
reg_ossl_aead(const EVP_CIPHER *c, bool enc, const uint8_t *key, const uint8_t *iv,
	      size_t iv_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
	      size_t len, uint8_t *out, uint8_t *tag, size_t tag_len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok = 0;

	if (ctx == NULL)
		return -1;
	if (!EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)iv_len, NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, enc))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, tag))
		goto out;
	if (aad_len != 0 && !EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len))
		goto out;
	if (len != 0 && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + len, &n))
		goto out;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, tag))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

#endif /* REG_UTIL_H */
