/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: output: crypto-perf's throughput, verify and latency rows, the serving backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryptoeng.h"
#include "perf.h"
#include "perf_run.h"

/* ---- output --------------------------------------------------------------- */

static int perf_header_done;

void
perf_print_throughput(uint32_t buf_size)
{
	struct perf_result tot = { 0 };
	double tot_mops = 0, tot_gbps = 0, tot_cyc = 0;
	uint32_t i;

	if (!perf_header_done) {
		perf_header_done = 1;
		if (!perf_o.csv)
			printf("%12s%12s%12s%12s%12s%12s%12s%12s%12s%12s\n\n", "lcore id", "Buf Size",
			       "Burst Size", "Enqueued", "Dequeued", "Failed Enq", "Failed Deq", "MOps",
			       "Gbps", "Cycles/Buf");
		else
			printf("#lcore id,Buffer Size(B),Burst Size,Enqueued,Dequeued,Failed Enq,"
			       "Failed Deq,Ops(Millions),Throughput(Gbps),Cycles/Buf\n\n");
	}
	for (i = 0; i < perf_o.qps; i++) {
		const struct perf_result *r = &perf_threads[i].res;
		double secs = (double)r->cycles / perf_tsc_hz;
		double ops = (double)perf_o.total_ops / secs;
		/* crypto-perf: ops/s x buffer x 8; with IMIX, the bytes really sent. */
		double gbps = perf_imix_len ? (double)r->bytes * 8 / secs / 1e9 :
			      ops * buf_size * 8 / 1e9;
		double cyc = (double)r->cycles / perf_o.total_ops;

		if (!perf_o.csv)
			printf("%12u%12u%12u%12" PRIu64 "%12" PRIu64 "%12" PRIu64 "%12" PRIu64
			       "%12.4f%12.4f%12.2f\n", perf_threads[i].lcore, buf_size, perf_cur_burst,
			       r->enq, r->deq, r->enq_fail, r->deq_fail, ops / 1e6, gbps, cyc);
		else
			printf("%u,%u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.3f,%.3f,%.3f\n",
			       perf_threads[i].lcore, buf_size, perf_cur_burst, r->enq, r->deq,
			       r->enq_fail, r->deq_fail, ops / 1e6, gbps, cyc);
		/* MOps to 4 places says little of 5000 signs a second: ops/s, as a comment. */
		if (perf_p.asym)
			printf("# asym: lcore %u: %.0f ops/s (%s %s)\n", perf_threads[i].lcore, ops,
			       perf_p.alg, perf_asym_op_str(perf_o.asym_op));
		tot.enq += r->enq;
		tot.deq += r->deq;
		tot.enq_fail += r->enq_fail;
		tot.deq_fail += r->deq_fail;
		tot_mops += ops / 1e6;
		tot_gbps += gbps;
		tot_cyc += cyc;
	}
	if (perf_o.qps > 1) {
		/* A comment line: crypto-perf parsers skip it instead of double counting. */
		if (!perf_o.csv)
			printf("%12s%12u%12u%12" PRIu64 "%12" PRIu64 "%12" PRIu64 "%12" PRIu64
			       "%12.4f%12.4f%12.2f\n", "# total", buf_size, perf_cur_burst, tot.enq,
			       tot.deq, tot.enq_fail, tot.deq_fail, tot_mops, tot_gbps,
			       tot_cyc / perf_o.qps);
		else
			printf("# total,%u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			       ",%.3f,%.3f,%.3f\n", buf_size, perf_cur_burst, tot.enq, tot.deq,
			       tot.enq_fail, tot.deq_fail, tot_mops, tot_gbps, tot_cyc / perf_o.qps);
	}
}

void
perf_print_verify(uint32_t buf_size)
{
	uint32_t i;

	for (i = 0; i < perf_o.qps; i++) {
		const struct perf_thread *t = &perf_threads[i];
		const struct perf_result *r = &t->res;
		uint64_t failed = r->op_fail + r->mismatch;

		if (!perf_o.csv) {
			if (!perf_header_done) {
				printf("\n# Running verify test on device: 0, lcore: %u\n", t->lcore);
				printf("%12s%12s%12s%12s%12s%12s%12s%12s\n\n", "lcore id", "Buf Size",
				       "Burst size", "Enqueued", "Dequeued", "Failed Enq", "Failed Deq",
				       "Failed Ops");
			}
			printf("%12u%12u%12u%12" PRIu64 "%12" PRIu64 "%12" PRIu64 "%12" PRIu64
			       "%12" PRIu64 "\n", t->lcore, buf_size, perf_cur_burst, r->enq, r->deq,
			       r->enq_fail, r->deq_fail, failed);
		} else {
			if (!perf_header_done)
				printf("\n# lcore id, Buffer Size(B), Burst Size,Enqueued,Dequeued,"
				       "Failed Enq,Failed Deq,Failed Ops\n");
			printf("%10u,%10u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			       "\n", t->lcore, buf_size, perf_cur_burst, r->enq, r->deq, r->enq_fail,
			       r->deq_fail, failed);
		}
		perf_header_done = 1;
	}
}

static int
perf_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
perf_pct_us(const uint64_t *sorted, uint64_t n, double pct)
{
	uint64_t idx = (uint64_t)(pct / 100.0 * (double)n);

	if (idx >= n)
		idx = n - 1;
	return 1e6 * (double)sorted[idx] / perf_tsc_hz;
}

int
perf_print_latency(uint32_t buf_size)
{
	const double tunit = 1e6;
	uint32_t i;
	uint64_t j;

	for (i = 0; i < perf_o.qps; i++) {
		const struct perf_thread *t = &perf_threads[i];
		const struct perf_result *r = &t->res;
		uint64_t n = r->deq, tsc_tot = 0, tsc_max = 0, tsc_min = UINT64_MAX, tsc_avg;
		uint64_t *sorted;

		for (j = 0; j < n; j++) {
			tsc_tot += t->lat[j];
			if (t->lat[j] > tsc_max)
				tsc_max = t->lat[j];
			if (t->lat[j] < tsc_min)
				tsc_min = t->lat[j];
		}
		tsc_avg = n ? tsc_tot / n : 0;
		sorted = malloc(n * sizeof(*sorted) + 1);
		if (sorted == NULL)
			return -ENOMEM;
		memcpy(sorted, t->lat, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), perf_u64_cmp);

		if (perf_o.csv) {
			if (!perf_header_done)
				printf("\n# lcore, Buffer Size, Burst Size, Pakt Seq #, cycles, time (us)");
			perf_header_done = 1;
			for (j = 0; j < n; j++)
				printf("\n%u,%u,%u,%" PRIu64 ",%" PRIu64 ",%.3f", t->lcore, buf_size,
				       perf_cur_burst, j + 1, t->lat[j],
				       tunit * (double)t->lat[j] / perf_tsc_hz);
			printf("\n# percentiles [us] p50,p90,p99,p99.9,%u,%u,%u,%.3f,%.3f,%.3f,%.3f",
			       t->lcore, buf_size, perf_cur_burst, perf_pct_us(sorted, n, 50),
			       perf_pct_us(sorted, n, 90), perf_pct_us(sorted, n, 99),
			       perf_pct_us(sorted, n, 99.9));
		} else {
			printf("\n# Device 0 on lcore %u\n", t->lcore);
			printf("\n# total operations: %u", perf_o.total_ops);
			printf("\n# Buffer size: %u", buf_size);
			printf("\n# Burst size: %u", perf_cur_burst);
			printf("\n#     Number of bursts: %" PRIu64, r->bursts);
			printf("\n#");
			printf("\n#          \t       Total\t   Average\t   Maximum\t   Minimum");
			printf("\n#  enqueued\t%12" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64,
			       r->enq, r->bursts ? r->enq / r->bursts : 0, r->enq_max,
			       r->enq_min == UINT64_MAX ? 0 : r->enq_min);
			printf("\n#  dequeued\t%12" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64,
			       r->deq, r->bursts ? r->deq / r->bursts : 0, r->deq_max,
			       r->deq_min == UINT64_MAX ? 0 : r->deq_min);
			printf("\n#    cycles\t%12" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64 "\t%10" PRIu64,
			       tsc_tot, tsc_avg, tsc_max, n ? tsc_min : 0);
			printf("\n# time [us]\t%12.0f\t%10.3f\t%10.3f\t%10.3f",
			       tunit * (double)tsc_tot / perf_tsc_hz, tunit * (double)tsc_avg / perf_tsc_hz,
			       tunit * (double)tsc_max / perf_tsc_hz,
			       n ? tunit * (double)tsc_min / perf_tsc_hz : 0.0);
			/* Ours: percentiles, in a block of their own so the table above stays crypto-perf's. */
			printf("\n#\n#          \t         p50\t       p90\t       p99\t     p99.9");
			printf("\n#  lat [us]\t%12.3f\t%10.3f\t%10.3f\t%10.3f",
			       perf_pct_us(sorted, n, 50), perf_pct_us(sorted, n, 90),
			       perf_pct_us(sorted, n, 99), perf_pct_us(sorted, n, 99.9));
			printf("\n\n");
		}
		free(sorted);
	}
	return 0;
}

/*
 * The daemon's drivers of the plan's algorithm ({"cmd":"algs"}, every page:
 * a reply holds at most 16 KiB, "algs_next" says where the next starts),
 * space separated, into drivers (size bytes); "" when the list is unavailable.
 */
void
perf_daemon_drivers(char *drivers, size_t size)
{
	static char reply[16384];
	char key[128], req[64];
	const char *p, *next;
	size_t used = 0;
	int n, pages = 0;

	drivers[0] = '\0';
	snprintf(req, sizeof(req), "{\"cmd\":\"algs\"}");
	snprintf(key, sizeof(key), "\"%s\"", perf_p.alg);
	while (pages++ < 64 && (n = ce_client_ctl(perf_client, req, reply, sizeof(reply))) > 0) {
		/* Every "driver" that follows a "name" equal to ours. */
		for (p = strstr(reply, key); p; p = strstr(p + 1, key)) {
			const char *d = strstr(p, "\"driver\"");
			const char *nm = strstr(p + 1, "\"name\"");
			const char *q, *e;

			if (d == NULL || (nm && nm < d))
				continue;
			q = strchr(d + 8, '"');
			e = q ? strchr(q + 1, '"') : NULL;
			if (!q || !e || used + (size_t)(e - q) + 2 >= size)
				continue;
			used += (size_t)snprintf(drivers + used, size - used, "%s%.*s",
						 used ? " " : "", (int)(e - q - 1), q + 1);
		}
		next = strstr(reply, "\"algs_next\"");
		if (next == NULL || (next = strchr(next, ':')) == NULL)
			break;
		snprintf(req, sizeof(req), "{\"cmd\":\"algs\",\"from\":%ld", strtol(next + 1, NULL, 10));
		strcat(req, "}");
	}
}

/*
 * Which implementation serves the session: the driver asked for, and the
 * daemon's own algorithm list entries for the algorithm.
 */
void
perf_print_backend(void)
{
	char drivers[512];
	int n;

	perf_daemon_drivers(drivers, sizeof(drivers));
	printf("# cryptoeng: algorithm %s, driver %s, %u queue pair(s) on engine lcore(s)",
	       perf_p.alg, perf_p.driver[0] ? perf_p.driver : "(daemon's choice)", perf_o.qps);
	for (n = 0; n < (int)perf_o.qps; n++)
		printf("%s%u", n ? "," : " ", perf_threads[n].lcore);
	printf("; daemon offers: %s\n", drivers[0] ? drivers : "(algs list unavailable)");
}
