/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Memory DPDK does not own: external memory and application buffers. */

#include <errno.h>
#include <inttypes.h>

#include "eal_iommu_private.h"

int
eal_iommu_dma_map_owner(void *va, size_t len, uint64_t *iova,
		enum rte_eal_iommu_owner owner)
{
	uint64_t want = *iova;
	int ret;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0)
		ret = -ENODEV;
	else
		ret = iommu_map_locked((uintptr_t)va, len, want, owner, iova);
	if (ret < 0 && ret != -ENODEV)
		IOMMU_LOG(ERR, "cannot map VA %p length 0x%zx at %s%" PRIx64 " in IOAS %u: %s",
			va, len, want == RTE_BAD_IOVA ? "a kernel-chosen IOVA" : "IOVA 0x",
			want == RTE_BAD_IOVA ? 0 : want, eal_iommu.ioas_id,
			iommu_map_error_hint(-ret));
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
	if (eal_iommu.fd < 0)
		ret = -ENODEV;
	else if (m != NULL && m->owner == RTE_EAL_IOMMU_OWNER_DPDK)
		ret = -EPERM; /* DPDK memory follows DPDK's own events */
	else
		ret = iommu_unmap_locked((uintptr_t)va, len);
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

uint64_t
rte_eal_iommu_virt2iova(const void *va)
{
	const struct rte_eal_iommu_map *m;
	uint64_t iova = RTE_BAD_IOVA;

	pthread_mutex_lock(&eal_iommu.lock);
	m = map_table_find(&eal_iommu.maps, (uintptr_t)va);
	if (m != NULL)
		iova = m->iova + ((uintptr_t)va - m->va);
	pthread_mutex_unlock(&eal_iommu.lock);
	return iova;
}
