/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane, on the main lcore: one epoll loop over the listening
 * socket (cp_listen.c), the connections before HELLO, the clients, the
 * signals and the workers' "a queue pair broke" eventfd; each client message
 * (REGION, QP_CREATE/DESTROY, SESSION_CREATE/DESTROY, CTL, BYE) to its
 * handler, and the answers. Blocks in epoll: a spinning control thread would
 * steal a core from the clients. Between rounds it frees what the workers
 * are done with (cp_reap): a destroyed session or queue pair may still be in
 * use by a worker.
 *
 * Stop (SIGTERM/SIGINT): the socket goes, pending connections are refused,
 * the workers drain (worker.c) while this loop goes on answering clients
 * (no new queue pairs); once every worker has stopped, cp_run returns.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "cp.h"

#define CP_REAP_MS		10	/* something waits to be freed: look again after */

struct ce_msg cp_msg;
char cp_reason[CE_MSG_REASON_MAX];
int cp_epfd = -1;
static int cp_sfd = -1;

/* epoll tags of the signalfd and the workers' eventfd. */
static int cp_tag_signal, cp_tag_broken;

int
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
		      cp_msg.hdr.type == CE_MSG_SESSION_CREATE ||
		      cp_msg.hdr.type == CE_MSG_ASYM_SESSION_CREATE ? "session" : "request",
		      cp_reason);
	return ce_msg_send_reply(c->sock, cp_msg.hdr.seq, cp_msg.hdr.type, status,
				 cp_reason, NULL, 0);
}

int
cp_reply_u(struct d_client *c, const void *u, size_t ulen)
{
	return ce_msg_send_reply(c->sock, cp_msg.hdr.seq, cp_msg.hdr.type, 0, NULL, u, ulen);
}

/*
 * An unsolicited REPLY (seq 0, req_type 0): why the daemon is about to close
 * the connection. A client that reads its socket gets the reason; the close
 * that follows tells every other client.
 */
void
cp_notice(struct d_client *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cp_reason, sizeof(cp_reason), fmt, ap);
	va_end(ap);
	ce_msg_send_reply(c->sock, 0, 0, status, cp_reason, NULL, 0);
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
	case CE_MSG_ASYM_SESSION_CREATE:
		cp_session_asym_create(c);
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

void
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
		/* Key bytes of a (ASYM_)SESSION_CREATE must not stay in our memory. */
		ce_msg_close_fds(&cp_msg);
		ce_msg_wipe(&cp_msg);
		if (c->dead)
			return;
	}
	if (events & (EPOLLHUP | EPOLLERR))
		cp_client_drop(c);
}

/* ---- stop ------------------------------------------------------------------ */

/* No new connections, pending ones refused, every worker told to drain. */
static void
cp_stop_begin(void)
{
	if (__atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&cryptoengd.stopping, 1, __ATOMIC_RELAXED);
	cp_listen_stop();
	d_log(LOG_INFO, "stopping: every queued request is answered within %u ms "
	      "([engine] stop_timeout_ms), then the clients are closed",
	      cryptoengd.cfg.stop_timeout_ms);
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

/* SIGHUP reloads; SIGTERM and SIGINT begin the stop. */
static void
cp_signals(void)
{
	struct signalfd_siginfo si;

	while (read(cp_sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			d_reload();
			continue;
		}
		d_log(LOG_INFO, "signal %u: stopping", si.ssi_signo);
		cp_stop_begin();
	}
}

/* ---- the loop -------------------------------------------------------------- */

void
cp_teardown(void)
{
	cp_clients_teardown();
	cp_listen_teardown();
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
	ret = cp_listen_start();
	if (ret < 0)
		return ret;
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
		bool accept_ready = false;
		int timeout = -1, n;

		if (waiting || __atomic_load_n(&cryptoengd.stopping, __ATOMIC_RELAXED))
			timeout = CP_REAP_MS;
		timeout = cp_listen_tick(timeout);
		n = epoll_wait(cp_epfd, evs, 32, timeout);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		for (int i = 0; i < n; i++) {
			void *ptr = evs[i].data.ptr;

			if (cp_is_listener(ptr)) {
				accept_ready = true;
			} else if (ptr == &cp_tag_broken) {
				cp_broken();
			} else if (ptr == &cp_tag_signal) {
				cp_signals();
			} else if (cp_is_pending(ptr)) {
				cp_pending_io(ptr, evs[i].events);
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
		if (accept_ready)
			cp_listen_accept();
	}
	cp_listen_close();
	return ret;
}
