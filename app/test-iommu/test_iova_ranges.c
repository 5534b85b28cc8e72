/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <stdint.h>
#include <string.h>

#include "iova_ranges.h"
#include "test.h"

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
	return TEST_SUCCESS;
}

REGISTER_IOMMU_TEST(iova_ranges_autotest, test_iova_ranges);
