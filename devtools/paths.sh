# SPDX-License-Identifier: BSD-3-Clause
# Cache paths of the builds, keyed by version and configuration hash; source it.

DPDK_DRIVERS=bus/pci,bus/vdev,mempool/ring,mempool/stack,net/e1000,net/virtio,net/null,net/ring
DPDK_MESON_OPTS="-Dlibdir=lib -Dbuildtype=debugoptimized -Ddefault_library=shared
	-Dplatform=generic -Denable_driver_sdk=true -Denable_drivers=$DPDK_DRIVERS
	-Dtests=true -Denable_apps=test-pmd -Denable_docs=false -Dexamples="
DPDK_MESON_OPTS=$(echo $DPDK_MESON_OPTS)
DPDK_SRC=$SRC_DIR/dpdk-$DPDK_VERSION
DPDK_PREFIX=$CACHE_DIR/dpdk-$DPDK_VERSION-$(echo "$DPDK_MESON_OPTS" | config_hash)

KERNEL_SRC=$SRC_DIR/linux-$KERNEL_VERSION
KERNEL_DIR=$CACHE_DIR/linux-$KERNEL_VERSION-$(cat "$DEVTOOLS_DIR/kernel.config" | config_hash)
KERNEL_IMAGE=$KERNEL_DIR/bzImage
KERNEL_HEADERS=$KERNEL_DIR/include

# The project's own builds (devtools, CI, mutants) check internal assertions.
PROJECT_MESON_OPTS="-Denable_asserts=true -Dfault_injection=true"

# A scratch installation of the project (devtools/install-check.sh makes it;
# the VM tier uses it): prefix, build, the example built with pkg-config,
# and a stand-in for DPDK's PMD directory (see with_installed, cases.sh).
INSTALL_DIR=$BUILD_DIR/install-test

# The sanitizer build (test.sh's sanitize cases): every error aborts.
SANITIZE_BUILD_DIR=$BUILD_DIR/sanitize
SANITIZE_MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=all"

# Debian's binary DPDK packages of two 22.11 releases (ABI 23), downloaded
# at these exact versions and unpacked, never installed (bootstrap.sh
# debian_dpdk): the VM tier runs the project's apps and plug-in on their
# libraries. The packages: what the project's binaries and testpmd load
# (their librte_* needs), the e1000 and ring PMDs; their own needs from
# this machine's suite (libbsd0, libfdt1, libpcap0.8) bootstrap.sh installs.
DEBIAN_DPDK_VERSIONS="22.11.7-1~deb12u1 22.11.11-0+deb12u1"
DEBIAN_DPDK_PACKAGES="librte-eal23 librte-kvargs23 librte-telemetry23 librte-ring23
	librte-mempool23 librte-mbuf23 librte-net23 librte-meter23 librte-ethdev23
	librte-pci23 librte-bus-pci23 librte-bus-vdev23 librte-mempool-ring23
	librte-net-e1000-23 librte-hash23 librte-rcu23 librte-cmdline23 librte-gro23
	librte-gso23 librte-ip-frag23 librte-pdump23 librte-pcapng23 librte-bpf23
	librte-bitratestats23 librte-latencystats23 librte-metrics23 librte-timer23"
# debian_dpdk_dir VERSION: where that version's packages are unpacked.
debian_dpdk_dir()
{
	echo "$CACHE_DIR/debian-dpdk-$1-$(echo "$DEBIAN_DPDK_PACKAGES" | config_hash)"
}
