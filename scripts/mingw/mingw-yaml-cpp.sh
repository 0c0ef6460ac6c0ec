#!/usr/bin/env bash
# Builds yaml-cpp (the kubernetes renderer's YAML emitter) for mingw-w64 from Debian's yaml-cpp
# source package, so the Windows build of daemonize.exe carries every renderer. About 30-60 s;
# cached outside the clone: /var/cache/daemonize/yaml-cpp-0.7-mingw-v1/{include,lib}.
# Idempotent and safe to run concurrently (the finished prefix is renamed into place).
# Skips (exit 0 with a message) when the mingw compiler is missing, unless CI=true (a failure).
set -euo pipefail

cache_root=${DAEMONIZE_CACHE:-/var/cache/daemonize}
prefix=$cache_root/yaml-cpp-0.7-mingw-v1
here=$(cd "$(dirname "$0")" && pwd)
toolchain=$(cd "$here/../.." && pwd)/cmake/toolchains/mingw-w64.cmake

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "prepare/mingw-yaml-cpp: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "prepare/mingw-yaml-cpp: skipped: $1" >&2
  exit 0
}

if [ -f "$prefix/.complete" ]; then
  exit 0
fi
command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
  unavailable "x86_64-w64-mingw32-g++-posix is missing (package g++-mingw-w64-x86-64)"
for tool in cmake ninja dpkg-source apt-get; do
  command -v "$tool" >/dev/null || unavailable "$tool is missing (packages cmake, ninja-build, dpkg-dev)"
done

mkdir -p "$cache_root"
started=$(date +%s)
building=$(mktemp -d "$cache_root/.yaml-cpp-mingw-building.XXXXXX")
trap 'rm -rf "$building"' EXIT

# The same private deb-src configuration as mingw-boost.sh (no change to the host's apt).
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
  grep -v security | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
apt_dir=$cache_root/apt-src-bookworm
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
echo "deb-src $mirror bookworm main" > "$apt_dir/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::Archives=$apt_dir/archives"
  -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none"
)
if [ -z "$(find "$apt_dir/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -n1)" ]; then
  apt-get "${apt_options[@]}" update -qq
fi
(cd "$building" && apt-get "${apt_options[@]}" source --download-only -qq yaml-cpp >/dev/null)
(cd "$building" && dpkg-source --no-check -x "$(ls yaml-cpp_*.dsc | head -n1)" src >/dev/null)

stage=$building/prefix
if ! cmake -S "$building/src" -B "$building/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_INSTALL_PREFIX="$stage" \
    -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF \
    -DYAML_BUILD_SHARED_LIBS=OFF >"$building/build.log" 2>&1 ||
  ! ninja -C "$building/build" -j"${DAEMONIZE_BUILD_JOBS:-2}" install >>"$building/build.log" 2>&1; then
  tail -n 30 "$building/build.log" >&2
  exit 1
fi
ls "$stage"/lib/libyaml-cpp.a >/dev/null
touch "$stage/.complete"
if mv -T "$stage" "$prefix" 2>/dev/null; then
  echo "prepare/mingw-yaml-cpp: cached $prefix in $(($(date +%s) - started)) s"
else
  echo "prepare/mingw-yaml-cpp: another run cached $prefix first"
fi
