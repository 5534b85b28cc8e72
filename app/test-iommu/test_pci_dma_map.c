/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * rte_dev_dma_map() on PCI devices the plug-in put on the IOAS maps into
 * the IOAS (external memory, as testpmd's --mp-alloc=anon and storage
 * stacks use it): each device maps the same memory once, the IOAS holds
 * one area for both, and it stays until the last device unmaps it. Run
 * with two NICs allowed (-a).
 */

#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_ethdev.h"

#define EXT_LEN (UINT64_C(4) << 20)
#define EXT_IOVA (UINT64_C(0x7e00000000))

static int
test_pci_dma_map(void)
{
	struct rte_device *dev[2];
	struct rte_eth_dev_info info;
	uint16_t ports[2];
	int i, areas;
	void *ext;

	TEST_ASSERT(test_ports_find(ports) == 0, "needs two ports");
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(rte_eth_dev_info_get(ports[i], &info) == 0, "port info");
		dev[i] = info.device;
	}
	ext = mmap(NULL, EXT_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(ext != MAP_FAILED, "mmap");
	TEST_ASSERT(rte_extmem_register(ext, EXT_LEN, NULL, 0, sysconf(_SC_PAGESIZE)) == 0,
		"rte_extmem_register");
	areas = rte_eal_iommu_maps(NULL, 0);
	for (i = 0; i < 2; i++)
		TEST_ASSERT(rte_dev_dma_map(dev[i], ext, EXT_IOVA, EXT_LEN) == 0,
			"rte_dev_dma_map on %s: %s", rte_dev_name(dev[i]),
			rte_strerror(rte_errno));
	TEST_ASSERT(rte_eal_iommu_virt2iova(ext) == EXT_IOVA &&
		rte_eal_iommu_virt2iova((char *)ext + EXT_LEN - 1) == EXT_IOVA + EXT_LEN - 1,
		"the memory is not in the IOAS at IOVA 0x%" PRIx64, EXT_IOVA);
	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == areas + 1,
		"two devices' maps of the same memory made %d areas",
		rte_eal_iommu_maps(NULL, 0) - areas);
	TEST_ASSERT(rte_dev_dma_unmap(dev[0], ext, EXT_IOVA, EXT_LEN) == 0, "unmap 1");
	TEST_ASSERT(rte_eal_iommu_virt2iova(ext) == EXT_IOVA,
		"unmapped for one device, gone for the other");
	TEST_ASSERT(rte_dev_dma_unmap(dev[1], ext, EXT_IOVA, EXT_LEN) == 0, "unmap 2");
	TEST_ASSERT(rte_eal_iommu_virt2iova(ext) == RTE_BAD_IOVA &&
		rte_eal_iommu_maps(NULL, 0) == areas, "still mapped after the last unmap");
	TEST_ASSERT(rte_extmem_unregister(ext, EXT_LEN) == 0, "rte_extmem_unregister");
	munmap(ext, EXT_LEN);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(pci_dma_map_autotest, test_pci_dma_map);
