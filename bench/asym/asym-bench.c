/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * asym-bench: asymmetric operations through a running cryptoengd, a fixed
 * number in flight, for a fixed time each: RSA-2048 sign (PKCS#1 v1.5),
 * ECDSA P-256 sign and verify, ECDH P-256 and X25519 shared secrets; ops/s
 * per operation, the figures `openssl speed` gives for the same ones.
 * Keys are made here (OpenSSL) and given as DER. Every completion's status
 * is checked (a verify must say valid): a wrong answer is not a fast one.
 *
 *   asym-bench [--socket PATH] [--seconds S] [--inflight N] [--only NAME]
 *              [--driver-rsa NAME]
 *
 * Output: one line per operation, "name ops/s completed errors".
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cryptoeng.h"

#define AB_MAX_INFLIGHT 256
#define AB_OUT 512

struct ab_op {
	const char *name;       /* as openssl speed names it */
	const char *alg;
	const char *driver;
	uint8_t op;
	EVP_PKEY *key;
	uint8_t in[64];         /* digest, or the peer's public key */
	uint32_t in_len;
	uint8_t sig[AB_OUT];    /* verify: a valid signature */
	uint32_t sig_len;
};

static double
ab_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
ab_der(EVP_PKEY *k, uint8_t **der)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
	int n;

	*der = NULL;
	if (p8 == NULL)
		return -1;
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return n;
}

/* The peer's public key in the daemon's format (EC: x || y; X25519: u). */
static uint32_t
ab_peer_pub(EVP_PKEY *peer, uint8_t *out)
{
	uint8_t pt[1 + 2 * 66];
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n) != 1)
		return 0;
	if (EVP_PKEY_is_a(peer, "EC")) {
		memcpy(out, pt + 1, n - 1);
		return (uint32_t)(n - 1);
	}
	memcpy(out, pt, n);
	return (uint32_t)n;
}

static bool
ab_setup(struct ab_op *o)
{
	EVP_PKEY *peer = NULL;
	EVP_PKEY_CTX *c;
	size_t sl = AB_OUT;

	if (strncmp(o->name, "rsa", 3) == 0)
		o->key = EVP_RSA_gen(2048);
	else if (strcmp(o->name, "ecdhx25519") == 0)
		o->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	else
		o->key = EVP_EC_gen("P-256");
	if (o->key == NULL)
		return false;
	if (o->op == CE_OP_KPP_SECRET) {
		peer = strcmp(o->name, "ecdhx25519") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "X25519") :
			EVP_EC_gen("P-256");
		o->in_len = peer != NULL ? ab_peer_pub(peer, o->in) : 0;
		EVP_PKEY_free(peer);
		return o->in_len != 0;
	}
	o->in_len = 32;
	RAND_bytes(o->in, 32);
	if (o->op != CE_OP_SIG_VERIFY)
		return true;
	/* A valid signature to verify, OpenSSL's, as r || s. */
	c = EVP_PKEY_CTX_new(o->key, NULL);
	{
		uint8_t der[160];
		const unsigned char *p = der;
		ECDSA_SIG *s;
		bool ok = c != NULL && EVP_PKEY_sign_init(c) == 1 &&
			  EVP_PKEY_sign(c, der, &sl, o->in, 32) == 1;

		EVP_PKEY_CTX_free(c);
		if (!ok || (s = d2i_ECDSA_SIG(NULL, &p, (long)sl)) == NULL)
			return false;
		BN_bn2binpad(ECDSA_SIG_get0_r(s), o->sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(s), o->sig + 32, 32);
		ECDSA_SIG_free(s);
		o->sig_len = 64;
	}
	return true;
}

/* Run o for @p seconds with @p inflight requests out. */
static int
ab_run(struct ce_client *c, struct ce_qp *qp, struct ab_op *o, double seconds,
       unsigned int inflight, uint8_t *arena)
{
	struct ce_asym_session_params sp = { .alg = o->alg, .driver = o->driver,
					     .ops = CE_OP_BIT(o->op) };
	struct ce_desc d[AB_MAX_INFLIGHT];
	struct ce_cqe cqe[AB_MAX_INFLIGHT];
	uint64_t done = 0, errors = 0, out = 0;
	uint8_t *der, *in = arena, *sig = arena + 64, *outs = arena + 1024;
	double t0, t1;
	int64_t h;
	int n;

	n = ab_der(o->key, &der);
	if (n <= 0)
		return -EINVAL;
	sp.key = der;
	sp.key_len = (uint32_t)n;
	h = ce_asym_session_create(c, &sp, NULL);
	OPENSSL_clear_free(der, (size_t)n);
	if (h < 0) {
		fprintf(stderr, "%s: %s: %s\n", o->name, o->alg, ce_client_last_error(c));
		return (int)h;
	}
	memcpy(in, o->in, o->in_len);
	memcpy(sig, o->sig, o->sig_len);
	for (unsigned int i = 0; i < inflight; i++) {
		uint8_t *dst = outs + (size_t)i * AB_OUT;

		if (o->op == CE_OP_SIGN)
			ce_prep_sign(&d[i], c, (uint32_t)h, in, o->in_len, dst);
		else if (o->op == CE_OP_SIG_VERIFY)
			ce_prep_verify(&d[i], c, (uint32_t)h, in, o->in_len, sig, o->sig_len);
		else
			ce_prep_kpp(&d[i], c, (uint32_t)h, o->op, in, o->in_len, dst);
		ce_desc_set_cookie(&d[i], i);
	}
	t0 = ab_now();
	t1 = t0;
	while (t1 - t0 < seconds || out != 0) {
		bool more = t1 - t0 < seconds;
		unsigned int want = more ? inflight - (unsigned int)out : 0;

		if (want != 0) {
			n = ce_submit_burst(qp, d, want);
			if (n < 0)
				break;
			out += (unsigned int)n;
		}
		n = ce_poll_burst(qp, cqe, AB_MAX_INFLIGHT);
		if (n < 0)
			break;
		if (n == 0 && ce_wait(qp, 100) < 0)
			break;
		for (int i = 0; i < n; i++)
			errors += cqe[i].status != 0;
		done += (unsigned int)n;
		out -= (unsigned int)n;
		t1 = ab_now();
	}
	printf("%-14s %-26s %10.0f ops/s  %8llu done  %llu errors\n", o->name,
	       o->driver ? o->driver : o->alg, (double)done / (t1 - t0),
	       (unsigned long long)done, (unsigned long long)errors);
	(void)ce_session_destroy(c, (uint32_t)h);
	return errors != 0 ? -EIO : 0;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "inflight", required_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ "driver-rsa", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct ab_op ops[] = {
		{ .name = "rsa2048-sign", .alg = "pkcs1pad(rsa,sha256)", .op = CE_OP_SIGN },
		{ .name = "ecdsap256-sign", .alg = "ecdsa-nist-p256", .op = CE_OP_SIGN },
		{ .name = "ecdsap256-verify", .alg = "ecdsa-nist-p256", .op = CE_OP_SIG_VERIFY },
		{ .name = "ecdhp256", .alg = "ecdh-nist-p256", .op = CE_OP_KPP_SECRET },
		{ .name = "ecdhx25519", .alg = "curve25519", .op = CE_OP_KPP_SECRET },
	};
	const char *sock = NULL, *only = NULL;
	double seconds = 3;
	unsigned int inflight = 64;
	struct ce_client *c;
	struct ce_qp *qp;
	uint8_t *arena;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 't': seconds = atof(optarg); break;
		case 'n': inflight = (unsigned int)atoi(optarg); break;
		case 'o': only = optarg; break;
		case 'r': ops[0].driver = optarg; break;
		default:
			fprintf(stderr, "usage: %s [--socket PATH] [--seconds S] [--inflight N] "
				"[--only NAME] [--driver-rsa NAME]\n", argv[0]);
			return 2;
		}
	}
	if (inflight == 0 || inflight > AB_MAX_INFLIGHT || seconds <= 0) {
		fprintf(stderr, "asym-bench: --inflight 1..%u, --seconds > 0\n", AB_MAX_INFLIGHT);
		return 2;
	}
	c = ce_client_connect(sock, &(struct ce_client_opts){ .name = "asym-bench",
		.region_size = 4u << 20, .nb_qps = 1, .sq_entries = 512 });
	if (c == NULL) {
		fprintf(stderr, "asym-bench: connect: %s\n", strerror(errno));
		return 1;
	}
	qp = ce_qp_create(c);
	arena = ce_buf_alloc(c, 1024 + (size_t)AB_MAX_INFLIGHT * AB_OUT, 4096);
	if (qp == NULL || arena == NULL) {
		fprintf(stderr, "asym-bench: setup: %s\n", ce_client_last_error(c));
		return 1;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (only != NULL && strcmp(only, ops[i].name) != 0)
			continue;
		if (!ab_setup(&ops[i])) {
			fprintf(stderr, "asym-bench: %s: key setup failed\n", ops[i].name);
			ret = 1;
			continue;
		}
		if (ab_run(c, qp, &ops[i], seconds, inflight, arena) < 0)
			ret = 1;
		EVP_PKEY_free(ops[i].key);
	}
	ce_client_close(c);
	return ret;
}
