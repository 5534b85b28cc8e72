/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * fail_nth_left: for the start-up sweep (vm-tests.sh), print how many of
 * the library's fault points IOMMU_TEST_FAIL_NTH had left when EAL was up
 * ("fail-nth left: 0": the Nth point was reached and failed), and turn
 * fault injection off for what follows.
 */

#include <stdio.h>

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
