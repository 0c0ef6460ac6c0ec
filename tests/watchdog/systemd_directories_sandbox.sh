#!/usr/bin/env bash
# e2e (real systemd 252 in a container, tests/e2e/lib.sh): a daemonize-mode unit with
# [directories] runtime (RuntimeDirectory= appears while it runs, with its mode, and is gone
# after the stop), a [sandbox] of ProtectSystem=strict, PrivateTmp= and NoNewPrivileges= (the
# watchdog still starts the program and writes its log files), and dependencies.after on a unit
# that nobody starts (After= without Wants=: it stays inactive).
# Usage: systemd_directories_sandbox.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/../e2e/lib.sh"
e2e_init

name=e2e-dirs-sandbox
unit=$name.service
other=e2e-ordering-only.service
cat >"$E2E_WORK/$name.toml" <<TOML
[service]
name = "$name"
command = "/bin/sh"
args = ["-c", "echo started in \$\$RUNTIME_DIRECTORY; exec sleep 1000"]

[dependencies]
after = ["$other"]

[directories]
runtime = ["$name"]
state = ["$name"]
mode = "0750"

[sandbox]
protect_system = "strict"
private_tmp = true
no_new_privileges = true
TOML
"$daemonize" render "$E2E_WORK/$name.toml" --target systemd -o "$E2E_WORK/out" >"$E2E_WORK/render.log" 2>&1 ||
  { cat "$E2E_WORK/render.log" >&2; e2e_fail "render failed"; }
printf '[Unit]\nDescription=ordering only\n[Service]\nExecStart=/bin/sleep 1000\n' >"$E2E_WORK/$other"
e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$E2E_WORK/$name.toml" "/etc/daemonize/$name.toml"
e2e_boot
e2e_install_unit "$E2E_WORK/$other"
e2e_install_unit "$E2E_WORK/out/systemd/$unit"

timeout 60 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl start "$unit" ||
  { e2e_diagnose "$unit"; e2e_fail "systemctl start $unit failed"; }
[ "$(e2e_unit_property "$unit" ActiveState)" = active ] || { e2e_diagnose "$unit"; e2e_fail "not active"; }
[ "$(e2e_run stat -c %a "/run/$name")" = 750 ] || e2e_fail "/run/$name missing or not 0750"
[ "$(e2e_run stat -c %a "/var/lib/$name")" = 750 ] || e2e_fail "/var/lib/$name missing or not 0750"
e2e_pass "RuntimeDirectory= and StateDirectory= exist with mode 0750 while it runs"

logged() { e2e_run grep -q "started in /run/daemonize/$name:/run/$name" "/var/log/$name/stdout.log"; }
e2e_wait_until 10 logged || { e2e_diagnose "$unit"; e2e_fail "no log line written under the sandbox"; }
[ "$(e2e_unit_property "$unit" ProtectSystem)" = strict ] || e2e_fail "ProtectSystem is not strict"
[ "$(e2e_unit_property "$unit" NoNewPrivileges)" = yes ] || e2e_fail "NoNewPrivileges is not yes"
[ "$(e2e_unit_property "$unit" PrivateTmp)" = yes ] || e2e_fail "PrivateTmp is not yes"
e2e_pass "sandboxed (ProtectSystem=strict, PrivateTmp, NoNewPrivileges): the watchdog writes its log files"

[ "$(e2e_unit_property "$other" ActiveState)" = inactive ] || e2e_fail "$other was pulled in"
e2e_pass "After= without Wants= did not start $other"

e2e_run systemctl stop "$unit" || e2e_fail "systemctl stop failed"
e2e_run test ! -e "/run/$name" || e2e_fail "/run/$name still exists after the stop"
e2e_run test -d "/var/lib/$name" || e2e_fail "/var/lib/$name removed at the stop"
e2e_pass "the runtime directory is gone after the stop, the state directory stays"
