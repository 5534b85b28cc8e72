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
