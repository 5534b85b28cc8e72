/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The iommufd bus: a DPDK plug-in (EAL -d) that puts all DPDK memory into
 * one iommufd IOAS. Its one device, "ioas", stands for the IOAS:
 *
 *   -a bus=iommufd,policy=auto|va|pa|window,attach=DDDD:BB:DD.F[,attach=...]
 *   -a ioas,policy=...        (the same, name first, as EAL writes it back)
 *
 * chooses how DPDK memory gets its IOVAs and which vfio-pci devices to
 * attach through their VFIO cdev (iommufd_params.h). Parsing has no side
 * effects: it builds the configuration and refuses, while EAL still lets
 * a plug-in fail rte_eal_init(), what cannot work (predicted from sysfs;
 * a forced --iova-mode is known only at probe, where a failure is made to
 * fail rte_eal_init() too). The configuration is applied once, in scan, when
 * the process type is known and EAL's own files are open: the primary
 * opens its IOAS and attaches the devices, a secondary uses the primary's.
 * The bus then votes in the EAL IOVA-mode decision for what the policy
 * needs, maps DPDK memory in probe (it probes before every other bus, so
 * no driver reads an IOVA before it is final), DMA-maps external memory
 * for rte_dev_dma_map() on the ioas device, and closes everything in
 * rte_eal_cleanup().
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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

#include "iommufd_bus_log.h"
#include "iommufd_params.h"
#include "iommufd_pci.h"
#include "iommufd_compat.h"

RTE_LOG_REGISTER_DEFAULT(iommufd_bus_logtype, INFO);

#define IOMMUFD_PATH "/dev/iommu"

static struct rte_bus iommufd_bus;

static const struct rte_driver ioas_driver = {
	.name = "iommufd_ioas",
};

static struct rte_device ioas_device = {
	.name = IOMMUFD_DEVICE_NAME,
	.bus = &iommufd_bus,
	.numa_node = SOCKET_ID_ANY,
};

/* Set once scan applied the configuration: devargs can no longer change it. */
static int configured;
/* A device given with attach= could not be attached: probe reports it. */
static int attach_failed;
static int devargs_failed; /* devargs given, but no IOAS came of them */
static unsigned int attached; /* devices attach= attached */

/* The bus's part of a devargs: the bus layer, or the arguments after the name. */
static const char *
devargs_text(const struct rte_devargs *da)
{
	return da->bus_str != NULL ? da->bus_str : da->drv_str;
}

/* Every devargs of this bus (plus extra, not yet listed) in one configuration. */
static int
collect_params(struct iommufd_params *p, const struct rte_devargs *extra)
{
	struct rte_devargs *da;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	RTE_EAL_DEVARGS_FOREACH(IOMMUFD_BUS_NAME, da)
		if (da != extra && ret == 0)
			ret = iommufd_params_parse(devargs_text(da), p);
	if (ret == 0 && extra != NULL)
		ret = iommufd_params_parse(devargs_text(extra), p);
	return ret;
}

/* Refuse now, without side effects, what would fail once applied. */
static int
predict(const struct iommufd_params *p)
{
	const char *devices[IOMMUFD_PARAMS_MAX_ATTACH];
	unsigned int i;
	int ret = 0;

	if (iommufd_compat_check("-a bus=iommufd given") < 0)
		return -ENOTSUP;
	if (access(IOMMUFD_PATH, R_OK | W_OK) != 0) {
		BUS_LOG(ERR, "-a bus=iommufd given, but %s %s: load the iommufd module (CONFIG_IOMMUFD, 'modprobe iommufd'), or give this user read-write access to it, or drop -a bus=iommufd",
			IOMMUFD_PATH, errno == ENOENT ? "does not exist" : strerror(errno));
		return -ENODEV;
	}
	for (i = 0; i < p->nattach && ret == 0; i++) {
		if (p->pci_mode == IOMMUFD_PCI_LIST &&
		    iommufd_params_pci_managed(p, p->attach[i])) {
			BUS_LOG(ERR, "%s is given both with attach= (the application drives it through its cdev) and with pci= (a PMD drives it): give it once",
				p->attach[i]);
			return -EINVAL;
		}
		ret = eal_iommu_pci_check(p->attach[i], NULL, 0);
		devices[i] = p->attach[i];
	}
	if (ret == 0)
		ret = eal_iommu_startup_predict(p->policy_set ? p->policy :
			RTE_EAL_IOMMU_POLICY_AUTO, devices, p->nattach);
	return ret;
}

/*
 * -a bus=iommufd,...: build and check the configuration. During
 * rte_eal_init() an error here makes it fail, which no later bus callback
 * can. Also called by EAL for device iterators and hot-plug, after the
 * configuration is applied: then only the device name is resolved.
 */
static int
iommufd_bus_devargs_parse(struct rte_devargs *da)
{
	struct iommufd_params p;
	char esc[256];
	int ret;

	strlcpy(da->name, IOMMUFD_DEVICE_NAME, sizeof(da->name));
	if (!configured) {
		ret = collect_params(&p, da);
		if (ret == 0)
			ret = predict(&p);
	} else {
		memset(&p, 0, sizeof(p));
		ret = iommufd_params_parse(devargs_text(da), &p);
		if (ret == 0 && p.has_config) {
			BUS_LOG(ERR, "the iommufd bus is configured once, at start-up: give policy=, attach= and pci= with EAL's -a bus=iommufd,... option");
			ret = -EINVAL;
		}
	}
	if (ret < 0)
		BUS_LOG(ERR, "'%s' cannot be honoured (%s): stopping",
			iommufd_params_escape(devargs_text(da), esc, sizeof(esc)),
			rte_strerror(-ret));
	return ret < 0 ? ret : 0;
}

/* A secondary uses the primary's IOAS: say what of its devargs cannot apply. */
static void
check_secondary_params(const struct iommufd_params *p)
{
	enum rte_eal_iommu_policy primary = rte_eal_iommu_policy();

	if (p->policy_set && p->policy != RTE_EAL_IOMMU_POLICY_AUTO &&
	    p->policy != primary)
		BUS_LOG(ERR, "secondary process: policy=%s ignored: the primary's IOAS %u maps DPDK memory with policy %s, and this process uses it",
			rte_eal_iommu_policy_name(p->policy), rte_eal_iommu_ioas_id(),
			rte_eal_iommu_policy_name(primary));
	if (p->nattach > 0)
		BUS_LOG(ERR, "secondary process: attach=%s%s ignored: only the primary attaches devices to its IOAS; give attach= to the primary",
			p->attach[0], p->nattach > 1 ? " and the others" : "");
}

/* Apply the configuration: open the IOAS (or take the primary's), attach the devices. */
static void
apply_params(void)
{
	struct rte_devargs *da = rte_devargs_next(IOMMUFD_BUS_NAME, NULL);
	int secondary = rte_eal_process_type() == RTE_PROC_SECONDARY;
	struct iommufd_params p;
	unsigned int i;

	configured = 1;
	/* Name-first devargs were not parsed before: errors show here. */
	devargs_failed = da != NULL;
	if (collect_params(&p, NULL) < 0) {
		BUS_LOG(ERR, "the iommufd bus's devargs cannot be honoured: DPDK memory is NOT mapped through iommufd");
		return;
	}
	if (iommufd_compat_check("DPDK memory is NOT mapped through iommufd, PCI devices use EAL's own VFIO") < 0)
		return;
	if (access(IOMMUFD_PATH, F_OK) != 0) {
		if (da != NULL)
			BUS_LOG(ERR, "no %s: DPDK memory is NOT mapped through iommufd", IOMMUFD_PATH);
		else
			BUS_LOG(INFO, "no %s: DPDK memory is not mapped through iommufd", IOMMUFD_PATH);
		return;
	}
	if (!secondary && p.policy_set && rte_eal_iommu_set_policy(p.policy) < 0)
		return;
	if (rte_eal_iommu_open() < 0) {
		BUS_LOG(ERR, "no IOAS: DPDK memory is NOT DMA-mapped through iommufd");
		return;
	}
	devargs_failed = 0;
	iommufd_pci_start(&p);
	if (secondary) {
		check_secondary_params(&p);
		return;
	}
	for (i = 0; i < p.nattach; i++)
		if (rte_eal_iommu_pci_attach(p.attach[i]) < 0) {
			BUS_LOG(ERR, "attach=%s failed (see above): the device is not attached to the IOAS",
				p.attach[i]);
			attach_failed = 1;
		} else {
			attached++;
		}
}

static int
iommufd_bus_scan(void)
{
	if (!configured)
		apply_params();
	ioas_device.devargs = rte_devargs_next(IOMMUFD_BUS_NAME, NULL);
	return 0;
}

static enum rte_iova_mode
iommufd_bus_get_iommu_class(void)
{
	enum rte_iova_mode vote;

	/* A secondary follows the primary's IOVA mode. */
	if (!rte_eal_iommu_is_open() || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return RTE_IOVA_DC;
	/* Every bus has scanned: the PCI devices to come are known. */
	iommufd_pci_expect();
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

/*
 * Start-up went wrong after the last point where a plug-in may fail
 * rte_eal_init() cleanly: make it fail anyway, or say loudly that it could
 * not. With DPDK memory not DMA-able (unmapped) the gate gives no PCI
 * device to a driver either way.
 */
static void
fail_init(const char *what, int unmapped)
{
	if (iommufd_vfio_mp_fail_init() == 0) {
		BUS_LOG(ERR, "%s: rte_eal_init() fails%s", what,
			unmapped ? " (no device is given to a driver)" : "");
		return;
	}
	BUS_LOG(ERR, "%s, and DPDK 22.11 gives the plug-in no way to fail rte_eal_init() without VFIO or with --no-shconf/--in-memory: %s; fix the cause and restart",
		what, unmapped ? "no PCI device is given to a driver, rte_eal_iommu_check() fails" :
		"the application must not count on that device");
}

static int
iommufd_bus_probe(void)
{
	char what[128];
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		if (!rte_eal_iommu_is_open())
			return 0;
		BUS_LOG(INFO, "secondary process: DMA through the primary's IOAS %u, policy %s",
			rte_eal_iommu_ioas_id(),
			rte_eal_iommu_policy_name(rte_eal_iommu_policy()));
		return eal_iommu_secondary_memory_attached();
	}
	if (devargs_failed) {
		/* Asked for (-a bus=iommufd), not there: no silent fallback. */
		fail_init("the iommufd bus was given devargs but has no IOAS (see above)", 0);
		return -ENODEV;
	}
	if (!rte_eal_iommu_is_open() || ioas_device.driver != NULL)
		return 0;
	ret = rte_eal_iommu_map_dpdk_memory();
	/*
	 * With a device to DMA to it (attach=, or one the PCI bus will probe),
	 * rte_eal_init() must not succeed. With none (a child process started
	 * with other memory options, say), it goes on, loudly: the gate
	 * refuses every PCI device coming later while memory is not DMA-able.
	 */
	if (ret < 0 && (attached > 0 || attach_failed || iommufd_pci_managed_count() > 0)) {
		snprintf(what, sizeof(what), "DPDK memory is NOT DMA-able through IOAS %u (see above)",
			rte_eal_iommu_ioas_id());
		fail_init(what, 1);
		return ret;
	}
	if (ret < 0) {
		BUS_LOG(ERR, "DPDK memory is NOT DMA-able through IOAS %u (see above), with no device attached or allowed yet: rte_eal_init() goes on, rte_eal_iommu_check() fails and every PCI device is refused until the cause is fixed",
			rte_eal_iommu_ioas_id());
		return ret;
	}
	ioas_device.driver = &ioas_driver;
	log_ioas();
	if (attach_failed) {
		fail_init("a device given with attach= is not attached (see above)", 0);
		return -ENODEV;
	}
	return 0;
}

static int
iommufd_bus_cleanup(void)
{
	ioas_device.driver = NULL;
	iommufd_pci_stop();
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
	if (strcmp(name, IOMMUFD_DEVICE_NAME) != 0)
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
	return strcmp(value, IOMMUFD_DEVICE_NAME) == 0 ? 0 : -1;
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

/*
 * Probe before every other bus: DPDK memory must have its final IOVAs
 * before any driver caches one.
 */
RTE_INIT(iommufd_bus_probe_first)
{
	iommufd_compat_bus_first(&iommufd_bus);
}
