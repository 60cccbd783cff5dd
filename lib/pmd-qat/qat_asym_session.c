/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Asymmetric sessions of the "cryptodev" backend. The key (DER) is taken
 * apart once; the device gets, per queue pair (22.11's crypto_openssl keeps
 * per-session OpenSSL state that every op re-initialises, so one session is
 * not used from two lcores), an RSA session for the private-key operation
 * (CRT when the key has it) and a MODEX session for the public one, or one
 * MODEX session (p, x) for an ffdhe group — each only when the device's
 * capabilities cover it and the modulus length. The software session on the
 * asymmetric software device runs the rest. What this backend keeps of the
 * key is public (n, e or p, g); the private components are wiped as soon
 * as the device sessions hold them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* RSA_free of the padding helpers' RSA */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rsa.h>

#include <rte_common.h>
#include <rte_crypto_asym.h>
#include <rte_cryptodev.h>
#include <rte_malloc.h>

#include "ce_pmd.h"
#include "qat_priv.h"

/* Whether the scheme does op, and whether op needs the private key. */
static int
qat_asym_op_allowed(const struct qat_asym_desc *desc, uint8_t op, bool *needs_priv)
{
	*needs_priv = op == CE_OP_DECRYPT || op == CE_OP_SIGN || op == CE_OP_KPP_PUBKEY ||
		      op == CE_OP_KPP_SECRET;
	switch (desc->scheme) {
	case QAT_ASYM_RSA_RAW:
	case QAT_ASYM_RSA_OAEP:
		return op == CE_OP_ENCRYPT || op == CE_OP_DECRYPT;
	case QAT_ASYM_RSA_PKCS1:
		return op == CE_OP_SIGN || op == CE_OP_SIG_VERIFY ||
		       (!desc->sig_only && (op == CE_OP_ENCRYPT || op == CE_OP_DECRYPT));
	case QAT_ASYM_RSA_PSS:
		return op == CE_OP_SIGN || op == CE_OP_SIG_VERIFY;
	case QAT_ASYM_FFDHE:
		return op == CE_OP_KPP_PUBKEY || op == CE_OP_KPP_SECRET;
	default:
		return 0;
	}
}

static inline void
qat_asym_param(rte_crypto_param *p, uint8_t *data, uint16_t len)
{
	p->data = data;
	p->length = len;
	p->iova = 0; /* xform data is copied by the driver into its session */
}

static void *
qat_asym_cs_make(const struct qat_pmd_dev *d, struct rte_crypto_asym_xform *x)
{
	void *cs = NULL;

	if (rte_cryptodev_asym_session_create(d->acdev_id, x, d->asess_pool, &cs) < 0)
		return NULL;
	return cs;
}

static void
qat_asym_cs_free(const struct qat_pmd_dev *d, void **cs, uint16_t n)
{
	if (cs == NULL)
		return;
	for (uint16_t i = 0; i < n; i++)
		if (cs[i] != NULL)
			rte_cryptodev_asym_session_free(d->acdev_id, cs[i]);
	free(cs);
}

/* One device session per queue pair from x. @return the array, or NULL. */
static void **
qat_asym_cs_per_qp(const struct qat_pmd_dev *d, struct rte_crypto_asym_xform *x)
{
	void **cs = calloc(d->nb_qps, sizeof(*cs));

	if (cs == NULL)
		return NULL;
	for (uint16_t i = 0; i < d->nb_qps; i++) {
		cs[i] = qat_asym_cs_make(d, x);
		if (cs[i] == NULL) {
			qat_asym_cs_free(d, cs, i);
			return NULL;
		}
	}
	return cs;
}

/* The RSA private-key sessions: CRT when the key has the quintuple (the
 * device's fast path), else the exponent d. */
static void **
qat_asym_rsa_priv(const struct qat_pmd_dev *d, struct qat_asym_key *k)
{
	struct rte_crypto_asym_xform x;
	void **cs = NULL;

	memset(&x, 0, sizeof(x));
	x.xform_type = RTE_CRYPTO_ASYM_XFORM_RSA;
	qat_asym_param(&x.rsa.n, k->n, k->mod_len);
	qat_asym_param(&x.rsa.e, k->e, k->e_len);
	if (k->half != 0) {
		x.rsa.key_type = RTE_RSA_KEY_TYPE_QT;
		qat_asym_param(&x.rsa.qt.p, k->p, k->half);
		qat_asym_param(&x.rsa.qt.q, k->q, k->half);
		qat_asym_param(&x.rsa.qt.dP, k->dp, k->half);
		qat_asym_param(&x.rsa.qt.dQ, k->dq, k->half);
		qat_asym_param(&x.rsa.qt.qInv, k->qinv, k->half);
		cs = qat_asym_cs_per_qp(d, &x);
		if (cs != NULL)
			return cs;
	}
	memset(&x.rsa.qt, 0, sizeof(x.rsa.qt));
	x.rsa.key_type = RTE_RSA_KEY_TYPE_EXP;
	qat_asym_param(&x.rsa.d, k->d, k->d_len);
	return qat_asym_cs_per_qp(d, &x);
}

static void **
qat_asym_modex(const struct qat_pmd_dev *d, uint8_t *mod, uint16_t mod_len, uint8_t *exp,
	       uint16_t exp_len)
{
	struct rte_crypto_asym_xform x;

	memset(&x, 0, sizeof(x));
	x.xform_type = RTE_CRYPTO_ASYM_XFORM_MODEX;
	qat_asym_param(&x.modex.modulus, mod, mod_len);
	qat_asym_param(&x.modex.exponent, exp, exp_len);
	return qat_asym_cs_per_qp(d, &x);
}

/* The device's sessions, where its capabilities cover them. */
static void
qat_asym_dev_sessions(const struct qat_pmd_dev *d, struct qat_asym_sess *as,
		      struct qat_asym_key *k, bool needs_priv)
{
	if (!d->asym_ok)
		return;
	if (as->desc->scheme == QAT_ASYM_FFDHE) {
		if (qat_asym_cap_ok(d->acdev_id, RTE_CRYPTO_ASYM_XFORM_MODEX, -1, k->mod_len))
			as->cs_priv = qat_asym_modex(d, k->n, k->mod_len, k->x, k->d_len);
	} else if (needs_priv) {
		if (qat_asym_cap_ok(d->acdev_id, RTE_CRYPTO_ASYM_XFORM_RSA,
				    RTE_CRYPTO_ASYM_OP_SIGN, k->mod_len))
			as->cs_priv = qat_asym_rsa_priv(d, k);
	} else if (qat_asym_cap_ok(d->acdev_id, RTE_CRYPTO_ASYM_XFORM_MODEX, -1, k->mod_len)) {
		as->cs_pub = qat_asym_modex(d, k->n, k->mod_len, k->e, k->e_len);
	}
	as->dev_priv_ok = as->cs_priv != NULL;
	as->dev_pub_ok = as->cs_pub != NULL;
}

int
qat_asym_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			const struct ce_pmd_session_params *params,
			const struct qat_asym_desc *desc)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;
	struct qat_asym_sess *as;
	struct qat_asym_key *k;
	const char *why = NULL;
	bool needs_priv;
	int ret;

	if (!qat_asym_op_allowed(desc, params->op, &needs_priv)) {
		if (params->why != NULL)
			*params->why = "op: not one of the algorithm's";
		return -EINVAL;
	}
	if (params->key == NULL || params->key_len == 0 || params->key_len > CE_ASYM_KEY_MAX) {
		if (params->why != NULL)
			*params->why = "key length (1..4096 bytes of DER)";
		return -EINVAL;
	}
	k = malloc(sizeof(*k));
	as = rte_zmalloc("qat_asym_sess", sizeof(*as), 0);
	if (k == NULL || as == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	as->desc = desc;
	as->nb_qps = d->nb_qps;
	if (desc->scheme == QAT_ASYM_FFDHE)
		ret = qat_asym_key_dh(params->key, params->key_len, desc, k, &why);
	else
		ret = qat_asym_key_rsa(params->key, params->key_len, k, &why);
	if (ret < 0)
		goto fail;
	if (!ce_pmd_range_ok(&sess->alg->key_size, k->mod_bits)) {
		why = "key size: outside the algorithm's key sizes";
		ret = -EINVAL;
		goto fail;
	}
	if (needs_priv && !k->priv) {
		why = "key: the operation needs a private key";
		ret = -ENOKEY;
		goto fail;
	}
	as->mod_len = k->mod_len;
	as->mod_bits = k->mod_bits;
	as->priv = k->priv;
	as->rsa = k->rsa;
	k->rsa = NULL;
	memcpy(as->n, k->n, k->mod_len);
	memcpy(as->g, k->g, k->mod_len);
	s->asym = as;
	sess->out_max = k->mod_len;
	if (d->aswdev != NULL) {
		struct ce_pmd_session_params swp = *params;

		swp.driver = NULL;
		swp.refuse_flags = CE_PMD_ALG_F_NEED_FALLBACK;
		s->sw = ce_pmd_session_create(d->aswdev, &swp, &why);
		if (s->sw == NULL && errno != ENOENT) {
			ret = -errno;
			goto fail;
		}
		if (s->sw != NULL)
			s->sw->parent = sess;
	}
	qat_asym_dev_sessions(d, as, k, needs_priv);
	if (!as->dev_priv_ok && !as->dev_pub_ok && s->sw == NULL) {
		why = "neither the device nor a software backend runs it";
		ret = -ENOTSUP;
		goto fail;
	}
	qat_asym_key_wipe(k);
	free(k);
	return 0;

fail:
	/* The reason goes back to the client (never key bytes); stderr too. */
	if (why != NULL && params->why != NULL)
		*params->why = why;
	if (why != NULL)
		fprintf(stderr, "cryptodev: %s: %s\n", sess->alg->name, why);
	if (k != NULL) {
		qat_asym_key_wipe(k);
		RSA_free(k->rsa);
		free(k);
	}
	if (s->sw != NULL) {
		ce_pmd_session_destroy(s->sw);
		s->sw = NULL;
	}
	if (as != NULL) {
		RSA_free(as->rsa);
		rte_free(as);
	}
	s->asym = NULL;
	return ret;
}

void
qat_asym_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;
	struct qat_asym_sess *as = s->asym;

	qat_asym_cs_free(d, as->cs_priv, as->nb_qps);
	qat_asym_cs_free(d, as->cs_pub, as->nb_qps);
	RSA_free(as->rsa);
	rte_free(as);
	ce_pmd_session_destroy(s->sw);
	memset(s, 0, sizeof(*s));
}
