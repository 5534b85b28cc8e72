/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A secondary process shares the primary's IOAS: it receives the iommufd
 * fd, translates every DPDK memory segment to the IOVA the primary
 * reported (IOMMU_TEST_MAP_FILE, written by the primary's "serve"), and
 * simulated DMA through its own fd at those IOVAs reaches the shared
 * memory. It may not change the IOAS; memory it makes DPDK allocate is
 * mapped by the primary. Run with --proc-type=secondary; needs
 * CONFIG_IOMMUFD_TEST.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

static struct test_segments before, after;

/* The primary's translations agree with ours and DMA reaches them. */
static int
check_primary_map(const char *path, int fd, int access_fd)
{
	uint64_t va, iova, len;
	unsigned int ioas, n = 0;
	FILE *f = fopen(path, "r");
	int ret = TEST_SUCCESS;

	TEST_ASSERT(f != NULL, "no map file %s from the primary", path);
	if (fscanf(f, "ioas %u", &ioas) != 1 || ioas != rte_eal_iommu_ioas_id()) {
		printf("the primary's IOAS is not ours (%u)\n", rte_eal_iommu_ioas_id());
		ret = TEST_FAILED;
	}
	while (ret == TEST_SUCCESS &&
	       fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &va, &iova, &len) == 3) {
		uint64_t ours = rte_eal_iommu_virt2iova((void *)(uintptr_t)va);
		uint64_t fast = rte_eal_iommu_lookup_len((void *)(uintptr_t)va, len);

		if (ours != iova || fast != iova) {
			printf("VA 0x%" PRIx64 ": primary IOVA 0x%" PRIx64 ", secondary 0x%" PRIx64 ", fast path 0x%" PRIx64 "\n",
				va, iova, ours, fast);
			ret = TEST_FAILED;
		} else {
			ret = test_check_dma_range(fd, access_fd, va, iova, len,
				0x5ec0000000000000ULL | n);
		}
		n++;
	}
	fclose(f);
	TEST_ASSERT(ret == TEST_SUCCESS && n > 0, "%u translations checked", n);
	printf("%u segments: same IOVA as the primary, reachable through the shared fd\n",
		n);
	return TEST_SUCCESS;
}

/* Memory a secondary makes DPDK allocate is mapped by the primary. */
static int
check_secondary_hot_add(int fd, int access_fd)
{
	unsigned int i, nnew = 0;
	void *big;
	int ret = TEST_SUCCESS;

	TEST_ASSERT(test_collect_segments(&before) == 0, "too many segments");
	big = rte_malloc("iommu_mp", 96 << 20, 0);
	TEST_ASSERT(big != NULL, "rte_malloc in the secondary failed");
	TEST_ASSERT(test_collect_segments(&after) == 0, "too many segments");
	for (i = 0; i < after.count && ret == TEST_SUCCESS; i++) {
		const struct rte_eal_iommu_map *s = &after.segs[i];
		uint64_t iova = rte_eal_iommu_virt2iova((void *)(uintptr_t)s->va);
		unsigned int j;

		for (j = 0; j < before.count; j++)
			if (before.segs[j].va == s->va)
				break;
		if (j < before.count)
			continue;
		nnew++;
		if (iova == RTE_BAD_IOVA ||
		    rte_eal_iommu_lookup_len((void *)(uintptr_t)s->va, s->len) != iova) {
			printf("hot-added VA 0x%" PRIx64 " has no IOVA, or the fast path disagrees\n",
				s->va);
			ret = TEST_FAILED;
		} else {
			ret = test_check_dma_range(fd, access_fd, s->va, iova, s->len,
				0xa770000000000000ULL | i);
		}
	}
	rte_free(big);
	TEST_ASSERT(ret == TEST_SUCCESS && nnew > 0,
		"%u segments hot-added by the secondary", nnew);
	printf("%u segments hot-added by the secondary: mapped by the primary, reachable\n",
		nnew);
	return TEST_SUCCESS;
}

static int
test_mp_secondary(void)
{
	const char *map_file = getenv("IOMMU_TEST_MAP_FILE");
	uint64_t iova = RTE_BAD_IOVA;
	static char buf[4096];
	int fd, access_fd, ret, legacy;

	TEST_ASSERT(rte_eal_process_type() == RTE_PROC_SECONDARY,
		"run with --proc-type=secondary");
	TEST_ASSERT(map_file != NULL, "set IOMMU_TEST_MAP_FILE");
	fd = rte_eal_iommu_fd();
	TEST_ASSERT(fd >= 0, "the secondary did not get the primary's IOAS");
	TEST_ASSERT(selftest_available(fd), "the kernel lacks CONFIG_IOMMUFD_TEST");

	TEST_ASSERT(rte_eal_iommu_dma_map(buf, sizeof(buf), &iova) == -EPERM,
		"a secondary mapped memory");
	TEST_ASSERT(rte_eal_iommu_map_dpdk_memory() == -EPERM &&
		rte_eal_iommu_unmap_dpdk_memory() == -EPERM,
		"a secondary (un)mapped DPDK memory");
	TEST_ASSERT(rte_eal_iommu_pci_attach("0000:00:10.0") == -EPERM,
		"a secondary attached a device");

	ret = selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd);
	TEST_ASSERT(ret == 0, "access object: %s", strerror(-ret));
	ret = check_primary_map(map_file, fd, access_fd);
	/* In legacy mode (EAL refuses memory events) DPDK memory never grows. */
	legacy = rte_mem_event_callback_unregister("test_legacy_probe", NULL) < 0 &&
		rte_errno == ENOTSUP;
	if (ret == TEST_SUCCESS && legacy)
		printf("legacy mode: no heap growth to check\n");
	else if (ret == TEST_SUCCESS)
		ret = check_secondary_hot_add(fd, access_fd);
	close(access_fd);
	return ret;
}

REGISTER_IOMMU_TEST(mp_secondary_autotest, test_mp_secondary);
