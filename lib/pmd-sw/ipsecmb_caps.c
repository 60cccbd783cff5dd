/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the "ipsecmb" backend implements: the kernel's names and the sizes
 * each algorithm takes (see sw_ipsecmb.c for the sizes that are ours), and
 * what each entry is to the rest of the backend.
 */
#include <stdint.h>

#include <rte_common.h>

#include "ce_pmd.h"
#include "ipsecmb_priv.h"

const struct ipsecmb_hash_desc ipsecmb_hashes[4] = {
	[IPSECMB_SHA1] = { IMB_AUTH_SHA_1, IMB_AUTH_HMAC_SHA_1, 64, 20, 12 },
	[IPSECMB_SHA256] = { IMB_AUTH_SHA_256, IMB_AUTH_HMAC_SHA_256, 64, 32, 16 },
	[IPSECMB_SHA384] = { IMB_AUTH_SHA_384, IMB_AUTH_HMAC_SHA_384, 128, 48, 24 },
	[IPSECMB_SHA512] = { IMB_AUTH_SHA_512, IMB_AUTH_HMAC_SHA_512, 128, 64, 32 },
};

#define RANGE(a, b, s) { .min = (a), .max = (b), .step = (s) }
#define ONE(a) { .min = (a), .max = (a), .step = 0 }
#define NONE ONE(0)

#define CIPHER_CAPS(n, d, bs) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_CIPHER, \
	.priority = IPSECMB_PRIORITY, .key_size = RANGE(16, 32, 8), \
	.iv_size = ONE(16), .digest_size = NONE, .aad_size = NONE, \
	.block_size = bs, .max_data_len = IPSECMB_MAX_JOB_DATA }
#define SHA_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_HASH, \
	.priority = IPSECMB_PRIORITY, .key_size = NONE, .iv_size = NONE, \
	.digest_size = ONE(dl), .aad_size = NONE, .block_size = 1, \
	.max_data_len = IPSECMB_MAX_JOB_DATA }
#define HMAC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_HASH, \
	.priority = IPSECMB_PRIORITY, .key_size = RANGE(0, CE_KEY_MAX, 1), \
	.iv_size = NONE, .digest_size = RANGE(4, dl, 1), .aad_size = NONE, \
	.block_size = 1, .max_data_len = IPSECMB_MAX_JOB_DATA }
/* authenc: the kernel's key blob, an HMAC key of any length (RFC 2104: a key
 * longer than the block is hashed first) and an AES key. */
#define AUTHENC_KEY RANGE(CE_AUTHENC_KEY_HDR_LEN + 16, CE_KEY_MAX, 1)
#define AUTHENC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_AEAD, \
	.priority = IPSECMB_PRIORITY, .key_size = AUTHENC_KEY, .enc_key_size = RANGE(16, 32, 8), \
	.iv_size = ONE(16), .digest_size = RANGE(4, dl, 1), \
	.aad_size = RANGE(0, IPSECMB_AUTHENC_AAD_MAX, 1), .block_size = 16, \
	.max_data_len = IPSECMB_MAX_JOB_DATA }
/* authencesn: as authenc, the AAD starting with SPI || seq_hi. */
#define AUTHENC_ESN_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_AEAD, \
	.priority = IPSECMB_PRIORITY, .key_size = AUTHENC_KEY, .enc_key_size = RANGE(16, 32, 8), \
	.iv_size = ONE(16), .digest_size = RANGE(4, dl, 1), \
	.aad_size = RANGE(IPSECMB_AUTHENC_ESN_AAD_MIN, IPSECMB_AUTHENC_AAD_MAX, 1), \
	.block_size = 16, .max_data_len = IPSECMB_MAX_JOB_DATA }

const struct ce_pmd_alg_caps ipsecmb_caps[IPSECMB_NB_CAPS] = {
	{ .name = "gcm(aes)", .driver_name = "gcm-aes-ipsecmb", .type = CE_PMD_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = RANGE(16, 32, 8),
	  .iv_size = RANGE(1, 128, 1), .digest_size = RANGE(4, 16, 1),
	  .aad_size = RANGE(0, UINT16_MAX, 1), .block_size = 1,
	  .max_data_len = IPSECMB_MAX_DATA },
	{ .name = "rfc4106(gcm(aes))", .driver_name = "rfc4106-gcm-aes-ipsecmb",
	  .type = CE_PMD_ALG_AEAD, .priority = IPSECMB_PRIORITY,
	  .key_size = RANGE(20, 36, 8), .iv_size = ONE(8),
	  .digest_size = RANGE(8, 16, 4), .aad_size = RANGE(8, 12, 4),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
	CIPHER_CAPS("cbc(aes)", "cbc-aes-ipsecmb", 16),
	CIPHER_CAPS("ctr(aes)", "ctr-aes-ipsecmb", 1),
	SHA_CAPS("sha1", "sha1-ipsecmb", 20),
	SHA_CAPS("sha256", "sha256-ipsecmb", 32),
	SHA_CAPS("sha384", "sha384-ipsecmb", 48),
	SHA_CAPS("sha512", "sha512-ipsecmb", 64),
	HMAC_CAPS("hmac(sha1)", "hmac-sha1-ipsecmb", 20),
	HMAC_CAPS("hmac(sha256)", "hmac-sha256-ipsecmb", 32),
	HMAC_CAPS("hmac(sha384)", "hmac-sha384-ipsecmb", 48),
	HMAC_CAPS("hmac(sha512)", "hmac-sha512-ipsecmb", 64),
	AUTHENC_CAPS("authenc(hmac(sha1),cbc(aes))",
		     "authenc-hmac-sha1-cbc-aes-ipsecmb", 20),
	AUTHENC_CAPS("authenc(hmac(sha256),cbc(aes))",
		     "authenc-hmac-sha256-cbc-aes-ipsecmb", 32),
	AUTHENC_CAPS("authenc(hmac(sha512),cbc(aes))",
		     "authenc-hmac-sha512-cbc-aes-ipsecmb", 64),
	AUTHENC_ESN_CAPS("authencesn(hmac(sha1),cbc(aes))",
			 "authencesn-hmac-sha1-cbc-aes-ipsecmb", 20),
	AUTHENC_ESN_CAPS("authencesn(hmac(sha256),cbc(aes))",
			 "authencesn-hmac-sha256-cbc-aes-ipsecmb", 32),
	{ .name = "rfc7539(chacha20,poly1305)",
	  .driver_name = "rfc7539-chacha20-poly1305-ipsecmb", .type = CE_PMD_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = ONE(32), .iv_size = ONE(12),
	  .digest_size = ONE(16), .aad_size = RANGE(0, UINT16_MAX, 1),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
	{ .name = "rfc7539esp(chacha20,poly1305)",
	  .driver_name = "rfc7539esp-chacha20-poly1305-ipsecmb", .type = CE_PMD_ALG_AEAD,
	  .priority = IPSECMB_PRIORITY, .key_size = ONE(36), .iv_size = ONE(8),
	  .digest_size = ONE(16), .aad_size = RANGE(8, 12, 4),
	  .block_size = 1, .max_data_len = IPSECMB_MAX_DATA },
};

const struct ipsecmb_alg_desc ipsecmb_descs[IPSECMB_NB_CAPS] = {
	{ IPSECMB_GCM, 0 },
	{ IPSECMB_RFC4106, 0 },
	{ IPSECMB_CBC, 0 },
	{ IPSECMB_CTR, 0 },
	{ IPSECMB_SHA, IPSECMB_SHA1 },
	{ IPSECMB_SHA, IPSECMB_SHA256 },
	{ IPSECMB_SHA, IPSECMB_SHA384 },
	{ IPSECMB_SHA, IPSECMB_SHA512 },
	{ IPSECMB_HMAC, IPSECMB_SHA1 },
	{ IPSECMB_HMAC, IPSECMB_SHA256 },
	{ IPSECMB_HMAC, IPSECMB_SHA384 },
	{ IPSECMB_HMAC, IPSECMB_SHA512 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA1 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA256 },
	{ IPSECMB_AUTHENC, IPSECMB_SHA512 },
	{ IPSECMB_AUTHENC_ESN, IPSECMB_SHA1 },
	{ IPSECMB_AUTHENC_ESN, IPSECMB_SHA256 },
	{ IPSECMB_CHACHA, 0 },
	{ IPSECMB_CHACHA_ESP, 0 },
};

_Static_assert(RTE_DIM(ipsecmb_caps) == IPSECMB_NB_CAPS, "IPSECMB_NB_CAPS counts the table");
_Static_assert(RTE_DIM(ipsecmb_caps) == RTE_DIM(ipsecmb_descs),
	       "one descriptor per caps entry");
