/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl: one-shot crypt: options, key and data from the command line, fd or file, hex or binary output.
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

/* An option's value into the request object (one-shot mode). */
static void
cli_set_str(json_t *o, const char *name, const char *val)
{
	json_object_set_new(o, name, json_string(val));
}

/*
 * Read all of @p fd (at most @p max bytes) into a fresh buffer.
 * @return the length, or -EFBIG (more than @p max), -ENOMEM, -errno.
 */
static long
cli_read_all(int fd, size_t max, uint8_t **out)
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
cli_bytes_field(json_t *one, const char *field, const char *what, const char *path, int fd,
		size_t max)
{
	uint8_t *bytes = NULL;
	char *hex;
	long n;

	if (path != NULL) {
		fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s: %s %s: %s\n", cli_prog, what, path, strerror(errno));
			return CLI_EXIT_FAIL;
		}
	}
	n = cli_read_all(fd, max, &bytes);
	if (path != NULL && fd != STDIN_FILENO)
		close(fd);
	if (n == -EFBIG) {
		fprintf(stderr, "EINVAL: %s: more than %zu bytes (%s)\n", field, max, what);
		return CLI_EXIT_EINVAL;
	}
	if (n < 0) {
		fprintf(stderr, "%s: %s: reading: %s\n", cli_prog, what, strerror((int)-n));
		return CLI_EXIT_FAIL;
	}
	hex = cli_xmalloc(2 * (size_t)n + 1);
	cli_tohex(bytes, (size_t)n, hex);
	json_object_set_new(one, field, json_string(hex));
	explicit_bzero(hex, 2 * (size_t)n);
	explicit_bzero(bytes, (size_t)n);
	free(hex);
	free(bytes);
	return CLI_EXIT_OK;
}

/* @p s as a whole decimal number in 0..@p max (an option's value). */
static bool
cli_parse_long(const char *s, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *v >= 0 && *v <= max;
}

/* Longest input a one-shot request reads (data, tag, IV and AAD share the arena). */
#define CLI_IN_MAX	(CLI_ARENA_SIZE / 4)

enum {
	CLI_O_ALG = 256, CLI_O_DRIVER, CLI_O_OP, CLI_O_KEY, CLI_O_KEY_FILE, CLI_O_KEYFD,
	CLI_O_IV, CLI_O_AAD, CLI_O_TAG_LEN, CLI_O_TAG, CLI_O_IN, CLI_O_BATCH,
};

int
cli_cmd_crypt(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "alg", required_argument, NULL, CLI_O_ALG },
		{ "driver", required_argument, NULL, CLI_O_DRIVER },
		{ "op", required_argument, NULL, CLI_O_OP },
		{ "key", required_argument, NULL, CLI_O_KEY },
		{ "key-file", required_argument, NULL, CLI_O_KEY_FILE },
		{ "keyfd", required_argument, NULL, CLI_O_KEYFD },
		{ "iv", required_argument, NULL, CLI_O_IV },
		{ "aad", required_argument, NULL, CLI_O_AAD },
		{ "tag-len", required_argument, NULL, CLI_O_TAG_LEN },
		{ "tag", required_argument, NULL, CLI_O_TAG },
		{ "in", required_argument, NULL, CLI_O_IN },
		{ "batch", required_argument, NULL, CLI_O_BATCH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = {
		[CLI_O_ALG - CLI_O_ALG] = "alg", [CLI_O_DRIVER - CLI_O_ALG] = "driver",
		[CLI_O_OP - CLI_O_ALG] = "op", [CLI_O_KEY - CLI_O_ALG] = "key",
		[CLI_O_IV - CLI_O_ALG] = "iv", [CLI_O_AAD - CLI_O_ALG] = "aad",
		[CLI_O_IN - CLI_O_ALG] = "in",
	};
	struct cli_batch b = { .exit_code = CLI_EXIT_OK, .out_fd = -1 };
	const char *batch = NULL, *key_file = NULL, *in_file = NULL, *out_file = NULL;
	const char *tag = NULL;
	json_t *one = json_object();
	struct cli_in in = { .fd = -1 };
	int opt, ret, keyfd = -1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hi:o:", lopts, NULL)) != -1) {
		long v;

		switch (opt) {
		case CLI_O_ALG: case CLI_O_DRIVER: case CLI_O_OP: case CLI_O_KEY:
		case CLI_O_IV: case CLI_O_AAD: case CLI_O_IN:
			cli_set_str(one, names[opt - CLI_O_ALG], optarg);
			break;
		case CLI_O_KEY_FILE:
			key_file = optarg;
			break;
		case CLI_O_KEYFD:
			if (!cli_parse_long(optarg, INT_MAX, &v)) {
				fprintf(stderr, "%s crypt: --keyfd: '%s' is not a file descriptor\n",
					cli_prog, optarg);
				ret = CLI_EXIT_USAGE;
				goto out_early;
			}
			keyfd = (int)v;
			break;
		case CLI_O_TAG:
			tag = optarg;
			break;
		case 'i':
			in_file = optarg;
			break;
		case 'o':
			out_file = optarg;
			break;
		case CLI_O_TAG_LEN:
			if (!cli_parse_long(optarg, UINT16_MAX, &v)) {
				fprintf(stderr, "EINVAL: tag_len: '%s' is not a number in 0..65535\n",
					optarg);
				ret = CLI_EXIT_EINVAL;
				goto out_early;
			}
			json_object_set_new(one, "tag_len", json_integer(v));
			break;
		case CLI_O_BATCH:
			batch = optarg;
			break;
		case 'h':
			cli_usage_crypt(stdout);
			ret = CLI_EXIT_OK;
			goto out_early;
		default:
			cli_usage_crypt(stderr);
			ret = CLI_EXIT_USAGE;
			goto out_early;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s crypt: unexpected argument '%s'\n", cli_prog, argv[optind]);
		ret = CLI_EXIT_USAGE;
		goto out_early;
	}
	if (batch != NULL && (json_object_size(one) != 0 || key_file || keyfd >= 0 || in_file ||
			      out_file || tag)) {
		fprintf(stderr, "%s crypt: --batch takes its requests from the file only\n",
			cli_prog);
		ret = CLI_EXIT_USAGE;
		goto out_early;
	}
	if (batch == NULL) {
		int given = (json_object_get(one, "key") != NULL) + (key_file != NULL) + (keyfd >= 0);
		const char *op = json_string_value(json_object_get(one, "op"));

		if (given > 1 || (json_object_get(one, "in") != NULL && in_file != NULL)) {
			fprintf(stderr, "%s crypt: %s given twice\n", cli_prog,
				given > 1 ? "the key (--key, --key-file, --keyfd)" :
				"the input (--in, -i)");
			ret = CLI_EXIT_USAGE;
			goto out_early;
		}
		if (key_file != NULL || keyfd >= 0) {
			ret = cli_bytes_field(one, "key", key_file ? "--key-file" : "--keyfd",
					      key_file, keyfd, CLI_KEY_MAX);
			if (ret != CLI_EXIT_OK)
				goto out_early;
		}
		/* Not from a terminal: nobody types binary data. */
		if (json_object_get(one, "in") == NULL && in_file == NULL && !isatty(STDIN_FILENO))
			in_file = "-";
		if (in_file != NULL) {
			ret = cli_bytes_field(one, "in", "-i", in_file, -1, CLI_IN_MAX);
			if (ret != CLI_EXIT_OK)
				goto out_early;
		}
		if (tag != NULL) {
			const char *inhex = json_string_value(json_object_get(one, "in"));
			char *joined;

			if (op == NULL || (strcmp(op, "decrypt") != 0 && strcmp(op, "verify") != 0)) {
				fprintf(stderr, "EINVAL: tag: only decrypt and verify take a tag\n");
				ret = CLI_EXIT_EINVAL;
				goto out_early;
			}
			/* The daemon takes the tag after the data: so does the request. */
			joined = cli_fmt("%s%s", inhex ? inhex : "", tag);
			json_object_set_new(one, "in", json_string(joined));
			free(joined);
		}
		if (out_file != NULL) {
			b.out_fd = strcmp(out_file, "-") == 0 ? STDOUT_FILENO :
				   open(out_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
			if (b.out_fd < 0) {
				fprintf(stderr, "%s: -o %s: %s\n", cli_prog, out_file,
					strerror(errno));
				ret = CLI_EXIT_FAIL;
				goto out_early;
			}
		}
	}
	if (batch != NULL) {
		in.fd = strcmp(batch, "-") == 0 ? STDIN_FILENO : open(batch, O_RDONLY | O_CLOEXEC);
		if (in.fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", cli_prog, batch, strerror(errno));
			json_decref(one);
			return CLI_EXIT_FAIL;
		}
		json_decref(one);
		one = NULL;
	}
	b.one_shot = one != NULL;
	b.c = cli_connect(&(struct ce_client_opts){
		.name = "cryptoengctl", .region_size = CLI_REGION_SIZE, .nb_qps = 1,
		.sq_entries = CLI_SQ_ENTRIES,
	});
	b.qp = ce_qp_create(b.c);
	b.arena = ce_buf_alloc(b.c, CLI_ARENA_SIZE, 4096);
	{
		json_t *ans = cli_request_all(b.c, "algs");

		b.algs = json_incref(json_object_get(ans, "algs"));
		json_decref(ans);
	}
	if (b.qp == NULL || b.arena == NULL || b.algs == NULL) {
		fprintf(stderr, "%s: setting up with cryptoengd: %s\n", cli_prog,
			b.qp == NULL ? ce_client_last_error(b.c) :
			b.arena == NULL ? strerror(errno) : "no algorithm list");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	b.slots = calloc(CLI_SLOTS, sizeof(*b.slots));
	if (b.slots == NULL) {
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	ret = cli_run(&b, &in, one);
out:
	cli_batch_free(&b);
	if (in.fd > STDIN_FILENO)
		close(in.fd);
	free(in.buf);
out_early:
	if (b.out_fd > STDOUT_FILENO && close(b.out_fd) < 0 && ret == CLI_EXIT_OK) {
		fprintf(stderr, "%s: -o %s: %s\n", cli_prog, out_file, strerror(errno));
		ret = CLI_EXIT_FAIL;
	}
	json_decref(one);
	return ret;
}
