/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef IOMMU_POLICY_H
#define IOMMU_POLICY_H

/*
 * The IOVA policy, in one place: its names, the one decision table (which
 * policy and EAL IOVA mode can work, given the facts), the one set of
 * hints for refusals, and the IOVA each DPDK memory segment gets. It owns
 * the requested and the effective policy and DPDK's IOVA windows, and
 * hands the windows to the map layer to protect. Functions named
 * *_locked() need the IOAS lock.
 */

#include <stdint.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "rte_eal_iommu.h"
#include "iommu_dpdk_memory.h"

/* Why a policy cannot work. */
enum iommu_policy_refusal {
	IOMMU_POLICY_OK,
	IOMMU_POLICY_VA_NEEDS_VA_MODE, /* policy va, IOVA mode pa */
	IOMMU_POLICY_NEEDS_PA_MODE, /* policy pa or window, IOVA mode va */
	IOMMU_POLICY_NO_PHYS, /* PA mode needed, no physical addresses */
	IOMMU_POLICY_VA_OUTSIDE, /* IOVA = VA needed, DPDK's VA lies outside the ranges */
	IOMMU_POLICY_VA_OUTSIDE_NO_PHYS, /* auto: neither va nor pa can work */
};

/* What the decision depends on. */
struct iommu_policy_facts {
	enum rte_iova_mode mode; /* the EAL IOVA mode in force; DC: EAL may choose */
	int va_fits; /* DPDK's VA windows lie inside the valid IOVA ranges */
	int phys; /* physical addresses are available (PA mode can work) */
};

/*
 * The decision table: the policy in effect (never auto) for requested
 * under the facts, or a refusal. Pure.
 */
enum iommu_policy_refusal iommu_policy_decide(enum rte_eal_iommu_policy requested,
		const struct iommu_policy_facts *facts,
		enum rte_eal_iommu_policy *effective);

/* The EAL IOVA mode the effective policy needs. */
enum rte_iova_mode iommu_policy_iova_mode(enum rte_eal_iommu_policy effective);

/* The policy in effect while DPDK memory is mapped, else the one requested. */
enum rte_eal_iommu_policy iommu_policy_current_locked(void);

/* True while DPDK memory is mapped under the effective policy. */
int iommu_policy_applied_locked(void);

/* At map time, with EAL's IOVA mode fixed: the effective policy; -ENOTSUP, logged. */
int iommu_policy_resolve_locked(enum rte_eal_iommu_policy *effective);

/*
 * Give every collected segment its IOVA under effective, after checking
 * them (for va, every list's VA window; for window, room for the windows)
 * against the valid ranges, and reserve the windows with the map layer.
 * -ERANGE or -ENOSPC, logged with the fix, reserving nothing.
 */
int iommu_policy_assign_locked(enum rte_eal_iommu_policy effective,
		struct iommu_dpdk_memory *mem);

/* The segments are mapped: the policy is in effect (window: segments' iova published). */
void iommu_policy_applied_set_locked(enum rte_eal_iommu_policy effective,
		struct iommu_dpdk_memory *mem);

/* DPDK memory is no longer mapped: forget the windows and their reservation. */
void iommu_policy_reset_locked(void);

/* A secondary takes the primary's policy. */
void iommu_policy_adopt_locked(enum rte_eal_iommu_policy effective, int applied);

/* The IOVA the effective policy gives a segment DPDK adds; RTE_BAD_IOVA if none. */
uint64_t iommu_policy_segment_iova_locked(const struct rte_memseg *ms);

/*
 * Publish a new segment's IOVA where DPDK reads it (window: ms->iova;
 * RTE_BAD_IOVA when it could not be mapped, so no device gets the
 * physical address instead).
 */
void iommu_policy_segment_publish_locked(struct rte_memseg *ms, uint64_t iova);

#endif /* IOMMU_POLICY_H */
