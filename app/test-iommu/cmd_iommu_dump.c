/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * iommu_dump: print the IOAS, its valid ranges and its mappings; with
 * IOMMU_TEST_PCI_DEV set, attach that device and print them again.
 */

#include <stdio.h>
#include <stdlib.h>

#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "test.h"

static int
cmd_iommu_dump(void)
{
	const char *dev = getenv("IOMMU_TEST_PCI_DEV");
	int ret;

	printf("\n== DPDK memory in the iommufd IOAS\n");
	rte_eal_iommu_dump(stdout);
	if (!rte_eal_iommu_is_open())
		return TEST_FAILED;
	if (dev == NULL || dev[0] == '\0')
		return TEST_SUCCESS;
	ret = rte_eal_iommu_pci_attach(dev);
	if (ret < 0) {
		printf("cannot attach %s: %s\n", dev, rte_strerror(-ret));
		return TEST_FAILED;
	}
	printf("\n== after attaching %s through its VFIO cdev\n", dev);
	rte_eal_iommu_dump(stdout);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(iommu_dump, cmd_iommu_dump);
