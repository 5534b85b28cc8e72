/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The fast-path table: writer side, the snapshot of split mappings, the
 * out-of-line lookup and the grace period.
 *
 * Readers announce a lookup by storing the epoch it starts in into their
 * own cache line, and finish it by storing 0. A writer removing a
 * translation clears it, bumps the epoch to E + 1 (which invalidates every
 * lcore's cache: readers check it after announcing), issues
 * membarrier(PRIVATE_EXPEDITED) so every running reader's announcement is
 * visible to it and every later lookup sees the cleared entry, then waits
 * while any reader is in a lookup that started in epoch E or before.
 * Without membarrier, mprotect() on a page of ours stands in for it: the
 * TLB shootdown interrupts every CPU running the process, a full barrier.
 * Many removals share one grace period: each withdraws its translation,
 * then one sync waits for all (iommu_xlate.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_pause.h>

#include "rte_eal_iommu_lookup.h"
#include "eal_iommu_test_hooks.h"
#include "iommu_fault.h"
#include "iommu_ioas.h"
#include "iommu_xlate.h"

#define PAGE_SZ (UINT64_C(1) << RTE_EAL_IOMMU_XLATE_PAGE_SHIFT)
#define PAGE_MASK (PAGE_SZ - 1)
#define TABLE_LIMIT (UINT64_C(1) << RTE_EAL_IOMMU_XLATE_VA_BITS)
/* Reader slots for threads without an lcore id. */
#define POOL_SLOTS 64

struct rte_eal_iommu_xlate rte_eal_iommu_xlate = { .epoch = 1 };

/*
 * Mappings that share a 2 MiB page or lie above the table: sorted by VA,
 * immutable once published, but for a removal's tombstone (len 0).
 */
struct split_mapping {
	uint64_t va;
	uint64_t len;
	uint64_t iova;
};

struct split_snapshot {
	unsigned int count;
	struct split_mapping m[];
};

static struct split_snapshot *split; /* published: readers load it */
/*
 * Inside a batch, split mappings are appended to next, a private copy of
 * the published snapshot ([0, next_sorted) sorted, the rest in insertion
 * order), and published together when the batch ends, with one grace
 * period: adding N split mappings costs one sort, not N copies and N
 * grace periods. Until then their pages read SPLIT and the published
 * snapshot lacks them, so a lookup returns RTE_BAD_IOVA for them, as for
 * memory not yet mapped (the call mapping them has not returned).
 */
static struct split_snapshot *next;
static unsigned int next_cap, next_sorted, batch_depth;
static int next_appended_sorted; /* appended in ascending VA order so far */
/*
 * Ranges withdrawn inside a batch: their partly covered 2 MiB pages are
 * cleared when the batch ends, if no split mapping is left in them then
 * (checked in the sorted snapshot), rather than by scanning next at each
 * withdrawal (a rollback of N mappings would take N^2 steps).
 */
static struct { uint64_t va, len; } *recheck;
static unsigned int nrecheck, recheck_cap;
static int withdrawn; /* translations withdrawn since the last grace period */
static uint64_t grace_periods;
static int use_membarrier;
static volatile uint8_t *barrier_page; /* for the mprotect() fallback */

/* Reader slots for non-EAL threads: claimed once per thread. */
static struct {
	uint64_t active;
	int used;
} __rte_cache_aligned pool[POOL_SLOTS];
static pthread_key_t pool_key;
static __thread int pool_slot = -1;

static void
release_slot(void *slot)
{
	__atomic_store_n(&pool[(uintptr_t)slot - 1].used, 0, __ATOMIC_RELEASE);
}

RTE_INIT(iommu_xlate_init)
{
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
	    syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0) == 0) {
		use_membarrier = 1;
	} else {
		barrier_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (barrier_page == MAP_FAILED)
			barrier_page = NULL;
	}
	pthread_key_create(&pool_key, release_slot);
}

/*
 * A full barrier on every CPU running this process: readers' plain stores
 * before it are visible after it, and their loads after it see our stores.
 */
static void
asymmetric_barrier(void)
{
	if (use_membarrier) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
	} else if (barrier_page != NULL) {
		*barrier_page = 1; /* populated, so the downgrade shoots down TLBs */
		mprotect((void *)(uintptr_t)barrier_page, 4096, PROT_READ);
		mprotect((void *)(uintptr_t)barrier_page, 4096, PROT_READ | PROT_WRITE);
	} else {
		IOMMU_LOG(ERR, "no membarrier() and no barrier page: a lookup may briefly see a removed translation");
	}
}

/* Wait while a reader is in a lookup that started in epoch old or before. */
static void
wait_reader(const uint64_t *active, uint64_t old)
{
	uint64_t a;

	while ((a = __atomic_load_n(active, __ATOMIC_ACQUIRE)) != 0 && a <= old)
		rte_pause();
}

/* Wait until no lookup that started before now is still running. */
static void
grace_period(void)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	uint64_t old = x->epoch;
	unsigned int i;

	__atomic_store_n(&x->epoch, old + 1, __ATOMIC_RELEASE);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	asymmetric_barrier();
	for (i = 0; i < RTE_MAX_LCORE; i++)
		wait_reader(&x->reader[i].active, old);
	for (i = 0; i < POOL_SLOTS; i++)
		wait_reader(&pool[i].active, old);
	withdrawn = 0;
	grace_periods++;
}

void
rte_eal_iommu_xlate_flush(unsigned int lcore, uint64_t epoch)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	unsigned int i;

	for (i = 0; i < RTE_EAL_IOMMU_XLATE_CACHE; i++)
		x->reader[lcore].cache[i].page = UINT64_MAX;
	x->reader[lcore].epoch = epoch;
}

static uint64_t *
entry_ptr(uint64_t page, int create)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	uint64_t **slot = &x->block[page / RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK];
	uint64_t *block = *slot;

	if (block == NULL) {
		if (!create)
			return NULL;
		block = iommu_fault_calloc(RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK, sizeof(*block));
		if (block == NULL)
			return NULL;
		__atomic_store_n(slot, block, __ATOMIC_RELEASE);
	}
	return &block[page % RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK];
}

static void
set_entry(uint64_t *e, uint64_t value)
{
	__atomic_store_n(e, value, __ATOMIC_RELEASE);
}

/* Index of the first mapping in s ending above va. */
static unsigned int
split_lower_bound(const struct split_snapshot *s, uint64_t va)
{
	unsigned int lo = 0, hi = s->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->m[mid].va + s->m[mid].len <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The split mapping containing va, or NULL. */
static const struct split_mapping *
split_find(const struct split_snapshot *s, uint64_t va)
{
	unsigned int i;

	if (s == NULL)
		return NULL;
	i = split_lower_bound(s, va);
	return i < s->count && s->m[i].va <= va ? &s->m[i] : NULL;
}

/* Does a split mapping in s overlap 2 MiB page p? (Tombstones do not.) */
static int
split_in_page(const struct split_snapshot *s, uint64_t p)
{
	unsigned int i;

	if (s == NULL)
		return 0;
	for (i = split_lower_bound(s, p * PAGE_SZ);
	     i < s->count && s->m[i].va < (p + 1) * PAGE_SZ; i++)
		if (s->m[i].len > 0)
			return 1;
	return 0;
}

/*
 * Publish a copy of the snapshot with m added and the tombstones dropped;
 * *old gets the previous one, to free after the next grace period.
 */
static int
split_publish(const struct split_mapping *m, struct split_snapshot **old)
{
	unsigned int n = split != NULL ? split->count : 0, i, j = 0;
	struct split_snapshot *s;
	int inserted = 0;

	s = iommu_fault_malloc(sizeof(*s) + sizeof(s->m[0]) * (n + 1));
	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!inserted && split->m[i].va > m->va) {
			s->m[j++] = *m;
			inserted = 1;
		}
		if (split->m[i].len > 0)
			s->m[j++] = split->m[i];
	}
	if (!inserted)
		s->m[j++] = *m;
	s->count = j;
	*old = split;
	__atomic_store_n(&split, s, __ATOMIC_RELEASE);
	return 0;
}

/* Does [va, va + len) cover 2 MiB page p entirely? */
static int
covers_page(uint64_t va, uint64_t len, uint64_t p)
{
	return va <= p * PAGE_SZ && va + len >= (p + 1) * PAGE_SZ;
}

/* Is any part of [va, va + len) not a whole 2 MiB page of the table? */
static int
is_split(uint64_t va, uint64_t len)
{
	return (va & PAGE_MASK) != 0 || (len & PAGE_MASK) != 0 ||
		va + len > TABLE_LIMIT;
}

#define FOR_EACH_TABLE_PAGE(p, va, len) \
	for ((p) = (va) >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT; \
	     (p) <= ((va) + (len) - 1) >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT && \
	     (p) * PAGE_SZ < TABLE_LIMIT; (p)++)

/* Append m to next (copying the published snapshot first); -ENOMEM. */
static int
next_append(const struct split_mapping *m)
{
	unsigned int n = split != NULL ? split->count : 0, cap;
	struct split_snapshot *s;

	if (next == NULL) {
		cap = RTE_MAX(2 * n, 64u);
		s = iommu_fault_malloc(sizeof(*s) + sizeof(s->m[0]) * cap);
		if (s == NULL)
			return -ENOMEM;
		if (n > 0)
			memcpy(s->m, split->m, sizeof(s->m[0]) * n);
		s->count = n;
		next = s;
		next_cap = cap;
		next_sorted = n;
		next_appended_sorted = 1;
	} else if (next->count == next_cap) {
		cap = 2 * next_cap;
		s = iommu_fault_realloc(next, sizeof(*s) + sizeof(s->m[0]) * cap);
		if (s == NULL)
			return -ENOMEM;
		next = s;
		next_cap = cap;
	}
	if (next->count > next_sorted && next->m[next->count - 1].va >= m->va)
		next_appended_sorted = 0;
	next->m[next->count++] = *m;
	return 0;
}

/* Index of the first mapping in m[lo, hi) (sorted by VA) at or above va. */
static unsigned int
va_lower_bound(const struct split_mapping *m, unsigned int lo, unsigned int hi, uint64_t va)
{
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (m[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The live mapping at va in next, or NULL (sorted part, then the rest). */
static struct split_mapping *
next_find(uint64_t va)
{
	unsigned int i;

	for (i = va_lower_bound(next->m, 0, next_sorted, va);
	     i < next_sorted && next->m[i].va == va; i++)
		if (next->m[i].len > 0)
			return &next->m[i];
	i = next_appended_sorted ? va_lower_bound(next->m, next_sorted, next->count, va) :
		next_sorted;
	for (; i < next->count; i++)
		if (next->m[i].va == va && next->m[i].len > 0)
			return &next->m[i];
		else if (next_appended_sorted && next->m[i].va > va)
			break;
	return NULL;
}

/* Remember [va, va + len) for the end of the batch; 0 or -ENOMEM. */
static int
recheck_add(uint64_t va, uint64_t len)
{
	unsigned int cap;
	void *p;

	if (nrecheck == recheck_cap) {
		cap = recheck_cap ? 2 * recheck_cap : 64;
		p = iommu_fault_realloc(recheck, sizeof(*recheck) * cap);
		if (p == NULL)
			return -ENOMEM;
		recheck = p;
		recheck_cap = cap;
	}
	recheck[nrecheck].va = va;
	recheck[nrecheck++].len = len;
	return 0;
}

/* Does a live mapping in next overlap 2 MiB page p? */
static int
next_in_page(uint64_t p)
{
	unsigned int i;

	for (i = 0; i < next->count; i++)
		if (next->m[i].len > 0 && next->m[i].va < (p + 1) * PAGE_SZ &&
		    next->m[i].va + next->m[i].len > p * PAGE_SZ)
			return 1;
	return 0;
}

static int
split_mapping_cmp(const void *a, const void *b)
{
	const struct split_mapping *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

void
iommu_xlate_batch_begin_locked(void)
{
	iommu_ioas_assert_locked();
	batch_depth++;
}

void
iommu_xlate_batch_end_locked(void)
{
	struct split_snapshot *old = split;
	unsigned int i, j = 0;

	iommu_ioas_assert_locked();
	RTE_ASSERT(batch_depth > 0);
	if (--batch_depth > 0 || next == NULL)
		return;
	/* Sorted, tombstones dropped: no allocation, so this cannot fail. */
	qsort(next->m, next->count, sizeof(next->m[0]), split_mapping_cmp);
	for (i = 0; i < next->count; i++)
		if (next->m[i].len > 0)
			next->m[j++] = next->m[i];
	next->count = j;
	__atomic_store_n(&split, next, __ATOMIC_RELEASE);
	next = NULL;
	/* Pages withdrawn from that no split mapping is left in read 0. */
	for (i = 0; i < nrecheck; i++) {
		uint64_t p, *e;

		FOR_EACH_TABLE_PAGE(p, recheck[i].va, recheck[i].len) {
			e = entry_ptr(p, 0);
			if (e != NULL && *e == RTE_EAL_IOMMU_XLATE_SPLIT &&
			    !split_in_page(split, p))
				set_entry(e, 0);
		}
	}
	nrecheck = 0;
	grace_period(); /* nobody reads the old snapshot any more */
	free(old);
}

int
iommu_xlate_insert_locked(uint64_t va, uint64_t iova, uint64_t len)
{
	const struct split_mapping m = { .va = va, .len = len, .iova = iova };
	struct split_snapshot *old = NULL;
	uint64_t p;
	int ret;

	iommu_ioas_assert_locked();
	/* Create every block first, so that failing changes nothing. */
	FOR_EACH_TABLE_PAGE(p, va, len)
		if (entry_ptr(p, 1) == NULL)
			return -ENOMEM;
	if (is_split(va, len)) {
		ret = batch_depth > 0 ? next_append(&m) : split_publish(&m, &old);
		if (ret < 0)
			return ret;
	}
	FOR_EACH_TABLE_PAGE(p, va, len)
		set_entry(entry_ptr(p, 0), covers_page(va, len, p) ?
			(iova - va) | RTE_EAL_IOMMU_XLATE_VALID :
			RTE_EAL_IOMMU_XLATE_SPLIT);
	if (old != NULL) {
		grace_period(); /* nobody reads the old snapshot any more */
		free(old);
	}
	return 0;
}

void
iommu_xlate_withdraw_locked(uint64_t va, uint64_t len)
{
	struct split_mapping *t;
	uint64_t p;
	int deferred;

	iommu_ioas_assert_locked();
	/* A tombstone (len 0 matches nothing), dropped by the next publish. */
	t = is_split(va, len) ? (struct split_mapping *)(uintptr_t)split_find(split, va) : NULL;
	if (t != NULL && t->va == va)
		__atomic_store_n(&t->len, 0, __ATOMIC_RELEASE);
	/* In a batch: next has it too (copied, or added since), readers do not. */
	t = next != NULL && is_split(va, len) ? next_find(va) : NULL;
	if (t != NULL)
		t->len = 0;
	/* Pages it shares: at the end of the batch, or now if that cannot be. */
	deferred = next != NULL && recheck_add(va, len) == 0;
	FOR_EACH_TABLE_PAGE(p, va, len) {
		uint64_t *e = entry_ptr(p, 0);

		if (e == NULL || (!covers_page(va, len, p) && deferred))
			continue;
		if (covers_page(va, len, p) ||
		    (next != NULL ? !next_in_page(p) : !split_in_page(split, p)))
			set_entry(e, 0);
	}
	withdrawn = 1;
}

void
iommu_xlate_sync_locked(void)
{
	iommu_ioas_assert_locked();
	if (withdrawn)
		grace_period();
}

void
iommu_xlate_remove_locked(uint64_t va, uint64_t len)
{
	iommu_xlate_withdraw_locked(va, len);
	iommu_xlate_sync_locked();
}

void
iommu_xlate_clear_locked(void)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	struct split_snapshot *old = split;
	unsigned int i;

	iommu_ioas_assert_locked();
	free(next);
	next = NULL;
	nrecheck = 0;
	batch_depth = 0;
	for (i = 0; i < RTE_EAL_IOMMU_XLATE_BLOCKS; i++)
		if (x->block[i] != NULL)
			memset(x->block[i], 0,
				sizeof(uint64_t) * RTE_EAL_IOMMU_XLATE_PAGES_PER_BLOCK);
	__atomic_store_n(&split, NULL, __ATOMIC_RELEASE);
	grace_period();
	free(old);
}

/*
 * Translate [va, va + len): the table for whole pages, the snapshot for
 * split ones; IOVA-contiguous means one iova - va throughout.
 */
static uint64_t
translate_range(uint64_t va, uint64_t len)
{
	const struct split_snapshot *s = __atomic_load_n(&split, __ATOMIC_ACQUIRE);
	uint64_t cur = va, end = va + len, delta = 0, d, next;
	int first = 1;

	if (len == 0 || end < va)
		return RTE_BAD_IOVA;
	while (cur < end) {
		uint64_t page = cur >> RTE_EAL_IOMMU_XLATE_PAGE_SHIFT;
		uint64_t e = cur < TABLE_LIMIT ?
			__rte_eal_iommu_xlate_entry(&rte_eal_iommu_xlate, page) :
			RTE_EAL_IOMMU_XLATE_SPLIT;

		if (e & RTE_EAL_IOMMU_XLATE_VALID) {
			d = e & ~RTE_EAL_IOMMU_XLATE_FLAGS;
			next = (page + 1) * PAGE_SZ;
		} else if (e & RTE_EAL_IOMMU_XLATE_SPLIT) {
			const struct split_mapping *m = split_find(s, cur);

			if (m == NULL)
				return RTE_BAD_IOVA;
			d = m->iova - m->va;
			next = m->va + m->len;
		} else {
			return RTE_BAD_IOVA;
		}
		if (!first && d != delta)
			return RTE_BAD_IOVA;
		delta = d;
		first = 0;
		if (next <= cur)
			break; /* the top of the address space */
		cur = next;
	}
	return va + delta;
}

/* This thread's pool slot, claimed on its first lookup; -1 if none is left. */
static int
claim_slot(void)
{
	int i, expected;

	if (pool_slot >= 0)
		return pool_slot;
	for (i = 0; i < POOL_SLOTS; i++) {
		expected = 0;
		if (__atomic_compare_exchange_n(&pool[i].used, &expected, 1, 0,
				__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			pool_slot = i;
			pthread_setspecific(pool_key, (void *)(uintptr_t)(i + 1));
			return i;
		}
	}
	return -1;
}

uint64_t
rte_eal_iommu_lookup_slow(const void *va, size_t len)
{
	struct rte_eal_iommu_xlate *x = &rte_eal_iommu_xlate;
	unsigned int lcore = rte_lcore_id();
	uint64_t *active, iova;
	int slot;

	if (lcore < RTE_MAX_LCORE) {
		active = &x->reader[lcore].active;
		/*
		 * Never inside a lookup of this lcore's: clearing the line below
		 * would end that lookup's announcement early (a burst calls this
		 * only once its own is over).
		 */
		RTE_ASSERT(__atomic_load_n(active, __ATOMIC_RELAXED) == 0);
	} else {
		slot = claim_slot();
		if (slot < 0) {
			/* Every slot taken: serialise with the writers instead. */
			iommu_ioas_lock();
			iova = translate_range((uintptr_t)va, len);
			iommu_ioas_unlock();
			return iova;
		}
		active = &pool[slot].active;
	}
	/*
	 * Acquire: a reader that announces the new epoch (so no writer waits
	 * for it) must then see the snapshot published before the epoch's
	 * release store; on weakly ordered CPUs a relaxed load would let the
	 * snapshot load below be satisfied first, from the old snapshot that
	 * the writer frees (lookup.rst, "Ordering").
	 */
	__atomic_store_n(active, __atomic_load_n(&x->epoch, __ATOMIC_ACQUIRE),
		__ATOMIC_RELAXED);
	rte_compiler_barrier();
	iova = translate_range((uintptr_t)va, len);
	__atomic_store_n(active, 0, __ATOMIC_RELEASE);
	return iova;
}

int
eal_iommu_xlate_insert(uint64_t va, uint64_t iova, uint64_t len)
{
	int ret;

	iommu_ioas_lock();
	ret = iommu_xlate_insert_locked(va, iova, len);
	iommu_ioas_unlock();
	return ret;
}

void
eal_iommu_xlate_remove(uint64_t va, uint64_t len)
{
	iommu_ioas_lock();
	iommu_xlate_remove_locked(va, len);
	iommu_ioas_unlock();
}

void
eal_iommu_test_xlate_batch(int begin)
{
	iommu_ioas_lock();
	if (begin)
		iommu_xlate_batch_begin_locked();
	else
		iommu_xlate_batch_end_locked();
	iommu_ioas_unlock();
}

uint64_t
eal_iommu_test_grace_periods(void)
{
	uint64_t n;

	iommu_ioas_lock();
	n = grace_periods;
	iommu_ioas_unlock();
	return n;
}
