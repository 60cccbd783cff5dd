/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libcryptoeng against a real cryptoengd that goes away: the data path must
 * say so, report every request in flight exactly once, and a new connection
 * to a restarted daemon must work.
 *
 *   test_client_daemon CRYPTOENGD sigkill|sigterm|reconnect|destroy
 *
 * sigkill    daemon SIGKILLed with requests in flight on two queue pairs: a
 *            thread blocked in ce_wait(qp, -1) wakes, a spinning
 *            ce_poll_burst() sees it, every cookie comes back once (0 or
 *            -ECONNRESET), then every data-path call says -ENOTCONN.
 * sigterm    SIGTERM with requests in flight (more than the engine holds):
 *            the daemon's notice makes ce_submit_burst() say -ESHUTDOWN,
 *            every request is answered by the daemon (0 or -ESHUTDOWN, none
 *            lost), then -ENOTCONN.
 * reconnect  daemon killed under load and started again on the same socket:
 *            a new client (region, queue pair, session) works again.
 * epoll      an application's own epoll loop: ce_qp_fd() is readable after
 *            ce_qp_arm() once a completion is there; ce_client_fd() reports
 *            EPOLLRDHUP when the daemon is killed.
 * destroy    ce_qp_destroy() and ce_client_close() with requests in flight
 *            wait for them: the daemon shows nothing in flight when they
 *            return, and a queue pair made in the same slot gets only its
 *            own completions.
 *
 * A watchdog (alarm) turns a call that would block forever into a failure.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "dtest.h"
#include "ce_clock.h"

#define WATCHDOG_S	20	/* generous: any hang is a failure, not a slow run */

static const struct ce_session_params cd_sp = {
	.alg = "ecb(cipher_null)", .direction = CE_SESS_DIR_ENCRYPT,
};

static void
cd_watchdog_fired(int sig)
{
	static const char msg[] = "watchdog: a call blocked (daemon gone, client not told)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);	/* atexit would not run here; the daemon dies by PDEATHSIG */
}

static void
cd_watchdog(unsigned int s)
{
	signal(SIGALRM, cd_watchdog_fired);
	alarm(s);
}

/* Application cookies: arbitrary, including the daemon's notice values. */
static uint64_t
cd_cookie(unsigned int qp_idx, unsigned int i)
{
	if (i == 0)
		return UINT64_MAX;		/* = CE_CQE_COOKIE_BROKEN */
	if (i == 1)
		return UINT64_MAX - 1;		/* = CE_CQE_COOKIE_SHUTDOWN */
	return 0x9e3779b97f4a7c15ull * (qp_idx * 100000u + i);
}

struct cd_set {
	struct ce_client *c;
	struct ce_qp *qp;
	uint32_t handle;
	uint8_t *buf;
	unsigned int idx;
	unsigned int n;			/* requests submitted */
	uint64_t *cookies;
	uint8_t *seen;			/* completions per cookie */
	unsigned int nb_ok, nb_lost, nb_shutdown;
};

static void
cd_set_open(struct cd_set *s, struct ce_client *c, unsigned int idx, unsigned int cap)
{
	int64_t h;

	memset(s, 0, sizeof(*s));
	s->c = c;
	s->idx = idx;
	s->qp = ce_qp_create(c);
	CHECK(s->qp != NULL);
	h = ce_session_create(c, &cd_sp);
	CHECK(h >= 0);
	s->handle = (uint32_t)h;
	s->buf = ce_buf_alloc(c, 64 * (size_t)cap, 0);
	CHECK(s->buf != NULL);
	s->cookies = calloc(cap, sizeof(*s->cookies));
	s->seen = calloc(cap, 1);
	CHECK(s->cookies && s->seen);
}

static void
cd_set_free(struct cd_set *s)
{
	free(s->cookies);
	free(s->seen);
}

static void
cd_desc(const struct cd_set *s, unsigned int i, struct ce_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->cookie = cd_cookie(s->idx, i);
	d->session = s->handle;
	d->op = CE_OP_ENCRYPT;
	d->src_off = d->dst_off = ce_buf_offset(s->c, s->buf + 64 * (size_t)i);
	d->len = 64;
}

/* Submit requests n..n+k-1; @return ce_submit_burst()'s result. */
static int
cd_submit(struct cd_set *s, unsigned int k)
{
	struct ce_desc d[256];
	int r;

	CHECK(k <= 256);
	for (unsigned int i = 0; i < k; i++)
		cd_desc(s, s->n + i, &d[i]);
	r = ce_submit_burst(s->qp, d, k);
	for (int i = 0; i < r; i++)
		s->cookies[s->n + (unsigned int)i] = d[i].cookie;
	if (r > 0)
		s->n += (unsigned int)r;
	return r;
}

/* Account completions: each cookie once, statuses counted. */
static void
cd_account(struct cd_set *s, const struct ce_cqe *cqes, int r)
{
	for (int i = 0; i < r; i++) {
		unsigned int j;

		for (j = 0; j < s->n; j++)
			if (s->cookies[j] == cqes[i].cookie && !s->seen[j])
				break;
		if (j == s->n) {
			fprintf(stderr, "qp %u: completion for cookie %#" PRIx64
				" not in flight (unknown or twice)\n", s->idx, cqes[i].cookie);
			exit(1);
		}
		s->seen[j] = 1;
		if (cqes[i].status == 0)
			s->nb_ok++;
		else if (cqes[i].status == -ECONNRESET)
			s->nb_lost++;
		else if (cqes[i].status == -ESHUTDOWN)
			s->nb_shutdown++;
		else
			CHECK_EQ(cqes[i].status, 0);
	}
}

/* Poll until -ENOTCONN; everything submitted must have been reported. */
static void
cd_reap_until_gone(struct cd_set *s)
{
	struct ce_cqe cqes[64];

	for (;;) {
		int r = ce_poll_burst(s->qp, cqes, 64);

		if (r == -ENOTCONN)
			break;
		CHECK(r >= 0);
		cd_account(s, cqes, r);
		if (r == 0)
			CHECK(ce_wait(s->qp, 100) >= 0 || ce_qp_inflight(s->qp) == 0);
	}
	for (unsigned int j = 0; j < s->n; j++)
		CHECK_EQ(s->seen[j], 1);
	CHECK_EQ(ce_qp_inflight(s->qp), 0);
	CHECK_EQ(s->nb_ok + s->nb_lost + s->nb_shutdown, s->n);
}

/* Once gone: every data-path call gives the documented error, at once. */
static void
cd_check_gone_errors(struct cd_set *s, int submit_err)
{
	struct ce_desc d;
	struct ce_cqe cqe;

	cd_desc(s, 0, &d);
	CHECK_EQ(ce_submit_burst(s->qp, &d, 1), submit_err);
	CHECK_EQ(ce_poll_burst(s->qp, &cqe, 1), -ENOTCONN);
	CHECK_EQ(ce_wait(s->qp, -1), -ENOTCONN);
	CHECK_EQ(ce_qp_arm(s->qp), -ENOTCONN);
	CHECK_EQ(ce_client_check(s->c), -ENOTCONN);
	CHECK(ce_qp_create(s->c) == NULL);
	CHECK(ce_session_create(s->c, &cd_sp) < 0);
}

/* Requests of this process the daemon holds ("stats": live and dying queue pairs). */
static long long
cd_daemon_inflight(struct ce_client *c)
{
	json_t *j = dt_ctl(c, "{\"cmd\":\"stats\"}"), *cl;
	long long infl = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "clients"), i, cl)
		if (json_integer_value(json_object_get(cl, "pid")) == getpid())
			infl += json_integer_value(json_object_get(cl, "in_flight"));
	json_decref(j);
	return infl;
}

/* Wait until the daemon holds at least @p n of our requests. */
static void
cd_wait_daemon_took(struct ce_client *c, long long n)
{
	for (int tries = 0; cd_daemon_inflight(c) < n; tries++) {
		CHECK(tries < 5000);
		dt_sleep_ms(1);
	}
}

/* ---- sigkill ------------------------------------------------------------- */

struct cd_waiter {
	struct ce_qp *qp;
	int ret;
	uint64_t woke_ns;
};

static void *
cd_waiter_main(void *arg)
{
	struct cd_waiter *w = arg;

	w->ret = ce_wait(w->qp, -1);
	w->woke_ns = ce_clock_ns();
	return NULL;
}

static void
case_sigkill(void)
{
	enum { N = 96 };
	struct cd_set a, b, idle;
	struct cd_waiter w;
	struct ce_client *c;
	struct ce_cqe cqes[64];
	pthread_t tid;
	uint64_t t_kill, t_poll = 0;
	int r;

	/* 200 ms per request; the daemon is stopped (SIGSTOP) before any can
	 * complete, so that nothing but the hang-up can wake the waiter. */
	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=200000000\n");
	c = dt_connect();
	cd_set_open(&a, c, 0, N);
	cd_set_open(&b, c, 1, N);
	cd_set_open(&idle, c, 2, 1);
	CHECK_EQ(cd_submit(&a, N), N);
	CHECK_EQ(cd_submit(&b, N), N);
	cd_wait_daemon_took(c, 64);
	CHECK(kill(dt_pid, SIGSTOP) == 0);
	dt_sleep_ms(20);
	/* What it finished before it stopped (on a loaded machine, some may be). */
	while ((r = ce_poll_burst(a.qp, cqes, 64)) > 0)
		cd_account(&a, cqes, r);
	CHECK_EQ(r, 0);
	while ((r = ce_poll_burst(b.qp, cqes, 64)) > 0)
		cd_account(&b, cqes, r);
	CHECK_EQ(r, 0);
	CHECK(ce_qp_inflight(a.qp) > 0 && ce_qp_inflight(b.qp) > 0);

	w.qp = a.qp;
	CHECK(pthread_create(&tid, NULL, cd_waiter_main, &w) == 0);
	dt_sleep_ms(50);	/* let it block in poll(2) */
	cd_watchdog(WATCHDOG_S);
	t_kill = ce_clock_ns();
	CHECK(kill(dt_pid, SIGKILL) == 0);
	/* Queue pair b: a spinning poller (no ce_wait) must see it too. */
	for (;;) {
		r = ce_poll_burst(b.qp, cqes, 64);
		CHECK(r >= 0);
		if (r > 0) {
			t_poll = ce_clock_ns();
			for (int i = 0; i < r; i++)
				CHECK_EQ(cqes[i].status, -ECONNRESET);
			cd_account(&b, cqes, r);
			break;
		}
	}
	CHECK(pthread_join(tid, NULL) == 0);
	alarm(0);
	CHECK_EQ(dt_wait_exit(dt_pid), 128 + SIGKILL);
	dt_pid = 0;
	fprintf(stderr, "daemon gone after SIGKILL: ce_wait(-1) woke after %.3f ms, "
		"a spinning ce_poll_burst saw it after %.3f ms\n",
		(double)(w.woke_ns - t_kill) / 1e6, (double)(t_poll - t_kill) / 1e6);
	/* Woken with the requests still to be reported. */
	CHECK_EQ(w.ret, (int)ce_qp_inflight(a.qp));

	cd_reap_until_gone(&a);
	cd_reap_until_gone(&b);
	fprintf(stderr, "queue pair a: %u served, %u reported lost; b: %u served, %u lost\n",
		a.nb_ok, a.nb_lost, b.nb_ok, b.nb_lost);
	CHECK(a.nb_lost > 0 && b.nb_lost > 0);
	cd_check_gone_errors(&a, -ENOTCONN);
	cd_check_gone_errors(&b, -ENOTCONN);
	/* A queue pair with nothing in flight says so at once too. */
	CHECK_EQ(ce_poll_burst(idle.qp, cqes, 1), -ENOTCONN);
	CHECK_EQ(ce_qp_destroy(idle.qp), -ENOTCONN);
	CHECK_EQ(ce_qp_destroy(a.qp), -ENOTCONN);
	ce_client_close(c);	/* b's queue pair with it; must not block */
	cd_set_free(&a);
	cd_set_free(&b);
	cd_set_free(&idle);
}

/* ---- sigterm ------------------------------------------------------------- */

static void
case_sigterm(void)
{
	enum { N = 160, EXTRA = 32 };	/* window 64 (the default) < N: most wait in the SQ */
	struct cd_set s;
	struct ce_client *c;
	struct ce_cqe cqes[64];
	int r, saw_shutdown = 0, first_refusal = 0, rc;

	dt_start("[engine]\nstop_timeout_ms = 30000\n\n"
		 "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=100000000\n");
	c = dt_connect();
	cd_set_open(&s, c, 0, N + EXTRA);
	CHECK_EQ(cd_submit(&s, N), N);
	cd_wait_daemon_took(c, 64);
	cd_watchdog(120);
	CHECK(kill(dt_pid, SIGTERM) == 0);
	/* Keep submitting one at a time: taken until the notice, then refused. */
	for (;;) {
		r = ce_poll_burst(s.qp, cqes, 64);
		if (r == -ENOTCONN)
			break;
		CHECK(r >= 0);
		cd_account(&s, cqes, r);
		if (s.n < N + EXTRA) {
			int k = cd_submit(&s, 1);

			if (k == -ESHUTDOWN)
				saw_shutdown = 1;
			if (k < 0 && first_refusal == 0)
				first_refusal = k;
			CHECK(k == 0 || k == 1 || k == -ESHUTDOWN);
		}
		if (r == 0)
			CHECK(ce_wait(s.qp, 10) >= 0 || ce_qp_inflight(s.qp) == 0);
	}
	rc = dt_wait_exit(dt_pid);
	dt_pid = 0;
	alarm(0);
	fprintf(stderr, "SIGTERM: %u requests, %u served, %u -ESHUTDOWN, %u lost; "
		"first refusal %s\n", s.n, s.nb_ok, s.nb_shutdown, s.nb_lost,
		first_refusal ? strerror(-first_refusal) : "none");
	cd_reap_until_gone(&s);
	CHECK_EQ(rc, 0);
	/* The daemon answered every request itself: none had to be synthesised. */
	CHECK_EQ(s.nb_lost, 0);
	/* The notice came before the hang-up, and submit said so. */
	CHECK(saw_shutdown);
	CHECK_EQ(first_refusal, -ESHUTDOWN);
	/* The daemon said it stops: submit keeps saying so after it has gone. */
	cd_check_gone_errors(&s, -ESHUTDOWN);
	ce_client_close(c);
	cd_set_free(&s);
}

/* ---- reconnect ----------------------------------------------------------- */

static void
case_reconnect(void)
{
	enum { N = 64 };
	struct cd_set s;
	struct ce_client *c;
	struct ce_cqe cqes[N];
	int r;

	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=100000000\n");
	c = dt_connect();
	cd_set_open(&s, c, 0, N);
	CHECK_EQ(cd_submit(&s, N), N);
	cd_wait_daemon_took(c, 1);
	cd_watchdog(WATCHDOG_S);
	CHECK(kill(dt_pid, SIGKILL) == 0);
	CHECK_EQ(dt_wait_exit(dt_pid), 128 + SIGKILL);
	dt_pid = 0;
	cd_reap_until_gone(&s);
	alarm(0);
	CHECK(s.nb_lost > 0);
	cd_set_free(&s);
	/* The recipe: close the dead client (does not block), start again. */
	ce_client_close(c);

	dt_pid = dt_spawn(dt_cfg);
	c = dt_connect();
	cd_set_open(&s, c, 0, N);
	CHECK_EQ(cd_submit(&s, N), N);
	/* Same cookies as before the restart: nothing of the old client leaks in. */
	for (unsigned int got = 0; got < N; got += (unsigned int)r) {
		r = ce_poll_burst(s.qp, cqes, N);
		CHECK(r >= 0);
		cd_account(&s, cqes, r);
		if (r == 0)
			CHECK(ce_wait(s.qp, 1000) >= 0);
	}
	CHECK_EQ(s.nb_ok, N);
	CHECK_EQ(ce_client_check(c), 0);
	CHECK_EQ(ce_qp_destroy(s.qp), 0);
	ce_client_close(c);
	cd_set_free(&s);
	dt_stop();
}

/* ---- epoll ---------------------------------------------------------------- */

static void
case_epoll(void)
{
	struct epoll_event ev, got[4];
	struct cd_set s;
	struct ce_client *c;
	struct ce_cqe cqe;
	int ep, n, r, qp_events = 0, hup = 0;

	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=20000000\n");
	c = dt_connect();
	cd_set_open(&s, c, 0, 4);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	ev.events = EPOLLIN;
	ev.data.u32 = 1;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ce_qp_fd(s.qp), &ev) == 0);
	ev.events = EPOLLRDHUP;
	ev.data.u32 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ce_client_fd(c), &ev) == 0);
	cd_watchdog(WATCHDOG_S);

	/* Nothing in flight: armed, and epoll stays quiet. */
	CHECK_EQ(ce_qp_arm(s.qp), 0);
	CHECK_EQ(epoll_wait(ep, got, 4, 50), 0);
	/* One request (20 ms in the device): the CQ eventfd fires. */
	CHECK_EQ(cd_submit(&s, 1), 1);
	while (s.nb_ok == 0) {
		r = ce_qp_arm(s.qp);
		CHECK(r >= 0);
		if (r == 0) {
			n = epoll_wait(ep, got, 4, -1);
			CHECK(n >= 1);
			for (int i = 0; i < n; i++) {
				CHECK_EQ(got[i].data.u32, 1);
				qp_events++;
			}
		}
		while ((r = ce_poll_burst(s.qp, &cqe, 1)) > 0)
			cd_account(&s, &cqe, r);
		CHECK(r == 0);
	}
	CHECK(qp_events >= 1);

	/* Killed: the control socket says so, without reading it. */
	CHECK_EQ(cd_submit(&s, 1), 1);
	CHECK(kill(dt_pid, SIGKILL) == 0);
	while (!hup) {
		n = epoll_wait(ep, got, 4, -1);
		CHECK(n >= 1);
		for (int i = 0; i < n; i++)
			if (got[i].data.u32 == 2) {
				CHECK(got[i].events & (EPOLLRDHUP | EPOLLHUP));
				hup = 1;
			}
	}
	alarm(0);
	CHECK_EQ(dt_wait_exit(dt_pid), 128 + SIGKILL);
	dt_pid = 0;
	CHECK_EQ(ce_client_check(c), -ENOTCONN);
	/* The request in flight is reported, then the queue pair is done. */
	CHECK_EQ(ce_qp_arm(s.qp), 1);
	cd_reap_until_gone(&s);
	CHECK_EQ(s.nb_ok + s.nb_lost, 2);
	close(ep);
	ce_client_close(c);
	cd_set_free(&s);
}

/* ---- destroy ------------------------------------------------------------- */

static void
case_destroy(void)
{
	enum { N = 64 };
	struct cd_set s, t;
	struct ce_client *c, *k;
	struct ce_cqe cqes[N];
	int r;

	/* 50 ms per request, 64 at once: about 50 ms to drain. */
	dt_start("[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=50000000\n");
	c = dt_connect();
	cd_set_open(&s, c, 0, N);
	CHECK_EQ(cd_submit(&s, N), N);
	cd_wait_daemon_took(c, 1);
	/* Returns once the daemon is done with them: their buffers are free. */
	CHECK_EQ(ce_qp_destroy(s.qp), 0);
	CHECK_EQ(cd_daemon_inflight(c), 0);
	cd_set_free(&s);

	/* The same slot again: only this queue pair's own completions. */
	cd_set_open(&t, c, 1, N);
	CHECK_EQ(cd_submit(&t, N), N);
	for (unsigned int got = 0; got < N; got += (unsigned int)r) {
		r = ce_poll_burst(t.qp, cqes, N);
		CHECK(r >= 0);
		cd_account(&t, cqes, r);
		if (r == 0)
			CHECK(ce_wait(t.qp, 1000) >= 0);
	}
	CHECK_EQ(t.nb_ok, N);
	CHECK_EQ(ce_qp_inflight(t.qp), 0);

	/* ce_client_close with requests in flight: the daemon holds none after. */
	k = dt_connect();
	cd_set_open(&s, k, 2, N);
	CHECK_EQ(cd_submit(&s, N), N);
	cd_wait_daemon_took(c, 1);
	ce_client_close(k);
	CHECK_EQ(cd_daemon_inflight(c), 0);
	cd_set_free(&s);

	ce_client_close(c);
	cd_set_free(&t);
	dt_stop();
}

int
main(int argc, char **argv)
{
	static const struct dt_case cases[] = {
		{ "sigkill", case_sigkill }, { "sigterm", case_sigterm },
		{ "reconnect", case_reconnect }, { "epoll", case_epoll },
		{ "destroy", case_destroy }
	};

	dt_init(argc, argv);
	return dt_run_case(cases, DT_NB_CASES(cases), argc > 2 ? argv[2] : "sigkill");
}
