/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_common.h>

#include "rte_eal_iommu.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_vfio_cdev.h"
#include "iommu_vfio_group.h"
#include "iommu_policy.h"
#include "iommu_status.h"

/* Format a byte count with the largest binary unit that divides it. */
static const char *
format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < RTE_DIM(units) && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%" PRIu64 " %s", bytes, units[u]);
	return buf;
}

static void
print_device(const char *name, uint32_t dev_id, void *arg)
{
	fprintf(arg, " %s (id %u)", name, dev_id);
}

static void
print_pci_device(const char *name, int group, const struct iova_range *reserved,
		unsigned int nreserved, void *arg)
{
	RTE_SET_USED(reserved);
	RTE_SET_USED(nreserved);
	fprintf(arg, " %s (PCI driver, group %d)", name, group);
}

static void
print_run(const struct iommu_map_run *run, void *arg)
{
	char size[32];

	fprintf(arg, "  0x%016" PRIx64 "  0x%016" PRIx64 "  %-10s  %-6u  %s\n",
		run->map.va, run->map.iova,
		format_size(size, sizeof(size), run->map.len), run->areas,
		iommu_owner_name(run->map.owner));
}

void
rte_eal_iommu_dump(FILE *f)
{
	struct rte_eal_iommu_stats stats;
	unsigned int i, nfailures;
	char size[32];

	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		fprintf(f, "iommufd: not open\n");
		goto out;
	}
	fprintf(f, "iommufd fd %d, IOAS %u, policy %s%s\n", iommu_ioas_fd(),
		iommu_ioas_id(),
		rte_eal_iommu_policy_name(iommu_policy_current_locked()),
		iommu_policy_applied_locked() ? "" : " (DPDK memory not mapped)");
	fprintf(f, "valid IOVA ranges (alignment 0x%" PRIx64 "):\n",
		iommu_ioas_ranges_locked()->alignment);
	for (i = 0; i < iommu_ioas_ranges_locked()->count; i++)
		fprintf(f, "  0x%016" PRIx64 " - 0x%016" PRIx64 "\n",
			iommu_ioas_ranges_locked()->ranges[i].start,
			iommu_ioas_ranges_locked()->ranges[i].last);
	fprintf(f, "attached devices:");
	if (iommu_vfio_cdev_count_locked() + iommu_vfio_group_device_count_locked() == 0)
		fprintf(f, " none");
	iommu_vfio_cdev_foreach_locked(print_device, f);
	iommu_vfio_group_foreach_locked(print_pci_device, f);
	fprintf(f, "\n");
	if (iommu_vfio_group_legacy_count_locked() > 0)
		fprintf(f, "NOT on the IOAS: %u vfio-pci device(s) in EAL's VFIO container\n",
			iommu_vfio_group_legacy_count_locked());
	iommu_status_stats_locked(&stats);
	nfailures = iommu_status_failure_count_locked();
	fprintf(f, "mappings: %u, %s", iommu_map_count_locked(),
		format_size(size, sizeof(size), stats.mapped_bytes));
	if (nfailures > 0)
		fprintf(f, "; NOT DMA-able: %u range(s), %s", nfailures,
			format_size(size, sizeof(size), stats.failed_bytes));
	fprintf(f, "\n");
	/* Areas contiguous in VA and IOVA, of one owner, on one row. */
	fprintf(f, "  %-18s  %-18s  %-10s  %-6s  %s\n", "VA", "IOVA", "LENGTH",
		"AREAS", "OWNER");
	iommu_map_foreach_run_locked(print_run, f);
out:
	iommu_ioas_unlock();
}
