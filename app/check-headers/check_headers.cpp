/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * An application using the public headers from C++, built by meson.build
 * without ALLOW_EXPERIMENTAL_API (CHECK_HEADERS_STABLE) and with it. The
 * checks below prove each build got the defines it is named for. Linking
 * the functions proves the headers declare them extern "C".
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

#include <cstddef>
#include <cstdint>

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

uint64_t check_lookup(const void *va, std::size_t len);
using check_fn = void (*)();
extern const check_fn check_functions[];

/* Every inline function, so that it is compiled into this program. */
uint64_t
check_lookup(const void *va, std::size_t len)
{
	uint64_t iova = rte_eal_iommu_lookup(va);

	if (iova == RTE_BAD_IOVA)
		return rte_eal_iommu_lookup_len(va, len);
	return iova;
}

/* Every function declared, so that the link proves each is exported. */
const check_fn check_functions[] = {
	reinterpret_cast<check_fn>(rte_eal_iommu_open),
	reinterpret_cast<check_fn>(rte_eal_iommu_close),
	reinterpret_cast<check_fn>(rte_eal_iommu_is_open),
	reinterpret_cast<check_fn>(rte_eal_iommu_fd),
	reinterpret_cast<check_fn>(rte_eal_iommu_ioas_id),
	reinterpret_cast<check_fn>(rte_eal_iommu_ranges_refresh),
	reinterpret_cast<check_fn>(rte_eal_iommu_ranges),
	reinterpret_cast<check_fn>(rte_eal_iommu_policy_name),
	reinterpret_cast<check_fn>(rte_eal_iommu_policy_parse),
	reinterpret_cast<check_fn>(rte_eal_iommu_set_policy),
	reinterpret_cast<check_fn>(rte_eal_iommu_policy),
	reinterpret_cast<check_fn>(rte_eal_iommu_map_dpdk_memory),
	reinterpret_cast<check_fn>(rte_eal_iommu_unmap_dpdk_memory),
	reinterpret_cast<check_fn>(rte_eal_iommu_dma_map),
	reinterpret_cast<check_fn>(rte_eal_iommu_dma_unmap),
	reinterpret_cast<check_fn>(rte_eal_iommu_virt2iova),
	reinterpret_cast<check_fn>(rte_eal_iommu_check),
	reinterpret_cast<check_fn>(rte_eal_iommu_failures),
	reinterpret_cast<check_fn>(rte_eal_iommu_stats_get),
	reinterpret_cast<check_fn>(rte_eal_iommu_maps),
	reinterpret_cast<check_fn>(rte_eal_iommu_mapped_bytes),
	reinterpret_cast<check_fn>(rte_eal_iommu_pci_attach),
	reinterpret_cast<check_fn>(rte_eal_iommu_pci_detach),
	reinterpret_cast<check_fn>(rte_eal_iommu_dump),
	reinterpret_cast<check_fn>(rte_eal_iommu_lookup_slow),
	reinterpret_cast<check_fn>(rte_eal_iommu_xlate_flush),
};

#ifdef CHECK_HEADERS_STABLE
#pragma GCC diagnostic pop
#endif

/* Built and linked, never run. */
int
main()
{
	return 0;
}
