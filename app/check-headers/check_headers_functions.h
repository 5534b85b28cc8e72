/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Every function the public headers declare, as CHECK_FN(name) items of
 * an initializer: check_headers.c and check_headers.cpp define CHECK_FN
 * and include this inside their array.
 */
CHECK_FN(rte_eal_iommu_open),
CHECK_FN(rte_eal_iommu_close),
CHECK_FN(rte_eal_iommu_is_open),
CHECK_FN(rte_eal_iommu_fd),
CHECK_FN(rte_eal_iommu_ioas_id),
CHECK_FN(rte_eal_iommu_ranges_refresh),
CHECK_FN(rte_eal_iommu_ranges),
CHECK_FN(rte_eal_iommu_policy_name),
CHECK_FN(rte_eal_iommu_policy_parse),
CHECK_FN(rte_eal_iommu_set_policy),
CHECK_FN(rte_eal_iommu_policy),
CHECK_FN(rte_eal_iommu_map_dpdk_memory),
CHECK_FN(rte_eal_iommu_unmap_dpdk_memory),
CHECK_FN(rte_eal_iommu_dma_map),
CHECK_FN(rte_eal_iommu_dma_unmap),
CHECK_FN(rte_eal_iommu_virt2iova),
CHECK_FN(rte_eal_iommu_check),
CHECK_FN(rte_eal_iommu_failures),
CHECK_FN(rte_eal_iommu_stats_get),
CHECK_FN(rte_eal_iommu_maps),
CHECK_FN(rte_eal_iommu_mapped_bytes),
CHECK_FN(rte_eal_iommu_pci_attach),
CHECK_FN(rte_eal_iommu_pci_detach),
CHECK_FN(rte_eal_iommu_dump),
CHECK_FN(rte_eal_iommu_lookup_slow),
CHECK_FN(rte_eal_iommu_xlate_flush),
