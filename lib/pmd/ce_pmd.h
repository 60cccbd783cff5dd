/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The PMD interface: what a crypto backend provides and what the engine
 * calls. PMD-facing header: backends and the engine include it; clients
 * never do. Backends in the tree: "null" (lib/pmd-null), "ipsecmb" and
 * "sodium" (lib/pmd-sw), "cryptodev" and "qat" (lib/pmd-qat: any DPDK
 * cryptodev, and QAT devices only, under the device's name).
 *
 * A backend describes itself with a struct ce_pmd_driver and registers it
 * with CE_PMD_REGISTER() (a constructor; no central list of names). The
 * control path (devices, queue pairs, sessions) runs on the control thread;
 * the fast path (do_one_request, do_batch_requests, poll, cancel) runs on
 * exactly one lcore per queue pair and takes no lock.
 *
 * The contract, in one place:
 * - Required: a name, a non-empty caps table, ops->dev_configure,
 *   fast->do_one_request and fast->poll. Everything else is optional, said
 *   at each op; ce_pmd_driver_register() refuses a driver without the
 *   required ones (-ENOTSUP), as DPDK refuses a NULL dev_ops entry.
 * - A request handed to a backend (do_one_request returned -EINPROGRESS,
 *   or do_batch_requests counted it) is finalized exactly once, with
 *   ce_pmd_complete(), from a call the queue pair's lcore makes (poll,
 *   cancel, or the submitting call itself for a request finished at once).
 *   A finalize may submit to the same queue pair again.
 * - While it holds a request a backend may use req->pmd_priv, and may
 *   reroute it to another device with ce_pmd_forward() (req->active then
 *   names the other device's session); the other device finalizes through a
 *   finalize that calls ce_pmd_forward_complete(), which restores
 *   req->active. Nothing else in the request is the backend's to change.
 * - Fallback belongs to the backend, as in the kernel (a NEED_FALLBACK
 *   driver allocates its own fallback transform): an implementation that
 *   cannot run every request on its device says CE_PMD_ALG_F_NEED_FALLBACK and
 *   forwards those requests to a software session it made itself, asking for
 *   an implementation that needs none (ce_pmd_session_params.refuse_flags).
 * - A failed tag or digest check completes with -EBADMSG, the output range
 *   wiped (the libraries write plaintext before the tag is known).
 */
#ifndef CE_PMD_H
#define CE_PMD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Operations (CE_OP_ENCRYPT.._VERIFY, CE_OP_SIGN..CE_OP_KPP_SECRET) and
 * CE_ASYM_KEY_MAX: one definition, the client protocol's (descriptors carry
 * them as they are). */
#include "ce_shm_abi.h"

/** Request flags. */
#define CE_REQ_F_MAY_BACKLOG 0x1 /**< queue on the backlog when the queue is full */

/** Kind of algorithm, as the kernel's crypto API types them. */
enum ce_pmd_alg_type {
	CE_PMD_ALG_CIPHER = 1, /**< skcipher: cbc(aes), ctr(aes), ecb(cipher_null) */
	CE_PMD_ALG_AEAD,       /**< gcm(aes), rfc4106(...), authenc(...), rfc7539(...) */
	CE_PMD_ALG_HASH,       /**< sha256, hmac(sha256), digest_null */
	CE_PMD_ALG_AKCIPHER,   /**< rsa, pkcs1pad(rsa,sha256), oaep(rsa,sha256):
				*   ENCRYPT, DECRYPT, and SIGN / SIG_VERIFY for
				*   a padding that signs (the kernel's akcipher
				*   before 6.13 had both) */
	CE_PMD_ALG_SIG,        /**< ecdsa-nist-p256, pkcs1(rsa,sha256),
				*   psspad(rsa,sha256): SIGN, SIG_VERIFY */
	CE_PMD_ALG_KPP,        /**< ecdh-nist-p256, curve25519, ffdhe2048(dh):
				*   KPP_PUBKEY, KPP_SECRET */
};

/** @return true for the asymmetric types (akcipher, sig, kpp). */
static inline bool
ce_pmd_alg_type_is_asym(enum ce_pmd_alg_type t)
{
	return t == CE_PMD_ALG_AKCIPHER || t == CE_PMD_ALG_SIG || t == CE_PMD_ALG_KPP;
}

#define CE_PMD_ALG_NAME_MAX 64
#define CE_KEY_MAX CE_SESSION_KEY_MAX /**< longest key (authenc: the whole blob) */

/** An inclusive size range with a step; a step of 0 means min is the only size. */
struct ce_pmd_range {
	uint16_t min;
	uint16_t max;
	uint16_t step;
};

/** Check a size against a range. */
static inline bool
ce_pmd_range_ok(const struct ce_pmd_range *r, uint32_t v)
{
	if (v < r->min || v > r->max)
		return false;
	if (r->step == 0)
		return v == r->min;
	return (v - r->min) % r->step == 0;
}

/** Implementation flags, as the kernel's CRYPTO_ALG_* ones. */
#define CE_PMD_ALG_F_ASYNC 0x1          /**< completes asynchronously (a device) */
#define CE_PMD_ALG_F_NEED_FALLBACK 0x2  /**< forwards what its device cannot run to a
					 *   software implementation it made itself */

/**
 * One algorithm a backend implements: the kernel's two names, a priority and
 * the sizes it accepts. Lookup by name takes the highest priority that
 * passed its self-test; an exact driver name takes that implementation.
 *
 * Asymmetric types: key_size is the key's size in bits (rsa: 2048..4096
 * step 1024; ecdsa/ecdh-nist-p256: 256; curve25519: 255... as the key's
 * group says, checked by the backend's session_create on the parsed key);
 * max_data_len the longest input (src) an op takes; iv, digest and aad
 * sizes unused (0).
 */
struct ce_pmd_alg_caps {
	const char *name;        /**< kernel algorithm name, e.g. "gcm(aes)" */
	const char *driver_name; /**< e.g. "gcm-aes-ipsecmb" */
	enum ce_pmd_alg_type type;
	int priority;
	uint32_t flags;          /**< CE_PMD_ALG_F_* */
	struct ce_pmd_range key_size;
	struct ce_pmd_range iv_size;
	struct ce_pmd_range digest_size; /**< tag / ICV / digest */
	struct ce_pmd_range aad_size;
	/** authenc(...): the key is the kernel's blob (ce_pmd_authenc_key_parse();
	 *  key_size bounds the whole blob) and this is its cipher key's range;
	 *  zero for every other algorithm. */
	struct ce_pmd_range enc_key_size;
	uint32_t block_size;     /**< data length must be a multiple (1 = any) */
	uint32_t max_data_len;
	uint32_t asym_ops;       /**< asymmetric: CE_OP_BIT() of the ops it has;
				  *   0 = every op of its type (akcipher: encrypt,
				  *   decrypt; sig: sign, verify; kpp: both) */
};

/** pkcs1pad(rsa,...)'s asym_ops: PKCS#1 v1.5 pads for encryption and for
 *  signatures (the kernel's pkcs1pad before 6.13 had all four). */
#define CE_PMD_PKCS1PAD_OPS (CE_OP_BIT(CE_OP_ENCRYPT) | CE_OP_BIT(CE_OP_DECRYPT) | \
			     CE_OP_BIT(CE_OP_SIGN) | CE_OP_BIT(CE_OP_SIG_VERIFY))

/** An authenc key split into its two keys (pointers into the blob). */
struct ce_pmd_authenc_key {
	const uint8_t *auth_key; /**< the HMAC key, any length (RFC 2104) */
	const uint8_t *enc_key;  /**< the cipher key */
	uint32_t auth_key_len;
	uint32_t enc_key_len;
};

/**
 * Split an authenc key blob as the kernel's crypto_authenc_extractkeys()
 * does (layout at CE_AUTHENC_KEYA_PARAM, ce_shm_abi.h): an rtattr that fits
 * the blob, of type CE_AUTHENC_KEYA_PARAM, whose payload is exactly the
 * big-endian enckeylen; the HMAC key is what lies between it and the last
 * enckeylen bytes.
 * @return 0, or -EINVAL with *why (when why is not NULL) saying what is
 *   wrong: no rtattr header, its type or length, enckeylen past the end.
 */
int ce_pmd_authenc_key_parse(const uint8_t *key, size_t len, struct ce_pmd_authenc_key *out,
			     const char **why);

/** Session parameters, given at creation on the control path. */
struct ce_pmd_session_params {
	const char *alg;         /**< kernel algorithm name */
	const char *driver;      /**< exact driver name, or NULL */
	const uint8_t *key;      /**< asymmetric: DER, a PKCS#8 PrivateKeyInfo or a
				  *   SubjectPublicKeyInfo (d2i_AutoPrivateKey /
				  *   d2i_PUBKEY), X25519 and DH keys too */
	uint16_t key_len;        /**< bytes; at most CE_KEY_MAX, asymmetric
				  *   CE_ASYM_KEY_MAX */
	uint16_t iv_len;
	uint16_t digest_len;
	uint16_t aad_len;        /**< maximum AAD length a request may carry */
	uint8_t op;              /**< CE_OP_* this session performs */
	uint32_t refuse_flags;   /**< CE_PMD_ALG_F_* an implementation must not have:
				  *   a fallback asks for CE_PMD_ALG_F_NEED_FALLBACK
				  *   here, as the kernel's mask does */
	const char **why;        /**< set by ce_pmd_session_create() for the backend:
				  *   its session_create may point it at a static
				  *   reason for a refusal ("malformed key: ...");
				  *   callers leave it NULL */
};

struct ce_pmd_driver;
struct ce_pmd_dev;
struct ce_pmd_qp;
struct ce_pmd_session;
struct ce_pmd_request;

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
typedef void (*ce_finalize_fn)(void *ctx, struct ce_pmd_request *req, int status);

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
	uint64_t nb_forwarded;   /**< requests ce_pmd_forward() sent to another
				  *   device (lcore writes, relaxed) */
};

/**
 * A session: an algorithm instance with a key, on one device. Made and
 * destroyed on the control path; read-only on the data path.
 */
struct ce_pmd_session {
	struct ce_pmd_dev *dev;
	const struct ce_pmd_alg_caps *alg;
	struct ce_pmd_session *parent;   /**< the session that forwards to this one
				      *   (ce_pmd_forward()), or NULL */
	uint16_t iv_len;
	uint16_t digest_len;
	uint16_t aad_len;
	uint8_t op;
	uint32_t out_max;        /**< asymmetric: the most bytes any op of this
				  *   algorithm and key writes at dst, set by the
				  *   backend's session_create (RSA: modulus bytes;
				  *   ECDSA: 2 x field bytes, raw r || s as IEEE
				  *   P1363; ECDH: 2 x field bytes, the public key
				  *   x || y; X25519: 32; FFDHE: prime bytes);
				  *   symmetric: 0 */
	void *priv;              /**< drv->sess_priv_size bytes */
};

/** Completion callback of a request; status 0 or -errno, or -EINPROGRESS
 * once for a backlogged request when it enters the queue. */
typedef void (*ce_complete_fn)(struct ce_pmd_request *req, int status);

/**
 * A request, from a per-engine mempool. The submitter fills the first part;
 * the engine and the backend own the rest while it is in flight.
 *
 * Layout of the data: the backend reads len bytes at src and writes them to
 * dst (dst == src: in place). AEAD: aad_len bytes at aad are authenticated,
 * the tag is at digest (written on encrypt, checked on decrypt). authenc:
 * the MAC covers the aad bytes then the ciphertext. Hash: digest receives
 * the digest (or holds it for CE_OP_VERIFY).
 *
 * Asymmetric ops: src/len the input (the digest to sign or verify, the
 * plaintext or ciphertext, the peer's public key; none for KPP_PUBKEY), dst
 * the output with room for sess->out_max bytes (never overlapping src),
 * aad/aad_len the signature of SIG_VERIFY; iv and digest unused. The backend
 * writes out_len (bytes at dst) before ce_pmd_complete(). SIG_VERIFY
 * completes 0 (valid) or -EBADMSG (invalid); any other -errno is a failure.
 */
struct ce_pmd_request {
	/* Filled by the submitter. */
	struct ce_pmd_session *sess;
	uint8_t *src;
	uint8_t *dst;
	uint8_t *iv;
	uint8_t *aad;
	uint8_t *digest;
	uint32_t len;
	uint16_t aad_len;
	uint8_t op;              /**< CE_OP_* */
	uint8_t flags;           /**< CE_REQ_F_* */
	ce_complete_fn complete;
	void *cb_arg;
	uint64_t cookie;

	/* Engine private, but for active's reroute (see the contract above). */
	struct ce_pmd_session *active;   /**< session that runs it: sess, or while a
				      *   backend forwards it, the other device's */
	uint32_t engine_flags;
	/* Written by the backend before it completes an asymmetric op: bytes
	 * written at dst (symmetric ops leave it alone). */
	uint32_t out_len;

	/* Backend private: scratch a backend may use while it holds the request. */
	uint64_t pmd_priv[4];
} __attribute__((aligned(64)));

/* Two cache lines: the engine and the backend touch every request it holds. */
_Static_assert(sizeof(struct ce_pmd_request) == 128, "struct ce_pmd_request grew past two cache lines");
/* Where a client's descriptor becomes a request (the daemon's worker), its op
 * is copied as it is: same values (one definition), and it fits. */
_Static_assert(sizeof(((struct ce_pmd_request *)0)->op) == sizeof(((struct ce_desc *)0)->op),
	       "a descriptor's op is a request's op");
_Static_assert(CE_OP_MAX <= UINT8_MAX, "CE_OP_* fit a request's op");

/** Device configuration given at creation. */
struct ce_pmd_dev_config {
	uint16_t nb_qps;
	int socket_id;
	const char *args;        /**< "key=value,key=value", the backend's own */
};

/** Longest name of a device statistic, NUL included. */
#define CE_PMD_XSTAT_NAME_MAX 48

/** One device statistic (as DPDK's xstats): "name", or "group.name" for a
 * member of a group ("fallbacks.small"), and its value. */
struct ce_pmd_xstat {
	char name[CE_PMD_XSTAT_NAME_MAX];
	uint64_t value;
};

/**
 * Control operations: run on the control thread. A `static const` table per
 * backend. Each returns 0 or -errno. Only dev_configure is required.
 */
struct ce_pmd_ops {
	/** Required: parse args (refusing unknown ones) and set up dev->priv. */
	int (*dev_configure)(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg);
	/** Optional: undo dev_configure; all queue pairs are released first. */
	void (*dev_close)(struct ce_pmd_dev *dev);
	/** Optional: set up qp->priv (zeroed) for queue pair qp->id. */
	int (*qp_setup)(struct ce_pmd_qp *qp);
	/** Optional: release a queue pair; nothing is in flight on it. */
	void (*qp_release)(struct ce_pmd_qp *qp);
	/** Optional: build sess->priv from the parameters (already checked
	 * against alg); a backend without per-session state leaves it NULL.
	 * Asymmetric: parse the DER key, check it against alg (type, group,
	 * key_size in bits) and set sess->out_max; -EINVAL for a malformed or
	 * unfit key, -ENOKEY for a public key given to an op that needs the
	 * private one (SIGN, DECRYPT, KPP_*), *params->why naming which. The
	 * private key lives in guarded memory (sodium_malloc), wiped by
	 * session_destroy, never logged. */
	int (*session_create)(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			      const struct ce_pmd_session_params *params);
	/** Optional: wipe and release sess->priv; no request uses it any more. */
	void (*session_destroy)(struct ce_pmd_dev *dev, struct ce_pmd_session *sess);
	/** Optional: wake the hardware when a queue pair goes from idle to busy. */
	int (*prepare)(struct ce_pmd_qp *qp);
	/** Optional: let the hardware idle after the queue pair was idle a while. */
	int (*unprepare)(struct ce_pmd_qp *qp);
	/**
	 * Optional: make [addr, addr + len) (a client region, addr and len
	 * multiples of pg_sz) reachable by the device's DMA; called once per
	 * region per device before any request points into it. A backend
	 * that works on virtual addresses leaves it NULL.
	 * @return 0, -ENOSPC (no more regions; the backend says its limit on
	 *   stderr), or another -errno.
	 */
	int (*dma_map)(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz);
	/** Optional (with dma_map): undo it; no request uses the region any more. */
	int (*dma_unmap)(struct ce_pmd_dev *dev, void *addr, size_t len);
	/**
	 * Optional: the device's own statistics, any thread (counters read
	 * relaxed). Fills at most n entries.
	 * @return how many the device has (more than n: call again with more).
	 */
	int (*xstats_get)(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n);
	/**
	 * Optional, tests only: set the device's fault injector to the mode
	 * named @p mode (the backend's vocabulary, e.g. "error", "hang",
	 * "none") with argument @p arg; any thread.
	 * @return 0, -EINVAL (unknown mode), -EPERM (the device was not made
	 *   with fault injection allowed).
	 */
	int (*fault_inject)(struct ce_pmd_dev *dev, const char *mode, uint32_t arg);
};

/**
 * Fast-path operations: run on the queue pair's lcore only, no lock, no
 * allocation, no syscall. do_one_request and poll are required.
 */
struct ce_pmd_fast_ops {
	/**
	 * Required: start one request.
	 * @return -EINPROGRESS: accepted, it will be finalized later (or was
	 *   already, for a synchronous backend); -ENOSPC: device busy, not
	 *   taken, retry later; -EINVAL: the request does not fit its session
	 *   (ce_pmd_request_check()), not taken; another -errno: fatal for this
	 *   request, not taken. Not taken means not finalized: the caller
	 *   completes it.
	 */
	int (*do_one_request)(struct ce_pmd_qp *qp, struct ce_pmd_request *req);
	/**
	 * Optional: start up to nb requests with one doorbell.
	 * @return how many were taken, a prefix of reqs; each taken request is
	 *   finalized later (possibly with an error status, -EINVAL for one
	 *   that does not fit its session). The rest stay with the caller in
	 *   order; returning fewer than nb means the device is full.
	 */
	uint16_t (*do_batch_requests)(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs,
				      uint16_t nb);
	/**
	 * Required: reap up to max finished requests, calling ce_pmd_complete()
	 * for each. Requests forwarded to another device count too.
	 * @return how many were finalized.
	 */
	uint16_t (*poll)(struct ce_pmd_qp *qp, uint16_t max);
	/**
	 * Optional: finalize every request the queue pair still holds with
	 * status (used by a stop whose deadline passed), each exactly once; a
	 * backend that can finish them at once may use their real status. A
	 * device that cannot cancel leaves it NULL and the engine waits for poll.
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
	const char *name;            /**< "null", "ipsecmb", "sodium", "cryptodev", "qat" */
	const struct ce_pmd_ops *ops;
	const struct ce_pmd_fast_ops *fast;
	const struct ce_pmd_alg_caps *caps;
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

/**
 * Add a driver to the list; called from CE_PMD_REGISTER's constructor.
 * @return 0; -EINVAL (NULL, no name, no caps); -ENOTSUP (a required op is
 *   missing: see the contract at the top); -EEXIST (the name is taken).
 *   A refused driver is not listed, and the reason goes to stderr.
 */
int ce_pmd_driver_register(struct ce_pmd_driver *drv);

/** Register a backend at load time. */
#define CE_PMD_REGISTER(drv) \
	static void __attribute__((constructor, used)) ce_pmd_register_##drv(void) \
	{ \
		(void)ce_pmd_driver_register(&(drv)); \
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
 * @return 0, or -EINVAL with *why set to the name of the bad parameter
 *   (an authenc key: the part of its blob, "key: authenc ...").
 */
int ce_pmd_alg_check_params(const struct ce_pmd_alg_caps *alg,
			const struct ce_pmd_session_params *params, const char **why);

/**
 * Create a session on dev for params->alg (and params->driver when set):
 * the device's highest-priority implementation of that name.
 * @return the session, or NULL with errno ENOENT (the device has no such
 *   algorithm), EINVAL (a size is not allowed, or an asymmetric key is
 *   malformed or does not fit the algorithm; *why names it when why is
 *   not NULL), ENOKEY (asymmetric: the op needs a private key and the key
 *   is public), EPROTO (a backend left out_max unset for an asymmetric
 *   session, or set it for a symmetric one), ENOMEM, or the backend's error
 *   (with its reason in *why where it gave one).
 */
struct ce_pmd_session *ce_pmd_session_create(struct ce_pmd_dev *dev,
				     const struct ce_pmd_session_params *params,
				     const char **why);

/** Destroy a session: the backend wipes its key material. */
void ce_pmd_session_destroy(struct ce_pmd_session *sess);

/**
 * Map a client region for DMA on dev (its dma_map op).
 * @return 0; -ENOTSUP when the device needs no mapping (no dma_map); or the
 *   backend's error (-ENOSPC: it has no room for another region).
 */
int ce_pmd_dma_map(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz);

/**
 * Undo ce_pmd_dma_map.
 * @return 0, -ENOTSUP (no dma_unmap), or the backend's error (-ENOENT).
 */
int ce_pmd_dma_unmap(struct ce_pmd_dev *dev, void *addr, size_t len);

/**
 * The device's own statistics (its xstats_get op), at most n of them.
 * @return how many the device has, or -ENOTSUP when it has none.
 */
int ce_pmd_xstats_get(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n);

/**
 * Set the device's test-only fault injector (its fault_inject op).
 * @return 0, -ENOTSUP (the backend has none), or the backend's error
 *   (-EINVAL unknown mode, -EPERM not allowed on this device).
 */
int ce_pmd_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg);

/**
 * Finalize a request: called by a backend (from poll, or from
 * do_one_request/do_batch_requests for a request it finished at once).
 */
static inline void
ce_pmd_complete(struct ce_pmd_qp *qp, struct ce_pmd_request *req, int status)
{
	qp->finalize(qp->finalize_ctx, req, status);
}

/**
 * Forward a request qp holds to another device's queue pair to_qp, to run
 * with session to (on that device; its parent is the request's active
 * session): a software fallback. to_qp's finalize must end in
 * ce_pmd_forward_complete(). Fast path, on the lcore of both queue pairs.
 * @return what to_qp's do_one_request returned; on anything but
 *   -EINPROGRESS the request is still the caller's, req->active unchanged.
 */
static inline int
ce_pmd_forward(struct ce_pmd_qp *qp, struct ce_pmd_qp *to_qp, struct ce_pmd_session *to,
	       struct ce_pmd_request *req)
{
	struct ce_pmd_session *from = req->active;
	int ret;

	req->active = to;
	ret = to_qp->dev->drv->fast->do_one_request(to_qp, req);
	if (ret != -EINPROGRESS) {
		req->active = from;
		return ret;
	}
	__atomic_store_n(&qp->nb_forwarded, qp->nb_forwarded + 1, __ATOMIC_RELAXED);
	return ret;
}

/**
 * Finalize on qp (the forwarding backend's queue pair) a request that
 * ce_pmd_forward() sent to another device: req->active is the forwarding
 * session again, and qp's finalize runs.
 */
static inline void
ce_pmd_forward_complete(struct ce_pmd_qp *qp, struct ce_pmd_request *req, int status)
{
	req->active = req->active->parent;
	ce_pmd_complete(qp, req, status);
}

/**
 * Whether a symmetric request has the buffers its session's sizes need: src
 * and dst for data, an IV, AAD and a digest where the session has them.
 * Inline, per request; a backend holding its own copy of the sizes passes them.
 */
static inline bool
ce_pmd_request_bufs_ok(const struct ce_pmd_request *req, uint32_t iv_len, uint32_t digest_len)
{
	return (req->len == 0 || (req->src != NULL && req->dst != NULL)) &&
	       (iv_len == 0 || req->iv != NULL) &&
	       (req->aad_len == 0 || req->aad != NULL) &&
	       (digest_len == 0 || req->digest != NULL);
}

/**
 * Check a request's sizes against its session (the backend-independent part
 * of request validation). Inline: every backend calls it per request.
 * @return 0, or -EINVAL.
 */
static inline int
ce_pmd_request_check(const struct ce_pmd_request *req, const struct ce_pmd_session *sess)
{
	const struct ce_pmd_alg_caps *alg = sess->alg;

	if (ce_pmd_alg_type_is_asym(alg->type)) {
		/* Asymmetric: exact lengths are the backend's (they depend on
		 * the key); here what every backend would check alike. */
		if (req->op != sess->op || req->len > alg->max_data_len ||
		    (req->len != 0 && req->src == NULL))
			return -EINVAL;
		if (req->op == CE_OP_KPP_PUBKEY && req->len != 0)
			return -EINVAL;
		if (req->op == CE_OP_SIG_VERIFY)
			return req->aad != NULL && req->aad_len != 0 &&
			       req->aad_len <= sess->out_max ? 0 : -EINVAL;
		return req->dst != NULL && req->aad_len == 0 ? 0 : -EINVAL;
	}
	if (req->op != sess->op || req->len > alg->max_data_len ||
	    req->aad_len > sess->aad_len)
		return -EINVAL;
	if (alg->block_size > 1 && req->len % alg->block_size != 0)
		return -EINVAL;
	return ce_pmd_request_bufs_ok(req, sess->iv_len, sess->digest_len) ? 0 : -EINVAL;
}

/**
 * Run one request to completion on qp synchronously, outside any engine:
 * used by self-tests and tools on the control path. qp must not be owned by
 * a running engine.
 * @return the request's completion status (0 or -errno).
 */
int ce_pmd_run_sync(struct ce_pmd_qp *qp, struct ce_pmd_request *req);

#ifdef __cplusplus
}
#endif

#endif /* CE_PMD_H */
