#!/usr/bin/env bash
# `daemonize list`, `daemonize logs` and the log part of `daemonize status` through the real
# binary, with a real `run --detach` watchdog whose child writes numbered lines fast enough to
# rotate (and gzip) its log files every second (label integration):
#  - list / list --json: the service's row (detached, running, the child's pid, memory of the
#    tree) and, after stop, "stopped";
#  - logs -n across rotated .gz files: exactly N consecutive lines ending near the live end;
#    --stdout / --stderr; --since (a duration, a future instant, a bad value: the exact error);
#    --events: the watchdog's own log; an unknown name: the exact error, exit 66; "inherit"
#    nobody keeps: one line, exit 66; a launchd job's watchdog.log for "inherit" and --events;
#  - logs -f for 4 s across several rotations: every line once, in order, none lost;
#  - status NAME and --json name the log files, count the rotated ones, show the last lines.
# Usage: list_logs_status.sh DAEMONIZE
set -uo pipefail
daemonize=${1:?daemonize binary}
work=$(mktemp -d)
name="list-logs-$$"
source "$(dirname "$0")/../lib/detached.sh"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

logs=$work/logs
# About 100 lines a second on each stream; 2 KiB files rotate about every second.
cat >"$work/$name.toml" <<TOML
[service]
name = "$name"
command = "/bin/sh"
args = ["-c", "i=0; while :; do i=\$\$((i+1)); echo \"out \$\$i\"; echo \"err \$\$i\" >&2; sleep 0.01; done"]
[logs]
directory = "$logs"
max_size = "2KiB"
max_files = 1000
compress = true
timestamps = true
TOML

"$daemonize" run "$work/$name.toml" --detach >/dev/null || fail "run --detach"
sleep 4

# ---- list -------------------------------------------------------------------------------------
child=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$state/state.json")
row=$("$daemonize" list | awk -v n="$name" '$1 == n')
[ -n "$row" ] || fail "list has no row for $name"
read -r r_name r_target r_scope r_state r_pid r_uptime r_restarts r_memory r_health <<<"$row"
[ "$r_target" = detached ] || fail "list target: $row"
[ "$r_state" = running ] || fail "list state: $row"
[ "$r_pid" = "$child" ] || fail "list pid $r_pid, child $child"
[[ "$r_uptime" =~ ^[0-9]+s$ ]] || fail "list uptime: $row"
[ "$r_restarts" = 0 ] || fail "list restarts: $row"
[[ "$r_memory" =~ ^[0-9.]+[KM]$ ]] || fail "list memory: $row"
[ "$r_health" = - ] || fail "list health: $row"
# Read whole first: `| head -1` can end the pipe while list still writes (SIGPIPE, pipefail).
listing=$("$daemonize" list)
head -1 <<<"$listing" | grep -Eq '^NAME +TARGET +SCOPE +STATE +PID +UPTIME +RESTARTS +MEMORY +HEALTH$' ||
  fail "list header: $(head -1 <<<"$listing")"
"$daemonize" list --json | python3 -c '
import json, sys
name, child, state = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = [r for r in json.load(sys.stdin) if r["name"] == name]
assert len(rows) == 1, rows
r = rows[0]
assert r["target"] == "detached" and r["state"] == "running" and r["pid"] == child, r
assert r["restarts"] == 0 and r["uptime_seconds"] >= 1, r
assert r["memory_bytes"] > 100 * 1024, r   # the watchdog alone holds more than that
assert r["state_file"] == state + "/state.json" and r["receipt"] is None, r
' "$name" "$child" "$state" || fail "list --json"

# ---- logs -n across rotated and gzipped files ---------------------------------------------------
ls "$logs" | grep -q '^stdout\.log\.[0-9T.]*Z\.gz$' || fail "no gzipped rotation yet: $(ls "$logs")"
# Checks that stdin holds exactly $2 lines "<stamp> $1 N" with consecutive N.
consecutive() {
  python3 -c '
import sys
prefix, want = sys.argv[1], int(sys.argv[2])
lines = sys.stdin.read().splitlines()
assert len(lines) == want, (len(lines), lines[:3])
numbers = []
for line in lines:
    stamp, word, number = line.split(" ")
    assert stamp.endswith("Z") and word == prefix, line
    numbers.append(int(number))
assert numbers == list(range(numbers[0], numbers[0] + want)), numbers
print(numbers[-1])
' "$@"
}
# The highest line number in the live file (lines only grow; a partial last line is lower).
live_end() { awk '/ out [0-9]+$/ { if ($3 + 0 > n) n = $3 + 0 } END { print n + 0 }' "$logs/stdout.log"; }
live_before=$(live_end)
last=$("$daemonize" logs "$name" --stdout -n 300 | consecutive out 300) || fail "logs -n 300"
live_after=$(live_end)
[ "$last" -ge "$live_before" ] && [ "$last" -le "$live_after" ] ||
  fail "logs -n ended at $last, the live file at $live_before before and $live_after after"
"$daemonize" logs "$name" --stderr -n 7 | consecutive err 7 >/dev/null || fail "logs --stderr -n 7"
both=$("$daemonize" logs "$name" -n 2)
[ "$(grep -c '^==> ' <<<"$both")" = 2 ] || fail "logs of two files without headers: $both"
grep -qx "==> $logs/stdout.log <==" <<<"$both" || fail "no stdout header: $both"
grep -qx "==> $logs/stderr.log <==" <<<"$both" || fail "no stderr header: $both"
[ "$("$daemonize" logs "$name" --stdout | wc -l)" = 10 ] || fail "logs without -n: not 10 lines"

# ---- --since ------------------------------------------------------------------------------------
since_lines=$("$daemonize" logs "$name" --stdout --since 2s) || fail "logs --since 2s"
python3 - "$since_lines" <<'PY' || fail "logs --since 2s kept old lines or too few"
import datetime, sys
lines = sys.argv[1].splitlines()
now = datetime.datetime.now(datetime.timezone.utc)
assert 20 <= len(lines) <= 400, len(lines)
for line in lines:
    stamp = datetime.datetime.strptime(line.split(" ")[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    assert now - stamp < datetime.timedelta(seconds=3.5), line
PY
[ -z "$("$daemonize" logs "$name" --stdout --since 2099-01-01T00:00:00Z)" ] || fail "--since in the future printed lines"
out=$("$daemonize" logs "$name" --since yesterday 2>&1)
[ $? = 2 ] || fail "--since yesterday: exit code"
[ "$out" = "daemonize: --since: 'yesterday' is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a date and time (2026-12-07T06:00:00Z, 2026-12-07 07:00, 2026-12-07)" ] ||
  fail "--since yesterday: $out"

# ---- --events and errors ------------------------------------------------------------------------
"$daemonize" logs "$name" --events | grep -Eq "^[0-9T:.-]+Z daemonize\[$name\] info: spawned pid $child$" ||
  fail "logs --events: $("$daemonize" logs "$name" --events)"
out=$("$daemonize" logs "no-such-$name" 2>&1)
[ $? = 66 ] || fail "logs of an unknown service: exit code"
[ "$out" = "daemonize: no-such-$name: no such service (no manifest, watchdog state, receipt or detached watchdog log found; give the manifest: daemonize logs FILE)" ] ||
  fail "logs of an unknown service: $out"

# "inherit" with nowhere daemonize can read it: one line saying so, exit 66.
cat >"$work/inherit-$name.toml" <<TOML
[service]
name = "inherit-$name"
command = "/bin/true"
[logs]
stdout = "inherit"
stderr = "null"
TOML
out=$("$daemonize" logs "$work/inherit-$name.toml" 2>&1)
[ $? = 66 ] || fail "logs of inherit output nobody keeps: exit code"
[ "$out" = "daemonize: inherit-$name: output with \"inherit\" goes where the watchdog's own output goes (the service manager's log), which daemonize cannot read" ] ||
  fail "logs of inherit output nobody keeps: $out"

# A launchd job (a receipt as deploy writes it on a Mac, in user scope): the watchdog's own output,
# the program's "inherit" streams included, is <logs.directory>/watchdog.log (StandardOutPath).
agent=agent-$name
mkdir -p "$work/agent-logs" "$HOME/.local/state/daemonize"
cat >"$work/$agent.toml" <<TOML
[service]
name = "$agent"
command = "/bin/true"
scope = "user"
[logs]
directory = "$work/agent-logs"
stdout = "inherit"
stderr = "null"
TOML
printf '{"schema":1,"service":"%s","target":"launchd","scope":"user","service_id":"gui/0/org.daemonize.%s","daemonize_version":"0.1.0","deployed_at":"2026-12-07T10:00:00Z","manifest_source":"%s","files":[{"path":"%s","kind":"manifest","sha256":"0","mode":416}],"daemonize_path":"/usr/local/bin/daemonize","env_files":{},"log_directory":"","log_directory_created":false,"users_created":[],"groups_created":[]}\n' \
  "$agent" "$agent" "$work/$agent.toml" "$work/$agent.toml" >"$HOME/.local/state/daemonize/$agent.json"
printf '2026-12-07T10:00:00.000Z daemonize[%s] info: spawned pid 42\nprogram line\n' "$agent" >"$work/agent-logs/watchdog.log"
[ "$("$daemonize" logs "$agent" -n 1)" = "program line" ] || fail "launchd inherit: $("$daemonize" logs "$agent" 2>&1)"
"$daemonize" logs "$agent" --events | grep -qx "2026-12-07T10:00:00.000Z daemonize\[$agent\] info: spawned pid 42" ||
  fail "launchd --events: $("$daemonize" logs "$agent" --events 2>&1)"
rm -f "$HOME/.local/state/daemonize/$agent.json"

# ---- -f across rotations --------------------------------------------------------------------------
rotations_before=$(ls "$logs" | grep -c '^stdout\.log\.')
timeout 4 "$daemonize" logs "$name" --stdout -f -n 1 >"$work/follow.txt"
[ $? = 124 ] || fail "logs -f ended by itself"
rotations_after=$(ls "$logs" | grep -c '^stdout\.log\.')
[ "$((rotations_after - rotations_before))" -ge 2 ] ||
  fail "only $((rotations_after - rotations_before)) rotations while following"
count=$(wc -l <"$work/follow.txt")
[ "$count" -ge 100 ] || fail "logs -f printed only $count lines"
consecutive out "$count" <"$work/follow.txt" >/dev/null ||
  fail "logs -f lost or repeated lines across $((rotations_after - rotations_before)) rotations"

# ---- status ---------------------------------------------------------------------------------------
status=$("$daemonize" status "$name")
grep -Eq "^  stdout:     $logs/stdout.log \(\+[0-9]+ rotated\)$" <<<"$status" || fail "status: $status"
grep -Eq "^  stderr:     $logs/stderr.log \(\+[0-9]+ rotated\)$" <<<"$status" || fail "status: $status"
grep -qx "  last lines of $logs/stdout.log:" <<<"$status" || fail "status: no last lines: $status"
[ "$(grep -Ec '^    [0-9T:.-]+Z out [0-9]+$' <<<"$status")" = 5 ] || fail "status: not 5 stdout lines"
"$daemonize" status "$name" --json | python3 -c '
import json, sys
logs_dir = sys.argv[1]
views = json.load(sys.stdin)["logs"]
assert [v["streams"] for v in views] == ["stdout", "stderr"], views
out = views[0]
assert out["kind"] == "file" and out["file"] == logs_dir + "/stdout.log", out
assert len(out["rotated"]) >= 3 and all(f.startswith(logs_dir + "/stdout.log.") for f in out["rotated"]), out
assert any(f.endswith(".gz") for f in out["rotated"]), out
assert len(out["last_lines"]) == 5 and all(" out " in l for l in out["last_lines"]), out
' "$logs" || fail "status --json logs"

# ---- after stop ---------------------------------------------------------------------------------
"$daemonize" stop "$name" >/dev/null || fail "stop"
row=$("$daemonize" list | awk -v n="$name" '$1 == n')
read -r r_name r_target r_scope r_state r_pid r_rest <<<"$row"
[ "$r_state" = stopped ] && [ "$r_pid" = - ] || fail "list after stop: $row"
echo "PASS"
