/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_VFIO_GROUP_H
#define IOMMU_VFIO_GROUP_H

/*
 * VFIO groups bridged into the IOAS, so that the PCI bus's own drivers DMA
 * through it: the group is given the iommufd as its container
 * (VFIO_GROUP_SET_CONTAINER), and the IOAS is the iommufd's VFIO
 * compatibility IOAS (IOMMU_VFIO_IOAS), so every device EAL then opens
 * from the group binds to the iommufd and attaches to the IOAS. EAL keeps
 * owning the group fd: it closes it when the group's last device goes,
 * which takes the group out of the IOAS. This file owns the list of
 * bridged groups and the reservations predicted for their devices.
 * Functions named *_locked() need the IOAS lock.
 */

#include <stdint.h>

#include "iova_ranges.h"

/* Call fn for every device admitted through a bridged group. */
void iommu_vfio_group_foreach_locked(void (*fn)(const char *name, int group,
		const struct iova_range *reserved, unsigned int nreserved,
		void *arg), void *arg);

/* Number of devices admitted through bridged groups. */
unsigned int iommu_vfio_group_device_count_locked(void);

/* Devices the PCI bus gave to drivers outside the IOAS (EAL's legacy container). */
unsigned int iommu_vfio_group_legacy_count_locked(void);

/* Forget every group (closing: EAL has released them). */
void iommu_vfio_group_clear_locked(void);

#endif /* IOMMU_VFIO_GROUP_H */
