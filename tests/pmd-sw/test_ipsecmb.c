/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ipsecmb" backend: known answers typed in from the GCM specification
 * (McGrew/Viega test cases), RFC 3602, RFC 3686, FIPS 180-4, RFC 2202,
 * RFC 4231 and RFC 8439; a CTR counter that wraps its low 32 bits (expected
 * bytes from OpenSSL's aes-128-ctr, which carries through 128 bits); tag
 * failures; bad sizes; the batch path and the completion ring.
 */
#define CE_TEST_WANT_EAL
#include "ce_test.h"

#include <errno.h>

#include <rte_common.h>

#include "ce_pmd.h"
#include "sw_ipsecmb.h"

static struct ce_pmd_dev *dev;
static struct ce_pmd_qp *qp;

static size_t
hex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		unsigned int b;

		CHECK(sscanf(s, "%2x", &b) == 1);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static struct ce_pmd_session *
sess_new(const char *alg, const uint8_t *key, size_t klen, size_t ivlen, size_t dlen,
	 size_t aadlen, uint8_t op)
{
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = (uint16_t)klen, .iv_len = (uint16_t)ivlen,
		.digest_len = (uint16_t)dlen, .aad_len = (uint16_t)aadlen, .op = op,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &p, &why);

	if (s == NULL)
		fprintf(stderr, "session %s: %s (%s)\n", alg, strerror(errno), why ? why : "?");
	CHECK(s != NULL);
	CHECK(strstr(s->alg->driver_name, "ipsecmb") != NULL);
	return s;
}

static int
run(struct ce_pmd_session *s, uint8_t *src, uint8_t *dst, uint32_t len, uint8_t *iv, uint8_t *aad,
    uint16_t aadlen, uint8_t *digest)
{
	struct ce_pmd_request req = {
		.sess = s, .src = src, .dst = dst, .iv = iv, .aad = aad, .digest = digest,
		.len = len, .aad_len = aadlen, .op = s->op,
	};

	return ce_pmd_run_sync(qp, &req);
}

/*
 * One AEAD vector both ways: encrypt out of place and in place, decrypt,
 * then a flipped tag bit: -EBADMSG and nothing of the plaintext left.
 */
static void
aead_vec(const char *alg, const char *k, const char *iv, const char *a, const char *p,
	 const char *c, const char *t)
{
	uint8_t key[64], ivb[128], aad[64], pt[256], ct[256], tag[16];
	uint8_t out[256], dig[16], buf[256];
	size_t kl = hex(k, key), il = hex(iv, ivb), al = hex(a, aad), pl = hex(p, pt);
	size_t tl = hex(t, tag);
	struct ce_pmd_session *e, *d;

	CHECK_EQ(hex(c, ct), pl);
	e = sess_new(alg, key, kl, il, tl, al, CE_OP_ENCRYPT);
	d = sess_new(alg, key, kl, il, tl, al, CE_OP_DECRYPT);

	CHECK_EQ(run(e, pt, out, pl, ivb, aad, al, dig), 0);
	CHECK_MEM(out, ct, pl);
	CHECK_MEM(dig, tag, tl);
	memcpy(buf, pt, pl);
	memset(dig, 0, sizeof(dig));
	CHECK_EQ(run(e, buf, buf, pl, ivb, aad, al, dig), 0);
	CHECK_MEM(buf, ct, pl);
	CHECK_MEM(dig, tag, tl);

	memcpy(dig, tag, tl);
	CHECK_EQ(run(d, ct, out, pl, ivb, aad, al, dig), 0);
	CHECK_MEM(out, pt, pl);
	dig[tl - 1] ^= 0x01;
	memset(out, 0xa5, sizeof(out));
	CHECK_EQ(run(d, ct, out, pl, ivb, aad, al, dig), -EBADMSG);
	CHECK(ce_test_all_zero(out, pl));
	memcpy(buf, ct, pl);
	CHECK_EQ(run(d, buf, buf, pl, ivb, aad, al, dig), -EBADMSG);
	CHECK(ce_test_all_zero(buf, pl));
	if (al != 0) {
		/* A changed AAD byte fails too. */
		memcpy(dig, tag, tl);
		aad[0] ^= 0x80;
		CHECK_EQ(run(d, ct, out, pl, ivb, aad, al, dig), -EBADMSG);
	}
	ce_pmd_session_destroy(e);
	ce_pmd_session_destroy(d);
}

#define GCM_P "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_K "feffe9928665731c6d6a8f9467308308"

static void
test_gcm(void)
{
	/* Test case 2. */
	aead_vec("gcm(aes)", "00000000000000000000000000000000", "000000000000000000000000", "",
		 "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
		 "ab6e47d42cec13bdf53a67b21257bddf");
	/* Test case 4: 60 bytes, 20 bytes of AAD. */
	aead_vec("gcm(aes)", GCM_K, "cafebabefacedbaddecaf888", GCM_A, GCM_P,
		 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		 "5bc94fbc3221a5db94fae95ae7121a47");
	/* Test case 5: 8-byte IV (the var-IV path). */
	aead_vec("gcm(aes)", GCM_K, "cafebabefacedbad", GCM_A, GCM_P,
		 "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
		 "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
		 "3612d2e79e3b0785561be14aaca2fccb");
	/* Test case 6: 60-byte IV. */
	aead_vec("gcm(aes)", GCM_K,
		 "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
		 "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", GCM_A, GCM_P,
		 "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
		 "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
		 "619cc5aefffe0bfa462af43c1699d050");
	/* Test case 10: AES-192. */
	aead_vec("gcm(aes)", GCM_K "feffe9928665731c", "cafebabefacedbaddecaf888", GCM_A, GCM_P,
		 "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
		 "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
		 "2519498e80f1478f37ba55bd6d27618c");
	/* Test case 16: AES-256. */
	aead_vec("gcm(aes)", GCM_K GCM_K, "cafebabefacedbaddecaf888", GCM_A, GCM_P,
		 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		 "76fc6ece0f4e1768cddf8853bb2d551b");
	/* Truncated tags are the prefix of the full one (test case 4). */
	aead_vec("gcm(aes)", GCM_K, "cafebabefacedbaddecaf888", GCM_A, GCM_P,
		 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", "5bc94fbc");
	aead_vec("gcm(aes)", GCM_K, "cafebabefacedbaddecaf888", GCM_A, GCM_P,
		 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		 "5bc94fbc3221a5db94fae95ae7");
}

static void
test_rfc4106(void)
{
	/* Key, salt, IV and AAD of draft-mcgrew-gcm-test-01's first case;
	 * ciphertext and ICV as OpenSSL computes them for this plaintext. */
	aead_vec("rfc4106(gcm(aes))", "4c80cdefbb5d10da906ac73c3613a634" "2e443b68",
		 "4956ed7e3b244cfe", "000043218765432100000000",
		 "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
		 "00000000045f736970045f7564700373697009637962657263697479026b6400"
		 "00210001",
		 "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
		 "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b634ce"
		 "61bc17d7",
		 "7b0f2eecf85f1afe2eaff29893d4a04c");
	/* rfc4106 with key K || salt and IV iv is gcm(aes) with nonce salt || iv:
	 * GCM test case 4's key and IV, 8 bytes of AAD, 8-byte ICV. */
	{
		uint8_t key[20], iv[12], aad[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
		uint8_t pt[60], c1[60], c2[60], t1[16], t2[16];
		struct ce_pmd_session *g, *r;

		hex(GCM_K "cafebabe", key);
		hex("cafebabefacedbaddecaf888", iv);
		hex(GCM_P, pt);
		for (uint16_t al = 8; al <= 12; al += 4) {
			g = sess_new("gcm(aes)", key, 16, 12, 8, 12, CE_OP_ENCRYPT);
			r = sess_new("rfc4106(gcm(aes))", key, 20, 8, 8, 12, CE_OP_ENCRYPT);
			CHECK_EQ(run(g, pt, c1, 60, iv, aad, al, t1), 0);
			CHECK_EQ(run(r, pt, c2, 60, iv + 4, aad, al, t2), 0);
			CHECK_MEM(c1, c2, 60);
			CHECK_MEM(t1, t2, 8);
			/* ESP's AAD is 8 or 12 bytes: anything else is refused. */
			CHECK_EQ(run(r, pt, c2, 60, iv + 4, aad, 10, t2), -EINVAL);
			ce_pmd_session_destroy(g);
			ce_pmd_session_destroy(r);
		}
	}
}

static void
cipher_vec(const char *alg, const char *k, const char *iv, const char *p, const char *c)
{
	uint8_t key[32], ivb[16], ivc[16], pt[256], ct[256], out[256];
	size_t kl = hex(k, key), pl = hex(p, pt);
	struct ce_pmd_session *e, *d;

	CHECK_EQ(hex(iv, ivb), 16);
	CHECK_EQ(hex(c, ct), pl);
	memcpy(ivc, ivb, 16);
	e = sess_new(alg, key, kl, 16, 0, 0, CE_OP_ENCRYPT);
	d = sess_new(alg, key, kl, 16, 0, 0, CE_OP_DECRYPT);
	CHECK_EQ(run(e, pt, out, pl, ivb, NULL, 0, NULL), 0);
	CHECK_MEM(out, ct, pl);
	CHECK_EQ(run(d, out, out, pl, ivb, NULL, 0, NULL), 0);
	CHECK_MEM(out, pt, pl);
	/* The IV is the caller's and stays as it was. */
	CHECK_MEM(ivb, ivc, 16);
	ce_pmd_session_destroy(e);
	ce_pmd_session_destroy(d);
}

static void
test_cbc(void)
{
	uint8_t key[16] = { 0 }, iv[16] = { 0 }, buf[32] = { 0 };
	struct ce_pmd_session *e;

	/* RFC 3602 cases 1 and 2. */
	cipher_vec("cbc(aes)", "06a9214036b8a15b512e03d534120006",
		   "3dafba429d9eb430b422da802c9fac41", "53696e676c6520626c6f636b206d7367",
		   "e353779c1079aeb82708942dbe77181a");
	cipher_vec("cbc(aes)", "c286696d887c9aa0611bbb3e2025a45a",
		   "562e17996d093d28ddb3ba695a2e6f58",
		   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		   "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");
	e = sess_new("cbc(aes)", key, 16, 16, 0, 0, CE_OP_ENCRYPT);
	/* Empty succeeds, as in the kernel; a partial block is refused. */
	CHECK_EQ(run(e, NULL, NULL, 0, iv, NULL, 0, NULL), 0);
	CHECK_EQ(run(e, buf, buf, 17, iv, NULL, 0, NULL), -EINVAL);
	CHECK(ce_test_all_zero(buf, sizeof(buf)));
	ce_pmd_session_destroy(e);
}

/*
 * The longest request each job-API mode takes really is processed (ipsec-mb's
 * lanes count bytes in 16 bits: 65536 wrapped to 0 and left the output
 * untouched), and one byte more is refused without touching the output.
 */
static void
test_max_len(void)
{
	static uint8_t src[65536 + 16], dst[65536 + 16], back[65536 + 16];
	static const struct { const char *alg; uint32_t max; } modes[] = {
		{ "cbc(aes)", 65520 }, { "ctr(aes)", 65535 },
	};
	uint8_t key[16] = { 1 }, iv[16] = { 2 };

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	for (size_t m = 0; m < RTE_DIM(modes); m++) {
		struct ce_pmd_session *e = sess_new(modes[m].alg, key, 16, 16, 0, 0, CE_OP_ENCRYPT);
		struct ce_pmd_session *d = sess_new(modes[m].alg, key, 16, 16, 0, 0, CE_OP_DECRYPT);
		uint32_t max = modes[m].max, over = max + (uint32_t)e->alg->block_size;

		memset(dst, 0xaa, sizeof(dst));
		CHECK_EQ(run(e, src, dst, max, iv, NULL, 0, NULL), 0);
		/* The last block was encrypted too. */
		CHECK(memcmp(dst + max - 16, src + max - 16, 16) != 0);
		CHECK_EQ(run(d, dst, back, max, iv, NULL, 0, NULL), 0);
		CHECK_MEM(back, src, max);
		memset(dst, 0xaa, sizeof(dst));
		CHECK_EQ(run(e, src, dst, over, iv, NULL, 0, NULL), -EINVAL);
		CHECK(dst[0] == 0xaa && dst[over - 1] == 0xaa);
		ce_pmd_session_destroy(e);
		ce_pmd_session_destroy(d);
	}
}

static void
test_ctr(void)
{
	/* RFC 3686 test vector 1. */
	cipher_vec("ctr(aes)", "ae6852f8121067cc4bf7a5765577f39e",
		   "00000030000000000000000000000001", "53696e676c6520626c6f636b206d7367",
		   "e4095d4fb7a7b3792d6175a3261311b8");
	/* The low 32 bits wrap after two blocks: the kernel's counter carries
	 * into the upper 96 bits (expected: OpenSSL aes-128-ctr). 80 bytes:
	 * a partial tail after the wrap. */
	cipher_vec("ctr(aes)", "2b7e151628aed2a6abf7158809cf4f3c",
		   "0102030405060708090a0b0cfffffffe",
		   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		   "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		   "404142434445464748494a4b4c4d4e4f",
		   "37d3391d1892b45b779e11f177504a315e6c2aefde7802937599c3ad5e6ef1fd"
		   "f6dcbdb1d90af61e6df7cac56acce58741c2df2f6e172a50458188d63df9aa89"
		   "b9e22861155a96f32cbd07f953653f63");
	/* All 128 bits wrap to zero. */
	cipher_vec("ctr(aes)", "2b7e151628aed2a6abf7158809cf4f3c",
		   "ffffffffffffffffffffffffffffffff",
		   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		   "202122232425262728292a2b2c2d2e2f",
		   "8af3840246f280f3013976113373a4a36de6791f0ead8fa4265bea5ca5064a70"
		   "77335f631094989886dd4c92eb5f41e9");
}

static void
hash_vec(const char *alg, const char *k, const char *msg, const char *d, size_t dl)
{
	uint8_t key[192], dg[64], want[64], buf[256];
	size_t kl = hex(k, key), ml = strlen(msg);
	struct ce_pmd_session *s, *v;

	hex(d, want);
	memcpy(buf, msg, ml);
	s = sess_new(alg, key, kl, 0, dl, 0, CE_OP_DIGEST);
	v = sess_new(alg, key, kl, 0, dl, 0, CE_OP_VERIFY);
	memset(dg, 0, sizeof(dg));
	CHECK_EQ(run(s, buf, buf, ml, NULL, NULL, 0, dg), 0);
	CHECK_MEM(dg, want, dl);
	CHECK_EQ(run(v, buf, buf, ml, NULL, NULL, 0, want), 0);
	want[dl - 1] ^= 0x40;
	CHECK_EQ(run(v, buf, buf, ml, NULL, NULL, 0, want), -EBADMSG);
	ce_pmd_session_destroy(s);
	ce_pmd_session_destroy(v);
}

#define JEFE "4a656665"
#define WDYW "what do ya want for nothing?"
#define LARGE_MSG "Test Using Larger Than Block-Size Key - Hash Key First"

static void
test_hash(void)
{
	/* FIPS 180-4 examples ("abc") and the empty message. */
	hash_vec("sha1", "", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d", 20);
	hash_vec("sha256", "", "abc",
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32);
	hash_vec("sha256", "", "",
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 32);
	hash_vec("sha384", "", "abc",
		 "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		 "8086072ba1e7cc2358baeca134c825a7", 48);
	hash_vec("sha512", "", "abc",
		 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", 64);
}

static void
test_hmac(void)
{
	char big[400];

	memset(big, 'a', 262);
	for (int i = 0; i < 131; i++)
		memcpy(big + 2 * i, "aa", 2);
	big[262] = '\0';
	/* RFC 2202 case 2; RFC 4231 case 2. */
	hash_vec("hmac(sha1)", JEFE, WDYW, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", 20);
	hash_vec("hmac(sha256)", JEFE, WDYW,
		 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32);
	hash_vec("hmac(sha384)", JEFE, WDYW,
		 "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		 "8e2240ca5e69e2c78b3239ecfab21649", 48);
	hash_vec("hmac(sha512)", JEFE, WDYW,
		 "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737", 64);
	/* Keys longer than the block are hashed first: RFC 2202 case 6 (80
	 * bytes of 0xaa); the same key with HMAC-SHA256 (expected from OpenSSL;
	 * RFC 4231's 131-byte keys run as the registry's self-tests). */
	big[160] = '\0';
	hash_vec("hmac(sha1)", big, LARGE_MSG, "aa4ae5e15272d00e95705637ce8a3b55ed402112", 20);
	hash_vec("hmac(sha256)", big, LARGE_MSG,
		 "6953025ed96f0c09f80a96f78e6538dbe2e7b820e3dd970e7ddd39091b32352f", 32);
	/* Truncations, native to ipsec-mb (12, 16) and not (10, 24 of 32). */
	hash_vec("hmac(sha1)", JEFE, WDYW, "effcdf6ae5eb2fa2d27416d5", 12);
	hash_vec("hmac(sha1)", JEFE, WDYW, "effcdf6ae5eb2fa2d274", 10);
	hash_vec("hmac(sha256)", JEFE, WDYW, "5bdcc146bf60754e6a042426089575c7", 16);
	hash_vec("hmac(sha256)", JEFE, WDYW,
		 "5bdcc146bf60754e6a042426089575c75a003f089d273983", 24);
}

/* The kernel's authenc key blob of an HMAC key and an AES key; its length. */
static size_t
authenc_key(uint8_t *blob, const uint8_t *auth, size_t alen, const uint8_t *enc, size_t elen)
{
	int n = ce_authenc_key_build(blob, CE_KEY_MAX, auth, alen, enc, elen);

	CHECK(n > 0);
	return (size_t)n;
}

/* authenc: the kernel's key blob around an HMAC key of alen bytes (any
 * length) and RFC 3602 case 2's AES key; expected values from OpenSSL
 * (RFC 3602 case 2 for the cipher, HMAC over aad || ciphertext). */
static void
authenc_run(const char *alg, const uint8_t *auth, size_t alen, const char *mac, size_t dl)
{
	uint8_t key[CE_KEY_MAX], aes[16], iv[16], pt[32], ct[32], tag[64], pkt[8 + 32], dig[64];
	uint8_t out[32], aad[8] = { 0, 0, 0x43, 0x21, 0, 0, 0, 1 };
	struct ce_pmd_session *e, *d;
	size_t kl;

	hex("c286696d887c9aa0611bbb3e2025a45a", aes);
	kl = authenc_key(key, auth, alen, aes, sizeof(aes));
	hex("562e17996d093d28ddb3ba695a2e6f58", iv);
	hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", pt);
	hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", ct);
	hex(mac, tag);
	e = sess_new(alg, key, kl, 16, dl, 8, CE_OP_ENCRYPT);
	d = sess_new(alg, key, kl, 16, dl, 8, CE_OP_DECRYPT);

	/* Separate AAD, out of place (the two-step path). */
	CHECK_EQ(run(e, pt, out, 32, iv, aad, 8, dig), 0);
	CHECK_MEM(out, ct, 32);
	CHECK_MEM(dig, tag, dl);
	/* ESP layout: aad right before the data, in place (one chained job). */
	memcpy(pkt, aad, 8);
	memcpy(pkt + 8, pt, 32);
	memset(dig, 0, sizeof(dig));
	CHECK_EQ(run(e, pkt + 8, pkt + 8, 32, iv, pkt, 8, dig), 0);
	CHECK_MEM(pkt + 8, ct, 32);
	CHECK_MEM(dig, tag, dl);
	CHECK_EQ(run(d, pkt + 8, pkt + 8, 32, iv, pkt, 8, dig), 0);
	CHECK_MEM(pkt + 8, pt, 32);
	CHECK_EQ(run(d, ct, out, 32, iv, aad, 8, dig), 0);
	CHECK_MEM(out, pt, 32);
	/* A flipped ICV bit: -EBADMSG, the output wiped, both layouts. */
	dig[0] ^= 1;
	memset(out, 0xa5, sizeof(out));
	CHECK_EQ(run(d, ct, out, 32, iv, aad, 8, dig), -EBADMSG);
	CHECK(ce_test_all_zero(out, 32));
	memcpy(pkt + 8, ct, 32);
	CHECK_EQ(run(d, pkt + 8, pkt + 8, 32, iv, pkt, 8, dig), -EBADMSG);
	CHECK(ce_test_all_zero(pkt + 8, 32));
	ce_pmd_session_destroy(e);
	ce_pmd_session_destroy(d);
}

static void
authenc_vec(const char *alg, const char *ak, const char *mac, size_t dl)
{
	uint8_t auth[CE_KEY_MAX];

	authenc_run(alg, auth, hex(ak, auth), mac, dl);
}

/* authencesn: an AAD shorter than SPI || seq_hi is refused; the caller's AAD
 * is only read (the kernel swaps bytes in place, we do not). */
static void
test_authencesn_aad(void)
{
	uint8_t zero[32] = { 0 }, key[CE_KEY_MAX], iv[16] = { 0 }, pt[32] = { 0 }, out[32], dig[16];
	uint8_t aad[28], aad_copy[28];
	size_t kl = authenc_key(key, zero, 32, zero, 16);
	struct ce_pmd_session *e;

	for (size_t i = 0; i < sizeof(aad); i++)
		aad[i] = (uint8_t)i;
	memcpy(aad_copy, aad, sizeof(aad));
	e = sess_new("authencesn(hmac(sha256),cbc(aes))", key, kl, 16, 16, 28, CE_OP_ENCRYPT);
	CHECK_EQ(run(e, pt, out, 32, iv, aad, 7, dig), -EINVAL);
	CHECK_EQ(run(e, pt, out, 32, iv, aad, 28, dig), 0);
	CHECK_MEM(aad, aad_copy, sizeof(aad));
	CHECK_EQ(run(e, pt, pt, 0, iv, aad, 8, dig), 0); /* MAC of AAD alone */
	ce_pmd_session_destroy(e);
}

static void
test_authenc(void)
{
	authenc_vec("authenc(hmac(sha1),cbc(aes))", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		    "937e50ab9d9002d1705e8ab3400124cf39efd70d", 12);
	authenc_vec("authenc(hmac(sha1),cbc(aes))", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		    "937e50ab9d9002d1705e8ab3400124cf39efd70d", 20);
	authenc_vec("authenc(hmac(sha256),cbc(aes))",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		    "257b37b0bd89d10c6f01f07ee6dc8c660b3f2cf1833ad19aff097654a6615246", 16);
	authenc_vec("authenc(hmac(sha256),cbc(aes))",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		    "257b37b0bd89d10c6f01f07ee6dc8c660b3f2cf1833ad19aff097654a6615246", 20);
	authenc_vec("authenc(hmac(sha512),cbc(aes))",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
		    "98f3eaa977669276c6e4bfee86345d47e0c4507df58eb224868f9746e5d8a83e"
		    "5fc45ae808b8fc77e31f9fb41c92ecb7b9fd5c664bc146727675a7ff89650d64", 32);
	authenc_vec("authenc(hmac(sha512),cbc(aes))",
		    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
		    "98f3eaa977669276c6e4bfee86345d47e0c4507df58eb224868f9746e5d8a83e"
		    "5fc45ae808b8fc77e31f9fb41c92ecb7b9fd5c664bc146727675a7ff89650d64", 64);
	/* HMAC keys of any length, as the kernel's authenc takes them (RFC 2104:
	 * longer than the block, hashed first): none, 100 bytes (above SHA-1's
	 * and SHA-256's 64-byte block), 200 (above SHA-512's 128). */
	uint8_t big[200];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	authenc_run("authenc(hmac(sha1),cbc(aes))", big, 0,
		    "70b71b78ce055d4380e0004465034ff96b63c7ab", 12);
	authenc_run("authenc(hmac(sha1),cbc(aes))", big, 100,
		    "f29e50e751e6694221db1fbaffd1663a1d42e31c", 20);
	authenc_run("authenc(hmac(sha256),cbc(aes))", big, 100,
		    "171ab75cf693133295c21b3740a7416ec2d974d178f61edfef47d16c1ef62292", 16);
	authenc_run("authenc(hmac(sha512),cbc(aes))", big, 200,
		    "3609464e8686307248087e81cb5687830cbc849faaee36e778bdbb6f4287c066"
		    "ab96bcb76c2571622f760024097e3024cade444bfe46a321801236665fdbc4f0", 32);
}

#define CP_K "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define CP_P "4c616469657320616e642047656e746c656d656e206f662074686520636c6173" \
	"73206f66202739393a204966204920636f756c64206f6666657220796f75206f" \
	"6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73" \
	"637265656e20776f756c642062652069742e"
#define CP_C "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6" \
	"3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36" \
	"92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" \
	"3ff4def08e4b7a9de576d26586cec64b6116"

static void
test_chacha(void)
{
	/* RFC 8439 2.8.2. */
	aead_vec("rfc7539(chacha20,poly1305)", CP_K, "070000004041424344454647",
		 "50515253c0c1c2c3c4c5c6c7", CP_P, CP_C, "1ae10b594f09e26a7e902ecbd0600691");
	/* The same as ESP sees it: salt 07000000 after the key, 8-byte IV,
	 * the 12 AAD bytes as SPI + 64-bit sequence number. */
	aead_vec("rfc7539esp(chacha20,poly1305)", CP_K "07000000", "4041424344454647",
		 "50515253c0c1c2c3c4c5c6c7", CP_P, CP_C, "1ae10b594f09e26a7e902ecbd0600691");
	aead_vec("rfc7539(chacha20,poly1305)", CP_K, "070000004041424344454647", "", "", "",
		 "a0784d7a4716f3feb4f64e7f4b39bf04");
}

/* Session parameters p refused: EINVAL, with a reason that says want_why. */
static void
expect_refused(const struct ce_pmd_session_params *p, const char *want_why)
{
	const char *why = NULL;

	errno = 0;
	CHECK(ce_pmd_session_create(dev, p, &why) == NULL);
	CHECK_EQ(errno, EINVAL);
	if (why == NULL || strstr(why, want_why) == NULL) {
		fprintf(stderr, "%s: why '%s', expected '%s'\n", p->alg, why ? why : "(none)",
			want_why);
		CHECK(0);
	}
}

static void
bad(const char *alg, size_t klen, size_t ivlen, size_t dlen, size_t aadlen, uint8_t op,
    const char *want_why)
{
	static const uint8_t key[CE_KEY_MAX];
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = (uint16_t)klen, .iv_len = (uint16_t)ivlen,
		.digest_len = (uint16_t)dlen, .aad_len = (uint16_t)aadlen, .op = op,
	};

	expect_refused(&p, want_why);
}

static void
bad_key(const char *alg, const uint8_t *key, size_t klen, const char *want_why)
{
	struct ce_pmd_session_params p = {
		.alg = alg, .key = key, .key_len = (uint16_t)klen, .iv_len = 16,
		.digest_len = 12, .aad_len = 8, .op = CE_OP_ENCRYPT,
	};

	expect_refused(&p, want_why);
}

/* authenc with a well-formed key and a wrong other size. */
static void
bad_authenc(const char *alg, size_t dlen, size_t aadlen, const char *want_why)
{
	static const uint8_t zero[32];
	uint8_t k[CE_KEY_MAX];
	size_t n = authenc_key(k, zero, 32, zero, 16);
	struct ce_pmd_session_params p = {
		.alg = alg, .key = k, .key_len = (uint16_t)n, .iv_len = 16,
		.digest_len = (uint16_t)dlen, .aad_len = (uint16_t)aadlen, .op = CE_OP_ENCRYPT,
	};

	expect_refused(&p, want_why);
}

/* Each way a blob breaks crypto_authenc_extractkeys' rules is refused with
 * a reason naming it; the well-formed one next to them is taken. */
static void
bad_authenc_blobs(void)
{
	static const char alg[] = "authenc(hmac(sha1),cbc(aes))";
	uint8_t k[CE_KEY_MAX], auth[20] = { 1 }, aes[32] = { 2 };
	size_t n = authenc_key(k, auth, 20, aes, 16);
	struct ce_pmd_session *s;

	s = sess_new(alg, k, n, 16, 12, 8, CE_OP_ENCRYPT);
	ce_pmd_session_destroy(s);
	k[2] = 2; /* rta_type: not CRYPTO_AUTHENC_KEYA_PARAM */
	bad_key(alg, k, n, "rtattr type");
	k[2] = 1;
	k[0] = 12; /* rtattr payload longer than the be32 */
	bad_key(alg, k, n, "payload");
	k[0] = 200; /* past the end of the key */
	bad_key(alg, k, n, "rtattr length");
	k[0] = 8;
	k[7] = 37; /* enckeylen past the end */
	bad_key(alg, k, n, "enckeylen");
	n = authenc_key(k, auth, 20, aes, 20); /* no AES-160 */
	bad_key(alg, k, n, "cipher key length");
	n = authenc_key(k, auth, 20, aes, 32); /* AES-256: taken */
	s = sess_new(alg, k, n, 16, 12, 8, CE_OP_ENCRYPT);
	ce_pmd_session_destroy(s);
}

static void
test_bad_params(void)
{
	bad("gcm(aes)", 17, 12, 16, 0, CE_OP_ENCRYPT, "key length");
	bad("gcm(aes)", 16, 0, 16, 0, CE_OP_ENCRYPT, "iv length");
	bad("gcm(aes)", 16, 12, 17, 0, CE_OP_ENCRYPT, "digest length");
	bad("gcm(aes)", 16, 12, 3, 0, CE_OP_ENCRYPT, "digest length");
	bad("gcm(aes)", 16, 12, 16, 0, CE_OP_DIGEST, "op");
	/* 5..7 and 9..11 are inside the range but not the kernel's sizes: the
	 * backend refuses them (ce_pmd_session_create then says so). */
	for (size_t t = 5; t <= 11; t++)
		if (t != 8)
			bad("gcm(aes)", 16, 12, t, 0, CE_OP_ENCRYPT, "backend");
	bad("rfc4106(gcm(aes))", 16, 8, 16, 8, CE_OP_ENCRYPT, "key length");
	bad("rfc4106(gcm(aes))", 20, 12, 16, 8, CE_OP_ENCRYPT, "iv length");
	bad("rfc4106(gcm(aes))", 20, 8, 4, 8, CE_OP_ENCRYPT, "digest length");
	bad("rfc4106(gcm(aes))", 20, 8, 16, 16, CE_OP_ENCRYPT, "aad length");
	bad("cbc(aes)", 20, 16, 0, 0, CE_OP_ENCRYPT, "key length");
	bad("cbc(aes)", 16, 12, 0, 0, CE_OP_ENCRYPT, "iv length");
	bad("ctr(aes)", 16, 16, 4, 0, CE_OP_ENCRYPT, "digest length");
	bad("sha256", 0, 0, 16, 0, CE_OP_DIGEST, "digest length");
	bad("sha1", 16, 0, 20, 0, CE_OP_DIGEST, "key length");
	bad("hmac(sha1)", 20, 0, 21, 0, CE_OP_DIGEST, "digest length");
	bad("hmac(sha256)", CE_KEY_MAX + 1, 0, 32, 0, CE_OP_DIGEST, "key length");
	/* authenc: shorter than a blob with AES-128; not a blob (the old "auth
	 * key || AES key" form: zeros here); then each part of a blob wrong. */
	bad("authenc(hmac(sha1),cbc(aes))", 23, 16, 12, 8, CE_OP_ENCRYPT, "key length");
	bad("authenc(hmac(sha1),cbc(aes))", 36, 16, 12, 8, CE_OP_ENCRYPT, "rtattr length");
	bad("authencesn(hmac(sha1),cbc(aes))", 36, 16, 12, 28, CE_OP_ENCRYPT, "rtattr length");
	bad_authenc_blobs();
	bad_authenc("authenc(hmac(sha256),cbc(aes))", 33, 8, "digest length");
	bad_authenc("authenc(hmac(sha512),cbc(aes))", 32, 513, "aad length");
	bad_authenc("authencesn(hmac(sha256),cbc(aes))", 33, 28, "digest length");
	bad_authenc("authencesn(hmac(sha256),cbc(aes))", 16, 513, "aad length");
	bad("rfc7539(chacha20,poly1305)", 32, 8, 16, 0, CE_OP_ENCRYPT, "iv length");
	bad("rfc7539esp(chacha20,poly1305)", 32, 8, 16, 8, CE_OP_ENCRYPT, "key length");
	bad("rfc7539esp(chacha20,poly1305)", 36, 8, 12, 8, CE_OP_ENCRYPT, "digest length");
}

struct done_log {
	uint32_t n;
	struct ce_pmd_request *req[1100];
	int status[1100];
};

static void
log_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct done_log *l = ctx;

	CHECK(l->n < RTE_DIM(l->req));
	l->req[l->n] = req;
	l->status[l->n] = status;
	l->n++;
}

/* Mixed requests through do_batch_requests: every one comes back once, from
 * poll only, with its result; a full completion ring refuses more. */
static void
test_batch(void)
{
	static struct ce_pmd_request reqs[1100];
	static struct done_log log;
	static uint8_t buf[64][96], dig[64][64];
	struct ce_pmd_request *ptrs[64];
	uint8_t key[32] = { 1 }, iv[16] = { 2 };
	struct ce_pmd_session *s[4];
	uint8_t want[4][96], wdig[4][64];
	uint16_t n;

	s[0] = sess_new("gcm(aes)", key, 16, 12, 16, 0, CE_OP_ENCRYPT);
	s[1] = sess_new("cbc(aes)", key, 16, 16, 0, 0, CE_OP_ENCRYPT);
	s[2] = sess_new("hmac(sha256)", key, 32, 0, 32, 0, CE_OP_DIGEST);
	s[3] = sess_new("ctr(aes)", key, 16, 16, 0, 0, CE_OP_ENCRYPT);
	/* Reference results, one at a time. */
	for (int i = 0; i < 4; i++) {
		memset(want[i], 0x11 * i, 96);
		CHECK_EQ(run(s[i], want[i], want[i], 96, iv, NULL, 0, wdig[i]), 0);
	}
	qp->finalize = log_finalize;
	qp->finalize_ctx = &log;
	for (int i = 0; i < 64; i++) {
		struct ce_pmd_session *ss = s[i % 4];

		memset(buf[i], 0x11 * (i % 4), 96);
		reqs[i] = (struct ce_pmd_request){ .sess = ss, .active = ss, .src = buf[i],
			.dst = buf[i], .iv = iv, .digest = dig[i], .len = 96, .op = ss->op };
		ptrs[i] = &reqs[i];
	}
	/* One bad request in the middle: finalized with -EINVAL, still taken. */
	reqs[5].len = 95;
	n = qp->dev->drv->fast->do_batch_requests(qp, ptrs, 64);
	CHECK_EQ(n, 64);
	CHECK_EQ(log.n, 0); /* completions come from poll only */
	CHECK_EQ(qp->dev->drv->fast->poll(qp, 10), 10);
	while (qp->dev->drv->fast->poll(qp, 64) != 0)
		;
	CHECK_EQ(log.n, 64);
	for (uint32_t i = 0; i < log.n; i++) {
		int k = (int)(log.req[i] - reqs);

		CHECK(k >= 0 && k < 64);
		if (k == 5) {
			CHECK_EQ(log.status[i], -EINVAL);
			continue;
		}
		CHECK_EQ(log.status[i], 0);
		if (k % 4 == 2)
			CHECK_MEM(dig[k], wdig[2], 32);
		else
			CHECK_MEM(buf[k], want[k % 4], 96);
		if (k % 4 == 0)
			CHECK_MEM(dig[k], wdig[0], 16);
	}

	/* Fill the completion ring without polling: it says when it is full. */
	log.n = 0;
	for (int i = 0; i < 1100; i++)
		reqs[i] = (struct ce_pmd_request){ .sess = s[2], .active = s[2], .src = buf[0],
			.dst = buf[0], .digest = dig[0], .len = 16, .op = CE_OP_DIGEST };
	uint32_t taken = 0;
	for (;;) {
		struct ce_pmd_request *p[64];

		for (int i = 0; i < 64; i++)
			p[i] = &reqs[(taken + i) % 1100];
		n = qp->dev->drv->fast->do_batch_requests(qp, p, 64);
		taken += n;
		if (n < 64)
			break;
	}
	CHECK(taken >= 64 && taken < 1100);
	CHECK_EQ(qp->dev->drv->fast->do_one_request(qp, &reqs[1099]), -ENOSPC);
	CHECK_EQ(qp->dev->drv->fast->poll(qp, UINT16_MAX), taken);
	CHECK_EQ(log.n, taken);
	CHECK_EQ(qp->dev->drv->fast->do_one_request(qp, &reqs[1099]), -EINPROGRESS);
	CHECK_EQ(qp->dev->drv->fast->cancel(qp, -ESHUTDOWN), 1);
	qp->finalize = NULL;
	for (int i = 0; i < 4; i++)
		ce_pmd_session_destroy(s[i]);
}

/*
 * Jobs stay in the multi-buffer manager across calls (its lanes run part
 * empty when flushed): fewer requests than lanes still complete once input
 * stops; per-request scratch is right when jobs outlive the batch that
 * submitted them; cancel finalizes what the manager holds.
 */
static void
test_held(void)
{
	static struct ce_pmd_request reqs[300];
	static struct done_log log;
	static uint8_t buf[300][80], dig[300][20], want[300][20];
	struct ce_pmd_request *ptrs[8];
	uint8_t key[20] = { 7 };
	struct ce_pmd_session *mac10, *mac20;
	uint16_t polls;

	/* 10 bytes is not a length ipsec-mb writes: MAC to scratch, then copied. */
	mac10 = sess_new("hmac(sha1)", key, 20, 0, 10, 0, CE_OP_DIGEST);
	mac20 = sess_new("hmac(sha1)", key, 20, 0, 20, 0, CE_OP_DIGEST);
	for (int i = 0; i < 300; i++) {
		struct ce_pmd_session *ss = i % 3 ? mac10 : mac20;

		memset(buf[i], i, sizeof(buf[i]));
		CHECK_EQ(run(ss, buf[i], buf[i], 80, NULL, NULL, 0, want[i]), 0);
		reqs[i] = (struct ce_pmd_request){ .sess = ss, .active = ss, .src = buf[i],
			.dst = buf[i], .digest = dig[i], .len = 80, .op = CE_OP_DIGEST };
	}
	qp->finalize = log_finalize;
	qp->finalize_ctx = &log;

	/* Three requests, far fewer than the lanes: polling alone brings them back. */
	log.n = 0;
	for (int i = 0; i < 3; i++)
		ptrs[i] = &reqs[i];
	CHECK_EQ(qp->dev->drv->fast->do_batch_requests(qp, ptrs, 3), 3);
	for (polls = 0; log.n < 3 && polls < 3; polls++)
		qp->dev->drv->fast->poll(qp, 64);
	CHECK_EQ(log.n, 3);
	CHECK_EQ(qp->dev->drv->fast->poll(qp, 64), 0);

	/* Batches of 8 with one poll between (always new input, so no flush):
	 * jobs span batches, each request's MAC must still be its own. */
	log.n = 0;
	memset(dig, 0, sizeof(dig));
	for (int i = 0; i < 300; i += 8) {
		uint16_t nb = (uint16_t)RTE_MIN(8, 300 - i);

		for (uint16_t j = 0; j < nb; j++)
			ptrs[j] = &reqs[i + j];
		CHECK_EQ(qp->dev->drv->fast->do_batch_requests(qp, ptrs, nb), nb);
		qp->dev->drv->fast->poll(qp, 64);
	}
	for (polls = 0; log.n < 300 && polls < 3; polls++)
		qp->dev->drv->fast->poll(qp, 512);
	CHECK_EQ(log.n, 300);
	for (int i = 0; i < 300; i++) {
		CHECK_EQ(log.status[i], 0);
		CHECK_MEM(dig[i], want[i], i % 3 ? 10 : 20);
	}

	/* One at a time (the engine's do_one_request path), then cancel. */
	log.n = 0;
	for (int i = 0; i < 5; i++)
		CHECK_EQ(qp->dev->drv->fast->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	CHECK_EQ(qp->dev->drv->fast->cancel(qp, -ESHUTDOWN), 5);
	CHECK_EQ(log.n, 5);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(log.status[i], 0);
		CHECK_MEM(dig[i], want[i], i % 3 ? 10 : 20);
	}
	qp->finalize = NULL;
	ce_pmd_session_destroy(mac10);
	ce_pmd_session_destroy(mac20);
}

/* authenc encrypt out of place, AAD right before the output (ESP built in a
 * new buffer): one chained job hashing the output; same as in place. */
static void
test_authenc_oop(void)
{
	static const uint16_t dlens[] = { 12, 16, 20 };
	uint8_t raw[36] = { 3, 4, 5 }, key[CE_KEY_MAX], iv[16] = { 9 };
	uint8_t in[8 + 256], inplace[8 + 256], out[8 + 256];
	uint8_t d1[20], d2[20];
	size_t kl = authenc_key(key, raw, 20, raw + 20, 16);

	for (size_t k = 0; k < RTE_DIM(dlens); k++) {
		struct ce_pmd_session *s = sess_new("authenc(hmac(sha1),cbc(aes))", key, kl, 16,
						 dlens[k], 8, CE_OP_ENCRYPT);

		for (uint32_t len = 16; len <= 256; len += 80) {
			for (size_t i = 0; i < sizeof(in); i++)
				in[i] = (uint8_t)(i * 7 + len);
			memcpy(inplace, in, sizeof(in));
			CHECK_EQ(run(s, inplace + 8, inplace + 8, len, iv, inplace, 8, d1), 0);
			/* AAD before the output, not before the input. */
			memset(out, 0, sizeof(out));
			memcpy(out, in, 8);
			CHECK_EQ(run(s, in + 8, out + 8, len, iv, out, 8, d2), 0);
			CHECK_MEM(out, inplace, 8 + len);
			CHECK_MEM(d2, d1, dlens[k]);
			/* No AAD at all. */
			memcpy(inplace, in, sizeof(in));
			CHECK_EQ(run(s, inplace + 8, inplace + 8, len, iv, NULL, 0, d1), 0);
			memset(out, 0, sizeof(out));
			CHECK_EQ(run(s, in + 8, out + 8, len, iv, NULL, 0, d2), 0);
			CHECK_MEM(out + 8, inplace + 8, len);
			CHECK_MEM(d2, d1, dlens[k]);
		}
		ce_pmd_session_destroy(s);
	}
}

/*
 * authenc through do_batch_requests (the burst path: one job per request
 * from the session's template), mixed with requests that leave it: the AAD
 * apart from the data (bounce buffer), out of place with the AAD before the
 * output, a bad length, two ICV sizes (written directly and through
 * scratch); then decrypt the lot with one ICV flipped.
 */
static void
test_authenc_batch(void)
{
	enum { NB = 48, MAXL = 64 };
	static struct ce_pmd_request reqs[NB];
	static struct done_log log;
	static uint8_t in[NB][8 + MAXL], out[NB][8 + MAXL], ref[NB][8 + MAXL];
	static uint8_t aad[NB][8], dig[NB][20], rdig[NB][20];
	struct ce_pmd_request *ptrs[NB];
	uint8_t raw[36] = { 5, 6, 7 }, key[CE_KEY_MAX], iv[16] = { 8 };
	size_t kl = authenc_key(key, raw, 20, raw + 20, 16);
	struct ce_pmd_session *enc[2], *dec[2];

	enc[0] = sess_new("authenc(hmac(sha1),cbc(aes))", key, kl, 16, 12, 8, CE_OP_ENCRYPT);
	enc[1] = sess_new("authenc(hmac(sha1),cbc(aes))", key, kl, 16, 16, 8, CE_OP_ENCRYPT);
	dec[0] = sess_new("authenc(hmac(sha1),cbc(aes))", key, kl, 16, 12, 8, CE_OP_DECRYPT);
	dec[1] = sess_new("authenc(hmac(sha1),cbc(aes))", key, kl, 16, 16, 8, CE_OP_DECRYPT);
	qp->finalize = log_finalize;
	qp->finalize_ctx = &log;

	for (int i = 0; i < NB; i++) {
		struct ce_pmd_session *ss = enc[(i / 4) % 2];
		uint32_t len = 16u * (uint32_t)(1 + i % 4);
		struct ce_pmd_request *r = &reqs[i];

		for (int j = 0; j < 8 + MAXL; j++)
			in[i][j] = (uint8_t)(i * 31 + j);
		memcpy(aad[i], in[i], 8);
		/* Reference: ESP layout, in place, one at a time. */
		memcpy(ref[i], in[i], sizeof(ref[i]));
		CHECK_EQ(run(ss, ref[i] + 8, ref[i] + 8, len, iv, ref[i], 8, rdig[i]), 0);
		memset(out[i], 0, sizeof(out[i]));
		*r = (struct ce_pmd_request){ .sess = ss, .active = ss, .iv = iv, .digest = dig[i],
			.len = len, .aad_len = 8, .op = CE_OP_ENCRYPT };
		switch (i % 3) {
		case 0: /* ESP layout in place */
			memcpy(out[i], in[i], sizeof(out[i]));
			r->aad = out[i];
			r->src = r->dst = out[i] + 8;
			break;
		case 1: /* AAD apart: bounce buffer */
			r->aad = aad[i];
			r->src = in[i] + 8;
			r->dst = out[i] + 8;
			break;
		default: /* out of place, AAD before the output */
			memcpy(out[i], in[i], 8);
			r->aad = out[i];
			r->src = in[i] + 8;
			r->dst = out[i] + 8;
			break;
		}
		ptrs[i] = r;
	}
	reqs[7].len = 15;
	log.n = 0;
	CHECK_EQ(qp->dev->drv->fast->do_batch_requests(qp, ptrs, NB), NB);
	CHECK_EQ(log.n, 0);
	for (int polls = 0; log.n < NB && polls < 3; polls++)
		qp->dev->drv->fast->poll(qp, UINT16_MAX);
	CHECK_EQ(log.n, NB);
	for (uint32_t k = 0; k < log.n; k++) {
		int i = (int)(log.req[k] - reqs);

		CHECK(i >= 0 && i < NB);
		if (i == 7) {
			CHECK_EQ(log.status[k], -EINVAL);
			continue;
		}
		CHECK_EQ(log.status[k], 0);
		CHECK_MEM(out[i] + 8, ref[i] + 8, reqs[i].len);
		CHECK_MEM(dig[i], rdig[i], (i / 4) % 2 ? 16 : 12);
	}

	/* Decrypt the references in place (ESP layout) and out of place. */
	for (int i = 0; i < NB; i++) {
		struct ce_pmd_session *ss = dec[(i / 4) % 2];
		struct ce_pmd_request *r = &reqs[i];
		uint32_t len = 16u * (uint32_t)(1 + i % 4);

		memcpy(dig[i], rdig[i], 20);
		memset(out[i], 0xee, sizeof(out[i]));
		*r = (struct ce_pmd_request){ .sess = ss, .active = ss, .iv = iv, .digest = dig[i],
			.len = len, .aad_len = 8, .op = CE_OP_DECRYPT, .aad = ref[i],
			.src = ref[i] + 8, .dst = i % 2 ? out[i] + 8 : ref[i] + 8 };
	}
	dig[10][0] ^= 1;
	log.n = 0;
	CHECK_EQ(qp->dev->drv->fast->do_batch_requests(qp, ptrs, NB), NB);
	for (int polls = 0; log.n < NB && polls < 3; polls++)
		qp->dev->drv->fast->poll(qp, UINT16_MAX);
	CHECK_EQ(log.n, NB);
	for (uint32_t k = 0; k < log.n; k++) {
		int i = (int)(log.req[k] - reqs);

		if (i == 10) {
			CHECK_EQ(log.status[k], -EBADMSG);
			CHECK(ce_test_all_zero(reqs[i].dst, reqs[i].len));
			continue;
		}
		CHECK_EQ(log.status[k], 0);
		CHECK_MEM(reqs[i].dst, in[i] + 8, reqs[i].len);
	}
	qp->finalize = NULL;
	for (int i = 0; i < 2; i++) {
		ce_pmd_session_destroy(enc[i]);
		ce_pmd_session_destroy(dec[i]);
	}
}

int
main(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0 };

	ce_test_eal_init("test_ipsecmb", "0");
	dev = ce_pmd_dev_create("ipsecmb", "ipsecmb0", &cfg);
	CHECK(dev != NULL);
	qp = dev->qps[0];
	CHECK(strcmp(ce_ipsecmb_arch(), "none") != 0);
	printf("ipsecmb arch: %s\n", ce_ipsecmb_arch());

	RUN(test_gcm);
	RUN(test_rfc4106);
	RUN(test_cbc);
	RUN(test_ctr);
	RUN(test_max_len);
	RUN(test_hash);
	RUN(test_hmac);
	RUN(test_authenc);
	RUN(test_authencesn_aad);
	RUN(test_chacha);
	RUN(test_bad_params);
	RUN(test_batch);
	RUN(test_held);
	RUN(test_authenc_oop);
	RUN(test_authenc_batch);

	ce_pmd_dev_destroy(dev);
	printf("ok\n");
	return 0;
}
