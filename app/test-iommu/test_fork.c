/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A forked child shares its parent's iommufd: whatever it does, the
 * parent's IOAS stays as it was. The child tries to map and unmap
 * (refused, -EPERM), runs the iommufd bus's cleanup, as rte_eal_cleanup()
 * does (DPDK 22.11's rte_eal_cleanup() itself is not fork-safe: it joins
 * the parent's IPC thread), and exits. The parent then still has every
 * mapping in the kernel (simulated DMA reaches every DPDK segment and an
 * application buffer mapped before the fork), the same valid ranges, and
 * all DPDK memory DMA-able. Needs CONFIG_IOMMUFD_TEST.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_eal.h>

#include <rte_eal_iommu.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define BUF_LEN (64 << 10)

static struct test_segments segments;

/* The child: exit status 0 when every change was refused and it closed. */
static int
in_forked_child(void *buf, void *other)
{
	uint64_t iova = RTE_BAD_IOVA;
	struct rte_bus *bus = rte_bus_find_by_name("iommufd");

	if (rte_eal_iommu_dma_map(other, BUF_LEN, &iova) != -EPERM) {
		printf("forked: mapping a buffer was not refused\n");
		return 1;
	}
	if (rte_eal_iommu_dma_unmap(buf, BUF_LEN) != -EPERM) {
		printf("forked: unmapping the parent's buffer was not refused\n");
		return 2;
	}
	if (bus == NULL || bus->cleanup == NULL || bus->cleanup() != 0 ||
	    rte_eal_iommu_is_open()) {
		printf("forked: the iommufd bus's cleanup did not close the IOAS here\n");
		return 3;
	}
	return 0;
}

/* Simulated DMA reaches every DPDK segment and the buffer. */
static int
parent_dma_intact(void *buf, uint64_t buf_iova)
{
	int fd = rte_eal_iommu_fd(), access_fd, ret = TEST_SUCCESS;
	unsigned int i;

	TEST_ASSERT(selftest_access_create(fd, rte_eal_iommu_ioas_id(), &access_fd) == 0,
		"cannot create an access object");
	for (i = 0; i < segments.count && ret == TEST_SUCCESS; i++)
		ret = test_check_dma_range(fd, access_fd, segments.segs[i].va,
			segments.segs[i].iova, segments.segs[i].len, 0xf04c0000ULL | i);
	if (ret == TEST_SUCCESS)
		ret = test_check_dma_range(fd, access_fd, (uintptr_t)buf, buf_iova,
			BUF_LEN, 0xf04cb0ffULL);
	close(access_fd);
	return ret;
}

static int
test_fork_child(void)
{
	struct test_ioas_state before, after;
	uint64_t buf_iova = RTE_BAD_IOVA;
	void *buf, *other;
	int status, ret;
	pid_t pid;

	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in with -d");
	TEST_ASSERT(selftest_available(rte_eal_iommu_fd()),
		"the kernel lacks CONFIG_IOMMUFD_TEST (simulated DMA)");
	TEST_ASSERT(test_collect_segments(&segments) == 0 && segments.count > 0,
		"no DPDK memory segments");
	buf = mmap(NULL, 2 * BUF_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "no buffer");
	other = (char *)buf + BUF_LEN;
	ret = rte_eal_iommu_dma_map(buf, BUF_LEN, &buf_iova);
	if (ret < 0) {
		munmap(buf, 2 * BUF_LEN);
		TEST_ASSERT(0, "cannot map the buffer: %d", ret);
	}
	test_ioas_state_get(&before);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		exit(in_forked_child(buf, other));
	ret = TEST_FAILED;
	if (pid < 0) {
		printf("fork failed: %s\n", strerror(errno));
	} else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		   WEXITSTATUS(status) != 0) {
		printf("the child failed (status 0x%x)\n", status);
	} else {
		test_ioas_state_get(&after);
		if (test_ioas_state_differs(&before, &after))
			printf("the parent's IOAS state changed\n");
		else if (after.check != 0)
			printf("the parent's DPDK memory is no longer all DMA-able\n");
		else
			ret = parent_dma_intact(buf, buf_iova);
		test_ioas_state_free(&after);
	}
	test_ioas_state_free(&before);
	rte_eal_iommu_dma_unmap(buf, BUF_LEN);
	munmap(buf, 2 * BUF_LEN);
	if (ret == TEST_SUCCESS)
		printf("a forked child's refused changes and cleanup left IOAS %u as it was: %u segments and a buffer DMA-able\n",
			rte_eal_iommu_ioas_id(), segments.count);
	return ret;
}

REGISTER_IOMMU_TEST(fork_child_autotest, test_fork_child);
