#!/usr/bin/env bash
# e2e: env files under a service account (daemonize mode, user = "svc", real systemd 252):
#  - a root-owned 0600 env file in a 0700 directory reaches the program: systemd reads it as
#    root (LoadCredential=) and the unprivileged watchdog reads its copy in
#    $CREDENTIALS_DIRECTORY; the program runs as svc;
#  - a missing optional ("-") env file does not fail the unit (SetCredential= fallback, a dotenv
#    comment: an empty SetCredential= value is ignored by systemd 252, which is checked too);
#  - control: the same unit without the credential lines exits 78 (the watchdog, as svc, cannot
#    read the file), which is what every such unit did before;
#  - a missing required env file: systemd refuses the start (243/CREDENTIALS);
#  - env files are copied and read when the unit starts: a program restarted by the watchdog
#    still sees the old value, `systemctl restart` brings the new one.
# Usage: systemd_env_file_credentials.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

for case in env-credentials env-credentials-missing; do
  "$daemonize" render "$here/manifests/$case.toml" --target systemd -o "$E2E_WORK/out-$case" \
    >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "render $case failed"; }
done
unit=e2e-env-credentials.service
rendered=$E2E_WORK/out-env-credentials/systemd/$unit
secret_file="/etc/e2e-secrets/it's 100% \"secret\" a:b\\x.env"
grep -qxF "LoadCredential=daemonize-env-0:${secret_file/\%/%%}" "$rendered" &&
  grep -qx "SetCredential=daemonize-env-1:# optional env file not found" "$rendered" &&
  grep -qx 'LoadCredential=daemonize-env-1:/etc/e2e-secrets/absent.env' "$rendered" ||
  { cat "$rendered" >&2; e2e_fail "the unit does not load the env files as credentials"; }

# Control: the same unit without the credential lines (the watchdog reads the path as svc).
control=e2e-env-control.service
mkdir -p "$E2E_WORK/control"
grep -v -e '^LoadCredential=' -e '^SetCredential=' "$rendered" |
  sed 's|/etc/daemonize/e2e-env-credentials.toml|/etc/daemonize/e2e-env-control.toml|' \
    >"$E2E_WORK/control/$control"

e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_copy_in "$here/manifests/env-credentials.toml" /etc/daemonize/e2e-env-credentials.toml
e2e_copy_in "$here/manifests/env-credentials.toml" /etc/daemonize/e2e-env-control.toml
e2e_copy_in "$here/manifests/env-credentials-missing.toml" /etc/daemonize/e2e-env-missing.toml
e2e_write_file "$secret_file" 0600 <<<"E2E_SECRET=hunter2"
chmod 0700 "$E2E_ROOT/etc/e2e-secrets"
chown -R 0:0 "$E2E_ROOT/etc/e2e-secrets"
e2e_boot
e2e_run useradd --system --no-create-home --shell /usr/sbin/nologin svc || e2e_fail "useradd svc failed"
svc_uid=$(e2e_run id -u svc)
e2e_install_unit "$rendered"
e2e_install_unit "$E2E_WORK/control/$control"
e2e_install_unit "$E2E_WORK/out-env-credentials-missing/systemd/e2e-env-missing.service"
e2e_run setpriv --reuid=svc --regid=svc --clear-groups cat "$secret_file" >/dev/null 2>&1 &&
  e2e_fail "svc can read the env file itself: the test would prove nothing"

log=$E2E_ROOT/var/log/e2e-env-credentials/stdout.log
timeout 60 nsenter -t "$E2E_LEADER" -a env -i PATH=/usr/bin:/bin systemctl start "$unit" ||
  { e2e_diagnose "$unit"; e2e_fail "systemctl start $unit failed"; }
e2e_wait_until 10 grep -qx "secret=hunter2 optional=unset uid=$svc_uid" "$log" ||
  { e2e_diagnose "$unit"; cat "$log" >&2; e2e_fail "the program did not get E2E_SECRET from the root-only env file"; }
main_pid=$(e2e_unit_property "$unit" MainPID)
[ "$(e2e_run stat -c %u "/proc/$main_pid")" = "$svc_uid" ] || e2e_fail "the watchdog does not run as svc"
# systemd's copy is readable by the service user only.
copy=/run/credentials/$unit/daemonize-env-0
[ "$(e2e_run stat -c '%U %a' "$copy")" = "svc 400" ] ||
  e2e_fail "the credential copy is not 0400 svc: $(e2e_run stat -c '%U:%G %a' "$copy")"
e2e_pass "root-only 0600 env file: the program (uid $svc_uid) sees E2E_SECRET; the watchdog runs as svc; the missing optional file is skipped"

# Control: without the credentials, the unprivileged watchdog cannot read the file: exit 78.
e2e_run systemctl start "$control" >/dev/null 2>&1
control_failed() { [ "$(e2e_unit_property "$control" ActiveState)" = failed ]; }
e2e_wait_until 20 control_failed || { e2e_diagnose "$control"; e2e_fail "the control unit did not fail"; }
[ "$(e2e_unit_property "$control" ExecMainStatus)" = 78 ] ||
  { e2e_diagnose "$control"; e2e_fail "the control unit did not exit 78"; }
e2e_run journalctl --no-pager -u "$control" | grep -qF "cannot read env file $secret_file" ||
  { e2e_diagnose "$control"; e2e_fail "the control unit's journal does not name the env file"; }
e2e_pass "control: the same unit without LoadCredential= exits 78 (cannot read env file)"

# Why the optional file's fallback is a comment: systemd 252 ignores an empty SetCredential=.
printf '[Service]\nExecStart=/bin/true\nSetCredential=empty:\n' |
  e2e_write_file /etc/systemd/system/e2e-empty-credential.service
e2e_run systemd-analyze verify /etc/systemd/system/e2e-empty-credential.service 2>&1 |
  grep -q 'Invalid syntax, ignoring: empty:' ||
  e2e_fail "systemd no longer ignores an empty SetCredential= value: the fallback could be empty"
e2e_pass "an empty SetCredential= value is ignored by systemd 252 (the fallback is a dotenv comment)"

# A missing required env file: systemd 252 refuses LoadCredential= of a missing file.
e2e_run systemctl start e2e-env-missing.service >/dev/null 2>&1 &&
  e2e_fail "a unit with a missing required env file started"
[ "$(e2e_unit_property e2e-env-missing.service ExecMainStatus)" = 243 ] ||
  { e2e_diagnose e2e-env-missing.service; e2e_fail "expected 243/CREDENTIALS"; }
e2e_pass "missing required env file: the start fails with 243/CREDENTIALS"

# Copied and read at unit start: a program restart keeps the old value.
e2e_write_file "$secret_file" 0600 <<<"E2E_SECRET=rotated"
child=$(e2e_run pgrep -u svc -P "$main_pid" -x sh)
[ -n "$child" ] || e2e_fail "no program process under the watchdog"
e2e_run kill -KILL "$child"
restarted() { [ "$(grep -c '^secret=' "$log")" -ge 2 ]; }
e2e_wait_until 15 restarted || { e2e_diagnose "$unit"; e2e_fail "the watchdog did not restart the program"; }
[ "$(grep '^secret=' "$log" | tail -n 1)" = "secret=hunter2 optional=unset uid=$svc_uid" ] ||
  { cat "$log" >&2; e2e_fail "a program restart by the watchdog saw the changed env file"; }
e2e_run systemctl restart "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl restart failed"; }
e2e_wait_until 10 grep -qx "secret=rotated optional=unset uid=$svc_uid" "$log" ||
  { e2e_diagnose "$unit"; cat "$log" >&2; e2e_fail "systemctl restart did not bring the changed env file"; }
e2e_pass "a changed env file takes effect at the next unit restart, not at a program restart"
