/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_MEM_H
#define IOMMU_MEM_H

/*
 * DPDK memory in the IOAS, by job:
 *   iommu_mem_startup.c    the start-up mapping, all or nothing, and its undoing
 *   iommu_mem_events.c     memory DPDK adds or frees later (primary)
 *   iommu_mem_secondary.c  a secondary's lookup table following DPDK memory
 * Memory event callbacks are registered and unregistered without
 * the IOAS lock held (lock order, iommu_ioas.h); the primary's with
 * EAL's memory hotplug lock held, so no event falls between mapping and
 * following.
 */

/*
 * Does DPDK memory ever change after start-up? Not in legacy mode
 * (--legacy-mem, --no-huge): EAL then neither adds nor frees memory, and
 * refuses memory event callbacks. Side-effect-free; call it without
 * the IOAS lock (it takes EAL's memory event lock).
 */
int iommu_mem_events_possible(void);

/* Follow DPDK's memory events and map what they add (primary). */
int iommu_mem_events_start(void);
void iommu_mem_events_stop(void);

/*
 * Unmap DPDK memory and forget its failures; the events are stopped
 * already. Needs the hotplug lock and the IOAS lock.
 */
int iommu_mem_unmap_locked(void);

/* Secondary: keep the lookup table in step with DPDK memory the primary maps. */
int iommu_mem_secondary_start(void);
void iommu_mem_secondary_stop(void);

#endif /* IOMMU_MEM_H */
