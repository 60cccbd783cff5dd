/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl selftest [--driver NAME] [--json]: the daemon runs its
 * known-answer self-tests again, now, on every implementation or on one
 * driver's, while it serves its clients; one line per implementation in the
 * words of the kernel's testmgr ("alg: self-tests for DRIVER (ALG) passed").
 * An implementation that fails is out of selection in the daemon until a
 * later selftest passes; `algs` shows its state.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cryptoeng.h"
#include "cli.h"

void
cli_usage_selftest(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] selftest [--driver NAME] [--json]\n"
		"  the daemon runs the known-answer tests again, now, on every implementation\n"
		"  or on NAME's (a driver name, as algs lists them), while it serves clients;\n"
		"  one that fails is not chosen for new sessions until a selftest passes\n"
		"  --driver NAME   only the implementations of driver NAME\n"
		"  --json          the daemon's answer as JSON\n"
		"exit: 0 all passed, 1 failure (daemon unreachable), 2 usage error or no such\n"
		"      driver, 4 an implementation failed its self-test\n",
		cli_prog);
}

static const char *
cli_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "?";
}

/* One line per implementation, as testmgr logs them. */
static void
cli_print_selftest(json_t *ans)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(ans, "selftest"), i, r) {
		const char *state = cli_str(r, "selftest");
		json_int_t vectors = json_integer_value(json_object_get(r, "vectors"));
		json_int_t ops = json_integer_value(json_object_get(r, "ops"));

		if (strcmp(state, "no vector") == 0) {
			printf("alg: No test for %s (%s) on %s\n", cli_str(r, "name"),
			       cli_str(r, "driver"), cli_str(r, "device"));
			continue;
		}
		printf("alg: self-tests for %s (%s) on %s %s: %" JSON_INTEGER_FORMAT
		       " vector%s, %" JSON_INTEGER_FORMAT " operation%s", cli_str(r, "driver"),
		       cli_str(r, "name"), cli_str(r, "device"), state, vectors,
		       vectors == 1 ? "" : "s", ops, ops == 1 ? "" : "s");
		if (json_object_get(r, "why") != NULL)
			printf(": %s", cli_str(r, "why"));
		printf("\n");
	}
	json_array_foreach(json_object_get(ans, "left_out"), i, r)
		printf("selftest: %s left out: it has no queue pair to spare for live self-tests "
		       "(its implementations keep their state)\n", json_string_value(r) ?: "?");
	if (json_integer_value(json_object_get(ans, "omitted")) > 0)
		printf("(%" JSON_INTEGER_FORMAT " more did not fit in one answer: see algs)\n",
		       json_integer_value(json_object_get(ans, "omitted")));
	printf("selftest: %" JSON_INTEGER_FORMAT " tested, %" JSON_INTEGER_FORMAT " failed%s\n",
	       json_integer_value(json_object_get(ans, "tested")),
	       json_integer_value(json_object_get(ans, "failed")),
	       json_integer_value(json_object_get(ans, "failed")) > 0 ?
	       " (not chosen for new sessions until a selftest passes)" : "");
}

int
cli_cmd_selftest(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *driver = NULL;
	bool as_json = false;
	struct ce_client *c;
	json_t *req, *ans;
	int opt, err, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:jh", lopts, NULL)) != -1) {
		if (opt == 'd') {
			driver = optarg;
		} else if (opt == 'j') {
			as_json = true;
		} else if (opt == 'h') {
			cli_usage_selftest(stdout);
			return CLI_EXIT_OK;
		} else {
			cli_usage_selftest(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s selftest: unexpected argument '%s'\n", cli_prog, argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (driver != NULL && *driver == '\0') {
		fprintf(stderr, "%s selftest: --driver: empty name\n", cli_prog);
		return CLI_EXIT_USAGE;
	}
	req = driver != NULL ? json_pack("{s:s, s:s}", "cmd", "selftest", "driver", driver) :
			       json_pack("{s:s}", "cmd", "selftest");
	c = cli_connect(&(struct ce_client_opts){ .name = "cryptoengctl",
						  .region_size = 1u << 20, .nb_qps = 1 });
	ans = cli_request_json(c, "selftest", req, &err);
	ce_client_close(c);
	if (ans == NULL)
		return err == -ENOENT || err == -EINVAL ? CLI_EXIT_EINVAL : CLI_EXIT_FAIL;
	if (as_json) {
		char *s = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else {
		cli_print_selftest(ans);
	}
	rc = json_integer_value(json_object_get(ans, "failed")) > 0 ? CLI_EXIT_SELFTEST :
								      CLI_EXIT_OK;
	json_decref(ans);
	return fflush(stdout) == 0 ? rc : CLI_EXIT_FAIL;
}
