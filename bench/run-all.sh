#!/usr/bin/env bash
# Every benchmark in bench/, in one go, each against its peers in the same run and printing
# ratios. Build a Release binary first (the one a package ships):
#   cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAEMONIZE_BUILD_TESTS=OFF
#   ninja -C build/release daemonize
#   sudo bench/run-all.sh build/release/cli/daemonize
# Needs root (strace -p, /run/daemonize), cc with a static libc, python3, and the peers of
# scripts/deps/watchdog.txt and scripts/deps/bench.txt (a missing peer prints n/a).
# BENCH_SKIP_LOGS=1 leaves out the 500 MB log capture (several minutes).
set -euo pipefail
daemonize=$(readlink -f "${1:?usage: bench/run-all.sh DAEMONIZE}")
here=$(cd "$(dirname "$0")" && pwd)
section() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

section "watchdog: restart latency and idle footprint (bench/watchdog)"
bash "$here/watchdog/run.sh" "$daemonize" 20 1100
section "start-up: daemonize run -> the program's exec (bench/startup)"
python3 "$here/startup/run.py" "$daemonize" 30
section "many services on one host (bench/fleet)"
python3 "$here/fleet/run.py" "$daemonize" 20 200
section "render and validate (bench/render)"
python3 "$here/render/run.py" "$daemonize" 20
if [ "${BENCH_SKIP_LOGS:-0}" != 1 ]; then
  section "log capture of 500 MB (bench/logs)"
  bash "$here/logs/run.sh" "$daemonize"
fi
