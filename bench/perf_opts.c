/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf options: dpdk-test-crypto-perf's (DPDK 22.11) names,
 * defaults, checks and messages, so that a command line and a script written
 * for one work with the other; plus the mapping from DPDK's algorithm names
 * to the kernel's, which the daemon speaks.
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

#define OPTS_LOG(...) fprintf(stderr, "USER1: " __VA_ARGS__)

static const struct perf_alg opts_ciphers[] = {
	{ "null", "ecb(cipher_null)", 1 },
	{ "aes-cbc", "cbc(aes)", 16 },
	{ "aes-ctr", "ctr(aes)", 1 },
	{ "aes-ecb", "ecb(aes)", 16 },
	{ NULL, NULL, 0 },
};

static const struct perf_alg opts_auths[] = {
	{ "null", "digest_null", 1 },
	{ "sha1", "sha1", 1 },
	{ "sha2-256", "sha256", 1 },
	{ "sha2-384", "sha384", 1 },
	{ "sha2-512", "sha512", 1 },
	{ "sha1-hmac", "hmac(sha1)", 1 },
	{ "sha2-256-hmac", "hmac(sha256)", 1 },
	{ "sha2-384-hmac", "hmac(sha384)", 1 },
	{ "sha2-512-hmac", "hmac(sha512)", 1 },
	{ NULL, NULL, 0 },
};

static const struct perf_alg opts_aeads[] = {
	{ "aes-gcm", "gcm(aes)", 1 },
	{ "chacha20-poly1305", "rfc7539(chacha20,poly1305)", 1 },
	{ NULL, NULL, 0 },
};

static const char *const opts_optypes[] = {
	[PERF_CIPHER_ONLY] = "cipher-only",
	[PERF_AUTH_ONLY] = "auth-only",
	[PERF_CIPHER_THEN_AUTH] = "cipher-then-auth",
	[PERF_AUTH_THEN_CIPHER] = "auth-then-cipher",
	[PERF_AEAD] = "aead",
	[PERF_MODEX] = "modex",
	[PERF_RSA] = "rsa",
	[PERF_ECDSA] = "ecdsa",
	[PERF_ECDH] = "ecdh",
};

static const char *const opts_asym_ops[] = {
	[PERF_ASYM_OP_DEFAULT] = "default",
	[PERF_ASYM_OP_SIGN] = "sign",
	[PERF_ASYM_OP_VERIFY] = "verify",
	[PERF_ASYM_OP_ENCRYPT] = "encrypt",
	[PERF_ASYM_OP_DECRYPT] = "decrypt",
	[PERF_ASYM_OP_DERIVE] = "derive",
	[PERF_ASYM_OP_PUBKEY] = "pubkey",
};

static const char *const opts_curves[] = {
	[PERF_CURVE_DEFAULT] = "default",
	[PERF_CURVE_P256] = "p256",
	[PERF_CURVE_P384] = "p384",
	[PERF_CURVE_X25519] = "x25519",
};

static const char *const opts_rsa_pads[] = {
	[PERF_RSA_PAD_PKCS1] = "pkcs1",
	[PERF_RSA_PAD_PSS] = "pss",
	[PERF_RSA_PAD_OAEP] = "oaep",
};

const char *
perf_asym_op_str(enum perf_asym_op op)
{
	return opts_asym_ops[op];
}

const char *
perf_curve_str(enum perf_curve c)
{
	return opts_curves[c];
}

/* @return the index of @p name in @p tab (n entries), or -1. */
static int
opts_word(const char *const *tab, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i] != NULL && strcmp(tab[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *const opts_tests[] = {
	[PERF_TEST_THROUGHPUT] = "throughput",
	[PERF_TEST_LATENCY] = "latency",
	[PERF_TEST_VERIFY] = "verify",
};

const char *
perf_optype_str(enum perf_optype t)
{
	return opts_optypes[t];
}

void
perf_opts_default(struct perf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->test = PERF_TEST_THROUGHPUT;
	o->pool_sz = 8192;
	o->total_ops = 10000000;
	o->desc_nb = 2048;
	o->buffer_list[0] = 64;
	o->buffer_count = 1;
	o->min_buffer = o->max_buffer = 64;
	o->burst_list[0] = 32;
	o->burst_count = 1;
	o->min_burst = o->max_burst = 32;
	snprintf(o->devtype, sizeof(o->devtype), "crypto_aesni_mb");
	o->optype = PERF_CIPHER_THEN_AUTH;
	o->cipher_algo = &opts_ciphers[1];
	o->cipher_key_sz = 16;
	o->cipher_iv_sz = 16;
	o->auth_algo = &opts_auths[5];
	o->auth_key_sz = 64;
	o->digest_sz = 12;
	o->qps = 1;
}

static const struct perf_alg *
opts_alg_find(const struct perf_alg *tab, const char *name)
{
	for (; tab->dpdk; tab++)
		if (strcmp(tab->dpdk, name) == 0)
			return tab;
	return NULL;
}

static int
opts_u32(const char *arg, uint32_t *v, uint32_t max)
{
	char *end = NULL;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno || n > max)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* "min:inc:max", as crypto-perf's parse_range. */
static int
opts_range(const char *arg, uint32_t *min, uint32_t *inc, uint32_t *max)
{
	uint32_t v[3];
	const char *p = arg;
	char tok[32];
	int i;

	for (i = 0; i < 3; i++) {
		size_t n = strcspn(p, ":");

		if (n == 0 || n >= sizeof(tok))
			return -1;
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (opts_u32(tok, &v[i], UINT32_MAX) < 0 || v[i] == 0)
			return -1;
		p += n;
		if (i < 2) {
			if (*p != ':')
				return -1;
			p++;
		}
	}
	if (*p != '\0' || v[2] < v[0])
		return -1;
	*min = v[0];
	*inc = v[1];
	*max = v[2];
	return 0;
}

/* "a,b,c": @return the count, or -1. */
static int
opts_list(const char *arg, uint32_t *list, uint32_t *min, uint32_t *max)
{
	const char *p = arg;
	char tok[32];
	uint32_t n = 0;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(tok))
			return -1;
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (n == PERF_MAX_LIST) {
			fprintf(stderr, "USER1: Using only the first %u sizes\n", PERF_MAX_LIST);
			break;
		}
		if (opts_u32(tok, &list[n], UINT32_MAX) < 0 || list[n] == 0)
			return -1;
		if (min && (n == 0 || list[n] < *min))
			*min = list[n];
		if (max && (n == 0 || list[n] > *max))
			*max = list[n];
		n++;
		p += len;
		if (*p == ',')
			p++;
	}
	return n ? (int)n : -1;
}

enum {
	OPT_PTEST = 256, OPT_POOL_SZ, OPT_TOTAL_OPS, OPT_BURST_SZ, OPT_BUFFER_SZ, OPT_IMIX,
	OPT_SEGMENT_SZ, OPT_DESC_NB, OPT_DEVTYPE, OPT_OPTYPE, OPT_SESSIONLESS, OPT_OOP,
	OPT_TEST_FILE, OPT_TEST_NAME, OPT_CIPHER_ALGO, OPT_CIPHER_OP, OPT_CIPHER_KEY_SZ,
	OPT_CIPHER_IV_SZ, OPT_AUTH_ALGO, OPT_AUTH_OP, OPT_AUTH_KEY_SZ, OPT_AUTH_IV_SZ,
	OPT_AEAD_ALGO, OPT_AEAD_OP, OPT_AEAD_KEY_SZ, OPT_AEAD_IV_SZ, OPT_AEAD_AAD_SZ,
	OPT_DIGEST_SZ, OPT_CSV, OPT_SILENT, OPT_MODEX_LEN,
	OPT_ASYM_OP, OPT_RSA_MODLEN, OPT_RSA_PADDING, OPT_CURVE,
	OPT_SOCKET, OPT_SPAWN, OPT_QPS, OPT_VERIFY_ALL, OPT_DRIVER, OPT_IDLE_WAIT,
};

static const struct option opts_long[] = {
	{ "ptest", required_argument, NULL, OPT_PTEST },
	{ "pool_sz", required_argument, NULL, OPT_POOL_SZ },
	{ "pool-sz", required_argument, NULL, OPT_POOL_SZ },
	{ "total-ops", required_argument, NULL, OPT_TOTAL_OPS },
	{ "burst-sz", required_argument, NULL, OPT_BURST_SZ },
	{ "buffer-sz", required_argument, NULL, OPT_BUFFER_SZ },
	{ "imix", required_argument, NULL, OPT_IMIX },
	{ "segment-sz", required_argument, NULL, OPT_SEGMENT_SZ },
	{ "desc-nb", required_argument, NULL, OPT_DESC_NB },
	{ "devtype", required_argument, NULL, OPT_DEVTYPE },
	{ "optype", required_argument, NULL, OPT_OPTYPE },
	{ "sessionless", no_argument, NULL, OPT_SESSIONLESS },
	{ "out-of-place", no_argument, NULL, OPT_OOP },
	{ "test-file", required_argument, NULL, OPT_TEST_FILE },
	{ "test-name", required_argument, NULL, OPT_TEST_NAME },
	{ "cipher-algo", required_argument, NULL, OPT_CIPHER_ALGO },
	{ "cipher-op", required_argument, NULL, OPT_CIPHER_OP },
	{ "cipher-key-sz", required_argument, NULL, OPT_CIPHER_KEY_SZ },
	{ "cipher-iv-sz", required_argument, NULL, OPT_CIPHER_IV_SZ },
	{ "auth-algo", required_argument, NULL, OPT_AUTH_ALGO },
	{ "auth-op", required_argument, NULL, OPT_AUTH_OP },
	{ "auth-key-sz", required_argument, NULL, OPT_AUTH_KEY_SZ },
	{ "auth-iv-sz", required_argument, NULL, OPT_AUTH_IV_SZ },
	{ "aead-algo", required_argument, NULL, OPT_AEAD_ALGO },
	{ "aead-op", required_argument, NULL, OPT_AEAD_OP },
	{ "aead-key-sz", required_argument, NULL, OPT_AEAD_KEY_SZ },
	{ "aead-iv-sz", required_argument, NULL, OPT_AEAD_IV_SZ },
	{ "aead-aad-sz", required_argument, NULL, OPT_AEAD_AAD_SZ },
	{ "digest-sz", required_argument, NULL, OPT_DIGEST_SZ },
	{ "csv-friendly", no_argument, NULL, OPT_CSV },
	{ "silent", no_argument, NULL, OPT_SILENT },
	{ "modex-len", required_argument, NULL, OPT_MODEX_LEN },
	/* ours: asymmetric modes (later DPDK releases' names where they have them) */
	{ "asym-op", required_argument, NULL, OPT_ASYM_OP },
	{ "rsa-modlen", required_argument, NULL, OPT_RSA_MODLEN },
	{ "rsa-padding", required_argument, NULL, OPT_RSA_PADDING },
	{ "curve", required_argument, NULL, OPT_CURVE },
	/* ours; accepted on either side of "--" */
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "spawn", no_argument, NULL, OPT_SPAWN },
	{ "qps", required_argument, NULL, OPT_QPS },
	{ "verify-all", no_argument, NULL, OPT_VERIFY_ALL },
	{ "driver", required_argument, NULL, OPT_DRIVER },
	{ "idle-wait", no_argument, NULL, OPT_IDLE_WAIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
opts_usage(const char *prog)
{
	printf("%s [--socket PATH | --spawn [CONFIG]] [--qps N] [--verify-all] [--driver NAME] -- [options]\n"
	       " cryptoeng's own options (either side of --):\n"
	       " --socket PATH: daemon control socket (else $%s, else %s)\n"
	       " --spawn [CONFIG]: start cryptoengd with CONFIG (default config/null.ini for\n"
	       "           --devtype null/crypto_null, else config/default.ini), stop it after the run\n"
	       " --qps N: N client threads, one queue pair each (a row each, then a total)\n"
	       " --verify-all: check every output against OpenSSL\n"
	       " --driver NAME: ask the daemon for this exact driver (else from --devtype)\n"
	       " --idle-wait: a poll that finds nothing sleeps in ce_wait() until a completion\n"
	       "           (a client that leaves its CPU to others) instead of polling again\n"
	       " dpdk-test-crypto-perf's options (same meaning and defaults):\n"
	       " --silent: disable options dump\n"
	       " --ptest throughput / latency / verify : set test type\n"
	       " --pool_sz N (or --pool-sz N): set the number of buffers allocated\n"
	       " --total-ops N: set the number of total operations performed\n"
	       " --burst-sz N: set the number of packets per burst (list a,b,c or range min:inc:max)\n"
	       " --buffer-sz N: set the size of a single packet (list or range)\n"
	       " --imix N: set the distribution of packet sizes\n"
	       " --devtype TYPE: sw, null, qat, any, a crypto-perf device name or a backend name\n"
	       " --optype cipher-only / auth-only / cipher-then-auth /\n"
	       "           auth-then-cipher / aead / modex : set operation type;\n"
	       "           ours: rsa / ecdsa (ecdsa_p256r1, ecdsa_p384r1) / ecdh\n"
	       " --modex-len N: modex modulus bytes: 256, 384, 512 (raw RSA 'rsa';\n"
	       "           DPDK's built-in 60/128/255/448-byte vectors have no counterpart)\n"
	       " asymmetric (ours): sizes come from the key, not --buffer-sz\n"
	       " --asym-op sign / verify / encrypt / decrypt / derive / pubkey\n"
	       "           (defaults: rsa, ecdsa sign; ecdh derive; modex encrypt)\n"
	       " --rsa-modlen N: RSA modulus bits: 2048 (default), 3072, 4096\n"
	       " --rsa-padding pkcs1 / pss / oaep: pkcs1pad(rsa,sha256) (default),\n"
	       "           psspad(rsa,sha256) (sign, verify), oaep(rsa,sha256) (encrypt, decrypt)\n"
	       " --curve p256 / p384 (ecdsa, ecdh) / x25519 (ecdh): default p256\n"
	       " --out-of-place: enable out-of-place crypto operations\n"
	       " --test-file NAME: set the test vector file path\n"
	       " --test-name NAME: set specific test name section in test file\n"
	       " --cipher-algo ALGO: null, aes-cbc, aes-ctr, aes-ecb\n"
	       " --cipher-op encrypt / decrypt: set the cipher operation\n"
	       " --cipher-key-sz N: set the cipher key size\n"
	       " --cipher-iv-sz N: set the cipher IV size\n"
	       " --auth-algo ALGO: null, sha1, sha2-256/384/512, sha1-hmac, sha2-256/384/512-hmac\n"
	       " --auth-op generate / verify: set the auth operation\n"
	       " --auth-key-sz N: set the auth key size\n"
	       " --aead-algo ALGO: aes-gcm, chacha20-poly1305\n"
	       " --aead-op encrypt / decrypt: set the AEAD operation\n"
	       " --aead-key-sz N: set the AEAD key size\n"
	       " --aead-iv-sz N: set the AEAD IV size\n"
	       " --aead-aad-sz N: set the AEAD AAD size\n"
	       " --digest-sz N: set the digest size\n"
	       " --csv-friendly: enable test result output CSV friendly\n"
	       " -h: prints this help\n"
	       " --version: prints the version\n",
	       prog, CE_SOCKET_ENV, CE_DEFAULT_SOCKET);
}

static int
opts_parse_one(struct perf_opts *o, int opt, const char *arg)
{
	uint32_t i;
	int n;

	switch (opt) {
	case OPT_PTEST:
		for (i = 0; i < sizeof(opts_tests) / sizeof(opts_tests[0]); i++)
			if (strcmp(arg, opts_tests[i]) == 0)
				break;
		if (i == sizeof(opts_tests) / sizeof(opts_tests[0])) {
			OPTS_LOG("failed to parse test type\n");
			return -1;
		}
		o->test = (enum perf_test)i;
		return 0;
	case OPT_POOL_SZ:
		if (opts_u32(arg, &o->pool_sz, UINT32_MAX) < 0) {
			OPTS_LOG("failed to parse pool size\n");
			return -1;
		}
		return 0;
	case OPT_TOTAL_OPS:
		if (opts_u32(arg, &o->total_ops, UINT32_MAX) < 0) {
			OPTS_LOG("failed to parse total operations count\n");
			return -1;
		}
		if (o->total_ops == 0) {
			OPTS_LOG("invalid total operations count number specified\n");
			return -1;
		}
		return 0;
	case OPT_BURST_SZ:
		if (opts_range(arg, &o->min_burst, &o->inc_burst, &o->max_burst) == 0)
			return 0;
		o->inc_burst = 0;
		n = opts_list(arg, o->burst_list, &o->min_burst, &o->max_burst);
		if (n < 0) {
			OPTS_LOG("failed to parse burst size/s\n");
			return -1;
		}
		o->burst_count = (uint32_t)n;
		return 0;
	case OPT_BUFFER_SZ:
		o->sizes_given = 1;
		if (opts_range(arg, &o->min_buffer, &o->inc_buffer, &o->max_buffer) == 0)
			return 0;
		o->inc_buffer = 0;
		n = opts_list(arg, o->buffer_list, &o->min_buffer, &o->max_buffer);
		if (n < 0) {
			OPTS_LOG("failed to parse buffer size/s\n");
			return -1;
		}
		o->buffer_count = (uint32_t)n;
		return 0;
	case OPT_IMIX:
		o->sizes_given = 1;
		n = opts_list(arg, o->imix_list, NULL, NULL);
		if (n < 0) {
			OPTS_LOG("failed to parse imix distribution\n");
			return -1;
		}
		if (n <= 1) {
			OPTS_LOG("imix distribution should have at least two entries\n");
			return -1;
		}
		o->imix_count = (uint32_t)n;
		return 0;
	case OPT_SEGMENT_SZ:
		if (opts_u32(arg, &o->segment_sz, UINT32_MAX) < 0) {
			OPTS_LOG("failed to parse segment size\n");
			return -1;
		}
		if (o->segment_sz == 0) {
			OPTS_LOG("Segment size has to be bigger than 0\n");
			return -1;
		}
		return 0;
	case OPT_DESC_NB:
		if (opts_u32(arg, &o->desc_nb, UINT32_MAX) < 0 || o->desc_nb == 0) {
			OPTS_LOG("invalid descriptors number specified\n");
			return -1;
		}
		return 0;
	case OPT_DEVTYPE:
		if (strlen(arg) >= sizeof(o->devtype))
			return -1;
		snprintf(o->devtype, sizeof(o->devtype), "%s", arg);
		return 0;
	case OPT_OPTYPE:
		/* Later DPDK releases name the curve in the optype. */
		if (strcmp(arg, "ecdsa_p256r1") == 0 || strcmp(arg, "ecdsa_p384r1") == 0) {
			o->optype = PERF_ECDSA;
			o->curve = arg[7] == '2' ? PERF_CURVE_P256 : PERF_CURVE_P384;
			return 0;
		}
		for (i = 0; i < sizeof(opts_optypes) / sizeof(opts_optypes[0]); i++)
			if (strcmp(arg, opts_optypes[i]) == 0)
				break;
		if (i == sizeof(opts_optypes) / sizeof(opts_optypes[0])) {
			OPTS_LOG("invalid opt type specified\n");
			return -1;
		}
		o->optype = (enum perf_optype)i;
		return 0;
	case OPT_SESSIONLESS:
		/* Every request here names a session: nothing to map it to. */
		OPTS_LOG("--sessionless is not supported: cryptoeng requests always carry a session\n");
		return -1;
	case OPT_MODEX_LEN:
		if (opts_u32(arg, &o->modex_len, UINT16_MAX) < 0 || o->modex_len == 0) {
			OPTS_LOG("failed to parse modex len\n");
			return -1;
		}
		return 0;
	case OPT_ASYM_OP:
		n = opts_word(opts_asym_ops, sizeof(opts_asym_ops) / sizeof(opts_asym_ops[0]), arg);
		if (n <= 0) {
			fprintf(stderr, "cryptoeng-perf: --asym-op %s: not sign, verify, encrypt, "
				"decrypt, derive or pubkey\n", arg);
			return -1;
		}
		o->asym_op = (enum perf_asym_op)n;
		return 0;
	case OPT_RSA_MODLEN:
		if (opts_u32(arg, &o->rsa_modlen, UINT16_MAX) < 0 || o->rsa_modlen == 0) {
			fprintf(stderr, "cryptoeng-perf: --rsa-modlen %s: not a number of bits\n", arg);
			return -1;
		}
		return 0;
	case OPT_RSA_PADDING:
		n = opts_word(opts_rsa_pads, sizeof(opts_rsa_pads) / sizeof(opts_rsa_pads[0]), arg);
		if (n < 0) {
			fprintf(stderr, "cryptoeng-perf: --rsa-padding %s: not pkcs1, pss or oaep\n",
				arg);
			return -1;
		}
		o->rsa_padding = (enum perf_rsa_pad)n;
		o->rsa_padding_given = 1;
		return 0;
	case OPT_CURVE:
		n = opts_word(opts_curves, sizeof(opts_curves) / sizeof(opts_curves[0]), arg);
		if (n <= 0) {
			fprintf(stderr, "cryptoeng-perf: --curve %s: not p256, p384 or x25519\n", arg);
			return -1;
		}
		o->curve = (enum perf_curve)n;
		return 0;
	case OPT_OOP:
		o->out_of_place = 1;
		return 0;
	case OPT_TEST_FILE:
		o->sizes_given = 1;
		if (access(arg, F_OK) != 0) {
			OPTS_LOG("Test vector file doesn't exist\n");
			return -1;
		}
		free(o->test_file);
		o->test_file = strdup(arg);
		return o->test_file ? 0 : -1;
	case OPT_TEST_NAME:
		free(o->test_name);
		o->test_name = malloc(strlen(arg) + 3);
		if (o->test_name == NULL)
			return -1;
		sprintf(o->test_name, "[%s]", arg);
		return 0;
	case OPT_CIPHER_ALGO:
		o->cipher_algo = opts_alg_find(opts_ciphers, arg);
		if (o->cipher_algo == NULL) {
			OPTS_LOG("Invalid cipher algorithm specified\n");
			return -1;
		}
		return 0;
	case OPT_CIPHER_OP:
		if (strcmp(arg, "encrypt") && strcmp(arg, "decrypt")) {
			OPTS_LOG("Invalid cipher operation specified\n");
			return -1;
		}
		o->cipher_decrypt = strcmp(arg, "decrypt") == 0;
		return 0;
	case OPT_AUTH_ALGO:
		o->auth_algo = opts_alg_find(opts_auths, arg);
		if (o->auth_algo == NULL) {
			OPTS_LOG("Invalid authentication algorithm specified\n");
			return -1;
		}
		return 0;
	case OPT_AUTH_OP:
		if (strcmp(arg, "generate") && strcmp(arg, "verify")) {
			OPTS_LOG("invalid authentication operation specified\n");
			return -1;
		}
		o->auth_verify = strcmp(arg, "verify") == 0;
		return 0;
	case OPT_AEAD_ALGO:
		o->aead_algo = opts_alg_find(opts_aeads, arg);
		if (o->aead_algo == NULL) {
			OPTS_LOG("Invalid AEAD algorithm specified\n");
			return -1;
		}
		return 0;
	case OPT_AEAD_OP:
		if (strcmp(arg, "encrypt") && strcmp(arg, "decrypt")) {
			OPTS_LOG("Invalid AEAD operation specified\n");
			return -1;
		}
		o->aead_decrypt = strcmp(arg, "decrypt") == 0;
		return 0;
	case OPT_CIPHER_KEY_SZ:
		return opts_u32(arg, &o->cipher_key_sz, UINT16_MAX);
	case OPT_CIPHER_IV_SZ:
		return opts_u32(arg, &o->cipher_iv_sz, UINT16_MAX);
	case OPT_AUTH_KEY_SZ:
		return opts_u32(arg, &o->auth_key_sz, UINT16_MAX);
	case OPT_AUTH_IV_SZ:
		return opts_u32(arg, &o->auth_iv_sz, UINT16_MAX);
	case OPT_AEAD_KEY_SZ:
		return opts_u32(arg, &o->aead_key_sz, UINT16_MAX);
	case OPT_AEAD_IV_SZ:
		return opts_u32(arg, &o->aead_iv_sz, UINT16_MAX);
	case OPT_AEAD_AAD_SZ:
		return opts_u32(arg, &o->aead_aad_sz, UINT16_MAX);
	case OPT_DIGEST_SZ:
		return opts_u32(arg, &o->digest_sz, UINT16_MAX);
	case OPT_CSV:
		o->csv = 1;
		return 0;
	case OPT_SILENT:
		o->silent = 1;
		return 0;
	case OPT_SOCKET:
		o->socket = arg;
		return 0;
	case OPT_SPAWN:
		o->spawn = 1;
		return 0;
	case OPT_QPS:
		if (opts_u32(arg, &o->qps, 64) < 0 || o->qps == 0) {
			fprintf(stderr, "cryptoeng-perf: --qps takes 1..64\n");
			return -1;
		}
		return 0;
	case OPT_VERIFY_ALL:
		o->verify_all = 1;
		return 0;
	case OPT_DRIVER:
		o->driver = arg;
		return 0;
	case OPT_IDLE_WAIT:
		o->idle_wait = 1;
		return 0;
	}
	return -1;
}

/*
 * Parse "[ours] -- [crypto-perf's]". "--spawn" takes an optional config as
 * the next word when that word is not an option, which getopt cannot say
 * (optional arguments need "--spawn=FILE"), so it is taken out first.
 */
int
perf_opts_parse(struct perf_opts *o, int argc, char **argv)
{
	char **av = calloc((size_t)argc + 1, sizeof(*av));
	int ac = 0, i, opt, ret = 0, seen_dashdash = 0;

	if (av == NULL)
		return -1;
	for (i = 0; i < argc; i++) {
		if (i > 0 && !seen_dashdash && strcmp(argv[i], "--") == 0) {
			seen_dashdash = 1;
			continue;
		}
		if (strncmp(argv[i], "--spawn=", 8) == 0) {
			o->spawn = 1;
			o->spawn_config = argv[i] + 8;
			continue;
		}
		av[ac++] = argv[i];
		if (strcmp(argv[i], "--spawn") == 0 && i + 1 < argc && argv[i + 1][0] != '-') {
			o->spawn_config = argv[++i];
		}
	}
	av[ac] = NULL;
	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(ac, av, "h", opts_long, NULL)) != -1) {
		if (opt == 'h') {
			opts_usage(av[0]);
			free(av);
			exit(EXIT_SUCCESS);
		}
		if (opt == 'V') {
			printf("cryptoeng-perf %s\n", CRYPTOENG_VERSION);
			free(av);
			exit(EXIT_SUCCESS);
		}
		if (opt == '?' || opts_parse_one(o, opt, optarg) < 0) {
			if (opt == '?')
				opts_usage(av[0]);
			OPTS_LOG("Parsing one or more user options failed\n");
			ret = -1;
			break;
		}
	}
	if (ret == 0 && optind < ac) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", av[0], av[optind]);
		OPTS_LOG("Parsing one or more user options failed\n");
		ret = -1;
	}
	free(av);
	return ret;
}

/* crypto-perf's check_cipher_buffer_length(), for any block size. */
static int
opts_check_block(const struct perf_opts *o, uint32_t block)
{
	uint32_t size, idx = 0;

	if (block <= 1)
		return 0;
	size = o->inc_buffer ? o->min_buffer : o->buffer_list[0];
	if (!o->auth_verify && o->optype == PERF_AUTH_THEN_CIPHER)
		size += o->digest_sz;
	while (size <= o->max_buffer) {
		if (size % block) {
			OPTS_LOG("Some of the buffer sizes are not suitable for the algorithm selected\n");
			return -EINVAL;
		}
		if (o->inc_buffer) {
			size += o->inc_buffer;
		} else {
			if (++idx == o->buffer_count)
				break;
			size = o->buffer_list[idx];
		}
	}
	return 0;
}

/* cperf_options_check() for the options that exist here. */
int
perf_opts_check(struct perf_opts *o)
{
	if (perf_optype_is_asym(o->optype))
		return perf_asym_opts_check(o);
	if (o->asym_op || o->rsa_modlen || o->rsa_padding_given || o->curve || o->modex_len) {
		/* crypto-perf's own words for --modex-len; ours for ours. */
		if (o->modex_len)
			OPTS_LOG("Option modex len should be used only with  optype: modex.\n");
		else
			fprintf(stderr, "cryptoeng-perf: --asym-op, --rsa-modlen, --rsa-padding and "
				"--curve are for --optype modex, rsa, ecdsa or ecdh\n");
		return -EINVAL;
	}
	if (o->optype == PERF_CIPHER_ONLY)
		o->digest_sz = 0;
	if (o->out_of_place && o->segment_sz && o->segment_sz <= o->max_buffer) {
		OPTS_LOG("Out of place mode can only work with non segmented buffers\n");
		return -EINVAL;
	}
	if (o->segment_sz == 0)
		o->segment_sz = o->max_buffer + o->digest_sz;
	if (o->segment_sz < o->digest_sz) {
		OPTS_LOG("Segment size should be at least the size of the digest\n");
		return -EINVAL;
	}
	if (o->segment_sz < o->max_buffer + o->digest_sz) {
		/* The daemon takes contiguous buffers: a chain has nothing to map to. */
		OPTS_LOG("Segmented buffers are not supported: --segment-sz must hold a whole buffer\n");
		return -EINVAL;
	}
	if (o->imix_count && o->imix_count != o->buffer_count) {
		OPTS_LOG("IMIX distribution must have the same number of buffer sizes\n");
		return -EINVAL;
	}
	if (o->imix_count && o->inc_buffer) {
		OPTS_LOG("IMIX distribution must have the same number of buffer sizes\n");
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && o->test_file == NULL) {
		OPTS_LOG("Define path to the file with test vectors.\n");
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && o->optype != PERF_CIPHER_ONLY && o->test_name == NULL) {
		OPTS_LOG("Define test name to get the correct digest from the test vectors.\n");
		return -EINVAL;
	}
	if (o->test_name != NULL && o->test_file == NULL) {
		OPTS_LOG("Define path to the file with test vectors.\n");
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && (o->inc_buffer || o->buffer_count > 1)) {
		OPTS_LOG("Only one buffer size is allowed when using the verify test.\n");
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && (o->inc_burst || o->burst_count > 1)) {
		OPTS_LOG("Only one burst size is allowed when using the verify test.\n");
		return -EINVAL;
	}
	if (o->test == PERF_TEST_VERIFY && o->imix_count) {
		OPTS_LOG("IMIX is not allowed when using the verify test.\n");
		return -EINVAL;
	}
	if (o->optype == PERF_CIPHER_THEN_AUTH || o->optype == PERF_AUTH_THEN_CIPHER) {
		if (!((!o->cipher_decrypt && !o->auth_verify) || (o->cipher_decrypt && o->auth_verify))) {
			OPTS_LOG("Invalid chained operation.\n");
			return -EINVAL;
		}
	}
	if (o->optype == PERF_CIPHER_THEN_AUTH && (o->cipher_decrypt || o->auth_verify)) {
		OPTS_LOG("Option cipher then auth must use options: encrypt and generate.\n");
		return -EINVAL;
	}
	if (o->optype == PERF_CIPHER_ONLY || o->optype == PERF_CIPHER_THEN_AUTH ||
	    o->optype == PERF_AUTH_THEN_CIPHER) {
		if (opts_check_block(o, o->cipher_algo->block) < 0)
			return -EINVAL;
	}
	if (o->optype == PERF_AEAD && o->aead_algo == NULL) {
		OPTS_LOG("AEAD algorithm not specified (--aead-algo)\n");
		return -EINVAL;
	}
	if (o->socket && o->spawn) {
		fprintf(stderr, "cryptoeng-perf: --socket and --spawn exclude each other\n");
		return -EINVAL;
	}
	if (o->verify_all && o->test == PERF_TEST_VERIFY) {
		fprintf(stderr, "cryptoeng-perf: --verify-all and --ptest verify exclude each other "
			"(verify already checks every output, against the test file)\n");
		return -EINVAL;
	}
	if (o->max_buffer > 65536) {
		fprintf(stderr, "cryptoeng-perf: buffers above 65536 bytes are not supported\n");
		return -EINVAL;
	}
	return 0;
}

static void
opts_dump_sizes(const char *what, uint32_t inc, uint32_t min, uint32_t max, const uint32_t *list,
		uint32_t count)
{
	uint32_t i;

	if (inc) {
		printf("# %s size:\n", what);
		printf("#\t min: %u\n", min);
		printf("#\t max: %u\n", max);
		printf("#\t inc: %u\n", inc);
	} else {
		printf("# %s sizes: ", what);
		for (i = 0; i < count; i++)
			printf("%u ", list[i]);
		printf("\n");
	}
}

/* cperf_options_dump() as DPDK 22.11 prints it. */
void
perf_opts_dump(const struct perf_opts *o)
{
	printf("# Crypto Performance Application Options:\n");
	printf("#\n");
	printf("# cperf test: %s\n", opts_tests[o->test]);
	printf("#\n");
	printf("# size of crypto op / mbuf pool: %u\n", o->pool_sz);
	printf("# total number of ops: %u\n", o->total_ops);
	opts_dump_sizes("buffer", o->inc_buffer, o->min_buffer, o->max_buffer, o->buffer_list,
			o->buffer_count);
	opts_dump_sizes("burst", o->inc_burst, o->min_burst, o->max_burst, o->burst_list,
			o->burst_count);
	printf("\n# segment size: %u\n", o->segment_sz);
	printf("#\n");
	printf("# cryptodev type: %s\n", o->devtype);
	printf("#\n");
	printf("# number of queue pairs per device: %u\n", o->qps);
	printf("# crypto operation: %s\n", opts_optypes[o->optype]);
	printf("# sessionless: no\n");
	printf("# out of place: %s\n", o->out_of_place ? "yes" : "no");
	printf("#\n");
	if (o->optype == PERF_AUTH_ONLY || o->optype == PERF_CIPHER_THEN_AUTH ||
	    o->optype == PERF_AUTH_THEN_CIPHER) {
		printf("# auth algorithm: %s\n", o->auth_algo->dpdk);
		printf("# auth operation: %s\n", o->auth_verify ? "verify" : "generate");
		printf("# auth key size: %u\n", o->auth_key_sz);
		printf("# auth iv size: %u\n", o->auth_iv_sz);
		printf("# auth digest size: %u\n", o->digest_sz);
		printf("#\n");
	}
	if (o->optype == PERF_CIPHER_ONLY || o->optype == PERF_CIPHER_THEN_AUTH ||
	    o->optype == PERF_AUTH_THEN_CIPHER) {
		printf("# cipher algorithm: %s\n", o->cipher_algo->dpdk);
		printf("# cipher operation: %s\n", o->cipher_decrypt ? "decrypt" : "encrypt");
		printf("# cipher key size: %u\n", o->cipher_key_sz);
		printf("# cipher iv size: %u\n", o->cipher_iv_sz);
		printf("#\n");
	}
	if (perf_optype_is_asym(o->optype)) {
		printf("# asym operation: %s\n", opts_asym_ops[o->asym_op]);
		if (o->optype == PERF_MODEX)
			printf("# modex length: %u\n", o->modex_len);
		if (o->optype == PERF_RSA) {
			printf("# rsa modulus length: %u\n", o->rsa_modlen);
			printf("# rsa padding: %s\n", opts_rsa_pads[o->rsa_padding]);
		}
		if (o->optype == PERF_ECDSA || o->optype == PERF_ECDH)
			printf("# curve: %s\n", opts_curves[o->curve]);
		printf("#\n");
	}
	if (o->optype == PERF_AEAD) {
		printf("# aead algorithm: %s\n", o->aead_algo->dpdk);
		printf("# aead operation: %s\n", o->aead_decrypt ? "decrypt" : "encrypt");
		printf("# aead key size: %u\n", o->aead_key_sz);
		printf("# aead iv size: %u\n", o->aead_iv_sz);
		printf("# aead digest size: %u\n", o->digest_sz);
		printf("# aead aad size: %u\n", o->aead_aad_sz);
		printf("#\n");
	}
}
