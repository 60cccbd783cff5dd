/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/pmd-qat: the asymmetric side of the "cryptodev" backend
 * (akcipher, sig, kpp). The device is asked for raw RSA and modular
 * exponentiation only (what both 22.11 drivers advertise, see README.md);
 * padding, encodings and checks are done here on the queue pair's lcore.
 *   qat_asym_caps.c      what each asymmetric caps entry maps to, the
 *                        device's asymmetric capability check
 *   qat_asym_key.c       DER keys to the xforms' big-endian components
 *   qat_asym_session.c   device sessions (one per queue pair) and the
 *                        software session
 *   qat_asym_device.c    the asymmetric op pool, slots and their buffers,
 *                        the asymmetric software device
 *   qat_asym_datapath.c  classify, build (padding), finish (unpadding,
 *                        verification), per request
 */
#ifndef CE_QAT_ASYM_PRIV_H
#define CE_QAT_ASYM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto.h>
#include <rte_crypto_asym.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"

struct qat_pmd_qp;
struct qat_pmd_dev;
struct ce_pmd_request;

#define QAT_ASYM_MOD_MAX 512       /* RSA-4096, ffdhe4096: bytes of n or p */
#define QAT_ASYM_MAX_SLOTS 64      /* asymmetric ops in flight per queue pair */
#define QAT_ASYM_SLOT_BIT 0x80000000u /* an op's slot index names an asym slot */

/* What an asymmetric caps entry is. */
enum qat_asym_scheme {
	QAT_ASYM_RSA_RAW = 1,   /* "rsa": m^e, c^d, no padding */
	QAT_ASYM_RSA_PKCS1,     /* EMSA- and EME-PKCS1-v1_5, DigestInfo of SHA-256 */
	QAT_ASYM_RSA_PSS,       /* EMSA-PSS, SHA-256, MGF1-SHA-256, salt 32 */
	QAT_ASYM_RSA_OAEP,      /* EME-OAEP, SHA-256, MGF1-SHA-256, empty label */
	QAT_ASYM_FFDHE,         /* RFC 7919 group: g^x, y^x mod p */
};

struct qat_asym_desc {
	uint8_t scheme;         /* enum qat_asym_scheme */
	bool sig_only;          /* pkcs1(rsa,sha256): the sig type's name */
	uint16_t group_bits;    /* ffdhe: the group's size */
	const char *group;      /* ffdhe: OpenSSL's group name ("ffdhe2048") */
};

/* Bounds of the asymmetric key sizes this backend declares (bits). */
#define QAT_ASYM_RSA_MIN_BITS 2048
#define QAT_ASYM_RSA_MAX_BITS 4096

/* A session's asymmetric state. Key components live only in the device's
 * sessions (and the software session): what is kept here is public. */
struct qat_asym_sess {
	const struct qat_asym_desc *desc;
	uint16_t mod_len;       /* bytes of n (RSA) or p (ffdhe) */
	uint16_t mod_bits;
	bool priv;              /* the key has its private half */
	bool dev_priv_ok;       /* the device runs the private operation */
	bool dev_pub_ok;        /* the device runs the public operation */
	uint16_t nb_qps;
	void **cs_priv;         /* per queue pair: RSA private-key session, or
				   the ffdhe MODEX (exponent x) session */
	void **cs_pub;          /* per queue pair: MODEX (exponent e) session */
	void *rsa;              /* RSA * with the public half (padding helpers) */
	uint8_t n[QAT_ASYM_MOD_MAX];   /* modulus (n or p), mod_len bytes */
	uint8_t g[QAT_ASYM_MOD_MAX];   /* ffdhe: generator, mod_len bytes */
};

/* What an asymmetric slot's op is doing (read back at completion). */
enum qat_asym_step {
	QAT_ASYM_STEP_PRIV = 1, /* sign, decrypt, raw decrypt */
	QAT_ASYM_STEP_PUB,      /* verify, encrypt, raw encrypt */
	QAT_ASYM_STEP_DH,       /* ffdhe public key or shared secret */
};

/* Per asymmetric slot: the device's input and output, DMA-able (512-byte
 * aligned: neither crosses a 4 KiB page). The input is our copy (the encoded
 * message), so a failed op can always re-run from the client's buffers. */
struct qat_asym_buf {
	uint8_t in[QAT_ASYM_MOD_MAX];
	uint8_t out[QAT_ASYM_MOD_MAX];
} __attribute__((aligned(QAT_ASYM_MOD_MAX)));

/* The op's private area, after the asymmetric op. */
struct qat_asym_op_priv {
	uint32_t slot;          /* QAT_ASYM_SLOT_BIT | index in q->slots */
	uint8_t step;           /* enum qat_asym_step of the op in flight */
};

#define QAT_ASYM_PRIV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_asym_op))

/* qat_asym_caps.c */
extern const struct qat_asym_desc qat_asym_descs[];
/* The device's capability for an xform type with a modulus of len bytes. */
bool qat_asym_cap_ok(uint8_t cdev, enum rte_crypto_asym_xform_type type, int op_type,
		     uint16_t len);

/* qat_asym_key.c: big-endian components of a DER key. */
struct qat_asym_key {
	uint16_t mod_len;
	uint16_t mod_bits;
	bool priv;
	uint16_t e_len, d_len, half;   /* half: bytes of p, q, dP, dQ, qInv */
	uint8_t n[QAT_ASYM_MOD_MAX], e[QAT_ASYM_MOD_MAX], d[QAT_ASYM_MOD_MAX];
	uint8_t p[QAT_ASYM_MOD_MAX / 2], q[QAT_ASYM_MOD_MAX / 2];
	uint8_t dp[QAT_ASYM_MOD_MAX / 2], dq[QAT_ASYM_MOD_MAX / 2];
	uint8_t qinv[QAT_ASYM_MOD_MAX / 2];
	uint8_t g[QAT_ASYM_MOD_MAX];   /* ffdhe, mod_len bytes */
	uint8_t x[QAT_ASYM_MOD_MAX];   /* ffdhe private, d_len bytes */
	void *rsa;                     /* RSA * (public half), the caller frees */
};
int qat_asym_key_rsa(const uint8_t *der, uint16_t len, struct qat_asym_key *k,
		     const char **why);
int qat_asym_key_dh(const uint8_t *der, uint16_t len, const struct qat_asym_desc *desc,
		    struct qat_asym_key *k, const char **why);
void qat_asym_key_wipe(struct qat_asym_key *k);

/* qat_asym_session.c */
int qat_asym_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			    const struct ce_pmd_session_params *params,
			    const struct qat_asym_desc *desc);
void qat_asym_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess);

/* qat_asym_device.c */
int qat_asym_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg);
void qat_asym_dev_close(struct qat_pmd_dev *d);
int qat_asym_qp_setup(struct ce_pmd_qp *qp);
void qat_asym_qp_release(struct qat_pmd_qp *q);

/* qat_asym_datapath.c: the request fits its session (-EINVAL if not). */
int qat_asym_check(const struct ce_pmd_request *req);
/* Where a valid request runs: QAT_PMD_DEVICE or a fallback reason. */
unsigned int qat_asym_classify(const struct qat_pmd_qp *q, const struct ce_pmd_request *req);
/* Run a taken request on the device in asymmetric slot si (taken off the
 * free stack by the caller): it is finalized later, or now (bad input), or
 * re-run in software; the slot goes back when it is not used. */
void qat_asym_run(struct qat_pmd_qp *q, struct ce_pmd_request *req, uint32_t si);
/* A dequeued asymmetric op of a busy slot (already given back). */
void qat_asym_complete(struct qat_pmd_qp *q, struct ce_pmd_request *req,
		       const struct rte_crypto_op *op, uint64_t *now);

#endif /* CE_QAT_ASYM_PRIV_H */
