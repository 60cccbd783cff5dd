/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The asymmetric software fallback of the "cryptodev" backend, with the
 * "openssl" backend as asym_sw (linked here): a device without asymmetric
 * crypto (crypto_aesni_mb) runs every RSA request in software, counted as
 * fallbacks.session; a device that fails its ops (crypto_openssl with the
 * fault injector) re-runs each in software, counted as dev_error; the
 * answers are OpenSSL's either way.
 */
#include "qat_test.h"
#include "asym_oracle.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static struct ce_pmd_qp *qp;

static void
ossl_sign(EVP_PKEY *k, const uint8_t *dgst, uint8_t *sig)
{
	EVP_PKEY_CTX *c = oracle_rsa_ctx(k, EVP_PKEY_sign_init, RSA_PKCS1_PADDING);
	size_t n = 256;

	CHECK(EVP_PKEY_sign(c, sig, &n, dgst, 32) == 1 && n == 256);
	EVP_PKEY_CTX_free(c);
}

/* n signatures on dev's session s, each equal to OpenSSL's. */
static void
sign_n(struct ce_pmd_session *s, EVP_PKEY *k, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t dgst[32], mine[256], want[256];
		struct ce_pmd_request req = {
			.sess = s, .src = dgst, .dst = mine, .len = 32, .op = CE_OP_SIGN,
		};

		qat_fill(dgst, 32);
		CHECK_EQ(ce_pmd_run_sync(qp, &req), 0);
		CHECK_EQ(req.out_len, 256);
		ossl_sign(k, dgst, want);
		CHECK_MEM(mine, want, 256);
	}
}

static void
fb_case(const char *args, bool fault, unsigned int reason)
{
	struct ce_pmd_dev *dev = qat_test_dev(CE_PMD_CRYPTODEV_DRIVER, "fb", args);
	EVP_PKEY *k = EVP_RSA_gen(2048);
	uint8_t der[CE_ASYM_KEY_MAX];
	struct ce_pmd_session_params p = {
		.alg = "pkcs1pad(rsa,sha256)", .key = der, .op = CE_OP_SIGN,
	};
	struct ce_pmd_qat_stats st;
	struct ce_pmd_session *s;

	CHECK(k != NULL);
	p.key_len = (uint16_t)oracle_der_private(k, der);
	s = ce_pmd_session_create(dev, &p, NULL);
	CHECK(s != NULL);
	CHECK_EQ(ce_pmd_qat_session_on_device(s), fault ? 1 : 0);
	qp = dev->qps[0];
	if (fault)
		CHECK_EQ(ce_pmd_qat_fault_set(dev, CE_QAT_FAULT_ERROR, 0), 0);
	/* Below fail_threshold: the queue pair stays up, each op fails over. */
	sign_n(s, k, 6);
	CHECK_EQ(ce_pmd_qat_stats_get(dev, &st), 0);
	CHECK_EQ(st.fb[reason], 6);
	CHECK_EQ(st.asym_enq, fault ? 6 : 0);
	CHECK_EQ(st.dev_errors, fault ? 6 : 0);
	CHECK_EQ(qp->nb_forwarded, 6);
	ce_pmd_session_destroy(s);
	ce_pmd_dev_destroy(dev);
	EVP_PKEY_free(k);
}

static void
test_no_asym_device(void)
{
	fb_case("dev=crypto_aesni_mb,asym_sw=openssl", false, CE_QAT_FB_SESSION);
}

static void
test_failing_device(void)
{
	fb_case("dev=crypto_openssl,sw=none,asym_sw=openssl,fault_inject=1,fail_threshold=100",
		true, CE_QAT_FB_DEV_ERROR);
}

int
main(void)
{
	qat_seed("test_qat_asym_fb");
	qat_test_eal_init("test_qat_asym_fb");
	RUN(test_no_asym_device);
	RUN(test_failing_device);
	fprintf(stderr, "test_qat_asym_fb: ok\n");
	return 0;
}
