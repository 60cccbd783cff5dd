/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "openssl" backend, private: what its files share. Not installed.
 *
 * Threads: the control thread makes devices, queue pairs and sessions; each
 * queue pair's lcore submits and polls; the device's thread computes. The
 * two rings of a queue pair are single-producer single-consumer: sub from
 * the lcore to the device thread, done back.
 */
#ifndef CE_OSSL_PRIV_H
#define CE_OSSL_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <rte_ring.h>

#include "ce_pmd.h"
#include "ce_pmd_ossl.h"

#define OSSL_DEPTH_DEFAULT 256u
#define OSSL_DEPTH_MAX 4096u
#define OSSL_SECURE_HEAP_KIB_DEFAULT 8192u
#define OSSL_MAX_QPS 64u
/** Longest public value a session keeps (an FFDHE-4096 public key). */
#define OSSL_PUB_MAX 512u

/** What an algorithm is, beyond its caps entry. */
enum ossl_kind {
	OSSL_RSA_RAW,
	OSSL_RSA_PKCS1,  /* EME/EMSA-PKCS1-v1_5, SHA-256 for signatures */
	OSSL_RSA_PSS,    /* EMSA-PSS, SHA-256, MGF1-SHA-256, salt 32 */
	OSSL_RSA_OAEP,   /* EME-OAEP, SHA-256, MGF1-SHA-256, no label */
	OSSL_ECDSA,
	OSSL_ECDH,
	OSSL_X25519,
	OSSL_FFDHE,
};

/** The backend's view of one caps entry (same index in ossl_algs[]). */
struct ossl_alg {
	enum ossl_kind kind;
	int pkey_type;           /* EVP_PKEY_RSA, _EC, _X25519, _DH */
	const char *group;       /* OpenSSL's group name, NULL for RSA/X25519 */
	const char *key_name;    /* for reasons: "RSA", "EC P-256", ... */
};

/** Entries of ossl_caps[] and ossl_algs[] (checked where they are defined). */
#define OSSL_NB_CAPS 13

extern const struct ce_pmd_alg_caps ossl_caps[OSSL_NB_CAPS];
extern const struct ossl_alg ossl_algs[OSSL_NB_CAPS];

/** @return the backend's description of caps entry alg (one of ossl_caps). */
static inline const struct ossl_alg *
ossl_alg_of(const struct ce_pmd_alg_caps *alg)
{
	return &ossl_algs[alg - ossl_caps];
}

/* Session private data (sess->priv, made by the PMD core, zeroed). */
struct ossl_sess {
	enum ossl_kind kind;
	EVP_PKEY *pkey;          /* private numbers in OpenSSL's secure heap */
	EVP_PKEY_CTX *ctx;       /* initialised once for the session's op */
	/* KPP_SECRET over ECDH and X25519: a public-only key of the session's
	 * group whose value each request replaces (no group built per request). */
	EVP_PKEY *peer;
	const char *group;       /* for a peer's key (ECDH, FFDHE) */
	uint32_t key_bytes;      /* RSA: k; EC: field bytes; X25519: 32; DH: prime bytes */
	uint32_t pub_len;        /* KPP_PUBKEY's answer, computed at creation */
	uint8_t pub[OSSL_PUB_MAX];
};

/* Queue pair private data (qp->priv). */
struct ossl_qp {
	struct rte_ring *sub;    /* lcore -> device thread */
	struct rte_ring *done;   /* device thread -> lcore */
	uint32_t depth;
	uint32_t inflight;       /* lcore only */
	/* Set by cancel, read by the device thread: finish what is queued with
	 * this status instead of computing it (0: compute). */
	int cancel_status;
	/* Counters: the device thread writes, anyone reads relaxed. */
	uint64_t nb_done;
	uint64_t nb_err;
};

/* Device private data (dev->priv). */
struct ossl_dev {
	struct ce_pmd_dev *dev;
	uint32_t depth;
	pthread_t thread;
	bool thread_started;
	int wake_fd;             /* eventfd: an lcore wakes the sleeping thread */
	uint32_t sleeping;       /* atomic: the thread is about to sleep or sleeps */
	uint32_t stop;           /* atomic: the thread must exit */
	uint32_t hold;           /* atomic, tests: take no request (fault "hold") */
	bool fault_allowed;      /* device argument fault_inject=1 */
	uint32_t nb_qps;         /* atomic: qps[] entries published */
	struct ossl_qp *qps[OSSL_MAX_QPS];
};

/* ossl_session.c */
int ossl_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			const struct ce_pmd_session_params *params);
void ossl_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess);

/* ossl_ops.c: compute one request on the device thread; sets req->out_len.
 * @return 0, -EBADMSG (invalid signature, padding), -EINVAL (a length or
 *   value the key does not take), -EIO (the library failed otherwise). */
int ossl_op_run(struct ce_pmd_request *req);

#endif /* CE_OSSL_PRIV_H */
