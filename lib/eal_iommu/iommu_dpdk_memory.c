/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DPDK memory in the IOAS: the policy gives each memory segment its IOVA,
 * the initial mapping is all or nothing, and memory events keep the IOAS in
 * step with memory DPDK adds or frees later (one IOAS area per segment, the
 * unit DPDK frees). Lock order: EAL memory hotplug lock, then eal_iommu.lock.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "eal_iommu_private.h"
#include "iommu_window.h"
#include "iommu_xlate.h"

#define MEM_EVENT_NAME "eal_iommu"

/* A DPDK memory segment and the IOVA its policy gives it. */
struct segment {
	struct rte_memseg *ms;
	unsigned int list; /* index in dpdk_memory.lists */
	uint64_t iova;
};

/* What DPDK memory looks like, collected under the hotplug lock. */
struct dpdk_memory {
	const struct rte_memseg_list *lists[RTE_MAX_MEMSEG_LISTS];
	uint64_t used_len[RTE_MAX_MEMSEG_LISTS]; /* bytes from base holding segments */
	unsigned int nlists;
	struct segment *segs;
	unsigned int nsegs;
	unsigned int capacity;
};

static int
list_index(const struct dpdk_memory *mem, const struct rte_memseg_list *msl)
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
	struct dpdk_memory *mem = arg;

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
	struct dpdk_memory *mem = arg;
	int idx = list_index(mem, msl);
	uint64_t end;

	if (idx < 0)
		return 0;
	if (mem->nsegs == mem->capacity) {
		unsigned int cap = mem->capacity ? mem->capacity * 2 : 256;
		struct segment *segs = realloc(mem->segs, sizeof(*segs) * cap);

		if (segs == NULL)
			return -1;
		mem->segs = segs;
		mem->capacity = cap;
	}
	/* Segments are DPDK's; only the window policy writes their iova. */
	mem->segs[mem->nsegs++] = (struct segment){
		.ms = (struct rte_memseg *)(uintptr_t)ms, .list = idx,
	};
	end = ms->addr_64 + ms->len - (uint64_t)(uintptr_t)msl->base_va;
	if (end > mem->used_len[idx])
		mem->used_len[idx] = end;
	return 0;
}

static const char *
fix_hint(enum rte_eal_iommu_policy policy)
{
	switch (policy) {
	case RTE_EAL_IOMMU_POLICY_VA:
		return "run with --iova-mode=pa (the pa policy maps physical addresses), or with -a bus=iommufd,policy=window and --iova-mode=pa, or place DPDK memory inside a valid range with --base-virtaddr=<address>";
	case RTE_EAL_IOMMU_POLICY_PA:
		return "select -a bus=iommufd,policy=window (IOVAs chosen inside the valid ranges)";
	default:
		return "use less DPDK memory (-m, fewer hugepages) or devices whose IOMMU aperture is wider";
	}
}

/* Log why DPDK memory cannot be mapped: what, where, the ranges, the fix. */
static void
report_outside(enum rte_eal_iommu_policy policy, unsigned int outside,
		unsigned int total, const char *what, uint64_t va, uint64_t iova,
		uint64_t len)
{
	char ranges[512];

	IOMMU_LOG(ERR, "cannot map DPDK memory with policy %s: %u of %u %s lie outside the valid IOVA ranges of IOAS %u; nothing was mapped",
		rte_eal_iommu_policy_name(policy), outside, total, what,
		eal_iommu.ioas_id);
	IOMMU_LOG(ERR, "  first: VA [0x%" PRIx64 ", 0x%" PRIx64 "] at IOVA [0x%" PRIx64 ", 0x%" PRIx64 "]",
		va, va + len - 1, iova, iova + len - 1);
	IOMMU_LOG(ERR, "  valid IOVA ranges: %s (alignment 0x%" PRIx64 ")",
		iova_ranges_format(&eal_iommu.ranges, ranges, sizeof(ranges)),
		eal_iommu.ranges.alignment);
	IOMMU_LOG(ERR, "  to fix: %s", fix_hint(policy));
}

/* va: every list's whole VA window must fit, for memory added later too. */
static int
assign_va(struct dpdk_memory *mem)
{
	unsigned int i, outside = 0, first = 0;

	for (i = 0; i < mem->nlists; i++) {
		const struct rte_memseg_list *msl = mem->lists[i];
		uint64_t base = (uintptr_t)msl->base_va;

		eal_iommu.windows[i] = (struct iommu_window){
			.va_base = base, .len = msl->len, .iova_base = base,
			.page_sz = msl->page_sz,
		};
		if (!iova_ranges_contain(&eal_iommu.ranges, base, msl->len) &&
		    outside++ == 0)
			first = i;
	}
	if (outside > 0) {
		const struct iommu_window *w = &eal_iommu.windows[first];

		report_outside(RTE_EAL_IOMMU_POLICY_VA, outside, mem->nlists,
			"memory segment list VA windows", w->va_base, w->iova_base,
			w->len);
		return -ERANGE;
	}
	eal_iommu.nwindows = mem->nlists;
	for (i = 0; i < mem->nsegs; i++)
		mem->segs[i].iova = mem->segs[i].ms->addr_64;
	return 0;
}

/* pa: each page's physical address, as EAL set it in PA mode. */
static int
assign_pa(struct dpdk_memory *mem)
{
	unsigned int i, outside = 0, first = 0;

	for (i = 0; i < mem->nsegs; i++) {
		const struct rte_memseg *ms = mem->segs[i].ms;

		mem->segs[i].iova = ms->iova;
		if ((ms->iova == RTE_BAD_IOVA ||
		     !iova_ranges_contain(&eal_iommu.ranges, ms->iova, ms->len)) &&
		    outside++ == 0)
			first = i;
	}
	if (outside > 0) {
		const struct rte_memseg *ms = mem->segs[first].ms;

		report_outside(RTE_EAL_IOMMU_POLICY_PA, outside, mem->nsegs,
			"memory segments", ms->addr_64, ms->iova, ms->len);
		return -ERANGE;
	}
	return 0;
}

/* Bytes of hugepages of page_sz on socket: what can back its lists. */
static uint64_t
backable_bytes(int socket, uint64_t page_sz)
{
	char path[128];
	unsigned long pages = 0;

	snprintf(path, sizeof(path),
		"/sys/devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
		socket, page_sz >> 10);
	if (iommu_nr_hugepages(path, &pages) < 0) {
		snprintf(path, sizeof(path),
			"/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
			page_sz >> 10);
		if (iommu_nr_hugepages(path, &pages) < 0)
			pages = 0;
	}
	return pages * page_sz;
}

/* window: one IOVA window per list, sized by what can back it. */
static int
assign_window(struct dpdk_memory *mem)
{
	struct window_request req[RTE_MAX_MEMSEG_LISTS];
	struct iova_range *used;
	unsigned int i, j, nused = 0, failed = 0;
	int ret;

	for (i = 0; i < mem->nlists; i++) {
		const struct rte_memseg_list *msl = mem->lists[i];
		uint64_t budget = backable_bytes(msl->socket_id, msl->page_sz);

		/* Earlier lists of the same type take the budget first. */
		for (j = 0; j < i; j++)
			if (mem->lists[j]->socket_id == msl->socket_id &&
			    mem->lists[j]->page_sz == msl->page_sz)
				budget -= RTE_MIN(budget, req[j].need);
		req[i] = (struct window_request){
			.va_base = (uintptr_t)msl->base_va, .va_len = msl->len,
			.page_sz = msl->page_sz, .need = RTE_MIN(budget, msl->len),
			.min_len = mem->used_len[i],
		};
	}
	/* Windows go around whatever else the IOAS maps. */
	used = malloc(sizeof(*used) * (eal_iommu.maps.count + 1));
	if (used == NULL)
		return -ENOMEM;
	for (i = 0; i < eal_iommu.maps.count; i++)
		used[nused++] = (struct iova_range){ eal_iommu.maps.maps[i].iova,
			eal_iommu.maps.maps[i].iova + eal_iommu.maps.maps[i].len - 1 };
	ret = window_plan(&eal_iommu.ranges, used, nused, req, mem->nlists,
		eal_iommu.windows, &failed);
	free(used);
	if (ret == -ENOSPC) {
		char ranges[512];

		IOMMU_LOG(ERR, "cannot map DPDK memory with policy window: no room for a 0x%" PRIx64 "-byte IOVA window for the memory segment list at VA 0x%" PRIx64 " in the valid IOVA ranges of IOAS %u; nothing was mapped",
			req[failed].min_len > req[failed].need ? req[failed].min_len :
			req[failed].need, req[failed].va_base, eal_iommu.ioas_id);
		IOMMU_LOG(ERR, "  valid IOVA ranges: %s",
			iova_ranges_format(&eal_iommu.ranges, ranges, sizeof(ranges)));
		IOMMU_LOG(ERR, "  to fix: %s", fix_hint(RTE_EAL_IOMMU_POLICY_WINDOW));
	}
	if (ret < 0)
		return ret;
	eal_iommu.nwindows = mem->nlists;
	for (i = 0; i < mem->nlists; i++)
		if (eal_iommu.windows[i].len > 0)
			IOMMU_LOG(INFO, "IOVA window [0x%" PRIx64 ", 0x%" PRIx64 "] for the memory segment list at VA 0x%" PRIx64,
				eal_iommu.windows[i].iova_base,
				eal_iommu.windows[i].iova_base + eal_iommu.windows[i].len - 1,
				eal_iommu.windows[i].va_base);
	for (i = 0; i < mem->nsegs; i++) {
		const struct iommu_window *w = &eal_iommu.windows[mem->segs[i].list];

		mem->segs[i].iova = w->iova_base + (mem->segs[i].ms->addr_64 - w->va_base);
	}
	return 0;
}

/* The window policy's IOVA for va, or RTE_BAD_IOVA outside every window. */
static uint64_t
window_iova(uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < eal_iommu.nwindows; i++) {
		const struct iommu_window *w = &eal_iommu.windows[i];

		if (va >= w->va_base && va - w->va_base + len <= w->len)
			return w->iova_base + (va - w->va_base);
	}
	return RTE_BAD_IOVA;
}

/* The policy the EAL IOVA mode allows; -ENOTSUP with a message if none. */
static int
resolve_policy(enum rte_eal_iommu_policy *effective)
{
	enum rte_iova_mode mode = rte_eal_iova_mode();
	enum rte_eal_iommu_policy p = eal_iommu.requested;

	if (p == RTE_EAL_IOMMU_POLICY_AUTO)
		p = mode == RTE_IOVA_PA ? RTE_EAL_IOMMU_POLICY_PA :
			RTE_EAL_IOMMU_POLICY_VA;
	if (p == RTE_EAL_IOMMU_POLICY_VA && mode != RTE_IOVA_VA) {
		IOMMU_LOG(ERR, "policy va (IOVA = VA) needs EAL IOVA mode 'va' but it is 'pa': drop --iova-mode=pa, or select the pa or window policy");
		return -ENOTSUP;
	}
	if (p != RTE_EAL_IOMMU_POLICY_VA && mode != RTE_IOVA_PA) {
		IOMMU_LOG(ERR, "policy %s needs EAL IOVA mode 'pa' (DPDK then uses each segment's iova) but it is 'va': run with --iova-mode=pa (as root)",
			rte_eal_iommu_policy_name(p));
		return -ENOTSUP;
	}
	*effective = p;
	return 0;
}

static void
clear_windows(void)
{
	eal_iommu.nwindows = 0;
	memset(eal_iommu.windows, 0, sizeof(eal_iommu.windows));
}

/* Map every collected DPDK memory segment at its IOVA; all or nothing. */
static int
map_segments(struct dpdk_memory *mem, enum rte_eal_iommu_policy policy)
{
	unsigned int i, done;
	int ret;

	for (i = 0; i < mem->nsegs; i++) {
		const struct segment *s = &mem->segs[i];

		ret = iommu_map_locked(s->ms->addr_64, s->ms->len, s->iova,
			RTE_EAL_IOMMU_OWNER_DPDK, NULL);
		if (ret < 0) {
			IOMMU_LOG(ERR, "cannot map VA 0x%" PRIx64 " length 0x%zx at IOVA 0x%" PRIx64 " in IOAS %u: %s; nothing was mapped",
				s->ms->addr_64, s->ms->len, s->iova, eal_iommu.ioas_id,
				iommu_map_error_hint(-ret));
			break;
		}
	}
	if (i < mem->nsegs) {
		for (done = i; done-- > 0; )
			if (iommu_unmap_locked(mem->segs[done].ms->addr_64,
					mem->segs[done].ms->len) < 0)
				IOMMU_LOG(ERR, "cannot undo the mapping at VA 0x%" PRIx64,
					mem->segs[done].ms->addr_64);
		return ret; /* the caller protects */
	}
	if (policy == RTE_EAL_IOMMU_POLICY_WINDOW)
		for (i = 0; i < mem->nsegs; i++)
			mem->segs[i].ms->iova = mem->segs[i].iova;
	return 0;
}

/* The IOVA the policy gives a new DPDK segment; RTE_BAD_IOVA if none. */
static uint64_t
policy_iova(const struct rte_memseg *ms)
{
	switch (eal_iommu.effective) {
	case RTE_EAL_IOMMU_POLICY_VA:
		return ms->addr_64;
	case RTE_EAL_IOMMU_POLICY_PA:
		return ms->iova;
	default:
		return window_iova(ms->addr_64, ms->len);
	}
}

static void
dpdk_segment_added(struct rte_memseg *ms)
{
	uint64_t iova = policy_iova(ms);
	int ret;

	ret = iova == RTE_BAD_IOVA ? -ERANGE :
		iommu_map_locked(ms->addr_64, ms->len, iova,
			RTE_EAL_IOMMU_OWNER_DPDK, NULL);
	if (ret < 0) {
		IOMMU_LOG(ERR, "DPDK memory added at VA 0x%" PRIx64 " length 0x%zx is NOT DMA-able: mapping it (policy %s) failed: %s",
			ms->addr_64, ms->len,
			rte_eal_iommu_policy_name(eal_iommu.effective),
			iova == RTE_BAD_IOVA ? "outside its memory segment list's IOVA window" :
			iommu_map_error_hint(-ret));
		if (iova == RTE_BAD_IOVA)
			eal_iommu.stats.map_failures++;
		iommu_failure_record_locked(ms->addr_64, ms->len, -ret,
			RTE_EAL_IOMMU_OWNER_DPDK);
		/* No device may be handed the physical address instead. */
		if (eal_iommu.effective == RTE_EAL_IOMMU_POLICY_WINDOW)
			ms->iova = RTE_BAD_IOVA;
		return;
	}
	if (eal_iommu.effective == RTE_EAL_IOMMU_POLICY_WINDOW)
		ms->iova = iova;
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
			ret = iommu_map_locked(va + off, msl->page_sz, ms->iova,
				RTE_EAL_IOMMU_OWNER_EXTERNAL, NULL);
			if (ret < 0)
				break;
		}
		while (ret < 0 && off > 0) {
			off -= msl->page_sz;
			iommu_unmap_locked(va + off, msl->page_sz);
		}
	} else {
		ret = iommu_map_locked(va, len, RTE_BAD_IOVA,
			RTE_EAL_IOMMU_OWNER_EXTERNAL, &iova);
	}
	if (ret < 0) {
		IOMMU_LOG(ERR, "external memory added at VA 0x%" PRIx64 " length 0x%" PRIx64 " is NOT DMA-able: %s",
			va, len, iommu_map_error_hint(-ret));
		iommu_failure_record_locked(va, len, -ret,
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
	const struct rte_eal_iommu_map *m;

	while ((m = map_table_first_overlap(&eal_iommu.maps, va, len)) != NULL) {
		uint64_t mva = m->va, mlen = m->len;
		int ret;

		/* Areas cannot be split: DPDK frees whole segments. */
		if (mva < va || mva + mlen > va + len) {
			IOMMU_LOG(ERR, "freed VA [0x%" PRIx64 ", 0x%" PRIx64 "] cuts the mapping at VA 0x%" PRIx64 " length 0x%" PRIx64 ": left mapped",
				va, va + len - 1, mva, mlen);
			break;
		}
		ret = iommu_unmap_locked(mva, mlen);
		if (ret < 0) {
			IOMMU_LOG(ERR, "cannot unmap freed memory at VA 0x%" PRIx64 ": %s",
				mva, strerror(-ret));
			break;
		}
	}
	iommu_failure_forget_locked(va, len);
}

static void
mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	uint64_t va = (uintptr_t)addr, off;

	RTE_SET_USED(arg);
	pthread_mutex_lock(&eal_iommu.lock);
	if (!eal_iommu.dpdk_mapped || msl == NULL)
		goto out;
	if (type == RTE_MEM_EVENT_FREE) {
		range_removed(va, len);
	} else if (msl->external) {
		external_added(msl, va, len);
	} else {
		for (off = 0; off < len; off += msl->page_sz)
			dpdk_segment_added(rte_mem_virt2memseg(
				(void *)(uintptr_t)(va + off), msl));
	}
	iommu_protect_locked();
out:
	pthread_mutex_unlock(&eal_iommu.lock);
}

int
rte_eal_iommu_map_dpdk_memory(void)
{
	struct dpdk_memory mem = { .nlists = 0 };
	enum rte_eal_iommu_policy policy = RTE_EAL_IOMMU_POLICY_AUTO;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return iommu_fail(-EPERM);
	/* Write lock: no memory event meanwhile, and segments' iova may change. */
	rte_mcfg_mem_write_lock();
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	if (eal_iommu.dpdk_mapped) {
		ret = 0;
		goto out;
	}
	ret = resolve_policy(&policy);
	if (ret < 0)
		goto out;
	if (rte_memseg_list_walk_thread_unsafe(collect_list, &mem) < 0 ||
	    rte_memseg_walk_thread_unsafe(collect_segment, &mem) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	ret = policy == RTE_EAL_IOMMU_POLICY_VA ? assign_va(&mem) :
		policy == RTE_EAL_IOMMU_POLICY_PA ? assign_pa(&mem) :
		assign_window(&mem);
	if (ret == 0)
		ret = map_segments(&mem, policy);
	if (ret < 0) {
		clear_windows();
		iommu_protect_locked();
		goto out;
	}
	eal_iommu.effective = policy;
	eal_iommu.dpdk_mapped = 1;
	if (policy == RTE_EAL_IOMMU_POLICY_WINDOW)
		iommu_warn_virt2iova_users();
	iommu_protect_locked();
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, mem_event, NULL) < 0 &&
	    rte_errno != ENOTSUP) /* legacy memory never changes */
		IOMMU_LOG(ERR, "cannot follow DPDK memory events (%s): memory added later will not be DMA-able",
			rte_strerror(rte_errno));
	IOMMU_LOG(INFO, "mapped %u DPDK memory segments in IOAS %u with policy %s (%" PRIu64 " bytes mapped in all)",
		mem.nsegs, eal_iommu.ioas_id, rte_eal_iommu_policy_name(policy),
		eal_iommu.stats.mapped_bytes);
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_mcfg_mem_write_unlock();
	free(mem.segs);
	return ret < 0 ? iommu_fail(ret) : 0;
}

/*
 * A secondary's view of DPDK memory the primary maps: IOVA = VA under va,
 * else the iova the primary gave each segment (shared memory).
 */
static void
secondary_mem_event(enum rte_mem_event type, const void *addr, size_t len,
		void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	uint64_t va = (uintptr_t)addr, off;

	RTE_SET_USED(arg);
	if (msl == NULL || msl->external)
		return;
	pthread_mutex_lock(&eal_iommu.lock);
	for (off = 0; off < len; off += msl->page_sz) {
		const struct rte_memseg *ms = rte_mem_virt2memseg(
			(void *)(uintptr_t)(va + off), msl);
		uint64_t iova = eal_iommu.effective == RTE_EAL_IOMMU_POLICY_VA ?
			va + off : ms->iova;

		if (type == RTE_MEM_EVENT_FREE)
			iommu_xlate_remove_locked(va + off, msl->page_sz);
		else if (iova != RTE_BAD_IOVA &&
			 iommu_xlate_insert_locked(va + off, iova, msl->page_sz) < 0)
			IOMMU_LOG(ERR, "out of memory: VA 0x%" PRIx64 " missing from the lookup table",
				va + off);
	}
	pthread_mutex_unlock(&eal_iommu.lock);
}

int
iommu_dpdk_memory_follow_secondary_locked(void)
{
	if (!eal_iommu.dpdk_mapped)
		return 0;
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, secondary_mem_event,
			NULL) < 0 && rte_errno != ENOTSUP) {
		IOMMU_LOG(ERR, "cannot follow DPDK memory events: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

void
iommu_dpdk_memory_unfollow_secondary_locked(void)
{
	rte_mem_event_callback_unregister(MEM_EVENT_NAME, NULL);
}

int
iommu_dpdk_memory_unmap_locked(void)
{
	unsigned int i = 0;
	int ret = 0;

	if (!eal_iommu.dpdk_mapped)
		return 0;
	rte_mem_event_callback_unregister(MEM_EVENT_NAME, NULL);
	while (i < eal_iommu.maps.count) {
		struct rte_eal_iommu_map m = eal_iommu.maps.maps[i];
		int err;

		if (m.owner != RTE_EAL_IOMMU_OWNER_DPDK) {
			i++;
			continue;
		}
		err = iommu_unmap_locked(m.va, m.len);
		if (err < 0) {
			IOMMU_LOG(ERR, "cannot unmap IOVA 0x%" PRIx64 " length 0x%" PRIx64 ": %s",
				m.iova, m.len, strerror(-err));
			if (ret == 0)
				ret = err;
			i++;
		}
	}
	for (i = 0; i < eal_iommu.failures.count; )
		if (eal_iommu.failures.v[i].owner == RTE_EAL_IOMMU_OWNER_DPDK)
			iommu_failure_forget_locked(eal_iommu.failures.v[i].va,
				eal_iommu.failures.v[i].len);
		else
			i++;
	clear_windows();
	eal_iommu.dpdk_mapped = 0;
	iommu_protect_locked();
	return ret;
}

int
rte_eal_iommu_unmap_dpdk_memory(void)
{
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return iommu_fail(-EPERM);
	rte_mcfg_mem_write_lock();
	pthread_mutex_lock(&eal_iommu.lock);
	ret = eal_iommu.fd < 0 ? -ENODEV : iommu_dpdk_memory_unmap_locked();
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_mcfg_mem_write_unlock();
	return ret < 0 ? iommu_fail(ret) : 0;
}
