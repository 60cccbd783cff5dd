/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: shared definitions of the option parser (perf_opts.c), the
 * run's plan (perf_plan.c), the test-vector files (perf_vector.c), the
 * OpenSSL reference (perf_ref.c) and the runner (perf_run.h and its files).
 *
 * The options, their defaults and their messages are those of DPDK 22.11's
 * dpdk-test-crypto-perf, so that one command line drives both tools.
 */
#ifndef PERF_H
#define PERF_H

#include <stdint.h>
#include <stdio.h>
#include "ce_shm_abi.h"

#define PERF_MAX_LIST 32	/* crypto-perf's MAX_LIST */
#define PERF_MAX_KEY CE_SESSION_KEY_MAX
#define PERF_MAX_IV 128
#define PERF_MAX_DIGEST 64

enum perf_test {
	PERF_TEST_THROUGHPUT,
	PERF_TEST_LATENCY,
	PERF_TEST_VERIFY,
};

enum perf_optype {
	PERF_CIPHER_ONLY,
	PERF_AUTH_ONLY,
	PERF_CIPHER_THEN_AUTH,
	PERF_AUTH_THEN_CIPHER,
	PERF_AEAD,
	/* Asymmetric (perf_asym.c): DPDK's modex, and ours. */
	PERF_MODEX,
	PERF_RSA,
	PERF_ECDSA,
	PERF_ECDH,
};

/* --asym-op: what an asymmetric request does (0: the optype's default). */
enum perf_asym_op {
	PERF_ASYM_OP_DEFAULT,
	PERF_ASYM_OP_SIGN,
	PERF_ASYM_OP_VERIFY,
	PERF_ASYM_OP_ENCRYPT,
	PERF_ASYM_OP_DECRYPT,
	PERF_ASYM_OP_DERIVE,
	PERF_ASYM_OP_PUBKEY,
};

enum perf_curve { PERF_CURVE_DEFAULT, PERF_CURVE_P256, PERF_CURVE_P384, PERF_CURVE_X25519 };

enum perf_rsa_pad { PERF_RSA_PAD_PKCS1, PERF_RSA_PAD_PSS, PERF_RSA_PAD_OAEP };

static inline int
perf_optype_is_asym(enum perf_optype t)
{
	return t >= PERF_MODEX;
}

/* One algorithm name in DPDK's spelling and the kernel's. */
struct perf_alg {
	const char *dpdk;
	const char *kernel;
	uint32_t block;		/* buffer sizes must be a multiple of it */
};

struct perf_bytes {
	uint8_t *data;
	uint32_t len;
};

/* A test vector from a crypto-perf --test-file. */
struct perf_vector {
	struct perf_bytes plaintext, ciphertext, cipher_key, auth_key, aead_key;
	struct perf_bytes cipher_iv, auth_iv, aead_iv, aad, digest;
};

struct perf_opts {
	/* crypto-perf's own options */
	enum perf_test test;
	uint32_t pool_sz;
	uint32_t total_ops;
	uint32_t buffer_list[PERF_MAX_LIST];
	uint32_t buffer_count;
	uint32_t min_buffer, max_buffer, inc_buffer;
	uint32_t burst_list[PERF_MAX_LIST];
	uint32_t burst_count;
	uint32_t min_burst, max_burst, inc_burst;
	uint32_t imix_list[PERF_MAX_LIST];
	uint32_t imix_count;
	uint32_t segment_sz;
	uint32_t desc_nb;
	char devtype[64];
	enum perf_optype optype;
	int out_of_place;
	int csv;
	int silent;
	char *test_file;
	char *test_name;	/* with brackets, as crypto-perf keeps it */
	const struct perf_alg *cipher_algo;
	int cipher_decrypt;
	uint32_t cipher_key_sz, cipher_iv_sz;
	const struct perf_alg *auth_algo;
	int auth_verify;
	uint32_t auth_key_sz, auth_iv_sz;
	const struct perf_alg *aead_algo;
	int aead_decrypt;
	uint32_t aead_key_sz, aead_iv_sz, aead_aad_sz;
	uint32_t digest_sz;
	uint32_t modex_len;	/* --modex-len, bytes of the modulus (0: not given) */

	/* ours: asymmetric modes (perf_asym.c) */
	enum perf_asym_op asym_op;
	uint32_t rsa_modlen;	/* bits (0: not given) */
	enum perf_rsa_pad rsa_padding;
	int rsa_padding_given;
	enum perf_curve curve;
	int sizes_given;	/* --buffer-sz / --imix / --test-file: symmetric only */

	/* ours */
	const char *socket;
	int spawn;
	const char *spawn_config;
	uint32_t qps;
	int verify_all;
	int idle_wait;		/* an empty poll sleeps in ce_wait() instead of polling again */
	const char *driver;	/* exact driver name, overrides --devtype */
};

/* What the session is built from, once the options are checked. */
struct perf_plan {
	char alg[96];		/* kernel algorithm name */
	char driver[96];	/* "" = the daemon's best */
	const char *backend;	/* backend suffix asked for, or NULL */
	uint8_t op;		/* CE_OP_* */
	uint32_t direction;	/* CE_SESS_DIR_* */
	uint8_t key[PERF_MAX_KEY];
	uint32_t key_len;
	uint32_t cipher_key_len;	/* authenc: the AES key, the blob's last bytes */
	uint32_t auth_key_len;	/* authenc: the HMAC key, after the blob's header */
	uint32_t iv_len;
	uint32_t digest_len;
	uint32_t aad_len;
	int has_output;		/* op writes len bytes to dst */

	/* asymmetric (perf_asym.c) */
	int asym;
	uint32_t asym_bits;	/* RSA modulus / curve bits */
	uint32_t asym_in_len;	/* bytes at src (0: KPP_PUBKEY) */
	uint32_t asym_out_max;	/* room at dst: the session's out_max */
	uint32_t asym_sig_len;	/* SIG_VERIFY: bytes of the signature */
};

/* perf_opts.c */
void perf_opts_default(struct perf_opts *o);
int perf_opts_parse(struct perf_opts *o, int argc, char **argv);
int perf_opts_check(struct perf_opts *o);
void perf_opts_dump(const struct perf_opts *o);
int perf_plan_make(const struct perf_opts *o, struct perf_plan *p);
int perf_vector_load(const struct perf_opts *o, struct perf_vector *v);
void perf_vector_free(struct perf_vector *v);
const char *perf_optype_str(enum perf_optype t);

/* perf_asym.c: the asymmetric modes' plan (alg, op, sizes), checked options. */
int perf_asym_opts_check(struct perf_opts *o);
int perf_asym_plan(const struct perf_opts *o, struct perf_plan *p);
const char *perf_asym_op_str(enum perf_asym_op op);
const char *perf_curve_str(enum perf_curve c);

/* perf_ref.c: the OpenSSL oracle. */
/*
 * Compute what the daemon must produce for one request of @p p: @p in (len
 * bytes) → @p out (len bytes when the op has output), @p digest (digest_len
 * bytes; for decrypt/verify ops it is the input tag). For encrypt/digest ops
 * it writes the digest; for decrypt/verify it checks it.
 *
 * @return 0, -EBADMSG (decrypt/verify: tag mismatch), -ENOTSUP (no reference
 *   for the algorithm), -EINVAL.
 */
int perf_ref_compute(const struct perf_plan *p, uint8_t op, const uint8_t *iv,
		     const uint8_t *aad, const uint8_t *in, uint8_t *out, uint32_t len,
		     uint8_t *digest);

#endif /* PERF_H */
