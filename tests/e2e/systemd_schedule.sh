#!/usr/bin/env bash
# e2e: [schedule] under a real systemd 252, through `daemonize deploy` and `remove`:
#  - every = "2s": deploy installs <name>.service and <name>.timer, enables and starts the timer
#    (not the service); the timer fires again and again and each run runs as the service
#    account (create_user); `daemonize status` shows the timer;
#  - cron = "* * * * *": the OnCalendar= timer fires within the next minute;
#  - remove: timer and service gone (LoadState=not-found), no run after it.
# Usage: systemd_schedule.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
e2e_init

e2e_copy_in_with_libraries "$daemonize" /opt/daemonize-build/daemonize
# The job: one line per run with the account it runs as.
e2e_write_file /usr/local/bin/e2e-job 0755 <<'SH'
#!/bin/sh
echo "$(id -un) $(date +%s)" >>"/srv/e2e/$1.runs"
SH
mkdir -p "$E2E_ROOT/srv/e2e" && chmod 1777 "$E2E_ROOT/srv/e2e"

manifest() {  # manifest NAME SCHEDULE-LINE
  e2e_write_file "/srv/manifests/$1.toml" <<TOML
[service]
name = "$1"
command = "/usr/local/bin/e2e-job"
args = ["$1"]
user = "e2e-job"
create_user = true

[schedule]
$2
TOML
}
manifest every-job 'every = "2s"'
manifest calendar-job 'cron = "* * * * *"'
e2e_boot

dz() { e2e_run /opt/daemonize-build/daemonize "$@"; }
runs() { cat "$E2E_ROOT/srv/e2e/$1.runs" 2>/dev/null | wc -l; }

# ---- every = "2s" ------------------------------------------------------------------------------
output=$(dz deploy /srv/manifests/every-job.toml --target systemd 2>&1) ||
  { echo "$output" >&2; e2e_diagnose every-job.timer; e2e_fail "deploy every-job failed"; }
grep -q 'enable every-job.timer' <<<"$output" && grep -q 'start every-job.timer' <<<"$output" ||
  { echo "$output" >&2; e2e_fail "deploy did not enable and start every-job.timer"; }
grep -q 'start every-job.service' <<<"$output" && { echo "$output" >&2; e2e_fail "deploy started the service itself"; }
[ "$(e2e_unit_property every-job.timer UnitFileState)" = enabled ] || e2e_fail "every-job.timer is not enabled"
[ "$(e2e_unit_property every-job.timer ActiveState)" = active ] || e2e_fail "every-job.timer is not active"
[ "$(e2e_unit_property every-job.service UnitFileState)" = static ] ||
  e2e_fail "every-job.service is $(e2e_unit_property every-job.service UnitFileState), static expected (started by its timer only)"
three_runs() { [ "$(runs every-job)" -ge 3 ]; }
e2e_wait_until 30 three_runs || { e2e_diagnose every-job.service; e2e_fail "every-job ran $(runs every-job) times in 30 s, 3 expected"; }
accounts=$(awk '{print $1}' "$E2E_ROOT/srv/e2e/every-job.runs" | sort -u)
[ "$accounts" = e2e-job ] || e2e_fail "the job ran as '$accounts', e2e-job expected"
status=$(dz status every-job 2>&1)
grep -q 'every-job.timer' <<<"$status" || { echo "$status" >&2; e2e_fail "daemonize status does not show the timer"; }
e2e_pass "every = \"2s\": deploy enabled and started every-job.timer; $(runs every-job) runs, all as e2e-job"

# ---- cron = "* * * * *" ------------------------------------------------------------------------
dz deploy /srv/manifests/calendar-job.toml --target systemd >"$E2E_WORK/deploy-calendar.log" 2>&1 ||
  { cat "$E2E_WORK/deploy-calendar.log" >&2; e2e_fail "deploy calendar-job failed"; }
calendar=$(e2e_unit_property calendar-job.timer TimersCalendar)
grep -q 'OnCalendar=\*-\*-\* \*:\*:00' <<<"$calendar" || e2e_fail "calendar-job.timer: TimersCalendar '$calendar'"
one_run() { [ "$(runs calendar-job)" -ge 1 ]; }
e2e_wait_until 75 one_run || { e2e_diagnose calendar-job.service; e2e_fail "calendar-job did not run within 75 s"; }
second=$(awk '{print $2}' "$E2E_ROOT/srv/e2e/calendar-job.runs" | head -1)
[ $((second % 60)) -le 5 ] || e2e_fail "calendar-job ran at second $((second % 60)) of its minute, 0 expected"
e2e_pass "cron = \"* * * * *\": calendar-job.timer fired at the minute, as $(awk '{print $1}' "$E2E_ROOT/srv/e2e/calendar-job.runs" | head -1)"

# ---- remove --------------------------------------------------------------------------------------
dz remove every-job >"$E2E_WORK/remove.log" 2>&1 || { cat "$E2E_WORK/remove.log" >&2; e2e_fail "remove every-job failed"; }
for unit in every-job.timer every-job.service; do
  [ "$(e2e_unit_property "$unit" LoadState)" = not-found ] || e2e_fail "$unit is still loaded after remove"
  [ -e "$E2E_ROOT/etc/systemd/system/$unit" ] && e2e_fail "$unit is still installed after remove"
done
before=$(runs every-job)
sleep 4
[ "$(runs every-job)" = "$before" ] || e2e_fail "every-job ran after remove"
dz remove calendar-job >/dev/null 2>&1 || e2e_fail "remove calendar-job failed"
e2e_pass "remove: timer and service gone, no run after it"
