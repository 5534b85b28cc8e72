/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_WINDOW_PA_USERS_H
#define IOMMU_WINDOW_PA_USERS_H

/* Warn about loaded components that rely on rte_mem_virt2iova() (window policy). */
void iommu_window_warn_pa_users(void);

#endif /* IOMMU_WINDOW_PA_USERS_H */
