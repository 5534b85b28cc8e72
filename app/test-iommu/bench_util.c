/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The benchmarks' floor: a bare IOAS beside the plug-in's (bench_util.h). */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include <rte_eal_iommu.h>

#include "bench_util.h"

/* Bind a vfio-pci device's cdev to fd and attach it to ioas; its fd or -errno. */
static int
attach_raw(int fd, uint32_t ioas, const char *bdf)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = fd };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = ioas };
	char path[PATH_MAX];
	struct dirent *e;
	int dev = -ENODEV;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (d == NULL)
		return -ENODEV;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "vfio", 4) == 0) {
			snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
			dev = open(path, O_RDWR);
			break;
		}
	closedir(d);
	if (dev < 0)
		return dev == -ENODEV ? dev : -errno;
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0 ||
	    ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0) {
		int err = -errno;

		close(dev);
		return err;
	}
	return dev;
}

int
bench_raw_ioas_open(struct bench_raw_ioas *raw, const char *dev2)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	int fd = rte_eal_iommu_fd();

	raw->dev = -1;
	if (fd < 0 || ioctl(fd, IOMMU_IOAS_ALLOC, &alloc) != 0) {
		printf("no second IOAS: %s\n", fd < 0 ? "no plug-in" : strerror(errno));
		return -1;
	}
	raw->ioas = alloc.out_ioas_id;
	if (dev2 != NULL) {
		raw->dev = attach_raw(fd, raw->ioas, dev2);
		if (raw->dev < 0) {
			printf("cannot attach %s to the raw IOAS: %s\n", dev2, strerror(-raw->dev));
			destroy.id = raw->ioas;
			ioctl(fd, IOMMU_DESTROY, &destroy);
			return -1;
		}
	}
	printf("plug-in IOAS %u%s, raw IOAS %u%s%s\n", rte_eal_iommu_ioas_id(),
		rte_eal_iommu_maps(NULL, 0) > 0 ? "" : " (empty)", raw->ioas,
		raw->dev >= 0 ? " with device " : " without a device",
		raw->dev >= 0 ? dev2 : "");
	return 0;
}

void
bench_raw_ioas_close(struct bench_raw_ioas *raw)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy), .id = raw->ioas };

	if (raw->dev >= 0)
		close(raw->dev);
	ioctl(rte_eal_iommu_fd(), IOMMU_DESTROY, &destroy);
}
