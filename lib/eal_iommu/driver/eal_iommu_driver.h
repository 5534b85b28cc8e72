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
 * A secondary's probe, DPDK memory attached: in legacy mode, where no
 * memory events reach it, fill its lookup table from DPDK's segments
 * (memory never changes there); elsewhere the events did. 0 or -ENOMEM.
 */
__rte_internal
int eal_iommu_secondary_memory_attached(void);

/*
 * Can PCI device pci_addr be attached through its VFIO cdev? Checks,
 * without side effects, that it exists, is bound to vfio-pci and has a
 * cdev this process may open; logs what to do if not. name (if not NULL)
 * gets its canonical name. 0, -EINVAL, -ENOENT, -ENODEV or -EACCES.
 */
__rte_internal
int eal_iommu_pci_check(const char *pci_addr, char *name, size_t size);

/*
 * The PCI bus will give these vfio-pci devices to its drivers: keep the
 * IOVAs they will reserve when they attach (predicted from sysfs) out of
 * the valid ranges from now on, so the policy and every mapping avoid
 * them. Replaces the previous list.
 */
__rte_internal
int eal_iommu_pci_expect(const char *const *names, unsigned int n);

/*
 * Before a PCI driver gets vfio-pci device name: bridge its IOMMU group
 * into the IOAS, so that the device EAL opens DMAs through it. Refuses,
 * changing nothing and logging the device, the IOVAs and the fix, while
 * DPDK memory is not all DMA-able in the IOAS (-EFAULT), when the device
 * would reserve IOVAs in use (-EADDRINUSE), when it is attached through
 * its cdev (-EBUSY), in a secondary process (-ENOTSUP: the primary
 * admits). -ENODEV when the IOAS is not open.
 */
__rte_internal
int eal_iommu_pci_group_admit(const char *name);

/* 1 when device name was admitted (its group is in the IOAS), else 0. */
__rte_internal
int eal_iommu_pci_group_admitted(const char *name);

/*
 * After the PCI bus probed, plugged or unplugged devices: forget groups
 * EAL released, re-read the valid ranges and check them against the
 * prediction. legacy: devices the PCI bus gave to drivers outside the
 * IOAS (through EAL's legacy VFIO container), for telemetry.
 */
__rte_internal
void eal_iommu_pci_group_sync(unsigned int legacy);

#endif /* EAL_IOMMU_DRIVER_H */
