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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryptoeng.h"
#include "perf.h"
#include "perf_run.h"

struct perf_opts perf_o;
struct perf_plan perf_p;
struct perf_vector perf_vec;
int perf_have_vec;
struct ce_client *perf_client;
struct perf_thread *perf_threads;
pthread_barrier_t perf_start_barrier;
double perf_tsc_hz;
uint32_t perf_cur_burst;
uint32_t perf_sizes[PERF_MAX_LIST];	/* sizes the current run uses */
uint32_t perf_nb_sizes;
uint32_t perf_imix_seq[4096];
uint32_t perf_imix_len;
static struct perf_expect perf_exp[PERF_MAX_LIST][PERF_VARIANTS];
uint32_t perf_nb_variants = PERF_VARIANTS;
int perf_refill;		/* restore each slot's input before every submit */
int perf_check;		/* compare every output */
_Atomic int perf_running;
pid_t perf_daemon_pid = -1;
char perf_spawn_dir[64];
struct ce_client_opts perf_client_opts;

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

uint64_t
perf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* TSC ticks per second, measured against CLOCK_MONOTONIC over 50 ms. */
double
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

void
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
int
perf_expect_build(void)
{
	const struct perf_plan *p = &perf_p;
	int decrypt = (p->op == CE_OP_DECRYPT || p->op == CE_OP_VERIFY);
	uint32_t s, v;
	int ret;

	if (p->asym)
		return perf_asym_setup();	/* once: the key and its inputs */
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

/* @p sl's length; in place the digest follows the data (perf_thread_attach). */
static inline void
perf_slot_set_len(struct perf_slot *sl, uint32_t len)
{
	sl->len = len;
	if (!perf_o.out_of_place) {
		sl->digest = sl->src + len;
		sl->digest_off = sl->src_off + len;
	}
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
		/* LIFO: the most recently freed (cache-hot) slot is reused first. */
		t->free_stack[i] = t->nb_slots - 1 - i;
		if (perf_p.asym) {
			perf_asym_fill(sl);
			continue;
		}
		perf_slot_set_len(sl, perf_sizes[0]);
		e = &perf_exp[0][sl->variant];
		memcpy(sl->iv, e->iv, perf_p.iv_len);
		memcpy(sl->aad, e->aad, perf_p.aad_len);
		perf_slot_fill(sl);
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
			if (perf_check && (perf_p.asym ? perf_asym_check(sl, c[i].out_len) :
					   perf_slot_check(sl)) != 0)
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

/*
 * Poll once. The daemon going (-ENOTCONN) is handled here: the thread
 * reconnects (perf_reconnect()) and *again says so; the caller goes round
 * again, its descriptors carrying the new session.
 * @return completions (0..burst), or -errno (the thread has left the run).
 */
static int
perf_poll(struct perf_thread *t, struct ce_cqe *cqes, struct ce_desc *descs, uint32_t burst,
	  bool *again)
{
	int d = ce_poll_burst(t->qp, cqes, burst);

	*again = d == -ENOTCONN;
	if (d == -ENOTCONN)
		return perf_reconnect(t, descs, burst);
	if (d < 0) {
		fprintf(stderr, "cryptoeng-perf: poll: %s\n", strerror(-d));
		perf_rc_leave();
	}
	/* --idle-wait: nothing back yet; sleep on the CQ's eventfd, not the CPU. */
	if (d == 0 && perf_o.idle_wait && ce_qp_inflight(t->qp) != 0)
		(void)ce_wait(t->qp, 100);
	return d;
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
	bool again;
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
				perf_slot_set_len(sl, perf_sizes[sl->size_idx]);
			}
			if (perf_refill)
				perf_slot_fill(sl);
			sl->seq = seq + i;
			dd->cookie = s;
			if (perf_p.asym) {
				perf_asym_desc(dd, sl);
				continue;
			}
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

		d = perf_poll(t, cqes, descs, burst, &again);
		if (d < 0)
			return d;
		if (again)
			continue;
		/*
		 * Latency: one burst in flight, polled until it is back. crypto-perf
		 * keeps enqueuing instead, which on its synchronous software PMDs is
		 * the same thing; on an asynchronous path (this daemon, QAT) it would
		 * measure the wait behind a full queue pair (credits x service time).
		 */
		while (perf_o.test == PERF_TEST_LATENCY && r->deq + (uint32_t)d < r->enq) {
			if (d > 0)
				perf_dequeued(t, cqes, (unsigned int)d);
			d = perf_poll(t, cqes, descs, burst, &again);
			if (d < 0)
				return d;
			if (again)
				break;
		}
		if (again)
			continue;
		if (d == 0) {
			r->deq_fail++;
		} else {
			perf_dequeued(t, cqes, (unsigned int)d);
		}
		atomic_store_explicit(&t->progress, r->deq, memory_order_relaxed);
	}
	/* Collect what is still in flight. */
	while (r->deq < total) {
		d = perf_poll(t, cqes, descs, burst, &again);
		if (d < 0)
			return d;
		if (again)
			continue;
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

void *
perf_thread_main(void *arg)
{
	struct perf_thread *t = arg;

	t->err = perf_run_one(t);
	return NULL;
}

/* ---- output --------------------------------------------------------------- */

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
void
perf_rc_report(void)
{
	if (perf_rc_epoch == 0)
		return;
	fprintf(stderr, "cryptoeng-perf: the daemon went %" PRIu64 " time%s: %" PRIu64
		" requests lost, longest service gap %.1f ms\n", perf_rc_epoch,
		perf_rc_epoch > 1 ? "s" : "", perf_rc_nb_lost, (double)perf_rc_gap_max_ns / 1e6);
}
