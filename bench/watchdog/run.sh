#!/usr/bin/env bash
# Watchdog benchmark (issue 6): `daemonize run` against s6-supervise, runsv and supervisord,
# all in the same run on the same machine.
#   1. restart latency: child exit -> next child's first instruction after exec, delay = 0
#      (median of RESTARTS restarts; the child lives LIVE_MS because runsv and s6-supervise
#      hold back restarts of a child that ran less than 1 s);
#   2. idle syscalls: `strace -c -f -p PID` on the supervisor with one sleeping child, 5 s;
#   3. idle memory: Pss and Private_Dirty of the supervisor process (/proc/PID/smaps_rollup).
# Usage: bench/watchdog/run.sh DAEMONIZE [RESTARTS] [LIVE_MS]
# Needs root (strace -p), a C compiler with static libc, and the Debian packages strace, s6,
# runit, supervisor (scripts/deps/watchdog.txt). A missing peer is reported as "n/a".
set -euo pipefail
daemonize=$(readlink -f "${1:?usage: run.sh DAEMONIZE [RESTARTS] [LIVE_MS]}")
restarts=${2:-20}
live_ms=${3:-1100}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/daemonize-bench-watchdog.XXXXXX)
pids_to_kill=()
# The watchdog's state file goes to tmpfs, as under systemd (/run): /dev/shm when there is one.
runtime_root=$work/runtime
[ -d /dev/shm ] && runtime_root=$(mktemp -d /dev/shm/daemonize-bench.XXXXXX)
cleanup() {
  rm -rf "$runtime_root"
  for pid in "${pids_to_kill[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  pkill -KILL -f "$work/child" 2>/dev/null || true  # children whose supervisor is gone
  rm -rf "$work"
}
trap cleanup EXIT

child=$work/child
sync  # a freshly linked binary has dirty page-cache pages, which the watchdog cannot page out
cc -O2 -static -o "$child" "$here/restart_child.c"

# Median restart latency in ms from a stamp file.
latency_ms() {
  python3 - "$1" <<'PY'
import statistics, sys
events = [line.split() for line in open(sys.argv[1])]
gaps, last_exit = [], None
for kind, ns in events:
    if kind == "E":
        last_exit = int(ns)
    elif kind == "S" and last_exit is not None:
        gaps.append((int(ns) - last_exit) / 1e6)
        last_exit = None
print(f"{statistics.median(gaps):.2f}" if gaps else "n/a")
PY
}

wait_for_restarts() {  # FILE COUNT
  local deadline=$((SECONDS + restarts * (live_ms / 1000 + 3) + 30))
  while [ "$(grep -c '^S' "$1" 2>/dev/null || echo 0)" -le "$2" ]; do
    [ $SECONDS -lt $deadline ] || { echo "bench: timeout waiting for restarts in $1" >&2; return 1; }
    sleep 0.2
  done
}

idle_syscalls() {  # PID
  local out
  out=$(timeout -s INT 5 strace -c -f -p "$1" 2>&1 >/dev/null || true)
  echo "$out" | awk '/total$/ { print $(NF-2) ~ /^[0-9]+$/ ? $(NF-2) : $(NF-1); found=1 } END { if (!found) print 0 }'
}

memory_kib() {  # PID FIELD
  awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/smaps_rollup"
}

results=()
csv_rows=()  # BENCH_CSV=FILE: also write them as CSV (the format of results.csv, for bench/plot.sh)
record() {
  results+=("$(printf '%-14s %18s %16s %10s %18s' "$@")")
  csv_rows+=("$(IFS=,; echo "$*")")
}

# --- starters: each prints the supervisor's pid; $1 = child argv as a shell-quoted string ---
start_daemonize() {  # DIR ARGS...
  local dir=$1; shift
  mkdir -p "$dir"
  local args="" a
  for a in "$@"; do args+="\"$a\", "; done
  cat >"$dir/service.toml" <<TOML
[service]
name = "bench"
command = "$child"
args = [${args%, }]
[restart]
policy = "always"
delay = "0s"
max_restarts = 0
[logs]
stdout = "null"
stderr = "null"
TOML
  local runtime=$runtime_root/$(basename "$dir")
  mkdir -p "$runtime"
  RUNTIME_DIRECTORY=$runtime "$daemonize" run "$dir/service.toml" >/dev/null 2>"$dir/watchdog.log" &
  echo $!
}

start_runsv() {
  local dir=$1; shift
  mkdir -p "$dir"
  printf '#!/bin/sh\nexec %s\n' "$child $*" >"$dir/run"
  chmod +x "$dir/run"
  runsv "$dir" >/dev/null 2>&1 &
  echo $!
}

start_s6() {
  local dir=$1; shift
  mkdir -p "$dir"
  printf '#!/bin/sh\nexec %s\n' "$child $*" >"$dir/run"
  chmod +x "$dir/run"
  s6-supervise "$dir" >/dev/null 2>&1 &
  echo $!
}

start_supervisord() {
  local dir=$1; shift
  mkdir -p "$dir"
  cat >"$dir/supervisord.conf" <<CONF
[supervisord]
nodaemon=true
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
[program:bench]
command=$child $*
autorestart=true
startsecs=0
startretries=1000000
stdout_logfile=NONE
stderr_logfile=NONE
CONF
  supervisord -n -c "$dir/supervisord.conf" >/dev/null 2>&1 &
  echo $!
}

peer_available() {
  case $1 in
    daemonize) return 0 ;;
    runsv) command -v runsv ;;
    s6) command -v s6-supervise ;;
    supervisord) command -v supervisord ;;
  esac >/dev/null
}

for peer in daemonize s6 runsv supervisord; do
  label=$peer
  [ "$peer" = s6 ] && label=s6-supervise
  if ! peer_available "$peer"; then
    record "$label" n/a n/a n/a n/a
    continue
  fi
  # 1. restart latency
  stamps=$work/$peer-stamps
  pid=$("start_$peer" "$work/$peer-restart" "$stamps" "$live_ms")
  pids_to_kill+=("$pid")
  wait_for_restarts "$stamps" "$restarts" || true
  kill -TERM "$pid" 2>/dev/null || true
  sleep 0.5
  kill -KILL "$pid" 2>/dev/null || true
  pkill -KILL -f "$child $stamps" 2>/dev/null || true
  latency=$(latency_ms "$stamps")

  # 2 + 3. idle: one sleeping child
  pid=$("start_$peer" "$work/$peer-idle" --sleep)
  pids_to_kill+=("$pid")
  sleep 2
  syscalls=$(idle_syscalls "$pid")
  pss=$(memory_kib "$pid" Pss)
  dirty=$(memory_kib "$pid" Private_Dirty)
  kill -TERM "$pid" 2>/dev/null || true
  sleep 0.5
  kill -KILL "$pid" 2>/dev/null || true
  pkill -KILL -f "$child --sleep" 2>/dev/null || true
  record "$label" "$latency" "$syscalls" "$pss" "$dirty"
done

echo "restarts per peer: $restarts, child lifetime: ${live_ms} ms, $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %18s %16s %10s %18s\n' supervisor "restart_median_ms" "idle_syscalls_5s" "pss_kib" "private_dirty_kib"
printf '%s\n' "${results[@]}"
if [ -n "${BENCH_CSV:-}" ]; then
  { echo "supervisor,restart_median_ms,idle_syscalls_5s,pss_kib,private_dirty_kib"
    printf '%s\n' "${csv_rows[@]}"; } >"$BENCH_CSV"
  echo "wrote $BENCH_CSV (bench/plot.sh draws the charts from bench/watchdog/results.csv)"
fi
