/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: crypto-perf's --test-file vector files (perf_vector_load, perf_vector_free).
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ce_text.h"
#include "cryptoeng.h"
#include "perf.h"

/* ---- crypto-perf test vector files ----------------------------------- */

static int
opts_values(const char *text, struct perf_bytes *b)
{
	char *copy = strdup(text), *tok, *save = NULL, *end;
	uint32_t cap = 32, n = 0;
	uint8_t *d = malloc(cap);

	if (copy == NULL || d == NULL)
		goto err;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = ce_text_trim(tok);
		if (*tok == '\0')
			continue;
		if (n == cap) {
			uint8_t *nd = realloc(d, cap * 2);

			if (nd == NULL)
				goto err;
			d = nd;
			cap *= 2;
		}
		d[n++] = (uint8_t)strtoul(tok, &end, 0);
		if (*end != '\0') {
			printf("Failed with convert '%s'\n", tok);
			goto err;
		}
	}
	free(copy);
	free(b->data);
	b->data = d;
	b->len = n;
	return 0;
err:
	free(copy);
	free(d);
	return -1;
}

/* One "key = values" entry; the key is matched as crypto-perf's parse_entry does (strstr, in order). */
static int
opts_entry(const struct perf_opts *o, struct perf_vector *v, char *entry, int in_case)
{
	static const struct {
		const char *key;
		size_t off;
		int size_kind;	/* what a global entry is cut to */
	} keys[] = {
		{ "plaintext", offsetof(struct perf_vector, plaintext), 0 },
		{ "cipher_key", offsetof(struct perf_vector, cipher_key), 1 },
		{ "auth_key", offsetof(struct perf_vector, auth_key), 2 },
		{ "aead_key", offsetof(struct perf_vector, aead_key), 3 },
		{ "cipher_iv", offsetof(struct perf_vector, cipher_iv), 4 },
		{ "auth_iv", offsetof(struct perf_vector, auth_iv), 5 },
		{ "aead_iv", offsetof(struct perf_vector, aead_iv), 6 },
		{ "ciphertext", offsetof(struct perf_vector, ciphertext), 0 },
		{ "aad", offsetof(struct perf_vector, aad), 7 },
		{ "digest", offsetof(struct perf_vector, digest), 8 },
	};
	const uint32_t sizes[] = { o->max_buffer, o->cipher_key_sz, o->auth_key_sz, o->aead_key_sz,
				   o->cipher_iv_sz, o->auth_iv_sz, o->aead_iv_sz, o->aead_aad_sz,
				   o->digest_sz };
	char *eq = strchr(entry, '='), *key;
	struct perf_bytes *b;
	size_t i;

	if (eq == NULL) {
		printf("Expected 'key = values' but was '%.40s'..\n", entry);
		return -1;
	}
	*eq = '\0';
	key = ce_text_trim(entry);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strstr(key, keys[i].key))
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		printf("Not valid key: '%s'\n", key);
		return -1;
	}
	b = (struct perf_bytes *)((uint8_t *)v + keys[i].off);
	if (opts_values(eq + 1, b) < 0)
		return -1;
	if (!in_case) {
		uint32_t want = sizes[keys[i].size_kind];

		if (want > b->len) {
			printf("Global %s shorter than its size option\n", keys[i].key);
			return -1;
		}
		b->len = want;
	}
	return 0;
}

/* cperf_test_vector_get_from_file(): the global part, then the named case. */
int
perf_vector_load(const struct perf_opts *o, struct perf_vector *v)
{
	FILE *f = fopen(o->test_file, "r");
	char *line = NULL, *entry = NULL;
	size_t cap = 0;
	int in_case = 0, case_area = 0, ret = -1;

	memset(v, 0, sizeof(*v));
	if (f == NULL) {
		printf("File %s does not exists\n", o->test_file);
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		char *l;

		if (line[0] == '#' || line[0] == '/' || line[0] == '\n' || line[0] == '\r' ||
		    line[0] == ' ')
			continue;
		l = ce_text_trim(line);
		if (l[0] == '[' && l[strlen(l) - 1] == ']') {
			if (in_case)
				break;
			case_area = 1;
		}
		if (case_area && o->test_name == NULL)
			break;
		if (case_area && !in_case) {
			if (strcmp(l, o->test_name) == 0)
				in_case = 1;
			continue;
		}
		free(entry);
		entry = strdup(l);
		if (entry == NULL)
			goto out;
		/* An entry continues while its line ends with ',' or '='. */
		while (entry[strlen(entry) - 1] == ',' || entry[strlen(entry) - 1] == '=') {
			char *more, *grown;

			if (getline(&line, &cap, f) == -1)
				break;
			more = ce_text_trim(line);
			grown = realloc(entry, strlen(entry) + strlen(more) + 1);
			if (grown == NULL)
				goto out;
			entry = grown;
			strcat(entry, more);
			if (*more == '\0')
				break;
		}
		if (opts_entry(o, v, entry, in_case) < 0) {
			printf("An error occurred while parsing!\n");
			goto out;
		}
	}
	if (!in_case && o->test_name != NULL) {
		printf("Not found '%s' case in test file\n", o->test_name);
		goto out;
	}
	ret = 0;
out:
	free(entry);
	free(line);
	fclose(f);
	if (ret < 0)
		perf_vector_free(v);
	return ret;
}

void
perf_vector_free(struct perf_vector *v)
{
	struct perf_bytes *b[] = { &v->plaintext, &v->ciphertext, &v->cipher_key, &v->auth_key,
				   &v->aead_key, &v->cipher_iv, &v->auth_iv, &v->aead_iv, &v->aad,
				   &v->digest };
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		free(b[i]->data);
		b[i]->data = NULL;
		b[i]->len = 0;
	}
}
