/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef EAL_IOMMU_DRIVER_H
#define EAL_IOMMU_DRIVER_H

/* Calls for the iommufd bus only (version.map INTERNAL). */

#include <stddef.h>
#include <stdint.h>

#include <rte_compat.h>
#include <rte_eal.h>

#include "rte_eal_iommu.h"

/* rte_eal_iommu_dma_map() for a given owner (the bus maps external memory). */
__rte_internal
int eal_iommu_dma_map_owner(void *va, size_t len, uint64_t *iova,
		enum rte_eal_iommu_owner owner);

/*
 * Before DPDK memory exists: the EAL IOVA mode the requested policy needs
 * given the IOAS's valid ranges (for auto: va if DPDK's VA windows will
 * fit, else pa). -ERANGE or -EINVAL, with a message saying what to do,
 * when no policy can work. Also enforces an --iova-mode found on the
 * command line.
 */
__rte_internal
int eal_iommu_startup_vote(enum rte_iova_mode *vote);

/*
 * The same decision before anything is opened, without side effects: for
 * policy and the ranges predicted (from sysfs) for attaching devices[].
 * For refusing, while EAL still lets a plug-in fail rte_eal_init(), what
 * cannot work.
 */
__rte_internal
int eal_iommu_startup_predict(enum rte_eal_iommu_policy policy,
		const char *const *devices, unsigned int ndevices);

/*
 * Can PCI device pci_addr be attached through its VFIO cdev? Checks,
 * without side effects, that it exists, is bound to vfio-pci and has a
 * cdev this process may open; logs what to do if not. name (if not NULL)
 * gets its canonical name. 0, -EINVAL, -ENOENT, -ENODEV or -EACCES.
 */
__rte_internal
int eal_iommu_pci_check(const char *pci_addr, char *name, size_t size);

#endif /* EAL_IOMMU_DRIVER_H */
