#!/usr/bin/env bash
# e2e: under a real systemd (tests/e2e/lib.sh), a Type=notify unit running `daemonize run` with
# [health] stays "activating" while its probe fails and becomes "active" only after the first
# healthy probe; the state file then says ready. The renderer gave it a long TimeoutStartSec=.
# Usage: e2e_systemd_health_ready.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/../e2e/lib.sh"
e2e_init

"$daemonize" render "$here/manifests/e2e-health.toml" --target systemd -o "$E2E_WORK/out" \
  >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "render failed"; }
unit=e2e-health.service
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$here/manifests/e2e-health.toml" /etc/daemonize/e2e-health.toml
e2e_boot
e2e_install_unit "$E2E_WORK/out/systemd/$unit"

timeout_start=$(e2e_unit_property "$unit" TimeoutStartUSec)
[ "$timeout_start" = "5min 40s" ] || e2e_fail "TimeoutStartUSec=$timeout_start, expected 5min 40s (start_period + (interval + timeout) x (retries + 1) + 30s)"

e2e_run systemctl start --no-block "$unit" || e2e_fail "systemctl start --no-block failed"
watchdog_running() { [ "$(e2e_unit_property "$unit" MainPID)" != 0 ]; }
e2e_wait_until 20 watchdog_running || { e2e_diagnose "$unit"; e2e_fail "the watchdog did not start"; }
sleep 3  # several failing probes
state=$(e2e_unit_property "$unit" ActiveState)
[ "$state" = activating ] || { e2e_diagnose "$unit"; e2e_fail "ActiveState=$state before any healthy probe (expected activating)"; }
e2e_pass "before the first healthy probe: $unit is activating (TimeoutStartUSec=$timeout_start)"

e2e_run touch /run/e2e-healthy
active() { [ "$(e2e_unit_property "$unit" ActiveState)" = active ]; }
e2e_wait_until 10 active || { e2e_diagnose "$unit"; e2e_fail "$unit did not become active after a healthy probe"; }
e2e_run grep -q '"ready": *true' /run/daemonize/e2e-health/state.json ||
  { e2e_run cat /run/daemonize/e2e-health/state.json >&2; e2e_fail "state file does not say ready"; }
[ "$(e2e_unit_property "$unit" NRestarts)" = 0 ] || e2e_fail "the unit was restarted"
e2e_pass "after the first healthy probe: READY=1, $unit active, state file ready"

e2e_run systemctl stop "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl stop failed"; }
[ "$(e2e_unit_property "$unit" Result)" = success ] || e2e_fail "stop: Result=$(e2e_unit_property "$unit" Result)"
e2e_pass "stop: clean"
