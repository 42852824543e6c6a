# Shared by the transcript and cell-table seed scripts (sourced, not run).
# ROOT: the repository; DATA: the real data ($TERAMIND_DATA, default ../shared/data);
# CORPUS: tests/fuzz/corpus/<target>, emptied of seeds this script wrote before.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
DATA="${TERAMIND_DATA:-$ROOT/../shared/data}"
PART=$'\n--teramind-part--\n'  # kPartSeparator in tests/fuzz/FuzzInput.h

corpus_for() {
  CORPUS="$ROOT/tests/fuzz/corpus/$1"
  mkdir -p "$CORPUS"
  rm -f "$CORPUS"/seed-*
}

# head_bytes FILE N: the first N lines of a plain or gzip text file.
head_lines() {
  if [[ "$1" == *.gz ]]; then zcat "$1" | head -n "$2" || true; else head -n "$2" "$1"; fi
}

# Every seed must stay small (<= 64 KiB), so one execution stays fast.
check_sizes() {
  local f
  for f in "$CORPUS"/seed-*; do
    if (($(stat -c %s "$f") > 65536)); then
      echo "seed too large: $f" >&2
      exit 1
    fi
  done
}
