/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * serve: a live primary process for telemetry clients and secondary
 * processes. Optionally hot-adds memory with one injected mapping fault
 * (IOMMU_TEST_INJECT_FAULT=1, so failures show) and writes its IOAS id and
 * each DPDK memory segment's "VA IOVA length" to IOMMU_TEST_MAP_FILE;
 * with IOMMU_TEST_SERVE_PORTS=1 starts the two ethdev ports (and their
 * pool) for secondary processes to use; then prints READY and waits until IOMMU_TEST_STOP_FILE exists (at most 120 s).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_ethdev.h"
#include "test_util.h"

static struct test_segments segments;

static int
write_map_file(const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (f == NULL)
		return -1;
	if (test_collect_segments(&segments) < 0) {
		fclose(f);
		return -1;
	}
	fprintf(f, "ioas %u\n", rte_eal_iommu_ioas_id());
	for (i = 0; i < segments.count; i++)
		fprintf(f, "%" PRIx64 " %" PRIx64 " %" PRIx64 "\n", segments.segs[i].va,
			rte_eal_iommu_virt2iova((void *)(uintptr_t)segments.segs[i].va),
			segments.segs[i].len);
	return fclose(f);
}

static int
cmd_serve(void)
{
	const char *stop = getenv("IOMMU_TEST_STOP_FILE");
	const char *map_file = getenv("IOMMU_TEST_MAP_FILE");
	const char *fault = getenv("IOMMU_TEST_INJECT_FAULT");
	const char *serve_ports = getenv("IOMMU_TEST_SERVE_PORTS");
	int with_ports = serve_ports != NULL && serve_ports[0] == '1';
	uint16_t ports[2];
	void *big = NULL;
	int i;

	if (stop == NULL) {
		printf("set IOMMU_TEST_STOP_FILE\n");
		return TEST_FAILED;
	}
	if (fault != NULL && fault[0] == '1') {
		if (test_fail_nth(1) < 0) {
			printf("fault injection needs CONFIG_FAULT_INJECTION\n");
			return TEST_FAILED;
		}
		big = rte_malloc("iommu_serve", 96 << 20, 0); /* more than -m 64 */
		test_fail_nth(0);
		if (big == NULL || rte_eal_iommu_failures(NULL, 0) == 0) {
			printf("no failure to show\n");
			return TEST_FAILED;
		}
	}
	if (map_file != NULL && write_map_file(map_file) != 0) {
		printf("cannot write %s\n", map_file);
		return TEST_FAILED;
	}
	if (with_ports && test_ports_start(ports) < 0) {
		printf("cannot start the ports\n");
		return TEST_FAILED;
	}
	printf("READY\n");
	for (i = 0; i < 1200 && access(stop, F_OK) != 0; i++)
		usleep(100 * 1000);
	rte_free(big);
	if (with_ports) {
		rte_eth_dev_stop(ports[0]);
		rte_eth_dev_stop(ports[1]);
	}
	return TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(serve, cmd_serve);
