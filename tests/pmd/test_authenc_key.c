/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The authenc key blob: ce_authenc_key_build() (what clients call) and
 * ce_pmd_authenc_key_parse() (what every backend's session reads) agree on
 * every size, and the parser keeps crypto_authenc_extractkeys' rules
 * (crypto/authenc.c): the rtattr fits, is of type 1, its payload is exactly
 * the big-endian enckeylen, enckeylen fits what follows.
 */
#include <errno.h>
#include <string.h>

#include "ce_pmd.h"
#include "ce_test.h"

/* A blob written byte by byte, as a libkcapi user on x86 writes it. */
static size_t
blob_by_hand(uint8_t *b, uint16_t rta_len, uint16_t rta_type, uint32_t enc_len, size_t rest)
{
	memcpy(b, &rta_len, 2);
	memcpy(b + 2, &rta_type, 2);
	b[4] = (uint8_t)(enc_len >> 24);
	b[5] = (uint8_t)(enc_len >> 16);
	b[6] = (uint8_t)(enc_len >> 8);
	b[7] = (uint8_t)enc_len;
	for (size_t i = 0; i < rest; i++)
		b[8 + i] = (uint8_t)(0x80 + i);
	return 8 + rest;
}

static void
refused(const uint8_t *b, size_t len, const char *want)
{
	struct ce_pmd_authenc_key k;
	const char *why = NULL;

	CHECK_EQ(ce_pmd_authenc_key_parse(b, len, &k, &why), -EINVAL);
	if (why == NULL || strstr(why, want) == NULL) {
		fprintf(stderr, "refused with '%s', expected '%s'\n", why ? why : "(none)", want);
		CHECK(0);
	}
}

int
main(void)
{
	static const uint32_t enc_lens[] = { 0, 16, 24, 32 };
	uint8_t auth[CE_SESSION_KEY_MAX], enc[32], blob[CE_SESSION_KEY_MAX + 16];
	struct ce_pmd_authenc_key k;
	unsigned int nb = 0;
	size_t n;

	for (size_t i = 0; i < sizeof(auth); i++)
		auth[i] = (uint8_t)(i * 31 + 7);
	for (size_t i = 0; i < sizeof(enc); i++)
		enc[i] = (uint8_t)(0xe0 + i);

	/* Every HMAC key length the limit leaves room for, with each AES size. */
	for (size_t e = 0; e < sizeof(enc_lens) / sizeof(enc_lens[0]); e++) {
		for (size_t a = 0; a + CE_AUTHENC_KEY_HDR_LEN + enc_lens[e] <= CE_SESSION_KEY_MAX; a++) {
			int len = ce_authenc_key_build(blob, sizeof(blob), auth, a, enc, enc_lens[e]);

			CHECK_EQ(len, (int)(CE_AUTHENC_KEY_HDR_LEN + a + enc_lens[e]));
			CHECK_EQ(ce_pmd_authenc_key_parse(blob, (size_t)len, &k, NULL), 0);
			CHECK_EQ(k.auth_key_len, a);
			CHECK_EQ(k.enc_key_len, enc_lens[e]);
			CHECK(k.auth_key == blob + 8 && k.enc_key == blob + 8 + a);
			CHECK_MEM(k.auth_key, auth, a);
			CHECK_MEM(k.enc_key, enc, enc_lens[e]);
			nb++;
		}
		/* One byte over the limit: refused, nothing written past size. */
		CHECK_EQ(ce_authenc_key_build(blob, sizeof(blob), auth,
					      CE_SESSION_KEY_MAX - CE_AUTHENC_KEY_HDR_LEN -
					      enc_lens[e] + 1, enc, enc_lens[e]), -EINVAL);
	}
	CHECK_EQ(ce_authenc_key_build(blob, 43, auth, 20, enc, 16), -EINVAL); /* 44 needed */
	CHECK_EQ(ce_authenc_key_build(blob, 44, auth, 20, enc, 16), 44);
	CHECK_EQ(ce_authenc_key_build(blob, sizeof(blob), NULL, 20, enc, 16), -EINVAL);
	CHECK_EQ(ce_authenc_key_build(blob, sizeof(blob), auth, 20, NULL, 16), -EINVAL);
	CHECK_EQ(ce_authenc_key_build(NULL, 64, auth, 20, enc, 16), -EINVAL);
	CHECK_EQ(ce_authenc_key_build(blob, sizeof(blob), NULL, 0, NULL, 0), 8);

	/* The builder writes what a hand-written blob has (host-order rtattr). */
	{
		uint8_t hand[64];

		n = blob_by_hand(hand, 8, 1, 16, 36);
		memcpy(blob, hand, n);
		CHECK_EQ(ce_pmd_authenc_key_parse(hand, n, &k, NULL), 0);
		CHECK_EQ(k.auth_key_len, 20);
		CHECK_EQ(ce_authenc_key_build(blob, sizeof(blob), hand + 8, 20, hand + 28, 16),
			 (int)n);
		CHECK_MEM(blob, hand, n);
	}

	/* The kernel's refusals, each named. */
	n = blob_by_hand(blob, 8, 1, 16, 36);
	refused(blob, 0, "rtattr header");
	refused(blob, 3, "rtattr header");
	refused(NULL, n, "rtattr header");
	refused(blob, 7, "rtattr length");          /* rta_len 8 > 7 */
	blob_by_hand(blob, 3, 1, 16, 36);
	refused(blob, n, "rtattr length");          /* below the rtattr header */
	blob_by_hand(blob, 200, 1, 16, 36);
	refused(blob, n, "rtattr length");          /* past the end */
	blob_by_hand(blob, 8, 0, 16, 36);
	refused(blob, n, "rtattr type");            /* CRYPTO_AUTHENC_KEYA_UNSPEC */
	blob_by_hand(blob, 8, 2, 16, 36);
	refused(blob, n, "rtattr type");
	/* A longer payload: kernels before 2018 skipped RTA_ALIGN(rta_len) and
	 * read keys from there; today's refuse it, as we do. */
	blob_by_hand(blob, 12, 1, 16, 36);
	refused(blob, n, "rtattr payload");
	blob_by_hand(blob, 4, 1, 16, 36);
	refused(blob, n, "rtattr payload");
	blob_by_hand(blob, 8, 1, 37, 36);
	refused(blob, n, "enckeylen past the end");
	blob_by_hand(blob, 8, 1, UINT32_MAX, 36);
	refused(blob, n, "enckeylen past the end");
	/* Boundaries taken: everything after the header is the cipher key, or
	 * the HMAC key (the tier's enc_key_size check then refuses an AES size
	 * the implementation does not have). */
	blob_by_hand(blob, 8, 1, 36, 36);
	CHECK_EQ(ce_pmd_authenc_key_parse(blob, n, &k, NULL), 0);
	CHECK(k.auth_key_len == 0 && k.enc_key_len == 36);
	blob_by_hand(blob, 8, 1, 0, 36);
	CHECK_EQ(ce_pmd_authenc_key_parse(blob, n, &k, NULL), 0);
	CHECK(k.auth_key_len == 36 && k.enc_key_len == 0);

	fprintf(stderr, "%u blobs built and split; every malformed one refused\n", nb);
	return 0;
}
