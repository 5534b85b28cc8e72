/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_MAP_H
#define IOMMU_MAP_H

/*
 * The map layer: the only door to what the IOAS maps. It owns the table of
 * mappings (iommu_map_table.h), the counters of rte_eal_iommu_stats it
 * names, and the IOAS's allowed IOVAs (IOMMU_IOAS_ALLOW_IOVAS): every IOVA
 * handed out (each mapping, plus the spans reserved by the policy) is
 * allowed, so no device attach can reserve it. Protection is brought up to
 * date before the lock is released: by each call, or once at the end of a
 * batch. It keeps the fast-path table in step: a translation appears after
 * the kernel maps it and is gone, for every lcore, before the kernel unmaps
 * it. Logs nothing but protection failures: callers know the context.
 * Every function needs the IOAS lock.
 */

#include <stdint.h>

#include "rte_eal_iommu.h"
#include "iommu_map_table.h"
#include "iova_ranges.h"

/* Defer protection updates until the matching batch end (batches nest). */
void iommu_map_batch_begin_locked(void);
/* End a batch; updates the protection if anything changed (0 or -errno, logged). */
int iommu_map_batch_end_locked(void);

/*
 * Map [va, va + len) at exactly iova: -ERANGE when iova is RTE_BAD_IOVA or
 * outside the valid ranges, -EEXIST when the VA range overlaps a mapping,
 * or the kernel's error. Counted in map_failures when refused.
 */
int iommu_map_fixed_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner);

/*
 * The same, shared: when exactly this mapping (va, len, iova, owner)
 * exists already, take one more hold on it instead (devices on one IOAS
 * DMA-map the same memory once each). Each hold is dropped by one remove.
 */
int iommu_map_share_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner);

/* Map [va, va + len) at an IOVA the kernel chooses; *iova gets it. */
int iommu_map_any_locked(uint64_t va, uint64_t len,
		enum rte_eal_iommu_owner owner, uint64_t *iova);

/*
 * Drop a hold on the mapping that starts at va with length len, unmapping
 * it with the last one; -ENOENT if none.
 */
int iommu_map_remove_locked(uint64_t va, uint64_t len);

/*
 * DPDK freed [va, va + len): unmap every mapping inside it. -EINVAL,
 * unmapping nothing more, at a mapping that reaches outside it (*cut gets
 * it). A mapping the kernel keeps becomes stale (*cut gets the first, and
 * its error is returned): no longer translated nor counted as covering
 * memory, unmapped again by iommu_map_retry_stale_locked() or a teardown.
 */
int iommu_map_remove_freed_locked(uint64_t va, uint64_t len,
		struct iommu_map *cut);

/*
 * Try again to unmap every stale mapping; returns how many were unmapped
 * (*left gets how many stay). No system call when there are none.
 */
unsigned int iommu_map_retry_stale_locked(unsigned int *left);

/* Unmap every mapping of owner; the first error, after trying all. */
int iommu_map_remove_owner_locked(enum rte_eal_iommu_owner owner);

/* Unmap everything, in the kernel too, and reset the counters (closing). */
void iommu_map_clear_locked(void);

/*
 * IOVA spans handed out beyond the mappings (the policy's windows):
 * protected like mappings. Replaces the previous set; NULL, 0 clears it.
 */
int iommu_map_reserve_locked(const struct iova_range *spans, unsigned int n);

/* The mapping containing va, copied into *m; -ENOENT if none (or stale). */
int iommu_map_find_locked(uint64_t va, struct iommu_map *m);

/* True when one mapping, not stale, covers [va, va + len). */
int iommu_map_covers_locked(uint64_t va, uint64_t len);

/* Every IOVA in use (mappings and reserved spans), malloc'd, merged; count or -ENOMEM. */
int iommu_map_used_iovas_locked(struct iova_range **v);

/* Adjacent mappings contiguous in VA and IOVA, of one owner: one run. */
struct iommu_map_run {
	struct iommu_map map; /* va, iova, owner of the first; len of the run */
	unsigned int areas;
};

/* Call fn for every run in VA order; returns the number of areas. */
unsigned int iommu_map_foreach_run_locked(void (*fn)(const struct iommu_map_run *run,
		void *arg), void *arg);

/* Number of mappings (IOAS areas). */
unsigned int iommu_map_count_locked(void);

/* The counters the map layer keeps (the rest of *stats is untouched). */
void iommu_map_stats_locked(struct rte_eal_iommu_stats *stats);

#endif /* IOMMU_MAP_H */
