/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * An application using the public headers from C, built by meson.build
 * without ALLOW_EXPERIMENTAL_API (CHECK_HEADERS_STABLE) and with it; the
 * checks in check_headers.h prove each build got the defines it is named
 * for.
 */

#include <stddef.h>
#include <stdint.h>

#include "check_headers.h"

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
	const void *burst[1] = { va };
	uint64_t iova = rte_eal_iommu_lookup(va);

	if (iova == RTE_BAD_IOVA)
		return rte_eal_iommu_lookup_len(va, len);
	if (rte_eal_iommu_lookup_bulk(burst, &iova, 1) == 0)
		return RTE_BAD_IOVA;
	return iova;
}

/* Every function declared, so that the link proves each is exported. */
#define CHECK_FN(name) ((void (*)(void))name)
void (*const check_functions[])(void) = {
#include "check_headers_functions.h"
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
