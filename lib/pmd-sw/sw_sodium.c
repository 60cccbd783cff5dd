/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "sodium": a synchronous software backend on libsodium. It is the only
 * XChaCha20-Poly1305 implementation, and a second, lower-priority one of
 * rfc7539(chacha20,poly1305) and 256-bit gcm(aes) for fallback and for
 * differential tests against ipsec-mb.
 *
 * Work is done inside do_one_request/do_batch_requests; finished requests
 * wait in a per-queue-pair ring until poll() finalizes them, so completions
 * always come from poll, as they do for a device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ce_pmd.h"
#include "sw_done_ring.h"
#include "sw_keymem.h"

#define SODIUM_PMD_MAX_BATCH 32
#define SODIUM_PMD_MAX_DATA 65535

enum sodium_pmd_alg {
	SODIUM_PMD_XCHACHA,
	SODIUM_PMD_CHACHA,
	SODIUM_PMD_GCM256,
};

/* Key material: in ce_keymem, never in the session struct. */
union sodium_pmd_keys {
	uint8_t key[32];
	crypto_aead_aes256gcm_state gcm;
};

struct sodium_pmd_sess {
	enum sodium_pmd_alg alg;
	size_t keys_size;
	union sodium_pmd_keys *keys;
};

/* Computed requests, for poll to finalize. */
struct sodium_pmd_qp {
	struct sw_done_ring done;
};

/* gcm(aes) must stay last: it is dropped when the CPU lacks AES-NI. */
static const struct ce_pmd_alg_caps sodium_pmd_caps[] = {
	{
		.name = "xchacha20poly1305",
		.driver_name = "xchacha20poly1305-sodium",
		.type = CE_PMD_ALG_AEAD,
		.priority = 200,
		.key_size = { 32, 32, 0 },
		.iv_size = { 24, 24, 0 },
		.digest_size = { 16, 16, 0 },
		.aad_size = { 0, 65535, 1 },
		.block_size = 1,
		.max_data_len = SODIUM_PMD_MAX_DATA,
	},
	{
		.name = "rfc7539(chacha20,poly1305)",
		.driver_name = "rfc7539-chacha20-poly1305-sodium",
		.type = CE_PMD_ALG_AEAD,
		.priority = 200,
		.key_size = { 32, 32, 0 },
		.iv_size = { 12, 12, 0 },
		.digest_size = { 16, 16, 0 },
		.aad_size = { 0, 65535, 1 },
		.block_size = 1,
		.max_data_len = SODIUM_PMD_MAX_DATA,
	},
	{
		.name = "gcm(aes)",
		.driver_name = "gcm-aes256-sodium",
		.type = CE_PMD_ALG_AEAD,
		.priority = 200,
		.key_size = { 32, 32, 0 },
		.iv_size = { 12, 12, 0 },
		.digest_size = { 16, 16, 0 },
		.aad_size = { 0, 65535, 1 },
		.block_size = 1,
		.max_data_len = SODIUM_PMD_MAX_DATA,
	},
};

static int
sodium_pmd_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	if (cfg->args != NULL && cfg->args[0] != '\0') {
		fprintf(stderr, "sodium device %s: takes no arguments (got \"%s\")\n",
			dev->name, cfg->args);
		return -EINVAL;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium device %s: sodium_init failed\n", dev->name);
		return -EIO;
	}
	return 0;
}

static int
sodium_pmd_session_create(struct ce_pmd_dev *dev, struct ce_pmd_session *sess,
			  const struct ce_pmd_session_params *params)
{
	struct sodium_pmd_sess *s = sess->priv;
	const char *name = sess->alg->name;

	(void)dev;
	if (strcmp(name, "xchacha20poly1305") == 0) {
		s->alg = SODIUM_PMD_XCHACHA;
		s->keys_size = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
	} else if (strcmp(name, "rfc7539(chacha20,poly1305)") == 0) {
		s->alg = SODIUM_PMD_CHACHA;
		s->keys_size = crypto_aead_chacha20poly1305_ietf_KEYBYTES;
	} else if (strcmp(name, "gcm(aes)") == 0) {
		s->alg = SODIUM_PMD_GCM256;
		s->keys_size = sizeof(crypto_aead_aes256gcm_state);
	} else {
		return -ENOENT;
	}
	/* Caps allow 32-byte keys only, but never trust a size for a copy. */
	if (params->key_len != 32)
		return -EINVAL;
	s->keys = ce_keymem_alloc(s->keys_size);
	if (s->keys == NULL)
		return -ENOMEM;
	if (s->alg == SODIUM_PMD_GCM256)
		crypto_aead_aes256gcm_beforenm(&s->keys->gcm, params->key);
	else
		memcpy(s->keys->key, params->key, 32);
	return 0;
}

static void
sodium_pmd_session_destroy(struct ce_pmd_dev *dev, struct ce_pmd_session *sess)
{
	struct sodium_pmd_sess *s = sess->priv;

	(void)dev;
	ce_keymem_free(s->keys, s->keys_size); /* wipes */
	s->keys = NULL;
}

/* libsodium may be handed NULL for an empty buffer; give it a real pointer. */
static const uint8_t sodium_pmd_empty[1];

static int
sodium_pmd_encrypt(const struct sodium_pmd_sess *s, struct ce_pmd_request *req)
{
	const uint8_t *src = req->len ? req->src : sodium_pmd_empty;
	uint8_t *dst = req->len ? req->dst : (uint8_t *)req->digest;
	const uint8_t *aad = req->aad_len ? req->aad : sodium_pmd_empty;
	int ret = -1;

	switch (s->alg) {
	case SODIUM_PMD_XCHACHA:
		ret = crypto_aead_xchacha20poly1305_ietf_encrypt_detached(dst, req->digest,
			NULL, src, req->len, aad, req->aad_len, NULL, req->iv, s->keys->key);
		break;
	case SODIUM_PMD_CHACHA:
		ret = crypto_aead_chacha20poly1305_ietf_encrypt_detached(dst, req->digest,
			NULL, src, req->len, aad, req->aad_len, NULL, req->iv, s->keys->key);
		break;
	case SODIUM_PMD_GCM256:
		ret = crypto_aead_aes256gcm_encrypt_detached_afternm(dst, req->digest,
			NULL, src, req->len, aad, req->aad_len, NULL, req->iv, &s->keys->gcm);
		break;
	}
	return ret == 0 ? 0 : -EIO;
}

static int
sodium_pmd_decrypt(const struct sodium_pmd_sess *s, struct ce_pmd_request *req)
{
	const uint8_t *src = req->len ? req->src : sodium_pmd_empty;
	uint8_t *dst = req->len ? req->dst : (uint8_t *)req->digest;
	const uint8_t *aad = req->aad_len ? req->aad : sodium_pmd_empty;
	int ret = -1;

	switch (s->alg) {
	case SODIUM_PMD_XCHACHA:
		ret = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(dst, NULL,
			src, req->len, req->digest, aad, req->aad_len, req->iv, s->keys->key);
		break;
	case SODIUM_PMD_CHACHA:
		ret = crypto_aead_chacha20poly1305_ietf_decrypt_detached(dst, NULL,
			src, req->len, req->digest, aad, req->aad_len, req->iv, s->keys->key);
		break;
	case SODIUM_PMD_GCM256:
		ret = crypto_aead_aes256gcm_decrypt_detached_afternm(dst, NULL,
			src, req->len, req->digest, aad, req->aad_len, req->iv, &s->keys->gcm);
		break;
	}
	if (ret == 0)
		return 0;
	/* libsodium writes nothing on a bad tag today; the contract is that no
	 * plaintext is ever left in the output, whatever the library does. */
	if (req->len != 0)
		sodium_memzero(req->dst, req->len);
	return -EBADMSG;
}

static inline int
sodium_pmd_check(const struct ce_pmd_request *req)
{
	if (ce_pmd_request_check(req, req->active) < 0 || req->active->digest_len != 16)
		return -EINVAL;
	return 0;
}

/* Run a request: 0, -EBADMSG, or -EINVAL (does not fit its session). */
static int
sodium_pmd_process(struct ce_pmd_request *req)
{
	const struct sodium_pmd_sess *s = req->active->priv;

	if (sodium_pmd_check(req) < 0)
		return -EINVAL;
	if (req->op == CE_OP_ENCRYPT)
		return sodium_pmd_encrypt(s, req);
	return sodium_pmd_decrypt(s, req);
}

static int
sodium_pmd_do_one_request(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	struct sodium_pmd_qp *q = qp->priv;

	if (sodium_pmd_check(req) < 0)
		return -EINVAL; /* not taken (ce_pmd.h) */
	if (sw_done_ring_room(&q->done) == 0)
		return -ENOSPC;
	sw_done_ring_push(&q->done, req, sodium_pmd_process(req));
	return -EINPROGRESS;
}

static uint16_t
sodium_pmd_do_batch_requests(struct ce_pmd_qp *qp, struct ce_pmd_request **reqs, uint16_t nb)
{
	struct sodium_pmd_qp *q = qp->priv;
	uint32_t room = sw_done_ring_room(&q->done);
	uint16_t i;

	if (nb > room)
		nb = (uint16_t)room;
	for (i = 0; i < nb; i++)
		sw_done_ring_push(&q->done, reqs[i], sodium_pmd_process(reqs[i]));
	return nb;
}

static uint16_t
sodium_pmd_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	struct sodium_pmd_qp *q = qp->priv;

	return sw_done_ring_complete(qp, &q->done, max);
}

/* Everything held is computed already: finalize it with its real status. */
static uint16_t
sodium_pmd_cancel(struct ce_pmd_qp *qp, int status)
{
	(void)status;
	return sodium_pmd_poll(qp, UINT16_MAX);
}

static const struct ce_pmd_ops sodium_pmd_ops = {
	.dev_configure = sodium_pmd_dev_configure,
	.session_create = sodium_pmd_session_create,
	.session_destroy = sodium_pmd_session_destroy,
};

static const struct ce_pmd_fast_ops sodium_pmd_fast_ops = {
	.do_one_request = sodium_pmd_do_one_request,
	.do_batch_requests = sodium_pmd_do_batch_requests,
	.poll = sodium_pmd_poll,
	.cancel = sodium_pmd_cancel,
};

static struct ce_pmd_driver sodium_pmd_driver = {
	.name = "sodium",
	.ops = &sodium_pmd_ops,
	.fast = &sodium_pmd_fast_ops,
	.caps = sodium_pmd_caps,
	.nb_caps = sizeof(sodium_pmd_caps) / sizeof(sodium_pmd_caps[0]),
	.max_batch = SODIUM_PMD_MAX_BATCH,
	.flags = CE_PMD_DRV_F_SYNC,
	.in_place = true,
	.out_of_place = true,
	.dev_priv_size = 0,
	.qp_priv_size = sizeof(struct sodium_pmd_qp),
	.sess_priv_size = sizeof(struct sodium_pmd_sess),
};

/*
 * Runs before CE_PMD_REGISTER's constructor (a numbered priority runs
 * first): libsodium detects AES-NI in sodium_init, and without it there is
 * no 256-bit gcm(aes) to offer.
 */
static void __attribute__((constructor(150), used))
sodium_pmd_probe_cpu(void)
{
	if (sodium_init() < 0 || !crypto_aead_aes256gcm_is_available())
		sodium_pmd_driver.nb_caps--;
}

CE_PMD_REGISTER(sodium_pmd_driver)
