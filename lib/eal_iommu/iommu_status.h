/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_STATUS_H
#define IOMMU_STATUS_H

/*
 * Is all DPDK memory DMA-able? The record of memory that should be but
 * is not (its mapping failed), and the check. Needs the IOAS lock.
 */

#include <stddef.h>
#include <stdint.h>

#include "rte_eal_iommu.h"

/* Record memory that could not be mapped (failed_bytes grows). */
void iommu_status_record_failure_locked(uint64_t va, uint64_t len, int err,
		enum rte_eal_iommu_owner owner);

/* Forget recorded failures inside [va, va + len): the memory is gone. */
void iommu_status_forget_locked(uint64_t va, uint64_t len);

/* Forget every recorded failure of owner. */
void iommu_status_forget_owner_locked(enum rte_eal_iommu_owner owner);

/* Forget everything (closing). */
void iommu_status_clear_locked(void);

/* Every counter (the map layer's and failed_bytes). */
void iommu_status_stats_locked(struct rte_eal_iommu_stats *stats);

/* Number of recorded failures. */
unsigned int iommu_status_failure_count_locked(void);

/* Call fn for each recorded failure. */
void iommu_status_foreach_failure_locked(void (*fn)(
		const struct rte_eal_iommu_failure *f, void *arg), void *arg);

/*
 * DPDK memory segments not mapped (logging the first few if log); the
 * hotplug read lock and the IOAS lock held.
 */
unsigned int iommu_status_unmapped_segments_locked(int log);

/* "dpdk", "external" or "app". */
const char *iommu_owner_name(enum rte_eal_iommu_owner owner);

/* A short hint for an errno from IOMMU_IOAS_MAP. */
const char *iommu_map_error_hint(int err);

/*
 * RLIMIT_MEMLOCK as the kernel applies it to iommufd's pinned pages: it
 * charges them to the user (all of its processes) unless the process has
 * CAP_IPC_LOCK. Read from getrlimit() and /proc/self/status: no lock.
 */
struct iommu_memlock {
	int charged; /* no CAP_IPC_LOCK and a finite limit */
	uint64_t limit; /* bytes; UINT64_MAX if unlimited */
	uint64_t pinned; /* bytes pinned by this process now (VmPin) */
};

void iommu_status_memlock(struct iommu_memlock *m);

/*
 * If pinning len more bytes exceeds RLIMIT_MEMLOCK, write into buf the
 * bytes needed, the current limit and the fix, and return buf; else NULL.
 */
const char *iommu_status_memlock_explain(uint64_t len, char *buf, size_t size);

/*
 * The hint for err from mapping len bytes: the RLIMIT_MEMLOCK explanation
 * when ENOMEM is the limit's doing, else iommu_map_error_hint(err).
 */
const char *iommu_map_error_explain(int err, uint64_t len, char *buf, size_t size);

#endif /* IOMMU_STATUS_H */
