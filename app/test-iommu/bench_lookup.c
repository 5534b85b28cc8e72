/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * lookup_perf: ns per VA -> IOVA lookup, side by side in one run, for 1, 16
 * and 128 GiB of mapped address space (2 MiB pages at scattered IOVAs, as
 * the pa and window policies give), sequential (2 KiB stride, like mbufs)
 * and random addresses, throughput (independent lookups) and dependent
 * latency (each address depends on the previous result):
 *
 *   rte_eal_iommu_lookup      this library's fast path
 *   two-level (SPDK-style)    1 GiB x 2 MiB table, no cache (reference)
 *   two-level + guarantee     the same with our unmap guarantee (the
 *                             announce/epoch protocol), to show its cost
 *   rwlock sorted array       rte_rwlock + binary search (reference)
 *   rte_mem_virt2memseg       DPDK's memseg-list scan (external memory)
 *   rte_mem_virt2iova         DPDK 22.11 (PA mode: pagemap), on DPDK memory
 *
 * then the burst lookup rte_eal_iommu_lookup_bulk() in bursts of 1, 8 and
 * 32 (ns per burst and per lookup, throughput) next to the two-level table
 * in the same loop (its results stored in the same array), and throughput
 * on 1 and 2 lcores. Each figure is the best of REPS measurements, the
 * methods interleaved, so that a busy machine disturbs them alike. The
 * address space is PROT_NONE
 * reservations: translations need no memory behind them. Our table is
 * filled with eal_iommu_xlate_insert() (the table alone, no kernel), DPDK's
 * with rte_extmem_register(). Run as the bench command shows (the host,
 * not the TCG VM, whose clock is unreliable).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_rwlock.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>
#include <eal_iommu_test_hooks.h>

#include "test.h"
#include "test_util.h"

#define M2 (UINT64_C(1) << 21)
#define G1 (UINT64_C(1) << 30)
#define NADDR (1u << 20)
#define IOVA_BASE UINT64_C(0x10000000000)
/*
 * One lcore: the best of REPS windows of NWIN lookups (short, so that some
 * run undisturbed on a busy machine), over every part of the addresses;
 * two lcores: the best of RATE_REPS runs over all of them.
 */
#define NWIN (NADDR / 8)
#define REPS 24
#define RATE_REPS 7
#define BURST_MAX 32

/* The SPDK-style reference: spdk_mem_map_translate()'s two levels. */
struct two_level {
	uint64_t *l1[1u << 18];
};

struct sorted_map {
	uint64_t va, len, iova;
};

struct space {
	uint64_t size, base, npages;
	uint8_t *reservation;
	uint64_t *iova; /* per page */
	struct two_level *tl;
	struct sorted_map *sorted;
	rte_rwlock_t lock;
	uint64_t *seq, *rnd; /* NADDR addresses each, per lcore slot */
	const void **seqp, **rndp; /* the same, as the burst lookup takes them */
};

static struct space *cur;
/* The addresses measured: [win_off, win_off + win_len) of the lcore's. */
static unsigned int win_off, win_len = NADDR;

static uint64_t
two_level_lookup(const struct two_level *tl, uint64_t va)
{
	const uint64_t *l2 = tl->l1[va >> 30];
	uint64_t t;

	if (unlikely(l2 == NULL))
		return RTE_BAD_IOVA;
	t = l2[(va >> 21) & 511];
	return unlikely(t == RTE_BAD_IOVA) ? RTE_BAD_IOVA : t + (va & (M2 - 1));
}

static uint64_t
sorted_lookup(struct space *s, uint64_t va)
{
	uint64_t lo = 0, hi = s->npages, iova = RTE_BAD_IOVA;

	rte_rwlock_read_lock(&s->lock);
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (s->sorted[mid].va + s->sorted[mid].len <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->npages && s->sorted[lo].va <= va)
		iova = s->sorted[lo].iova + (va - s->sorted[lo].va);
	rte_rwlock_read_unlock(&s->lock);
	return iova;
}

static uint64_t
memseg_lookup(uint64_t va)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg((void *)(uintptr_t)va, NULL);

	return ms == NULL ? RTE_BAD_IOVA : ms->iova + (va - ms->addr_64);
}

/*
 * The two-level table behind the same read-side protocol as ours (announce
 * the epoch, re-read it, clear): what the unmap guarantee costs by itself.
 */
static struct {
	uint64_t epoch;
	struct {
		uint64_t active;
		uint64_t epoch;
	} __rte_cache_aligned reader[RTE_MAX_LCORE];
} guarded = { .epoch = 1 };

static __rte_always_inline uint64_t
guarded_two_level_lookup(const struct two_level *tl, uint64_t va)
{
	unsigned int lcore = rte_lcore_id();
	uint64_t r, epoch;

	if (unlikely(lcore >= RTE_MAX_LCORE))
		return RTE_BAD_IOVA;
	__atomic_store_n(&guarded.reader[lcore].active,
		__atomic_load_n(&guarded.epoch, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	rte_compiler_barrier();
	epoch = __atomic_load_n(&guarded.epoch, __ATOMIC_ACQUIRE);
	if (unlikely(guarded.reader[lcore].epoch != epoch))
		guarded.reader[lcore].epoch = epoch;
	r = two_level_lookup(tl, va);
	__atomic_store_n(&guarded.reader[lcore].active, 0, __ATOMIC_RELEASE);
	return r;
}

/* The single lookups, then the bursts (throughput only). */
enum method {
	OURS, TWO_LEVEL, GUARDED, SORTED, MEMSEG, NMETHODS,
	BULK1 = NMETHODS, BULK8, BULK32, TWO_LEVEL32, NALL
};
static const char *const method_name[NALL] = {
	"rte_eal_iommu_lookup", "two-level (SPDK-style)", "two-level + guarantee",
	"rwlock sorted array", "rte_mem_virt2memseg",
	"lookup_bulk, burst 1", "lookup_bulk, burst 8", "lookup_bulk, burst 32",
	"two-level, burst 32",
};
static const unsigned int burst_of[NALL] = {
	[BULK1] = 1, [BULK8] = 8, [BULK32] = 32, [TWO_LEVEL32] = 32,
};

/* Where each lcore's bursts store their IOVAs. */
static struct {
	uint64_t iova[BURST_MAX];
} __rte_cache_aligned burst_out[RTE_MAX_LCORE];

static __rte_always_inline uint64_t
lookup(enum method m, uint64_t va)
{
	switch (m) {
	case OURS:
		return rte_eal_iommu_lookup((void *)(uintptr_t)va);
	case TWO_LEVEL:
		return two_level_lookup(cur->tl, va);
	case GUARDED:
		return guarded_two_level_lookup(cur->tl, va);
	case SORTED:
		return sorted_lookup(cur, va);
	default:
		return memseg_lookup(va);
	}
}

/*
 * Cycles per lookup: independent lookups, or each address chosen by the
 * last result (r >> 63 is 0 for every IOVA here, but the CPU must wait for
 * r). Always inlined with a constant method: one loop per method, so no
 * method pays for another's code.
 */
static __rte_always_inline double
measure_with(enum method m, const uint64_t *addrs, int dependent, uint64_t *check)
{
	uint64_t start, sum = 0, r = 0;
	unsigned int i, j = 0;

	addrs += win_off;
	start = rte_rdtsc_precise();
	if (dependent) {
		for (i = 0; i < win_len; i++) {
			j = (j + 1 + (unsigned int)(r >> 63)) & (win_len - 1);
			r = lookup(m, addrs[j]);
			sum += r;
		}
	} else {
		for (i = 0; i < win_len; i++)
			sum += lookup(m, addrs[i]);
	}
	*check = sum;
	return (double)(rte_rdtsc_precise() - start) / win_len;
}

/*
 * Cycles per lookup in bursts of b (a constant once inlined): the burst
 * lookup, or (two_level) the two-level table in the same loop, storing
 * into the same array.
 */
static __rte_always_inline double
measure_bulk_with(unsigned int b, int two_level, const void *const *addrs,
		uint64_t *check)
{
	uint64_t *out = burst_out[rte_lcore_id()].iova, start, sum = 0;
	unsigned int i, j;

	addrs += win_off;
	start = rte_rdtsc_precise();
	for (i = 0; i < win_len; i += b) {
		if (two_level) {
			for (j = 0; j < b; j++)
				out[j] = two_level_lookup(cur->tl, (uintptr_t)addrs[i + j]);
		} else {
			rte_eal_iommu_lookup_bulk(&addrs[i], out, b);
		}
		sum += out[b - 1];
	}
	*check = sum;
	return (double)(rte_rdtsc_precise() - start) / win_len;
}

static double
measure_ours(int p, unsigned int slot, int d, uint64_t *c)
{
	return measure_with(OURS, (p ? cur->rnd : cur->seq) + slot * NADDR, d, c);
}

static double
measure_two_level(int p, unsigned int slot, int d, uint64_t *c)
{
	return measure_with(TWO_LEVEL, (p ? cur->rnd : cur->seq) + slot * NADDR, d, c);
}

static double
measure_guarded(int p, unsigned int slot, int d, uint64_t *c)
{
	return measure_with(GUARDED, (p ? cur->rnd : cur->seq) + slot * NADDR, d, c);
}

static double
measure_sorted(int p, unsigned int slot, int d, uint64_t *c)
{
	return measure_with(SORTED, (p ? cur->rnd : cur->seq) + slot * NADDR, d, c);
}

static double
measure_memseg(int p, unsigned int slot, int d, uint64_t *c)
{
	return measure_with(MEMSEG, (p ? cur->rnd : cur->seq) + slot * NADDR, d, c);
}

static double
measure_bulk1(int p, unsigned int slot, int d, uint64_t *c)
{
	RTE_SET_USED(d);
	return measure_bulk_with(1, 0, (p ? cur->rndp : cur->seqp) + slot * NADDR, c);
}

static double
measure_bulk8(int p, unsigned int slot, int d, uint64_t *c)
{
	RTE_SET_USED(d);
	return measure_bulk_with(8, 0, (p ? cur->rndp : cur->seqp) + slot * NADDR, c);
}

static double
measure_bulk32(int p, unsigned int slot, int d, uint64_t *c)
{
	RTE_SET_USED(d);
	return measure_bulk_with(32, 0, (p ? cur->rndp : cur->seqp) + slot * NADDR, c);
}

static double
measure_two_level32(int p, unsigned int slot, int d, uint64_t *c)
{
	RTE_SET_USED(d);
	return measure_bulk_with(32, 1, (p ? cur->rndp : cur->seqp) + slot * NADDR, c);
}

/*
 * Cycles per lookup of method m on pattern p (0 sequential, 1 random),
 * with the addresses of lcore slot (0 or 1); dependent: single lookups only.
 */
static double
measure(enum method m, int p, unsigned int slot, int dependent, uint64_t *check)
{
	static double (* const fn[NALL])(int, unsigned int, int, uint64_t *) = {
		measure_ours, measure_two_level, measure_guarded, measure_sorted,
		measure_memseg, measure_bulk1, measure_bulk8, measure_bulk32,
		measure_two_level32,
	};

	return fn[m](p, slot, dependent, check);
}

static double
ns(double cycles)
{
	return cycles * 1e9 / rte_get_tsc_hz();
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int
space_build(struct space *s, uint64_t size)
{
	uint64_t i, x = 88172645463325252ULL, *perm;

	memset(s, 0, sizeof(*s));
	s->size = size;
	s->npages = size / M2;
	s->reservation = mmap(NULL, size + M2, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->reservation == MAP_FAILED)
		return -1;
	s->base = RTE_ALIGN_CEIL((uintptr_t)s->reservation, M2);
	s->iova = malloc(sizeof(*s->iova) * s->npages);
	s->tl = calloc(1, sizeof(*s->tl));
	s->sorted = malloc(sizeof(*s->sorted) * s->npages);
	s->seq = malloc(sizeof(uint64_t) * NADDR * 2);
	s->rnd = malloc(sizeof(uint64_t) * NADDR * 2);
	s->seqp = malloc(sizeof(void *) * NADDR * 2);
	s->rndp = malloc(sizeof(void *) * NADDR * 2);
	perm = malloc(sizeof(*perm) * s->npages);
	if (s->iova == NULL || s->tl == NULL || s->sorted == NULL ||
	    s->seq == NULL || s->rnd == NULL || s->seqp == NULL ||
	    s->rndp == NULL || perm == NULL)
		return -1;
	/* Scattered IOVAs: a random permutation of the pages. */
	for (i = 0; i < s->npages; i++)
		perm[i] = i;
	for (i = s->npages - 1; i > 0; i--) {
		uint64_t k = xorshift(&x) % (i + 1), t = perm[i];

		perm[i] = perm[k];
		perm[k] = t;
	}
	rte_rwlock_init(&s->lock);
	for (i = 0; i < s->npages; i++) {
		uint64_t va = s->base + i * M2;

		s->iova[i] = IOVA_BASE + perm[i] * M2;
		if (s->tl->l1[va >> 30] == NULL) {
			s->tl->l1[va >> 30] = malloc(512 * sizeof(uint64_t));
			if (s->tl->l1[va >> 30] == NULL)
				return -1;
			memset(s->tl->l1[va >> 30], 0xff, 512 * sizeof(uint64_t));
		}
		s->tl->l1[va >> 30][(va >> 21) & 511] = s->iova[i];
		s->sorted[i] = (struct sorted_map){ va, M2, s->iova[i] };
		if (eal_iommu_xlate_insert(va, s->iova[i], M2) != 0)
			return -1;
	}
	free(perm);
	if (rte_extmem_register((void *)(uintptr_t)s->base, size, s->iova,
			s->npages, M2) != 0)
		return -1;
	/* Two sets of addresses: one per lcore when two run at once. */
	for (i = 0; i < 2 * NADDR; i++) {
		s->seq[i] = s->base + ((i % NADDR) * 2048 + (i / NADDR) * (size / 2)) % size;
		s->rnd[i] = s->base + (xorshift(&x) % (size / 8)) * 8;
		s->seqp[i] = (const void *)(uintptr_t)s->seq[i];
		s->rndp[i] = (const void *)(uintptr_t)s->rnd[i];
	}
	return 0;
}

static void
space_free(struct space *s)
{
	uint64_t i;

	rte_extmem_unregister((void *)(uintptr_t)s->base, s->size);
	for (i = 0; i < s->npages; i++)
		eal_iommu_xlate_remove(s->base + i * M2, M2);
	for (i = 0; i < RTE_DIM(s->tl->l1); i++)
		free(s->tl->l1[i]);
	free(s->tl);
	free(s->iova);
	free(s->sorted);
	free(s->seq);
	free(s->rnd);
	free(s->seqp);
	free(s->rndp);
	munmap(s->reservation, s->size + M2);
}

/* One check that every method answers alike, so the timings compare like with like. */
static int
agree(const struct space *s)
{
	unsigned int i, m;

	for (i = 0; i < 1000; i++) {
		uint64_t va = s->rnd[i], want = s->iova[(va - s->base) / M2] + (va % M2);

		for (m = 0; m < NMETHODS; m++)
			if (lookup(m, va) != want) {
				printf("%s disagrees at VA 0x%" PRIx64 "\n", method_name[m], va);
				return 0;
			}
	}
	for (i = 0; i + BURST_MAX <= 1000; i += BURST_MAX) {
		uint64_t out[BURST_MAX];

		if (rte_eal_iommu_lookup_bulk(&s->rndp[i], out, BURST_MAX) != BURST_MAX)
			return 0;
		for (m = 0; m < BURST_MAX; m++)
			if (out[m] != s->iova[(s->rnd[i + m] - s->base) / M2] +
			    s->rnd[i + m] % M2) {
				printf("lookup_bulk disagrees at VA 0x%" PRIx64 "\n",
					s->rnd[i + m]);
				return 0;
			}
	}
	return 1;
}

struct par_arg {
	enum method m;
	int pattern; /* 0 sequential, 1 random */
	double cycles[RTE_MAX_LCORE];
};

static int
par_worker(void *arg)
{
	struct par_arg *a = arg;
	unsigned int slot = rte_lcore_id() == rte_get_main_lcore() ? 0 : 1;
	uint64_t check;

	a->cycles[rte_lcore_id()] = measure(a->m, a->pattern, slot, 0, &check);
	return check == 1; /* never: keeps the result alive */
}

/* Lookups per microsecond on n lcores at once (n = 1 or 2). */
static double
rate(enum method m, int pattern, unsigned int n)
{
	struct par_arg a = { .m = m, .pattern = pattern };
	unsigned int lcore, worker = rte_get_next_lcore(-1, 1, 0);
	double total = 0;

	if (n == 2)
		rte_eal_remote_launch(par_worker, &a, worker);
	par_worker(&a);
	if (n == 2)
		rte_eal_wait_lcore(worker);
	RTE_LCORE_FOREACH(lcore)
		if (a.cycles[lcore] > 0)
			total += 1e3 / ns(a.cycles[lcore]);
	return total;
}

static const uint64_t sizes[] = { G1, 16 * G1, 128 * G1 };
/* Cycles per lookup: [size][pattern][dependent]; bursts: throughput only. */
static double result[NALL][RTE_DIM(sizes)][2][2];
static double scale[NALL][2][2]; /* 16 GiB: [pattern][1 or 2 lcores] */

static void
print_tables(double virt2iova_tp, double virt2iova_lat, const char *virt2iova_note)
{
	unsigned int m, z;
	int p;

	printf("\nns per lookup: throughput / dependent latency (1 lcore)\n");
	printf("  %-24s", "");
	for (z = 0; z < RTE_DIM(sizes); z++)
		printf("  %7" PRIu64 " GiB seq   %7s rand   ", sizes[z] / G1, "");
	printf("\n");
	for (m = 0; m < NMETHODS; m++) {
		printf("  %-24s", method_name[m]);
		for (z = 0; z < RTE_DIM(sizes); z++)
			for (p = 0; p < 2; p++)
				printf("  %5.1f / %5.1f", ns(result[m][z][p][0]),
					ns(result[m][z][p][1]));
		printf("\n");
	}
	printf("  %-24s  %5.1f / %5.1f  (%s)\n", "rte_mem_virt2iova",
		ns(virt2iova_tp), ns(virt2iova_lat), virt2iova_note);

	printf("\nbursts, throughput (1 lcore): ns per burst / ns per lookup\n");
	printf("  %-24s", "");
	for (z = 0; z < RTE_DIM(sizes); z++)
		printf("  %7" PRIu64 " GiB seq   %7s rand   ", sizes[z] / G1, "");
	printf("\n");
	for (m = BULK1; m < NALL; m++) {
		printf("  %-24s", method_name[m]);
		for (z = 0; z < RTE_DIM(sizes); z++)
			for (p = 0; p < 2; p++)
				printf("  %5.1f / %5.1f",
					ns(result[m][z][p][0]) * burst_of[m],
					ns(result[m][z][p][0]));
		printf("\n");
	}
	printf("  %-24s", "two-level (SPDK-style)");
	for (z = 0; z < RTE_DIM(sizes); z++)
		for (p = 0; p < 2; p++)
			printf("  %5s / %5.1f", "", ns(result[TWO_LEVEL][z][p][0]));
	printf("   (one at a time, from above)\n");

	printf("\nthroughput at 16 GiB, million lookups/s: 1 lcore, 2 lcores, speed-up\n");
	for (m = 0; m < NALL; m++)
		for (p = 0; p < 2; p++)
			printf("  %-24s %-10s %8.1f %8.1f   %.2fx\n", method_name[m],
				p ? "random" : "sequential", scale[m][p][0], scale[m][p][1],
				scale[m][p][1] / scale[m][p][0]);
}

static void
print_goals(void)
{
	double hit = result[OURS][1][0][0], two = result[TWO_LEVEL][1][0][0];
	double guarded_hit = result[GUARDED][1][0][0];
	double scan_seq = result[MEMSEG][1][0][0], scan_rnd = result[MEMSEG][1][1][0];
	double rnd = result[OURS][1][1][0];
	static const enum method judged[] = { OURS, BULK32 };
	unsigned int z, j;
	int p;

	printf("\ngoals (throughput; 2%% tolerance on \"no slower\"):\n");
	printf("  hit path (sequential, 16 GiB) no slower than two-level: %.2f vs %.2f ns: %s (two-level with the same guarantee: %.2f ns)\n",
		ns(hit), ns(two), hit <= two * 1.02 ? "met" : "MISSED", ns(guarded_hit));
	printf("  hit path >= 5x faster than the memseg-list scan (16 GiB): %.1fx: %s (random: %.1fx)\n",
		scan_seq / hit, scan_seq / hit >= 5 ? "met" : "MISSED", scan_rnd / rnd);
	for (j = 0; j < RTE_DIM(judged); j++)
		for (z = 0; z < RTE_DIM(sizes); z++)
			for (p = 0; p < 2; p++) {
				double o = result[judged[j]][z][p][0];
				double t = result[TWO_LEVEL][z][p][0];

				printf("  %s no slower than two-level, %" PRIu64 " GiB %s: %.2f vs %.2f ns: %s",
					method_name[judged[j]], sizes[z] / G1,
					p ? "random" : "sequential", ns(o), ns(t),
					o <= t * 1.02 ? "met" : "MISSED");
				if (judged[j] == BULK32)
					printf(" (two-level in bursts of 32: %.2f ns)",
						ns(result[TWO_LEVEL32][z][p][0]));
				printf("\n");
			}
	for (j = 0; j < RTE_DIM(judged); j++)
		for (p = 0; p < 2; p++) {
			double sp = scale[judged[j]][p][1] / scale[judged[j]][p][0];

			printf("  %s: 2 lcores >= 1.9x one lcore (%s): %.2fx: %s\n",
				method_name[judged[j]], p ? "random" : "sequential", sp,
				sp >= 1.9 ? "met" : "MISSED");
		}
}

/* One lcore: every method on every pattern, the best of REPS windows. */
static void
measure_all(unsigned int z)
{
	unsigned int m, k;
	uint64_t check;
	int p, d;

	for (m = 0; m < NALL; m++)
		for (p = 0; p < 2; p++)
			for (d = 0; d < 2; d++)
				result[m][z][p][d] = 1e300;
	for (k = 0; k <= REPS; k++) { /* round 0 warms */
		win_len = NWIN;
		win_off = (k % (NADDR / NWIN)) * NWIN;
		for (m = 0; m < NALL; m++)
			for (p = 0; p < 2; p++)
				for (d = 0; d < (m < NMETHODS ? 2 : 1); d++) {
					double c = measure(m, p, 0, d, &check);

					if (k > 0)
						result[m][z][p][d] = RTE_MIN(c, result[m][z][p][d]);
				}
	}
	win_len = NADDR;
	win_off = 0;
}

static int
cmd_lookup_perf(void)
{
	static struct test_segments dpdk;
	struct space s;
	unsigned int m, z, i, k;
	uint64_t check, *daddrs;
	double v2i_tp, v2i_lat;
	int p;

	TEST_ASSERT(rte_lcore_count() >= 2, "run with two lcores (-l 0-1)");
	printf("TSC %.2f GHz; 1 lcore: best of %u windows of %u lookups; 2 lcores: best of %u runs of %u\n",
		rte_get_tsc_hz() / 1e9, REPS, NWIN, RATE_REPS, NADDR);
	for (z = 0; z < RTE_DIM(sizes); z++) {
		TEST_ASSERT(space_build(&s, sizes[z]) == 0, "cannot build %" PRIu64 " GiB",
			sizes[z] / G1);
		cur = &s;
		TEST_ASSERT(agree(&s), "the methods disagree");
		measure_all(z);
		if (sizes[z] == 16 * G1)
			for (k = 0; k < RATE_REPS; k++)
				for (m = 0; m < NALL; m++)
					for (p = 0; p < 2; p++) {
						scale[m][p][0] = RTE_MAX(scale[m][p][0],
							rate(m, p, 1));
						scale[m][p][1] = RTE_MAX(scale[m][p][1],
							rate(m, p, 2));
					}
		printf("%" PRIu64 " GiB done\n", sizes[z] / G1);
		space_free(&s);
	}

	/* rte_mem_virt2iova() on DPDK memory, the only memory it can translate. */
	TEST_ASSERT(test_collect_segments(&dpdk) == 0 && dpdk.count > 0, "no DPDK memory");
	daddrs = malloc(sizeof(*daddrs) * NADDR);
	TEST_ASSERT(daddrs != NULL, "no memory");
	for (i = 0; i < NADDR; i++) {
		const struct rte_eal_iommu_map *seg = &dpdk.segs[i % dpdk.count];

		daddrs[i] = seg->va + (i * 2048) % seg->len;
	}
	v2i_tp = 0;
	v2i_lat = 0;
	{
		uint64_t start = rte_rdtsc_precise(), sum = 0, r = 0;
		unsigned int j = 0, n = NADDR / 64; /* pagemap reads are slow */

		for (i = 0; i < n; i++)
			sum += rte_mem_virt2iova((void *)(uintptr_t)daddrs[i]);
		v2i_tp = (double)(rte_rdtsc_precise() - start) / n;
		start = rte_rdtsc_precise();
		for (i = 0; i < n; i++) {
			j = (j + 1 + (unsigned int)(r >> 63)) & (NADDR - 1);
			r = rte_mem_virt2iova((void *)(uintptr_t)daddrs[j]);
			sum += r;
		}
		v2i_lat = (double)(rte_rdtsc_precise() - start) / n;
		check = sum;
	}
	free(daddrs);
	print_tables(v2i_tp, v2i_lat, rte_eal_iova_mode() == RTE_IOVA_PA ?
		"PA mode: reads /proc/self/pagemap; on DPDK memory" :
		"VA mode: returns the VA; on DPDK memory");
	print_goals();
	return check == 1 ? TEST_FAILED : TEST_SUCCESS;
}

REGISTER_IOMMU_COMMAND(lookup_perf, cmd_lookup_perf);
