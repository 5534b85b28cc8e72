/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The pa and window policies under a narrow aperture: with the mock domain
 * attached (aperture [16 MiB, 2 GiB)) and an extra reserved range in the
 * way, every DPDK memory segment, a segment hot-added by a large
 * rte_malloc() and external memory added to a heap (kernel-chosen IOVA) are
 * reachable by simulated DMA at their IOVAs; no IOVA falls in the reserved
 * range; DPDK's own view (rte_memseg::iova, rte_malloc_virt2iova()) agrees;
 * after rte_free() shrinks the heap and the external memory is removed,
 * DMA at their old IOVAs fails. IOMMU_TEST_POLICY names the policy; run
 * with --iova-mode=pa, last in its process (the reservation stays).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <iommufd/iommufd_test.h>
#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define MOCK_START ((uint64_t)MOCK_APERTURE_START)
#define MOCK_LAST ((uint64_t)MOCK_APERTURE_LAST)
#define SZ_2M (UINT64_C(2) << 20)
#define EXT_LEN SZ_2M
#define EXT_HEAP "iommu_test_ext"

static struct test_segments before, after;
static uint64_t reserved; /* [reserved, reserved + SZ_2M) */

static int
overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The lowest 2 MiB block above the aperture's first that no segment's IOVA uses. */
static uint64_t
pick_reserved(const struct test_segments *segs)
{
	uint64_t r;
	unsigned int i;

	for (r = MOCK_START + SZ_2M; r + SZ_2M - 1 <= MOCK_LAST; r += SZ_2M) {
		for (i = 0; i < segs->count; i++)
			if (overlaps(r, SZ_2M, segs->segs[i].iova, segs->segs[i].len))
				break;
		if (i == segs->count)
			return r;
	}
	return 0;
}

/* One DPDK segment: mapped where DPDK says, reachable, and clear of the reserved range. */
static int
check_segment(int fd, int access_fd, const struct rte_eal_iommu_map *s,
		enum rte_eal_iommu_policy policy, uint64_t tag)
{
	uint64_t iova = rte_eal_iommu_virt2iova((void *)(uintptr_t)s->va);

	TEST_ASSERT(iova != RTE_BAD_IOVA, "segment VA 0x%" PRIx64 " is not mapped",
		s->va);
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)s->va, s->len) == iova &&
		rte_eal_iommu_lookup((void *)(uintptr_t)(s->va + s->len - 1)) ==
		iova + s->len - 1, "fast-path lookup disagrees at VA 0x%" PRIx64, s->va);
	TEST_ASSERT(iova == s->iova,
		"segment VA 0x%" PRIx64 ": DPDK says IOVA 0x%" PRIx64 ", the IOAS maps 0x%" PRIx64,
		s->va, s->iova, iova);
	TEST_ASSERT(!overlaps(iova, s->len, reserved, SZ_2M),
		"segment VA 0x%" PRIx64 " got IOVA 0x%" PRIx64 " in the reserved range",
		s->va, iova);
	TEST_ASSERT(iova >= MOCK_START && iova + s->len - 1 <= MOCK_LAST,
		"segment IOVA 0x%" PRIx64 " is outside the aperture", iova);
	if (policy == RTE_EAL_IOMMU_POLICY_PA)
		TEST_ASSERT(rte_mem_virt2iova((void *)(uintptr_t)s->va) == iova,
			"rte_mem_virt2iova disagrees at VA 0x%" PRIx64, s->va);
	return test_check_dma_range(fd, access_fd, s->va, iova, s->len, tag);
}

static int
find_segment(const struct test_segments *segs, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < segs->count; i++)
		if (segs->segs[i].va == va)
			return (int)i;
	return -1;
}

/* A large allocation grows the heap; its segments are mapped, then freed. */
static int
check_hot_add_and_free(int fd, int access_fd, enum rte_eal_iommu_policy policy)
{
	uint64_t freed_iova[64], freed_len[64];
	unsigned int i, nnew = 0, nfreed = 0;
	void *big;

	big = rte_malloc("iommu_test_big", 96 << 20, 0);
	TEST_ASSERT(big != NULL, "rte_malloc of 96 MiB failed");
	TEST_ASSERT(rte_malloc_virt2iova(big) ==
		rte_eal_iommu_virt2iova(big), "rte_malloc_virt2iova disagrees");
	TEST_ASSERT(test_collect_segments(&after) == 0, "too many segments");
	for (i = 0; i < after.count; i++) {
		const struct rte_eal_iommu_map *s = &after.segs[i];

		if (find_segment(&before, s->va) >= 0)
			continue;
		if (check_segment(fd, access_fd, s, policy, 0xadd0000000000000ULL | i) < 0) {
			rte_free(big);
			return TEST_FAILED;
		}
		if (nnew < RTE_DIM(freed_iova)) {
			freed_iova[nnew] = s->iova;
			freed_len[nnew] = s->va; /* VA for now */
		}
		nnew++;
	}
	TEST_ASSERT(nnew > 0, "the heap did not grow");
	printf("%u hot-added segments mapped and reachable\n", nnew);

	rte_free(big);
	TEST_ASSERT(test_collect_segments(&after) == 0, "too many segments");
	for (i = 0; i < RTE_MIN(nnew, RTE_DIM(freed_iova)); i++) {
		uint64_t v = 0;

		if (find_segment(&after, freed_len[i]) >= 0)
			continue; /* still holds other allocations */
		nfreed++;
		TEST_ASSERT(selftest_dma_read(fd, access_fd, freed_iova[i], &v,
				sizeof(v)) < 0,
			"DMA at the freed segment's IOVA 0x%" PRIx64 " still works",
			freed_iova[i]);
		TEST_ASSERT(rte_eal_iommu_virt2iova((void *)(uintptr_t)freed_len[i]) ==
			RTE_BAD_IOVA, "freed VA still translates");
		TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)freed_len[i]) ==
			RTE_BAD_IOVA, "freed VA still found by the fast-path lookup");
	}
	TEST_ASSERT(nfreed > 0, "rte_free did not shrink the heap");
	printf("%u freed segments unmapped: DMA at their IOVAs fails\n", nfreed);
	return TEST_SUCCESS;
}

/* External memory added to a heap without IOVAs gets a kernel IOVA. */
static int
check_external(int fd, int access_fd)
{
	uint64_t iova, v = 0;
	int ret = TEST_FAILED;
	void *ext;

	ext = mmap(NULL, EXT_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(ext != MAP_FAILED, "mmap");
	if (rte_malloc_heap_create(EXT_HEAP) != 0 ||
	    rte_malloc_heap_memory_add(EXT_HEAP, ext, EXT_LEN, NULL,
			EXT_LEN / 4096, 4096) != 0) {
		printf("cannot add external memory: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	iova = rte_eal_iommu_virt2iova(ext);
	if (iova == RTE_BAD_IOVA) {
		printf("external memory at %p is not mapped\n", ext);
		goto remove;
	}
	if (overlaps(iova, EXT_LEN, reserved, SZ_2M) || iova < MOCK_START ||
	    iova + EXT_LEN - 1 > MOCK_LAST) {
		printf("external memory got IOVA 0x%" PRIx64 ": in the reserved range or outside the aperture\n",
			iova);
		goto remove;
	}
	if (rte_eal_iommu_lookup_len(ext, EXT_LEN) != iova) {
		printf("fast-path lookup of external memory disagrees\n");
		goto remove;
	}
	if (test_check_dma_range(fd, access_fd, (uintptr_t)ext, iova, EXT_LEN,
			0xe8700000000000ULL) < 0)
		goto remove;
	printf("external memory at %p: kernel-chosen IOVA 0x%" PRIx64 ", reachable\n",
		ext, iova);
	ret = TEST_SUCCESS;
remove:
	if (rte_malloc_heap_memory_remove(EXT_HEAP, ext, EXT_LEN) != 0) {
		printf("cannot remove external memory\n");
		ret = TEST_FAILED;
	} else if (ret == TEST_SUCCESS && rte_eal_iommu_lookup(ext) != RTE_BAD_IOVA) {
		printf("removed external memory still found by the fast-path lookup\n");
		ret = TEST_FAILED;
	} else if (ret == TEST_SUCCESS &&
		   selftest_dma_read(fd, access_fd, iova, &v, sizeof(v)) == 0) {
		printf("DMA at removed external memory's IOVA 0x%" PRIx64 " still works\n",
			iova);
		ret = TEST_FAILED;
	}
	rte_malloc_heap_destroy(EXT_HEAP);
out:
	munmap(ext, EXT_LEN);
	return ret;
}

/* pa refuses, mapping nothing, when a page's physical address is reserved. */
static int
check_pa_refusal(int fd, uint32_t ioas)
{
	const struct rte_eal_iommu_map *victim = &before.segs[before.count / 2];
	uint64_t unmapped = UINT64_MAX;
	char expect[64], *log = NULL;
	int ret;

	ret = selftest_add_reserved(fd, ioas, victim->iova, victim->len);
	TEST_ASSERT(ret == 0, "reserve the page at PA 0x%" PRIx64 ": %s",
		victim->iova, strerror(-ret));
	TEST_ASSERT(rte_eal_iommu_ranges_refresh() == 0, "ranges refresh");
	ret = test_capture_log(rte_eal_iommu_map_dpdk_memory, &log);
	snprintf(expect, sizeof(expect), "at IOVA [0x%" PRIx64 ",", victim->iova);
	TEST_ASSERT(ret == -ERANGE, "pa over a reserved page returned %d", ret);
	ret = log != NULL && strstr(log, expect) != NULL &&
		strstr(log, "policy=window") != NULL;
	free(log);
	TEST_ASSERT(ret, "the refusal does not name the page (%s) and the fix", expect);
	TEST_ASSERT(test_kernel_unmap_all(fd, ioas, &unmapped) == 0 && unmapped == 0,
		"the kernel had %" PRIu64 " bytes mapped after the refusal", unmapped);
	return TEST_SUCCESS;
}

static int
check_policy(int fd, uint32_t ioas, enum rte_eal_iommu_policy policy,
		const char *name)
{
	int access_fd, ret;
	unsigned int i;

	TEST_ASSERT(test_collect_segments(&before) == 0, "too many segments");
	reserved = pick_reserved(&before);
	TEST_ASSERT(reserved != 0, "no free 2 MiB block in the aperture");
	ret = selftest_add_reserved(fd, ioas, reserved, SZ_2M);
	TEST_ASSERT(ret == 0, "reserve [0x%" PRIx64 ", +2M): %s", reserved,
		strerror(-ret));
	TEST_ASSERT(rte_eal_iommu_ranges_refresh() == 0, "ranges refresh");
	printf("mock aperture, reserved [0x%" PRIx64 ", 0x%" PRIx64 "], policy %s\n",
		reserved, reserved + SZ_2M - 1, name);

	TEST_ASSERT(rte_eal_iommu_set_policy(policy) == 0, "set policy");
	ret = rte_eal_iommu_map_dpdk_memory();
	TEST_ASSERT(ret == 0, "policy %s under the mock aperture: %s", name,
		rte_strerror(-ret));
	TEST_ASSERT(rte_eal_iommu_policy() == policy, "policy in effect: %s",
		rte_eal_iommu_policy_name(rte_eal_iommu_policy()));
	ret = selftest_access_create(fd, ioas, &access_fd);
	TEST_ASSERT(ret == 0, "access object: %s", strerror(-ret));

	/* The segments as DPDK sees them now (window rewrote their iova). */
	TEST_ASSERT(test_collect_segments(&before) == 0, "too many segments");
	for (i = 0; i < before.count && ret == 0; i++)
		ret = check_segment(fd, access_fd, &before.segs[i], policy,
			0x5e90000000000000ULL | ((uint64_t)i << 24));
	if (ret == 0)
		printf("%u segments reachable at their %s IOVAs\n", before.count, name);
	if (ret == 0)
		ret = check_hot_add_and_free(fd, access_fd, policy);
	if (ret == 0)
		ret = check_external(fd, access_fd);
	if (ret == 0 && rte_eal_iommu_check() != 0) {
		printf("rte_eal_iommu_check() reports memory that is not DMA-able\n");
		ret = TEST_FAILED;
	}
	close(access_fd);
	if (ret == 0 && policy == RTE_EAL_IOMMU_POLICY_PA) {
		TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap");
		ret = check_pa_refusal(fd, ioas);
	}
	return ret;
}

static int
test_ioas_policy_mock(void)
{
	const char *name = getenv("IOMMU_TEST_POLICY");
	enum rte_eal_iommu_policy policy;
	uint32_t ioas = rte_eal_iommu_ioas_id(), stdev = 0;
	int fd = rte_eal_iommu_fd(), ret;

	TEST_ASSERT(name != NULL && rte_eal_iommu_policy_parse(name, &policy) == 0 &&
		(policy == RTE_EAL_IOMMU_POLICY_PA ||
		 policy == RTE_EAL_IOMMU_POLICY_WINDOW),
		"set IOMMU_TEST_POLICY to pa or window");
	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(selftest_available(fd), "the kernel lacks CONFIG_IOMMUFD_TEST");
	TEST_ASSERT(rte_eal_iommu_unmap_dpdk_memory() == 0, "unmap");
	ret = selftest_mock_domain(fd, ioas, &stdev);
	TEST_ASSERT(ret == 0, "mock domain: %s", strerror(-ret));
	ret = check_policy(fd, ioas, policy, name);
	/* Leave the IOAS closable: no DPDK memory, no mock domain. */
	rte_eal_iommu_unmap_dpdk_memory();
	selftest_destroy(fd, stdev);
	return ret;
}

REGISTER_IOMMU_TEST(ioas_policy_mock_autotest, test_ioas_policy_mock);
