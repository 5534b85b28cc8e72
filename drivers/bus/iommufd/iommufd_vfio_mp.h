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

/* Secondary, before its PCI devices are probed: ask the primary to take over. */
int iommufd_vfio_mp_secondary(void);

#endif /* IOMMUFD_VFIO_MP_H */
