#!/usr/bin/env bash
# `cmake --install` puts the man page, completions, docs and examples under the prefix, and the
# CPack .deb holds the binary, man page, completions, docs and examples at Debian paths, and
# its Depends name the shared libraries' packages (dpkg-shlibdeps).
# usage: deb_contents.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
source "$here/build_deb.sh"
build_dir=$1
source_dir=$2
require_tool dpkg-deb dpkg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cmake --install with a prefix of our own (the same install() rules CPack uses, prefix /usr).
cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install failed"; }
for path in bin/daemonize share/man/man1/daemonize.1 share/bash-completion/completions/daemonize \
  share/zsh/vendor-completions/_daemonize share/doc/daemonize/manifest.md \
  share/doc/daemonize/examples/everything.toml; do
  [ -f "$work/prefix/$path" ] || fail "cmake --install did not install PREFIX/$path"
done
echo "ok: cmake --install --prefix lays out bin/, share/man, share/bash-completion, share/zsh, share/doc"

build_deb "$build_dir" "$work"
contents=$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|')
expected=(
  /usr/bin/daemonize
  /usr/share/man/man1/daemonize.1
  /usr/share/bash-completion/completions/daemonize
  /usr/share/zsh/vendor-completions/_daemonize
  /usr/share/doc/daemonize/README.md
  /usr/share/doc/daemonize/manifest.md
  /usr/share/doc/daemonize/cli.md
)
for page in "$source_dir"/docs/targets/*.md; do
  expected+=("/usr/share/doc/daemonize/targets/$(basename "$page")")
done
for example in "$source_dir"/examples/*.toml; do
  expected+=("/usr/share/doc/daemonize/examples/$(basename "$example")")
done
for path in "${expected[@]}"; do
  grep -qx "$path" <<<"$contents" || fail "$(basename "$DEB") lacks $path; it holds:
$contents"
done
echo "ok: ${#expected[@]} expected files present"

depends=$(dpkg-deb -f "$DEB" Depends)
for package in libc6 libstdc++6 libboost-json1.81.0 libtomlplusplus3; do
  grep -q "\b$package\b" <<<"$depends" || fail "Depends lacks $package: $depends"
done
echo "ok: Depends: $depends"
[ "$(dpkg-deb -f "$DEB" Package)" = daemonize ] || fail "package name is not daemonize"

# The packaged binary is the built one.
mkdir -p "$work/extract"
dpkg-deb -x "$DEB" "$work/extract"
cmp -s "$work/extract/usr/bin/daemonize" "$build_dir/cli/daemonize" || fail "/usr/bin/daemonize differs from the build's binary"
echo "PASS: $(basename "$DEB") ($(du -k "$DEB" | cut -f1) KiB) installs binary, man page, completions, docs, examples"
