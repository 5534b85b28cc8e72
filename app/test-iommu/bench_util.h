/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>

/*
 * The benchmarks' floor: a second IOAS on the plug-in's iommufd, with a
 * vfio-pci device attached through its cdev when one is named (so that
 * mapping there pins pages and programs a real IOMMU, as the plug-in's).
 */
struct bench_raw_ioas {
	uint32_t ioas;
	int dev; /* the device's fd, or -1 */
};

/* Open it (dev2: a vfio-pci device's PCI address, or NULL); 0 or -1 (said). */
int bench_raw_ioas_open(struct bench_raw_ioas *raw, const char *dev2);
void bench_raw_ioas_close(struct bench_raw_ioas *raw);

#endif /* BENCH_UTIL_H */
