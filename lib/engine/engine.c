/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine: crypto_engine semantics on an lcore. See ce_engine.h for the
 * contract; comments here say why the code is shaped the way it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "ce_engine.h"
#include "ce_engine_trace.h"

enum engine_state {
	ENGINE_STOPPED = 0,
	ENGINE_RUNNING,
	ENGINE_STOPPING,
};

/* Requests taken from the ring but not yet handed to a backend. */
#define ENGINE_STAGE_SIZE CE_ENGINE_MAX_BATCH
/* Completions reaped per queue pair per turn. */
#define ENGINE_POLL_BURST 64
/* Set in ce_pmd_request.engine_flags while a request waits on the backlog. */
#define ENGINE_REQ_BACKLOGGED 0x1

struct ce_engine {
	/* Read by producers on any thread. */
	struct rte_ring *queue;    /* MP enqueue, SC dequeue by the engine lcore */
	struct rte_ring *backlog;  /* MAY_BACKLOG overflow, same discipline */
	struct rte_mempool *pool;
	int state;                 /* enum engine_state, atomic */

	/* Written by producers: relaxed atomic adds, their own cache line. */
	struct {
		uint64_t refused;
		uint64_t backlogged;
	} __rte_cache_aligned prod;

	/* Engine lcore only, below this point. */
	struct ce_pmd_qp *qp_of_dev[CE_ENGINE_MAX_DEVS] __rte_cache_aligned;
	struct ce_pmd_qp *qps[CE_ENGINE_MAX_DEVS];
	uint16_t nb_qps;
	uint16_t batch_size;
	bool retry_support;
	bool prepared;
	unsigned int lcore;

	struct ce_pmd_request *stage[ENGINE_STAGE_SIZE];
	/* Completed requests go back to the pool in bulk: one put per burst. */
	struct ce_pmd_request *done[ENGINE_STAGE_SIZE];
	uint32_t nb_done;
	uint32_t st_head;
	uint32_t st_tail;

	uint64_t dev_in_flight;    /* handed to a backend, not finalized */
	uint64_t retry_at;         /* TSC before which the pump must not retry; 0 = none */
	uint64_t retry_delay;      /* current backoff, TSC cycles */
	uint64_t retry_min;
	uint64_t retry_max;
	uint64_t tsc_hz;           /* for the retry tracepoint's backoff_ns */
	uint64_t idle_cycles;
	uint64_t last_busy;

	uint64_t stop_deadline;    /* written before state becomes STOPPING */
	int stop_result;           /* read after state becomes STOPPED */
	bool quit;                 /* atomic */

	/* Single writer (the engine lcore); readers load them relaxed. */
	struct ce_engine_stats stats;

	char name[RTE_RING_NAMESIZE];
};

/* The engine lcore is the only writer of these counters: a relaxed store
 * keeps readers on other threads from seeing torn values. */
#define ENGINE_STAT_ADD(e, field, n) \
	__atomic_store_n(&(e)->stats.field, (e)->stats.field + (n), __ATOMIC_RELAXED)

static uint64_t
engine_ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((double)ns * (double)rte_get_tsc_hz() / 1e9);
}

struct ce_engine *
ce_engine_create(const struct ce_engine_params *p)
{
	char name[RTE_RING_NAMESIZE];
	struct ce_engine *e;
	uint32_t qsize, blsize, pool_size;
	unsigned int cache;
	int err;

	if (p == NULL || p->name == NULL || p->batch_size > CE_ENGINE_MAX_BATCH ||
	    p->lcore >= RTE_MAX_LCORE) {
		errno = EINVAL;
		return NULL;
	}
	qsize = p->queue_size ? p->queue_size : CE_ENGINE_DEFAULT_QLEN;
	blsize = p->backlog_size ? p->backlog_size : qsize;
	pool_size = p->pool_size ? p->pool_size : 4 * (qsize + blsize) + 2 * ENGINE_STAGE_SIZE;

	e = rte_zmalloc_socket("ce_engine", sizeof(*e), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (e == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(e->name, sizeof(e->name), "%s", p->name);

	/* EXACT_SZ: the queue holds exactly queue_size, as the kernel's max_qlen. */
	snprintf(name, sizeof(name), "ceq_%s", p->name);
	e->queue = rte_ring_create(name, qsize, p->socket_id, RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (e->queue == NULL)
		goto fail;
	snprintf(name, sizeof(name), "ceb_%s", p->name);
	e->backlog = rte_ring_create(name, blsize, p->socket_id, RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (e->backlog == NULL)
		goto free_queue;
	/* A per-lcore cache only pays when the pool is large enough to share. */
	cache = pool_size >= 1024 ? 64 : 0;
	snprintf(name, sizeof(name), "cep_%s", p->name);
	e->pool = rte_mempool_create(name, pool_size, sizeof(struct ce_pmd_request), cache, 0,
				     NULL, NULL, NULL, NULL, p->socket_id, 0);
	if (e->pool == NULL)
		goto free_backlog;

	e->lcore = p->lcore;
	e->retry_support = p->retry_support;
	e->batch_size = p->batch_size;
	e->retry_min = engine_ns_to_tsc(p->retry_min_ns ? p->retry_min_ns : 1000);
	e->retry_max = engine_ns_to_tsc(p->retry_max_ns ? p->retry_max_ns : 64000);
	if (e->retry_min == 0)
		e->retry_min = 1;
	if (e->retry_max < e->retry_min)
		e->retry_max = e->retry_min;
	e->retry_delay = e->retry_min;
	e->tsc_hz = rte_get_tsc_hz();
	e->idle_cycles = engine_ns_to_tsc(p->idle_ns ? p->idle_ns : 1000000);
	e->state = ENGINE_STOPPED;
	return e;

free_backlog:
	rte_ring_free(e->backlog);
free_queue:
	rte_ring_free(e->queue);
fail:
	err = rte_errno == EEXIST ? EEXIST : (rte_errno ? rte_errno : ENOMEM);
	rte_free(e);
	errno = err;
	return NULL;
}

static int
engine_state(const struct ce_engine *e)
{
	/* Acquire: a STOPPED seen here orders the reads of stop_result after it. */
	return __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
}

int
ce_engine_attach_qp(struct ce_engine *e, struct ce_pmd_qp *qp)
{
	uint16_t dev_id = qp->dev->id;

	if (engine_state(e) != ENGINE_STOPPED)
		return -EBUSY;
	if (dev_id >= CE_ENGINE_MAX_DEVS)
		return -ENOSPC;
	if (e->qp_of_dev[dev_id] != NULL)
		return -EEXIST;
	qp->finalize = NULL;
	e->qp_of_dev[dev_id] = qp;
	e->qps[e->nb_qps] = qp;
	/* Release: ce_engine_stats_get (any thread) reads qps[] up to nb_qps. */
	__atomic_store_n(&e->nb_qps, e->nb_qps + 1, __ATOMIC_RELEASE);
	return 0;
}

struct ce_pmd_request *
ce_engine_req_alloc(struct ce_engine *e)
{
	struct ce_pmd_request *req;

	if (rte_mempool_get(e->pool, (void **)&req) < 0) {
		errno = ENOBUFS;
		return NULL;
	}
	memset(req, 0, sizeof(*req));
	return req;
}

int
ce_engine_req_alloc_bulk(struct ce_engine *e, struct ce_pmd_request **reqs, unsigned int n)
{
	return rte_mempool_get_bulk(e->pool, (void **)reqs, n) < 0 ? -ENOBUFS : 0;
}

void
ce_engine_req_free(struct ce_pmd_request *req)
{
	rte_mempool_put(rte_mempool_from_obj(req), req);
}

int
ce_engine_transfer(struct ce_engine *e, struct ce_pmd_request *req)
{
	if (unlikely(engine_state(e) != ENGINE_RUNNING)) {
		CE_TRACE_FP(ce_engine_trace_refused, e->lcore, 1, -ESHUTDOWN);
		return -ESHUTDOWN;
	}
	/* Set here, where the producer has the request's cache line anyway. */
	req->active = req->sess;
	req->engine_flags = 0;
	/* While anything waits on the backlog the queue counts as full, so no
	 * new request overtakes a backlogged one. */
	if (likely(rte_ring_empty(e->backlog)) && rte_ring_mp_enqueue(e->queue, req) == 0)
		return -EINPROGRESS;
	if (!(req->flags & CE_REQ_F_MAY_BACKLOG)) {
		__atomic_fetch_add(&e->prod.refused, 1, __ATOMIC_RELAXED);
		CE_TRACE_FP(ce_engine_trace_refused, e->lcore, 1, -EBUSY);
		return -EBUSY;
	}
	req->engine_flags = ENGINE_REQ_BACKLOGGED;
	if (rte_ring_mp_enqueue(e->backlog, req) == 0) {
		__atomic_fetch_add(&e->prod.backlogged, 1, __ATOMIC_RELAXED);
		CE_TRACE_FP(ce_engine_trace_backlogged, e->lcore, req->cookie);
		return -EBUSY;
	}
	req->engine_flags = 0;
	__atomic_fetch_add(&e->prod.refused, 1, __ATOMIC_RELAXED);
	CE_TRACE_FP(ce_engine_trace_refused, e->lcore, 1, -ENOBUFS);
	return -ENOBUFS;
}

unsigned int
ce_engine_transfer_burst(struct ce_engine *e, struct ce_pmd_request **reqs, unsigned int n)
{
	unsigned int taken;

	unsigned int direct = 0;

	if (unlikely(engine_state(e) != ENGINE_RUNNING)) {
		CE_TRACE_FP(ce_engine_trace_refused, e->lcore, n, -ESHUTDOWN);
		return 0;
	}
	if (unlikely(!rte_ring_empty(e->backlog))) {
		CE_TRACE_FP(ce_engine_trace_refused, e->lcore, n, -EBUSY);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		reqs[i]->active = reqs[i]->sess;
		reqs[i]->engine_flags = 0;
	}
	/*
	 * The engine's own lcore (the daemon's worker reading client rings)
	 * puts requests straight behind the stage, when nothing older waits in
	 * the queue: no ring round trip, and no locked instruction, whose store
	 * buffer drain would wait on every store in flight. Only appends: a
	 * completion callback may submit while a backend reads the stage.
	 */
	if (rte_lcore_id() == e->lcore && rte_ring_empty(e->queue)) {
		direct = RTE_MIN(n, ENGINE_STAGE_SIZE - e->st_tail);
		memcpy(&e->stage[e->st_tail], reqs, direct * sizeof(reqs[0]));
		e->st_tail += direct;
		if (direct != 0)
			ENGINE_STAT_ADD(e, submitted, direct);
		if (direct == n)
			return n;
	}
	taken = direct + rte_ring_mp_enqueue_burst(e->queue, (void **)(reqs + direct),
						   n - direct, NULL);
	if (taken < n) {
		__atomic_fetch_add(&e->prod.refused, n - taken, __ATOMIC_RELAXED);
		CE_TRACE_FP(ce_engine_trace_refused, e->lcore, n - taken, -EBUSY);
	}
	return taken;
}

static void
engine_free_done(struct ce_engine *e)
{
	if (e->nb_done != 0) {
		rte_mempool_put_bulk(e->pool, (void **)e->done, e->nb_done);
		e->nb_done = 0;
	}
}

/* Final completion: exactly once per accepted request, on the engine lcore. */
static void
engine_complete(struct ce_engine *e, struct ce_pmd_request *req, int status)
{
	if (status == 0)
		ENGINE_STAT_ADD(e, completed_ok, 1);
	else
		ENGINE_STAT_ADD(e, completed_err, 1);
	if (req->complete != NULL)
		req->complete(req, status);
	e->done[e->nb_done++] = req;
	if (unlikely(e->nb_done == ENGINE_STAGE_SIZE))
		engine_free_done(e);
}

/* Backends call this (through ce_pmd_complete) for every request they finish. */
static void
engine_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct ce_engine *e = ctx;

	e->dev_in_flight--;
	engine_complete(e, req, status);
}

static void
engine_backoff(struct ce_engine *e, uint64_t now, uint16_t dev)
{
	e->retry_at = now + e->retry_delay;
	CE_TRACE_FP(ce_engine_trace_retry, e->lcore, dev, e->retry_delay * 1000000000ull / e->tsc_hz);
	if (e->retry_delay < e->retry_max)
		e->retry_delay = RTE_MIN(e->retry_delay * 2, e->retry_max);
}

/* Wake every queue pair's hardware (on), or let it idle (off). */
static void
engine_set_prepared(struct ce_engine *e, bool on)
{
	for (uint16_t i = 0; i < e->nb_qps; i++) {
		const struct ce_pmd_ops *ops = e->qps[i]->dev->drv->ops;
		int (*op)(struct ce_pmd_qp *) = on ? ops->prepare : ops->unprepare;

		if (op != NULL)
			op(e->qps[i]);
	}
	e->prepared = on;
	if (on)
		ENGINE_STAT_ADD(e, prepares, 1);
	else
		ENGINE_STAT_ADD(e, idle_transitions, 1);
}

static inline void
engine_prepare(struct ce_engine *e)
{
	engine_set_prepared(e, true);
}

static inline void
engine_unprepare(struct ce_engine *e)
{
	engine_set_prepared(e, false);
}

/* Move requests from the queue (then the backlog) into the stage, in order. */
static void
engine_stage_refill(struct ce_engine *e)
{
	uint32_t room, n, m;

	if (e->st_head == e->st_tail) {
		e->st_head = e->st_tail = 0;
	} else if (e->st_head != 0) {
		memmove(&e->stage[0], &e->stage[e->st_head],
			(e->st_tail - e->st_head) * sizeof(e->stage[0]));
		e->st_tail -= e->st_head;
		e->st_head = 0;
	}
	room = ENGINE_STAGE_SIZE - e->st_tail;
	if (room == 0)
		return;
	n = rte_ring_sc_dequeue_burst(e->queue, (void **)&e->stage[e->st_tail], room, NULL);
	e->st_tail += n;
	if (n == room || rte_ring_empty(e->backlog)) {
		if (n != 0)
			ENGINE_STAT_ADD(e, submitted, n);
		return;
	}
	m = rte_ring_sc_dequeue_burst(e->backlog, (void **)&e->stage[e->st_tail], room - n, NULL);
	/* Only now does a backlogged request enter the queue: tell its owner. */
	for (uint32_t i = 0; i < m; i++) {
		struct ce_pmd_request *req = e->stage[e->st_tail + i];

		req->engine_flags &= ~ENGINE_REQ_BACKLOGGED;
		if (req->complete != NULL)
			req->complete(req, -EINPROGRESS);
	}
	e->st_tail += m;
	ENGINE_STAT_ADD(e, submitted, n + m);
}

static inline struct ce_pmd_qp *
engine_qp_of(const struct ce_engine *e, const struct ce_pmd_request *req)
{
	uint16_t dev_id;

	if (unlikely(req->active == NULL))
		return NULL;
	dev_id = req->active->dev->id;
	return likely(dev_id < CE_ENGINE_MAX_DEVS) ? e->qp_of_dev[dev_id] : NULL;
}

static inline unsigned int
engine_hist_bucket(uint16_t n)
{
	unsigned int b = 31u - (unsigned int)__builtin_clz(n);

	return RTE_MIN(b, (unsigned int)CE_ENGINE_BATCH_HIST - 1);
}

/* Hand one batch (same queue pair) to a backend. Returns false when the device is full. */
static bool
engine_dispatch_batch(struct ce_engine *e, struct ce_pmd_qp *qp, uint64_t now,
		      unsigned int *dispatched)
{
	const struct ce_pmd_driver *drv = qp->dev->drv;
	uint16_t max = RTE_MIN(e->batch_size, drv->max_batch ? drv->max_batch : 1);
	uint16_t n = 1, k;

	/* The run of requests for the same device: one doorbell for all. */
	while (n < max && e->st_head + n < e->st_tail) {
		const struct ce_pmd_session *s = e->stage[e->st_head + n]->active;

		if (unlikely(s == NULL || s->dev != qp->dev))
			break;
		n++;
	}
	e->dev_in_flight += n;
	k = drv->fast->do_batch_requests(qp, &e->stage[e->st_head], n);
	e->dev_in_flight -= n - k;
	CE_TRACE_FP(ce_engine_trace_dispatch, e->lcore, qp->dev->id, n, k);
	ENGINE_STAT_ADD(e, doorbells, 1);
	if (k != 0)
		ENGINE_STAT_ADD(e, batch_hist[engine_hist_bucket(k)], 1);
	e->st_head += k;
	*dispatched += k;
	if (k < n) {
		ENGINE_STAT_ADD(e, retried, 1);
		engine_backoff(e, now, qp->dev->id);
		return false;
	}
	return true;
}

/* Hand one request to a backend. Returns false when the device is full. */
static bool
engine_dispatch_one(struct ce_engine *e, struct ce_pmd_qp *qp, struct ce_pmd_request *req,
		    uint64_t now, unsigned int *dispatched)
{
	int ret;

	e->dev_in_flight++;
	ret = qp->dev->drv->fast->do_one_request(qp, req);
	CE_TRACE_FP(ce_engine_trace_dispatch, e->lcore, qp->dev->id, 1, ret == -EINPROGRESS);
	ENGINE_STAT_ADD(e, doorbells, 1);
	if (likely(ret == -EINPROGRESS)) {
		ENGINE_STAT_ADD(e, batch_hist[0], 1);
		e->st_head++;
		(*dispatched)++;
		return true;
	}
	e->dev_in_flight--;
	if (ret == -ENOSPC && e->retry_support) {
		/* Stays at the head of the stage: order is kept. */
		ENGINE_STAT_ADD(e, retried, 1);
		engine_backoff(e, now, qp->dev->id);
		return false;
	}
	/* A fatal error is never requeued (kernel: "do not requeue in case of
	 * fatal error"); a fallback is the backend's (ce_pmd_forward). */
	e->st_head++;
	engine_complete(e, req, ret == 0 ? -EIO : ret);
	return true;
}

static unsigned int
engine_pump(struct ce_engine *e, uint64_t now)
{
	unsigned int dispatched = 0;

	if (e->retry_at != 0) {
		if (now < e->retry_at)
			return 0;
		e->retry_at = 0;
	}
	if (e->st_tail - e->st_head < ENGINE_STAGE_SIZE / 2)
		engine_stage_refill(e);

	while (e->st_head < e->st_tail) {
		struct ce_pmd_request *req = e->stage[e->st_head];
		struct ce_pmd_qp *qp;

		qp = engine_qp_of(e, req);
		if (unlikely(qp == NULL)) {
			/* No session, or its device is not fed by this engine. */
			e->st_head++;
			engine_complete(e, req, -ENODEV);
			continue;
		}
		if (unlikely(!e->prepared))
			engine_prepare(e);
		if (e->batch_size > 1 && qp->dev->drv->fast->do_batch_requests != NULL) {
			if (!engine_dispatch_batch(e, qp, now, &dispatched))
				break;
		} else if (!engine_dispatch_one(e, qp, req, now, &dispatched)) {
			break;
		}
		/* Keep going while the queue has more, within one stage's worth. */
		if (e->st_head == e->st_tail && dispatched < ENGINE_STAGE_SIZE)
			engine_stage_refill(e);
	}
	if (e->retry_at == 0)
		e->retry_delay = e->retry_min;
	return dispatched;
}

static bool
engine_drained(const struct ce_engine *e)
{
	return e->st_head == e->st_tail && e->dev_in_flight == 0 &&
	       rte_ring_empty(e->queue) && rte_ring_empty(e->backlog);
}

/* Complete everything not yet handed to a backend with status. */
static void
engine_flush_queued(struct ce_engine *e, int status)
{
	struct ce_pmd_request *req;

	while (e->st_head < e->st_tail)
		engine_complete(e, e->stage[e->st_head++], status);
	e->st_head = e->st_tail = 0;
	while (rte_ring_sc_dequeue(e->queue, (void **)&req) == 0) {
		ENGINE_STAT_ADD(e, submitted, 1);
		engine_complete(e, req, status);
	}
	while (rte_ring_sc_dequeue(e->backlog, (void **)&req) == 0) {
		ENGINE_STAT_ADD(e, submitted, 1);
		engine_complete(e, req, status);
	}
}

static void
engine_stop_progress(struct ce_engine *e, uint64_t now)
{
	if (!engine_drained(e)) {
		if (now < e->stop_deadline)
			return;
		/* Deadline passed: what has not started never will. */
		e->stop_result = -ETIMEDOUT;
		engine_flush_queued(e, -ESHUTDOWN);
		for (uint16_t i = 0; i < e->nb_qps; i++) {
			const struct ce_pmd_fast_ops *fast = e->qps[i]->dev->drv->fast;

			if (fast->cancel != NULL)
				fast->cancel(e->qps[i], -ESHUTDOWN);
		}
		/* A device that cannot cancel still owns its requests: wait for them. */
		if (e->dev_in_flight != 0)
			return;
	}
	if (e->prepared)
		engine_unprepare(e);
	/* Release: stop_result and the drained state are visible before STOPPED. */
	__atomic_store_n(&e->state, ENGINE_STOPPED, __ATOMIC_RELEASE);
}

unsigned int
ce_engine_poll(struct ce_engine *e)
{
	unsigned int done = 0;
	uint64_t now;
	int state;

	for (uint16_t i = 0; i < e->nb_qps; i++)
		done += e->qps[i]->dev->drv->fast->poll(e->qps[i], ENGINE_POLL_BURST);
	if (done != 0) {
		/* The kernel's finalize kicks the pump: room was just made, so a
		 * pending retry need not wait out its backoff. */
		e->retry_at = 0;
		e->retry_delay = e->retry_min;
	}

	state = engine_state(e);
	now = rte_rdtsc();
	if (state != ENGINE_STOPPED)
		done += engine_pump(e, now);

	if (done != 0) {
		e->last_busy = now;
	} else if (e->prepared && e->dev_in_flight == 0 && e->st_head == e->st_tail &&
		   now - e->last_busy > e->idle_cycles) {
		engine_unprepare(e);
	}

	if (state == ENGINE_STOPPING)
		engine_stop_progress(e, now);
	engine_free_done(e);
	return done;
}

int
ce_engine_start(struct ce_engine *e)
{
	int expected = ENGINE_STOPPED;

	for (uint16_t i = 0; i < e->nb_qps; i++) {
		e->qps[i]->finalize = engine_finalize;
		e->qps[i]->finalize_ctx = e;
	}
	e->stop_result = 0;
	e->last_busy = rte_rdtsc();
	/* Release: the finalize hooks are set before a producer can see RUNNING. */
	if (!__atomic_compare_exchange_n(&e->state, &expected, ENGINE_RUNNING, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return -EALREADY;
	ce_engine_trace_start(e->name, e->lcore, e->nb_qps, e->batch_size, e->retry_support);
	return 0;
}

int
ce_engine_stop(struct ce_engine *e, uint64_t timeout_ns)
{
	int expected = ENGINE_RUNNING;

	e->stop_deadline = rte_rdtsc() + engine_ns_to_tsc(timeout_ns);
	/* Release: the deadline is visible to the engine lcore before STOPPING. */
	if (!__atomic_compare_exchange_n(&e->state, &expected, ENGINE_STOPPING, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return -EALREADY;

	if (rte_lcore_id() == e->lcore) {
		/* We are the poller: drive the drain ourselves. */
		while (engine_state(e) != ENGINE_STOPPED)
			ce_engine_poll(e);
	} else {
		/* Only the engine's lcore may poll it: wait for it to finish. */
		while (engine_state(e) != ENGINE_STOPPED)
			rte_delay_us_sleep(100);
	}
	ce_engine_trace_stop(e->lcore, e->stop_result);
	return e->stop_result;
}

int
ce_engine_run(void *arg)
{
	struct ce_engine *e = arg;
	const struct timespec nap = { .tv_nsec = 50000 };

	while (!__atomic_load_n(&e->quit, __ATOMIC_ACQUIRE)) {
		if (ce_engine_poll(e) == 0) {
			/* Idle (unprepared) or stopped: sleep instead of burning the core. */
			if (!e->prepared)
				nanosleep(&nap, NULL);
			else
				rte_pause();
		}
	}
	return 0;
}

void
ce_engine_quit(struct ce_engine *e)
{
	__atomic_store_n(&e->quit, true, __ATOMIC_RELEASE);
}

void
ce_engine_destroy(struct ce_engine *e)
{
	if (e == NULL)
		return;
	if (engine_state(e) != ENGINE_STOPPED)
		ce_engine_stop(e, 0);
	/* Requests that raced a stop into the queue still get their completion. */
	engine_flush_queued(e, -ESHUTDOWN);
	engine_free_done(e);
	for (uint16_t i = 0; i < e->nb_qps; i++) {
		e->qps[i]->finalize = NULL;
		e->qps[i]->finalize_ctx = NULL;
	}
	rte_mempool_free(e->pool);
	rte_ring_free(e->backlog);
	rte_ring_free(e->queue);
	rte_free(e);
}

bool
ce_engine_is_idle(const struct ce_engine *e)
{
	return !e->prepared;
}

unsigned int
ce_engine_lcore(const struct ce_engine *e)
{
	return e->lcore;
}

void
ce_engine_stats_get(const struct ce_engine *e, struct ce_engine_stats *s)
{
	const struct ce_engine_stats *src = &e->stats;

#define ENGINE_STAT_LOAD(f) s->f = __atomic_load_n(&src->f, __ATOMIC_RELAXED)
	ENGINE_STAT_LOAD(submitted);
	ENGINE_STAT_LOAD(completed_ok);
	ENGINE_STAT_LOAD(completed_err);
	ENGINE_STAT_LOAD(retried);
	ENGINE_STAT_LOAD(doorbells);
	ENGINE_STAT_LOAD(idle_transitions);
	ENGINE_STAT_LOAD(prepares);
	for (unsigned int i = 0; i < CE_ENGINE_BATCH_HIST; i++)
		ENGINE_STAT_LOAD(batch_hist[i]);
#undef ENGINE_STAT_LOAD
	/* Counted by the backends that forward (ce_pmd_forward), on this lcore. */
	s->fallbacks = 0;
	for (uint16_t i = 0; i < __atomic_load_n(&e->nb_qps, __ATOMIC_ACQUIRE); i++)
		s->fallbacks += __atomic_load_n(&e->qps[i]->nb_forwarded, __ATOMIC_RELAXED);
	s->backlogged = __atomic_load_n(&e->prod.backlogged, __ATOMIC_RELAXED);
	s->refused = __atomic_load_n(&e->prod.refused, __ATOMIC_RELAXED);
	/* Accepted and not completed: in the engine or its devices. */
	s->in_flight = s->submitted - s->completed_ok - s->completed_err +
		       rte_ring_count(e->queue) + rte_ring_count(e->backlog);
}
