# Shared by the tests/docs scripts: a missing tool skips (77) locally, fails under CI=true.
require_tool() {
  local tool=$1 package=$2
  command -v "$tool" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $tool is missing (Debian package $package, scripts/deps/docs.txt)" >&2
    exit 1
  fi
  echo "SKIP: $tool is missing (Debian package $package; run scripts/install-deps.sh)" >&2
  exit 77
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
