#!/usr/bin/env bash
# Prepares a Wine prefix (wineboot --init, 20-60 s) once and caches it outside the clone, so the
# e2e-windows tests (tests/windows/wine_e2e.py) copy a fresh prefix per run in a few seconds
# instead of booting one. Keyed by the Wine version; idempotent and safe to run concurrently:
# the finished prefix is renamed into place, so a half-built one is never used.
#
# Skips (exit 0 with a message) when Wine is missing, unless CI=true, where that is a failure.
set -euo pipefail

cache_root=${DAEMONIZE_CACHE:-/var/cache/daemonize}

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "prepare/wine-prefix: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "prepare/wine-prefix: skipped: $1; the e2e-windows tests will boot their own prefix or skip" >&2
  exit 0
}

# Debian installs wine64 outside PATH.
wine64=$(command -v wine64 || true)
if [ -z "$wine64" ] && [ -x /usr/lib/wine/wine64 ]; then wine64=/usr/lib/wine/wine64; fi
wineserver=$(command -v wineserver || true)
[ -n "$wine64" ] || unavailable "wine64 is not installed (packages wine, wine64)"
[ -n "$wineserver" ] || unavailable "wineserver is not installed (package wine)"

# The same name tests/windows/wine_e2e.py looks for.
version=$("$wine64" --version 2>/dev/null | head -n1 | sed 's/[^A-Za-z0-9.~-]/_/g')
prefix=$cache_root/wine-prefix-$version
if [ -f "$prefix/system.reg" ]; then
  exit 0
fi

mkdir -p "$cache_root"
building=$(mktemp -d "$cache_root/.wine-prefix-building.XXXXXX")
trap 'WINEPREFIX="$building" "$wineserver" -k >/dev/null 2>&1 || true; rm -rf "$building"' EXIT
started=$(date +%s)
# mscoree/mshtml disabled: no Mono/Gecko download prompts; the tests need neither.
WINEPREFIX="$building" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
  "$wine64" wineboot --init >/dev/null 2>&1
WINEPREFIX="$building" "$wineserver" -w
if [ ! -f "$building/system.reg" ]; then
  echo "prepare/wine-prefix: wineboot did not create a prefix in $building" >&2
  exit 1
fi
if mv -T "$building" "$prefix" 2>/dev/null; then
  trap - EXIT
  echo "prepare/wine-prefix: cached $prefix in $(( $(date +%s) - started )) s"
else
  echo "prepare/wine-prefix: another run cached $prefix first"
fi
