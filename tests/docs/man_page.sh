#!/usr/bin/env bash
# The man page renders without any groff or man warning, and shows every section.
# usage: man_page.sh MAN_PAGE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
page=$1
require_tool groff groff
require_tool man man-db

warnings=$(groff -man -ww -z "$page" 2>&1) || fail "groff -man -ww -z exited $?: $warnings"
[ -z "$warnings" ] || fail "groff warnings: $warnings"

output=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>"${TMPDIR:-/tmp}/man-stderr.$$")
code=$?
stderr=$(cat "${TMPDIR:-/tmp}/man-stderr.$$")
rm -f "${TMPDIR:-/tmp}/man-stderr.$$"
[ $code -eq 0 ] || fail "man -l exited $code: $stderr"
[ -z "$stderr" ] || fail "man --warnings: $stderr"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  grep -q "^$section" <<<"$output" || fail "section $section missing from the rendered page"
done
long=$(awk 'length > 80' <<<"$output")
[ -z "$long" ] || fail "lines wider than MANWIDTH=80: $long"
echo "PASS: $page renders with man and groff, no warnings, $(wc -l <<<"$output") lines"
