/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The "cryptodev" and "qat" backend (lib/pmd-qat): Intel QAT, or any DPDK cryptodev
 * (crypto_aesni_mb, crypto_null, crypto_openssl in CI), driven through the
 * public rte_cryptodev API. What it shows beyond the PMD interface:
 * fallback statistics, client-region registration for DMA, the IOVA
 * computation (exposed so that it can be unit-tested: software vdevs ignore
 * IOVAs), and a test-only fault injector. PMD-facing tier.
 *
 * Device args ("key=value,..."):
 *   dev=<cryptodev name>     a cryptodev by name (crypto_* vdevs are created
 *                            on demand); wins over driver=
 *   driver=<driver name>     the first free device of a driver (crypto_qat)
 *   qp_depth=<n>             descriptors per queue pair, power of two (512)
 *   small_to_sw=<bytes>      requests shorter than this run in software (0)
 *   fail_threshold=<n>       consecutive error statuses that mark the queue
 *                            pair down (8)
 *   timeout_ms=<ms>          no completion for this long marks it down (100)
 *   probe_ms=<ms>            known-answer probe period while down (50)
 *   sw=<driver>|none         software fallback backend (ipsecmb)
 *   asym_dev=<cryptodev>     where asymmetric ops go when not the device
 *                            driven (QAT: <bdf>_qat_asym beside dev=<bdf>_qat_sym)
 *   asym_sw=<driver>|none    asymmetric software fallback backend (openssl;
 *                            when not linked in and not named: none)
 *   max_sessions=<n>         cryptodev sessions of the device (2048)
 *   fault_inject=1           allow ce_pmd_qat_fault_set() (tests only)
 */
#ifndef CE_PMD_QAT_H
#define CE_PMD_QAT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_memory.h>

#include "ce_pmd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Why a request ran in software instead of on the device (sun8i-ce's stat_fb_*). */
enum ce_pmd_qat_fb_reason {
	CE_QAT_FB_SESSION = 0, /**< the device cannot run the session at all */
	CE_QAT_FB_SMALL,       /**< shorter than small_to_sw */
	CE_QAT_FB_EMPTY,       /**< zero-length data (devices refuse it) */
	CE_QAT_FB_TOO_LONG,    /**< over one segment and the device has no SGL */
	CE_QAT_FB_AAD,         /**< AAD length differs from the session's (cryptodev
				    sets it per session) or exceeds the device's */
	CE_QAT_FB_LAYOUT,      /**< out of place unsupported, or authenc AAD not
				    directly in front of the data */
	CE_QAT_FB_CTR_WRAP,    /**< ctr(aes) low 32-bit counter would wrap */
	CE_QAT_FB_IOVA,        /**< a buffer has no contiguous IOVA */
	CE_QAT_FB_DOWN,        /**< the queue pair is marked down */
	CE_QAT_FB_DEV_ERROR,   /**< the device returned an error; input intact, re-run */
	CE_QAT_FB_FAILOVER,    /**< in flight when the device went down; re-run */
	CE_QAT_FB_MAX,
};

/** Statistics of a device, summed over its queue pairs. */
struct ce_pmd_qat_stats {
	uint64_t enq_calls;      /**< rte_cryptodev_enqueue_burst calls */
	uint64_t enq_ops;        /**< operations the device took */
	uint64_t enq_short;      /**< calls that took fewer than offered */
	uint64_t deq_ops;        /**< operations dequeued (probes included) */
	uint64_t dev_errors;     /**< error statuses (not tag failures) */
	uint64_t auth_failed;    /**< tag / digest mismatches (-EBADMSG) */
	uint64_t fb[CE_QAT_FB_MAX]; /**< requests sent to software, by reason */
	uint64_t failover_eio;   /**< in-place requests in flight at a failure: -EIO */
	uint64_t late;           /**< completions of abandoned operations, dropped */
	uint64_t down_events;    /**< a queue pair was marked down */
	uint64_t up_events;      /**< a probe brought a queue pair back */
	uint64_t probes;         /**< probes sent */
	uint64_t asym_enq;       /**< asymmetric operations the device took */
	uint32_t qps_down;       /**< queue pairs down now */
};

/** Name of a fallback reason ("small", "down", ...), or "?" */
const char *ce_pmd_qat_fb_reason_name(unsigned int reason);

/**
 * Snapshot a device's statistics (any thread; counters are read relaxed).
 * @return 0, or -EINVAL when dev is not a "cryptodev" or "qat" device.
 */
int ce_pmd_qat_stats_get(const struct ce_pmd_dev *dev, struct ce_pmd_qat_stats *st);

/**
 * The cryptodev id a device drives.
 * @return the id (>= 0), or -EINVAL.
 */
int ce_pmd_qat_cryptodev_id(const struct ce_pmd_dev *dev);

/**
 * Whether a session runs on the device (true) or entirely in software.
 * @return 1, 0, or -EINVAL when sess is not a "cryptodev" session.
 */
int ce_pmd_qat_session_on_device(const struct ce_pmd_session *sess);

/** Names the backend registers under (ce_pmd_dev_create's drv_name): any
 * cryptodev, its implementations named "...-cryptodev"; or a QAT device
 * only (crypto_qat by default, others refused), named "...-qat". */
#define CE_PMD_CRYPTODEV_DRIVER "cryptodev"
#define CE_PMD_QAT_DRIVER "qat"

/** Most client regions registered at once: below EAL's RTE_MAX_MEMSEG_LISTS
 * (128, of which EAL keeps some for its own memory) and DPDK's 256 VFIO DMA
 * mappings (one per region per container). */
#define CE_PMD_QAT_MAX_REGIONS 96

/** A registered region: its IOVA per page, or IOVA == VA when iova is NULL. */
struct ce_pmd_qat_region {
	uintptr_t va;
	size_t len;
	size_t pg_sz;
	const rte_iova_t *iova;  /**< len / pg_sz entries, or NULL */
};

/**
 * The IOVA of [addr, addr + len) from a region table: the pure part of the
 * data path's IOVA computation, exposed for unit tests.
 * @return the IOVA of addr, or RTE_BAD_IOVA when the range is not inside one
 *   region, wraps, or is not IOVA-contiguous (crosses a page boundary onto a
 *   page that is not the next one in IOVA space).
 */
rte_iova_t ce_pmd_qat_iova_lookup(const struct ce_pmd_qat_region *tbl, unsigned int n,
				  const void *addr, size_t len);

/**
 * Register a client region (e.g. a memfd mapping) for DMA: rte_extmem_register
 * with an IOVA table (per-page physical addresses in IOVA-as-PA mode, none in
 * VA mode), then rte_dev_dma_map on every configured cryptodev in VA mode.
 * addr and len must be multiples of pg_sz. Control path. The daemon calls it
 * once per client region; requests outside registered regions and outside
 * DPDK memory run in software (CE_QAT_FB_IOVA) in PA mode.
 * @return 0; -ENOSPC when CE_PMD_QAT_MAX_REGIONS are registered (the message
 *   on stderr says why); -EINVAL (alignment); -EEXIST; -EFAULT (a page has
 *   no physical address); or the error of rte_extmem_register/rte_dev_dma_map.
 */
int ce_pmd_qat_region_register(void *addr, size_t len, size_t pg_sz);

/**
 * Undo ce_pmd_qat_region_register. No request may use the region any more.
 * @return 0, or -ENOENT.
 */
int ce_pmd_qat_region_unregister(void *addr);

/** Number of regions registered. */
unsigned int ce_pmd_qat_region_count(void);

/** Test-only faults, injected between this backend and the cryptodev. */
enum ce_pmd_qat_fault {
	CE_QAT_FAULT_NONE = 0,  /**< pass through; withheld operations are released */
	CE_QAT_FAULT_ERROR,     /**< every dequeued operation gets an error status */
	CE_QAT_FAULT_HANG,      /**< dequeued operations are withheld (a hung device) */
	CE_QAT_FAULT_SHORT_ENQ, /**< each enqueue burst takes at most arg operations */
};

/**
 * Set a fault on every queue pair of dev (needs the fault_inject=1 arg).
 * Takes effect on the data path's next call (relaxed atomic).
 * @return 0, -EINVAL (not a cryptodev device, bad mode), -EPERM (no fault_inject).
 */
int ce_pmd_qat_fault_set(struct ce_pmd_dev *dev, enum ce_pmd_qat_fault mode, uint32_t arg);

#ifdef __cplusplus
}
#endif

#endif /* CE_PMD_QAT_H */
