#!/usr/bin/env bash
# `daemonize edit NAME` of a service never deployed, run with `daemonize run FILE --detach`
# (label integration), through the real binary and a real detached watchdog whose program
# prints an [env] value every 0.2 s:
#  - a change (--yes): the diff of the manifest file, the file rewritten in place with its mode
#    and (as root) its owner
#    kept, the watchdog restarted (new pid) and the new value in the program's output;
#  - nothing changed -> "no changes", the same watchdog keeps running;
#  - an invalid value -> the editor reopens with the error; fixed there -> applied, the error
#    block never reaches the file; the same error saved twice -> exit 65, the file unchanged;
#  - a renamed service -> refused (65); --target / --root -> exit 2 with the reason;
#  - on a terminal, answer n -> nothing written, exit 1;
#  - a stopped watchdog -> the file written, not started, the next `start` runs the change.
# Usage: edit_detached.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
work=$(mktemp -d)
name="edit-detached-$$"
source "$(dirname "$0")/../lib/detached.sh"
export TMPDIR=$work/tmp
unset VISUAL
mkdir -p "$TMPDIR"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() { echo "PASS: $*"; }

manifest=$work/conf/$name.toml
out_log=$work/logs/stdout.log
mkdir -p "$work/conf"
cat >"$manifest" <<TOML
[service]
name = "$name"
command = "/bin/sh"
args = ["-c", "while :; do echo \"greeting=\$\$GREETING\"; sleep 0.2; done"]
[env]
GREETING = "hello"
[restart]
policy = "always"
[stop]
timeout = "5s"
[logs]
directory = "$work/logs"
TOML
chmod 0640 "$manifest"

watchdog_pid() {  # the pid in the pidfile while a watchdog holds its lock, else "none"
  if flock -n "$pidfile" true 2>/dev/null; then echo none; else cat "$pidfile"; fi
}
wait_for_line() {  # wait_for_line LINE: the program prints LINE within 10 s
  for _ in $(seq 100); do
    [ -f "$out_log" ] && tail -n 3 "$out_log" | grep -qx "$1" && return 0
    sleep 0.1
  done
  return 1
}
# An editor that runs one sed expression on the file it is given.
editor() {  # editor NAME SED-EXPRESSION
  # shellcheck disable=SC2016 # "$1" is the editor script's own argument
  printf '#!/bin/sh\nsed -i %q "$1"\n' "$2" >"$work/$1"
  chmod +x "$work/$1"
  echo "$work/$1"
}
edit() { "$daemonize" edit "$name" "$@"; }

"$daemonize" run "$manifest" --detach >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "run --detach"; }
wait_for_line 'greeting=hello' || fail "the program does not print greeting=hello"
first=$(watchdog_pid)
# As root the edit must keep the manifest's owner, not make it root's.
if [ "$(id -u)" = 0 ] && getent group nogroup >/dev/null; then chown nobody:nogroup "$manifest"; fi
owner=$(stat -c %U:%G "$manifest")

# --- a change ------------------------------------------------------------------------------------
EDITOR=$(editor bonjour 's/^GREETING = "hello"$/GREETING = "bonjour"/') edit --yes >"$work/out" 2>&1 ||
  { cat "$work/out" >&2; fail "edit with a valid change failed"; }
grep -qx "$name (detached watchdog): $manifest" "$work/out" &&
  grep -qx -- '-GREETING = "hello"' "$work/out" && grep -qx -- '+GREETING = "bonjour"' "$work/out" ||
  { cat "$work/out" >&2; fail "the diff of the manifest file is not shown"; }
grep -qx "$name: wrote $manifest" "$work/out" &&
  grep -qx "$name: stopped (watchdog pid $first)" "$work/out" &&
  grep -Eqx "$name: started \(watchdog pid [0-9]+, child pid [0-9]+\)" "$work/out" ||
  { cat "$work/out" >&2; fail "the write and the restart are not reported"; }
grep -qx 'GREETING = "bonjour"' "$manifest" || fail "the manifest file was not changed"
[ "$(stat -c %a "$manifest")" = 640 ] || fail "the mode of the manifest changed to $(stat -c %a "$manifest")"
[ "$(stat -c %U:%G "$manifest")" = "$owner" ] || fail "the owner of the manifest changed from $owner to $(stat -c %U:%G "$manifest")"
second=$(watchdog_pid)
[ "$second" != none ] && [ "$second" != "$first" ] || fail "the watchdog was not restarted ($first -> $second)"
wait_for_line 'greeting=bonjour' || { tail -3 "$out_log" >&2; fail "the program does not print the new value"; }
pass "a change: diff shown, file rewritten (mode kept), watchdog restarted, new value in the output"

# --- no change -----------------------------------------------------------------------------------
before=$(md5sum <"$manifest")
EDITOR=true edit --yes >"$work/out" 2>&1 || fail "an unchanged edit exited $?"
grep -qx "$name: no changes" "$work/out" || { cat "$work/out" >&2; fail "unchanged: no 'no changes'"; }
[ "$(watchdog_pid)" = "$second" ] || fail "an unchanged edit restarted the watchdog"
[ "$(md5sum <"$manifest")" = "$before" ] || fail "an unchanged edit wrote the file"
pass "unchanged: no changes, the same watchdog runs on"

# --- an error, fixed when the editor reopens ------------------------------------------------------
cat >"$work/fix-on-reopen" <<EOF
#!/bin/sh
if grep -q '^# daemonize edit: ' "\$1"; then
  cp "\$1" "$work/reopened.toml"
  sed -i 's/^policy = "Always"$/policy = "on-failure"/' "\$1"
else
  sed -i -e 's/^policy = "always"$/policy = "Always"/' -e 's/^GREETING = .*/GREETING = "hola"/' "\$1"
fi
EOF
chmod +x "$work/fix-on-reopen"
EDITOR=$work/fix-on-reopen edit --yes >"$work/out" 2>"$work/err" ||
  { cat "$work/out" "$work/err" >&2; fail "an error fixed on reopening was not applied"; }
[ -f "$work/reopened.toml" ] || fail "the editor was not reopened after the error"
grep -Eq '^#   .*\.toml:[0-9]+:[0-9]+: error: .restart\.policy. must be one of .*did you mean "always"\?$' \
  "$work/reopened.toml" || { tail -5 "$work/reopened.toml" >&2; fail "the reopened copy does not carry the error"; }
grep -qx 'policy = "on-failure"' "$manifest" || fail "the fix was not written"
grep -q 'daemonize edit' "$manifest" && fail "the error block reached the manifest file"
wait_for_line 'greeting=hola' || fail "the fixed edit did not take effect"
pass "an invalid value: reopened with the error, fixed, applied without the comment block"

# --- the same error saved twice, a rename, --target / --root --------------------------------------
before=$(md5sum <"$manifest")
third=$(watchdog_pid)
EDITOR=$(editor still-wrong 's/^policy = "on-failure"$/policy = "sometimes"/') edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 65 ] || { cat "$work/err" >&2; fail "the same error twice exited $code, expected 65"; }
EDITOR=$(editor rename "s/^name = \"$name\"\$/name = \"other\"/") edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 65 ] && grep -q "the name must stay '$name' (got 'other')" "$work/err" ||
  { cat "$work/err" >&2; fail "a rename: exit $code"; }
for flag in "--target systemd" "--root $work/root"; do
  # shellcheck disable=SC2086 # the flag and its value
  EDITOR=$work/must-not-run edit --yes $flag >"$work/out" 2>"$work/err"
  code=$?
  [ "$code" = 2 ] && grep -qx "daemonize: $name is a detached watchdog (daemonize run --detach), not an install; --target and --root apply only to services deploy installed" "$work/err" ||
    { cat "$work/err" >&2; fail "$flag on a detached watchdog: exit $code"; }
done
[ "$(md5sum <"$manifest")" = "$before" ] && [ "$(watchdog_pid)" = "$third" ] ||
  fail "a refused edit wrote the file or restarted the watchdog"
pass "the same error twice and a rename: 65; --target and --root: 2; nothing written"

# --- the answer on a terminal -------------------------------------------------------------------
if command -v script >/dev/null; then
  ciao=$(editor ciao 's/^GREETING = .*/GREETING = "ciao"/')
  (sleep 2; printf 'n\n'; sleep 2) |
    script -qec "EDITOR=$ciao '$daemonize' edit $name; echo \"exit=\$?\"" /dev/null >"$work/out" 2>&1
  grep -q "Apply these changes to $name (detached watchdog)? \[y/N\]" "$work/out" &&
    grep -q 'exit=1' "$work/out" || { cat "$work/out" >&2; fail "answer n on a terminal"; }
  [ "$(md5sum <"$manifest")" = "$before" ] || fail "answer n: the file was written"
  pass "on a terminal: the prompt, n writes nothing (exit 1)"
elif [ "${CI:-}" = true ]; then
  fail "script (bsdutils) is missing under CI=true"
fi

# --- a stopped watchdog ---------------------------------------------------------------------------
"$daemonize" stop "$name" >/dev/null 2>&1 || fail "stop"
EDITOR=$(editor later 's/^GREETING = .*/GREETING = "later"/') edit --yes >"$work/out" 2>&1 ||
  { cat "$work/out" >&2; fail "edit of a stopped watchdog failed"; }
grep -qx "$name: not running; the change takes effect when it starts (daemonize start $name)" "$work/out" ||
  { cat "$work/out" >&2; fail "a stopped watchdog: not said"; }
[ "$(watchdog_pid)" = none ] || fail "a stopped watchdog was started by edit"
"$daemonize" start "$name" >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "start after the edit"; }
wait_for_line 'greeting=later' || fail "the edit of the stopped watchdog did not take effect at start"
pass "a stopped watchdog: written, left stopped, the change runs at the next start"
"$daemonize" stop "$name" >/dev/null 2>&1
