/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A stock PMD's device comes and goes at run time through the IOAS, and
 * is never given to a driver when it could not DMA through it. With one
 * vfio-pci NIC probed by the PCI bus at start-up (-a NIC):
 *   - hot-detach (rte_dev_remove) takes it off the IOAS: the valid ranges
 *     widen again (its MSI window is valid once more);
 *   - an application buffer then mapped at IOVA 0xfee00000 makes the
 *     hot-attach (rte_dev_probe) fail: the log names the device, the
 *     colliding range and the fix, and the ranges, the mappings and the
 *     open fds are as before;
 *   - memory DPDK added that could not be mapped (an injected kernel
 *     fault) makes it fail too, with its own message, nothing changed;
 *   - once the buffer is unmapped and the memory freed, the hot-attach
 *     works: the port is back and the ranges exclude the MSI window.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include <rte_eal_iommu.h>

#include "test.h"
#include "test_util.h"

#define MSI_START UINT64_C(0xfee00000)
#define MSI_LEN UINT64_C(0x100000)
#define SNAP_RANGES 16

struct snapshot {
	struct rte_eal_iommu_range ranges[SNAP_RANGES];
	int nranges;
	int nmaps;
	char fds[4096];
};

static void
take(struct snapshot *s)
{
	char path[PATH_MAX], link[PATH_MAX];
	size_t used = 0;
	struct dirent *e;
	DIR *d;

	memset(s, 0, sizeof(*s));
	s->nranges = rte_eal_iommu_ranges(s->ranges, SNAP_RANGES, NULL);
	s->nmaps = rte_eal_iommu_maps(NULL, 0);
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		ssize_t n;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		used += snprintf(s->fds + used, sizeof(s->fds) - used, "%s=%s ",
			e->d_name, link);
		if (used >= sizeof(s->fds))
			break;
	}
	closedir(d);
}

static int
same(const struct snapshot *a, const struct snapshot *b)
{
	return a->nranges == b->nranges && a->nmaps == b->nmaps &&
		memcmp(a->ranges, b->ranges, sizeof(a->ranges)) == 0 &&
		strcmp(a->fds, b->fds) == 0;
}

static int
msi_window_valid(void)
{
	struct rte_eal_iommu_range r[SNAP_RANGES];
	int i, n = rte_eal_iommu_ranges(r, SNAP_RANGES, NULL);

	for (i = 0; i < n && i < SNAP_RANGES; i++)
		if (r[i].start <= MSI_START && r[i].last >= MSI_START + MSI_LEN - 1)
			return 1;
	return 0;
}

static char device[RTE_DEV_NAME_MAX_LEN];
static int probe_ret;

static int
probe_device(void)
{
	probe_ret = rte_dev_probe(device);
	return probe_ret;
}

/* rte_dev_probe() must fail, saying expect, leaving everything as it was. */
static int
refused(const char *expect, const char *why)
{
	struct snapshot before, after;
	char *log = NULL;
	int ok;

	take(&before);
	test_capture_log(probe_device, &log);
	take(&after);
	ok = log != NULL && strstr(log, expect) != NULL;
	free(log);
	TEST_ASSERT(probe_ret < 0, "%s: the device was hot-attached", why);
	TEST_ASSERT(ok, "%s: no message '%s'", why, expect);
	TEST_ASSERT(rte_eth_dev_count_avail() == 0, "%s: a port exists", why);
	TEST_ASSERT(same(&before, &after),
		"%s: the IOAS or the fds changed (%d -> %d ranges, %d -> %d mappings, fds %s -> %s)",
		why, before.nranges, after.nranges, before.nmaps, after.nmaps,
		before.fds, after.fds);
	return TEST_SUCCESS;
}

static int
detach_port(void)
{
	struct rte_eth_dev_info info;
	uint16_t port;

	TEST_ASSERT(rte_eth_dev_count_avail() == 1, "%u ports: allow one NIC (-a)",
		rte_eth_dev_count_avail());
	RTE_ETH_FOREACH_DEV(port)
		break;
	TEST_ASSERT(rte_eth_dev_info_get(port, &info) == 0, "port info");
	snprintf(device, sizeof(device), "%s", rte_dev_name(info.device));
	TEST_ASSERT(!msi_window_valid(), "the MSI window is valid with %s attached",
		device);
	TEST_ASSERT(rte_dev_remove(info.device) == 0, "hot-detach %s", device);
	TEST_ASSERT(rte_eth_dev_count_avail() == 0, "the port outlived its device");
	TEST_ASSERT(msi_window_valid(),
		"the ranges were not re-read after %s detached", device);
	return TEST_SUCCESS;
}

static int
test_pci_failsafe(void)
{
	char expect[256];
	uint64_t iova = MSI_START;
	void *buf, *big;
	int ret;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	if (detach_port() != TEST_SUCCESS)
		return TEST_FAILED;

	/* An IOVA in use where the device would reserve its MSI window. */
	buf = mmap(NULL, MSI_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	ret = rte_eal_iommu_dma_map(buf, MSI_LEN, &iova);
	TEST_ASSERT(ret == 0, "map a buffer at IOVA 0x%" PRIx64 ": %d", iova, ret);
	snprintf(expect, sizeof(expect),
		"%s is not given to a driver: attaching it to IOAS %u would reserve IOVA [0xfee00000, 0xfeefffff]",
		device, rte_eal_iommu_ioas_id());
	ret = refused(expect, "IOVA collision");
	rte_eal_iommu_dma_unmap(buf, MSI_LEN);
	munmap(buf, MSI_LEN);
	if (ret != TEST_SUCCESS)
		return ret;

	/* DPDK memory that is not DMA-able (an injected kernel fault). */
	TEST_ASSERT(test_fail_nth(1) == 0, "fail-nth (needs CONFIG_FAULT_INJECTION)");
	big = rte_malloc("failsafe", 64 << 20, 0);
	test_fail_nth(0);
	TEST_ASSERT(big != NULL && rte_eal_iommu_check() == -EFAULT,
		"the injected fault did not leave memory that is not DMA-able");
	snprintf(expect, sizeof(expect),
		"%s is not given to a driver: DPDK memory is not all DMA-able", device);
	ret = refused(expect, "memory not DMA-able");
	rte_free(big);
	if (ret != TEST_SUCCESS)
		return ret;

	/* Nothing in the way: the device comes back through the IOAS. */
	TEST_ASSERT(rte_dev_probe(device) == 0, "hot-attach %s", device);
	TEST_ASSERT(rte_eth_dev_count_avail() == 1, "no port after hot-attach");
	TEST_ASSERT(!msi_window_valid(),
		"the ranges were not re-read after %s attached", device);
	printf("%s: detached, refused twice with nothing changed, attached again\n",
		device);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(pci_failsafe_autotest, test_pci_failsafe);
