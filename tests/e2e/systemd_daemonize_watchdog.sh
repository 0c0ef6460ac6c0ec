#!/usr/bin/env bash
# e2e: daemonize-mode units running the real watchdog (`daemonize run`) under a real systemd:
#  - Type=notify: `systemctl start` returns once the watchdog sent READY=1; the unit is running;
#  - WatchdogSec=: the watchdog pings (WatchdogTimestamp advances within WatchdogSec/2);
#  - the program's stdout reaches the log file in the LogsDirectory= the unit created;
#  - `systemctl reload` (ExecReload= SIGHUP to the watchdog) reaches the program as [reload].signal;
#  - `systemctl stop` (SIGTERM to the watchdog only, KillMode=mixed) reaches it as [stop].signal
#    and the unit stops cleanly;
#  - a program that always fails: the watchdog gives up with exit 75 and systemd does not
#    restart it (Restart=on-abnormal: no exit code restarts the watchdog).
# Usage: systemd_daemonize_watchdog.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

for case in watchdog-real watchdog-give-up; do
  "$daemonize" render "$here/manifests/$case.toml" --target systemd -o "$E2E_WORK/out-$case" \
    >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "render $case failed"; }
done
unit=e2e-watchdog.service
give_up=e2e-watchdog-give-up.service
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$here/manifests/watchdog-real.toml" /etc/daemonize/e2e-watchdog.toml
e2e_copy_in "$here/manifests/watchdog-give-up.toml" /etc/daemonize/e2e-watchdog-give-up.toml
e2e_boot
e2e_install_unit "$E2E_WORK/out-watchdog-real/systemd/$unit"
e2e_install_unit "$E2E_WORK/out-watchdog-give-up/systemd/$give_up"

has_event() { e2e_run cat /run/e2e-events/log 2>/dev/null | grep -qx "$1"; }

# Start: returns only after READY=1 (Type=notify).
timeout 60 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl start "$unit" ||
  { e2e_diagnose "$unit"; e2e_fail "systemctl start $unit failed (no READY=1?)"; }
[ "$(e2e_unit_property "$unit" SubState)" = running ] || { e2e_diagnose "$unit"; e2e_fail "$unit is not running"; }
main_pid=$(e2e_unit_property "$unit" MainPID)
[ "$(e2e_run cat "/proc/$main_pid/comm")" = daemonize ] || e2e_fail "the unit's main process is not the watchdog"
e2e_wait_until 10 has_event started || { e2e_diagnose "$unit"; e2e_fail "the program did not start"; }
e2e_wait_until 10 grep -q started-on-stdout "$E2E_ROOT/var/log/e2e-watchdog/stdout.log" ||
  { e2e_diagnose "$unit"; e2e_fail "no program output in /var/log/e2e-watchdog/stdout.log"; }
e2e_pass "start: READY=1, running, main process is the watchdog, output in LogsDirectory"

# WatchdogSec=30s: the watchdog must ping at least every 15s, else systemd kills it.
[ "$(e2e_unit_property "$unit" WatchdogUSec)" = 30s ] || e2e_fail "WatchdogUSec is not 30s"
pinged_at=$(e2e_unit_property "$unit" WatchdogTimestampMonotonic)
sleep 16
[ "$(e2e_unit_property "$unit" WatchdogTimestampMonotonic)" -gt "$pinged_at" ] ||
  { e2e_diagnose "$unit"; e2e_fail "no WATCHDOG=1 within 16s"; }
[ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] || e2e_fail "the watchdog was restarted"
e2e_pass "watchdog: WATCHDOG=1 pings within WatchdogSec/2"

e2e_run systemctl reload "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl reload failed"; }
e2e_wait_until 10 has_event reloaded || { e2e_diagnose "$unit"; e2e_fail "reload did not reach the program as USR1"; }
e2e_pass "reload: forwarded to the program as SIGUSR1"

e2e_run systemctl stop "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl stop failed"; }
has_event stopping || { e2e_diagnose "$unit"; e2e_fail "stop did not reach the program as SIGINT"; }
[ "$(e2e_unit_property "$unit" Result)" = success ] ||
  { e2e_diagnose "$unit"; e2e_fail "the unit did not stop cleanly: Result=$(e2e_unit_property "$unit" Result)"; }
e2e_pass "stop: SIGINT reached the program, unit stopped with Result=success"

e2e_run systemctl start "$give_up" >/dev/null 2>&1
gave_up() { [ "$(e2e_unit_property "$give_up" ActiveState)" = failed ]; }
e2e_wait_until 30 gave_up || { e2e_diagnose "$give_up"; e2e_fail "the watchdog did not give up"; }
sleep 3  # longer than RestartSec=: a restart would show now
[ "$(e2e_unit_property "$give_up" ActiveState)" = failed ] &&
  [ "$(e2e_unit_property "$give_up" ExecMainStatus)" = 75 ] &&
  [ "$(e2e_unit_property "$give_up" NRestarts)" = 0 ] ||
  { e2e_diagnose "$give_up"; e2e_fail "after giving up: $(e2e_run systemctl show -p ActiveState -p ExecMainStatus -p NRestarts "$give_up" | tr '\n' ' ')"; }
e2e_pass "give up: the watchdog exited 75 and the unit stayed failed (NRestarts=0)"
