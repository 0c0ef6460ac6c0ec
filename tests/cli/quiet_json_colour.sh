#!/usr/bin/env bash
# Everyday terminal UX through the real binary, without a service manager (deploy --root):
# step lines with results; colour on a terminal only, never with NO_COLOR; --quiet prints
# nothing on stdout and keeps the exit code; diff --json; --quiet excludes --json.
# Usage: quiet_json_colour.sh DAEMONIZE EXAMPLES_DIR
set -uo pipefail
daemonize=${1:?daemonize binary}
examples=${2:?examples directory}
work=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-cli-ux.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
show() { echo "--- $1:" >&2; cat "$1" >&2; }
esc=$'\033'

cp "$examples/web-api.toml" "$work/service.toml"
deploy_to() {  # deploy_to ROOT [FLAGS...]
  local root=$1
  shift
  "$daemonize" deploy "$work/service.toml" --target systemd --root "$root" "$@"
}

# Piped (not a terminal), NO_COLOR unset: one plain line per step with its result.
env -u NO_COLOR TERM=xterm "$daemonize" deploy "$work/service.toml" --target systemd \
  --root "$work/piped" >"$work/out" 2>"$work/err" || { code=$?; show "$work/err"; fail "deploy --root exited $code"; }
for line in '  write /etc/systemd/system/web-api.service (new) ... ok' \
  '  write /etc/daemonize/web-api.toml (new) ... ok' \
  '  write receipt /var/lib/daemonize/web-api.json ... ok'; do
  grep -qxF "$line" "$work/out" || { show "$work/out"; fail "no step line '$line'"; }
done
grep -q "$esc" "$work/out" "$work/err" && { show "$work/out"; fail "escape codes in piped output"; }
pass "piped deploy: one plain line per step with its result, no colour"

# On a pseudo-terminal: the results in colour, unless NO_COLOR is set (to anything non-empty).
if ! command -v script >/dev/null; then
  [ "${CI:-}" = true ] && fail "script (util-linux/bsdutils) is missing under CI=true"
  echo "SKIP: script(1) missing: cannot test colour on a terminal"
  exit 77
fi
on_tty() { script -qec "$1" /dev/null </dev/null; }
env -u NO_COLOR TERM=xterm bash -c "$(declare -f on_tty); on_tty '$daemonize deploy $work/service.toml --target systemd --root $work/tty'" \
  >"$work/tty.out" 2>&1 || { code=$?; show "$work/tty.out"; fail "deploy on a terminal exited $code"; }
grep -q "receipt /var/lib/daemonize/web-api.json ... ${esc}\[32mok${esc}\[0m" "$work/tty.out" ||
  { show "$work/tty.out"; fail "no green 'ok' on a terminal"; }
NO_COLOR=1 TERM=xterm bash -c "$(declare -f on_tty); on_tty '$daemonize deploy $work/service.toml --target systemd --root $work/nocolor'" \
  >"$work/nocolor.out" 2>&1 || { code=$?; show "$work/nocolor.out"; fail "deploy with NO_COLOR exited $code"; }
grep -q "receipt /var/lib/daemonize/web-api.json ... ok" "$work/nocolor.out" ||
  { show "$work/nocolor.out"; fail "no step line with NO_COLOR=1"; }
grep -q "$esc\[" "$work/nocolor.out" && { show "$work/nocolor.out"; fail "colour despite NO_COLOR=1"; }
pass "terminal: green results; NO_COLOR=1: none"

# --quiet: nothing on stdout, the same exit codes.
deploy_to "$work/quiet" --quiet >"$work/out" 2>"$work/err" || { code=$?; show "$work/err"; fail "deploy --quiet exited $code"; }
[ -s "$work/out" ] && { show "$work/out"; fail "deploy --quiet printed on stdout"; }
[ -f "$work/quiet/etc/systemd/system/web-api.service" ] || fail "deploy --quiet installed nothing"
deploy_to "$work/quiet" --quiet >"$work/out" 2>&1 || fail "second deploy --quiet exited $?"
[ -s "$work/out" ] && { show "$work/out"; fail "up-to-date deploy --quiet printed something"; }
# --target auto explains its choice on stderr, but not under --quiet.
"$daemonize" deploy "$work/service.toml" --root "$work/quiet" >"$work/out" 2>&1 ||
  fail "deploy --target auto exited $?"
grep -q -- "--target auto:" "$work/out" || { show "$work/out"; fail "no --target auto note"; }
"$daemonize" deploy "$work/service.toml" --root "$work/quiet" --quiet >"$work/out" 2>&1 ||
  fail "deploy --target auto --quiet exited $?"
[ -s "$work/out" ] && { show "$work/out"; fail "deploy --target auto --quiet printed something"; }
"$daemonize" remove web-api --root "$work/quiet" --quiet >"$work/out" 2>"$work/err" ||
  { code=$?; show "$work/err"; fail "remove --quiet exited $code"; }
[ -s "$work/out" ] && { show "$work/out"; fail "remove --quiet printed on stdout"; }
[ -e "$work/quiet/etc/systemd/system/web-api.service" ] && fail "remove --quiet left the unit"
"$daemonize" remove web-api --root "$work/quiet" --quiet >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 66 ] || fail "remove --quiet of nothing exited $code, expected 66"
grep -q "not installed" "$work/err" || { show "$work/err"; fail "remove --quiet hid the error"; }
pass "deploy/remove --quiet: silent on success, errors and exit codes kept"

"$daemonize" validate "$work/service.toml" --quiet >"$work/out" 2>&1 || fail "validate --quiet exited $?"
[ -s "$work/out" ] && { show "$work/out"; fail "validate --quiet printed for a valid manifest"; }
printf '[service]\nname = "broken"\nrestart = 3\n' >"$work/broken.toml"
"$daemonize" validate "$work/broken.toml" --quiet >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 65 ] || fail "validate --quiet of an invalid manifest exited $code, expected 65"
[ -s "$work/out" ] && { show "$work/out"; fail "validate --quiet printed on stdout"; }
grep -q ': error: ' "$work/err" || { show "$work/err"; fail "validate --quiet hid the errors"; }
# queue-worker.toml is valid with warnings for launchd: --quiet drops them, the exit stays 0.
"$daemonize" validate "$examples/queue-worker.toml" --target launchd >"$work/out" 2>"$work/err" ||
  fail "validate --target launchd of queue-worker.toml exited $?"
grep -q ': warning: ' "$work/err" || { show "$work/err"; fail "expected warnings without --quiet (example changed?)"; }
"$daemonize" validate "$examples/queue-worker.toml" --target launchd --quiet >"$work/out" 2>"$work/err" ||
  fail "validate --quiet of a manifest with warnings exited $?"
[ -s "$work/out" ] || [ -s "$work/err" ] && { show "$work/out"; show "$work/err"; fail "validate --quiet printed warnings"; }
pass "validate --quiet: errors only (exit 65 kept), warnings dropped (exit 0 kept)"

# diff --json: one JSON document with the verdict; the exit code as without --json.
"$daemonize" diff "$work/service.toml" --target systemd --root "$work/piped" --json >"$work/diff.json" 2>"$work/err" ||
  { code=$?; show "$work/err"; fail "diff --json of an unchanged install exited $code"; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["differs"] is False and d["service"]=="web-api" else 1)' \
  "$work/diff.json" || { show "$work/diff.json"; fail "diff --json: not {differs: false}"; }
sed -i 's/^description = .*/description = "Changed"/' "$work/service.toml"
"$daemonize" diff "$work/service.toml" --target systemd --root "$work/piped" --json >"$work/diff.json" 2>"$work/err"
code=$?
[ "$code" = 1 ] || fail "diff --json of a changed manifest exited $code, expected 1"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["differs"] is True and "+description = \"Changed\"" in d["diff"] else 1)' \
  "$work/diff.json" || { show "$work/diff.json"; fail "diff --json: not {differs: true} with the change"; }
pass "diff --json: {differs, diff, files}; exit 0/1 as without --json"

for command in "deploy $work/service.toml" "validate $work/service.toml"; do
  # shellcheck disable=SC2086
  "$daemonize" $command --quiet --json >/dev/null 2>&1
  code=$?
  [ "$code" = 2 ] || fail "$command --quiet --json exited $code, expected 2 (usage)"
done
pass "--quiet and --json exclude each other (exit 2)"
