#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: a DPDK process with the iommufd plug-in loaded maps all DPDK
# memory into one IOAS, attaches a NIC through its VFIO cdev, and prints the
# IOAS, its valid IOVA ranges and its mappings; then stock dpdk-testpmd
# forwards packets between two NICs whose PMD DMAs through the IOAS. Runs on this machine when it
# has a usable /dev/iommu (attaching the vfio-pci device IOMMU_DEMO_PCI_DEV
# names, if any); otherwise in the test VM (emulated VT-d, 48-bit).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Inside the VM the root is read-only: everything is built already.
[ "${1:-}" = --in-vm ] || "$DEVTOOLS_DIR/bootstrap.sh" || die "bootstrap failed"
. "$DEVTOOLS_DIR/paths.sh"
CASE_LOG_DIR=/dev/null
. "$DEVTOOLS_DIR/cases.sh"

EAL=(-l 0 --no-pci -m 32 --file-prefix=iommufd-demo -d "$PLUGIN")

if [ "${1:-}" = --in-vm ]; then
	bind_vfio "$IOMMU_TEST_PCI_DEV" || die "cannot bind $IOMMU_TEST_PCI_DEV to vfio-pci"
	echo "== test VM: $(uname -r), $IOMMU_TEST_PCI_DEV (e1000e) bound to vfio-pci"
	echo "== 1. default policy (auto: IOVA = VA); the NIC attached at run time"
	"$TEST_APP" "${EAL[@]}" -- iommu_dump || exit 1
	echo
	echo "== 2. -a bus=iommufd,policy=window,attach=$IOMMU_TEST_PCI_DEV --iova-mode=pa:"
	echo "==    the NIC attached at start-up, one compact IOVA window per memory list"
	IOMMU_TEST_PCI_DEV= "$TEST_APP" "${EAL[@]}" --iova-mode=pa \
		-a bus=iommufd,policy=window,attach=$IOMMU_TEST_PCI_DEV -- iommu_dump || exit 1
	echo
	bind_vfio "$IOMMU_TEST_PCI_DEV2" || die "cannot bind $IOMMU_TEST_PCI_DEV2 to vfio-pci"
	echo "== 3. stock dpdk-testpmd on $IOMMU_TEST_PCI_DEV and $IOMMU_TEST_PCI_DEV2 (e1000 PMD,"
	echo "==    one wire): the PCI bus's devices DMA through the IOAS, io forwarding"
	(sleep 15) | "$DPDK_PREFIX/bin/dpdk-testpmd" -l 0-1 -m 64 \
		-a "$IOMMU_TEST_PCI_DEV" -a "$IOMMU_TEST_PCI_DEV2" --file-prefix=iommufd-demo-fwd \
		-d "$PLUGIN" -- --forward-mode=io --tx-first --nb-cores=1 2>&1 |
		grep -E 'DMAs through IOAS|as predicted|IOMMU type|Forward statistics|RX-packets|TX-packets|IOAS [0-9]+ closed|left IOAS' |
		awk '/Accumulated/ { skip = 2; next } skip > 0 { skip--; next } { print }'
	exit "${PIPESTATUS[1]}"
fi

if [ -r /dev/iommu ] && [ -w /dev/iommu ]; then
	log "demo on this machine (/dev/iommu; device: ${IOMMU_DEMO_PCI_DEV:-none, set IOMMU_DEMO_PCI_DEV})"
	IOMMU_TEST_PCI_DEV=${IOMMU_DEMO_PCI_DEV:-} exec "$TEST_APP" "${EAL[@]}" -- iommu_dump
fi
log "no usable /dev/iommu here: running in the test VM"
IOMMU_TEST_PCI_DEV=0000:00:10.0 IOMMU_TEST_PCI_DEV2=0000:00:11.0 \
	exec "$DEVTOOLS_DIR/vm.sh" --profile vtd48 -- \
	"$DEVTOOLS_DIR/demo.sh" --in-vm
