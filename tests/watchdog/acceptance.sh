#!/usr/bin/env bash
# Issue 6 acceptance with the shipped manifests (label integration):
#  - crashing.toml (delay 100ms, multiplier 2, max_restarts 3 in 1m): 3 restarts with growing
#    delays, exit 75;
#  - needs-env.toml (required_env A and B, neither set): exit 78, stderr names A and B.
# Usage: acceptance.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$daemonize" validate "$here/manifests/crashing.toml" >/dev/null || fail "crashing.toml does not validate"
RUNTIME_DIRECTORY=$work env -u A -u B "$daemonize" run "$here/manifests/crashing.toml" 2>"$work/crashing.err"
code=$?
[ "$code" = 75 ] || { cat "$work/crashing.err" >&2; fail "crashing.toml: exit $code, expected 75"; }
for delay in 100 200 400; do
  grep -q "backing off $delay ms" "$work/crashing.err" || { cat "$work/crashing.err" >&2; fail "no backoff of $delay ms"; }
done
[ "$(grep -c 'spawned pid' "$work/crashing.err")" = 4 ] || fail "expected 1 start + 3 restarts"
grep -q '"recent_delays_ms":\[100,200,400\]' "$work/state.json" || fail "state file delays: $(cat "$work/state.json")"
echo "PASS: crashing.toml restarted 3 times (100, 200, 400 ms) and exited 75"

env -u A -u B RUNTIME_DIRECTORY=$work "$daemonize" run "$here/manifests/needs-env.toml" 2>"$work/env.err"
code=$?
[ "$code" = 78 ] || fail "needs-env.toml: exit $code, expected 78"
grep -q "variable A " "$work/env.err" && grep -q "variable B " "$work/env.err" ||
  { cat "$work/env.err" >&2; fail "stderr does not name A and B"; }
[ "$(wc -l <"$work/env.err")" = 2 ] || { cat "$work/env.err" >&2; fail "expected one line per variable"; }
echo "PASS: needs-env.toml exited 78 naming A and B, one per line"

# --detach --pidfile: returns at once, the daemon holds the pidfile lock, SIGTERM stops it.
cat >"$work/detached.toml" <<TOML
[service]
name = "detached"
command = "/bin/sleep"
args = ["1000"]
[logs]
stdout = "null"
stderr = "null"
TOML
RUNTIME_DIRECTORY=$work/detached "$daemonize" run "$work/detached.toml" --detach --pidfile "$work/detached.pid" ||
  fail "run --detach exited $?"
pid=$(cat "$work/detached.pid")
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || fail "no live watchdog in the pidfile"
[ "$(cat "/proc/$pid/comm")" = daemonize ] || fail "pidfile names $(cat "/proc/$pid/comm"), not the watchdog"
RUNTIME_DIRECTORY=$work/other "$daemonize" run "$work/detached.toml" --pidfile "$work/detached.pid" 2>"$work/second.err"
[ $? = 69 ] || fail "a second watchdog with the same pidfile did not refuse (exit 69)"
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the detached watchdog did not stop"
echo "PASS: --detach --pidfile: daemon running with a locked pidfile, stopped by SIGTERM"
