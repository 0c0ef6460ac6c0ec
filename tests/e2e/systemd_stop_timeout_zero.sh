#!/usr/bin/env bash
# e2e: stop.timeout = "0s" means one thing under a real systemd 252, native or daemonize mode:
# stop.signal first, then the whole tree is killed at once. The program (helpers/stop_recorder)
# records each signal from its handler and never exits on its own, so only a SIGKILL ends it:
#  - `systemctl stop` returns in well under a second (TimeoutStopSec=0 would wait forever);
#  - stop.signal (SIGINT) goes first: the watchdog's journal says so (daemonize mode); the
#    program's handler records it (native mode, in one of three stops: with no grace, whether
#    the handler runs before the SIGKILL is up to the scheduler);
#  - no process of the unit is left; native units end with Result=timeout (systemd's SIGKILL),
#    daemonize-mode units with Result=success (the watchdog kills the tree and exits 0).
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

# One stop: start, wait for the program, stop, check. Prints whether the program's handler ran
# before the SIGKILL ("handled" / "unhandled"): with no grace that is a race the kernel's
# scheduler decides.
stop_once() {
  local mode=$1 unit=e2e-stop-zero-$1.service log=$E2E_ROOT/var/lib/e2e-stop/$1.log
  : >"$log"
  e2e_run systemctl start "$unit" >&2 || { e2e_diagnose "$unit"; e2e_fail "$mode: start failed"; }
  e2e_wait_until 10 grep -q '^started' "$log" || { e2e_diagnose "$unit"; e2e_fail "$mode: the program did not start"; }
  local pid cursor started_at elapsed_ms
  pid=$(awk '/^started/ {print $2; exit}' "$log")
  cursor=$(e2e_run journalctl -u "$unit" -n 0 --show-cursor | sed -n 's/^-- cursor: //p')
  started_at=$(date +%s%N)
  # 20 s: far more than a working stop needs, far less than "forever".
  timeout 20 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl stop "$unit" ||
    { e2e_diagnose "$unit"; e2e_fail "$mode: systemctl stop did not return within 20 s"; }
  elapsed_ms=$((($(date +%s%N) - started_at) / 1000000))
  echo "$mode: stop took ${elapsed_ms} ms; $(e2e_run systemctl show -p ActiveState -p Result "$unit" | tr '\n' ' '); log: $(tr '\n' ' ' <"$log")" >&2
  [ "$elapsed_ms" -lt 1000 ] || { e2e_diagnose "$unit"; e2e_fail "$mode: stop took ${elapsed_ms} ms (no grace: expected well under 1 s)"; }
  e2e_run test -e "/proc/$pid" && e2e_fail "$mode: the program (pid $pid) survived the stop"
  [ "$(e2e_unit_property "$unit" MainPID)" = 0 ] || e2e_fail "$mode: the unit still has a main process"
  # Native: systemd's own SIGKILL after the timeout makes Result=timeout (documented); the
  # watchdog kills the tree itself and exits 0.
  local expected_result=success
  [ "$mode" = native ] && expected_result=timeout
  [ "$(e2e_unit_property "$unit" Result)" = "$expected_result" ] ||
    e2e_fail "$mode: Result=$(e2e_unit_property "$unit" Result), expected $expected_result"
  if [ "$mode" = watchdog ]; then
    # The watchdog's own account, in order: stop.signal sent, then the tree killed.
    local journal
    journal=$(e2e_run journalctl -u "$unit" --after-cursor "$cursor" -o cat)
    echo "$journal" | awk '/sent INT to [1-9]/ {sent = NR} /killed [0-9]+ leftover/ {killed = NR}
      END {exit !(sent && killed && sent < killed)}' ||
      { echo "$journal" >&2; e2e_fail "watchdog: the journal does not show SIGINT sent before the kill"; }
  fi
  if [ "$(sed -n 2p "$log")" = "signal 2" ]; then echo handled; else echo unhandled; fi
}

# Native: systemd logs nothing about the signals it sends, so the program's handler is the
# evidence; systemd's timer slack (up to 250 ms past TimeoutStopSec=1ms) lets it run in practice.
e2e_install_unit "$E2E_WORK/out-native/systemd/e2e-stop-zero-native.service"
handled=0
for attempt in 1 2 3; do
  [ "$(stop_once native)" = handled ] && { handled=$attempt; break; }
done
[ "$handled" -gt 0 ] || e2e_fail "native: in 3 stops the program never saw SIGINT before the SIGKILL"
e2e_pass "native: stop.timeout 0s: SIGINT first (the program's handler ran, try $handled), then SIGKILL; every stop returned in under 1 s, nothing left"

# Daemonize mode: the watchdog's journal is the evidence (SIGINT sent, then the tree killed);
# it kills on its next loop turn, often before the program's handler got the CPU.
e2e_install_unit "$E2E_WORK/out-watchdog/systemd/e2e-stop-zero-watchdog.service"
outcome=$(stop_once watchdog)
e2e_pass "watchdog: stop.timeout 0s: SIGINT sent, then the tree killed at once (journal); stop returned in under 1 s, nothing left (the program's handler: $outcome)"
