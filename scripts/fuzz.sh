#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time on its seed corpus.
# Usage: fuzz.sh BUILD_DIR SECONDS. A crash leaves its input in BUILD_DIR/artifacts and fails;
# add such an input to tests/manifests/invalid or the seed corpus as a regression test.
set -euo pipefail
build=$1; seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDAEMONIZE_FUZZ=ON -DDAEMONIZE_BUILD_TESTS=OFF -DDAEMONIZE_WERROR=ON >/dev/null
ninja -C "$build" fuzz_manifest fuzz_import
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$root"/tests/fuzz/corpus/manifest/* "$work/"
mkdir -p "$build/artifacts"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_manifest" "$work" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 | tail -15
echo "fuzz_manifest: no crash, leak or hang in ${seconds}s"

# The importers, seeded with the import tests' inputs.
import_work=$(mktemp -d); trap 'rm -rf "$work" "$import_work"' EXIT
find "$root/tests/import" -type f \( -name '*.service' -o -name '*.conf' -o -name '*.Procfile' \
  -o -name '*.reg' -o -name '*.xml' \) \
  -exec cp -t "$import_work/" {} + 2>/dev/null || true
ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_import" "$import_work" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 | tail -15
echo "fuzz_import: no crash, leak or hang in ${seconds}s"
