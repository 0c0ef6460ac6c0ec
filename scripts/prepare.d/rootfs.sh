#!/usr/bin/env bash
# Builds the Debian 12 root file system the e2e tests boot with systemd-nspawn (tests/e2e/lib.sh):
# debootstrap minbase + systemd, systemd-sysv, dbus, procps (kill, ps, pgrep for tests). Cached
# outside the clone because it takes minutes and CI builds a fresh clone every run. Idempotent and
# safe to run concurrently: the finished tree is renamed into place, so a half-built rootfs is
# never used.
#
# Skips (exit 0 with a message) when not root or debootstrap is missing, unless CI=true, where
# that is a failure: the e2e tests would otherwise silently lose their container.
set -euo pipefail

version=v1
cache_root=${DAEMONIZE_CACHE:-/var/cache/daemonize}
rootfs=$cache_root/rootfs-bookworm-$version
marker=$rootfs/.daemonize-rootfs-complete

if [ -f "$marker" ]; then
  exit 0
fi

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "prepare/rootfs: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "prepare/rootfs: skipped: $1; the e2e tests will skip" >&2
  exit 0
}
[ "$(id -u)" -eq 0 ] || unavailable "needs root for debootstrap"
command -v debootstrap >/dev/null || unavailable "debootstrap is not installed (scripts/install-deps.sh)"

# The Debian mirror this host already uses (first URIs: line of the deb822 sources), so the
# build works wherever apt works.
mirror=""
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}

mkdir -p "$cache_root"
exec 9>"$cache_root/.rootfs-bookworm-$version.lock"
flock 9
[ -f "$marker" ] && exit 0  # another run finished it while we waited for the lock

staging=$(mktemp -d "$cache_root/.rootfs-bookworm-$version.staging.XXXXXX")
cleanup() { rm -rf --one-file-system "$staging"; }
trap cleanup EXIT

echo "prepare/rootfs: debootstrap bookworm from $mirror into $rootfs (takes a few minutes)" >&2
started=$(date +%s)
if ! debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps bookworm "$staging" \
    "$mirror" >"$staging.log" 2>&1; then
  tail -n 30 "$staging.log" >&2
  rm -f "$staging.log"
  echo "prepare/rootfs: debootstrap failed" >&2
  exit 1
fi
rm -f "$staging.log"

# Quiet, fast boots: no getty on the pipe console, no network wait, a fixed machine id.
rm -f "$staging/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
systemd-machine-id-setup --root="$staging" >/dev/null 2>&1 || true
echo "daemonize-e2e" >"$staging/etc/hostname"
# Keep apt caches out of the image.
rm -rf "$staging/var/cache/apt/archives/"*.deb "$staging/var/lib/apt/lists/"* 2>/dev/null || true

touch "$staging/.daemonize-rootfs-complete"
rm -rf --one-file-system "$rootfs"
mv "$staging" "$rootfs"
trap - EXIT
echo "prepare/rootfs: ready in $(($(date +%s) - started))s: $rootfs" >&2
