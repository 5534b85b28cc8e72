/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A kernel refusal half-way through mapping DPDK memory leaves nothing
 * mapped. The test reserves one segment's IOVA behind the library's back
 * (its ranges are stale, so its pre-check passes and the kernel refuses
 * that segment), then checks the kernel's IOAS is empty. After a refresh
 * the pre-check itself refuses. The reservation cannot be undone: run this
 * test last in its process. Needs CONFIG_IOMMUFD_TEST (mock profile) and
 * the va policy.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

static struct test_segments segments;

static int
test_ioas_map_rollback(void)
{
	uint32_t ioas = rte_eal_iommu_ioas_id();
	int fd = rte_eal_iommu_fd(), ret;
	const struct rte_eal_iommu_map *victim;
	char expect[64], *log = NULL;
	uint64_t base, len;

	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(selftest_available(fd),
		"the kernel lacks CONFIG_IOMMUFD_TEST (reserved ranges)");
	TEST_ASSERT(test_collect_segments(&segments) == 0 && segments.count >= 3,
		"need at least 3 DPDK memory segments (-m)");
	TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap");

	/* Segments before the victim map; the victim fails. */
	victim = &segments.segs[segments.count / 2];
	ret = selftest_add_reserved(fd, ioas, victim->iova, victim->len);
	TEST_ASSERT(ret == 0, "reserve IOVA 0x%" PRIx64 ": %s", victim->iova,
		strerror(-ret));
	ret = test_map_dpdk_memory();
	TEST_ASSERT(ret < 0 && ret != -ERANGE && test_map_errno == -ret,
		"mapping over a kernel-reserved IOVA returned %d (rte_errno %d)",
		ret, test_map_errno);
	if (test_check_ioas_empty(fd, ioas) < 0)
		return TEST_FAILED;

	/* With fresh ranges, the pre-check refuses the victim's list window. */
	TEST_ASSERT(rte_eal_iommu_ranges_refresh() == 0, "ranges refresh");
	ret = test_capture_log(test_map_dpdk_memory, &log);
	TEST_ASSERT(test_first_list_window(&base, &len) == 0 &&
		victim->va >= base && victim->va < base + len,
		"the reserved segment is not in the first memory list");
	snprintf(expect, sizeof(expect), "first: VA [0x%" PRIx64 ",", base);
	TEST_ASSERT(ret == -ERANGE, "mapping with fresh ranges returned %d", ret);
	ret = log != NULL && strstr(log, expect) != NULL &&
		strstr(log, "1 of ") != NULL;
	free(log);
	TEST_ASSERT(ret, "the error does not name the reserved segment's list (%s)",
		expect);
	return test_check_ioas_empty(fd, ioas);
}

REGISTER_IOMMU_TEST(ioas_map_rollback_autotest, test_ioas_map_rollback);
