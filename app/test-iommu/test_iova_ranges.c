/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iova_ranges.h"
#include "test.h"

/* A device attach as predicted: aperture and MSI window reserved. */
static int
test_reserve(void)
{
	struct iova_ranges set = { malloc(sizeof(struct iova_range)), 1, 1 };
	char buf[128];

	TEST_ASSERT(set.ranges != NULL, "no memory");
	set.ranges[0] = (struct iova_range){ 0, UINT64_MAX };
	TEST_ASSERT(iova_ranges_reserve(&set, 1ULL << 39, UINT64_MAX) == 0 &&
		iova_ranges_reserve(&set, 0xfee00000, 0xfeefffff) == 0 &&
		iova_ranges_reserve(&set, 0, 0xfff) == 0, "reserve");
	iova_ranges_format(&set, buf, sizeof(buf));
	TEST_ASSERT(strcmp(buf, "[0x1000, 0xfedfffff], [0xfef00000, 0x7fffffffff]") == 0,
		"reserved: %s", buf);
	/* Outside every range: no change; covering one: it goes. */
	TEST_ASSERT(iova_ranges_reserve(&set, 1ULL << 40, 1ULL << 41) == 0 &&
		set.count == 2, "reserving outside changed the set");
	TEST_ASSERT(iova_ranges_reserve(&set, 0, 0xfeefffff) == 0 && set.count == 1 &&
		set.ranges[0].start == 0xfef00000, "reserving a whole range");
	TEST_ASSERT(iova_ranges_reserve(&set, 0, UINT64_MAX) == 0 && set.count == 0,
		"reserving everything");
	free(set.ranges);
	return TEST_SUCCESS;
}

static int
test_iova_ranges(void)
{
	/* A VT-d like layout: the MSI window splits the space. */
	struct iova_range split[] = {
		{ 0, 0xfedfffff },
		{ 0xfef00000, (1ULL << 48) - 1 },
	};
	struct iova_ranges set = { split, RTE_DIM(split), 1 };
	struct iova_ranges none = { NULL, 0, 1 };
	char buf[128];

	TEST_ASSERT(!iova_ranges_contain(&none, 0x1000, 0x1000),
		"an empty set contains nothing");
	TEST_ASSERT(iova_ranges_contain(&set, 0, 1), "first byte");
	TEST_ASSERT(iova_ranges_contain(&set, 0xfedff000, 0x1000),
		"ends at the last byte of a range");
	TEST_ASSERT(!iova_ranges_contain(&set, 0xfedff000, 0x1001),
		"one byte past the end of a range");
	TEST_ASSERT(!iova_ranges_contain(&set, 0xfed00000, 0x200000),
		"straddles the reserved MSI window");
	TEST_ASSERT(!iova_ranges_contain(&set, 0xfee00000, 1),
		"inside the reserved window");
	TEST_ASSERT(iova_ranges_contain(&set, 0xfef00000, 0x200000),
		"first byte of the second range");
	TEST_ASSERT(iova_ranges_contain(&set, (1ULL << 48) - 0x200000, 0x200000),
		"last bytes of the aperture");
	TEST_ASSERT(!iova_ranges_contain(&set, (1ULL << 48) - 0x200000, 0x200001),
		"beyond the aperture");
	TEST_ASSERT(!iova_ranges_contain(&set, 0x1000, 0), "zero length");
	TEST_ASSERT(!iova_ranges_contain(&set, UINT64_MAX - 1, 4),
		"wraps around");

	set.alignment = 0x1000;
	TEST_ASSERT(iova_ranges_contain(&set, 0x2000, 0x1000), "aligned");
	TEST_ASSERT(!iova_ranges_contain(&set, 0x2800, 0x1000), "misaligned");

	iova_ranges_format(&set, buf, sizeof(buf));
	TEST_ASSERT(strcmp(buf, "[0x0, 0xfedfffff], [0xfef00000, 0xffffffffffff]") == 0,
		"format: %s", buf);
	iova_ranges_format(&none, buf, sizeof(buf));
	TEST_ASSERT(strcmp(buf, "(none)") == 0, "format empty: %s", buf);
	iova_ranges_format(&set, buf, 8);
	TEST_ASSERT(strlen(buf) == 7, "format truncates: %s", buf);
	return test_reserve();
}

REGISTER_IOMMU_TEST(iova_ranges_autotest, test_iova_ranges);
