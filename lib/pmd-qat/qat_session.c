/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions of the "cryptodev" backend: a cryptodev session when the device
 * can run the parameters (its capabilities say), and a session on the
 * software fallback device when there is one; a request runs on the first
 * when it can, else on the second (qat_datapath.c decides per request).
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

/* The cipher transform, alone or in an authenc chain (x is zeroed). */
static void
qat_pmd_cipher_xform(struct rte_crypto_sym_xform *x, const struct qat_pmd_alg_desc *desc,
		     bool enc, const uint8_t *key, uint16_t klen, uint16_t iv_len)
{
	x->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	x->cipher.op = enc ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
	x->cipher.algo = desc->cipher;
	x->cipher.key.data = key;
	x->cipher.key.length = klen;
	x->cipher.iv.offset = QAT_PMD_IV_OFF;
	x->cipher.iv.length = iv_len;
}

/* The hash or MAC transform, alone or in an authenc chain (x is zeroed). */
static void
qat_pmd_auth_xform(struct rte_crypto_sym_xform *x, const struct qat_pmd_alg_desc *desc,
		   bool enc, const uint8_t *key, uint16_t klen, uint16_t digest_len)
{
	x->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	x->auth.op = enc ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
	x->auth.algo = desc->auth;
	x->auth.key.data = key;
	x->auth.key.length = klen;
	x->auth.digest_length = digest_len;
}

/* Longest HMAC key a device is handed: SHA-384/512's block. */
#define QAT_PMD_HMAC_KEY_MAX 128

/*
 * RFC 2104: an HMAC key longer than the hash's block is hashed first, and
 * the MAC is the same with the key or its hash. Devices take at most a
 * block (QAT's precompute refuses more), so a longer key is hashed here
 * into out (QAT_PMD_HMAC_KEY_MAX bytes). *key and *len are what the device
 * gets. @return 0, or -EINVAL (unknown hash, or the digest failed).
 */
static int
qat_pmd_hmac_key(uint8_t hash, const uint8_t **key, uint16_t *len, uint8_t *out)
{
	const EVP_MD *md;
	unsigned int n = 0;

	switch (hash) {
	case QAT_PMD_HMAC_SHA1:
		md = EVP_sha1();
		break;
	case QAT_PMD_HMAC_SHA256:
		md = EVP_sha256();
		break;
	case QAT_PMD_HMAC_SHA384:
		md = EVP_sha384();
		break;
	case QAT_PMD_HMAC_SHA512:
		md = EVP_sha512();
		break;
	default:
		return -EINVAL;
	}
	if (*len <= EVP_MD_get_block_size(md))
		return 0;
	if (EVP_Digest(*key, *len, out, &n, md, NULL) != 1 || n > QAT_PMD_HMAC_KEY_MAX)
		return -EINVAL;
	*key = out;
	*len = (uint16_t)n;
	return 0;
}

/* Build the device session, if the device can run these parameters. */
static void *
qat_pmd_dev_session(struct qat_pmd_dev *d, struct qat_pmd_sess *s,
		    const struct ce_pmd_session_params *p)
{
	const struct qat_pmd_alg_desc *desc = s->desc;
	struct rte_crypto_sym_xform x[2], *first = &x[0];
	bool enc = p->op == CE_OP_ENCRYPT || p->op == CE_OP_DIGEST;
	const uint8_t *key = p->key;
	uint16_t klen = p->key_len;
	uint8_t hkey[QAT_PMD_HMAC_KEY_MAX];
	void *cs = NULL;

	memset(x, 0, sizeof(x));
	switch (desc->kind) {
	case QAT_PMD_AEAD:
		klen -= desc->salt;
		memcpy(s->salt, key + klen, desc->salt);
		/* The AAD is copied into the op, padded to 16: it must fit. */
		if (p->aad_len > QAT_PMD_AAD_BUF)
			return NULL;
		x[0].type = RTE_CRYPTO_SYM_XFORM_AEAD;
		x[0].aead.op = enc ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		x[0].aead.algo = desc->aead;
		x[0].aead.key.data = key;
		x[0].aead.key.length = klen;
		x[0].aead.iv.offset = QAT_PMD_IV_OFF;
		x[0].aead.iv.length = desc->salt ? desc->salt + p->iv_len : p->iv_len;
		x[0].aead.digest_length = p->digest_len;
		x[0].aead.aad_length = p->aad_len;
		break;
	case QAT_PMD_CIPHER:
		qat_pmd_cipher_xform(&x[0], desc, enc, key, klen, p->iv_len);
		break;
	case QAT_PMD_AUTH:
		if (desc->keyed && qat_pmd_hmac_key(desc->hmac_hash, &key, &klen, hkey) < 0)
			return NULL;
		qat_pmd_auth_xform(&x[0], desc, enc, desc->keyed ? key : NULL,
				   desc->keyed ? klen : 0, p->digest_len);
		break;
	case QAT_PMD_CHAIN: {
		struct rte_crypto_sym_xform *c, *a;
		struct ce_pmd_authenc_key ak;
		const uint8_t *hk;
		uint16_t hklen;

		/* The kernel's blob, already checked by the tier. */
		if (ce_pmd_authenc_key_parse(key, klen, &ak, NULL) < 0)
			return NULL;
		hk = ak.auth_key;
		hklen = (uint16_t)ak.auth_key_len;
		if (qat_pmd_hmac_key(desc->hmac_hash, &hk, &hklen, hkey) < 0)
			return NULL;
		/* Encrypt then MAC; verify the MAC then decrypt. */
		c = enc ? &x[0] : &x[1];
		a = enc ? &x[1] : &x[0];
		first = &x[0];
		x[0].next = &x[1];
		qat_pmd_cipher_xform(c, desc, enc, ak.enc_key, (uint16_t)ak.enc_key_len, p->iv_len);
		qat_pmd_auth_xform(a, desc, enc, hk, hklen, p->digest_len);
		if (!qat_pmd_cap_ok(d->cdev_id, &x[1]))
			goto wipe;
		break;
	}
	default:
		return NULL;
	}
	if (qat_pmd_cap_ok(d->cdev_id, &x[0]))
		cs = rte_cryptodev_sym_session_create(d->cdev_id, first, d->sess_pool);
wipe:
	/* The device copied the keys into its session: the hashed one goes. */
	explicit_bzero(hkey, sizeof(hkey));
	return cs;
}

int
qat_pmd_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
		       const struct ce_pmd_session_params *params)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;
	unsigned int i = (unsigned int)(sess->alg - dev->drv->caps);

	if (i >= QAT_PMD_NB_CAPS)
		return -EINVAL;
	s->desc = &qat_pmd_descs[i];
	if (s->desc->kind == QAT_PMD_ASYM)
		return qat_asym_session_create(dev, sess, params,
					       &qat_asym_descs[s->desc->asym]);
	s->hash = s->desc->kind == QAT_PMD_AUTH;
	s->wipe = params->op == CE_OP_DECRYPT &&
		  (s->desc->kind == QAT_PMD_AEAD || s->desc->kind == QAT_PMD_CHAIN);
	s->dev_aad = params->aad_len;
	s->iv_copy = params->iv_len;
	if (d->swdev != NULL) {
		struct ce_pmd_session_params swp = *params;

		/* The fallback must not need one itself (the kernel's mask). */
		swp.driver = NULL;
		swp.refuse_flags = CE_PMD_ALG_F_NEED_FALLBACK;
		s->sw = ce_pmd_session_create(d->swdev, &swp, NULL);
		/* The software backend is the reference for what the kernel's
		 * algorithm allows: sizes it refuses are refused here too. */
		if (s->sw == NULL && errno != ENOENT)
			return -errno;
		if (s->sw != NULL)
			s->sw->parent = sess;
	}
	s->cs = qat_pmd_dev_session(d, s, params);
	if (s->cs == NULL && s->sw == NULL)
		return -ENOTSUP;
	return 0;
}

void
qat_pmd_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	struct qat_pmd_dev *d = dev->priv;
	struct qat_pmd_sess *s = sess->priv;

	if (s->asym != NULL) {
		qat_asym_session_destroy(dev, sess);
		return;
	}
	if (s->cs != NULL)
		rte_cryptodev_sym_session_free(d->cdev_id, s->cs);
	ce_pmd_session_destroy(s->sw);
	memset(s, 0, sizeof(*s));
}

int
ce_pmd_qat_session_on_device(const struct ce_pmd_session *sess)
{
	const struct qat_pmd_sess *s;

	if (sess == NULL || !qat_pmd_is_ours(sess->dev->drv))
		return -EINVAL;
	s = sess->priv;
	if (s->asym != NULL)
		return s->asym->dev_priv_ok || s->asym->dev_pub_ok;
	return s->cs != NULL;
}

