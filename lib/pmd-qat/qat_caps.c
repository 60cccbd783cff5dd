/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the "cryptodev" backend declares: the algorithm table (the superset a
 * device plus the software fallback can run; qat_session.c enforces the
 * device's real limits), what each entry maps to in rte_cryptodev terms, the
 * device's own capability check, and the names of the fallback reasons.
 */
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

#define RANGE(a, b, s) { .min = (a), .max = (b), .step = (s) }
#define ONE(a) { .min = (a), .max = (a), .step = 0 }
#define NONE ONE(0)
#define QAT_FLAGS (CE_PMD_ALG_F_ASYNC | CE_PMD_ALG_F_NEED_FALLBACK)

#define CIPHER_CAPS(n, d, bs) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_CIPHER, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE(16, 32, 8), .iv_size = ONE(16), \
	.digest_size = NONE, .aad_size = NONE, .block_size = bs, \
	.max_data_len = QAT_PMD_MAX_DATA }
#define SHA_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_HASH, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = NONE, .iv_size = NONE, .digest_size = ONE(dl), \
	.aad_size = NONE, .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }
#define HMAC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_HASH, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE(0, CE_KEY_MAX, 1), .iv_size = NONE, \
	.digest_size = RANGE(4, dl, 1), .aad_size = NONE, .block_size = 1, \
	.max_data_len = QAT_PMD_MAX_DATA }
/* Asymmetric: key_size in bits, max_data_len the longest input; the kernel's
 * names and sizes as the software backend ("openssl") declares them. */
#define RSA_BITS RANGE(QAT_ASYM_RSA_MIN_BITS, QAT_ASYM_RSA_MAX_BITS, 1024)
/* asym_ops: the ops beyond the type's (pkcs1pad also signs, as the kernel's
 * akcipher before 6.13); 0 = the type's. */
#define ASYM_CAPS_OPS(n, d, t, bits, in_max, ops) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_##t, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = bits, .iv_size = NONE, .digest_size = NONE, \
	.aad_size = NONE, .block_size = 1, .max_data_len = (in_max), .asym_ops = (ops) }
/* The type's ops (asym_ops 0). */
#define ASYM_CAPS(n, d, t, bits, in_max) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_##t, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = bits, .iv_size = NONE, .digest_size = NONE, \
	.aad_size = NONE, .block_size = 1, .max_data_len = (in_max) }
/* authenc: the kernel's key blob (an HMAC key of any length, an AES key). */
#define AUTHENC_CAPS(n, d, dl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_AEAD, .priority = QAT_PMD_PRIORITY, \
	.flags = QAT_FLAGS, .key_size = RANGE(CE_AUTHENC_KEY_HDR_LEN + 16, CE_KEY_MAX, 1), \
	.enc_key_size = RANGE(16, 32, 8), .iv_size = ONE(16), \
	.digest_size = RANGE(4, dl, 1), .aad_size = RANGE(0, 512, 1), .block_size = 16, \
	.max_data_len = QAT_PMD_MAX_DATA }

/*
 * The table, once, for each name the backend registers under: implementations
 * are named after what runs them, as the kernel names its drivers
 * ("gcm-aes-qat" on QAT; "gcm-aes-cryptodev" on any other cryptodev).
 */
#define QAT_PMD_CAPS(sfx) { \
	{ .name = "gcm(aes)", .driver_name = "gcm-aes-" sfx, .type = CE_PMD_ALG_AEAD, \
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = RANGE(16, 32, 8), \
	  .iv_size = RANGE(1, 128, 1), .digest_size = RANGE(4, 16, 1), \
	  .aad_size = RANGE(0, UINT16_MAX, 1), .block_size = 1, \
	  .max_data_len = QAT_PMD_MAX_DATA }, \
	{ .name = "rfc4106(gcm(aes))", .driver_name = "rfc4106-gcm-aes-" sfx, \
	  .type = CE_PMD_ALG_AEAD, .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, \
	  .key_size = RANGE(20, 36, 8), .iv_size = ONE(8), .digest_size = RANGE(8, 16, 4), \
	  .aad_size = RANGE(8, 12, 4), .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }, \
	CIPHER_CAPS("cbc(aes)", "cbc-aes-" sfx, 16), \
	CIPHER_CAPS("ctr(aes)", "ctr-aes-" sfx, 1), \
	SHA_CAPS("sha1", "sha1-" sfx, 20), \
	SHA_CAPS("sha256", "sha256-" sfx, 32), \
	SHA_CAPS("sha384", "sha384-" sfx, 48), \
	SHA_CAPS("sha512", "sha512-" sfx, 64), \
	HMAC_CAPS("hmac(sha1)", "hmac-sha1-" sfx, 20), \
	HMAC_CAPS("hmac(sha256)", "hmac-sha256-" sfx, 32), \
	HMAC_CAPS("hmac(sha384)", "hmac-sha384-" sfx, 48), \
	HMAC_CAPS("hmac(sha512)", "hmac-sha512-" sfx, 64), \
	AUTHENC_CAPS("authenc(hmac(sha1),cbc(aes))", "authenc-hmac-sha1-cbc-aes-" sfx, 20), \
	AUTHENC_CAPS("authenc(hmac(sha256),cbc(aes))", \
		     "authenc-hmac-sha256-cbc-aes-" sfx, 32), \
	AUTHENC_CAPS("authenc(hmac(sha512),cbc(aes))", \
		     "authenc-hmac-sha512-cbc-aes-" sfx, 64), \
	{ .name = "rfc7539(chacha20,poly1305)", \
	  .driver_name = "rfc7539-chacha20-poly1305-" sfx, .type = CE_PMD_ALG_AEAD, \
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = ONE(32), \
	  .iv_size = ONE(12), .digest_size = ONE(16), .aad_size = RANGE(0, UINT16_MAX, 1), \
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }, \
	{ .name = "rfc7539esp(chacha20,poly1305)", \
	  .driver_name = "rfc7539esp-chacha20-poly1305-" sfx, .type = CE_PMD_ALG_AEAD, \
	  .priority = QAT_PMD_PRIORITY, .flags = QAT_FLAGS, .key_size = ONE(36), \
	  .iv_size = ONE(8), .digest_size = ONE(16), .aad_size = RANGE(8, 12, 4), \
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }, \
	{ .name = "ecb(cipher_null)", .driver_name = "ecb-cipher_null-" sfx, \
	  .type = CE_PMD_ALG_CIPHER, .priority = QAT_PMD_PRIORITY, .flags = CE_PMD_ALG_F_ASYNC, \
	  .key_size = NONE, .iv_size = NONE, .digest_size = NONE, .aad_size = NONE, \
	  .block_size = 1, .max_data_len = QAT_PMD_MAX_DATA }, \
	{ .name = "digest_null", .driver_name = "digest_null-" sfx, .type = CE_PMD_ALG_HASH, \
	  .priority = QAT_PMD_PRIORITY, .flags = CE_PMD_ALG_F_ASYNC, .key_size = NONE, \
	  .iv_size = NONE, .digest_size = NONE, .aad_size = NONE, .block_size = 1, \
	  .max_data_len = QAT_PMD_MAX_DATA }, \
	ASYM_CAPS("rsa", "rsa-" sfx, AKCIPHER, RSA_BITS, 512), \
	ASYM_CAPS_OPS("pkcs1pad(rsa,sha256)", "pkcs1pad-rsa-sha256-" sfx, AKCIPHER, RSA_BITS, \
		      512, CE_PMD_PKCS1PAD_OPS), \
	ASYM_CAPS("pkcs1(rsa,sha256)", "pkcs1-rsa-sha256-" sfx, SIG, RSA_BITS, 32), \
	ASYM_CAPS("psspad(rsa,sha256)", "psspad-rsa-sha256-" sfx, SIG, RSA_BITS, 32), \
	ASYM_CAPS("oaep(rsa,sha256)", "oaep-rsa-sha256-" sfx, AKCIPHER, RSA_BITS, 512), \
	ASYM_CAPS("ffdhe2048(dh)", "ffdhe2048-dh-" sfx, KPP, ONE(2048), 256), \
	ASYM_CAPS("ffdhe3072(dh)", "ffdhe3072-dh-" sfx, KPP, ONE(3072), 384), \
	ASYM_CAPS("ffdhe4096(dh)", "ffdhe4096-dh-" sfx, KPP, ONE(4096), 512), \
}

const struct ce_pmd_alg_caps qat_pmd_caps[QAT_PMD_NB_DRIVERS][QAT_PMD_NB_CAPS] = {
	[QAT_PMD_CRYPTODEV] = QAT_PMD_CAPS("cryptodev"),
	[QAT_PMD_QAT] = QAT_PMD_CAPS("qat"),
};

#define AEAD_D(a, sl) { .kind = QAT_PMD_AEAD, .salt = (sl), .aead = (a) }
#define SHA_D(a) { .kind = QAT_PMD_AUTH, .auth = (a) }
#define HMAC_D(a, h) { .kind = QAT_PMD_AUTH, .keyed = true, .auth = (a), .hmac_hash = (h) }
#define CHAIN_D(a, h) { .kind = QAT_PMD_CHAIN, .keyed = true, .hmac_hash = (h), \
			.cipher = RTE_CRYPTO_CIPHER_AES_CBC, .auth = (a) }

const struct qat_pmd_alg_desc qat_pmd_descs[] = {
	AEAD_D(RTE_CRYPTO_AEAD_AES_GCM, 0),
	AEAD_D(RTE_CRYPTO_AEAD_AES_GCM, QAT_PMD_SALT),
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_AES_CBC },
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_AES_CTR, .ctr = true },
	SHA_D(RTE_CRYPTO_AUTH_SHA1),
	SHA_D(RTE_CRYPTO_AUTH_SHA256),
	SHA_D(RTE_CRYPTO_AUTH_SHA384),
	SHA_D(RTE_CRYPTO_AUTH_SHA512),
	HMAC_D(RTE_CRYPTO_AUTH_SHA1_HMAC, QAT_PMD_HMAC_SHA1),
	HMAC_D(RTE_CRYPTO_AUTH_SHA256_HMAC, QAT_PMD_HMAC_SHA256),
	HMAC_D(RTE_CRYPTO_AUTH_SHA384_HMAC, QAT_PMD_HMAC_SHA384),
	HMAC_D(RTE_CRYPTO_AUTH_SHA512_HMAC, QAT_PMD_HMAC_SHA512),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA1_HMAC, QAT_PMD_HMAC_SHA1),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA256_HMAC, QAT_PMD_HMAC_SHA256),
	CHAIN_D(RTE_CRYPTO_AUTH_SHA512_HMAC, QAT_PMD_HMAC_SHA512),
	AEAD_D(RTE_CRYPTO_AEAD_CHACHA20_POLY1305, 0),
	AEAD_D(RTE_CRYPTO_AEAD_CHACHA20_POLY1305, QAT_PMD_SALT),
	{ .kind = QAT_PMD_CIPHER, .cipher = RTE_CRYPTO_CIPHER_NULL },
	{ .kind = QAT_PMD_AUTH, .auth = RTE_CRYPTO_AUTH_NULL },
	/* The asymmetric entries, in qat_asym_descs[]'s order. */
	{ .kind = QAT_PMD_ASYM, .asym = 0 },
	{ .kind = QAT_PMD_ASYM, .asym = 1 },
	{ .kind = QAT_PMD_ASYM, .asym = 2 },
	{ .kind = QAT_PMD_ASYM, .asym = 3 },
	{ .kind = QAT_PMD_ASYM, .asym = 4 },
	{ .kind = QAT_PMD_ASYM, .asym = 5 },
	{ .kind = QAT_PMD_ASYM, .asym = 6 },
	{ .kind = QAT_PMD_ASYM, .asym = 7 },
};

_Static_assert(RTE_DIM(qat_pmd_descs) == QAT_PMD_NB_CAPS, "one descriptor per caps entry");
_Static_assert(sizeof(qat_pmd_caps[0]) == sizeof((const struct ce_pmd_alg_caps[])QAT_PMD_CAPS("")),
	       "QAT_PMD_NB_CAPS counts the table");

int
qat_pmd_cap_ok(uint8_t cdev, const struct rte_crypto_sym_xform *x)
{
	struct rte_cryptodev_sym_capability_idx idx = { .type = x->type };
	const struct rte_cryptodev_symmetric_capability *cap;

	switch (x->type) {
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		idx.algo.aead = x->aead.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_aead(cap,
			x->aead.key.length, x->aead.digest_length, x->aead.aad_length,
			x->aead.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		idx.algo.cipher = x->cipher.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_cipher(cap,
			x->cipher.key.length, x->cipher.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		idx.algo.auth = x->auth.algo;
		cap = rte_cryptodev_sym_capability_get(cdev, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_auth(cap,
			x->auth.key.length, x->auth.digest_length, x->auth.iv.length) == 0;
	default:
		return 0;
	}
}


static const char *const qat_pmd_fb_names[CE_QAT_FB_MAX] = {
	[CE_QAT_FB_SESSION] = "session",
	[CE_QAT_FB_SMALL] = "small",
	[CE_QAT_FB_EMPTY] = "empty",
	[CE_QAT_FB_TOO_LONG] = "too_long",
	[CE_QAT_FB_AAD] = "aad",
	[CE_QAT_FB_LAYOUT] = "layout",
	[CE_QAT_FB_CTR_WRAP] = "ctr_wrap",
	[CE_QAT_FB_IOVA] = "iova",
	[CE_QAT_FB_DOWN] = "down",
	[CE_QAT_FB_DEV_ERROR] = "dev_error",
	[CE_QAT_FB_FAILOVER] = "failover",
};

const char *
ce_pmd_qat_fb_reason_name(unsigned int reason)
{
	return reason < CE_QAT_FB_MAX ? qat_pmd_fb_names[reason] : "?";
}
