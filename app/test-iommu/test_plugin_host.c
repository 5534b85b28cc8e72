/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The plug-in on a machine without a usable /dev/iommu. */

#include <errno.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "test.h"

static int
any_bus(const struct rte_bus *bus, const void *data)
{
	RTE_SET_USED(bus);
	RTE_SET_USED(data);
	return 0;
}

static int
test_plugin_without_iommufd(void)
{
	struct rte_eal_iommu_range r;
	struct rte_bus *first = rte_bus_find(NULL, any_bus, NULL);

	if (access("/dev/iommu", R_OK | W_OK) == 0)
		TEST_SKIP("/dev/iommu is usable here");
	TEST_ASSERT(rte_bus_find_by_name("iommufd") != NULL,
		"the iommufd bus is not registered: load the plug-in with -d");
	/*
	 * It must probe before every other bus, so IOVAs are final before any
	 * driver reads one; this binary links the vdev bus, which registers
	 * before the plug-in is loaded.
	 */
	TEST_ASSERT(first == rte_bus_find_by_name("iommufd"),
		"the first bus is %s, not iommufd", rte_bus_name(first));
	TEST_ASSERT(rte_bus_find_by_name("pci") != NULL && rte_bus_find_by_name("vdev") != NULL,
		"moving buses lost one");
	TEST_ASSERT(!rte_eal_iommu_is_open(), "IOAS open without /dev/iommu");
	TEST_ASSERT(rte_eal_iommu_fd() == -ENODEV && rte_errno == ENODEV,
		"fd of a closed IOAS");
	TEST_ASSERT(rte_eal_iommu_open() == -ENODEV && rte_errno == ENODEV,
		"open without /dev/iommu");
	TEST_ASSERT(!rte_eal_iommu_is_open(), "a failed open left it open");
	TEST_ASSERT(rte_eal_iommu_ranges(&r, 1, NULL) == -ENODEV,
		"ranges of a closed IOAS");
	TEST_ASSERT(rte_eal_iommu_pci_attach("not-a-pci-address") == -EINVAL &&
		rte_errno == EINVAL, "bad PCI address");
	TEST_ASSERT(rte_eal_iommu_pci_attach("0000:00:01.0") == -ENODEV,
		"attach with a closed IOAS");
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == 0, "no mappings");
	TEST_ASSERT(rte_eal_iommu_mapped_bytes() == 0, "no mapped bytes");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(plugin_without_iommufd_autotest, test_plugin_without_iommufd);
