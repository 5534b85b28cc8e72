/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Every DPDK memory segment is mapped in the IOAS at the IOVA DPDK gives it
 * (rte_memseg::iova), and simulated device DMA (the kernel's ACCESS_RW test
 * op) at that IOVA reaches its VA both ways. Each segment is its own IOAS
 * area (DPDK frees segments one by one) but in legacy mode, where DPDK
 * memory never changes: there each run of segments adjacent in VA and IOVA
 * in one list is one area. IOMMU_TEST_EXPECT_POLICY, when
 * set, is the policy that must be in effect. Needs the plug-in loaded and a
 * kernel with CONFIG_IOMMUFD_TEST.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

static struct test_segments segments;

/* The mapping containing va in maps[0..n). */
static const struct rte_eal_iommu_map *
find_map(const struct rte_eal_iommu_map *maps, int n, uint64_t va)
{
	int i;

	for (i = 0; i < n; i++)
		if (maps[i].va <= va && va - maps[i].va < maps[i].len)
			return &maps[i];
	return NULL;
}

struct area_count {
	const struct rte_memseg_list *msl;
	uint64_t end_va, end_iova;
	unsigned int segments, runs;
};

static int
count_runs(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct area_count *c = arg;

	if (msl->external)
		return 0;
	if (c->segments++ == 0 || msl != c->msl || ms->addr_64 != c->end_va ||
	    ms->iova != c->end_iova)
		c->runs++;
	c->msl = msl;
	c->end_va = ms->addr_64 + ms->len;
	c->end_iova = ms->iova + ms->len;
	return 0;
}

/* EAL refuses memory event callbacks (ENOTSUP) exactly in legacy mode. */
static int
dpdk_memory_is_fixed(void)
{
	return rte_mem_event_callback_unregister("test_legacy_probe", NULL) < 0 &&
		rte_errno == ENOTSUP;
}

/* The IOAS areas DPDK memory must take: see the top of this file. */
static int
check_area_count(const struct rte_eal_iommu_map *maps, int nmaps)
{
	struct area_count c = { .segments = 0 };
	unsigned int dpdk = 0, want;
	int fixed = dpdk_memory_is_fixed(), i;

	rte_memseg_walk(count_runs, &c);
	for (i = 0; i < nmaps; i++)
		dpdk += maps[i].owner == RTE_EAL_IOMMU_OWNER_DPDK;
	want = fixed ? c.runs : c.segments;
	TEST_ASSERT(dpdk == want,
		"%u segments in %u runs adjacent in VA and IOVA (%s mode) mapped as %u areas, not %u",
		c.segments, c.runs, fixed ? "legacy" : "dynamic", dpdk, want);
	printf("%u segments in %u runs (%s mode): %u IOAS areas\n", c.segments,
		c.runs, fixed ? "legacy" : "dynamic", dpdk);
	return TEST_SUCCESS;
}

static int
check_segments(int fd, int access_fd, const struct rte_eal_iommu_map *maps,
		int nmaps, enum rte_eal_iommu_policy policy)
{
	uint64_t total = 0, unmapped_iova = 0;
	unsigned int i;
	int j;

	/*
	 * Negative control: the IOVA just past the highest mapped one is
	 * mapped by nothing, under every policy (past one segment's IOVA may
	 * lie another's, e.g. physical addresses under pa).
	 */
	for (j = 0; j < nmaps; j++)
		if (maps[j].iova + maps[j].len > unmapped_iova)
			unmapped_iova = maps[j].iova + maps[j].len;

	for (i = 0; i < segments.count; i++) {
		const struct rte_eal_iommu_map *s = &segments.segs[i];
		const struct rte_eal_iommu_map *m = find_map(maps, nmaps, s->va);
		const uint64_t offsets[] = { 0, (s->len / 2 + i * 64) % (s->len - 8),
			s->len - 8 };
		unsigned int k;

		TEST_ASSERT(m != NULL, "segment VA 0x%" PRIx64 " is not mapped", s->va);
		TEST_ASSERT(m->owner == RTE_EAL_IOMMU_OWNER_DPDK &&
			s->va + s->len - m->va <= m->len &&
			m->iova + (s->va - m->va) == s->iova,
			"segment VA 0x%" PRIx64 " IOVA 0x%" PRIx64 " len 0x%" PRIx64
			" is in the mapping VA 0x%" PRIx64 " IOVA 0x%" PRIx64 " len 0x%" PRIx64,
			s->va, s->iova, s->len, m->va, m->iova, m->len);
		TEST_ASSERT(policy != RTE_EAL_IOMMU_POLICY_VA || s->iova == s->va,
			"policy va, but segment VA 0x%" PRIx64 " has IOVA 0x%" PRIx64,
			s->va, s->iova);
		/* The window policy's IOVAs are not physical addresses (see docs). */
		TEST_ASSERT(policy == RTE_EAL_IOMMU_POLICY_WINDOW ||
			rte_mem_virt2iova((void *)(uintptr_t)s->va) == s->iova,
			"rte_mem_virt2iova disagrees at VA 0x%" PRIx64, s->va);
		TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)s->va, s->len) ==
			s->iova, "fast-path lookup of segment VA 0x%" PRIx64, s->va);
		for (k = 0; k < RTE_DIM(offsets); k++)
			TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(s->va + offsets[k])) ==
				s->iova + offsets[k], "fast-path lookup at VA 0x%" PRIx64,
				s->va + offsets[k]);
		for (k = 0; k < RTE_DIM(offsets); k++)
			if (test_check_dma(fd, access_fd, s->va + offsets[k],
					s->iova + offsets[k],
					0xd3a0000000000000ULL | ((uint64_t)i << 24) | offsets[k]) < 0)
				return TEST_FAILED;
		total += s->len;
	}
	TEST_ASSERT_EQUAL(total, rte_eal_iommu_mapped_bytes(),
		"mapped bytes %" PRIu64 " != segment bytes %" PRIu64,
		rte_eal_iommu_mapped_bytes(), total);

	/* DMA past every mapping must fault (0: the last mapping ends at 2^64). */
	if (unmapped_iova != 0) {
		uint64_t v = 0;

		TEST_ASSERT(selftest_dma_read(fd, access_fd, unmapped_iova, &v,
				sizeof(v)) < 0,
			"DMA at unmapped IOVA 0x%" PRIx64 " succeeded", unmapped_iova);
	}
	return TEST_SUCCESS;
}

static int
test_ioas_memseg_dma(void)
{
	const char *expect = getenv("IOMMU_TEST_EXPECT_POLICY");
	enum rte_eal_iommu_policy policy = rte_eal_iommu_policy();
	struct rte_eal_iommu_map *maps = NULL;
	int fd, access_fd, nmaps, ret;

	fd = rte_eal_iommu_fd();
	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(expect == NULL ||
		strcmp(expect, rte_eal_iommu_policy_name(policy)) == 0,
		"policy in effect is %s, expected %s",
		rte_eal_iommu_policy_name(policy), expect);
	TEST_ASSERT(rte_eal_iommu_check() == 0, "some DPDK memory is not DMA-able");
	TEST_ASSERT(selftest_available(fd),
		"the kernel lacks CONFIG_IOMMUFD_TEST (simulated DMA)");
	TEST_ASSERT(test_collect_segments(&segments) == 0, "too many segments");
	TEST_ASSERT(segments.count > 0, "no DPDK memory");
	nmaps = test_get_maps(&maps);
	TEST_ASSERT(nmaps > 0, "nothing mapped");
	if (check_area_count(maps, nmaps) < 0) {
		free(maps);
		return TEST_FAILED;
	}
	ret = selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd);
	if (ret == 0) {
		ret = check_segments(fd, access_fd, maps, nmaps, policy);
		close(access_fd);
	} else {
		printf("cannot create an access object: %s\n", strerror(-ret));
		ret = TEST_FAILED;
	}
	free(maps);
	if (ret == TEST_SUCCESS)
		printf("policy %s, %u segments: DMA at each IOVA reaches its VA\n",
			rte_eal_iommu_policy_name(policy), segments.count);
	return ret;
}

REGISTER_IOMMU_TEST(ioas_memseg_dma_autotest, test_ioas_memseg_dma);
