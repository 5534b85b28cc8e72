#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Proves the kernel-backed tests can fail: each mutant breaks one behaviour
# in a copy of the source, is built, and runs its VM profile's tests; the
# named test must then FAIL. Prints "PASS mutants/NAME" when it does (the
# mutant is caught) and "FAIL mutants/NAME" when it survives.
#
#   devtools/mutation-check.sh [NAME...]    (default: every mutant)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

# name @ file @ perl substitution @ profile @ VM case @ test that must fail
MUTANTS=(
	"split_published_per_insert@lib/eal_iommu/iommu_xlate.c@s/ret = batch_depth > 0 \? next_append/ret = 0 ? next_append/@host@host@xlate_batch_autotest"
	"batch_withdraw_clears_page@lib/eal_iommu/iommu_xlate.c@s/\*e == RTE_EAL_IOMMU_XLATE_SPLIT &&\n\t\t\t    !split_in_page\(split, p\)\)/*e == RTE_EAL_IOMMU_XLATE_SPLIT)/@host@host@xlate_batch_autotest"
	"external_page_per_area@lib/eal_iommu/iommu_mem_events.c@s/if \(ms->iova != \*iova \+ run\)/if (1)/@mock@mock_extmem_scale@extmem_heap_scale_autotest"
	"forked_child_closes_ioas@lib/eal_iommu/iommu_lifecycle.c@s/if \(forked\) \{/if (0 \&\& forked) {/@mock@mock_fork@fork_child_autotest"
	"trust_closed_group@lib/eal_iommu/iommu_vfio_group.c@s/\tforget_closed_groups\(\);\n\tif \(find_in\(admitted/\tif (find_in(admitted/@vtd48@vtd48_pci_multifunction@pci_multifunction_autotest"
	"secondary_gets_eal_container@drivers/bus/iommufd/iommufd_compat_vfio_mp.c@s/fd = open\(VFIO_CONTAINER_PATH, O_RDWR \| O_CLOEXEC\);/fd = rte_vfio_get_container_fd();/@vtd48@vtd48_pci_mp@mp_primary_kept_own"
	"old_vfio_numbering_for_22_11_7@drivers/bus/iommufd/iommufd_compat.c@s/\.req_default_container = 0x400, \.req_iommu_type = 0x800/.req_default_container = 0, .req_iommu_type = 0x400/@vtd48@vtd48_debian_22_11_7@mp_secondary_deb7_1"
	"map_wrong_va@lib/eal_iommu/iommu_map.c@s/iommu_ioas_id\(\), va,\n\t\t\tiova, len\);/iommu_ioas_id(), va + len,\n\t\t\tiova, len);/@mock@mock_dma@ioas_memseg_dma_autotest"
	"map_wrong_iova@lib/eal_iommu/iommu_map.c@s/iommu_ioas_id\(\), va,\n\t\t\tiova, len\);/iommu_ioas_id(), va,\n\t\t\tiova + (1ULL << 44), len);/@mock@mock_dma@ioas_memseg_dma_autotest"
	"no_range_check@lib/eal_iommu/iommu_policy.c@s/if \(!iova_ranges_contain\(iommu_ioas_ranges_locked\(\), base, msl->len\)/if (0 \&\& !iova_ranges_contain(iommu_ioas_ranges_locked(), base, msl->len)/@mock@mock_aperture@ioas_aperture_refusal_autotest"
	"no_rollback@lib/eal_iommu/iommu_mem_startup.c@s/for \(done = 0; done < i; done = end\)/for (done = i; done < i; done = end)/@mock@mock_rollback@ioas_map_rollback_autotest"
	"merge_freeable_memory@lib/eal_iommu/iommu_mem_startup.c@s/mem.fixed = !iommu_mem_events_possible\(\);/mem.fixed = 1;/@mock@mock_dma@ioas_memseg_dma_autotest"
	"no_merge_legacy_memory@lib/eal_iommu/iommu_mem_startup.c@s/mem.fixed = !iommu_mem_events_possible\(\);/mem.fixed = 0;/@mock@mock_mode_legacy_mem@ioas_memseg_dma_autotest"
	"grace_per_area@lib/eal_iommu/iommu_map.c@s/\tiommu_xlate_withdraw_locked\(m->va, m->len\);/\tiommu_xlate_remove_locked(m->va, m->len);/@mock@mock_unmap_batch@unmap_batch_autotest"
	"unmap_before_grace@lib/eal_iommu/iommu_map.c@s/\tiommu_xlate_sync_locked\(\);\n\twhile/\twhile/@mock@mock_unmap_batch@unmap_batch_autotest"
	"stale_ranges_after_attach@lib/eal_iommu/iommu_vfio_cdev.c@s/\tif \(ret == 0\)\n\t\tret = iommu_ioas_ranges_refresh_locked\(\);\n//@vtd48@vtd48_cdev@vfio_cdev_attach_autotest"
	"ignore_memory_events@lib/eal_iommu/iommu_mem_events.c@s/if \(!iommu_policy_applied_locked\(\) \|\| msl == NULL\)/if (1 || !iommu_policy_applied_locked() || msl == NULL)/@mock@mock_policy_window@ioas_policy_mock_autotest"
	"keep_freed_mapped@lib/eal_iommu/iommu_mem_events.c@s/\t\trange_removed\(va, len\);/\t\t(void)range_removed;/@mock@mock_policy_pa@ioas_policy_mock_autotest"
	"window_iova_not_published@lib/eal_iommu/iommu_policy.c@s/ms->iova = mem->segs\[i\].iova;/ms->iova = mem->segs[i].ms->iova;/@mock@mock_policy_window@ioas_policy_mock_autotest"
	"no_protection@lib/eal_iommu/iommu_map.c@s/(allow_iovas_in_use\(void\)\n\{\n)/\1\treturn 0;\n/@mock@mock_protect@ioas_protect_autotest"
	"failure_not_recorded@lib/eal_iommu/iommu_mem_events.c@s/\t\tiommu_status_record_failure_locked\(ms->addr_64, ms->len, -ret,\n\t\t\tRTE_EAL_IOMMU_OWNER_DPDK\);\n//@mock@mock_fault@ioas_hotadd_fault_autotest"
	"secondary_assumes_va@lib/eal_iommu/iommu_mem_secondary.c@s/iova_is_va = iommu_policy_current_locked\(\) == RTE_EAL_IOMMU_POLICY_VA;/iova_is_va = 1;/@mock@mock_mp_window@mp_secondary_autotest"
	"no_probe_first@drivers/bus/iommufd/iommufd_compat_bus.c@s/while \(\(first = rte_bus_find\(NULL, any_bus, NULL\)\) != bus\) \{/while (0) {/@host@host@plugin_without_iommufd_autotest"
	"xlate_no_epoch_bump@lib/eal_iommu/iommu_xlate.c@s/__atomic_store_n\(&x->epoch, old \+ 1,/__atomic_store_n(\&x->epoch, old,/@mock@mock_xlate_stress@xlate_stress_autotest"
	"bulk_skips_slow_path@lib/eal_iommu/include/rte_eal_iommu_lookup.h@s/for \(i = slow; unlikely\(i < n\); i\+\+\)/for (i = n; unlikely(i < n); i++)/@host@host@xlate_autotest"
	"bulk_slow_inside_window@lib/eal_iommu/include/rte_eal_iommu_lookup.h@s/(\t__atomic_store_n\(active, 0, __ATOMIC_RELEASE\);\n)(\t\/\*\n\t \* The out-of-line path.*?\t\t\}\n)/\2\1/s@host@host@xlate_autotest"
	"bulk_one_page_unchecked@lib/eal_iommu/include/rte_eal_iommu_lookup.h@s/if \(other == 0 && likely/if (likely/@host@host@xlate_autotest"
	"xlate_keeps_removed_split@lib/eal_iommu/iommu_xlate.c@s/if \(t != NULL && t->va == va\)/if (0 \&\& t != NULL \&\& t->va == va)/@host@host@xlate_autotest"
	"no_early_refusal@lib/eal_iommu/iommu_policy.c@s/\t\{ RTE_EAL_IOMMU_POLICY_VA, ANY, 0, ANY, ANY, IOMMU_POLICY_VA_OUTSIDE \},\n//@vtd39@vtd39_refuse_va@eal_init_refuses_va"
	"name_first_dropped@drivers/bus/iommufd/iommufd_bus.c@s/return da->bus_str != NULL \? da->bus_str : da->drv_str;/return da->bus_str;/@mock@mock_name_first@ioas_memseg_dma_autotest"
	"gate_passes_all@drivers/bus/iommufd/iommufd_pci.c@s/if \(!managed\(pdev\) \|\| /if (1 || /@vtd48@vtd48_pci_payload@ethdev_payload_autotest"
	"no_collision_check@lib/eal_iommu/iommu_vfio_group.c@s/\tret = collides\(&d, &hit, &taken\);/\tret = 0 \&\& collides(\&d, \&hit, \&taken);/@vtd48@vtd48_pci_failsafe@pci_failsafe_autotest"
	"admit_undmaable@lib/eal_iommu/iommu_vfio_group.c@s/if \(!dpdk_memory_dma_able\(\)\)/if (0 \&\& !dpdk_memory_dma_able())/@vtd48@vtd48_pci_failsafe@pci_failsafe_autotest"
	"no_sync_after_unplug@drivers/bus/iommufd/iommufd_pci.c@s/(int ret = other.unplug\(dev\);\n)\n\tresync_groups\(\);/\1/@vtd48@vtd48_pci_failsafe@pci_failsafe_autotest"
	"ioas_closed_first@drivers/bus/iommufd/iommufd_pci.c@s/(collect\(&list, on_ioas\);\n\tfor \(i = )0(; i < n )/\1n\2/@vtd48@vtd48_testpmd@testpmd_fwd"
	"no_expectations@drivers/bus/iommufd/iommufd_bus.c@s/\tiommufd_pci_expect\(\);\n//@vtd39@vtd39_testpmd_pa@testpmd_fwd"
	"gate_not_first@drivers/bus/iommufd/iommufd_compat_pci.c@s/(\tunsigned int steps = 0;\n)/\1\n\tif (steps == 0)\n\t\treturn;\n/@vtd48@vtd48_gate_first@ethdev_payload_autotest"
	"detach_leaks_fd@lib/eal_iommu/iommu_vfio_cdev.c@s/\tclose\(dev->fd\);\n\tTAILQ_REMOVE/\tTAILQ_REMOVE/@vtd48@vtd48_stress@stress_hotplug_autotest"
	"detach_no_reread_retry@lib/eal_iommu/iommu_vfio_cdev.c@s/ < 0 && iommu_ioas_ranges_refresh_locked\(\) < 0\)/ < 0)/@vtd48@vtd48_fault_sweep@fault_sweep_autotest"
	"silent_range_update_failure@lib/eal_iommu/iommu_ioas.c@s/\t\tIOMMU_LOG\(ERR, \"cannot update the valid IOVA ranges of IOAS %u: out of memory; they stay as they were\",\n\t\t\tiommu_ioas.ioas_id\);\n//@mock@mock_teardown_sweep@teardown_sweep"
	"init_fails_without_devices@drivers/bus/iommufd/iommufd_bus.c@s/if \(ret < 0 && \(attached > 0 \|\| attach_failed \|\| iommufd_pci_managed_count\(\) > 0\)\)/if (ret < 0)/@mock@mock_pa_no_huge@pa_no_huge_goes_on"
	"unaligned_map_accepted@lib/eal_iommu/iommu_dma.c@s/\(\(\(uintptr_t\)va \| len\) & \(page - 1\)\)/(((uintptr_t)va | len) \& (page - 1) \& 0)/@mock@mock_bad_input@bad_input_autotest"
	"map_va_not_checked@lib/eal_iommu/iommu_dma.c@s/if \(!va_in_process\(va, len\)\)/if (0 \&\& !va_in_process(va, len))/@mock@mock_bad_input@bad_input_autotest"
	"no_aperture_prediction@lib/eal_iommu/iommu_host.c@s/if \(aperture_last != 0 && aperture_last != UINT64_MAX\)/if (0)/@vtd39@vtd39_refuse_va@eal_init_refuses_va"
	"init_not_failed@drivers/bus/iommufd/iommufd_bus.c@s/if \(iommufd_vfio_mp_fail_init\(\) == 0\) \{/if (0) {/@vtd48@vtd48_memlock_init@memlock_init_fails"
	"init_not_failed_iova_mode@drivers/bus/iommufd/iommufd_bus.c@s/if \(iommufd_vfio_mp_fail_init\(\) == 0\) \{/if (0) {/@vtd48@vtd48_iova_mode_spellings@iova_mode_prefix"
	"no_memlock_validator@lib/eal_iommu/iommu_mem_events.c@s/\tvalidators_start\(\);\n/\t(void)validators_start;\n/@vtd48@vtd48_memlock_growth@ioas_memlock_growth_autotest"
	"report_every_segment@lib/eal_iommu/iommu_mem_events.c@s/\(va \+ off\), msl\), &af\);/(va + off), msl), \&af), report_added_failures_locked(\&af), af.segs = 0, reports.any = 0;/@mock@mock_fault_all@ioas_hotadd_fault_all_autotest"
	"stale_not_retried@lib/eal_iommu/iommu_mem_events.c@s/\tretry_stale\(\);\n\tif \(type/\t(void)retry_stale;\n\tif (type/@mock@mock_fault_sweep@fault_sweep_autotest"
	"freed_translated_again@lib/eal_iommu/iommu_map.c@s/if \(freed \|\| m->stale\) \{/if (m->stale \&\& freed >= 0) {/@mock@mock_fault_sweep@fault_sweep_autotest"
	"legacy_secondary_unfilled@drivers/bus/iommufd/iommufd_bus.c@s/return eal_iommu_secondary_memory_attached\(\);/return 0;/@mock@mock_mp_legacy@mp_secondary_autotest"
	"admit_refusal_keeps_group@lib/eal_iommu/iommu_vfio_group.c@s/\t\tif \(bridged\)\n\t\t\tunbridge_last_group\(\);\n/\t\t(void)bridged;\n\t\t(void)unbridge_last_group;\n/@vtd48@vtd48_fault_sweep_pci@fault_sweep_autotest"
	"memlock_message_without_numbers@lib/eal_iommu/iommu_mem_startup.c@s/iommu_map_error_explain\(-ret, total, why, sizeof\(why\)\)/(sizeof(why) ? iommu_map_error_hint(-ret) : why)/@vtd48@vtd48_memlock_init@memlock_init_fails"
)

MUTANT_DIR=$CACHE_DIR/mutants
WORK=$MUTANT_DIR/work
mkdir -p "$MUTANT_DIR"

# Copy the working tree (tracked and untracked, not ignored) to $1.
copy_tree()
{
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$REPO_DIR" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -I{} sh -c '[ -f "{}" ] && echo "{}"' |
		tar -cf - -T -) | tar -C "$1" -xf -
}

# One copy of the source ($WORK/src) and one build of it for all mutants:
# a mutant is its file changed there and rebuilt (ninja rebuilds what
# depends on it), then its build copied to $MUTANT_DIR/NAME/build and the
# file restored. The build is kept between runs. Invariant: a file whose
# content may differ from what its objects were built from is newer than
# them. The copy keeps the sources' times (what changed since is newer);
# every file a mutant changes is touched once per run, in case a run
# stopped before restoring it; a file is mutated and restored with the
# time of now. A mutation not rebuilt could only make the mutant survive
# (FAIL).
prepare_work()
{
	local deps m file

	# A build of other sources (another checkout, or edited since) is
	# started afresh: file times do not order content across checkouts.
	deps="$DPDK_PREFIX $KERNEL_HEADERS $PROJECT_MESON_OPTS $(cd "$REPO_DIR" &&
		git ls-files -z --cached --others --exclude-standard |
		xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-12)"
	[ "$(cat "$WORK/deps" 2>/dev/null)" = "$deps" ] || rm -rf "$WORK/build"
	copy_tree "$WORK/src"
	for m in "${MUTANTS[@]}"; do
		IFS='@' read -r _ file _ <<<"$m"
		touch "$WORK/src/$file"
	done
	: > "$WORK/build.log"
	if { [ ! -f "$WORK/build/build.ninja" ] &&
	     ! PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig meson setup "$WORK/build" "$WORK/src" \
			-Dkernel_headers="$KERNEL_HEADERS" $PROJECT_MESON_OPTS >> "$WORK/build.log" 2>&1; } ||
	   ! PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig ninja -C "$WORK/build" >> "$WORK/build.log" 2>&1; then
		echo "FAIL mutants/build: the unmutated source does not build (log: $WORK/build.log)"
		rm -rf "$WORK/build"
		exit 1
	fi
	echo "$deps" > "$WORK/deps"
}

# build_mutant NAME FILE SUBST: build mutant NAME into $MUTANT_DIR/NAME/build.
build_mutant()
{
	local name=$1 file=$2 subst=$3 dir=$MUTANT_DIR/$1 ret=0

	rm -rf "$dir"
	mkdir -p "$dir"
	perl -0pi -e "$subst" "$WORK/src/$file"
	if cmp -s "$REPO_DIR/$file" "$WORK/src/$file"; then
		echo "FAIL mutants/$name: the substitution no longer matches $file"
		return 1
	fi
	if PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig ninja -C "$WORK/build" > "$dir/build.log" 2>&1; then
		cp -a "$WORK/build" "$dir/build"
	else
		echo "FAIL mutants/$name: does not build (log: $dir/build.log)"
		ret=1
	fi
	cp "$REPO_DIR/$file" "$WORK/src/$file"
	return $ret
}

# Run a host mutant's test (the host unit run).
run_host_mutant()
{
	local name=$1 test=$2 build=$MUTANT_DIR/$1/build out rc
	out=$(LD_LIBRARY_PATH=$DPDK_PREFIX/lib "$build/app/test-iommu/dpdk-test-iommu" \
		--no-huge -m 64 --no-pci --no-shconf \
		-d "$build/drivers/bus/iommufd/librte_bus_iommufd.so" -- "$test" 2>&1)
	rc=$?
	sed 's#^\(PASS\|FAIL\|SKIP\) #\1 host/#' <<<"$out"
	# No result (an RTE_ASSERT, a signal) fails the test, as in test.sh.
	grep -qE "^(PASS|FAIL|SKIP) $test(: .*)?\$" <<<"$out" ||
		echo "FAIL host/$test: no result (exit code $rc)"
}

# report NAME PROFILE TEST OUTPUT: the mutant is caught when TEST failed.
report()
{
	if grep -q "^FAIL $2/$3" <<<"$4"; then
		echo "PASS mutants/$1"
	else
		echo "FAIL mutants/$1: $3 did not catch it (VM output: $MUTANT_DIR/vm-$2/$1)"
		grep -E '^(PASS|FAIL|SKIP) ' <<<"$4" | sed 's/^/    /'
	fi
}

# Build every mutant (arguments, if any, name the ones to run); host ones
# run at once, the VM ones after, one VM boot per profile for all of its.
declare -A vm_jobs tests
prepare_work
for m in "${MUTANTS[@]}"; do
	IFS='@' read -r name file subst profile vmcase test <<<"$m"
	[ $# = 0 ] || grep -qw -- "$name" <<<"$*" || continue
	build_mutant "$name" "$file" "$subst" || continue
	if [ "$profile" = host ]; then
		report "$name" host "$test" "$(run_host_mutant "$name" "$test")"
	else
		vm_jobs[$profile]+=" $name:$vmcase"
		tests[$name]=$test
	fi
done
# Each profile's VM at once (vm.sh runs two at a time, the rest wait),
# the one with the most mutants first.
for profile in $(for p in "${!vm_jobs[@]}"; do
		echo "$(wc -w <<<"${vm_jobs[$p]}") $p"
	done | sort -rn | cut -d' ' -f2); do
	"$DEVTOOLS_DIR/vm.sh" --profile "$profile" --timeout 2400 \
		--out "$MUTANT_DIR/vm-$profile" -- \
		"$DEVTOOLS_DIR/mutants-in-vm.sh" "$profile" "$MUTANT_DIR" ${vm_jobs[$profile]} \
		> "$MUTANT_DIR/vm-$profile.out" 2>&1 &
done
wait
for profile in $(printf '%s\n' "${!vm_jobs[@]}" | sort); do
	out=$(cat "$MUTANT_DIR/vm-$profile.out")
	for job in ${vm_jobs[$profile]}; do
		name=${job%%:*}
		report "$name" "$profile" "${tests[$name]}" \
			"$(awk -v m="=== mutant $name" '$0 == m { f = 1; next } /^=== mutant / { f = 0 } f' <<<"$out")"
	done
done
