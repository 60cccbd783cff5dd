/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IOVAs for zero-copy: client regions registered for DMA (rte_extmem_register
 * + rte_dev_dma_map), the lookup the data path does per buffer, and DPDK's
 * own memory. Software vdevs ignore IOVAs, so mistakes here would pass CI
 * unnoticed: the lookup is a pure function with its own unit test.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "qat_priv.h"

/* Devices that get every region mapped: a QAT VF is one, a vdev too (no-op). */
#define QAT_PMD_MAX_DMA_DEVS 64

struct ce_pmd_qat_region qat_pmd_regions[CE_PMD_QAT_MAX_REGIONS];
/* Devices that mapped each region through the dma_map op (control path). */
static unsigned int qat_pmd_region_refs[CE_PMD_QAT_MAX_REGIONS];
static unsigned int qat_pmd_nb_regions;
static struct rte_device *qat_pmd_dma_devs[QAT_PMD_MAX_DMA_DEVS];
static unsigned int qat_pmd_nb_dma_devs;
/* Control path only: registration may come from any control thread. */
static pthread_mutex_t qat_pmd_region_lock = PTHREAD_MUTEX_INITIALIZER;

rte_iova_t
ce_pmd_qat_iova_lookup(const struct ce_pmd_qat_region *tbl, unsigned int n,
		       const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	if (len == 0)
		len = 1;
	if (a + len < a)
		return RTE_BAD_IOVA;
	for (unsigned int i = 0; i < n; i++) {
		const struct ce_pmd_qat_region *r = &tbl[i];
		/* Acquire: the rest of the entry was written before len. */
		size_t rlen = __atomic_load_n(&r->len, __ATOMIC_ACQUIRE);
		size_t off, first, last;
		rte_iova_t iova;

		if (rlen == 0 || a < r->va || a - r->va >= rlen)
			continue;
		off = a - r->va;
		/* Inside this region but running past its end: no other region
		 * can hold the rest contiguously as far as we know. */
		if (len > rlen - off)
			return RTE_BAD_IOVA;
		if (r->iova == NULL)
			return (rte_iova_t)a;
		first = off / r->pg_sz;
		last = (off + len - 1) / r->pg_sz;
		if (r->iova[first] == RTE_BAD_IOVA)
			return RTE_BAD_IOVA;
		for (size_t p = first + 1; p <= last; p++)
			if (r->iova[p] != r->iova[p - 1] + r->pg_sz)
				return RTE_BAD_IOVA;
		iova = r->iova[first] + off % r->pg_sz;
		return iova;
	}
	return RTE_BAD_IOVA;
}

/* DPDK memory (mempools, rte_malloc): memsegs, contiguous in IOVA or not. */
rte_iova_t
qat_pmd_iova_dpdk(const void *addr, size_t len)
{
	const struct rte_memseg *ms, *me;
	const uint8_t *end;
	rte_iova_t iova;

	if (len == 0)
		len = 1;
	ms = rte_mem_virt2memseg(addr, NULL);
	if (ms == NULL || ms->iova == RTE_BAD_IOVA)
		return RTE_BAD_IOVA;
	iova = ms->iova + (uintptr_t)addr - (uintptr_t)ms->addr;
	end = (const uint8_t *)addr + len - 1;
	if ((uintptr_t)end < (uintptr_t)ms->addr + ms->len)
		return iova;
	me = rte_mem_virt2memseg(end, NULL);
	if (me == NULL || me->iova == RTE_BAD_IOVA ||
	    me->iova + ((uintptr_t)end - (uintptr_t)me->addr) != iova + len - 1)
		return RTE_BAD_IOVA;
	/* The ends line up; pages in between are assumed to follow (memsegs of
	 * one list are contiguous in IOVA whenever both ends are). */
	return iova;
}

static int
qat_pmd_dma_map_all(void *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < qat_pmd_nb_dma_devs; i++) {
		if (rte_dev_dma_map(qat_pmd_dma_devs[i], addr, (uintptr_t)addr, len) < 0 &&
		    rte_errno != ENOTSUP)
			goto unwind;
	}
	return 0;
unwind:
	{
		int err = rte_errno;

		while (i-- > 0)
			rte_dev_dma_unmap(qat_pmd_dma_devs[i], addr, (uintptr_t)addr, len);
		return -err;
	}
}

/* The slot of the region at addr, or CE_PMD_QAT_MAX_REGIONS. Under the lock. */
static unsigned int
qat_pmd_region_find(const void *addr)
{
	for (unsigned int i = 0; i < CE_PMD_QAT_MAX_REGIONS; i++)
		if (qat_pmd_regions[i].len != 0 && qat_pmd_regions[i].va == (uintptr_t)addr)
			return i;
	return CE_PMD_QAT_MAX_REGIONS;
}

/* Register a region not registered yet. Under the lock. */
static int
qat_pmd_region_add(void *addr, size_t len, size_t pg_sz)
{
	bool va_mode = rte_eal_iova_mode() == RTE_IOVA_VA;
	unsigned int n_pages, slot = CE_PMD_QAT_MAX_REGIONS;
	rte_iova_t *tbl = NULL;
	int ret;

	if (addr == NULL || len == 0 || pg_sz == 0 || (uintptr_t)addr % pg_sz != 0 ||
	    len % pg_sz != 0 || len / pg_sz > UINT32_MAX)
		return -EINVAL;
	n_pages = (unsigned int)(len / pg_sz);
	for (unsigned int i = 0; i < CE_PMD_QAT_MAX_REGIONS; i++) {
		if (qat_pmd_regions[i].len == 0) {
			slot = i;
			break;
		}
	}
	if (slot == CE_PMD_QAT_MAX_REGIONS) {
		fprintf(stderr, "cryptodev: refusing region %p (+%zu): %u regions registered, "
			"the most this daemon allows (CE_PMD_QAT_MAX_REGIONS; EAL has %d memseg "
			"lists for all memory, VFIO 256 DMA mappings)\n",
			addr, len, qat_pmd_nb_regions, RTE_MAX_MEMSEG_LISTS);
		return -ENOSPC;
	}
	if (!va_mode) {
		/* IOVA-as-PA: the device needs each page's physical address. */
		tbl = calloc(n_pages, sizeof(*tbl));
		if (tbl == NULL)
			return -ENOMEM;
		for (unsigned int p = 0; p < n_pages; p++) {
			volatile uint8_t *pg = (uint8_t *)addr + (size_t)p * pg_sz;

			(void)*pg; /* fault the page in before asking for its frame */
			tbl[p] = rte_mem_virt2phy((const void *)pg);
			if (tbl[p] == RTE_BAD_IOVA) {
				fprintf(stderr, "cryptodev: region %p: page %u has no physical "
					"address (IOVA-as-PA needs root and pinned pages)\n",
					addr, p);
				ret = -EFAULT;
				goto free_tbl;
			}
		}
	}
	if (rte_extmem_register(addr, len, tbl, tbl != NULL ? n_pages : 0, pg_sz) < 0) {
		ret = -rte_errno;
		fprintf(stderr, "cryptodev: rte_extmem_register(%p, %zu): %s\n", addr, len,
			rte_strerror(rte_errno));
		goto free_tbl;
	}
	/* With IOVA-as-PA there is no IOMMU to program (no-IOMMU VFIO or UIO). */
	if (va_mode) {
		ret = qat_pmd_dma_map_all(addr, len);
		if (ret < 0)
			goto unregister;
	}
	qat_pmd_regions[slot].va = (uintptr_t)addr;
	qat_pmd_regions[slot].pg_sz = pg_sz;
	qat_pmd_regions[slot].iova = tbl;
	/* Release: the data path sees the entry only once it is complete. */
	__atomic_store_n(&qat_pmd_regions[slot].len, len, __ATOMIC_RELEASE);
	qat_pmd_region_refs[slot] = 1;
	qat_pmd_nb_regions++;
	return 0;

unregister:
	rte_extmem_unregister(addr, len);
free_tbl:
	free(tbl);
	return ret;
}

/* Unregister the region in slot i. Under the lock. */
static void
qat_pmd_region_remove(unsigned int i)
{
	struct ce_pmd_qat_region *r = &qat_pmd_regions[i];
	size_t len = r->len;
	void *addr = (void *)r->va;

	__atomic_store_n(&r->len, 0, __ATOMIC_RELEASE);
	if (r->iova == NULL)
		for (unsigned int d = 0; d < qat_pmd_nb_dma_devs; d++)
			rte_dev_dma_unmap(qat_pmd_dma_devs[d], addr, (uintptr_t)addr, len);
	rte_extmem_unregister(addr, len);
	free((void *)(uintptr_t)r->iova);
	r->iova = NULL;
	qat_pmd_region_refs[i] = 0;
	qat_pmd_nb_regions--;
}

int
ce_pmd_qat_region_register(void *addr, size_t len, size_t pg_sz)
{
	int ret = -EEXIST;

	pthread_mutex_lock(&qat_pmd_region_lock);
	if (qat_pmd_region_find(addr) == CE_PMD_QAT_MAX_REGIONS)
		ret = qat_pmd_region_add(addr, len, pg_sz);
	pthread_mutex_unlock(&qat_pmd_region_lock);
	return ret;
}

int
ce_pmd_qat_region_unregister(void *addr)
{
	unsigned int i;
	int ret = -ENOENT;

	pthread_mutex_lock(&qat_pmd_region_lock);
	i = qat_pmd_region_find(addr);
	if (i != CE_PMD_QAT_MAX_REGIONS) {
		qat_pmd_region_remove(i);
		ret = 0;
	}
	pthread_mutex_unlock(&qat_pmd_region_lock);
	return ret;
}

/* The dma_map op: the region is registered once and mapped to every
 * configured cryptodev; each device that asks holds a reference. */
int
qat_pmd_dma_map(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz)
{
	unsigned int i;
	int ret = 0;

	RTE_SET_USED(dev);
	pthread_mutex_lock(&qat_pmd_region_lock);
	i = qat_pmd_region_find(addr);
	if (i == CE_PMD_QAT_MAX_REGIONS)
		ret = qat_pmd_region_add(addr, len, pg_sz);
	else if (qat_pmd_regions[i].len != len)
		ret = -EINVAL;
	else
		qat_pmd_region_refs[i]++;
	pthread_mutex_unlock(&qat_pmd_region_lock);
	return ret;
}

int
qat_pmd_dma_unmap(struct ce_pmd_dev *dev, void *addr, size_t len)
{
	unsigned int i;
	int ret = -ENOENT;

	RTE_SET_USED(dev);
	RTE_SET_USED(len);
	pthread_mutex_lock(&qat_pmd_region_lock);
	i = qat_pmd_region_find(addr);
	if (i != CE_PMD_QAT_MAX_REGIONS) {
		if (--qat_pmd_region_refs[i] == 0)
			qat_pmd_region_remove(i);
		ret = 0;
	}
	pthread_mutex_unlock(&qat_pmd_region_lock);
	return ret;
}

unsigned int
ce_pmd_qat_region_count(void)
{
	return __atomic_load_n(&qat_pmd_nb_regions, __ATOMIC_RELAXED);
}

int
qat_pmd_dma_dev_add(struct rte_device *dev)
{
	int ret = 0;

	pthread_mutex_lock(&qat_pmd_region_lock);
	if (qat_pmd_nb_dma_devs == QAT_PMD_MAX_DMA_DEVS) {
		ret = -ENOSPC;
		goto unlock;
	}
	/* Regions registered before this device was configured. */
	if (rte_eal_iova_mode() == RTE_IOVA_VA) {
		for (unsigned int i = 0; i < CE_PMD_QAT_MAX_REGIONS; i++) {
			struct ce_pmd_qat_region *r = &qat_pmd_regions[i];

			if (r->len != 0 &&
			    rte_dev_dma_map(dev, (void *)r->va, r->va, r->len) < 0 &&
			    rte_errno != ENOTSUP) {
				ret = -rte_errno;
				while (i-- > 0)
					if (qat_pmd_regions[i].len != 0)
						rte_dev_dma_unmap(dev, (void *)qat_pmd_regions[i].va,
								  qat_pmd_regions[i].va,
								  qat_pmd_regions[i].len);
				goto unlock;
			}
		}
	}
	qat_pmd_dma_devs[qat_pmd_nb_dma_devs++] = dev;
unlock:
	pthread_mutex_unlock(&qat_pmd_region_lock);
	return ret;
}

void
qat_pmd_dma_dev_remove(struct rte_device *dev)
{
	pthread_mutex_lock(&qat_pmd_region_lock);
	for (unsigned int i = 0; i < qat_pmd_nb_dma_devs; i++) {
		if (qat_pmd_dma_devs[i] != dev)
			continue;
		if (rte_eal_iova_mode() == RTE_IOVA_VA)
			for (unsigned int r = 0; r < CE_PMD_QAT_MAX_REGIONS; r++)
				if (qat_pmd_regions[r].len != 0)
					rte_dev_dma_unmap(dev, (void *)qat_pmd_regions[r].va,
							  qat_pmd_regions[r].va,
							  qat_pmd_regions[r].len);
		qat_pmd_dma_devs[i] = qat_pmd_dma_devs[--qat_pmd_nb_dma_devs];
		break;
	}
	pthread_mutex_unlock(&qat_pmd_region_lock);
}
