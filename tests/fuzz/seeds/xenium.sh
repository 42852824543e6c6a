#!/usr/bin/env bash
# Seeds for fuzz_xenium: the real Xenium folders (mouse brain, two samples) cut small, as the
# target's parts: experiment.xenium, transcripts, cell and nucleus boundaries. Also the first
# sample's transcripts and cell boundaries as Parquet (hyparquet-writer, tests/tools; skipped
# when node or the package is missing) and a folder without a manifest.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for xenium
xenium="$DATA/platform_fixtures/xenium_mouse_brain_tiny"
for sample in sample1 sample2; do
  s="$xenium/$sample"
  {
    cat "$s/experiment.xenium"
    printf '%s' "$PART"
    head -n 150 "$s/transcripts.csv"
    printf '%s' "$PART"
    cat "$s/cell_boundaries.csv"
    printf '%s' "$PART"
    cat "$s/nucleus_boundaries.csv"
  } >"$CORPUS/seed-$sample"
done
{
  printf '%s' "$PART"
  head -n 100 "$xenium/sample2/transcripts.csv"
} >"$CORPUS/seed-no-manifest"
tools="$ROOT/tests/tools"
if command -v node >/dev/null && [ -d "$tools/node_modules/hyparquet-writer" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  head -n 120 "$xenium/sample1/transcripts.csv" >"$work/transcripts.csv"
  head -n 60 "$xenium/sample1/cell_boundaries.csv" >"$work/cell_boundaries.csv"
  node "$tools/write-xenium-parquet.mjs" "$work/transcripts.csv" "$work/cell_boundaries.csv" "$work"
  {
    cat "$xenium/sample1/experiment.xenium"
    printf '%s' "$PART"
    cat "$work/transcripts.parquet"
    printf '%s' "$PART"
    cat "$work/cell_boundaries.parquet"
  } >"$CORPUS/seed-sample1-parquet"
else
  echo "node or hyparquet-writer missing: no Parquet seed (tests/tools/install-node-packages.sh)" >&2
fi
check_sizes
