/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conformance suite every backend runs (as DPDK runs one cryptodev test
 * suite for each driver): meson runs this program once per backend and
 * device kind, "test_pmd_conformance DRIVER [DEVICE ARGS]".
 *
 * It checks what ce_pmd.h's contract promises, driving the backend's queue
 * pair directly (no engine), with the finalize hook counting completions:
 * - the registry's known answers pass on the device;
 * - -EINVAL: a request that does not fit its session is not taken by
 *   do_one_request; in a batch it is taken and finalized with -EINVAL;
 * - -EINPROGRESS: a taken request is finalized exactly once, from poll,
 *   and poll returns how many it finalized;
 * - -ENOSPC: a full queue pair refuses without taking the request;
 * - do_batch_requests takes a prefix and finalizes only that prefix;
 * - cancel finalizes each request still held exactly once;
 * - a finalize that submits again to the same queue pair;
 * - in place and out of place, as the driver says it supports them;
 * - a failed tag check returns -EBADMSG with the output wiped.
 * A backend with asymmetric algorithms only ("openssl") is checked on a
 * deterministic signature (PKCS#1 v1.5): the signature is the vector's, and
 * a flipped signature bit is -EBADMSG.
 */
#define CE_TEST_WANT_EAL
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "ce_pmd.h"
#include "ce_registry.h"
#include "ce_test.h"
#include "testvec_priv.h"

#define NB_REQS 4096
#define SLOT 512 /* per request: data 256, then IV, AAD, digest */
#define SPIN_MAX 100000000u

static struct ce_pmd_dev *dev;
static struct ce_pmd_qp *qp;
static const struct ce_pmd_alg_caps *alg;
static const struct ce_testvec *tv;
static struct ce_tv_data v;
static struct ce_pmd_session *enc, *dec;
/* Asymmetric: enc signs, dec verifies; the vector's output is the signature. */
static bool asym;
static const struct ce_asym_testvec *atv;
static struct ce_asym_tv_data av;
static uint8_t *arena;
static struct ce_pmd_request reqs[NB_REQS];

/* What the finalize hook saw. */
static unsigned int finals[NB_REQS];
static int final_status[NB_REQS];
static unsigned int nb_finals;
static unsigned int chain_left;   /* finalize submits again while > 0 */
static unsigned int chain_next;
static unsigned int chain_refused;

static uint8_t *slot_src(unsigned int i) { return arena + (size_t)i * SLOT; }
static uint8_t *slot_dst(unsigned int i) { return arena + ((size_t)NB_REQS + i) * SLOT; }
static uint8_t *slot_iv(unsigned int i) { return slot_src(i) + 256; }
static uint8_t *slot_aad(unsigned int i) { return slot_src(i) + 320; }
static uint8_t *slot_digest(unsigned int i) { return slot_src(i) + 384; }

static int submit_one(unsigned int i);

/*
 * One poll. An asymmetric device takes milliseconds an operation: an empty
 * poll then waits 20 us, so that SPIN_MAX bounds a hang (over half an hour)
 * and not how fast a loaded machine signs.
 */
static uint16_t
poll_once(void)
{
	uint16_t n = dev->drv->fast->poll(qp, 32);

	if (n == 0 && asym)
		usleep(20);
	return n;
}

static void
count_final(void *ctx, struct ce_pmd_request *req, int status)
{
	unsigned int i = (unsigned int)req->cookie;

	(void)ctx;
	CHECK(i < NB_REQS);
	CHECK(req->active == req->sess); /* a reroute is undone before finalize */
	finals[i]++;
	final_status[i] = status;
	nb_finals++;
	if (chain_left > 0) {
		chain_left--;
		/* Submitting from inside finalize, to the same queue pair. */
		if (submit_one(chain_next) == -EINPROGRESS)
			chain_next++;
		else
			chain_refused++;
	}
}

static void
reset_counts(void)
{
	memset(finals, 0, sizeof(finals));
	memset(final_status, 0, sizeof(final_status));
	nb_finals = 0;
	chain_left = chain_next = chain_refused = 0;
}

/* Request i: the vector's encrypt (or digest), in place when dst is NULL. */
static struct ce_pmd_request *
make_req(unsigned int i, struct ce_pmd_session *s, bool in_place)
{
	struct ce_pmd_request *req = &reqs[i];
	bool decrypt = s->op == CE_OP_DECRYPT || s->op == CE_OP_VERIFY;

	memset(req, 0, sizeof(*req));
	if (asym) {
		/* The signature (verify) lies where a sign writes its own. */
		memcpy(slot_src(i), av.input, av.input_len);
		if (s->op == CE_OP_SIG_VERIFY)
			memcpy(slot_dst(i), av.output, av.output_len);
		else
			memset(slot_dst(i), 0xa5, SLOT);
		req->sess = s;
		req->active = s;
		req->op = s->op;
		req->src = slot_src(i);
		req->len = av.input_len;
		req->dst = s->op == CE_OP_SIG_VERIFY ? NULL : slot_dst(i);
		req->aad = s->op == CE_OP_SIG_VERIFY ? slot_dst(i) : NULL;
		req->aad_len = s->op == CE_OP_SIG_VERIFY ? av.output_len : 0;
		req->cookie = i;
		(void)in_place;	/* asymmetric ops never run in place */
		return req;
	}
	memcpy(slot_src(i), decrypt && alg->type != CE_PMD_ALG_HASH ? v.ctext : v.ptext, v.len);
	memset(slot_dst(i), 0xa5, v.len);
	memcpy(slot_iv(i), v.iv, v.iv_len);
	memcpy(slot_aad(i), v.aad, v.aad_len);
	if (decrypt)
		memcpy(slot_digest(i), v.digest, v.digest_len);
	else
		memset(slot_digest(i), 0xa5, 64);
	req->sess = s;
	req->active = s;
	req->op = s->op;
	req->src = slot_src(i);
	req->dst = in_place ? slot_src(i) : slot_dst(i);
	req->len = v.len;
	req->iv = s->iv_len ? slot_iv(i) : NULL;
	req->aad = v.aad_len ? slot_aad(i) : NULL;
	req->aad_len = v.aad_len;
	req->digest = s->digest_len ? slot_digest(i) : NULL;
	req->cookie = i;
	return req;
}

static int
submit_one(unsigned int i)
{
	return dev->drv->fast->do_one_request(qp, make_req(i, enc, !dev->drv->out_of_place));
}

/* Poll until n requests were finalized in all; poll's counts must add up. */
static void
drain(unsigned int n)
{
	unsigned int polled = nb_finals;

	for (unsigned int spins = 0; nb_finals < n; spins++) {
		polled += poll_once();
		CHECK(spins < SPIN_MAX);
	}
	/* Nothing more comes. */
	for (unsigned int k = 0; k < 1000; k++)
		polled += dev->drv->fast->poll(qp, 32);
	CHECK_EQ(nb_finals, n);
	CHECK_EQ(polled, nb_finals);
}

/* The result of request i is the vector's. */
static void
check_output(unsigned int i)
{
	const struct ce_pmd_request *req = &reqs[i];

	CHECK_EQ(final_status[i], 0);
	if (asym) {
		if (req->sess->op == CE_OP_SIGN) {
			CHECK_EQ(req->out_len, av.output_len);
			CHECK_MEM(req->dst, av.output, av.output_len);
		}
		return;
	}
	if (alg->type != CE_PMD_ALG_HASH)
		CHECK_MEM(req->dst, req->sess->op == CE_OP_DECRYPT ? v.ptext : v.ctext, v.len);
	if (req->sess->op != CE_OP_DECRYPT && req->sess->op != CE_OP_VERIFY &&
	    v.digest_len != 0)
		CHECK_MEM(req->digest, v.digest, v.digest_len);
}

static void
check_each_once(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(finals[i], 1);
}

/* The registry's known answers: every implementation's self-test passes,
 * except what a device may lack (below). */
static void
test_known_answers(void)
{
	int failed = ce_registry_add_dev(dev);
	int allowed = 0, passed = 0;

	CHECK(failed >= 0);
	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e)) {
		if (e->dev != dev)
			continue;
		/* The registry has no asymmetric known answers yet (they come
		 * with the asymmetric self-tests): such entries are never chosen.
		 * tests/pmd-qat/test_qat_asym.c checks the cryptodev ones. */
		if (e->alg->type >= CE_PMD_ALG_AKCIPHER && e->selftest == CE_SELFTEST_NO_VECTOR)
			continue;
		CHECK(e->selftest != CE_SELFTEST_NO_VECTOR);
		if (e->selftest == CE_SELFTEST_FAILED) {
			fprintf(stderr, "  %s: %s\n", e->alg->driver_name, e->selftest_why);
			/* A cryptodev's static caps are a superset; the null
			 * algorithms have no software fallback, so a device without
			 * them (crypto_openssl) fails them, and is never chosen. */
			CHECK(strcmp(dev->drv->name, "cryptodev") == 0 &&
			      strstr(e->alg->name, "null") != NULL);
			allowed++;
		}
		passed += e->selftest == CE_SELFTEST_PASSED;
	}
	CHECK_EQ(failed, allowed);
	CHECK(passed > 0);
	fprintf(stderr, "  %d implementations passed\n", passed);
	ce_registry_remove_dev(dev);
}

static void
test_einval(void)
{
	struct ce_pmd_request *bad;
	int ret;

	reset_counts();
	bad = make_req(0, enc, true);
	bad->op = enc->op == CE_OP_ENCRYPT ? CE_OP_DECRYPT : CE_OP_VERIFY; /* not the session's */
	CHECK_EQ(dev->drv->fast->do_one_request(qp, bad), -EINVAL);
	bad = make_req(1, enc, true);
	bad->len = alg->max_data_len + 1;
	CHECK_EQ(dev->drv->fast->do_one_request(qp, bad), -EINVAL);
	drain(0); /* not taken: never finalized */
	if (dev->drv->fast->do_batch_requests == NULL)
		return;
	/* In a batch: taken, and finalized with -EINVAL; its neighbours run. */
	{
		struct ce_pmd_request *batch[3] = { make_req(2, enc, true), make_req(3, enc, true),
						make_req(4, enc, true) };

		batch[1]->op = enc->op == CE_OP_ENCRYPT ? CE_OP_DECRYPT : CE_OP_VERIFY;
		ret = dev->drv->fast->do_batch_requests(qp, batch, 3);
		CHECK_EQ(ret, 3);
		drain(3);
		CHECK_EQ(finals[2] + finals[3] + finals[4], 3);
		CHECK_EQ(final_status[3], -EINVAL);
		check_output(2);
		check_output(4);
	}
}

static void
test_einprogress_and_poll(void)
{
	reset_counts();
	for (unsigned int i = 0; i < 8; i++)
		CHECK_EQ(submit_one(i), -EINPROGRESS);
	drain(8);
	check_each_once(8);
	for (unsigned int i = 0; i < 8; i++)
		check_output(i);
}

static void
test_enospc(void)
{
	unsigned int taken = 0;
	int ret = 0;

	reset_counts();
	while (taken < NB_REQS - 1) {
		ret = submit_one(taken);
		if (ret != -EINPROGRESS)
			break;
		taken++;
	}
	fprintf(stderr, "  full after %u requests\n", taken);
	CHECK_EQ(ret, -ENOSPC);
	drain(taken);
	check_each_once(taken);
	CHECK_EQ(finals[taken], 0); /* the refused one was not taken */
	for (unsigned int i = 0; i < taken; i++)
		check_output(i);
}

static void
test_batch_prefix(void)
{
	struct ce_pmd_request *batch[64];
	unsigned int offered = 0, taken = 0;
	uint16_t nb = 64, k;

	if (dev->drv->fast->do_batch_requests == NULL) {
		fprintf(stderr, "  no do_batch_requests\n");
		return;
	}
	reset_counts();
	/* Offer batches without polling until one is cut short. */
	do {
		CHECK(offered + nb <= NB_REQS);
		for (uint16_t j = 0; j < nb; j++)
			batch[j] = make_req(offered + j, enc, !dev->drv->out_of_place);
		k = dev->drv->fast->do_batch_requests(qp, batch, nb);
		CHECK(k <= nb);
		/* The rest are the caller's: offered again below, from k on. */
		taken += k;
		offered = taken;
	} while (k == nb);
	fprintf(stderr, "  a batch was cut at %u of %u (%u taken in all)\n", k, nb, taken);
	drain(taken);
	check_each_once(taken);
	for (unsigned int i = taken; i < taken + nb - k; i++)
		CHECK_EQ(finals[i], 0);
	for (unsigned int i = 0; i < taken; i++)
		check_output(i);
}

static void
test_cancel(void)
{
	unsigned int taken = 0, during;
	uint16_t c;

	if (dev->drv->fast->cancel == NULL) {
		fprintf(stderr, "  no cancel\n");
		return;
	}
	reset_counts();
	while (taken < 32 && submit_one(taken) == -EINPROGRESS)
		taken++;
	CHECK(taken > 0);
	during = nb_finals;
	c = dev->drv->fast->cancel(qp, -ECANCELED);
	CHECK_EQ(c, nb_finals - during);
	drain(taken);
	check_each_once(taken);
	for (unsigned int i = 0; i < taken; i++)
		CHECK(final_status[i] == -ECANCELED || final_status[i] == 0);
}

static void
test_finalize_submits(void)
{
	/* One after another: 200 RSA signs would be seconds for nothing more. */
	unsigned int n = asym ? 32 : 200;

	reset_counts();
	chain_left = n - 1;
	chain_next = 1;
	CHECK_EQ(submit_one(0), -EINPROGRESS);
	/* Refused ones (the queue pair full inside finalize) are resubmitted here. */
	for (unsigned int spins = 0; nb_finals < chain_next || chain_refused != 0; spins++) {
		CHECK(spins < SPIN_MAX);
		poll_once();
		while (chain_refused != 0 && submit_one(chain_next) == -EINPROGRESS) {
			chain_next++;
			chain_refused--;
		}
	}
	CHECK_EQ(chain_next, n);
	drain(n);
	check_each_once(n);
	for (unsigned int i = 0; i < n; i++)
		check_output(i);
}

/* One request, synchronously through the hook. */
static int
run1(struct ce_pmd_session *s, bool in_place, bool flip_tag)
{
	struct ce_pmd_request *req;
	int ret;

	reset_counts();
	req = make_req(0, s, in_place);
	if (flip_tag && asym)
		req->aad[req->aad_len / 2] ^= 0x01;	/* the signature */
	else if (flip_tag)
		req->digest[0] ^= 0x01;
	ret = dev->drv->fast->do_one_request(qp, req);
	if (ret != -EINPROGRESS)
		return ret;
	drain(1);
	return final_status[0];
}

static void
test_placement(void)
{
	for (int in_place = 0; in_place < 2; in_place++) {
		if (!(in_place ? dev->drv->in_place : dev->drv->out_of_place))
			continue;
		CHECK_EQ(run1(enc, in_place, false), 0);
		check_output(0);
		if (dec == NULL)
			continue;
		CHECK_EQ(run1(dec, in_place, false), 0);
		check_output(0);
	}
}

static void
test_bad_tag_wipes(void)
{
	if (asym) {
		CHECK_EQ(run1(dec, false, true), -EBADMSG);
		return;
	}
	if (dec == NULL || v.digest_len == 0) {
		fprintf(stderr, "  %s checks no tag\n", alg->name);
		return;
	}
	for (int in_place = 0; in_place < 2; in_place++) {
		if (!(in_place ? dev->drv->in_place : dev->drv->out_of_place))
			continue;
		CHECK_EQ(run1(dec, in_place, true), -EBADMSG);
		if (alg->type == CE_PMD_ALG_HASH)
			continue;
		for (uint32_t b = 0; b < v.len; b++)
			CHECK_EQ(reqs[0].dst[b], 0);
	}
}

/* No symmetric algorithm: a deterministic signature with its known answer. */
static void
pick_asym_algorithm(void)
{
	for (uint16_t c = 0; c < dev->drv->nb_caps && atv == NULL; c++) {
		const struct ce_pmd_alg_caps *a = &dev->drv->caps[c];

		if (!ce_pmd_alg_type_is_asym(a->type))
			continue;
		for (const struct ce_asym_testvec *t = ce_asym_testvec_next(NULL); t != NULL;
		     t = ce_asym_testvec_next(t)) {
			struct ce_pmd_session_params sp = { .alg = a->name,
							    .driver = a->driver_name,
							    .op = CE_OP_SIGN };

			if (strcmp(t->alg, a->name) != 0 || t->op != CE_OP_SIGN ||
			    t->output == NULL || ce_asym_testvec_decode(t, &av) < 0 ||
			    av.output_len > SLOT)
				continue;
			sp.key = av.key;
			sp.key_len = av.key_len;
			enc = ce_pmd_session_create(dev, &sp, NULL);
			if (enc == NULL)
				continue;
			sp.op = CE_OP_SIG_VERIFY;
			dec = ce_pmd_session_create(dev, &sp, NULL);
			CHECK(dec != NULL);
			alg = a;
			atv = t;
			asym = true;
			break;
		}
	}
}

/* The algorithm the contract is checked on: an AEAD with a known answer if the
 * backend has one, else a cipher, else a hash; data not empty; else an
 * asymmetric signature. */
static void
pick_algorithm(void)
{
	static const enum ce_pmd_alg_type pref[] = { CE_PMD_ALG_AEAD, CE_PMD_ALG_CIPHER, CE_PMD_ALG_HASH };

	for (unsigned int p = 0; p < RTE_DIM(pref) && tv == NULL; p++) {
		for (uint16_t c = 0; c < dev->drv->nb_caps && tv == NULL; c++) {
			const struct ce_pmd_alg_caps *a = &dev->drv->caps[c];

			if (a->type != pref[p])
				continue;
			for (const struct ce_testvec *t = ce_testvec_next(NULL); t != NULL;
			     t = ce_testvec_next(t)) {
				struct ce_pmd_session_params sp = { .alg = a->name,
								    .driver = a->driver_name };

				if (strcmp(t->alg, a->name) != 0 || ce_testvec_decode(t, &v) < 0 ||
				    v.len == 0 || v.len > 256)
					continue;
				sp.key = v.key;
				sp.key_len = v.key_len;
				sp.iv_len = v.iv_len;
				sp.digest_len = v.digest_len;
				sp.aad_len = v.aad_len;
				sp.op = a->type == CE_PMD_ALG_HASH ? CE_OP_DIGEST : CE_OP_ENCRYPT;
				enc = ce_pmd_session_create(dev, &sp, NULL);
				if (enc == NULL)
					continue;
				sp.op = a->type == CE_PMD_ALG_HASH ? CE_OP_VERIFY : CE_OP_DECRYPT;
				dec = ce_pmd_session_create(dev, &sp, NULL);
				CHECK(dec != NULL);
				alg = a;
				tv = t;
				break;
			}
		}
	}
	if (tv == NULL)
		pick_asym_algorithm();
	CHECK(tv != NULL || atv != NULL);
	fprintf(stderr, "  on %s (%s), vector \"%s\"\n", alg->driver_name, alg->name,
		tv != NULL ? tv->desc : atv->desc);
}

int
main(int argc, char **argv)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0 };

	if (argc < 2) {
		fprintf(stderr, "usage: %s DRIVER [DEVICE ARGS]\n", argv[0]);
		return 1;
	}
	cfg.args = argc > 2 ? argv[2] : NULL;
	ce_test_eal_init("test_pmd_conformance", "0");
	dev = ce_pmd_dev_create(argv[1], "conf0", &cfg);
	if (dev == NULL) {
		fprintf(stderr, "%s (%s): %s\n", argv[1], cfg.args ? cfg.args : "",
			strerror(errno));
		return 1;
	}
	qp = dev->qps[0];
	arena = rte_zmalloc(NULL, (size_t)2 * NB_REQS * SLOT, 64);
	CHECK(arena != NULL);

	RUN(test_known_answers);
	qp->finalize = count_final;
	qp->finalize_ctx = NULL;
	RUN(pick_algorithm);
	RUN(test_einval);
	RUN(test_einprogress_and_poll);
	RUN(test_enospc);
	RUN(test_batch_prefix);
	RUN(test_cancel);
	RUN(test_finalize_submits);
	RUN(test_placement);
	RUN(test_bad_tag_wipes);

	ce_pmd_session_destroy(enc);
	ce_pmd_session_destroy(dec);
	ce_pmd_dev_destroy(dev);
	rte_free(arena);
	rte_eal_cleanup();
	return 0;
}
