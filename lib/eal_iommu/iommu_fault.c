/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Fault points (iommu_fault.h): the per-thread countdown and its test hook. */

#include <errno.h>
#include <stdlib.h>

#include <rte_common.h>

#include "eal_iommu_test_hooks.h"
#include "iommu_fault.h"

#ifdef RTE_EAL_IOMMU_FAULT_INJECTION
/* Points left before the one that fails; 0: none fails. Per thread. */
static __thread unsigned int fail_nth;

int
iommu_fault(void)
{
	if (fail_nth == 0)
		return 0;
	return --fail_nth == 0;
}

/*
 * Start-up sweeps: IOMMU_TEST_FAIL_NTH=N makes the Nth point of the thread
 * loading the library (EAL's main thread, at plug-in load) fail.
 */
RTE_INIT(iommu_fault_from_env)
{
	const char *n = getenv("IOMMU_TEST_FAIL_NTH");

	if (n != NULL)
		fail_nth = (unsigned int)strtoul(n, NULL, 0);
}

int
eal_iommu_test_fail_nth(unsigned int n)
{
	unsigned int left = fail_nth;

	fail_nth = n;
	return (int)left;
}
#else
int
eal_iommu_test_fail_nth(unsigned int n)
{
	(void)n;
	return -ENOTSUP;
}
#endif
