#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: a DPDK process with the iommufd plug-in loaded maps all DPDK
# memory into one IOAS, attaches a NIC through its VFIO cdev, and prints the
# IOAS, its valid IOVA ranges and its mappings; then stock dpdk-testpmd
# forwards packets between two NICs whose PMD DMAs through the IOAS, while
# the plug-in's telemetry is read. Ends with a summary: the IOAS, a map of
# its IOVA space (reserved holes, mappings), the devices, the packets
# forwarded and the VA -> IOVA lookup speed (measured on this machine).
# Runs on this machine when it has a usable /dev/iommu (attaching the
# vfio-pci device IOMMU_DEMO_PCI_DEV names, if any); otherwise in the test
# VM (emulated VT-d, 48-bit; DEMO_VM_TIMEOUT seconds at most, default 900).
#
#   devtools/demo.sh            the demo
#   devtools/demo.sh --in-vm    its part in the test VM (vm.sh runs it)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

PY=/usr/bin/python3
TELEMETRY_CMDS="/iommufd/info /iommufd/ranges /iommufd/maps /iommufd/stats /iommufd/devices"
FWD_PREFIX=iommufd-demo-fwd

[ -x $PY ] || die "$PY is missing (the demo's summary and DPDK's telemetry client need it): apt-get install python3"

load_paths()
{
	CASE_LOG_DIR=/dev/null
	. "$DEVTOOLS_DIR/cases.sh"
	EAL=(-l 0 --no-pci -m 32 --file-prefix=iommufd-demo -d "$PLUGIN")
}

bind_or_die()
{
	bind_vfio "$1" || die "cannot bind $1 to vfio-pci (why: the line above). In the test VM, \
the kernel needs CONFIG_VFIO_PCI=y (devtools/kernel.config; then devtools/bootstrap.sh kernel); \
on a machine of your own: modprobe vfio-pci, and pick a NIC nothing else uses"
}

# Step 3: testpmd forwards for about 10 s, its telemetry read meanwhile;
# its stdin ends (which stops it) only then, however long its start takes.
# Leaves testpmd.log and telemetry.out in directory $1.
testpmd_step()
{
	local log=$1/testpmd.log tel=$1/telemetry.out pid i rc=0 stop
	stop=$(mktemp -u "${TMPDIR:-/tmp}/demo-stop.XXXXXX")
	rm -f "$tel"
	# Line-buffered, so "Press enter to exit" shows when it is printed.
	for i in $(seq 3000); do [ -e "$stop" ] && break; sleep 0.1; done |
		stdbuf -oL "$DPDK_PREFIX/bin/dpdk-testpmd" -l 0-1 -m 64 \
		-a "$IOMMU_TEST_PCI_DEV" -a "$IOMMU_TEST_PCI_DEV2" --file-prefix=$FWD_PREFIX \
		-d "$PLUGIN" -- --forward-mode=io --tx-first --nb-cores=1 > "$log" 2>&1 &
	pid=$!
	# Forwarding runs once testpmd waits for enter; then ask the telemetry.
	for i in $(seq 1800); do
		grep -q '^Press enter to exit' "$log" &&
			[ -S /var/run/dpdk/$FWD_PREFIX/dpdk_telemetry.v2 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		sleep 5
		echo "==    (reading the /iommufd/* telemetry while it forwards)"
		tr ' ' '\n' <<<"$TELEMETRY_CMDS" |
			$PY "$DPDK_PREFIX/bin/dpdk-telemetry.py" -f $FWD_PREFIX > "$tel" 2>&1 ||
			echo "the telemetry query failed: $tel"
		sleep 5
	else
		echo "testpmd did not start forwarding"
	fi
	touch "$stop"
	wait $pid || rc=$?
	grep -E 'DMAs through IOAS|as predicted|IOMMU type|Forward statistics|Accumulated|RX-packets|TX-packets|IOAS [0-9]+ closed|left IOAS' "$log" |
		awk '/Accumulated/ { skip = 2; next } skip > 0 { skip--; next } { print }'
	if [ $rc != 0 ]; then
		echo "testpmd failed (exit $rc); its output:"
		tail -n 30 "$log"
		echo "what to do: the EAL or IOMMUFD lines above say why; the full log is $log"
	fi
	rm -f "$stop"
	return $rc
}

# The part that needs /dev/iommu and two vfio-pci NICs on one wire.
in_vm()
{
	[ "$(id -u)" = 0 ] || die "--in-vm binds NICs to vfio-pci, which needs root; for the demo run devtools/demo.sh (it starts the test VM)"
	[ -e /dev/iommu ] || die "no /dev/iommu here: --in-vm is the part that runs in the test VM; run devtools/demo.sh"
	: "${IOMMU_TEST_PCI_DEV:?set IOMMU_TEST_PCI_DEV and IOMMU_TEST_PCI_DEV2 to two NICs on one wire (devtools/demo.sh does for the test VM)}"
	: "${IOMMU_TEST_PCI_DEV2:?set IOMMU_TEST_PCI_DEV2 to a second NIC on the same wire}"
	local dir=${VM_OUT:-}
	[ -n "$dir" ] || dir=$(mktemp -d)
	load_paths
	bind_or_die "$IOMMU_TEST_PCI_DEV"
	echo "== test VM: $(uname -r), $IOMMU_TEST_PCI_DEV (e1000e) bound to vfio-pci"
	echo "== 1. default policy (auto: IOVA = VA); the NIC attached at run time"
	"$TEST_APP" "${EAL[@]}" -- iommu_dump || exit 1
	echo
	echo "== 2. -a bus=iommufd,policy=window,attach=$IOMMU_TEST_PCI_DEV --iova-mode=pa:"
	echo "==    the NIC attached at start-up, one compact IOVA window per memory list"
	IOMMU_TEST_PCI_DEV= "$TEST_APP" "${EAL[@]}" --iova-mode=pa \
		-a bus=iommufd,policy=window,attach=$IOMMU_TEST_PCI_DEV -- iommu_dump || exit 1
	echo
	bind_or_die "$IOMMU_TEST_PCI_DEV2"
	echo "== 3. stock dpdk-testpmd on $IOMMU_TEST_PCI_DEV and $IOMMU_TEST_PCI_DEV2 (e1000 PMD,"
	echo "==    one wire): the PCI bus's devices DMA through the IOAS, io forwarding for 10 s"
	testpmd_step "$dir"
}

intro()
{
	local build=""
	[ -f "$DPDK_PREFIX/.installed" ] || build+=" and DPDK (about 5 minutes)"
	[ -f "$KERNEL_DIR/.built" ] || build+=" and the test kernel (about 4 minutes)"
	build=${build# and }
	cat <<-EOF
	dpdk-iommufd demo: DPDK's DMA memory in one iommufd IOAS (I/O address space).
	  0. build what is missing${build:+; this first time ${build}
	     into $CACHE_DIR, with a progress line every 30 s}
	  1. in a test VM (qemu TCG, emulated Intel VT-d, 48-bit; two e1000e NICs on one
	     wire; a few minutes): the IOAS with DPDK's memory mapped, a NIC attached
	  2. the same with policy=window in IOVA mode PA
	  3. stock dpdk-testpmd forwarding between the NICs through the IOAS, while the
	     plug-in's telemetry is read
	  4. on this machine: the VA -> IOVA lookup speed (about 10 s)
	  5. a summary: the IOAS, a map of its IOVA space, devices, packets, lookup speed
	EOF
	echo
}

# Print file $1 as it grows while process $2 runs; a line every 30 s of silence.
follow()
{
	local f=$1 pid=$2 off=0 size quiet=0 alive start=$SECONDS
	while :; do
		alive=0
		kill -0 "$pid" 2>/dev/null && alive=1
		size=$(stat -c %s "$f" 2>/dev/null || echo 0)
		if [ "$size" -gt "$off" ]; then
			tail -c +$((off + 1)) "$f" | head -c $((size - off)) || true
			off=$size
			quiet=0
		else
			quiet=$((quiet + 1))
			if [ $((quiet % 30)) = 0 ] && [ $alive = 1 ]; then
				if [ -f "$f" ]; then
					log "  ... the VM is working ($(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s so far; TCG is slow; console: $(dirname "$f")/console.log)"
				else
					log "  ... the VM has not started yet ($(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s; vm.sh waits while another test VM runs)"
				fi
			fi
		fi
		[ $alive = 1 ] || break
		sleep 1
	done
}

lookup_step()
{
	local dir=$1
	if [ "$(nproc)" -lt 2 ]; then
		echo "this machine has one core: the lookup benchmark needs two; skipped" > "$dir/lookup.log"
		return
	fi
	log "VA -> IOVA lookup speed on this machine, not in the VM, whose emulated clock is no measure (about 10 s)"
	# A test VM takes both cores: measure while none runs (vm.sh's lock).
	exec 8>"$CACHE_DIR/vm.lock"
	if ! flock -n 8; then
		log "  waiting (2 minutes at most) for another engineer's test VM, which would skew the timing"
		if flock -w 120 8; then
			log "  the test VM has finished: measuring"
		else
			echo "NOTE: a test VM was running meanwhile: these timings are pessimistic" > "$dir/lookup.note"
		fi
	fi
	"$DEVTOOLS_DIR/bench.sh" lookup > "$dir/lookup.log" 2>&1 ||
		log "the lookup benchmark failed (its output: $dir/lookup.log); the summary goes on without it"
	exec 8>&-
	[ ! -f "$dir/lookup.note" ] || cat "$dir/lookup.note" >> "$dir/lookup.log"
}

summary()
{
	local dir=$1
	echo
	echo "======================================== summary ========================================"
	$PY "$DEVTOOLS_DIR/iova-map.py" "$dir/telemetry.out" --testpmd "$dir/testpmd.log" \
		--lookup "$dir/lookup.log" || true
	echo
	echo "files: $dir (testpmd.log, telemetry.out, lookup.log, the VM's console.log)"
}

# The whole script is read before it runs (a function), so editing it meanwhile is harmless.
main()
{
	local dir vm_pid rc
	if [ "${1:-}" = --in-vm ]; then
		# Inside the VM the root is read-only: everything is built already.
		in_vm
		exit
	fi
	[ $# = 0 ] || die "usage: devtools/demo.sh (--in-vm is for the test VM)"

	intro
	DEVTOOLS_HEARTBEAT=30 "$DEVTOOLS_DIR/bootstrap.sh" ||
		die "the build failed: the lines above say why and what to do (logs: $CACHE_DIR/*.log)"
	load_paths

	if [ -r /dev/iommu ] && [ -w /dev/iommu ]; then
		log "demo on this machine (/dev/iommu; device: ${IOMMU_DEMO_PCI_DEV:-none, set IOMMU_DEMO_PCI_DEV})"
		if [ -n "${IOMMU_DEMO_PCI_DEV:-}" ] &&
		   [ "$(basename "$(readlink "/sys/bus/pci/devices/$IOMMU_DEMO_PCI_DEV/driver" 2>/dev/null)")" != vfio-pci ]; then
			die "IOMMU_DEMO_PCI_DEV=$IOMMU_DEMO_PCI_DEV is not bound to vfio-pci: bind it (as root: \
echo vfio-pci > /sys/bus/pci/devices/$IOMMU_DEMO_PCI_DEV/driver_override; \
echo $IOMMU_DEMO_PCI_DEV > /sys/bus/pci/devices/$IOMMU_DEMO_PCI_DEV/driver/unbind; \
echo $IOMMU_DEMO_PCI_DEV > /sys/bus/pci/drivers_probe), or unset it"
		fi
		IOMMU_TEST_PCI_DEV=${IOMMU_DEMO_PCI_DEV:-} "$TEST_APP" "${EAL[@]}" -- iommu_dump
		dir=$(mktemp -d)
		lookup_step "$dir"
		$PY "$DEVTOOLS_DIR/iova-map.py" --lookup "$dir/lookup.log"
		exit 0
	fi

	mkdir -p "$CACHE_DIR/vm-runs"
	dir=$(mktemp -d "$CACHE_DIR/vm-runs/demo.XXXXXX")
	log "no usable /dev/iommu here: steps 1 to 3 run in the test VM; its output follows as it comes"
	IOMMU_TEST_PCI_DEV=0000:00:10.0 IOMMU_TEST_PCI_DEV2=0000:00:11.0 \
		"$DEVTOOLS_DIR/vm.sh" --profile vtd48 --timeout "${DEMO_VM_TIMEOUT:-900}" --out "$dir" -- \
		"$DEVTOOLS_DIR/demo.sh" --in-vm > "$dir/vm.stdout" &
	vm_pid=$!
	follow "$dir/output" $vm_pid
	rc=0
	wait $vm_pid || rc=$?
	if [ $rc = 125 ]; then
		die "the test VM did not finish (the lines above show its console). Rerun devtools/demo.sh; \
on a busy machine give it longer: DEMO_VM_TIMEOUT=1800 devtools/demo.sh (files: $dir)"
	elif [ $rc != 0 ]; then
		echo "the demo failed in the VM (exit $rc): the lines above say where and what to do (files: $dir)" >&2
	fi
	lookup_step "$dir"
	summary "$dir"
	exit $rc
}

main "$@"
