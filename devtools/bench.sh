#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks (not tests: they report, they do not judge timing in CI).
#
#   devtools/bench.sh map-init   start-up mapping of 1 GiB of 2 MiB pages:
#                                the plug-in vs a bare IOMMU_IOAS_MAP loop,
#                                each IOAS with a VT-d device (test VM, vtd48)
#
# Results and how to read them: doc/guides/performance.rst.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NIC0=0000:00:10.0
NIC1=0000:00:11.0

bind_vfio()
{
	local dev=/sys/bus/pci/devices/$1
	echo vfio-pci > "$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$1" > "$dev/driver/unbind"
	echo "$1" > /sys/bus/pci/drivers_probe
}

in_vm_map_init()
{
	bind_vfio $NIC0
	bind_vfio $NIC1
	echo "== map-init: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit"
	IOMMU_TEST_PCI_DEV2=$NIC1 exec "$TEST_APP" -l 0 --no-pci -m 1024 \
		--file-prefix=bench -d "$PLUGIN" -a bus=iommufd,attach=$NIC0 \
		--log-level=lib.eal_iommu:warning -- map_init_perf
}

case "${1:-}" in
--in-vm)
	. "$DEVTOOLS_DIR/paths.sh"
	CASE_LOG_DIR=/dev/null
	. "$DEVTOOLS_DIR/cases.sh"
	"in_vm_${2//-/_}"
	;;
map-init)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 --mem 3 --hugepages 640 \
		--timeout 1800 -- "$DEVTOOLS_DIR/bench.sh" --in-vm map-init
	;;
*)
	sed -n '4,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
