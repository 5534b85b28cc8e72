/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * hotplug_perf: the time to hot-detach and hot-attach a PCI device
 * (rte_dev_remove(), rte_dev_probe(), with its stock PMD) while DPDK's
 * memory (-m) is mapped: through the plug-in's IOAS when it is loaded,
 * else through EAL's legacy VFIO type1 container, which maps all memory
 * again on each attach. Run with one NIC allowed (-a); devtools/bench.sh
 * hotplug runs both in one VM and prints the ratio. A benchmark, not a test.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_util.h"

#define RUNS 5

static int
add_len(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	if (!msl->external)
		*(uint64_t *)arg += ms->len;
	return 0;
}

static int
cmd_hotplug_perf(void)
{
	double attach[RUNS], detach[RUNS], t;
	char name[RTE_DEV_NAME_MAX_LEN];
	struct rte_eth_dev_info info;
	uint64_t dpdk_bytes = 0;
	uint16_t port = 0;
	int i;

	RTE_ETH_FOREACH_DEV(port)
		break;
	if (rte_eth_dev_count_avail() != 1 || rte_eth_dev_info_get(port, &info) != 0) {
		printf("allow exactly one NIC (-a)\n");
		return TEST_FAILED;
	}
	snprintf(name, sizeof(name), "%s", rte_dev_name(info.device));
	rte_memseg_walk(add_len, &dpdk_bytes);
	for (i = 0; i < RUNS; i++) {
		t = test_now_ms();
		if (rte_dev_remove(info.device) != 0) {
			printf("cannot hot-detach %s\n", name);
			return TEST_FAILED;
		}
		detach[i] = test_now_ms() - t;
		t = test_now_ms();
		if (rte_dev_probe(name) != 0) {
			printf("cannot hot-attach %s\n", name);
			return TEST_FAILED;
		}
		attach[i] = test_now_ms() - t;
		RTE_ETH_FOREACH_DEV(port)
			break;
		if (rte_eth_dev_info_get(port, &info) != 0) {
			printf("no port after hot-attaching %s\n", name);
			return TEST_FAILED;
		}
	}
	printf("hotplug %s: %s, %" PRIu64 " MiB of DPDK memory: hot-attach median %.1f ms, hot-detach median %.1f ms (%d runs)\n",
		name, rte_eal_iommu_is_open() ? "plug-in IOAS" : "EAL legacy type1",
		dpdk_bytes >> 20, test_median(attach, RUNS), test_median(detach, RUNS), RUNS);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(hotplug_perf, cmd_hotplug_perf);
