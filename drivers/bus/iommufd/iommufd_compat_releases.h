/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_COMPAT_RELEASES_H
#define IOMMUFD_COMPAT_RELEASES_H

/* Inside the compatibility unit only (iommufd_compat.h): what a release does. */

/* EAL's VFIO multi-process requests (lib/eal/linux/eal_vfio.h). */
struct compat_vfio_mp {
	int req_container;          /* a container fd */
	int req_group;              /* the fd of group group_num */
	int req_default_container;  /* the primary's default container; 0: none */
	int req_iommu_type;         /* the default container's IOMMU type */
};

struct compat_release {
	unsigned int year, month, minor_first, minor_last;
	struct compat_vfio_mp vfio_mp;
};

/* The running release's facts; NULL unless iommufd_compat_check() passed. */
const struct compat_release *iommufd_compat_release(void);

#endif /* IOMMUFD_COMPAT_RELEASES_H */
