#!/usr/bin/env bash
# Checks every golden of the systemd target with systemd's own tooling:
#   <case>.service   -> systemd-analyze verify (user units, WantedBy=default.target, with --user)
#   <case>.logrotate -> logrotate -d
#   <case>.timer     -> systemd-analyze verify (with its <case>.service next to it), and
#                       systemd-analyze calendar on each OnCalendar= line
#   <case>.tmpfiles  -> systemd-tmpfiles --create into a scratch root (user scope: --user with a
#                       scratch $HOME), which must create every `d` directory it lists
# Each must exit 0 and print nothing (logrotate -d always prints its plan: no "error:" lines).
# Exit 77 (skip) when a tool is missing, unless CI=true.
set -uo pipefail
golden_dir=${1:?usage: verify_goldens.sh GOLDEN_DIR}

require_tool() {
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
      echo "FAIL: $1 is not installed (package $2; scripts/install-deps.sh)" >&2
      exit 1
    fi
    echo "SKIP: $1 is not installed (package $2)" >&2
    exit 77
  fi
}
require_tool systemd-analyze systemd
require_tool logrotate logrotate
require_tool systemd-tmpfiles systemd

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `systemd-analyze --user verify` as root needs a runtime directory.
mkdir -p "$work/runtime" && chmod 700 "$work/runtime"

failures=0
units=0
rotations=0
for unit in "$golden_dir"/*.service; do
  [ -e "$unit" ] || continue
  units=$((units + 1))
  scope=()
  if grep -qx 'WantedBy=default.target' "$unit"; then scope=(--user); fi
  output=$(cd "$work" && XDG_RUNTIME_DIR="$work/runtime" systemd-analyze "${scope[@]}" verify "$unit" 2>&1)
  status=$?
  if [ $status -ne 0 ] || [ -n "$output" ]; then
    echo "FAIL: systemd-analyze ${scope[*]} verify $(basename "$unit") (exit $status):" >&2
    echo "$output" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  else
    echo "ok: systemd-analyze ${scope[*]} verify $(basename "$unit")"
  fi
done

for config in "$golden_dir"/*.logrotate; do
  [ -e "$config" ] || continue
  rotations=$((rotations + 1))
  # logrotate wants its configuration owned by root and not group/world-writable.
  cp "$config" "$work/$(basename "$config")" && chmod 0644 "$work/$(basename "$config")"
  output=$(logrotate -d -s "$work/logrotate.state" "$work/$(basename "$config")" 2>&1)
  status=$?
  if [ $status -ne 0 ] || grep -qiE '^error|error:' <<<"$output"; then
    echo "FAIL: logrotate -d $(basename "$config") (exit $status):" >&2
    echo "$output" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  else
    echo "ok: logrotate -d $(basename "$config")"
  fi
done

timers=0
for timer in "$golden_dir"/*.timer; do
  [ -e "$timer" ] || continue
  timers=$((timers + 1))
  case_name=$(basename "$timer" .timer)
  if [ ! -e "$golden_dir/$case_name.service" ]; then
    echo "FAIL: $(basename "$timer") has no $case_name.service to start" >&2
    failures=$((failures + 1))
    continue
  fi
  # The unit a timer starts is found by name in the timer's directory.
  mkdir -p "$work/timers/$case_name"
  cp "$timer" "$work/timers/$case_name/$case_name.timer"
  cp "$golden_dir/$case_name.service" "$work/timers/$case_name/$case_name.service"
  output=$(cd "$work" && systemd-analyze verify "$work/timers/$case_name/$case_name.timer" 2>&1)
  status=$?
  if [ $status -ne 0 ] || [ -n "$output" ]; then
    echo "FAIL: systemd-analyze verify $(basename "$timer") (exit $status):" >&2
    echo "$output" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  else
    echo "ok: systemd-analyze verify $(basename "$timer")"
  fi
  while IFS= read -r calendar; do
    output=$(systemd-analyze calendar "$calendar" 2>&1)
    status=$?
    if [ $status -ne 0 ] || ! grep -q 'Next elapse:' <<<"$output"; then
      echo "FAIL: systemd-analyze calendar '$calendar' ($(basename "$timer"), exit $status):" >&2
      echo "$output" | sed 's/^/    /' >&2
      failures=$((failures + 1))
    else
      echo "ok: systemd-analyze calendar '$calendar' ($(basename "$timer"))"
    fi
  done < <(sed -n 's/^OnCalendar=//p' "$timer")
done

tmpfiles_checked=0
for config in "$golden_dir"/*.tmpfiles; do
  [ -e "$config" ] || continue
  tmpfiles_checked=$((tmpfiles_checked + 1))
  case_name=$(basename "$config" .tmpfiles)
  root=$work/tmpfiles-$case_name
  mkdir -p "$root/etc" "$root/home" "$root/runtime"
  # The accounts the entries name, so --root can resolve them offline.
  : >"$root/etc/passwd"
  : >"$root/etc/group"
  id=900
  for account in $(awk '$1 == "d" {print $(NF-2); print $(NF-1)}' "$config" | sort -u); do
    [ "$account" = - ] && continue
    id=$((id + 1))
    echo "$account:x:$id:$id::/nonexistent:/usr/sbin/nologin" >>"$root/etc/passwd"
    echo "$account:x:$id:" >>"$root/etc/group"
  done
  if grep -qx 'WantedBy=default.target' "$golden_dir/$case_name.service" 2>/dev/null; then
    mode=(--user)
    output=$(HOME="$root/home" XDG_RUNTIME_DIR="$root/runtime" systemd-tmpfiles --user --create "$config" 2>&1)
    status=$?
    base=$root/home
  else
    mode=(--root="$root")
    output=$(systemd-tmpfiles --create --root="$root" "$config" 2>&1)
    status=$?
    base=$root
  fi
  missing=""
  while read -r directory; do
    directory=${directory%\"}
    directory=${directory#\"}
    directory=${directory/#%h/}
    [ -d "$base$directory" ] || missing+=" $directory"
  done < <(awk '$1 == "d" {sub(/^d[ \t]+/, ""); sub(/[ \t]+[0-7]+[ \t].*$/, ""); print}' "$config")
  if [ $status -ne 0 ] || [ -n "$output" ] || [ -n "$missing" ]; then
    echo "FAIL: systemd-tmpfiles ${mode[*]} --create $(basename "$config") (exit $status)${missing:+, not created:$missing}:" >&2
    echo "$output" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  else
    echo "ok: systemd-tmpfiles ${mode[0]%%=*} --create $(basename "$config")"
  fi
done

if [ $units -eq 0 ]; then
  echo "FAIL: no golden units in $golden_dir" >&2
  exit 1
fi
echo "$units units, $timers timers, $rotations logrotate files, $tmpfiles_checked tmpfiles.d files, $failures failures"
[ $failures -eq 0 ]
