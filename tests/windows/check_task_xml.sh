#!/usr/bin/env bash
# check_task_xml.sh XSD GOLDEN_DIR: validates every task XML golden against the Task Scheduler
# schema with xmllint. Outside CI a missing xmllint or schema skips (exit 77) with a message;
# with CI=true it fails.
set -uo pipefail
xsd=$1
golden_dir=$2

skip_or_fail() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $1 (CI=true: required)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}

command -v xmllint >/dev/null || skip_or_fail "xmllint not found (package libxml2-utils)"
[ -f "$xsd" ] || skip_or_fail "Task Scheduler schema not found at $xsd"

shopt -s nullglob
files=("$golden_dir"/*.xml)
if [ ${#files[@]} -eq 0 ]; then
  echo "FAIL: no task XML goldens in $golden_dir"
  exit 1
fi
failed=0
for file in "${files[@]}"; do
  # Written as Windows exports it: UTF-16LE with a byte order mark.
  if [ "$(head -c 2 "$file" | od -An -tx1 | tr -d ' \n')" != "fffe" ]; then
    echo "FAIL: $file does not start with the UTF-16LE byte order mark"
    failed=1
  fi
  if ! xmllint --noout --schema "$xsd" "$file"; then
    failed=1
  fi
done
echo "checked ${#files[@]} task XML files against $(basename "$xsd")"
exit $failed
