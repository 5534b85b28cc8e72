/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_DPDK_MEMORY_H
#define IOMMU_DPDK_MEMORY_H

/*
 * DPDK's internal memory as collected for the start-up mapping (under the
 * hotplug write lock): its memory segment lists and segments, each segment
 * with the IOVA the policy gives it. External memory is not in it.
 */

#include <stdint.h>

#include <rte_memory.h>

/* A DPDK memory segment and the IOVA its policy gives it. */
struct iommu_segment {
	struct rte_memseg *ms;
	unsigned int list; /* index in iommu_dpdk_memory.lists */
	uint64_t iova;
};

struct iommu_dpdk_memory {
	const struct rte_memseg_list *lists[RTE_MAX_MEMSEG_LISTS];
	uint64_t used_len[RTE_MAX_MEMSEG_LISTS]; /* bytes from base holding segments */
	unsigned int nlists;
	struct iommu_segment *segs;
	unsigned int nsegs;
	unsigned int capacity;
	int fixed; /* DPDK memory never changes (legacy mode): merge areas */
};

#endif /* IOMMU_DPDK_MEMORY_H */
