/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_WINDOW_H
#define IOMMU_WINDOW_H

/*
 * Planning the window policy: one IOVA window per DPDK memory segment list,
 * iova = iova_base + (va - va_base). Windows are sized by what can back the
 * list (not its whole VA span, which would not fit narrow apertures), with
 * room for fragmentation when it fits, aligned to the page size so huge
 * IOMMU pages stay possible, and placed first-fit from the bottom of the
 * valid ranges, around IOVAs already in use. Pure logic.
 */

#include <stdint.h>

#include "iova_ranges.h"

/*
 * The IOVA span a DPDK memory segment list owns: for va its VA window
 * (iova_base == va_base), for window its IOVA window.
 */
struct iommu_window {
	uint64_t va_base; /* the list's base VA */
	uint64_t len; /* bytes of the list covered, from va_base */
	uint64_t iova_base;
	uint64_t page_sz;
};

struct window_request {
	uint64_t va_base;
	uint64_t va_len; /* the list's whole VA span */
	uint64_t page_sz;
	uint64_t need; /* bytes of memory that may back this list */
	uint64_t min_len; /* bytes from va_base already holding segments */
};

/*
 * Plan a window for each request (a zero-length window when a list needs
 * none). used[0..nused) are IOVAs already taken (any order). Returns 0, or
 * -ENOSPC naming in *failed the request that did not fit, or -ENOMEM.
 */
int window_plan(const struct iova_ranges *valid, const struct iova_range *used,
		unsigned int nused, const struct window_request *req,
		unsigned int n, struct iommu_window *out, unsigned int *failed);

#endif /* IOMMU_WINDOW_H */
