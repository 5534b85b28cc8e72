/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Is all DPDK memory DMA-able? Failures, counters and the check. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_status.h"

/* Memory recorded as not DMA-able; failed_bytes is the sum of its lengths. */
static struct {
	struct rte_eal_iommu_failure *v;
	unsigned int count;
	unsigned int capacity;
	uint64_t failed_bytes;
} failures;

const char *
iommu_owner_name(enum rte_eal_iommu_owner owner)
{
	switch (owner) {
	case RTE_EAL_IOMMU_OWNER_DPDK:
		return "dpdk";
	case RTE_EAL_IOMMU_OWNER_EXTERNAL:
		return "external";
	case RTE_EAL_IOMMU_OWNER_APP:
		return "app";
	}
	return "?";
}

const char *
iommu_map_error_hint(int err)
{
	switch (err) {
	case ENOMEM:
		return "out of memory in the kernel";
	case EINVAL:
		return "the IOVA is reserved or misaligned";
	case EEXIST:
		return "already mapped (the VA range, or the IOVA range given): unmap it first";
	case EFAULT:
		return "the VA is not mapped in this process";
	case ENOSPC:
		return "no free IOVA range is large enough";
	case ERANGE:
		return "the IOVA is outside the valid IOVA ranges";
	default:
		return strerror(err);
	}
}

#define CAP_IPC_LOCK_BIT 14 /* linux/capability.h */

void
iommu_status_memlock(struct iommu_memlock *m)
{
	unsigned long long cap = 0, pin_kb = 0;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char line[256];
	FILE *f;

	getrlimit(RLIMIT_MEMLOCK, &rl);
	m->limit = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
	f = fopen("/proc/self/status", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "CapEff: %llx", &cap) != 1)
			sscanf(line, "VmPin: %llu kB", &pin_kb);
	if (f != NULL)
		fclose(f);
	m->pinned = (uint64_t)pin_kb << 10;
	m->charged = !(cap & (1ULL << CAP_IPC_LOCK_BIT)) && m->limit != UINT64_MAX;
}

const char *
iommu_status_memlock_explain(uint64_t len, char *buf, size_t size)
{
	struct iommu_memlock m;
	uint64_t need;

	iommu_status_memlock(&m);
	need = m.pinned + len;
	if (!m.charged || need <= m.limit)
		return NULL;
	snprintf(buf, size, "pinning %" PRIu64 " more bytes exceeds RLIMIT_MEMLOCK: %" PRIu64 " bytes needed (%" PRIu64 " pinned already by this process; the kernel charges all processes of this user), the limit is %" PRIu64 " bytes; to fix: raise the limit to at least %" PRIu64 " bytes ('ulimit -l %" PRIu64 "' in kB, 'prlimit --memlock=%" PRIu64 "', memlock in /etc/security/limits.conf, LimitMEMLOCK= for a systemd service), or run with CAP_IPC_LOCK (not charged), or use less DPDK memory (-m)",
		len, need, m.pinned, m.limit, need, (need + 1023) >> 10, need);
	return buf;
}

const char *
iommu_map_error_explain(int err, uint64_t len, char *buf, size_t size)
{
	struct iommu_memlock m;
	const char *memlock;

	if (err != ENOMEM)
		return iommu_map_error_hint(err);
	memlock = iommu_status_memlock_explain(len, buf, size);
	if (memlock != NULL)
		return memlock;
	iommu_status_memlock(&m);
	if (!m.charged)
		return iommu_map_error_hint(err);
	/* Within the limit for this process: the user's other processes pin too. */
	snprintf(buf, size, "out of memory, or pinning %" PRIu64 " more bytes exceeds RLIMIT_MEMLOCK together with what this user's other processes pin (the limit is %" PRIu64 " bytes, this process pins %" PRIu64 "); to fix: raise the limit above %" PRIu64 " bytes plus their share ('ulimit -l', 'prlimit --memlock=', memlock in /etc/security/limits.conf), or run with CAP_IPC_LOCK",
		len, m.limit, m.pinned, m.pinned + len);
	return buf;
}

void
iommu_status_record_failure_locked(uint64_t va, uint64_t len, int err,
		enum rte_eal_iommu_owner owner)
{
	iommu_ioas_assert_locked();
	if (failures.count == failures.capacity) {
		unsigned int cap = failures.capacity ? failures.capacity * 2 : 16;
		struct rte_eal_iommu_failure *v = iommu_fault_realloc(failures.v, sizeof(*v) * cap);

		if (v == NULL) {
			/* The counters and the log still tell. */
			IOMMU_LOG(ERR, "cannot record the failure at VA 0x%" PRIx64,
				va);
			return;
		}
		failures.v = v;
		failures.capacity = cap;
	}
	failures.v[failures.count++] = (struct rte_eal_iommu_failure){
		.va = va, .len = len, .err = err, .owner = owner,
	};
	failures.failed_bytes += len;
}

/* Forget the failures inside [va, va + len) of owner (any owner if owner < 0). */
static void
forget(uint64_t va, uint64_t len, int owner)
{
	unsigned int i = 0;

	while (i < failures.count) {
		struct rte_eal_iommu_failure *f = &failures.v[i];

		if (f->va >= va && f->va + f->len <= va + len &&
		    (owner < 0 || (int)f->owner == owner)) {
			failures.failed_bytes -= f->len;
			*f = failures.v[--failures.count];
		} else {
			i++;
		}
	}
}

void
iommu_status_forget_locked(uint64_t va, uint64_t len)
{
	iommu_ioas_assert_locked();
	forget(va, len, -1);
}

void
iommu_status_forget_owner_locked(enum rte_eal_iommu_owner owner)
{
	iommu_ioas_assert_locked();
	forget(0, UINT64_MAX, owner);
}

void
iommu_status_clear_locked(void)
{
	iommu_ioas_assert_locked();
	free(failures.v);
	memset(&failures, 0, sizeof(failures));
}

unsigned int
iommu_status_failure_count_locked(void)
{
	iommu_ioas_assert_locked();
	return failures.count;
}

void
iommu_status_foreach_failure_locked(void (*fn)(const struct rte_eal_iommu_failure *f,
		void *arg), void *arg)
{
	unsigned int i;

	iommu_ioas_assert_locked();
	for (i = 0; i < failures.count; i++)
		fn(&failures.v[i], arg);
}

struct unmapped_count {
	unsigned int count;
	int log;
};

static int
check_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct unmapped_count *u = arg;

	if (msl->external || iommu_map_covers_locked(ms->addr_64, ms->len))
		return 0;
	if (u->log && u->count < 8)
		IOMMU_LOG(ERR, "DPDK memory at VA %p length 0x%zx is not mapped in IOAS %u",
			ms->addr, ms->len, iommu_ioas_id());
	u->count++;
	return 0;
}

unsigned int
iommu_status_unmapped_segments_locked(int log)
{
	struct unmapped_count u = { .count = 0, .log = log };

	iommu_ioas_assert_locked();
	rte_memseg_walk_thread_unsafe(check_segment, &u);
	return u.count;
}

static void
log_failure(const struct rte_eal_iommu_failure *f, void *arg)
{
	RTE_SET_USED(arg);
	IOMMU_LOG(ERR, "%s memory at VA 0x%" PRIx64 " length 0x%" PRIx64 " is not DMA-able: %s",
		f->owner == RTE_EAL_IOMMU_OWNER_DPDK ? "DPDK" : "external",
		f->va, f->len, iommu_map_error_hint(f->err));
}

int
rte_eal_iommu_check(void)
{
	unsigned int unmapped;
	int ret = 0;

	rte_mcfg_mem_read_lock();
	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		ret = -ENODEV;
		goto out;
	}
	if (iommu_ioas_is_secondary()) {
		IOMMU_LOG(ERR, "a secondary process cannot check DMA-ability: ask the primary, which owns the mappings");
		ret = -ENOTSUP;
		goto out;
	}
	unmapped = iommu_status_unmapped_segments_locked(1);
	iommu_status_foreach_failure_locked(log_failure, NULL);
	if (unmapped > 0 || failures.count > 0)
		ret = -EFAULT;
out:
	iommu_ioas_unlock();
	rte_mcfg_mem_read_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
rte_eal_iommu_failures(struct rte_eal_iommu_failure *f, unsigned int max)
{
	unsigned int n;

	iommu_ioas_lock();
	n = failures.count;
	if (max > 0 && n > 0)
		memcpy(f, failures.v, sizeof(*f) * RTE_MIN(n, max));
	iommu_ioas_unlock();
	return (int)n;
}

void
iommu_status_stats_locked(struct rte_eal_iommu_stats *stats)
{
	iommu_ioas_assert_locked();
	iommu_map_stats_locked(stats);
	stats->failed_bytes = failures.failed_bytes;
}

int
rte_eal_iommu_stats_get(struct rte_eal_iommu_stats *stats)
{
	iommu_ioas_lock();
	iommu_status_stats_locked(stats);
	iommu_ioas_unlock();
	return 0;
}

uint64_t
rte_eal_iommu_mapped_bytes(void)
{
	struct rte_eal_iommu_stats stats;

	rte_eal_iommu_stats_get(&stats);
	return stats.mapped_bytes;
}
