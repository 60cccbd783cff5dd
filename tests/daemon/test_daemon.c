/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengd integration tests: a real daemon process on a config written
 * here, real client processes through libcryptoeng.
 *
 *   test_daemon CRYPTOENGD basic|kat|many|invalid|refuse|config|sigterm
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "ce_shm.h"
#include "dtest.h"

static const char *dt_sw_pmds =
	"[pmd.ipsecmb0]\ndriver = ipsecmb\n\n"
	"[pmd.sodium0]\ndriver = sodium\n\n"
	"[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=0\n";

/* ---- JSON control requests ------------------------------------------------ */

/* The registry entry of @p driver in an algs answer, or NULL. */
static json_t *
dt_alg(json_t *algs, const char *driver)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(algs, "algs"), i, a)
		if (strcmp(json_string_value(json_object_get(a, "driver")), driver) == 0)
			return a;
	return NULL;
}

static bool
dt_alg_usable(json_t *algs, const char *driver)
{
	json_t *a = dt_alg(algs, driver);

	return a != NULL &&
	       strcmp(json_string_value(json_object_get(a, "selftest")), "passed") == 0;
}

/* Our own entry in a stats answer. */
static json_t *
dt_stats_me(json_t *stats)
{
	json_t *cl;
	size_t i;

	json_array_foreach(json_object_get(stats, "clients"), i, cl)
		if (json_integer_value(json_object_get(cl, "pid")) == getpid())
			return cl;
	return NULL;
}

/*
 * Ask DPDK telemetry (the daemon's EAL, file prefix cedtest-<our pid>) for
 * @p cmd over its own socket, as dpdk-telemetry.py does. NULL if the socket
 * is not where root's runtime directory puts it.
 */
static json_t *
dt_telemetry(const char *cmd)
{
	static char buf[65536];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_error_t err;
	json_t *j, *v;
	char key[128];
	ssize_t n;
	int s;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/var/run/dpdk/cedtest-%d/dpdk_telemetry.v2",
		 (int)getpid());
	if (access(sa.sun_path, F_OK) != 0)
		return NULL;
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK(s >= 0);
	CHECK(connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	n = read(s, buf, sizeof(buf) - 1);	/* the greeting */
	CHECK(n > 0);
	CHECK(write(s, cmd, strlen(cmd)) == (ssize_t)strlen(cmd));
	n = read(s, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = '\0';
	close(s);
	j = json_loads(buf, 0, &err);
	if (j == NULL)
		fprintf(stderr, "telemetry: not JSON: %s\n", buf);
	CHECK(j != NULL);
	/* The answer is keyed by the command without its parameter. */
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(cmd, ","), cmd);
	v = json_object_get(j, key);
	CHECK(v != NULL);
	json_incref(v);
	json_decref(j);
	return v;
}

/* ---- basic: the protocol, AES-GCM known answer, bad tag, ctl -------------- */

/* NIST GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD). */
static const char *gcm_key = "feffe9928665731c6d6a8f9467308308";
static const char *gcm_iv = "cafebabefacedbaddecaf888";
static const char *gcm_pt =
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
static const char *gcm_aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
static const char *gcm_ct =
	"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";
static const char *gcm_tag = "5bc94fbc3221a5db94fae95ae7121a47";

struct dt_bufs {
	uint8_t *src, *dst, *iv, *aad, *tag;
	struct ce_desc dd;
};

static void
dt_bufs_alloc(struct ce_client *c, struct dt_bufs *b, size_t len)
{
	b->src = ce_buf_alloc(c, len ? len : 1, 0);
	b->dst = ce_buf_alloc(c, len ? len : 1, 0);
	b->iv = ce_buf_alloc(c, 16, 0);
	b->aad = ce_buf_alloc(c, 64, 0);
	b->tag = ce_buf_alloc(c, 64, 0);
	CHECK(b->src && b->dst && b->iv && b->aad && b->tag);
	memset(&b->dd, 0, sizeof(b->dd));
	b->dd.src_off = ce_buf_offset(c, b->src);
	b->dd.dst_off = ce_buf_offset(c, b->dst);
	b->dd.iv_off = ce_buf_offset(c, b->iv);
	b->dd.aad_off = ce_buf_offset(c, b->aad);
	b->dd.digest_off = ce_buf_offset(c, b->tag);
}

static void
case_basic(void)
{
	uint8_t key[32] = { 0 }, pt[60], ct[60], tag[16], zero[60] = { 0 };
	struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = 12,
		.digest_len = 16, .aad_max = 64, .direction = CE_SESS_DIR_BOTH,
	};
	struct ce_client *c;
	struct ce_qp *qp;
	struct dt_bufs b;
	json_t *j, *a, *me, *e;
	int64_t h;
	char out[64];

	dt_start(dt_sw_pmds);
	c = dt_connect();
	qp = ce_qp_create(c);
	CHECK(qp != NULL);
	CHECK_EQ(ce_qp_lcore(qp), 1);		/* the only worker lcore */
	CHECK(ce_qp_credits(qp) > 0);

	dt_hex(gcm_key, key, 16);
	dt_hex(gcm_pt, pt, 60);
	dt_hex(gcm_ct, ct, 60);
	dt_hex(gcm_tag, tag, 16);
	h = dt_session(c, &sp);

	/* Encrypt, out of place: the NIST ciphertext and tag. */
	dt_bufs_alloc(c, &b, 60);
	memcpy(b.src, pt, 60);
	memset(b.dst, 0xaa, 60);
	dt_hex(gcm_iv, b.iv, 12);
	dt_hex(gcm_aad, b.aad, 20);
	b.dd.cookie = 0x1234;
	b.dd.session = (uint32_t)h;
	b.dd.op = CE_OP_ENCRYPT;
	b.dd.len = 60;
	b.dd.aad_len = 20;
	CHECK_EQ(dt_one(qp, &b.dd), 0);
	CHECK_MEM(b.dst, ct, 60);
	CHECK_MEM(b.tag, tag, 16);

	/* Decrypt in place with the right tag: the plaintext. */
	memcpy(b.src, ct, 60);
	b.dd.dst_off = b.dd.src_off;
	b.dd.op = CE_OP_DECRYPT;
	b.dd.cookie = 0x5678;
	CHECK_EQ(dt_one(qp, &b.dd), 0);
	CHECK_MEM(b.src, pt, 60);

	/* A flipped tag bit: -EBADMSG and no plaintext left in the output. */
	memcpy(b.src, ct, 60);
	b.dd.dst_off = ce_buf_offset(c, b.dst);
	memset(b.dst, 0xaa, 60);
	b.tag[5] ^= 0x01;
	b.dd.cookie = 0x9abc;
	CHECK_EQ(dt_one(qp, &b.dd), -EBADMSG);
	CHECK_MEM(b.dst, zero, 60);

	/* ctl algs: every documented key, gcm(aes) from ipsec-mb, self-tested. */
	j = dt_ctl(c, "{\"cmd\":\"algs\"}");
	a = dt_alg(j, "gcm-aes-ipsecmb");
	CHECK(a != NULL);
	{
		static const char *const keys[] = { "name", "driver", "pmd", "device", "priority",
			"async", "type", "key_sizes", "iv_sizes", "digest_sizes", "aad_max",
			"selftest" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			CHECK(json_object_get(a, keys[i]) != NULL);
	}
	CHECK(strcmp(json_string_value(json_object_get(a, "name")), "gcm(aes)") == 0);
	CHECK(strcmp(json_string_value(json_object_get(a, "pmd")), "ipsecmb") == 0);
	CHECK(strcmp(json_string_value(json_object_get(a, "type")), "aead") == 0);
	CHECK(strcmp(json_string_value(json_object_get(a, "selftest")), "passed") == 0);
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(a, "key_sizes"), "max")), 32);
	json_decref(j);

	/* ctl stats: three requests by us, one EBADMSG, on gcm(aes). */
	j = dt_ctl(c, "{\"cmd\":\"stats\"}");
	e = json_array_get(json_object_get(j, "engines"), 0);
	CHECK(e != NULL);
	{
		static const char *const keys[] = { "submitted", "completed_ok", "completed_err",
			"retried", "backlogged", "refused", "fallbacks", "in_flight", "doorbells",
			"batch_hist", "idle_transitions" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			CHECK(json_object_get(e, keys[i]) != NULL);
	}
	CHECK(json_integer_value(json_object_get(e, "submitted")) >= 3);
	/* ipsecmb is synchronous: its requests took the worker's direct path. */
	CHECK(json_integer_value(json_object_get(e, "direct_submitted")) >= 3);
	CHECK(json_integer_value(json_object_get(e, "completed_err")) >= 1);
	me = dt_stats_me(j);
	CHECK(me != NULL);
	CHECK_EQ(json_integer_value(json_object_get(me, "requests")), 3);
	CHECK_EQ(json_integer_value(json_object_get(me, "bytes")), 180);
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(me, "errors"), "EBADMSG")), 1);
	CHECK_EQ(json_integer_value(json_object_get(json_object_get(me, "errors"), "EINVAL")), 0);
	CHECK_EQ(json_integer_value(json_object_get(me, "in_flight")), 0);
	a = json_array_get(json_object_get(j, "algs"), 0);
	CHECK(a != NULL);
	CHECK(strcmp(json_string_value(json_object_get(a, "name")), "gcm(aes)") == 0);
	CHECK_EQ(json_integer_value(json_object_get(a, "requests")), 3);
	CHECK_EQ(json_integer_value(json_object_get(a, "errors")), 1);
	json_decref(j);

	/* ctl clients and engines. */
	j = dt_ctl(c, "{\"cmd\":\"clients\"}");
	a = json_array_get(json_object_get(j, "clients"), 0);
	CHECK(a != NULL);
	CHECK_EQ(json_integer_value(json_object_get(a, "pid")), getpid());
	CHECK_EQ(json_integer_value(json_object_get(a, "uid")), getuid());
	CHECK_EQ(json_integer_value(json_object_get(a, "sessions")), 1);
	a = json_array_get(json_object_get(a, "qps"), 0);
	CHECK(a != NULL);
	CHECK_EQ(json_integer_value(json_object_get(a, "lcore")), 1);
	CHECK_EQ(json_integer_value(json_object_get(a, "credits")), ce_qp_credits(qp));
	json_decref(j);
	j = dt_ctl(c, "{\"cmd\":\"engines\"}");
	a = json_array_get(json_object_get(j, "engines"), 0);
	CHECK(a != NULL);
	CHECK_EQ(json_integer_value(json_object_get(a, "lcore")), 1);
	CHECK_EQ(json_array_size(json_object_get(a, "backends")), 3);
	CHECK(json_string_value(json_object_get(a, "state")) != NULL);
	json_decref(j);

	/* The same through DPDK telemetry (flattened: 22.11 nests one level). */
	j = dt_telemetry("/cryptoeng/stats");
	if (j != NULL) {
		char cmd[64];

		CHECK(json_integer_value(json_object_get(j, "engines/0/submitted")) >= 3);
		CHECK_EQ(json_array_size(json_object_get(j, "engines/0/batch_hist")), 7);
		json_decref(j);
		j = dt_telemetry("/cryptoeng/algs");
		CHECK(json_object_get(j, "gcm_aes_ipsecmb") != NULL);
		json_decref(j);
		/* DPDK's list + parameter pattern: ids, then one client by id. */
		j = dt_telemetry("/cryptoeng/clients");
		CHECK(json_array_size(j) >= 1);
		snprintf(cmd, sizeof(cmd), "/cryptoeng/client,%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_array_get(j, 0)));
		json_decref(j);
		j = dt_telemetry(cmd);
		CHECK_EQ(json_integer_value(json_object_get(j, "pid")), getpid());
		CHECK_EQ(json_integer_value(json_object_get(j, "requests")), 3);
		CHECK_EQ(json_integer_value(json_object_get(j, "errors/EBADMSG")), 1);
		json_decref(j);
		j = dt_telemetry("/cryptoeng/engines");
		CHECK_EQ(json_integer_value(json_array_get(j, 0)), 1);
		json_decref(j);
		j = dt_telemetry("/cryptoeng/engine,1");
		CHECK_EQ(json_integer_value(json_object_get(j, "lcore")), 1);
		CHECK(json_integer_value(json_object_get(j, "submitted")) >= 3);
		json_decref(j);
		j = dt_telemetry("/cryptoeng/info");
		CHECK(strcmp(json_string_value(json_object_get(j, "version")), CRYPTOENG_VERSION) == 0);
		json_decref(j);
	} else {
		fprintf(stderr, "no telemetry socket under /var/run/dpdk: not checked\n");
	}

	/* A bad request is refused with a reason. */
	CHECK(ce_client_ctl(c, "{\"cmd\":\"nope\"}", out, sizeof(out)) == -EINVAL);
	CHECK(strstr(ce_client_last_error(c), "unknown cmd") != NULL);
	CHECK(ce_client_ctl(c, "not json", out, sizeof(out)) == -EINVAL);

	/* Unknown algorithm and bad sizes: refused, and the reason says why. */
	sp.alg = "gcm(nope)";
	CHECK_EQ(ce_session_create(c, &sp), -ENOENT);
	CHECK(strstr(ce_client_last_error(c), "gcm(nope)") != NULL);
	sp.alg = "gcm(aes)";
	sp.key_len = 17;
	CHECK_EQ(ce_session_create(c, &sp), -EINVAL);
	CHECK(strstr(ce_client_last_error(c), "key") != NULL);
	sp.key_len = 16;

	/* A destroyed session's handle stops working at once. */
	CHECK_EQ(ce_session_destroy(c, (uint32_t)h), 0);
	b.dd.op = CE_OP_ENCRYPT;
	b.dd.cookie = 0xdead;
	CHECK_EQ(dt_one(qp, &b.dd), -EINVAL);
	CHECK_EQ(ce_session_destroy(c, (uint32_t)h), -ENOENT);

	CHECK_EQ(ce_qp_destroy(qp), 0);
	ce_client_close(c);
	dt_stop();
}

/* ---- kat: more known answers, if the backend has the algorithm ------------ */

static void
dt_evp_aead(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *iv, int ivlen,
	    const uint8_t *aad, int aadlen, const uint8_t *in, int len, uint8_t *out,
	    uint8_t *tag, int taglen)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n;

	CHECK(EVP_EncryptInit_ex(x, cipher, NULL, NULL, NULL) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, ivlen, NULL) == 1);
	CHECK(EVP_EncryptInit_ex(x, NULL, NULL, key, iv) == 1);
	if (aadlen)
		CHECK(EVP_EncryptUpdate(x, NULL, &n, aad, aadlen) == 1);
	if (len)
		CHECK(EVP_EncryptUpdate(x, out, &n, in, len) == 1);
	CHECK(EVP_EncryptFinal_ex(x, out + len, &n) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, taglen, tag) == 1);
	EVP_CIPHER_CTX_free(x);
}

static void
case_kat(void)
{
	struct ce_client *c;
	struct ce_qp *qp;
	json_t *algs;
	int ran = 0;

	dt_start(dt_sw_pmds);
	c = dt_connect();
	qp = ce_qp_create(c);
	CHECK(qp != NULL);
	algs = dt_ctl(c, "{\"cmd\":\"algs\"}");

	/* RFC 7539 section 2.8.2: ChaCha20-Poly1305 AEAD. */
	if (dt_alg_usable(algs, "rfc7539-chacha20-poly1305-ipsecmb")) {
		static const char *key = "808182838485868788898a8b8c8d8e8f"
					 "909192939495969798999a9b9c9d9e9f";
		static const char *pt_s = "Ladies and Gentlemen of the class of '99: If I could "
					  "offer you only one tip for the future, sunscreen would be it.";
		static const char *ct_head = "d31a8d34648e60db7b86afbc53ef7ec2";
		static const char *tag_s = "1ae10b594f09e26a7e902ecbd0600691";
		uint8_t k[32], want_head[16], want_tag[16];
		size_t len = strlen(pt_s);
		struct ce_session_params sp = {
			.alg = "rfc7539(chacha20,poly1305)",
			.driver = "rfc7539-chacha20-poly1305-ipsecmb", .key = k, .key_len = 32,
			.iv_len = 12, .digest_len = 16, .aad_max = 16,
			.direction = CE_SESS_DIR_ENCRYPT,
		};
		struct dt_bufs b;
		int64_t h;

		dt_hex(key, k, 32);
		dt_hex(ct_head, want_head, 16);
		dt_hex(tag_s, want_tag, 16);
		h = ce_session_create(c, &sp);
		CHECK(h >= 0);
		dt_bufs_alloc(c, &b, len);
		memcpy(b.src, pt_s, len);
		dt_hex("070000004041424344454647", b.iv, 12);
		dt_hex("50515253c0c1c2c3c4c5c6c7", b.aad, 12);
		b.dd.session = (uint32_t)h;
		b.dd.op = CE_OP_ENCRYPT;
		b.dd.len = (uint32_t)len;
		b.dd.aad_len = 12;
		b.dd.cookie = 7539;
		CHECK_EQ(dt_one(qp, &b.dd), 0);
		CHECK_MEM(b.dst, want_head, 16);
		CHECK_MEM(b.tag, want_tag, 16);
		ran++;
	} else {
		fprintf(stderr, "skipped: rfc7539(chacha20,poly1305) not offered by ipsecmb\n");
	}

	/* authenc(hmac(sha256),cbc(aes)): RFC 3602 case 2's CBC, HMAC-SHA256-128 over
	 * AAD || ciphertext, expected values from OpenSSL; the key is the
	 * kernel's blob with a 100-byte HMAC key (longer than the block). */
	if (dt_alg_usable(algs, "authenc-hmac-sha256-cbc-aes-ipsecmb")) {
		uint8_t k[8 + 100 + 16], ak[100], ck[16], iv[16], pt[32], ct[48], mac[32];
		uint8_t hin[8 + 32];
		unsigned int maclen = 0;
		struct ce_session_params sp = {
			.alg = "authenc(hmac(sha256),cbc(aes))", .key = k, .key_len = sizeof(k),
			.iv_len = 16, .digest_len = 16, .aad_max = 8,
			.direction = CE_SESS_DIR_BOTH,
		};
		struct dt_bufs b;
		EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
		int n, n2;
		int64_t h;

		for (int i = 0; i < 100; i++)
			ak[i] = (uint8_t)(0x40 + i);
		dt_hex("c286696d887c9aa0611bbb3e2025a45a", ck, 16);
		dt_hex("562e17996d093d28ddb3ba695a2e6f58", iv, 16);
		dt_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", pt, 32);
		CHECK_EQ(ce_authenc_key_build(k, sizeof(k), ak, sizeof(ak), ck, 16), (int)sizeof(k));
		CHECK(EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, ck, iv) == 1);
		EVP_CIPHER_CTX_set_padding(x, 0);
		CHECK(EVP_EncryptUpdate(x, ct, &n, pt, 32) == 1);
		CHECK(EVP_EncryptFinal_ex(x, ct + n, &n2) == 1);
		EVP_CIPHER_CTX_free(x);
		dt_hex("0000432100000001", hin, 8);
		memcpy(hin + 8, ct, 32);
		CHECK(HMAC(EVP_sha256(), ak, sizeof(ak), hin, 40, mac, &maclen) != NULL);
		/* RFC 3602 case 2's ciphertext, so the oracle is checked too. */
		{
			uint8_t rfc[32];

			dt_hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
			       rfc, 32);
			CHECK_MEM(ct, rfc, 32);
		}

		h = dt_session(c, &sp);
		dt_bufs_alloc(c, &b, 32);
		memcpy(b.src, pt, 32);
		memcpy(b.iv, iv, 16);
		memcpy(b.aad, hin, 8);
		b.dd.session = (uint32_t)h;
		b.dd.op = CE_OP_ENCRYPT;
		b.dd.len = 32;
		b.dd.aad_len = 8;
		b.dd.cookie = 3602;
		CHECK_EQ(dt_one(qp, &b.dd), 0);
		CHECK_MEM(b.dst, ct, 32);
		CHECK_MEM(b.tag, mac, 16);
		/* And back, through the decrypt half of the same session. */
		memcpy(b.src, ct, 32);
		memset(b.dst, 0, 32);
		b.dd.op = CE_OP_DECRYPT;
		CHECK_EQ(dt_one(qp, &b.dd), 0);
		CHECK_MEM(b.dst, pt, 32);
		ran++;
	} else {
		fprintf(stderr, "skipped: authenc(hmac(sha256),cbc(aes)) not offered by ipsecmb\n");
	}
	json_decref(algs);
	ce_client_close(c);
	dt_stop();
	if (ran == 0)
		exit(CE_TEST_SKIP);
}

/* ---- many: 10,000 random requests against OpenSSL, two client processes --- */

#define MANY_TOTAL	10000
#define MANY_CLIENTS	2
#define MANY_WINDOW	64
#define MANY_MAXLEN	2048

struct many_req {
	uint8_t *src, *dst, *iv, *aad, *tag;
	uint8_t *out;		/* src (in place) or dst */
	uint32_t len, aad_len;
	int ks;			/* key index */
	uint8_t pt[MANY_MAXLEN];
};

static void
many_client(unsigned int seed, unsigned int count)
{
	static const unsigned int key_lens[3] = { 16, 24, 32 };
	static const EVP_CIPHER *(*ciphers[3])(void) = {
		EVP_aes_128_gcm, EVP_aes_192_gcm, EVP_aes_256_gcm,
	};
	struct ce_client_opts o = { .region_size = 32u << 20, .name = "many" };
	struct ce_client *c;
	struct ce_qp *qp;
	struct many_req *slots;
	uint8_t keys[3][32];
	int64_t h[3];
	unsigned int submitted = 0, done = 0, free_list[MANY_WINDOW], nb_free = MANY_WINDOW;
	uint8_t want[MANY_MAXLEN], want_tag[16];

	srand(seed);
	c = dt_connect_opts(&o);
	qp = ce_qp_create(c);
	CHECK(qp != NULL);
	slots = calloc(MANY_WINDOW, sizeof(*slots));
	CHECK(slots != NULL);
	for (int i = 0; i < 3; i++) {
		struct ce_session_params sp = {
			.alg = "gcm(aes)", .key = keys[i], .key_len = key_lens[i], .iv_len = 12,
			.digest_len = 16, .aad_max = 64, .direction = CE_SESS_DIR_ENCRYPT,
		};

		CHECK(RAND_bytes(keys[i], 32) == 1);
		h[i] = ce_session_create(c, &sp);
		CHECK(h[i] >= 0);
	}
	for (unsigned int i = 0; i < MANY_WINDOW; i++) {
		struct many_req *r = &slots[i];

		r->src = ce_buf_alloc(c, MANY_MAXLEN, 0);
		r->dst = ce_buf_alloc(c, MANY_MAXLEN, 0);
		r->iv = ce_buf_alloc(c, 12, 0);
		r->aad = ce_buf_alloc(c, 64, 0);
		r->tag = ce_buf_alloc(c, 16, 0);
		CHECK(r->src && r->dst && r->iv && r->aad && r->tag);
		free_list[i] = i;
	}
	while (done < count) {
		struct ce_cqe cqes[MANY_WINDOW];
		int n;

		/* Fill the window: many requests in flight at once. */
		while (submitted < count && nb_free > 0) {
			unsigned int i = free_list[--nb_free];
			struct many_req *r = &slots[i];
			struct ce_desc dd = { 0 };

			r->len = (uint32_t)(rand() % (MANY_MAXLEN + 1));
			r->aad_len = (uint32_t)(rand() % 65);
			r->ks = rand() % 3;
			CHECK(RAND_bytes(r->pt, MANY_MAXLEN) == 1);
			memcpy(r->src, r->pt, r->len);
			CHECK(RAND_bytes(r->iv, 12) == 1);
			CHECK(RAND_bytes(r->aad, 64) == 1);
			dd.cookie = i;
			dd.session = (uint32_t)h[r->ks];
			dd.op = CE_OP_ENCRYPT;
			dd.src_off = ce_buf_offset(c, r->src);
			/* Half in place, half out of place. */
			dd.dst_off = rand() & 1 ? dd.src_off : ce_buf_offset(c, r->dst);
			r->out = ce_buf_ptr(c, dd.dst_off);
			dd.len = r->len;
			dd.aad_len = r->aad_len;
			dd.iv_off = ce_buf_offset(c, r->iv);
			dd.aad_off = ce_buf_offset(c, r->aad);
			dd.digest_off = ce_buf_offset(c, r->tag);
			n = ce_submit_burst(qp, &dd, 1);
			CHECK(n >= 0);
			if (n == 0) {
				free_list[nb_free++] = i;
				break;
			}
			submitted++;
		}
		n = ce_poll_burst(qp, cqes, MANY_WINDOW);
		CHECK(n >= 0);
		if (n == 0) {
			CHECK(ce_wait(qp, 1000) >= 0);
			continue;
		}
		for (int k = 0; k < n; k++) {
			struct many_req *r;

			CHECK(cqes[k].cookie < MANY_WINDOW);
			r = &slots[cqes[k].cookie];
			if (cqes[k].status != 0)
				fprintf(stderr, "request len %u aad %u: status %d\n", r->len,
					r->aad_len, cqes[k].status);
			CHECK_EQ(cqes[k].status, 0);
			CHECK_EQ(cqes[k].out_len, r->len);
			dt_evp_aead(ciphers[r->ks](), keys[r->ks], r->iv, 12, r->aad,
				    (int)r->aad_len, r->pt, (int)r->len, want, want_tag, 16);
			CHECK_MEM(r->out, want, r->len);
			CHECK_MEM(r->tag, want_tag, 16);
			free_list[nb_free++] = (unsigned int)cqes[k].cookie;
			done++;
		}
	}
	ce_client_close(c);
	free(slots);
}

static void
case_many(void)
{
	pid_t kids[MANY_CLIENTS];
	struct ce_client *c;
	json_t *j, *e;

	dt_start(dt_sw_pmds);
	for (int i = 0; i < MANY_CLIENTS; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			dt_pid = 0;	/* the parent owns the daemon */
			many_client(1000u + (unsigned int)i, MANY_TOTAL / MANY_CLIENTS);
			_exit(0);
		}
	}
	for (int i = 0; i < MANY_CLIENTS; i++) {
		int st;

		CHECK(waitpid(kids[i], &st, 0) == kids[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	c = dt_connect();
	j = dt_ctl(c, "{\"cmd\":\"stats\"}");
	e = json_array_get(json_object_get(j, "engines"), 0);
	CHECK(json_integer_value(json_object_get(e, "completed_ok")) >= MANY_TOTAL);
	CHECK_EQ(json_integer_value(json_object_get(e, "in_flight")), 0);
	json_decref(j);
	ce_client_close(c);
	dt_stop();
}

/* ---- invalid: bad offsets, foreign and stale handles, unsealed region ----- */

static void
case_invalid(void)
{
	uint8_t key[16] = { 1, 2, 3 };
	struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = 12,
		.digest_len = 16, .aad_max = 16, .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct ce_client *a, *b;
	struct ce_qp *qa, *qb;
	struct dt_bufs ba, bb;
	struct ce_desc dd;
	int64_t ha, hb;
	json_t *j, *me;

	dt_start(dt_sw_pmds);
	a = dt_connect();
	b = dt_connect();
	qa = ce_qp_create(a);
	qb = ce_qp_create(b);
	CHECK(qa && qb);
	ha = ce_session_create(a, &sp);
	hb = ce_session_create(b, &sp);
	CHECK(ha >= 0 && hb >= 0);
	/* Same slot in each client's table, different generations. */
	CHECK(ha != hb);
	dt_bufs_alloc(a, &ba, 64);
	dt_bufs_alloc(b, &bb, 64);
	ba.dd.session = (uint32_t)ha;
	ba.dd.op = CE_OP_ENCRYPT;
	ba.dd.len = 64;
	bb.dd.session = (uint32_t)hb;
	bb.dd.op = CE_OP_ENCRYPT;
	bb.dd.len = 64;
	CHECK_EQ(dt_one(qa, &ba.dd), 0);

	/* Source outside the region, overflowing, inside the rings. */
	dd = ba.dd;
	dd.src_off = 1ull << 40;
	dd.cookie = 1;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	dd = ba.dd;
	dd.src_off = UINT64_MAX - 8;
	dd.cookie = 2;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	dd = ba.dd;
	dd.dst_off = 4096;		/* the first SQ lives there */
	dd.cookie = 3;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	/* Partly overlapping source and destination. */
	dd = ba.dd;
	dd.dst_off = dd.src_off + 16;
	dd.cookie = 4;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	/* Op the session does not do (encrypt-only), reserved bits, unknown op. */
	dd = ba.dd;
	dd.op = CE_OP_DECRYPT;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	dd = ba.dd;
	dd.rsvd = 1;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	dd = ba.dd;
	dd.op = 9;
	CHECK_EQ(dt_one(qa, &dd), -EINVAL);
	/* The daemon still serves this client. */
	CHECK_EQ(dt_one(qa, &ba.dd), 0);

	/* Client A's handle in client B's descriptor: refused; B's own works. */
	dd = bb.dd;
	dd.session = (uint32_t)ha;
	CHECK_EQ(dt_one(qb, &dd), -EINVAL);
	CHECK_EQ(dt_one(qb, &bb.dd), 0);

	/* Errors are counted by kind, per client: A 7, B 1 (both are this pid). */
	j = dt_ctl(a, "{\"cmd\":\"stats\"}");
	{
		long long sum = 0, prod = 1;
		size_t i;

		json_array_foreach(json_object_get(j, "clients"), i, me) {
			long long v = json_integer_value(json_object_get(
				json_object_get(me, "errors"), "EINVAL"));

			CHECK_EQ(json_integer_value(json_object_get(me, "pid")), getpid());
			sum += v;
			prod *= v;
		}
		CHECK_EQ(sum, 8);
		CHECK_EQ(prod, 7);
	}
	json_decref(j);

	/* A client that goes away with a live session and queue pair. */
	ce_client_close(b);
	CHECK_EQ(dt_one(qa, &ba.dd), 0);

	/* An unsealed region is refused, with the reason. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
		struct ce_msg_region rm = { .size = 1u << 20, .arena_off = 1u << 16,
					    .arena_len = (1u << 20) - (1u << 16) };
		struct ce_msg *m = calloc(1, sizeof(*m));
		int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		int fd = memfd_create("unsealed", MFD_ALLOW_SEALING);
		struct ce_region_hdr *hdr;

		CHECK(m && s >= 0 && fd >= 0);
		CHECK(ftruncate(fd, 1 << 20) == 0);
		hdr = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		CHECK(hdr != MAP_FAILED);
		hdr->magic = CE_REGION_MAGIC;
		hdr->version = CE_SHM_VERSION;
		hdr->size = 1 << 20;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", dt_sock);
		CHECK(connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
		CHECK(ce_msg_send(s, CE_MSG_HELLO, 1, &hello, sizeof(hello), NULL, 0) == 0);
		CHECK(ce_msg_recv(s, m, NULL) == 0);
		CHECK_EQ(m->u.reply.status, 0);
		CHECK(ce_msg_send(s, CE_MSG_REGION, 2, &rm, sizeof(rm), &fd, 1) == 0);
		CHECK(ce_msg_recv(s, m, NULL) == 0);
		CHECK_EQ(m->u.reply.status, -EPERM);
		fprintf(stderr, "unsealed region: %s\n", m->u.reply.reason);
		CHECK(strstr(m->u.reply.reason, "seal") != NULL);
		close(s);
		munmap(hdr, 1 << 20);
		close(fd);
		free(m);
	}
	CHECK_EQ(dt_one(qa, &ba.dd), 0);
	ce_client_close(a);
	dt_stop();
}

/* ---- refuse: uid not allowed, region over the limit, too many QPs --------- */

static void
case_refuse(void)
{
	struct ce_client_opts big = { .region_size = 32u << 20 };
	struct ce_client *c;
	struct ce_qp *q1, *q2;
	pid_t kid;
	int st;

	dt_start("[clients]\nmax_region_mb = 16\nmax_qps = 1\n\n"
		 "[pmd.null0]\ndriver = null\n");

	/* Region over the limit: refused. */
	c = ce_client_connect(dt_sock, &big);
	CHECK(c == NULL);
	CHECK_EQ(errno, EFBIG);

	/* One queue pair allowed. */
	c = dt_connect();
	q1 = ce_qp_create(c);
	CHECK(q1 != NULL);
	q2 = ce_qp_create(c);
	CHECK(q2 == NULL);
	CHECK_EQ(errno, ENOSPC);
	CHECK(strstr(ce_client_last_error(c), "max_qps") != NULL);
	ce_client_close(c);

	/* A uid outside the default allow list (root and the daemon's uid). */
	if (getuid() == 0) {
		kid = fork();
		CHECK(kid >= 0);
		if (kid == 0) {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };
			struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
			struct ce_msg *m = calloc(1, sizeof(*m));
			int s;

			CHECK(setgid(65534) == 0 && setuid(65534) == 0);
			s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
			snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", dt_sock);
			CHECK(connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
			/* Refused at accept: the answer to HELLO may come (and the
			 * daemon close) before the HELLO is sent; -EPIPE then. */
			ce_msg_send(s, CE_MSG_HELLO, 1, &hello, sizeof(hello), NULL, 0);
			CHECK(ce_msg_recv(s, m, NULL) == 0);
			CHECK_EQ(m->hdr.seq, 1);
			CHECK_EQ(m->u.reply.req_type, CE_MSG_HELLO);
			CHECK_EQ(m->u.reply.status, -EACCES);
			fprintf(stderr, "uid 65534: %s\n", m->u.reply.reason);
			CHECK(strstr(m->u.reply.reason, "allow_uids") != NULL);
			/* And the daemon closed the connection. */
			CHECK_EQ(ce_msg_recv(s, m, NULL), -ECONNRESET);
			_exit(0);
		}
		CHECK(waitpid(kid, &st, 0) == kid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	} else {
		fprintf(stderr, "not root: uid refusal not tested\n");
	}
	dt_stop();
}

/* ---- config: errors name file:line and key, exit code 2 ------------------- */

static void
dt_config_error(const char *text, const char *want)
{
	char buf[8192];
	size_t n;
	FILE *f;
	pid_t pid;

	f = fopen(dt_cfg, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	pid = dt_spawn(dt_cfg);
	CHECK_EQ(dt_wait_exit(pid), 2);
	f = fopen(dt_log, "r");
	CHECK(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (strstr(buf, want) == NULL)
		fprintf(stderr, "want \"%s\" in:\n%s\n", want, buf);
	CHECK(strstr(buf, want) != NULL);
}

static void
case_config(void)
{
	char want[512];

	snprintf(want, sizeof(want), "%s:3: quue_size: unknown key in [engine]", dt_cfg);
	dt_config_error("[engine]\nqueue_size = 8\nquue_size = 8\n", want);
	snprintf(want, sizeof(want), "%s:2: expected key = value", dt_cfg);
	dt_config_error("[engine]\nretry\n", want);
	snprintf(want, sizeof(want), "%s:4: credits: \"lots\" is not an integer", dt_cfg);
	dt_config_error("[pmd.a]\ndriver = null\n[clients]\ncredits = lots\n", want);
	snprintf(want, sizeof(want), "%s:1: unknown section [engin]", dt_cfg);
	dt_config_error("[engin]\n", want);
	snprintf(want, sizeof(want), "%s:2: driver: unknown backend \"qatt\"", dt_cfg);
	dt_config_error("[pmd.x]\ndriver = qatt\n", want);
	snprintf(want, sizeof(want), "%s:2: retry: \"maybe\": expected yes or no", dt_cfg);
	dt_config_error("[engine]\nretry = maybe\n[pmd.a]\ndriver = null\n", want);
	{
		/* A value rte_cfgfile would silently truncate at 255 characters. */
		char text[600];
		char longv[400];

		memset(longv, 'x', sizeof(longv) - 1);
		longv[sizeof(longv) - 1] = '\0';
		snprintf(text, sizeof(text), "[pmd.a]\ndriver = null\nargs = %s\n", longv);
		snprintf(want, sizeof(want), "%s:3: args: value longer than", dt_cfg);
		dt_config_error(text, want);
	}
	/* No --config: usage error, also 2. */
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			FILE *f = freopen("/dev/null", "w", stderr);

			(void)f;
			execl(dt_bin, dt_bin, "--foreground", (char *)NULL);
			_exit(127);
		}
		CHECK_EQ(dt_wait_exit(pid), 2);
	}
}

/* ---- hugepages: required refuses to start without them --------------------- */

static long
dt_meminfo(const char *key)
{
	char line[256];
	long value = -1;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			value = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return value;
}

/* The daemon on @args with hugepages = required must exit 1, naming the key. */
static void
dt_hugepages_refused(const char *args)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(dt_cfg, "w");

	CHECK(f != NULL);
	fprintf(f, "[eal]\nlcores = 0,1\nargs = %s\nfile_prefix = cedtest-%d\n"
		"hugepages = required\n[socket]\npath = %s\n[pmd.a]\ndriver = null\n",
		args, (int)getpid(), dt_sock);
	fclose(f);
	CHECK_EQ(dt_wait_exit(dt_spawn(dt_cfg)), 1);
	f = fopen(dt_log, "r");
	CHECK(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (strstr(buf, "[eal] hugepages = required") == NULL)
		fprintf(stderr, "want \"[eal] hugepages = required\" in:\n%s\n", buf);
	CHECK(strstr(buf, "[eal] hugepages = required") != NULL);
	/* Refused before EAL: it never got to start. */
	CHECK(strstr(buf, "rte_eal_init") == NULL);
	CHECK(access(dt_sock, F_OK) != 0);
}

static void
case_hugepages(void)
{
	if (dt_meminfo("HugePages_Total") > 0) {
		fprintf(stderr, "SKIP: this machine has hugepages reserved\n");
		exit(77);
	}
	dt_hugepages_refused("--no-pci --log-level=lib.eal:error");
	/* args that size memory do not bypass the check. */
	dt_hugepages_refused("--no-pci -m 128 --log-level=lib.eal:error");
}

/* ---- sigterm: stop drains the requests in flight, exit 0 ----------------- */

/*
 * Fair sharing: a greedy client has 200 requests queued on a slow device
 * (one at a time, 2 ms each); a light client's single request must not wait
 * behind all of them, only behind what the engine already holds ([engine]
 * window) and one burst. Counted in requests, not timed: the greedy client
 * counts its completions in shared memory, the light client reads the count
 * when it submits and when its answer comes.
 */
static void
case_fair(void)
{
	enum { GREEDY = 200, BURST = 8, WINDOW = 16 };
	struct ce_session_params sp = {
		.alg = "ecb(cipher_null)", .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct fair_shared {
		uint32_t queued;	/* greedy: all submitted */
		uint32_t done;		/* greedy: completions so far */
	} *sh;
	struct ce_desc dd;
	struct ce_cqe cqe;
	struct ce_client *c;
	struct ce_qp *qp;
	uint32_t before, after;
	uint8_t *buf;
	int64_t h;
	pid_t kid;
	int st;

	sh = dt_shared(sizeof(*sh));
	dt_start("[engine]\nburst = 8\nwindow = 16\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=1,delay_ns=2000000\n");
	kid = fork();
	CHECK(kid >= 0);
	if (kid == 0) {
		struct ce_client *g = dt_connect();
		struct ce_qp *gq = ce_qp_create(g);
		int64_t gh = ce_session_create(g, &sp);
		uint8_t *gb = ce_buf_alloc(g, 64 * GREEDY, 0);
		struct ce_desc gd[GREEDY];
		struct ce_cqe gc[GREEDY];
		unsigned int got = 0;

		dt_pid = 0;
		CHECK(gq != NULL && gh >= 0 && gb != NULL);
		dt_fill(g, gd, GREEDY, 0, gh, gb);
		CHECK_EQ(ce_submit_burst(gq, gd, GREEDY), GREEDY);
		__atomic_store_n(&sh->queued, 1, __ATOMIC_RELEASE);
		while (got < GREEDY) {
			int r = ce_poll_burst(gq, gc, GREEDY - got);

			CHECK(r >= 0);
			got += (unsigned int)r;
			__atomic_store_n(&sh->done, got, __ATOMIC_RELEASE);
			if (r == 0)
				CHECK(ce_wait(gq, 100) >= 0);
		}
		_exit(0);
	}

	c = dt_connect();
	h = dt_qp_session(c, &sp, &qp);
	buf = ce_buf_alloc(c, 64, 0);
	CHECK(buf != NULL);
	memset(&dd, 0, sizeof(dd));
	dd.cookie = 7;
	dd.session = (uint32_t)h;
	dd.op = CE_OP_ENCRYPT;
	dd.src_off = dd.dst_off = ce_buf_offset(c, buf);
	dd.len = 64;
	while (!__atomic_load_n(&sh->queued, __ATOMIC_ACQUIRE))
		dt_sleep_ms(1);
	/* Let the greedy client's backlog build up in the daemon first. */
	dt_sleep_ms(20);
	before = __atomic_load_n(&sh->done, __ATOMIC_ACQUIRE);
	CHECK_EQ(ce_submit_burst(qp, &dd, 1), 1);
	dt_reap(qp, &cqe, 1);
	after = __atomic_load_n(&sh->done, __ATOMIC_ACQUIRE);
	CHECK_EQ(cqe.status, 0);
	fprintf(stderr, "light request: %u greedy completions before it (window %d, burst %d), "
		"%u of %d left behind it\n", after - before, WINDOW, BURST, GREEDY - after, GREEDY);
	/* Behind at most the engine's window and one burst, with slack for a
	 * scheduler that is slow to run either client (each greedy request is
	 * 2 ms of device time); without the window it waited for ~all 200. */
	CHECK(after - before <= WINDOW + BURST + 32);
	CHECK(GREEDY - after >= GREEDY / 2);
	CHECK(waitpid(kid, &st, 0) == kid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	dt_stop();
	munmap(sh, sizeof(*sh));
}

static void
case_sigterm(void)
{
	enum { N = 32 };
	struct ce_session_params sp = {
		.alg = "ecb(cipher_null)", .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct ce_cqe cqes[N + 1];
	struct ce_desc dd[N];
	struct ce_client *c;
	struct ce_qp *qp;
	uint8_t *buf;
	int64_t h;
	int rc;

	/* Each request takes 300 ms in the simulated device. */
	dt_start("[engine]\nstop_timeout_ms = 20000\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=300000000\n");
	c = dt_connect();
	h = dt_qp_session(c, &sp, &qp);
	buf = ce_buf_alloc(c, 64 * N, 0);
	CHECK(buf != NULL);
	dt_fill(c, dd, N, 0, h, buf);
	CHECK_EQ(ce_submit_burst(qp, dd, N), N);
	/* Wait until the daemon has taken them all (the stats say so). */
	for (int tries = 0;; tries++) {
		json_t *j = dt_ctl(c, "{\"cmd\":\"stats\"}");
		json_t *me = dt_stats_me(j);
		long long req = me ? json_integer_value(json_object_get(me, "requests")) : 0;

		json_decref(j);
		if (req == N)
			break;
		CHECK(tries < 3000);
		dt_sleep_ms(1);
	}
	/* Destroyed with 32 requests in flight: the handle dies, the session
	 * itself lives until they complete (else the backend would use freed
	 * memory, which the sanitizer build catches). */
	CHECK_EQ(ce_session_destroy(c, (uint32_t)h), 0);
	CHECK_EQ(ce_session_destroy(c, (uint32_t)h), -ENOENT);

	/* A client that dies with requests in flight: its region stays mapped
	 * in the daemon until they are done, and the daemon carries on. */
	{
		pid_t kid = fork();
		int st;

		CHECK(kid >= 0);
		if (kid == 0) {
			struct ce_client *k = dt_connect();
			struct ce_qp *kq = ce_qp_create(k);
			int64_t kh = ce_session_create(k, &sp);
			uint8_t *kb = ce_buf_alloc(k, 64 * N, 0);
			struct ce_desc kd[N];

			dt_pid = 0;
			CHECK(kq != NULL && kh >= 0 && kb != NULL);
			for (int i = 0; i < N; i++) {
				kd[i] = dd[i];
				kd[i].session = (uint32_t)kh;
				kd[i].src_off = kd[i].dst_off = ce_buf_offset(k, kb + 64 * i);
			}
			CHECK_EQ(ce_submit_burst(kq, kd, N), N);
			for (int tries = 0;; tries++) {
				json_t *j = dt_ctl(k, "{\"cmd\":\"clients\"}");
				json_t *cl, *q;
				size_t i;
				long long infl = 0;

				json_array_foreach(json_object_get(j, "clients"), i, cl)
					if (json_integer_value(json_object_get(cl, "pid")) == getpid()) {
						q = json_array_get(json_object_get(cl, "qps"), 0);
						infl = json_integer_value(json_object_get(q, "in_flight"));
					}
				json_decref(j);
				if (infl == N)
					break;
				CHECK(tries < 3000);
				dt_sleep_ms(1);
			}
			_exit(0);	/* no BYE, nothing closed: as if killed */
		}
		CHECK(waitpid(kid, &st, 0) == kid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}

	CHECK(kill(dt_pid, SIGTERM) == 0);
	/* Every request taken is completed, successfully, before the exit. The
	 * daemon's notice that it is stopping is taken by libcryptoeng: from
	 * then on a submit is refused with -ESHUTDOWN. */
	dt_reap(qp, cqes, N);
	for (int i = 0; i < N; i++)
		CHECK_EQ(cqes[i].status, 0);
	CHECK_EQ(ce_submit_burst(qp, dd, 1), -ESHUTDOWN);
	rc = dt_wait_exit(dt_pid);
	dt_pid = 0;
	CHECK_EQ(rc, 0);
	ce_client_close(c);
}

int
main(int argc, char **argv)
{
	static const struct dt_case cases[] = {
		{ "basic", case_basic }, { "kat", case_kat }, { "many", case_many },
		{ "invalid", case_invalid }, { "refuse", case_refuse },
		{ "config", case_config }, { "hugepages", case_hugepages },
		{ "fair", case_fair }, { "sigterm", case_sigterm }
	};

	dt_init(argc, argv);
	return dt_run_case(cases, DT_NB_CASES(cases), argc > 2 ? argv[2] : "basic");
}
