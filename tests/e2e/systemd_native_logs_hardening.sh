#!/usr/bin/env bash
# e2e: a hardened native unit with file logs, in a real systemd:
#  - StandardOutput=/StandardError=append: files land in the directory the rendered tmpfiles.d
#    entry created;
#  - ProtectSystem=strict: /etc is read-only; ReadWritePaths=: the working directory is not;
#  - PrivateTmp=yes: the unit's /tmp is not the system's;
#  - the rendered logrotate file (copytruncate) rotates the open file without holes: the
#    program keeps appending at the start of the truncated file.
# Usage: systemd_native_logs_hardening.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init
command -v logrotate >/dev/null || e2e_unavailable "logrotate is not installed (package logrotate)"

unit=e2e-logs.service
"$daemonize" render "$here/manifests/logs-hardening.toml" --target systemd -o "$E2E_WORK/out" \
  >"$E2E_WORK/render.log" 2>&1 || { cat "$E2E_WORK/render.log" >&2; e2e_fail "daemonize render failed"; }
echo "----- rendered unit"
cat "$E2E_WORK/out/systemd/$unit"
echo "----- rendered logrotate file"
cat "$E2E_WORK/out/systemd/e2e-logs.logrotate"

echo "----- rendered tmpfiles.d file"
cat "$E2E_WORK/out/systemd/e2e-logs.tmpfiles.conf"

mkdir -p "$E2E_ROOT/srv/e2e-logs"
e2e_boot
# What deploy does: install the tmpfiles.d entry and apply it (systemd opens append: files
# before it creates any directory of its own).
e2e_copy_in "$E2E_WORK/out/systemd/e2e-logs.tmpfiles.conf" /etc/tmpfiles.d/daemonize-e2e-logs.conf
e2e_run systemd-tmpfiles --create /etc/tmpfiles.d/daemonize-e2e-logs.conf ||
  e2e_fail "systemd-tmpfiles --create failed"
e2e_install_unit "$E2E_WORK/out/systemd/$unit"
e2e_run systemctl start "$unit" || { e2e_diagnose "$unit"; e2e_fail "systemctl start failed"; }

logs=$E2E_ROOT/var/log/e2e-logs
e2e_wait_until 10 grep -q tick "$logs/stdout.log" || { e2e_diagnose "$unit"; e2e_fail "no output in $logs/stdout.log"; }
[ "$(e2e_unit_property "$unit" ActiveState)" = active ] || { e2e_diagnose "$unit"; e2e_fail "the unit is not active"; }
grep -qx out-line "$logs/stdout.log" || e2e_fail "stdout.log lacks the program's first line"
grep -qx err-line "$logs/stderr.log" || e2e_fail "stderr.log lacks the program's stderr"
[ -e "$E2E_ROOT/srv/e2e-logs/wrote-working-directory" ] || e2e_fail "ReadWritePaths=: the working directory was not writable"
[ ! -e "$E2E_ROOT/etc/e2e-logs-forbidden" ] && ! grep -q etc-was-writable "$logs/stderr.log" ||
  e2e_fail "ProtectSystem=strict: /etc was writable"
[ ! -e "$E2E_ROOT/tmp/e2e-logs-private" ] || e2e_fail "PrivateTmp=yes: the unit wrote the system's /tmp"
[ "$(e2e_unit_property "$unit" NoNewPrivileges)" = yes ] || e2e_fail "NoNewPrivileges is not set"

# Rotate with the rendered file, pointed at the container's files from the host.
sed "s#\"/var/log/e2e-logs/#\"$logs/#g" "$E2E_WORK/out/systemd/e2e-logs.logrotate" >"$E2E_WORK/logrotate.conf"
chmod 0644 "$E2E_WORK/logrotate.conf"
size_over_max() { [ "$(stat -c %s "$logs/stdout.log")" -gt 1024 ]; }
e2e_wait_until 20 size_over_max || e2e_fail "stdout.log did not grow past max_size (1KiB)"
before=$(stat -c %s "$logs/stdout.log")
logrotate -s "$E2E_WORK/logrotate.state" "$E2E_WORK/logrotate.conf" || e2e_fail "logrotate failed"
[ -s "$logs/stdout.log.1" ] || e2e_fail "logrotate did not rotate stdout.log (size was $before)"
sleep 0.5
# copytruncate + O_APPEND: new lines start at offset 0 of the truncated file, no NUL hole.
head -c 1 "$logs/stdout.log" | od -An -c | grep -q '\\0' && e2e_fail "stdout.log starts with a NUL hole"
e2e_wait_until 5 grep -q tick "$logs/stdout.log" || e2e_fail "the program stopped writing after rotation"
after=$(stat -c %s "$logs/stdout.log")
[ "$after" -lt "$before" ] || e2e_fail "stdout.log did not shrink after rotation ($before -> $after)"

e2e_pass "hardened native unit: logs in the tmpfiles.d directory, /etc read-only, working dir writable, private /tmp, rotation without holes ($before -> $after bytes)"
