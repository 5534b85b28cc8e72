#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The VM tier for one profile; runs inside the test VM (see vm.sh):
#   devtools/vm.sh --profile P -- devtools/vm-tests.sh P
# Prints one result line per test. Tests may not skip here.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"
CASE_LOG_DIR=${VM_OUT:-/tmp}/logs
CASES_NO_SKIP=1
CASE_WHERE=${1:?profile}
# The sanitizer build's pass (test.sh): results as PROFILE-sanitize; a
# report aborts the process and fails its case (run_case).
# DPDK's stock tools are not instrumented: they run with the sanitizers'
# runtimes preloaded (STOCK_ENV), which then check the plug-in they load;
# leaks are checked in this project's binaries only. A secondary maps the
# primary's addresses, which ASan's own mappings or the randomly placed
# libraries could take by chance: every primary there (of dpdk-test's and
# of this project's) puts DPDK memory above ASan's shadow (SANITIZE_EAL).
STOCK_ENV=() SANITIZE_EAL=()
if [ "${IOMMU_TEST_SANITIZE:-0}" = 1 ]; then
	CASE_WHERE+=-sanitize
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
	STOCK_ENV=(env ASAN_OPTIONS=detect_leaks=0
		LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)")
	# 32 TiB: above ASan's high shadow, below its allocator (x86_64).
	SANITIZE_EAL=(--base-virtaddr=0x200000000000)
fi
. "$DEVTOOLS_DIR/cases.sh"
mkdir -p "$CASE_LOG_DIR"

profile=${1:?profile}
NIC0=0000:00:10.0
EAL_NO_MEM=(-l 0-1 --no-pci --file-prefix=vmtest -d "$PLUGIN"
	--log-level=lib.eal_iommu:debug)
EAL=("${EAL_NO_MEM[@]}" -m 64)
# Fault sweeps: each DPDK memory segment is an area of its own, and so the
# same failure points again (mapping it; a domain filled with it on each
# attach): 4 segments fail the first, a middle and the last, as 32 would.
SWEEP_EAL=("${EAL_NO_MEM[@]}" -m 8)

NIC1=0000:00:11.0

# bind_vfio (lib.sh), reporting a failure as a test result.
bind_nic()
{
	bind_vfio "$1" || { echo "FAIL $CASE_WHERE/bind_vfio_$1: not bound to vfio-pci"; return 1; }
}

# The two NICs share a qemu hub: stock testpmd (VFIO group, no plug-in)
# transmits on both; each must receive what the other sent.
nic_hub_check()
{
	local out rx
	out=$(sleep 10 | "$DPDK_PREFIX/bin/dpdk-testpmd" -l 0-1 -a $NIC0 -a $NIC1 \
		--file-prefix=hubcheck -- --forward-mode=txonly --nb-cores=1 2>&1)
	echo "$out"
	rx=$(grep -A1 'Forward statistics for port' <<<"$out" |
		sed -n 's/.*RX-packets: *\([0-9]*\).*/\1/p')
	if [ "$(wc -w <<<"$rx")" = 2 ] && ! grep -qx 0 <<<"$rx"; then
		echo "PASS nic_hub_check"
	else
		echo "FAIL nic_hub_check: RX packets per port: $(echo $rx)"
	fi
}

# rte_eal_init() must fail, naming the VA, the ranges' end and the fixes,
# when policy va cannot work: DPDK memory placed above a 39-bit aperture
# with --base-virtaddr (at its default 4 GiB base it fits), predicted at
# devargs time from the device's sysfs.
eal_refuses_va_check()
{
	local out rc
	out=$("$TEST_APP" "${EAL[@]}" --base-virtaddr=0x8000000000 \
		-a bus=iommufd,policy=va,attach=$NIC0 -- ioas_memseg_dma_autotest 2>&1)
	rc=$?
	echo "$out"
	# Refused while parsing the devargs, from the prediction (not later, by
	# the vote on the real ranges).
	if [ $rc != 0 ] && grep -q '^rte_eal_init failed' <<<"$out" &&
	   grep -q 'cannot be DMA-mapped at IOVA = VA' <<<"$out" &&
	   grep -q "valid IOVA ranges predicted for $NIC0: " <<<"$out" &&
	   grep -q "Unable to parse device 'bus=iommufd" <<<"$out" &&
	   grep -q 'VA \[0x8000000000,' <<<"$out" &&
	   grep -q '0x7fffffffff\]' <<<"$out" &&
	   grep -q -- '--iova-mode=pa' <<<"$out" && grep -q -- '--base-virtaddr' <<<"$out"; then
		echo "PASS eal_init_refuses_va"
	else
		echo "FAIL eal_init_refuses_va: rte_eal_init did not fail with the message (exit $rc)"
	fi
}

# Permission denied: root without the capabilities that override file
# modes, and the device node's mode 000 for the case (restored after).
NO_DAC=(setpriv --inh-caps=-dac_override,-dac_read_search
	--bounding-set=-dac_override,-dac_read_search --)
permission_case()
{
	local name=$1 node=$2 msg=$3 mode
	shift 3
	mode=$(stat -c %a "$node")
	chmod 000 "$node"
	run_case "$name" "$name" expect_init_failure "$name" "$msg" \
		"${NO_DAC[@]}" "$TEST_APP" "$@" -- eal_fd_order_autotest
	chmod "$mode" "$node"
}

# The start-up sweep: the library's Nth fault point at start-up fails
# (IOMMU_TEST_FAIL_NTH, one process each), N = 1, 2, ..., until start-up
# runs through. Each injected failure must stop rte_eal_init() with the
# plug-in's error naming the cause; or, with no device here, leave it going with the error
# and DPDK memory not DMA-able; or be gone past with all of it DMA-able.
# Never a crash, and never a success with memory that is not DMA-able.
# What the injected failures are (ENOMEM, EMFILE): the error must say so.
# With "kernel": the kernel's fault points instead (iommufd's fail_iommufd,
# IOMMU_TEST_KERNEL_FAIL_NTH), whose errors are iommufd's own.
SWEEP_CAUSES="Cannot allocate memory|out of memory|Too many open files"
KERNEL_SWEEP_CAUSES="$SWEEP_CAUSES|No such file or directory|Invalid argument|Bad address"
startup_sweep_check()
{
	local n out rc refused=0 loud=0 past=0 var=IOMMU_TEST_FAIL_NTH
	local name=startup_sweep SWEEP_CAUSES=$SWEEP_CAUSES
	if [ "${1:-}" = kernel ]; then
		var=IOMMU_TEST_KERNEL_FAIL_NTH name=startup_sweep_kernel
		SWEEP_CAUSES=$KERNEL_SWEEP_CAUSES
	fi
	for n in $(seq 400); do
		out=$(env $var=$n "$TEST_APP" "${SWEEP_EAL[@]}" -a bus=iommufd \
			-- fail_nth_left ioas_memseg_dma_autotest 2>&1)
		rc=$?
		if [ $rc -ge 128 ]; then
			echo "$out"
			echo "FAIL $name: point $n: killed by signal $((rc - 128))"
			return
		elif [ $rc != 0 ] && grep -q '^rte_eal_init failed' <<<"$out" &&
		     grep -qE "^(EAL_IOMMU|IOMMUFD_BUS): .*($SWEEP_CAUSES)" <<<"$out"; then
			refused=$((refused + 1))
		elif grep -q '^fail-nth left: 0$' <<<"$out" &&
		     grep -q '^PASS ioas_memseg_dma_autotest' <<<"$out"; then
			past=$((past + 1))
		elif grep -q '^fail-nth left: 0$' <<<"$out" &&
		     grep -q 'with no device attached or allowed yet: rte_eal_init() goes on' <<<"$out" &&
		     grep -qE "^(EAL_IOMMU|IOMMUFD_BUS): .*($SWEEP_CAUSES)" <<<"$out" &&
		     grep -q '^FAIL ioas_memseg_dma_autotest' <<<"$out"; then
			loud=$((loud + 1))
		elif grep -q '^fail-nth left: [1-9]' <<<"$out" &&
		     grep -q '^PASS ioas_memseg_dma_autotest' <<<"$out"; then
			echo "start-up: $((n - 1)) failure points: $refused stopped rte_eal_init(), $loud went on saying so, $past were gone past (DMA-able)"
			echo "PASS $name"
			return
		else
			echo "$out"
			echo "FAIL $name: point $n: neither a clear failure nor a working start-up (exit $rc)"
			return
		fi
	done
	echo "FAIL $name: more than 400 failure points"
}

# The teardown sweep: the library's Nth fault point from the end of the
# tests on (rte_eal_cleanup(): unmapping, destroying, closing) fails, one
# process each, until teardown runs through: never a crash or a hang, and
# each injected failure reported by the plug-in with its cause.
teardown_sweep_check()
{
	local n out rc reported=0 faults=library name=teardown_sweep
	local SWEEP_CAUSES=$SWEEP_CAUSES
	if [ "${1:-}" = kernel ]; then
		faults=kernel name=teardown_sweep_kernel SWEEP_CAUSES=$KERNEL_SWEEP_CAUSES
	fi
	for n in $(seq 400); do
		out=$(IOMMU_TEST_FAULTS=$faults IOMMU_TEST_TEARDOWN_FAIL_NTH=$n timeout 120 "$TEST_APP" "${SWEEP_EAL[@]}" \
			-a bus=iommufd -- ioas_memseg_dma_autotest fail_nth_teardown 2>&1)
		rc=$?
		if [ $rc != 0 ] || ! grep -q '^PASS ioas_memseg_dma_autotest' <<<"$out"; then
			echo "$out"
			echo "FAIL $name: point $n: exit $rc"
			return
		elif grep -q '^teardown fail-nth left: 0$' <<<"$out"; then
			if ! grep -qE "^(EAL_IOMMU|IOMMUFD_BUS): .*($SWEEP_CAUSES)" <<<"$out"; then
				echo "$out"
				echo "FAIL $name: point $n failed and nothing said so"
				return
			fi
			reported=$((reported + 1))
		elif grep -q '^teardown fail-nth left: [1-9]' <<<"$out"; then
			echo "teardown: $((n - 1)) failure points, each reported ($reported)"
			echo "PASS $name"
			return
		else
			echo "$out"
			echo "FAIL $name: point $n: no report"
			return
		fi
	done
	echo "FAIL $name: more than 400 failure points"
}

# mode_quiet COMMAND...: run it (with QUIET among its EAL arguments, the
# plug-in logs warnings and errors only): no line of the plug-in's may
# appear (a mode it supports warns of nothing).
QUIET=(--log-level=lib.eal_iommu:warning --log-level=bus.iommufd:warning)
mode_quiet()
{
	local out
	out=$("$@" 2>&1)
	local rc=$?
	echo "$out"
	if grep -qE '^(EAL_IOMMU|IOMMUFD_BUS): ' <<<"$out"; then
		echo "FAIL mode_quiet: the plug-in warned: $(grep -m1 -E '^(EAL_IOMMU|IOMMUFD_BUS): ' <<<"$out")"
	else
		echo "PASS mode_quiet"
	fi
	return $rc
}

# DPDK's memory modes: DPDK memory is mapped (as few areas as can be where
# it never changes), DMA reaches it, and the plug-in warns of nothing (mock).
memory_mode_cases()
{
	local m n
	for m in --legacy-mem --in-memory --single-file-segments; do
		n=${m#--}
		run_case "mock_mode_${n//-/_}" "ioas_memseg_dma_autotest mode_quiet" \
			mode_quiet "$TEST_APP" "${EAL[@]}" "${QUIET[@]}" "$m" -- ioas_memseg_dma_autotest
	done
	run_case mock_mode_no_huge "ioas_memseg_dma_autotest mode_quiet" \
		mode_quiet "$TEST_APP" "${EAL[@]}" "${QUIET[@]}" --no-huge -m 16 -- ioas_memseg_dma_autotest
}

# "Never silent" (issue 9): when DPDK memory cannot be made DMA-able,
# rte_eal_init() fails, or the allocation does; never a silent success.
# Root without CAP_IPC_LOCK: iommufd charges pinned pages to RLIMIT_MEMLOCK.
NO_IPC_LOCK=(setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock --)

# init_fails NAME COMMAND...: rte_eal_init() must fail because the bus
# made it fail, leaving nothing mapped or pinned; the plug-in's lines must
# then contain each fixed string of the array WANT.
init_fails()
{
	local name=$1 out rc w
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 0 ] || ! grep -q '^rte_eal_init failed' <<<"$out"; then
		echo "FAIL $name: rte_eal_init did not fail (exit $rc)"
		return
	fi
	for w in "${WANT[@]}" "rte_eal_init() fails"; do
		if ! grep -E '^(IOMMUFD_BUS|EAL_IOMMU): ' <<<"$out" | grep -F -- "$w" > /dev/null; then
			echo "FAIL $name: no plug-in message '$w'"
			return
		fi
	done
	if ! grep -q '^after the failed rte_eal_init: VmPin:[[:space:]]*0 kB' <<<"$out" ||
	   ! grep -q '^after the failed rte_eal_init: 0 bytes mapped in the IOAS' <<<"$out"; then
		echo "FAIL $name: memory left pinned or mapped after the failure"
	elif grep -q 'Probe PCI driver: net_' <<<"$out"; then
		echo "FAIL $name: a PMD got a device"
	else
		echo "PASS $name"
	fi
}

# Start-up memory (-m 64) past RLIMIT_MEMLOCK (16 MiB) with a device
# attached: the start-up mapping fails, and so does rte_eal_init(), saying
# the bytes needed, the limit and the fix.
memlock_init_check()
{
	WANT=("exceeds RLIMIT_MEMLOCK: " "bytes needed" "the limit is 16777216 bytes; to fix: raise the limit to at least"
		"CAP_IPC_LOCK" "nothing was mapped")
	init_fails memlock_init_fails prlimit --memlock=16777216 "${NO_IPC_LOCK[@]}" \
		"$TEST_APP" "${EAL[@]}" -a bus=iommufd,attach=$NIC0 -- ioas_memseg_dma_autotest
}

# The same limit with the NIC through the PCI bus: the start-up mapping is
# not pinned (no device yet), the gate refuses the NIC (pinning would pass
# the limit), saying so, and no PMD gets it.
memlock_pci_check()
{
	local out rc
	out=$(prlimit --memlock=16777216 "${NO_IPC_LOCK[@]}" "$TEST_APP" "${PCI_EAL[@]}" \
		--file-prefix=vmpci -a $NIC0 -- iommu_dump 2>&1)
	rc=$?
	echo "$out"
	if grep -q "$NIC0 is not given to a driver: attaching it to IOAS [0-9]* pins the [0-9]* bytes mapped there, and pinning [0-9]* more bytes exceeds RLIMIT_MEMLOCK: [0-9]* bytes needed .*the limit is 16777216 bytes; to fix: raise the limit to at least" <<<"$out" &&
	   ! grep -q 'Probe PCI driver: net_\|Getting a vfio_dev_fd' <<<"$out"; then
		echo "PASS memlock_pci_refused"
	else
		echo "FAIL memlock_pci_refused: the NIC was not refused with the RLIMIT_MEMLOCK message (exit $rc)"
	fi
}

# Every spelling of --iova-mode that EAL's getopt_long accepts, and one
# after 16 KiB of other arguments, reaches the plug-in: policy va cannot
# work in PA mode, so rte_eal_init() fails. In VA mode the same runs.
iova_mode_spellings_check()
{
	local long=() i out rc
	for i in $(seq 800); do
		long+=(--log-level=lib.eal:notice)
	done
	WANT=("policy va cannot work in EAL IOVA mode 'pa'")
	init_fails iova_mode_eq "$TEST_APP" "${EAL[@]}" --iova-mode=pa -a bus=iommufd,policy=va,attach=$NIC0 -- iommu_dump
	init_fails iova_mode_space "$TEST_APP" "${EAL[@]}" --iova-mode pa -a bus=iommufd,policy=va,attach=$NIC0 -- iommu_dump
	init_fails iova_mode_prefix "$TEST_APP" "${EAL[@]}" --iova=pa -a bus=iommufd,policy=va,attach=$NIC0 -- iommu_dump
	init_fails iova_mode_prefix_space "$TEST_APP" "${EAL[@]}" --iova pa -a bus=iommufd,policy=va,attach=$NIC0 -- iommu_dump
	init_fails iova_mode_long_argv "$TEST_APP" "${EAL[@]}" "${long[@]}" --iova-mode=pa \
		-a bus=iommufd,policy=va,attach=$NIC0 -- iommu_dump
	# Without shared config EAL skips the step the bus uses to fail
	# rte_eal_init(): it succeeds, but the log says so and the check fails.
	out=$("$TEST_APP" "${EAL[@]}" --no-shconf --iova=pa -a bus=iommufd,policy=va,attach=$NIC0 \
		-- ioas_check_fails_autotest 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 0 ] && grep -q '^PASS ioas_check_fails_autotest' <<<"$out" &&
	   grep -q "^IOMMUFD_BUS: DPDK memory is NOT DMA-able through IOAS [0-9]* (see above), and DPDK 22.11 gives the plug-in no way to fail rte_eal_init() without VFIO or with --no-shconf/--in-memory" <<<"$out"; then
		echo "PASS iova_mode_no_shconf_loud"
	else
		echo "FAIL iova_mode_no_shconf_loud: no loud message or the check passed (exit $rc)"
	fi
	out=$("$TEST_APP" "${EAL[@]}" --iova=va -a bus=iommufd,policy=va,attach=$NIC0 \
		-- ioas_memseg_dma_autotest 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 0 ] && grep -q '^PASS ioas_memseg_dma_autotest' <<<"$out"; then
		echo "PASS iova_mode_va_works"
	else
		echo "FAIL iova_mode_va_works: policy va under --iova=va did not work (exit $rc)"
	fi
}

# goes_on_check NAME MESSAGE ARGS...: with no device to DMA to it, DPDK
# memory that cannot be made DMA-able does not stop rte_eal_init(): the
# log says so (MESSAGE, and that it goes on) and rte_eal_iommu_check() fails.
goes_on_check()
{
	local name=$1 msg=$2 out rc
	shift 2
	out=$("$TEST_APP" "$@" -- ioas_check_fails_autotest 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 0 ] && grep -q '^PASS ioas_check_fails_autotest' <<<"$out" &&
	   grep -qF -- "$msg" <<<"$out" &&
	   grep -q "with no device attached or allowed yet: rte_eal_init() goes on" <<<"$out"; then
		echo "PASS $name"
	else
		echo "FAIL $name: rte_eal_init() stopped, or no message, or the check passed (exit $rc)"
	fi
}

# --iova-mode=va with DPDK memory above the 39-bit aperture: only found
# once memory exists (probe), and rte_eal_init() fails there.
iova_mode_va_outside_check()
{
	WANT=("cannot map DPDK memory with policy va" "lie outside the valid IOVA ranges" "0x7fffffffff]"
		"--base-virtaddr")
	init_fails eal_init_refuses_va_mode "$TEST_APP" "${EAL[@]}" --iova-mode=va \
		--base-virtaddr=0x8000000000 -a bus=iommufd,attach=$NIC0 -- ioas_memseg_dma_autotest
}

# Start the "serve" fixture as a primary with file prefix $1, further
# environment and EAL arguments after it; sets serve_pid and serve_stop.
serve_start()
{
	local prefix=$1 i
	shift
	serve_stop=$VM_OUT/$prefix.stop
	rm -f "$serve_stop"
	env IOMMU_TEST_STOP_FILE="$serve_stop" "$@" --file-prefix=$prefix -- serve \
		> "$CASE_LOG_DIR/$prefix-primary.log" 2>&1 &
	serve_pid=$!
	for i in $(seq 600); do
		grep -q '^READY' "$CASE_LOG_DIR/$prefix-primary.log" && return 0
		kill -0 $serve_pid 2>/dev/null || break
		sleep 0.1
	done
	echo "the primary did not get ready:"
	cat "$CASE_LOG_DIR/$prefix-primary.log"
	return 1
}

serve_end()
{
	touch "$serve_stop"
	wait $serve_pid || echo "FAIL ${1}_primary: exit code $?"
}

# /iommufd/* telemetry of a live process, read with DPDK's dpdk-telemetry.py.
telemetry_check()
{
	serve_start telemetry IOMMU_TEST_INJECT_FAULT=1 "$TEST_APP" "${EAL[@]}" ||
		{ echo "FAIL telemetry_check: no primary"; return 1; }
	/usr/bin/python3 "$DEVTOOLS_DIR/telemetry-check.py" \
		"$DPDK_PREFIX/bin/dpdk-telemetry.py" telemetry va
	serve_end telemetry
}

# A secondary shares the primary's IOAS (policy $1, more EAL args after).
mp_check()
{
	local policy=$1 map=$VM_OUT/mp-$1.map
	shift
	serve_start mp$policy IOMMU_TEST_MAP_FILE=$map "$TEST_APP" "${EAL[@]}" "${SANITIZE_EAL[@]}" "$@" ||
		{ echo "FAIL mp_secondary_autotest: no primary"; return 1; }
	IOMMU_TEST_MAP_FILE=$map "$TEST_APP" -l 1 --no-pci --proc-type=secondary \
		--file-prefix=mp$policy -d "$PLUGIN" -- mp_secondary_autotest
	serve_end mp$policy
}

# DPDK's own autotests (dpdk-test), each reporting "PASS test@policy".
# MODE plugin: the memory autotests with the plug-in given with -d and a
# device attached, under POLICY (more EAL arguments after it). Under
# window, mempool_autotest asserts that mempool IOVAs equal
# rte_mem_virt2iova() (app/test/test_mempool.c:121-122), which returns
# physical addresses in PA mode: it must fail exactly there.
STOCK_TESTS="memory_autotest memzone_autotest malloc_autotest mempool_autotest mbuf_autotest external_mem_autotest"
# MODE installed: the plug-in installed into DPDK's PMD directory
# (with_installed) and no -d, so the child processes the tests start load
# it as well, with the parent's devargs if any; the default policy needs
# none (the tests: INSTALLED_STOCK_TESTS, cases.sh; under another policy
# INSTALLED_POLICY_TESTS). EAL refuses -a with
# -b, and dpdk-test gives children the parent's -a: with devargs (any -a,
# the plug-in's or a device's), eal_flags_b_opt_autotest must fail exactly
# there. The NICs stay with their kernel driver: no child may take them.
# Under the sanitizers, the installation is the sanitizer build's
# (test.sh) and DPDK memory starts above ASan's shadow (SANITIZE_EAL).
stock_test()
{
	local mode=$1 policy=$2 t=$3 out rc children load=(-d "$PLUGIN") run=("${STOCK_ENV[@]}")
	shift 3
	[ $mode = installed ] && load=() run=(with_installed "${STOCK_ENV[@]}")
	out=$(DPDK_TEST=$t "${run[@]}" "$DPDK_PREFIX/bin/dpdk-test" -l 0-1 --no-pci \
		--file-prefix=stock$mode "${SANITIZE_EAL[@]}" "${load[@]}" "$@" 2>&1)
	rc=$?
	echo "$out"
	# Processes that got past EAL's option parsing and loaded the plug-in.
	children=$(grep -c "IOAS [0-9]* allocated on iommufd fd\|secondary process: using the primary's IOAS" <<<"$out")
	if ! grep -q "mapped [0-9]* DPDK memory segments in IOAS [0-9]* with policy $policy " <<<"$out"; then
		echo "FAIL $t@$policy: the plug-in did not map DPDK memory with policy $policy"
	elif [ $policy = window ] &&
	     ! grep -q 'librte_cryptodev.so.* calls rte_mem_virt2iova()' <<<"$out"; then
		echo "FAIL $t@$policy: no start-up warning about cryptodev (dpdk-test loads it) using rte_mem_virt2iova()"
	elif [ "$policy@$t" = window@mempool_autotest ]; then
		if [ $rc != 0 ] && grep -q '^test failed at test_mempool_basic():122$' <<<"$out"; then
			echo "PASS $t@$policy"
		else
			echo "FAIL $t@$policy: expected the documented failure at test_mempool.c:122 (exit $rc)"
		fi
	elif [ $t = eal_flags_b_opt_autotest ] && [ $# -gt 0 ]; then
		if [ $rc != 0 ] && grep -q "^EAL: Options allow (-a) and block (-b) can't be used at the same time" <<<"$out" &&
		   grep -q '^Error - process did not run ok with valid blocklist value' <<<"$out"; then
			echo "PASS $t@$policy"
		else
			echo "FAIL $t@$policy: expected EAL's refusal of -a with -b (exit $rc)"
		fi
	elif [ $mode = installed ] && [ $t != memory_autotest ] && [ "$children" -lt 2 ]; then
		echo "FAIL $t@$policy: no child process loaded the installed plug-in"
	elif [ $rc = 0 ] && grep -q '^Test OK' <<<"$out"; then
		echo "PASS $t@$policy"
	else
		echo "FAIL $t@$policy: exit $rc"
	fi
}

# stock_tests MODE POLICY [EAL args]: every test of the mode, each a case.
stock_tests()
{
	local mode=$1 policy=$2 t tests=$STOCK_TESTS
	shift 2
	if [ $mode = installed ]; then
		tests=$INSTALLED_STOCK_TESTS
		[ $policy = va ] || tests=$INSTALLED_POLICY_TESTS
	fi
	for t in $tests; do
		run_case "${mode/plugin/stock}_${t}_$policy" "$t@$policy" stock_test "$mode" "$policy" "$t" "$@"
	done
}

# A secondary given the bus's devargs uses the primary's IOAS (va): with
# the primary's policy silently, with another one saying it is ignored.
mp_devargs_check()
{
	local map=$VM_OUT/mp-devargs.map out rc policy
	serve_start mpdevargs IOMMU_TEST_MAP_FILE=$map "$TEST_APP" "${EAL[@]}" "${SANITIZE_EAL[@]}" ||
		{ echo "FAIL secondary_devargs: no primary"; return 1; }
	for policy in va window; do
		out=$(IOMMU_TEST_MAP_FILE=$map "$TEST_APP" -l 1 --no-pci --proc-type=secondary \
			--file-prefix=mpdevargs -d "$PLUGIN" -a bus=iommufd,policy=$policy \
			-- mp_secondary_autotest 2>&1)
		rc=$?
		echo "$out"
		if [ $rc != 0 ] || ! grep -q '^PASS mp_secondary_autotest' <<<"$out" ||
		   ! grep -q "secondary process: using the primary's IOAS" <<<"$out"; then
			echo "FAIL secondary_devargs_$policy: the secondary did not work through the primary's IOAS (exit $rc)"
		elif [ $policy = va ] && grep -q 'ignored' <<<"$out"; then
			echo "FAIL secondary_devargs_$policy: the primary's own policy reported as ignored"
		elif [ $policy = window ] &&
		     ! grep -q "secondary process: policy=window ignored: the primary's IOAS [0-9]* maps DPDK memory with policy va" <<<"$out"; then
			echo "FAIL secondary_devargs_$policy: no message that policy=window is ignored"
		else
			echo "PASS secondary_devargs_$policy"
		fi
	done
	serve_end mpdevargs
}

# The scratch installation the host tier made (devtools/install-check.sh).
# ioas_ping, built with pkg-config only: $1 names the variant (static: DPDK
# and the plug-in linked in; shared: EAL loads the installed plug-in from
# its PMD directory, no -d); both NICs through the PCI bus on the IOAS.
ioas_ping_check()
{
	local variant=$1 out rc
	shift
	out=$("$@" -l 0-1 -m 64 -a $NIC0 -a $NIC1 --file-prefix=ioasping \
		--log-level=lib.eal_iommu:info 2>&1)
	rc=$?
	echo "$out"
	if [ $rc != 0 ] || ! grep -q '^ioas_ping: OK$' <<<"$out"; then
		echo "FAIL ioas_ping_$variant: frames did not arrive intact (exit $rc)"
	elif ! grep -q 'mapped [0-9]* DPDK memory segments in IOAS [0-9]* with policy va ' <<<"$out" ||
	     [ "$(grep -c 'DMAs through IOAS' <<<"$out")" != 2 ] || grep -q 'IOMMU type' <<<"$out"; then
		echo "FAIL ioas_ping_$variant: DPDK memory or the NICs not on the IOAS"
	else
		echo "PASS ioas_ping_$variant"
	fi
}

# The PMD loaded before the plug-in (as EAL may load the PMD directory):
# the gate moves itself first and the NICs still DMA through the IOAS.
gate_first_check()
{
	local out
	out=$("$TEST_APP" -l 0-1 -m 64 -d "$(dpdk_pmd_dir)/librte_net_e1000.so" -d "$PLUGIN" \
		--log-level=lib.eal_iommu:debug --log-level=bus.iommufd:debug --file-prefix=vmpci \
		-a $NIC0 -a $NIC1 -- ethdev_payload_autotest 2>&1)
	echo "$out"
	if grep -q 'IOAS gate moved before [1-9][0-9]* PCI driver(s) registered earlier' <<<"$out"; then
		echo "PASS gate_first"
	else
		echo "FAIL gate_first: the e1000 PMD was not registered first, or the gate did not move"
	fi
}

# A process that has not exited by its deadline is hung: say where each
# of its threads is (kernel stack, system call, user stack), then kill it.
# hang_report PID WHAT
hang_report()
{
	local pid=$1 task
	echo "FAIL $2: process $pid still running: its threads:"
	grep -E 'MemFree|MemAvailable|Mlocked|HugePages_Free' /proc/meminfo
	for task in /proc/$pid/task/*; do
		echo "--- thread ${task##*/} $(cat $task/comm) state $(awk '{print $3}' $task/stat) in $(cat $task/wchan)"
		cat $task/stack $task/syscall 2>/dev/null
	done
	timeout 60 gdb -p $pid -batch -ex 'thread apply all bt' 2>&1 | grep -E '^(Thread|#)'
	kill -9 $pid
}

# Stock dpdk-testpmd on both NICs (the PCI bus's e1000 PMD, through the
# plug-in's IOAS), io forwarding started with --tx-first: case $1 under
# policy $2, more EAL arguments after them (and testpmd's own in
# TESTPMD_APP_ARGS). While it forwards, telemetry must list both NICs on
# the IOAS; the forward statistics at exit must show traffic on both ports.
# testpmd reads its standard input from the start, and quits when it
# closes after 30 s: one still running two minutes after the telemetry
# check is hung (hang_report).
TESTPMD=$DPDK_PREFIX/bin/dpdk-testpmd
testpmd_fwd_check()
{
	local name=$1 policy=$2 log=$CASE_LOG_DIR/$1-testpmd.log pid i
	shift 2
	(sleep 30) | "${STOCK_ENV[@]}" "$TESTPMD" -l 0-1 -m 64 -a $NIC0 -a $NIC1 --file-prefix=$name \
		-d "$PLUGIN" --log-level=lib.eal_iommu:info "$@" \
		-- --forward-mode=io --tx-first --nb-cores=1 ${TESTPMD_APP_ARGS:-} > "$log" 2>&1 &
	pid=$!
	# EAL logs to stderr unbuffered: the PCI devices are probed when this shows.
	for i in $(seq 600); do
		grep -q 'PCI device(s) attached' "$log" &&
			[ -S /var/run/dpdk/$name/dpdk_telemetry.v2 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	/usr/bin/python3 "$DEVTOOLS_DIR/telemetry-check.py" \
		"$DPDK_PREFIX/bin/dpdk-telemetry.py" $name --devices $NIC0 $NIC1
	for i in $(seq 1200); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		hang_report $pid testpmd_fwd
		wait $pid
		cat "$log"
		return
	fi
	wait $pid
	echo "testpmd exit code $?"
	cat "$log"
	if grep -q "mapped [0-9]* DPDK memory segments in IOAS [0-9]* with policy $policy " "$log"; then
		/usr/bin/python3 "$DEVTOOLS_DIR/testpmd-check.py" "$log" fwd testpmd_fwd $NIC0 $NIC1
	else
		echo "FAIL testpmd_fwd: DPDK memory not mapped with policy $policy"
	fi
}

# testpmd's own hot-plug commands: port 1 is detached while port 0 keeps
# transmitting, then attached again, and both forward.
testpmd_hotplug_check()
{
	local log=$CASE_LOG_DIR/testpmd-hotplug.log
	{
		sleep 8; echo "start tx_first"; sleep 4; echo "stop"
		echo "port stop 1"; sleep 1; echo "port close 1"; sleep 1
		echo "device detach $NIC1"; sleep 2
		echo "start tx_first"; sleep 4; echo "stop"
		echo "port attach $NIC1"; sleep 4; echo "port start 1"; sleep 6
		echo "start tx_first"; sleep 5; echo "stop"; sleep 1; echo "quit"
	} | "${STOCK_ENV[@]}" "$TESTPMD" -l 0-1 -m 64 -a $NIC0 -a $NIC1 --file-prefix=hotplug \
		-d "$PLUGIN" --log-level=lib.eal_iommu:info -- -i --nb-cores=1 \
		--forward-mode=io > "$log" 2>&1
	echo "testpmd exit code $?"
	cat "$log"
	/usr/bin/python3 "$DEVTOOLS_DIR/testpmd-check.py" "$log" hotplug testpmd_hotplug \
		$NIC0 $NIC1
}

# Two functions of one IOMMU group (vtd48's device behind a root port):
# the first (pci-testdev) goes to a driver whose probe fails, so EAL closes
# the group before the PCI bus probes the second (an e1000e on the hub).
# That one must be on the IOAS and carry payloads with NIC0
# (pci_multifunction_autotest). Without the re-check at admission it is
# not (the mutant trust_closed_group: its PMD gets no device fd).
MF0=0000:01:00.0
MF1=0000:01:00.1
pci_multifunction_check()
{
	local d
	bind_nic $MF0 && bind_nic $MF1 || return
	IOMMU_TEST_FAILED_FUNCTION=$MF0 "$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmmf \
		-d "$(dirname "$TEST_APP")/libtest_failing_pmd.so" \
		-a $MF0 -a $MF1 -a $NIC0 -- pci_multifunction_autotest
	# Back to the kernel's drivers: the slot is in no other case.
	for d in $MF1 $MF0; do
		echo > /sys/bus/pci/devices/$d/driver_override
		echo $d > /sys/bus/pci/drivers/vfio-pci/unbind
	done
	echo $MF1 > /sys/bus/pci/drivers_probe
}

# The NICs through the PCI bus and its stock PMD, in dpdk-test-iommu.
PCI_EAL_NO_MEM=(-l 0-1 -d "$PLUGIN" --log-level=lib.eal_iommu:debug)
PCI_EAL=("${PCI_EAL_NO_MEM[@]}" -m 64)
PCI_SWEEP_EAL=("${PCI_EAL_NO_MEM[@]}" -m 8) # as SWEEP_EAL

# A NIC given with attach= (the application's, through its cdev) and also
# allowed on the PCI bus: no PMD gets it, with a clear message, and the
# IOAS works on (its DMA test passes).
cdev_owner_check()
{
	local out rc
	out=$("$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a bus=iommufd,attach=$NIC0 \
		-a $NIC0 -- ioas_memseg_dma_autotest 2>&1)
	rc=$?
	echo "$out"
	if [ $rc != 0 ] || ! grep -q '^PASS ioas_memseg_dma_autotest' <<<"$out"; then
		echo "FAIL pci_cdev_one_owner: the IOAS did not work on (exit $rc)"
	elif ! grep -q "$NIC0 is attached to IOAS [0-9]* through its VFIO cdev (attach=): it is not given to a PCI driver as well" <<<"$out" ||
	     grep -q 'Probe PCI driver: net_' <<<"$out"; then
		echo "FAIL pci_cdev_one_owner: a PMD got the device, or no message"
	else
		echo "PASS pci_cdev_one_owner"
	fi
}

# pci= narrows which devices the PCI bus gives its drivers, all through the
# IOAS: EAL cannot run its legacy container beside them, so a vfio-pci NIC
# left out is refused with a message saying what to do, not half set up.
pci_narrow_check()
{
	local out rc
	out=$("$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a bus=iommufd,pci=$NIC0 \
		-a $NIC0 -a $NIC1 -- iommu_dump 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 0 ] && grep -q "$NIC0 (PCI driver, group [0-9]*)" <<<"$out" &&
	   ! grep -q "$NIC1 (PCI driver\|NOT on the IOAS\|Getting a vfio_dev_fd" <<<"$out" &&
	   grep -q "$NIC1: not in pci=, and EAL's legacy VFIO container cannot serve it beside devices on IOAS [0-9]*: add it to pci= or block it (-b)" <<<"$out"; then
		echo "PASS pci_narrowed"
	else
		echo "FAIL pci_narrowed: pci=$NIC0 did not keep $NIC1 out with the message (exit $rc)"
	fi
}

# Secondaries of a primary serving both ports (IOMMU_TEST_SERVE_PORTS),
# as operators start dpdk-proc-info or dpdk-pdump again and again: three
# one after another, then two at once (taking turns on the ports' queues),
# each sending and receiving known payloads through the primary's IOAS.
# The primary then checks that the VFIO files it had open (EAL's container
# and groups) are still the same, and carries payloads itself (serve).
# $1 names the DPDK (in the results); $2, if not empty, is the directory of
# the DPDK libraries every process runs on (Debian's packages,
# debian_dpdk_libs); the arguments after go to every process's EAL.
pci_mp_many_check()
{
	local tag=$1 libs=$2 prefix=mpmany$1 i pid pids=()
	shift 2
	[ -z "$libs" ] || local -x LD_LIBRARY_PATH=$libs:$LD_LIBRARY_PATH
	serve_start $prefix IOMMU_TEST_SERVE_PORTS=1 "$TEST_APP" "${PCI_EAL[@]}" \
		"${SANITIZE_EAL[@]}" "$@" -a $NIC0 -a $NIC1 ||
		{ echo "FAIL mp_primary_kept_$tag: no primary"; return 1; }
	for i in 1 2 3; do
		mp_secondary_run $prefix mp_secondary_${tag}_$i 1 "$@"
	done
	for i in 0 1; do
		IOMMU_TEST_PORTS_LOCK=$VM_OUT/$prefix.lock \
			mp_secondary_run $prefix mp_secondary_${tag}_both_$i $i "$@" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait $pid
	done
	touch "$serve_stop"
	wait $serve_pid
	i=$?
	cat "$CASE_LOG_DIR/$prefix-primary.log"
	if [ $i = 0 ] && grep -q "VFIO files are kept, its ports still carry known payloads" \
		"$CASE_LOG_DIR/$prefix-primary.log"; then
		echo "PASS mp_primary_kept_$tag"
	else
		echo "FAIL mp_primary_kept_$tag: the primary's VFIO state or ports did not survive its secondaries (exit $i)"
	fi
}

# mp_secondary_run PREFIX NAME LCORE EAL...: one secondary of primary
# PREFIX exchanging payloads on its ports; result line NAME.
mp_secondary_run()
{
	local prefix=$1 name=$2 lcore=$3 out rc
	shift 3
	out=$("$TEST_APP" -l $lcore --proc-type=secondary --file-prefix=$prefix -d "$PLUGIN" \
		--log-level=lib.eal_iommu:debug "$@" -a $NIC0 -a $NIC1 \
		-- ethdev_secondary_payload_autotest 2>&1)
	rc=$?
	echo "$out" > "$CASE_LOG_DIR/$name.log"
	if [ $rc = 0 ] && grep -q '^PASS ethdev_secondary_payload_autotest' <<<"$out" &&
	   ! grep -q 'outside IOAS' <<<"$out"; then
		echo "PASS $name"
	else
		echo "FAIL $name: exit $rc: $(grep -m1 -E 'Cannot|FAIL|outside IOAS' <<<"$out")"
	fi
}

# debian_dpdk_libs VERSION: the library directory of Debian's DPDK
# packages of VERSION (bootstrap.sh debian_dpdk); debian_dpdk_pmds: the
# EAL arguments loading its PMDs the tests use (its PMD directory,
# /usr/lib/.../dpdk/pmds-23.0, is not installed here).
debian_dpdk_libs()
{
	echo "$(debian_dpdk_dir "$1")/usr/lib/x86_64-linux-gnu"
}
debian_dpdk_pmds()
{
	local d
	d=$(debian_dpdk_libs "$1")
	echo "-d $d/librte_mempool_ring.so.23 -d $d/librte_net_e1000.so.23"
}

# On Debian's DPDK packages of VERSION: the plug-in runs there (the running
# release, checked), a process's NICs carry payloads through the IOAS, and
# secondaries work as on the project's build.
debian_dpdk_check()
{
	local v=$1 tag=$2 libs out rc
	libs=$(debian_dpdk_libs "$v")
	[ -f "$libs/librte_eal.so.23" ] ||
		{ echo "FAIL debian_payload_$tag: no Debian DPDK $v in $libs (bootstrap.sh debian_dpdk)"; return 1; }
	out=$(LD_LIBRARY_PATH=$libs:$LD_LIBRARY_PATH "$TEST_APP" "${PCI_EAL[@]}" \
		--file-prefix=deb$tag $(debian_dpdk_pmds "$v") -a $NIC0 -a $NIC1 \
		-- ethdev_payload_autotest 2>&1)
	rc=$?
	echo "$out"
	# The EAL that ran is Debian's of that release, not the project's.
	if [ $rc = 0 ] && grep -q '^PASS ethdev_payload_autotest' <<<"$out" &&
	   grep -q "^IOMMUFD_BUS: running on DPDK ${v%%-*} " <<<"$out"; then
		echo "PASS debian_payload_$tag"
	else
		echo "FAIL debian_payload_$tag: exit $rc, or not on Debian's DPDK ${v%%-*}"
	fi
	pci_mp_many_check $tag "$libs" $(debian_dpdk_pmds "$v")
	# The project's testpmd on those libraries too, forwarding both ways.
	local -x LD_LIBRARY_PATH=$libs:$LD_LIBRARY_PATH
	testpmd_fwd_check deb${tag}fwd va $(debian_dpdk_pmds "$v")
	if grep -q "^IOMMUFD_BUS: running on DPDK ${v%%-*} " "$CASE_LOG_DIR/deb${tag}fwd-testpmd.log"; then
		echo "PASS testpmd_on_debian_$tag"
	else
		echo "FAIL testpmd_on_debian_$tag: testpmd did not run on Debian's DPDK ${v%%-*}"
	fi
}

# with_fake_pci_devices N COMMAND...: COMMAND sees N made-up PCI devices
# in /sys/bus/pci/devices (a tmpfs over it in a private mount namespace):
# device i (0000:80:00.0 on, as pci_expect_many_autotest names them) in
# IOMMU group 1000 + i, reserving 4 KiB at 0xfe000000000 + i MiB.
with_fake_pci_devices()
{
	local n=$1
	shift
	unshare --mount --propagation private sh -c '
		n=$1; shift
		d=/sys/bus/pci/devices
		mount -t tmpfs none $d || exit 1
		i=0
		while [ $i -lt $n ]; do
			name=$(printf "0000:%02x:%02x.%x" $((0x80 + i / 256)) $((i / 8 % 32)) $((i % 8)))
			g=$d/.groups/$((1000 + i))
			mkdir -p $g $d/$name || exit 1
			printf "0x%016x 0x%016x reserved\n" $((0xfe000000000 + (i << 20))) \
				$((0xfe000000000 + (i << 20) + 0xfff)) > $g/reserved_regions
			ln -s $g $d/$name/iommu_group
			i=$((i + 1))
		done
		exec "$@"' sh "$n" "$@"
}

# ioas_memseg_dma_autotest with the device attached by devargs, expecting a policy.
policy_case()
{
	local name=$1 expect=$2
	shift 2
	run_case "$name" ioas_memseg_dma_autotest env IOMMU_TEST_EXPECT_POLICY=$expect \
		"$TEST_APP" "${EAL[@]}" "$@" -- ioas_memseg_dma_autotest
}

# vfio_cdev_attach_autotest, then DMA with the device attached.
cdev_tests()
{
	run_case "$profile"_cdev "vfio_cdev_attach_autotest ioas_memseg_dma_autotest" \
		env IOMMU_TEST_PCI_DEV=$NIC0 IOMMU_TEST_APERTURE_BITS=$1 \
		"$TEST_APP" "${EAL[@]}" -- vfio_cdev_attach_autotest ioas_memseg_dma_autotest
}

case "$profile" in
mock)
	run_case mock_dma ioas_memseg_dma_autotest \
		"$TEST_APP" "${EAL[@]}" -- ioas_memseg_dma_autotest
	run_case mock_aperture "ioas_aperture_refusal_autotest ioas_memseg_dma_autotest" \
		"$TEST_APP" "${EAL[@]}" -- ioas_aperture_refusal_autotest ioas_memseg_dma_autotest
	run_case mock_rollback ioas_map_rollback_autotest \
		"$TEST_APP" "${EAL[@]}" -- ioas_map_rollback_autotest
	run_case mock_protect ioas_protect_autotest \
		"$TEST_APP" "${EAL[@]}" -- ioas_protect_autotest
	run_case mock_fault ioas_hotadd_fault_autotest \
		"$TEST_APP" "${EAL[@]}" -- ioas_hotadd_fault_autotest
	run_case mock_extmem extmem_dma_map_autotest \
		"$TEST_APP" "${EAL[@]}" -- extmem_dma_map_autotest
	run_case mock_extmem_scale extmem_heap_scale_autotest \
		"$TEST_APP" "${EAL[@]}" -- extmem_heap_scale_autotest
	run_case mock_app_buffer app_buffer_dma_autotest \
		"$TEST_APP" "${EAL[@]}" -- app_buffer_dma_autotest
	run_case mock_xlate_stress xlate_stress_autotest \
		"$TEST_APP" "${EAL[@]}" -- xlate_stress_autotest
	run_case mock_unmap_batch unmap_batch_autotest \
		"$TEST_APP" "${EAL[@]}" -- unmap_batch_autotest
	run_case mock_bad_input bad_input_autotest "$TEST_APP" "${EAL[@]}" -- bad_input_autotest
	memory_mode_cases
	run_case mock_startup_sweep startup_sweep startup_sweep_check
	run_case mock_teardown_sweep teardown_sweep teardown_sweep_check
	run_case mock_startup_sweep_kernel startup_sweep_kernel startup_sweep_check kernel
	run_case mock_teardown_sweep_kernel teardown_sweep_kernel teardown_sweep_check kernel
	run_case mock_pa_no_huge pa_no_huge_goes_on goes_on_check pa_no_huge_goes_on \
		"policy pa cannot work here" "${EAL[@]}" --no-huge -m 16 -a ioas,bus=iommufd,policy=pa
	permission_case devargs_iommufd_permission /dev/iommu \
		"-a bus=iommufd given, but /dev/iommu Permission denied" "${EAL[@]}" \
		-a bus=iommufd,policy=va
	run_case mock_fault_sweep fault_sweep_autotest \
		"$TEST_APP" "${SWEEP_EAL[@]}" -- fault_sweep_autotest
	run_case mock_telemetry telemetry_check telemetry_check
	run_case mock_mp_va mp_secondary_autotest mp_check va
	run_case mock_mp_legacy mp_secondary_autotest mp_check legacy --legacy-mem
	run_case mock_mp_window mp_secondary_autotest mp_check window \
		--iova-mode=pa -a bus=iommufd,policy=window
	run_case mock_mp_devargs "secondary_devargs_va secondary_devargs_window" mp_devargs_check
	run_case mock_fork fork_child_autotest "$TEST_APP" "${EAL[@]}" -- fork_child_autotest
	# Past the former fixed lists (64 devices expected, 256 counted).
	run_case mock_pci_expect_many pci_expect_many_autotest with_fake_pci_devices 300 \
		env IOMMU_TEST_FAKE_PCI=300 "$TEST_APP" "${EAL[@]}" -- pci_expect_many_autotest
	# EAL's name-first devargs forms (as it writes them back for children).
	run_case mock_name_first "ioas_memseg_dma_autotest eal_fd_order_autotest" \
		env IOMMU_TEST_EXPECT_POLICY=window "$TEST_APP" "${EAL[@]}" --iova-mode=pa \
		-a ioas,policy=window -- ioas_memseg_dma_autotest eal_fd_order_autotest
	run_case mock_name_first_bus "ioas_memseg_dma_autotest eal_fd_order_autotest" \
		env IOMMU_TEST_EXPECT_POLICY=pa "$TEST_APP" "${EAL[@]}" --iova-mode=pa \
		-a ioas,bus=iommufd,policy=pa -- ioas_memseg_dma_autotest eal_fd_order_autotest
	DEVARGS_EAL=("${EAL[@]}" --iova-mode=pa)
	devargs_case devargs_conflict_across "policy given twice, as pa and as window" \
		bus=iommufd,policy=pa bus=iommufd,policy=window
	devargs_case devargs_no_such_device "no PCI device 0000:00:1f.7 on this machine" \
		bus=iommufd,attach=0000:00:1f.7
	devargs_case devargs_two_owners "0000:00:1f.7 is given both with attach= (the application drives it through its cdev) and with pci=" \
		bus=iommufd,attach=0000:00:1f.7,pci=0000:00:1f.7
	stock_tests installed va
	stock_tests installed pa --iova-mode=pa -a bus=iommufd,policy=pa
	# Never silent: every segment of a heap growth fails, one line says so.
	run_case mock_fault_all ioas_hotadd_fault_all_autotest \
		"$TEST_APP" "${EAL[@]}" -- ioas_hotadd_fault_all_autotest
	for policy in pa window; do
		run_case mock_policy_$policy ioas_policy_mock_autotest \
			env IOMMU_TEST_POLICY=$policy \
			"$TEST_APP" "${EAL[@]}" --iova-mode=pa -- ioas_policy_mock_autotest
	done
	;;
vtd48)
	bind_nic $NIC0 && bind_nic $NIC1 || exit 1
	run_case nic_hub nic_hub_check nic_hub_check
	cdev_tests 48
	policy_case vtd48_auto va -a bus=iommufd,attach=$NIC0
	run_case vtd48_fd_order eal_fd_order_autotest \
		"$TEST_APP" "${EAL[@]}" -a bus=iommufd,attach=$NIC0 -- eal_fd_order_autotest
	permission_case devargs_cdev_permission \
		"/dev/vfio/devices/$(ls /sys/bus/pci/devices/$NIC0/vfio-dev)" \
		"for $NIC0: Permission denied; run as root or give this user read-write access to it" \
		"${EAL[@]}" -a bus=iommufd,attach=$NIC0
	run_case vtd48_bad_input bad_input_autotest env IOMMU_TEST_PCI_DEV=$NIC0 \
		"$TEST_APP" "${EAL[@]}" -- bad_input_autotest
	run_case vtd48_fault_sweep fault_sweep_autotest env IOMMU_TEST_PCI_DEV=$NIC0 \
		"$TEST_APP" "${SWEEP_EAL[@]}" -- fault_sweep_autotest
	# The PCI bus's hot-plug of a NIC with its stock PMD, swept the same way.
	run_case vtd48_fault_sweep_pci fault_sweep_autotest env IOMMU_TEST_PCI_HOTPLUG=$NIC1 \
		IOMMU_TEST_SWEEPS="pci_hotplug_detach pci_hotplug_attach" \
		"$TEST_APP" "${PCI_SWEEP_EAL[@]}" --file-prefix=vmsweep -a $NIC1 -- fault_sweep_autotest
	# Heap growth and shrink, cdev attach and detach, and lookups at once.
	run_case vtd48_stress stress_hotplug_autotest env IOMMU_TEST_PCI_DEV=$NIC0 \
		"$TEST_APP" --lcores '0@0,1@1,2@0,3@1' -m 16 --no-pci --file-prefix=vmtest \
		-d "$PLUGIN" --log-level=lib.eal_iommu:info -- stress_hotplug_autotest
	run_case vtd48_attach_protect vfio_attach_protect_autotest \
		env IOMMU_TEST_PCI_DEV=$NIC0 \
		"$TEST_APP" "${EAL[@]}" --base-virtaddr=0xf0000000 -- vfio_attach_protect_autotest
	run_case vtd48_pci_payload ethdev_payload_autotest \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	# A kernel without VFIO device cdevs: attach= is refused saying so; the
	# PCI bus's devices still DMA through the IOAS (their VFIO groups).
	run_case vtd48_nocdev_attach nocdev_attach_refused expect_init_failure nocdev_attach_refused \
		"$NIC0 is bound to vfio-pci but has no VFIO device cdev: use a kernel with CONFIG_VFIO_DEVICE_CDEV" \
		without_vfio_cdev $NIC0 "$TEST_APP" "${PCI_EAL[@]}" --no-pci --file-prefix=vmnocdev \
		-a bus=iommufd,attach=$NIC0 -- eal_fd_order_autotest
	run_case vtd48_nocdev_pci_payload ethdev_payload_autotest \
		without_vfio_cdev "$NIC0 $NIC1" "$TEST_APP" "${PCI_EAL[@]}" \
		--file-prefix=vmnocdev -a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	run_case vtd48_pci_failsafe pci_failsafe_autotest \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a $NIC0 -- pci_failsafe_autotest
	run_case vtd48_cdev_owner pci_cdev_one_owner cdev_owner_check
	run_case vtd48_pci_narrow pci_narrowed pci_narrow_check
	run_case vtd48_pci_dma_map pci_dma_map_autotest \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a $NIC0 -a $NIC1 -- pci_dma_map_autotest
	MP_RESULTS="mp_secondary_own_1 mp_secondary_own_2 mp_secondary_own_3 mp_secondary_own_both_0 mp_secondary_own_both_1 mp_primary_kept_own"
	run_case vtd48_pci_mp "$MP_RESULTS" pci_mp_many_check own ""
	# 4 KiB external memory (a heap, as testpmd --mp-alloc=xmem makes it):
	# the mbuf pool there, payloads checked byte for byte, under va and pa.
	run_case vtd48_xmem_payload ethdev_payload_autotest env IOMMU_TEST_POOL_XMEM=1 \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmxmem -a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	run_case vtd48_xmem_payload_pa ethdev_payload_autotest env IOMMU_TEST_POOL_XMEM=1 \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmxmem --iova-mode=pa -a bus=iommufd,policy=pa \
		-a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	# Stock testpmd forwarding from 4 KiB external memory (about 735 MB).
	TESTPMD_APP_ARGS=--mp-alloc=xmem run_case vtd48_testpmd_xmem \
		"telemetry_devices_check testpmd_fwd" testpmd_fwd_check fwdxmem va
	TESTPMD_APP_ARGS=--mp-alloc=xmem run_case vtd48_testpmd_xmem_pa \
		"telemetry_devices_check testpmd_fwd" testpmd_fwd_check fwdxmempa pa \
		--iova-mode=pa -a bus=iommufd,policy=pa
	# Debian's DPDK packages of two 22.11 releases (the VFIO requests of
	# secondaries are numbered differently before 22.11.11).
	run_case vtd48_debian_22_11_7 "debian_payload_deb7 ${MP_RESULTS//own/deb7} telemetry_devices_check testpmd_fwd testpmd_on_debian_deb7" \
		debian_dpdk_check 22.11.7-1~deb12u1 deb7
	run_case vtd48_debian_22_11_11 "debian_payload_deb11 ${MP_RESULTS//own/deb11} telemetry_devices_check testpmd_fwd testpmd_on_debian_deb11" \
		debian_dpdk_check 22.11.11-0+deb12u1 deb11
	run_case vtd48_testpmd "telemetry_devices_check testpmd_fwd" testpmd_fwd_check fwd48 va
	run_case vtd48_static_app ioas_ping_static ioas_ping_check static \
		"$INSTALL_DIR/example/ioas_ping-static"
	run_case vtd48_installed_app ioas_ping_shared ioas_ping_check shared \
		with_installed "$INSTALL_DIR/example/ioas_ping-shared"
	# The PMD loaded before the plug-in (as from the PMD directory, in
	# directory order): the gate still sees the NICs first.
	run_case vtd48_gate_first "gate_first ethdev_payload_autotest" gate_first_check
	run_case vtd48_pci_multifunction pci_multifunction_autotest pci_multifunction_check
	run_case vtd48_testpmd_hotplug testpmd_hotplug testpmd_hotplug_check
	# Never silent: memory past RLIMIT_MEMLOCK, the IOVA mode's spellings.
	run_case vtd48_memlock_init memlock_init_fails memlock_init_check
	run_case vtd48_memlock_pci memlock_pci_refused memlock_pci_check
	run_case vtd48_memlock_growth ioas_memlock_growth_autotest \
		prlimit --memlock=$((160 << 20)) "${NO_IPC_LOCK[@]}" \
		"$TEST_APP" "${EAL[@]}" -a bus=iommufd,attach=$NIC0 -- ioas_memlock_growth_autotest
	run_case vtd48_iova_mode_spellings "iova_mode_eq iova_mode_space iova_mode_prefix iova_mode_prefix_space iova_mode_long_argv iova_mode_no_shconf_loud iova_mode_va_works" \
		iova_mode_spellings_check
	stock_tests plugin va -a bus=iommufd,attach=$NIC0
	stock_tests plugin pa --iova-mode=pa -a bus=iommufd,attach=$NIC0
	stock_tests plugin window --iova-mode=pa -a bus=iommufd,policy=window,attach=$NIC0
	;;
vtd39)
	bind_nic $NIC0 || exit 1
	cdev_tests 39
	policy_case vtd39_auto_va va -a bus=iommufd,attach=$NIC0
	run_case vtd39_refuse_va eal_init_refuses_va eal_refuses_va_check
	run_case vtd39_refuse_va_mode eal_init_refuses_va_mode iova_mode_va_outside_check
	DEVARGS_EAL=("${EAL[@]}")
	devargs_case devargs_other_driver "0000:00:11.0 is bound to e1000e: bind it to vfio-pci" \
		bus=iommufd,attach=$NIC1
	policy_case vtd39_auto_pa pa --iova-mode=pa -a bus=iommufd,attach=$NIC0
	policy_case vtd39_window window --iova-mode=pa -a bus=iommufd,policy=window,attach=$NIC0
	# Both NICs through the PCI bus's PMD, on a 39-bit aperture.
	bind_nic $NIC1 || exit 1
	run_case vtd39_pci_payload ethdev_payload_autotest \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci -a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	run_case vtd39_pci_payload_window ethdev_payload_autotest \
		"$TEST_APP" "${PCI_EAL[@]}" --file-prefix=vmpci --iova-mode=pa -a bus=iommufd,policy=window \
		-a $NIC0 -a $NIC1 -- ethdev_payload_autotest
	run_case vtd39_testpmd_pa "telemetry_devices_check testpmd_fwd" \
		testpmd_fwd_check fwd39pa pa --iova-mode=pa
	run_case vtd39_testpmd_window "telemetry_devices_check testpmd_fwd" \
		testpmd_fwd_check fwd39win window --iova-mode=pa -a bus=iommufd,policy=window
	;;
*)
	echo "FAIL $profile/vm_tests: unknown profile"
	exit 1
	;;
esac
cases_selection_check
[ $case_failures = 0 ]
