/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path: one worker per engine lcore.
 *
 * Each turn: take commands from the control thread (add/remove a queue
 * pair), copy up to a burst of descriptors out of each assigned SQ
 * round-robin, validate the private copies, turn the valid ones into engine
 * requests that point into the client's region (zero copy), complete the
 * invalid ones at once with -EINVAL, transfer the burst to the engine, poll
 * the engine, publish the CQ indices; after the next turn's intake, ring
 * a client's eventfd if it sleeps (worker_ring_bells() says why then).
 *
 * Idle: after [engine] idle_us without work, nothing in flight and the
 * engine unprepared, set NEED_WAKEUP on every SQ and sleep in epoll until a
 * doorbell, a command or a timeout that doubles from [engine] sleep_min_us
 * (1 us) up to sleep_max_us (100 ms; any work resets it). The doorbells are what wake
 * us; the timeout only bounds what a lost wake-up could cost, so it can be
 * long. [engine] idle_sleep = no polls forever instead.
 *
 * Only asymmetric requests in flight (an OpenSSL device thread computes
 * them, tens of us to ms each): after D_ASYM_SPIN_US without work the
 * lcore takes the same doorbell sleep, its timeout doubling from
 * D_ASYM_NAP_MIN_US to D_ASYM_NAP_MAX_US, and polls the engine between naps:
 * on a machine whose cores the device thread shares, spinning would take
 * a core from the computation. A symmetric request still wakes it at once
 * (its doorbell); a completion waits D_ASYM_NAP_MAX_US at most.
 *
 * A ring index in shared memory that cannot be (ce_ring_* say -EIO): the
 * queue pair is marked broken and read no more, the client gets a notice
 * CQE (CE_CQE_COOKIE_BROKEN, -EIO) if its CQ still works, and the control
 * thread is woken to drop the client with a reason.
 *
 * No allocation, no lock; the only syscalls are the doorbells of sleepers
 * (and the one-off broken-queue-pair notice).
 * Fair sharing: a queue pair takes at most a burst per round and never more
 * than its credits in flight; one at its limit is skipped that round.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "cryptoengd.h"
#include "trace.h"

/* CQ entries whose lines are fetched for writing after each publish. */
#define D_CQ_PREFETCH 64
/* Asymmetric requests only in flight: spin this long, then nap (header). */
#define D_ASYM_SPIN_US 5
#define D_ASYM_NAP_MIN_US 10
#define D_ASYM_NAP_MAX_US 50

/*
 * Fetch a line for writing (PREFETCHW: exclusive, not shared). The
 * compiler's __builtin_prefetch(p, 1) becomes a plain read prefetch at this
 * -march, which leaves the store to miss again on ownership.
 */
static inline void
worker_prefetchw(const void *p)
{
	asm volatile("prefetchw %0" : : "m"(*(const char *)p));
}


/* Relaxed store of a counter only this worker writes: readers never see it torn. */
#define W_ADD(var, n) __atomic_store_n(&(var), (var) + (n), __ATOMIC_RELAXED)

int
d_worker_cmd(struct d_worker *w, enum d_cmd_type type, struct d_qp *qp)
{
	uint64_t one = 1;

	if (type != D_CMD_WAKE) {
		/* d_qp is cache aligned: the low bit carries the command. */
		void *obj = (void *)((uintptr_t)qp | (type == D_CMD_DEL_QP ? 1u : 0u));

		if (rte_ring_mp_enqueue(w->cmd, obj) != 0)
			return -ENOBUFS;
	}
	/* EAGAIN: the counter is saturated, a wake-up is pending anyway. */
	if (write(w->wake_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/* Make the CQEs written so far visible. @return whether there were any. */
static bool
worker_cq_publish(struct d_qp *qp)
{
	struct ce_ring *r = &qp->cq;
	uint32_t n = qp->cq_pending;

	if (n == 0)
		return false;
	CE_TRACE_FP(d_trace_complete, qp);
	/* Room was reserved when each descriptor was taken (worker_post_cqe). */
	ce_ring_enqueue_reserved(r, qp->cqe_stage, n);
	qp->cq_pending = 0;
	/*
	 * The next CQ lines were last read by the client: ask for them now, all
	 * at once, rather than stalling on one ownership miss per line while
	 * completions are written one by one.
	 */
	for (uint32_t i = 0; i < D_CQ_PREFETCH; i += RTE_CACHE_LINE_SIZE / sizeof(struct ce_cqe))
		worker_prefetchw(ce_ring_entry(r, i));
	return true;
}

/* Wake the client of @p qp if it sleeps on its CQ (a full fence, then its flag). */
static void
worker_cq_doorbell(struct d_qp *qp)
{
	uint64_t one = 1;

	if (ce_ring_prod_needs_wakeup(&qp->cq) && write(qp->cq_efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: counter saturated, the client has a wake-up pending. */
	}
}

/* Publish and check the doorbell at once: a queue pair that leaves this worker. */
static void
worker_publish_qp(struct d_qp *qp)
{
	if (worker_cq_publish(qp))
		worker_cq_doorbell(qp);
}

/* Publish every queue pair with staged CQEs; their doorbells wait (worker_ring_bells). */
static void
worker_publish(struct d_worker *w)
{
	for (unsigned int i = 0; i < w->nb_dirty; i++) {
		struct d_qp *qp = w->dirty[i];

		if (worker_cq_publish(qp) && !qp->bell_due) {
			qp->bell_due = true;
			w->bells[w->nb_bells++] = qp;
		}
		qp->dirty = false;
	}
	w->nb_dirty = 0;
}

/*
 * The doorbell checks of the last publish, made after the next turn's intake
 * and crypto rather than at once: the check's full fence waits until the
 * store of the CQ index has left this core, and that store is an ownership
 * miss on the line the client polls. At once, the wait was the publish
 * stage (bench/stage-cycles: 15 of GCM 64 B's 151 cycles a request, for 5
 * instructions); a turn later the miss has long completed. A client asleep on
 * its CQ is woken that much later: one turn's intake and crypto. Called
 * before anything that may block (sleep, a queue pair's removal, the stop).
 */
static void
worker_ring_bells(struct d_worker *w)
{
	for (unsigned int i = 0; i < w->nb_bells; i++) {
		worker_cq_doorbell(w->bells[i]);
		w->bells[i]->bell_due = false;
	}
	w->nb_bells = 0;
}

/*
 * Write one CQE behind the private producer index; published by
 * worker_publish(). Room was reserved when the descriptor was taken, so
 * only a client that broke its CQ loses completions.
 */
static void worker_broken(struct d_worker *w, struct d_qp *qp, enum d_qp_broken why);

static inline void
worker_post_cqe(struct d_worker *w, struct d_qp *qp, uint64_t cookie, int status,
		uint32_t out_len)
{
	struct ce_ring *r = &qp->cq;
	struct ce_cqe cqe = { .cookie = cookie, .status = status, .out_len = out_len };
	/* Cached consumer index unless it shows no room: no cross-core read per CQE. */
	int free_slots = ce_ring_free_count_min(r, qp->cq_pending + 1);

	if (unlikely(free_slots < 0 || (uint32_t)free_slots <= qp->cq_pending)) {
		/* Room was reserved: only a forged consumer index gets here. */
		worker_broken(w, qp, D_QP_BROKEN_CQ);
		return;
	}
	qp->cqe_stage[qp->cq_pending++] = cqe;
	if (unlikely(__atomic_load_n(&qp->detached, __ATOMIC_RELAXED))) {
		/* Off our list: nobody else will publish it. */
		worker_publish_qp(qp);
	} else if (!qp->dirty) {
		qp->dirty = true;
		w->dirty[w->nb_dirty++] = qp;
	}
}

static void
worker_count_error(struct d_qp *qp, int status)
{
	if (status == -EINVAL)
		W_ADD(qp->st.err_inval, 1);
	else if (status == -EBADMSG)
		W_ADD(qp->st.err_badmsg, 1);
	else
		W_ADD(qp->st.err_other, 1);
}

static void
worker_finish_error(struct d_worker *w, struct d_qp *qp, const struct d_slot *slot, int status)
{
	worker_count_error(qp, status);
	W_ADD(w->alg_stats[slot->sess->alg_idx].errors, 1);
}

/* A request's end, on this lcore: CQE, counters, release slot and session. */
static inline void
worker_finish(struct d_worker *w, struct ce_pmd_request *req, int status)
{
	struct d_slot *slot = req->cb_arg;
	struct d_qp *qp = slot->qp;

	/* Asymmetric ops: the backend says how many bytes it wrote. */
	worker_post_cqe(w, qp, req->cookie, status,
			status != 0 ? 0 :
			unlikely(slot->sess->si.out_max != 0) ? req->out_len : slot->out_len);
	W_ADD(qp->st.completed, 1);
	if (unlikely(status != 0))
		worker_finish_error(w, qp, slot, status);
	qp->free_slots[qp->nb_free++] = (uint32_t)(slot - qp->slots);
	w->inflight--;
	if (unlikely(slot->sess->si.out_max != 0))
		w->inflight_asym--;
	/* Release (a plain store on x86): the request is done with the session
	 * before the control thread can read 0 and destroy it. One writer. */
	__atomic_store_n(slot->busy, *slot->busy - 1, __ATOMIC_RELEASE);
	/* Release: the CQE is out (published if detached) before the control
	 * thread may see 0 and start freeing the queue pair. */
	__atomic_store_n(&qp->inflight, qp->inflight - 1, __ATOMIC_RELEASE);
}

/* Engine completion (the request's complete hook). */
static void
worker_complete(struct ce_pmd_request *req, int status)
{
	const struct d_slot *slot = req->cb_arg;

	/* A backlogged request entering the queue: not its final completion. */
	if (status == -EINPROGRESS)
		return;
	worker_finish(cryptoengd.workers[slot->qp->worker], req, status);
}

/*
 * What the requests of one burst add to the counters, written once per run
 * of one session (a burst is mostly one) instead of once per request.
 * Readers are relaxed and see them at most a burst late.
 */
struct worker_tally {
	struct d_sess *s;		/* the run's session, NULL before the first */
	uint32_t *busy;			/* its in-flight count on this worker */
	uint32_t n;			/* requests of the run */
	uint64_t bytes;			/* their data bytes */
	uint64_t burst_bytes;		/* data bytes of the runs flushed so far */
};

static inline void
worker_tally_flush(struct d_worker *w, struct worker_tally *t)
{
	struct d_alg_stats *alg;

	if (t->n == 0)
		return;
	alg = &w->alg_stats[t->s->alg_idx];
	/* Relaxed, one writer: the control thread reads it only after a grace
	 * period, which orders this store before its read (the flush comes
	 * before the turn's quiescent state and before the run is handed on). */
	__atomic_store_n(t->busy, *t->busy + t->n, __ATOMIC_RELAXED);
	W_ADD(alg->requests, t->n);
	W_ADD(alg->bytes, t->bytes);
	t->burst_bytes += t->bytes;
	t->n = 0;
	t->bytes = 0;
}

/*
 * The live session @p handle names for @p op (its backend session in @p cs),
 * or NULL: a stale or foreign handle, an op out of range, none for this op.
 */
static inline struct d_sess *
worker_sess(const struct d_client *c, uint32_t handle, uint8_t op, struct ce_pmd_session **cs)
{
	uint32_t idx = ce_shm_sess_handle_idx(handle);
	uint32_t gen = ce_shm_sess_handle_gen(handle);
	struct d_sess *s;

	if (gen == 0 || idx >= cryptoengd.cfg.max_sessions)
		return NULL;
	s = &c->sess[idx];
	/* Acquire: the session's fields were written before it went live. */
	if (__atomic_load_n(&s->live, __ATOMIC_ACQUIRE) != gen)
		return NULL;
	if (op < CE_OP_ENCRYPT || op > CE_OP_MAX)
		return NULL;
	*cs = s->cs[op - 1];
	return *cs != NULL ? s : NULL;
}

/* What both descriptor forms fill the same way: counters, slot, callback. */
static inline void
worker_prepare_common(struct d_worker *w, struct d_qp *qp, struct d_sess *s, uint32_t handle,
		      uint64_t cookie, uint8_t flags, struct ce_pmd_request *req,
		      struct worker_tally *t)
{
	struct d_slot *slot;

	req->flags = (flags & CE_DESC_F_MAY_BACKLOG) ? CE_REQ_F_MAY_BACKLOG : 0;
	req->complete = worker_complete;
	req->cookie = cookie;
	if (s != t->s) {
		worker_tally_flush(w, t);
		t->s = s;
		t->busy = d_sess_busy_of(qp->c, w->idx, ce_shm_sess_handle_idx(handle));
	}
	t->n++;
	t->bytes += req->len;
	slot = &qp->slots[qp->free_slots[--qp->nb_free]];
	slot->qp = qp;
	slot->sess = s;
	slot->busy = t->busy;
	slot->out_len = req->op == CE_OP_DIGEST ? s->si.digest_len :
			req->op == CE_OP_VERIFY ? 0 : req->len;
	req->cb_arg = slot;
}

/* Turn a validated private copy of a descriptor into a request. */
static inline int
worker_prepare(struct d_worker *w, struct d_qp *qp, const struct ce_desc *dd,
	       struct ce_pmd_request *req, struct worker_tally *t)
{
	struct d_client *c = qp->c;
	struct ce_pmd_session *cs;
	struct d_sess *s = worker_sess(c, dd->session, dd->op, &cs);
	uint8_t *base = c->base;

	if (s == NULL || !ce_shm_desc_ok(&c->ri, &s->si, dd))
		return -EINVAL;
	req->sess = cs;
	req->len = dd->len;
	req->src = dd->len ? base + dd->src_off : NULL;
	if (s->si.out_max != 0) {	/* asymmetric: out_max bytes at dst, none for verify */
		req->dst = dd->op == CE_OP_SIG_VERIFY ? NULL : base + dd->dst_off;
		w->inflight_asym++;	/* cannot fail from here on */
	} else if (dd->op == CE_OP_DIGEST || dd->op == CE_OP_VERIFY)
		req->dst = req->src;
	else
		req->dst = dd->len ? base + dd->dst_off : NULL;
	req->iv = s->si.iv_len ? base + dd->iv_off : NULL;
	req->aad = dd->aad_len ? base + dd->aad_off : NULL;
	req->aad_len = (uint16_t)dd->aad_len;
	req->digest = s->si.digest_len ? base + dd->digest_off : NULL;
	req->op = dd->op;
	worker_prepare_common(w, qp, s, dd->session, dd->cookie, dd->flags, req, t);
	return 0;
}

/* The same for a compact descriptor: its ranges follow each other from off. */
static inline int
worker_prepare_esp(struct d_worker *w, struct d_qp *qp, const struct ce_desc_esp *e,
		   struct ce_pmd_request *req, struct worker_tally *t)
{
	struct d_client *c = qp->c;
	struct ce_pmd_session *cs;
	struct d_sess *s = worker_sess(c, e->session, e->op, &cs);
	uint8_t *p;

	if (s == NULL || !ce_shm_desc_esp_ok(&c->ri, &s->si, e))
		return -EINVAL;
	p = c->base + e->off;
	req->sess = cs;
	req->aad = e->aad_len ? p : NULL;
	req->aad_len = e->aad_len;
	p += e->aad_len;
	req->iv = s->si.iv_len ? p : NULL;
	p += s->si.iv_len;
	req->len = e->len;
	/* In place (digest and verify: dst is src, as for a full descriptor). */
	req->src = e->len ? p : NULL;
	req->dst = req->src;
	p += e->len;
	req->digest = s->si.digest_len ? p : NULL;
	req->op = e->op;
	worker_prepare_common(w, qp, s, e->session, e->cookie, e->flags, req, t);
	return 0;
}

/* ---- direct path: synchronous backends without an engine ---------------- */

#define W_STAT_ADD(w, field, n) W_ADD((w)->direct_st.field, n)

static void
worker_direct_free(struct d_worker *w)
{
	if (w->nb_direct_done != 0) {
		rte_mempool_put_bulk(rte_mempool_from_obj(w->direct_done[0]),
				     (void **)w->direct_done, w->nb_direct_done);
		w->nb_direct_done = 0;
	}
}

/* A synchronous backend finished a request the worker gave it (this lcore). */
static void
worker_direct_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct d_worker *w = ctx;

	w->direct_inflight--;
	if (likely(status == 0))
		W_STAT_ADD(w, completed_ok, 1);
	else
		W_STAT_ADD(w, completed_err, 1);
	worker_finish(w, req, status);
	w->direct_done[w->nb_direct_done++] = req;
	if (unlikely(w->nb_direct_done == RTE_DIM(w->direct_done)))
		worker_direct_free(w);
}

int
d_worker_attach_qp(struct d_worker *w, struct ce_pmd_qp *qp)
{
	uint16_t id = qp->dev->id;

	if (!cryptoengd.cfg.direct || !(qp->dev->drv->flags & CE_PMD_DRV_F_SYNC))
		return ce_engine_attach_qp(w->e, qp);
	if (id >= CE_ENGINE_MAX_DEVS)
		return -ENOSPC;
	if (w->direct_of_dev[id] != NULL)
		return -EEXIST;
	qp->finalize = worker_direct_finalize;
	qp->finalize_ctx = w;
	w->direct_of_dev[id] = qp;
	w->direct[w->nb_direct++] = qp;
	return 0;
}

void
d_worker_direct_stats(const struct d_worker *w, struct ce_engine_stats *s)
{
	const struct ce_engine_stats *d_st = &w->direct_st;
	uint64_t sub = __atomic_load_n(&d_st->submitted, __ATOMIC_RELAXED);
	uint64_t ok = __atomic_load_n(&d_st->completed_ok, __ATOMIC_RELAXED);
	uint64_t err = __atomic_load_n(&d_st->completed_err, __ATOMIC_RELAXED);

	s->submitted += sub;
	s->completed_ok += ok;
	s->completed_err += err;
	s->in_flight += sub > ok + err ? sub - ok - err : 0;
	s->doorbells += __atomic_load_n(&d_st->doorbells, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < CE_ENGINE_BATCH_HIST; i++)
		s->batch_hist[i] += __atomic_load_n(&d_st->batch_hist[i], __ATOMIC_RELAXED);
}

static inline unsigned int
worker_hist_bucket(unsigned int n)
{
	unsigned int b = 31u - (unsigned int)__builtin_clz(n);

	return RTE_MIN(b, (unsigned int)CE_ENGINE_BATCH_HIST - 1);
}

/*
 * Hand validated requests straight to a synchronous backend: no queue, no
 * stage, no retry timer. What it does not take for lack of room, a poll
 * gives room for (CE_PMD_DRV_F_SYNC); a backend that breaks that promise
 * gets its leftovers completed with -EIO rather than spinning here.
 */
static void
worker_direct_submit(struct d_worker *w, struct ce_pmd_qp *pq, struct ce_pmd_request **reqs,
		     unsigned int n)
{
	const struct ce_pmd_driver *drv = pq->dev->drv;
	unsigned int max = drv->max_batch ? drv->max_batch : 1;

	W_STAT_ADD(w, submitted, n);
	w->direct_inflight += n;
	while (n != 0) {
		unsigned int k = 0, want = RTE_MIN(n, max);

		if (drv->fast->do_batch_requests != NULL && want > 1) {
			k = drv->fast->do_batch_requests(pq, reqs, (uint16_t)want);
		} else {
			while (k < want) {
				int ret = drv->fast->do_one_request(pq, reqs[k]);

				if (ret == -ENOSPC)
					break;
				k++;
				/* Fatal for this request, not taken: ours to complete. */
				if (ret != -EINPROGRESS)
					worker_direct_finalize(w, reqs[k - 1], ret == 0 ? -EIO : ret);
			}
		}
		CE_TRACE_FP(d_trace_dispatch, pq, want, k);
		W_STAT_ADD(w, doorbells, 1);
		if (k != 0)
			W_STAT_ADD(w, batch_hist[worker_hist_bucket(k)], 1);
		reqs += k;
		n -= k;
		if (n != 0 && drv->fast->poll(pq, UINT16_MAX) == 0 && k == 0) {
			for (unsigned int i = 0; i < n; i++)
				worker_direct_finalize(w, reqs[i], -EIO);
			return;
		}
	}
}

/* Reap the direct path's completions. */
static unsigned int
worker_direct_poll(struct d_worker *w)
{
	unsigned int done = 0;

	for (unsigned int i = 0; i < w->nb_direct; i++)
		done += w->direct[i]->dev->drv->fast->poll(w->direct[i], D_BURST_MAX);
	worker_direct_free(w);
	return done;
}

/* Stop: every request a synchronous backend holds comes back now. */
static void
worker_direct_drain(struct d_worker *w)
{
	/* Held multi-buffer jobs come out by the second poll without input. */
	for (unsigned int tries = 0; w->direct_inflight != 0 && tries < 4; tries++)
		worker_direct_poll(w);
	for (unsigned int i = 0; i < w->nb_direct && w->direct_inflight != 0; i++)
		if (w->direct[i]->dev->drv->fast->cancel != NULL)
			w->direct[i]->dev->drv->fast->cancel(w->direct[i], -ESHUTDOWN);
	worker_direct_free(w);
}

/* Requests the engine did not take: backlog them if they may, else keep them. */
static void
worker_leftovers(struct d_worker *w, struct ce_pmd_request **reqs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct ce_pmd_request *req = reqs[i];

		if (req->flags & CE_REQ_F_MAY_BACKLOG) {
			int ret = ce_engine_transfer(w->e, req);

			/* -EBUSY with MAY_BACKLOG: on the backlog, the engine owns it. */
			if (ret == -EINPROGRESS || ret == -EBUSY)
				continue;
		}
		w->stash[w->nb_stash++] = req;
	}
}

/* Retry what the engine refused last time, before reading any SQ. */
static unsigned int
worker_stash(struct d_worker *w)
{
	unsigned int taken, n = w->nb_stash;

	if (n == 0)
		return 0;
	taken = ce_engine_transfer_burst(w->e, w->stash, n);
	w->nb_stash = 0;
	worker_leftovers(w, w->stash + taken, n - taken);
	return taken;
}

/*
 * A ring of @p qp showed an impossible index: the client wrote its shared
 * header. Serve it no more (its requests in flight still complete), tell it
 * in band if its CQ still works, and have the control thread drop it.
 */
static void
worker_broken(struct d_worker *w, struct d_qp *qp, enum d_qp_broken why)
{
	uint64_t one = 1;

	if (qp->broken != D_QP_OK)
		return;
	/* Release: the control thread reads why after it sees the doorbell. */
	__atomic_store_n(&qp->broken, why, __ATOMIC_RELEASE);
	/* Best effort: a broken CQ refuses it (qp->broken is set: no recursion). */
	worker_post_cqe(w, qp, CE_CQE_COOKIE_BROKEN, -EIO, 0);
	/* EAGAIN: the counter is saturated, the control thread will look anyway. */
	if (write(cryptoengd.cp_efd, &one, sizeof(one)) < 0) {
	}
}

/*
 * Descriptors the client has already published beyond this burst: fetch
 * their lines now, so that the cross-core misses overlap this burst's
 * crypto instead of stalling the next burst's copy. Lines not yet published
 * are left alone: reading them would only bounce them while the client
 * writes.
 */
static inline void
worker_prefetch_next(const struct ce_ring *sq, uint32_t burst)
{
	/* One burst ahead: the next take; beyond it a line would be fetched twice. */
	uint32_t ahead = RTE_MIN(sq->peer - sq->local, burst);
	const uint8_t *end = sq->entries + (size_t)sq->size * sizeof(struct ce_desc);
	const uint8_t *p = sq->entries + (size_t)(sq->local & sq->mask) * sizeof(struct ce_desc);

	/* A descriptor is one line (CE_ABI_ASSERT): one prefetch each. */
	for (uint32_t i = 0; i < ahead; i++) {
		rte_prefetch0(p);
		p += sizeof(struct ce_desc);
		if (unlikely(p == end))
			p = sq->entries;
	}
}

/* Requests one SQ slot carries: one descriptor, or a pair of compact ones. */
static inline unsigned int
worker_slot_requests(const union ce_sq_slot *sl)
{
	if (likely(!(sl->desc.flags & CE_DESC_F_ESP)))
		return 1;
	return sl->pair.d[1].op != 0 ? 2 : 1;
}

/* Does SQ slot @p sl carry an asymmetric request? (Compact ones never do.) */
static inline bool
worker_slot_asym(const union ce_sq_slot *sl)
{
	return !(sl->desc.flags & CE_DESC_F_ESP) && ce_shm_sess_handle_asym(sl->desc.session);
}

/*
 * Copy ready slots of @p qp out of the SQ, at most @p max_slots, and count
 * those whose requests fit: a slot is begun while fewer than @p soft
 * requests are counted (burst, window: one over is fine), only if all of
 * its requests fit @p hard (credits, CQ room, arrays: never over), and an
 * asymmetric one only among the first @p asym (its own window: what waits
 * behind it waits too, in order). Nothing is consumed: ce_ring_consume()
 * the slots kept.
 * @return slots that fit, their requests in @p nreq.
 */
static inline unsigned int
worker_sq_peek(struct d_worker *w, struct d_qp *qp, union ce_sq_slot *slots,
	       unsigned int max_slots, unsigned int soft, unsigned int hard, unsigned int asym,
	       unsigned int *nreq)
{
	unsigned int ns, n = 0, na = 0;
	/* Every slot carries a request: no more than soft of them are begun. */
	int got = ce_ring_peek_burst(&qp->sq, slots, RTE_MIN(max_slots, RTE_MIN(soft, hard)));

	if (got < 0) {
		worker_broken(w, qp, D_QP_BROKEN_SQ);
		got = 0;
	}
	for (ns = 0; ns < (unsigned int)got; ns++) {
		unsigned int k = worker_slot_requests(&slots[ns]);

		if (n >= soft || n + k > hard)
			break;
		if (unlikely(worker_slot_asym(&slots[ns])) && na++ >= asym)
			break;
		n += k;
	}
	*nreq = n;
	return ns;
}

/* A descriptor worker_prepare*() refused: its CQE now, counted. */
static inline void
worker_refuse(struct d_worker *w, struct d_qp *qp, uint64_t cookie)
{
	worker_count_error(qp, -EINVAL);
	worker_post_cqe(w, qp, cookie, -EINVAL, 0);
}

/*
 * Take ready descriptors of @p qp (room and credits were checked: see
 * worker_sq_peek() for @p soft, @p hard and @p asym): one copy of each slot out of
 * shared memory, validation of the copy, then each valid request to the
 * synchronous backend of its session directly or to the engine.
 * @return requests taken from the SQ.
 */
static unsigned int
worker_take(struct d_worker *w, struct d_qp *qp, unsigned int max_slots, unsigned int soft,
	    unsigned int hard, unsigned int asym)
{
	union ce_sq_slot slots[D_BURST_MAX];
	struct ce_pmd_request *reqs[D_BURST_MAX], *eng[D_BURST_MAX], *direct[D_BURST_MAX];
	struct ce_pmd_qp *dqp = NULL;
	struct worker_tally t = { .s = NULL };
	unsigned int ns, got, used = 0, nr = 0, nd = 0, refused = 0, taken;

	/* The one read of shared memory per slot: everything below looks
	 * only at the private copies. */
	ns = worker_sq_peek(w, qp, slots, max_slots, soft, RTE_MIN(hard, (unsigned int)D_BURST_MAX),
			    asym, &got);
	if (got == 0 || ce_engine_req_alloc_bulk(w->e, reqs, got) < 0)
		return 0;
	ce_ring_consume(&qp->sq, ns);
	CE_TRACE_FP(d_trace_take, qp, slots, ns);
	worker_prefetch_next(&qp->sq, cryptoengd.cfg.burst);
	/*
	 * In flight from here on, counted once for the burst: a synchronous
	 * backend may finish a request inside the submit below. Refused ones
	 * are taken back at the end.
	 */
	__atomic_store_n(&qp->inflight, qp->inflight + got, __ATOMIC_RELAXED);
	w->inflight += got;
	/* Requests made of the slots: the valid ones first in reqs[]. */
	for (unsigned int i = 0; i < ns; i++) {
		const union ce_sq_slot *sl = &slots[i];

		if (likely(!(sl->desc.flags & CE_DESC_F_ESP))) {
			if (likely(worker_prepare(w, qp, &sl->desc, reqs[used], &t) == 0))
				used++;
			else
				worker_refuse(w, qp, sl->desc.cookie);
			continue;
		}
		for (unsigned int k = 0; k < 2; k++) {
			const struct ce_desc_esp *e = &sl->pair.d[k];

			if (k == 1 && e->op == 0)
				break;
			if (likely(worker_prepare_esp(w, qp, e, reqs[used], &t) == 0))
				used++;
			else
				worker_refuse(w, qp, e->cookie);
		}
	}
	/* Counters before any request is handed on (it may finish at once). */
	worker_tally_flush(w, &t);
	refused = got - used;
	W_ADD(qp->st.requests, got);
	W_ADD(qp->st.bytes, t.burst_bytes);
	if (unlikely(refused != 0)) {
		W_ADD(qp->st.completed, refused);
		w->inflight -= refused;
		__atomic_store_n(&qp->inflight, qp->inflight - refused, __ATOMIC_RELAXED);
	}
	for (unsigned int i = 0; i < used; i++) {
		struct ce_pmd_request *req = reqs[i];
		struct ce_pmd_qp *pq = w->direct_of_dev[req->sess->dev->id];

		if (pq == NULL) {
			eng[nr++] = req;
			continue;
		}
		/* A run for one synchronous backend goes to it in one call. */
		if (pq != dqp && nd != 0) {
			uint64_t since = d_stage_now();

			worker_direct_submit(w, dqp, direct, nd);
			d_stage_backend(&w->stage, since);
			nd = 0;
		}
		dqp = pq;
		/* What the engine sets for its own requests: backends run ->active. */
		req->active = req->sess;
		direct[nd++] = req;
	}
	if (nd != 0) {
		uint64_t since = d_stage_now();

		worker_direct_submit(w, dqp, direct, nd);
		d_stage_backend(&w->stage, since);
	}
	if (used < got)
		rte_mempool_put_bulk(rte_mempool_from_obj(reqs[used]), (void **)(reqs + used),
				     got - used);
	if (nr != 0) {
		uint64_t since = d_stage_now();

		taken = ce_engine_transfer_burst(w->e, eng, nr);
		d_stage_backend(&w->stage, since);
		worker_leftovers(w, eng + taken, nr - taken);
	}
	return got;
}

static unsigned int
worker_serve_qp(struct d_worker *w, struct d_qp *qp)
{
	unsigned int soft = cryptoengd.cfg.burst, hard, asym = 0;
	uint64_t sym = w->inflight - w->inflight_asym;
	int cq_free, ready;
	int64_t room;

	if (__atomic_load_n(&qp->broken, __ATOMIC_RELAXED))
		return 0;
	/*
	 * The worker keeps at most [engine] window symmetric requests in
	 * flight: what a greedy client submits beyond waits in its own SQ, not
	 * in the engine's FIFO ahead of a light client's next request, which
	 * round-robin intake then lets in within about one burst. Asymmetric
	 * requests (up to ms each) have a window of their own, so that those
	 * in flight never hold a symmetric request back.
	 */
	if (sym >= cryptoengd.cfg.window)
		return 0;
	if (soft > cryptoengd.cfg.window - sym)
		soft = (unsigned int)(cryptoengd.cfg.window - sym);
	if (w->inflight_asym < cryptoengd.cfg.asym_window)
		asym = (unsigned int)(cryptoengd.cfg.asym_window - w->inflight_asym);
	/* A pair of compact descriptors may go one over soft, never over hard. */
	hard = RTE_MIN(soft + 1, (unsigned int)D_BURST_MAX);
	/* Credits: a queue pair at its in-flight limit sits this round out. */
	if (hard > qp->nb_free)
		hard = qp->nb_free;
	if (hard == 0)
		return 0;
	/* Every request taken needs a CQ slot, even a refused one. */
	cq_free = ce_ring_free_count_min(&qp->cq, qp->cq_pending + qp->inflight + hard);
	if (cq_free < 0) {
		worker_broken(w, qp, D_QP_BROKEN_CQ);
		return 0;
	}
	room = (int64_t)cq_free - qp->cq_pending - qp->inflight;
	if (room <= 0)
		return 0;
	if (hard > room)
		hard = (unsigned int)room;
	ready = ce_ring_ready_count(&qp->sq);
	if (ready <= 0) {
		if (ready < 0)
			worker_broken(w, qp, D_QP_BROKEN_SQ);
		return 0;
	}
	return worker_take(w, qp, (unsigned int)ready, soft, hard, asym);
}

static unsigned int
worker_round(struct d_worker *w)
{
	unsigned int n = w->nb_qps, start, work = 0;

	if (n == 0)
		return 0;
	/* Rotate the starting queue pair so no one is always served first. */
	start = w->rr++ % n;
	for (unsigned int k = 0; k < n; k++) {
		work += worker_serve_qp(w, w->qps[(start + k) % n]);
		/* Refused requests wait in the stash: read no more until it empties. */
		if (w->nb_stash != 0)
			break;
	}
	return work;
}

static void
worker_cmds(struct d_worker *w)
{
	void *obj;

	while (rte_ring_sc_dequeue(w->cmd, &obj) == 0) {
		struct d_qp *qp = (struct d_qp *)((uintptr_t)obj & ~(uintptr_t)1);
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = qp->sq_efd };

		if (((uintptr_t)obj & 1) == 0) {
			/* The control thread never assigns more than D_WORKER_MAX_QPS. */
			w->qps[w->nb_qps++] = qp;
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, qp->sq_efd, &ev);
			continue;
		}
		/* Its pending doorbell first: the pointer must not outlive the detach. */
		worker_ring_bells(w);
		for (unsigned int i = 0; i < w->nb_qps; i++)
			if (w->qps[i] == qp) {
				w->qps[i] = w->qps[--w->nb_qps];
				break;
			}
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, qp->sq_efd, NULL);
		worker_publish_qp(qp);
		/* Release: our last touch of its rings is done before the ack. */
		__atomic_store_n(&qp->detached, 1, __ATOMIC_RELEASE);
	}
}

/*
 * Nothing to do: ask every served SQ for a doorbell and sleep until one
 * rings, a command comes or the backoff timeout passes (doubling up to
 * @p max_ns).
 *
 * Lost wake-up: ce_ring_cons_prepare_sleep() sets NEED_WAKEUP, then a full
 * fence, then re-reads prod; the client's submit stores prod, a full fence,
 * then reads the flag. One of the two sees the other's store, so either we
 * find the descriptor here and do not sleep, or the client rings.
 */
static void
worker_sleep(struct d_worker *w, uint64_t max_ns)
{
	struct epoll_event evs[16];
	struct timespec ts;
	bool asleep = true;
	unsigned int i;
	uint64_t cnt;
	int n;

	worker_ring_bells(w);
	for (i = 0; i < w->nb_qps; i++) {
		struct d_qp *qp = w->qps[i];
		int ret;

		if (qp->broken != D_QP_OK)
			continue;
		ret = ce_ring_cons_prepare_sleep(&qp->sq);
		if (ret < 0)
			worker_broken(w, qp, D_QP_BROKEN_SQ);
		if (ret == 0) {
			asleep = false;		/* work arrived meanwhile */
			W_ADD(w->sleep_aborts, 1);
			break;
		}
	}
	if (asleep && rte_ring_empty(w->cmd)) {
		w->sleep_ns = RTE_MIN(w->sleep_ns, max_ns);
		ts.tv_sec = (time_t)(w->sleep_ns / 1000000000ull);
		ts.tv_nsec = (long)(w->sleep_ns % 1000000000ull);
		__atomic_store_n(&w->state, D_W_SLEEPING, __ATOMIC_RELAXED);
		/* Offline: a sleeping worker must not hold up grace periods. */
		rte_rcu_qsbr_thread_offline(cryptoengd.qsbr, w->idx);
		n = epoll_pwait2(w->epfd, evs, 16, &ts, NULL);
		rte_rcu_qsbr_thread_online(cryptoengd.qsbr, w->idx);
		__atomic_store_n(&w->state, D_W_RUNNING, __ATOMIC_RELAXED);
		W_ADD(w->sleeps, 1);
		for (int k = 0; k < n; k++)
			if (read(evs[k].data.fd, &cnt, sizeof(cnt)) < 0) {
				/* EAGAIN: already drained */
			}
		/* Timed out with nothing new: sleep longer next time. */
		if (n == 0)
			w->sleep_ns = RTE_MIN(2 * w->sleep_ns, max_ns);
	}
	for (unsigned int k = 0; k < i && k < w->nb_qps; k++)
		ce_ring_cons_woken(&w->qps[k]->sq);
}

/* ---- stop: the drain (CE_CQE_COOKIE_SHUTDOWN in ce_shm_abi.h) ------------- */

/* CQ entries of @p qp free beyond those already promised (staged, in flight). */
static int64_t
worker_cq_room(struct d_worker *w, struct d_qp *qp, uint32_t want)
{
	int cq_free = ce_ring_free_count_min(&qp->cq, qp->cq_pending + qp->inflight + want);

	if (cq_free < 0) {
		worker_broken(w, qp, D_QP_BROKEN_CQ);
		return 0;
	}
	return (int64_t)cq_free - qp->cq_pending - qp->inflight;
}

/* Where the SQ ended when the stop began: what is before it may still be served. */
static void
worker_drain_mark(struct d_worker *w, struct d_qp *qp)
{
	int ready = ce_ring_ready_count(&qp->sq);

	if (ready < 0) {
		worker_broken(w, qp, D_QP_BROKEN_SQ);
		ready = 0;
	}
	qp->drain_end = qp->sq.local + (uint32_t)ready;
	qp->drain_marked = true;
	qp->notice_due = true;
}

/* Answer up to @p n ready descriptors with -ESHUTDOWN, unserved. */
static void
worker_drain_refuse_one(struct d_worker *w, struct d_qp *qp, uint64_t cookie)
{
	W_ADD(qp->st.requests, 1);
	W_ADD(qp->st.completed, 1);
	worker_count_error(qp, -ESHUTDOWN);
	worker_post_cqe(w, qp, cookie, -ESHUTDOWN, 0);
}

static unsigned int
worker_drain_refuse(struct d_worker *w, struct d_qp *qp, unsigned int n)
{
	union ce_sq_slot slots[D_BURST_MAX];
	unsigned int got, ns;

	ns = worker_sq_peek(w, qp, slots, n, n, RTE_MIN(n, (unsigned int)D_BURST_MAX), UINT_MAX,
			    &got);

	ce_ring_consume(&qp->sq, ns);
	for (unsigned int i = 0; i < ns; i++) {
		const union ce_sq_slot *sl = &slots[i];

		if (!(sl->desc.flags & CE_DESC_F_ESP)) {
			worker_drain_refuse_one(w, qp, sl->desc.cookie);
			continue;
		}
		worker_drain_refuse_one(w, qp, sl->pair.d[0].cookie);
		if (sl->pair.d[1].op != 0)
			worker_drain_refuse_one(w, qp, sl->pair.d[1].cookie);
	}
	return got;
}

/*
 * One queue pair's turn while stopping: post the notice first (it needs a
 * CQ entry like any answer), then serve the descriptors that were in the SQ
 * when the stop began (@p serve) and answer later ones -ESHUTDOWN at once.
 * Nothing is taken without a CQ entry for its answer: a client that does
 * not reap its CQ gets the rest of its answers as the hang-up only.
 * @return descriptors taken from the SQ.
 */
static unsigned int
worker_drain_qp(struct d_worker *w, struct d_qp *qp, bool serve)
{
	uint32_t before, budget = cryptoengd.cfg.burst;
	int64_t room;
	int ready;

	if (!qp->drain_marked)
		worker_drain_mark(w, qp);
	if (__atomic_load_n(&qp->broken, __ATOMIC_RELAXED))
		return 0;
	room = worker_cq_room(w, qp, budget + 1);
	if (room <= 0)
		return 0;
	if (qp->notice_due) {
		qp->notice_at = qp->cq.local + qp->cq_pending;
		worker_post_cqe(w, qp, CE_CQE_COOKIE_SHUTDOWN, -ESHUTDOWN, 0);
		qp->notice_due = false;
		if (--room == 0)
			return 0;
	}
	ready = ce_ring_ready_count(&qp->sq);
	if (ready <= 0) {
		if (ready < 0)
			worker_broken(w, qp, D_QP_BROKEN_SQ);
		return 0;
	}
	budget = RTE_MIN(budget, (uint32_t)RTE_MIN((int64_t)ready, room));
	before = qp->drain_end - qp->sq.local;
	if (serve && (int32_t)before > 0) {
		/* The engine refused some: they go first, the stash holds one burst. */
		if (w->nb_stash != 0)
			return 0;
		return worker_take(w, qp, before, budget,
				   (unsigned int)RTE_MIN((int64_t)qp->nb_free, room), UINT_MAX);
	}
	return worker_drain_refuse(w, qp, budget);
}

/*
 * Has the client of @p qp read the shutdown notice? Until it has, it may
 * still submit (its library refuses submits only after the notice), so an
 * empty SQ proves nothing. After it has, its consumer index (acquire) also
 * makes visible every descriptor it published before: no more will come.
 */
static bool
worker_drain_notice_read(struct d_qp *qp)
{
	if (!qp->drain_marked || qp->notice_due)
		return false;
	/* A forged consumer index: the queue pair is served no more. */
	if (ce_ring_free_count(&qp->cq) < 0)
		return true;
	return (int32_t)(qp->cq.peer - qp->notice_at) > 0;
}

/*
 * Nothing left to answer: nothing in the engine, and for every queue pair
 * the client has read the notice and its SQ is empty.
 */
static bool
worker_drain_quiet(struct d_worker *w)
{
	if (w->nb_stash != 0 || w->inflight != 0)
		return false;
	for (unsigned int i = 0; i < w->nb_qps; i++) {
		struct d_qp *qp = w->qps[i];

		if (__atomic_load_n(&qp->broken, __ATOMIC_RELAXED))
			continue;
		if (!worker_drain_notice_read(qp) || ce_ring_ready_count(&qp->sq) != 0)
			return false;
	}
	return true;
}

/*
 * The daemon stops: every descriptor in an SQ gets exactly one CQE. Those
 * there when the stop began are served until [engine] stop_timeout_ms;
 * then the engine and the SQs answer what is left with -ESHUTDOWN, as far
 * as each CQ has room. The engine's window is not applied: fairness matters
 * less now than answering as much as possible before the deadline.
 */
static void
worker_drain(struct d_worker *w)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t deadline = rte_rdtsc() + (uint64_t)cryptoengd.cfg.stop_timeout_ms * (hz / 1000);
	uint64_t now, left_ns;

	for (;;) {
		worker_cmds(w);
		worker_stash(w);
		for (unsigned int i = 0; i < w->nb_qps; i++)
			worker_drain_qp(w, w->qps[i], true);
		ce_engine_poll(w->e);
		if (w->nb_direct != 0)
			worker_direct_poll(w);
		worker_publish(w);
		worker_ring_bells(w);
		rte_rcu_qsbr_quiescent(cryptoengd.qsbr, w->idx);
		if (worker_drain_quiet(w) || rte_rdtsc() >= deadline)
			break;
		rte_pause();
	}
	for (unsigned int i = 0; i < w->nb_stash; i++) {
		worker_complete(w->stash[i], -ESHUTDOWN);
		ce_engine_req_free(w->stash[i]);
	}
	w->nb_stash = 0;
	worker_direct_drain(w);
	now = rte_rdtsc();
	left_ns = now < deadline ? (deadline - now) * 1000000000ull / hz : 0;
	/* Past the deadline: the engine cancels what it holds (-ESHUTDOWN). */
	w->stop_result = ce_engine_stop(w->e, left_ns);
	worker_publish(w);
	worker_ring_bells(w);
	for (unsigned int i = 0; i < w->nb_qps; i++) {
		struct d_qp *qp = w->qps[i];
		uint32_t answered = 0, n;

		/* Bounded: a client that keeps submitting does not hold us here. */
		while (answered < qp->sq.size && (n = worker_drain_qp(w, qp, false)) != 0)
			answered += n;
	}
	worker_publish(w);
	worker_ring_bells(w);
	worker_cmds(w);
}

/* -Dstage_cycles: the busy turns' cycles per request by stage (bench/stage-cycles). */
static void
worker_stage_log(const struct d_worker *w, uint64_t hz)
{
#ifdef D_STAGE_CYCLES
	const struct d_stage_cycles *s = &w->stage;
	double n = s->requests ? (double)s->requests : 1.0;

	d_log(LOG_INFO, "worker %u stage cycles: tsc_hz %" PRIu64 " requests %" PRIu64
	      " busy_turns %" PRIu64 " per request: cmds %.1f intake %.1f backend %.1f"
	      " complete %.1f publish %.1f; idle_turns %" PRIu64 " at %.1f each",
	      w->idx, hz, s->requests, s->busy_turns, s->cyc[D_STAGE_CMDS] / n,
	      s->cyc[D_STAGE_INTAKE] / n, s->cyc[D_STAGE_BACKEND] / n,
	      s->cyc[D_STAGE_COMPLETE] / n, s->cyc[D_STAGE_PUBLISH] / n, s->idle_turns,
	      s->idle_turns ? (double)s->idle_cyc / (double)s->idle_turns : 0.0);
#else
	(void)w;
	(void)hz;
#endif
}

int
d_worker_main(void *arg)
{
	struct d_worker *w = arg;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t idle_cycles = (uint64_t)cryptoengd.cfg.idle_us * hz / 1000000;
	uint64_t asym_spin_cycles = D_ASYM_SPIN_US * hz / 1000000;
	uint64_t sleep_max_ns = (uint64_t)cryptoengd.cfg.sleep_max_us * 1000;
	uint64_t last_work;

	rte_rcu_qsbr_thread_register(cryptoengd.qsbr, w->idx);
	rte_rcu_qsbr_thread_online(cryptoengd.qsbr, w->idx);
	__atomic_store_n(&w->state, D_W_RUNNING, __ATOMIC_RELAXED);
	w->sleep_ns = (uint64_t)cryptoengd.cfg.sleep_min_us * 1000;
	/* The naps' timeouts are tens of us: the default 50 us slack would
	 * double them. */
	(void)prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	last_work = rte_rdtsc();

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		unsigned int work, taken;
		uint64_t now, t[5];

		t[0] = d_stage_now();
		worker_cmds(w);
		work = worker_stash(w);
		t[1] = d_stage_now();
		if (w->nb_stash == 0)
			work += worker_round(w);
		taken = work;
		worker_ring_bells(w);
		t[2] = d_stage_now();
		work += ce_engine_poll(w->e);
		if (w->nb_direct != 0)
			work += worker_direct_poll(w);
		t[3] = d_stage_now();
		worker_publish(w);
		rte_rcu_qsbr_quiescent(cryptoengd.qsbr, w->idx);
		now = rte_rdtsc();
		t[4] = now;
		d_stage_turn(&w->stage, t, taken);
		if (work != 0) {
			last_work = now;
			w->sleep_ns = (uint64_t)cryptoengd.cfg.sleep_min_us * 1000;
			continue;
		}
		if (w->inflight != 0) {
			if (cryptoengd.cfg.idle_sleep && w->inflight == w->inflight_asym &&
			    w->nb_stash == 0 && now - last_work >= asym_spin_cycles) {
				/* Shorter naps cost more wake-ups than they save. */
				w->sleep_ns = RTE_MAX(w->sleep_ns, D_ASYM_NAP_MIN_US * 1000ull);
				worker_sleep(w, D_ASYM_NAP_MAX_US * 1000ull);
			}
			continue;
		}
		/* Sleep only once the engine has unprepared (its own idle_ns). */
		if (cryptoengd.cfg.idle_sleep && now - last_work >= idle_cycles &&
		    ce_engine_is_idle(w->e))
			worker_sleep(w, sleep_max_ns);
		else
			rte_pause();
	}

	worker_stage_log(w, hz);
	worker_drain(w);
	__atomic_store_n(&w->state, D_W_STOPPED, __ATOMIC_RELAXED);
	rte_rcu_qsbr_thread_offline(cryptoengd.qsbr, w->idx);
	rte_rcu_qsbr_thread_unregister(cryptoengd.qsbr, w->idx);
	return 0;
}
