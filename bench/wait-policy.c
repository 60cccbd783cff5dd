/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wait-policy: what a client's way of waiting for completions costs, on
 * idle and on oversubscribed cores.
 *
 *   wait-policy --socket PATH [--ops N] [--burst B] [--spin N[,N...]]
 *
 * One queue pair, ecb(cipher_null) on 64-byte buffers, B requests in flight
 * (a burst submitted, then reaped). For each spin count it runs N requests
 * and waits as a client would: poll the CQ up to that many times, then
 * ce_wait() (NEED_WAKEUP + the CQ eventfd); -1 = spin only (what
 * cryptoeng-perf does), 0 = sleep at once. Prints MOps, the client's CPU
 * time per request (getrusage) and how often it slept.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cryptoeng.h"
#include "ce_clock.h"

#define WP_MAX_BURST 64
#define WP_MAX_SPINS 16

static double
wp_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Reap at least one completion, waiting by @p spin. @return reaped, or -errno. */
static int
wp_reap(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n, long spin, uint64_t *sleeps)
{
	for (;;) {
		for (long i = 0; spin < 0 || i <= spin; i++) {
			int got = ce_poll_burst(qp, cqes, n);

			if (got != 0)
				return got;
		}
		(*sleeps)++;
		/* 0: timeout or a stale eventfd count; poll again. */
		int ret = ce_wait(qp, 1000);

		if (ret < 0)
			return ret;
	}
}

static int
wp_run(struct ce_qp *qp, uint32_t session, uint64_t off, uint64_t ops, unsigned int burst,
       long spin)
{
	struct ce_desc descs[WP_MAX_BURST];
	struct ce_cqe cqes[WP_MAX_BURST];
	uint64_t sent = 0, done = 0, sleeps = 0, bad = 0;
	double t0, c0, t, c;

	memset(descs, 0, sizeof(descs));
	for (unsigned int i = 0; i < burst; i++) {
		descs[i].session = session;
		descs[i].op = CE_OP_ENCRYPT;
		descs[i].src_off = descs[i].dst_off = off + 64 * i;
		descs[i].len = 64;
	}
	t0 = ce_clock_s();
	c0 = wp_cpu();
	while (done < ops) {
		unsigned int want = (unsigned int)(sent - done) < burst ? burst - (unsigned int)(sent - done) : 0;
		int k = want ? ce_submit_burst(qp, descs, want) : 0;
		int got;

		if (k < 0)
			return k;
		sent += (unsigned int)k;
		got = wp_reap(qp, cqes, burst, spin, &sleeps);
		if (got < 0)
			return got;
		for (int i = 0; i < got; i++)
			bad += cqes[i].status != 0;
		done += (unsigned int)got;
	}
	t = ce_clock_s() - t0;
	c = wp_cpu() - c0;
	printf("spin %-8ld burst %-3u ops %-9lu %8.3f MOps  client cpu %6.1f%% of wall, "
	       "%7.1f ns cpu/op  sleeps %lu (%.2f per burst)  errors %lu\n",
	       spin, burst, (unsigned long)done, (double)done / t / 1e6, 100.0 * c / t,
	       c * 1e9 / (double)done, (unsigned long)sleeps,
	       (double)sleeps * burst / (double)done, (unsigned long)bad);
	return bad ? -EIO : 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "burst", required_argument, NULL, 'b' },
		{ "spin", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *spins = "-1,0,100,10000";
	long spin[WP_MAX_SPINS];
	unsigned int nb_spin = 0, burst = 32;
	uint64_t ops = 1000000;
	struct ce_session_params sp = {
		.alg = "ecb(cipher_null)", .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct ce_client *c;
	struct ce_qp *qp;
	int64_t session;
	void *buf;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'n': ops = strtoull(optarg, NULL, 0); break;
		case 'b': burst = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'w': spins = optarg; break;
		default:
			fprintf(stderr, "usage: wait-policy --socket PATH [--ops N] [--burst B] "
				"[--spin N[,N...]]\n");
			return 2;
		}
	}
	if (burst == 0 || burst > WP_MAX_BURST) {
		fprintf(stderr, "wait-policy: --burst must be 1..%d\n", WP_MAX_BURST);
		return 2;
	}
	for (char *dup = strdup(spins), *tok = strtok(dup, ","); tok && nb_spin < WP_MAX_SPINS;
	     tok = strtok(NULL, ","))
		spin[nb_spin++] = strtol(tok, NULL, 0);
	c = ce_client_connect(sock, NULL);
	if (c == NULL) {
		fprintf(stderr, "wait-policy: connect: %s\n", ce_client_last_error(NULL));
		return 1;
	}
	qp = ce_qp_create(c);
	session = ce_session_create(c, &sp);
	buf = ce_buf_alloc(c, 64 * WP_MAX_BURST, 64);
	if (qp == NULL || session < 0 || buf == NULL) {
		fprintf(stderr, "wait-policy: setup: %s\n", ce_client_last_error(c));
		ce_client_close(c);
		return 1;
	}
	for (unsigned int i = 0; i < nb_spin && ret == 0; i++)
		ret = wp_run(qp, (uint32_t)session, ce_buf_offset(c, buf), ops, burst, spin[i]);
	if (ret < 0)
		fprintf(stderr, "wait-policy: %s\n", strerror(-ret));
	ce_client_close(c);
	return ret < 0 ? 1 : 0;
}
