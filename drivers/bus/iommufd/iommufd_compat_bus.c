/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * EAL's bus list (iommufd_compat.h): rte_bus_register() appends
 * (TAILQ_INSERT_TAIL) and rte_bus_probe() probes in list order
 * (lib/eal/common/eal_common_bus.c, every 22.11 release); neither is
 * promised by the API.
 */

#include <bus_driver.h>

#include "iommufd_compat.h"

static int
any_bus(const struct rte_bus *bus, const void *data)
{
	RTE_SET_USED(bus);
	RTE_SET_USED(data);
	return 0;
}

void
iommufd_compat_bus_first(struct rte_bus *bus)
{
	struct rte_bus *first;

	/* Each bus ahead moves behind, in its order: bounded by their number. */
	if (rte_bus_find(NULL, any_bus, NULL) == NULL || rte_bus_find_by_name(bus->name) != bus)
		return;
	while ((first = rte_bus_find(NULL, any_bus, NULL)) != bus) {
		rte_bus_unregister(first);
		rte_bus_register(first);
	}
}
