#!/usr/bin/env bash
# clang-tidy over first-party product sources (not tests), with the root .clang-tidy.
# Usage: clang-tidy.sh BUILD_DIR   (needs compile_commands.json there)
# A file already found clean with the same content, the same first-party headers and the same
# .clang-tidy is not checked again (stamps under /var/cache/daemonize/tidy): a warm rerun is fast.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamps=${DAEMONIZE_TIDY_CACHE:-/var/cache/daemonize/tidy}
mkdir -p "$stamps"
context=$( (cat .clang-tidy; git ls-files -z '*.hpp' '*.h' | xargs -0 cat) | sha256sum | cut -c1-16)

mapfile -t files < <(git ls-files 'core/*.cpp' 'cli/*.cpp' 'backends/*.cpp' 'watchdog/*.cpp' 'deploy/*.cpp' 'import/*.cpp')
todo=()
for f in "${files[@]}"; do
  # Only what this host compiles (Windows-only files are checked by the mingw build).
  grep -q "\"file\": \"$root/$f\"" "$build/compile_commands.json" || continue
  stamp="$stamps/$(cat "$f" | sha256sum | cut -c1-16)-$context"
  [ -e "$stamp" ] || todo+=("$f")
done
echo "clang-tidy: ${#todo[@]} files to check (others unchanged since a clean run)"
log=$(mktemp)
if ((${#todo[@]})); then
  printf '%s\n' "${todo[@]}" | xargs -P "$(nproc)" -n 2 clang-tidy -p "$build" --quiet 2>&1 \
    | grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated' > "$log" || true
fi
if grep -q -E 'error:|warning:' "$log"; then
  cat "$log"; echo "clang-tidy: findings above"; exit 1
fi
for f in "${todo[@]}"; do touch "$stamps/$(cat "$f" | sha256sum | cut -c1-16)-$context"; done
echo "clang-tidy: clean"
