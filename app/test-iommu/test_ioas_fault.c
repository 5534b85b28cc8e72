/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A mapping fault while DPDK adds memory cannot refuse the allocation, but
 * it is not lost: the range is recorded, counted, and rte_eal_iommu_check()
 * fails until the memory is freed. The fault is injected by the kernel
 * (fail-nth on this thread, CONFIG_FAULT_INJECTION + IOMMUFD_TEST).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_util.h"

static int
test_ioas_hotadd_fault(void)
{
	struct rte_eal_iommu_stats before, after;
	struct rte_eal_iommu_failure f[8];
	int nfail, ret;
	void *big;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	rte_eal_iommu_stats_get(&before);
	ret = test_fail_nth(1);
	TEST_ASSERT(ret == 0, "fail-nth: %s (needs CONFIG_FAULT_INJECTION)",
		strerror(-ret));
	big = rte_malloc("iommu_fault", 64 << 20, 0);
	test_fail_nth(0);
	TEST_ASSERT(big != NULL, "the allocation itself failed");

	rte_eal_iommu_stats_get(&after);
	nfail = rte_eal_iommu_failures(f, RTE_DIM(f));
	TEST_ASSERT(nfail >= 1 && after.map_failures > before.map_failures &&
		after.failed_bytes > 0,
		"the injected fault was lost: %d failures, %" PRIu64 " map failures, %" PRIu64 " failed bytes",
		nfail, after.map_failures - before.map_failures, after.failed_bytes);
	printf("recorded: VA 0x%" PRIx64 " length 0x%" PRIx64 ": %s\n",
		f[0].va, f[0].len, strerror(f[0].err));
	TEST_ASSERT(f[0].owner == RTE_EAL_IOMMU_OWNER_DPDK && f[0].err != 0,
		"the failure does not say whose memory and why");
	TEST_ASSERT(rte_eal_iommu_check() == -EFAULT,
		"rte_eal_iommu_check() passes with memory that is not DMA-able");
	TEST_ASSERT(rte_eal_iommu_virt2iova((void *)(uintptr_t)f[0].va) == RTE_BAD_IOVA,
		"the failed range translates");

	/* Freeing the memory clears the record: nothing that cannot be DMA-mapped remains. */
	rte_free(big);
	TEST_ASSERT(rte_eal_iommu_failures(NULL, 0) == 0,
		"the failure outlived its memory");
	TEST_ASSERT(rte_eal_iommu_check() == 0, "check still fails after the free");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_hotadd_fault_autotest, test_ioas_hotadd_fault);
