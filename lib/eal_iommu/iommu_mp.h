/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_MP_H
#define IOMMU_MP_H

/* Handing the primary's IOAS to secondary processes (rte_mp, fd passing). */

/* Answer secondary processes' requests for the IOAS (primary). */
void iommu_mp_primary_start(void);
void iommu_mp_primary_stop(void);

/* Take over the primary's iommufd fd, IOAS and policy; the IOAS lock held. */
int iommu_mp_secondary_open_locked(void);

#endif /* IOMMU_MP_H */
