/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_BUS_LOG_H
#define IOMMUFD_BUS_LOG_H

#include <rte_log.h>

extern int iommufd_bus_logtype;

#define BUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, iommufd_bus_logtype, "IOMMUFD_BUS: " fmt "\n", \
		## __VA_ARGS__)

#endif /* IOMMUFD_BUS_LOG_H */
