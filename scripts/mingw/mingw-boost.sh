#!/usr/bin/env bash
# Builds the compiled Boost libraries the Windows build links (Log without log_setup, Thread,
# Filesystem, JSON, and what they pull in: Atomic, Chrono, Container, Regex) for mingw-w64 from
# Debian's boost1.81 source package, the recipe of ../shared/design/verification.md. Run by
# scripts/prepare.d/mingw.sh; cached outside the clone, keyed by the Boost version and this
# recipe's version (v2: no IOStreams, no log_setup, which nothing links):
#   /var/cache/daemonize/boost-1.81-mingw-v2/{include,lib,lib/cmake}
# The mingw CMake build finds it with -DDAEMONIZE_MINGW_PREFIX=<that directory>.
#
# Idempotent and safe to run concurrently: the finished prefix is renamed into place, so a
# half-built one is never used. Needs no global apt change: the deb-src entry lives in a private
# apt configuration under the cache.
# Skips (exit 0 with a message) when the mingw compiler is missing, unless CI=true (a failure).
set -euo pipefail

cache_root=${DAEMONIZE_CACHE:-/var/cache/daemonize}
recipe=v2
prefix=$cache_root/boost-1.81-mingw-$recipe
jobs=${DAEMONIZE_BOOST_JOBS:-2}

unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "prepare/mingw-boost: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "prepare/mingw-boost: skipped: $1; the mingw build and the e2e-windows runtime tests will skip" >&2
  exit 0
}

if [ -f "$prefix/.complete" ]; then
  exit 0
fi

cxx=$(command -v x86_64-w64-mingw32-g++-posix || true)
[ -n "$cxx" ] || unavailable "x86_64-w64-mingw32-g++-posix is missing (package g++-mingw-w64-x86-64)"
for tool in bison dpkg-source apt-get; do
  command -v "$tool" >/dev/null || unavailable "$tool is missing (packages bison, dpkg-dev)"
done

mkdir -p "$cache_root"
started=$(date +%s)
building=$(mktemp -d "$cache_root/.boost-mingw-building.XXXXXX")
trap 'rm -rf "$building"' EXIT

# --- the source package, through a private apt configuration holding only a deb-src entry ---
# The URI is the one the host's own sources use (a mirror on CI machines stays a mirror).
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
  grep -v security | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+bookworm[[:space:]].*/\2/p' \
    /etc/apt/sources.list 2>/dev/null | head -n1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
apt_dir=$cache_root/apt-src-bookworm
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat > "$apt_dir/sources.list" <<EOF
deb-src $mirror bookworm main
EOF
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::Archives=$apt_dir/archives"
  -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none"
)
# Refresh the Sources index at most once a day.
if [ -z "$(find "$apt_dir/lists" -name '*Sources*' -mtime -1 2>/dev/null | head -n1)" ]; then
  apt-get "${apt_options[@]}" update -qq
fi
(cd "$building" && apt-get "${apt_options[@]}" source --download-only -qq boost1.81 >/dev/null)
dsc=$(ls "$building"/boost1.81_*.dsc | head -n1)
# dpkg-source applies Debian's patches too; signature checks are apt's job (already done).
(cd "$building" && dpkg-source --no-check -x "$dsc" src >/dev/null)
src=$building/src
echo "prepare/mingw-boost: source unpacked after $(($(date +%s) - started)) s"
# Boost.Log's settings parsers (boost_log_setup, Spirit-heavy, about a third of Log's compile
# time) are linked by nothing here: install boost_log only.
sed -i 's/^boost-install boost_log boost_log_setup ;$/boost-install boost_log ;/' \
  "$src/libs/log/build/Jamfile.v2"

# --- b2 itself: the Debian tarball lacks the generated Jam parser ---
engine=$src/tools/build/src/engine
if [ ! -f "$engine/jamgram.cpp" ]; then
  (cd "$engine" && bison -d -o jamgram.cpp jamgram.y)
fi
(cd "$src" && ./bootstrap.sh --with-toolset=gcc >"$building/bootstrap.log" 2>&1) || {
  tail -n 30 "$building/bootstrap.log" >&2
  exit 1
}

# --- the libraries, cross-compiled ---
cat > "$building/user-config.jam" <<EOF
using gcc : mingw : $cxx ;
EOF
stage=$building/prefix
b2_args=(
  --user-config="$building/user-config.jam"
  --prefix="$stage"
  --build-dir="$building/b2"
  -j"$jobs" -d0
  toolset=gcc-mingw target-os=windows threadapi=win32 address-model=64 architecture=x86
  variant=release link=static runtime-link=static
  # Boost.Log defaults to a Vista+ API subset; the watchdog targets Windows 10.
  define=BOOST_USE_WINAPI_VERSION=0x0A00 define=_WIN32_WINNT=0x0A00
  --with-log --with-thread --with-filesystem --with-json
  install
)
if ! (cd "$src" && ./b2 "${b2_args[@]}" >"$building/b2.log" 2>&1); then
  grep -E 'error|failed' "$building/b2.log" | head -n 40 >&2
  exit 1
fi
ls "$stage"/lib/libboost_log.a "$stage"/lib/libboost_json.a "$stage"/lib/cmake/Boost-1.81.0 >/dev/null
touch "$stage/.complete"

if mv -T "$stage" "$prefix" 2>/dev/null; then
  echo "prepare/mingw-boost: cached $prefix in $(($(date +%s) - started)) s"
else
  echo "prepare/mingw-boost: another run cached $prefix first"
fi
