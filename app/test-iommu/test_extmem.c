/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * External memory through DPDK's own API: rte_extmem_register() and
 * rte_dev_dma_map()/rte_dev_dma_unmap() on the iommufd bus's ioas device
 * reach the IOAS, with a kernel-chosen IOVA (RTE_BAD_IOVA) or the IOVA the
 * caller gives. Simulated DMA (CONFIG_IOMMUFD_TEST) proves each mapping,
 * and its absence after the unmap.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define EXT_LEN (UINT64_C(4) << 20)
#define PAGE 4096

/* Map half of ext at iova (or kernel-chosen), DMA-check it, unmap, check gone. */
static int
map_check_unmap(struct rte_device *dev, int fd, int access_fd, uint8_t *va,
		uint64_t iova)
{
	uint64_t got, v = 0;
	int ret;

	ret = rte_dev_dma_map(dev, va, iova, EXT_LEN / 2);
	TEST_ASSERT(ret == 0, "rte_dev_dma_map(%p, IOVA 0x%" PRIx64 "): %s", va, iova,
		rte_strerror(rte_errno));
	got = rte_eal_iommu_virt2iova(va);
	TEST_ASSERT(got != RTE_BAD_IOVA && (iova == RTE_BAD_IOVA || got == iova),
		"mapped at IOVA 0x%" PRIx64 ", asked 0x%" PRIx64, got, iova);
	TEST_ASSERT(rte_eal_iommu_lookup_len(va, EXT_LEN / 2) == got,
		"the fast-path lookup disagrees");
	if (test_check_dma_range(fd, access_fd, (uintptr_t)va, got, EXT_LEN / 2,
			0xe8e0000000000000ULL) < 0)
		return TEST_FAILED;
	printf("rte_dev_dma_map %p: IOVA 0x%" PRIx64 " (%s), reachable\n", va, got,
		iova == RTE_BAD_IOVA ? "kernel-chosen" : "caller-given");
	TEST_ASSERT(rte_dev_dma_unmap(dev, va, got, EXT_LEN / 2) == 0,
		"rte_dev_dma_unmap: %s", rte_strerror(rte_errno));
	TEST_ASSERT(selftest_dma_read(fd, access_fd, got, &v, sizeof(v)) < 0,
		"DMA at IOVA 0x%" PRIx64 " still works after rte_dev_dma_unmap", got);
	TEST_ASSERT(rte_eal_iommu_virt2iova(va) == RTE_BAD_IOVA &&
		rte_eal_iommu_lookup(va) == RTE_BAD_IOVA, "still translates");
	return TEST_SUCCESS;
}

static int
test_extmem_dma_map(void)
{
	struct rte_device *dev = test_ioas_device();
	int fd = rte_eal_iommu_fd(), access_fd = -1, ret;
	uint8_t *ext;

	TEST_ASSERT(dev != NULL, "no ioas device on the iommufd bus: load the plug-in with -d");
	TEST_ASSERT(fd >= 0 && selftest_available(fd), "needs CONFIG_IOMMUFD_TEST");
	ext = mmap(NULL, EXT_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(ext != MAP_FAILED, "mmap");
	ret = rte_extmem_register(ext, EXT_LEN, NULL, 0, PAGE);
	if (ret != 0) {
		munmap(ext, EXT_LEN);
		TEST_ASSERT(0, "rte_extmem_register: %s", rte_strerror(rte_errno));
	}
	ret = selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd);
	if (ret == 0) {
		/* Kernel-chosen, then caller-given (high, clear of DPDK's IOVAs). */
		ret = map_check_unmap(dev, fd, access_fd, ext, RTE_BAD_IOVA);
		if (ret == 0)
			ret = map_check_unmap(dev, fd, access_fd, ext + EXT_LEN / 2,
				UINT64_C(0x7e0000000000));
		close(access_fd);
	} else {
		printf("access object: %s\n", strerror(-ret));
	}
	rte_extmem_unregister(ext, EXT_LEN);
	munmap(ext, EXT_LEN);
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_IOMMU_TEST(extmem_dma_map_autotest, test_extmem_dma_map);
