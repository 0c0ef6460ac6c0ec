#!/usr/bin/env bash
# A new target is one folder plus its name in the root CMakeLists.txt: builds daemonize from a
# copy of this tree with tests/architecture/toy added as backends/toy and "toy" appended to
# DAEMONIZE_BACKENDS (nothing else edited), then renders a bundled example with --target toy.
# usage: toy_target.sh SOURCE_DIR BUILD_TYPE SANITIZE(ON|OFF) WERROR(ON|OFF)
set -euo pipefail
source_dir=$(cd "$1" && pwd)
build_type=$2
sanitize=$3
werror=$4
work=$(mktemp -d /tmp/daemonize-toy-target.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The tree: a copy of the tracked files a build needs (real files at the same relative paths, so
# that ccache's hashes match the enclosing build's), with the toy folder added under backends/.
git -C "$source_dir" ls-files -z -- . ':!tests' ':!bench' ':!docs' |
  (cd "$source_dir" && xargs -0 cp --parents -t "$work")
cp -r "$source_dir/tests/architecture/toy" "$work/backends/toy"
sed -i 's/^set(DAEMONIZE_BACKENDS \(.*\))$/set(DAEMONIZE_BACKENDS \1 toy)/' "$work/CMakeLists.txt"
changed=$(diff "$source_dir/CMakeLists.txt" "$work/CMakeLists.txt" | grep -c '^>' || true)
if [ "$changed" != 1 ]; then
  echo "FAIL: registering the toy target should change one line of CMakeLists.txt, changed $changed"
  exit 1
fi

# Same options as the enclosing build, so ccache serves every file but the toy's and the registry.
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/daemonize/ccache} CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=1
cmake -S "$work" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
  -DDAEMONIZE_SANITIZE="$sanitize" -DDAEMONIZE_WERROR="$werror" -DDAEMONIZE_BUILD_TESTS=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
ninja -C "$work/build" daemonize >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }

daemonize=$work/build/cli/daemonize
output=$("$daemonize" render --target toy "$source_dir/examples/web-api.toml")
expected_start="toy service web-api runs "
if [[ $output != *"$expected_start"* ]]; then
  echo "FAIL: render --target toy printed:"
  echo "$output"
  exit 1
fi
"$daemonize" validate --target toy "$source_dir/examples/web-api.toml" >/dev/null ||
  { echo "FAIL: validate --target toy exited $?"; exit 1; }
"$daemonize" render --target all "$source_dir/examples/web-api.toml" --output-dir "$work/out" \
  >/dev/null 2>&1 || true
if [ ! -f "$work/out/toy/web-api.txt" ]; then
  echo "FAIL: render --target all --output-dir wrote no toy/web-api.txt:"
  ls -R "$work/out" 2>&1 | head -20
  exit 1
fi
echo "toy target: one folder + one line; validate/render --target toy and --target all include it"
