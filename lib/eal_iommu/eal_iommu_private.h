/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef EAL_IOMMU_PRIVATE_H
#define EAL_IOMMU_PRIVATE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include <rte_compat.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>

#include "rte_eal_iommu.h"
#include "eal_iommu_driver.h"
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

/*
 * The IOVA span a DPDK memory segment list owns: for va its VA window
 * (iova_base == va_base), for window its IOVA window. Protected from device
 * reservations with IOMMU_IOAS_ALLOW_IOVAS while DPDK memory is mapped.
 */
struct iommu_window {
	uint64_t va_base; /* the list's base VA */
	uint64_t len; /* bytes of the list covered, from va_base */
	uint64_t iova_base;
	uint64_t page_sz;
};

struct iommu_failure_list {
	struct rte_eal_iommu_failure *v;
	unsigned int count;
	unsigned int capacity;
};

struct iommu_pci_device;
TAILQ_HEAD(iommu_pci_device_list, iommu_pci_device);

/*
 * The process's one IOAS. Lock order: the EAL memory hotplug lock (when
 * needed) before lock. Every field is only touched with lock held.
 */
struct eal_iommu {
	pthread_mutex_t lock;
	int fd; /* -1 when closed */
	int secondary; /* the IOAS is the primary process's */
	uint32_t ioas_id;
	struct iova_ranges ranges;
	struct iommu_map_table maps;
	enum rte_eal_iommu_policy requested;
	enum rte_eal_iommu_policy effective; /* valid while dpdk_mapped */
	int dpdk_mapped; /* DPDK memory mapped and its events followed */
	struct iommu_window windows[RTE_MAX_MEMSEG_LISTS];
	unsigned int nwindows;
	struct iommu_failure_list failures;
	struct rte_eal_iommu_stats stats;
	struct iommu_pci_device_list devices;
};

extern struct eal_iommu eal_iommu;

/* Warn about loaded components that rely on rte_mem_virt2iova() (window). */
void iommu_warn_virt2iova_users(void);

/* Answer secondary processes' requests for the IOAS (primary). */
void iommu_mp_primary_start(void);
void iommu_mp_primary_stop(void);

/* Take over the primary's iommufd fd and IOAS; lock held. */
int iommu_mp_secondary_open(void);

/* -EPERM, logged, for calls that change the IOAS, in a secondary; lock held. */
int iommu_primary_only_locked(const char *what);

/* Re-read the valid IOVA ranges; lock held. */
int eal_iommu_ranges_refresh_locked(void);

/*
 * Map [va, va + len) at iova (RTE_BAD_IOVA: the kernel chooses, *out_iova
 * gets it) and record it; lock held. Keeps the table and the counters in
 * step; the caller calls iommu_protect_locked() before unlocking. Logs
 * nothing: the caller reports.
 */
int iommu_map_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner, uint64_t *out_iova);

/* Unmap the mapping that starts at va with length len; lock held (protect after). */
int iommu_unmap_locked(uint64_t va, uint64_t len);

/*
 * Replace the IOAS's allowed IOVAs with every IOVA handed out (mappings and
 * the DPDK windows), so that a device attach reserving them fails; lock held.
 */
int iommu_protect_locked(void);

/* Record memory that could not be mapped; lock held. */
void iommu_failure_record_locked(uint64_t va, uint64_t len, int err,
		enum rte_eal_iommu_owner owner);

/* Forget recorded failures inside [va, va + len): the memory is gone. */
void iommu_failure_forget_locked(uint64_t va, uint64_t len);

/* "dpdk", "external" or "app". */
const char *iommu_owner_name(enum rte_eal_iommu_owner owner);

/* A short hint for an errno from IOMMU_IOAS_MAP. */
const char *iommu_map_error_hint(int err);

/* Detach and close every attached device; lock held. */
void iommu_pci_detach_all_locked(void);

/* Call fn for every attached device; lock held. */
void iommu_pci_devices_foreach_locked(void (*fn)(const char *name,
		uint32_t dev_id, void *arg), void *arg);

/*
 * DPDK memory segments not mapped (logging the first few if log); lock and
 * the hotplug read lock held.
 */
unsigned int iommu_unmapped_segments_locked(int log);

/* Read a sysfs hugepage count (nr_hugepages); 0 or -1. */
int iommu_nr_hugepages(const char *path, unsigned long *n);

/*
 * Secondary process: keep the lookup table in step with DPDK memory as the
 * primary maps it, from EAL's memory events (registered before the
 * secondary attaches memory, so the initial sync fills it); lock held.
 */
int iommu_dpdk_memory_follow_secondary_locked(void);
void iommu_dpdk_memory_unfollow_secondary_locked(void);

/* Stop following DPDK memory events and unmap DPDK memory; lock held. */
int iommu_dpdk_memory_unmap_locked(void);

#endif /* EAL_IOMMU_PRIVATE_H */
