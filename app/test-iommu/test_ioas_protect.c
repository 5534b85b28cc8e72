/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * IOVAs handed out are protected with IOMMU_IOAS_ALLOW_IOVAS: a device
 * attach that would reserve them fails up front with EADDRINUSE and leaves
 * the mappings intact. The protection covers DPDK's whole IOVA windows, so
 * memory DPDK adds later can still be mapped.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define SZ_2M (UINT64_C(2) << 20)
#define MSI_START 0xfee00000ULL

/*
 * Mock profile, policy va: a reservation (what attaching a device does) in
 * the unmapped end of DPDK's VA window is refused while DPDK memory is
 * mapped, and accepted once it is not. Run last: the reservation stays.
 */
static int
test_ioas_protect(void)
{
	uint32_t ioas = rte_eal_iommu_ioas_id();
	int fd = rte_eal_iommu_fd(), nmaps, ret;
	uint64_t base, len, tail;

	TEST_ASSERT(fd >= 0 && selftest_available(fd),
		"needs the plug-in and CONFIG_IOMMUFD_TEST");
	TEST_ASSERT(rte_eal_iommu_policy() == RTE_EAL_IOMMU_POLICY_VA, "needs policy va");
	TEST_ASSERT(test_first_list_window(&base, &len) == 0, "no memory list");
	tail = base + len - SZ_2M;
	TEST_ASSERT(rte_eal_iommu_virt2iova((void *)(uintptr_t)tail) == RTE_BAD_IOVA,
		"the end of the VA window is mapped: use less memory");
	nmaps = rte_eal_iommu_maps(NULL, 0);

	ret = selftest_add_reserved(fd, ioas, tail, SZ_2M);
	TEST_ASSERT(ret == -EADDRINUSE,
		"reserving unmapped IOVA 0x%" PRIx64 " inside DPDK's window returned %d, not -EADDRINUSE",
		tail, ret);
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == nmaps && rte_eal_iommu_check() == 0,
		"the refused reservation changed the mappings");

	/* Without DPDK memory mapped nothing is protected there. */
	TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap");
	ret = selftest_add_reserved(fd, ioas, tail, SZ_2M);
	TEST_ASSERT(ret == 0, "reserving IOVA 0x%" PRIx64 " unprotected: %s", tail,
		strerror(-ret));
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_protect_autotest, test_ioas_protect);

/*
 * VT-d profile, policy va, DPDK memory placed over the MSI window
 * (--base-virtaddr below 0xfee00000): attaching a device, which reserves
 * the MSI window, fails with EADDRINUSE and a clear message, and the
 * mappings and the ranges stay as they were.
 */
static int
test_vfio_attach_protect(void)
{
	const char *dev = getenv("IOMMU_TEST_PCI_DEV");
	struct rte_eal_iommu_range r[8];
	uint64_t base, len, align;
	int nmaps, nranges, ret;
	char *log = NULL;

	TEST_ASSERT(dev != NULL, "set IOMMU_TEST_PCI_DEV to a vfio-pci device");
	TEST_ASSERT(rte_eal_iommu_policy() == RTE_EAL_IOMMU_POLICY_VA, "needs policy va");
	TEST_ASSERT(test_first_list_window(&base, &len) == 0 &&
		base <= MSI_START && base + len > MSI_START,
		"DPDK's VA window does not cover the MSI window: run with --base-virtaddr=0xf0000000");
	nmaps = rte_eal_iommu_maps(NULL, 0);
	nranges = rte_eal_iommu_ranges(r, RTE_DIM(r), &align);

	setenv("IOMMU_TEST_ATTACH", dev, 1);
	ret = test_capture_log(test_attach_from_env, &log);
	TEST_ASSERT(ret == -EADDRINUSE, "attach over DPDK's IOVAs returned %d, not -EADDRINUSE",
		ret);
	ret = log != NULL && strstr(log, "collide with IOVAs this process uses") != NULL;
	free(log);
	TEST_ASSERT(ret, "the refusal does not say why");
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == nmaps && rte_eal_iommu_check() == 0,
		"the refused attach changed the mappings");
	TEST_ASSERT(rte_eal_iommu_ranges(r, RTE_DIM(r), NULL) == nranges && nranges == 1,
		"the refused attach changed the ranges");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(vfio_attach_protect_autotest, test_vfio_attach_protect);
