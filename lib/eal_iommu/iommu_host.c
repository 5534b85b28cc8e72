/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Machine probing (iommu_host.h): sysfs, procfs and EAL's own settings. */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "iommu_host.h"

#define MB (UINT64_C(1) << 20)
#define GB (UINT64_C(1) << 30)
#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"

static int
read_ulong(const char *path, int base, unsigned long long *v)
{
	FILE *f = fopen(path, "r");
	char buf[64];
	char *end;
	int ok = 0;

	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		errno = 0;
		*v = strtoull(buf, &end, base);
		ok = errno == 0 && end != buf;
	}
	fclose(f);
	return ok ? 0 : -1;
}

uint64_t
iommu_host_hugepage_bytes(int socket, uint64_t page_sz)
{
	unsigned long long pages = 0;
	char path[128];

	snprintf(path, sizeof(path),
		"/sys/devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
		socket, page_sz >> 10);
	if (read_ulong(path, 10, &pages) < 0) {
		snprintf(path, sizeof(path),
			"/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
			page_sz >> 10);
		if (read_ulong(path, 10, &pages) < 0)
			pages = 0;
	}
	return pages * page_sz;
}

/* Entries of dir whose name starts with prefix (and, if set, pass keep). */
static unsigned int
count_entries(const char *dir, const char *prefix, int (*keep)(const char *dir,
		const char *name))
{
	unsigned int n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    (keep == NULL || keep(dir, e->d_name)))
			n++;
	closedir(d);
	return n;
}

static int
has_hugepages(const char *dir, const char *name)
{
	unsigned long long n = 0;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/nr_hugepages", dir, name);
	return read_ulong(path, 10, &n) == 0 && n > 0;
}

void
iommu_host_predict_va_windows(uint64_t *base, uint64_t *len)
{
	unsigned int sizes, nodes, types;
	uint64_t per_type;

	sizes = count_entries("/sys/kernel/mm/hugepages", "hugepages-",
		has_hugepages);
	nodes = count_entries("/sys/devices/system/node", "node", NULL);
	types = RTE_MAX(sizes, 1u) * RTE_MAX(nodes, 1u);
	per_type = RTE_MIN((uint64_t)RTE_MAX_MEM_MB_PER_TYPE,
		(uint64_t)RTE_MAX_MEM_MB / types) * MB;
	*base = rte_eal_get_baseaddr();
	/* The lists' bookkeeping sits between them: allow for it. */
	*len = types * per_type + GB;
}

/*
 * The last IOVA an Intel VT-d IOMMU translates for a user (second-stage)
 * domain: the widest adjusted guest address width it supports up to 57
 * bits (SAGAW), capped by its maximum guest address width (MGAW). 0 if
 * the capability register cannot be read.
 */
static uint64_t
vtd_aperture_last(const char *name)
{
	unsigned long long cap;
	unsigned int sagaw, mgaw, width = 0;
	char path[256];
	int agaw;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/iommu/intel-iommu/cap",
		name);
	if (read_ulong(path, 16, &cap) < 0)
		return 0;
	sagaw = (cap >> 8) & 0x1f;
	mgaw = ((cap >> 16) & 0x3f) + 1;
	for (agaw = 3; agaw >= 0; agaw--)
		if (sagaw & (1u << agaw)) {
			width = RTE_MIN(30u + 9u * agaw, 64u);
			break;
		}
	if (width == 0)
		return 0;
	width = RTE_MIN(width, mgaw);
	return width >= 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
}

/* Add [start, last] to v[0..*n) if there is room. */
static void
add_reservation(struct iova_range *v, unsigned int max, unsigned int *n,
		uint64_t start, uint64_t last)
{
	if (*n < max)
		v[*n] = (struct iova_range){ start, last };
	(*n)++;
}

int
iommu_host_device_reservations(const char *name, struct iova_range *v,
		unsigned int max)
{
	unsigned long long start, last;
	uint64_t aperture_last = vtd_aperture_last(name);
	char path[256], type[32];
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/iommu_group/reserved_regions",
		name);
	f = fopen(path, "r");
	if (f == NULL)
		return -ENODEV;
	/* direct-relaxable regions are not enforced for user domains. */
	while (fscanf(f, "%llx %llx %31s", &start, &last, type) == 3)
		if (strcmp(type, "direct-relaxable") != 0 && start <= last)
			add_reservation(v, max, &n, start, last);
	fclose(f);
	if (aperture_last != 0 && aperture_last != UINT64_MAX)
		add_reservation(v, max, &n, aperture_last + 1, UINT64_MAX);
	return n > max ? -E2BIG : (int)n;
}

int
iommu_host_predict_device_ranges(const char *name, struct iova_ranges *set)
{
	struct iova_range v[IOMMU_HOST_MAX_RESERVATIONS];
	int i, n, ret = 0;

	n = iommu_host_device_reservations(name, v, RTE_DIM(v));
	if (n < 0)
		return n;
	for (i = 0; i < n && ret == 0; i++)
		ret = iova_ranges_reserve(set, v[i].start, v[i].last);
	return ret;
}

int
iommu_host_iommu_group(const char *name)
{
	char path[256], link[256];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/iommu_group", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -ENODEV;
	link[n] = '\0';
	base = strrchr(link, '/');
	return atoi(base != NULL ? base + 1 : link);
}
