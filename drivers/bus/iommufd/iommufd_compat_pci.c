/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The PCI bus's private layout (iommufd_compat.h). */

#include <stddef.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>

#include "iommufd_bus_log.h"
#include "iommufd_compat.h"

/*
 * struct rte_pci_bus (drivers/bus/pci/private.h, the same from DPDK 17.11
 * to 25.11): the bus, then its device and driver lists. Only read after
 * the walk below confirmed it against the driver's own list links.
 */
struct pci_bus_layout {
	struct rte_bus bus;
	RTE_TAILQ_HEAD(, rte_pci_device) device_list;
	RTE_TAILQ_HEAD(, rte_pci_driver) driver_list;
};

#define MAX_PCI_DRIVERS 1024

/*
 * Walking back from the driver reads only list links (each points into a
 * driver or the list head), so a layout that does not match is found,
 * never followed: then say how to get the order right.
 */
void
iommufd_compat_pci_driver_first(struct rte_bus *pci_bus, struct rte_pci_driver *gate)
{
	struct pci_bus_layout *layout = (struct pci_bus_layout *)pci_bus;
	struct rte_pci_driver **link = gate->next.tqe_prev;
	unsigned int steps = 0;

	while (link != &layout->driver_list.tqh_first && steps < MAX_PCI_DRIVERS) {
		link = container_of(link, struct rte_pci_driver, next.tqe_next)->next.tqe_prev;
		steps++;
	}
	if (steps == MAX_PCI_DRIVERS) {
		BUS_LOG(WARNING, "cannot check that PCI devices see the IOAS gate before their PMD: load the plug-in first with -d");
		return;
	}
	if (steps == 0)
		return;
	rte_pci_unregister(gate);
	TAILQ_INSERT_HEAD(&layout->driver_list, gate, next);
	BUS_LOG(DEBUG, "IOAS gate moved before %u PCI driver(s) registered earlier", steps);
}
