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

#endif /* CE_TESTVEC_PRIV_H */
