/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include "iommu_fault.h"
#include "iommufd_ioctl.h"

/* struct iova_range is read straight from the kernel. */
_Static_assert(sizeof(struct iova_range) == sizeof(struct iommu_iova_range),
	"iova_range layout");
_Static_assert(offsetof(struct iova_range, last) ==
	offsetof(struct iommu_iova_range, last), "iova_range layout");

static int
iommufd_call(int fd, unsigned long request, void *arg)
{
	return iommu_fault_ioctl(fd, request, arg) == 0 ? 0 : -errno;
}

int
iommufd_ioas_alloc(int fd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int ret;

	ret = iommufd_call(fd, IOMMU_IOAS_ALLOC, &cmd);
	if (ret == 0)
		*ioas_id = cmd.out_ioas_id;
	return ret;
}

int
iommufd_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return iommufd_call(fd, IOMMU_DESTROY, &cmd);
}

/*
 * At most this many valid IOVA ranges are read (and this many EMSGSIZE
 * retries made): an IOAS has a handful (the aperture's ends, the MSI
 * window, RMRRs), far fewer than this.
 */
#define IOVA_RANGES_MAX 4096
#define IOVA_RANGES_TRIES 4

int
iommufd_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iova_ranges *set)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
	};
	struct iova_range *buf = NULL;
	unsigned int capacity = 8, tries;
	int ret = -EMSGSIZE;

	/* The count can change between calls: retry, a bounded number of times. */
	for (tries = 0; tries < IOVA_RANGES_TRIES && ret == -EMSGSIZE; tries++) {
		struct iova_range *grown;

		if (capacity == 0 || capacity > IOVA_RANGES_MAX) {
			ret = -E2BIG;
			break;
		}
		grown = iommu_fault_realloc(buf, sizeof(*buf) * capacity);
		if (grown == NULL) {
			ret = -ENOMEM;
			break;
		}
		buf = grown;
		cmd.num_iovas = capacity;
		cmd.allowed_iovas = (uintptr_t)buf;
		ret = iommufd_call(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
		if (ret == -EMSGSIZE)
			capacity = cmd.num_iovas;
	}
	/* Zero ranges is an answer (an empty set: nothing can be mapped). */
	if (ret == 0 && cmd.num_iovas > capacity)
		ret = -EPROTO;
	if (ret != 0) {
		free(buf);
		return ret == -EMSGSIZE ? -EAGAIN : ret;
	}
	free(set->ranges);
	set->ranges = buf;
	set->count = cmd.num_iovas;
	set->alignment = cmd.out_iova_alignment;
	return 0;
}

/* IOMMU_IOAS_MAP, readable and writable; *iova in and (not FIXED) out. */
static int
ioas_map(int fd, uint32_t ioas_id, uint64_t va, uint64_t len, uint32_t flags,
		uint64_t *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.user_va = va,
		.length = len,
		.iova = *iova,
	};
	int ret;

	ret = iommufd_call(fd, IOMMU_IOAS_MAP, &cmd);
	if (ret == 0)
		*iova = cmd.iova;
	return ret;
}

int
iommufd_ioas_map_fixed(int fd, uint32_t ioas_id, uint64_t va, uint64_t iova,
		uint64_t len)
{
	return ioas_map(fd, ioas_id, va, len, IOMMU_IOAS_MAP_FIXED_IOVA, &iova);
}

int
iommufd_ioas_map_any(int fd, uint32_t ioas_id, uint64_t va, uint64_t len,
		uint64_t *iova)
{
	*iova = 0;
	return ioas_map(fd, ioas_id, va, len, 0, iova);
}

int
iommufd_ioas_allow_iovas(int fd, uint32_t ioas_id,
		const struct iova_range *ranges, unsigned int count)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = count,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return iommufd_call(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

int
iommufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};
	int ret;

	ret = iommufd_call(fd, IOMMU_IOAS_UNMAP, &cmd);
	if (ret == 0 && unmapped != NULL)
		*unmapped = cmd.length;
	return ret;
}
