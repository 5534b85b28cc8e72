/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_VFIO_MP_H
#define IOMMUFD_VFIO_MP_H

/*
 * Secondary processes open the PCI devices through EAL's VFIO group path
 * too, asking the primary over rte_mp for group and container fds and the
 * IOMMU type of its VFIO container. With the groups in the IOAS the
 * primary's legacy container has no type, so EAL would refuse; the
 * primary's answers are taken over here: the same group and container
 * fds, and type 1 (what the iommufd's VFIO compatibility provides).
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

#endif /* IOMMUFD_VFIO_MP_H */
