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
#include "eal_iommu_driver.h"
#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_vfio_cdev.h"
#include "iommu_status.h"

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"
#define VFIO_DEVICES "/dev/vfio/devices"

/* A PCI device bound to the iommufd through its VFIO cdev. */
struct iommu_vfio_cdev {
	TAILQ_ENTRY(iommu_vfio_cdev) next;
	char name[PCI_PRI_STR_SIZE];
	int fd;
	uint32_t dev_id;
};

TAILQ_HEAD(iommu_vfio_cdev_list, iommu_vfio_cdev);

/* Devices attached to the IOAS, in attach order; the IOAS lock held. */
static struct iommu_vfio_cdev_list devices = TAILQ_HEAD_INITIALIZER(devices);

static struct iommu_vfio_cdev *
find_device(const char *name)
{
	struct iommu_vfio_cdev *dev;

	TAILQ_FOREACH(dev, &devices, next)
		if (strcmp(dev->name, name) == 0)
			return dev;
	return NULL;
}

/* The vfioN name of the device's cdev; -ENODEV if it has none. */
static int
cdev_name(const char *name, char *out, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	int ret = -ENODEV;
	DIR *dir;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/vfio-dev", name);
	dir = opendir(path);
	if (dir == NULL)
		return -ENODEV;
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, "vfio", 4) == 0) {
			snprintf(out, size, "%s", e->d_name);
			ret = 0;
			break;
		}
	closedir(dir);
	return ret;
}

/* Open /dev/vfio/devices/vfioN of the device, found through sysfs. */
static int
open_vfio_cdev(const char *name)
{
	char path[PATH_MAX], cdev[NAME_MAX + 1];
	int fd;

	if (cdev_name(name, cdev, sizeof(cdev)) < 0) {
		IOMMU_LOG(ERR, "%s has no VFIO device cdev: bind it to vfio-pci, and use a kernel with CONFIG_VFIO_DEVICE_CDEV",
			name);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), VFIO_DEVICES "/%s", cdev);
	fd = iommu_fault_open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		IOMMU_LOG(ERR, "cannot open %s for %s: %s%s", path, name,
			strerror(-fd), fd == -EBUSY ?
			" (the device is already open, e.g. through its VFIO group)" : "");
	}
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

int
eal_iommu_pci_check(const char *pci_addr, char *name, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX], canon[PCI_PRI_STR_SIZE], cdev[NAME_MAX + 1];
	const char *driver;
	ssize_t n;
	int ret;

	ret = canonical_name(pci_addr, canon);
	if (ret < 0)
		return iommu_set_rte_errno(ret);
	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", canon);
	if (access(path, F_OK) != 0) {
		IOMMU_LOG(ERR, "no PCI device %s on this machine: check the address (lspci -D)",
			canon);
		return iommu_set_rte_errno(-ENOENT);
	}
	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/driver", canon);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	driver = strrchr(link, '/') != NULL ? strrchr(link, '/') + 1 : link;
	if (strcmp(driver, "vfio-pci") != 0) {
		IOMMU_LOG(ERR, "%s is %s%s: bind it to vfio-pci (dpdk-devbind.py -b vfio-pci %s)",
			canon, n > 0 ? "bound to " : "not bound to any driver",
			n > 0 ? driver : "", canon);
		return iommu_set_rte_errno(-ENODEV);
	}
	if (cdev_name(canon, cdev, sizeof(cdev)) < 0) {
		IOMMU_LOG(ERR, "%s is bound to vfio-pci but has no VFIO device cdev: use a kernel with CONFIG_VFIO_DEVICE_CDEV (Linux >= 6.6)",
			canon);
		return iommu_set_rte_errno(-ENODEV);
	}
	snprintf(path, sizeof(path), VFIO_DEVICES "/%s", cdev);
	if (access(path, R_OK | W_OK) != 0) {
		IOMMU_LOG(ERR, "cannot use %s for %s: %s; run as root or give this user read-write access to it",
			path, canon, strerror(errno));
		return iommu_set_rte_errno(-EACCES);
	}
	if (name != NULL)
		snprintf(name, size, "%s", canon);
	return 0;
}

static int
bind_and_attach(struct iommu_vfio_cdev *dev)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommu_ioas_fd(),
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = iommu_ioas_id(),
	};

	if (iommu_fault_ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		IOMMU_LOG(ERR, "cannot bind %s to iommufd: %s", dev->name,
			strerror(errno));
		return -errno;
	}
	dev->dev_id = bind.out_devid;
	if (iommu_fault_ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		int err = errno;

		if (err == ENOMEM && TAILQ_EMPTY(&devices)) {
			struct rte_eal_iommu_stats stats;
			char why[768];

			/* The first device pins every mapping. */
			iommu_map_stats_locked(&stats);
			IOMMU_LOG(ERR, "cannot attach %s to IOAS %u, which pins the %" PRIu64 " bytes mapped there: %s",
				dev->name, iommu_ioas_id(), stats.mapped_bytes,
				iommu_map_error_explain(err, stats.mapped_bytes, why,
					sizeof(why)));
		} else if (err == EADDRINUSE)
			IOMMU_LOG(ERR, "cannot attach %s to IOAS %u: its reserved IOVA regions (e.g. the MSI window) or its aperture collide with IOVAs this process uses (mappings or DPDK's IOVA windows); the device was not attached and nothing changed",
				dev->name, iommu_ioas_id());
		else
			IOMMU_LOG(ERR, "cannot attach %s to IOAS %u: %s",
				dev->name, iommu_ioas_id(), strerror(err));
		return -err;
	}
	return 0;
}

int
rte_eal_iommu_pci_attach(const char *pci_addr)
{
	struct iommu_vfio_cdev *dev;
	int ret;

	dev = iommu_fault_calloc(1, sizeof(*dev));
	if (dev == NULL)
		return iommu_set_rte_errno(-ENOMEM);
	ret = canonical_name(pci_addr, dev->name);
	if (ret < 0) {
		free(dev);
		return iommu_set_rte_errno(ret);
	}
	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		ret = -ENODEV;
		goto out;
	}
	ret = iommu_ioas_require_primary_locked("device attach");
	if (ret < 0)
		goto out;
	if (find_device(dev->name) != NULL) {
		IOMMU_LOG(ERR, "%s is attached to IOAS %u already: detach it first (rte_eal_iommu_pci_detach())",
			dev->name, iommu_ioas_id());
		ret = -EEXIST;
		goto out;
	}
	/* The device exists, is vfio-pci's, has a cdev we may open: or say why. */
	ret = eal_iommu_pci_check(dev->name, NULL, 0);
	if (ret < 0) {
		ret = ret == -ENOENT ? -ENODEV : ret;
		goto out;
	}
	dev->fd = open_vfio_cdev(dev->name);
	if (dev->fd < 0) {
		ret = dev->fd;
		goto out;
	}
	ret = bind_and_attach(dev);
	if (ret == 0)
		ret = iommu_ioas_ranges_refresh_locked();
	if (ret < 0) {
		close(dev->fd); /* closing unbinds and detaches */
		if (iommu_ioas_ranges_refresh_locked() < 0)
			IOMMU_LOG(ERR, "valid IOVA ranges of IOAS %u may be stale",
				iommu_ioas_id());
		goto out;
	}
	TAILQ_INSERT_TAIL(&devices, dev, next);
	IOMMU_LOG(INFO, "%s attached to IOAS %u (device id %u)", dev->name,
		iommu_ioas_id(), dev->dev_id);
	dev = NULL;
out:
	iommu_ioas_unlock();
	free(dev);
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

static void
detach_device_locked(struct iommu_vfio_cdev *dev)
{
	iommu_ioas_assert_locked();
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};

	if (iommu_fault_ioctl(dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach) < 0)
		IOMMU_LOG(ERR, "cannot detach %s: %s; closing it", dev->name,
			strerror(errno));
	close(dev->fd);
	TAILQ_REMOVE(&devices, dev, next);
	IOMMU_LOG(INFO, "%s detached from IOAS %u", dev->name,
		iommu_ioas_id());
	free(dev);
}

int
rte_eal_iommu_pci_detach(const char *pci_addr)
{
	char name[PCI_PRI_STR_SIZE];
	struct iommu_vfio_cdev *dev;
	int ret;

	ret = canonical_name(pci_addr, name);
	if (ret < 0)
		return iommu_set_rte_errno(ret);
	iommu_ioas_lock();
	ret = iommu_ioas_require_primary_locked("device detach");
	if (ret < 0)
		goto out;
	dev = iommu_ioas_is_open_locked() ? find_device(name) : NULL;
	if (dev == NULL) {
		ret = -ENOENT;
		goto out;
	}
	detach_device_locked(dev);
	/*
	 * The device is gone whatever follows. The ranges kept on a failed
	 * re-read are the narrower ones of before, still safe; read once more.
	 */
	if (iommu_ioas_ranges_refresh_locked() < 0 && iommu_ioas_ranges_refresh_locked() < 0)
		IOMMU_LOG(WARNING, "%s detached, but the valid IOVA ranges of IOAS %u could not be re-read: the narrower ones are kept until rte_eal_iommu_ranges_refresh() or the next attach or detach",
			name, iommu_ioas_id());
	ret = 0;
out:
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

void
iommu_vfio_cdev_detach_all_locked(void)
{
	struct iommu_vfio_cdev *dev;

	iommu_ioas_assert_locked();
	while ((dev = TAILQ_FIRST(&devices)) != NULL)
		detach_device_locked(dev);
}

int
iommu_vfio_cdev_attached_locked(const char *name)
{
	iommu_ioas_assert_locked();
	return find_device(name) != NULL;
}

unsigned int
iommu_vfio_cdev_count_locked(void)
{
	struct iommu_vfio_cdev *dev;
	unsigned int n = 0;

	iommu_ioas_assert_locked();
	TAILQ_FOREACH(dev, &devices, next)
		n++;
	return n;
}

void
iommu_vfio_cdev_foreach_locked(void (*fn)(const char *name, uint32_t dev_id,
		void *arg), void *arg)
{
	struct iommu_vfio_cdev *dev;

	iommu_ioas_assert_locked();
	TAILQ_FOREACH(dev, &devices, next)
		fn(dev->name, dev->dev_id, arg);
}
