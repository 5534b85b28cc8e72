/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdint.h>

#include <rte_dev.h>

#include <rte_eal_iommu.h>

/* DPDK memory segments (not external), as DPDK sees them. */
struct test_segments {
	struct rte_eal_iommu_map segs[16384]; /* --no-huge -m 64: 4 KiB pages */
	unsigned int count;
};

/* Collect every internal memory segment; -1 if there are too many. */
int test_collect_segments(struct test_segments *list);

/* VA window [*base, *base + *len) of the first internal memory segment list. */
int test_first_list_window(uint64_t *base, uint64_t *len);

/* The library's mappings, copied into a malloc'd array; count or -errno. */
int test_get_maps(struct rte_eal_iommu_map **maps);

/* Is m's area (its va and len) one of maps[0..n)? */
int test_map_listed(const struct rte_eal_iommu_map *maps, int n,
		const struct rte_eal_iommu_map *m);

/* rte_eal_iommu_map_dpdk_memory(), keeping its rte_errno in test_map_errno. */
int test_map_dpdk_memory(void);
extern int test_map_errno;

/* TEST_SUCCESS when neither the library nor the kernel maps anything. */
int test_check_ioas_empty(int fd, uint32_t ioas_id);

/* Ask the kernel to unmap everything in the IOAS; the unmapped byte count. */
int test_kernel_unmap_all(int fd, uint32_t ioas_id, uint64_t *unmapped);

/*
 * Simulated device DMA (CONFIG_IOMMUFD_TEST): write a pattern at iova and
 * see it at va; CPU-write another and read it back. The 8 bytes at va are
 * restored. TEST_SUCCESS or TEST_FAILED (printing why).
 */
int test_check_dma(int fd, int access_fd, uint64_t va, uint64_t iova,
		uint64_t pattern);

/* DMA-check the first, a middle and the last 8 bytes of [va, va + len). */
int test_check_dma_range(int fd, int access_fd, uint64_t va, uint64_t iova,
		uint64_t len, uint64_t tag);

/* Make the nth kernel fault-injection point this thread reaches fail (0: off). */
int test_fail_nth(unsigned int n);

/* rte_eal_iommu_pci_attach($IOMMU_TEST_ATTACH), for test_capture_log(). */
int test_attach_from_env(void);

/* Benchmarks: a monotonic clock in ms, and the median of v[0..n) (sorts v). */
double test_now_ms(void);
double test_median(double *v, int n);

/* What a failed operation must leave as it was (see test_fault_sweep.c). */
#define TEST_MAX_RANGES 16
struct test_ioas_state {
	unsigned int fds;
	int nranges;
	struct rte_eal_iommu_range ranges[TEST_MAX_RANGES];
	int nmaps;
	struct rte_eal_iommu_map *maps;
	int check;
	int failures;
};

/* The open fds, the valid ranges, the mappings, check and failures. */
void test_ioas_state_get(struct test_ioas_state *s);
void test_ioas_state_free(struct test_ioas_state *s);
/* 0 when b equals a, else print the first difference and return 1. */
int test_ioas_state_differs(const struct test_ioas_state *a, const struct test_ioas_state *b);
/* The iommufd bus's ioas device (rte_dev_dma_map() on it), or NULL. */
struct rte_device *test_ioas_device(void);

/* A free IOVA span of len in the valid ranges, above every mapping; 0 or -1. */
int test_free_iova_span(uint64_t len, uint64_t *base);

/* Entries in /proc/self/fd. */
unsigned int test_count_fds(void);

/* Run fn with DPDK logs captured into a malloc'd string (*log). */
int test_capture_log(int (*fn)(void), char **log);

#endif /* TEST_UTIL_H */
