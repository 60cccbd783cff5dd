/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl: algs, stats, clients, engines: the reports and their printing.
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

/* Follow "a.b" through nested objects; NULL when any step is missing. */
static json_t *
cli_path(json_t *o, const char *path)
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
void
cli_fmt_range(json_t *r, char *buf, size_t size)
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
cli_fmt_cell(json_t *v, char *buf, size_t size)
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
		cli_fmt_range(v, buf, size);
	} else if (json_is_array(v)) {
		buf[0] = '\0';
		json_array_foreach(v, i, e) {
			char one[64];

			cli_fmt_cell(e, one, sizeof(one));
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s",
							 i ? "," : "", one);
		}
	} else {
		snprintf(buf, size, "?");
	}
}

struct cli_col {
	const char *title;
	const char *path;	/* key in each row, "a.b" for nested */
};

#define CLI_CELL_MAX 160

/* Print rows (array of objects) as a table: numbers right-aligned, the rest left. */
static void
cli_table(json_t *rows, const struct cli_col *cols, unsigned int nb_cols)
{
	size_t nb_rows = json_array_size(rows);
	int width[16];
	char cell[CLI_CELL_MAX];
	size_t r;

	if (nb_cols > 16)
		nb_cols = 16;
	for (unsigned int j = 0; j < nb_cols; j++)
		width[j] = (int)strlen(cols[j].title);
	for (r = 0; r < nb_rows; r++)
		for (unsigned int j = 0; j < nb_cols; j++) {
			cli_fmt_cell(cli_path(json_array_get(rows, r), cols[j].path), cell,
				     sizeof(cell));
			if ((int)strlen(cell) > width[j])
				width[j] = (int)strlen(cell);
		}
	for (unsigned int j = 0; j < nb_cols; j++)
		printf("%-*s%s", j + 1 < nb_cols ? width[j] : 0, cols[j].title,
		       j + 1 < nb_cols ? "  " : "\n");
	for (r = 0; r < nb_rows; r++)
		for (unsigned int j = 0; j < nb_cols; j++) {
			json_t *v = cli_path(json_array_get(rows, r), cols[j].path);
			const char *sep = j + 1 < nb_cols ? "  " : "\n";

			cli_fmt_cell(v, cell, sizeof(cell));
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

json_int_t
cli_range_get(json_t *a, const char *range, const char *which)
{
	return json_integer_value(json_object_get(json_object_get(a, range), which));
}

/*
 * The one IV size the kernel would show: the only one, else 12 where the
 * range has it (GCM, ChaCha20-Poly1305: the kernel's gcm(aes) takes 12),
 * else the largest.
 */
static json_int_t
cli_kernel_ivsize(json_t *a)
{
	json_int_t min = cli_range_get(a, "iv_sizes", "min");
	json_int_t max = cli_range_get(a, "iv_sizes", "max");

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
cli_print_algs(json_t *ans)
{
	json_t *algs = json_object_get(ans, "algs");
	char cell[CLI_CELL_MAX];
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
		if (cli_range_get(a, "key_sizes", "max") > 0) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "min keysize",
			       cli_range_get(a, "key_sizes", "min"));
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "max keysize",
			       cli_range_get(a, "key_sizes", "max"));
			if (cli_range_get(a, "key_sizes", "step") > 1) {
				cli_fmt_range(json_object_get(a, "key_sizes"), cell, sizeof(cell));
				printf("%-12s : %s (cryptoeng)\n", "keysizes", cell);
			}
		}
		if (json_object_get(a, "enc_key_sizes") != NULL) {
			/* authenc: keysize bounds the kernel's blob; this its cipher key. */
			cli_fmt_range(json_object_get(a, "enc_key_sizes"), cell, sizeof(cell));
			printf("%-12s : %s (cryptoeng: authenc key blob)\n", "enckeysizes", cell);
		}
		if (hash) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "digestsize",
			       cli_range_get(a, "digest_sizes", "max"));
			if (cli_range_get(a, "digest_sizes", "min") !=
			    cli_range_get(a, "digest_sizes", "max")) {
				cli_fmt_range(json_object_get(a, "digest_sizes"), cell, sizeof(cell));
				printf("%-12s : %s (cryptoeng: truncated digests)\n", "digestsizes",
				       cell);
			}
			continue;
		}
		printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "ivsize", cli_kernel_ivsize(a));
		if (cli_range_get(a, "iv_sizes", "min") != cli_range_get(a, "iv_sizes", "max")) {
			cli_fmt_range(json_object_get(a, "iv_sizes"), cell, sizeof(cell));
			printf("%-12s : %s (cryptoeng: other IV lengths accepted)\n", "ivsizes",
			       cell);
		}
		if (aead) {
			printf("%-12s : %" JSON_INTEGER_FORMAT "\n", "maxauthsize",
			       cli_range_get(a, "digest_sizes", "max"));
			cli_fmt_range(json_object_get(a, "digest_sizes"), cell, sizeof(cell));
			printf("%-12s : %s (cryptoeng)\n", "authsizes", cell);
			printf("%-12s : %" JSON_INTEGER_FORMAT " (cryptoeng)\n", "maxaadsize",
			       json_integer_value(json_object_get(a, "aad_max")));
			if (json_integer_value(json_object_get(a, "aad_min")) > 0)
				printf("%-12s : %" JSON_INTEGER_FORMAT " (cryptoeng)\n", "minaadsize",
				       json_integer_value(json_object_get(a, "aad_min")));
		}
	}
}

static void
cli_print_stats(json_t *ans)
{
	static const struct cli_col eng[] = {
		{ "LCORE", "lcore" }, { "SUBMITTED", "submitted" }, { "OK", "completed_ok" },
		{ "ERRORS", "completed_err" }, { "RETRIES", "retried" },
		{ "BACKLOGGED", "backlogged" }, { "REFUSED", "refused" },
		{ "FALLBACKS", "fallbacks" }, { "IN_FLIGHT", "in_flight" },
		{ "DOORBELLS", "doorbells" }, { "IDLE", "idle_transitions" },
		{ "SLEEPS", "sleeps" },
	};
	static const struct cli_col cli[] = {
		{ "ID", "id" }, { "PID", "pid" }, { "NAME", "name" }, { "REQUESTS", "requests" },
		{ "BYTES", "bytes" }, { "COMPLETED", "completed" },
		{ "EINVAL", "errors.EINVAL" }, { "EBADMSG", "errors.EBADMSG" },
		{ "OTHER_ERR", "errors.other" }, { "IN_FLIGHT", "in_flight" },
	};
	static const struct cli_col alg[] = {
		{ "NAME", "name" }, { "DRIVER", "driver" }, { "REQUESTS", "requests" },
		{ "BYTES", "bytes" }, { "ERRORS", "errors" },
	};
	static const struct cli_col dev[] = {
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
	cli_table(engines, eng, sizeof(eng) / sizeof(eng[0]));
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
	cli_table(json_object_get(ans, "clients"), cli, sizeof(cli) / sizeof(cli[0]));
	printf("\nalgorithms (with requests):\n");
	cli_table(json_object_get(ans, "algs"), alg, sizeof(alg) / sizeof(alg[0]));
	if (json_array_size(json_object_get(ans, "devices")) != 0) {
		printf("\ndevices (fallbacks to software by reason):\n");
		cli_table(json_object_get(ans, "devices"), dev, sizeof(dev) / sizeof(dev[0]));
	}
}

static void
cli_print_clients(json_t *ans)
{
	static const struct cli_col cli[] = {
		{ "ID", "id" }, { "PID", "pid" }, { "UID", "uid" }, { "GID", "gid" },
		{ "NAME", "name" }, { "STATE", "state" }, { "SESSIONS", "sessions" },
		{ "QPS", "qps" },
	};
	static const struct cli_col qpc[] = {
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
		cli_table(rows, cli, sizeof(cli) / sizeof(cli[0]));
		json_decref(rows);
	}
	printf("\nqueue pairs:\n");
	cli_table(qps, qpc, sizeof(qpc) / sizeof(qpc[0]));
	json_decref(qps);
}

static void
cli_print_engines(json_t *ans)
{
	static const struct cli_col eng[] = {
		{ "LCORE", "lcore" }, { "STATE", "state" }, { "QUEUE_PAIRS", "queue_pairs" },
		{ "BACKENDS", "backends_s" },
	};
	json_t *rows = json_deep_copy(json_object_get(ans, "engines")), *e, *b;
	size_t i, k;

	json_array_foreach(rows, i, e) {
		char buf[CLI_CELL_MAX] = "";
		size_t used = 0;

		json_array_foreach(json_object_get(e, "backends"), k, b)
			if (used < sizeof(buf))
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s (%s)",
					k ? ", " : "",
					json_string_value(json_object_get(b, "device")),
					json_string_value(json_object_get(b, "pmd")));
		json_object_set_new(e, "backends_s", json_string(buf));
	}
	cli_table(rows, eng, sizeof(eng) / sizeof(eng[0]));
	json_decref(rows);
}

int
cli_cmd_report(const char *cmd, int argc, char **argv)
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
			cli_usage_report(stdout, cmd);
			return CLI_EXIT_OK;
		} else {
			cli_usage_report(stderr, cmd);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s %s: unexpected argument '%s'\n", cli_prog, cmd, argv[optind]);
		return CLI_EXIT_USAGE;
	}
	c = cli_connect(&(struct ce_client_opts){ .name = "cryptoengctl",
						  .region_size = 1u << 20, .nb_qps = 1 });
	ans = strcmp(cmd, "engines") != 0 ? cli_request_all(c, cmd) : cli_request(c, cmd);
	ce_client_close(c);
	if (ans == NULL)
		return CLI_EXIT_FAIL;
	if (as_json) {
		char *s = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else if (strcmp(cmd, "algs") == 0) {
		cli_print_algs(ans);
	} else if (strcmp(cmd, "stats") == 0) {
		cli_print_stats(ans);
	} else if (strcmp(cmd, "clients") == 0) {
		cli_print_clients(ans);
	} else {
		cli_print_engines(ans);
	}
	json_decref(ans);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* ---- crypt: requests ----------------------------------------------------- */
