#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run a command inside the test VM and pass its output and exit code back.
#
#   devtools/vm.sh [--profile P] [--timeout S] [--out DIR] [--mem GiB]
#                  [--hugepages N] -- command [args...]
#
# The VM boots the cached test kernel under qemu (TCG) with the host's / as
# its read-only root, so host binaries run unchanged; the command runs as
# root in the current directory. Variables named IOMMU_TEST_* and DPDK_TEST*
# are passed in. DIR (default: a fresh directory) is writable in the VM at
# $VM_OUT and keeps the job, its output, its exit code and the console log.
#
# Profiles: vtd48  emulated Intel VT-d, 48-bit aperture
#           vtd39  emulated Intel VT-d, 39-bit aperture (narrow, real-world)
#           mock   no IOMMU, so the kernel's iommufd mock domain works; RAM
#                  below 16 MiB is unused, so physical addresses of
#                  hugepages fit the mock aperture [16 MiB, 2 GiB)
# Every profile has two e1000e NICs on one hub (0000:00:10.0, 0000:00:11.0):
# what one sends, the other receives; vtd48 also has a two-function device
# in one IOMMU group (0000:01:00.0 pci-testdev, 0000:01:00.1 an e1000e on
# the same hub); by default 2 GiB of RAM with 256 2 MiB hugepages (--mem,
# --hugepages).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

profile=vtd48
timeout=600
out=""
mem_gb=2
hugepages=256

usage()
{
	sed -n '4,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--profile) profile=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--mem) mem_gb=$2; shift 2 ;;
	--hugepages) hugepages=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage

case "$profile" in
vtd48|vtd39)
	iommu=(-device "intel-iommu,intremap=on,caching-mode=on,aw-bits=${profile#vtd}")
	iommu_cmdline="intel_iommu=on iommu=nopt"
	# One TCG thread for both vCPUs: Debian's qemu 7.2, multi-threaded,
	# crashes (in memory_region_dispatch_write) or stalls a vCPU when a
	# device behind the emulated VT-d is reset and re-attached in a loop
	# while the other vCPU runs (stress_hotplug_autotest).
	tcg="tcg,thread=single"
	;;
mock)
	iommu=()
	tcg=tcg
	# Keep RAM below the mock aperture (16 MiB) unused, so physical
	# addresses of hugepages fit it, as the pa policy needs.
	iommu_cmdline='memmap=15M$0x100000'
	;;
*) die "unknown profile '$profile' (vtd48, vtd39, mock)" ;;
esac
# vtd48 only: two functions of one device in one IOMMU group, behind a
# PCIe root port (on the root bus Linux gives Intel's integrated endpoints
# groups of their own), both multifunction without ACS: qemu's
# pci-testdev (1b36:0005, 0000:01:00.0) and a third e1000e on the hub
# (0000:01:00.1).
multifunction=()
[ "$profile" = vtd48 ] && multifunction=(
	-device pcie-root-port,id=mfport,bus=pcie.0,addr=12.0,chassis=1
	-device pci-testdev,bus=mfport,addr=0.0,multifunction=on
	-netdev hubport,id=n2,hubid=0 -device e1000e,netdev=n2,bus=mfport,addr=0.1,multifunction=on)

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing: run devtools/bootstrap.sh packages"
[ -f "$KERNEL_IMAGE" ] ||
	die "no test kernel at $KERNEL_IMAGE: run devtools/bootstrap.sh kernel"

if [ -z "$out" ]; then
	mkdir -p "$CACHE_DIR/vm-runs"
	out=$(mktemp -d "$CACHE_DIR/vm-runs/run.XXXXXX")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/rc" "$out/output" "$out/console.log"

# The job: same directory, selected environment, then the command.
{
	echo "cd $(printf %q "$PWD") || exit 125"
	echo "export VM_OUT=/run/vmout VM_PROFILE=$profile"
	# HOME differs in the VM: pin the caches this host resolved.
	echo "export DPDK_IOMMUFD_CACHE=$(printf %q "$CACHE_DIR") DPDK_IOMMUFD_BUILD=$(printf %q "$BUILD_DIR")"
	for v in PATH LD_LIBRARY_PATH $(compgen -e | grep -E '^(IOMMU_TEST_|DPDK_TEST)' || true); do
		[ -n "${!v+x}" ] && echo "export $v=$(printf %q "${!v}")"
	done
	printf 'exec'
	printf ' %q' "$@"
	echo
} > "$out/job"

cmdline="console=ttyS0 root=hostroot rootfstype=9p"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro"
cmdline+=" init=$DEVTOOLS_DIR/vm-init.sh $iommu_cmdline"
cmdline+=" hugepagesz=2M hugepages=$hugepages panic=-1 quiet"

# At most two VMs at once on this machine (two cores, one TCG thread per
# VT-d VM): take a free slot, or wait for the first.
waited=0
while :; do
	for s in vm.lock vm.lock.1; do
		exec 9>"$CACHE_DIR/$s"
		flock -n 9 && break 2
	done
	[ $waited = 1 ] || log "vm.sh: two test VMs are running; waiting for one"
	waited=1
	sleep 1
done

set +e
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-machine q35,kernel-irqchip=split -accel "$tcg" -cpu max -smp 2 -m "${mem_gb}G" \
	"${iommu[@]}" \
	-vga none -display none -monitor none -no-reboot \
	-serial "file:$out/console.log" \
	-kernel "$KERNEL_IMAGE" -append "$cmdline" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" \
	-netdev hubport,id=n0,hubid=0 -device e1000e,netdev=n0,addr=10.0 \
	-netdev hubport,id=n1,hubid=0 -device e1000e,netdev=n1,addr=11.0 \
	"${multifunction[@]}" \
	> "$out/qemu.log" 2>&1
qemu_rc=$?
set -e

[ -f "$out/output" ] && cat "$out/output"
if [ ! -f "$out/rc" ]; then
	if [ $qemu_rc = 124 ]; then
		echo "vm.sh: the VM did not finish within ${timeout}s (--timeout)" >&2
	else
		echo "vm.sh: the VM stopped without an exit code (qemu exit $qemu_rc)" >&2
	fi
	echo "--- qemu ($out/qemu.log):" >&2
	tail -n 20 "$out/qemu.log" >&2
	echo "--- console ($out/console.log):" >&2
	tail -n 40 "$out/console.log" >&2
	exit 125
fi
exit "$(cat "$out/rc")"
