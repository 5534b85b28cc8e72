# SPDX-License-Identifier: BSD-3-Clause
# Run test cases and print one result line per test; source it.
#
# A result line is "PASS where/name", "FAIL where/name[: why]" or
# "SKIP where/name[: why]", where is $CASE_WHERE (the tier or VM profile);
# test.sh counts them. Each case's full output goes to $CASE_LOG_DIR.

TEST_APP=$BUILD_DIR/app/test-iommu/dpdk-test-iommu
PLUGIN=$BUILD_DIR/drivers/bus/iommufd/librte_bus_iommufd.so
export LD_LIBRARY_PATH=$DPDK_PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

case_failures=0

# run_case NAME EXPECTED_TESTS COMMAND...: run COMMAND, which must report
# every test in EXPECTED_TESTS (space separated) with PASS/FAIL/SKIP lines.
# A test it does not report, or a non-zero exit with nothing failed, is FAIL.
# With IOMMU_TEST_CASES set (case names), only those cases run.
run_case()
{
	local name=$1 expected=$2 log rc t line seen
	shift 2
	CASES_DEFINED+=" $name"
	if [ -n "${IOMMU_TEST_CASES:-}" ] && ! grep -qw -- "$name" <<<"$IOMMU_TEST_CASES"; then
		return 0
	fi
	log=$CASE_LOG_DIR/$name.log
	"$@" > "$log" 2>&1 < /dev/null
	rc=$?
	for t in $expected; do
		line=$(grep -E "^(PASS|FAIL|SKIP) $t(: .*)?\$" "$log" | tail -n 1)
		if [ -z "$line" ]; then
			line="FAIL $t: no result (exit code $rc)"
		elif [ "${line%% *}" = SKIP ] && [ "${CASES_NO_SKIP:-0}" = 1 ]; then
			line="FAIL $t: skipped where it must run ($(grep -E '^SKIPPED' "$log" | head -n 1))"
		fi
		line="${line%% *} $CASE_WHERE/${line#* }"
		seen="${seen:-}$line"$'\n'
		echo "$line"
	done
	# In every case, sanitizer builds or not: a sanitizer report fails it.
	if grep -qE '^(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|.*: runtime error: )' "$log"; then
		line="FAIL $CASE_WHERE/$name: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error' "$log")"
		seen="${seen:-}$line"$'\n'
		echo "$line"
	elif [ $rc != 0 ] && ! grep -q '^FAIL' <<<"${seen:-}"; then
		echo "FAIL $CASE_WHERE/$name: exit code $rc"
	fi
	if grep -q '^FAIL' <<<"${seen:-}" || [ $rc != 0 ]; then
		case_failures=$((case_failures + 1))
		echo "--- $name: $* (log: $log)"
		tail -n 60 "$log" | sed 's/^/    /'
	fi
}

# Every name in IOMMU_TEST_CASES must be a case run_case was given: a
# misspelt or dropped one would otherwise run nothing, and pass.
CASES_DEFINED=""
cases_selection_check()
{
	local n
	for n in ${IOMMU_TEST_CASES:-}; do
		if ! grep -qw -- "$n" <<<"$CASES_DEFINED"; then
			echo "FAIL $CASE_WHERE/$n: no such case (IOMMU_TEST_CASES)"
			case_failures=$((case_failures + 1))
		fi
	done
}

# expect_init_failure NAME MESSAGE COMMAND...: COMMAND must stop in
# rte_eal_init(), exit non-zero, and print MESSAGE (a fixed string) on a
# plug-in log line, with no raw control character on the plug-in's lines.
expect_init_failure()
{
	local name=$1 msg=$2 out rc ours
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	ours=$(grep -E '^(IOMMUFD_BUS|EAL_IOMMU): ' <<<"$out")
	if [ $rc = 0 ] || ! grep -q '^rte_eal_init failed' <<<"$out"; then
		echo "FAIL $name: rte_eal_init did not fail (exit $rc)"
	elif ! grep -qF -- "$msg" <<<"$ours"; then
		echo "FAIL $name: no plug-in message '$msg'"
	elif LC_ALL=C grep -q '[[:cntrl:]]' <<<"$ours"; then
		echo "FAIL $name: a raw control character in the plug-in's log"
	else
		echo "PASS $name"
	fi
}

# expect_success NAME MESSAGE COMMAND...: COMMAND must exit 0 and print
# MESSAGE (a fixed string) on a plug-in log line.
expect_success()
{
	local name=$1 msg=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc != 0 ]; then
		echo "FAIL $name: exit code $rc"
	elif ! grep -E '^(IOMMUFD_BUS|EAL_IOMMU): ' <<<"$out" | grep -qF -- "$msg"; then
		echo "FAIL $name: no plug-in message '$msg'"
	else
		echo "PASS $name"
	fi
}

# devargs_case NAME MESSAGE DEVARGS...: EAL with the plug-in and each
# DEVARGS as an -a option must refuse to start, saying MESSAGE.
devargs_case()
{
	local name=$1 msg=$2 a args=()
	shift 2
	for a in "$@"; do
		args+=(-a "$a")
	done
	run_case "$name" "$name" expect_init_failure "$name" "$msg" \
		"$TEST_APP" "${DEVARGS_EAL[@]}" "${args[@]}" -- eal_fd_order_autotest
}

# without_vfio_cdev "DEVICE..." COMMAND...: run COMMAND as on a kernel
# without CONFIG_VFIO_DEVICE_CDEV: in a private mount namespace, empty
# directories over each DEVICE's sysfs vfio-dev and over /dev/vfio/devices
# (the VFIO groups stay, as there).
without_vfio_cdev()
{
	local devs=$1
	shift
	unshare --mount --propagation private sh -c \
		'for d in $0; do mount -t tmpfs none "/sys/bus/pci/devices/$d/vfio-dev" || exit 1; done &&
		 mount -t tmpfs none /dev/vfio/devices && exec "$@"' "$devs" "$@"
}

# The PMD directory compiled into DPDK (RTE_EAL_PMD_PATH): EAL loads every
# driver in it, with no -d.
dpdk_pmd_dir()
{
	sed -n 's/^#define RTE_EAL_PMD_PATH "\(.*\)"$/\1/p' "$DPDK_PREFIX/include/rte_build_config.h"
}

# pmd_standin DIR: DIR becomes a copy of DPDK's PMD directory (a copy, not
# links: DPDK's lib/ links its drivers into it), for with_installed.
pmd_standin()
{
	mkdir -p "$1" && cp -a "$(dpdk_pmd_dir)"/. "$1/"
}

# meson_option BUILD_DIR NAME: the value of a build option.
meson_option()
{
	meson introspect "$1" --buildoptions | /usr/bin/python3 -c \
		'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$2"
}

# DPDK's own autotests run with the plug-in installed (vm-tests.sh); the
# sanitizer pass names them from here (test.sh). INSTALLED_POLICY_TESTS,
# under every policy and with the sanitizers: those whose children take
# the plug-in down other paths (memory modes, processes, devargs). The
# others vary only EAL options the plug-in takes no part in (lcores, the
# main lcore, memory channels and ranks, HPET): they run once, under the
# default policy.
INSTALLED_POLICY_TESTS="memory_autotest multiprocess_autotest
	eal_flags_no_huge_autotest eal_flags_a_opt_autotest eal_flags_b_opt_autotest
	eal_flags_vdev_opt_autotest eal_flags_mem_autotest eal_flags_file_prefix_autotest
	eal_flags_misc_autotest"
INSTALLED_STOCK_TESTS="$INSTALLED_POLICY_TESTS
	eal_flags_c_opt_autotest eal_flags_main_opt_autotest eal_flags_n_opt_autotest
	eal_flags_hpet_autotest eal_flags_r_opt_autotest"

# with_installed COMMAND...: run COMMAND as if the scratch installation
# were installed into DPDK's PMD directory: in a private mount namespace,
# $INSTALL_DIR/pmds (DPDK's drivers, and what meson install put there) is
# mounted over it. Every other process sees the PMD directory unchanged.
with_installed()
{
	local pc libs=$LD_LIBRARY_PATH

	# The application finds librte_eal_iommu here (the plug-in needs no
	# help: its run path names the prefix).
	pc=$(find "$INSTALL_DIR/prefix" -name libdpdk-iommufd.pc -print -quit 2>/dev/null)
	[ -z "$pc" ] || libs=$(dirname "$(dirname "$pc")"):$libs
	LD_LIBRARY_PATH=$libs unshare --mount --propagation private sh -c \
		'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
		"$INSTALL_DIR/pmds" "$(dpdk_pmd_dir)" "$@"
}
