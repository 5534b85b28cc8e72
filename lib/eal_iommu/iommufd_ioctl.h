/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_IOCTL_H
#define IOMMUFD_IOCTL_H

/*
 * Thin wrappers over the iommufd ioctls. Each returns 0 or a negative errno
 * and logs nothing: callers know the context worth reporting.
 */

#include <stdint.h>

#include "iova_ranges.h"

int iommufd_ioas_alloc(int fd, uint32_t *ioas_id);

int iommufd_destroy(int fd, uint32_t id);

/*
 * Read the IOAS's valid ranges into set, growing set->ranges (malloc'd,
 * owned by set) as the kernel asks, at most a few times and to a bounded
 * count. 0 (possibly an empty set), -EAGAIN (the count kept changing),
 * -E2BIG (an absurd count), -ENOMEM, or the kernel's -errno; on failure
 * set is unchanged.
 */
int iommufd_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iova_ranges *set);

/* Map [va, va + len) at exactly iova, readable and writable. */
int iommufd_ioas_map_fixed(int fd, uint32_t ioas_id, uint64_t va,
		uint64_t iova, uint64_t len);

/* Map [va, va + len) at an IOVA the kernel chooses; *iova gets it. */
int iommufd_ioas_map_any(int fd, uint32_t ioas_id, uint64_t va, uint64_t len,
		uint64_t *iova);

/* Replace the allowed IOVA ranges (an empty list allows every valid IOVA). */
int iommufd_ioas_allow_iovas(int fd, uint32_t ioas_id,
		const struct iova_range *ranges, unsigned int count);

/* Unmap the areas covering [iova, iova + len); *unmapped gets the bytes. */
int iommufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		uint64_t *unmapped);

#endif /* IOMMUFD_IOCTL_H */
