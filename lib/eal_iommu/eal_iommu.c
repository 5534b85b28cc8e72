/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal_memconfig.h>

#include "rte_eal_iommu.h"
#include "eal_iommu_private.h"
#include "iommu_xlate.h"
#include "iommufd_ioctl.h"

#define IOMMUFD_PATH "/dev/iommu"

RTE_LOG_REGISTER_DEFAULT(eal_iommu_logtype, INFO);

struct eal_iommu eal_iommu = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
	.devices = TAILQ_HEAD_INITIALIZER(eal_iommu.devices),
};

static int
open_iommufd(void)
{
	int fd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		IOMMU_LOG(ERR, "no %s: the kernel needs CONFIG_IOMMUFD (try 'modprobe iommufd')",
			IOMMUFD_PATH);
		return -ENODEV;
	case EACCES:
	case EPERM:
		IOMMU_LOG(ERR, "cannot open %s: %s; run as root or give this user read-write access to it",
			IOMMUFD_PATH, strerror(errno));
		return -EACCES;
	default:
		IOMMU_LOG(ERR, "cannot open %s: %s", IOMMUFD_PATH, strerror(errno));
		return -errno;
	}
}

int
iommu_primary_only_locked(const char *what)
{
	if (!eal_iommu.secondary)
		return 0;
	IOMMU_LOG(ERR, "%s: only the primary process may change the IOAS", what);
	return -EPERM;
}

int
eal_iommu_ranges_refresh_locked(void)
{
	char buf[512];
	int ret;

	ret = iommufd_ioas_iova_ranges(eal_iommu.fd, eal_iommu.ioas_id,
			&eal_iommu.ranges);
	if (ret < 0) {
		IOMMU_LOG(ERR, "cannot read the valid IOVA ranges of IOAS %u: %s",
			eal_iommu.ioas_id, strerror(-ret));
		return ret;
	}
	IOMMU_LOG(DEBUG, "IOAS %u valid IOVA ranges: %s (alignment 0x%" PRIx64 ")",
		eal_iommu.ioas_id,
		iova_ranges_format(&eal_iommu.ranges, buf, sizeof(buf)),
		eal_iommu.ranges.alignment);
	return 0;
}

int
rte_eal_iommu_open(void)
{
	uint32_t ioas_id;
	int fd, ret;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd >= 0) {
		ret = -EEXIST;
		goto out;
	}
	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		ret = iommu_mp_secondary_open();
		if (ret == 0)
			ret = eal_iommu_ranges_refresh_locked();
		if (ret == 0)
			ret = iommu_dpdk_memory_follow_secondary_locked();
		if (ret == 0) {
			eal_iommu.secondary = 1;
			IOMMU_LOG(INFO, "secondary process: using the primary's IOAS %u (policy %s) on fd %d",
				eal_iommu.ioas_id, rte_eal_iommu_policy_name(eal_iommu.effective),
				eal_iommu.fd);
		} else if (eal_iommu.fd >= 0) {
			close(eal_iommu.fd);
			eal_iommu.fd = -1;
		}
		goto out;
	}
	fd = open_iommufd();
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	ret = iommufd_ioas_alloc(fd, &ioas_id);
	if (ret < 0) {
		IOMMU_LOG(ERR, "cannot allocate an IOAS: %s", strerror(-ret));
		close(fd);
		goto out;
	}
	eal_iommu.fd = fd;
	eal_iommu.ioas_id = ioas_id;
	memset(&eal_iommu.stats, 0, sizeof(eal_iommu.stats));
	ret = eal_iommu_ranges_refresh_locked();
	if (ret < 0) {
		iommufd_destroy(fd, ioas_id);
		close(fd);
		eal_iommu.fd = -1;
		eal_iommu.ioas_id = 0;
		goto out;
	}
	iommu_mp_primary_start();
	IOMMU_LOG(INFO, "IOAS %u allocated on iommufd fd %d", ioas_id, fd);
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

void
rte_eal_iommu_close(void)
{
	int ret;

	/* Memory events take the hotplug lock first: so do we. */
	rte_mcfg_mem_write_lock();
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0)
		goto out;
	if (eal_iommu.secondary) {
		iommu_dpdk_memory_unfollow_secondary_locked();
		iommu_xlate_clear_locked();
		close(eal_iommu.fd);
		eal_iommu.fd = -1;
		eal_iommu.secondary = 0;
		eal_iommu.dpdk_mapped = 0;
		goto reset;
	}
	iommu_mp_primary_stop();
	iommu_pci_detach_all_locked();
	iommu_dpdk_memory_unmap_locked();
	iommu_xlate_clear_locked(); /* lookups stop before the kernel unmaps */
	if (eal_iommu.maps.count > 0) {
		ret = iommufd_ioas_unmap(eal_iommu.fd, eal_iommu.ioas_id, 0,
				UINT64_MAX, NULL);
		if (ret < 0)
			IOMMU_LOG(ERR, "cannot unmap IOAS %u: %s",
				eal_iommu.ioas_id, strerror(-ret));
	}
	ret = iommufd_destroy(eal_iommu.fd, eal_iommu.ioas_id);
	if (ret < 0)
		IOMMU_LOG(ERR, "cannot destroy IOAS %u: %s", eal_iommu.ioas_id,
			strerror(-ret));
	close(eal_iommu.fd);
	IOMMU_LOG(INFO, "IOAS %u closed", eal_iommu.ioas_id);
	eal_iommu.fd = -1;
reset:
	eal_iommu.ioas_id = 0;
	map_table_free(&eal_iommu.maps);
	free(eal_iommu.failures.v);
	memset(&eal_iommu.failures, 0, sizeof(eal_iommu.failures));
	memset(&eal_iommu.stats, 0, sizeof(eal_iommu.stats));
	free(eal_iommu.ranges.ranges);
	memset(&eal_iommu.ranges, 0, sizeof(eal_iommu.ranges));
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_mcfg_mem_write_unlock();
}

int
rte_eal_iommu_is_open(void)
{
	int open;

	pthread_mutex_lock(&eal_iommu.lock);
	open = eal_iommu.fd >= 0;
	pthread_mutex_unlock(&eal_iommu.lock);
	return open;
}

int
rte_eal_iommu_fd(void)
{
	int fd;

	pthread_mutex_lock(&eal_iommu.lock);
	fd = eal_iommu.fd;
	pthread_mutex_unlock(&eal_iommu.lock);
	return fd >= 0 ? fd : iommu_fail(-ENODEV);
}

uint32_t
rte_eal_iommu_ioas_id(void)
{
	uint32_t id;

	pthread_mutex_lock(&eal_iommu.lock);
	id = eal_iommu.ioas_id;
	pthread_mutex_unlock(&eal_iommu.lock);
	return id;
}

int
rte_eal_iommu_ranges_refresh(void)
{
	int ret = -ENODEV;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd >= 0)
		ret = eal_iommu_ranges_refresh_locked();
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

int
rte_eal_iommu_ranges(struct rte_eal_iommu_range *ranges, unsigned int max,
		uint64_t *alignment)
{
	unsigned int i;
	int ret;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	for (i = 0; i < eal_iommu.ranges.count && i < max; i++) {
		ranges[i].start = eal_iommu.ranges.ranges[i].start;
		ranges[i].last = eal_iommu.ranges.ranges[i].last;
	}
	if (alignment != NULL)
		*alignment = eal_iommu.ranges.alignment;
	ret = (int)eal_iommu.ranges.count;
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : ret;
}

int
rte_eal_iommu_maps(struct rte_eal_iommu_map *maps, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&eal_iommu.lock);
	n = eal_iommu.maps.count;
	if (max > 0 && n > 0)
		memcpy(maps, eal_iommu.maps.maps, sizeof(*maps) * RTE_MIN(n, max));
	pthread_mutex_unlock(&eal_iommu.lock);
	return (int)n;
}

uint64_t
rte_eal_iommu_mapped_bytes(void)
{
	uint64_t bytes;

	pthread_mutex_lock(&eal_iommu.lock);
	bytes = eal_iommu.stats.mapped_bytes;
	pthread_mutex_unlock(&eal_iommu.lock);
	return bytes;
}
