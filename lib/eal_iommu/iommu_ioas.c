/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The IOAS's identity, its valid ranges, its lock; the getters. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "rte_eal_iommu.h"
#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommufd_ioctl.h"

RTE_LOG_REGISTER_DEFAULT(eal_iommu_logtype, INFO);

/* Only this file reaches the fields (devtools/check-owners.py). */
struct iommu_ioas {
	pthread_mutex_t lock;
	int holder; /* thread id holding lock, 0 if none (for assertions) */
	int fd; /* iommufd, -1 when closed */
	int secondary; /* the IOAS is the primary process's */
	pid_t owner; /* the process that opened it; its forked children never change it */
	uint32_t ioas_id;
	struct iova_ranges kernel_ranges; /* as the kernel reported them last */
	/* IOVAs devices about to attach will reserve (predicted): not valid yet. */
	struct iova_range *expected;
	unsigned int nexpected;
	struct iova_ranges ranges; /* valid: kernel_ranges minus expected */
};

static struct iommu_ioas iommu_ioas = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
};

int
iommu_ioas_fd(void)
{
	return __atomic_load_n(&iommu_ioas.fd, __ATOMIC_RELAXED);
}

uint32_t
iommu_ioas_id(void)
{
	return __atomic_load_n(&iommu_ioas.ioas_id, __ATOMIC_RELAXED);
}

int
iommu_ioas_is_secondary(void)
{
	return __atomic_load_n(&iommu_ioas.secondary, __ATOMIC_RELAXED);
}

void
iommu_ioas_set_open_locked(int fd, uint32_t ioas_id, int secondary)
{
	iommu_ioas_assert_locked();
	__atomic_store_n(&iommu_ioas.secondary, secondary, __ATOMIC_RELAXED);
	__atomic_store_n(&iommu_ioas.ioas_id, ioas_id, __ATOMIC_RELAXED);
	__atomic_store_n(&iommu_ioas.fd, fd, __ATOMIC_RELAXED);
	iommu_ioas.owner = getpid();
}

pid_t
iommu_ioas_owner_locked(void)
{
	iommu_ioas_assert_locked();
	return iommu_ioas.owner;
}

const struct iova_ranges *
iommu_ioas_ranges_locked(void)
{
	iommu_ioas_assert_locked();
	return &iommu_ioas.ranges;
}

const struct iova_ranges *
iommu_ioas_kernel_ranges_locked(void)
{
	iommu_ioas_assert_locked();
	return &iommu_ioas.kernel_ranges;
}

void
iommu_ioas_lock(void)
{
	pthread_mutex_lock(&iommu_ioas.lock);
	__atomic_store_n(&iommu_ioas.holder, rte_gettid(), __ATOMIC_RELAXED);
}

void
iommu_ioas_unlock(void)
{
	iommu_ioas_assert_locked();
	__atomic_store_n(&iommu_ioas.holder, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&iommu_ioas.lock);
}

int
iommu_ioas_lock_held(void)
{
	return __atomic_load_n(&iommu_ioas.holder, __ATOMIC_RELAXED) == rte_gettid();
}

int
iommu_ioas_is_open_locked(void)
{
	iommu_ioas_assert_locked();
	return iommu_ioas.fd >= 0;
}

int
iommu_ioas_forked_locked(void)
{
	iommu_ioas_assert_locked();
	return iommu_ioas.fd >= 0 && iommu_ioas.owner != getpid();
}

int
iommu_ioas_require_primary_locked(const char *what)
{
	iommu_ioas_assert_locked();
	if (iommu_ioas_forked_locked()) {
		IOMMU_LOG(ERR, "%s: this process is a fork of process %d, whose IOAS %u it shares: a forked child never changes it",
			what, (int)iommu_ioas.owner, iommu_ioas.ioas_id);
		return -EPERM;
	}
	if (!iommu_ioas.secondary)
		return 0;
	IOMMU_LOG(ERR, "%s: only the primary process may change the IOAS", what);
	return -EPERM;
}

/* ranges = kernel_ranges minus the expected reservations; -ENOMEM leaves them. */
static int
apply_expected(void)
{
	const struct iova_ranges *k = &iommu_ioas.kernel_ranges;
	struct iova_ranges set = { NULL, k->count, k->alignment };
	unsigned int i;
	int ret = 0;

	set.ranges = iommu_fault_malloc(sizeof(*set.ranges) * (k->count + 1));
	if (set.ranges == NULL) {
		IOMMU_LOG(ERR, "cannot update the valid IOVA ranges of IOAS %u: out of memory; they stay as they were",
			iommu_ioas.ioas_id);
		return -ENOMEM;
	}
	memcpy(set.ranges, k->ranges, sizeof(*set.ranges) * k->count);
	for (i = 0; i < iommu_ioas.nexpected && ret == 0; i++)
		ret = iova_ranges_reserve(&set, iommu_ioas.expected[i].start,
			iommu_ioas.expected[i].last);
	if (ret < 0) {
		free(set.ranges);
		return ret;
	}
	free(iommu_ioas.ranges.ranges);
	iommu_ioas.ranges = set;
	return 0;
}

int
iommu_ioas_expect_locked(const struct iova_range *v, unsigned int n)
{
	iommu_ioas_assert_locked();
	if (iova_range_array_replace(&iommu_ioas.expected, &iommu_ioas.nexpected,
			v, n) < 0)
		return -ENOMEM;
	return apply_expected();
}

int
iommu_ioas_ranges_refresh_locked(void)
{
	char buf[512];
	int ret;

	iommu_ioas_assert_locked();
	ret = iommufd_ioas_iova_ranges(iommu_ioas.fd, iommu_ioas.ioas_id,
			&iommu_ioas.kernel_ranges);
	if (ret == 0)
		ret = apply_expected();
	if (ret < 0) {
		IOMMU_LOG(ERR, "cannot read the valid IOVA ranges of IOAS %u: %s",
			iommu_ioas.ioas_id, strerror(-ret));
		return ret;
	}
	if (iommu_ioas.ranges.count == 0)
		IOMMU_LOG(WARNING, "IOAS %u has no valid IOVA range: nothing can be mapped (the attached devices reserve every IOVA)",
			iommu_ioas.ioas_id);
	IOMMU_LOG(DEBUG, "IOAS %u valid IOVA ranges: %s (alignment 0x%" PRIx64 ")",
		iommu_ioas.ioas_id,
		iova_ranges_format(&iommu_ioas.ranges, buf, sizeof(buf)),
		iommu_ioas.ranges.alignment);
	return 0;
}

void
iommu_ioas_reset_locked(void)
{
	iommu_ioas_assert_locked();
	__atomic_store_n(&iommu_ioas.fd, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&iommu_ioas.secondary, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&iommu_ioas.ioas_id, 0, __ATOMIC_RELAXED);
	free(iommu_ioas.ranges.ranges);
	memset(&iommu_ioas.ranges, 0, sizeof(iommu_ioas.ranges));
	free(iommu_ioas.kernel_ranges.ranges);
	memset(&iommu_ioas.kernel_ranges, 0, sizeof(iommu_ioas.kernel_ranges));
	free(iommu_ioas.expected);
	iommu_ioas.expected = NULL;
	iommu_ioas.nexpected = 0;
}

int
rte_eal_iommu_is_open(void)
{
	int open;

	iommu_ioas_lock();
	open = iommu_ioas_is_open_locked();
	iommu_ioas_unlock();
	return open;
}

int
rte_eal_iommu_fd(void)
{
	int fd;

	iommu_ioas_lock();
	fd = iommu_ioas.fd;
	iommu_ioas_unlock();
	return fd >= 0 ? fd : iommu_set_rte_errno(-ENODEV);
}

uint32_t
rte_eal_iommu_ioas_id(void)
{
	uint32_t id;

	iommu_ioas_lock();
	id = iommu_ioas.ioas_id;
	iommu_ioas_unlock();
	return id;
}

int
rte_eal_iommu_ranges_refresh(void)
{
	int ret = -ENODEV;

	iommu_ioas_lock();
	if (iommu_ioas_is_open_locked())
		ret = iommu_ioas_ranges_refresh_locked();
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
rte_eal_iommu_ranges(struct rte_eal_iommu_range *ranges, unsigned int max,
		uint64_t *alignment)
{
	unsigned int i;
	int ret;

	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		ret = -ENODEV;
		goto out;
	}
	for (i = 0; i < iommu_ioas.ranges.count && i < max; i++) {
		ranges[i].start = iommu_ioas.ranges.ranges[i].start;
		ranges[i].last = iommu_ioas.ranges.ranges[i].last;
	}
	if (alignment != NULL)
		*alignment = iommu_ioas.ranges.alignment;
	ret = (int)iommu_ioas.ranges.count;
out:
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : ret;
}
