/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The null PMD driven directly through its ops, without an engine: depth,
 * completion order, delay, batching and doorbells, copy, cancel, args.
 */
#include "common.h"

#define NB 256

static struct ce_pmd_request reqs[NB];
static uint8_t src[NB][64];
static uint8_t dst[NB][64];

static void
test_registered(void)
{
	const struct ce_pmd_driver *drv = ce_pmd_driver_find(CE_PMD_NULL_DRIVER);

	CHECK(drv != NULL);
	CHECK(drv->fast->do_batch_requests != NULL);
	CHECK(drv->fast->cancel != NULL);
	CHECK(drv->in_place && drv->out_of_place);
	CHECK_EQ(drv->max_batch, 64);
}

static void
test_depth(void)
{
	struct ce_pmd_dev *dev = dev_make("depth=4");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);

	for (int i = 0; i < 6; i++)
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[4]), -ENOSPC);
	CHECK_EQ(stats(dev).full, 1);
	CHECK_EQ(stats(dev).held, 4);
	CHECK_EQ(g_log.n, 0);
	/* One freed slot takes exactly one more. */
	CHECK_EQ(fast(dev)->poll(qp, 1), 1);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[4]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[5]), -ENOSPC);
	CHECK_EQ(fast(dev)->poll(qp, 64), 4);
	CHECK_EQ(fast(dev)->poll(qp, 64), 0);
	CHECK_EQ(g_log.n, 5);
	CHECK_EQ(stats(dev).held, 0);
	dev_free(dev, s);

	/* depth=1: a single-channel device. */
	dev = dev_make("depth=1");
	qp = dev->qps[0];
	s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	req_init(&reqs[0], s, src[0], dst[0], 16, 0);
	req_init(&reqs[1], s, src[1], dst[1], 16, 1);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[0]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[1]), -ENOSPC);
	CHECK_EQ(fast(dev)->do_batch_requests(qp, (struct ce_pmd_request *[]){ &reqs[1] }, 1), 0);
	CHECK_EQ(fast(dev)->poll(qp, 8), 1);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[1]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->poll(qp, 8), 1);
	dev_free(dev, s);
}

static void
test_inorder(void)
{
	struct ce_pmd_dev *dev = dev_make("depth=128,order=inorder");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	uint32_t got = 0;

	for (int i = 0; i < 100; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	}
	/* Small polls, to cross the max boundary several times. */
	while (got < 100) {
		uint16_t n = fast(dev)->poll(qp, 7);

		CHECK(n <= 7);
		CHECK(n > 0);
		got += n;
	}
	CHECK_EQ(g_log.n, 100);
	for (uint32_t i = 0; i < 100; i++) {
		CHECK_EQ(g_log.cookie[i], i);
		CHECK_EQ(g_log.status[i], 0);
	}
	CHECK_EQ(stats(dev).completed, 100);
	dev_free(dev, s);
}

/* Submit n, poll all with order=ooo and seed; return the permutation in out. */
static void
ooo_run(uint64_t seed, uint32_t n, uint16_t poll_max, uint64_t *out)
{
	char args[96];
	struct ce_pmd_dev *dev;
	struct ce_pmd_session *s;
	uint32_t got = 0;

	snprintf(args, sizeof(args), "depth=%u,order=ooo,seed=%" PRIu64, n, seed);
	dev = dev_make(args);
	s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	for (uint32_t i = 0; i < n; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		CHECK_EQ(fast(dev)->do_one_request(dev->qps[0], &reqs[i]), -EINPROGRESS);
	}
	while (got < n)
		got += fast(dev)->poll(dev->qps[0], poll_max);
	CHECK_EQ(got, n);
	CHECK_EQ(g_log.n, n);
	memcpy(out, g_log.cookie, n * sizeof(*out));
	dev_free(dev, s);
}

static void
test_ooo(void)
{
	static uint64_t a[NB], b[NB];
	bool differs_from_fifo = false, seeds_differ = false;

	for (uint64_t seed = 1; seed <= 8; seed++) {
		bool seen[NB] = { false };

		ooo_run(seed, NB, (uint16_t)(seed * 5), a);
		/* A permutation: every request exactly once. */
		for (uint32_t i = 0; i < NB; i++) {
			CHECK(a[i] < NB);
			CHECK(!seen[a[i]]);
			seen[a[i]] = true;
			if (a[i] != i)
				differs_from_fifo = true;
		}
		/* Reproducible for a seed (same poll sizes). */
		ooo_run(seed, NB, (uint16_t)(seed * 5), b);
		CHECK_MEM(a, b, sizeof(a));
		ooo_run(seed + 100, NB, (uint16_t)(seed * 5), b);
		if (memcmp(a, b, sizeof(a)) != 0)
			seeds_differ = true;
	}
	CHECK(differs_from_fifo);
	CHECK(seeds_differ);
}

static void
test_delay(void)
{
	const uint64_t delay_ns = 20 * 1000 * 1000;
	const uint64_t delay_cycles = delay_ns * rte_get_tsc_hz() / 1000000000ULL;
	struct ce_pmd_dev *dev = dev_make("delay_ns=20000000,depth=8");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	uint64_t t0;
	uint32_t got = 0;

	for (int i = 0; i < 4; i++)
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
	t0 = rte_rdtsc();
	for (int i = 0; i < 4; i++)
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	/* Whenever something completes, its delay must have passed: "not before" only. */
	while (got < 4) {
		uint16_t n = fast(dev)->poll(qp, 8);

		if (n != 0)
			CHECK(rte_rdtsc() - t0 >= delay_cycles);
		got += n;
	}
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(g_log.cookie[i], i);
	dev_free(dev, s);

	/* Same with ooo and a batch: nothing leaves early either. */
	dev = dev_make("delay_ns=20000000,order=ooo,seed=3");
	qp = dev->qps[0];
	s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_request *burst[16];
	for (int i = 0; i < 16; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		burst[i] = &reqs[i];
	}
	t0 = rte_rdtsc();
	CHECK_EQ(fast(dev)->do_batch_requests(qp, burst, 16), 16);
	got = 0;
	while (got < 16) {
		uint16_t n = fast(dev)->poll(qp, 3);

		if (n != 0)
			CHECK(rte_rdtsc() - t0 >= delay_cycles);
		got += n;
	}
	dev_free(dev, s);
}

static void
test_batch(void)
{
	struct ce_pmd_dev *dev = dev_make("depth=64");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_request *burst[96];
	struct ce_pmd_null_stats st;

	for (int i = 0; i < 96; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		burst[i] = &reqs[i];
	}
	CHECK_EQ(fast(dev)->do_batch_requests(qp, burst, 32), 32);
	st = stats(dev);
	CHECK_EQ(st.doorbells, 1);
	CHECK_EQ(st.submitted, 32);
	/* 64 offered, 32 slots left: a prefix of 32 is taken, one more doorbell. */
	CHECK_EQ(fast(dev)->do_batch_requests(qp, &burst[32], 64), 32);
	st = stats(dev);
	CHECK_EQ(st.doorbells, 2);
	CHECK_EQ(st.submitted, 64);
	CHECK_EQ(st.full, 1);
	/* Full: nothing taken, no doorbell. */
	CHECK_EQ(fast(dev)->do_batch_requests(qp, &burst[64], 32), 0);
	CHECK_EQ(stats(dev).doorbells, 2);
	CHECK_EQ(fast(dev)->poll(qp, 128), 64);
	for (uint32_t i = 0; i < 64; i++)
		CHECK_EQ(g_log.cookie[i], i);
	/* do_one_request rings once per call. */
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[64]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[65]), -EINPROGRESS);
	st = stats(dev);
	CHECK_EQ(st.doorbells, 4);
	CHECK_EQ(st.submit_calls, 5);
	CHECK_EQ(fast(dev)->poll(qp, 128), 2);
	dev_free(dev, s);

	/* enospc_rate=1: every batch is cut short, the part taken completes. */
	dev = dev_make("enospc_rate=1.0,seed=9");
	qp = dev->qps[0];
	s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	uint32_t taken = 0;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 32; i++) {
			req_init(&reqs[i], s, src[i], dst[i], 16, i);
			burst[i] = &reqs[i];
		}
		uint16_t n = fast(dev)->do_batch_requests(qp, burst, 32);

		CHECK(n < 32);
		taken += n;
		CHECK_EQ(fast(dev)->poll(qp, 64), n);
	}
	CHECK(taken > 0); /* cut at a random point, not always at 0 */
	CHECK_EQ(stats(dev).inj_enospc, 50);
	dev_free(dev, s);
}

static void
test_doorbell_cost(void)
{
	struct ce_pmd_dev *dev = dev_make("doorbell_cycles=2000000");
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	uint64_t t0;

	req_init(&reqs[0], s, src[0], dst[0], 16, 0);
	t0 = rte_rdtsc();
	CHECK_EQ(fast(dev)->do_one_request(dev->qps[0], &reqs[0]), -EINPROGRESS);
	CHECK(rte_rdtsc() - t0 >= 2000000);
	CHECK_EQ(fast(dev)->poll(dev->qps[0], 1), 1);
	dev_free(dev, s);
}

static void
test_copy(void)
{
	struct ce_pmd_dev *dev = dev_make(NULL);
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *enc = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_session *dec = sess_make(dev, "cipher_null", CE_OP_DECRYPT);
	struct ce_pmd_session *dig = sess_make(dev, "digest_null", CE_OP_DIGEST);
	uint8_t zero[64] = { 0 }, pattern[64];

	for (int i = 0; i < 64; i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	memcpy(src[0], pattern, 64);
	memset(dst[0], 0, 64);
	memcpy(src[1], pattern, 64);
	memset(dst[1], 0, 64);
	memcpy(src[2], pattern, 64);
	memset(dst[2], 0, 64);

	req_init(&reqs[0], enc, src[0], dst[0], 64, 0); /* out of place */
	req_init(&reqs[1], dec, src[1], src[1], 64, 1); /* in place */
	req_init(&reqs[2], dig, src[2], dst[2], 64, 2); /* a hash writes no dst */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	/* Not visible before completion. */
	CHECK_MEM(dst[0], zero, 64);
	CHECK_EQ(fast(dev)->poll(qp, 8), 3);
	CHECK_MEM(dst[0], pattern, 64);
	CHECK_MEM(src[0], pattern, 64);
	CHECK_MEM(src[1], pattern, 64);
	CHECK_MEM(dst[1], zero, 64);
	CHECK_MEM(dst[2], zero, 64);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(g_log.status[i], 0);

	/* Through the self-test path as well. */
	memset(dst[3], 0, 64);
	req_init(&reqs[3], enc, src[0], dst[3], 33, 3);
	CHECK_EQ(ce_pmd_run_sync(qp, &reqs[3]), 0);
	CHECK_MEM(dst[3], pattern, 33);
	CHECK_EQ(dst[3][33], 0);

	ce_pmd_session_destroy(dec);
	ce_pmd_session_destroy(dig);
	dev_free(dev, enc);
}

static void
test_invalid(void)
{
	struct ce_pmd_dev *dev = dev_make(NULL);
	struct ce_pmd_dev *other = dev_make(NULL);
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_session *os = sess_make(other, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_request *burst[3];

	g_log.n = 0;
	dev->qps[0]->finalize = log_finalize;
	dev->qps[0]->finalize_ctx = &g_log;

	req_init(&reqs[0], s, src[0], dst[0], 70000, 0);  /* longer than max_data_len */
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[0]), -EINVAL);
	req_init(&reqs[1], s, src[1], dst[1], 16, 1);
	reqs[1].op = CE_OP_DECRYPT;                        /* not the session's op */
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[1]), -EINVAL);
	req_init(&reqs[2], os, src[2], dst[2], 16, 2);     /* another device's session */
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[2]), -EINVAL);
	CHECK_EQ(stats(dev).invalid, 3);
	CHECK_EQ(stats(dev).held, 0);
	CHECK_EQ(stats(dev).doorbells, 0);

	/* In a batch an invalid request is taken and completes with -EINVAL. */
	memset(dst[3], 0, 64);
	memset(src[3], 0xab, 64);
	req_init(&reqs[3], s, src[3], dst[3], 16, 3);
	burst[0] = &reqs[3];
	burst[1] = &reqs[0];
	burst[2] = &reqs[1];
	CHECK_EQ(fast(dev)->do_batch_requests(qp, burst, 3), 3);
	CHECK_EQ(fast(dev)->poll(qp, 8), 3);
	CHECK_EQ(g_log.n, 3);
	CHECK_EQ(g_log.status[0], 0);
	CHECK_EQ(g_log.status[1], -EINVAL);
	CHECK_EQ(g_log.status[2], -EINVAL);
	CHECK_EQ(dst[3][0], 0xab);

	ce_pmd_session_destroy(os);
	ce_pmd_dev_destroy(other);
	dev_free(dev, s);
}

static void
test_cancel(void)
{
	struct ce_pmd_dev *dev = dev_make("delay_ns=60000000000");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);

	for (int i = 0; i < 10; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	}
	CHECK_EQ(fast(dev)->poll(qp, 64), 0); /* 60 s away */
	CHECK_EQ(fast(dev)->cancel(qp, -ESHUTDOWN), 10);
	CHECK_EQ(g_log.n, 10);
	for (uint32_t i = 0; i < 10; i++) {
		CHECK_EQ(g_log.cookie[i], i);
		CHECK_EQ(g_log.status[i], -ESHUTDOWN);
	}
	CHECK_EQ(stats(dev).held, 0);
	CHECK_EQ(stats(dev).cancelled, 10);
	CHECK_EQ(fast(dev)->poll(qp, 64), 0);
	CHECK_EQ(fast(dev)->cancel(qp, -ESHUTDOWN), 0);
	CHECK_EQ(g_log.n, 10);
	/* The queue pair is usable afterwards. */
	CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[0]), -EINPROGRESS);
	CHECK_EQ(fast(dev)->cancel(qp, -ECANCELED), 1);
	CHECK_EQ(g_log.status[10], -ECANCELED);
	dev_free(dev, s);
}

/* A finalize that resubmits its request once, as an engine's pump would. */
static struct ce_pmd_qp *g_reqp;

static void
resubmit_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	log_finalize(ctx, req, status);
	if (req->cookie < 1000) {
		req->cookie += 1000;
		CHECK_EQ(g_reqp->dev->drv->fast->do_one_request(g_reqp, req), -EINPROGRESS);
	}
}

static void
test_reentrant(void)
{
	struct ce_pmd_dev *dev = dev_make("depth=4");
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);

	qp->finalize = resubmit_finalize;
	g_reqp = qp;
	for (int i = 0; i < 4; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		CHECK_EQ(fast(dev)->do_one_request(qp, &reqs[i]), -EINPROGRESS);
	}
	/* The ring is full; each completion frees the slot its resubmission takes. */
	CHECK_EQ(fast(dev)->poll(qp, 64), 4);
	CHECK_EQ(stats(dev).held, 4);
	CHECK_EQ(fast(dev)->poll(qp, 64), 4);
	CHECK_EQ(g_log.n, 8);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_EQ(g_log.cookie[i], i < 4 ? i : 1000 + i - 4);
	dev_free(dev, s);
}

static void
test_prepare(void)
{
	struct ce_pmd_dev *dev = dev_make(NULL);
	const struct ce_pmd_ops *ops = dev->drv->ops;

	CHECK(ops->prepare != NULL && ops->unprepare != NULL);
	CHECK_EQ(ops->prepare(dev->qps[0]), 0);
	CHECK_EQ(ops->prepare(dev->qps[0]), 0);
	CHECK_EQ(ops->unprepare(dev->qps[0]), 0);
	CHECK_EQ(stats(dev).prepares, 2);
	CHECK_EQ(stats(dev).unprepares, 1);
	CHECK_EQ(ce_pmd_null_stats_reset(dev, 0), 0);
	CHECK_EQ(stats(dev).prepares, 0);
	/* Bad arguments to the getter. */
	struct ce_pmd_null_stats st;
	CHECK_EQ(ce_pmd_null_stats_get(dev, 1, &st), -EINVAL);
	CHECK_EQ(ce_pmd_null_stats_get(NULL, 0, &st), -EINVAL);
	ce_pmd_dev_destroy(dev);
}

static void
test_args(void)
{
	static const char *const bad[] = {
		"depth=0", "depth=65536", "depth=abc", "depth=-1", "depth=4x",
		"order=random", "order=", "delay_ns=-5", "delay_ns=1e3",
		"enospc_rate=1.5", "enospc_rate=1001", "error_rate=x", "error_rate=-0.1",
		"fatal_rate=200%", "fatal_rate=nan", "seed=", "seed=12ab",
		"doorbell_cycles=lots", "bogus=1", "depth", "depth=4,colour=blue",
		"depth=4,,order=ooo=1",
	};
	static const char *const good[] = {
		"", "depth=1", "depth=65535", "order=ooo", "order=inorder",
		"delay_ns=0", "delay_ns=1000", "enospc_rate=0.5", "error_rate=5%",
		"fatal_rate=1000", "seed=0x10", "doorbell_cycles=200",
		"depth=8,order=ooo,delay_ns=100,enospc_rate=0.01,error_rate=1,"
		"fatal_rate=0,seed=7,doorbell_cycles=0",
	};
	struct ce_pmd_dev_config cfg = { .nb_qps = 2, .socket_id = SOCKET_ID_ANY };

	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		cfg.args = bad[i];
		errno = 0;
		if (ce_pmd_dev_create(CE_PMD_NULL_DRIVER, "bad", &cfg) != NULL) {
			fprintf(stderr, "accepted bad args \"%s\"\n", bad[i]);
			exit(1);
		}
		CHECK_EQ(errno, EINVAL);
	}
	for (size_t i = 0; i < RTE_DIM(good); i++) {
		struct ce_pmd_dev *dev;

		cfg.args = good[i];
		dev = ce_pmd_dev_create(CE_PMD_NULL_DRIVER, "good", &cfg);
		if (dev == NULL) {
			fprintf(stderr, "refused good args \"%s\"\n", good[i]);
			exit(1);
		}
		ce_pmd_dev_destroy(dev);
	}
	/* The depth arg is what limits the queue pair. */
	struct ce_pmd_dev *dev = dev_make("depth=3");
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_request *burst[8];
	for (int i = 0; i < 8; i++) {
		req_init(&reqs[i], s, src[i], dst[i], 16, i);
		burst[i] = &reqs[i];
	}
	CHECK_EQ(fast(dev)->do_batch_requests(dev->qps[0], burst, 8), 3);
	CHECK_EQ(fast(dev)->cancel(dev->qps[0], -ESHUTDOWN), 3);
	dev_free(dev, s);
}

int
main(void)
{
	ce_test_eal_init("pmd-null", "0");
	RUN(test_registered);
	RUN(test_depth);
	RUN(test_inorder);
	RUN(test_ooo);
	RUN(test_delay);
	RUN(test_batch);
	RUN(test_doorbell_cost);
	RUN(test_copy);
	RUN(test_invalid);
	RUN(test_cancel);
	RUN(test_reentrant);
	RUN(test_prepare);
	RUN(test_args);
	return 0;
}
