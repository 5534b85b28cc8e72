/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Memory DPDK does not own: external memory and application buffers. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_memory.h>

#include "rte_eal_iommu_lookup.h"
#include "eal_iommu_driver.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_status.h"

/*
 * Is every page of [va, va + len) mapped in this process? The kernel pins
 * pages only once a device is attached, so without one a map of a hole
 * would succeed and fail the later attach. msync(MS_ASYNC) only checks.
 */
static int
va_in_process(const void *va, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = RTE_ALIGN_FLOOR((uintptr_t)va, page);

	return len == 0 || msync((void *)start, (uintptr_t)va + len - start, MS_ASYNC) == 0;
}

/* The kernel maps whole pages: a partial page would reach its neighbours. */
static int
page_aligned(const void *va, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	return (((uintptr_t)va | len) & (page - 1)) == 0;
}

/* Map at want, or at a kernel-chosen IOVA (*iova) if want is RTE_BAD_IOVA. */
static int
map_locked(void *va, size_t len, uint64_t want, enum rte_eal_iommu_owner owner,
		uint64_t *iova)
{
	if (!va_in_process(va, len))
		return -EFAULT;
	if (want == RTE_BAD_IOVA)
		return iommu_map_any_locked((uintptr_t)va, len, owner, iova);
	/* External memory is shared: several devices DMA-map it. */
	if (owner == RTE_EAL_IOMMU_OWNER_EXTERNAL)
		return iommu_map_share_locked((uintptr_t)va, len, want, owner);
	return iommu_map_fixed_locked((uintptr_t)va, len, want, owner);
}

int
eal_iommu_dma_map_owner(void *va, size_t len, uint64_t *iova,
		enum rte_eal_iommu_owner owner)
{
	uint64_t want = *iova;
	char where[32], why[768];
	int ret;

	iommu_ioas_lock();
	ret = !iommu_ioas_is_open_locked() ? -ENODEV :
		iommu_ioas_require_primary_locked("DMA map");
	if (ret == 0 && !page_aligned(va, len)) {
		IOMMU_LOG(ERR, "cannot map VA %p length 0x%zx: not page-aligned; map whole pages (align the VA down and the length up to %ld bytes)",
			va, len, sysconf(_SC_PAGESIZE));
		ret = -EINVAL;
	} else if (ret == 0) {
		ret = map_locked(va, len, want, owner, iova);
		if (want == RTE_BAD_IOVA)
			snprintf(where, sizeof(where), "a kernel-chosen IOVA");
		else
			snprintf(where, sizeof(where), "IOVA 0x%" PRIx64, want);
		if (ret < 0)
			IOMMU_LOG(ERR, "cannot map VA %p length 0x%zx at %s in IOAS %u: %s",
				va, len, where, iommu_ioas_id(),
				iommu_map_error_explain(-ret, len, why, sizeof(why)));
	}
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
rte_eal_iommu_dma_map(void *va, size_t len, uint64_t *iova)
{
	return eal_iommu_dma_map_owner(va, len, iova, RTE_EAL_IOMMU_OWNER_APP);
}

int
rte_eal_iommu_dma_unmap(void *va, size_t len)
{
	struct iommu_map m;
	int ret;

	iommu_ioas_lock();
	ret = !iommu_ioas_is_open_locked() ? -ENODEV :
		iommu_ioas_require_primary_locked("DMA unmap");
	if (ret == 0 && iommu_map_find_locked((uintptr_t)va, &m) == 0) {
		if (m.owner == RTE_EAL_IOMMU_OWNER_DPDK) {
			ret = -EPERM; /* DPDK memory follows DPDK's own events */
		} else if (m.va != (uintptr_t)va || m.len != len) {
			IOMMU_LOG(ERR, "cannot unmap VA %p length 0x%zx: it is part of the mapping at VA 0x%" PRIx64 " length 0x%" PRIx64 ", which is unmapped whole (the VA and length it was mapped with)",
				va, len, m.va, m.len);
			ret = -EINVAL;
		}
	}
	if (ret == 0)
		ret = iommu_map_remove_locked((uintptr_t)va, len);
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

uint64_t
rte_eal_iommu_virt2iova(const void *va)
{
	uint64_t iova = RTE_BAD_IOVA;
	struct iommu_map m;
	int secondary;

	iommu_ioas_lock();
	secondary = iommu_ioas_is_secondary();
	if (!secondary && iommu_map_find_locked((uintptr_t)va, &m) == 0)
		iova = m.iova + ((uintptr_t)va - m.va);
	iommu_ioas_unlock();
	/* A secondary has no mapping table: its lookup table follows DPDK memory. */
	if (secondary)
		iova = rte_eal_iommu_lookup_slow(va, 1);
	return iova;
}
