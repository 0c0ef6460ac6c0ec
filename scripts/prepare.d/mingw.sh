#!/usr/bin/env bash
# Boost (Log, Thread, Filesystem, JSON) and yaml-cpp cross-built for mingw-w64, for the Windows
# build of daemonize.exe that the e2e-windows test windows_runtime_wine_scm runs under Wine.
# Both scripts are idempotent and cache under /var/cache/daemonize (DAEMONIZE_CACHE), keyed by the
# library version and the recipe version: boost-1.81-mingw-v2, yaml-cpp-0.7-mingw-v1. A warm
# machine pays two file checks (0.2 s); a fresh one about 11 CPU-minutes, i.e. roughly 6 minutes
# on two idle cores (docs/targets/windows-runtime.md). Without the mingw compiler they skip,
# unless CI=true (a failure).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/mingw/mingw-boost.sh"
bash "$here/mingw/mingw-yaml-cpp.sh"
