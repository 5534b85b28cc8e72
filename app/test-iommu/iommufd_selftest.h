/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_SELFTEST_H
#define IOMMUFD_SELFTEST_H

/*
 * The kernel's iommufd test interface (CONFIG_IOMMUFD_TEST): mock domains,
 * reserved ranges and simulated device DMA through an access object.
 * Each call returns 0 or a negative errno.
 */

#include <stddef.h>
#include <stdint.h>

/* 1 when the running kernel has IOMMU_TEST_CMD, else 0. */
int selftest_available(int fd);

/* Attach a mock device + domain to ioas_id; *stdev_id detaches it. */
int selftest_mock_domain(int fd, uint32_t ioas_id, uint32_t *stdev_id);

/* Destroy an iommufd object (IOMMU_DESTROY), e.g. a mock device. */
int selftest_destroy(int fd, uint32_t id);

/* Reserve [start, start + len) in ioas_id, as a device's reserved region would. */
int selftest_add_reserved(int fd, uint32_t ioas_id, uint64_t start,
		uint64_t len);

/* Create an access object on ioas_id; *access_fd is closed to destroy it. */
int selftest_access_create(int fd, uint32_t ioas_id, int *access_fd);

/* Simulated device DMA: copy len bytes between buf and the IOVA. */
int selftest_dma_write(int fd, int access_fd, uint64_t iova, const void *buf,
		size_t len);
int selftest_dma_read(int fd, int access_fd, uint64_t iova, void *buf,
		size_t len);

#endif /* IOMMUFD_SELFTEST_H */
