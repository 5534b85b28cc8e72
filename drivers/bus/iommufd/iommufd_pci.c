/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The PCI bus's drivers on the IOAS (iommufd_pci.h). */

#include <errno.h>
#include <string.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pci.h>

#include <rte_eal_iommu.h>
#include <eal_iommu_driver.h>

#include "iommufd_bus_log.h"
#include "iommufd_pci.h"

#define MAX_PCI_DEVICES 256

static struct rte_bus *pci_bus;
static struct iommufd_params params;
static int started;

/* The PCI bus's own callbacks, wrapped while started. */
static rte_bus_probe_t pci_probe;
static rte_bus_plug_t pci_plug;
static rte_bus_unplug_t pci_unplug;
static rte_dev_dma_map_t pci_dma_map;
static rte_dev_dma_unmap_t pci_dma_unmap;

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

/* Call fn for each device on the PCI bus. */
static void
foreach_pci_device(void (*fn)(struct rte_pci_device *pdev, void *arg), void *arg)
{
	struct rte_device *dev = NULL;

	while ((dev = pci_bus->find_device(dev, any_device, NULL)) != NULL)
		fn(RTE_DEV_TO_PCI(dev), arg);
}

static void
count_legacy(struct rte_pci_device *pdev, void *arg)
{
	/* Given to a driver, by VFIO, yet not through the IOAS. */
	if (pdev->kdrv == RTE_PCI_KDRV_VFIO && pdev->device.driver != NULL &&
	    eal_iommu_pci_group_admitted(pdev->device.name) != 1)
		(*(unsigned int *)arg)++;
}

static void
sync(void)
{
	unsigned int legacy = 0;

	foreach_pci_device(count_legacy, &legacy);
	if (legacy > 0 && params.pci_mode == IOMMUFD_PCI_ALL)
		BUS_LOG(WARNING, "%u vfio-pci device(s) were given to a driver outside IOAS %u (EAL's VFIO container)",
			legacy, rte_eal_iommu_ioas_id());
	eal_iommu_pci_group_sync(legacy);
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
	if (!managed(pdev))
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
	int ret = pci_probe();

	sync();
	return ret;
}

static int
wrapped_plug(struct rte_device *dev)
{
	int ret = pci_plug(dev);

	sync();
	return ret;
}

static int
wrapped_unplug(struct rte_device *dev)
{
	int ret = pci_unplug(dev);

	sync();
	return ret;
}

static int
wrapped_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	if (eal_iommu_pci_group_admitted(dev->name) != 1)
		return pci_dma_map(dev, addr, iova, len);
	return eal_iommu_dma_map_owner(addr, len, &iova,
		RTE_EAL_IOMMU_OWNER_EXTERNAL);
}

static int
wrapped_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova, size_t len)
{
	if (eal_iommu_pci_group_admitted(dev->name) != 1)
		return pci_dma_unmap(dev, addr, iova, len);
	return rte_eal_iommu_dma_unmap(addr, len);
}

struct names {
	const char *v[MAX_PCI_DEVICES];
	unsigned int n;
};

static void
add_managed(struct rte_pci_device *pdev, void *arg)
{
	struct names *names = arg;

	if (managed(pdev) && names->n < RTE_DIM(names->v))
		names->v[names->n++] = pdev->device.name;
}

void
iommufd_pci_expect(void)
{
	struct names names = { .n = 0 };

	if (!started || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	foreach_pci_device(add_managed, &names);
	if (eal_iommu_pci_expect(names.v, names.n) < 0)
		BUS_LOG(ERR, "cannot predict what the PCI devices will reserve: %s",
			rte_strerror(rte_errno));
}

void
iommufd_pci_start(const struct iommufd_params *p)
{
	params = *p;
	pci_bus = rte_bus_find_by_name("pci");
	if (pci_bus == NULL || params.pci_mode == IOMMUFD_PCI_NONE)
		return;
	pci_probe = pci_bus->probe;
	pci_plug = pci_bus->plug;
	pci_unplug = pci_bus->unplug;
	pci_dma_map = pci_bus->dma_map;
	pci_dma_unmap = pci_bus->dma_unmap;
	pci_bus->probe = wrapped_probe;
	pci_bus->plug = wrapped_plug;
	pci_bus->unplug = wrapped_unplug;
	pci_bus->dma_map = wrapped_dma_map;
	pci_bus->dma_unmap = wrapped_dma_unmap;
	started = 1;
}

struct pci_devices {
	struct rte_pci_device *v[MAX_PCI_DEVICES];
	unsigned int n;
};

static void
add_on_ioas(struct rte_pci_device *pdev, void *arg)
{
	struct pci_devices *list = arg;

	if (pdev->device.driver != NULL && list->n < RTE_DIM(list->v) &&
	    eal_iommu_pci_group_admitted(pdev->device.name) == 1)
		list->v[list->n++] = pdev;
}

void
iommufd_pci_stop(void)
{
	struct pci_devices on_ioas = { .n = 0 };
	unsigned int i;

	if (!started)
		return;
	/*
	 * Devices go before the IOAS: unplug each one on it as hot-unplug
	 * does (its driver removed, then EAL closes its device and group
	 * fds, which takes the group out of the IOAS). The PCI bus's own
	 * cleanup, later, would only remove the drivers.
	 */
	foreach_pci_device(add_on_ioas, &on_ioas);
	for (i = 0; i < on_ioas.n; i++)
		if (pci_unplug(&on_ioas.v[i]->device) < 0)
			BUS_LOG(ERR, "cannot release a PCI device before closing the IOAS");
	sync();
	pci_bus->probe = pci_probe;
	pci_bus->plug = pci_plug;
	pci_bus->unplug = pci_unplug;
	pci_bus->dma_map = pci_dma_map;
	pci_bus->dma_unmap = pci_dma_unmap;
	started = 0;
}
