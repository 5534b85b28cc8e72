/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef CHECK_HEADERS_H
#define CHECK_HEADERS_H

/*
 * What check_headers.c and check_headers.cpp share: proof that each build
 * got the defines it is named for (CHECK_HEADERS_STABLE: without
 * ALLOW_EXPERIMENTAL_API), the public headers, and the one list of every
 * function they declare.
 */

#ifdef ALLOW_INTERNAL_API
#error "an application is built without ALLOW_INTERNAL_API"
#endif
#if defined(CHECK_HEADERS_STABLE) && defined(ALLOW_EXPERIMENTAL_API)
#error "the stable build must not define ALLOW_EXPERIMENTAL_API"
#endif
#if !defined(CHECK_HEADERS_STABLE) && !defined(ALLOW_EXPERIMENTAL_API)
#error "the experimental build must define ALLOW_EXPERIMENTAL_API"
#endif

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

/* Every function the public headers declare: f(name) for each. */
#define CHECK_HEADERS_FUNCTIONS(f) \
	f(rte_eal_iommu_open) \
	f(rte_eal_iommu_close) \
	f(rte_eal_iommu_is_open) \
	f(rte_eal_iommu_fd) \
	f(rte_eal_iommu_ioas_id) \
	f(rte_eal_iommu_ranges_refresh) \
	f(rte_eal_iommu_ranges) \
	f(rte_eal_iommu_policy_name) \
	f(rte_eal_iommu_policy_parse) \
	f(rte_eal_iommu_set_policy) \
	f(rte_eal_iommu_policy) \
	f(rte_eal_iommu_map_dpdk_memory) \
	f(rte_eal_iommu_unmap_dpdk_memory) \
	f(rte_eal_iommu_dma_map) \
	f(rte_eal_iommu_dma_unmap) \
	f(rte_eal_iommu_virt2iova) \
	f(rte_eal_iommu_check) \
	f(rte_eal_iommu_failures) \
	f(rte_eal_iommu_stats_get) \
	f(rte_eal_iommu_maps) \
	f(rte_eal_iommu_mapped_bytes) \
	f(rte_eal_iommu_pci_attach) \
	f(rte_eal_iommu_pci_detach) \
	f(rte_eal_iommu_dump) \
	f(rte_eal_iommu_lookup_slow) \
	f(rte_eal_iommu_xlate_flush)

#endif /* CHECK_HEADERS_H */
