/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include <rte_log.h>
#include <rte_memory.h>

#include "test_util.h"

static int
collect(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct test_segments *list = arg;

	if (msl->external)
		return 0;
	if (list->count == RTE_DIM(list->segs))
		return -1;
	list->segs[list->count++] = (struct rte_eal_iommu_map){
		.va = ms->addr_64, .iova = ms->iova, .len = ms->len,
		.owner = RTE_EAL_IOMMU_OWNER_DPDK,
	};
	return 0;
}

int
test_collect_segments(struct test_segments *list)
{
	list->count = 0;
	return rte_memseg_walk(collect, list);
}

static int
first_list(const struct rte_memseg_list *msl, void *arg)
{
	uint64_t *w = arg;

	if (msl->external || msl->base_va == NULL)
		return 0;
	w[0] = (uintptr_t)msl->base_va;
	w[1] = msl->len;
	return 1;
}

int
test_first_list_window(uint64_t *base, uint64_t *len)
{
	uint64_t w[2] = { 0, 0 };

	if (rte_memseg_list_walk(first_list, w) != 1)
		return -1;
	*base = w[0];
	*len = w[1];
	return 0;
}

int
test_get_maps(struct rte_eal_iommu_map **maps)
{
	int n = rte_eal_iommu_maps(NULL, 0);

	if (n < 0)
		return n;
	*maps = calloc(n + 1, sizeof(**maps));
	if (*maps == NULL)
		return -ENOMEM;
	return rte_eal_iommu_maps(*maps, n);
}

int
test_kernel_unmap_all(int fd, uint32_t ioas_id, uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = 0,
		.length = UINT64_MAX,
	};

	if (ioctl(fd, IOMMU_IOAS_UNMAP, &cmd) < 0)
		return -errno;
	*unmapped = cmd.length;
	return 0;
}

int
test_capture_log(int (*fn)(void), char **log)
{
	size_t size = 0;
	FILE *f;
	int ret;

	*log = NULL;
	f = open_memstream(log, &size);
	if (f == NULL)
		return -errno;
	rte_openlog_stream(f);
	ret = fn();
	rte_openlog_stream(NULL);
	fclose(f);
	/* Show what was captured, so the test output still has it. */
	fputs(*log, stderr);
	return ret;
}
