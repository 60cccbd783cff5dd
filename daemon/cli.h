/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl's private header: exit codes, batch geometry, the crypt
 * pipeline's types, and what one cli_*.c file calls in another.
 */
#ifndef CRYPTOENGCTL_CLI_H
#define CRYPTOENGCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "cryptoeng.h"

/* Exit codes: scripts tell "bad tag" from "bad input" from "no daemon". */
#define CLI_EXIT_OK		0
#define CLI_EXIT_FAIL		1	/* daemon unreachable, I/O */
#define CLI_EXIT_EINVAL		2	/* invalid input, as the daemon's EINVAL */
#define CLI_EXIT_USAGE		2	/* bad options: the same, as getopt users expect */
#define CLI_EXIT_EBADMSG	3
#define CLI_EXIT_SELFTEST	4	/* selftest: an implementation failed */

#ifndef CRYPTOENG_VERSION
#define CRYPTOENG_VERSION	"unknown"
#endif

/* Largest control answer the daemon sends (CE_MSG_CTL_MAX) plus the NUL. */
#define CLI_REPLY_MAX		(16384 + 1)

/*
 * Batch geometry. The region holds one queue pair and a byte ring for the
 * requests' data; requests are released in input order (they are printed in
 * input order), so a FIFO over one big arena buffer is all the allocator
 * needed, with no per-request call into libcryptoeng.
 */
#define CLI_REGION_SIZE		(32u << 20)
#define CLI_ARENA_SIZE		(30u << 20)
#define CLI_SQ_ENTRIES		1024u
/* Lines read ahead of the oldest unprinted one; more than any credit limit. */
#define CLI_SLOTS		4096u
#define CLI_BURST		64u
#define CLI_SESS_BUCKETS	1024u
/* ce_session_params.key_len limit (cryptoeng.h). */
#define CLI_KEY_MAX		CE_SESSION_KEY_MAX
/* With requests in flight and no completion for this long, ask whether the daemon lives. */
#define CLI_WAIT_MS		1000

enum cli_state {
	CLI_S_FREE,
	CLI_S_DONE,		/* result known (error or output), waiting to be printed */
	CLI_S_PENDING,		/* descriptor ready, not yet taken by the SQ */
	CLI_S_INFLIGHT,
};

enum cli_type { CLI_T_CIPHER, CLI_T_AEAD, CLI_T_HASH };

struct cli_slot {
	enum cli_state state;
	int status;		/* 0 or -errno of the completion */
	char *err;		/* "EINVAL: ...": set when refused before submission */
	uint64_t buf_end;	/* byte ring position to release up to */
	uint8_t *out;		/* result bytes in the arena */
	uint32_t out_len;
	json_t *id;		/* the line's "id", echoed in its answer */
	uint32_t out_max;	/* asymmetric: out_len comes from the CQE, at most this */
	struct ce_desc dd;
};

/* Session cache entry: a handle or the daemon's refusal, by request shape. */
struct cli_sess {
	struct cli_sess *next;
	char *id;
	int64_t handle;		/* < 0: refused, see err */
	char *err;
};

/* One parsed request, pointing into its JSON object (valid while it lives). */
struct cli_req {
	const char *alg, *driver, *key, *iv, *aad, *in;
	size_t key_hlen, iv_hlen, aad_hlen, in_hlen;
	uint8_t op;
	json_int_t tag_len;	/* -1: the algorithm's default */
};

struct cli_batch {
	struct ce_client *c;
	struct ce_qp *qp;
	json_t *algs;		/* the daemon's "algs" array */
	uint8_t *arena;
	uint64_t head, tail;	/* byte ring, free running */
	struct cli_slot *slots;
	uint64_t seq_read;	/* next line's sequence number */
	uint64_t seq_print;	/* oldest unprinted */
	uint64_t seq_submit;	/* oldest not yet submitted (pending or later) */
	uint32_t inflight;
	struct cli_sess *sess[CLI_SESS_BUCKETS];
	uint32_t nb_sess;
	struct cli_asym_sess *asym_sess;	/* cli_batch_asym.c: sessions by key file */
	/* Tallies for the one-shot exit code. */
	bool one_shot;
	int exit_code;
	int out_fd;		/* one-shot -o: raw output here, else hex on stdout */
};

/*
 * Line input on a raw fd, not stdio: the batch loop must know whether a
 * read would block (a coprocess waiting for its answers) so it can finish
 * and print what is in flight first; stdio hides its buffer.
 */
struct cli_in {
	int fd;
	char *buf;
	size_t cap, start, end, scan;
	bool eof;
};

/* cli_main.c */
extern const char *cli_prog;
void cli_usage_report(FILE *f, const char *cmd);
void cli_usage_crypt(FILE *f);

/* cli_util.c */
void *cli_xmalloc(size_t n);
char *cli_xstrdup(const char *s);
char *cli_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_hex_init(void);
int cli_hexval(char c);
long cli_unhex(const char *hex, size_t hlen, uint8_t *out);
void cli_tohex(const uint8_t *in, size_t n, char *out);
const char *cli_errname(int err);
extern const char *cli_socket;
struct ce_client *cli_connect(const struct ce_client_opts *o);
/*
 * Send control request @p req (consumed) for command @p cmd (named in
 * messages). @return the parsed answer, or NULL (message printed) with
 * *err, when not NULL, the daemon's -errno (-EIO: no answer, not JSON).
 */
json_t *cli_request_json(struct ce_client *c, const char *cmd, json_t *req, int *err);
json_t *cli_request(struct ce_client *c, const char *cmd);
json_t *cli_request_all(struct ce_client *c, const char *cmd);

/* cli_report.c */
void cli_fmt_range(json_t *r, char *buf, size_t size);
json_int_t cli_range_get(json_t *a, const char *range, const char *which);
int cli_cmd_report(const char *cmd, int argc, char **argv);

/* cli_batch.c */
int cli_run(struct cli_batch *b, struct cli_in *in, json_t *one);
void cli_batch_free(struct cli_batch *b);
long cli_ring_alloc(struct cli_batch *b, size_t n);

/* cli_batch_asym.c: asymmetric lines of a batch (those with "key_file") */
bool cli_asym_line(json_t *o);
/* @return 0 (s pending, or done with s->err set), or -EAGAIN: the byte ring is full. */
int cli_asym_prepare(struct cli_batch *b, struct cli_slot *s, uint64_t seq, json_t *o);
void cli_asym_free(struct cli_batch *b);

/* cli_crypt.c */
int cli_cmd_crypt(int argc, char **argv);

/* cli_selftest.c */
void cli_usage_selftest(FILE *f);
int cli_cmd_selftest(int argc, char **argv);

/* cli_asym.c: sign, verify, encrypt, decrypt, derive */
struct evp_pkey_st;
int cli_cmd_asym(const char *cmd, int argc, char **argv);
/* All of a file (or fd, or stdin for "-"), at most max bytes. @return length or -errno. */
long cli_asym_read(const char *path, int fd, size_t max, uint8_t **out);
/* A PEM or DER key, private (*priv) or public; NULL if OpenSSL reads neither. */
struct evp_pkey_st *cli_asym_parse_key(const uint8_t *b, size_t n, bool *priv);
/* The key as the daemon takes it (PKCS#8 or SPKI DER). @return length or -EINVAL. */
int cli_asym_key_der(struct evp_pkey_st *k, bool priv, uint8_t **der);
/* The kernel's algorithm for a key, an RSA padding and sign/derive; NULL: none. */
const char *cli_asym_default_alg(struct evp_pkey_st *k, const char *padding, bool derive,
				 char *buf, size_t size);
/* A peer's public key in the key agreement's wire format. @return length or -EINVAL. */
int cli_asym_peer_raw(struct evp_pkey_st *peer, struct evp_pkey_st *ours, uint8_t *out,
		      size_t room);

/* cli_watch.c: stats --watch */
bool cli_watch_wanted(int argc, char **argv);
int cli_cmd_watch(int argc, char **argv);

#endif /* CRYPTOENGCTL_CLI_H */
