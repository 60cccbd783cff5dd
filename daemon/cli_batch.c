/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl: the crypt pipeline: --batch JSON lines, and one-shot requests as a batch of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>

#include <jansson.h>

#include "cryptoeng.h"
#include "cli.h"

/* The implementation the daemon would choose: exact driver, else the highest priority passed. */
static json_t *
cli_alg_find(struct cli_batch *b, const char *alg, const char *driver)
{
	json_t *a, *best = NULL;
	size_t i;

	json_array_foreach(b->algs, i, a) {
		const char *n = json_string_value(json_object_get(a, "name"));
		const char *d = json_string_value(json_object_get(a, "driver"));
		bool passed = strcmp(json_string_value(json_object_get(a, "selftest")) ?: "",
				     "passed") == 0;

		if (n == NULL || d == NULL)
			continue;
		/* Like the kernel, an algorithm can also be named by its driver name. */
		if (driver != NULL ? strcmp(d, driver) == 0 && strcmp(n, alg) == 0
				   : strcmp(d, alg) == 0)
			return a;
		if (driver != NULL || strcmp(n, alg) != 0)
			continue;
		if (best == NULL) {
			best = a;
			continue;
		}
		bool best_passed = strcmp(json_string_value(json_object_get(best, "selftest")) ?: "",
					  "passed") == 0;
		if ((passed && !best_passed) ||
		    (passed == best_passed &&
		     json_integer_value(json_object_get(a, "priority")) >
		     json_integer_value(json_object_get(best, "priority"))))
			best = a;
	}
	return best;
}

static const char *
cli_op_name(uint8_t op)
{
	static const char *const names[] = { "?", "encrypt", "decrypt", "digest", "verify" };

	return op <= CE_OP_VERIFY ? names[op] : "?";
}

/* Field "name" as a string (or absent); @return an error text or NULL. */
static char *
cli_field_str(json_t *o, const char *name, const char **val, size_t *len, bool hex)
{
	json_t *v = json_object_get(o, name);

	*val = NULL;
	if (len)
		*len = 0;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		return cli_fmt("EINVAL: %s: not a string", name);
	*val = json_string_value(v);
	if (len)
		*len = json_string_length(v);
	if (hex) {
		if (*len % 2)
			return cli_fmt("EINVAL: %s: odd number of hex digits", name);
		for (size_t i = 0; i < *len; i++)
			if (cli_hexval((*val)[i]) < 0)
				return cli_fmt("EINVAL: %s: not hex at character %zu", name,
					       i + 1);
	}
	return NULL;
}

static char *
cli_req_parse(json_t *o, struct cli_req *r)
{
	static const char *const known[] = {
		"alg", "driver", "op", "key", "iv", "aad", "tag_len", "in", "id",
	};
	const char *k, *op;
	char *err;
	json_t *v;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		return cli_fmt("EINVAL: line is not a JSON object");
	/* A misspelt field would otherwise be silently dropped. */
	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return cli_fmt("EINVAL: %s: unknown field", k);
	}
	if ((err = cli_field_str(o, "alg", &r->alg, NULL, false)) != NULL ||
	    (err = cli_field_str(o, "driver", &r->driver, NULL, false)) != NULL ||
	    (err = cli_field_str(o, "op", &op, NULL, false)) != NULL ||
	    (err = cli_field_str(o, "key", &r->key, &r->key_hlen, true)) != NULL ||
	    (err = cli_field_str(o, "iv", &r->iv, &r->iv_hlen, true)) != NULL ||
	    (err = cli_field_str(o, "aad", &r->aad, &r->aad_hlen, true)) != NULL ||
	    (err = cli_field_str(o, "in", &r->in, &r->in_hlen, true)) != NULL)
		return err;
	if (r->alg == NULL || r->alg[0] == '\0')
		return cli_fmt("EINVAL: alg: missing");
	if (op == NULL)
		return cli_fmt("EINVAL: op: missing (encrypt, decrypt, digest or verify)");
	for (r->op = CE_OP_ENCRYPT; r->op <= CE_OP_VERIFY; r->op++)
		if (strcmp(op, cli_op_name(r->op)) == 0)
			break;
	if (r->op > CE_OP_VERIFY)
		return cli_fmt("EINVAL: op: '%s' is not encrypt, decrypt, digest or verify", op);
	if (r->in == NULL)
		return cli_fmt("EINVAL: in: missing");
	r->tag_len = -1;
	v = json_object_get(o, "tag_len");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT16_MAX)
			return cli_fmt("EINVAL: tag_len: not an integer in 0..65535");
		r->tag_len = json_integer_value(v);
	}
	if (r->driver != NULL && r->driver[0] == '\0')
		r->driver = NULL;
	return NULL;
}

/* ---- crypt: session cache ------------------------------------------------ */

static uint32_t
cli_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Wait for every request in flight, then destroy every cached session. */
static int cli_drain(struct cli_batch *b);

static void
cli_sess_flush(struct cli_batch *b)
{
	for (unsigned int i = 0; i < CLI_SESS_BUCKETS; i++) {
		struct cli_sess **pp = &b->sess[i];

		while (*pp != NULL) {
			struct cli_sess *s = *pp;

			if (s->handle < 0) {	/* refusals stay: they cost the daemon nothing */
				pp = &s->next;
				continue;
			}
			ce_session_destroy(b->c, (uint32_t)s->handle);
			*pp = s->next;
			free(s->id);
			free(s);
			b->nb_sess--;
		}
	}
}

/* The daemon's refusal reason names the size it refused; name the parameter first. */
static char *
cli_sess_reason(int64_t ret, const char *why)
{
	static const struct { const char *in_reason, *param; } map[] = {
		{ "key", "key" }, { "iv", "iv" }, { "digest", "tag_len" }, { "aad", "aad" },
		{ "op", "op" },
	};
	const char *param = "session";
	const char *colon = strstr(why, "): ");
	const char *what = colon ? colon + 3 : why;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(what, map[i].in_reason, strlen(map[i].in_reason)) == 0) {
			param = map[i].param;
			break;
		}
	if (ret == -ENOENT)
		param = "alg";
	/* Not the input: the implementation failed its self-test (exit 1). */
	if (ret == -ELIBBAD)
		return cli_fmt("ELIBBAD: %s", why);
	return cli_fmt("EINVAL: %s: %s", param, why);
}

/*
 * The session for a request's shape, from the cache or created now.
 * @return the handle, or -1 with *err set (a copy for the caller).
 */
static int64_t
cli_sess_get(struct cli_batch *b, const struct cli_req *r, json_t *a, const uint8_t *key,
	     uint32_t iv_len, uint32_t tag_len, uint32_t aad_max, char **err)
{
	const char *driver = json_string_value(json_object_get(a, "driver"));
	char *id = cli_fmt("%u\x1f%s\x1f%s\x1f%.*s\x1f%u\x1f%u", r->op, r->alg, driver,
			   (int)r->key_hlen, r->key ? r->key : "", iv_len, tag_len);
	uint32_t bucket = cli_hash(id) % CLI_SESS_BUCKETS;
	struct ce_session_params sp = {
		.alg = r->alg, .driver = driver, .key = key,
		.key_len = (uint32_t)(r->key_hlen / 2),
		.iv_len = iv_len, .digest_len = tag_len, .aad_max = aad_max,
		.direction = (r->op == CE_OP_ENCRYPT || r->op == CE_OP_DIGEST) ?
			     CE_SESS_DIR_ENCRYPT : CE_SESS_DIR_DECRYPT,
	};
	struct cli_sess *s;
	int64_t h;

	/* Hex keys compare case-sensitively here: "AB" and "ab" make two sessions, harmless. */
	for (s = b->sess[bucket]; s != NULL; s = s->next)
		if (strcmp(s->id, id) == 0) {
			free(id);
			if (s->handle < 0)
				*err = cli_xstrdup(s->err);
			return s->handle;
		}
	for (int tries = 0;; tries++) {
		h = ce_session_create(b->c, &sp);
		if (h >= 0 || (h != -ENOSPC && h != -EAGAIN) || tries > 1000)
			break;
		/*
		 * The daemon's per-client session limit ([clients] max_sessions): let
		 * what is in flight finish, drop the cache, and start it over.
		 * -EAGAIN: destroyed slots are freed once the workers let go of them.
		 */
		if (h == -ENOSPC) {
			if (cli_drain(b) < 0)
				break;
			cli_sess_flush(b);
		} else {
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		}
	}
	if (h < 0 && (h == -EPIPE || h == -EPROTO || h == -ENOSPC || h == -EAGAIN ||
		      h == -ENOMEM)) {
		/* Not about the parameters: not cached, the next line tries again. */
		*err = cli_fmt("%s: session: %s", cli_errname((int)-h),
			       ce_client_last_error(b->c));
		free(id);
		return -1;
	}
	s = cli_xmalloc(sizeof(*s));
	s->id = id;
	s->handle = h;
	s->err = h < 0 ? cli_sess_reason(h, ce_client_last_error(b->c)) : NULL;
	s->next = b->sess[bucket];
	b->sess[bucket] = s;
	b->nb_sess++;
	if (h < 0) {
		*err = cli_xstrdup(s->err);
		return -1;
	}
	return h;
}

/* ---- crypt: the pipeline ------------------------------------------------- */

static struct cli_slot *
cli_slot(struct cli_batch *b, uint64_t seq)
{
	return &b->slots[seq % CLI_SLOTS];
}

/* Reserve n bytes (64-byte aligned) of the byte ring; @return the offset or -1. */
long
cli_ring_alloc(struct cli_batch *b, size_t n)
{
	uint64_t pos;

	n = (n + 63) & ~(size_t)63;
	if (n == 0)
		n = 64;
	pos = b->head % CLI_ARENA_SIZE;
	/* A span never wraps: skip the ring's tail end when it does not fit. */
	if (pos + n > CLI_ARENA_SIZE) {
		if (b->head + (CLI_ARENA_SIZE - pos) + n - b->tail > CLI_ARENA_SIZE)
			return -1;
		b->head += CLI_ARENA_SIZE - pos;
		pos = 0;
	}
	if (b->head + n - b->tail > CLI_ARENA_SIZE)
		return -1;
	b->head += n;
	return (long)pos;
}

/* Write one line's result; @return false if stdout failed. */
static void
cli_emit(struct cli_batch *b, struct cli_slot *s)
{
	char *hex = NULL, *line;
	json_t *o;

	if (s->err == NULL && s->status == 0) {
		hex = cli_xmalloc(2 * (size_t)s->out_len + 1);
		cli_tohex(s->out, s->out_len, hex);
	} else if (s->err == NULL) {
		s->err = s->status == -EBADMSG ? cli_xstrdup("EBADMSG") :
			 s->status == -EINVAL ?
			 cli_xstrdup("EINVAL: request: refused by the daemon or its backend") :
			 cli_fmt("%s: %s", cli_errname(-s->status), strerror(-s->status));
	}
	if (b->one_shot) {
		if (hex != NULL && b->out_fd >= 0) {
			size_t done = 0;

			fflush(stdout);
			while (done < s->out_len) {
				ssize_t n = write(b->out_fd, s->out + done, s->out_len - done);

				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0) {
					fprintf(stderr, "%s: -o: %s\n", cli_prog, strerror(errno));
					b->exit_code = CLI_EXIT_FAIL;
					break;
				}
				done += (size_t)n;
			}
		} else if (hex != NULL) {
			printf("%s\n", hex);
		} else {
			fprintf(stderr, "%s\n", s->err);
			b->exit_code = strcmp(s->err, "EBADMSG") == 0 ? CLI_EXIT_EBADMSG :
				       strncmp(s->err, "EINVAL", 6) == 0 ? CLI_EXIT_EINVAL :
				       CLI_EXIT_FAIL;
		}
	} else {
		o = json_object();
		if (s->id != NULL)
			json_object_set(o, "id", s->id);
		json_object_set_new(o, hex ? "out" : "error", json_string(hex ? hex : s->err));
		line = json_dumps(o, JSON_COMPACT);
		if (line == NULL) {
			fprintf(stderr, "%s: out of memory\n", cli_prog);
			exit(CLI_EXIT_FAIL);
		}
		fputs(line, stdout);
		fputc('\n', stdout);
		free(line);
		json_decref(o);
	}
	free(hex);
	free(s->err);
	s->err = NULL;
	json_decref(s->id);
	s->id = NULL;
	s->state = CLI_S_FREE;
	b->tail = s->buf_end;
}

static void
cli_print_ready(struct cli_batch *b)
{
	while (b->seq_print < b->seq_read) {
		struct cli_slot *s = cli_slot(b, b->seq_print);

		if (s->state != CLI_S_DONE)
			break;
		cli_emit(b, s);
		b->seq_print++;
	}
}

/* Skip past answered lines so the SQ sees descriptors in input order. */
static void
cli_skip_done(struct cli_batch *b)
{
	while (b->seq_submit < b->seq_read &&
	       cli_slot(b, b->seq_submit)->state != CLI_S_PENDING)
		b->seq_submit++;
}

/*
 * Submit what is pending (in bursts) and reap what completed.
 * @return completions reaped + descriptors submitted, or -1 (ring broken).
 */
static int
cli_pump(struct cli_batch *b)
{
	struct ce_desc dd[CLI_BURST];
	struct ce_cqe cqe[CLI_BURST];
	int progress = 0, n;

	for (;;) {
		unsigned int k = 0;
		uint64_t seq;

		cli_skip_done(b);
		for (seq = b->seq_submit; seq < b->seq_read && k < CLI_BURST; seq++) {
			struct cli_slot *s = cli_slot(b, seq);

			if (s->state == CLI_S_PENDING)
				dd[k++] = s->dd;
		}
		if (k == 0)
			break;
		n = ce_submit_burst(b->qp, dd, k);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			struct cli_slot *s = cli_slot(b, dd[i].cookie);

			s->state = CLI_S_INFLIGHT;
		}
		b->inflight += (uint32_t)n;
		progress += n;
		if ((unsigned int)n < k)
			break;	/* SQ or credits full: reap first */
	}
	for (;;) {
		n = ce_poll_burst(b->qp, cqe, CLI_BURST);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			struct cli_slot *s;

			/* The cookie is ours, but check it before using it as an index. */
			if (cqe[i].cookie < b->seq_print || cqe[i].cookie >= b->seq_read)
				continue;
			s = cli_slot(b, cqe[i].cookie);
			if (s->state != CLI_S_INFLIGHT)
				continue;
			s->status = cqe[i].status;
			/* Asymmetric: the CQE says how much was written, never past out_max. */
			if (s->out_max != 0) {
				s->out_len = cqe[i].out_len;
				if (s->status == 0 && s->out_len > s->out_max)
					s->status = -EPROTO;
			}
			s->state = CLI_S_DONE;
			b->inflight--;
		}
		progress += n;
		if (n < (int)CLI_BURST)
			break;
	}
	return progress;
}

/* Block until a completion (or find the daemon gone). @return 0 or -1. */
static int
cli_wait(struct cli_batch *b)
{
	int r = ce_wait(b->qp, CLI_WAIT_MS);
	json_t *ping;

	if (r < 0 && r != -EINTR)
		return -1;
	if (r != 0)
		return 0;
	/* A dead daemon never completes: one control round trip tells. */
	ping = cli_request(b->c, "engines");
	if (ping == NULL)
		return -1;
	json_decref(ping);
	return 0;
}

static int
cli_drain(struct cli_batch *b)
{
	for (;;) {
		int n = cli_pump(b);

		if (n < 0)
			return -1;
		cli_skip_done(b);
		if (b->inflight == 0 && b->seq_submit == b->seq_read)
			return 0;
		if (n == 0 && cli_wait(b) < 0)
			return -1;
	}
}

/*
 * Turn one parsed request into a pending descriptor (or a DONE slot with an
 * error). @return 0, or -EAGAIN when the byte ring is full (retry later).
 */
/* @p n against the implementation's range @p range: NULL, or "EINVAL: what: n bytes; limits". */
static char *
cli_check_size(json_t *a, const char *alg, const char *what, const char *range, size_t n)
{
	json_t *rg = json_object_get(a, range);
	json_int_t min = cli_range_get(a, range, "min"), max = cli_range_get(a, range, "max");
	json_int_t step = cli_range_get(a, range, "step");
	char text[64];

	if (rg == NULL || ((json_int_t)n >= min && (json_int_t)n <= max &&
			   (step <= 1 || ((json_int_t)n - min) % step == 0)))
		return NULL;
	cli_fmt_range(rg, text, sizeof(text));
	return cli_fmt("EINVAL: %s: %zu bytes; %s (%s) takes %s", what, n, alg,
		       json_string_value(json_object_get(a, "driver")) ?: "?", text);
}

static int
cli_prepare(struct cli_batch *b, struct cli_slot *s, uint64_t seq, const struct cli_req *r)
{
	uint8_t key[CLI_KEY_MAX];
	json_t *a;
	const char *type;
	enum cli_type t;
	size_t in_len = r->in_hlen / 2, iv_len = r->iv_hlen / 2, aad_len = r->aad_hlen / 2;
	size_t data_len, need, tag_len;
	uint32_t aad_max = 0;
	int64_t h;
	long off;
	uint8_t *p;

	a = cli_alg_find(b, r->alg, r->driver);
	if (a == NULL) {
		s->err = r->driver ? cli_fmt("EINVAL: driver: no '%s' implementing %s", r->driver,
					     r->alg) :
				     cli_fmt("EINVAL: alg: no algorithm named '%s'", r->alg);
		return 0;
	}
	type = json_string_value(json_object_get(a, "type")) ?: "";
	t = strcmp(type, "aead") == 0 ? CLI_T_AEAD : strcmp(type, "hash") == 0 ? CLI_T_HASH :
	    CLI_T_CIPHER;
	if ((t == CLI_T_HASH) != (r->op == CE_OP_DIGEST || r->op == CE_OP_VERIFY)) {
		s->err = cli_fmt("EINVAL: op: %s cannot %s (%s: %s)", r->alg, cli_op_name(r->op),
				 type, t == CLI_T_HASH ? "digest, verify" : "encrypt, decrypt");
		return 0;
	}
	if (r->key_hlen / 2 > sizeof(key)) {
		s->err = cli_fmt("EINVAL: key: %zu bytes, at most %zu", r->key_hlen / 2,
				 sizeof(key));
		return 0;
	}
	if ((s->err = cli_check_size(a, r->alg, "key", "key_sizes", r->key_hlen / 2)) != NULL)
		return 0;
	if (t == CLI_T_HASH && r->iv != NULL && iv_len > 0) {
		s->err = cli_fmt("EINVAL: iv: a hash takes no IV");
		return 0;
	}
	if (t != CLI_T_HASH && (r->iv != NULL || iv_len > 0) &&
	    (s->err = cli_check_size(a, r->alg, "iv", "iv_sizes", iv_len)) != NULL)
		return 0;
	if (t != CLI_T_AEAD && aad_len > 0) {
		s->err = cli_fmt("EINVAL: aad: only AEAD algorithms take AAD");
		return 0;
	}
	if (t != CLI_T_HASH && r->iv == NULL &&
	    json_integer_value(json_object_get(json_object_get(a, "iv_sizes"), "min")) > 0) {
		s->err = cli_fmt("EINVAL: iv: missing (%s needs one)", r->alg);
		return 0;
	}
	if (t == CLI_T_CIPHER) {
		if (r->tag_len > 0) {
			s->err = cli_fmt("EINVAL: tag_len: %s has no tag", r->alg);
			return 0;
		}
		tag_len = 0;
	} else if (r->tag_len >= 0) {
		tag_len = (size_t)r->tag_len;
		s->err = cli_check_size(a, r->alg, "tag_len", "digest_sizes", tag_len);
		if (s->err != NULL)
			return 0;
	} else {
		/* Like the kernel: the default authsize is the largest. */
		tag_len = (size_t)json_integer_value(
			json_object_get(json_object_get(a, "digest_sizes"), "max"));
	}
	if (t == CLI_T_AEAD) {
		json_int_t m = json_integer_value(json_object_get(a, "aad_max"));

		/* One session serves any AAD length up to the algorithm's limit. */
		aad_max = (uint32_t)(m > UINT16_MAX ? UINT16_MAX : m < 0 ? 0 : m);
		if (aad_len > aad_max) {
			s->err = cli_fmt("EINVAL: aad: %zu bytes, %s takes at most %u", aad_len,
					 r->alg, aad_max);
			return 0;
		}
	}
	/* Decrypt and verify take the tag at the end of the input. */
	data_len = in_len;
	if (r->op == CE_OP_DECRYPT || r->op == CE_OP_VERIFY) {
		if (in_len < tag_len) {
			s->err = cli_fmt("EINVAL: in: %zu bytes, shorter than the %zu-byte tag",
					 in_len, tag_len);
			return 0;
		}
		data_len = in_len - tag_len;
	}
	if (data_len > UINT32_MAX) {
		s->err = cli_fmt("EINVAL: in: too long");
		return 0;
	}
	if (t != CLI_T_HASH) {
		json_int_t bs = json_integer_value(json_object_get(a, "block_size"));

		/* A cipher takes no empty input; authenc's CBC may be empty (MAC only). */
		if (bs > 1 && ((t == CLI_T_CIPHER && data_len == 0) || data_len % (size_t)bs != 0)) {
			s->err = cli_fmt("EINVAL: in: %zu bytes; %s takes a %smultiple of "
					 "its %" JSON_INTEGER_FORMAT "-byte block", data_len,
					 r->alg, t == CLI_T_CIPHER ? "non-zero " : "", bs);
			return 0;
		}
	}
	/* The daemon completes a longer request with -EINVAL and no text: say the limit here. */
	if (json_is_integer(json_object_get(a, "max_len")) &&
	    (json_int_t)data_len > json_integer_value(json_object_get(a, "max_len"))) {
		s->err = cli_fmt("EINVAL: in: %zu bytes; %s (%s) takes at most %" JSON_INTEGER_FORMAT,
				 data_len, r->alg, json_string_value(json_object_get(a, "driver")) ?: "?",
				 json_integer_value(json_object_get(a, "max_len")));
		return 0;
	}
	if (t == CLI_T_AEAD && (json_int_t)aad_len < json_integer_value(json_object_get(a, "aad_min"))) {
		s->err = cli_fmt("EINVAL: aad: %zu bytes, %s takes at least %" JSON_INTEGER_FORMAT,
				 aad_len, r->alg, json_integer_value(json_object_get(a, "aad_min")));
		return 0;
	}

	/* Layout, in place: [data][tag][iv][aad]; data||tag is the AEAD output. */
	need = data_len + tag_len + iv_len + aad_len;
	if (need > CLI_ARENA_SIZE) {
		s->err = cli_fmt("EINVAL: in: %zu bytes do not fit the %u-byte buffer", need,
				 CLI_ARENA_SIZE);
		return 0;
	}
	off = cli_ring_alloc(b, need);
	if (off < 0)
		return -EAGAIN;
	s->buf_end = b->head;

	cli_unhex(r->key ? r->key : "", r->key_hlen, key);
	h = cli_sess_get(b, r, a, key, (uint32_t)iv_len, (uint32_t)tag_len, aad_max, &s->err);
	memset(key, 0, sizeof(key));
	if (h < 0)
		return 0;

	p = b->arena + off;
	cli_unhex(r->in, r->in_hlen, p);
	if (iv_len)
		cli_unhex(r->iv, r->iv_hlen, p + data_len + tag_len);
	if (aad_len)
		cli_unhex(r->aad, r->aad_hlen, p + data_len + tag_len + iv_len);
	s->dd = (struct ce_desc){
		.cookie = seq,
		.session = (uint32_t)h,
		.op = r->op,
		.src_off = ce_buf_offset(b->c, p),
		.dst_off = ce_buf_offset(b->c, p),
		.len = (uint32_t)data_len,
		.aad_len = (uint32_t)aad_len,
		.iv_off = iv_len ? ce_buf_offset(b->c, p + data_len + tag_len) : 0,
		.aad_off = aad_len ? ce_buf_offset(b->c, p + data_len + tag_len + iv_len) : 0,
		.digest_off = tag_len ? ce_buf_offset(b->c, p + data_len) : 0,
	};
	switch (r->op) {
	case CE_OP_ENCRYPT:
		s->out = p;
		s->out_len = (uint32_t)(data_len + tag_len);
		break;
	case CE_OP_DECRYPT:
		s->out = p;
		s->out_len = (uint32_t)data_len;
		break;
	case CE_OP_DIGEST:
		s->out = p + data_len;
		s->out_len = (uint32_t)tag_len;
		break;
	default:
		s->out = p;
		s->out_len = 0;	/* verify: success is the answer */
		break;
	}
	s->state = CLI_S_PENDING;
	return 0;
}


/*
 * Next line (without its newline, NUL-terminated, valid until the next call).
 * @return 1, 0 at the end of the input, -EAGAIN if it would block and
 *   @p block is false, or -errno.
 */
static int
cli_in_line(struct cli_in *in, bool block, char **line, size_t *len)
{
	for (;;) {
		/* memchr() wants a buffer even for 0 bytes: none before the first read. */
		char *nl = in->buf ? memchr(in->buf + in->scan, '\n', in->end - in->scan) : NULL;
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		ssize_t n;

		if (nl != NULL || (in->eof && in->start < in->end)) {
			size_t e = nl ? (size_t)(nl - in->buf) : in->end;

			if (nl == NULL) {	/* last line without a newline: room for the NUL */
				if (in->end == in->cap)
					goto grow;
			}
			in->buf[e] = '\0';
			*line = in->buf + in->start;
			*len = e - in->start;
			in->start = in->scan = nl ? e + 1 : in->end;
			return 1;
		}
		if (in->eof)
			return 0;
		in->scan = in->end;
		/* Compact, then grow if a single line fills the buffer. */
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->scan -= in->start;
			in->start = 0;
		}
		if (in->end == in->cap) {
grow:
			in->cap = in->cap ? 2 * in->cap : 1u << 16;
			in->buf = realloc(in->buf, in->cap);
			if (in->buf == NULL)
				return -ENOMEM;
			continue;
		}
		if (!block && poll(&pfd, 1, 0) == 0)
			return -EAGAIN;
		n = read(in->fd, in->buf + in->end, in->cap - in->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			in->eof = true;
		in->end += (size_t)n;
	}
}

/*
 * Run requests through the daemon: the lines of @p in, or the single request
 * @p one. Lines are read, prepared and submitted a burst at a time while
 * earlier ones are in flight; results are printed in input order.
 */
int
cli_run(struct cli_batch *b, struct cli_in *in, json_t *one)
{
	json_t *held = NULL;	/* a prepared-to-be line waiting for buffer space */
	bool eof = false;

	while (!eof || held != NULL || b->seq_print < b->seq_read) {
		unsigned int nb = 0;
		int progress;

		while ((!eof || held != NULL) && b->seq_read - b->seq_print < CLI_SLOTS &&
		       nb < CLI_BURST) {
			struct cli_slot *s = cli_slot(b, b->seq_read);
			struct cli_req r;
			json_error_t jerr;
			json_t *o = held;

			s->state = CLI_S_DONE;
			s->status = 0;
			s->err = NULL;
			if (o == NULL) {	/* a held line keeps its id */
				json_decref(s->id);
				s->id = NULL;
			}
			s->buf_end = b->head;
			if (o != NULL) {
				held = NULL;
			} else if (one != NULL) {
				o = json_incref(one);
				eof = true;
			} else {
				char *line;
				size_t n;
				int got = cli_in_line(in, false, &line, &n);

				if (got == -EAGAIN) {
					/*
					 * The writer is slower than us: answer everything it
					 * sent so far before blocking for more.
					 */
					if (cli_drain(b) < 0)
						goto broken;
					cli_print_ready(b);
					fflush(stdout);
					got = cli_in_line(in, true, &line, &n);
				}
				if (got < 0) {
					fprintf(stderr, "%s: reading the batch: %s\n", cli_prog,
						strerror(-got));
					goto broken;
				}
				if (got == 0) {
					eof = true;
					break;
				}
				o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
				if (o == NULL) {
					s->err = cli_fmt("EINVAL: line %" PRIu64 ": malformed JSON: "
							 "%s (column %d)", b->seq_read + 1,
							 jerr.text, jerr.column);
					b->seq_read++;
					nb++;
					continue;
				}
			}
			s->out_max = 0;
			if (s->id == NULL)
				s->id = json_incref(json_object_get(o, "id"));
			if (cli_asym_line(o)) {
				if (cli_asym_prepare(b, s, b->seq_read, o) == -EAGAIN) {
					held = o;
					break;
				}
				json_decref(o);
				b->seq_read++;
				nb++;
				continue;
			}
			s->err = cli_req_parse(o, &r);
			if (s->err == NULL && cli_prepare(b, s, b->seq_read, &r) == -EAGAIN) {
				/* The byte ring is full: keep the line until output frees space. */
				held = o;
				break;
			}
			json_decref(o);
			b->seq_read++;
			nb++;
		}
		progress = cli_pump(b);
		if (progress < 0)
			goto broken;
		cli_print_ready(b);
		/* Nothing moved and nothing to read: only a completion can unblock us. */
		if (progress == 0 && b->inflight > 0 &&
		    ((eof && held == NULL) || held != NULL ||
		     b->seq_read - b->seq_print >= CLI_SLOTS) &&
		    cli_wait(b) < 0)
			goto broken;
	}
	if (ferror(stdout) || fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing the output: %s\n", cli_prog, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return b->exit_code;
broken:
	json_decref(held);
	fflush(stdout);
	fprintf(stderr, "%s: stopped with %u request(s) in flight (daemon lost?)\n", cli_prog,
		b->inflight);
	return CLI_EXIT_FAIL;
}

void
cli_batch_free(struct cli_batch *b)
{
	for (unsigned int i = 0; i < CLI_SESS_BUCKETS; i++) {
		struct cli_sess *s = b->sess[i], *next;

		for (; s != NULL; s = next) {
			next = s->next;
			free(s->id);
			free(s->err);
			free(s);
		}
	}
	for (unsigned int i = 0; i < CLI_SLOTS && b->slots != NULL; i++) {
		free(b->slots[i].err);
		json_decref(b->slots[i].id);
	}
	free(b->slots);
	json_decref(b->algs);
	cli_asym_free(b);
	/* BYE: the daemon destroys our sessions and queue pair. */
	ce_client_close(b->c);
}
