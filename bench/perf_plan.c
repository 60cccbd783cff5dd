/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: the plan of a run (perf_plan_make): the daemon's algorithm and
 * driver names, key, IV, AAD and digest sizes, from the parsed options.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cryptoeng.h"
#include "perf.h"

/*
 * --devtype → the backend suffix of the daemon's driver names
 * ("gcm-aes-ipsecmb"): crypto-perf's device names map to the backend that
 * does the same job here.
 */
static const struct {
	const char *devtype;
	const char *backend;
} opts_devtypes[] = {
	{ "sw", "ipsecmb" },
	{ "crypto_aesni_mb", "ipsecmb" },
	{ "crypto_aesni_gcm", "ipsecmb" },
	{ "ipsecmb", "ipsecmb" },
	{ "sodium", "sodium" },
	{ "null", "null" },
	{ "crypto_null", "null" },
	{ "qat", "qat" },
	{ "crypto_qat", "qat" },
	{ "any", NULL },
};

/* "authenc(hmac(sha1),cbc(aes))" → "authenc-hmac-sha1-cbc-aes", the daemon's driver stem. */
static void
opts_driver_stem(const char *alg, char *out, size_t size)
{
	size_t n = 0;

	for (; *alg && n + 1 < size; alg++) {
		if (*alg == ')')
			continue;
		out[n++] = (*alg == '(' || *alg == ',') ? '-' : *alg;
	}
	out[n] = '\0';
}

/* Deterministic key bytes: the same run gives the same keys, so results repeat. */
static void
opts_fill_key(uint8_t *k, uint32_t len, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		k[i] = (uint8_t)(seed + i * 13);
}

int
perf_plan_make(const struct perf_opts *o, struct perf_plan *p)
{
	const char *cipher = o->cipher_algo->kernel, *auth = o->auth_algo->kernel;
	char stem[96];
	uint32_t i;

	if (perf_optype_is_asym(o->optype))
		return perf_asym_plan(o, p);
	memset(p, 0, sizeof(*p));
	switch (o->optype) {
	case PERF_CIPHER_ONLY:
		snprintf(p->alg, sizeof(p->alg), "%s", cipher);
		p->op = o->cipher_decrypt ? CE_OP_DECRYPT : CE_OP_ENCRYPT;
		p->key_len = o->cipher_key_sz;
		p->cipher_key_len = o->cipher_key_sz;
		p->iv_len = o->cipher_iv_sz;
		p->has_output = 1;
		opts_fill_key(p->key, p->key_len, 0x11);
		break;
	case PERF_AUTH_ONLY:
		snprintf(p->alg, sizeof(p->alg), "%s", auth);
		p->op = o->auth_verify ? CE_OP_VERIFY : CE_OP_DIGEST;
		p->key_len = o->auth_key_sz;
		p->digest_len = o->digest_sz;
		opts_fill_key(p->key, p->key_len, 0x41);
		if (o->auth_iv_sz) {
			fprintf(stderr, "cryptoeng-perf: %s takes no IV (--auth-iv-sz)\n", auth);
			return -EINVAL;
		}
		break;
	case PERF_AUTH_THEN_CIPHER:
		if (!o->cipher_decrypt) {
			/* MAC-then-encrypt: the kernel's authenc is encrypt-then-MAC only. */
			fprintf(stderr, "cryptoeng-perf: auth-then-cipher with generate/encrypt "
				"(MAC-then-encrypt) has no kernel algorithm; authenc() is encrypt-then-MAC: "
				"use cipher-then-auth, or auth-then-cipher with verify/decrypt\n");
			return -EINVAL;
		}
		/* verify+decrypt is authenc's decrypt direction */
		__attribute__((fallthrough));
	case PERF_CIPHER_THEN_AUTH:
		if (strncmp(auth, "hmac(", 5) != 0) {
			fprintf(stderr, "cryptoeng-perf: %s with %s: authenc() needs an HMAC\n",
				perf_optype_str(o->optype), o->auth_algo->dpdk);
			return -EINVAL;
		}
		snprintf(p->alg, sizeof(p->alg), "authenc(%s,%s)", auth, cipher);
		p->op = o->cipher_decrypt ? CE_OP_DECRYPT : CE_OP_ENCRYPT;
		/* The kernel's authenc key blob: rtattr, enckeylen, HMAC key (any
		 * length: crypto-perf's default 64), cipher key. */
		p->key_len = CE_AUTHENC_KEY_HDR_LEN + o->auth_key_sz + o->cipher_key_sz;
		p->cipher_key_len = o->cipher_key_sz;
		p->auth_key_len = o->auth_key_sz;
		p->iv_len = o->cipher_iv_sz;
		p->digest_len = o->digest_sz;
		p->has_output = 1;
		if (p->key_len <= PERF_MAX_KEY) {
			uint8_t raw[PERF_MAX_KEY];

			opts_fill_key(raw, o->auth_key_sz, 0x41);
			opts_fill_key(raw + o->auth_key_sz, o->cipher_key_sz, 0x11);
			if (ce_authenc_key_build(p->key, sizeof(p->key), raw, o->auth_key_sz,
						 raw + o->auth_key_sz, o->cipher_key_sz) < 0)
				return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	case PERF_AEAD:
		snprintf(p->alg, sizeof(p->alg), "%s", o->aead_algo->kernel);
		p->op = o->aead_decrypt ? CE_OP_DECRYPT : CE_OP_ENCRYPT;
		p->key_len = o->aead_key_sz;
		p->cipher_key_len = o->aead_key_sz;
		p->iv_len = o->aead_iv_sz;
		p->digest_len = o->digest_sz;
		p->aad_len = o->aead_aad_sz;
		p->has_output = 1;
		opts_fill_key(p->key, p->key_len, 0x21);
		break;
	}
	if (p->key_len > PERF_MAX_KEY || p->iv_len > PERF_MAX_IV || p->digest_len > PERF_MAX_DIGEST) {
		fprintf(stderr, "cryptoeng-perf: key %u (max %u), IV %u (max %u) or digest %u (max %u) too long\n",
			p->key_len, PERF_MAX_KEY, p->iv_len, PERF_MAX_IV, p->digest_len, PERF_MAX_DIGEST);
		return -EINVAL;
	}
	p->direction = (p->op == CE_OP_DECRYPT || p->op == CE_OP_VERIFY) ?
		CE_SESS_DIR_DECRYPT : CE_SESS_DIR_ENCRYPT;

	/* Which implementation to ask for. */
	if (o->driver) {
		snprintf(p->driver, sizeof(p->driver), "%s", o->driver);
		return 0;
	}
	for (i = 0; i < sizeof(opts_devtypes) / sizeof(opts_devtypes[0]); i++)
		if (strcmp(o->devtype, opts_devtypes[i].devtype) == 0)
			break;
	opts_driver_stem(p->alg, stem, sizeof(stem));
	if (i < sizeof(opts_devtypes) / sizeof(opts_devtypes[0])) {
		p->backend = opts_devtypes[i].backend;
	} else if (strncmp(o->devtype, stem, strlen(stem)) == 0) {
		/* A full driver name for this algorithm. */
		snprintf(p->driver, sizeof(p->driver), "%s", o->devtype);
		return 0;
	} else {
		/* Any other word: a backend's name. */
		p->backend = o->devtype;
	}
	if (p->backend)
		snprintf(p->driver, sizeof(p->driver), "%s-%s", stem, p->backend);
	return 0;
}
