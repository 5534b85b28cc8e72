/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
iova_ranges_reserve(struct iova_ranges *set, uint64_t start, uint64_t last)
{
	struct iova_range *v;
	unsigned int i, n = 0;

	/* Each range loses its overlap and may split in two: at most one more. */
	v = malloc(sizeof(*v) * (set->count + 1));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < set->count; i++) {
		struct iova_range r = set->ranges[i];

		if (r.last < start || r.start > last) {
			v[n++] = r;
			continue;
		}
		if (r.start < start)
			v[n++] = (struct iova_range){ r.start, start - 1 };
		if (r.last > last)
			v[n++] = (struct iova_range){ last + 1, r.last };
	}
	free(set->ranges);
	set->ranges = v;
	set->count = n;
	return 0;
}

int
iova_range_array_replace(struct iova_range **dst, unsigned int *ndst,
		const struct iova_range *v, unsigned int n)
{
	struct iova_range *copy = NULL;

	if (n > 0) {
		copy = malloc(sizeof(*v) * n);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, v, sizeof(*v) * n);
	}
	free(*dst);
	*dst = copy;
	*ndst = n;
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

static int
cmp_start(const void *a, const void *b)
{
	const struct iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

unsigned int
iova_intervals_merge(struct iova_range *v, unsigned int n)
{
	unsigned int i, out = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_start);
	for (i = 1; i < n; i++) {
		/* Adjacent when v[out].last + 1 == start (no overflow at max). */
		if (v[i].start <= v[out].last ||
		    (v[out].last != UINT64_MAX && v[i].start == v[out].last + 1)) {
			if (v[i].last > v[out].last)
				v[out].last = v[i].last;
		} else {
			v[++out] = v[i];
		}
	}
	return out + 1;
}

/* Round x up to align; 0 on overflow (0 is never a usable candidate). */
static uint64_t
align_up(uint64_t x, uint64_t align)
{
	uint64_t r = (x + align - 1) & ~(align - 1);

	return r < x ? 0 : r;
}

int
iova_find_free(const struct iova_ranges *valid, const struct iova_range *used,
		unsigned int nused, uint64_t size, uint64_t align, uint64_t min_iova,
		uint64_t *iova)
{
	unsigned int r, u = 0;

	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return -EINVAL;
	if (min_iova == 0)
		min_iova = 1; /* IOVA 0 is never handed out */
	for (r = 0; r < valid->count; r++) {
		uint64_t start = valid->ranges[r].start, last = valid->ranges[r].last;
		uint64_t cand = align_up(start > min_iova ? start : min_iova, align);

		while (cand != 0 && cand <= last && last - cand >= size - 1) {
			uint64_t cand_last = cand + size - 1;

			/* Skip used ranges that end before the candidate. */
			while (u < nused && used[u].last < cand)
				u++;
			if (u == nused || used[u].start > cand_last) {
				*iova = cand;
				return 0;
			}
			/* Collides: restart just past the used range. */
			if (used[u].last == UINT64_MAX)
				return -ENOSPC;
			cand = align_up(used[u].last + 1, align);
		}
	}
	return -ENOSPC;
}
