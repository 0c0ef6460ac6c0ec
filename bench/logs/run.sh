#!/usr/bin/env bash
# bench/logs: `daemonize run` log capture against rotatelogs, s6-log, multilog, svlogd and
# `cat > FILE` (issue 7). Not run in CI.
#
#   sudo bench/logs/run.sh BUILD/cli/daemonize [LINES=5000000] [RUNS=5]
#
# Every logger gets LINES lines of 100 bytes from the same generator
# (`yes <99 chars> | head -n LINES`), all on one tmpfs, in the same invocation. Rotation:
# 10 MiB files, 5 kept, no compression, no timestamps (plus one daemonize row with
# timestamps = true). Reported per logger, medians of RUNS runs:
#   wall_s      the whole pipeline, generator start to logger exit
#   cpu_s       user+sys of the logger process only: /usr/bin/time on the logger side of the
#               pipe for the peers; for daemonize the watchdog without its child, sampled from
#               /proc/PID/stat (utime+stime, all threads; its children are not included)
#               every 20 ms until it exits (the last ≤ 20 ms of CPU can be missed)
#   rss_kib     peak RSS of the logger (time %M; VmHWM for the watchdog)
# Installs its peers (scripts/deps/bench.txt) with apt-get when they are missing.
set -uo pipefail
daemonize=$(readlink -f "${1:?usage: run.sh DAEMONIZE [LINES] [RUNS]}")
lines=${2:-5000000}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need rotatelogs || missing+=(apache2-utils)
need s6-log || missing+=(s6)
need multilog || missing+=(daemontools)
need svlogd || missing+=(runit)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    echo "warning: could not install ${missing[*]}; those rows print n/a" >&2
fi

work=$(mktemp -d /tmp/dz-bench-logs.XXXXXX)
if mount -t tmpfs -o size=1200m tmpfs "$work" 2>/dev/null; then
  cleanup() { umount "$work"; rmdir "$work"; }
else
  echo "note: cannot mount a tmpfs (not root?); using $work" >&2
  cleanup() { rm -rf "$work"; }
fi
trap cleanup EXIT

payload=$(printf 'x%.0s' $(seq 99))  # 99 bytes + newline = 100-byte lines
generator="yes $payload | head -n $lines"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# run_peer NAME COMMAND...: COMMAND reads stdin in $dir; records wall, cpu, rss.
run_peer() {
  local name=$1; shift
  local dir="$work/$name"
  rm -rf "$dir"; mkdir -p "$dir"
  local start end
  start=$(now)
  bash -c "$generator" | (cd "$dir" && /usr/bin/time -o "$work/time.out" -f '%U %S %M' "$@")
  end=$(now)
  read -r user sys rss <"$work/time.out"
  echo "$name $(echo "$end - $start" | bc) $(echo "$user + $sys" | bc) $rss" >>"$work/results"
}

run_daemonize() {
  local name=$1 timestamps=$2
  local dir="$work/$name"
  rm -rf "$dir"; mkdir -p "$dir/logs"
  cat >"$dir/service.toml" <<TOML
[service]
name = "bench-logs"
command = "/bin/sh"
args = ["-c", "$generator"]
[restart]
policy = "never"
[logs]
directory = "$dir/logs"
stdout = "out.log"
stderr = "null"
max_size = "10MiB"
max_files = 5
compress = false
timestamps = $timestamps
TOML
  local start end pid cpu=0 rss=0 stat status hwm
  local hz
  hz=$(getconf CLK_TCK)
  start=$(now)
  RUNTIME_DIRECTORY=$dir "$daemonize" run "$dir/service.toml" 2>"$dir/watchdog.err" &
  pid=$!
  while [ -r "/proc/$pid/stat" ]; do
    stat=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) || break
    [ -n "$stat" ] && cpu=$stat
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$hwm" ] && rss=$hwm
    sleep 0.02
  done
  wait "$pid"; status=$?
  end=$(now)
  [ "$status" = 0 ] || { echo "daemonize run exited $status:" >&2; cat "$dir/watchdog.err" >&2; }
  set -- $cpu
  echo "$name $(echo "$end - $start" | bc) $(echo "scale=3; (${1:-0} + ${2:-0}) / $hz" | bc) ${rss:-0}" >>"$work/results"
}

: >"$work/results"
for run in $(seq "$runs"); do
  echo "run $run/$runs" >&2
  run_peer cat sh -c 'cat > out.log'
  need rotatelogs && run_peer rotatelogs rotatelogs -n 5 out.log 10M
  need s6-log && run_peer s6-log s6-log n5 s10000000 ./log
  need multilog && run_peer multilog multilog s10000000 n5 ./log
  need svlogd && run_peer svlogd sh -c 'mkdir -p log && printf "s10000000\nn5\n" > log/config && exec svlogd log'
  run_daemonize daemonize false
  run_daemonize daemonize-timestamps true
done

csv_rows=()
printf '%-22s %10s %10s %10s   (%s lines of 100 bytes, median of %s runs)\n' \
  logger wall_s cpu_s rss_kib "$lines" "$runs"
for name in cat rotatelogs s6-log multilog svlogd daemonize daemonize-timestamps; do
  if ! grep -q "^$name " "$work/results"; then
    printf '%-22s %10s %10s %10s\n' "$name" n/a n/a n/a
    continue
  fi
  wall=$(awk -v n="$name" '$1==n {print $2}' "$work/results" | median)
  cpu=$(awk -v n="$name" '$1==n {print $3}' "$work/results" | median)
  rss=$(awk -v n="$name" '$1==n {print $4}' "$work/results" | median)
  printf '%-22s %10.3f %10.3f %10s\n' "$name" "$wall" "$cpu" "$rss"
  csv_rows+=("$name,$cpu,$wall,$(echo "scale=1; $rss / 1024" | bc)")
done
# BENCH_CSV=FILE: the medians as CSV (the format of results.csv, for bench/plot.sh).
if [ -n "${BENCH_CSV:-}" ]; then
  { echo "logger,cpu_s,wall_s,peak_rss_mib"; printf '%s\n' "${csv_rows[@]}"; } >"$BENCH_CSV"
  echo "wrote $BENCH_CSV (bench/plot.sh draws the charts from bench/logs/results.csv)"
fi
