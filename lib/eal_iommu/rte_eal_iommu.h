/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef RTE_EAL_IOMMU_H
#define RTE_EAL_IOMMU_H

/**
 * @file
 * DPDK DMA memory in one iommufd IO address space (IOAS).
 *
 * A process has at most one IOAS. rte_eal_iommu_open() opens /dev/iommu,
 * allocates the IOAS and reads its valid IOVA ranges;
 * rte_eal_iommu_map_dpdk_memory() maps every DPDK memory segment into it at
 * IOVA = VA, after checking each one against the valid ranges.
 * rte_eal_iommu_close() unmaps everything, detaches devices and closes.
 *
 * Every call is all or nothing: on failure the IOAS, its mappings, the
 * attached devices and the open fds are as they were before the call.
 * Functions returning int give 0 (or a count) on success and a negative
 * errno on failure, with rte_errno set to the same positive value.
 * Thread safe.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An inclusive range of valid IOVAs. */
struct rte_eal_iommu_range {
	uint64_t start;
	uint64_t last;
};

/** Who a mapping belongs to. */
enum rte_eal_iommu_owner {
	RTE_EAL_IOMMU_OWNER_DPDK, /**< a DPDK memory segment */
};

/** One area mapped in the IOAS. */
struct rte_eal_iommu_map {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
	enum rte_eal_iommu_owner owner;
};

/**
 * Open /dev/iommu and allocate the process's IOAS.
 *
 * @return
 *   0, or -EEXIST if already open, -ENODEV without /dev/iommu, -EACCES,
 *   or another negative errno from the kernel.
 */
__rte_experimental
int rte_eal_iommu_open(void);

/** Unmap everything, detach all devices, destroy the IOAS, close the fd. */
__rte_experimental
void rte_eal_iommu_close(void);

/** @return 1 when the IOAS is open, else 0. */
__rte_experimental
int rte_eal_iommu_is_open(void);

/** @return the iommufd file descriptor, or -ENODEV when not open. */
__rte_experimental
int rte_eal_iommu_fd(void);

/** @return the IOAS id, or 0 when not open. */
__rte_experimental
uint32_t rte_eal_iommu_ioas_id(void);

/**
 * Re-read the valid IOVA ranges from the kernel (done automatically after
 * every device attach and detach).
 */
__rte_experimental
int rte_eal_iommu_ranges_refresh(void);

/**
 * Copy the valid IOVA ranges, as last read, into ranges[0..max).
 *
 * @param alignment
 *   If not NULL, receives the alignment every IOVA must have.
 * @return
 *   The number of ranges (possibly more than max), or a negative errno.
 */
__rte_experimental
int rte_eal_iommu_ranges(struct rte_eal_iommu_range *ranges, unsigned int max,
		uint64_t *alignment);

/**
 * Map every DPDK memory segment at IOVA = VA, one IOAS area per segment.
 * Fails with -ERANGE, mapping nothing, if a segment lies outside the valid
 * IOVA ranges; the log names the VA, the ranges and what to do.
 * Needs EAL IOVA mode VA (-ENOTSUP otherwise).
 */
__rte_experimental
int rte_eal_iommu_map_dpdk_memory(void);

/** Unmap every DPDK memory segment mapped by rte_eal_iommu_map_dpdk_memory(). */
__rte_experimental
int rte_eal_iommu_unmap_dpdk_memory(void);

/**
 * Copy the mappings, sorted by VA, into maps[0..max).
 *
 * @return
 *   The number of mappings (possibly more than max), or a negative errno.
 */
__rte_experimental
int rte_eal_iommu_maps(struct rte_eal_iommu_map *maps, unsigned int max);

/** @return the total length of all mappings in bytes. */
__rte_experimental
uint64_t rte_eal_iommu_mapped_bytes(void);

/**
 * Bind a PCI device bound to vfio-pci to the iommufd through its VFIO cdev
 * and attach it to the IOAS, then re-read the valid ranges.
 *
 * @param pci_addr
 *   PCI address, e.g. "0000:00:10.0".
 * @return
 *   0, -ENODEV if the device has no VFIO cdev, -EADDRINUSE if the device's
 *   reserved IOVAs collide with existing mappings, or another negative errno.
 */
__rte_experimental
int rte_eal_iommu_pci_attach(const char *pci_addr);

/** Detach a device attached by rte_eal_iommu_pci_attach(), re-read ranges. */
__rte_experimental
int rte_eal_iommu_pci_detach(const char *pci_addr);

/** Print the IOAS, its ranges and its mappings as a table. */
__rte_experimental
void rte_eal_iommu_dump(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* RTE_EAL_IOMMU_H */
