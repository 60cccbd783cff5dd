/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libcryptoeng: connection, region, arena allocator, queue pairs, sessions
 * and the data path.
 *
 * In-flight record: each queue pair has one tag per credit, allocated with
 * the queue pair. ce_submit_burst() takes a free tag per descriptor, keeps
 * the application's cookie in it and puts (generation << 32 | tag) in the
 * SQ copy's cookie; ce_poll_burst() maps the CQE back and frees the tag.
 * Completions may come back in any order; a CQE whose tag is not in flight
 * with that generation (a duplicate, a late answer after the requests were
 * reported lost) is dropped. When the daemon has gone, the tags still held
 * are the requests that will never complete: each gets one synthesised
 * -ECONNRESET completion. No lock (one thread per queue pair), no
 * allocation on the data path.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ce_clock.h"
#include "ce_shm.h"
#include "cryptoeng.h"

#define CLIENT_DEF_REGION	(16u << 20)
#define CLIENT_DEF_QPS		4u
#define CLIENT_DEF_ENTRIES	1024u
#define CLIENT_MAX_QPS		64u
#define CLIENT_PAGE		4096u
#define CLIENT_BYE_WAIT_MS	1000	/* for the daemon to close after BYE */
#define CLIENT_TAG_BITS		32
#define CLIENT_TAG_MASK		0xffffffffu
/* Sessions whose IV and digest lengths submit knows (compact descriptors). */
#define CLIENT_SESS_CACHE	256u

/* One extent of the arena, in private memory (the daemon never sees it). */
struct client_ext {
	uint64_t off;
	uint64_t len;
	bool used;
	struct client_ext *next;
};

/* One request in flight: the application's cookie behind a tag. */
struct client_tag {
	uint64_t cookie;
	uint32_t gen;		/* bumped at each use: a stale CQE does not match */
	uint32_t busy;
};

/* What the daemon told this queue pair in band. */
enum client_qp_state {
	CLIENT_QP_LIVE = 0,
	CLIENT_QP_STOPPING,	/* CE_CQE_COOKIE_SHUTDOWN seen: submit says -ESHUTDOWN */
	CLIENT_QP_BROKEN,	/* CE_CQE_COOKIE_BROKEN seen: the daemon reads our SQ no more */
};

struct ce_qp {
	struct ce_client *c;
	unsigned int slot;
	uint32_t id;		/* daemon's qp id */
	uint32_t lcore;
	uint32_t credits;
	struct ce_ring sq;	/* we produce */
	struct ce_ring cq;	/* we consume */
	int sq_efd;		/* doorbell: we write, daemon waits */
	int cq_efd;		/* notification: daemon writes, we wait */
	uint32_t state;		/* enum client_qp_state */
	uint32_t armed;		/* NEED_WAKEUP set by ce_qp_arm() */
	struct client_tag *tags;	/* credits entries */
	uint32_t *free_tags;	/* stack of free tag indices */
	uint32_t nb_free;
	uint32_t synth_next;	/* next tag to scan when reporting lost requests */
	uint64_t next_check_ns;	/* next hang-up check of an empty poll */
	uint64_t stray;		/* CQEs dropped: not a request in flight */
};

struct ce_client {
	int sock;
	int memfd;
	uint8_t *base;
	uint64_t size;
	uint64_t arena_off;
	uint64_t arena_len;
	uint32_t nb_qps;
	uint32_t sq_entries;
	uint32_t cq_entries;
	uint64_t qp_slot_size;
	uint32_t seq;
	int gone;		/* the daemon hung up (atomic: any thread sets it) */
	uint32_t qp_serial;	/* queue pairs created, seeds their tag generations */
	pthread_mutex_t lock;	/* control path only */
	struct client_ext *exts;
	struct ce_qp *qps[CLIENT_MAX_QPS];
	bool slot_retired[CLIENT_MAX_QPS];	/* the daemon may still write its rings */
	/*
	 * handle << 32 | iv_len << 16 | digest_len of the symmetric sessions
	 * made here, by the handle's low bits (0: none): one word, so a submit
	 * on another thread never reads a handle with another session's lengths.
	 */
	uint64_t sess_lens[CLIENT_SESS_CACHE];
	char last_error[CE_MSG_REASON_MAX];
};

static uint64_t
client_align(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool
client_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void
client_set_error(struct ce_client *c, const char *what)
{
	snprintf(c->last_error, sizeof(c->last_error), "%s", what);
}

/* Why the calling thread's last ce_client_connect failed (no client to hold it). */
static __thread char client_connect_error[CE_MSG_REASON_MAX];

const char *
ce_client_last_error(struct ce_client *c)
{
	return c != NULL ? c->last_error : client_connect_error;
}

/* Offset of queue pair slot @p i's SQ; its CQ follows, 64-byte aligned. */
static uint64_t
client_sq_off(const struct ce_client *c, unsigned int i)
{
	return CE_REGION_HDR_SPACE + (uint64_t)i * c->qp_slot_size;
}

static uint64_t
client_cq_off(const struct ce_client *c, unsigned int i)
{
	return client_sq_off(c, i) +
		client_align(ce_ring_bytes(c->sq_entries, sizeof(struct ce_desc)), CE_CACHE_LINE);
}

static void
client_mark_gone(struct ce_client *c)
{
	/* Release: what we read from the rings before is not reordered after. */
	__atomic_store_n(&c->gone, 1, __ATOMIC_RELEASE);
}

static bool
client_is_gone(const struct ce_client *c)
{
	/* Acquire: CQEs the daemon posted before hanging up are visible after. */
	return __atomic_load_n(&c->gone, __ATOMIC_ACQUIRE) != 0;
}

/* One poll(2) of the control socket, zero timeout. @return true if it hung up. */
static bool
client_hangup_check(struct ce_client *c)
{
	struct pollfd pfd = { .fd = c->sock, .events = POLLRDHUP };

	if (client_is_gone(c))
		return true;
	/* Not POLLIN: an unsolicited message is the control path's to read. */
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL))) {
		client_mark_gone(c);
		return true;
	}
	return false;
}

/*
 * Receive one message. A daemon that closes while our last message is still
 * unread leaves a pending ECONNRESET, which recvmsg(2) reports before the
 * messages queued ahead of the close (a refusal, say): report the reset
 * once, then read on.
 */
static int
client_recv(struct ce_client *c, struct ce_msg *m, const char **why)
{
	int ret = ce_msg_recv(c->sock, m, why);

	if (ret == -ECONNRESET)
		ret = ce_msg_recv(c->sock, m, why);
	return ret;
}

/*
 * Send one request and receive its answer into @p m; caller holds c->lock.
 * Fds in the answer are refused by ce_msg_recv() (no answer carries any).
 */
static int
client_xfer(struct ce_client *c, uint16_t type, const void *payload, size_t len,
	    const int *fds, unsigned int nb_fds, struct ce_msg *m)
{
	const char *why = NULL;
	uint32_t seq = ++c->seq;
	int ret;

	c->last_error[0] = '\0';
	if (client_is_gone(c)) {
		client_set_error(c, "the daemon has gone");
		return -EPIPE;
	}
	ret = ce_msg_send(c->sock, type, seq, payload, len, fds, nb_fds);
	if (ret < 0) {
		client_set_error(c, "sending to the daemon failed");
		/* A daemon that refused the connection answered HELLO before it
		 * closed: the peer is gone, so this read cannot block. */
		if ((ret == -EPIPE || ret == -ECONNRESET || ret == -ECONNREFUSED) &&
		    client_recv(c, m, &why) == 0 && m->hdr.seq == seq &&
		    m->hdr.type == CE_MSG_REPLY && m->u.reply.req_type == type &&
		    m->u.reply.status < 0 && m->u.reply.status >= -4095) {
			client_set_error(c, m->u.reply.reason[0] ? m->u.reply.reason :
					 strerror(-m->u.reply.status));
			client_mark_gone(c);
			return m->u.reply.status;
		}
		if (ret == -EINVAL)
			return -EINVAL;
		client_mark_gone(c);
		return -EPIPE;
	}
	ret = client_recv(c, m, &why);
	if (ret < 0) {
		client_set_error(c, why ? why : "receiving from the daemon failed");
		if (ret != -ECONNRESET)
			return -EPROTO;
		client_mark_gone(c);
		return -EPIPE;
	}
	if (m->hdr.seq == 0 && m->hdr.type == CE_MSG_REPLY) {
		/* Unsolicited: the daemon drops us and says why (broken ring...). */
		client_set_error(c, m->u.reply.reason[0] ? m->u.reply.reason :
				 "the daemon closed the connection");
		client_mark_gone(c);
		return -EPIPE;
	}
	if (m->hdr.seq != seq) {
		client_set_error(c, "reply out of sequence");
		return -EPROTO;
	}
	if (m->hdr.type == CE_MSG_REPLY) {
		if (m->u.reply.req_type != type) {
			client_set_error(c, "reply to another request type");
			return -EPROTO;
		}
		if (m->u.reply.status > 0 || m->u.reply.status < -4095) {
			client_set_error(c, "daemon sent an invalid status");
			return -EPROTO;
		}
		if (m->u.reply.status < 0)
			client_set_error(c, m->u.reply.reason[0] ? m->u.reply.reason :
					 strerror(-m->u.reply.status));
		return m->u.reply.status;
	}
	if (m->hdr.type == CE_MSG_CTL_REPLY && type == CE_MSG_CTL)
		return 0;
	client_set_error(c, "unexpected message type from the daemon");
	return -EPROTO;
}

/* A request answered by CE_MSG_REPLY; caller holds c->lock. */
static int
client_call(struct ce_client *c, uint16_t type, const void *payload, size_t len,
	    const int *fds, unsigned int nb_fds, struct ce_msg_reply *reply)
{
	struct ce_msg *m;
	int ret;

	m = malloc(sizeof(*m));
	if (!m) {
		client_set_error(c, "out of memory");
		return -ENOMEM;
	}
	ret = client_xfer(c, type, payload, len, fds, nb_fds, m);
	if (ret == 0 && m->hdr.type != CE_MSG_REPLY) {
		client_set_error(c, "unexpected message type from the daemon");
		ret = -EPROTO;
	}
	if (ret == 0)
		*reply = m->u.reply;
	free(m);
	return ret;
}

int
ce_client_ctl(struct ce_client *c, const char *req, char *out, size_t out_size)
{
	struct ce_msg *m;
	size_t len = req ? strlen(req) : 0;
	int ret;

	if (len == 0 || len > CE_MSG_CTL_MAX || (!out && out_size)) {
		client_set_error(c, "control request empty or too long");
		return -EINVAL;
	}
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	pthread_mutex_lock(&c->lock);
	ret = client_xfer(c, CE_MSG_CTL, req, len, NULL, 0, m);
	pthread_mutex_unlock(&c->lock);
	if (ret == 0) {
		/* A REPLY with status 0 answers a CTL with no text. */
		ret = m->hdr.type == CE_MSG_CTL_REPLY ? (int)m->hdr.len : 0;
		if (out_size)
			snprintf(out, out_size, "%s", m->hdr.type == CE_MSG_CTL_REPLY ? m->u.ctl : "");
	}
	free(m);
	return ret;
}

static int
client_sock_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* Lay out the region and create, size, seal and map the memfd. */
static int
client_region_create(struct ce_client *c)
{
	struct ce_region_hdr *hdr;
	uint64_t rings_end;
	int ret;

	c->qp_slot_size = client_align(client_cq_off(c, 0) - client_sq_off(c, 0) +
				       ce_ring_bytes(c->cq_entries, sizeof(struct ce_cqe)),
				       CLIENT_PAGE);
	rings_end = CE_REGION_HDR_SPACE + c->nb_qps * c->qp_slot_size;
	c->arena_off = client_align(rings_end, CLIENT_PAGE);
	if (c->arena_off >= c->size)
		return -EINVAL;
	c->arena_len = c->size - c->arena_off;

	c->memfd = memfd_create("cryptoeng", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (c->memfd < 0)
		return -errno;
	if (ftruncate(c->memfd, (off_t)c->size) < 0)
		goto err_errno;
	/* The daemon insists on SHRINK|GROW; SEAL so nobody can add or undo seals. */
	if (fcntl(c->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto err_errno;
	c->base = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	if (c->base == MAP_FAILED) {
		c->base = NULL;
		goto err_errno;
	}
	hdr = (struct ce_region_hdr *)c->base;
	hdr->magic = CE_REGION_MAGIC;
	hdr->version = CE_SHM_VERSION;
	hdr->size = c->size;
	hdr->arena_off = c->arena_off;
	hdr->arena_len = c->arena_len;
	hdr->nb_qp = c->nb_qps;

	c->exts = calloc(1, sizeof(*c->exts));
	if (!c->exts) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	c->exts->off = c->arena_off;
	c->exts->len = c->arena_len;
	return 0;

err_errno:
	ret = -errno;
err_unmap:
	if (c->base)
		munmap(c->base, c->size);
	c->base = NULL;
	close(c->memfd);
	c->memfd = -1;
	return ret;
}

struct ce_client *
ce_client_connect(const char *socket_path, const struct ce_client_opts *opts)
{
	struct ce_client_opts o = { 0 };
	struct ce_msg_hello hello = { .version = CE_SHM_VERSION };
	struct ce_msg_region region;
	struct ce_msg_reply reply;
	struct ce_client *c;
	int ret;

	if (opts)
		o = *opts;
	if (!o.region_size)
		o.region_size = CLIENT_DEF_REGION;
	if (!o.nb_qps)
		o.nb_qps = CLIENT_DEF_QPS;
	if (!o.sq_entries)
		o.sq_entries = CLIENT_DEF_ENTRIES;
	if (!o.cq_entries)
		o.cq_entries = o.sq_entries;
	if (o.nb_qps > CLIENT_MAX_QPS || !client_pow2(o.sq_entries) || !client_pow2(o.cq_entries) ||
	    o.sq_entries > CE_RING_MAX_ENTRIES || o.cq_entries > CE_RING_MAX_ENTRIES ||
	    o.region_size % CLIENT_PAGE) {
		snprintf(client_connect_error, sizeof(client_connect_error),
			 "options: queue pairs, ring sizes (powers of two) or region size "
			 "(a multiple of the page size) out of range");
		errno = EINVAL;
		return NULL;
	}
	if (!socket_path)
		socket_path = getenv(CE_SOCKET_ENV);
	if (!socket_path || !*socket_path)
		socket_path = CE_DEFAULT_SOCKET;

	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(client_connect_error, sizeof(client_connect_error), "%s",
			 strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	c->memfd = -1;
	c->size = o.region_size;
	c->nb_qps = o.nb_qps;
	c->sq_entries = o.sq_entries;
	c->cq_entries = o.cq_entries;
	pthread_mutex_init(&c->lock, NULL);

	c->sock = client_sock_connect(socket_path);
	if (c->sock < 0) {
		ret = c->sock;
		goto err_free;
	}
	if (o.name)
		snprintf(hello.name, sizeof(hello.name), "%s", o.name);
	ret = client_call(c, CE_MSG_HELLO, &hello, sizeof(hello), NULL, 0, &reply);
	if (ret < 0)
		goto err_sock;
	if (reply.u.hello.version != CE_SHM_VERSION) {
		ret = -EPROTO;
		goto err_sock;
	}
	ret = client_region_create(c);
	if (ret < 0)
		goto err_sock;
	region.size = c->size;
	region.arena_off = c->arena_off;
	region.arena_len = c->arena_len;
	ret = client_call(c, CE_MSG_REGION, &region, sizeof(region), &c->memfd, 1, &reply);
	if (ret < 0)
		goto err_region;
	return c;

err_region:
	free(c->exts);
	munmap(c->base, c->size);
	close(c->memfd);
err_sock:
	close(c->sock);
err_free:
	/* The daemon's reason (a refused uid, a region over its limit...) when it
	 * gave one, else what failed here. */
	snprintf(client_connect_error, sizeof(client_connect_error), "%s",
		 c->last_error[0] != '\0' ? c->last_error : strerror(-ret));
	pthread_mutex_destroy(&c->lock);
	free(c);
	errno = -ret;
	return NULL;
}

static void
client_qp_free(struct ce_qp *qp)
{
	qp->c->qps[qp->slot] = NULL;
	close(qp->sq_efd);
	close(qp->cq_efd);
	free(qp->tags);
	free(qp->free_tags);
	free(qp);
}

static int client_qp_drain(struct ce_qp *qp, uint64_t deadline_ns);

void
ce_client_close(struct ce_client *c)
{
	uint64_t deadline = ce_clock_ns() + CE_QP_DRAIN_TIMEOUT_MS * 1000000ull;
	struct client_ext *e, *next;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < CLIENT_MAX_QPS; i++) {
		if (!c->qps[i])
			continue;
		/* Until BYE the daemon serves the SQ: let what is in flight finish. */
		client_qp_drain(c->qps[i], deadline);
		client_qp_free(c->qps[i]);
	}
	/*
	 * BYE needs no reply: the daemon closes its side. Wait (bounded) for
	 * that, so that once we return this client no longer counts against
	 * the daemon's limits (a reconnect right after is not refused).
	 */
	if (!client_is_gone(c) &&
	    ce_msg_send(c->sock, CE_MSG_BYE, ++c->seq, NULL, 0, NULL, 0) == 0) {
		struct pollfd pfd = { .fd = c->sock, .events = POLLRDHUP };

		poll(&pfd, 1, CLIENT_BYE_WAIT_MS);
	}
	close(c->sock);
	munmap(c->base, c->size);
	close(c->memfd);
	for (e = c->exts; e; e = next) {
		next = e->next;
		free(e);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void *
ce_buf_alloc(struct ce_client *c, size_t size, size_t align)
{
	struct client_ext *e, *tail, *head;
	uint64_t start, pad;

	if (align == 0)
		align = CE_CACHE_LINE;
	if (size == 0 || !client_pow2(align) || align > CLIENT_PAGE) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	for (e = c->exts; e; e = e->next) {
		if (e->used)
			continue;
		start = client_align(e->off, align);
		pad = start - e->off;
		if (pad > e->len || size > e->len - pad)
			continue;
		/* Split [pad][size][rest]: pad and rest stay free extents. */
		if (e->len - pad > size) {
			tail = calloc(1, sizeof(*tail));
			if (!tail)
				goto nomem;
			tail->off = start + size;
			tail->len = e->len - pad - size;
			tail->next = e->next;
			e->next = tail;
			e->len = pad + size;
		}
		if (pad) {
			head = calloc(1, sizeof(*head));
			if (!head)
				goto nomem;	/* the tail split merges back on free */
			head->off = start;
			head->len = size;
			head->next = e->next;
			e->next = head;
			e->len = pad;
			e = head;
		}
		e->used = true;
		pthread_mutex_unlock(&c->lock);
		return c->base + e->off;
	}
nomem:
	pthread_mutex_unlock(&c->lock);
	errno = ENOMEM;
	return NULL;
}

void
ce_buf_free(struct ce_client *c, void *buf)
{
	struct client_ext *e, *prev = NULL, *next;
	uint64_t off;

	if (!buf)
		return;
	off = ce_buf_offset(c, buf);
	if (off == UINT64_MAX)
		return;
	pthread_mutex_lock(&c->lock);
	for (e = c->exts; e; prev = e, e = e->next)
		if (e->off == off && e->used)
			break;
	if (!e)
		goto out;
	e->used = false;
	/* Merge with free neighbours so the arena does not fragment for good. */
	next = e->next;
	if (next && !next->used) {
		e->len += next->len;
		e->next = next->next;
		free(next);
	}
	if (prev && !prev->used) {
		prev->len += e->len;
		prev->next = e->next;
		free(e);
	}
out:
	pthread_mutex_unlock(&c->lock);
}

uint64_t
ce_buf_offset(const struct ce_client *c, const void *p)
{
	const uint8_t *b = p;

	if (b < c->base + c->arena_off || b >= c->base + c->arena_off + c->arena_len)
		return UINT64_MAX;
	return (uint64_t)(b - c->base);
}

void *
ce_buf_ptr(const struct ce_client *c, uint64_t off)
{
	if (off < c->arena_off || off - c->arena_off >= c->arena_len)
		return NULL;
	return c->base + off;
}

struct ce_qp *
ce_qp_create(struct ce_client *c)
{
	struct ce_msg_qp_create qc = { 0 };
	struct ce_msg_reply reply;
	struct ce_qp *qp;
	unsigned int slot;
	int fds[2];
	int ret;

	pthread_mutex_lock(&c->lock);
	if (client_is_gone(c)) {
		client_set_error(c, "the daemon has gone");
		ret = -EPIPE;
		goto err_unlock;
	}
	for (slot = 0; slot < c->nb_qps; slot++)
		if (!c->qps[slot] && !c->slot_retired[slot])
			break;
	if (slot == c->nb_qps) {
		client_set_error(c, "all queue pair slots in use");
		ret = -ENOSPC;
		goto err_unlock;
	}
	qp = calloc(1, sizeof(*qp));
	if (!qp) {
		ret = -ENOMEM;
		goto err_unlock;
	}
	qp->c = c;
	qp->slot = slot;
	qp->sq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (qp->sq_efd < 0) {
		ret = -errno;
		goto err_free;
	}
	qp->cq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (qp->cq_efd < 0) {
		ret = -errno;
		goto err_sq_efd;
	}
	qc.sq_entries = c->sq_entries;
	qc.cq_entries = c->cq_entries;
	qc.sq_off = client_sq_off(c, slot);
	qc.cq_off = client_cq_off(c, slot);
	ret = ce_ring_init(&qp->sq, c->base, qc.sq_off, qc.sq_entries, sizeof(struct ce_desc),
			   CE_RING_PRODUCER);
	if (ret == 0)
		ret = ce_ring_init(&qp->cq, c->base, qc.cq_off, qc.cq_entries,
				   sizeof(struct ce_cqe), CE_RING_CONSUMER);
	if (ret < 0)
		goto err_cq_efd;
	fds[0] = qp->sq_efd;
	fds[1] = qp->cq_efd;
	ret = client_call(c, CE_MSG_QP_CREATE, &qc, sizeof(qc), fds, 2, &reply);
	if (ret < 0)
		goto err_cq_efd;
	qp->id = reply.u.qp.qp_id;
	qp->lcore = reply.u.qp.lcore;
	/* Never more in flight than the CQ holds, whatever the daemon says. */
	qp->credits = reply.u.qp.credits;
	if (qp->credits == 0 || qp->credits > c->cq_entries)
		qp->credits = c->cq_entries;
	/* One tag per credit: the in-flight record never allocates again. */
	qp->tags = calloc(qp->credits, sizeof(*qp->tags));
	qp->free_tags = calloc(qp->credits, sizeof(*qp->free_tags));
	if (!qp->tags || !qp->free_tags) {
		ret = -ENOMEM;
		goto err_daemon_qp;
	}
	/* Generations start apart per queue pair: a stray CQE from an earlier
	 * queue pair in this ring slot does not match a tag of this one. */
	c->qp_serial++;
	for (uint32_t i = 0; i < qp->credits; i++) {
		qp->free_tags[i] = qp->credits - 1 - i;
		qp->tags[i].gen = c->qp_serial * 0x9e3779b9u;
	}
	qp->nb_free = qp->credits;
	c->qps[slot] = qp;
	pthread_mutex_unlock(&c->lock);
	return qp;

err_daemon_qp:
	{
		struct ce_msg_qp_destroy qd = { .qp_id = qp->id };

		client_call(c, CE_MSG_QP_DESTROY, &qd, sizeof(qd), NULL, 0, &reply);
		free(qp->tags);
		free(qp->free_tags);
	}
err_cq_efd:
	close(qp->cq_efd);
err_sq_efd:
	close(qp->sq_efd);
err_free:
	free(qp);
err_unlock:
	pthread_mutex_unlock(&c->lock);
	errno = -ret;
	return NULL;
}

/*
 * Wait until nothing of @p qp is in flight (completions dropped), the daemon
 * has gone, or @p deadline_ns. @return 0, -ENOTCONN, -ETIMEDOUT or -EIO.
 */
static int
client_qp_drain(struct ce_qp *qp, uint64_t deadline_ns)
{
	struct ce_cqe cqes[32];
	int ret;

	for (;;) {
		ret = ce_poll_burst(qp, cqes, 32);
		if (ret == -ENOTCONN)
			return ret;
		if (ret < 0)
			break;
		if (ce_qp_inflight(qp) == 0)
			return client_hangup_check(qp->c) ? -ENOTCONN : 0;
		if (ret > 0)
			continue;
		uint64_t now = ce_clock_ns();

		if (now >= deadline_ns)
			break;
		ret = ce_wait(qp, (int)((deadline_ns - now + 999999) / 1000000));
		if (ret == -ENOTCONN)
			return ret;
		if (ret < 0 && ret != -EINTR)
			break;
	}
	return ret == -EIO ? -EIO : -ETIMEDOUT;
}

int
ce_qp_destroy(struct ce_qp *qp)
{
	struct ce_client *c = qp->c;
	struct ce_msg_qp_destroy qd = { .qp_id = qp->id };
	struct ce_msg_reply reply;
	int drained, ret;

	/* Without the lock: other threads' control calls go on meanwhile. */
	drained = client_qp_drain(qp, ce_clock_ns() + CE_QP_DRAIN_TIMEOUT_MS * 1000000ull);
	pthread_mutex_lock(&c->lock);
	/* The daemon may still write this slot's rings: never hand it out again. */
	if (drained == -ETIMEDOUT || drained == -EIO)
		c->slot_retired[qp->slot] = true;
	if (drained == -ENOTCONN) {
		ret = -ENOTCONN;
	} else {
		ret = client_call(c, CE_MSG_QP_DESTROY, &qd, sizeof(qd), NULL, 0, &reply);
		if (ret == 0 && drained < 0)
			ret = drained;
	}
	client_qp_free(qp);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

uint32_t
ce_qp_lcore(const struct ce_qp *qp)
{
	return qp->lcore;
}

uint32_t
ce_qp_credits(const struct ce_qp *qp)
{
	return qp->credits;
}

int64_t
ce_session_create(struct ce_client *c, const struct ce_session_params *p)
{
	struct ce_msg_session_create sc;
	struct ce_msg_reply reply;
	int ret;

	if (!p || !p->alg || strlen(p->alg) >= CE_MSG_NAME_MAX ||
	    (p->driver && strlen(p->driver) >= CE_MSG_NAME_MAX) ||
	    p->key_len > CE_MSG_KEY_MAX || (p->key_len && !p->key)) {
		client_set_error(c, "invalid session parameters");
		return -EINVAL;
	}
	memset(&sc, 0, sizeof(sc));
	strcpy(sc.alg, p->alg);
	if (p->driver)
		strcpy(sc.driver, p->driver);
	if (p->key_len)
		memcpy(sc.key, p->key, p->key_len);
	sc.key_len = p->key_len;
	sc.iv_len = p->iv_len;
	sc.digest_len = p->digest_len;
	sc.aad_max = p->aad_max;
	sc.direction = p->direction;
	pthread_mutex_lock(&c->lock);
	ret = client_call(c, CE_MSG_SESSION_CREATE, &sc, sizeof(sc), NULL, 0, &reply);
	pthread_mutex_unlock(&c->lock);
	/* Key bytes must not linger on our stack. */
	explicit_bzero(&sc, sizeof(sc));
	if (ret < 0)
		return ret;
	if (p->iv_len <= UINT16_MAX && p->digest_len <= UINT16_MAX)
		__atomic_store_n(&c->sess_lens[reply.u.session.handle % CLIENT_SESS_CACHE],
				 (uint64_t)reply.u.session.handle << 32 | p->iv_len << 16 |
				 p->digest_len, __ATOMIC_RELAXED);
	return reply.u.session.handle;
}

int64_t
ce_asym_session_create(struct ce_client *c, const struct ce_asym_session_params *p,
		       struct ce_asym_session_info *info)
{
	const uint32_t asym_ops = CE_OP_BIT(CE_OP_ENCRYPT) | CE_OP_BIT(CE_OP_DECRYPT) |
				  CE_OP_BIT(CE_OP_SIGN) | CE_OP_BIT(CE_OP_SIG_VERIFY) |
				  CE_OP_BIT(CE_OP_KPP_PUBKEY) | CE_OP_BIT(CE_OP_KPP_SECRET);
	struct ce_msg_asym_session_create *sc;
	struct ce_msg_reply reply;
	int ret;

	if (!p || !p->alg || strlen(p->alg) >= CE_MSG_NAME_MAX ||
	    (p->driver && strlen(p->driver) >= CE_MSG_NAME_MAX) || !p->key ||
	    p->key_len == 0 || p->key_len > CE_ASYM_KEY_MAX || (p->ops & ~asym_ops)) {
		client_set_error(c, "invalid asymmetric session parameters");
		return -EINVAL;
	}
	/* 4 KiB of key: off the stack, and wiped before it is freed. */
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL) {
		client_set_error(c, "out of memory");
		return -ENOMEM;
	}
	strcpy(sc->alg, p->alg);
	if (p->driver)
		strcpy(sc->driver, p->driver);
	memcpy(sc->key, p->key, p->key_len);
	sc->key_len = p->key_len;
	sc->ops = p->ops;
	pthread_mutex_lock(&c->lock);
	ret = client_call(c, CE_MSG_ASYM_SESSION_CREATE, sc, sizeof(*sc), NULL, 0, &reply);
	pthread_mutex_unlock(&c->lock);
	explicit_bzero(sc, sizeof(*sc));
	free(sc);
	if (ret < 0)
		return ret;
	if (info != NULL) {
		info->out_max = reply.u.session.out_max;
		info->ops = reply.u.session.ops;
	}
	return reply.u.session.handle;
}

int
ce_session_destroy(struct ce_client *c, uint32_t handle)
{
	struct ce_msg_session_destroy sd = { .handle = handle };
	struct ce_msg_reply reply;
	int ret;

	uint64_t *lens = &c->sess_lens[handle % CLIENT_SESS_CACHE];
	uint64_t ent = __atomic_load_n(lens, __ATOMIC_RELAXED);

	/* Forgotten first: a submit still using the handle goes out in full. */
	if ((uint32_t)(ent >> 32) == handle)
		__atomic_compare_exchange_n(lens, &ent, 0, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	pthread_mutex_lock(&c->lock);
	ret = client_call(c, CE_MSG_SESSION_DESTROY, &sd, sizeof(sd), NULL, 0, &reply);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* Why this queue pair takes no more (cold: off the submit fast path). */
static int __attribute__((noinline))
client_submit_refused(struct ce_qp *qp)
{
	/* The daemon's own word first: it said it stops, or that our ring broke. */
	if (qp->state == CLIENT_QP_STOPPING)
		return -ESHUTDOWN;
	if (qp->state == CLIENT_QP_BROKEN || ce_ring_is_broken(&qp->sq))
		return -EIO;
	return -ENOTCONN;
}

/*
 * The compact form of @p d (struct ce_desc_esp), if it has one: a
 * symmetric op of a session made here, every range it uses back to back
 * from the first (AAD, IV, data, digest), in place. Then the daemon accepts
 * the compact form exactly when it would accept @p d
 * (ce_shm_desc_esp_expand()). @return 1 and @p e filled, else 0.
 */
static inline int
client_esp_form(const struct ce_client *c, const struct ce_desc *d, struct ce_desc_esp *e)
{
	uint64_t ent = __atomic_load_n(&c->sess_lens[d->session % CLIENT_SESS_CACHE],
				       __ATOMIC_RELAXED);
	uint32_t iv_len = (uint32_t)(ent >> 16) & 0xffffu, digest_len = (uint32_t)ent & 0xffffu;
	uint64_t off, total;

	if ((uint32_t)(ent >> 32) != d->session || d->op < CE_OP_ENCRYPT ||
	    d->op > CE_OP_VERIFY || (d->flags & ~CE_DESC_F_VALID_MASK) != 0 || d->rsvd != 0 ||
	    d->aad_len > UINT16_MAX)
		return 0;
	/* The window starts at the first range used. */
	if (d->aad_len != 0)
		off = d->aad_off;
	else if (iv_len != 0)
		off = d->iv_off;
	else if (d->len != 0)
		off = d->src_off;
	else if (digest_len != 0)
		off = d->digest_off;
	else
		return 0;
	total = (uint64_t)d->aad_len + iv_len + d->len + digest_len;
	if (off > UINT64_MAX - total ||
	    (iv_len != 0 && d->iv_off != off + d->aad_len) ||
	    (d->len != 0 && d->src_off != off + d->aad_len + iv_len) ||
	    (digest_len != 0 && d->digest_off != off + d->aad_len + iv_len + d->len) ||
	    (d->len != 0 && d->op <= CE_OP_DECRYPT && d->dst_off != d->src_off))
		return 0;
	e->session = d->session;
	e->op = d->op;
	e->flags = (uint8_t)(d->flags | CE_DESC_F_ESP);
	e->aad_len = (uint16_t)d->aad_len;
	e->off = off;
	e->len = d->len;
	e->rsvd = 0;
	return 1;
}

/* Take a tag for @p cookie: @return the cookie the daemon sees. */
static inline uint64_t
client_tag_take(struct ce_qp *qp, uint64_t cookie)
{
	uint32_t t = qp->free_tags[--qp->nb_free];
	struct client_tag *tag = &qp->tags[t];

	tag->cookie = cookie;
	tag->gen++;
	tag->busy = 1;
	return (uint64_t)tag->gen << CLIENT_TAG_BITS | t;
}

int
ce_submit_burst(struct ce_qp *qp, const struct ce_desc *descs, unsigned int n)
{
	struct ce_ring *sq = &qp->sq;
	uint64_t one = 1;
	int room;
	unsigned int i, used;

	if (qp->state != CLIENT_QP_LIVE || client_is_gone(qp->c))
		return client_submit_refused(qp);
	if (n > qp->nb_free)
		n = qp->nb_free;
	if (n == 0) {
		if (ce_ring_is_broken(sq))
			return -EIO;
		/* Out of credits: an application that only submits learns here. */
		if (qp->nb_free == 0 && ce_clock_ns() >= qp->next_check_ns) {
			qp->next_check_ns = ce_clock_ns() + CE_HANGUP_CHECK_MS * 1000000ull;
			if (client_hangup_check(qp->c))
				return -ENOTCONN;
		}
		return 0;
	}
	/* Pairs of compact descriptors need fewer slots: ask for what a full form needs. */
	room = ce_ring_free_count_min(sq, n);
	if (room < 0)
		return room;
	/*
	 * Each slot is built in private memory and copied once: a pair of
	 * compact descriptors where two in a row have that form (half the lines
	 * for the daemon to pull across), else the descriptor as it is.
	 */
	for (i = 0, used = 0; i < n && used < (unsigned int)room; used++) {
		union ce_sq_slot sl;

		if (client_esp_form(qp->c, &descs[i], &sl.pair.d[0])) {
			sl.pair.d[0].cookie = client_tag_take(qp, descs[i].cookie);
			i++;
			if (i < n && client_esp_form(qp->c, &descs[i], &sl.pair.d[1])) {
				sl.pair.d[1].cookie = client_tag_take(qp, descs[i].cookie);
				i++;
			} else {
				memset(&sl.pair.d[1], 0, sizeof(sl.pair.d[1]));
			}
		} else {
			sl.desc = descs[i];
			sl.desc.cookie = client_tag_take(qp, descs[i].cookie);
			i++;
		}
		ce_ring_copy_entry(ce_ring_entry(sq, used), &sl, sizeof(sl));
	}
	n = i;
	sq->local += used;
	/* Release: the entries are written before the daemon can see prod move. */
	__atomic_store_n(&sq->sh->prod, sq->local, __ATOMIC_RELEASE);
	/*
	 * The only syscall on the data path, and only when the engine sleeps.
	 * A failed write (EAGAIN: counter saturated) means a wake-up is pending.
	 */
	if (ce_ring_prod_needs_wakeup(sq) && write(qp->sq_efd, &one, sizeof(one)) < 0)
		return (int)n;
	return (int)n;
}

/* A notice CQE from the daemon: not a request's completion. */
static void
client_notice(struct ce_qp *qp, const struct ce_cqe *cqe)
{
	if (cqe->cookie == CE_CQE_COOKIE_BROKEN)
		qp->state = CLIENT_QP_BROKEN;
	else if (qp->state == CLIENT_QP_LIVE)
		qp->state = CLIENT_QP_STOPPING;
}

/*
 * Turn @p n CQEs as dequeued into the application's completions, in place.
 * @return how many are left (notices and strays dropped).
 */
static unsigned int
client_cqes_map(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		struct ce_cqe cqe = cqes[i];
		uint32_t t = (uint32_t)(cqe.cookie & CLIENT_TAG_MASK);
		struct client_tag *tag;

		if (cqe.cookie >= CE_CQE_COOKIE_SHUTDOWN) {
			client_notice(qp, &cqe);
			continue;
		}
		tag = &qp->tags[t < qp->credits ? t : 0];
		if (t >= qp->credits || !tag->busy ||
		    tag->gen != (uint32_t)(cqe.cookie >> CLIENT_TAG_BITS)) {
			qp->stray++;
			continue;
		}
		cqe.cookie = tag->cookie;
		/* A backlog notice: the request stays in flight. */
		if (cqe.status != -EINPROGRESS) {
			tag->busy = 0;
			qp->free_tags[qp->nb_free++] = t;
		}
		cqes[out++] = cqe;
	}
	return out;
}

/* The daemon has gone: one -ECONNRESET completion per request still in flight. */
static int
client_report_lost(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n)
{
	unsigned int out = 0;

	while (out < n && qp->nb_free < qp->credits) {
		uint32_t t = qp->synth_next;
		struct client_tag *tag = &qp->tags[t];

		qp->synth_next = t + 1 == qp->credits ? 0 : t + 1;
		if (!tag->busy)
			continue;
		tag->busy = 0;
		qp->free_tags[qp->nb_free++] = t;
		cqes[out].cookie = tag->cookie;
		cqes[out].status = -ECONNRESET;
		cqes[out].out_len = 0;
		out++;
	}
	if (out == 0 && n > 0)
		return -ENOTCONN;
	return (int)out;
}

/* Nothing in the CQ: is the daemon still there? (cold path) */
static int __attribute__((noinline))
client_poll_empty(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n, int ring_err)
{
	int ret;

	if (!client_is_gone(qp->c)) {
		uint64_t now = ce_clock_ns();

		if (now < qp->next_check_ns)
			return ring_err;
		qp->next_check_ns = now + CE_HANGUP_CHECK_MS * 1000000ull;
		if (!client_hangup_check(qp->c))
			return ring_err;
		/* Hung up: what the daemon posted before it went comes first. */
		ret = ce_ring_dequeue_burst(&qp->cq, cqes, n);
		if (ret > 0) {
			ret = (int)client_cqes_map(qp, cqes, (unsigned int)ret);
			if (ret > 0)
				return ret;
		}
	}
	return client_report_lost(qp, cqes, n);
}

int
ce_poll_burst(struct ce_qp *qp, struct ce_cqe *cqes, unsigned int n)
{
	int ret = ce_ring_dequeue_burst(&qp->cq, cqes, n);

	if (ret > 0) {
		if (qp->armed) {
			ce_ring_cons_woken(&qp->cq);
			qp->armed = 0;
		}
		ret = (int)client_cqes_map(qp, cqes, (unsigned int)ret);
		if (ret > 0 || !client_is_gone(qp->c))
			return ret;
	}
	if (n == 0)
		return client_is_gone(qp->c) && qp->nb_free == qp->credits ? -ENOTCONN : 0;
	return client_poll_empty(qp, cqes, n, ret < 0 ? ret : 0);
}

/* After a hang-up: requests still to report, or -ENOTCONN. */
static int
client_gone_pending(const struct ce_qp *qp)
{
	uint32_t inflight = ce_qp_inflight(qp);

	return inflight ? (int)inflight : -ENOTCONN;
}

int
ce_wait(struct ce_qp *qp, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = qp->cq_efd, .events = POLLIN },
		{ .fd = qp->c->sock, .events = POLLRDHUP },
	};
	uint64_t cnt;
	int ret;

	if (client_is_gone(qp->c))
		return client_gone_pending(qp);
	ret = ce_ring_cons_prepare_sleep(&qp->cq);
	if (ret <= 0)
		return ret < 0 ? ret : ce_ring_ready_count(&qp->cq);
	ret = poll(pfd, 2, timeout_ms);
	ce_ring_cons_woken(&qp->cq);
	qp->armed = 0;
	if (ret < 0)
		return -errno;
	if (pfd[1].revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) {
		client_mark_gone(qp->c);
		return client_gone_pending(qp);
	}
	/* Drain the eventfd so that the next wait blocks again. */
	if (ret > 0 && read(qp->cq_efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	return ce_ring_ready_count(&qp->cq);
}

uint32_t
ce_qp_inflight(const struct ce_qp *qp)
{
	return qp->credits - qp->nb_free;
}

int
ce_client_check(struct ce_client *c)
{
	return client_hangup_check(c) ? -ENOTCONN : 0;
}

int
ce_client_fd(const struct ce_client *c)
{
	return c->sock;
}

int
ce_qp_fd(const struct ce_qp *qp)
{
	return qp->cq_efd;
}

int
ce_qp_arm(struct ce_qp *qp)
{
	uint64_t cnt;
	int ret;

	if (client_hangup_check(qp->c))
		return client_gone_pending(qp);
	/* Clear a stale count first, so that EPOLLIN means a new notification. */
	if (read(qp->cq_efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	ret = ce_ring_cons_prepare_sleep(&qp->cq);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return ce_ring_ready_count(&qp->cq);
	qp->armed = 1;
	return 0;
}
