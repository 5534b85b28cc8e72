/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A secondary's lookup table follows DPDK memory as the primary maps it:
 * IOVA = VA under va, else the iova the primary gave each segment (shared
 * memory). Registered before the secondary attaches DPDK memory, so EAL's
 * initial sync fills it; in legacy mode, which has no memory events, the
 * bus's probe fills it from the segments (they never change there).
 */

#include <errno.h>
#include <inttypes.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "eal_iommu_driver.h"
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

/* One translation per run of segments adjacent in VA and IOVA. */
struct fixed_fill {
	uint64_t va, iova, len;
	int iova_is_va, ret;
};

static void
fill_flush(struct fixed_fill *f)
{
	if (f->len > 0 && f->ret == 0)
		f->ret = iommu_xlate_insert_locked(f->va, f->iova, f->len);
	f->len = 0;
}

static int
fill_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct fixed_fill *f = arg;
	uint64_t iova = f->iova_is_va ? ms->addr_64 : ms->iova;

	if (msl->external || iova == RTE_BAD_IOVA)
		return 0;
	if (f->len > 0 && (ms->addr_64 != f->va + f->len || iova != f->iova + f->len))
		fill_flush(f);
	if (f->len == 0) {
		f->va = ms->addr_64;
		f->iova = iova;
	}
	f->len += ms->len;
	return 0;
}

int
eal_iommu_secondary_memory_attached(void)
{
	struct fixed_fill f = { .len = 0, .ret = 0 };

	if (rte_eal_process_type() != RTE_PROC_SECONDARY || iommu_mem_events_possible())
		return 0;
	rte_mcfg_mem_read_lock(); /* lock order: EAL's memory lock, then ours */
	iommu_ioas_lock();
	if (iommu_ioas_is_open_locked() && iommu_policy_applied_locked()) {
		f.iova_is_va = iommu_policy_current_locked() == RTE_EAL_IOMMU_POLICY_VA;
		rte_memseg_walk_thread_unsafe(fill_segment, &f);
		fill_flush(&f);
		if (f.ret < 0)
			IOMMU_LOG(ERR, "out of memory: the lookup table of this secondary misses DPDK memory from VA 0x%" PRIx64,
				f.va);
	}
	iommu_ioas_unlock();
	rte_mcfg_mem_read_unlock();
	return f.ret;
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
