#!/usr/bin/env bash
# e2e: a Windows-first manifest (docs/manifest.md, "Paths of the other OS") deployed to a real
# systemd with only [os.linux] command set:
#  - logs.directory 'D:\logs' falls back to /var/log/<name>: LogsDirectory= creates it and the
#    program's output lands there;
#  - the Windows env file is not read (no exit 78 for a missing file);
#  - working_directory "~/app" is WorkingDirectory=%h/app and the watchdog runs the program in
#    $HOME/app (root's home here).
# Usage: systemd_other_os_paths.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

name=e2e-other-os
cat > "$E2E_WORK/$name.toml" <<'TOML'
[service]
name = "e2e-other-os"
command = 'C:\app\app.exe'
working_directory = "~/app"
env_files = ['C:\app\app.env']
[logs]
directory = 'D:\logs'
[os.linux]
command = "/bin/sh"
args = ["-c", "echo cwd=$$(pwd); exec sleep 600"]
TOML
"$daemonize" render "$E2E_WORK/$name.toml" --target systemd -o "$E2E_WORK/out" \
  >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "render failed"; }
grep -q "warning: systemd: 'logs.directory' = 'D:\\\\logs' is a Windows path" "$E2E_WORK/render.log" ||
  { cat "$E2E_WORK/render.log" >&2; e2e_fail "no fallback warning for logs.directory"; }
unit_file="$E2E_WORK/out/systemd/$name.service"
grep -qx 'LogsDirectory=e2e-other-os' "$unit_file" || e2e_fail "no LogsDirectory=e2e-other-os in the unit"
grep -qx 'WorkingDirectory=%h/app' "$unit_file" || e2e_fail "no WorkingDirectory=%h/app in the unit"

e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$E2E_WORK/$name.toml" "/etc/daemonize/$name.toml"
e2e_boot
e2e_run mkdir -p /root/app
e2e_install_unit "$unit_file"

timeout 60 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl start "$name.service" ||
  { e2e_diagnose "$name.service"; e2e_fail "systemctl start failed"; }
[ "$(e2e_unit_property "$name.service" SubState)" = running ] ||
  { e2e_diagnose "$name.service"; e2e_fail "the unit is not running"; }
e2e_wait_until 10 grep -qx 'cwd=/root/app' "$E2E_ROOT/var/log/$name/stdout.log" ||
  { e2e_diagnose "$name.service"; e2e_fail "no 'cwd=/root/app' in /var/log/$name/stdout.log"; }
e2e_pass "Windows-first manifest on systemd: logs in /var/log/$name, Windows env file not read, program in ~/app = /root/app"
e2e_run systemctl stop "$name.service" || e2e_fail "systemctl stop failed"
