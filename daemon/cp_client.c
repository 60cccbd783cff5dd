/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A client's life: made by a valid HELLO (cp_listen.c hands the
 * connection over), dropped on BYE, a hang-up, a bad message or a broken
 * queue pair (its socket closes at once, its queue pairs and sessions are
 * retired), reaped once nothing of it is in flight, then freed. A dead
 * client's region is unmapped only after its last queue pair is freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

#include "cp.h"
#include "trace.h"

struct d_client *
cp_client_new(int fd, pid_t pid, uid_t uid, gid_t gid, const char *name)
{
	struct d_client *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->sess = calloc(cryptoengd.cfg.max_sessions, sizeof(*c->sess));
	c->sess_busy = calloc((size_t)cryptoengd.nb_workers * cryptoengd.cfg.max_sessions,
			      sizeof(*c->sess_busy));
	if (c->sess == NULL || c->sess_busy == NULL) {
		cp_client_free(c);
		return NULL;
	}
	c->sock = fd;
	c->pid = pid;
	c->uid = uid;
	c->gid = gid;
	c->hello = true;
	c->id = ++cryptoengd.next_client_id;
	/* Generations start at a per-client value (7919 is odd: distinct
	 * for distinct ids), so one client's handle is not another's. */
	for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++)
		c->sess[i].gen = (uint16_t)(c->id * 7919u);
	TAILQ_INIT(&c->qps);
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

void
cp_client_add(struct d_client *c)
{
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_INSERT_TAIL(&cryptoengd.clients, c, next);
	cryptoengd.nb_clients++;
	pthread_mutex_unlock(&cryptoengd.lock);
	d_trace_client_connect(c->id, c->pid, c->uid, c->name);
}

void
cp_client_free(struct d_client *c)
{
	cp_region_unmap(c);
	free(c->sess);
	free(c->sess_busy);
	free(c);
}

void
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
	d_trace_client_close(c->id, c->pid);
	d_log(LOG_DEBUG, "client %u (pid %d) gone", c->id, (int)c->pid);
}

/*
 * A worker found an impossible index in a ring of one of the client's queue
 * pairs (it wrote its ring header): it stopped reading that queue pair and
 * posted a notice CQE. Here the client is told why and dropped; its
 * requests in flight finish before anything of it is freed (cp_reap).
 */
void
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

bool
cp_reap(void)
{
	struct d_client *c, *next;
	bool waiting = cp_qp_reap();

	for (c = TAILQ_FIRST(&cryptoengd.clients); c != NULL; c = next) {
		bool busy = cp_sess_reap(c);

		next = TAILQ_NEXT(c, next);
		if (busy)
			waiting = true;
		if (!c->dead)
			continue;
		if (busy || cp_qp_dying_of(c)) {
			waiting = true;
			continue;
		}
		/* Nothing of the client is in flight any more: its memory can go. */
		pthread_mutex_lock(&cryptoengd.lock);
		TAILQ_REMOVE(&cryptoengd.clients, c, next);
		pthread_mutex_unlock(&cryptoengd.lock);
		cp_client_free(c);
	}
	return waiting;
}

/*
 * After the workers have stopped: nothing runs on the data path any more,
 * so every queue pair, session and region can go at once.
 */
void
cp_clients_teardown(void)
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
		cp_client_free(c);
	}
	cryptoengd.nb_clients = 0;
}
