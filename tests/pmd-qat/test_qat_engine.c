/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cryptodev" backend through the engine (lib/engine), over
 * crypto_aesni_mb with AES-128-GCM, every output checked against ipsecmb:
 * - batching: a pump of N requests at batch size B rings N/B enqueue bursts;
 * - partial enqueue (fault injector: at most 3 ops per burst) keeps order;
 * - fallback: each reason counted once per request, results still right;
 * - failover: the device hangs (or returns errors) mid-run under load; every
 *   request completes exactly once, out-of-place ones with the right output,
 *   in-place ones right or -EIO; a probe brings the device back after healing.
 */
#include "qat_test.h"

#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "ce_engine.h"

#define NREQ 2048
#define LEN 256
#define MAXLEN 512

struct slot {
	uint8_t *src, *dst, *aad, *tag, *iv;
	uint8_t want[MAXLEN], want_tag[16];
	int status;
	unsigned int done;
	unsigned int order;
};

static struct ce_pmd_dev *ref;
static struct slot *slots;
static unsigned int nb_done, order_next;
static uint8_t key[16];

static void
complete(struct ce_pmd_request *req, int status)
{
	struct slot *s = req->cb_arg;

	if (status == -EINPROGRESS)
		return;
	s->done++;
	s->status = status;
	s->order = order_next++;
	nb_done++;
}

static struct ce_pmd_session *
gcm(struct ce_pmd_dev *d, uint16_t iv_len, uint16_t aad_len)
{
	struct ce_pmd_session_params p = {
		.alg = "gcm(aes)", .key = key, .key_len = 16, .iv_len = iv_len,
		.digest_len = 16, .aad_len = aad_len, .op = CE_OP_ENCRYPT,
	};
	struct ce_pmd_session *s = ce_pmd_session_create(d, &p, NULL);

	CHECK(s != NULL);
	return s;
}

/* Reference output for slot i (len bytes, aad_len bytes of AAD). */
static void
prepare(unsigned int i, struct ce_pmd_session *rs, uint32_t len, uint16_t aad_len)
{
	struct slot *s = &slots[i];
	struct ce_pmd_request req;

	qat_fill(s->src, len);
	qat_fill(s->iv, 12);
	qat_fill(s->aad, aad_len);
	memset(&req, 0, sizeof(req));
	req.sess = rs;
	req.op = CE_OP_ENCRYPT;
	req.src = s->src;
	req.dst = s->want;
	req.len = len;
	req.iv = s->iv;
	req.aad = aad_len ? s->aad : NULL;
	req.aad_len = aad_len;
	req.digest = s->want_tag;
	CHECK_EQ(ce_pmd_run_sync(ref->qps[0], &req), 0);
	s->done = 0;
	s->status = 1;
}

static struct ce_pmd_request *
mkreq(struct ce_engine *e, unsigned int i, struct ce_pmd_session *sess, uint32_t len,
      uint16_t aad_len, bool inplace)
{
	struct slot *s = &slots[i];
	struct ce_pmd_request *req = ce_engine_req_alloc(e);

	CHECK(req != NULL);
	req->sess = sess;
	req->op = CE_OP_ENCRYPT;
	req->src = s->src;
	req->dst = inplace ? s->src : s->dst;
	req->len = len;
	req->iv = s->iv;
	req->aad = aad_len ? s->aad : NULL;
	req->aad_len = aad_len;
	req->digest = s->tag;
	req->complete = complete;
	req->cb_arg = s;
	return req;
}

static void
check_out(unsigned int i, uint32_t len, bool inplace)
{
	struct slot *s = &slots[i];

	CHECK_EQ(s->done, 1);
	CHECK_EQ(s->status, 0);
	CHECK_MEM(inplace ? s->src : s->dst, s->want, len);
	CHECK_MEM(s->tag, s->want_tag, 16);
}

static struct ce_engine *
engine(const char *name, struct ce_pmd_dev *d, uint16_t batch, uint32_t qsize)
{
	struct ce_engine_params p = {
		.name = name, .lcore = rte_lcore_id(), .socket_id = 0, .retry_support = true,
		.queue_size = qsize, .batch_size = batch, .retry_min_ns = 100,
		.retry_max_ns = 1000,
	};
	struct ce_engine *e = ce_engine_create(&p);

	CHECK(e != NULL);
	CHECK_EQ(ce_engine_attach_qp(e, d->qps[0]), 0);
	CHECK_EQ(ce_engine_start(e), 0);
	return e;
}

static void
drain(struct ce_engine *e, unsigned int want)
{
	uint64_t spins = 0;

	while (nb_done < want) {
		ce_engine_poll(e);
		/* A safety net against a hang, not a timing assertion. */
		CHECK(++spins < 2000000000ull);
	}
}

static void
finish(struct ce_engine *e)
{
	CHECK_EQ(ce_engine_stop(e, 1000000000ull), 0);
	ce_engine_destroy(e);
}

static struct ce_pmd_qat_stats
stats(struct ce_pmd_dev *d)
{
	struct ce_pmd_qat_stats st;

	CHECK_EQ(ce_pmd_qat_stats_get(d, &st), 0);
	return st;
}

/* Queue n requests at once, then pump: the engine hands them out in batches. */
static void
run_burst(struct ce_engine *e, struct ce_pmd_session *qs, unsigned int n, bool inplace)
{
	struct ce_pmd_request *reqs[256];

	nb_done = 0;
	order_next = 0;
	for (unsigned int i = 0; i < n; i++)
		reqs[i] = mkreq(e, i, qs, LEN, 0, inplace);
	CHECK_EQ(ce_engine_transfer_burst(e, reqs, n), n);
	drain(e, n);
	for (unsigned int i = 0; i < n; i++)
		check_out(i, LEN, inplace);
}

static void
test_batching(void)
{
	struct ce_pmd_dev *d = qat_test_dev("cryptodev", "qb", "dev=crypto_aesni_mb,qp_depth=256");
	struct ce_pmd_session *qs = gcm(d, 12, 0), *rs = gcm(ref, 12, 0);
	const uint16_t bursts[] = { 1, 8, 32 };

	for (unsigned int b = 0; b < RTE_DIM(bursts); b++) {
		char name[32];
		struct ce_engine *e;
		struct ce_pmd_qat_stats s0, s1;

		snprintf(name, sizeof(name), "qb%u", bursts[b]);
		e = engine(name, d, bursts[b], 256);
		for (unsigned int i = 0; i < 64; i++)
			prepare(i, rs, LEN, 0);
		s0 = stats(d);
		run_burst(e, qs, 64, b & 1);
		s1 = stats(d);
		fprintf(stderr, "  batch %2u: 64 requests, %" PRIu64 " enqueue bursts\n",
			bursts[b], s1.enq_calls - s0.enq_calls);
		/* One doorbell per batch: 64 / B bursts exactly. */
		CHECK_EQ(s1.enq_calls - s0.enq_calls, 64 / bursts[b]);
		CHECK_EQ(s1.enq_ops - s0.enq_ops, 64);
		finish(e);
	}
	ce_pmd_session_destroy(qs);
	ce_pmd_session_destroy(rs);
	ce_pmd_dev_destroy(d);
}

static void
test_partial_enqueue_order(void)
{
	struct ce_pmd_dev *d = qat_test_dev("cryptodev", "qp",
					    "dev=crypto_aesni_mb,qp_depth=256,fault_inject=1");
	struct ce_pmd_session *qs = gcm(d, 12, 0), *rs = gcm(ref, 12, 0);
	struct ce_engine *e = engine("qpo", d, 32, 256);
	struct ce_pmd_qat_stats s0, s1;
	struct ce_engine_stats es;

	for (unsigned int i = 0; i < 200; i++)
		prepare(i, rs, LEN, 0);
	CHECK_EQ(ce_pmd_qat_fault_set(d, CE_QAT_FAULT_SHORT_ENQ, 3), 0);
	s0 = stats(d);
	run_burst(e, qs, 200, false);
	s1 = stats(d);
	ce_engine_stats_get(e, &es);
	CHECK(s1.enq_short - s0.enq_short > 0);
	CHECK(es.retried > 0);
	/* All of them on the device: nothing mistaken for a refusal. */
	CHECK_EQ(s1.enq_ops - s0.enq_ops, 200);
	CHECK_EQ(s1.dev_errors - s0.dev_errors, 0);
	/* aesni_mb completes in enqueue order: any reordering of what the engine
	 * kept would show here. */
	for (unsigned int i = 0; i < 200; i++)
		CHECK_EQ(slots[i].order, i);
	CHECK_EQ(ce_pmd_qat_fault_set(d, CE_QAT_FAULT_NONE, 0), 0);
	finish(e);
	ce_pmd_session_destroy(qs);
	ce_pmd_session_destroy(rs);
	ce_pmd_dev_destroy(d);
}

static void
test_fallback_reasons(void)
{
	struct ce_pmd_dev *d = qat_test_dev("cryptodev", "qf",
					    "dev=crypto_aesni_mb,qp_depth=64,small_to_sw=128");
	struct ce_pmd_session *q12 = gcm(d, 12, 16), *r12 = gcm(ref, 12, 16);
	struct ce_pmd_session *q8 = gcm(d, 8, 16), *r8 = gcm(ref, 8, 16);
	struct ce_engine *e = engine("qf", d, 8, 64);
	struct ce_pmd_qat_stats s0, s1;
	struct {
		struct ce_pmd_session *q, *r;
		uint32_t len;
		uint16_t aad;
		enum ce_pmd_qat_fb_reason why; /* CE_QAT_FB_MAX: on the device */
	} cases[] = {
		{ q12, r12, 64, 16, CE_QAT_FB_SMALL },
		{ q12, r12, 0, 16, CE_QAT_FB_EMPTY },
		{ q12, r12, 512, 8, CE_QAT_FB_AAD },   /* session's AAD is 16 */
		{ q8, r8, 512, 16, CE_QAT_FB_SESSION }, /* aesni_mb: GCM IV 12 only */
		{ q12, r12, 512, 16, CE_QAT_FB_MAX },
	};

	CHECK_EQ(ce_pmd_qat_session_on_device(q8), 0);
	CHECK_EQ(ce_pmd_qat_session_on_device(q12), 1);
	for (unsigned int c = 0; c < RTE_DIM(cases); c++) {
		struct ce_pmd_request *reqs[32];

		for (unsigned int i = 0; i < 32; i++)
			prepare(i, cases[c].r, cases[c].len, cases[c].aad);
		s0 = stats(d);
		nb_done = 0;
		for (unsigned int i = 0; i < 32; i++)
			reqs[i] = mkreq(e, i, cases[c].q, cases[c].len, cases[c].aad, i & 1);
		CHECK_EQ(ce_engine_transfer_burst(e, reqs, 32), 32);
		drain(e, 32);
		s1 = stats(d);
		for (unsigned int i = 0; i < 32; i++)
			check_out(i, cases[c].len, i & 1);
		for (unsigned int r = 0; r < CE_QAT_FB_MAX; r++)
			CHECK_EQ(s1.fb[r] - s0.fb[r], r == cases[c].why ? 32 : 0);
		CHECK_EQ(s1.enq_ops - s0.enq_ops, cases[c].why == CE_QAT_FB_MAX ? 32 : 0);
		fprintf(stderr, "  %-8s 32/32 right\n", cases[c].why == CE_QAT_FB_MAX ? "device" :
			ce_pmd_qat_fb_reason_name(cases[c].why));
	}
	finish(e);
	ce_pmd_session_destroy(q12);
	ce_pmd_session_destroy(r12);
	ce_pmd_session_destroy(q8);
	ce_pmd_session_destroy(r8);
	ce_pmd_dev_destroy(d);
}

/* Kill the device under load; heal it; every request exactly once. */
static void
failover(enum ce_pmd_qat_fault fault)
{
	struct ce_pmd_dev *d = qat_test_dev("cryptodev", "qx", "dev=crypto_aesni_mb,qp_depth=128,"
					    "fault_inject=1,timeout_ms=20,probe_ms=5,"
					    "fail_threshold=4");
	struct ce_pmd_session *qs = gcm(d, 12, 0), *rs = gcm(ref, 12, 0);
	struct ce_engine *e = engine("qx", d, 32, 512);
	struct ce_pmd_qat_stats s0, s1;
	unsigned int sent = 0, eio = 0, ok = 0;

	for (unsigned int i = 0; i < NREQ; i++)
		prepare(i, rs, LEN, 0);
	s0 = stats(d);
	nb_done = 0;
	while (sent < NREQ || nb_done < NREQ) {
		/* Load: keep the queue fed. */
		while (sent < NREQ) {
			struct ce_pmd_request *req = mkreq(e, sent, qs, LEN, 0, sent % 3 == 0);

			if (ce_engine_transfer(e, req) != -EINPROGRESS) {
				ce_engine_req_free(req);
				break;
			}
			sent++;
		}
		ce_engine_poll(e);
		if (sent >= NREQ / 4 && stats(d).down_events == s0.down_events &&
		    stats(d).dev_errors == s0.dev_errors)
			CHECK_EQ(ce_pmd_qat_fault_set(d, fault, 0), 0);
		/* Heal once the device was marked down and load went on a while. */
		if (sent >= NREQ * 3 / 4 && stats(d).down_events > s0.down_events)
			CHECK_EQ(ce_pmd_qat_fault_set(d, CE_QAT_FAULT_NONE, 0), 0);
	}
	/* Keep polling until the probe has brought it back. */
	for (uint64_t spins = 0; stats(d).up_events == s0.up_events; spins++) {
		ce_engine_poll(e);
		CHECK(spins < 2000000000ull);
	}
	s1 = stats(d);
	for (unsigned int i = 0; i < NREQ; i++) {
		bool inplace = i % 3 == 0;
		struct slot *s = &slots[i];

		CHECK_EQ(s->done, 1);
		if (s->status == -EIO) {
			CHECK(inplace);
			eio++;
			continue;
		}
		check_out(i, LEN, inplace);
		ok++;
	}
	fprintf(stderr, "  %s: %u right, %u -EIO (in place), down %" PRIu64 ", up %" PRIu64
		", failover re-runs %" PRIu64 ", error re-runs %" PRIu64 ", down->sw %" PRIu64
		", late dropped %" PRIu64 "\n", fault == CE_QAT_FAULT_HANG ? "hang" : "errors",
		ok, eio, s1.down_events - s0.down_events, s1.up_events - s0.up_events,
		s1.fb[CE_QAT_FB_FAILOVER] - s0.fb[CE_QAT_FB_FAILOVER],
		s1.fb[CE_QAT_FB_DEV_ERROR] - s0.fb[CE_QAT_FB_DEV_ERROR],
		s1.fb[CE_QAT_FB_DOWN] - s0.fb[CE_QAT_FB_DOWN], s1.late - s0.late);
	CHECK(s1.down_events > s0.down_events);
	CHECK_EQ(eio, s1.failover_eio - s0.failover_eio + (fault == CE_QAT_FAULT_ERROR ?
		 s1.dev_errors - s0.dev_errors - (s1.fb[CE_QAT_FB_DEV_ERROR] -
						  s0.fb[CE_QAT_FB_DEV_ERROR]) : 0));
	CHECK(s1.fb[CE_QAT_FB_DOWN] > s0.fb[CE_QAT_FB_DOWN]);
	if (fault == CE_QAT_FAULT_HANG) {
		CHECK(s1.fb[CE_QAT_FB_FAILOVER] > s0.fb[CE_QAT_FB_FAILOVER]);
		CHECK(s1.late > s0.late);
	} else {
		CHECK(s1.fb[CE_QAT_FB_DEV_ERROR] > s0.fb[CE_QAT_FB_DEV_ERROR]);
	}
	/* Back up: new requests run on the device again. */
	{
		struct ce_pmd_request *req;

		prepare(0, rs, LEN, 0);
		nb_done = 0;
		req = mkreq(e, 0, qs, LEN, 0, false);
		CHECK_EQ(ce_engine_transfer(e, req), -EINPROGRESS);
		drain(e, 1);
		check_out(0, LEN, false);
		CHECK_EQ(stats(d).enq_ops - s1.enq_ops, 1 + stats(d).probes - s1.probes);
	}
	finish(e);
	ce_pmd_session_destroy(qs);
	ce_pmd_session_destroy(rs);
	ce_pmd_dev_destroy(d);
}

static void
test_failover_hang(void)
{
	failover(CE_QAT_FAULT_HANG);
}

static void
test_failover_errors(void)
{
	failover(CE_QAT_FAULT_ERROR);
}

int
main(void)
{
	qat_test_eal_init("test_qat_engine");
	qat_seed("test_qat_engine");
	ref = qat_test_dev("ipsecmb", "ref", NULL);
	slots = rte_zmalloc(NULL, sizeof(*slots) * NREQ, 64);
	CHECK(slots != NULL);
	for (unsigned int i = 0; i < NREQ; i++) {
		uint8_t *m = rte_malloc(NULL, 2 * MAXLEN + 64 + 16 + 16, 64);

		CHECK(m != NULL);
		slots[i].src = m;
		slots[i].dst = m + MAXLEN;
		slots[i].aad = m + 2 * MAXLEN;
		slots[i].tag = m + 2 * MAXLEN + 64;
		slots[i].iv = m + 2 * MAXLEN + 80;
	}
	qat_fill(key, sizeof(key));
	RUN(test_batching);
	RUN(test_partial_enqueue_order);
	RUN(test_fallback_reasons);
	RUN(test_failover_hang);
	RUN(test_failover_errors);
	ce_pmd_dev_destroy(ref);
	rte_eal_cleanup();
	return 0;
}
