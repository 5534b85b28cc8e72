#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The project's one test command. Bootstraps what is missing, then runs
#   the host tier: unit autotests, the plug-in without /dev/iommu, style,
#                  a scratch meson install with an application built by
#                  pkg-config (shared and static), no include or call
#                  cycle in lib/eal_iommu, the guides (Sphinx without
#                  warnings, API reference and error messages complete),
#                  the demo's IOVA map (devtools/iova-map.py --self-test);
#   the VM tier:   kernel-backed autotests in the test VM, per profile, and
#                  the mutation check (each deliberately broken build must
#                  be caught by a VM test).
# Ends with "N passed, N failed[, N skipped]"; exits non-zero on a failure.
#
#   devtools/test.sh [--host-only]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

vm_tier=1
case "${1:-}" in
--host-only) vm_tier=0 ;;
"") ;;
*) die "usage: devtools/test.sh [--host-only]" ;;
esac

"$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
"$DEVTOOLS_DIR/bootstrap.sh" sanitize || die "bootstrap of the sanitizer build failed"
. "$DEVTOOLS_DIR/paths.sh"

RESULTS_DIR=$BUILD_DIR/test-results
rm -rf "$RESULTS_DIR"
CASE_LOG_DIR=$RESULTS_DIR/host
CASE_WHERE=host
mkdir -p "$CASE_LOG_DIR"
. "$DEVTOOLS_DIR/cases.sh"

UNIT_TESTS="iova_ranges_autotest map_table_autotest xlate_autotest xlate_batch_autotest plugin_without_iommufd_autotest"

# timed WHAT... -- COMMAND...: run COMMAND, adding its time, named WHAT,
# to $RESULTS_DIR/times (printed at the end: CI's limit is 90 minutes).
timed()
{
	local what="" start=$SECONDS
	while [ "$1" != -- ]; do
		what+="${what:+ }$1"
		shift
	done
	shift
	"$@"
	printf '  %-36s %3dm%02ds\n' "$what" $(((SECONDS - start) / 60)) \
		$(((SECONDS - start) % 60)) >> "$RESULTS_DIR/times"
}

host_tier()
{
	run_case host_unit "$UNIT_TESTS" "$TEST_APP" --no-huge -m 64 --no-pci \
		--no-shconf -d "$PLUGIN" -- $UNIT_TESTS
	# DPDK_TEST selects a test, as in dpdk-test.
	run_case host_dpdk_test_env map_table_autotest env DPDK_TEST=map_table_autotest \
		"$TEST_APP" --no-huge -m 64 --no-pci --no-shconf
	run_case style style_check "$DEVTOOLS_DIR/check-style.sh"
	# Also makes the scratch installation the VM tier runs.
	run_case install "install_pmd_dir install_layout pkgconfig_build pkgconfig_shared pkgconfig_static installed_loads_without_d not_installed_elsewhere" \
		"$DEVTOOLS_DIR/install-check.sh"
	devargs_cases
	release_cases
	run_case layers_selftest layers_check_selftest \
		"$DEVTOOLS_DIR/check-cycles.py" --self-test
	run_case layers layers_check "$DEVTOOLS_DIR/check-cycles.py" --build-dir "$BUILD_DIR"
	run_case owners_selftest owners_check_selftest \
		/usr/bin/python3 "$DEVTOOLS_DIR/check-owners.py" --self-test
	run_case owners owners_check /usr/bin/python3 "$DEVTOOLS_DIR/check-owners.py"
	run_case docs docs_build "$DEVTOOLS_DIR/check-docs.sh"
	run_case docs_selftest docs_build_selftest "$DEVTOOLS_DIR/check-docs.sh" --self-test
	run_case messages_selftest messages_check_selftest \
		/usr/bin/python3 "$DEVTOOLS_DIR/check-messages.py" --self-test
	run_case messages messages_check /usr/bin/python3 "$DEVTOOLS_DIR/check-messages.py"
	run_case api_doc_selftest api_doc_check_selftest \
		/usr/bin/python3 "$DEVTOOLS_DIR/check-api-doc.py" --self-test
	run_case api_doc api_doc_check /usr/bin/python3 "$DEVTOOLS_DIR/check-api-doc.py"
	run_case iova_map_selftest iova_map_selftest \
		/usr/bin/python3 "$DEVTOOLS_DIR/iova-map.py" --self-test
	sanitize_tier
}

# Devargs EAL must refuse at start-up, with the message that says what to do.
DEVARGS_EAL=(--no-huge -m 64 --no-pci --no-shconf -d "$PLUGIN")
devargs_cases()
{
	devargs_case devargs_repeated_key "policy given twice, as va and as pa" \
		bus=iommufd,policy=va,policy=pa
	devargs_case devargs_no_value "'policy' needs a value: the keys are policy=" \
		bus=iommufd,policy
	devargs_case devargs_unknown_key "unknown key 'polcy': the keys are policy=" \
		bus=iommufd,polcy=va
	devargs_case devargs_bad_policy "unknown policy 'vaa': use policy=auto, va, pa or window" \
		bus=iommufd,policy=vaa
	devargs_case devargs_escaped "unknown policy 'x\x1b[31m'" \
		"bus=iommufd,policy=x"$'\x1b'"[31m"
	devargs_case devargs_bad_pci "attach=zz: not a PCI address: write attach=DDDD:BB:DD.F" \
		bus=iommufd,attach=zz
	devargs_case devargs_attach_twice "attach=0000:00:01.0 given twice" \
		bus=iommufd,attach=0000:00:01.0,attach=00:01.0
	devargs_case devargs_pci_conflict "pci= given twice, as none and as a device list" \
		bus=iommufd,pci=none,pci=0000:00:01.0
	if [ -e /dev/iommu ]; then
		echo "SKIP $CASE_WHERE/devargs_no_iommufd: this machine has /dev/iommu"
	else
		devargs_case devargs_no_iommufd "-a bus=iommufd given, but /dev/iommu does not exist" \
			bus=iommufd,policy=va
	fi
}

# The running DPDK release, as EAL reports it, made another with a test
# seam (dpdk_version_shim.c, preloaded): a release the plug-in does not know
# is refused with a message naming the ones it does (with devargs,
# rte_eal_init() fails; without, the plug-in stays out and EAL goes on);
# each release it knows is accepted.
VERSION_SHIM=$BUILD_DIR/app/test-iommu/libtest_dpdk_version_shim.so
release_cases()
{
	local -x LD_PRELOAD=$VERSION_SHIM IOMMU_TEST_DPDK_VERSION=23.11.0
	devargs_case release_unknown_refused "the running DPDK is 23.11.0 (DPDK 23.11.0 (test seam)), a release whose private VFIO and PCI bus interfaces this plug-in does not know; it supports DPDK 22.11.0 to 22.11.11" \
		bus=iommufd,policy=va
	run_case release_unknown_stays_out release_unknown_stays_out release_check \
		release_unknown_stays_out 22.12.0 "DPDK memory is NOT mapped through iommufd, PCI devices use EAL's own VFIO: the running DPDK is 22.12.0"
	run_case release_known "release_known_22_11_0 release_known_22_11_7 release_known_22_11_10 release_known_22_11_11" \
		release_known_check
}

# release_check NAME VERSION MESSAGE: with EAL saying VERSION and no
# devargs, rte_eal_init() succeeds and the plug-in logs MESSAGE.
release_check()
{
	expect_success "$1" "$3" env IOMMU_TEST_DPDK_VERSION="$2" "$TEST_APP" \
		"${DEVARGS_EAL[@]}" -- plugin_without_iommufd_autotest
}

release_known_check()
{
	local v
	for v in 22.11.0 22.11.7 22.11.10 22.11.11; do
		release_check release_known_${v//./_} $v "running on DPDK $v ('DPDK $v (test seam)')"
	done
}

# The sanitizer build (ASan and UBSan; any report aborts the process and
# fails its case, see run_case): the unit autotests and the devargs
# refusals (leaks included: LeakSanitizer runs at exit), and the canary,
# which must be reported: the tier is live.
SANITIZE_APP=$SANITIZE_BUILD_DIR/app/test-iommu/dpdk-test-iommu
SANITIZE_PLUGIN=$SANITIZE_BUILD_DIR/drivers/bus/iommufd/librte_bus_iommufd.so
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
sanitizer_canary_check()
{
	local out rc
	out=$("$SANITIZE_APP" --no-huge -m 64 --no-pci --no-shconf -- sanitizer_canary_autotest 2>&1)
	rc=$?
	# Quoted, so that run_case does not count the expected report.
	sed 's/^/  | /' <<<"$out"
	if [ $rc != 0 ] && grep -q '^==[0-9]*==ERROR: AddressSanitizer: heap-buffer-overflow' <<<"$out"; then
		echo "PASS sanitizer_canary"
	else
		echo "FAIL sanitizer_canary: AddressSanitizer did not report the canary (exit $rc)"
	fi
}

# The sanitizer build installed as install-check.sh installs the plain
# one (its scratch prefix, and a stand-in PMD directory holding DPDK's
# drivers and the plug-in; meson install writes into a staging root): the
# sanitizer pass of the VM tier runs dpdk-test with it (with_installed).
sanitize_install_check()
{
	local dir=$SANITIZE_BUILD_DIR/install-test root=$SANITIZE_BUILD_DIR/install-test/root

	rm -rf "$dir" && pmd_standin "$dir/pmds" &&
		meson install -C "$SANITIZE_BUILD_DIR" --no-rebuild --destdir "$root" &&
		cp -a "$root/$(dpdk_pmd_dir)"/librte_bus_iommufd.so* "$dir/pmds/" &&
		mv "$root$(meson_option "$SANITIZE_BUILD_DIR" prefix)" "$dir/prefix" ||
		{ echo "FAIL sanitize_install: meson install of the sanitizer build failed"; return; }
	if [ -n "$(find "$dir/prefix" -name libdpdk-iommufd.pc)" ] &&
	   nm -D "$dir/pmds/librte_bus_iommufd.so" | grep ' U __asan_init' > /dev/null; then
		echo "PASS sanitize_install"
	else
		echo "FAIL sanitize_install: no sanitized plug-in or no libdpdk-iommufd.pc in $dir"
	fi
}

sanitize_tier()
{
	local CASE_WHERE=host-sanitize TEST_APP=$SANITIZE_APP
	local DEVARGS_EAL=(--no-huge -m 64 --no-pci --no-shconf -d "$SANITIZE_PLUGIN")
	run_case sanitize_canary sanitizer_canary sanitizer_canary_check
	run_case sanitize_unit "$UNIT_TESTS" "$SANITIZE_APP" --no-huge -m 64 --no-pci \
		--no-shconf -d "$SANITIZE_PLUGIN" -- $UNIT_TESTS
	devargs_cases
	run_case sanitize_install sanitize_install sanitize_install_check
}

sanitize_vm_cases()
{
	case $1 in
	mock) echo mock_dma mock_aperture mock_rollback mock_protect mock_fault mock_extmem \
		mock_app_buffer mock_xlate_stress mock_telemetry mock_name_first \
		mock_name_first_bus devargs_conflict_across \
		devargs_no_such_device devargs_two_owners mock_policy_pa mock_policy_window \
		mock_fault_sweep mock_bad_input mock_startup_sweep mock_teardown_sweep mock_unmap_batch \
		mock_mp_va mock_mp_legacy mock_mp_window mock_mp_devargs
		for t in $INSTALLED_POLICY_TESTS; do echo installed_${t}_va installed_${t}_pa; done ;;
	vtd48) echo vtd48_cdev vtd48_auto vtd48_fd_order vtd48_pci_payload \
		vtd48_pci_failsafe vtd48_cdev_owner vtd48_pci_narrow vtd48_pci_dma_map \
		vtd48_gate_first vtd48_stress vtd48_fault_sweep vtd48_bad_input \
		vtd48_testpmd vtd48_testpmd_hotplug vtd48_pci_mp ;;
	esac
}

# vm_profile P [sanitize]: the VM cases of profile P (with the sanitizer
# build: the cases sanitize_vm_cases names), their result lines.
vm_profile()
{
	local p=$1 what="VM profile $1" rc out env=()
	if [ "${2:-}" = sanitize ]; then
		what+=", sanitizers"
		env=(IOMMU_TEST_SANITIZE=1 IOMMU_TEST_CASES="$(sanitize_vm_cases $p)"
			DPDK_IOMMUFD_BUILD=$SANITIZE_BUILD_DIR)
	fi
	log "VM tier: ${what#VM }"
	out=$(timed "  $what" -- env "${env[@]}" "$DEVTOOLS_DIR/vm.sh" --profile "$p" \
		--timeout 1500 --out "$RESULTS_DIR/vm-$p${2:+-$2}" -- \
		"$DEVTOOLS_DIR/vm-tests.sh" "$p" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc != 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
		echo "FAIL $p${2:+-$2}/vm: exit code $rc without a failed test"
	fi
}

# Two VMs side by side (vm.sh takes at most two): the VT-d profiles in one
# lane, the mock profile (two TCG threads) in the other, about as long;
# their results are printed in a fixed order. The
# sanitizer build's cases: the stock tools, not built with the sanitizers,
# run with their runtimes preloaded; primaries put DPDK memory above
# ASan's shadow for their secondaries (see vm-tests.sh).
vm_tier()
{
	local lane=$RESULTS_DIR/lane
	{ vm_profile vtd48; vm_profile vtd48 sanitize; vm_profile vtd39; } > "$lane-1" &
	{ vm_profile mock; vm_profile mock sanitize; } > "$lane-2"
	wait
	cat "$lane-2" "$lane-1"
	log "VM tier: mutation check"
	timed "  mutation check" -- "$DEVTOOLS_DIR/mutation-check.sh"
}

log "host tier"
timed host tier -- host_tier | tee "$RESULTS_DIR/host.out"
if [ $vm_tier = 1 ]; then
	timed VM tier -- vm_tier | tee "$RESULTS_DIR/vm.out"
fi

results=$(cat "$RESULTS_DIR"/*.out | grep -E '^(PASS|FAIL|SKIP) ')
passed=$(grep -c '^PASS ' <<<"$results")
failed=$(grep -c '^FAIL ' <<<"$results")
skipped=$(grep -c '^SKIP ' <<<"$results")
echo
[ "$failed" = 0 ] || { echo "failed:"; grep '^FAIL ' <<<"$results" | sed 's/^/  /'; }
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary+=", $skipped skipped"
[ $vm_tier = 1 ] || summary+=" (VM tier not run: --host-only)"
echo "time per tier:"
cat "$RESULTS_DIR/times"
echo "$summary"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
