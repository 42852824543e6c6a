#!/usr/bin/env bash
# Runs every fuzz target of the fuzz build for a number of executions (default 10^6) over a copy
# of its seed corpus, niced, two at a time, and prints per target: executions, seconds, exec/s,
# peak RSS and any crash, hang or out-of-memory with its input (figures for docs/measurements.md).
#   bench/fuzz-million.sh [-n RUNS] [-j PARALLEL] [TARGET...]    (default: every fuzz_<name>)
# Needs the fuzz preset built: cmake --preset fuzz && cmake --build --preset fuzz
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERAMIND_FUZZ_BUILD_DIR:-$root/build/fuzz}/tests/fuzz"
fuzz="$root/tests/fuzz"
runs=1000000
parallel=2
while getopts "n:j:" option; do
  case $option in
    n) runs=$OPTARG ;;
    j) parallel=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
  set -- $(find "$build" -maxdepth 1 -name 'fuzz_*' -type f -executable -printf '%f\n' |
    sed 's/^fuzz_//' | sort)
fi
if [ $# -eq 0 ]; then
  echo "no fuzz_<name> in $build: build the fuzz preset first" >&2
  exit 1
fi
results="$(mktemp -d "${TMPDIR:-/tmp}/teramind-fuzz-million.XXXXXX")"
artifacts="${TERAMIND_FUZZ_ARTIFACTS:-$root/build/fuzz/fuzz-million-artifacts}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan-suppressions.txt}"

# One target: its max_len and dictionary come from fuzz_<name>.options (written by CMake).
run_target() {
  local name=$1 options="$build/fuzz_$1.options" work="$results/$1"
  local max_len dictionary
  max_len=$(sed -n 's/^max_len=//p' "$options")
  dictionary=$(sed -n 's/^dictionary=//p' "$options")
  mkdir -p "$work/corpus" "$artifacts/$name"
  if [ -d "$fuzz/corpus/$name" ]; then cp -R "$fuzz/corpus/$name/." "$work/corpus/"; fi
  local flags=(-runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len:-65536}"
               -print_final_stats=1 -artifact_prefix="$artifacts/$name/")
  if [ -n "$dictionary" ] && [ -f "$dictionary" ]; then flags+=(-dict="$dictionary"); fi
  local start end status
  start=$(date +%s.%N)
  nice -n 10 "$build/fuzz_$name" "$work/corpus" "${flags[@]}" >"$work/log" 2>&1
  status=$?
  end=$(date +%s.%N)
  local executions rss finding="none"
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    local kind artifact
    kind=$(grep -o -m 1 -E 'ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+|runtime error|fuzz: [^:]*' "$work/log" | head -n 1)
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -n 1)
    finding="${kind:-exit $status}: ${artifact:-no input written} (log: $work/log)"
  fi
  awk -v n="$name" -v e="${executions:-0}" -v s="$start" -v f="$end" -v r="${rss:-?}" -v x="$finding" \
    'BEGIN { t = f - s; printf "%-20s %12d %9.1f %10.0f %8s  %s\n", n, e, t, (t > 0 ? e / t : 0), r, x }' \
    >"$work/line"
  cat "$work/line"
}

header=$(printf '%-20s %12s %9s %10s %8s  %s' target executions seconds exec/s rss_mb finding)
echo "$header"
running=0
for name in "$@"; do
  run_target "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
echo
echo "summary ($runs runs per target; logs in $results):"
echo "$header"
failed=0
for name in "$@"; do
  cat "$results/$name/line"
  grep -q ' none$' "$results/$name/line" || failed=1
done
exit $failed
