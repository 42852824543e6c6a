#!/usr/bin/env bash
# Fuzzes one target for a bounded time (ctest's fuzz.run.<name>): the regression inputs are
# replayed first, then libFuzzer runs SECONDS over a copy of the seed corpus (the source tree
# is never written). Exits 77 (ctest: skipped) when the fuzz build lacks the binary.
#   run-fuzz-target.sh BINARY CORPUS REGRESSIONS DICTIONARY SECONDS [MAX_LEN]
# DICTIONARY may be "" (none). A finding is kept under $TERAMIND_FUZZ_ARTIFACTS/<name>/
# (default: fuzz-artifacts/ in the current folder, the build tree under ctest).
# The seed is fixed ($TERAMIND_FUZZ_SEED, default 1) so that a red CI run is the same run on
# any machine; TERAMIND_FUZZ_SEED=0 lets libFuzzer pick one (for hunting, docs/fuzzing.md).
set -euo pipefail
binary=$1 corpus=$2 regressions=$3 dictionary=$4 seconds=$5 max_len=${6:-65536}
name=$(basename "$binary")
if [ ! -x "$binary" ]; then
  echo "SKIPPED: $binary is not built; build the fuzz preset first:"
  echo "  cmake --preset fuzz && cmake --build --preset fuzz"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/teramind-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
if [ -d "$corpus" ]; then cp -R "$corpus/." "$work/corpus/"; fi
artifacts="${TERAMIND_FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}/$name"
mkdir -p "$artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lsan-suppressions.txt}"
options=(-timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -artifact_prefix="$artifacts/"
         -seed="${TERAMIND_FUZZ_SEED:-1}")
if [ -n "$dictionary" ] && [ -f "$dictionary" ]; then options+=(-dict="$dictionary"); fi

# Shows the end of a failed run's log, with the finding's input.
fail() {
  tail -n 60 "$1"
  echo "FAILED: $name: $2 (inputs kept in $artifacts)"
  exit 1
}

# Each regression input once, as libFuzzer runs files given by name.
mapfile -t inputs < <(find "$regressions" -type f 2>/dev/null | sort)
if [ ${#inputs[@]} -gt 0 ]; then
  "$binary" "${options[@]}" "${inputs[@]}" >"$work/replay.log" 2>&1 ||
    fail "$work/replay.log" "a regression input fails again"
  echo "$name: ${#inputs[@]} regression inputs replayed"
fi

seeds=$(find "$work/corpus" -type f | wc -l)
"$binary" "$work/corpus" "${options[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  >"$work/fuzz.log" 2>&1 || fail "$work/fuzz.log" "the fuzzer found a crash, hang or leak"
stat_of() { sed -n "s/^stat::$1: *//p" "$work/fuzz.log" | tail -n 1; }
seed=$(sed -n 's/^INFO: Seed: *//p' "$work/fuzz.log" | head -n 1)  # the one used, when 0 asked
echo "$name: $(stat_of number_of_executed_units) executions in $seconds s, seed ${seed:-?}" \
  "($(stat_of average_exec_per_sec) exec/s), peak RSS $(stat_of peak_rss_mb) MB," \
  "corpus $seeds -> $(find "$work/corpus" -type f | wc -l) inputs"
