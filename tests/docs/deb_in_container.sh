#!/usr/bin/env bash
# Installs the CPack .deb into the e2e container (Debian 12 booted with systemd-nspawn, see
# tests/e2e/lib.sh) with `dpkg -i` and runs `daemonize --version` and `validate` there.
#
# The container has no network (--private-network) and its minbase rootfs lacks the libraries the
# binary links (Boost 1.81, toml++, yaml-cpp; libasan8/libubsan1 in a sanitizer build). Their
# packages are fetched on the host with `apt-get download` — the .deb's own Depends, followed
# recursively, minus what the rootfs already has — cached in /var/cache/daemonize/debs-bookworm/,
# copied in and installed together with the package by one `dpkg -i`, so dpkg itself checks
# that the Depends computed by dpkg-shlibdeps are complete and installable.
# With DEPENDS_REGEX, the package's Depends must match it (a Release build: `libc6` alone).
# usage: deb_in_container.sh BUILD_DIR [DEPENDS_REGEX]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
source "$here/build_deb.sh"
source "$here/../e2e/lib.sh"
build_dir=$1
depends_regex=${2:-}
debs_cache=${DAEMONIZE_CACHE:-/var/cache/daemonize}/debs-bookworm

e2e_init
require_tool apt-get apt
require_tool dpkg-deb dpkg
mkdir -p "$E2E_WORK/deb"
build_deb "$build_dir" "$E2E_WORK/deb"
e2e_log "built $(basename "$DEB"); Depends: $(dpkg-deb -f "$DEB" Depends)"
if [ -n "$depends_regex" ] && ! [[ $(dpkg-deb -f "$DEB" Depends) =~ $depends_regex ]]; then
  fail "Depends '$(dpkg-deb -f "$DEB" Depends)' does not match '$depends_regex'"
fi

rootfs_admindir=$E2E_ROOT/var/lib/dpkg
installed_in_rootfs() {
  dpkg-query --admindir="$rootfs_admindir" -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
# Names from a Depends field, one alternative group per line: "a (>= 1) | b:any" -> "a b".
dependency_groups() {
  tr ',' '\n' <<<"$1" | sed -e 's/([^)]*)//g' -e 's/:[a-z0-9]*//g' -e 's/|/ /g' | awk 'NF'
}
# A virtual package (dpkg-shlibdeps writes e.g. libboost-regex1.81.0-icu72) -> the real package
# that provides it; a real package -> itself.
real_package() {
  local name=$1 info
  info=$(apt-cache showpkg "$name" 2>/dev/null)
  if [ -n "$(awk '/^Versions:/ {getline; print; exit}' <<<"$info")" ]; then
    echo "$name"
    return
  fi
  local provider
  provider=$(awk '/^Reverse Provides:/ {found = 1; next} found && NF {print $1; exit}' <<<"$info")
  echo "${provider:-$name}"
}
apt_updated=0
download() {  # NAME -> path of the cached .deb
  local name=$1 file
  file=$(ls "$debs_cache/${name}"_*.deb 2>/dev/null | head -n 1)
  if [ -z "$file" ]; then
    if ! (cd "$debs_cache" && apt-get download -qq "$name" >/dev/null 2>&1); then
      if [ $apt_updated = 0 ]; then
        apt_updated=1
        apt-get update -qq >/dev/null 2>&1
        (cd "$debs_cache" && apt-get download -qq "$name" >/dev/null 2>&1)
      fi
    fi
    file=$(ls "$debs_cache/${name}"_*.deb 2>/dev/null | head -n 1)
  fi
  [ -n "$file" ] || e2e_unavailable "cannot download the Debian package $name (apt-get download; no network?)"
  echo "$file"
}

mkdir -p "$debs_cache" "$E2E_ROOT/var/cache/daemonize-debs"
cp "$DEB" "$E2E_ROOT/var/cache/daemonize-debs/"
declare -A seen=()
queue=("$(dpkg-deb -f "$DEB" Depends)")
fetched=()
while ((${#queue[@]})); do
  field=${queue[0]}
  queue=("${queue[@]:1}")
  while read -r group; do
    satisfied=0
    resolved=()
    for name in $group; do
      name=$(real_package "$name")
      resolved+=("$name")
      if [ -n "${seen[$name]:-}" ] || installed_in_rootfs "$name"; then satisfied=1; break; fi
    done
    ((satisfied)) && continue
    name=${resolved[0]}
    seen[$name]=1
    file=$(download "$name") || exit $?
    fetched+=("$name")
    cp "$file" "$E2E_ROOT/var/cache/daemonize-debs/"
    queue+=("$(dpkg-deb -f "$file" Pre-Depends), $(dpkg-deb -f "$file" Depends)")
  done < <(dependency_groups "$field")
done
e2e_log "dependencies the rootfs lacked: ${fetched[*]:-none}"

e2e_boot
output=$(e2e_run sh -c 'dpkg -i /var/cache/daemonize-debs/*.deb' 2>&1) || fail "dpkg -i in the container failed:
$output"
status=$(e2e_run dpkg-query -W -f='${Status} ${Version}' daemonize)
[ "$status" = "install ok installed $(dpkg-deb -f "$DEB" Version)" ] || fail "dpkg reports daemonize as: $status"

expected_version=$("$build_dir/cli/daemonize" --version) || fail "the host binary's --version failed"
version=$(e2e_run daemonize --version 2>&1) || fail "daemonize --version in the container failed: $version"
[ "$version" = "$expected_version" ] || fail "container says '$version', expected '$expected_version'"
e2e_log "in the container: $(head -n 1 <<<"$version")"

for path in /usr/bin/daemonize /usr/share/man/man1/daemonize.1 /usr/share/bash-completion/completions/daemonize \
  /usr/share/zsh/vendor-completions/_daemonize /usr/share/doc/daemonize/manifest.md; do
  e2e_run test -f "$path" || fail "$path is not installed in the container"
done
result=$(e2e_run daemonize validate /usr/share/doc/daemonize/examples/web-api.toml 2>&1) ||
  fail "validate of the packaged example failed in the container: $result"

e2e_run dpkg -r daemonize >/dev/null 2>&1 || fail "dpkg -r daemonize failed"
e2e_run test -e /usr/bin/daemonize && fail "/usr/bin/daemonize is still there after dpkg -r"
e2e_pass "$(basename "$DEB") installs with dpkg -i in the booted Debian 12 container (+ ${#fetched[@]} library packages), runs --version and validate, and removes cleanly"
