/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's crypto_engine semantics, one test per behaviour, over the
 * null PMD. Each test fails if the behaviour it names breaks.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#define CE_TEST_WANT_EAL
#include "ce_test.h"

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <sched.h>

#include "ce_engine.h"
#include "ce_pmd_null.h"

#define MAX_REQS 4096

/* What the completion callbacks saw. */
struct record {
	int final_status[MAX_REQS];
	unsigned int finals[MAX_REQS];     /* final completions per cookie */
	unsigned int notices[MAX_REQS];    /* -EINPROGRESS notices per cookie */
	unsigned int notice_before_final;  /* notices that came before their final */
	uint64_t order[MAX_REQS];          /* cookies in final-completion order */
	unsigned int nb_done;
	unsigned int bad_lcore;            /* completions run off the engine lcore */
	unsigned int wrong_active;         /* finals whose active is not their session */
	unsigned int want_lcore;
};

static struct record rec;

static void
record_complete(struct ce_pmd_request *req, int status)
{
	uint64_t c = req->cookie;

	CHECK(c < MAX_REQS);
	if (rte_lcore_id() != rec.want_lcore)
		rec.bad_lcore++;
	if (status == -EINPROGRESS) {
		rec.notices[c]++;
		if (rec.finals[c] == 0)
			rec.notice_before_final++;
		return;
	}
	rec.finals[c]++;
	if (req->active != req->sess)
		rec.wrong_active++;
	rec.final_status[c] = status;
	rec.order[rec.nb_done++] = c;
}

static void
record_reset(unsigned int lcore)
{
	memset(&rec, 0, sizeof(rec));
	rec.want_lcore = lcore;
}

static uint8_t src_buf[MAX_REQS][64];
static uint8_t dst_buf[MAX_REQS][64];

struct fixture {
	struct ce_pmd_dev *dev;
	struct ce_pmd_session *sess;
	struct ce_engine *e;
};

/*
 * "fwd-test": a backend that owns a fallback the way ce_pmd.h's contract
 * says, forwarding every request to a null device of its own (made with the
 * device's args) through ce_pmd_forward(), and finalizing through
 * ce_pmd_forward_complete().
 */
struct fwd_dev {
	struct ce_pmd_dev *inner;
};

struct fwd_sess {
	struct ce_pmd_session *inner;
};

static int
fwd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct fwd_dev *d = dev->priv;
	struct ce_pmd_dev_config icfg = *cfg;
	char name[sizeof(dev->name) + 8];

	snprintf(name, sizeof(name), "%s-in", dev->name);
	d->inner = ce_pmd_dev_create("null", name, &icfg);
	return d->inner != NULL ? 0 : -errno;
}

static void
fwd_dev_close(struct ce_pmd_dev *dev)
{
	ce_pmd_dev_destroy(((struct fwd_dev *)dev->priv)->inner);
}

static void
fwd_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	ce_pmd_forward_complete(ctx, req, status);
}

static int
fwd_qp_setup(struct ce_pmd_qp *qp)
{
	struct ce_pmd_qp *in = ((struct fwd_dev *)qp->dev->priv)->inner->qps[qp->id];

	in->finalize = fwd_finalize;
	in->finalize_ctx = qp;
	qp->priv = NULL;
	return 0;
}

static int
fwd_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
		   const struct ce_pmd_session_params *params)
{
	struct fwd_sess *s = sess->priv;
	struct ce_pmd_session_params p = *params;

	p.refuse_flags = CE_PMD_ALG_F_NEED_FALLBACK;
	s->inner = ce_pmd_session_create(((struct fwd_dev *)dev->priv)->inner, &p, NULL);
	if (s->inner == NULL)
		return -errno;
	s->inner->parent = sess;
	return 0;
}

static void
fwd_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	RTE_SET_USED(dev);
	ce_pmd_session_destroy(((struct fwd_sess *)sess->priv)->inner);
}

static struct ce_pmd_qp *
fwd_inner_qp(struct ce_pmd_qp *qp)
{
	return ((struct fwd_dev *)qp->dev->priv)->inner->qps[qp->id];
}

static int
fwd_do_one(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct fwd_sess *s = req->active->priv;

	return ce_pmd_forward(qp, fwd_inner_qp(qp), s->inner, req);
}

static uint16_t
fwd_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct ce_pmd_qp *in = fwd_inner_qp(qp);

	return in->dev->drv->fast->poll(in, max);
}

static const struct ce_pmd_ops fwd_ops = {
	.dev_configure = fwd_dev_configure,
	.dev_close = fwd_dev_close,
	.qp_setup = fwd_qp_setup,
	.session_create = fwd_session_create,
	.session_destroy = fwd_session_destroy,
};

static const struct ce_pmd_fast_ops fwd_fast_ops = {
	.do_one_request = fwd_do_one,
	.poll = fwd_poll,
};

static const struct ce_pmd_alg_caps fwd_caps[] = {
	{ .name = "ecb(cipher_null)", .driver_name = "ecb-cipher_null-fwd-test",
	  .type = CE_PMD_ALG_CIPHER, .priority = 1, .flags = CE_PMD_ALG_F_NEED_FALLBACK,
	  .key_size = { 0, 0, 0 }, .iv_size = { 0, 0, 0 }, .digest_size = { 0, 0, 0 },
	  .aad_size = { 0, 0, 0 }, .block_size = 1, .max_data_len = 65536 },
};

static struct ce_pmd_driver fwd_driver = {
	.name = "fwd-test",
	.ops = &fwd_ops,
	.fast = &fwd_fast_ops,
	.caps = fwd_caps,
	.nb_caps = 1,
	.max_batch = 1,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = sizeof(struct fwd_dev),
	.sess_priv_size = sizeof(struct fwd_sess),
};

CE_PMD_REGISTER(fwd_driver);

static int fixture_seq;

static struct ce_pmd_session *
null_session(struct ce_pmd_dev *dev)
{
	struct ce_pmd_session_params sp = {
		.alg = "ecb(cipher_null)",
		.op = CE_OP_ENCRYPT,
	};
	const char *why = NULL;
	struct ce_pmd_session *s = ce_pmd_session_create(dev, &sp, &why);

	if (s == NULL)
		fprintf(stderr, "session: %s (%s)\n", strerror(errno), why ? why : "");
	CHECK(s != NULL);
	return s;
}

/* One device (null, or fwd-test when fwd_args is given) feeding one engine on lcore. */
static void
fixture_init(struct fixture *f, const char *null_args, const struct ce_engine_params *ep_in,
	     const char *fwd_args)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = SOCKET_ID_ANY };
	struct ce_engine_params ep = *ep_in;
	char name[32];

	memset(f, 0, sizeof(*f));
	cfg.args = fwd_args != NULL ? fwd_args : null_args;
	snprintf(name, sizeof(name), "dev%d", fixture_seq);
	f->dev = ce_pmd_dev_create(fwd_args != NULL ? "fwd-test" : "null", name, &cfg);
	CHECK(f->dev != NULL);
	f->sess = null_session(f->dev);
	snprintf(name, sizeof(name), "eng%d", fixture_seq++);
	ep.name = name;
	f->e = ce_engine_create(&ep);
	CHECK(f->e != NULL);
	CHECK_EQ(ce_engine_attach_qp(f->e, f->dev->qps[0]), 0);
	CHECK_EQ(ce_engine_start(f->e), 0);
}

static void
fixture_fini(struct fixture *f)
{
	ce_engine_destroy(f->e);
	ce_pmd_session_destroy(f->sess);
	ce_pmd_dev_destroy(f->dev);
}

static struct ce_pmd_request *
make_req(struct fixture *f, uint64_t cookie, uint8_t flags)
{
	struct ce_pmd_request *req = ce_engine_req_alloc(f->e);

	CHECK(req != NULL);
	req->sess = f->sess;
	req->op = CE_OP_ENCRYPT;
	req->flags = flags;
	req->src = src_buf[cookie];
	req->dst = dst_buf[cookie];
	req->len = sizeof(src_buf[0]);
	req->complete = record_complete;
	req->cookie = cookie;
	memset(src_buf[cookie], (int)(cookie & 0xff) | 1, sizeof(src_buf[0]));
	memset(dst_buf[cookie], 0, sizeof(dst_buf[0]));
	return req;
}

static void
poll_until_done(struct fixture *f, unsigned int n)
{
	uint64_t spins = 0;

	while (rec.nb_done < n) {
		ce_engine_poll(f->e);
		CHECK(++spins < 2000000000ull);
	}
}

static void
check_each_once(unsigned int n)
{
	CHECK_EQ(rec.nb_done, n);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(rec.finals[i], 1);
}

/* 1. Transfer: -ESHUTDOWN, -EINPROGRESS, -EBUSY, backlog notices, -ENOBUFS. */
static void
test_transfer_codes(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 4,
				       .backlog_size = 2, .retry_support = true };
	struct ce_engine_stats st;
	struct fixture f;
	struct ce_pmd_request *req;
	unsigned int i;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=64", &ep, NULL);

	/* Not running: refused with -ESHUTDOWN. */
	CHECK_EQ(ce_engine_stop(f.e, 0), 0);
	req = make_req(&f, 0, 0);
	CHECK_EQ(ce_engine_transfer(f.e, req), -ESHUTDOWN);
	ce_engine_req_free(req);
	CHECK_EQ(ce_engine_start(f.e), 0);
	CHECK_EQ(ce_engine_start(f.e), -EALREADY);

	for (i = 0; i < 4; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	/* Full, no MAY_BACKLOG: refused, the caller keeps it. */
	req = make_req(&f, 4, 0);
	CHECK_EQ(ce_engine_transfer(f.e, req), -EBUSY);
	ce_engine_req_free(req);
	/* Full, MAY_BACKLOG: backlogged (-EBUSY), owned by the engine. */
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 5, CE_REQ_F_MAY_BACKLOG)), -EBUSY);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 6, CE_REQ_F_MAY_BACKLOG)), -EBUSY);
	/* Backlog full as well: refused. */
	req = make_req(&f, 7, CE_REQ_F_MAY_BACKLOG);
	CHECK_EQ(ce_engine_transfer(f.e, req), -ENOBUFS);
	ce_engine_req_free(req);
	/* No notice before the backlogged requests enter the queue. */
	CHECK_EQ(rec.notices[5] + rec.notices[6], 0);

	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.backlogged, 2);
	CHECK_EQ(st.refused, 2);
	CHECK_EQ(st.in_flight, 6);

	poll_until_done(&f, 6);
	CHECK_EQ(rec.nb_done, 6);
	for (i = 0; i < 7; i++)
		CHECK_EQ(rec.finals[i], i == 4 ? 0 : 1);
	/* Backlogged: one notice each, before the final completion. */
	CHECK_EQ(rec.notices[5], 1);
	CHECK_EQ(rec.notices[6], 1);
	CHECK_EQ(rec.notice_before_final, 2);
	/* FIFO through queue and backlog. */
	uint64_t want[] = { 0, 1, 2, 3, 5, 6 };
	for (i = 0; i < 6; i++)
		CHECK_EQ(rec.order[i], want[i]);
	for (i = 0; i < 7; i++)
		if (i != 4)
			CHECK_EQ(rec.final_status[i], 0);
	/* The null cipher copied src to dst. */
	CHECK_MEM(dst_buf[3], src_buf[3], sizeof(src_buf[3]));
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.submitted, 6);
	CHECK_EQ(st.completed_ok, 6);
	CHECK_EQ(st.in_flight, 0);
	fixture_fini(&f);
}

/* While a backlog is waiting, a new request must not jump ahead of it, even
 * when the queue itself has room again. */
static void
test_backlog_not_overtaken(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 100,
				       .backlog_size = 10, .retry_support = true };
	struct ce_pmd_request *req;
	struct fixture f;
	unsigned int i;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=64,delay_ns=50000000", &ep, NULL);
	for (i = 0; i < 100; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	for (; i < 105; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, CE_REQ_F_MAY_BACKLOG)), -EBUSY);
	/* The engine takes one stage (64) from the queue; the backlog stays. */
	ce_engine_poll(f.e);
	CHECK_EQ(rec.notices[100], 0);
	/* The queue has room now, but the backlog is not empty: no overtaking. */
	req = make_req(&f, 105, 0);
	CHECK_EQ(ce_engine_transfer(f.e, req), -EBUSY);
	ce_engine_req_free(req);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 105, CE_REQ_F_MAY_BACKLOG)), -EBUSY);
	poll_until_done(&f, 106);
	check_each_once(106);
	for (i = 0; i < 106; i++)
		CHECK_EQ(rec.order[i], i);
	for (i = 100; i < 106; i++)
		CHECK_EQ(rec.notices[i], 1);
	fixture_fini(&f);
}

/* 2. Pump: FIFO; -ENOSPC with retry support requeues at the head. */
static void
test_retry_keeps_order(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 512,
				       .retry_support = true, .retry_min_ns = 100,
				       .retry_max_ns = 1000 };
	struct ce_engine_stats st;
	struct ce_pmd_null_stats ns;
	struct fixture f;
	const unsigned int n = 500;

	record_reset(rte_lcore_id());
	/* Depth 2 plus injected refusals: most submissions are refused at first. */
	fixture_init(&f, "depth=2,enospc_rate=0.3,seed=7", &ep, NULL);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	for (unsigned int i = 0; i < n; i++) {
		CHECK_EQ(rec.order[i], i);
		CHECK_EQ(rec.final_status[i], 0);
	}
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK(ns.full + ns.inj_enospc > 0);
	CHECK_EQ(st.retried, ns.full + ns.inj_enospc);
	CHECK_EQ(st.completed_ok, n);
	fixture_fini(&f);
}

/* Backoff: after a refusal the pump does not retry before the backoff ends. */
static void
test_retry_backs_off(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 8,
				       .retry_support = true, .retry_min_ns = 50000000,
				       .retry_max_ns = 200000000 };
	struct ce_pmd_null_stats ns;
	struct fixture f;
	uint64_t t0, calls0;

	record_reset(rte_lcore_id());
	fixture_init(&f, "enospc_rate=1.0", &ep, NULL);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 0, 0)), -EINPROGRESS);
	ce_engine_poll(f.e);
	t0 = rte_rdtsc();
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.submit_calls, 1);
	calls0 = ns.submit_calls;
	/* Many polls in a row: none of them may knock on the device while the
	 * 50 ms backoff runs (checked only for polls that ran inside it). */
	for (unsigned int i = 0; i < 1000; i++) {
		ce_engine_poll(f.e);
		CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
		if (rte_rdtsc() - t0 < rte_get_tsc_hz() / 50)
			CHECK_EQ(ns.submit_calls, calls0);
	}
	/* After the backoff it retries, and the next backoff is longer. */
	rte_delay_us_sleep(60000);
	ce_engine_poll(f.e);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.submit_calls, 2);
	t0 = rte_rdtsc();
	rte_delay_us_sleep(60000);
	ce_engine_poll(f.e);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	if (rte_rdtsc() - t0 < rte_get_tsc_hz() / 10)
		CHECK_EQ(ns.submit_calls, 2);
	CHECK_EQ(rec.nb_done, 0);
	/* Stop completes the refused request with -ESHUTDOWN, exactly once. */
	CHECK_EQ(ce_engine_stop(f.e, 0), -ETIMEDOUT);
	check_each_once(1);
	CHECK_EQ(rec.final_status[0], -ESHUTDOWN);
	fixture_fini(&f);
}

/* Without retry support, -ENOSPC completes the request with -ENOSPC (kernel). */
static void
test_no_retry_support(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 8 };
	struct fixture f;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=1,delay_ns=100000000", &ep, NULL);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 0, 0)), -EINPROGRESS);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 1, 0)), -EINPROGRESS);
	ce_engine_poll(f.e);
	CHECK_EQ(rec.finals[1], 1);
	CHECK_EQ(rec.final_status[1], -ENOSPC);
	poll_until_done(&f, 2);
	check_each_once(2);
	CHECK_EQ(rec.final_status[0], 0);
	fixture_fini(&f);
}

/* Fatal errors are completed, never requeued; a backend that forwards to its
 * own fallback (ce_pmd_forward) completes each request once, on the session
 * it was submitted with, and the engine counts the forwards. */
static void
test_fatal_and_fallback(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 64,
				       .retry_support = true };
	struct ce_engine_stats st;
	struct ce_pmd_null_stats ns;
	struct fixture f;
	const unsigned int n = 40;

	record_reset(rte_lcore_id());
	fixture_init(&f, "fatal_rate=1.0", &ep, NULL);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(rec.final_status[i], -EIO);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.submit_calls, n); /* each tried exactly once */
	fixture_fini(&f);

	/* A backend that forwards every request to its own null device. */
	record_reset(rte_lcore_id());
	fixture_init(&f, NULL, &ep, "depth=64");
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	CHECK_EQ(rec.wrong_active, 0);
	for (unsigned int i = 0; i < n; i++) {
		CHECK_EQ(rec.final_status[i], 0);
		CHECK_EQ(rec.order[i], i);
		CHECK_MEM(dst_buf[i], src_buf[i], sizeof(src_buf[i]));
	}
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.fallbacks, n);
	CHECK_EQ(ce_pmd_null_stats_get(((struct fwd_dev *)f.dev->priv)->inner, 0, &ns), 0);
	CHECK_EQ(ns.submitted, n);
	fixture_fini(&f);
}

/* 3. Batching: one doorbell per burst; a short batch leaves the rest queued in order. */
static void
test_batching(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 1024,
				       .batch_size = 32, .retry_support = true,
				       .retry_min_ns = 100, .retry_max_ns = 1000 };
	struct ce_engine_stats st;
	struct ce_pmd_null_stats ns;
	struct fixture f;
	const unsigned int n = 256;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=256", &ep, NULL);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.doorbells, n / 32);
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.batch_hist[5], n / 32); /* batches of 32..63 */
	CHECK_EQ(st.doorbells, n / 32);
	fixture_fini(&f);

	/* A device with room for 40: the second batch is cut at 8, the rest waits. */
	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=40,enospc_rate=0.2,seed=3", &ep, NULL);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(rec.order[i], i);
	ce_engine_stats_get(f.e, &st);
	CHECK(st.retried > 0);
	fixture_fini(&f);
}

/* 4. Finalize: exactly one completion per request, with the device's status. */
static void
test_finalize_status(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 4096,
				       .batch_size = 16, .retry_support = true };
	struct ce_engine_stats st;
	struct ce_pmd_null_stats ns;
	struct fixture f;
	const unsigned int n = 4000;
	unsigned int errors = 0;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=100,order=ooo,error_rate=0.1,delay_ns=2000,seed=11", &ep, NULL);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	poll_until_done(&f, n);
	check_each_once(n);
	for (unsigned int i = 0; i < n; i++) {
		CHECK(rec.final_status[i] == 0 || rec.final_status[i] == -EIO);
		errors += rec.final_status[i] != 0;
	}
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(errors, ns.inj_error);
	CHECK(errors > 0);
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.completed_err, errors);
	CHECK_EQ(st.completed_ok, n - errors);
	CHECK_EQ(rec.bad_lcore, 0);
	fixture_fini(&f);
}

/* 5. prepare on idle → busy, unprepare after idle_ns. */
static void
test_prepare_unprepare(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 16,
				       .idle_ns = 2000000 };
	struct ce_engine_stats st;
	struct ce_pmd_null_stats ns;
	struct fixture f;

	record_reset(rte_lcore_id());
	fixture_init(&f, NULL, &ep, NULL);
	CHECK(ce_engine_is_idle(f.e));
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 0, 0)), -EINPROGRESS);
	poll_until_done(&f, 1);
	CHECK(!ce_engine_is_idle(f.e));
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.prepares, 1);
	CHECK_EQ(ns.unprepares, 0);
	/* Idle for longer than idle_ns: unprepared once, however many polls. */
	rte_delay_us_sleep(5000);
	for (int i = 0; i < 100; i++)
		ce_engine_poll(f.e);
	CHECK(ce_engine_is_idle(f.e));
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.unprepares, 1);
	/* Busy again: prepared again before the request reaches the device. */
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 1, 0)), -EINPROGRESS);
	poll_until_done(&f, 2);
	CHECK_EQ(ce_pmd_null_stats_get(f.dev, 0, &ns), 0);
	CHECK_EQ(ns.prepares, 2);
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.idle_transitions, 1);
	CHECK_EQ(st.prepares, 2);
	fixture_fini(&f);
}

/* 6. Stop with a deadline: drain, then -ESHUTDOWN; exactly once; restartable. */
static void
test_stop_deadline(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 16,
				       .backlog_size = 4, .retry_support = true };
	struct fixture f;

	/* A slow device (1 s per request): the 10 ms deadline cuts everything short. */
	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=8,delay_ns=1000000000", &ep, NULL);
	for (unsigned int i = 0; i < 16; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	for (unsigned int i = 16; i < 20; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, CE_REQ_F_MAY_BACKLOG)), -EBUSY);
	ce_engine_poll(f.e); /* 8 reach the device, the rest wait */
	CHECK_EQ(ce_engine_stop(f.e, 10000000), -ETIMEDOUT);
	check_each_once(20);
	for (unsigned int i = 0; i < 20; i++)
		CHECK_EQ(rec.final_status[i], -ESHUTDOWN);
	/* Stopped: refused. */
	struct ce_pmd_request *req = make_req(&f, 30, 0);
	CHECK_EQ(ce_engine_transfer(f.e, req), -ESHUTDOWN);
	ce_engine_req_free(req);
	CHECK_EQ(ce_engine_stop(f.e, 0), -EALREADY);
	/* Late polls must not complete anything twice. */
	for (int i = 0; i < 100; i++)
		ce_engine_poll(f.e);
	check_each_once(20);
	fixture_fini(&f);

	/* A fast device and a generous deadline: everything finishes normally. */
	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=4,delay_ns=100000", &ep, NULL);
	for (unsigned int i = 0; i < 16; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, i, 0)), -EINPROGRESS);
	CHECK_EQ(ce_engine_stop(f.e, 5000000000ull), 0);
	check_each_once(16);
	for (unsigned int i = 0; i < 16; i++)
		CHECK_EQ(rec.final_status[i], 0);
	/* And it starts again. */
	CHECK_EQ(ce_engine_start(f.e), 0);
	CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 16, 0)), -EINPROGRESS);
	poll_until_done(&f, 17);
	check_each_once(17);
	fixture_fini(&f);
}

/* 7. Engines on two lcores; producers on other threads; no lock on the data path.
 * 50000 per producer keeps every ring wrapping many times; more only made the
 * test slow when the machine is busy. */
#define MT_PER_PRODUCER 50000
#define MT_PRODUCERS 2

struct mt_engine {
	struct fixture f;
	uint64_t done;             /* completions; engine lcore only */
	uint64_t bad_lcore;
	uint64_t sum;              /* sum of cookies seen */
	unsigned int lcore;
};

static struct mt_engine mt[2];
static unsigned int mt_producers_done;

static void
mt_complete(struct ce_pmd_request *req, int status)
{
	struct mt_engine *m = req->cb_arg;

	CHECK_EQ(status, 0);
	if (rte_lcore_id() != m->lcore)
		m->bad_lcore++;
	m->sum += req->cookie;
	__atomic_store_n(&m->done, m->done + 1, __ATOMIC_RELEASE);
}

static void *
mt_producer(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	cpu_set_t any;

	/* A thread made by the main lcore inherits its one-CPU affinity: the
	 * producers would share that CPU with engine 0's spinning poller and
	 * crawl on a busy machine. Let the scheduler put them anywhere. */
	CPU_ZERO(&any);
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &any);
	(void)pthread_setaffinity_np(pthread_self(), sizeof(any), &any);

	for (uint64_t i = 0; i < MT_PER_PRODUCER; i++) {
		struct mt_engine *m = &mt[i & 1];
		struct ce_pmd_request *req;

		while ((req = ce_engine_req_alloc(m->f.e)) == NULL)
			sched_yield();
		req->sess = m->f.sess;
		req->op = CE_OP_ENCRYPT;
		req->src = req->dst = src_buf[id];
		req->len = 16;
		req->complete = mt_complete;
		req->cb_arg = m;
		req->cookie = id * MT_PER_PRODUCER + i;
		while (ce_engine_transfer(m->f.e, req) == -EBUSY)
			sched_yield();
	}
	__atomic_fetch_add(&mt_producers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
test_multi_engine(void)
{
	struct ce_engine_params ep = { .queue_size = 1024, .batch_size = 32,
				       .retry_support = true, .pool_size = 8192 };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	pthread_t th[MT_PRODUCERS];
	uint64_t want_sum = 0;

	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "no worker lcore: skipping the multi-engine test\n");
		return;
	}
	mt[0].lcore = ep.lcore = rte_get_main_lcore();
	fixture_init(&mt[0].f, "depth=128", &ep, NULL);
	mt[1].lcore = ep.lcore = worker;
	fixture_init(&mt[1].f, "depth=128,order=ooo", &ep, NULL);
	CHECK_EQ(rte_eal_remote_launch(ce_engine_run, mt[1].f.e, worker), 0);

	for (uintptr_t i = 0; i < MT_PRODUCERS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, mt_producer, (void *)i), 0);
	/* The main lcore is engine 0's poller. */
	while (__atomic_load_n(&mt[0].done, __ATOMIC_ACQUIRE) +
	       __atomic_load_n(&mt[1].done, __ATOMIC_ACQUIRE) < MT_PRODUCERS * MT_PER_PRODUCER)
		ce_engine_poll(mt[0].f.e);
	for (unsigned int i = 0; i < MT_PRODUCERS; i++)
		pthread_join(th[i], NULL);

	CHECK_EQ(ce_engine_stop(mt[1].f.e, 1000000000), 0);
	ce_engine_quit(mt[1].f.e);
	CHECK_EQ(rte_eal_wait_lcore(worker), 0);
	CHECK_EQ(ce_engine_stop(mt[0].f.e, 1000000000), 0);

	for (uint64_t c = 0; c < MT_PRODUCERS * MT_PER_PRODUCER; c++)
		want_sum += c;
	CHECK_EQ(mt[0].done + mt[1].done, MT_PRODUCERS * MT_PER_PRODUCER);
	CHECK_EQ(mt[0].done, MT_PRODUCERS * MT_PER_PRODUCER / 2);
	CHECK(mt[0].sum + mt[1].sum == want_sum);
	CHECK_EQ(mt[0].bad_lcore + mt[1].bad_lcore, 0);
	for (int i = 0; i < 2; i++) {
		struct ce_engine_stats st;

		ce_engine_stats_get(mt[i].f.e, &st);
		CHECK_EQ(st.completed_ok, mt[i].done);
		CHECK_EQ(st.in_flight, 0);
		fixture_fini(&mt[i].f);
	}
}

/* Bad parameters are refused at creation and attach. */
static void
test_bad_params(void)
{
	struct ce_engine_params ep = { .name = "bad", .lcore = 0, .batch_size = 65 };
	struct fixture f;

	errno = 0;
	CHECK(ce_engine_create(&ep) == NULL);
	CHECK_EQ(errno, EINVAL);
	ep.batch_size = 0;
	ep.lcore = RTE_MAX_LCORE;
	CHECK(ce_engine_create(&ep) == NULL);

	record_reset(rte_lcore_id());
	ep.lcore = rte_lcore_id();
	fixture_init(&f, NULL, &ep, NULL);
	/* Running: no attach. Same device twice: refused. */
	CHECK_EQ(ce_engine_attach_qp(f.e, f.dev->qps[0]), -EBUSY);
	CHECK_EQ(ce_engine_stop(f.e, 0), 0);
	CHECK_EQ(ce_engine_attach_qp(f.e, f.dev->qps[0]), -EEXIST);
	/* A request whose session's device is not fed by this engine: -ENODEV. */
	CHECK_EQ(ce_engine_start(f.e), 0);
	struct ce_pmd_request *req = make_req(&f, 0, 0);
	req->sess = NULL;
	CHECK_EQ(ce_engine_transfer(f.e, req), -EINPROGRESS);
	poll_until_done(&f, 1);
	CHECK_EQ(rec.final_status[0], -ENODEV);
	fixture_fini(&f);
}

/* Bursts from the engine's own lcore go straight to the stage when nothing
 * older waits in the queue; the order of everything is kept either way. */
static void
test_transfer_burst_order(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 256,
				       .batch_size = 16, .retry_support = true,
				       .retry_min_ns = 100, .retry_max_ns = 1000 };
	struct ce_pmd_request *reqs[100];
	struct ce_engine_stats st;
	struct fixture f;
	unsigned int i, c = 0;

	record_reset(rte_lcore_id());
	fixture_init(&f, "depth=8,enospc_rate=0.2,seed=5", &ep, NULL);
	/* Ten through the ring (single transfers), then a burst behind them. */
	for (i = 0; i < 10; i++)
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, c++, 0)), -EINPROGRESS);
	for (i = 0; i < 10; i++)
		reqs[i] = make_req(&f, c++, 0);
	CHECK_EQ(ce_engine_transfer_burst(f.e, reqs, 10), 10);
	ce_engine_poll(f.e);
	/* A burst larger than the stage: the rest goes to the ring, in order. */
	for (i = 0; i < 100; i++)
		reqs[i] = make_req(&f, c++, 0);
	CHECK_EQ(ce_engine_transfer_burst(f.e, reqs, 100), 100);
	for (i = 0; i < 50; i++)
		reqs[i] = make_req(&f, c++, 0);
	CHECK_EQ(ce_engine_transfer_burst(f.e, reqs, 50), 50);
	poll_until_done(&f, c);
	check_each_once(c);
	for (i = 0; i < c; i++)
		CHECK_EQ(rec.order[i], i);
	ce_engine_stats_get(f.e, &st);
	CHECK_EQ(st.submitted, c);
	CHECK_EQ(st.in_flight, 0);
	fixture_fini(&f);
}

/* Devices come and go: their ids are reused, so engines keep attaching them. */
static void
test_device_churn(void)
{
	struct ce_engine_params ep = { .lcore = rte_lcore_id(), .queue_size = 8 };
	struct fixture f;

	for (unsigned int i = 0; i < 3 * CE_ENGINE_MAX_DEVS; i++) {
		record_reset(rte_lcore_id());
		fixture_init(&f, NULL, &ep, NULL);
		CHECK(f.dev->id < CE_ENGINE_MAX_DEVS);
		CHECK_EQ(ce_engine_transfer(f.e, make_req(&f, 0, 0)), -EINPROGRESS);
		poll_until_done(&f, 1);
		CHECK_EQ(rec.final_status[0], 0);
		fixture_fini(&f);
	}
}

int
main(void)
{
	ce_test_eal_init("engine", "0,1");
	RUN(test_bad_params);
	RUN(test_transfer_codes);
	RUN(test_backlog_not_overtaken);
	RUN(test_retry_keeps_order);
	RUN(test_retry_backs_off);
	RUN(test_no_retry_support);
	RUN(test_fatal_and_fallback);
	RUN(test_batching);
	RUN(test_finalize_status);
	RUN(test_prepare_unprepare);
	RUN(test_stop_deadline);
	RUN(test_multi_engine);
	RUN(test_transfer_burst_order);
	RUN(test_device_churn);
	rte_eal_cleanup();
	return 0;
}
