# SPDX-License-Identifier: BSD-3-Clause
# Shared settings and helpers for the devtools scripts; source it, do not run it.

DEVTOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$DEVTOOLS_DIR")

DPDK_VERSION=22.11.11
DPDK_DEB_VERSION=22.11.11-0+deb12u1
DPDK_SUITE=bookworm
KERNEL_VERSION=6.12.107
KERNEL_DEB_VERSION=6.12.107-1
KERNEL_SUITE=trixie

# Builds are cached outside the repository, keyed by version and config hash.
CACHE_DIR=${DPDK_IOMMUFD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dpdk-iommufd}
SRC_DIR=$CACHE_DIR/src

# True when no directory from $1 up to / is writable by everyone: EAL's -d
# refuses plug-ins below such a directory (e.g. a clone under /tmp).
path_is_private()
{
	local d=$1
	while [ "$d" != / ]; do
		[ -z "$(find "$d" -maxdepth 0 -perm -o+w 2>/dev/null)" ] || return 1
		d=$(dirname "$d")
	done
}

# The project's own build directory (meson): build/ in the repository, or
# in the cache when the repository lies below a world-writable directory.
if [ -n "${DPDK_IOMMUFD_BUILD:-}" ]; then
	BUILD_DIR=$DPDK_IOMMUFD_BUILD
elif path_is_private "$REPO_DIR"; then
	BUILD_DIR=$REPO_DIR/build
else
	BUILD_DIR=$CACHE_DIR/build-$(echo "$REPO_DIR" | sha256sum | cut -c1-12)
fi

log()
{
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die()
{
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Print a short hash of stdin, used to key cache directories by configuration.
config_hash()
{
	sha256sum | cut -c1-12
}

# Every $2 seconds while this shell lives, log how long the step has run and
# the last line of log file $1 (e.g. ninja's [done/total]); run it with &.
heartbeat()
{
	local logfile=$1 every=$2 start=$SECONDS n=0 last
	while sleep 1 && kill -0 $$ 2>/dev/null; do
		n=$((n + 1))
		[ $((n % every)) = 0 ] || continue
		last=$(tail -n 1 "$logfile" 2>/dev/null | tr -d '\r' | cut -c1-60)
		log "  ... $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s: ${last:-no output yet} (log: $logfile)"
	done
}

# Run a long step with its output in a log file; show the tail if it fails.
# With DEVTOOLS_HEARTBEAT=S, a progress line every S seconds while it runs.
run_logged()
{
	local logfile=$1 hb="" rc=0
	shift
	if [ -n "${DEVTOOLS_HEARTBEAT:-}" ]; then
		heartbeat "$logfile" "$DEVTOOLS_HEARTBEAT" &
		hb=$!
	fi
	"$@" >"$logfile" 2>&1 || rc=$?
	if [ -n "$hb" ]; then
		kill "$hb" 2>/dev/null || true
		wait "$hb" 2>/dev/null || true
	fi
	if [ $rc != 0 ]; then
		tail -n 40 "$logfile" >&2
		die "command failed: $* (full log: $logfile)"
	fi
}

need_root()
{
	[ "$(id -u)" = 0 ] || die "$1 needs root (run as root or with sudo)"
}

# Hand PCI device $1 to vfio-pci (driver_override, unbind, probe); in the VM.
bind_vfio()
{
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev" ] || { echo "no PCI device $1" >&2; return 1; }
	echo vfio-pci > "$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$1" > "$dev/driver/unbind"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] ||
		{ echo "$1 did not bind to vfio-pci" >&2; return 1; }
}
