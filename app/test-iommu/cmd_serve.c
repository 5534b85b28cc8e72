/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * serve: a live primary process for telemetry clients and secondary
 * processes. Optionally hot-adds memory with one injected mapping fault
 * (IOMMU_TEST_INJECT_FAULT=1, so failures show) and writes its IOAS id and
 * each DPDK memory segment's "VA IOVA length" to IOMMU_TEST_MAP_FILE;
 * with IOMMU_TEST_SERVE_PORTS=1 starts the two ethdev ports (and their
 * pool) for secondary processes to use; then prints READY and waits until IOMMU_TEST_STOP_FILE exists (at most 120 s).
 * Secondaries must leave the primary as it was: with ports, every VFIO
 * file it had open at READY (EAL's container and groups) is still open on
 * the same fd, and the ports still carry known payloads, or serve fails.
 */

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_ethdev.h"
#include "test_util.h"

static struct test_segments segments;

static int
write_map_file(const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (f == NULL)
		return -1;
	if (test_collect_segments(&segments) < 0) {
		fclose(f);
		return -1;
	}
	fprintf(f, "ioas %u\n", rte_eal_iommu_ioas_id());
	for (i = 0; i < segments.count; i++)
		fprintf(f, "%" PRIx64 " %" PRIx64 " %" PRIx64 "\n", segments.segs[i].va,
			rte_eal_iommu_virt2iova((void *)(uintptr_t)segments.segs[i].va),
			segments.segs[i].len);
	return fclose(f);
}

/* An open VFIO file (/dev/vfio/vfio or a group) of this process. */
struct vfio_file {
	int fd;
	dev_t rdev;
	ino_t ino;
};

#define MAX_VFIO_FILES 64

/* This process's open VFIO container and group files, into v; their count. */
static unsigned int
vfio_files(struct vfio_file *v, unsigned int max)
{
	char path[320], target[256];
	struct dirent *e;
	struct stat st;
	unsigned int n = 0;
	DIR *d = opendir("/proc/self/fd");
	ssize_t len;

	while (d != NULL && (e = readdir(d)) != NULL && n < max) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strncmp(target, "/dev/vfio/", 10) != 0 ||
		    strncmp(target, "/dev/vfio/devices/", 18) == 0 ||
		    stat(path, &st) != 0)
			continue;
		v[n++] = (struct vfio_file){ atoi(e->d_name), st.st_rdev, st.st_ino };
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* Is every file in v still open on its fd? Says which is not. */
static int
vfio_files_kept(const struct vfio_file *v, unsigned int n)
{
	struct stat st;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fstat(v[i].fd, &st) != 0 || st.st_rdev != v[i].rdev ||
		    st.st_ino != v[i].ino) {
			printf("the primary's VFIO fd %d (device %u:%u) was closed or replaced while serving\n",
				v[i].fd, major(v[i].rdev), minor(v[i].rdev));
			return 0;
		}
	return 1;
}

static int
cmd_serve(void)
{
	const char *stop = getenv("IOMMU_TEST_STOP_FILE");
	const char *map_file = getenv("IOMMU_TEST_MAP_FILE");
	const char *fault = getenv("IOMMU_TEST_INJECT_FAULT");
	const char *serve_ports = getenv("IOMMU_TEST_SERVE_PORTS");
	int with_ports = serve_ports != NULL && serve_ports[0] == '1';
	struct vfio_file vfio[MAX_VFIO_FILES];
	unsigned int nvfio = 0;
	int i, ret = TEST_SUCCESS;
	uint16_t ports[2];
	void *big = NULL;

	if (stop == NULL) {
		printf("set IOMMU_TEST_STOP_FILE\n");
		return TEST_FAILED;
	}
	if (fault != NULL && fault[0] == '1') {
		if (test_fail_nth(1) < 0) {
			printf("fault injection needs CONFIG_FAULT_INJECTION\n");
			return TEST_FAILED;
		}
		big = rte_malloc("iommu_serve", 96 << 20, 0); /* more than -m 64 */
		test_fail_nth(0);
		if (big == NULL || rte_eal_iommu_failures(NULL, 0) == 0) {
			printf("no failure to show\n");
			return TEST_FAILED;
		}
	}
	if (map_file != NULL && write_map_file(map_file) != 0) {
		printf("cannot write %s\n", map_file);
		return TEST_FAILED;
	}
	if (with_ports && test_ports_start(ports) < 0) {
		printf("cannot start the ports\n");
		return TEST_FAILED;
	}
	if (with_ports) {
		nvfio = vfio_files(vfio, RTE_DIM(vfio));
		printf("the primary has %u VFIO container and group file(s) open\n", nvfio);
		if (nvfio == 0)
			return TEST_FAILED;
	}
	printf("READY\n");
	for (i = 0; i < 1200 && access(stop, F_OK) != 0; i++)
		usleep(100 * 1000);
	rte_free(big);
	if (with_ports) {
		if (!vfio_files_kept(vfio, nvfio))
			ret = TEST_FAILED;
		else if (test_ports_exchange(ports) != 0) {
			printf("the primary's ports no longer carry known payloads after its secondaries\n");
			ret = TEST_FAILED;
		} else {
			printf("the primary's %u VFIO files are kept, its ports still carry known payloads\n",
				nvfio);
		}
		rte_eth_dev_stop(ports[0]);
		rte_eth_dev_stop(ports[1]);
	}
	return ret;
}

REGISTER_IOMMU_COMMAND(serve, cmd_serve);
