/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The map layer (iommu_map.h): the kernel's areas, the table that records
 * them, the counters and the allowed IOVAs, kept in step.
 *
 * Invariants, with the IOAS lock held:
 * - an entry is in the table exactly when the kernel holds that area, and
 *   the fast-path table translates exactly the table's VA ranges;
 * - outside a batch, the allowed IOVAs are every mapping's IOVA range plus
 *   the reserved spans (protect_dirty is 0);
 * - mapped_bytes is the sum of the table's lengths;
 * - a stale entry (memory DPDK freed, the kernel refused the unmap) has no
 *   translation, and nstale counts them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memory.h>

#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_xlate.h"
#include "iommufd_ioctl.h"

static struct iommu_map_table table;
static struct iova_range *reserved;
static unsigned int nreserved;
static unsigned int batch_depth;
static int protect_dirty;
static unsigned int nstale;
static struct rte_eal_iommu_stats counters;

/* Allow exactly the IOVAs in use; lock held. */
static int
allow_iovas_in_use(void)
{
	struct iova_range *v = NULL;
	int n, ret;

	n = iommu_map_used_iovas_locked(&v);
	ret = n < 0 ? n : iommufd_ioas_allow_iovas(iommu_ioas_fd(), iommu_ioas_id(), v, n);
	if (ret < 0)
		IOMMU_LOG(ERR, "cannot protect %d IOVA range(s) of IOAS %u: %s; device attach may reserve IOVAs in use",
			RTE_MAX(n, 0), iommu_ioas_id(), strerror(-ret));
	free(v);
	return ret;
}

static int
protection_changed(void)
{
	protect_dirty = 1;
	if (batch_depth > 0)
		return 0;
	protect_dirty = 0;
	return allow_iovas_in_use();
}

void
iommu_map_batch_begin_locked(void)
{
	iommu_ioas_assert_locked();
	batch_depth++;
	iommu_xlate_batch_begin_locked();
}

int
iommu_map_batch_end_locked(void)
{
	iommu_ioas_assert_locked();
	RTE_ASSERT(batch_depth > 0);
	iommu_xlate_batch_end_locked();
	if (--batch_depth > 0 || !protect_dirty)
		return 0;
	protect_dirty = 0;
	return allow_iovas_in_use();
}

int
iommu_map_used_iovas_locked(struct iova_range **out)
{
	unsigned int i, n = 0;
	struct iova_range *v;

	iommu_ioas_assert_locked();
	v = iommu_fault_malloc(sizeof(*v) * (table.count + nreserved + 1));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < table.count; i++)
		v[n++] = (struct iova_range){ table.maps[i].iova,
			table.maps[i].iova + table.maps[i].len - 1 };
	for (i = 0; i < nreserved; i++)
		v[n++] = reserved[i];
	*out = v;
	return (int)iova_intervals_merge(v, n);
}

int
iommu_map_reserve_locked(const struct iova_range *spans, unsigned int n)
{
	iommu_ioas_assert_locked();
	if (iova_range_array_replace(&reserved, &nreserved, spans, n) < 0)
		return -ENOMEM;
	return protection_changed();
}

/* Record a new kernel area in the table and the fast-path table. */
static int
record(uint64_t va, uint64_t len, uint64_t iova, enum rte_eal_iommu_owner owner)
{
	struct iommu_map m = {
		.va = va, .iova = iova, .len = len, .owner = owner, .refs = 1,
	};
	int ret;

	ret = map_table_insert(&table, &m);
	if (ret < 0)
		return ret;
	ret = iommu_xlate_insert_locked(va, iova, len);
	if (ret < 0) {
		map_table_remove(&table, va, len);
		return ret;
	}
	counters.maps++;
	counters.mapped_bytes += len;
	return 0;
}

static int
check_new(uint64_t va, uint64_t len)
{
	if (len == 0 || va + len < va)
		return -EINVAL;
	if (map_table_first_overlap(&table, va, len) != NULL)
		return -EEXIST;
	return 0;
}

static int
refused(int ret)
{
	counters.map_failures++;
	return ret;
}

int
iommu_map_fixed_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner)
{
	int ret;

	iommu_ioas_assert_locked();
	ret = check_new(va, len);
	if (ret == 0 && (iova == RTE_BAD_IOVA ||
			 !iova_ranges_contain(iommu_ioas_ranges_locked(), iova, len)))
		ret = -ERANGE;
	if (ret == 0)
		ret = iommufd_ioas_map_fixed(iommu_ioas_fd(), iommu_ioas_id(), va,
			iova, len);
	if (ret < 0)
		return refused(ret);
	ret = record(va, len, iova, owner);
	if (ret < 0) {
		iommufd_ioas_unmap(iommu_ioas_fd(), iommu_ioas_id(), iova, len, NULL);
		return refused(ret);
	}
	protection_changed();
	return 0;
}

int
iommu_map_share_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner)
{
	struct iommu_map *m;

	iommu_ioas_assert_locked();
	m = (struct iommu_map *)(uintptr_t)map_table_find(&table, va);
	if (m == NULL || m->va != va || m->len != len || m->iova != iova ||
	    m->owner != owner || m->stale)
		return iommu_map_fixed_locked(va, len, iova, owner);
	m->refs++;
	return 0;
}

int
iommu_map_any_locked(uint64_t va, uint64_t len, enum rte_eal_iommu_owner owner,
		uint64_t *iova)
{
	uint64_t chosen = RTE_BAD_IOVA;
	int ret;

	iommu_ioas_assert_locked();
	ret = check_new(va, len);
	if (ret < 0)
		return refused(ret);
	/*
	 * The kernel allocates only inside the allowed IOVAs when any are set:
	 * lift them for the allocation; the protection below restores them,
	 * with the new area, before the lock is released.
	 */
	ret = iommufd_ioas_allow_iovas(iommu_ioas_fd(), iommu_ioas_id(), NULL, 0);
	if (ret == 0)
		ret = iommufd_ioas_map_any(iommu_ioas_fd(), iommu_ioas_id(), va,
			len, &chosen);
	if (ret == 0) {
		ret = record(va, len, chosen, owner);
		if (ret < 0)
			iommufd_ioas_unmap(iommu_ioas_fd(), iommu_ioas_id(), chosen,
				len, NULL);
	}
	protection_changed();
	if (ret < 0)
		return refused(ret);
	*iova = chosen;
	return 0;
}

/*
 * Unmapping takes two passes, so that many areas share one grace period:
 * the first withdraws each victim's translation and marks it (refs 0), the
 * second, after one iommu_xlate_sync_locked(), unmaps the victims in the
 * kernel.
 */
static void
withdraw(struct iommu_map *m)
{
	m->refs = 0;
	iommu_xlate_withdraw_locked(m->va, m->len);
}

/*
 * The second pass over table.maps[from, to): unmap each victim, then drop
 * the unmapped ones from the table at once. One the kernel keeps is
 * counted and translated again, or, when its memory is freed, made stale;
 * the first such error is returned, its area in *failed. Other entries
 * are left as they are.
 */
static int
unmap_victims(unsigned int from, unsigned int to, int freed, struct iommu_map *failed)
{
	unsigned int i = from, gone = 0;
	int ret = 0;

	iommu_xlate_sync_locked();
	while (i < to) {
		struct iommu_map *m = &table.maps[i];
		int err;

		if (m->refs != 0) {
			i++;
			continue;
		}
		err = iommufd_ioas_unmap(iommu_ioas_fd(), iommu_ioas_id(), m->iova,
			m->len, NULL);
		if (err < 0) {
			counters.unmap_failures++;
			m->refs = 1;
			if (freed || m->stale) {
				nstale += !m->stale;
				m->stale = 1;
			} else if (iommu_xlate_insert_locked(m->va, m->iova, m->len) < 0) {
				IOMMU_LOG(ERR, "VA 0x%" PRIx64 " is still mapped but no longer found by lookups",
					m->va);
			}
			if (ret == 0) {
				ret = err;
				if (failed != NULL)
					*failed = *m;
			}
			i++;
			continue;
		}
		counters.unmaps++;
		counters.mapped_bytes -= m->len;
		nstale -= m->stale;
		m->len = 0; /* dead: dropped below, in one pass */
		gone++;
		i++;
	}
	if (gone > 0) {
		map_table_remove_dead(&table, from, to);
		protection_changed();
	}
	return ret;
}

int
iommu_map_remove_locked(uint64_t va, uint64_t len)
{
	struct iommu_map *m;
	unsigned int i;

	iommu_ioas_assert_locked();
	m = (struct iommu_map *)(uintptr_t)map_table_find(&table, va);
	if (m == NULL || m->va != va || m->len != len || m->stale)
		return -ENOENT;
	if (m->refs > 1) {
		m->refs--;
		return 0;
	}
	/* No lookup may return the translation once the unmap returns. */
	withdraw(m);
	i = m - table.maps;
	return unmap_victims(i, i + 1, 0, NULL);
}

int
iommu_map_remove_freed_locked(uint64_t va, uint64_t len, struct iommu_map *cut)
{
	const struct iommu_map *first = map_table_first_overlap(&table, va, len);
	unsigned int i, from;
	int ret = 0, err;

	iommu_ioas_assert_locked();
	if (first == NULL)
		return 0;
	/* One hold dropped per mapping, in VA order (a shared one may stay). */
	from = first - table.maps;
	for (i = from; i < table.count && table.maps[i].va < va + len; i++) {
		struct iommu_map *m = &table.maps[i];

		/* Areas cannot be split. */
		if (m->va < va || m->va + m->len > va + len) {
			*cut = *m;
			ret = -EINVAL;
			break;
		}
		if (m->refs > 1)
			m->refs--;
		else
			withdraw(m);
	}
	err = unmap_victims(from, i, 1, ret == 0 ? cut : NULL);
	return ret < 0 ? ret : err;
}

unsigned int
iommu_map_retry_stale_locked(unsigned int *left)
{
	unsigned int i, before = nstale;

	iommu_ioas_assert_locked();
	if (nstale > 0) {
		for (i = 0; i < table.count; i++)
			if (table.maps[i].stale)
				table.maps[i].refs = 0; /* a victim; nothing to withdraw */
		unmap_victims(0, table.count, 1, NULL);
	}
	*left = nstale;
	return before - nstale;
}

int
iommu_map_remove_owner_locked(enum rte_eal_iommu_owner owner)
{
	uint64_t failures = counters.unmap_failures;
	struct iommu_map failed;
	unsigned int i;
	int ret;

	iommu_ioas_assert_locked();
	for (i = 0; i < table.count; i++)
		if (table.maps[i].owner == owner)
			withdraw(&table.maps[i]); /* every hold */
	ret = unmap_victims(0, table.count, 0, &failed);
	if (ret < 0)
		IOMMU_LOG(ERR, "cannot unmap %" PRIu64 " area(s) of IOAS %u, the first at IOVA 0x%" PRIx64 " length 0x%" PRIx64 ": %s",
			counters.unmap_failures - failures, iommu_ioas_id(),
			failed.iova, failed.len, strerror(-ret));
	return ret;
}

void
iommu_map_clear_locked(void)
{
	int ret;

	iommu_ioas_assert_locked();
	iommu_xlate_clear_locked(); /* lookups stop before the kernel unmaps */
	if (table.count > 0) {
		ret = iommufd_ioas_unmap(iommu_ioas_fd(), iommu_ioas_id(), 0,
				UINT64_MAX, NULL);
		if (ret < 0)
			IOMMU_LOG(ERR, "cannot unmap IOAS %u: %s",
				iommu_ioas_id(), strerror(-ret));
	}
	map_table_free(&table);
	free(reserved);
	reserved = NULL;
	nreserved = 0;
	batch_depth = 0;
	protect_dirty = 0;
	nstale = 0;
	memset(&counters, 0, sizeof(counters));
}

int
iommu_map_find_locked(uint64_t va, struct iommu_map *m)
{
	const struct iommu_map *found;

	iommu_ioas_assert_locked();
	found = map_table_find(&table, va);
	if (found == NULL || found->stale)
		return -ENOENT;
	*m = *found;
	return 0;
}

int
iommu_map_covers_locked(uint64_t va, uint64_t len)
{
	const struct iommu_map *m;

	iommu_ioas_assert_locked();
	m = map_table_find(&table, va);
	return m != NULL && !m->stale && m->va + m->len >= va + len;
}

unsigned int
iommu_map_foreach_run_locked(void (*fn)(const struct iommu_map_run *run,
		void *arg), void *arg)
{
	unsigned int i = 0;

	iommu_ioas_assert_locked();
	while (i < table.count) {
		struct iommu_map_run run = { .map = table.maps[i], .areas = 1 };
		const struct iommu_map *next;

		for (i++; i < table.count; i++, run.areas++) {
			next = &table.maps[i];
			if (next->owner != run.map.owner ||
			    next->va != run.map.va + run.map.len ||
			    next->iova != run.map.iova + run.map.len)
				break;
			run.map.len += next->len;
		}
		fn(&run, arg);
	}
	return table.count;
}

unsigned int
iommu_map_count_locked(void)
{
	iommu_ioas_assert_locked();
	return table.count;
}

void
iommu_map_stats_locked(struct rte_eal_iommu_stats *stats)
{
	iommu_ioas_assert_locked();
	stats->maps = counters.maps;
	stats->unmaps = counters.unmaps;
	stats->map_failures = counters.map_failures;
	stats->unmap_failures = counters.unmap_failures;
	stats->mapped_bytes = counters.mapped_bytes;
}

int
rte_eal_iommu_maps(struct rte_eal_iommu_map *maps, unsigned int max)
{
	unsigned int i, n;

	iommu_ioas_lock();
	n = table.count;
	for (i = 0; i < n && i < max; i++)
		maps[i] = (struct rte_eal_iommu_map){
			.va = table.maps[i].va, .iova = table.maps[i].iova,
			.len = table.maps[i].len, .owner = table.maps[i].owner,
		};
	iommu_ioas_unlock();
	return (int)n;
}
