/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The authenc key blob, read once for every backend: the kernel's layout
 * (crypto/authenc.c, crypto_authenc_extractkeys; XFRM builds the same blob
 * from an SA's two keys), so that a key a libkcapi user hands the kernel
 * works here unchanged.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ce_pmd.h"

/* struct rtattr: two host-order u16, 4 bytes; RTA_OK's minimum. */
#define AUTHENC_RTA_HDR_LEN 4u

int
ce_pmd_authenc_key_parse(const uint8_t *key, size_t len, struct ce_pmd_authenc_key *out,
			 const char **why)
{
	const char *bad = NULL;
	uint16_t rta_len, rta_type;
	uint32_t enc_len = 0;

	if (key == NULL || out == NULL || len < AUTHENC_RTA_HDR_LEN) {
		bad = "key: no authenc rtattr header";
		goto refuse;
	}
	memcpy(&rta_len, key, sizeof(rta_len));
	memcpy(&rta_type, key + 2, sizeof(rta_type));
	/* RTA_OK(), then the kernel's rule since 2018: the payload is exactly
	 * the __be32, so that the keys start right behind it. */
	if (rta_len < AUTHENC_RTA_HDR_LEN || rta_len > len)
		bad = "key: authenc rtattr length";
	else if (rta_type != CE_AUTHENC_KEYA_PARAM)
		bad = "key: authenc rtattr type (want 1)";
	else if (rta_len != CE_AUTHENC_KEY_HDR_LEN)
		bad = "key: authenc rtattr payload (want 4)";
	if (bad != NULL)
		goto refuse;
	enc_len = (uint32_t)key[4] << 24 | (uint32_t)key[5] << 16 | (uint32_t)key[6] << 8 | key[7];
	if (enc_len > len - CE_AUTHENC_KEY_HDR_LEN) {
		bad = "key: authenc enckeylen past the end";
		goto refuse;
	}
	out->auth_key = key + CE_AUTHENC_KEY_HDR_LEN;
	out->auth_key_len = (uint32_t)(len - CE_AUTHENC_KEY_HDR_LEN - enc_len);
	out->enc_key = out->auth_key + out->auth_key_len;
	out->enc_key_len = enc_len;
	return 0;
refuse:
	if (why != NULL)
		*why = bad;
	return -EINVAL;
}
