/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IOVAs: software vdevs ignore them, so the computation is tested by itself.
 * - ce_pmd_qat_iova_lookup over a synthetic table (IOVA-as-PA pages out of
 *   order, IOVA == VA regions, boundaries, wrap-around);
 * - ce_pmd_qat_region_register refuses the region after the cap with
 *   -ENOSPC, and takes one again after an unregister.
 */
#include "qat_test.h"

#include <sys/mman.h>

#include "qat_priv.h"

#define PG 4096

static void
test_lookup(void)
{
	/* Region A: 4 pages, physical frames 7,8 then 2, then 9 (page 2 breaks
	 * contiguity). Region B: IOVA == VA. */
	static const rte_iova_t fa[4] = { 7 * PG, 8 * PG, 2 * PG, 3 * PG };
	static uint8_t mem_b[2 * PG];
	const uintptr_t va = 0x7f0000000000ull;
	struct ce_pmd_qat_region tbl[3] = {
		{ .va = va, .len = 4 * PG, .pg_sz = PG, .iova = fa },
		{ .va = 0, .len = 0 }, /* a free slot: skipped */
		{ .va = (uintptr_t)mem_b, .len = sizeof(mem_b), .pg_sz = PG, .iova = NULL },
	};
	const void *a = (const void *)va;

	/* Within a page. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, a, 16), 7 * PG);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 100, 16), 7 * PG + 100);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 2 * PG + 5, 10),
		 2 * PG + 5);
	/* Across pages 0-1 (frames 7, 8: contiguous). */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + PG - 8, 16), 8 * PG - 8);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, a, 2 * PG), 7 * PG);
	/* Across pages 1-2 (frames 8, 2): not contiguous. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 2 * PG - 8, 16),
		 RTE_BAD_IOVA);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, a, 3 * PG), RTE_BAD_IOVA);
	/* Pages 2-3 (frames 2, 3): contiguous again; the last byte exactly. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 2 * PG, 2 * PG), 2 * PG);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 4 * PG - 1, 1),
		 4 * PG - 1);
	/* Past the region's end, before it, wrapping. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 4 * PG - 1, 2),
		 RTE_BAD_IOVA);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a + 4 * PG, 1), RTE_BAD_IOVA);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const uint8_t *)a - 1, 1), RTE_BAD_IOVA);
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, (const void *)(UINTPTR_MAX - 4), 16),
		 RTE_BAD_IOVA);
	/* IOVA == VA region. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, mem_b + 10, PG), (rte_iova_t)(uintptr_t)(mem_b + 10));
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, mem_b + 10, 2 * PG), RTE_BAD_IOVA);
	/* Not registered at all. */
	CHECK_EQ(ce_pmd_qat_iova_lookup(tbl, 3, &tbl, 8), RTE_BAD_IOVA);
	/* A table whose frame is unknown. */
	{
		static const rte_iova_t fb[1] = { RTE_BAD_IOVA };
		struct ce_pmd_qat_region t1 = { .va = va, .len = PG, .pg_sz = PG, .iova = fb };

		CHECK_EQ(ce_pmd_qat_iova_lookup(&t1, 1, a, 8), RTE_BAD_IOVA);
	}
}

static void
test_region_cap(void)
{
	const unsigned int n = CE_PMD_QAT_MAX_REGIONS + 1;
	uint8_t *mem = mmap(NULL, (size_t)n * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ce_pmd_dev *d;

	CHECK(mem != MAP_FAILED);
	/* A configured device: regions get DMA-mapped to it (a vdev: no-op). */
	d = qat_test_dev("cryptodev", "qr", "dev=crypto_null,sw=none");
	CHECK_EQ(ce_pmd_qat_region_register(mem + 1, PG, PG), -EINVAL);
	for (unsigned int i = 0; i < CE_PMD_QAT_MAX_REGIONS; i++) {
		int ret = ce_pmd_qat_region_register(mem + (size_t)i * PG, PG, PG);

		if (ret != 0)
			fprintf(stderr, "  region %u: %d\n", i, ret);
		CHECK_EQ(ret, 0);
	}
	CHECK_EQ(ce_pmd_qat_region_count(), CE_PMD_QAT_MAX_REGIONS);
	CHECK_EQ(ce_pmd_qat_region_register(mem, PG, PG), -EEXIST);
	/* One beyond the cap: refused with a message, not by EAL later. */
	CHECK_EQ(ce_pmd_qat_region_register(mem + (size_t)(n - 1) * PG, PG, PG), -ENOSPC);
	/* The data path finds a registered page (IOVA-as-VA, or its frame). */
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		CHECK_EQ(ce_pmd_qat_iova_lookup(qat_pmd_regions, CE_PMD_QAT_MAX_REGIONS,
						mem + 5 * PG + 3, 8),
			 (rte_iova_t)(uintptr_t)(mem + 5 * PG + 3));
	CHECK_EQ(ce_pmd_qat_region_unregister(mem + 7 * PG), 0);
	CHECK_EQ(ce_pmd_qat_region_unregister(mem + 7 * PG), -ENOENT);
	CHECK_EQ(ce_pmd_qat_region_register(mem + (size_t)(n - 1) * PG, PG, PG), 0);
	for (unsigned int i = 0; i < n; i++)
		if (i != 7)
			CHECK_EQ(ce_pmd_qat_region_unregister(mem + (size_t)i * PG), 0);
	CHECK_EQ(ce_pmd_qat_region_count(), 0);
	ce_pmd_dev_destroy(d);
	munmap(mem, (size_t)n * PG);
}

int
main(void)
{
	RUN(test_lookup);
	qat_test_eal_init("test_qat_iova");
	fprintf(stderr, "  EAL IOVA mode: %s\n", rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "PA");
	RUN(test_region_cap);
	rte_eal_cleanup();
	return 0;
}
