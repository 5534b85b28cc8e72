/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Bad input to the API, one case each: the call fails with the errno the
 * API documents, says so in the log where the library explains (the
 * message checked), and leaves everything as it was (fds, valid ranges,
 * mappings, rte_eal_iommu_check(), recorded failures). Lookups of memory
 * that was unmapped or freed give RTE_BAD_IOVA. With IOMMU_TEST_PCI_DEV
 * (a vfio-pci device) the device cases run too. Each case prints
 * "case NAME: ok" or why not.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "test.h"
#include "test_util.h"

#define BUF_LEN (UINT64_C(2) << 20)

static uint8_t *buf, *unmapped_va, *ext;
static const char *device;
static struct rte_device *ioas_dev;
static uint64_t iova;

struct bad_case {
	const char *name;
	int (*setup)(void);   /* may be NULL; not part of the comparison */
	int (*call)(void);    /* the bad call: its return value */
	int err;              /* the negative errno it must return */
	const char *message;  /* text the log must have, or NULL */
	void (*cleanup)(void); /* may be NULL */
	int needs_device;
};

static int
map_buf(void)
{
	return rte_eal_iommu_dma_map(buf, BUF_LEN, &iova);
}

static void
unmap_buf(void)
{
	rte_eal_iommu_dma_unmap(buf, BUF_LEN);
}

static int
map_len_0(void)
{
	return rte_eal_iommu_dma_map(buf, 0, &iova);
}

static int
map_unaligned_length(void)
{
	return rte_eal_iommu_dma_map(buf, 100, &iova);
}

static int
map_not_in_process(void)
{
	return rte_eal_iommu_dma_map(unmapped_va, BUF_LEN, &iova);
}

static int
unmap_not_mapped(void)
{
	return rte_eal_iommu_dma_unmap(buf, BUF_LEN);
}

static int
unmap_part(void)
{
	return rte_eal_iommu_dma_unmap(buf, 4096);
}

static int
unmap_dpdk_memory(void)
{
	void *p = rte_malloc("bad_input", 4096, 0);
	int ret = rte_eal_iommu_dma_unmap(RTE_PTR_ALIGN_FLOOR(p, 4096), 4096);

	rte_free(p);
	return ret;
}

static int
extmem_not_registered(void)
{
	return rte_dev_dma_map(ioas_dev, buf, RTE_BAD_IOVA, BUF_LEN) < 0 ? -rte_errno : 0;
}

/* Registered external memory, but from the middle of a page. */
static int
extmem_unaligned(void)
{
	return rte_dev_dma_map(ioas_dev, RTE_PTR_ADD(ext, 64), RTE_BAD_IOVA, 4096) < 0 ?
		-rte_errno : 0;
}

static int
ext_map(void)
{
	return rte_dev_dma_map(ioas_dev, ext, UINT64_C(0x7e0000000000), BUF_LEN) < 0 ? -rte_errno : 0;
}

static int
ext_unmap(void)
{
	return rte_dev_dma_unmap(ioas_dev, ext, UINT64_C(0x7e0000000000), BUF_LEN) < 0 ?
		-rte_errno : 0;
}

static int
ext_map_unmap(void)
{
	int ret = ext_map();

	return ret < 0 ? ret : ext_unmap();
}

static int
set_policy_mapped(void)
{
	return rte_eal_iommu_set_policy(RTE_EAL_IOMMU_POLICY_PA);
}

static int
policy_parse_bad(void)
{
	enum rte_eal_iommu_policy p;

	return rte_eal_iommu_policy_parse("vaa", &p);
}

static int
attach_bad_address(void)
{
	return rte_eal_iommu_pci_attach("0000:zz:00.0");
}

static int
attach_no_device(void)
{
	return rte_eal_iommu_pci_attach("0000:00:1f.7");
}

static int
detach_not_attached(void)
{
	return rte_eal_iommu_pci_detach("0000:00:1f.7");
}

static int
attach_device(void)
{
	return rte_eal_iommu_pci_attach(device);
}

static void
detach_device(void)
{
	rte_eal_iommu_pci_detach(device);
}

static const struct bad_case cases[] = {
	{ "dma_map_len_0", NULL, map_len_0, -EINVAL, NULL, NULL, 0 },
	{ "dma_map_va_not_in_process", NULL, map_not_in_process, -EFAULT,
	  "the VA is not mapped in this process", NULL, 0 },
	{ "dma_map_twice", map_buf, map_buf, -EEXIST,
	  "already mapped (the VA range, or the IOVA range given): unmap it first", unmap_buf, 0 },
	{ "dma_unmap_not_mapped", NULL, unmap_not_mapped, -ENOENT, NULL, NULL, 0 },
	{ "dma_unmap_part_of_a_mapping", map_buf, unmap_part, -EINVAL,
	  "which is unmapped whole (the VA and length it was mapped with)", unmap_buf, 0 },
	{ "dma_unmap_dpdk_memory", NULL, unmap_dpdk_memory, -EPERM, NULL, NULL, 0 },
	{ "dev_dma_map_not_registered", NULL, extmem_not_registered, -EINVAL, NULL, NULL, 0 },
	{ "dev_dma_map_unaligned", NULL, extmem_unaligned, -EINVAL,
	  "not page-aligned; map whole pages (align the VA down and the length up to 4096 bytes)",
	  NULL, 0 },
	{ "dma_map_unaligned_length", NULL, map_unaligned_length, -EINVAL,
	  "not page-aligned; map whole pages", NULL, 0 },
	{ "dev_dma_unmap_twice", ext_map_unmap, ext_unmap, -ENOENT, NULL, NULL, 0 },
	{ "set_policy_while_mapped", NULL, set_policy_mapped, -EBUSY, NULL, NULL, 0 },
	{ "policy_parse_unknown", NULL, policy_parse_bad, -EINVAL, NULL, NULL, 0 },
	{ "pci_attach_not_an_address", NULL, attach_bad_address, -EINVAL,
	  "is not a PCI address (DDDD:BB:DD.F)", NULL, 0 },
	{ "pci_attach_no_such_device", NULL, attach_no_device, -ENODEV,
	  "no PCI device 0000:00:1f.7 on this machine: check the address (lspci -D)", NULL, 0 },
	{ "pci_detach_not_attached", NULL, detach_not_attached, -ENOENT, NULL, NULL, 0 },
	{ "pci_attach_twice", attach_device, attach_device, -EEXIST,
	  "is attached to IOAS", detach_device, 1 },
};

static const struct bad_case *current;
static int current_errno;

static int
run_current(void)
{
	int ret = current->call();

	current_errno = rte_errno;
	return ret;
}

static int
one_case(const struct bad_case *c)
{
	struct test_ioas_state before, after;
	char *log = NULL;
	int ret, bad = 0;

	if (c->setup != NULL && c->setup() < 0) {
		printf("case %s: setup failed: %s\n", c->name, rte_strerror(rte_errno));
		return 1;
	}
	test_ioas_state_get(&before);
	current = c;
	rte_errno = 0;
	ret = test_capture_log(run_current, &log);
	test_ioas_state_get(&after);
	if (ret != c->err) {
		printf("case %s: returned %d (%s), not %d (%s)\n", c->name, ret,
			strerror(ret < 0 ? -ret : 0), c->err, strerror(-c->err));
		bad = 1;
	} else if (current_errno != -c->err) {
		printf("case %s: rte_errno %d, not %d\n", c->name, current_errno, -c->err);
		bad = 1;
	} else if (c->message != NULL && (log == NULL || strstr(log, c->message) == NULL)) {
		printf("case %s: no message '%s'\n", c->name, c->message);
		bad = 1;
	} else if (test_ioas_state_differs(&before, &after)) {
		printf("case %s: the call changed the IOAS\n", c->name);
		bad = 1;
	}
	if (!bad)
		printf("case %s: ok\n", c->name);
	free(log);
	test_ioas_state_free(&before);
	test_ioas_state_free(&after);
	if (c->cleanup != NULL)
		c->cleanup();
	return bad;
}

/* Memory unmapped or freed is not translated any more. */
static int
lookups_of_freed_memory(void)
{
	void *big;
	int bad = 0;

	if (map_buf() < 0)
		return 1;
	unmap_buf();
	if (rte_eal_iommu_lookup(buf) != RTE_BAD_IOVA) {
		printf("case lookup_unmapped_buffer: still translated\n");
		bad = 1;
	} else {
		printf("case lookup_unmapped_buffer: ok\n");
	}
	/* More than the free heap: DPDK adds memory, and frees it again. */
	big = rte_malloc("bad_input_big", 256 << 20, 0);
	if (big == NULL)
		return 1;
	rte_free(big);
	if (rte_mem_virt2memseg(big, NULL) == NULL && rte_eal_iommu_lookup(big) != RTE_BAD_IOVA) {
		printf("case lookup_freed_heap_memory: still translated\n");
		bad = 1;
	} else {
		printf("case lookup_freed_heap_memory: ok\n");
	}
	return bad;
}

static int
test_bad_input(void)
{
	unsigned int i, n = 0, failed = 0;

	TEST_ASSERT(rte_eal_iommu_is_open() && rte_eal_iommu_check() == 0,
		"needs the plug-in with all DPDK memory mapped");
	ioas_dev = test_ioas_device();
	TEST_ASSERT(ioas_dev != NULL, "no ioas device on the iommufd bus");
	device = getenv("IOMMU_TEST_PCI_DEV");
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unmapped_va = mmap(NULL, BUF_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ext = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED && unmapped_va != MAP_FAILED && ext != MAP_FAILED, "mmap");
	munmap(unmapped_va, BUF_LEN);
	TEST_ASSERT(rte_extmem_register(ext, BUF_LEN, NULL, 0, 4096) == 0,
		"rte_extmem_register: %s", rte_strerror(rte_errno));
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (cases[i].needs_device && device == NULL)
			continue;
		failed += one_case(&cases[i]);
		n++;
	}
	failed += lookups_of_freed_memory();
	n += 2;
	munmap(buf, BUF_LEN);
	rte_extmem_unregister(ext, BUF_LEN);
	munmap(ext, BUF_LEN);
	printf("%u bad-input cases, %u failed\n", n, failed);
	TEST_ASSERT(failed == 0, "%u of %u cases failed", failed, n);
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(bad_input_autotest, test_bad_input);
