/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOVA_RANGES_H
#define IOVA_RANGES_H

/*
 * A set of valid IOVA ranges as reported by IOMMU_IOAS_IOVA_RANGES:
 * inclusive [start, last] pairs, sorted, non-overlapping, plus the
 * alignment every IOVA must have. Pure logic, no kernel access.
 */

#include <stddef.h>
#include <stdint.h>

struct iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

struct iova_ranges {
	struct iova_range *ranges;
	unsigned int count;
	uint64_t alignment;
};

/* True when [iova, iova + len) lies inside one range and is aligned. */
int iova_ranges_contain(const struct iova_ranges *set, uint64_t iova,
		uint64_t len);

/* Format the set as "[0x..., 0x...], ..." into buf; returns buf. */
char *iova_ranges_format(const struct iova_ranges *set, char *buf,
		size_t size);

#endif /* IOVA_RANGES_H */
