/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf's asymmetric modes: their options checked and their plan
 * (the daemon's algorithm, op and sizes). Keys, inputs and the OpenSSL check
 * of every result are in perf_asym_ref.c.
 *
 *   --optype modex   DPDK 22.11's name: x^e mod n. Here raw RSA ("rsa"):
 *                    encrypt (default) x^65537 mod n, decrypt x^d mod n (CRT);
 *                    --modex-len is the modulus in bytes as in DPDK, but only
 *                    256, 384 and 512 exist here (DPDK's built-in vectors are
 *                    60, 128, 255 and 448 bytes, with their own exponents).
 *   --optype rsa     --asym-op sign (default) / verify / encrypt / decrypt,
 *                    --rsa-modlen 2048 / 3072 / 4096, --rsa-padding pkcs1 /
 *                    pss / oaep
 *   --optype ecdsa   --asym-op sign (default) / verify, --curve p256 / p384
 *                    (ecdsa_p256r1, ecdsa_p384r1: later DPDK's optype names)
 *   --optype ecdh    --asym-op derive (default) / pubkey, --curve p256 / p384
 *                    / x25519
 *
 * "Buf Size" is the request's input in bytes (the digest, the peer's public
 * key, the modulus), the output's for pubkey, which has no input.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cryptoeng.h"
#include "perf.h"

#define ASYM_ERR(...) fprintf(stderr, "cryptoeng-perf: " __VA_ARGS__)

/* Which --asym-op each optype takes, as a mask of 1 << enum perf_asym_op. */
#define OPBIT(x) (1u << PERF_ASYM_OP_##x)

static uint32_t
asym_ops_allowed(const struct perf_opts *o)
{
	switch (o->optype) {
	case PERF_MODEX:
		return OPBIT(ENCRYPT) | OPBIT(DECRYPT);
	case PERF_RSA:
		if (o->rsa_padding == PERF_RSA_PAD_PSS)
			return OPBIT(SIGN) | OPBIT(VERIFY);
		if (o->rsa_padding == PERF_RSA_PAD_OAEP)
			return OPBIT(ENCRYPT) | OPBIT(DECRYPT);
		return OPBIT(SIGN) | OPBIT(VERIFY) | OPBIT(ENCRYPT) | OPBIT(DECRYPT);
	case PERF_ECDSA:
		return OPBIT(SIGN) | OPBIT(VERIFY);
	case PERF_ECDH:
		return OPBIT(DERIVE) | OPBIT(PUBKEY);
	default:
		return 0;
	}
}

static void
asym_ops_text(uint32_t mask, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = PERF_ASYM_OP_SIGN; i <= PERF_ASYM_OP_PUBKEY; i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      perf_asym_op_str((enum perf_asym_op)i));
}

int
perf_asym_opts_check(struct perf_opts *o)
{
	const char *optype = perf_optype_str(o->optype);
	uint32_t allowed = asym_ops_allowed(o);
	char ops[96];

	if (o->sizes_given) {
		ASYM_ERR("--optype %s: --buffer-sz, --imix and --test-file are for symmetric "
			 "optypes: an asymmetric request's sizes come from the key (--rsa-modlen, "
			 "--curve, --modex-len)\n", optype);
		return -EINVAL;
	}
	if (o->modex_len && o->optype != PERF_MODEX) {
		fprintf(stderr, "USER1: Option modex len should be used only with  optype: modex.\n");
		return -EINVAL;
	}
	if (o->rsa_modlen && o->optype != PERF_RSA) {
		ASYM_ERR("--rsa-modlen is for --optype rsa (modex: --modex-len, in bytes)\n");
		return -EINVAL;
	}
	if (o->rsa_padding_given && o->optype != PERF_RSA) {
		ASYM_ERR("--rsa-padding is for --optype rsa (modex is raw RSA, unpadded)\n");
		return -EINVAL;
	}
	if (o->curve && o->optype != PERF_ECDSA && o->optype != PERF_ECDH) {
		ASYM_ERR("--curve is for --optype ecdsa or ecdh\n");
		return -EINVAL;
	}
	if (o->optype == PERF_MODEX) {
		if (o->modex_len == 0)
			o->modex_len = 256;
		if (o->modex_len != 256 && o->modex_len != 384 && o->modex_len != 512) {
			ASYM_ERR("--modex-len %u: modex runs as raw RSA ('rsa'), whose modulus is "
				 "256, 384 or 512 bytes (2048, 3072, 4096 bits)%s\n", o->modex_len,
				 o->modex_len == 60 || o->modex_len == 128 || o->modex_len == 255 ||
				 o->modex_len == 448 ? "; DPDK's built-in vector of this length has "
				 "no counterpart here" : "");
			return -EINVAL;
		}
	}
	if (o->optype == PERF_RSA) {
		if (o->rsa_modlen == 0)
			o->rsa_modlen = 2048;
		if (o->rsa_modlen != 2048 && o->rsa_modlen != 3072 && o->rsa_modlen != 4096) {
			ASYM_ERR("--rsa-modlen %u: the daemon's RSA keys are 2048, 3072 or 4096 bits\n",
				 o->rsa_modlen);
			return -EINVAL;
		}
	}
	if (o->optype == PERF_ECDSA && o->curve == PERF_CURVE_X25519) {
		ASYM_ERR("--curve x25519: ECDSA is on p256 or p384 (X25519 is ecdh's)\n");
		return -EINVAL;
	}
	if ((o->optype == PERF_ECDSA || o->optype == PERF_ECDH) && o->curve == PERF_CURVE_DEFAULT)
		o->curve = PERF_CURVE_P256;
	if (o->asym_op == PERF_ASYM_OP_DEFAULT)
		o->asym_op = o->optype == PERF_ECDH ? PERF_ASYM_OP_DERIVE :
			     o->optype == PERF_MODEX || o->rsa_padding == PERF_RSA_PAD_OAEP ?
			     PERF_ASYM_OP_ENCRYPT : PERF_ASYM_OP_SIGN;
	if (!(allowed & (1u << o->asym_op))) {
		asym_ops_text(allowed, ops, sizeof(ops));
		ASYM_ERR("--asym-op %s: --optype %s%s%s does %s\n", perf_asym_op_str(o->asym_op),
			 optype, o->optype == PERF_RSA ? " --rsa-padding " : "",
			 o->optype == PERF_RSA ? (o->rsa_padding == PERF_RSA_PAD_PSS ? "pss" :
			 o->rsa_padding == PERF_RSA_PAD_OAEP ? "oaep" : "pkcs1") : "", ops);
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && (o->inc_burst || o->burst_count > 1)) {
		fprintf(stderr, "USER1: Only one burst size is allowed when using the verify test.\n");
		return -EINVAL;
	}
	if (o->socket && o->spawn) {
		ASYM_ERR("--socket and --spawn exclude each other\n");
		return -EINVAL;
	}
	if (o->verify_all && o->test == PERF_TEST_VERIFY) {
		ASYM_ERR("--verify-all and --ptest verify exclude each other (verify already "
			 "checks every output, against OpenSSL)\n");
		return -EINVAL;
	}
	o->digest_sz = 0;
	return 0;
}

/*
 * --devtype for an asymmetric algorithm: the software backend ("openssl")
 * for crypto-perf's software devices and the default, the cryptodev backend
 * for DPDK's devices reached through rte_cryptodev (crypto_openssl in CI,
 * crypto_qat in production).
 */
static const struct {
	const char *devtype;
	const char *backend;
} asym_devtypes[] = {
	{ "sw", "openssl" },
	{ "crypto_aesni_mb", "openssl" },	/* crypto-perf's default device */
	{ "openssl", "openssl" },
	{ "crypto_openssl", "cryptodev" },
	{ "cryptodev", "cryptodev" },
	{ "qat", "cryptodev" },
	{ "crypto_qat", "cryptodev" },
	{ "any", NULL },
};

int
perf_asym_plan(const struct perf_opts *o, struct perf_plan *p)
{
	static const char *const rsa_algs[] = {
		[PERF_RSA_PAD_PKCS1] = "pkcs1pad(rsa,sha256)",
		[PERF_RSA_PAD_PSS] = "psspad(rsa,sha256)",
		[PERF_RSA_PAD_OAEP] = "oaep(rsa,sha256)",
	};
	uint32_t field, i;

	memset(p, 0, sizeof(*p));
	p->asym = 1;
	switch (o->asym_op) {
	case PERF_ASYM_OP_SIGN: p->op = CE_OP_SIGN; break;
	case PERF_ASYM_OP_VERIFY: p->op = CE_OP_SIG_VERIFY; break;
	case PERF_ASYM_OP_ENCRYPT: p->op = CE_OP_ENCRYPT; break;
	case PERF_ASYM_OP_DECRYPT: p->op = CE_OP_DECRYPT; break;
	case PERF_ASYM_OP_DERIVE: p->op = CE_OP_KPP_SECRET; break;
	case PERF_ASYM_OP_PUBKEY: p->op = CE_OP_KPP_PUBKEY; break;
	default: return -EINVAL;
	}
	switch (o->optype) {
	case PERF_MODEX:
	case PERF_RSA:
		p->asym_bits = o->optype == PERF_MODEX ? o->modex_len * 8 : o->rsa_modlen;
		snprintf(p->alg, sizeof(p->alg), "%s",
			 o->optype == PERF_MODEX ? "rsa" : rsa_algs[o->rsa_padding]);
		p->asym_out_max = p->asym_bits / 8;
		if (p->op == CE_OP_SIGN || p->op == CE_OP_SIG_VERIFY)
			p->asym_in_len = 32;	/* a SHA-256 digest */
		else if (p->op == CE_OP_DECRYPT || o->optype == PERF_MODEX)
			p->asym_in_len = p->asym_out_max;	/* modulus bytes */
		else
			p->asym_in_len = 48;	/* a TLS 1.2 premaster secret */
		p->asym_sig_len = p->op == CE_OP_SIG_VERIFY ? p->asym_out_max : 0;
		break;
	case PERF_ECDSA:
		p->asym_bits = o->curve == PERF_CURVE_P384 ? 384 : 256;
		field = p->asym_bits / 8;
		snprintf(p->alg, sizeof(p->alg), "ecdsa-nist-p%u", p->asym_bits);
		p->asym_out_max = 2 * field;	/* r || s */
		p->asym_in_len = field;	/* SHA-256 / SHA-384 digest */
		p->asym_sig_len = p->op == CE_OP_SIG_VERIFY ? 2 * field : 0;
		break;
	case PERF_ECDH:
		if (o->curve == PERF_CURVE_X25519) {
			p->asym_bits = 253;
			snprintf(p->alg, sizeof(p->alg), "curve25519");
			p->asym_out_max = 32;
			p->asym_in_len = p->op == CE_OP_KPP_SECRET ? 32 : 0;
			break;
		}
		p->asym_bits = o->curve == PERF_CURVE_P384 ? 384 : 256;
		field = p->asym_bits / 8;
		snprintf(p->alg, sizeof(p->alg), "ecdh-nist-p%u", p->asym_bits);
		p->asym_out_max = 2 * field;	/* a public key, x || y */
		p->asym_in_len = p->op == CE_OP_KPP_SECRET ? 2 * field : 0;
		break;
	default:
		return -EINVAL;
	}
	p->has_output = p->op != CE_OP_SIG_VERIFY;

	if (o->driver) {
		snprintf(p->driver, sizeof(p->driver), "%s", o->driver);
		return 0;
	}
	for (i = 0; i < sizeof(asym_devtypes) / sizeof(asym_devtypes[0]); i++)
		if (strcmp(o->devtype, asym_devtypes[i].devtype) == 0) {
			p->backend = asym_devtypes[i].backend;
			return 0;
		}
	if (strchr(o->devtype, '-') != NULL || strchr(o->devtype, '(') != NULL)
		snprintf(p->driver, sizeof(p->driver), "%s", o->devtype);	/* a driver name */
	else
		p->backend = o->devtype;	/* another backend's name */
	return 0;
}
