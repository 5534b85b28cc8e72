/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef CHECK_HEADERS_H
#define CHECK_HEADERS_H

/*
 * What check_headers.c and check_headers.cpp share: proof that each build
 * got the defines it is named for (CHECK_HEADERS_STABLE: without
 * ALLOW_EXPERIMENTAL_API) and the public headers. The one list of every
 * function they declare is check_headers_functions.h.
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

#endif /* CHECK_HEADERS_H */
