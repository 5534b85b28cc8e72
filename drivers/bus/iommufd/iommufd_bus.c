/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The iommufd bus: a DPDK plug-in (EAL -d) that puts all DPDK memory into
 * one iommufd IOAS. It votes for IOVA as VA when /dev/iommu is usable,
 * brings the IOAS up in probe (the first point where DPDK memory exists)
 * and tears it down at rte_eal_cleanup().
 */

#include <inttypes.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_eal.h>
#include <rte_log.h>

#include <rte_eal_iommu.h>

RTE_LOG_REGISTER_DEFAULT(iommufd_bus_logtype, INFO);

#define BUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, iommufd_bus_logtype, "IOMMUFD_BUS: " fmt "\n", \
		## __VA_ARGS__)

static struct rte_bus iommufd_bus;

static int
iommufd_bus_scan(void)
{
	return 0;
}

static enum rte_iova_mode
iommufd_bus_get_iommu_class(void)
{
	/* IOVA = VA is the only mapping policy: ask for it when usable. */
	if (access("/dev/iommu", R_OK | W_OK) == 0)
		return RTE_IOVA_VA;
	BUS_LOG(INFO, "/dev/iommu is not usable: no IOVA mode preference");
	return RTE_IOVA_DC;
}

static void
log_ioas(void)
{
	struct rte_eal_iommu_range ranges[16];
	uint64_t alignment;
	int i, n;

	n = rte_eal_iommu_ranges(ranges, RTE_DIM(ranges), &alignment);
	BUS_LOG(INFO, "IOAS %u: %d valid IOVA range(s), alignment 0x%" PRIx64,
		rte_eal_iommu_ioas_id(), n, alignment);
	for (i = 0; i < n && i < (int)RTE_DIM(ranges); i++)
		BUS_LOG(INFO, "  [0x%" PRIx64 ", 0x%" PRIx64 "]",
			ranges[i].start, ranges[i].last);
	BUS_LOG(INFO, "IOAS %u: %" PRIu64 " bytes of DPDK memory mapped",
		rte_eal_iommu_ioas_id(), rte_eal_iommu_mapped_bytes());
}

static int
iommufd_bus_probe(void)
{
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		BUS_LOG(INFO, "secondary process: the IOAS belongs to the primary");
		return 0;
	}
	if (rte_eal_iommu_is_open())
		return 0;
	ret = rte_eal_iommu_open();
	if (ret < 0) {
		BUS_LOG(ERR, "no IOAS: DPDK memory is not DMA-mapped through iommufd");
		return ret;
	}
	ret = rte_eal_iommu_map_dpdk_memory();
	if (ret < 0) {
		BUS_LOG(ERR, "DPDK memory could not be mapped; IOAS closed");
		rte_eal_iommu_close();
		return ret;
	}
	log_ioas();
	return 0;
}

static int
iommufd_bus_cleanup(void)
{
	rte_eal_iommu_close();
	return 0;
}

/* The bus holds no rte_device yet. */
static struct rte_device *
iommufd_bus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp,
		const void *data)
{
	RTE_SET_USED(start);
	RTE_SET_USED(cmp);
	RTE_SET_USED(data);
	return NULL;
}

static struct rte_bus iommufd_bus = {
	.scan = iommufd_bus_scan,
	.probe = iommufd_bus_probe,
	.find_device = iommufd_bus_find_device,
	.get_iommu_class = iommufd_bus_get_iommu_class,
	.cleanup = iommufd_bus_cleanup,
};

RTE_REGISTER_BUS(iommufd, iommufd_bus);
