/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A mapping fault while DPDK adds memory cannot refuse the allocation, but
 * it is not lost: the range is recorded, counted, and rte_eal_iommu_check()
 * fails until the memory is freed; it is logged once per event, not once
 * per segment. The fault is injected by the kernel (fail-nth on this
 * thread, CONFIG_FAULT_INJECTION + IOMMUFD_TEST).
 *
 * Heap growth that pinning would take past RLIMIT_MEMLOCK is refused
 * before it happens: the allocation fails, with one message naming the
 * bytes needed, the limit and the fix (ioas_memlock_growth_autotest, run
 * without CAP_IPC_LOCK under a small limit with a device attached).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_util.h"

/* Lines of log that contain what. */
static unsigned int
count_lines(const char *log, const char *what)
{
	unsigned int n = 0;
	const char *p = log;

	while (p != NULL && (p = strstr(p, what)) != NULL) {
		n++;
		p = strchr(p, '\n');
	}
	return n;
}

static void *big_alloc;
static size_t big_len;

static int
alloc_big(void)
{
	big_alloc = rte_malloc("iommu_fault", big_len, 0);
	return 0;
}

static int
test_ioas_hotadd_fault(void)
{
	char *log = NULL;
	unsigned int lines;
	struct rte_eal_iommu_stats before, after;
	struct rte_eal_iommu_failure f[8];
	int nfail, ret;
	void *big;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	rte_eal_iommu_stats_get(&before);
	ret = test_fail_nth(1);
	TEST_ASSERT(ret == 0, "fail-nth: %s (needs CONFIG_FAULT_INJECTION)",
		strerror(-ret));
	big_len = 64 << 20;
	test_capture_log(alloc_big, &log);
	big = big_alloc;
	test_fail_nth(0);
	lines = count_lines(log, "is NOT DMA-able");
	free(log);
	TEST_ASSERT(big != NULL, "the allocation itself failed");
	TEST_ASSERT(lines == 1, "%u ERR lines for one heap growth (one per event expected)",
		lines);

	rte_eal_iommu_stats_get(&after);
	nfail = rte_eal_iommu_failures(f, RTE_DIM(f));
	TEST_ASSERT(nfail >= 1 && after.map_failures > before.map_failures &&
		after.failed_bytes > 0,
		"the injected fault was lost: %d failures, %" PRIu64 " map failures, %" PRIu64 " failed bytes",
		nfail, after.map_failures - before.map_failures, after.failed_bytes);
	printf("recorded: VA 0x%" PRIx64 " length 0x%" PRIx64 ": %s\n",
		f[0].va, f[0].len, strerror(f[0].err));
	TEST_ASSERT(f[0].owner == RTE_EAL_IOMMU_OWNER_DPDK && f[0].err != 0,
		"the failure does not say whose memory and why");
	TEST_ASSERT(rte_eal_iommu_check() == -EFAULT,
		"rte_eal_iommu_check() passes with memory that is not DMA-able");
	TEST_ASSERT(rte_eal_iommu_virt2iova((void *)(uintptr_t)f[0].va) == RTE_BAD_IOVA,
		"the failed range translates");

	/* Freeing the memory clears the record: nothing that cannot be DMA-mapped remains. */
	rte_free(big);
	TEST_ASSERT(rte_eal_iommu_failures(NULL, 0) == 0,
		"the failure outlived its memory");
	TEST_ASSERT(rte_eal_iommu_check() == 0, "check still fails after the free");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_hotadd_fault_autotest, test_ioas_hotadd_fault);

#define FAIL_IOMMUFD "/sys/kernel/debug/fail_iommufd/"

static int
write_file(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -errno;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* Make every iommufd fault point fail for this thread (on), or none. */
static int
fail_all(int on)
{
	static const char *const attrs[][2] = {
		{ FAIL_IOMMUFD "task-filter", "Y" }, { FAIL_IOMMUFD "probability", "100" },
		{ FAIL_IOMMUFD "interval", "1" }, { FAIL_IOMMUFD "times", "-1" },
		{ FAIL_IOMMUFD "verbose", "0" },
	};
	char path[64];
	unsigned int i;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/make-it-fail", rte_gettid());
	for (i = 0; on && i < RTE_DIM(attrs) && ret == 0; i++)
		ret = write_file(attrs[i][0], attrs[i][1]);
	if (ret == 0)
		ret = write_file(path, on ? "1" : "0");
	if (!on)
		write_file(FAIL_IOMMUFD "probability", "0");
	return ret;
}

/*
 * Every mapping of one heap growth fails (the kernel's fail_iommufd for
 * this thread): each segment is recorded, and the log has one line for
 * the growth, not one per segment.
 */
static int
test_ioas_hotadd_fault_all(void)
{
	struct rte_eal_iommu_stats before, after;
	unsigned int lines;
	char *log = NULL;
	int nfail, ret;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	rte_eal_iommu_stats_get(&before);
	ret = fail_all(1);
	if (ret < 0) {
		fail_all(0);
		TEST_ASSERT(0, "fail_iommufd: %s (needs debugfs, CONFIG_FAULT_INJECTION_DEBUG_FS)",
			strerror(-ret));
	}
	big_len = 64 << 20;
	test_capture_log(alloc_big, &log);
	fail_all(0);
	lines = count_lines(log, "is NOT DMA-able");
	free(log);
	TEST_ASSERT(big_alloc != NULL, "the allocation itself failed");
	rte_eal_iommu_stats_get(&after);
	nfail = rte_eal_iommu_failures(NULL, 0);
	printf("%d segments not DMA-able, %u log lines\n", nfail, lines);
	TEST_ASSERT(nfail >= 2 && after.failed_bytes >= (uint64_t)nfail * (2 << 20),
		"expected every segment of the growth to fail: %d failures, %" PRIu64 " bytes",
		nfail, after.failed_bytes);
	TEST_ASSERT(after.map_failures - before.map_failures >= (uint64_t)nfail,
		"map failures not counted");
	TEST_ASSERT(lines == 1, "%u log lines for one heap growth of %d failed segments",
		lines, nfail);
	TEST_ASSERT(rte_eal_iommu_check() == -EFAULT, "the check passes");
	rte_free(big_alloc);
	big_alloc = NULL;
	TEST_ASSERT(rte_eal_iommu_failures(NULL, 0) == 0 && rte_eal_iommu_check() == 0,
		"the failures outlived their memory");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_hotadd_fault_all_autotest, test_ioas_hotadd_fault_all);

/* VmPin of this process, in bytes. */
static uint64_t
pinned_bytes(void)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "VmPin: %llu kB", &kb);
	if (f != NULL)
		fclose(f);
	return (uint64_t)kb << 10;
}

/* Two allocations past the limit, at once. */
static void *second_alloc;

static int
alloc_big_twice(void)
{
	alloc_big();
	second_alloc = rte_malloc("iommu_fault", big_len, 0);
	return 0;
}

static int
test_ioas_memlock_growth(void)
{
	struct rte_eal_iommu_stats before, after;
	struct rte_malloc_socket_stats heap;
	unsigned int refused, named;
	char *log = NULL, want[128];
	struct rlimit rl;
	uint64_t pinned;
	void *small;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	TEST_ASSERT(getrlimit(RLIMIT_MEMLOCK, &rl) == 0, "getrlimit: %s", strerror(errno));
	if (rl.rlim_cur == RLIM_INFINITY)
		TEST_SKIP("RLIMIT_MEMLOCK is unlimited (run under prlimit --memlock=...)");
	pinned = pinned_bytes();
	if (pinned == 0)
		TEST_SKIP("nothing pinned: run without CAP_IPC_LOCK with a device attached");
	printf("RLIMIT_MEMLOCK %llu bytes, %" PRIu64 " pinned\n",
		(unsigned long long)rl.rlim_cur, pinned);
	TEST_ASSERT(pinned <= rl.rlim_cur, "more pinned than the limit allows");

	/* Past the limit: refused before any page is allocated, twice. */
	rte_eal_iommu_stats_get(&before);
	TEST_ASSERT(rte_malloc_get_socket_stats(rte_socket_id(), &heap) == 0,
		"no heap statistics");
	/* More than the free heap holds: the heap must grow past the limit. */
	big_len = heap.heap_freesz_bytes + (rl.rlim_cur - pinned) + (8 << 20);
	test_capture_log(alloc_big_twice, &log);
	/* The ERR line; the second refusal only at DEBUG ("... refused (RLIMIT_MEMLOCK)"). */
	refused = count_lines(log, "refused, the allocation fails");
	snprintf(want, sizeof(want), "the limit is %llu bytes; to fix: raise the limit to at least",
		(unsigned long long)rl.rlim_cur);
	named = count_lines(log, want);
	free(log);
	rte_free(big_alloc);
	rte_free(second_alloc);
	TEST_ASSERT(big_alloc == NULL && second_alloc == NULL,
		"%zu bytes past RLIMIT_MEMLOCK were allocated", big_len);
	TEST_ASSERT(refused == 1 && named == 1,
		"%u refusal lines, %u naming the limit and the fix: one of each expected",
		refused, named);
	rte_eal_iommu_stats_get(&after);
	TEST_ASSERT(after.map_failures == before.map_failures && after.failed_bytes == 0,
		"memory was added and failed to map instead of being refused");
	TEST_ASSERT(rte_eal_iommu_check() == 0, "the refusal left memory that is not DMA-able");
	TEST_ASSERT(pinned_bytes() == pinned, "pinned memory changed: %" PRIu64 " bytes now",
		pinned_bytes());

	/* Within the limit, growth (at most this much) still works and is DMA-able. */
	TEST_ASSERT(heap.greatest_free_size + (4 << 20) <= rl.rlim_cur - pinned,
		"the limit leaves no room to grow within it: run with a larger one");
	small = rte_malloc("iommu_fault", heap.greatest_free_size + (2 << 20), 0);
	TEST_ASSERT(small != NULL, "growth within RLIMIT_MEMLOCK failed");
	TEST_ASSERT(rte_eal_iommu_check() == 0 && pinned_bytes() > pinned,
		"memory within the limit is not DMA-able (pinned)");
	rte_free(small);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_memlock_growth_autotest, test_ioas_memlock_growth);

/*
 * After a start-up mapping failure that could not fail rte_eal_init()
 * (--no-shconf): the check must fail, and nothing is mapped.
 */
static int
test_ioas_check_fails(void)
{
	TEST_ASSERT(rte_eal_iommu_is_open(), "needs the plug-in's IOAS");
	TEST_ASSERT(rte_eal_iommu_check() == -EFAULT,
		"rte_eal_iommu_check() does not fail with DPDK memory unmapped");
	TEST_ASSERT(rte_eal_iommu_mapped_bytes() == 0, "%" PRIu64 " bytes mapped",
		rte_eal_iommu_mapped_bytes());
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ioas_check_fails_autotest, test_ioas_check_fails);
