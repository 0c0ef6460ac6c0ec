#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing, prepares cached
# artifacts (under /var/cache/daemonize, never in the clone), checks formatting and clang-tidy,
# builds with -Werror and ASan+UBSan, runs every ctest label, then fuzzes the loader/renderers.
#
# Budget (2 cores): fresh machine < 40 min, warm rerun < 15 min. Environment knobs:
#   DAEMONIZE_BUILD_DIR (default build/ci), DAEMONIZE_FUZZ_SECONDS (default 60),
#   DAEMONIZE_SKIP_TIDY=1 to skip clang-tidy in a local inner loop.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${DAEMONIZE_BUILD_DIR:-$root/build/ci}
fuzz_build=${DAEMONIZE_FUZZ_BUILD_DIR:-$root/build/fuzz}
release_build=${DAEMONIZE_RELEASE_BUILD_DIR:-$root/build/release}
fuzz_seconds=${DAEMONIZE_FUZZ_SECONDS:-60}
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/daemonize/ccache}
# Paths relative to the clone, so a fresh clone in another folder still hits the cache.
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
mkdir -p "$CCACHE_DIR"

step() { printf '\n==> %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
started=$(date +%s)

step "install dependencies"
bash scripts/install-deps.sh

step "prepare cached artifacts"
for prepare in scripts/prepare.d/*.sh; do
  [ -e "$prepare" ] || continue
  echo "-- $prepare"
  bash "$prepare"
done

step "clang-format"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h')
clang-format --dry-run --Werror "${sources[@]}"
echo "clang-format: ${#sources[@]} files clean"

step "build the unsanitized daemonize (the injection matrix runs it ~10,000 times)"
# No -Werror here: GCC 12's -O3 -Wrestrict false positives inside std::string (GCC PR105329);
# the -Werror gate is the debug build below, which compiles the same sources.
cmake -S . -B "$release_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAEMONIZE_WERROR=OFF \
  -DDAEMONIZE_BUILD_TESTS=OFF >/dev/null
ninja -C "$release_build" -j"$(nproc)" daemonize

step "configure + build (-Werror, ASan+UBSan)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDAEMONIZE_WERROR=ON -DDAEMONIZE_SANITIZE=ON \
  -DDAEMONIZE_UNSANITIZED_BINARY="$release_build/cli/daemonize" >/dev/null
ninja -C "$build" -j"$(nproc)"

if [ "${DAEMONIZE_SKIP_TIDY:-0}" != 1 ]; then
  step "clang-tidy"
  bash scripts/clang-tidy.sh "$build"
fi

step "ctest (unit, integration, e2e, e2e-windows)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$build" && ctest --output-on-failure -j2 --timeout 900)

step "fuzz (${fuzz_seconds}s per target)"
bash scripts/fuzz.sh "$fuzz_build" "$fuzz_seconds"

echo
echo "test.sh: all green in $(( $(date +%s) - started ))s"
