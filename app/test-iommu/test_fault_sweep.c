/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Fault sweeps (fail-nth, as the kernel's iommufd_fail_nth.c): for each
 * operation, make the Nth fault point reached in this thread fail, N = 1,
 * 2, ..., until the operation runs through without reaching an Nth point;
 * once with the kernel's points (/proc/thread-self/fail-nth), once with the
 * library's own (its system calls and allocations, iommu_fault.h, in
 * builds with -Dfault_injection=true). After each injected failure the operation must
 * report it (or, for memory DPDK adds, record it), and once undone nothing
 * may differ from before: the same fds, valid IOVA ranges and mappings,
 * rte_eal_iommu_check() passing, no failure left recorded, and where an
 * access object can look (the mock profile), nothing reachable at the
 * IOVA. Memory DPDK frees cannot be kept: a refused unmap there must leave
 * nothing translated, and the next memory event must unmap it. Prints, per
 * operation, the failure points hit; any leak fails.
 *
 * The kernel's points are iommufd's own (CONFIG_IOMMUFD_TEST's
 * fail_iommufd): the test kernel enables no other fault attribute, so user
 * page faults are never failed. IOMMU_TEST_PCI_DEV, when set, adds the
 * cdev attach and detach sweeps; IOMMU_TEST_PCI_HOTPLUG, a NIC the PCI bus
 * probed at start-up (-a), its hot-detach and hot-attach with its stock
 * PMD (rte_dev_remove(), rte_dev_probe()): a refused hot-attach leaves no
 * port, and nothing may differ. IOMMU_TEST_SWEEPS, when set, names the
 * operations to sweep (all by default).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include <eal_iommu_test_hooks.h>

#include "iommufd_selftest.h"
#include "test.h"
#include "test_util.h"

#define MAX_POINTS 400 /* far above what one operation reaches today */
#define BUF_LEN (UINT64_C(2) << 20)
#define FIXED_IOVA UINT64_C(0x7e0000000000)

static int access_fd = -1;
static uint8_t *buf;
static void *grown;
static const char *device;
static struct rte_device *ioas_dev;

/* Nothing reachable at iova by a device (an access object), if there is one. */
static int
unreachable(uint64_t iova)
{
	uint64_t v;

	return access_fd < 0 ||
		selftest_dma_read(rte_eal_iommu_fd(), access_fd, iova, &v, sizeof(v)) < 0;
}

static int
fail_nth_set(int fd, unsigned int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%u", n);

	return pwrite(fd, v, len, 0) == len ? 0 : -errno;
}

/* Points left to reach before the Nth fails (0: it failed), then off. */
static int
fail_nth_end(int fd)
{
	char v[16] = "";
	ssize_t n = pread(fd, v, sizeof(v) - 1, 0);

	fail_nth_set(fd, 0);
	return n > 0 ? atoi(v) : -1;
}

struct sweep_op {
	const char *name;
	int (*prepare)(void); /* before each try, nothing injected; may be NULL */
	int (*run)(void);     /* the operation: 0 or a negative errno */
	int (*done_ok)(void); /* after a success: 0 if its effect is there; may be NULL */
	void (*undo)(void);   /* after each try: back to before prepare (idempotent) */
	int recorded;         /* a failure may be recorded until undone (memory DPDK adds) */
	uint64_t stale_iova;  /* if not 0: nothing may be reachable there after a failure */
};

static unsigned int total_points, total_ops, total_leaks;

static int
differs(const struct test_ioas_state *a, const char *what, const char *name, unsigned int n)
{
	struct test_ioas_state now;
	int ret;

	test_ioas_state_get(&now);
	ret = test_ioas_state_differs(a, &now);
	if (ret) {
		printf("%s: point %u: the IOAS is not as %s\n", name, n, what);
		total_leaks++;
	}
	test_ioas_state_free(&now);
	return ret;
}

/* Where failures are injected: the kernel's fault points, or the library's. */
struct injector {
	const char *name;
	int (*set)(unsigned int n); /* make the nth point fail */
	int (*end)(void);           /* points left (0: the nth failed), then off */
};

static int nth_fd = -1;

static int
kernel_set(unsigned int n)
{
	return fail_nth_set(nth_fd, n);
}

static int
kernel_end(void)
{
	return fail_nth_end(nth_fd);
}

static int
library_set(unsigned int n)
{
	return eal_iommu_test_fail_nth(n) < 0 ? -ENOTSUP : 0;
}

static int
library_end(void)
{
	return eal_iommu_test_fail_nth(0);
}

static const struct injector injectors[] = {
	{ "kernel", kernel_set, kernel_end },
	{ "library", library_set, library_end },
};

static int
sweep(const struct injector *inj, const struct sweep_op *op)
{
	struct test_ioas_state base, before;
	unsigned int n, refused = 0, absorbed = 0;
	int ret = 0, left;

	for (n = 1; n <= MAX_POINTS; n++) {
		test_ioas_state_get(&base);
		if (op->prepare != NULL && op->prepare() < 0) {
			printf("%s: preparing failed\n", op->name);
			test_ioas_state_free(&base);
			return -1;
		}
		test_ioas_state_get(&before);
		inj->set(n);
		ret = op->run();
		left = inj->end();
		if (left != 0 || ret == 0) {
			/*
			 * Ran through (no Nth point), or succeeded despite it (a
			 * failed point the kernel or the library may go past, such
			 * as IOVA protection): its effect must be there.
			 */
			if (ret < 0 || (op->done_ok != NULL && op->done_ok() < 0)) {
				printf("%s: %s, but its effect is missing or it failed: %s\n", op->name,
					left != 0 ? "nothing injected" : "succeeded anyway", strerror(-ret));
				ret = -1;
			}
			absorbed += left == 0;
		} else {
			refused++;
			if (!op->recorded)
				differs(&before, "before the refused operation", op->name, n);
			if (op->stale_iova != 0 && !unreachable(op->stale_iova)) {
				printf("%s: point %u: IOVA 0x%" PRIx64 " reachable after the failure\n",
					op->name, n, op->stale_iova);
				total_leaks++;
			}
			ret = 0;
		}
		op->undo();
		differs(&base, "before it, once undone", op->name, n);
		test_ioas_state_free(&base);
		test_ioas_state_free(&before);
		if (left != 0 || ret < 0)
			break;
	}
	if (ret < 0)
		return -1;
	if (n > MAX_POINTS) {
		printf("%s: more than %u failure points\n", op->name, MAX_POINTS);
		return -1;
	}
	printf("swept %-18s %-7s %3u failure points: %u refused cleanly, %u succeeded anyway\n",
		op->name, inj->name, n - 1, refused, absorbed);
	total_points += n - 1;
	total_ops++;
	return 0;
}

/* Application buffer, kernel-chosen IOVA. */
static uint64_t buf_iova;

static int
app_map(void)
{
	return rte_eal_iommu_dma_map(buf, BUF_LEN, &buf_iova);
}

static int
app_mapped(void)
{
	return rte_eal_iommu_lookup(buf) == buf_iova && !unreachable(buf_iova) ? 0 : -1;
}

static int
app_unmap(void)
{
	return rte_eal_iommu_dma_unmap(buf, BUF_LEN);
}

static int
app_unmapped(void)
{
	return rte_eal_iommu_lookup(buf) == RTE_BAD_IOVA && unreachable(buf_iova) ? 0 : -1;
}

static void
app_undo(void)
{
	if (rte_eal_iommu_lookup(buf) != RTE_BAD_IOVA)
		rte_eal_iommu_dma_unmap(buf, BUF_LEN);
}

/* External memory at a caller-given IOVA, through the ioas device. */
static int
ext_map(void)
{
	return rte_dev_dma_map(ioas_dev, buf, FIXED_IOVA, BUF_LEN) < 0 ? -rte_errno : 0;
}

static int
ext_mapped(void)
{
	return rte_eal_iommu_lookup(buf) == FIXED_IOVA && !unreachable(FIXED_IOVA) ? 0 : -1;
}

static void
ext_undo(void)
{
	if (rte_eal_iommu_lookup(buf) != RTE_BAD_IOVA)
		rte_dev_dma_unmap(ioas_dev, buf, FIXED_IOVA, BUF_LEN);
}

/*
 * Memory DPDK adds (heap growth): a failure refuses it or is recorded.
 * Every page a growth adds is an area of its own and so more failure
 * points (the same ones, for the next page): the heap's free space is
 * taken first (heap_fill()), so that GROW_LEN grows it by a few pages:
 * the first, a middle and the last fail, and the sweep stays short.
 */
#define GROW_LEN (UINT64_C(4) << 20)
#define FILL_MAX 256

static void *fill[FILL_MAX];
static unsigned int nfill;

static void
heap_unfill(void)
{
	while (nfill > 0)
		rte_free(fill[--nfill]);
}

/* The heap of every socket left with no free element of GROW_LEN. */
static int
heap_fill(void)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;
	int socket;
	void *p;

	for (i = 0; i < rte_socket_count(); i++) {
		socket = rte_socket_id_by_idx(i);
		while (rte_malloc_get_socket_stats(socket, &st) == 0 &&
		       st.greatest_free_size >= GROW_LEN) {
			/* Less than the element: its header and trailer fit. */
			p = nfill < FILL_MAX ? rte_malloc_socket("fault_sweep_fill",
				st.greatest_free_size - 4096, 0, socket) : NULL;
			if (p == NULL) {
				printf("heap growth: cannot take the heap's free space\n");
				heap_unfill();
				return -ENOMEM;
			}
			fill[nfill++] = p;
		}
	}
	return 0;
}

static uint64_t
heap_total(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			total += st.heap_totalsz_bytes;
	return total;
}

static int
hot_add(void)
{
	uint64_t before = heap_total();

	grown = rte_malloc("fault_sweep", GROW_LEN, 0);
	if (grown == NULL)
		return -ENOMEM;
	if (heap_total() <= before) {
		printf("heap growth: %" PRIu64 " bytes allocated without growing the heap\n",
			GROW_LEN);
		return -EAGAIN;
	}
	return rte_eal_iommu_check() == 0 ? 0 : -EIO;
}

static void
hot_add_undo(void)
{
	rte_free(grown);
	grown = NULL;
	heap_unfill();
}

/*
 * Memory DPDK frees (heap shrink): a refused unmap leaves the area mapped
 * but stale, never translated; the next memory event unmaps it.
 */
static struct rte_eal_iommu_map *grown_maps;
static int ngrown;

static int
hot_free_prepare(void)
{
	struct rte_eal_iommu_map *before = NULL, *after = NULL;
	int nbefore = test_get_maps(&before), nafter, i, ret;

	ret = heap_fill();
	if (ret == 0)
		ret = hot_add();
	nafter = test_get_maps(&after);
	free(grown_maps);
	grown_maps = calloc(nafter > 0 ? nafter : 1, sizeof(*grown_maps));
	ngrown = 0;
	for (i = 0; grown_maps != NULL && i < nafter; i++)
		if (!test_map_listed(before, nbefore, &after[i]))
			grown_maps[ngrown++] = after[i];
	free(before);
	free(after);
	if (ret == 0 && (grown_maps == NULL || ngrown < 2))
		ret = -ENOMEM; /* the heap must grow by several areas */
	return ret;
}

static int
hot_free(void)
{
	struct rte_eal_iommu_map *now = NULL;
	int n, i, stale = 0;

	rte_free(grown);
	grown = NULL;
	n = test_get_maps(&now);
	for (i = 0; i < ngrown; i++) {
		if (rte_eal_iommu_lookup((void *)(uintptr_t)grown_maps[i].va) != RTE_BAD_IOVA) {
			printf("heap shrink: freed VA 0x%" PRIx64 " is still translated\n",
				grown_maps[i].va);
			total_leaks++;
		}
		stale += test_map_listed(now, n, &grown_maps[i]);
	}
	free(now);
	return stale > 0 ? -EBUSY : 0;
}

static int
hot_free_done(void)
{
	int i;

	for (i = 0; i < ngrown; i++)
		if (!unreachable(grown_maps[i].iova))
			return -1;
	return 0;
}

/*
 * Back to before the growth: the next memory event unmaps the stale areas
 * first, so the same memory grown again is all DMA-able.
 */
static void
hot_free_undo(void)
{
	void *p;

	rte_free(grown);
	grown = NULL;
	if (nfill > 0) {
		p = rte_malloc("fault_sweep", GROW_LEN, 0);
		if (p == NULL || rte_eal_iommu_check() != 0) {
			printf("heap shrink: memory grown again at the freed VAs is not all DMA-able\n");
			total_leaks++;
		}
		rte_free(p);
	}
	heap_unfill();
}

/* A NIC on the PCI bus, hot-detached and hot-attached with its PMD. */
static const char *hotplug;

static int
nic_probed(void)
{
	return rte_eth_dev_count_avail() > 0;
}

static int
nic_attach(void)
{
	int ret = rte_dev_probe(hotplug);

	return ret < 0 ? ret : 0;
}

static int
nic_detach(void)
{
	struct rte_eth_dev_info info;
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port)
		if (rte_eth_dev_info_get(port, &info) == 0)
			return rte_dev_remove(info.device);
	return -ENODEV;
}

static int
nic_attached(void)
{
	return nic_probed() ? 0 : -1;
}

static int
nic_detached(void)
{
	return nic_probed() ? -1 : 0;
}

static int
nic_detach_first(void)
{
	return nic_probed() ? nic_detach() : 0;
}

/* Back to the start: the NIC probed. */
static void
nic_reattach(void)
{
	if (!nic_probed())
		nic_attach();
}

/* cdev attach and detach. */
static int attached;

static int
attach(void)
{
	int ret = rte_eal_iommu_pci_attach(device);

	attached = ret == 0;
	return ret;
}

static int
detach(void)
{
	int ret = rte_eal_iommu_pci_detach(device);

	attached = ret < 0;
	return ret;
}

static void
detach_undo(void)
{
	if (attached)
		detach();
}

/* Is word one of the space-separated words of list? */
static int
word_in(const char *word, const char *list)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return 1;
		p += len;
	}
	return 0;
}

static int
test_fault_sweep(void)
{
	const struct sweep_op ops[] = {
		{ "app_buffer_map", NULL, app_map, app_mapped, app_undo, 0, 0 },
		{ "app_buffer_unmap", app_map, app_unmap, app_unmapped, app_undo, 0, 0 },
		{ "extmem_dma_map", NULL, ext_map, ext_mapped, ext_undo, 0, FIXED_IOVA },
		{ "hot_add", heap_fill, hot_add, NULL, hot_add_undo, 1, 0 },
		{ "hot_free", hot_free_prepare, hot_free, hot_free_done, hot_free_undo, 1, 0 },
		{ "cdev_attach", NULL, attach, NULL, detach_undo, 0, 0 },
		{ "cdev_detach", attach, detach, NULL, detach_undo, 0, 0 },
		{ "pci_hotplug_detach", NULL, nic_detach, nic_detached, nic_reattach, 0, 0 },
		{ "pci_hotplug_attach", nic_detach_first, nic_attach, nic_attached,
			nic_reattach, 0, 0 },
	};
	const char *only = getenv("IOMMU_TEST_SWEEPS");
	char path[64];
	unsigned int i, j;
	int fd = rte_eal_iommu_fd(), ret = 0;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	ioas_dev = test_ioas_device();
	TEST_ASSERT(ioas_dev != NULL, "no ioas device on the iommufd bus");
	device = getenv("IOMMU_TEST_PCI_DEV");
	hotplug = getenv("IOMMU_TEST_PCI_HOTPLUG");
	TEST_ASSERT(hotplug == NULL || nic_probed(),
		"IOMMU_TEST_PCI_HOTPLUG=%s: no port (give it to the PCI bus with -a)", hotplug);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(nth_fd >= 0, "%s: %s (needs CONFIG_FAULT_INJECTION)", path, strerror(errno));
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	if (rte_extmem_register(buf, BUF_LEN, NULL, 0, 4096) != 0) {
		munmap(buf, BUF_LEN);
		close(nth_fd);
		TEST_ASSERT(0, "rte_extmem_register: %s", rte_strerror(rte_errno));
	}
	/* Where the kernel's test interface exists, an access object looks. */
	if (selftest_available(fd) && selftest_access_create(fd, rte_eal_iommu_ioas_id(),
			&access_fd) < 0)
		access_fd = -1;
	TEST_ASSERT(eal_iommu_test_fail_nth(0) >= 0,
		"the library has no fault points: build with -Dfault_injection=true");
	for (j = 0; j < RTE_DIM(injectors) && ret == 0; j++)
		for (i = 0; i < RTE_DIM(ops) && ret == 0; i++) {
			if ((ops[i].run == attach || ops[i].run == detach) && device == NULL)
				continue;
			if ((ops[i].run == nic_attach || ops[i].run == nic_detach) && hotplug == NULL)
				continue;
			if (only != NULL && !word_in(ops[i].name, only))
				continue;
			ret = sweep(&injectors[j], &ops[i]);
		}
	if (access_fd >= 0)
		close(access_fd);
	free(grown_maps);
	rte_extmem_unregister(buf, BUF_LEN);
	munmap(buf, BUF_LEN);
	close(nth_fd);
	printf("fault sweeps: %u operations, %u failure points, %u leaks, access object %s\n",
		total_ops, total_points, total_leaks, access_fd >= 0 ? "used" : "not available");
	TEST_ASSERT(ret == 0, "a sweep could not complete");
	TEST_ASSERT(total_leaks == 0, "%u injected failures left the IOAS changed", total_leaks);
	TEST_ASSERT(total_points > 0, "no fault-injection point was reached: is fail_iommufd there?");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(fault_sweep_autotest, test_fault_sweep);
