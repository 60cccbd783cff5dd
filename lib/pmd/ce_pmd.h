/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The PMD interface: what a crypto backend (null, sw, qat) provides and what
 * the engine calls. PMD-facing header: backends and the engine include it;
 * clients never do.
 *
 * A backend describes itself with a struct ce_pmd_driver and registers it
 * with CE_PMD_REGISTER() (a constructor; no central list of names). The
 * control path (devices, queue pairs, sessions) runs on the control thread;
 * the fast path (do_one_request, do_batch_requests, poll, cancel) runs on
 * exactly one lcore per queue pair and takes no lock.
 */
#ifndef CE_PMD_H
#define CE_PMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Operation a request asks for. Values are part of the client protocol. */
enum ce_op {
	CE_OP_ENCRYPT = 1, /**< cipher / AEAD encrypt (AEAD writes the tag to digest) */
	CE_OP_DECRYPT = 2, /**< cipher / AEAD decrypt (AEAD checks the tag at digest) */
	CE_OP_DIGEST = 3,  /**< hash / MAC: write the digest */
	CE_OP_VERIFY = 4,  /**< hash / MAC: compare with digest, -EBADMSG on mismatch */
};

/** Request flags. */
#define CE_REQ_F_MAY_BACKLOG 0x1 /**< queue on the backlog when the queue is full */

/** Kind of algorithm, as the kernel's crypto API types them. */
enum ce_alg_type {
	CE_ALG_CIPHER = 1, /**< skcipher: cbc(aes), ctr(aes), ecb(cipher_null) */
	CE_ALG_AEAD,       /**< gcm(aes), rfc4106(...), authenc(...), rfc7539(...) */
	CE_ALG_HASH,       /**< sha256, hmac(sha256), digest_null */
};

#define CE_ALG_NAME_MAX 64
#define CE_KEY_MAX 128 /**< longest key (authenc: auth key + cipher key) */

/** An inclusive size range with a step; a step of 0 means min is the only size. */
struct ce_range {
	uint16_t min;
	uint16_t max;
	uint16_t step;
};

/** Check a size against a range. */
static inline bool
ce_range_ok(const struct ce_range *r, uint32_t v)
{
	if (v < r->min || v > r->max)
		return false;
	if (r->step == 0)
		return v == r->min;
	return (v - r->min) % r->step == 0;
}

/** Implementation flags, as the kernel's CRYPTO_ALG_* ones. */
#define CE_ALG_F_ASYNC 0x1          /**< completes asynchronously (a device) */
#define CE_ALG_F_NEED_FALLBACK 0x2  /**< cannot serve every request; needs a fallback */

/**
 * One algorithm a backend implements: the kernel's two names, a priority and
 * the sizes it accepts. Lookup by name takes the highest priority that
 * passed its self-test; an exact driver name takes that implementation.
 */
struct ce_alg_caps {
	const char *name;        /**< kernel algorithm name, e.g. "gcm(aes)" */
	const char *driver_name; /**< e.g. "gcm-aes-ipsecmb" */
	enum ce_alg_type type;
	int priority;
	uint32_t flags;          /**< CE_ALG_F_* */
	struct ce_range key_size;
	struct ce_range iv_size;
	struct ce_range digest_size; /**< tag / ICV / digest */
	struct ce_range aad_size;
	uint32_t block_size;     /**< data length must be a multiple (1 = any) */
	uint32_t max_data_len;
};

/** Session parameters, given at creation on the control path. */
struct ce_pmd_session_params {
	const char *alg;         /**< kernel algorithm name */
	const char *driver;      /**< exact driver name, or NULL */
	const uint8_t *key;
	uint16_t key_len;
	uint16_t iv_len;
	uint16_t digest_len;
	uint16_t aad_len;        /**< maximum AAD length a request may carry */
	uint8_t op;              /**< enum ce_op this session performs */
};

struct ce_pmd_driver;
struct ce_pmd_dev;
struct ce_pmd_qp;
struct ce_session;
struct ce_request;

/** A device instance of a driver (one QAT VF, one null device). */
struct ce_pmd_dev {
	const struct ce_pmd_driver *drv;
	char name[32];
	uint16_t id;             /**< index in the device table, dense */
	uint16_t nb_qps;
	int socket_id;
	struct ce_pmd_qp **qps;
	void *priv;              /**< drv->dev_priv_size bytes */
};

/** Called by a backend for each request it finishes (see ce_pmd_complete()). */
typedef void (*ce_finalize_fn)(void *ctx, struct ce_request *req, int status);

/**
 * A queue pair of a device: polled by exactly one lcore. The engine that owns
 * it sets finalize; a self-test drives it synchronously with its own.
 */
struct ce_pmd_qp {
	struct ce_pmd_dev *dev;
	uint16_t id;
	ce_finalize_fn finalize;
	void *finalize_ctx;
	void *priv;              /**< drv->qp_priv_size bytes, cache aligned */
};

/**
 * A session: an algorithm instance with a key, on one device. Made and
 * destroyed on the control path; read-only on the data path.
 */
struct ce_session {
	struct ce_pmd_dev *dev;
	const struct ce_alg_caps *alg;
	struct ce_session *fallback; /**< used when the device fails a request */
	uint16_t iv_len;
	uint16_t digest_len;
	uint16_t aad_len;
	uint8_t op;
	void *priv;              /**< drv->sess_priv_size bytes */
};

/** Completion callback of a request; status 0 or -errno, or -EINPROGRESS
 * once for a backlogged request when it enters the queue. */
typedef void (*ce_complete_fn)(struct ce_request *req, int status);

/**
 * A request, from a per-engine mempool. The submitter fills the first part;
 * the engine and the backend own the rest while it is in flight.
 *
 * Layout of the data: the backend reads len bytes at src and writes them to
 * dst (dst == src: in place). AEAD: aad_len bytes at aad are authenticated,
 * the tag is at digest (written on encrypt, checked on decrypt). authenc:
 * the MAC covers the aad bytes then the ciphertext. Hash: digest receives
 * the digest (or holds it for CE_OP_VERIFY).
 */
struct ce_request {
	/* Filled by the submitter. */
	struct ce_session *sess;
	uint8_t *src;
	uint8_t *dst;
	uint8_t *iv;
	uint8_t *aad;
	uint8_t *digest;
	uint32_t len;
	uint16_t aad_len;
	uint8_t op;              /**< enum ce_op */
	uint8_t flags;           /**< CE_REQ_F_* */
	ce_complete_fn complete;
	void *cb_arg;
	uint64_t cookie;

	/* Engine private. */
	struct ce_session *active;   /**< session that runs it (sess or fallback) */
	uint32_t engine_flags;

	/* Backend private: scratch a backend may use while it holds the request. */
	uint64_t pmd_priv[4];
} __attribute__((aligned(64)));

/* Two cache lines: the engine and the backend touch every request it holds. */
_Static_assert(sizeof(struct ce_request) == 128, "struct ce_request grew past two cache lines");

/** Device configuration given at creation. */
struct ce_pmd_dev_config {
	uint16_t nb_qps;
	int socket_id;
	const char *args;        /**< "key=value,key=value", the backend's own */
};

/**
 * Control operations: run on the control thread. A `static const` table per
 * backend. Each returns 0 or -errno.
 */
struct ce_pmd_ops {
	/** Parse args and set up dev->priv. */
	int (*dev_configure)(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg);
	/** Undo dev_configure; all queue pairs are released first. */
	void (*dev_close)(struct ce_pmd_dev *dev);
	/** Set up qp->priv for queue pair qp->id (ring depth etc.). */
	int (*qp_setup)(struct ce_pmd_qp *qp);
	/** Release a queue pair; nothing is in flight on it. */
	void (*qp_release)(struct ce_pmd_qp *qp);
	/** Build sess->priv from the parameters (already checked against alg). */
	int (*session_create)(struct ce_pmd_dev *dev, struct ce_session *sess,
			      const struct ce_pmd_session_params *params);
	/** Wipe and release sess->priv; no request uses it any more. */
	void (*session_destroy)(struct ce_pmd_dev *dev, struct ce_session *sess);
	/** Optional: wake the hardware when a queue pair goes from idle to busy. */
	int (*prepare)(struct ce_pmd_qp *qp);
	/** Optional: let the hardware idle after the queue pair was idle a while. */
	int (*unprepare)(struct ce_pmd_qp *qp);
};

/**
 * Fast-path operations: run on the queue pair's lcore only, no lock, no
 * allocation, no syscall.
 */
struct ce_pmd_fast_ops {
	/**
	 * Start one request.
	 * @return -EINPROGRESS: accepted, it will be finalized later (or was
	 *   already, for a synchronous backend); -ENOSPC: device busy, not
	 *   taken, retry later; other -errno: fatal for this request, not
	 *   taken (the engine completes it or sends it to a fallback).
	 */
	int (*do_one_request)(struct ce_pmd_qp *qp, struct ce_request *req);
	/**
	 * Optional: start up to nb requests with one doorbell.
	 * @return how many were taken, a prefix of reqs; each taken request is
	 *   finalized later (possibly with an error status). The rest stay with
	 *   the caller in order; returning fewer than nb means the device is full.
	 */
	uint16_t (*do_batch_requests)(struct ce_pmd_qp *qp, struct ce_request **reqs,
				      uint16_t nb);
	/**
	 * Reap up to max finished requests, calling ce_pmd_complete() for each.
	 * @return how many were finalized.
	 */
	uint16_t (*poll)(struct ce_pmd_qp *qp, uint16_t max);
	/**
	 * Optional: finalize every request the queue pair still holds with
	 * status (used by a stop whose deadline passed). A device that cannot
	 * cancel leaves it NULL and the engine waits for poll.
	 * @return how many were finalized.
	 */
	uint16_t (*cancel)(struct ce_pmd_qp *qp, int status);
};

/**
 * Driver flag: a synchronous software backend. Every request a fast op
 * takes is computed on the calling lcore and finalized by that call or by
 * a later poll() on that lcore, at the latest the second poll() with no new
 * request in between (multi-buffer lanes are flushed then); it never waits
 * for anything outside the process, and a call that takes fewer requests
 * than offered does so only for lack of room that poll() gives back. Such a
 * queue pair needs no engine (the kernel's rule: "pure software algorithm:
 * no engine"); its caller may drive it directly (cryptoengd's worker does).
 */
#define CE_PMD_DRV_F_SYNC 0x1

/** Backend description, registered with CE_PMD_REGISTER(). */
struct ce_pmd_driver {
	const char *name;            /**< "null", "sw", "qat" */
	const struct ce_pmd_ops *ops;
	const struct ce_pmd_fast_ops *fast;
	const struct ce_alg_caps *caps;
	uint16_t nb_caps;
	uint16_t max_batch;          /**< most requests per do_batch_requests call */
	uint32_t flags;              /**< CE_PMD_DRV_F_* */
	bool in_place;               /**< supports dst == src */
	bool out_of_place;           /**< supports dst != src */
	size_t dev_priv_size;
	size_t qp_priv_size;
	size_t sess_priv_size;
	TAILQ_ENTRY(ce_pmd_driver) next;
};

/** Add a driver to the list; called from CE_PMD_REGISTER's constructor. */
void ce_pmd_driver_register(struct ce_pmd_driver *drv);

/** Register a backend at load time. */
#define CE_PMD_REGISTER(drv) \
	static void __attribute__((constructor, used)) ce_pmd_register_##drv(void) \
	{ \
		ce_pmd_driver_register(&(drv)); \
	}

/**
 * Find a registered driver by name.
 * @return the driver, or NULL (errno ENOENT).
 */
const struct ce_pmd_driver *ce_pmd_driver_find(const char *name);

/** Iterate over registered drivers: start with NULL. */
const struct ce_pmd_driver *ce_pmd_driver_next(const struct ce_pmd_driver *prev);

/**
 * Create a device of driver drv_name with cfg->nb_qps queue pairs.
 * @return the device, or NULL with errno ENOENT (no such driver), EINVAL
 *   (bad config or args, the backend says which on stderr), ENOMEM, or the
 *   backend's error.
 */
struct ce_pmd_dev *ce_pmd_dev_create(const char *drv_name, const char *dev_name,
				     const struct ce_pmd_dev_config *cfg);

/** Release a device and its queue pairs. Sessions must be destroyed first. */
void ce_pmd_dev_destroy(struct ce_pmd_dev *dev);

/**
 * Check session parameters against one algorithm's capabilities.
 * @return 0, or -EINVAL with *why set to the name of the bad parameter.
 */
int ce_alg_check_params(const struct ce_alg_caps *alg,
			const struct ce_pmd_session_params *params, const char **why);

/**
 * Create a session on dev for params->alg (and params->driver when set):
 * the device's highest-priority implementation of that name.
 * @return the session, or NULL with errno ENOENT (the device has no such
 *   algorithm), EINVAL (a size is not allowed; *why names it when why is
 *   not NULL), ENOMEM, or the backend's error.
 */
struct ce_session *ce_pmd_session_create(struct ce_pmd_dev *dev,
				     const struct ce_pmd_session_params *params,
				     const char **why);

/** Destroy a session: the backend wipes its key material. */
void ce_pmd_session_destroy(struct ce_session *sess);

/**
 * Finalize a request: called by a backend (from poll, or from
 * do_one_request/do_batch_requests for a request it finished at once).
 */
static inline void
ce_pmd_complete(struct ce_pmd_qp *qp, struct ce_request *req, int status)
{
	qp->finalize(qp->finalize_ctx, req, status);
}

/**
 * Check a request's sizes against its session (the backend-independent part
 * of request validation). Inline: every backend calls it per request.
 * @return 0, or -EINVAL.
 */
static inline int
ce_request_check(const struct ce_request *req, const struct ce_session *sess)
{
	const struct ce_alg_caps *alg = sess->alg;

	if (req->op != sess->op || req->len > alg->max_data_len ||
	    req->aad_len > sess->aad_len)
		return -EINVAL;
	if (alg->block_size > 1 && req->len % alg->block_size != 0)
		return -EINVAL;
	if ((req->len != 0 && (req->src == NULL || req->dst == NULL)) ||
	    (sess->iv_len != 0 && req->iv == NULL) ||
	    (req->aad_len != 0 && req->aad == NULL) ||
	    (sess->digest_len != 0 && req->digest == NULL))
		return -EINVAL;
	return 0;
}

/**
 * Run one request to completion on qp synchronously, outside any engine:
 * used by self-tests and tools on the control path. qp must not be owned by
 * a running engine.
 * @return the request's completion status (0 or -errno).
 */
int ce_pmd_run_sync(struct ce_pmd_qp *qp, struct ce_request *req);

#ifdef __cplusplus
}
#endif

#endif /* CE_PMD_H */
