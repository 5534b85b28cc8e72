/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A PCI device bound to vfio-pci is attached to the IOAS through its VFIO
 * cdev; the valid ranges read afterwards exclude the x86 MSI window and
 * widen again on detach. Needs the plug-in loaded, a real IOMMU and the
 * device's address in IOMMU_TEST_PCI_DEV; IOMMU_TEST_APERTURE_BITS, when
 * set, is the IOMMU's address width the ranges must end at.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "test.h"

#define MSI_START 0xfee00000ULL
#define MSI_LAST 0xfeefffffULL

static uint64_t last_iova;

/* 1 when some valid range overlaps the MSI window; notes the last IOVA. */
static int
msi_window_valid(int *nranges)
{
	struct rte_eal_iommu_range r[32];
	int i, n = rte_eal_iommu_ranges(r, RTE_DIM(r), NULL);

	*nranges = n;
	last_iova = 0;
	for (i = 0; i < n && i < (int)RTE_DIM(r); i++) {
		last_iova = RTE_MAX(last_iova, r[i].last);
		printf("  range [0x%" PRIx64 ", 0x%" PRIx64 "]\n", r[i].start,
			r[i].last);
		if (r[i].start <= MSI_LAST && r[i].last >= MSI_START)
			return 1;
	}
	return 0;
}

static int
test_vfio_cdev_attach(void)
{
	const char *dev = getenv("IOMMU_TEST_PCI_DEV");
	const char *bits = getenv("IOMMU_TEST_APERTURE_BITS");
	int nmaps, n, ret;

	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in with -d");
	TEST_ASSERT(dev != NULL && dev[0] != '\0',
		"set IOMMU_TEST_PCI_DEV to a PCI device bound to vfio-pci");
	nmaps = rte_eal_iommu_maps(NULL, 0);
	TEST_ASSERT(nmaps > 0, "DPDK memory is not mapped");

	printf("before attach:\n");
	TEST_ASSERT(msi_window_valid(&n), "the MSI window is reserved with no device");

	ret = rte_eal_iommu_pci_attach(dev);
	TEST_ASSERT(ret == 0, "attach %s: %s", dev, rte_strerror(-ret));
	printf("after attaching %s:\n", dev);
	TEST_ASSERT(!msi_window_valid(&n) && n > 0,
		"the ranges read after attach include the MSI window");
	if (bits != NULL)
		TEST_ASSERT(last_iova == (1ULL << atoi(bits)) - 1,
			"the ranges end at 0x%" PRIx64 ", not at the %s-bit aperture",
			last_iova, bits);
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == nmaps,
		"attach changed the mappings");
	TEST_ASSERT(rte_eal_iommu_pci_attach(dev) == -EEXIST,
		"a second attach of %s was not refused", dev);

	TEST_ASSERT(rte_eal_iommu_pci_detach(dev) == 0, "detach %s", dev);
	printf("after detach:\n");
	TEST_ASSERT(msi_window_valid(&n), "the ranges did not widen on detach");
	TEST_ASSERT(rte_eal_iommu_pci_detach(dev) == -ENOENT,
		"detach of a detached device");

	/* Leave it attached: rte_eal_cleanup() must detach it. */
	TEST_ASSERT(rte_eal_iommu_pci_attach(dev) == 0, "re-attach %s", dev);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(vfio_cdev_attach_autotest, test_vfio_cdev_attach);
