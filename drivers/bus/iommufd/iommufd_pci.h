/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_PCI_H
#define IOMMUFD_PCI_H

/*
 * The PCI bus's drivers on the IOAS. A PCI driver registered before every
 * PMD (the plug-in is loaded before the PMD directory) sees each device
 * first and admits it to the IOAS (its VFIO group bridged into the
 * iommufd), or refuses it with a clear error, so that no PMD gets a device
 * that could not DMA through the IOAS; it then passes the device on to
 * the next driver. The PCI bus's probe, plug and unplug are wrapped to
 * re-read the valid ranges after devices attach or detach, and its
 * dma_map/dma_unmap to map into the IOAS for devices on it.
 */

#include "iommufd_params.h"

/* With the IOAS open (primary or secondary): take part from now on. */
void iommufd_pci_start(const struct iommufd_params *p);

/* Before the IOVA-mode vote: predict what the devices will reserve. */
void iommufd_pci_expect(void);

/* Release every PCI device (before the IOAS closes) and stop. */
void iommufd_pci_stop(void);

/* The PCI devices the PCI bus will give its drivers through the IOAS. */
unsigned int iommufd_pci_managed_count(void);

#endif /* IOMMUFD_PCI_H */
