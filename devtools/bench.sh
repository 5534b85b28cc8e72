#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks (not tests: they report, they do not judge timing in CI).
#
#   devtools/bench.sh map-init   start-up mapping of 1 GiB of 2 MiB pages:
#                                the plug-in vs a bare IOMMU_IOAS_MAP loop,
#                                each IOAS with a VT-d device (test VM, vtd48)
#   devtools/bench.sh hotplug    hot-attach of a NIC (stock PMD) while 1 GiB
#                                of DPDK memory is mapped: through the
#                                plug-in's IOAS vs EAL's legacy type1
#                                container, in one VM run (vtd48)
#   devtools/bench.sh lookup     VA -> IOVA lookups at 1, 16 and 128 GiB,
#                                single and in bursts of 1, 8 and 32, vs
#                                DPDK's and reference translations, 1 and 2
#                                lcores (this machine: needs a real clock, two
#                                cores, and hugepages for PA mode)
#
# Results and how to read them: doc/guides/performance.rst.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NIC0=0000:00:10.0
NIC1=0000:00:11.0

in_vm_map_init()
{
	bind_vfio $NIC0 && bind_vfio $NIC1 || die "cannot bind the NICs to vfio-pci"
	echo "== map-init: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit"
	IOMMU_TEST_PCI_DEV2=$NIC1 exec "$TEST_APP" -l 0 --no-pci -m 1024 \
		--file-prefix=bench -d "$PLUGIN" -a bus=iommufd,attach=$NIC0 \
		--log-level=lib.eal_iommu:warning -- map_init_perf
}

in_vm_hotplug()
{
	local plugin legacy
	bind_vfio $NIC0 || die "cannot bind $NIC0 to vfio-pci"
	echo "== hotplug: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit, 1 GiB of 2 MiB pages"
	plugin=$("$TEST_APP" -l 0 -m 1024 -a $NIC0 --file-prefix=bench-hp -d "$PLUGIN" \
		--log-level=lib.eal_iommu:warning -- hotplug_perf | grep '^hotplug ')
	legacy=$("$TEST_APP" -l 0 -m 1024 -a $NIC0 --file-prefix=bench-hp-legacy \
		-- hotplug_perf | grep '^hotplug ')
	echo "$plugin"
	echo "$legacy"
	awk -v a="$plugin" -v b="$legacy" 'BEGIN {
		match(a, /hot-attach median [0-9.]+/); x = substr(a, RSTART + 18, RLENGTH - 18)
		match(b, /hot-attach median [0-9.]+/); y = substr(b, RSTART + 18, RLENGTH - 18)
		if (x > 0 && y > 0) printf "hot-attach, plug-in / legacy type1: %.2f\n", x / y
		else { print "no result"; exit 1 } }'
}

# Hugepages for EAL's PA mode (rte_mem_virt2iova() reads pagemap there).
ensure_hugepages()
{
	local n=/proc/sys/vm/nr_hugepages
	if [ "$(cat $n)" -lt 64 ] && [ -w $n ]; then
		echo 64 > $n
	fi
	if ! grep -q '^hugetlbfs ' /proc/mounts && [ "$(id -u)" = 0 ]; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs hugetlbfs /dev/hugepages
	fi
	[ "$(cat $n)" -ge 32 ] && grep -q '^hugetlbfs ' /proc/mounts
}

case "${1:-}" in
lookup)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	. "$DEVTOOLS_DIR/paths.sh"
	CASE_LOG_DIR=/dev/null
	. "$DEVTOOLS_DIR/cases.sh"
	[ "$(nproc)" -ge 2 ] || die "the lookup benchmark needs two cores"
	if ensure_hugepages; then
		mem=(--iova-mode=pa -m 64)
	else
		log "no hugepages: EAL runs in VA mode, where rte_mem_virt2iova() only returns the VA"
		mem=(--no-huge -m 64)
	fi
	echo "== lookup: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores"
	exec "$TEST_APP" -l 0-1 "${mem[@]}" --no-pci --file-prefix=bench-lookup \
		--log-level=lib.eal_iommu:warning -- lookup_perf
	;;
--in-vm)
	. "$DEVTOOLS_DIR/paths.sh"
	CASE_LOG_DIR=/dev/null
	. "$DEVTOOLS_DIR/cases.sh"
	"in_vm_${2//-/_}"
	;;
hotplug)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 --mem 3 --hugepages 640 \
		--timeout 1800 -- "$DEVTOOLS_DIR/bench.sh" --in-vm hotplug
	;;
map-init)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 --mem 3 --hugepages 640 \
		--timeout 1800 -- "$DEVTOOLS_DIR/bench.sh" --in-vm map-init
	;;
*)
	sed -n '4,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
