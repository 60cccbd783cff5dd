/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket and connections before HELLO. The peer's credentials
 * are checked at accept, before anything is allocated; a refused peer is
 * answered and closed at once. An accepted peer holds one fixed pending slot
 * until its HELLO (deadline [clients] hello_timeout_ms); only HELLO makes it
 * a client (max_clients, cp_client.c). accept failing for want of
 * descriptors pauses the listening socket instead of spinning on it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ce_clock.h"
#include "cp.h"

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

static int cp_lfd = -1;
/* The listening socket's epoll tag; clients and pending slots use their own pointer. */
static int cp_tag_listen;

static uint64_t
cp_now_ms(void)
{
	return ce_clock_ns() / 1000000;
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

bool
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
	c = cp_client_new(p->fd, p->pid, p->uid, p->gid, cp_msg.u.hello.name);
	ev.data.ptr = c;
	if (c == NULL || epoll_ctl(cp_epfd, EPOLL_CTL_MOD, p->fd, &ev) < 0) {
		cp_pending_reply(p, -ENOMEM, "out of memory");
		cp_pending_close(p);
		if (c != NULL)
			cp_client_free(c);
		return;
	}
	cp_pending_free(p);
	cp_client_add(c);
	r.u.hello.version = CE_SHM_VERSION;
	r.u.hello.max_qps = cryptoengd.cfg.max_qps;
	r.u.hello.max_region = (uint64_t)cryptoengd.cfg.max_region_mb << 20;
	cp_reply_u(c, &r.u, sizeof(r.u.hello));
}

void
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

int
cp_listen_start(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cp_tag_listen };

	cp_pend = calloc(cryptoengd.cfg.max_pending, sizeof(*cp_pend));
	if (cp_pend == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending; i++)
		cp_pend[i].fd = -1;
	cp_lfd = cp_listen();
	if (cp_lfd < 0)
		return cp_lfd;
	epoll_ctl(cp_epfd, EPOLL_CTL_ADD, cp_lfd, &ev);
	return 0;
}

void
cp_listen_stop(void)
{
	if (!cp_accept_paused)
		epoll_ctl(cp_epfd, EPOLL_CTL_DEL, cp_lfd, NULL);
	close(cp_lfd);
	cp_lfd = -1;
	unlink(cryptoengd.cfg.socket_path);
	for (unsigned int i = 0; i < cryptoengd.cfg.max_pending; i++)
		if (cp_pend[i].fd >= 0)
			cp_pending_refuse(&cp_pend[i], -ESHUTDOWN, "the daemon is stopping");
}

void
cp_listen_close(void)
{
	if (cp_lfd >= 0) {
		close(cp_lfd);
		unlink(cryptoengd.cfg.socket_path);
	}
}

void
cp_listen_teardown(void)
{
	for (unsigned int i = 0; cp_pend != NULL && i < cryptoengd.cfg.max_pending; i++)
		if (cp_pend[i].fd >= 0)
			close(cp_pend[i].fd);
	free(cp_pend);
	cp_pend = NULL;
	cp_nb_pend = 0;
}

int
cp_listen_tick(int timeout)
{
	uint64_t now = cp_now_ms(), next = cp_pending_expire(now);

	if (cp_accept_paused) {
		cp_accept_resume(now);
		if (cp_accept_paused && (timeout < 0 ||
					 cp_accept_resume_ms - now < (uint64_t)timeout))
			timeout = (int)(cp_accept_resume_ms - now);
	}
	if (next != UINT64_MAX && (timeout < 0 || next - now < (uint64_t)timeout))
		timeout = (int)(next - now);
	return timeout;
}

bool
cp_is_listener(const void *tag)
{
	return tag == &cp_tag_listen;
}

void
cp_listen_accept(void)
{
	if (cp_lfd >= 0 && !cp_accept_paused)
		cp_accept();
}
