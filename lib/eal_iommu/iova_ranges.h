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

/*
 * Take [start, last] out of the set, as a device attach reserves it,
 * splitting a range when needed. set->ranges must be malloc'd (it may be
 * reallocated). 0, or -ENOMEM leaving the set as it was.
 */
int iova_ranges_reserve(struct iova_ranges *set, uint64_t start, uint64_t last);

/*
 * Replace the malloc'd array *dst (of *ndst ranges) with a copy of
 * v[0..n); 0, or -ENOMEM leaving *dst as it was.
 */
int iova_range_array_replace(struct iova_range **dst, unsigned int *ndst,
		const struct iova_range *v, unsigned int n);

/* Format the set as "[0x..., 0x...], ..." into buf; returns buf. */
char *iova_ranges_format(const struct iova_ranges *set, char *buf,
		size_t size);

/*
 * Sort v[0..n) by start and merge overlapping or adjacent ranges in place.
 * Returns the new count.
 */
unsigned int iova_intervals_merge(struct iova_range *v, unsigned int n);

/*
 * Find the lowest non-zero IOVA >= min_iova, aligned to align (a power of two), such
 * that [iova, iova + size) lies inside one valid range and overlaps none of
 * used[0..nused) (sorted and merged). Returns 0 and sets *iova, or -ENOSPC.
 */
int iova_find_free(const struct iova_ranges *valid, const struct iova_range *used,
		unsigned int nused, uint64_t size, uint64_t align, uint64_t min_iova,
		uint64_t *iova);

#endif /* IOVA_RANGES_H */
