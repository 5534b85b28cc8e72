/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef EAL_IOMMU_PRIVATE_H
#define EAL_IOMMU_PRIVATE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include <rte_errno.h>
#include <rte_log.h>

#include "iommu_map_table.h"
#include "iova_ranges.h"

extern int eal_iommu_logtype;

#define IOMMU_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, eal_iommu_logtype, "EAL_IOMMU: " fmt "\n", \
		## __VA_ARGS__)

/* Set rte_errno from a negative errno and return it. */
static inline int
iommu_fail(int neg_errno)
{
	rte_errno = -neg_errno;
	return neg_errno;
}

struct iommu_pci_device;
TAILQ_HEAD(iommu_pci_device_list, iommu_pci_device);

/*
 * The process's one IOAS. Lock order: the EAL memory hotplug lock (when
 * needed) before lock. Every field is only touched with lock held.
 */
struct eal_iommu {
	pthread_mutex_t lock;
	int fd; /* -1 when closed */
	uint32_t ioas_id;
	struct iova_ranges ranges;
	struct iommu_map_table maps;
	uint64_t mapped_bytes;
	struct iommu_pci_device_list devices;
};

extern struct eal_iommu eal_iommu;

/* Re-read the valid IOVA ranges; lock held. */
int eal_iommu_ranges_refresh_locked(void);

/* Detach and close every attached device; lock held. */
void iommu_pci_detach_all_locked(void);

/* Print the attached devices; lock held. */
void iommu_pci_devices_dump_locked(FILE *f);

#endif /* EAL_IOMMU_PRIVATE_H */
