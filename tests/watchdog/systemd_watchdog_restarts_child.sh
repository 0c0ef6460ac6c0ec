#!/usr/bin/env bash
# e2e (real systemd 252 in a container, tests/e2e/lib.sh): a daemonize-mode unit whose child is
# killed gets its child back from the watchdog itself — the unit stays active, its main process
# (the watchdog) is unchanged, systemd counts no restart — and `daemonize status NAME` inside
# the container reads the state file from the unit's RuntimeDirectory=.
# Usage: systemd_watchdog_restarts_child.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/../e2e/lib.sh"
e2e_init

name=e2e-watchdog-restart
unit=$name.service
cat >"$E2E_WORK/$name.toml" <<TOML
[service]
name = "$name"
command = "/bin/sleep"
args = ["1000"]

[restart]
policy = "always"
delay = "200ms"

[logs]
stdout = "inherit"
stderr = "inherit"
TOML
"$daemonize" render "$E2E_WORK/$name.toml" --target systemd -o "$E2E_WORK/out" >"$E2E_WORK/render.log" 2>&1 ||
  { cat "$E2E_WORK/render.log" >&2; e2e_fail "render failed"; }
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$E2E_WORK/$name.toml" "/etc/daemonize/$name.toml"
e2e_boot
e2e_install_unit "$E2E_WORK/out/systemd/$unit"

state=/run/daemonize/$name/state.json
child_pid() { e2e_run cat "$state" 2>/dev/null | sed -n 's/.*"pid":\([0-9]*\),.*/\1/p'; }
restarts() { e2e_run cat "$state" 2>/dev/null | sed -n 's/.*"restarts":\([0-9]*\),.*/\1/p'; }

timeout 60 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl start "$unit" ||
  { e2e_diagnose "$unit"; e2e_fail "systemctl start $unit failed"; }
watchdog_pid=$(e2e_unit_property "$unit" MainPID)
first=$(child_pid)
[ -n "$first" ] && [ "$first" -gt 0 ] || { e2e_diagnose "$unit"; e2e_fail "no child pid in $state"; }
e2e_run daemonize status "$name" >"$E2E_WORK/status.txt" ||
  { cat "$E2E_WORK/status.txt" >&2; e2e_fail "daemonize status $name did not report running"; }
grep -q "^$name: running (pid $first" "$E2E_WORK/status.txt" || e2e_fail "status: $(cat "$E2E_WORK/status.txt")"
e2e_pass "started: child pid $first under watchdog pid $watchdog_pid; daemonize status reads RuntimeDirectory="

e2e_run kill -KILL "$first"
came_back() { local now; now=$(child_pid); [ -n "$now" ] && [ "$now" != 0 ] && [ "$now" != "$first" ]; }
e2e_wait_until 10 came_back || { e2e_diagnose "$unit"; e2e_fail "the killed child did not come back"; }
[ "$(e2e_unit_property "$unit" ActiveState)" = active ] || e2e_fail "the unit is not active"
[ "$(e2e_unit_property "$unit" MainPID)" = "$watchdog_pid" ] || e2e_fail "the watchdog itself was replaced"
[ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] || e2e_fail "systemd restarted the unit"
[ "$(restarts)" = 1 ] || e2e_fail "state file restarts=$(restarts), expected 1"
e2e_pass "killed child came back as pid $(child_pid); unit active, same watchdog, NRestarts=0, restarts=1"

e2e_run systemctl stop "$unit" || e2e_fail "systemctl stop failed"
[ "$(e2e_unit_property "$unit" Result)" = success ] || e2e_fail "Result=$(e2e_unit_property "$unit" Result)"
e2e_pass "stopped cleanly"
