/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cryptoengd reliability: a real daemon, real client processes.
 *
 *   test_reliab CRYPTOENGD drain|drain_direct|qp_destroy|unauth|pending|emfile|max_clients|selftest
 *
 * drain        SIGTERM with 4 clients x 256 requests queued on a slow device:
 *              every cookie gets exactly one CQE (served or -ESHUTDOWN), one
 *              shutdown notice per queue pair, exit 0.
 * drain_direct SIGTERM while 2 clients keep their SQ full of AES-GCM requests
 *              through ipsecmb (the worker's direct path) and reap all the
 *              time: none is left unanswered (-ECONNRESET), none twice, exit 0.
 * qp_destroy   ce_qp_destroy with requests in flight: once it returns, no
 *              CQE of the old queue pair reaches a new one in the same rings.
 * unauth       200 connections of a uid outside [clients] cost the daemon no
 *              fd and no memory; each is told why; root still gets in.
 * pending      an allowed uid that never sends HELLO holds at most
 *              max_pending_per_uid slots, each closed at the HELLO deadline;
 *              max_conns_per_uid refuses with its name.
 * emfile       the daemon out of fds: the control thread does not spin, says
 *              so once, and takes root's connection once fds free up.
 * max_clients  closed clients stop counting at once: 7 close, 8 connect, 20x.
 * selftest     a slow device's self-tests pass (all run at once); a device that
 *              answers after [engine] selftest_timeout_ms fails them, and
 *              start-up goes on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ce_shm.h"
#include "dtest.h"

static const struct ce_session_params dt_null_sess = {
	.alg = "ecb(cipher_null)", .direction = CE_SESS_DIR_ENCRYPT,
};

/* ---- the daemon seen from outside: /proc ------------------------------------ */

/* CPU time (clock ticks) of the daemon's main thread: the control plane. */
static unsigned long long
dt_ctl_thread_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime = 0, stime = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
	f = fopen(path, "r");
	CHECK(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name (which may hold spaces): state is 3rd. */
	p = strrchr(buf, ')');
	CHECK(p != NULL);
	CHECK(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		     &utime, &stime) == 2);
	return utime + stime;
}

/*
 * Time the daemon's main thread was running or waiting to run (ns), from
 * schedstat. A spinning thread is always one or the other, however loaded
 * the machine is; a thread blocked in epoll is neither.
 */
static unsigned long long
dt_ctl_thread_runnable_ns(pid_t pid)
{
	char path[64];
	unsigned long long run = 0, wait = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)pid);
	f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK(fscanf(f, "%llu %llu", &run, &wait) == 2);
	fclose(f);
	return run + wait;
}

/* A bare control connection (no HELLO); -errno when connect fails. */
static int
dt_raw_connect(bool nonblock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	CHECK(s >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", dt_sock);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(s);
		return -err;
	}
	return s;
}

/*
 * The daemon's answer on a bare connection within @p ms: 1 with *m filled,
 * 0 if nothing came, -1 on hang-up without an answer.
 */
static int
dt_raw_answer(int s, struct ce_msg *m, int ms)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	int flags = fcntl(s, F_GETFL);
	int r;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	fcntl(s, F_SETFL, flags | O_NONBLOCK);
	r = ce_msg_recv(s, m, NULL);
	fcntl(s, F_SETFL, flags);
	if (r == -EAGAIN)
		return 0;
	return r == 0 ? 1 : -1;
}

/* Requests of this process the daemon holds in flight, from "clients". */
static long long
dt_inflight(struct ce_client *c)
{
	json_t *j = dt_ctl(c, "{\"cmd\":\"clients\"}"), *cl, *q;
	long long n = 0;
	size_t i, k;

	json_array_foreach(json_object_get(j, "clients"), i, cl)
		if (json_integer_value(json_object_get(cl, "pid")) == getpid())
			json_array_foreach(json_object_get(cl, "qps"), k, q)
				n += json_integer_value(json_object_get(q, "in_flight"));
	json_decref(j);
	return n;
}

/* ---- drain ----------------------------------------------------------------- */

enum { DR_CLIENTS = 4, DR_N = 256, DR_EXTRA = 64 };

/* What one client of a drain case saw (each case counts what it tests). */
struct drain_result {
	uint64_t served, shut, other, dup, foreign;
	uint64_t reset;			/* never answered: -ECONNRESET */
	uint64_t missing;		/* no completion at all */
	uint64_t left;			/* still in flight at the end */
	uint64_t notices;		/* a submit said -ESHUTDOWN: the notice came */
	uint64_t gone_first;		/* a submit said -ENOTCONN before that */
	uint64_t extras;		/* submitted after SIGTERM, before the notice */
};

/* The n clients' results, summed. */
static struct drain_result
drain_sum(const struct drain_result *r, unsigned int n)
{
	struct drain_result sum = { 0 };

	for (unsigned int k = 0; k < n; k++) {
		sum.served += r[k].served;
		sum.shut += r[k].shut;
		sum.other += r[k].other;
		sum.dup += r[k].dup;
		sum.foreign += r[k].foreign;
		sum.reset += r[k].reset;
		sum.missing += r[k].missing;
		sum.left += r[k].left;
		sum.notices += r[k].notices;
		sum.gone_first += r[k].gone_first;
		sum.extras += r[k].extras;
	}
	return sum;
}

struct dr_shared {
	uint32_t ready;			/* clients with all DR_N submitted */
	uint32_t term_sent;		/* the parent sent SIGTERM */
	uint32_t daemon_gone;		/* the daemon has exited */
	struct drain_result r[DR_CLIENTS];
};

static void
dr_client(void *arg, unsigned int k)
{
	struct dr_shared *sh = arg;
	struct ce_client *c = dt_connect();
	struct ce_qp *qp = ce_qp_create(c);
	int64_t h = ce_session_create(c, &dt_null_sess);
	uint8_t *buf = ce_buf_alloc(c, 64 * DR_N, 0);
	struct drain_result *res = &sh->r[k];
	static struct ce_desc dd[DR_N + DR_EXTRA];
	static uint8_t seen[DR_N + DR_EXTRA];
	unsigned int distinct = 0, polls_after_gone = 0;
	double give_up = dt_now() + 120;

	dt_pid = 0;
	CHECK(qp != NULL && h >= 0 && buf != NULL);
	dt_fill(c, dd, DR_N, 0, h, buf);
	dt_fill(c, dd + DR_N, DR_EXTRA, DR_N, h, buf);
	CHECK_EQ(ce_submit_burst(qp, dd, DR_N), DR_N);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
	while (dt_now() < give_up) {
		struct ce_cqe cqes[64];
		int r = ce_poll_burst(qp, cqes, 64);

		for (int i = 0; i < r; i++) {
			uint64_t ck = cqes[i].cookie;

			if (ck >= DR_N + res->extras) {
				res->foreign++;
			} else if (seen[ck]++ != 0) {
				res->dup++;
			} else {
				distinct++;
				if (cqes[i].status == 0)
					res->served++;
				else if (cqes[i].status == -ESHUTDOWN)
					res->shut++;
				else
					res->other++;
			}
		}
		/*
		 * After SIGTERM, until libcryptoeng has taken the daemon's notice
		 * (then a submit says -ESHUTDOWN and nothing reaches the daemon):
		 * what goes in is answered like the rest, exactly once.
		 */
		if (__atomic_load_n(&sh->term_sent, __ATOMIC_ACQUIRE) && res->notices == 0 &&
		    res->gone_first == 0 && res->extras < DR_EXTRA) {
			int sr = ce_submit_burst(qp, dd + DR_N + res->extras, 1);

			if (sr == -ESHUTDOWN)
				res->notices++;
			else if (sr == -ENOTCONN)
				res->gone_first++;
			else if (sr == 1)
				res->extras++;
			else
				CHECK_EQ(sr, 0);	/* no credit free yet */
		}
		if (r > 0)
			continue;
		/* After the exit: one more look, then count what never came. */
		if (__atomic_load_n(&sh->daemon_gone, __ATOMIC_ACQUIRE) && polls_after_gone++ > 2)
			break;
		if (ce_wait(qp, 50) < 0)
			dt_sleep_ms(10);
	}
	res->missing = DR_N + res->extras - distinct;
	_exit(0);
}

static void
case_drain(void)
{
	struct dr_shared *sh;
	struct drain_result sum;
	pid_t kids[DR_CLIENTS];
	double t0, t1;
	int rc;

	sh = dt_shared(sizeof(*sh));
	/* 200 ms a request, 64 at a time: 1024 requests need 3.2 s, the stop gives 1 s. */
	dt_start("[engine]\nstop_timeout_ms = 1000\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=200000000\n");
	dt_fork(kids, DR_CLIENTS, dr_client, sh);
	dt_wait_count(&sh->ready, DR_CLIENTS, 60);
	t0 = dt_now();
	CHECK(kill(dt_pid, SIGTERM) == 0);
	__atomic_store_n(&sh->term_sent, 1, __ATOMIC_RELEASE);
	rc = dt_wait_exit(dt_pid);
	t1 = dt_now();
	dt_pid = 0;
	__atomic_store_n(&sh->daemon_gone, 1, __ATOMIC_RELEASE);
	dt_wait_children(kids, DR_CLIENTS);
	sum = drain_sum(sh->r, DR_CLIENTS);
	fprintf(stderr, "drain: %d clients x %d queued + %" PRIu64 " submitted after SIGTERM: %"
		PRIu64 " served, %" PRIu64 " -ESHUTDOWN, %" PRIu64 " other, %" PRIu64 " missing, %"
		PRIu64 " duplicated, %" PRIu64 " foreign; notice seen by %" PRIu64 " (%" PRIu64
		" saw the hang-up first); exit %d after %.2f s\n", DR_CLIENTS, DR_N,
		sum.extras, sum.served, sum.shut, sum.other, sum.missing, sum.dup, sum.foreign,
		sum.notices, sum.gone_first, rc, t1 - t0);
	if (sum.missing || sum.dup || rc != 0)
		dt_dump_log();
	CHECK_EQ(rc, 0);
	CHECK_EQ(sum.missing, 0);
	CHECK_EQ(sum.dup, 0);
	CHECK_EQ(sum.foreign, 0);
	CHECK_EQ(sum.other, 0);
	CHECK_EQ(sum.served + sum.shut, DR_CLIENTS * DR_N + sum.extras);
	/* Each queue pair learnt it: by the notice, or the daemon was gone by
	 * the time it looked; the drain lasts a second, so most see the notice. */
	CHECK_EQ(sum.notices + sum.gone_first, DR_CLIENTS);
	CHECK(sum.notices >= 1);
	/* Both halves of the rule: what the deadline allowed was served. */
	CHECK(sum.served > 0);
	CHECK(sum.shut > 0);
	munmap(sh, sizeof(*sh));
}

/* ---- drain_direct ------------------------------------------------------------ */

enum { DD_CLIENTS = 2, DD_SLOTS = 1024, DD_WARM = 20000 };

struct dd_shared {
	uint32_t ready;			/* clients past DD_WARM answers */
	struct drain_result r[DD_CLIENTS];
};

static const uint8_t dd_key[16] = { 0x2b, 0x7e, 0x15, 0x16 };

static void
dd_sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * Keep every credit in flight and reap continuously, as cryptoeng-perf
 * does, until libcryptoeng says the daemon has gone and nothing is in
 * flight. The pause after each submit is what a loaded machine does to a
 * client anyway: the daemon answers everything meanwhile, so the stop
 * often finds the SQ empty and the answers, then the notice, unread.
 */
static void
dd_client(void *arg, unsigned int k)
{
	struct dd_shared *sh = arg;
	const struct ce_session_params sp = {
		.alg = "gcm(aes)", .key = dd_key, .key_len = 16, .iv_len = 12,
		.digest_len = 16, .direction = CE_SESS_DIR_ENCRYPT,
	};
	struct ce_client *c = dt_connect();
	struct ce_qp *qp = ce_qp_create(c);
	int64_t h = ce_session_create(c, &sp);
	uint8_t *buf = ce_buf_alloc(c, (size_t)DD_SLOTS * 128, 64);
	struct drain_result *res = &sh->r[k];
	static uint32_t busy_seq[DD_SLOTS];	/* 0: free, else the seq in flight */
	static uint32_t free_slots[DD_SLOTS];
	uint32_t nb_free = 0, seq = 0;
	uint64_t answered = 0;
	bool submitting = true;
	double give_up = dt_now() + 240;

	dt_pid = 0;
	CHECK(qp != NULL && h >= 0 && buf != NULL);
	CHECK(ce_qp_credits(qp) <= DD_SLOTS);
	for (uint32_t i = ce_qp_credits(qp); i > 0; i--)
		free_slots[nb_free++] = i - 1;
	while (dt_now() < give_up) {
		struct ce_desc dd[64];
		struct ce_cqe cqes[64];
		unsigned int n = 0;
		int r;

		while (submitting && n < 64 && nb_free > 0) {
			uint32_t slot = free_slots[--nb_free];
			uint8_t *b = buf + (size_t)slot * 128;

			busy_seq[slot] = ++seq;
			memset(&dd[n], 0, sizeof(dd[n]));
			dd[n].cookie = (uint64_t)seq << 32 | slot;
			dd[n].session = (uint32_t)h;
			dd[n].op = CE_OP_ENCRYPT;
			dd[n].src_off = dd[n].dst_off = ce_buf_offset(c, b);
			dd[n].len = 64;
			dd[n].iv_off = ce_buf_offset(c, b + 64);
			dd[n].digest_off = ce_buf_offset(c, b + 80);
			n++;
		}
		if (n != 0) {
			r = ce_submit_burst(qp, dd, n);
			if (r == -ESHUTDOWN || r == -ENOTCONN) {
				res->notices += r == -ESHUTDOWN;
				res->gone_first += r == -ENOTCONN;
				submitting = false;
				r = 0;
			}
			CHECK(r >= 0);
			/* What the ring did not take is free again. */
			for (unsigned int i = n; i > (unsigned int)r; i--) {
				uint32_t slot = (uint32_t)dd[i - 1].cookie;

				busy_seq[slot] = 0;
				free_slots[nb_free++] = slot;
			}
			dd_sleep_us(50);
		}
		r = ce_poll_burst(qp, cqes, 64);
		if (r == -ENOTCONN)
			break;
		CHECK(r >= 0);
		for (int i = 0; i < r; i++) {
			uint32_t slot = (uint32_t)cqes[i].cookie;
			uint32_t cseq = (uint32_t)(cqes[i].cookie >> 32);

			if (slot >= DD_SLOTS || cseq == 0 || cseq > seq) {
				res->foreign++;
				continue;
			}
			if (busy_seq[slot] != cseq) {
				res->dup++;
				continue;
			}
			busy_seq[slot] = 0;
			free_slots[nb_free++] = slot;
			if (cqes[i].status == 0)
				res->served++;
			else if (cqes[i].status == -ESHUTDOWN)
				res->shut++;
			else if (cqes[i].status == -ECONNRESET)
				res->reset++;
			else
				res->other++;
		}
		answered += (uint64_t)r;
		if (answered >= DD_WARM && answered - (uint64_t)r < DD_WARM)
			__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
		if (r == 0 && !submitting && ce_wait(qp, 50) < 0)
			dt_sleep_ms(10);
	}
	res->left = ce_qp_inflight(qp);
	_exit(0);
}

static void
case_drain_direct(void)
{
	struct dd_shared *sh;
	struct drain_result sum;
	pid_t kids[DD_CLIENTS];
	int rc;

	sh = dt_shared(sizeof(*sh));
	/* direct = yes is the default; said here because it is what is tested. */
	dt_start("[engine]\ndirect = yes\nstop_timeout_ms = 10000\n\n"
		 "[pmd.ipsecmb0]\ndriver = ipsecmb\n");
	dt_fork(kids, DD_CLIENTS, dd_client, sh);
	dt_wait_count(&sh->ready, DD_CLIENTS, 120);
	CHECK(kill(dt_pid, SIGTERM) == 0);
	rc = dt_wait_exit(dt_pid);
	dt_pid = 0;
	dt_wait_children(kids, DD_CLIENTS);
	sum = drain_sum(sh->r, DD_CLIENTS);
	fprintf(stderr, "drain_direct: %d clients: %" PRIu64 " served, %" PRIu64 " -ESHUTDOWN, "
		"%" PRIu64 " never answered (-ECONNRESET), %" PRIu64 " other, %" PRIu64
		" duplicated, %" PRIu64 " foreign, %" PRIu64 " left; notice seen by %" PRIu64
		" (%" PRIu64 " saw "
		"the hang-up first); exit %d\n", DD_CLIENTS, sum.served, sum.shut, sum.reset,
		sum.other, sum.dup, sum.foreign, sum.left, sum.notices, sum.gone_first, rc);
	if (sum.reset || sum.dup || rc != 0)
		dt_dump_log();
	CHECK_EQ(rc, 0);
	CHECK_EQ(sum.reset, 0);
	CHECK_EQ(sum.dup, 0);
	CHECK_EQ(sum.foreign, 0);
	CHECK_EQ(sum.other, 0);
	CHECK_EQ(sum.left, 0);
	CHECK(sum.served >= DD_CLIENTS * DD_WARM);
	/* The daemon waits for each client to read its notice. */
	CHECK_EQ(sum.notices, DD_CLIENTS);
	munmap(sh, sizeof(*sh));
}

/* ---- qp_destroy / client_close with requests in flight --------------------- */

static void
case_qp_destroy(void)
{
	enum { N = 256, M = 8 };
	static struct ce_desc dd[N];
	struct ce_cqe cqes[N];
	struct ce_client *c, *c2;
	struct ce_qp *qp, *qp2;
	uint8_t *buf;
	int64_t h;
	double t0;
	int r;

	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=200000000\n");
	c = dt_connect();
	qp = ce_qp_create(c);
	h = ce_session_create(c, &dt_null_sess);
	buf = ce_buf_alloc(c, 64 * N, 0);
	CHECK(qp != NULL && h >= 0 && buf != NULL);
	dt_fill(c, dd, N, 0, h, buf);
	CHECK_EQ(ce_submit_burst(qp, dd, N), N);
	for (int tries = 0; dt_inflight(c) == 0; tries++) {
		CHECK(tries < 3000);
		dt_sleep_ms(1);
	}
	/* Returns once the daemon will write those rings no more. */
	t0 = dt_now();
	CHECK_EQ(ce_qp_destroy(qp), 0);
	fprintf(stderr, "qp_destroy with requests in flight returned after %.3f s\n",
		dt_now() - t0);

	/* A new queue pair in the same rings sees only its own completions. */
	qp2 = ce_qp_create(c);
	CHECK(qp2 != NULL);
	dt_fill(c, dd, M, 1000, h, buf);
	CHECK_EQ(ce_submit_burst(qp2, dd, M), M);
	dt_reap(qp2, cqes, M);
	for (int i = 0; i < M; i++) {
		if (cqes[i].cookie < 1000 || cqes[i].cookie >= 1000 + M)
			fprintf(stderr, "foreign CQE: cookie %" PRIu64 " status %d\n",
				cqes[i].cookie, cqes[i].status);
		CHECK(cqes[i].cookie >= 1000 && cqes[i].cookie < 1000 + M);
		CHECK_EQ(cqes[i].status, 0);
	}
	/* Nothing late either: the old requests would have finished by now. */
	CHECK(ce_wait(qp2, 500) >= 0);
	r = ce_poll_burst(qp2, cqes, N);
	CHECK_EQ(r, 0);

	/* ce_client_close with requests in flight: the daemon keeps the region
	 * until they are done, and serves the next client. */
	dt_fill(c, dd, N, 0, h, buf);
	CHECK_EQ(ce_submit_burst(qp2, dd, N), N);
	for (int tries = 0; dt_inflight(c) == 0; tries++) {
		CHECK(tries < 3000);
		dt_sleep_ms(1);
	}
	ce_client_close(c);
	c2 = dt_connect();
	qp = ce_qp_create(c2);
	h = ce_session_create(c2, &dt_null_sess);
	buf = ce_buf_alloc(c2, 64, 0);
	CHECK(qp != NULL && h >= 0 && buf != NULL);
	dt_fill(c2, dd, 1, 5, h, buf);
	CHECK_EQ(dt_one(qp, &dd[0]), 0);
	ce_client_close(c2);
	dt_stop();
}

/* ---- unauth: peers outside [clients] cost nothing ---------------------------- */

enum { UN_CONNS = 200 };

struct un_shared {
	uint32_t connected;		/* child: all its connections made */
	uint32_t refused;		/* child: answers naming allow_uids */
	uint32_t hung_up;		/* child: connections the daemon closed */
	uint32_t done;			/* parent: the child may go */
	uint32_t timed_out;		/* pending: closed at the HELLO deadline */
	uint32_t refused_pending;	/* pending: refused for max_pending_per_uid */
};

/* One deadline for all the flood's waits: a daemon that never answers fails in 20 s. */
static double un_deadline;

static int
un_left_ms(void)
{
	double left = un_deadline - dt_now();

	return left > 0 ? (int)(left * 1000) : 0;
}

/* Child as uid 65534: UN_CONNS connections, never a HELLO; read what comes. */
static void
un_flood(struct un_shared *sh, bool allowed)
{
	static int fds[UN_CONNS];
	struct ce_msg *m = calloc(1, sizeof(*m));

	CHECK(m != NULL);
	CHECK(setgid(65534) == 0 && setuid(65534) == 0);
	/* After setuid, which clears it: never outlive the test. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	un_deadline = dt_now() + 20;
	for (int i = 0; i < UN_CONNS; i++) {
		fds[i] = dt_raw_connect(false);
		CHECK(fds[i] >= 0);
	}
	__atomic_store_n(&sh->connected, 1, __ATOMIC_RELEASE);
	if (!allowed) {
		for (int i = 0; i < UN_CONNS; i++) {
			if (dt_raw_answer(fds[i], m, un_left_ms()) != 1)
				continue;
			if (m->hdr.type == CE_MSG_REPLY && m->hdr.seq == 1 &&
			    m->u.reply.req_type == CE_MSG_HELLO && m->u.reply.status == -EACCES &&
			    strstr(m->u.reply.reason, "allow_uids") != NULL)
				sh->refused++;
			if (i == 0)
				fprintf(stderr, "uid 65534: \"%s\"\n", m->u.reply.reason);
			if (dt_raw_answer(fds[i], m, un_left_ms()) == -1)
				sh->hung_up++;
		}
	} else {
		/* Refused at once beyond max_pending_per_uid; the rest closed at
		 * the HELLO deadline. Each is told which. */
		for (int i = 0; i < UN_CONNS; i++) {
			if (dt_raw_answer(fds[i], m, un_left_ms()) != 1)
				continue;
			if (m->u.reply.status == -EAGAIN &&
			    strstr(m->u.reply.reason, "max_pending_per_uid") != NULL)
				sh->refused_pending++;
			if (m->u.reply.status == -ETIMEDOUT &&
			    strstr(m->u.reply.reason, "hello_timeout_ms") != NULL &&
			    sh->timed_out++ == 0)
				fprintf(stderr, "uid 65534, no HELLO: \"%s\"\n", m->u.reply.reason);
			if (dt_raw_answer(fds[i], m, un_left_ms()) == -1)
				sh->hung_up++;
		}
	}
	while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))
		dt_sleep_ms(10);
	_exit(0);
}

static void
un_root_gets_in(void)
{
	struct ce_client *c = dt_connect();
	struct ce_qp *qp = ce_qp_create(c);
	int64_t h = ce_session_create(c, &dt_null_sess);
	uint8_t *buf = ce_buf_alloc(c, 64, 0);
	struct ce_desc dd;

	CHECK(qp != NULL && h >= 0 && buf != NULL);
	dt_fill(c, &dd, 1, 1, h, buf);
	CHECK_EQ(dt_one(qp, &dd), 0);
	ce_client_close(c);
}

/* The unauth and pending cases fork uids other than root's: skip unless root. */
static void
un_need_root(void)
{
	if (getuid() != 0) {
		fprintf(stderr, "not root: cannot connect as another uid\n");
		exit(CE_TEST_SKIP);
	}
}

/* Fork the flood (uid 65534; @p allowed: in the ACL) and wait until all its
 * connections are made. @return the page it reports into. */
static struct un_shared *
un_flood_start(bool allowed, pid_t *kid)
{
	struct un_shared *sh = dt_shared(sizeof(*sh));

	*kid = fork();
	CHECK(*kid >= 0);
	if (*kid == 0) {
		dt_pid = 0;
		un_flood(sh, allowed);
	}
	for (int tries = 0; !__atomic_load_n(&sh->connected, __ATOMIC_ACQUIRE); tries++) {
		CHECK(tries < 6000);
		dt_sleep_ms(10);
	}
	return sh;
}

/* With the flood still holding its connections, root gets in; then the flood ends. */
static void
un_flood_finish(struct un_shared *sh, pid_t kid)
{
	int st;

	un_root_gets_in();
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
	CHECK(waitpid(kid, &st, 0) == kid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
case_unauth(void)
{
	struct un_shared *sh;
	unsigned int fds0, fds1;
	long rss0, rss1;
	pid_t kid;

	un_need_root();
	dt_start("[pmd.null0]\ndriver = null\n");
	fds0 = dt_proc_fds(dt_pid);
	rss0 = dt_proc_rss_kb(dt_pid);
	sh = un_flood_start(false, &kid);
	/* The flood holds its 200 sockets open: the daemon holds none of them. */
	dt_sleep_ms(200);
	fds1 = dt_proc_fds(dt_pid);
	rss1 = dt_proc_rss_kb(dt_pid);
	fprintf(stderr, "unauth: %d connections of uid 65534 held open: daemon fds %u -> %u, "
		"RSS %ld -> %ld kB\n", UN_CONNS, fds0, fds1, rss0, rss1);
	CHECK(fds1 <= fds0 + 2);
	CHECK(rss1 - rss0 < 2048);
	un_flood_finish(sh, kid);
	fprintf(stderr, "unauth: %u of %d told why (allow_uids), %u closed by the daemon\n",
		sh->refused, UN_CONNS, sh->hung_up);
	CHECK_EQ(sh->refused, UN_CONNS);
	CHECK_EQ(sh->hung_up, UN_CONNS);
	dt_stop();
	munmap(sh, sizeof(*sh));
}

/* ---- pending: an allowed uid that never says HELLO ----------------------------- */

static void
case_pending(void)
{
	struct ce_client *cs[3], *c;
	struct un_shared *sh;
	unsigned int fds0, fds1;
	pid_t kid;

	un_need_root();
	/* Defaults: max_pending_per_uid 8, hello_timeout_ms 1000. */
	dt_start("[clients]\nallow_uids = 0, 65534\n\n[pmd.null0]\ndriver = null\n");
	fds0 = dt_proc_fds(dt_pid);
	sh = un_flood_start(true, &kid);
	fds1 = dt_proc_fds(dt_pid);
	/* Meanwhile root is served. */
	un_flood_finish(sh, kid);
	fprintf(stderr, "pending: %d connections without HELLO: %u refused at once "
		"(max_pending_per_uid), %u closed at the HELLO deadline, %u hung up; daemon fds "
		"%u -> %u\n", UN_CONNS, sh->refused_pending, sh->timed_out, sh->hung_up, fds0, fds1);
	/* At most max_pending_per_uid (8) held at any time. */
	CHECK(fds1 <= fds0 + 8 + 2);
	CHECK(sh->timed_out >= 1);
	CHECK_EQ(sh->refused_pending + sh->timed_out, UN_CONNS);
	CHECK_EQ(sh->hung_up, UN_CONNS);
	dt_stop();

	/* Connections per uid: pending and authenticated together. */
	dt_start("[clients]\nmax_conns_per_uid = 3\n\n[pmd.null0]\ndriver = null\n");
	for (int i = 0; i < 3; i++) {
		cs[i] = dt_connect();
		CHECK(cs[i] != NULL);
	}
	c = ce_client_connect(dt_sock, NULL);
	CHECK(c == NULL);
	CHECK_EQ(errno, EUSERS);
	fprintf(stderr, "4th connection of root: \"%s\"\n", ce_client_last_error(NULL));
	CHECK(strstr(ce_client_last_error(NULL), "max_conns_per_uid") != NULL);
	/* A closed connection stops counting once the daemon has read its
	 * hang-up: a busy daemon may take a moment, never forever. */
	ce_client_close(cs[0]);
	for (int tries = 0; (cs[0] = ce_client_connect(dt_sock, NULL)) == NULL; tries++) {
		CHECK_EQ(errno, EUSERS);
		CHECK(tries < 500);
		dt_sleep_ms(10);
	}
	for (int i = 0; i < 3; i++)
		ce_client_close(cs[i]);
	dt_stop();
	munmap(sh, sizeof(*sh));
}

/* ---- emfile: the daemon out of descriptors ------------------------------------- */

enum { EM_LIMIT = 64, EM_CONNS = 150, EM_WINDOW_MS = 2000 };

static unsigned int
dt_log_count(const char *what)
{
	char buf[65536];
	unsigned int n = 0;
	size_t len;
	FILE *f = fopen(dt_log, "r");

	if (f == NULL)
		return 0;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	for (const char *p = buf; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static void
case_emfile(void)
{
	static int fds[EM_CONNS];
	unsigned long long t0, t1, r0, r1;
	long hz = sysconf(_SC_CLK_TCK);
	unsigned int open = 0, dfds;
	double w0, w1;

	/* The flood is root's own: only the fd limit stops it. */
	dt_write_config("[clients]\nmax_pending = 4096\nmax_pending_per_uid = 4096\n"
			"max_conns_per_uid = 65536\nhello_timeout_ms = 60000\n\n"
			"[pmd.null0]\ndriver = null\n");
	dt_pid = dt_spawn(dt_cfg);
	ce_client_close(dt_connect());
	/* After EAL started: it raises its soft limit to the hard one. */
	{
		struct rlimit rl = { .rlim_cur = EM_LIMIT, .rlim_max = EM_LIMIT };

		CHECK(prlimit(dt_pid, RLIMIT_NOFILE, &rl, NULL) == 0);
	}
	for (int i = 0; i < EM_CONNS; i++) {
		fds[i] = dt_raw_connect(true);
		if (fds[i] >= 0)
			open++;
	}
	/* Until the daemon has run out (its log says so). */
	for (int tries = 0; dt_log_count("Too many open files") == 0; tries++) {
		if (tries >= 1000)
			dt_dump_log();
		CHECK(tries < 1000);
		dt_sleep_ms(10);
	}
	dfds = dt_proc_fds(dt_pid);
	w0 = dt_now();
	t0 = dt_ctl_thread_ticks(dt_pid);
	r0 = dt_ctl_thread_runnable_ns(dt_pid);
	dt_sleep_ms(EM_WINDOW_MS);
	t1 = dt_ctl_thread_ticks(dt_pid);
	r1 = dt_ctl_thread_runnable_ns(dt_pid);
	w1 = dt_now();
	fprintf(stderr, "emfile: limit %d, %u of %d connections made, daemon at %u fds; control "
		"thread over %.1f s: %.0f%% of a core, runnable %.0f%% of the time; %u warning(s) "
		"logged\n", EM_LIMIT, open, EM_CONNS, dfds, w1 - w0,
		100.0 * (double)(t1 - t0) / (double)hz / (w1 - w0),
		100.0 * (double)(r1 - r0) / 1e9 / (w1 - w0), dt_log_count("Too many open files"));
	/* Spinning on a readable listening socket: runnable all the time (and
	 * ~100% of a core on an idle machine). */
	CHECK((double)(r1 - r0) / 1e9 < 0.5 * (w1 - w0));
	CHECK((double)(t1 - t0) / (double)hz < 0.5 * (w1 - w0));
	CHECK_EQ(dt_log_count("Too many open files"), 1);
	for (int i = 0; i < EM_CONNS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* Once fds free up, root gets in. */
	un_root_gets_in();
	dt_stop();
}

/* ---- max_clients: closed clients stop counting at once ------------------------ */

static void
case_max_clients(void)
{
	enum { MAX = 8, CYCLES = 20, N = 16 };
	struct ce_client *cs[MAX], *c;
	unsigned int refused = 0;

	dt_start("[clients]\nmax_clients = 8\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=50000000\n");
	for (int cycle = 0; cycle < CYCLES; cycle++) {
		/* 7 clients, each leaving requests in flight behind it. */
		for (int i = 0; i < MAX - 1; i++) {
			struct ce_desc dd[N];
			struct ce_qp *qp;
			uint8_t *buf;
			int64_t h;

			cs[i] = dt_connect();
			qp = ce_qp_create(cs[i]);
			h = ce_session_create(cs[i], &dt_null_sess);
			buf = ce_buf_alloc(cs[i], 64 * N, 0);
			CHECK(qp != NULL && h >= 0 && buf != NULL);
			dt_fill(cs[i], dd, N, 0, h, buf);
			CHECK_EQ(ce_submit_burst(qp, dd, N), N);
		}
		for (int i = 0; i < MAX - 1; i++)
			ce_client_close(cs[i]);
		/* Their teardown is not done: the limit must not care. */
		for (int i = 0; i < MAX; i++) {
			cs[i] = ce_client_connect(dt_sock, NULL);
			if (cs[i] == NULL) {
				fprintf(stderr, "cycle %d, client %d refused: %s\n", cycle, i,
					ce_client_last_error(NULL));
				refused++;
			}
		}
		for (int i = 0; i < MAX; i++)
			ce_client_close(cs[i]);
	}
	fprintf(stderr, "max_clients: %d cycles of %d closed then %d connected: %u refused\n",
		CYCLES, MAX - 1, MAX, refused);
	CHECK_EQ(refused, 0);
	/* And the limit still holds for clients that are there. */
	for (int i = 0; i < MAX; i++)
		cs[i] = dt_connect();
	c = ce_client_connect(dt_sock, NULL);
	CHECK(c == NULL);
	CHECK_EQ(errno, EUSERS);
	CHECK(strstr(ce_client_last_error(NULL), "max_clients") != NULL);
	for (int i = 0; i < MAX; i++)
		ce_client_close(cs[i]);
	dt_stop();
}

/* ---- selftest: a slow device's self-tests, and one that never answers -------- */

/* Every implementation of [pmd.null0] in @p algs has self-test state @p want. */
static unsigned int
dt_null_selftests(json_t *algs, const char *want, const char *why_part)
{
	unsigned int n = 0;
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(algs, "algs"), i, a) {
		const char *st = json_string_value(json_object_get(a, "selftest"));
		const char *why = json_string_value(json_object_get(a, "selftest_why"));

		if (strcmp(json_string_value(json_object_get(a, "device")), "null0") != 0)
			continue;
		if (i == 0 || n == 0)
			fprintf(stderr, "  %s: %s%s%s, max_len %lld\n",
				json_string_value(json_object_get(a, "driver")), st,
				why ? ": " : "", why ? why : "",
				json_integer_value(json_object_get(a, "max_len")));
		CHECK(strcmp(st, want) == 0);
		if (why_part != NULL)
			CHECK(why != NULL && strstr(why, why_part) != NULL);
		CHECK(json_integer_value(json_object_get(a, "max_len")) > 0);
		n++;
	}
	return n;
}

static void
case_selftest(void)
{
	struct ce_client *c;
	json_t *algs;
	double t0;

	/* 500 ms a request: all of the device's self-tests run at once. */
	t0 = dt_now();
	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=500000000\n");
	fprintf(stderr, "null device at 500 ms a request: up after %.2f s\n", dt_now() - t0);
	c = dt_connect();
	algs = dt_ctl(c, "{\"cmd\":\"algs\"}");
	CHECK(dt_null_selftests(algs, "passed", NULL) > 0);
	json_decref(algs);
	ce_client_close(c);
	dt_stop();

	/* A device that answers after the bound: its implementations fail, and
	 * start-up does not wait for it; the software device is unharmed. */
	t0 = dt_now();
	dt_start("[engine]\nselftest_timeout_ms = 200\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=30000000000\n\n"
		 "[pmd.sodium0]\ndriver = sodium\n");
	fprintf(stderr, "null device at 30 s a request, selftest_timeout_ms 200: up after "
		"%.2f s\n", dt_now() - t0);
	c = dt_connect();
	algs = dt_ctl(c, "{\"cmd\":\"algs\"}");
	CHECK(dt_null_selftests(algs, "failed", "no answer within 200 ms") > 0);
	{
		json_t *a;
		size_t i;
		unsigned int sodium_ok = 0;

		json_array_foreach(json_object_get(algs, "algs"), i, a)
			if (strcmp(json_string_value(json_object_get(a, "pmd")), "sodium") == 0 &&
			    strcmp(json_string_value(json_object_get(a, "selftest")), "passed") == 0)
				sodium_ok++;
		CHECK(sodium_ok > 0);
	}
	json_decref(algs);
	ce_client_close(c);
	dt_stop();
}

int
main(int argc, char **argv)
{
	static const struct dt_case cases[] = {
		{ "drain", case_drain }, { "drain_direct", case_drain_direct },
		{ "qp_destroy", case_qp_destroy }, { "unauth", case_unauth },
		{ "pending", case_pending }, { "emfile", case_emfile },
		{ "max_clients", case_max_clients }, { "selftest", case_selftest }
	};

	dt_init(argc, argv);
	return dt_run_case(cases, DT_NB_CASES(cases), argc > 2 ? argv[2] : "drain");
}
