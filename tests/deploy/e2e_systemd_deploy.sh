#!/usr/bin/env bash
# e2e: `daemonize deploy` against a real systemd 252 in a container (tests/e2e/lib.sh):
#  - deploy (create_user = true) -> account created, log directory owned by it, unit active
#    and READY (Type=notify), manifest root:<group> 0640, receipt written;
#  - redeploy unchanged -> "up to date", MainPID unchanged; --dry-run prints no diff, exits 0;
#  - one [env] value changed -> diff exits 1, deploy restarts exactly once;
#  - a changed env file -> exactly one restart;
#  - daemonize edit with an editor that changes a value -> diff, exactly one restart, the new
#    value running, the installed manifest changed with its owner and mode kept;
#  - the program killed -> the watchdog restarts it (daemonize status shows the restart);
#  - daemonize stop -> inactive, no process of the service account left; start -> active;
#  - a missing required env -> deploy fails (78), rolls back, journalctl -u names the variable,
#    the previous version runs again;
#  - a version that never becomes ready (cannot start) -> rollback, the previous version runs;
#  - remove -> unit and receipt gone, daemon-reload done (LoadState=not-found).
# Usage: e2e_systemd_deploy.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/../e2e/lib.sh"
e2e_init

name=e2e-deploy
unit=$name.service
# The build-tree binary lives elsewhere: deploy must install itself at /usr/local/bin/daemonize.
e2e_copy_in_with_libraries "$daemonize" /opt/daemonize-build/daemonize

write_manifest() {  # write_manifest GREETING [extra TOML...]
  local greeting=$1
  shift
  e2e_write_file /srv/e2e/service.toml <<TOML
[service]
name = "$name"
description = "deploy e2e"
command = "/bin/sh"
args = ["-c", "echo \"started \$\$GREETING \$\$COLOR\"; while :; do sleep 0.2; done"]
user = "e2e-svc"
create_user = true
env_files = ["/etc/e2e-deploy/env"]
$(printf '%s\n' "$@")

[env]
GREETING = "$greeting"

[stop]
timeout = "5s"

[logs]
stdout = "out.log"
stderr = "out.log"
TOML
}

e2e_write_file /etc/e2e-deploy/env <<<"COLOR=blue"
write_manifest hello
e2e_boot

dz() { e2e_run /opt/daemonize-build/daemonize "$@"; }
prop() { e2e_unit_property "$unit" "$1"; }
starts() { grep -c '^started' "$E2E_ROOT/var/log/$name/out.log" 2>/dev/null || echo 0; }
diagnose_fail() { e2e_diagnose "$unit"; e2e_fail "$*"; }

# --- first deploy -------------------------------------------------------------------------------
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy1.log" 2>&1 ||
  { cat "$E2E_WORK/deploy1.log" >&2; diagnose_fail "first deploy failed"; }
[ "$(prop ActiveState)/$(prop SubState)" = active/running ] || diagnose_fail "not active after deploy"
[ "$(prop Type)" = notify ] || e2e_fail "the unit is not Type=notify"
dz status "$name" --json >"$E2E_WORK/status.json" 2>/dev/null
grep -q '"ready":true' "$E2E_WORK/status.json" || { cat "$E2E_WORK/status.json" >&2; diagnose_fail "the watchdog is not ready"; }
e2e_run getent passwd e2e-svc >/dev/null || e2e_fail "create_user: the account e2e-svc does not exist"
[ "$(e2e_run stat -c '%U %a' "/var/log/$name")" = "e2e-svc 750" ] ||
  e2e_fail "log directory: $(e2e_run stat -c '%U %a' "/var/log/$name"), expected 'e2e-svc 750'"
[ "$(e2e_run stat -c '%U %G %a' "/etc/daemonize/$name.toml")" = "root e2e-svc 640" ] ||
  e2e_fail "installed manifest: $(e2e_run stat -c '%U %G %a' "/etc/daemonize/$name.toml")"
e2e_run cmp -s /opt/daemonize-build/daemonize /usr/local/bin/daemonize || e2e_fail "binary not installed"
[ -f "$E2E_ROOT/var/lib/daemonize/$name.json" ] || e2e_fail "no receipt"
[ "$(prop User)" = e2e-svc ] || e2e_fail "the unit does not run as e2e-svc"
e2e_wait_until 10 test "$(starts)" -ge 1 || diagnose_fail "the program did not start"
pid1=$(prop MainPID)
e2e_pass "deploy: active (running), READY reached, account + log dir + 0640 manifest + receipt"

# --- idempotence --------------------------------------------------------------------------------
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy2.log" 2>&1 || diagnose_fail "second deploy failed"
grep -qx "$name: up to date" "$E2E_WORK/deploy2.log" || { cat "$E2E_WORK/deploy2.log" >&2; e2e_fail "second deploy was not up to date"; }
[ "$(prop MainPID)" = "$pid1" ] || e2e_fail "MainPID changed on an unchanged redeploy"
dz deploy /srv/e2e/service.toml --dry-run >"$E2E_WORK/dry.log" 2>/dev/null || e2e_fail "--dry-run exited non-zero"
grep -q '^[-+@]' "$E2E_WORK/dry.log" && { cat "$E2E_WORK/dry.log" >&2; e2e_fail "--dry-run printed a diff"; }
dz diff /srv/e2e/service.toml >/dev/null 2>&1 || e2e_fail "diff of an unchanged service did not exit 0"
e2e_pass "redeploy unchanged: up to date, MainPID $pid1 unchanged; --dry-run no diff; diff exit 0"

# --- one env value changed: exactly one restart --------------------------------------------------
write_manifest world
dz diff /srv/e2e/service.toml >"$E2E_WORK/diff.log" 2>/dev/null
[ $? = 1 ] || e2e_fail "diff after a manifest change did not exit 1"
grep -q '^+GREETING = "world"' "$E2E_WORK/diff.log" || { cat "$E2E_WORK/diff.log" >&2; e2e_fail "diff lacks the change"; }
before=$(starts)
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy3.log" 2>&1 || { cat "$E2E_WORK/deploy3.log" >&2; diagnose_fail "deploy of the env change failed"; }
e2e_wait_until 10 grep -q 'started world blue' "$E2E_ROOT/var/log/$name/out.log" || diagnose_fail "the new value did not arrive"
sleep 1
[ "$(starts)" = $((before + 1)) ] || e2e_fail "expected exactly one restart, got $(( $(starts) - before ))"
[ "$(prop MainPID)" != "$pid1" ] || e2e_fail "MainPID did not change"
[ "$(grep -c '^  restart e2e-deploy.service \.\.\. ok$' "$E2E_WORK/deploy3.log")" = 1 ] || e2e_fail "not one restart step"
e2e_pass "env value changed: diff exit 1, exactly one restart"

# --- a changed env file: one restart -------------------------------------------------------------
e2e_write_file /etc/e2e-deploy/env <<<"COLOR=green"
before=$(starts)
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy4.log" 2>&1 || { cat "$E2E_WORK/deploy4.log" >&2; diagnose_fail "deploy after the env file change failed"; }
grep -q "env file /etc/e2e-deploy/env: changed" "$E2E_WORK/deploy4.log" || e2e_fail "the plan did not name the env file"
e2e_wait_until 10 grep -q 'started world green' "$E2E_ROOT/var/log/$name/out.log" || diagnose_fail "the env file change did not arrive"
sleep 1
[ "$(starts)" = $((before + 1)) ] || e2e_fail "env file: expected exactly one restart"
dz deploy /srv/e2e/service.toml 2>/dev/null | grep -qx "$name: up to date" || e2e_fail "not up to date after the env file deploy"
e2e_pass "env file changed: exactly one restart, then up to date"

# --- daemonize edit: the installed manifest changed through an editor, one restart --------------
e2e_write_file /usr/local/bin/e2e-editor 0755 <<'EDITOR'
#!/bin/sh
sed -i 's/^GREETING = "world"$/GREETING = "edited"/' "$1"
EDITOR
before=$(starts)
e2e_run env EDITOR=/usr/local/bin/e2e-editor /opt/daemonize-build/daemonize edit "$name" --yes \
  >"$E2E_WORK/edit.log" 2>&1 || { cat "$E2E_WORK/edit.log" >&2; diagnose_fail "daemonize edit failed"; }
grep -qx '+GREETING = "edited"' "$E2E_WORK/edit.log" || { cat "$E2E_WORK/edit.log" >&2; e2e_fail "edit showed no diff"; }
e2e_wait_until 10 grep -q 'started edited green' "$E2E_ROOT/var/log/$name/out.log" || diagnose_fail "the edited value did not arrive"
sleep 1
[ "$(starts)" = $((before + 1)) ] || e2e_fail "edit: expected exactly one restart"
grep -qx 'GREETING = "edited"' "$E2E_ROOT/etc/daemonize/$name.toml" || e2e_fail "edit: the installed manifest was not changed"
[ "$(e2e_run stat -c '%U %G %a' "/etc/daemonize/$name.toml")" = "root e2e-svc 640" ] ||
  e2e_fail "edit: installed manifest now $(e2e_run stat -c '%U %G %a' "/etc/daemonize/$name.toml")"
e2e_run env EDITOR=true /opt/daemonize-build/daemonize edit "$name" --yes 2>/dev/null | grep -qx "$name: no changes" ||
  e2e_fail "edit without a change did not say 'no changes'"
write_manifest world  # what the steps below start from
dz deploy /srv/e2e/service.toml >/dev/null 2>&1 || diagnose_fail "deploy after the edit failed"
e2e_pass "edit: diff shown, exactly one restart, the new value running, manifest root:e2e-svc 0640"

# --- the watchdog restarts a killed program -----------------------------------------------------
child=$(dz status "$name" --json 2>/dev/null | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
[ -n "$child" ] && [ "$child" != 0 ] || e2e_fail "no child pid in daemonize status"
main=$(prop MainPID)
e2e_run kill -KILL "$child"
restarted() { dz status "$name" --json 2>/dev/null | grep -q '"restarts":1,'; }
e2e_wait_until 20 restarted || { dz status "$name" >&2; diagnose_fail "the watchdog did not restart the program"; }
dz status "$name" >"$E2E_WORK/status.txt" 2>&1
grep -q 'restarts:   1' "$E2E_WORK/status.txt" || { cat "$E2E_WORK/status.txt" >&2; e2e_fail "status does not show the restart"; }
[ "$(prop MainPID)" = "$main" ] || e2e_fail "the watchdog itself was restarted"
e2e_pass "child killed: the watchdog restarted it (daemonize status: restarts 1), MainPID kept"

# --- stop / start -------------------------------------------------------------------------------
dz stop "$name" >/dev/null 2>&1 || diagnose_fail "daemonize stop failed"
[ "$(prop ActiveState)" = inactive ] || diagnose_fail "not inactive after stop"
left=$(e2e_run sh -c 'for p in /proc/[0-9]*; do [ "$(stat -c %U "$p" 2>/dev/null)" = e2e-svc ] && echo "${p#/proc/}"; done')
[ -z "$left" ] || e2e_fail "processes of e2e-svc left after stop: $left"
dz start "$name" >/dev/null 2>&1 || diagnose_fail "daemonize start failed"
[ "$(prop ActiveState)" = active ] || diagnose_fail "not active after start"
e2e_pass "stop: inactive, no process left; start: active"

# --- a missing required env: rollback ------------------------------------------------------------
good_manifest=$(cat "$E2E_ROOT/etc/daemonize/$name.toml")
write_manifest world 'required_env = ["E2E_DATABASE_URL"]'
dz deploy /srv/e2e/service.toml >"$E2E_WORK/deploy5.log" 2>&1
code=$?
[ $code = 78 ] || { cat "$E2E_WORK/deploy5.log" >&2; e2e_fail "deploy with a missing required env exited $code, not 78"; }
grep -q 'E2E_DATABASE_URL' "$E2E_WORK/deploy5.log" || { cat "$E2E_WORK/deploy5.log" >&2; e2e_fail "deploy output does not name the variable"; }
journal_names_it() { e2e_run journalctl --no-pager -u "$unit" | grep -q E2E_DATABASE_URL; }
e2e_wait_until 10 journal_names_it || { e2e_diagnose "$unit"; e2e_fail "journalctl -u does not name the variable"; }
[ "$(cat "$E2E_ROOT/etc/daemonize/$name.toml")" = "$good_manifest" ] || e2e_fail "the previous manifest was not restored"
e2e_wait_until 15 test "$(prop ActiveState)" = active || diagnose_fail "the previous version is not running again"
grep -q 'running again' "$E2E_WORK/deploy5.log" || { cat "$E2E_WORK/deploy5.log" >&2; e2e_fail "no rollback report"; }
e2e_pass "missing required env: exit 78, journal names it, rolled back, previous version active"

# --- never ready: rollback -----------------------------------------------------------------------
# A program that cannot start: the watchdog never sends READY=1, gives up after max_restarts
# (exit 75) and systemd fails the restart job. (A failing [health] check is the other way to
# never become ready, once the watchdog runs health checks.)
write_manifest never-ready '[restart]' 'delay = "100ms"' 'max_restarts = 1'
sed -i 's|^command = "/bin/sh"|command = "/opt/e2e/no-such-program"|' "$E2E_ROOT/srv/e2e/service.toml"
dz deploy /srv/e2e/service.toml --wait-timeout 60 >"$E2E_WORK/deploy6.log" 2>&1
code=$?
[ $code != 0 ] || { cat "$E2E_WORK/deploy6.log" >&2; e2e_fail "deploy of a never-ready version succeeded"; }
grep -q 'rolled back to the previous version, which is running again' "$E2E_WORK/deploy6.log" ||
  { cat "$E2E_WORK/deploy6.log" >&2; e2e_fail "never ready: no rollback report"; }
[ "$(cat "$E2E_ROOT/etc/daemonize/$name.toml")" = "$good_manifest" ] || e2e_fail "never ready: previous manifest not restored"
e2e_wait_until 15 test "$(prop ActiveState)" = active || diagnose_fail "never ready: the previous version is not running again"
grep -q 'started world green' "$E2E_ROOT/var/log/$name/out.log" || e2e_fail "never ready: the previous program is not the one running"
e2e_pass "never ready: deploy exited $code, rolled back, previous version active"

# --- remove ---------------------------------------------------------------------------------------
write_manifest world
dz remove "$name" >"$E2E_WORK/remove.log" 2>&1 || { cat "$E2E_WORK/remove.log" >&2; e2e_fail "remove failed"; }
[ ! -e "$E2E_ROOT/etc/systemd/system/$unit" ] || e2e_fail "remove left the unit"
[ ! -e "$E2E_ROOT/var/lib/daemonize/$name.json" ] || e2e_fail "remove left the receipt"
[ ! -e "$E2E_ROOT/etc/daemonize/$name.toml" ] || e2e_fail "remove left the installed manifest"
[ "$(prop LoadState)" = not-found ] || e2e_fail "LoadState=$(prop LoadState) after remove (no daemon-reload?)"
[ -x "$E2E_ROOT/usr/local/bin/daemonize" ] || e2e_fail "remove deleted the shared daemonize binary"
e2e_run getent passwd e2e-svc >/dev/null || e2e_fail "remove without --purge deleted the account"
e2e_pass "remove: unit, manifest and receipt gone, daemon-reload done, account kept without --purge"
