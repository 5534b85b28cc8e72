/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Is all DPDK memory DMA-able? Failures, counters and the check. */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "eal_iommu_private.h"

struct unmapped_count {
	unsigned int count;
	int log;
};

static int
check_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct unmapped_count *u = arg;
	const struct rte_eal_iommu_map *m;

	if (msl->external)
		return 0;
	m = map_table_find(&eal_iommu.maps, ms->addr_64);
	if (m == NULL || m->va + m->len < ms->addr_64 + ms->len) {
		if (u->log && u->count < 8)
			IOMMU_LOG(ERR, "DPDK memory at VA %p length 0x%zx is not mapped in IOAS %u",
				ms->addr, ms->len, eal_iommu.ioas_id);
		u->count++;
	}
	return 0;
}

unsigned int
iommu_unmapped_segments_locked(int log)
{
	struct unmapped_count u = { .count = 0, .log = log };

	rte_memseg_walk_thread_unsafe(check_segment, &u);
	return u.count;
}

int
rte_eal_iommu_check(void)
{
	unsigned int i, unmapped = 0;
	int ret = 0;

	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	if (eal_iommu.secondary) {
		IOMMU_LOG(ERR, "a secondary process cannot check DMA-ability: ask the primary, which owns the mappings");
		ret = -ENOTSUP;
		goto out;
	}
	unmapped = iommu_unmapped_segments_locked(1);
	for (i = 0; i < eal_iommu.failures.count; i++) {
		const struct rte_eal_iommu_failure *f = &eal_iommu.failures.v[i];

		IOMMU_LOG(ERR, "%s memory at VA 0x%" PRIx64 " length 0x%" PRIx64 " is not DMA-able: %s",
			f->owner == RTE_EAL_IOMMU_OWNER_DPDK ? "DPDK" : "external",
			f->va, f->len, iommu_map_error_hint(f->err));
	}
	if (unmapped > 0 || eal_iommu.failures.count > 0)
		ret = -EFAULT;
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_mcfg_mem_read_unlock();
	return ret < 0 ? iommu_fail(ret) : 0;
}

int
rte_eal_iommu_failures(struct rte_eal_iommu_failure *f, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&eal_iommu.lock);
	n = eal_iommu.failures.count;
	if (max > 0 && n > 0)
		memcpy(f, eal_iommu.failures.v, sizeof(*f) * RTE_MIN(n, max));
	pthread_mutex_unlock(&eal_iommu.lock);
	return (int)n;
}

int
rte_eal_iommu_stats_get(struct rte_eal_iommu_stats *stats)
{
	pthread_mutex_lock(&eal_iommu.lock);
	*stats = eal_iommu.stats;
	pthread_mutex_unlock(&eal_iommu.lock);
	return 0;
}
