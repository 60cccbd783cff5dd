/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL as the oracle of the asymmetric tests (tests/pmd-ossl,
 * tests/pmd-qat, tests/daemon): fresh keys, their DER encodings as a session
 * takes them, a peer's public value as the protocol carries it, the shared
 * secret, and ECDSA signatures as r || s (the backends' form). Each helper CHECKs
 * what OpenSSL returns, so a test reads as what it compares.
 */
#ifndef ASYM_ORACLE_H
#define ASYM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* A fresh key: "RSA2048" (any size), "P-256", "P-384", "X25519" or an FFDHE group ("ffdhe2048"). */
EVP_PKEY *oracle_keygen(const char *what);

/* pk's private key as PKCS#8 DER in out (CE_ASYM_KEY_MAX bytes); @return its length. */
size_t oracle_der_private(EVP_PKEY *pk, uint8_t *out);

/* pk's public key as SubjectPublicKeyInfo DER in out (CE_ASYM_KEY_MAX bytes); @return its length. */
size_t oracle_der_public(EVP_PKEY *pk, uint8_t *out);

/*
 * A context on pk, initialised by init (EVP_PKEY_sign_init, ..._decrypt_init)
 * with RSA padding pad and SHA-256 as the digest (a padded signature's, OAEP's
 * and MGF1's); the caller frees it.
 */
EVP_PKEY_CTX *oracle_rsa_ctx(EVP_PKEY *pk, int (*init)(EVP_PKEY_CTX *), int pad);

/*
 * OpenSSL's RSA op (CE_OP_SIGN, CE_OP_ENCRYPT or CE_OP_DECRYPT) with padding
 * pad, as oracle_rsa_ctx() sets it up, on in; out has room for the modulus.
 * @return the output's length.
 */
size_t oracle_rsa(EVP_PKEY *pk, uint8_t op, int pad, const uint8_t *in, size_t in_len,
		  uint8_t *out);

/*
 * peer's public value as a KPP request carries it (docs/PROTOCOL.md): X25519's
 * 32 bytes, a P- curve's x || y, FFDHE's y, each n bytes big-endian.
 * @return its length.
 */
uint32_t oracle_peer_value(EVP_PKEY *peer, const char *kind, uint32_t n, uint8_t *out);

/* OpenSSL's shared secret of mine and peer (dh_pad: FFDHE's, padded to p's size). */
size_t oracle_derive(EVP_PKEY *mine, EVP_PKEY *peer, uint8_t *out, size_t max, bool dh_pad);

/* OpenSSL's verdict (EVP_PKEY_verify: 1 valid) on the ECDSA signature r || s, n bytes each. */
int oracle_ecdsa_verify(EVP_PKEY *pk, const uint8_t *dig, size_t dig_len, const uint8_t *raw,
			uint32_t n);

/* OpenSSL's ECDSA signature of dig as r || s, n bytes each, in raw. */
void oracle_ecdsa_sign(EVP_PKEY *pk, const uint8_t *dig, size_t dig_len, uint32_t n,
		       uint8_t *raw);

#endif
