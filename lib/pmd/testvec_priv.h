/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Known-answer test vectors for every algorithm name a backend offers, used
 * by the registry's self-tests (and double-checked against OpenSSL by the
 * test suite). Private to lib/pmd and its tests.
 *
 * Each field is text: pairs of hex digits (spaces ignored), 'quoted ASCII',
 * and "xx*N" for the byte xx repeated N times. NULL or "" is empty.
 * For a cipher, ptext encrypts to ctext; for an AEAD, ptext with aad
 * encrypts to ctext with tag digest; for a hash, digest is the hash (or
 * MAC under key) of ptext.
 */
#ifndef CE_TESTVEC_PRIV_H
#define CE_TESTVEC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ce_testvec {
	const char *alg;         /**< kernel algorithm name */
	const char *desc;        /**< where it comes from, for messages */
	const char *key;
	const char *iv;
	const char *aad;
	const char *ptext;
	const char *ctext;
	const char *digest;
};

#define CE_TV_KEY_MAX 256        /* RFC 4231 case 6 has 131 bytes; authenc adds 24 */
#define CE_TV_IV_MAX 64
#define CE_TV_AAD_MAX 64
#define CE_TV_DATA_MAX 256
#define CE_TV_DIGEST_MAX 64

/** A vector decoded to bytes. */
struct ce_tv_data {
	uint8_t key[CE_TV_KEY_MAX];
	uint8_t iv[CE_TV_IV_MAX];
	uint8_t aad[CE_TV_AAD_MAX];
	uint8_t ptext[CE_TV_DATA_MAX];
	uint8_t ctext[CE_TV_DATA_MAX];
	uint8_t digest[CE_TV_DIGEST_MAX];
	uint16_t key_len;
	uint16_t iv_len;
	uint16_t aad_len;
	uint16_t digest_len;
	uint32_t len;            /**< ptext (and ctext) length */
};

/** Iterate over all vectors: start with NULL; NULL at the end. */
const struct ce_testvec *ce_testvec_next(const struct ce_testvec *prev);

/** Whether at least one vector exists for alg. */
bool ce_testvec_has(const char *alg);

/**
 * Decode a vector.
 * @return 0, or -EINVAL when a field is malformed, too long for its
 *   buffer, or ctext is not as long as ptext.
 */
int ce_testvec_decode(const struct ce_testvec *tv, struct ce_tv_data *d);

/**
 * Decode one field in the vectors' text form into out (at most max bytes).
 * @return 0 with *len set, or -EINVAL (malformed, too long).
 */
int ce_testvec_parse(const char *s, uint8_t *out, size_t max, size_t *len);

/*
 * Asymmetric known answers (akcipher, sig, kpp). Each is one operation of
 * one session: the key (DER, PKCS#8 or SPKI), the input, the signature for
 * SIG_VERIFY, and what the completion must be: status, and the output when
 * the operation is deterministic. A randomised operation (PSS and ECDSA
 * signatures, PKCS#1 v1.5 and OAEP encryption) has no output: the self-test
 * runs it, then the inverse (verify, decrypt) with the same key, which must
 * give back the input (verify: 0). Where each comes from:
 * tests/registry/gen_asym_vectors.py.
 */
struct ce_asym_testvec {
	const char *alg;         /**< kernel algorithm name */
	const char *desc;        /**< where it comes from */
	uint8_t op;              /**< CE_OP_* of the session */
	int status;              /**< the completion: 0, -EBADMSG, -EINVAL */
	uint16_t key_bits;       /**< the key's size as caps key_size counts it */
	const char *key;
	const char *input;
	const char *sig;         /**< SIG_VERIFY only */
	const char *output;      /**< NULL: randomised (see above) */
};

#define CE_TV_ASYM_KEY_MAX 4096
#define CE_TV_ASYM_DATA_MAX 512

/** An asymmetric vector decoded to bytes. */
struct ce_asym_tv_data {
	uint8_t key[CE_TV_ASYM_KEY_MAX];
	uint8_t input[CE_TV_ASYM_DATA_MAX];
	uint8_t sig[CE_TV_ASYM_DATA_MAX];
	uint8_t output[CE_TV_ASYM_DATA_MAX];
	uint16_t key_len;
	uint16_t input_len;
	uint16_t sig_len;
	uint16_t output_len;
	bool has_output;
};

/** Iterate over the asymmetric vectors: start with NULL; NULL at the end. */
const struct ce_asym_testvec *ce_asym_testvec_next(const struct ce_asym_testvec *prev);

/**
 * Decode an asymmetric vector.
 * @return 0, or -EINVAL when a field is malformed or too long.
 */
int ce_asym_testvec_decode(const struct ce_asym_testvec *tv, struct ce_asym_tv_data *d);

#endif /* CE_TESTVEC_PRIV_H */
