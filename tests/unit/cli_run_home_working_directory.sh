#!/usr/bin/env bash
# `working_directory = "~/app"` (docs/manifest.md): the watchdog runs the program in the app
# directory of HOME (the service user's home), with a real child process.
set -u
daemonize=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/app" "$work/run"
cat > "$work/service.toml" <<TOML
[service]
name = "home-cwd"
command = "/bin/sh"
args = ["-c", "pwd > $work/pwd.out"]
working_directory = "~/app"
[restart]
policy = "never"
[logs]
directory = "$work/logs"
TOML
HOME="$work/home" XDG_RUNTIME_DIR="$work/run" timeout 20 "$daemonize" run "$work/service.toml" >/dev/null 2>&1
code=$?
fail=0
[ "$code" -eq 0 ] || { echo "FAIL run exited $code"; fail=1; }
[ "$(cat "$work/pwd.out" 2>/dev/null)" = "$work/home/app" ] ||
  { echo "FAIL the program ran in [$(cat "$work/pwd.out" 2>/dev/null)], expected $work/home/app"; fail=1; }
[ $fail -eq 0 ] && echo "ok   the program ran in ~/app = $work/home/app"
exit $fail
