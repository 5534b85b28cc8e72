/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_FAULT_H
#define IOMMU_FAULT_H

/*
 * Fault points, for test builds only (-Dfault_injection=true): each system
 * call and allocation the library makes on its paths goes through one. As
 * the kernel's fail-nth, eal_iommu_test_fail_nth(N) makes the Nth point
 * the calling thread reaches fail (with ENOMEM for allocations and
 * ioctls, EMFILE for opens); in other builds the points are the plain
 * calls.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#ifdef RTE_EAL_IOMMU_FAULT_INJECTION
/* 1 when this point is the one to fail; counts down the thread's N. */
int iommu_fault(void);
#else
static inline int
iommu_fault(void)
{
	return 0;
}
#endif

static inline int
iommu_fault_ioctl(int fd, unsigned long request, void *arg)
{
	if (iommu_fault()) {
		errno = ENOMEM;
		return -1;
	}
	return ioctl(fd, request, arg);
}

static inline int
iommu_fault_open(const char *path, int flags)
{
	if (iommu_fault()) {
		errno = EMFILE;
		return -1;
	}
	return open(path, flags);
}

static inline void *
iommu_fault_malloc(size_t size)
{
	return iommu_fault() ? NULL : malloc(size);
}

static inline void *
iommu_fault_calloc(size_t n, size_t size)
{
	return iommu_fault() ? NULL : calloc(n, size);
}

static inline void *
iommu_fault_realloc(void *p, size_t size)
{
	return iommu_fault() ? NULL : realloc(p, size);
}

#endif /* IOMMU_FAULT_H */
