/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu_window.h"

/* Fragmentation can place a list's pages past its backable size. */
#define WINDOW_HEADROOM 2

static uint64_t
round_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) / align * align;
}

static uint64_t
window_len(const struct window_request *r, uint64_t factor)
{
	uint64_t len = r->need * factor;

	if (len < r->min_len)
		len = r->min_len;
	len = round_up(len, r->page_sz);
	return len < r->va_len ? len : r->va_len;
}

int
window_plan(const struct iova_ranges *valid, const struct iova_range *used,
		unsigned int nused, const struct window_request *req,
		unsigned int n, struct iommu_window *out, unsigned int *failed)
{
	struct iova_range *taken;
	unsigned int i, ntaken = nused;
	int ret = 0;

	taken = malloc(sizeof(*taken) * (nused + n + 1));
	if (taken == NULL)
		return -ENOMEM;
	if (nused > 0)
		memcpy(taken, used, sizeof(*taken) * nused);
	ntaken = iova_intervals_merge(taken, ntaken);
	for (i = 0; i < n; i++) {
		const struct window_request *r = &req[i];
		uint64_t len = window_len(r, WINDOW_HEADROOM), iova = 0;

		out[i] = (struct iommu_window){
			.va_base = r->va_base, .page_sz = r->page_sz,
		};
		if (len == 0)
			continue;
		ret = iova_find_free(valid, taken, ntaken, len, r->page_sz,
			r->page_sz, &iova);
		if (ret == -ENOSPC) {
			len = window_len(r, 1);
			ret = iova_find_free(valid, taken, ntaken, len,
				r->page_sz, r->page_sz, &iova);
		}
		if (ret < 0) {
			*failed = i;
			break;
		}
		out[i].len = len;
		out[i].iova_base = iova;
		taken[ntaken++] = (struct iova_range){ iova, iova + len - 1 };
		ntaken = iova_intervals_merge(taken, ntaken);
	}
	free(taken);
	return ret;
}
