/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * For the start-up and teardown sweeps (vm-tests.sh). fail_nth_left:
 * print how many of the library's fault points IOMMU_TEST_FAIL_NTH had
 * left when EAL was up ("fail-nth left: 0": the Nth point was reached and
 * failed), and turn fault injection off for what follows.
 * fail_nth_teardown: make the Nth point from now fail, N from
 * IOMMU_TEST_TEARDOWN_FAIL_NTH; main() prints what is left after
 * rte_eal_cleanup() (test_teardown_report()).
 */

#include <stdio.h>
#include <stdlib.h>

#include <eal_iommu_test_hooks.h>

#include "test.h"

static int
cmd_fail_nth_left(void)
{
	int left = eal_iommu_test_fail_nth(0);

	printf("fail-nth left: %d\n", left);
	return left < 0 ? TEST_FAILED : TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(fail_nth_left, cmd_fail_nth_left);

static int teardown_armed;

static int
cmd_fail_nth_teardown(void)
{
	const char *n = getenv("IOMMU_TEST_TEARDOWN_FAIL_NTH");

	if (n == NULL || eal_iommu_test_fail_nth((unsigned int)strtoul(n, NULL, 0)) < 0)
		return TEST_FAILED;
	teardown_armed = 1;
	return TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(fail_nth_teardown, cmd_fail_nth_teardown);

void
test_teardown_report(void)
{
	if (teardown_armed)
		printf("teardown fail-nth left: %d\n", eal_iommu_test_fail_nth(0));
}
