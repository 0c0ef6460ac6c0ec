#!/usr/bin/env bash
# e2e: [schedule] on the cron target with a real cron daemon (Debian's cron, copied from the host
# into the systemd 252 container; scripts/deps/cron.txt installs it):
#  - `deploy --target cron` puts the expression itself in root's crontab and starts nothing;
#  - cron runs the job through the watchdog at the minute (its [logs] file gets the output);
#  - overlap = "skip": the run due at the next minute, while the first (70 s long) still runs,
#    is skipped (cron ran that minute: an operator line of the same crontab ticked), and the
#    job starts again at the minute after the first ended.
# Usage: cron_schedule.sh DAEMONIZE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemonize=${1:?daemonize binary}
source "$here/lib.sh"
for tool in /usr/sbin/cron /usr/bin/crontab /etc/pam.d/cron; do
  if [ ! -e "$tool" ]; then
    [ "${CI:-}" = true ] && { echo "FAIL: $tool is missing (package cron, scripts/deps/cron.txt)" >&2; exit 1; }
    echo "SKIP: $tool is missing (package cron)"
    exit 77
  fi
done
e2e_init

e2e_copy_in_with_libraries "$daemonize" /opt/daemonize-build/daemonize
e2e_copy_in_with_libraries /usr/sbin/cron /usr/sbin/cron
e2e_copy_in_with_libraries /usr/bin/crontab /usr/bin/crontab
e2e_copy_in /etc/pam.d/cron /etc/pam.d/cron
mkdir -p "$E2E_ROOT/var/spool/cron/crontabs" && chmod 1730 "$E2E_ROOT/var/spool/cron/crontabs"
e2e_write_file /usr/local/bin/e2e-slow-job 0755 <<'SH'
#!/bin/sh
echo "start $(date +%s)" >>/srv/e2e/job.runs
echo "job output"
sleep 70
echo "end $(date +%s)" >>/srv/e2e/job.runs
SH
mkdir -p "$E2E_ROOT/srv/e2e"
e2e_write_file /srv/manifests/slow-job.toml <<'TOML'
[service]
name = "slow-job"
command = "/usr/local/bin/e2e-slow-job"

[schedule]
cron = "* * * * *"
overlap = "skip"

[logs]
directory = "/var/log/slow-job"
TOML
e2e_boot

dz() { e2e_run /opt/daemonize-build/daemonize "$@"; }
starts() { grep -c '^start' "$E2E_ROOT/srv/e2e/job.runs" 2>/dev/null || echo 0; }
ticks() { wc -l <"$E2E_ROOT/srv/e2e/ticks" 2>/dev/null || echo 0; }

# An operator line that was there before: proof that cron runs the crontab each minute.
printf '* * * * * echo tick >>/srv/e2e/ticks\n' | e2e_run crontab - || e2e_fail "crontab - failed"
output=$(dz deploy /srv/manifests/slow-job.toml --target cron 2>&1) ||
  { echo "$output" >&2; e2e_fail "deploy --target cron failed"; }
crontab=$(e2e_run crontab -l)
grep -qx "\* \* \* \* \* '/usr/local/bin/daemonize' run '/etc/daemonize/slow-job.toml' >/dev/null" <<<"$crontab" ||
  { echo "$crontab" >&2; e2e_fail "the crontab lacks the job's line"; }
grep -qx '\* \* \* \* \* echo tick >>/srv/e2e/ticks' <<<"$crontab" || e2e_fail "deploy lost the operator's line"
[ "$(starts)" = 0 ] || e2e_fail "deploy ran the job"
e2e_run systemd-run --unit=e2e-cron /usr/sbin/cron -f || e2e_fail "cannot start cron"

first_start() { [ "$(starts)" -ge 1 ]; }
e2e_wait_until 75 first_start || { e2e_diagnose e2e-cron.service; e2e_fail "cron did not run the job within 75 s"; }
started=$(awk '$1 == "start" {print $2; exit}' "$E2E_ROOT/srv/e2e/job.runs")
ticks_then=$(ticks)
# The next minute's run is due while the first runs (70 s): it must skip.
next_minute=$(((started / 60 + 1) * 60))
ticked() { [ "$(ticks)" -gt "$ticks_then" ]; }
e2e_wait_until 75 ticked || e2e_fail "cron did not run the next minute"
sleep 5
now=$(date +%s)
[ "$now" -ge "$next_minute" ] || e2e_fail "clock: $now is before the next minute $next_minute"
[ "$(starts)" = 1 ] || { cat "$E2E_ROOT/srv/e2e/job.runs" >&2; e2e_fail "a second run started while the first ran (overlap = \"skip\")"; }
grep -q 'job output' "$E2E_ROOT/var/log/slow-job/stdout.log" || e2e_fail "the job's output is not in its log file"
e2e_pass "cron ran the job at the minute; the run due one minute later skipped while the first ran"

second_start() { [ "$(starts)" -ge 2 ]; }
e2e_wait_until 140 second_start || { cat "$E2E_ROOT/srv/e2e/job.runs" >&2; e2e_fail "the job did not run again after the first ended"; }
first_end=$(awk '$1 == "end" {print $2; exit}' "$E2E_ROOT/srv/e2e/job.runs")
second=$(awk '$1 == "start" {print $2}' "$E2E_ROOT/srv/e2e/job.runs" | sed -n 2p)
[ -n "$first_end" ] && [ "$second" -ge "$first_end" ] ||
  { cat "$E2E_ROOT/srv/e2e/job.runs" >&2; e2e_fail "the second run started before the first ended"; }
e2e_pass "the next run started after the first ended (at $((second % 60)) s of its minute)"

dz remove slow-job >"$E2E_WORK/remove.log" 2>&1 || { cat "$E2E_WORK/remove.log" >&2; e2e_fail "remove failed"; }
e2e_run crontab -l | grep -q slow-job && e2e_fail "the job's block is still in the crontab"
e2e_pass "remove took the job's block out of the crontab"
