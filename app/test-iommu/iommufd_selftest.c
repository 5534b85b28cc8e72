/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <sys/ioctl.h>

#include <iommufd/iommufd_test.h>

#include "iommufd_selftest.h"

static int
test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(fd, IOMMU_TEST_CMD, cmd) == 0 ? 0 : -errno;
}

int
selftest_available(int fd)
{
	/* An unknown op on a test kernel is EOPNOTSUPP; without it, ENOTTY. */
	struct iommu_test_cmd cmd = { .op = 0xffff };

	return test_cmd(fd, &cmd) != -ENOTTY;
}

int
selftest_mock_domain(int fd, uint32_t ioas_id, uint32_t *stdev_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ioas_id,
	};
	int ret = test_cmd(fd, &cmd);

	if (ret == 0)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	return ret;
}

int
selftest_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd) == 0 ? 0 : -errno;
}

int
selftest_add_reserved(int fd, uint32_t ioas_id, uint64_t start, uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = ioas_id,
		.add_reserved = { .start = start, .length = len },
	};

	return test_cmd(fd, &cmd);
}

int
selftest_access_create(int fd, uint32_t ioas_id, int *access_fd)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas_id,
	};
	int ret = test_cmd(fd, &cmd);

	if (ret == 0)
		*access_fd = (int)cmd.create_access.out_access_fd;
	return ret;
}

static int
access_rw(int fd, int access_fd, uint64_t iova, void *buf, size_t len,
		uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access_fd,
		.access_rw = {
			.iova = iova,
			.length = len,
			.uptr = (uintptr_t)buf,
			.flags = flags,
		},
	};

	return test_cmd(fd, &cmd);
}

int
selftest_dma_write(int fd, int access_fd, uint64_t iova, const void *buf,
		size_t len)
{
	return access_rw(fd, access_fd, iova, (void *)(uintptr_t)buf, len,
		MOCK_ACCESS_RW_WRITE);
}

int
selftest_dma_read(int fd, int access_fd, uint64_t iova, void *buf, size_t len)
{
	return access_rw(fd, access_fd, iova, buf, len, 0);
}
