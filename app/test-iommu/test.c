/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <rte_eal_iommu.h>

#include "test.h"

static TAILQ_HEAD(, iommu_test) tests = TAILQ_HEAD_INITIALIZER(tests);

void
iommu_test_register(struct iommu_test *t)
{
	TAILQ_INSERT_TAIL(&tests, t, next);
}

static struct iommu_test *
find_test(const char *name)
{
	struct iommu_test *t;

	TAILQ_FOREACH(t, &tests, next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void
list_tests(FILE *f)
{
	struct iommu_test *t;

	TAILQ_FOREACH(t, &tests, next)
		fprintf(f, "  %s%s\n", t->name, t->is_command ? " (command)" : "");
}

/* Run one test; prints a result line the test scripts count. */
static int
run_test(const char *name)
{
	struct iommu_test *t = find_test(name);
	int ret;

	if (t == NULL) {
		printf("unknown test '%s'; known tests:\n", name);
		list_tests(stdout);
		return TEST_FAILED;
	}
	if (t->is_command)
		return t->fn();
	printf("RUN %s\n", name);
	fflush(stdout);
	ret = t->fn();
	printf("%s %s\n", ret == TEST_SUCCESS ? "PASS" :
		ret == TEST_SKIPPED ? "SKIP" : "FAIL", name);
	fflush(stdout);
	return ret;
}

/* What a failed rte_eal_init() left: nothing mapped, nothing pinned. */
static void
report_after_failed_init(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmPin:", 6) == 0)
			fprintf(stderr, "after the failed rte_eal_init: %s", line);
	if (f != NULL)
		fclose(f);
	fprintf(stderr, "after the failed rte_eal_init: %" PRIu64 " bytes mapped in the IOAS\n",
		rte_eal_iommu_mapped_bytes());
}

int
main(int argc, char **argv)
{
	const char *env = getenv("DPDK_TEST");
	int ret, i, failed = 0;

	/* Keep results in order with the (unbuffered) log on stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_startup_faults();
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		report_after_failed_init();
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argc--;
		argv++;
	}
	if (env != NULL && env[0] != '\0')
		failed += run_test(env) == TEST_FAILED;
	for (i = 1; i < argc; i++)
		failed += run_test(argv[i]) == TEST_FAILED;
	if ((env == NULL || env[0] == '\0') && argc <= 1) {
		printf("usage: dpdk-test-iommu [EAL args] [--] test...  (or DPDK_TEST=test)\ntests:\n");
		list_tests(stdout);
	}
	rte_eal_cleanup();
	test_teardown_report();
	return failed ? 1 : 0;
}
