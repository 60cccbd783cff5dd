/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The null PMD: a simulated asynchronous crypto device for CI and for
 * testing the engine. It implements the kernel's null algorithms
 * (ecb(cipher_null), cipher_null, digest_null) and can be told, through its
 * device args, how deep it is, in which order it completes, how long a
 * request takes, how often it refuses or fails, and what a doorbell costs.
 *
 * Device args ("key=value,key=value", all optional):
 * - depth=N            requests in flight per queue pair, 1..65535 (64)
 * - order=inorder|ooo  completion order; ooo picks a seeded random request
 *                      among those that are ready (inorder)
 * - delay_ns=N         a request is ready N ns after its submission (0)
 * - enospc_rate=R      do_one_request refuses with -ENOSPC although there is
 *                      room; do_batch_requests cuts the batch short at a
 *                      random point (0)
 * - error_rate=R       a taken request completes with -EIO (0)
 * - fatal_rate=R       do_one_request returns -EIO, request not taken; in a
 *                      batch the request is taken and completes with -EIO (0)
 * - seed=N             seed of the per-queue-pair generators (1)
 * - doorbell_cycles=N  TSC cycles busy-waited once per submit call that takes
 *                      at least one request (0)
 * - fault_inject=0|1   allow the fault_inject op (tests only, 0): mode
 *                      "error" completes every request taken from then on
 *                      with -EIO, "corrupt" flips the first output byte of
 *                      every cipher request, "none" heals; the whole device
 *                      (cryptoengd: {"cmd": "fault"}; self-tests see it too)
 *
 * A rate R is a fraction when it has a decimal point ("0.05"), a percentage
 * with a '%' suffix ("5%"), else an integer per mille ("50"); 0..1 in all.
 *
 * This header is for tests and tools that want to look inside the device;
 * the engine never includes it.
 */
#ifndef CE_PMD_NULL_H
#define CE_PMD_NULL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name the null driver registers under (ce_pmd_dev_create's drv_name). */
#define CE_PMD_NULL_DRIVER "null"

struct ce_pmd_dev;

/** Counters of one null queue pair since its setup (or the last reset). */
struct ce_pmd_null_stats {
	uint64_t submit_calls;  /**< do_one_request + do_batch_requests calls */
	uint64_t submitted;     /**< requests taken */
	uint64_t doorbells;     /**< submit calls that took at least one request */
	uint64_t completed;     /**< requests finalized by poll (any status) */
	uint64_t cancelled;     /**< requests finalized by cancel */
	uint64_t full;          /**< -ENOSPC (or batch cut) because depth was reached */
	uint64_t invalid;       /**< requests that failed ce_pmd_request_check() */
	uint64_t inj_enospc;    /**< injected -ENOSPC / batch cuts */
	uint64_t inj_error;     /**< injected -EIO completion status */
	uint64_t inj_fatal;     /**< injected fatal -EIO */
	uint64_t prepares;      /**< prepare calls */
	uint64_t unprepares;    /**< unprepare calls */
	uint32_t held;          /**< requests in flight now */
};

/**
 * Read the counters of queue pair qp_id of a null device. Reads are not
 * atomic with respect to the queue pair's lcore: call it from that lcore, or
 * expect a snapshot that may be slightly stale.
 * @return 0; -EINVAL if dev is NULL or not a null device, or qp_id is out of
 *   range, or stats is NULL.
 */
int ce_pmd_null_stats_get(const struct ce_pmd_dev *dev, uint16_t qp_id,
			  struct ce_pmd_null_stats *stats);

/**
 * Zero the counters of queue pair qp_id (held is not a counter and stays).
 * Same threading rule as ce_pmd_null_stats_get().
 * @return 0; -EINVAL as ce_pmd_null_stats_get().
 */
int ce_pmd_null_stats_reset(struct ce_pmd_dev *dev, uint16_t qp_id);

#ifdef __cplusplus
}
#endif

#endif /* CE_PMD_NULL_H */
