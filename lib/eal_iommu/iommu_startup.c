/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Before DPDK memory exists: can the chosen policy work with the IOAS's
 * ranges, and which EAL IOVA mode does it need? DPDK's memory segment
 * lists are reserved later, so their VA windows are predicted the way EAL
 * 22.11 sizes them: from its base address, one window of at most
 * RTE_MAX_MEM_MB_PER_TYPE per hugepage size and NUMA node, all of them
 * within RTE_MAX_MEM_MB. rte_eal_iommu_map_dpdk_memory() checks the real
 * windows again.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include "eal_iommu_private.h"

#define MB (UINT64_C(1) << 20)
#define GB (UINT64_C(1) << 30)

/* Entries of dir whose name starts with prefix (and, if set, pass keep). */
static unsigned int
count_entries(const char *dir, const char *prefix, int (*keep)(const char *dir,
		const char *name))
{
	unsigned int n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    (keep == NULL || keep(dir, e->d_name)))
			n++;
	closedir(d);
	return n;
}

int
iommu_nr_hugepages(const char *path, unsigned long *n)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -1;
	ok = fscanf(f, "%lu", n) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int
has_hugepages(const char *dir, const char *name)
{
	char path[512];
	unsigned long n = 0;

	snprintf(path, sizeof(path), "%s/%s/nr_hugepages", dir, name);
	return iommu_nr_hugepages(path, &n) == 0 && n > 0;
}

/* The VA span DPDK will reserve for its memory, predicted. */
static void
predict_va_windows(uint64_t *base, uint64_t *len)
{
	unsigned int sizes, nodes, types;
	uint64_t per_type;

	sizes = count_entries("/sys/kernel/mm/hugepages", "hugepages-",
		has_hugepages);
	nodes = count_entries("/sys/devices/system/node", "node", NULL);
	types = RTE_MAX(sizes, 1u) * RTE_MAX(nodes, 1u);
	per_type = RTE_MIN((uint64_t)RTE_MAX_MEM_MB_PER_TYPE,
		(uint64_t)RTE_MAX_MEM_MB / types) * MB;
	*base = rte_eal_get_baseaddr();
	/* The lists' bookkeeping sits between them: allow for it. */
	*len = types * per_type + GB;
}

/* --iova-mode as given on the command line, RTE_IOVA_DC if absent. */
static enum rte_iova_mode
requested_iova_mode(void)
{
	enum rte_iova_mode mode = RTE_IOVA_DC;
	char buf[8192], *arg, *end;
	size_t n;
	FILE *f;

	/* EAL keeps --iova-mode to itself until it decides: read argv. */
	f = fopen("/proc/self/cmdline", "r");
	if (f == NULL)
		return RTE_IOVA_DC;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	end = buf + n;
	for (arg = buf; arg < end; arg += strlen(arg) + 1) {
		const char *value = NULL;

		if (strcmp(arg, "--") == 0)
			break;
		if (strncmp(arg, "--iova-mode=", 12) == 0)
			value = arg + 12;
		else if (strcmp(arg, "--iova-mode") == 0 && arg + strlen(arg) + 1 < end)
			value = arg + strlen(arg) + 1;
		if (value != NULL)
			mode = strcmp(value, "pa") == 0 ? RTE_IOVA_PA :
				strcmp(value, "va") == 0 ? RTE_IOVA_VA : RTE_IOVA_DC;
	}
	return mode;
}

static int
refuse_va_windows(uint64_t base, uint64_t len, const char *why)
{
	char ranges[512];

	IOMMU_LOG(ERR, "DPDK memory cannot be DMA-mapped at IOVA = VA: %s", why);
	IOMMU_LOG(ERR, "  DPDK will reserve VA [0x%" PRIx64 ", 0x%" PRIx64 "] for its memory",
		base, base + len - 1);
	IOMMU_LOG(ERR, "  valid IOVA ranges of IOAS %u: %s", eal_iommu.ioas_id,
		iova_ranges_format(&eal_iommu.ranges, ranges, sizeof(ranges)));
	IOMMU_LOG(ERR, "  to fix: run with --iova-mode=pa (policy pa, or -a bus=iommufd,policy=window), or place DPDK memory inside a valid range with --base-virtaddr=<address>");
	return -ERANGE;
}

int
eal_iommu_startup_vote(enum rte_iova_mode *vote)
{
	enum rte_iova_mode forced = requested_iova_mode();
	enum rte_eal_iommu_policy policy;
	uint64_t base, len;
	int va_fits, phys;

	pthread_mutex_lock(&eal_iommu.lock);
	policy = eal_iommu.requested;
	predict_va_windows(&base, &len);
	va_fits = iova_ranges_contain(&eal_iommu.ranges, base, len);
	pthread_mutex_unlock(&eal_iommu.lock);
	phys = rte_eal_using_phys_addrs();

	switch (policy) {
	case RTE_EAL_IOMMU_POLICY_VA:
		if (forced == RTE_IOVA_PA) {
			IOMMU_LOG(ERR, "policy va (IOVA = VA) cannot work with --iova-mode=pa: drop one of them");
			return iommu_fail(-EINVAL);
		}
		if (!va_fits)
			return iommu_fail(refuse_va_windows(base, len,
				"policy va, and the VA DPDK will use lies outside the valid IOVA ranges"));
		*vote = RTE_IOVA_VA;
		return 0;
	case RTE_EAL_IOMMU_POLICY_PA:
	case RTE_EAL_IOMMU_POLICY_WINDOW:
		if (forced == RTE_IOVA_VA) {
			IOMMU_LOG(ERR, "policy %s needs EAL IOVA mode 'pa', not --iova-mode=va",
				rte_eal_iommu_policy_name(policy));
			return iommu_fail(-EINVAL);
		}
		if (!phys) {
			IOMMU_LOG(ERR, "policy %s needs EAL IOVA mode 'pa', which needs physical addresses: run as root, with hugepages",
				rte_eal_iommu_policy_name(policy));
			return iommu_fail(-EINVAL);
		}
		*vote = RTE_IOVA_PA;
		return 0;
	default:
		break;
	}
	/* auto */
	if (va_fits) {
		*vote = forced == RTE_IOVA_PA ? RTE_IOVA_PA : RTE_IOVA_VA;
		return 0;
	}
	if (forced == RTE_IOVA_VA)
		return iommu_fail(refuse_va_windows(base, len,
			"--iova-mode=va, and the VA DPDK will use lies outside the valid IOVA ranges"));
	if (!phys)
		return iommu_fail(refuse_va_windows(base, len,
			"the VA DPDK will use lies outside the valid IOVA ranges, and without physical addresses (not root) the pa policy cannot be used"));
	*vote = RTE_IOVA_PA;
	return 0;
}
