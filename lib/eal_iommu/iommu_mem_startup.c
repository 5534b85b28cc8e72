/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The start-up mapping: every DPDK memory segment at the IOVA its policy
 * gives, all or nothing, one IOAS area each (the unit DPDK frees; iommufd
 * cannot split an area) or, in legacy mode, where DPDK memory never
 * changes, one area per run of segments adjacent in VA and IOVA; then
 * memory events keep the IOAS in step (iommu_mem_events.c).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "iommu_dpdk_memory.h"
#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_mem.h"
#include "iommu_policy.h"
#include "iommu_status.h"

static int
list_index(const struct iommu_dpdk_memory *mem, const struct rte_memseg_list *msl)
{
	unsigned int i;

	for (i = 0; i < mem->nlists; i++)
		if (mem->lists[i] == msl)
			return (int)i;
	return -1;
}

static int
collect_list(const struct rte_memseg_list *msl, void *arg)
{
	struct iommu_dpdk_memory *mem = arg;

	/* External memory carries its own IOVAs and is mapped apart. */
	if (msl->external || msl->base_va == NULL)
		return 0;
	mem->used_len[mem->nlists] = 0;
	mem->lists[mem->nlists++] = msl;
	return 0;
}

static int
collect_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct iommu_dpdk_memory *mem = arg;
	int idx = list_index(mem, msl);
	uint64_t end;

	if (idx < 0)
		return 0;
	if (mem->nsegs == mem->capacity) {
		unsigned int cap = mem->capacity ? mem->capacity * 2 : 256;
		struct iommu_segment *segs = iommu_fault_realloc(mem->segs, sizeof(*segs) * cap);

		if (segs == NULL)
			return -1;
		mem->segs = segs;
		mem->capacity = cap;
	}
	/* Segments are DPDK's; only the window policy writes their iova. */
	mem->segs[mem->nsegs++] = (struct iommu_segment){
		.ms = (struct rte_memseg *)(uintptr_t)ms, .list = idx,
	};
	end = ms->addr_64 + ms->len - (uint64_t)(uintptr_t)msl->base_va;
	if (end > mem->used_len[idx])
		mem->used_len[idx] = end;
	return 0;
}

/*
 * The end of the area starting at segment first: the next segment, or,
 * when DPDK memory never changes (fixed), every following segment of the
 * same list adjacent in VA and IOVA. *len gets the area's length.
 */
static unsigned int
area_end(const struct iommu_dpdk_memory *mem, unsigned int first, int fixed,
		uint64_t *len)
{
	const struct iommu_segment *s = &mem->segs[first];
	unsigned int i = first + 1;

	*len = s->ms->len;
	while (fixed && i < mem->nsegs && mem->segs[i].list == s->list &&
	       mem->segs[i].ms->addr_64 == s->ms->addr_64 + *len &&
	       mem->segs[i].iova == s->iova + *len)
		*len += mem->segs[i++].ms->len;
	return i;
}

/*
 * Map every collected DPDK memory segment at its IOVA, all or nothing: one
 * IOAS area per segment (the unit DPDK frees) or, when DPDK memory never
 * changes, one per run of adjacent segments. *areas gets their number.
 */
static int
map_segments(struct iommu_dpdk_memory *mem, unsigned int *areas)
{
	int fixed = mem->fixed;
	uint64_t total = 0, len = 0, fail_len;
	unsigned int i, done, end;
	char why[768];
	int ret = 0;

	*areas = 0;
	for (i = 0; i < mem->nsegs; i++)
		total += mem->segs[i].ms->len;
	for (i = 0; i < mem->nsegs; i = end) {
		const struct iommu_segment *s = &mem->segs[i];

		end = area_end(mem, i, fixed, &len);
		ret = iommu_map_fixed_locked(s->ms->addr_64, len, s->iova,
			RTE_EAL_IOMMU_OWNER_DPDK);
		if (ret < 0)
			break;
		(*areas)++;
	}
	if (i == mem->nsegs)
		return 0;
	fail_len = len;
	for (done = 0; done < i; done = end) {
		end = area_end(mem, done, fixed, &len);
		if (iommu_map_remove_locked(mem->segs[done].ms->addr_64, len) < 0)
			IOMMU_LOG(ERR, "cannot undo the mapping at VA 0x%" PRIx64,
				mem->segs[done].ms->addr_64);
	}
	/* Undone: what is pinned now is what was pinned before. */
	IOMMU_LOG(ERR, "cannot map DPDK memory (%u segments, %" PRIu64 " bytes) in IOAS %u: the area from segment %u, VA 0x%" PRIx64 " length 0x%" PRIx64 " at IOVA 0x%" PRIx64 ", failed: %s; nothing was mapped",
		mem->nsegs, total, iommu_ioas_id(), i, mem->segs[i].ms->addr_64,
		fail_len, mem->segs[i].iova,
		iommu_map_error_explain(-ret, total, why, sizeof(why)));
	*areas = 0;
	return ret;
}

/* Collect, assign and map DPDK memory; hotplug write lock and lock held. */
static int
map_dpdk_memory_locked(struct iommu_dpdk_memory *mem)
{
	enum rte_eal_iommu_policy policy = RTE_EAL_IOMMU_POLICY_AUTO;
	struct rte_eal_iommu_stats stats;
	unsigned int areas = 0;
	int ret;

	iommu_ioas_assert_locked();
	ret = iommu_policy_resolve_locked(&policy);
	if (ret < 0)
		return ret;
	if (rte_memseg_list_walk_thread_unsafe(collect_list, mem) < 0 ||
	    rte_memseg_walk_thread_unsafe(collect_segment, mem) < 0) {
		IOMMU_LOG(ERR, "cannot list the DPDK memory segments: out of memory; nothing was mapped");
		return -ENOMEM;
	}
	iommu_map_batch_begin_locked();
	ret = iommu_policy_assign_locked(policy, mem);
	if (ret == 0)
		ret = map_segments(mem, &areas);
	if (ret < 0)
		iommu_policy_reset_locked();
	else
		iommu_policy_applied_set_locked(policy, mem);
	iommu_map_batch_end_locked();
	if (ret < 0)
		return ret;
	iommu_map_stats_locked(&stats);
	IOMMU_LOG(INFO, "mapped %u DPDK memory segments in IOAS %u with policy %s (%u IOAS areas, %" PRIu64 " bytes mapped in all)",
		mem->nsegs, iommu_ioas_id(), rte_eal_iommu_policy_name(policy),
		areas, stats.mapped_bytes);
	return 0;
}

int
rte_eal_iommu_map_dpdk_memory(void)
{
	struct iommu_dpdk_memory mem = { .nlists = 0 };
	int ret, mapped = 0;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return iommu_set_rte_errno(-EPERM);
	/* Write lock: no memory event meanwhile, and segments' iova may change. */
	rte_mcfg_mem_write_lock();
	/* Asked of EAL's memory events without the IOAS lock (lock order). */
	mem.fixed = !iommu_mem_events_possible();
	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		ret = -ENODEV;
	} else if (iommu_policy_applied_locked()) {
		ret = 0;
	} else {
		ret = map_dpdk_memory_locked(&mem);
		mapped = ret == 0;
	}
	iommu_ioas_unlock();
	/* Still under the hotplug lock: no memory can change before we follow it. */
	if (mapped)
		iommu_mem_events_start();
	rte_mcfg_mem_write_unlock();
	free(mem.segs);
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
iommu_mem_unmap_locked(void)
{
	int ret;

	iommu_ioas_assert_locked();
	if (!iommu_policy_applied_locked())
		return 0;
	iommu_map_batch_begin_locked();
	ret = iommu_map_remove_owner_locked(RTE_EAL_IOMMU_OWNER_DPDK);
	iommu_status_forget_owner_locked(RTE_EAL_IOMMU_OWNER_DPDK);
	iommu_policy_reset_locked();
	iommu_map_batch_end_locked();
	return ret;
}

int
rte_eal_iommu_unmap_dpdk_memory(void)
{
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return iommu_set_rte_errno(-EPERM);
	rte_mcfg_mem_write_lock();
	iommu_mem_events_stop();
	iommu_ioas_lock();
	ret = iommu_ioas_is_open_locked() ? iommu_mem_unmap_locked() : -ENODEV;
	iommu_ioas_unlock();
	rte_mcfg_mem_write_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}
