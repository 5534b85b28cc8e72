/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "rte_eal_iommu.h"
#include "eal_iommu_private.h"
#include "iommufd_ioctl.h"

/* The DPDK memory segments to map, collected under the hotplug lock. */
struct segment_list {
	struct rte_eal_iommu_map *segs;
	unsigned int count;
	unsigned int capacity;
};

static int
collect_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct segment_list *list = arg;

	/* External memory carries caller-chosen IOVAs and is mapped apart. */
	if (msl->external)
		return 0;
	if (list->count == list->capacity) {
		unsigned int cap = list->capacity ? list->capacity * 2 : 256;
		struct rte_eal_iommu_map *segs;

		segs = realloc(list->segs, sizeof(*segs) * cap);
		if (segs == NULL)
			return -1;
		list->segs = segs;
		list->capacity = cap;
	}
	list->segs[list->count++] = (struct rte_eal_iommu_map){
		.va = ms->addr_64,
		.iova = ms->addr_64,
		.len = ms->len,
		.owner = RTE_EAL_IOMMU_OWNER_DPDK,
	};
	return 0;
}

/* -ERANGE, logging what to do, unless every segment fits the ranges. */
static int
check_segments_in_ranges(const struct segment_list *list)
{
	const struct rte_eal_iommu_map *first = NULL;
	unsigned int i, outside = 0;
	char ranges[512];

	for (i = 0; i < list->count; i++) {
		if (iova_ranges_contain(&eal_iommu.ranges, list->segs[i].iova,
				list->segs[i].len))
			continue;
		if (first == NULL)
			first = &list->segs[i];
		outside++;
	}
	if (outside == 0)
		return 0;
	IOMMU_LOG(ERR, "cannot map DPDK memory at IOVA = VA: %u of %u memory segments lie outside the valid IOVA ranges of IOAS %u; nothing was mapped",
		outside, list->count, eal_iommu.ioas_id);
	IOMMU_LOG(ERR, "  first: VA [0x%" PRIx64 ", 0x%" PRIx64 "]",
		first->va, first->va + first->len - 1);
	IOMMU_LOG(ERR, "  valid IOVA ranges: %s (alignment 0x%" PRIx64 ")",
		iova_ranges_format(&eal_iommu.ranges, ranges, sizeof(ranges)),
		eal_iommu.ranges.alignment);
	IOMMU_LOG(ERR, "  to fix: place DPDK memory inside a valid range with --base-virtaddr=<address>, or attach devices whose IOMMU aperture covers these VAs");
	return -ERANGE;
}

static const char *
map_error_hint(int err)
{
	switch (err) {
	case ENOMEM:
		return "out of memory, or pinned memory exceeds RLIMIT_MEMLOCK (raise 'ulimit -l')";
	case EINVAL:
		return "the IOVA is reserved or misaligned";
	case EEXIST:
		return "the IOVA is already mapped";
	case EFAULT:
		return "the VA is not mapped in this process";
	default:
		return strerror(err);
	}
}

/* Unmap and forget segs[0..n), newest first. */
static void
rollback(const struct rte_eal_iommu_map *segs, unsigned int n)
{
	while (n-- > 0) {
		int ret = iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id,
				segs[n].iova, segs[n].len, NULL);

		if (ret < 0)
			IOMMU_LOG(ERR, "cannot undo the mapping at IOVA 0x%" PRIx64 ": %s",
				segs[n].iova, strerror(-ret));
		map_table_remove(&eal_iommu.maps, segs[n].va, segs[n].len);
		eal_iommu.mapped_bytes -= segs[n].len;
	}
}

/* Map the segments not mapped yet; all or nothing. */
static int
map_segments(struct segment_list *list)
{
	unsigned int i, done = 0;
	int ret;

	/* Keep only the segments not mapped yet, in place. */
	for (i = 0; i < list->count; i++)
		if (map_table_find(&eal_iommu.maps, list->segs[i].va) == NULL)
			list->segs[done++] = list->segs[i];
	list->count = done;

	ret = check_segments_in_ranges(list);
	if (ret < 0)
		return ret;
	for (i = 0; i < list->count; i++) {
		const struct rte_eal_iommu_map *seg = &list->segs[i];

		ret = iommufd_ioas_map_fixed(eal_iommu.fd, eal_iommu.ioas_id,
				seg->va, seg->iova, seg->len);
		if (ret < 0) {
			IOMMU_LOG(ERR, "cannot map VA 0x%" PRIx64 " length 0x%" PRIx64 " at IOVA 0x%" PRIx64 " in IOAS %u: %s; nothing was mapped",
				seg->va, seg->len, seg->iova, eal_iommu.ioas_id,
				map_error_hint(-ret));
			break;
		}
		ret = map_table_insert(&eal_iommu.maps, seg);
		if (ret < 0) {
			IOMMU_LOG(ERR, "cannot record mapping of VA 0x%" PRIx64 ": %s",
				seg->va, strerror(-ret));
			iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id,
				seg->iova, seg->len, NULL);
			break;
		}
		eal_iommu.mapped_bytes += seg->len;
	}
	if (ret < 0) {
		rollback(list->segs, i);
		return ret;
	}
	return (int)list->count;
}

int
rte_eal_iommu_map_dpdk_memory(void)
{
	struct segment_list list = { 0 };
	int ret;

	if (rte_eal_iova_mode() != RTE_IOVA_VA) {
		IOMMU_LOG(ERR, "IOVA = VA mapping needs EAL IOVA mode 'va' but it is '%s': drop --iova-mode=pa",
			rte_eal_iova_mode() == RTE_IOVA_PA ? "pa" : "dc");
		return iommu_fail(-ENOTSUP);
	}
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	if (rte_memseg_walk_thread_unsafe(collect_segment, &list) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	ret = map_segments(&list);
	if (ret >= 0)
		IOMMU_LOG(INFO, "mapped %d DPDK memory segments at IOVA = VA in IOAS %u (%" PRIu64 " bytes mapped in all)",
			ret, eal_iommu.ioas_id, eal_iommu.mapped_bytes);
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_mcfg_mem_read_unlock();
	free(list.segs);
	return ret < 0 ? iommu_fail(ret) : 0;
}

int
rte_eal_iommu_unmap_dpdk_memory(void)
{
	unsigned int i = 0;
	int ret = 0;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	while (i < eal_iommu.maps.count) {
		struct rte_eal_iommu_map m = eal_iommu.maps.maps[i];
		int err;

		if (m.owner != RTE_EAL_IOMMU_OWNER_DPDK) {
			i++;
			continue;
		}
		err = iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id,
				m.iova, m.len, NULL);
		if (err < 0) {
			IOMMU_LOG(ERR, "cannot unmap IOVA 0x%" PRIx64 " length 0x%" PRIx64 ": %s",
				m.iova, m.len, strerror(-err));
			if (ret == 0)
				ret = err;
			i++;
			continue;
		}
		map_table_remove(&eal_iommu.maps, m.va, m.len);
		eal_iommu.mapped_bytes -= m.len;
	}
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}
