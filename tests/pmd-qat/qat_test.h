/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the pmd-qat tests: EAL with software cryptodevs, devices, RNG. */
#ifndef QAT_TEST_H
#define QAT_TEST_H

#include "ce_test.h"

#include <errno.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"

/* ce_test_eal_init's pattern plus the vdevs: one EAL process per test. */
static inline void
qat_test_eal_init(const char *name)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "--file-prefix=ce-%s-%d", name, (int)getpid());
	char *argv[] = { (char *)name, "-l0", "--no-huge", "-m", "256", "--no-pci",
			 "--log-level=error", "--vdev=crypto_aesni_mb", "--vdev=crypto_null",
			 "--vdev=crypto_openssl", prefix, NULL };
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", name);
		exit(1);
	}
}

static inline struct ce_pmd_dev *
qat_test_dev(const char *drv, const char *name, const char *args)
{
	struct ce_pmd_dev_config cfg = { .nb_qps = 1, .socket_id = 0, .args = args };
	struct ce_pmd_dev *d = ce_pmd_dev_create(drv, name, &cfg);

	if (d == NULL) {
		fprintf(stderr, "device %s (%s): %s\n", drv, args ? args : "", strerror(errno));
		exit(1);
	}
	return d;
}

static uint64_t qat_rng;

static inline uint64_t
qat_rand(void)
{
	/* xorshift64*: reproducible from the seed printed at start */
	qat_rng ^= qat_rng >> 12;
	qat_rng ^= qat_rng << 25;
	qat_rng ^= qat_rng >> 27;
	return qat_rng * 2685821657736338717ULL;
}

static inline void
qat_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)qat_rand();
}

static inline void
qat_seed(const char *name)
{
	const char *s = getenv("CE_TEST_SEED");

	qat_rng = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (qat_rng == 0)
		qat_rng = 1;
	fprintf(stderr, "%s: CE_TEST_SEED=%llu\n", name, (unsigned long long)qat_rng);
}

#endif /* QAT_TEST_H */
