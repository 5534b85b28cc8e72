/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_VIRT2IOVA_USERS_H
#define IOMMU_VIRT2IOVA_USERS_H

/* Warn about loaded components that rely on rte_mem_virt2iova() (window policy). */
void iommu_warn_virt2iova_users(void);

#endif /* IOMMU_VIRT2IOVA_USERS_H */
