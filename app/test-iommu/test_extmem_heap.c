/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * 4 KiB external memory at scale, as testpmd --mp-alloc=xmem adds it:
 * rte_malloc_heap_memory_add() of XMEM_PAGES anonymous 4 KiB pages with
 * the caller's IOVAs, then rte_malloc_heap_memory_remove(). With IOVAs
 * adjacent page to page the registration is one IOAS area; with every
 * page's IOVA apart from its neighbours' (reversed order) it is one area
 * per page, all of them split mappings of the lookup table. Either way
 * adding takes at most one grace period of the lookup table and removing
 * one, every page translates to its IOVA (first byte and an inner one),
 * simulated DMA reaches the first, a middle and the last page, and after
 * the removal nothing translates or is reachable. Needs
 * CONFIG_IOMMUFD_TEST.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "eal_iommu_test_hooks.h"
#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define XMEM_PAGES 16384 /* 64 MiB */
#define PAGE 4096
#define XMEM_LEN ((uint64_t)XMEM_PAGES * PAGE)
#define HEAP "iommu_xmem_scale"

/* IOAS areas of the library inside [va, va + len). */
static int
areas_in(uint64_t va, uint64_t len)
{
	struct rte_eal_iommu_map *maps = NULL;
	int nmaps = test_get_maps(&maps), i, n = 0;

	for (i = 0; i < nmaps; i++)
		n += maps[i].va >= va && maps[i].va + maps[i].len <= va + len;
	free(maps);
	return n;
}

static int
add_check_remove(uint8_t *va, rte_iova_t *iovas, int want_areas, const char *what)
{
	int fd = rte_eal_iommu_fd(), access_fd = -1, areas, ret = TEST_FAILED;
	const unsigned int sample[] = { 0, XMEM_PAGES / 2 + 1, XMEM_PAGES - 1 };
	uint64_t g, g_add, g_remove, v = 0;
	unsigned int i;

	g = eal_iommu_test_grace_periods();
	if (rte_malloc_heap_memory_add(HEAP, va, XMEM_LEN, iovas, XMEM_PAGES, PAGE) != 0) {
		printf("%s: rte_malloc_heap_memory_add: %s\n", what, rte_strerror(rte_errno));
		return TEST_FAILED;
	}
	g_add = eal_iommu_test_grace_periods() - g;
	areas = areas_in((uintptr_t)va, XMEM_LEN);
	if (rte_eal_iommu_check() != 0)
		printf("%s: the external memory is not DMA-able\n", what);
	else if (areas != want_areas)
		printf("%s: %d IOAS areas, not %d\n", what, areas, want_areas);
	else if (g_add > 1)
		printf("%s: adding took %" PRIu64 " grace periods of the lookup table, not at most 1\n",
			what, g_add);
	else if (selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd) != 0)
		printf("%s: no access object\n", what);
	else
		ret = TEST_SUCCESS;
	for (i = 0; i < XMEM_PAGES && ret == TEST_SUCCESS; i++) {
		const uint8_t *p = va + (uint64_t)i * PAGE;

		if (rte_eal_iommu_lookup(p) != iovas[i] ||
		    rte_eal_iommu_lookup(p + 123) != iovas[i] + 123 ||
		    rte_eal_iommu_virt2iova(p) != iovas[i]) {
			printf("%s: page %u (VA %p) does not translate to IOVA 0x%" PRIx64 "\n",
				what, i, p, iovas[i]);
			ret = TEST_FAILED;
		}
	}
	for (i = 0; i < RTE_DIM(sample) && ret == TEST_SUCCESS; i++)
		ret = test_check_dma(fd, access_fd, (uintptr_t)va + (uint64_t)sample[i] * PAGE + 64,
			iovas[sample[i]] + 64, 0x4b00000000000000ULL | sample[i]);
	g = eal_iommu_test_grace_periods();
	if (rte_malloc_heap_memory_remove(HEAP, va, XMEM_LEN) != 0) {
		printf("%s: rte_malloc_heap_memory_remove: %s\n", what, rte_strerror(rte_errno));
		ret = TEST_FAILED;
	}
	g_remove = eal_iommu_test_grace_periods() - g;
	if (ret == TEST_SUCCESS && g_remove > 1) {
		printf("%s: removing took %" PRIu64 " grace periods, not at most 1\n", what, g_remove);
		ret = TEST_FAILED;
	}
	if (ret == TEST_SUCCESS && (areas_in((uintptr_t)va, XMEM_LEN) != 0 ||
	    rte_eal_iommu_lookup(va) != RTE_BAD_IOVA ||
	    selftest_dma_read(fd, access_fd, iovas[0], &v, sizeof(v)) == 0)) {
		printf("%s: still mapped or translated after the removal\n", what);
		ret = TEST_FAILED;
	}
	if (access_fd >= 0)
		close(access_fd);
	if (ret == TEST_SUCCESS)
		printf("%s: %d pages of 4 KiB as %d IOAS area(s), %" PRIu64 " + %" PRIu64 " grace period(s) to add and remove, every page translated\n",
			what, XMEM_PAGES, areas, g_add, g_remove);
	return ret;
}

static int
test_extmem_heap_scale(void)
{
	static rte_iova_t iovas[XMEM_PAGES];
	uint64_t base;
	uint8_t *va;
	unsigned int i;
	int ret;

	TEST_ASSERT(rte_eal_iommu_fd() >= 0 && selftest_available(rte_eal_iommu_fd()),
		"needs the plug-in and CONFIG_IOMMUFD_TEST");
	TEST_ASSERT(test_free_iova_span(XMEM_LEN, &base) == 0,
		"no free IOVA span of 0x%" PRIx64 " bytes", XMEM_LEN);
	va = mmap(NULL, XMEM_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(va != MAP_FAILED, "mmap");
	if (rte_malloc_heap_create(HEAP) != 0) {
		munmap(va, XMEM_LEN);
		TEST_ASSERT(0, "rte_malloc_heap_create: %s", rte_strerror(rte_errno));
	}
	for (i = 0; i < XMEM_PAGES; i++)
		iovas[i] = base + (uint64_t)i * PAGE;
	ret = add_check_remove(va, iovas, 1, "IOVAs adjacent page to page");
	for (i = 0; i < XMEM_PAGES && ret == TEST_SUCCESS; i++)
		iovas[i] = base + (uint64_t)(XMEM_PAGES - 1 - i) * PAGE;
	if (ret == TEST_SUCCESS)
		ret = add_check_remove(va, iovas, XMEM_PAGES, "every page's IOVA apart");
	rte_malloc_heap_destroy(HEAP);
	munmap(va, XMEM_LEN);
	return ret;
}

REGISTER_IOMMU_TEST(extmem_heap_scale_autotest, test_extmem_heap_scale);
