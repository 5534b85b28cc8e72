/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Lookups on every lcore (and a non-EAL thread) while another thread maps
 * and unmaps application buffers through the kernel, each generation at a
 * new IOVA. Every lookup is checked against the buffer's state around it:
 * started after an unmap returned: RTE_BAD_IOVA; started after a map
 * returned: that mapping's IOVA; overlapping a change: RTE_BAD_IOVA or an
 * IOVA the buffer had meanwhile, never another. A third of the checks are
 * bursts (rte_eal_iommu_lookup_bulk(), 0 to 32 VAs, of random buffers or
 * half the time of one, so that whole-page bursts take the one-entry
 * path; a burst is one lookup): each VA is checked against its buffer's
 * state before and after the burst. Runs for
 * IOMMU_TEST_STRESS_SECONDS (default 3). Needs the plug-in (any profile).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "test.h"

#define M2 (UINT64_C(2) << 20)
#define NBUF 8
#define HISTORY 64 /* generations remembered per buffer */
#define IOVA_BASE UINT64_C(0x7e0000000000)
#define BURST 32

enum buf_state { UNMAPPED, MAPPING, MAPPED, UNMAPPING };

struct buf {
	uint8_t *va;
	size_t len;
	uint64_t seq; /* odd while the mapper updates the fields below */
	uint64_t gen;
	enum buf_state state;
	uint64_t iova_of[HISTORY]; /* IOVA of generation g at g % HISTORY */
};

struct snap {
	uint64_t seq, gen;
	enum buf_state state;
};

static struct buf bufs[NBUF];
static volatile int stop;
static uint64_t violations, lookups[RTE_MAX_LCORE + 1], cycles, map_errors;

static void
snapshot(const struct buf *b, struct snap *s)
{
	do {
		s->seq = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
		s->gen = b->gen;
		s->state = b->state;
	} while ((s->seq & 1) ||
		 __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE) != s->seq);
}

static void
publish(struct buf *b, enum buf_state state, uint64_t iova)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELEASE);
	rte_atomic_thread_fence(__ATOMIC_RELEASE);
	b->gen++;
	b->iova_of[b->gen % HISTORY] = iova;
	b->state = state;
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELEASE);
}

/* Was got a translation b could have had between s1 and s2? */
static int
plausible(const struct buf *b, const struct snap *s1, const struct snap *s2,
		uint64_t off, uint64_t got)
{
	uint64_t g;

	if (s1->seq == s2->seq) {
		uint64_t now = b->iova_of[s1->gen % HISTORY] + off;

		switch (s1->state) {
		case MAPPED:
			return got == now;
		case UNMAPPED:
			return got == RTE_BAD_IOVA;
		default:
			return got == RTE_BAD_IOVA || got == now;
		}
	}
	if (got == RTE_BAD_IOVA || s2->gen - s1->gen >= HISTORY)
		return 1;
	for (g = s1->gen; g <= s2->gen; g++)
		if (b->iova_of[g % HISTORY] != RTE_BAD_IOVA &&
		    got == b->iova_of[g % HISTORY] + off)
			return 1;
	return 0;
}

static void
report(const struct buf *b, uint64_t off, uint64_t got, const struct snap *s1,
		const struct snap *s2, const char *how)
{
	if (__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED) < 5)
		printf("VIOLATION (%s): buffer %ld VA %p + 0x%" PRIx64 ": got 0x%" PRIx64 ", generation %" PRIu64 " -> %" PRIu64 ", state %d -> %d\n",
			how, (long)(b - bufs), b->va, off, got, s1->gen, s2->gen,
			s1->state, s2->state);
}

/* A burst of up to BURST VAs, of random buffers or of one, each checked. */
static void
check_burst(unsigned int slot, unsigned int *rnd)
{
	unsigned int n = rand_r(rnd) % (BURST + 1), i, done, expect = 0;
	int one = rand_r(rnd) & 1;
	struct snap s1[BURST], s2[BURST];
	struct buf *b[BURST];
	const void *va[BURST];
	uint64_t off[BURST], got[BURST];

	for (i = 0; i < n; i++) {
		b[i] = one && i > 0 ? b[0] : &bufs[rand_r(rnd) % NBUF];
		off[i] = (rand_r(rnd) % (b[i]->len / 8)) * 8;
		va[i] = b[i]->va + off[i];
	}
	for (i = 0; i < n; i++)
		snapshot(b[i], &s1[i]);
	done = rte_eal_iommu_lookup_bulk(va, got, n);
	for (i = 0; i < n; i++)
		snapshot(b[i], &s2[i]);
	lookups[slot] += n;
	for (i = 0; i < n; i++) {
		expect += got[i] != RTE_BAD_IOVA;
		if (!plausible(b[i], &s1[i], &s2[i], off[i], got[i]))
			report(b[i], off[i], got[i], &s1[i], &s2[i], "burst");
	}
	if (done != expect && __atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED) < 5)
		printf("VIOLATION: a burst of %u returned %u, translated %u\n", n,
			done, expect);
}

static void
check_one(unsigned int slot, unsigned int *rnd)
{
	struct buf *b = &bufs[rand_r(rnd) % NBUF];
	uint64_t off = (rand_r(rnd) % (b->len / 8)) * 8, got;
	struct snap s1, s2;

	snapshot(b, &s1);
	got = (rand_r(rnd) & 1) ? rte_eal_iommu_lookup(b->va + off) :
		rte_eal_iommu_lookup_len(b->va + off, 8);
	snapshot(b, &s2);
	lookups[slot]++;
	if (!plausible(b, &s1, &s2, off, got))
		report(b, off, got, &s1, &s2, "lookup");
}

/* Two in three: a single lookup; else a burst. */
static void
check(unsigned int slot, unsigned int *rnd)
{
	if (rand_r(rnd) % 3 != 0)
		check_one(slot, rnd);
	else
		check_burst(slot, rnd);
}

static int
reader(void *arg)
{
	unsigned int slot = rte_lcore_id(), rnd = slot * 7919 + 1;

	RTE_SET_USED(arg);
	while (!stop)
		check(slot, &rnd);
	return 0;
}

static void *
non_eal_reader(void *arg)
{
	unsigned int rnd = 4242;

	RTE_SET_USED(arg);
	while (!stop)
		check(RTE_MAX_LCORE, &rnd);
	return NULL;
}

static void *
mapper(void *arg)
{
	double seconds = *(double *)arg;
	uint64_t end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	unsigned int i = 0;

	while (rte_get_timer_cycles() < end) {
		struct buf *b = &bufs[i++ % NBUF];

		if (b->state == MAPPED) {
			publish(b, UNMAPPING, b->iova_of[b->gen % HISTORY]);
			if (rte_eal_iommu_dma_unmap(b->va, b->len) != 0)
				map_errors++;
			publish(b, UNMAPPED, RTE_BAD_IOVA);
		} else {
			/* A new IOVA every generation, 4 MiB apart. */
			uint64_t iova = IOVA_BASE + (((b - bufs) * HISTORY +
				(b->gen + 2) % HISTORY) * 2 * M2);

			publish(b, MAPPING, iova);
			if (rte_eal_iommu_dma_map(b->va, b->len, &iova) != 0) {
				map_errors++;
				publish(b, UNMAPPED, RTE_BAD_IOVA);
				continue;
			}
			publish(b, MAPPED, iova);
		}
		cycles++;
	}
	stop = 1;
	return NULL;
}

static int
test_xlate_stress(void)
{
	const char *env = getenv("IOMMU_TEST_STRESS_SECONDS");
	double seconds = env != NULL ? atof(env) : 3;
	pthread_t map_thread, read_thread;
	unsigned int i, lcore, readers = 0;
	uint8_t *area;

	TEST_ASSERT(rte_eal_iommu_is_open(), "no IOAS: load the plug-in with -d");
	/* Even buffers: whole 2 MiB pages; odd ones: 16 KiB inside a page. */
	area = mmap(NULL, (NBUF + 1) * M2, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(area != MAP_FAILED, "mmap");
	for (i = 0; i < NBUF; i++) {
		bufs[i].va = (uint8_t *)RTE_PTR_ALIGN_CEIL(area, M2) + i * M2 +
			(i & 1) * 20 * 1024;
		bufs[i].len = (i & 1) ? 16 * 1024 : M2;
		bufs[i].iova_of[0] = RTE_BAD_IOVA;
	}
	stop = 0;
	TEST_ASSERT(pthread_create(&map_thread, NULL, mapper, &seconds) == 0, "mapper");
	TEST_ASSERT(pthread_create(&read_thread, NULL, non_eal_reader, NULL) == 0,
		"non-EAL reader");
	rte_eal_mp_remote_launch(reader, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	pthread_join(map_thread, NULL);
	pthread_join(read_thread, NULL);
	for (i = 0; i < NBUF; i++)
		if (bufs[i].state == MAPPED)
			rte_eal_iommu_dma_unmap(bufs[i].va, bufs[i].len);
	munmap(area, (NBUF + 1) * M2);

	RTE_LCORE_FOREACH(lcore) {
		printf("lcore %u: %" PRIu64 " lookups\n", lcore, lookups[lcore]);
		readers += lookups[lcore] > 0;
	}
	printf("non-EAL thread: %" PRIu64 " lookups; %" PRIu64 " map/unmap calls in %.1f s; %" PRIu64 " violations\n",
		lookups[RTE_MAX_LCORE], cycles, seconds, violations);
	TEST_ASSERT(map_errors == 0, "%" PRIu64 " map or unmap calls failed", map_errors);
	TEST_ASSERT(readers == rte_lcore_count() && lookups[RTE_MAX_LCORE] > 0,
		"a reader did not run");
	TEST_ASSERT(cycles >= 2 * NBUF, "only %" PRIu64 " map/unmap calls", cycles);
	TEST_ASSERT(violations == 0, "%" PRIu64 " lookups returned a translation they must not",
		violations);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(xlate_stress_autotest, test_xlate_stress);
