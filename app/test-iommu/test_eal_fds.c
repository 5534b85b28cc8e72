/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The plug-in opens nothing before EAL has opened its own files: fd 3 is
 * EAL's shared config file, as stock tools expect (dpdk-test's
 * get_current_prefix() reads it), even when the bus was given devargs.
 * Run with a file prefix (not --no-shconf or --in-memory) and the IOAS open.
 */

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal_iommu.h>

#include "test.h"

static int
test_eal_fd_order(void)
{
	char link[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/fd/3", link, sizeof(link) - 1);
	TEST_ASSERT(n > 0, "fd 3 is not open");
	link[n] = '\0';
	TEST_ASSERT(n >= 7 && strcmp(link + n - 7, "/config") == 0,
		"fd 3 is %s, not EAL's config file: something opened a file before EAL did",
		link);
	TEST_ASSERT(rte_eal_iommu_fd() > 3, "the iommufd is fd %d",
		rte_eal_iommu_fd());
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(eal_fd_order_autotest, test_eal_fd_order);
