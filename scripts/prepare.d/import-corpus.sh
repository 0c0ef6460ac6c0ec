#!/usr/bin/env bash
# Fetches the import corpus (tests/import/corpus-packages.txt): each Debian package's systemd
# files, extracted with dpkg-deb into /var/cache/daemonize/corpus/PACKAGE_VERSION/. Keyed by
# version and cached outside the clone: a package already there is not downloaded again. The
# repository keeps only the list, never the packages' files.
#
# Skips (exit 0 with a message) when apt-get download fails (no network, a version gone from the
# mirror), unless CI=true, where that is a failure: the corpus test would otherwise skip.
# --refresh: rewrite the list with the versions `apt-cache policy` offers now.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
list=$root/tests/import/corpus-packages.txt
cache_root=${DAEMONIZE_CACHE:-/var/cache/daemonize}/corpus

if [ "${1:-}" = "--refresh" ]; then
  tmp=$(mktemp)
  grep '^#' "$list" >"$tmp"
  grep -v '^#' "$list" | while read -r package _; do
    [ -n "$package" ] || continue
    printf '%s %s\n' "$package" "$(apt-cache policy "$package" | awk '/Candidate:/ {print $2}')"
  done >>"$tmp"
  mv "$tmp" "$list"
  echo "prepare/import-corpus: $list refreshed" >&2
  exit 0
fi

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "prepare/import-corpus: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "prepare/import-corpus: skipped: $1; the corpus test will skip" >&2
  exit 0
}
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || unavailable "needs apt-get and dpkg-deb"
mkdir -p "$cache_root" 2>/dev/null || unavailable "cannot create $cache_root"

fetched=0
while read -r package version; do
  case "$package" in ''|'#'*) continue ;; esac
  target=$cache_root/${package}_$version
  [ -f "$target/.complete" ] && continue
  staging=$(mktemp -d "$cache_root/.${package}.XXXXXX")
  if ! (cd "$staging" && apt-get download "$package=$version" >"$staging.log" 2>&1); then
    # A stable release's mirror keeps only the newest security update: take the version it
    # offers now under the listed name (the test asserts the comparison, not the figures).
    if (cd "$staging" && apt-get download "$package" >>"$staging.log" 2>&1); then
      echo "prepare/import-corpus: $package=$version is gone from the mirror; fetched $(ls "$staging" | grep -m1 '\.deb$') instead (--refresh updates the list)" >&2
    else
      tail -n 3 "$staging.log" >&2
      rm -rf "$staging" "$staging.log"
      unavailable "apt-get download $package=$version failed (scripts/prepare.d/import-corpus.sh --refresh updates the list)"
    fi
  fi
  rm -f "$staging.log"
  mkdir -p "$staging/tree"
  dpkg-deb -x "$staging"/*.deb "$staging/tree"
  # Only the systemd files are kept: units, drop-ins, nothing else of the package.
  mkdir -p "$staging/keep"
  (cd "$staging/tree" && find . -path '*/systemd/*' \( -type f -o -type l \) -print0 |
    xargs -0 -r cp --parents -P -t "$staging/keep")
  touch "$staging/keep/.complete"
  rm -rf "$target"
  mv "$staging/keep" "$target"
  rm -rf "$staging"
  fetched=$((fetched + 1))
done <"$list"
[ "$fetched" -eq 0 ] || echo "prepare/import-corpus: fetched $fetched packages into $cache_root" >&2
