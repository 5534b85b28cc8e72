/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The fast-path lookup over every kind of mapping, built into the table
 * alone (no kernel): whole 2 MiB pages as DPDK segments have them (IOVA =
 * VA, or another IOVA as pa and window give), a 1 GiB page, 4 KiB pages of
 * external memory, a small application buffer sharing a 2 MiB page,
 * mappings above 2^48; first and last bytes, one byte out, ranges that
 * straddle two mappings, unknown VAs; from an lcore and from a non-EAL
 * thread; and removal, including of translations an lcore has cached.
 * The burst lookup answers the same, in bursts of every size from 0 to
 * more than 32, with VAs of the out-of-line path anywhere in a burst.
 * The kernel-backed tests check the same lookups against real mappings.
 */

#include <pthread.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_lcore.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>
#include <eal_iommu_test_hooks.h>

#include "test.h"

#define K4 (UINT64_C(1) << 12)
#define M2 (UINT64_C(1) << 21)
#define G1 (UINT64_C(1) << 30)
/* VAs nothing in this process uses: the table is all that is consulted. */
#define BASE UINT64_C(0x500000000000)

struct mapping {
	uint64_t va, iova, len;
};

static const struct mapping kinds[] = {
	{ BASE, BASE, M2 },                           /* va policy segment */
	{ BASE + M2, 0x40000000, M2 },                /* pa/window segment */
	{ BASE + 2 * M2, BASE + 2 * M2, M2 },         /* adjacent, same delta as [0] */
	{ BASE + G1, 0x80000000, G1 },                /* 1 GiB page */
	{ BASE + 2 * G1, 0x10000, K4 },               /* external 4 KiB pages... */
	{ BASE + 2 * G1 + K4, 0x90000, K4 },          /* ...not IOVA-contiguous */
	{ BASE + 2 * G1 + 3 * K4, 0x7000, 13 * K4 },  /* small app buffer, same page */
	{ (UINT64_C(1) << 48) + M2, 0xa0000000, M2 }, /* above the table */
	{ (UINT64_C(1) << 48) - K4, 0xb0000000 - K4, 2 * K4 }, /* across 2^48 */
};

/* 1: answers as expected; run from any thread. */
static int
check_lookups(int mapped)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(kinds); i++) {
		const struct mapping *m = &kinds[i];
		uint64_t want_first = mapped ? m->iova : RTE_BAD_IOVA;
		uint64_t want_last = mapped ? m->iova + m->len - 1 : RTE_BAD_IOVA;

		/* twice: the second may come from the lcore's cache */
		if (rte_eal_iommu_lookup((void *)(uintptr_t)m->va) != want_first ||
		    rte_eal_iommu_lookup((void *)(uintptr_t)m->va) != want_first ||
		    rte_eal_iommu_lookup((void *)(uintptr_t)(m->va + m->len - 1)) != want_last ||
		    rte_eal_iommu_lookup_len((void *)(uintptr_t)m->va, m->len) != want_first) {
			printf("mapping %u (VA 0x%" PRIx64 "): wrong answer (%s)\n", i,
				m->va, mapped ? "mapped" : "removed");
			return 0;
		}
	}
	return 1;
}

/* VAs of every kind, mapped or not, and what each translates to. */
#define NBULK (2 * RTE_DIM(kinds) + 4)
#define ROUNDS 3

static unsigned int
bulk_vas(int mapped, const void *va[NBULK], uint64_t want[NBULK])
{
	unsigned int i, n = 0, expect = 0;

	for (i = 0; i < RTE_DIM(kinds); i++) {
		va[n] = (const void *)(uintptr_t)kinds[i].va;
		want[n++] = mapped ? kinds[i].iova : RTE_BAD_IOVA;
		va[n] = (const void *)(uintptr_t)(kinds[i].va + kinds[i].len - 1);
		want[n++] = mapped ? kinds[i].iova + kinds[i].len - 1 : RTE_BAD_IOVA;
	}
	va[n] = (const void *)(uintptr_t)(BASE - 1);
	want[n++] = RTE_BAD_IOVA;
	va[n] = (const void *)(uintptr_t)(BASE + 2 * G1 + 2 * K4); /* hole, split page */
	want[n++] = RTE_BAD_IOVA;
	va[n] = (const void *)(uintptr_t)0x1000;
	want[n++] = RTE_BAD_IOVA;
	va[n] = (const void *)(uintptr_t)UINT64_MAX;
	want[n++] = RTE_BAD_IOVA;
	for (i = 0; i < n; i++)
		expect += want[i] != RTE_BAD_IOVA;
	return expect;
}

/*
 * 1: rte_eal_iommu_lookup_bulk() answers as expected in bursts of b over
 * ROUNDS permutations of the VAs (the out-of-line ones at every place in
 * a burst: first, last, between whole pages, several in one burst).
 */
static int
check_bulk_size(const void *const va[], const uint64_t want[], unsigned int len,
		unsigned int b)
{
	uint64_t iova[ROUNDS * NBULK + 1];
	unsigned int i, j, n, expect, got;

	for (i = 0; i < len; i += n) {
		n = RTE_MIN(b, len - i);
		expect = 0;
		for (j = 0; j < n; j++) {
			iova[j] = 0x5a5a; /* each must be written */
			expect += want[i + j] != RTE_BAD_IOVA;
		}
		iova[n] = 0x5a5a; /* and no more */
		got = rte_eal_iommu_lookup_bulk(&va[i], iova, n);
		for (j = 0; j < n; j++)
			if (iova[j] != want[i + j]) {
				printf("burst of %u at %u: VA %p gave 0x%" PRIx64 ", not 0x%" PRIx64 "\n",
					n, i, va[i + j], iova[j], want[i + j]);
				return 0;
			}
		if (got != expect || iova[n] != 0x5a5a) {
			printf("burst of %u at %u: %u translated, not %u%s\n", n, i,
				got, expect, iova[n] != 0x5a5a ? ", wrote past the end" : "");
			return 0;
		}
	}
	return 1;
}

/*
 * Bursts within one 2 MiB page (the burst's one-entry path) and bursts
 * whose first and last VAs share a page but not the others.
 */
static int
check_bulk_one_page(int mapped)
{
	static const struct {
		uint64_t va, iova; /* of the page's first byte; 0: see below */
	} page[] = {
		{ BASE, BASE },                      /* [0] */
		{ BASE + M2, 0x40000000 },           /* [1] */
		{ BASE + G1 + 5 * M2, 0x80000000 + 5 * M2 }, /* in the 1 GiB page */
		{ BASE + 2 * G1, 0 },                /* the split page: as single lookups */
		{ BASE + 8 * M2, 0 },                /* nothing mapped */
		{ (UINT64_C(1) << 48) + M2, 0xa0000000 }, /* above the table */
	};
	const void *va[33];
	uint64_t want[33];
	unsigned int p, n, i;

	for (p = 0; p < RTE_DIM(page); p++)
		for (n = 1; n <= RTE_DIM(va); n += 8) {
			for (i = 0; i < n; i++) {
				uint64_t off = (i * 4099 * 8) % M2;

				va[i] = (const void *)(uintptr_t)(page[p].va + off);
				want[i] = mapped && page[p].iova != 0 ?
					page[p].iova + off : RTE_BAD_IOVA;
			}
			if (page[p].va == BASE + 2 * G1 && mapped)
				for (i = 0; i < n; i++)
					want[i] = rte_eal_iommu_lookup(va[i]);
			if (!check_bulk_size(va, want, n, n))
				return 0;
			/* First and last in the page, one in between elsewhere. */
			if (n < 3)
				continue;
			va[n / 2] = (const void *)(uintptr_t)kinds[0].va;
			want[n / 2] = mapped ? kinds[0].iova : RTE_BAD_IOVA;
			if (page[p].va == BASE) {
				va[n / 2] = (const void *)(uintptr_t)kinds[1].va;
				want[n / 2] = mapped ? kinds[1].iova : RTE_BAD_IOVA;
			}
			if (!check_bulk_size(va, want, n, n))
				return 0;
		}
	return 1;
}

static int
check_bulk(int mapped)
{
	static const unsigned int sizes[] = { 1, 2, 8, 31, 32, 33, ROUNDS * NBULK };
	const void *one[NBULK], *va[ROUNDS * NBULK];
	uint64_t want_one[NBULK], want[ROUNDS * NBULK], iova = 0x5a5a;
	unsigned int i, r;

	bulk_vas(mapped, one, want_one);
	/* Permutations: NBULK is even, so odd steps coprime to it. */
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NBULK; i++) {
			unsigned int k = (i * (2 * r + 1) + r) % NBULK;

			va[r * NBULK + i] = one[k];
			want[r * NBULK + i] = want_one[k];
		}
	for (i = 0; i < RTE_DIM(sizes); i++)
		if (!check_bulk_size(va, want, RTE_DIM(va), sizes[i]))
			return 0;
	if (!check_bulk_one_page(mapped))
		return 0;
	/* n = 0: nothing translated, nothing written. */
	if (rte_eal_iommu_lookup_bulk(va, &iova, 0) != 0 || iova != 0x5a5a) {
		printf("a burst of 0 translated or wrote something\n");
		return 0;
	}
	return 1;
}

static void *
non_eal_thread(void *arg)
{
	int *ok = arg;

	*ok = rte_lcore_id() == LCORE_ID_ANY && check_lookups(1) && check_bulk(1);
	return NULL;
}

static int
test_xlate(void)
{
	unsigned int i;
	pthread_t t;
	int ok = 0;

	for (i = 0; i < RTE_DIM(kinds); i++)
		TEST_ASSERT(eal_iommu_xlate_insert(kinds[i].va, kinds[i].iova,
			kinds[i].len) == 0, "insert %u", i);
	TEST_ASSERT(check_lookups(1), "lookups from an lcore");
	TEST_ASSERT(check_bulk(1), "burst lookups from an lcore");

	/* Bytes just outside and unknown VAs. */
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(BASE - 1)) == RTE_BAD_IOVA,
		"the byte before the first mapping");
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(BASE + 3 * M2)) == RTE_BAD_IOVA,
		"the byte after the adjacent mapping");
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(BASE + 2 * G1 + 2 * K4)) ==
		RTE_BAD_IOVA, "a hole in a split page");
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)0x1000) == RTE_BAD_IOVA,
		"unknown VA");
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)UINT64_MAX) == RTE_BAD_IOVA,
		"the top of the address space");

	/* Ranges: within one, across contiguous ones, across others. */
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + 100), 3 * M2 - 100) ==
		RTE_BAD_IOVA, "[0]..[2] cross [1], another delta");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + 2 * M2 - 8), 16) ==
		RTE_BAD_IOVA, "straddles [0] and [1]");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + G1 + 5), G1 - 5) ==
		0x80000005, "inside the 1 GiB page");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + 2 * G1 + K4 - 8), 16) ==
		RTE_BAD_IOVA, "straddles two external pages");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + G1), G1 + 1) ==
		RTE_BAD_IOVA, "one byte past the 1 GiB page");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)BASE, 0) == RTE_BAD_IOVA,
		"zero length");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)((UINT64_C(1) << 48) - 8),
		16) == 0xb0000000 - 8, "across 2^48");

	TEST_ASSERT(pthread_create(&t, NULL, non_eal_thread, &ok) == 0, "thread");
	pthread_join(t, NULL);
	TEST_ASSERT(ok, "lookups from a non-EAL thread");

	/* [1] and [2] together are not contiguous; [0] and [2] are not adjacent. */
	eal_iommu_xlate_remove(kinds[1].va, kinds[1].len);
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)kinds[1].va) == RTE_BAD_IOVA,
		"a cached translation outlived its removal");
	{
		const void *va[2] = { (const void *)(uintptr_t)kinds[0].va,
			(const void *)(uintptr_t)kinds[1].va };
		uint64_t iova[2];

		TEST_ASSERT(rte_eal_iommu_lookup_bulk(va, iova, 2) == 1 &&
			iova[0] == kinds[0].iova && iova[1] == RTE_BAD_IOVA,
			"a burst found a removed translation");
	}
	TEST_ASSERT(eal_iommu_xlate_insert(kinds[1].va, kinds[1].va, M2) == 0, "reinsert");
	TEST_ASSERT(rte_eal_iommu_lookup_len((void *)(uintptr_t)(BASE + 100), 3 * M2 - 100) ==
		BASE + 100, "[0]..[2] contiguous now");
	eal_iommu_xlate_remove(kinds[1].va, M2);
	TEST_ASSERT(eal_iommu_xlate_insert(kinds[1].va, kinds[1].iova, M2) == 0, "reinsert");

	for (i = 0; i < RTE_DIM(kinds); i++)
		eal_iommu_xlate_remove(kinds[i].va, kinds[i].len);
	TEST_ASSERT(check_lookups(0), "lookups after removal");
	TEST_ASSERT(check_bulk(0), "burst lookups after removal");
	return TEST_SUCCESS;
}

/*
 * Split mappings added in a batch are published together, with one grace
 * period: unseen before the batch ends, all found after; one withdrawn
 * inside the batch (a rollback) is not published and leaves a mapping
 * added beside it in the same 2 MiB page found; a published one withdrawn
 * inside the batch does not come back.
 */
static int
test_xlate_batch(void)
{
	const uint64_t base = BASE + 4 * G1, iova = 0x40000000, n = 1024;
	uint64_t g, i;

	TEST_ASSERT(eal_iommu_xlate_insert(base + M2 + K4, iova + 4 * M2, K4) == 0, "published");
	g = eal_iommu_test_grace_periods();
	eal_iommu_test_xlate_batch(1);
	/* n 4 KiB pages, in reverse order, at IOVAs apart from their neighbours'. */
	for (i = 0; i < n; i++)
		TEST_ASSERT(eal_iommu_xlate_insert(base + (n - 1 - i) * 2 * K4,
			iova + (n - 1 - i) * 3 * K4, K4) == 0, "insert %" PRIu64, i);
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(base + 2 * K4)) == RTE_BAD_IOVA,
		"found before the batch ended");
	/* A rollback: page 1's mapping goes, page 0's beside it stays. */
	eal_iommu_xlate_remove(base + 2 * K4, K4);
	eal_iommu_xlate_remove(base + M2 + K4, K4);
	eal_iommu_test_xlate_batch(0);
	TEST_ASSERT(eal_iommu_test_grace_periods() - g == 3,
		"%" PRIu64 " grace periods: two removals and one publication expected",
		eal_iommu_test_grace_periods() - g);
	for (i = 0; i < n; i++)
		TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(base + i * 2 * K4 + 5)) ==
			(i == 1 ? RTE_BAD_IOVA : iova + i * 3 * K4 + 5),
			"page %" PRIu64 " after the batch", i);
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)(base + M2 + K4)) == RTE_BAD_IOVA,
		"a mapping withdrawn inside the batch came back");
	for (i = 0; i < n; i++)
		if (i != 1)
			eal_iommu_xlate_remove(base + i * 2 * K4, K4);
	TEST_ASSERT(rte_eal_iommu_lookup((void *)(uintptr_t)base) == RTE_BAD_IOVA,
		"found after removal");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(xlate_autotest, test_xlate);
REGISTER_IOMMU_TEST(xlate_batch_autotest, test_xlate_batch);
