/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoeng-perf: dpdk-test-crypto-perf's command line and output, run
 * through the cryptoeng daemon with libcryptoeng (no EAL in this process).
 *
 *   cryptoeng-perf [--socket PATH | --spawn [CONFIG]] [--qps N] [--verify-all] -- [crypto-perf options]
 *
 * The loops are crypto-perf's: throughput enqueues a burst, dequeues up to a
 * burst, counts bursts not taken whole ("Failed Enq") and empty polls
 * ("Failed Deq") until total-ops went through; latency stamps each burst's
 * enqueue and each dequeue with the TSC; verify compares every output with
 * a test-vector file. Beyond crypto-perf: one client thread and queue pair
 * per --qps (a row each, then a total as a '#' line so that crypto-perf
 * parsers skip it), latency percentiles, the backend that served, a progress
 * line on stderr, and --verify-all (every output against OpenSSL).
 *
 * A daemon that goes away under load (restarted, or stopped with SIGTERM)
 * costs the requests in flight and nothing else: every thread reports what
 * it had in flight as lost, the tool connects again on the same socket (new
 * region, queue pairs, sessions, buffers) and goes on; stderr says how many
 * requests were lost and the longest service gap. Always on with --socket
 * (a benchmark that dies with its daemon loses the whole run's figures);
 * not with --spawn, whose daemon nobody restarts.
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

#define PERF_MAX_BURST 512
#define PERF_VARIANTS 16	/* distinct IV/data per slot, so mixed-up buffers are caught */
#define PERF_REGION_LIMIT (240u << 20)	/* under the daemon's default max_region_mb = 256 */
#define PERF_PROGRESS_AFTER_NS 2000000000ull

#ifndef PERF_INSTALLED_DAEMON
#define PERF_INSTALLED_DAEMON "/usr/sbin/cryptoengd"
#endif
#ifndef PERF_INSTALLED_CONFDIR
#define PERF_INSTALLED_CONFDIR "/usr/share/cryptoeng"
#endif
#ifndef PERF_DAEMON_PATH
#define PERF_DAEMON_PATH "cryptoengd"
#endif
#ifndef PERF_SOURCE_ROOT
#define PERF_SOURCE_ROOT "."
#endif

/* One buffer set of the pool: all of it in the shared arena. */
struct perf_slot {
	uint8_t *src, *dst, *iv, *aad, *digest;
	uint64_t src_off, dst_off, iv_off, aad_off, digest_off;
	uint64_t seq;		/* operation number, for latency records */
	uint64_t t_submit;
	uint32_t len;
	uint16_t variant;
	uint16_t size_idx;
};

struct perf_result {
	uint64_t enq, deq, enq_fail, deq_fail, op_fail, mismatch;
	uint64_t cycles;	/* whole run, TSC */
	uint64_t bytes;
	uint64_t bursts, enq_max, enq_min, deq_max, deq_min;
	int first_status;
};

struct perf_thread {
	unsigned int idx;
	pthread_t tid;
	struct ce_qp *qp;
	uint32_t session;
	uint32_t lcore;
	struct perf_slot *slots;
	uint32_t nb_slots;
	uint32_t *free_stack;
	uint32_t nb_free;
	uint64_t *lat;		/* latency test: cycles per op */
	struct perf_result res;
	int err;
	_Atomic uint64_t progress __attribute__((aligned(64)));
};

/* Expected contents for one (buffer size, variant). */
struct perf_expect {
	uint8_t *in;		/* what the slot holds before the op */
	uint8_t *in_tag;	/* decrypt/verify: the tag given */
	uint8_t *out;		/* what dst must hold after */
	uint8_t *out_tag;	/* encrypt/digest: the tag produced */
	uint8_t iv[PERF_MAX_IV];
	uint8_t aad[256];
};

static struct perf_opts perf_o;
static struct perf_plan perf_p;
static struct perf_vector perf_vec;
static int perf_have_vec;
static struct ce_client *perf_client;
static struct perf_thread *perf_threads;
static pthread_barrier_t perf_start_barrier;
static double perf_tsc_hz;
static uint32_t perf_cur_burst;
static uint32_t perf_sizes[PERF_MAX_LIST];	/* sizes the current run uses */
static uint32_t perf_nb_sizes;
static uint32_t perf_imix_seq[4096];
static uint32_t perf_imix_len;
static struct perf_expect perf_exp[PERF_MAX_LIST][PERF_VARIANTS];
static uint32_t perf_nb_variants = PERF_VARIANTS;
static int perf_refill;		/* restore each slot's input before every submit */
static int perf_check;		/* compare every output */
static _Atomic int perf_running;
static pid_t perf_daemon_pid = -1;
static char perf_spawn_dir[64];
static struct ce_client_opts perf_client_opts;

static int perf_thread_attach(struct perf_thread *t);
static int perf_reconnect(struct perf_thread *t, struct ce_desc *descs, uint32_t burst);
static void perf_rc_enter(void);
static void perf_rc_leave(void);
static int perf_rc_lost(struct perf_thread *t, int status);
static void perf_rc_served(struct perf_thread *t, uint64_t now);

/* ---- time ------------------------------------------------------------- */

static inline uint64_t
perf_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

static uint64_t
perf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* TSC ticks per second, measured against CLOCK_MONOTONIC over 50 ms. */
static double
perf_tsc_calibrate(void)
{
	struct timespec d = { 0, 50000000 };
	uint64_t n0 = perf_now_ns(), t0 = perf_tsc(), n1, t1;

	nanosleep(&d, NULL);
	n1 = perf_now_ns();
	t1 = perf_tsc();
	return (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
}

/* ---- data --------------------------------------------------------------- */

static void
perf_pattern(uint8_t *b, uint32_t len, uint32_t variant, uint32_t salt)
{
	uint32_t i, x = 0x9e3779b9u * (variant + 1) + salt;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
}

static void
perf_expect_free(void)
{
	uint32_t s, v;

	for (s = 0; s < PERF_MAX_LIST; s++)
		for (v = 0; v < PERF_VARIANTS; v++) {
			struct perf_expect *e = &perf_exp[s][v];

			free(e->in);
			free(e->in_tag);
			free(e->out);
			free(e->out_tag);
			memset(e, 0, sizeof(*e));
		}
}

/*
 * Build the input of every (size, variant) and, when outputs are checked,
 * what the daemon must give back: from the test vector, else from OpenSSL.
 */
static int
perf_expect_build(void)
{
	const struct perf_plan *p = &perf_p;
	int decrypt = (p->op == CE_OP_DECRYPT || p->op == CE_OP_VERIFY);
	uint32_t s, v;
	int ret;

	perf_expect_free();
	for (s = 0; s < perf_nb_sizes; s++) {
		uint32_t len = perf_sizes[s];

		for (v = 0; v < perf_nb_variants; v++) {
			struct perf_expect *e = &perf_exp[s][v];
			uint8_t *plain = malloc(len + 1);

			e->in = calloc(1, len + 1);
			e->out = calloc(1, len + 1);
			e->in_tag = calloc(1, PERF_MAX_DIGEST);
			e->out_tag = calloc(1, PERF_MAX_DIGEST);
			if (!plain || !e->in || !e->out || !e->in_tag || !e->out_tag) {
				free(plain);
				return -ENOMEM;
			}
			if (perf_have_vec) {
				const struct perf_vector *t = &perf_vec;
				const struct perf_bytes *iv = perf_o.optype == PERF_AEAD ? &t->aead_iv :
							      &t->cipher_iv;
				const struct perf_bytes *src = decrypt && p->has_output ? &t->ciphertext :
							       &t->plaintext;
				const struct perf_bytes *dst = decrypt ? &t->plaintext : &t->ciphertext;

				free(plain);
				if (src->len < len || (p->has_output && dst->len < len) ||
				    t->digest.len < p->digest_len || iv->len < p->iv_len ||
				    t->aad.len < p->aad_len || p->aad_len > sizeof(e->aad)) {
					fprintf(stderr, "cryptoeng-perf: the test vector is shorter than "
						"the buffer, IV, AAD or digest size asked for\n");
					return -EINVAL;
				}
				memcpy(e->in, src->data, len);
				if (p->has_output)
					memcpy(e->out, dst->data, len);
				else
					memcpy(e->out, e->in, len);
				memcpy(e->iv, iv->data, p->iv_len);
				if (p->aad_len != 0) /* no AAD in the file: data is NULL */
					memcpy(e->aad, t->aad.data, p->aad_len);
				memcpy(decrypt ? e->in_tag : e->out_tag, t->digest.data, p->digest_len);
				continue;
			}
			perf_pattern(plain, len, v, len);
			perf_pattern(e->iv, p->iv_len, v, 0x1000);
			perf_pattern(e->aad, p->aad_len < sizeof(e->aad) ? p->aad_len : sizeof(e->aad),
				     v, 0x2000);
			if (p->aad_len > sizeof(e->aad)) {
				free(plain);
				fprintf(stderr, "cryptoeng-perf: AAD above %zu bytes is not supported\n",
					sizeof(e->aad));
				return -EINVAL;
			}
			if (!decrypt) {
				memcpy(e->in, plain, len);
				if (!perf_check) {
					free(plain);
					continue;
				}
				ret = perf_ref_compute(p, p->op, e->iv, e->aad, plain, e->out, len,
						       e->out_tag);
				if (!p->has_output)
					memcpy(e->out, plain, len);
			} else {
				/* Decrypt/verify needs a valid input: OpenSSL makes it. */
				uint8_t enc_op = p->op == CE_OP_VERIFY ? CE_OP_DIGEST : CE_OP_ENCRYPT;

				ret = perf_ref_compute(p, enc_op, e->iv, e->aad, plain,
						       p->has_output ? e->in : e->out, len, e->in_tag);
				if (!p->has_output)
					memcpy(e->in, plain, len);
				memcpy(e->out, plain, len);
			}
			free(plain);
			if (ret == -ENOTSUP) {
				fprintf(stderr, "cryptoeng-perf: no OpenSSL reference for %s%s\n", p->alg,
					decrypt ? " (needed to make valid input for decrypt/verify)" : "");
				return ret;
			}
			if (ret < 0) {
				fprintf(stderr, "cryptoeng-perf: OpenSSL refused %s with these sizes (%d)\n",
					p->alg, ret);
				return ret;
			}
		}
	}
	return 0;
}

/* Put the input of @p sl's (size, variant) into its buffers. */
static inline void
perf_slot_fill(const struct perf_slot *sl)
{
	const struct perf_expect *e = &perf_exp[sl->size_idx][sl->variant];

	memcpy(sl->src, e->in, sl->len);
	if (perf_p.digest_len)
		memcpy(sl->digest, e->in_tag, perf_p.digest_len);
}

static void
perf_slots_prepare(struct perf_thread *t)
{
	uint32_t i;

	t->nb_free = t->nb_slots;
	for (i = 0; i < t->nb_slots; i++) {
		struct perf_slot *sl = &t->slots[i];
		const struct perf_expect *e;

		sl->variant = (uint16_t)(i % perf_nb_variants);
		sl->size_idx = 0;
		sl->len = perf_sizes[0];
		e = &perf_exp[0][sl->variant];
		memcpy(sl->iv, e->iv, perf_p.iv_len);
		memcpy(sl->aad, e->aad, perf_p.aad_len);
		perf_slot_fill(sl);
		/* LIFO: the most recently freed (cache-hot) slot is reused first. */
		t->free_stack[i] = t->nb_slots - 1 - i;
	}
}

/* @return 0 if the completed op's output is what OpenSSL (or the vector) says. */
static int
perf_slot_check(const struct perf_slot *sl)
{
	const struct perf_expect *e = &perf_exp[sl->size_idx][sl->variant];

	if (perf_p.has_output && memcmp(sl->dst, e->out, sl->len) != 0)
		return -1;
	if ((perf_p.op == CE_OP_ENCRYPT || perf_p.op == CE_OP_DIGEST) && perf_p.digest_len &&
	    memcmp(sl->digest, e->out_tag, perf_p.digest_len) != 0)
		return -1;
	return 0;
}

/* ---- the loops ---------------------------------------------------------- */

static inline void
perf_complete(struct perf_thread *t, const struct ce_cqe *c, unsigned int n, uint64_t now)
{
	struct perf_result *r = &t->res;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t s = (uint32_t)c[i].cookie;
		struct perf_slot *sl;

		if (s >= t->nb_slots) {
			r->op_fail++;
			continue;
		}
		sl = &t->slots[s];
		if (c[i].status != 0) {
			if (!perf_rc_lost(t, c[i].status) && r->op_fail++ == 0)
				r->first_status = c[i].status;
		} else {
			perf_rc_served(t, now);
			if (perf_check && perf_slot_check(sl) != 0)
				r->mismatch++;
		}
		if (t->lat)
			t->lat[sl->seq] = now - sl->t_submit;
		t->free_stack[t->nb_free++] = s;
	}
}

/* n completions came back: check and time them, count the dequeue. */
static void
perf_dequeued(struct perf_thread *t, const struct ce_cqe *cqes, unsigned int n)
{
	struct perf_result *r = &t->res;

	perf_complete(t, cqes, n, perf_tsc());
	r->deq += n;
	if (n > r->deq_max)
		r->deq_max = n;
	if (n < r->deq_min)
		r->deq_min = n;
}

static int
perf_run_one(struct perf_thread *t)
{
	const uint32_t burst = perf_cur_burst;
	const uint64_t total = perf_o.total_ops;
	struct ce_desc descs[PERF_MAX_BURST];
	struct ce_cqe cqes[PERF_MAX_BURST];
	struct perf_result *r = &t->res;
	uint64_t start, now, seq = 0;
	int k, d;

	memset(r, 0, sizeof(*r));
	r->enq_min = r->deq_min = UINT64_MAX;
	perf_slots_prepare(t);
	for (k = 0; k < (int)burst; k++) {
		memset(&descs[k], 0, sizeof(descs[k]));
		descs[k].session = t->session;
		descs[k].op = perf_p.op;
	}
	atomic_store_explicit(&t->progress, 0, memory_order_relaxed);
	perf_rc_enter();
	pthread_barrier_wait(&perf_start_barrier);

	start = perf_tsc();
	while (r->enq < total) {
		uint32_t want = total - r->enq < burst ? (uint32_t)(total - r->enq) : burst;
		uint32_t n = want < t->nb_free ? want : t->nb_free, i;

		for (i = 0; i < n; i++) {
			uint32_t s = t->free_stack[--t->nb_free];
			struct perf_slot *sl = &t->slots[s];
			struct ce_desc *dd = &descs[i];

			if (perf_imix_len) {
				sl->size_idx = (uint16_t)perf_imix_seq[(seq + i) % perf_imix_len];
				sl->len = perf_sizes[sl->size_idx];
			}
			if (perf_refill)
				perf_slot_fill(sl);
			sl->seq = seq + i;
			dd->cookie = s;
			dd->src_off = sl->src_off;
			dd->dst_off = sl->dst_off;
			dd->len = sl->len;
			dd->aad_len = perf_p.aad_len;
			dd->iv_off = perf_p.iv_len ? sl->iv_off : 0;
			dd->aad_off = perf_p.aad_len ? sl->aad_off : 0;
			dd->digest_off = perf_p.digest_len ? sl->digest_off : 0;
		}
		now = perf_tsc();
		for (i = 0; i < n; i++)
			t->slots[descs[i].cookie].t_submit = now;
		k = n ? ce_submit_burst(t->qp, descs, n) : 0;
		if (k == -ENOTCONN || k == -ESHUTDOWN) {
			/* The daemon goes: what it held is lost, then start again. */
			for (i = n; i > 0; i--)
				t->free_stack[t->nb_free++] = (uint32_t)descs[i - 1].cookie;
			k = perf_reconnect(t, descs, burst);
			if (k < 0)
				return k;
			continue;
		}
		if (k < 0) {
			fprintf(stderr, "cryptoeng-perf: submit: %s\n", strerror(-k));
			perf_rc_leave();
			return k;
		}
		/* Give back what the ring did not take, newest first. */
		for (i = n; i > (uint32_t)k; i--)
			t->free_stack[t->nb_free++] = (uint32_t)descs[i - 1].cookie;
		if ((uint32_t)k < want)
			r->enq_fail++;
		for (i = 0; i < (uint32_t)k; i++)
			r->bytes += descs[i].len;
		r->enq += (uint32_t)k;
		seq += (uint32_t)k;
		r->bursts++;
		if ((uint64_t)k > r->enq_max)
			r->enq_max = (uint64_t)k;
		if ((uint64_t)k < r->enq_min)
			r->enq_min = (uint64_t)k;

		d = ce_poll_burst(t->qp, cqes, burst);
		if (d == -ENOTCONN) {
			d = perf_reconnect(t, descs, burst);
			if (d < 0)
				return d;
			continue;
		}
		if (d < 0) {
			fprintf(stderr, "cryptoeng-perf: poll: %s\n", strerror(-d));
			perf_rc_leave();
			return d;
		}
		/*
		 * Latency: one burst in flight, polled until it is back. crypto-perf
		 * keeps enqueuing instead, which on its synchronous software PMDs is
		 * the same thing; on an asynchronous path (this daemon, QAT) it would
		 * measure the wait behind a full queue pair (credits x service time).
		 */
		while (perf_o.test == PERF_TEST_LATENCY && d >= 0 &&
		       r->deq + (uint32_t)d < r->enq) {
			int more;

			if (d > 0) {
				perf_dequeued(t, cqes, (unsigned int)d);
			}
			more = ce_poll_burst(t->qp, cqes, burst);
			if (more == -ENOTCONN)
				break;	/* below: lost, then reconnect */
			if (more < 0) {
				fprintf(stderr, "cryptoeng-perf: poll: %s\n", strerror(-more));
				perf_rc_leave();
				return more;
			}
			d = more;
		}
		if (d >= 0 && perf_o.test == PERF_TEST_LATENCY && r->deq + (uint32_t)d < r->enq) {
			d = perf_reconnect(t, descs, burst);
			if (d < 0)
				return d;
			continue;
		}
		if (d == 0) {
			r->deq_fail++;
		} else {
			perf_dequeued(t, cqes, (unsigned int)d);
		}
		atomic_store_explicit(&t->progress, r->deq, memory_order_relaxed);
	}
	/* Collect what is still in flight. */
	while (r->deq < total) {
		d = ce_poll_burst(t->qp, cqes, burst);
		if (d == -ENOTCONN) {
			d = perf_reconnect(t, descs, burst);
			if (d < 0)
				return d;
			continue;
		}
		if (d < 0) {
			fprintf(stderr, "cryptoeng-perf: poll: %s\n", strerror(-d));
			perf_rc_leave();
			return d;
		}
		if (d == 0) {
			r->deq_fail++;
			continue;
		}
		perf_dequeued(t, cqes, (unsigned int)d);
		atomic_store_explicit(&t->progress, r->deq, memory_order_relaxed);
	}
	r->cycles = perf_tsc() - start;
	perf_rc_leave();
	return 0;
}

static void *
perf_thread_main(void *arg)
{
	struct perf_thread *t = arg;

	t->err = perf_run_one(t);
	return NULL;
}

/* ---- output --------------------------------------------------------------- */

static int perf_header_done;

static void
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

static void
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

static int
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

/* ---- one run per (buffer size, burst size) ------------------------------- */

static int
perf_run_combo(uint32_t buf_size, uint32_t burst)
{
	uint64_t t0 = perf_now_ns(), next = t0 + PERF_PROGRESS_AFTER_NS;
	uint64_t want = (uint64_t)perf_o.total_ops * perf_o.qps;
	int tty = isatty(STDERR_FILENO), shown = 0, ret = 0;
	uint32_t i;

	perf_cur_burst = burst;
	for (i = 0; i < perf_o.qps; i++) {
		perf_threads[i].err = 0;
		if (pthread_create(&perf_threads[i].tid, NULL, perf_thread_main, &perf_threads[i]) != 0) {
			fprintf(stderr, "cryptoeng-perf: pthread_create failed\n");
			exit(EXIT_FAILURE);
		}
	}
	/* Progress on stderr once a run has taken two seconds. */
	for (;;) {
		struct timespec d = { 0, 100000000 };
		uint64_t done = 0, now;
		int alive = 0;

		nanosleep(&d, NULL);
		for (i = 0; i < perf_o.qps; i++) {
			uint64_t p = atomic_load_explicit(&perf_threads[i].progress, memory_order_relaxed);

			done += p;
			if (p < perf_o.total_ops && perf_threads[i].err == 0)
				alive = 1;
		}
		if (!alive)
			break;
		now = perf_now_ns();
		if (now >= next) {
			double secs = (double)(now - t0) / 1e9;

			fprintf(stderr, "%s[cryptoeng-perf] buffer %u burst %u: %5.1f%% (%" PRIu64 "/%"
				PRIu64 " ops), %.2f MOps so far%s", tty ? "\r" : "", buf_size, burst,
				100.0 * (double)done / (double)want, done, want, (double)done / secs / 1e6,
				tty ? "" : "\n");
			shown = 1;
			next = now + (tty ? 500000000ull : PERF_PROGRESS_AFTER_NS);
		}
	}
	for (i = 0; i < perf_o.qps; i++) {
		pthread_join(perf_threads[i].tid, NULL);
		if (perf_threads[i].err)
			ret = perf_threads[i].err;
	}
	if (shown && tty)
		fprintf(stderr, "\n");
	if (ret)
		return ret;

	for (i = 0; i < perf_o.qps; i++) {
		const struct perf_result *r = &perf_threads[i].res;

		if (r->op_fail && perf_o.test != PERF_TEST_VERIFY)
			fprintf(stderr, "cryptoeng-perf: queue pair %u: %" PRIu64 " of %" PRIu64
				" operations completed with an error (first: %s)\n", i, r->op_fail,
				r->deq, strerror(-r->first_status));
		if (r->mismatch && perf_o.test != PERF_TEST_VERIFY)
			fprintf(stderr, "cryptoeng-perf: queue pair %u: %" PRIu64 " of %" PRIu64
				" outputs differ from OpenSSL's\n", i, r->mismatch, r->deq);
	}
	switch (perf_o.test) {
	case PERF_TEST_THROUGHPUT:
		perf_print_throughput(buf_size);
		break;
	case PERF_TEST_LATENCY:
		ret = perf_print_latency(buf_size);
		break;
	case PERF_TEST_VERIFY:
		perf_print_verify(buf_size);
		break;
	}
	fflush(stdout);
	return ret;
}

/* ---- daemon: connect or spawn -------------------------------------------- */

static const char *
perf_daemon_binary(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("CRYPTOENGD");
	char self[PATH_MAX - 64];
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	/* A build tree's own daemon first (a test must not pick up an installed one). */
	if (access(PERF_DAEMON_PATH, X_OK) == 0)
		return PERF_DAEMON_PATH;
	/* Copied: next to this binary, or in ../daemon of a build tree. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/cryptoengd", self);
			if (access(path, X_OK) == 0)
				return path;
			snprintf(path, sizeof(path), "%s/../daemon/cryptoengd", self);
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	/* Installed: where the package put it. */
	if (access(PERF_INSTALLED_DAEMON, X_OK) == 0)
		return PERF_INSTALLED_DAEMON;
	return NULL;
}

static void
perf_daemon_stop(void)
{
	int status, i;

	if (perf_daemon_pid <= 0)
		return;
	kill(perf_daemon_pid, SIGTERM);
	for (i = 0; i < 200; i++) {
		struct timespec d = { 0, 50000000 };

		if (waitpid(perf_daemon_pid, &status, WNOHANG) == perf_daemon_pid)
			break;
		nanosleep(&d, NULL);
	}
	if (i == 200) {
		fprintf(stderr, "cryptoeng-perf: cryptoengd did not stop in 10 s, killing it\n");
		kill(perf_daemon_pid, SIGKILL);
		waitpid(perf_daemon_pid, &status, 0);
	}
	perf_daemon_pid = -1;
}

static void
perf_spawn_cleanup(void)
{
	char p[128];

	if (perf_spawn_dir[0] == '\0')
		return;
	snprintf(p, sizeof(p), "%s/cryptoeng.sock", perf_spawn_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cryptoengd.log", perf_spawn_dir);
	unlink(p);
	rmdir(perf_spawn_dir);
	perf_spawn_dir[0] = '\0';
}

static void
perf_spawn_log_tail(void)
{
	char p[128], buf[4096];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/cryptoengd.log", perf_spawn_dir);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return;
	if (lseek(fd, 0, SEEK_END) > (off_t)sizeof(buf) - 1)
		lseek(fd, -(off_t)(sizeof(buf) - 1), SEEK_END);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		fprintf(stderr, "cryptoeng-perf: cryptoengd's log ends with:\n%s", buf);
	}
}

/*
 * Start cryptoengd on a private socket, wait until it answers, connect.
 * Its output goes to a log file, shown only if it fails.
 */
static struct ce_client *
perf_spawn(const struct ce_client_opts *co)
{
	const char *bin = perf_daemon_binary(), *cfg = perf_o.spawn_config;
	char sock[128], logp[128], defcfg[PATH_MAX];
	struct ce_client *c = NULL;
	uint64_t deadline;
	int status;

	if (bin == NULL) {
		fprintf(stderr, "cryptoeng-perf: cryptoengd not found (looked for the build tree's, "
			"one next to this program and %s; set $CRYPTOENGD)\n", PERF_INSTALLED_DAEMON);
		return NULL;
	}
	if (cfg == NULL) {
		const struct perf_plan *p = &perf_p;
		const char *name = (p->backend && strcmp(p->backend, "null") == 0) ? "null.ini" :
				   "default.ini";

		/* The source tree's when built there, else the installed copy. */
		snprintf(defcfg, sizeof(defcfg), "%s/config/%s", PERF_SOURCE_ROOT, name);
		if (access(defcfg, R_OK) != 0)
			snprintf(defcfg, sizeof(defcfg), "%s/%s", PERF_INSTALLED_CONFDIR, name);
		cfg = defcfg;
	}
	if (access(cfg, R_OK) != 0) {
		fprintf(stderr, "cryptoeng-perf: daemon config %s: %s\n", cfg, strerror(errno));
		return NULL;
	}
	snprintf(perf_spawn_dir, sizeof(perf_spawn_dir), "/tmp/cryptoeng-perf.XXXXXX");
	if (mkdtemp(perf_spawn_dir) == NULL) {
		perror("cryptoeng-perf: mkdtemp");
		perf_spawn_dir[0] = '\0';
		return NULL;
	}
	snprintf(sock, sizeof(sock), "%s/cryptoeng.sock", perf_spawn_dir);
	snprintf(logp, sizeof(logp), "%s/cryptoengd.log", perf_spawn_dir);
	fflush(NULL);
	perf_daemon_pid = fork();
	if (perf_daemon_pid < 0) {
		perror("cryptoeng-perf: fork");
		return NULL;
	}
	if (perf_daemon_pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execl(bin, bin, "--config", cfg, "--socket", sock, "--foreground", (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	deadline = perf_now_ns() + 30000000000ull;
	while (perf_now_ns() < deadline) {
		struct timespec d = { 0, 20000000 };

		if (waitpid(perf_daemon_pid, &status, WNOHANG) == perf_daemon_pid) {
			fprintf(stderr, "cryptoeng-perf: cryptoengd (%s --config %s) exited with %d\n",
				bin, cfg, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			perf_daemon_pid = -1;
			perf_spawn_log_tail();
			return NULL;
		}
		if (access(sock, F_OK) == 0) {
			c = ce_client_connect(sock, co);
			if (c)
				return c;
		}
		nanosleep(&d, NULL);
	}
	fprintf(stderr, "cryptoeng-perf: cryptoengd did not answer on %s within 30 s\n", sock);
	perf_spawn_log_tail();
	return NULL;
}

/*
 * Which implementation serves the session: the driver asked for, and the
 * daemon's own algorithm list entries for the algorithm ({"cmd":"algs"}).
 */
static void
perf_print_backend(void)
{
	static char reply[16384];
	char key[128], drivers[512] = "";
	const char *p;
	size_t used = 0;
	int n;

	n = ce_client_ctl(perf_client, "{\"cmd\":\"algs\"}", reply, sizeof(reply));
	if (n > 0) {
		/* Every "driver" that follows a "name" equal to ours. */
		snprintf(key, sizeof(key), "\"%s\"", perf_p.alg);
		for (p = strstr(reply, key); p; p = strstr(p + 1, key)) {
			const char *d = strstr(p, "\"driver\"");
			const char *next = strstr(p + 1, "\"name\"");
			const char *q, *e;

			if (d == NULL || (next && next < d))
				continue;
			q = strchr(d + 8, '"');
			e = q ? strchr(q + 1, '"') : NULL;
			if (!q || !e || used + (size_t)(e - q) + 2 >= sizeof(drivers))
				continue;
			used += (size_t)snprintf(drivers + used, sizeof(drivers) - used, "%s%.*s",
						 used ? " " : "", (int)(e - q - 1), q + 1);
		}
	}
	printf("# cryptoeng: algorithm %s, driver %s, %u queue pair(s) on engine lcore(s)",
	       perf_p.alg, perf_p.driver[0] ? perf_p.driver : "(daemon's choice)", perf_o.qps);
	for (n = 0; n < (int)perf_o.qps; n++)
		printf("%s%u", n ? "," : " ", perf_threads[n].lcore);
	printf("; daemon offers: %s\n", drivers[0] ? drivers : "(algs list unavailable)");
}

/* ---- setup ------------------------------------------------------------------ */

static uint64_t
perf_round(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

static int
perf_threads_setup(uint32_t pool)
{
	uint32_t i;

	perf_threads = calloc(perf_o.qps, sizeof(*perf_threads));
	if (perf_threads == NULL)
		return -ENOMEM;
	for (i = 0; i < perf_o.qps; i++) {
		struct perf_thread *t = &perf_threads[i];

		t->idx = i;
		t->nb_slots = pool;
		t->slots = calloc(pool, sizeof(*t->slots));
		t->free_stack = calloc(pool, sizeof(*t->free_stack));
		if (!t->slots || !t->free_stack)
			return -ENOMEM;
		if (perf_o.test == PERF_TEST_LATENCY) {
			t->lat = calloc(perf_o.total_ops, sizeof(*t->lat));
			if (t->lat == NULL)
				return -ENOMEM;
		}
		if (perf_thread_attach(t) < 0)
			return -1;
	}
	return 0;
}

/* Queue pair, session and buffers of @p t on perf_client (again after a reconnect). */
static int
perf_thread_attach(struct perf_thread *t)
{
	uint64_t stride_src = perf_round(perf_o.max_buffer ? perf_o.max_buffer : 1, 64);
	struct ce_session_params sp = {
		.alg = perf_p.alg,
		.driver = perf_p.driver[0] ? perf_p.driver : NULL,
		.key = perf_p.key,
		.key_len = perf_p.key_len,
		.iv_len = perf_p.iv_len,
		.digest_len = perf_p.digest_len,
		.aad_max = perf_p.aad_len,
		.direction = perf_p.direction,
	};
	uint32_t s, pool = t->nb_slots;
	int64_t h;

	t->qp = ce_qp_create(perf_client);
	if (t->qp == NULL) {
		fprintf(stderr, "cryptoeng-perf: queue pair %u: %s (%s)\n", t->idx, strerror(errno),
			ce_client_last_error(perf_client));
		return -1;
	}
	t->lcore = ce_qp_lcore(t->qp);
	h = ce_session_create(perf_client, &sp);
	if (h < 0) {
		fprintf(stderr, "cryptoeng-perf: session %s%s%s (key %u, iv %u, digest %u, aad %u): "
			"%s: %s\n", perf_p.alg, sp.driver ? " driver " : "",
			sp.driver ? sp.driver : "", sp.key_len, sp.iv_len, sp.digest_len,
			sp.aad_max, strerror((int)-h), ce_client_last_error(perf_client));
		return -1;
	}
	t->session = (uint32_t)h;
	for (s = 0; s < pool; s++) {
		struct perf_slot *sl = &t->slots[s];

		sl->src = ce_buf_alloc(perf_client, stride_src, 64);
		sl->dst = perf_o.out_of_place ? ce_buf_alloc(perf_client, stride_src, 64) : sl->src;
		/* IV, AAD and digest share one line-aligned block after the data. */
		sl->iv = ce_buf_alloc(perf_client, perf_round(perf_p.iv_len + 1, 64) +
				      perf_round(perf_p.aad_len + 1, 64) +
				      perf_round(perf_p.digest_len + 1, 64), 64);
		if (!sl->src || !sl->dst || !sl->iv) {
			fprintf(stderr, "cryptoeng-perf: arena exhausted at buffer %u of %u\n", s,
				pool);
			return -ENOMEM;
		}
		sl->aad = sl->iv + perf_round(perf_p.iv_len + 1, 64);
		sl->digest = sl->aad + perf_round(perf_p.aad_len + 1, 64);
		sl->src_off = ce_buf_offset(perf_client, sl->src);
		sl->dst_off = ce_buf_offset(perf_client, sl->dst);
		sl->iv_off = ce_buf_offset(perf_client, sl->iv);
		sl->aad_off = ce_buf_offset(perf_client, sl->aad);
		sl->digest_off = ce_buf_offset(perf_client, sl->digest);
	}
	return 0;
}

/* ---- reconnect: the daemon went away under load --------------------------- */

#define PERF_RECONNECT_WAIT_NS	(30ull * 1000000000ull)

/* Threads rendezvous here: the client is replaced only while none uses it. */
static pthread_mutex_t perf_rc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t perf_rc_cond = PTHREAD_COND_INITIALIZER;
static uint32_t perf_rc_active;		/* threads inside perf_run_one() */
static uint32_t perf_rc_waiting;	/* of those, parked in perf_reconnect() */
static uint64_t perf_rc_epoch;		/* reconnections so far */
static int perf_rc_result;		/* of the last one */
static uint64_t perf_rc_nb_lost;	/* requests the daemon never answered */
static uint64_t perf_rc_gap_max_ns;	/* longest last-served .. next-served */
static uint64_t perf_rc_seen_ns;	/* when a thread first saw the daemon go */

/* Per thread, on its own line: last request served, waiting for the first after. */
struct perf_rc_thread {
	uint64_t last_ok_tsc;
	uint64_t lost;		/* all reported lost so far */
	uint64_t shut;		/* of those, answered -ESHUTDOWN by a stopping daemon */
	uint64_t lost_counted;	/* of those, added to perf_rc_nb_lost */
	uint64_t shut_counted;
	int gap_open;
} __attribute__((aligned(64)));
static struct perf_rc_thread perf_rc_t[64];	/* --qps is at most 64 */

/* A completion that says the daemon went: lost, not an operation failure. */
static int
perf_rc_lost(struct perf_thread *t, int status)
{
	if (status != -ECONNRESET && status != -ESHUTDOWN)
		return 0;
	perf_rc_t[t->idx].lost++;
	perf_rc_t[t->idx].shut += status == -ESHUTDOWN;
	return 1;
}

static void
perf_rc_served(struct perf_thread *t, uint64_t now)
{
	struct perf_rc_thread *rt = &perf_rc_t[t->idx];

	if (rt->gap_open && rt->last_ok_tsc != 0) {
		uint64_t gap = (uint64_t)((double)(now - rt->last_ok_tsc) / perf_tsc_hz * 1e9);

		rt->gap_open = 0;
		pthread_mutex_lock(&perf_rc_lock);
		if (gap > perf_rc_gap_max_ns)
			perf_rc_gap_max_ns = gap;
		pthread_mutex_unlock(&perf_rc_lock);
		fprintf(stderr, "cryptoeng-perf: queue pair %u: served again %.1f ms after its last "
			"answer before the daemon went\n", t->idx, (double)gap / 1e6);
	}
	rt->last_ok_tsc = now;
}

/* Replace perf_client; every thread is parked (caller holds perf_rc_lock). */
static int
perf_rc_connect_again(void)
{
	const char *sock = perf_o.socket;
	uint64_t deadline = perf_now_ns() + PERF_RECONNECT_WAIT_NS, t_conn;
	uint32_t i;

	/* Its queue pairs go with it; nothing of them is in flight any more. */
	ce_client_close(perf_client);
	perf_client = NULL;
	for (i = 0; i < perf_o.qps; i++)
		perf_threads[i].qp = NULL;
	if (perf_o.spawn) {
		fprintf(stderr, "cryptoeng-perf: the daemon this run started has gone\n");
		return -ENOTCONN;
	}
	while (perf_client == NULL) {
		struct timespec d = { 0, 5000000 };

		perf_client = ce_client_connect(sock, &perf_client_opts);
		if (perf_client != NULL)
			break;
		if (perf_now_ns() >= deadline) {
			fprintf(stderr, "cryptoeng-perf: the daemon went and did not come back "
				"within %llu s: %s\n", PERF_RECONNECT_WAIT_NS / 1000000000ull,
				strerror(errno));
			return -ENOTCONN;
		}
		nanosleep(&d, NULL);
	}
	t_conn = perf_now_ns();
	for (i = 0; i < perf_o.qps; i++) {
		if (perf_thread_attach(&perf_threads[i]) < 0)
			return -EIO;
		perf_slots_prepare(&perf_threads[i]);
	}
	fprintf(stderr, "cryptoeng-perf: connected again %.1f ms after the daemon was seen gone, "
		"queue pairs, sessions and %u buffers each again %.1f ms later (%" PRIu64
		" reconnection%s)\n", (double)(t_conn - perf_rc_seen_ns) / 1e6,
		perf_threads[0].nb_slots, (double)(perf_now_ns() - t_conn) / 1e6, perf_rc_epoch + 1,
		perf_rc_epoch ? "s" : "");
	perf_rc_seen_ns = 0;
	return 0;
}

/* The last thread to park (or to leave) does the reconnection. */
static void
perf_rc_maybe_connect(void)
{
	if (perf_rc_waiting == 0 || perf_rc_waiting != perf_rc_active)
		return;
	perf_rc_result = perf_rc_connect_again();
	perf_rc_epoch++;
	perf_rc_waiting = 0;
	pthread_cond_broadcast(&perf_rc_cond);
}

static void
perf_rc_enter(void)
{
	pthread_mutex_lock(&perf_rc_lock);
	perf_rc_active++;
	pthread_mutex_unlock(&perf_rc_lock);
}

static void
perf_rc_leave(void)
{
	pthread_mutex_lock(&perf_rc_lock);
	perf_rc_active--;
	perf_rc_maybe_connect();
	pthread_mutex_unlock(&perf_rc_lock);
}

/*
 * The daemon is going or gone: report what @p t had in flight (lost, or
 * answered -ESHUTDOWN), wait for the other threads, connect again, and put
 * the new session into @p descs. @return 0 to go on, or -errno (the
 * thread has left the run).
 */
static int
perf_reconnect(struct perf_thread *t, struct ce_desc *descs, uint32_t burst)
{
	struct ce_cqe cqes[PERF_MAX_BURST];
	struct perf_rc_thread *rt = &perf_rc_t[t->idx];
	uint64_t epoch, lost, shut;
	int d, ret;

	pthread_mutex_lock(&perf_rc_lock);
	if (perf_rc_seen_ns == 0)
		perf_rc_seen_ns = perf_now_ns();
	pthread_mutex_unlock(&perf_rc_lock);
	for (;;) {
		d = ce_poll_burst(t->qp, cqes, burst);
		if (d == -ENOTCONN)
			break;
		if (d > 0) {
			perf_complete(t, cqes, (unsigned int)d, perf_tsc());
			t->res.deq += (unsigned int)d;
		} else if (d == 0 && ce_wait(t->qp, 100) < 0 && ce_qp_inflight(t->qp) == 0) {
			break;
		} else if (d < 0) {
			fprintf(stderr, "cryptoeng-perf: poll: %s\n", strerror(-d));
			perf_rc_leave();
			return d;
		}
	}
	atomic_store_explicit(&t->progress, t->res.deq, memory_order_relaxed);
	/* From here the next answer served closes this queue pair's gap. */
	rt->gap_open = 1;
	pthread_mutex_lock(&perf_rc_lock);
	/* Lost ones may also have come back through the run's own polls. */
	lost = rt->lost - rt->lost_counted;
	shut = rt->shut - rt->shut_counted;
	rt->lost_counted = rt->lost;
	rt->shut_counted = rt->shut;
	perf_rc_nb_lost += lost;
	epoch = perf_rc_epoch;
	perf_rc_waiting++;
	perf_rc_maybe_connect();
	while (perf_rc_epoch == epoch)
		pthread_cond_wait(&perf_rc_cond, &perf_rc_lock);
	ret = perf_rc_result;
	if (ret < 0)
		perf_rc_active--;
	pthread_mutex_unlock(&perf_rc_lock);
	if (ret < 0)
		return ret;
	fprintf(stderr, "cryptoeng-perf: queue pair %u: %" PRIu64 " requests in flight lost (%"
		PRIu64 " answered -ESHUTDOWN, %" PRIu64 " never answered)\n", t->idx, lost, shut,
		lost - shut);
	for (uint32_t k = 0; k < burst; k++)
		descs[k].session = t->session;
	return 0;
}

/* After the run: what restarts of the daemon cost. */
static void
perf_rc_report(void)
{
	if (perf_rc_epoch == 0)
		return;
	fprintf(stderr, "cryptoeng-perf: the daemon went %" PRIu64 " time%s: %" PRIu64
		" requests lost, longest service gap %.1f ms\n", perf_rc_epoch,
		perf_rc_epoch > 1 ? "s" : "", perf_rc_nb_lost, (double)perf_rc_gap_max_ns / 1e6);
}

/* The same keys as the vector file, when verifying against one. */
static int
perf_keys_from_vector(void)
{
	const struct perf_vector *v = &perf_vec;
	struct perf_plan *p = &perf_p;
	uint32_t ak = perf_o.auth_key_sz;

	switch (perf_o.optype) {
	case PERF_CIPHER_ONLY:
		if (v->cipher_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->cipher_key.data, p->key_len);
		break;
	case PERF_AUTH_ONLY:
		if (v->auth_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->auth_key.data, p->key_len);
		break;
	case PERF_CIPHER_THEN_AUTH:
	case PERF_AUTH_THEN_CIPHER:
		if (v->auth_key.len < ak || v->cipher_key.len < p->cipher_key_len)
			return -EINVAL;
		memcpy(p->key, v->auth_key.data, ak);
		memcpy(p->key + ak, v->cipher_key.data, p->cipher_key_len);
		break;
	case PERF_AEAD:
		if (v->aead_key.len < p->key_len)
			return -EINVAL;
		memcpy(p->key, v->aead_key.data, p->key_len);
		break;
	}
	return 0;
}

/* IMIX: a fixed, shuffled order of size indexes with the asked proportions. */
static void
perf_imix_build(void)
{
	uint32_t total = 0, i, j, n = 0, x = 12345;

	for (i = 0; i < perf_o.imix_count; i++)
		total += perf_o.imix_list[i];
	for (i = 0; i < perf_o.imix_count; i++) {
		uint32_t cnt = (uint32_t)((uint64_t)perf_o.imix_list[i] * 4096 / total);

		for (j = 0; j < cnt && n < 4096; j++)
			perf_imix_seq[n++] = i;
	}
	for (i = n; i > 1; i--) {
		uint32_t k, tmp;

		x = x * 1103515245u + 12345u;
		k = (x >> 8) % i;
		tmp = perf_imix_seq[i - 1];
		perf_imix_seq[i - 1] = perf_imix_seq[k];
		perf_imix_seq[k] = tmp;
	}
	perf_imix_len = n;
}

/* What crypto-perf prints as "Buf Size" with --imix: the weighted mean size. */
static uint32_t
perf_imix_mean(void)
{
	uint64_t weights = 0, bytes = 0;

	for (uint32_t i = 0; i < perf_o.imix_count; i++) {
		weights += perf_o.imix_list[i];
		bytes += (uint64_t)perf_o.imix_list[i] * perf_o.buffer_list[i];
	}
	return weights ? (uint32_t)(bytes / weights) : perf_o.max_buffer;
}

static void
perf_on_signal(int sig)
{
	if (perf_daemon_pid > 0)
		kill(perf_daemon_pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

int
main(int argc, char **argv)
{
	struct ce_client_opts co = { .name = "cryptoeng-perf" };
	uint64_t per_slot, region;
	uint32_t pool, b, u, i;
	int ret = EXIT_FAILURE;

	perf_opts_default(&perf_o);
	if (perf_opts_parse(&perf_o, argc, argv) < 0)
		return EXIT_FAILURE;
	if (perf_opts_check(&perf_o) < 0) {
		fprintf(stderr, "USER1: Checking one or more user options failed\n");
		return EXIT_FAILURE;
	}
	if (perf_plan_make(&perf_o, &perf_p) < 0)
		return EXIT_FAILURE;
	if (perf_o.test_file) {
		if (perf_vector_load(&perf_o, &perf_vec) < 0) {
			fprintf(stderr, "USER1: Failed to create test vector for specified file\n");
			return EXIT_FAILURE;
		}
		perf_have_vec = 1;
		perf_nb_variants = 1;
		if (perf_keys_from_vector() < 0) {
			fprintf(stderr, "cryptoeng-perf: test vector keys shorter than the key sizes\n");
			return EXIT_FAILURE;
		}
	}
	if (perf_o.burst_count && perf_o.max_burst > PERF_MAX_BURST) {
		fprintf(stderr, "cryptoeng-perf: bursts above %u are not supported\n", PERF_MAX_BURST);
		return EXIT_FAILURE;
	}
	perf_check = perf_o.verify_all || perf_o.test == PERF_TEST_VERIFY;
	/*
	 * In place, each op overwrites its input: refill it when outputs are
	 * checked, and for decrypt/verify (a decrypted buffer is no longer a
	 * valid ciphertext: every later op would fail its tag check).
	 */
	perf_refill = perf_check || ((perf_p.op == CE_OP_DECRYPT || perf_p.op == CE_OP_VERIFY) &&
				     !perf_o.out_of_place);
	perf_tsc_hz = perf_tsc_calibrate();

	/* Size the region for the buffer pools; shrink the pools rather than fail. */
	per_slot = perf_round(perf_o.max_buffer, 64) * (perf_o.out_of_place ? 2 : 1) +
		   perf_round(perf_p.iv_len + 1, 64) + perf_round(perf_p.aad_len + 1, 64) +
		   perf_round(perf_p.digest_len + 1, 64) + 64;
	pool = perf_o.pool_sz ? perf_o.pool_sz : 1;
	while (pool > 512 && (uint64_t)pool * per_slot * perf_o.qps > PERF_REGION_LIMIT - (8u << 20))
		pool /= 2;
	if (pool != perf_o.pool_sz && !perf_o.silent)
		fprintf(stderr, "cryptoeng-perf: %u buffers per queue pair instead of %u, to fit the "
			"daemon's region limit\n", pool, perf_o.pool_sz);
	region = perf_round((uint64_t)pool * per_slot * perf_o.qps + (8u << 20), 1u << 20);
	co.region_size = region;
	co.nb_qps = perf_o.qps;
	perf_client_opts = co;

	if (perf_o.spawn) {
		signal(SIGINT, perf_on_signal);
		signal(SIGTERM, perf_on_signal);
		perf_client = perf_spawn(&co);
	} else {
		perf_client = ce_client_connect(perf_o.socket, &co);
		if (perf_client == NULL)
			fprintf(stderr, "cryptoeng-perf: cannot connect to %s: %s\n",
				perf_o.socket ? perf_o.socket :
				getenv(CE_SOCKET_ENV) ? getenv(CE_SOCKET_ENV) : CE_DEFAULT_SOCKET,
				strerror(errno));
	}
	if (perf_client == NULL)
		goto out;
	if (perf_threads_setup(pool) < 0)
		goto out;
	if (pthread_barrier_init(&perf_start_barrier, NULL, perf_o.qps) != 0)
		goto out;

	/* As crypto-perf: --csv-friendly output is the table alone. */
	if (!perf_o.silent && !perf_o.csv)
		perf_opts_dump(&perf_o);
	perf_print_backend();
	fflush(stdout);

	atomic_store(&perf_running, 1);
	if (perf_o.imix_count) {
		/* IMIX: one run over the whole size list, as crypto-perf does. */
		perf_nb_sizes = perf_o.buffer_count;
		memcpy(perf_sizes, perf_o.buffer_list, sizeof(perf_sizes));
		perf_imix_build();
		if (perf_expect_build() < 0)
			goto out;
	}
	b = perf_o.inc_buffer ? perf_o.min_buffer : perf_o.buffer_list[0];
	for (i = 0;;) {
		if (!perf_o.imix_count) {
			perf_sizes[0] = b;
			perf_nb_sizes = 1;
			if (perf_expect_build() < 0)
				goto out;
		}
		u = perf_o.inc_burst ? perf_o.min_burst : perf_o.burst_list[0];
		for (uint32_t j = 0;;) {
			if (perf_run_combo(perf_o.imix_count ? perf_imix_mean() : b, u) < 0)
				goto out;
			if (perf_o.inc_burst) {
				u += perf_o.inc_burst;
				if (u > perf_o.max_burst)
					break;
			} else if (++j == perf_o.burst_count) {
				break;
			} else {
				u = perf_o.burst_list[j];
			}
		}
		if (perf_o.imix_count)
			break;
		if (perf_o.inc_buffer) {
			b += perf_o.inc_buffer;
			if (b > perf_o.max_buffer)
				break;
		} else if (++i == perf_o.buffer_count) {
			break;
		} else {
			b = perf_o.buffer_list[i];
		}
	}
	printf("\n");
	perf_rc_report();
	ret = EXIT_SUCCESS;
	/* A fast wrong answer must not pass as a result. */
	for (i = 0; i < perf_o.qps; i++)
		if (perf_o.verify_all && (perf_threads[i].res.mismatch || perf_threads[i].res.op_fail))
			ret = EXIT_FAILURE;
out:
	fflush(stdout);
	if (perf_threads) {
		for (i = 0; i < perf_o.qps; i++) {
			if (perf_threads[i].qp)
				ce_qp_destroy(perf_threads[i].qp);
			free(perf_threads[i].slots);
			free(perf_threads[i].free_stack);
			free(perf_threads[i].lat);
		}
		free(perf_threads);
	}
	ce_client_close(perf_client);
	perf_daemon_stop();
	perf_spawn_cleanup();
	perf_expect_free();
	perf_vector_free(&perf_vec);
	free(perf_o.test_file);
	free(perf_o.test_name);
	return ret;
}
