#!/usr/bin/env bash
# e2e: stop.timeout = "0s" means one thing under a real systemd 252, native or daemonize mode:
# stop.signal first, then the whole tree is killed at once. The program (helpers/stop_recorder)
# records each signal from its handler and never exits on its own, so only a SIGKILL ends it:
#  - `systemctl stop` returns in well under a second (TimeoutStopSec=0 would wait forever);
#  - the program's log shows stop.signal (SIGINT = 2) after its start;
#  - no process of the unit is left.
# Usage: systemd_stop_timeout_zero.sh DAEMONIZE STOP_RECORDER
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
stop_recorder=${2:?static stop recorder}
source "$here/lib.sh"
e2e_init

for mode in native watchdog; do
  "$daemonize" render "$here/manifests/stop-zero-$mode.toml" --target systemd \
    -o "$E2E_WORK/out-$mode" >"$E2E_WORK/render.log" 2>&1 ||
    { cat "$E2E_WORK/render.log" >&2; e2e_fail "render stop-zero-$mode failed"; }
  e2e_copy_in "$here/manifests/stop-zero-$mode.toml" "/etc/daemonize/e2e-stop-zero-$mode.toml"
  grep '^TimeoutStopSec=' "$E2E_WORK/out-$mode/systemd/e2e-stop-zero-$mode.service"
done
grep -qx 'TimeoutStopSec=0' "$E2E_WORK/out-native/systemd/e2e-stop-zero-native.service" &&
  e2e_log "the native unit says TimeoutStopSec=0 (no timeout): the stop below will hang"
e2e_copy_in "$stop_recorder" /usr/local/bin/stop-recorder 0755
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
mkdir -p "$E2E_ROOT/var/lib/e2e-stop"
e2e_boot

for mode in native watchdog; do
  unit=e2e-stop-zero-$mode.service
  log=$E2E_ROOT/var/lib/e2e-stop/$mode.log
  e2e_install_unit "$E2E_WORK/out-$mode/systemd/$unit"
  e2e_run systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "$mode: start failed"; }
  e2e_wait_until 10 grep -q '^started' "$log" || { e2e_diagnose "$unit"; e2e_fail "$mode: the program did not start"; }
  pid=$(awk '/^started/ {print $2; exit}' "$log")
  started_at=$(date +%s%N)
  # 20 s: far more than a working stop needs, far less than "forever".
  timeout 20 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl stop "$unit" ||
    { e2e_diagnose "$unit"; e2e_fail "$mode: systemctl stop did not return within 20 s"; }
  elapsed_ms=$((($(date +%s%N) - started_at) / 1000000))
  echo "$mode: stop took ${elapsed_ms} ms; $(e2e_run systemctl show -p ActiveState -p Result "$unit" | tr '\n' ' '); log: $(tr '\n' ' ' <"$log")"
  [ "$elapsed_ms" -lt 1000 ] || { e2e_diagnose "$unit"; e2e_fail "$mode: stop took ${elapsed_ms} ms (no grace: expected well under 1 s)"; }
  [ "$(sed -n 2p "$log")" = "signal 2" ] || { e2e_diagnose "$unit"; e2e_fail "$mode: the program did not get SIGINT before it was killed"; }
  e2e_run test -e "/proc/$pid" && e2e_fail "$mode: the program (pid $pid) survived the stop"
  [ "$(e2e_unit_property "$unit" MainPID)" = 0 ] || e2e_fail "$mode: the unit still has a main process"
  [ -z "$(e2e_run systemctl show -p ControlGroup --value "$unit")" ] ||
    [ -z "$(e2e_run sh -c "cat /sys/fs/cgroup/\$(systemctl show -p ControlGroup --value $unit)/cgroup.procs 2>/dev/null")" ] ||
    e2e_fail "$mode: processes are left in the unit's cgroup"
  e2e_pass "$mode: stop.timeout 0s: SIGINT first, then killed; systemctl stop returned in ${elapsed_ms} ms"
done
