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
 *
 * This file: argument dispatch, help and exit codes.
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

const char *cli_prog = "cryptoengctl";

/* ---- help ------------------------------------------------------------ */

static void
cli_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  algs [--json]      algorithm implementations (like /proc/crypto)\n"
		"  stats [--json]     per engine, client and algorithm counters\n"
		"  stats --watch [SECONDS] [--count N]  live rates per client, engine, device\n"
		"  clients [--json]   connected clients and their queue pairs\n"
		"  engines [--json]   engine lcores and their backends\n"
		"  crypt ...          one request, or --batch FILE|- (crypt --help)\n"
		"  selftest [--driver NAME]  run the known-answer tests again, now\n"
		"  sign|verify|encrypt|decrypt|derive ...  one asymmetric request, PEM/DER\n"
		"                     keys, as openssl pkeyutl (sign --help)\n"
		"\n"
		"COMMAND --help says more. --version prints the version.\n"
		"socket: --socket, else $%s, else %s\n"
		"exit: 0 ok, 1 failure (daemon unreachable, I/O), 2 usage error or invalid\n"
		"      input (EINVAL), 3 authentication failed (EBADMSG), 4 a self-test\n"
		"      failed; sign..derive as pkeyutl: 1 signature invalid or decryption\n"
		"      error, 5 failure; see cryptoengctl(8)\n",
		cli_prog, CE_SOCKET_ENV, CE_DEFAULT_SOCKET);
}

void
cli_usage_report(FILE *f, const char *cmd)
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
		"  --json   the daemon's answer as JSON\n", cli_prog, cmd, w);
	if (strcmp(cmd, "stats") == 0)
		fprintf(f, "       %s [--socket PATH] stats --watch [SECONDS] [--count N] [--json]\n"
			"  live rates per client, engine and device (stats --watch --help)\n",
			cli_prog);
}

void
cli_usage_crypt(FILE *f)
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
		"                     asymmetric lines name a key_file (PEM/DER): op sign,\n"
		"                     verify, encrypt, decrypt or derive; in, sig, peer or\n"
		"                     peer_file, padding, alg (cryptoengctl(8), BATCH)\n"
		"exit: 0 ok, 1 failure, 2 usage error or EINVAL, 3 EBADMSG\n",
		cli_prog, cli_prog);
}

/* ---- argument dispatch -------------------------------------------------- */

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

	cli_hex_init();
	/* "+": stop at the command; its own options are parsed after it. */
	while ((opt = getopt_long(argc, argv, "+s:h", lopts, NULL)) != -1) {
		if (opt == 's') {
			cli_socket = optarg;
		} else if (opt == 'h') {
			cli_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == 'V') {
			printf("%s %s\n", cli_prog, CRYPTOENG_VERSION);
			return CLI_EXIT_OK;
		} else {
			cli_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "stats") == 0 && cli_watch_wanted(argc, argv))
		return cli_cmd_watch(argc, argv);
	if (strcmp(cmd, "algs") == 0 || strcmp(cmd, "stats") == 0 ||
	    strcmp(cmd, "clients") == 0 || strcmp(cmd, "engines") == 0)
		return cli_cmd_report(cmd, argc, argv);
	if (strcmp(cmd, "crypt") == 0)
		return cli_cmd_crypt(argc, argv);
	if (strcmp(cmd, "selftest") == 0)
		return cli_cmd_selftest(argc, argv);
	if (strcmp(cmd, "sign") == 0 || strcmp(cmd, "verify") == 0 ||
	    strcmp(cmd, "encrypt") == 0 || strcmp(cmd, "decrypt") == 0 ||
	    strcmp(cmd, "derive") == 0)
		return cli_cmd_asym(cmd, argc, argv);
	fprintf(stderr, "%s: unknown command '%s'\n", cli_prog, cmd);
	cli_usage(stderr);
	return CLI_EXIT_USAGE;
}
