/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Memory DPDK does not own: external memory and application buffers. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_memory.h>

#include "rte_eal_iommu_lookup.h"

#include "eal_iommu_private.h"

int
eal_iommu_dma_map_owner(void *va, size_t len, uint64_t *iova,
		enum rte_eal_iommu_owner owner)
{
	uint64_t want = *iova;
	char where[32];
	int ret;

	pthread_mutex_lock(&eal_iommu.lock);
	ret = eal_iommu.fd < 0 ? -ENODEV : iommu_primary_only_locked("DMA map");
	if (ret == 0) {
		ret = iommu_map_locked((uintptr_t)va, len, want, owner, iova);
		iommu_protect_locked();
		if (want == RTE_BAD_IOVA)
			snprintf(where, sizeof(where), "a kernel-chosen IOVA");
		else
			snprintf(where, sizeof(where), "IOVA 0x%" PRIx64, want);
		if (ret < 0)
			IOMMU_LOG(ERR, "cannot map VA %p length 0x%zx at %s in IOAS %u: %s",
				va, len, where, eal_iommu.ioas_id,
				iommu_map_error_hint(-ret));
	}
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

int
rte_eal_iommu_dma_map(void *va, size_t len, uint64_t *iova)
{
	return eal_iommu_dma_map_owner(va, len, iova, RTE_EAL_IOMMU_OWNER_APP);
}

int
rte_eal_iommu_dma_unmap(void *va, size_t len)
{
	const struct rte_eal_iommu_map *m;
	int ret;

	pthread_mutex_lock(&eal_iommu.lock);
	m = map_table_find(&eal_iommu.maps, (uintptr_t)va);
	ret = eal_iommu.fd < 0 ? -ENODEV : iommu_primary_only_locked("DMA unmap");
	if (ret == 0 && m != NULL && m->owner == RTE_EAL_IOMMU_OWNER_DPDK)
		ret = -EPERM; /* DPDK memory follows DPDK's own events */
	if (ret == 0) {
		ret = iommu_unmap_locked((uintptr_t)va, len);
		iommu_protect_locked();
	}
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

uint64_t
rte_eal_iommu_virt2iova(const void *va)
{
	const struct rte_eal_iommu_map *m;
	uint64_t iova = RTE_BAD_IOVA;
	int secondary;

	pthread_mutex_lock(&eal_iommu.lock);
	secondary = eal_iommu.secondary;
	if (!secondary) {
		m = map_table_find(&eal_iommu.maps, (uintptr_t)va);
		if (m != NULL)
			iova = m->iova + ((uintptr_t)va - m->va);
	}
	pthread_mutex_unlock(&eal_iommu.lock);
	/* A secondary has no mapping table: its lookup table follows DPDK memory. */
	if (secondary)
		iova = rte_eal_iommu_lookup_slow(va, 1);
	return iova;
}
