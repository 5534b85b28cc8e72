/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_pci.h>

#include "rte_eal_iommu.h"
#include "eal_iommu_private.h"

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"
#define VFIO_DEVICES "/dev/vfio/devices"

/* A PCI device bound to the iommufd through its VFIO cdev. */
struct iommu_pci_device {
	TAILQ_ENTRY(iommu_pci_device) next;
	char name[PCI_PRI_STR_SIZE];
	int fd;
	uint32_t dev_id;
};

static struct iommu_pci_device *
find_device(const char *name)
{
	struct iommu_pci_device *dev;

	TAILQ_FOREACH(dev, &eal_iommu.devices, next)
		if (strcmp(dev->name, name) == 0)
			return dev;
	return NULL;
}

/* Open /dev/vfio/devices/vfioN of the device, found through sysfs. */
static int
open_vfio_cdev(const char *name)
{
	char path[PATH_MAX];
	struct dirent *e;
	int fd = -ENODEV;
	DIR *dir;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/vfio-dev", name);
	dir = opendir(path);
	if (dir == NULL) {
		IOMMU_LOG(ERR, "%s has no VFIO device cdev (%s: %s): bind it to vfio-pci, and use a kernel with CONFIG_VFIO_DEVICE_CDEV",
			name, path, strerror(errno));
		return -ENODEV;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, "vfio", 4) != 0)
			continue;
		snprintf(path, sizeof(path), VFIO_DEVICES "/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			IOMMU_LOG(ERR, "cannot open %s for %s: %s%s", path, name,
				strerror(errno), errno == EBUSY ?
				" (the device is already open, e.g. through its VFIO group)" : "");
		}
		break;
	}
	closedir(dir);
	if (fd == -ENODEV)
		IOMMU_LOG(ERR, "%s is bound to vfio-pci but has no cdev under %s: use a kernel with CONFIG_VFIO_DEVICE_CDEV",
			name, VFIO_DEVICES);
	return fd;
}

/* Canonical name ("0000:00:10.0") of a PCI address given as text. */
static int
canonical_name(const char *pci_addr, char name[PCI_PRI_STR_SIZE])
{
	struct rte_pci_addr addr;

	if (pci_addr == NULL || rte_pci_addr_parse(pci_addr, &addr) != 0) {
		IOMMU_LOG(ERR, "'%s' is not a PCI address (DDDD:BB:DD.F)",
			pci_addr ? pci_addr : "(null)");
		return -EINVAL;
	}
	rte_pci_device_name(&addr, name, PCI_PRI_STR_SIZE);
	return 0;
}

static int
bind_and_attach(struct iommu_pci_device *dev)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = eal_iommu.fd,
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = eal_iommu.ioas_id,
	};

	if (ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		IOMMU_LOG(ERR, "cannot bind %s to iommufd: %s", dev->name,
			strerror(errno));
		return -errno;
	}
	dev->dev_id = bind.out_devid;
	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		int err = errno;

		if (err == EADDRINUSE)
			IOMMU_LOG(ERR, "cannot attach %s to IOAS %u: its reserved IOVA regions (e.g. the MSI window) or its aperture collide with IOVAs this process uses (mappings or DPDK's IOVA windows); the device was not attached and nothing changed",
				dev->name, eal_iommu.ioas_id);
		else
			IOMMU_LOG(ERR, "cannot attach %s to IOAS %u: %s",
				dev->name, eal_iommu.ioas_id, strerror(err));
		return -err;
	}
	return 0;
}

int
rte_eal_iommu_pci_attach(const char *pci_addr)
{
	struct iommu_pci_device *dev;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL)
		return iommu_fail(-ENOMEM);
	ret = canonical_name(pci_addr, dev->name);
	if (ret < 0) {
		free(dev);
		return iommu_fail(ret);
	}
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		ret = -ENODEV;
		goto out;
	}
	ret = iommu_primary_only_locked("device attach");
	if (ret < 0)
		goto out;
	if (find_device(dev->name) != NULL) {
		ret = -EEXIST;
		goto out;
	}
	dev->fd = open_vfio_cdev(dev->name);
	if (dev->fd < 0) {
		ret = dev->fd;
		goto out;
	}
	ret = bind_and_attach(dev);
	if (ret == 0)
		ret = eal_iommu_ranges_refresh_locked();
	if (ret < 0) {
		close(dev->fd); /* closing unbinds and detaches */
		if (eal_iommu_ranges_refresh_locked() < 0)
			IOMMU_LOG(ERR, "valid IOVA ranges of IOAS %u may be stale",
				eal_iommu.ioas_id);
		goto out;
	}
	TAILQ_INSERT_TAIL(&eal_iommu.devices, dev, next);
	IOMMU_LOG(INFO, "%s attached to IOAS %u (device id %u)", dev->name,
		eal_iommu.ioas_id, dev->dev_id);
	dev = NULL;
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	free(dev);
	return ret < 0 ? iommu_fail(ret) : 0;
}

static void
detach_device_locked(struct iommu_pci_device *dev)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	if (ioctl(dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach) < 0)
		IOMMU_LOG(ERR, "cannot detach %s: %s; closing it", dev->name,
			strerror(errno));
	close(dev->fd);
	TAILQ_REMOVE(&eal_iommu.devices, dev, next);
	IOMMU_LOG(INFO, "%s detached from IOAS %u", dev->name,
		eal_iommu.ioas_id);
	free(dev);
}

int
rte_eal_iommu_pci_detach(const char *pci_addr)
{
	char name[PCI_PRI_STR_SIZE];
	struct iommu_pci_device *dev;
	int ret;

	ret = canonical_name(pci_addr, name);
	if (ret < 0)
		return iommu_fail(ret);
	pthread_mutex_lock(&eal_iommu.lock);
	ret = iommu_primary_only_locked("device detach");
	if (ret < 0)
		goto out;
	dev = eal_iommu.fd >= 0 ? find_device(name) : NULL;
	if (dev == NULL) {
		ret = -ENOENT;
		goto out;
	}
	detach_device_locked(dev);
	ret = eal_iommu_ranges_refresh_locked();
out:
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

void
iommu_pci_detach_all_locked(void)
{
	struct iommu_pci_device *dev;

	while ((dev = TAILQ_FIRST(&eal_iommu.devices)) != NULL)
		detach_device_locked(dev);
}

void
iommu_pci_devices_foreach_locked(void (*fn)(const char *name, uint32_t dev_id,
		void *arg), void *arg)
{
	struct iommu_pci_device *dev;

	TAILQ_FOREACH(dev, &eal_iommu.devices, next)
		fn(dev->name, dev->dev_id, arg);
}
