/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef EAL_IOMMU_TEST_HOOKS_H
#define EAL_IOMMU_TEST_HOOKS_H

/*
 * Seams for the project's own tests and benchmarks (version.map INTERNAL,
 * never installed): the lookup table alone, without the kernel, so unit
 * tests and the lookup benchmark can build large tables with no memory
 * behind them; and the library's own fault points (iommu_fault.h).
 */

#include <stdint.h>

#include <rte_compat.h>

__rte_internal
int eal_iommu_xlate_insert(uint64_t va, uint64_t iova, uint64_t len);
__rte_internal
void eal_iommu_xlate_remove(uint64_t va, uint64_t len);
/* Begin (begin != 0) or end a batch of the lookup table's writers. */
__rte_internal
void eal_iommu_test_xlate_batch(int begin);
/* Grace periods the lookup table's writers have waited for so far. */
__rte_internal
uint64_t eal_iommu_test_grace_periods(void);

/*
 * Make the nth fault point of the library this thread reaches fail (0: off),
 * as the kernel's /proc/thread-self/fail-nth. Returns the points that were
 * left of the previous n (0 if its point failed), or -ENOTSUP in a build
 * without -Dfault_injection=true.
 */
__rte_internal
int eal_iommu_test_fail_nth(unsigned int n);

#endif /* EAL_IOMMU_TEST_HOOKS_H */
