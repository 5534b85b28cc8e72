/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * An application using the public headers from C, built by meson.build
 * without ALLOW_EXPERIMENTAL_API (CHECK_HEADERS_STABLE) and with it. The
 * checks below prove each build got the defines it is named for.
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

#include <stddef.h>
#include <stdint.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

/*
 * Without ALLOW_EXPERIMENTAL_API each use of the experimental API below
 * warns, as it should: silence these uses only. A warning inside the
 * headers' inline functions is still an error, the pragma does not cover
 * their lines.
 */
#ifdef CHECK_HEADERS_STABLE
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

uint64_t check_lookup(const void *va, size_t len);

/* Every inline function, so that it is compiled into this program. */
uint64_t
check_lookup(const void *va, size_t len)
{
	uint64_t iova = rte_eal_iommu_lookup(va);

	if (iova == RTE_BAD_IOVA)
		return rte_eal_iommu_lookup_len(va, len);
	return iova;
}

/* Every function declared, so that the link proves each is exported. */
void (*const check_functions[])(void) = {
	(void (*)(void))rte_eal_iommu_open,
	(void (*)(void))rte_eal_iommu_close,
	(void (*)(void))rte_eal_iommu_is_open,
	(void (*)(void))rte_eal_iommu_fd,
	(void (*)(void))rte_eal_iommu_ioas_id,
	(void (*)(void))rte_eal_iommu_ranges_refresh,
	(void (*)(void))rte_eal_iommu_ranges,
	(void (*)(void))rte_eal_iommu_policy_name,
	(void (*)(void))rte_eal_iommu_policy_parse,
	(void (*)(void))rte_eal_iommu_set_policy,
	(void (*)(void))rte_eal_iommu_policy,
	(void (*)(void))rte_eal_iommu_map_dpdk_memory,
	(void (*)(void))rte_eal_iommu_unmap_dpdk_memory,
	(void (*)(void))rte_eal_iommu_dma_map,
	(void (*)(void))rte_eal_iommu_dma_unmap,
	(void (*)(void))rte_eal_iommu_virt2iova,
	(void (*)(void))rte_eal_iommu_check,
	(void (*)(void))rte_eal_iommu_failures,
	(void (*)(void))rte_eal_iommu_stats_get,
	(void (*)(void))rte_eal_iommu_maps,
	(void (*)(void))rte_eal_iommu_mapped_bytes,
	(void (*)(void))rte_eal_iommu_pci_attach,
	(void (*)(void))rte_eal_iommu_pci_detach,
	(void (*)(void))rte_eal_iommu_dump,
	(void (*)(void))rte_eal_iommu_lookup_slow,
	(void (*)(void))rte_eal_iommu_xlate_flush,
};

#ifdef CHECK_HEADERS_STABLE
#pragma GCC diagnostic pop
#endif

/* Built and linked, never run. */
int
main(void)
{
	return 0;
}
