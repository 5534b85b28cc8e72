/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Stock PCI PMDs DMA through the plug-in's IOAS: two ports on one wire,
 * each a vfio-pci device the PCI bus gave to its stock driver. Known
 * payloads sent on one port arrive byte for byte on the other, both ways;
 * every buffer a device read or wrote is translated by the IOAS
 * (rte_eal_iommu_lookup() equals the mbuf's buf_iova), also from memory
 * DPDK added after the devices attached, and the dump lists both devices
 * on the IOAS. Run with the two ports allowed (-a) and the
 * plug-in loaded. ethdev_secondary_payload_autotest does the same from a
 * secondary process, on the ports a primary ("serve" with
 * IOMMU_TEST_SERVE_PORTS=1) started.
 */

#include <stdio.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_ethdev.h"

static int
test_ethdev_payload(void)
{
	uint16_t ports[2];
	int ret = TEST_FAILED;

	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in");
	if (test_ports_start(ports) == 0 && test_ports_exchange(ports) == 0 &&
	    test_ports_exchange_hotadded(ports) == 0)
		ret = TEST_SUCCESS;
	if (ret == TEST_SUCCESS && !test_ports_on_ioas()) {
		printf("the dump does not list both ports' devices on the IOAS\n");
		ret = TEST_FAILED;
	}
	if (ret == TEST_SUCCESS && rte_eal_iommu_check() != 0) {
		printf("DPDK memory is not all DMA-able\n");
		ret = TEST_FAILED;
	}
	rte_eth_dev_stop(ports[0]);
	rte_eth_dev_stop(ports[1]);
	if (ret == TEST_SUCCESS)
		printf("%d known packets each way arrived intact through IOAS %u\n",
			TEST_PORTS_PACKETS, rte_eal_iommu_ioas_id());
	return ret;
}

REGISTER_IOMMU_TEST(ethdev_payload_autotest, test_ethdev_payload);

static int
test_ethdev_secondary_payload(void)
{
	uint16_t ports[2];

	TEST_ASSERT(rte_eal_process_type() == RTE_PROC_SECONDARY,
		"run as a secondary of a primary serving started ports");
	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in");
	TEST_ASSERT(test_ports_find(ports) == 0, "the primary's ports are not here");
	TEST_ASSERT(test_ports_exchange(ports) == 0,
		"known payloads did not cross between the primary's ports");
	printf("secondary: %d known packets each way arrived intact through the primary's IOAS %u\n",
		TEST_PORTS_PACKETS, rte_eal_iommu_ioas_id());
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(ethdev_secondary_payload_autotest, test_ethdev_secondary_payload);
