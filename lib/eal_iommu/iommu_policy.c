/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The IOVA policy (iommu_policy.h). The decision table below is the only
 * place that says which policy and EAL IOVA mode can work; refusal_fix[]
 * and fix_hint() are the only hints. Before DPDK memory exists the table
 * decides the bus's IOVA-mode vote from predicted facts; at map time it
 * decides again with EAL's IOVA mode in force.
 *
 * State, with the IOAS lock held: requested (set by the application or
 * the bus), effective and windows (valid while applied).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_iommu_driver.h"
#include "iommu_fault.h"
#include "iommu_host.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_policy.h"
#include "iommu_window_pa_users.h"
#include "iommu_window.h"

static enum rte_eal_iommu_policy requested;
static enum rte_eal_iommu_policy effective;
static int applied;
static struct iommu_window windows[RTE_MAX_MEMSEG_LISTS];
static unsigned int nwindows;

static const char *const policy_names[] = {
	[RTE_EAL_IOMMU_POLICY_AUTO] = "auto",
	[RTE_EAL_IOMMU_POLICY_VA] = "va",
	[RTE_EAL_IOMMU_POLICY_PA] = "pa",
	[RTE_EAL_IOMMU_POLICY_WINDOW] = "window",
};

#define ANY -1
#define SAME -1 /* effective: the requested policy */

/* First matching row wins. mode ANY matches every mode, DC only "EAL may choose". */
static const struct decision {
	int requested;
	int mode;
	int va_fits;
	int phys;
	int effective; /* a policy, SAME, or ANY with a refusal */
	enum iommu_policy_refusal refusal;
} decisions[] = {
	{ RTE_EAL_IOMMU_POLICY_VA, RTE_IOVA_PA, ANY, ANY, ANY, IOMMU_POLICY_VA_NEEDS_VA_MODE },
	{ RTE_EAL_IOMMU_POLICY_VA, ANY, 0, ANY, ANY, IOMMU_POLICY_VA_OUTSIDE },
	{ RTE_EAL_IOMMU_POLICY_VA, ANY, ANY, ANY, SAME, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_PA, RTE_IOVA_VA, ANY, ANY, ANY, IOMMU_POLICY_NEEDS_PA_MODE },
	{ RTE_EAL_IOMMU_POLICY_PA, ANY, ANY, 0, ANY, IOMMU_POLICY_NO_PHYS },
	{ RTE_EAL_IOMMU_POLICY_PA, ANY, ANY, ANY, SAME, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_WINDOW, RTE_IOVA_VA, ANY, ANY, ANY, IOMMU_POLICY_NEEDS_PA_MODE },
	{ RTE_EAL_IOMMU_POLICY_WINDOW, ANY, ANY, 0, ANY, IOMMU_POLICY_NO_PHYS },
	{ RTE_EAL_IOMMU_POLICY_WINDOW, ANY, ANY, ANY, SAME, IOMMU_POLICY_OK },
	/* auto: va when DPDK's VA fits, else pa; an IOVA mode in force decides. */
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_PA, ANY, 0, ANY, IOMMU_POLICY_NO_PHYS },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_PA, ANY, ANY, RTE_EAL_IOMMU_POLICY_PA, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_VA, 0, ANY, ANY, IOMMU_POLICY_VA_OUTSIDE },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_VA, ANY, ANY, RTE_EAL_IOMMU_POLICY_VA, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_DC, 1, ANY, RTE_EAL_IOMMU_POLICY_VA, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_DC, 0, 1, RTE_EAL_IOMMU_POLICY_PA, IOMMU_POLICY_OK },
	{ RTE_EAL_IOMMU_POLICY_AUTO, RTE_IOVA_DC, 0, 0, ANY, IOMMU_POLICY_VA_OUTSIDE_NO_PHYS },
};

/* What to do about each refusal. */
static const char *const refusal_fix[] = {
	[IOMMU_POLICY_VA_NEEDS_VA_MODE] = "policy va (IOVA = VA) needs EAL IOVA mode 'va': drop --iova-mode=pa, or select the pa or window policy",
	[IOMMU_POLICY_NEEDS_PA_MODE] = "needs EAL IOVA mode 'pa' (DPDK then uses each segment's iova): run with --iova-mode=pa (as root), not --iova-mode=va",
	[IOMMU_POLICY_NO_PHYS] = "needs EAL IOVA mode 'pa', which needs physical addresses: run as root, with hugepages",
	[IOMMU_POLICY_VA_OUTSIDE] = "run with --iova-mode=pa (policy pa, or -a bus=iommufd,policy=window), or place DPDK memory inside a valid range with --base-virtaddr=<address>",
	[IOMMU_POLICY_VA_OUTSIDE_NO_PHYS] = "without physical addresses (not root) the pa policy cannot be used: run as root with --iova-mode=pa, or place DPDK memory inside a valid range with --base-virtaddr=<address>",
};

/* What to do when the policy's IOVAs do not fit the valid ranges. */
static const char *
fix_hint(enum rte_eal_iommu_policy policy)
{
	switch (policy) {
	case RTE_EAL_IOMMU_POLICY_VA:
		return "run with --iova-mode=pa (the pa policy maps physical addresses), or with -a bus=iommufd,policy=window and --iova-mode=pa, or place DPDK memory inside a valid range with --base-virtaddr=<address>";
	case RTE_EAL_IOMMU_POLICY_PA:
		return "select -a bus=iommufd,policy=window (IOVAs chosen inside the valid ranges)";
	default:
		return "use less DPDK memory (-m, fewer hugepages) or devices whose IOMMU aperture is wider";
	}
}

static int
matches(int row, int value)
{
	return row == ANY || row == value;
}

enum iommu_policy_refusal
iommu_policy_decide(enum rte_eal_iommu_policy req,
		const struct iommu_policy_facts *f, enum rte_eal_iommu_policy *eff)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(decisions); i++) {
		const struct decision *d = &decisions[i];

		if (d->requested != (int)req || !matches(d->mode, f->mode) ||
		    !matches(d->va_fits, !!f->va_fits) || !matches(d->phys, !!f->phys))
			continue;
		if (d->refusal == IOMMU_POLICY_OK)
			*eff = d->effective == SAME ? req :
				(enum rte_eal_iommu_policy)d->effective;
		return d->refusal;
	}
	return IOMMU_POLICY_VA_OUTSIDE_NO_PHYS; /* unreachable: auto's rows cover all */
}

enum rte_iova_mode
iommu_policy_iova_mode(enum rte_eal_iommu_policy eff)
{
	return eff == RTE_EAL_IOMMU_POLICY_VA ? RTE_IOVA_VA : RTE_IOVA_PA;
}

const char *
rte_eal_iommu_policy_name(enum rte_eal_iommu_policy policy)
{
	if ((unsigned int)policy < RTE_DIM(policy_names))
		return policy_names[policy];
	return "?";
}

int
rte_eal_iommu_policy_parse(const char *name, enum rte_eal_iommu_policy *policy)
{
	unsigned int i;

	for (i = 0; name != NULL && i < RTE_DIM(policy_names); i++)
		if (strcmp(name, policy_names[i]) == 0) {
			*policy = i;
			return 0;
		}
	return iommu_set_rte_errno(-EINVAL);
}

int
rte_eal_iommu_set_policy(enum rte_eal_iommu_policy policy)
{
	int ret = 0;

	if ((unsigned int)policy >= RTE_DIM(policy_names))
		return iommu_set_rte_errno(-EINVAL);
	iommu_ioas_lock();
	if (iommu_ioas_is_secondary())
		ret = iommu_ioas_require_primary_locked("set policy");
	else if (applied && policy != requested)
		ret = -EBUSY;
	else
		requested = policy;
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

enum rte_eal_iommu_policy
iommu_policy_current_locked(void)
{
	iommu_ioas_assert_locked();
	return applied ? effective : requested;
}

int
iommu_policy_applied_locked(void)
{
	iommu_ioas_assert_locked();
	return applied;
}

enum rte_eal_iommu_policy
rte_eal_iommu_policy(void)
{
	enum rte_eal_iommu_policy p;

	iommu_ioas_lock();
	p = iommu_policy_current_locked();
	iommu_ioas_unlock();
	return p;
}

/* The refusal, logged: what cannot work, where DPDK's VA lies, the ranges, the fix. */
static int
report_refusal(enum rte_eal_iommu_policy req, enum iommu_policy_refusal why,
		const struct iova_ranges *ranges, const char *ranges_what,
		uint64_t va_base, uint64_t va_len)
{
	char buf[512];

	if (why == IOMMU_POLICY_VA_OUTSIDE || why == IOMMU_POLICY_VA_OUTSIDE_NO_PHYS) {
		IOMMU_LOG(ERR, "DPDK memory cannot be DMA-mapped at IOVA = VA (policy %s): the VA DPDK will use lies outside the valid IOVA ranges",
			rte_eal_iommu_policy_name(req));
		IOMMU_LOG(ERR, "  DPDK will reserve VA [0x%" PRIx64 ", 0x%" PRIx64 "] for its memory",
			va_base, va_base + va_len - 1);
		IOMMU_LOG(ERR, "  valid IOVA ranges %s: %s", ranges_what,
			iova_ranges_format(ranges, buf, sizeof(buf)));
		IOMMU_LOG(ERR, "  to fix: %s", refusal_fix[why]);
		return -ERANGE;
	}
	IOMMU_LOG(ERR, "policy %s cannot work here: %s", rte_eal_iommu_policy_name(req),
		refusal_fix[why]);
	return -EINVAL;
}

/*
 * The vote of the table for req given ranges (real or predicted); logs a
 * refusal. The IOVA mode counts as "EAL may choose": EAL asks the buses
 * (get_iommu_class) only when no --iova-mode was given, and before that
 * (devargs) nothing but argv would tell, which is not read (an
 * application may pass rte_eal_init() an argv of its own, and getopt_long
 * accepts many spellings). A mode forced with --iova-mode is checked when
 * EAL has decided it, at map time (iommu_policy_resolve_locked()), and a
 * refusal then makes the bus fail rte_eal_init().
 */
static int
vote(enum rte_eal_iommu_policy req, const struct iova_ranges *ranges,
		const char *ranges_what, enum rte_iova_mode *mode)
{
	struct iommu_policy_facts f = {
		.mode = RTE_IOVA_DC,
		.phys = rte_eal_using_phys_addrs(),
	};
	enum rte_eal_iommu_policy eff = RTE_EAL_IOMMU_POLICY_AUTO;
	enum iommu_policy_refusal why;
	uint64_t base, len;

	iommu_host_predict_va_windows(&base, &len);
	f.va_fits = iova_ranges_contain(ranges, base, len);
	why = iommu_policy_decide(req, &f, &eff);
	if (why != IOMMU_POLICY_OK)
		return report_refusal(req, why, ranges, ranges_what, base, len);
	*mode = iommu_policy_iova_mode(eff);
	return 0;
}

int
eal_iommu_startup_vote(enum rte_iova_mode *mode)
{
	char what[32];
	int ret;

	iommu_ioas_lock();
	snprintf(what, sizeof(what), "of IOAS %u", iommu_ioas_id());
	ret = iommu_ioas_is_open_locked() ?
		vote(requested, iommu_ioas_ranges_locked(), what, mode) : -ENODEV;
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
eal_iommu_startup_predict(enum rte_eal_iommu_policy req,
		const char *const *devices, unsigned int ndevices)
{
	struct iova_ranges ranges = { iommu_fault_malloc(sizeof(struct iova_range)), 1, 1 };
	enum rte_iova_mode mode;
	char what[128] = "";
	unsigned int i;
	int ret = 0;

	if (ranges.ranges == NULL)
		return iommu_set_rte_errno(-ENOMEM);
	ranges.ranges[0] = (struct iova_range){ 0, UINT64_MAX };
	for (i = 0; i < ndevices && ret == 0; i++) {
		ret = iommu_host_predict_device_ranges(devices[i], &ranges);
		if (ret == -ENODEV)
			IOMMU_LOG(ERR, "%s is in no IOMMU group: it cannot be attached; enable the IOMMU (intel_iommu=on or AMD-Vi) and bind it to vfio-pci",
				devices[i]);
	}
	if (ret == 0) {
		snprintf(what, sizeof(what), "predicted for %s%s",
			ndevices > 0 ? devices[0] : "no device",
			ndevices > 1 ? " and the other devices" : "");
		ret = vote(req, &ranges, what, &mode);
	}
	free(ranges.ranges);
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
iommu_policy_resolve_locked(enum rte_eal_iommu_policy *eff)
{
	/* At map time EAL's IOVA mode is in force; the mapping checks the ranges. */
	const struct iommu_policy_facts f = {
		.mode = rte_eal_iova_mode(),
		.va_fits = 1,
		.phys = rte_eal_iova_mode() == RTE_IOVA_PA,
	};
	enum iommu_policy_refusal why;

	iommu_ioas_assert_locked();
	why = iommu_policy_decide(requested, &f, eff);
	if (why == IOMMU_POLICY_OK)
		return 0;
	IOMMU_LOG(ERR, "policy %s cannot work in EAL IOVA mode '%s': %s",
		rte_eal_iommu_policy_name(requested),
		f.mode == RTE_IOVA_VA ? "va" : "pa", refusal_fix[why]);
	return -ENOTSUP;
}

/* Log why DPDK memory cannot be mapped: what, where, the ranges, the fix. */
static void
report_outside(enum rte_eal_iommu_policy policy, unsigned int outside,
		unsigned int total, const char *what, uint64_t va, uint64_t iova,
		uint64_t len)
{
	char ranges[512];

	IOMMU_LOG(ERR, "cannot map DPDK memory with policy %s: %u of %u %s lie outside the valid IOVA ranges of IOAS %u; nothing was mapped",
		rte_eal_iommu_policy_name(policy), outside, total, what,
		iommu_ioas_id());
	IOMMU_LOG(ERR, "  first: VA [0x%" PRIx64 ", 0x%" PRIx64 "] at IOVA [0x%" PRIx64 ", 0x%" PRIx64 "]",
		va, va + len - 1, iova, iova + len - 1);
	IOMMU_LOG(ERR, "  valid IOVA ranges: %s (alignment 0x%" PRIx64 ")",
		iova_ranges_format(iommu_ioas_ranges_locked(), ranges, sizeof(ranges)),
		iommu_ioas_ranges_locked()->alignment);
	IOMMU_LOG(ERR, "  to fix: %s", fix_hint(policy));
}

/* va: every list's whole VA window must fit, for memory added later too. */
static int
assign_va(struct iommu_dpdk_memory *mem)
{
	unsigned int i, outside = 0, first = 0;

	for (i = 0; i < mem->nlists; i++) {
		const struct rte_memseg_list *msl = mem->lists[i];
		uint64_t base = (uintptr_t)msl->base_va;

		windows[i] = (struct iommu_window){
			.va_base = base, .len = msl->len, .iova_base = base,
			.page_sz = msl->page_sz,
		};
		if (!iova_ranges_contain(iommu_ioas_ranges_locked(), base, msl->len) &&
		    outside++ == 0)
			first = i;
	}
	if (outside > 0) {
		const struct iommu_window *w = &windows[first];

		report_outside(RTE_EAL_IOMMU_POLICY_VA, outside, mem->nlists,
			"memory segment list VA windows", w->va_base, w->iova_base,
			w->len);
		return -ERANGE;
	}
	for (i = 0; i < mem->nsegs; i++)
		mem->segs[i].iova = mem->segs[i].ms->addr_64;
	return 0;
}

/* pa: each page's physical address, as EAL set it in PA mode. */
static int
assign_pa(struct iommu_dpdk_memory *mem)
{
	unsigned int i, outside = 0, first = 0;

	for (i = 0; i < mem->nsegs; i++) {
		const struct rte_memseg *ms = mem->segs[i].ms;

		mem->segs[i].iova = ms->iova;
		if ((ms->iova == RTE_BAD_IOVA ||
		     !iova_ranges_contain(iommu_ioas_ranges_locked(), ms->iova, ms->len)) &&
		    outside++ == 0)
			first = i;
	}
	if (outside > 0) {
		const struct rte_memseg *ms = mem->segs[first].ms;

		report_outside(RTE_EAL_IOMMU_POLICY_PA, outside, mem->nsegs,
			"memory segments", ms->addr_64, ms->iova, ms->len);
		return -ERANGE;
	}
	return 0;
}

/* window: one IOVA window per list, sized by what can back it. */
static int
assign_window(struct iommu_dpdk_memory *mem)
{
	struct window_request req[RTE_MAX_MEMSEG_LISTS];
	struct iova_range *used = NULL;
	unsigned int i, j, failed = 0;
	int nused, ret;

	for (i = 0; i < mem->nlists; i++) {
		const struct rte_memseg_list *msl = mem->lists[i];
		uint64_t budget = iommu_host_hugepage_bytes(msl->socket_id, msl->page_sz);

		/* Earlier lists of the same type take the budget first. */
		for (j = 0; j < i; j++)
			if (mem->lists[j]->socket_id == msl->socket_id &&
			    mem->lists[j]->page_sz == msl->page_sz)
				budget -= RTE_MIN(budget, req[j].need);
		req[i] = (struct window_request){
			.va_base = (uintptr_t)msl->base_va, .va_len = msl->len,
			.page_sz = msl->page_sz, .need = RTE_MIN(budget, msl->len),
			.min_len = mem->used_len[i],
		};
	}
	/* Windows go around whatever else the IOAS maps. */
	nused = iommu_map_used_iovas_locked(&used);
	if (nused < 0)
		return nused;
	ret = window_plan(iommu_ioas_ranges_locked(), used, nused, req, mem->nlists,
		windows, &failed);
	free(used);
	if (ret == -ENOSPC) {
		char ranges[512];

		IOMMU_LOG(ERR, "cannot map DPDK memory with policy window: no room for a 0x%" PRIx64 "-byte IOVA window for the memory segment list at VA 0x%" PRIx64 " in the valid IOVA ranges of IOAS %u; nothing was mapped",
			RTE_MAX(req[failed].min_len, req[failed].need),
			req[failed].va_base, iommu_ioas_id());
		IOMMU_LOG(ERR, "  valid IOVA ranges: %s",
			iova_ranges_format(iommu_ioas_ranges_locked(), ranges, sizeof(ranges)));
		IOMMU_LOG(ERR, "  to fix: %s", fix_hint(RTE_EAL_IOMMU_POLICY_WINDOW));
	}
	if (ret < 0)
		return ret;
	for (i = 0; i < mem->nlists; i++)
		if (windows[i].len > 0)
			IOMMU_LOG(INFO, "IOVA window [0x%" PRIx64 ", 0x%" PRIx64 "] for the memory segment list at VA 0x%" PRIx64,
				windows[i].iova_base,
				windows[i].iova_base + windows[i].len - 1,
				windows[i].va_base);
	for (i = 0; i < mem->nsegs; i++) {
		const struct iommu_window *w = &windows[mem->segs[i].list];

		mem->segs[i].iova = w->iova_base + (mem->segs[i].ms->addr_64 - w->va_base);
	}
	return 0;
}

/* Hand the windows to the map layer: their IOVAs are handed out. */
static int
reserve_windows(unsigned int n)
{
	struct iova_range v[RTE_MAX_MEMSEG_LISTS];
	unsigned int i, count = 0;

	for (i = 0; i < n; i++)
		if (windows[i].len > 0)
			v[count++] = (struct iova_range){ windows[i].iova_base,
				windows[i].iova_base + windows[i].len - 1 };
	nwindows = n;
	return iommu_map_reserve_locked(v, count);
}

int
iommu_policy_assign_locked(enum rte_eal_iommu_policy eff,
		struct iommu_dpdk_memory *mem)
{
	int ret;

	iommu_ioas_assert_locked();
	ret = eff == RTE_EAL_IOMMU_POLICY_VA ? assign_va(mem) :
		eff == RTE_EAL_IOMMU_POLICY_PA ? assign_pa(mem) :
		assign_window(mem);
	if (ret == 0 && eff != RTE_EAL_IOMMU_POLICY_PA)
		ret = reserve_windows(mem->nlists);
	if (ret < 0)
		iommu_policy_reset_locked();
	return ret;
}

void
iommu_policy_applied_set_locked(enum rte_eal_iommu_policy eff,
		struct iommu_dpdk_memory *mem)
{
	unsigned int i;

	iommu_ioas_assert_locked();
	effective = eff;
	applied = 1;
	if (eff != RTE_EAL_IOMMU_POLICY_WINDOW)
		return;
	for (i = 0; i < mem->nsegs; i++)
		mem->segs[i].ms->iova = mem->segs[i].iova;
	iommu_window_warn_pa_users();
}

void
iommu_policy_reset_locked(void)
{
	iommu_ioas_assert_locked();
	applied = 0;
	nwindows = 0;
	memset(windows, 0, sizeof(windows));
	iommu_map_reserve_locked(NULL, 0);
}

void
iommu_policy_adopt_locked(enum rte_eal_iommu_policy eff, int is_applied)
{
	iommu_ioas_assert_locked();
	requested = effective = eff;
	applied = is_applied;
}

/* The window policy's IOVA for va, or RTE_BAD_IOVA outside every window. */
static uint64_t
window_iova(uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < nwindows; i++) {
		const struct iommu_window *w = &windows[i];

		if (va >= w->va_base && va - w->va_base + len <= w->len)
			return w->iova_base + (va - w->va_base);
	}
	return RTE_BAD_IOVA;
}

uint64_t
iommu_policy_segment_iova_locked(const struct rte_memseg *ms)
{
	iommu_ioas_assert_locked();
	switch (effective) {
	case RTE_EAL_IOMMU_POLICY_VA:
		return ms->addr_64;
	case RTE_EAL_IOMMU_POLICY_PA:
		return ms->iova;
	default:
		return window_iova(ms->addr_64, ms->len);
	}
}

void
iommu_policy_segment_publish_locked(struct rte_memseg *ms, uint64_t iova)
{
	iommu_ioas_assert_locked();
	if (effective == RTE_EAL_IOMMU_POLICY_WINDOW)
		ms->iova = iova;
}
