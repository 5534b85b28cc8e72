/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_VFIO_CDEV_H
#define IOMMU_VFIO_CDEV_H

/*
 * PCI devices attached to the IOAS through their VFIO cdev; this file
 * owns the list. Functions named *_locked() need the IOAS lock.
 */

#include <stdint.h>

/* Detach and close every attached device. */
void iommu_vfio_cdev_detach_all_locked(void);

/* True when device name (canonical) is attached through its cdev. */
int iommu_vfio_cdev_attached_locked(const char *name);

/* Number of attached devices. */
unsigned int iommu_vfio_cdev_count_locked(void);

/* Call fn for every attached device. */
void iommu_vfio_cdev_foreach_locked(void (*fn)(const char *name, uint32_t dev_id,
		void *arg), void *arg);

#endif /* IOMMU_VFIO_CDEV_H */
