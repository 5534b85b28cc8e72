/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * xmem_map_perf: registering and mapping 4 KiB external memory, as
 * testpmd --mp-alloc=xmem does (rte_malloc_heap_memory_add() of
 * IOMMU_TEST_XMEM_MB, default 1024, of anonymous 4 KiB pages with a
 * table of IOVAs), against the floor: a bare IOMMU_IOAS_MAP loop, one
 * ioctl per page at the same IOVAs, into a second IOAS (with
 * IOMMU_TEST_PCI_DEV2 attached to it, so both sides pin pages and program
 * a real IOMMU). IOVAs adjacent page to page (rte_mem_virt2iova() under
 * IOVA as VA: one IOAS area for the plug-in), or with
 * IOMMU_TEST_XMEM_SCATTERED=1 each page's apart from its neighbours'
 * (reversed, as scattered physical addresses: one area per page). The
 * plug-in's time includes DPDK's own heap work. Rounds alternate which
 * side goes first (IOMMU_TEST_BENCH_ROUNDS, default 3); medians are
 * printed side by side with their ratio (goal <= 1.1).
 *
 * Without the plug-in (no IOAS) it times the registration alone: under
 * EAL's VFIO type1 container (a NIC on it), EAL maps each page itself.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include "eal_iommu_test_hooks.h"

#include "bench_util.h"
#include "test.h"
#include "test_util.h"

#define PAGE 4096
#define HEAP "bench_xmem"
#define MAX_ROUNDS 16
#define GOAL 1.1

static int
raw_loop(int fd, uint32_t ioas, const uint8_t *va, const rte_iova_t *iovas, unsigned int n,
		int unmap)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas,
			.user_va = (uintptr_t)va + (uint64_t)i * PAGE,
			.length = PAGE,
			.iova = iovas[i],
		};
		struct iommu_ioas_unmap um = {
			.size = sizeof(um), .ioas_id = ioas, .iova = iovas[i], .length = PAGE,
		};

		if (ioctl(fd, unmap ? IOMMU_IOAS_UNMAP : IOMMU_IOAS_MAP,
				unmap ? (void *)&um : (void *)&map) < 0)
			return -errno;
	}
	return 0;
}

/* rte_malloc_heap_memory_add(): its time in ms, or < 0. */
static double
timed_add(uint8_t *va, uint64_t len, rte_iova_t *iovas, unsigned int n)
{
	double t = test_now_ms();

	if (rte_malloc_heap_memory_add(HEAP, va, len, iovas, n, PAGE) != 0) {
		printf("rte_malloc_heap_memory_add: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return test_now_ms() - t;
}

static int
cmd_xmem_map_perf(void)
{
	const char *mb = getenv("IOMMU_TEST_XMEM_MB");
	const char *scattered = getenv("IOMMU_TEST_XMEM_SCATTERED");
	const char *env_rounds = getenv("IOMMU_TEST_BENCH_ROUNDS");
	uint64_t len = (uint64_t)(mb != NULL ? atoi(mb) : 1024) << 20, base = 0, g;
	double plugin[MAX_ROUNDS], raw[MAX_ROUNDS], t, mp, mr;
	int fd = rte_eal_iommu_fd(), rounds, r, ret = TEST_FAILED;
	unsigned int n = len / PAGE, i, areas = 0, before;
	int spread = scattered != NULL && scattered[0] == '1';
	struct bench_raw_ioas raw_ioas;
	rte_iova_t *iovas;
	uint8_t *va;

	rounds = env_rounds != NULL ? atoi(env_rounds) : 3;
	TEST_ASSERT(rounds > 0 && rounds <= MAX_ROUNDS, "1 to %d rounds", MAX_ROUNDS);
	va = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(va != MAP_FAILED, "mmap of %" PRIu64 " MiB", len >> 20);
	iovas = calloc(n, sizeof(*iovas));
	TEST_ASSERT(iovas != NULL && rte_malloc_heap_create(HEAP) == 0, "no heap");
	if (spread) {
		TEST_ASSERT(fd >= 0 && test_free_iova_span(len, &base) == 0,
			"no free IOVA span (scattered IOVAs need the plug-in)");
		for (i = 0; i < n; i++)
			iovas[i] = base + (uint64_t)(n - 1 - i) * PAGE;
	} else {
		for (i = 0; i < n; i++)
			iovas[i] = rte_mem_virt2iova(va + (uint64_t)i * PAGE);
	}
	if (fd < 0) {
		/* EAL's own VFIO maps the pages, if a device is on its container. */
		t = timed_add(va, len, iovas, n);
		if (t >= 0)
			printf("%" PRIu64 " MiB of 4 KiB pages (%u), without the plug-in: rte_malloc_heap_memory_add %.1f ms\n",
				len >> 20, n, t);
		ret = t >= 0 && rte_malloc_heap_memory_remove(HEAP, va, len) == 0 ?
			TEST_SUCCESS : TEST_FAILED;
		goto out;
	}
	if (bench_raw_ioas_open(&raw_ioas, getenv("IOMMU_TEST_PCI_DEV2")) < 0)
		goto out;
	before = rte_eal_iommu_maps(NULL, 0);
	for (r = 0; r < rounds; r++) {
		if (r % 2 == 1) {
			t = test_now_ms();
			ret = raw_loop(fd, raw_ioas.ioas, va, iovas, n, 0);
			raw[r] = test_now_ms() - t;
		}
		g = eal_iommu_test_grace_periods();
		plugin[r] = timed_add(va, len, iovas, n);
		g = eal_iommu_test_grace_periods() - g;
		areas = rte_eal_iommu_maps(NULL, 0) - before;
		if (r % 2 == 0) {
			t = test_now_ms();
			ret = raw_loop(fd, raw_ioas.ioas, va, iovas, n, 0);
			raw[r] = test_now_ms() - t;
		}
		if (plugin[r] < 0 || ret < 0 || rte_eal_iommu_check() != 0 ||
		    rte_malloc_heap_memory_remove(HEAP, va, len) != 0 ||
		    raw_loop(fd, raw_ioas.ioas, va, iovas, n, 1) < 0) {
			printf("round %d failed (raw: %s)\n", r + 1, strerror(-ret));
			ret = TEST_FAILED;
			break;
		}
		printf("  round %d: plug-in (heap add) %.1f ms, %" PRIu64 " grace period(s); raw loop %.1f ms\n",
			r + 1, plugin[r], g, raw[r]);
		ret = TEST_SUCCESS;
	}
	bench_raw_ioas_close(&raw_ioas);
	if (ret == TEST_SUCCESS) {
		mp = test_median(plugin, rounds);
		mr = test_median(raw, rounds);
		printf("\n%" PRIu64 " MiB of 4 KiB pages (%u), IOVAs %s: the plug-in made %u IOAS area(s) (median of %d rounds)\n",
			len >> 20, n, spread ? "scattered" : "adjacent", areas, rounds);
		printf("  %-52s %10.1f ms\n", "raw IOMMU_IOAS_MAP loop, one ioctl per page", mr);
		printf("  %-52s %10.1f ms\n", "plug-in: rte_malloc_heap_memory_add (DPDK's and ours)", mp);
		printf("  plug-in / raw: %.2f (goal <= %.1f: %s)\n", mp / mr, GOAL,
			mp / mr <= GOAL ? "met" : "MISSED");
	}
out:
	rte_malloc_heap_destroy(HEAP);
	free(iovas);
	munmap(va, len);
	return ret;
}

REGISTER_IOMMU_COMMAND(xmem_map_perf, cmd_xmem_map_perf);
