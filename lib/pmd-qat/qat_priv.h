/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/pmd-qat: the IOVA side shared by the driver and qat_iova.c. */
#ifndef CE_QAT_PRIV_H
#define CE_QAT_PRIV_H

#include <stdbool.h>

#include <rte_dev.h>
#include <rte_memory.h>

#include "ce_pmd_qat.h"

/* The registered regions, read lock-free on the data path: an entry's len is
 * stored last with release and loaded first with acquire (0 = free slot). */
extern struct ce_pmd_qat_region qat_pmd_regions[CE_PMD_QAT_MAX_REGIONS];

/* IOVA of a buffer in DPDK's own memory (memsegs), or RTE_BAD_IOVA. */
rte_iova_t qat_pmd_iova_dpdk(const void *addr, size_t len);

/*
 * IOVA of a buffer the device will read or write. IOVA-as-VA (QAT under
 * VFIO with an IOMMU): the address itself. IOVA-as-PA: a registered client
 * region, else DPDK's own memory (memsegs). Data path: no syscall, no lock.
 * @return the IOVA, or RTE_BAD_IOVA (the request then runs in software).
 */
static inline rte_iova_t
qat_pmd_iova(const void *addr, size_t len, bool va_mode)
{
	rte_iova_t iova;

	if (va_mode)
		return (rte_iova_t)(uintptr_t)addr;
	iova = ce_pmd_qat_iova_lookup(qat_pmd_regions, CE_PMD_QAT_MAX_REGIONS, addr, len);
	if (iova != RTE_BAD_IOVA)
		return iova;
	return qat_pmd_iova_dpdk(addr, len);
}

/* A configured cryptodev's rte_device: regions get DMA-mapped to it. */
int qat_pmd_dma_dev_add(struct rte_device *dev);
void qat_pmd_dma_dev_remove(struct rte_device *dev);

#endif /* CE_QAT_PRIV_H */
