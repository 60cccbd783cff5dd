/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane, on the main lcore: the listening socket, clients and
 * their messages (HELLO, REGION, QP_CREATE/DESTROY, SESSION_CREATE/DESTROY,
 * CTL, BYE), deferred frees, and SIGTERM/SIGINT. Blocks in epoll: a spinning
 * control thread would steal a core from the clients.
 *
 * Deferred frees: a destroyed session or queue pair may still be in use by a
 * worker. Sessions: the handle dies at once (live = 0); the backend session
 * is destroyed once a QSBR grace period has passed (no worker can take a new
 * reference) and its reference count is 0. Queue pairs: the worker acks the
 * removal (detached), the last in-flight request completes, a grace period
 * passes (the worker's dirty list is empty), then fds and slots are freed.
 * A dead client's region is unmapped only after all that.
 *
 * Connections: the peer's credentials are checked at accept, before
 * anything is allocated; a refused peer is answered and closed at once. An
 * accepted peer holds one fixed pending slot until its HELLO (deadline
 * [clients] hello_timeout_ms); only HELLO makes it a client (max_clients).
 *
 * Stop (SIGTERM/SIGINT): the socket goes, pending connections are refused,
 * the workers drain (worker.c) while this loop goes on answering clients
 * (no new queue pairs); once every worker has stopped, cp_run returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "cryptoengd.h"

#define CP_REAP_MS		10
#define CP_ACCEPT_PAUSE_MS	100	/* accept failed for want of fds: retry after */
#define CP_REFUSALS_LOGGED	10	/* refusals logged per second; the rest counted */

/*
 * A connection accepted but not past HELLO: one slot of a fixed table
 * ([clients] max_pending, made at start). Nothing else is allocated for it.
 */
struct cp_pending {
	int fd;				/* -1: free */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint64_t deadline_ms;		/* CLOCK_MONOTONIC: HELLO by then */
};

static struct cp_pending *cp_pend;
static unsigned int cp_nb_pend;	/* slots in use */
static bool cp_accept_paused;		/* listening fd out of epoll until resume */
static bool cp_accept_warned;		/* logged once per episode */
static uint64_t cp_accept_resume_ms;
static uint64_t cp_accept_pauses;

static int cp_epfd = -1;
static int cp_lfd = -1;
static int cp_sfd = -1;
static struct ce_msg cp_msg;		/* big: one, in private memory */
static char cp_reason[CE_MSG_REASON_MAX];

/* epoll tags for the non-client fds; clients use their own pointer. */
static int cp_tag_listen, cp_tag_signal, cp_tag_broken;

static int
cp_reply(struct d_client *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cp_reply(struct d_client *c, int status, const char *fmt, ...)
{
	va_list ap;

	cp_reason[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(cp_reason, sizeof(cp_reason), fmt, ap);
		va_end(ap);
	}
	if (status < 0)
		d_log(LOG_DEBUG, "client %u (pid %d): %s refused: %s", c->id, (int)c->pid,
		      cp_msg.hdr.type == CE_MSG_SESSION_CREATE ? "session" : "request",
		      cp_reason);
	return ce_msg_send_reply(c->sock, cp_msg.hdr.seq, cp_msg.hdr.type, status,
				 cp_reason, NULL, 0);
}

static int
cp_reply_u(struct d_client *c, const void *u, size_t ulen)
{
	return ce_msg_send_reply(c->sock, cp_msg.hdr.seq, cp_msg.hdr.type, 0, NULL, u, ulen);
}

/*
 * An unsolicited REPLY (seq 0, req_type 0): why the daemon is about to close
 * the connection. A client that reads its socket gets the reason; the close
 * that follows tells every other client.
 */
static void
cp_notice(struct d_client *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
cp_notice(struct d_client *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cp_reason, sizeof(cp_reason), fmt, ap);
	va_end(ap);
	ce_msg_send_reply(c->sock, 0, 0, status, cp_reason, NULL, 0);
}

/* ---- queue pairs --------------------------------------------------------- */

static void
cp_qp_free(struct d_qp *qp)
{
	struct d_client *c = qp->c;

	c->gone.requests += qp->st.requests;
	c->gone.bytes += qp->st.bytes;
	c->gone.completed += qp->st.completed;
	c->gone.err_inval += qp->st.err_inval;
	c->gone.err_badmsg += qp->st.err_badmsg;
	c->gone.err_other += qp->st.err_other;
	close(qp->sq_efd);
	close(qp->cq_efd);
	free(qp->slots);
	free(qp->free_slots);
	free(qp->cqe_stage);
	rte_free(qp);
}

/* Hand a queue pair back: the worker drops it, the reaper frees it. */
static void
cp_qp_retire(struct d_qp *qp)
{
	struct d_client *c = qp->c;

	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_REMOVE(&c->qps, qp, next);
	TAILQ_INSERT_TAIL(&cryptoengd.dying, qp, next);
	c->nb_qps--;
	pthread_mutex_unlock(&cryptoengd.lock);
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

static void
cp_qp_create(struct d_client *c)
{
	const struct ce_msg_qp_create *qc = &cp_msg.u.qp_create;
	struct ce_msg_reply r = { 0 };
	struct d_worker *w = NULL;
	const char *why = NULL;
	struct d_qp *qp, *o;
	int ret;

	if (c->base == NULL) {
		cp_reply(c, -EPROTO, "QP_CREATE before REGION");
		return;
	}
	if (__atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED)) {
		cp_reply(c, -ESHUTDOWN, "the daemon is stopping: no new queue pairs");
		return;
	}
	if (c->nb_qps >= cryptoengd.cfg.max_qps) {
		cp_reply(c, -ENOSPC, "limit of %u queue pairs per client ([clients] max_qps)",
			  cryptoengd.cfg.max_qps);
		return;
	}
	if (ce_shm_qp_geom_check(&c->ri, qc, CE_RING_MAX_ENTRIES, &why) < 0) {
		cp_reply(c, -EINVAL, "queue pair rings: %s", why);
		return;
	}
	TAILQ_FOREACH(o, &c->qps, next) {
		uint64_t sqb = ce_ring_bytes(qc->sq_entries, sizeof(struct ce_desc));
		uint64_t cqb = ce_ring_bytes(qc->cq_entries, sizeof(struct ce_cqe));

		if (ce_shm_ranges_overlap(qc->sq_off, sqb, o->sq_off, o->sq_bytes) ||
		    ce_shm_ranges_overlap(qc->sq_off, sqb, o->cq_off, o->cq_bytes) ||
		    ce_shm_ranges_overlap(qc->cq_off, cqb, o->sq_off, o->sq_bytes) ||
		    ce_shm_ranges_overlap(qc->cq_off, cqb, o->cq_off, o->cq_bytes)) {
			cp_reply(c, -EINVAL, "queue pair rings overlap queue pair %u", o->id);
			return;
		}
	}
	if (!cp_is_eventfd(cp_msg.fds[0]) || !cp_is_eventfd(cp_msg.fds[1])) {
		cp_reply(c, -EINVAL, "QP_CREATE needs two eventfds");
		return;
	}
	/* Spread queue pairs over the engines: the least loaded one. */
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		if (w == NULL || cryptoengd.workers[i]->nb_assigned < w->nb_assigned)
			w = cryptoengd.workers[i];
	if (w->nb_assigned >= D_WORKER_MAX_QPS) {
		cp_reply(c, -ENOSPC, "every engine serves %u queue pairs already",
			  D_WORKER_MAX_QPS);
		return;
	}
	qp = rte_zmalloc("d_qp", sizeof(*qp), RTE_CACHE_LINE_SIZE);
	if (qp == NULL) {
		cp_reply(c, -ENOMEM, "out of memory");
		return;
	}
	qp->c = c;
	qp->worker = w->idx;
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
		ret = -ENOMEM;
		why = "out of memory";
		goto err_free;
	}
	for (uint32_t i = 0; i < qp->credits; i++)
		qp->free_slots[i] = qp->credits - 1 - i;
	qp->nb_free = qp->credits;
	ret = ce_ring_attach(&qp->sq, c->base, qc->sq_off, qc->sq_entries,
			     sizeof(struct ce_desc), CE_RING_CONSUMER);
	if (ret == 0)
		ret = ce_ring_attach(&qp->cq, c->base, qc->cq_off, qc->cq_entries,
				     sizeof(struct ce_cqe), CE_RING_PRODUCER);
	if (ret < 0) {
		why = "ring geometry";
		goto err_free;
	}
	/* Ours from now on: the worker reads one without blocking, writes the other. */
	qp->sq_efd = cp_msg.fds[0];
	qp->cq_efd = cp_msg.fds[1];
	cp_msg.nb_fds = 0;
	fcntl(qp->sq_efd, F_SETFL, O_NONBLOCK);
	fcntl(qp->cq_efd, F_SETFL, O_NONBLOCK);
	qp->id = c->next_qp_id++;

	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_INSERT_TAIL(&c->qps, qp, next);
	c->nb_qps++;
	pthread_mutex_unlock(&cryptoengd.lock);
	w->nb_assigned++;
	if (d_worker_cmd(w, D_CMD_ADD_QP, qp) < 0) {
		/* Never seen by the worker: undo directly. */
		pthread_mutex_lock(&cryptoengd.lock);
		TAILQ_REMOVE(&c->qps, qp, next);
		c->nb_qps--;
		pthread_mutex_unlock(&cryptoengd.lock);
		w->nb_assigned--;
		cp_reply(c, -EAGAIN, "engine command queue full, try again");
		cp_qp_free(qp);
		return;
	}
	r.u.qp.qp_id = qp->id;
	r.u.qp.lcore = w->lcore;
	r.u.qp.credits = qp->credits;
	cp_reply_u(c, &r.u, sizeof(r.u.qp));
	return;

err_free:
	free(qp->slots);
	free(qp->free_slots);
	free(qp->cqe_stage);
	rte_free(qp);
	cp_reply(c, ret, "%s", why);
}

static void
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

/* ---- sessions ------------------------------------------------------------ */

/* Requests of session idx in flight on any worker (after a grace period). */
static uint64_t
cp_sess_busy(const struct d_client *c, uint32_t idx)
{
	uint64_t n = 0;

	/* Acquire: pairs with the workers' release when a request finishes. */
	for (unsigned int w = 0; w < cryptoengd.nb_workers; w++)
		n += __atomic_load_n(&c->sess_busy[(size_t)w * cryptoengd.cfg.max_sessions + idx],
				     __ATOMIC_ACQUIRE);
	return n;
}

static void
cp_sess_release(struct d_sess *s)
{
	for (unsigned int i = 0; i < D_OPS; i++) {
		ce_pmd_session_destroy(s->cs[i]);	/* the backend wipes the key */
		s->cs[i] = NULL;
	}
	s->pending = false;
	s->token_set = false;
}

static void
cp_sess_kill(struct d_client *c, struct d_sess *s)
{
	pthread_mutex_lock(&cryptoengd.lock);
	/* Release: pairs with the worker's acquire of live. */
	__atomic_store_n(&s->live, 0, __ATOMIC_RELEASE);
	c->nb_sess--;
	pthread_mutex_unlock(&cryptoengd.lock);
	s->pending = true;
	/* Workers that saw the handle live report quiescent after this token. */
	s->token = rte_rcu_qsbr_start(cryptoengd.qsbr);
	s->token_set = true;
}

static unsigned int
cp_alg_index(const struct ce_registry_entry *e)
{
	for (unsigned int i = 0; i < cryptoengd.nb_algs; i++)
		if (cryptoengd.algs[i] == e)
			return i;
	return 0;
}

static void
cp_session_create(struct d_client *c)
{
	const struct ce_msg_session_create *sc = &cp_msg.u.session_create;
	const struct ce_registry_entry *e;
	struct ce_msg_reply r = { 0 };
	uint8_t ops[2];
	unsigned int nb_ops = 0, idx;
	const char *why = NULL;
	struct d_sess *s = NULL;
	int err;

	if (c->nb_sess >= cryptoengd.cfg.max_sessions) {
		cp_reply(c, -ENOSPC, "limit of %u sessions per client ([clients] max_sessions)",
			  cryptoengd.cfg.max_sessions);
		return;
	}
	for (idx = 0; idx < cryptoengd.cfg.max_sessions; idx++) {
		s = &c->sess[idx];
		if (s->live == 0 && !s->pending)
			break;
	}
	if (idx == cryptoengd.cfg.max_sessions) {
		cp_reply(c, -EAGAIN, "every session slot waits for its requests to finish");
		return;
	}
	if (sc->direction < CE_SESS_DIR_ENCRYPT || sc->direction > CE_SESS_DIR_BOTH) {
		cp_reply(c, -EINVAL, "direction must be encrypt, decrypt or both");
		return;
	}
	if (sc->key_len > CE_MSG_KEY_MAX || sc->iv_len > UINT16_MAX ||
	    sc->digest_len > UINT16_MAX || sc->aad_max > UINT16_MAX) {
		cp_reply(c, -EINVAL, "key, iv, digest or aad size out of range");
		return;
	}
	e = ce_registry_lookup(sc->alg[0] ? sc->alg : NULL, sc->driver[0] ? sc->driver : NULL,
			       &why);
	if (e == NULL) {
		err = errno;
		cp_reply(c, -err, "%s", why ? why : "no such algorithm");
		return;
	}
	if (e->alg->type == CE_PMD_ALG_HASH) {
		if (sc->direction & CE_SESS_DIR_ENCRYPT)
			ops[nb_ops++] = CE_OP_DIGEST;
		if (sc->direction & CE_SESS_DIR_DECRYPT)
			ops[nb_ops++] = CE_OP_VERIFY;
	} else {
		if (sc->direction & CE_SESS_DIR_ENCRYPT)
			ops[nb_ops++] = CE_OP_ENCRYPT;
		if (sc->direction & CE_SESS_DIR_DECRYPT)
			ops[nb_ops++] = CE_OP_DECRYPT;
	}
	for (unsigned int i = 0; i < nb_ops; i++) {
		struct ce_pmd_session_params p = {
			.alg = e->alg->name,
			.driver = e->alg->driver_name,
			.key = sc->key,
			.key_len = (uint16_t)sc->key_len,
			.iv_len = (uint16_t)sc->iv_len,
			.digest_len = (uint16_t)sc->digest_len,
			.aad_len = (uint16_t)sc->aad_max,
			.op = ops[i],
		};
		struct ce_pmd_session *cs;

		why = NULL;
		cs = ce_pmd_session_create(e->dev, &p, &why);
		if (cs == NULL) {
			err = errno ? errno : EINVAL;
			cp_sess_release(s);
			if (err == EINVAL)
				cp_reply(c, -EINVAL, "%s (%s): %s not allowed (key %u, iv %u, "
					  "digest %u, aad %u)", e->alg->name, e->alg->driver_name,
					  why ? why : "parameters", sc->key_len, sc->iv_len,
					  sc->digest_len, sc->aad_max);
			else
				cp_reply(c, -err, "%s (%s): %s", e->alg->name,
					  e->alg->driver_name, why ? why : strerror(err));
			return;
		}
		s->cs[ops[i] - 1] = cs;
	}
	s->si.iv_len = sc->iv_len;
	s->si.digest_len = sc->digest_len;
	s->si.aad_max = sc->aad_max;
	s->alg_idx = (uint16_t)cp_alg_index(e);
	if (++s->gen == 0)
		s->gen = 1;
	pthread_mutex_lock(&cryptoengd.lock);
	/* Release: cs[] and si are visible before a worker can match the handle. */
	__atomic_store_n(&s->live, s->gen, __ATOMIC_RELEASE);
	c->nb_sess++;
	pthread_mutex_unlock(&cryptoengd.lock);
	r.u.session.handle = ((uint32_t)s->gen << 16) | idx;
	cp_reply_u(c, &r.u, sizeof(r.u.session));
}

static void
cp_session_destroy(struct d_client *c)
{
	uint32_t h = cp_msg.u.session_destroy.handle, idx = h & 0xffffu, gen = h >> 16;
	struct d_sess *s;

	if (gen == 0 || idx >= cryptoengd.cfg.max_sessions || c->sess[idx].live != gen) {
		cp_reply(c, -ENOENT, "no session %#x", h);
		return;
	}
	s = &c->sess[idx];
	cp_sess_kill(c, s);
	cp_reply(c, 0, NULL);
}

/* ---- clients ------------------------------------------------------------- */

static void
cp_client_drop(struct d_client *c)
{
	struct d_qp *qp;

	if (c->dead)
		return;
	epoll_ctl(cp_epfd, EPOLL_CTL_DEL, c->sock, NULL);
	close(c->sock);
	c->sock = -1;
	pthread_mutex_lock(&cryptoengd.lock);
	c->dead = true;
	/* Closed: no longer counts against max_clients, whatever is left to free. */
	cryptoengd.nb_clients--;
	pthread_mutex_unlock(&cryptoengd.lock);
	while ((qp = TAILQ_FIRST(&c->qps)) != NULL)
		cp_qp_retire(qp);
	for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++)
		if (c->sess[i].live != 0)
			cp_sess_kill(c, &c->sess[i]);
	d_log(LOG_DEBUG, "client %u (pid %d) gone", c->id, (int)c->pid);
}

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
	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++) {
		int ret = ce_pmd_dma_map(cryptoengd.devs[i].dev, addr, len, (size_t)sysconf(_SC_PAGESIZE));

		if (ret < 0 && ret != -ENOTSUP) {
			cp_region_dma_unmap(addr, len, i);
			return ret;
		}
	}
	return 0;
}

/* Unmap a client's region once nothing can touch it any more. */
static void
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

static void
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
	ret = ce_shm_region_map(cp_msg.fds[0], rm->size, (uint64_t)cryptoengd.cfg.max_region_mb << 20,
				&addr, &why);
	if (ret < 0) {
		if (ret == -EFBIG)
			cp_reply(c, ret, "region of %" PRIu64 " bytes is over the limit of %u MiB "
				  "([clients] max_region_mb)", rm->size, cryptoengd.cfg.max_region_mb);
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

static void
cp_ctl(struct d_client *c)
{
	const char *why = NULL;
	char *out = NULL;
	size_t len;
	int ret;

	ret = d_report_ctl(cp_msg.u.ctl, &out, &why);
	if (ret < 0) {
		cp_reply(c, ret, "%s", why ? why : strerror(-ret));
		return;
	}
	len = strlen(out);
	if (len == 0 || len > CE_MSG_CTL_MAX)
		cp_reply(c, -E2BIG, "answer of %zu bytes does not fit in %u", len,
			  CE_MSG_CTL_MAX);
	else
		ce_msg_send(c->sock, CE_MSG_CTL_REPLY, cp_msg.hdr.seq, out, len, NULL, 0);
	free(out);
}

static void
cp_dispatch(struct d_client *c)
{
	uint16_t type = cp_msg.hdr.type;

	if (type == CE_MSG_BYE) {
		cp_client_drop(c);
		return;
	}
	if (type == CE_MSG_HELLO) {
		cp_reply(c, -EPROTO, "HELLO twice");
		return;
	}
	switch (type) {
	case CE_MSG_REGION:
		cp_region(c);
		break;
	case CE_MSG_QP_CREATE:
		cp_qp_create(c);
		break;
	case CE_MSG_QP_DESTROY:
		cp_qp_destroy(c);
		break;
	case CE_MSG_SESSION_CREATE:
		cp_session_create(c);
		break;
	case CE_MSG_SESSION_DESTROY:
		cp_session_destroy(c);
		break;
	case CE_MSG_CTL:
		cp_ctl(c);
		break;
	default:
		cp_reply(c, -EPROTO, "message type %u is not a request", type);
		break;
	}
}

static void
cp_client_io(struct d_client *c, uint32_t events)
{
	const char *why = NULL;
	int ret;

	for (;;) {
		ret = ce_msg_recv(c->sock, &cp_msg, &why);
		if (ret == -EAGAIN || ret == -EINTR)
			break;
		if (ret < 0) {
			if (ret != -ECONNRESET) {
				d_log(LOG_NOTICE, "client %u (pid %d): %s; dropping it", c->id,
				      (int)c->pid, why ? why : strerror(-ret));
				/* The reason, unsolicited (seq 0), before the hang-up. */
				cp_notice(c, ret, "%s; closing the connection",
					   why ? why : strerror(-ret));
			}
			cp_client_drop(c);
			return;
		}
		cp_dispatch(c);
		/* Key bytes of a SESSION_CREATE must not stay in our memory. */
		ce_msg_close_fds(&cp_msg);
		ce_msg_wipe(&cp_msg);
		if (c->dead)
			return;
	}
	if (events & (EPOLLHUP | EPOLLERR))
		cp_client_drop(c);
}

/*
 * A worker found an impossible index in a ring of one of the client's queue
 * pairs (it wrote its ring header): it stopped reading that queue pair and
 * posted a notice CQE. Here the client is told why and dropped; its
 * requests in flight finish before anything of it is freed (cp_reap).
 */
static void
cp_broken(void)
{
	struct d_client *c;
	uint64_t cnt;

	if (read(cryptoengd.cp_efd, &cnt, sizeof(cnt)) < 0) {
		/* EAGAIN: drained by an earlier round; look anyway. */
	}
	TAILQ_FOREACH(c, &cryptoengd.clients, next) {
		struct d_qp *qp;

		if (c->dead)
			continue;
		TAILQ_FOREACH(qp, &c->qps, next) {
			/* Acquire: pairs with the worker's release of broken. */
			uint32_t why = __atomic_load_n(&qp->broken, __ATOMIC_ACQUIRE);

			if (why == D_QP_OK || qp->broken_told)
				continue;
			qp->broken_told = true;
			d_log(LOG_NOTICE, "client %u (pid %d): queue pair %u: impossible %s index "
			      "in shared memory; dropping it", c->id, (int)c->pid, qp->id,
			      why == D_QP_BROKEN_SQ ? "SQ producer" : "CQ consumer");
			cp_notice(c, -EIO, "queue pair %u: the %s index in shared memory is "
				   "impossible (ring corrupted); closing the connection", qp->id,
				   why == D_QP_BROKEN_SQ ? "SQ producer" : "CQ consumer");
			cp_client_drop(c);
			break;
		}
	}
}

/* ---- connections before HELLO -------------------------------------------- */

static uint64_t
cp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A flood of refused peers must not flood the log: a few a second, then a count. */
static void
cp_log_refusal(pid_t pid, uid_t uid, const char *why)
{
	static uint64_t window_ms;
	static unsigned int logged, unlogged;
	uint64_t now = cp_now_ms();

	if (now - window_ms >= 1000) {
		if (unlogged != 0)
			d_log(LOG_NOTICE, "%u more connections refused (not logged one by one)",
			      unlogged);
		window_ms = now;
		logged = unlogged = 0;
	}
	if (logged++ < CP_REFUSALS_LOGGED)
		d_log(LOG_NOTICE, "refusing pid %d uid %u: %s", (int)pid, (unsigned int)uid, why);
	else
		unlogged++;
}

/*
 * Read and drop what the peer sent (its HELLO, fds it passed): closing a
 * socket with unread input resets the connection, and the peer would get
 * ECONNRESET instead of the answer queued for it.
 */
static void
cp_discard_input(int fd)
{
	char buf[256];
	union {
		char b[CMSG_SPACE(sizeof(int) * CE_MSG_MAX_FDS)];
		struct cmsghdr align;
	} cbuf;

	for (unsigned int i = 0; i < 16; i++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
		};
		struct cmsghdr *cm;

		if (recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[CE_MSG_MAX_FDS];

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			memcpy(fds, CMSG_DATA(cm), RTE_MIN(n, (size_t)CE_MSG_MAX_FDS) * sizeof(int));
			for (size_t k = 0; k < n && k < CE_MSG_MAX_FDS; k++)
				close(fds[k]);
		}
	}
}

/*
 * Refuse a connection that is not a client: the answer to the HELLO a
 * client sends first (sequence 1), whether it has arrived or not, then the
 * close. ce_client_connect() reports the reason as its last error.
 */
static void
cp_refuse_fd(int fd, pid_t pid, uid_t uid, int status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
cp_refuse_fd(int fd, pid_t pid, uid_t uid, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cp_reason, sizeof(cp_reason), fmt, ap);
	va_end(ap);
	ce_msg_send_reply(fd, 1, CE_MSG_HELLO, status, cp_reason, NULL, 0);
	cp_discard_input(fd);
	close(fd);
	cp_log_refusal(pid, uid, cp_reason);
}

static void
cp_pending_free(struct cp_pending *p)
{
	p->fd = -1;
	cp_nb_pend--;
}

static void
cp_pending_close(struct cp_pending *p)
{
	epoll_ctl(cp_epfd, EPOLL_CTL_DEL, p->fd, NULL);
	cp_discard_input(p->fd);
	close(p->fd);
	cp_pending_free(p);
}

static void
cp_pending_refuse(struct cp_pending *p, int status, const char *why)
{
	epoll_ctl(cp_epfd, EPOLL_CTL_DEL, p->fd, NULL);
	cp_refuse_fd(p->fd, p->pid, p->uid, status, "%s", why);
	cp_pending_free(p);
}

/* Answer the request in cp_msg on a pending connection. */
static void
cp_pending_reply(struct cp_pending *p, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
cp_pending_reply(struct cp_pending *p, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cp_reason, sizeof(cp_reason), fmt, ap);
	va_end(ap);
	ce_msg_send_reply(p->fd, cp_msg.hdr.seq, cp_msg.hdr.type, status, cp_reason, NULL, 0);
}

static bool
cp_is_pending(const void *ptr)
{
	return cp_pend != NULL && (const struct cp_pending *)ptr >= cp_pend &&
	       (const struct cp_pending *)ptr < cp_pend + cryptoengd.cfg.max_pending;
}

/* Connections of @p uid: pending and clients not closed; *pending: the former. */
static unsigned int
cp_uid_conns(uid_t uid, unsigned int *pending)
{
	const struct d_client *c;
	unsigned int n = 0;

	*pending = 0;
	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending; i++)
		if (cp_pend[i].fd >= 0 && cp_pend[i].uid == uid)
			(*pending)++;
	TAILQ_FOREACH(c, &cryptoengd.clients, next)
		if (!c->dead && c->uid == uid)
			n++;
	return n + *pending;
}

/*
 * Before refusing for a limit: read what the counted clients (of @p uid, or
 * all with @p any_uid) have sent. Their BYE or hang-up may be queued behind
 * the newcomer's connect: a client that closed must not count.
 */
static void
cp_sweep(uid_t uid, bool any_uid)
{
	struct d_client *c;

	TAILQ_FOREACH(c, &cryptoengd.clients, next)
		if (!c->dead && (any_uid || c->uid == uid))
			cp_client_io(c, 0);
}

/* The peer's credentials, then the limits, before anything is allocated. */
static void
cp_admit(int fd)
{
	struct ce_shm_acl acl = {
		.uids = cryptoengd.cfg.uids, .nb_uids = cryptoengd.cfg.nb_uids,
		.gids = cryptoengd.cfg.gids, .nb_gids = cryptoengd.cfg.nb_gids,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	struct cp_pending *p = NULL;
	unsigned int conns, pending, limit;
	pid_t pid = 0;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int ret;

	ret = ce_shm_peer_check(fd, &acl, &pid, &uid, &gid, NULL);
	if (ret == -EACCES) {
		cp_refuse_fd(fd, pid, uid, ret, "uid %u gid %u not allowed ([clients] allow_uids / "
			      "allow_gids)", (unsigned int)uid, (unsigned int)gid);
		return;
	}
	if (ret < 0) {
		cp_refuse_fd(fd, pid, uid, ret, "cannot read the peer's credentials (%s)",
			      strerror(-ret));
		return;
	}
	/* 0: a uid may take every client slot, plus its share of the waiting ones. */
	limit = cryptoengd.cfg.max_conns_per_uid ? cryptoengd.cfg.max_conns_per_uid :
		cryptoengd.cfg.max_clients + cryptoengd.cfg.max_pending_per_uid;
	conns = cp_uid_conns(uid, &pending);
	if (conns >= limit) {
		cp_sweep(uid, false);
		conns = cp_uid_conns(uid, &pending);
	}
	if (conns >= limit) {
		cp_refuse_fd(fd, pid, uid, -EUSERS, "uid %u holds %u connections already "
			      "([clients] max_conns_per_uid)", (unsigned int)uid, conns);
		return;
	}
	if (pending >= cryptoengd.cfg.max_pending_per_uid) {
		cp_refuse_fd(fd, pid, uid, -EAGAIN, "uid %u has %u connections waiting for HELLO "
			      "already ([clients] max_pending_per_uid)", (unsigned int)uid, pending);
		return;
	}
	if (cp_nb_pend >= cryptoengd.cfg.max_pending) {
		cp_refuse_fd(fd, pid, uid, -EAGAIN, "%u connections wait for HELLO already "
			      "([clients] max_pending); try again", cp_nb_pend);
		return;
	}
	for (unsigned int i = 0; p == NULL; i++)
		if (cp_pend[i].fd < 0)
			p = &cp_pend[i];
	ev.data.ptr = p;
	if (epoll_ctl(cp_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	p->fd = fd;
	p->pid = pid;
	p->uid = uid;
	p->gid = gid;
	p->deadline_ms = cp_now_ms() + cryptoengd.cfg.hello_timeout_ms;
	cp_nb_pend++;
}

/* A valid HELLO: the connection becomes a client. NULL: out of memory. */
static struct d_client *
cp_client_new(const struct cp_pending *p)
{
	struct d_client *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->sess = calloc(cryptoengd.cfg.max_sessions, sizeof(*c->sess));
	c->sess_busy = calloc((size_t)cryptoengd.nb_workers * cryptoengd.cfg.max_sessions, sizeof(*c->sess_busy));
	if (c->sess == NULL || c->sess_busy == NULL) {
		free(c->sess);
		free(c->sess_busy);
		free(c);
		return NULL;
	}
	c->sock = p->fd;
	c->pid = p->pid;
	c->uid = p->uid;
	c->gid = p->gid;
	c->hello = true;
	c->id = ++cryptoengd.next_client_id;
	/* Generations start at a per-client value (7919 is odd: distinct
	 * for distinct ids), so one client's handle is not another's. */
	for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++)
		c->sess[i].gen = (uint16_t)(c->id * 7919u);
	TAILQ_INIT(&c->qps);
	snprintf(c->name, sizeof(c->name), "%s", cp_msg.u.hello.name);
	return c;
}

static void
cp_pending_hello(struct cp_pending *p)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ce_msg_reply r = { 0 };
	struct d_client *c;

	if (cp_msg.u.hello.version != CE_SHM_VERSION) {
		cp_pending_reply(p, -EPROTO, "protocol version %u; this daemon speaks %u",
				  cp_msg.u.hello.version, CE_SHM_VERSION);
		return;
	}
	if (cryptoengd.nb_clients >= cryptoengd.cfg.max_clients) {
		/* The sweep reads other clients' messages into cp_msg: keep the HELLO. */
		struct ce_msg_hdr hdr = cp_msg.hdr;
		struct ce_msg_hello hello = cp_msg.u.hello;

		cp_sweep(0, true);
		cp_msg.hdr = hdr;
		cp_msg.u.hello = hello;
		cp_msg.nb_fds = 0;
	}
	if (cryptoengd.nb_clients >= cryptoengd.cfg.max_clients) {
		cp_pending_reply(p, -EUSERS, "too many clients (%u, [clients] max_clients)",
				  cryptoengd.nb_clients);
		cp_log_refusal(p->pid, p->uid, cp_reason);
		cp_pending_close(p);
		return;
	}
	c = cp_client_new(p);
	ev.data.ptr = c;
	if (c == NULL || epoll_ctl(cp_epfd, EPOLL_CTL_MOD, p->fd, &ev) < 0) {
		cp_pending_reply(p, -ENOMEM, "out of memory");
		cp_pending_close(p);
		if (c != NULL) {
			free(c->sess);
			free(c->sess_busy);
			free(c);
		}
		return;
	}
	cp_pending_free(p);
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_INSERT_TAIL(&cryptoengd.clients, c, next);
	cryptoengd.nb_clients++;
	pthread_mutex_unlock(&cryptoengd.lock);
	r.u.hello.version = CE_SHM_VERSION;
	r.u.hello.max_qps = cryptoengd.cfg.max_qps;
	r.u.hello.max_region = (uint64_t)cryptoengd.cfg.max_region_mb << 20;
	cp_reply_u(c, &r.u, sizeof(r.u.hello));
}

static void
cp_pending_io(struct cp_pending *p, uint32_t events)
{
	const char *why = NULL;
	int ret;

	while (p->fd >= 0) {
		ret = ce_msg_recv(p->fd, &cp_msg, &why);
		if (ret == -EAGAIN || ret == -EINTR)
			break;
		if (ret < 0) {
			if (ret != -ECONNRESET)
				ce_msg_send_reply(p->fd, 0, 0, ret, why ? why : strerror(-ret),
						  NULL, 0);
			cp_pending_close(p);
			return;
		}
		if (cp_msg.hdr.type == CE_MSG_BYE)
			cp_pending_close(p);
		else if (cp_msg.hdr.type == CE_MSG_HELLO)
			cp_pending_hello(p);	/* a client now, or closed */
		else
			cp_pending_reply(p, -EPROTO, "HELLO first");
		ce_msg_close_fds(&cp_msg);
		ce_msg_wipe(&cp_msg);
	}
	if (p->fd >= 0 && (events & (EPOLLHUP | EPOLLERR)))
		cp_pending_close(p);
}

/* Close pending connections past their HELLO deadline. @return the next deadline. */
static uint64_t
cp_pending_expire(uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending && cp_nb_pend != 0; i++) {
		struct cp_pending *p = &cp_pend[i];

		if (p->fd < 0)
			continue;
		if (p->deadline_ms <= now) {
			char why[64];

			snprintf(why, sizeof(why), "no HELLO within %u ms ([clients] "
				 "hello_timeout_ms)", cryptoengd.cfg.hello_timeout_ms);
			cp_pending_refuse(p, -ETIMEDOUT, why);
		} else if (p->deadline_ms < next) {
			next = p->deadline_ms;
		}
	}
	return next;
}

/*
 * accept failed for want of descriptors: the listening fd stays readable,
 * so with it in a level-triggered epoll the loop would spin. Take it out
 * and try again later; say so once per episode.
 */
static void
cp_accept_pause(int err)
{
	epoll_ctl(cp_epfd, EPOLL_CTL_DEL, cp_lfd, NULL);
	cp_accept_paused = true;
	cp_accept_resume_ms = cp_now_ms() + CP_ACCEPT_PAUSE_MS;
	cp_accept_pauses++;
	if (!cp_accept_warned)
		d_log(LOG_WARNING, "accept: %s: not accepting for %u ms at a time until descriptors "
		      "free up (raise the fd limit, e.g. LimitNOFILE, or lower [clients] "
		      "max_clients / max_pending)", strerror(err), CP_ACCEPT_PAUSE_MS);
	cp_accept_warned = true;
}

static void
cp_accept_resume(uint64_t now)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cp_tag_listen };

	if (!cp_accept_paused || now < cp_accept_resume_ms)
		return;
	cp_accept_paused = false;
	epoll_ctl(cp_epfd, EPOLL_CTL_ADD, cp_lfd, &ev);
}

static void
cp_accept(void)
{
	for (;;) {
		int fd = accept4(cp_lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				cp_accept_pause(errno);
			return;
		}
		if (cp_accept_warned) {
			d_log(LOG_NOTICE, "accepting connections again (%" PRIu64 " pauses so far)",
			      cp_accept_pauses);
			cp_accept_warned = false;
		}
		cp_admit(fd);
	}
}

/* ---- stop ------------------------------------------------------------------ */

/* No new connections, pending ones refused, every worker told to drain. */
static void
cp_stop_begin(void)
{
	if (__atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&cryptoengd.stopping, 1, __ATOMIC_RELAXED);
	if (!cp_accept_paused)
		epoll_ctl(cp_epfd, EPOLL_CTL_DEL, cp_lfd, NULL);
	close(cp_lfd);
	cp_lfd = -1;
	unlink(cryptoengd.cfg.socket_path);
	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending; i++)
		if (cp_pend[i].fd >= 0)
			cp_pending_refuse(&cp_pend[i], -ESHUTDOWN, "the daemon is stopping");
	d_log(LOG_INFO, "stopping: every queued request is answered within %u ms "
	      "([engine] stop_timeout_ms), then the clients are closed", cryptoengd.cfg.stop_timeout_ms);
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		/* Release: pairs with the worker's acquire of stop. */
		__atomic_store_n(&cryptoengd.workers[i]->stop, 1, __ATOMIC_RELEASE);
		d_worker_cmd(cryptoengd.workers[i], D_CMD_WAKE, NULL);
	}
}

static bool
cp_workers_stopped(void)
{
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		if (__atomic_load_n(&cryptoengd.workers[i]->state, __ATOMIC_RELAXED) != D_W_STOPPED)
			return false;
	return true;
}

/* Free what is no longer used. @return true while something still waits. */
static bool
cp_reap(void)
{
	struct d_qp *qp, *qtmp;
	struct d_client *c, *ctmp;
	bool waiting = false;

	for (qp = TAILQ_FIRST(&cryptoengd.dying); qp != NULL; qp = qtmp) {
		qtmp = TAILQ_NEXT(qp, next);
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
	for (c = TAILQ_FIRST(&cryptoengd.clients); c != NULL; c = ctmp) {
		bool busy = false;

		ctmp = TAILQ_NEXT(c, next);
		for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++) {
			struct d_sess *s = &c->sess[i];

			if (!s->pending)
				continue;
			if (rte_rcu_qsbr_check(cryptoengd.qsbr, s->token, false) == 1 &&
			    cp_sess_busy(c, i) == 0)
				cp_sess_release(s);
			else
				busy = waiting = true;
		}
		if (!c->dead)
			continue;
		TAILQ_FOREACH(qp, &cryptoengd.dying, next)
			if (qp->c == c)
				busy = true;
		if (busy) {
			waiting = true;
			continue;
		}
		/* Nothing of the client is in flight any more: its memory can go. */
		pthread_mutex_lock(&cryptoengd.lock);
		TAILQ_REMOVE(&cryptoengd.clients, c, next);
		pthread_mutex_unlock(&cryptoengd.lock);
		cp_region_unmap(c);
		free(c->sess);
		free(c->sess_busy);
		free(c);
	}
	return waiting;
}

static int
cp_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = cryptoengd.cfg.socket_path;
	int fd, probe;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* A socket file left by a dead daemon is removed; a live daemon's is not. */
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			d_log(LOG_ERR, "%s: another daemon is listening there", path);
			return -EADDRINUSE;
		}
		close(probe);
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, cryptoengd.cfg.socket_mode) < 0 || listen(fd, 64) < 0) {
		int err = errno;

		d_log(LOG_ERR, "%s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/*
 * After the workers have stopped: nothing runs on the data path any more,
 * so every queue pair, session and region can go at once.
 */
void
cp_teardown(void)
{
	struct d_client *c;
	struct d_qp *qp;

	TAILQ_FOREACH(c, &cryptoengd.clients, next) {
		if (c->sock >= 0)
			close(c->sock);
		c->sock = -1;
		while ((qp = TAILQ_FIRST(&c->qps)) != NULL) {
			TAILQ_REMOVE(&c->qps, qp, next);
			cp_qp_free(qp);
		}
		for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++)
			if (c->sess[i].live != 0 || c->sess[i].pending)
				cp_sess_release(&c->sess[i]);
	}
	/* Before the clients: cp_qp_free() adds to its client's counters. */
	while ((qp = TAILQ_FIRST(&cryptoengd.dying)) != NULL) {
		TAILQ_REMOVE(&cryptoengd.dying, qp, next);
		cp_qp_free(qp);
	}
	while ((c = TAILQ_FIRST(&cryptoengd.clients)) != NULL) {
		TAILQ_REMOVE(&cryptoengd.clients, c, next);
		cp_region_unmap(c);
		free(c->sess);
		free(c->sess_busy);
		free(c);
	}
	cryptoengd.nb_clients = 0;
	for (unsigned int i = 0; cp_pend != NULL && i < cryptoengd.cfg.max_pending; i++)
		if (cp_pend[i].fd >= 0)
			close(cp_pend[i].fd);
	free(cp_pend);
	cp_pend = NULL;
	cp_nb_pend = 0;
	if (cp_epfd >= 0)
		close(cp_epfd);
	if (cp_sfd >= 0)
		close(cp_sfd);
}

int
cp_run(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;
	int ret = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked in main() before EAL made its threads; here we take them. */
	cp_sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	cp_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (cp_sfd < 0 || cp_epfd < 0)
		return -errno;
	cp_pend = calloc(cryptoengd.cfg.max_pending, sizeof(*cp_pend));
	if (cp_pend == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending; i++)
		cp_pend[i].fd = -1;
	cp_lfd = cp_listen();
	if (cp_lfd < 0)
		return cp_lfd;
	ev.data.ptr = &cp_tag_listen;
	epoll_ctl(cp_epfd, EPOLL_CTL_ADD, cp_lfd, &ev);
	ev.data.ptr = &cp_tag_signal;
	epoll_ctl(cp_epfd, EPOLL_CTL_ADD, cp_sfd, &ev);
	ev.data.ptr = &cp_tag_broken;
	epoll_ctl(cp_epfd, EPOLL_CTL_ADD, cryptoengd.cp_efd, &ev);
	d_log(LOG_INFO, "listening on %s", cryptoengd.cfg.socket_path);
	d_notify_ready();

	/* Until the stop has begun and every worker has drained. */
	while (!__atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED) || !cp_workers_stopped()) {
		struct epoll_event evs[32];
		bool waiting = cp_reap();
		uint64_t now = cp_now_ms(), next = cp_pending_expire(now);
		bool accept_ready = false;
		int timeout = -1, n;

		if (waiting || __atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED))
			timeout = CP_REAP_MS;
		if (cp_accept_paused) {
			cp_accept_resume(now);
			if (cp_accept_paused && (timeout < 0 ||
						  cp_accept_resume_ms - now < (uint64_t)timeout))
				timeout = (int)(cp_accept_resume_ms - now);
		}
		if (next != UINT64_MAX && (timeout < 0 || next - now < (uint64_t)timeout))
			timeout = (int)(next - now);
		n = epoll_wait(cp_epfd, evs, 32, timeout);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			void *ptr = evs[i].data.ptr;

			if (ptr == &cp_tag_listen) {
				accept_ready = true;
			} else if (ptr == &cp_tag_broken) {
				cp_broken();
			} else if (ptr == &cp_tag_signal) {
				struct signalfd_siginfo si;

				while (read(cp_sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						d_reload();
						continue;
					}
					d_log(LOG_INFO, "signal %u: stopping", si.ssi_signo);
					cp_stop_begin();
				}
			} else if (cp_is_pending(ptr)) {
				struct cp_pending *p = ptr;

				if (p->fd >= 0)
					cp_pending_io(p, evs[i].events);
			} else {
				struct d_client *c = ptr;

				if (!c->dead)
					cp_client_io(c, evs[i].events);
			}
		}
		/*
		 * New connections last: a client that closed (BYE) before another
		 * connected is gone by the time the newcomer is counted.
		 */
		if (accept_ready && cp_lfd >= 0 && !cp_accept_paused)
			cp_accept();
	}
	if (cp_lfd >= 0) {
		close(cp_lfd);
		unlink(cryptoengd.cfg.socket_path);
	}
	return ret;
}
