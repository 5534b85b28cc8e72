/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Unmapping many areas at once waits for one grace period of the lookup
 * table, not one per area (doc/guides/lookup.rst): the teardown of DPDK
 * memory, and a heap shrink that frees many segments in one event. After
 * each, nothing removed is mapped or found by lookups, and the rest is as
 * before. Needs the plug-in with DPDK memory mapped, in dynamic memory
 * mode with hugepages for a 128 MiB heap growth, and a kernel with
 * CONFIG_IOMMUFD_TEST (the access object proves the IOVAs are gone).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>
#include "eal_iommu_test_hooks.h"

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define GROWTH (128 << 20)

static unsigned int
dpdk_areas(void)
{
	struct rte_eal_iommu_map *maps = NULL;
	unsigned int n = 0;
	int i, count = test_get_maps(&maps);

	for (i = 0; i < count; i++)
		n += maps[i].owner == RTE_EAL_IOMMU_OWNER_DPDK;
	free(maps);
	return n;
}

/* Nothing of [va, va + len) at iova is translated or reachable by DMA. */
static int
check_gone(int fd, int access_fd, uint64_t va, uint64_t len, uint64_t iova)
{
	uint64_t v = 0;

	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)va) == RTE_BAD_IOVA &&
		rte_eal_iommu_lookup((void *)(uintptr_t)(va + len - 1)) == RTE_BAD_IOVA,
		"VA 0x%" PRIx64 " is still translated after its unmap", va);
	TEST_ASSERT(selftest_dma_read(fd, access_fd, iova, &v, sizeof(v)) < 0 &&
		selftest_dma_read(fd, access_fd, iova + len - sizeof(v), &v,
			sizeof(v)) < 0,
		"DMA at IOVA 0x%" PRIx64 " still reaches memory after its unmap", iova);
	return TEST_SUCCESS;
}

/* The teardown of every DPDK area: one grace period. */
static int
unmap_all_dpdk(int fd, int access_fd, const struct test_segments *segs)
{
	unsigned int areas = dpdk_areas(), i;
	uint64_t graces = eal_iommu_test_grace_periods();

	TEST_ASSERT(areas >= 2, "only %u DPDK area(s): nothing to batch", areas);
	TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap DPDK memory");
	graces = eal_iommu_test_grace_periods() - graces;
	TEST_ASSERT(dpdk_areas() == 0, "%u DPDK areas left", dpdk_areas());
	for (i = 0; i < segs->count; i++)
		if (check_gone(fd, access_fd, segs->segs[i].va, segs->segs[i].len,
				segs->segs[i].iova) < 0)
			return TEST_FAILED;
	TEST_ASSERT(graces == 1, "unmapping %u areas took %" PRIu64 " grace periods, not 1",
		areas, graces);
	printf("teardown of %u areas: %" PRIu64 " grace period\n", areas, graces);
	TEST_ASSERT(rte_eal_iommu_map_dpdk_memory() == 0 && rte_eal_iommu_check() == 0,
		"map DPDK memory again");
	TEST_ASSERT(dpdk_areas() == areas, "%u areas after remapping, %u before",
		dpdk_areas(), areas);
	for (i = 0; i < segs->count; i++)
		TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)segs->segs[i].va) ==
			segs->segs[i].iova, "segment VA 0x%" PRIx64 " not translated after remapping",
			segs->segs[i].va);
	return TEST_SUCCESS;
}

/*
 * A heap shrink freeing many segments in one event: one grace period, and
 * every area the growth added is gone (the allocation may also use free
 * memory the heap had, which stays).
 */
static int
heap_shrink(int fd, int access_fd)
{
	struct rte_eal_iommu_map *before = NULL, *grown = NULL;
	int nbefore, ngrown, i, added = 0, ret = TEST_SUCCESS;
	uint64_t graces;
	void *p;

	nbefore = test_get_maps(&before);
	TEST_ASSERT(nbefore > 0, "no mappings");
	p = rte_malloc("unmap_batch", GROWTH, 0);
	ngrown = test_get_maps(&grown);
	for (i = 0; i < ngrown; i++)
		added += !test_map_listed(before, nbefore, &grown[i]);
	graces = eal_iommu_test_grace_periods();
	rte_free(p);
	graces = eal_iommu_test_grace_periods() - graces;
	if (p == NULL || added < 2) {
		printf("allocation %p added %d area(s): needs hugepages for a growth of several segments\n",
			p, added);
		ret = TEST_FAILED;
	}
	for (i = 0; ret == TEST_SUCCESS && i < ngrown; i++)
		if (!test_map_listed(before, nbefore, &grown[i]))
			ret = check_gone(fd, access_fd, grown[i].va, grown[i].len,
				grown[i].iova);
	if (ret == TEST_SUCCESS && rte_eal_iommu_maps(NULL, 0) != nbefore) {
		printf("%d areas after the free, %d before the growth\n",
			rte_eal_iommu_maps(NULL, 0), nbefore);
		ret = TEST_FAILED;
	}
	if (ret == TEST_SUCCESS && graces != 1) {
		printf("freeing %d areas took %" PRIu64 " grace periods, not 1\n", added,
			graces);
		ret = TEST_FAILED;
	}
	if (ret == TEST_SUCCESS)
		printf("heap shrink of %d areas: %" PRIu64 " grace period\n", added, graces);
	free(before);
	free(grown);
	return ret;
}

static int
test_unmap_batch(void)
{
	static struct test_segments segs;
	int fd = rte_eal_iommu_fd(), access_fd, ret;

	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(rte_eal_iommu_check() == 0, "DPDK memory is not all mapped");
	TEST_ASSERT(selftest_available(fd),
		"the kernel lacks CONFIG_IOMMUFD_TEST (simulated DMA)");
	TEST_ASSERT(test_collect_segments(&segs) == 0 && segs.count > 0,
		"no DPDK memory");
	ret = selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd);
	TEST_ASSERT(ret == 0, "cannot create an access object: %s", strerror(-ret));
	ret = unmap_all_dpdk(fd, access_fd, &segs);
	if (ret == TEST_SUCCESS)
		ret = heap_shrink(fd, access_fd);
	close(access_fd);
	return ret;
}

REGISTER_IOMMU_TEST(unmap_batch_autotest, test_unmap_batch);
