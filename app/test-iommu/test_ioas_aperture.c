/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * With a mock domain attached (aperture [16 MiB, 2 GiB)), DPDK memory at
 * its usual VAs cannot be mapped at IOVA = VA: the library must refuse with
 * a message naming the VA, the ranges and the fix, and leave the IOAS empty.
 * Needs the plug-in loaded and a kernel with CONFIG_IOMMUFD_TEST, without
 * another IOMMU driver (the mock test profile).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include <iommufd/iommufd_test.h>
#include <rte_eal_iommu.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define MOCK_START ((uint64_t)MOCK_APERTURE_START)
#define MOCK_LAST ((uint64_t)MOCK_APERTURE_LAST)

static struct test_segments segments;

static int
check_ranges_in_aperture(void)
{
	struct rte_eal_iommu_range r[16];
	int i, n = rte_eal_iommu_ranges(r, RTE_DIM(r), NULL);

	TEST_ASSERT(n >= 1 && n <= (int)RTE_DIM(r), "%d ranges", n);
	for (i = 0; i < n; i++)
		TEST_ASSERT(r[i].start >= MOCK_START && r[i].last <= MOCK_LAST,
			"range [0x%" PRIx64 ", 0x%" PRIx64 "] outside the mock aperture",
			r[i].start, r[i].last);
	return TEST_SUCCESS;
}

static int
check_refusal(int fd, uint32_t ioas)
{
	char expect[128], *log = NULL;
	uint64_t base, len;
	int ret;

	if (check_ranges_in_aperture() < 0)
		return TEST_FAILED;
	ret = test_capture_log(test_map_dpdk_memory, &log);
	TEST_ASSERT(ret == -ERANGE && test_map_errno == ERANGE,
		"mapping outside the aperture returned %d (rte_errno %d), not -ERANGE",
		ret, test_map_errno);
	/* IOVA = VA needs each list's whole VA window, for memory added later. */
	TEST_ASSERT(test_first_list_window(&base, &len) == 0, "no memory list");
	snprintf(expect, sizeof(expect), "VA [0x%" PRIx64 ", 0x%" PRIx64 "]",
		base, base + len - 1);
	ret = log != NULL && strstr(log, expect) != NULL &&
		strstr(log, "[0x1000000, 0x7fffffff]") != NULL &&
		strstr(log, "--base-virtaddr") != NULL;
	free(log);
	TEST_ASSERT(ret, "the error does not name the VA window (%s), the ranges and the fix",
		expect);
	return test_check_ioas_empty(fd, ioas);
}

static int
test_ioas_aperture_refusal(void)
{
	uint32_t ioas = rte_eal_iommu_ioas_id(), stdev = 0;
	int fd = rte_eal_iommu_fd(), ret, destroy;

	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(selftest_available(fd),
		"the kernel lacks CONFIG_IOMMUFD_TEST (mock domains)");
	TEST_ASSERT(test_collect_segments(&segments) == 0 && segments.count > 0,
		"no DPDK memory");
	TEST_ASSERT(segments.segs[0].va > MOCK_LAST,
		"DPDK memory at VA 0x%" PRIx64 " is inside the mock aperture: run without --base-virtaddr",
		segments.segs[0].va);
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) >= (int)segments.count,
		"DPDK memory is not mapped to begin with");

	/* The mock aperture cannot be attached over existing mappings. */
	TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap");
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == 0, "mappings left after unmap");
	ret = selftest_mock_domain(fd, ioas, &stdev);
	TEST_ASSERT(ret == 0, "mock domain: %s (a real IOMMU driver is active? use the mock profile)",
		strerror(-ret));
	ret = rte_eal_iommu_ranges_refresh();
	if (ret == 0)
		ret = check_refusal(fd, ioas);
	else
		printf("ranges refresh: %s\n", strerror(-ret));

	/* Detach the mock domain and put DPDK memory back for later tests. */
	destroy = selftest_destroy(fd, stdev);
	TEST_ASSERT(destroy == 0, "detach mock domain: %s", strerror(-destroy));
	TEST_ASSERT(rte_eal_iommu_ranges_refresh() == 0, "ranges refresh");
	TEST_ASSERT(rte_eal_iommu_map_dpdk_memory() == 0, "remap after detach");
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == (int)segments.count,
		"remapped %d of %u segments", rte_eal_iommu_maps(NULL, 0),
		segments.count);
	return ret;
}

REGISTER_IOMMU_TEST(ioas_aperture_refusal_autotest, test_ioas_aperture_refusal);
