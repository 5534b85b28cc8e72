/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_map_table.h"

/* Index of the first mapping whose VA range ends above va. */
static unsigned int
lower_bound(const struct iommu_map_table *t, uint64_t va)
{
	unsigned int lo = 0, hi = t->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct iommu_map *m = &t->maps[mid];

		if (m->va + m->len <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct iommu_map *
map_table_first_overlap(const struct iommu_map_table *t, uint64_t va,
		uint64_t len)
{
	unsigned int pos = lower_bound(t, va);

	if (pos < t->count && t->maps[pos].va < va + len)
		return &t->maps[pos];
	return NULL;
}

int
map_table_insert(struct iommu_map_table *t, const struct iommu_map *m)
{
	unsigned int pos;

	if (m->len == 0 || m->va + m->len < m->va)
		return -EINVAL;
	pos = lower_bound(t, m->va);
	if (pos < t->count && t->maps[pos].va < m->va + m->len)
		return -EEXIST;
	if (t->count == t->capacity) {
		unsigned int cap = t->capacity ? t->capacity * 2 : 64;
		struct iommu_map *maps;

		maps = realloc(t->maps, sizeof(*maps) * cap);
		if (maps == NULL)
			return -ENOMEM;
		t->maps = maps;
		t->capacity = cap;
	}
	memmove(&t->maps[pos + 1], &t->maps[pos],
		sizeof(*t->maps) * (t->count - pos));
	t->maps[pos] = *m;
	t->count++;
	return 0;
}

int
map_table_remove(struct iommu_map_table *t, uint64_t va, uint64_t len)
{
	unsigned int pos = lower_bound(t, va);

	if (pos == t->count || t->maps[pos].va != va || t->maps[pos].len != len)
		return -ENOENT;
	memmove(&t->maps[pos], &t->maps[pos + 1],
		sizeof(*t->maps) * (t->count - pos - 1));
	t->count--;
	return 0;
}

unsigned int
map_table_remove_dead(struct iommu_map_table *t, unsigned int from, unsigned int to)
{
	unsigned int i, w = from;

	for (i = from; i < to; i++)
		if (t->maps[i].len != 0)
			t->maps[w++] = t->maps[i];
	memmove(&t->maps[w], &t->maps[to], sizeof(*t->maps) * (t->count - to));
	t->count -= to - w;
	return to - w;
}

const struct iommu_map *
map_table_find(const struct iommu_map_table *t, uint64_t va)
{
	unsigned int pos = lower_bound(t, va);

	if (pos < t->count && t->maps[pos].va <= va)
		return &t->maps[pos];
	return NULL;
}

void
map_table_free(struct iommu_map_table *t)
{
	free(t->maps);
	memset(t, 0, sizeof(*t));
}
