/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The PCI bus's drivers on the IOAS (iommufd_pci.h). */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pci.h>

#include <rte_eal_iommu.h>
#include <eal_iommu_driver.h>

#include "iommufd_bus_log.h"
#include "iommufd_pci.h"
#include "iommufd_compat.h"

static struct rte_bus *pci_bus;
static struct iommufd_params params;
static int started;
static pid_t started_by; /* a forked child leaves the parent's devices alone */

/* The PCI bus callbacks the plug-in wraps. */
struct pci_ops {
	rte_bus_probe_t probe;
	rte_bus_plug_t plug;
	rte_bus_unplug_t unplug;
	rte_dev_dma_map_t dma_map;
	rte_dev_dma_unmap_t dma_unmap;
};

/* The wrappers until started; the PCI bus's own callbacks while started. */
static struct pci_ops other;

/* Exchange the PCI bus's callbacks with those in other. */
static void
swap_ops(void)
{
	struct pci_ops bus = {
		pci_bus->probe, pci_bus->plug, pci_bus->unplug, pci_bus->dma_map,
		pci_bus->dma_unmap,
	};

	pci_bus->probe = other.probe;
	pci_bus->plug = other.plug;
	pci_bus->unplug = other.unplug;
	pci_bus->dma_map = other.dma_map;
	pci_bus->dma_unmap = other.dma_unmap;
	other = bus;
}

static int
any_device(const struct rte_device *dev, const void *data)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(data);
	return 0;
}

/* Does the PCI bus give this device to its drivers through the IOAS? */
static int
managed(const struct rte_pci_device *pdev)
{
	return started && pdev->kdrv == RTE_PCI_KDRV_VFIO &&
		iommufd_params_pci_managed(&params, pdev->device.name);
}

/*
 * The number of PCI devices that pass want; with v, also a malloc'd array
 * of them in *v (NULL when none). -ENOMEM, said, when out of memory.
 */
static int
collect(struct rte_pci_device ***v, int (*want)(const struct rte_pci_device *pdev))
{
	struct rte_device *dev = NULL;
	unsigned int n = 0, i = 0;

	while ((dev = pci_bus->find_device(dev, any_device, NULL)) != NULL)
		n += want(RTE_DEV_TO_PCI(dev)) != 0;
	if (v == NULL)
		return n;
	*v = NULL;
	if (n == 0)
		return 0;
	*v = malloc(sizeof(**v) * n);
	if (*v == NULL) {
		BUS_LOG(ERR, "out of memory for a list of %u PCI devices", n);
		return -ENOMEM;
	}
	while (i < n && (dev = pci_bus->find_device(dev, any_device, NULL)) != NULL)
		if (want(RTE_DEV_TO_PCI(dev)))
			(*v)[i++] = RTE_DEV_TO_PCI(dev);
	return i;
}

static int
on_ioas(const struct rte_pci_device *pdev)
{
	return pdev->device.driver != NULL &&
		eal_iommu_pci_group_admitted(pdev->device.name) == 1;
}

/* Given to a driver, through VFIO, yet not through the IOAS. */
static int
on_legacy_container(const struct rte_pci_device *pdev)
{
	return pdev->kdrv == RTE_PCI_KDRV_VFIO && pdev->device.driver != NULL &&
		eal_iommu_pci_group_admitted(pdev->device.name) != 1;
}

static void
resync_groups(void)
{
	int n;

	/* A secondary's devices are the primary's, on its IOAS: nothing to count. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	n = collect(NULL, on_legacy_container);
	if (n > 0 && params.pci_mode == IOMMUFD_PCI_ALL)
		BUS_LOG(WARNING, "%d vfio-pci device(s) were given to a driver outside IOAS %u (EAL's VFIO container)",
			n, rte_eal_iommu_ioas_id());
	eal_iommu_pci_group_sync(n);
}

/*
 * Sees each device before every PMD. A positive return passes the device
 * on to the next driver; a negative one stops its probe: no PMD gets it.
 */
static int
gate_probe(struct rte_pci_driver *drv, struct rte_pci_device *pdev)
{
	int ret;

	RTE_SET_USED(drv);
	/*
	 * EAL sets its legacy VFIO container up only for the first group it
	 * opens; groups on the IOAS count as opened, so a vfio-pci device left
	 * out with pci= could not be opened by EAL either: refuse it clearly.
	 */
	if (started && pdev->kdrv == RTE_PCI_KDRV_VFIO && !managed(pdev) &&
	    rte_eal_process_type() == RTE_PROC_PRIMARY) {
		BUS_LOG(ERR, "%s: not in pci=, and EAL's legacy VFIO container cannot serve it beside devices on IOAS %u: add it to pci= or block it (-b)",
			pdev->device.name, rte_eal_iommu_ioas_id());
		return -EPERM;
	}
	/* A secondary opens the primary's devices: their groups are in the IOAS. */
	if (!managed(pdev) || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 1;
	ret = eal_iommu_pci_group_admit(pdev->device.name);
	if (ret == -ENODEV)
		return 1; /* no IOAS: EAL's own VFIO path */
	if (ret < 0) {
		BUS_LOG(ERR, "%s: not given to a driver (see above)", pdev->device.name);
		return ret;
	}
	return 1;
}

static const struct rte_pci_id any_id[] = {
	{ RTE_PCI_DEVICE(RTE_PCI_ANY_ID, RTE_PCI_ANY_ID) },
	{ .vendor_id = 0 },
};

static struct rte_pci_driver gate = {
	.id_table = any_id,
	.probe = gate_probe,
	/* Seen again on re-probes, to pass them on as well. */
	.drv_flags = RTE_PCI_DRV_PROBE_AGAIN,
};

RTE_PMD_REGISTER_PCI(iommufd_ioas_gate, gate);

static int
wrapped_probe(void)
{
	int ret = other.probe();

	resync_groups();
	return ret;
}

static int
wrapped_plug(struct rte_device *dev)
{
	int ret = other.plug(dev);

	resync_groups();
	return ret;
}

static int
wrapped_unplug(struct rte_device *dev)
{
	int ret = other.unplug(dev);

	resync_groups();
	return ret;
}

static int
wrapped_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	if (eal_iommu_pci_group_admitted(dev->name) != 1)
		return other.dma_map(dev, addr, iova, len);
	return eal_iommu_dma_map_owner(addr, len, &iova,
		RTE_EAL_IOMMU_OWNER_EXTERNAL);
}

static int
wrapped_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	if (eal_iommu_pci_group_admitted(dev->name) != 1)
		return other.dma_unmap(dev, addr, iova, len);
	return rte_eal_iommu_dma_unmap(addr, len);
}

unsigned int
iommufd_pci_managed_count(void)
{
	return started ? (unsigned int)collect(NULL, managed) : 0;
}

void
iommufd_pci_expect(void)
{
	struct rte_pci_device **list;
	const char **names;
	int i, n;

	if (!started || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	n = collect(&list, managed);
	if (n <= 0)
		return;
	names = malloc(sizeof(*names) * n);
	if (names == NULL) {
		BUS_LOG(ERR, "out of memory for a list of %u PCI devices", n);
	} else {
		for (i = 0; i < n; i++)
			names[i] = list[i]->device.name;
		if (eal_iommu_pci_expect(names, n) < 0)
			BUS_LOG(ERR, "cannot predict what the PCI devices will reserve: %s",
				rte_strerror(rte_errno));
	}
	free(names);
	free(list);
}

void
iommufd_pci_start(const struct iommufd_params *p)
{
	params = *p;
	pci_bus = rte_bus_find_by_name("pci");
	if (pci_bus == NULL || params.pci_mode == IOMMUFD_PCI_NONE)
		return;
	iommufd_compat_pci_driver_first(pci_bus, &gate);
	other = (struct pci_ops){
		wrapped_probe, wrapped_plug, wrapped_unplug, wrapped_dma_map,
		wrapped_dma_unmap,
	};
	swap_ops();
	started = 1;
	started_by = getpid();
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		iommufd_vfio_mp_start();
	else
		iommufd_vfio_mp_secondary();
}

void
iommufd_pci_stop(void)
{
	struct rte_pci_device **list;
	int i, n;

	if (!started)
		return;
	/*
	 * Devices go before the IOAS: unplug each one on it as hot-unplug
	 * does (its driver removed, then EAL closes its device and group
	 * fds, which takes the group out of the IOAS). The PCI bus's own
	 * cleanup, later, would only remove the drivers.
	 */
	n = collect(&list, on_ioas);
	for (i = 0; i < n && started_by == getpid(); i++)
		if (other.unplug(&list[i]->device) < 0)
			BUS_LOG(ERR, "cannot release a PCI device before closing the IOAS");
	free(list);
	resync_groups();
	iommufd_vfio_mp_stop();
	swap_ops();
	started = 0;
}
