/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The backend's two names: "cryptodev" drives any cryptodev and names its
 * implementations "...-cryptodev"; "qat" drives QAT devices only and names
 * them "...-qat" (as the kernel names drivers after the device), so that
 * cryptoeng-perf's --devtype crypto_qat (driver "<alg>-qat") reaches them.
 * No QAT here: a "qat" device is refused, over a software vdev with EINVAL,
 * without one with ENODEV.
 */
#include "qat_test.h"

static void
test_same_table_two_names(void)
{
	const struct ce_pmd_driver *cd = ce_pmd_driver_find(CE_PMD_CRYPTODEV_DRIVER);
	const struct ce_pmd_driver *q = ce_pmd_driver_find(CE_PMD_QAT_DRIVER);

	CHECK(cd != NULL && q != NULL && cd != q);
	CHECK_EQ(cd->nb_caps, q->nb_caps);
	CHECK(cd->ops == q->ops && cd->fast == q->fast);
	for (uint16_t i = 0; i < q->nb_caps; i++) {
		const char *a = cd->caps[i].driver_name, *b = q->caps[i].driver_name;
		size_t la = strlen(a), lb = strlen(b);

		CHECK(strcmp(cd->caps[i].name, q->caps[i].name) == 0);
		CHECK(la > 10 && strcmp(a + la - 10, "-cryptodev") == 0);
		CHECK(lb > 4 && strcmp(b + lb - 4, "-qat") == 0);
		CHECK(la - 10 == lb - 4 && strncmp(a, b, lb - 4) == 0);
	}
}

static void
test_qat_only_on_qat(void)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0,
					 .args = "dev=crypto_aesni_mb" };

	errno = 0;
	CHECK(ce_pmd_dev_create(CE_PMD_QAT_DRIVER, "q0", &cfg) == NULL);
	CHECK_EQ(errno, EINVAL);
	cfg.args = NULL; /* driver=crypto_qat: none here */
	errno = 0;
	CHECK(ce_pmd_dev_create(CE_PMD_QAT_DRIVER, "q1", &cfg) == NULL);
	CHECK_EQ(errno, ENODEV);
	/* The same vdev is free again for the "cryptodev" name. */
	cfg.args = "dev=crypto_aesni_mb";
	ce_pmd_dev_destroy(qat_test_dev(CE_PMD_CRYPTODEV_DRIVER, "c0", cfg.args));
}

int
main(void)
{
	qat_test_eal_init("test_qat_names");
	RUN(test_same_table_two_names);
	RUN(test_qat_only_on_qat);
	rte_eal_cleanup();
	return 0;
}
