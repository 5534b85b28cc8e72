#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Inside the test VM (mutation-check.sh): run each mutant's case in turn,
# each from its own build, in one boot of the profile's VM.
#
#   mutants-in-vm.sh PROFILE MUTANT_DIR NAME:CASE...
# Prints "=== mutant NAME" before each mutant's results.
set -uo pipefail
DEVTOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
profile=${1:?profile} dir=${2:?mutant directory}
shift 2
for job in "$@"; do
	name=${job%%:*}
	mkdir -p "$VM_OUT/$name"
	echo "=== mutant $name"
	VM_OUT=$VM_OUT/$name DPDK_IOMMUFD_BUILD=$dir/$name/build IOMMU_TEST_CASES=${job#*:} \
		"$DEVTOOLS_DIR/vm-tests.sh" "$profile" 2>&1
done
