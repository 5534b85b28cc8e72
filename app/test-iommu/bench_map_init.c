/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * map_init_perf: what the plug-in costs when it maps DPDK memory at start-up
 * and unmaps it at teardown, against the floor: a bare IOMMU_IOAS_MAP loop
 * (and IOMMU_IOAS_UNMAP loop) over the same segments and IOVAs in a second
 * IOAS, one ioctl per segment. With IOMMU_TEST_PCI_DEV2 naming a second
 * vfio-pci device, that IOAS gets a device too, so both sides pin pages and
 * program a real IOMMU. Rounds alternate (IOMMU_TEST_BENCH_ROUNDS, default 5);
 * medians are printed side by side with their ratio (goal for the mapping:
 * <= 1.1), with the areas the plug-in made and the lookup table's grace
 * periods per teardown (goal: one for all).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include <rte_eal_iommu.h>
#include "eal_iommu_test_hooks.h"

#include "bench_util.h"
#include "test.h"
#include "test_util.h"

#define MAX_ROUNDS 32
#define GOAL 1.1

static struct test_segments segments;

/* The bare loop: one IOMMU_IOAS_MAP per segment at the plug-in's IOVAs. */
static int
raw_map_all(int fd, uint32_t ioas, const uint64_t *iovas)
{
	unsigned int i;

	for (i = 0; i < segments.count; i++) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas,
			.user_va = segments.segs[i].va,
			.length = segments.segs[i].len,
			.iova = iovas[i],
		};

		if (ioctl(fd, IOMMU_IOAS_MAP, &map) < 0)
			return -errno;
	}
	return 0;
}

/* raw_map_all(), its time in *ms. */
static int
timed_raw_map(int fd, uint32_t ioas, const uint64_t *iovas, double *ms)
{
	double t = test_now_ms();
	int ret = raw_map_all(fd, ioas, iovas);

	*ms = test_now_ms() - t;
	return ret;
}

/* The bare loop: one IOMMU_IOAS_UNMAP per segment. */
static int
raw_unmap_all(int fd, uint32_t ioas, const uint64_t *iovas)
{
	unsigned int i;

	for (i = 0; i < segments.count; i++) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = ioas,
			.iova = iovas[i],
			.length = segments.segs[i].len,
		};

		if (ioctl(fd, IOMMU_IOAS_UNMAP, &unmap) < 0)
			return -errno;
	}
	return 0;
}

static void
print_row(const char *what, double ms)
{
	printf("  %-44s %10.1f %12.2f\n", what, ms, ms * 1e3 / segments.count);
}

static int
run(int fd, uint32_t ioas, int rounds, const uint64_t *iovas)
{
	double plugin[MAX_ROUNDS], raw[MAX_ROUNDS], plugin_down[MAX_ROUNDS];
	double raw_down[MAX_ROUNDS], t, mp, mr, dp, dr;
	uint64_t bytes = 0, graces = 0, g;
	unsigned int i, areas;
	int r, ret;

	for (i = 0; i < segments.count; i++)
		bytes += segments.segs[i].len;
	areas = rte_eal_iommu_maps(NULL, 0);
	TEST_ASSERT(raw_map_all(fd, ioas, iovas) == 0, "raw IOMMU_IOAS_MAP");
	for (r = 0; r < rounds; r++) {
		g = eal_iommu_test_grace_periods();
		t = test_now_ms();
		ret = rte_eal_iommu_unmap_dpdk_memory();
		plugin_down[r] = test_now_ms() - t;
		g = eal_iommu_test_grace_periods() - g;
		TEST_ASSERT(ret == 0, "plug-in unmap: %s", strerror(-ret));
		if (g > graces)
			graces = g;

		t = test_now_ms();
		ret = raw_unmap_all(fd, ioas, iovas);
		raw_down[r] = test_now_ms() - t;
		TEST_ASSERT(ret == 0, "raw IOMMU_IOAS_UNMAP: %s", strerror(-ret));

		/* Odd rounds map the raw side first: neither order is favoured. */
		ret = r % 2 == 1 ? timed_raw_map(fd, ioas, iovas, &raw[r]) : 0;
		TEST_ASSERT(ret == 0, "raw IOMMU_IOAS_MAP: %s", strerror(-ret));
		t = test_now_ms();
		ret = rte_eal_iommu_map_dpdk_memory();
		plugin[r] = test_now_ms() - t;
		TEST_ASSERT(ret == 0, "plug-in map: %s", strerror(-ret));
		ret = r % 2 == 0 ? timed_raw_map(fd, ioas, iovas, &raw[r]) : 0;
		TEST_ASSERT(ret == 0, "raw IOMMU_IOAS_MAP: %s", strerror(-ret));
		printf("  round %d: map: plug-in %.1f ms, raw loop %.1f ms; unmap: plug-in %.1f ms, raw loop %.1f ms\n",
			r + 1, plugin[r], raw[r], plugin_down[r], raw_down[r]);
	}
	TEST_ASSERT(raw_unmap_all(fd, ioas, iovas) == 0, "raw unmap");
	mp = test_median(plugin, rounds);
	mr = test_median(raw, rounds);
	dp = test_median(plugin_down, rounds);
	dr = test_median(raw_down, rounds);
	printf("\n%" PRIu64 " MiB in %u segments of %" PRIu64 " KiB, policy %s: the plug-in maps %u IOAS areas (median of %d rounds)\n",
		bytes >> 20, segments.count, segments.segs[0].len >> 10,
		rte_eal_iommu_policy_name(rte_eal_iommu_policy()), areas, rounds);
	printf("  %-44s %10s %12s\n", "", "ms", "us/segment");
	print_row("raw IOMMU_IOAS_MAP loop", mr);
	print_row("plug-in rte_eal_iommu_map_dpdk_memory", mp);
	print_row("raw IOMMU_IOAS_UNMAP loop", dr);
	print_row("plug-in rte_eal_iommu_unmap_dpdk_memory", dp);
	printf("  map, plug-in / raw: %.2f (goal <= %.1f: %s)\n", mp / mr, GOAL,
		mp / mr <= GOAL ? "met" : "MISSED");
	printf("  unmap, plug-in / raw: %.2f; grace periods per teardown of %u areas: %" PRIu64 " (goal 1: %s)\n",
		dp / dr, areas, graces, graces == 1 ? "met" : "MISSED");
	return TEST_SUCCESS;
}

static int
cmd_map_init_perf(void)
{
	const char *env_rounds = getenv("IOMMU_TEST_BENCH_ROUNDS");
	int fd = rte_eal_iommu_fd(), rounds, ret;
	struct bench_raw_ioas raw;
	uint64_t *iovas;
	unsigned int i;

	rounds = env_rounds != NULL ? atoi(env_rounds) : 5;
	TEST_ASSERT(rounds > 0 && rounds <= MAX_ROUNDS, "1 to %d rounds", MAX_ROUNDS);
	TEST_ASSERT(fd >= 0, "no IOAS: load the plug-in with -d");
	TEST_ASSERT(test_collect_segments(&segments) == 0 && segments.count > 0,
		"no DPDK memory");
	iovas = calloc(segments.count, sizeof(*iovas));
	TEST_ASSERT(iovas != NULL, "no memory");
	for (i = 0; i < segments.count; i++)
		iovas[i] = rte_eal_iommu_virt2iova((void *)(uintptr_t)segments.segs[i].va);
	if (bench_raw_ioas_open(&raw, getenv("IOMMU_TEST_PCI_DEV2")) < 0) {
		free(iovas);
		return TEST_FAILED;
	}
	ret = run(fd, raw.ioas, rounds, iovas);
	bench_raw_ioas_close(&raw);
	free(iovas);
	return ret;
}

REGISTER_IOMMU_COMMAND(map_init_perf, cmd_map_init_perf);
