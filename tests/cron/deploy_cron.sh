#!/usr/bin/env bash
# `deploy --target cron` with the real crontab(1) (label integration; no cron daemon needed):
# no crontab at first → one block, removed back to no crontab; with operator lines around it:
# twice → exactly one block; a changed path → the block updated in place; a changed manifest →
# the detached watchdog restarted; remove → the block gone and every other line untouched.
# Runs as root on root's own crontab (restored at the end) with a user-scope manifest under a
# temporary HOME; as another user on that user's crontab.
# Usage: deploy_cron.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
if ! command -v crontab >/dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: crontab is not installed (package cron, scripts/deps/cron.txt)" >&2; exit 1; }
  echo "SKIP: crontab is not installed (package cron)"
  exit 77
fi
work=$(mktemp -d)
name="cron-test-$$"
export HOME=$work/home
unset XDG_STATE_HOME XDG_RUNTIME_DIR RUNTIME_DIRECTORY
mkdir -p "$HOME"
if [ "$(id -u)" = 0 ]; then
  pidfile=/var/lib/daemonize/$name.pid log=/var/log/daemonize/$name.log state=/run/daemonize/$name
else
  pidfile=$HOME/.local/state/daemonize/$name.pid log=$HOME/.local/state/daemonize/$name.log
  state=$HOME/.local/state/daemonize/$name
fi
had_crontab=false
crontab -l >"$work/saved-crontab" 2>/dev/null && had_crontab=true
cleanup() {
  if [ -f "$pidfile" ] && ! flock -n "$pidfile" true; then kill -KILL "$(cat "$pidfile")" 2>/dev/null; fi
  if $had_crontab; then crontab "$work/saved-crontab"; else crontab -r 2>/dev/null; fi
  rm -rf "$work" "$pidfile" "$log" "$state"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- crontab -l:" >&2; crontab -l >&2
  [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  exit 1
}

write_manifest() {
  cat >"$work/m.toml" <<TOML
[service]
name = "$name"
scope = "user"
command = "/bin/sleep"
args = ["$1"]
[logs]
stdout = "null"
stderr = "null"
TOML
}
deploy() { "$daemonize" deploy "$work/m.toml" --target cron --daemonize-path "$1" >"$work/deploy.out" 2>&1 ||
  { cat "$work/deploy.out" >&2; fail "deploy exited $?"; }; }
blocks() { crontab -l 2>/dev/null | grep -c "^# BEGIN daemonize $name " ; }
outside() { crontab -l 2>/dev/null | sed "/^# BEGIN daemonize $name /,/^# END daemonize $name\$/d"; }
live_pid() { flock -n "$pidfile" true 2>/dev/null && return 1; cat "$pidfile"; }
manifest=$HOME/.config/daemonize/$name.toml

# A. No crontab at all: deploy adds the block, remove goes back to no crontab.
crontab -r 2>/dev/null
write_manifest 1000
deploy "$work/bin/daemonize"
[ "$(blocks)" = 1 ] || fail "first deploy without a crontab: $(blocks) blocks"
crontab -l | grep -qxF "* * * * * '$work/bin/daemonize' run '$manifest' --detach >/dev/null" ||
  fail "no every-minute line for $manifest"
live_pid >/dev/null || fail "deploy did not start the detached watchdog: $(cat "$work/deploy.out")"
"$daemonize" remove "$work/m.toml" >"$work/remove.out" 2>&1 || { cat "$work/remove.out" >&2; fail "remove exited $?"; }
crontab -l >/dev/null 2>&1 && [ -n "$(crontab -l)" ] && fail "remove left a crontab: $(crontab -l)"
live_pid >/dev/null && fail "remove left the watchdog running"
[ -e "$manifest" ] && fail "remove left $manifest"
echo "PASS: no crontab → deploy added one block and started the watchdog → remove left no crontab"

# B. Operator lines before and after: they never change.
printf '%s\n' 'MAILTO=""' '# the operator'"'"'s own jobs' '0 3 * * * /bin/true outside-1' | crontab -
before=$(outside)
# diff shows the crontab block deploy would add (exit 1), and nothing once it is there.
code=0
"$daemonize" diff "$work/m.toml" --target cron --daemonize-path "$work/bin/daemonize" >"$work/diff.out" 2>&1 || code=$?
[ "$code" = 1 ] || { cat "$work/diff.out" >&2; fail "diff before deploy exited $code, not 1"; }
grep -q "^+\* \* \* \* \* '$work/bin/daemonize' run" "$work/diff.out" ||
  { cat "$work/diff.out" >&2; fail "diff does not show the crontab block"; }
deploy "$work/bin/daemonize"
[ "$(blocks)" = 1 ] || fail "deploy: $(blocks) blocks"
[ "$(outside)" = "$before" ] || fail "deploy changed lines outside the block"
first=$(live_pid) || fail "deploy did not start the watchdog"
deploy "$work/bin/daemonize"
grep -q "up to date" "$work/deploy.out" || fail "second deploy was not up to date: $(cat "$work/deploy.out")"
[ "$(blocks)" = 1 ] || fail "second deploy: $(blocks) blocks"
[ "$(live_pid)" = "$first" ] || fail "second deploy replaced the watchdog"
"$daemonize" diff "$work/m.toml" --target cron --daemonize-path "$work/bin/daemonize" >/dev/null ||
  fail "diff after deploy exited $?"
echo "PASS: deploy twice → exactly one block, watchdog $first untouched, other lines unchanged"

# The operator adds a line after the block; a new daemonize path rewrites the block in place.
(crontab -l; echo '30 * * * * /bin/true outside-2') | crontab -
before=$(outside)
deploy "$work/bin2/daemonize"
[ "$(blocks)" = 1 ] || fail "update: $(blocks) blocks"
[ "$(outside)" = "$before" ] || fail "update changed lines outside the block"
crontab -l | tail -1 | grep -qx '30 \* \* \* \* /bin/true outside-2' || fail "the block moved: $(crontab -l)"
crontab -l | grep -q "'$work/bin2/daemonize' run" || fail "the block was not updated"
crontab -l | grep -q "'$work/bin/daemonize' run" && fail "the old block lines remain"
second=$(live_pid) || fail "no watchdog after the update"
[ "$second" != "$first" ] || fail "a new daemonize binary did not restart the watchdog"
echo "PASS: changed daemonize path → block updated in place (later lines stay after it), watchdog restarted ($first → $second)"

# A changed manifest restarts the watchdog with it; the block stays as it is.
block_before=$(crontab -l)
write_manifest 2000
deploy "$work/bin2/daemonize"
[ "$(crontab -l)" = "$block_before" ] || fail "a manifest change rewrote the crontab"
third=$(live_pid) || fail "no watchdog after the manifest change"
[ "$third" != "$second" ] || fail "the manifest change did not restart the watchdog"
for _ in $(seq 50); do pgrep -P "$third" -f "sleep 2000" >/dev/null && break; sleep 0.1; done
pgrep -P "$third" -f "sleep 2000" >/dev/null || fail "the new watchdog does not run the new command"
echo "PASS: changed manifest → crontab unchanged, watchdog restarted ($second → $third) with the new args"

# stop/start through the receipt and the pidfile.
"$daemonize" stop "$name" >"$work/stop.out" 2>&1 || fail "stop exited $?: $(cat "$work/stop.out")"
live_pid >/dev/null && fail "stop left the watchdog running"
"$daemonize" start "$name" >"$work/start.out" 2>&1 || fail "start exited $?: $(cat "$work/start.out")"
live_pid >/dev/null || fail "start did not start it: $(cat "$work/start.out")"
echo "PASS: stop $name / start $name: $(tail -1 "$work/start.out")"

# remove: the block goes, every other line stays byte for byte.
"$daemonize" remove "$name" >"$work/remove.out" 2>&1 || { cat "$work/remove.out" >&2; fail "remove exited $?"; }
[ "$(blocks)" = 0 ] || fail "remove left $(blocks) blocks"
[ "$(crontab -l)" = "$before" ] || fail "remove changed other lines: $(crontab -l)"
live_pid >/dev/null && fail "remove left the watchdog running"
echo "PASS: remove → block gone, operator lines untouched, watchdog stopped"
