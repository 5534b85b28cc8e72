#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs the project as a user would (meson install, default layout) into
# a scratch prefix, and builds the example application with pkg-config
# only, shared and --static. DPDK's PMD directory must not change for the
# other tests, so meson install runs with a stand-in mounted over it (a
# copy of DPDK's own drivers, see with_installed): what it
# installs there is what a user gets in the PMD directory. The VM tier runs
# the results against the kernel. One result line per check.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"
. "$DEVTOOLS_DIR/cases.sh"

pmd_dir=$(dpdk_pmd_dir)
prefix=$INSTALL_DIR/prefix
build=$INSTALL_DIR/build
export PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig

result()
{
	if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: $3"; fi
}

[ -n "$pmd_dir" ] && [ -d "$pmd_dir" ] || die "no PMD directory in DPDK's rte_build_config.h"
rm -rf "$INSTALL_DIR"
pmd_standin "$INSTALL_DIR/pmds" || die "cannot copy $pmd_dir"

meson setup "$build" "$REPO_DIR" --prefix="$prefix" -Dtests=false \
	-Dkernel_headers="$KERNEL_HEADERS" || die "meson setup failed"
ninja -C "$build" || die "build failed"
with_installed meson install -C "$build" --no-rebuild || die "meson install failed"

# The plug-in went into the PMD directory (the stand-in), nothing else did,
# and the real PMD directory is untouched.
plugin=$INSTALL_DIR/pmds/librte_bus_iommufd.so
extra=$(cd "$INSTALL_DIR/pmds" && ls | grep -v '^librte_bus_iommufd\.so' |
	grep -vxF -f <(ls "$pmd_dir"))
[ -f "$plugin" ] && [ -z "$extra" ] && [ ! -e "$pmd_dir/librte_bus_iommufd.so" ]
result $? install_pmd_dir "librte_bus_iommufd.so not installed into $pmd_dir alone (extra: $extra)"

# Library, headers and pkg-config files under the prefix; the plug-in finds
# the library through its run path.
libdir=$(meson_option "$build" libdir)
missing=
for f in "$libdir/librte_eal_iommu.so" "$libdir/librte_eal_iommu.a" \
	"$libdir/librte_bus_iommufd.a" "$libdir/pkgconfig/libdpdk-iommufd.pc" \
	include/rte_eal_iommu.h include/rte_eal_iommu_lookup.h; do
	[ -e "$prefix/$f" ] || missing+=" $f"
done
readelf -d "$plugin" | grep "R.*PATH.*\[$prefix/$libdir\]" > /dev/null || missing+=" (run path of the plug-in)"
[ -z "$missing" ]
result $? install_layout "missing under $prefix:$missing"

# EAL loads the installed plug-in with no -d: the application below, on a
# machine without /dev/iommu, finds no IOAS but EAL opened the plug-in.
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig:$DPDK_PREFIX/lib/pkgconfig
example=$INSTALL_DIR/example
# Linked with --no-as-needed first, as a toolchain without it by default
# would: libdpdk-iommufd.pc must not rely on the compiler's default.
make -C "$REPO_DIR/examples/ioas_ping" O="$example" LDFLAGS=-Wl,--no-as-needed > "$INSTALL_DIR/make.log" 2>&1
result $? pkgconfig_build "make with pkg-config failed: $(tail -n 5 "$INSTALL_DIR/make.log")"

shared=$example/ioas_ping-shared static=$example/ioas_ping-static
needed_shared=$(readelf -d "$shared" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
needed_static=$(readelf -d "$static" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
grep -qx 'librte_eal_iommu.so.0' <<<"$needed_shared" &&
	! grep -q 'librte_bus_iommufd' <<<"$needed_shared"
result $? pkgconfig_shared "ioas_ping-shared needs: $(echo $needed_shared)"
symbols=$(nm "$static" 2>/dev/null)
[ -x "$static" ] && ! grep -q '^librte_' <<<"$needed_static" &&
	grep -q ' T rte_eal_iommu_open$' <<<"$symbols" &&
	grep -q ' t iommufd_bus_scan$' <<<"$symbols"
result $? pkgconfig_static "ioas_ping-static is not one static DPDK application with the plug-in: needs $(echo $needed_static)"

# Where the prefix's library is not in the loader's path, as here, the
# application needs LD_LIBRARY_PATH (or ldconfig; with_installed sets it);
# the plug-in does not.
out=$(with_installed "$shared" --no-huge -m 64 --no-pci --no-shconf --log-level=lib.eal:debug 2>&1)
grep -q "open shared lib $pmd_dir/librte_bus_iommufd.so" <<<"$out" &&
	grep -q '^IOMMUFD_BUS: ' <<<"$out"
result $? installed_loads_without_d "EAL did not load the plug-in from $pmd_dir: $(grep -i 'shared lib\|iommufd' <<<"$out" | head -n 5)"
out=$(LD_LIBRARY_PATH=$prefix/$libdir:$LD_LIBRARY_PATH "$shared" --no-huge -m 64 --no-pci --no-shconf --log-level=lib.eal:debug 2>&1)
grep -q '^ioas_ping: no IOAS' <<<"$out" && grep -q "open shared lib $pmd_dir/librte_bus_pci" <<<"$out" &&
	! grep -q 'librte_bus_iommufd' <<<"$out"
result $? not_installed_elsewhere "the plug-in loads outside the scratch installation, or the application did not run: $(tail -n 3 <<<"$out")"
