/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Opening and closing the IOAS: only the order in which the modules come
 * up and go down. Each module cleans up its own state.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>

#include "rte_eal_iommu.h"
#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_mem.h"
#include "iommu_mp.h"
#include "iommu_vfio_cdev.h"
#include "iommu_vfio_group.h"
#include "iommu_policy.h"
#include "iommu_status.h"
#include "iommufd_ioctl.h"

#define IOMMUFD_PATH "/dev/iommu"

static int
open_iommufd(void)
{
	int fd = iommu_fault_open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);

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

/* Primary: a new IOAS on a new iommufd. */
static int
open_primary_locked(void)
{
	uint32_t ioas_id;
	int fd, ret;

	iommu_ioas_assert_locked();
	fd = open_iommufd();
	if (fd < 0)
		return fd;
	ret = iommufd_ioas_alloc(fd, &ioas_id);
	if (ret < 0) {
		IOMMU_LOG(ERR, "cannot allocate an IOAS: %s", strerror(-ret));
		close(fd);
		return ret;
	}
	iommu_ioas_set_open_locked(fd, ioas_id, 0);
	ret = iommu_ioas_ranges_refresh_locked();
	if (ret < 0) {
		iommufd_destroy(fd, ioas_id);
		close(fd);
		iommu_ioas_reset_locked();
		return ret;
	}
	IOMMU_LOG(INFO, "IOAS %u allocated on iommufd fd %d", ioas_id, fd);
	return 0;
}

/* Secondary: the primary's IOAS, over rte_mp. */
static int
open_secondary_locked(void)
{
	int ret;

	iommu_ioas_assert_locked();
	ret = iommu_mp_secondary_open_locked();
	if (ret == 0)
		ret = iommu_ioas_ranges_refresh_locked();
	if (ret < 0 && iommu_ioas_fd() >= 0) {
		close(iommu_ioas_fd());
		iommu_ioas_reset_locked();
	}
	return ret;
}

static void
close_secondary(void)
{
	iommu_mem_secondary_stop();
	iommu_ioas_lock();
	close(iommu_ioas_fd());
	iommu_policy_adopt_locked(RTE_EAL_IOMMU_POLICY_AUTO, 0);
	iommu_ioas_reset_locked();
	iommu_ioas_unlock();
}

int
rte_eal_iommu_open(void)
{
	int secondary = rte_eal_process_type() == RTE_PROC_SECONDARY;
	int ret, follow;

	iommu_ioas_lock();
	if (iommu_ioas_is_open_locked())
		ret = -EEXIST;
	else
		ret = secondary ? open_secondary_locked() : open_primary_locked();
	follow = ret == 0 && secondary && iommu_policy_applied_locked();
	iommu_ioas_unlock();
	if (ret < 0)
		return iommu_set_rte_errno(ret);
	if (!secondary) {
		iommu_mp_primary_start();
		return 0;
	}
	/* Memory event callbacks are registered without the IOAS lock. */
	ret = follow ? iommu_mem_secondary_start() : 0;
	if (ret < 0) {
		close_secondary();
		return iommu_set_rte_errno(ret);
	}
	IOMMU_LOG(INFO, "secondary process: using the primary's IOAS %u (policy %s) on fd %d",
		rte_eal_iommu_ioas_id(), rte_eal_iommu_policy_name(rte_eal_iommu_policy()),
		rte_eal_iommu_fd());
	return 0;
}

/*
 * A forked child of the process that opened the IOAS shares its iommufd:
 * the IOAS, its mappings and the devices on it are the parent's. The child
 * only closes its copy of the fd and stops following memory events; the
 * rest of its copy of the library's state goes with the process.
 */
static void
close_forked(void)
{
	uint32_t ioas_id;
	pid_t owner;

	iommu_mp_primary_stop();
	iommu_mem_secondary_stop();
	rte_mcfg_mem_write_lock();
	iommu_mem_events_stop();
	iommu_ioas_lock();
	ioas_id = iommu_ioas_id();
	owner = iommu_ioas_owner_locked();
	close(iommu_ioas_fd());
	iommu_ioas_reset_locked();
	iommu_ioas_unlock();
	rte_mcfg_mem_write_unlock();
	IOMMU_LOG(INFO, "forked child of process %d: IOAS %u left to it, unchanged",
		(int)owner, ioas_id);
}

void
rte_eal_iommu_close(void)
{
	uint32_t ioas_id;
	int ret, open, secondary, forked;

	iommu_ioas_lock();
	open = iommu_ioas_is_open_locked();
	secondary = iommu_ioas_is_secondary();
	forked = iommu_ioas_forked_locked();
	iommu_ioas_unlock();
	if (!open)
		return;
	if (forked) {
		close_forked();
		return;
	}
	if (secondary) {
		close_secondary();
		return;
	}
	iommu_mp_primary_stop();
	/* Memory events take the hotplug lock first: so do we. */
	rte_mcfg_mem_write_lock();
	iommu_mem_events_stop();
	iommu_ioas_lock();
	ioas_id = iommu_ioas_id();
	iommu_vfio_cdev_detach_all_locked();
	iommu_vfio_group_clear_locked();
	iommu_mem_unmap_locked();
	iommu_map_clear_locked();
	iommu_status_clear_locked();
	ret = iommufd_destroy(iommu_ioas_fd(), ioas_id);
	if (ret < 0)
		IOMMU_LOG(ERR, "cannot destroy IOAS %u: %s", ioas_id, strerror(-ret));
	close(iommu_ioas_fd());
	iommu_ioas_reset_locked();
	iommu_ioas_unlock();
	rte_mcfg_mem_write_unlock();
	IOMMU_LOG(INFO, "IOAS %u closed", ioas_id);
}
