/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_IOAS_H
#define IOMMU_IOAS_H

/*
 * The process's one IOAS: its identity (iommufd fd, IOAS id, whose it is),
 * its valid IOVA ranges as last read, the lock that guards every piece of
 * the library's state, the log type and the errno convention.
 *
 * Every piece of state has one owner, which keeps it file-local; the
 * owners are listed in doc/guides/design.rst ("State and its owners"),
 * checked by devtools/check-owners.py. This file's: the IOAS's identity
 * and ranges, and the lock. All of it is read and written with the IOAS
 * lock held, except the fast-path table's readers.
 *
 * Lock order, outermost first:
 *   1. EAL's memory hotplug lock (rte_mcfg_mem_write_lock()): held by EAL
 *      around every heap growth and shrink, so around every memory event;
 *   2. EAL's memory event lock (taken by EAL while it calls the memory
 *      event callbacks, and by rte_mem_event_callback_register/unregister);
 *   3. the IOAS lock.
 * Hence memory event callbacks are registered and unregistered only
 * without the IOAS lock held (iommu_ioas_assert_unlocked()), and code
 * that walks DPDK memory takes the hotplug lock before the IOAS lock.
 * Functions named *_locked() need the IOAS lock and assert it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "iova_ranges.h"

/*
 * The IOAS's identity: set when it is opened, in this process or as a
 * primary's (iommu_ioas_set_open_locked()), cleared when it is closed
 * (iommu_ioas_reset_locked()), both with the IOAS lock held. Read without
 * the lock it is either value (an IOAS is never opened twice over).
 */
int iommu_ioas_fd(void); /* the iommufd, -1 when closed */
uint32_t iommu_ioas_id(void); /* 0 when closed */
int iommu_ioas_is_secondary(void); /* the IOAS is the primary process's */
void iommu_ioas_set_open_locked(int fd, uint32_t ioas_id, int secondary);
/* The process that opened it (its forked children never change it). */
pid_t iommu_ioas_owner_locked(void);

/* The valid IOVA ranges: the kernel's minus expected reservations. */
const struct iova_ranges *iommu_ioas_ranges_locked(void);
/* The valid IOVA ranges as the kernel reported them last. */
const struct iova_ranges *iommu_ioas_kernel_ranges_locked(void);

extern int eal_iommu_logtype;

#define IOMMU_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, eal_iommu_logtype, "EAL_IOMMU: " fmt "\n", \
		## __VA_ARGS__)

void iommu_ioas_lock(void);
void iommu_ioas_unlock(void);

/* True when the calling thread holds the IOAS lock. */
int iommu_ioas_lock_held(void);

#define iommu_ioas_assert_locked() RTE_ASSERT(iommu_ioas_lock_held())
#define iommu_ioas_assert_unlocked() RTE_ASSERT(!iommu_ioas_lock_held())

/* Set rte_errno from a negative errno and return that negative errno. */
static inline int
iommu_set_rte_errno(int neg_errno)
{
	rte_errno = -neg_errno;
	return neg_errno;
}

/* True while the IOAS is open. */
int iommu_ioas_is_open_locked(void);

/*
 * 0 in the primary that opened the IOAS; -EPERM, logged, for calls that
 * change the IOAS in a secondary or in a forked child of that process
 * (which shares the iommufd: the kernel objects are the parent's).
 */
int iommu_ioas_require_primary_locked(const char *what);

/* True in a forked child of the process that opened the IOAS. */
int iommu_ioas_forked_locked(void);

/* Re-read the valid IOVA ranges (after the IOAS is allocated, and after every attach and detach). */
int iommu_ioas_ranges_refresh_locked(void);

/*
 * Reservations devices will make when they attach (v[0..n), copied):
 * taken out of the valid ranges now, so nothing is mapped there. Replaces
 * the previous list; the ranges are recomputed.
 */
int iommu_ioas_expect_locked(const struct iova_range *v, unsigned int n);

/* Forget the identity and the ranges (the IOAS was closed). */
void iommu_ioas_reset_locked(void);

#endif /* IOMMU_IOAS_H */
