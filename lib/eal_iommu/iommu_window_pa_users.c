/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Under the window policy DPDK runs in PA mode, where rte_mem_virt2iova()
 * reads /proc/self/pagemap and returns the physical address, not the window
 * IOVA the segment's iova holds. The components of DPDK 22.11 that call it
 * directly for device addresses would hand devices wrong IOVAs: warn about
 * each one this process has loaded (see doc/guides/policies.rst).
 */

#define _GNU_SOURCE
#include <link.h>
#include <string.h>

#include "iommu_ioas.h"
#include "iommu_window_pa_users.h"

static const struct {
	const char *lib; /* shared object name prefix */
	const char *use; /* what it uses the address for */
} virt2iova_users[] = {
	{ "librte_cryptodev.so", "crypto operation IOVAs (rte_crypto_op_pool_create)" },
	{ "librte_compressdev.so", "compression operation IOVAs (rte_comp_op_pool_create)" },
	{ "librte_vhost.so", "guest page IOVAs for async DMA copies" },
	{ "librte_bus_dpaa.so", "QMan portal memory" },
	{ "librte_common_cpt.so", "CPT microcode and FPM tables" },
	{ "librte_compress_octeontx.so", "ZIP command queues" },
	{ "librte_crypto_ccp.so", "CCP descriptors and buffers" },
	{ "librte_dma_dpaa.so", "QDMA descriptors" },
	{ "librte_dma_idxd.so", "DSA batch descriptors" },
	{ "librte_dma_ioat.so", "IOAT descriptor rings" },
	{ "librte_net_bnxt.so", "firmware message buffers" },
	{ "librte_net_enetc.so", "descriptor rings" },
	{ "librte_net_liquidio.so", "scatter-gather lists" },
	{ "librte_net_netvsc.so", "transmit chimney buffers" },
	{ "librte_net_octeon_ep.so", "scatter-gather lists" },
};

static int
check_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *base = strrchr(info->dlpi_name, '/');
	unsigned int i, *found = arg;

	RTE_SET_USED(size);
	base = base != NULL ? base + 1 : info->dlpi_name;
	for (i = 0; i < RTE_DIM(virt2iova_users); i++)
		if (strncmp(base, virt2iova_users[i].lib,
				strlen(virt2iova_users[i].lib)) == 0) {
			IOMMU_LOG(WARNING, "policy window: %s calls rte_mem_virt2iova() for %s and gets physical addresses, not window IOVAs: do not use it for DMA, or use the pa policy",
				base, virt2iova_users[i].use);
			(*found)++;
		}
	return 0;
}

void
iommu_window_warn_pa_users(void)
{
	unsigned int found = 0;

	dl_iterate_phdr(check_object, &found);
	IOMMU_LOG(WARNING, "policy window: rte_mem_virt2iova() returns physical addresses, not the IOVAs devices use; %u loaded component(s) known to rely on it%s",
		found, found ? " (see above)" : "");
}
