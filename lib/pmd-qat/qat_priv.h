/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/pmd-qat: the "cryptodev" backend's state (device, queue
 * pair, slot, session), what its files share, and the IOVA side shared by
 * the driver and qat_iova.c. Who does what:
 *   pmd_qat.c       the ops tables and the registration
 *   qat_caps.c      the algorithm table and the device's capability check
 *   qat_device.c    args, the cryptodev, queue pairs and their slots
 *   qat_session.c   device and software sessions
 *   qat_datapath.c  classify, build, enqueue, reap, cancel
 *   qat_sw.c        the software path (reroute to the fallback device)
 *   qat_health.c    down / failover / probe / timeouts
 *   qat_fault.c     the test-only fault injector
 *   qat_iova.c      client regions registered for DMA, IOVA lookup
 *   qat_asym_*.c    akcipher, sig, kpp (see qat_asym_priv.h)
 */
#ifndef CE_QAT_PRIV_H
#define CE_QAT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_mbuf.h>
#include <rte_memory.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_asym_priv.h"

#define QAT_PMD_PRIORITY 400
#define QAT_PMD_MAX_BATCH 64
#define QAT_PMD_MAX_DATA 65536       /* as the software fallback: it must take all */
#define QAT_PMD_SEG_LEN 32768u       /* mbuf buf_len is 16 bits: chain beyond 65535 */
#define QAT_PMD_SEGS 2               /* QAT_PMD_MAX_DATA / QAT_PMD_SEG_LEN; QAT takes 16 */
#define QAT_PMD_AAD_BUF 256          /* AAD copy, readable up to the next 16 multiple */
#define QAT_PMD_SALT 4
#define QAT_PMD_PROBE_LEN 16
#define QAT_PMD_DEFAULT_DEPTH 512

_Static_assert(QAT_PMD_SEGS * QAT_PMD_SEG_LEN >= QAT_PMD_MAX_DATA, "segments cover the data");
_Static_assert(QAT_PMD_SEGS <= 16, "QAT takes at most 16 segments");

enum qat_pmd_kind {
	QAT_PMD_AEAD = 1,
	QAT_PMD_CIPHER,
	QAT_PMD_AUTH,
	QAT_PMD_CHAIN,    /* authenc: cipher + auth */
	QAT_PMD_ASYM,     /* akcipher, sig, kpp: qat_asym_descs[asym] */
};

/* The hash under an HMAC (qat_session.c hashes a key longer than its block). */
enum qat_pmd_hmac_hash {
	QAT_PMD_HMAC_NONE = 0,
	QAT_PMD_HMAC_SHA1,
	QAT_PMD_HMAC_SHA256,
	QAT_PMD_HMAC_SHA384,
	QAT_PMD_HMAC_SHA512,
};

/* What each caps entry maps to, in the order of qat_pmd_caps[]. */
struct qat_pmd_alg_desc {
	uint8_t kind;
	uint8_t salt;     /* key bytes that are the nonce's salt (rfc4106, rfc7539esp) */
	uint8_t hmac_hash; /* HMAC and authenc: QAT_PMD_HMAC_*, to hash a long key */
	bool ctr;
	bool keyed;       /* the auth takes a key (HMAC) */
	uint8_t asym;     /* QAT_PMD_ASYM: index in qat_asym_descs[] */
	int aead;         /* enum rte_crypto_aead_algorithm */
	int cipher;       /* enum rte_crypto_cipher_algorithm */
	int auth;         /* enum rte_crypto_auth_algorithm */
};

/* Entries of qat_pmd_caps[] and qat_pmd_descs[] (qat_caps.c checks it). */
#define QAT_PMD_NB_CAPS 27

/* The names this backend registers under: one code, two names, so that
 * implementations on QAT are named after it (qat_caps.c). */
enum qat_pmd_name {
	QAT_PMD_CRYPTODEV = 0, /* "cryptodev": any cryptodev */
	QAT_PMD_QAT,           /* "qat": QAT devices only (crypto_qat) */
	QAT_PMD_NB_DRIVERS,
};

extern const struct ce_pmd_alg_caps qat_pmd_caps[QAT_PMD_NB_DRIVERS][QAT_PMD_NB_CAPS];
extern const struct qat_pmd_alg_desc qat_pmd_descs[QAT_PMD_NB_CAPS];
extern struct ce_pmd_driver qat_pmd_drivers[QAT_PMD_NB_DRIVERS];

/* Whether drv is one of this backend's names. */
static inline bool
qat_pmd_is_ours(const struct ce_pmd_driver *drv)
{
	return drv == &qat_pmd_drivers[QAT_PMD_CRYPTODEV] || drv == &qat_pmd_drivers[QAT_PMD_QAT];
}

/* The op's private area, right after the symmetric op (where cryptodev
 * expects the IV: iv.offset counts from the start of the op). */
struct qat_pmd_op_priv {
	uint8_t iv[16];
	uint8_t aad[QAT_PMD_AAD_BUF];
	uint32_t slot;
};

#define QAT_PMD_PRIV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define QAT_PMD_IV_OFF (QAT_PMD_PRIV_OFF + offsetof(struct qat_pmd_op_priv, iv))
#define QAT_PMD_AAD_OFF (QAT_PMD_PRIV_OFF + offsetof(struct qat_pmd_op_priv, aad))
#define QAT_PMD_PROBE_SLOT UINT32_MAX

enum qat_pmd_slot_state {
	QAT_SLOT_FREE = 0,
	QAT_SLOT_BUSY,
	QAT_SLOT_ABANDONED, /* its request was completed at a failover */
};

struct qat_pmd_slot {
	struct rte_crypto_op *op;
	struct ce_pmd_request *req;
	uint64_t t_submit;
	uint8_t state;
	struct rte_mbuf *mb[2 * QAT_PMD_SEGS]; /* src segments, then dst */
};

struct qat_pmd_defer {
	struct ce_pmd_request *req;
	uint8_t reason;
};

struct qat_pmd_dev {
	uint8_t cdev_id;
	bool started;
	bool created_vdev;
	bool fault_enabled;
	bool dma_added;            /* regions get DMA-mapped to rdev */
	bool probe_gcm;            /* probe with AES-GCM known answer, else NULL cipher */
	bool oop_ok;
	bool oop_aead_ok;
	bool sgl_non_aead;         /* chained segments for cipher / hash / authenc */
	bool sgl_in_place;
	bool sgl_oop;
	uint32_t qp_depth;
	uint32_t small;
	uint32_t fail_threshold;
	uint32_t timeout_ms;
	uint32_t probe_ms;
	uint32_t max_sessions;
	char cdev_name[RTE_CRYPTODEV_NAME_MAX_LEN];
	char sw_drv[32];
	struct rte_device *rdev;
	struct rte_mempool *sess_pool;
	struct ce_pmd_dev *swdev;
	void *probe_sess;
	/* Asymmetric (qat_asym_device.c). */
	bool asym_ok;              /* acdev_id does asymmetric crypto */
	bool asym_sep;             /* acdev_id is a cryptodev of its own (asym_dev=:
				      QAT's <bdf>_qat_asym beside <bdf>_qat_sym) */
	bool astarted;
	bool acreated_vdev;
	uint8_t acdev_id;          /* where asymmetric ops go: cdev_id, or asym_dev= */
	char acdev_name[RTE_CRYPTODEV_NAME_MAX_LEN];
	uint16_t nb_qps;
	char asw_drv[32];          /* asymmetric software backend, or "none" */
	bool asw_explicit;         /* asw_drv was given: its absence is an error */
	struct rte_mempool *asess_pool;
	struct ce_pmd_dev *aswdev;
	uint32_t fault_mode;       /* enum ce_pmd_qat_fault, atomic */
	uint32_t fault_arg;        /* atomic */
};

struct qat_pmd_qp {
	/* Data path, read mostly. */
	struct ce_pmd_qp *qp;
	struct qat_pmd_dev *d;
	struct ce_pmd_qp *swqp;
	struct qat_pmd_slot *slots;
	uint32_t *free;            /* stack of free slot indices */
	uint32_t nb_free;
	uint32_t nslots;
	uint32_t nb_busy;
	uint32_t nb_abandoned;
	uint16_t cdev_qp;
	uint8_t cdev_id;
	bool va_mode;
	bool down;
	bool probe_pending;
	uint32_t err_run;
	uint16_t enq_asked;        /* what the last enqueue burst asked the device for */
	uint64_t timeout_cyc;
	uint64_t probe_cyc;
	uint64_t check_cyc;
	uint64_t next_check;
	uint64_t next_probe;

	/* Asymmetric slots: q->slots[nslots .. nslots_all), their buffers and
	 * their own free stack (qat_asym_device.c). */
	uint32_t nslots_all;
	uint32_t nb_aslots;
	uint8_t acdev_id;          /* the asymmetric ops' cryptodev (same qp index) */
	uint32_t nb_afree;
	uint32_t *afree;
	struct qat_asym_buf *abufs;
	rte_iova_t *aiova;         /* IOVA of each abufs[] entry */
	struct rte_mempool *aop_pool;
	struct ce_pmd_qp *aswqp;   /* the asymmetric software device's queue pair */

	/* Taken software requests the software queue pair had no room for. */
	struct qat_pmd_defer *defer;
	uint32_t nb_defer;
	uint32_t defer_cap;

	/* Fault injector: withheld operations. */
	struct rte_crypto_op **stash;
	uint32_t nb_stash;

	struct rte_crypto_op *probe_op;
	struct rte_mbuf *probe_mb;
	uint8_t *probe_buf;        /* data then tag, DPDK memory */
	rte_iova_t probe_iova;

	struct rte_mempool *op_pool;
	struct rte_mempool *mb_pool;
	/* Never freed through: our mbufs go back with their pool, not one by one. */
	struct rte_mbuf_ext_shared_info shinfo;

	struct ce_pmd_qat_stats st; /* lcore-only writer, relaxed stores */
	uint64_t nb_completed;      /* qat_pmd_complete calls: poll's count */
};

struct qat_pmd_sess {
	void *cs;                  /* cryptodev session, or NULL: software only */
	struct ce_pmd_session *sw;     /* software session, or NULL */
	const struct qat_pmd_alg_desc *desc;
	uint16_t dev_aad;          /* AAD length of the device session */
	uint16_t iv_copy;          /* IV bytes copied into the op (after the salt) */
	uint8_t salt[QAT_PMD_SALT];
	bool wipe;                 /* AEAD / authenc decrypt: wipe output on -EBADMSG */
	bool hash;                 /* no output buffer: input always intact */
	struct qat_asym_sess *asym; /* akcipher, sig, kpp; else NULL */
};

#define QAT_STAT_ADD(q, field, n) \
	__atomic_store_n(&(q)->st.field, (q)->st.field + (n), __ATOMIC_RELAXED)

#define QAT_PMD_DEVICE CE_QAT_FB_MAX /* "not a fallback": runs on the device */
#define QAT_ASYM_DEVICE (CE_QAT_FB_MAX + 1) /* do_batch: an asymmetric one, on the device */

/* Every finalize of ours goes through here, so that poll can say how many
 * it finalized (a dequeued operation is not always a finalized request). */
static inline void
qat_pmd_complete(struct qat_pmd_qp *q, struct ce_pmd_request *req, int status)
{
	q->nb_completed++;
	ce_pmd_complete(q->qp, req, status);
}

static inline uint32_t
qat_pmd_slot_get(struct qat_pmd_qp *q)
{
	return likely(q->nb_free != 0) ? q->free[--q->nb_free] : UINT32_MAX;
}

static inline void
qat_pmd_slot_put(struct qat_pmd_qp *q, uint32_t i)
{
	q->slots[i].state = QAT_SLOT_FREE;
	if (likely(i < q->nslots))
		q->free[q->nb_free++] = i;
	else
		q->afree[q->nb_afree++] = i; /* an asymmetric slot */
}

/* Point an mbuf (already external, ours) at a client buffer. What
 * rte_pktmbuf_attach_extbuf does, without its "must be direct" precondition:
 * the mbuf stays attached to our shinfo for its whole life. */
static inline void
qat_pmd_mbuf_point(struct rte_mbuf *m, uint8_t *addr, rte_iova_t iova, uint16_t len)
{
	m->buf_addr = addr;
	rte_mbuf_iova_set(m, iova);
	m->buf_len = len;
	m->data_off = 0;
	m->data_len = len;
	m->next = NULL;
	m->nb_segs = 1;
	m->pkt_len = len;
}

static inline bool
qat_pmd_overlap(const struct ce_pmd_request *req)
{
	uintptr_t s = (uintptr_t)req->src, d = (uintptr_t)req->dst;

	return s < d + req->len && d < s + req->len;
}

/* ---------------------------------------------------------------- files */

/* qat_caps.c: whether the device's capabilities cover one transform. */
int qat_pmd_cap_ok(uint8_t cdev, const struct rte_crypto_sym_xform *x);

/* qat_device.c: control ops. */
int qat_pmd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg);
void qat_pmd_dev_close(struct ce_pmd_dev *dev);
/* The software device "cdev<id>-<suffix>" of driver drv, with dev's queue
 * pairs and socket (a fallback); NULL with errno set if it cannot be made. */
struct ce_pmd_dev *qat_pmd_sw_dev_create(const struct ce_pmd_dev *dev,
					 const struct ce_pmd_dev_config *cfg, const char *drv,
					 const char *suffix);
int qat_pmd_qp_setup(struct ce_pmd_qp *qp);
void qat_pmd_qp_release(struct ce_pmd_qp *qp);

/* qat_session.c: control ops. */
int qat_pmd_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			   const struct ce_pmd_session_params *params);
void qat_pmd_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess);

/* qat_datapath.c: fast ops. */
int qat_pmd_do_one(struct ce_pmd_qp *qp, struct ce_pmd_request *req);
uint16_t qat_pmd_do_batch(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb);
uint16_t qat_pmd_poll(struct ce_pmd_qp *qp, uint16_t max);
uint16_t qat_pmd_cancel(struct ce_pmd_qp *qp, int status);

/* qat_sw.c: the software path. */
int qat_pmd_sw_start(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason);
void qat_pmd_sw_taken(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason);
void qat_pmd_sw_finalize(void *ctx, struct ce_pmd_request *req, int status);
bool qat_pmd_defer_flush(struct qat_pmd_qp *q);

/* qat_health.c */
int qat_pmd_probe_session(struct qat_pmd_dev *d);
void qat_pmd_fail_request(struct qat_pmd_qp *q, struct ce_pmd_request *req, unsigned int reason);
void qat_pmd_dev_error(struct qat_pmd_qp *q, struct ce_pmd_request *req, uint64_t *now);
void qat_pmd_probe_done(struct qat_pmd_qp *q, const struct rte_crypto_op *op, uint64_t now);
void qat_pmd_health_check(struct qat_pmd_qp *q, uint64_t now);

/* qat_fault.c: called only when the device has fault_enabled. */
uint16_t qat_pmd_fault_enq_limit(struct qat_pmd_qp *q, uint16_t n);
uint16_t qat_pmd_fault_dequeue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t n,
			       uint16_t max);

/* Every enqueue burst goes through here: the stats, and the fault injector's
 * short bursts when fault_inject=1. */
static inline uint16_t
qat_pmd_enqueue_to(struct qat_pmd_qp *q, uint8_t cdev, struct rte_crypto_op **ops, uint16_t n)
{
	uint16_t k, offered = n;

	if (unlikely(q->d->fault_enabled))
		n = qat_pmd_fault_enq_limit(q, n);
	q->enq_asked = n;
	k = rte_cryptodev_enqueue_burst(cdev, q->cdev_qp, ops, n);
	QAT_STAT_ADD(q, enq_calls, 1);
	QAT_STAT_ADD(q, enq_ops, k);
	if (k < offered)
		QAT_STAT_ADD(q, enq_short, 1);
	return k;
}

static inline uint16_t
qat_pmd_enqueue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t n)
{
	return qat_pmd_enqueue_to(q, q->cdev_id, ops, n);
}

/*
 * An enqueue burst that took fewer than offered while the device's ring had
 * room: a software cryptodev (crypto_openssl) refuses an op it fails to
 * process instead of completing it with an error. Retrying would spin.
 */
static inline bool
qat_pmd_refused(const struct qat_pmd_qp *q, uint16_t k)
{
	/* k == enq_asked: the fault injector's short burst, a full device. */
	return k < q->enq_asked && q->nb_busy + q->nb_abandoned + k < q->nslots / 2;
}

static inline uint16_t
qat_pmd_dequeue_from(struct qat_pmd_qp *q, uint8_t cdev, struct rte_crypto_op **ops,
		     uint16_t max)
{
	uint16_t n = rte_cryptodev_dequeue_burst(cdev, q->cdev_qp, ops, max);

	if (likely(!q->d->fault_enabled))
		return n;
	return qat_pmd_fault_dequeue(q, ops, n, max);
}

static inline uint16_t
qat_pmd_dequeue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t max)
{
	return qat_pmd_dequeue_from(q, q->cdev_id, ops, max);
}

/* ---------------------------------------------------------------- IOVA */

/* The registered regions, read lock-free on the data path: an entry's len is
 * stored last with release and loaded first with acquire (0 = free slot). */
extern struct ce_pmd_qat_region qat_pmd_regions[CE_PMD_QAT_MAX_REGIONS];

/* IOVA of a buffer in DPDK's own memory (memsegs), or RTE_BAD_IOVA. */
rte_iova_t qat_pmd_iova_dpdk(const void *addr, size_t len);

/*
 * IOVA of a buffer the device will read or write. IOVA-as-VA (QAT under
 * VFIO with an IOMMU): the address itself. IOVA-as-PA: a registered client
 * region, else DPDK's own memory (memsegs). Data path: no syscall, no lock.
 * @return the IOVA, or RTE_BAD_IOVA (the request then runs in software).
 */
static inline rte_iova_t
qat_pmd_iova(const void *addr, size_t len, bool va_mode)
{
	rte_iova_t iova;

	if (va_mode)
		return (rte_iova_t)(uintptr_t)addr;
	iova = ce_pmd_qat_iova_lookup(qat_pmd_regions, CE_PMD_QAT_MAX_REGIONS, addr, len);
	if (iova != RTE_BAD_IOVA)
		return iova;
	return qat_pmd_iova_dpdk(addr, len);
}

/* The dma_map / dma_unmap ops (qat_iova.c). */
int qat_pmd_dma_map(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz);
int qat_pmd_dma_unmap(struct ce_pmd_dev *dev, void *addr, size_t len);

/* The xstats_get op (qat_device.c) and the fault_inject op (qat_fault.c). */
int qat_pmd_xstats_get(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n);
int qat_pmd_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg);

/* A configured cryptodev's rte_device: regions get DMA-mapped to it. */
int qat_pmd_dma_dev_add(struct rte_device *dev);
void qat_pmd_dma_dev_remove(struct rte_device *dev);

#endif /* CE_QAT_PRIV_H */
