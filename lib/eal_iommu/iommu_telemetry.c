/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Telemetry: /iommufd/info, /iommufd/ranges, /iommufd/maps, /iommufd/stats
 * and /iommufd/failures (see doc/guides/telemetry.rst). Addresses are hex
 * strings; tables are dicts of equally long arrays, one row per index.
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_telemetry.h>

#include "iommu_ioas.h"
#include "iommu_map.h"
#include "iommu_host.h"
#include "iommu_vfio_cdev.h"
#include "iommu_vfio_group.h"
#include "iommu_policy.h"
#include "iommu_status.h"

/* A reply is at most 16 KiB: keep tables well below. */
#define MAX_ROWS 128u

static void
add_hex(struct rte_tel_data *array, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	rte_tel_data_add_array_string(array, s);
}

static void
add_device(const char *name, uint32_t dev_id, void *arg)
{
	RTE_SET_USED(dev_id);
	rte_tel_data_add_array_string(arg, name);
}

static void
add_pci_device(const char *name, int group, const struct iova_range *reserved,
		unsigned int nreserved, void *arg)
{
	RTE_SET_USED(group);
	RTE_SET_USED(reserved);
	RTE_SET_USED(nreserved);
	rte_tel_data_add_array_string(arg, name);
}

static int
handle_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *devices = rte_tel_data_alloc();
	enum rte_iova_mode mode = rte_eal_iova_mode();

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (devices == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(devices, RTE_TEL_STRING_VAL);
	rte_tel_data_start_dict(d);
	iommu_ioas_lock();
	rte_tel_data_add_dict_int(d, "fd", iommu_ioas_fd());
	rte_tel_data_add_dict_u64(d, "ioas_id", iommu_ioas_id());
	rte_tel_data_add_dict_string(d, "process",
		rte_eal_process_type() == RTE_PROC_PRIMARY ? "primary" : "secondary");
	rte_tel_data_add_dict_string(d, "policy",
		rte_eal_iommu_policy_name(iommu_policy_current_locked()));
	rte_tel_data_add_dict_string(d, "iova_mode", mode == RTE_IOVA_VA ? "va" :
		mode == RTE_IOVA_PA ? "pa" : "dc");
	rte_tel_data_add_dict_int(d, "dpdk_memory_mapped",
		iommu_policy_applied_locked());
	iommu_vfio_cdev_foreach_locked(add_device, devices);
	iommu_vfio_group_foreach_locked(add_pci_device, devices);
	rte_tel_data_add_dict_u64(d, "legacy_container_devices",
		iommu_vfio_group_legacy_count_locked());
	iommu_ioas_unlock();
	rte_tel_data_add_dict_container(d, "devices", devices, 0);
	return 0;
}

static int
handle_ranges(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *start = rte_tel_data_alloc(), *last = rte_tel_data_alloc();
	char s[24];
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (start == NULL || last == NULL) {
		rte_tel_data_free(start);
		rte_tel_data_free(last);
		return -ENOMEM;
	}
	rte_tel_data_start_array(start, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(last, RTE_TEL_STRING_VAL);
	rte_tel_data_start_dict(d);
	iommu_ioas_lock();
	for (i = 0; i < iommu_ioas_ranges_locked()->count && i < MAX_ROWS; i++) {
		add_hex(start, iommu_ioas_ranges_locked()->ranges[i].start);
		add_hex(last, iommu_ioas_ranges_locked()->ranges[i].last);
	}
	snprintf(s, sizeof(s), "0x%" PRIx64, iommu_ioas_ranges_locked()->alignment);
	iommu_ioas_unlock();
	rte_tel_data_add_dict_string(d, "alignment", s);
	rte_tel_data_add_dict_container(d, "start", start, 0);
	rte_tel_data_add_dict_container(d, "last", last, 0);
	return 0;
}

/* Columns of a table reply; rows counts every row offered, shown or not. */
struct columns {
	struct rte_tel_data *va, *iova, *len, *owner;
	unsigned int rows;
};

static int
columns_alloc(struct columns *c, int with_iova)
{
	c->va = rte_tel_data_alloc();
	c->iova = with_iova ? rte_tel_data_alloc() : NULL;
	c->len = rte_tel_data_alloc();
	c->owner = rte_tel_data_alloc();
	if (c->va == NULL || (with_iova && c->iova == NULL) || c->len == NULL ||
	    c->owner == NULL) {
		rte_tel_data_free(c->va);
		rte_tel_data_free(c->iova);
		rte_tel_data_free(c->len);
		rte_tel_data_free(c->owner);
		return -ENOMEM;
	}
	rte_tel_data_start_array(c->va, RTE_TEL_STRING_VAL);
	if (with_iova)
		rte_tel_data_start_array(c->iova, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(c->len, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(c->owner, RTE_TEL_STRING_VAL);
	c->rows = 0;
	return 0;
}

/* Add a row (iova ignored without that column); 0 if shown, -1 past MAX_ROWS. */
static int
columns_row(struct columns *c, uint64_t va, uint64_t iova, uint64_t len,
		enum rte_eal_iommu_owner owner)
{
	if (c->rows++ >= MAX_ROWS)
		return -1;
	add_hex(c->va, va);
	if (c->iova != NULL)
		add_hex(c->iova, iova);
	rte_tel_data_add_array_u64(c->len, len);
	rte_tel_data_add_array_string(c->owner, iommu_owner_name(owner));
	return 0;
}

static void
columns_add(struct rte_tel_data *d, struct columns *c)
{
	rte_tel_data_add_dict_container(d, "va", c->va, 0);
	if (c->iova != NULL)
		rte_tel_data_add_dict_container(d, "iova", c->iova, 0);
	rte_tel_data_add_dict_container(d, "len", c->len, 0);
	rte_tel_data_add_dict_container(d, "owner", c->owner, 0);
}

static void
add_run(const struct iommu_map_run *run, void *arg)
{
	columns_row(arg, run->map.va, run->map.iova, run->map.len, run->map.owner);
}

/* Mappings, adjacent ones with contiguous VA and IOVA and one owner merged. */
static int
handle_maps(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int areas;
	struct columns c;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (columns_alloc(&c, 1) < 0)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	iommu_ioas_lock();
	areas = iommu_map_foreach_run_locked(add_run, &c);
	iommu_ioas_unlock();
	rte_tel_data_add_dict_u64(d, "areas", areas);
	rte_tel_data_add_dict_u64(d, "runs", c.rows);
	rte_tel_data_add_dict_u64(d, "shown", RTE_MIN(c.rows, MAX_ROWS));
	columns_add(d, &c);
	return 0;
}

struct failures_reply {
	struct columns c;
	struct rte_tel_data *err;
};

static void
add_failure(const struct rte_eal_iommu_failure *f, void *arg)
{
	struct failures_reply *r = arg;

	if (columns_row(&r->c, f->va, 0, f->len, f->owner) == 0)
		rte_tel_data_add_array_int(r->err, f->err);
}

static int
handle_failures(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct failures_reply r = { .err = rte_tel_data_alloc() };

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (r.err == NULL || columns_alloc(&r.c, 0) < 0) {
		rte_tel_data_free(r.err);
		return -ENOMEM;
	}
	rte_tel_data_start_array(r.err, RTE_TEL_INT_VAL);
	rte_tel_data_start_dict(d);
	iommu_ioas_lock();
	iommu_status_foreach_failure_locked(add_failure, &r);
	iommu_ioas_unlock();
	rte_tel_data_add_dict_u64(d, "count", r.c.rows);
	columns_add(d, &r.c);
	rte_tel_data_add_dict_container(d, "errno", r.err, 0);
	return 0;
}

static int
handle_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_eal_iommu_stats s;
	unsigned int failures, unmapped = 0;
	int open;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_mcfg_mem_read_lock();
	iommu_ioas_lock();
	iommu_status_stats_locked(&s);
	failures = iommu_status_failure_count_locked();
	open = iommu_ioas_is_open_locked();
	if (open)
		unmapped = iommu_status_unmapped_segments_locked(0);
	iommu_ioas_unlock();
	rte_mcfg_mem_read_unlock();
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "maps", s.maps);
	rte_tel_data_add_dict_u64(d, "unmaps", s.unmaps);
	rte_tel_data_add_dict_u64(d, "map_failures", s.map_failures);
	rte_tel_data_add_dict_u64(d, "unmap_failures", s.unmap_failures);
	rte_tel_data_add_dict_u64(d, "mapped_bytes", s.mapped_bytes);
	rte_tel_data_add_dict_u64(d, "failed_bytes", s.failed_bytes);
	rte_tel_data_add_dict_u64(d, "failures", failures);
	rte_tel_data_add_dict_u64(d, "unmapped_segments", unmapped);
	rte_tel_data_add_dict_int(d, "dma_able", open && failures == 0 &&
		unmapped == 0);
	return 0;
}

/* Columns of /iommufd/devices. */
struct device_columns {
	struct rte_tel_data *name, *path, *dev_id, *group, *reserved;
};

static void
device_row(struct device_columns *c, const char *name, const char *path,
		int dev_id, int group, const struct iova_range *v, unsigned int n)
{
	struct iova_ranges set = { (struct iova_range *)(uintptr_t)v, n, 1 };
	char buf[512];

	rte_tel_data_add_array_string(c->name, name);
	rte_tel_data_add_array_string(c->path, path);
	rte_tel_data_add_array_int(c->dev_id, dev_id);
	rte_tel_data_add_array_int(c->group, group);
	rte_tel_data_add_array_string(c->reserved, iova_ranges_format(&set, buf,
		sizeof(buf)));
}

static void
add_cdev_row(const char *name, uint32_t dev_id, void *arg)
{
	struct iova_range v[IOMMU_HOST_MAX_RESERVATIONS];
	int n = iommu_host_device_reservations(name, v, RTE_DIM(v));

	device_row(arg, name, "cdev", (int)dev_id, iommu_host_iommu_group(name), v,
		n > 0 ? (unsigned int)n : 0);
}

static void
add_group_row(const char *name, int group, const struct iova_range *reserved,
		unsigned int nreserved, void *arg)
{
	device_row(arg, name, "pci", -1, group, reserved, nreserved);
}

static int
handle_devices(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct device_columns c = {
		rte_tel_data_alloc(), rte_tel_data_alloc(), rte_tel_data_alloc(),
		rte_tel_data_alloc(), rte_tel_data_alloc(),
	};
	unsigned int legacy;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (c.name == NULL || c.path == NULL || c.dev_id == NULL ||
	    c.group == NULL || c.reserved == NULL) {
		rte_tel_data_free(c.name);
		rte_tel_data_free(c.path);
		rte_tel_data_free(c.dev_id);
		rte_tel_data_free(c.group);
		rte_tel_data_free(c.reserved);
		return -ENOMEM;
	}
	rte_tel_data_start_array(c.name, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(c.path, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(c.dev_id, RTE_TEL_INT_VAL);
	rte_tel_data_start_array(c.group, RTE_TEL_INT_VAL);
	rte_tel_data_start_array(c.reserved, RTE_TEL_STRING_VAL);
	rte_tel_data_start_dict(d);
	iommu_ioas_lock();
	iommu_vfio_cdev_foreach_locked(add_cdev_row, &c);
	iommu_vfio_group_foreach_locked(add_group_row, &c);
	legacy = iommu_vfio_group_legacy_count_locked();
	iommu_ioas_unlock();
	rte_tel_data_add_dict_container(d, "name", c.name, 0);
	rte_tel_data_add_dict_container(d, "path", c.path, 0);
	rte_tel_data_add_dict_container(d, "dev_id", c.dev_id, 0);
	rte_tel_data_add_dict_container(d, "group", c.group, 0);
	rte_tel_data_add_dict_container(d, "reserved", c.reserved, 0);
	rte_tel_data_add_dict_u64(d, "legacy_container_devices", legacy);
	return 0;
}

RTE_INIT(eal_iommu_telemetry)
{
	rte_telemetry_register_cmd("/iommufd/devices", handle_devices,
		"Devices on the IOAS: name, path (cdev or pci), dev id, IOMMU group, reserved IOVAs; devices outside it. No parameters");
	rte_telemetry_register_cmd("/iommufd/info", handle_info,
		"The IOAS: fd, id, process, policy, IOVA mode, devices. No parameters");
	rte_telemetry_register_cmd("/iommufd/ranges", handle_ranges,
		"Valid IOVA ranges of the IOAS and their alignment. No parameters");
	rte_telemetry_register_cmd("/iommufd/maps", handle_maps,
		"Mappings (merged runs): VA, IOVA, length, owner. No parameters");
	rte_telemetry_register_cmd("/iommufd/stats", handle_stats,
		"Map and unmap counters, bytes, failures, DMA-ability. No parameters");
	rte_telemetry_register_cmd("/iommufd/failures", handle_failures,
		"Memory that is not DMA-able: VA, length, owner, errno. No parameters");
}
