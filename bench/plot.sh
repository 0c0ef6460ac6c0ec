#!/usr/bin/env bash
# Draws the benchmark charts of docs/benchmarks.md from the recorded figures:
#   bench/watchdog/results.csv -> docs/images/bench-restart-latency.svg, bench-memory.svg
#   bench/logs/results.csv     -> docs/images/bench-logs.svg
# It does not run a benchmark: re-run bench/*/run.sh, update the CSV files, then this script.
# Usage: bench/plot.sh [OUTPUT_DIR]   (default: docs/images next to this script's repository)
# Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(cd "$bench/.." && pwd)/docs/images}
mkdir -p "$out"
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot is missing (apt install gnuplot-nox)" >&2; exit 69; }

common='
set terminal svg size 720,380 dynamic font "Helvetica,12" background "#ffffff"
set datafile separator ","
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics lc rgb "#dddddd"
set key top left
set xtics nomirror rotate by -20 left
set ytics nomirror
set border 3
set termoption noenhanced
'

gnuplot <<GNUPLOT
$common
set output "$out/bench-restart-latency.svg"
set title "Restart latency of a crashing child, median (ms, log scale; lower is better)"
set logscale y
set yrange [1:3000]
set ylabel "ms"
plot "$bench/watchdog/results.csv" every ::1 using 2:xtic(1) title "restart latency" lc rgb "#4a6fa5", \
     "" every ::1 using 0:2:(sprintf("%.1f", \$2)) with labels offset 0,0.8 notitle

set output "$out/bench-memory.svg"
set title "Idle supervisor memory (KiB, log scale; lower is better)"
set yrange [50:50000]
set ylabel "KiB"
set key top left
plot "$bench/watchdog/results.csv" every ::1 using 4:xtic(1) title "Pss" lc rgb "#4a6fa5", \
     "" every ::1 using 5 title "Private_Dirty" lc rgb "#e0a030"
GNUPLOT

gnuplot <<GNUPLOT
$common
set output "$out/bench-logs.svg"
set title "Logging 500 MB: logger CPU and wall time (s; lower is better)"
set yrange [0:*]
set ylabel "seconds"
set key top left
plot "$bench/logs/results.csv" every ::1 using 2:xtic(1) title "logger CPU (user+sys)" lc rgb "#4a6fa5", \
     "" every ::1 using 3 title "wall" lc rgb "#b0b8c8"
GNUPLOT

echo "plot.sh: wrote $out/bench-restart-latency.svg $out/bench-memory.svg $out/bench-logs.svg"
