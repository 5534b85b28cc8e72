#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install and build everything the project needs, idempotently:
#   packages  Debian packages (only the missing ones)
#   sources   deb-src entries derived from the machine's own apt sources
#   dpdk      DPDK built from Debian's `dpdk` source package, cached
#   kernel    the test-VM kernel from Debian's `linux` source package, cached
#   project   this project, built with meson against the cached DPDK
#   debian_dpdk  Debian's binary DPDK packages of other 22.11 releases,
#             unpacked into the cache (the VM tier runs the plug-in on them)
#   sanitize  the same with ASan and UBSan (not by default: test.sh asks)
# With no argument every step but sanitize runs. A second run takes seconds.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

PACKAGES="build-essential g++ flex bison bc cpio libelf-dev libssl-dev dpkg-dev xz-utils
	meson ninja-build python3-pyelftools libnuma-dev pkg-config
	qemu-system-x86 pciutils python3-sphinx libbsd0 libfdt1 libpcap0.8"

SRC_LIST=/etc/apt/sources.list.d/dpdk-iommufd-src.sources

apt_updated=0
apt_update()
{
	if [ $apt_updated = 0 ]; then
		log "apt-get update"
		run_logged "$CACHE_DIR/apt-update.log" apt-get update
		apt_updated=1
	fi
}

step_packages()
{
	local missing="" p
	for p in $PACKAGES; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
			missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		log "packages: all present"
		return
	fi
	need_root "installing packages ($missing)"
	apt_update
	log "packages: installing$missing"
	DEBIAN_FRONTEND=noninteractive run_logged "$CACHE_DIR/apt-install.log" \
		apt-get install -y --no-install-recommends $missing
}

# Print "URIs|Signed-By" of the machine's main Debian archive entry, read from
# its own apt sources (deb822 or one-line format), so no host name is kept here.
archive_entry()
{
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$SRC_LIST" ] || continue
		awk -v codename="$1" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " codename " ") && uris != "")
					{ print uris "|" signed; found = 1; exit }
				types = suites = uris = signed = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
			/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
			/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
			/^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = $0 }
			END { if (!found) flush() }' "$f"
	done | head -n 1
	[ -f /etc/apt/sources.list ] &&
		awk -v codename="$1" '$1 == "deb" && $0 ~ (" " codename " ") {
			for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i "|"; exit } }' \
			/etc/apt/sources.list
	true
}

# True when apt knows source package $1 at version $2.
source_known()
{
	local versions
	versions=$(apt-cache showsrc "$1" 2>/dev/null | grep '^Version:' || true)
	grep -qx "Version: $2" <<<"$versions"
}

step_sources()
{
	if source_known dpdk "$DPDK_DEB_VERSION" && source_known linux "$KERNEL_DEB_VERSION"; then
		log "sources: dpdk $DPDK_DEB_VERSION and linux $KERNEL_DEB_VERSION are known to apt"
		return
	fi
	need_root "adding deb-src entries"
	local codename entry uris signed
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	entry=$(archive_entry "$codename")
	[ -n "$entry" ] || die "no 'deb' entry for suite $codename in /etc/apt/sources.list{,.d}: cannot derive deb-src entries"
	uris=${entry%%|*}
	signed=${entry#*|}
	log "sources: adding deb-src for $DPDK_SUITE $KERNEL_SUITE to $SRC_LIST"
	{
		echo "Types: deb-src"
		echo "URIs: $uris"
		echo "Suites: $DPDK_SUITE $KERNEL_SUITE"
		echo "Components: main"
		[ -z "$signed" ] || echo "Signed-By: $signed"
	} > "$SRC_LIST"
	apt_updated=0
	apt_update
	source_known dpdk "$DPDK_DEB_VERSION" ||
		die "apt does not know source package dpdk=$DPDK_DEB_VERSION after adding $SRC_LIST"
	source_known linux "$KERNEL_DEB_VERSION" ||
		die "apt does not know source package linux=$KERNEL_DEB_VERSION after adding $SRC_LIST"
}

# Download a source package's files into $SRC_DIR and unpack its orig tarball.
# $1 package, $2 Debian version, $3 upstream version, $4 directory to create
fetch_source()
{
	local pkg=$1 debver=$2 upver=$3 dir=$4 tarball top
	[ -f "$dir/.unpacked" ] && return
	mkdir -p "$SRC_DIR"
	tarball=$(ls "$SRC_DIR/${pkg}_${upver}.orig.tar."* 2>/dev/null | head -n 1 || true)
	if [ -z "$tarball" ]; then
		log "$pkg: downloading source package $pkg=$debver"
		(cd "$SRC_DIR" && run_logged "$CACHE_DIR/source-$pkg.log" \
			apt-get source --download-only "$pkg=$debver")
		tarball=$(ls "$SRC_DIR/${pkg}_${upver}.orig.tar."* | head -n 1)
	fi
	log "$pkg: unpacking $(basename "$tarball")"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" -xf "$tarball"
	top=$(ls "$dir.tmp")
	mv "$dir.tmp/$top" "$dir"
	rmdir "$dir.tmp"
	touch "$dir/.unpacked"
}

step_dpdk()
{
	if [ -f "$DPDK_PREFIX/.installed" ]; then
		log "dpdk: $DPDK_VERSION cached in $DPDK_PREFIX"
		return
	fi
	fetch_source dpdk "$DPDK_DEB_VERSION" "$DPDK_VERSION" "$DPDK_SRC"
	local build=$DPDK_PREFIX.build
	rm -rf "$build" "$DPDK_PREFIX"
	log "dpdk: configuring ($DPDK_MESON_OPTS)"
	run_logged "$CACHE_DIR/dpdk-configure.log" \
		meson setup "$build" "$DPDK_SRC" --prefix="$DPDK_PREFIX" $DPDK_MESON_OPTS
	log "dpdk: building (about 5 minutes on 2 cores; log: $CACHE_DIR/dpdk-build.log)"
	run_logged "$CACHE_DIR/dpdk-build.log" ninja -C "$build"
	run_logged "$CACHE_DIR/dpdk-install.log" meson install -C "$build"
	# Keep the apps the tests use next to the libraries.
	cp "$build/app/test/dpdk-test" "$DPDK_PREFIX/bin/"
	rm -rf "$build"
	touch "$DPDK_PREFIX/.installed"
	log "dpdk: installed into $DPDK_PREFIX"
	prune_cache "$CACHE_DIR/dpdk-$DPDK_VERSION-" "$DPDK_PREFIX"
}

step_kernel()
{
	if [ -f "$KERNEL_DIR/.built" ]; then
		log "kernel: $KERNEL_VERSION cached in $KERNEL_DIR"
		return
	fi
	fetch_source linux "$KERNEL_DEB_VERSION" "$KERNEL_VERSION" "$KERNEL_SRC"
	local obj=$KERNEL_DIR/obj line missing=""
	rm -rf "$KERNEL_DIR"
	mkdir -p "$obj"
	log "kernel: tinyconfig + devtools/kernel.config"
	run_logged "$CACHE_DIR/kernel-config.log" make -C "$KERNEL_SRC" O="$obj" tinyconfig
	run_logged "$CACHE_DIR/kernel-config.log" \
		"$KERNEL_SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$DEVTOOLS_DIR/kernel.config"
	run_logged "$CACHE_DIR/kernel-config.log" make -C "$KERNEL_SRC" O="$obj" olddefconfig
	while read -r line; do
		case "$line" in CONFIG_*) ;; *) continue ;; esac
		grep -qx "$line" "$obj/.config" || missing="$missing $line"
	done < "$DEVTOOLS_DIR/kernel.config"
	[ -z "$missing" ] || die "kernel config lost after olddefconfig:$missing (see $obj/.config)"
	log "kernel: building bzImage (about 4 minutes on 2 cores; log: $CACHE_DIR/kernel-build.log)"
	run_logged "$CACHE_DIR/kernel-build.log" make -C "$KERNEL_SRC" O="$obj" -j"$(nproc)" bzImage
	run_logged "$CACHE_DIR/kernel-headers.log" make -C "$KERNEL_SRC" O="$obj" headers
	cp "$obj/arch/x86/boot/bzImage" "$KERNEL_IMAGE"
	cp "$obj/.config" "$KERNEL_DIR/config"
	mkdir -p "$KERNEL_HEADERS"
	cp -r "$obj/usr/include/." "$KERNEL_HEADERS/"
	mkdir -p "$KERNEL_HEADERS/iommufd"
	cp "$KERNEL_SRC/drivers/iommu/iommufd/iommufd_test.h" "$KERNEL_HEADERS/iommufd/"
	rm -rf "$obj"
	touch "$KERNEL_DIR/.built"
	log "kernel: $KERNEL_IMAGE"
	prune_cache "$CACHE_DIR/linux-$KERNEL_VERSION-" "$KERNEL_DIR"
}

# Debian's DPDK packages at each of DEBIAN_DPDK_VERSIONS (paths.sh):
# downloaded (apt-get download of the exact versions) and unpacked with
# dpkg -x, never installed: the libraries live in the cache only.
step_debian_dpdk()
{
	local v dir p pkgs
	for v in $DEBIAN_DPDK_VERSIONS; do
		dir=$(debian_dpdk_dir "$v")
		if [ -f "$dir/.unpacked" ]; then
			log "debian_dpdk: $v cached in $dir"
			continue
		fi
		pkgs=""
		for p in $DEBIAN_DPDK_PACKAGES; do
			pkgs="$pkgs $p=$v"
		done
		apt-cache show librte-eal23="$v" > /dev/null 2>&1 || { apt_updated=0; apt_update; }
		apt-cache show librte-eal23="$v" > /dev/null 2>&1 ||
			die "apt knows no librte-eal23=$v: is this machine's suite (and its security updates) in its apt sources?"
		rm -rf "$dir" "$dir.debs"
		mkdir -p "$dir.debs"
		log "debian_dpdk: downloading Debian's DPDK $v packages"
		(cd "$dir.debs" && run_logged "$CACHE_DIR/debian-dpdk-download.log" \
			apt-get download $pkgs)
		for p in "$dir.debs"/*.deb; do
			dpkg -x "$p" "$dir"
		done
		rm -rf "$dir.debs"
		touch "$dir/.unpacked"
		log "debian_dpdk: $v unpacked into $dir"
	done
}

# Remove cached builds of $1 (a path prefix) other than $2: superseded configs.
prune_cache()
{
	local d
	for d in "$1"*; do
		[ -d "$d" ] && [ "$d" != "$2" ] && [ "$d" != "$2.build" ] || continue
		log "cache: removing superseded $(basename "$d")"
		rm -rf "$d"
	done
}

# build_project DIR OPTIONS...: configure (once per DPDK, kernel headers
# and options) and build the project in DIR.
build_project()
{
	local dir=$1 deps
	shift
	deps="$DPDK_PREFIX $KERNEL_HEADERS $*"
	[ -f "$DPDK_PREFIX/.installed" ] || die "DPDK is not built: run devtools/bootstrap.sh dpdk"
	[ -f "$KERNEL_DIR/.built" ] || die "kernel headers are missing: run devtools/bootstrap.sh kernel"
	# A build configured against another DPDK or kernel is started afresh.
	if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/.deps" 2>/dev/null)" != "$deps" ]; then
		log "project: DPDK, kernel headers or options changed: reconfiguring $dir"
		rm -rf "$dir"
	fi
	if [ ! -f "$dir/build.ninja" ]; then
		log "project: meson setup $dir"
		PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig run_logged "$CACHE_DIR/project-configure.log" \
			meson setup "$dir" "$REPO_DIR" -Dkernel_headers="$KERNEL_HEADERS" "$@"
		echo "$deps" > "$dir/.deps"
	fi
	log "project: ninja -C $dir"
	PKG_CONFIG_PATH=$DPDK_PREFIX/lib/pkgconfig ninja -C "$dir" >&2 ||
		die "project build failed"
}

step_project()
{
	build_project "$BUILD_DIR" $PROJECT_MESON_OPTS
}

# The same with AddressSanitizer and UndefinedBehaviorSanitizer (test.sh).
step_sanitize()
{
	build_project "$SANITIZE_BUILD_DIR" $PROJECT_MESON_OPTS $SANITIZE_MESON_OPTS
}

main()
{
	local steps="$*"
	[ -n "$steps" ] || steps="packages sources dpdk kernel project debian_dpdk"
	mkdir -p "$CACHE_DIR"
	path_is_private "$CACHE_DIR" ||
		die "cache $CACHE_DIR is below a world-writable directory, where EAL refuses to load drivers: set DPDK_IOMMUFD_CACHE to a private directory"
	for s in $steps; do
		case "$s" in
		packages|sources|dpdk|kernel|project|debian_dpdk|sanitize) "step_$s" ;;
		*) die "unknown step '$s' (packages sources dpdk kernel project debian_dpdk sanitize)" ;;
		esac
	done
}

main "$@"
