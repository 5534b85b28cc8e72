/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Application buffers registered with rte_eal_iommu_dma_map() get a
 * kernel-chosen IOVA, and the fast-path lookup covers them, from an lcore
 * and from a non-EAL thread: a 2 MiB-aligned buffer (whole-page table
 * entries) and a small one sharing its page (the split snapshot). Simulated
 * DMA (CONFIG_IOMMUFD_TEST) proves each IOVA, and unregistering takes it
 * away again.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_lcore.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define M2 (UINT64_C(2) << 20)

struct buffer {
	uint8_t *va;
	size_t len;
	uint64_t iova;
};

static struct buffer bufs[2];

/* 1 when both buffers translate as registered (or, if !mapped, not at all). */
static int
lookups_agree(int mapped)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(bufs); i++) {
		uint64_t want = mapped ? bufs[i].iova : RTE_BAD_IOVA;
		uint64_t want_last = mapped ? bufs[i].iova + bufs[i].len - 1 : RTE_BAD_IOVA;

		if (rte_eal_iommu_lookup(bufs[i].va) != want ||
		    rte_eal_iommu_lookup(bufs[i].va + bufs[i].len - 1) != want_last ||
		    rte_eal_iommu_lookup_len(bufs[i].va, bufs[i].len) != want)
			return 0;
	}
	return 1;
}

static void *
non_eal_lookups(void *arg)
{
	int *ok = arg;

	*ok = rte_lcore_id() == LCORE_ID_ANY && lookups_agree(1);
	return NULL;
}

static int
test_app_buffer_dma(void)
{
	int fd = rte_eal_iommu_fd(), access_fd = -1, ok = 0, ret;
	unsigned int i;
	uint8_t *area;
	pthread_t t;
	uint64_t v;

	TEST_ASSERT(fd >= 0 && selftest_available(fd), "needs the plug-in and CONFIG_IOMMUFD_TEST");
	/* 8 MiB: a 4 MiB buffer at its first 2 MiB boundary, 24 KiB after it. */
	area = mmap(NULL, 4 * M2, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(area != MAP_FAILED, "mmap");
	bufs[0] = (struct buffer){ RTE_PTR_ALIGN_CEIL(area, M2), 2 * M2, RTE_BAD_IOVA };
	bufs[1] = (struct buffer){ bufs[0].va + 2 * M2 + 12 * 1024, 24 * 1024,
		RTE_BAD_IOVA };

	ret = 0;
	for (i = 0; i < RTE_DIM(bufs) && ret == 0; i++)
		ret = rte_eal_iommu_dma_map(bufs[i].va, bufs[i].len, &bufs[i].iova);
	if (ret == 0)
		ret = selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd);
	for (i = 0; i < RTE_DIM(bufs) && ret == 0; i++) {
		printf("buffer %p + %zu KiB: kernel-chosen IOVA 0x%" PRIx64 "\n",
			bufs[i].va, bufs[i].len >> 10, bufs[i].iova);
		ret = test_check_dma_range(fd, access_fd, (uintptr_t)bufs[i].va,
			bufs[i].iova, bufs[i].len, 0xbf00000000000000ULL | i);
	}
	if (ret == 0 && !lookups_agree(1)) {
		printf("the fast-path lookup disagrees on an lcore\n");
		ret = TEST_FAILED;
	}
	if (ret == 0 && (pthread_create(&t, NULL, non_eal_lookups, &ok) != 0 ||
			 pthread_join(t, NULL) != 0 || !ok)) {
		printf("the fast-path lookup disagrees on a non-EAL thread\n");
		ret = TEST_FAILED;
	}
	for (i = 0; i < RTE_DIM(bufs); i++)
		if (bufs[i].iova != RTE_BAD_IOVA &&
		    rte_eal_iommu_dma_unmap(bufs[i].va, bufs[i].len) != 0)
			ret = TEST_FAILED;
	if (ret == 0 && !lookups_agree(0)) {
		printf("an unregistered buffer still translates\n");
		ret = TEST_FAILED;
	}
	for (i = 0; i < RTE_DIM(bufs) && ret == 0 && access_fd >= 0; i++)
		if (selftest_dma_read(fd, access_fd, bufs[i].iova, &v, sizeof(v)) == 0) {
			printf("DMA at an unregistered buffer's IOVA still works\n");
			ret = TEST_FAILED;
		}
	if (access_fd >= 0)
		close(access_fd);
	munmap(area, 4 * M2);
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_IOMMU_TEST(app_buffer_dma_autotest, test_app_buffer_dma);
