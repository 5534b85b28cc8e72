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
 * rte_eal_iommu_map_dpdk_memory() maps every DPDK memory segment into it
 * with the IOVA its policy gives (rte_eal_iommu_policy), after checking each
 * one against the valid ranges, and from then on maps and unmaps memory
 * DPDK adds or frees at run time. rte_eal_iommu_dma_map() maps other memory
 * (external memory, application buffers). rte_eal_iommu_close() unmaps
 * everything, detaches devices and closes.
 *
 * Every call is all or nothing: on failure the IOAS, its mappings, the
 * attached devices and the open fds are as they were before the call.
 * Memory DPDK adds at run time cannot be refused: if it cannot be mapped,
 * the range is recorded as a failure (rte_eal_iommu_failures()), logged and
 * counted, and rte_eal_iommu_check() fails until it is freed.
 * Functions returning int give 0 (or a count) on success and a negative
 * errno on failure, with rte_errno set to the same positive value.
 * Thread safe.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An inclusive range of valid IOVAs. */
struct rte_eal_iommu_range {
	uint64_t start;
	uint64_t last;
};

/** How DPDK memory gets its IOVAs. */
enum rte_eal_iommu_policy {
	/** va if DPDK's VA windows fit the valid ranges, else pa in PA mode */
	RTE_EAL_IOMMU_POLICY_AUTO = 0,
	/** IOVA = VA (EAL IOVA mode VA) */
	RTE_EAL_IOMMU_POLICY_VA,
	/** IOVA = the page's physical address (EAL IOVA mode PA) */
	RTE_EAL_IOMMU_POLICY_PA,
	/** one IOVA window per memory segment list, iova = base + offset (PA mode) */
	RTE_EAL_IOMMU_POLICY_WINDOW,
};

/** Who a mapping belongs to. */
enum rte_eal_iommu_owner {
	RTE_EAL_IOMMU_OWNER_DPDK, /**< a DPDK memory segment */
	RTE_EAL_IOMMU_OWNER_EXTERNAL, /**< external memory (rte_extmem, heaps) */
	RTE_EAL_IOMMU_OWNER_APP, /**< an application buffer */
};

/** One area mapped in the IOAS. */
struct rte_eal_iommu_map {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
	enum rte_eal_iommu_owner owner;
};

/** Memory that should be DMA-able but is not: its mapping failed. */
struct rte_eal_iommu_failure {
	uint64_t va;
	uint64_t len;
	int err; /**< positive errno of the failed mapping */
	enum rte_eal_iommu_owner owner;
};

/** Counters since the IOAS was opened. */
struct rte_eal_iommu_stats {
	uint64_t maps; /**< successful IOMMU_IOAS_MAP calls */
	uint64_t unmaps; /**< successful IOMMU_IOAS_UNMAP calls */
	uint64_t map_failures; /**< refused mappings, at start-up or run time */
	uint64_t unmap_failures;
	uint64_t mapped_bytes; /**< bytes mapped now */
	uint64_t failed_bytes; /**< bytes of memory now recorded as failures */
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
 *
 * @return 0, -ENODEV when not open, or the kernel's negative errno.
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

/** @return the policy's name ("auto", "va", "pa", "window"). */
__rte_experimental
const char *rte_eal_iommu_policy_name(enum rte_eal_iommu_policy policy);

/** Parse a policy name; 0 or -EINVAL. */
__rte_experimental
int rte_eal_iommu_policy_parse(const char *name,
		enum rte_eal_iommu_policy *policy);

/**
 * Choose the policy for DPDK memory. Only while DPDK memory is not mapped.
 *
 * @return 0, -EINVAL for a value that is not a policy, -EBUSY while DPDK
 *   memory is mapped with another policy, -EPERM in a secondary process.
 */
__rte_experimental
int rte_eal_iommu_set_policy(enum rte_eal_iommu_policy policy);

/**
 * @return the policy in effect while DPDK memory is mapped (never AUTO),
 *   else the one requested.
 */
__rte_experimental
enum rte_eal_iommu_policy rte_eal_iommu_policy(void);

/**
 * Map every DPDK memory segment, one IOAS area per segment, with the IOVA
 * the policy gives, and keep memory DPDK adds or frees later mapped. Fails,
 * mapping nothing, with -ERANGE if a segment (or for va, a memory segment
 * list's VA window) lies outside the valid IOVA ranges, and with -ENOTSUP
 * if the policy does not suit the EAL IOVA mode; the log names the VA, the
 * ranges and what to do. With the window policy, each segment's iova
 * (rte_memseg::iova) is set to its window IOVA.
 *
 * @return 0 (also when mapped already), -ERANGE, -ENOTSUP, -ENOSPC when
 *   the window policy finds no room, -EPERM in a secondary process,
 *   -ENODEV when not open, or the kernel's negative errno.
 */
__rte_experimental
int rte_eal_iommu_map_dpdk_memory(void);

/** Unmap all DPDK memory and stop following DPDK memory events. */
__rte_experimental
int rte_eal_iommu_unmap_dpdk_memory(void);

/**
 * Map [va, va + len) into the IOAS for an application buffer.
 *
 * @param iova
 *   In: the IOVA to use, or RTE_BAD_IOVA to let the kernel choose one
 *   inside the valid ranges. Out: the IOVA.
 * @return
 *   0, -EINVAL if va or len is not a multiple of the page size (or len
 *   is 0), -EEXIST if part of the VA range is mapped already, -EFAULT if part
 *   of it is not mapped in this process, -ERANGE if the given IOVA is
 *   outside the valid ranges, or another negative errno.
 */
__rte_experimental
int rte_eal_iommu_dma_map(void *va, size_t len, uint64_t *iova);

/**
 * Unmap a range mapped by rte_eal_iommu_dma_map() (same va and len).
 *
 * @return 0, -ENOENT if nothing is mapped at va, -EINVAL if [va, va + len)
 *   is not a whole mapping, -EPERM for DPDK memory (it follows DPDK's
 *   memory events) or in a secondary process.
 */
__rte_experimental
int rte_eal_iommu_dma_unmap(void *va, size_t len);

/**
 * Translate a VA through the mappings (control path: takes a lock).
 *
 * @return the IOVA, or RTE_BAD_IOVA if va is not mapped.
 */
__rte_experimental
uint64_t rte_eal_iommu_virt2iova(const void *va);

/**
 * Check that all DPDK memory is DMA-able: every memory segment is mapped
 * and no mapping failure is recorded. Logs what is not.
 *
 * @return 0, -EFAULT when some memory is not DMA-able, -ENODEV, -ENOTSUP
 *   in a secondary process (the primary owns the mappings).
 */
__rte_experimental
int rte_eal_iommu_check(void);

/**
 * Copy the recorded mapping failures into f[0..max).
 *
 * @return the number of failures (possibly more than max).
 */
__rte_experimental
int rte_eal_iommu_failures(struct rte_eal_iommu_failure *f, unsigned int max);

/** Read the counters. @return 0. */
__rte_experimental
int rte_eal_iommu_stats_get(struct rte_eal_iommu_stats *stats);

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
 *   0, -EINVAL if pci_addr is not a PCI address, -ENODEV if there is no
 *   such device, it is not bound to vfio-pci or has no VFIO cdev (or the
 *   IOAS is not open), -EACCES if its cdev is not read-write for this user,
 *   -EEXIST if it is attached already, -EBUSY if it is open already (through its VFIO group),
 *   -EADDRINUSE if the device's reserved IOVAs collide with existing
 *   mappings, -EPERM in a secondary process, or another negative errno.
 */
__rte_experimental
int rte_eal_iommu_pci_attach(const char *pci_addr);

/**
 * Detach a device attached by rte_eal_iommu_pci_attach(), re-read ranges.
 *
 * @return 0, -EINVAL if pci_addr is not a PCI address, -ENOENT if it is
 *   not attached, -EPERM in a secondary process.
 */
__rte_experimental
int rte_eal_iommu_pci_detach(const char *pci_addr);

/** Print the IOAS, its ranges and its mappings as a table. */
__rte_experimental
void rte_eal_iommu_dump(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* RTE_EAL_IOMMU_H */
