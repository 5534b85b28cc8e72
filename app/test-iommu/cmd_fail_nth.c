/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * For the start-up and teardown sweeps (vm-tests.sh), with the library's
 * fault points or, with IOMMU_TEST_FAULTS=kernel, the kernel's
 * (/proc/thread-self/fail-nth: iommufd's fail_iommufd, the only fault
 * attribute of the test kernel, so only iommufd's paths are failed).
 * Start-up: IOMMU_TEST_FAIL_NTH=N (the library's, armed by the library at
 * load) or IOMMU_TEST_KERNEL_FAIL_NTH=N (the kernel's, armed by main()
 * before rte_eal_init(), test_startup_faults()). fail_nth_left: print
 * how many points were left when EAL was up ("fail-nth left: 0": the Nth
 * point was reached and failed), and turn injection off for what follows.
 * fail_nth_teardown: make the Nth point from now fail, N from
 * IOMMU_TEST_TEARDOWN_FAIL_NTH; main() prints what is left after
 * rte_eal_cleanup() (test_teardown_report()).
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <eal_iommu_test_hooks.h>

#include "test.h"

static int kernel_fd = -1; /* this thread's fail-nth, when the kernel's points are used */

static int
kernel_arm(unsigned int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%u", n);

	if (kernel_fd < 0)
		kernel_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return kernel_fd >= 0 && pwrite(kernel_fd, v, len, 0) == len ? 0 : -1;
}

/* Points left of the armed n (0: its point failed), then off; -1 if not armed. */
static int
kernel_end(void)
{
	char v[16] = "";
	ssize_t n;

	if (kernel_fd < 0)
		return -1;
	n = pread(kernel_fd, v, sizeof(v) - 1, 0);
	if (pwrite(kernel_fd, "0", 1, 0) != 1)
		n = -1;
	close(kernel_fd);
	kernel_fd = -1;
	return n > 0 ? atoi(v) : -1;
}

static int
kernel_faults(void)
{
	const char *f = getenv("IOMMU_TEST_FAULTS");

	return f != NULL && strcmp(f, "kernel") == 0;
}

void
test_startup_faults(void)
{
	const char *n = getenv("IOMMU_TEST_KERNEL_FAIL_NTH");

	if (n != NULL && kernel_arm((unsigned int)strtoul(n, NULL, 0)) < 0)
		printf("cannot arm /proc/thread-self/fail-nth (needs CONFIG_FAULT_INJECTION)\n");
}

static int
cmd_fail_nth_left(void)
{
	int left = getenv("IOMMU_TEST_KERNEL_FAIL_NTH") != NULL ? kernel_end() :
		eal_iommu_test_fail_nth(0);

	printf("fail-nth left: %d\n", left);
	return left < 0 ? TEST_FAILED : TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(fail_nth_left, cmd_fail_nth_left);

static int teardown_armed;

static int
cmd_fail_nth_teardown(void)
{
	const char *n = getenv("IOMMU_TEST_TEARDOWN_FAIL_NTH");

	if (n == NULL)
		return TEST_FAILED;
	if (kernel_faults() ? kernel_arm((unsigned int)strtoul(n, NULL, 0)) < 0 :
	    eal_iommu_test_fail_nth((unsigned int)strtoul(n, NULL, 0)) < 0)
		return TEST_FAILED;
	teardown_armed = 1;
	return TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(fail_nth_teardown, cmd_fail_nth_teardown);

void
test_teardown_report(void)
{
	if (teardown_armed)
		printf("teardown fail-nth left: %d\n",
			kernel_faults() ? kernel_end() : eal_iommu_test_fail_nth(0));
}
