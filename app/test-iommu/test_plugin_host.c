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
test_plugin_without_iommufd(void)
{
	struct rte_eal_iommu_range r;

	if (access("/dev/iommu", R_OK | W_OK) == 0)
		TEST_SKIP("/dev/iommu is usable here");
	TEST_ASSERT(rte_bus_find_by_name("iommufd") != NULL,
		"the iommufd bus is not registered: load the plug-in with -d");
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
