/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * idle-lat: round-trip latency of one request through cryptoengd, either
 * back to back (the worker is polling) or each after a pause long enough
 * for the worker to unprepare and sleep (the first request after idle).
 *
 *   idle-lat SOCKET SAMPLES PAUSE_MS [driver]
 *
 * PAUSE_MS 0: back to back. The client busy-polls its CQ (no ce_wait), so
 * the figure is the daemon's wake-up plus the round trip, not the client's.
 * Prints "p50_us p99_us max_us" on one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cryptoeng.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct ce_session_params sp = { .alg = "ecb(cipher_null)",
					.direction = CE_SESS_DIR_ENCRYPT };
	struct ce_client_opts o = { .region_size = 1u << 20, .name = "idle-lat" };
	struct ce_client *c;
	struct ce_qp *qp;
	struct ce_desc dd = { 0 };
	uint8_t *buf;
	double *lat;
	int n, pause_ms;
	int64_t h;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SOCKET SAMPLES PAUSE_MS [driver]\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	pause_ms = atoi(argv[3]);
	if (argc > 4)
		sp.driver = argv[4];
	lat = calloc((size_t)n, sizeof(*lat));
	c = ce_client_connect(argv[1], &o);
	if (c == NULL || lat == NULL) {
		fprintf(stderr, "connect: %s\n", strerror(errno));
		return 1;
	}
	qp = ce_qp_create(c);
	h = ce_session_create(c, &sp);
	buf = ce_buf_alloc(c, 128, 0);
	if (qp == NULL || h < 0 || buf == NULL) {
		fprintf(stderr, "setup: %s\n", ce_client_last_error(c));
		return 1;
	}
	dd.session = (uint32_t)h;
	dd.op = CE_OP_ENCRYPT;
	dd.len = 64;
	dd.src_off = ce_buf_offset(c, buf);
	dd.dst_off = ce_buf_offset(c, buf + 64);
	for (int i = -10; i < n; i++) {		/* 10 warm-up rounds */
		struct ce_cqe cqe;
		double t0;

		if (pause_ms > 0) {
			struct timespec ts = { .tv_sec = pause_ms / 1000,
					       .tv_nsec = (long)(pause_ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
		dd.cookie = (uint64_t)i;
		t0 = now_us();
		if (ce_submit_burst(qp, &dd, 1) != 1)
			return 1;
		while (ce_poll_burst(qp, &cqe, 1) == 0)
			;
		if (i >= 0)
			lat[i] = now_us() - t0;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("%.1f %.1f %.1f\n", lat[n / 2], lat[(n * 99) / 100], lat[n - 1]);
	ce_client_close(c);
	free(lat);
	return 0;
}
