#!/usr/bin/env bash
# ctest entry: runs validate-kubernetes.mjs on the given files (or every *.yaml of a directory).
# Skips (77) when node or the npm packages are missing, unless CI=true (then it fails).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=""
command -v node >/dev/null 2>&1 || missing="node (Debian package nodejs)"
[ -z "$missing" ] && { [ ! -d "$here/node_modules/kubernetes-models" ] || \
  [ ! -d "$here/node_modules/@kubernetes-models/istio" ]; } && \
  missing="tests/validators/node_modules (run scripts/install-deps.sh)"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "run-kubernetes-validator: missing $missing (CI=true: failing)" >&2
    exit 1
  fi
  echo "run-kubernetes-validator: SKIPPED: missing $missing" >&2
  exit 77
fi
files=()
for arg in "$@"; do
  if [ -d "$arg" ]; then
    shopt -s nullglob
    found=("$arg"/*.yaml)
    shopt -u nullglob
    if [ ${#found[@]} -eq 0 ]; then
      echo "run-kubernetes-validator: no *.yaml in $arg" >&2
      exit 1
    fi
    files+=("${found[@]}")
  else
    files+=("$arg")
  fi
done
exec node "$here/validate-kubernetes.mjs" "${files[@]}"
