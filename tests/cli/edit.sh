#!/usr/bin/env bash
# `daemonize edit` through the real binary on an install made with `deploy --root` (label
# integration). The editor is a script that edits the copy as an operator would:
#  - a change -> plan and diff printed, the installed manifest and the unit rewritten (--yes);
#  - nothing changed / the file emptied -> "no changes", exit 0, nothing written;
#  - an invalid value -> the editor reopens with the error (FILE:LINE:COL, did-you-mean) in a
#    comment block at the end; fixed there -> applied, the block never reaches the installed file;
#  - the same error saved twice -> exit 65, nothing applied, the edited copy kept and named;
#  - the editor fails -> exit 1, nothing applied; an editor that does not exist -> exit 69;
#  - a renamed service -> refused, naming both names;
#  - without --yes: on a terminal the answer decides (n: nothing applied, exit 1; y: applied);
#    stdin not a terminal -> exit 2 before the editor runs;
#  - an unknown service -> exit 66 naming it.
# Usage: edit.sh DAEMONIZE EXAMPLES_DIR
set -uo pipefail
daemonize=${1:?daemonize binary}
examples=${2:?examples directory}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() { echo "PASS: $*"; }
root=$work/root
manifest=$root/etc/daemonize/web-api.toml
unit=$root/etc/systemd/system/web-api.service
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
unset VISUAL

"$daemonize" deploy "$examples/web-api.toml" --target systemd --root "$root" >"$work/deploy.log" 2>&1 ||
  { cat "$work/deploy.log" >&2; fail "deploy --root failed"; }
[ -f "$manifest" ] && [ -f "$unit" ] || fail "deploy --root did not install the manifest and unit"

# An editor that runs one sed expression on the file it is given.
editor() {  # editor NAME SED-EXPRESSION
  printf '#!/bin/sh\nsed -i %q "$1"\n' "$2" >"$work/$1"
  chmod +x "$work/$1"
  echo "$work/$1"
}
edit() { "$daemonize" edit web-api --root "$root" "$@"; }
snapshot() { cat "$manifest" "$unit" | md5sum; }

# --- a change ------------------------------------------------------------------------------------
EDITOR=$(editor longer-stop 's/^timeout = "10s"$/timeout = "20s"/') edit --yes >"$work/out" 2>&1 ||
  { cat "$work/out" >&2; fail "edit with a valid change failed"; }
grep -q '^plan for web-api (systemd):' "$work/out" || { cat "$work/out" >&2; fail "no plan shown"; }
grep -qx -- '-timeout = "10s"' "$work/out" && grep -qx -- '+timeout = "20s"' "$work/out" ||
  { cat "$work/out" >&2; fail "the diff does not show the manifest change"; }
grep -qx 'timeout = "20s"' "$manifest" || fail "the installed manifest was not changed"
grep -qx 'TimeoutStopSec=30s' "$unit" || fail "the unit was not rendered again ($(grep TimeoutStop "$unit"))"
pass "a change: plan and diff shown, manifest and unit rewritten"

# --- no change, emptied --------------------------------------------------------------------------
before=$(snapshot)
EDITOR=true edit --yes >"$work/out" 2>&1 || fail "an unchanged edit exited $?"
grep -qx 'web-api: no changes' "$work/out" || { cat "$work/out" >&2; fail "unchanged: no 'no changes'"; }
EDITOR=$(editor empty 'd') edit --yes >"$work/out" 2>&1 || fail "an emptied edit exited $?"
grep -q 'empty; no changes' "$work/out" || { cat "$work/out" >&2; fail "emptied: not reported"; }
[ "$(snapshot)" = "$before" ] || fail "an unchanged or emptied edit wrote something"
pass "unchanged and emptied: no changes, nothing written"

# --- an error, fixed when the editor reopens ------------------------------------------------------
cat >"$work/fix-on-reopen" <<EOF
#!/bin/sh
if grep -q '^# daemonize edit: ' "\$1"; then
  cp "\$1" "$work/reopened.toml"
  sed -i 's/^policy = "Always"$/policy = "on-failure"/' "\$1"
else
  sed -i 's/^policy = "always"$/policy = "Always"/' "\$1"
fi
EOF
chmod +x "$work/fix-on-reopen"
EDITOR=$work/fix-on-reopen edit --yes >"$work/out" 2>"$work/err" ||
  { cat "$work/out" "$work/err" >&2; fail "an error fixed on reopening was not applied"; }
[ -f "$work/reopened.toml" ] || fail "the editor was not reopened after the error"
grep -Eq '^#   .*/web-api\.toml:[0-9]+:[0-9]+: error: .restart\.policy. must be one of .*did you mean "always"\?$' \
  "$work/reopened.toml" || { tail -5 "$work/reopened.toml" >&2; fail "the reopened copy does not carry the error with FILE:LINE:COL"; }
grep -Eq 'web-api\.toml:[0-9]+:[0-9]+: error: .restart\.policy' "$work/err" ||
  fail "the error was not printed on stderr"
grep -qx 'policy = "on-failure"' "$manifest" || fail "the fix was not applied"
grep -q 'daemonize edit' "$manifest" && fail "the error block reached the installed manifest"
pass "an invalid value: reopened with FILE:LINE:COL and did-you-mean, fixed, applied without the comment block"

# --- the same error saved twice ------------------------------------------------------------------
before=$(snapshot)
EDITOR=$(editor still-wrong 's/^policy = "on-failure"$/policy = "sometimes"/') edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 65 ] || { cat "$work/err" >&2; fail "the same error twice exited $code, expected 65"; }
kept=$(sed -n 's/.*the edited copy is kept in \(.*\))$/\1/p' "$work/err")
[ -n "$kept" ] && grep -qx 'policy = "sometimes"' "$kept" || { cat "$work/err" >&2; fail "the edited copy is not kept"; }
[ "$(snapshot)" = "$before" ] || fail "an invalid edit wrote something"
pass "the same error saved twice: exit 65, nothing applied, the copy kept ($kept)"

# --- the editor fails, or does not exist ---------------------------------------------------------
EDITOR=false edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 1 ] && grep -q "exited with status 1; nothing applied" "$work/err" ||
  { cat "$work/err" >&2; fail "a failing editor: exit $code"; }
EDITOR=/nonexistent/editor edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 69 ] && grep -q "cannot run the editor '/nonexistent/editor'" "$work/err" ||
  { cat "$work/err" >&2; fail "a missing editor: exit $code"; }
[ "$(snapshot)" = "$before" ] || fail "a failed editor run wrote something"
pass "a failing editor: exit 1; a missing one: exit 69; nothing applied"

# --- a renamed service --------------------------------------------------------------------------
EDITOR=$(editor rename 's/^name = "web-api"$/name = "other"/') edit --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 65 ] && grep -q "the name must stay 'web-api' (got 'other')" "$work/err" ||
  { cat "$work/err" >&2; fail "a rename: exit $code"; }
pass "a renamed service: refused (65), naming both names"

# --- confirmation -------------------------------------------------------------------------------
if command -v script >/dev/null; then
  on_tty() {  # on_tty ANSWER COMMAND: COMMAND on a pseudo-terminal, ANSWER typed at the prompt
    (sleep 2; printf '%s\n' "$1"; sleep 3) | script -qec "$2" /dev/null
  }
  longer=$(editor longer 's/^timeout = "20s"$/timeout = "25s"/')
  on_tty n "EDITOR=$longer '$daemonize' edit web-api --root '$root'; echo \"exit=\$?\"" >"$work/out" 2>&1
  grep -q 'Apply these changes to web-api (systemd)? \[y/N\]' "$work/out" ||
    { cat "$work/out" >&2; fail "no confirmation prompt on a terminal"; }
  grep -q 'exit=1' "$work/out" || { cat "$work/out" >&2; fail "answer n: not exit 1"; }
  grep -qx 'timeout = "20s"' "$manifest" || fail "answer n: the change was applied"
  on_tty y "EDITOR=$longer '$daemonize' edit web-api --root '$root'; echo \"exit=\$?\"" >"$work/out" 2>&1
  grep -q 'exit=0' "$work/out" || { cat "$work/out" >&2; fail "answer y: not exit 0"; }
  grep -qx 'timeout = "25s"' "$manifest" || fail "answer y: the change was not applied"
  pass "on a terminal: n applies nothing (exit 1), y applies"
elif [ "${CI:-}" = true ]; then
  fail "script (bsdutils) is missing under CI=true"
fi
echo 'no tty' | EDITOR=$work/must-not-run edit >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 2 ] && grep -q 'standard input is not a terminal; pass --yes' "$work/err" ||
  { cat "$work/err" >&2; fail "stdin not a terminal: exit $code"; }
pass "stdin not a terminal and no --yes: exit 2 before the editor runs"

# --- an unknown service -------------------------------------------------------------------------
"$daemonize" edit no-such-service --root "$root" --yes >"$work/out" 2>"$work/err"
code=$?
[ "$code" = 66 ] && grep -q 'no-such-service' "$work/err" ||
  { cat "$work/err" >&2; fail "an unknown service: exit $code"; }
pass "an unknown service: exit 66 naming it"
