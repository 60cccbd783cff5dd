/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Minimal test harness: CHECK* macros that report file:line and exit 1,
 * and an EAL starter that needs no hugepages and no PCI.
 * Exit code 77 tells meson the test was skipped.
 */
#ifndef CE_TEST_H
#define CE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

#define CE_TEST_SKIP 77

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		exit(1); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long ce_a_ = (long long)(a), ce_b_ = (long long)(b); \
	if (ce_a_ != ce_b_) { \
		fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", \
			__FILE__, __LINE__, #a, ce_a_, #b, ce_b_); \
		exit(1); \
	} \
} while (0)

#define CHECK_MEM(a, b, n) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		fprintf(stderr, "%s:%d: CHECK_MEM failed: %s != %s (%zu bytes)\n", \
			__FILE__, __LINE__, #a, #b, (size_t)(n)); \
		exit(1); \
	} \
} while (0)

/* Whether n bytes at p are all zero (a wiped output, a wiped key). */
static inline int
ce_test_all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Run one named test case, printing its name so a failure is easy to place. */
#define RUN(fn) do { \
	fprintf(stderr, "-- %s\n", #fn); \
	fn(); \
} while (0)

#ifdef CE_TEST_WANT_EAL
#include <unistd.h>
#include <rte_eal.h>

/*
 * Start EAL on lcores "0,1" (or the given list) with no hugepages, no PCI and
 * a file prefix unique to this process, so that tests run in parallel.
 */
static inline void
ce_test_eal_init(const char *name, const char *lcores)
{
	char prefix[64], lc[32];
	snprintf(prefix, sizeof(prefix), "--file-prefix=ce-%s-%d", name, (int)getpid());
	snprintf(lc, sizeof(lc), "-l%s", lcores ? lcores : "0");
	char *argv[] = { (char *)name, lc, "--no-huge", "-m", "256", "--no-pci",
			 "--log-level=error", prefix, NULL };
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", name);
		exit(1);
	}
}
#endif

#endif /* CE_TEST_H */
