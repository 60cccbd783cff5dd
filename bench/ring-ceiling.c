/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ring-ceiling: the bare cost of the daemon's round trip. Two threads, one
 * per core, pass 64-byte requests (struct ce_desc) and 16-byte completions
 * (struct ce_cqe) through lib/shm's SPSC rings, laid out as libcryptoeng
 * lays out a queue pair, at burst 32 and with the same in-flight limit as a
 * queue pair's credits, doing no other work. Whatever the daemon adds on top
 * (validation, engine, PMD) is measured against this. --pairs: requests go
 * two to a slot, as compact descriptors (struct ce_desc_pair, protocol 3),
 * which is what libcryptoeng sends for the ESP layout.
 *
 *   ring-ceiling [-n OPS] [-b BURST] [-c CREDITS] [-r RUNS] [--cpus A,B] [--pairs]
 *
 * Prints one line per run and "ring-ceiling: ... best X MOps" at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "ce_shm_abi.h"
#include "ce_shm_ring.h"

#define RC_ENTRIES 1024u
#define RC_MAX_BURST 256u

struct rc_ctx {
	void *region;
	uint64_t sq_off, cq_off;
	uint64_t ops;
	uint32_t burst;
	uint32_t credits;
	int pairs;	/* two requests a slot (struct ce_desc_pair) */
	int cpu_client, cpu_server;
	int stop;	/* __atomic builtins: set by the client thread, read by the server */
	int err;
};

static void
rc_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Best effort: an unpinned run is still a measurement, only noisier. */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The daemon's side: take requests, answer each with its cookie. */
static void *
rc_server(void *arg)
{
	struct rc_ctx *x = arg;
	struct ce_ring sq, cq;
	union ce_sq_slot d[RC_MAX_BURST];
	struct ce_cqe c[RC_MAX_BURST];

	rc_pin(x->cpu_server);
	if (ce_ring_attach(&sq, x->region, x->sq_off, RC_ENTRIES, sizeof(struct ce_desc),
			   CE_RING_CONSUMER) < 0 ||
	    ce_ring_attach(&cq, x->region, x->cq_off, RC_ENTRIES, sizeof(struct ce_cqe),
			   CE_RING_PRODUCER) < 0) {
		x->err = -EINVAL;
		return NULL;
	}
	while (!__atomic_load_n(&x->stop, __ATOMIC_RELAXED)) {
		int n = ce_ring_dequeue_burst(&sq, d, x->pairs ? x->burst / 2 : x->burst), i;
		int done = 0;

		if (n <= 0) {
			if (n < 0)
				x->err = n;
			continue;
		}
		if (x->pairs) {
			for (i = 0; i < n; i++) {
				const struct ce_desc_pair *p = &d[i].pair;

				for (int k = 0; k < 2; k++) {
					c[2 * i + k].cookie = p->d[k].cookie;
					c[2 * i + k].status = 0;
					c[2 * i + k].out_len = p->d[k].len;
				}
			}
			n *= 2;
		} else {
			for (i = 0; i < n; i++) {
				c[i].cookie = d[i].desc.cookie;
				c[i].status = 0;
				c[i].out_len = d[i].desc.len;
			}
		}
		/* The CQ has room for every credit, so this loop only spins on a slow peer. */
		while (done < n && !__atomic_load_n(&x->stop, __ATOMIC_RELAXED)) {
			int k = ce_ring_enqueue_burst(&cq, c + done, (unsigned int)(n - done));

			if (k < 0) {
				x->err = k;
				return NULL;
			}
			done += k;
		}
	}
	return NULL;
}

/* The client's side: keep up to credits in flight, burst at a time. */
static int
rc_client(struct rc_ctx *x, double *secs)
{
	struct ce_ring sq, cq;
	union ce_sq_slot d[RC_MAX_BURST];
	struct ce_cqe c[RC_MAX_BURST];
	uint64_t sent = 0, got = 0;
	struct timespec t0, t1;
	uint32_t i;

	if (ce_ring_attach(&sq, x->region, x->sq_off, RC_ENTRIES, sizeof(struct ce_desc),
			   CE_RING_PRODUCER) < 0 ||
	    ce_ring_attach(&cq, x->region, x->cq_off, RC_ENTRIES, sizeof(struct ce_cqe),
			   CE_RING_CONSUMER) < 0)
		return -EINVAL;
	memset(d, 0, sizeof(d));
	for (i = 0; i < x->burst; i++) {
		struct ce_desc_pair *p = &d[i / 2].pair;

		if (!x->pairs) {
			d[i].desc.op = CE_OP_ENCRYPT;
			d[i].desc.len = 64;
			continue;
		}
		p->d[i % 2].op = CE_OP_ENCRYPT;
		p->d[i % 2].flags = CE_DESC_F_ESP;
		p->d[i % 2].len = 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < x->ops) {
		uint64_t room = x->credits - (sent - got);
		uint32_t n = room < x->burst ? (uint32_t)room : x->burst;
		int k;

		if (sent + n > x->ops)
			n = (uint32_t)(x->ops - sent);
		if (x->pairs)
			n &= ~1u;	/* whole slots (ops and credits are even) */
		if (n) {
			for (i = 0; i < n; i++) {
				if (x->pairs)
					d[i / 2].pair.d[i % 2].cookie = sent + i;
				else
					d[i].desc.cookie = sent + i;
			}
			k = ce_ring_enqueue_burst(&sq, d, x->pairs ? n / 2 : n);
			if (k < 0)
				return k;
			sent += (uint64_t)k * (x->pairs ? 2 : 1);
		}
		k = ce_ring_dequeue_burst(&cq, c, x->burst);
		if (k < 0)
			return k;
		got += (uint64_t)k;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

static int
rc_run(struct rc_ctx *x, double *mops)
{
	struct ce_ring tmp;
	pthread_t th;
	double secs = 0;
	int ret;

	/* Fresh indices for every run: the client initialises, as libcryptoeng does. */
	if (ce_ring_init(&tmp, x->region, x->sq_off, RC_ENTRIES, sizeof(struct ce_desc),
			 CE_RING_PRODUCER) < 0 ||
	    ce_ring_init(&tmp, x->region, x->cq_off, RC_ENTRIES, sizeof(struct ce_cqe),
			 CE_RING_CONSUMER) < 0)
		return -EINVAL;
	__atomic_store_n(&x->stop, 0, __ATOMIC_RELAXED);
	x->err = 0;
	if (pthread_create(&th, NULL, rc_server, x) != 0)
		return -EAGAIN;
	rc_pin(x->cpu_client);
	ret = rc_client(x, &secs);
	__atomic_store_n(&x->stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	if (ret == 0)
		ret = x->err;
	*mops = ret == 0 ? (double)x->ops / secs / 1e6 : 0;
	return ret;
}

static void
rc_usage(FILE *f)
{
	fprintf(f, "usage: ring-ceiling [-n OPS] [-b BURST] [-c CREDITS] [-r RUNS] "
		"[--cpus CLIENT,SERVER] [--pairs]\n"
		"  defaults: -n 20000000 -b 32 -c 256 (a queue pair's credits) -r 3 --cpus 0,1\n"
		"  --pairs: two requests a slot (compact descriptors; even -b, -c, -n)\n");
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpus", required_argument, NULL, 'C' },
		{ "pairs", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_ctx x = { .ops = 20000000, .burst = 32, .credits = 256, .cpu_client = 0,
			    .cpu_server = 1 };
	uint64_t sq_bytes = ce_ring_bytes(RC_ENTRIES, sizeof(struct ce_desc));
	uint64_t cq_bytes = ce_ring_bytes(RC_ENTRIES, sizeof(struct ce_cqe));
	double best = 0, mops;
	int opt, runs = 3, r;

	while ((opt = getopt_long(argc, argv, "n:b:c:r:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'n':
			x.ops = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			x.burst = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			x.credits = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'C':
			if (sscanf(optarg, "%d,%d", &x.cpu_client, &x.cpu_server) != 2) {
				rc_usage(stderr);
				return 2;
			}
			break;
		case 'p':
			x.pairs = 1;
			break;
		case 'h':
			rc_usage(stdout);
			return 0;
		default:
			rc_usage(stderr);
			return 2;
		}
	}
	if (x.ops == 0 || x.burst == 0 || x.burst > RC_MAX_BURST || x.credits == 0 ||
	    x.credits > RC_ENTRIES || runs < 1 ||
	    (x.pairs && (x.burst % 2 || x.credits % 2 || x.ops % 2))) {
		rc_usage(stderr);
		return 2;
	}
	/* A shared mapping, like the memfd region; both threads see it at one address. */
	x.region = mmap(NULL, 4096 + sq_bytes + cq_bytes + 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (x.region == MAP_FAILED) {
		perror("ring-ceiling: mmap");
		return 1;
	}
	x.sq_off = 4096;
	x.cq_off = 4096 + (sq_bytes + 63) / 64 * 64;
	for (r = 0; r < runs; r++) {
		int ret = rc_run(&x, &mops);

		if (ret < 0) {
			fprintf(stderr, "ring-ceiling: run %d failed: %s\n", r + 1, strerror(-ret));
			return 1;
		}
		printf("ring-ceiling: run %d: %" PRIu64 " round trips, %.2f MOps\n", r + 1, x.ops, mops);
		if (mops > best)
			best = mops;
	}
	printf("ring-ceiling: %s, 16-byte completions, burst %u, credits %u, cpus %d,%d: "
	       "best %.2f MOps\n", x.pairs ? "32-byte requests two to a 64-byte slot" :
	       "64-byte requests", x.burst, x.credits, x.cpu_client, x.cpu_server, best);
	return 0;
}
