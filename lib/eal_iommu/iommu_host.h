/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_HOST_H
#define IOMMU_HOST_H

/*
 * What the machine tells before anything is opened: hugepage counts, the
 * VA windows DPDK will reserve, and what a device's IOMMU will reserve
 * when it is attached (from sysfs). EAL's arguments are not read: the
 * IOVA mode is known once EAL decides it (iommu_policy.c). Reads only: no side effects, no lock needed.
 */

#include <stdint.h>

#include <rte_eal.h>

#include "iova_ranges.h"

/* Bytes of hugepages of page_sz that can back memory on socket. */
uint64_t iommu_host_hugepage_bytes(int socket, uint64_t page_sz);

/*
 * The VA span DPDK will reserve for its memory, predicted the way EAL
 * sizes its memory segment lists: from its base address, one list window
 * of at most RTE_MAX_MEM_MB_PER_TYPE per hugepage size and NUMA node, all
 * within RTE_MAX_MEM_MB.
 */
void iommu_host_predict_va_windows(uint64_t *base, uint64_t *len);

/*
 * Take out of set what attaching PCI device name will reserve: everything
 * outside its IOMMU's aperture (Intel VT-d: from the address widths in
 * its capability register) and its IOMMU group's reserved regions. An
 * IOMMU whose aperture cannot be read here leaves the aperture out of the
 * prediction. 0, or -ENODEV (no IOMMU group: the device cannot be
 * attached), -ENOMEM.
 */
int iommu_host_predict_device_ranges(const char *name, struct iova_ranges *set);

/* At most this many IOVA ranges reserved per device. */
#define IOMMU_HOST_MAX_RESERVATIONS 32

/*
 * The same reservations as a list: v[0..max) gets them (the aperture's end
 * last); returns their number, -ENODEV (no IOMMU group) or -E2BIG.
 */
int iommu_host_device_reservations(const char *name, struct iova_range *v,
		unsigned int max);

/* The IOMMU group number of PCI device name; -ENODEV if none. */
int iommu_host_iommu_group(const char *name);

#endif /* IOMMU_HOST_H */
