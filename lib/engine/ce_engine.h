/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The engine: the kernel's crypto_engine (crypto/crypto_engine.c) rebuilt for
 * a polled-mode lcore. A queue (an MP/SC rte_ring) in front of one or more
 * backend queue pairs, a pump that feeds them (one request at a time or one
 * doorbell per batch), retry with bounded exponential backoff when a device
 * is full, a bounded backlog for MAY_BACKLOG requests, completions on the
 * engine's own lcore, idle detection with prepare/unprepare, and a stop with
 * a deadline after which every accepted request still gets exactly one
 * completion.
 *
 * Threads: any thread may call ce_engine_transfer() and the request
 * allocators. ce_engine_poll()/ce_engine_run() run on one thread only, the
 * engine's lcore. Everything else is control path.
 *
 * The engine knows no crypto and no IPC: it moves struct ce_pmd_request between
 * its queue and the backends of lib/pmd.
 */
#ifndef CE_ENGINE_H
#define CE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "ce_pmd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kernel's default crypto_engine queue length (CRYPTO_ENGINE_MAX_QLEN). */
#define CE_ENGINE_DEFAULT_QLEN 10
/** Most devices one engine can feed (indexed by ce_pmd_dev.id). */
#define CE_ENGINE_MAX_DEVS 32
/** Most requests handed to a backend in one do_batch_requests call. */
#define CE_ENGINE_MAX_BATCH 64
/** Batch-size histogram buckets: [1], [2,3], [4,7], ... [64,127]. */
#define CE_ENGINE_BATCH_HIST 7

/** Engine parameters (ce_engine_create()); zero fields take the defaults. */
struct ce_engine_params {
	const char *name;          /**< unique: names the ring and mempool */
	unsigned int lcore;        /**< the lcore that polls it */
	int socket_id;             /**< NUMA node of its memory (SOCKET_ID_ANY ok) */
	bool retry_support;        /**< -ENOSPC requeues at the head and retries */
	uint32_t queue_size;       /**< requests the queue holds (default 10, as the kernel) */
	uint32_t backlog_size;     /**< MAY_BACKLOG overflow (default = queue_size) */
	uint32_t pool_size;        /**< requests in the engine's mempool (default 4 × queue) */
	uint16_t batch_size;       /**< most requests per do_batch_requests; 0/1 = one by one */
	uint64_t idle_ns;          /**< idle this long → unprepare (default 1 ms) */
	uint64_t retry_min_ns;     /**< first backoff after a refusal (default 1 µs) */
	uint64_t retry_max_ns;     /**< backoff ceiling (default 64 µs) */
};

/** Per-engine statistics (ce_engine_stats_get()). */
struct ce_engine_stats {
	uint64_t submitted;        /**< requests the engine took from its queue */
	uint64_t completed_ok;
	uint64_t completed_err;
	uint64_t retried;          /**< -ENOSPC / short batches that were retried */
	uint64_t backlogged;       /**< MAY_BACKLOG requests that went to the backlog */
	uint64_t refused;          /**< transfers refused (-EBUSY, -ENOBUFS) */
	uint64_t fallbacks;        /**< requests its backends forwarded to a fallback
				    *   device (ce_pmd_forward) */
	uint64_t in_flight;        /**< accepted, not yet completed (queue + device) */
	uint64_t doorbells;        /**< do_one_request + do_batch_requests calls */
	uint64_t batch_hist[CE_ENGINE_BATCH_HIST]; /**< requests taken per doorbell */
	uint64_t idle_transitions; /**< busy → idle (unprepare) */
	uint64_t prepares;         /**< idle → busy (prepare) */
};

struct ce_engine;

/**
 * Create an engine (stopped) with its queue, backlog and request mempool.
 * @return the engine, or NULL with errno EINVAL (bad parameter), EEXIST
 *   (name in use), ENOMEM.
 */
struct ce_engine *ce_engine_create(const struct ce_engine_params *params);

/**
 * Give the engine a backend queue pair to feed. At most one per device; the
 * engine becomes the queue pair's only poller and its finalize target.
 * Control path, engine stopped.
 * @return 0, -EBUSY (engine running), -EEXIST (a queue pair of this device
 *   is already attached), -ENOSPC (device id beyond CE_ENGINE_MAX_DEVS).
 */
int ce_engine_attach_qp(struct ce_engine *e, struct ce_pmd_qp *qp);

/** Start taking requests. @return 0, or -EALREADY if running or stopping. */
int ce_engine_start(struct ce_engine *e);

/**
 * Stop: refuse new requests, let queued and in-flight requests finish until
 * the deadline, then complete whatever remains with -ESHUTDOWN (backends
 * with a cancel op give back what they hold; others are waited for). Every
 * accepted request gets exactly one completion. Returns once stopped.
 * Called on the engine's lcore, stop polls the engine itself; called from
 * any other thread, it waits for the engine's lcore (ce_engine_run or the
 * caller's own loop around ce_engine_poll) to finish the drain, so that lcore
 * must keep polling.
 * @return 0 if everything finished by itself, -ETIMEDOUT if requests were
 *   completed with -ESHUTDOWN, -EALREADY if not running.
 */
int ce_engine_stop(struct ce_engine *e, uint64_t timeout_ns);

/**
 * Free an engine. It must be stopped, or the caller must be its lcore (a
 * running engine is stopped at once). Requests a racing producer left in the
 * queue are completed with -ESHUTDOWN first. Queue pairs are detached, not
 * released.
 */
void ce_engine_destroy(struct ce_engine *e);

/**
 * Allocate a request from the engine's mempool. Any thread.
 * @return a zeroed request, or NULL (errno ENOBUFS) when the pool is empty.
 */
struct ce_pmd_request *ce_engine_req_alloc(struct ce_engine *e);

/**
 * Allocate n requests at once (all or none; not zeroed). Any thread.
 * @return 0, or -ENOBUFS.
 */
int ce_engine_req_alloc_bulk(struct ce_engine *e, struct ce_pmd_request **reqs, unsigned int n);

/** Return a request the engine did not take (refused) to its mempool. */
void ce_engine_req_free(struct ce_pmd_request *req);

/**
 * Queue a request: the kernel's crypto_transfer_request. Any thread. The
 * request must come from this engine's mempool (ce_engine_req_alloc).
 * On final completion the engine calls req->complete(req, status) on its
 * lcore and then returns req to its mempool.
 * @return -EINPROGRESS: queued, the engine owns it;
 *   -EBUSY without CE_REQ_F_MAY_BACKLOG: queue full, refused, caller keeps it;
 *   -EBUSY with CE_REQ_F_MAY_BACKLOG: backlogged, the engine owns it and
 *     calls req->complete(req, -EINPROGRESS) when it enters the queue, then
 *     the final completion (the kernel's contract; notice comes no earlier —
 *     kernel fix 4140aafcff16);
 *   -ENOBUFS: queue and backlog both full, refused;
 *   -ESHUTDOWN: engine not running, refused.
 */
int ce_engine_transfer(struct ce_engine *e, struct ce_pmd_request *req);

/**
 * Queue up to n requests (no backlog). Any thread.
 * @return how many were queued (a prefix); the rest are the caller's, 0 if
 *   the engine is not running.
 */
unsigned int ce_engine_transfer_burst(struct ce_engine *e, struct ce_pmd_request **reqs,
				      unsigned int n);

/**
 * One turn of the engine: reap completions from every queue pair, pump the
 * queue into the backends, track idleness, progress a stop. Engine lcore only.
 * @return how many requests were completed or handed to a backend (0 = idle turn).
 */
unsigned int ce_engine_poll(struct ce_engine *e);

/**
 * Poll the engine until ce_engine_quit(); for rte_eal_remote_launch (arg is
 * the engine). Survives stop/start cycles.
 * @return 0.
 */
int ce_engine_run(void *arg);

/** Ask ce_engine_run() to return (after a stop). */
void ce_engine_quit(struct ce_engine *e);

/** True when the engine has unprepared its backends (idle for idle_ns). */
bool ce_engine_is_idle(const struct ce_engine *e);

/** Snapshot the statistics; safe from any thread (counters read atomically). */
void ce_engine_stats_get(const struct ce_engine *e, struct ce_engine_stats *stats);

/** The engine's lcore. */
unsigned int ce_engine_lcore(const struct ce_engine *e);

#ifdef __cplusplus
}
#endif

#endif /* CE_ENGINE_H */
