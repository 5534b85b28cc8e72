/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The iommufd bus: a DPDK plug-in (EAL -d) that puts all DPDK memory into
 * one iommufd IOAS. Its one device, "ioas", stands for the IOAS:
 *
 *   -a bus=iommufd,policy=auto|va|pa|window,attach=DDDD:BB:DD.F[,attach=...]
 *
 * chooses how DPDK memory gets its IOVAs and which vfio-pci devices to
 * attach through their VFIO cdev. Those arguments are handled while EAL
 * parses devices, the one point where a plug-in can still make
 * rte_eal_init() fail: a policy that cannot work stops EAL there, with a
 * message saying what to do. The bus votes in the EAL IOVA-mode decision
 * for what the policy needs, maps DPDK memory in probe (it probes before
 * every other bus, so no driver reads an IOVA before it is final),
 * DMA-maps external memory for rte_dev_dma_map() on the ioas device, and
 * closes everything in rte_eal_cleanup().
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <bus_driver.h>
#include <dev_driver.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_string_fns.h>

#include <rte_eal_iommu.h>
#include <eal_iommu_driver.h>

RTE_LOG_REGISTER_DEFAULT(iommufd_bus_logtype, INFO);

#define BUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, iommufd_bus_logtype, "IOMMUFD_BUS: " fmt "\n", \
		## __VA_ARGS__)

#define IOAS_DEVICE_NAME "ioas"
#define KEY_POLICY "policy"
#define KEY_ATTACH "attach"

static struct rte_bus iommufd_bus;

static const struct rte_driver ioas_driver = {
	.name = "iommufd_ioas",
};

static struct rte_device ioas_device = {
	.name = IOAS_DEVICE_NAME,
	.bus = &iommufd_bus,
	.numa_node = SOCKET_ID_ANY,
};

/* Open the IOAS unless open; quiet when the machine has no iommufd. */
static int
ioas_open(void)
{
	int ret;

	if (rte_eal_iommu_is_open())
		return 0;
	if (access("/dev/iommu", F_OK) != 0) {
		BUS_LOG(INFO, "no /dev/iommu: DPDK memory is not mapped through iommufd");
		return -ENODEV;
	}
	ret = rte_eal_iommu_open();
	if (ret < 0)
		BUS_LOG(ERR, "no IOAS: DPDK memory is not DMA-mapped through iommufd");
	return ret;
}

static int
apply_policy(const char *key, const char *value, void *arg)
{
	enum rte_eal_iommu_policy policy;

	RTE_SET_USED(key);
	RTE_SET_USED(arg);
	if (rte_eal_iommu_policy_parse(value, &policy) < 0) {
		BUS_LOG(ERR, "unknown policy '%s': use auto, va, pa or window", value);
		return -EINVAL;
	}
	return rte_eal_iommu_set_policy(policy);
}

static int
apply_attach(const char *key, const char *value, void *arg)
{
	RTE_SET_USED(key);
	RTE_SET_USED(arg);
	return rte_eal_iommu_pci_attach(value);
}

/*
 * -a bus=iommufd,...: configure the IOAS. During rte_eal_init() an error
 * here makes it fail, which no later bus callback can.
 */
static int
iommufd_bus_devargs_parse(struct rte_devargs *da)
{
	static const char *const keys[] = {
		RTE_DEVARGS_KEY_BUS, KEY_POLICY, KEY_ATTACH, NULL,
	};
	struct rte_kvargs *kv;
	enum rte_iova_mode vote;
	int ret;

	kv = rte_kvargs_parse(da->bus_str, keys);
	if (kv == NULL) {
		BUS_LOG(ERR, "cannot parse '%s': the keys are %s, %s and %s",
			da->bus_str, KEY_POLICY, KEY_ATTACH, RTE_DEVARGS_KEY_BUS);
		return -EINVAL;
	}
	strlcpy(da->name, IOAS_DEVICE_NAME, sizeof(da->name));
	ret = rte_kvargs_process(kv, KEY_POLICY, apply_policy, NULL);
	if (ret == 0)
		ret = ioas_open();
	if (ret == 0)
		ret = rte_kvargs_process(kv, KEY_ATTACH, apply_attach, NULL);
	rte_kvargs_free(kv);
	if (ret == 0 && rte_eal_iommu_maps(NULL, 0) == 0)
		ret = eal_iommu_startup_vote(&vote);
	if (ret < 0)
		BUS_LOG(ERR, "'%s' cannot be honoured: stopping", da->bus_str);
	return ret < 0 ? ret : 0;
}

static int
iommufd_bus_scan(void)
{
	struct rte_devargs *da;

	if (ioas_open() < 0)
		return 0;
	RTE_EAL_DEVARGS_FOREACH(iommufd_bus.name, da)
		ioas_device.devargs = da;
	return 0;
}

static enum rte_iova_mode
iommufd_bus_get_iommu_class(void)
{
	enum rte_iova_mode vote;

	/* A secondary follows the primary's IOVA mode. */
	if (!rte_eal_iommu_is_open() || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return RTE_IOVA_DC;
	if (eal_iommu_startup_vote(&vote) < 0) {
		BUS_LOG(ERR, "no IOVA policy can work here: no IOVA mode preference");
		return RTE_IOVA_DC;
	}
	BUS_LOG(DEBUG, "policy %s wants IOVA as %s",
		rte_eal_iommu_policy_name(rte_eal_iommu_policy()),
		vote == RTE_IOVA_VA ? "VA" : "PA");
	return vote;
}

static void
log_ioas(void)
{
	struct rte_eal_iommu_range ranges[16];
	uint64_t alignment;
	int i, n;

	n = rte_eal_iommu_ranges(ranges, RTE_DIM(ranges), &alignment);
	BUS_LOG(INFO, "IOAS %u: policy %s, %d valid IOVA range(s), alignment 0x%" PRIx64,
		rte_eal_iommu_ioas_id(),
		rte_eal_iommu_policy_name(rte_eal_iommu_policy()), n, alignment);
	for (i = 0; i < n && i < (int)RTE_DIM(ranges); i++)
		BUS_LOG(INFO, "  [0x%" PRIx64 ", 0x%" PRIx64 "]",
			ranges[i].start, ranges[i].last);
	BUS_LOG(INFO, "IOAS %u: %" PRIu64 " bytes of DPDK memory mapped",
		rte_eal_iommu_ioas_id(), rte_eal_iommu_mapped_bytes());
}

static int
iommufd_bus_probe(void)
{
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		if (rte_eal_iommu_is_open())
			BUS_LOG(INFO, "secondary process: DMA through the primary's IOAS %u, policy %s",
				rte_eal_iommu_ioas_id(),
				rte_eal_iommu_policy_name(rte_eal_iommu_policy()));
		return 0;
	}
	if (!rte_eal_iommu_is_open() || ioas_device.driver != NULL)
		return 0;
	ret = rte_eal_iommu_map_dpdk_memory();
	if (ret < 0) {
		BUS_LOG(ERR, "DPDK memory is NOT DMA-able through IOAS %u (see above); rte_eal_iommu_check() fails",
			rte_eal_iommu_ioas_id());
		return ret;
	}
	ioas_device.driver = &ioas_driver;
	log_ioas();
	return 0;
}

static int
iommufd_bus_cleanup(void)
{
	ioas_device.driver = NULL;
	rte_eal_iommu_close();
	return 0;
}

static struct rte_device *
iommufd_bus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp,
		const void *data)
{
	if (start != NULL || !rte_eal_iommu_is_open())
		return NULL;
	return cmp(&ioas_device, data) == 0 ? &ioas_device : NULL;
}

static int
iommufd_bus_parse(const char *name, void *addr)
{
	if (strcmp(name, IOAS_DEVICE_NAME) != 0)
		return -1;
	if (addr != NULL)
		strlcpy(addr, name, RTE_DEV_NAME_MAX_LEN);
	return 0;
}

static int
name_matches(const char *key, const char *value, void *arg)
{
	RTE_SET_USED(key);
	RTE_SET_USED(arg);
	return strcmp(value, IOAS_DEVICE_NAME) == 0 ? 0 : -1;
}

/* RTE_DEV_FOREACH(dev, "bus=iommufd[,name=ioas]", &it) finds the ioas device. */
static void *
iommufd_bus_dev_iterate(const void *start, const char *str,
		const struct rte_dev_iterator *it)
{
	struct rte_kvargs *kv;
	int match = 1;

	RTE_SET_USED(it);
	if (start != NULL || !rte_eal_iommu_is_open())
		return NULL;
	if (str != NULL && str[0] != '\0') {
		kv = rte_kvargs_parse(str, NULL);
		if (kv == NULL) {
			rte_errno = EINVAL;
			return NULL;
		}
		match = rte_kvargs_process(kv, "name", name_matches, NULL) == 0;
		rte_kvargs_free(kv);
	}
	return match ? &ioas_device : NULL;
}

/* rte_dev_dma_map() on the ioas device: IOVA RTE_BAD_IOVA lets the kernel choose. */
static int
iommufd_bus_dma_map(struct rte_device *dev, void *addr, uint64_t iova,
		size_t len)
{
	if (dev != &ioas_device)
		return -ENODEV;
	return eal_iommu_dma_map_owner(addr, len, &iova,
		RTE_EAL_IOMMU_OWNER_EXTERNAL);
}

static int
iommufd_bus_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova,
		size_t len)
{
	RTE_SET_USED(iova);
	if (dev != &ioas_device)
		return -ENODEV;
	return rte_eal_iommu_dma_unmap(addr, len);
}

static struct rte_bus iommufd_bus = {
	.scan = iommufd_bus_scan,
	.probe = iommufd_bus_probe,
	.find_device = iommufd_bus_find_device,
	.parse = iommufd_bus_parse,
	.devargs_parse = iommufd_bus_devargs_parse,
	.dma_map = iommufd_bus_dma_map,
	.dma_unmap = iommufd_bus_dma_unmap,
	.get_iommu_class = iommufd_bus_get_iommu_class,
	.dev_iterate = iommufd_bus_dev_iterate,
	.cleanup = iommufd_bus_cleanup,
};

RTE_REGISTER_BUS(iommufd, iommufd_bus);

static int
any_bus(const struct rte_bus *bus, const void *data)
{
	RTE_SET_USED(bus);
	RTE_SET_USED(data);
	return 0;
}

/*
 * Probe before every other bus: DPDK memory must have its final IOVAs
 * before any driver caches one. Buses registered earlier move behind us,
 * in their order; buses loaded later register behind us anyway.
 */
RTE_INIT(iommufd_bus_probe_first)
{
	struct rte_bus *earlier[64], *bus = NULL;
	unsigned int i, n = 0;

	while ((bus = rte_bus_find(bus, any_bus, NULL)) != NULL &&
	       bus != &iommufd_bus && n < RTE_DIM(earlier))
		earlier[n++] = bus;
	for (i = 0; i < n; i++) {
		rte_bus_unregister(earlier[i]);
		rte_bus_register(earlier[i]);
	}
}
