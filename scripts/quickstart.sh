#!/usr/bin/env bash
# The main job on a bundled example, from a fresh Debian 12 machine: installs what is missing,
# builds daemonize, and runs `daemonize deploy examples/web-api.toml --output-dir out/quickstart`
# (the review workflow: renders this host's unit plus INSTALL.md, changes nothing else).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh >/dev/null
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/daemonize/ccache}
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAEMONIZE_BUILD_TESTS=OFF >/dev/null
ninja -C build/release daemonize >/dev/null
echo "built build/release/cli/daemonize"
echo "\$ daemonize deploy examples/web-api.toml --output-dir out/quickstart"
build/release/cli/daemonize deploy examples/web-api.toml --output-dir out/quickstart
