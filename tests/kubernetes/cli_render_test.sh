#!/usr/bin/env bash
# End to end through the CLI: `render --target kubernetes -o DIR` writes DIR/kubernetes/<name>.yaml
# equal to the golden, which the validator accepts; no image -> exit 65; `render all` skips it.
# Usage: cli_render_test.sh DAEMONIZE SOURCE_DIR
set -uo pipefail
daemonize=$1
source_dir=$2
manifests=$source_dir/tests/manifests/kubernetes
goldens=$source_dir/tests/golden/kubernetes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$daemonize" render "$manifests/full.toml" --target kubernetes -o "$work/out" || fail "render full.toml exited $?"
if cmp -s "$work/out/kubernetes/payments.yaml" "$goldens/full.yaml"; then
  echo "ok: render -o writes kubernetes/payments.yaml equal to the golden"
else
  fail "kubernetes/payments.yaml differs from $goldens/full.yaml"
fi

"$daemonize" render "$manifests/no-image.toml" --target kubernetes >"$work/stdout" 2>"$work/stderr"
code=$?
[ "$code" -eq 65 ] || fail "render no-image.toml --target kubernetes exited $code, expected 65"
grep -q "image" "$work/stderr" || fail "the error does not mention the image: $(cat "$work/stderr")"
[ -s "$work/stdout" ] && fail "render printed an artifact although it failed"
echo "ok: no image -> exit $code: $(head -1 "$work/stderr")"

# The exit code of `render all` belongs to the other targets (a POSIX command is an error for
# the Windows ones); what matters here is that kubernetes is skipped with its reason.
"$daemonize" render "$manifests/no-image.toml" --target all -o "$work/all" >"$work/all.out" 2>&1
grep -q "kubernetes: no \[kubernetes\].image" "$work/all.out" || fail "render all did not list kubernetes as skipped"
[ -e "$work/all/kubernetes" ] && fail "render all wrote a kubernetes artifact without an image"
echo "ok: render all skips kubernetes: $(grep kubernetes "$work/all.out" | head -1)"

"$daemonize" render "$manifests/invalid-name.toml" --target kubernetes >/dev/null 2>"$work/stderr"
code=$?
[ "$code" -eq 65 ] || fail "invalid-name.toml exited $code, expected 65"
grep -q "invalid-name.toml:3:8:" "$work/stderr" || fail "no FILE:LINE:COL for service.name: $(cat "$work/stderr")"

if [ -x "$source_dir/tests/validators/run-kubernetes-validator.sh" ] && [ -f "$work/out/kubernetes/payments.yaml" ]; then
  "$source_dir/tests/validators/run-kubernetes-validator.sh" "$work/out/kubernetes/payments.yaml"
  code=$?
  [ "$code" -eq 0 ] || [ "$code" -eq 77 ] || fail "validator rejected the CLI output"
fi

[ "$failures" -eq 0 ] || exit 1
echo "cli_render_test: all checks passed"
