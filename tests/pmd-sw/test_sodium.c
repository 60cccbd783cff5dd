/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sodium" backend against OpenSSL: rfc7539(chacha20,poly1305) and
 * gcm(aes) (256-bit) directly against EVP; xchacha20poly1305, which OpenSSL
 * lacks, against EVP's chacha20-poly1305 keyed with HChaCha20 (the
 * construction the XChaCha draft defines) and against the draft's A.3.1
 * vector. Random keys, IVs, AAD 0-64, lengths 0-9000 (every length below
 * 64 included), in place and out of place, bad tags wiped.
 */
#define CE_TEST_WANT_EAL
#include <errno.h>

#include <sodium.h>

#include "ce_pmd.h"
#include "reg_util.h"

#define NB_VECTORS 10000
#define MAX_LEN 9000

static struct ce_pmd_dev *dev;

enum { ALG_CHACHA, ALG_GCM, ALG_XCHACHA };

static const struct {
	const char *name;
	const char *driver;
	uint16_t iv_len;
} algs[] = {
	[ALG_CHACHA] = { "rfc7539(chacha20,poly1305)", "rfc7539-chacha20-poly1305-sodium", 12 },
	[ALG_GCM] = { "gcm(aes)", "gcm-aes256-sodium", 12 },
	[ALG_XCHACHA] = { "xchacha20poly1305", "xchacha20poly1305-sodium", 24 },
};

static struct ce_pmd_session *
sess_new(int alg, const uint8_t *key, uint8_t op)
{
	struct ce_pmd_session_params p = {
		.alg = algs[alg].name,
		.driver = algs[alg].driver,
		.key = key,
		.key_len = 32,
		.iv_len = algs[alg].iv_len,
		.digest_len = 16,
		.aad_len = 64,
		.op = op,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &p, &why);

	if (s == NULL)
		REG_FAIL("session %s: %s (%s)", algs[alg].driver, strerror(errno),
			 why ? why : "?");
	return s;
}

static int
run(struct ce_pmd_session *s, uint8_t op, uint8_t *src, uint8_t *dst, uint32_t len,
    uint8_t *iv, uint8_t *aad, uint16_t aad_len, uint8_t *tag)
{
	struct ce_pmd_request req = {
		.sess = s, .src = src, .dst = dst, .iv = iv, .aad = aad,
		.digest = tag, .len = len, .aad_len = aad_len, .op = op,
	};

	return ce_pmd_run_sync(dev->qps[0], &req);
}

/* The reference: OpenSSL, with HChaCha20 in front for XChaCha. */
static void
reference(int alg, const uint8_t *key, const uint8_t *iv, const uint8_t *aad,
	  size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t *tag)
{
	uint8_t subkey[32], nonce[12] = { 0 };
	int ret;

	switch (alg) {
	case ALG_CHACHA:
		ret = reg_ossl_aead(EVP_chacha20_poly1305(), true, key, iv, 12, aad, aad_len,
				    pt, len, ct, tag, 16);
		break;
	case ALG_GCM:
		ret = reg_ossl_aead(EVP_aes_256_gcm(), true, key, iv, 12, aad, aad_len,
				    pt, len, ct, tag, 16);
		break;
	default:
		crypto_core_hchacha20(subkey, iv, key, NULL);
		memcpy(nonce + 4, iv + 16, 8);
		ret = reg_ossl_aead(EVP_chacha20_poly1305(), true, subkey, nonce, 12, aad,
				    aad_len, pt, len, ct, tag, 16);
		break;
	}
	if (ret != 0)
		REG_FAIL("OpenSSL refused %s len %zu", algs[alg].name, len);
}

static void
differential(int alg)
{
	uint8_t *pt = malloc(MAX_LEN), *ref = malloc(MAX_LEN + 16);
	uint8_t *buf = malloc(MAX_LEN), *out = malloc(MAX_LEN);
	uint8_t key[32], iv[24], aad[64], tag_ref[16], tag[16];

	CHECK(pt && ref && buf && out);
	for (int i = 0; i < NB_VECTORS; i++) {
		/* Every length below 64 comes up; the rest spread over 0-9000. */
		uint32_t len = i % 4 == 0 ? (uint32_t)(i / 4) % 64 :
			(uint32_t)(reg_rand() % (MAX_LEN + 1));
		uint16_t aad_len = (uint16_t)(reg_rand() % 65);
		bool enc_in_place = i & 1, dec_in_place = i & 2;
		struct ce_pmd_session *se, *sd;
		uint8_t *dst;
		int ret;

		reg_rand_bytes(key, sizeof(key));
		reg_rand_bytes(iv, sizeof(iv));
		reg_rand_bytes(aad, aad_len);
		reg_rand_bytes(pt, len);
		reference(alg, key, iv, aad, aad_len, pt, len, ref, tag_ref);

		se = sess_new(alg, key, CE_OP_ENCRYPT);
		sd = sess_new(alg, key, CE_OP_DECRYPT);

		memcpy(buf, pt, len);
		dst = enc_in_place ? buf : out;
		ret = run(se, CE_OP_ENCRYPT, buf, dst, len, iv, aad, aad_len, tag);
		if (ret != 0)
			REG_FAIL("%s #%d: encrypt returned %d", algs[alg].name, i, ret);
		if (memcmp(dst, ref, len) != 0 || memcmp(tag, tag_ref, 16) != 0)
			REG_FAIL("%s #%d: ciphertext/tag differ from OpenSSL (len %u aad %u %s)",
				 algs[alg].name, i, len, aad_len,
				 enc_in_place ? "in place" : "out of place");
		if (!enc_in_place && memcmp(buf, pt, len) != 0)
			REG_FAIL("%s #%d: out-of-place encrypt changed the source",
				 algs[alg].name, i);

		memcpy(buf, ref, len);
		dst = dec_in_place ? buf : out;
		ret = run(sd, CE_OP_DECRYPT, buf, dst, len, iv, aad, aad_len, tag);
		if (ret != 0 || memcmp(dst, pt, len) != 0)
			REG_FAIL("%s #%d: decrypt returned %d or wrong plaintext (len %u)",
				 algs[alg].name, i, ret, len);

		/* A flipped bit in the tag, the AAD or the data: -EBADMSG and no
		 * plaintext left in the output. */
		if (i % 8 == 0) {
			int what = (i / 8) % 3;

			memcpy(buf, ref, len);
			memset(out, 0x5a, len);
			if (what == 0 || (what == 1 && aad_len == 0) || (what == 2 && len == 0))
				tag[reg_rand() % 16] ^= (uint8_t)(1u << (reg_rand() % 8));
			else if (what == 1)
				aad[reg_rand() % aad_len] ^= 1;
			else
				buf[reg_rand() % len] ^= 0x80;
			dst = dec_in_place ? buf : out;
			ret = run(sd, CE_OP_DECRYPT, buf, dst, len, iv, aad, aad_len, tag);
			if (ret != -EBADMSG)
				REG_FAIL("%s #%d: forged input gave %d, not -EBADMSG",
					 algs[alg].name, i, ret);
			if (!reg_all_zero(dst, len))
				REG_FAIL("%s #%d: output not wiped after a bad tag",
					 algs[alg].name, i);
		}
		ce_pmd_session_destroy(se);
		ce_pmd_session_destroy(sd);
	}
	free(pt);
	free(ref);
	free(buf);
	free(out);
}

static void
test_chacha_vs_openssl(void)
{
	differential(ALG_CHACHA);
}

static void
test_gcm256_vs_openssl(void)
{
	if (!crypto_aead_aes256gcm_is_available()) {
		fprintf(stderr, "no AES-NI: gcm-aes256-sodium not offered, skipped\n");
		return;
	}
	differential(ALG_GCM);
}

static void
test_xchacha_vs_hchacha_openssl(void)
{
	differential(ALG_XCHACHA);
}

static int
hex(uint8_t *out, const char *s)
{
	size_t n = 0;

	CHECK(sodium_hex2bin(out, 1024, s, strlen(s), " ", &n, NULL) == 0);
	return (int)n;
}

/* draft-irtf-cfrg-xchacha-03 A.3.1, through the backend. */
static void
test_xchacha_draft_vector(void)
{
	uint8_t pt[128], aad[16], key[32], iv[24], ct[128], tag[16], out[128], got_tag[16];
	int pt_len = hex(pt,
		"4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
		"73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
		"6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
		"637265656e20776f756c642062652069742e");
	struct ce_pmd_session *se, *sd;

	hex(aad, "50515253c0c1c2c3c4c5c6c7");
	hex(key, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
	hex(iv, "404142434445464748494a4b4c4d4e4f5051525354555657");
	CHECK_EQ(hex(ct,
		"bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
		"731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
		"2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
		"21f9664c97637da9768812f615c68b13b52e"), pt_len);
	hex(tag, "c0875924c1c7987947deafd8780acf49");

	se = sess_new(ALG_XCHACHA, key, CE_OP_ENCRYPT);
	sd = sess_new(ALG_XCHACHA, key, CE_OP_DECRYPT);
	CHECK_EQ(run(se, CE_OP_ENCRYPT, pt, out, (uint32_t)pt_len, iv, aad, 12, got_tag), 0);
	CHECK_MEM(out, ct, pt_len);
	CHECK_MEM(got_tag, tag, 16);
	CHECK_EQ(run(sd, CE_OP_DECRYPT, ct, out, (uint32_t)pt_len, iv, aad, 12, tag), 0);
	CHECK_MEM(out, pt, pt_len);
	ce_pmd_session_destroy(se);
	ce_pmd_session_destroy(sd);
}

/* Sizes outside the caps are refused at session creation, naming the field. */
static void
test_bad_params(void)
{
	uint8_t key[32] = { 0 };
	struct ce_pmd_session_params p = {
		.alg = "rfc7539(chacha20,poly1305)", .key = key, .key_len = 16,
		.iv_len = 12, .digest_len = 16, .op = CE_OP_ENCRYPT,
	};
	const char *why = NULL;

	CHECK(ce_pmd_session_create(dev, &p, &why) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK(why != NULL && strstr(why, "key") != NULL);
	p.key_len = 32;
	p.digest_len = 12;
	CHECK(ce_pmd_session_create(dev, &p, &why) == NULL);
	CHECK(strstr(why, "digest") != NULL);
	p.digest_len = 16;
	p.iv_len = 24;
	CHECK(ce_pmd_session_create(dev, &p, &why) == NULL);
	CHECK(strstr(why, "iv") != NULL);
}

/* Requests that do not fit the session complete with -EINVAL, output untouched. */
static void
test_bad_request(void)
{
	uint8_t key[32] = { 1 }, iv[12] = { 0 }, buf[64] = { 0 }, out[64], tag[16];
	struct ce_pmd_session *s = sess_new(ALG_CHACHA, key, CE_OP_ENCRYPT);

	memset(out, 0x77, sizeof(out));
	/* wrong op for the session */
	CHECK_EQ(run(s, CE_OP_DECRYPT, buf, out, 64, iv, NULL, 0, tag), -EINVAL);
	/* AAD longer than the session allows */
	CHECK_EQ(run(s, CE_OP_ENCRYPT, buf, out, 64, iv, buf, 65, tag), -EINVAL);
	/* no IV */
	CHECK_EQ(run(s, CE_OP_ENCRYPT, buf, out, 64, NULL, NULL, 0, tag), -EINVAL);
	for (size_t i = 0; i < sizeof(out); i++)
		CHECK_EQ(out[i], 0x77);
	ce_pmd_session_destroy(s);
}

int
main(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0 };

	ce_test_eal_init("test_sodium", "0");
	reg_rng_init(20240611);
	dev = ce_pmd_dev_create("sodium", "sodium0", &cfg);
	CHECK(dev != NULL);
	RUN(test_bad_params);
	RUN(test_bad_request);
	RUN(test_xchacha_draft_vector);
	RUN(test_chacha_vs_openssl);
	RUN(test_gcm256_vs_openssl);
	RUN(test_xchacha_vs_hchacha_openssl);
	ce_pmd_dev_destroy(dev);
	return 0;
}
