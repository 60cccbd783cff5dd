/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The monotonic clock for the client library, the daemon's control plane,
 * the tools and the tests: one definition on both sides of the shared memory
 * (the client has no EAL, so not rte_get_timer_cycles()). CLOCK_MONOTONIC is
 * read in the vDSO: no system call.
 */
#ifndef CE_CLOCK_H
#define CE_CLOCK_H

#include <stdint.h>
#include <time.h>

/** CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t
ce_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/** CLOCK_MONOTONIC in seconds. */
static inline double
ce_clock_s(void)
{
	return (double)ce_clock_ns() / 1e9;
}

#endif
