/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registry rules: the highest priority that passed its self-test is chosen,
 * an exact driver name wins, an implementation that failed (wrong output,
 * no -EBADMSG on a bad tag, plaintext left after one) or has no vector is
 * never chosen and asking for it by driver name fails with ELIBBAD and a
 * message. The failures are real: a test-only driver, "regtest", registered
 * here with CE_PMD_REGISTER, computes wrong answers on purpose.
 */
#define CE_TEST_WANT_EAL
#include <errno.h>

#include <sodium.h>

#include <rte_common.h>

#include "ce_registry.h"
#include "ce_test.h"

enum regtest_mode {
	REGTEST_GOOD,    /* correct XChaCha20-Poly1305 */
	REGTEST_WRONG,   /* ChaCha20-Poly1305 with one output bit flipped */
	REGTEST_NOWIPE,  /* XChaCha, but leaves bytes in the output on a bad tag */
	REGTEST_NOTAG,   /* AES-256-GCM that never checks the tag */
	REGTEST_NOVEC,   /* an algorithm nobody has a vector for */
};

struct regtest_sess {
	enum regtest_mode mode;
	uint8_t key[32];
};

#define AEAD_CAPS(n, d, prio, ivl) { \
	.name = n, .driver_name = d, .type = CE_PMD_ALG_AEAD, .priority = prio, \
	.key_size = { 32, 32, 0 }, .iv_size = { ivl, ivl, 0 }, \
	.digest_size = { 16, 16, 0 }, .aad_size = { 0, 64, 1 }, \
	.block_size = 1, .max_data_len = 4096 }

/* Order matches enum regtest_mode, then the low-priority good one. */
static const struct ce_pmd_alg_caps regtest_caps[] = {
	AEAD_CAPS("xchacha20poly1305", "xchacha20poly1305-testgood", 500, 24),
	AEAD_CAPS("rfc7539(chacha20,poly1305)", "rfc7539-chacha20-poly1305-testwrong", 1000, 12),
	AEAD_CAPS("xchacha20poly1305", "xchacha20poly1305-testnowipe", 1000, 24),
	AEAD_CAPS("gcm(aes)", "gcm-aes-testnotag", 1000, 12),
	AEAD_CAPS("test-novec", "test-novec-regtest", 1000, 12),
	AEAD_CAPS("xchacha20poly1305", "xchacha20poly1305-testlow", 100, 24),
};

static int
regtest_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	(void)dev;
	(void)cfg;
	return 0;
}

static void
regtest_dev_close(struct ce_pmd_dev *dev)
{
	(void)dev;
}

static int
regtest_qp_setup(struct ce_pmd_qp *qp)
{
	(void)qp;
	return 0;
}

static int
regtest_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
		       const struct ce_pmd_session_params *params)
{
	struct regtest_sess *s = sess->priv;
	size_t i = (size_t)(sess->alg - regtest_caps);

	(void)dev;
	s->mode = i == 5 ? REGTEST_GOOD : (enum regtest_mode)i;
	memcpy(s->key, params->key, 32);
	return 0;
}

static void
regtest_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	(void)dev;
	sodium_memzero(sess->priv, sizeof(struct regtest_sess));
}

static int
regtest_compute(struct ce_pmd_request *req)
{
	const struct regtest_sess *s = req->sess->priv;
	bool enc = req->op == CE_OP_ENCRYPT;
	int ret = 0;

	switch (s->mode) {
	case REGTEST_GOOD:
	case REGTEST_NOWIPE:
		if (enc)
			return crypto_aead_xchacha20poly1305_ietf_encrypt_detached(req->dst,
				req->digest, NULL, req->src, req->len, req->aad, req->aad_len,
				NULL, req->iv, s->key) == 0 ? 0 : -EIO;
		ret = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(req->dst, NULL,
			req->src, req->len, req->digest, req->aad, req->aad_len, req->iv, s->key);
		if (ret != 0 && s->mode == REGTEST_NOWIPE)
			memset(req->dst, 0x11, req->len);
		return ret == 0 ? 0 : -EBADMSG;
	case REGTEST_WRONG:
		if (enc)
			ret = crypto_aead_chacha20poly1305_ietf_encrypt_detached(req->dst,
				req->digest, NULL, req->src, req->len, req->aad, req->aad_len,
				NULL, req->iv, s->key);
		else
			ret = crypto_aead_chacha20poly1305_ietf_decrypt_detached(req->dst,
				NULL, req->src, req->len, req->digest, req->aad, req->aad_len,
				req->iv, s->key);
		if (ret == 0 && req->len != 0)
			req->dst[0] ^= 0x80;
		return ret == 0 ? 0 : -EBADMSG;
	case REGTEST_NOTAG: {
		uint8_t junk[16];

		if (!crypto_aead_aes256gcm_is_available())
			return -ENOTSUP;
		/* GCM is CTR underneath: "decrypting" is encrypting again,
		 * and the tag is never compared. */
		return crypto_aead_aes256gcm_encrypt_detached(req->dst,
			enc ? req->digest : junk, NULL, req->src, req->len, req->aad,
			req->aad_len, NULL, req->iv, s->key) == 0 ? 0 : -EIO;
	}
	case REGTEST_NOVEC:
		memcpy(req->dst, req->src, req->len);
		return 0;
	}
	return -EINVAL;
}

/* Synchronous: finalized before do_one_request returns. */
static int
regtest_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	ce_pmd_complete(qp, req, regtest_compute(req));
	return -EINPROGRESS;
}

static uint16_t
regtest_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	(void)qp;
	(void)max;
	return 0;
}

static const struct ce_pmd_ops regtest_ops = {
	.dev_configure = regtest_dev_configure,
	.dev_close = regtest_dev_close,
	.qp_setup = regtest_qp_setup,
	.session_create = regtest_session_create,
	.session_destroy = regtest_session_destroy,
};

static const struct ce_pmd_fast_ops regtest_fast_ops = {
	.do_one_request = regtest_do_one_request,
	.poll = regtest_poll,
};

static struct ce_pmd_driver regtest_driver = {
	.name = "regtest",
	.ops = &regtest_ops,
	.fast = &regtest_fast_ops,
	.caps = regtest_caps,
	.nb_caps = sizeof(regtest_caps) / sizeof(regtest_caps[0]),
	.max_batch = 1,
	.in_place = true,
	.out_of_place = true,
	.sess_priv_size = sizeof(struct regtest_sess),
};

CE_PMD_REGISTER(regtest_driver)

static struct ce_pmd_dev *sodium0, *sodium1, *regtest0, *ipsecmb0, *null0;

static struct ce_pmd_dev *
dev_new(const char *drv, const char *name)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0 };
	struct ce_pmd_dev *dev = ce_pmd_dev_create(drv, name, &cfg);

	if (dev == NULL)
		fprintf(stderr, "device %s of %s: %s\n", name, drv, strerror(errno));
	return dev;
}

static const struct ce_registry_entry *
entry_of(const struct ce_pmd_dev *dev, const char *driver)
{
	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e))
		if (e->dev == dev && strcmp(e->alg->driver_name, driver) == 0)
			return e;
	return NULL;
}

static void
test_add_devices(void)
{
	sodium0 = dev_new("sodium", "sodium0");
	sodium1 = dev_new("sodium", "sodium1");
	regtest0 = dev_new("regtest", "regtest0");
	CHECK(sodium0 != NULL && sodium1 != NULL && regtest0 != NULL);

	CHECK_EQ(ce_registry_add_dev(sodium0), 0);
	CHECK_EQ(ce_registry_add_dev(sodium1), 0);
	/* wrong, nowipe, notag fail; novec is not a failure, just never used */
	CHECK_EQ(ce_registry_add_dev(regtest0), 3);
	CHECK_EQ(ce_registry_add_dev(regtest0), -EEXIST);

	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e))
		if (e->dev == sodium0 || e->dev == sodium1)
			CHECK_EQ(e->selftest, CE_SELFTEST_PASSED);

	/* The ipsec-mb backend, when it is linked: ranks above sodium. */
	if (ce_pmd_driver_find("ipsecmb") != NULL) {
		ipsecmb0 = dev_new("ipsecmb", "ipsecmb0");
		CHECK(ipsecmb0 != NULL);
		int failed = ce_registry_add_dev(ipsecmb0);

		CHECK(failed >= 0);
		if (failed > 0)
			fprintf(stderr, "note: %d ipsecmb implementations failed their "
				"self-test (see the listing)\n", failed);
	}
	/* The null backend, when linked: its trivial vectors must pass. */
	if (ce_pmd_driver_find("null") != NULL) {
		null0 = dev_new("null", "null0");
		CHECK(null0 != NULL);
		CHECK_EQ(ce_registry_add_dev(null0), 0);
		CHECK(ce_registry_lookup("digest_null", NULL, NULL) != NULL);
		CHECK(ce_registry_lookup("ecb(cipher_null)", NULL, NULL) != NULL);
	}
}

static void
test_failures_are_real(void)
{
	const struct ce_registry_entry *e;

	e = entry_of(regtest0, "xchacha20poly1305-testgood");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_PASSED);
	e = entry_of(regtest0, "xchacha20poly1305-testlow");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_PASSED);

	e = entry_of(regtest0, "rfc7539-chacha20-poly1305-testwrong");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_FAILED);
	CHECK(strstr(e->selftest_why, "RFC 8439") != NULL);
	CHECK(strstr(e->selftest_why, "wrong output") != NULL);

	e = entry_of(regtest0, "xchacha20poly1305-testnowipe");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_FAILED);
	CHECK(strstr(e->selftest_why, "plaintext left") != NULL);

	e = entry_of(regtest0, "gcm-aes-testnotag");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_FAILED);
	if (crypto_aead_aes256gcm_is_available())
		CHECK(strstr(e->selftest_why, "not -EBADMSG") != NULL);

	e = entry_of(regtest0, "test-novec-regtest");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_NO_VECTOR);
}

static void
test_highest_priority_wins(void)
{
	const struct ce_registry_entry *e;
	const char *why = NULL;

	/* testgood (500) over sodium (200) and testlow (100); the failed
	 * testnowipe (1000) is never chosen. */
	e = ce_registry_lookup("xchacha20poly1305", NULL, &why);
	CHECK(e != NULL);
	CHECK(strcmp(e->alg->driver_name, "xchacha20poly1305-testgood") == 0);

	/* rfc7539: the failed testwrong (1000) is skipped; ipsec-mb (300)
	 * beats sodium (200) when it passed. */
	e = ce_registry_lookup("rfc7539(chacha20,poly1305)", NULL, &why);
	CHECK(e != NULL);
	if (ipsecmb0 != NULL &&
	    entry_of(ipsecmb0, "rfc7539-chacha20-poly1305-ipsecmb")->selftest ==
	    CE_SELFTEST_PASSED) {
		CHECK(strcmp(e->alg->driver_name, "rfc7539-chacha20-poly1305-ipsecmb") == 0);
		CHECK(e->dev == ipsecmb0);
	} else {
		CHECK(strcmp(e->alg->driver_name, "rfc7539-chacha20-poly1305-sodium") == 0);
		/* equal priority: the first registered device */
		CHECK(e->dev == sodium0);
	}
}

/* The rule in general: for every name, the choice is a passed entry with
 * the highest priority among the passed ones. */
static void
test_choice_rule_for_every_name(void)
{
	for (const struct ce_registry_entry *e = ce_registry_next(NULL); e != NULL;
	     e = ce_registry_next(e)) {
		const struct ce_registry_entry *c = ce_registry_lookup(e->alg->name, NULL, NULL);
		int best = -1;

		for (const struct ce_registry_entry *o = ce_registry_next(NULL); o != NULL;
		     o = ce_registry_next(o))
			if (strcmp(o->alg->name, e->alg->name) == 0 &&
			    o->selftest == CE_SELFTEST_PASSED && o->alg->priority > best)
				best = o->alg->priority;
		if (best < 0) {
			CHECK(c == NULL);
			continue;
		}
		CHECK(c != NULL);
		CHECK_EQ(c->selftest, CE_SELFTEST_PASSED);
		CHECK_EQ(c->alg->priority, best);
	}
}

static void
test_exact_driver_wins(void)
{
	const struct ce_registry_entry *e;
	const char *why = NULL;

	e = ce_registry_lookup(NULL, "xchacha20poly1305-testlow", &why);
	CHECK(e != NULL && e->dev == regtest0);
	e = ce_registry_lookup("xchacha20poly1305", "xchacha20poly1305-sodium", &why);
	CHECK(e != NULL && e->dev == sodium0);
	e = ce_registry_lookup(NULL, "rfc7539-chacha20-poly1305-sodium", &why);
	CHECK(e != NULL && strcmp(e->alg->name, "rfc7539(chacha20,poly1305)") == 0);

	/* name and driver disagree */
	errno = 0;
	why = NULL;
	CHECK(ce_registry_lookup("gcm(aes)", "xchacha20poly1305-sodium", &why) == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(why != NULL && strstr(why, "xchacha20poly1305") != NULL);
	/* unknown */
	errno = 0;
	CHECK(ce_registry_lookup(NULL, "no-such-driver", &why) == NULL);
	CHECK_EQ(errno, ENOENT);
	errno = 0;
	CHECK(ce_registry_lookup("no-such-alg", NULL, &why) == NULL);
	CHECK_EQ(errno, ENOENT);
}

static void
test_failed_driver_refused(void)
{
	const char *why = NULL;

	errno = 0;
	CHECK(ce_registry_lookup(NULL, "rfc7539-chacha20-poly1305-testwrong", &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
	CHECK(why != NULL && strstr(why, "failed") != NULL);
	fprintf(stderr, "message: %s\n", why);

	errno = 0;
	why = NULL;
	CHECK(ce_registry_lookup("xchacha20poly1305", "xchacha20poly1305-testnowipe",
				 &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
	CHECK(why != NULL && strstr(why, "plaintext left") != NULL);

	/* no vector: refused by driver and by name */
	errno = 0;
	CHECK(ce_registry_lookup(NULL, "test-novec-regtest", &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
	CHECK(strstr(why, "no vector") != NULL);
	errno = 0;
	CHECK(ce_registry_lookup("test-novec", NULL, &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
}

/* The result of a live run for the implementation of @p dev named @p driver. */
static const struct ce_registry_entry *
result_of(const struct ce_registry_entry *res, int n, const struct ce_pmd_dev *dev,
	  const char *driver)
{
	for (int i = 0; i < n; i++)
		if (res[i].dev == dev && strcmp(res[i].alg->driver_name, driver) == 0)
			return &res[i];
	return NULL;
}

/*
 * Live re-runs (ce_registry_selftest_run): on a queue pair of their own
 * (1 here, as cryptoengd keeps one past its workers'), a device the null
 * backend's fault injector breaks fails its known answers, is out of
 * selection with the reason, and is back once healed.
 */
static void
test_live_rerun(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 2, .socket_id = 0, .args = "fault_inject=1" };
	struct ce_registry_entry res[64];
	const struct ce_registry_entry *e, *r;
	struct ce_pmd_dev *nullf, *plain;
	const char *why = NULL;
	int n;

	if (null0 == NULL)
		return;
	/* One null device only: a second of the same driver would stand in. */
	ce_registry_remove_dev(null0);
	ce_pmd_dev_destroy(null0);
	null0 = NULL;
	nullf = ce_pmd_dev_create("null", "nullf", &cfg);
	CHECK(nullf != NULL);
	CHECK_EQ(ce_registry_add_dev(nullf), 0);
	e = entry_of(nullf, "ecb-cipher_null-null");
	CHECK(e != NULL && e->selftest == CE_SELFTEST_PASSED);
	/* one vector, encrypt and decrypt, in and out of place */
	CHECK_EQ(e->selftest_vectors, 1);
	CHECK_EQ(e->selftest_ops, 4);
	CHECK_EQ(e->selftest_runs, 1);

	/* Everything again, nothing broken: the same verdicts. The devices
	 * made with one queue pair have no queue pair 1: left out, unchanged. */
	n = ce_registry_selftest_run(NULL, 1, res, RTE_DIM(res));
	CHECK_EQ(n, 3);
	r = result_of(res, n, nullf, "ecb-cipher_null-null");
	CHECK(r != NULL && r->selftest == CE_SELFTEST_PASSED && r->selftest_runs == 2);
	CHECK(result_of(res, n, sodium0, "xchacha20poly1305-sodium") == NULL);
	CHECK_EQ(entry_of(sodium0, "xchacha20poly1305-sodium")->selftest, CE_SELFTEST_PASSED);
	CHECK_EQ(entry_of(sodium0, "xchacha20poly1305-sodium")->selftest_runs, 1);
	CHECK_EQ(ce_registry_selftest_run("xchacha20poly1305-sodium", 1, res, RTE_DIM(res)), 0);
	n = ce_registry_selftest_run(NULL, 0, res, RTE_DIM(res));
	CHECK(n > 5 && n <= (int)RTE_DIM(res));
	CHECK_EQ(entry_of(sodium0, "xchacha20poly1305-sodium")->selftest, CE_SELFTEST_PASSED);
	r = result_of(res, n, regtest0, "rfc7539-chacha20-poly1305-testwrong");
	CHECK(r != NULL && r->selftest == CE_SELFTEST_FAILED);
	CHECK(strstr(r->selftest_why, "wrong output") != NULL);
	CHECK_EQ(result_of(res, n, regtest0, "xchacha20poly1305-testgood")->selftest,
		 CE_SELFTEST_PASSED);

	/* A wrong answer: the cipher's output comes back with a byte flipped. */
	CHECK_EQ(ce_pmd_fault_inject(nullf, "corrupt", 0), 0);
	n = ce_registry_selftest_run("ecb-cipher_null-null", 1, res, RTE_DIM(res));
	CHECK_EQ(n, 1);
	CHECK(res[0].dev == nullf && res[0].selftest == CE_SELFTEST_FAILED);
	CHECK(strstr(res[0].selftest_why, "identity: encrypt in place: wrong output") != NULL);
	errno = 0;
	CHECK(ce_registry_lookup(NULL, "ecb-cipher_null-null", &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
	CHECK(why != NULL && strstr(why, "wrong output") != NULL);
	errno = 0;
	CHECK(ce_registry_lookup("ecb(cipher_null)", NULL, &why) == NULL);
	CHECK_EQ(errno, ELIBBAD);
	/* Only the driver asked for ran: digest_null is untouched and chosen. */
	CHECK_EQ(entry_of(nullf, "digest_null-null")->selftest_runs, 3);
	CHECK(ce_registry_lookup("digest_null", NULL, NULL) != NULL);

	/* Every completion an error: digest_null fails too. */
	CHECK_EQ(ce_pmd_fault_inject(nullf, "error", 0), 0);
	n = ce_registry_selftest_run(NULL, 1, res, RTE_DIM(res));
	r = result_of(res, n, nullf, "digest_null-null");
	CHECK(r != NULL && r->selftest == CE_SELFTEST_FAILED);
	CHECK(strstr(r->selftest_why, "returned -5") != NULL);
	CHECK(ce_registry_lookup("digest_null", NULL, NULL) == NULL);

	/* Healed: passed again, chosen again. */
	CHECK_EQ(ce_pmd_fault_inject(nullf, "none", 0), 0);
	n = ce_registry_selftest_run(NULL, 1, res, RTE_DIM(res));
	CHECK_EQ(result_of(res, n, nullf, "ecb-cipher_null-null")->selftest, CE_SELFTEST_PASSED);
	CHECK_EQ(result_of(res, n, nullf, "digest_null-null")->selftest, CE_SELFTEST_PASSED);
	CHECK(ce_registry_lookup(NULL, "ecb-cipher_null-null", NULL) != NULL);
	CHECK(ce_registry_lookup("digest_null", NULL, NULL) != NULL);

	CHECK_EQ(ce_registry_selftest_run("no-such-driver", 1, res, RTE_DIM(res)), -ENOENT);
	CHECK_EQ(ce_pmd_fault_inject(nullf, "melt", 0), -EINVAL);
	/* Without fault_inject=1 the injector refuses. */
	cfg.args = NULL;
	plain = ce_pmd_dev_create("null", "nullplain", &cfg);
	CHECK(plain != NULL);
	CHECK_EQ(ce_pmd_fault_inject(plain, "error", 0), -EPERM);
	ce_pmd_dev_destroy(plain);
	null0 = nullf;
}

static void
test_remove_dev(void)
{
	const struct ce_registry_entry *e;

	ce_registry_remove_dev(sodium0);
	CHECK(entry_of(sodium0, "xchacha20poly1305-sodium") == NULL);
	/* the other device of the same driver takes over */
	e = ce_registry_lookup(NULL, "xchacha20poly1305-sodium", NULL);
	CHECK(e != NULL && e->dev == sodium1);
	ce_registry_remove_dev(sodium1);
	errno = 0;
	CHECK(ce_registry_lookup(NULL, "xchacha20poly1305-sodium", NULL) == NULL);
	CHECK_EQ(errno, ENOENT);
	ce_registry_remove_dev(regtest0);
	if (ipsecmb0 != NULL)
		ce_registry_remove_dev(ipsecmb0);
	if (null0 != NULL)
		ce_registry_remove_dev(null0);
	CHECK(ce_registry_next(NULL) == NULL);
	ce_pmd_dev_destroy(sodium0);
	ce_pmd_dev_destroy(sodium1);
	ce_pmd_dev_destroy(regtest0);
	ce_pmd_dev_destroy(ipsecmb0);
	ce_pmd_dev_destroy(null0);
}

int
main(void)
{
	ce_test_eal_init("test_registry", "0");
	CHECK(sodium_init() >= 0);
	RUN(test_add_devices);
	RUN(test_failures_are_real);
	RUN(test_highest_priority_wins);
	RUN(test_choice_rule_for_every_name);
	RUN(test_exact_driver_wins);
	RUN(test_failed_driver_refused);
	RUN(test_live_rerun);
	RUN(test_remove_dev);
	return 0;
}
