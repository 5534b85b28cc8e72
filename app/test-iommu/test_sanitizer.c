/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The sanitizer tier's canary: in an AddressSanitizer build this reads one
 * byte past a heap buffer, which must abort the run with ASan's report;
 * test.sh runs it to prove the tier would report a real error. Elsewhere
 * it skips (it is never run outside that tier).
 */

#include <stdint.h>
#include <stdlib.h>

#include "test.h"

static int
test_sanitizer_canary(void)
{
#ifdef __SANITIZE_ADDRESS__ /* GCC and clang >= 11 with -fsanitize=address */
	volatile size_t len = 16; /* hidden from the compiler's bounds check */
	volatile char *buf = malloc(len);
	char c;

	TEST_ASSERT(buf != NULL, "out of memory");
	c = buf[len];
	free((void *)(uintptr_t)buf);
	TEST_ASSERT(0, "read past a heap buffer (0x%02x) and AddressSanitizer said nothing",
		(unsigned char)c);
#else
	TEST_SKIP("not an AddressSanitizer build");
#endif
}

REGISTER_IOMMU_TEST(sanitizer_canary_autotest, test_sanitizer_canary);
