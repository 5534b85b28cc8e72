/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Memory DPDK adds or frees after the start-up mapping (primary). Heap
 * growth that pinning would take past RLIMIT_MEMLOCK is refused before it
 * happens (an allocation validator): the allocation fails. EAL's memory
 * events cannot veto an allocation: memory that still cannot be mapped is
 * recorded (iommu_status.h), counted and logged (one line per event, at
 * most one every REPORT_INTERVAL_S), and rte_eal_iommu_check() fails until
 * it is freed.
 *
 * State (the IOAS lock): the report limiter.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_mem.h"
#include "iommu_vfio_cdev.h"
#include "iommu_vfio_group.h"
#include "iommu_policy.h"
#include "iommu_status.h"

#define MEM_EVENT_NAME "eal_iommu"
#define VALIDATOR_NAME "eal_iommu_memlock"
#define REPORT_INTERVAL_S 10

/* Run-time failure reports: at most one ERR line per REPORT_INTERVAL_S. */
static struct {
	int any;
	struct timespec last;
	unsigned int suppressed;
} reports;

/*
 * May a report be logged now? If not it is counted; *suppressed gets the
 * reports held back since the last one logged.
 */
static int
report_allowed_locked(unsigned int *suppressed)
{
	struct timespec now;

	iommu_ioas_assert_locked();
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (reports.any && now.tv_sec - reports.last.tv_sec < REPORT_INTERVAL_S) {
		reports.suppressed++;
		return 0;
	}
	reports.any = 1;
	reports.last = now;
	*suppressed = reports.suppressed;
	reports.suppressed = 0;
	return 1;
}

/* The memory added by one event that could not be mapped. */
struct added_failures {
	unsigned int segs;
	uint64_t bytes;
	uint64_t first_va;
	int first_err; /* 0: outside the list's IOVA window */
};

static void
dpdk_segment_added(struct rte_memseg *ms, struct added_failures *af)
{
	uint64_t iova = iommu_policy_segment_iova_locked(ms);
	int ret;

	ret = iommu_map_fixed_locked(ms->addr_64, ms->len, iova,
		RTE_EAL_IOMMU_OWNER_DPDK);
	if (ret < 0) {
		if (af->segs++ == 0) {
			af->first_va = ms->addr_64;
			af->first_err = iova == RTE_BAD_IOVA ? 0 : -ret;
		}
		af->bytes += ms->len;
		iommu_status_record_failure_locked(ms->addr_64, ms->len, -ret,
			RTE_EAL_IOMMU_OWNER_DPDK);
		iova = RTE_BAD_IOVA;
	}
	iommu_policy_segment_publish_locked(ms, iova);
}

/* One line for the memory one event added and could not map. */
static void
report_added_failures_locked(const struct added_failures *af)
{
	struct rte_eal_iommu_stats stats;
	unsigned int suppressed = 0;
	char why[768];

	if (af->segs == 0)
		return;
	if (!report_allowed_locked(&suppressed)) {
		IOMMU_LOG(DEBUG, "DPDK memory added at VA 0x%" PRIx64 " (%u segments, %" PRIu64 " bytes) is NOT DMA-able",
			af->first_va, af->segs, af->bytes);
		return;
	}
	iommu_status_stats_locked(&stats);
	IOMMU_LOG(ERR, "DPDK memory added at VA 0x%" PRIx64 " (%u segments, %" PRIu64 " bytes) is NOT DMA-able: mapping it (policy %s) failed: %s; %" PRIu64 " bytes are not DMA-able now (rte_eal_iommu_check() fails until they are freed)%s",
		af->first_va, af->segs, af->bytes,
		rte_eal_iommu_policy_name(iommu_policy_current_locked()),
		af->first_err == 0 ? "outside its memory segment list's IOVA window" :
		iommu_map_error_explain(af->first_err, af->bytes, why, sizeof(why)),
		stats.failed_bytes,
		suppressed > 0 ? "; earlier reports held back, see the counters" : "");
}

/*
 * The run of pages of msl from va (at most len bytes) adjacent in IOVA:
 * its length, and its IOVA in *iova.
 */
static uint64_t
iova_run(const struct rte_memseg_list *msl, uint64_t va, uint64_t len, uint64_t *iova)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg((void *)(uintptr_t)va, msl);
	uint64_t run = msl->page_sz;

	*iova = ms->iova;
	while (run < len) {
		ms = rte_mem_virt2memseg((void *)(uintptr_t)(va + run), msl);
		if (ms->iova != *iova + run)
			break;
		run += msl->page_sz;
	}
	return run;
}

/*
 * External memory added to a heap: at the caller's IOVAs, one area per run
 * of pages adjacent in IOVA (4 KiB pages at IOVA = VA are one area;
 * scattered physical addresses a run each), or at one kernel-chosen IOVA.
 * Either way it is freed as a whole (DPDK removes a registration whole),
 * so an area never needs splitting.
 */
static void
external_added(const struct rte_memseg_list *msl, uint64_t va, uint64_t len)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg((void *)(uintptr_t)va, msl);
	uint64_t off = 0, run = 0, done, iova = RTE_BAD_IOVA, first = RTE_BAD_IOVA;
	unsigned int areas = 0;
	int ret = 0;

	if (ms != NULL && ms->iova != RTE_BAD_IOVA) {
		for (off = 0; off < len && ret == 0; off += run, areas++) {
			run = iova_run(msl, va + off, len - off, &iova);
			ret = iommu_map_share_locked(va + off, run, iova,
				RTE_EAL_IOMMU_OWNER_EXTERNAL);
			if (off == 0)
				first = iova;
		}
		/* Undo the runs before the one that failed: the same runs again. */
		if (ret < 0)
			for (done = off - run, off = 0; off < done; off += run) {
				run = iova_run(msl, va + off, done - off, &iova);
				iommu_map_remove_locked(va + off, run);
			}
	} else {
		ret = iommu_map_any_locked(va, len, RTE_EAL_IOMMU_OWNER_EXTERNAL,
			&first);
		areas = 1;
	}
	if (ret < 0) {
		unsigned int suppressed = 0;
		char why[768];

		if (report_allowed_locked(&suppressed))
			IOMMU_LOG(ERR, "external memory added at VA 0x%" PRIx64 " length 0x%" PRIx64 " is NOT DMA-able: %s",
				va, len, iommu_map_error_explain(-ret, len, why, sizeof(why)));
		iommu_status_record_failure_locked(va, len, -ret,
			RTE_EAL_IOMMU_OWNER_EXTERNAL);
		return;
	}
	IOMMU_LOG(DEBUG, "external memory at VA 0x%" PRIx64 " length 0x%" PRIx64 " mapped at IOVA 0x%" PRIx64 " (%u area(s))",
		va, len, first, areas);
}

/* Unmap every mapping inside [va, va + len) and forget failures there. */
static void
range_removed(uint64_t va, uint64_t len)
{
	struct iommu_map cut;
	int ret;

	ret = iommu_map_remove_freed_locked(va, len, &cut);
	if (ret == -EINVAL)
		IOMMU_LOG(ERR, "freed VA [0x%" PRIx64 ", 0x%" PRIx64 "] cuts the mapping at VA 0x%" PRIx64 " length 0x%" PRIx64 ": left mapped",
			va, va + len - 1, cut.va, cut.len);
	else if (ret < 0)
		IOMMU_LOG(ERR, "cannot unmap freed memory at VA 0x%" PRIx64 " (IOVA 0x%" PRIx64 " length 0x%" PRIx64 "): %s; the IOAS keeps it mapped, its pages pinned, until a retry at the next memory event or at teardown unmaps it; lookups no longer translate it",
			cut.va, cut.iova, cut.len, strerror(-ret));
	iommu_status_forget_locked(va, len);
}

/*
 * Areas of memory freed earlier whose unmap the kernel refused: try again
 * first, so the memory can come back at the same VA.
 */
static void
retry_stale(void)
{
	unsigned int left, done = iommu_map_retry_stale_locked(&left);

	if (done > 0)
		IOMMU_LOG(INFO, "unmapped %u area(s) of memory freed earlier (the kernel had refused); %u left",
			done, left);
}

/* Memory a forked child allocates is not DMA-able: say so, once. */
static void
report_forked_event_locked(enum rte_mem_event type, uint64_t va, size_t len)
{
	static int reported;

	if (reported)
		return;
	reported = 1;
	IOMMU_LOG(WARNING, "forked child of process %d: DPDK memory %s here ([0x%" PRIx64 ", +0x%zx) first) is not %s its IOAS %u, which a child never changes",
		(int)iommu_ioas_owner_locked(), type == RTE_MEM_EVENT_FREE ? "freed" : "added",
		va, len, type == RTE_MEM_EVENT_FREE ? "unmapped from" : "mapped into",
		iommu_ioas_id());
}

static void
mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	uint64_t va = (uintptr_t)addr, off;

	RTE_SET_USED(arg);
	iommu_ioas_lock();
	if (!iommu_policy_applied_locked() || msl == NULL)
		goto out;
	if (iommu_ioas_forked_locked()) {
		/* The IOAS is the parent's: a forked child never changes it. */
		report_forked_event_locked(type, va, len);
		goto out;
	}
	iommu_map_batch_begin_locked();
	retry_stale();
	if (type == RTE_MEM_EVENT_FREE) {
		range_removed(va, len);
	} else if (msl->external) {
		external_added(msl, va, len);
	} else {
		struct added_failures af = { .segs = 0 };

		for (off = 0; off < len; off += msl->page_sz)
			dpdk_segment_added(rte_mem_virt2memseg(
				(void *)(uintptr_t)(va + off), msl), &af);
		report_added_failures_locked(&af);
	}
	iommu_map_batch_end_locked();
out:
	iommu_ioas_unlock();
}

struct socket_bytes {
	int socket;
	uint64_t bytes;
};

static int
add_socket_bytes(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct socket_bytes *sb = arg;

	if (!msl->external && msl->socket_id == sb->socket)
		sb->bytes += ms->len;
	return 0;
}

/* Pinned and charged: a device (a domain) is attached. */
static int
mappings_pinned_locked(void)
{
	return iommu_vfio_cdev_count_locked() > 0 ||
		iommu_vfio_group_device_count_locked() > 0;
}

/*
 * EAL asks before it grows the heap of socket to new_len bytes (EAL's
 * memory hotplug lock held, so DPDK memory cannot change meanwhile):
 * refuse when pinning the new memory would exceed RLIMIT_MEMLOCK. The
 * kernel charges all of this user's processes, of which only this one is
 * known here: a refusal is certain, an acceptance is not.
 */
static int
memlock_validator(int socket, size_t cur_limit, size_t new_len)
{
	struct socket_bytes sb = { .socket = socket, .bytes = 0 };
	unsigned int suppressed = 0;
	const char *why = NULL;
	char buf[768];
	uint64_t more;

	RTE_SET_USED(cur_limit);
	rte_memseg_walk_thread_unsafe(add_socket_bytes, &sb);
	if (new_len <= sb.bytes)
		return 0;
	more = new_len - sb.bytes;
	iommu_ioas_lock();
	if (iommu_policy_applied_locked() && mappings_pinned_locked())
		why = iommu_status_memlock_explain(more, buf, sizeof(buf));
	if (why != NULL && report_allowed_locked(&suppressed))
		IOMMU_LOG(ERR, "DPDK heap growth on socket %d refused, the allocation fails: %s%s",
			socket, why,
			suppressed > 0 ? "; earlier reports held back" : "");
	else if (why != NULL)
		IOMMU_LOG(DEBUG, "DPDK heap growth on socket %d by %" PRIu64 " bytes refused (RLIMIT_MEMLOCK)",
			socket, more);
	iommu_ioas_unlock();
	return why != NULL ? -1 : 0;
}

/* Refuse heap growth past RLIMIT_MEMLOCK on every socket DPDK has. */
static void
validators_start(void)
{
	unsigned int i;

	if (!iommu_mem_events_possible()) /* legacy mode: the heap never grows */
		return;
	for (i = 0; i < rte_socket_count(); i++)
		if (rte_mem_alloc_validator_register(VALIDATOR_NAME, memlock_validator,
				rte_socket_id_by_idx(i), 0) < 0 && rte_errno != EEXIST)
			IOMMU_LOG(WARNING, "cannot watch heap growth on socket %d against RLIMIT_MEMLOCK (%s): growth past it will be refused by the kernel only",
				rte_socket_id_by_idx(i), rte_strerror(rte_errno));
}

static void
validators_stop(void)
{
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		rte_mem_alloc_validator_unregister(VALIDATOR_NAME,
			rte_socket_id_by_idx(i));
}

int
iommu_mem_events_possible(void)
{
	/* Unregistering a name never registered: ENOENT, or ENOTSUP in legacy mode. */
	return rte_mem_event_callback_unregister(MEM_EVENT_NAME "_probe", NULL) == 0 ||
		rte_errno != ENOTSUP;
}

int
iommu_mem_events_start(void)
{
	iommu_ioas_assert_unlocked();
	validators_start();
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, mem_event, NULL) == 0 ||
	    rte_errno == EEXIST)
		return 0;
	if (rte_errno == ENOTSUP) /* legacy memory never changes */
		return 0;
	IOMMU_LOG(ERR, "cannot follow DPDK memory events (%s): memory added later will not be DMA-able",
		rte_strerror(rte_errno));
	return -rte_errno;
}

void
iommu_mem_events_stop(void)
{
	iommu_ioas_assert_unlocked();
	rte_mem_event_callback_unregister(MEM_EVENT_NAME, NULL);
	validators_stop();
}
