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

#include "eal_iommu_private.h"

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
	pthread_mutex_lock(&eal_iommu.lock);
	rte_tel_data_add_dict_int(d, "fd", eal_iommu.fd);
	rte_tel_data_add_dict_u64(d, "ioas_id", eal_iommu.ioas_id);
	rte_tel_data_add_dict_string(d, "process",
		rte_eal_process_type() == RTE_PROC_PRIMARY ? "primary" : "secondary");
	rte_tel_data_add_dict_string(d, "policy", rte_eal_iommu_policy_name(
		eal_iommu.dpdk_mapped ? eal_iommu.effective : eal_iommu.requested));
	rte_tel_data_add_dict_string(d, "iova_mode", mode == RTE_IOVA_VA ? "va" :
		mode == RTE_IOVA_PA ? "pa" : "dc");
	rte_tel_data_add_dict_int(d, "dpdk_memory_mapped", eal_iommu.dpdk_mapped);
	iommu_pci_devices_foreach_locked(add_device, devices);
	pthread_mutex_unlock(&eal_iommu.lock);
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
	pthread_mutex_lock(&eal_iommu.lock);
	for (i = 0; i < eal_iommu.ranges.count && i < MAX_ROWS; i++) {
		add_hex(start, eal_iommu.ranges.ranges[i].start);
		add_hex(last, eal_iommu.ranges.ranges[i].last);
	}
	snprintf(s, sizeof(s), "0x%" PRIx64, eal_iommu.ranges.alignment);
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_tel_data_add_dict_string(d, "alignment", s);
	rte_tel_data_add_dict_container(d, "start", start, 0);
	rte_tel_data_add_dict_container(d, "last", last, 0);
	return 0;
}

/* Columns of a table reply. */
struct columns {
	struct rte_tel_data *va, *iova, *len, *owner;
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

/* Mappings, adjacent ones with contiguous VA and IOVA and one owner merged. */
static int
handle_maps(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct iommu_map_table *t = &eal_iommu.maps;
	unsigned int i = 0, rows = 0;
	struct columns c;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (columns_alloc(&c, 1) < 0)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&eal_iommu.lock);
	while (i < t->count) {
		const struct rte_eal_iommu_map *m = &t->maps[i];
		uint64_t len = m->len;

		for (i++; i < t->count && t->maps[i].owner == m->owner &&
		     t->maps[i].va == m->va + len && t->maps[i].iova == m->iova + len; i++)
			len += t->maps[i].len;
		if (rows++ >= MAX_ROWS)
			continue;
		add_hex(c.va, m->va);
		add_hex(c.iova, m->iova);
		rte_tel_data_add_array_u64(c.len, len);
		rte_tel_data_add_array_string(c.owner, iommu_owner_name(m->owner));
	}
	rte_tel_data_add_dict_u64(d, "areas", t->count);
	pthread_mutex_unlock(&eal_iommu.lock);
	rte_tel_data_add_dict_u64(d, "runs", rows);
	rte_tel_data_add_dict_u64(d, "shown", RTE_MIN(rows, MAX_ROWS));
	columns_add(d, &c);
	return 0;
}

static int
handle_failures(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct iommu_failure_list *l = &eal_iommu.failures;
	struct rte_tel_data *err = rte_tel_data_alloc();
	struct columns c;
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (err == NULL || columns_alloc(&c, 0) < 0) {
		rte_tel_data_free(err);
		return -ENOMEM;
	}
	rte_tel_data_start_array(err, RTE_TEL_INT_VAL);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&eal_iommu.lock);
	for (i = 0; i < l->count && i < MAX_ROWS; i++) {
		add_hex(c.va, l->v[i].va);
		rte_tel_data_add_array_u64(c.len, l->v[i].len);
		rte_tel_data_add_array_string(c.owner, iommu_owner_name(l->v[i].owner));
		rte_tel_data_add_array_int(err, l->v[i].err);
	}
	rte_tel_data_add_dict_u64(d, "count", l->count);
	pthread_mutex_unlock(&eal_iommu.lock);
	columns_add(d, &c);
	rte_tel_data_add_dict_container(d, "errno", err, 0);
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
	pthread_mutex_lock(&eal_iommu.lock);
	s = eal_iommu.stats;
	failures = eal_iommu.failures.count;
	open = eal_iommu.fd >= 0;
	if (open)
		unmapped = iommu_unmapped_segments_locked(0);
	pthread_mutex_unlock(&eal_iommu.lock);
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

RTE_INIT(eal_iommu_telemetry)
{
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
