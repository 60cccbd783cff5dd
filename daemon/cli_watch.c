/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengctl stats --watch [SECONDS] [--count N] [--json]: a live view of
 * the daemon, as dpdk-proc-info --stats and spdk_top give one. Every SECONDS
 * (default 1) it takes a snapshot of the counters (the paged stats request,
 * so any number of clients fits) and prints the rates since the previous
 * one: ops/s, bytes/s and errors/s per client, per engine (worker lcore) and
 * per device. Rates divide by the time measured between the two snapshots,
 * not by the interval asked for. Ends on SIGINT or SIGTERM (exit 0), or
 * after N intervals.
 *
 * What is counted where: a client's counters are its queue pairs' (every
 * descriptor it submitted, refused ones included); an engine's and a
 * device's are the requests its worker took for an implementation (a
 * device's implementations, summed over the workers), by the device the
 * session was made on. Errors are completions with a status other than 0.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cryptoeng.h"
#include "cli.h"
#include "ce_clock.h"

#define CLI_WATCH_MIN_S		0.1
#define CLI_WATCH_MAX_S		3600.0

static volatile sig_atomic_t cli_watch_stop;

static void
cli_watch_signal(int sig)
{
	(void)sig;
	cli_watch_stop = 1;
}

static void
cli_usage_watch(FILE *f)
{
	fprintf(f,
		"usage: %s [--socket PATH] stats --watch [SECONDS] [--count N] [--json]\n"
		"  every SECONDS (default 1, %.1f..%.0f) print ops/s, bytes/s and errors/s per\n"
		"  client, engine (worker lcore) and device, from two consecutive snapshots;\n"
		"  until SIGINT (Ctrl-C) or N intervals\n"
		"  --count N  stop after N intervals (N >= 1)\n"
		"  --json     one JSON object per interval, on one line\n",
		cli_prog, CLI_WATCH_MIN_S, CLI_WATCH_MAX_S);
}

/* Whether a stats command line asks for --watch (cli_main.c dispatches on it). */
bool
cli_watch_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--watch") == 0 || strncmp(argv[i], "--watch=", 8) == 0)
			return true;
	}
	return false;
}

/* A counter of a snapshot row, 0 when absent. */
static double
cli_num(json_t *o, const char *key)
{
	return (double)json_integer_value(json_object_get(o, key));
}

static double
cli_client_errors(json_t *c)
{
	json_t *e = json_object_get(c, "errors");

	return cli_num(e, "EINVAL") + cli_num(e, "EBADMSG") + cli_num(e, "other");
}

/* The row of @p arr whose @p key equals @p v (an integer or a string); NULL if none. */
static json_t *
cli_find(json_t *arr, const char *key, json_t *v)
{
	json_t *o;
	size_t i;

	json_array_foreach(arr, i, o)
		if (json_equal(json_object_get(o, key), v))
			return o;
	return NULL;
}

/* A rate row: the three rates of counters now and before over dt seconds. */
static json_t *
cli_rates(double ops, double ops0, double bytes, double bytes0, double err, double err0,
	  double dt)
{
	/* A counter that went down belongs to someone new (an id reused): from 0. */
	if (ops < ops0 || bytes < bytes0 || err < err0)
		ops0 = bytes0 = err0 = 0;
	return json_pack("{s:f, s:f, s:f}", "ops_s", (ops - ops0) / dt,
			 "bytes_s", (bytes - bytes0) / dt, "errors_s", (err - err0) / dt);
}

/* Per device, the sums of its implementations' counters (stats' "algs"). */
static json_t *
cli_device_totals(json_t *snap, json_t *devices)
{
	json_t *tot = json_object(), *a, *dev;
	size_t i;

	json_array_foreach(devices, i, dev)
		json_object_set_new(tot, json_string_value(dev),
				    json_pack("{s:f, s:f, s:f}", "requests", 0.0, "bytes", 0.0,
					      "errors", 0.0));
	json_array_foreach(json_object_get(snap, "algs"), i, a) {
		const char *name = json_string_value(json_object_get(a, "device"));
		json_t *t = name != NULL ? json_object_get(tot, name) : NULL;

		if (t == NULL)
			continue;
		json_object_set_new(t, "requests", json_real(json_real_value(json_object_get(
			t, "requests")) + cli_num(a, "requests")));
		json_object_set_new(t, "bytes", json_real(json_real_value(json_object_get(
			t, "bytes")) + cli_num(a, "bytes")));
		json_object_set_new(t, "errors", json_real(json_real_value(json_object_get(
			t, "errors")) + cli_num(a, "errors")));
	}
	return tot;
}

static double
cli_real(json_t *o, const char *key)
{
	return json_real_value(json_object_get(o, key));
}

/* The rates between snapshots @p prev and @p cur, @p dt seconds apart. */
static json_t *
cli_watch_rates(json_t *prev, json_t *cur, json_t *devices, double dt)
{
	json_t *engines = json_array(), *clients = json_array(), *devs = json_array();
	json_t *t0 = cli_device_totals(prev, devices), *t1 = cli_device_totals(cur, devices);
	json_t *o, *p, *dev;
	size_t i;

	json_array_foreach(json_object_get(cur, "engines"), i, o) {
		json_t *r;

		p = cli_find(json_object_get(prev, "engines"), "lcore", json_object_get(o, "lcore"));
		r = cli_rates(cli_num(o, "requests"), cli_num(p, "requests"), cli_num(o, "bytes"),
			      cli_num(p, "bytes"), cli_num(o, "errors"), cli_num(p, "errors"), dt);
		json_object_set(r, "lcore", json_object_get(o, "lcore"));
		json_array_append_new(engines, r);
	}
	json_array_foreach(json_object_get(cur, "clients"), i, o) {
		json_t *r;

		/* A client new since the last snapshot started from 0. */
		p = cli_find(json_object_get(prev, "clients"), "id", json_object_get(o, "id"));
		r = cli_rates(cli_num(o, "requests"), cli_num(p, "requests"), cli_num(o, "bytes"),
			      cli_num(p, "bytes"), cli_client_errors(o),
			      p != NULL ? cli_client_errors(p) : 0, dt);
		json_object_set(r, "id", json_object_get(o, "id"));
		json_object_set(r, "pid", json_object_get(o, "pid"));
		json_object_set(r, "name", json_object_get(o, "name"));
		json_array_append_new(clients, r);
	}
	json_array_foreach(devices, i, dev) {
		json_t *a = json_object_get(t1, json_string_value(dev));
		json_t *b = json_object_get(t0, json_string_value(dev));
		json_t *r = cli_rates(cli_real(a, "requests"), cli_real(b, "requests"),
				      cli_real(a, "bytes"), cli_real(b, "bytes"),
				      cli_real(a, "errors"), cli_real(b, "errors"), dt);

		json_object_set(r, "device", dev);
		json_array_append_new(devs, r);
	}
	json_decref(t0);
	json_decref(t1);
	return json_pack("{s:f, s:o, s:o, s:o}", "interval_s", dt, "engines", engines,
			 "clients", clients, "devices", devs);
}

/* Busiest first, as top; equal rates by id. */
static int
cli_client_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double ox = cli_real(x, "ops_s"), oy = cli_real(y, "ops_s");

	if (ox != oy)
		return ox < oy ? 1 : -1;
	return (int)(json_integer_value(json_object_get(x, "id")) -
		     json_integer_value(json_object_get(y, "id")));
}

static void
cli_print_rate_cols(json_t *r)
{
	printf("  %12.0f  %14.0f  %10.0f\n", cli_real(r, "ops_s"), cli_real(r, "bytes_s"),
	       cli_real(r, "errors_s"));
}

static void
cli_print_watch(json_t *rates, unsigned int iter)
{
	json_t *clients = json_object_get(rates, "clients"), *o;
	size_t n = json_array_size(clients), i;
	json_t **rows = cli_xmalloc(sizeof(*rows) * (n ? n : 1));
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&now, &tm));
	printf("%s%s  interval %.2f s  %zu client(s)\n", iter ? "\n" : "", when,
	       cli_real(rates, "interval_s"), n);
	printf("%-8s  %12s  %14s  %10s\n", "ENGINE", "OPS/S", "BYTES/S", "ERRORS/S");
	json_array_foreach(json_object_get(rates, "engines"), i, o) {
		printf("lcore %-2" JSON_INTEGER_FORMAT,
		       json_integer_value(json_object_get(o, "lcore")));
		cli_print_rate_cols(o);
	}
	printf("%-8s  %12s  %14s  %10s\n", "DEVICE", "OPS/S", "BYTES/S", "ERRORS/S");
	json_array_foreach(json_object_get(rates, "devices"), i, o) {
		printf("%-8s", json_string_value(json_object_get(o, "device")));
		cli_print_rate_cols(o);
	}
	for (i = 0; i < n; i++)
		rows[i] = json_array_get(clients, i);
	qsort(rows, n, sizeof(*rows), cli_client_cmp);
	printf("%-8s  %12s  %14s  %10s  %8s  %s\n", "CLIENT", "OPS/S", "BYTES/S", "ERRORS/S",
	       "PID", "NAME");
	for (i = 0; i < n; i++)
		printf("%-8" JSON_INTEGER_FORMAT "  %12.0f  %14.0f  %10.0f  %8" JSON_INTEGER_FORMAT
		       "  %s\n", json_integer_value(json_object_get(rows[i], "id")),
		       cli_real(rows[i], "ops_s"), cli_real(rows[i], "bytes_s"),
		       cli_real(rows[i], "errors_s"),
		       json_integer_value(json_object_get(rows[i], "pid")),
		       json_string_value(json_object_get(rows[i], "name")) ?: "?");
	free(rows);
}

/* The devices, from the engines report (every engine has every device). */
static json_t *
cli_watch_devices(struct ce_client *c)
{
	json_t *ans = cli_request(c, "engines"), *devs, *b;
	size_t i;

	if (ans == NULL)
		return NULL;
	devs = json_array();
	json_array_foreach(json_object_get(json_array_get(json_object_get(ans, "engines"), 0),
					   "backends"), i, b)
		json_array_append(devs, json_object_get(b, "device"));
	json_decref(ans);
	return devs;
}

static int
cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < CLI_WATCH_MIN_S ||
	    v > CLI_WATCH_MAX_S)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Sleep until @p deadline (monotonic seconds) or a signal. */
static void
cli_sleep_until(double deadline)
{
	double left;

	while (!cli_watch_stop && (left = deadline - ce_clock_s()) > 0)
		(void)poll(NULL, 0, (int)(left * 1000.0) + 1);
}

int
cli_cmd_watch(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "watch", optional_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = cli_watch_signal, .sa_flags = SA_RESTART };
	double interval = 1.0, t_prev, t_cur, next;
	unsigned long count = 0, iter = 0;
	json_t *prev, *devices;
	struct ce_client *c;
	bool as_json = false;
	int opt, rc = CLI_EXIT_OK;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:jh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			/* --watch=S, or --watch S when the next word is a number. */
			if (optarg == NULL && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			if (optarg != NULL && cli_parse_seconds(optarg, &interval) < 0) {
				fprintf(stderr, "%s stats --watch: SECONDS '%s': a number of seconds "
					"in %.1f..%.0f\n", cli_prog, optarg, CLI_WATCH_MIN_S,
					CLI_WATCH_MAX_S);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'c':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' ||
			    count == 0) {
				fprintf(stderr, "%s stats --watch: --count '%s': a number of "
					"intervals >= 1\n", cli_prog, optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			cli_usage_watch(stdout);
			return CLI_EXIT_OK;
		default:
			cli_usage_watch(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s stats --watch: unexpected argument '%s'\n", cli_prog,
			argv[optind]);
		return CLI_EXIT_USAGE;
	}
	/* SA_RESTART: a stats request under way completes (the control socket's
	 * recvmsg restarts), while the sleep's poll, never restarted (signal(7)),
	 * returns at once; the loop then ends. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	c = cli_connect(&(struct ce_client_opts){ .name = "cryptoengctl-watch",
						  .region_size = 1u << 20, .nb_qps = 1 });
	devices = cli_watch_devices(c);
	t_prev = ce_clock_s();
	prev = devices != NULL ? cli_request_all(c, "stats") : NULL;
	if (prev == NULL) {
		json_decref(devices);
		ce_client_close(c);
		return CLI_EXIT_FAIL;
	}
	next = t_prev + interval;
	while (!cli_watch_stop && (count == 0 || iter < count)) {
		json_t *cur, *rates;

		cli_sleep_until(next);
		if (cli_watch_stop)
			break;
		next += interval;
		t_cur = ce_clock_s();
		cur = cli_request_all(c, "stats");
		if (cur == NULL) {
			rc = CLI_EXIT_FAIL;
			break;
		}
		rates = cli_watch_rates(prev, cur, devices, t_cur - t_prev);
		if (as_json) {
			char *s = json_dumps(rates, JSON_COMPACT | JSON_PRESERVE_ORDER);

			if (s != NULL)
				printf("%s\n", s);
			free(s);
		} else {
			cli_print_watch(rates, (unsigned int)iter);
		}
		json_decref(rates);
		json_decref(prev);
		prev = cur;
		t_prev = t_cur;
		iter++;
		if (fflush(stdout) != 0) {
			rc = CLI_EXIT_FAIL;
			break;
		}
		/* A late snapshot: start the next interval from now, not in the past. */
		if (next < ce_clock_s())
			next = ce_clock_s() + interval;
	}
	json_decref(prev);
	json_decref(devices);
	ce_client_close(c);
	return rc;
}
