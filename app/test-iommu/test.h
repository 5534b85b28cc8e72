/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef TEST_IOMMU_H
#define TEST_IOMMU_H

/*
 * A small dpdk-test style harness: autotests register by name and are run
 * after rte_eal_init(), chosen by DPDK_TEST=name or by the arguments after
 * the EAL ones. Each returns TEST_SUCCESS, TEST_FAILED or TEST_SKIPPED.
 */

#include <stdio.h>
#include <sys/queue.h>

#include <rte_common.h>

#define TEST_SUCCESS 0
#define TEST_FAILED -1
#define TEST_SKIPPED 77

struct iommu_test {
	TAILQ_ENTRY(iommu_test) next;
	const char *name;
	int (*fn)(void);
	int is_command; /* a tool (e.g. a dump), not an autotest */
};

void iommu_test_register(struct iommu_test *t);

#define REGISTER_IOMMU_TEST(nm, func) \
static struct iommu_test test_struct_ ## nm = { .name = RTE_STR(nm), .fn = func }; \
RTE_INIT(test_register_ ## nm) \
{ \
	iommu_test_register(&test_struct_ ## nm); \
}

/* A command runs like a test but reports no PASS/FAIL line. */
#define REGISTER_IOMMU_COMMAND(nm, func) \
static struct iommu_test test_struct_ ## nm = { \
	.name = RTE_STR(nm), .fn = func, .is_command = 1 }; \
RTE_INIT(test_register_ ## nm) \
{ \
	iommu_test_register(&test_struct_ ## nm); \
}

/* Before rte_eal_init(): arm the kernel's start-up fault point (cmd_fail_nth.c). */
void test_startup_faults(void);
/* After rte_eal_cleanup(): the teardown sweep's result (cmd_fail_nth.c). */
void test_teardown_report(void);

#define TEST_ASSERT(cond, fmt, ...) do { \
	if (!(cond)) { \
		printf("FAILED %s:%d: %s: " fmt "\n", __func__, __LINE__, \
			#cond, ## __VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_EQUAL(a, b, fmt, ...) \
	TEST_ASSERT((a) == (b), fmt, ## __VA_ARGS__)

#define TEST_SKIP(fmt, ...) do { \
	printf("SKIPPED %s: " fmt "\n", __func__, ## __VA_ARGS__); \
	return TEST_SKIPPED; \
} while (0)

#endif /* TEST_IOMMU_H */
