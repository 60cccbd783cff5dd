/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compact descriptors (protocol 3, struct ce_desc_esp): requests laid out as
 * ESP (AAD, IV, data, tag back to back, in place) go two to an SQ slot
 * through a real daemon, and every answer is OpenSSL's; descriptors of other
 * layouts in the same burst go in full; a half the daemon refuses leaves its
 * partner alone.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ce_shm.h"
#include "dtest.h"

#define AAD_LEN 8
#define IV_LEN 12
#define TAG_LEN 16
#define AAD_MAX 16

static const char *esp_pmds = "[pmd.ipsecmb0]\ndriver = ipsecmb\n";

static uint8_t key[16];

/* One request's buffer: [AAD][IV][data][tag] (ESP), or apart (full form). */
struct esp_req {
	uint8_t *base;
	uint8_t *aad, *iv, *data, *tag;
	uint8_t plain[2048];
	uint32_t len;
	struct ce_desc dd;
};

static void
esp_req_make(struct ce_client *c, struct esp_req *r, uint32_t session, uint32_t len, bool esp,
	     uint64_t cookie)
{
	memset(r, 0, sizeof(*r));
	r->len = len;
	if (esp) {
		r->base = ce_buf_alloc(c, AAD_MAX + IV_LEN + len + TAG_LEN, 0);
		CHECK(r->base != NULL);
		r->aad = r->base;
		r->iv = r->aad + AAD_LEN;
		r->data = r->iv + IV_LEN;
		r->tag = r->data + len;
	} else {
		/* The tag 64 bytes after the data: not the ESP layout. */
		r->base = ce_buf_alloc(c, 256 + len, 0);
		CHECK(r->base != NULL);
		r->data = r->base;
		r->aad = r->base + len + 16;
		r->iv = r->aad + 32;
		r->tag = r->iv + 64;
	}
	CHECK_EQ(RAND_bytes(r->aad, AAD_LEN), 1);
	CHECK_EQ(RAND_bytes(r->iv, IV_LEN), 1);
	if (len != 0)
		CHECK_EQ(RAND_bytes(r->data, (int)len), 1);
	memcpy(r->plain, r->data, len);
	r->dd.cookie = cookie;
	r->dd.session = session;
	r->dd.op = CE_OP_ENCRYPT;
	r->dd.src_off = ce_buf_offset(c, r->data);
	r->dd.dst_off = r->dd.src_off;
	r->dd.len = len;
	r->dd.aad_off = ce_buf_offset(c, r->aad);
	r->dd.aad_len = AAD_LEN;
	r->dd.iv_off = ce_buf_offset(c, r->iv);
	r->dd.digest_off = ce_buf_offset(c, r->tag);
}

/* OpenSSL's AES-128-GCM of the request's plaintext, against what the daemon wrote. */
static void
esp_req_check(const struct esp_req *r)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t ct[2048], tag[TAG_LEN];
	int n = 0;

	CHECK(x != NULL);
	CHECK_EQ(EVP_EncryptInit_ex(x, EVP_aes_128_gcm(), NULL, NULL, NULL), 1);
	CHECK_EQ(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, IV_LEN, NULL), 1);
	CHECK_EQ(EVP_EncryptInit_ex(x, NULL, NULL, key, r->iv), 1);
	CHECK_EQ(EVP_EncryptUpdate(x, NULL, &n, r->aad, AAD_LEN), 1);
	if (r->len != 0)
		CHECK_EQ(EVP_EncryptUpdate(x, ct, &n, r->plain, (int)r->len), 1);
	CHECK_EQ(EVP_EncryptFinal_ex(x, ct + n, &n), 1);
	CHECK_EQ(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag), 1);
	EVP_CIPHER_CTX_free(x);
	CHECK_MEM(r->data, ct, r->len);
	CHECK_MEM(r->tag, tag, TAG_LEN);
}

/* The first queue pair's SQ producer index: slots the library wrote. */
static uint32_t
sq_prod(struct ce_client *c, const struct esp_req *any)
{
	const uint8_t *base = any->base - ce_buf_offset(c, any->base);
	const volatile struct ce_ring_shared *sh =
		(const volatile struct ce_ring_shared *)(base + CE_REGION_HDR_SPACE);

	return sh->prod;
}

/* Submit @p n requests in one burst; @return SQ slots they took. */
static uint32_t
submit_all(struct ce_client *c, struct ce_qp *qp, struct esp_req *r, unsigned int n)
{
	struct ce_desc dd[16];
	uint32_t before = sq_prod(c, &r[0]);

	for (unsigned int i = 0; i < n; i++)
		dd[i] = r[i].dd;
	CHECK_EQ(ce_submit_burst(qp, dd, n), (int)n);
	return sq_prod(c, &r[0]) - before;
}

/* Reap @p n completions; statuses by cookie (1..n) into @p st. */
static void
reap_all(struct ce_qp *qp, unsigned int n, int *st, uint32_t *out_len)
{
	struct ce_cqe cqes[16];

	dt_reap(qp, cqes, n);
	for (unsigned int i = 0; i < n; i++) {
		CHECK(cqes[i].cookie >= 1 && cqes[i].cookie <= n);
		st[cqes[i].cookie - 1] = cqes[i].status;
		out_len[cqes[i].cookie - 1] = cqes[i].out_len;
	}
}

static void
case_esp(void)
{
	static const uint32_t lens[] = { 64, 0, 1, 100, 1024, 16, 333 };
	struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = IV_LEN,
		.digest_len = TAG_LEN, .aad_max = AAD_MAX, .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct esp_req r[8];
	struct ce_client *c;
	struct ce_qp *qp;
	uint32_t session, out_len[8];
	int st[8];

	CHECK_EQ(RAND_bytes(key, sizeof(key)), 1);
	dt_start(esp_pmds);
	c = dt_connect();
	session = (uint32_t)dt_qp_session(c, &sp, &qp);

	/* Seven ESP-layout requests: three pairs and one alone, four slots. */
	for (unsigned int i = 0; i < 7; i++)
		esp_req_make(c, &r[i], session, lens[i], true, i + 1);
	CHECK_EQ(submit_all(c, qp, r, 7), 4);
	reap_all(qp, 7, st, out_len);
	for (unsigned int i = 0; i < 7; i++) {
		CHECK_EQ(st[i], 0);
		CHECK_EQ(out_len[i], lens[i]);
		esp_req_check(&r[i]);
	}

	/* ESP, full, ESP, ESP: the first alone (its neighbour has no compact
	 * form), the full one, then a pair. */
	for (unsigned int i = 0; i < 4; i++)
		esp_req_make(c, &r[i], session, 48 + 16 * i, i != 1, i + 1);
	CHECK_EQ(submit_all(c, qp, r, 4), 3);
	reap_all(qp, 4, st, out_len);
	for (unsigned int i = 0; i < 4; i++) {
		CHECK_EQ(st[i], 0);
		esp_req_check(&r[i]);
	}

	/* A pair whose first half the daemon refuses (AAD above aad_max; the
	 * library does not know that limit): the second is served. */
	esp_req_make(c, &r[0], session, 64, true, 1);
	esp_req_make(c, &r[1], session, 64, true, 2);
	r[0].dd.aad_len = AAD_MAX + 1;
	r[0].dd.iv_off = r[0].dd.aad_off + AAD_MAX + 1;
	r[0].dd.src_off = r[0].dd.dst_off = r[0].dd.iv_off + IV_LEN;
	r[0].dd.digest_off = r[0].dd.src_off + 64;
	CHECK_EQ(submit_all(c, qp, r, 2), 1);
	reap_all(qp, 2, st, out_len);
	CHECK_EQ(st[0], -EINVAL);
	CHECK_EQ(st[1], 0);
	esp_req_check(&r[1]);

	/* Out of place has no compact form: a full slot, then its neighbour alone. */
	esp_req_make(c, &r[0], session, 64, true, 1);
	esp_req_make(c, &r[1], session, 64, true, 2);
	r[0].data = ce_buf_alloc(c, 64, 0);
	CHECK(r[0].data != NULL);
	r[0].dd.dst_off = ce_buf_offset(c, r[0].data);
	CHECK_EQ(submit_all(c, qp, r, 2), 2);
	reap_all(qp, 2, st, out_len);
	CHECK_EQ(st[0], 0);
	CHECK_EQ(st[1], 0);
	esp_req_check(&r[0]);
	esp_req_check(&r[1]);

	ce_client_close(c);
	dt_stop();
}

int
main(int argc, char **argv)
{
	static const struct dt_case cases[] = { { "esp", case_esp } };

	dt_init(argc, argv);
	return dt_run_case(cases, DT_NB_CASES(cases), argc > 2 ? argv[2] : "");
}
