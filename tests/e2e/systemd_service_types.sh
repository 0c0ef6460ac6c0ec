#!/usr/bin/env bash
# e2e: [service] type under a real systemd 252, native units and the watchdog's (daemonize mode),
# with tests/conformance's child as the program:
#  - forking: the daemon that forked away and wrote its pid file is the service (native:
#    MainPID; daemonize: the watchdog adopted it); killed with SIGKILL it is started again and the
#    new daemon adopted;
#  - notify: `systemctl is-active` says activating until the program's READY=1, active after;
#  - oneshot + remain_after_exit: `systemctl start` returns after the program succeeded, the unit
#    stays active (native: SubState=exited; daemonize: the watchdog stays, status "exited").
# Usage: systemd_service_types.sh DAEMONIZE CONFORMANCE_CHILD
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
child=${2:?conformance_child binary}
source "$here/lib.sh"
e2e_init

e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$child" /usr/local/bin/conformance_child 0755

manifest() {  # manifest NAME MODE TYPE-LINES ARGS...
  local name=$1 mode=$2 type_lines=$3
  shift 3
  local args='"--events", "/srv/e2e/'$name'.events"' arg
  for arg in "$@"; do args+=", \"$arg\""; done
  cat >"$E2E_WORK/$name.toml" <<TOML
[service]
name = "$name"
command = "/usr/local/bin/conformance_child"
args = [$args]
supervisor = "$mode"
$type_lines

[restart]
delay = "500ms"
multiplier = 1.0

[stop]
timeout = "5s"

[logs]
stdout = "inherit"
stderr = "inherit"
TOML
  "$daemonize" render "$E2E_WORK/$name.toml" --target systemd -o "$E2E_WORK/out-$name" \
    >"$E2E_WORK/render-$name.log" 2>&1 ||
    { cat "$E2E_WORK/render-$name.log" >&2; e2e_fail "render $name failed"; }
  e2e_copy_in "$E2E_WORK/$name.toml" "/etc/daemonize/$name.toml"
}

for mode in native daemonize; do
  manifest "fork-$mode" "$mode" "type = \"forking\"
pid_file = \"/run/fork-$mode.pid\"" --pid-file "/run/fork-$mode.pid" --pid-file-after 0.3
  manifest "notify-$mode" "$mode" 'type = "notify"' --notify-after 3
  manifest "oneshot-$mode" "$mode" 'type = "oneshot"
remain_after_exit = true' --plan 1:0
done
grep -qx 'Type=forking' "$E2E_WORK/out-fork-native/systemd/fork-native.service" &&
  grep -qx 'PIDFile=/run/fork-native.pid' "$E2E_WORK/out-fork-native/systemd/fork-native.service" &&
  grep -qx 'Type=notify' "$E2E_WORK/out-fork-daemonize/systemd/fork-daemonize.service" ||
  e2e_fail "rendered units lack Type=forking/PIDFile= (native) or Type=notify (daemonize)"
mkdir -p "$E2E_ROOT/srv/e2e"
e2e_boot
for name in fork-native fork-daemonize notify-native notify-daemonize oneshot-native oneshot-daemonize; do
  e2e_copy_in "$E2E_WORK/out-$name/systemd/$name.service" "/etc/systemd/system/$name.service"
done
e2e_run systemctl daemon-reload || e2e_fail "daemon-reload failed"

events() { cat "$E2E_ROOT/srv/e2e/$1.events" 2>/dev/null; }
# The container pid of the n-th `daemon PID` event of NAME.
daemon_pid() { events "$1" | awk '$1 == "daemon" {print $2}' | sed -n "${2}p"; }
prop() { e2e_unit_property "$1" "$2"; }
status_of() { e2e_run daemonize status "$1" 2>&1; }

# ---- forking -------------------------------------------------------------------------------
for mode in native daemonize; do
  unit=fork-$mode.service
  e2e_run timeout 60 systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "start $unit failed"; }
  first=$(daemon_pid "fork-$mode" 1)
  [ -n "$first" ] || { e2e_diagnose "$unit"; e2e_fail "$unit: the program did not fork a daemon"; }
  [ "$(e2e_run cat "/run/fork-$mode.pid")" = "$first" ] || e2e_fail "$unit: pid file does not name the daemon"
  if [ "$mode" = native ]; then
    [ "$(prop "$unit" MainPID)" = "$first" ] || { e2e_diagnose "$unit"; e2e_fail "$unit: MainPID $(prop "$unit" MainPID) is not the daemon $first"; }
  else
    [ "$(e2e_run cat "/proc/$(prop "$unit" MainPID)/comm")" = daemonize ] || e2e_fail "$unit: the main process is not the watchdog"
    adopted() { status_of fork-daemonize | grep -q "running (pid $first,"; }
    e2e_wait_until 10 adopted || { status_of fork-daemonize >&2; e2e_fail "$unit: the watchdog did not adopt $first"; }
    [ "$(e2e_run awk '{print $4}' "/proc/$first/stat")" = "$(prop "$unit" MainPID)" ] ||
      e2e_fail "$unit: the daemon is not the watchdog's child (no subreaper?)"
  fi
  e2e_run kill -KILL "$first"
  restarted() { [ -n "$(daemon_pid "fork-$mode" 2)" ] && [ "$(prop "$unit" ActiveState)" = active ]; }
  e2e_wait_until 20 restarted || { e2e_diagnose "$unit"; e2e_fail "$unit: the killed daemon was not started again"; }
  second=$(daemon_pid "fork-$mode" 2)
  if [ "$mode" = native ]; then
    running_again() { [ "$(prop "$unit" MainPID)" = "$second" ]; }
    e2e_wait_until 10 running_again || { e2e_diagnose "$unit"; e2e_fail "$unit: MainPID is not the new daemon"; }
    [ "$(prop "$unit" NRestarts)" = 1 ] || e2e_fail "$unit: NRestarts=$(prop "$unit" NRestarts), 1 expected"
  else
    readopted() { status_of fork-daemonize | grep -q "running (pid $second,"; }
    e2e_wait_until 10 readopted || { status_of fork-daemonize >&2; e2e_fail "$unit: the new daemon $second was not adopted"; }
    [ "$(prop "$unit" NRestarts)" = 0 ] || e2e_fail "$unit: systemd restarted the watchdog"
  fi
  e2e_run systemctl stop "$unit" || e2e_fail "stop $unit failed"
  e2e_run kill -0 "$second" 2>/dev/null && e2e_fail "$unit: the daemon survived the stop"
  e2e_pass "forking ($mode): daemon $first adopted, killed, daemon $second adopted, stopped"
done

# ---- notify --------------------------------------------------------------------------------
for mode in native daemonize; do
  unit=notify-$mode.service
  e2e_run systemctl start --no-block "$unit" || e2e_fail "start $unit failed"
  sleep 1.5  # the program sends READY=1 3 s after its start
  state=$(e2e_run systemctl is-active "$unit")
  [ "$state" = activating ] || { e2e_diagnose "$unit"; e2e_fail "$unit: is-active '$state' before READY=1, 'activating' expected"; }
  active() { [ "$(e2e_run systemctl is-active "$unit")" = active ]; }
  e2e_wait_until 15 active || { e2e_diagnose "$unit"; e2e_fail "$unit: never active"; }
  events "notify-$mode" | grep -q '^notified READY=1' || e2e_fail "$unit: the program did not send READY=1"
  e2e_run systemctl stop "$unit" || e2e_fail "stop $unit failed"
  e2e_pass "notify ($mode): activating until the program's READY=1, then active"
done

# ---- oneshot -------------------------------------------------------------------------------
for mode in native daemonize; do
  unit=oneshot-$mode.service
  e2e_run timeout 60 systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "start $unit failed"; }
  events "oneshot-$mode" | grep -q '^exit 0' || { e2e_diagnose "$unit"; e2e_fail "$unit: start returned before the program finished"; }
  [ "$(e2e_run systemctl is-active "$unit")" = active ] || { e2e_diagnose "$unit"; e2e_fail "$unit: not active after success"; }
  if [ "$mode" = native ]; then
    [ "$(prop "$unit" SubState)" = exited ] || e2e_fail "$unit: SubState=$(prop "$unit" SubState), exited expected"
  else
    status_of oneshot-daemonize | grep -q '^oneshot-daemonize: exited' ||
      { status_of oneshot-daemonize >&2; e2e_fail "$unit: daemonize status does not say exited"; }
  fi
  sleep 2
  [ "$(events "oneshot-$mode" | grep -c '^start ')" = 1 ] || e2e_fail "$unit: the oneshot ran again"
  e2e_run systemctl stop "$unit" || e2e_fail "stop $unit failed"
  [ "$(prop "$unit" Result)" = success ] || e2e_fail "$unit: Result=$(prop "$unit" Result) after stop"
  e2e_pass "oneshot ($mode): start returned after success, active (remain_after_exit), stopped cleanly"
done
