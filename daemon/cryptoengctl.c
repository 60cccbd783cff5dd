/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl: command-line client of cryptoengd, through libcryptoeng.
 *
 *   cryptoengctl [--socket PATH] algs|stats|clients|engines [--json]
 *   cryptoengctl [--socket PATH] crypt --alg NAME [--driver NAME] --op OP --key HEX
 *                [--iv HEX] [--aad HEX] [--tag-len N] --in HEX
 *   cryptoengctl [--socket PATH] crypt --batch FILE|-
 *
 * No EAL: everything goes through the control socket and one queue pair.
 * JSON in and out goes through jansson only.
 *
 * One-shot crypt and --batch share one pipeline: a one-shot request is a
 * batch of one line built from the command line, so both are checked the
 * same way and the tests of one cover the other.
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

/* Exit codes: scripts tell "bad tag" from "bad input" from "no daemon". */
#define CTL_EXIT_OK		0
#define CTL_EXIT_FAIL		1	/* daemon unreachable, I/O */
#define CTL_EXIT_EINVAL		2	/* invalid input, as the daemon's EINVAL */
#define CTL_EXIT_USAGE		2	/* bad options: the same, as getopt users expect */
#define CTL_EXIT_EBADMSG	3

#ifndef CRYPTOENG_VERSION
#define CRYPTOENG_VERSION	"unknown"
#endif

/* Largest control answer the daemon sends (CE_MSG_CTL_MAX) plus the NUL. */
#define CTL_REPLY_MAX		(16384 + 1)

/*
 * Batch geometry. The region holds one queue pair and a byte ring for the
 * requests' data; requests are released in input order (they are printed in
 * input order), so a FIFO over one big arena buffer is all the allocator
 * needed, with no per-request call into libcryptoeng.
 */
#define CTL_REGION_SIZE		(32u << 20)
#define CTL_ARENA_SIZE		(30u << 20)
#define CTL_SQ_ENTRIES		1024u
/* Lines read ahead of the oldest unprinted one; more than any credit limit. */
#define CTL_SLOTS		4096u
#define CTL_BURST		64u
#define CTL_SESS_BUCKETS	1024u
/* ce_session_params.key_len limit (cryptoeng.h). */
#define CTL_KEY_MAX		128u
/* With requests in flight and no completion for this long, ask whether the daemon lives. */
#define CTL_WAIT_MS		1000

static const char *ctl_prog = "cryptoengctl";

/* ---- small helpers ------------------------------------------------------ */

static void
ctl_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  algs [--json]      algorithm implementations (like /proc/crypto)\n"
		"  stats [--json]     per engine, client and algorithm counters\n"
		"  clients [--json]   connected clients and their queue pairs\n"
		"  engines [--json]   engine lcores and their backends\n"
		"  crypt ...          one request, or --batch FILE|- (crypt --help)\n"
		"\n"
		"COMMAND --help says more. --version prints the version.\n"
		"socket: --socket, else $%s, else %s\n"
		"exit: 0 ok, 1 failure (daemon unreachable, I/O), 2 usage error or invalid\n"
		"      input (EINVAL), 3 authentication failed (EBADMSG); see cryptoengctl(8)\n",
		ctl_prog, CE_SOCKET_ENV, CE_DEFAULT_SOCKET);
}

static void
ctl_usage_report(FILE *f, const char *cmd)
{
	static const struct { const char *cmd, *what; } what[] = {
		{ "algs", "algorithm implementations, in /proc/crypto's layout and vocabulary" },
		{ "stats", "counters per engine, client, algorithm and device" },
		{ "clients", "connected clients and their queue pairs" },
		{ "engines", "engine lcores and their backends" },
	};
	const char *w = "";

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (strcmp(what[i].cmd, cmd) == 0)
			w = what[i].what;
	fprintf(f, "usage: %s [--socket PATH] %s [--json]\n  %s\n"
		"  --json   the daemon's answer as JSON\n", ctl_prog, cmd, w);
}

static void
ctl_usage_crypt(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] crypt --alg NAME [--driver NAME] --op OP KEY\n"
		"              [--iv HEX] [--aad HEX] [--tag-len N] [--tag HEX] INPUT [-o FILE]\n"
		"       %s [--socket PATH] crypt --batch FILE|-\n"
		"  --op OP            encrypt, decrypt, digest or verify\n"
		"  KEY: --keyfd N     raw key bytes from file descriptor N (e.g. 3<key.bin)\n"
		"       --key-file F  raw key bytes from file F\n"
		"       --key HEX     on the command line: visible in /proc; tests only\n"
		"  INPUT: --in HEX    hex on the command line\n"
		"       -i FILE       raw bytes from FILE, - for stdin (the default when\n"
		"                     stdin is not a terminal)\n"
		"  -o FILE            raw output bytes to FILE (- for stdout); else hex\n"
		"  --tag HEX          decrypt/verify: the tag, when INPUT does not end with it\n"
		"  --tag-len N        tag or digest length (default: the algorithm's largest)\n"
		"  --batch FILE|-     JSON lines with alg, driver, op, key, iv, aad, tag_len,\n"
		"                     in and id; one {\"out\"} or {\"error\"} line per input\n"
		"                     line, in order, with its \"id\" echoed\n"
		"exit: 0 ok, 1 failure, 2 usage error or EINVAL, 3 EBADMSG\n",
		ctl_prog, ctl_prog);
}

static void *
ctl_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "%s: out of memory\n", ctl_prog);
		exit(CTL_EXIT_FAIL);
	}
	return p;
}

static char *
ctl_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ctl_xmalloc(n), s, n);
}

/* printf into a fresh string (error texts). */
static char * __attribute__((format(printf, 1, 2)))
ctl_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "%s: out of memory\n", ctl_prog);
		exit(CTL_EXIT_FAIL);
	}
	return s;
}

/* Hex digit values, -1 for anything else: the batch path decodes every byte. */
static int8_t ctl_hextab[256];

static void
ctl_hex_init(void)
{
	memset(ctl_hextab, -1, sizeof(ctl_hextab));
	for (int i = 0; i < 10; i++)
		ctl_hextab['0' + i] = (int8_t)i;
	for (int i = 0; i < 6; i++) {
		ctl_hextab['a' + i] = (int8_t)(10 + i);
		ctl_hextab['A' + i] = (int8_t)(10 + i);
	}
}

static int
ctl_hexval(char c)
{
	return ctl_hextab[(uint8_t)c];
}

/* @return decoded length, or -1 (odd length or a non-hex character). */
static long
ctl_unhex(const char *hex, size_t hlen, uint8_t *out)
{
	if (hlen % 2)
		return -1;
	for (size_t i = 0; i < hlen / 2; i++) {
		int hi = ctl_hexval(hex[2 * i]), lo = ctl_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(hlen / 2);
}

static void
ctl_tohex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static const char *
ctl_errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "EIO";
}

/* ---- connection and control requests ------------------------------------ */

static const char *ctl_socket;

static struct ce_client *
ctl_connect(const struct ce_client_opts *o)
{
	struct ce_client *c = ce_client_connect(ctl_socket, o);
	const char *path = ctl_socket ? ctl_socket : getenv(CE_SOCKET_ENV);

	if (c == NULL) {
		int err = errno;

		const char *why = ce_client_last_error(NULL);

		path = path && *path ? path : CE_DEFAULT_SOCKET;
		if (err == ENOENT || err == ECONNREFUSED)
			fprintf(stderr, "%s: no cryptoengd listening at %s (%s): is it running? "
				"(--socket PATH or $%s name another)\n", ctl_prog, path,
				strerror(err), CE_SOCKET_ENV);
		else if (why != NULL && *why != '\0' && strcmp(why, strerror(err)) != 0)
			fprintf(stderr, "%s: cryptoengd at %s: %s: %s\n", ctl_prog, path,
				strerror(err), why);
		else
			fprintf(stderr, "%s: cryptoengd at %s: %s\n", ctl_prog, path,
				strerror(err));
		exit(CTL_EXIT_FAIL);
	}
	return c;
}

/*
 * One JSON control request (@p from >= 0: the page of clients from that id
 * on); @return the parsed answer, or NULL (message printed).
 */
static json_t *
ctl_request_from(struct ce_client *c, const char *cmd, json_int_t from)
{
	json_t *req = from >= 0 ? json_pack("{s:s, s:I}", "cmd", cmd, "from", from) :
				  json_pack("{s:s}", "cmd", cmd), *ans;
	char *text = json_dumps(req, JSON_COMPACT);
	char *out = ctl_xmalloc(CTL_REPLY_MAX);
	json_error_t jerr;
	int n;

	json_decref(req);
	if (text == NULL) {
		free(out);
		return NULL;
	}
	n = ce_client_ctl(c, text, out, CTL_REPLY_MAX);
	free(text);
	if (n < 0) {
		fprintf(stderr, "%s: %s: %s (%s)\n", ctl_prog, cmd, strerror(-n),
			ce_client_last_error(c));
		free(out);
		return NULL;
	}
	if (n >= CTL_REPLY_MAX) {
		fprintf(stderr, "%s: %s: answer of %d bytes truncated\n", ctl_prog, cmd, n);
		free(out);
		return NULL;
	}
	ans = json_loads(out, 0, &jerr);
	if (ans == NULL)
		fprintf(stderr, "%s: %s: daemon's answer is not JSON: %s\n", ctl_prog, cmd,
			jerr.text);
	free(out);
	return ans;
}

static json_t *
ctl_request(struct ce_client *c, const char *cmd)
{
	return ctl_request_from(c, cmd, -1);
}

/*
 * stats and clients come in pages of clients (each answer fits the control
 * socket's 16 KiB): ask for the next page while the daemon says more follow,
 * and join the pages' "clients" into the first answer.
 */
static json_t *
ctl_request_all(struct ce_client *c, const char *cmd)
{
	json_t *ans = ctl_request(c, cmd), *next;

	while (ans != NULL && (next = json_object_get(ans, "clients_next")) != NULL) {
		json_t *page = ctl_request_from(c, cmd, json_integer_value(next));

		if (page == NULL) {
			json_decref(ans);
			return NULL;
		}
		json_array_extend(json_object_get(ans, "clients"), json_object_get(page, "clients"));
		json_object_del(ans, "clients_next");
		if (json_object_get(page, "clients_next") != NULL)
			json_object_set(ans, "clients_next", json_object_get(page, "clients_next"));
		json_decref(page);
	}
	return ans;
}

/* ---- human-readable output ---------------------------------------------- */

/* Follow "a.b" through nested objects; NULL when any step is missing. */
static json_t *
ctl_path(json_t *o, const char *path)
{
	char buf[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(buf))
			return NULL;
		memcpy(buf, path, n);
		buf[n] = '\0';
		o = json_object_get(o, buf);
		path = dot + 1;
	}
	return json_object_get(o, path);
}

/* Sizes come as {min, max, step}: "16", "16..32 step 8", "0..65535". */
static void
ctl_fmt_range(json_t *r, char *buf, size_t size)
{
	json_int_t min = json_integer_value(json_object_get(r, "min"));
	json_int_t max = json_integer_value(json_object_get(r, "max"));
	json_int_t step = json_integer_value(json_object_get(r, "step"));

	if (min == max)
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, min);
	else if (step > 1)
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT
			 " step %" JSON_INTEGER_FORMAT, min, max, step);
	else
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT, min, max);
}

static void
ctl_fmt_cell(json_t *v, char *buf, size_t size)
{
	size_t used = 0;
	size_t i;
	json_t *e;

	if (v == NULL || json_is_null(v)) {
		snprintf(buf, size, "-");
	} else if (json_is_string(v)) {
		snprintf(buf, size, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, size, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_object(v) && json_object_get(v, "min") != NULL) {
		ctl_fmt_range(v, buf, size);
	} else if (json_is_array(v)) {
		buf[0] = '\0';
		json_array_foreach(v, i, e) {
			char one[64];

			ctl_fmt_cell(e, one, sizeof(one));
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s",
							 i ? "," : "", one);
		}
	} else {
		snprintf(buf, size, "?");
	}
}

struct ctl_col {
	const char *title;
	const char *path;	/* key in each row, "a.b" for nested */
};

#define CTL_CELL_MAX 160

/* Print rows (array of objects) as a table: numbers right-aligned, the rest left. */
static void
ctl_table(json_t *rows, const struct ctl_col *cols, unsigned int nb_cols)
{
	size_t nb_rows = json_array_size(rows);
	int width[16];
	char cell[CTL_CELL_MAX];
	size_t r;

	if (nb_cols > 16)
		nb_cols = 16;
	for (unsigned int j = 0; j < nb_cols; j++)
		width[j] = (int)strlen(cols[j].title);
	for (r = 0; r < nb_rows; r++)
		for (unsigned int j = 0; j < nb_cols; j++) {
			ctl_fmt_cell(ctl_path(json_array_get(rows, r), cols[j].path), cell,
				     sizeof(cell));
			if ((int)strlen(cell) > width[j])
				width[j] = (int)strlen(cell);
		}
	for (unsigned int j = 0; j < nb_cols; j++)
		printf("%-*s%s", j + 1 < nb_cols ? width[j] : 0, cols[j].title,
		       j + 1 < nb_cols ? "  " : "\n");
	for (r = 0; r < nb_rows; r++)
		for (unsigned int j = 0; j < nb_cols; j++) {
			json_t *v = ctl_path(json_array_get(rows, r), cols[j].path);
			const char *sep = j + 1 < nb_cols ? "  " : "\n";

			ctl_fmt_cell(v, cell, sizeof(cell));
			if (json_is_number(v))
				printf("%*s%s", width[j], cell, sep);
			else if (j + 1 < nb_cols)
				printf("%-*s%s", width[j], cell, sep);
			else
				printf("%s%s", cell, sep);	/* no trailing blanks */
		}
	if (nb_rows == 0)
		printf("(none)\n");
}

static json_int_t
ctl_range_get(json_t *a, const char *range, const char *which)
{
	return json_integer_value(json_object_get(json_object_get(a, range), which));
}

/*
 * The one IV size the kernel would show: the only one, else 12 where the
 * range has it (GCM, ChaCha20-Poly1305: the kernel's gcm(aes) takes 12),
 * else the largest.
 */
static json_int_t
ctl_kernel_ivsize(json_t *a)
{
	json_int_t min = ctl_range_get(a, "iv_sizes", "min");
	json_int_t max = ctl_range_get(a, "iv_sizes", "max");

	if (min == max)
		return min;
	return min <= 12 && max >= 12 ? 12 : max;
}

/*
 * /proc/crypto's layout and vocabulary: one block of "key : value" lines
 * per implementation; type aead, skcipher, shash or ahash (a hash that
 * completes asynchronously); min/max keysize, ivsize, maxauthsize,
 * digestsize, async. Where cryptoeng takes more than the kernel's single
 * size, a line marked "(cryptoeng)" gives the whole range.
 */
static void
ctl_print_algs(json_t *ans)
{
	json_t *algs = json_object_get(ans, "algs");
	char cell[CTL_CELL_MAX];
	size_t i;
	json_t *a;

	json_array_foreach(algs, i, a) {
		const char *type = json_string_value(json_object_get(a, "type")) ?: "?";
		bool async = json_is_true(json_object_get(a, "async"));
		bool hash = strcmp(type, "hash") == 0, aead = strcmp(type, "aead") == 0;
		const char *why = json_string_value(json_object_get(a, "selftest_why"));

		if (i)
			printf("\n");
		printf("%-12s : %s\n", "name", json_string_value(json_object_get(a, "name")) ?: "?");
		printf("%-12s : %s\n", "driver",
		       json_string_value(json_object_get(a, "driver")) ?: "?");
		printf("%-12s : %s (%s)\n", "module",
		       json_string_value(json_object_get(a, "device")) ?: "?",
		       json_string_value(json_object_get(a, "pmd")) ?: "?");
		printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "priority",
		       json_integer_value(json_object_get(a, "priority")));
		printf("%-12s : %s\n", "selftest",
		       json_string_value(json_object_get(a, "selftest")) ?: "?");
		if (why != NULL)
			printf("%-12s : %s\n", "selftest_why", why);
		printf("%-12s : %s\n", "type", hash ? (async ? "ahash" : "shash") : type);
		printf("%-12s : %s\n", "async", async ? "yes" : "no");
		printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "blocksize",
		       json_integer_value(json_object_get(a, "block_size")));
		if (ctl_range_get(a, "key_sizes", "max") > 0) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "min keysize",
			       ctl_range_get(a, "key_sizes", "min"));
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "max keysize",
			       ctl_range_get(a, "key_sizes", "max"));
			if (ctl_range_get(a, "key_sizes", "step") > 1) {
				ctl_fmt_range(json_object_get(a, "key_sizes"), cell, sizeof(cell));
				printf("%-12s : %s (cryptoeng)\n", "keysizes", cell);
			}
		}
		if (hash) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "digestsize",
			       ctl_range_get(a, "digest_sizes", "max"));
			if (ctl_range_get(a, "digest_sizes", "min") !=
			    ctl_range_get(a, "digest_sizes", "max")) {
				ctl_fmt_range(json_object_get(a, "digest_sizes"), cell, sizeof(cell));
				printf("%-12s : %s (cryptoeng: truncated digests)\n", "digestsizes",
				       cell);
			}
			continue;
		}
		printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "ivsize", ctl_kernel_ivsize(a));
		if (ctl_range_get(a, "iv_sizes", "min") != ctl_range_get(a, "iv_sizes", "max")) {
			ctl_fmt_range(json_object_get(a, "iv_sizes"), cell, sizeof(cell));
			printf("%-12s : %s (cryptoeng: other IV lengths accepted)\n", "ivsizes",
			       cell);
		}
		if (aead) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "maxauthsize",
			       ctl_range_get(a, "digest_sizes", "max"));
			ctl_fmt_range(json_object_get(a, "digest_sizes"), cell, sizeof(cell));
			printf("%-12s : %s (cryptoeng)\n", "authsizes", cell);
			printf("%-12s : %" JSON_INTEGER_FORMAT " (cryptoeng)\n", "maxaadsize",
			       json_integer_value(json_object_get(a, "aad_max")));
		}
	}
}

static void
ctl_print_stats(json_t *ans)
{
	static const struct ctl_col eng[] = {
		{ "LCORE", "lcore" }, { "SUBMITTED", "submitted" }, { "OK", "completed_ok" },
		{ "ERRORS", "completed_err" }, { "RETRIES", "retried" },
		{ "BACKLOGGED", "backlogged" }, { "REFUSED", "refused" },
		{ "FALLBACKS", "fallbacks" }, { "IN_FLIGHT", "in_flight" },
		{ "DOORBELLS", "doorbells" }, { "IDLE", "idle_transitions" },
		{ "SLEEPS", "sleeps" },
	};
	static const struct ctl_col cli[] = {
		{ "ID", "id" }, { "PID", "pid" }, { "NAME", "name" }, { "REQUESTS", "requests" },
		{ "BYTES", "bytes" }, { "COMPLETED", "completed" },
		{ "EINVAL", "errors.EINVAL" }, { "EBADMSG", "errors.EBADMSG" },
		{ "OTHER_ERR", "errors.other" }, { "IN_FLIGHT", "in_flight" },
	};
	static const struct ctl_col alg[] = {
		{ "NAME", "name" }, { "DRIVER", "driver" }, { "REQUESTS", "requests" },
		{ "BYTES", "bytes" }, { "ERRORS", "errors" },
	};
	static const struct ctl_col dev[] = {
		{ "DEVICE", "device" }, { "BURSTS", "enqueue_bursts" }, { "ENQUEUED", "enqueued" },
		{ "DEV_ERR", "device_errors" }, { "FB_SMALL", "fallbacks.small" },
		{ "FB_SESSION", "fallbacks.session" }, { "FB_AAD", "fallbacks.aad" },
		{ "FB_LAYOUT", "fallbacks.layout" }, { "FB_DOWN", "fallbacks.down" },
		{ "FB_ERROR", "fallbacks.dev_error" }, { "FB_FAILOVER", "fallbacks.failover" },
		{ "DOWN", "qps_down" },
	};
	json_t *engines = json_object_get(ans, "engines"), *e;
	json_t *info = json_object_get(ans, "info");
	size_t i;

	if (info != NULL)
		printf("cryptoengd %s (%s), up %" JSON_INTEGER_FORMAT " s, %" JSON_INTEGER_FORMAT
		       " client(s)\n\n",
		       json_string_value(json_object_get(info, "version")) ?: "?",
		       json_string_value(json_object_get(info, "dpdk")) ?: "?",
		       json_integer_value(json_object_get(info, "uptime_s")),
		       json_integer_value(json_object_get(info, "clients")));
	printf("engines:\n");
	ctl_table(engines, eng, sizeof(eng) / sizeof(eng[0]));
	/* The engine's histogram buckets are powers of two: [1], [2,3], [4,7], ... */
	printf("\nbatch sizes (requests per doorbell):\nLCORE");
	for (unsigned int b = 0; b < json_array_size(json_object_get(json_array_get(engines, 0),
								      "batch_hist")); b++) {
		char lbl[24];

		if (b == 0)
			snprintf(lbl, sizeof(lbl), "1");
		else
			snprintf(lbl, sizeof(lbl), "%u-%u", 1u << b, (2u << b) - 1);
		printf("  %10s", lbl);
	}
	printf("\n");
	json_array_foreach(engines, i, e) {
		json_t *h = json_object_get(e, "batch_hist"), *v;
		size_t k;

		printf("%5" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "lcore")));
		json_array_foreach(h, k, v)
			printf("  %10" JSON_INTEGER_FORMAT, json_integer_value(v));
		printf("\n");
	}
	printf("\nclients:\n");
	ctl_table(json_object_get(ans, "clients"), cli, sizeof(cli) / sizeof(cli[0]));
	printf("\nalgorithms (with requests):\n");
	ctl_table(json_object_get(ans, "algs"), alg, sizeof(alg) / sizeof(alg[0]));
	if (json_array_size(json_object_get(ans, "devices")) != 0) {
		printf("\ndevices (fallbacks to software by reason):\n");
		ctl_table(json_object_get(ans, "devices"), dev, sizeof(dev) / sizeof(dev[0]));
	}
}

static void
ctl_print_clients(json_t *ans)
{
	static const struct ctl_col cli[] = {
		{ "ID", "id" }, { "PID", "pid" }, { "UID", "uid" }, { "GID", "gid" },
		{ "NAME", "name" }, { "STATE", "state" }, { "SESSIONS", "sessions" },
		{ "QPS", "qps" },
	};
	static const struct ctl_col qpc[] = {
		{ "CLIENT", "client" }, { "QP", "id" }, { "LCORE", "lcore" },
		{ "CREDITS", "credits" }, { "IN_FLIGHT", "in_flight" }, { "BROKEN", "broken" },
	};
	json_t *clients = json_object_get(ans, "clients"), *c, *qps = json_array();
	size_t i, k;
	json_t *q;

	/* Queue pairs get their own table, each row tagged with its client. */
	json_array_foreach(clients, i, c) {
		json_array_foreach(json_object_get(c, "qps"), k, q) {
			json_t *row = json_deep_copy(q);

			json_object_set(row, "client", json_object_get(c, "id"));
			json_array_append_new(qps, row);
		}
	}
	{
		/* The QPS column shows how many, not the objects. */
		json_t *rows = json_deep_copy(clients);

		json_array_foreach(rows, i, c)
			json_object_set_new(c, "qps",
					    json_integer((json_int_t)json_array_size(
						    json_object_get(c, "qps"))));
		ctl_table(rows, cli, sizeof(cli) / sizeof(cli[0]));
		json_decref(rows);
	}
	printf("\nqueue pairs:\n");
	ctl_table(qps, qpc, sizeof(qpc) / sizeof(qpc[0]));
	json_decref(qps);
}

static void
ctl_print_engines(json_t *ans)
{
	static const struct ctl_col eng[] = {
		{ "LCORE", "lcore" }, { "STATE", "state" }, { "QUEUE_PAIRS", "queue_pairs" },
		{ "BACKENDS", "backends_s" },
	};
	json_t *rows = json_deep_copy(json_object_get(ans, "engines")), *e, *b;
	size_t i, k;

	json_array_foreach(rows, i, e) {
		char buf[CTL_CELL_MAX] = "";
		size_t used = 0;

		json_array_foreach(json_object_get(e, "backends"), k, b)
			if (used < sizeof(buf))
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s (%s)",
					k ? ", " : "",
					json_string_value(json_object_get(b, "device")),
					json_string_value(json_object_get(b, "pmd")));
		json_object_set_new(e, "backends_s", json_string(buf));
	}
	ctl_table(rows, eng, sizeof(eng) / sizeof(eng[0]));
	json_decref(rows);
}

static int
ctl_cmd_report(const char *cmd, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool as_json = false;
	struct ce_client *c;
	json_t *ans;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jh", lopts, NULL)) != -1) {
		if (opt == 'j') {
			as_json = true;
		} else if (opt == 'h') {
			ctl_usage_report(stdout, cmd);
			return CTL_EXIT_OK;
		} else {
			ctl_usage_report(stderr, cmd);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s %s: unexpected argument '%s'\n", ctl_prog, cmd, argv[optind]);
		return CTL_EXIT_USAGE;
	}
	c = ctl_connect(&(struct ce_client_opts){ .name = "cryptoengctl",
						  .region_size = 1u << 20, .nb_qps = 1 });
	ans = strcmp(cmd, "stats") == 0 || strcmp(cmd, "clients") == 0 ?
	      ctl_request_all(c, cmd) : ctl_request(c, cmd);
	ce_client_close(c);
	if (ans == NULL)
		return CTL_EXIT_FAIL;
	if (as_json) {
		char *s = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else if (strcmp(cmd, "algs") == 0) {
		ctl_print_algs(ans);
	} else if (strcmp(cmd, "stats") == 0) {
		ctl_print_stats(ans);
	} else if (strcmp(cmd, "clients") == 0) {
		ctl_print_clients(ans);
	} else {
		ctl_print_engines(ans);
	}
	json_decref(ans);
	return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

/* ---- crypt: requests ----------------------------------------------------- */

enum ctl_state {
	CTL_S_FREE,
	CTL_S_DONE,		/* result known (error or output), waiting to be printed */
	CTL_S_PENDING,		/* descriptor ready, not yet taken by the SQ */
	CTL_S_INFLIGHT,
};

enum ctl_type { CTL_T_CIPHER, CTL_T_AEAD, CTL_T_HASH };

struct ctl_slot {
	enum ctl_state state;
	int status;		/* 0 or -errno of the completion */
	char *err;		/* "EINVAL: ...": set when refused before submission */
	uint64_t buf_end;	/* byte ring position to release up to */
	uint8_t *out;		/* result bytes in the arena */
	uint32_t out_len;
	json_t *id;		/* the line's "id", echoed in its answer */
	struct ce_desc dd;
};

/* Session cache entry: a handle or the daemon's refusal, by request shape. */
struct ctl_sess {
	struct ctl_sess *next;
	char *id;
	int64_t handle;		/* < 0: refused, see err */
	char *err;
};

/* One parsed request, pointing into its JSON object (valid while it lives). */
struct ctl_req {
	const char *alg, *driver, *key, *iv, *aad, *in;
	size_t key_hlen, iv_hlen, aad_hlen, in_hlen;
	uint8_t op;
	json_int_t tag_len;	/* -1: the algorithm's default */
};

struct ctl_batch {
	struct ce_client *c;
	struct ce_qp *qp;
	json_t *algs;		/* the daemon's "algs" array */
	uint8_t *arena;
	uint64_t head, tail;	/* byte ring, free running */
	struct ctl_slot *slots;
	uint64_t seq_read;	/* next line's sequence number */
	uint64_t seq_print;	/* oldest unprinted */
	uint64_t seq_submit;	/* oldest not yet submitted (pending or later) */
	uint32_t inflight;
	struct ctl_sess *sess[CTL_SESS_BUCKETS];
	uint32_t nb_sess;
	/* Tallies for the one-shot exit code. */
	bool one_shot;
	int exit_code;
	int out_fd;		/* one-shot -o: raw output here, else hex on stdout */
};

/* The implementation the daemon would choose: exact driver, else the highest priority passed. */
static json_t *
ctl_alg_find(struct ctl_batch *b, const char *alg, const char *driver)
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
ctl_op_name(uint8_t op)
{
	static const char *const names[] = { "?", "encrypt", "decrypt", "digest", "verify" };

	return op <= CE_OP_VERIFY ? names[op] : "?";
}

/* Field "name" as a string (or absent); @return an error text or NULL. */
static char *
ctl_field_str(json_t *o, const char *name, const char **val, size_t *len, bool hex)
{
	json_t *v = json_object_get(o, name);

	*val = NULL;
	if (len)
		*len = 0;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		return ctl_fmt("EINVAL: %s: not a string", name);
	*val = json_string_value(v);
	if (len)
		*len = json_string_length(v);
	if (hex) {
		if (*len % 2)
			return ctl_fmt("EINVAL: %s: odd number of hex digits", name);
		for (size_t i = 0; i < *len; i++)
			if (ctl_hexval((*val)[i]) < 0)
				return ctl_fmt("EINVAL: %s: not hex at character %zu", name,
					       i + 1);
	}
	return NULL;
}

static char *
ctl_req_parse(json_t *o, struct ctl_req *r)
{
	static const char *const known[] = {
		"alg", "driver", "op", "key", "iv", "aad", "tag_len", "in", "id",
	};
	const char *k, *op;
	char *err;
	json_t *v;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		return ctl_fmt("EINVAL: line is not a JSON object");
	/* A misspelt field would otherwise be silently dropped. */
	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return ctl_fmt("EINVAL: %s: unknown field", k);
	}
	if ((err = ctl_field_str(o, "alg", &r->alg, NULL, false)) != NULL ||
	    (err = ctl_field_str(o, "driver", &r->driver, NULL, false)) != NULL ||
	    (err = ctl_field_str(o, "op", &op, NULL, false)) != NULL ||
	    (err = ctl_field_str(o, "key", &r->key, &r->key_hlen, true)) != NULL ||
	    (err = ctl_field_str(o, "iv", &r->iv, &r->iv_hlen, true)) != NULL ||
	    (err = ctl_field_str(o, "aad", &r->aad, &r->aad_hlen, true)) != NULL ||
	    (err = ctl_field_str(o, "in", &r->in, &r->in_hlen, true)) != NULL)
		return err;
	if (r->alg == NULL || r->alg[0] == '\0')
		return ctl_fmt("EINVAL: alg: missing");
	if (op == NULL)
		return ctl_fmt("EINVAL: op: missing (encrypt, decrypt, digest or verify)");
	for (r->op = CE_OP_ENCRYPT; r->op <= CE_OP_VERIFY; r->op++)
		if (strcmp(op, ctl_op_name(r->op)) == 0)
			break;
	if (r->op > CE_OP_VERIFY)
		return ctl_fmt("EINVAL: op: '%s' is not encrypt, decrypt, digest or verify", op);
	if (r->in == NULL)
		return ctl_fmt("EINVAL: in: missing");
	r->tag_len = -1;
	v = json_object_get(o, "tag_len");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT16_MAX)
			return ctl_fmt("EINVAL: tag_len: not an integer in 0..65535");
		r->tag_len = json_integer_value(v);
	}
	if (r->driver != NULL && r->driver[0] == '\0')
		r->driver = NULL;
	return NULL;
}

/* ---- crypt: session cache ------------------------------------------------ */

static uint32_t
ctl_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Wait for every request in flight, then destroy every cached session. */
static int ctl_drain(struct ctl_batch *b);

static void
ctl_sess_flush(struct ctl_batch *b)
{
	for (unsigned int i = 0; i < CTL_SESS_BUCKETS; i++) {
		struct ctl_sess **pp = &b->sess[i];

		while (*pp != NULL) {
			struct ctl_sess *s = *pp;

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
ctl_sess_reason(int64_t ret, const char *why)
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
	return ctl_fmt("EINVAL: %s: %s", param, why);
}

/*
 * The session for a request's shape, from the cache or created now.
 * @return the handle, or -1 with *err set (a copy for the caller).
 */
static int64_t
ctl_sess_get(struct ctl_batch *b, const struct ctl_req *r, json_t *a, const uint8_t *key,
	     uint32_t iv_len, uint32_t tag_len, uint32_t aad_max, char **err)
{
	const char *driver = json_string_value(json_object_get(a, "driver"));
	char *id = ctl_fmt("%u\x1f%s\x1f%s\x1f%.*s\x1f%u\x1f%u", r->op, r->alg, driver,
			   (int)r->key_hlen, r->key ? r->key : "", iv_len, tag_len);
	uint32_t bucket = ctl_hash(id) % CTL_SESS_BUCKETS;
	struct ce_session_params sp = {
		.alg = r->alg, .driver = driver, .key = key,
		.key_len = (uint32_t)(r->key_hlen / 2),
		.iv_len = iv_len, .digest_len = tag_len, .aad_max = aad_max,
		.direction = (r->op == CE_OP_ENCRYPT || r->op == CE_OP_DIGEST) ?
			     CE_SESS_DIR_ENCRYPT : CE_SESS_DIR_DECRYPT,
	};
	struct ctl_sess *s;
	int64_t h;

	/* Hex keys compare case-sensitively here: "AB" and "ab" make two sessions, harmless. */
	for (s = b->sess[bucket]; s != NULL; s = s->next)
		if (strcmp(s->id, id) == 0) {
			free(id);
			if (s->handle < 0)
				*err = ctl_xstrdup(s->err);
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
			if (ctl_drain(b) < 0)
				break;
			ctl_sess_flush(b);
		} else {
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		}
	}
	if (h < 0 && (h == -EPIPE || h == -EPROTO || h == -ENOSPC || h == -EAGAIN ||
		      h == -ENOMEM)) {
		/* Not about the parameters: not cached, the next line tries again. */
		*err = ctl_fmt("%s: session: %s", ctl_errname((int)-h),
			       ce_client_last_error(b->c));
		free(id);
		return -1;
	}
	s = ctl_xmalloc(sizeof(*s));
	s->id = id;
	s->handle = h;
	s->err = h < 0 ? ctl_sess_reason(h, ce_client_last_error(b->c)) : NULL;
	s->next = b->sess[bucket];
	b->sess[bucket] = s;
	b->nb_sess++;
	if (h < 0) {
		*err = ctl_xstrdup(s->err);
		return -1;
	}
	return h;
}

/* ---- crypt: the pipeline ------------------------------------------------- */

static struct ctl_slot *
ctl_slot(struct ctl_batch *b, uint64_t seq)
{
	return &b->slots[seq % CTL_SLOTS];
}

/* Reserve n bytes (64-byte aligned) of the byte ring; @return the offset or -1. */
static long
ctl_ring_alloc(struct ctl_batch *b, size_t n)
{
	uint64_t pos;

	n = (n + 63) & ~(size_t)63;
	if (n == 0)
		n = 64;
	pos = b->head % CTL_ARENA_SIZE;
	/* A span never wraps: skip the ring's tail end when it does not fit. */
	if (pos + n > CTL_ARENA_SIZE) {
		if (b->head + (CTL_ARENA_SIZE - pos) + n - b->tail > CTL_ARENA_SIZE)
			return -1;
		b->head += CTL_ARENA_SIZE - pos;
		pos = 0;
	}
	if (b->head + n - b->tail > CTL_ARENA_SIZE)
		return -1;
	b->head += n;
	return (long)pos;
}

/* Write one line's result; @return false if stdout failed. */
static void
ctl_emit(struct ctl_batch *b, struct ctl_slot *s)
{
	char *hex = NULL, *line;
	json_t *o;

	if (s->err == NULL && s->status == 0) {
		hex = ctl_xmalloc(2 * (size_t)s->out_len + 1);
		ctl_tohex(s->out, s->out_len, hex);
	} else if (s->err == NULL) {
		s->err = s->status == -EBADMSG ? ctl_xstrdup("EBADMSG") :
			 s->status == -EINVAL ?
			 ctl_xstrdup("EINVAL: request: refused by the daemon or its backend") :
			 ctl_fmt("%s: %s", ctl_errname(-s->status), strerror(-s->status));
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
					fprintf(stderr, "%s: -o: %s\n", ctl_prog, strerror(errno));
					b->exit_code = CTL_EXIT_FAIL;
					break;
				}
				done += (size_t)n;
			}
		} else if (hex != NULL) {
			printf("%s\n", hex);
		} else {
			fprintf(stderr, "%s\n", s->err);
			b->exit_code = strcmp(s->err, "EBADMSG") == 0 ? CTL_EXIT_EBADMSG :
				       strncmp(s->err, "EINVAL", 6) == 0 ? CTL_EXIT_EINVAL :
				       CTL_EXIT_FAIL;
		}
	} else {
		o = json_object();
		if (s->id != NULL)
			json_object_set(o, "id", s->id);
		json_object_set_new(o, hex ? "out" : "error", json_string(hex ? hex : s->err));
		line = json_dumps(o, JSON_COMPACT);
		if (line == NULL) {
			fprintf(stderr, "%s: out of memory\n", ctl_prog);
			exit(CTL_EXIT_FAIL);
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
	s->state = CTL_S_FREE;
	b->tail = s->buf_end;
}

static void
ctl_print_ready(struct ctl_batch *b)
{
	while (b->seq_print < b->seq_read) {
		struct ctl_slot *s = ctl_slot(b, b->seq_print);

		if (s->state != CTL_S_DONE)
			break;
		ctl_emit(b, s);
		b->seq_print++;
	}
}

/* Skip past answered lines so the SQ sees descriptors in input order. */
static void
ctl_skip_done(struct ctl_batch *b)
{
	while (b->seq_submit < b->seq_read &&
	       ctl_slot(b, b->seq_submit)->state != CTL_S_PENDING)
		b->seq_submit++;
}

/*
 * Submit what is pending (in bursts) and reap what completed.
 * @return completions reaped + descriptors submitted, or -1 (ring broken).
 */
static int
ctl_pump(struct ctl_batch *b)
{
	struct ce_desc dd[CTL_BURST];
	struct ce_cqe cqe[CTL_BURST];
	int progress = 0, n;

	for (;;) {
		unsigned int k = 0;
		uint64_t seq;

		ctl_skip_done(b);
		for (seq = b->seq_submit; seq < b->seq_read && k < CTL_BURST; seq++) {
			struct ctl_slot *s = ctl_slot(b, seq);

			if (s->state == CTL_S_PENDING)
				dd[k++] = s->dd;
		}
		if (k == 0)
			break;
		n = ce_submit_burst(b->qp, dd, k);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			struct ctl_slot *s = ctl_slot(b, dd[i].cookie);

			s->state = CTL_S_INFLIGHT;
		}
		b->inflight += (uint32_t)n;
		progress += n;
		if ((unsigned int)n < k)
			break;	/* SQ or credits full: reap first */
	}
	for (;;) {
		n = ce_poll_burst(b->qp, cqe, CTL_BURST);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			struct ctl_slot *s;

			/* The cookie is ours, but check it before using it as an index. */
			if (cqe[i].cookie < b->seq_print || cqe[i].cookie >= b->seq_read)
				continue;
			s = ctl_slot(b, cqe[i].cookie);
			if (s->state != CTL_S_INFLIGHT)
				continue;
			s->status = cqe[i].status;
			s->state = CTL_S_DONE;
			b->inflight--;
		}
		progress += n;
		if (n < (int)CTL_BURST)
			break;
	}
	return progress;
}

/* Block until a completion (or find the daemon gone). @return 0 or -1. */
static int
ctl_wait(struct ctl_batch *b)
{
	int r = ce_wait(b->qp, CTL_WAIT_MS);
	json_t *ping;

	if (r < 0 && r != -EINTR)
		return -1;
	if (r != 0)
		return 0;
	/* A dead daemon never completes: one control round trip tells. */
	ping = ctl_request(b->c, "engines");
	if (ping == NULL)
		return -1;
	json_decref(ping);
	return 0;
}

static int
ctl_drain(struct ctl_batch *b)
{
	for (;;) {
		int n = ctl_pump(b);

		if (n < 0)
			return -1;
		ctl_skip_done(b);
		if (b->inflight == 0 && b->seq_submit == b->seq_read)
			return 0;
		if (n == 0 && ctl_wait(b) < 0)
			return -1;
	}
}

/*
 * Turn one parsed request into a pending descriptor (or a DONE slot with an
 * error). @return 0, or -EAGAIN when the byte ring is full (retry later).
 */
/* @p n against the implementation's range @p range: NULL, or "EINVAL: what: n bytes; limits". */
static char *
ctl_check_size(json_t *a, const char *alg, const char *what, const char *range, size_t n)
{
	json_t *rg = json_object_get(a, range);
	json_int_t min = ctl_range_get(a, range, "min"), max = ctl_range_get(a, range, "max");
	json_int_t step = ctl_range_get(a, range, "step");
	char text[64];

	if (rg == NULL || ((json_int_t)n >= min && (json_int_t)n <= max &&
			   (step <= 1 || ((json_int_t)n - min) % step == 0)))
		return NULL;
	ctl_fmt_range(rg, text, sizeof(text));
	return ctl_fmt("EINVAL: %s: %zu bytes; %s (%s) takes %s", what, n, alg,
		       json_string_value(json_object_get(a, "driver")) ?: "?", text);
}

static int
ctl_prepare(struct ctl_batch *b, struct ctl_slot *s, uint64_t seq, const struct ctl_req *r)
{
	uint8_t key[CTL_KEY_MAX];
	json_t *a;
	const char *type;
	enum ctl_type t;
	size_t in_len = r->in_hlen / 2, iv_len = r->iv_hlen / 2, aad_len = r->aad_hlen / 2;
	size_t data_len, need, tag_len;
	uint32_t aad_max = 0;
	int64_t h;
	long off;
	uint8_t *p;

	a = ctl_alg_find(b, r->alg, r->driver);
	if (a == NULL) {
		s->err = r->driver ? ctl_fmt("EINVAL: driver: no '%s' implementing %s", r->driver,
					     r->alg) :
				     ctl_fmt("EINVAL: alg: no algorithm named '%s'", r->alg);
		return 0;
	}
	type = json_string_value(json_object_get(a, "type")) ?: "";
	t = strcmp(type, "aead") == 0 ? CTL_T_AEAD : strcmp(type, "hash") == 0 ? CTL_T_HASH :
	    CTL_T_CIPHER;
	if ((t == CTL_T_HASH) != (r->op == CE_OP_DIGEST || r->op == CE_OP_VERIFY)) {
		s->err = ctl_fmt("EINVAL: op: %s cannot %s (%s: %s)", r->alg, ctl_op_name(r->op),
				 type, t == CTL_T_HASH ? "digest, verify" : "encrypt, decrypt");
		return 0;
	}
	if (r->key_hlen / 2 > sizeof(key)) {
		s->err = ctl_fmt("EINVAL: key: %zu bytes, at most %zu", r->key_hlen / 2,
				 sizeof(key));
		return 0;
	}
	if ((s->err = ctl_check_size(a, r->alg, "key", "key_sizes", r->key_hlen / 2)) != NULL)
		return 0;
	if (t == CTL_T_HASH && r->iv != NULL && iv_len > 0) {
		s->err = ctl_fmt("EINVAL: iv: a hash takes no IV");
		return 0;
	}
	if (t != CTL_T_HASH && (r->iv != NULL || iv_len > 0) &&
	    (s->err = ctl_check_size(a, r->alg, "iv", "iv_sizes", iv_len)) != NULL)
		return 0;
	if (t != CTL_T_AEAD && aad_len > 0) {
		s->err = ctl_fmt("EINVAL: aad: only AEAD algorithms take AAD");
		return 0;
	}
	if (t != CTL_T_HASH && r->iv == NULL &&
	    json_integer_value(json_object_get(json_object_get(a, "iv_sizes"), "min")) > 0) {
		s->err = ctl_fmt("EINVAL: iv: missing (%s needs one)", r->alg);
		return 0;
	}
	if (t == CTL_T_CIPHER) {
		if (r->tag_len > 0) {
			s->err = ctl_fmt("EINVAL: tag_len: %s has no tag", r->alg);
			return 0;
		}
		tag_len = 0;
	} else if (r->tag_len >= 0) {
		tag_len = (size_t)r->tag_len;
		s->err = ctl_check_size(a, r->alg, "tag_len", "digest_sizes", tag_len);
		if (s->err != NULL)
			return 0;
	} else {
		/* Like the kernel: the default authsize is the largest. */
		tag_len = (size_t)json_integer_value(
			json_object_get(json_object_get(a, "digest_sizes"), "max"));
	}
	if (t == CTL_T_AEAD) {
		json_int_t m = json_integer_value(json_object_get(a, "aad_max"));

		/* One session serves any AAD length up to the algorithm's limit. */
		aad_max = (uint32_t)(m > UINT16_MAX ? UINT16_MAX : m < 0 ? 0 : m);
		if (aad_len > aad_max) {
			s->err = ctl_fmt("EINVAL: aad: %zu bytes, %s takes at most %u", aad_len,
					 r->alg, aad_max);
			return 0;
		}
	}
	/* Decrypt and verify take the tag at the end of the input. */
	data_len = in_len;
	if (r->op == CE_OP_DECRYPT || r->op == CE_OP_VERIFY) {
		if (in_len < tag_len) {
			s->err = ctl_fmt("EINVAL: in: %zu bytes, shorter than the %zu-byte tag",
					 in_len, tag_len);
			return 0;
		}
		data_len = in_len - tag_len;
	}
	if (data_len > UINT32_MAX) {
		s->err = ctl_fmt("EINVAL: in: too long");
		return 0;
	}
	if (t == CTL_T_CIPHER) {
		json_int_t bs = json_integer_value(json_object_get(a, "block_size"));

		if (bs > 1 && (data_len == 0 || data_len % (size_t)bs != 0)) {
			s->err = ctl_fmt("EINVAL: in: %zu bytes; %s takes a non-zero multiple of "
					 "its %" JSON_INTEGER_FORMAT "-byte block", data_len,
					 r->alg, bs);
			return 0;
		}
	}

	/* Layout, in place: [data][tag][iv][aad]; data||tag is the AEAD output. */
	need = data_len + tag_len + iv_len + aad_len;
	if (need > CTL_ARENA_SIZE) {
		s->err = ctl_fmt("EINVAL: in: %zu bytes do not fit the %u-byte buffer", need,
				 CTL_ARENA_SIZE);
		return 0;
	}
	off = ctl_ring_alloc(b, need);
	if (off < 0)
		return -EAGAIN;
	s->buf_end = b->head;

	ctl_unhex(r->key ? r->key : "", r->key_hlen, key);
	h = ctl_sess_get(b, r, a, key, (uint32_t)iv_len, (uint32_t)tag_len, aad_max, &s->err);
	memset(key, 0, sizeof(key));
	if (h < 0)
		return 0;

	p = b->arena + off;
	ctl_unhex(r->in, r->in_hlen, p);
	if (iv_len)
		ctl_unhex(r->iv, r->iv_hlen, p + data_len + tag_len);
	if (aad_len)
		ctl_unhex(r->aad, r->aad_hlen, p + data_len + tag_len + iv_len);
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
	s->state = CTL_S_PENDING;
	return 0;
}

/*
 * Line input on a raw fd, not stdio: the batch loop must know whether a
 * read would block (a coprocess waiting for its answers) so it can finish
 * and print what is in flight first; stdio hides its buffer.
 */
struct ctl_in {
	int fd;
	char *buf;
	size_t cap, start, end, scan;
	bool eof;
};

/*
 * Next line (without its newline, NUL-terminated, valid until the next call).
 * @return 1, 0 at the end of the input, -EAGAIN if it would block and
 *   @p block is false, or -errno.
 */
static int
ctl_in_line(struct ctl_in *in, bool block, char **line, size_t *len)
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
static int
ctl_run(struct ctl_batch *b, struct ctl_in *in, json_t *one)
{
	json_t *held = NULL;	/* a prepared-to-be line waiting for buffer space */
	bool eof = false;

	while (!eof || held != NULL || b->seq_print < b->seq_read) {
		unsigned int nb = 0;
		int progress;

		while ((!eof || held != NULL) && b->seq_read - b->seq_print < CTL_SLOTS &&
		       nb < CTL_BURST) {
			struct ctl_slot *s = ctl_slot(b, b->seq_read);
			struct ctl_req r;
			json_error_t jerr;
			json_t *o = held;

			s->state = CTL_S_DONE;
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
				int got = ctl_in_line(in, false, &line, &n);

				if (got == -EAGAIN) {
					/*
					 * The writer is slower than us: answer everything it
					 * sent so far before blocking for more.
					 */
					if (ctl_drain(b) < 0)
						goto broken;
					ctl_print_ready(b);
					fflush(stdout);
					got = ctl_in_line(in, true, &line, &n);
				}
				if (got < 0) {
					fprintf(stderr, "%s: reading the batch: %s\n", ctl_prog,
						strerror(-got));
					goto broken;
				}
				if (got == 0) {
					eof = true;
					break;
				}
				o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
				if (o == NULL) {
					s->err = ctl_fmt("EINVAL: line %" PRIu64 ": malformed JSON: "
							 "%s (column %d)", b->seq_read + 1,
							 jerr.text, jerr.column);
					b->seq_read++;
					nb++;
					continue;
				}
			}
			s->err = ctl_req_parse(o, &r);
			if (s->id == NULL)
				s->id = json_incref(json_object_get(o, "id"));
			if (s->err == NULL && ctl_prepare(b, s, b->seq_read, &r) == -EAGAIN) {
				/* The byte ring is full: keep the line until output frees space. */
				held = o;
				break;
			}
			json_decref(o);
			b->seq_read++;
			nb++;
		}
		progress = ctl_pump(b);
		if (progress < 0)
			goto broken;
		ctl_print_ready(b);
		/* Nothing moved and nothing to read: only a completion can unblock us. */
		if (progress == 0 && b->inflight > 0 &&
		    ((eof && held == NULL) || held != NULL ||
		     b->seq_read - b->seq_print >= CTL_SLOTS) &&
		    ctl_wait(b) < 0)
			goto broken;
	}
	if (ferror(stdout) || fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing the output: %s\n", ctl_prog, strerror(errno));
		return CTL_EXIT_FAIL;
	}
	return b->exit_code;
broken:
	json_decref(held);
	fflush(stdout);
	fprintf(stderr, "%s: stopped with %u request(s) in flight (daemon lost?)\n", ctl_prog,
		b->inflight);
	return CTL_EXIT_FAIL;
}

static void
ctl_batch_free(struct ctl_batch *b)
{
	for (unsigned int i = 0; i < CTL_SESS_BUCKETS; i++) {
		struct ctl_sess *s = b->sess[i], *next;

		for (; s != NULL; s = next) {
			next = s->next;
			free(s->id);
			free(s->err);
			free(s);
		}
	}
	for (unsigned int i = 0; i < CTL_SLOTS && b->slots != NULL; i++) {
		free(b->slots[i].err);
		json_decref(b->slots[i].id);
	}
	free(b->slots);
	json_decref(b->algs);
	/* BYE: the daemon destroys our sessions and queue pair. */
	ce_client_close(b->c);
}

/* An option's value into the request object (one-shot mode). */
static void
ctl_set_str(json_t *o, const char *name, const char *val)
{
	json_object_set_new(o, name, json_string(val));
}

/*
 * Read all of @p fd (at most @p max bytes) into a fresh buffer.
 * @return the length, or -EFBIG (more than @p max), -ENOMEM, -errno.
 */
static long
ctl_read_all(int fd, size_t max, uint8_t **out)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, 2 * cap);
			if (nb == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		explicit_bzero(buf, len);
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	return (long)len;
}

/*
 * Raw bytes from a file (or descriptor) into the request as hex field
 * @p field. @p what names the option in errors. @return an exit code.
 */
static int
ctl_bytes_field(json_t *one, const char *field, const char *what, const char *path, int fd,
		size_t max)
{
	uint8_t *bytes = NULL;
	char *hex;
	long n;

	if (path != NULL) {
		fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s: %s %s: %s\n", ctl_prog, what, path, strerror(errno));
			return CTL_EXIT_FAIL;
		}
	}
	n = ctl_read_all(fd, max, &bytes);
	if (path != NULL && fd != STDIN_FILENO)
		close(fd);
	if (n == -EFBIG) {
		fprintf(stderr, "EINVAL: %s: more than %zu bytes (%s)\n", field, max, what);
		return CTL_EXIT_EINVAL;
	}
	if (n < 0) {
		fprintf(stderr, "%s: %s: reading: %s\n", ctl_prog, what, strerror((int)-n));
		return CTL_EXIT_FAIL;
	}
	hex = ctl_xmalloc(2 * (size_t)n + 1);
	ctl_tohex(bytes, (size_t)n, hex);
	json_object_set_new(one, field, json_string(hex));
	explicit_bzero(hex, 2 * (size_t)n);
	explicit_bzero(bytes, (size_t)n);
	free(hex);
	free(bytes);
	return CTL_EXIT_OK;
}

/* Longest input a one-shot request reads (data, tag, IV and AAD share the arena). */
#define CTL_IN_MAX	(CTL_ARENA_SIZE / 4)

enum {
	CTL_O_ALG = 256, CTL_O_DRIVER, CTL_O_OP, CTL_O_KEY, CTL_O_KEY_FILE, CTL_O_KEYFD,
	CTL_O_IV, CTL_O_AAD, CTL_O_TAG_LEN, CTL_O_TAG, CTL_O_IN, CTL_O_BATCH,
};

static int
ctl_cmd_crypt(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "alg", required_argument, NULL, CTL_O_ALG },
		{ "driver", required_argument, NULL, CTL_O_DRIVER },
		{ "op", required_argument, NULL, CTL_O_OP },
		{ "key", required_argument, NULL, CTL_O_KEY },
		{ "key-file", required_argument, NULL, CTL_O_KEY_FILE },
		{ "keyfd", required_argument, NULL, CTL_O_KEYFD },
		{ "iv", required_argument, NULL, CTL_O_IV },
		{ "aad", required_argument, NULL, CTL_O_AAD },
		{ "tag-len", required_argument, NULL, CTL_O_TAG_LEN },
		{ "tag", required_argument, NULL, CTL_O_TAG },
		{ "in", required_argument, NULL, CTL_O_IN },
		{ "batch", required_argument, NULL, CTL_O_BATCH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = {
		[CTL_O_ALG - CTL_O_ALG] = "alg", [CTL_O_DRIVER - CTL_O_ALG] = "driver",
		[CTL_O_OP - CTL_O_ALG] = "op", [CTL_O_KEY - CTL_O_ALG] = "key",
		[CTL_O_IV - CTL_O_ALG] = "iv", [CTL_O_AAD - CTL_O_ALG] = "aad",
		[CTL_O_IN - CTL_O_ALG] = "in",
	};
	struct ctl_batch b = { .exit_code = CTL_EXIT_OK, .out_fd = -1 };
	const char *batch = NULL, *key_file = NULL, *in_file = NULL, *out_file = NULL;
	const char *tag = NULL;
	json_t *one = json_object();
	struct ctl_in in = { .fd = -1 };
	int opt, ret, keyfd = -1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hi:o:", lopts, NULL)) != -1) {
		char *end;
		long v;

		switch (opt) {
		case CTL_O_ALG: case CTL_O_DRIVER: case CTL_O_OP: case CTL_O_KEY:
		case CTL_O_IV: case CTL_O_AAD: case CTL_O_IN:
			ctl_set_str(one, names[opt - CTL_O_ALG], optarg);
			break;
		case CTL_O_KEY_FILE:
			key_file = optarg;
			break;
		case CTL_O_KEYFD:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end != '\0' || v < 0 || v > INT_MAX) {
				fprintf(stderr, "%s crypt: --keyfd: '%s' is not a file descriptor\n",
					ctl_prog, optarg);
				ret = CTL_EXIT_USAGE;
				goto out_early;
			}
			keyfd = (int)v;
			break;
		case CTL_O_TAG:
			tag = optarg;
			break;
		case 'i':
			in_file = optarg;
			break;
		case 'o':
			out_file = optarg;
			break;
		case CTL_O_TAG_LEN:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end != '\0' || v < 0 || v > UINT16_MAX) {
				fprintf(stderr, "EINVAL: tag_len: '%s' is not a number in 0..65535\n",
					optarg);
				ret = CTL_EXIT_EINVAL;
				goto out_early;
			}
			json_object_set_new(one, "tag_len", json_integer(v));
			break;
		case CTL_O_BATCH:
			batch = optarg;
			break;
		case 'h':
			ctl_usage_crypt(stdout);
			ret = CTL_EXIT_OK;
			goto out_early;
		default:
			ctl_usage_crypt(stderr);
			ret = CTL_EXIT_USAGE;
			goto out_early;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s crypt: unexpected argument '%s'\n", ctl_prog, argv[optind]);
		ret = CTL_EXIT_USAGE;
		goto out_early;
	}
	if (batch != NULL && (json_object_size(one) != 0 || key_file || keyfd >= 0 || in_file ||
			      out_file || tag)) {
		fprintf(stderr, "%s crypt: --batch takes its requests from the file only\n",
			ctl_prog);
		ret = CTL_EXIT_USAGE;
		goto out_early;
	}
	if (batch == NULL) {
		int given = (json_object_get(one, "key") != NULL) + (key_file != NULL) + (keyfd >= 0);
		const char *op = json_string_value(json_object_get(one, "op"));

		if (given > 1 || (json_object_get(one, "in") != NULL && in_file != NULL)) {
			fprintf(stderr, "%s crypt: %s given twice\n", ctl_prog,
				given > 1 ? "the key (--key, --key-file, --keyfd)" :
				"the input (--in, -i)");
			ret = CTL_EXIT_USAGE;
			goto out_early;
		}
		if (key_file != NULL || keyfd >= 0) {
			ret = ctl_bytes_field(one, "key", key_file ? "--key-file" : "--keyfd",
					      key_file, keyfd, CTL_KEY_MAX);
			if (ret != CTL_EXIT_OK)
				goto out_early;
		}
		/* Not from a terminal: nobody types binary data. */
		if (json_object_get(one, "in") == NULL && in_file == NULL && !isatty(STDIN_FILENO))
			in_file = "-";
		if (in_file != NULL) {
			ret = ctl_bytes_field(one, "in", "-i", in_file, -1, CTL_IN_MAX);
			if (ret != CTL_EXIT_OK)
				goto out_early;
		}
		if (tag != NULL) {
			const char *inhex = json_string_value(json_object_get(one, "in"));
			char *joined;

			if (op == NULL || (strcmp(op, "decrypt") != 0 && strcmp(op, "verify") != 0)) {
				fprintf(stderr, "EINVAL: tag: only decrypt and verify take a tag\n");
				ret = CTL_EXIT_EINVAL;
				goto out_early;
			}
			/* The daemon takes the tag after the data: so does the request. */
			joined = ctl_fmt("%s%s", inhex ? inhex : "", tag);
			json_object_set_new(one, "in", json_string(joined));
			free(joined);
		}
		if (out_file != NULL) {
			b.out_fd = strcmp(out_file, "-") == 0 ? STDOUT_FILENO :
				   open(out_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
			if (b.out_fd < 0) {
				fprintf(stderr, "%s: -o %s: %s\n", ctl_prog, out_file,
					strerror(errno));
				ret = CTL_EXIT_FAIL;
				goto out_early;
			}
		}
	}
	if (batch != NULL) {
		in.fd = strcmp(batch, "-") == 0 ? STDIN_FILENO : open(batch, O_RDONLY | O_CLOEXEC);
		if (in.fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", ctl_prog, batch, strerror(errno));
			json_decref(one);
			return CTL_EXIT_FAIL;
		}
		json_decref(one);
		one = NULL;
	}
	b.one_shot = one != NULL;
	b.c = ctl_connect(&(struct ce_client_opts){
		.name = "cryptoengctl", .region_size = CTL_REGION_SIZE, .nb_qps = 1,
		.sq_entries = CTL_SQ_ENTRIES,
	});
	b.qp = ce_qp_create(b.c);
	b.arena = ce_buf_alloc(b.c, CTL_ARENA_SIZE, 4096);
	{
		json_t *ans = ctl_request(b.c, "algs");

		b.algs = json_incref(json_object_get(ans, "algs"));
		json_decref(ans);
	}
	if (b.qp == NULL || b.arena == NULL || b.algs == NULL) {
		fprintf(stderr, "%s: setting up with cryptoengd: %s\n", ctl_prog,
			b.qp == NULL ? ce_client_last_error(b.c) :
			b.arena == NULL ? strerror(errno) : "no algorithm list");
		ret = CTL_EXIT_FAIL;
		goto out;
	}
	b.slots = calloc(CTL_SLOTS, sizeof(*b.slots));
	if (b.slots == NULL) {
		ret = CTL_EXIT_FAIL;
		goto out;
	}
	ret = ctl_run(&b, &in, one);
out:
	ctl_batch_free(&b);
	if (in.fd > STDIN_FILENO)
		close(in.fd);
	free(in.buf);
out_early:
	if (b.out_fd > STDOUT_FILENO && close(b.out_fd) < 0 && ret == CTL_EXIT_OK) {
		fprintf(stderr, "%s: -o %s: %s\n", ctl_prog, out_file, strerror(errno));
		ret = CTL_EXIT_FAIL;
	}
	json_decref(one);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int opt;

	ctl_hex_init();
	/* "+": stop at the command; its own options are parsed after it. */
	while ((opt = getopt_long(argc, argv, "+s:h", lopts, NULL)) != -1) {
		if (opt == 's') {
			ctl_socket = optarg;
		} else if (opt == 'h') {
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		} else if (opt == 'V') {
			printf("%s %s\n", ctl_prog, CRYPTOENG_VERSION);
			return CTL_EXIT_OK;
		} else {
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "algs") == 0 || strcmp(cmd, "stats") == 0 ||
	    strcmp(cmd, "clients") == 0 || strcmp(cmd, "engines") == 0)
		return ctl_cmd_report(cmd, argc, argv);
	if (strcmp(cmd, "crypt") == 0)
		return ctl_cmd_crypt(argc, argv);
	fprintf(stderr, "%s: unknown command '%s'\n", ctl_prog, cmd);
	ctl_usage(stderr);
	return CTL_EXIT_USAGE;
}
