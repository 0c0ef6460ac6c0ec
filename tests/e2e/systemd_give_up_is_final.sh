#!/usr/bin/env bash
# e2e: a daemonize-mode unit whose watchdog exits 75 (gave up after max_restarts) stays failed:
# systemd does not restart it (RestartPreventExitStatus=). As a control, the same unit whose
# watchdog exits 1 (a crash) is restarted, so the test can tell the two apart.
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
for code in 75 1; do
  "$daemonize" render "$here/manifests/give-up.toml" --target systemd -o "$E2E_WORK/out-$code" \
    --daemonize-path "/usr/local/bin/fake-watchdog-$code" >"$E2E_WORK/render.log" 2>&1 ||
    { cat "$E2E_WORK/render.log" >&2; e2e_fail "daemonize render failed"; }
  e2e_copy_in "$fake_watchdog" "/usr/local/bin/fake-watchdog-$code" 0755
done
echo "----- rendered unit (exit 75 variant)"
cat "$E2E_WORK/out-75/systemd/$unit"
grep -qx 'RestartPreventExitStatus=65 75 78' "$E2E_WORK/out-75/systemd/$unit" ||
  e2e_fail "the unit lacks RestartPreventExitStatus=65 75 78"

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

check_variant 75
[ "$(starts 75)" -eq 1 ] || { e2e_diagnose "$unit"; e2e_fail "exit 75: the watchdog was started $(starts 75) times, expected once"; }
[ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] || e2e_fail "exit 75: systemd restarted the unit"
[ "$(e2e_unit_property "$unit" ExecMainStatus)" = 75 ] || e2e_fail "exit 75: main status is not 75"
[ "$(e2e_unit_property "$unit" ActiveState)" = failed ] ||
  e2e_fail "exit 75: the unit is $(e2e_unit_property "$unit" ActiveState), expected failed"
# Still failed, still one start, a while later.
sleep 2
[ "$(starts 75)" -eq 1 ] && [ "$(e2e_unit_property "$unit" ActiveState)" = failed ] ||
  e2e_fail "exit 75: the unit did not stay failed"

check_variant 1
[ "$(starts 1)" -ge 2 ] || { e2e_diagnose "$unit"; e2e_fail "control: a watchdog exiting 1 was not restarted"; }
[ "$(e2e_unit_property "$unit" NRestarts)" -ge 1 ] || e2e_fail "control: NRestarts is 0"

e2e_pass "exit 75 is final (1 start, failed, NRestarts=0); exit 1 is restarted ($(starts 1) starts)"
