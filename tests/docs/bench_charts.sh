#!/usr/bin/env bash
# The benchmark charts of docs/benchmarks.md are drawn from the recorded figures
# (bench/*/results.csv) by bench/plot.sh and cannot drift from them: every row of each CSV is
# named in its committed chart, and with gnuplot (always under CI=true) a fresh drawing equals
# the committed SVGs byte for byte. Usage: bench_charts.sh SOURCE_DIR
set -uo pipefail
src=${1:?source dir}
images=$src/docs/images
fail() { echo "FAIL: $*" >&2; exit 1; }

rows() { grep -v '^#' "$1" | tail -n +2 | cut -d, -f1; }
check_named() {  # check_named CSV SVG...
  local csv=$1 row svg found
  shift
  while IFS= read -r row; do
    found=no
    for svg in "$@"; do
      [ -f "$svg" ] || fail "$svg is missing (run bench/plot.sh)"
      grep -qF "$row" "$svg" && found=yes
      grep -qF "${row//>/&gt;}" "$svg" && found=yes  # in case a gnuplot escapes '>'
    done
    [ "$found" = yes ] || fail "'$row' of $csv is not in $* (run bench/plot.sh)"
  done < <(rows "$csv")
}
check_named "$src/bench/watchdog/results.csv" "$images/bench-restart-latency.svg"
check_named "$src/bench/watchdog/results.csv" "$images/bench-memory.svg"
check_named "$src/bench/logs/results.csv" "$images/bench-logs.svg"
grep -qF 'images/bench-restart-latency.svg' "$src/docs/benchmarks.md" &&
  grep -qF 'images/bench-memory.svg' "$src/docs/benchmarks.md" &&
  grep -qF 'images/bench-logs.svg' "$src/docs/benchmarks.md" ||
  fail "docs/benchmarks.md does not show all three charts"
echo "PASS: every recorded row is in its chart, and docs/benchmarks.md shows the charts"

if ! command -v gnuplot >/dev/null; then
  [ "${CI:-}" = true ] && fail "gnuplot is missing under CI=true (scripts/deps/docs.txt: gnuplot-nox)"
  echo "SKIP: gnuplot missing: the charts were not redrawn"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-charts.XXXXXX")
trap 'rm -rf "$work"' EXIT
bash "$src/bench/plot.sh" "$work" >/dev/null || fail "bench/plot.sh failed"
for chart in bench-restart-latency bench-memory bench-logs; do
  cmp -s "$work/$chart.svg" "$images/$chart.svg" ||
    fail "docs/images/$chart.svg differs from what bench/plot.sh draws from bench/*/results.csv (re-run bench/plot.sh)"
done
echo "PASS: bench/plot.sh redraws the committed charts byte for byte"
