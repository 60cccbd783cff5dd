/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libcryptoeng against a forked server built from lib/shm's server helpers
 * (the code the daemon uses): connect via $CRYPTOENG_SOCKET, sealed region
 * checked and mapped by the server, sessions with error reasons, a queue
 * pair whose descriptors the server validates and "encrypts" (XOR 0x5a) in
 * the shared arena, credits, ce_wait woken by the CQ eventfd, the SQ
 * doorbell waking a sleeping server.
 */
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce_shm.h"
#include "cryptoeng.h"
#include "ce_test.h"

#define SRV_CREDITS	4
#define SRV_QP_ID	7
#define SRV_LCORE	1
#define SRV_HANDLE	42

/* ---- server side (child process) ---- */

struct srv {
	int cs;
	struct ce_msg m;
	struct ce_shm_region_info ri;
	uint8_t *base;
	struct ce_shm_sess_info si;
	int have_qp;
	struct ce_ring sq, cq;
	int sq_efd, cq_efd;
	int holding;
};

static void
srv_serve_sq(struct srv *s)
{
	struct ce_desc d[32];
	struct ce_cqe cqe[32];
	uint64_t one = 1;
	int n, i;

	/* "hold": post nothing until the client has gone to sleep in ce_wait(). */
	if (s->holding &&
	    !(__atomic_load_n(&s->cq.sh->flags, __ATOMIC_ACQUIRE) & CE_RING_F_NEED_WAKEUP))
		return;
	n = ce_ring_dequeue_burst(&s->sq, d, 32);
	CHECK(n >= 0);
	if (n == 0)
		return;
	s->holding = 0;
	for (i = 0; i < n; i++) {
		const char *why;
		uint32_t k;

		/* d[i] is our private copy: validate it, then use only it. */
		cqe[i].cookie = d[i].cookie;
		cqe[i].out_len = 0;
		cqe[i].status = ce_shm_desc_validate(&s->ri, &s->si, &d[i], &why);
		if (cqe[i].status == 0 && d[i].session != SRV_HANDLE)
			cqe[i].status = -EINVAL;
		if (cqe[i].status)
			continue;
		for (k = 0; k < d[i].len; k++)
			s->base[d[i].dst_off + k] = s->base[d[i].src_off + k] ^ 0x5a;
		cqe[i].out_len = d[i].len;
	}
	/* Credits keep in-flight <= CQ size, so the CQ always has room. */
	CHECK_EQ(ce_ring_enqueue_burst(&s->cq, cqe, (unsigned int)n), n);
	if (ce_ring_prod_needs_wakeup(&s->cq))
		CHECK_EQ(write(s->cq_efd, &one, sizeof(one)), 8);
}

static void
srv_sleep_on_sq(struct srv *s)
{
	struct pollfd pfd = { .fd = s->sq_efd, .events = POLLIN };
	uint64_t v;

	/* prepare_sleep was done before the reply; block until the doorbell. */
	CHECK_EQ(poll(&pfd, 1, 30000), 1);	/* 0 = the doorbell never came */
	CHECK_EQ(read(s->sq_efd, &v, 8), 8);
	ce_ring_cons_woken(&s->sq);
}

static int
srv_handle(struct srv *s)
{
	struct ce_msg *m = &s->m;
	const char *why = "";
	union {
		uint8_t raw[24];
		uint32_t handle;
		struct { uint32_t version, max_qps; uint64_t max_region; } hello;
		struct { uint32_t qp_id, lcore, credits, rsvd; } qp;
	} u;
	int st = 0, sleep_after = 0;

	memset(&u, 0, sizeof(u));
	CHECK_EQ(ce_msg_recv(s->cs, m, &why), 0);
	switch (m->hdr.type) {
	case CE_MSG_HELLO:
		CHECK_EQ(m->u.hello.version, CE_SHM_VERSION);
		CHECK(strcmp(m->u.hello.name, "client-test") == 0);
		u.hello.version = CE_SHM_VERSION;
		u.hello.max_qps = 4;
		u.hello.max_region = 64 << 20;
		break;
	case CE_MSG_REGION:
		s->ri.size = m->u.region.size;
		s->ri.arena_off = m->u.region.arena_off;
		s->ri.arena_len = m->u.region.arena_len;
		st = ce_shm_region_check(&s->ri, &why);
		if (st == 0)
			st = ce_shm_region_map(m->fds[0], s->ri.size, 64 << 20,
					       (void **)&s->base, &why);
		ce_msg_close_fds(m);	/* the mapping outlives the fd */
		CHECK_EQ(st, 0);
		break;
	case CE_MSG_QP_CREATE:
		CHECK(s->base);
		st = ce_shm_qp_geom_check(&s->ri, &m->u.qp_create, 4096, &why);
		CHECK_EQ(st, 0);
		CHECK_EQ(ce_ring_attach(&s->sq, s->base, m->u.qp_create.sq_off,
					m->u.qp_create.sq_entries, sizeof(struct ce_desc),
					CE_RING_CONSUMER), 0);
		CHECK_EQ(ce_ring_attach(&s->cq, s->base, m->u.qp_create.cq_off,
					m->u.qp_create.cq_entries, sizeof(struct ce_cqe),
					CE_RING_PRODUCER), 0);
		s->sq_efd = m->fds[0];
		s->cq_efd = m->fds[1];
		m->nb_fds = 0;	/* kept */
		s->have_qp = 1;
		u.qp.qp_id = SRV_QP_ID;
		u.qp.lcore = SRV_LCORE;
		u.qp.credits = SRV_CREDITS;
		break;
	case CE_MSG_QP_DESTROY:
		CHECK_EQ(m->u.qp_destroy.qp_id, SRV_QP_ID);
		s->have_qp = 0;
		close(s->sq_efd);
		close(s->cq_efd);
		break;
	case CE_MSG_SESSION_CREATE:
		if (strcmp(m->u.session_create.alg, "gcm(aes)") != 0) {
			st = -ENOENT;
			why = "unknown algorithm";
		} else if (m->u.session_create.key_len != 16 || m->u.session_create.key[15] != 15) {
			st = -EINVAL;
			why = "bad key";
		} else {
			s->si.iv_len = m->u.session_create.iv_len;
			s->si.digest_len = m->u.session_create.digest_len;
			s->si.aad_max = m->u.session_create.aad_max;
			u.handle = SRV_HANDLE;
		}
		ce_msg_wipe(m);
		break;
	case CE_MSG_SESSION_DESTROY:
		if (m->u.session_destroy.handle != SRV_HANDLE) {
			st = -ENOENT;
			why = "no such session";
		}
		break;
	case CE_MSG_CTL:
		if (strcmp(m->u.ctl, "hold") == 0) {
			s->holding = 1;
		} else if (strcmp(m->u.ctl, "sleep") == 0) {
			CHECK_EQ(ce_ring_cons_prepare_sleep(&s->sq), 1);
			sleep_after = 1;
		} else {
			st = -EOPNOTSUPP;
			why = "unknown ctl";
			break;
		}
		CHECK_EQ(ce_msg_send(s->cs, CE_MSG_CTL_REPLY, m->hdr.seq, "{\"ok\":true}", 11,
				     NULL, 0), 0);
		if (sleep_after)
			srv_sleep_on_sq(s);
		return 0;
	case CE_MSG_BYE:
		return 1;
	default:
		CHECK(!"unexpected message");
	}
	CHECK_EQ(ce_msg_send_reply(s->cs, m->hdr.seq, m->hdr.type, st, st ? why : NULL, &u,
				   sizeof(u)), 0);
	return 0;
}

static void
srv_main(int ls)
{
	static struct srv s;
	const char *why;

	s.cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	CHECK(s.cs >= 0);
	CHECK_EQ(ce_shm_peer_check(s.cs, NULL, NULL, NULL, NULL, &why), 0);
	for (;;) {
		struct pollfd pfd = { .fd = s.cs, .events = POLLIN };
		int r = poll(&pfd, 1, s.have_qp ? 0 : -1);

		CHECK(r >= 0);
		if (r > 0 && srv_handle(&s))
			break;
		if (s.have_qp)
			srv_serve_sq(&s);
	}
	if (s.base)
		munmap(s.base, s.ri.size);
	close(s.cs);
	_exit(0);
}

/* ---- client side (parent) ---- */

static struct ce_client *c;
static struct ce_qp *qp;
static pid_t srv_pid;
static uint8_t *src, *dst, *iv, *tag;

static struct ce_desc
mkdesc(uint64_t cookie, uint32_t len)
{
	return (struct ce_desc){
		.cookie = cookie, .session = SRV_HANDLE, .op = CE_OP_ENCRYPT,
		.src_off = ce_buf_offset(c, src), .dst_off = ce_buf_offset(c, dst), .len = len,
		.iv_off = ce_buf_offset(c, iv), .digest_off = ce_buf_offset(c, tag),
	};
}

/* Reap exactly @p want completions, sleeping in ce_wait() between polls. */
static int
reap(struct ce_cqe *out, int want)
{
	int got = 0, n, tries = 0;

	while (got < want) {
		n = ce_poll_burst(qp, out + got, (unsigned int)(want - got));
		CHECK(n >= 0);
		got += n;
		if (got < want) {
			int st;

			CHECK(++tries < 100000);
			n = ce_wait(qp, 1000);
			CHECK(n >= 0);
			/* a dead server (failed CHECK) never completes: fail now */
			if (n == 0 && waitpid(srv_pid, &st, WNOHANG) == srv_pid)
				CHECK(!"server exited");
		}
	}
	return got;
}

static void
test_sessions(void)
{
	uint8_t key[16];
	struct ce_session_params p = { .alg = "ctr(des)", .key = key, .key_len = 16,
				       .iv_len = 12, .digest_len = 16, .aad_max = 64,
				       .direction = CE_SESS_DIR_BOTH };
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	CHECK_EQ(ce_session_create(c, &p), -ENOENT);
	CHECK(strstr(ce_client_last_error(c), "unknown algorithm"));
	p.alg = "gcm(aes)";
	p.key_len = CE_SESSION_KEY_MAX + 1;
	CHECK_EQ(ce_session_create(c, &p), -EINVAL);	/* refused locally */
	p.key_len = 16;
	CHECK_EQ(ce_session_create(c, &p), SRV_HANDLE);
	CHECK_EQ(ce_session_destroy(c, 99), -ENOENT);
	CHECK(strstr(ce_client_last_error(c), "no such session"));
}

static void
test_arena(void)
{
	uint8_t *a, *b, *d;
	int x;

	src = ce_buf_alloc(c, 256, 64);
	dst = ce_buf_alloc(c, 256, 0);
	iv = ce_buf_alloc(c, 12, 16);
	tag = ce_buf_alloc(c, 16, 16);
	CHECK(src && dst && iv && tag);
	CHECK(((uintptr_t)iv & 15) == 0);
	CHECK(ce_buf_offset(c, src) != UINT64_MAX);
	CHECK(ce_buf_ptr(c, ce_buf_offset(c, dst)) == dst);
	CHECK_EQ(ce_buf_offset(c, &x), UINT64_MAX);
	CHECK(ce_buf_ptr(c, 0) == NULL);	/* header: not the arena */
	CHECK(ce_buf_alloc(c, 64 << 20, 64) == NULL && errno == ENOMEM);
	CHECK(ce_buf_alloc(c, 64, 3) == NULL && errno == EINVAL);
	/* free + first fit gives the same block back; frees merge */
	a = ce_buf_alloc(c, 1000, 64);
	b = ce_buf_alloc(c, 1000, 64);
	CHECK(a && b && a != b);
	ce_buf_free(c, a);
	ce_buf_free(c, b);
	d = ce_buf_alloc(c, 2000, 64);
	CHECK(d == a);
	ce_buf_free(c, d);
}

static void
test_data_path(void)
{
	struct ce_desc d[5];
	struct ce_cqe cq[8];
	int i, found[4] = { 0 };

	CHECK(qp);
	CHECK_EQ(ce_qp_credits(qp), SRV_CREDITS);
	CHECK_EQ(ce_qp_lcore(qp), SRV_LCORE);
	for (i = 0; i < 256; i++)
		src[i] = (uint8_t)i;
	for (i = 0; i < 3; i++)
		d[i] = mkdesc(1000 + i, 256);
	/* A descriptor aimed at the ring area: the server's validator refuses it. */
	d[3] = mkdesc(1003, 256);
	d[3].dst_off = 4096;
	d[4] = mkdesc(1004, 256);
	CHECK_EQ(ce_submit_burst(qp, d, 5), SRV_CREDITS);	/* credits: 4 of 5 */
	CHECK_EQ(ce_submit_burst(qp, d + 4, 1), 0);
	CHECK_EQ(reap(cq, 4), 4);
	for (i = 0; i < 4; i++) {
		CHECK(cq[i].cookie >= 1000 && cq[i].cookie < 1004);
		found[cq[i].cookie - 1000]++;
		if (cq[i].cookie == 1003) {
			CHECK_EQ(cq[i].status, -EINVAL);
		} else {
			CHECK_EQ(cq[i].status, 0);
			CHECK_EQ(cq[i].out_len, 256);
		}
	}
	CHECK(found[0] == 1 && found[1] == 1 && found[2] == 1 && found[3] == 1);
	/* zero copy: the server wrote into our arena */
	for (i = 0; i < 256; i++)
		CHECK_EQ(dst[i], (uint8_t)i ^ 0x5a);
	/* credits came back with the completions */
	CHECK_EQ(ce_submit_burst(qp, d + 4, 1), 1);
	CHECK_EQ(reap(cq, 1), 1);
	CHECK_EQ(cq[0].cookie, 1004);
}

static void
test_many(void)
{
	struct ce_desc d[16];
	struct ce_cqe cq[16];
	uint64_t next = 0, sent = 0;
	int i, n;

	/* 2000 requests through a 4-credit window: order kept, never over 4. */
	while (next < 2000) {
		for (i = 0; i < 16; i++)
			d[i] = mkdesc(sent + i, 64);
		n = ce_submit_burst(qp, d, 16);
		CHECK(n >= 0 && n <= SRV_CREDITS);
		sent += (uint64_t)n;
		n = ce_poll_burst(qp, cq, 16);
		CHECK(n >= 0);
		for (i = 0; i < n; i++) {
			CHECK_EQ(cq[i].cookie, next++);
			CHECK_EQ(cq[i].status, 0);
		}
		CHECK(sent - next <= SRV_CREDITS);
	}
	/* drain the surplus */
	if (sent > next)
		CHECK_EQ(reap(cq, (int)(sent - next)), (int)(sent - next));
}

static void
test_wait(void)
{
	struct ce_desc d = mkdesc(77, 32);
	struct ce_cqe cq;
	char out[64];

	/* The server posts only after it sees NEED_WAKEUP on the CQ, so this
	 * ce_wait() returns only if the server's eventfd write woke it. */
	CHECK_EQ(ce_client_ctl(c, "hold", out, sizeof(out)), 11);
	CHECK(strcmp(out, "{\"ok\":true}") == 0);
	CHECK_EQ(ce_submit_burst(qp, &d, 1), 1);
	CHECK_EQ(ce_wait(qp, 30000), 1);
	CHECK_EQ(ce_poll_burst(qp, &cq, 1), 1);
	CHECK_EQ(cq.cookie, 77);
	CHECK_EQ(ce_client_ctl(c, "nope", out, sizeof(out)), -EOPNOTSUPP);
}

static void
test_sq_doorbell(void)
{
	struct ce_desc d = mkdesc(88, 32);
	struct ce_cqe cq;
	char out[64];

	/* The server sets NEED_WAKEUP on the SQ and blocks on the SQ eventfd:
	 * it serves our request only if ce_submit_burst() rang the doorbell. */
	CHECK_EQ(ce_client_ctl(c, "sleep", out, sizeof(out)), 11);
	CHECK_EQ(ce_submit_burst(qp, &d, 1), 1);
	CHECK_EQ(reap(&cq, 1), 1);
	CHECK_EQ(cq.cookie, 88);
	CHECK_EQ(cq.status, 0);
}

static void
test_no_daemon(void)
{
	struct ce_client *x = ce_client_connect("/nonexistent/ce.sock", NULL);

	CHECK(x == NULL);
	CHECK(errno == ENOENT);
}

/* A server that refuses us at HELLO, as the daemon does for a uid not allowed. */
static void
test_refused(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static struct ce_msg m;
	struct ce_client *x;
	const char *why;
	int ls, cs, status;
	pid_t pid;

	char dir[] = "/tmp/ce-refuse-XXXXXX";

	CHECK(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0);
	CHECK_EQ(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_EQ(listen(ls, 1), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		uid_t other = 12345;
		struct ce_shm_acl acl = { .uids = &other, .nb_uids = 1 };

		cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		CHECK(cs >= 0);
		CHECK_EQ(ce_shm_peer_check(cs, &acl, NULL, NULL, NULL, &why), -EACCES);
		CHECK_EQ(ce_msg_recv(cs, &m, &why), 0);
		CHECK_EQ(m.hdr.type, CE_MSG_HELLO);
		CHECK_EQ(ce_msg_send_reply(cs, m.hdr.seq, CE_MSG_HELLO, -EACCES, why, NULL, 0), 0);
		close(cs);
		_exit(0);
	}
	close(ls);
	x = ce_client_connect(sa.sun_path, NULL);
	CHECK(x == NULL);
	CHECK_EQ(errno, EACCES);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(sa.sun_path);
	rmdir(dir);
}

int
main(void)
{
	struct ce_client_opts o = { .region_size = 4 << 20, .nb_qps = 2, .sq_entries = 64,
				    .cq_entries = 64, .name = "client-test" };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/ce-client-XXXXXX";
	int ls, status;
	pid_t pid;

	RUN(test_no_daemon);
	RUN(test_refused);
	CHECK(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0);
	CHECK_EQ(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_EQ(listen(ls, 1), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		srv_main(ls);
	srv_pid = pid;
	close(ls);

	CHECK_EQ(setenv(CE_SOCKET_ENV, sa.sun_path, 1), 0);
	c = ce_client_connect(NULL, &o);
	CHECK(c);
	RUN(test_sessions);
	RUN(test_arena);
	qp = ce_qp_create(c);
	RUN(test_data_path);
	RUN(test_many);
	RUN(test_wait);
	RUN(test_sq_doorbell);
	CHECK_EQ(ce_qp_destroy(qp), 0);
	ce_client_close(c);

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	unlink(sa.sun_path);
	rmdir(dir);
	return 0;
}
