/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Memory DPDK adds or frees after the start-up mapping (primary). EAL's
 * memory events cannot veto an allocation: memory that cannot be mapped
 * is recorded (iommu_status.h), logged and counted, and
 * rte_eal_iommu_check() fails until it is freed.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_mem.h"
#include "iommu_policy.h"
#include "iommu_status.h"

#define MEM_EVENT_NAME "eal_iommu"

static void
dpdk_segment_added(struct rte_memseg *ms)
{
	uint64_t iova = iommu_policy_segment_iova_locked(ms);
	int ret;

	ret = iommu_map_fixed_locked(ms->addr_64, ms->len, iova,
		RTE_EAL_IOMMU_OWNER_DPDK);
	if (ret < 0) {
		IOMMU_LOG(ERR, "DPDK memory added at VA 0x%" PRIx64 " length 0x%zx is NOT DMA-able: mapping it (policy %s) failed: %s",
			ms->addr_64, ms->len,
			rte_eal_iommu_policy_name(iommu_policy_current_locked()),
			iova == RTE_BAD_IOVA ? "outside its memory segment list's IOVA window" :
			iommu_map_error_hint(-ret));
		iommu_status_record_failure_locked(ms->addr_64, ms->len, -ret,
			RTE_EAL_IOMMU_OWNER_DPDK);
		iova = RTE_BAD_IOVA;
	}
	iommu_policy_segment_publish_locked(ms, iova);
}

/*
 * External memory added to a heap: at the caller's IOVAs (one area per
 * page), or at one kernel-chosen IOVA. Either way it is freed as a whole.
 */
static void
external_added(const struct rte_memseg_list *msl, uint64_t va, uint64_t len)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg((void *)(uintptr_t)va, msl);
	uint64_t off = 0, iova = RTE_BAD_IOVA;
	int ret = 0;

	if (ms != NULL && ms->iova != RTE_BAD_IOVA) {
		iova = ms->iova;
		for (off = 0; off < len; off += msl->page_sz) {
			ms = rte_mem_virt2memseg((void *)(uintptr_t)(va + off), msl);
			ret = iommu_map_share_locked(va + off, msl->page_sz, ms->iova,
				RTE_EAL_IOMMU_OWNER_EXTERNAL);
			if (ret < 0)
				break;
		}
		while (ret < 0 && off > 0) {
			off -= msl->page_sz;
			iommu_map_remove_locked(va + off, msl->page_sz);
		}
	} else {
		ret = iommu_map_any_locked(va, len, RTE_EAL_IOMMU_OWNER_EXTERNAL,
			&iova);
	}
	if (ret < 0) {
		IOMMU_LOG(ERR, "external memory added at VA 0x%" PRIx64 " length 0x%" PRIx64 " is NOT DMA-able: %s",
			va, len, iommu_map_error_hint(-ret));
		iommu_status_record_failure_locked(va, len, -ret,
			RTE_EAL_IOMMU_OWNER_EXTERNAL);
		return;
	}
	IOMMU_LOG(DEBUG, "external memory at VA 0x%" PRIx64 " length 0x%" PRIx64 " mapped at IOVA 0x%" PRIx64,
		va, len, iova);
}

/* Unmap every mapping inside [va, va + len) and forget failures there. */
static void
range_removed(uint64_t va, uint64_t len)
{
	struct iommu_map cut;
	int ret;

	ret = iommu_map_remove_inside_locked(va, len, &cut);
	if (ret == -EINVAL)
		IOMMU_LOG(ERR, "freed VA [0x%" PRIx64 ", 0x%" PRIx64 "] cuts the mapping at VA 0x%" PRIx64 " length 0x%" PRIx64 ": left mapped",
			va, va + len - 1, cut.va, cut.len);
	else if (ret < 0)
		IOMMU_LOG(ERR, "cannot unmap freed memory at VA 0x%" PRIx64 ": %s",
			cut.va, strerror(-ret));
	iommu_status_forget_locked(va, len);
}

static void
mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	uint64_t va = (uintptr_t)addr, off;

	RTE_SET_USED(arg);
	iommu_ioas_lock();
	if (!iommu_policy_applied_locked() || msl == NULL)
		goto out;
	iommu_map_batch_begin_locked();
	if (type == RTE_MEM_EVENT_FREE) {
		range_removed(va, len);
	} else if (msl->external) {
		external_added(msl, va, len);
	} else {
		for (off = 0; off < len; off += msl->page_sz)
			dpdk_segment_added(rte_mem_virt2memseg(
				(void *)(uintptr_t)(va + off), msl));
	}
	iommu_map_batch_end_locked();
out:
	iommu_ioas_unlock();
}

int
iommu_mem_events_start(void)
{
	iommu_ioas_assert_unlocked();
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, mem_event, NULL) == 0 ||
	    rte_errno == EEXIST)
		return 0;
	if (rte_errno == ENOTSUP) /* legacy memory never changes */
		return 0;
	IOMMU_LOG(ERR, "cannot follow DPDK memory events (%s): memory added later will not be DMA-able",
		rte_strerror(rte_errno));
	return -rte_errno;
}

void
iommu_mem_events_stop(void)
{
	iommu_ioas_assert_unlocked();
	rte_mem_event_callback_unregister(MEM_EVENT_NAME, NULL);
}
