/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "openssl" backend's algorithms: the kernel's names (crypto/rsa.c,
 * rsa-pkcs1pad.c, ecdsa.c, ecdh.c, curve25519, dh.c's ffdhe templates),
 * key sizes in bits, the longest input of any op. Formats: docs/PROTOCOL.md,
 * "Asymmetric requests".
 */
#include <openssl/evp.h>

#include "ossl_priv.h"

#define RANGE(lo, hi, st) { .min = (lo), .max = (hi), .step = (st) }

#define ASYM_OPS(n, d, t, bits, in_max, ops) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_##t, \
	.priority = CE_PMD_OSSL_PRIORITY, .flags = CE_PMD_ALG_F_ASYNC, \
	.key_size = bits, .block_size = 1, .max_data_len = (in_max), .asym_ops = (ops) }
/* The type's ops (asym_ops 0). */
#define ASYM(n, d, t, bits, in_max) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_##t, \
	.priority = CE_PMD_OSSL_PRIORITY, .flags = CE_PMD_ALG_F_ASYNC, \
	.key_size = bits, .block_size = 1, .max_data_len = (in_max) }

#define RSA_BITS RANGE(2048, 4096, 1024)

/* Same order as ossl_algs[] below. */
const struct ce_pmd_alg_caps ossl_caps[OSSL_NB_CAPS] = {
	ASYM("rsa", "rsa-openssl", AKCIPHER, RSA_BITS, 512),
	ASYM_OPS("pkcs1pad(rsa,sha256)", "pkcs1pad(rsa-openssl,sha256)", AKCIPHER, RSA_BITS, 512,
		 CE_PMD_PKCS1PAD_OPS),
	ASYM("pkcs1(rsa,sha256)", "pkcs1(rsa-openssl,sha256)", SIG, RSA_BITS, 32),
	ASYM("psspad(rsa,sha256)", "psspad(rsa-openssl,sha256)", SIG, RSA_BITS, 32),
	ASYM("oaep(rsa,sha256)", "oaep(rsa-openssl,sha256)", AKCIPHER, RSA_BITS, 512),
	ASYM("ecdsa-nist-p256", "ecdsa-nist-p256-openssl", SIG, RANGE(256, 256, 0), 64),
	ASYM("ecdsa-nist-p384", "ecdsa-nist-p384-openssl", SIG, RANGE(384, 384, 0), 64),
	ASYM("ecdh-nist-p256", "ecdh-nist-p256-openssl", KPP, RANGE(256, 256, 0), 64),
	ASYM("ecdh-nist-p384", "ecdh-nist-p384-openssl", KPP, RANGE(384, 384, 0), 96),
	/* OpenSSL counts X25519 keys as 253 bits (the group's order). */
	ASYM("curve25519", "curve25519-openssl", KPP, RANGE(253, 253, 0), 32),
	ASYM("ffdhe2048(dh)", "ffdhe2048(dh-openssl)", KPP, RANGE(2048, 2048, 0), 256),
	ASYM("ffdhe3072(dh)", "ffdhe3072(dh-openssl)", KPP, RANGE(3072, 3072, 0), 384),
	ASYM("ffdhe4096(dh)", "ffdhe4096(dh-openssl)", KPP, RANGE(4096, 4096, 0), 512),
};

const struct ossl_alg ossl_algs[OSSL_NB_CAPS] = {
	{ OSSL_RSA_RAW, EVP_PKEY_RSA, NULL, "RSA" },
	{ OSSL_RSA_PKCS1, EVP_PKEY_RSA, NULL, "RSA" },
	{ OSSL_RSA_PKCS1, EVP_PKEY_RSA, NULL, "RSA" },
	{ OSSL_RSA_PSS, EVP_PKEY_RSA, NULL, "RSA" },
	{ OSSL_RSA_OAEP, EVP_PKEY_RSA, NULL, "RSA" },
	{ OSSL_ECDSA, EVP_PKEY_EC, "prime256v1", "EC P-256" },
	{ OSSL_ECDSA, EVP_PKEY_EC, "secp384r1", "EC P-384" },
	{ OSSL_ECDH, EVP_PKEY_EC, "prime256v1", "EC P-256" },
	{ OSSL_ECDH, EVP_PKEY_EC, "secp384r1", "EC P-384" },
	{ OSSL_X25519, EVP_PKEY_X25519, NULL, "X25519" },
	{ OSSL_FFDHE, EVP_PKEY_DH, "ffdhe2048", "DH ffdhe2048" },
	{ OSSL_FFDHE, EVP_PKEY_DH, "ffdhe3072", "DH ffdhe3072" },
	{ OSSL_FFDHE, EVP_PKEY_DH, "ffdhe4096", "DH ffdhe4096" },
};

/* An entry left out would be a zeroed caps entry: count the names. */
_Static_assert(sizeof((const char *[]){ "rsa", "pkcs1pad", "pkcs1", "psspad", "oaep",
		"ecdsa256", "ecdsa384", "ecdh256", "ecdh384", "x25519", "ffdhe2048",
		"ffdhe3072", "ffdhe4096" }) / sizeof(const char *) == OSSL_NB_CAPS,
	       "OSSL_NB_CAPS counts the table");
