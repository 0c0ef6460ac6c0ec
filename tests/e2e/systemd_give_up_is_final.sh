#!/usr/bin/env bash
# e2e: a daemonize-mode unit whose watchdog exits 75 (gave up after max_restarts) stays failed,
# and so does one whose watchdog exits 1 (the status of a program it does not restart): systemd
# (Restart=on-abnormal) restarts the watchdog for no exit code. As a control, the same unit whose
# watchdog dies of SIGKILL (a crash) is restarted, so the test can tell the cases apart.
#
# The watchdog is a static stand-in (tests/e2e/helpers/fake_watchdog.cpp) selected with
# --daemonize-path: this checks the unit's restart policy, not the watchdog's give-up logic.
# Usage: systemd_give_up_is_final.sh DAEMONIZE FAKE_WATCHDOG
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
fake_watchdog=${2:?static fake watchdog}
source "$here/lib.sh"
e2e_init

unit=e2e-give-up.service
for code in 75 1 sig9; do
  "$daemonize" render "$here/manifests/give-up.toml" --target systemd -o "$E2E_WORK/out-$code" \
    --daemonize-path "/usr/local/bin/fake-watchdog-$code" >"$E2E_WORK/render.log" 2>&1 ||
    { cat "$E2E_WORK/render.log" >&2; e2e_fail "daemonize render failed"; }
  e2e_copy_in "$fake_watchdog" "/usr/local/bin/fake-watchdog-$code" 0755
done
echo "----- rendered unit (exit 75 variant)"
cat "$E2E_WORK/out-75/systemd/$unit"
grep -qx 'Restart=on-abnormal' "$E2E_WORK/out-75/systemd/$unit" ||
  e2e_fail "the unit lacks Restart=on-abnormal"

e2e_boot

starts() { e2e_run sh -c "cat /run/fake-watchdog/fake-watchdog-$1.starts 2>/dev/null | wc -l"; }

check_variant() {
  local code=$1
  e2e_install_unit "$E2E_WORK/out-$code/systemd/$unit"
  e2e_run systemctl reset-failed "$unit" >/dev/null 2>&1
  # Type=notify: the start job fails when the watchdog exits before READY=1.
  e2e_run systemctl start "$unit" >/dev/null 2>&1
  # Long enough for several restarts at RestartSec=1s.
  sleep 4
  echo "exit $code: starts=$(starts "$code") $(e2e_run systemctl show -p ActiveState -p Result \
    -p NRestarts -p ExecMainStatus "$unit" | tr '\n' ' ')"
}

for code in 75 1; do
  check_variant "$code"
  [ "$(starts "$code")" -eq 1 ] || { e2e_diagnose "$unit"; e2e_fail "exit $code: the watchdog was started $(starts "$code") times, expected once"; }
  [ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] || e2e_fail "exit $code: systemd restarted the unit"
  [ "$(e2e_unit_property "$unit" ExecMainStatus)" = "$code" ] || e2e_fail "exit $code: main status is not $code"
  [ "$(e2e_unit_property "$unit" ActiveState)" = failed ] ||
    e2e_fail "exit $code: the unit is $(e2e_unit_property "$unit" ActiveState), expected failed"
  # Still failed, still one start, a while later.
  sleep 2
  [ "$(starts "$code")" -eq 1 ] && [ "$(e2e_unit_property "$unit" ActiveState)" = failed ] ||
    e2e_fail "exit $code: the unit did not stay failed"
done

check_variant sig9
[ "$(starts sig9)" -ge 2 ] || { e2e_diagnose "$unit"; e2e_fail "control: a watchdog killed by SIGKILL was not restarted"; }
[ "$(e2e_unit_property "$unit" NRestarts)" -ge 1 ] || e2e_fail "control: NRestarts is 0"

e2e_pass "exit 75 and exit 1 are final (1 start, failed, NRestarts=0); a SIGKILL crash is restarted ($(starts sig9) starts)"
