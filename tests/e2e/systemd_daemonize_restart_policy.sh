#!/usr/bin/env bash
# e2e: who restarts what in daemonize mode, under a real systemd 252 and the real watchdog.
# The watchdog applies restart.policy; systemd (Restart=on-abnormal) restarts only a crashed
# watchdog, never because of an exit code:
#  - policy never, the program exits 3: the watchdog exits 3 and the unit stays failed with
#    ExecMainStatus=3, NRestarts=0 and one start of the program, long after RestartSec=;
#  - policy always (exit 0) and on-failure (exit 3): the program is started again and again by
#    the same watchdog (MainPID unchanged), NRestarts=0;
#  - the watchdog SIGKILLed: systemd restarts it (NRestarts=1, a new MainPID, the program runs
#    again).
# Usage: systemd_daemonize_restart_policy.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

policies=(never always on-failure)
for policy in "${policies[@]}"; do
  "$daemonize" render "$here/manifests/policy-$policy.toml" --target systemd \
    -o "$E2E_WORK/out-$policy" >"$E2E_WORK/render.log" 2>&1 ||
    { cat "$E2E_WORK/render.log" >&2; e2e_fail "render policy-$policy failed"; }
  e2e_copy_in "$here/manifests/policy-$policy.toml" "/etc/daemonize/e2e-policy-$policy.toml"
done
echo "----- rendered unit (policy never)"
cat "$E2E_WORK/out-never/systemd/e2e-policy-never.service"
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_boot
for policy in "${policies[@]}"; do
  e2e_install_unit "$E2E_WORK/out-$policy/systemd/e2e-policy-$policy.service"
done

starts() { e2e_run sh -c "cat /run/e2e-policy/$1.starts 2>/dev/null | grep -c '^start'"; }
show() { e2e_run systemctl show -p ActiveState -p Result -p NRestarts -p ExecMainStatus -p MainPID "$1" | tr '\n' ' '; }

# ---- never: the program's exit is final ----------------------------------------------------
unit=e2e-policy-never.service
# Type=notify: the start job may fail when the program (and so the watchdog) ends before READY=1.
e2e_run systemctl start "$unit" >/dev/null 2>&1
failed() { [ "$(e2e_unit_property "$unit" ActiveState)" = failed ]; }
e2e_wait_until 30 failed || { e2e_diagnose "$unit"; e2e_fail "never: the unit did not end failed: $(show "$unit")"; }
sleep 3.5  # RestartSec=1s: three restarts would have happened by now
[ "$(e2e_unit_property "$unit" ActiveState)" = failed ] &&
  [ "$(e2e_unit_property "$unit" ExecMainStatus)" = 3 ] &&
  [ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] &&
  [ "$(starts never)" = 1 ] ||
  { e2e_diagnose "$unit"; e2e_fail "never: expected failed, ExecMainStatus=3, NRestarts=0, 1 start; got $(show "$unit") starts=$(starts never)"; }
e2e_pass "never: the program ran once, the unit stayed failed with ExecMainStatus=3 and NRestarts=0 after 3.5 s (RestartSec=1s)"

# ---- always / on-failure: the watchdog restarts, systemd does not ------------------------------
for policy in always on-failure; do
  unit=e2e-policy-$policy.service
  e2e_run systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "$policy: start failed"; }
  watchdog_pid=$(e2e_unit_property "$unit" MainPID)
  restarted() { [ "$(starts "$policy")" -ge 4 ]; }
  e2e_wait_until 30 restarted || { e2e_diagnose "$unit"; e2e_fail "$policy: the program was not restarted: starts=$(starts "$policy")"; }
  [ "$(e2e_unit_property "$unit" ActiveState)" = active ] &&
    [ "$(e2e_unit_property "$unit" MainPID)" = "$watchdog_pid" ] &&
    [ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] ||
    { e2e_diagnose "$unit"; e2e_fail "$policy: expected active, the same watchdog, NRestarts=0; got $(show "$unit")"; }
  e2e_pass "$policy: $(starts "$policy") starts of the program by one watchdog (MainPID $watchdog_pid), NRestarts=0"
done

# ---- a crashed watchdog is restarted by systemd -----------------------------------------------
unit=e2e-policy-on-failure.service
old_pid=$(e2e_unit_property "$unit" MainPID)
e2e_run systemctl kill --kill-who=main --signal=SIGKILL "$unit" || e2e_fail "systemctl kill failed"
restarted_by_systemd() {
  [ "$(e2e_unit_property "$unit" NRestarts)" = 1 ] &&
    [ "$(e2e_unit_property "$unit" ActiveState)" = active ] &&
    [ "$(e2e_unit_property "$unit" MainPID)" != "$old_pid" ] &&
    [ "$(e2e_unit_property "$unit" MainPID)" != 0 ]
}
e2e_wait_until 30 restarted_by_systemd ||
  { e2e_diagnose "$unit"; e2e_fail "a SIGKILLed watchdog was not restarted by systemd: $(show "$unit")"; }
before=$(starts on-failure)
runs_again() { [ "$(starts on-failure)" -gt "$before" ]; }
e2e_wait_until 10 runs_again || { e2e_diagnose "$unit"; e2e_fail "the restarted watchdog does not run the program"; }
e2e_pass "a SIGKILLed watchdog is restarted by systemd (NRestarts=1, MainPID $old_pid -> $(e2e_unit_property "$unit" MainPID))"
for policy in always on-failure; do e2e_run systemctl stop "e2e-policy-$policy.service"; done
