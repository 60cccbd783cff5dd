/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Asymmetric sessions through a real cryptoengd and real client processes
 * (libcryptoeng): ASYM_SESSION_CREATE with DER keys, ce_prep_sign/verify/
 * akcipher/kpp, out_max and out_len, the verdicts.
 *
 *   test_asym CRYPTOENGD kat|diff|refuse|mixed
 *
 * kat     every asymmetric vector (lib/pmd/testvec_asym.c), randomised ones
 *         undone with the same key; `algs` lists the 13 openssl
 *         implementations as passed
 * diff    fresh keys, against OpenSSL's libcrypto used directly, from two
 *         client processes at once; invalid signatures -EBADMSG, points off
 *         the curve, small-order X25519 points, wrong lengths -EINVAL
 * refuse  malformed and unfit keys refused with a reason, a public key's
 *         ops, descriptors the validator refuses, the two session messages
 *         each refusing the other's algorithms
 * mixed   symmetric requests are not held behind asymmetric ones: with the
 *         openssl device held (its test-only fault "hold"), 64 AES-GCM
 *         requests submitted behind 64 RSA-4096 signs (a full asym_window,
 *         and as many as window) all complete while no sign can, and the
 *         worker naps while only the signs are out; then, for real, behind
 *         32 RSA-4096 signs, every GCM completion comes before the last
 *         sign's
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "asym_oracle.h"
#include "ce_pmd.h"
#include "ce_shm.h"
#include "dtest.h"
#include "testvec_priv.h"

static const char *asym_pmds =
	"[pmd.ipsecmb0]\ndriver = ipsecmb\n\n"
	"[pmd.openssl0]\ndriver = openssl\nargs = fault_inject=1\n";

/* One client with one queue pair and a few arena buffers. */
struct cli {
	struct ce_client *c;
	struct ce_qp *qp;
	uint8_t *in, *out, *sig;
};

static void
cli_open(struct cli *k)
{
	k->c = dt_connect();
	k->qp = ce_qp_create(k->c);
	CHECK(k->qp != NULL);
	k->in = ce_buf_alloc(k->c, 4096, 64);
	k->out = ce_buf_alloc(k->c, 4096, 64);
	k->sig = ce_buf_alloc(k->c, 4096, 64);
	CHECK(k->in && k->out && k->sig);
}

static void
cli_close(struct cli *k)
{
	CHECK_EQ(ce_qp_destroy(k->qp), 0);
	ce_client_close(k->c);
}

static int64_t
asym_sess(struct cli *k, const char *alg, const uint8_t *key, size_t kl, uint32_t ops,
	  struct ce_asym_session_info *info)
{
	struct ce_asym_session_params p = { .alg = alg, .key = key, .key_len = (uint32_t)kl,
					    .ops = ops };

	return ce_asym_session_create(k->c, &p, info);
}

static uint32_t
must_sess(struct cli *k, const char *alg, const uint8_t *key, size_t kl, uint32_t ops,
	  struct ce_asym_session_info *info)
{
	int64_t h = asym_sess(k, alg, key, kl, ops, info);

	if (h < 0) {
		fprintf(stderr, "%s: %s (%s)\n", alg, strerror((int)-h),
			ce_client_last_error(k->c));
		exit(1);
	}
	return (uint32_t)h;
}

/* One descriptor; @return its CQE. */
static struct ce_cqe
one(struct cli *k, struct ce_desc *d)
{
	struct ce_cqe cqe;

	ce_desc_set_cookie(d, 77);
	CHECK_EQ(ce_submit_burst(k->qp, d, 1), 1);
	dt_reap(k->qp, &cqe, 1);
	CHECK_EQ(cqe.cookie, 77);
	return cqe;
}

/* An op of session h on the client's buffers: in (len) -> out, sig (verify). */
static struct ce_cqe
op(struct cli *k, uint32_t h, uint8_t code, const uint8_t *in, uint32_t len,
   const uint8_t *sig, uint32_t sig_len)
{
	struct ce_desc d;

	if (len)
		memcpy(k->in, in, len);
	if (sig_len)
		memcpy(k->sig, sig, sig_len);
	memset(k->out, 0xa5, 4096);
	switch (code) {
	case CE_OP_SIGN:
		ce_prep_sign(&d, k->c, h, k->in, len, k->out);
		break;
	case CE_OP_SIG_VERIFY:
		ce_prep_verify(&d, k->c, h, k->in, len, k->sig, sig_len);
		break;
	case CE_OP_KPP_PUBKEY:
	case CE_OP_KPP_SECRET:
		ce_prep_kpp(&d, k->c, h, code, len ? k->in : NULL, len, k->out);
		break;
	default:
		ce_prep_akcipher(&d, k->c, h, code, k->in, len, k->out);
		break;
	}
	return one(k, &d);
}

/* ---- kat ---------------------------------------------------------------- */

static uint8_t
inverse_of(uint8_t code)
{
	return code == CE_OP_SIGN ? CE_OP_SIG_VERIFY : CE_OP_DECRYPT;
}

static void
run_kat(void)
{
	static struct ce_asym_tv_data d;
	unsigned int nb = 0, passed = 0;
	struct cli k;
	json_t *algs, *a;
	size_t i;

	dt_start(asym_pmds);
	cli_open(&k);
	for (const struct ce_asym_testvec *tv = ce_asym_testvec_next(NULL); tv != NULL;
	     tv = ce_asym_testvec_next(tv), nb++) {
		struct ce_asym_session_info info;
		struct ce_cqe cqe;
		uint32_t h;

		CHECK_EQ(ce_asym_testvec_decode(tv, &d), 0);
		h = must_sess(&k, tv->alg, d.key, d.key_len, CE_OP_BIT(tv->op), &info);
		CHECK_EQ(info.ops, CE_OP_BIT(tv->op));
		cqe = op(&k, h, tv->op, d.input, d.input_len, d.sig, d.sig_len);
		if (cqe.status != tv->status) {
			fprintf(stderr, "%s \"%s\": status %d, want %d\n", tv->alg, tv->desc,
				cqe.status, tv->status);
			exit(1);
		}
		if (cqe.status == 0 && d.has_output) {
			CHECK_EQ(cqe.out_len, d.output_len);
			CHECK_MEM(k.out, d.output, d.output_len);
		}
		if (cqe.status == 0 && tv->op == CE_OP_SIG_VERIFY)
			CHECK_EQ(cqe.out_len, 0);
		if (cqe.status == 0 && !d.has_output &&
		    (tv->op == CE_OP_SIGN || tv->op == CE_OP_ENCRYPT)) {
			uint8_t made[CE_TV_ASYM_DATA_MAX];
			uint32_t made_len = cqe.out_len, hi;

			CHECK(made_len > 0 && made_len <= info.out_max);
			memcpy(made, k.out, made_len);
			hi = must_sess(&k, tv->alg, d.key, d.key_len, CE_OP_BIT(inverse_of(tv->op)),
				       NULL);
			if (tv->op == CE_OP_SIGN) {
				CHECK_EQ(op(&k, hi, CE_OP_SIG_VERIFY, d.input, d.input_len, made,
					    made_len).status, 0);
				made[made_len - 1] ^= 0x01;
				CHECK_EQ(op(&k, hi, CE_OP_SIG_VERIFY, d.input, d.input_len, made,
					    made_len).status, -EBADMSG);
			} else {
				cqe = op(&k, hi, CE_OP_DECRYPT, made, made_len, NULL, 0);
				CHECK_EQ(cqe.status, 0);
				CHECK_EQ(cqe.out_len, d.input_len);
				CHECK_MEM(k.out, d.input, d.input_len);
			}
			CHECK_EQ(ce_session_destroy(k.c, hi), 0);
		}
		CHECK_EQ(ce_session_destroy(k.c, h), 0);
	}
	fprintf(stderr, "%u vectors through the daemon\n", nb);
	CHECK(nb >= 50);
	/* algs (paged): the implementations, their type and self-test state. */
	for (long from = 0; from >= 0;) {
		char req[64];
		json_t *next;

		snprintf(req, sizeof(req), "{\"cmd\": \"algs\", \"from\": %ld}", from);
		algs = dt_ctl(k.c, req);
		json_array_foreach(json_object_get(algs, "algs"), i, a) {
			const char *drv = json_string_value(json_object_get(a, "driver"));
			const char *type = json_string_value(json_object_get(a, "type"));

			if (strstr(drv, "openssl") == NULL)
				continue;
			CHECK(strcmp(type, "akcipher") == 0 || strcmp(type, "sig") == 0 ||
			      strcmp(type, "kpp") == 0);
			CHECK(strcmp(json_string_value(json_object_get(a, "selftest")),
				     "passed") == 0);
			passed++;
		}
		next = json_object_get(algs, "algs_next");
		from = next != NULL ? (long)json_integer_value(next) : -1;
		json_decref(algs);
	}
	CHECK_EQ(passed, 13);
	cli_close(&k);
	dt_stop();
}

/* ---- diff: fresh keys against OpenSSL ------------------------------------------ */

static void
diff_rsa(struct cli *k)
{
	static uint8_t key[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX];
	EVP_PKEY *pk = oracle_keygen("RSA2048");
	size_t kl = oracle_der_private(pk, key), pl = oracle_der_public(pk, pub), n;
	struct ce_asym_session_info info;
	/* msg: room for the too-long message below; msg_len bytes are the message. */
	uint8_t dig[32], ref[256], msg[256], ct[256], plain[256];
	const size_t msg_len = 100;
	uint32_t h, hv, pss, oaep;
	EVP_PKEY_CTX *c;
	struct ce_cqe cqe;

	RAND_bytes(dig, sizeof(dig));
	/* A private key: every op of pkcs1pad; PKCS#1 signatures byte for byte OpenSSL's. */
	h = must_sess(k, "pkcs1pad(rsa,sha256)", key, kl, 0, &info);
	CHECK_EQ(info.out_max, 256);
	CHECK_EQ(info.ops, CE_OP_BIT(CE_OP_ENCRYPT) | CE_OP_BIT(CE_OP_DECRYPT) |
		 CE_OP_BIT(CE_OP_SIGN) | CE_OP_BIT(CE_OP_SIG_VERIFY));
	oracle_rsa(pk, CE_OP_SIGN, RSA_PKCS1_PADDING, dig, 32, ref);
	cqe = op(k, h, CE_OP_SIGN, dig, 32, NULL, 0);
	CHECK_EQ(cqe.status, 0);
	CHECK_EQ(cqe.out_len, 256);
	CHECK_MEM(k->out, ref, 256);
	/* A public key: verify and encrypt only. */
	hv = must_sess(k, "pkcs1pad(rsa,sha256)", pub, pl, 0, &info);
	CHECK_EQ(info.ops, CE_OP_BIT(CE_OP_ENCRYPT) | CE_OP_BIT(CE_OP_SIG_VERIFY));
	CHECK_EQ(op(k, hv, CE_OP_SIG_VERIFY, dig, 32, ref, 256).status, 0);
	ref[100] ^= 0x08;
	CHECK_EQ(op(k, hv, CE_OP_SIG_VERIFY, dig, 32, ref, 256).status, -EBADMSG);
	CHECK_EQ(op(k, hv, CE_OP_SIG_VERIFY, dig, 20, ref, 256).status, -EINVAL);
	CHECK_EQ(op(k, hv, CE_OP_SIG_VERIFY, dig, 32, ref, 255).status, -EINVAL);
	CHECK_EQ(op(k, hv, CE_OP_SIGN, dig, 32, NULL, 0).status, -EINVAL);	/* not granted */
	/* Encrypt here, decrypt in OpenSSL; and back. */
	RAND_bytes(msg, msg_len);
	cqe = op(k, hv, CE_OP_ENCRYPT, msg, msg_len, NULL, 0);
	CHECK_EQ(cqe.status, 0);
	CHECK_EQ(cqe.out_len, 256);
	CHECK_EQ(oracle_rsa(pk, CE_OP_DECRYPT, RSA_PKCS1_PADDING, k->out, 256, plain), msg_len);
	CHECK_MEM(plain, msg, msg_len);
	oracle_rsa(pk, CE_OP_ENCRYPT, RSA_PKCS1_PADDING, msg, msg_len, ct);
	cqe = op(k, h, CE_OP_DECRYPT, ct, 256, NULL, 0);
	CHECK_EQ(cqe.status, 0);
	CHECK_EQ(cqe.out_len, msg_len);
	CHECK_MEM(k->out, msg, msg_len);
	CHECK_EQ(op(k, hv, CE_OP_ENCRYPT, msg, 246, NULL, 0).status, -EINVAL);	/* > k - 11 */
	/* PSS: ours verified by OpenSSL, OpenSSL's (salt 20) by ours. */
	pss = must_sess(k, "psspad(rsa,sha256)", key, kl, 0, NULL);
	cqe = op(k, pss, CE_OP_SIGN, dig, 32, NULL, 0);
	CHECK_EQ(cqe.status, 0);
	c = oracle_rsa_ctx(pk, EVP_PKEY_verify_init, RSA_PKCS1_PSS_PADDING);
	CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 32) == 1);
	CHECK_EQ(EVP_PKEY_verify(c, k->out, 256, dig, 32), 1);
	EVP_PKEY_CTX_free(c);
	c = oracle_rsa_ctx(pk, EVP_PKEY_sign_init, RSA_PKCS1_PSS_PADDING);
	CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, 20) == 1);
	n = sizeof(ref);
	CHECK(EVP_PKEY_sign(c, ref, &n, dig, 32) == 1);
	EVP_PKEY_CTX_free(c);
	CHECK_EQ(op(k, pss, CE_OP_SIG_VERIFY, dig, 32, ref, 256).status, 0);
	dig[5] ^= 1;
	CHECK_EQ(op(k, pss, CE_OP_SIG_VERIFY, dig, 32, ref, 256).status, -EBADMSG);
	/* OAEP, OpenSSL's ciphertext through ours, and a corrupted one. */
	oaep = must_sess(k, "oaep(rsa,sha256)", key, kl, 0, NULL);
	oracle_rsa(pk, CE_OP_ENCRYPT, RSA_PKCS1_OAEP_PADDING, msg, 48, ct);
	cqe = op(k, oaep, CE_OP_DECRYPT, ct, 256, NULL, 0);
	CHECK_EQ(cqe.status, 0);
	CHECK_EQ(cqe.out_len, 48);
	CHECK_MEM(k->out, msg, 48);
	ct[77] ^= 0x20;
	CHECK_EQ(op(k, oaep, CE_OP_DECRYPT, ct, 256, NULL, 0).status, -EBADMSG);
	CHECK_EQ(ce_session_destroy(k->c, h), 0);
	CHECK_EQ(ce_session_destroy(k->c, hv), 0);
	CHECK_EQ(ce_session_destroy(k->c, pss), 0);
	CHECK_EQ(ce_session_destroy(k->c, oaep), 0);
	EVP_PKEY_free(pk);
}

static void
diff_ecdsa(struct cli *k, const char *curve, const char *alg, uint32_t n)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	EVP_PKEY *pk = oracle_keygen(curve);
	size_t kl = oracle_der_private(pk, key);
	struct ce_asym_session_info info;
	uint32_t h = must_sess(k, alg, key, kl, 0, &info);
	uint8_t dig[48], raw[128];
	struct ce_cqe cqe;

	CHECK_EQ(info.out_max, 2 * n);
	for (int i = 0; i < 10; i++) {
		RAND_bytes(dig, sizeof(dig));
		/* Ours, as DER, verified by OpenSSL. */
		cqe = op(k, h, CE_OP_SIGN, dig, 32, NULL, 0);
		CHECK_EQ(cqe.status, 0);
		CHECK_EQ(cqe.out_len, 2 * n);
		CHECK_EQ(oracle_ecdsa_verify(pk, dig, 32, k->out, n), 1);
		/* OpenSSL's, as r || s, verified by ours; then flipped. */
		oracle_ecdsa_sign(pk, dig, 32, n, raw);
		CHECK_EQ(op(k, h, CE_OP_SIG_VERIFY, dig, 32, raw, 2 * n).status, 0);
		raw[i] ^= 0x40;
		CHECK_EQ(op(k, h, CE_OP_SIG_VERIFY, dig, 32, raw, 2 * n).status, -EBADMSG);
	}
	memset(raw, 0, sizeof(raw));	/* r = s = 0 */
	CHECK_EQ(op(k, h, CE_OP_SIG_VERIFY, dig, 32, raw, 2 * n).status, -EBADMSG);
	CHECK_EQ(op(k, h, CE_OP_SIG_VERIFY, dig, 32, raw, 2 * n + 1).status, -EINVAL);
	CHECK_EQ(op(k, h, CE_OP_SIGN, dig, 0, NULL, 0).status, -EINVAL);
	CHECK_EQ(ce_session_destroy(k->c, h), 0);
	EVP_PKEY_free(pk);
}

static void
diff_kpp(struct cli *k, const char *kind, const char *alg, uint32_t n)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	const bool ec = strncmp(kind, "P-", 2) == 0, dh = strncmp(kind, "ffdhe", 5) == 0;
	EVP_PKEY *mine = oracle_keygen(kind);
	size_t kl = oracle_der_private(mine, key), rl;
	struct ce_asym_session_info info;
	uint32_t h = must_sess(k, alg, key, kl, 0, &info), plen;
	uint8_t pub[512], ref[512];
	struct ce_cqe cqe;

	CHECK_EQ(info.ops, CE_OP_BIT(CE_OP_KPP_PUBKEY) | CE_OP_BIT(CE_OP_KPP_SECRET));
	CHECK_EQ(info.out_max, ec ? 2 * n : n);
	cqe = op(k, h, CE_OP_KPP_PUBKEY, NULL, 0, NULL, 0);
	plen = oracle_peer_value(mine, kind, n, pub);
	CHECK_EQ(cqe.status, 0);
	CHECK_EQ(cqe.out_len, plen);
	CHECK_MEM(k->out, pub, plen);
	for (int i = 0; i < (dh ? 2 : 8); i++) {
		EVP_PKEY *peer = oracle_keygen(kind);

		rl = oracle_derive(mine, peer, ref, sizeof(ref), dh);
		plen = oracle_peer_value(peer, kind, n, pub);
		cqe = op(k, h, CE_OP_KPP_SECRET, pub, plen, NULL, 0);
		CHECK_EQ(cqe.status, 0);
		CHECK_EQ(cqe.out_len, n);
		CHECK_EQ(rl, n);
		CHECK_MEM(k->out, ref, n);
		EVP_PKEY_free(peer);
	}
	CHECK_EQ(op(k, h, CE_OP_KPP_SECRET, pub, plen - 1, NULL, 0).status, -EINVAL);
	CHECK_EQ(op(k, h, CE_OP_KPP_PUBKEY, pub, 1, NULL, 0).status, -EINVAL);
	if (ec) {
		pub[2 * n - 1] ^= 0x01;	/* y + 1: off the curve */
		CHECK_EQ(op(k, h, CE_OP_KPP_SECRET, pub, plen, NULL, 0).status, -EINVAL);
	} else if (dh) {
		memset(pub, 0, n);
		pub[n - 1] = 1;	/* y = 1 */
		CHECK_EQ(op(k, h, CE_OP_KPP_SECRET, pub, plen, NULL, 0).status, -EINVAL);
	} else {
		/* Small order: u = 0 and u = 1 give the all-zero secret, refused
		 * (RFC 7748 section 6.1). */
		memset(pub, 0, 32);
		CHECK_EQ(op(k, h, CE_OP_KPP_SECRET, pub, 32, NULL, 0).status, -EINVAL);
		pub[0] = 1;
		CHECK_EQ(op(k, h, CE_OP_KPP_SECRET, pub, 32, NULL, 0).status, -EINVAL);
	}
	CHECK_EQ(ce_session_destroy(k->c, h), 0);
	EVP_PKEY_free(mine);
}

static void
run_diff(void)
{
	pid_t kids[2];

	dt_start(asym_pmds);
	/* Two client processes at once, on the one daemon. */
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			struct cli k;

			cli_open(&k);
			if (i == 0) {
				diff_rsa(&k);
				diff_ecdsa(&k, "P-256", "ecdsa-nist-p256", 32);
				diff_ecdsa(&k, "P-384", "ecdsa-nist-p384", 48);
			} else {
				diff_kpp(&k, "P-256", "ecdh-nist-p256", 32);
				diff_kpp(&k, "P-384", "ecdh-nist-p384", 48);
				diff_kpp(&k, "X25519", "curve25519", 32);
				diff_kpp(&k, "ffdhe2048", "ffdhe2048(dh)", 256);
			}
			cli_close(&k);
			_exit(0);
		}
	}
	for (int i = 0; i < 2; i++)
		CHECK_EQ(dt_wait_exit(kids[i]), 0);
	dt_stop();
}

/* ---- refuse ---------------------------------------------------------------- */

static void
refused(struct cli *k, const char *alg, const uint8_t *key, size_t kl, uint32_t ops, int err,
	const char *reason)
{
	int64_t h = asym_sess(k, alg, key, kl, ops, NULL);

	if (h != -err || strstr(ce_client_last_error(k->c), reason) == NULL) {
		fprintf(stderr, "%s: %lld '%s', want %d '%s'\n", alg, (long long)h,
			ce_client_last_error(k->c), -err, reason);
		exit(1);
	}
}

static void
run_refuse(void)
{
	static uint8_t key[CE_ASYM_KEY_MAX], pub[CE_ASYM_KEY_MAX], other[CE_ASYM_KEY_MAX];
	EVP_PKEY *p256 = oracle_keygen("P-256"), *p384 = oracle_keygen("P-384"), *x = oracle_keygen("X25519");
	size_t kl = oracle_der_private(p256, key), pl = oracle_der_public(p256, pub), ol;
	struct ce_asym_session_info info;
	struct ce_session_params sp = { .alg = "ecdsa-nist-p256", .key = key, .key_len = 16,
					.direction = CE_SESS_DIR_BOTH };
	struct ce_asym_session_params ap = { .alg = "gcm(aes)", .key = key, .key_len = 16 };
	struct ce_desc d;
	struct cli k;
	uint32_t h;

	dt_start(asym_pmds);
	cli_open(&k);
	/* Keys. */
	refused(&k, "ecdsa-nist-p256", (const uint8_t *)"not DER at all", 14, 0, EINVAL,
		"malformed key");
	refused(&k, "ecdsa-nist-p256", key, kl - 3, 0, EINVAL, "malformed key");
	ol = oracle_der_private(p384, other);
	refused(&k, "ecdsa-nist-p256", other, ol, 0, EINVAL, "curve");
	ol = oracle_der_private(x, other);
	refused(&k, "ecdh-nist-p256", other, ol, 0, EINVAL, "key type");
	refused(&k, "ecdh-nist-p256", pub, pl, 0, ENOKEY, "private key");
	refused(&k, "ecdsa-nist-p256", pub, pl, CE_OP_BIT(CE_OP_SIGN), ENOKEY, "private key");
	refused(&k, "ecdsa-nist-p256", key, kl, CE_OP_BIT(CE_OP_ENCRYPT), EINVAL, "has only");
	refused(&k, "no-such-alg", key, kl, 0, ENOENT, "");
	/* Each message refuses the other's algorithms; the library the bad sizes. */
	CHECK_EQ(ce_session_create(k.c, &sp), -EINVAL);
	CHECK(strstr(ce_client_last_error(k.c), "ASYM_SESSION_CREATE") != NULL);
	CHECK_EQ(ce_asym_session_create(k.c, &ap, NULL), -ENOENT);
	CHECK(strstr(ce_client_last_error(k.c), "not an asymmetric") != NULL);
	ap.alg = "ecdsa-nist-p256";
	ap.key_len = CE_ASYM_KEY_MAX + 1;
	CHECK_EQ(ce_asym_session_create(k.c, &ap, NULL), -EINVAL);
	ap.key_len = 0;
	CHECK_EQ(ce_asym_session_create(k.c, &ap, NULL), -EINVAL);
	ap.key_len = kl;
	ap.ops = CE_OP_BIT(CE_OP_DIGEST);
	CHECK_EQ(ce_asym_session_create(k.c, &ap, NULL), -EINVAL);
	/* A public key: verify only. */
	h = must_sess(&k, "ecdsa-nist-p256", pub, pl, 0, &info);
	CHECK_EQ(info.ops, CE_OP_BIT(CE_OP_SIG_VERIFY));
	CHECK_EQ(info.out_max, 64);
	memset(k.in, 1, 32);
	ce_prep_sign(&d, k.c, h, k.in, 32, k.out);
	CHECK_EQ(one(&k, &d).status, -EINVAL);	/* not granted */
	CHECK_EQ(ce_session_destroy(k.c, h), 0);
	/* The validator: out_max bytes at dst, no in place, the signature on verify only. */
	h = must_sess(&k, "ecdsa-nist-p256", key, kl, 0, &info);
	ce_prep_sign(&d, k.c, h, k.in, 32, k.in + 16);	/* dst overlaps the digest */
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	ce_prep_sign(&d, k.c, h, k.in, 32, k.out);
	d.dst_off = ce_buf_offset(k.c, k.out) + 4096 - 63;	/* 63 bytes of room */
	d.dst_off += (uint64_t)16 * 1024 * 1024;		/* past the arena */
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	ce_prep_sign(&d, k.c, h, k.in, 32, k.out);
	d.aad_len = 64;
	d.aad_off = ce_buf_offset(k.c, k.sig);
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	ce_prep_verify(&d, k.c, h, k.in, 32, k.sig, 65);	/* longer than out_max */
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	ce_prep_hash(&d, k.c, h, CE_OP_DIGEST, k.in, 32, k.out);
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	/* The handle's class mark flipped (to slip past asym_window): stale. */
	ce_prep_sign(&d, k.c, h ^ ((uint32_t)CE_SHM_SESS_GEN_ASYM << 16), k.in, 32, k.out);
	CHECK_EQ(one(&k, &d).status, -EINVAL);
	CHECK((h >> 16) & CE_SHM_SESS_GEN_ASYM);	/* the daemon marked it */
	/* Still served after all that. */
	ce_prep_sign(&d, k.c, h, k.in, 32, k.out);
	CHECK_EQ(one(&k, &d).status, 0);
	CHECK_EQ(ce_session_destroy(k.c, h), 0);
	cli_close(&k);
	dt_stop();
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(x);
}

/* ---- mixed --------------------------------------------------------------- */

#define MIX_GCM 64
/* Signs held in part 1: the default [engine] asym_window, and window too,
 * so that a window shared by both classes would take no GCM request. */
#define MIX_HELD 64

static void
fault(struct cli *k, const char *mode)
{
	char req[128];
	json_t *r;

	snprintf(req, sizeof(req), "{\"cmd\": \"fault\", \"device\": \"openssl0\", \"mode\": \"%s\"}",
		 mode);
	r = dt_ctl(k->c, req);
	CHECK(r != NULL);
	json_decref(r);
}

/* The worker's sleeps so far (the stats command's first engine). */
static unsigned long long
worker_sleeps(struct cli *k)
{
	json_t *j = dt_ctl(k->c, "{\"cmd\":\"stats\"}");
	unsigned long long n;

	CHECK(j != NULL);
	n = (unsigned long long)json_integer_value(json_object_get(
		json_array_get(json_object_get(j, "engines"), 0), "sleeps"));
	json_decref(j);
	return n;
}

/*
 * nb_rsa RSA-4096 signs, then MIX_GCM AES-128-GCM encryptions of 64 bytes,
 * in one submit. Cookies: i < nb_rsa sign i, else GCM.
 */
static void
mix_submit(struct cli *k, uint32_t rsa, uint32_t gcm, unsigned int nb_rsa, uint8_t *outs,
	   uint8_t *gcm_in, uint8_t *gcm_out, uint8_t *iv, uint8_t *tags)
{
	struct ce_desc d[64 + MIX_GCM];
	unsigned int n = 0;

	for (unsigned int i = 0; i < nb_rsa; i++, n++) {
		ce_prep_sign(&d[n], k->c, rsa, k->in, 32, outs + 512 * i);
		ce_desc_set_cookie(&d[n], n);
	}
	for (unsigned int i = 0; i < MIX_GCM; i++, n++) {
		ce_prep_aead(&d[n], k->c, gcm, CE_OP_ENCRYPT, gcm_in + 64 * i, gcm_out + 64 * i, 64,
			     iv, NULL, 0, tags + 16 * i);
		ce_desc_set_cookie(&d[n], n);
	}
	CHECK_EQ(ce_submit_burst(k->qp, d, n), (int)n);
}

/*
 * The openssl device's thread (named "ossl-openssl0") may run on no worker
 * lcore: with lcores 0,1, CPU 1 is the worker's; EAL gives control threads
 * the main lcore's CPU when every CPU is an lcore.
 */
static void
check_thread_off_workers(void)
{
	char path[300], line[256], comm[64];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)dt_pid);
	dir = opendir(path);
	CHECK(dir != NULL);
	while ((de = readdir(dir)) != NULL && !found) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)dt_pid, de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) == NULL)
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "ossl-openssl0", 13) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)dt_pid, de->d_name);
		f = fopen(path, "r");
		CHECK(f != NULL);
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "Cpus_allowed_list:", 18) != 0)
				continue;
			fprintf(stderr, "openssl device thread %s: %s", de->d_name, line);
			/* "0" only: the main lcore's CPU, not the worker's. */
			CHECK(strcmp(line + 18 + strspn(line + 18, " \t"), "0\n") == 0);
			found = true;
		}
		fclose(f);
	}
	closedir(dir);
	CHECK(found);
}

static void
run_mixed(void)
{
	static uint8_t key[CE_ASYM_KEY_MAX];
	uint8_t aes_key[16], dig[32], want_ct[64 * MIX_GCM];
	EVP_PKEY *pk = oracle_keygen("RSA4096");
	size_t kl = oracle_der_private(pk, key);
	struct ce_session_params gp = { .alg = "gcm(aes)", .key = aes_key, .key_len = 16,
					.iv_len = 12, .digest_len = 16,
					.direction = CE_SESS_DIR_ENCRYPT };
	struct ce_cqe cqes[64 + MIX_GCM];
	uint8_t *outs, *gin, *gout, *iv, *tags;
	unsigned int gcm_before = 0, first_rsa = UINT32_MAX, last_rsa = 0, last_gcm = 0;
	int64_t h64;
	uint32_t rsa, gcm;
	EVP_CIPHER_CTX *ec;
	struct cli k;
	int len;

	dt_start(asym_pmds);
	check_thread_off_workers();
	cli_open(&k);
	RAND_bytes(aes_key, sizeof(aes_key));
	RAND_bytes(dig, sizeof(dig));
	memcpy(k.in, dig, 32);
	rsa = must_sess(&k, "pkcs1pad(rsa,sha256)", key, kl, CE_OP_BIT(CE_OP_SIGN), NULL);
	h64 = ce_session_create(k.c, &gp);
	CHECK(h64 >= 0);
	gcm = (uint32_t)h64;
	outs = ce_buf_alloc(k.c, 512 * 64, 64);
	gin = ce_buf_alloc(k.c, 64 * MIX_GCM, 64);
	gout = ce_buf_alloc(k.c, 64 * MIX_GCM, 64);
	iv = ce_buf_alloc(k.c, 16, 64);
	tags = ce_buf_alloc(k.c, 16 * MIX_GCM, 64);
	CHECK(outs && gin && gout && iv && tags);
	RAND_bytes(gin, 64 * MIX_GCM);
	RAND_bytes(iv, 12);
	/* The answer: OpenSSL's GCM of each 64-byte block. */
	for (unsigned int i = 0; i < MIX_GCM; i++) {
		ec = EVP_CIPHER_CTX_new();
		CHECK(EVP_EncryptInit_ex(ec, EVP_aes_128_gcm(), NULL, aes_key, iv) == 1);
		CHECK(EVP_EncryptUpdate(ec, want_ct + 64 * i, &len, gin + 64 * i, 64) == 1);
		CHECK(EVP_EncryptFinal_ex(ec, want_ct + 64 * i + len, &len) == 1);
		EVP_CIPHER_CTX_free(ec);
	}

	/* 1. The device held: no sign can finish; every GCM request must. */
	fault(&k, "hold");
	mix_submit(&k, rsa, gcm, MIX_HELD, outs, gin, gout, iv, tags);
	dt_reap(k.qp, cqes, MIX_GCM);
	for (unsigned int i = 0; i < MIX_GCM; i++) {
		CHECK(cqes[i].cookie >= MIX_HELD);	/* a GCM request, not a sign */
		CHECK_EQ(cqes[i].status, 0);
	}
	CHECK_MEM(gout, want_ct, sizeof(want_ct));
	CHECK_EQ(ce_qp_inflight(k.qp), MIX_HELD);	/* the signs, still held */
	/* Only signs out: the worker naps between polls instead of spinning
	 * (a spinning one never sleeps with requests in flight). */
	{
		unsigned long long s0 = worker_sleeps(&k), s1;

		usleep(50 * 1000);
		s1 = worker_sleeps(&k);
		fprintf(stderr, "signs held: the worker slept %llu times in 50 ms\n", s1 - s0);
		CHECK(s1 > s0);
	}
	fault(&k, "none");
	dt_reap(k.qp, cqes, MIX_HELD);
	for (unsigned int i = 0; i < MIX_HELD; i++) {
		EVP_PKEY_CTX *c = oracle_rsa_ctx(pk, EVP_PKEY_verify_init, RSA_PKCS1_PADDING);

		CHECK(cqes[i].cookie < MIX_HELD && cqes[i].status == 0 && cqes[i].out_len == 512);
		CHECK_EQ(EVP_PKEY_verify(c, outs + 512 * cqes[i].cookie, 512, dig, 32), 1);
		EVP_PKEY_CTX_free(c);
	}

	/* 2. For real: 32 signs (hundreds of ms of one core) ahead of the GCM
	 * requests; every GCM completion comes before the last sign's. */
	memset(gout, 0, 64 * MIX_GCM);
	mix_submit(&k, rsa, gcm, 32, outs, gin, gout, iv, tags);
	dt_reap(k.qp, cqes, 32 + MIX_GCM);
	for (unsigned int i = 0; i < 32 + MIX_GCM; i++) {
		CHECK_EQ(cqes[i].status, 0);
		if (cqes[i].cookie < 32) {
			first_rsa = first_rsa == UINT32_MAX ? i : first_rsa;
			last_rsa = i;
		} else {
			last_gcm = i;
			gcm_before += first_rsa == UINT32_MAX;
		}
	}
	fprintf(stderr, "real RSA-4096: the last GCM completion was #%u of %u, the last sign "
		"#%u; %u GCM completions before the first sign's\n", last_gcm + 1, 32 + MIX_GCM,
		last_rsa + 1, gcm_before);
	CHECK(last_gcm < last_rsa);
	CHECK_MEM(gout, want_ct, sizeof(want_ct));
	cli_close(&k);
	dt_stop();
	EVP_PKEY_free(pk);
}

int
main(int argc, char **argv)
{
	dt_init(argc, argv);
	if (argc < 3) {
		fprintf(stderr, "usage: %s CRYPTOENGD kat|diff|refuse|mixed\n", argv[0]);
		return 1;
	}
	if (strcmp(argv[2], "kat") == 0)
		run_kat();
	else if (strcmp(argv[2], "diff") == 0)
		run_diff();
	else if (strcmp(argv[2], "refuse") == 0)
		run_refuse();
	else if (strcmp(argv[2], "mixed") == 0)
		run_mixed();
	else
		return 1;
	return 0;
}
