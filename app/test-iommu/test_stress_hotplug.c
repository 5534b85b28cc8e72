/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Everything at once, bounded in time: the main lcore grows and shrinks
 * DPDK's heap (memory hot-added and freed, mapped and unmapped by the
 * memory events), a second lcore attaches and detaches a vfio-pci device
 * through its cdev (the valid ranges re-read each time), the others look
 * up VAs. Under the va policy a lookup of DPDK memory gives the VA itself
 * or, for memory being freed at that moment, RTE_BAD_IOVA; memory that
 * stays allocated always translates. Afterwards nothing is left behind:
 * the same fds, every DPDK segment mapped once, no failure recorded.
 *
 * Needs IOMMU_TEST_PCI_DEV (a vfio-pci device), the va policy, 3 lcores
 * or more (--lcores may put several on one CPU) and -m 16 (hugepages
 * beyond it);
 * runs for IOMMU_TEST_STRESS_SECONDS (default 5).
 */

#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "test.h"
#include "test_util.h"

#define STABLE_LEN (UINT64_C(4) << 20)
#define GROW_LEN (UINT64_C(24) << 20) /* beyond -m 16: the heap grows */

static volatile int stop;
static const char *device;
static uint8_t *stable;
/* The heap chunk while it is allocated, else NULL. */
static uint8_t *volatile growing;
static uint64_t attaches, attach_errors, lookups, wrong, grows, grow_errors;
static int attach_errno;

static int
count_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	RTE_SET_USED(ms);
	if (!msl->external)
		(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int
count_segments(void)
{
	unsigned int n = 0;

	rte_memseg_walk(count_segment, &n);
	return n;
}

static int
attach_loop(void *arg)
{
	RTE_SET_USED(arg);
	while (!stop) {
		if (rte_eal_iommu_pci_attach(device) < 0 ||
		    rte_eal_iommu_pci_detach(device) < 0) {
			attach_errno = rte_errno;
			attach_errors++;
			break;
		}
		attaches++;
		/*
		 * Devices come and go at a human pace: without a pause this
		 * loop takes the IOAS lock (not fair) again at once, and the
		 * memory events of the heap growth wait for minutes under TCG.
		 */
		rte_delay_us_sleep(1000);
	}
	return 0;
}

/* VA translates to itself, or (if may_be_freed) to nothing. */
static void
check(const uint8_t *va, int may_be_freed)
{
	uint64_t got = rte_eal_iommu_lookup(va);

	if (got != (uintptr_t)va && !(may_be_freed && got == RTE_BAD_IOVA))
		__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
}

static int
lookup_loop(void *arg)
{
	uint64_t n = 0, x = rte_lcore_id() * 0x9e3779b97f4a7c15ULL;

	RTE_SET_USED(arg);
	while (!stop) {
		uint8_t *g = growing;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check(stable + x % STABLE_LEN, 0);
		if (g != NULL)
			check(g + x % GROW_LEN, 1);
		n += 2;
	}
	__atomic_fetch_add(&lookups, n, __ATOMIC_RELAXED);
	return 0;
}

static int
dpdk_maps(void)
{
	struct rte_eal_iommu_map *maps;
	int i, n = test_get_maps(&maps), dpdk = 0;

	for (i = 0; i < n; i++)
		dpdk += maps[i].owner == RTE_EAL_IOMMU_OWNER_DPDK;
	free(maps);
	return n < 0 ? n : dpdk;
}

static int
test_stress_hotplug(void)
{
	const char *secs = getenv("IOMMU_TEST_STRESS_SECONDS");
	static struct test_segments segs;
	unsigned int lcore, fds, workers = 0, segs_before, segs_peak = 0;
	uint64_t end;

	device = getenv("IOMMU_TEST_PCI_DEV");
	TEST_ASSERT(device != NULL, "set IOMMU_TEST_PCI_DEV to a vfio-pci device");
	TEST_ASSERT(rte_eal_iommu_policy() == RTE_EAL_IOMMU_POLICY_VA,
		"needs the va policy (policy %s)",
		rte_eal_iommu_policy_name(rte_eal_iommu_policy()));
	TEST_ASSERT(rte_lcore_count() >= 3, "needs 3 lcores (--lcores), has %u",
		rte_lcore_count());
	stable = rte_malloc("stress_stable", STABLE_LEN, 0);
	TEST_ASSERT(stable != NULL, "cannot allocate the stable buffer");
	fds = test_count_fds();
	segs_before = count_segments();

	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(workers++ == 0 ? attach_loop : lookup_loop, NULL, lcore);
	end = rte_get_timer_cycles() +
		rte_get_timer_hz() * (secs != NULL ? strtoull(secs, NULL, 0) : 5);
	while (rte_get_timer_cycles() < end && !attach_errors) {
		uint8_t *g = rte_malloc("stress_grow", GROW_LEN, 0);

		if (g == NULL || rte_eal_iommu_lookup(g) != (uintptr_t)g ||
		    rte_eal_iommu_lookup(g + GROW_LEN - 1) != (uintptr_t)g + GROW_LEN - 1) {
			grow_errors++;
			rte_free(g);
			break;
		}
		growing = g;
		segs_peak = RTE_MAX(segs_peak, count_segments());
		rte_delay_us_block(1000);
		growing = NULL;
		rte_free(g);
		grows++;
	}
	stop = 1;
	rte_eal_mp_wait_lcore();
	check(stable, 0);
	rte_free(stable);

	printf("%" PRIu64 " heap grow/shrink cycles, %" PRIu64 " attach/detach cycles, %" PRIu64 " lookups, %" PRIu64 " wrong\n",
		grows, attaches, lookups, wrong);
	TEST_ASSERT(grow_errors == 0, "hot-added memory did not translate, or could not be allocated");
	TEST_ASSERT(attach_errors == 0, "attach or detach failed: %s", rte_strerror(attach_errno));
	TEST_ASSERT(wrong == 0, "%" PRIu64 " lookups returned a wrong IOVA", wrong);
	TEST_ASSERT(grows > 0 && attaches > 0 && lookups > 0, "not every thread made progress");
	TEST_ASSERT(segs_peak > segs_before, "the heap never grew (%u segments before, %u at most): run with -m 16",
		segs_before, segs_peak);
	TEST_ASSERT(test_count_fds() == fds, "fds: %u before, %u after", fds, test_count_fds());
	TEST_ASSERT(rte_eal_iommu_check() == 0, "memory not DMA-able after the stress");
	TEST_ASSERT(test_collect_segments(&segs) == 0, "too many segments");
	TEST_ASSERT(dpdk_maps() == (int)segs.count,
		"%d DPDK mappings for %u DPDK memory segments", dpdk_maps(), segs.count);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(stress_hotplug_autotest, test_stress_hotplug);
