/* SPDX-License-Identifier: BSD-3-Clause */
/* Key memory: alignment, zeroing, wipe on free, reuse, few slabs for many keys. */
#include <errno.h>
#include <stdbool.h>

#include "ce_test.h"
#include "sw_keymem.h"

/* Mappings of this process: sodium_malloc adds several per call. */
static int
count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, ch;

	CHECK(f != NULL);
	while ((ch = fgetc(f)) != EOF)
		if (ch == '\n')
			n++;
	fclose(f);
	return n;
}

static void
test_bad_sizes(void)
{
	errno = 0;
	CHECK(ce_keymem_alloc(0) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(ce_keymem_alloc((size_t)64 << 20) == NULL);
	CHECK_EQ(errno, EINVAL);
	ce_keymem_free(NULL, 64); /* ignored */
}

static void
test_wipe_and_reuse(void)
{
	static const size_t sizes[] = { 1, 32, 64, 65, 200, 256, 1000, 4096, 5000, 70000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		uint8_t *p = ce_keymem_alloc(n);
		uint8_t *q;

		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % CE_KEYMEM_ALIGN, 0);
		CHECK(ce_test_all_zero(p, n));
		memset(p, 0xa5, n);
		ce_keymem_free(p, n);
		if (n <= 4096) {
			/* Slab memory stays mapped: the freed block must read as zeros. */
			CHECK(ce_test_all_zero(p, n));
			/* The lowest free block of the class is handed out again. */
			q = ce_keymem_alloc(n);
			CHECK(q == p);
			CHECK(ce_test_all_zero(q, n));
			ce_keymem_free(q, n);
		}
	}
}

static void
test_many_keys_few_slabs(void)
{
	enum { NB = 3000 };
	static uint8_t *keys[NB];
	struct ce_keymem_stats st0, st;
	int maps0 = count_maps();

	ce_keymem_stats_get(&st0);
	for (int i = 0; i < NB; i++) {
		keys[i] = ce_keymem_alloc(32);
		CHECK(keys[i] != NULL);
		CHECK_EQ((uintptr_t)keys[i] % CE_KEYMEM_ALIGN, 0);
		memset(keys[i], i & 0xff, 32);
	}
	ce_keymem_stats_get(&st);
	/* 1024 blocks of 64 bytes per 64 KiB slab: 3000 keys need 3 slabs,
	 * and one of them may have been there already. */
	CHECK(st.nb_slabs - st0.nb_slabs <= 3);
	CHECK_EQ(st.nb_blocks - st0.nb_blocks, NB);
	/* One sodium_malloc per key would add ~4 mappings each. */
	CHECK(count_maps() - maps0 < 40);
	/* No two keys overlap. */
	for (int i = 0; i < NB; i++)
		for (int j = 0; j < 32; j++)
			CHECK_EQ(keys[i][j], i & 0xff);
	for (int i = 0; i < NB; i++)
		ce_keymem_free(keys[i], 32);
	ce_keymem_stats_get(&st);
	CHECK_EQ(st.nb_blocks, st0.nb_blocks);
	/* Empty slabs are unmapped but one spare per class. */
	CHECK(st.nb_slabs <= st0.nb_slabs + 1);
}

int
main(void)
{
	RUN(test_bad_sizes);
	RUN(test_wipe_and_reuse);
	RUN(test_many_keys_few_slabs);
	return 0;
}
