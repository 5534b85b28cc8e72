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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The IOMMU group number of PCI device name, from sysfs; -1 if none. */
static int
iommu_group_of(const char *name)
{
	char path[128], target[128];
	const char *num;
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", name);
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return -1;
	target[len] = '\0';
	num = strrchr(target, '/');
	return num != NULL ? atoi(num + 1) : -1;
}

/* How many devices the dump lists on the IOAS; *named: whether name is one. */
static int
dump_pci_devices(const char *name, int *named)
{
	char *text = NULL, want[128];
	const char *p;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	int n = 0;

	if (f == NULL)
		return -1;
	rte_eal_iommu_dump(f);
	fclose(f);
	for (p = text; (p = strstr(p, " (PCI driver, group ")) != NULL; p++)
		n++;
	snprintf(want, sizeof(want), " %s (PCI driver, group ", name);
	*named = strstr(text, want) != NULL;
	free(text);
	return n;
}

/*
 * Two functions of one IOMMU group, the first given to a driver whose
 * probe fails (libtest_failing_pmd.so, loaded with -d, names it in
 * IOMMU_TEST_FAILING_PMD_PROBED): EAL closes the group when the bus
 * releases it, then the PCI bus probes the second function. That one must
 * be on the IOAS (no group of the process in a legacy container, from the
 * kernel) and DMA through it with a NIC of another group; the plug-in
 * counts exactly the two ports' devices. Run with the failing function,
 * its sibling (a NIC) and one more NIC allowed; IOMMU_TEST_FAILED_FUNCTION
 * names the failing function.
 */
static int
test_pci_multifunction(void)
{
	const char *failed = getenv("IOMMU_TEST_FAILED_FUNCTION");
	const char *probed = getenv("IOMMU_TEST_FAILING_PMD_PROBED");
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t ports[2];
	int i, named = 0, n, sibling = -1, ret = TEST_FAILED;

	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in");
	TEST_ASSERT(failed != NULL, "set IOMMU_TEST_FAILED_FUNCTION to the failing function");
	TEST_ASSERT(probed != NULL && strcmp(probed, failed) == 0,
		"the failing driver did not probe %s (load libtest_failing_pmd.so with -d)",
		failed);
	TEST_ASSERT(test_ports_find(ports) == 0, "not two ports");
	for (i = 0; i < 2; i++) {
		rte_eth_dev_get_name_by_port(ports[i], name);
		if (iommu_group_of(name) == iommu_group_of(failed))
			sibling = i;
	}
	TEST_ASSERT(iommu_group_of(failed) >= 0 && sibling >= 0,
		"no port shares IOMMU group %d with %s: allow a function of its group",
		iommu_group_of(failed), failed);
	n = dump_pci_devices(failed, &named);
	TEST_ASSERT(n == 2 && !named,
		"the plug-in counts %d devices on the IOAS%s, want the two ports'", n,
		named ? ", the failed function among them" : "");
	if (test_ports_start(ports) == 0 && test_ports_exchange(ports) == 0)
		ret = TEST_SUCCESS;
	if (ret == TEST_SUCCESS && !test_ports_on_ioas())
		ret = TEST_FAILED;
	rte_eth_dev_stop(ports[0]);
	rte_eth_dev_stop(ports[1]);
	if (ret == TEST_SUCCESS)
		printf("%s failed its probe; its sibling in IOMMU group %d and the other port exchanged %d known packets each way through IOAS %u\n",
			failed, iommu_group_of(failed), TEST_PORTS_PACKETS,
			rte_eal_iommu_ioas_id());
	return ret;
}

REGISTER_IOMMU_TEST(pci_multifunction_autotest, test_pci_multifunction);
