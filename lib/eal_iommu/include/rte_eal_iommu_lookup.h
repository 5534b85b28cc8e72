/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef RTE_EAL_IOMMU_LOOKUP_H
#define RTE_EAL_IOMMU_LOOKUP_H

/**
 * @file
 * VA -> IOVA translation for the fast path.
 *
 * rte_eal_iommu_lookup() translates any VA the IOAS maps (DPDK memory under
 * every policy, external memory, application buffers) without locks, atomic
 * read-modify-writes or system calls: a per-lcore cache of the two 2 MiB
 * pages the lcore used last, in the same cache line as its lookup
 * announcement, in front of a shared two-level table (1 GiB blocks of 2 MiB
 * entries, each holding iova - va). A 2 MiB page shared by several
 * mappings, and VAs at or above 2^48, are answered by a binary search in a
 * published snapshot of those mappings (out of line, still lock-free).
 * rte_eal_iommu_lookup_bulk() translates a burst with one announcement,
 * through the shared table alone.
 *
 * Contract (a burst counts as one lookup):
 * - a lookup that starts after a mapping call returned sees the mapping;
 * - once an unmap call returns, no lookup on any thread returns the old
 *   translation: the unmap waits for lookups in flight to finish;
 * - a lookup never blocks; it may return a translation that an unmap running
 *   at the same time is about to remove. Stop using an IOVA before unmapping
 *   its memory, as with any DMA address.
 * Threads without an lcore id (non-EAL threads not registered with
 * rte_thread_register()) take the out-of-line path, a little slower.
 *
 * In a secondary process the table covers DPDK memory, kept in step with the
 * primary's; external memory and buffers the primary maps are not in it.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#ifdef __cplusplus
extern "C" {
#endif

/** 2 MiB pages; 512 of them per 1 GiB block; VAs below 2^48 in the table. */
#define RTE_EAL_IOMMU_XLATE_PAGE_SHIFT 21
#define RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT 30
#define RTE_EAL_IOMMU_XLATE_VA_BITS 48
#define RTE_EAL_IOMMU_XLATE_BLOCKS \
	(1u << (RTE_EAL_IOMMU_XLATE_VA_BITS - RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT))
#define RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK \
	(1u << (RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT - RTE_EAL_IOMMU_XLATE_PAGE_SHIFT))
/** Pages each lcore caches: the two it used last, in its own cache line. */
#define RTE_EAL_IOMMU_XLATE_CACHE 2

/*
 * A table entry: 0 when nothing is mapped there; else iova - va (a multiple
 * of 4 KiB) with VALID set when one mapping covers the whole 2 MiB page, or
 * SPLIT when several mappings share it (ask the snapshot).
 */
#define RTE_EAL_IOMMU_XLATE_VALID UINT64_C(1)
#define RTE_EAL_IOMMU_XLATE_SPLIT UINT64_C(2)
#define RTE_EAL_IOMMU_XLATE_FLAGS UINT64_C(0xfff)

/** @internal A cached page: its number and its VALID entry. */
struct rte_eal_iommu_xlate_cached {
	uint64_t page;
	uint64_t entry;
};

/**
 * @internal One lcore's reader state, in one cache line written only by
 * that lcore: the lookup announcement and its cache, most recent first.
 */
struct rte_eal_iommu_xlate_reader {
	uint64_t active; /**< while a lookup runs: the epoch it started in; else 0 */
	uint64_t epoch; /**< the epoch the cache is valid for */
	struct rte_eal_iommu_xlate_cached cache[RTE_EAL_IOMMU_XLATE_CACHE];
} __rte_cache_aligned;

/** @internal The shared table. Writers hold the library's lock. */
struct rte_eal_iommu_xlate {
	uint64_t epoch; /**< changes when a translation goes away */
	struct rte_eal_iommu_xlate_reader reader[RTE_MAX_LCORE];
	uint64_t *block[RTE_EAL_IOMMU_XLATE_BLOCKS]; /**< 512 entries each, or NULL */
} __rte_cache_aligned;

/** @internal */
extern struct rte_eal_iommu_xlate rte_eal_iommu_xlate;

/**
 * @internal Out-of-line lookup: threads without an lcore id, split pages,
 * VAs at or above 2^48, ranges beyond one page.
 */
__rte_experimental
uint64_t rte_eal_iommu_lookup_slow(const void *va, size_t len);

/** @internal Empty lcore's cache and make it valid for epoch. */
__rte_experimental
void rte_eal_iommu_xlate_flush(unsigned int lcore, uint64_t epoch);

/*
 * @internal The inline functions call the two experimental helpers above
 * through these. Without ALLOW_EXPERIMENTAL_API, __rte_experimental makes the
 * helpers deprecated and GCC warns where an inline function calling them is
 * defined, in every file including this header, used or not (as rte_io.h
 * notes for rte_write32_wc()); GCC, unlike clang, warns even inside a
 * deprecated function. The warning is silenced for these two calls only: the
 * public inline functions are __rte_experimental themselves, so their callers
 * get the usual warning. Always inlined: the fast path makes no extra call.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static __rte_always_inline uint64_t
__rte_eal_iommu_lookup_slow(const void *va, size_t len)
{
	return rte_eal_iommu_lookup_slow(va, len);
}

static __rte_always_inline void
__rte_eal_iommu_xlate_flush(unsigned int lcore, uint64_t epoch)
{
	rte_eal_iommu_xlate_flush(lcore, epoch);
}
#pragma GCC diagnostic pop

/** @internal The table entry of a 2 MiB page. */
static __rte_always_inline uint64_t
__rte_eal_iommu_xlate_entry(const struct rte_eal_iommu_xlate *x, uint64_t page)
{
	const uint64_t *block = __atomic_load_n(
		&x->block[page >> (RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT -
			RTE_EAL_IOMMU_XLATE_PAGE_SHIFT)], __ATOMIC_ACQUIRE);

	if (unlikely(block == NULL))
		return 0;
	return __atomic_load_n(
		&block[page & (RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK - 1)],
		__ATOMIC_RELAXED);
}

/** @internal The table entry of va's 2 MiB page; SPLIT above the table. */
static __rte_always_inline uint64_t
__rte_eal_iommu_xlate_entry_va(const struct rte_eal_iommu_xlate *x, uint64_t va)
{
	if (unlikely((va >> RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT) >=
		     RTE_EAL_IOMMU_XLATE_BLOCKS))
		return RTE_EAL_IOMMU_XLATE_SPLIT;
	return __rte_eal_iommu_xlate_entry(x, va >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT);
}

/*
 * @internal The entry of va's 2 MiB page (for VAs above the table: SPLIT).
 * The lookup announces itself with the epoch it starts in, then reads the
 * epoch again (an unmap may have begun in between) to check its cache.
 * Only plain stores to the lcore's own line: no atomic read-modify-write,
 * and no dependency from one lookup to the next.
 */
static __rte_always_inline uint64_t
__rte_eal_iommu_lookup_page(uint64_t va)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	unsigned int lcore = rte_lcore_id();
	struct rte_eal_iommu_xlate_reader *r = &x->reader[lcore];
	uint64_t page = va >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT, epoch, entry;
	struct rte_eal_iommu_xlate_cached *c;

	/* The writer's membarrier() orders this store before the loads below. */
	__atomic_store_n(&r->active, __atomic_load_n(&x->epoch, __ATOMIC_RELAXED),
		__ATOMIC_RELAXED);
	rte_compiler_barrier();
	epoch = __atomic_load_n(&x->epoch, __ATOMIC_ACQUIRE);
	if (unlikely(r->epoch != epoch))
		__rte_eal_iommu_xlate_flush(lcore, epoch);
	c = r->cache;
	if (likely(c[0].page == page)) {
		entry = c[0].entry;
	} else if (c[1].page == page) {
		entry = c[1].entry;
	} else {
		entry = __rte_eal_iommu_xlate_entry_va(x, va);
		if (entry & RTE_EAL_IOMMU_XLATE_VALID) {
			c[1] = c[0];
			c[0].page = page;
			c[0].entry = entry;
		}
	}
	__atomic_store_n(&r->active, 0, __ATOMIC_RELEASE);
	return entry;
}

/**
 * Translate a VA through every mapping of the IOAS.
 *
 * @return
 *   The IOVA, or RTE_BAD_IOVA if va is not mapped.
 */
__rte_experimental
static __rte_always_inline uint64_t
rte_eal_iommu_lookup(const void *va)
{
	uint64_t v = (uintptr_t)va, entry;

	if (unlikely(rte_lcore_id() >= RTE_MAX_LCORE))
		return __rte_eal_iommu_lookup_slow(va, 1);
	entry = __rte_eal_iommu_lookup_page(v);
	if (likely(entry & RTE_EAL_IOMMU_XLATE_VALID))
		return v + entry - RTE_EAL_IOMMU_XLATE_VALID; /* its only flag */
	if (entry & RTE_EAL_IOMMU_XLATE_SPLIT)
		return __rte_eal_iommu_lookup_slow(va, 1);
	return RTE_BAD_IOVA;
}

/**
 * Translate [va, va + len), which must be mapped as a whole and
 * IOVA-contiguous (possibly across several mappings).
 *
 * @return
 *   The IOVA of va, or RTE_BAD_IOVA if a byte is not mapped, the range is
 *   not IOVA-contiguous, or len is 0.
 */
__rte_experimental
static __rte_always_inline uint64_t
rte_eal_iommu_lookup_len(const void *va, size_t len)
{
	uint64_t v = (uintptr_t)va, entry;

	/* The common case: within one 2 MiB page that one mapping covers. */
	if (likely(len != 0 && rte_lcore_id() < RTE_MAX_LCORE &&
		   ((v ^ (v + len - 1)) >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT) == 0)) {
		entry = __rte_eal_iommu_lookup_page(v);
		if (likely(entry & RTE_EAL_IOMMU_XLATE_VALID))
			return v + entry - RTE_EAL_IOMMU_XLATE_VALID;
		if (!(entry & RTE_EAL_IOMMU_XLATE_SPLIT))
			return RTE_BAD_IOVA;
	}
	if (len == 0)
		return RTE_BAD_IOVA;
	return __rte_eal_iommu_lookup_slow(va, len);
}

/**
 * Translate a burst of VAs, as rte_eal_iommu_lookup() does each of them,
 * with one announcement for the whole burst: the lookup's fixed cost (the
 * lcore's id, announcing, clearing) is paid once per burst. Each VA costs
 * two loads from the shared table and the store into iova[i], nothing
 * else: the burst does not use the lcore's cache; a burst within one 2 MiB
 * page that one mapping covers reads one entry for all. For the unmap
 * contract the burst is one lookup: once an unmap call has returned, no
 * burst started afterwards returns the old translation; a burst running
 * meanwhile may. VAs that need the out-of-line path (2 MiB pages shared by
 * several mappings, VAs at or above 2^48) are translated by it once the
 * burst's announcement is over, each as a lookup of its own; threads
 * without an lcore id take it for every VA.
 *
 * @param va
 *   The VAs to translate.
 * @param iova
 *   Receives the IOVA of each VA, or RTE_BAD_IOVA for one not mapped.
 * @param n
 *   The number of VAs; 0 translates nothing.
 * @return
 *   The number of VAs translated (whose iova[i] is not RTE_BAD_IOVA).
 */
__rte_experimental
static __rte_always_inline unsigned int
rte_eal_iommu_lookup_bulk(const void *const va[], uint64_t iova[], unsigned int n)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	unsigned int lcore = rte_lcore_id(), i, done = 0, slow = n;
	uint64_t *active, page, entry, other;
	uint64_t *const *blocks;

	if (unlikely(lcore >= RTE_MAX_LCORE)) {
		for (i = 0; i < n; i++) {
			iova[i] = __rte_eal_iommu_lookup_slow(va[i], 1);
			done += iova[i] != RTE_BAD_IOVA;
		}
		return done;
	}
	if (unlikely(n == 0))
		return 0;
	/*
	 * One announcement for the burst. The burst reads the table only, not
	 * the lcore's cache, so it needs no epoch check and has no cache to
	 * compare or fill per VA. The acquire load orders the table loads after
	 * it (with membarrier() ordering the store before them): a burst that
	 * announces the new epoch sees the cleared entries.
	 */
	blocks = x->block;
	active = &x->reader[lcore].active;
	__atomic_store_n(active, __atomic_load_n(&x->epoch, __ATOMIC_ACQUIRE),
		__ATOMIC_RELAXED);
	rte_compiler_barrier();
	/*
	 * A burst within one 2 MiB page that one mapping covers (as mbufs of
	 * one mempool often are): one entry for all. The first and the last
	 * VA tell most bursts that are not.
	 */
	page = (uintptr_t)va[0] >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT;
	if (((uintptr_t)va[n - 1] >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT) == page) {
		for (i = 1, other = 0; i + 1 < n; i++)
			other |= ((uintptr_t)va[i] >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT) ^ page;
		entry = __rte_eal_iommu_xlate_entry_va(x, (uintptr_t)va[0]);
		if (other == 0 && likely(entry & RTE_EAL_IOMMU_XLATE_VALID)) {
			entry &= ~RTE_EAL_IOMMU_XLATE_FLAGS;
			for (i = 0; i < n; i++)
				iova[i] = (uintptr_t)va[i] + entry;
			__atomic_store_n(active, 0, __ATOMIC_RELEASE);
			return n;
		}
	}
	for (i = 0; i < n; i++) {
		uint64_t v = (uintptr_t)va[i];
		uint64_t b = v >> RTE_EAL_IOMMU_XLATE_BLOCK_SHIFT;
		const uint64_t *block;

		/* __rte_eal_iommu_xlate_entry_va(), the blocks' base at hand. */
		if (unlikely(b >= RTE_EAL_IOMMU_XLATE_BLOCKS)) {
			entry = RTE_EAL_IOMMU_XLATE_SPLIT;
		} else {
			block = __atomic_load_n(&blocks[b], __ATOMIC_ACQUIRE);
			entry = likely(block != NULL) ? __atomic_load_n(
				&block[(v >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT) &
				(RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK - 1)],
				__ATOMIC_RELAXED) : 0;
		}
		/* VALID is the only flag of a VALID entry. */
		if (likely(entry & RTE_EAL_IOMMU_XLATE_VALID)) {
			iova[i] = v + entry - RTE_EAL_IOMMU_XLATE_VALID;
			done++;
		} else {
			iova[i] = RTE_BAD_IOVA;
			if ((entry & RTE_EAL_IOMMU_XLATE_SPLIT) && slow == n)
				slow = i;
		}
	}
	__atomic_store_n(active, 0, __ATOMIC_RELEASE);
	/*
	 * The out-of-line path announces itself in the same line, and clears
	 * it: only now, after the burst's announcement. From the first VA it
	 * needs on, each one not translated yet.
	 */
	for (i = slow; unlikely(i < n); i++)
		if (iova[i] == RTE_BAD_IOVA) {
			iova[i] = __rte_eal_iommu_lookup_slow(va[i], 1);
			done += iova[i] != RTE_BAD_IOVA;
		}
	return done;
}

#ifdef __cplusplus
}
#endif

#endif /* RTE_EAL_IOMMU_LOOKUP_H */
