/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef TEST_ETHDEV_H
#define TEST_ETHDEV_H

#include <stdint.h>

#define TEST_PORTS_POOL "payload_pool"
#define TEST_PORTS_PACKETS 32

/* The two ports; -1 (saying why) unless exactly two. */
int test_ports_find(uint16_t ports[2]);

/*
 * Primary: a pool (TEST_PORTS_POOL) and both ports started with link up.
 * With IOMMU_TEST_POOL_XMEM=1 the pool is in 4 KiB external memory, as
 * testpmd --mp-alloc=xmem makes it.
 */
int test_ports_start(uint16_t ports[2]);

/*
 * Known payloads from ports[0] to ports[1] and back, checked; 0 or -1.
 * With IOMMU_TEST_PORTS_LOCK (a file), under its lock: processes sharing
 * the ports take turns.
 */
int test_ports_exchange(const uint16_t ports[2]);

/*
 * The same with every sent packet in memory DPDK added (its heap grew)
 * after the devices attached: hot-added memory is DMA-able by them.
 */
int test_ports_exchange_hotadded(const uint16_t ports[2]);

/*
 * From the kernel, not the plug-in's books: how many VFIO containers of
 * this process have an IOMMU set (a group in EAL's legacy type1
 * container); -1 when /proc/self/fd cannot be read.
 */
int test_legacy_containers_in_use(void);

/*
 * True when the dump lists every port's device on the IOAS, none outside,
 * and the kernel has no group of this process in a legacy container.
 */
int test_ports_on_ioas(void);

#endif /* TEST_ETHDEV_H */
