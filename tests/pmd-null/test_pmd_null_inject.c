/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection of the null PMD: -ENOSPC at submit, fatal -EIO at submit,
 * -EIO at completion. Same seed, same sequence; the observed rate over 100k
 * requests is close to the configured one (loose bounds: this checks the
 * wiring, not the generator's statistics).
 */
#include "common.h"

#define N 100000

/* Outcome of request i: its do_one_request return, then its status if taken. */
static int ret_a[N], ret_b[N];
static int st_a[N], st_b[N];

static struct ce_pmd_request req;
static uint8_t buf[64];

/* Run N requests one at a time; fills ret[] and st[] and returns the stats. */
static struct ce_pmd_null_stats
inject_run(const char *args, int *ret, int *st)
{
	struct ce_pmd_dev *dev = dev_make(args);
	struct ce_pmd_qp *qp = dev->qps[0];
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	struct ce_pmd_null_stats out;

	for (uint32_t i = 0; i < N; i++) {
		req_init(&req, s, buf, buf, sizeof(buf), i);
		ret[i] = fast(dev)->do_one_request(qp, &req);
		st[i] = 1; /* not taken */
		if (ret[i] == -EINPROGRESS) {
			uint32_t before = g_log.n;

			CHECK_EQ(fast(dev)->poll(qp, 1), 1);
			CHECK_EQ(g_log.n, before + 1);
			st[i] = g_log.status[before];
			g_log.n = 0; /* the log is only a window here */
		} else {
			CHECK(ret[i] == -ENOSPC || ret[i] == -EIO);
		}
	}
	out = stats(dev);
	dev_free(dev, s);
	return out;
}

static uint32_t
count(const int *v, int x)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < N; i++)
		n += v[i] == x;
	return n;
}

static void
check_rate(uint32_t got, double rate, const char *what)
{
	double r = (double)got / N;

	fprintf(stderr, "   %s: %u of %u (%.4f, configured %.4f)\n", what, got, N, r, rate);
	CHECK(r > rate * 0.8 && r < rate * 1.2);
}

static void
test_enospc(void)
{
	struct ce_pmd_null_stats st = inject_run("enospc_rate=0.1,seed=42", ret_a, st_a);
	uint32_t n = count(ret_a, -ENOSPC);

	check_rate(n, 0.1, "enospc");
	CHECK_EQ(st.inj_enospc, n);
	CHECK_EQ(st.full, 0);
	CHECK_EQ(count(st_a, -EIO), 0);
	CHECK_EQ(count(ret_a, -EIO), 0);
	/* Same seed: same sequence, whichever way the rate is written. */
	inject_run("enospc_rate=100,seed=42", ret_b, st_b);
	CHECK_MEM(ret_a, ret_b, sizeof(ret_a));
	inject_run("enospc_rate=10%,seed=42", ret_b, st_b);
	CHECK_MEM(ret_a, ret_b, sizeof(ret_a));
	/* Another seed: another sequence. */
	inject_run("enospc_rate=0.1,seed=43", ret_b, st_b);
	CHECK(memcmp(ret_a, ret_b, sizeof(ret_a)) != 0);
}

static void
test_error(void)
{
	struct ce_pmd_null_stats st = inject_run("error_rate=0.02,seed=5", ret_a, st_a);
	uint32_t n = count(st_a, -EIO);

	/* Completion errors: every request is taken, some complete with -EIO. */
	CHECK_EQ(count(ret_a, -EINPROGRESS), N);
	check_rate(n, 0.02, "error");
	CHECK_EQ(st.inj_error, n);
	CHECK_EQ(st.completed, N);
	inject_run("error_rate=0.02,seed=5", ret_b, st_b);
	CHECK_MEM(st_a, st_b, sizeof(st_a));
	inject_run("error_rate=0.02,seed=6", ret_b, st_b);
	CHECK(memcmp(st_a, st_b, sizeof(st_a)) != 0);
	/* Out-of-order completion draws from its own stream: same injected sequence. */
	inject_run("error_rate=0.02,seed=5,order=ooo", ret_b, st_b);
	CHECK_MEM(st_a, st_b, sizeof(st_a));
}

static void
test_fatal(void)
{
	struct ce_pmd_null_stats st = inject_run("fatal_rate=0.3,seed=77", ret_a, st_a);
	uint32_t n = count(ret_a, -EIO);

	check_rate(n, 0.3, "fatal");
	CHECK_EQ(st.inj_fatal, n);
	CHECK_EQ(st.submitted, N - n);
	CHECK_EQ(count(st_a, -EIO), 0);
	inject_run("fatal_rate=0.3,seed=77", ret_b, st_b);
	CHECK_MEM(ret_a, ret_b, sizeof(ret_a));
	inject_run("fatal_rate=0.3,seed=78", ret_b, st_b);
	CHECK(memcmp(ret_a, ret_b, sizeof(ret_a)) != 0);
}

static void
test_all_zero(void)
{
	struct ce_pmd_null_stats st = inject_run("seed=1", ret_a, st_a);

	CHECK_EQ(count(ret_a, -EINPROGRESS), N);
	CHECK_EQ(count(st_a, 0), N);
	CHECK_EQ(st.inj_enospc + st.inj_error + st.inj_fatal, 0);
}

static void
test_all_one(void)
{
	inject_run("enospc_rate=1.0", ret_a, st_a);
	CHECK_EQ(count(ret_a, -ENOSPC), N);
	inject_run("fatal_rate=1000", ret_a, st_a);
	CHECK_EQ(count(ret_a, -EIO), N);
	inject_run("error_rate=100%", ret_a, st_a);
	CHECK_EQ(count(st_a, -EIO), N);
}

/* In a batch, fatal and error both show as -EIO at completion; the batch rate is per request. */
static void
test_batch_errors(void)
{
	struct ce_pmd_dev *dev = dev_make("error_rate=0.05,fatal_rate=0.05,seed=11");
	struct ce_pmd_session *s = sess_make(dev, "ecb(cipher_null)", CE_OP_ENCRYPT);
	static struct ce_pmd_request reqs[32];
	struct ce_pmd_request *burst[32];
	uint32_t eio = 0, total = 0;
	struct ce_pmd_null_stats st;

	for (int round = 0; round < 3000; round++) {
		for (int i = 0; i < 32; i++) {
			req_init(&reqs[i], s, buf, buf, 16, i);
			burst[i] = &reqs[i];
		}
		CHECK_EQ(fast(dev)->do_batch_requests(dev->qps[0], burst, 32), 32);
		g_log.n = 0;
		CHECK_EQ(fast(dev)->poll(dev->qps[0], 64), 32);
		for (int i = 0; i < 32; i++)
			eio += g_log.status[i] == -EIO;
		total += 32;
	}
	st = stats(dev);
	CHECK_EQ(st.inj_fatal + st.inj_error, eio);
	CHECK_EQ(st.doorbells, 3000);
	CHECK(eio > total * 0.08 && eio < total * 0.12);
	dev_free(dev, s);
}

int
main(void)
{
	ce_test_eal_init("pmd-null-inject", "0");
	RUN(test_enospc);
	RUN(test_error);
	RUN(test_fatal);
	RUN(test_all_zero);
	RUN(test_all_one);
	RUN(test_batch_errors);
	return 0;
}
