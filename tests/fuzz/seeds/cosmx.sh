#!/usr/bin/env bash
# Seeds for fuzz_cosmx: the real CosMx export (human lung) cut small, as the target's parts:
# tx_file.csv's first rows, fov_positions_file.csv and a 48 × 48 px crop of the real FOV 1
# CellLabels image (32-bit float, LZW, as CosMx writes it; label-crop.py); also the export
# without label images.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for cosmx
cosmx="$DATA/platform_fixtures/cosmx_human_lung_tiny"
tiff="$(mktemp)"
trap 'rm -f "$tiff"' EXIT
/usr/bin/python3 "$ROOT/tests/fuzz/seeds/label-crop.py" \
  "$cosmx/sample_1/CellLabels/CellLabels_F001.tif" "$tiff" 48 float-lzw
{
  head -n 150 "$cosmx/sample_1/tx_file.csv"
  printf '%s' "$PART"
  cat "$cosmx/sample_1/fov_positions_file.csv"
  printf '%s' "$PART"
  cat "$tiff"
} >"$CORPUS/seed-lung-sample1"
{
  head -n 150 "$cosmx/sample_2/tx_file.csv"
  printf '%s' "$PART"
  cat "$cosmx/sample_2/fov_positions_file.csv"
} >"$CORPUS/seed-lung-sample2-no-labels"
check_sizes
