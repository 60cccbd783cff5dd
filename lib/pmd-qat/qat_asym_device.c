/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The asymmetric side of a "cryptodev" device and its queue pairs: the
 * asymmetric session pool, the software device that runs what the cryptodev
 * cannot (asym_sw=, OpenSSL's backend by default), and per queue pair the
 * asymmetric slots — an asymmetric op and a 1 KiB DMA-able buffer each, made
 * once at setup, in q->slots after the symmetric ones with a free stack of
 * their own. The asymmetric ops go on the same cryptodev queue pair as the
 * symmetric ones.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "ce_pmd.h"
#include "qat_priv.h"

/* Asymmetric sessions per device: per queue pair, two device sessions each. */
#define QAT_ASYM_SESSIONS 256

int
qat_asym_dev_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	struct qat_pmd_dev *d = dev->priv;
	char name[RTE_MEMPOOL_NAMESIZE];

	d->nb_qps = cfg->nb_qps;
	if (d->asym_ok) {
		snprintf(name, sizeof(name), "ceqa_%u", d->cdev_id);
		d->asess_pool = rte_cryptodev_asym_session_pool_create(name,
				QAT_ASYM_SESSIONS * 2 * cfg->nb_qps, 0, 0, cfg->socket_id);
		if (d->asess_pool == NULL) {
			fprintf(stderr, "cryptodev: %s: no asymmetric session pool\n",
				d->cdev_name);
			return -ENOMEM;
		}
	}
	if (strcmp(d->asw_drv, "none") != 0) {
		d->aswdev = qat_pmd_sw_dev_create(dev, cfg, d->asw_drv, "asw");
		if (d->aswdev == NULL) {
			int err = errno;

			/* The default backend may not be linked into this program:
			 * then the device alone runs what it can. */
			if (err == ENOENT && !d->asw_explicit)
				return 0;
			fprintf(stderr, "cryptodev: asymmetric software fallback '%s': %s "
				"(asym_sw=none runs without one)\n", d->asw_drv, strerror(err));
			return -err;
		}
	}
	return 0;
}

void
qat_asym_dev_close(struct qat_pmd_dev *d)
{
	if (d->aswdev != NULL) {
		ce_pmd_dev_destroy(d->aswdev);
		d->aswdev = NULL;
	}
	rte_mempool_free(d->asess_pool);
	d->asess_pool = NULL;
}

void
qat_asym_qp_release(struct qat_pmd_qp *q)
{
	rte_free(q->abufs);
	rte_free(q->afree);
	rte_free(q->aiova);
	q->abufs = NULL;
	q->aiova = NULL;
	q->afree = NULL;
	/* The ops were taken once at setup; they go with their pool. */
	rte_mempool_free(q->aop_pool);
	q->aop_pool = NULL;
}

int
qat_asym_qp_setup(struct ce_pmd_qp *qp)
{
	struct qat_pmd_dev *d = qp->dev->priv;
	struct qat_pmd_qp *q = qp->priv;
	int socket = qp->dev->socket_id;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (d->aswdev != NULL) {
		q->aswqp = d->aswdev->qps[qp->id];
		q->aswqp->finalize = qat_pmd_sw_finalize;
		q->aswqp->finalize_ctx = qp;
	}
	if (q->nb_aslots == 0)
		return 0;
	snprintf(name, sizeof(name), "ceqao_%u_%u", d->cdev_id, qp->id);
	q->aop_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_ASYMMETRIC,
						q->nb_aslots, 0, sizeof(struct qat_asym_op_priv),
						socket);
	q->abufs = rte_zmalloc_socket("qat_asym_bufs", sizeof(*q->abufs) * q->nb_aslots,
				      sizeof(*q->abufs), socket);
	q->afree = rte_malloc_socket("qat_asym_free", sizeof(*q->afree) * q->nb_aslots, 0,
				     socket);
	q->aiova = rte_malloc_socket("qat_asym_iova", sizeof(*q->aiova) * q->nb_aslots, 0,
				     socket);
	if (q->aop_pool == NULL || q->abufs == NULL || q->afree == NULL || q->aiova == NULL)
		goto fail;
	for (uint32_t j = 0; j < q->nb_aslots; j++) {
		uint32_t si = q->nslots + j;
		struct qat_pmd_slot *s = &q->slots[si];
		struct qat_asym_op_priv *p;

		if (rte_crypto_op_bulk_alloc(q->aop_pool, RTE_CRYPTO_OP_TYPE_ASYMMETRIC,
					     &s->op, 1) != 1)
			goto fail;
		p = rte_crypto_op_ctod_offset(s->op, struct qat_asym_op_priv *,
					      QAT_ASYM_PRIV_OFF);
		p->slot = QAT_ASYM_SLOT_BIT | si;
		q->aiova[j] = qat_pmd_iova_dpdk(&q->abufs[j], sizeof(q->abufs[j]));
		q->afree[q->nb_afree++] = q->nslots_all - 1 - j;
	}
	return 0;
fail:
	qat_asym_qp_release(q);
	return -ENOMEM;
}
