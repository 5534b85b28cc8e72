/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_XLATE_H
#define IOMMU_XLATE_H

/*
 * The writer side of the fast-path table (rte_eal_iommu_lookup.h). Callers
 * hold the IOAS lock; readers take no lock. Adding never makes a reader's
 * cached entry stale (VA ranges never overlap, and only whole-page entries
 * are cached); removing bumps the epoch and waits for every lookup in
 * flight, so none returns the old translation after removal returns.
 */

#include <stdint.h>

/*
 * Between begin and end (nested: the outermost end counts), split mappings
 * added are published together at the end, with one grace period; lookups
 * may not find them before (their map call has not returned). end cannot
 * fail.
 */
void iommu_xlate_batch_begin_locked(void);
void iommu_xlate_batch_end_locked(void);

/* Add [va, va + len) -> iova; -ENOMEM leaves the table as it was. */
int iommu_xlate_insert_locked(uint64_t va, uint64_t iova, uint64_t len);

/*
 * Withdraw [va, va + len): no lookup that starts from now returns it, but
 * one in flight may until the next iommu_xlate_sync_locked(). Cannot fail.
 */
void iommu_xlate_withdraw_locked(uint64_t va, uint64_t len);

/* Wait until no lookup can return a withdrawn translation (one grace period for all). */
void iommu_xlate_sync_locked(void);

/* Withdraw [va, va + len) and sync. */
void iommu_xlate_remove_locked(uint64_t va, uint64_t len);

/* Remove everything (closing the IOAS). */
void iommu_xlate_clear_locked(void);

#endif /* IOMMU_XLATE_H */
