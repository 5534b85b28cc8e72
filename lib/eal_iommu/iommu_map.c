/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The one place that changes what the IOAS maps: every mapping goes through
 * iommu_map_locked() and iommu_unmap_locked(), which keep the kernel, the
 * table and the counters in step. Protection (ALLOW_IOVAS) is refreshed by
 * whoever holds the lock, once per batch, before releasing it: device
 * attaches, the only thing it guards against, take the same lock.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memory.h>

#include "eal_iommu_private.h"
#include "iommu_xlate.h"
#include "iommufd_ioctl.h"

const char *
iommu_map_error_hint(int err)
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
	case ENOSPC:
		return "no free IOVA range is large enough";
	case ERANGE:
		return "the IOVA is outside the valid IOVA ranges";
	default:
		return strerror(err);
	}
}

int
iommu_protect_locked(void)
{
	unsigned int n = 0, i, cap = eal_iommu.maps.count + eal_iommu.nwindows;
	struct iova_range *v;
	int ret;

	if (cap == 0)
		return iommufd_ioas_allow_iovas(eal_iommu.fd, eal_iommu.ioas_id,
			NULL, 0);
	v = malloc(sizeof(*v) * cap);
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < eal_iommu.maps.count; i++) {
		const struct rte_eal_iommu_map *m = &eal_iommu.maps.maps[i];

		v[n++] = (struct iova_range){ m->iova, m->iova + m->len - 1 };
	}
	for (i = 0; i < eal_iommu.nwindows; i++) {
		const struct iommu_window *w = &eal_iommu.windows[i];

		if (w->len > 0)
			v[n++] = (struct iova_range){ w->iova_base,
				w->iova_base + w->len - 1 };
	}
	n = iova_intervals_merge(v, n);
	ret = iommufd_ioas_allow_iovas(eal_iommu.fd, eal_iommu.ioas_id, v, n);
	if (ret < 0)
		IOMMU_LOG(ERR, "cannot protect %u IOVA range(s) of IOAS %u: %s; device attach may reserve IOVAs in use",
			n, eal_iommu.ioas_id, strerror(-ret));
	free(v);
	return ret;
}

/*
 * The kernel only allocates inside the allowed IOVAs when any are set:
 * lift the protection for the allocation, then protect the result too.
 */
static int
map_kernel_chosen(uint64_t va, uint64_t len, uint64_t *iova)
{
	int ret;

	ret = iommufd_ioas_allow_iovas(eal_iommu.fd, eal_iommu.ioas_id, NULL, 0);
	if (ret < 0)
		return ret;
	return iommufd_ioas_map_any(eal_iommu.fd, eal_iommu.ioas_id, va, len,
		iova);
}

int
iommu_map_locked(uint64_t va, uint64_t len, uint64_t iova,
		enum rte_eal_iommu_owner owner, uint64_t *out_iova)
{
	struct rte_eal_iommu_map m = { .va = va, .len = len, .owner = owner };
	int kernel_chosen = iova == RTE_BAD_IOVA;
	int ret;

	if (len == 0 || va + len < va)
		return -EINVAL;
	if (map_table_first_overlap(&eal_iommu.maps, va, len) != NULL)
		return -EEXIST;
	if (kernel_chosen) {
		ret = map_kernel_chosen(va, len, &iova);
	} else if (!iova_ranges_contain(&eal_iommu.ranges, iova, len)) {
		ret = -ERANGE;
	} else {
		ret = iommufd_ioas_map_fixed(eal_iommu.fd, eal_iommu.ioas_id, va,
			iova, len);
	}
	if (ret == 0) {
		m.iova = iova;
		ret = map_table_insert(&eal_iommu.maps, &m);
		if (ret == 0) {
			ret = iommu_xlate_insert_locked(va, iova, len);
			if (ret < 0)
				map_table_remove(&eal_iommu.maps, va, len);
		}
		if (ret < 0)
			iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id, iova,
				len, NULL);
	}
	if (kernel_chosen)
		iommu_protect_locked(); /* restore what was lifted, with the new area */
	if (ret < 0) {
		eal_iommu.stats.map_failures++;
		return ret;
	}
	eal_iommu.stats.maps++;
	eal_iommu.stats.mapped_bytes += len;
	if (out_iova != NULL)
		*out_iova = iova;
	return 0;
}

int
iommu_unmap_locked(uint64_t va, uint64_t len)
{
	const struct rte_eal_iommu_map *m = map_table_find(&eal_iommu.maps, va);
	uint64_t iova;
	int ret;

	if (m == NULL || m->va != va || m->len != len)
		return -ENOENT;
	iova = m->iova;
	/* No lookup may return the translation once the unmap returns. */
	iommu_xlate_remove_locked(va, len);
	ret = iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id, iova, len,
		NULL);
	if (ret < 0) {
		eal_iommu.stats.unmap_failures++;
		if (iommu_xlate_insert_locked(va, iova, len) < 0)
			IOMMU_LOG(ERR, "VA 0x%" PRIx64 " is still mapped but no longer found by lookups",
				va);
		return ret;
	}
	map_table_remove(&eal_iommu.maps, va, len);
	eal_iommu.stats.unmaps++;
	eal_iommu.stats.mapped_bytes -= len;
	return 0;
}

void
iommu_failure_record_locked(uint64_t va, uint64_t len, int err,
		enum rte_eal_iommu_owner owner)
{
	struct iommu_failure_list *l = &eal_iommu.failures;

	if (l->count == l->capacity) {
		unsigned int cap = l->capacity ? l->capacity * 2 : 16;
		struct rte_eal_iommu_failure *v = realloc(l->v, sizeof(*v) * cap);

		if (v == NULL) {
			/* The counters and the log still tell. */
			IOMMU_LOG(ERR, "cannot record the failure at VA 0x%" PRIx64,
				va);
			return;
		}
		l->v = v;
		l->capacity = cap;
	}
	l->v[l->count++] = (struct rte_eal_iommu_failure){
		.va = va, .len = len, .err = err, .owner = owner,
	};
	eal_iommu.stats.failed_bytes += len;
}

void
iommu_failure_forget_locked(uint64_t va, uint64_t len)
{
	struct iommu_failure_list *l = &eal_iommu.failures;
	unsigned int i = 0;

	while (i < l->count) {
		struct rte_eal_iommu_failure *f = &l->v[i];

		if (f->va >= va && f->va + f->len <= va + len) {
			eal_iommu.stats.failed_bytes -= f->len;
			*f = l->v[--l->count];
		} else {
			i++;
		}
	}
}
