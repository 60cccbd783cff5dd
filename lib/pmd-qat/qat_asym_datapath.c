/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The asymmetric data path of the "cryptodev" backend. The device computes
 * x^y mod m and nothing else: the private-key RSA operation (an RSA session,
 * padding NONE), the public one and ffdhe (MODEX sessions). Around it, on
 * the queue pair's lcore: checks a device must not be trusted with (an input
 * at or above the modulus, a peer's public key outside 1 < y < p-1), the
 * encodings (EMSA-PKCS1-v1_5, EME-PKCS1-v1_5, EMSA-PSS, EME-OAEP), and the
 * verdicts: a signature is valid when s^e mod n equals the encoding we
 * expect, whatever the device says about it. Every request runs from our
 * copy in the slot's buffer, so one the device fails can re-run in software.
 *
 * Known departure from "no allocation on the data path": OpenSSL's PSS and
 * OAEP helpers allocate a digest context per call, the ffdhe peer check
 * its bignums (the software backend does as much per request).
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* RSA_padding_*: the encodings alone */

#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

#define QAT_ASYM_SHA256_LEN 32
#define QAT_ASYM_PSS_SALT QAT_ASYM_SHA256_LEN

/* DER of DigestInfo for SHA-256 without the digest (RFC 8017, 9.2 note 1). */
static const uint8_t qat_asym_sha256_prefix[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

static inline const struct qat_asym_sess *
qat_asym_of(const struct ce_pmd_request *req)
{
	return ((const struct qat_pmd_sess *)req->active->priv)->asym;
}

/* The longest message a scheme encrypts under a k-byte modulus. */
static inline uint32_t
qat_asym_max_msg(const struct qat_asym_sess *as)
{
	switch (as->desc->scheme) {
	case QAT_ASYM_RSA_PKCS1:
		return as->mod_len - 11u;
	case QAT_ASYM_RSA_OAEP:
		return as->mod_len - 2u * QAT_ASYM_SHA256_LEN - 2u;
	default:
		return as->mod_len;
	}
}

int
qat_asym_check(const struct ce_pmd_request *req)
{
	const struct ce_pmd_session *sess = req->active;
	const struct qat_asym_sess *as = qat_asym_of(req);
	uint32_t k = as->mod_len;

	if (req->op != sess->op)
		return -EINVAL;
	switch (req->op) {
	case CE_OP_SIGN:
		return req->len == QAT_ASYM_SHA256_LEN && req->src != NULL && req->dst != NULL ?
		       0 : -EINVAL;
	case CE_OP_SIG_VERIFY:
		return req->len == QAT_ASYM_SHA256_LEN && req->src != NULL &&
		       req->aad_len == k && req->aad != NULL ? 0 : -EINVAL;
	case CE_OP_ENCRYPT:
		return req->len != 0 && req->len <= qat_asym_max_msg(as) && req->src != NULL &&
		       req->dst != NULL ? 0 : -EINVAL;
	case CE_OP_DECRYPT:
		/* Raw RSA takes a shorter integer, left-padded (the kernel's rsa). */
		return (req->len == k || (as->desc->scheme == QAT_ASYM_RSA_RAW && req->len != 0 &&
					  req->len < k)) &&
		       req->src != NULL && req->dst != NULL ? 0 : -EINVAL;
	case CE_OP_KPP_PUBKEY:
		return req->len == 0 && req->dst != NULL ? 0 : -EINVAL;
	case CE_OP_KPP_SECRET:
		return req->len == k && req->src != NULL && req->dst != NULL ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* Whether the operation is the private-key one (else the public one). */
static inline bool
qat_asym_is_priv(uint8_t op)
{
	return op == CE_OP_SIGN || op == CE_OP_DECRYPT || op == CE_OP_KPP_PUBKEY ||
	       op == CE_OP_KPP_SECRET;
}

unsigned int
qat_asym_classify(const struct qat_pmd_qp *q, const struct ce_pmd_request *req)
{
	const struct qat_asym_sess *as = qat_asym_of(req);

	if (unlikely(!(qat_asym_is_priv(req->op) ? as->dev_priv_ok : as->dev_pub_ok) ||
		     q->nb_aslots == 0))
		return CE_QAT_FB_SESSION;
	if (unlikely(q->down))
		return CE_QAT_FB_DOWN;
	return QAT_PMD_DEVICE;
}

/* Left-pad v (len bytes) to k bytes at out. */
static inline void
qat_asym_pad_left(uint8_t *out, const uint8_t *v, uint32_t len, uint32_t k)
{
	memmove(out + (k - len), v, len);
	memset(out, 0, k - len);
}

/* Whether the k-byte big-endian a is below b. */
static inline bool
qat_asym_below(const uint8_t *a, const uint8_t *b, uint32_t k)
{
	return memcmp(a, b, k) < 0;
}

/*
 * A peer's ffdhe public key y is valid (SP 800-56A 5.6.2.3.1, what OpenSSL's
 * derive checks with validate_peer): 1 < y < p - 1 and y in the subgroup of
 * prime order q = (p - 1) / 2. The groups' p are safe primes, so the
 * subgroup is the quadratic residues: the Jacobi symbol (y/p) is 1 — far
 * cheaper than y^q mod p.
 */
static bool
qat_asym_dh_peer_ok(const uint8_t *y, const uint8_t *p, uint32_t k)
{
	uint8_t pm1[QAT_ASYM_MOD_MAX];
	bool above_one = y[k - 1] > 1, ok = false;
	BN_CTX *ctx;
	BIGNUM *by, *bp;

	for (uint32_t i = 0; i + 1 < k && !above_one; i++)
		above_one = y[i] != 0;
	memcpy(pm1, p, k);
	pm1[k - 1] &= 0xfe; /* p is odd */
	if (!above_one || !qat_asym_below(y, pm1, k))
		return false;
	ctx = BN_CTX_new();
	by = BN_bin2bn(y, (int)k, NULL);
	bp = BN_bin2bn(p, (int)k, NULL);
	if (ctx != NULL && by != NULL && bp != NULL)
		ok = BN_kronecker(by, bp, ctx) == 1;
	BN_free(by);
	BN_free(bp);
	BN_CTX_free(ctx);
	return ok;
}

/* EMSA-PKCS1-v1_5 of a SHA-256 digest into em (k bytes). */
static int
qat_asym_emsa_pkcs1(uint8_t *em, uint32_t k, const uint8_t *digest)
{
	uint8_t t[sizeof(qat_asym_sha256_prefix) + QAT_ASYM_SHA256_LEN];

	memcpy(t, qat_asym_sha256_prefix, sizeof(qat_asym_sha256_prefix));
	memcpy(t + sizeof(qat_asym_sha256_prefix), digest, QAT_ASYM_SHA256_LEN);
	return RSA_padding_add_PKCS1_type_1(em, (int)k, t, (int)sizeof(t)) == 1 ? 0 : -EINVAL;
}

/*
 * The device's input for req in buf->in, and which session runs it.
 * @return 0; or the request's final status: -EBADMSG (a signature or a
 *   ciphertext that is no number below n: invalid, decided here), -EINVAL
 *   (a message or a peer's key out of range), -EIO (an encoding failed).
 */
static int
qat_asym_encode(const struct qat_asym_sess *as, const struct ce_pmd_request *req, uint8_t *in)
{
	uint32_t k = as->mod_len;
	const uint8_t *sig;

	switch (req->op) {
	case CE_OP_SIGN:
		if (as->desc->scheme == QAT_ASYM_RSA_PSS)
			return RSA_padding_add_PKCS1_PSS_mgf1(as->rsa, in, req->src, EVP_sha256(),
							      EVP_sha256(),
							      QAT_ASYM_PSS_SALT) == 1 ? 0 : -EIO;
		return qat_asym_emsa_pkcs1(in, k, req->src) == 0 ? 0 : -EIO;
	case CE_OP_SIG_VERIFY:
		sig = req->aad;
		if (!qat_asym_below(sig, as->n, k))
			return -EBADMSG;
		memcpy(in, sig, k);
		return 0;
	case CE_OP_ENCRYPT:
		switch (as->desc->scheme) {
		case QAT_ASYM_RSA_PKCS1:
			return RSA_padding_add_PKCS1_type_2(in, (int)k, req->src,
							    (int)req->len) == 1 ? 0 : -EIO;
		case QAT_ASYM_RSA_OAEP:
			return RSA_padding_add_PKCS1_OAEP_mgf1(in, (int)k, req->src,
							       (int)req->len, NULL, 0,
							       EVP_sha256(), EVP_sha256()) == 1 ?
			       0 : -EIO;
		default:
			qat_asym_pad_left(in, req->src, req->len, k);
			return qat_asym_below(in, as->n, k) ? 0 : -EINVAL;
		}
	case CE_OP_DECRYPT:
		qat_asym_pad_left(in, req->src, req->len, k);
		if (qat_asym_below(in, as->n, k))
			return 0;
		/* Raw RSA: an input out of range; padded: a decryption error. */
		return as->desc->scheme == QAT_ASYM_RSA_RAW ? -EINVAL : -EBADMSG;
	case CE_OP_KPP_PUBKEY:
		memcpy(in, as->g, k);
		return 0;
	case CE_OP_KPP_SECRET:
		memcpy(in, req->src, k);
		return qat_asym_dh_peer_ok(in, as->n, k) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

void
qat_asym_run(struct qat_pmd_qp *q, struct ce_pmd_request *req, uint32_t si)
{
	const struct qat_asym_sess *as = qat_asym_of(req);
	uint32_t j = si - q->nslots;
	struct qat_pmd_slot *slot = &q->slots[si];
	struct rte_crypto_op *op = slot->op;
	struct qat_asym_op_priv *p = rte_crypto_op_ctod_offset(op, struct qat_asym_op_priv *,
							       QAT_ASYM_PRIV_OFF);
	struct rte_crypto_asym_op *a = op->asym;
	struct qat_asym_buf *buf = &q->abufs[j];
	rte_iova_t iova = q->aiova[j];
	uint32_t k = as->mod_len;
	bool priv = qat_asym_is_priv(req->op);
	int ret;

	ret = qat_asym_encode(as, req, buf->in);
	if (unlikely(ret < 0)) {
		qat_pmd_slot_put(q, si);
		qat_pmd_complete(q, req, ret);
		return;
	}
	op->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
	rte_crypto_op_attach_asym_session(op, priv ? as->cs_priv[q->cdev_qp] :
						     as->cs_pub[q->cdev_qp]);
	if (priv && as->desc->scheme != QAT_ASYM_FFDHE) {
		memset(&a->rsa, 0, sizeof(a->rsa));
		a->rsa.op_type = RTE_CRYPTO_ASYM_OP_SIGN;
		a->rsa.padding.type = RTE_CRYPTO_RSA_PADDING_NONE;
		a->rsa.message.data = buf->in;
		a->rsa.message.iova = iova;
		a->rsa.message.length = k;
		a->rsa.sign.data = buf->out;
		a->rsa.sign.iova = iova + QAT_ASYM_MOD_MAX;
		a->rsa.sign.length = k;
		p->step = QAT_ASYM_STEP_PRIV;
	} else {
		a->modex.base.data = buf->in;
		a->modex.base.iova = iova;
		a->modex.base.length = k;
		a->modex.result.data = buf->out;
		a->modex.result.iova = iova + QAT_ASYM_MOD_MAX;
		a->modex.result.length = k;
		p->step = as->desc->scheme == QAT_ASYM_FFDHE ? QAT_ASYM_STEP_DH :
							     QAT_ASYM_STEP_PUB;
	}
	a->flags = 0;
	slot->req = req;
	if (likely(qat_pmd_enqueue_to(q, q->acdev_id, &op, 1) == 1)) {
		slot->state = QAT_SLOT_BUSY;
		slot->t_submit = rte_rdtsc();
		q->nb_busy++;
		QAT_STAT_ADD(q, asym_enq, 1);
		return;
	}
	qat_pmd_slot_put(q, si);
	/* Our slots never outnumber the device's ring: a refusal is the
	 * device's (crypto_openssl refuses an op OpenSSL failed on), or the
	 * fault injector's short burst. Either way software runs it. */
	if (qat_pmd_refused(q, 0))
		QAT_STAT_ADD(q, dev_errors, 1);
	qat_pmd_sw_taken(q, req, CE_QAT_FB_DEV_ERROR);
}

/* The device's result as a k-byte big-endian number at out (drivers may
 * drop leading zeros: crypto_openssl's MODEX does). @return false when it
 * is longer than k. */
static inline bool
qat_asym_result(const struct rte_crypto_op *op, uint8_t step, uint8_t *out, uint32_t k)
{
	size_t len = step == QAT_ASYM_STEP_PRIV ? op->asym->rsa.sign.length :
						  op->asym->modex.result.length;

	if (unlikely(len > k))
		return false;
	if (len < k)
		qat_asym_pad_left(out, out, (uint32_t)len, k);
	return true;
}

/* The request's status from the device's k-byte result em. */
static int
qat_asym_decode(const struct qat_asym_sess *as, struct ce_pmd_request *req, const uint8_t *em)
{
	uint32_t k = as->mod_len;
	uint32_t room = req->active->out_max;
	int n;

	switch (req->op) {
	case CE_OP_SIG_VERIFY:
		if (as->desc->scheme == QAT_ASYM_RSA_PSS)
			/* Any salt length (as `openssl pkeyutl -verify` takes). */
			return RSA_verify_PKCS1_PSS_mgf1(as->rsa, req->src, EVP_sha256(),
							 EVP_sha256(), em,
							 RSA_PSS_SALTLEN_AUTO) == 1 ? 0 : -EBADMSG;
		{
			uint8_t want[QAT_ASYM_MOD_MAX];

			if (qat_asym_emsa_pkcs1(want, k, req->src) < 0)
				return -EIO;
			return CRYPTO_memcmp(want, em, k) == 0 ? 0 : -EBADMSG;
		}
	case CE_OP_DECRYPT:
		if (as->desc->scheme == QAT_ASYM_RSA_PKCS1)
			n = RSA_padding_check_PKCS1_type_2(req->dst, (int)room, em, (int)k, (int)k);
		else if (as->desc->scheme == QAT_ASYM_RSA_OAEP)
			n = RSA_padding_check_PKCS1_OAEP_mgf1(req->dst, (int)room, em, (int)k,
							      (int)k, NULL, 0, EVP_sha256(),
							      EVP_sha256());
		else
			break;
		if (n < 0)
			return -EBADMSG;
		req->out_len = (uint32_t)n;
		return 0;
	default:
		break;
	}
	/* Raw results: a signature, a ciphertext, a raw plaintext, a public
	 * key or a shared secret, each one modulus long. */
	memcpy(req->dst, em, k);
	req->out_len = k;
	return 0;
}

void
qat_asym_complete(struct qat_pmd_qp *q, struct ce_pmd_request *req,
		  const struct rte_crypto_op *op, uint64_t *now)
{
	const struct qat_asym_op_priv *p = rte_crypto_op_ctod_offset(
		(struct rte_crypto_op *)(uintptr_t)op, struct qat_asym_op_priv *,
		QAT_ASYM_PRIV_OFF);
	const struct qat_asym_sess *as = qat_asym_of(req);
	uint32_t j = (p->slot & ~QAT_ASYM_SLOT_BIT) - q->nslots;
	uint8_t *em = q->abufs[j].out;

	if (unlikely(op->status != RTE_CRYPTO_OP_STATUS_SUCCESS ||
		     !qat_asym_result(op, p->step, em, as->mod_len))) {
		qat_pmd_dev_error(q, req, now);
		return;
	}
	q->err_run = 0;
	qat_pmd_complete(q, req, qat_asym_decode(as, req, em));
}
