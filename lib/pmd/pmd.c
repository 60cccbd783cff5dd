/* SPDX-License-Identifier: BSD-3-Clause */
/* Driver list, devices, sessions: the control path of the PMD interface. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "ce_pmd.h"

static TAILQ_HEAD(, ce_pmd_driver) pmd_drivers = TAILQ_HEAD_INITIALIZER(pmd_drivers);

/* The ops every backend must have (see ce_pmd.h's contract). */
static const char *
pmd_driver_missing(const struct ce_pmd_driver *drv)
{
	if (drv->ops == NULL || drv->ops->dev_configure == NULL)
		return "ops->dev_configure";
	if (drv->fast == NULL || drv->fast->do_one_request == NULL)
		return "fast->do_one_request";
	if (drv->fast->poll == NULL)
		return "fast->poll";
	if ((drv->ops->dma_map == NULL) != (drv->ops->dma_unmap == NULL))
		return "ops->dma_map and ops->dma_unmap (one without the other)";
	return NULL;
}

int
ce_pmd_driver_register(struct ce_pmd_driver *drv)
{
	const char *missing;

	if (drv == NULL || drv->name == NULL || drv->caps == NULL || drv->nb_caps == 0) {
		fprintf(stderr, "pmd: refusing a driver without a name or caps\n");
		return -EINVAL;
	}
	missing = pmd_driver_missing(drv);
	if (missing != NULL) {
		fprintf(stderr, "pmd: refusing driver \"%s\": %s is required\n", drv->name,
			missing);
		return -ENOTSUP;
	}
	if (ce_pmd_driver_find(drv->name) != NULL) {
		fprintf(stderr, "pmd: refusing driver \"%s\": the name is taken\n", drv->name);
		return -EEXIST;
	}
	TAILQ_INSERT_TAIL(&pmd_drivers, drv, next);
	return 0;
}

const struct ce_pmd_driver *
ce_pmd_driver_find(const char *name)
{
	const struct ce_pmd_driver *drv;

	TAILQ_FOREACH(drv, &pmd_drivers, next)
		if (strcmp(drv->name, name) == 0)
			return drv;
	errno = ENOENT;
	return NULL;
}

const struct ce_pmd_driver *
ce_pmd_driver_next(const struct ce_pmd_driver *prev)
{
	return prev == NULL ? TAILQ_FIRST(&pmd_drivers) : TAILQ_NEXT(prev, next);
}

/* Device ids are dense and reused, so that an engine can index its queue
 * pairs by id in a small table however many devices came and went. */
#define PMD_MAX_DEV_IDS 1024
static bool pmd_dev_id_used[PMD_MAX_DEV_IDS];

static int
pmd_dev_id_alloc(void)
{
	for (int i = 0; i < PMD_MAX_DEV_IDS; i++) {
		if (!pmd_dev_id_used[i]) {
			pmd_dev_id_used[i] = true;
			return i;
		}
	}
	return -ENOSPC;
}

static void
pmd_qps_free(struct ce_pmd_dev *dev, uint16_t nb)
{
	for (uint16_t i = nb; i-- > 0;) {
		struct ce_pmd_qp *qp = dev->qps[i];

		if (dev->drv->ops->qp_release != NULL)
			dev->drv->ops->qp_release(qp);
		rte_free(qp->priv);
		rte_free(qp);
	}
}

struct ce_pmd_dev *
ce_pmd_dev_create(const char *drv_name, const char *dev_name,
		  const struct ce_pmd_dev_config *cfg)
{
	const struct ce_pmd_driver *drv = ce_pmd_driver_find(drv_name);
	struct ce_pmd_dev *dev;
	uint16_t i = 0;
	int ret;

	if (drv == NULL)
		return NULL;
	if (cfg->nb_qps == 0) {
		errno = EINVAL;
		return NULL;
	}
	dev = rte_zmalloc_socket("ce_pmd_dev", sizeof(*dev), 0, cfg->socket_id);
	if (dev == NULL)
		goto nomem;
	dev->drv = drv;
	snprintf(dev->name, sizeof(dev->name), "%s", dev_name ? dev_name : drv_name);
	dev->nb_qps = cfg->nb_qps;
	dev->socket_id = cfg->socket_id;
	dev->qps = rte_zmalloc_socket("ce_pmd_qps", sizeof(*dev->qps) * cfg->nb_qps, 0,
				      cfg->socket_id);
	if (dev->qps == NULL)
		goto free_dev;
	if (drv->dev_priv_size != 0) {
		dev->priv = rte_zmalloc_socket("ce_pmd_dev_priv", drv->dev_priv_size,
					       RTE_CACHE_LINE_SIZE, cfg->socket_id);
		if (dev->priv == NULL)
			goto free_qps;
	}
	ret = drv->ops->dev_configure(dev, cfg);
	if (ret < 0)
		goto free_priv_err;

	for (i = 0; i < cfg->nb_qps; i++) {
		struct ce_pmd_qp *qp = rte_zmalloc_socket("ce_pmd_qp", sizeof(*qp),
							  RTE_CACHE_LINE_SIZE, cfg->socket_id);
		if (qp == NULL) {
			ret = -ENOMEM;
			goto release_qps;
		}
		qp->dev = dev;
		qp->id = i;
		if (drv->qp_priv_size != 0) {
			qp->priv = rte_zmalloc_socket("ce_pmd_qp_priv", drv->qp_priv_size,
						      RTE_CACHE_LINE_SIZE, cfg->socket_id);
			if (qp->priv == NULL) {
				rte_free(qp);
				ret = -ENOMEM;
				goto release_qps;
			}
		}
		dev->qps[i] = qp;
		ret = drv->ops->qp_setup != NULL ? drv->ops->qp_setup(qp) : 0;
		if (ret < 0) {
			rte_free(qp->priv);
			rte_free(qp);
			goto release_qps;
		}
	}
	ret = pmd_dev_id_alloc();
	if (ret < 0)
		goto release_qps;
	dev->id = (uint16_t)ret;
	return dev;

release_qps:
	pmd_qps_free(dev, i);
	if (drv->ops->dev_close != NULL)
		drv->ops->dev_close(dev);
free_priv_err:
	rte_free(dev->priv);
	rte_free(dev->qps);
	rte_free(dev);
	errno = -ret;
	return NULL;
free_qps:
	rte_free(dev->qps);
free_dev:
	rte_free(dev);
nomem:
	errno = ENOMEM;
	return NULL;
}

void
ce_pmd_dev_destroy(struct ce_pmd_dev *dev)
{
	if (dev == NULL)
		return;
	pmd_dev_id_used[dev->id] = false;
	pmd_qps_free(dev, dev->nb_qps);
	if (dev->drv->ops->dev_close != NULL)
		dev->drv->ops->dev_close(dev);
	rte_free(dev->priv);
	rte_free(dev->qps);
	rte_free(dev);
}

/* The asymmetric part of ce_pmd_alg_check_params(): the key's size in bits
 * is the backend's to check once it has parsed the key. */
static int
pmd_asym_check_params(const struct ce_pmd_alg_caps *alg,
		      const struct ce_pmd_session_params *params, const char **why)
{
	const char *bad = NULL;
	uint8_t op = params->op;

	if (params->key_len == 0 || params->key_len > CE_ASYM_KEY_MAX)
		bad = "key length (1..4096 bytes of DER)";
	else if (params->key == NULL)
		bad = "key";
	else if (params->iv_len != 0 || params->digest_len != 0 || params->aad_len != 0)
		bad = "iv, digest or aad length (an asymmetric session has none)";
	else if (alg->type == CE_PMD_ALG_KPP && op != CE_OP_KPP_PUBKEY && op != CE_OP_KPP_SECRET)
		bad = "op (kpp: pubkey or secret)";
	else if (alg->type == CE_PMD_ALG_SIG && op != CE_OP_SIGN && op != CE_OP_SIG_VERIFY)
		bad = "op (sig: sign or verify)";
	else if (alg->type == CE_PMD_ALG_AKCIPHER && op != CE_OP_ENCRYPT && op != CE_OP_DECRYPT &&
		 op != CE_OP_SIGN && op != CE_OP_SIG_VERIFY)
		bad = "op (akcipher: encrypt, decrypt, sign or verify)";
	else if (alg->asym_ops != 0 && !(alg->asym_ops & CE_OP_BIT(op)))
		bad = "op (not one of this algorithm's)";
	else if (alg->asym_ops == 0 && alg->type == CE_PMD_ALG_AKCIPHER &&
		 op != CE_OP_ENCRYPT && op != CE_OP_DECRYPT)
		bad = "op (akcipher: encrypt or decrypt)";
	if (bad == NULL)
		return 0;
	if (why != NULL)
		*why = bad;
	return -EINVAL;
}

/* An authenc key: a blob the kernel would take, with a cipher key of a size
 * the implementation has (the HMAC key may have any length). @return NULL,
 * or what is wrong with it. */
static const char *
pmd_authenc_key_why(const struct ce_pmd_alg_caps *alg, const struct ce_pmd_session_params *params)
{
	struct ce_pmd_authenc_key k;
	const char *why = NULL;

	if (ce_pmd_authenc_key_parse(params->key, params->key_len, &k, &why) < 0)
		return why;
	if (!ce_pmd_range_ok(&alg->enc_key_size, k.enc_key_len))
		return "key: authenc cipher key length";
	return NULL;
}

int
ce_pmd_alg_check_params(const struct ce_pmd_alg_caps *alg, const struct ce_pmd_session_params *params,
		    const char **why)
{
	const char *bad = NULL;

	if (ce_pmd_alg_type_is_asym(alg->type))
		return pmd_asym_check_params(alg, params, why);
	if (params->key_len > CE_KEY_MAX || !ce_pmd_range_ok(&alg->key_size, params->key_len))
		bad = "key length";
	else if (params->key_len != 0 && params->key == NULL)
		bad = "key";
	else if (!ce_pmd_range_ok(&alg->iv_size, params->iv_len))
		bad = "iv length";
	else if (!ce_pmd_range_ok(&alg->digest_size, params->digest_len))
		bad = "digest length";
	else if (params->aad_len > alg->aad_size.max)
		bad = "aad length";
	else if (params->op < CE_OP_ENCRYPT || params->op > CE_OP_VERIFY)
		bad = "op";
	else if (alg->type == CE_PMD_ALG_HASH && params->op != CE_OP_DIGEST &&
		 params->op != CE_OP_VERIFY)
		bad = "op (a hash digests or verifies)";
	else if (alg->type != CE_PMD_ALG_HASH && params->op != CE_OP_ENCRYPT &&
		 params->op != CE_OP_DECRYPT)
		bad = "op (a cipher encrypts or decrypts)";
	if (bad == NULL && alg->enc_key_size.max != 0)
		bad = pmd_authenc_key_why(alg, params);
	if (bad == NULL)
		return 0;
	if (why != NULL)
		*why = bad;
	return -EINVAL;
}

/* The device's implementation of name (or exactly driver) with the highest
 * priority, among those without any of the refused flags. */
static const struct ce_pmd_alg_caps *
pmd_alg_find(const struct ce_pmd_driver *drv, const char *name, const char *driver,
	     uint32_t refuse_flags)
{
	const struct ce_pmd_alg_caps *best = NULL;

	for (uint16_t i = 0; i < drv->nb_caps; i++) {
		const struct ce_pmd_alg_caps *c = &drv->caps[i];

		if ((c->flags & refuse_flags) != 0)
			continue;
		if (driver != NULL) {
			if (strcmp(c->driver_name, driver) == 0)
				return c;
			continue;
		}
		if (strcmp(c->name, name) == 0 && (best == NULL || c->priority > best->priority))
			best = c;
	}
	return best;
}

struct ce_pmd_session *
ce_pmd_session_create(struct ce_pmd_dev *dev, const struct ce_pmd_session_params *params,
		  const char **why)
{
	const struct ce_pmd_driver *drv = dev->drv;
	struct ce_pmd_session_params bparams;
	const struct ce_pmd_alg_caps *alg;
	struct ce_pmd_session *sess;
	const char *bwhy = NULL;
	int ret;

	alg = pmd_alg_find(drv, params->alg, params->driver, params->refuse_flags);
	if (alg == NULL || (params->driver != NULL && params->alg != NULL &&
			    strcmp(alg->name, params->alg) != 0)) {
		if (why != NULL)
			*why = "algorithm";
		errno = ENOENT;
		return NULL;
	}
	ret = ce_pmd_alg_check_params(alg, params, why);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	sess = rte_zmalloc_socket("ce_pmd_session", sizeof(*sess), RTE_CACHE_LINE_SIZE,
				  dev->socket_id);
	if (sess == NULL)
		goto nomem;
	if (drv->sess_priv_size != 0) {
		sess->priv = rte_zmalloc_socket("ce_session_priv", drv->sess_priv_size,
						RTE_CACHE_LINE_SIZE, dev->socket_id);
		if (sess->priv == NULL)
			goto free_sess;
	}
	sess->dev = dev;
	sess->alg = alg;
	sess->iv_len = params->iv_len;
	sess->digest_len = params->digest_len;
	sess->aad_len = params->aad_len;
	sess->op = params->op;
	bparams = *params;
	bparams.why = &bwhy;
	ret = drv->ops->session_create != NULL ? drv->ops->session_create(dev, sess, &bparams) : 0;
	if (ret == 0 && ce_pmd_alg_type_is_asym(alg->type) != (sess->out_max != 0)) {
		/* The data path tells the two kinds apart by out_max. */
		if (drv->ops->session_destroy != NULL)
			drv->ops->session_destroy(dev, sess);
		bwhy = "backend bug: out_max must be set for, and only for, an asymmetric session";
		ret = -EPROTO;
	}
	if (ret < 0) {
		rte_free(sess->priv);
		rte_free(sess);
		if (why != NULL)
			*why = bwhy != NULL ? bwhy : "backend refused the session";
		errno = -ret;
		return NULL;
	}
	return sess;

free_sess:
	rte_free(sess);
nomem:
	errno = ENOMEM;
	return NULL;
}

void
ce_pmd_session_destroy(struct ce_pmd_session *sess)
{
	if (sess == NULL)
		return;
	if (sess->dev->drv->ops->session_destroy != NULL)
		sess->dev->drv->ops->session_destroy(sess->dev, sess);
	rte_free(sess->priv);
	rte_free(sess);
}

int
ce_pmd_dma_map(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz)
{
	if (dev->drv->ops->dma_map == NULL)
		return -ENOTSUP;
	return dev->drv->ops->dma_map(dev, addr, len, pg_sz);
}

int
ce_pmd_dma_unmap(struct ce_pmd_dev *dev, void *addr, size_t len)
{
	if (dev->drv->ops->dma_unmap == NULL)
		return -ENOTSUP;
	return dev->drv->ops->dma_unmap(dev, addr, len);
}

int
ce_pmd_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg)
{
	if (dev->drv->ops->fault_inject == NULL)
		return -ENOTSUP;
	return dev->drv->ops->fault_inject(dev, mode, arg);
}

int
ce_pmd_xstats_get(const struct ce_pmd_dev *dev, struct ce_pmd_xstat *xs, unsigned int n)
{
	if (dev->drv->ops->xstats_get == NULL)
		return -ENOTSUP;
	return dev->drv->ops->xstats_get(dev, xs, n);
}

struct pmd_sync_done {
	struct ce_pmd_request *req;
	int status;
	bool done;
};

static void
pmd_sync_finalize(void *ctx, struct ce_pmd_request *req, int status)
{
	struct pmd_sync_done *d = ctx;

	if (req == d->req) {
		d->status = status;
		d->done = true;
	}
}

int
ce_pmd_run_sync(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	const struct ce_pmd_fast_ops *fast = qp->dev->drv->fast;
	struct pmd_sync_done done = { .req = req };
	ce_finalize_fn saved_fn = qp->finalize;
	void *saved_ctx = qp->finalize_ctx;
	int ret;

	qp->finalize = pmd_sync_finalize;
	qp->finalize_ctx = &done;
	req->active = req->sess;
	for (;;) {
		ret = fast->do_one_request(qp, req);
		if (ret != -ENOSPC)
			break;
		fast->poll(qp, 1);
	}
	if (ret != -EINPROGRESS) {
		done.status = ret;
		done.done = true;
	}
	while (!done.done) {
		if (fast->poll(qp, 1) == 0)
			rte_pause();
	}
	qp->finalize = saved_fn;
	qp->finalize_ctx = saved_ctx;
	return done.status;
}
