/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A secondary's lookup table follows DPDK memory as the primary maps it:
 * IOVA = VA under va, else the iova the primary gave each segment (shared
 * memory). Registered before the secondary attaches DPDK memory, so EAL's
 * initial sync fills it.
 */

#include <errno.h>
#include <inttypes.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "iommu_ioas.h"
#include "iommu_mem.h"
#include "iommu_policy.h"
#include "iommu_xlate.h"

#define MEM_EVENT_NAME "eal_iommu"

static void
secondary_mem_event(enum rte_mem_event type, const void *addr, size_t len,
		void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	uint64_t va = (uintptr_t)addr, off;
	int iova_is_va;

	RTE_SET_USED(arg);
	if (msl == NULL || msl->external)
		return;
	iommu_ioas_lock();
	iova_is_va = iommu_policy_current_locked() == RTE_EAL_IOMMU_POLICY_VA;
	for (off = 0; off < len; off += msl->page_sz) {
		const struct rte_memseg *ms = rte_mem_virt2memseg(
			(void *)(uintptr_t)(va + off), msl);
		uint64_t iova = iova_is_va ? va + off : ms->iova;

		if (type == RTE_MEM_EVENT_FREE)
			iommu_xlate_withdraw_locked(va + off, msl->page_sz);
		else if (iova != RTE_BAD_IOVA &&
			 iommu_xlate_insert_locked(va + off, iova, msl->page_sz) < 0)
			IOMMU_LOG(ERR, "out of memory: VA 0x%" PRIx64 " missing from the lookup table",
				va + off);
	}
	iommu_xlate_sync_locked(); /* one grace period for all the pages freed */
	iommu_ioas_unlock();
}

int
iommu_mem_secondary_start(void)
{
	iommu_ioas_assert_unlocked();
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, secondary_mem_event,
			NULL) < 0 && rte_errno != ENOTSUP) {
		IOMMU_LOG(ERR, "cannot follow DPDK memory events: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

void
iommu_mem_secondary_stop(void)
{
	iommu_ioas_assert_unlocked();
	rte_mem_event_callback_unregister(MEM_EVENT_NAME, NULL);
	iommu_ioas_lock();
	iommu_xlate_clear_locked();
	iommu_ioas_unlock();
}
