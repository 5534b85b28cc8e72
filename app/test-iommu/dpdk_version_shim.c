/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A test seam, preloaded (LD_PRELOAD) into a process: EAL's release
 * functions answer IOMMU_TEST_DPDK_VERSION ("YEAR.MONTH.MINOR") instead,
 * so that the plug-in's check of the running DPDK release can be shown
 * refusing a release it does not know, and accepting each one it does.
 */

#include <stdio.h>
#include <stdlib.h>

#include <rte_version.h>

static unsigned int
part(int i)
{
	const char *v = getenv("IOMMU_TEST_DPDK_VERSION");
	unsigned int p[3] = { 0, 0, 0 };

	if (v == NULL || sscanf(v, "%u.%u.%u", &p[0], &p[1], &p[2]) != 3)
		abort(); /* the seam is used only by tests that set it */
	return p[i];
}

const char *
rte_version(void)
{
	static char name[32];

	snprintf(name, sizeof(name), "DPDK %u.%02u.%u (test seam)", part(0), part(1), part(2));
	return name;
}

unsigned int
rte_version_year(void)
{
	return part(0);
}

unsigned int
rte_version_month(void)
{
	return part(1);
}

unsigned int
rte_version_minor(void)
{
	return part(2);
}
