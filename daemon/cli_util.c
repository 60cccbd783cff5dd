/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl: small helpers (memory, hex, errno names) and the daemon connection.
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

/* ---- small helpers ------------------------------------------------------ */

void *
cli_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		exit(CLI_EXIT_FAIL);
	}
	return p;
}

char *
cli_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(cli_xmalloc(n), s, n);
}

/* printf into a fresh string (error texts). */
char * __attribute__((format(printf, 1, 2)))
cli_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		exit(CLI_EXIT_FAIL);
	}
	return s;
}

/* Hex digit values, -1 for anything else: the batch path decodes every byte. */
static int8_t cli_hextab[256];

void
cli_hex_init(void)
{
	memset(cli_hextab, -1, sizeof(cli_hextab));
	for (int i = 0; i < 10; i++)
		cli_hextab['0' + i] = (int8_t)i;
	for (int i = 0; i < 6; i++) {
		cli_hextab['a' + i] = (int8_t)(10 + i);
		cli_hextab['A' + i] = (int8_t)(10 + i);
	}
}

int
cli_hexval(char c)
{
	return cli_hextab[(uint8_t)c];
}

/* @return decoded length, or -1 (odd length or a non-hex character). */
long
cli_unhex(const char *hex, size_t hlen, uint8_t *out)
{
	if (hlen % 2)
		return -1;
	for (size_t i = 0; i < hlen / 2; i++) {
		int hi = cli_hexval(hex[2 * i]), lo = cli_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(hlen / 2);
}

void
cli_tohex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

const char *
cli_errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "EIO";
}

/* ---- connection and control requests ------------------------------------ */

const char *cli_socket;

struct ce_client *
cli_connect(const struct ce_client_opts *o)
{
	struct ce_client *c = ce_client_connect(cli_socket, o);
	const char *path = cli_socket ? cli_socket : getenv(CE_SOCKET_ENV);

	if (c == NULL) {
		int err = errno;

		const char *why = ce_client_last_error(NULL);

		path = path && *path ? path : CE_DEFAULT_SOCKET;
		if (err == ENOENT || err == ECONNREFUSED)
			fprintf(stderr, "%s: cannot connect to %s: %s (is cryptoengd running? "
				"--socket PATH or $%s names another)\n", cli_prog, path,
				strerror(err), CE_SOCKET_ENV);
		else if (why != NULL && *why != '\0' && strcmp(why, strerror(err)) != 0)
			fprintf(stderr, "%s: cryptoengd at %s: %s: %s\n", cli_prog, path,
				strerror(err), why);
		else
			fprintf(stderr, "%s: cryptoengd at %s: %s\n", cli_prog, path,
				strerror(err));
		exit(CLI_EXIT_FAIL);
	}
	return c;
}

json_t *
cli_request_json(struct ce_client *c, const char *cmd, json_t *req, int *err)
{
	char *text = json_dumps(req, JSON_COMPACT);
	char *out = cli_xmalloc(CLI_REPLY_MAX);
	json_error_t jerr;
	json_t *ans;
	int n;

	json_decref(req);
	if (err != NULL)
		*err = -EIO;
	if (text == NULL) {
		free(out);
		return NULL;
	}
	n = ce_client_ctl(c, text, out, CLI_REPLY_MAX);
	free(text);
	if (n < 0) {
		fprintf(stderr, "%s: %s: %s (%s)\n", cli_prog, cmd, strerror(-n),
			ce_client_last_error(c));
		if (err != NULL)
			*err = n;
		free(out);
		return NULL;
	}
	if (n >= CLI_REPLY_MAX) {
		fprintf(stderr, "%s: %s: answer of %d bytes truncated\n", cli_prog, cmd, n);
		free(out);
		return NULL;
	}
	ans = json_loads(out, 0, &jerr);
	if (ans == NULL)
		fprintf(stderr, "%s: %s: daemon's answer is not JSON: %s\n", cli_prog, cmd,
			jerr.text);
	else if (err != NULL)
		*err = 0;
	free(out);
	return ans;
}

/*
 * One JSON control request (@p from >= 0: the page of clients from that id
 * on); @return the parsed answer, or NULL (message printed).
 */
static json_t *
cli_request_from(struct ce_client *c, const char *cmd, json_int_t from)
{
	return cli_request_json(c, cmd, from >= 0 ?
				json_pack("{s:s, s:I}", "cmd", cmd, "from", from) :
				json_pack("{s:s}", "cmd", cmd), NULL);
}

json_t *
cli_request(struct ce_client *c, const char *cmd)
{
	return cli_request_from(c, cmd, -1);
}

/*
 * stats and clients come in pages of clients, algs in pages of implementations
 * (each answer fits the control socket's 16 KiB): ask for the next page
 * while the daemon says more follow, and join the pages' arrays into the
 * first answer.
 */
json_t *
cli_request_all(struct ce_client *c, const char *cmd)
{
	const char *list = strcmp(cmd, "algs") == 0 ? "algs" : "clients";
	char next_key[16];
	json_t *ans = cli_request(c, cmd), *next;

	snprintf(next_key, sizeof(next_key), "%s_next", list);
	while (ans != NULL && (next = json_object_get(ans, next_key)) != NULL) {
		json_t *page = cli_request_from(c, cmd, json_integer_value(next));

		if (page == NULL) {
			json_decref(ans);
			return NULL;
		}
		json_array_extend(json_object_get(ans, list), json_object_get(page, list));
		json_object_del(ans, next_key);
		if (json_object_get(page, next_key) != NULL)
			json_object_set(ans, next_key, json_object_get(page, next_key));
		json_decref(page);
	}
	return ans;
}

/* ---- human-readable output ---------------------------------------------- */
