/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_MAP_TABLE_H
#define IOMMU_MAP_TABLE_H

/*
 * The control-plane record of every area mapped in the IOAS: one entry per
 * IOMMU_IOAS_MAP call, sorted by VA, VA ranges never overlap. Allocated with
 * libc so it can be used from memory event callbacks. Not thread safe: the
 * caller serialises access.
 */

#include <stdint.h>

#include "rte_eal_iommu.h"

/* One IOAS area (the library's record, not the public rte_eal_iommu_map). */
struct iommu_map {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
	enum rte_eal_iommu_owner owner;
	unsigned int refs; /* holders of a shared mapping (iommu_map_share_locked()) */
	int stale; /* its memory was freed but the kernel refused the unmap: retried */
};

struct iommu_map_table {
	struct iommu_map *maps;
	unsigned int count;
	unsigned int capacity;
};

/* Insert a mapping; -EEXIST if its VA range overlaps one, -ENOMEM. */
int map_table_insert(struct iommu_map_table *t,
		const struct iommu_map *m);

/* Remove the mapping that starts at va with length len; -ENOENT if none. */
int map_table_remove(struct iommu_map_table *t, uint64_t va, uint64_t len);

/*
 * Remove, in one pass, the entries of maps[from, to) marked dead (len 0:
 * a live entry never has it); returns how many. Until then a dead entry
 * must not be looked up.
 */
unsigned int map_table_remove_dead(struct iommu_map_table *t, unsigned int from,
		unsigned int to);

/* The lowest mapping overlapping [va, va + len), or NULL. */
const struct iommu_map *map_table_first_overlap(
		const struct iommu_map_table *t, uint64_t va, uint64_t len);

/* The mapping containing va, or NULL. */
const struct iommu_map *map_table_find(const struct iommu_map_table *t,
		uint64_t va);

void map_table_free(struct iommu_map_table *t);

#endif /* IOMMU_MAP_TABLE_H */
