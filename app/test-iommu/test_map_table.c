/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include "iommu_map_table.h"
#include "test.h"

#define MB (1ULL << 20)

static int
insert(struct iommu_map_table *t, uint64_t va, uint64_t len)
{
	struct iommu_map m = {
		.va = va, .iova = va + 0x1000000000ULL, .len = len,
		.owner = RTE_EAL_IOMMU_OWNER_DPDK,
	};

	return map_table_insert(t, &m);
}

static int
check_sorted(const struct iommu_map_table *t)
{
	unsigned int i;

	for (i = 1; i < t->count; i++)
		TEST_ASSERT(t->maps[i - 1].va + t->maps[i - 1].len <= t->maps[i].va,
			"entries %u and %u out of order or overlapping", i - 1, i);
	return TEST_SUCCESS;
}

static int
test_map_table(void)
{
	struct iommu_map_table t = { 0 };
	const struct iommu_map *m;
	unsigned int i;

	TEST_ASSERT(insert(&t, 10 * MB, 2 * MB) == 0, "insert");
	TEST_ASSERT(insert(&t, 2 * MB, 2 * MB) == 0, "insert before");
	TEST_ASSERT(insert(&t, 20 * MB, 2 * MB) == 0, "insert after");
	TEST_ASSERT(insert(&t, 12 * MB, 2 * MB) == 0, "adjacent is no overlap");
	TEST_ASSERT(insert(&t, 11 * MB, 2 * MB) == -EEXIST, "overlap");
	TEST_ASSERT(insert(&t, 9 * MB, 2 * MB) == -EEXIST, "overlap at start");
	TEST_ASSERT(insert(&t, 10 * MB + 4096, 4096) == -EEXIST, "inside");
	TEST_ASSERT(insert(&t, 1 * MB, 30 * MB) == -EEXIST, "covering");
	TEST_ASSERT(insert(&t, 40 * MB, 0) == -EINVAL, "zero length");
	TEST_ASSERT(insert(&t, UINT64_MAX - 4096, 8192) == -EINVAL, "wraps");
	TEST_ASSERT_EQUAL(t.count, 4u, "count %u", t.count);
	if (check_sorted(&t) != TEST_SUCCESS)
		return TEST_FAILED;

	m = map_table_find(&t, 10 * MB);
	TEST_ASSERT(m != NULL && m->va == 10 * MB, "first byte");
	m = map_table_find(&t, 12 * MB - 1);
	TEST_ASSERT(m != NULL && m->va == 10 * MB, "last byte");
	m = map_table_find(&t, 12 * MB);
	TEST_ASSERT(m != NULL && m->va == 12 * MB, "first byte of the next");
	TEST_ASSERT(map_table_find(&t, 14 * MB) == NULL, "gap");
	TEST_ASSERT(map_table_find(&t, 0) == NULL, "below all");
	TEST_ASSERT(map_table_find(&t, 30 * MB) == NULL, "above all");

	TEST_ASSERT(map_table_remove(&t, 10 * MB, 1 * MB) == -ENOENT,
		"partial remove is refused");
	TEST_ASSERT(map_table_remove(&t, 11 * MB, 2 * MB) == -ENOENT,
		"misaligned remove is refused");
	TEST_ASSERT(map_table_remove(&t, 10 * MB, 2 * MB) == 0, "remove");
	TEST_ASSERT(map_table_find(&t, 10 * MB) == NULL, "removed");
	TEST_ASSERT_EQUAL(t.count, 3u, "count %u", t.count);

	/* Grow well past the initial capacity, inserting in reverse. */
	for (i = 1000; i > 100; i--)
		TEST_ASSERT(insert(&t, i * 4 * MB, 2 * MB) == 0, "insert %u", i);
	TEST_ASSERT_EQUAL(t.count, 903u, "count %u", t.count);
	if (check_sorted(&t) != TEST_SUCCESS)
		return TEST_FAILED;
	m = map_table_find(&t, 777 * 4 * MB + 5);
	TEST_ASSERT(m != NULL && m->va == 777 * 4 * MB, "find among many");

	/* Dead entries (len 0) of a range go in one pass; the rest stays in order. */
	for (i = 10; i < 20; i += 2)
		t.maps[i].len = 0;
	t.maps[t.count - 1].len = 0; /* outside the range: stays */
	TEST_ASSERT_EQUAL(map_table_remove_dead(&t, 10, 20), 5u, "dead removed");
	TEST_ASSERT_EQUAL(t.count, 898u, "count %u", t.count);
	TEST_ASSERT(t.maps[t.count - 1].len == 0, "a dead entry outside the range was removed");
	t.maps[t.count - 1].len = 2 * MB;
	if (check_sorted(&t) != TEST_SUCCESS)
		return TEST_FAILED;
	for (i = 0; i < t.count; i++)
		TEST_ASSERT(t.maps[i].len == 2 * MB, "entry %u has length 0x%" PRIx64, i,
			t.maps[i].len);
	TEST_ASSERT_EQUAL(map_table_remove_dead(&t, 0, t.count), 0u, "nothing dead");
	map_table_free(&t);
	TEST_ASSERT(t.count == 0 && t.maps == NULL, "freed");
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(map_table_autotest, test_map_table);
