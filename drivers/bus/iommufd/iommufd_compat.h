/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_COMPAT_H
#define IOMMUFD_COMPAT_H

/*
 * The DPDK-compatibility unit: every fact the plug-in relies on that DPDK
 * keeps private (outside its public and driver SDK headers), and so may
 * change in any release, lives behind this header, nowhere else:
 *
 *   iommufd_compat.c          the releases known, what each does, and
 *                             which one is running (rte_version_*())
 *   iommufd_compat_vfio_mp.c  EAL's VFIO multi-process protocol
 *                             (lib/eal/linux/eal_vfio.h), and the way a
 *                             bus can still fail rte_eal_init() in probe
 *   iommufd_compat_pci.c      the PCI bus's private layout
 *                             (drivers/bus/pci/private.h)
 *   iommufd_compat_bus.c      the order of EAL's bus list
 *
 * When DPDK gains its own iommufd path, this unit is what gets replaced.
 * Invariant: the VFIO protocol and the PCI bus's layout are used only
 * after iommufd_compat_check() accepted the running release; on a release
 * it does not know the plug-in stays out (EAL's own VFIO path is used),
 * saying so. The bus list's order is the same in every release known.
 */

#include <bus_driver.h>
#include <bus_pci_driver.h>

/*
 * Is the running DPDK a release whose private facts are known here? 0, or
 * -ENOTSUP with an error naming the running and the supported releases
 * (logged once). what says what is refused (for the message).
 */
int iommufd_compat_check(const char *what);

/* The running release as "22.11.7", once iommufd_compat_check() passed. */
const char *iommufd_compat_running(void);

/*
 * Secondary processes open the PCI devices through EAL's VFIO group path
 * too, asking the primary over rte_mp for group and container fds and the
 * IOMMU type of its VFIO container. With the groups in the IOAS the
 * primary's legacy container has no type, so EAL would refuse: the
 * primary takes EAL's answers over (iommufd_compat_vfio_mp.c says how).
 */

/*
 * Primary: be ready to take over EAL's VFIO answers. EAL registers them
 * only at the end of rte_eal_init(), before any secondary can start; each
 * secondary asks for the take-over first (iommufd_vfio_mp_secondary()).
 */
void iommufd_vfio_mp_start(void);
void iommufd_vfio_mp_stop(void);

/*
 * Primary, from the bus's probe: make rte_eal_init() fail. DPDK 22.11
 * ignores bus probe errors, but after probing it registers EAL's VFIO
 * answers and fails when it cannot (lib/eal/linux/eal.c,
 * vfio_mp_sync_setup()): registering them here first makes it fail, with
 * rte_errno EEXIST. 0 when armed; -ENOTSUP when EAL skips that step (no
 * VFIO, or no shared config: --no-shconf, --in-memory) or it cannot be
 * armed, and rte_eal_init() then succeeds.
 */
int iommufd_vfio_mp_fail_init(void);

/* Secondary, before its PCI devices are probed: ask the primary to take over. */
int iommufd_vfio_mp_secondary(void);

/*
 * Move driver gate to the front of the PCI bus's driver list, so that it
 * sees every device before any PMD (EAL loads the PMD directory in
 * directory order: a PMD loaded before the plug-in registered first).
 */
void iommufd_compat_pci_driver_first(struct rte_bus *pci_bus, struct rte_pci_driver *gate);

/*
 * From a constructor, once bus is registered: bus probes before every
 * bus registered earlier (buses registered later follow it anyway).
 */
void iommufd_compat_bus_first(struct rte_bus *bus);

#endif /* IOMMUFD_COMPAT_H */
