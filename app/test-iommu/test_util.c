/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memory.h>

#include "iommufd_selftest.h"
#include "test.h"
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
test_map_listed(const struct rte_eal_iommu_map *maps, int n,
		const struct rte_eal_iommu_map *m)
{
	int i;

	for (i = 0; i < n; i++)
		if (maps[i].va == m->va && maps[i].len == m->len)
			return 1;
	return 0;
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

int test_map_errno;

int
test_map_dpdk_memory(void)
{
	int ret = rte_eal_iommu_map_dpdk_memory();

	test_map_errno = rte_errno;
	return ret;
}

int
test_check_ioas_empty(int fd, uint32_t ioas_id)
{
	uint64_t unmapped = UINT64_MAX;

	TEST_ASSERT(rte_eal_iommu_maps(NULL, 0) == 0, "mappings recorded");
	TEST_ASSERT(rte_eal_iommu_mapped_bytes() == 0, "mapped bytes recorded");
	TEST_ASSERT(test_kernel_unmap_all(fd, ioas_id, &unmapped) == 0 && unmapped == 0,
		"the kernel still had %" PRIu64 " bytes mapped", unmapped);
	return TEST_SUCCESS;
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

int
test_check_dma(int fd, int access_fd, uint64_t va, uint64_t iova,
		uint64_t pattern)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)va;
	uint64_t saved = *p, seen, got = 0;
	int wr, rd;

	wr = selftest_dma_write(fd, access_fd, iova, &pattern, sizeof(pattern));
	seen = *p;
	*p = ~pattern;
	rd = selftest_dma_read(fd, access_fd, iova, &got, sizeof(got));
	*p = saved;
	TEST_ASSERT(wr == 0, "DMA write at IOVA 0x%" PRIx64 ": %s", iova,
		strerror(-wr));
	TEST_ASSERT(seen == pattern,
		"DMA write at IOVA 0x%" PRIx64 " not seen at VA 0x%" PRIx64
		" (0x%" PRIx64 " != 0x%" PRIx64 ")", iova, va, seen, pattern);
	TEST_ASSERT(rd == 0, "DMA read at IOVA 0x%" PRIx64 ": %s", iova,
		strerror(-rd));
	TEST_ASSERT(got == ~pattern,
		"DMA read at IOVA 0x%" PRIx64 " got 0x%" PRIx64 ", CPU wrote 0x%"
		PRIx64 " at VA 0x%" PRIx64, iova, got, ~pattern, va);
	return TEST_SUCCESS;
}

int
test_check_dma_range(int fd, int access_fd, uint64_t va, uint64_t iova,
		uint64_t len, uint64_t tag)
{
	const uint64_t offsets[] = { 0, (len / 2) & ~UINT64_C(7), len - 8 };
	unsigned int k;

	for (k = 0; k < RTE_DIM(offsets); k++)
		if (test_check_dma(fd, access_fd, va + offsets[k],
				iova + offsets[k], tag ^ offsets[k]) < 0)
			return TEST_FAILED;
	return TEST_SUCCESS;
}

int
test_attach_from_env(void)
{
	return rte_eal_iommu_pci_attach(getenv("IOMMU_TEST_ATTACH"));
}

int
test_fail_nth(unsigned int n)
{
	char path[64], val[16];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		(long)syscall(SYS_gettid));
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	snprintf(val, sizeof(val), "%u", n);
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

double
test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
test_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

unsigned int
test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

void
test_ioas_state_get(struct test_ioas_state *s)
{
	uint64_t align;

	s->fds = test_count_fds();
	s->nranges = rte_eal_iommu_ranges(s->ranges, TEST_MAX_RANGES, &align);
	s->nmaps = test_get_maps(&s->maps);
	s->check = rte_eal_iommu_check();
	s->failures = rte_eal_iommu_failures(NULL, 0);
}

void
test_ioas_state_free(struct test_ioas_state *s)
{
	free(s->maps);
	s->maps = NULL;
}

/* 0 when b equals a, else print the first difference. */
int
test_ioas_state_differs(const struct test_ioas_state *a, const struct test_ioas_state *b)
{
	if (a->fds != b->fds)
		printf("  fds: %u before, %u after\n", a->fds, b->fds);
	else if (a->nranges != b->nranges || a->nranges < 0 ||
		 memcmp(a->ranges, b->ranges, sizeof(a->ranges[0]) * a->nranges) != 0)
		printf("  valid IOVA ranges differ (%d before, %d after)\n", a->nranges,
			b->nranges);
	else if (a->nmaps != b->nmaps || a->nmaps < 0 ||
		 memcmp(a->maps, b->maps, sizeof(a->maps[0]) * a->nmaps) != 0)
		printf("  mappings differ (%d before, %d after)\n", a->nmaps, b->nmaps);
	else if (a->check != b->check || a->failures != b->failures)
		printf("  rte_eal_iommu_check() %d -> %d, failures %d -> %d\n", a->check,
			b->check, a->failures, b->failures);
	else
		return 0;
	return 1;
}

struct rte_device *
test_ioas_device(void)
{
	struct rte_dev_iterator it;
	struct rte_device *dev, *found = NULL;

	RTE_DEV_FOREACH(dev, "bus=iommufd", &it)
		found = dev;
	return found;
}

/* A free IOVA span of len in the valid ranges, above every mapping there. */
int
test_free_iova_span(uint64_t len, uint64_t *base)
{
	struct rte_eal_iommu_range r[TEST_MAX_RANGES];
	struct rte_eal_iommu_map *maps = NULL;
	uint64_t align, top = 0, start;
	int n, nmaps, i, j;

	n = rte_eal_iommu_ranges(r, TEST_MAX_RANGES, &align);
	nmaps = test_get_maps(&maps);
	for (i = 0; i < n && i < TEST_MAX_RANGES; i++) {
		top = r[i].start;
		for (j = 0; j < nmaps; j++)
			if (maps[j].iova <= r[i].last && maps[j].iova + maps[j].len > top)
				top = maps[j].iova + maps[j].len;
		start = RTE_ALIGN_CEIL(top, UINT64_C(2) << 20);
		if (start >= top && start + len - 1 <= r[i].last && start + len > start) {
			*base = start;
			free(maps);
			return 0;
		}
	}
	free(maps);
	return -1;
}
