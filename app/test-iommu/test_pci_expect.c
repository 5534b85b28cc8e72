/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * More PCI devices than any fixed list would hold: IOMMU_TEST_FAKE_PCI
 * devices made up in sysfs (vm-tests.sh, with_fake_pci_devices: device i
 * is in its own IOMMU group and reserves 4 KiB at FAKE_BASE + i MiB) are
 * expected at once (eal_iommu_pci_expect(), as the bus does for the PCI
 * devices it will probe): every reservation is then outside the IOAS's
 * valid ranges, and none is once the expectation is withdrawn.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_errno.h>

#include <rte_eal_iommu.h>
#include <eal_iommu_driver.h>

#include "test.h"

#define FAKE_BASE UINT64_C(0xfe000000000)
#define MAX_RANGES 4096

/* Is [start, start + 4 KiB) inside a valid range of r[0..n)? */
static int
valid(const struct rte_eal_iommu_range *r, int n, uint64_t start)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].start <= start && start + 4095 <= r[i].last)
			return 1;
	return 0;
}

static int
test_pci_expect_many(void)
{
	static struct rte_eal_iommu_range r[MAX_RANGES];
	static char names[4096][16];
	const char *env = getenv("IOMMU_TEST_FAKE_PCI");
	const char *list[4096];
	unsigned int i, n = env != NULL ? (unsigned int)atoi(env) : 0;
	uint64_t align;
	int nr;

	TEST_ASSERT(n > 0 && n <= RTE_DIM(names), "set IOMMU_TEST_FAKE_PCI (1 to %u)",
		(unsigned int)RTE_DIM(names));
	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in with -d");
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:%02x:%02x.%x",
			0x80 + i / 256, i / 8 % 32, i % 8);
		list[i] = names[i];
	}
	TEST_ASSERT(eal_iommu_pci_expect(list, n) == 0, "expecting %u devices: %s", n,
		rte_strerror(rte_errno));
	nr = rte_eal_iommu_ranges(r, MAX_RANGES, &align);
	TEST_ASSERT(nr > 0 && nr <= MAX_RANGES, "%d valid ranges", nr);
	for (i = 0; i < n; i++)
		TEST_ASSERT(!valid(r, nr, FAKE_BASE + ((uint64_t)i << 20)),
			"device %u of %u (%s): its reservation is still valid", i, n, names[i]);
	TEST_ASSERT(eal_iommu_pci_expect(NULL, 0) == 0, "withdrawing the expectation");
	nr = rte_eal_iommu_ranges(r, MAX_RANGES, &align);
	for (i = 0; i < n; i++)
		TEST_ASSERT(valid(r, nr, FAKE_BASE + ((uint64_t)i << 20)),
			"device %u: its reservation is still out after the expectation went", i);
	printf("%u PCI devices expected at once: each one's reservation taken out of the valid ranges, and back\n",
		n);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(pci_expect_many_autotest, test_pci_expect_many);
