# Sourced by the tests that start a real detached watchdog (`daemonize run --detach`) of service
# $name from a temporary directory $work they own: an isolated HOME, the paths the detached
# watchdog uses for this user (pidfile, log, state) and a cleanup that kills a watchdog the test
# left running (the pidfile stays locked while it runs) and removes them all.
: "${work:?work must be set before sourcing detached.sh}" "${name:?name must be set}"
export HOME=$work/home
unset XDG_STATE_HOME XDG_RUNTIME_DIR RUNTIME_DIRECTORY
mkdir -p "$HOME"
if [ "$(id -u)" = 0 ]; then
  pidfile=/var/lib/daemonize/$name.pid log=/var/log/daemonize/$name.log state=/run/daemonize/$name
else
  pidfile=$HOME/.local/state/daemonize/$name.pid log=$HOME/.local/state/daemonize/$name.log
  state=$HOME/.local/state/daemonize/$name
fi
detached_cleanup() {
  if [ -f "$pidfile" ] && ! flock -n "$pidfile" true; then kill -KILL "$(cat "$pidfile")" 2>/dev/null; fi
  rm -rf "$work" "$pidfile" "$log" "$state"
}
trap detached_cleanup EXIT
