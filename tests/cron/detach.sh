#!/usr/bin/env bash
# `daemonize run FILE --detach` with real processes (label integration):
#  - returns promptly, after the child started, and the daemon survives the end of the session
#    it was started from (setsid -w, then that session's process group is killed) and the close
#    of a tmux session (SIGHUP to everything in it);
#  - a second run --detach starts nothing: exit 0, "already running (pid N)", one watchdog, one
#    child;
#  - after SIGKILL of the watchdog, run --detach takes over the stale pidfile;
#  - status NAME / stop NAME through the pidfile; a start-up failure is reported by the caller.
# Usage: detach.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
work=$(mktemp -d)
name="detach-test-$$"
export HOME=$work/home
unset XDG_STATE_HOME XDG_RUNTIME_DIR RUNTIME_DIRECTORY
mkdir -p "$HOME"
if [ "$(id -u)" = 0 ]; then
  pidfile=/var/lib/daemonize/$name.pid log=/var/log/daemonize/$name.log state=/run/daemonize/$name
else
  pidfile=$HOME/.local/state/daemonize/$name.pid log=$HOME/.local/state/daemonize/$name.log
  state=$HOME/.local/state/daemonize/$name
fi
tmux_socket="daemonize-detach-$$"
cleanup() {
  if [ -f "$pidfile" ] && ! flock -n "$pidfile" true; then kill -KILL "$(cat "$pidfile")" 2>/dev/null; fi
  [ -n "${child:-}" ] && kill -KILL "$child" 2>/dev/null
  command -v tmux >/dev/null && tmux -L "$tmux_socket" kill-server 2>/dev/null
  rm -rf "$work" "$pidfile" "$log" "$state"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  exit 1
}

cat >"$work/$name.toml" <<TOML
[service]
name = "$name"
command = "/bin/sleep"
args = ["1000"]
[logs]
stdout = "null"
stderr = "null"
TOML

# The watchdogs of this manifest: the processes whose command line names it (its name is unique).
watchdogs() { pgrep -f -- "$name\.toml" | grep -vx "$$" || true; }
live_pid() { flock -n "$pidfile" true && return 1; cat "$pidfile"; }
children_of() { pgrep -P "$1" || true; }
# Gone, or a zombie its new parent has not reaped yet (the lock is released at exit).
gone() {
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
    sleep 0.1
  done
  return 1
}

# 1. Started from a session that then ends: relative manifest path, own session, prompt return.
cd "$work" || fail "cd"
start=$(date +%s%N)
# Descriptor 9 stands for whatever a caller leaks (a terminal, a socket): the daemon closes it.
setsid -w bash -c "exec 9>'$work/extra-fd'; echo \$\$ >'$work/session1'; '$daemonize' run $name.toml --detach >'$work/out1' 2>'$work/err1'; echo \$? >'$work/rc1'"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(cat "$work/rc1")" = 0 ] || { cat "$work/err1" >&2; fail "run --detach exited $(cat "$work/rc1")"; }
[ "$elapsed_ms" -lt 5000 ] || fail "run --detach took $elapsed_ms ms"
grep -q "^$name: started (watchdog pid [0-9]*, child pid [0-9]*)" "$work/out1" ||
  fail "unexpected output: $(cat "$work/out1")"
watchdog=$(live_pid) || fail "the pidfile $pidfile is not locked"
[ "$(watchdogs)" = "$watchdog" ] || fail "watchdogs: $(watchdogs | tr '\n' ' '), pidfile: $watchdog"
child=$(children_of "$watchdog")
[ "$(echo "$child" | wc -w)" = 1 ] || fail "expected one child, found: $child"
session=$(cat "$work/session1")
[ "$(ps -o sid= -p "$watchdog" | tr -d ' ')" != "$session" ] || fail "the daemon kept the caller's session"
[ "$(ps -o sid= -p "$watchdog" | tr -d ' ')" != "$(ps -o pid= -p "$watchdog" | tr -d ' ')" ] ||
  fail "the daemon is a session leader (could acquire a terminal)"
[ "$(readlink "/proc/$watchdog/cwd")" = / ] || fail "the daemon's cwd is $(readlink "/proc/$watchdog/cwd")"
[ "$(readlink "/proc/$watchdog/fd/0")" = /dev/null ] || fail "stdin is $(readlink "/proc/$watchdog/fd/0")"
[ "$(readlink "/proc/$watchdog/fd/2")" = "$log" ] || fail "stderr is $(readlink "/proc/$watchdog/fd/2"), not $log"
ls -l "/proc/$watchdog/fd/" | grep -q extra-fd && fail "the daemon inherited the caller's descriptor 9"
# Whatever is left of the caller's session (its process group) is killed.
kill -HUP -- "-$session" 2>/dev/null
kill -KILL -- "-$session" 2>/dev/null
sleep 0.3
kill -0 "$watchdog" 2>/dev/null || fail "the daemon died with its caller's session"
kill -0 "$child" 2>/dev/null || fail "the child died with the caller's session"
echo "PASS: run --detach returned in $elapsed_ms ms; watchdog $watchdog (own session, cwd /) and child $child survive the caller's session"

# 2. Double start: nothing new, exit 0, the running pid named.
out=$("$daemonize" run "$work/$name.toml" --detach 2>"$work/err2")
code=$?
[ "$code" = 0 ] || fail "second run --detach exited $code: $(cat "$work/err2")"
[ "$out" = "$name: already running (pid $watchdog)" ] || fail "second run said: $out"
sleep 0.3
[ "$(watchdogs)" = "$watchdog" ] || fail "after a double start: watchdogs $(watchdogs | tr '\n' ' ')"
[ "$(children_of "$watchdog")" = "$child" ] || fail "after a double start: children $(children_of "$watchdog")"
echo "PASS: second run --detach: '$out', still one watchdog and one child"

# 3. status NAME and the state file, found without XDG_RUNTIME_DIR (as under cron).
[ -f "$state/state.json" ] || fail "no state file in $state"
grep -q "\"watchdog_pid\":$watchdog" "$state/state.json" || fail "state file: $(cat "$state/state.json")"
if [ "$(id -u)" = 0 ]; then
  "$daemonize" status "$name" >"$work/status" || fail "status $name exited $?: $(cat "$work/status")"
  grep -q "^$name: running (pid $child" "$work/status" || fail "status: $(cat "$work/status")"
  echo "PASS: status $name reads the detached watchdog's state: $(head -1 "$work/status")"
fi

# 4. SIGKILL of the watchdog: the lock goes with it; the next run takes the stale pidfile over.
kill -KILL "$watchdog"
gone "$watchdog" || fail "SIGKILL did not end $watchdog"
[ "$(cat "$pidfile")" = "$watchdog" ] || fail "the pidfile changed by itself"
flock -n "$pidfile" true || fail "the pidfile is still locked after SIGKILL"
"$daemonize" run "$work/$name.toml" --detach >"$work/out3" 2>"$work/err3" ||
  fail "run --detach over a stale pidfile exited $?: $(cat "$work/err3")"
new_watchdog=$(live_pid) || fail "no lock after the takeover"
[ "$new_watchdog" != "$watchdog" ] || fail "the pidfile still names the killed watchdog"
gone "$child" || fail "the killed watchdog's child $child is still running"
[ "$(watchdogs)" = "$new_watchdog" ] || fail "after the takeover: watchdogs $(watchdogs | tr '\n' ' ')"
child=$(children_of "$new_watchdog")
[ "$(echo "$child" | wc -w)" = 1 ] || fail "after the takeover: children $child"
echo "PASS: after kill -9 of $watchdog, run --detach took the stale pidfile over: watchdog $new_watchdog, child $child"

# 5. stop NAME: SIGTERM through the pidfile, waits for the lock to be released.
"$daemonize" stop "$name" >"$work/stop" 2>&1 || fail "stop $name exited $?: $(cat "$work/stop")"
grep -q "^$name: stopped (watchdog pid $new_watchdog)" "$work/stop" || fail "stop said: $(cat "$work/stop")"
gone "$new_watchdog" || fail "the watchdog still runs after stop returned"
gone "$child" || fail "the child still runs after stop returned"
flock -n "$pidfile" true || fail "the pidfile is still locked after stop"
echo "PASS: stop $name: $(cat "$work/stop")"
# A stop is final for run --detach (final_state.sh); the next steps start it afresh.
rm -f "$state/final.json"

# 6. A tmux session that starts it and is then closed (SIGHUP to its processes).
if command -v tmux >/dev/null; then
  tmux -L "$tmux_socket" new-session -d -s detach "'$daemonize' run '$work/$name.toml' --detach; sleep 600" ||
    fail "tmux new-session"
  # The caller takes the lock before the daemon writes its pid: wait for the new pid.
  for _ in $(seq 100); do
    watchdog=$(live_pid) && [ "$watchdog" != "$new_watchdog" ] && break
    sleep 0.1
  done
  watchdog=$(live_pid) && [ "$watchdog" != "$new_watchdog" ] || fail "not started inside tmux"
  for _ in $(seq 50); do [ -n "$(children_of "$watchdog")" ] && break; sleep 0.1; done
  child=$(children_of "$watchdog")
  tmux -L "$tmux_socket" kill-server
  sleep 0.5
  kill -0 "$watchdog" 2>/dev/null || fail "the daemon died with the tmux session"
  kill -0 "$child" 2>/dev/null || fail "the child died with the tmux session"
  "$daemonize" stop "$name" >/dev/null || fail "stop after tmux"
  echo "PASS: started in tmux, the server killed: watchdog $watchdog and child $child survived"
elif [ "${CI:-}" = true ]; then
  fail "tmux is not installed (scripts/deps/cron.txt)"
else
  echo "SKIP (part): tmux is not installed"
fi

# 7. A start-up failure is reported by the caller, not lost in the background.
cat >"$work/bad.toml" <<TOML
[service]
name = "$name"
command = "/bin/sleep"
args = ["1000"]
required_env = ["DAEMONIZE_DETACH_TEST_UNSET"]
TOML
"$daemonize" run "$work/bad.toml" --detach >"$work/out4" 2>"$work/err4"
code=$?
# The same exit code as a foreground run: 78 (configuration), not a generic 69.
[ "$code" = 78 ] || fail "a missing required_env exited $code (78 expected): $(cat "$work/err4")"
grep -q DAEMONIZE_DETACH_TEST_UNSET "$work/err4" || fail "stderr does not say why: $(cat "$work/err4")"
echo "PASS: a start-up failure exits 78 as a foreground run would, and names the cause on stderr"
