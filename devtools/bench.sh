#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks (not tests: they report, they do not judge timing in CI).
#
#   devtools/bench.sh map-init   start-up mapping and teardown of DPDK memory
#                                in each memory mode (1 GiB of 2 MiB pages;
#                                --no-huge: 64 MiB of 4 KiB): the plug-in vs
#                                bare IOMMU_IOAS_MAP / UNMAP loops, each IOAS
#                                with a VT-d device (test VM, vtd48)
#   devtools/bench.sh startup    EAL start-up and cleanup with a NIC on the
#                                PCI bus, with the plug-in vs without (EAL's
#                                legacy type1 container), in each memory mode
#                                (test VM, vtd48)
#   devtools/bench.sh hotplug    hot-attach of a NIC (stock PMD) while 1 GiB
#                                of DPDK memory is mapped: through the
#                                plug-in's IOAS vs EAL's legacy type1
#                                container, in one VM run (vtd48)
#   devtools/bench.sh xmem       registering 1 GiB of 4 KiB external memory
#                                (testpmd --mp-alloc=xmem's way), IOVAs
#                                adjacent and scattered: the plug-in vs a
#                                bare IOMMU_IOAS_MAP loop per page, each
#                                IOAS with a VT-d device; and EAL's type1
#                                path (test VM, vtd48)
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

# The memory modes the start-up benchmarks compare: a name, then EAL arguments.
MEMORY_MODES=(
	"hugepages|-m 1024"
	"--legacy-mem|--legacy-mem -m 1024"
	"--in-memory|--in-memory -m 1024"
	"--single-file-segments|--single-file-segments -m 1024"
	"--no-huge|--no-huge -m 64"
)

in_vm_map_init()
{
	local mode rounds
	bind_vfio $NIC0 && bind_vfio $NIC1 || die "cannot bind the NICs to vfio-pci"
	echo "== map-init: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit"
	for mode in "${MEMORY_MODES[@]}"; do
		echo
		echo "-- memory mode ${mode%%|*}"
		rounds=5
		[ "${mode%%|*}" != --no-huge ] || rounds=3 # 16384 ioctls a loop
		IOMMU_TEST_BENCH_ROUNDS=$rounds IOMMU_TEST_PCI_DEV2=$NIC1 "$TEST_APP" -l 0 --no-pci \
			${mode#*|} --file-prefix=bench -d "$PLUGIN" -a bus=iommufd,attach=$NIC0 \
			--log-level=lib.eal_iommu:warning -- map_init_perf || return 1
	done
}

in_vm_xmem()
{
	local out
	bind_vfio $NIC0 && bind_vfio $NIC1 || die "cannot bind the NICs to vfio-pci"
	echo "== xmem: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit"
	echo
	echo "-- IOVAs adjacent page to page (IOVA = VA)"
	IOMMU_TEST_BENCH_ROUNDS=3 IOMMU_TEST_PCI_DEV2=$NIC1 "$TEST_APP" -l 0 --no-pci -m 64 \
		--file-prefix=bench -d "$PLUGIN" -a bus=iommufd,attach=$NIC0 \
		--log-level=lib.eal_iommu:warning -- xmem_map_perf || return 1
	echo
	echo "-- IOVAs scattered (each page's apart from its neighbours', as physical addresses)"
	IOMMU_TEST_BENCH_ROUNDS=1 IOMMU_TEST_XMEM_SCATTERED=1 IOMMU_TEST_PCI_DEV2=$NIC1 \
		"$TEST_APP" -l 0 --no-pci -m 64 --file-prefix=bench -d "$PLUGIN" \
		-a bus=iommufd,attach=$NIC0 --log-level=lib.eal_iommu:warning -- xmem_map_perf ||
		return 1
	echo
	echo "-- DPDK alone (no plug-in, no VFIO device: nothing maps the pages)"
	"$TEST_APP" -l 0 -m 64 --no-pci --file-prefix=bench -- xmem_map_perf 2>&1 |
		grep 'without the plug-in'
	echo
	echo "-- EAL's VFIO type1 container (no plug-in; the NIC on it), IOVAs = VA"
	out=$("$TEST_APP" -l 0 -m 64 --file-prefix=bench -a $NIC0 -- xmem_map_perf 2>&1)
	grep 'without the plug-in' <<<"$out"
	echo "  pages EAL could not map (type1's limit of mappings): $(grep -c 'Cannot set up DMA remapping' <<<"$out")"
}

# Milliseconds one run of "$@" takes (it must succeed).
run_ms()
{
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median()
{
	tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

in_vm_startup()
{
	local mode args r with without w wo ratio out missed=0
	bind_vfio $NIC0 || die "cannot bind $NIC0 to vfio-pci"
	echo "== startup: $(uname -r), TCG VM, $(nproc) vCPUs, VT-d 48-bit; EAL start-up and cleanup"
	echo "   of dpdk-test-iommu with $NIC0 (e1000e, vfio-pci) on the PCI bus, median of 5 alternating runs"
	printf '  %-24s %14s %12s %8s\n' "memory mode" "without (ms)" "with (ms)" "ratio"
	for mode in "${MEMORY_MODES[@]}"; do
		args=(-l 0 -a $NIC0 ${mode#*|} --file-prefix=bench-su)
		# What is timed: with the plug-in the NIC DMAs through the IOAS.
		out=$("$TEST_APP" "${args[@]}" -d "$PLUGIN" --log-level=lib.eal_iommu:info 2>&1) || true
		grep -q "^EAL_IOMMU: $NIC0 (IOMMU group [0-9]*) DMAs through IOAS" <<<"$out" ||
			die "with the plug-in, $NIC0 is not on the IOAS (${mode%%|*})"
		args+=(--log-level=lib.eal_iommu:warning)
		with="" without=""
		for r in 1 2 3 4 5; do
			wo=$(run_ms "$TEST_APP" "${args[@]}") || die "EAL without the plug-in failed (${mode%%|*})"
			w=$(run_ms "$TEST_APP" "${args[@]}" -d "$PLUGIN") || die "EAL with the plug-in failed (${mode%%|*})"
			without+=" $wo" with+=" $w"
		done
		wo=$(median <<<"${without# }") w=$(median <<<"${with# }")
		ratio=$(awk -v a="$w" -v b="$wo" 'BEGIN { printf "%.2f", a / b }')
		awk -v r="$ratio" 'BEGIN { exit !(r <= 1.2) }' || missed=$((missed + 1))
		printf '  %-24s %14s %12s %8s\n' "${mode%%|*}" "$wo" "$w" "$ratio"
	done
	echo "  with / without <= 1.2 in every mode: $([ $missed = 0 ] && echo met || echo "MISSED in $missed")"
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
xmem)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 --mem 3 --hugepages 64 \
		--timeout 2400 -- "$DEVTOOLS_DIR/bench.sh" --in-vm xmem
	;;
map-init|startup)
	"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 --mem 3 --hugepages 640 \
		--timeout 1800 -- "$DEVTOOLS_DIR/bench.sh" --in-vm "$1"
	;;
*)
	sed -n '4,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
