#!/usr/bin/env bash
# e2e: a user-scope unit in a real user manager (user@1000.service):
#  - the unit installed at its install_path (~/.config/systemd/user/) with WantedBy=default.target
#    starts, runs the real watchdog from %h/.local/bin/daemonize (where deploy installs it in
#    user scope) on %h/.config/daemonize/<name>.toml;
#  - the user tmpfiles.d entry creates the log directory, where the watchdog writes the output;
#  - hardening in user scope: the home directory is read-only except ReadWritePaths=.
# Usage: systemd_user_scope.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

"$daemonize" render "$here/manifests/user-scope.toml" --target systemd -o "$E2E_WORK/out" \
  >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "render failed"; }
out=$E2E_WORK/out/systemd
echo "----- rendered unit"
cat "$out/e2e-user.service"

e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_enable_user_managers
e2e_boot
e2e_start_user_manager e2e 1000

home=/home/e2e
as_user() { e2e_run_as_user 1000 "$@"; }
# What deploy does in user scope: files at their install paths with ~ = the user's home.
install_for_user() {
  local source=$1 install_path=$2
  as_user mkdir -p "$(dirname "${install_path/#\~/$home}")" || e2e_fail "mkdir for $install_path"
  e2e_copy_in "$source" "${install_path/#\~/$home}" 0644
  e2e_run chown 1000:1000 "${install_path/#\~/$home}"
}
# The watchdog where deploy installs it in user scope (its libraries came with the copy above).
as_user mkdir -p "$home/.local/bin" || e2e_fail "mkdir ~/.local/bin"
e2e_copy_in "$daemonize" "$home/.local/bin/daemonize" 0755
e2e_run chown 1000:1000 "$home/.local/bin/daemonize"
install_for_user "$out/e2e-user.service" "~/.config/systemd/user/e2e-user.service"
install_for_user "$here/manifests/user-scope.toml" "~/.config/daemonize/e2e-user.toml"
install_for_user "$out/e2e-user.tmpfiles.conf" "~/.config/user-tmpfiles.d/daemonize-e2e-user.conf"
as_user systemd-tmpfiles --user --create "$home/.config/user-tmpfiles.d/daemonize-e2e-user.conf" ||
  e2e_fail "systemd-tmpfiles --user --create failed"
as_user systemctl --user daemon-reload || e2e_fail "systemctl --user daemon-reload failed"

user_diagnose() {
  as_user systemctl --user status --no-pager e2e-user.service >&2
  as_user journalctl --user --no-pager -u e2e-user.service 2>&1 | tail -20 >&2
  e2e_run journalctl --no-pager -n 30 >&2
}
as_user systemctl --user start e2e-user.service || { user_diagnose; e2e_fail "start failed"; }
[ "$(as_user systemctl --user show -p SubState --value e2e-user.service)" = running ] ||
  { user_diagnose; e2e_fail "the user unit is not running"; }
exec_start=$(as_user systemctl --user show -p ExecStart --value e2e-user.service)
grep -q "argv\[\]=$home/.local/bin/daemonize run $home/.config/daemonize/e2e-user.toml" <<<"$exec_start" ||
  e2e_fail "ExecStart did not expand %h: $exec_start"
log=$E2E_ROOT$home/.local/state/e2e-user/log/stdout.log
if ! e2e_wait_until 10 grep -qx started "$log"; then
  user_diagnose
  if [ -e "$E2E_ROOT$home/~/.local/state/e2e-user/log/stdout.log" ]; then
    e2e_fail "the watchdog wrote its log to \$HOME/~/.local/state/e2e-user/log: it does not expand '~' in logs.directory"
  fi
  e2e_fail "no output in ~/.local/state/e2e-user/log/stdout.log"
fi
e2e_pass "user scope: running under user@1000 with %h expanded, output in the tmpfiles.d log directory"

# Hardening in user scope: systemd applies ProtectSystem=/ProtectHome=/PrivateTmp= to a user
# service only inside a user namespace of its own. Where it cannot create one (seen here, in
# systemd-nspawn without --private-users) systemd 252 runs the service unsandboxed without a
# word; the renderer warns about exactly that.
grep -q "warning: systemd: in a user service" "$E2E_WORK/render.log" ||
  e2e_fail "the renderer did not warn about sandboxing in user scope"
main_pid=$(as_user systemctl --user show -p MainPID --value e2e-user.service)
if [ "$(e2e_run readlink "/proc/$main_pid/ns/user")" != "$(e2e_run readlink /proc/1/ns/user)" ]; then
  sleep 0.5
  if [ -e "$E2E_ROOT$home/written-by-service" ] || grep -q home-was-writable "$log"; then
    e2e_fail "hardening: the service could write its home directory (ProtectHome=read-only)"
  fi
  e2e_pass "user scope hardening: home read-only, log directory writable"
else
  echo "NOTE: no user namespace for user services here: sandboxing not applied (as the renderer warns)"
fi
