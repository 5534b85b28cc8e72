/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMUFD_PARAMS_H
#define IOMMUFD_PARAMS_H

/*
 * The iommufd bus's devargs, parsed into a configuration and nothing
 * else: no file is opened, no IOAS allocated, no device touched.
 *
 *   policy=auto|va|pa|window   how DPDK memory gets its IOVAs
 *   attach=DDDD:BB:DD.F        a vfio-pci device to attach (repeatable)
 *   bus=iommufd, name=ioas     accepted (EAL's own devargs forms)
 *
 * Several devargs strings merge into one configuration; a key given
 * twice with different values is an error, never "last wins".
 */

#include <rte_pci.h>

#include <rte_eal_iommu.h>

#define IOMMUFD_BUS_NAME "iommufd"
#define IOMMUFD_DEVICE_NAME "ioas"
#define IOMMUFD_PARAMS_MAX_ATTACH 32

struct iommufd_params {
	int policy_set;
	enum rte_eal_iommu_policy policy;
	unsigned int nattach;
	char attach[IOMMUFD_PARAMS_MAX_ATTACH][PCI_PRI_STR_SIZE]; /* canonical */
	int has_config; /* a policy= or attach= key was given */
};

/*
 * Merge the keys of args ("key=value,...") into p. 0, or -EINVAL after
 * logging what is wrong and what to write instead (values escaped).
 */
int iommufd_params_parse(const char *args, struct iommufd_params *p);

/* s with every byte outside printable ASCII written as \xNN, in buf. */
const char *iommufd_params_escape(const char *s, char *buf, size_t size);

#endif /* IOMMUFD_PARAMS_H */
