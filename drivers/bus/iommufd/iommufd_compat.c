/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The DPDK releases this plug-in knows (iommufd_compat.h), and which one
 * runs. The build accepts only DPDK headers of a release in the table
 * (meson.build; checked again below); at run time the EAL loaded may be
 * another build of the same ABI (Debian's packages of another 22.11
 * release, say), so the running release is asked of EAL itself
 * (rte_version_*() are functions of EAL in 22.11, not inline).
 *
 * What each release does, read in DPDK's sources and git history:
 * - EAL's VFIO requests: 22.11.0 to 22.11.10 number them CONTAINER 0x100
 *   (a new container each time, which EAL closes once sent), GROUP 0x200,
 *   DEFAULT_CONTAINER 0x400 (the primary's default container), IOMMU_TYPE
 *   0x800. 22.11.11 has upstream's "vfio: fix custom containers in
 *   multiprocess" (25.11, backported: release notes of 22.11.11): no
 *   DEFAULT_CONTAINER, CONTAINER answers the default container (not closed),
 *   IOMMU_TYPE is 0x400.
 * - The PCI bus's private struct rte_pci_bus (bus, device list, driver
 *   list) is the same in every 22.11 release (drivers/bus/pci/private.h).
 * - rte_eal_init() registers EAL's VFIO answers right after bus probe and
 *   fails when the name is taken, in every 22.11 release (eal.c).
 */

#include <errno.h>
#include <stdio.h>

#include <rte_version.h>

#include "iommufd_bus_log.h"
#include "iommufd_compat.h"
#include "iommufd_compat_releases.h"

#if RTE_VER_YEAR != 22 || RTE_VER_MONTH != 11 || RTE_VER_MINOR > 11
#error "DPDK headers of a release this plug-in does not know: it supports DPDK 22.11.0 to 22.11.11"
#endif

static const struct compat_release releases[] = {
	{ 22, 11, 0, 10, { .req_container = 0x100, .req_group = 0x200,
		.req_default_container = 0x400, .req_iommu_type = 0x800 } },
	{ 22, 11, 11, 11, { .req_container = 0x100, .req_group = 0x200,
		.req_default_container = 0, .req_iommu_type = 0x400 } },
};

#define SUPPORTED "DPDK 22.11.0 to 22.11.11"

static const struct compat_release *running;
static char running_name[32];
static int refused; /* logged once */

static const struct compat_release *
find_release(unsigned int year, unsigned int month, unsigned int minor)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(releases); i++)
		if (releases[i].year == year && releases[i].month == month &&
		    minor >= releases[i].minor_first && minor <= releases[i].minor_last)
			return &releases[i];
	return NULL;
}

int
iommufd_compat_check(const char *what)
{
	unsigned int year, month, minor;

	if (running != NULL)
		return 0;
	year = rte_version_year();
	month = rte_version_month();
	minor = rte_version_minor();
	running = find_release(year, month, minor);
	snprintf(running_name, sizeof(running_name), "%u.%02u.%u", year, month, minor);
	if (running != NULL) {
		BUS_LOG(INFO, "running on DPDK %s ('%s'), built with DPDK %d.%02d.%d: a release whose private interfaces are known",
			running_name, rte_version(), RTE_VER_YEAR, RTE_VER_MONTH, RTE_VER_MINOR);
		return 0;
	}
	if (!refused)
		BUS_LOG(ERR, "%s: the running DPDK is %u.%02u.%u (%s), a release whose private VFIO and PCI bus interfaces this plug-in does not know; it supports %s: use one of those, or a plug-in built for this release",
			what, year, month, minor, rte_version(), SUPPORTED);
	refused = 1;
	return -ENOTSUP;
}

const char *
iommufd_compat_running(void)
{
	return running != NULL ? running_name : "unknown";
}

const struct compat_release *
iommufd_compat_release(void)
{
	return running;
}
