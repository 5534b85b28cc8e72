/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * VFIO groups bridged into the IOAS (iommu_vfio_group.h), for the PCI bus's
 * drivers. The bus admits each device before any driver gets it
 * (eal_iommu_pci_group_admit()), and reports after the PCI bus probed,
 * plugged or unplugged devices (eal_iommu_pci_group_sync()).
 *
 * Invariants, with the IOAS lock held:
 * - a device is admitted only while all DPDK memory is DMA-able in the
 *   IOAS and none of the IOVAs it will reserve (predicted from sysfs) is
 *   in use; its group is then in the IOAS, which is the iommufd's VFIO
 *   compatibility IOAS;
 * - the valid ranges exclude every reservation predicted for an admitted
 *   or expected device (iommu_ioas_expect_locked()), so nothing is mapped
 *   where a device about to attach will reserve;
 * - a group is counted in the IOAS only while EAL holds the fd it was
 *   bridged with, in the iommufd (group_open()): every admission and sync
 *   first forgets closed groups with their devices, so a function of a
 *   group EAL closed (its sibling's PMD probe failed) is bridged again,
 *   never left to EAL's legacy container while counted here.
 *
 * Admission and attach are not one step: the device attaches when its PMD
 * opens it (VFIO_GROUP_GET_DEVICE_FD), after the locks are dropped. Memory
 * DPDK adds in between is mapped outside the device's reservations (the
 * second invariant); an attach that fails there fails the PMD's probe, and
 * EAL closes the group, which the next admission or sync forgets.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include <rte_eal_memconfig.h>
#include <rte_pci.h>
#include <rte_string_fns.h>
#include <rte_vfio.h>

#include "eal_iommu_driver.h"
#include "iommu_fault.h"
#include "iommu_host.h"
#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_vfio_cdev.h"
#include "iommu_vfio_group.h"
#include "iommu_policy.h"
#include "iommu_status.h"

/* A device and the IOVAs it reserves when it attaches (predicted). */
struct device_reservations {
	char name[PCI_PRI_STR_SIZE];
	int group;
	struct iova_range v[IOMMU_HOST_MAX_RESERVATIONS];
	unsigned int n;
};

/* A group in the IOAS; fd is EAL's (rte_vfio_get_group_fd()). */
struct bridged_group {
	int num;
	int fd;
	dev_t rdev; /* of /dev/vfio/num: tells when EAL closed fd */
};

/* Growable arrays: as many devices and groups as the machine has. */
static struct device_reservations *expected;
static unsigned int nexpected, expected_cap;
static struct device_reservations *admitted;
static unsigned int nadmitted, admitted_cap;
static struct bridged_group *groups;
static unsigned int ngroups, groups_cap;

/*
 * v (n elements of size sz, capacity *cap) with room for one more: v, or
 * a larger copy (*cap updated); NULL, v unchanged, when out of memory
 * (said, for what).
 */
static void *
room_for_one(void *v, unsigned int n, unsigned int *cap, size_t sz, const char *what)
{
	unsigned int c = *cap ? 2 * *cap : 8;
	void *p;

	if (n < *cap)
		return v;
	p = iommu_fault_realloc(v, (size_t)c * sz);
	if (p == NULL) {
		IOMMU_LOG(ERR, "out of memory for the list of %s (%u so far)", what, n);
		return NULL;
	}
	*cap = c;
	return p;
}
static int compat_ioas_set; /* IOMMU_VFIO_IOAS SET done on this iommufd */
static unsigned int legacy_devices;

static struct device_reservations *
find_in(struct device_reservations *list, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

/* Tell the IOAS every reservation of admitted and expected devices. */
static int
push_expectations(void)
{
	unsigned int i, j, n = 0;
	struct iova_range *v;
	int ret;

	for (i = 0; i < nadmitted; i++)
		n += admitted[i].n;
	for (i = 0; i < nexpected; i++)
		n += expected[i].n;
	v = iommu_fault_malloc(sizeof(*v) * (n + 1));
	if (v == NULL) {
		IOMMU_LOG(ERR, "out of memory for the %u IOVA range(s) PCI devices reserve", n);
		return -ENOMEM;
	}
	n = 0;
	for (i = 0; i < nadmitted; i++)
		for (j = 0; j < admitted[i].n; j++)
			v[n++] = admitted[i].v[j];
	for (i = 0; i < nexpected; i++)
		for (j = 0; j < expected[i].n; j++)
			v[n++] = expected[i].v[j];
	ret = iommu_ioas_expect_locked(v, n);
	free(v);
	return ret;
}

static int
predict(const char *name, struct device_reservations *d)
{
	int n;

	memset(d, 0, sizeof(*d));
	strlcpy(d->name, name, sizeof(d->name));
	d->group = iommu_host_iommu_group(name);
	if (d->group < 0) {
		IOMMU_LOG(ERR, "%s is in no IOMMU group: enable the IOMMU (intel_iommu=on or AMD-Vi) and bind it to vfio-pci",
			name);
		return -ENODEV;
	}
	n = iommu_host_device_reservations(name, d->v, RTE_DIM(d->v));
	if (n == -E2BIG) {
		IOMMU_LOG(ERR, "%s (IOMMU group %d) reserves more than %u IOVA ranges, the most this plug-in reads for a device: not used with the IOAS",
			name, d->group, (unsigned int)RTE_DIM(d->v));
		return n;
	}
	if (n < 0) {
		IOMMU_LOG(ERR, "cannot read what %s reserves (IOMMU group %d): %s",
			name, d->group, strerror(-n));
		return n;
	}
	d->n = n;
	return 0;
}

int
eal_iommu_pci_expect(const char *const *names, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	iommu_ioas_lock();
	nexpected = 0;
	for (i = 0; i < n && ret == 0; i++) {
		struct device_reservations *e = room_for_one(expected, nexpected,
			&expected_cap, sizeof(*expected), "PCI devices expected");

		if (e == NULL) {
			ret = -ENOMEM;
			break;
		}
		expected = e;
		if (find_in(admitted, nadmitted, names[i]) == NULL &&
		    predict(names[i], &expected[nexpected]) == 0)
			nexpected++;
	}
	if (ret == 0 && iommu_ioas_is_open_locked())
		ret = push_expectations();
	iommu_ioas_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

/* The first IOVA in use that d reserves, in *hit; 0 if none. */
static int
collides(const struct device_reservations *d, struct iova_range *hit,
		struct iova_range *taken)
{
	struct iova_range *used = NULL;
	unsigned int i;
	int j, n;

	n = iommu_map_used_iovas_locked(&used);
	if (n < 0)
		return n;
	for (i = 0; i < d->n; i++)
		for (j = 0; j < n; j++)
			if (used[j].start <= d->v[i].last && d->v[i].start <= used[j].last) {
				*hit = d->v[i];
				*taken = used[j];
				free(used);
				return 1;
			}
	free(used);
	return 0;
}

/* Is all DPDK memory DMA-able in the IOAS? Hotplug read lock held. */
static int
dpdk_memory_dma_able(void)
{
	return iommu_policy_applied_locked() &&
		iommu_status_failure_count_locked() == 0 &&
		iommu_status_unmapped_segments_locked(0) == 0;
}

static struct bridged_group *
find_group(int num)
{
	unsigned int i;

	for (i = 0; i < ngroups; i++)
		if (groups[i].num == num)
			return &groups[i];
	return NULL;
}

/* Give group num's container to the iommufd (its devices then attach to the IOAS). */
static int
bridge_group(int num, const char *name)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct iommu_vfio_ioas compat = {
		.size = sizeof(compat), .ioas_id = iommu_ioas_id(),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct bridged_group *g;
	int fd, err, iommufd = iommu_ioas_fd();
	struct stat st;

	g = room_for_one(groups, ngroups, &groups_cap, sizeof(*groups), "VFIO groups on the IOAS");
	if (g == NULL)
		return -ENOMEM;
	groups = g;
	fd = rte_vfio_get_group_fd(num);
	if (fd < 0) {
		IOMMU_LOG(ERR, "cannot open VFIO group %d of %s: bind it to vfio-pci, with /dev/vfio/%d accessible",
			num, name, num);
		return -ENODEV;
	}
	if (iommu_fault_ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		err = -errno;
		IOMMU_LOG(ERR, "cannot read the status of VFIO group %d: %s", num,
			strerror(-err));
		goto undo;
	}
	if (status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) {
		/* EAL's legacy container has it: EAL is using it, leave it. */
		IOMMU_LOG(ERR, "VFIO group %d of %s is in EAL's VFIO container already: a device of it was given to a driver before the plug-in saw it",
			num, name);
		return -EBUSY;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		IOMMU_LOG(ERR, "VFIO group %d of %s is not viable: bind every device of /sys/kernel/iommu_groups/%d/devices to vfio-pci (or to no driver)",
			num, name, num);
		err = -EPERM;
		goto undo;
	}
	if (!compat_ioas_set && iommu_fault_ioctl(iommu_ioas_fd(), IOMMU_VFIO_IOAS, &compat) < 0) {
		err = -errno;
		IOMMU_LOG(ERR, "cannot make IOAS %u the VFIO compatibility IOAS: %s",
			iommu_ioas_id(), strerror(-err));
		goto undo;
	}
	compat_ioas_set = 1;
	if (iommu_fault_ioctl(fd, VFIO_GROUP_SET_CONTAINER, &iommufd) < 0) {
		err = -errno;
		IOMMU_LOG(ERR, "cannot put VFIO group %d of %s into IOAS %u: %s%s",
			num, name, iommu_ioas_id(), strerror(-err),
			err == -EBADFD ? " (the kernel needs CONFIG_IOMMUFD_VFIO_CONTAINER off and VFIO group support with iommufd)" : "");
		goto undo;
	}
	if (fstat(fd, &st) < 0)
		st.st_rdev = 0;
	groups[ngroups++] = (struct bridged_group){
		.num = num, .fd = fd, .rdev = st.st_rdev,
	};
	return 0;
undo:
	/* Nothing of EAL uses the group yet: close it as EAL would. */
	close(fd);
	rte_vfio_clear_group(fd);
	return err;
}

/* Undo the last bridge_group(): nothing of EAL uses the group yet. */
static void
unbridge_last_group(void)
{
	const struct bridged_group *g = &groups[--ngroups];

	close(g->fd);
	rte_vfio_clear_group(g->fd);
}

/*
 * True while EAL still holds group g's fd open and the group is still in
 * the iommufd: EAL closes a group when its last device is released (a
 * PMD probe that failed, an unplug), and opens it afresh, outside the
 * IOAS, for the next device of the group.
 */
static int
group_open(const struct bridged_group *g)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct stat st;

	return fstat(g->fd, &st) == 0 && S_ISCHR(st.st_mode) &&
		st.st_rdev == g->rdev &&
		ioctl(g->fd, VFIO_GROUP_GET_STATUS, &status) == 0 &&
		(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) != 0;
}

/* Drop groups[i], which EAL has closed, with its devices. */
static void
forget_group(unsigned int i)
{
	unsigned int j;

	for (j = 0; j < nadmitted; )
		if (admitted[j].group == groups[i].num) {
			IOMMU_LOG(INFO, "%s (IOMMU group %d) left IOAS %u",
				admitted[j].name, groups[i].num,
				iommu_ioas_id());
			admitted[j] = admitted[--nadmitted];
		} else {
			j++;
		}
	groups[i] = groups[--ngroups];
}

/* Drop groups EAL has closed, with their devices. */
static void
forget_closed_groups(void)
{
	unsigned int i = 0;

	while (i < ngroups)
		if (group_open(&groups[i]))
			i++;
		else
			forget_group(i);
}

static int
admit_locked(const char *name)
{
	struct device_reservations d, was_expected, *e;
	struct iova_range hit, taken;
	int ret, bridged = 0;

	if (!iommu_ioas_is_open_locked())
		return -ENODEV;
	if (iommu_ioas_is_secondary()) {
		IOMMU_LOG(ERR, "%s: only the primary process admits PCI devices to its IOAS (a secondary opens those the primary admitted)",
			name);
		return -ENOTSUP;
	}
	if (iommu_ioas_require_primary_locked(name) < 0)
		return -EPERM;
	if (iommu_vfio_cdev_attached_locked(name)) {
		IOMMU_LOG(ERR, "%s is attached to IOAS %u through its VFIO cdev (attach=): it is not given to a PCI driver as well; drop it from attach= to let a PMD use it",
			name, iommu_ioas_id());
		return -EBUSY;
	}
	/*
	 * A group is trusted only while EAL holds it open in the iommufd: a
	 * function of it whose PMD probe failed may have made EAL close it,
	 * and the PCI bus probes the next function before any sync.
	 */
	forget_closed_groups();
	if (find_in(admitted, nadmitted, name) != NULL)
		return 0;
	if (!dpdk_memory_dma_able()) {
		IOMMU_LOG(ERR, "%s is not given to a driver: DPDK memory is not all DMA-able in IOAS %u (rte_eal_iommu_check() says why)",
			name, iommu_ioas_id());
		return -EFAULT;
	}
	e = room_for_one(admitted, nadmitted, &admitted_cap, sizeof(*admitted),
		"PCI devices on the IOAS");
	if (e == NULL)
		return -ENOMEM;
	admitted = e;
	ret = predict(name, &d);
	if (ret < 0)
		return ret;
	ret = collides(&d, &hit, &taken);
	if (ret > 0) {
		IOMMU_LOG(ERR, "%s is not given to a driver: attaching it to IOAS %u would reserve IOVA [0x%" PRIx64 ", 0x%" PRIx64 "], which this process uses ([0x%" PRIx64 ", 0x%" PRIx64 "]); nothing changed",
			name, iommu_ioas_id(), hit.start, hit.last, taken.start,
			taken.last);
		IOMMU_LOG(ERR, "  to fix: %s",
			iommu_policy_current_locked() == RTE_EAL_IOMMU_POLICY_VA ?
			"place DPDK memory elsewhere with --base-virtaddr=<address>, or use -a bus=iommufd,policy=window with --iova-mode=pa (IOVAs chosen around the device's reservations)" :
			"use -a bus=iommufd,policy=window (IOVAs chosen around the device's reservations), or unmap the memory at those IOVAs first");
		return -EADDRINUSE;
	}
	if (ret < 0)
		return ret;
	if (nadmitted == 0 && iommu_vfio_cdev_count_locked() == 0) {
		struct rte_eal_iommu_stats stats;
		const char *why;
		char buf[768];

		/* The first device attached pins every mapping. */
		iommu_map_stats_locked(&stats);
		why = iommu_status_memlock_explain(stats.mapped_bytes, buf, sizeof(buf));
		if (why != NULL) {
			IOMMU_LOG(ERR, "%s is not given to a driver: attaching it to IOAS %u pins the %" PRIu64 " bytes mapped there, and %s",
				name, iommu_ioas_id(), stats.mapped_bytes, why);
			return -ENOMEM;
		}
	}
	if (find_group(d.group) == NULL) {
		ret = bridge_group(d.group, name);
		if (ret < 0)
			return ret;
		bridged = 1;
	}
	admitted[nadmitted++] = d;
	/* Its reservations now count as admitted: they go with its group. */
	e = find_in(expected, nexpected, name);
	if (e != NULL) {
		was_expected = *e;
		*e = expected[--nexpected];
	}
	ret = push_expectations();
	if (ret < 0) {
		/* Refused (logged): not admitted, expected as before, its group out. */
		nadmitted--;
		if (e != NULL)
			expected[nexpected++] = was_expected;
		if (bridged)
			unbridge_last_group();
		return ret;
	}
	IOMMU_LOG(INFO, "%s (IOMMU group %d) DMAs through IOAS %u", name,
		d.group, iommu_ioas_id());
	return 0;
}

int
eal_iommu_pci_group_admit(const char *name)
{
	int ret;

	rte_mcfg_mem_read_lock();
	iommu_ioas_lock();
	ret = admit_locked(name);
	iommu_ioas_unlock();
	rte_mcfg_mem_read_unlock();
	return ret < 0 ? iommu_set_rte_errno(ret) : 0;
}

int
eal_iommu_pci_group_admitted(const char *name)
{
	int ret;

	iommu_ioas_lock();
	ret = find_in(admitted, nadmitted, name) != NULL;
	iommu_ioas_unlock();
	return ret;
}

/* Compare the kernel's ranges with the prediction for the admitted devices. */
static void
check_prediction(void)
{
	struct iova_ranges p = { NULL, 1, 1 };
	char want[512], got[512];
	unsigned int i, j;

	if (nadmitted == 0 || iommu_vfio_cdev_count_locked() > 0)
		return;
	p.ranges = iommu_fault_malloc(sizeof(struct iova_range));
	if (p.ranges == NULL) {
		IOMMU_LOG(WARNING, "IOAS %u valid IOVA ranges not compared with the prediction: out of memory",
			iommu_ioas_id());
		return;
	}
	p.ranges[0] = (struct iova_range){ 0, UINT64_MAX };
	for (i = 0; i < nadmitted; i++)
		for (j = 0; j < admitted[i].n; j++)
			iova_ranges_reserve(&p, admitted[i].v[j].start,
				admitted[i].v[j].last);
	iova_ranges_format(&p, want, sizeof(want));
	iova_ranges_format(iommu_ioas_kernel_ranges_locked(), got, sizeof(got));
	if (strcmp(want, got) == 0)
		IOMMU_LOG(INFO, "IOAS %u valid IOVA ranges with %u PCI device(s) attached: %s, as predicted",
			iommu_ioas_id(), nadmitted, got);
	else
		IOMMU_LOG(WARNING, "IOAS %u valid IOVA ranges with %u PCI device(s) attached are %s, predicted %s",
			iommu_ioas_id(), nadmitted, got, want);
	free(p.ranges);
}

void
eal_iommu_pci_group_sync(unsigned int legacy)
{
	iommu_ioas_lock();
	legacy_devices = legacy;
	if (iommu_ioas_is_open_locked() && !iommu_ioas_is_secondary() &&
	    !iommu_ioas_forked_locked()) {
		forget_closed_groups();
		push_expectations();
		if (iommu_ioas_ranges_refresh_locked() == 0)
			check_prediction();
	}
	iommu_ioas_unlock();
}

void
iommu_vfio_group_foreach_locked(void (*fn)(const char *name, int group,
		const struct iova_range *reserved, unsigned int nreserved,
		void *arg), void *arg)
{
	unsigned int i;

	iommu_ioas_assert_locked();
	for (i = 0; i < nadmitted; i++)
		fn(admitted[i].name, admitted[i].group, admitted[i].v,
			admitted[i].n, arg);
}

unsigned int
iommu_vfio_group_device_count_locked(void)
{
	iommu_ioas_assert_locked();
	return nadmitted;
}

unsigned int
iommu_vfio_group_legacy_count_locked(void)
{
	iommu_ioas_assert_locked();
	return legacy_devices;
}

void
iommu_vfio_group_clear_locked(void)
{
	iommu_ioas_assert_locked();
	nadmitted = 0;
	nexpected = 0;
	ngroups = 0;
	compat_ioas_set = 0;
	legacy_devices = 0;
}
