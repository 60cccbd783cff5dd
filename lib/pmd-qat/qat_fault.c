/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The test-only fault injector of the "cryptodev" backend, kept apart from
 * the driver (as SPDK keeps its error-injection module): a device made with
 * fault_inject=1 lets ce_pmd_qat_fault_set() make every completion an error,
 * withhold completions (a hung device) or shorten enqueue bursts. The data
 * path calls in here only when fault_enabled is set.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"
#include "ce_pmd_qat.h"
#include "qat_priv.h"

/* The most operations an enqueue burst may offer now. */
uint16_t
qat_pmd_fault_enq_limit(struct qat_pmd_qp *q, uint16_t n)
{
	if (__atomic_load_n(&q->d->fault_mode, __ATOMIC_RELAXED) != CE_QAT_FAULT_SHORT_ENQ)
		return n;
	return (uint16_t)RTE_MIN((uint32_t)n, __atomic_load_n(&q->d->fault_arg, __ATOMIC_RELAXED));
}

/* What the data path sees of the n operations just dequeued (max fit in ops). */
uint16_t
qat_pmd_fault_dequeue(struct qat_pmd_qp *q, struct rte_crypto_op **ops, uint16_t n,
		      uint16_t max)
{
	uint32_t mode = __atomic_load_n(&q->d->fault_mode, __ATOMIC_RELAXED);

	if (mode == CE_QAT_FAULT_HANG) {
		for (uint16_t i = 0; i < n; i++)
			q->stash[q->nb_stash++] = ops[i];
		return 0;
	}
	if (mode == CE_QAT_FAULT_ERROR) {
		for (uint16_t i = 0; i < n; i++)
			ops[i]->status = RTE_CRYPTO_OP_STATUS_ERROR;
		return n;
	}
	/* Healed: what was withheld comes back first (late completions). */
	if (q->nb_stash != 0) {
		uint16_t k = (uint16_t)RTE_MIN((uint32_t)max, q->nb_stash);

		/* Those just dequeued go back behind the stash, in order. */
		for (uint16_t i = 0; i < n; i++)
			q->stash[q->nb_stash++] = ops[i];
		memcpy(ops, q->stash, k * sizeof(ops[0]));
		memmove(q->stash, q->stash + k, (q->nb_stash - k) * sizeof(ops[0]));
		q->nb_stash -= k;
		return k;
	}
	return n;
}

int
ce_pmd_qat_fault_set(struct ce_pmd_dev *dev, enum ce_pmd_qat_fault mode, uint32_t arg)
{
	struct qat_pmd_dev *d;

	if (dev == NULL || !qat_pmd_is_ours(dev->drv) || mode > CE_QAT_FAULT_SHORT_ENQ)
		return -EINVAL;
	d = dev->priv;
	if (!d->fault_enabled)
		return -EPERM;
	__atomic_store_n(&d->fault_arg, arg, __ATOMIC_RELAXED);
	__atomic_store_n(&d->fault_mode, (uint32_t)mode, __ATOMIC_RELAXED);
	return 0;
}

/* The fault_inject op: the same modes by name ("none", "error", "hang", "short"). */
int
qat_pmd_fault_inject(struct ce_pmd_dev *dev, const char *mode, uint32_t arg)
{
	static const char *const names[] = {
		[CE_QAT_FAULT_NONE] = "none", [CE_QAT_FAULT_ERROR] = "error",
		[CE_QAT_FAULT_HANG] = "hang", [CE_QAT_FAULT_SHORT_ENQ] = "short",
	};

	for (unsigned int m = 0; m < RTE_DIM(names); m++)
		if (strcmp(mode, names[m]) == 0)
			return ce_pmd_qat_fault_set(dev, (enum ce_pmd_qat_fault)m, arg);
	return -EINVAL;
}

