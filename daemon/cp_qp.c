/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A client's shared memory: its region (REGION, mapped once, registered for
 * device DMA where a backend asks) and the queue pairs in it (QP_CREATE /
 * QP_DESTROY). A queue pair goes to the least loaded worker; a destroyed one
 * is freed only once the worker has acked its removal (detached), its last
 * request in flight has completed and a grace period has passed (the
 * worker's dirty list is empty): until then its CQ is still written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "cp.h"
#include "trace.h"

/* ---- the region ------------------------------------------------------------ */

/* Undo cp_region_dma_map on the first n devices. */
static void
cp_region_dma_unmap(void *addr, size_t len, unsigned int n)
{
	while (n-- > 0)
		(void)ce_pmd_dma_unmap(cryptoengd.devs[n].dev, addr, len);
}

/* A device DMAs into the region itself (zero copy): map it for every device
 * that asks (the backend's dma_map op), or for none. */
static int
cp_region_dma_map(void *addr, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++) {
		int ret = ce_pmd_dma_map(cryptoengd.devs[i].dev, addr, len, page);

		if (ret < 0 && ret != -ENOTSUP) {
			cp_region_dma_unmap(addr, len, i);
			return ret;
		}
	}
	return 0;
}

/* Unmap a client's region once nothing can touch it any more. */
void
cp_region_unmap(struct d_client *c)
{
	if (c->base == NULL)
		return;
	if (c->dma_registered)
		cp_region_dma_unmap(c->base, c->ri.size, cryptoengd.nb_devs);
	munmap(c->base, c->ri.size);
	c->base = NULL;
	c->dma_registered = false;
}

void
cp_region(struct d_client *c)
{
	const struct ce_msg_region *rm = &cp_msg.u.region;
	struct ce_shm_region_info ri = {
		.size = rm->size, .arena_off = rm->arena_off, .arena_len = rm->arena_len,
	};
	const char *why = NULL;
	void *addr = NULL;
	int ret;

	if (c->base != NULL) {
		cp_reply(c, -EEXIST, "region already given");
		return;
	}
	if (ce_shm_region_check(&ri, &why) < 0) {
		cp_reply(c, -EINVAL, "region: %s", why);
		return;
	}
	ret = ce_shm_region_map(cp_msg.fds[0], rm->size,
				(uint64_t)cryptoengd.cfg.max_region_mb << 20, &addr, &why);
	if (ret < 0) {
		if (ret == -EFBIG)
			cp_reply(c, ret, "region of %" PRIu64 " bytes is over the limit of %u MiB "
				 "([clients] max_region_mb)", rm->size,
				 cryptoengd.cfg.max_region_mb);
		else
			cp_reply(c, ret, "region: %s", why ? why : strerror(-ret));
		return;
	}
	ret = cp_region_dma_map(addr, rm->size);
	if (ret < 0) {
		munmap(addr, rm->size);
		if (ret == -ENOSPC)
			cp_reply(c, ret, "region: as many client regions are registered for "
				 "device DMA as EAL and VFIO allow");
		else
			cp_reply(c, ret, "region: DMA registration failed (%s)", strerror(-ret));
		return;
	}
	c->dma_registered = true;
	/* The mapping keeps the memory; the fd is not needed any more. */
	pthread_mutex_lock(&cryptoengd.lock);
	c->base = addr;
	c->ri = ri;
	pthread_mutex_unlock(&cryptoengd.lock);
	cp_reply(c, 0, NULL);
}

/* ---- queue pairs ------------------------------------------------------------ */

void
cp_qp_free(struct d_qp *qp)
{
	struct d_client *c = qp->c;

	d_qp_stats_add(&c->gone, &qp->st);
	if (qp->sq_efd >= 0)
		close(qp->sq_efd);
	if (qp->cq_efd >= 0)
		close(qp->cq_efd);
	free(qp->slots);
	free(qp->free_slots);
	free(qp->cqe_stage);
	rte_free(qp);
}

/* Hand a queue pair back: the worker drops it, the reaper frees it. */
void
cp_qp_retire(struct d_qp *qp)
{
	struct d_client *c = qp->c;

	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_REMOVE(&c->qps, qp, next);
	TAILQ_INSERT_TAIL(&cryptoengd.dying, qp, next);
	c->nb_qps--;
	pthread_mutex_unlock(&cryptoengd.lock);
	d_trace_qp_destroy(c->id, qp->id, __atomic_load_n(&qp->st.requests, __ATOMIC_RELAXED));
	cryptoengd.workers[qp->worker]->nb_assigned--;
	while (d_worker_cmd(cryptoengd.workers[qp->worker], D_CMD_DEL_QP, qp) == -ENOBUFS)
		usleep(100);	/* command ring full: the worker drains it each turn */
}

static bool
cp_is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[eventfd]") == 0;
}

/* The client's state and the request's geometry. @return 0, or -errno (answered). */
static int
cp_qp_validate(struct d_client *c, const struct ce_msg_qp_create *qc)
{
	const char *why = NULL;

	if (c->base == NULL) {
		cp_reply(c, -EPROTO, "QP_CREATE before REGION");
		return -EPROTO;
	}
	if (__atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED)) {
		cp_reply(c, -ESHUTDOWN, "the daemon is stopping: no new queue pairs");
		return -ESHUTDOWN;
	}
	if (c->nb_qps >= cryptoengd.cfg.max_qps) {
		cp_reply(c, -ENOSPC, "limit of %u queue pairs per client ([clients] max_qps)",
			 cryptoengd.cfg.max_qps);
		return -ENOSPC;
	}
	if (ce_shm_qp_geom_check(&c->ri, qc, CE_RING_MAX_ENTRIES, &why) < 0) {
		cp_reply(c, -EINVAL, "queue pair rings: %s", why);
		return -EINVAL;
	}
	return 0;
}

/* The new rings overlap no ring of the client's other queue pairs.
 * @return 0, or -EINVAL (answered). */
static int
cp_qp_check_overlaps(struct d_client *c, const struct ce_msg_qp_create *qc)
{
	uint64_t sqb = ce_ring_bytes(qc->sq_entries, sizeof(struct ce_desc));
	uint64_t cqb = ce_ring_bytes(qc->cq_entries, sizeof(struct ce_cqe));
	const struct d_qp *o;

	TAILQ_FOREACH(o, &c->qps, next) {
		if (ce_shm_ranges_overlap(qc->sq_off, sqb, o->sq_off, o->sq_bytes) ||
		    ce_shm_ranges_overlap(qc->sq_off, sqb, o->cq_off, o->cq_bytes) ||
		    ce_shm_ranges_overlap(qc->cq_off, cqb, o->sq_off, o->sq_bytes) ||
		    ce_shm_ranges_overlap(qc->cq_off, cqb, o->cq_off, o->cq_bytes)) {
			cp_reply(c, -EINVAL, "queue pair rings overlap queue pair %u", o->id);
			return -EINVAL;
		}
	}
	return 0;
}

/* Spread queue pairs over the engines: the least loaded one.
 * @return it, or NULL (answered -ENOSPC: every engine is full). */
static struct d_worker *
cp_qp_pick_worker(struct d_client *c)
{
	struct d_worker *w = NULL;

	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		if (w == NULL || cryptoengd.workers[i]->nb_assigned < w->nb_assigned)
			w = cryptoengd.workers[i];
	if (w->nb_assigned >= D_WORKER_MAX_QPS) {
		cp_reply(c, -ENOSPC, "every engine serves %u queue pairs already",
			 D_WORKER_MAX_QPS);
		return NULL;
	}
	return w;
}

/* The queue pair and its private arrays, no fd yet. NULL: out of memory. */
static struct d_qp *
cp_qp_alloc(struct d_client *c, const struct d_worker *w, const struct ce_msg_qp_create *qc)
{
	struct d_qp *qp = rte_zmalloc("d_qp", sizeof(*qp), RTE_CACHE_LINE_SIZE);

	if (qp == NULL)
		return NULL;
	qp->c = c;
	qp->worker = w->idx;
	qp->sq_efd = -1;
	qp->cq_efd = -1;
	/* Never more in flight than the CQ holds. */
	qp->credits = RTE_MIN(cryptoengd.cfg.credits, qc->cq_entries);
	qp->sq_off = qc->sq_off;
	qp->cq_off = qc->cq_off;
	qp->sq_bytes = ce_ring_bytes(qc->sq_entries, sizeof(struct ce_desc));
	qp->cq_bytes = ce_ring_bytes(qc->cq_entries, sizeof(struct ce_cqe));
	qp->slots = calloc(qp->credits, sizeof(*qp->slots));
	qp->free_slots = calloc(qp->credits, sizeof(*qp->free_slots));
	qp->cqe_stage = calloc(qc->cq_entries, sizeof(*qp->cqe_stage));
	if (qp->slots == NULL || qp->free_slots == NULL || qp->cqe_stage == NULL) {
		cp_qp_free(qp);
		return NULL;
	}
	for (uint32_t i = 0; i < qp->credits; i++)
		qp->free_slots[i] = qp->credits - 1 - i;
	qp->nb_free = qp->credits;
	return qp;
}

/* Attach the rings in the client's region; take the request's eventfds.
 * @return 0, or ce_ring_attach()'s -EINVAL. */
static int
cp_qp_attach(struct d_qp *qp, const struct ce_msg_qp_create *qc)
{
	int ret;

	ret = ce_ring_attach(&qp->sq, qp->c->base, qc->sq_off, qc->sq_entries,
			     sizeof(struct ce_desc), CE_RING_CONSUMER);
	if (ret == 0)
		ret = ce_ring_attach(&qp->cq, qp->c->base, qc->cq_off, qc->cq_entries,
				     sizeof(struct ce_cqe), CE_RING_PRODUCER);
	if (ret < 0)
		return ret;
	/* Ours from now on: the worker reads one without blocking, writes the other. */
	qp->sq_efd = cp_msg.fds[0];
	qp->cq_efd = cp_msg.fds[1];
	cp_msg.nb_fds = 0;
	fcntl(qp->sq_efd, F_SETFL, O_NONBLOCK);
	fcntl(qp->cq_efd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Into (or out of) the client's list, under the lock the reports take. */
static void
cp_qp_link(struct d_client *c, struct d_qp *qp)
{
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_INSERT_TAIL(&c->qps, qp, next);
	c->nb_qps++;
	pthread_mutex_unlock(&cryptoengd.lock);
}

static void
cp_qp_unlink(struct d_client *c, struct d_qp *qp)
{
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_REMOVE(&c->qps, qp, next);
	c->nb_qps--;
	pthread_mutex_unlock(&cryptoengd.lock);
}

void
cp_qp_create(struct d_client *c)
{
	const struct ce_msg_qp_create *qc = &cp_msg.u.qp_create;
	struct ce_msg_reply r = { 0 };
	struct d_worker *w;
	struct d_qp *qp;
	int ret;

	if (cp_qp_validate(c, qc) < 0 || cp_qp_check_overlaps(c, qc) < 0)
		return;
	if (!cp_is_eventfd(cp_msg.fds[0]) || !cp_is_eventfd(cp_msg.fds[1])) {
		cp_reply(c, -EINVAL, "QP_CREATE needs two eventfds");
		return;
	}
	w = cp_qp_pick_worker(c);
	if (w == NULL)
		return;
	qp = cp_qp_alloc(c, w, qc);
	if (qp == NULL) {
		cp_reply(c, -ENOMEM, "out of memory");
		return;
	}
	ret = cp_qp_attach(qp, qc);
	if (ret < 0) {
		cp_reply(c, ret, "ring geometry");
		goto err_free;
	}
	qp->id = c->next_qp_id++;
	cp_qp_link(c, qp);
	w->nb_assigned++;
	if (d_worker_cmd(w, D_CMD_ADD_QP, qp) < 0) {
		cp_reply(c, -EAGAIN, "engine command queue full, try again");
		goto err_unlink;
	}
	r.u.qp.qp_id = qp->id;
	r.u.qp.lcore = w->lcore;
	r.u.qp.credits = qp->credits;
	d_trace_qp_create(c->id, qp->id, w->lcore, qp->credits);
	cp_reply_u(c, &r.u, sizeof(r.u.qp));
	return;

err_unlink:
	/* Never seen by the worker: undone here. */
	w->nb_assigned--;
	cp_qp_unlink(c, qp);
err_free:
	cp_qp_free(qp);
}

void
cp_qp_destroy(struct d_client *c)
{
	struct d_qp *qp;

	TAILQ_FOREACH(qp, &c->qps, next)
		if (qp->id == cp_msg.u.qp_destroy.qp_id)
			break;
	if (qp == NULL) {
		cp_reply(c, -ENOENT, "no queue pair %u", cp_msg.u.qp_destroy.qp_id);
		return;
	}
	/*
	 * Answered only once the worker has dropped it and its requests in
	 * flight have completed (cp_reap): until then their CQEs still go into
	 * its CQ, which the client must not reuse for another queue pair.
	 */
	qp->destroy_reply = true;
	qp->destroy_seq = cp_msg.hdr.seq;
	cp_qp_retire(qp);
}

bool
cp_qp_reap(void)
{
	struct d_qp *qp, *next;
	bool waiting = false;

	for (qp = TAILQ_FIRST(&cryptoengd.dying); qp != NULL; qp = next) {
		next = TAILQ_NEXT(qp, next);
		if (!qp->token_set) {
			/* Acquire: pairs with the worker's release of detached / inflight. */
			if (__atomic_load_n(&qp->detached, __ATOMIC_ACQUIRE) &&
			    __atomic_load_n(&qp->inflight, __ATOMIC_ACQUIRE) == 0) {
				qp->token = rte_rcu_qsbr_start(cryptoengd.qsbr);
				qp->token_set = true;
				/* Its rings are written no more: the client may reuse them. */
				if (qp->destroy_reply && !qp->c->dead)
					ce_msg_send_reply(qp->c->sock, qp->destroy_seq,
							  CE_MSG_QP_DESTROY, 0, NULL, NULL, 0);
				qp->destroy_reply = false;
			}
			waiting = true;
			continue;
		}
		if (rte_rcu_qsbr_check(cryptoengd.qsbr, qp->token, false) != 1) {
			waiting = true;
			continue;
		}
		pthread_mutex_lock(&cryptoengd.lock);
		TAILQ_REMOVE(&cryptoengd.dying, qp, next);
		pthread_mutex_unlock(&cryptoengd.lock);
		cp_qp_free(qp);
	}
	return waiting;
}

bool
cp_qp_dying_of(const struct d_client *c)
{
	const struct d_qp *qp;

	TAILQ_FOREACH(qp, &cryptoengd.dying, next)
		if (qp->c == c)
			return true;
	return false;
}
