/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A test seam loaded with -d by the VM tier (pci_multifunction_check): a
 * PCI driver for qemu's pci-testdev (1b36:0005) whose probe fails after
 * the PCI bus set the device up through VFIO, as a PMD that rejects its
 * hardware does. The bus then releases the device, and EAL closes its
 * VFIO group when no other device of the group is open. The probe names
 * the device in IOMMU_TEST_FAILING_PMD_PROBED, for the test to check that
 * it ran. Not installed.
 */

#include <errno.h>
#include <stdlib.h>

#include <bus_pci_driver.h>
#include <rte_log.h>

static const struct rte_pci_id failing_pmd_ids[] = {
	{ RTE_PCI_DEVICE(0x1b36, 0x0005) },
	{ .vendor_id = 0 },
};

static int
failing_pmd_probe(struct rte_pci_driver *drv, struct rte_pci_device *pdev)
{
	RTE_SET_USED(drv);
	RTE_LOG(ERR, USER1, "test_failing_pmd: probe of %s fails on purpose\n",
		pdev->device.name);
	setenv("IOMMU_TEST_FAILING_PMD_PROBED", pdev->device.name, 1);
	return -EIO;
}

static int
failing_pmd_remove(struct rte_pci_device *pdev)
{
	RTE_SET_USED(pdev);
	return 0;
}

static struct rte_pci_driver failing_pmd = {
	.id_table = failing_pmd_ids,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING,
	.probe = failing_pmd_probe,
	.remove = failing_pmd_remove,
};

RTE_PMD_REGISTER_PCI(test_failing_pmd, failing_pmd);
