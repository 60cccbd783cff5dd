/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions of the "ipsecmb" backend: the key material, expanded or
 * precomputed once on the control path into locked memory (ce_keymem), and
 * the job template of the algorithms whose requests mostly take one job.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <sodium.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "ce_pmd.h"
#include "ipsecmb_priv.h"
#include "sw_keymem.h"

static void
ipsecmb_aes_keyexp(IMB_MGR *m, const uint8_t *key, unsigned int len, void *enc, void *dec)
{
	switch (len) {
	case 16:
		IMB_AES_KEYEXP_128(m, key, enc, dec);
		break;
	case 24:
		IMB_AES_KEYEXP_192(m, key, enc, dec);
		break;
	default:
		IMB_AES_KEYEXP_256(m, key, enc, dec);
		break;
	}
}

static void
ipsecmb_hash_full(IMB_MGR *m, unsigned int h, const uint8_t *in, size_t len, uint8_t *out)
{
	switch (h) {
	case IPSECMB_SHA1:
		IMB_SHA1(m, in, len, out);
		break;
	case IPSECMB_SHA256:
		IMB_SHA256(m, in, len, out);
		break;
	case IPSECMB_SHA384:
		IMB_SHA384(m, in, len, out);
		break;
	default:
		IMB_SHA512(m, in, len, out);
		break;
	}
}

static void
ipsecmb_hash_block(IMB_MGR *m, unsigned int h, const uint8_t *in, uint8_t *state)
{
	switch (h) {
	case IPSECMB_SHA1:
		IMB_SHA1_ONE_BLOCK(m, in, state);
		break;
	case IPSECMB_SHA256:
		IMB_SHA256_ONE_BLOCK(m, in, state);
		break;
	case IPSECMB_SHA384:
		IMB_SHA384_ONE_BLOCK(m, in, state);
		break;
	default:
		IMB_SHA512_ONE_BLOCK(m, in, state);
		break;
	}
}

/* RFC 2104: a key longer than the block is hashed first; then the inner and
 * outer states after one block of key ^ ipad / key ^ opad. */
static void
ipsecmb_hmac_precompute(IMB_MGR *m, unsigned int h, const uint8_t *key, size_t key_len,
			uint8_t *ipad, uint8_t *opad, uint8_t *empty_mac)
{
	const struct ipsecmb_hash_desc *hd = &ipsecmb_hashes[h];
	alignas(16) uint8_t k[128];
	alignas(16) uint8_t blk[128 + IPSECMB_DIGEST_MAX];

	memset(k, 0, sizeof(k));
	if (key_len > hd->block) {
		ipsecmb_hash_full(m, h, key, key_len, k);
	} else if (key_len != 0) {
		memcpy(k, key, key_len);
	}
	for (unsigned int i = 0; i < hd->block; i++)
		blk[i] = k[i] ^ 0x36;
	ipsecmb_hash_block(m, h, blk, ipad);
	/* H(K ^ opad || H(K ^ ipad)): the MAC of nothing. */
	ipsecmb_hash_full(m, h, blk, hd->block, blk + hd->block);
	for (unsigned int i = 0; i < hd->block; i++)
		blk[i] = k[i] ^ 0x5c;
	ipsecmb_hash_block(m, h, blk, opad);
	ipsecmb_hash_full(m, h, blk, (size_t)hd->block + hd->digest, empty_mac);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(blk, sizeof(blk));
}

static void
ipsecmb_gcm_pre(IMB_MGR *m, const uint8_t *key, unsigned int len, struct gcm_key_data *kd)
{
	switch (len) {
	case 16:
		IMB_AES128_GCM_PRE(m, key, kd);
		break;
	case 24:
		IMB_AES192_GCM_PRE(m, key, kd);
		break;
	default:
		IMB_AES256_GCM_PRE(m, key, kd);
		break;
	}
}

/*
 * The session's job template (see struct ipsecmb_sess): CBC, SHA, HMAC and
 * authenc, whose requests take one job with these fields whatever the
 * request (ipsecmb_simple() says which requests).
 */
static void
ipsecmb_tmpl_init(struct ipsecmb_sess *s)
{
	IMB_JOB *job = &s->tmpl;
	bool enc = s->op == CE_OP_ENCRYPT;
	const struct ipsecmb_hash_desc *hd = &ipsecmb_hashes[s->hash];
	uint16_t tag_len = hd->digest;

	memset(job, 0, sizeof(*job));
	ipsecmb_job_defaults(job);
	s->mac_direct = false;
	s->has_tmpl = false;
	if (s->kind == IPSECMB_SHA || s->kind == IPSECMB_HMAC || s->kind == IPSECMB_AUTHENC) {
		/* ipsecmb_mac_out(): the MAC goes straight to req->digest. */
		if ((s->op == CE_OP_ENCRYPT || s->op == CE_OP_DIGEST) &&
		    (s->digest_len == hd->digest || s->digest_len == hd->trunc)) {
			s->mac_direct = true;
			tag_len = s->digest_len;
		}
	}
	switch (s->kind) {
	case IPSECMB_CBC:
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, enc);
		break;
	case IPSECMB_SHA:
		job->hash_alg = hd->plain;
		job->auth_tag_output_len_in_bytes = tag_len;
		break;
	case IPSECMB_HMAC:
		ipsecmb_job_hmac(job, s, NULL, tag_len);
		break;
	case IPSECMB_AUTHENC:
		ipsecmb_job_hmac(job, s, NULL, tag_len);
		ipsecmb_job_aes(job, s, IMB_CIPHER_CBC, enc);
		break;
	default:
		return;
	}
	s->has_tmpl = true;
}

int
ipsecmb_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
		       const struct ce_pmd_session_params *params)
{
	const struct ipsecmb_dev *d = dev->priv;
	struct ipsecmb_sess *s = sess->priv;
	const struct ipsecmb_alg_desc *ad;
	struct ipsecmb_keys *k;
	size_t idx = (size_t)(sess->alg - ipsecmb_caps);
	struct ce_pmd_authenc_key ak;

	if (idx >= RTE_DIM(ipsecmb_caps))
		return -EINVAL;
	ad = &ipsecmb_descs[idx];
	memset(s, 0, sizeof(*s));
	s->kind = ad->kind;
	s->hash = ad->hash;
	s->op = params->op;
	s->iv_len = params->iv_len;
	s->digest_len = params->digest_len;
	s->max_len = sess->alg->max_data_len;
	s->aad_max = params->aad_len;
	/* Every block size in ipsecmb_caps[] is a power of two. */
	if (sess->alg->block_size == 0 ||
	    (sess->alg->block_size & (sess->alg->block_size - 1)) != 0 ||
	    sess->alg->block_size > UINT16_MAX)
		return -EINVAL;
	s->blk_mask = (uint16_t)(sess->alg->block_size - 1);

	/* The kernel's GCM tag sizes: 4, 8, 12..16 (crypto_gcm_setauthsize). */
	if (ad->kind == IPSECMB_GCM && params->digest_len < 12 &&
	    params->digest_len != 4 && params->digest_len != 8)
		return -EINVAL;

	k = ce_keymem_alloc(sizeof(*k));
	if (k == NULL)
		return -ENOMEM;

	switch (ad->kind) {
	case IPSECMB_GCM:
		s->aes_klen = (uint8_t)params->key_len;
		ipsecmb_gcm_pre(d->mgr, params->key, s->aes_klen, &k->gcm);
		break;
	case IPSECMB_RFC4106:
		s->aes_klen = (uint8_t)(params->key_len - 4);
		ipsecmb_gcm_pre(d->mgr, params->key, s->aes_klen, &k->gcm);
		memcpy(k->salt, params->key + s->aes_klen, 4);
		break;
	case IPSECMB_CBC:
	case IPSECMB_CTR:
		s->aes_klen = (uint8_t)params->key_len;
		ipsecmb_aes_keyexp(d->mgr, params->key, s->aes_klen, k->aes_hmac.enc,
				   k->aes_hmac.dec);
		break;
	case IPSECMB_SHA:
		break;
	case IPSECMB_HMAC:
		ipsecmb_hmac_precompute(d->mgr, s->hash, params->key, params->key_len,
					k->aes_hmac.ipad, k->aes_hmac.opad,
					k->aes_hmac.empty_mac);
		break;
	case IPSECMB_AUTHENC:
	case IPSECMB_AUTHENC_ESN:
		/* The kernel's blob, checked by the tier (enc_key_size). */
		if (ce_pmd_authenc_key_parse(params->key, params->key_len, &ak, NULL) < 0) {
			ce_keymem_free(k, sizeof(*k));
			return -EINVAL;
		}
		s->aes_klen = (uint8_t)ak.enc_key_len;
		ipsecmb_hmac_precompute(d->mgr, s->hash, ak.auth_key, ak.auth_key_len,
					k->aes_hmac.ipad, k->aes_hmac.opad,
					k->aes_hmac.empty_mac);
		ipsecmb_aes_keyexp(d->mgr, ak.enc_key, s->aes_klen, k->aes_hmac.enc,
				   k->aes_hmac.dec);
		break;
	case IPSECMB_CHACHA:
		memcpy(k->chacha, params->key, 32);
		break;
	case IPSECMB_CHACHA_ESP:
		memcpy(k->chacha, params->key, 32);
		memcpy(k->salt, params->key + 32, 4);
		break;
	default:
		ce_keymem_free(k, sizeof(*k));
		return -EINVAL;
	}
	s->keys = k;
	ipsecmb_tmpl_init(s);
	return 0;
}

void
ipsecmb_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	struct ipsecmb_sess *s = sess->priv;

	RTE_SET_USED(dev);
	if (s->keys != NULL)
		ce_keymem_free(s->keys, sizeof(*s->keys));
	sodium_memzero(s, sizeof(*s));
}
