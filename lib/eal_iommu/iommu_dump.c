/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_common.h>

#include "rte_eal_iommu.h"
#include "eal_iommu_private.h"

const char *
iommu_owner_name(enum rte_eal_iommu_owner owner)
{
	switch (owner) {
	case RTE_EAL_IOMMU_OWNER_DPDK:
		return "dpdk";
	case RTE_EAL_IOMMU_OWNER_EXTERNAL:
		return "external";
	case RTE_EAL_IOMMU_OWNER_APP:
		return "app";
	}
	return "?";
}

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

void
rte_eal_iommu_dump(FILE *f)
{
	const struct iommu_map_table *t = &eal_iommu.maps;
	char size[32];
	unsigned int i;

	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.fd < 0) {
		fprintf(f, "iommufd: not open\n");
		goto out;
	}
	fprintf(f, "iommufd fd %d, IOAS %u, policy %s%s\n", eal_iommu.fd,
		eal_iommu.ioas_id,
		rte_eal_iommu_policy_name(eal_iommu.dpdk_mapped ?
			eal_iommu.effective : eal_iommu.requested),
		eal_iommu.dpdk_mapped ? "" : " (DPDK memory not mapped)");
	fprintf(f, "valid IOVA ranges (alignment 0x%" PRIx64 "):\n",
		eal_iommu.ranges.alignment);
	for (i = 0; i < eal_iommu.ranges.count; i++)
		fprintf(f, "  0x%016" PRIx64 " - 0x%016" PRIx64 "\n",
			eal_iommu.ranges.ranges[i].start,
			eal_iommu.ranges.ranges[i].last);
	fprintf(f, "attached devices:");
	if (TAILQ_EMPTY(&eal_iommu.devices))
		fprintf(f, " none");
	iommu_pci_devices_foreach_locked(print_device, f);
	fprintf(f, "\n");
	fprintf(f, "mappings: %u, %s", t->count,
		format_size(size, sizeof(size), eal_iommu.stats.mapped_bytes));
	if (eal_iommu.failures.count > 0)
		fprintf(f, "; NOT DMA-able: %u range(s), %s", eal_iommu.failures.count,
			format_size(size, sizeof(size), eal_iommu.stats.failed_bytes));
	fprintf(f, "\n");
	/* Areas contiguous in VA and IOVA, of one owner, on one row. */
	fprintf(f, "  %-18s  %-18s  %-10s  %-6s  %s\n", "VA", "IOVA", "LENGTH",
		"AREAS", "OWNER");
	for (i = 0; i < t->count; ) {
		const struct rte_eal_iommu_map *m = &t->maps[i];
		uint64_t len = m->len;
		unsigned int n = 1;

		for (i++; i < t->count && t->maps[i].owner == m->owner &&
		     t->maps[i].va == m->va + len && t->maps[i].iova == m->iova + len;
		     i++, n++)
			len += t->maps[i].len;
		fprintf(f, "  0x%016" PRIx64 "  0x%016" PRIx64 "  %-10s  %-6u  %s\n",
			m->va, m->iova, format_size(size, sizeof(size), len), n,
			iommu_owner_name(m->owner));
	}
out:
	pthread_mutex_unlock(&eal_iommu.lock);
}
