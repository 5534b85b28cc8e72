/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <inttypes.h>
#include <stdio.h>

#include "iova_ranges.h"

int
iova_ranges_contain(const struct iova_ranges *set, uint64_t iova,
		uint64_t len)
{
	uint64_t last;
	unsigned int i;

	if (len == 0 || iova + (len - 1) < iova)
		return 0;
	if (set->alignment > 1 && (iova % set->alignment) != 0)
		return 0;
	last = iova + (len - 1);
	for (i = 0; i < set->count; i++)
		if (iova >= set->ranges[i].start && last <= set->ranges[i].last)
			return 1;
	return 0;
}

char *
iova_ranges_format(const struct iova_ranges *set, char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (set->count == 0) {
		snprintf(buf, size, "(none)");
		return buf;
	}
	for (i = 0; i < set->count && used < size; i++) {
		n = snprintf(buf + used, size - used, "%s[0x%" PRIx64 ", 0x%" PRIx64 "]",
			i ? ", " : "", set->ranges[i].start, set->ranges[i].last);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}
