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

# Runs one fuzzer; on a crash prints its cause and the stack (the statistics hide it otherwise).
fuzz() {
  local name=$1 corpus=$2 log="$build/$1.log"
  if ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/$name" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$build/artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    tail -15 "$log"
    return 0
  fi
  echo "$name failed; the cause and the stack (full log: $log):"
  grep -v -e 'in fuzzer::' -e '^#[0-9]' -e '^INFO:' "$log" | grep -v '^\s*$' | tail -60
  return 1
}

fuzz fuzz_manifest "$work"
echo "fuzz_manifest: no crash, leak or hang in ${seconds}s"

# The importers, seeded with the import tests' inputs.
import_work=$(mktemp -d); trap 'rm -rf "$work" "$import_work"' EXIT
find "$root/tests/import" -type f \( -name '*.service' -o -name '*.conf' -o -name '*.Procfile' \
  -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.plist' -o -name '*.reg' \
  -o -name '*.xml' \) \
  -exec cp -t "$import_work/" {} + 2>/dev/null || true
# What daemonize renders for Windows (a script and a UTF-16 task XML, each with a form feed and
# the manifest it runs appended).
cp "$root"/tests/fuzz/corpus/import/* "$import_work/"
fuzz fuzz_import "$import_work"
echo "fuzz_import: no crash, leak or hang in ${seconds}s"
