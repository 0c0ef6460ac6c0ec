#!/usr/bin/env bash
# e2e: `daemonize import --service NAME` inside a real systemd reads the unit and its drop-ins
# through `systemctl cat`: the manifest has what systemd applies (the drop-in wins), and the
# report names the real files and their lines. A user's unit comes from the user's manager.
# Usage: systemd_import_service.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

e2e_copy_in_with_libraries "$daemonize" /usr/local/bin/daemonize
e2e_write_file /etc/systemd/system/e2e-import.service <<'UNIT'
[Unit]
Description=Imported by the e2e test

[Service]
ExecStart=/usr/bin/sleep 600
User=nobody
Restart=on-failure
RestartSec=3
Environment=MODE=unit

[Install]
WantedBy=multi-user.target
UNIT
e2e_write_file /etc/systemd/system/e2e-import.service.d/50-override.conf <<'DROPIN'
[Service]
Environment=MODE=dropin
TimeoutStopSec=42
DROPIN
e2e_enable_user_managers
e2e_boot
e2e_run systemctl daemon-reload || e2e_fail "daemon-reload failed"

e2e_run daemonize import --service e2e-import >"$E2E_WORK/manifest.toml" 2>"$E2E_WORK/report" ||
  { cat "$E2E_WORK/report" >&2; e2e_fail "daemonize import --service e2e-import failed"; }
echo "----- report"
cat "$E2E_WORK/report"
echo "----- manifest"
cat "$E2E_WORK/manifest.toml"

unit=/etc/systemd/system/e2e-import.service
dropin=/etc/systemd/system/e2e-import.service.d/50-override.conf
for expected in \
  "$unit:5: carried: ExecStart — service.command, service.args" \
  "$unit:6: carried: User — service.user" \
  "$unit:9: carried: Environment" \
  "$dropin:2: carried: Environment" \
  "$dropin:3: carried: TimeoutStopSec — stop.timeout"; do
  grep -qF -- "$expected" "$E2E_WORK/report" || e2e_fail "the report lacks: $expected"
done

# The manifest validates, and holds what systemd applies.
"$daemonize" validate "$E2E_WORK/manifest.toml" || e2e_fail "the imported manifest does not validate"
grep -qF "# Imported by \`daemonize import\` from $unit" "$E2E_WORK/manifest.toml" ||
  e2e_fail "the manifest does not name $unit"
for expected in 'command = "/usr/bin/sleep"' 'args = ["600"]' 'user = "nobody"' \
  'MODE = "dropin"' 'policy = "on-failure"' 'delay = "3s"' 'timeout = "42s"'; do
  grep -qF -- "$expected" "$E2E_WORK/manifest.toml" || e2e_fail "the manifest lacks: $expected"
done

# An unknown service: exit 66 with systemctl's reason.
e2e_run daemonize import --service e2e-missing >/dev/null 2>"$E2E_WORK/missing"
status=$?
[ "$status" -eq 66 ] || e2e_fail "an unknown service exited $status, expected 66"
grep -qF "daemonize: systemctl cat e2e-missing.service: No files found for e2e-missing.service." \
  "$E2E_WORK/missing" || { cat "$E2E_WORK/missing" >&2; e2e_fail "no systemctl reason for e2e-missing"; }

# A unit only the user's manager has: found through systemctl --user cat, imported as a user
# service, its path in the user's home.
e2e_start_user_manager e2e 1000
printf '[Service]\nExecStart=/usr/bin/sleep 60\n[Install]\nWantedBy=default.target\n' |
  e2e_write_file /home/e2e/.config/systemd/user/e2e-mine.service
e2e_run chown -R 1000:1000 /home/e2e/.config
e2e_run_as_user 1000 systemctl --user daemon-reload || e2e_fail "systemctl --user daemon-reload failed"
e2e_run_as_user 1000 daemonize import --service e2e-mine >"$E2E_WORK/mine.toml" 2>"$E2E_WORK/mine" ||
  { cat "$E2E_WORK/mine" >&2; e2e_fail "daemonize import --service e2e-mine failed"; }
cat "$E2E_WORK/mine"
grep -qF "/home/e2e/.config/systemd/user/e2e-mine.service:2: carried: ExecStart" "$E2E_WORK/mine" ||
  e2e_fail "the report does not name the user's unit"
grep -qF 'scope = "user"' "$E2E_WORK/mine.toml" || e2e_fail "the user's unit is not scope = \"user\""
e2e_pass "import --service read the unit and its drop-in from systemd, and a user's unit"
