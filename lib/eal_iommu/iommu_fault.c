/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Fault points (iommu_fault.h): the per-thread countdown and its test hook. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr() */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>

#include "eal_iommu_test_hooks.h"
#include "iommu_fault.h"

#ifdef RTE_EAL_IOMMU_FAULT_INJECTION
/* Points left before the one that fails; 0: none fails. Per thread. */
static __thread unsigned int fail_nth;

/* For the sweeps' logs: where a point failed (addr2line -e FILE OFFSET). */
static void
report_point(const void *at)
{
	Dl_info info;

	if (dladdr(at, &info) != 0 && info.dli_fname != NULL)
		fprintf(stderr, "fault point failed, called from %s+%#lx\n", info.dli_fname,
			(unsigned long)((const char *)at - (const char *)info.dli_fbase));
}

int
iommu_fault(void)
{
	if (fail_nth == 0 || --fail_nth != 0)
		return 0;
	report_point(__builtin_return_address(0));
	return 1;
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
