#!/usr/bin/env bash
# A detached watchdog's end is final for `run --detach` (what the crontab's lines run), with real
# processes (label integration):
#  - a crash loop gives up (exit 75) and leaves final.json; the next `run --detach` starts
#    nothing (exit 0, one line on stdout, nothing on stderr: cron stays quiet); `status NAME`
#    shows it and how to clear it; `daemonize start NAME` clears it and starts the service;
#  - a changed manifest and a marker of another boot no longer hold it down;
#  - `restart.policy = "never"` and exit 0: the same;
#  - `daemonize stop NAME`, then `run --detach`: it stays stopped until `daemonize start NAME`
#    (or `restart`); a restart of a running one leaves no final state.
# Usage: final_state.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
work=$(mktemp -d)
name="final-test-$$"
source "$(dirname "$0")/../lib/detached.sh"
marker=$state/final.json
manifest=$work/$name.toml
fail() {
  echo "FAIL: $*" >&2
  [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  [ -f "$marker" ] && { echo "--- $marker" >&2; cat "$marker" >&2; }
  exit 1
}
locked() { ! flock -n "$pidfile" true; }
wait_unlocked() {
  for _ in $(seq 200); do locked || return 0; sleep 0.1; done
  return 1
}
# A program that crashes until $work/ok exists, then runs.
write_manifest() {  # POLICY EXTRA_LINE
  cat >"$manifest" <<TOML
[service]
name = "$name"
command = "/bin/sh"
args = ["-c", "[ -f '$work/ok' ] && exec sleep 1000; sleep 0.2; exit 3"]
[restart]
policy = "$1"
delay = "50ms"
max_restarts = 2
window = "1m"
[logs]
stdout = "null"
stderr = "null"
$2
TOML
}
# `run --detach` while held down: exit 0, "not started", nothing on stderr, no watchdog.
expect_held() {  # WHAT
  out=$("$daemonize" run "$manifest" --detach 2>"$work/err")
  code=$?
  [ "$code" = 0 ] || fail "$1: run --detach exited $code: $(cat "$work/err")"
  [ ! -s "$work/err" ] || fail "$1: run --detach wrote to stderr (cron mails it): $(cat "$work/err")"
  case "$out" in "$name: not started: "*"daemonize start $name"*) ;; *) fail "$1: run --detach said: $out" ;; esac
  locked && fail "$1: run --detach started a watchdog"
  echo "PASS: $1: run --detach: $out"
}
expect_started() {  # WHAT OUTPUT
  case "$2" in *"$name: started (watchdog pid "*) ;; *) fail "$1: said: $2" ;; esac
  locked || fail "$1: no watchdog holds the pidfile"
}

# 1. A crash loop gives up; the next run --detach does not start it.
write_manifest on-failure ""
out=$("$daemonize" run "$manifest" --detach 2>&1)
wait_unlocked || fail "the crash loop did not give up: $out"
expect_held "after giving up"
grep -q '"reason":"gave_up"' "$marker" || fail "no gave_up marker"
grep -q '"exit_code":75' "$marker" || fail "the marker does not record exit 75"
grep -q "\"boot_id\":\"$(cat /proc/sys/kernel/random/boot_id)\"" "$marker" || fail "no boot id"
status=$("$daemonize" status "$name" 2>&1)
case "$status" in *"final:      gave up (exit 75)"*"until \`daemonize start $name\`"*) ;;
  *) fail "status does not show the final state: $status" ;; esac
json=$("$daemonize" status "$name" --json)  # exit 1: not running
case "$json" in *'"final":{"reason":"gave_up"'*) ;; *) fail "status --json: no final: $json" ;; esac
echo "PASS: status shows it: $(echo "$status" | grep final:)"

# 2. A marker of another boot, and a changed manifest, do not hold.
sed -i 's/"boot_id":"[^"]*"/"boot_id":"00000000-0000-0000-0000-000000000000"/' "$marker"
out=$("$daemonize" run "$manifest" --detach 2>&1)
case "$out" in *"not started"*) fail "a marker of another boot held it: $out" ;; esac
wait_unlocked || fail "did not give up again"
expect_held "gave up again"
echo "# a new deploy" >>"$manifest"
out=$("$daemonize" run "$manifest" --detach 2>&1)
case "$out" in *"not started"*) fail "a changed manifest was held down: $out" ;; esac
wait_unlocked || fail "did not give up a third time"
echo "PASS: another boot's marker and a changed manifest start it again"

# 3. daemonize start NAME clears it and starts.
touch "$work/ok"
out=$("$daemonize" start "$name" 2>&1) || fail "start $name exited $?: $out"
case "$out" in *"$name: cleared its final state (gave up (exit 75)"*) ;; *) fail "start said: $out" ;; esac
expect_started "start after giving up" "$out"
[ ! -e "$marker" ] || fail "start left the marker"
echo "PASS: daemonize start $name: $(echo "$out" | tr '\n' ' ')"

# 4. stop, then run --detach: stays stopped; start starts it.
"$daemonize" stop "$name" >"$work/stop" 2>&1 || fail "stop exited $?: $(cat "$work/stop")"
grep -q '"reason":"stopped"' "$marker" || fail "stop left no stopped marker"
expect_held "after stop"
out=$("$daemonize" start "$name" 2>&1) || fail "start after stop exited $?: $out"
expect_started "start after stop" "$out"
echo "PASS: stop, then run --detach: stays stopped; start started it"
# restart is not a stop: it leaves no marker behind
"$daemonize" restart "$name" >"$work/restart" 2>&1 || fail "restart exited $?: $(cat "$work/restart")"
[ ! -e "$marker" ] || fail "restart left a marker: $(cat "$marker")"
locked || fail "not running after restart"
"$daemonize" stop "$name" >/dev/null 2>&1 || fail "second stop"
expect_held "after the second stop"
out=$("$daemonize" restart "$name" 2>&1) || fail "restart after stop exited $?: $out"
case "$out" in *"cleared its final state (stopped"*) ;; *) fail "restart after stop said: $out" ;; esac
expect_started "restart after stop" "$out"
"$daemonize" stop "$name" >/dev/null 2>&1 || fail "third stop"
echo "PASS: restart after a stop clears the final state and starts it"
rm -f "$marker" "$work/ok"

# 5. policy never, exit 0.
cat >"$manifest" <<TOML
[service]
name = "$name"
command = "/bin/sh"
args = ["-c", "sleep 1; exit 0"]
[restart]
policy = "never"
[logs]
stdout = "null"
stderr = "null"
TOML
out=$("$daemonize" run "$manifest" --detach 2>&1) || fail "never: run --detach exited $?: $out"
wait_unlocked || fail "never: the watchdog did not end"
grep -q '"reason":"exited"' "$marker" || fail "never: no exited marker"
grep -q '"exit_code":0' "$marker" || fail "never: the marker does not record exit 0"
expect_held "never + exit 0"
out=$("$daemonize" start "$name" 2>&1) || fail "never: start exited $?: $out"
case "$out" in *"cleared its final state"*"$name: started (watchdog pid "*) ;; *) fail "never: start said: $out" ;; esac
wait_unlocked || fail "never: the restarted watchdog did not end"
echo "PASS: never + exit 0 is final too; start ran it again"
