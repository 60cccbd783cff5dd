/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "openssl": device, queue pairs, the device thread and the fast ops.
 *
 * The worker lcore never computes an asymmetric operation: do_one_request
 * puts the request on the queue pair's sub ring and returns -EINPROGRESS;
 * the device thread takes it, computes it and puts it on the done ring;
 * poll finalizes it on the lcore. Retry (-ENOSPC when depth requests are in
 * flight), backlog and cancel stay the engine's, as for any device.
 *
 * Waking the thread costs the lcore a syscall only when the thread sleeps
 * (the NEED_WAKEUP handshake of the client rings): the thread says it is
 * going to sleep, fences, looks at every ring once more; the lcore enqueues,
 * fences, and writes the eventfd only if the thread said so.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "ossl_priv.h"

#define OSSL_BURST 16
/* Requests the thread takes from one queue pair before it looks at the next. */
#define OSSL_THREAD_BURST 4
/* How long the thread spins on empty rings before it sleeps: long enough
 * for a burst that is still arriving, short next to any asymmetric op. */
#define OSSL_SPIN_US 20
/* The sleep's timeout only bounds a stop that lost its wake-up. */
#define OSSL_SLEEP_MS 100

/* Unique ring names across devices. */
static uint32_t ossl_ring_seq;

/* ---- device arguments -------------------------------------------------- */

static int
ossl_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
ossl_parse_args(const char *dev_name, const char *args, uint32_t *depth, uint32_t *heap_kib,
		bool *fault_allowed, int *cpu)
{
	char *copy, *save = NULL, *tok;
	int ret = 0;

	if (args == NULL || *args == '\0')
		return 0;
	copy = strdup(args);
	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL) {
			fprintf(stderr, "openssl pmd %s: argument '%s' has no value (key=value)\n",
				dev_name, tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		if (strcmp(tok, "depth") == 0) {
			ret = ossl_parse_u32(eq + 1, 1, OSSL_DEPTH_MAX, depth);
		} else if (strcmp(tok, "fault_inject") == 0) {
			uint32_t v = 0;

			ret = ossl_parse_u32(eq + 1, 0, 1, &v);
			*fault_allowed = v == 1;
		} else if (strcmp(tok, "cpu") == 0) {
			uint32_t v = 0;

			ret = ossl_parse_u32(eq + 1, 0, CPU_SETSIZE - 1, &v);
			*cpu = (int)v;
		} else if (strcmp(tok, "secure_heap") == 0) {
			ret = ossl_parse_u32(eq + 1, 64, 1u << 20, heap_kib);
			if (ret == 0 && !rte_is_power_of_2(*heap_kib))
				ret = -EINVAL;
		} else {
			fprintf(stderr, "openssl pmd %s: unknown key '%s' (depth, cpu, secure_heap, "
				"fault_inject)\n",
				dev_name, tok);
			ret = -EINVAL;
			break;
		}
		if (ret < 0) {
			fprintf(stderr, "openssl pmd %s: bad value '%s' for key '%s' (depth 1..%u, "
				"cpu 0..%u, secure_heap a power of two, 64..1048576 KiB, "
				"fault_inject 0 or 1)\n",
				dev_name, eq + 1, tok, OSSL_DEPTH_MAX, CPU_SETSIZE - 1);
			break;
		}
	}
	free(copy);
	return ret;
}

/* ---- the device thread --------------------------------------------------- */

/* Compute (or cancel) what one queue pair has queued, a burst at most. */
static unsigned int
ossl_thread_serve(struct ossl_qp *q)
{
	struct ce_pmd_request *reqs[OSSL_THREAD_BURST];
	unsigned int n, i;
	int cancel;

	n = rte_ring_sc_dequeue_burst(q->sub, (void **)reqs, OSSL_THREAD_BURST, NULL);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct ce_pmd_request *req = reqs[i];
		int status = (int)(int64_t)req->pmd_priv[0];

		/* Acquire: pairs with the release in ossl_cancel(). */
		cancel = __atomic_load_n(&q->cancel_status, __ATOMIC_ACQUIRE);
		if (status == 0)
			status = cancel != 0 ? cancel : ossl_op_run(req);
		req->pmd_priv[0] = (uint64_t)(int64_t)status;
		__atomic_store_n(&q->nb_done, q->nb_done + 1, __ATOMIC_RELAXED);
		if (status != 0)
			__atomic_store_n(&q->nb_err, q->nb_err + 1, __ATOMIC_RELAXED);
		/* One at a time: the submitter sees each as soon as it is done.
		 * Room is certain: at most depth requests are in flight. */
		rte_ring_sp_enqueue(q->done, req);
	}
	return n;
}

static bool
ossl_thread_all_empty(struct ossl_dev *od, uint32_t nb_qps)
{
	for (uint32_t i = 0; i < nb_qps; i++)
		if (!rte_ring_empty(od->qps[i]->sub))
			return false;
	return true;
}

static void
ossl_thread_sleep(struct ossl_dev *od, uint32_t nb_qps)
{
	struct pollfd pfd = { .fd = od->wake_fd, .events = POLLIN };
	uint64_t v;

	__atomic_store_n(&od->sleeping, 1, __ATOMIC_RELAXED);
	/* Full fence: the flag is visible before the rings are read again
	 * (store -> load; the lcore fences the other way round). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ossl_thread_all_empty(od, nb_qps) && !__atomic_load_n(&od->stop, __ATOMIC_ACQUIRE)) {
		if (poll(&pfd, 1, OSSL_SLEEP_MS) > 0)
			(void)!read(od->wake_fd, &v, sizeof(v));
	}
	__atomic_store_n(&od->sleeping, 0, __ATOMIC_RELAXED);
}

static void *
ossl_thread_main(void *arg)
{
	struct ossl_dev *od = arg;
	const uint64_t spin = rte_get_tsc_hz() / 1000000 * OSSL_SPIN_US;
	uint64_t idle_since = 0;

	while (!__atomic_load_n(&od->stop, __ATOMIC_ACQUIRE)) {
		/* Acquire: a queue pair's rings are set up before it is counted. */
		uint32_t nb_qps = __atomic_load_n(&od->nb_qps, __ATOMIC_ACQUIRE);
		unsigned int work = 0;

		/* Held (tests): only a cancel is served. */
		bool held = __atomic_load_n(&od->hold, __ATOMIC_RELAXED) != 0;

		for (uint32_t i = 0; i < nb_qps; i++)
			if (!held || __atomic_load_n(&od->qps[i]->cancel_status, __ATOMIC_ACQUIRE))
				work += ossl_thread_serve(od->qps[i]);
		if (held && work == 0) {
			struct pollfd pfd = { .fd = od->wake_fd, .events = POLLIN };
			uint64_t v;

			if (poll(&pfd, 1, 1) > 0)
				(void)!read(od->wake_fd, &v, sizeof(v));
			continue;
		}
		if (work != 0) {
			idle_since = 0;
			continue;
		}
		if (idle_since == 0)
			idle_since = rte_get_tsc_cycles();
		if (rte_get_tsc_cycles() - idle_since < spin) {
			rte_pause();
			continue;
		}
		ossl_thread_sleep(od, nb_qps);
		idle_since = 0;
	}
	/* OpenSSL keeps per-thread state (its error queue): give it back. */
	OPENSSL_thread_stop();
	return NULL;
}

static void
ossl_wake(struct ossl_dev *od)
{
	uint64_t one = 1;

	/* Full fence: the enqueue is visible before the flag is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&od->sleeping, __ATOMIC_RELAXED))
		(void)!write(od->wake_fd, &one, sizeof(one));	/* EAGAIN: one is pending */
}

static void
ossl_thread_stop(struct ossl_dev *od)
{
	uint64_t one = 1;

	if (!od->thread_started)
		return;
	__atomic_store_n(&od->stop, 1, __ATOMIC_RELEASE);
	(void)!write(od->wake_fd, &one, sizeof(one));
	pthread_join(od->thread, NULL);
	od->thread_started = false;
}

/* ---- control path ---------------------------------------------------------- */

/*
 * Device argument cpu=N: the thread on CPU N alone. A worker lcore's CPU is
 * refused: an RSA-4096 sign there would stall that worker's symmetric
 * requests for milliseconds (the main lcore's is allowed: it is the
 * default of a machine whose every CPU is an lcore).
 */
static int
ossl_thread_pin(struct ossl_dev *od, int cpu)
{
	unsigned int lcore;
	cpu_set_t set;
	int ret;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		rte_cpuset_t lset = rte_lcore_cpuset(lcore);

		if (CPU_ISSET(cpu, &lset)) {
			fprintf(stderr, "openssl pmd %s: cpu=%d is worker lcore %u's: the device "
				"thread takes a CPU no worker runs on\n", od->dev->name, cpu, lcore);
			return -EINVAL;
		}
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(od->thread, sizeof(set), &set);
	if (ret != 0) {
		fprintf(stderr, "openssl pmd %s: cpu=%d: cannot run the device thread there: %s\n",
			od->dev->name, cpu, strerror(ret));
		return -ret;
	}
	return 0;
}

static int
ossl_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct ossl_dev *od = dev->priv;
	uint32_t heap_kib = OSSL_SECURE_HEAP_KIB_DEFAULT;
	int cpu = -1;	/* -1: the control threads' CPUs */
	char name[16];
	int ret;

	od->dev = dev;
	od->depth = OSSL_DEPTH_DEFAULT;
	od->wake_fd = -1;
	ret = ossl_parse_args(dev->name, cfg->args, &od->depth, &heap_kib, &od->fault_allowed,
			      &cpu);
	if (ret < 0)
		return ret;
	if (cfg->nb_qps > OSSL_MAX_QPS) {
		fprintf(stderr, "openssl pmd %s: %u queue pairs, at most %u\n", dev->name,
			cfg->nb_qps, OSSL_MAX_QPS);
		return -EINVAL;
	}
	/* Private keys' numbers go to OpenSSL's secure heap (mmap with guard
	 * pages, mlock, MADV_DONTDUMP, wiped on free); 2 = made but not locked. */
	if (!CRYPTO_secure_malloc_initialized() &&
	    CRYPTO_secure_malloc_init((size_t)heap_kib * 1024, 16) == 0) {
		fprintf(stderr, "openssl pmd %s: cannot make OpenSSL's secure heap (%u KiB)\n",
			dev->name, heap_kib);
		return -ENOMEM;
	}
	od->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (od->wake_fd < 0)
		return -errno;
	/* Thread names hold 15 characters: the device's name, cut. */
	snprintf(name, sizeof(name), "ossl-%.10s", dev->name);
	/* A control thread: on the CPUs EAL keeps for them, never a worker's. */
	ret = rte_ctrl_thread_create(&od->thread, name, NULL, ossl_thread_main, od);
	if (ret != 0) {
		close(od->wake_fd);
		od->wake_fd = -1;
		return -ret;
	}
	od->thread_started = true;
	if (cpu >= 0) {
		ret = ossl_thread_pin(od, cpu);
		if (ret < 0) {
			ossl_thread_stop(od);
			close(od->wake_fd);
			od->wake_fd = -1;
			return ret;
		}
	}
	return 0;
}

static void
ossl_dev_close(struct ce_pmd_dev *dev)
{
	struct ossl_dev *od = dev->priv;

	ossl_thread_stop(od);
	if (od->wake_fd >= 0)
		close(od->wake_fd);
	od->wake_fd = -1;
}

static int
ossl_qp_setup(struct ce_pmd_qp *qp)
{
	struct ossl_dev *od = qp->dev->priv;
	struct ossl_qp *q = qp->priv;
	uint32_t seq = __atomic_fetch_add(&ossl_ring_seq, 1, __ATOMIC_RELAXED);
	char name[RTE_RING_NAMESIZE];

	q->depth = od->depth;
	snprintf(name, sizeof(name), "ce_ossl_s%u", seq);
	q->sub = rte_ring_create(name, q->depth, qp->dev->socket_id,
				 RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	snprintf(name, sizeof(name), "ce_ossl_d%u", seq);
	q->done = rte_ring_create(name, q->depth, qp->dev->socket_id,
				  RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (q->sub == NULL || q->done == NULL) {
		rte_ring_free(q->sub);
		rte_ring_free(q->done);
		q->sub = q->done = NULL;
		return -ENOMEM;
	}
	od->qps[qp->id] = q;
	/* Release: the rings are made before the thread can count them (queue
	 * pairs are set up in order, 0 first). */
	__atomic_store_n(&od->nb_qps, (uint32_t)qp->id + 1, __ATOMIC_RELEASE);
	return 0;
}

static void
ossl_qp_release(struct ce_pmd_qp *qp)
{
	struct ossl_dev *od = qp->dev->priv;
	struct ossl_qp *q = qp->priv;

	/* Queue pairs go only with their device: the thread stops with the
	 * first, so that it never reads a ring being freed. */
	ossl_thread_stop(od);
	rte_ring_free(q->sub);
	rte_ring_free(q->done);
	q->sub = q->done = NULL;
}

/* Tests only: "hold" stops the thread taking requests, "none" lets it go. */
static int
ossl_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg)
{
	struct ossl_dev *od = dev->priv;

	(void)arg;
	if (!od->fault_allowed)
		return -EPERM;
	if (strcmp(mode, "hold") == 0)
		__atomic_store_n(&od->hold, 1, __ATOMIC_RELAXED);
	else if (strcmp(mode, "none") == 0)
		__atomic_store_n(&od->hold, 0, __ATOMIC_RELAXED);
	else
		return -EINVAL;
	ossl_wake(od);
	return 0;
}

static int
ossl_xstats_get(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n)
{
	const struct ossl_dev *od = dev->priv;
	uint64_t done = 0, err = 0;
	uint32_t nb_qps = __atomic_load_n(&od->nb_qps, __ATOMIC_ACQUIRE);

	for (uint32_t i = 0; i < nb_qps; i++) {
		done += __atomic_load_n(&od->qps[i]->nb_done, __ATOMIC_RELAXED);
		err += __atomic_load_n(&od->qps[i]->nb_err, __ATOMIC_RELAXED);
	}
	if (n > 0) {
		snprintf(xs[0].name, sizeof(xs[0].name), "computed");
		xs[0].value = done;
	}
	if (n > 1) {
		snprintf(xs[1].name, sizeof(xs[1].name), "errors");
		xs[1].value = err;
	}
	if (n > 2) {
		snprintf(xs[2].name, sizeof(xs[2].name), "secure_heap_used");
		xs[2].value = CRYPTO_secure_used();
	}
	return 3;
}

/* ---- fast path ----------------------------------------------------------- */

static int
ossl_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct ossl_qp *q = qp->priv;

	if (ce_pmd_request_check(req, req->active) < 0)
		return -EINVAL;
	if (q->inflight >= q->depth)
		return -ENOSPC;
	req->pmd_priv[0] = 0;	/* compute it */
	/* Cannot fail: the ring holds depth entries. */
	rte_ring_sp_enqueue(q->sub, req);
	q->inflight++;
	ossl_wake(qp->dev->priv);
	return -EINPROGRESS;
}

static uint16_t
ossl_do_batch_requests(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb)
{
	struct ossl_qp *q = qp->priv;
	uint32_t room = q->depth - q->inflight;
	uint16_t n = nb < room ? nb : (uint16_t)room;

	if (n == 0)
		return 0;
	/* A request that does not fit its session is taken too, and finalized
	 * with -EINVAL by the thread without being computed. */
	for (uint16_t i = 0; i < n; i++)
		reqs[i]->pmd_priv[0] = ce_pmd_request_check(reqs[i], reqs[i]->active) < 0 ?
				       (uint64_t)(int64_t)-EINVAL : 0;
	rte_ring_sp_enqueue_bulk(q->sub, (void **)reqs, n, NULL);
	q->inflight += n;
	ossl_wake(qp->dev->priv);
	return n;
}

static uint16_t
ossl_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct ossl_qp *q = qp->priv;
	struct ce_pmd_request *reqs[OSSL_BURST];
	unsigned int n;

	if (q->inflight == 0)
		return 0;
	n = rte_ring_sc_dequeue_burst(q->done, (void **)reqs, RTE_MIN(max, OSSL_BURST), NULL);
	/* Before the finalizes: one of them may submit to this queue pair. */
	q->inflight -= n;
	for (unsigned int i = 0; i < n; i++)
		ce_pmd_complete(qp, reqs[i], (int)(int64_t)reqs[i]->pmd_priv[0]);
	return (uint16_t)n;
}

/* Everything queued completes with status at once; what the thread is
 * computing finishes first (one operation, milliseconds at most). */
static uint16_t
ossl_cancel(struct ce_pmd_qp *qp, int status)
{
	struct ossl_qp *q = qp->priv;
	uint16_t total = 0;

	if (q->inflight == 0)
		return 0;
	/* Release: pairs with the thread's acquire. */
	__atomic_store_n(&q->cancel_status, status != 0 ? status : -ECANCELED, __ATOMIC_RELEASE);
	ossl_wake(qp->dev->priv);
	while (q->inflight != 0) {
		uint16_t n = ossl_poll(qp, OSSL_BURST);

		total += n;
		if (n == 0)
			rte_pause();
	}
	__atomic_store_n(&q->cancel_status, 0, __ATOMIC_RELEASE);
	return total;
}

static const struct ce_pmd_ops ossl_ops = {
	.dev_configure = ossl_dev_configure,
	.dev_close = ossl_dev_close,
	.qp_setup = ossl_qp_setup,
	.qp_release = ossl_qp_release,
	.session_create = ossl_session_create,
	.session_destroy = ossl_session_destroy,
	.xstats_get = ossl_xstats_get,
	.fault_inject = ossl_fault_inject,
};

static const struct ce_pmd_fast_ops ossl_fast_ops = {
	.do_one_request = ossl_do_one_request,
	.do_batch_requests = ossl_do_batch_requests,
	.poll = ossl_poll,
	.cancel = ossl_cancel,
};

/* Not const: the registry links it into its list. */
static struct ce_pmd_driver ossl_driver = {
	.name = CE_PMD_OSSL_DRIVER,
	.ops = &ossl_ops,
	.fast = &ossl_fast_ops,
	.caps = ossl_caps,
	.nb_caps = OSSL_NB_CAPS,
	.max_batch = 64,
	.in_place = false,	/* asymmetric outputs never overlap their input */
	.out_of_place = true,
	.dev_priv_size = sizeof(struct ossl_dev),
	.qp_priv_size = sizeof(struct ossl_qp),
	.sess_priv_size = sizeof(struct ossl_sess),
};

CE_PMD_REGISTER(ossl_driver)
