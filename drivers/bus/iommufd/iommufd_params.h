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
 *   attach=DDDD:BB:DD.F        a vfio-pci device to attach through its
 *                              cdev, for the application's own use (repeatable)
 *   pci=all|none|DDDD:BB:DD.F  which vfio-pci devices the PCI bus gives to
 *                              its drivers DMA through the IOAS: all it may
 *                              use (default), none, or those listed (repeatable)
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

enum iommufd_pci_mode {
	IOMMUFD_PCI_ALL, /* every vfio-pci device the PCI bus may use */
	IOMMUFD_PCI_NONE, /* none: they use EAL's VFIO container */
	IOMMUFD_PCI_LIST, /* those in pci[] */
};

struct iommufd_params {
	int policy_set;
	enum rte_eal_iommu_policy policy;
	unsigned int nattach;
	char attach[IOMMUFD_PARAMS_MAX_ATTACH][PCI_PRI_STR_SIZE]; /* canonical */
	int pci_set;
	enum iommufd_pci_mode pci_mode;
	unsigned int npci;
	char pci[IOMMUFD_PARAMS_MAX_ATTACH][PCI_PRI_STR_SIZE]; /* canonical */
	int has_config; /* a policy= or attach= key was given */
};

/*
 * Merge the keys of args ("key=value,...") into p. 0, or -EINVAL after
 * logging what is wrong and what to write instead (values escaped).
 */
int iommufd_params_parse(const char *args, struct iommufd_params *p);

/* True when the PCI bus's drivers get device name (canonical) through the IOAS. */
int iommufd_params_pci_managed(const struct iommufd_params *p, const char *name);

/* s with every byte outside printable ASCII written as \xNN, in buf. */
const char *iommufd_params_escape(const char *s, char *buf, size_t size);

#endif /* IOMMUFD_PARAMS_H */
